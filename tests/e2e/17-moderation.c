/*
 * 17-moderation.c: moderation over the wire. Held posts in a
 * pre-moderated channel, approve and reject; hide, unhide, edit and
 * delete reaching a live subscriber and an offline reader's sync as new
 * events, never with the old text; anonymous posts, read from the frames
 * members and moderators receive; content notes; lock and pin; mutes
 * that end by themselves (the test clock), bans, slow mode and
 * announcement channels; unmask in the log; and each denial with its
 * code, a post you may not see answering exactly as one that does not
 * exist.
 */
#include <string.h>

#include <criterion/criterion.h>

#include "harness.h"
#include "hx-ops.h"

TestSuite(mod, .timeout = HX_TEST_TIMEOUT);

#define CH	"peer/commons"

struct cast {
	struct hx_daemon	*d;
	struct hx_conn		*fac;	/* facilitator: moderates CH */
	struct hx_conn		*ana;	/* member, refugee-action */
	struct hx_conn		*cy;	/* member, migrant-help: a reader */
};

static void
cast_start(struct cast *k, const char *conf)
{
	k->d = hx_start(conf);
	k->fac = hx_user(k->d, "wellbeing", "facilitator", "fac");
	hx_ok(k->fac, "channel.create", "{s:s}", "channel", CH);
	k->ana = hx_user(k->d, "refugee-action", "member", "ana");
	k->cy = hx_user(k->d, "migrant-help", "member", "cy");
	hx_ok(k->ana, "join", "{s:s}", "channel", CH);
	hx_ok(k->cy, "join", "{s:s}", "channel", CH);
}

static json_t *
next_post(struct hx_conn *c)
{
	json_t *ev = hx_event_named(c, "post", hx_ms(HX_WAIT_MS));

	cr_assert_not_null(ev, "no post event");
	return ev;
}

/* No post event arrives within a short wait (a ping's round trip
 * first, so anything sent before it has arrived). */
static void
no_post(struct hx_conn *c)
{
	hx_ok(c, "ping", NULL);
	while (hx_events_queued(c) > 0) {
		json_t *ev = hx_event(c, 0);

		cr_assert(strcmp(hx_str(ev, "ev"), "post") != 0,
		    "unexpected %s", hx_dump(ev));
	}
}

static int64_t
unread(struct hx_conn *c, const char *channel)
{
	json_t *list = json_object_get(hx_ok(c, "channel.list", NULL),
	    "channels"), *e;
	size_t i;

	json_array_foreach(list, i, e)
		if (strcmp(hx_str(e, "channel"), channel) == 0)
			return hx_int(e, "unread");
	cr_assert_fail("%s not listed", channel);
	return -1;
}

static int
dump_has(json_t *v, const char *needle)
{
	return strstr(hx_dump(v), needle) != NULL;
}

