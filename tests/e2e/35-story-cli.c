/*
 * 35-story-cli.c: the stories' and the data export's commands through
 * the real `harbour` binary: story share (and its usage errors),
 * stories for an author and for a facilitator, stories export as
 * Markdown and JSON into files made 0600, story withdraw and the next
 * export without it; and me export, complete: every part of the
 * document present and holding the member's own data (an edited post
 * with its earlier text, an anonymous one, a report they made, an
 * answer to an event they attended, a subscription, a story, a block,
 * their working hours), and nothing of another member's (a report
 * about them, its reason, another's post).
 *
 * The cast: refugee-action's org-admin ola and members amira and ben;
 * welcome's facilitator fay, who runs peer/voices (anonymous posts
 * allowed) and the event.
 */
#include <sys/stat.h>

#include <string.h>

#include <criterion/criterion.h>

#include "harness.h"
#include "hx-ops.h"

TestSuite(storycli, .timeout = HX_TEST_TIMEOUT);

#define ORGCH	"refugee-action/general"
#define PEERCH	"peer/voices"
#define CONSENT	"may be quoted anonymously in the programme report"
/* Fri 28 Mar 2025 10:00 UTC; the event on Mon 31 Mar 09:00 London
 * (08:00 UTC), attended ten minutes in. */
#define FRIDAY	1743156000LL
#define START	1743408000LL

struct cast {
	struct hx_daemon	*d;
	struct hx_conn		*ola, *amira, *ben, *fay;
};

static void
setup(struct cast *k)
{
	k->d = hx_start(NULL);
	k->ola = hx_user(k->d, "refugee-action", "org-admin", "ola");
	k->amira = hx_user(k->d, "refugee-action", "member", "amira");
	k->ben = hx_user(k->d, "refugee-action", "member", "ben");
	k->fay = hx_user(k->d, "welcome", "facilitator", "fay");
	hx_ok(k->ola, "channel.create", "{s:s}", "channel", ORGCH);
	hx_ok(k->amira, "join", "{s:s}", "channel", ORGCH);
	hx_ok(k->ben, "join", "{s:s}", "channel", ORGCH);
	hx_ok(k->fay, "channel.create", "{s:s}", "channel", PEERCH);
	hx_ok(k->fay, "channel.set", "{s:s, s:b}", "channel", PEERCH,
	    "anon", 1);
	hx_ok(k->amira, "join", "{s:s}", "channel", PEERCH);
	OK(k->d, "amira", "login", "--user", "amira");
	OK(k->d, "ben", "login", "--user", "ben");
	OK(k->d, "fay", "login", "--user", "fay");
}

static const char *
file_in(struct cast *k, const char *name)
{
	return hx_strf("%s/%s", hx_dir(k->d), name);
}

static int
mode_of(const char *path)
{
	struct stat st;

	cr_assert_eq(stat(path, &st), 0, "%s", path);
	return st.st_mode & 0777;
}

