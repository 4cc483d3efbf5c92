/*
 * 32-unread.c: unread counts that mean what people think. What was
 * shown to someone is read, and nothing else; their own posts are never
 * unread; read, sync, the live views (subscribe + mark, as tail and chat
 * send it) and the counts of channel.list and threads agree. One test a
 * case of issue 14, over the wire, then the same through the CLI.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "harness.h"
#include "proto.h"

TestSuite(unread, .timeout = HX_TEST_TIMEOUT);

#define CH	"peer/unread"

/* fay (a facilitator) made CH; ana and bob, members, joined it. */
static struct hx_daemon *
setup(struct hx_conn **fay, struct hx_conn **bob)
{
	struct hx_daemon	*d = hx_start(NULL);
	struct hx_conn		*ana;

	*fay = hx_user(d, "wellbeing", "facilitator", "fay");
	ana = hx_user(d, "refugee-action", "member", "ana");
	*bob = hx_user(d, "refugee-action", "member", "bob");
	hx_ok(*fay, "channel.create", "{s:s}", "channel", CH);
	hx_ok(*fay, "join", "{s:s}", "channel", CH);
	hx_ok(ana, "join", "{s:s}", "channel", CH);
	hx_ok(*bob, "join", "{s:s}", "channel", CH);
	hx_close(ana);
	return (d);
}

/* CH's unread count in c's channel.list. */
static int64_t
unread(struct hx_conn *c)
{
	json_t	*res, *ch;
	size_t	 i;

	res = hx_ok(c, "channel.list", "{}");
	json_array_foreach(json_object_get(res, "channels"), i, ch) {
		if (strcmp(hx_str(ch, "channel"), CH) == 0)
			return (hx_int(ch, "unread"));
	}
	cr_assert_fail("%s not in %s", CH, hx_dump(res));
	return (-1);
}

/* Thread t's unread count in c's threads of CH. */
static int64_t
thread_unread(struct hx_conn *c, int64_t t)
{
	json_t	*res, *th;
	size_t	 i;

	res = hx_ok(c, "threads", "{s:s}", "channel", CH);
	json_array_foreach(json_object_get(res, "threads"), i, th) {
		if (hx_int(th, "thread") == t)
			return (hx_int(th, "unread"));
	}
	cr_assert_fail("thread %lld not in %s", (long long)t, hx_dump(res));
	return (-1);
}

/* A thread by c and n - 1 replies: n posts; the thread's id. */
static int64_t
posts(struct hx_conn *c, const char *title, int n)
{
	int64_t	t;
	int	i;

	t = hx_post(c, CH, title, 0, "first");
	for (i = 1; i < n; i++)
		hx_post(c, CH, NULL, t, hx_strf("%s reply %d", title, i));
	return (t);
}

static size_t
nevents(json_t *res)
{
	return (json_array_size(json_object_get(res, "events")));
}

Test(unread, read_limit_one_marks_only_the_post_shown)
{
	struct hx_conn		*fay, *bob;
	struct hx_daemon	*d = setup(&fay, &bob);
	json_t			*res;

	posts(fay, "nine", 9);
	cr_assert_eq(unread(bob), 9);
	res = hx_ok(bob, "read", "{s:s, s:i}", "channel", CH, "limit", 1);
	cr_assert_eq(nevents(res), 1);
	cr_assert_eq(unread(bob), 8);
	/* The eight left are what --unread shows, oldest first; then
	 * they are read too. */
	res = hx_ok(bob, "read", "{s:s, s:b}", "channel", CH, "unread", 1);
	cr_assert_eq(nevents(res), 8);
	cr_assert_str_eq(hx_str(json_array_get(json_object_get(res,
	    "events"), 0), "body"), "first");
	cr_assert_eq(unread(bob), 0);
	res = hx_ok(bob, "read", "{s:s, s:b}", "channel", CH, "unread", 1);
	cr_assert_eq(nevents(res), 0);
	hx_stop(d);
}

