/*
 * conn.c: one connection's life. TLS handshake, hello, framing of
 * request lines on the input buffer, replies (gathered and written by
 * conn-out.c), timeouts, and a clean close.
 *
 * Framing follows the protocol's rule that a line's size is checked
 * before more of it is buffered: the bufferevent's read high-water mark
 * is PROTO_MAX_LINE, so libevent stops reading from the socket once that
 * much is waiting, and a buffer that full with no newline is a line too
 * long: answered, then the connection is closed.
 *
 * Backpressure: a client that sends requests faster than it reads the
 * replies stops being read once its unsent output passes output_limit,
 * and is read again when the output has drained to half of it. Replies
 * that jobs in flight will write (conn_hold) count as unsent already:
 * otherwise every request waiting in the 64 KiB input would run, each
 * holding its page, before the limit was looked at. Live events are the
 * bus's business (a gap, never unbounded queueing).
 *
 * Rates: every line costs a request, answered or not (bad JSON, unknown
 * operations too): a logged-in connection from its account's bucket,
 * one not logged in from its own bucket and its address's. A client
 * that goes on sending far over its rate is closed (CONN_REFUSALS_MAX),
 * so a flood is answered a bounded number of times, not forever.
 *
 * Time: a logged-in client must end a line within line_timeout of its
 * first byte; one trickling a byte at a time otherwise never looks idle.
 */
#include <string.h>
#include <stdlib.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <openssl/err.h>

#include "bus.h"
#include "cmd.h"
#include "conn.h"
#include "limit.h"
#include "live.h"
#include "server.h"
#include "util.h"

/* How long a closing connection may take to flush its last lines. */
#define CONN_CLOSE_GRACE_SEC	5
/* Before login a client sends a login, perhaps a ping and a retry: a
 * few at once, then one every half second; faster is a script. */
#define CONN_UNAUTH_RATE	2
#define CONN_UNAUTH_BURST	20
/* Refusals over a rate that close the connection: more than this many
 * within the window. A client that backs off on rate_limited never gets
 * near; a flood is answered at most this many times a window. */
#define CONN_REFUSALS_MAX	50
#define CONN_REFUSAL_WINDOW_SEC	10

static const char *const conn_state_names[] = {
	"HANDSHAKE", "HELLO", "READY", "CLOSING"
};

static void	conn_read_cb(struct bufferevent *, void *);
static void	conn_write_cb(struct bufferevent *, void *);
static void	conn_event_cb(struct bufferevent *, short, void *);

void
conn_set_state(struct conn *c, enum conn_state state)
{
	if (c->state == state)
		return;
	log_debug("conn %llu: %s -> %s", (unsigned long long)c->id,
	    conn_state_names[c->state], conn_state_names[state]);
	c->state = state;
}

int
conn_is_open(const struct conn *c)
{
	return c->bev != NULL && c->state != CONN_CLOSING;
}

/* When a logged-in connection's partial line must have ended. */
static uint64_t
conn_line_deadline(const struct conn *c)
{
	return c->partial_ms + (uint64_t)c->srv->cf.line_timeout * 1000;
}

/* The next time conn_tick must look at this connection: in seconds, or
 * sooner for a logged-in one's partial line. */
static void
conn_arm_timer(struct conn *c, int seconds)
{
	c->deadline_ms = now_monotonic_ms() + (uint64_t)seconds * 1000;
	if (c->state == CONN_READY && c->partial_ms != 0 &&
	    conn_line_deadline(c) < c->deadline_ms)
		c->deadline_ms = conn_line_deadline(c);
}

/* Keep srv->nunauth, the connections not logged in, exact. */
static void
conn_count_unauth(struct conn *c, int unauth)
{
	if (c->unauth == unauth)
		return;
	c->unauth = unauth;
	c->srv->nunauth += unauth ? 1 : -1;
}

/* A TLS connection on an accepted socket; the handshake comes first. */
struct conn *
conn_accept(struct server *srv, int fd, const char *addr, const char *host)
{
	struct bufferevent *bev;
	SSL *ssl;

	if ((ssl = SSL_new(srv->ssl_ctx)) == NULL) {
		log_error("SSL_new failed");
		evutil_closesocket(fd);
		return NULL;
	}
	bev = bufferevent_openssl_socket_new(srv->base, fd, ssl,
	    BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL) {
		log_error("%s: cannot make a TLS bufferevent", addr);
		SSL_free(ssl);
		evutil_closesocket(fd);
		return NULL;
	}
	bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
	return conn_attach(srv, bev, addr, host);
}

