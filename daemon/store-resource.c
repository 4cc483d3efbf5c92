/*
 * store-resource.c: resources and subscriptions, in the store: a
 * resource shared with the network (a link or an attached file), its
 * tags, the tags people and organisations follow, and the rows that
 * say which attachment files must be on disk.
 *
 * A resource's file is written by blob.c, outside SQLite; the row that
 * names it is written here. The two meet in SW_UPLOAD_FINISH, which
 * runs on the writer thread: the file is verified, made durable and
 * moved into place (blob_finish), and its row (attachments) commits in
 * that job's transaction. A resource can only name an attachment that
 * has its row, so nothing refers to a file that is not durable, and a
 * resource is acknowledged only once both are.
 *
 * Posting a resource writes, in one transaction, its event (kind 3:
 * the organisation, the poster and the time, which is what the
 * programme's report counts), its row, its tags, its search row, and
 * the inbox item of every person subscribed to one of its tags,
 * personally or through their organisation: once per person, whatever
 * the number of ways (the SELECT's UNION makes them distinct). The bus then decides,
 * per person, whether each item is pushed now or waits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blob.h"
#include "store-internal.h"
#include "util.h"

const char *const store_resource_read_sql[RR__COUNT] = {
	[RR_BY_ID] = STORE_RESOURCE_SELECT STORE_RESOURCE_FROM " WHERE r.id = ?1",
	[RR_LIST] = STORE_RESOURCE_SELECT STORE_RESOURCE_FROM " WHERE r.deleted_at IS NULL"
	    " AND (?1 IS NULL OR EXISTS (SELECT 1 FROM resource_tags t"
	    "  WHERE t.resource_id = r.id AND t.tag = ?1))"
	    " AND (?2 = 0 OR r.org_id = ?2) AND (?3 = 0 OR r.id < ?3)"
	    " ORDER BY r.id DESC LIMIT ?4",
	[RR_TAGS] = "SELECT tag, sum(res), sum(subs) FROM ("
	    " SELECT t.tag AS tag, 1 AS res, 0 AS subs FROM resource_tags t"
	    "  JOIN resources r ON r.id = t.resource_id"
	    "  WHERE r.deleted_at IS NULL"
	    " UNION ALL SELECT tag, 0, 1 FROM subscriptions)"
	    " GROUP BY tag ORDER BY tag",
	[RR_SUBS] = "SELECT tag, org_id IS NOT NULL FROM subscriptions"
	    " WHERE account_id = ?1 OR org_id = ?2"
	    " ORDER BY org_id IS NOT NULL, tag",
	/* Only a file this account sent: naming a hash proves nothing. */
	[RR_ATTACHMENT] = "SELECT f.size, f.type FROM attachments f"
	    " JOIN uploads u ON u.sha256 = f.sha256 AND u.account_id = ?2"
	    " WHERE f.sha256 = ?1",
};

