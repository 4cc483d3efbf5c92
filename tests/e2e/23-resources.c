/*
 * 23-resources.c: attachments and resources over the wire (the
 * resources issue's resource.upload, resource.chunk, resource.post,
 * resource.list, resource.show, resource.get): a file's round trip
 * between organisations, an upload resumed across a crash, every
 * refusal of an upload or a post (each with nothing stored), and the
 * privacy of an upload in progress. 23-resources-b.c has the rest of
 * the suite: shared content, deleting, links, tags and subscriptions,
 * search, and harbourd check and backup of the files.
 *
 * Files are made to measure (res_pdf) and sent as a client would: in
 * PROTO_CHUNK_MAX chunks of padded base64, named by their SHA-256.
 * Where the daemon is known to part from the wire spec, the test that
 * shows it says so at its head.
 */
#include <sys/types.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include <criterion/criterion.h>

#include "harness.h"
#include "hx-ops.h"
#include "proto.h"
#include "23-resources.h"

TestSuite(resources, .timeout = HX_TEST_TIMEOUT);

/* A comment line of the PDFs: short enough to read in a dump. */
#define RES_LINE	72
#define RES_PDF_HEAD	"%PDF-1.4\n"
#define RES_PDF_TAIL	"1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
/* A quarter of a megabyte: within the default limit, five chunks. */
#define RESUME_LEN	(5 * PROTO_CHUNK_MAX + 1000)
#define RESUME_SENT	(3 * PROTO_CHUNK_MAX)
#define SMALL_MAX	100000
#define SHELL		"#!/bin/sh\necho hi\n"
#define LINK		"https://example.org/guide"

/* ---- helpers (23-resources.h) ------------------------------------------ */

const unsigned char *
res_keep(const void *p, size_t len)
{
	return (const unsigned char *)json_string_value(hx_keep(
	    json_stringn_nocheck(p, len)));
}

const unsigned char *
res_pdf(size_t len, int seed)
{
	size_t head = strlen(RES_PDF_HEAD), tail = strlen(RES_PDF_TAIL);
	size_t off = head, n, i;
	char *buf = malloc(len), line[RES_LINE + 1];
	const unsigned char *kept;
	int k;

	cr_assert(buf != NULL && len > head + tail);
	memcpy(buf, RES_PDF_HEAD, head);
	for (i = 0; off < len - tail; i++, off += n) {
		n = len - tail - off < RES_LINE ? len - tail - off : RES_LINE;
		k = snprintf(line, sizeof line, "%%seed %d line %zu ", seed, i);
		memset(line + k, 'a' + (int)((i + (size_t)seed) % 26),
		    RES_LINE - (size_t)k);
		line[n - 1] = '\n';
		memcpy(buf + off, line, n);
	}
	memcpy(buf + off, RES_PDF_TAIL, tail);
	kept = res_keep(buf, len);
	free(buf);
	return kept;
}

const char *
res_b64(const void *p, size_t len)
{
	char *b64 = proto_base64_encode(p, len, NULL);
	const char *kept;

	cr_assert(b64 != NULL);
	kept = hx_strf("%s", b64);
	free(b64);
	return kept;
}

const char *
res_sha(const void *p, size_t len)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n, i;
	char hex[2 * EVP_MAX_MD_SIZE + 1];

	cr_assert(EVP_Digest(p, len, md, &n, EVP_sha256(), NULL) == 1);
	for (i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	return hx_strf("%s", hex);
}

json_t *
res_chunk(struct hx_conn *c, const char *hex, int64_t off, const void *p,
    size_t len)
{
	return hx_call(c, "resource.chunk", "{s:s, s:I, s:s}", "sha256", hex,
	    "offset", (json_int_t)off, "data", res_b64(p, len));
}

json_t *
res_send(struct hx_conn *c, const char *hex, const unsigned char *bytes,
    size_t from, size_t to)
{
	json_t *r = NULL, *res;
	size_t off, n;

	for (off = from; off < to; off += n) {
		n = to - off < PROTO_CHUNK_MAX ? to - off : PROTO_CHUNK_MAX;
		r = res_chunk(c, hex, (int64_t)off, bytes + off, n);
		if (json_object_get(r, "error") != NULL)
			return r;
		res = hx_assert_ok(r);
		cr_assert_eq(hx_int(res, "offset"), (int64_t)(off + n),
		    "chunk at %zu answered %s", off, hx_dump(r));
	}
	cr_assert(r != NULL, "nothing to send");
	return r;
}

