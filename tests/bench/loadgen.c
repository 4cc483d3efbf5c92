/*
 * loadgen.c: the load generator's core. Options, the TLS client
 * context, connections, the clock and the checks every delivery goes
 * through.
 *
 *   bench-loadgen --proto harbour|mqtt --mode MODE --port N --ca FILE
 *                 --server-pid PID [workload options]
 *   bench-loadgen report RESULTS.jsonl   the table (loadgen-report.c)
 *   bench-loadgen freeport           a free loopback port
 *
 * Connections are opened here and handed to the driver once TLS is up.
 * Outside a reconnect storm at most LG_CONNECT_CAP are in the middle of
 * connecting at a time, so that setting up thousands of clients never
 * overflows a listen queue (which would cost a 1 s SYN retry and tell
 * us nothing about the server). The run is bounded twice: by counts in
 * the workload and by --timeout seconds here; when the deadline passes
 * the run ends, is reported FAILED, and says in which phase it stuck.
 */
#include <sys/resource.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/bufferevent_ssl.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "loadgen.h"

/* The slow reader's receive buffer: small, so the backlog builds up in
 * the server, where the bench measures it, not in our kernel. */
#define LG_SLOW_RCVBUF	4096
/* And an Ethernet-sized segment: loopback's 64 KiB segments would let
 * the server's kernel grow the socket's send buffer to 4 MiB and hold
 * the whole backlog there, which no real network path does. */
#define LG_SLOW_MSS	1448
/* The one TLS 1.3 suite both servers pick by default; naming it keeps
 * the comparison on equal terms whatever their preference lists say. */
#define LG_CIPHERSUITE	"TLS_AES_256_GCM_SHA384"

uint64_t
lg_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

double
lg_secs(uint64_t ns)
{
	return (double)ns / 1e9;
}

void
lg_fail(struct lg *lg, const char *fmt, ...)
{
	va_list ap;

	if (lg->failed)
		return;		/* the first reason is the one that counts */
	lg->failed = 1;
	va_start(ap, fmt);
	vsnprintf(lg->why, sizeof lg->why, fmt, ap);
	va_end(ap);
	fprintf(stderr, "loadgen: FAILED: %s\n", lg->why);
}

void
lg_finish(struct lg *lg)
{
	if (lg->finish_hook != NULL)
		return lg->finish_hook(lg);
	if (lg->finished)
		return;
	lg->finished = 1;
	lg_work_report_common(lg);
	event_base_loopbreak(lg->base);
}

static void	lg_read_cb(struct bufferevent *, void *);
static void	lg_event_cb(struct bufferevent *, short, void *);

static void	lg_connect(struct lg_peer *);

static void
lg_start_next(struct lg *lg)
{
	struct lg_peer *p;

	while (lg->qhead < lg->qtail && lg->connecting < LG_CONNECT_CAP) {
		p = lg->queue[lg->qhead++];
		lg_connect(p);
	}
}

/* A connection that is no longer in the middle of connecting. */
static void
lg_settled(struct lg_peer *p)
{
	if (p->t_ready != 0 || p->t_open == 0)
		return;
	p->t_ready = lg_now();
	p->lg->connecting--;
	lg_start_next(p->lg);
}

static int
lg_socket(struct lg *lg, int rcvbuf)
{
	struct sockaddr_in sin;
	int fd, one = 1, mss = LG_SLOW_MSS;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (rcvbuf > 0) {
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
		setsockopt(fd, IPPROTO_TCP, TCP_MAXSEG, &mss, sizeof mss);
	}
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)lg->o.port);
	inet_pton(AF_INET, lg->o.host, &sin.sin_addr);
	if (connect(fd, (struct sockaddr *)&sin, sizeof sin) != 0 &&
	    errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	return fd;
}

static struct lg_peer *
lg_peer_new(struct lg *lg, enum lg_kind kind, int idx)
{
	struct lg_peer *p = calloc(1, sizeof *p);

	if (p == NULL)
		abort();
	p->lg = lg;
	p->kind = kind;
	p->idx = idx;
	p->gap_after = -1;
	if (kind == LG_PUB) {
		lg->pub = p;
		return p;
	}
	if (lg->npeers == lg->cap_peers) {
		lg->cap_peers = lg->cap_peers ? lg->cap_peers * 2 : 256;
		lg->peers = realloc(lg->peers, (size_t)lg->cap_peers *
		    sizeof *lg->peers);
		lg->queue = realloc(lg->queue, (size_t)lg->cap_peers *
		    sizeof *lg->queue);
		if (lg->peers == NULL || lg->queue == NULL)
			abort();
	}
	lg->peers[lg->npeers++] = p;
	return p;
}