Test(storycli, share_list_export_withdraw)
{
	struct cast k;
	struct hx_run r;
	const char *md, *js, *id;
	json_t *doc;
	int64_t post;

	setup(&k);
	post = hx_post(k.amira, ORGCH, "What helped", 0, "Thanks to @ben,\n"
	    "who stayed late.");
	id = hx_strf("%lld", (long long)post);

	/* Usage errors cost no round trip. */
	FAILS(k.d, "amira", 64, "story", "share", id);
	FAILS(k.d, "amira", 64, "story", "share", "four", "--consent",
	    CONSENT);
	FAILS(k.d, "fay", 64, "stories", "export", "--format", "pdf");
	/* Another's post: refused, with the server's reason. */
	r = FAILS(k.d, "ben", 1, "story", "share", id, "--consent", CONSENT);
	HAS(r.err, "only a post's author can share it as a story");

	r = OK(k.d, "amira", "story", "share", id, "--consent", CONSENT);
	HAS(r.out, hx_strf("shared post #%s as a story", id));
	r = OK(k.d, "amira", "stories");
	HAS(r.out, hx_strf("#%s  refugee-action/general", id));
	HAS(r.out, "consent: " CONSENT);
	HAS(r.out, "by amira (refugee-action)");
	/* fay may not read the channel: no number, no names. */
	r = OK(k.d, "fay", "stories");
	HAS(r.out, "general  shared ");
	HASNT(r.out, hx_strf("#%s", id));
	HASNT(r.out, "amira");
	HASNT(r.out, "refugee-action");
	HAS(r.out, "  Thanks to [name removed],\n");

	/* Markdown, into a file made 0600. */
	md = file_in(&k, "stories.md");
	r = OK(k.d, "fay", "stories", "export", "-o", md);
	HAS(r.out, "wrote 1 story to");
	cr_expect_eq(mode_of(md), 0600);
	md = hx_slurp(md, NULL);
	HAS(md, "# Stories\n\n## 1. general\n\n**What helped**\n\n"
	    "> Thanks to [name removed],\n> who stayed late.\n\n"
	    "Consent, given ");
	HAS(md, ": \"" CONSENT "\"\n");
	HASNT(md, "amira");
	HASNT(md, "ben");
	HASNT(md, "refugee-action");
	/* JSON, the server's list. */
	js = file_in(&k, "stories.json");
	OK(k.d, "fay", "stories", "export", "--format", "json", "--output",
	    js);
	cr_expect_eq(mode_of(js), 0600);
	doc = hx_keep(json_loads(hx_slurp(js, NULL), 0, NULL));
	cr_assert_not_null(doc);
	cr_expect_eq(json_array_size(json_object_get(doc, "stories")), 1);
	cr_expect_str_eq(hx_str(json_array_get(json_object_get(doc,
	    "stories"), 0), "theme"), "general");
	/* A member may not export. */
	FAILS(k.d, "ben", 1, "stories", "export");

	r = OK(k.d, "amira", "story", "withdraw", id);
	HAS(r.out, "withdrew the story");
	r = OK(k.d, "fay", "stories", "export");
	HAS(r.out, "# Stories\n");
	HASNT(r.out, "## 1.");
	r = OK(k.d, "amira", "stories", "--mine");
	HAS(r.out, "[withdrawn ");
	r = FAILS(k.d, "amira", 1, "story", "share", id, "--consent",
	    CONSENT);
	HAS(r.err, "never shared again");
	hx_stop(k.d);
}

/* Each part of the document, an array holding n items at least. */
static json_t *
part(json_t *doc, const char *name, size_t n)
{
	json_t *a = json_object_get(doc, name);

	cr_assert(json_is_array(a), "no \"%s\" in the export", name);
	cr_expect_geq(json_array_size(a), n, "\"%s\": %s", name, hx_dump(a));
	return a;
}

