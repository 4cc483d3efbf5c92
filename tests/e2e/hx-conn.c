/*
 * hx-conn.c: the harness's TLS client. A plain blocking client could
 * hang a test forever on a daemon that stops answering, so the socket
 * is non-blocking and every wait is a poll() with a deadline.
 *
 * Incoming bytes are cut into lines as they arrive; each line must be
 * a JSON object (anything else from the server fails the test at
 * once). Objects with an "id" are replies and wait in c->replies until
 * someone asks for that id; objects with an "ev" are pushes and wait
 * in c->events, in order. So a test can pipeline requests and still
 * see every event exactly as the server sent it.
 *
 * While a write is blocked (the server not reading), the client keeps
 * reading: otherwise a server that stops reading while its own output
 * is full, as the protocol allows, would deadlock with the test.
 */
#include <sys/socket.h>
#include <sys/types.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include <criterion/criterion.h>

#include "hx-internal.h"

/* A sane upper bound for one line from the server: a post event with a
 * maximal body, every byte escaped, still fits. */
#define HX_MAX_SERVER_LINE	(1024 * 1024)
#define HX_READ_CHUNK		16384
#define HX_MAX_CONNS		256

static struct hx_conn	*hx_conns[HX_MAX_CONNS];

static const char *
hx_ssl_errors(void)
{
	char		buf[256];
	unsigned long	e;
	const char	*s = "";

	while ((e = ERR_get_error()) != 0) {
		ERR_error_string_n(e, buf, sizeof buf);
		s = hx_strf("%s%s%s", s, *s ? "; " : "", buf);
	}
	return *s ? s : "(no OpenSSL error)";
}

static void
hx_conn_register(struct hx_conn *c)
{
	int	i;

	for (i = 0; i < HX_MAX_CONNS; i++)
		if (hx_conns[i] == NULL) {
			hx_conns[i] = c;
			return;
		}
	cr_assert_fail("too many connections in one test");
}

void
hx_conn_free(struct hx_conn *c)
{
	if (c->ssl != NULL)
		SSL_free(c->ssl);
	if (c->ctx != NULL)
		SSL_CTX_free(c->ctx);
	if (c->fd != -1)
		close(c->fd);
	json_decref(c->events);
	json_decref(c->replies);
	json_decref(c->sent);
	json_decref(c->raw);
	free(c->rbuf);
	free(c->seen);
	free(c);
}

void
hx_conn_forget_all(void)
{
	int	i;

	for (i = 0; i < HX_MAX_CONNS; i++)
		if (hx_conns[i] != NULL) {
			hx_conn_free(hx_conns[i]);
			hx_conns[i] = NULL;
		}
}

void
hx_close(struct hx_conn *c)
{
	int	i;

	if (c == NULL)
		return;
	for (i = 0; i < HX_MAX_CONNS; i++)
		if (hx_conns[i] == c)
			hx_conns[i] = NULL;
	if (c->d != NULL && c->d->admin == c)
		c->d->admin = NULL;
	/* One close_notify, no waiting for the server's. */
	if (c->ssl != NULL && !c->eof)
		SSL_shutdown(c->ssl);
	hx_conn_free(c);
}

/* Cut complete lines out of rbuf and file them. */
static void
hx_parse_lines(struct hx_conn *c)
{
	char		*nl, *start = c->rbuf;
	size_t		 left = c->rlen, n;
	json_t		*obj;
	json_error_t	 err;

	while ((nl = memchr(start, '\n', left)) != NULL) {
		n = (size_t)(nl - start);
		left -= n + 1;
		if (n > 0 && start[n - 1] == '\r')
			n--;
		if (n > 0) {
			obj = json_loadb(start, n, JSON_ALLOW_NUL, &err);
			cr_assert(obj != NULL && json_is_object(obj),
			    "the server sent a line that is not a JSON object "
			    "(%s): %.*s", err.text, n > 300 ? 300 : (int)n, start);
			if (json_object_get(obj, "id") != NULL) {
				json_object_set_new(c->raw,
				    hx_dump(json_object_get(obj, "id")),
				    json_stringn_nocheck(start, n));
				json_array_append_new(c->replies, obj);
			}
			else if (json_is_string(json_object_get(obj, "ev")))
				json_array_append_new(c->events, obj);
			else
				cr_assert_fail("the server sent an object that "
				    "is neither a reply (id) nor an event (ev): "
				    "%s", hx_dump(hx_keep(obj)));
		}
		start = nl + 1;
	}
	cr_assert(left < HX_MAX_SERVER_LINE,
	    "the server sent a line of more than %d bytes",
	    HX_MAX_SERVER_LINE);
	memmove(c->rbuf, start, left);
	c->rlen = left;
}

