/*
 * cmd-resource.c: resources and subscriptions on the wire: uploading an
 * attachment in chunks, sharing a resource (a link or a file), listing,
 * showing, fetching and deleting them, and the tags people and
 * organisations follow.
 *
 * An upload is named by its SHA-256 and belongs to its account; the
 * partial file on disk is its state (blob.c), so an upload interrupted
 * by a dropped connection or a restarted daemon resumes where the file
 * ends: resource.upload answers the offset. A chunk is written on the
 * loop (one write of at most PROTO_CHUNK_MAX bytes, into the page
 * cache); the last one hands the file to the writer thread, which
 * verifies its hash and type, makes it durable and records it
 * (SW_UPLOAD_FINISH). Only then may a resource name it.
 *
 * A new resource's inbox items (one per subscribed person) are written
 * with it; the bus decides per person whether each is pushed now or
 * waits for their working hours (bus_inbox).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "blob.h"
#include "bus.h"
#include "cmd.h"
#include "conn.h"
#include "server.h"
#include "store.h"
#include "util.h"

#define CMD_RESOURCES_LIMIT	200	/* resources per page at most */
#define CMD_RESOURCES_DEFAULT	50

/* ---- the resource object ---------------------------------------------- */

json_t *
cmd_resource_json(const struct store_resource *r)
{
	char ts[PROTO_TS_LEN], hex[PROTO_SHA256_HEX + 1];
	json_t *o, *tags = json_array();
	const char *t = r->tags, *comma;

	while (*t != '\0') {
		comma = strchr(t, ',');
		json_array_append_new(tags, json_stringn(t, comma != NULL ?
		    (size_t)(comma - t) : strlen(t)));
		t = comma != NULL ? comma + 1 : t + strlen(t);
	}
	proto_ts_format(r->ts, ts);
	o = json_pack("{s:I, s:s, s:o, s:s, s:s, s:s}", "id",
	    (json_int_t)r->id, "title", r->title, "tags", tags, "org", r->org,
	    "by", r->by, "ts", ts);
	if (r->summary != NULL)
		json_object_set_new(o, "summary", json_string(r->summary));
	if (r->url != NULL)
		json_object_set_new(o, "url", json_string(r->url));
	if (r->sha256 != NULL) {
		blob_hex(r->sha256, hex);
		json_object_set_new(o, "sha256", json_string(hex));
		json_object_set_new(o, "size", json_integer(r->size));
		json_object_set_new(o, "type", json_string(r->type != NULL ?
		    r->type : ""));
	}
	return o;
}

struct cmd_res_one {
	json_t		*obj;		/* NULL: none, or deleted */
	int64_t		 account;	/* its poster */
	int		 file;
	uint8_t		 sha256[PROTO_SHA256_HEX / 2];
	int64_t		 size;
};

static int
cmd_res_one(void *arg, const struct store_resource *r)
{
	struct cmd_res_one *one = arg;

	if (r->deleted)
		return 0;
	one->obj = cmd_resource_json(r);
	one->account = r->account_id;
	if ((one->file = r->sha256 != NULL) != 0)
		memcpy(one->sha256, r->sha256, sizeof one->sha256);
	one->size = r->size;
	return 0;
}

/* The resource named by "resource" (not "id": that is the request's
 * own), not deleted: 0, or -1 having answered (a deleted resource
 * answers as one that never was). */
static int
cmd_res_get(struct cmd_q *q, struct cmd_res_one *one)
{
	int64_t id;

	memset(one, 0, sizeof *one);
	if (proto_get_int(q->req, "resource", 1, 1, INT64_MAX, &id, NULL) !=
	    PROTO_OK) {
		cmd_bad_field(q->c, q->req, "resource");
		return -1;
	}
	if (store_resource_by_id(q->c->srv->store, id, cmd_res_one, one) !=
	    STORE_OK) {
		conn_reply_err(q->c, q->req->id, PROTO_E_INTERNAL, NULL);
		return -1;
	}
	if (one->obj == NULL) {
		conn_reply_err(q->c, q->req->id, PROTO_E_NOT_FOUND,
		    "no such resource");
		return -1;
	}
	return 0;
}

