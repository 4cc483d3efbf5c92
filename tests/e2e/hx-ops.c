/*
 * hx-ops.c: the harness's operator side (see hx-ops.h): the config
 * file and SIGHUP, programs run with a deadline, scratch directories,
 * certificates made with openssl(1), and hx_try_connect, a TLS client
 * whose failure is a result rather than a failed test, since the
 * limits and TLS tests are about connections the daemon refuses.
 *
 * A refused connection can look different depending on where the
 * daemon refused it: closed before TLS (an EOF or a reset during the
 * handshake), a TLS alert during the handshake (a protocol version or
 * cipher it does not take), or, in TLS 1.3, an alert after the client
 * finished its side (a client certificate it rejects: the client's
 * handshake is done before the server has looked at the certificate).
 * hx_try_connect therefore waits for the hello too and reports the
 * OpenSSL reason of whatever ended the connection, so a test can tell
 * "refused for the right reason" from "broken for another".
 *
 * Connections made here are not in hx-conn.c's registry (it is
 * private to that file), so they are kept in a list of our own for
 * the whole test process: a connection the test never closed stays
 * reachable and is not reported as a leak under `make check`; one it
 * closed with hx_close was freed there and its stale pointer is never
 * used again.
 */
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <criterion/criterion.h>
#include <sqlite3.h>

#include "hx-internal.h"
#include "hx-ops.h"

#define HX_MAX_TMPDIRS	8
#define HX_MAX_TRIED	256
#define HX_MAX_ARGS	32
/* Polling a log or a file: often enough to be quick, cheap enough for
 * two cores. */
#define HX_POLL_US	20000

static char		*hx_tmpdirs[HX_MAX_TMPDIRS];
static struct hx_conn	*hx_tried[HX_MAX_TRIED];
static int		 hx_ops_atexit_set;

static int
hx_rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static void
hx_ops_atexit(void)
{
	const char	*keep = getenv("HARBOUR_KEEP");
	int		 i;

	for (i = 0; i < HX_MAX_TMPDIRS; i++) {
		if (hx_tmpdirs[i] == NULL)
			continue;
		if (keep != NULL && *keep != '\0' && strcmp(keep, "0") != 0)
			fprintf(stderr, "harness: keeping %s\n", hx_tmpdirs[i]);
		else
			nftw(hx_tmpdirs[i], hx_rm_one, 16, FTW_DEPTH | FTW_PHYS);
		free(hx_tmpdirs[i]);
		hx_tmpdirs[i] = NULL;
	}
}

int64_t
hx_mono_ms(void)
{
	return hx_now_ms();
}

static const char	*hx_clock_path;
static int64_t		 hx_clock_ms;