json_t *
res_upload_as(struct hx_conn *c, const char *hex, const unsigned char *bytes,
    size_t len)
{
	int64_t off = hx_int(hx_ok(c, "resource.upload", "{s:s, s:I}",
	    "sha256", hex, "size", (json_int_t)len), "offset");

	cr_assert(off >= 0 && (size_t)off < len, "resource.upload answered "
	    "offset %lld of %zu bytes", (long long)off, len);
	return res_send(c, hex, bytes, (size_t)off, len);
}

json_t *
res_upload(struct hx_conn *c, const unsigned char *bytes, size_t len)
{
	return res_upload_as(c, res_sha(bytes, len), bytes, len);
}

const char *
res_uploaded(struct hx_conn *c, const unsigned char *bytes, size_t len,
    const char *type)
{
	json_t *r = hx_assert_ok(res_upload(c, bytes, len));

	cr_assert(json_is_true(json_object_get(r, "complete")) &&
	    hx_int(r, "offset") == (int64_t)len && strcmp(hx_str(r, "type"),
	    type) == 0, "the last chunk answered %s, not complete with "
	    "offset %zu and type %s", hx_dump(r), len, type);
	return res_sha(bytes, len);
}

int64_t
res_share(struct hx_conn *c, const char *hex, const char *title,
    const char *tag)
{
	return hx_int(hx_ok(c, "resource.post", "{s:s, s:[s], s:s}", "title",
	    title, "tags", tag, "sha256", hex), "resource");
}

const unsigned char *
res_fetch(struct hx_conn *c, int64_t id, size_t from, size_t *lenp)
{
	unsigned char piece[PROTO_CHUNK_MAX + 2];
	char *all = NULL;
	size_t off = from, n, want;
	int64_t size = -1;
	const unsigned char *kept;
	const char *data;
	json_t *r;
	int eof;

	do {
		r = hx_ok(c, "resource.get", "{s:I, s:I}", "resource", (json_int_t)id,
		    "offset", (json_int_t)off);
		cr_assert_eq(hx_int(r, "resource"), id, "%s", hx_dump(r));
		cr_assert_eq(hx_int(r, "offset"), (int64_t)off, "%s",
		    hx_dump(r));
		cr_assert_eq(strlen(hx_str(r, "sha256")), 64, "%s", hx_dump(r));
		if (size == -1)
			size = hx_int(r, "size");
		cr_assert_eq(hx_int(r, "size"), size, "%s", hx_dump(r));
		data = hx_str(r, "data");
		n = 0;
		cr_assert(*data == '\0' || proto_base64_decode(data, piece,
		    PROTO_CHUNK_MAX, &n) == 0, "bad base64 in %s", hx_dump(r));
		want = (size_t)size - off < PROTO_CHUNK_MAX ?
		    (size_t)size - off : PROTO_CHUNK_MAX;
		cr_assert_eq(n, want, "resource.get at %zu of %lld gave %zu "
		    "bytes", off, (long long)size, n);
		eof = json_is_true(json_object_get(r, "eof"));
		cr_assert_eq(eof, off + n == (size_t)size, "eof %d at %zu of "
		    "%lld", eof, off + n, (long long)size);
		all = realloc(all, off - from + n + 1);
		cr_assert(all != NULL);
		memcpy(all + off - from, piece, n);
		off += n;
	} while (!eof);
	kept = res_keep(all, off - from);
	free(all);
	*lenp = off - from;
	return kept;
}

void
res_assert_fetch(struct hx_conn *c, int64_t id, const unsigned char *bytes,
    size_t len)
{
	size_t got;
	const unsigned char *back = res_fetch(c, id, 0, &got);

	cr_assert(got == len && memcmp(back, bytes, len) == 0, "resource "
	    "%lld came back as %zu other bytes, not the %zu sent",
	    (long long)id, got, len);
}

json_t *
res_list(struct hx_conn *c, const char *tag, const char *org)
{
	json_t *args = json_object(), *r;

	if (tag != NULL)
		json_object_set_new(args, "tag", json_string(tag));
	if (org != NULL)
		json_object_set_new(args, "org", json_string(org));
	r = hx_ok(c, "resource.list", "O", args);
	json_decref(args);
	cr_assert(json_is_false(json_object_get(r, "more")), "%s", hx_dump(r));
	return json_object_get(r, "resources");
}

int
res_has(json_t *list, int64_t id)
{
	json_t *e, *inner;
	size_t i;

	json_array_foreach(list, i, e) {
		inner = json_object_get(e, "resource");
		if (hx_int(inner != NULL ? inner : e, "id") == id)
			return 1;
	}
	return 0;
}

json_t *
res_search(struct hx_conn *c, const char *text)
{
	return json_object_get(hx_ok(c, "search", "{s:s, s:b}", "text", text,
	    "resources", 1), "results");
}