/* ---- uploads ------------------------------------------------------------ */

static int
cmd_get_sha(struct cmd_q *q, uint8_t *sha)
{
	const char *hex;

	if (proto_get_str(q->req, "sha256", 1, &hex, NULL) != PROTO_OK ||
	    proto_parse_sha256(hex, sha) != 0) {
		conn_reply_err(q->c, q->req->id, PROTO_E_BAD_REQUEST,
		    "\"sha256\" must be 64 lowercase hex digits");
		return -1;
	}
	return 0;
}

static void
cmd_too_large(struct cmd_q *q)
{
	char msg[120];
	size_t max = q->c->srv->cf.max_attachment;

	if (max >= 1024 * 1024)
		snprintf(msg, sizeof msg, "files are at most %zu MiB here",
		    max / (1024 * 1024));
	else
		snprintf(msg, sizeof msg, "files are at most %zu bytes here",
		    max);
	conn_reply_err(q->c, q->req->id, PROTO_E_TOO_LARGE, msg);
}

static void
cmd_upload_finished(struct store_write *w)
{
	struct conn *c = w->ctx;
	char msg[BLOB_TYPE_MAX + 160];

	c->upload.finishing = 0;
	c->upload.active = 0;
	if (!conn_is_open(c))
		goto out;
	if (w->result != STORE_OK || w->blob == BLOB_ERROR)
		cmd_reply_store_err(c, w->arg, STORE_ERROR);
	else if (w->blob == BLOB_OK)
		conn_reply_ok(c, w->arg, json_pack("{s:I, s:b, s:s}", "offset",
		    (json_int_t)w->size, "complete", 1, "type", w->reason));
	else if (w->blob == BLOB_BAD_TYPE) {
		snprintf(msg, sizeof msg, "files of type %s are not allowed: "
		    "share documents, spreadsheets, presentations, PDF, "
		    "plain text or images", w->reason);
		conn_reply_err(c, w->arg, PROTO_E_BAD_TYPE, msg);
	} else if (w->blob == BLOB_BAD_HASH || w->blob == BLOB_SHORT)
		conn_reply_err(c, w->arg, PROTO_E_BAD_HASH, NULL);
	else
		conn_reply_err(c, w->arg, PROTO_E_NOT_FOUND,
		    "no such upload: start it with resource.upload");
out:
	cmd_write_finish(w);
}

static void
cmd_chunk_finish(struct cmd_q *q)
{
	struct conn *c = q->c;
	struct store_write *w;

	w = cmd_write_new(c, q->req, SW_UPLOAD_FINISH, cmd_upload_finished);
	memcpy(w->sha256, c->upload.sha256, sizeof w->sha256);
	w->size = c->upload.size;
	c->upload.finishing = 1;
	store_submit(c->srv->store, w);
}

static void
cmd_upload(struct cmd_q *q)
{
	struct conn *c = q->c;
	struct blob_store *bs = store_blobs(c->srv->store);
	int64_t size, have;
	uint8_t sha[32];

	if (cmd_get_sha(q, sha) != 0)
		return;
	if (proto_get_int(q->req, "size", 1, 1, INT64_MAX, &size, NULL) !=
	    PROTO_OK)
		return cmd_bad_field(c, q->req, "size");
	if ((uint64_t)size > c->srv->cf.max_attachment)
		return cmd_too_large(q);
	if (c->upload.finishing)
		return conn_reply_err(c, q->req->id, PROTO_E_BUSY,
		    "the last upload is still being checked");
	/* Every upload sends every byte, even of a file stored already:
	 * sharing happens in blob_finish, after all of it has arrived, so
	 * that nobody can learn what someone else uploaded. */
	if ((have = blob_partial(bs, c->acct.id, sha, 1)) < 0)
		return conn_reply_err(c, q->req->id, PROTO_E_INTERNAL, NULL);
	if (have > size) {
		/* Declared smaller than what came before: start again. */
		blob_discard(bs, c->acct.id, sha);
		if ((have = blob_partial(bs, c->acct.id, sha, 1)) < 0)
			return conn_reply_err(c, q->req->id, PROTO_E_INTERNAL,
			    NULL);
	}
	memcpy(c->upload.sha256, sha, sizeof sha);
	c->upload.size = size;
	c->upload.active = 1;
	/* Every byte came, but the check never finished (the daemon
	 * stopped, or the disk failed): finish it now, no chunk being left
	 * to start it. */
	if (have == size)
		return cmd_chunk_finish(q);
	conn_reply_ok(c, q->req->id, json_pack("{s:I}", "offset",
	    (json_int_t)have));
}