/* Every byte the connection received, kept for the confidentiality
 * tests, which look for what must never arrive. */
static void
hx_seen_add(struct hx_conn *c, const char *p, size_t n)
{
	if (c->seenlen + n + 1 > c->seencap) {
		c->seencap = (c->seenlen + n + 1) * 2;
		c->seen = realloc(c->seen, c->seencap);
		cr_assert_not_null(c->seen);
	}
	memcpy(c->seen + c->seenlen, p, n);
	c->seenlen += n;
	c->seen[c->seenlen] = '\0';
}

const char *
hx_seen(struct hx_conn *c, size_t *len)
{
	hx_pump(c, 0);
	if (len != NULL)
		*len = c->seenlen;
	return c->seen != NULL ? c->seen : "";
}

/* Read what can be read without waiting: >0 bytes, 0 none, -1 closed. */
static int
hx_read_now(struct hx_conn *c)
{
	int	n, total = 0, e;

	if (c->eof)
		return -1;
	for (;;) {
		if (c->rcap - c->rlen < HX_READ_CHUNK) {
			c->rcap = c->rcap ? c->rcap * 2 : 4 * HX_READ_CHUNK;
			c->rbuf = realloc(c->rbuf, c->rcap);
		}
		ERR_clear_error();
		n = SSL_read(c->ssl, c->rbuf + c->rlen, HX_READ_CHUNK);
		if (n > 0) {
			hx_seen_add(c, c->rbuf + c->rlen, (size_t)n);
			c->rlen += (size_t)n;
			total += n;
			continue;
		}
		e = SSL_get_error(c->ssl, n);
		if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
			break;
		/* Clean close_notify, TCP EOF or reset: all "closed". */
		c->eof = 1;
		ERR_clear_error();
		break;
	}
	if (total > 0)
		hx_parse_lines(c);
	if (total == 0 && c->eof)
		return -1;
	return total;
}

int
hx_pump(struct hx_conn *c, int timeout_ms)
{
	int64_t		deadline = hx_now_ms() + timeout_ms, left;
	struct pollfd	pfd;
	int		n;

	for (;;) {
		if ((n = hx_read_now(c)) != 0)
			return n > 0 ? 1 : -1;
		if ((left = deadline - hx_now_ms()) <= 0)
			return 0;
		pfd.fd = c->fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		poll(&pfd, 1, (int)left);
	}
}

int
hx_is_closed(const struct hx_conn *c)
{
	return c->eof;
}

static int
hx_write_all(struct hx_conn *c, const char *buf, size_t len)
{
	int64_t		deadline = hx_now_ms() + hx_ms(HX_WAIT_MS), left;
	struct pollfd	pfd;
	size_t		off = 0;
	int		n, e;

	while (off < len) {
		ERR_clear_error();
		n = SSL_write(c->ssl, buf + off,
		    (int)(len - off > 65536 ? 65536 : len - off));
		if (n > 0) {
			off += (size_t)n;
			continue;
		}
		e = SSL_get_error(c->ssl, n);
		if (e != SSL_ERROR_WANT_WRITE && e != SSL_ERROR_WANT_READ) {
			ERR_clear_error();
			return -1;
		}
		left = deadline - hx_now_ms();
		cr_assert(left > 0, "could not write %zu bytes to the server "
		    "within %d ms (it stopped reading)", len - off,
		    hx_ms(HX_WAIT_MS));
		pfd.fd = c->fd;
		pfd.events = POLLOUT | POLLIN;
		pfd.revents = 0;
		poll(&pfd, 1, (int)left);
		if (pfd.revents & (POLLIN | POLLHUP | POLLERR))
			hx_read_now(c);
	}
	return 0;
}

int
hx_send_raw(struct hx_conn *c, const void *buf, size_t len)
{
	return hx_write_all(c, buf, len);
}

int64_t
hx_send(struct hx_conn *c, json_t *req)
{
	json_t	*id;
	char	*line;
	size_t	 len;
	int64_t	 r = -1;

	cr_assert(json_is_object(req), "hx_send: not an object");
	if ((id = json_object_get(req, "id")) == NULL) {
		r = ++c->next_id;
		json_object_set_new(req, "id", json_integer(r));
	} else if (json_is_integer(id))
		r = json_integer_value(id);
	id = json_object_get(req, "id");
	json_object_set(c->sent, hx_dump(id), req);
	line = json_dumps(req, JSON_COMPACT);
	cr_assert(line != NULL, "hx_send: cannot encode the request");
	len = strlen(line);
	line = realloc(line, len + 2);
	line[len++] = '\n';
	line[len] = '\0';
	cr_assert(hx_write_all(c, line, len) == 0,
	    "the server closed the connection before it took %s",
	    hx_dump(req));
	free(line);
	json_decref(req);
	return r;
}