const char *const store_resource_write_sql[RW__COUNT] = {
	[RW_ATTACH] = "INSERT OR IGNORE INTO attachments (sha256, size, type,"
	    " ts) VALUES (?1, ?2, ?3, ?4)",
	[RW_UPLOADED] = "INSERT OR IGNORE INTO uploads (account_id, sha256, ts)"
	    " VALUES (?1, ?2, ?3)",
	[RW_EVENT] = "INSERT INTO events (kind, org_id, actor_id, ts)"
	    " VALUES (3, ?1, ?2, ?3)",
	/* A file must have its row: nothing is inserted without it. */
	[RW_INSERT] = "INSERT INTO resources (id, account_id, org_id, title,"
	    " summary, url, sha256, size, type, ts)"
	    " SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, f.size, f.type, ?8"
	    " FROM (SELECT 1) LEFT JOIN attachments f ON f.sha256 = ?7"
	    " WHERE ?7 IS NULL OR (f.sha256 IS NOT NULL AND EXISTS (SELECT 1"
	    "  FROM uploads u WHERE u.account_id = ?2 AND u.sha256 = ?7))",
	[RW_TAG] = "INSERT OR IGNORE INTO resource_tags (tag, resource_id)"
	    " VALUES (?1, ?2)",
	[RW_FTS] = "INSERT INTO resources_fts (rowid, title, summary, tags)"
	    " VALUES (?1, ?2, ?3, ?4)",
	/* Everyone following one of its tags, themselves or through their
	 * organisation; not its poster, not a suspended or
	 * deactivated account. */
	[RW_INBOX] = "INSERT INTO inbox (account_id, kind, ref, ts)"
	    " SELECT id, 1, ?1, ?2 FROM accounts WHERE suspended_at IS NULL"
	    " AND deactivated_at IS NULL"
	    " AND id <> ?3 AND id IN ("
	    "  SELECT s.account_id FROM resource_tags t"
	    "   JOIN subscriptions s ON s.tag = t.tag"
	    "   WHERE t.resource_id = ?1 AND s.account_id IS NOT NULL"
	    "  UNION SELECT a.id FROM resource_tags t"
	    "   JOIN subscriptions s ON s.tag = t.tag"
	    "   JOIN accounts a ON a.org_id = s.org_id"
	    "   WHERE t.resource_id = ?1)"
	    " ORDER BY id RETURNING id, account_id",
	[RW_DELETE] = "UPDATE resources SET deleted_at = ?2, deleted_by = ?3"
	    " WHERE id = ?1 AND deleted_at IS NULL",
	[RW_FTS_DROP] = "DELETE FROM resources_fts WHERE rowid = ?1",
	[RW_SUB_ADD] = "INSERT OR IGNORE INTO subscriptions (tag, account_id,"
	    " org_id, ts) VALUES (?1, ?2, ?3, ?4)",
	[RW_SUB_DEL] = "DELETE FROM subscriptions WHERE tag = ?1 AND"
	    " ((?3 IS NULL AND account_id = ?2) OR org_id = ?3)",
};

/* ---- reads, on the loop --------------------------------------------- */

void
store_resource_row(sqlite3_stmt *st, struct store_resource *r)
{
	memset(r, 0, sizeof *r);
	r->id = sqlite3_column_int64(st, 0);
	r->ts = sqlite3_column_int64(st, 1);
	r->account_id = sqlite3_column_int64(st, 2);
	r->by = (const char *)sqlite3_column_text(st, 3);
	r->org_id = sqlite3_column_int64(st, 4);
	r->org = (const char *)sqlite3_column_text(st, 5);
	r->title = (const char *)sqlite3_column_text(st, 6);
	r->summary = (const char *)sqlite3_column_text(st, 7);
	r->url = (const char *)sqlite3_column_text(st, 8);
	if (sqlite3_column_bytes(st, 9) == STORE_HASH_LEN)
		r->sha256 = sqlite3_column_blob(st, 9);
	r->size = sqlite3_column_int64(st, 10);
	r->type = (const char *)sqlite3_column_text(st, 11);
	r->tags = (const char *)sqlite3_column_text(st, 12);
	if (r->tags == NULL)
		r->tags = "";
	r->deleted = sqlite3_column_int(st, 13);
}

static int
store_resource_done(struct store *s, sqlite3_stmt *st, int rc)
{
	store_stmt_done(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK :
	    store_result(s->rdb, rc);
}

int
store_resource_by_id(struct store *s, int64_t id, store_resource_cb cb,
    void *arg)
{
	sqlite3_stmt		*st = s->rr[RR_BY_ID];
	struct store_resource	 r;
	int			 rc;

	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		store_resource_row(st, &r);
		cb(arg, &r);
	}
	return store_resource_done(s, st, rc);
}

int
store_resources(struct store *s, const char *tag, int64_t org, int64_t before,
    int limit, store_resource_cb cb, void *arg, int *more)
{
	sqlite3_stmt		*st = s->rr[RR_LIST];
	struct store_resource	 r;
	int			 rc, n = 0;

	*more = 0;
	if (tag != NULL)
		sqlite3_bind_text(st, 1, tag, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, org);
	sqlite3_bind_int64(st, 3, before);
	sqlite3_bind_int(st, 4, limit + 1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n++ == limit) {
			*more = 1;
			break;
		}
		store_resource_row(st, &r);
		if (cb(arg, &r) != 0)
			break;
	}
	return store_resource_done(s, st, rc);
}

