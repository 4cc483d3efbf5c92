/*
 * 12-hostile.c: clients that mean harm, each against one defence, and
 * each time the proof that the daemon stays bounded for everyone else:
 * its memory (VmRSS and VmHWM from /proc), service to another client,
 * and its log.
 *
 *  - read_pipeline_bounded: pipelined history reads that are never
 *    read back no longer grow the daemon: replies held by jobs in flight
 *    count against output_limit (conn_hold).
 *  - silent_sockets_lock_nobody_out: a pool of connections not logged
 *    in, full of sockets that never speak, makes room for a real client.
 *  - bad_token_logins_log_bounded: a spray of failed logins before
 *    login is rate-limited per connection and per address, the spraying
 *    connections are closed, and the log summarises.
 *  - garbage_flood_disconnected: bad JSON, bad UTF-8 and unknown
 *    operations count against the account's rate; a client that stays
 *    far over it is told why and closed.
 *  - trickled_line_times_out, slow_lines_are_served: a line must end
 *    within line_timeout; one sent slowly but whole is still answered.
 *
 * Waits are for positive signals (a log line, a reply, a close) within
 * scaled bounds; time inside the daemon is the test clock's where a
 * test needs it to pass (hx_clock_start), so no test sleeps.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <criterion/logging.h>

#include "harness.h"
#include "hx-ops.h"
#include "proto.h"	/* PROTO_MAX_BODY */
#include "util.h"	/* LOG_REPEAT_FREE: how many lines a kind may write */

TestSuite(hostile, .timeout = HX_TEST_TIMEOUT);

#define CH		"peer/hostile"
/* Growth of the daemon's memory that fails a test: a few pages of
 * history per connection fit many times; a hundred do not. */
#define RSS_GROWTH_MAX_KB	(64 * 1024)

/* A field of /proc/PID/status in kB ("VmRSS", "VmHWM"). */
static long
status_kb(pid_t pid, const char *field)
{
	const char	*text = hx_slurp(hx_strf("/proc/%d/status", (int)pid),
			    NULL), *p;
	size_t		 n = strlen(field);

	cr_assert_not_null(text, "cannot read /proc/%d/status", (int)pid);
	for (p = text; p != NULL && *p != '\0'; p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		if (strncmp(p, field, n) == 0 && p[n] == ':')
			return atol(p + n + 1);
	}
	cr_assert_fail("no %s in /proc/%d/status", field, (int)pid);
	return 0;
}

/* Lines of the log after mark that contain needle (NULL: every line). */
static int
log_count(struct hx_daemon *d, size_t mark, const char *needle)
{
	size_t		 len;
	const char	*log = hx_log(d, &len), *p, *nl;
	int		 n = 0;

	for (p = log + mark; p < log + len; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(log + len - p))) == NULL)
			nl = log + len;
		if (needle == NULL || memmem(p, (size_t)(nl - p), needle,
		    strlen(needle)) != NULL)
			n++;
	}
	return n;
}

/* Lines after mark that contain both a and b. */
static int
log_count2(struct hx_daemon *d, size_t mark, const char *a, const char *b)
{
	size_t		 len;
	const char	*log = hx_log(d, &len), *p, *nl;
	int		 n = 0;

	for (p = log + mark; p < log + len; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(log + len - p))) == NULL)
			nl = log + len;
		if (memmem(p, (size_t)(nl - p), a, strlen(a)) != NULL &&
		    memmem(p, (size_t)(nl - p), b, strlen(b)) != NULL)
			n++;
	}
	return n;
}

/* The daemon's id of the connection that last logged in as user. */
static unsigned long
conn_id_of(struct hx_daemon *d, const char *user)
{
	const char	*log = hx_log(d, NULL), *needle, *p, *hit = NULL;

	needle = hx_strf(": logged in as %s (", user);
	for (p = log; (p = strstr(p, needle)) != NULL; p++)
		hit = p;
	cr_assert_not_null(hit, "no login of %s in the log", user);
	while (hit > log && hit[-1] != ' ')
		hit--;
	return strtoul(hit, NULL, 10);
}

