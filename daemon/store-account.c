/*
 * store-account.c: accounts over their whole life, as the store keeps
 * them: an organisation's roster, role changes, deactivation (someone
 * who left: not a sanction, so apart from suspension), single-use reset
 * codes, and the time of each login.
 *
 * Each write re-checks on the writer what the loop checked before it
 * submitted (the role the change starts from, that another admin would
 * remain), so that two changes racing each other cannot leave the
 * network without an admin or land on an account that changed
 * meanwhile: the loser answers STORE_INVALID and changes nothing.
 *
 * A deactivation and a reset both revoke every session of the account
 * in their own transaction, so that no token outlives them; the live
 * connections are the caller's to end once the commit is back.
 */
#include <stdio.h>
#include <string.h>

#include "store-internal.h"
#include "util.h"

/* Admins who could still act were this one to go: not erased,
 * suspended or deactivated. */
#define STORE_OTHER_ADMINS						\
	"SELECT count(*) FROM accounts WHERE role = 4 AND id <> ?1"	\
	" AND erased_at IS NULL AND suspended_at IS NULL"		\
	" AND deactivated_at IS NULL"

const char *const store_account_read_sql[AR__COUNT] = {
	[AR_MEMBERS] =
	    "SELECT name, display_name, pronouns, role, lead, last_seen,"
	    " deactivated_at, deactivated_reason FROM accounts"
	    " WHERE org_id = ?1 AND erased_at IS NULL"
	    " AND (?2 IS NULL OR name = ?2) ORDER BY name",
	[AR_RESET] =
	    "SELECT used_at IS NOT NULL, expires_at FROM resets"
	    " WHERE account_id = ?1 AND code_hash = ?2",
	[AR_OTHER_ADMINS] = STORE_OTHER_ADMINS,
	[AR_LAST_SEEN] =
	    "SELECT coalesce(last_seen, 0) FROM accounts WHERE id = ?1",
	/* The server's own entries about one organisation, for its
	 * org-admins: about its accounts, and the invites into it that
	 * others made (the log names no organisation: an invite's entry
	 * is its maker's at its time, naming its code's prefix). */
	[AR_LOG] =
	    "SELECT l.id, l.ts, a.name, l.action, t.name, l.reason"
	    " FROM modlog l JOIN accounts t ON t.id = l.account_id"
	    " LEFT JOIN accounts a ON a.id = l.actor_id"
	    " WHERE l.id > ?2 AND l.channel_id IS NULL AND t.org_id = ?1"
	    " AND l.action IN ('role', 'deactivate', 'reactivate', 'reset')"
	    " UNION"
	    " SELECT l.id, l.ts, a.name, l.action, NULL, l.reason"
	    " FROM modlog l JOIN invites i ON i.created_at = l.ts"
	    "  AND i.created_by IS l.actor_id AND i.code_prefix IS NOT NULL"
	    "  AND instr(l.reason, i.code_prefix) > 0"
	    " LEFT JOIN accounts a ON a.id = l.actor_id"
	    " WHERE l.action IN ('invite', 'admin-invite')"
	    " AND l.channel_id IS NULL AND i.org_id = ?1 AND l.id > ?2"
	    " ORDER BY 1 LIMIT ?3",
};

