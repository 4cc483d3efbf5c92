/*
 * store-roster.c: who is on the network and under which names.
 *
 * Invites are listed and revoked by the first STORE_INVITE_PREFIX
 * characters of their code (invites.code_prefix, schema v15), kept in
 * clear because they are far too few to register with. A revoked
 * invite is refused by register's check and by the writer's consuming
 * UPDATE alike (store-read.c, store-ops.c); store_invite_state() says
 * afterwards which of unknown, used, revoked or expired a code is, so
 * that a person is told what to do about it.
 *
 * An organisation's roster is its own: an invite into one that has an
 * org-admin, made by anyone who is not one of them, writes an "invite"
 * entry in the server's log, in the invite's transaction. The log has
 * no organisation column (and the schema is not ours to change), so an
 * entry is tied to its invite by what both hold: the time, the maker
 * and the code's prefix, which the entry's reason names. An org-admin
 * reading the log without a channel gets the entries so tied to
 * invites into their organisation (store_account_log), whatever the
 * organisation is called since.
 *
 * Renames and archives change a channel's row, so the loop's cached
 * copy goes when the job comes back (store_changes_channel; an
 * organisation's rename flushes them all, store_cache_forget).
 *
 * These are rare requests, so their statements are prepared when run
 * and finalized after, as store-story.c's are.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store-internal.h"
#include "store-roster.h"
#include "util.h"

#define ROSTER_INVITE_SELECT						\
	"SELECT i.id, i.code_prefix, i.org_id, o.name, i.role,"		\
	" coalesce(i.created_by, 0), a.name, i.created_at, i.expires_at"\
	" FROM invites i JOIN orgs o ON o.id = i.org_id"		\
	" LEFT JOIN accounts a ON a.id = i.created_by"			\
	" WHERE i.used_at IS NULL AND i.revoked_at IS NULL"		\
	" AND i.expires_at > ?2"

static int
roster_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st)
{
	int	rc;

	if ((rc = sqlite3_prepare_v2(db, sql, -1, st, NULL)) != SQLITE_OK) {
		*st = NULL;
		return store_result(db, rc);
	}
	return STORE_OK;
}

/* The end of a read: STORE_OK when it ran out or was stopped. */
static int
roster_done(struct store *s, sqlite3_stmt *st, int rc)
{
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK :
	    store_result(s->rdb, rc);
}

/* ---- reads, on the loop ------------------------------------------- */

static int
roster_invites(struct store *s, sqlite3_stmt *st, int limit,
    store_invite_cb cb, void *arg, int *more)
{
	struct store_invite	 i;
	int			 rc, n = 0;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (limit > 0 && n++ == limit) {
			*more = 1;
			break;
		}
		i.id = sqlite3_column_int64(st, 0);
		i.prefix = (const char *)sqlite3_column_text(st, 1);
		i.org_id = sqlite3_column_int64(st, 2);
		i.org = (const char *)sqlite3_column_text(st, 3);
		i.role = (enum proto_role)sqlite3_column_int(st, 4);
		i.made_by_id = sqlite3_column_int64(st, 5);
		i.made_by = (const char *)sqlite3_column_text(st, 6);
		i.made_at = sqlite3_column_int64(st, 7);
		i.expires_at = sqlite3_column_int64(st, 8);
		if (cb(arg, &i) != 0)
			break;
	}
	return roster_done(s, st, rc);
}

int
store_invites(struct store *s, int64_t org, int64_t now, int limit,
    store_invite_cb cb, void *arg, int *more)
{
	sqlite3_stmt	*st;
	int		 r;

	*more = 0;
	if ((r = roster_prepare(s->rdb, ROSTER_INVITE_SELECT
	    " AND (?1 = 0 OR i.org_id = ?1)"
	    " ORDER BY i.created_at DESC, i.id DESC LIMIT ?3", &st)) !=
	    STORE_OK)
		return r;
	sqlite3_bind_int64(st, 1, org);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int64(st, 3, (int64_t)limit + 1);
	return roster_invites(s, st, limit, cb, arg, more);
}