Test(mod, held_post_seen_by_no_one_until_approved)
{
	struct cast k;
	json_t *r, *ev, *all;
	int64_t post, root, before;

	cast_start(&k, NULL);
	root = hx_post(k.fac, CH, "Check-in", 0, "How is everyone?");
	hx_ok(k.cy, "read", "{s:s}", "channel", CH);	/* all read */
	hx_ok(k.cy, "subscribe", NULL);
	hx_ok(k.fac, "subscribe", NULL);
	r = hx_ok(k.fac, "channel.set", "{s:s, s:s}", "channel", CH,
	    "moderation", "pre");
	cr_expect_str_eq(hx_str(r, "moderation"), "pre");
	before = hx_int(json_array_get(json_object_get(hx_ok(k.cy, "threads",
	    "{s:s}", "channel", CH), "threads"), 0), "last_eid");

	r = hx_ok(k.ana, "post", "{s:s, s:I, s:s}", "channel", CH, "thread",
	    root, "body", "a secret-held-text");
	cr_expect_str_eq(hx_str(r, "state"), "held");
	post = hx_int(r, "post");

	/* The moderator hears of it, marked held; the reader does not. */
	ev = next_post(k.fac);
	cr_expect_str_eq(hx_str(ev, "state"), "held");
	cr_expect_str_eq(hx_str(ev, "body"), "a secret-held-text");
	no_post(k.cy);
	cr_expect(!dump_has(hx_ok(k.cy, "read", "{s:s}", "channel", CH),
	    "secret-held"));
	cr_expect(!dump_has(hx_ok(k.cy, "sync", "{s:I}", "since", 0),
	    "secret-held"));
	r = json_array_get(json_object_get(hx_ok(k.cy, "threads", "{s:s}",
	    "channel", CH), "threads"), 0);
	cr_expect_eq(hx_int(r, "replies"), 0);
	cr_expect_eq(hx_int(r, "last_eid"), before);
	cr_expect_eq(unread(k.cy, CH), 0);
	/* Its author sees it waiting. */
	all = hx_read_all(k.ana, CH, 0);
	cr_expect(dump_has(all, "\"state\":\"held\""), "%s", hx_dump(all));

	/* A member may not approve; for a reader it does not exist. */
	r = hx_err(k.cy, "not_found", "mod.approve", "{s:I}", "post", post);
	cr_expect_str_eq(hx_str(json_object_get(r, "error"), "message"),
	    hx_str(json_object_get(hx_err(k.cy, "not_found", "mod.approve",
	    "{s:I}", "post", post + 1000), "error"), "message"));
	hx_err(k.cy, "forbidden", "mod.approve", "{s:I}", "post", root);

	hx_ok(k.fac, "mod.approve", "{s:I}", "post", post);
	ev = next_post(k.cy);
	cr_expect_eq(hx_int(ev, "post"), post);
	cr_expect_str_eq(hx_str(ev, "body"), "a secret-held-text");
	cr_expect_null(json_object_get(ev, "state"));
	no_post(k.cy);			/* once */
	cr_expect_eq(unread(k.cy, CH), 1);
	all = hx_sync_all(k.cy, 0);
	cr_expect_eq(json_array_size(all), 2, "%s", hx_dump(all));
	r = json_array_get(json_object_get(hx_ok(k.cy, "threads", "{s:s}",
	    "channel", CH), "threads"), 0);
	cr_expect_eq(hx_int(r, "replies"), 1);
	hx_ok(k.cy, "read", "{s:s}", "channel", CH);
	cr_expect_eq(unread(k.cy, CH), 0);
	hx_err(k.fac, "bad_state", "mod.approve", "{s:I}", "post", post);
	hx_stop(k.d);
}

Test(mod, reject_tells_the_author_alone)
{
	struct cast k;
	json_t *ev;
	int64_t post;

	cast_start(&k, NULL);
	hx_ok(k.fac, "channel.set", "{s:s, s:s}", "channel", CH,
	    "moderation", "pre");
	hx_ok(k.ana, "subscribe", NULL);
	hx_ok(k.cy, "subscribe", NULL);
	post = hx_int(hx_ok(k.ana, "post", "{s:s, s:s, s:s}", "channel", CH,
	    "title", "Names", "body", "full-name-of-a-client"), "post");
	next_post(k.ana);
	hx_err(k.fac, "bad_request", "mod.reject", "{s:I}", "post", post);
	hx_err(k.fac, "bad_text", "mod.reject", "{s:I, s:s}", "post", post,
	    "reason", "");
	hx_ok(k.fac, "mod.reject", "{s:I, s:s}", "post", post, "reason",
	    "no client names, please");
	ev = next_post(k.ana);
	cr_expect_str_eq(hx_str(ev, "state"), "rejected");
	cr_expect_str_eq(hx_str(ev, "reason"), "no client names, please");
	no_post(k.cy);
	cr_expect(!dump_has(hx_sync_all(k.cy, 0), "full-name"));
	cr_expect_eq(json_array_size(json_object_get(hx_ok(k.cy, "threads",
	    "{s:s}", "channel", CH), "threads")), 0);
	hx_stop(k.d);
}

