/*
 * 14-views.c: what each reader gets of a post, from the wire, and the
 * defects of the delivery path that the one view of a post closed:
 *
 * - a live post carries the author that was committed, whatever the
 *   author's connection did after sending it (logout, another login);
 * - the writer checks membership in the post's own transaction, so a
 *   post pipelined after a leave is refused;
 * - subscribe names channels the way every operation does, replays only
 *   the channels it names, and has no silent cap on joined channels;
 * - held and hidden posts (set here in the database directly, as the
 *   moderation commands will set them) read as the visibility rule says
 *   in read, threads, sync, the unread counts and subscribe's replay:
 *   the raw lines another member receives never hold a held post's
 *   text, and its author sees it marked as waiting.
 */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>
#include <sqlite3.h>

#include "harness.h"
#include "hx-ops.h"

TestSuite(views, .timeout = HX_TEST_TIMEOUT);

#define CH	"peer/views"
#define QUIET	"peer/quiet"
/* More events than one replay may carry (PROTO_REPLAY_MAX is 1000). */
#define BUSY_POSTS	1100
/* Joined channels past the old silent cap of 1,024. */
#define MANY_CHANNELS	1030

/* Several requests in one write, so the daemon reads them in one pass:
 * whatever the first one's commit does, the others have run by then. */
static void
send_together(struct hx_conn *c, const char *lines)
{
	cr_assert_eq(hx_send_raw(c, lines, strlen(lines)), 0);
}

static json_t *
next_post(struct hx_conn *c)
{
	json_t *ev = hx_event_named(c, "post", hx_ms(HX_WAIT_MS));

	cr_assert_not_null(ev, "no post event");
	return ev;
}

Test(views, live_author_is_the_committed_one)
{
	struct hx_daemon *d = hx_start(NULL);
	struct hx_conn *ana, *bob, *watch, *fac;
	json_t *ev;
	const char *bobtoken, *log;
	size_t len;

	hx_ok(hx_admin(d), "channel.create", "{s:s}", "channel", CH);
	ana = hx_user(d, "refugee-action", "member", "ana");
	bob = hx_user(d, "migrant-help", "member", "bob");
	watch = hx_user(d, "migrant-help", "member", "cy");
	hx_ok(ana, "join", "{s:s}", "channel", CH);
	hx_ok(bob, "join", "{s:s}", "channel", CH);
	hx_ok(watch, "join", "{s:s}", "channel", CH);
	hx_ok(watch, "subscribe", NULL);
	bobtoken = hx_token(bob);

	/* Post, log out, and log in as someone else, all in one go. */
	send_together(ana, hx_strf(
	    "{\"id\":901,\"op\":\"post\",\"channel\":\"" CH "\","
	    "\"title\":\"mine\",\"body\":\"written by ana\"}\n"
	    "{\"id\":902,\"op\":\"logout\"}\n"
	    "{\"id\":903,\"op\":\"login\",\"token\":\"%s\"}\n", bobtoken));
	hx_assert_ok(hx_reply_int(ana, 901));
	hx_assert_ok(hx_reply_int(ana, 902));
	cr_assert_str_eq(hx_str(hx_assert_ok(hx_reply_int(ana, 903)), "user"),
	    "bob");
	ev = next_post(watch);
	cr_assert_str_eq(hx_str(ev, "author"), "ana", "%s", hx_dump(ev));
	cr_assert_str_eq(hx_str(ev, "org"), "refugee-action");

	/* A log line written after a commit names who did it, too. */
	fac = hx_user(d, "wellbeing", "facilitator", "fay");
	send_together(fac, hx_strf(
	    "{\"id\":904,\"op\":\"channel.create\",\"channel\":"
	    "\"peer/fays\"}\n"
	    "{\"id\":905,\"op\":\"logout\"}\n"
	    "{\"id\":906,\"op\":\"login\",\"token\":\"%s\"}\n",
	    hx_token(watch)));
	hx_assert_ok(hx_reply_int(fac, 904));
	hx_assert_ok(hx_reply_int(fac, 906));
	log = hx_log(d, &len);
	cr_assert(hx_contains(log, len, "channel peer/fays created by fay"),
	    "the log names someone else");
	hx_stop(d);
}

