/*
 * net.h: the client's one TLS connection to harbourd.
 *
 * Blocking from the caller's point of view, with a deadline on every
 * wait so that a silent server cannot hang a script. Requests are sent
 * one at a time, or a few ahead of their replies (net_send, then
 * net_await for each in order) where a transfer would otherwise wait
 * out a round trip per chunk; while the client waits for a reply,
 * events that arrive are kept, in order, for net_read to hand out
 * afterwards.
 */
#ifndef HARBOUR_NET_H
#define HARBOUR_NET_H

#include <stdint.h>
#include <jansson.h>

/* Each failure sets *cause (malloc'd) to a sentence without "harbour:". */
/* certfile and keyfile (both or neither) present a client certificate. */
struct net	*net_open(const char *server, const char *cafile,
		    const char *certfile, const char *keyfile, char **cause);
/* The request's "id" is set here. 0, or -1 when the link failed. */
int		 net_send(struct net *, json_t *req, char **cause);
/* Send and wait for the reply with the same id: 0 and *reply (a new
 * reference to the whole reply object), or -1 on a transport failure. */
int		 net_call(struct net *, json_t *req, json_t **reply,
		    char **cause);
/* The reply to the request net_send gave the "id" want, waited for
 * as net_call waits. */
int		 net_await(struct net *, int64_t want, json_t **reply,
		    char **cause);
/* The next event: 1 with *msg, 0 when timeout_ms (-1: forever) passed,
 * -1 when the link failed. Kept events come first. */
int		 net_read(struct net *, int timeout_ms, json_t **msg,
		    char **cause);
/* For poll(2); valid after net_read returned 0 (nothing buffered). */
int		 net_fd(struct net *);
int64_t		 net_next_id(struct net *);
const char	*net_where(struct net *);
const char	*net_host(struct net *);	/* the server's, as given */
void		 net_close(struct net *);

#endif
