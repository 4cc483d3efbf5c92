/*
 * 24-inbox.c: announcements, mentions, the inbox and working hours
 * (the resources issue's `subscribe`, `inbox`, `quiet`, `org hours` and
 * @mentions), over the wire: a resource reaches each subscribed person
 * once however they follow its tag, live or in their inbox; the inbox
 * survives a kill -9; outside someone's working hours nothing but an
 * urgent alert is pushed, and what waited comes as one digest when
 * their hours begin, across a daylight-saving change, on the daemon's
 * test clock; the sender is told who is outside their hours; and a
 * mention of someone who cannot read the channel notifies nobody and
 * tells the sender nothing.
 *
 * The cast: hope's org-admin ola and members ben and cara; elsewhere's
 * member eve and facilitator fay, who made peer/commons.
 */
#include <string.h>

#include <criterion/criterion.h>

#include "harness.h"
#include "hx-ops.h"

TestSuite(inbox, .timeout = HX_TEST_TIMEOUT);

#define PEERCH	"peer/commons"
#define ORGCH	"hope/staff"
#define TZ	"Europe/London"
#define HOURS	"Mon-Fri 09:00-17:00"

/* Fri 28 Mar 2025 18:00 UTC: after work on the Friday before the
 * clocks go forward (Sun 30 Mar, 01:00 UTC). */
#define FRI_EVENING	1743184800LL
/* Mon 31 Mar 2025 09:00 BST, which is 08:00 UTC; and 17:00 BST. */
#define MON_START	1743408000LL
#define MON_END		1743436800LL

struct cast {
	struct hx_daemon	*d;
	struct hx_conn		*ola, *ben, *cara, *eve, *fay;
};

static void
setup(struct cast *k)
{
	k->d = hx_start(NULL);
	hx_org(k->d, "hope");
	hx_org(k->d, "elsewhere");
	k->ola = hx_user(k->d, "hope", "org-admin", "ola");
	k->ben = hx_user(k->d, "hope", "member", "ben");
	k->cara = hx_user(k->d, "hope", "member", "cara");
	k->eve = hx_user(k->d, "elsewhere", "member", "eve");
	k->fay = hx_user(k->d, "elsewhere", "facilitator", "fay");
	hx_ok(k->fay, "channel.create", "{s:s}", "channel", PEERCH);
	hx_ok(k->ola, "channel.create", "{s:s}", "channel", ORGCH);
	hx_ok(k->ben, "join", "{s:s}", "channel", ORGCH);
	hx_ok(k->cara, "join", "{s:s}", "channel", ORGCH);
	hx_ok(k->cara, "join", "{s:s}", "channel", PEERCH);
	hx_ok(k->ben, "join", "{s:s}", "channel", PEERCH);
}

/* A link shared by c with one or two tags; its id and how many people
 * it was announced to. */
static int64_t
share(struct hx_conn *c, const char *title, const char *tag1,
    const char *tag2, int64_t *notified)
{
	json_t *tags = json_pack("[s]", tag1), *r;

	if (tag2 != NULL)
		json_array_append_new(tags, json_string(tag2));
	r = hx_ok(c, "resource.post", "{s:s, s:o, s:s, s:s}", "title", title,
	    "tags", tags, "url", "https://example.org/guide",
	    "summary", "for everyone");
	if (notified != NULL)
		*notified = hx_int(r, "notified");
	return hx_int(r, "resource");
}

