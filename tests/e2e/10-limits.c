/*
 * 10-limits.c: every abuse limit (PROTOCOL.md "Limits on a
 * connection", and `login` for the failed-login throttle), each set
 * small in the configuration and crossed on purpose.
 *
 * A connection over a connection limit is closed before TLS, so the
 * client sees its handshake fail; hx_try_connect reports that instead
 * of failing the test, and the daemon's "refusing 127.0.0.1:PORT: WHY"
 * line for our own local port says it was refused for the limit under
 * test and not for another. A slot freed by a close is free once the
 * daemon has logged the close: tests wait for that line, not for time.
 *
 * Rates and the login throttle run on the daemon's test clock
 * (hx_clock_start): it stands still while a test sends, and moves only
 * when the test says, so "five pass and the sixth is refused" and "a
 * try 999 ms after the failure still waits" hold on any machine, at
 * any load, to the millisecond.
 *
 * login_timeout and idle_timeout are in 01-hello-auth; the floods,
 * silent sockets and trickled lines are in 12-hostile.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "harness.h"
#include "hx-ops.h"

TestSuite(limits, .timeout = HX_TEST_TIMEOUT);

#define CH	"peer/limits"

/* A connection that must be accepted (TLS, hello). */
static struct hx_conn *
accepted(struct hx_daemon *d, const char *what)
{
	struct hx_try	 t;
	struct hx_conn	*c = hx_try_connect(d, NULL, &t);

	cr_assert_not_null(c, "%s: refused (%s); log:\n%s", what, t.why,
	    hx_log(d, NULL));
	return c;
}

/* A connection that must be refused before TLS, for reason (the end of
 * the daemon's "refusing" line). */
static void
refused(struct hx_daemon *d, const char *reason, const char *what)
{
	struct hx_try	 t;
	struct hx_conn	*c = hx_try_connect(d, NULL, &t);
	const char	*line;

	cr_assert_null(c, "%s: the connection was accepted (hello %s)", what,
	    c ? hx_dump(hx_hello(c)) : "");
	cr_assert(!t.handshake, "%s: the TLS handshake completed before the "
	    "close (%s): a connection over a limit is closed before TLS",
	    what, t.why);
	line = hx_strf("refusing 127.0.0.1:%d: %s", t.port, reason);
	cr_assert(hx_log_wait(d, 0, line, hx_ms(HX_WAIT_MS)),
	    "%s: no \"%s\" in the log (the client saw: %s)", what, line,
	    t.why);
}

/* Close c, and wait until the daemon has logged a close since. */
static void
close_seen(struct hx_daemon *d, struct hx_conn *c, const char *what)
{
	size_t	mark = hx_log_mark(d);

	hx_close(c);
	cr_assert(hx_log_wait(d, mark, ": closed", hx_ms(HX_WAIT_MS)),
	    "%s: the daemon logged no close within %d ms", what,
	    hx_ms(HX_WAIT_MS));
}

/* A full pool of connections not logged in lets a new one in: the
 * oldest waiting makes room, told why (12-hostile: silent sockets). */
Test(limits, max_unauthenticated)
{
	struct hx_daemon	*d = hx_start("max_unauthenticated = 3");
	struct hx_conn		*admin, *u[6];
	json_t			*res, *bye;
	int			 i;

	admin = hx_admin(d);
	hx_close(hx_user(d, "refugee-action", "member", "ana"));
	for (i = 0; i < 3; i++)
		u[i] = accepted(d, hx_strf("unauthenticated %d of 3", i + 1));
	u[3] = accepted(d, "a 4th unauthenticated connection");
	bye = hx_event_named(u[0], "bye", hx_ms(HX_WAIT_MS));
	cr_assert_not_null(bye, "the oldest waiting was not told to go");
	cr_assert(strstr(hx_str(bye, "reason"), "waiting to log in") != NULL,
	    "%s", hx_dump(bye));
	cr_assert(hx_wait_closed(u[0], hx_ms(HX_WAIT_MS)));
	res = hx_ok(admin, "admin.status", NULL);
	cr_assert_eq(hx_int(res, "unauthenticated"), 3, "%s", hx_dump(res));

	/* Logged in, a connection no longer counts, and is never the one
	 * to go: u[1] logs in, u[4] fits, u[5] pushes out u[2]. */
	hx_ok(u[1], "login", "{s:s, s:s}", "user", "ana", "password",
	    HX_PASSWORD);
	u[4] = accepted(d, "a new connection after one of three logged in");
	cr_assert(!hx_is_closed(u[2]) && !hx_is_closed(u[3]));
	u[5] = accepted(d, "one more past the limit");
	cr_assert_not_null(hx_event_named(u[2], "bye", hx_ms(HX_WAIT_MS)),
	    "the oldest waiting (u[2]) was not the one to go");
	res = hx_ok(admin, "admin.status", NULL);
	cr_assert_eq(hx_int(res, "unauthenticated"), 3, "%s", hx_dump(res));

	/* Logged-in ones stay served throughout; the newest waiting too. */
	hx_ok(admin, "ping", NULL);
	hx_ok(u[1], "whoami", NULL);
	for (i = 3; i < 6; i++)
		hx_ok(u[i], "ping", NULL);
	hx_stop(d);
}

