/*
 * store-ops.c: every write operation, as the writer thread runs it
 * inside a transaction that store-write.c opens and commits.
 *
 * Each op gives the same result when run again after a rollback (the
 * careful path reruns a batch whose fast path failed): none takes its
 * own outputs for inputs. Foreign keys are not enforced by SQLite on
 * the write connection (store.c says why): an insert that refers to
 * rows finds them itself, and answers STORE_NOTFOUND when one is
 * missing.
 *
 * What a transaction remembers between posts (struct store_txn): the
 * thread a reply last checked, and in the fast path the replies its
 * summary row is owed, so that a batch of replies to one thread checks
 * it once and updates its row once.
 */
#include <stdlib.h>
#include <string.h>

#include "store-internal.h"
#include "util.h"

const char *const store_write_sql[WQ__COUNT] = {
	[WQ_BEGIN] = "BEGIN IMMEDIATE",
	[WQ_COMMIT] = "COMMIT",
	[WQ_ROLLBACK] = "ROLLBACK",
	[WQ_SAVEPOINT] = "SAVEPOINT job",
	[WQ_RELEASE] = "RELEASE job",
	[WQ_ROLLBACK_TO] = "ROLLBACK TO job",
	/* Consuming the invite is the check: no race between two uses. */
	[WQ_INVITE_USE] =
	    "UPDATE invites SET used_at = ?2 WHERE code_hash = ?1"
	    " AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ?2"
	    " RETURNING id, org_id, role",
	[WQ_INVITE_USED_BY] = "UPDATE invites SET used_by = ?2 WHERE id = ?1",
	[WQ_ACCOUNT_INSERT] =
	    "INSERT INTO accounts (name, org_id, role, pwhash, created_at)"
	    " VALUES (?1, ?2, ?3, ?4, ?5)",
	[WQ_ORG_NAME] = "SELECT name FROM orgs WHERE id = ?1",
	[WQ_SESSION_INSERT] =
	    "INSERT INTO sessions (account_id, token_hash, created_at, cert_fp)"
	    " VALUES (?1, ?2, ?3, ?4)",
	/* What a new session depends on, read in its own transaction. */
	[WQ_ACCOUNT_STATE] =
	    "SELECT suspended_at IS NOT NULL OR deactivated_at IS NOT NULL,"
	    " pwhash FROM accounts WHERE id = ?1",
	[WQ_SUSPEND] =
	    "UPDATE accounts SET suspended_at = ?2, suspended_reason = ?3"
	    " WHERE name = ?1 AND suspended_at IS NULL RETURNING id",
	[WQ_UNSUSPEND] =
	    "UPDATE accounts SET suspended_at = NULL, suspended_reason = NULL"
	    " WHERE name = ?1 AND suspended_at IS NOT NULL RETURNING id",
	[WQ_ACCOUNT_ID] = "SELECT id FROM accounts WHERE name = ?1",
	[WQ_SESSION_REVOKE_ALL] =
	    "UPDATE sessions SET revoked_at = ?2 WHERE account_id = ?1"
	    " AND revoked_at IS NULL",
	[WQ_MODLOG] =
	    "INSERT INTO modlog (ts, actor_id, action, channel_id, account_id,"
	    " post_id, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[WQ_SESSION_REVOKE] =
	    "UPDATE sessions SET revoked_at = ?2 WHERE id = ?1"
	    " AND revoked_at IS NULL",
	[WQ_SESSION_REVOKE_OTHERS] =
	    "UPDATE sessions SET revoked_at = ?3 WHERE account_id = ?1"
	    " AND id <> ?2 AND revoked_at IS NULL",
	[WQ_PASSWD] = "UPDATE accounts SET pwhash = ?2 WHERE id = ?1",
	[WQ_ORG_INSERT] = "INSERT INTO orgs (name, created_at) VALUES (?1, ?2)",
	[WQ_INVITE_INSERT] =
	    "INSERT INTO invites (code_hash, org_id, role, created_by,"
	    " created_at, expires_at, code_prefix)"
	    " SELECT ?1, id, ?3, ?4, ?5, ?6, ?7"
	    " FROM orgs WHERE id = ?2 AND (?4 IS NULL OR"
	    " EXISTS (SELECT 1 FROM accounts WHERE id = ?4))",
	[WQ_CHANNEL_INSERT] =
	    "INSERT INTO channels (name, org_id, kind, created_by, created_at,"
	    " title) SELECT ?1, ?2, ?3, ?4, ?5, ?6"
	    " WHERE (?2 IS NULL OR EXISTS (SELECT 1 FROM orgs WHERE id = ?2))"
	    " AND (?4 IS NULL OR EXISTS (SELECT 1 FROM accounts"
	    " WHERE id = ?4))",
	/* New members start with everything unread (marker 0). */
	[WQ_JOIN] =
	    "INSERT INTO members (channel_id, account_id, joined_at)"
	    " SELECT c.id, a.id, ?3 FROM channels c, accounts a"
	    " WHERE c.id = ?1 AND a.id = ?2 ON CONFLICT DO NOTHING",
	[WQ_JOIN_CHECK] =
	    "SELECT 1 FROM channels c, accounts a WHERE c.id = ?1 AND a.id = ?2",
	[WQ_LEAVE] =
	    "DELETE FROM members WHERE channel_id = ?1 AND account_id = ?2",
	/* ?2 is any post of the thread people can point at (a reply they
	 * see means its thread): its root must be visible. */
	[WQ_THREAD_CHECK] =
	    "SELECT t.locked, t.id FROM posts p"
	    " JOIN threads t ON t.id = p.thread_id JOIN posts r ON r.id = t.id"
	    " WHERE p.id = ?2 AND p.channel_id = ?1 AND p.state IN (0, 2, 4)"
	    " AND t.channel_id = ?1 AND r.state = 0",
	/* The event carries the actor's organisation for reports. Only a
	 * member of the channel may post: checked here, in the post's own
	 * transaction, so a leave committed just before it wins. */
	[WQ_EVENT_INSERT] =
	    "INSERT INTO events (kind, channel_id, org_id, actor_id, ts)"
	    " SELECT ?1, m.channel_id, a.org_id, a.id, ?4 FROM members m"
	    " JOIN accounts a ON a.id = m.account_id"
	    " WHERE m.account_id = ?3 AND m.channel_id = ?2",
	/* Who the author is as committed, for the live event and logs. */
	[WQ_AUTHOR] =
	    "SELECT a.org_id, a.name, o.name FROM accounts a"
	    " JOIN orgs o ON o.id = a.org_id WHERE a.id = ?1",
	[WQ_POST_INSERT] =
	    "INSERT INTO posts (id, channel_id, thread_id, author_id, title,"
	    " body, ts, state, anonymous, content_note)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
	[WQ_THREAD_INSERT] =
	    "INSERT INTO threads (id, channel_id, title, author_id, last_eid,"
	    " last_ts) VALUES (?1, ?2, ?3, ?4, ?1, ?5)",
	[WQ_THREAD_REPLY] =
	    "UPDATE threads SET replies = replies + ?4, last_eid = ?2,"
	    " last_ts = ?3 WHERE id = ?1",
	/* Marking posts shown (store_op_mark_read): the member's floor,
	 * a post's approval, the ranges either side of a post, whether
	 * any post that could be unread lies strictly between two ids (the
	 * account's own never are; rejected and deleted ones never come
	 * back), and whether a post approved after the floor passed it
	 * waits below. */
	[WQ_MARK_FLOOR] =
	    "SELECT read_eid FROM members WHERE channel_id = ?1"
	    " AND account_id = ?2",
	[WQ_MARK_SHOWN] = "SELECT coalesce(shown_eid, 0) FROM posts"
	    " WHERE id = ?1",
	[WQ_MARK_PREV] =
	    "SELECT lo, hi FROM read_ranges WHERE account_id = ?2"
	    " AND channel_id = ?1 AND lo <= ?3 ORDER BY lo DESC LIMIT 1",
	[WQ_MARK_NEXT] =
	    "SELECT lo, hi FROM read_ranges WHERE account_id = ?2"
	    " AND channel_id = ?1 AND lo > ?3 ORDER BY lo LIMIT 1",
	[WQ_MARK_GAP] =
	    "SELECT 1 FROM events e JOIN posts p ON p.id = e.id"
	    " WHERE e.channel_id = ?1 AND e.id > ?3 AND e.id < ?4"
	    " AND p.channel_id = ?1 AND p.author_id <> ?2"
	    " AND p.state NOT IN (3, 4)"
	    " LIMIT 1",
	[WQ_MARK_LEGACY] =
	    "SELECT 1 FROM posts WHERE channel_id = ?1 AND shown_eid > ?3"
	    " AND id <= ?3 LIMIT 1",
	[WQ_MARK_DEL] =
	    "DELETE FROM read_ranges WHERE account_id = ?2 AND channel_id = ?1"
	    " AND lo = ?3",
	[WQ_MARK_ADD] =
	    "INSERT INTO read_ranges (account_id, channel_id, lo, hi)"
	    " VALUES (?2, ?1, ?3, ?4)",
	[WQ_MARK_READ] =
	    "UPDATE members SET read_eid = max(read_eid, ?3)"
	    " WHERE channel_id = ?1 AND account_id = ?2",
};