Test(mod, hide_edit_delete_reach_live_and_offline_readers)
{
	struct cast k;
	struct hx_conn *dan;
	json_t *ev, *all, *r;
	int64_t root, reply, last;

	cast_start(&k, NULL);
	dan = hx_user(k.d, "migrant-help", "member", "dan");
	hx_ok(dan, "join", "{s:s}", "channel", CH);
	root = hx_post(k.ana, CH, "First title", 0, "first-text");
	reply = hx_post(k.ana, CH, NULL, root, "reply-text");
	last = hx_int(hx_ok(dan, "sync", "{s:I}", "since", 0), "last_eid");
	hx_close(dan);			/* dan goes offline */
	hx_ok(k.cy, "subscribe", NULL);
	hx_ok(k.fac, "subscribe", NULL);

	hx_ok(k.fac, "mod.hide", "{s:I, s:s}", "post", reply, "reason",
	    "personal details");
	ev = next_post(k.cy);
	cr_expect_eq(hx_int(ev, "post"), reply);
	cr_expect_gt(hx_int(ev, "eid"), reply);
	cr_expect_str_eq(hx_str(ev, "state"), "hidden");
	cr_expect_null(json_object_get(ev, "body"));
	cr_expect_null(json_object_get(ev, "reason"));
	ev = next_post(k.fac);
	cr_expect_str_eq(hx_str(ev, "body"), "reply-text");
	cr_expect_str_eq(hx_str(ev, "reason"), "personal details");
	hx_err(k.fac, "bad_state", "mod.hide", "{s:I, s:s}", "post", reply,
	    "reason", "again");

	r = hx_ok(k.ana, "edit", "{s:I, s:s, s:s}", "post", root, "body",
	    "second-text", "title", "Second title");
	ev = next_post(k.cy);
	cr_expect_eq(hx_int(ev, "eid"), hx_int(r, "eid"));
	cr_expect_str_eq(hx_str(ev, "body"), "second-text");
	cr_expect_str_eq(hx_str(ev, "title"), "Second title");
	cr_expect_eq(hx_int(ev, "edited"), 1);
	hx_err(k.cy, "forbidden", "edit", "{s:I, s:s}", "post", root, "body",
	    "not mine");
	hx_err(k.ana, "bad_state", "edit", "{s:I, s:s}", "post", reply,
	    "body", "edit a hidden post");
	hx_err(k.ana, "bad_request", "edit", "{s:I, s:s, s:s}", "post", reply,
	    "body", "x", "title", "a reply has no title");
	/* Only moderators read what it said before. */
	r = hx_ok(k.fac, "mod.history", "{s:I}", "post", root);
	cr_expect(dump_has(r, "first-text"), "%s", hx_dump(r));
	hx_err(k.cy, "forbidden", "mod.history", "{s:I}", "post", root);

	hx_ok(k.fac, "mod.unhide", "{s:I}", "post", reply);
	ev = next_post(k.cy);
	cr_expect_str_eq(hx_str(ev, "body"), "reply-text");
	hx_ok(k.ana, "delete", "{s:I}", "post", reply);
	ev = next_post(k.cy);
	cr_expect_str_eq(hx_str(ev, "state"), "deleted");
	cr_expect_null(json_object_get(ev, "body"));
	ev = next_post(k.fac);	/* unhide */
	ev = next_post(k.fac);	/* edit */
	ev = next_post(k.fac);	/* delete: moderators keep the text */
	cr_expect_str_eq(hx_str(ev, "state"), "deleted");
	hx_err(k.ana, "bad_state", "delete", "{s:I}", "post", reply);

	/* Dan comes back: each post once, as it is now. */
	dan = hx_login(k.d, "dan");
	all = hx_sync_all(dan, last);
	cr_expect_eq(json_array_size(all), 2, "%s", hx_dump(all));
	cr_expect(!dump_has(all, "first-text") && !dump_has(all,
	    "reply-text") && !dump_has(all, "First title"), "%s",
	    hx_dump(all));
	cr_expect(dump_has(all, "second-text") && dump_has(all, "deleted"));
	all = hx_read_all(dan, CH, 0);
	cr_expect(!dump_has(all, "first-text") && !dump_has(all,
	    "reply-text"), "%s", hx_dump(all));
	hx_stop(k.d);
}

/* Two anonymous posts by two authors: what a member and a moderator
 * receive of each differs only in ids, times and text. */
static void
expect_no_author(json_t *ev, const char *who, const char *org)
{
	cr_expect(!dump_has(ev, who) && !dump_has(ev, org) &&
	    json_object_get(ev, "author") == NULL &&
	    json_object_get(ev, "org") == NULL, "%s", hx_dump(ev));
	cr_expect(json_is_true(json_object_get(ev, "anon")));
}