const char *
res_dir(struct hx_daemon *d)
{
	return hx_strf("%s.attachments", hx_db(d));
}

const char *
res_file(struct hx_daemon *d, const char *hex)
{
	return hx_strf("%s/%.2s/%s", res_dir(d), hex, hex);
}

/* Entries of dir (not . or ..); with sub, those of its subdirectories
 * other than partial instead. */
static int
res_count(const char *dir, int sub)
{
	DIR *dp = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (dp == NULL)
		return 0;
	while ((de = readdir(dp)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") ==
		    0)
			continue;
		if (!sub)
			n++;
		else if (strcmp(de->d_name, "partial") != 0)
			n += res_count(hx_strf("%s/%s", dir, de->d_name), 0);
	}
	closedir(dp);
	return n;
}

int
res_stored(struct hx_daemon *d)
{
	return res_count(res_dir(d), 1);
}

int
res_partials(struct hx_daemon *d)
{
	return res_count(hx_strf("%s/partial", res_dir(d)), 0);
}

int
res_msg_has(json_t *reply, const char *needle)
{
	const char *m = json_string_value(json_object_get(json_object_get(
	    reply, "error"), "message"));

	return m != NULL && strstr(m, needle) != NULL;
}

/* ---- the tests --------------------------------------------------------- */

Test(resources, file_round_trip)
{
	struct hx_daemon *d = hx_start(NULL);
	struct hx_conn *fay = hx_user(d, "wellbeing", "facilitator", "fay");
	struct hx_conn *mo = hx_user(d, "hope", "member", "mo");
	const unsigned char *pdf = res_pdf(RES_PDF_LEN, 1);
	const char *hex;
	json_t *r, *list;
	int64_t id;

	hex = res_uploaded(fay, pdf, RES_PDF_LEN, RES_PDF_TYPE);
	r = hx_ok(fay, "resource.post", "{s:s, s:[s,s], s:s, s:s}", "title",
	    "Group supervision guide", "tags", "training", "Supervision",
	    "summary", "How we run reflective supervision", "sha256", hex);
	id = hx_int(r, "resource");
	cr_assert_eq(hx_int(r, "notified"), 0, "%s", hx_dump(r));

	/* Another organisation's member finds it every way. */
	list = res_list(mo, NULL, NULL);
	cr_assert(json_array_size(list) == 1 && res_has(list, id), "%s",
	    hx_dump(list));
	cr_assert(res_has(res_list(mo, "training", NULL), id));
	cr_assert(res_has(res_list(mo, "supervision", NULL), id));
	cr_assert_eq(json_array_size(res_list(mo, "grief", NULL)), 0);
	cr_assert(res_has(res_list(mo, NULL, "wellbeing"), id));
	cr_assert_eq(json_array_size(res_list(mo, NULL, "hope")), 0);
	cr_assert(res_has(res_list(mo, "training", "wellbeing"), id));
	hx_err(mo, "not_found", "resource.list", "{s:s}", "org", "nowhere");

	r = json_object_get(hx_ok(mo, "resource.show", "{s:I}", "resource",
	    (json_int_t)id), "resource");
	cr_assert_eq(hx_int(r, "id"), id);
	cr_assert_str_eq(hx_str(r, "title"), "Group supervision guide");
	cr_assert_str_eq(hx_str(r, "summary"),
	    "How we run reflective supervision");
	cr_assert_str_eq(hx_dump(json_object_get(r, "tags")),
	    "[\"supervision\",\"training\"]", "%s", hx_dump(r));
	cr_assert_str_eq(hx_str(r, "sha256"), hex);
	cr_assert_eq(hx_int(r, "size"), RES_PDF_LEN);
	cr_assert_str_eq(hx_str(r, "type"), RES_PDF_TYPE);
	cr_assert_str_eq(hx_str(r, "org"), "wellbeing");
	cr_assert_str_eq(hx_str(r, "by"), "fay");
	cr_assert(strlen(hx_str(r, "ts")) == 20 && json_object_get(r,
	    "url") == NULL, "%s", hx_dump(r));
	/* The same object in the list as in show. */
	cr_assert_str_eq(hx_dump(json_array_get(res_list(mo, NULL, NULL), 0)),
	    hx_dump(r));

	res_assert_fetch(mo, id, pdf, RES_PDF_LEN);
	hx_stop(d);
}