/* ---- helpers -------------------------------------------------------- */

static sqlite3_stmt *
store_wq(struct store *s, enum store_wq q)
{
	return s->wq[q];
}

/* Step a statement that returns no row; *changes (if given) gets how
 * many rows it changed. */
int
store_run(struct store *s, sqlite3_stmt *st, int *changes)
{
	int	r;

	r = store_result(s->wdb, sqlite3_step(st));
	if (changes != NULL)
		*changes = sqlite3_changes(s->wdb);
	store_stmt_done(st);
	return r;
}

/*
 * The write connection runs without SQLite's foreign-key enforcement
 * (store.c says why): every insert that refers to another row is an
 * INSERT ... SELECT that finds the rows it refers to, and inserts
 * nothing when one is missing. Then it is STORE_NOTFOUND.
 */
int
store_insert(struct store *s, sqlite3_stmt *st)
{
	int	r, changes;

	if ((r = store_run(s, st, &changes)) != STORE_OK)
		return r;
	return changes > 0 ? STORE_OK : STORE_NOTFOUND;
}

/* Step a check that returns a row when the rows it looks for exist. */
static int
store_insert_check(struct store *s, sqlite3_stmt *st)
{
	int	rc = sqlite3_step(st);

	store_stmt_done(st);
	if (rc == SQLITE_ROW)
		return STORE_OK;
	return rc == SQLITE_DONE ? STORE_NOTFOUND : store_result(s->wdb, rc);
}

