/*
 * net.c: the client's TLS connection to harbourd.
 *
 * The socket is non-blocking and every wait is a poll(2) with a
 * deadline, even though the callers see blocking calls: a blocking
 * SSL_read can hang on half a TLS record, and `chat` must be able to
 * wait on the socket and the keyboard at once without ever being stuck
 * inside OpenSSL.
 *
 * The server's certificate is always verified, against --ca or the
 * system's trust store, and so is its name: SSL_set1_host for a host
 * name, the certificate's IP address entries for an IP literal. There
 * is no switch to turn this off; a development network gives its CA
 * with --ca instead.
 *
 * Input is framed with proto_frame over one flat buffer of a bounded
 * size. Replies are matched to requests by id; events that arrive while
 * a reply is awaited are kept in a queue, in order, so that nothing the
 * server pushed is lost or reordered. The queue is bounded by the
 * server, which stops pushing (and sends `gap`) to a connection whose
 * output it cannot deliver.
 */
#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "client.h"
#include "net.h"

/* TCP, TLS and the hello together: the server itself gives a new
 * connection 10 seconds to log in, so waiting longer is pointless. */
#define NET_CONNECT_MS		10000
/* A reply: writes wait for the server's group commit, which takes
 * milliseconds; a minute means the server is stuck, not busy. */
#define NET_REPLY_MS		60000
/* One maximal server line (a page of history) plus room for a read. */
#define NET_BUF_SIZE		(PROTO_MAX_SERVER_LINE + 16384)
#define NET_DEFAULT_PORT	"7443"
#define NET_HOST_MAX		256
/* TLS 1.2 only with forward secrecy and AEAD, as PROTOCOL.md says. */
#define NET_TLS12_CIPHERS	"ECDHE+AESGCM:ECDHE+CHACHA20"
#define NET_FOREVER		UINT64_MAX

struct net_msg {
	json_t			*obj;
	TAILQ_ENTRY(net_msg)	 entry;
};
TAILQ_HEAD(net_queue, net_msg);

struct net {
	int			 fd;
	SSL_CTX			*ctx;
	SSL			*ssl;
	char			*where;		/* "HOST:PORT", for messages */
	char			*host;		/* HOST, as it was given */
	char			*bye;		/* the reason the server gave */
	char			*buf;
	size_t			 len;
	int64_t			 last_id;
	struct net_queue	 queue;
};