int
store_invites_prefixed(struct store *s, const char *prefix,
    const uint8_t *hash, int64_t now, store_invite_cb cb, void *arg)
{
	sqlite3_stmt	*st;
	int		 r, more = 0;

	if ((r = roster_prepare(s->rdb, ROSTER_INVITE_SELECT
	    " AND (CASE WHEN ?3 IS NULL THEN i.code_prefix = ?1"
	    " ELSE i.code_hash = ?3 END) ORDER BY i.id", &st)) != STORE_OK)
		return r;
	sqlite3_bind_text(st, 1, prefix, -1, SQLITE_TRANSIENT);
	if (hash != NULL)
		sqlite3_bind_blob(st, 3, hash, STORE_HASH_LEN,
		    SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, 3);
	sqlite3_bind_int64(st, 2, now);
	return roster_invites(s, st, 0, cb, arg, &more);
}

int
store_invite_state(struct store *s, const uint8_t *hash, int64_t now)
{
	sqlite3_stmt	*st;
	int		 r, rc;

	if ((r = roster_prepare(s->rdb, "SELECT used_at IS NOT NULL,"
	    " revoked_at IS NOT NULL, expires_at <= ?2 FROM invites"
	    " WHERE code_hash = ?1", &st)) != STORE_OK)
		return r;
	sqlite3_bind_blob(st, 1, hash, STORE_HASH_LEN, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, now);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		/* Used first: a used invite was live when it was used. */
		r = sqlite3_column_int(st, 0) ? STORE_INVITE_USED :
		    sqlite3_column_int(st, 1) ? STORE_INVITE_REVOKED :
		    sqlite3_column_int(st, 2) ? STORE_INVITE_EXPIRED :
		    STORE_INVITE_LIVE;
	} else
		r = rc == SQLITE_DONE ? STORE_INVITE_UNKNOWN :
		    store_result(s->rdb, rc);
	sqlite3_finalize(st);
	return r;
}

int
store_account_names_of(struct store *s, int64_t account, char *display,
    char *pronouns)
{
	sqlite3_stmt	*st;
	int		 r, rc;

	*display = *pronouns = '\0';
	if ((r = roster_prepare(s->rdb, "SELECT coalesce(display_name, ''),"
	    " coalesce(pronouns, '') FROM accounts WHERE id = ?1", &st)) !=
	    STORE_OK)
		return r;
	sqlite3_bind_int64(st, 1, account);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		strlcpy_h(display, (const char *)sqlite3_column_text(st, 0),
		    PROTO_MAX_DISPLAY_NAME + 1);
		strlcpy_h(pronouns, (const char *)sqlite3_column_text(st, 1),
		    PROTO_MAX_PRONOUNS + 1);
		r = STORE_OK;
	} else
		r = rc == SQLITE_DONE ? STORE_NOTFOUND :
		    store_result(s->rdb, rc);
	sqlite3_finalize(st);
	return r;
}

int
store_operators_org(struct store *s, int64_t *org, char *name)
{
	sqlite3_stmt	*st;
	int		 r, rc;

	if ((r = roster_prepare(s->rdb, "SELECT o.id, o.name FROM orgs o"
	    " LEFT JOIN accounts a ON a.org_id = o.id AND a.role = 4"
	    " ORDER BY a.id IS NULL, a.id, o.id LIMIT 1", &st)) != STORE_OK)
		return r;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*org = sqlite3_column_int64(st, 0);
		strlcpy_h(name, (const char *)sqlite3_column_text(st, 1),
		    PROTO_MAX_NAME + 1);
		r = STORE_OK;
	} else
		r = rc == SQLITE_DONE ? STORE_NOTFOUND :
		    store_result(s->rdb, rc);
	sqlite3_finalize(st);
	return r;
}

/* ---- writes, on the writer thread ---------------------------------- */

/* Run one statement of a job on the writer's connection; *changes as
 * store_run's. */
static int
roster_exec(struct store *s, sqlite3_stmt *st, int *changes)
{
	int	r;

	r = store_run(s, st, changes);
	sqlite3_finalize(st);
	return r;
}

/* The log's reason for an invite: its role and prefix, which tie the
 * entry to the invite (store_account_log). */
static void
roster_invite_reason(const struct store_write *w, const char *what,
    char *buf, size_t len)
{
	const char	*role = proto_role_name(w->role);

	snprintf(buf, len, "%s%s%s, code %s...", what != NULL ? what : "",
	    what != NULL ? ", " : "", role != NULL ? role : "?",
	    w->title != NULL ? w->title : "?");
}