/* bad_offset, with where the upload stands as a number too, so that a
 * client resumes from it without reading the message. */
static void
cmd_bad_offset(struct cmd_q *q, int64_t at)
{
	char msg[80];
	json_t *err;

	snprintf(msg, sizeof msg, "the upload stands at offset %lld",
	    (long long)at);
	err = json_pack("{s:O?, s:{s:s, s:s, s:I}}", "id", q->req->id,
	    "error", "code", proto_err_code(PROTO_E_BAD_OFFSET), "message",
	    msg, "offset", (json_int_t)at);
	conn_send_event(q->c, err);
	json_decref(err);
}

static void
cmd_chunk(struct cmd_q *q)
{
	struct conn *c = q->c;
	struct blob_store *bs = store_blobs(c->srv->store);
	unsigned char data[PROTO_CHUNK_MAX + 2];
	const char *b64;
	int64_t off, size;
	uint8_t sha[32];
	size_t len;
	int r;

	if (cmd_get_sha(q, sha) != 0)
		return;
	if (!c->upload.active || c->upload.finishing ||
	    memcmp(sha, c->upload.sha256, sizeof sha) != 0)
		return conn_reply_err(c, q->req->id, PROTO_E_NOT_FOUND,
		    "no such upload: start it with resource.upload");
	if (proto_get_int(q->req, "offset", 1, 0, INT64_MAX, &off, NULL) !=
	    PROTO_OK)
		return cmd_bad_field(c, q->req, "offset");
	if (proto_get_str(q->req, "data", 1, &b64, NULL) != PROTO_OK ||
	    proto_base64_decode(b64, data, PROTO_CHUNK_MAX, &len) != 0)
		return conn_reply_err(c, q->req->id, PROTO_E_BAD_REQUEST,
		    "\"data\" must be padded base64 of 1 to "
		    PROTO_XSTR(PROTO_CHUNK_MAX) " bytes");
	r = blob_append(bs, c->acct.id, sha, off, data, len,
	    c->upload.size, &size);
	if (r == BLOB_BAD_OFFSET)
		return cmd_bad_offset(q, size);
	if (r == BLOB_TOO_LARGE)
		return conn_reply_err(c, q->req->id, PROTO_E_TOO_LARGE,
		    "that chunk goes past the size declared");
	if (r == BLOB_NOTFOUND)
		return conn_reply_err(c, q->req->id, PROTO_E_NOT_FOUND,
		    "no such upload: start it with resource.upload");
	if (r != BLOB_OK)
		return conn_reply_err(c, q->req->id, PROTO_E_INTERNAL, NULL);
	if (size == c->upload.size)
		return cmd_chunk_finish(q);
	conn_reply_ok(c, q->req->id, json_pack("{s:I}", "offset",
	    (json_int_t)size));
}