static void
lg_connect(struct lg_peer *p)
{
	struct lg *lg = p->lg;
	struct bufferevent *sock = NULL;
	SSL *ssl;
	int fd;

	p->t_open = lg_now();
	p->connected = 0;
	lg->connecting++;
	if ((fd = lg_socket(lg, p->rcvbuf)) < 0) {
		lg_peer_failed(p, strerror(errno));
		return;
	}
	if ((ssl = SSL_new(lg->ctx)) == NULL) {
		close(fd);
		lg_peer_failed(p, "SSL_new");
		return;
	}
	/*
	 * TLS as a filter over a socket bufferevent: each post is still
	 * its own SSL_write and its own record, but the records a pass
	 * makes leave in one write(2), and what arrives is read in one
	 * read(2) however many records it holds. The client's own cost
	 * per post then takes less of the two cores it shares with the
	 * server, whichever server that is.
	 */
	if ((sock = bufferevent_socket_new(lg->base, fd,
	    BEV_OPT_CLOSE_ON_FREE)) == NULL ||
	    (p->bev = bufferevent_openssl_filter_new(lg->base, sock, ssl,
	    BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE)) == NULL) {
		SSL_free(ssl);
		if (sock != NULL)
			bufferevent_free(sock);
		else
			close(fd);
		lg_peer_failed(p, "bufferevent");
		return;
	}
	bufferevent_openssl_set_allow_dirty_shutdown(p->bev, 1);
	bufferevent_setcb(p->bev, lg_read_cb, NULL, lg_event_cb, p);
	bufferevent_enable(p->bev, EV_READ | EV_WRITE);
}

/*
 * A new connection of this kind. Flags: LG_OPEN_NOW skips the queue
 * (a storm: everyone at once); LG_OPEN_SLOW gives it a small receive
 * buffer.
 */
struct lg_peer *
lg_open(struct lg *lg, enum lg_kind kind, int idx, int flags)
{
	struct lg_peer *p = lg_peer_new(lg, kind, idx);

	if (flags & LG_OPEN_SLOW)
		p->rcvbuf = LG_SLOW_RCVBUF;
	if (!(flags & LG_OPEN_NOW) && kind != LG_PUB &&
	    lg->connecting >= LG_CONNECT_CAP) {
		lg->queue[lg->qtail++] = p;
		return p;
	}
	lg_connect(p);
	return p;
}

void
lg_close(struct lg_peer *p)
{
	if (p->bev != NULL) {
		bufferevent_free(p->bev);
		p->bev = NULL;
	}
}

/* The workload waits for n connections to be ready (or to fail). */
void
lg_expect_ready(struct lg *lg, int n, void (*cb)(struct lg *))
{
	lg->nready = 0;
	lg->nopen_fail = 0;
	lg->want_ready = n;
	lg->all_ready = cb;
}

static void
lg_count_ready(struct lg *lg)
{
	void (*cb)(struct lg *);

	if (lg->all_ready == NULL ||
	    lg->nready + lg->nopen_fail < lg->want_ready)
		return;
	cb = lg->all_ready;
	lg->all_ready = NULL;
	cb(lg);
}

void
lg_peer_ready(struct lg_peer *p)
{
	if (p->ready)
		return;
	p->ready = 1;
	lg_settled(p);
	if (p->kind == LG_PUB)
		return;
	p->lg->nready++;
	lg_count_ready(p->lg);
}

/* A storm counts the clients it could not serve; anywhere else one
 * failure ends the run, FAILED. */
void
lg_peer_failed(struct lg_peer *p, const char *why)
{
	struct lg *lg = p->lg;

	if (p->failed)
		return;
	p->failed = 1;
	lg_close(p);
	if (p->t_ready == 0 && p->t_open != 0) {
		lg->connecting--;
		p->t_ready = lg_now();
		lg_start_next(lg);
	}
	if (p->kind == LG_STORM) {
		if (!p->ready) {
			lg->nopen_fail++;
			lg_count_ready(lg);
		}
		return;
	}
	lg_fail(lg, "client %d (%s): %s", p->idx, lg->phase, why);
	lg_finish(lg);
}

