/*
 * 26-groups.c: private groups over the wire (the programme issue's
 * `harbour group create|add|remove|members`): a group and everything in
 * it answers a non-member exactly as a group that was never made, in
 * every operation, and never shows in their listings, searches, queues
 * or frames; its facilitators add and remove members; removal ends
 * live delivery and reading at once.
 *
 * The cast: fay, a facilitator who makes group/set-a; its members
 * amira (refugee-action) and ben (welcome-group); outside it, cara
 * (refugee-action, amira's colleague and her organisation's
 * safeguarding lead) and finn, another facilitator.
 */
#include <string.h>

#include <criterion/criterion.h>

#include "harness.h"
#include "hx-ops.h"

TestSuite(groups, .timeout = HX_TEST_TIMEOUT);

#define GROUP	"group/set-a"
#define NOGROUP	"group/never-made"
#define SECRET	"what we said in the set stays in the set"

struct cast {
	struct hx_daemon	*d;
	struct hx_conn		*fay, *amira, *ben, *cara, *finn;
	int64_t			 root;		/* amira's thread in GROUP */
};

static void
setup(struct cast *k)
{
	json_t *r;

	k->d = hx_start(NULL);
	hx_org(k->d, "refugee-action");
	hx_org(k->d, "welcome-group");
	k->fay = hx_user(k->d, "welcome-group", "facilitator", "fay");
	k->amira = hx_user(k->d, "refugee-action", "member", "amira");
	k->ben = hx_user(k->d, "welcome-group", "member", "ben");
	k->cara = hx_user(k->d, "refugee-action", "org-admin", "cara");
	k->finn = hx_user(k->d, "welcome-group", "facilitator", "finn");
	hx_ok(k->cara, "org.lead", "{s:s, s:s}", "org", "refugee-action",
	    "user", "cara");
	r = hx_ok(k->fay, "group.create", "{s:s, s:s}", "name", "set-a",
	    "title", "Action learning set A");
	cr_assert_str_eq(hx_str(r, "channel"), GROUP);
	r = hx_ok(k->fay, "group.add", "{s:s, s:[s, s]}", "channel", GROUP,
	    "users", "amira", "ben");
	cr_assert_eq(json_array_size(json_object_get(r, "added")), 2);
	k->root = hx_post(k->amira, GROUP, "Week one", 0, SECRET);
}

/* Wait (bounded) until a member's search finds post: the index has
 * caught up, so a search that finds nothing finds nothing for a reason. */
static void
indexed(struct hx_conn *c, const char *text, int64_t post)
{
	int64_t until = hx_mono_ms() + hx_ms(HX_WAIT_MS);
	json_t *r, *e;
	size_t i;

	do {
		r = json_object_get(hx_ok(c, "search", "{s:s}", "text", text),
		    "results");
		json_array_foreach(r, i, e)
			if (hx_int(e, "post") == post)
				return;
		hx_ok(c, "ping", NULL);
	} while (hx_mono_ms() < until);
	cr_assert_fail("\"%s\" never found post %lld", text, (long long)post);
}

/* The error object of op on channel (as c), the request's id left out. */
static const char *
answer(struct hx_conn *c, const char *op, const char *fmt_extra,
    const char *channel)
{
	json_t *r;

	if (fmt_extra == NULL)
		r = hx_call(c, op, "{s:s}", "channel", channel);
	else
		r = hx_call(c, op, "{s:s, s:[s]}", "channel", channel,
		    fmt_extra, "amira");
	cr_assert_not_null(json_object_get(r, "error"), "%s on %s by a "
	    "non-member succeeded: %s", op, channel, hx_dump(r));
	return hx_dump(json_object_get(r, "error"));
}