const char *const store_account_write_sql[AQ__COUNT] = {
	[AQ_SEEN] = "UPDATE accounts SET last_seen = ?2 WHERE id = ?1",
	[AQ_ROLE] =
	    "UPDATE accounts SET role = ?2 WHERE id = ?1 AND role = ?3"
	    " AND erased_at IS NULL",
	[AQ_OTHER_ADMINS] = STORE_OTHER_ADMINS,
	[AQ_DEACTIVATE] =
	    "UPDATE accounts SET deactivated_at = ?2, deactivated_reason = ?3"
	    " WHERE id = ?1 AND deactivated_at IS NULL AND erased_at IS NULL",
	[AQ_REACTIVATE] =
	    "UPDATE accounts SET deactivated_at = NULL,"
	    " deactivated_reason = NULL"
	    " WHERE id = ?1 AND deactivated_at IS NOT NULL",
	[AQ_SESSIONS_REVOKE] =
	    "UPDATE sessions SET revoked_at = ?2 WHERE account_id = ?1"
	    " AND revoked_at IS NULL",
	/* A new code replaces the earlier unused ones: they are unknown
	 * from then on. */
	[AQ_RESETS_DROP] =
	    "DELETE FROM resets WHERE account_id = ?1 AND used_at IS NULL",
	[AQ_RESET_INSERT] =
	    "INSERT INTO resets (account_id, code_hash, created_by,"
	    " created_at, expires_at) SELECT id, ?2, ?3, ?4, ?5"
	    " FROM accounts WHERE id = ?1 AND erased_at IS NULL"
	    " AND deactivated_at IS NULL",
	/* Consuming the code is the check: no race between two uses. */
	[AQ_RESET_USE] =
	    "UPDATE resets SET used_at = ?3 WHERE account_id = ?1"
	    " AND code_hash = ?2 AND used_at IS NULL AND expires_at > ?3",
	[AQ_PASSWD] =
	    "UPDATE accounts SET pwhash = ?2 WHERE id = ?1"
	    " AND erased_at IS NULL AND deactivated_at IS NULL",
};

/* ---- reads, on the loop -------------------------------------------- */

