/*
 * 36-erase.c: admin.erase over the wire (harbour-protocol(7), "Erasure").
 * Someone who posted everywhere (a thread with an edit and a mention, an
 * anonymous post, a conversation message, a resource with a file only
 * they sent) is erased; then a fresh connection of someone else reads,
 * syncs, lists threads, searches, opens its inbox and conversations, and
 * none of the old texts is in any byte it received. The file is gone
 * from disk and from resource.get; a backup made afterwards, read as
 * bytes (search index segments included), holds none of the texts while
 * one made before does. The moderation log has the erasure and its
 * reason. Refusals (unknown, erased already, the last admin, oneself,
 * not an admin) each have their code and change nothing.
 *
 * Stories: story.share is not on this branch, so no story row is made
 * here; store-erase.c deletes the account's stories rows and those of
 * its posts in the same transaction.
 */
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "23-resources.h"
#include "harness.h"
#include "hx-ops.h"

#define PEERCH	"peer/commons"

/* The texts that must leave everything. */
static const char *const secrets[] = {
	"SECRET-TITLE-alpha", "SECRET-BODY-alpha", "SECRET-EDIT-beta",
	"SECRET-ANON-gamma", "SECRET-DM-delta", "SECRET-RES-epsilon",
	/* Two letters of a caseless script nothing else here uses: the search
	 * index keeps terms (trigrams) prefix-compressed, and of each of
	 * these trigrams at least its last two letters are stored as
	 * they are, so this finds the index's segments still holding a
	 * token of the text (FTS5 keeps deleted tokens until a merge). */
	"\uB2E4\uB77C",
};
#define NSECRETS	(sizeof secrets / sizeof secrets[0])

struct cast {
	struct hx_daemon	*d;
	struct hx_conn		*ops, *ana, *ben, *fay;
	int64_t			 thread, anon, res;
	const char		*hex;
};

static void
setup(struct cast *k)
{
	k->d = hx_start(NULL);
	k->ops = hx_admin(k->d);
	k->ana = hx_user(k->d, "hope", "org-admin", "ana");
	k->ben = hx_user(k->d, "hope", "member", "ben");
	k->fay = hx_user(k->d, "elsewhere", "facilitator", "fay");
	hx_ok(k->fay, "channel.create", "{s:s}", "channel", PEERCH);
	hx_ok(k->fay, "channel.set", "{s:s, s:b}", "channel", PEERCH,
	    "anon", 1);
	hx_ok(k->ana, "join", "{s:s}", "channel", PEERCH);
	hx_ok(k->ben, "join", "{s:s}", "channel", PEERCH);
}

/* ana writes everywhere she can. */
static void
ana_writes(struct cast *k)
{
	const unsigned char *pdf = res_pdf(RES_PDF_LEN, 36);

	k->thread = hx_post(k->ana, PEERCH, "SECRET-TITLE-alpha", 0,
	    "SECRET-BODY-alpha for @ben");
	hx_ok(k->ana, "edit", "{s:I, s:s, s:s}", "post", (json_int_t)k->thread,
	    "body", "SECRET-EDIT-beta \uAC00\uB098\uB2E4\uB77C\uB9C8 for @ben",
	    "title", "SECRET-TITLE-alpha");
	hx_post(k->ben, PEERCH, NULL, k->thread, "ben answers openly");
	k->anon = hx_int(hx_ok(k->ana, "post", "{s:s, s:I, s:s, s:b}",
	    "channel", PEERCH, "thread", (json_int_t)k->thread, "body",
	    "SECRET-ANON-gamma", "anon", 1), "post");
	hx_ok(k->ana, "dm", "{s:s, s:s}", "user", "ben", "body",
	    "SECRET-DM-delta");
	hx_ok(k->ben, "tag.subscribe", "{s:s}", "tag", "training");
	k->hex = res_uploaded(k->ana, pdf, RES_PDF_LEN, RES_PDF_TYPE);
	k->res = res_share(k->ana, k->hex, "SECRET-RES-epsilon", "training");
}

/* Wait (bounded) until a search for text by c finds something. */
static void
indexed(struct hx_conn *c, const char *text)
{
	int64_t until = hx_mono_ms() + hx_ms(HX_WAIT_MS);
	json_t *r;

	do {
		r = json_object_get(hx_ok(c, "search", "{s:s}", "text", text),
		    "results");
		if (json_array_size(r) > 0)
			return;
		hx_ok(c, "ping", NULL);
	} while (hx_mono_ms() < until);
	cr_assert_fail("\"%s\" never indexed", text);
}