Test(groups, a_non_member_meets_nothing)
{
	static const char *const ops[] = {
		"read", "threads", "join", "leave", "group.members",
		"mod.log", "channel.set", "mod.queue",
	};
	struct cast k;
	json_t *r;
	size_t i;

	setup(&k);
	for (i = 0; i < sizeof ops / sizeof ops[0]; i++)
		cr_expect_str_eq(answer(k.cara, ops[i], NULL, GROUP),
		    answer(k.cara, ops[i], NULL, NOGROUP), "%s", ops[i]);
	/* A facilitator outside it is no better placed. */
	for (i = 0; i < sizeof ops / sizeof ops[0]; i++)
		cr_expect_str_eq(answer(k.finn, ops[i], NULL, GROUP),
		    answer(k.finn, ops[i], NULL, NOGROUP), "%s", ops[i]);
	cr_expect_str_eq(answer(k.finn, "group.add", "users", GROUP),
	    answer(k.finn, "group.add", "users", NOGROUP));
	cr_expect_str_eq(hx_dump(json_object_get(hx_call(k.finn,
	    "group.remove", "{s:s, s:s}", "channel", GROUP, "user", "amira"),
	    "error")), hx_dump(json_object_get(hx_call(k.finn, "group.remove",
	    "{s:s, s:s}", "channel", NOGROUP, "user", "amira"), "error")));
	cr_expect_str_eq(hx_dump(json_object_get(hx_call(k.cara, "post",
	    "{s:s, s:s, s:s}", "channel", GROUP, "title", "x", "body", "y"),
	    "error")), hx_dump(json_object_get(hx_call(k.cara, "post",
	    "{s:s, s:s, s:s}", "channel", NOGROUP, "title", "x", "body", "y"),
	    "error")));
	cr_expect_str_eq(hx_dump(json_object_get(hx_call(k.cara, "subscribe",
	    "{s:[s]}", "channels", GROUP), "error")), hx_dump(json_object_get(
	    hx_call(k.cara, "subscribe", "{s:[s]}", "channels", NOGROUP),
	    "error")));
	cr_expect_str_eq(hx_dump(json_object_get(hx_call(k.cara, "search",
	    "{s:s, s:s}", "text", "stays", "channel", GROUP), "error")),
	    hx_dump(json_object_get(hx_call(k.cara, "search", "{s:s, s:s}",
	    "text", "stays", "channel", NOGROUP), "error")));
	/* Its posts, by id, as posts that never were. */
	cr_expect_str_eq(hx_dump(json_object_get(hx_call(k.cara, "report",
	    "{s:I, s:s}", "post", (json_int_t)k.root, "reason", "worried"),
	    "error")), hx_dump(json_object_get(hx_call(k.cara, "report",
	    "{s:I, s:s}", "post", (json_int_t)999999, "reason", "worried"),
	    "error")));
	cr_expect_str_eq(hx_dump(json_object_get(hx_call(k.finn, "mod.hide",
	    "{s:I, s:s}", "post", (json_int_t)k.root, "reason", "x"), "error")),
	    hx_dump(json_object_get(hx_call(k.finn, "mod.hide", "{s:I, s:s}",
	    "post", (json_int_t)999999, "reason", "x"), "error")));
	/* Nowhere in their listings or searches (once a member finds it,
	 * the index holds it). */
	indexed(k.ben, "stays in the set", k.root);
	r = hx_ok(k.cara, "channel.list", NULL);
	cr_expect(strstr(hx_dump(r), "set-a") == NULL, "%s", hx_dump(r));
	r = hx_ok(k.finn, "search", "{s:s}", "text", "stays in the set");
	cr_expect_eq(json_array_size(json_object_get(r, "results")), 0);
	r = hx_ok(k.cara, "sync", "{s:I}", "since", (json_int_t)0);
	cr_expect(strstr(hx_dump(r), "stays") == NULL);
	hx_stop(k.d);
}