Test(resources, resume_after_crash)
{
	struct hx_daemon *d = hx_start(NULL);
	struct hx_conn *fay = hx_user(d, "wellbeing", "facilitator", "fay");
	struct hx_conn *mo = hx_user(d, "hope", "member", "mo");
	const unsigned char *pdf = res_pdf(RESUME_LEN, 2);
	const char *hex = res_sha(pdf, RESUME_LEN);
	const unsigned char *rest;
	json_t *r;
	int64_t id, off;
	size_t len;

	/* A dropped connection: its account resumes where the file ends. */
	hx_ok(fay, "resource.upload", "{s:s, s:I}", "sha256", hex, "size",
	    (json_int_t)RESUME_LEN);
	res_send(fay, hex, pdf, 0, PROTO_CHUNK_MAX);
	hx_close(fay);
	fay = hx_login(d, "fay");
	off = hx_int(hx_ok(fay, "resource.upload", "{s:s, s:I}", "sha256", hex,
	    "size", (json_int_t)RESUME_LEN), "offset");
	cr_assert_eq(off, PROTO_CHUNK_MAX);
	res_send(fay, hex, pdf, PROTO_CHUNK_MAX, RESUME_SENT);

	/* A daemon killed outright: the partial file is the state. */
	hx_crash(d);
	hx_restart(d);
	fay = hx_login(d, "fay");
	mo = hx_login(d, "mo");
	/* A new connection has begun no upload. */
	hx_err(fay, "not_found", "resource.chunk", "{s:s, s:I, s:s}", "sha256",
	    hex, "offset", (json_int_t)RESUME_SENT, "data", "AAAA");
	off = hx_int(hx_ok(fay, "resource.upload", "{s:s, s:I}", "sha256", hex,
	    "size", (json_int_t)RESUME_LEN), "offset");
	cr_assert_eq(off, RESUME_SENT, "resumed at %lld, not at the %d bytes "
	    "sent", (long long)off, RESUME_SENT);
	r = hx_assert_ok(res_send(fay, hex, pdf, RESUME_SENT, RESUME_LEN));
	cr_assert(json_is_true(json_object_get(r, "complete")) &&
	    strcmp(hx_str(r, "type"), RES_PDF_TYPE) == 0, "%s", hx_dump(r));
	id = res_share(fay, hex, "Resumed handbook", "training");
	res_assert_fetch(mo, id, pdf, RESUME_LEN);
	cr_assert_eq(res_partials(d), 0, "a partial is left behind");

	/* A download resumed from the middle. */
	rest = res_fetch(mo, id, 70000, &len);
	cr_assert(len == RESUME_LEN - 70000 && memcmp(rest, pdf + 70000,
	    len) == 0, "the rest from 70000 differs");
	r = hx_ok(mo, "resource.get", "{s:I, s:I, s:I}", "resource", (json_int_t)id,
	    "offset", (json_int_t)1000, "length", (json_int_t)100);
	cr_assert(strcmp(hx_str(r, "data"), res_b64(pdf + 1000, 100)) == 0 &&
	    json_is_false(json_object_get(r, "eof")), "%s", hx_dump(r));
	r = hx_ok(mo, "resource.get", "{s:I, s:I}", "resource", (json_int_t)id,
	    "offset", (json_int_t)RESUME_LEN);
	cr_assert(*hx_str(r, "data") == '\0' && json_is_true(json_object_get(r,
	    "eof")), "%s", hx_dump(r));
	hx_err(mo, "bad_offset", "resource.get", "{s:I, s:I}", "resource",
	    (json_int_t)id, "offset", (json_int_t)RESUME_LEN + 1);
	hx_err(mo, "bad_request", "resource.get", "{s:I, s:I}", "resource",
	    (json_int_t)id, "length", (json_int_t)0);
	hx_err(mo, "bad_request", "resource.get", "{s:I, s:I}", "resource",
	    (json_int_t)id, "length", (json_int_t)PROTO_CHUNK_MAX + 1);
	hx_stop(d);
}

/* Every refusal of an upload is a defined error and leaves nothing
 * anyone sees: no resource, no stored file, and no partial once it is
 * refused for good (a bad hash or type). */