Test(storycli, me_export_complete_and_only_mine)
{
	struct cast k;
	json_t *doc, *posts, *p, *v;
	const char *path, *text;
	int64_t root, anon, bens, event;
	size_t i;
	int edited = 0, anonymous = 0;

	hx_clock_start_at(FRIDAY * 1000);
	setup(&k);
	root = hx_post(k.amira, ORGCH, "First", 0, "my first words");
	hx_ok(k.amira, "edit", "{s:I, s:s}", "post", (json_int_t)root, "body",
	    "my second words");
	anon = hx_int(hx_ok(k.amira, "post", "{s:s, s:s, s:s, s:b}",
	    "channel", PEERCH, "title", "Quiet", "body", "my quiet words",
	    "anon", 1), "post");
	bens = hx_post(k.ben, ORGCH, NULL, root, "ben's own words");
	hx_ok(k.amira, "report", "{s:I, s:s}", "post", (json_int_t)bens,
	    "reason", "my report's reason");
	hx_ok(k.ben, "report", "{s:I, s:s}", "post", (json_int_t)root,
	    "reason", "ben's report about amira");
	hx_ok(k.amira, "tag.subscribe", "{s:s}", "tag", "training");
	hx_ok(k.amira, "block", "{s:s}", "user", "ola");
	hx_ok(k.amira, "quiet.set", "{s:s, s:s}", "hours",
	    "Mon-Fri 09:00-17:00", "tz", "Europe/London");
	hx_ok(k.amira, "story.share", "{s:I, s:s}", "post", (json_int_t)root,
	    "consent", CONSENT);
	event = hx_int(hx_ok(k.fay, "event.create", "{s:s, s:s, s:s, s:I}",
	    "title", "Peer support circle", "at", "2025-03-31 09:00", "tz",
	    "Europe/London", "duration", (json_int_t)60), "event");
	hx_ok(k.amira, "event.rsvp", "{s:I, s:s}", "event", (json_int_t)event,
	    "answer", "yes");
	hx_clock_set((START + 600) * 1000);
	k.fay = hx_login(k.d, "fay");
	hx_ok(k.fay, "event.attended", "{s:I, s:[s]}", "event",
	    (json_int_t)event, "users", "amira");

	path = file_in(&k, "me.json");
	OK(k.d, "amira", "me", "export", "-o", path);
	cr_expect_eq(mode_of(path), 0600);
	text = hx_slurp(path, NULL);
	doc = hx_keep(json_loads(text, 0, NULL));
	cr_assert_not_null(doc, "%s", text);
	cr_expect_str_eq(hx_str(doc, "format"), "harbour-export-1");
	cr_expect_null(json_object_get(doc, "more"));
	p = json_object_get(doc, "account");
	cr_expect_str_eq(hx_str(p, "name"), "amira");
	cr_expect_str_eq(hx_str(p, "org"), "refugee-action");
	cr_expect_str_eq(hx_str(p, "role"), "member");
	cr_expect_str_eq(hx_str(json_object_get(doc, "settings"), "hours"),
	    "Mon-Fri 09:00-17:00");
	part(doc, "memberships", 2);
	posts = part(doc, "posts", 2);
	json_array_foreach(posts, i, p) {
		if (hx_int(p, "post") == root) {
			cr_expect_str_eq(hx_str(p, "body"), "my second words");
			v = json_object_get(p, "versions");
			cr_assert_eq(json_array_size(v), 1, "%s", hx_dump(p));
			cr_expect_str_eq(hx_str(json_array_get(v, 0), "body"),
			    "my first words");
			edited = 1;
		}
		if (hx_int(p, "post") == anon) {
			cr_expect(json_is_true(json_object_get(p,
			    "anonymous")));
			anonymous = 1;
		}
	}
	cr_expect(edited && anonymous, "%s", hx_dump(posts));
	cr_expect_str_eq(hx_str(json_array_get(part(doc, "reports", 1), 0),
	    "reason"), "my report's reason");
	cr_expect_eq(json_array_size(json_object_get(doc, "reports")), 1);
	cr_expect_str_eq(hx_str(json_array_get(part(doc, "rsvps", 1), 0),
	    "answer"), "yes");
	part(doc, "attendance", 1);
	cr_expect_str_eq(hx_str(json_array_get(part(doc, "subscriptions", 1),
	    0), "tag"), "training");
	cr_expect_str_eq(hx_str(json_array_get(part(doc, "stories", 1), 0),
	    "consent"), CONSENT);
	cr_expect_str_eq(hx_str(json_array_get(part(doc, "blocks", 1), 0),
	    "user"), "ola");
	part(doc, "certificates", 0);
	part(doc, "sessions", 1);
	part(doc, "resources", 0);
	part(doc, "inbox", 0);
	part(doc, "activity", 0);
	part(doc, "fetches", 0);
	cr_expect_eq(json_array_size(json_object_get(doc, "truncated")), 0);
	/* Nothing of anyone else's: not ben's post, not his report about
	 * her, not that it was him; never a session's secret. */
	HASNT(text, "ben's own words");
	HASNT(text, "ben's report about amira");
	HASNT(text, "\"ben\"");
	HASNT(text, hx_token(k.amira));
	/* On standard output, the same document. */
	cr_expect_str_eq(hx_dump(hx_keep(json_loads(OK(k.d, "amira", "me",
	    "export").out, 0, NULL))), hx_dump(doc));
	hx_stop(k.d);
}