int
store_ctl(struct store *s, enum store_wq q)
{
	return store_run(s, store_wq(s, q), NULL);
}

/* An account id of 0 means "the operator", stored as NULL. */
void
store_bind_account(sqlite3_stmt *st, int col, int64_t account)
{
	if (account != 0)
		sqlite3_bind_int64(st, col, account);
	else
		sqlite3_bind_null(st, col);
}

/* ---- the operations ------------------------------------------------- */

/*
 * A session only for an account as the login found it, checked in the
 * session's own transaction: not suspended or deactivated since
 * (STORE_FORBIDDEN), and for a password login (w->pwhash not empty)
 * still holding the hash the password was checked against
 * (STORE_INVALID), so that a login checked against the old password
 * cannot land after a passwd. The login is the account's last seen.
 */
static int
store_op_session_new(struct store *s, struct store_write *w)
{
	sqlite3_stmt	*st = store_wq(s, WQ_ACCOUNT_STATE);
	int		 rc, r, suspended, same;

	sqlite3_bind_int64(st, 1, w->account);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		store_stmt_done(st);
		return rc == SQLITE_DONE ? STORE_NOTFOUND :
		    store_result(s->wdb, rc);
	}
	suspended = sqlite3_column_int(st, 0);
	same = w->pwhash[0] == '\0' || strcmp(w->pwhash,
	    (const char *)sqlite3_column_text(st, 1)) == 0;
	store_stmt_done(st);
	if (suspended)
		return STORE_FORBIDDEN;
	if (!same)
		return STORE_INVALID;

	st = store_wq(s, WQ_SESSION_INSERT);
	sqlite3_bind_int64(st, 1, w->account);
	sqlite3_bind_blob(st, 2, w->hash, STORE_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, w->now);
	if (w->by_cert)
		sqlite3_bind_blob(st, 4, w->cert_fp, STORE_HASH_LEN,
		    SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 4);
	if ((r = store_run(s, st, NULL)) != STORE_OK)
		return r;
	w->session = sqlite3_last_insert_rowid(s->wdb);
	return store_account_seen(s, w->account, w->now);
}