Test(limits, max_per_address)
{
	struct hx_daemon	*d = hx_start("max_per_address = 4");
	struct hx_conn		*c[4];
	int			 i;

	for (i = 0; i < 4; i++)
		c[i] = accepted(d, hx_strf("connection %d of 4", i + 1));
	refused(d, "max_per_address reached", "a 5th from 127.0.0.1");
	close_seen(d, c[0], "one of four");
	c[0] = accepted(d, "after one of four closed");
	refused(d, "max_per_address reached", "a 5th from 127.0.0.1 again");
	for (i = 0; i < 4; i++)
		hx_ok(c[i], "ping", NULL);
	hx_stop(d);
}

Test(limits, max_connections)
{
	struct hx_daemon	*d = hx_start("max_connections = 5");
	struct hx_conn		*admin, *c[4];
	int			 i;

	/* Logged in or not, every connection counts. */
	admin = hx_admin(d);
	for (i = 0; i < 4; i++)
		c[i] = accepted(d, hx_strf("connection %d of 5", i + 2));
	refused(d, "max_connections reached", "a 6th connection");
	close_seen(d, c[3], "one of five");
	c[3] = accepted(d, "after one of five closed");
	refused(d, "max_connections reached", "a 6th connection again");
	hx_ok(admin, "ping", NULL);
	hx_stop(d);
}

/* n requests in one write, so the daemon takes them in one read: no
 * time for the bucket to refill in between. The last is a post of
 * body; the others pings. Returns the first id. */
static int64_t
burst(struct hx_conn *c, int n, int64_t first, const char *body)
{
	const char	*lines = "";
	int		 i;

	for (i = 0; i < n - 1; i++)
		lines = hx_strf("%s{\"id\":%lld,\"op\":\"ping\"}\n", lines,
		    (long long)(first + i));
	lines = hx_strf("%s{\"id\":%lld,\"op\":\"post\",\"channel\":\"%s\","
	    "\"title\":\"t\",\"body\":\"%s\"}\n", lines,
	    (long long)(first + n - 1), CH, body);
	cr_assert_eq(hx_send_raw(c, lines, strlen(lines)), 0,
	    "the server closed the connection");
	return first;
}

Test(limits, request_rate)
{
	struct hx_daemon	*d;
	struct hx_conn		*ana, *ben;
	json_t			*r, *all;
	int64_t			 id;
	int			 i;

	hx_clock_start();
	d = hx_start("request_rate = 5\n"
	    "request_burst = 5");
	/* The clock stands still: a second between steps refills every
	 * bucket the setup draws on (the admin's most of all). */
	hx_ok(hx_admin(d), "channel.create", "{s:s}", "channel", CH);
	hx_clock_advance(1000);
	ana = hx_user(d, "refugee-action", "member", "ana");
	hx_clock_advance(1000);
	ben = hx_user(d, "refugee-action", "member", "ben");
	hx_clock_advance(1000);
	hx_ok(ana, "join", "{s:s}", "channel", CH);
	/* A full bucket: 5 tokens take 1 s at 5 a second. */
	hx_clock_advance(1000);

	/* Five pass; the sixth, a post, is refused and not run. */
	id = burst(ana, 6, 1000, "over the rate");
	for (i = 0; i < 5; i++)
		hx_assert_ok(hx_reply_int(ana, id + i));
	r = hx_reply_int(ana, id + 5);
	hx_assert_err(r, "rate_limited");
	cr_assert(strstr(hx_str(json_object_get(r, "error"), "message"),
	    "5 requests a second") != NULL, "the message names the rate: %s",
	    hx_dump(r));
	/* Per account: ben's bucket is his own. */
	hx_ok(ben, "ping", NULL);

	/* No time has passed: not one more. */
	hx_err(ana, "rate_limited", "ping", NULL);
	/* 199 ms refill 0.995 of a token: still none. */
	hx_clock_advance(199);
	hx_err(ana, "rate_limited", "ping", NULL);
	/* A second later the bucket is full again, but no fuller than the
	 * burst: five pass and the sixth is refused. */
	hx_clock_advance(1000);
	id = burst(ana, 6, 2000, "over the rate again");
	for (i = 0; i < 5; i++)
		hx_assert_ok(hx_reply_int(ana, id + i));
	hx_assert_err(hx_reply_int(ana, id + 5), "rate_limited");

	hx_clock_advance(1000);
	hx_post(ana, CH, "within the rate", 0, "within the rate");
	all = hx_read_all(ana, CH, 0);
	cr_assert_eq(json_array_size(all), 1, "a refused post was run: %s",
	    hx_dump(all));
	cr_assert_str_eq(hx_str(json_array_get(all, 0), "body"),
	    "within the rate");
	hx_stop(d);
}

static json_t *
login(struct hx_conn *c, const char *user, const char *password)
{
	return hx_call(c, "login", "{s:s, s:s}", "user", user, "password",
	    password);
}

