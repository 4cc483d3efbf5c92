/*
 * 39-data-rights.c: the data-rights features against each other, over
 * the wire: a shared story leaves every later export when its author is
 * erased, or when its post passes its channel's retention; what was
 * used still counts in the programme's report afterwards (events and
 * traces of use hold no content and stay), while the erased text and
 * name appear in none of the report's or the export's bytes.
 */
#include <string.h>

#include <criterion/criterion.h>

#include "harness.h"
#include "hx-ops.h"

TestSuite(datarights, .timeout = HX_TEST_TIMEOUT);

#define PEERCH		"peer/commons"
#define KEPT		"peer/kept"
/* 2025-01-10 09:00 UTC. */
#define T0_MS		(1736499600LL * 1000)
#define DAY_MS		(86400 * 1000LL)

static json_t *
export(struct hx_conn *c)
{
	return json_object_get(hx_ok(c, "stories.export", NULL), "stories");
}

static int
exported(struct hx_conn *c, const char *text)
{
	json_t *s;
	size_t i;

	json_array_foreach(export(c), i, s)
		if (strstr(hx_str(s, "body"), text) != NULL)
			return 1;
	return 0;
}

/* The posts metric's total for January 2025. */
static int64_t
posts_made(struct hx_conn *c)
{
	json_t *r = json_object_get(hx_ok(c, "programme.report", "{s:s, s:s}",
	    "from", "2025-01", "to", "2025-01"), "report");
	json_t *m = json_array_get(json_object_get(r, "metrics"), 1);

	cr_assert_str_eq(hx_str(m, "key"), "posts");
	return json_integer_value(json_object_get(m, "total"));
}

Test(datarights, erased_and_expired_stories_leave_the_export)
{
	struct hx_daemon *d;
	struct hx_conn *root, *fay, *ana, *ben, *cai, *dee, *eve, *fresh;
	int64_t p1, p2, p3;
	const char *seen;
	size_t len, mark;

	hx_clock_start_at(T0_MS);
	d = hx_start(NULL);
	root = hx_admin(d);
	fay = hx_user(d, "fulcrum", "facilitator", "fay");
	ana = hx_user(d, "alder", "member", "ana");
	ben = hx_user(d, "alder", "member", "ben");
	cai = hx_user(d, "alder", "member", "cai");
	dee = hx_user(d, "alder", "member", "dee");
	eve = hx_user(d, "alder", "member", "eve");
	hx_ok(fay, "channel.create", "{s:s}", "channel", PEERCH);
	hx_ok(fay, "channel.create", "{s:s}", "channel", KEPT);
	hx_ok(ana, "join", "{s:s}", "channel", PEERCH);
	hx_ok(ben, "join", "{s:s}", "channel", PEERCH);
	hx_ok(ben, "join", "{s:s}", "channel", KEPT);
	hx_ok(cai, "join", "{s:s}", "channel", PEERCH);
	hx_ok(dee, "join", "{s:s}", "channel", PEERCH);
	hx_ok(eve, "join", "{s:s}", "channel", PEERCH);
	p1 = hx_post(ana, PEERCH, "Ana's week", 0, "ANA-STORY the night shift");
	p2 = hx_post(ben, PEERCH, "Ben's week", 0, "BEN-STORY the long queue");
	p3 = hx_post(ben, KEPT, "Kept", 0, "KEPT-STORY what helped");
	hx_post(cai, PEERCH, "Hi", 0, "one");
	hx_post(dee, PEERCH, "Hi", 0, "two");
	hx_post(eve, PEERCH, "Hi", 0, "three");
	hx_ok(ana, "story.share", "{s:I, s:s}", "post", (json_int_t)p1,
	    "consent", "may be quoted anonymously in the programme report");
	hx_ok(ben, "story.share", "{s:I, s:s}", "post", (json_int_t)p2,
	    "consent", "may be quoted anonymously in the programme report");
	hx_ok(ben, "story.share", "{s:I, s:s}", "post", (json_int_t)p3,
	    "consent", "may be quoted anonymously in the programme report");
	cr_assert(exported(fay, "ANA-STORY"));
	cr_assert(exported(fay, "BEN-STORY"));
	cr_assert_eq(posts_made(fay), 6);

	/* Ana is erased: her story leaves the export at once. */
	hx_ok(root, "admin.erase", "{s:s, s:s}", "user", "ana", "reason",
	    "asked to be forgotten");
	cr_assert(!exported(fay, "ANA-STORY"));
	cr_assert(exported(fay, "BEN-STORY"));

	/* A month on, a week's retention on peer/commons: Ben's story there
	 * goes with its post; the one in peer/kept stays. */
	hx_clock_set(T0_MS + 30 * DAY_MS);
	fay = hx_login(d, "fay");
	mark = hx_log_mark(d);
	hx_ok(fay, "channel.set", "{s:s, s:I}", "channel", PEERCH, "retention",
	    (json_int_t)(7 * 86400));
	cr_assert(hx_log_wait(d, mark, "retention: ", hx_ms(HX_WAIT_MS)));
	fresh = hx_login(d, "fay");
	cr_assert(!exported(fresh, "BEN-STORY"));
	cr_assert(exported(fresh, "KEPT-STORY"));
	cr_assert_eq(json_array_size(export(fresh)), 1);
	/* What was used still counts: six posts were made in January. */
	cr_assert_eq(posts_made(fresh), 6);
	/* Nothing erased or expired in what the facilitator received. */
	seen = hx_seen(fresh, &len);
	cr_assert(!hx_contains(seen, len, "ANA-STORY"));
	cr_assert(!hx_contains(seen, len, "BEN-STORY"));
	cr_assert(!hx_contains(seen, len, "\"ana\""));
	hx_stop(d);
}