int64_t
hx_clock_start(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	hx_clock_path = hx_strf("%s/clock", hx_tmpdir());
	hx_clock_ms = 0;
	hx_clock_set((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
	cr_assert(setenv("HARBOUR_TEST_CLOCK_FILE", hx_clock_path, 1) == 0);
	return hx_clock_ms;
}

/* The same, from a given time: a test of a date (a daylight-saving
 * change) starts its daemons then. */
int64_t
hx_clock_start_at(int64_t ms)
{
	hx_clock_start();
	hx_clock_ms = 0;
	hx_clock_set(ms);
	return hx_clock_ms;
}

void
hx_clock_set(int64_t ms)
{
	const char	*text = hx_strf("%lld\n", (long long)ms);

	cr_assert_not_null(hx_clock_path, "hx_clock_start first");
	cr_assert(ms >= hx_clock_ms, "the test clock never goes back");
	hx_clock_ms = ms;
	hx_write_atomic(hx_clock_path, text, strlen(text), 0644);
}

int64_t
hx_clock_advance(int64_t ms)
{
	hx_clock_set(hx_clock_ms + ms);
	return hx_clock_ms;
}

int64_t
hx_clock_now(void)
{
	return hx_clock_ms;
}

const char *
hx_tmpdir(void)
{
	const char	*tmp = getenv("TMPDIR");
	char		 path[PATH_MAX];
	int		 i;

	hx_ignore_sigpipe();
	if (!hx_ops_atexit_set) {
		hx_ops_atexit_set = 1;
		atexit(hx_ops_atexit);
	}
	for (i = 0; i < HX_MAX_TMPDIRS && hx_tmpdirs[i] != NULL; i++)
		;
	cr_assert(i < HX_MAX_TMPDIRS, "too many scratch directories");
	snprintf(path, sizeof path, "%s/harbour-e2e-ops-XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	cr_assert(mkdtemp(path) != NULL, "mkdtemp: %s", strerror(errno));
	hx_tmpdirs[i] = strdup(path);
	return hx_strf("%s", path);
}

void
hx_copy_file(const char *from, const char *to, mode_t mode)
{
	size_t		 len;
	const char	*data = hx_slurp(from, &len);

	cr_assert(data != NULL, "cannot read %s: %s", from, strerror(errno));
	hx_write_atomic(to, data, len, mode);
}

void
hx_write_atomic(const char *path, const void *data, size_t len, mode_t mode)
{
	const char	*tmp = hx_strf("%s.hx-tmp", path);
	FILE		*f;
	int		 fd;

	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	cr_assert(fd != -1, "cannot create %s: %s", tmp, strerror(errno));
	fchmod(fd, mode);
	f = fdopen(fd, "w");
	cr_assert(f != NULL && fwrite(data, 1, len, f) == len &&
	    fflush(f) == 0 && fsync(fd) == 0 && fclose(f) == 0,
	    "cannot write %s: %s", tmp, strerror(errno));
	cr_assert(rename(tmp, path) == 0, "rename %s: %s", path,
	    strerror(errno));
}

static struct hx_run
hx_run_bounded(const char *const *argv, int timeout_ms)
{
	struct hx_run	 r;
	const char	*dirty;

	r = hx_cli_wait(hx_proc_start(argv, NULL, NULL), timeout_ms);
	dirty = hx_log_dirty(r.err, strlen(r.err));
	cr_assert(dirty == NULL, "%s: a sanitizer report: %s", argv[0], r.err);
	return r;
}

struct hx_run
hx_runv(const char *const *argv)
{
	cr_assert(access(argv[0], X_OK) == 0, "%s: %s", argv[0],
	    strerror(errno));
	return hx_run_bounded(argv, 3 * hx_ms(HX_WAIT_MS));
}

struct hx_run
hx_runv_timeout(const char *const *argv, int timeout_ms)
{
	cr_assert(access(argv[0], X_OK) == 0, "%s: %s", argv[0],
	    strerror(errno));
	return hx_run_bounded(argv, timeout_ms);
}

/* $HARBOUR_BUILD/harbourd ARGS...; valid until the next call (the
 * child is started before that). */
static const char *const *
hx_harbourd_argv(const char *const *args)
{
	static const char	*full[HX_MAX_ARGS];
	const char		*build = getenv("HARBOUR_BUILD");
	size_t			 n;

	cr_assert(build != NULL && *build != '\0', "HARBOUR_BUILD is not set");
	full[0] = hx_strf("%s/harbourd", build);
	for (n = 0; args[n] != NULL; n++) {
		cr_assert(n + 2 < HX_MAX_ARGS, "too many arguments");
		full[n + 1] = args[n];
	}
	full[n + 1] = NULL;
	return full;
}

struct hx_run
hx_harbourdv(const char *const *args)
{
	return hx_runv(hx_harbourd_argv(args));
}

struct hx_cli *
hx_harbourd_startv(const char *const *args)
{
	return hx_proc_start(hx_harbourd_argv(args), NULL, NULL);
}

const char *
hx_conf(const struct hx_daemon *d)
{
	return hx_strf("%s", d->conf);
}

const char *
hx_db(const struct hx_daemon *d)
{
	return hx_strf("%s", d->db);
}

void
hx_conf_append(struct hx_daemon *d, const char *lines)
{
	FILE	*f = fopen(d->conf, "a");

	cr_assert(f != NULL, "cannot append to %s: %s", d->conf,
	    strerror(errno));
	fprintf(f, "%s\n", lines);
	cr_assert(fclose(f) == 0, "cannot write %s", d->conf);
}

/* The whole line around p in text. */
static const char *
hx_line_at(const char *text, size_t len, const char *p)
{
	const char	*bol = p, *eol;

	while (bol > text && bol[-1] != '\n')
		bol--;
	if ((eol = memchr(p, '\n', len - (size_t)(p - text))) == NULL)
		eol = text + len;
	return hx_strf("%.*s", (int)(eol - bol), bol);
}

int
hx_log_wait(struct hx_daemon *d, size_t from, const char *needle,
    int timeout_ms)
{
	int64_t		 deadline = hx_now_ms() + timeout_ms;
	const char	*log;
	size_t		 len;

	for (;;) {
		log = hx_log(d, &len);
		if (len > from && hx_contains(log + from, len - from, needle))
			return 1;
		if (hx_now_ms() >= deadline)
			return 0;
		usleep(HX_POLL_US);
	}
}

int
hx_reload(struct hx_daemon *d, const char **line)
{
	int64_t		 deadline = hx_now_ms() + hx_ms(HX_WAIT_MS);
	const char	*log, *ok, *bad;
	size_t		 from, len;

	hx_log(d, &from);
	hx_signal(d, SIGHUP);
	for (;;) {
		log = hx_log(d, &len);
		ok = memmem(log + from, len - from, "reloaded", 8);
		bad = memmem(log + from, len - from, "reload refused", 14);
		if (ok != NULL || bad != NULL) {
			if (line != NULL)
				*line = hx_line_at(log, len, ok ? ok : bad);
			return ok != NULL;
		}
		cr_assert(hx_now_ms() < deadline, "no \"reloaded\" or \"reload "
		    "refused\" in the log within %d ms of SIGHUP; log:\n%s",
		    hx_ms(HX_WAIT_MS), hx_strf("%.*s", (int)(len - from),
		    log + from));
		usleep(HX_POLL_US);
	}
}

/* keyEncipherment too: an RSA certificate must be usable for RSA key
 * exchange, so that only the daemon's cipher list can refuse that. */
static const char hx_cert_ext[] =
    "basicConstraints = critical, CA:FALSE\n"
    "keyUsage = critical, digitalSignature, keyEncipherment\n"
    "extendedKeyUsage = serverAuth\n"
    "subjectAltName = DNS:localhost, IP:127.0.0.1\n";

void
hx_make_server_cert(const char *dir, const char *name, const char *alg)
{
	const char	*certs = getenv("HARBOUR_CERTS"), *key, *csr, *crt,
			*ext, *ossl = "/usr/bin/openssl", *serial;
	uint64_t	 rnd = 0;
	struct hx_run	 r;

	cr_assert(certs != NULL, "HARBOUR_CERTS is not set");
	key = hx_strf("%s/%s.key", dir, name);
	csr = hx_strf("%s/%s.csr", dir, name);
	crt = hx_strf("%s/%s.crt", dir, name);
	ext = hx_strf("%s/%s.ext", dir, name);
	hx_write_atomic(ext, hx_cert_ext, strlen(hx_cert_ext), 0644);
	if (strcmp(alg, "rsa") == 0)
		r = HX_RUN(ossl, "genpkey", "-algorithm", "RSA", "-pkeyopt",
		    "rsa_keygen_bits:2048", "-out", key);
	else
		r = HX_RUN(ossl, "genpkey", "-algorithm", "EC", "-pkeyopt",
		    "ec_paramgen_curve:P-256", "-out", key);
	cr_assert_eq(r.status, 0, "openssl genpkey: %s", r.err);
	r = HX_RUN(ossl, "req", "-new", "-key", key, "-subj",
	    hx_strf("/O=Harbour e2e/CN=localhost %s", name), "-out", csr);
	cr_assert_eq(r.status, 0, "openssl req: %s", r.err);
	cr_assert(getrandom(&rnd, sizeof rnd, 0) == sizeof rnd, "getrandom");
	serial = hx_strf("0x%016llx", (unsigned long long)(rnd | 1ULL << 62) &
	    ~(1ULL << 63));
	r = HX_RUN(ossl, "x509", "-req", "-in", csr, "-CA",
	    hx_strf("%s/ca.crt", certs), "-CAkey", hx_strf("%s/ca.key", certs),
	    "-set_serial", serial, "-days", "2", "-sha256", "-extfile", ext,
	    "-out", crt);
	cr_assert_eq(r.status, 0, "openssl x509 -req: %s", r.err);
	chmod(key, 0644);
}

static const char *
hx_x509_fp(X509 *x)
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 n = 0, i;
	char		 hex[2 * EVP_MAX_MD_SIZE + 1];

	cr_assert(X509_digest(x, EVP_sha256(), md, &n) == 1, "X509_digest");
	for (i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	return hx_strf("%s", hex);
}

const char *
hx_cert_file_fp(const char *path)
{
	FILE		*f = fopen(path, "r");
	X509		*x;
	const char	*fp;

	cr_assert(f != NULL, "%s: %s", path, strerror(errno));
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	cr_assert(x != NULL, "%s: no PEM certificate", path);
	fp = hx_x509_fp(x);
	X509_free(x);
	return fp;
}

const char *
hx_peer_fp(struct hx_conn *c)
{
	X509		*x = SSL_get1_peer_certificate(c->ssl);
	const char	*fp;

	cr_assert(x != NULL, "the server presented no certificate");
	fp = hx_x509_fp(x);
	X509_free(x);
	return fp;
}

const char *
hx_conn_cipher(struct hx_conn *c)
{
	return hx_strf("%s", SSL_get_cipher_name(c->ssl));
}

int
hx_conn_version(struct hx_conn *c)
{
	return SSL_version(c->ssl);
}

/* The OpenSSL error queue as text, its first reason into *reason. */
static const char *
hx_take_errors(int *reason)
{
	char		 buf[256];
	unsigned long	 e;
	const char	*s = "";

	while ((e = ERR_get_error()) != 0) {
		if (*reason == 0)
			*reason = ERR_GET_REASON(e);
		ERR_error_string_n(e, buf, sizeof buf);
		s = hx_strf("%s%s%s", s, *s ? "; " : "", buf);
	}
	return s;
}

static void
hx_try_tcp(struct hx_conn *c, struct hx_try *t)
{
	struct sockaddr_in	sin;
	struct pollfd		pfd;
	socklen_t		sl;
	int			err = 0, one = 1;

	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	cr_assert(c->fd != -1, "socket: %s", strerror(errno));
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)hx_port(c->d));
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	/* The kernel completes TCP before the daemon accepts: a refusal
	 * comes later, as a close. A failed connect is a broken test. */
	if (connect(c->fd, (struct sockaddr *)&sin, sizeof sin) == -1) {
		cr_assert(errno == EINPROGRESS, "connect to port %d: %s",
		    hx_port(c->d), strerror(errno));
		pfd.fd = c->fd;
		pfd.events = POLLOUT;
		pfd.revents = 0;
		cr_assert(poll(&pfd, 1, hx_ms(HX_WAIT_MS)) == 1,
		    "connect to port %d timed out", hx_port(c->d));
		sl = sizeof err;
		getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &sl);
		cr_assert(err == 0, "connect to port %d: %s", hx_port(c->d),
		    strerror(err));
	}
	sl = sizeof sin;
	getsockname(c->fd, (struct sockaddr *)&sin, &sl);
	t->port = ntohs(sin.sin_port);
}