/* An entry of the moderation log, in the transaction of its effect.
 * Zero ids are stored as NULL (the operator; no channel, account or
 * post). */
int
store_modlog_add(struct store *s, const struct store_write *w,
    const char *action, int64_t channel, int64_t account, int64_t post,
    const char *reason)
{
	sqlite3_stmt	*st = store_wq(s, WQ_MODLOG);

	sqlite3_bind_int64(st, 1, w->now);
	store_bind_account(st, 2, w->account);
	sqlite3_bind_text(st, 3, action, -1, SQLITE_STATIC);
	store_bind_account(st, 4, channel);
	store_bind_account(st, 5, account);
	store_bind_account(st, 6, post);
	if (reason != NULL)
		sqlite3_bind_text(st, 7, reason, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 7);
	return store_run(s, st, NULL);
}

/*
 * Suspend (w->role 1) or lift the suspension of (0) the account named
 * w->name, with w->body the reason; a suspension also revokes every
 * session it has, so no token outlives it. w->acct.id gets the
 * account's id. STORE_NOTFOUND: no such account; STORE_INVALID: it is
 * already so.
 */
static int
store_op_suspend(struct store *s, struct store_write *w)
{
	sqlite3_stmt	*st = store_wq(s, w->role ? WQ_SUSPEND : WQ_UNSUSPEND);
	int		 rc, r;

	sqlite3_bind_text(st, 1, w->name, -1, SQLITE_STATIC);
	if (w->role) {
		sqlite3_bind_int64(st, 2, w->now);
		sqlite3_bind_text(st, 3, w->body, -1, SQLITE_STATIC);
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		w->acct.id = sqlite3_column_int64(st, 0);
	store_stmt_done(st);
	if (rc != SQLITE_ROW) {
		if (rc != SQLITE_DONE)
			return store_result(s->wdb, rc);
		st = store_wq(s, WQ_ACCOUNT_ID);
		sqlite3_bind_text(st, 1, w->name, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		store_stmt_done(st);
		return rc == SQLITE_ROW ? STORE_INVALID : rc == SQLITE_DONE ?
		    STORE_NOTFOUND : store_result(s->wdb, rc);
	}
	if (w->role) {
		st = store_wq(s, WQ_SESSION_REVOKE_ALL);
		sqlite3_bind_int64(st, 1, w->acct.id);
		sqlite3_bind_int64(st, 2, w->now);
		if ((r = store_run(s, st, NULL)) != STORE_OK)
			return r;
	}
	return store_modlog_add(s, w, w->role ? "suspend" : "unsuspend", 0,
	    w->acct.id, 0, w->role ? w->body : NULL);
}

/* Fill w->acct with the account just registered. */
static int
store_op_register_acct(struct store *s, struct store_write *w)
{
	sqlite3_stmt	*st = store_wq(s, WQ_ORG_NAME);
	const char	*org;
	int		 rc;

	sqlite3_bind_int64(st, 1, w->org);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		store_stmt_done(st);
		return rc == SQLITE_DONE ? STORE_NOTFOUND :
		    store_result(s->wdb, rc);
	}
	memset(&w->acct, 0, sizeof w->acct);
	w->acct.id = w->account;
	w->acct.org_id = w->org;
	w->acct.role = w->role;
	strlcpy_h(w->acct.name, w->name, sizeof w->acct.name);
	if ((org = (const char *)sqlite3_column_text(st, 0)) != NULL)
		strlcpy_h(w->acct.org, org, sizeof w->acct.org);
	strlcpy_h(w->acct.pwhash, w->pwhash, sizeof w->acct.pwhash);
	store_stmt_done(st);
	return STORE_OK;
}

static int
store_op_register(struct store *s, struct store_write *w)
{
	sqlite3_stmt	*st = store_wq(s, WQ_INVITE_USE);
	int64_t		 invite;
	int		 rc, r;

	sqlite3_bind_blob(st, 1, w->invite, STORE_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, w->now);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		store_stmt_done(st);
		return rc == SQLITE_DONE ? STORE_INVALID :
		    store_result(s->wdb, rc);
	}
	invite = sqlite3_column_int64(st, 0);
	w->org = sqlite3_column_int64(st, 1);
	w->role = (enum proto_role)sqlite3_column_int(st, 2);
	store_stmt_done(st);

	/* A taken name fails here; the savepoint puts the invite back. */
	st = store_wq(s, WQ_ACCOUNT_INSERT);
	sqlite3_bind_text(st, 1, w->name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, w->org);
	sqlite3_bind_int(st, 3, (int)w->role);
	sqlite3_bind_text(st, 4, w->pwhash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, w->now);
	if ((r = store_run(s, st, NULL)) != STORE_OK)
		return r;
	w->account = sqlite3_last_insert_rowid(s->wdb);

	st = store_wq(s, WQ_INVITE_USED_BY);
	sqlite3_bind_int64(st, 1, invite);
	sqlite3_bind_int64(st, 2, w->account);
	if ((r = store_run(s, st, NULL)) != STORE_OK)
		return r;
	if ((r = store_op_session_new(s, w)) != STORE_OK)
		return r;
	return store_op_register_acct(s, w);
}

