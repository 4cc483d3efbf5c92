/*
 * 44-sessions-cli.c: a session belongs to the server that gave it. The
 * client keeps one session per server in its state directory: naming
 * another server (--server) asks for a login there, and the first
 * server's token is never sent to the second (whose log shows no login
 * at all); logging in there too keeps both sessions, each used with its
 * own server.
 */
#include <string.h>

#include <criterion/criterion.h>

#include "harness.h"
#include "hx-ops.h"

TestSuite(sessionscli, .timeout = HX_TEST_TIMEOUT);

Test(sessionscli, a_token_goes_only_to_its_server)
{
	struct hx_daemon *d1, *d2;
	const char *other, *log;
	struct hx_run r;
	size_t mark, len;

	d1 = hx_start(NULL);
	d2 = hx_start(NULL);
	hx_user(d1, "alder", "member", "ana");
	hx_user(d2, "alder", "member", "ana");
	other = hx_strf("127.0.0.1:%d", hx_port(d2));
	OK(d1, "ana", "login", "--user", "ana");
	OK(d1, "ana", "whoami");

	mark = hx_log_mark(d2);
	r = FAILS(d1, "ana", 1, "--server", other, "whoami");
	HAS(r.err, "not logged in");
	r = FAILS(d1, "ana", 1, "channels", "--server", other);
	HAS(r.err, "not logged in");
	/* d2 was never even asked: no login of any kind in its log. */
	log = hx_log(d2, &len);
	cr_assert(!hx_contains(log + mark, len - mark, "logged in") &&
	    !hx_contains(log + mark, len - mark, "token login"),
	    "a login reached the other server:\n%s", log + mark);

	/* A login there keeps its own session, and d1's stays. */
	OK(d1, "ana", "--server", other, "login", "--user", "ana");
	OK(d1, "ana", "--server", other, "whoami");
	OK(d1, "ana", "whoami");
	mark = hx_log_mark(d2);
	OK(d1, "ana", "logout");
	OK(d1, "ana", "--server", other, "whoami");
	FAILS(d1, "ana", 1, "whoami");
	hx_stop(d1);
	hx_stop(d2);
}

/* --json: an error is a JSON line on stdout, with the same status. */
Test(sessionscli, json_errors_are_json)
{
	struct hx_daemon *d = hx_start(NULL);
	struct hx_run r;
	json_t *e;
	json_error_t err;

	hx_user(d, "alder", "member", "ana");
	r = FAILS(d, "ana", 1, "--json", "whoami");
	e = json_loads(r.out, 0, &err);
	cr_assert(e != NULL, "not JSON: %s", r.out);
	cr_assert_str_eq(hx_str(json_object_get(e, "error"), "code"),
	    "failed");
	HAS(hx_str(json_object_get(e, "error"), "message"), "not logged in");
	json_decref(e);
	OK(d, "ana", "login", "--user", "ana");
	r = FAILS(d, "ana", 1, "read", "peer/nowhere", "--json");
	e = json_loads(r.out, 0, &err);
	cr_assert(e != NULL, "not JSON: %s", r.out);
	cr_assert_str_eq(hx_str(json_object_get(e, "error"), "code"),
	    "not_found", "%s", r.out);
	json_decref(e);
	HAS(r.err, "not_found");
	r = FAILS(d, "ana", 64, "--json", "read");
	e = json_loads(r.out, 0, &err);
	cr_assert(e != NULL, "not JSON: %s", r.out);
	cr_assert_str_eq(hx_str(json_object_get(e, "error"), "code"), "usage");
	json_decref(e);
	/* Without --json, stdout stays empty. */
	r = FAILS(d, "ana", 1, "read", "peer/nowhere");
	cr_assert_str_eq(r.out, "");
	hx_stop(d);
}

/* A bare channel name is one's own organisation's: `join general` is
 * alder/general for a member of alder, in every command that takes a
 * CHANNEL first. */
Test(sessionscli, a_bare_channel_name_is_ones_own)
{
	struct hx_daemon *d = hx_start(NULL);
	struct hx_conn *olu;
	struct hx_run r;

	olu = hx_user(d, "alder", "org-admin", "olu");
	hx_ok(olu, "channel.create", "{s:s}", "channel", "alder/general");
	hx_user(d, "alder", "member", "ana");
	OK(d, "ana", "login", "--user", "ana");
	OK(d, "ana", "join", "general");
	OK(d, "ana", "post", "general", "--title", "Hello", "from the bare name");
	r = OK(d, "ana", "read", "general");
	HAS(r.out, "from the bare name");
	HAS(r.out, "alder/general");
	r = FAILS(d, "ana", 1, "read", "nosuch");
	HAS(r.err, "not_found");
	hx_stop(d);
}

/* Any post of a thread names it: replying to a reply, or reading the
 * thread by a reply's number, is its thread's. */