static const char *
hx_request_of(struct hx_conn *c, json_t *id)
{
	return hx_dump(json_object_get(c->sent, hx_dump(id)));
}

json_t *
hx_reply(struct hx_conn *c, json_t *id)
{
	int64_t	 deadline = hx_now_ms() + hx_ms(HX_WAIT_MS), left;
	json_t	*r, *rid;
	size_t	 i;
	int	 n;

	for (;;) {
		json_array_foreach(c->replies, i, r) {
			rid = json_object_get(r, "id");
			if (json_equal(rid, id)) {
				json_incref(r);
				json_array_remove(c->replies, i);
				return hx_keep(r);
			}
		}
		left = deadline - hx_now_ms();
		cr_assert(left > 0, "no reply to %s within %d ms (replies to "
		    "other ids meanwhile: %s)", hx_request_of(c, id),
		    hx_ms(HX_WAIT_MS), hx_dump(c->replies));
		n = hx_pump(c, (int)left);
		cr_assert(n != -1, "the server closed the connection without "
		    "replying to %s", hx_request_of(c, id));
	}
}

const char *
hx_raw(struct hx_conn *c, json_t *reply)
{
	json_t	*raw;

	raw = json_object_get(c->raw, hx_dump(json_object_get(reply, "id")));
	cr_assert(raw != NULL, "no line kept for %s", hx_dump(reply));
	return hx_strf("%s", json_string_value(raw));
}

json_t *
hx_reply_int(struct hx_conn *c, int64_t id)
{
	return hx_reply(c, hx_keep(json_integer(id)));
}

json_t *
hx_any_reply(struct hx_conn *c, int timeout_ms)
{
	int64_t	 deadline = hx_now_ms() + timeout_ms, left;
	json_t	*r;

	for (;;) {
		if (json_array_size(c->replies) > 0) {
			r = json_incref(json_array_get(c->replies, 0));
			json_array_remove(c->replies, 0);
			return hx_keep(r);
		}
		if ((left = deadline - hx_now_ms()) <= 0 ||
		    hx_pump(c, (int)left) != 1)
			return NULL;
	}
}

static json_t *
hx_vcall(struct hx_conn *c, const char *op, const char *fmt, va_list ap)
{
	json_t		*req;
	json_error_t	 err;
	int64_t		 id;

	if (fmt == NULL)
		req = json_object();
	else {
		req = json_vpack_ex(&err, 0, fmt, ap);
		cr_assert(req != NULL, "json_pack %s: %s", fmt, err.text);
	}
	json_object_set_new(req, "op", json_string(op));
	id = hx_send(c, req);
	return hx_reply_int(c, id);
}

json_t *
hx_call(struct hx_conn *c, const char *op, const char *fmt, ...)
{
	va_list	 ap;
	json_t	*r;

	va_start(ap, fmt);
	r = hx_vcall(c, op, fmt, ap);
	va_end(ap);
	return r;
}

json_t *
hx_ok(struct hx_conn *c, const char *op, const char *fmt, ...)
{
	va_list	 ap;
	json_t	*r, *res;

	va_start(ap, fmt);
	r = hx_vcall(c, op, fmt, ap);
	va_end(ap);
	res = json_object_get(r, "result");
	cr_assert(json_is_object(res) && json_object_get(r, "error") == NULL,
	    "%s: expected a result, got %s (request %s)", op, hx_dump(r),
	    hx_request_of(c, json_object_get(r, "id")));
	return res;
}

void
hx_assert_err(json_t *reply, const char *code)
{
	json_t	*e = json_object_get(reply, "error");

	cr_assert(json_is_object(e), "expected error %s, got %s", code,
	    hx_dump(reply));
	cr_assert(json_object_get(reply, "result") == NULL,
	    "a reply with both error and result: %s", hx_dump(reply));
	cr_assert(json_is_string(json_object_get(e, "code")) &&
	    json_is_string(json_object_get(e, "message")),
	    "an error needs a string code and message: %s", hx_dump(reply));
	cr_assert(strcmp(json_string_value(json_object_get(e, "code")),
	    code) == 0, "expected error %s, got %s", code, hx_dump(reply));
}