static void
cmd_get(struct cmd_q *q)
{
	struct conn *c = q->c;
	unsigned char buf[PROTO_CHUNK_MAX];
	struct cmd_res_one one;
	char hex[PROTO_SHA256_HEX + 1], *b64;
	int64_t off = 0, len = PROTO_CHUNK_MAX, id;
	ssize_t n;

	if (cmd_res_get(q, &one) != 0)
		return;
	id = json_integer_value(json_object_get(one.obj, "id"));
	json_decref(one.obj);
	if (!one.file)
		return conn_reply_err(c, q->req->id, PROTO_E_BAD_REQUEST,
		    "that resource is a link, not a file");
	if (proto_get_int(q->req, "offset", 0, 0, INT64_MAX, &off, NULL) !=
	    PROTO_OK || proto_get_int(q->req, "length", 0, 1,
	    PROTO_CHUNK_MAX, &len, NULL) != PROTO_OK)
		return cmd_bad_field(c, q->req, "offset\" or \"length");
	if (off > one.size)
		return conn_reply_err(c, q->req->id, PROTO_E_BAD_OFFSET,
		    "that offset is past the end of the file");
	if (len > one.size - off)
		len = one.size - off;
	n = len > 0 ? blob_read(store_blobs(c->srv->store), one.sha256, off,
	    buf, (size_t)len) : 0;
	if (n != (ssize_t)len) {
		log_error("resource %lld: attachment unreadable at %lld",
		    (long long)id, (long long)off);
		return conn_reply_err(c, q->req->id, PROTO_E_INTERNAL,
		    "the file cannot be read: tell the network's operator");
	}
	/* The file's first chunk is a fetch, for the programme's report
	 * (stored once per person and resource). */
	if (off == 0)
		cmd_programme_fetch(c, id);
	b64 = proto_base64_encode(buf, (size_t)n, NULL);
	blob_hex(one.sha256, hex);
	conn_reply_ok(c, q->req->id, json_pack("{s:I, s:I, s:I, s:s, s:b, s:s}",
	    "resource", (json_int_t)id, "offset", (json_int_t)off, "size",
	    (json_int_t)one.size, "sha256", hex, "eof", off + n == one.size,
	    "data", b64));
	free(b64);
}

/* ---- sharing and deleting ------------------------------------------------ */

int
cmd_get_tags(struct cmd_q *q, struct store_write *w, int required)
{
	char tag[PROTO_MAX_TAG + 2], msg[PROTO_MAX_TAG + 120];
	const char *t;
	json_t *arr = NULL;
	size_t i, j, n;
	int present = 0;

	if (proto_get_strarray(q->req, "tags", PROTO_MAX_TAGS, &arr,
	    &present) == PROTO_OK && !present && !required)
		return 0;
	if (proto_get_strarray(q->req, "tags", PROTO_MAX_TAGS, &arr, NULL) !=
	    PROTO_OK || (n = json_array_size(arr)) == 0) {
		conn_reply_err(q->c, q->req->id, PROTO_E_BAD_REQUEST,
		    "\"tags\" must be 1 to " PROTO_XSTR(PROTO_MAX_TAGS)
		    " tags");
		return -1;
	}
	for (i = 0; i < n; i++) {
		t = json_string_value(json_array_get(arr, i));
		for (j = 0; t[j] != '\0' && j < sizeof tag - 1; j++)
			tag[j] = (char)tolower((unsigned char)t[j]);
		tag[j] = '\0';
		if (t[j] != '\0' || proto_check_tag(tag) != PROTO_OK) {
			snprintf(msg, sizeof msg, "tag \"%.*s\": tags are 1-"
			    PROTO_XSTR(PROTO_MAX_TAG) " of a-z 0-9 -",
			    PROTO_MAX_TAG, tag);
			conn_reply_err(q->c, q->req->id, PROTO_E_BAD_NAME, msg);
			return -1;
		}
		for (j = 0; j < (size_t)w->ntags; j++)
			if (strcmp(w->tags[j], tag) == 0)
				break;
		if (j == (size_t)w->ntags)
			strlcpy_h(w->tags[w->ntags++], tag, sizeof w->tags[0]);
	}
	return 0;
}

/* The texts and the link or file of a new resource into w: 0, or -1
 * having answered. */