Test(resources, upload_refusals)
{
	struct hx_daemon *d = hx_start("max_attachment = "
	    PROTO_XSTR(SMALL_MAX) "\n");
	struct hx_conn *fay = hx_user(d, "wellbeing", "facilitator", "fay");
	struct hx_conn *mo = hx_user(d, "hope", "member", "mo");
	const unsigned char *pdf = res_pdf(RES_PDF_LEN, 3), *elf;
	const char *hex = res_sha(pdf, RES_PDF_LEN), *tiny = res_sha("x", 1);
	unsigned char bad[RES_PDF_LEN], big[PROTO_CHUNK_MAX + 1];
	char upper[65];
	size_t i, elflen;
	json_t *r;

	/* Curators only. */
	hx_err(mo, "forbidden", "resource.upload", "{s:s, s:I}", "sha256",
	    hex, "size", (json_int_t)RES_PDF_LEN);
	hx_err(mo, "forbidden", "resource.chunk", "{s:s, s:I, s:s}", "sha256",
	    hex, "offset", (json_int_t)0, "data", "AAAA");
	/* Its name and size. */
	for (i = 0; i < 64; i++)
		upper[i] = (char)(hex[i] >= 'a' ? hex[i] - 'a' + 'A' : hex[i]);
	upper[64] = '\0';
	hx_err(fay, "bad_request", "resource.upload", "{s:s, s:I}", "sha256",
	    hx_strf("%.63s", hex), "size", (json_int_t)RES_PDF_LEN);
	hx_err(fay, "bad_request", "resource.upload", "{s:s, s:I}", "sha256",
	    upper, "size", (json_int_t)RES_PDF_LEN);
	hx_err(fay, "bad_request", "resource.upload", "{s:I}", "size",
	    (json_int_t)RES_PDF_LEN);
	hx_err(fay, "bad_request", "resource.upload", "{s:s, s:I}", "sha256",
	    hex, "size", (json_int_t)0);
	hx_err(fay, "bad_request", "resource.upload", "{s:s, s:I}", "sha256",
	    hex, "size", (json_int_t)-1);
	hx_err(fay, "bad_request", "resource.upload", "{s:s}", "sha256", hex);
	r = hx_err(fay, "too_large", "resource.upload", "{s:s, s:I}", "sha256",
	    hex, "size", (json_int_t)SMALL_MAX + 1);
	cr_assert(res_msg_has(r, PROTO_XSTR(SMALL_MAX)), "%s", hx_dump(r));
	cr_assert_eq(res_partials(d), 0, "a refused upload left a partial");

	/* Chunks: of an upload begun on this connection, where it stands. */
	hx_err(fay, "not_found", "resource.chunk", "{s:s, s:I, s:s}", "sha256",
	    hex, "offset", (json_int_t)0, "data", "AAAA");
	hx_ok(fay, "resource.upload", "{s:s, s:I}", "sha256", hex, "size",
	    (json_int_t)RES_PDF_LEN);
	hx_err(fay, "not_found", "resource.chunk", "{s:s, s:I, s:s}", "sha256",
	    tiny, "offset", (json_int_t)0, "data", "AAAA");
	hx_assert_ok(res_chunk(fay, hex, 0, pdf, 1000));
	r = res_chunk(fay, hex, 0, pdf, 1000);
	hx_assert_err(r, "bad_offset");
	cr_assert(res_msg_has(r, "1000"), "%s", hx_dump(r));
	r = res_chunk(fay, hex, 5000, pdf + 5000, 1000);
	hx_assert_err(r, "bad_offset");
	cr_assert(res_msg_has(r, "1000"), "%s", hx_dump(r));
	hx_err(fay, "bad_request", "resource.chunk", "{s:s, s:I, s:s}",
	    "sha256", hex, "offset", (json_int_t)1000, "data", "not base64!");
	hx_err(fay, "bad_request", "resource.chunk", "{s:s, s:I, s:s}",
	    "sha256", hex, "offset", (json_int_t)1000, "data", "QUI");
	hx_err(fay, "bad_request", "resource.chunk", "{s:s, s:I, s:s}",
	    "sha256", hex, "offset", (json_int_t)1000, "data", "");
	memset(big, '%', sizeof big);
	hx_assert_err(res_chunk(fay, hex, 1000, big, sizeof big),
	    "bad_request");
	hx_err(fay, "bad_request", "resource.chunk", "{s:s, s:s}", "sha256",
	    hex, "data", "AAAA");
	/* None of that moved it. */
	cr_assert_eq(hx_int(hx_ok(fay, "resource.upload", "{s:s, s:I}",
	    "sha256", hex, "size", (json_int_t)RES_PDF_LEN), "offset"), 1000);

	/* Past the size declared. */
	hx_ok(fay, "resource.upload", "{s:s, s:I}", "sha256", tiny, "size",
	    (json_int_t)10);
	hx_assert_err(res_chunk(fay, tiny, 0, pdf, 11), "too_large");
	cr_assert_eq(hx_int(hx_ok(fay, "resource.upload", "{s:s, s:I}",
	    "sha256", tiny, "size", (json_int_t)10), "offset"), 0);

	/* A byte changed on the way: the hash at the end catches it, the
	 * partial goes, and the upload starts again from nothing. */
	memcpy(bad, pdf, sizeof bad);
	bad[40000] ^= 0x20;
	r = res_upload_as(fay, hex, bad, RES_PDF_LEN);
	hx_assert_err(r, "bad_hash");
	hx_err(fay, "not_found", "resource.post", "{s:s, s:[s], s:s}", "title",
	    "Corrupted", "tags", "training", "sha256", hex);
	cr_assert_eq(hx_int(hx_ok(fay, "resource.upload", "{s:s, s:I}",
	    "sha256", hex, "size", (json_int_t)RES_PDF_LEN), "offset"), 0);

	/* Types come from the bytes (an upload has no name). */
	r = res_upload(fay, (const unsigned char *)SHELL, strlen(SHELL));
	hx_assert_err(r, "bad_type");
	cr_assert(res_msg_has(r, "text/x-shellscript"), "%s", hx_dump(r));
	elf = (const unsigned char *)hx_slurp("/bin/true", &elflen);
	cr_assert(elf != NULL && elflen > 4 && elflen <= SMALL_MAX &&
	    memcmp(elf, "\177ELF", 4) == 0, "/bin/true is no small ELF");
	r = res_upload(fay, elf, elflen);
	hx_assert_err(r, "bad_type");
	cr_assert(res_msg_has(r, "not allowed"), "%s", hx_dump(r));
	cr_assert_eq(hx_int(hx_ok(fay, "resource.upload", "{s:s, s:I}",
	    "sha256", res_sha(elf, elflen), "size", (json_int_t)elflen),
	    "offset"), 0, "a refused type kept its bytes");

	/* Nothing of it is anywhere: the partials left are the uploads
	 * still open (pdf, tiny and the ELF, each at 0). */
	cr_assert_eq(json_array_size(res_list(mo, NULL, NULL)), 0);
	cr_assert_eq(json_array_size(res_list(fay, NULL, NULL)), 0);
	cr_assert_eq(res_stored(d), 0, "a refused upload was stored");
	cr_assert_eq(res_partials(d), 3);

	/* The limit itself is allowed. */
	res_uploaded(fay, res_pdf(SMALL_MAX, 4), SMALL_MAX, RES_PDF_TYPE);
	cr_assert_eq(res_stored(d), 1);
	hx_stop(d);
}

