/*
 * fuzz-cmd.c: libFuzzer target for the operations themselves.
 *
 * fuzz-proto covers the codec; this one goes on to what the daemon does
 * with a request that decodes: cmd_dispatch and every handler's checks,
 * the store's reads, the writer's jobs and their done() callbacks, the
 * bus. It runs an in-process server built the way server.c builds one
 * (defaults, an event base, the store on a temporary SQLite file with
 * its writer thread, the bus, the limits, the hashing pool), without a
 * listener or TLS: one connection on a plain socketpair (conn_attach),
 * whose peer end the target reads and throws away.
 *
 * The database starts with fixtures written through store_write_sync()
 * before the writer starts, as tests/unit/test-store.c makes them:
 *
 *   organisations north and south;
 *   mira (member of north; the connection's account), olga (org-admin),
 *   fern (facilitator) and ada (admin), all with password FUZZ_PASSWORD;
 *   north/general (mira joined; thread 1 "hello" with reply 2),
 *   peer/support (joined), peer/quiet (not joined), south/private
 *   (another organisation's: invisible to mira);
 *   an unused member invite FUZZ_INVITE to north, and a session of
 *   mira's with token FUZZ_TOKEN.
 *
 * An input is request lines. Lines are dispatched in batches as one
 * read callback would (one read snapshot); an empty line, which the
 * daemon ignores, ends a batch: the loop then runs until the writer's
 * queue is empty, every job's done() has run and the output has gone,
 * so the next batch sees what the previous one wrote. Each input starts
 * logged in as mira (a request may log out, and then log in as someone
 * else through the real login; one that deactivates or erases her
 * makes the next input start on a new database) with fresh limits, so a throttle or rate
 * limit never outlives the input that caused it. The database is made
 * anew every FUZZ_RESET_RUNS inputs, and when it outgrows
 * FUZZ_DB_MAX_BYTES, so disk and memory stay bounded.
 *
 * State carries over between inputs until the reset, so a crash found
 * late in a run may need the inputs before it; most reproduce alone.
 * To see what an input does: HARBOUR_FUZZ_ECHO=1 build/fuzz-cmd FILE
 * copies everything the server sent to stderr. cmd.dict holds the
 * words requests are made of, for the mutator.
 */
#include <sys/socket.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/thread.h>

#include "auth.h"
#include "bus.h"
#include "cmd.h"
#include "config.h"
#include "conn.h"
#include "limit.h"
#include "live.h"
#include "proto.h"
#include "server.h"
#include "store.h"
#include "util.h"

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define FUZZ_PASSWORD	"fuzz-password"
#define FUZZ_INVITE	"ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#define FUZZ_TOKEN	"0123456789abcdef0123456789abcdef"
#define FUZZ_HOST	"127.0.0.1"
/* As server.c: ordinary events in the middle, the flush last. */
#define FUZZ_PRIOS	3
#define FUZZ_PRIO_FLUSH	2
/* Inputs between fresh databases: the state a run builds up stays
 * small and a crash found late still reproduces from few inputs. */
#define FUZZ_RESET_RUNS	1000
/* A database past this is made anew at once (posts are 16 KiB). */
#define FUZZ_DB_MAX_BYTES	(64 * 1024 * 1024)
/* Lines one input may run: enough for any sequence worth trying,
 * few enough that one input stays a fraction of a second. */
#define FUZZ_MAX_LINES	64

struct fuzz {
	struct server	 srv;
	struct conn	*c;		/* we hold a reference */
	int		 peer;		/* the client's end, drained */
	int64_t		 member;	/* mira's account id */
	int		 echo;		/* HARBOUR_FUZZ_ECHO: show replies */
	char		 dir[PATH_MAX];
	unsigned long	 runs;		/* since the database was made */
};

static struct fuzz	fz;

static void
fuzz_store_cb(evutil_socket_t fd, short what, void *arg)
{
	struct server *srv = arg;

	(void)fd;
	(void)what;
	store_drain(srv->store);
}

static void
fuzz_flush_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	conn_flush_all(arg);
}

/* From the writer thread, as server_store_notify. */
static void
fuzz_store_notify(void *arg)
{
	struct server *srv = arg;

	event_active(srv->store_ev, EV_READ, 0);
}

/* ---- fixtures ------------------------------------------------------ */

static struct store_write *
fuzz_write(struct store_write *w)
{
	w->now = now_seconds();
	if (store_write_sync(fz.srv.store, w) != STORE_OK)
		fatal("fuzz: fixture write %d failed: %d", (int)w->op,
		    w->result);
	return w;
}

static int64_t
fuzz_org(const char *name)
{
	struct store_write *w = store_write_new(SW_ORG_CREATE);
	int64_t id;

	strlcpy_h(w->name, name, sizeof w->name);
	id = fuzz_write(w)->org;
	store_write_free(w);
	return id;
}