Test(views, post_after_leave_is_refused)
{
	struct hx_daemon *d = hx_start(NULL);
	struct hx_conn *ana;
	json_t *posts;
	size_t i;

	hx_ok(hx_admin(d), "channel.create", "{s:s}", "channel", CH);
	ana = hx_user(d, "refugee-action", "member", "ana");
	hx_ok(ana, "join", "{s:s}", "channel", CH);
	/* Before the leave: accepted, in order. */
	send_together(ana,
	    "{\"id\":1,\"op\":\"post\",\"channel\":\"" CH "\","
	    "\"title\":\"before\",\"body\":\"still a member\"}\n"
	    "{\"id\":2,\"op\":\"leave\",\"channel\":\"" CH "\"}\n"
	    "{\"id\":3,\"op\":\"post\",\"channel\":\"" CH "\","
	    "\"title\":\"after\",\"body\":\"not a member any more\"}\n");
	hx_assert_ok(hx_reply_int(ana, 1));
	hx_assert_ok(hx_reply_int(ana, 2));
	hx_assert_err(hx_reply_int(ana, 3), "not_member");
	posts = hx_read_all(hx_admin(d), CH, 0);
	cr_assert_eq(json_array_size(posts), 1, "%s", hx_dump(posts));
	for (i = 0; i < json_array_size(posts); i++)
		cr_assert_str_neq(hx_str(json_array_get(posts, i), "body"),
		    "not a member any more");
	hx_stop(d);
}

Test(views, subscribe_names_like_every_operation)
{
	struct hx_daemon *d = hx_start(NULL);
	struct hx_conn *ana, *bob;
	json_t *res;
	int64_t since, root, last = 0;
	int i;

	hx_ok(hx_admin(d), "channel.create", "{s:s}", "channel", CH);
	hx_ok(hx_admin(d), "channel.create", "{s:s}", "channel", QUIET);
	ana = hx_user(d, "refugee-action", "member", "ana");
	bob = hx_user(d, "migrant-help", "member", "bob");
	hx_ok(ana, "join", "{s:s}", "channel", CH);
	hx_ok(ana, "join", "{s:s}", "channel", QUIET);
	hx_ok(bob, "join", "{s:s}", "channel", CH);
	since = hx_int(hx_ok(ana, "sync", "{s:I}", "since", 0), "last_eid");
	hx_post(ana, QUIET, "quiet", 0, "one post here");
	/* A busy channel it does not name: more than one replay holds. */
	root = hx_post(bob, CH, "busy", 0, "the first of many");
	for (i = 0; i < BUSY_POSTS; i++)
		hx_send_post(bob, CH, root, hx_strf("busy %d", i));
	for (i = 0; i < BUSY_POSTS; i++) {
		json_t *r = hx_any_reply(bob, hx_ms(HX_WAIT_MS));

		cr_assert_not_null(r);
		if (json_object_get(r, "result") != NULL)
			last = hx_int(json_object_get(r, "result"), "eid");
	}
	cr_assert_gt(last, 0);
	res = hx_ok(ana, "subscribe", "{s:[s], s:I}", "channels", QUIET,
	    "since", since);
	cr_assert_str_eq(hx_str(next_post(ana), "body"), "one post here");
	/* Naming nothing, the busy channel is too far behind. */
	hx_err(ana, "too_far_behind", "subscribe", "{s:I}", "since", since);
	/* A malformed name is bad_name, as everywhere else. */
	hx_err(ana, "bad_name", "subscribe", "{s:[s]}", "channels", "No Such");
	hx_err(ana, "not_found", "subscribe", "{s:[s]}", "channels",
	    "peer/none");
	(void)res;
	hx_stop(d);
}

