/*
 * 28-dm.c: one-to-one conversations and blocks over the wire (the
 * programme issue's `harbour dm`, `dms`, `block`): only its two people
 * read a conversation, moderators included; whom one may not write to
 * (no such person, nothing shared, or blocked) answers one way, so a
 * block is never revealed; a reported message reaches the network's
 * facilitators, alone.
 *
 * The cast: amira (refugee-action) and ben (welcome-group), who share
 * peer/commons; cara (refugee-action's org-admin and safeguarding lead),
 * who shares nothing with ben; fay, a facilitator in nothing.
 */
#include <string.h>

#include <criterion/criterion.h>

#include "harness.h"
#include "hx-ops.h"

TestSuite(dm, .timeout = HX_TEST_TIMEOUT);

#define DM	"dm/amira+ben"
#define NODM	"dm/amira+zed"
#define PEERCH	"peer/commons"

struct cast {
	struct hx_daemon	*d;
	struct hx_conn		*amira, *ben, *cara, *fay;
};

static void
setup(struct cast *k)
{
	k->d = hx_start(NULL);
	hx_org(k->d, "refugee-action");
	hx_org(k->d, "welcome-group");
	k->amira = hx_user(k->d, "refugee-action", "member", "amira");
	k->ben = hx_user(k->d, "welcome-group", "member", "ben");
	k->cara = hx_user(k->d, "refugee-action", "org-admin", "cara");
	k->fay = hx_user(k->d, "welcome-group", "facilitator", "fay");
	hx_ok(k->cara, "org.lead", "{s:s, s:s}", "org", "refugee-action",
	    "user", "cara");
	hx_ok(k->fay, "channel.create", "{s:s}", "channel", PEERCH);
	hx_ok(k->amira, "join", "{s:s}", "channel", PEERCH);
	hx_ok(k->ben, "join", "{s:s}", "channel", PEERCH);
	hx_ok(k->fay, "leave", "{s:s}", "channel", PEERCH);
}

static json_t *
dm(struct hx_conn *c, const char *user, const char *body)
{
	return hx_call(c, "dm", "{s:s, s:s}", "user", user, "body", body);
}

/* The error object of a reply, for comparing two refusals. */
static const char *
err_of(json_t *r)
{
	cr_assert_not_null(json_object_get(r, "error"), "%s", hx_dump(r));
	return hx_dump(json_object_get(r, "error"));
}

static const char *
read_err(struct hx_conn *c, const char *channel)
{
	return err_of(hx_call(c, "read", "{s:s}", "channel", channel));
}

Test(dm, two_people_and_no_one_else)
{
	struct cast k;
	json_t *r, *ev, *list;

	setup(&k);
	hx_ok(k.ben, "subscribe", NULL);
	r = hx_assert_ok(dm(k.amira, "ben", "can we talk about Tuesday?"));
	cr_expect_str_eq(hx_str(r, "channel"), DM);
	cr_expect(json_is_true(json_object_get(r, "created")));
	/* Live, though ben's connection subscribed before it began. */
	ev = hx_event_named(k.ben, "post", hx_ms(HX_WAIT_MS));
	cr_assert_not_null(ev);
	cr_expect_str_eq(hx_str(ev, "channel"), DM);
	list = json_object_get(hx_ok(k.ben, "dms", NULL), "conversations");
	cr_assert_eq(json_array_size(list), 1);
	cr_expect_str_eq(hx_str(json_array_get(list, 0), "with"), "amira");
	cr_expect_eq(hx_int(json_array_get(list, 0), "unread"), 1);
	r = hx_assert_ok(dm(k.ben, "amira", "yes, after the set"));
	cr_expect(json_is_false(json_object_get(r, "created")));
	cr_expect_eq(json_array_size(hx_read_all(k.amira, DM, 0)), 2);
	/* Anyone else, a facilitator too, meets a channel that is not. */
	cr_expect_str_eq(read_err(k.cara, DM), read_err(k.cara, NODM));
	cr_expect_str_eq(read_err(k.fay, DM), read_err(k.fay, NODM));
	cr_expect_str_eq(err_of(hx_call(k.fay, "mod.log", "{s:s}", "channel",
	    DM)), err_of(hx_call(k.fay, "mod.log", "{s:s}", "channel", NODM)));
	cr_expect_str_eq(err_of(hx_call(k.cara, "subscribe", "{s:[s]}",
	    "channels", DM)), err_of(hx_call(k.cara, "subscribe", "{s:[s]}",
	    "channels", NODM)));
	cr_expect(strstr(hx_dump(hx_ok(k.fay, "channel.list", NULL)),
	    "dm/") == NULL);
	/* Its two find it by search (once the index has it); no one else
	 * does. */
	{
		int64_t until = hx_mono_ms() + hx_ms(HX_WAIT_MS);
		size_t n;

		do {
			n = json_array_size(json_object_get(hx_ok(k.ben,
			    "search", "{s:s}", "text", "Tuesday"), "results"));
		} while (n == 0 && hx_mono_ms() < until);
		cr_expect_eq(n, 1);
	}
	cr_expect_eq(json_array_size(json_object_get(hx_ok(k.fay, "search",
	    "{s:s}", "text", "Tuesday"), "results")), 0);
	hx_err(k.amira, "bad_state", "leave", "{s:s}", "channel", DM);
	cr_expect_eq(json_array_size(json_object_get(hx_ok(k.fay, "dms", NULL),
	    "conversations")), 0);
	hx_err(k.amira, "bad_state", "join", "{s:s}", "channel", DM);
	hx_err(k.cara, "bad_name", "channel.create", "{s:s}", "channel", DM);
	hx_stop(k.d);
}

