/*
 * 23-resources-b.c: the rest of the resources suite (23-resources.c
 * has its helpers and its head): content two accounts upload stored
 * once, deleting (who may, and a deleted resource answering as one
 * that never was), links, tags and the subscriptions to them, search
 * of resources in any script, and `harbourd check` and `harbourd
 * backup` of the attachment files beside the database.
 *
 * A resource is indexed for search in the transaction that shares it,
 * so a search right after resource.post's reply must find it; no
 * waiting as for posts.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "harness.h"
#include "hx-ops.h"
#include "proto.h"
#include "23-resources.h"

#define LINK		"https://example.org/guide"
#define NEVER		999999		/* an id no resource has */

static int64_t
share_link(struct hx_conn *c, const char *title, const char *tag)
{
	return hx_int(hx_ok(c, "resource.post", "{s:s, s:[s], s:s}", "title",
	    title, "tags", tag, "url", LINK), "resource");
}

/* The error object of op on id, which must be not_found. */
static const char *
gone(struct hx_conn *c, const char *op, int64_t id)
{
	return hx_dump(json_object_get(hx_err(c, "not_found", op, "{s:I}",
	    "resource", (json_int_t)id), "error"));
}

Test(resources, same_content_stored_once)
{
	struct hx_daemon *d = hx_start(NULL);
	struct hx_conn *fay = hx_user(d, "wellbeing", "facilitator", "fay");
	struct hx_conn *finn = hx_user(d, "elsewhere", "facilitator", "finn");
	struct hx_conn *mo = hx_user(d, "hope", "member", "mo");
	const unsigned char *pdf = res_pdf(RES_PDF_LEN, 11);
	const char *hex;
	int64_t a, b;

	/* Each sends every byte; both complete; one file is kept. */
	hex = res_uploaded(fay, pdf, RES_PDF_LEN, RES_PDF_TYPE);
	cr_assert_str_eq(res_uploaded(finn, pdf, RES_PDF_LEN, RES_PDF_TYPE),
	    hex);
	cr_assert_eq(res_stored(d), 1, "the same content stored %d times",
	    res_stored(d));
	cr_assert_eq(res_partials(d), 0);
	cr_assert_eq(access(res_file(d, hex), F_OK), 0, "no %s",
	    res_file(d, hex));
	a = res_share(fay, hex, "Fay's copy", "training");
	b = res_share(finn, hex, "Finn's copy", "training");
	cr_assert_neq(a, b);
	res_assert_fetch(mo, a, pdf, RES_PDF_LEN);
	res_assert_fetch(mo, b, pdf, RES_PDF_LEN);
	cr_assert_str_eq(hx_str(json_object_get(hx_ok(mo, "resource.show",
	    "{s:I}", "resource", (json_int_t)b), "resource"), "sha256"), hex);
	/* Deleting one leaves the other's file where it was. */
	hx_ok(fay, "resource.delete", "{s:I}", "resource", (json_int_t)a);
	res_assert_fetch(mo, b, pdf, RES_PDF_LEN);
	hx_stop(d);
}