static void
hx_try_tls(struct hx_conn *c, const struct hx_tls_opts *o)
{
	const char	*certs = getenv("HARBOUR_CERTS"), *f;

	cr_assert(certs != NULL, "HARBOUR_CERTS is not set");
	ERR_clear_error();
	c->ctx = SSL_CTX_new(TLS_client_method());
	cr_assert(c->ctx != NULL, "SSL_CTX_new");
	cr_assert(SSL_CTX_set_min_proto_version(c->ctx, o->min_version ?
	    o->min_version : TLS1_2_VERSION) == 1, "min version");
	cr_assert(SSL_CTX_set_max_proto_version(c->ctx, o->max_version) == 1,
	    "max version");
	if (o->ciphers != NULL)
		cr_assert(SSL_CTX_set_cipher_list(c->ctx, o->ciphers) == 1,
		    "cipher list %s refused by the client library", o->ciphers);
	f = hx_strf("%s/ca.crt", certs);
	cr_assert(SSL_CTX_load_verify_locations(c->ctx, f, NULL) == 1,
	    "cannot load %s", f);
	SSL_CTX_set_verify(c->ctx, SSL_VERIFY_PEER, NULL);
	SSL_CTX_set_mode(c->ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
	    SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	if (o->cert != NULL) {
		cr_assert(SSL_CTX_use_certificate_file(c->ctx, o->cert,
		    SSL_FILETYPE_PEM) == 1, "cannot load %s", o->cert);
		cr_assert(SSL_CTX_use_PrivateKey_file(c->ctx, o->key,
		    SSL_FILETYPE_PEM) == 1, "cannot load %s", o->key);
	}
	c->ssl = SSL_new(c->ctx);
	cr_assert(c->ssl != NULL, "SSL_new");
	SSL_set_fd(c->ssl, c->fd);
	cr_assert(X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(c->ssl),
	    "127.0.0.1") == 1, "set1_ip_asc");
}