static const char *
masked(json_t *ev)
{
	json_t *c = json_deep_copy(ev);

	json_object_del(c, "eid");
	json_object_del(c, "post");
	json_object_del(c, "thread");
	json_object_del(c, "ts");
	json_object_del(c, "body");
	return hx_dump(hx_keep(c));
}

Test(mod, anonymous_posts_carry_no_author)
{
	struct cast k;
	struct hx_conn *bea;
	json_t *a, *b, *r, *log;
	int64_t root, pa, pb;

	cast_start(&k, NULL);
	bea = hx_user(k.d, "safe-passage", "member", "bea");
	hx_ok(bea, "join", "{s:s}", "channel", CH);
	root = hx_post(k.fac, CH, "Hard weeks", 0, "Say it here.");
	r = hx_err(k.ana, "forbidden", "post", "{s:s, s:I, s:s, s:b}",
	    "channel", CH, "thread", root, "body", "x", "anon", 1);
	hx_ok(k.fac, "channel.set", "{s:s, s:b}", "channel", CH, "anon", 1);
	/* A content note is a few words: PROTO_MAX_NOTE (100) bytes. */
	hx_err(k.fac, "too_large", "post", "{s:s, s:I, s:s, s:s}", "channel",
	    CH, "thread", root, "body", "x", "note", hx_strf("%0101d", 0));
	hx_ok(k.fac, "post", "{s:s, s:I, s:s, s:s}", "channel", CH, "thread",
	    root, "body", "x", "note", hx_strf("%0100d", 0));
	hx_err(k.fac, "bad_text", "post", "{s:s, s:I, s:s, s:s}", "channel",
	    CH, "thread", root, "body", "x", "note", "");
	hx_ok(k.cy, "subscribe", NULL);
	hx_ok(k.fac, "subscribe", NULL);
	pa = hx_int(hx_ok(k.ana, "post", "{s:s, s:I, s:s, s:b, s:s}",
	    "channel", CH, "thread", root, "body", "one", "anon", 1, "note",
	    "detention"), "post");
	pb = hx_int(hx_ok(bea, "post", "{s:s, s:I, s:s, s:b, s:s}",
	    "channel", CH, "thread", root, "body", "two", "anon", 1, "note",
	    "detention"), "post");
	a = next_post(k.cy);
	b = next_post(k.cy);
	expect_no_author(a, "ana", "refugee-action");
	expect_no_author(b, "bea", "safe-passage");
	cr_expect_str_eq(hx_str(a, "note"), "detention");
	cr_expect_str_eq(masked(a), masked(b));
	a = next_post(k.fac);
	b = next_post(k.fac);
	expect_no_author(a, "ana", "refugee-action");
	cr_expect_str_eq(masked(a), masked(b));
	/* History, sync and the threads list likewise. */
	r = hx_sync_all(k.fac, 0);
	cr_expect(!dump_has(r, "\"ana\"") && !dump_has(r, "refugee-action") &&
	    !dump_has(r, "\"bea\""), "%s", hx_dump(r));
	r = hx_read_all(k.cy, CH, 0);
	cr_expect(!dump_has(r, "\"ana\"") && !dump_has(r, "\"bea\""));
	/* The author still edits it; the change names no one either. */
	hx_ok(k.ana, "edit", "{s:I, s:s}", "post", pa, "body", "one, again");
	a = next_post(k.cy);
	expect_no_author(a, "ana", "refugee-action");

	/* Unmask: to the asking moderator, in the log without a name. */
	hx_err(k.fac, "bad_request", "mod.unmask", "{s:I}", "post", pa);
	hx_err(k.cy, "forbidden", "mod.unmask", "{s:I, s:s}", "post", pa,
	    "reason", "curious");
	hx_err(k.fac, "bad_state", "mod.unmask", "{s:I, s:s}", "post", root,
	    "reason", "not anonymous");
	r = hx_ok(k.fac, "mod.unmask", "{s:I, s:s}", "post", pb, "reason",
	    "a safeguarding concern");
	cr_expect_str_eq(hx_str(r, "user"), "bea");
	cr_expect_str_eq(hx_str(r, "org"), "safe-passage");
	log = hx_ok(k.fac, "mod.log", "{s:s}", "channel", CH);
	cr_expect(dump_has(log, "\"action\":\"unmask\"") &&
	    dump_has(log, "a safeguarding concern"), "%s", hx_dump(log));
	cr_expect(!dump_has(log, "\"bea\"") && !dump_has(log, "\"ana\""),
	    "%s", hx_dump(log));
	hx_ok(k.ana, "delete", "{s:I}", "post", pa);
	hx_stop(k.d);
}

