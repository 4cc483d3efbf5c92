/*
 * 34-stories.c: stories with consent, over the wire. A post shared by
 * its author is exported anonymised (read from the raw bytes: neither
 * the author, their organisation nor anyone the text names), withdrawn
 * and gone from the next export and from the facilitators' list; a
 * story whose post is hidden by a moderator, deleted by its author or
 * gone (retention), or whose author was erased, leaves the export too;
 * a consent that allows naming names the author; a facilitator who may
 * not read a story's channel lists it as the export gives it; every bad
 * request has its code and leaves nothing stored; and the export and
 * me.export come in pages that each fit a line.
 *
 * The cast: refugee-action's org-admin ola, facilitator fran and members
 * amira, ben and cara; welcome's facilitator fay, who runs peer/voices
 * (anonymous posts allowed); elsewhere's member eve.
 */
#include <string.h>

#include <criterion/criterion.h>

#include "harness.h"
#include "hx-ops.h"
#include "proto.h"

TestSuite(stories, .timeout = HX_TEST_TIMEOUT);

#define ORG	"refugee-action"
#define ORGCH	ORG "/general"
#define PEERCH	"peer/voices"
#define CONSENT	"may be quoted anonymously in the programme report"

struct cast {
	struct hx_daemon	*d;
	struct hx_conn		*ola, *amira, *ben, *cara, *fay, *fran, *eve;
};

static void
setup(struct cast *k)
{
	k->d = hx_start(NULL);
	k->ola = hx_user(k->d, ORG, "org-admin", "ola");
	k->amira = hx_user(k->d, ORG, "member", "amira");
	k->ben = hx_user(k->d, ORG, "member", "ben");
	k->cara = hx_user(k->d, ORG, "member", "cara");
	k->fay = hx_user(k->d, "welcome", "facilitator", "fay");
	k->fran = hx_user(k->d, ORG, "facilitator", "fran");
	k->eve = hx_user(k->d, "elsewhere", "member", "eve");
	hx_ok(k->ola, "channel.create", "{s:s}", "channel", ORGCH);
	hx_ok(k->amira, "join", "{s:s}", "channel", ORGCH);
	hx_ok(k->ben, "join", "{s:s}", "channel", ORGCH);
	hx_ok(k->cara, "join", "{s:s}", "channel", ORGCH);
	hx_ok(k->fay, "channel.create", "{s:s}", "channel", PEERCH);
	hx_ok(k->fay, "channel.set", "{s:s, s:b}", "channel", PEERCH,
	    "anon", 1);
	hx_ok(k->amira, "join", "{s:s}", "channel", PEERCH);
}

static json_t *
share(struct hx_conn *c, int64_t post)
{
	return json_object_get(hx_ok(c, "story.share", "{s:I, s:s}", "post",
	    post, "consent", CONSENT), "story");
}

static json_t *
stories(struct hx_conn *c, int mine)
{
	return json_object_get(hx_ok(c, "stories", "{s:b}", "mine", mine),
	    "stories");
}

static json_t *
exported(struct hx_conn *c)
{
	return json_object_get(hx_ok(c, "stories.export", NULL), "stories");
}

