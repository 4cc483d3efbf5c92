/*
 * listen.c: TLS context and accept.
 *
 * The context follows Mozilla's "modern" profile: TLS 1.3 only, groups
 * X25519, P-256, P-384. An operator who must serve older clients may
 * allow TLS 1.2 (tls12 = yes), and then only with ECDHE key exchange and
 * AEAD ciphers. No compression, no renegotiation.
 *
 * Accepted sockets get TCP_NODELAY: the daemon batches its own output
 * per loop pass, so Nagle would only add latency.
 */
#include <sys/resource.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>

#include <event2/listener.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include "config.h"
#include "conn.h"
#include "limit.h"
#include "listen.h"
#include "server.h"
#include "util.h"

#define LISTEN_BACKLOG	512
/* Descriptors kept free of connections: database, WAL, log, listener. */
#define LISTEN_FD_RESERVE	32
#define LISTEN_PAUSE_SEC	1
#define LISTEN_GROUPS	"X25519:P-256:P-384"
#define LISTEN_CIPHERS12 "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:" \
	"ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:" \
	"ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305"

static char *
listen_ssl_error(const char *what)
{
	char buf[256], *out;
	unsigned long e = ERR_get_error();

	ERR_error_string_n(e, buf, sizeof buf);
	ERR_clear_error();
	xasprintf(&out, "%s: %s", what, e ? buf : "unknown error");
	return out;
}

/*
 * Client certificates are optional (passwords remain), but one that is
 * offered must verify against the network's CA and, when a CRL is
 * configured, must not be revoked: otherwise the handshake fails.
 */
static int
listen_client_certs(SSL_CTX *ctx, const struct config *cf, char **cause)
{
	STACK_OF(X509_NAME) *names;
	X509_STORE *store = SSL_CTX_get_cert_store(ctx);
	X509_CRL *crl;
	FILE *f;

	if (SSL_CTX_load_verify_locations(ctx, cf->ca_cert, NULL) != 1 ||
	    (names = SSL_load_client_CA_file(cf->ca_cert)) == NULL) {
		*cause = listen_ssl_error("ca_cert");
		return -1;
	}
	SSL_CTX_set_client_CA_list(ctx, names);
	if (cf->crl[0] != '\0') {
		if ((f = fopen(cf->crl, "r")) == NULL) {
			xasprintf(cause, "crl %s: %s", cf->crl, strerror(errno));
			return -1;
		}
		crl = PEM_read_X509_CRL(f, NULL, NULL, NULL);
		fclose(f);
		if (crl == NULL || X509_STORE_add_crl(store, crl) != 1) {
			X509_CRL_free(crl);
			*cause = listen_ssl_error("crl");
			return -1;
		}
		X509_CRL_free(crl);
		X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK);
	}
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	return 0;
}

SSL_CTX *
listen_tls_context(const struct config *cf, char **cause)
{
	SSL_CTX *ctx;
	char *why;

	if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL) {
		*cause = listen_ssl_error("SSL_CTX_new");
		return NULL;
	}
	SSL_CTX_set_min_proto_version(ctx, cf->tls12 ? TLS1_2_VERSION :
	    TLS1_3_VERSION);
	SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION |
	    SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
	if (SSL_CTX_set1_groups_list(ctx, LISTEN_GROUPS) != 1 ||
	    (cf->tls12 && SSL_CTX_set_cipher_list(ctx, LISTEN_CIPHERS12) != 1)) {
		*cause = listen_ssl_error("TLS settings");
		SSL_CTX_free(ctx);
		return NULL;
	}
	if (SSL_CTX_use_certificate_chain_file(ctx, cf->cert) != 1) {
		xasprintf(&why, "certificate %s", cf->cert);
		*cause = listen_ssl_error(why);
		free(why);
		SSL_CTX_free(ctx);
		return NULL;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, cf->key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		xasprintf(&why, "private key %s", cf->key);
		*cause = listen_ssl_error(why);
		free(why);
		SSL_CTX_free(ctx);
		return NULL;
	}
	if (cf->ca_cert[0] != '\0' && listen_client_certs(ctx, cf, cause) != 0) {
		SSL_CTX_free(ctx);
		return NULL;
	}
	/* Shrink idle connections: no read buffer held between records. */
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
	/* Clients reconnect with a session token, not TLS resumption: no
	 * tickets to mint at every handshake, no session cache to hold. */
	SSL_CTX_set_num_tickets(ctx, 0);
	/* No read_ahead: libevent's TLS bufferevent would leave records
	 * read ahead unprocessed until more bytes arrive. */
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	return ctx;
}

/*
 * Why a new connection from host must be refused, or NULL. Refusing
 * is a plain close before TLS: cheap, and nothing is allocated.
 *
 * A full pool of connections not logged in does not refuse the new one:
 * that would let 64 sockets that never send a byte lock everyone out.
 * The oldest waiting one makes room instead (conn_evict_unauth), as
 * OpenSSH's MaxStartups drops early: a real client logs in within
 * milliseconds, so the oldest is the likeliest to be holding a slot.
 */
static const char *
listen_refuse(struct server *srv, const char *host)
{
	if (srv->stopping)
		return "shutting down";
	if (srv->nconns >= srv->cf.max_connections)
		return "max_connections reached";
	if (limits_addr_acquire(srv->limits, host,
	    srv->cf.max_per_address) != 0)
		return "max_per_address reached";
	if (srv->nunauth >= srv->cf.max_unauthenticated &&
	    conn_evict_unauth(srv) != 0) {
		limits_addr_release(srv->limits, host);
		return "max_unauthenticated reached";
	}
	return NULL;
}