static const char *
backup(struct cast *k, const char *name, size_t *len)
{
	const char *dest = hx_strf("%s/%s.db", hx_dir(k->d), name);
	struct hx_run r = HX_HARBOURD("backup", "-c", hx_conf(k->d), dest);
	const char *bytes;

	cr_assert_eq(r.status, 0, "backup: exit %d; %s", r.status, r.err);
	bytes = hx_slurp(dest, len);
	cr_assert_not_null(bytes, "no %s", dest);
	return bytes;
}

/* A fresh connection of ben after the erasure: every path that carries
 * posts, and none of the texts or the old name in any byte of it. */
static void
fresh_reader(struct cast *k, int64_t id)
{
	struct hx_conn *ben2;
	const char *seen;
	size_t len, i;
	json_t *r;

	ben2 = hx_login(k->d, "ben");
	r = hx_read_all(ben2, PEERCH, 0);
	cr_assert_eq(json_array_size(r), 3, "%s", hx_dump(r));
	cr_expect_str_eq(hx_str(json_array_get(r, 0), "body"), "[removed]");
	cr_expect_str_eq(hx_str(json_array_get(r, 0), "author"),
	    hx_strf("erased-%lld", (long long)id));
	cr_expect_str_eq(hx_str(json_array_get(r, 1), "body"),
	    "ben answers openly");
	hx_sync_all(ben2, 0);
	hx_ok(ben2, "threads", "{s:s}", "channel", PEERCH);
	cr_expect_eq(json_array_size(json_object_get(hx_ok(ben2, "search",
	    "{s:s}", "text", "SECRET"), "results")), 0);
	cr_expect_eq(json_array_size(json_object_get(hx_ok(ben2, "search",
	    "{s:s}", "text", "[removed]"), "results")), 0,
	    "an erased post is found by its placeholder");
	hx_ok(ben2, "search", "{s:s, s:b}", "text", "SECRET", "resources", 1);
	hx_ok(ben2, "inbox", "{s:b}", "all", 1);
	/* The conversation is still ben's, under the new name. */
	r = json_object_get(hx_ok(ben2, "dms", NULL), "conversations");
	cr_assert_eq(json_array_size(r), 1, "%s", hx_dump(r));
	cr_expect_str_eq(hx_str(json_array_get(r, 0), "channel"),
	    hx_strf("dm/ben+erased-%lld", (long long)id));
	r = hx_read_all(ben2, hx_strf("dm/ben+erased-%lld", (long long)id), 0);
	cr_assert_eq(json_array_size(r), 1, "%s", hx_dump(r));
	cr_expect_str_eq(hx_str(json_array_get(r, 0), "body"), "[removed]");
	hx_ok(ben2, "resource.list", NULL);
	hx_err(ben2, "not_found", "resource.get", "{s:I, s:I}", "resource",
	    (json_int_t)k->res, "offset", (json_int_t)0);
	seen = hx_seen(ben2, &len);
	for (i = 0; i < NSECRETS; i++)
		cr_expect(!hx_contains(seen, len, secrets[i]),
		    "%s reached a reader after the erasure", secrets[i]);
	cr_expect(!hx_contains(seen, len, "\"ana\""),
	    "the old name reached a reader");
	cr_expect(access(res_file(k->d, k->hex), F_OK) != 0,
	    "the attachment's file is still on disk");
}

/* The log keeps that it happened, who did it and why. */
static void
logged(struct cast *k, int64_t id)
{
	json_t *log, *e;
	size_t i;
	int found = 0;

	log = json_object_get(hx_ok(k->ops, "mod.log", NULL), "entries");
	json_array_foreach(log, i, e)
		if (strcmp(hx_str(e, "action"), "erase") == 0) {
			found = 1;
			cr_expect_str_eq(hx_str(e, "by"), HX_ADMIN);
			cr_expect_str_eq(hx_str(e, "user"),
			    hx_strf("erased-%lld", (long long)id));
			cr_expect_str_eq(hx_str(e, "reason"),
			    "asked to be forgotten");
		}
	cr_expect(found, "no erase entry in %s", hx_dump(log));
}