/* A connection with a small receive window, logged in as user. */
static struct hx_conn *
slow_reader(struct hx_daemon *d, const char *user)
{
	struct hx_conn_opts	 o = { .rcvbuf = 4096 };
	struct hx_conn		*c = hx_connect_opts(d, &o);

	hx_ok(c, "login", "{s:s, s:s}", "user", user, "password",
	    HX_PASSWORD);
	return c;
}

/* ---- 7: replies held by jobs count against the output limit ------- */

#define READ_POSTS	64	/* of the largest size: one page of ~1 MiB */
#define READ_FLOODERS	2
#define READ_REQUESTS	100	/* each: ~100 MiB of pages if all were held */

Test(hostile, read_pipeline_bounded)
{
	struct hx_daemon	*d = hx_start(NULL);
	struct hx_conn		*poster, *witness, *flood[READ_FLOODERS];
	unsigned long		 ids[READ_FLOODERS];
	char			*body;
	const char		*lines, *who;
	long			 rss0, hwm;
	size_t			 mark;
	int64_t			 deadline, thread;
	json_t			*r;
	int			 i, k, paused;

	hx_ok(hx_admin(d), "channel.create", "{s:s}", "channel", CH);
	poster = hx_user(d, "refugee-action", "member", "pat");
	witness = hx_user(d, "refugee-action", "member", "wil");
	hx_ok(poster, "join", "{s:s}", "channel", CH);
	body = malloc(PROTO_MAX_BODY - 384 + 1);
	memset(body, 'x', PROTO_MAX_BODY - 384);
	body[PROTO_MAX_BODY - 384] = '\0';
	thread = hx_post(poster, CH, "big", 0, body);
	for (i = 1; i < READ_POSTS; i++)
		hx_send_post(poster, CH, thread, body);
	for (i = 1; i < READ_POSTS; i++)
		hx_assert_ok(hx_any_reply(poster, hx_ms(HX_WAIT_MS)));
	free(body);
	/* Members: each read moves their read marker, so its page waits
	 * for the writer thread. */
	for (k = 0; k < READ_FLOODERS; k++) {
		who = hx_strf("fay%d", k);
		hx_ok(hx_user(d, "refugee-action", "member", who), "join",
		    "{s:s}", "channel", CH);
		flood[k] = slow_reader(d, who);
		ids[k] = conn_id_of(d, who);
	}
	rss0 = status_kb(hx_pid(d), "VmRSS");
	mark = hx_log_mark(d);

	lines = "";
	for (i = 0; i < READ_REQUESTS; i++)
		lines = hx_strf("%s{\"id\":%d,\"op\":\"read\",\"channel\":\"%s\","
		    "\"limit\":1000}\n", lines, i + 1, CH);
	for (k = 0; k < READ_FLOODERS; k++)
		cr_assert_eq(hx_send_raw(flood[k], lines, strlen(lines)), 0);

	/* Each flooder must be paused (a debug line says so) before its
	 * backlog has grown far; the peak is checked all along. */
	deadline = hx_mono_ms() + hx_ms(HX_WAIT_MS);
	for (;;) {
		hwm = status_kb(hx_pid(d), "VmHWM");
		if (!hx_sanitized())
			cr_assert(hwm - rss0 < RSS_GROWTH_MAX_KB, "%d clients "
			    "pipelining %d reads each took the daemon from "
			    "%ld to %ld kB", READ_FLOODERS, READ_REQUESTS,
			    rss0, hwm);
		for (paused = 0, k = 0; k < READ_FLOODERS; k++)
			paused += log_count2(d, mark, hx_strf("conn %lu: ",
			    ids[k]), "held: not reading") > 0;
		if (paused == READ_FLOODERS)
			break;
		cr_assert(hx_mono_ms() < deadline, "the flooders were not "
		    "paused within %d ms", hx_ms(HX_WAIT_MS));
		hx_log_wait(d, mark, "held: not reading", 50);
	}
	cr_log_info("read flood: VmRSS %ld kB before, VmHWM %ld kB with "
	    "every flooder paused", rss0, hwm);

	/* Service to others goes on: a ping, and a page of the same size. */
	hx_ok(witness, "ping", NULL);
	r = hx_ok(witness, "read", "{s:s, s:i}", "channel", CH, "limit", 1000);
	cr_assert_gt(json_array_size(json_object_get(r, "events")), 0);
	hwm = status_kb(hx_pid(d), "VmHWM");
	if (!hx_sanitized())
		cr_assert(hwm - rss0 < RSS_GROWTH_MAX_KB, "VmHWM %ld kB, from "
		    "%ld", hwm, rss0);

	/* Reading resumes as the flooders read: every reply comes, whole. */
	for (k = 0; k < READ_FLOODERS; k++)
		for (i = 0; i < READ_REQUESTS; i++) {
			r = hx_assert_ok(hx_reply_int(flood[k], i + 1));
			cr_assert_eq(json_array_size(json_object_get(r,
			    "events")), READ_POSTS);
		}
	hwm = status_kb(hx_pid(d), "VmHWM");
	cr_log_info("read flood: VmHWM %ld kB after every reply was read "
	    "(VmRSS %ld kB before)", hwm, rss0);
	if (!hx_sanitized())
		cr_assert(hwm - rss0 < RSS_GROWTH_MAX_KB, "VmHWM %ld kB, from "
		    "%ld", hwm, rss0);
	hx_stop(d);
}