Test(unread, read_thread_leaves_other_threads_unread)
{
	struct hx_conn		*fay, *bob;
	struct hx_daemon	*d = setup(&fay, &bob);
	int64_t			 t1, t2;

	t1 = posts(fay, "one", 3);
	t2 = posts(fay, "two", 3);
	hx_post(fay, CH, NULL, t1, "one, late");
	cr_assert_eq(thread_unread(bob, t1), 4);
	cr_assert_eq(thread_unread(bob, t2), 3);
	hx_ok(bob, "read", "{s:s, s:I}", "channel", CH, "thread",
	    (json_int_t)t1);
	cr_assert_eq(thread_unread(bob, t1), 0);
	cr_assert_eq(thread_unread(bob, t2), 3);
	cr_assert_eq(unread(bob), 3);
	hx_stop(d);
}

Test(unread, own_posts_are_never_unread)
{
	struct hx_conn		*fay, *bob;
	struct hx_daemon	*d = setup(&fay, &bob);
	int64_t			 t;

	t = posts(bob, "mine", 3);
	cr_assert_eq(unread(bob), 0);
	cr_assert_eq(thread_unread(bob, t), 0);
	cr_assert_eq(thread_unread(fay, t), 3);
	hx_post(fay, CH, NULL, t, "an answer");
	cr_assert_eq(unread(bob), 1);
	cr_assert_eq(thread_unread(bob, t), 1);
	hx_stop(d);
}

Test(unread, a_post_seen_live_and_marked_is_read)
{
	struct hx_conn		*fay, *bob;
	struct hx_daemon	*d = setup(&fay, &bob);
	json_t			*res, *ev;
	int64_t			 t, since;

	t = posts(fay, "live", 1);
	hx_ok(bob, "read", "{s:s}", "channel", CH);
	since = hx_int(hx_ok(bob, "sync", "{s:i}", "since", 0), "last_eid");
	hx_ok(bob, "subscribe", "{s:[s]}", "channels", CH);
	hx_post(fay, CH, NULL, t, "said live");
	ev = hx_event_named(bob, "post", hx_ms(HX_WAIT_MS));
	cr_assert_not_null(ev);
	cr_assert_eq(unread(bob), 1);
	res = hx_ok(bob, "mark", "{s:s, s:[I]}", "channel", CH, "posts",
	    (json_int_t)hx_int(ev, "post"));
	cr_assert_eq(hx_int(res, "marked"), 1);
	cr_assert_eq(unread(bob), 0);
	/* sync, asked for what was not shown, does not print it again. */
	res = hx_ok(bob, "sync", "{s:I, s:b}", "since", (json_int_t)since,
	    "unseen", 1);
	cr_assert_eq(nevents(res), 0, "%s", hx_dump(res));
	hx_stop(d);
}

Test(unread, sync_marks_what_it_returned)
{
	struct hx_conn		*fay, *bob;
	struct hx_daemon	*d = setup(&fay, &bob);

	posts(fay, "synced", 5);
	cr_assert_eq(unread(bob), 5);
	hx_ok(bob, "sync", "{s:i}", "since", 0);
	cr_assert_eq(unread(bob), 0);
	/* mark: false leaves it to the client (tail catching up). */
	posts(fay, "later", 2);
	hx_ok(bob, "sync", "{s:i, s:b}", "since", 0, "mark", 0);
	cr_assert_eq(unread(bob), 2);
	hx_stop(d);
}

Test(unread, mark_bad_input)
{
	struct hx_conn		*fay, *bob, *cy;
	struct hx_daemon	*d = setup(&fay, &bob);
	int64_t			 t, other;
	json_t			*many;
	int			 i;

	t = posts(fay, "marks", 1);
	hx_ok(fay, "channel.create", "{s:s}", "channel", "peer/other");
	hx_ok(fay, "join", "{s:s}", "channel", "peer/other");
	other = hx_post(fay, "peer/other", "elsewhere", 0, "x");
	hx_err(bob, "bad_request", "mark", "{s:s}", "channel", CH);
	hx_err(bob, "bad_request", "mark", "{s:s, s:[]}", "channel", CH,
	    "posts");
	hx_err(bob, "bad_request", "mark", "{s:s, s:s}", "channel", CH,
	    "posts", "1");
	hx_err(bob, "bad_request", "mark", "{s:s, s:[s]}", "channel", CH,
	    "posts", "1");
	hx_err(bob, "bad_request", "mark", "{s:s, s:[i]}", "channel", CH,
	    "posts", 0);
	hx_err(bob, "not_found", "mark", "{s:s, s:[I]}", "channel", CH,
	    "posts", (json_int_t)other);
	hx_err(bob, "not_found", "mark", "{s:s, s:[I]}", "channel", CH,
	    "posts", (json_int_t)(t + 1000));
	hx_err(bob, "not_member", "mark", "{s:s, s:[I]}", "channel",
	    "peer/other", "posts", (json_int_t)other);
	hx_err(bob, "bad_request", "read", "{s:s, s:b, s:i}", "channel", CH,
	    "unread", 1, "since", 0);
	hx_err(bob, "bad_request", "read", "{s:s, s:i}", "channel", CH,
	    "unread", 1);
	cy = hx_user(d, "arc", "member", "cy");
	hx_err(cy, "not_member", "read", "{s:s, s:b}", "channel", CH,
	    "unread", 1);
	many = json_array();
	for (i = 0; i <= PROTO_MARK_MAX; i++)
		json_array_append_new(many, json_integer(t));
	hx_err(bob, "too_large", "mark", "{s:s, s:o}", "channel", CH,
	    "posts", many);
	/* A post twice is one post. */
	hx_ok(bob, "mark", "{s:s, s:[I, I]}", "channel", CH, "posts",
	    (json_int_t)t, (json_int_t)t);
	cr_assert_eq(unread(bob), 0);
	hx_stop(d);
}