static int
store_op_session_revoke(struct store *s, struct store_write *w)
{
	sqlite3_stmt	*st = store_wq(s, WQ_SESSION_REVOKE);

	sqlite3_bind_int64(st, 1, w->session);
	sqlite3_bind_int64(st, 2, w->now);
	return store_run(s, st, NULL);
}

static int
store_op_passwd(struct store *s, struct store_write *w)
{
	sqlite3_stmt	*st = store_wq(s, WQ_PASSWD);
	int		 r, changes;

	sqlite3_bind_int64(st, 1, w->account);
	sqlite3_bind_text(st, 2, w->pwhash, -1, SQLITE_STATIC);
	if ((r = store_run(s, st, &changes)) != STORE_OK)
		return r;
	if (changes == 0)
		return STORE_NOTFOUND;

	st = store_wq(s, WQ_SESSION_REVOKE_OTHERS);
	sqlite3_bind_int64(st, 1, w->account);
	sqlite3_bind_int64(st, 2, w->session);
	sqlite3_bind_int64(st, 3, w->now);
	return store_run(s, st, NULL);
}

static int
store_op_org_create(struct store *s, struct store_write *w)
{
	sqlite3_stmt	*st = store_wq(s, WQ_ORG_INSERT);
	int		 r;

	sqlite3_bind_text(st, 1, w->name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, w->now);
	if ((r = store_run(s, st, NULL)) == STORE_OK)
		w->org = sqlite3_last_insert_rowid(s->wdb);
	return r;
}

static int
store_op_invite_create(struct store *s, struct store_write *w)
{
	sqlite3_stmt	*st = store_wq(s, WQ_INVITE_INSERT);
	int		 r;

	sqlite3_bind_blob(st, 1, w->hash, STORE_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, w->org);
	sqlite3_bind_int(st, 3, (int)w->role);
	store_bind_account(st, 4, w->account);
	sqlite3_bind_int64(st, 5, w->now);
	sqlite3_bind_int64(st, 6, w->expires_at);
	if (w->title != NULL)
		sqlite3_bind_text(st, 7, w->title, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 7);
	if ((r = store_insert(s, st)) != STORE_OK)
		return r;
	return store_roster_invited(s, w);
}

static int
store_op_join(struct store *s, struct store_write *w)
{
	sqlite3_stmt	*st = store_wq(s, WQ_JOIN);
	int		 r, changes;

	sqlite3_bind_int64(st, 1, w->channel);
	sqlite3_bind_int64(st, 2, w->account);
	sqlite3_bind_int64(st, 3, w->now);
	if ((r = store_run(s, st, &changes)) != STORE_OK || changes > 0)
		return r;
	/* Nothing added: a member already, or no such channel or account. */
	st = store_wq(s, WQ_JOIN_CHECK);
	sqlite3_bind_int64(st, 1, w->channel);
	sqlite3_bind_int64(st, 2, w->account);
	return store_insert_check(s, st);
}

static int
store_op_leave(struct store *s, struct store_write *w)
{
	sqlite3_stmt	*st = store_wq(s, WQ_LEAVE);

	sqlite3_bind_int64(st, 1, w->channel);
	sqlite3_bind_int64(st, 2, w->account);
	return store_run(s, st, NULL);
}