Test(resources, delete)
{
	struct hx_daemon *d = hx_start(NULL);
	struct hx_conn *fay = hx_user(d, "wellbeing", "facilitator", "fay");
	struct hx_conn *finn = hx_user(d, "elsewhere", "facilitator", "finn");
	struct hx_conn *ola = hx_user(d, "hope", "org-admin", "ola");
	struct hx_conn *mo = hx_user(d, "hope", "member", "mo");
	struct hx_conn *adm = hx_admin(d);
	const unsigned char *pdf = res_pdf(RES_PDF_LEN, 12);
	const char *hex = res_uploaded(fay, pdf, RES_PDF_LEN, RES_PDF_TYPE);
	int64_t file, link, olas, keep;
	json_t *r;

	file = res_share(fay, hex, "Vanishingfile handbook", "training");
	link = share_link(fay, "Vanishinglink page", "training");
	olas = share_link(ola, "Vanishingola notes", "training");
	keep = share_link(fay, "Staying guide", "training");

	/* Not its poster, nor a facilitator or an admin. */
	r = hx_err(mo, "forbidden", "resource.delete", "{s:I}", "resource",
	    (json_int_t)file);
	hx_err(ola, "forbidden", "resource.delete", "{s:I}", "resource",
	    (json_int_t)link);
	hx_err(mo, "forbidden", "resource.delete", "{s:I}", "resource",
	    (json_int_t)olas);
	cr_assert_eq(json_array_size(res_list(mo, NULL, NULL)), 4, "%s",
	    hx_dump(r));
	/* Its poster; another facilitator; an admin. */
	cr_assert_eq(hx_int(hx_ok(ola, "resource.delete", "{s:I}", "resource",
	    (json_int_t)olas), "resource"), olas);
	hx_ok(finn, "resource.delete", "{s:I}", "resource", (json_int_t)link);
	hx_ok(adm, "resource.delete", "{s:I}", "resource", (json_int_t)file);

	/* Deleted is exactly never was, to anyone, by every op. */
	cr_assert_str_eq(gone(mo, "resource.show", file),
	    gone(mo, "resource.show", NEVER));
	cr_assert_str_eq(gone(mo, "resource.get", file),
	    gone(mo, "resource.get", NEVER));
	cr_assert_str_eq(gone(fay, "resource.delete", file),
	    gone(fay, "resource.delete", NEVER));
	cr_assert_str_eq(gone(mo, "resource.delete", link),
	    gone(mo, "resource.delete", NEVER));
	cr_assert_str_eq(gone(ola, "resource.show", olas),
	    gone(ola, "resource.show", NEVER));
	r = res_list(mo, NULL, NULL);
	cr_assert(json_array_size(r) == 1 && res_has(r, keep), "%s",
	    hx_dump(r));
	cr_assert_eq(json_array_size(res_list(mo, "training", NULL)), 1);
	cr_assert_eq(json_array_size(res_search(mo, "Vanishing")), 0,
	    "a deleted resource is found: %s",
	    hx_dump(res_search(mo, "Vanishing")));
	cr_assert_eq(json_array_size(res_search(mo, "Va")), 0);
	cr_assert(res_has(res_search(mo, "Staying"), keep));
	hx_stop(d);
}

Test(resources, link)
{
	struct hx_daemon *d = hx_start(NULL);
	struct hx_conn *fay = hx_user(d, "wellbeing", "facilitator", "fay");
	struct hx_conn *mo = hx_user(d, "hope", "member", "mo");
	int64_t id = share_link(fay, "A page worth reading", "reading");
	json_t *r;

	r = json_object_get(hx_ok(mo, "resource.show", "{s:I}", "resource",
	    (json_int_t)id), "resource");
	cr_assert_str_eq(hx_str(r, "url"), LINK);
	cr_assert(json_object_get(r, "sha256") == NULL && json_object_get(r,
	    "size") == NULL && json_object_get(r, "type") == NULL, "a link "
	    "with a file's fields: %s", hx_dump(r));
	r = hx_err(mo, "bad_request", "resource.get", "{s:I}", "resource",
	    (json_int_t)id);
	cr_assert(res_msg_has(r, "link"), "%s", hx_dump(r));
	hx_stop(d);
}

/* The whole of `tags` as one text, for exact comparisons. */
static const char *
tags(struct hx_conn *c)
{
	return hx_dump(json_object_get(hx_ok(c, "tags", NULL), "tags"));
}

#define TAG(t, res, subs) \
	"{\"tag\":\"" t "\",\"resources\":" #res ",\"subscribers\":" #subs "}"