Test(stories, shared_exported_anonymised_withdrawn_and_gone)
{
	struct cast k;
	struct hx_conn *fay2;
	json_t *y, *list, *mine;
	const char *seen, *body;
	int64_t post;

	setup(&k);
	post = hx_post(k.amira, ORGCH, "What helped", 0, "Thanks to @ben and "
	    "Cara, and everyone at refugee-action. amira.");
	y = share(k.amira, post);
	cr_expect_eq(hx_int(y, "post"), post);
	cr_expect_str_eq(hx_str(y, "channel"), ORGCH);
	cr_expect_str_eq(hx_str(y, "theme"), ORGCH);
	cr_expect_str_eq(hx_str(y, "consent"), CONSENT);
	cr_expect(json_is_false(json_object_get(y, "named")));
	cr_expect(json_is_true(json_object_get(y, "live")));
	cr_expect_str_eq(hx_str(y, "author"), "amira");
	cr_expect(json_object_get(y, "shared_at") != NULL);

	/* The facilitators' list: the story, its author not named; to
	 * one who may not read the channel, as the export gives it. */
	list = stories(k.fran, 0);
	cr_assert_eq(json_array_size(list), 1, "%s", hx_dump(list));
	y = json_array_get(list, 0);
	cr_expect_eq(hx_int(y, "post"), post);
	cr_expect_str_eq(hx_str(y, "channel"), ORGCH);
	cr_expect_null(json_object_get(y, "author"));
	cr_expect_null(json_object_get(y, "org"));
	list = stories(k.fay, 0);
	cr_assert_eq(json_array_size(list), 1, "%s", hx_dump(list));
	y = json_array_get(list, 0);
	cr_expect_null(json_object_get(y, "post"));
	cr_expect_null(json_object_get(y, "channel"));
	cr_expect_null(json_object_get(y, "author"));
	cr_expect_str_eq(hx_str(y, "theme"), "general");
	cr_expect(json_is_true(json_object_get(y, "live")));
	HAS(hx_str(y, "body"), "Thanks to [name removed]");

	/* The export, on a connection of its own, read byte by byte. */
	fay2 = hx_login(k.d, "fay");
	list = exported(fay2);
	cr_assert_eq(json_array_size(list), 1, "%s", hx_dump(list));
	y = json_array_get(list, 0);
	cr_expect_eq(hx_int(y, "n"), 1);
	cr_expect_null(json_object_get(y, "post"));
	cr_expect_null(json_object_get(y, "author"));
	cr_expect_str_eq(hx_str(y, "theme"), "general");
	cr_expect_str_eq(hx_str(y, "title"), "What helped");
	body = hx_str(y, "body");
	cr_expect_str_eq(body, "Thanks to [name removed] and [name removed], "
	    "and everyone at [organisation removed]. [name removed].");
	seen = hx_seen(fay2, NULL);
	HASNT(seen, "amira");
	HASNT(seen, "ben");
	HASNT(seen, "Cara");
	HASNT(seen, "cara");
	HASNT(seen, ORG);

	/* Withdrawn: gone from the next export and the list, kept (marked)
	 * in its author's own. */
	cr_expect_eq(json_object_size(hx_ok(k.amira, "story.withdraw",
	    "{s:I}", "post", post)), 0);
	cr_expect_eq(json_array_size(exported(k.fay)), 0);
	cr_expect_eq(json_array_size(stories(k.fay, 0)), 0);
	mine = stories(k.amira, 0);
	cr_assert_eq(json_array_size(mine), 1);
	y = json_array_get(mine, 0);
	cr_expect(json_object_get(y, "withdrawn_at") != NULL);
	cr_expect(json_is_false(json_object_get(y, "live")));
	/* And final. */
	hx_err(k.amira, "bad_state", "story.share", "{s:I, s:s}", "post",
	    post, "consent", CONSENT);
	hx_err(k.amira, "bad_state", "story.withdraw", "{s:I}", "post", post);
	cr_expect_eq(json_array_size(exported(k.fay)), 0);
	hx_stop(k.d);
}