/*
 * Everything about a connection but its transport: the TLS part is
 * conn_accept's, so the fuzzer can drive a connection over a plain
 * socketpair. The connection owns bev from here on.
 */
struct conn *
conn_attach(struct server *srv, struct bufferevent *bev, const char *addr,
    const char *host)
{
	struct conn *c;

	c = xcalloc(1, sizeof *c);
	c->id = ++srv->next_conn_id;
	c->refs = 1;
	c->srv = srv;
	c->state = CONN_HANDSHAKE;
	strlcpy_h(c->addr, addr, sizeof c->addr);
	strlcpy_h(c->host, host, sizeof c->host);
	c->last_input_ms = now_monotonic_ms();
	c->bev = bev;
	bufferevent_setcb(c->bev, conn_read_cb, conn_write_cb, conn_event_cb, c);
	bufferevent_setwatermark(c->bev, EV_READ, 0, PROTO_MAX_LINE);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	conn_arm_timer(c, srv->cf.login_timeout);
	srv->heap_busy = 1;

	if ((c->next = srv->conns) != NULL)
		c->next->prev = c;
	srv->conns = c;
	srv->nconns++;
	conn_count_unauth(c, 1);
	log_info("conn %llu: accepted from %s", (unsigned long long)c->id,
	    c->addr);
	return c;
}

void
conn_ref(struct conn *c)
{
	c->refs++;
}

void
conn_unref(struct conn *c)
{
	if (--c->refs > 0)
		return;
	free(c->out);
	free(c);
}

/* Release the socket and leave the server's list; the struct lives on
 * while jobs hold references. */
static void
conn_drop(struct conn *c)
{
	struct server *srv = c->srv;

	if (c->bev == NULL)
		return;
	bus_unsubscribe(srv->bus, c);
	live_remove(c);
	bufferevent_free(c->bev);
	c->bev = NULL;
	c->outlen = 0;
	c->state = CONN_CLOSING;
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		srv->conns = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	srv->nconns--;
	/* The last one gone at shutdown: nothing left for the tick. */
	if (srv->stopping && srv->nconns == 0)
		event_del(srv->tick_ev);
	conn_count_unauth(c, 0);
	limits_addr_release(srv->limits, c->host);
	log_info("conn %llu: closed", (unsigned long long)c->id);
	conn_unref(c);
}

void
conn_close(struct conn *c, const char *reason)
{
	json_t *bye;

	if (!conn_is_open(c))
		return;
	log_info("conn %llu: closing: %s", (unsigned long long)c->id, reason);
	bus_unsubscribe(c->srv->bus, c);
	if (c->state != CONN_HANDSHAKE) {
		bye = json_pack("{s:s, s:s}", "ev", "bye", "reason", reason);
		conn_send_event(c, bye);
		json_decref(bye);
	}
	conn_set_state(c, CONN_CLOSING);
	/* No longer waiting to log in: its slot is free at once. */
	conn_count_unauth(c, 0);
	bufferevent_disable(c->bev, EV_READ);
	conn_flush(c);
	if (evbuffer_get_length(bufferevent_get_output(c->bev)) == 0) {
		conn_drop(c);
		return;
	}
	/* The write callback drops it once the output has drained. */
	bufferevent_setwatermark(c->bev, EV_WRITE, 0, 0);
	conn_arm_timer(c, CONN_CLOSE_GRACE_SEC);
}

void
conn_reply_ok(struct conn *c, json_t *id, json_t *result)
{
	size_t len;
	char *line;

	line = proto_reply_ok(id, result, &len);
	conn_write(c, line, len);
	free(line);
}

void
conn_reply_err(struct conn *c, json_t *id, enum proto_err err,
    const char *message)
{
	size_t len;
	char *line;

	line = proto_reply_err(id, err, message, &len);
	conn_write(c, line, len);
	free(line);
}

void
conn_send_event(struct conn *c, json_t *ev)
{
	size_t len;
	char *line;

	line = proto_encode(ev, &len);
	conn_write(c, line, len);
	free(line);
}

static void
conn_send_hello(struct conn *c)
{
	json_t *hello;

	hello = proto_hello("harbourd " HARBOUR_VERSION,
	    c->srv->cf.login_timeout, c->srv->cf.idle_timeout);
	conn_send_event(c, hello);
	json_decref(hello);
}