Test(dm, whom_one_may_not_write_to_answers_one_way)
{
	struct cast k;
	const char *nobody;

	setup(&k);
	nobody = err_of(dm(k.cara, "nobody", "hello"));
	/* cara shares nothing with ben: as if he did not exist. */
	cr_expect_str_eq(err_of(dm(k.cara, "ben", "hello")), nobody);
	cr_expect_str_eq(err_of(dm(k.cara, "Not A Name", "hello")), nobody);
	hx_assert_err(dm(k.cara, "cara", "me"), "bad_request");
	hx_assert_err(dm(k.amira, "ben", ""), "bad_text");
	/* A facilitator may begin one with anyone (coaching); then the
	 * other may always answer. */
	hx_assert_ok(dm(k.fay, "cara", "shall we book a session?"));
	hx_assert_ok(dm(k.cara, "fay", "yes please"));
	/* Nothing of the refused ones was stored. */
	cr_expect_eq(json_array_size(json_object_get(hx_ok(k.ben, "dms", NULL),
	    "conversations")), 0);
	hx_stop(k.d);
}

Test(dm, a_block_reveals_nothing_and_ends_the_blockers_side)
{
	struct cast k;
	json_t *list;
	const char *nobody;

	setup(&k);
	hx_assert_ok(dm(k.amira, "ben", "hello"));
	hx_ok(k.ben, "block", "{s:s}", "user", "amira");
	hx_ok(k.ben, "block", "{s:s}", "user", "amira");
	nobody = err_of(dm(k.amira, "nobody", "are you there?"));
	cr_expect_str_eq(err_of(dm(k.amira, "ben", "are you there?")), nobody);
	/* Gone from ben's side; amira keeps hers. */
	cr_expect_eq(json_array_size(json_object_get(hx_ok(k.ben, "dms", NULL),
	    "conversations")), 0);
	cr_expect_str_eq(read_err(k.ben, DM), read_err(k.ben, NODM));
	cr_expect_eq(json_array_size(json_object_get(hx_ok(k.amira, "dms",
	    NULL), "conversations")), 1);
	list = json_object_get(hx_ok(k.ben, "blocks", NULL), "blocks");
	cr_assert_eq(json_array_size(list), 1);
	cr_expect_str_eq(json_string_value(json_array_get(list, 0)), "amira");
	hx_err(k.ben, "not_found", "block", "{s:s}", "user", "nobody");
	hx_err(k.ben, "bad_request", "block", "{s:s}", "user", "ben");
	hx_err(k.ben, "not_found", "unblock", "{s:s}", "user", "cara");
	/* Unblocked, it can go on, and ben has it back. */
	hx_ok(k.ben, "unblock", "{s:s}", "user", "amira");
	hx_assert_ok(dm(k.amira, "ben", "are you there?"));
	cr_expect_eq(json_array_size(json_object_get(hx_ok(k.ben, "dms", NULL),
	    "conversations")), 1);
	hx_stop(k.d);
}