json_t *
hx_assert_ok(json_t *reply)
{
	json_t	*res = json_object_get(reply, "result");

	cr_assert(json_is_object(res) && json_object_get(reply, "error") ==
	    NULL, "expected a result, got %s", hx_dump(reply));
	return res;
}

json_t *
hx_err(struct hx_conn *c, const char *code, const char *op,
    const char *fmt, ...)
{
	va_list	 ap;
	json_t	*r, *e;

	va_start(ap, fmt);
	r = hx_vcall(c, op, fmt, ap);
	va_end(ap);
	e = json_object_get(json_object_get(r, "error"), "code");
	cr_assert(json_is_string(e) && strcmp(json_string_value(e), code) == 0,
	    "%s: expected error %s, got %s (request %s)", op, code,
	    hx_dump(r), hx_request_of(c, json_object_get(r, "id")));
	hx_assert_err(r, code);
	return r;
}

json_t *
hx_event(struct hx_conn *c, int timeout_ms)
{
	int64_t	 deadline = hx_now_ms() + timeout_ms, left;
	json_t	*ev;

	for (;;) {
		if (json_array_size(c->events) > 0) {
			ev = json_incref(json_array_get(c->events, 0));
			json_array_remove(c->events, 0);
			return hx_keep(ev);
		}
		if ((left = deadline - hx_now_ms()) <= 0 ||
		    hx_pump(c, (int)left) == -1) {
			/* One last look: the close may follow the event. */
			if (json_array_size(c->events) > 0)
				continue;
			return NULL;
		}
	}
}

json_t *
hx_event_named(struct hx_conn *c, const char *name, int timeout_ms)
{
	int64_t	 deadline = hx_now_ms() + timeout_ms, left;
	json_t	*ev;

	for (;;) {
		left = deadline - hx_now_ms();
		if ((ev = hx_event(c, left > 0 ? (int)left : 0)) == NULL)
			return NULL;
		if (strcmp(json_string_value(json_object_get(ev, "ev")),
		    name) == 0)
			return ev;
	}
}

size_t
hx_events_queued(const struct hx_conn *c)
{
	return json_array_size(c->events);
}

int
hx_wait_closed(struct hx_conn *c, int timeout_ms)
{
	int64_t	deadline = hx_now_ms() + timeout_ms, left;

	while (!c->eof) {
		if ((left = deadline - hx_now_ms()) <= 0)
			return 0;
		hx_pump(c, (int)left);
	}
	return 1;
}

static void
hx_tcp_connect(struct hx_conn *c, const struct hx_conn_opts *o)
{
	struct sockaddr_in	sin;
	struct pollfd		pfd;
	socklen_t		sl;
	int			err = 0, one = 1;

	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	cr_assert(c->fd != -1, "socket: %s", strerror(errno));
	/* Before connect, so the window the server sees is small from the
	 * start: a slow reader must not hide behind megabytes of kernel
	 * buffer. */
	if (o->rcvbuf > 0)
		setsockopt(c->fd, SOL_SOCKET, SO_RCVBUF, &o->rcvbuf,
		    sizeof o->rcvbuf);
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)c->d->port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(c->fd, (struct sockaddr *)&sin, sizeof sin) == -1) {
		cr_assert(errno == EINPROGRESS, "connect to port %d: %s",
		    c->d->port, strerror(errno));
		pfd.fd = c->fd;
		pfd.events = POLLOUT;
		pfd.revents = 0;
		cr_assert(poll(&pfd, 1, hx_ms(HX_WAIT_MS)) == 1,
		    "connect to port %d timed out", c->d->port);
		sl = sizeof err;
		getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &sl);
		cr_assert(err == 0, "connect to port %d: %s", c->d->port,
		    strerror(err));
	}
}

static void
hx_tls_setup(struct hx_conn *c, const struct hx_conn_opts *o)
{
	const char	*certs = getenv("HARBOUR_CERTS"), *f;

	cr_assert(certs != NULL, "HARBOUR_CERTS is not set");
	c->ctx = SSL_CTX_new(TLS_client_method());
	cr_assert(c->ctx != NULL, "SSL_CTX_new: %s", hx_ssl_errors());
	SSL_CTX_set_min_proto_version(c->ctx, TLS1_2_VERSION);
	f = hx_strf("%s/ca.crt", certs);
	cr_assert(SSL_CTX_load_verify_locations(c->ctx, f, NULL) == 1,
	    "%s: %s", f, hx_ssl_errors());
	SSL_CTX_set_verify(c->ctx, SSL_VERIFY_PEER, NULL);
	SSL_CTX_set_mode(c->ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
	    SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	if (o->cert_user != NULL) {
		f = hx_strf("%s/client-%s.crt", certs, o->cert_user);
		cr_assert(SSL_CTX_use_certificate_file(c->ctx, f,
		    SSL_FILETYPE_PEM) == 1, "%s: %s", f, hx_ssl_errors());
		f = hx_strf("%s/client-%s.key", certs, o->cert_user);
		cr_assert(SSL_CTX_use_PrivateKey_file(c->ctx, f,
		    SSL_FILETYPE_PEM) == 1, "%s: %s", f, hx_ssl_errors());
	}
	c->ssl = SSL_new(c->ctx);
	cr_assert(c->ssl != NULL, "SSL_new: %s", hx_ssl_errors());
	SSL_set_fd(c->ssl, c->fd);
	/* The certificate must name the address we dialled. */
	cr_assert(X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(c->ssl),
	    "127.0.0.1") == 1, "set1_ip_asc: %s", hx_ssl_errors());
}