Test(resources, tags_and_subscriptions)
{
	struct hx_daemon *d = hx_start(NULL);
	struct hx_conn *fay = hx_user(d, "wellbeing", "facilitator", "fay");
	struct hx_conn *ola = hx_user(d, "hope", "org-admin", "ola");
	struct hx_conn *mo = hx_user(d, "hope", "member", "mo");
	struct hx_conn *rita = hx_user(d, "elsewhere", "member", "rita");
	json_t *r;
	int64_t dropped;

	hx_ok(fay, "resource.post", "{s:s, s:[s,s], s:s}", "title", "One",
	    "tags", "training", "wellbeing", "url", LINK);
	dropped = share_link(fay, "Two", "training");
	share_link(fay, "Three", "training");
	cr_assert_str_eq(tags(mo), "[" TAG("training", 3, 0) ","
	    TAG("wellbeing", 1, 0) "]");

	/* Personal: anyone, as often as they like. */
	r = hx_ok(mo, "tag.subscribe", "{s:s}", "tag", "training");
	cr_assert_str_eq(hx_dump(r), "{\"tag\":\"training\",\"org\":false}");
	hx_ok(mo, "tag.subscribe", "{s:s}", "tag", "training");
	hx_ok(rita, "tag.subscribe", "{s:s}", "tag", "grief");
	/* For an organisation: its org-admins only. */
	hx_err(mo, "forbidden", "tag.subscribe", "{s:s, s:b}", "tag",
	    "training", "org", 1);
	hx_err(mo, "forbidden", "tag.unsubscribe", "{s:s, s:b}", "tag",
	    "training", "org", 1);
	r = hx_ok(ola, "tag.subscribe", "{s:s, s:b}", "tag", "training", "org",
	    1);
	cr_assert_str_eq(hx_dump(r), "{\"tag\":\"training\",\"org\":true}");
	hx_ok(ola, "tag.subscribe", "{s:s, s:b}", "tag", "grief", "org", 1);
	hx_err(mo, "bad_name", "tag.subscribe", "{s:s}", "tag", "Not a tag");
	hx_ok(fay, "resource.delete", "{s:I}", "resource", (json_int_t)dropped);
	cr_assert_str_eq(tags(rita), "[" TAG("grief", 0, 2) ","
	    TAG("training", 2, 2) "," TAG("wellbeing", 1, 0) "]");

	cr_assert_str_eq(hx_dump(hx_ok(mo, "subscriptions", NULL)),
	    "{\"mine\":[\"training\"],\"org\":[\"grief\",\"training\"],"
	    "\"org_name\":\"hope\"}");
	cr_assert_str_eq(hx_dump(hx_ok(rita, "subscriptions", NULL)),
	    "{\"mine\":[\"grief\"],\"org\":[],\"org_name\":\"elsewhere\"}");

	/* A new resource reaches each follower once, however they follow
	 * it (mo both ways), and not its poster. */
	r = hx_ok(fay, "resource.post", "{s:s, s:[s,s], s:s}", "title", "Four",
	    "tags", "training", "grief", "url", LINK);
	cr_assert_eq(hx_int(r, "notified"), 3, "ola, mo and rita: %s",
	    hx_dump(r));

	/* Leaving: what one follows, once. */
	hx_err(mo, "not_found", "tag.unsubscribe", "{s:s}", "tag", "wellbeing");
	hx_err(mo, "not_found", "tag.unsubscribe", "{s:s}", "tag", "grief");
	hx_ok(mo, "tag.unsubscribe", "{s:s}", "tag", "training");
	hx_err(mo, "not_found", "tag.unsubscribe", "{s:s}", "tag", "training");
	r = hx_ok(ola, "tag.unsubscribe", "{s:s, s:b}", "tag", "grief", "org",
	    1);
	cr_assert_str_eq(hx_dump(r), "{\"tag\":\"grief\",\"org\":true}");
	hx_err(ola, "not_found", "tag.unsubscribe", "{s:s, s:b}", "tag",
	    "grief", "org", 1);
	cr_assert_str_eq(hx_dump(hx_ok(mo, "subscriptions", NULL)),
	    "{\"mine\":[],\"org\":[\"training\"],\"org_name\":\"hope\"}");
	cr_assert_str_eq(tags(mo), "[" TAG("grief", 1, 1) ","
	    TAG("training", 3, 1) "," TAG("wellbeing", 1, 0) "]");
	hx_stop(d);
}

/* Fail unless text finds resource id; returns its hit. */
static json_t *
finds(struct hx_conn *c, const char *text, int64_t id)
{
	json_t *hits = res_search(c, text), *e;
	size_t i;

	json_array_foreach(hits, i, e)
		if (hx_int(json_object_get(e, "resource"), "id") == id) {
			cr_assert(json_is_string(json_object_get(e,
			    "snippet")), "%s", hx_dump(e));
			return e;
		}
	cr_assert_fail("\"%s\" does not find resource %lld: %s", text,
	    (long long)id, hx_dump(hits));
	return NULL;
}