/* A tag refused (any code: bad_tag_is_bad_name checks which),
 * named in the message. */
static void
tag_refused(struct hx_conn *c, const char *tag)
{
	json_t *r = hx_call(c, "resource.post", "{s:s, s:[s], s:s}", "title",
	    "Tagged", "tags", tag, "url", LINK);

	cr_assert(json_object_get(r, "error") != NULL, "tag \"%s\": %s", tag,
	    hx_dump(r));
	cr_assert(res_msg_has(r, hx_strf("%.32s", tag)), "the refusal does not "
	    "name tag \"%s\": %s", tag, hx_dump(r));
}

Test(resources, post_refusals)
{
	struct hx_daemon *d = hx_start(NULL);
	struct hx_conn *fay = hx_user(d, "wellbeing", "facilitator", "fay");
	struct hx_conn *mo = hx_user(d, "hope", "member", "mo");
	const unsigned char *pdf = res_pdf(RES_PDF_LEN, 5);
	const char *hex, *long_tag = hx_strf("%033d", 0);
	const char *title200 = hx_strf("%0200d", 0);
	json_t *r;
	int64_t id;

	hex = res_uploaded(fay, pdf, RES_PDF_LEN, RES_PDF_TYPE);
	hx_err(mo, "forbidden", "resource.post", "{s:s, s:[s], s:s}", "title",
	    "Mine", "tags", "x", "url", LINK);
	hx_err(mo, "forbidden", "resource.post", "{s:s, s:[s], s:s}", "title",
	    "Mine", "tags", "x", "sha256", hex);
	/* Titles and summaries, as a post's: missing is bad_request, too
	 * long too_large, anything else not text bad_text. */
	hx_err(fay, "bad_request", "resource.post", "{s:[s], s:s}", "tags", "x",
	    "url", LINK);
	hx_err(fay, "bad_text", "resource.post", "{s:s, s:[s], s:s}", "title",
	    "", "tags", "x", "url", LINK);
	hx_err(fay, "too_large", "resource.post", "{s:s, s:[s], s:s}", "title",
	    hx_strf("%s1", title200), "tags", "x", "url", LINK);
	hx_err(fay, "bad_text", "resource.post", "{s:s, s:[s], s:s}", "title",
	    "two\nlines", "tags", "x", "url", LINK);
	hx_err(fay, "too_large", "resource.post", "{s:s, s:[s], s:s, s:s}",
	    "title", "Long", "tags", "x", "summary", hx_strf("%02001d", 0),
	    "url", LINK);
	/* Tags. */
	hx_err(fay, "bad_request", "resource.post", "{s:s, s:s}", "title",
	    "No tags", "url", LINK);
	hx_err(fay, "bad_request", "resource.post", "{s:s, s:[], s:s}", "title",
	    "No tags", "tags", "url", LINK);
	hx_err(fay, "bad_request", "resource.post", "{s:s, s:s, s:s}", "title",
	    "Tags", "tags", "x", "url", LINK);
	hx_err(fay, "bad_request", "resource.post", "{s:s, s:[i], s:s}",
	    "title", "Tags", "tags", 7, "url", LINK);
	hx_err(fay, "bad_request", "resource.post",
	    "{s:s, s:[s,s,s,s,s,s,s,s,s], s:s}", "title", "Nine", "tags", "a",
	    "b", "c", "d", "e", "f", "g", "h", "i", "url", LINK);
	tag_refused(fay, "");
	tag_refused(fay, long_tag);
	tag_refused(fay, "a\001b");
	tag_refused(fay, "two words");
	tag_refused(fay, "caf\xc3\xa9");
	/* A link or a file, not both, not neither. */
	hx_err(fay, "bad_request", "resource.post", "{s:s, s:[s], s:s, s:s}",
	    "title", "Both", "tags", "x", "url", LINK, "sha256", hex);
	hx_err(fay, "bad_request", "resource.post", "{s:s, s:[s]}", "title",
	    "Neither", "tags", "x");
	hx_err(fay, "bad_text", "resource.post", "{s:s, s:[s], s:s}", "title",
	    "Ftp", "tags", "x", "url", "ftp://x");
	hx_err(fay, "bad_text", "resource.post", "{s:s, s:[s], s:s}", "title",
	    "Space", "tags", "x", "url", "https://example.org/a guide");
	hx_err(fay, "bad_request", "resource.post", "{s:s, s:[s], s:s}",
	    "title", "Short", "tags", "x", "sha256", hx_strf("%.63s", hex));
	hx_err(fay, "not_found", "resource.post", "{s:s, s:[s], s:s}", "title",
	    "Never sent", "tags", "x", "sha256", res_sha("never", 5));
	cr_assert_eq(json_array_size(res_list(mo, NULL, NULL)), 0,
	    "a refused post was stored");

	/* The edges that are allowed; tags are lowercased, once each. */
	id = hx_int(hx_ok(fay, "resource.post",
	    "{s:s, s:[s,s,s,s,s,s,s,s], s:s}", "title", title200, "tags",
	    "Training", "training", "TRAINING", hx_strf("%032d", 0), "a-b",
	    "z", "9", "grief", "sha256", hex), "resource");
	r = json_object_get(hx_ok(mo, "resource.show", "{s:I}", "resource",
	    (json_int_t)id), "resource");
	cr_assert_str_eq(hx_str(r, "title"), title200);
	cr_assert_str_eq(hx_dump(json_object_get(r, "tags")), hx_strf(
	    "[\"%032d\",\"9\",\"a-b\",\"grief\",\"training\",\"z\"]", 0));
	id = hx_int(hx_ok(fay, "resource.post", "{s:s, s:[s], s:s, s:s}",
	    "title", "Plain http", "tags", "x", "summary", "two\nlines",
	    "url", "http://example.org/x?a=1&b=%20"), "resource");
	r = json_object_get(hx_ok(mo, "resource.show", "{s:I}", "resource",
	    (json_int_t)id), "resource");
	cr_assert_str_eq(hx_str(r, "summary"), "two\nlines");
	cr_assert_eq(json_array_size(res_list(mo, NULL, NULL)), 2);
	hx_stop(d);
}