/* One more request refused over a rate: too many, and it is closed. */
static void
conn_refused(struct conn *c, uint64_t now)
{
	char reason[128];

	if (c->refused_ms == 0 || now - c->refused_ms >=
	    (uint64_t)CONN_REFUSAL_WINDOW_SEC * 1000) {
		c->refused_ms = now;
		c->refused = 0;
	}
	if (++c->refused <= CONN_REFUSALS_MAX)
		return;
	snprintf(reason, sizeof reason, "more than %d requests refused over "
	    "the rate within %d seconds", CONN_REFUSALS_MAX,
	    CONN_REFUSAL_WINDOW_SEC);
	conn_close(c, reason);
}

/* This connection's own bucket, before login. */
static int
conn_unauth_take(struct conn *c, uint64_t now)
{
	if (c->unauth_stamp_ms == 0)
		c->unauth_tokens = CONN_UNAUTH_BURST;
	else if (now > c->unauth_stamp_ms)
		c->unauth_tokens += (double)(now - c->unauth_stamp_ms) *
		    CONN_UNAUTH_RATE / 1000.0;
	if (c->unauth_tokens > CONN_UNAUTH_BURST)
		c->unauth_tokens = CONN_UNAUTH_BURST;
	c->unauth_stamp_ms = now;
	if (c->unauth_tokens < 1.0)
		return -1;
	c->unauth_tokens -= 1.0;
	return 0;
}

/* Every line is a request against the rates; 0 when it may be answered,
 * -1 when it was refused (answered rate_limited). */
static int
conn_charge(struct conn *c, json_t *id)
{
	struct server *srv = c->srv;
	uint64_t now = now_monotonic_ms();
	char msg[128];

	if (c->state == CONN_READY) {
		if (limits_request(srv->limits, c->acct.id, srv->cf.request_rate,
		    srv->cf.request_burst, now) == 0)
			return 0;
		snprintf(msg, sizeof msg, "more than %d requests a second "
		    "from this account: slow down", srv->cf.request_rate);
	} else if (conn_unauth_take(c, now) != 0)
		snprintf(msg, sizeof msg, "more than %d requests a second "
		    "before login: slow down", CONN_UNAUTH_RATE);
	else if (limits_unauth_request(srv->limits, c->host, srv->cf.unauth_rate,
	    srv->cf.unauth_burst, now) != 0)
		snprintf(msg, sizeof msg, "more than %d requests a second "
		    "before login from your address: slow down",
		    srv->cf.unauth_rate);
	else
		return 0;
	conn_reply_err(c, id, PROTO_E_RATE_LIMITED, msg);
	conn_refused(c, now);
	return -1;
}

static void
conn_handle_line(struct conn *c, const char *line, size_t len)
{
	struct proto_req req;
	const char *detail = NULL;
	enum proto_err err;

	if (len == 0)
		return;		/* empty lines are allowed and ignored */
	/* Decoded first, so that a refusal carries the request's id. */
	err = proto_decode(line, len, &req, &detail);
	if (conn_charge(c, req.id) != 0)
		;
	else if (err != PROTO_OK)
		conn_reply_err(c, req.id, err, detail);
	else
		cmd_dispatch(c, &req);
	proto_req_free(&req);
}

/* Unsent output and replies promised by jobs in flight. */
static size_t
conn_backlog(struct conn *c)
{
	return conn_output_len(c) + c->pending_out;
}

static int
conn_paused(struct conn *c)
{
	return conn_is_open(c) && !(bufferevent_get_enabled(c->bev) & EV_READ);
}

/* A partial line waits: a logged-in client's must end within
 * line_timeout of when we first saw it. */
static void
conn_partial(struct conn *c)
{
	if (c->state != CONN_READY || c->partial_ms != 0)
		return;
	c->partial_ms = now_monotonic_ms();
	if (conn_line_deadline(c) < c->deadline_ms)
		c->deadline_ms = conn_line_deadline(c);
}

/* Over the limit: read no more requests until the backlog drains. */
static void
conn_pause(struct conn *c)
{
	/* Its partial line waits for us now, not for the client. */
	c->partial_ms = 0;
	if (conn_paused(c))
		return;
	bufferevent_disable(c->bev, EV_READ);
	bufferevent_setwatermark(c->bev, EV_WRITE, c->srv->cf.output_limit / 2,
	    0);
	log_debug("conn %llu: %zu bytes unsent and %zu held: not reading",
	    (unsigned long long)c->id, conn_output_len(c), c->pending_out);
}