int
store_tags(struct store *s, store_tag_cb cb, void *arg)
{
	sqlite3_stmt	*st = s->rr[RR_TAGS];
	int		 rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (cb(arg, (const char *)sqlite3_column_text(st, 0),
		    sqlite3_column_int64(st, 1),
		    sqlite3_column_int64(st, 2)) != 0)
			break;
	return store_resource_done(s, st, rc);
}

int
store_subscriptions(struct store *s, int64_t account, int64_t org,
    store_sub_cb cb, void *arg)
{
	sqlite3_stmt	*st = s->rr[RR_SUBS];
	int		 rc;

	sqlite3_bind_int64(st, 1, account);
	sqlite3_bind_int64(st, 2, org);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (cb(arg, (const char *)sqlite3_column_text(st, 0),
		    sqlite3_column_int(st, 1)) != 0)
			break;
	return store_resource_done(s, st, rc);
}

int
store_attachment(struct store *s, int64_t account, const uint8_t *sha256,
    int64_t *size, char *type, size_t typelen)
{
	sqlite3_stmt	*st = s->rr[RR_ATTACHMENT];
	int		 rc, found = 0;

	sqlite3_bind_blob(st, 1, sha256, STORE_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, account);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		found = 1;
		*size = sqlite3_column_int64(st, 0);
		strlcpy_h(type, (const char *)sqlite3_column_text(st, 1),
		    typelen);
	}
	if (store_resource_done(s, st, rc) != STORE_OK)
		return STORE_ERROR;
	return found;
}

/* The attachments beside the database at path ("<path>.attachments"),
 * opened with the store; a memory database (tests) has them in a
 * directory of its own name too, which is harmless. */
struct blob_store *
store_blobs_open(const char *path, char **cause)
{
	struct blob_store	*b;
	char			*dir = blob_dir_for(path);

	b = blob_open(dir, BLOB_SIZE_DEFAULT, cause);
	free(dir);
	return b;
}

struct blob_store *
store_blobs(struct store *s)
{
	return s->blobs;
}

/* ---- writes, on the writer thread ----------------------------------- */

static sqlite3_stmt *
store_rw(struct store *s, enum store_rw q)
{
	return s->rw[q];
}

/* Verify, sniff and place the file, then its row. The file's outcome
 * is the job's output (w->blob), not its result: a refused file writes
 * no row, and running the job again (after a neighbour's rollback)
 * finds the file placed or gone and answers the same. */
static int
store_op_upload_finish(struct store *s, struct store_write *w)
{
	char		 type[BLOB_TYPE_MAX] = "";
	sqlite3_stmt	*st;
	int64_t		 size;
	int		 r;

	if (blob_partial(s->blobs, w->account, w->sha256, 0) >= 0)
		w->blob = blob_finish(s->blobs, w->account, w->sha256,
		    w->size, type, sizeof type);
	else if (blob_exists(s->blobs, w->sha256, &size) && size == w->size)
		w->blob = blob_type(s->blobs, w->sha256, type, sizeof type);
	else
		w->blob = BLOB_NOTFOUND;
	if (w->blob != BLOB_OK) {
		free(w->reason);
		w->reason = xstrdup(type);
		return STORE_OK;
	}
	free(w->reason);
	w->reason = xstrdup(type);
	st = store_rw(s, RW_ATTACH);
	sqlite3_bind_blob(st, 1, w->sha256, STORE_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, w->size);
	sqlite3_bind_text(st, 3, w->reason, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, w->now);
	if ((r = store_run(s, st, NULL)) != STORE_OK)
		return r;
	st = store_rw(s, RW_UPLOADED);
	sqlite3_bind_int64(st, 1, w->account);
	sqlite3_bind_blob(st, 2, w->sha256, STORE_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, w->now);
	return store_run(s, st, NULL);
}

/* The tags as one text, for the search index: "a b c". */
static void
store_resource_tagtext(const struct store_write *w, char *buf, size_t len)
{
	size_t	off = 0;
	int	i;

	buf[0] = '\0';
	for (i = 0; i < w->ntags && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s",
		    i > 0 ? " " : "", w->tags[i]);
}