Test(dm, a_reported_message_reaches_the_facilitators_alone)
{
	struct cast k;
	json_t *r, *ev, *rep;
	int64_t bad;

	setup(&k);
	hx_ok(k.fay, "subscribe", NULL);
	hx_ok(k.cara, "subscribe", NULL);
	hx_assert_ok(dm(k.amira, "ben", "an ordinary first message"));
	r = hx_assert_ok(dm(k.amira, "ben", "I know where you live"));
	bad = hx_int(r, "post");
	hx_ok(k.ben, "report", "{s:I, s:s, s:b}", "post", (json_int_t)bad,
	    "reason", "a threat", "urgent", 1);
	ev = hx_event_named(k.fay, "alert", hx_ms(HX_WAIT_MS));
	cr_assert_not_null(ev);
	rep = json_object_get(ev, "report");
	cr_expect_str_eq(hx_str(rep, "text"), "I know where you live");
	/* The message, and only it: not the rest, and not the channel. */
	cr_expect(strstr(hx_seen(k.fay, NULL), "ordinary first") == NULL);
	cr_expect_str_eq(read_err(k.fay, DM), read_err(k.fay, NODM));
	hx_ok(k.fay, "mod.ack", "{s:I}", "report", hx_int(rep, "report"));
	/* amira's organisation's lead hears nothing of it. */
	hx_ok(k.cara, "channel.list", NULL);
	cr_expect(strstr(hx_seen(k.cara, NULL), "where you live") == NULL);
	cr_expect_eq(json_array_size(json_object_get(hx_ok(k.cara,
	    "mod.reports", NULL), "reports")), 0);
	hx_stop(k.d);
}

/* Fri 28 Mar 2025 18:00 UTC, and the Monday 09:00 in London after. */
#define FRI_EVENING	1743184800LL
#define MON_START	1743408000LL

/* Outside ben's working hours a message waits, and comes in his digest
 * when they begin; within them it comes at once, as a post. */
Test(dm, a_message_waits_for_working_hours)
{
	struct cast k;
	json_t *ev, *items;

	hx_clock_start_at(FRI_EVENING * 1000);
	setup(&k);
	hx_ok(k.ben, "quiet.set", "{s:s, s:s}", "hours", "Mon-Fri 09:00-17:00",
	    "tz", "Europe/London");
	hx_ok(k.ben, "subscribe", NULL);
	hx_ok(k.amira, "subscribe", NULL);
	hx_assert_ok(dm(k.amira, "ben", "no rush: next week is fine"));
	/* amira's own connection has it; ben's does not, yet. */
	cr_assert_not_null(hx_event_named(k.amira, "post", hx_ms(HX_WAIT_MS)));
	hx_ok(k.ben, "quiet.show", NULL);
	cr_expect(strstr(hx_seen(k.ben, NULL), "no rush") == NULL);
	/* He can read it by asking, and it is in his inbox. */
	cr_expect_eq(json_array_size(hx_read_all(k.ben, DM, 0)), 1);
	items = json_object_get(hx_ok(k.ben, "inbox", NULL), "items");
	cr_assert_eq(json_array_size(items), 1);
	cr_expect_str_eq(hx_str(json_array_get(items, 0), "kind"), "message");
	/* Monday 09:00: the digest brings it. (A new connection: a clock
	 * moved by days ends idle ones.) */
	hx_clock_set(MON_START * 1000);
	k.ben = hx_login(k.d, "ben");
	hx_ok(k.ben, "subscribe", NULL);
	ev = hx_event_named(k.ben, "digest", hx_ms(HX_WAIT_MS));
	cr_assert_not_null(ev);
	cr_expect(strstr(hx_dump(ev), "no rush") != NULL);
	/* Within hours: at once, as a post of the conversation. */
	k.amira = hx_login(k.d, "amira");
	hx_assert_ok(dm(k.amira, "ben", "see you at ten"));
	ev = hx_event_named(k.ben, "post", hx_ms(HX_WAIT_MS));
	cr_assert_not_null(ev);
	cr_expect_str_eq(hx_str(ev, "channel"), DM);
	cr_expect_str_eq(hx_str(ev, "body"), "see you at ten");
	hx_stop(k.d);
}