static int
net_fail(char **cause, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
net_fail(char **cause, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	xvasprintf(cause, fmt, ap);
	va_end(ap);
	return (-1);
}

static uint64_t
net_deadline(int ms)
{
	return (ms < 0 ? NET_FOREVER : util_now_ms() + (uint64_t)ms);
}

/* 1 ready, 0 deadline passed, -1 error (errno set). */
static int
net_wait(int fd, short events, uint64_t deadline)
{
	struct pollfd	pfd;
	uint64_t	now;
	int		timeout, r;

	for (;;) {
		if (deadline == NET_FOREVER)
			timeout = -1;
		else if ((now = util_now_ms()) >= deadline)
			timeout = 0;
		else if (deadline - now > INT32_MAX)
			timeout = INT32_MAX;
		else
			timeout = (int)(deadline - now);
		pfd.fd = fd;
		pfd.events = events;
		pfd.revents = 0;
		r = poll(&pfd, 1, timeout);
		if (r > 0)
			return (1);
		if (r == 0 && timeout == 0)
			return (0);
		if (r < 0 && errno != EINTR)
			return (-1);
	}
}

/* "host:port", "[v6]:port", "host" or a bare IPv6 literal. */
static int
net_split(const char *server, char *host, char *port, size_t portlen,
    char **cause)
{
	const char	*colon, *end;
	char		*pend;
	size_t		 hlen;
	long		 n;

	if (server[0] == '[') {
		if ((end = strchr(server, ']')) == NULL)
			return (net_fail(cause, "missing ] in the address"));
		hlen = (size_t)(end - server - 1);
		server++;
		colon = end[1] == ':' ? end + 1 : NULL;
		if (end[1] != '\0' && colon == NULL)
			return (net_fail(cause, "bad address"));
	} else {
		colon = strrchr(server, ':');
		if (colon != NULL && strchr(server, ':') != colon)
			colon = NULL;	/* an IPv6 literal without a port */
		hlen = colon != NULL ? (size_t)(colon - server) :
		    strlen(server);
	}
	if (hlen == 0 || hlen >= NET_HOST_MAX)
		return (net_fail(cause, "bad host name"));
	memcpy(host, server, hlen);
	host[hlen] = '\0';
	if (colon == NULL) {
		snprintf(port, portlen, "%s", NET_DEFAULT_PORT);
		return (0);
	}
	n = strtol(colon + 1, &pend, 10);
	if (colon[1] < '0' || colon[1] > '9' || *pend != '\0' || n < 1 ||
	    n > 65535)
		return (net_fail(cause, "the port must be a number from 1 to "
		    "65535"));
	snprintf(port, portlen, "%ld", n);
	return (0);
}

/* Try each address in turn; the last failure is the one reported. */
static int
net_tcp(const char *host, const char *port, uint64_t deadline, char **cause)
{
	struct addrinfo	 hints, *res, *ai;
	socklen_t	 slen;
	int		 fd, error, r, saved = ECONNREFUSED;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((error = getaddrinfo(host, port, &hints, &res)) != 0)
		return (net_fail(cause, "%s", gai_strerror(error)));
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, ai->ai_protocol);
		if (fd == -1) {
			saved = errno;
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
			freeaddrinfo(res);
			return (fd);
		}
		error = errno;
		if (error == EINPROGRESS) {
			if ((r = net_wait(fd, POLLOUT, deadline)) == 1) {
				slen = sizeof error;
				if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error,
				    &slen) == -1)
					error = errno;
			} else
				error = r == 0 ? ETIMEDOUT : errno;
			if (error == 0) {
				freeaddrinfo(res);
				return (fd);
			}
		}
		saved = error;
		close(fd);
	}
	freeaddrinfo(res);
	return (net_fail(cause, "%s", strerror(saved)));
}

/* Why an SSL call failed, in words a person can act on. */
static int
net_ssl_fail(struct net *n, int ret, const char *during, char **cause)
{
	unsigned long	 e;
	long		 v;
	int		 err, saved = errno;

	err = SSL_get_error(n->ssl, ret);
	if ((v = SSL_get_verify_result(n->ssl)) != X509_V_OK)
		return (net_fail(cause, "certificate verification failed: %s",
		    X509_verify_cert_error_string(v)));
	e = ERR_peek_last_error();
	if (err == SSL_ERROR_ZERO_RETURN || (err == SSL_ERROR_SYSCALL &&
	    e == 0 && saved == 0) || (err == SSL_ERROR_SSL &&
	    ERR_GET_REASON(e) == SSL_R_UNEXPECTED_EOF_WHILE_READING)) {
		if (n->bye != NULL)
			return (net_fail(cause, "the server closed the "
			    "connection: %s", n->bye));
		return (net_fail(cause, "the server closed the connection%s",
		    during));
	}
	if (err == SSL_ERROR_SYSCALL && e == 0)
		return (net_fail(cause, "%s%s", strerror(saved), during));
	if (e != 0 && ERR_reason_error_string(e) != NULL)
		return (net_fail(cause, "TLS error: %s%s",
		    ERR_reason_error_string(e), during));
	return (net_fail(cause, "TLS error%s", during));
}

static int
net_tls_context(struct net *n, const char *cafile, char **cause)
{
	if ((n->ctx = SSL_CTX_new(TLS_client_method())) == NULL)
		return (net_fail(cause, "cannot set up TLS"));
	SSL_CTX_set_min_proto_version(n->ctx, TLS1_2_VERSION);
	if (SSL_CTX_set_cipher_list(n->ctx, NET_TLS12_CIPHERS) != 1)
		return (net_fail(cause, "cannot set up TLS ciphers"));
	SSL_CTX_set_verify(n->ctx, SSL_VERIFY_PEER, NULL);
	if (cafile != NULL) {
		if (SSL_CTX_load_verify_locations(n->ctx, cafile, NULL) != 1)
			return (net_fail(cause, "cannot load the CA "
			    "certificates in %s", cafile));
	} else if (SSL_CTX_set_default_verify_paths(n->ctx) != 1)
		return (net_fail(cause, "cannot load the system's trusted "
		    "certificates"));
	return (0);
}