static void
fuzz_invite(int64_t org, const char *code, enum proto_role role)
{
	struct store_write *w = store_write_new(SW_INVITE_CREATE);

	auth_secret_hash(code, w->hash);
	w->org = org;
	w->role = role;
	w->expires_at = now_seconds() + PROTO_INVITE_MAX;
	store_write_free(fuzz_write(w));
}

/* An account made as register makes one; token: its session's. */
static int64_t
fuzz_account(int64_t org, const char *user, enum proto_role role,
    const char *token)
{
	struct store_write *w = store_write_new(SW_REGISTER);
	char code[64], tok[PROTO_TOKEN_HEX + 1];
	int64_t id;

	snprintf(code, sizeof code, "invite-%s", user);
	fuzz_invite(org, code, role);
	auth_secret_hash(code, w->invite);
	if (token == NULL) {
		auth_token_new(tok);
		token = tok;
	}
	auth_secret_hash(token, w->hash);
	strlcpy_h(w->name, user, sizeof w->name);
	if (auth_hash_now(&fz.srv.cf, FUZZ_PASSWORD, w->pwhash,
	    sizeof w->pwhash) != 0)
		fatal("fuzz: cannot hash the fixture password");
	id = fuzz_write(w)->acct.id;
	store_write_free(w);
	return id;
}

static int64_t
fuzz_channel(const char *name, int64_t org, int64_t by)
{
	struct store_write *w = store_write_new(SW_CHANNEL_CREATE);
	int64_t id;

	strlcpy_h(w->name, name, sizeof w->name);
	w->org = org;
	w->account = by;
	id = fuzz_write(w)->channel;
	store_write_free(w);
	return id;
}

static int64_t
fuzz_post(int64_t channel, int64_t thread, int64_t by, const char *title,
    const char *body)
{
	struct store_write *w = store_write_new(SW_POST);
	int64_t eid;

	w->channel = channel;
	w->thread = thread;
	w->account = by;
	w->title = title != NULL ? xstrdup(title) : NULL;
	w->body = xstrdup(body);
	eid = fuzz_write(w)->eid;
	store_write_free(w);
	return eid;
}

static void
fuzz_fixtures(void)
{
	int64_t north, south, general, admin, sam, thread;

	north = fuzz_org("north");
	south = fuzz_org("south");
	fz.member = fuzz_account(north, "mira", ROLE_MEMBER, FUZZ_TOKEN);
	(void)fuzz_account(north, "olga", ROLE_ORG_ADMIN, NULL);
	(void)fuzz_account(north, "fern", ROLE_FACILITATOR, NULL);
	admin = fuzz_account(north, "ada", ROLE_ADMIN, NULL);
	sam = fuzz_account(south, "sam", ROLE_MEMBER, NULL);
	fuzz_invite(north, FUZZ_INVITE, ROLE_MEMBER);
	general = fuzz_channel("north/general", north, fz.member);
	(void)fuzz_channel("peer/support", 0, fz.member);
	(void)fuzz_channel("peer/quiet", 0, admin);
	(void)fuzz_channel("south/private", south, sam);
	thread = fuzz_post(general, 0, fz.member, "hello", "first post");
	(void)fuzz_post(general, thread, fz.member, NULL, "a reply");
}

/* ---- the server ---------------------------------------------------- */

static void
fuzz_db_path(char *path, size_t len, const char *suffix)
{
	snprintf(path, len, "%s/fuzz.db%s", fz.dir, suffix);
}

static void
fuzz_db_unlink(void)
{
	static const char *const suffixes[] = { "", "-wal", "-shm" };
	char path[PATH_MAX + 16];
	size_t i;

	for (i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
		fuzz_db_path(path, sizeof path, suffixes[i]);
		unlink(path);
	}
}

static void
fuzz_server_start(void)
{
	struct server *srv = &fz.srv;
	char *cause = NULL;

	fuzz_db_unlink();
	fuzz_db_path(srv->cf.db, sizeof srv->cf.db, "");
	srv->started = time(NULL);
	if ((srv->base = event_base_new()) == NULL ||
	    event_base_priority_init(srv->base, FUZZ_PRIOS) != 0)
		fatal("fuzz: cannot create the event base");
	if ((srv->store = store_open(srv->cf.db, &cause)) == NULL)
		fatal("fuzz: %s", cause);
	fuzz_fixtures();
	srv->limits = limits_new();
	srv->live = live_new();
	srv->auth = auth_new(srv->base, &srv->cf);
	srv->bus = bus_new(srv, store_last_eid(srv->store));
	srv->store_ev = event_new(srv->base, -1, 0, fuzz_store_cb, srv);
	srv->flush_ev = event_new(srv->base, -1, 0, fuzz_flush_cb, srv);
	event_priority_set(srv->flush_ev, FUZZ_PRIO_FLUSH);
	/* No tick: timeouts are the e2e tests' business (and conn.c
	 * touches tick_ev only when stopping). */
	if (store_start(srv->store, fuzz_store_notify, srv) != 0)
		fatal("fuzz: cannot start the writer thread");
	fz.runs = 0;
}