Test(views, subscribe_has_no_silent_cap)
{
	struct hx_daemon *d = hx_start(NULL);
	struct hx_conn *ana, *adm = hx_admin(d);
	json_t *res, *names;
	const char *lastch = NULL;
	int i, n = 0;

	ana = hx_user(d, "refugee-action", "member", "ana");
	for (i = 0; i < MANY_CHANNELS; i++)
		hx_send(adm, json_pack("{s:s, s:s}", "op", "channel.create",
		    "channel", hx_strf("peer/c%04d", i)));
	for (i = 0; i < MANY_CHANNELS; i++)
		hx_assert_ok(hx_any_reply(adm, hx_ms(HX_WAIT_MS)));
	for (i = 0; i < MANY_CHANNELS; i++)
		hx_send(ana, json_pack("{s:s, s:s}", "op", "join", "channel",
		    hx_strf("peer/c%04d", i)));
	for (i = 0; i < MANY_CHANNELS; i++)
		hx_assert_ok(hx_any_reply(ana, hx_ms(HX_WAIT_MS)));
	res = hx_ok(ana, "subscribe", NULL);
	n = (int)json_array_size(json_object_get(res, "channels"));
	cr_assert_eq(n, MANY_CHANNELS, "subscribed to %d", n);
	/* The last channel by name is live too. */
	lastch = hx_strf("peer/c%04d", MANY_CHANNELS - 1);
	hx_ok(adm, "join", "{s:s}", "channel", lastch);
	hx_post(adm, lastch, "late", 0, "still heard");
	cr_assert_str_eq(hx_str(next_post(ana), "body"), "still heard");
	/* Naming more than a request may name says so. */
	names = json_array();
	for (i = 0; i < MANY_CHANNELS; i++)
		json_array_append_new(names, json_string(hx_strf("peer/c%04d",
		    i)));
	hx_err(ana, "too_large", "subscribe", "{s:o}", "channels", names);
	hx_stop(d);
}

/* Ids of the events in a page, and whether its raw line holds text. */
static int
page_has(json_t *events, int64_t post)
{
	size_t i;

	for (i = 0; i < json_array_size(events); i++)
		if (hx_int(json_array_get(events, i), "post") == post)
			return 1;
	return 0;
}

static json_t *
page_get(json_t *events, int64_t post)
{
	size_t i;

	for (i = 0; i < json_array_size(events); i++)
		if (hx_int(json_array_get(events, i), "post") == post)
			return json_array_get(events, i);
	return NULL;
}

/* Two members of different organisations and a facilitator, in CH. */
static void
three_readers(struct hx_daemon *d, struct hx_conn **ana, struct hx_conn **bob,
    struct hx_conn **fac)
{
	hx_ok(hx_admin(d), "channel.create", "{s:s}", "channel", CH);
	*ana = hx_user(d, "refugee-action", "member", "ana");
	*bob = hx_user(d, "migrant-help", "member", "bob");
	*fac = hx_user(d, "wellbeing", "facilitator", "fay");
	hx_ok(*ana, "join", "{s:s}", "channel", CH);
	hx_ok(*bob, "join", "{s:s}", "channel", CH);
	hx_ok(*fac, "join", "{s:s}", "channel", CH);
}