/* Every subscriber's inbox item, handed back for the bus. */
static int
store_resource_inbox(struct store *s, struct store_write *w)
{
	sqlite3_stmt	*st = store_rw(s, RW_INBOX);

	sqlite3_bind_int64(st, 1, w->eid);
	sqlite3_bind_int64(st, 2, w->now);
	sqlite3_bind_int64(st, 3, w->account);
	return store_inbox_returned(s, st, w);
}

static int
store_op_resource_post(struct store *s, struct store_write *w)
{
	char		 tags[PROTO_MAX_TAGS * (PROTO_MAX_TAG + 1) + 1];
	sqlite3_stmt	*st;
	int		 r, i;

	store_write_items_reset(w);
	st = store_rw(s, RW_EVENT);
	sqlite3_bind_int64(st, 1, w->org);
	sqlite3_bind_int64(st, 2, w->account);
	sqlite3_bind_int64(st, 3, w->now);
	if ((r = store_run(s, st, NULL)) != STORE_OK)
		return r;
	w->eid = sqlite3_last_insert_rowid(s->wdb);
	st = store_rw(s, RW_INSERT);
	sqlite3_bind_int64(st, 1, w->eid);
	sqlite3_bind_int64(st, 2, w->account);
	sqlite3_bind_int64(st, 3, w->org);
	sqlite3_bind_text(st, 4, w->title, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, w->body, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, w->note, -1, SQLITE_STATIC);
	if (w->has_file)
		sqlite3_bind_blob(st, 7, w->sha256, STORE_HASH_LEN,
		    SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, w->now);
	if ((r = store_insert(s, st)) != STORE_OK)
		return r;
	for (i = 0; i < w->ntags; i++) {
		st = store_rw(s, RW_TAG);
		sqlite3_bind_text(st, 1, w->tags[i], -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, w->eid);
		if ((r = store_run(s, st, NULL)) != STORE_OK)
			return r;
	}
	store_resource_tagtext(w, tags, sizeof tags);
	st = store_rw(s, RW_FTS);
	sqlite3_bind_int64(st, 1, w->eid);
	sqlite3_bind_text(st, 2, w->title, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, w->body, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, tags, -1, SQLITE_STATIC);
	if ((r = store_run(s, st, NULL)) != STORE_OK)
		return r;
	return store_resource_inbox(s, w);
}

static int
store_op_resource_delete(struct store *s, struct store_write *w)
{
	sqlite3_stmt	*st = store_rw(s, RW_DELETE);
	int		 r, changes;

	sqlite3_bind_int64(st, 1, w->post);
	sqlite3_bind_int64(st, 2, w->now);
	store_bind_account(st, 3, w->account);
	if ((r = store_run(s, st, &changes)) != STORE_OK)
		return r;
	if (changes == 0)
		return STORE_NOTFOUND;
	st = store_rw(s, RW_FTS_DROP);
	sqlite3_bind_int64(st, 1, w->post);
	return store_run(s, st, NULL);
}

static int
store_op_subscribe(struct store *s, struct store_write *w)
{
	sqlite3_stmt	*st = store_rw(s, w->flag ? RW_SUB_ADD : RW_SUB_DEL);
	int		 r, changes;

	sqlite3_bind_text(st, 1, w->name, -1, SQLITE_STATIC);
	store_bind_account(st, 2, w->org != 0 ? 0 : w->account);
	store_bind_account(st, 3, w->org);
	if (w->flag)
		sqlite3_bind_int64(st, 4, w->now);
	if ((r = store_run(s, st, &changes)) != STORE_OK)
		return r;
	/* Subscribing twice is no error; leaving what one never followed
	 * is worth saying. */
	return changes == 0 && !w->flag ? STORE_NOTFOUND : STORE_OK;
}

int
store_op_resource(struct store *s, struct store_write *w)
{
	switch (w->op) {
	case SW_UPLOAD_FINISH:
		return store_op_upload_finish(s, w);
	case SW_RESOURCE_POST:
		return store_op_resource_post(s, w);
	case SW_RESOURCE_DELETE:
		return store_op_resource_delete(s, w);
	case SW_SUBSCRIBE:
		return store_op_subscribe(s, w);
	default:
		return STORE_ERROR;
	}
}