/* Nothing of an upload in progress shows: not in a list, not to its
 * own account's resource.post, not to another's, whose own upload of
 * the same content starts from nothing. */
Test(resources, upload_in_progress_is_private)
{
	struct hx_daemon *d = hx_start(NULL);
	struct hx_conn *fay = hx_user(d, "wellbeing", "facilitator", "fay");
	struct hx_conn *finn = hx_user(d, "elsewhere", "facilitator", "finn");
	struct hx_conn *mo = hx_user(d, "hope", "member", "mo");
	const unsigned char *pdf = res_pdf(RES_PDF_LEN, 6);
	const char *hex = res_sha(pdf, RES_PDF_LEN);
	json_t *a, *b;
	int64_t id;

	hx_ok(fay, "resource.upload", "{s:s, s:I}", "sha256", hex, "size",
	    (json_int_t)RES_PDF_LEN);
	res_send(fay, hex, pdf, 0, 2 * PROTO_CHUNK_MAX);
	cr_assert_eq(json_array_size(res_list(mo, NULL, NULL)), 0);
	cr_assert_eq(json_array_size(res_list(fay, NULL, NULL)), 0);
	a = hx_err(finn, "not_found", "resource.post", "{s:s, s:[s], s:s}",
	    "title", "Not mine", "tags", "x", "sha256", hex);
	b = hx_err(finn, "not_found", "resource.post", "{s:s, s:[s], s:s}",
	    "title", "Not mine", "tags", "x", "sha256", res_sha("none", 4));
	cr_assert_str_eq(hx_dump(json_object_get(a, "error")),
	    hx_dump(json_object_get(b, "error")));
	hx_err(fay, "not_found", "resource.post", "{s:s, s:[s], s:s}", "title",
	    "Too soon", "tags", "x", "sha256", hex);
	cr_assert_eq(hx_int(hx_ok(finn, "resource.upload", "{s:s, s:I}",
	    "sha256", hex, "size", (json_int_t)RES_PDF_LEN), "offset"), 0,
	    "another account's upload resumed from fay's bytes");
	hx_err(finn, "bad_offset", "resource.chunk", "{s:s, s:I, s:s}",
	    "sha256", hex, "offset", (json_int_t)2 * PROTO_CHUNK_MAX, "data",
	    res_b64(pdf + 2 * PROTO_CHUNK_MAX, 100));
	/* Finished, it is fay's to share. */
	hx_assert_ok(res_send(fay, hex, pdf, 2 * PROTO_CHUNK_MAX,
	    RES_PDF_LEN));
	id = res_share(fay, hex, "Now shared", "training");
	cr_assert(res_has(res_list(mo, NULL, NULL), id));
	hx_stop(d);
}