static int
cmd_res_fields(struct cmd_q *q, struct store_write *w)
{
	struct conn *c = q->c;
	const char *title, *summary = NULL, *url = NULL, *hex = NULL;
	char type[BLOB_TYPE_MAX];
	int has_url = 0, has_sha = 0;
	enum proto_err err;

	if (proto_get_str(q->req, "title", 1, &title, NULL) != PROTO_OK) {
		cmd_bad_field(c, q->req, "title");
		return -1;
	}
	if ((err = proto_check_title(title)) != PROTO_OK) {
		conn_reply_err(c, q->req->id, err, "a title of 1-"
		    PROTO_XSTR(PROTO_MAX_TITLE) " bytes, one line");
		return -1;
	}
	if (proto_get_str(q->req, "summary", 0, &summary, NULL) != PROTO_OK ||
	    (summary != NULL && (err = proto_check_summary(summary)) !=
	    PROTO_OK)) {
		conn_reply_err(c, q->req->id, summary != NULL ? err :
		    PROTO_E_BAD_REQUEST, "a summary of 1-"
		    PROTO_XSTR(PROTO_MAX_SUMMARY) " bytes of text");
		return -1;
	}
	if (proto_get_str(q->req, "url", 0, &url, &has_url) != PROTO_OK ||
	    proto_get_str(q->req, "sha256", 0, &hex, &has_sha) != PROTO_OK ||
	    has_url == has_sha) {
		conn_reply_err(c, q->req->id, PROTO_E_BAD_REQUEST,
		    "a resource is a link (\"url\") or a file (\"sha256\")");
		return -1;
	}
	if (has_url && proto_check_url(url) != PROTO_OK) {
		conn_reply_err(c, q->req->id, PROTO_E_BAD_TEXT, "a link starts "
		    "http:// or https://, has no spaces and is at most "
		    PROTO_XSTR(PROTO_MAX_URL) " bytes");
		return -1;
	}
	if (has_sha && (cmd_get_sha(q, w->sha256) != 0))
		return -1;
	if (has_sha && store_attachment(c->srv->store, c->acct.id, w->sha256,
	    &w->size, type, sizeof type) != 1) {
		conn_reply_err(c, q->req->id, PROTO_E_NOT_FOUND, "no file with "
		    "that SHA-256 has been uploaded: upload it first");
		return -1;
	}
	w->has_file = has_sha;
	w->title = xstrdup(title);
	w->body = summary != NULL ? xstrdup(summary) : NULL;
	w->note = url != NULL ? xstrdup(url) : NULL;
	return 0;
}

static void
cmd_res_posted(struct store_write *w)
{
	struct conn *c = w->ctx;

	if (w->result == STORE_OK) {
		log_info("resource %lld shared by %s for %s: %zu subscribed",
		    (long long)w->eid, w->actor, w->acct.org, w->nids);
		cmd_inbox_push(c->srv, w, STORE_INBOX_RESOURCE, w->eid);
	}
	cmd_write_reply(w, json_pack("{s:I, s:I}", "resource",
	    (json_int_t)w->eid, "notified", (json_int_t)w->nids),
	    "no file with that SHA-256 has been uploaded: upload it first");
	cmd_write_finish(w);
}

static void
cmd_res_post(struct cmd_q *q)
{
	struct conn *c = q->c;
	struct store_write *w;

	w = cmd_write_new(c, q->req, SW_RESOURCE_POST, cmd_res_posted);
	if (cmd_get_tags(q, w, 1) != 0 || cmd_res_fields(q, w) != 0) {
		cmd_write_finish(w);
		return;
	}
	w->org = c->acct.org_id;
	strlcpy_h(w->acct.org, c->acct.org, sizeof w->acct.org);
	store_submit(c->srv->store, w);
}

static void
cmd_res_deleted(struct store_write *w)
{
	if (w->result == STORE_OK)
		log_info("resource %lld deleted by %s", (long long)w->post,
		    w->actor);
	cmd_write_reply(w, json_pack("{s:I}", "resource", (json_int_t)w->post),
	    "no such resource");
	cmd_write_finish(w);
}

/* Its poster, or a facilitator or admin (the network's curators). */
static void
cmd_res_delete(struct cmd_q *q)
{
	struct conn *c = q->c;
	struct cmd_res_one one;
	struct store_write *w;
	int64_t id;

	if (cmd_res_get(q, &one) != 0)
		return;
	id = json_integer_value(json_object_get(one.obj, "id"));
	json_decref(one.obj);
	if (one.account != c->acct.id &&
	    (access_caps(c->acct.role) & (CAP_FACILITATE | CAP_ADMIN)) == 0)
		return conn_reply_err(c, q->req->id, PROTO_E_FORBIDDEN,
		    "only its poster, a facilitator or an admin may delete a "
		    "resource");
	w = cmd_write_new(c, q->req, SW_RESOURCE_DELETE, cmd_res_deleted);
	w->post = id;
	store_submit(c->srv->store, w);
}