static void
listen_accept_cb(struct evconnlistener *l, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct server *srv = arg;
	char host[INET6_ADDRSTRLEN], addr[64];
	const char *why;
	int one = 1;
	uint16_t port = 0;

	(void)l;
	(void)salen;
	host[0] = '\0';
	if (sa->sa_family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)sa;
		inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
		port = ntohs(in->sin_port);
	} else if (sa->sa_family == AF_INET6) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)sa;
		inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
		port = ntohs(in6->sin6_port);
	}
	snprintf(addr, sizeof addr, "%s:%u", host, port);
	if ((why = listen_refuse(srv, host)) != NULL) {
		log_peer(LOG_LEVEL_WARN, host, "refusing %s: %s", addr, why);
		evutil_closesocket(fd);
		return;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (conn_accept(srv, fd, addr, host) == NULL)
		limits_addr_release(srv->limits, host);
}

/* "127.0.0.1:7443" or "[::1]:7443" into a sockaddr. */
static int
listen_parse(const char *spec, struct sockaddr_storage *ss, socklen_t *len)
{
	char host[128];
	const char *colon;
	char *end;
	long port;

	if ((colon = strrchr(spec, ':')) == NULL ||
	    (size_t)(colon - spec) >= sizeof host)
		return -1;
	memcpy(host, spec, (size_t)(colon - spec));
	host[colon - spec] = '\0';
	port = strtol(colon + 1, &end, 10);
	if (*end != '\0' || end == colon + 1 || port < 0 || port > 65535)
		return -1;
	memset(ss, 0, sizeof *ss);
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
		host[strlen(host) - 1] = '\0';
		if (inet_pton(AF_INET6, host + 1, &in6->sin6_addr) != 1)
			return -1;
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		*len = sizeof *in6;
		return 0;
	}
	struct sockaddr_in *in = (struct sockaddr_in *)ss;
	if (strcmp(host, "localhost") == 0)
		strlcpy_h(host, "127.0.0.1", sizeof host);
	if (inet_pton(AF_INET, host, &in->sin_addr) != 1)
		return -1;
	in->sin_family = AF_INET;
	in->sin_port = htons((uint16_t)port);
	*len = sizeof *in;
	return 0;
}

static void
listen_retry_cb(evutil_socket_t fd, short what, void *arg)
{
	struct server *srv = arg;

	(void)fd;
	(void)what;
	if (srv->listener != NULL)
		evconnlistener_enable(srv->listener);
}

/* accept() failed: out of descriptors most likely. Pause accepting for
 * a moment instead of spinning on the same error. */
static void
listen_error_cb(struct evconnlistener *l, void *arg)
{
	struct server *srv = arg;
	struct timeval tv = { LISTEN_PAUSE_SEC, 0 };

	log_warn("accept: %s; pausing new connections for %d s",
	    strerror(errno), LISTEN_PAUSE_SEC);
	evconnlistener_disable(l);
	if (srv->accept_retry == NULL)
		srv->accept_retry = evtimer_new(srv->base, listen_retry_cb, srv);
	evtimer_add(srv->accept_retry, &tv);
}

/* Keep max_connections inside the descriptor limit, with room for the
 * database, the log and the listener, so we refuse before we run out. */
void
listen_fit_fd_limit(struct server *srv)
{
	struct rlimit rl;
	long room;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	room = (long)rl.rlim_cur - LISTEN_FD_RESERVE;
	if (room < 1)
		room = 1;
	if (srv->cf.max_connections > room) {
		log_warn("max_connections %d lowered to %ld: the descriptor "
		    "limit is %ld", srv->cf.max_connections, room,
		    (long)rl.rlim_cur);
		srv->cf.max_connections = (int)room;
	}
}

int
listen_addr_valid(const char *spec)
{
	struct sockaddr_storage ss;
	socklen_t len;

	return listen_parse(spec, &ss, &len) == 0;
}

int
listen_start(struct server *srv, char **cause)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char host[INET6_ADDRSTRLEN];
	evutil_socket_t fd;

	if (listen_parse(srv->cf.listen, &ss, &len) != 0) {
		xasprintf(cause, "listen: bad address \"%s\" (ADDR:PORT)",
		    srv->cf.listen);
		return -1;
	}
	srv->listener = evconnlistener_new_bind(srv->base, listen_accept_cb,
	    srv, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, LISTEN_BACKLOG,
	    (struct sockaddr *)&ss, (int)len);
	if (srv->listener == NULL) {
		xasprintf(cause, "cannot listen on %s: %s", srv->cf.listen,
		    strerror(errno));
		return -1;
	}
	evconnlistener_set_error_cb(srv->listener, listen_error_cb);
	listen_fit_fd_limit(srv);
	/* With port 0 the kernel chose: say which, for tests and people. */
	fd = evconnlistener_get_fd(srv->listener);
	len = sizeof ss;
	getsockname(fd, (struct sockaddr *)&ss, &len);
	if (ss.ss_family == AF_INET6) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
		inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
		log_info("listening on [%s]:%u", host, ntohs(in6->sin6_port));
	} else {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;
		inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
		log_info("listening on %s:%u", host, ntohs(in->sin_port));
	}
	return 0;
}

void
listen_stop(struct server *srv)
{
	if (srv->listener != NULL) {
		evconnlistener_free(srv->listener);
		srv->listener = NULL;
	}
	if (srv->accept_retry != NULL) {
		event_free(srv->accept_retry);
		srv->accept_retry = NULL;
	}
}
