/*
 * store-inbox.c: the inbox and working hours, in the store.
 *
 * The inbox is what waits for one person: a resource announced to a
 * tag they follow (store-resource.c writes those), a post that names
 * them (written here, from the post's own job or its approval's), a
 * notice that a report they made was resolved (from the resolve's). An
 * item is written in the transaction of what caused it, so it survives
 * a crash as surely as the post or resource does, and at most once per
 * person and thing: someone who follows a tag in two ways, or is named
 * twice, has one item (the schema's comment says how).
 *
 * Whether an item is pushed now or waits for the person's working
 * hours is the bus's decision; the store keeps the outcome (pushed) so
 * that a digest never repeats what went out, and whether the person
 * marked it read. An item whose resource was deleted, or whose post was
 * hidden, rejected or deleted since, is no longer listed.
 *
 * Working hours are a person's own (accounts.hours, accounts.tz), or
 * else their organisation's default (orgs.hours, orgs.tz); hours.c
 * reads them.
 */
#include <stdlib.h>
#include <string.h>

#include "store-internal.h"
#include "util.h"

/* Unread items counted at most: a badge, not a page. */
#define STORE_INBOX_COUNT_MAX	1000
/* Items a job's list grows by. */
#define STORE_INBOX_GROW	64

/* Items whose thing is still there to be seen. */
#define STORE_INBOX_LIVE						\
	" NOT EXISTS (SELECT 1 FROM resources r WHERE i.kind = 1"	\
	"  AND r.id = i.ref AND r.deleted_at IS NOT NULL)"		\
	" AND NOT EXISTS (SELECT 1 FROM posts p WHERE i.kind IN (2, 6)"	\
	"  AND p.id = i.ref AND p.state IN (2, 3, 4))"

#define STORE_INBOX_SELECT						\
	"SELECT i.id, i.account_id, i.kind, i.ref, i.ts, i.pushed,"	\
	" i.read_at IS NOT NULL, i.note FROM inbox i"

const char *const store_inbox_read_sql[IR__COUNT] = {
	/* ?2: STORE_INBOX_UNREAD or _ALL. */
	[IR_LIST] = STORE_INBOX_SELECT " WHERE i.account_id = ?1"
	    " AND (?2 = 1 OR i.read_at IS NULL) AND (?3 = 0 OR i.id < ?3)"
	    " AND" STORE_INBOX_LIVE " ORDER BY i.id DESC LIMIT ?4",
	[IR_WAITING] = STORE_INBOX_SELECT " WHERE i.account_id = ?1"
	    " AND i.read_at IS NULL AND i.pushed = 0 AND (?3 = 0 OR i.id > ?3)"
	    " AND" STORE_INBOX_LIVE " ORDER BY i.id LIMIT ?4",
	[IR_UNREAD] = "SELECT count(*) FROM (SELECT 1 FROM inbox i"
	    " WHERE i.account_id = ?1 AND i.read_at IS NULL AND"
	    STORE_INBOX_LIVE " LIMIT ?2)",
	/* (Parenthesised: clang takes an element of two literals for a
	 * missing comma.) */
	[IR_HOURS] = ("SELECT a.hours, a.tz, o.hours, o.tz FROM accounts a"
	    " JOIN orgs o ON o.id = a.org_id WHERE a.id = ?1"),
};

const char *const store_inbox_write_sql[IQ__COUNT] = {
	[IQ_READ_ONE] = "UPDATE inbox SET read_at = coalesce(read_at, ?3)"
	    " WHERE id = ?1 AND account_id = ?2",
	[IQ_READ_ALL] = "UPDATE inbox SET read_at = ?2"
	    " WHERE account_id = ?1 AND read_at IS NULL",
	[IQ_PUSHED] = "UPDATE inbox SET pushed = 1 WHERE id = ?1",
	[IQ_HOURS_ACCOUNT] = "UPDATE accounts SET hours = ?2, tz = ?3"
	    " WHERE id = ?1",
	[IQ_HOURS_ORG] = "UPDATE orgs SET hours = ?2, tz = ?3 WHERE id = ?1",
	/*
	 * Someone named who can read the channel: anyone for a peer
	 * channel, the organisation's accounts for its own, a group's
	 * members for a group; never the author, never a suspended
	 * account. Anyone else is not notified, and the author learns
	 * nothing of it.
	 */
	[IQ_MENTION] = "INSERT INTO inbox (account_id, kind, ref,"
	    " ts) SELECT a.id, 2, ?3, ?4 FROM accounts a"
	    " JOIN channels c ON c.id = ?2"
	    " WHERE a.name = ?1 AND a.suspended_at IS NULL AND a.id <> ?5"
	    " AND a.deactivated_at IS NULL"
	    " AND (c.kind = 1 OR (c.kind = 0 AND a.org_id = c.org_id)"
	    "  OR (c.kind = 2 AND EXISTS (SELECT 1 FROM members m"
	    "   WHERE m.channel_id = c.id AND m.account_id = a.id)))"
	    " RETURNING id, account_id",
	[IQ_NOTICE] = "INSERT INTO inbox (account_id, kind, ref, ts)"
	    " SELECT id, 3, ?2, ?3 FROM accounts WHERE id = ?1"
	    " AND suspended_at IS NULL AND deactivated_at IS NULL"
	    " RETURNING id, account_id",
};