void
lg_setup_done(struct lg *lg)
{
	if (lg->pub == NULL || !lg->pub->ready) {
		lg_fail(lg, "setup: the publisher is not ready");
		lg_finish(lg);
		return;
	}
	if (lg_work_start(lg) != 0)
		lg_finish(lg);
}

void
lg_send(struct lg_peer *p, const void *buf, size_t len)
{
	if (p->bev != NULL)
		bufferevent_write(p->bev, buf, len);
}

static void
lg_record_free(const void *data, size_t len, void *arg)
{
	(void)len;
	(void)arg;
	free((void *)data);
}

/* One TLS record per post: a chain of its own is written with one
 * SSL_write, never merged with the next post. */
void
lg_send_record(struct lg_peer *p, const void *buf, size_t len)
{
	void *copy;

	if (p->bev == NULL)
		return;
	if ((copy = malloc(len)) == NULL)
		abort();
	memcpy(copy, buf, len);
	evbuffer_add_reference(bufferevent_get_output(p->bev), copy, len,
	    lg_record_free, NULL);
}

void
lg_pause(struct lg_peer *p)
{
	p->slow = 1;
	if (p->bev != NULL)
		bufferevent_disable(p->bev, EV_READ);
}

void
lg_resume(struct lg_peer *p)
{
	p->slow = 0;
	if (p->bev != NULL)
		bufferevent_enable(p->bev, EV_READ);
}

static void
lg_read_cb(struct bufferevent *bev, void *arg)
{
	struct lg_peer *p = arg;

	if (p->slow || p->failed)
		return;
	if (p->lg->drv->input(p, bufferevent_get_input(bev)) != 0)
		lg_peer_failed(p, "protocol error");
}

static void
lg_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct lg_peer *p = arg;
	struct lg *lg = p->lg;
	unsigned long e;
	char buf[160];
	SSL *ssl;

	if (what & BEV_EVENT_CONNECTED) {
		/* As a filter, libevent may report the handshake twice. */
		if (p->connected)
			return;
		p->connected = 1;
		ssl = bufferevent_openssl_get_ssl(bev);
		if (lg->cipher[0] == '\0' && ssl != NULL)
			snprintf(lg->cipher, sizeof lg->cipher, "%s %s",
			    SSL_get_version(ssl), SSL_get_cipher_name(ssl));
		lg->drv->connected(p);
		return;
	}
	if (lg->finished)
		return;
	snprintf(buf, sizeof buf, "%s", what & BEV_EVENT_EOF ?
	    "closed by the server" : "connection error");
	if ((what & BEV_EVENT_ERROR) &&
	    (e = bufferevent_get_openssl_error(bev)) != 0)
		ERR_error_string_n(e, buf, sizeof buf);
	else if ((what & BEV_EVENT_ERROR) && errno != 0)
		snprintf(buf, sizeof buf, "%s", strerror(errno));
	lg_peer_failed(p, buf);
}

static void
lg_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct lg *lg = arg;

	(void)fd;
	(void)what;
	if (lg->on_tick != NULL && !lg->finished)
		lg->on_tick(lg);
}

static void
lg_deadline_cb(evutil_socket_t fd, short what, void *arg)
{
	struct lg *lg = arg;

	(void)fd;
	(void)what;
	lg_fail(lg, "timeout after %.0f s in phase %s", lg->o.timeout,
	    lg->phase);
	lg_finish(lg);
}

static SSL_CTX *
lg_tls_context(const struct lg_opts *o)
{
	SSL_CTX *ctx;

	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL)
		return NULL;
	SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
	if (SSL_CTX_set_ciphersuites(ctx, LG_CIPHERSUITE) != 1 ||
	    SSL_CTX_load_verify_locations(ctx, o->ca, NULL) != 1) {
		SSL_CTX_free(ctx);
		return NULL;
	}
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	X509_VERIFY_PARAM_set1_ip_asc(SSL_CTX_get0_param(ctx), o->host);
	/* Every connection a full handshake: what a fleet of separate
	 * clients would cost the server. */
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
	return ctx;
}