/* Drive SSL_connect (peek 0) or wait for the first application byte
 * (peek 1) until the deadline: 1 done, 0 failed (t filled in). */
static int
hx_try_step(struct hx_conn *c, int peek, int64_t deadline, struct hx_try *t)
{
	struct pollfd	pfd;
	char		byte;
	int		n, e;
	int64_t		left;

	for (;;) {
		ERR_clear_error();
		n = peek ? SSL_peek(c->ssl, &byte, 1) : SSL_connect(c->ssl);
		if (n > 0)
			return 1;
		e = SSL_get_error(c->ssl, n);
		if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
			t->why = hx_take_errors(&t->reason);
			if (*t->why == '\0')
				t->why = e == SSL_ERROR_ZERO_RETURN ?
				    "closed by the server (close_notify)" :
				    e == SSL_ERROR_SYSCALL ? hx_strf("closed "
				    "by the server (%s)", errno ?
				    strerror(errno) : "EOF") :
				    hx_strf("SSL error %d", e);
			t->why = hx_strf("%s %s", peek ? "before the hello:" :
			    "in the handshake:", t->why);
			if (!peek && SSL_get_verify_result(c->ssl) != X509_V_OK)
				t->why = hx_strf("%s (verify: %s)", t->why,
				    X509_verify_cert_error_string(
				    SSL_get_verify_result(c->ssl)));
			return 0;
		}
		if ((left = deadline - hx_now_ms()) <= 0) {
			t->why = peek ? "no hello in time" :
			    "the TLS handshake timed out";
			return 0;
		}
		pfd.fd = c->fd;
		pfd.events = e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT;
		pfd.revents = 0;
		poll(&pfd, 1, (int)left);
	}
}