Test(stories, bad_input_each_with_its_code_nothing_stored)
{
	struct cast k;
	json_t *r, *none;
	int64_t post, other, held, hidden, deleted, anon, dm;
	char longer[PROTO_MAX_REASON + 2];

	setup(&k);
	post = hx_post(k.amira, ORGCH, "Mine", 0, "my words");
	/* Someone else's post. */
	r = hx_err(k.ben, "forbidden", "story.share", "{s:I, s:s}", "post",
	    post, "consent", CONSENT);
	HAS(hx_dump(r), "only a post's author can share it as a story");
	/* A post the caller may not read answers as one that does not
	 * exist, byte for byte but the id. */
	none = hx_err(k.eve, "not_found", "story.share", "{s:I, s:s}",
	    "post", (json_int_t)999999, "consent", CONSENT);
	r = hx_err(k.eve, "not_found", "story.share", "{s:I, s:s}", "post",
	    post, "consent", CONSENT);
	cr_expect_str_eq(hx_dump(json_object_get(r, "error")),
	    hx_dump(json_object_get(none, "error")));
	/* Held, hidden, deleted. */
	hx_ok(k.ola, "channel.set", "{s:s, s:s}", "channel", ORGCH,
	    "moderation", "pre");
	held = hx_post(k.amira, ORGCH, "Waiting", 0, "held words");
	r = hx_err(k.amira, "bad_state", "story.share", "{s:I, s:s}", "post",
	    held, "consent", CONSENT);
	HAS(hx_dump(r), "waiting for a moderator");
	hx_ok(k.ola, "channel.set", "{s:s, s:s}", "channel", ORGCH,
	    "moderation", "open");
	hidden = hx_post(k.amira, ORGCH, "Hidden", 0, "hidden words");
	hx_ok(k.ola, "mod.hide", "{s:I, s:s}", "post", hidden, "reason",
	    "names a child");
	r = hx_err(k.amira, "bad_state", "story.share", "{s:I, s:s}", "post",
	    hidden, "consent", CONSENT);
	HAS(hx_dump(r), "hidden by a moderator");
	deleted = hx_post(k.amira, ORGCH, "Gone", 0, "deleted words");
	hx_ok(k.amira, "delete", "{s:I}", "post", deleted);
	r = hx_err(k.amira, "bad_state", "story.share", "{s:I, s:s}", "post",
	    deleted, "consent", CONSENT);
	HAS(hx_dump(r), "deleted");
	/* An anonymous post is never named. */
	anon = hx_int(hx_ok(k.amira, "post", "{s:s, s:s, s:s, s:b}",
	    "channel", PEERCH, "title", "Quiet", "body", "anon words", "anon",
	    1), "post");
	hx_err(k.amira, "bad_state", "story.share", "{s:I, s:s, s:b}", "post",
	    anon, "consent", CONSENT, "named", 1);
	/* A conversation's message. */
	dm = hx_int(hx_ok(k.amira, "dm", "{s:s, s:s}", "user", "ben", "body",
	    "just us"), "post");
	hx_err(k.amira, "bad_state", "story.share", "{s:I, s:s}", "post", dm,
	    "consent", CONSENT);
	/* The consent: missing, empty, too long; named not a boolean. */
	hx_err(k.amira, "bad_request", "story.share", "{s:I}", "post", post);
	hx_err(k.amira, "bad_text", "story.share", "{s:I, s:s}", "post", post,
	    "consent", "");
	memset(longer, 'a', sizeof longer - 1);
	longer[sizeof longer - 1] = '\0';
	hx_err(k.amira, "too_large", "story.share", "{s:I, s:s}", "post",
	    post, "consent", longer);
	hx_err(k.amira, "bad_request", "story.share", "{s:I, s:s, s:s}",
	    "post", post, "consent", CONSENT, "named", "yes");
	hx_err(k.amira, "bad_request", "story.share", "{s:s, s:s}", "post",
	    "1", "consent", CONSENT);
	/* Nothing was stored by any of those. */
	cr_expect_eq(json_array_size(stories(k.amira, 1)), 0);
	cr_expect_eq(json_array_size(stories(k.fay, 0)), 0);

	/* Twice: exists. Not shared, or another's: not_found. */
	share(k.amira, post);
	hx_err(k.amira, "exists", "story.share", "{s:I, s:s}", "post", post,
	    "consent", CONSENT);
	hx_err(k.amira, "not_found", "story.withdraw", "{s:I}", "post", anon);
	r = hx_err(k.ben, "not_found", "story.withdraw", "{s:I}", "post",
	    post);
	HAS(hx_dump(r), "no story of yours");
	/* Exports are for facilitators and admins. */
	hx_err(k.amira, "forbidden", "stories.export", NULL);
	hx_err(k.ola, "forbidden", "stories.export", NULL);
	/* A member's list is their own, whatever they ask. */
	cr_expect_eq(json_array_size(stories(k.ben, 0)), 0);
	other = hx_int(json_array_get(stories(k.amira, 1), 0), "post");
	cr_expect_eq(other, post);
	cr_expect_eq(json_array_size(exported(hx_admin(k.d))), 1);
	hx_stop(k.d);
}