/* "lg t=<ns> s=<seq> ": 0, or -1 when the payload is not ours. */
static int
lg_payload_parse(const char *s, size_t len, uint64_t *ts, uint64_t *seq)
{
	char *end;

	if (len < LG_PAYLOAD || memcmp(s, LG_PAYLOAD_HDR,
	    sizeof LG_PAYLOAD_HDR - 1) != 0)
		return -1;
	*ts = strtoull(s + 5, &end, 10);
	if (end != s + 25 || memcmp(end, " s=", 3) != 0)
		return -1;
	*seq = strtoull(end + 3, &end, 10);
	return end == s + 38 ? 0 : -1;
}

void
lg_publish(struct lg *lg, uint64_t seq, uint64_t ts)
{
	char payload[LG_PAYLOAD + 1];
	int n;

	n = snprintf(payload, sizeof payload, "lg t=%020llu s=%010llu ",
	    (unsigned long long)ts, (unsigned long long)seq);
	memset(payload + n, 'x', LG_PAYLOAD - (size_t)n);
	payload[LG_PAYLOAD] = '\0';
	if (seq < (uint64_t)lg->o.posts)
		lg->send_ns[seq] = ts;
	if (lg->sent++ == 0)
		lg->t_first_pub = lg_now();
	lg->drv->publish(lg->pub, seq, payload);
}

/*
 * Every delivery: in order and once (a slow reader, which mixes live
 * posts with history, counts per sequence number instead). Latency
 * only for live posts.
 */
void
lg_delivered(struct lg_peer *p, const char *payload, size_t len)
{
	struct lg *lg = p->lg;
	uint64_t ts, seq, now = lg_now(), lat = 0;

	if (lg_payload_parse(payload, len, &ts, &seq) != 0)
		return;		/* not a bench post (the setup post) */
	if (seq >= (uint64_t)lg->o.posts) {
		lg_fail(lg, "client %d: unknown sequence %llu", p->idx,
		    (unsigned long long)seq);
		return;
	}
	if (p->quiet) {
		/* Outside its working hours nothing may be pushed to it:
		 * counted, never delivered. */
		p->leaked++;
		lg->leaked++;
		return;
	}
	if (p->seen != NULL) {
		if (p->seen[seq]++ != 0)
			p->dups++;
		else
			p->got++;
	} else if (seq == p->next_seq) {
		p->got++;
		p->next_seq++;
	} else if (seq < p->next_seq) {
		p->dups++;
	} else {
		p->skipped += seq - p->next_seq;
		p->got++;
		p->next_seq = seq + 1;
	}
	lg->deliveries++;
	lg->t_last_delivery = now;
	if (p->seen == NULL && now > ts) {
		lat = now - ts;
		lg_hist_add(&lg->lat, lat / 1000);
	}
	if (lg->on_delivery != NULL)
		lg->on_delivery(lg, p, seq, lat);
	if (p->catching_up && p->gap_after < 0 &&
	    p->got == (uint64_t)lg->o.posts)
		lg_catchup_done(p);
}

void
lg_acked(struct lg *lg, uint64_t seq, int ok)
{
	uint64_t now = lg_now();

	lg->acked++;
	if (!ok)
		lg->ack_errors++;
	lg->t_last_ack = now;
	if (seq < (uint64_t)lg->o.posts && lg->send_ns[seq] != 0 &&
	    now > lg->send_ns[seq])
		lg_hist_add(&lg->ack_lat, (now - lg->send_ns[seq]) / 1000);
	if (lg->on_ack != NULL)
		lg->on_ack(lg, seq, ok);
}

/* A server told this subscriber it fell behind (Harbour's gap). */
void
lg_gap(struct lg_peer *p, int64_t after)
{
	p->gap_after = after;
	p->lg->gaps_seen++;
	if (!p->catching_up && p->seen == NULL)
		lg_fail(p->lg, "client %d got a gap event", p->idx);
}

/* What libevent already holds for the slow reader, then the check for
 * a reader that missed nothing. */
static void
lg_catch_up_cb(evutil_socket_t fd, short what, void *arg)
{
	struct lg_peer *p = arg;

	(void)fd;
	(void)what;
	if (p->bev != NULL)
		lg_read_cb(p->bev, p);
	if (p->catching_up && p->gap_after < 0 &&
	    p->got == (uint64_t)p->lg->o.posts)
		lg_catchup_done(p);
}