/* Frame and handle every complete line waiting in the input. */
static void
conn_read_lines(struct conn *c)
{
	struct evbuffer *in;
	struct evbuffer_ptr eol;
	size_t n, waiting;
	char *buf = c->srv->linebuf;

	while (conn_is_open(c)) {
		/* Backpressure: no requests while replies pile up. */
		if (conn_backlog(c) > c->srv->cf.output_limit) {
			conn_pause(c);
			break;
		}
		in = bufferevent_get_input(c->bev);
		waiting = evbuffer_get_length(in);
		if (waiting == 0)
			break;
		eol = evbuffer_search_eol(in, NULL, &n, EVBUFFER_EOL_LF);
		if (eol.pos < 0 || (size_t)eol.pos + 1 > PROTO_MAX_LINE) {
			if (eol.pos < 0 && waiting < PROTO_MAX_LINE) {
				conn_partial(c);
				break;		/* a partial line: wait */
			}
			conn_reply_err(c, NULL, PROTO_E_LINE_TOO_LONG, NULL);
			conn_close(c, "line too long");
			break;
		}
		c->partial_ms = 0;
		n = (size_t)eol.pos;
		evbuffer_remove(in, buf, n + 1);
		if (n > 0 && buf[n - 1] == '\r')
			n--;
		buf[n] = '\0';
		conn_handle_line(c, buf, n);
	}
}

/* Reading again after a pause: what waited in the input first. */
static void
conn_resume(struct conn *c)
{
	bufferevent_setwatermark(c->bev, EV_WRITE, 0, 0);
	bufferevent_enable(c->bev, EV_READ);
	log_debug("conn %llu: backlog down to %zu bytes: reading again",
	    (unsigned long long)c->id, conn_backlog(c));
	conn_ref(c);
	conn_read_lines(c);
	conn_unref(c);
}

static void
conn_resume_cb(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;

	(void)fd;
	(void)what;
	c->resume_queued = 0;
	if (conn_paused(c) &&
	    conn_backlog(c) <= c->srv->cf.output_limit / 2) {
		store_snapshot_begin(c->srv->store);
		conn_resume(c);
		store_snapshot_end(c->srv->store);
	}
	conn_unref(c);
}

void
conn_hold(struct conn *c, size_t bytes)
{
	c->pending_out += bytes;
}

/* Released from a job's completion, in the middle of the store's: the
 * read runs in a pass of its own. */
void
conn_release(struct conn *c, size_t bytes)
{
	struct timeval now = { 0, 0 };

	c->pending_out -= bytes < c->pending_out ? bytes : c->pending_out;
	if (!conn_paused(c) || c->resume_queued ||
	    conn_backlog(c) > c->srv->cf.output_limit / 2)
		return;
	conn_ref(c);
	c->resume_queued = 1;
	if (event_base_once(c->srv->base, -1, EV_TIMEOUT, conn_resume_cb, c,
	    &now) != 0) {
		c->resume_queued = 0;
		conn_unref(c);
	}
}

static void
conn_read_cb(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;

	(void)bev;
	c->last_input_ms = now_monotonic_ms();
	c->pinged = 0;
	conn_ref(c);
	store_snapshot_begin(c->srv->store);
	conn_read_lines(c);
	store_snapshot_end(c->srv->store);
	conn_unref(c);
}

static void
conn_write_cb(struct bufferevent *bev, void *arg)
{
	(void)bev;
	conn_drained(arg);
}

void
conn_drained(struct conn *c)
{
	if (c->state == CONN_CLOSING) {
		if (conn_output_len(c) == 0)
			conn_drop(c);
		return;
	}
	if (conn_paused(c) && conn_backlog(c) <= c->srv->cf.output_limit / 2)
		conn_resume(c);
}

static void
conn_log_tls_error(struct conn *c)
{
	unsigned long e;
	char buf[256];

	while ((e = bufferevent_get_openssl_error(c->bev)) != 0) {
		ERR_error_string_n(e, buf, sizeof buf);
		log_info("conn %llu: TLS: %s", (unsigned long long)c->id, buf);
	}
}

static void
conn_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct conn *c = arg;

	(void)bev;
	if (what & BEV_EVENT_CONNECTED) {
		conn_set_state(c, CONN_HELLO);
		conn_send_hello(c);
		return;
	}
	if (what & BEV_EVENT_ERROR)
		conn_log_tls_error(c);
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR | BEV_EVENT_TIMEOUT))
		conn_drop(c);
}