static void
hx_tls_handshake(struct hx_conn *c)
{
	int64_t		deadline = hx_now_ms() + hx_ms(HX_WAIT_MS), left;
	struct pollfd	pfd;
	int		n, e;

	for (;;) {
		ERR_clear_error();
		if ((n = SSL_connect(c->ssl)) == 1)
			break;
		e = SSL_get_error(c->ssl, n);
		cr_assert(e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE,
		    "TLS handshake with port %d failed: %s (verify: %s)",
		    c->d->port, hx_ssl_errors(),
		    X509_verify_cert_error_string(SSL_get_verify_result(c->ssl)));
		left = deadline - hx_now_ms();
		cr_assert(left > 0, "TLS handshake timed out");
		pfd.fd = c->fd;
		pfd.events = e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT;
		pfd.revents = 0;
		poll(&pfd, 1, (int)left);
	}
	cr_assert(SSL_get_verify_result(c->ssl) == X509_V_OK,
	    "server certificate did not verify");
}

static struct hx_conn *
hx_conn_new(struct hx_daemon *d)
{
	struct hx_conn	*c;

	hx_ignore_sigpipe();
	c = calloc(1, sizeof *c);
	c->d = d;
	c->fd = -1;
	c->events = json_array();
	c->replies = json_array();
	c->sent = json_object();
	c->raw = json_object();
	hx_conn_register(c);
	return c;
}

struct hx_conn *
hx_connect_opts(struct hx_daemon *d, const struct hx_conn_opts *o)
{
	struct hx_conn	*c;
	json_t		*ev;

	c = hx_conn_new(d);
	hx_tcp_connect(c, o);
	hx_tls_setup(c, o);
	hx_tls_handshake(c);
	if (o->no_hello)
		return c;
	ev = hx_event(c, hx_ms(HX_WAIT_MS));
	cr_assert(ev != NULL, "no hello from the server within %d ms",
	    hx_ms(HX_WAIT_MS));
	cr_assert(json_is_string(json_object_get(ev, "ev")) &&
	    strcmp(json_string_value(json_object_get(ev, "ev")), "hello") == 0,
	    "the first line is not the hello: %s", hx_dump(ev));
	c->hello = ev;
	return c;
}

int
hx_tls_probe(struct hx_daemon *d, int max_version, const char *ciphers)
{
	static const struct hx_conn_opts none;
	struct hx_conn	*c;
	int64_t		 deadline = hx_now_ms() + hx_ms(HX_WAIT_MS), left;
	struct pollfd	 pfd;
	int		 n, e, ok = 0;

	c = hx_conn_new(d);
	hx_tcp_connect(c, &none);
	hx_tls_setup(c, &none);
	SSL_set_max_proto_version(c->ssl, max_version);
	if (ciphers != NULL)
		cr_assert(SSL_set_cipher_list(c->ssl, ciphers) == 1,
		    "cipher list %s: %s", ciphers, hx_ssl_errors());
	for (;;) {
		ERR_clear_error();
		if ((n = SSL_connect(c->ssl)) == 1) {
			ok = 1;
			break;
		}
		e = SSL_get_error(c->ssl, n);
		if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
			break;
		left = deadline - hx_now_ms();
		cr_assert(left > 0, "TLS handshake timed out");
		pfd.fd = c->fd;
		pfd.events = e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT;
		pfd.revents = 0;
		poll(&pfd, 1, (int)left);
	}
	ERR_clear_error();
	hx_close(c);
	return ok;
}

struct hx_conn *
hx_connect(struct hx_daemon *d)
{
	static const struct hx_conn_opts none;

	return hx_connect_opts(d, &none);
}

json_t *
hx_hello(struct hx_conn *c)
{
	return c->hello;
}