/* ---- reads, on the loop --------------------------------------------- */

static int
store_inbox_done(struct store *s, sqlite3_stmt *st, int rc)
{
	store_stmt_done(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK :
	    store_result(s->rdb, rc);
}

int
store_inbox(struct store *s, int64_t account, int which, int64_t before,
    int limit, store_inbox_cb cb, void *arg, int *more)
{
	sqlite3_stmt		*st;
	struct store_inbox	 it;
	int			 rc, n = 0;

	*more = 0;
	st = s->ir[which == STORE_INBOX_WAITING ? IR_WAITING : IR_LIST];
	sqlite3_bind_int64(st, 1, account);
	sqlite3_bind_int(st, 2, which == STORE_INBOX_ALL);
	sqlite3_bind_int64(st, 3, before);
	sqlite3_bind_int(st, 4, limit + 1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n++ == limit) {
			*more = 1;
			break;
		}
		it.id = sqlite3_column_int64(st, 0);
		it.account = sqlite3_column_int64(st, 1);
		it.kind = sqlite3_column_int(st, 2);
		it.ref = sqlite3_column_int64(st, 3);
		it.ts = sqlite3_column_int64(st, 4);
		it.pushed = sqlite3_column_int(st, 5);
		it.read = sqlite3_column_int(st, 6);
		it.note = (const char *)sqlite3_column_text(st, 7);
		if (cb(arg, &it) != 0)
			break;
	}
	return store_inbox_done(s, st, rc);
}

int
store_inbox_unread(struct store *s, int64_t account, int64_t *count)
{
	sqlite3_stmt	*st = s->ir[IR_UNREAD];
	int		 rc;

	*count = 0;
	sqlite3_bind_int64(st, 1, account);
	sqlite3_bind_int(st, 2, STORE_INBOX_COUNT_MAX);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*count = sqlite3_column_int64(st, 0);
	return store_inbox_done(s, st, rc);
}

static void
store_hours_col(sqlite3_stmt *st, int col, char *out, size_t len)
{
	const char	*v = (const char *)sqlite3_column_text(st, col);

	strlcpy_h(out, v != NULL ? v : "", len);
}

int
store_hours(struct store *s, int64_t account, char *hours, char *tz,
    int *source)
{
	sqlite3_stmt	*st = s->ir[IR_HOURS];
	int		 rc, col = -1;

	hours[0] = tz[0] = '\0';
	*source = 0;
	sqlite3_bind_int64(st, 1, account);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_type(st, 0) != SQLITE_NULL)
			col = 0, *source = 1;
		else if (sqlite3_column_type(st, 2) != SQLITE_NULL)
			col = 2, *source = 2;
		if (col >= 0) {
			store_hours_col(st, col, hours, STORE_HOURS_MAX);
			store_hours_col(st, col + 1, tz, STORE_HOURS_MAX);
		}
	}
	return store_inbox_done(s, st, rc);
}

/* ---- writes, on the writer thread ----------------------------------- */

/* Append an item written to the job's list, for the bus; the list is
 * the job's (freed with it), grown a page of items at a time. */
void
store_inbox_add(struct store_write *w, int64_t id, int64_t account)
{
	if (w->nids % STORE_INBOX_GROW == 0) {
		w->ids = xrealloc(w->ids, (w->nids + STORE_INBOX_GROW) *
		    sizeof *w->ids);
		w->accounts = xrealloc(w->accounts, (w->nids +
		    STORE_INBOX_GROW) * sizeof *w->accounts);
	}
	w->ids[w->nids] = id;
	w->accounts[w->nids++] = account;
}