static int
store_op_channel_create(struct store *s, struct store_write *w)
{
	sqlite3_stmt	*st = store_wq(s, WQ_CHANNEL_INSERT);
	int		 r;

	sqlite3_bind_text(st, 1, w->name, -1, SQLITE_STATIC);
	if (w->org != 0) {
		sqlite3_bind_int64(st, 2, w->org);
		sqlite3_bind_int(st, 3, STORE_CHANNEL_ORG);
	} else {
		sqlite3_bind_null(st, 2);
		sqlite3_bind_int(st, 3, w->channel_kind == STORE_CHANNEL_GROUP ?
		    STORE_CHANNEL_GROUP : STORE_CHANNEL_PEER);
	}
	store_bind_account(st, 4, w->account);
	sqlite3_bind_int64(st, 5, w->now);
	if (w->title != NULL)
		sqlite3_bind_text(st, 6, w->title, -1, SQLITE_STATIC);
	if ((r = store_insert(s, st)) != STORE_OK)
		return r;
	w->channel = sqlite3_last_insert_rowid(s->wdb);
	return w->account != 0 ? store_op_join(s, w) : STORE_OK;
}

/* Bring the thread's summary row up to date with the replies owed. */
int
store_txn_settle(struct store *s)
{
	struct store_txn	*t = &s->txn;
	sqlite3_stmt		*st;

	if (t->replies == 0)
		return STORE_OK;
	st = store_wq(s, WQ_THREAD_REPLY);
	sqlite3_bind_int64(st, 1, t->thread);
	sqlite3_bind_int64(st, 2, t->last_eid);
	sqlite3_bind_int64(st, 3, t->last_ts);
	sqlite3_bind_int(st, 4, t->replies);
	t->replies = 0;
	return store_run(s, st, NULL);
}

/* A new transaction: nothing checked, nothing owed. */
void
store_txn_begin(struct store *s, int defer)
{
	memset(&s->txn, 0, sizeof s->txn);
	s->txn.defer = defer;
}

/*
 * Is thread a live thread of channel, and is it locked? The answer
 * stays true for the rest of the transaction, since nothing a post does
 * can change it; any other job forgets it (store_write_run). STORE_OK,
 * STORE_NOTFOUND, STORE_LOCKED (unless the poster moderates) or an
 * error. Checking another thread first settles what the last one is
 * owed.
 */
static int
store_txn_thread(struct store *s, int64_t channel, int64_t *thread,
    int moderator)
{
	sqlite3_stmt	*st;
	int		 r, rc;

	if (s->txn.thread == *thread && s->txn.channel == channel)
		return s->txn.locked && !moderator ? STORE_LOCKED : STORE_OK;
	if ((r = store_txn_settle(s)) != STORE_OK)
		return r;
	s->txn.thread = 0;
	st = store_wq(s, WQ_THREAD_CHECK);
	sqlite3_bind_int64(st, 1, channel);
	sqlite3_bind_int64(st, 2, *thread);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		store_stmt_done(st);
		return rc == SQLITE_DONE ? STORE_NOTFOUND :
		    store_result(s->wdb, rc);
	}
	s->txn.locked = sqlite3_column_int(st, 0);
	*thread = sqlite3_column_int64(st, 1);	/* the root, for a reply's id */
	store_stmt_done(st);
	s->txn.channel = channel;
	s->txn.thread = *thread;
	return s->txn.locked && !moderator ? STORE_LOCKED : STORE_OK;
}

/* Keep the thread's summary row in step with its newest post: a new
 * thread's row now; a reply's at once on the careful path, where each
 * job has its own savepoint, and once per batch on the fast path. */
static int
store_op_post_thread(struct store *s, struct store_write *w, int root)
{
	sqlite3_stmt	*st;

	if (root) {
		st = store_wq(s, WQ_THREAD_INSERT);
		sqlite3_bind_int64(st, 1, w->eid);
		sqlite3_bind_int64(st, 2, w->channel);
		sqlite3_bind_text(st, 3, w->title, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, w->account);
		sqlite3_bind_int64(st, 5, w->now);
		return store_run(s, st, NULL);
	}
	s->txn.replies++;
	s->txn.last_eid = w->eid;
	s->txn.last_ts = w->now;
	return s->txn.defer ? STORE_OK : store_txn_settle(s);
}