/*
 * A slow reader reads again: first what waited in the server and in
 * the kernel, then, if the server said it fell behind, history (the
 * driver syncs on the gap event). Done when it has every post, or when
 * its history is exhausted.
 */
void
lg_catch_up(struct lg_peer *p)
{
	struct timeval now = { 0, 0 };

	p->catching_up = 1;
	lg_resume(p);
	/* From the loop, not from here: we may be inside another
	 * connection's input, and the drivers' buffers are shared. */
	event_base_once(p->lg->base, -1, EV_TIMEOUT, lg_catch_up_cb, p, &now);
}

void
lg_catchup_done(struct lg_peer *p)
{
	if (!p->catching_up)
		return;
	p->catching_up = 0;
	if (p->lg->on_catchup != NULL)
		p->lg->on_catchup(p->lg, p);
}

void
lg_login_done(struct lg_peer *p, int ok)
{
	if (ok)
		lg_peer_ready(p);
	if (p->lg->on_login != NULL)
		p->lg->on_login(p->lg, p, ok);
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: bench-loadgen --proto harbour|mqtt --mode MODE --port N"
	    " --ca FILE\n"
	    "           --server-pid PID [--subs S] [--posts M] [--window W]"
	    " [--inflight N]\n"
	    "           [--rate R] [--duration SEC] [--conns N] [--logins N]"
	    " [--burst-at SEC]\n"
	    "           [--accounts N] [--qos 0|1] [--invite CODE]"
	    " [--label TEXT] [--timeout SEC]\n"
	    "       modes: fanout pipeline paced burst slow idle storm"
	    " announce (Harbour only)\n"
	    "       bench-loadgen report RESULTS.jsonl\n"
	    "       bench-loadgen freeport\n");
	exit(64);
}

static const struct option lg_options[] = {
	{ "proto", 1, NULL, 'P' }, { "mode", 1, NULL, 'm' },
	{ "host", 1, NULL, 'h' }, { "port", 1, NULL, 'p' },
	{ "ca", 1, NULL, 'c' }, { "server-pid", 1, NULL, 'S' },
	{ "subs", 1, NULL, 's' }, { "posts", 1, NULL, 'n' },
	{ "window", 1, NULL, 'w' }, { "inflight", 1, NULL, 'i' },
	{ "rate", 1, NULL, 'r' }, { "duration", 1, NULL, 'd' },
	{ "conns", 1, NULL, 'C' }, { "logins", 1, NULL, 'L' },
	{ "burst-at", 1, NULL, 'b' }, { "accounts", 1, NULL, 'a' },
	{ "qos", 1, NULL, 'q' }, { "invite", 1, NULL, 'I' },
	{ "label", 1, NULL, 'l' }, { "timeout", 1, NULL, 't' },
	{ NULL, 0, NULL, 0 }
};

/* The numbers, where it gives them. */
static void
lg_defaults(struct lg_opts *o)
{
	memset(o, 0, sizeof *o);
	o->host = "127.0.0.1";
	/* Not given: lg_check_opts gives the mode's default. */
	o->subs = -1;
	o->posts = -1;
	o->inflight = 64;
	o->rate = 10000;
	o->duration = 5;
	o->conns = 1000;
	o->logins = 100;
	o->burst_at = 1;
	o->qos = 1;
	o->timeout = 60;
}

static void
lg_check_opts(struct lg_opts *o)
{
	int announce = o->mode != NULL && strcmp(o->mode, "announce") == 0;

	/* An announcement reaches 1,000 members, 200 times, by default. */
	if (o->subs < 0)
		o->subs = announce ? 1000 : 100;
	if (o->posts < 0)
		o->posts = announce ? 200 : 1000;
	if (o->proto == NULL || o->mode == NULL || o->port <= 0 ||
	    o->ca == NULL || o->server_pid <= 0 || o->subs < 1 ||
	    o->posts < 1 || o->inflight < 1 || o->rate < 1 ||
	    o->duration <= 0 || o->conns < 1 || o->logins < 0 ||
	    o->timeout <= 0 || (o->qos != 0 && o->qos != 1))
		usage();
	/* Paced: the count follows from the rate and the duration. */
	if (strcmp(o->mode, "paced") == 0 || strcmp(o->mode, "burst") == 0)
		o->posts = (int)(o->duration * o->rate / o->subs + 0.5);
	if (o->posts < 1)
		usage();
}

