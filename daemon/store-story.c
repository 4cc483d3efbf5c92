/*
 * store-story.c: stories shared with consent, and what `me export`
 * reads of one account.
 *
 * A story is a post its author agreed to have quoted in the programme's
 * report: one row of stories (schema v14) holding the consent as given,
 * whether it allows naming, when, and when it was withdrawn. A row is
 * never deleted by its author: withdrawal sets withdrawn_at, and the
 * unique post_id then keeps the post from being shared again.
 *
 * Whether a story is live is decided here, in one SQL rule
 * (STORY_LIVE), each time it is read: not withdrawn, its post still
 * there and visible, its author not erased. So whatever moderation,
 * deletion, erasure or retention does to the post or the account, the
 * next list or export leaves the story out without anyone telling the
 * stories table.
 *
 * These are rare requests (a story a week, an export a year), so their
 * statements are prepared when run and finalized after, rather than
 * kept open beside the hot path's.
 */
#include <string.h>

#include "store-internal.h"
#include "store-story.h"
#include "util.h"

/* A story that may be shown: its post visible, its author not erased,
 * consent not withdrawn. */
#define STORY_LIVE							\
	" (s.withdrawn_at IS NULL AND p.state = 0"			\
	" AND a.erased_at IS NULL)"

#define STORY_SELECT							\
	"SELECT s.id, s.post_id, c.name, coalesce(c.title, ''), c.kind,"\
	" s.consent, s.named, s.ts, coalesce(s.withdrawn_at, 0),"	\
	" p.title, p.body, p.state, p.anonymous, s.account_id, a.name,"	\
	" a.display_name, o.name, " STORY_LIVE				\
	" FROM stories s"						\
	" JOIN posts p ON p.id = s.post_id"				\
	" JOIN channels c ON c.id = p.channel_id"			\
	" JOIN accounts a ON a.id = s.account_id"			\
	" JOIN orgs o ON o.id = a.org_id"

static int
story_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st)
{
	int	rc;

	if ((rc = sqlite3_prepare_v2(db, sql, -1, st, NULL)) != SQLITE_OK) {
		*st = NULL;
		return store_result(db, rc);
	}
	return STORE_OK;
}

static const char *
story_text(sqlite3_stmt *st, int col)
{
	return (const char *)sqlite3_column_text(st, col);
}

/* ---- reads, on the loop ---------------------------------------------- */

int
store_story_of(struct store *s, int64_t post, int64_t *account,
    int64_t *withdrawn_at)
{
	sqlite3_stmt	*st;
	int		 r, rc;

	if ((r = story_prepare(s->rdb, "SELECT account_id,"
	    " coalesce(withdrawn_at, 0) FROM stories WHERE post_id = ?1",
	    &st)) != STORE_OK)
		return r;
	sqlite3_bind_int64(st, 1, post);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*account = sqlite3_column_int64(st, 0);
		*withdrawn_at = sqlite3_column_int64(st, 1);
		r = STORE_OK;
	} else
		r = rc == SQLITE_DONE ? STORE_NOTFOUND : store_result(s->rdb,
		    rc);
	sqlite3_finalize(st);
	return r;
}

static void
story_row(sqlite3_stmt *st, struct store_story *y)
{
	y->id = sqlite3_column_int64(st, 0);
	y->post = sqlite3_column_int64(st, 1);
	y->channel = story_text(st, 2);
	y->channel_title = story_text(st, 3);
	y->channel_kind = sqlite3_column_int(st, 4);
	y->consent = story_text(st, 5);
	y->named = sqlite3_column_int(st, 6);
	y->ts = sqlite3_column_int64(st, 7);
	y->withdrawn_at = sqlite3_column_int64(st, 8);
	y->title = story_text(st, 9);
	y->body = story_text(st, 10);
	y->state = sqlite3_column_int(st, 11);
	y->anonymous = sqlite3_column_int(st, 12);
	y->author_id = sqlite3_column_int64(st, 13);
	y->author = story_text(st, 14);
	y->display_name = story_text(st, 15);
	y->org = story_text(st, 16);
	y->live = sqlite3_column_int(st, 17);
}

int
store_stories(struct store *s, int64_t account, store_story_cb cb, void *arg)
{
	sqlite3_stmt		*st;
	struct store_story	 y;
	int			 r, rc;

	r = story_prepare(s->rdb, account != 0 ?
	    STORY_SELECT " WHERE s.account_id = ?1 ORDER BY s.id" :
	    STORY_SELECT " WHERE" STORY_LIVE " ORDER BY s.id", &st);
	if (r != STORE_OK)
		return r;
	if (account != 0)
		sqlite3_bind_int64(st, 1, account);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		story_row(st, &y);
		if (cb(arg, &y) != 0)
			break;
	}
	r = rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK :
	    store_result(s->rdb, rc);
	sqlite3_finalize(st);
	return r;
}