/* ---- reading ----------------------------------------------------------- */

static int
cmd_res_list_add(void *arg, const struct store_resource *r)
{
	json_array_append_new(arg, cmd_resource_json(r));
	return 0;
}

static void
cmd_res_list(struct cmd_q *q)
{
	struct conn *c = q->c;
	int64_t limit = CMD_RESOURCES_DEFAULT, before = 0, org = 0;
	const char *tag = NULL, *oname = NULL;
	int more = 0;
	json_t *list;

	if (proto_get_int(q->req, "limit", 0, 1, CMD_RESOURCES_LIMIT, &limit,
	    NULL) != PROTO_OK || proto_get_int(q->req, "before", 0, 1,
	    INT64_MAX, &before, NULL) != PROTO_OK)
		return cmd_bad_field(c, q->req, "limit\" or \"before");
	if (proto_get_str(q->req, "tag", 0, &tag, NULL) != PROTO_OK ||
	    (tag != NULL && proto_check_tag(tag) != PROTO_OK))
		return conn_reply_err(c, q->req->id, PROTO_E_BAD_NAME,
		    "tags are 1-" PROTO_XSTR(PROTO_MAX_TAG) " of a-z 0-9 -");
	if (proto_get_str(q->req, "org", 0, &oname, NULL) != PROTO_OK)
		return cmd_bad_field(c, q->req, "org");
	/* Organisations are no secret (the directory lists them), and
	 * resources are shared network-wide. */
	if (oname != NULL && store_org_by_name(c->srv->store, oname, &org) !=
	    STORE_OK)
		return conn_reply_err(c, q->req->id, PROTO_E_NOT_FOUND,
		    "no such organisation");
	list = json_array();
	if (store_resources(c->srv->store, tag, org, before, (int)limit,
	    cmd_res_list_add, list, &more) != STORE_OK) {
		json_decref(list);
		return conn_reply_err(c, q->req->id, PROTO_E_INTERNAL, NULL);
	}
	conn_reply_ok(c, q->req->id, json_pack("{s:o, s:b}", "resources", list,
	    "more", more));
}

static void
cmd_res_show(struct cmd_q *q)
{
	struct cmd_res_one one;

	if (cmd_res_get(q, &one) != 0)
		return;
	conn_reply_ok(q->c, q->req->id, json_pack("{s:o}", "resource",
	    one.obj));
}

static int
cmd_tag_add(void *arg, const char *tag, int64_t resources,
    int64_t subscribers)
{
	json_array_append_new(arg, json_pack("{s:s, s:I, s:I}", "tag", tag,
	    "resources", (json_int_t)resources, "subscribers",
	    (json_int_t)subscribers));
	return 0;
}

static void
cmd_tags(struct cmd_q *q)
{
	json_t *list = json_array();

	if (store_tags(q->c->srv->store, cmd_tag_add, list) != STORE_OK) {
		json_decref(list);
		return conn_reply_err(q->c, q->req->id, PROTO_E_INTERNAL, NULL);
	}
	conn_reply_ok(q->c, q->req->id, json_pack("{s:o}", "tags", list));
}

/* ---- subscriptions ------------------------------------------------------- */

struct cmd_subs {
	json_t	*mine, *org;
};

static int
cmd_sub_add(void *arg, const char *tag, int org)
{
	struct cmd_subs *cs = arg;

	json_array_append_new(org ? cs->org : cs->mine, json_string(tag));
	return 0;
}