int
store_roster_invited(struct store *s, struct store_write *w)
{
	sqlite3_stmt	*st;
	char		 reason[PROTO_MAX_REASON + 1];
	int		 r, rc, shown;

	w->flag = 0;
	if ((r = roster_prepare(s->wdb, "SELECT EXISTS (SELECT 1 FROM"
	    " accounts WHERE org_id = ?1 AND role IN (2, 4)"
	    " AND erased_at IS NULL) AND NOT EXISTS (SELECT 1 FROM accounts"
	    " WHERE id = ?2 AND org_id = ?1 AND role IN (2, 4))", &st)) !=
	    STORE_OK)
		return r;
	sqlite3_bind_int64(st, 1, w->org);
	store_bind_account(st, 2, w->account);
	rc = sqlite3_step(st);
	shown = rc == SQLITE_ROW && sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return store_result(s->wdb, rc);
	if (!shown)
		return STORE_OK;
	roster_invite_reason(w, NULL, reason, sizeof reason);
	if ((r = store_modlog_add(s, w, "invite", 0, 0, 0, reason)) ==
	    STORE_OK)
		w->flag = 1;
	return r;
}

static int
roster_invite_revoke(struct store *s, struct store_write *w)
{
	sqlite3_stmt	*st;
	int		 r, changes;

	if ((r = roster_prepare(s->wdb, "UPDATE invites SET revoked_at = ?2,"
	    " revoked_by = ?3 WHERE id = ?1 AND used_at IS NULL"
	    " AND revoked_at IS NULL AND expires_at > ?2", &st)) != STORE_OK)
		return r;
	sqlite3_bind_int64(st, 1, w->target);
	sqlite3_bind_int64(st, 2, w->now);
	store_bind_account(st, 3, w->account);
	if ((r = roster_exec(s, st, &changes)) != STORE_OK)
		return r;
	/* Used, revoked or past its time since the loop looked. */
	return changes > 0 ? STORE_OK : STORE_INVALID;
}

static void
roster_bind_opt(sqlite3_stmt *st, int col, const char *v)
{
	sqlite3_bind_int(st, col, v != NULL);
	if (v != NULL && *v != '\0')
		sqlite3_bind_text(st, col + 1, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, col + 1);
}

static char *
roster_column_dup(sqlite3_stmt *st, int col)
{
	const char	*t = (const char *)sqlite3_column_text(st, col);

	return t != NULL ? xstrdup(t) : NULL;
}

static int
roster_profile(struct store *s, struct store_write *w)
{
	sqlite3_stmt	*st;
	int		 r, rc;

	if ((r = roster_prepare(s->wdb, "UPDATE accounts SET display_name ="
	    " CASE WHEN ?2 THEN ?3 ELSE display_name END, pronouns ="
	    " CASE WHEN ?4 THEN ?5 ELSE pronouns END WHERE id = ?1"
	    " AND erased_at IS NULL RETURNING display_name, pronouns", &st)) !=
	    STORE_OK)
		return r;
	sqlite3_bind_int64(st, 1, w->account);
	roster_bind_opt(st, 2, w->title);
	roster_bind_opt(st, 4, w->note);
	free(w->body);
	free(w->reason);
	w->body = w->reason = NULL;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		w->body = roster_column_dup(st, 0);
		w->reason = roster_column_dup(st, 1);
		/* RETURNING's statement ends its change when stepped out. */
		rc = sqlite3_step(st);
		r = rc == SQLITE_DONE ? STORE_OK : store_result(s->wdb, rc);
	} else
		r = rc == SQLITE_DONE ? STORE_NOTFOUND :
		    store_result(s->wdb, rc);
	sqlite3_finalize(st);
	return r;
}

/* The organisation w->org is called w->name from now on, and each of
 * its channels "OLD/x" is "NEW/x"; the old name into w->body. */