/*
 * resource.post names "an upload of this account, complete": naming a
 * SHA-256 someone else sent answers as one nobody sent, so nobody
 * learns what others uploaded or shares a file they never had.
 */
Test(resources, post_names_only_its_own_upload)
{
	struct hx_daemon *d = hx_start(NULL);
	struct hx_conn *fay = hx_user(d, "wellbeing", "facilitator", "fay");
	struct hx_conn *finn = hx_user(d, "elsewhere", "facilitator", "finn");
	const unsigned char *pdf = res_pdf(RES_PDF_LEN, 7);
	const char *hex = res_uploaded(fay, pdf, RES_PDF_LEN, RES_PDF_TYPE);
	json_t *a, *b;

	a = hx_call(finn, "resource.post", "{s:s, s:[s], s:s}", "title",
	    "Not mine", "tags", "x", "sha256", hex);
	b = hx_err(finn, "not_found", "resource.post", "{s:s, s:[s], s:s}",
	    "title", "Not mine", "tags", "x", "sha256", res_sha("none", 4));
	cr_assert_str_eq(hx_dump(json_object_get(a, "error")),
	    hx_dump(json_object_get(b, "error")), "finn shared fay's unshared "
	    "upload without sending a byte of it: %s", hx_dump(a));
	hx_stop(d);
}

/* A bad_offset error carries "offset": N, where the upload stands, for
 * a client to resume from without parsing the message. */
Test(resources, bad_offset_carries_the_offset)
{
	struct hx_daemon *d = hx_start(NULL);
	struct hx_conn *fay = hx_user(d, "wellbeing", "facilitator", "fay");
	const unsigned char *pdf = res_pdf(RES_PDF_LEN, 8);
	const char *hex = res_sha(pdf, RES_PDF_LEN);
	json_t *r;

	hx_ok(fay, "resource.upload", "{s:s, s:I}", "sha256", hex, "size",
	    (json_int_t)RES_PDF_LEN);
	hx_assert_ok(res_chunk(fay, hex, 0, pdf, 1000));
	r = res_chunk(fay, hex, 0, pdf, 1000);
	hx_assert_err(r, "bad_offset");
	cr_assert(json_integer_value(json_object_get(json_object_get(r,
	    "error"), "offset")) == 1000, "no \"offset\": 1000 in %s",
	    hx_dump(r));
	hx_stop(d);
}

/* A bad tag is bad_name, naming it, as a bad channel or user name is
 * (the daemon's rule for every name). */
Test(resources, bad_tag_is_bad_name)
{
	struct hx_daemon *d = hx_start(NULL);
	struct hx_conn *fay = hx_user(d, "wellbeing", "facilitator", "fay");
	const char *bad[] = { "", "two words", "a\001b", "caf\xc3\xa9" };
	json_t *r;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		r = hx_call(fay, "resource.post", "{s:s, s:[s], s:s}", "title",
		    "Tagged", "tags", bad[i], "url", LINK);
		cr_expect_str_eq(json_string_value(json_object_get(
		    json_object_get(r, "error"), "code")), "bad_name",
		    "tag \"%s\": %s", bad[i], hx_dump(r));
	}
	hx_stop(d);
}