int
store_account_names(struct store *s, store_names_cb cb, void *arg)
{
	sqlite3_stmt	*st;
	int		 r, rc;

	if ((r = story_prepare(s->rdb, "SELECT name, display_name FROM"
	    " accounts", &st)) != STORE_OK)
		return r;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (cb(arg, story_text(st, 0), story_text(st, 1)) != 0)
			break;
	r = rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK :
	    store_result(s->rdb, rc);
	sqlite3_finalize(st);
	return r;
}

/* ---- one account's data, for me.export -------------------------------- */

/* Each part's query: ?1 the account, ?2 the key (a post, for versions;
 * the bound below which posts are paged), ?3 the limit. The columns
 * are those store.h lists for the part, in that order. */
static const char *const store_export_sql[STORE_EXPORT__COUNT] = {
	[STORE_EXPORT_ACCOUNT] =
	    "SELECT a.name, a.display_name, o.name, a.role, a.created_at,"
	    " a.lead, a.tz, a.hours, a.suspended_at IS NOT NULL,"
	    " a.suspended_reason FROM accounts a JOIN orgs o"
	    " ON o.id = a.org_id WHERE a.id = ?1 AND ?2 = ?2 LIMIT ?3",
	[STORE_EXPORT_MEMBERSHIPS] =
	    "SELECT c.name, m.joined_at FROM members m JOIN channels c"
	    " ON c.id = m.channel_id WHERE m.account_id = ?1 AND ?2 = ?2"
	    " ORDER BY c.name LIMIT ?3",
	[STORE_EXPORT_POSTS] =
	    "SELECT p.id, c.name, p.thread_id, p.ts, CASE WHEN"
	    " p.id = p.thread_id THEN p.title END, p.body, p.content_note,"
	    " p.state, p.anonymous, p.edits FROM posts p JOIN channels c"
	    " ON c.id = p.channel_id WHERE p.author_id = ?1"
	    " AND (?2 = 0 OR p.id < ?2) ORDER BY p.id DESC LIMIT ?3",
	[STORE_EXPORT_VERSIONS] =
	    "SELECT v.ts, v.title, v.body FROM post_versions v JOIN posts p"
	    " ON p.id = v.post_id WHERE v.post_id = ?2 AND p.author_id = ?1"
	    " ORDER BY v.id LIMIT ?3",
	[STORE_EXPORT_REPORTS] =
	    "SELECT id, post_id, reason, urgent, state, created_at"
	    " FROM reports WHERE reporter_id = ?1 AND ?2 = ?2 ORDER BY id"
	    " LIMIT ?3",
	[STORE_EXPORT_RSVPS] =
	    "SELECT r.event_id, k.title, r.answer, r.ts FROM rsvps r"
	    " JOIN calendar k ON k.id = r.event_id WHERE r.account_id = ?1"
	    " AND ?2 = ?2 ORDER BY r.event_id LIMIT ?3",
	[STORE_EXPORT_ATTENDANCE] =
	    "SELECT t.event_id, k.title, t.ts FROM attendance t"
	    " JOIN calendar k ON k.id = t.event_id WHERE t.account_id = ?1"
	    " AND ?2 = ?2 ORDER BY t.event_id LIMIT ?3",
	[STORE_EXPORT_SUBSCRIPTIONS] =
	    "SELECT tag, ts FROM subscriptions WHERE account_id = ?1"
	    " AND ?2 = ?2 ORDER BY tag LIMIT ?3",
	[STORE_EXPORT_STORIES] =
	    "SELECT s.post_id, c.name, s.consent, s.named, s.ts,"
	    " s.withdrawn_at FROM stories s JOIN posts p ON p.id = s.post_id"
	    " JOIN channels c ON c.id = p.channel_id WHERE s.account_id = ?1"
	    " AND ?2 = ?2 ORDER BY s.id LIMIT ?3",
	[STORE_EXPORT_BLOCKS] =
	    "SELECT b.name, k.ts FROM blocks k JOIN accounts b"
	    " ON b.id = k.blocked_id WHERE k.account_id = ?1 AND ?2 = ?2"
	    " ORDER BY b.name LIMIT ?3",
	[STORE_EXPORT_CERTIFICATES] =
	    "SELECT serial, not_after, created_at, revoked_at FROM certs"
	    " WHERE account_id = ?1 AND ?2 = ?2 ORDER BY created_at, serial"
	    " LIMIT ?3",
	[STORE_EXPORT_SESSIONS] =
	    "SELECT created_at, revoked_at, cert_fp IS NOT NULL FROM sessions"
	    " WHERE account_id = ?1 AND ?2 = ?2 ORDER BY id LIMIT ?3",
	[STORE_EXPORT_RESOURCES] =
	    "SELECT r.id, r.title, r.summary, r.url, r.type, r.size, o.name,"
	    " r.ts, r.deleted_at FROM resources r JOIN orgs o"
	    " ON o.id = r.org_id WHERE r.account_id = ?1 AND ?2 = ?2"
	    " ORDER BY r.id LIMIT ?3",
	[STORE_EXPORT_INBOX] =
	    "SELECT kind, ref, ts, read_at, note FROM inbox"
	    " WHERE account_id = ?1 AND ?2 = ?2 ORDER BY id LIMIT ?3",
	[STORE_EXPORT_ACTIVITY] =
	    "SELECT month FROM activity WHERE account_id = ?1 AND ?2 = ?2"
	    " ORDER BY month LIMIT ?3",
	[STORE_EXPORT_FETCHES] =
	    "SELECT resource_id, ts FROM fetches WHERE account_id = ?1"
	    " AND ?2 = ?2 ORDER BY ts, resource_id LIMIT ?3",
};