Test(sessionscli, a_reply_names_its_thread)
{
	struct hx_daemon *d = hx_start(NULL);
	struct hx_conn *fay, *ana;
	int64_t root, reply;
	json_t *r;
	struct hx_run run;

	fay = hx_user(d, "fulcrum", "facilitator", "fay");
	hx_ok(fay, "channel.create", "{s:s}", "channel", "peer/commons");
	ana = hx_user(d, "alder", "member", "ana");
	hx_ok(ana, "join", "{s:s}", "channel", "peer/commons");
	root = hx_post(ana, "peer/commons", "Nights", 0, "the first");
	reply = hx_post(fay, "peer/commons", NULL, root, "the second");
	hx_post(ana, "peer/commons", "Other", 0, "elsewhere");
	r = hx_ok(fay, "post", "{s:s, s:I, s:s}", "channel", "peer/commons",
	    "thread", (json_int_t)reply, "body", "the third");
	cr_assert_eq(hx_int(r, "thread"), root, "%s", hx_dump(r));
	OK(d, "ana", "login", "--user", "ana");
	run = OK(d, "ana", "read", "peer/commons", "--thread",
	    hx_strf("%lld", (long long)reply));
	HAS(run.out, "the first");
	HAS(run.out, "the third");
	HASNT(run.out, "elsewhere");
	hx_err(fay, "not_found", "post", "{s:s, s:I, s:s}", "channel",
	    "peer/commons", "thread", (json_int_t)999999, "body", "x");
	hx_stop(d);
}

/* A slip of the keys is answered with the nearest command; `channel
 * list` is `channels`. */
Test(sessionscli, the_nearest_command_and_aliases)
{
	struct hx_daemon *d = hx_start(NULL);
	struct hx_run r;

	hx_user(d, "alder", "member", "ana");
	OK(d, "ana", "login", "--user", "ana");
	r = FAILS(d, "ana", 64, "chanels");
	HAS(r.err, "no such command: chanels; did you mean `harbour "
	    "channels`?");
	r = FAILS(d, "ana", 64, "org", "creat", "x");
	HAS(r.err, "did you mean `harbour org create`?");
	r = FAILS(d, "ana", 64, "frobnicate");
	HASNT(r.err, "did you mean");
	r = OK(d, "ana", "channel", "list");
	cr_assert_str_eq(r.out, OK(d, "ana", "channels").out);
	hx_stop(d);
}

/* History pages backwards: read --before, with the way to the page
 * before it on stderr while older posts remain. */
Test(sessionscli, read_pages_back)
{
	struct hx_daemon *d = hx_start(NULL);
	struct hx_conn *fay;
	int64_t id[7];
	struct hx_run r;
	int i;

	fay = hx_user(d, "fulcrum", "facilitator", "fay");
	hx_ok(fay, "channel.create", "{s:s}", "channel", "peer/commons");
	for (i = 0; i < 7; i++)
		id[i] = hx_post(fay, "peer/commons", hx_strf("T%d", i), 0,
		    hx_strf("post-number-%d", i));
	hx_user(d, "alder", "member", "ana");
	OK(d, "ana", "login", "--user", "ana");
	r = OK(d, "ana", "read", "peer/commons", "--limit", "3");
	HAS(r.out, "post-number-6");
	HAS(r.out, "post-number-4");
	HASNT(r.out, "post-number-3");
	HAS(r.err, hx_strf("older posts: harbour read peer/commons --before "
	    "%lld", (long long)id[4]));
	r = OK(d, "ana", "read", "peer/commons", "--limit", "3", "--before",
	    hx_strf("%lld", (long long)id[4]));
	HAS(r.out, "post-number-3");
	HAS(r.out, "post-number-1");
	HASNT(r.out, "post-number-4");
	HASNT(r.out, "post-number-0");
	HAS(r.err, hx_strf("--before %lld", (long long)id[1]));
	r = OK(d, "ana", "read", "peer/commons", "--limit", "3", "--before",
	    hx_strf("%lld", (long long)id[1]));
	HAS(r.out, "post-number-0");
	cr_assert_str_eq(r.err, "");
	/* Empty pages say so in words. */
	r = OK(d, "ana", "read", "peer/commons", "--before",
	    hx_strf("%lld", (long long)id[0]));
	HAS(r.out, "no posts further back in peer/commons");
	OK(d, "ana", "join", "peer/commons");
	OK(d, "ana", "read", "peer/commons", "--limit", "10");
	r = OK(d, "ana", "read", "peer/commons", "--unread");
	HAS(r.out, "no unread posts in peer/commons");
	FAILS(d, "ana", 64, "read", "peer/commons", "--since", "1",
	    "--before", "3");
	hx_err(fay, "bad_request", "read", "{s:s, s:I, s:I}", "channel",
	    "peer/commons", "since", (json_int_t)1, "before", (json_int_t)3);
	hx_stop(d);
}