/*
 * The author as this transaction sees it, into w->acct: read once per
 * author and transaction (a batch of posts by one account reads it
 * once), forgotten by any other job, which might rename someone.
 */
static int
store_txn_author(struct store *s, struct store_write *w)
{
	struct store_txn	*t = &s->txn;
	sqlite3_stmt		*st;
	int			 rc;

	if (t->author.id != w->account || w->account == 0) {
		st = store_wq(s, WQ_AUTHOR);
		sqlite3_bind_int64(st, 1, w->account);
		if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
			store_stmt_done(st);
			return rc == SQLITE_DONE ? STORE_FORBIDDEN :
			    store_result(s->wdb, rc);
		}
		memset(&t->author, 0, sizeof t->author);
		t->author.id = w->account;
		t->author.org_id = sqlite3_column_int64(st, 0);
		strlcpy_h(t->author.name, (const char *)
		    sqlite3_column_text(st, 1), sizeof t->author.name);
		strlcpy_h(t->author.org, (const char *)
		    sqlite3_column_text(st, 2), sizeof t->author.org);
		store_stmt_done(st);
	}
	memset(&w->acct, 0, sizeof w->acct);
	w->acct.id = t->author.id;
	w->acct.org_id = t->author.org_id;
	memcpy(w->acct.name, t->author.name, sizeof w->acct.name);
	memcpy(w->acct.org, t->author.org, sizeof w->acct.org);
	return STORE_OK;
}

int
store_op_post(struct store *s, struct store_write *w)
{
	sqlite3_stmt	*st;
	int		 r;
	/* A new thread comes in with thread 0 and leaves with thread ==
	 * eid; a rerun (the careful path after a rolled-back fast one)
	 * must still see it as new. A reply's thread never equals its eid. */
	int		 root = w->thread == w->eid;

	if (w->body == NULL || (root && (w->title == NULL || *w->title == '\0')))
		return STORE_INVALID;
	if (!root && (r = store_txn_thread(s, w->channel, &w->thread,
	    w->moderator)) != STORE_OK)
		return r;

	st = store_wq(s, WQ_EVENT_INSERT);
	sqlite3_bind_int(st, 1, STORE_EV_POST);
	sqlite3_bind_int64(st, 2, w->channel);
	sqlite3_bind_int64(st, 3, w->account);
	sqlite3_bind_int64(st, 4, w->now);
	if ((r = store_insert(s, st)) != STORE_OK)
		return r == STORE_NOTFOUND ? STORE_FORBIDDEN : r;
	if ((r = store_txn_author(s, w)) != STORE_OK)
		return r;
	w->state = w->pending ? STORE_POST_HELD : STORE_POST_VISIBLE;
	w->eid = sqlite3_last_insert_rowid(s->wdb);
	if (root)
		w->thread = w->eid;

	st = store_wq(s, WQ_POST_INSERT);
	sqlite3_bind_int64(st, 1, w->eid);
	sqlite3_bind_int64(st, 2, w->channel);
	sqlite3_bind_int64(st, 3, w->thread);
	sqlite3_bind_int64(st, 4, w->account);
	if (root)
		sqlite3_bind_text(st, 5, w->title, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 5);
	sqlite3_bind_text(st, 6, w->body, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, w->now);
	sqlite3_bind_int(st, 8, w->state);
	sqlite3_bind_int(st, 9, w->anonymous != 0);
	if (w->note != NULL)
		sqlite3_bind_text(st, 10, w->note, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 10);
	if ((r = store_run(s, st, NULL)) != STORE_OK)
		return r;
	/* Whom it names, notified now; a held post's when it is approved
	 * (store-mod.c). Only a text with an '@' pays for the look. */
	if (w->state == STORE_POST_VISIBLE && strchr(w->body, '@') != NULL &&
	    (r = store_inbox_mentions(s, w, w->eid, w->channel, w->account,
	    w->body)) != STORE_OK)
		return r;
	/* A held reply is no activity members may see: its thread's
	 * summary moves when it is approved (store-mod.c). */
	if (!root && w->state == STORE_POST_HELD)
		return STORE_OK;
	return store_op_post_thread(s, w, root);
}