int
store_members(struct store *s, int64_t org, const char *user,
    store_roster_cb cb, void *arg)
{
	sqlite3_stmt		*st = s->ar[AR_MEMBERS];
	struct store_member	 m;
	int			 rc;

	sqlite3_bind_int64(st, 1, org);
	if (user != NULL)
		sqlite3_bind_text(st, 2, user, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		m.user = (const char *)sqlite3_column_text(st, 0);
		m.display_name = (const char *)sqlite3_column_text(st, 1);
		m.pronouns = (const char *)sqlite3_column_text(st, 2);
		m.role = (enum proto_role)sqlite3_column_int(st, 3);
		m.lead = sqlite3_column_int(st, 4);
		m.last_seen = sqlite3_column_int64(st, 5);
		m.deactivated_at = sqlite3_column_int64(st, 6);
		m.deactivated_reason = (const char *)sqlite3_column_text(st,
		    7);
		if (cb(arg, &m) != 0)
			break;
	}
	store_stmt_done(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ?
	    STORE_OK : store_result(s->rdb, rc);
}

int
store_reset_check(struct store *s, int64_t account, const uint8_t *hash,
    int64_t now, int64_t *expires_at)
{
	sqlite3_stmt	*st = s->ar[AR_RESET];
	int		 rc, r;

	*expires_at = 0;
	sqlite3_bind_int64(st, 1, account);
	sqlite3_bind_blob(st, 2, hash, STORE_HASH_LEN, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*expires_at = sqlite3_column_int64(st, 1);
		if (sqlite3_column_int(st, 0))
			r = STORE_RESET_USED;
		else if (*expires_at <= now)
			r = STORE_RESET_EXPIRED;
		else
			r = STORE_OK;
	} else
		r = rc == SQLITE_DONE ? STORE_RESET_UNKNOWN :
		    store_result(s->rdb, rc);
	store_stmt_done(st);
	return r;
}

int
store_other_admins(struct store *s, int64_t account, int64_t *n)
{
	sqlite3_stmt	*st = s->ar[AR_OTHER_ADMINS];
	int		 rc;

	*n = 0;
	sqlite3_bind_int64(st, 1, account);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*n = sqlite3_column_int64(st, 0);
	store_stmt_done(st);
	return rc == SQLITE_ROW ? STORE_OK : store_result(s->rdb, rc);
}

int
store_last_seen(struct store *s, int64_t account, int64_t *when)
{
	sqlite3_stmt	*st = s->ar[AR_LAST_SEEN];
	int		 rc;

	*when = 0;
	sqlite3_bind_int64(st, 1, account);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*when = sqlite3_column_int64(st, 0);
	store_stmt_done(st);
	return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ?
	    STORE_NOTFOUND : store_result(s->rdb, rc);
}

int
store_account_log(struct store *s, int64_t org, int64_t since, int limit,
    store_modlog_cb cb, void *arg, int *more)
{
	sqlite3_stmt		*st = s->ar[AR_LOG];
	struct store_modlog	 e;
	int			 rc, n = 0;

	*more = 0;
	memset(&e, 0, sizeof e);
	sqlite3_bind_int64(st, 1, org);
	sqlite3_bind_int64(st, 2, since);
	sqlite3_bind_int64(st, 3, (int64_t)limit + 1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n++ == limit) {
			*more = 1;
			break;
		}
		e.id = sqlite3_column_int64(st, 0);
		e.ts = sqlite3_column_int64(st, 1);
		e.actor = (const char *)sqlite3_column_text(st, 2);
		e.action = (const char *)sqlite3_column_text(st, 3);
		e.account = (const char *)sqlite3_column_text(st, 4);
		e.reason = (const char *)sqlite3_column_text(st, 5);
		if (cb(arg, &e) != 0)
			break;
	}
	store_stmt_done(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ?
	    STORE_OK : store_result(s->rdb, rc);
}

/* ---- writes, on the writer ----------------------------------------- */

/* A login (or a registration) was stored: the roster's last seen. */
int
store_account_seen(struct store *s, int64_t account, int64_t now)
{
	sqlite3_stmt	*st = s->aq[AQ_SEEN];

	sqlite3_bind_int64(st, 1, account);
	sqlite3_bind_int64(st, 2, now);
	return store_run(s, st, NULL);
}

static int
store_account_revoke(struct store *s, const struct store_write *w)
{
	sqlite3_stmt	*st = s->aq[AQ_SESSIONS_REVOKE];

	sqlite3_bind_int64(st, 1, w->target);
	sqlite3_bind_int64(st, 2, w->now);
	return store_run(s, st, NULL);
}

/* Whether another admin would remain were w->target to stop being one:
 * STORE_OK, or STORE_INVALID (w->flag set to say why). */
static int
store_account_not_last(struct store *s, struct store_write *w)
{
	sqlite3_stmt	*st = s->aq[AQ_OTHER_ADMINS];
	int64_t		 n = 0;
	int		 rc;

	sqlite3_bind_int64(st, 1, w->target);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	store_stmt_done(st);
	if (rc != SQLITE_ROW)
		return store_result(s->wdb, rc);
	if (n > 0)
		return STORE_OK;
	w->flag = STORE_ACCOUNT_LAST_ADMIN;
	return STORE_INVALID;
}

/*
 * SW_ROLE: w->target from w->state (the role the loop read) to w->role,
 * with a log entry "role" whose reason says from what to what.
 */
static int
store_op_role(struct store *s, struct store_write *w)
{
	sqlite3_stmt	*st;
	char		 why[64];
	int		 r, changes;

	if (w->state == ROLE_ADMIN && w->role != ROLE_ADMIN &&
	    (r = store_account_not_last(s, w)) != STORE_OK)
		return r;
	st = s->aq[AQ_ROLE];
	sqlite3_bind_int64(st, 1, w->target);
	sqlite3_bind_int(st, 2, (int)w->role);
	sqlite3_bind_int(st, 3, w->state);
	if ((r = store_run(s, st, &changes)) != STORE_OK)
		return r;
	if (changes == 0)
		return STORE_INVALID;	/* changed meanwhile */
	snprintf(why, sizeof why, "%s -> %s",
	    proto_role_name((enum proto_role)w->state),
	    proto_role_name(w->role));
	return store_modlog_add(s, w, "role", 0, w->target, 0, why);
}

/*
 * SW_DEACTIVATE: w->flag 1 deactivates w->target (w->body: why), which
 * revokes its sessions and drops its unused reset codes; 0 reactivates.
 * STORE_INVALID: it is so already (or the last admin).
 */
static int
store_op_deactivate(struct store *s, struct store_write *w)
{
	sqlite3_stmt	*st;
	int		 r, changes, deactivate = w->flag;

	if (deactivate && w->state == ROLE_ADMIN &&
	    (r = store_account_not_last(s, w)) != STORE_OK)
		return r;
	st = s->aq[deactivate ? AQ_DEACTIVATE : AQ_REACTIVATE];
	sqlite3_bind_int64(st, 1, w->target);
	if (deactivate) {
		sqlite3_bind_int64(st, 2, w->now);
		sqlite3_bind_text(st, 3, w->body, -1, SQLITE_STATIC);
	}
	if ((r = store_run(s, st, &changes)) != STORE_OK)
		return r;
	if (changes == 0)
		return STORE_INVALID;
	if (deactivate) {
		if ((r = store_account_revoke(s, w)) != STORE_OK)
			return r;
		st = s->aq[AQ_RESETS_DROP];
		sqlite3_bind_int64(st, 1, w->target);
		if ((r = store_run(s, st, NULL)) != STORE_OK)
			return r;
	}
	return store_modlog_add(s, w, deactivate ? "deactivate" :
	    "reactivate", 0, w->target, 0, deactivate ? w->body : NULL);
}

/* SW_RESET_NEW: a code (w->hash) for w->target until w->expires_at,
 * replacing its earlier unused ones. STORE_NOTFOUND: the account is
 * gone or deactivated. */
static int
store_op_reset_new(struct store *s, struct store_write *w)
{
	sqlite3_stmt	*st = s->aq[AQ_RESETS_DROP];
	int		 r;

	sqlite3_bind_int64(st, 1, w->target);
	if ((r = store_run(s, st, NULL)) != STORE_OK)
		return r;
	st = s->aq[AQ_RESET_INSERT];
	sqlite3_bind_int64(st, 1, w->target);
	sqlite3_bind_blob(st, 2, w->hash, STORE_HASH_LEN, SQLITE_STATIC);
	store_bind_account(st, 3, w->account);
	sqlite3_bind_int64(st, 4, w->now);
	sqlite3_bind_int64(st, 5, w->expires_at);
	if ((r = store_insert(s, st)) != STORE_OK)
		return r;
	return store_modlog_add(s, w, "reset", 0, w->target, 0, NULL);
}

/* SW_RESET_USE: consume w->target's code w->hash, set w->pwhash and
 * revoke every session. STORE_INVALID: the code is not (or no longer)
 * good: unknown, used or expired, as the loop then says. */
static int
store_op_reset_use(struct store *s, struct store_write *w)
{
	sqlite3_stmt	*st = s->aq[AQ_RESET_USE];
	int		 r, changes;

	sqlite3_bind_int64(st, 1, w->target);
	sqlite3_bind_blob(st, 2, w->hash, STORE_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, w->now);
	if ((r = store_run(s, st, &changes)) != STORE_OK)
		return r;
	if (changes == 0)
		return STORE_INVALID;
	st = s->aq[AQ_PASSWD];
	sqlite3_bind_int64(st, 1, w->target);
	sqlite3_bind_text(st, 2, w->pwhash, -1, SQLITE_STATIC);
	if ((r = store_run(s, st, &changes)) != STORE_OK)
		return r;
	if (changes == 0)
		return STORE_INVALID;
	return store_account_revoke(s, w);
}

int
store_op_account(struct store *s, struct store_write *w)
{
	switch (w->op) {
	case SW_ROLE:
		return store_op_role(s, w);
	case SW_DEACTIVATE:
		return store_op_deactivate(s, w);
	case SW_RESET_NEW:
		return store_op_reset_new(s, w);
	case SW_RESET_USE:
		return store_op_reset_use(s, w);
	case SW_SEEN:
		return store_account_seen(s, w->account, w->now);
	default:
		return STORE_ERROR;
	}
}