/* Threads page back too, and name who started each. */
Test(sessionscli, threads_page_back)
{
	struct hx_daemon *d = hx_start(NULL);
	struct hx_conn *fay;
	struct hx_run r;
	const char *next;
	int i;

	fay = hx_user(d, "fulcrum", "facilitator", "fay");
	hx_ok(fay, "channel.create", "{s:s}", "channel", "peer/commons");
	for (i = 0; i < 5; i++)
		hx_post(fay, "peer/commons", hx_strf("Thread-%d", i), 0, "x");
	hx_user(d, "alder", "member", "ana");
	OK(d, "ana", "login", "--user", "ana");
	r = OK(d, "ana", "threads", "peer/commons", "--limit", "2");
	HAS(r.out, "Thread-4  by fay");
	HAS(r.out, "Thread-3");
	HASNT(r.out, "Thread-2");
	next = strstr(r.err, "--before ");
	cr_assert(next != NULL, "no hint: %s", r.err);
	next = hx_strf("%.*s", (int)strcspn(next + 9, "\n"), next + 9);
	r = OK(d, "ana", "threads", "peer/commons", "--limit", "2", "--before",
	    next);
	HAS(r.out, "Thread-2");
	HAS(r.out, "Thread-1");
	HASNT(r.out, "Thread-3");
	HASNT(r.out, "Thread-0");
	next = strstr(r.err, "--before ");
	cr_assert(next != NULL, "no hint: %s", r.err);
	next = hx_strf("%.*s", (int)strcspn(next + 9, "\n"), next + 9);
	r = OK(d, "ana", "threads", "peer/commons", "--limit", "2", "--before",
	    next);
	HAS(r.out, "Thread-0");
	cr_assert_str_eq(r.err, "");
	r = OK(d, "ana", "threads", "peer/commons", "--before", "1");
	HAS(r.out, "no threads further back in peer/commons");
	hx_stop(d);
}

/* A facilitator making another organisation's channel is told whose it
 * is to make; an org-admin of another is not told it exists. */
Test(sessionscli, told_who_makes_a_channel)
{
	struct hx_daemon *d = hx_start(NULL);
	struct hx_conn *fay, *olu;
	json_t *r;

	fay = hx_user(d, "fulcrum", "facilitator", "fay");
	olu = hx_user(d, "birch", "org-admin", "olu");
	hx_org(d, "alder");
	r = hx_err(fay, "forbidden", "channel.create", "{s:s}", "channel",
	    "alder/general");
	HAS(hx_str(json_object_get(r, "error"), "message"),
	    "alder's channels are made by its own org-admins");
	hx_err(fay, "not_found", "channel.create", "{s:s}", "channel",
	    "nowhere/general");
	hx_err(olu, "not_found", "channel.create", "{s:s}", "channel",
	    "alder/general");
	hx_stop(d);
}

/* Readable output: times in the reader's zone, "(you)" on one's own
 * posts and "mentions you" where named, in words (no colour on a pipe),
 * and a header too wide for 80 columns broken in two. */
Test(sessionscli, readable_posts)
{
	struct hx_daemon *d;
	struct hx_conn *fay, *ana;
	const char *ch = "peer/wellbeing-programme-commons";
	const char *org = "an-organisation-long-name-here";
	const char *user = "someone-long-login-name-here";
	struct hx_run r;
	int64_t root;

	hx_clock_start_at(1736499600LL * 1000);	/* 2025-01-10 09:00 UTC */
	d = hx_start(NULL);
	fay = hx_user(d, "fulcrum", "facilitator", "fay");
	hx_ok(fay, "channel.create", "{s:s}", "channel", ch);
	ana = hx_user(d, org, "member", user);
	hx_ok(ana, "join", "{s:s}", "channel", ch);
	root = hx_post(fay, ch, "Welcome", 0, hx_strf("hello @%s", user));
	hx_post(ana, ch, "Mine", 0, "my own words");
	hx_post(ana, ch, NULL, root, "thank you");
	OK(d, user, "login", "--user", user);
	hx_cli_setenv("TZ=America/New_York");
	r = OK(d, user, "read", ch);
	hx_cli_setenv(NULL);
	HAS(r.out, "fay (fulcrum) 10 Jan 2025 04:00, mentions you");
	HAS(r.out, hx_strf("\n   %s (%s) (you) 10 Jan 2025 04:00", user, org));
	HASNT(r.out, "\033[");
	r = OK(d, user, "read", ch);
	HAS(r.out, "10 Jan 2025 09:00");
	/* A reply names the thread it answers. */
	HAS(r.out, "  re: Welcome\n  thank you");
	hx_stop(d);
}