/* The same cases as people type them. */
Test(unread, cli)
{
	struct hx_conn		*fay, *bob;
	struct hx_daemon	*d = setup(&fay, &bob);
	struct hx_run		 r;
	struct hx_cli		*tail;
	const char		*shown;
	int64_t			 t, t2;
	int			 i;

	OK(d, "bob", "login", "--user", "bob");
	t = posts(fay, "cli", 9);
	r = OK(d, "bob", "read", CH, "--limit", "1");
	HAS(r.out, "cli reply 8");
	r = OK(d, "bob", "channels");
	HAS(r.out, "8 unread");
	r = OK(d, "bob", "threads", CH);
	HAS(r.out, "8 unread");
	r = OK(d, "bob", "read", CH, "--unread");
	HAS(r.out, "cli reply 1");
	HASNT(r.out, "cli reply 8");
	r = OK(d, "bob", "channels");
	HAS(r.out, hx_strf("%s  peer  joined  0 unread", CH));
	FAILS(d, "bob", 64, "read", CH, "--unread", "--since", "1");

	/* --thread marks its thread only; own posts never count. */
	t2 = posts(fay, "other", 2);
	hx_post(fay, CH, NULL, t, "cli late");
	OK(d, "bob", "post", CH, "--thread", hx_strf("%lld", (long long)t),
	    "my own");
	OK(d, "bob", "read", CH, "--thread", hx_strf("%lld", (long long)t));
	r = OK(d, "bob", "channels");
	HAS(r.out, "2 unread");
	cr_assert_eq(thread_unread(bob, t2), 2);

	/* sync prints the rest and leaves nothing unread; then nothing
	 * is printed twice. */
	r = OK(d, "bob", "sync");
	HAS(r.out, "other reply 1");
	r = OK(d, "bob", "channels");
	HAS(r.out, hx_strf("%s  peer  joined  0 unread", CH));

	/* A post seen in tail is read, and sync does not print it. */
	tail = HX_CLI_START(d, "bob", HX_PASSWORD, NULL, "tail", CH,
	    "--count", "1", "--timeout", "30");
	for (i = 0; i < 100 && !hx_cli_done(tail); i++) {
		if (i % 10 == 0)
			hx_post(fay, CH, NULL, t, hx_strf("tailed %d", i));
		usleep(50 * 1000);
	}
	r = hx_cli_wait(tail, 2 * hx_ms(HX_WAIT_MS));
	cr_assert_eq(r.status, 0, "tail: %s %s", r.out, r.err);
	HAS(r.out, "tailed");
	/* Every post but the one shown stays unread (some came before
	 * the tail subscribed); sync prints those, not the one shown. */
	cr_assert_eq(unread(bob), (i + 9) / 10 - 1);
	shown = strstr(r.out, "tailed ");
	cr_assert_not_null(shown);
	shown = hx_strf("%.*s", (int)strcspn(shown, "\n"), shown);
	r = OK(d, "bob", "sync");
	HASNT(r.out, shown);
	r = OK(d, "bob", "channels");
	HAS(r.out, hx_strf("%s  peer  joined  0 unread", CH));
	hx_stop(d);
}