Test(groups, members_see_it_and_its_facilitators_run_it)
{
	struct cast k;
	json_t *r, *m;
	size_t i;
	int seen = 0;

	setup(&k);
	r = hx_ok(k.ben, "channel.list", NULL);
	json_array_foreach(json_object_get(r, "channels"), i, m)
		if (strcmp(hx_str(m, "channel"), GROUP) == 0) {
			seen = 1;
			cr_expect(json_is_true(json_object_get(m, "group")));
			cr_expect_str_eq(hx_str(m, "kind"), "group");
			cr_expect_str_eq(hx_str(m, "title"),
			    "Action learning set A");
			cr_expect_eq(hx_int(m, "unread"), 1);
		}
	cr_expect(seen, "%s", hx_dump(r));
	r = hx_ok(k.ben, "group.members", "{s:s}", "channel", GROUP);
	m = json_object_get(r, "members");
	cr_assert_eq(json_array_size(m), 3);
	cr_expect_str_eq(hx_str(json_array_get(m, 0), "user"), "amira");
	cr_expect_str_eq(hx_str(json_array_get(m, 0), "org"),
	    "refugee-action");
	cr_expect_str_eq(hx_str(json_array_get(m, 2), "user"), "fay");
	cr_expect_str_eq(hx_str(r, "title"), "Action learning set A");
	/* Members read it, search it; only facilitators add. */
	indexed(k.ben, "stays in the set", k.root);
	hx_err(k.ben, "forbidden", "group.add", "{s:s, s:[s]}", "channel",
	    GROUP, "users", "cara");
	hx_err(k.ben, "bad_state", "join", "{s:s}", "channel", GROUP);
	/* Bad input: each its answer, nothing stored. */
	hx_err(k.fay, "exists", "group.add", "{s:s, s:[s, s]}", "channel",
	    GROUP, "users", "cara", "amira");
	hx_err(k.fay, "not_found", "group.add", "{s:s, s:[s]}", "channel",
	    GROUP, "users", "nobody");
	hx_err(k.fay, "bad_request", "group.add", "{s:s, s:[]}", "channel",
	    GROUP, "users");
	cr_expect_eq(json_array_size(json_object_get(hx_ok(k.fay,
	    "group.members", "{s:s}", "channel", GROUP), "members")), 3);
	hx_err(k.fay, "exists", "group.create", "{s:s}", "name", "set-a");
	hx_err(k.fay, "bad_name", "group.create", "{s:s}", "name", "Set A");
	hx_err(k.fay, "bad_name", "group.create", "{s:s}", "name", "");
	hx_err(k.amira, "forbidden", "group.create", "{s:s}", "name", "mine");
	hx_err(k.cara, "forbidden", "group.create", "{s:s}", "name", "mine");
	hx_err(k.fay, "bad_name", "channel.create", "{s:s}", "channel",
	    "group/other");
	hx_err(hx_admin(k.d), "bad_name", "org.create", "{s:s}", "name",
	    "group");
	/* The group keeps one who runs it: nobody outside could. */
	hx_err(k.fay, "bad_state", "leave", "{s:s}", "channel", GROUP);
	hx_err(k.fay, "bad_state", "group.remove", "{s:s, s:s}", "channel",
	    GROUP, "user", "fay");
	hx_ok(k.fay, "channel.create", "{s:s}", "channel", "peer/commons");
	hx_err(k.fay, "bad_request", "group.add", "{s:s, s:[s]}", "channel",
	    "peer/commons", "users", "cara");
	hx_stop(k.d);
}

Test(groups, removal_ends_delivery_and_reading_at_once)
{
	struct cast k;
	const char *before;

	setup(&k);
	hx_ok(k.ben, "subscribe", NULL);
	hx_post(k.amira, GROUP, "Week two", 0, "second meeting");
	cr_assert_not_null(hx_event_named(k.ben, "post", hx_ms(HX_WAIT_MS)));
	hx_ok(k.fay, "group.remove", "{s:s, s:s}", "channel", GROUP, "user",
	    "ben");
	hx_err(k.fay, "not_found", "group.remove", "{s:s, s:s}", "channel",
	    GROUP, "user", "ben");
	hx_post(k.amira, GROUP, "Week three", 0, "after ben left");
	hx_ok(k.ben, "channel.list", NULL);	/* a round trip */
	before = hx_seen(k.ben, NULL);
	cr_expect(strstr(before, "after ben left") == NULL);
	cr_expect_str_eq(answer(k.ben, "read", NULL, GROUP),
	    answer(k.ben, "read", NULL, NOGROUP));
	cr_expect(strstr(hx_dump(hx_ok(k.ben, "channel.list", NULL)),
	    "set-a") == NULL);
	hx_stop(k.d);
}