/* ---- 8: silent sockets make room instead of locking everyone out -- */

#define POOL		8	/* max_unauthenticated in this test */
#define MORE_SILENT	16	/* opened while a real client is logging in */

/* A TCP connection that never sends a byte. */
static int
silent_socket(struct hx_daemon *d)
{
	struct sockaddr_in	sin;
	int			fd;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	cr_assert(fd != -1, "socket: %s", strerror(errno));
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)hx_port(d));
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert(connect(fd, (struct sockaddr *)&sin, sizeof sin) == 0,
	    "connect: %s", strerror(errno));
	return fd;
}

/* Has the server closed fd (EOF or reset), waiting at most timeout_ms? */
static int
socket_closed(int fd, int timeout_ms)
{
	struct pollfd	pfd = { .fd = fd, .events = POLLIN };
	char		c;

	if (poll(&pfd, 1, timeout_ms) != 1)
		return 0;
	return recv(fd, &c, 1, MSG_DONTWAIT) <= 0;
}

/* Wait until admin.status counts n connections not logged in. */
static void
unauth_is(struct hx_conn *admin, int n, const char *what)
{
	int64_t	deadline = hx_mono_ms() + hx_ms(HX_WAIT_MS);
	json_t	*r;

	while (hx_int(r = hx_ok(admin, "admin.status", NULL),
	    "unauthenticated") != n)
		cr_assert(hx_mono_ms() < deadline, "%s: %s after %d ms", what,
		    hx_dump(r), hx_ms(HX_WAIT_MS));
}