/*
 * Timeouts. One server-wide tick looks at every connection whose
 * deadline has passed, instead of a timer event per connection: ten
 * thousand idle connections then hold no event each, and the scan is a
 * walk down a list a few times a second.
 */
static void
conn_tick(struct conn *c, uint64_t now)
{
	struct server *srv = c->srv;
	uint64_t idle_ms;
	json_t *ping;
	char msg[128];

	if (now < c->deadline_ms)
		return;
	switch (c->state) {
	case CONN_HANDSHAKE:
		/* No TLS yet, so nothing to say: just let go. */
		log_info("conn %llu: closing: login timeout (TLS handshake)",
		    (unsigned long long)c->id);
		conn_drop(c);
		return;
	case CONN_HELLO:
		if (c->auth_busy) {	/* a login is being checked */
			conn_arm_timer(c, 1);
			return;
		}
		conn_close(c, "login timeout");
		return;
	case CONN_CLOSING:
		conn_drop(c);
		return;
	case CONN_READY:
		break;
	}
	if (c->partial_ms != 0 && now >= conn_line_deadline(c)) {
		snprintf(msg, sizeof msg, "a line must end within %d seconds "
		    "of its first byte", srv->cf.line_timeout);
		conn_reply_err(c, NULL, PROTO_E_LINE_TIMEOUT, msg);
		conn_close(c, "line timeout");
		return;
	}
	idle_ms = now - c->last_input_ms;
	if (idle_ms >= (uint64_t)srv->cf.idle_timeout * 1000) {
		if (c->pinged) {
			conn_close(c, "idle");
			return;
		}
		ping = json_pack("{s:s}", "ev", "ping");
		conn_send_event(c, ping);
		json_decref(ping);
		c->pinged = 1;
		c->last_input_ms = now_monotonic_ms();
	}
	conn_arm_timer(c, srv->cf.idle_timeout);
}

void
conn_tick_all(struct server *srv)
{
	struct conn *c, *next;
	uint64_t now = now_monotonic_ms();

	for (c = srv->conns; c != NULL; c = next) {
		next = c->next;		/* c may be dropped */
		conn_ref(c);
		conn_tick(c, now);
		next = c->next;
		conn_unref(c);
	}
	log_repeat_tick();
}

int
conn_evict_unauth(struct server *srv)
{
	struct conn *c, *handshake = NULL, *hello = NULL;
	int seen = 0;

	/* The list is newest first, so the last seen of each kind is its
	 * oldest; the walk ends once every connection not logged in has
	 * been seen, so it is as long as the connections accepted since the
	 * oldest of them, not all of them. */
	for (c = srv->conns; c != NULL && seen < srv->nunauth; c = c->next) {
		if (!c->unauth)
			continue;
		seen++;
		if (c->state == CONN_HANDSHAKE)
			handshake = c;
		else if (c->state == CONN_HELLO && !c->auth_busy)
			hello = c;
	}
	/* A silent socket costs nothing to open; a TLS handshake does. */
	if ((c = handshake != NULL ? handshake : hello) == NULL)
		return -1;
	log_peer(LOG_LEVEL_INFO, c->host, "conn %llu: closing the oldest not "
	    "logged in to make room: max_unauthenticated reached",
	    (unsigned long long)c->id);
	if (c->state == CONN_HANDSHAKE)
		conn_drop(c);
	else
		conn_close(c, "too many connections waiting to log in: "
		    "the oldest makes room");
	return 0;
}

static const char *const conn_auth_names[] = {
	"nothing", "password", "token", "certificate"
};

void
conn_logged_in(struct conn *c)
{
	conn_set_state(c, CONN_READY);
	conn_count_unauth(c, 0);
	c->srv->heap_busy = 1;
	c->last_input_ms = now_monotonic_ms();
	conn_arm_timer(c, c->srv->cf.idle_timeout);
	live_add(c);
	log_info("conn %llu: logged in as %s (%s) by %s",
	    (unsigned long long)c->id, c->acct.name,
	    proto_role_name(c->acct.role), conn_auth_names[c->auth]);
}

void
conn_logged_out(struct conn *c)
{
	bus_unsubscribe(c->srv->bus, c);
	live_remove(c);
	memset(&c->acct, 0, sizeof c->acct);
	c->session = 0;
	c->auth = CONN_AUTH_NONE;
	memset(c->cert_fp, 0, sizeof c->cert_fp);
	conn_set_state(c, CONN_HELLO);
	conn_count_unauth(c, 1);
	conn_arm_timer(c, c->srv->cf.login_timeout);
}