static void
cmd_subscriptions(struct cmd_q *q)
{
	struct conn *c = q->c;
	struct cmd_subs cs = { json_array(), json_array() };

	if (store_subscriptions(c->srv->store, c->acct.id, c->acct.org_id,
	    cmd_sub_add, &cs) != STORE_OK) {
		json_decref(cs.mine);
		json_decref(cs.org);
		return conn_reply_err(c, q->req->id, PROTO_E_INTERNAL, NULL);
	}
	conn_reply_ok(c, q->req->id, json_pack("{s:o, s:o, s:s}", "mine",
	    cs.mine, "org", cs.org, "org_name", c->acct.org));
}

static void
cmd_sub_written(struct store_write *w)
{
	cmd_write_reply(w, json_pack("{s:s, s:b}", "tag", w->name, "org",
	    w->org != 0), w->org != 0 ?
	    "your organisation does not follow that tag" :
	    "you do not follow that tag");
	cmd_write_finish(w);
}

static void
cmd_sub_change(struct cmd_q *q, int subscribe)
{
	struct conn *c = q->c;
	struct store_write *w;
	const char *tag;
	int org = 0;

	if (proto_get_str(q->req, "tag", 1, &tag, NULL) != PROTO_OK ||
	    proto_check_tag(tag) != PROTO_OK)
		return conn_reply_err(c, q->req->id, PROTO_E_BAD_NAME,
		    "tags are 1-" PROTO_XSTR(PROTO_MAX_TAG) " of a-z 0-9 -");
	if (proto_get_bool(q->req, "org", &org) != PROTO_OK)
		return cmd_bad_field(c, q->req, "org");
	/* For the whole organisation: its org-admins (and admins). */
	if (org && (access_caps(c->acct.role) & (CAP_ORG_ADMIN | CAP_ADMIN)) ==
	    0)
		return conn_reply_err(c, q->req->id, PROTO_E_FORBIDDEN,
		    "only your organisation's org-admins subscribe it");
	w = cmd_write_new(c, q->req, SW_SUBSCRIBE, cmd_sub_written);
	strlcpy_h(w->name, tag, sizeof w->name);
	w->org = org ? c->acct.org_id : 0;
	w->flag = subscribe;
	store_submit(c->srv->store, w);
}

static void
cmd_subscribe_tag(struct cmd_q *q)
{
	cmd_sub_change(q, 1);
}

static void
cmd_unsubscribe_tag(struct cmd_q *q)
{
	cmd_sub_change(q, 0);
}

#define CMD_CURATORS	(CAP_ORG_ADMIN | CAP_FACILITATE | CAP_ADMIN)

const struct cmd_entry cmd_resource_entries[] = {
	{ "resource.upload", CMD_AUTH, CMD_CURATORS, CMD_T_NONE, NULL,
	    cmd_upload },
	{ "resource.chunk", CMD_AUTH, CMD_CURATORS, CMD_T_NONE, NULL,
	    cmd_chunk },
	{ "resource.post", CMD_AUTH, CMD_CURATORS, CMD_T_NONE, NULL,
	    cmd_res_post },
	{ "resource.get", CMD_AUTH, CAP_MEMBER, CMD_T_NONE, NULL, cmd_get },
	{ "resource.list", CMD_AUTH, CAP_MEMBER, CMD_T_NONE, NULL,
	    cmd_res_list },
	{ "resource.show", CMD_AUTH, CAP_MEMBER, CMD_T_NONE, NULL,
	    cmd_res_show },
	{ "resource.delete", CMD_AUTH, CAP_MEMBER, CMD_T_NONE, NULL,
	    cmd_res_delete },
	{ "tags", CMD_AUTH, CAP_MEMBER, CMD_T_NONE, NULL, cmd_tags },
	{ "tag.subscribe", CMD_AUTH, CAP_MEMBER, CMD_T_NONE, NULL,
	    cmd_subscribe_tag },
	{ "tag.unsubscribe", CMD_AUTH, CAP_MEMBER, CMD_T_NONE, NULL,
	    cmd_unsubscribe_tag },
	{ "subscriptions", CMD_AUTH, CAP_MEMBER, CMD_T_NONE, NULL,
	    cmd_subscriptions },
	{ NULL, 0, 0, CMD_T_NONE, NULL, NULL }
};