/* Nothing in flight: no job holds the connection, nothing unwritten. */
static int
fuzz_idle(void)
{
	struct conn *c = fz.c;

	if (store_queue_depth(fz.srv.store) != 0)
		return 0;
	if (c == NULL)
		return 1;
	if (c->bev == NULL)
		return c->refs == 1;
	return c->refs == 2 && conn_output_len(c) == 0;
}

/* Read and throw away what the connection sent (or, to see what an
 * input does, copy it to stderr). */
static void
fuzz_drain_peer(void)
{
	char buf[65536];
	ssize_t n;

	if (fz.peer < 0)
		return;
	while ((n = read(fz.peer, buf, sizeof buf)) > 0) {
		if (fz.echo)
			fwrite(buf, 1, (size_t)n, stderr);
	}
}

/*
 * Run the loop until nothing is in flight. Every job in flight ends in
 * an event (the writer's notify, the hashing pool's), and unwritten
 * output in a write event once the peer has been drained, so blocking
 * for one event at a time cannot wait for ever; libFuzzer's -timeout
 * reports it if a job never comes back.
 */
static void
fuzz_settle(void)
{
	for (;;) {
		fuzz_drain_peer();
		store_drain(fz.srv.store);
		conn_flush_all(&fz.srv);
		if (fuzz_idle())
			break;
		event_base_loop(fz.srv.base, EVLOOP_ONCE);
	}
	fuzz_drain_peer();
}

static void
fuzz_conn_free(void)
{
	if (fz.c == NULL)
		return;
	conn_close(fz.c, "fuzz: reset");
	fuzz_settle();
	conn_unref(fz.c);
	fz.c = NULL;
	close(fz.peer);
	fz.peer = -1;
}

static void
fuzz_conn_new(void)
{
	struct bufferevent *bev;
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		fatal("fuzz: socketpair: %s", strerror(errno));
	evutil_make_socket_nonblocking(sv[0]);
	evutil_make_socket_nonblocking(sv[1]);
	bev = bufferevent_socket_new(fz.srv.base, sv[0], BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL)
		fatal("fuzz: cannot make a bufferevent");
	fz.peer = sv[1];
	fz.c = conn_attach(&fz.srv, bev, FUZZ_HOST ":40000", FUZZ_HOST);
	conn_ref(fz.c);
	/* No TLS to wait for: straight to the hello state. */
	conn_set_state(fz.c, CONN_HELLO);
}

static void
fuzz_server_stop(void)
{
	struct server *srv = &fz.srv;

	fuzz_conn_free();
	auth_free(srv->auth);
	store_drain(srv->store);
	bus_free(srv->bus);
	store_close(srv->store);
	event_free(srv->store_ev);
	conn_flush_all(srv);
	event_free(srv->flush_ev);
	event_base_free(srv->base);
	limits_free(srv->limits);
	live_free(srv->live);
	srv->live = NULL;
	srv->auth = NULL;
	srv->bus = NULL;
	srv->store = NULL;
	srv->base = NULL;
	srv->limits = NULL;
	fuzz_db_unlink();
}

static void
fuzz_cleanup(void)
{
	if (fz.srv.store != NULL)
		fuzz_server_stop();
	rmdir(fz.dir);
}

/* ---- logging in ---------------------------------------------------- */

static void
fuzz_session_written(struct store_write *w)
{
	struct conn *c = w->ctx;

	if (w->result != STORE_OK)
		fatal("fuzz: cannot store a session: %d", w->result);
	c->session = w->session;
	conn_unref(c);
	store_write_free(w);
}

/* Log the connection in as mira, as a password login would end. */
static void
fuzz_login(void)
{
	struct conn *c = fz.c;
	struct store_account a;
	struct store_write *w;
	char token[PROTO_TOKEN_HEX + 1];

	if (store_account_by_id(fz.srv.store, fz.member, &a) != STORE_OK)
		fatal("fuzz: the member's account is gone");
	w = store_write_new(SW_SESSION_NEW);
	w->account = a.id;
	w->now = now_seconds();
	auth_token_new(token);
	auth_secret_hash(token, w->hash);
	conn_ref(c);
	w->ctx = c;
	w->done = fuzz_session_written;
	store_submit(fz.srv.store, w);
	fuzz_settle();

	c->acct.id = a.id;
	c->acct.org_id = a.org_id;
	c->acct.role = a.role;
	memcpy(c->acct.name, a.name, sizeof c->acct.name);
	memcpy(c->acct.org, a.org, sizeof c->acct.org);
	conn_logged_in(c);
}