struct hx_conn *
hx_try_connect(struct hx_daemon *d, const struct hx_tls_opts *o,
    struct hx_try *t)
{
	static const struct hx_tls_opts none;
	struct hx_conn	*c;
	json_t		*ev;
	int64_t		 deadline = hx_now_ms() + hx_ms(HX_WAIT_MS);
	int		 i;

	hx_ignore_sigpipe();
	memset(t, 0, sizeof *t);
	t->why = "";
	if (o == NULL)
		o = &none;
	c = calloc(1, sizeof *c);
	c->d = d;
	c->fd = -1;
	c->events = json_array();
	c->replies = json_array();
	c->sent = json_object();
	c->raw = json_object();
	hx_try_tcp(c, t);
	hx_try_tls(c, o);
	if (!hx_try_step(c, 0, deadline, t)) {
		hx_conn_free(c);
		return NULL;
	}
	t->handshake = 1;
	cr_assert(SSL_get_verify_result(c->ssl) == X509_V_OK,
	    "server certificate did not verify");
	if (!o->no_hello && !hx_try_step(c, 1, deadline, t)) {
		hx_conn_free(c);
		return NULL;
	}
	for (i = 0; i < HX_MAX_TRIED && hx_tried[i] != NULL; i++)
		;
	cr_assert(i < HX_MAX_TRIED, "too many connections in one test");
	hx_tried[i] = c;
	if (o->no_hello)
		return c;
	ev = hx_event(c, hx_ms(HX_WAIT_MS));
	cr_assert(ev != NULL, "no complete hello line from the server");
	cr_assert(json_is_string(json_object_get(ev, "ev")) &&
	    strcmp(json_string_value(json_object_get(ev, "ev")), "hello") == 0,
	    "the first line is not the hello: %s", hx_dump(ev));
	c->hello = ev;
	return c;
}

void
hx_db_exec(struct hx_daemon *d, const char *sql)
{
	sqlite3 *db;
	char *err = NULL;

	cr_assert_eq(sqlite3_open(hx_db(d), &db), SQLITE_OK);
	sqlite3_busy_timeout(db, hx_ms(HX_WAIT_MS));
	cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, &err), SQLITE_OK,
	    "%s: %s", sql, err ? err : "");
	sqlite3_close(db);
}
