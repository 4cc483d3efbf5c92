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
#include <bsd/sys/tree.h>

#include "proto.h"
#include "store.h"

struct server;
struct bufferevent;
struct event;
struct bus_sub;

enum conn_state {
	CONN_HANDSHAKE,		/* TLS not yet up */
	CONN_HELLO,		/* hello sent, not logged in */
	CONN_READY,		/* logged in */
	CONN_CLOSING		/* flushing its last lines, then freed */
};

/* How a connection logged in: what must go for it to end (live.h). */
enum conn_auth {
	CONN_AUTH_NONE,		/* not logged in */
	CONN_AUTH_PASSWORD,	/* login with a password, or register */
	CONN_AUTH_TOKEN,	/* resumed a session */
	CONN_AUTH_CERT		/* client certificate: cert_fp */
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
	enum conn_auth		 auth;		/* valid in CONN_READY */
	uint8_t			 cert_fp[STORE_HASH_LEN];	/* CONN_AUTH_CERT:
						 * its SHA-256 */
	int			 auth_busy;	/* a login/register in flight */

	/* live.c's: this connection in the indexes by account and by
	 * session, while logged in. */
	RB_ENTRY(conn)		 live_acct, live_session;
	int			 live_in;

	uint64_t		 last_input_ms;
	int			 pinged;
	uint64_t		 partial_ms;	/* a partial line waits since; 0 none */

	/* Backpressure: reply bytes jobs in flight will write (conn_hold). */
	size_t			 pending_out;
	int			 resume_queued;

	/* Before login: this connection's own request bucket. */
	double			 unauth_tokens;
	uint64_t		 unauth_stamp_ms;
	/* Requests refused over a rate in the window begun at refused_ms. */
	int			 refused;
	uint64_t		 refused_ms;

	/* The upload resource.upload last named (cmd-resource.c): chunks
	 * go to it; its partial file, not this, is what survives. */
	struct {
		uint8_t		 sha256[32];
		int64_t		 size;
		int		 active;
		int		 finishing;	/* SW_UPLOAD_FINISH in flight */
	}			 upload;

	/* The month (yyyymm) this connection last told the store its
	 * account read in (cmd-programme.c): one write a month at most. */
	int			 read_month;

	/* The bus's record of what it receives live (NULL: nothing). */
	struct bus_sub		*sub;

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
/* Authenticated (acct, session and auth filled in) / logged out
 * again; both keep the live index (live.h) up to date. */
void		 conn_logged_in(struct conn *);
void		 conn_logged_out(struct conn *);

/* Queue bytes for the client (a whole line, newline included). */
void		 conn_write(struct conn *, const char *, size_t);
/* Bytes waiting to be sent to the client. */
size_t		 conn_output_len(struct conn *);
/*
 * A job in flight will write a reply of about bytes (a history page
 * waiting for its read marker): count it against output_limit now, so
 * that no more requests are read while replies promised and unsent pass
 * it, whatever kind of reply they are. Release the same bytes when the
 * reply is written or dropped; reading resumes once what is unsent and
 * held is down to half the limit.
 */
void		 conn_hold(struct conn *, size_t bytes);
void		 conn_release(struct conn *, size_t bytes);
/* The pool of connections not logged in is full and one more came:
 * close the oldest still in its TLS handshake (silent ones first), else
 * the oldest waiting to log in. 0 when one was closed, -1 when none may
 * go (every one is having its password checked). */
int		 conn_evict_unauth(struct server *);
/* End of a loop pass: hand every connection's gathered output to TLS. */
void		 conn_flush_all(struct server *);
/* Hand one connection's gathered output to TLS now (conn-out.c). */
void		 conn_flush(struct conn *);
/* Its output has gone to the socket: a closing connection is dropped,
 * a paused one read again (conn.c). */
void		 conn_drained(struct conn *);
/* A few times a second: timeouts and idle pings. */
void		 conn_tick_all(struct server *);
void		 conn_reply_ok(struct conn *, json_t *id, json_t *result);
void		 conn_reply_err(struct conn *, json_t *id, enum proto_err,
		    const char *message);
void		 conn_send_event(struct conn *, json_t *ev);

#endif