Test(mod, lock_and_pin)
{
	struct cast k;
	json_t *list;
	int64_t old, pinned;

	cast_start(&k, NULL);
	pinned = hx_post(k.fac, CH, "House rules", 0, "Be kind.");
	old = hx_post(k.ana, CH, "Newer thread", 0, "hello");
	hx_err(k.cy, "forbidden", "mod.pin", "{s:I}", "thread", pinned);
	hx_ok(k.fac, "mod.pin", "{s:I}", "thread", pinned);
	hx_err(k.fac, "bad_state", "mod.pin", "{s:I}", "thread", pinned);
	list = json_object_get(hx_ok(k.cy, "threads", "{s:s}", "channel", CH),
	    "threads");
	cr_expect_eq(hx_int(json_array_get(list, 0), "thread"), pinned);
	cr_expect(json_is_true(json_object_get(json_array_get(list, 0),
	    "pinned")));

	hx_ok(k.fac, "mod.lock", "{s:I}", "thread", old);
	hx_err(k.ana, "locked", "post", "{s:s, s:I, s:s}", "channel", CH,
	    "thread", old, "body", "one more");
	hx_post(k.fac, CH, NULL, old, "moderators may still reply");
	cr_expect_eq(json_array_size(hx_read_all(k.cy, CH, 0)), 3);
	hx_ok(k.fac, "mod.unlock", "{s:I}", "thread", old);
	hx_post(k.ana, CH, NULL, old, "open again");
	/* A reply is not a thread. */
	hx_err(k.fac, "not_found", "mod.lock", "{s:I}", "thread", old + 2);
	hx_ok(k.fac, "mod.unpin", "{s:I}", "thread", pinned);
	hx_stop(k.d);
}

Test(mod, mute_ends_by_itself)
{
	struct cast k;
	json_t *r;
	const char *msg;
	int64_t root;

	hx_clock_start();
	cast_start(&k, NULL);
	root = hx_post(k.fac, CH, "Week", 0, "hi");
	hx_err(k.fac, "bad_request", "mod.mute", "{s:s, s:s, s:I}", "user",
	    "ana", "channel", CH, "seconds", (json_int_t)0);
	hx_err(k.fac, "bad_request", "mod.mute", "{s:s, s:s, s:I}", "user",
	    "ana", "channel", CH, "seconds", (json_int_t)31536001);
	hx_err(k.fac, "bad_request", "mod.mute", "{s:s, s:s, s:s}", "user",
	    "ana", "channel", CH, "seconds", "10m");
	hx_err(k.fac, "not_found", "mod.mute", "{s:s, s:s, s:I}", "user",
	    "nobody", "channel", CH, "seconds", (json_int_t)60);
	hx_err(k.cy, "forbidden", "mod.mute", "{s:s, s:s, s:I}", "user",
	    "ana", "channel", CH, "seconds", (json_int_t)60);
	hx_err(k.fac, "bad_state", "mod.unmute", "{s:s, s:s}", "user", "ana",
	    "channel", CH);
	hx_ok(k.fac, "mod.mute", "{s:s, s:s, s:I, s:s}", "user", "ana",
	    "channel", CH, "seconds", (json_int_t)600, "reason",
	    "repeated personal details");
	r = hx_err(k.ana, "muted", "post", "{s:s, s:I, s:s}", "channel", CH,
	    "thread", root, "body", "still here");
	msg = hx_str(json_object_get(r, "error"), "message");
	cr_expect(strstr(msg, "muted in " CH " until ") != NULL &&
	    strstr(msg, "UTC: repeated personal details") != NULL, "%s", msg);
	hx_post(k.cy, CH, NULL, root, "others post");
	hx_clock_advance(601 * 1000);
	hx_post(k.ana, CH, NULL, root, "back");
	hx_err(k.fac, "bad_state", "mod.unmute", "{s:s, s:s}", "user", "ana",
	    "channel", CH);
	/* A moderator of the channel cannot be muted in it. */
	hx_err(k.fac, "forbidden", "mod.mute", "{s:s, s:s, s:I}", "user",
	    "fac", "channel", CH, "seconds", (json_int_t)60);
	hx_stop(k.d);
}