/* A client certificate to present, for a certificate login. */
static int
net_client_cert(struct net *n, const char *certfile, const char *keyfile,
    char **cause)
{
	if (certfile == NULL)
		return (0);
	if (SSL_CTX_use_certificate_chain_file(n->ctx, certfile) != 1)
		return (net_fail(cause, "cannot load the certificate in %s",
		    certfile));
	if (SSL_CTX_use_PrivateKey_file(n->ctx, keyfile, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(n->ctx) != 1)
		return (net_fail(cause, "cannot load the key in %s, or it does "
		    "not match the certificate", keyfile));
	return (0);
}

/* The name the certificate must carry: an IP literal or a DNS name. */
static int
net_tls_start(struct net *n, const char *host, uint64_t deadline,
    char **cause)
{
	unsigned char	 addr[sizeof(struct in6_addr)];
	X509_VERIFY_PARAM *param;
	int		 r, ev;

	if ((n->ssl = SSL_new(n->ctx)) == NULL ||
	    SSL_set_fd(n->ssl, n->fd) != 1)
		return (net_fail(cause, "cannot set up TLS"));
	if (inet_pton(AF_INET, host, addr) == 1 ||
	    inet_pton(AF_INET6, host, addr) == 1) {
		param = SSL_get0_param(n->ssl);
		if (X509_VERIFY_PARAM_set1_ip_asc(param, host) != 1)
			return (net_fail(cause, "bad IP address"));
	} else {
		if (SSL_set1_host(n->ssl, host) != 1 ||
		    SSL_set_tlsext_host_name(n->ssl, host) != 1)
			return (net_fail(cause, "bad host name"));
		/* "localhost" must not match "*.localhost" and the like. */
		SSL_set_hostflags(n->ssl,
		    X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
	}
	for (;;) {
		ERR_clear_error();
		errno = 0;
		if ((r = SSL_connect(n->ssl)) == 1)
			return (0);
		switch (SSL_get_error(n->ssl, r)) {
		case SSL_ERROR_WANT_READ:
			ev = POLLIN;
			break;
		case SSL_ERROR_WANT_WRITE:
			ev = POLLOUT;
			break;
		default:
			return (net_ssl_fail(n, r, " during the TLS handshake",
			    cause));
		}
		if ((r = net_wait(n->fd, ev, deadline)) == 0)
			return (net_fail(cause, "the TLS handshake timed out"));
		if (r == -1)
			return (net_fail(cause, "%s", strerror(errno)));
	}
}

/* Read more into the buffer: 1, 0 at the deadline, -1 on failure. */
static int
net_fill(struct net *n, uint64_t deadline, char **cause)
{
	int	r, ev;

	for (;;) {
		ERR_clear_error();
		errno = 0;
		r = SSL_read(n->ssl, n->buf + n->len,
		    (int)(NET_BUF_SIZE - n->len));
		if (r > 0) {
			n->len += (size_t)r;
			return (1);
		}
		switch (SSL_get_error(n->ssl, r)) {
		case SSL_ERROR_WANT_READ:
			ev = POLLIN;
			break;
		case SSL_ERROR_WANT_WRITE:
			ev = POLLOUT;
			break;
		default:
			return (net_ssl_fail(n, r, "", cause));
		}
		if ((r = net_wait(n->fd, ev, deadline)) <= 0) {
			if (r == -1)
				return (net_fail(cause, "%s", strerror(errno)));
			return (0);
		}
	}
}

/* Keep the bye's reason for the message when the link then closes. */
static void
net_note_bye(struct net *n, json_t *obj)
{
	const char	*reason;

	reason = json_string_value(json_object_get(obj, "reason"));
	free(n->bye);
	n->bye = xstrdup(reason != NULL ? reason : "no reason given");
}

/* The next JSON object the server sent: 1, 0 at the deadline, -1. */
static int
net_line(struct net *n, uint64_t deadline, json_t **obj, char **cause)
{
	json_error_t	 jerr;
	const char	*ev;
	size_t		 linelen, consumed;
	int		 r;

	for (;;) {
		switch (proto_frame_max(n->buf, n->len, PROTO_MAX_SERVER_LINE,
		    &linelen, &consumed)) {
		case PROTO_FRAME_TOO_LONG:
			return (net_fail(cause, "the server sent a line "
			    "longer than %d bytes", PROTO_MAX_SERVER_LINE));
		case PROTO_FRAME_NEED_MORE:
			if ((r = net_fill(n, deadline, cause)) <= 0)
				return (r);
			continue;
		case PROTO_FRAME_LINE:
			break;
		}
		*obj = NULL;
		if (linelen > 0)
			*obj = json_loadb(n->buf, linelen, 0, &jerr);
		memmove(n->buf, n->buf + consumed, n->len - consumed);
		n->len -= consumed;
		if (linelen == 0)
			continue;
		if (*obj == NULL || !json_is_object(*obj)) {
			json_decref(*obj);
			return (net_fail(cause, "the server sent something "
			    "that is not a JSON object"));
		}
		ev = json_string_value(json_object_get(*obj, "ev"));
		if (ev != NULL && strcmp(ev, "bye") == 0) {
			net_note_bye(n, *obj);
			json_decref(*obj);
			continue;
		}
		return (1);
	}
}

static int
net_hello(struct net *n, uint64_t deadline, char **cause)
{
	json_t		*obj;
	const char	*ev;
	json_int_t	 version;
	int		 r, is_hello;

	if ((r = net_line(n, deadline, &obj, cause)) == 0)
		return (net_fail(cause, "no hello from the server"));
	if (r == -1)
		return (-1);
	ev = json_string_value(json_object_get(obj, "ev"));
	is_hello = ev != NULL && strcmp(ev, "hello") == 0;
	version = json_integer_value(json_object_get(obj, "proto"));
	json_decref(obj);
	if (!is_hello)
		return (net_fail(cause, "the server did not say hello: "
		    "is this a Harbour server?"));
	if (version != PROTO_VERSION)
		return (net_fail(cause, "the server speaks protocol %lld, "
		    "this client speaks %d", (long long)version,
		    PROTO_VERSION));
	return (0);
}

struct net *
net_open(const char *server, const char *cafile, const char *certfile,
    const char *keyfile, char **cause)
{
	struct net	*n;
	char		 host[NET_HOST_MAX], port[32];
	uint64_t	 deadline;

	*cause = NULL;
	n = xmalloc(sizeof *n);
	memset(n, 0, sizeof *n);
	n->fd = -1;
	n->where = xstrdup(server);
	n->buf = xmalloc(NET_BUF_SIZE);
	TAILQ_INIT(&n->queue);
	deadline = net_deadline(NET_CONNECT_MS);

	if (net_split(server, host, port, sizeof port, cause) == -1 ||
	    net_tls_context(n, cafile, cause) == -1 ||
	    net_client_cert(n, certfile, keyfile, cause) == -1 ||
	    (n->fd = net_tcp(host, port, deadline, cause)) == -1 ||
	    net_tls_start(n, host, deadline, cause) == -1 ||
	    net_hello(n, deadline, cause) == -1) {
		net_close(n);
		return (NULL);
	}
	n->host = xstrdup(host);
	return (n);
}

int64_t
net_next_id(struct net *n)
{
	return (++n->last_id);
}

int
net_send(struct net *n, json_t *req, char **cause)
{
	char		*line;
	size_t		 len, off = 0;
	uint64_t	 deadline;
	int		 r, ev;

	json_object_set_new(req, "id", json_integer(net_next_id(n)));
	if ((line = proto_encode(req, &len)) == NULL)
		return (net_fail(cause, "cannot encode the request"));
	if (len > PROTO_MAX_LINE) {
		free(line);
		return (net_fail(cause, "the request is too long to send"));
	}
	deadline = net_deadline(NET_REPLY_MS);
	while (off < len) {
		ERR_clear_error();
		errno = 0;
		r = SSL_write(n->ssl, line + off, (int)(len - off));
		if (r > 0) {
			off += (size_t)r;
			continue;
		}
		switch (SSL_get_error(n->ssl, r)) {
		case SSL_ERROR_WANT_READ:
			ev = POLLIN;
			break;
		case SSL_ERROR_WANT_WRITE:
			ev = POLLOUT;
			break;
		default:
			free(line);
			return (net_ssl_fail(n, r, "", cause));
		}
		if ((r = net_wait(n->fd, ev, deadline)) <= 0) {
			free(line);
			if (r == 0)
				return (net_fail(cause, "the server is not "
				    "reading what we send"));
			return (net_fail(cause, "%s", strerror(errno)));
		}
	}
	free(line);
	return (0);
}

static void
net_keep(struct net *n, json_t *obj)
{
	struct net_msg	*m;

	m = xmalloc(sizeof *m);
	m->obj = obj;
	TAILQ_INSERT_TAIL(&n->queue, m, entry);
}

int
net_call(struct net *n, json_t *req, json_t **reply, char **cause)
{
	*reply = NULL;
	if (net_send(n, req, cause) == -1)
		return (-1);
	return (net_await(n, n->last_id, reply, cause));
}

/*
 * The server answers a connection's requests in the order they came,
 * so a caller with several in flight awaits them oldest first and no
 * reply is passed over: one for an id nobody waits for any more (an
 * abandoned request) is dropped.
 */
int
net_await(struct net *n, int64_t want, json_t **reply, char **cause)
{
	json_t		*obj, *id;
	uint64_t	 deadline;
	int		 r;

	*reply = NULL;
	deadline = net_deadline(NET_REPLY_MS);
	for (;;) {
		if ((r = net_line(n, deadline, &obj, cause)) == 0)
			return (net_fail(cause, "no answer from the server "
			    "within %d seconds", NET_REPLY_MS / 1000));
		if (r == -1)
			return (-1);
		if ((id = json_object_get(obj, "id")) == NULL) {
			net_keep(n, obj);
			continue;
		}
		/* A null id answers a request the server could not read:
		 * ours are well formed, so it is the oldest in flight. */
		if (json_is_null(id) || (json_is_integer(id) &&
		    json_integer_value(id) == want)) {
			*reply = obj;
			return (0);
		}
		json_decref(obj);	/* an answer nobody waits for */
	}
}

int
net_read(struct net *n, int timeout_ms, json_t **msg, char **cause)
{
	struct net_msg	*m;
	json_t		*obj;
	uint64_t	 deadline;
	int		 r;

	*msg = NULL;
	if ((m = TAILQ_FIRST(&n->queue)) != NULL) {
		TAILQ_REMOVE(&n->queue, m, entry);
		*msg = m->obj;
		free(m);
		return (1);
	}
	deadline = net_deadline(timeout_ms);
	for (;;) {
		if ((r = net_line(n, deadline, &obj, cause)) <= 0)
			return (r);
		if (json_object_get(obj, "id") == NULL) {
			*msg = obj;
			return (1);
		}
		json_decref(obj);
	}
}

int
net_fd(struct net *n)
{
	return (n->fd);
}

const char *
net_where(struct net *n)
{
	return (n->where);
}

const char *
net_host(struct net *n)
{
	return (n->host);
}

void
net_close(struct net *n)
{
	struct net_msg	*m;

	if (n == NULL)
		return;
	while ((m = TAILQ_FIRST(&n->queue)) != NULL) {
		TAILQ_REMOVE(&n->queue, m, entry);
		json_decref(m->obj);
		free(m);
	}
	if (n->ssl != NULL) {
		/* A polite close_notify, but never wait for the answer. */
		ERR_clear_error();
		if (SSL_is_init_finished(n->ssl))
			SSL_shutdown(n->ssl);
		SSL_free(n->ssl);
	}
	SSL_CTX_free(n->ctx);
	if (n->fd != -1)
		close(n->fd);
	free(n->buf);
	free(n->bye);
	free(n->where);
	free(n->host);
	free(n);
}