static void
lg_parse(int argc, char **argv, struct lg_opts *o)
{
	int ch;

	lg_defaults(o);
	while ((ch = getopt_long(argc, argv, "", lg_options, NULL)) != -1) {
		switch (ch) {
		case 'P': o->proto = optarg; break;
		case 'm': o->mode = optarg; break;
		case 'h': o->host = optarg; break;
		case 'p': o->port = atoi(optarg); break;
		case 'c': o->ca = optarg; break;
		case 'S': o->server_pid = (pid_t)atoi(optarg); break;
		case 's': o->subs = atoi(optarg); break;
		case 'n': o->posts = atoi(optarg); break;
		case 'w': o->window = atoi(optarg); break;
		case 'i': o->inflight = atoi(optarg); break;
		case 'r': o->rate = atoi(optarg); break;
		case 'd': o->duration = atof(optarg); break;
		case 'C': o->conns = atoi(optarg); break;
		case 'L': o->logins = atoi(optarg); break;
		case 'b': o->burst_at = atof(optarg); break;
		case 'a': o->accounts = atoi(optarg); break;
		case 'q': o->qos = atoi(optarg); break;
		case 'I': o->invite = optarg; break;
		case 'l': o->label = optarg; break;
		case 't': o->timeout = atof(optarg); break;
		default: usage();
		}
	}
	lg_check_opts(o);
}

/* A port the kernel has free on loopback right now, for run.sh. */
static int
lg_freeport(void)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof sin;
	int fd;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof sin) != 0 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) != 0) {
		perror("freeport");
		return 1;
	}
	printf("%u\n", ntohs(sin.sin_port));
	close(fd);
	return 0;
}

/* As many descriptors as we may have: thousands of connections. */
static void
lg_raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* Timers to the microsecond (a timerfd), not epoll's millisecond:
 * the paced workload's posts leave when they are due. */
struct event_base *
lg_base_new(void)
{
	struct event_config	*cfg;
	struct event_base	*base;

	if ((cfg = event_config_new()) == NULL)
		return NULL;
	event_config_set_flag(cfg, EVENT_BASE_FLAG_PRECISE_TIMER);
	base = event_base_new_with_config(cfg);
	event_config_free(cfg);
	return base;
}

int
main(int argc, char **argv)
{
	struct lg lg;
	struct timeval tick = { 0, LG_TICK_US }, dl;

	if (argc > 1 && strcmp(argv[1], "report") == 0)
		return lg_report_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "freeport") == 0)
		return lg_freeport();
	memset(&lg, 0, sizeof lg);
	lg_parse(argc, argv, &lg.o);
	if (strcmp(lg.o.proto, "harbour") == 0)
		lg.drv = &lg_harbour_driver;
	else if (strcmp(lg.o.proto, "mqtt") == 0)
		lg.drv = &lg_mqtt_driver;
	else
		usage();
	signal(SIGPIPE, SIG_IGN);
	lg_raise_nofile();
	if ((lg.ctx = lg_tls_context(&lg.o)) == NULL) {
		fprintf(stderr, "loadgen: TLS context (CA %s)\n", lg.o.ca);
		return 1;
	}
	lg.send_ns = calloc((size_t)lg.o.posts, sizeof *lg.send_ns);
	lg.base = lg_base_new();
	if (lg.send_ns == NULL || lg.base == NULL)
		return 1;
	lg.tick = event_new(lg.base, -1, EV_PERSIST, lg_tick_cb, &lg);
	lg.deadline = evtimer_new(lg.base, lg_deadline_cb, &lg);
	event_add(lg.tick, &tick);
	dl.tv_sec = (time_t)lg.o.timeout;
	dl.tv_usec = (suseconds_t)((lg.o.timeout - (double)dl.tv_sec) * 1e6);
	event_add(lg.deadline, &dl);
	lg.t_start = lg_now();
	lg.phase = "setup";
	lg.drv->setup(&lg);
	if (!lg.finished)
		event_base_dispatch(lg.base);
	/* The process ends here: the kernel closes what is left. */
	return lg.failed ? 2 : 0;
}