Test(mod, ban_removes_and_refuses)
{
	struct cast k;
	json_t *r;

	cast_start(&k, NULL);
	hx_ok(k.ana, "subscribe", "{s:[s]}", "channels", CH);
	hx_ok(k.fac, "mod.ban", "{s:s, s:s, s:s}", "user", "ana", "channel",
	    CH, "reason", "threats");
	hx_post(k.fac, CH, "After", 0, "not for ana");
	no_post(k.ana);
	r = hx_err(k.ana, "banned", "join", "{s:s}", "channel", CH);
	cr_expect(strstr(hx_str(json_object_get(r, "error"), "message"),
	    "threats") != NULL);
	hx_err(k.ana, "banned", "post", "{s:s, s:s, s:s}", "channel", CH,
	    "title", "t", "body", "b");
	hx_ok(k.fac, "mod.unban", "{s:s, s:s}", "user", "ana", "channel", CH);
	hx_ok(k.ana, "join", "{s:s}", "channel", CH);
	hx_err(k.fac, "bad_state", "mod.unban", "{s:s, s:s}", "user", "ana",
	    "channel", CH);
	hx_stop(k.d);
}

Test(mod, slow_mode_and_announcements)
{
	struct cast k;
	int64_t root;

	hx_clock_start();
	cast_start(&k, NULL);
	root = hx_post(k.fac, CH, "Slowly", 0, "one at a time");
	hx_err(k.fac, "bad_request", "channel.set", "{s:s, s:I}", "channel",
	    CH, "slow", (json_int_t)86401);
	hx_err(k.fac, "bad_request", "channel.set", "{s:s}", "channel", CH);
	hx_err(k.cy, "forbidden", "channel.set", "{s:s, s:I}", "channel", CH,
	    "slow", (json_int_t)30);
	hx_ok(k.fac, "channel.set", "{s:s, s:I}", "channel", CH, "slow", (json_int_t)30);
	hx_post(k.ana, CH, NULL, root, "first");
	hx_err(k.ana, "slow_mode", "post", "{s:s, s:I, s:s}", "channel", CH,
	    "thread", root, "body", "second");
	hx_post(k.fac, CH, NULL, root, "moderators are exempt");
	hx_post(k.fac, CH, NULL, root, "twice");
	hx_clock_advance(31 * 1000);
	hx_post(k.ana, CH, NULL, root, "second, later");

	hx_ok(k.fac, "channel.set", "{s:s, s:s, s:I}", "channel", CH,
	    "moderation", "announce", "slow", (json_int_t)0);
	hx_err(k.ana, "forbidden", "post", "{s:s, s:I, s:s}", "channel", CH,
	    "thread", root, "body", "may I?");
	hx_post(k.fac, CH, NULL, root, "announcement");
	hx_err(k.fac, "bad_request", "channel.set", "{s:s, s:s}", "channel",
	    CH, "moderation", "closed");
	hx_stop(k.d);
}

/* Another organisation's channel: its posts do not exist for an
 * org-admin elsewhere; its own org-admin moderates it, a facilitator
 * does not. */
