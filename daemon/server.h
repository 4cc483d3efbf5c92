/*
 * server.h: the one object that ties harbourd's modules together. There
 * are no globals: every callback reaches the event base, the store, the
 * bus and the configuration through a struct server pointer.
 */
#ifndef HARBOUR_SERVER_H
#define HARBOUR_SERVER_H

#include <stdint.h>
#include <openssl/ssl.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "config.h"

struct store;
struct bus;
struct auth;
struct conn;

struct server {
	struct config		 cf;
	struct event_base	*base;
	struct store		*store;
	struct bus		*bus;
	struct auth		*auth;
	SSL_CTX			*ssl_ctx;
	struct evconnlistener	*listener;
	struct event		*store_ev;	/* writer finished jobs */
	struct event		*sig_term, *sig_int, *sig_pipe;

	struct conn		*conns;		/* every live connection */
	uint64_t		 next_conn_id;
	int			 nconns;
	int			 stopping;
	time_t			 started;

	char			*linebuf;	/* one framed line, PROTO_MAX_LINE */
};

/* Begin a clean shutdown: stop accepting, finish commits, close. */
void	server_shutdown(struct server *);

#endif