static int (*const store_ops[])(struct store *, struct store_write *) = {
	[SW_REGISTER] = store_op_register,
	[SW_SESSION_NEW] = store_op_session_new,
	[SW_SESSION_REVOKE] = store_op_session_revoke,
	[SW_PASSWD] = store_op_passwd,
	[SW_ORG_CREATE] = store_op_org_create,
	[SW_INVITE_CREATE] = store_op_invite_create,
	[SW_CHANNEL_CREATE] = store_op_channel_create,
	[SW_JOIN] = store_op_join,
	[SW_LEAVE] = store_op_leave,
	[SW_POST] = store_op_post,
	[SW_MARK_READ] = store_op_mark_read,
	[SW_SUSPEND] = store_op_suspend,
	[SW_CHANNEL_SET] = store_op_mod,
	[SW_POST_MOD] = store_op_mod,
	[SW_EDIT] = store_op_mod,
	[SW_DELETE] = store_op_mod,
	[SW_THREAD_FLAG] = store_op_mod,
	[SW_RESTRICT] = store_op_mod,
	[SW_UNMASK] = store_op_mod,
	[SW_REPORT] = store_op_report,
	[SW_REPORT_STATE] = store_op_report,
	[SW_REPORT_ESCALATE] = store_op_report,
	[SW_LEAD] = store_op_report,
	[SW_UPLOAD_FINISH] = store_op_resource,
	[SW_RESOURCE_POST] = store_op_resource,
	[SW_RESOURCE_DELETE] = store_op_resource,
	[SW_SUBSCRIBE] = store_op_resource,
	[SW_INBOX_READ] = store_op_inbox,
	[SW_INBOX_PUSHED] = store_op_inbox,
	[SW_HOURS] = store_op_inbox,
	[SW_GROUP_ADD] = store_op_group,
	[SW_GROUP_REMOVE] = store_op_group,
	[SW_DM] = store_op_group,
	[SW_BLOCK] = store_op_group,
	[SW_ORG_PROFILE] = store_op_group,
	[SW_EVENT_CREATE] = store_op_calendar,
	[SW_EVENT_RSVP] = store_op_calendar,
	[SW_EVENT_CANCEL] = store_op_calendar,
	[SW_EVENT_ATTENDED] = store_op_calendar,
	[SW_EVENT_REMIND] = store_op_calendar,
	[SW_EVENT_UPDATE] = store_op_calendar,
	[SW_ACTIVITY] = store_op_programme,
	[SW_FETCH] = store_op_programme,
	[SW_STORY_SHARE] = store_op_story,
	[SW_STORY_WITHDRAW] = store_op_story,
	[SW_ERASE] = store_op_erase_run,
	[SW_RETENTION] = store_op_erase_run,
	[SW_ROLE] = store_op_account,
	[SW_DEACTIVATE] = store_op_account,
	[SW_RESET_NEW] = store_op_account,
	[SW_RESET_USE] = store_op_account,
	[SW_SEEN] = store_op_account,
	[SW_INVITE_REVOKE] = store_op_roster,
	[SW_PROFILE] = store_op_roster,
	[SW_ORG_RENAME] = store_op_roster,
	[SW_CHANNEL_RENAME] = store_op_roster,
	[SW_CHANNEL_ARCHIVE] = store_op_roster,
	[SW_ADMIN_INVITE] = store_op_roster,
};

/* Whether a job of this kind changes a channel's row (its settings),
 * so that the loop's cached copy must go when it comes back. */
int
store_changes_channel(enum store_wop op)
{
	switch (op) {
	case SW_CHANNEL_SET:
	case SW_CHANNEL_RENAME:
	case SW_CHANNEL_ARCHIVE:
		return 1;
	default:
		return 0;
	}
}

int
store_op_run(struct store *s, struct store_write *w)
{
	int	r;

	/* Only posts may share what the transaction remembers. */
	if (w->op != SW_POST) {
		if ((r = store_txn_settle(s)) != STORE_OK)
			return r;
		s->txn.thread = 0;
		s->txn.author.id = 0;
	}
	if ((unsigned)w->op < sizeof store_ops / sizeof store_ops[0] &&
	    store_ops[w->op] != NULL)
		return store_ops[w->op](s, w);
	log_error("store: unknown write op %d", (int)w->op);
	return STORE_ERROR;
}