/* How many times needle is in what c has received so far. */
static int
seen_count(struct hx_conn *c, const char *needle)
{
	const char *s = hx_seen(c, NULL), *p;
	int n = 0;

	for (p = s; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

/* The next inbox event whose item's text holds needle (earlier ones
 * are passed over). */
static json_t *
inbox_event_with(struct hx_conn *c, const char *needle)
{
	json_t *ev;

	while ((ev = hx_event_named(c, "inbox", hx_ms(HX_WAIT_MS))) != NULL)
		if (strstr(hx_dump(ev), needle) != NULL)
			return ev;
	return NULL;
}

/* Whether any line c received holds both a and b. */
static int
seen_together(struct hx_conn *c, const char *a, const char *b)
{
	const char *s = hx_seen(c, NULL), *p, *eol, *q;

	for (p = s; (p = strstr(p, a)) != NULL; p = eol) {
		const char *bol = p;

		while (bol > s && bol[-1] != '\n')
			bol--;
		if ((eol = strchr(p, '\n')) == NULL)
			eol = p + strlen(p);
		q = strstr(bol, b);
		if (q != NULL && q < eol)
			return 1;
	}
	return 0;
}

/* A request's round trip on c: whatever the daemon pushed to c before
 * it answered has arrived by then (one connection, one order). */
static void
settle(struct hx_conn *c)
{
	hx_ok(c, "quiet.show", NULL);
}

static json_t *
inbox_items(struct hx_conn *c, int all)
{
	json_t *r = hx_ok(c, "inbox", "{s:b}", "all", all);

	return json_object_get(r, "items");
}

Test(inbox, announced_once_however_followed)
{
	struct cast k;
	struct hx_conn *ben2;
	json_t *items, *it;
	int64_t id, notified;

	setup(&k);
	/* ben follows "training" himself; hope follows "wellbeing". */
	hx_ok(k.ben, "tag.subscribe", "{s:s}", "tag", "training");
	hx_ok(k.ola, "tag.subscribe", "{s:s, s:b}", "tag", "wellbeing",
	    "org", 1);
	hx_err(k.ben, "forbidden", "tag.subscribe", "{s:s, s:b}", "tag",
	    "policy", "org", 1);
	ben2 = hx_login(k.d, "ben");
	hx_ok(k.ben, "subscribe", NULL);
	hx_ok(ben2, "subscribe", NULL);
	hx_ok(k.cara, "subscribe", NULL);
	hx_ok(k.eve, "subscribe", NULL);
	id = share(k.fay, "Supervision toolkit", "training", "wellbeing",
	    &notified);
	/* ben, cara and ola: hope's three, each once. */
	cr_expect_eq(notified, 3);
	settle(k.ben);
	settle(ben2);
	settle(k.cara);
	settle(k.eve);
	cr_expect_eq(seen_count(k.ben, "\"ev\":\"inbox\""), 1);
	cr_expect_eq(seen_count(ben2, "\"ev\":\"inbox\""), 1);
	cr_expect_eq(seen_count(k.cara, "\"ev\":\"inbox\""), 1);
	cr_expect_eq(seen_count(k.ben, "Supervision toolkit"), 1);
	/* eve follows nothing: not a byte of it. */
	cr_expect_eq(seen_count(k.eve, "Supervision toolkit"), 0);
	cr_expect_eq(seen_count(k.eve, "\"ev\":\"inbox\""), 0);
	/* The inbox holds it once. */
	items = inbox_items(k.ben, 0);
	cr_assert_eq(json_array_size(items), 1);
	it = json_array_get(items, 0);
	cr_expect_str_eq(hx_str(it, "kind"), "resource");
	cr_expect(json_is_false(json_object_get(it, "read")));
	cr_expect_eq(hx_int(json_object_get(it, "resource"), "id"), id);
	cr_expect_eq(json_array_size(inbox_items(k.eve, 1)), 0);
	cr_expect_eq(json_array_size(inbox_items(k.fay, 1)), 0);
	/* Read: gone from the unread list, still in --all. */
	cr_expect_eq(hx_int(hx_ok(k.ben, "inbox.read", "{s:I}", "item",
	    (json_int_t)hx_int(it, "id")), "read"), 1);
	cr_expect_eq(json_array_size(inbox_items(k.ben, 0)), 0);
	items = inbox_items(k.ben, 1);
	cr_assert_eq(json_array_size(items), 1);
	cr_expect(json_is_true(json_object_get(json_array_get(items, 0),
	    "read")));
	/* Someone else's item is no item of yours. */
	hx_err(k.cara, "not_found", "inbox.read", "{s:I}", "item",
	    (json_int_t)hx_int(it, "id"));
	hx_err(k.cara, "bad_request", "inbox.read", NULL);
	cr_expect_eq(hx_int(hx_ok(k.cara, "inbox.read", "{s:b}", "all", 1),
	    "read"), 1);
	hx_stop(k.d);
}

Test(inbox, survives_kill_and_comes_as_digest)
{
	struct cast k;
	struct hx_conn *ben, *ben2;
	json_t *r, *ev, *inbox;

	setup(&k);
	hx_ok(k.ben, "tag.subscribe", "{s:s}", "tag", "training");
	hx_close(k.ben);
	share(k.fay, "Trauma-informed practice", "training", NULL, NULL);
	hx_crash(k.d);
	hx_restart(k.d);
	ben = hx_login(k.d, "ben");
	cr_assert_eq(json_array_size(inbox_items(ben, 0)), 1);
	/* sync carries what waits, on its last page only. */
	k.cara = hx_login(k.d, "cara");
	hx_post(k.cara, ORGCH, "One", 0, "first");
	hx_post(k.cara, ORGCH, "Two", 0, "second");
	r = hx_ok(ben, "sync", "{s:I, s:I}", "since", (json_int_t)0, "limit",
	    (json_int_t)1);
	cr_expect(json_is_true(json_object_get(r, "more")));
	cr_expect_null(json_object_get(r, "inbox"));
	r = hx_ok(ben, "sync", "{s:I}", "since", (json_int_t)0);
	inbox = json_object_get(r, "inbox");
	cr_assert_eq(json_array_size(inbox), 1);
	cr_expect_str_eq(hx_str(json_object_get(json_array_get(inbox, 0),
	    "resource"), "title"), "Trauma-informed practice");
	/* Subscribing, within hours (none set): one digest of it. */
	hx_ok(ben, "subscribe", NULL);
	ev = hx_event_named(ben, "digest", hx_ms(HX_WAIT_MS));
	cr_assert_not_null(ev);
	cr_expect_eq(hx_int(ev, "count"), 1);
	cr_expect_str_eq(hx_str(json_object_get(json_array_get(
	    json_object_get(ev, "items"), 0), "resource"), "title"),
	    "Trauma-informed practice");
	/* Pushed once: a later connection gets no digest of it again.
	 * (A write's round trip: the mark was queued before it.) */
	hx_ok(ben, "quiet.off", NULL);
	ben2 = hx_login(k.d, "ben");
	hx_ok(ben2, "subscribe", NULL);
	settle(ben2);
	cr_expect_eq(seen_count(ben2, "\"ev\":\"digest\""), 0);
	/* Still unread until read. */
	cr_expect_eq(json_array_size(inbox_items(ben2, 0)), 1);
	hx_stop(k.d);
}

Test(inbox, quiet_hours_defer_until_monday_across_the_clock_change)
{
	struct cast k;
	json_t *r, *ev, *items, *q;
	int64_t post, mention;

	hx_clock_start_at(FRI_EVENING * 1000);
	setup(&k);
	r = hx_ok(k.ben, "quiet.set", "{s:s, s:s}", "hours", HOURS, "tz", TZ);
	cr_expect_str_eq(hx_str(r, "hours"), HOURS);
	cr_expect(json_is_false(json_object_get(r, "in_hours")));
	/* 09:00 in London on the Monday is 08:00 UTC: summer time. */
	cr_expect_eq(hx_int(r, "next"), MON_START);
	cr_expect_str_eq(hx_str(r, "next_text"), "Mon 09:00 " TZ);
	hx_ok(k.ben, "tag.subscribe", "{s:s}", "tag", "training");
	hx_ok(k.ola, "org.lead", "{s:s, s:s}", "org", "hope", "user", "ben");
	hx_ok(k.ben, "subscribe", NULL);

	/* An announcement and a mention wait. */
	share(k.fay, "Rota template", "training", NULL, NULL);
	r = hx_ok(k.cara, "post", "{s:s, s:s, s:s}", "channel", ORGCH,
	    "title", "Templates", "body", "@ben could you share the template?");
	mention = hx_int(r, "post");
	q = json_object_get(r, "quiet");
	cr_assert_eq(json_array_size(q), 1, "%s", hx_dump(r));
	cr_expect_str_eq(hx_str(json_array_get(q, 0), "text"),
	    "ben is outside working hours until Mon 09:00 " TZ);
	cr_expect_eq(hx_int(json_array_get(q, 0), "until"), MON_START);
	settle(k.ben);
	cr_expect_eq(seen_count(k.ben, "\"ev\":\"inbox\""), 0);

	/* An urgent safeguarding alert is never held back. */
	post = hx_post(k.cara, PEERCH, "Hard day", 0, "not coping");
	hx_ok(k.eve, "report", "{s:I, s:s, s:b}", "post", (json_int_t)post,
	    "reason", "they sound unsafe", "urgent", 1);
	cr_assert_not_null(hx_event_named(k.ben, "alert", hx_ms(HX_WAIT_MS)));

	/* Everything can still be read by asking; the alert waits in the
	 * inbox until someone acknowledges it. */
	cr_expect_eq(json_array_size(inbox_items(k.ben, 0)), 2);
	r = hx_ok(k.ben, "inbox", NULL);
	cr_assert_eq(json_array_size(json_object_get(r, "alerts")), 1);
	cr_expect_eq(hx_int(json_array_get(json_object_get(r, "alerts"), 0),
	    "post"), post);
	cr_expect_eq(json_array_size(json_object_get(hx_ok(k.cara, "inbox",
	    NULL), "alerts")), 0);
	hx_ok(k.ben, "mod.ack", "{s:I}", "report", (json_int_t)hx_int(
	    json_array_get(json_object_get(r, "alerts"), 0), "report"));
	cr_expect_eq(json_array_size(json_object_get(hx_ok(k.ben, "inbox",
	    NULL), "alerts")), 0);

	/* Monday 09:00 London: one digest, oldest first. */
	hx_clock_set(MON_START * 1000);
	ev = hx_event_named(k.ben, "digest", hx_ms(HX_WAIT_MS));
	cr_assert_not_null(ev);
	cr_expect_eq(hx_int(ev, "count"), 2);
	items = json_object_get(ev, "items");
	cr_expect_str_eq(hx_str(json_array_get(items, 0), "kind"), "resource");
	cr_expect_str_eq(hx_str(json_array_get(items, 1), "kind"), "mention");
	cr_expect_eq(hx_int(json_object_get(json_array_get(items, 1), "post"),
	    "post"), mention);
	r = hx_ok(k.ben, "quiet.show", NULL);
	cr_expect(json_is_true(json_object_get(r, "in_hours")));
	cr_expect_eq(hx_int(r, "next"), MON_END);
	cr_expect_str_eq(hx_str(r, "source"), "mine");

	/* Within hours, announcements come live, and the sender is told
	 * nothing. */
	share(k.fay, "Wellbeing plan", "training", NULL, NULL);
	ev = hx_event_named(k.ben, "inbox", hx_ms(HX_WAIT_MS));
	cr_assert_not_null(ev);
	cr_expect_str_eq(hx_str(json_object_get(json_object_get(ev, "item"),
	    "resource"), "title"), "Wellbeing plan");
	r = hx_ok(k.cara, "post", "{s:s, s:I, s:s}", "channel", ORGCH,
	    "thread", (json_int_t)mention, "body", "thanks @ben");
	cr_expect_null(json_object_get(r, "quiet"));
	hx_stop(k.d);
}

Test(inbox, working_hours_bad_input_and_the_organisation_default)
{
	struct cast k;
	json_t *r;

	setup(&k);
	r = hx_err(k.ben, "bad_request", "quiet.set", "{s:s, s:s}", "hours",
	    "Mon-Fri 25:00-17:00", "tz", TZ);
	cr_expect(strstr(hx_str(json_object_get(r, "error"), "message"),
	    "25:00") != NULL);
	r = hx_err(k.ben, "bad_request", "quiet.set", "{s:s, s:s}", "hours",
	    HOURS, "tz", "Mars/Base");
	cr_expect(strstr(hx_str(json_object_get(r, "error"), "message"),
	    "unknown time zone: Mars/Base") != NULL);
	hx_err(k.ben, "bad_request", "quiet.set", "{s:s, s:s}", "hours",
	    HOURS, "tz", "../../etc/passwd");
	hx_err(k.ben, "bad_request", "quiet.set", "{s:s}", "hours", HOURS);
	hx_err(k.ben, "bad_request", "quiet.set", "{s:s, s:s}", "hours", "",
	    "tz", TZ);
	/* Nothing stored. */
	cr_expect_str_eq(hx_str(hx_ok(k.ben, "quiet.show", NULL), "source"),
	    "none");
	/* The organisation's hours are its org-admins' to set. */
	hx_err(k.ben, "forbidden", "org.hours", "{s:s, s:s, s:s}", "org",
	    "hope", "hours", HOURS, "tz", TZ);
	hx_err(k.ola, "forbidden", "org.hours", "{s:s, s:s, s:s}", "org",
	    "elsewhere", "hours", HOURS, "tz", TZ);
	r = hx_ok(k.ola, "org.hours", "{s:s, s:s, s:s}", "org", "hope",
	    "hours", "mon-fri 08:30-16:30", "tz", TZ);
	cr_expect_str_eq(hx_str(r, "hours"), "Mon-Fri 08:30-16:30");
	r = hx_ok(k.ben, "quiet.show", NULL);
	cr_expect_str_eq(hx_str(r, "source"), "org");
	cr_expect_str_eq(hx_str(r, "hours"), "Mon-Fri 08:30-16:30");
	hx_ok(k.ben, "quiet.set", "{s:s, s:s}", "hours",
	    "Mon,Wed 08:00-12:00; Tue 13:00-18:00", "tz", "Asia/Tokyo");
	r = hx_ok(k.ben, "quiet.show", NULL);
	cr_expect_str_eq(hx_str(r, "source"), "mine");
	cr_expect_str_eq(hx_str(r, "tz"), "Asia/Tokyo");
	hx_ok(k.ben, "quiet.off", NULL);
	cr_expect_str_eq(hx_str(hx_ok(k.ben, "quiet.show", NULL), "source"),
	    "org");
	hx_err(k.ola, "bad_request", "org.hours", "{s:s, s:b, s:s}", "org",
	    "hope", "off", 1, "hours", HOURS);
	hx_ok(k.ola, "org.hours", "{s:s, s:b}", "org", "hope", "off", 1);
	cr_expect_str_eq(hx_str(hx_ok(k.ben, "quiet.show", NULL), "source"),
	    "none");
	hx_stop(k.d);
}

Test(inbox, a_mention_reaches_only_who_can_read_it)
{
	struct cast k;
	json_t *a, *b, *ev, *post;
	int64_t root, held;

	setup(&k);
	hx_ok(k.eve, "subscribe", NULL);
	hx_ok(k.ben, "subscribe", NULL);
	root = hx_post(k.cara, ORGCH, "Planning", 0, "agenda");
	/* eve cannot read hope's channel; "nobody" does not exist. The
	 * two replies are alike, and eve hears nothing. */
	a = hx_ok(k.cara, "post", "{s:s, s:I, s:s}", "channel", ORGCH,
	    "thread", (json_int_t)root, "body", "@eve what do you think?");
	b = hx_ok(k.cara, "post", "{s:s, s:I, s:s}", "channel", ORGCH,
	    "thread", (json_int_t)root, "body", "@nobody what do you think?");
	cr_expect_eq(json_object_size(a), json_object_size(b));
	cr_expect_null(json_object_get(a, "quiet"));
	settle(k.eve);
	cr_expect_eq(seen_count(k.eve, "\"ev\":\"inbox\""), 0);
	cr_expect_eq(seen_count(k.eve, "what do you think"), 0);
	cr_expect_eq(json_array_size(inbox_items(k.eve, 1)), 0);

	/* Named twice, told once; one's own name tells no one. */
	hx_ok(k.cara, "post", "{s:s, s:I, s:s}", "channel", ORGCH, "thread",
	    (json_int_t)root, "body", "@ben and again @ben, and @cara");
	settle(k.ben);
	cr_expect_eq(seen_count(k.ben, "\"ev\":\"inbox\""), 1);
	cr_expect_eq(json_array_size(inbox_items(k.cara, 1)), 0);

	/* Anyone may read a peer channel: eve is told, live. */
	root = hx_post(k.cara, PEERCH, "Across", 0, "hello @eve");
	ev = hx_event_named(k.eve, "inbox", hx_ms(HX_WAIT_MS));
	cr_assert_not_null(ev);
	post = json_object_get(json_object_get(ev, "item"), "post");
	cr_expect_eq(hx_int(post, "post"), root);
	cr_expect_str_eq(hx_str(post, "author"), "cara");

	/* A held post names no one until it is approved. */
	hx_ok(k.fay, "channel.set", "{s:s, s:s, s:b}", "channel", PEERCH,
	    "moderation", "pre", "anon", 1);
	held = hx_int(hx_ok(k.cara, "post", "{s:s, s:I, s:s}", "channel",
	    PEERCH, "thread", (json_int_t)root, "body", "@eve see this"),
	    "post");
	settle(k.eve);
	cr_expect_eq(seen_count(k.eve, "see this"), 0);
	hx_ok(k.fay, "mod.approve", "{s:I}", "post", (json_int_t)held);
	ev = hx_event_named(k.eve, "inbox", hx_ms(HX_WAIT_MS));
	cr_assert_not_null(ev);
	cr_expect_eq(hx_int(json_object_get(json_object_get(ev, "item"),
	    "post"), "post"), held);

	/* An anonymous post's mention does not name its author. */
	hx_ok(k.fay, "channel.set", "{s:s, s:s}", "channel", PEERCH,
	    "moderation", "open");
	hx_ok(k.cara, "post", "{s:s, s:I, s:s, s:b}", "channel", PEERCH,
	    "thread", (json_int_t)root, "body", "@ben from a friend", "anon", 1);
	ev = inbox_event_with(k.ben, "from a friend");
	cr_assert_not_null(ev);
	post = json_object_get(json_object_get(ev, "item"), "post");
	cr_expect(json_is_true(json_object_get(post, "anon")));
	cr_expect_null(json_object_get(post, "author"));
	settle(k.ben);
	cr_expect(seen_count(k.ben, "from a friend") >= 1);
	cr_expect(!seen_together(k.ben, "from a friend", "cara"));
	hx_stop(k.d);
}