int
store_export(struct store *s, enum store_export_part part, int64_t account,
    int64_t key, int limit, store_export_cb cb, void *arg)
{
	struct store_cell	 cells[STORE_EXPORT_COLS];
	sqlite3_stmt		*st;
	int			 r, rc, i, n;

	if ((unsigned)part >= STORE_EXPORT__COUNT)
		return STORE_ERROR;
	if ((r = story_prepare(s->rdb, store_export_sql[part], &st)) !=
	    STORE_OK)
		return r;
	sqlite3_bind_int64(st, 1, account);
	sqlite3_bind_int64(st, 2, key);
	sqlite3_bind_int(st, 3, limit);
	n = sqlite3_column_count(st);
	if (n > STORE_EXPORT_COLS)
		n = STORE_EXPORT_COLS;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (i = 0; i < n; i++) {
			cells[i].null = sqlite3_column_type(st, i) ==
			    SQLITE_NULL;
			cells[i].i = sqlite3_column_int64(st, i);
			cells[i].s = story_text(st, i);
		}
		if (cb(arg, cells, n) != 0)
			break;
	}
	r = rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK :
	    store_result(s->rdb, rc);
	sqlite3_finalize(st);
	return r;
}

/* ---- writes, on the writer thread ------------------------------------ */

/*
 * Its author shares a visible post (w->post) with their consent
 * (w->body) and, unless it was posted anonymously, whether it allows
 * naming (w->flag). The post is looked at again here, in the
 * transaction: one hidden or deleted since the loop checked it is not
 * shared (STORE_INVALID). A post shared before, withdrawn or not, is
 * STORE_EXISTS (the unique post_id).
 */
static int
store_op_story_share(struct store *s, struct store_write *w)
{
	sqlite3_stmt	*st;
	int		 r;

	if ((r = story_prepare(s->wdb, "INSERT INTO stories (post_id,"
	    " account_id, consent, named, ts) SELECT p.id, p.author_id, ?3,"
	    " CASE WHEN p.anonymous THEN 0 ELSE ?4 END, ?5 FROM posts p"
	    " JOIN accounts a ON a.id = p.author_id WHERE p.id = ?1"
	    " AND p.author_id = ?2 AND p.state = 0 AND a.erased_at IS NULL",
	    &st)) != STORE_OK)
		return r;
	sqlite3_bind_int64(st, 1, w->post);
	sqlite3_bind_int64(st, 2, w->account);
	sqlite3_bind_text(st, 3, w->body, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, w->flag != 0);
	sqlite3_bind_int64(st, 5, w->now);
	r = store_insert(s, st);
	sqlite3_finalize(st);
	return r == STORE_NOTFOUND ? STORE_INVALID : r;
}

/* Its author withdraws the story of w->post: STORE_NOTFOUND when they
 * never shared it, STORE_INVALID when it was withdrawn already. */
static int
store_op_story_withdraw(struct store *s, struct store_write *w)
{
	sqlite3_stmt	*st;
	int		 r, rc, changes;

	if ((r = story_prepare(s->wdb, "UPDATE stories SET withdrawn_at = ?3"
	    " WHERE post_id = ?1 AND account_id = ?2 AND withdrawn_at IS NULL",
	    &st)) != STORE_OK)
		return r;
	sqlite3_bind_int64(st, 1, w->post);
	sqlite3_bind_int64(st, 2, w->account);
	sqlite3_bind_int64(st, 3, w->now);
	r = store_run(s, st, &changes);
	sqlite3_finalize(st);
	if (r != STORE_OK || changes > 0)
		return r;
	if ((r = story_prepare(s->wdb, "SELECT 1 FROM stories WHERE"
	    " post_id = ?1 AND account_id = ?2", &st)) != STORE_OK)
		return r;
	sqlite3_bind_int64(st, 1, w->post);
	sqlite3_bind_int64(st, 2, w->account);
	rc = sqlite3_step(st);
	r = rc == SQLITE_ROW ? STORE_INVALID : rc == SQLITE_DONE ?
	    STORE_NOTFOUND : store_result(s->wdb, rc);
	sqlite3_finalize(st);
	return r;
}

int
store_op_story(struct store *s, struct store_write *w)
{
	switch (w->op) {
	case SW_STORY_SHARE:
		return store_op_story_share(s, w);
	case SW_STORY_WITHDRAW:
		return store_op_story_withdraw(s, w);
	default:
		return STORE_ERROR;
	}
}