static int
roster_org_rename(struct store *s, struct store_write *w)
{
	sqlite3_stmt	*st;
	char		 reason[PROTO_MAX_REASON + 1];
	int		 r, rc, changes;

	if ((r = roster_prepare(s->wdb, "SELECT name FROM orgs WHERE id = ?1",
	    &st)) != STORE_OK)
		return r;
	sqlite3_bind_int64(st, 1, w->org);
	free(w->body);
	w->body = NULL;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		w->body = roster_column_dup(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? STORE_NOTFOUND :
		    store_result(s->wdb, rc);
	if ((r = roster_prepare(s->wdb, "UPDATE orgs SET name = ?2"
	    " WHERE id = ?1", &st)) != STORE_OK)
		return r;
	sqlite3_bind_int64(st, 1, w->org);
	sqlite3_bind_text(st, 2, w->name, -1, SQLITE_STATIC);
	if ((r = roster_exec(s, st, &changes)) != STORE_OK)
		return r;
	if ((r = roster_prepare(s->wdb, "UPDATE channels SET name = ?2 ||"
	    " substr(name, instr(name, '/')) WHERE kind = 0 AND org_id = ?1",
	    &st)) != STORE_OK)
		return r;
	sqlite3_bind_int64(st, 1, w->org);
	sqlite3_bind_text(st, 2, w->name, -1, SQLITE_STATIC);
	if ((r = roster_exec(s, st, &changes)) != STORE_OK)
		return r;
	w->size = changes;
	snprintf(reason, sizeof reason, "organisation %s is now %s", w->body,
	    w->name);
	return store_modlog_add(s, w, "rename", 0, 0, 0, reason);
}

static int
roster_channel_rename(struct store *s, struct store_write *w)
{
	sqlite3_stmt	*st;
	char		 reason[PROTO_MAX_REASON + 1];
	int		 r, changes;

	if ((r = roster_prepare(s->wdb, "UPDATE channels SET name = ?2"
	    " WHERE id = ?1", &st)) != STORE_OK)
		return r;
	sqlite3_bind_int64(st, 1, w->channel);
	sqlite3_bind_text(st, 2, w->name, -1, SQLITE_STATIC);
	if ((r = roster_exec(s, st, &changes)) != STORE_OK)
		return r;
	if (changes == 0)
		return STORE_NOTFOUND;
	snprintf(reason, sizeof reason, "was %s", w->body);
	return store_modlog_add(s, w, "rename", w->channel, 0, 0, reason);
}

static int
roster_channel_archive(struct store *s, struct store_write *w)
{
	sqlite3_stmt	*st;
	int		 r, changes;

	if ((r = roster_prepare(s->wdb, "UPDATE channels SET archived_at ="
	    " CASE WHEN ?2 THEN ?3 END WHERE id = ?1"
	    " AND (archived_at IS NULL) = (?2 <> 0)", &st)) != STORE_OK)
		return r;
	sqlite3_bind_int64(st, 1, w->channel);
	sqlite3_bind_int(st, 2, w->flag);
	sqlite3_bind_int64(st, 3, w->now);
	if ((r = roster_exec(s, st, &changes)) != STORE_OK)
		return r;
	if (changes == 0)
		return STORE_INVALID;	/* so already */
	return store_modlog_add(s, w, w->flag ? "archive" : "unarchive",
	    w->channel, 0, 0, NULL);
}

/* harbourd admin-invite: an admin invite made by the operator (no
 * account), its log entry naming whom it is for. */
static int
roster_admin_invite(struct store *s, struct store_write *w)
{
	sqlite3_stmt	*st;
	char		 what[PROTO_MAX_NAME + 16];
	char		 reason[PROTO_MAX_REASON + 1];
	int		 r;

	if ((r = roster_prepare(s->wdb, "INSERT INTO invites (code_hash,"
	    " org_id, role, created_by, created_at, expires_at, code_prefix)"
	    " SELECT ?1, id, ?3, NULL, ?4, ?5, ?6 FROM orgs WHERE id = ?2",
	    &st)) != STORE_OK)
		return r;
	sqlite3_bind_blob(st, 1, w->hash, STORE_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, w->org);
	sqlite3_bind_int(st, 3, (int)ROLE_ADMIN);
	sqlite3_bind_int64(st, 4, w->now);
	sqlite3_bind_int64(st, 5, w->expires_at);
	sqlite3_bind_text(st, 6, w->title, -1, SQLITE_STATIC);
	r = store_insert(s, st);
	sqlite3_finalize(st);
	if (r != STORE_OK)
		return r;
	w->role = ROLE_ADMIN;
	snprintf(what, sizeof what, "for %s", w->body);
	roster_invite_reason(w, what, reason, sizeof reason);
	return store_modlog_add(s, w, "admin-invite", 0, 0, 0, reason);
}

int
store_op_roster(struct store *s, struct store_write *w)
{
	switch (w->op) {
	case SW_INVITE_REVOKE:
		return roster_invite_revoke(s, w);
	case SW_PROFILE:
		return roster_profile(s, w);
	case SW_ORG_RENAME:
		return roster_org_rename(s, w);
	case SW_CHANNEL_RENAME:
		return roster_channel_rename(s, w);
	case SW_CHANNEL_ARCHIVE:
		return roster_channel_archive(s, w);
	case SW_ADMIN_INVITE:
		return roster_admin_invite(s, w);
	default:
		return STORE_ERROR;
	}
}