Test(hostile, silent_sockets_lock_nobody_out)
{
	struct hx_daemon	*d = hx_start(hx_strf("max_unauthenticated = %d",
				    POOL));
	struct hx_conn		*admin, *ana, *ben;
	struct hx_try		 t;
	int			 fds[POOL + MORE_SILENT], i, closed;
	int64_t			 t0, took;

	admin = hx_admin(d);
	hx_close(hx_user(d, "refugee-action", "member", "ana"));
	hx_close(hx_user(d, "refugee-action", "member", "ben"));
	for (i = 0; i < POOL; i++)
		fds[i] = silent_socket(d);
	unauth_is(admin, POOL, "the silent sockets fill the pool");

	/* A real client: in, and logged in, at once. */
	t0 = hx_mono_ms();
	ana = hx_try_connect(d, NULL, &t);
	cr_assert_not_null(ana, "a real client was refused while %d silent "
	    "sockets held the pool: %s", POOL, t.why);
	hx_ok(ana, "login", "{s:s, s:s}", "user", "ana", "password",
	    HX_PASSWORD);
	took = hx_mono_ms() - t0;
	cr_log_info("silent sockets: a real client got in and logged in in "
	    "%lld ms", (long long)took);
	cr_assert(took < hx_ms(HX_WAIT_MS));
	cr_assert(socket_closed(fds[0], hx_ms(HX_WAIT_MS)),
	    "the oldest silent socket was not the one to make room");

	/* One past TLS and not yet logged in outlives any number of silent
	 * sockets opened after it: they make room among themselves. */
	ben = hx_connect(d);
	for (i = POOL; i < POOL + MORE_SILENT; i++)
		fds[i] = silent_socket(d);
	unauth_is(admin, POOL, "the pool stays full, never over");
	hx_ok(ben, "login", "{s:s, s:s}", "user", "ben", "password",
	    HX_PASSWORD);
	/* 1 + MORE_SILENT silent sockets were closed, the oldest first. */
	for (closed = 0, i = 0; i < 1 + MORE_SILENT; i++)
		closed += socket_closed(fds[i], hx_ms(HX_WAIT_MS));
	cr_assert_eq(closed, 1 + MORE_SILENT, "%d of the %d oldest silent "
	    "sockets closed", closed, 1 + MORE_SILENT);
	hx_ok(ana, "whoami", NULL);
	hx_ok(ben, "whoami", NULL);
	for (i = 0; i < POOL + MORE_SILENT; i++)
		close(fds[i]);
	hx_stop(d);
}

/* ---- 9 and 11: floods before login, and the log ------------------- */

#define SPRAY_CONNS	8
#define SPRAY_LINES	500	/* sent by each, unless closed first */
#define SPRAY_CHUNK	50

/* Send n copies of line in chunks, reading what comes back, until the
 * server closes; the replies that came, and in *failed (if not NULL)
 * how many of them were auth_failed. */
static int
spray(struct hx_conn *c, const char *line, int n, int *failed)
{
	const char	*chunk = "";
	json_t		*r, *err;
	int		 i, replies = 0;

	for (i = 0; i < SPRAY_CHUNK; i++)
		chunk = hx_strf("%s%s\n", chunk, line);
	for (i = 0; i < n && !hx_is_closed(c); i += SPRAY_CHUNK) {
		if (hx_send_raw(c, chunk, strlen(chunk)) != 0)
			break;
		hx_pump(c, 0);
	}
	hx_wait_closed(c, hx_ms(HX_WAIT_MS));
	while ((r = hx_any_reply(c, 0)) != NULL) {
		replies++;
		err = json_object_get(r, "error");
		if (failed != NULL && err != NULL &&
		    strcmp(hx_str(err, "code"), "auth_failed") == 0)
			(*failed)++;
	}
	return replies;
}

static const char *
bye_reason(struct hx_conn *c)
{
	json_t	*bye = hx_event_named(c, "bye", 0);

	cr_assert_not_null(bye, "closed without a bye");
	return hx_str(bye, "reason");
}

