/*
 * conn.h: one client connection: its TLS bufferevent, its state machine,
 * its identity once logged in, and its live subscription (kept by the
 * bus). Connections are reference-counted: an asynchronous job (a
 * password hash, a database write) holds a reference, so a connection
 * that closes while a job is in flight is freed only when the job comes
 * back, and the job then sees it closed instead of touching freed memory.
 */
#ifndef HARBOUR_CONN_H
#define HARBOUR_CONN_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include <openssl/ssl.h>

#include "proto.h"
#include "store.h"

struct server;
struct bufferevent;
struct event;

enum conn_state {
	CONN_HANDSHAKE,		/* TLS not yet up */
	CONN_HELLO,		/* hello sent, not logged in */
	CONN_READY,		/* logged in */
	CONN_CLOSING		/* flushing its last lines, then freed */
};

struct conn {
	uint64_t		 id;
	int			 refs;
	struct server		*srv;
	struct bufferevent	*bev;
	uint64_t		 deadline_ms;	/* login timeout, idle ping */
	enum conn_state		 state;
	char			 addr[64];	/* "127.0.0.1:51234" */
	char			 host[48];	/* "127.0.0.1" */
	int			 unauth;	/* counted in srv->nunauth */

	struct store_ident	 acct;		/* valid in CONN_READY */
	int64_t			 session;
	int			 auth_busy;	/* a login/register in flight */

	uint64_t		 last_input_ms;
	int			 pinged;

	/* The bus's: what this connection receives live. */
	int64_t			*subs;		/* channel ids, sorted */
	size_t			 nsubs;
	int64_t			 last_eid;	/* highest event sent live */
	int			 subscribed;

	/* Output gathered during one loop pass, written at its end as one
	 * TLS record (see conn_flush_all). */
	char			*out;
	size_t			 outlen, outcap;
	struct conn		*flush_next;	/* server's flush list */
	int			 flush_queued;

	struct conn		*prev, *next;	/* server's list */
};

/* A TLS connection on an accepted socket. */
struct conn	*conn_accept(struct server *, int fd, const char *addr,
		    const char *host);
/* A connection on any bufferevent (conn_accept's second half; the
 * fuzzer's plain one); it owns bev. Starts in CONN_HANDSHAKE. */
struct conn	*conn_attach(struct server *, struct bufferevent *,
		    const char *addr, const char *host);
void		 conn_ref(struct conn *);
void		 conn_unref(struct conn *);
/* Send a final event (may be NULL), flush, then free. */
void		 conn_close(struct conn *, const char *reason);
int		 conn_is_open(const struct conn *);
void		 conn_set_state(struct conn *, enum conn_state);
/* Authenticated (acct and session filled in) / logged out again. */
void		 conn_logged_in(struct conn *);
void		 conn_logged_out(struct conn *);

/* Queue bytes for the client (a whole line, newline included). */
void		 conn_write(struct conn *, const char *, size_t);
/* Bytes waiting to be sent to the client. */
size_t		 conn_output_len(struct conn *);
/* End of a loop pass: hand every connection's gathered output to TLS. */
void		 conn_flush_all(struct server *);
/* A few times a second: timeouts and idle pings. */
void		 conn_tick_all(struct server *);
void		 conn_reply_ok(struct conn *, json_t *id, json_t *result);
void		 conn_reply_err(struct conn *, json_t *id, enum proto_err,
		    const char *message);
void		 conn_send_event(struct conn *, json_t *ev);

#endif