Test(stories, hidden_deleted_or_erased_leave_the_export)
{
	struct cast k;
	json_t *list;
	int64_t a, b, c, d, e;

	setup(&k);
	a = hx_post(k.amira, ORGCH, "One", 0, "story one");
	b = hx_post(k.amira, ORGCH, "Two", 0, "story two");
	c = hx_post(k.cara, ORGCH, "Three", 0, "story three");
	d = hx_post(k.ben, ORGCH, "Four", 0, "story four");
	e = hx_post(k.ben, ORGCH, NULL, d, "story five, a reply");
	share(k.amira, a);
	share(k.amira, b);
	share(k.cara, c);
	share(k.ben, d);
	share(k.ben, e);
	cr_assert_eq(json_array_size(exported(k.fay)), 5);

	hx_ok(k.ola, "mod.hide", "{s:I, s:s}", "post", a, "reason", "x");
	hx_ok(k.amira, "delete", "{s:I}", "post", b);
	/* What erasure and retention leave behind, whatever else they do:
	 * an account marked erased, a post row gone. */
	hx_db_exec(k.d, "UPDATE accounts SET erased_at = 1 WHERE name = "
	    "'cara'");
	hx_db_exec(k.d, hx_strf("DELETE FROM posts WHERE id = %lld",
	    (long long)e));
	list = exported(k.fay);
	cr_assert_eq(json_array_size(list), 1, "%s", hx_dump(list));
	cr_expect_str_eq(hx_str(json_array_get(list, 0), "body"),
	    "story four");
	cr_expect_eq(hx_int(json_array_get(list, 0), "n"), 1);
	cr_expect_eq(json_array_size(stories(k.fay, 0)), 1);
	/* Unhidden, it is back: nothing was deleted, only left out. */
	hx_ok(k.ola, "mod.unhide", "{s:I}", "post", a);
	cr_expect_eq(json_array_size(exported(k.fay)), 2);
	hx_stop(k.d);
}

Test(stories, named_consent_names_the_author_only)
{
	struct cast k;
	json_t *y, *list;
	int64_t post, anon;

	setup(&k);
	post = hx_post(k.amira, ORGCH, "Named", 0, "I am amira; @ben helped");
	y = json_object_get(hx_ok(k.amira, "story.share", "{s:I, s:s, s:b}",
	    "post", post, "consent", "may be quoted with my name", "named",
	    1), "story");
	cr_expect(json_is_true(json_object_get(y, "named")));
	anon = hx_int(hx_ok(k.amira, "post", "{s:s, s:s, s:s, s:b}",
	    "channel", PEERCH, "title", "Quiet", "body", "nobody knows",
	    "anon", 1), "post");
	share(k.amira, anon);

	list = exported(k.fay);
	cr_assert_eq(json_array_size(list), 2, "%s", hx_dump(list));
	y = json_array_get(list, 0);
	cr_expect_str_eq(hx_str(y, "author"), "amira");
	cr_expect_str_eq(hx_str(y, "org"), ORG);
	cr_expect_str_eq(hx_str(y, "theme"), ORGCH);
	cr_expect_str_eq(hx_str(y, "body"), "I am amira; [name removed] "
	    "helped");
	y = json_array_get(list, 1);
	cr_expect(json_is_false(json_object_get(y, "named")));
	cr_expect_null(json_object_get(y, "author"));
	cr_expect_str_eq(hx_str(y, "theme"), "voices");
	/* The facilitators' list names the named one's author only. */
	list = stories(k.fay, 0);
	cr_expect_str_eq(hx_str(json_array_get(list, 0), "author"), "amira");
	cr_expect_null(json_object_get(json_array_get(list, 1), "author"));
	hx_stop(k.d);
}

/* me.export pages a member's posts (newest first, about a MiB of text
 * a reply) so that no reply outgrows a line; together the pages hold
 * every post once. */
