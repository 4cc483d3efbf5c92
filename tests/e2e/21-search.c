/*
 * 21-search.c: search over the wire. Scripts without spaces (Chinese),
 * Arabic, Ukrainian and emoji; titles; paging; and every visibility
 * rule: another organisation's channel, held, hidden, rejected and
 * deleted posts, the old text of an edited post, anonymous authors.
 * A post becomes searchable a moment after its commit (the writer
 * indexes when idle), so each test waits for a known post to be found,
 * bounded, before asserting what is not.
 */
#include <string.h>

#include <criterion/criterion.h>

#include "harness.h"
#include "hx-ops.h"

TestSuite(search, .timeout = HX_TEST_TIMEOUT);

#define PEER	"peer/commons"
#define STAFF	"hope/staff"

static json_t *
search(struct hx_conn *c, const char *text)
{
	return json_object_get(hx_ok(c, "search", "{s:s}", "text", text),
	    "results");
}

/* Wait (bounded) until text finds post: the index has caught up. */
static json_t *
found(struct hx_conn *c, const char *text, int64_t post)
{
	int64_t until = hx_mono_ms() + hx_ms(HX_WAIT_MS);
	json_t *r, *e;
	size_t i;

	do {
		r = search(c, text);
		json_array_foreach(r, i, e)
			if (hx_int(e, "post") == post)
				return e;
		hx_ok(c, "ping", NULL);
	} while (hx_mono_ms() < until);
	cr_assert_fail("\"%s\" never found post %lld: %s", text,
	    (long long)post, hx_dump(r));
	return NULL;
}

static int
finds(struct hx_conn *c, const char *text, int64_t post)
{
	json_t *r = search(c, text), *e;
	size_t i;

	json_array_foreach(r, i, e)
		if (hx_int(e, "post") == post)
			return 1;
	return 0;
}

Test(search, any_script)
{
	struct hx_daemon *d = hx_start(NULL);
	struct hx_conn *ana = hx_user(d, "hope", "facilitator", "ana");
	int64_t zh, ar, uk, em, root;
	json_t *e;

	hx_ok(ana, "channel.create", "{s:s}", "channel", PEER);
	root = hx_post(ana, PEER, "Workshop on burnout", 0, "first");
	zh = hx_post(ana, PEER, NULL, root, "我们今天讨论了心理健康和同伴支持");
	ar = hx_post(ana, PEER, NULL, root, "الصحة النفسية مهمة لكل العاملين");
	uk = hx_post(ana, PEER, NULL, root, "Підтримка колег дуже важлива");
	em = hx_post(ana, PEER, NULL, root, "feeling \xf0\x9f\x92\x99 today");
	e = found(ana, "心理健康", zh);
	cr_expect(strstr(hx_str(e, "snippet"), "[心理健康]") != NULL, "%s",
	    hx_dump(e));
	found(ana, "健康", zh);			/* two characters */
	found(ana, "同伴支持", zh);
	found(ana, "النفسية", ar);
	found(ana, "колег", uk);
	e = found(ana, "\xf0\x9f\x92\x99", em);	/* one emoji */
	cr_expect(strstr(hx_str(e, "snippet"), "[\xf0\x9f\x92\x99]") != NULL);
	e = found(ana, "burnout", root);	/* a thread's title */
	cr_expect_str_eq(hx_str(e, "title"), "Workshop on burnout");
	cr_expect_str_eq(hx_str(e, "author"), "ana");
	cr_expect(!finds(ana, "nowhere-at-all", root));
	/* Paging. */
	e = hx_ok(ana, "search", "{s:s, s:I}", "text", "o", "limit",
	    (json_int_t)1);
	cr_expect(json_is_true(json_object_get(e, "more")), "%s", hx_dump(e));
	/* Bad input. */
	hx_err(ana, "bad_text", "search", "{s:s}", "text", "");
	hx_err(ana, "too_large", "search", "{s:s}", "text",
	    hx_strf("%0201d", 0));
	hx_err(ana, "bad_request", "search", "{s:s, s:I}", "text", "x",
	    "limit", (json_int_t)0);
	hx_err(ana, "bad_request", "search", "{s:s, s:I}", "text", "x",
	    "limit", (json_int_t)101);
	hx_ok(ana, "search", "{s:s, s:I}", "text", "x", "limit",
	    (json_int_t)100);
	hx_err(ana, "bad_request", "search", "{s:s, s:I}", "text", "x",
	    "offset", (json_int_t)10001);
	hx_ok(ana, "search", "{s:s}", "text", hx_strf("%0200d", 0));
	hx_err(ana, "bad_request", "search", "{s:s, s:b, s:s}", "text", "x",
	    "resources", 1, "channel", "hope/general");
	hx_err(ana, "bad_name", "search", "{s:s, s:s}", "text", "x",
	    "channel", "no slash");
	/* The index outlives a crash. */
	hx_crash(d);
	hx_restart(d);
	ana = hx_login(d, "ana");
	found(ana, "心理健康", zh);
	hx_stop(d);
}