Test(hostile, bad_token_logins_log_bounded)
{
	struct hx_daemon	*d;
	struct hx_conn		*ana, *c;
	const char		*line, *log, *p;
	size_t			 mark;
	int			 k, replies, total = 0, failed, tried = 0;
	unsigned long long	 more;

	hx_clock_start();
	/* The address's bucket at its default; info, as in production. */
	d = hx_start("log_level = info\nunauth_rate = 20\nunauth_burst = 100");
	ana = hx_user(d, "refugee-action", "member", "ana");
	mark = hx_log_mark(d);
	line = "{\"id\":1,\"op\":\"login\",\"token\":"
	    "\"00000000000000000000000000000000\"}";
	for (k = 0; k < SPRAY_CONNS; k++) {
		c = hx_connect(d);
		replies = spray(c, line, SPRAY_LINES, &tried);
		cr_assert(hx_is_closed(c), "connection %d was answered %d "
		    "times and never closed", k, replies);
		cr_assert(strstr(bye_reason(c), "refused") != NULL, "%s",
		    bye_reason(c));
		cr_assert_lt(replies, SPRAY_LINES / 2, "connection %d was "
		    "answered %d times", k, replies);
		total += replies;
	}
	/* Only the logins the rates let through were tried. */
	failed = log_count(d, mark, "token login failed");
	cr_log_info("bad token logins: %d connections sent up to %d each, "
	    "%d answered; %d log lines since, %d of them \"token login "
	    "failed\" (%d logins tried)", SPRAY_CONNS, SPRAY_LINES, total,
	    log_count(d, mark, NULL), failed, tried);
	cr_assert_leq(failed, LOG_REPEAT_FREE, "%d \"token login failed\" "
	    "lines", failed);
	/* Each connection: accepted, closing, closed, perhaps a TLS line. */
	cr_assert_leq(log_count(d, mark, NULL), LOG_REPEAT_FREE +
	    SPRAY_CONNS * 5, "the log grew %d lines", log_count(d, mark, NULL));
	/* A logged-in client was served throughout. */
	hx_ok(ana, "ping", NULL);

	/* A minute on, the tick says how many were left out. */
	hx_clock_advance(LOG_REPEAT_WINDOW_SEC * 1000);
	cr_assert(hx_log_wait(d, mark, "more like this from 127.0.0.1 in the "
	    "last minute: conn", hx_ms(HX_WAIT_MS)), "no summary line");
	log = hx_log(d, NULL);
	p = strstr(log + mark, " more like this from 127.0.0.1");
	while (p > log && p[-1] != ' ')
		p--;
	more = strtoull(p, NULL, 10);
	cr_log_info("bad token logins: summary: %llu more", more);
	cr_assert_eq(more + (unsigned long long)failed,
	    (unsigned long long)tried, "%d logins failed, %d lines and %llu "
	    "summarised", tried, failed, more);
	hx_ok(ana, "ping", NULL);
	hx_stop(d);
}

Test(hostile, garbage_flood_disconnected)
{
	static const char *const garbage[] = {
		"garbage", "\xff\xfe not UTF-8", "{\"id\":1,\"op\":\"frobnicate\"}",
	};
	struct hx_daemon	*d;
	struct hx_conn		*ana, *ben, *anon;
	int			 i, replies;

	hx_clock_start();
	d = hx_start("request_rate = 20\nrequest_burst = 100");
	hx_ok(hx_admin(d), "channel.create", "{s:s}", "channel", CH);
	ben = hx_user(d, "refugee-action", "member", "ben");
	hx_clock_advance(10000);	/* the admin's bucket refills */
	hx_ok(ben, "join", "{s:s}", "channel", CH);
	for (i = 0; i < 3; i++) {
		hx_clock_advance(10000);	/* a full bucket for each */
		ana = hx_user(d, "refugee-action", "member",
		    hx_strf("ana%d", i));
		replies = spray(ana, garbage[i], 10000, NULL);
		cr_log_info("garbage flood (%s): closed after %d replies",
		    garbage[i], replies);
		cr_assert(hx_is_closed(ana), "a client flooding \"%s\" was "
		    "answered %d times and never closed", garbage[i], replies);
		cr_assert(strstr(bye_reason(ana), "refused") != NULL, "%s",
		    bye_reason(ana));
		/* The burst, then refusals up to the limit: far from 10,000. */
		cr_assert_lt(replies, 100 + 100, "%d replies", replies);
		/* Another account is not affected. */
		hx_post(ben, CH, "still here", 0, "all well");
	}
	/* Before login the same, from the connection's own bucket. */
	anon = hx_connect(d);
	replies = spray(anon, "{\"id\":1,\"op\":\"ping\"}", 10000,
	    NULL);
	cr_log_info("ping flood before login: closed after %d replies",
	    replies);
	cr_assert(hx_is_closed(anon), "a flood before login was answered %d "
	    "times and never closed", replies);
	cr_assert_lt(replies, 100);
	hx_ok(ben, "whoami", NULL);
	cr_assert_eq(json_array_size(hx_read_all(ben, CH, 0)), 3);
	hx_stop(d);
}