Test(resources, search_any_script)
{
	struct hx_daemon *d = hx_start(NULL);
	struct hx_conn *fay = hx_user(d, "wellbeing", "facilitator", "fay");
	struct hx_conn *mo = hx_user(d, "hope", "member", "mo");
	int64_t zh, ar, uk, em, en;
	json_t *e;

	zh = share_link(fay, "心理健康培训资料", "training");
	ar = share_link(fay, "موارد الصحة النفسية", "wellbeing");
	uk = share_link(fay, "Матеріали для навчання", "training");
	em = share_link(fay, "\xf0\x9f\x8c\xb1 wellbeing", "growth");
	en = hx_int(hx_ok(fay, "resource.post", "{s:s, s:[s], s:s, s:s}",
	    "title", "Supervision guide", "tags", "safeguarding", "summary",
	    "Notes on reflective practice for caseworkers", "url", LINK),
	    "resource");

	e = finds(mo, "心理健康", zh);
	cr_expect(strstr(hx_str(e, "snippet"), "[心理健康]") != NULL, "%s",
	    hx_dump(e));
	cr_assert_str_eq(hx_str(json_object_get(e, "resource"), "title"),
	    "心理健康培训资料");
	finds(mo, "培训", zh);			/* two characters */
	finds(mo, "资", zh);			/* one */
	finds(mo, "الصحة", ar);
	finds(mo, "النفسية", ar);
	finds(mo, "навчання", uk);
	finds(mo, "Ма", uk);
	finds(mo, "\xf0\x9f\x8c\xb1", em);	/* one emoji */
	finds(mo, "wellbeing", em);
	finds(mo, "wellbeing", ar);		/* by its tag */
	finds(mo, "Supervision", en);		/* title */
	finds(mo, "reflective practice", en);	/* summary */
	finds(mo, "safeguarding", en);		/* tag */
	finds(mo, "ui", en);
	cr_assert_eq(json_array_size(res_search(mo, "nowhere-at-all")), 0);
	cr_assert(!res_has(res_search(mo, "wellbeing"), zh));
	e = hx_ok(mo, "search", "{s:s, s:b, s:I}", "text", "a", "resources", 1,
	    "limit", (json_int_t)1);
	cr_assert(json_array_size(json_object_get(e, "results")) == 1 &&
	    json_is_true(json_object_get(e, "more")), "%s", hx_dump(e));
	hx_err(mo, "bad_request", "search", "{s:s, s:b, s:s}", "text",
	    "training", "resources", 1, "channel", "hope/general");
	hx_err(mo, "bad_request", "search", "{s:s, s:b, s:s}", "text",
	    "training", "resources", 1, "channel", "peer/commons");
	hx_stop(d);
}

/* A byte of a file, changed in place (the size stays). */
static void
flip(const char *path, size_t at)
{
	size_t len;
	const char *was = hx_slurp(path, &len);
	char *now;

	cr_assert(was != NULL && at < len, "cannot read %s", path);
	now = malloc(len);
	cr_assert(now != NULL);
	memcpy(now, was, len);
	now[at] ^= 0x01;
	hx_write_atomic(path, now, len, 0600);
	free(now);
}