Test(search, never_what_you_could_not_read)
{
	struct hx_daemon *d = hx_start(NULL);
	struct hx_conn *fac, *olu, *mo, *eve, *cy;
	int64_t staff, root, held, hidden, gone, edited, anon, probe;
	json_t *a, *b, *e;

	fac = hx_user(d, "wellbeing", "facilitator", "fac");
	olu = hx_user(d, "hope", "org-admin", "olu");
	mo = hx_user(d, "hope", "member", "mo");
	eve = hx_user(d, "elsewhere", "org-admin", "eve");
	cy = hx_user(d, "migrant-help", "member", "cy");
	hx_ok(fac, "channel.create", "{s:s}", "channel", PEER);
	hx_ok(olu, "channel.create", "{s:s}", "channel", STAFF);
	hx_ok(mo, "join", "{s:s}", "channel", STAFF);
	hx_ok(mo, "join", "{s:s}", "channel", PEER);
	hx_ok(cy, "join", "{s:s}", "channel", PEER);
	staff = hx_post(mo, STAFF, "Rota", 0, "staffonly-secret rota");
	root = hx_post(fac, PEER, "Week", 0, "hello everyone");
	hidden = hx_post(cy, PEER, NULL, root, "hiddenword about a client");
	hx_ok(fac, "mod.hide", "{s:I, s:s}", "post", hidden, "reason", "names");
	gone = hx_post(cy, PEER, NULL, root, "deletedword regret");
	hx_ok(cy, "delete", "{s:I}", "post", gone);
	edited = hx_post(cy, PEER, NULL, root, "oldversionword");
	hx_ok(cy, "edit", "{s:I, s:s}", "post", edited, "body",
	    "newversionword");
	hx_ok(fac, "channel.set", "{s:s, s:b, s:s}", "channel", PEER, "anon", 1,
	    "moderation", "pre");
	held = hx_int(hx_ok(cy, "post", "{s:s, s:I, s:s}", "channel", PEER,
	    "thread", root, "body", "heldword waiting"), "post");
	hx_ok(fac, "channel.set", "{s:s, s:s}", "channel", PEER, "moderation",
	    "open");
	anon = hx_int(hx_ok(cy, "post", "{s:s, s:I, s:s, s:b}", "channel",
	    PEER, "thread", root, "body", "anonword unsigned", "anon", 1),
	    "post");
	probe = hx_post(fac, PEER, NULL, root, "probeword last");
	found(mo, "probeword", probe);		/* the index has caught up */

	/* Another organisation's channel does not exist for eve. */
	found(mo, "staffonly-secret", staff);
	found(olu, "staffonly-secret", staff);
	cr_expect(!finds(eve, "staffonly-secret", staff));
	cr_expect(!finds(fac, "staffonly-secret", staff));
	a = hx_err(eve, "not_found", "search", "{s:s, s:s}", "text", "rota",
	    "channel", STAFF);
	b = hx_err(eve, "not_found", "search", "{s:s, s:s}", "text", "rota",
	    "channel", "hope/nothing");
	cr_expect_str_eq(hx_dump(json_object_get(a, "error")),
	    hx_dump(json_object_get(b, "error")));
	/* Held: its author and the moderators only. */
	cr_expect(!finds(mo, "heldword", held));
	e = found(cy, "heldword", held);
	cr_expect_str_eq(hx_str(e, "state"), "held");
	found(fac, "heldword", held);
	/* Hidden: moderators only; deleted: no one; old text: no one. */
	cr_expect(!finds(mo, "hiddenword", hidden));
	cr_expect(!finds(cy, "hiddenword", hidden));
	e = found(fac, "hiddenword", hidden);
	cr_expect_str_eq(hx_str(e, "state"), "hidden");
	cr_expect(!finds(fac, "deletedword", gone));
	cr_expect(!finds(cy, "deletedword", gone));
	cr_expect(!finds(fac, "oldversionword", edited));
	found(mo, "newversionword", edited);
	/* Anonymous: found, and nobody's. */
	e = found(mo, "anonword", anon);
	cr_expect(json_is_true(json_object_get(e, "anon")));
	cr_expect(strstr(hx_dump(e), "\"cy\"") == NULL &&
	    strstr(hx_dump(e), "migrant-help") == NULL, "%s", hx_dump(e));
	e = found(fac, "anonword", anon);
	cr_expect(strstr(hx_dump(e), "\"cy\"") == NULL, "%s", hx_dump(e));
	/* One channel only. */
	cr_expect_eq(json_array_size(json_object_get(hx_ok(mo, "search",
	    "{s:s, s:s}", "text", "staffonly-secret", "channel", PEER),
	    "results")), 0);
	hx_stop(d);
}