Test(groups, reports_and_queues_stay_inside)
{
	struct cast k;
	json_t *r;

	setup(&k);
	/* cara leads amira's organisation but is not in the set; finn
	 * facilitates but is not in it either. */
	hx_ok(k.cara, "subscribe", NULL);
	hx_ok(k.finn, "subscribe", NULL);
	hx_ok(k.fay, "subscribe", NULL);
	hx_ok(k.ben, "report", "{s:I, s:s, s:b}", "post", (json_int_t)k.root,
	    "reason", "amira sounds unsafe", "urgent", 1);
	cr_assert_not_null(hx_event_named(k.fay, "alert", hx_ms(HX_WAIT_MS)));
	hx_ok(k.cara, "channel.list", NULL);
	hx_ok(k.finn, "channel.list", NULL);
	cr_expect(strstr(hx_seen(k.cara, NULL), "unsafe") == NULL);
	cr_expect(strstr(hx_seen(k.finn, NULL), "unsafe") == NULL);
	r = hx_ok(k.finn, "mod.reports", NULL);
	cr_expect_eq(json_array_size(json_object_get(r, "reports")), 0, "%s",
	    hx_dump(r));
	r = hx_ok(k.cara, "mod.reports", NULL);
	cr_expect_eq(json_array_size(json_object_get(r, "reports")), 0, "%s",
	    hx_dump(r));
	r = hx_ok(k.finn, "inbox", NULL);
	cr_expect_eq(json_array_size(json_object_get(r, "alerts")), 0);
	/* A held post in it is in its facilitator's queue, no one else's. */
	hx_ok(k.fay, "channel.set", "{s:s, s:s}", "channel", GROUP,
	    "moderation", "pre");
	hx_ok(k.ben, "post", "{s:s, s:I, s:s}", "channel", GROUP, "thread",
	    (json_int_t)k.root, "body", "held for the set");
	cr_expect(strstr(hx_dump(hx_ok(k.fay, "mod.queue", NULL)),
	    "held for the set") != NULL);
	cr_expect(strstr(hx_dump(hx_ok(k.finn, "mod.queue", NULL)),
	    "held for the set") == NULL);
	/* A mention of someone outside it notifies nobody. */
	hx_ok(k.amira, "post", "{s:s, s:I, s:s}", "channel", GROUP, "thread",
	    (json_int_t)k.root, "body", "@cara would know");
	hx_ok(k.cara, "channel.list", NULL);
	cr_expect(strstr(hx_seen(k.cara, NULL), "would know") == NULL);
	cr_expect_eq(json_array_size(json_object_get(hx_ok(k.cara, "inbox",
	    "{s:b}", "all", 1), "items")), 0);
	hx_stop(k.d);
}

/* An urgent report nobody acknowledges goes wider after
 * urgent_ack_minutes: to every moderator of the channel, which for a
 * group is its facilitators, never one outside it. */
Test(groups, an_escalation_stays_inside)
{
	struct cast k;
	json_t *ev;

	hx_clock_start();
	setup(&k);
	hx_ok(k.finn, "subscribe", NULL);
	hx_ok(k.fay, "subscribe", NULL);
	hx_ok(k.ben, "report", "{s:I, s:s, s:b}", "post", (json_int_t)k.root,
	    "reason", "amira sounds unsafe", "urgent", 1);
	cr_assert_not_null(hx_event_named(k.fay, "alert", hx_ms(HX_WAIT_MS)));
	hx_clock_advance(16 * 60 * 1000);
	ev = hx_event_named(k.fay, "alert", hx_ms(HX_WAIT_MS));
	cr_assert_not_null(ev);
	cr_expect(json_is_true(json_object_get(ev, "escalated")));
	hx_ok(k.finn, "channel.list", NULL);
	cr_expect(strstr(hx_seen(k.finn, NULL), "unsafe") == NULL);
	hx_stop(k.d);
}