/* ---- 12: a line must end in time ---------------------------------- */

Test(hostile, trickled_line_times_out)
{
	struct hx_daemon	*d;
	struct hx_conn		*ana, *ben;
	json_t			*r;
	const char		*start = "{\"id\":1,\"op\":\"ping\"}\n{\"op\":";
	int			 i;

	hx_clock_start();
	d = hx_start("idle_timeout = 4\nline_timeout = 3");
	ana = hx_user(d, "refugee-action", "member", "ana");
	ben = hx_user(d, "refugee-action", "member", "ben");
	/* The reply to the ping says the partial line after it arrived. */
	cr_assert_eq(hx_send_raw(ana, start, strlen(start)), 0);
	hx_assert_ok(hx_reply_int(ana, 1));
	/* A byte a second: never idle, never a line. */
	for (i = 0; i < 3 && !hx_is_closed(ana); i++) {
		hx_clock_advance(1000);
		hx_ok(ben, "ping", NULL);	/* ben keeps talking */
		if (hx_send_raw(ana, "x", 1) != 0)
			break;
	}
	cr_assert(hx_wait_closed(ana, hx_ms(HX_WAIT_MS)), "a line trickled "
	    "a byte a second was still open %d s after its first byte "
	    "(idle_timeout 4, line_timeout 3)", i);
	cr_assert_str_eq(bye_reason(ana), "line timeout", "closed, but for "
	    "\"%s\"", bye_reason(ana));
	r = hx_reply(ana, json_null());
	hx_assert_err(r, "line_timeout");
	cr_assert(strstr(hx_str(json_object_get(r, "error"), "message"),
	    "3 seconds") != NULL, "%s", hx_dump(r));
	hx_ok(ben, "whoami", NULL);
	hx_stop(d);
}

Test(hostile, slow_lines_are_served)
{
	struct hx_daemon	*d;
	struct hx_conn		*ben;
	const char		*line;
	size_t			 n;
	int			 i;

	hx_clock_start();
	d = hx_start("idle_timeout = 4\nline_timeout = 3");
	ben = hx_user(d, "refugee-action", "member", "ben");
	/* Each line in three pieces a second apart: 2 s each, within the
	 * timeout; five of them, 10 s in all, past it and past twice the
	 * idle timeout. */
	for (i = 0; i < 5; i++) {
		line = hx_strf("{\"id\":%d,\"op\":\"whoami\"}\n", 100 + i);
		n = strlen(line);
		cr_assert_eq(hx_send_raw(ben, line, n / 3), 0);
		hx_clock_advance(1000);
		cr_assert_eq(hx_send_raw(ben, line + n / 3, n / 3), 0);
		hx_clock_advance(1000);
		cr_assert_eq(hx_send_raw(ben, line + 2 * (n / 3),
		    n - 2 * (n / 3)), 0);
		hx_assert_ok(hx_reply_int(ben, 100 + i));
	}
	cr_assert(!hx_is_closed(ben));
	hx_ok(ben, "ping", NULL);
	hx_stop(d);
}