/* Whether mira can still be logged in: an earlier input may have
 * deactivated or erased her (both refuse a new session, rightly). */
static int
fuzz_member_usable(void)
{
	struct store_account a;

	return store_account_by_id(fz.srv.store, fz.member, &a) == STORE_OK &&
	    !a.deactivated && strncmp(a.name, "erased-", 7) != 0;
}

/* Each input starts as mira, on a database not too old or too big. */
static void
fuzz_begin(void)
{
	int64_t bytes = 0;

	if (fz.runs++ >= FUZZ_RESET_RUNS || (store_size(fz.srv.store,
	    &bytes) == STORE_OK && bytes > FUZZ_DB_MAX_BYTES) ||
	    !fuzz_member_usable()) {
		fuzz_server_stop();
		fuzz_server_start();
	}
	limits_free(fz.srv.limits);
	fz.srv.limits = limits_new();
	if (fz.c == NULL || !conn_is_open(fz.c)) {
		if (fz.c != NULL) {
			conn_unref(fz.c);
			close(fz.peer);
		}
		fuzz_conn_new();
	}
	if (fz.c->state != CONN_READY)
		fuzz_login();
	else if (fz.c->acct.id != fz.member) {
		conn_logged_out(fz.c);
		fuzz_login();
	}
}

/* ---- the input ----------------------------------------------------- */

/* One line, as conn_handle_line has it. */
static void
fuzz_line(const char *line, size_t len)
{
	struct proto_req req;
	const char *detail = NULL;
	enum proto_err err;
	char *copy;

	if (!conn_is_open(fz.c))
		return;
	copy = xmalloc(len + 1);
	memcpy(copy, line, len);
	copy[len] = '\0';
	err = proto_decode(copy, len, &req, &detail);
	if (err != PROTO_OK)
		conn_reply_err(fz.c, req.id, err, detail);
	else
		cmd_dispatch(fz.c, &req);
	proto_req_free(&req);
	free(copy);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp;

	(void)argc;
	(void)argv;
	signal(SIGPIPE, SIG_IGN);
	log_init(LOG_LEVEL_ERROR);
	/* fsync on every commit: a RAM disk where there is one. */
	tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" :
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp";
	snprintf(fz.dir, sizeof fz.dir, "%s/harbour-fuzz-XXXXXX", tmp);
	if (mkdtemp(fz.dir) == NULL)
		fatal("fuzz: mkdtemp %s: %s", fz.dir, strerror(errno));
	config_defaults(&fz.srv.cf);
	/* The cheapest Argon2id there is: logins cost microseconds. */
	fz.srv.cf.argon2_memory = 8;
	fz.srv.cf.argon2_time = 1;
	fz.srv.cf.hash_workers = 1;
	fz.srv.cf.hash_queue = 4;
	/* The limits are per input (fuzz_begin); the rate limiter itself
	 * is still reached once a burst is spent. */
	fz.srv.cf.request_burst = FUZZ_MAX_LINES / 2;
	fz.srv.cf.log_level = LOG_LEVEL_ERROR;
	fz.srv.linebuf = xmalloc(PROTO_MAX_LINE + 1);
	fz.peer = -1;
	fz.echo = getenv("HARBOUR_FUZZ_ECHO") != NULL;
	if (evthread_use_pthreads() != 0)
		fatal("fuzz: libevent has no thread support");
	fuzz_server_start();
	atexit(fuzz_cleanup);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data, *nl;
	size_t off = 0, len, lines = 0;
	int batch = 0;

	fuzz_begin();
	while (off < size && lines < FUZZ_MAX_LINES) {
		nl = memchr(buf + off, '\n', size - off);
		len = nl != NULL ? (size_t)(nl - (buf + off)) : size - off;
		if (len + 1 > PROTO_MAX_LINE)
			break;		/* the daemon would close */
		if (len > 0 && buf[off + len - 1] == '\r')
			len--;
		if (len == 0) {
			/* The end of a batch: let its writes land. */
			if (batch) {
				store_snapshot_end(fz.srv.store);
				fuzz_settle();
				batch = 0;
			}
		} else {
			if (!batch) {
				store_snapshot_begin(fz.srv.store);
				batch = 1;
			}
			fuzz_line(buf + off, len);
			lines++;
		}
		off += (nl != NULL ? (size_t)(nl - (buf + off)) : size - off) + 1;
	}
	if (batch)
		store_snapshot_end(fz.srv.store);
	fuzz_settle();
	return 0;
}