Test(erase, reaches_everything_and_every_later_backup,
    .timeout = HX_TEST_TIMEOUT)
{
	struct cast k;
	const char *bytes;
	json_t *r;
	size_t len, i;
	int64_t id;

	setup(&k);
	ana_writes(&k);
	indexed(k.ben, "SECRET-EDIT-beta");
	bytes = backup(&k, "before", &len);
	for (i = 0; i < NSECRETS; i++)
		cr_expect(hx_contains(bytes, len, secrets[i]),
		    "the backup before erasure lacks %s", secrets[i]);

	r = hx_ok(k.ops, "admin.erase", "{s:s, s:s}", "user", "ana",
	    "reason", "asked to be forgotten");
	cr_assert_str_eq(hx_str(r, "user"), "ana");
	id = atoll(hx_str(r, "now") + strlen("erased-"));
	cr_assert(id > 0 && strncmp(hx_str(r, "now"), "erased-", 7) == 0,
	    "%s", hx_dump(r));
	cr_expect(hx_wait_closed(k.ana, hx_ms(HX_WAIT_MS)),
	    "the erased account's connection stays open");

	fresh_reader(&k, id);

	/* A backup made afterwards: nothing, not even in the index. */
	bytes = backup(&k, "after", &len);
	for (i = 0; i < NSECRETS; i++)
		cr_expect(!hx_contains(bytes, len, secrets[i]),
		    "the backup after erasure holds %s", secrets[i]);

	logged(&k, id);
	hx_stop(k.d);
}

Test(erase, refusals_change_nothing, .timeout = HX_TEST_TIMEOUT)
{
	struct cast k;
	struct hx_conn *root, *c;
	json_t *r;
	const char *erased;

	setup(&k);
	hx_post(k.ana, PEERCH, "Kept", 0, "still here");
	hx_err(k.ops, "not_found", "admin.erase", "{s:s, s:s}", "user",
	    "nobody", "reason", "x");
	hx_err(k.ben, "forbidden", "admin.erase", "{s:s, s:s}", "user", "ana",
	    "reason", "x");
	hx_err(k.ops, "bad_request", "admin.erase", "{s:s}", "user", "ana");
	/* The only admin: nobody could act after. */
	r = hx_err(k.ops, "bad_state", "admin.erase", "{s:s, s:s}", "user",
	    HX_ADMIN, "reason", "x");
	cr_expect(strstr(hx_str(json_object_get(r, "error"), "message"),
	    "last admin") != NULL, "%s", hx_dump(r));
	/* With another admin: still not oneself. */
	root = hx_user(k.d, HX_ADMIN_ORG, "admin", "root2");
	hx_err(k.ops, "forbidden", "admin.erase", "{s:s, s:s}", "user",
	    HX_ADMIN, "reason", "x");
	r = hx_read_all(k.ben, PEERCH, 0);
	cr_expect_str_eq(hx_str(json_array_get(r, 0), "body"), "still here");
	cr_expect_str_eq(hx_str(json_array_get(r, 0), "author"), "ana");

	erased = hx_str(hx_ok(root, "admin.erase", "{s:s, s:s}", "user",
	    "ana", "reason", "left"), "now");
	hx_err(root, "bad_state", "admin.erase", "{s:s, s:s}", "user", erased,
	    "reason", "again");
	hx_err(root, "not_found", "admin.erase", "{s:s, s:s}", "user", "ana",
	    "reason", "again");
	r = hx_read_all(k.ben, PEERCH, 0);
	cr_expect_str_eq(hx_str(json_array_get(r, 0), "body"), "[removed]");
	cr_expect_str_eq(hx_str(json_array_get(r, 0), "author"), erased);
	/* Nobody can take an erased account's name, nor log in as it. */
	c = hx_connect(k.d);
	hx_err(c, "bad_name", "register", "{s:s, s:s, s:s}", "invite",
	    hx_invite(k.d, "hope", "member"), "user", "erased-99", "password",
	    HX_PASSWORD);
	hx_err(c, "auth_failed", "login", "{s:s, s:s}", "user", erased,
	    "password", HX_PASSWORD);
	hx_stop(k.d);
}

Test(erase, cli, .timeout = HX_TEST_TIMEOUT)
{
	struct hx_daemon *d = hx_start(NULL);
	struct hx_run r;

	hx_admin(d);
	hx_user(d, "hope", "member", "ana");
	OK(d, HX_ADMIN, "login", "--user", HX_ADMIN);
	r = FAILS(d, HX_ADMIN, 64, "admin", "erase", "ana");
	HAS(r.err, "--reason");
	r = OK(d, HX_ADMIN, "admin", "erase", "ana", "--reason", "asked");
	HAS(r.out, "ana is erased; the account is now erased-");
	r = FAILS(d, HX_ADMIN, 1, "admin", "erase", "ana", "--reason", "again");
	HAS(r.err, "not_found");
	r = OK(d, HX_ADMIN, "help", "admin", "erase");
	HAS(r.out, "[removed]");
	hx_stop(d);
}