int
store_inbox_returned(struct store *s, sqlite3_stmt *st, struct store_write *w)
{
	int	rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		store_inbox_add(w, sqlite3_column_int64(st, 0),
		    sqlite3_column_int64(st, 1));
	store_stmt_done(st);
	return rc == SQLITE_DONE ? STORE_OK : store_result(s->wdb, rc);
}

/* A job may run twice (the careful path after a rolled-back fast one):
 * what the first run listed goes. */
void
store_write_items_reset(struct store_write *w)
{
	free(w->ids);
	free(w->accounts);
	w->ids = w->accounts = NULL;
	w->nids = 0;
}

int
store_inbox_mentions(struct store *s, struct store_write *w, int64_t post,
    int64_t channel, int64_t author, const char *body)
{
	char		 names[PROTO_MAX_MENTIONS][PROTO_MAX_NAME + 1];
	sqlite3_stmt	*st = s->iq[IQ_MENTION];
	int		 n, i, rc;

	store_write_items_reset(w);
	n = proto_mentions(body, names, PROTO_MAX_MENTIONS);
	for (i = 0; i < n; i++) {
		sqlite3_bind_text(st, 1, names[i], -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, channel);
		sqlite3_bind_int64(st, 3, post);
		sqlite3_bind_int64(st, 4, w->now);
		sqlite3_bind_int64(st, 5, author);
		if ((rc = store_inbox_returned(s, st, w)) != STORE_OK)
			return rc;
	}
	return STORE_OK;
}

int
store_inbox_notice(struct store *s, struct store_write *w, int64_t account,
    int64_t ref)
{
	sqlite3_stmt	*st = s->iq[IQ_NOTICE];

	store_write_items_reset(w);
	sqlite3_bind_int64(st, 1, account);
	sqlite3_bind_int64(st, 2, ref);
	sqlite3_bind_int64(st, 3, w->now);
	return store_inbox_returned(s, st, w);
}

static int
store_op_inbox_read(struct store *s, struct store_write *w)
{
	sqlite3_stmt	*st;
	int		 r, changes;

	if (w->flag) {
		st = s->iq[IQ_READ_ALL];
		sqlite3_bind_int64(st, 1, w->account);
		sqlite3_bind_int64(st, 2, w->now);
	} else {
		st = s->iq[IQ_READ_ONE];
		sqlite3_bind_int64(st, 1, w->post);
		sqlite3_bind_int64(st, 2, w->account);
		sqlite3_bind_int64(st, 3, w->now);
	}
	if ((r = store_run(s, st, &changes)) != STORE_OK)
		return r;
	w->edits = changes;
	return changes == 0 && !w->flag ? STORE_NOTFOUND : STORE_OK;
}

static int
store_op_inbox_pushed(struct store *s, struct store_write *w)
{
	sqlite3_stmt	*st = s->iq[IQ_PUSHED];
	size_t		 i;
	int		 r;

	for (i = 0; i < w->nids; i++) {
		sqlite3_bind_int64(st, 1, w->ids[i]);
		if ((r = store_run(s, st, NULL)) != STORE_OK)
			return r;
	}
	return STORE_OK;
}

static int
store_op_hours(struct store *s, struct store_write *w)
{
	sqlite3_stmt	*st = s->iq[w->org != 0 ? IQ_HOURS_ORG : IQ_HOURS_ACCOUNT];
	int		 r, changes;

	sqlite3_bind_int64(st, 1, w->org != 0 ? w->org : w->account);
	if (w->title != NULL) {
		sqlite3_bind_text(st, 2, w->title, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, w->name, -1, SQLITE_STATIC);
	}
	if ((r = store_run(s, st, &changes)) != STORE_OK)
		return r;
	return changes == 0 ? STORE_NOTFOUND : STORE_OK;
}

int
store_op_inbox(struct store *s, struct store_write *w)
{
	switch (w->op) {
	case SW_INBOX_READ:
		return store_op_inbox_read(s, w);
	case SW_INBOX_PUSHED:
		return store_op_inbox_pushed(s, w);
	case SW_HOURS:
		return store_op_hours(s, w);
	default:
		return STORE_ERROR;
	}
}