Test(stories, me_export_pages_every_post_once)
{
	struct hx_daemon *d;
	struct hx_conn *c, *o;
	json_t *reply, *r, *posts, *all;
	static char body[PROTO_MAX_BODY + 1];
	int64_t root, before, prev = 0;
	size_t i, pages = 0;
	int n = 130;

	d = hx_start("request_rate = 100000\nrequest_burst = 100000\n");
	o = hx_user(d, ORG, "org-admin", "ola");
	hx_ok(o, "channel.create", "{s:s}", "channel", ORGCH);
	c = hx_user(d, ORG, "member", "amira");
	hx_ok(c, "join", "{s:s}", "channel", ORGCH);
	root = hx_post(c, ORGCH, "Long", 0, "the first");
	memset(body, 'w', PROTO_MAX_BODY);
	for (i = 1; i < (size_t)n; i++)
		hx_send_post(c, ORGCH, root, body);
	for (i = 1; i < (size_t)n; i++)
		hx_assert_ok(hx_any_reply(c, hx_ms(HX_WAIT_MS)));

	all = hx_keep(json_array());
	reply = hx_call(c, "me.export", NULL);
	for (;;) {
		r = hx_assert_ok(reply);
		pages++;
		posts = json_object_get(r, "posts");
		cr_assert_gt(json_array_size(posts), 0);
		cr_expect_lt(strlen(hx_raw(c, reply)), PROTO_MAX_SERVER_LINE);
		json_array_extend(all, posts);
		if (!json_is_true(json_object_get(r, "more")))
			break;
		before = hx_int(json_array_get(posts, json_array_size(posts) -
		    1), "post");
		reply = hx_call(c, "me.export", "{s:I}", "before",
		    (json_int_t)before);
		cr_expect_null(json_object_get(json_object_get(reply,
		    "result"), "account"));
	}
	cr_expect_gt(pages, 1);
	cr_assert_eq(json_array_size(all), (size_t)n);
	for (i = 0; i < json_array_size(all); i++) {
		before = hx_int(json_array_get(all, i), "post");
		cr_expect(prev == 0 || before < prev, "not newest first");
		prev = before;
	}
	cr_expect_eq(prev, root);
	hx_err(c, "bad_request", "me.export", "{s:s}", "before", "soon");
	hx_stop(d);
}

/* Many long stories: the export comes in pages ("from" the next
 * number, while "more"), numbered on across them, each page a line. */
Test(stories, export_pages_numbered_on)
{
	struct hx_daemon *d;
	struct hx_conn *c, *o, *f;
	json_t *reply, *r, *list;
	static char body[PROTO_MAX_BODY + 1];
	int64_t from = 1, n = 0;
	int i, pages = 0, count = 40;

	d = hx_start("request_rate = 100000\nrequest_burst = 100000\n");
	o = hx_user(d, ORG, "org-admin", "ola");
	hx_ok(o, "channel.create", "{s:s}", "channel", ORGCH);
	c = hx_user(d, ORG, "member", "amira");
	f = hx_user(d, "welcome", "facilitator", "fay");
	hx_ok(c, "join", "{s:s}", "channel", ORGCH);
	memset(body, 's', PROTO_MAX_BODY);
	for (i = 0; i < count; i++)
		share(c, hx_post(c, ORGCH, "Long", 0, body));
	do {
		reply = hx_call(f, "stories.export", "{s:I}", "from",
		    (json_int_t)from);
		r = hx_assert_ok(reply);
		cr_expect_lt(strlen(hx_raw(f, reply)), PROTO_MAX_SERVER_LINE);
		list = json_object_get(r, "stories");
		cr_assert_gt(json_array_size(list), 0);
		for (i = 0; i < (int)json_array_size(list); i++)
			cr_expect_eq(hx_int(json_array_get(list, i), "n"), ++n);
		from += (int64_t)json_array_size(list);
		pages++;
	} while (json_is_true(json_object_get(r, "more")));
	cr_expect_gt(pages, 1);
	cr_expect_eq(n, count);
	/* The list pages the same way. */
	r = hx_ok(c, "stories", "{s:b}", "mine", 1);
	cr_expect(json_is_true(json_object_get(r, "more")));
	hx_err(f, "bad_request", "stories.export", "{s:I}", "from",
	    (json_int_t)0);
	hx_stop(d);
}