Test(resources, check_and_backup)
{
	struct hx_daemon *d = hx_start(NULL);
	struct hx_conn *fay = hx_user(d, "wellbeing", "facilitator", "fay");
	const unsigned char *pdf = res_pdf(RES_PDF_LEN, 13);
	const char *hex = res_uploaded(fay, pdf, RES_PDF_LEN, RES_PDF_TYPE);
	const char *dest = hx_strf("%s/copy.db", hx_dir(d));
	const char *copied = hx_strf("%s.attachments/%.2s/%s", dest, hex, hex);
	const char *live = res_file(d, hex), *bytes;
	struct hx_run r;
	struct stat sb;
	size_t len;

	res_share(fay, hex, "Backed up", "training");
	r = HX_HARBOURD("backup", "-c", hx_conf(d), dest);
	cr_assert_eq(r.status, 0, "backup: exit %d; %s", r.status, r.err);
	cr_assert(stat(dest, &sb) == 0 && sb.st_size > 0, "no %s", dest);
	bytes = hx_slurp(copied, &len);
	cr_assert(bytes != NULL && len == RES_PDF_LEN && memcmp(bytes, pdf,
	    len) == 0, "%s is not the file uploaded", copied);
	r = HX_HARBOURD("check", "-c", hx_conf(d));
	cr_assert_eq(r.status, 0, "check: exit %d; %s", r.status, r.err);
	r = HX_HARBOURD("check", "-c", hx_conf(d), "--db", dest);
	cr_assert_eq(r.status, 0, "check of the copy: exit %d; %s", r.status,
	    r.err);

	/* Damaged in place: named, as damaged; and not copied. */
	flip(live, RES_PDF_LEN / 2);
	r = HX_HARBOURD("check", "-c", hx_conf(d));
	cr_assert(r.status != 0 && strstr(r.err, hex) != NULL &&
	    strstr(r.err, "damaged") != NULL, "check of a damaged attachment: "
	    "exit %d; %s", r.status, r.err);
	r = HX_HARBOURD("backup", "-c", hx_conf(d), hx_strf("%s/again.db",
	    hx_dir(d)));
	cr_assert(r.status != 0 && strstr(r.err, "damaged") != NULL,
	    "backup of a damaged attachment: exit %d; %s", r.status, r.err);
	/* Gone: named, as missing. */
	cr_assert_eq(unlink(live), 0);
	r = HX_HARBOURD("check", "-c", hx_conf(d));
	cr_assert(r.status != 0 && strstr(r.err, hex) != NULL &&
	    strstr(r.err, "missing") != NULL, "check of a missing attachment: "
	    "exit %d; %s", r.status, r.err);
	/* The copy is whole by itself. */
	r = HX_HARBOURD("check", "-c", hx_conf(d), "--db", dest);
	cr_assert_eq(r.status, 0, "check of the copy: exit %d; %s", r.status,
	    r.err);
	hx_stop(d);
}

/*
 * A reload's max_attachment is the limit everywhere at once: the check
 * resource.upload makes and the attachment store's own.
 */
Test(resources, reload_raises_max_attachment)
{
	struct hx_daemon *d = hx_start("max_attachment = 100000\n");
	struct hx_conn *fay = hx_user(d, "wellbeing", "facilitator", "fay");
	const unsigned char *pdf = res_pdf(150000, 14);
	json_t *r;

	hx_err(fay, "too_large", "resource.upload", "{s:s, s:I}", "sha256",
	    res_sha(pdf, 150000), "size", (json_int_t)150000);
	hx_conf_append(d, "max_attachment = 200000");
	cr_assert(hx_reload(d, NULL), "the reload was refused");
	r = res_upload(fay, pdf, 150000);
	cr_assert(json_object_get(r, "error") == NULL, "with max_attachment "
	    "raised to 200000 by a reload, a 150000-byte upload ends %s",
	    hx_dump(r));
	hx_stop(d);
}

/*
 * An upload whose every byte arrived but whose check never finished
 * (the daemon stopped between the last chunk and the commit) is
 * finished by the next resource.upload: no chunk is left to start it.
 * The partial is placed by hand, as such a stop leaves it; fay is the
 * first account after the admin, so her id is 2.
 */
Test(resources, a_full_partial_is_finished_by_upload)
{
	struct hx_daemon *d = hx_start(NULL);
	struct hx_conn *fay = hx_user(d, "wellbeing", "facilitator", "fay");
	const unsigned char *pdf = res_pdf(RES_PDF_LEN, 21);
	const char *hex = res_sha(pdf, RES_PDF_LEN);
	json_t *r;

	hx_write_atomic(hx_strf("%s/harbour.db.attachments/partial/2-%s",
	    hx_dir(d), hex), pdf, RES_PDF_LEN, 0600);
	r = hx_ok(fay, "resource.upload", "{s:s, s:I}", "sha256", hex, "size",
	    (json_int_t)RES_PDF_LEN);
	cr_expect_eq(hx_int(r, "offset"), RES_PDF_LEN);
	cr_expect(json_is_true(json_object_get(r, "complete")), "%s",
	    hx_dump(r));
	cr_expect_str_eq(hx_str(r, "type"), RES_PDF_TYPE);
	res_share(fay, hex, "Finished late", "training");
	hx_stop(d);
}