Test(mod, organisation_channels)
{
	struct hx_daemon *d = hx_start(NULL);
	struct hx_conn *own, *other, *fac, *mem;
	json_t *a, *b;
	int64_t post;

	own = hx_user(d, "hope", "org-admin", "olu");
	other = hx_user(d, "elsewhere", "org-admin", "eve");
	fac = hx_user(d, "wellbeing", "facilitator", "fay");
	mem = hx_user(d, "hope", "member", "mo");
	hx_ok(own, "channel.create", "{s:s}", "channel", "hope/staff");
	hx_ok(mem, "join", "{s:s}", "channel", "hope/staff");
	post = hx_post(mem, "hope/staff", "Rota", 0, "who covers Friday?");
	a = hx_err(other, "not_found", "mod.hide", "{s:I, s:s}", "post", post,
	    "reason", "x");
	b = hx_err(other, "not_found", "mod.hide", "{s:I, s:s}", "post",
	    post + 999, "reason", "x");
	cr_expect_str_eq(hx_dump(json_object_get(a, "error")),
	    hx_dump(json_object_get(b, "error")));
	hx_err(fac, "not_found", "mod.hide", "{s:I, s:s}", "post", post,
	    "reason", "x");
	hx_err(mem, "forbidden", "mod.hide", "{s:I, s:s}", "post", post,
	    "reason", "x");
	hx_err(other, "not_found", "channel.set", "{s:s, s:s}", "channel",
	    "hope/staff", "moderation", "pre");
	hx_ok(own, "mod.hide", "{s:I, s:s}", "post", post, "reason",
	    "wrong channel");
	hx_ok(own, "channel.set", "{s:s, s:s}", "channel", "hope/staff",
	    "moderation", "pre");
	a = hx_ok(own, "mod.log", "{s:s}", "channel", "hope/staff");
	cr_expect(dump_has(a, "\"action\":\"hide\"") &&
	    dump_has(a, "\"action\":\"set\""), "%s", hx_dump(a));
	hx_stop(d);
}

/* Every moderation action is in the channel's log, in order, with who
 * did it and why; members may not read the log. */
Test(mod, every_action_is_logged)
{
	static const char *const want[] = {
		"set", "approve", "set", "hide", "unhide", "lock", "unlock",
		"pin", "unpin", "mute", "unmute", "ban", "unban", "unmask",
	};
	struct cast k;
	json_t *entries, *e;
	int64_t root, held, anon;
	size_t i;

	cast_start(&k, NULL);
	root = hx_post(k.ana, CH, "Log", 0, "start");
	hx_ok(k.fac, "channel.set", "{s:s, s:s}", "channel", CH,
	    "moderation", "pre");
	held = hx_int(hx_ok(k.ana, "post", "{s:s, s:I, s:s}", "channel", CH,
	    "thread", root, "body", "wait"), "post");
	hx_ok(k.fac, "mod.approve", "{s:I}", "post", held);
	hx_ok(k.fac, "channel.set", "{s:s, s:s, s:b}", "channel", CH,
	    "moderation", "open", "anon", 1);
	hx_ok(k.fac, "mod.hide", "{s:I, s:s}", "post", held, "reason", "why");
	hx_ok(k.fac, "mod.unhide", "{s:I}", "post", held);
	hx_ok(k.fac, "mod.lock", "{s:I}", "thread", root);
	hx_ok(k.fac, "mod.unlock", "{s:I}", "thread", root);
	hx_ok(k.fac, "mod.pin", "{s:I}", "thread", root);
	hx_ok(k.fac, "mod.unpin", "{s:I}", "thread", root);
	hx_ok(k.fac, "mod.mute", "{s:s, s:s, s:I}", "user", "cy", "channel",
	    CH, "seconds", (json_int_t)60);
	hx_ok(k.fac, "mod.unmute", "{s:s, s:s}", "user", "cy", "channel", CH);
	hx_ok(k.fac, "mod.ban", "{s:s, s:s}", "user", "cy", "channel", CH);
	hx_ok(k.fac, "mod.unban", "{s:s, s:s}", "user", "cy", "channel", CH);
	anon = hx_int(hx_ok(k.ana, "post", "{s:s, s:I, s:s, s:b}", "channel",
	    CH, "thread", root, "body", "quietly", "anon", 1), "post");
	hx_ok(k.fac, "mod.unmask", "{s:I, s:s}", "post", anon, "reason",
	    "concern");
	entries = json_object_get(hx_ok(k.fac, "mod.log", "{s:s}", "channel",
	    CH), "entries");
	cr_assert_eq(json_array_size(entries), sizeof want / sizeof want[0],
	    "%s", hx_dump(entries));
	json_array_foreach(entries, i, e) {
		cr_expect_str_eq(hx_str(e, "action"), want[i]);
		cr_expect_str_eq(hx_str(e, "by"), "fac");
		cr_expect_str_eq(hx_str(e, "channel"), CH);
	}
	cr_expect_str_eq(hx_str(json_array_get(entries, 3), "reason"), "why");
	cr_expect_str_eq(hx_str(json_array_get(entries, 9), "user"), "cy");
	hx_err(k.cy, "forbidden", "mod.log", "{s:s}", "channel", CH);
	hx_stop(k.d);
}