/* A rate_limited login: the seconds its message says to wait. */
static int
throttled(json_t *r, const char *what)
{
	const char	*msg, *p;
	int		 secs = 0;

	cr_assert(json_object_get(r, "error") != NULL, "%s: let in, not "
	    "throttled: %s", what, hx_dump(r));
	hx_assert_err(r, "rate_limited");
	msg = hx_str(json_object_get(r, "error"), "message");
	for (p = msg; *p != '\0' && (*p < '0' || *p > '9'); p++)
		;
	cr_assert(*p != '\0' && sscanf(p, "%d", &secs) == 1 && secs > 0 &&
	    strstr(p, "second") != NULL, "%s: the message does not say how "
	    "long to wait: %s", what, hx_dump(r));
	return secs;
}

/* n failed logins in a row, on the standing clock. */
static void
fail(struct hx_conn *c, const char *user, int n)
{
	while (n-- > 0)
		hx_assert_err(login(c, user, "not-the-password"),
		    "auth_failed");
}

Test(limits, login_throttle)
{
	struct hx_daemon	*d;
	struct hx_conn		*c, *ben;
	int			 secs;

	hx_clock_start();
	d = hx_start(NULL);
	hx_close(hx_user(d, "refugee-action", "member", "ana"));
	hx_close(hx_user(d, "refugee-action", "member", "ben"));
	c = hx_connect(d);
	fail(c, "ana", 3);
	/* The fourth at once, right password or not, waits. */
	secs = throttled(login(c, "ana", HX_PASSWORD), "4th try at once");
	cr_assert_eq(secs, 1, "after three failures the wait is 1 s, not %d",
	    secs);
	/* Another name is not held up, and the throttle is not a lockout
	 * of the address: ben logs in from the same place meanwhile. */
	ben = hx_connect(d);
	hx_assert_ok(login(ben, "ben", HX_PASSWORD));
	/* A millisecond short of the second, still waiting: a throttled
	 * try is not a failure, but it is no login either. */
	hx_clock_advance(999);
	throttled(login(c, "ana", HX_PASSWORD), "a try 999 ms after");

	/* At the second, the right password is let in. */
	hx_clock_advance(1);
	hx_assert_ok(login(c, "ana", HX_PASSWORD));
	/* ...and a success clears the count: a failure is a failure. */
	c = hx_connect(d);
	fail(c, "ana", 1);
	hx_assert_ok(login(c, "ana", HX_PASSWORD));
	hx_stop(d);
}

Test(limits, login_throttle_doubles)
{
	struct hx_daemon	*d;
	struct hx_conn		*c;
	int			 secs;

	hx_clock_start();
	d = hx_start(NULL);
	hx_close(hx_user(d, "refugee-action", "member", "ana"));
	c = hx_connect(d);
	fail(c, "ana", 3);
	cr_assert_eq(throttled(login(c, "ana", "not-the-password"),
	    "4th try"), 1);
	/* A throttled try is no failure: the wait is still 1 s from the
	 * third. Then each failure doubles it: 2 s, then 4 s. */
	hx_clock_advance(1000);
	fail(c, "ana", 1);
	secs = throttled(login(c, "ana", HX_PASSWORD), "after 4 failures");
	cr_assert_eq(secs, 2, "after four failures the wait is 2 s, not %d",
	    secs);
	hx_clock_advance(1999);
	throttled(login(c, "ana", HX_PASSWORD), "1 ms short of a 2 s wait");
	hx_clock_advance(1);
	fail(c, "ana", 1);
	secs = throttled(login(c, "ana", HX_PASSWORD), "after 5 failures");
	cr_assert_eq(secs, 4, "after five failures the wait is 4 s, not %d",
	    secs);
	hx_stop(d);
}

/*
 * PROTOCOL.md: each further try "must wait 1, 2, 4 ... seconds after
 * the last failure". A throttle counting whole seconds of the wall
 * clock lets a try in as soon as the second changes, which may be a
 * millisecond after the failure. So: the third failure 10 ms before a
 * tick of the (test) clock's seconds, a try 20 ms later, across it;
 * that try is still inside the 1 s wait.
 */
Test(limits, login_throttle_counts_from_the_failure)
{
	struct hx_daemon	*d;
	struct hx_conn		*c;
	int64_t			 t;

	t = hx_clock_start();
	d = hx_start(NULL);
	hx_close(hx_user(d, "refugee-action", "member", "ana"));
	c = hx_connect(d);
	t = (t / 1000 + 1) * 1000 + 990;
	hx_clock_set(t);
	fail(c, "ana", 3);
	hx_clock_set(t + 20);
	throttled(login(c, "ana", HX_PASSWORD), "a try 20 ms after the third "
	    "failure, across a tick of the clock's seconds");
	hx_clock_set(t + 999);
	throttled(login(c, "ana", HX_PASSWORD), "a try 999 ms after");
	hx_clock_set(t + 1000);
	hx_assert_ok(login(c, "ana", HX_PASSWORD));
	hx_stop(d);
}