Test(views, held_and_hidden_posts_by_reader)
{
	struct hx_daemon *d = hx_start(NULL);
	struct hx_conn *ana, *bob, *fac, *late;
	json_t *r, *t, *ev, *chans;
	const char *raw;
	int64_t root, shown, held, hidden, since, id;
	size_t i;

	three_readers(d, &ana, &bob, &fac);
	since = hx_int(hx_ok(bob, "sync", "{s:I}", "since", 0), "last_eid");
	root = hx_post(bob, CH, "Evenings", 0, "how do you switch off?");
	shown = hx_post(ana, CH, NULL, root, "a walk");
	held = hx_post(ana, CH, NULL, root, "SECRET-HELD-TEXT");
	hidden = hx_post(ana, CH, NULL, root, "SECRET-HIDDEN-TEXT");
	hx_db_exec(d, hx_strf("UPDATE posts SET state = 1 WHERE id = %lld;"
	    "UPDATE posts SET state = 2, hidden_reason = 'personal details'"
	    " WHERE id = %lld", (long long)held, (long long)hidden));

	/* Another member: no held post anywhere, the hidden one bare. */
	r = hx_ok(bob, "read", "{s:s}", "channel", CH);
	cr_assert(!page_has(json_object_get(r, "events"), held));
	ev = page_get(json_object_get(r, "events"), hidden);
	cr_assert_not_null(ev);
	cr_assert_str_eq(hx_str(ev, "state"), "hidden");
	cr_assert_null(json_object_get(ev, "body"));
	cr_assert_null(json_object_get(ev, "reason"));
	r = hx_call(bob, "sync", "{s:I}", "since", since);
	raw = hx_raw(bob, r);
	cr_assert(strstr(raw, "SECRET-HELD-TEXT") == NULL, "%s", raw);
	cr_assert(strstr(raw, "SECRET-HIDDEN-TEXT") == NULL, "%s", raw);
	cr_assert(!page_has(json_object_get(hx_assert_ok(r), "events"), held));
	r = hx_call(bob, "threads", "{s:s}", "channel", CH);
	t = json_array_get(json_object_get(hx_assert_ok(r), "threads"), 0);
	cr_assert_eq(hx_int(t, "replies"), 2, "%s", hx_dump(t));
	cr_assert_eq(hx_int(t, "last_eid"), hidden);
	chans = json_object_get(hx_ok(bob, "channel.list", NULL), "channels");
	for (i = 0; i < json_array_size(chans); i++)
		if (strcmp(hx_str(json_array_get(chans, i), "channel"), CH) == 0)
			cr_assert_eq(hx_int(json_array_get(chans, i),
			    "last_eid"), hidden);
	hx_err(bob, "not_found", "read", "{s:s, s:I}", "channel", CH,
	    "thread", held);

	/* The same member's replay on subscribe. */
	late = hx_login(d, "bob");
	hx_ok(late, "subscribe", "{s:I}", "since", since);
	for (i = 0; i < 3; i++) {
		ev = next_post(late);
		id = hx_int(ev, "post");
		cr_assert_neq(id, held, "a held post replayed");
		if (id == hidden)
			cr_assert_null(json_object_get(ev, "body"));
	}
	hx_post(bob, CH, NULL, root, "fence");
	cr_assert_str_eq(hx_str(next_post(late), "body"), "fence");

	/* Its author sees it waiting; a facilitator sees all, with why. */
	r = hx_ok(ana, "read", "{s:s}", "channel", CH);
	ev = page_get(json_object_get(r, "events"), held);
	cr_assert_not_null(ev);
	cr_assert_str_eq(hx_str(ev, "state"), "held");
	cr_assert_str_eq(hx_str(ev, "body"), "SECRET-HELD-TEXT");
	r = hx_ok(fac, "read", "{s:s}", "channel", CH);
	ev = page_get(json_object_get(r, "events"), hidden);
	cr_assert_str_eq(hx_str(ev, "body"), "SECRET-HIDDEN-TEXT");
	cr_assert_str_eq(hx_str(ev, "reason"), "personal details");
	cr_assert(page_has(json_object_get(r, "events"), held));
	(void)shown;
	hx_stop(d);
}

Test(views, anonymous_posts_name_nobody)
{
	struct hx_daemon *d = hx_start(NULL);
	struct hx_conn *ana, *bob, *fac;
	const char *raws[3];
	json_t *r;
	int64_t root, anon;
	int i;

	three_readers(d, &ana, &bob, &fac);
	root = hx_post(bob, CH, "Hard week", 0, "anyone else?");
	anon = hx_post(ana, CH, NULL, root, "ANON-BODY");
	hx_db_exec(d, hx_strf("UPDATE posts SET anonymous = 1 WHERE id = %lld",
	    (long long)anon));
	raws[0] = hx_raw(bob, hx_call(bob, "read", "{s:s, s:I}", "channel",
	    CH, "since", root));
	raws[1] = hx_raw(fac, hx_call(fac, "read", "{s:s, s:I}", "channel",
	    CH, "since", root));
	raws[2] = hx_raw(ana, hx_call(ana, "read", "{s:s, s:I}", "channel",
	    CH, "since", root));
	for (i = 0; i < 3; i++) {
		cr_assert(strstr(raws[i], "ANON-BODY") != NULL, "%s", raws[i]);
		cr_assert(strstr(raws[i], "\"ana\"") == NULL, "%s", raws[i]);
		cr_assert(strstr(raws[i], "refugee-action") == NULL, "%s",
		    raws[i]);
		cr_assert(strstr(raws[i], "\"anon\":true") != NULL, "%s",
		    raws[i]);
	}
	r = hx_ok(bob, "threads", "{s:s}", "channel", CH);
	(void)r;
	hx_stop(d);
}
