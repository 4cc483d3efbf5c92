/*
 * listen.h: the TLS context and the listening socket.
 */
#ifndef HARBOUR_LISTEN_H
#define HARBOUR_LISTEN_H

#include <openssl/ssl.h>

struct server;

/* A server context per the configuration; NULL with *cause. */
SSL_CTX	*listen_tls_context(const struct config *, char **cause);
/* Bind cf.listen and start accepting; 0, or -1 with *cause. */
int	 listen_start(struct server *, char **cause);
void	 listen_stop(struct server *);
/* Whether "ADDR:PORT" is an address listen_start can use. */
int	 listen_addr_valid(const char *);
/* Lower max_connections to fit the descriptor limit. */
void	 listen_fit_fd_limit(struct server *);

#endif
