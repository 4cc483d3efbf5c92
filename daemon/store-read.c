/*
 * store-read.c: every read, on the event loop's own connection. The
 * statements are prepared once at open (store_read_sql); each call binds,
 * steps and resets, so a read costs microseconds. Every query of posts
 * leaves out what the viewer may not read in any form (STORE_SEEN, the
 * same rule as view.c's), for read, sync, replay, threads and the
 * unread counts alike; what form the rest takes is view.c's to decide.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store-internal.h"
#include "util.h"

#define STORE_ACCOUNT_SELECT						\
	"SELECT a.id, a.org_id, a.role, a.name, o.name, a.pwhash,"	\
	" a.suspended_at IS NOT NULL, coalesce(a.suspended_reason, ''),"\
	" 0, a.lead, a.deactivated_at IS NOT NULL"			\
	" FROM accounts a JOIN orgs o ON o.id = a.org_id"

const char *const store_read_sql[RQ__COUNT] = {
	[RQ_ACCOUNT_BY_NAME] = STORE_ACCOUNT_SELECT " WHERE a.name = ?1",
	[RQ_ACCOUNT_BY_ID] = STORE_ACCOUNT_SELECT " WHERE a.id = ?1",
	[RQ_SESSION_LOOKUP] =
	    "SELECT a.id, a.org_id, a.role, a.name, o.name, a.pwhash, 0, '',"
	    " s.id, a.lead, 0 FROM sessions s"
	    " JOIN accounts a ON a.id = s.account_id"
	    " JOIN orgs o ON o.id = a.org_id"
	    " WHERE s.token_hash = ?1 AND s.revoked_at IS NULL"
	    " AND a.suspended_at IS NULL AND a.deactivated_at IS NULL"
	    " AND (s.cert_fp IS NULL OR EXISTS (SELECT 1 FROM certs"
	    "  WHERE fingerprint = s.cert_fp AND revoked_at IS NULL))",
	[RQ_SESSION_CERT_REVOKED] =
	    "SELECT 1 FROM sessions s JOIN certs c ON c.fingerprint = s.cert_fp"
	    " WHERE s.id = ?1 AND c.revoked_at IS NOT NULL",
	[RQ_INVITE_CHECK] =
	    "SELECT 1 FROM invites WHERE code_hash = ?1"
	    " AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ?2",
	[RQ_ORG_BY_NAME] = "SELECT id FROM orgs WHERE name = ?1",
	[RQ_ORG_LIST] = "SELECT name FROM orgs ORDER BY name",
	[RQ_CHANNEL_BY_NAME] =
	    "SELECT id, coalesce(org_id, 0), kind, name, mode, anon, slow,"
	    " title, retention, coalesce(archived_at, 0) FROM channels"
	    " WHERE name = ?1",
	[RQ_IS_MEMBER] =
	    "SELECT 1 FROM members WHERE channel_id = ?2 AND account_id = ?1",
	/* An organisation's channels, every peer channel, and the private
	 * groups the account belongs to; counts of what it may read. */
	[RQ_CHANNEL_LIST] =
	    "SELECT c.name, c.kind, m.account_id IS NOT NULL,"
	    " CASE WHEN m.account_id IS NULL THEN 0 ELSE"
	    "  (SELECT count(*) FROM posts p WHERE p.channel_id = c.id"
	    "   AND p.id > m.read_eid AND" STORE_SEEN("p", "c") " AND"
	    STORE_UNREAD("p", "m") ") +"
	    "  (SELECT count(*) FROM posts p WHERE p.channel_id = c.id"
	    "   AND p.shown_eid > m.read_eid AND p.id <= m.read_eid AND"
	    STORE_SEEN("p", "c") " AND" STORE_UNREAD("p", "m") ") END,"
	    " coalesce((SELECT p.id FROM posts p WHERE p.channel_id = c.id"
	    "  AND" STORE_SEEN("p", "c") " ORDER BY p.id DESC LIMIT 1), 0),"
	    " c.mode, c.anon, c.slow, c.title, c.retention,"
	    " coalesce(c.archived_at, 0)"
	    " FROM channels c LEFT JOIN members m"
	    "  ON m.channel_id = c.id AND m.account_id = ?20"
	    " WHERE (c.kind = 0 AND c.org_id = ?23) OR c.kind = 1"
	    "  OR (c.kind IN (2, 3) AND m.account_id IS NOT NULL)"
	    " ORDER BY c.name",
	[RQ_THREAD_CHECK] =
	    "SELECT 1 FROM threads t JOIN posts r ON r.id = t.id"
	    " JOIN channels c ON c.id = t.channel_id"
	    " WHERE t.id = ?2 AND t.channel_id = ?1 AND" STORE_SEEN("r", "c"),
	/* The thread of a post the viewer may read in some form. */
	[RQ_THREAD_OF] =
	    "SELECT p.thread_id FROM posts p JOIN channels c ON c.id = p.channel_id"
	    " WHERE p.id = ?2 AND p.channel_id = ?1 AND" STORE_SEEN("p", "c"),
	/*
	 * The page of threads is chosen by the summary rows' activity (the
	 * writer counts there only what every member may read); its counts
	 * and last activity are this viewer's, from the posts themselves.
	 */
	[RQ_THREADS] =
	    "SELECT x.id, x.title, x.author, x.replies, x.last,"
	    " (SELECT ts FROM posts WHERE id = x.last), x.state, x.anon,"
	    " x.author_id, x.pinned, x.locked, x.unread, x.summary FROM"
	    " (SELECT t.id AS id, t.title AS title, a.name AS author,"
	    "  CASE WHEN m.account_id IS NULL THEN 0 ELSE"
	    "  (SELECT count(*) FROM posts p WHERE p.channel_id = t.channel_id"
	    "   AND p.thread_id = t.id AND" STORE_SEEN("p", "c") " AND"
	    STORE_UNREAD("p", "m") ") END AS unread,"
	    "  t.pinned AS pinned, t.locked AS locked,"
	    "  r.state AS state, r.anonymous AS anon, a.id AS author_id,"
	    "  (SELECT count(*) FROM posts p WHERE p.channel_id = t.channel_id"
	    "   AND p.thread_id = t.id AND p.id > t.id AND"
	    STORE_SEEN("p", "c") ") AS replies,"
	    "  coalesce((SELECT p.id FROM posts p"
	    "   WHERE p.channel_id = t.channel_id AND p.thread_id = t.id AND"
	    STORE_SEEN("p", "c") " ORDER BY p.id DESC LIMIT 1), t.id) AS last,"
	    "  t.last_eid AS summary"
	    " FROM threads t JOIN posts r ON r.id = t.id"
	    " JOIN channels c ON c.id = t.channel_id"
	    " JOIN accounts a ON a.id = t.author_id"
	    " LEFT JOIN members m ON m.channel_id = t.channel_id"
	    "  AND m.account_id = ?20"
	    " WHERE t.channel_id = ?1 AND t.last_eid < ?3 AND"
	    STORE_SEEN("r", "c")
	    " ORDER BY t.pinned DESC, t.last_eid DESC LIMIT ?2) x"
	    " ORDER BY x.pinned DESC, x.last DESC",
	/* Whether a thread's activity lies before ?2: a page further back
	 * of store_threads_before(). */
	[RQ_THREADS_OLDER] =
	    "SELECT 1 FROM threads t JOIN posts r ON r.id = t.id"
	    " JOIN channels c ON c.id = t.channel_id"
	    " WHERE t.channel_id = ?1 AND t.last_eid < ?2 AND"
	    STORE_SEEN("r", "c") " LIMIT 1",
	/* ?2 < id < ?5: after since, and before "before" (a page further
	 * back) or the end. */
	[RQ_READ_CHANNEL] =
	    STORE_POST_SELECT("p.id") " FROM posts p" STORE_POST_JOINS
	    " WHERE p.channel_id = ?1 AND p.id > ?2 AND p.id < ?5 AND"
	    STORE_SEEN("p", "c") " ORDER BY p.id LIMIT ?3",
	[RQ_READ_THREAD] =
	    STORE_POST_SELECT("p.id") " FROM posts p" STORE_POST_JOINS
	    " WHERE p.channel_id = ?1 AND p.thread_id = ?4"
	    " AND p.id > ?2 AND p.id < ?5 AND" STORE_SEEN("p", "c")
	    " ORDER BY p.id LIMIT ?3",
	/* What the viewer, a member, has not been shown: oldest first.
	 * ?4: the thread, or 0 for every thread. */
	[RQ_READ_UNREAD] =
	    STORE_POST_SELECT("p.id") " FROM posts p" STORE_POST_JOINS
	    " JOIN members m ON m.channel_id = p.channel_id"
	    "  AND m.account_id = ?20"
	    " WHERE p.channel_id = ?1 AND (?4 = 0 OR p.thread_id = ?4) AND"
	    STORE_SEEN("p", "c") " AND" STORE_UNREAD("p", "m")
	    " ORDER BY p.id LIMIT ?3",
	/* A mark's check: how many of the ids (?2, a JSON array) are
	 * posts of the channel the viewer may read. */
	[RQ_POSTS_IN] =
	    "SELECT count(DISTINCT p.id) FROM posts p"
	    " JOIN channels c ON c.id = p.channel_id"
	    " WHERE p.id IN (SELECT value FROM json_each(?2))"
	    " AND p.channel_id = ?1 AND" STORE_SEEN("p", "c"),
	/* The newest page starts after the (limit+1)th newest post. */
	[RQ_BOUND_CHANNEL] =
	    "SELECT p.id FROM posts p JOIN channels c ON c.id = p.channel_id"
	    " WHERE p.channel_id = ?1 AND p.id < ?4 AND" STORE_SEEN("p", "c")
	    " ORDER BY p.id DESC LIMIT 1 OFFSET ?2",
	[RQ_BOUND_THREAD] =
	    "SELECT p.id FROM posts p JOIN channels c ON c.id = p.channel_id"
	    " WHERE p.channel_id = ?1 AND p.thread_id = ?3 AND p.id < ?4"
	    " AND" STORE_SEEN("p", "c") " ORDER BY p.id DESC LIMIT 1 OFFSET ?2",
	/*
	 * Sync walks the events, not the posts: a post's later changes
	 * (approved, hidden, edited, deleted) are events too, and each post
	 * is handed out once, at its newest event (rev_eid), in its state
	 * as it is now, so that a reader who was away never gets an old
	 * text. CROSS JOIN keeps events as the outer loop: walking the
	 * rowid up from since stops after limit + 1 rows, where starting
	 * from the memberships would sort every post of every joined
	 * channel. ?5, when not NULL, is a JSON array of the channel ids
	 * wanted; ?6, when not NULL, leaves out others' posts shown to the
	 * viewer already (read, tail, chat), unless they changed since.
	 */
	[RQ_SYNC] =
	    STORE_POST_SELECT("e.id") " FROM events e CROSS JOIN posts p"
	    " ON p.id = coalesce(e.post_id, e.id) CROSS JOIN members m"
	    " ON m.channel_id = p.channel_id AND m.account_id = ?20"
	    STORE_POST_JOINS
	    " WHERE e.id > ?2 AND e.id <= ?3"
	    " AND coalesce(p.rev_eid, p.id) = e.id"
	    " AND (?5 IS NULL OR p.channel_id"
	    " IN (SELECT value FROM json_each(?5))) AND" STORE_SEEN("p", "c")
	    " AND (?6 IS NULL OR e.id <> p.id OR p.author_id = ?20"
	    "  OR NOT" STORE_MARKED("p", "m") ")"
	    " ORDER BY e.id LIMIT ?4",
	/* A report's entry names its reporter for every moderator but the
	 * reported post's author: the author never learns who reported. */
	[RQ_MODLOG] =
	    "SELECT l.id, l.ts, CASE WHEN l.action = 'report'"
	    " AND p.author_id = ?4 THEN '' ELSE a.name END,"
	    " l.action, c.name, t.name,"
	    " coalesce(l.post_id, 0), l.reason FROM modlog l"
	    " LEFT JOIN accounts a ON a.id = l.actor_id"
	    " LEFT JOIN posts p ON p.id = l.post_id"
	    " LEFT JOIN channels c ON c.id = l.channel_id"
	    " LEFT JOIN accounts t ON t.id = l.account_id"
	    " WHERE l.id > ?2 AND (l.channel_id = ?1 OR (?1 = 0 AND"
	    " l.channel_id IS NULL)) ORDER BY l.id LIMIT ?3",
	[RQ_LAST_EID] = "SELECT coalesce(max(id), 0) FROM events",
	[RQ_BEGIN] = "BEGIN",
	[RQ_END] = "COMMIT",
};

/* ---- reads ---------------------------------------------------------- */

const char *
store_text(sqlite3_stmt *st, int col)
{
	const unsigned char	*t = sqlite3_column_text(st, col);

	return t != NULL ? (const char *)t : "";
}

/* Step a statement expected to give at most one row, and reset it. */
int
store_one(struct store *s, sqlite3_stmt *st)
{
	int	rc, r;

	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		r = STORE_OK;
	else if (rc == SQLITE_DONE)
		r = STORE_NOTFOUND;
	else
		r = store_result(s->rdb, rc);
	if (r != STORE_OK)
		store_stmt_done(st);
	return r;
}

static int
store_account_row(struct store *s, sqlite3_stmt *st,
    struct store_account *a, int64_t *session)
{
	int	r;

	memset(a, 0, sizeof *a);
	if ((r = store_one(s, st)) != STORE_OK)
		return r;
	a->id = sqlite3_column_int64(st, 0);
	a->org_id = sqlite3_column_int64(st, 1);
	a->role = (enum proto_role)sqlite3_column_int(st, 2);
	strlcpy_h(a->name, store_text(st, 3), sizeof a->name);
	strlcpy_h(a->org, store_text(st, 4), sizeof a->org);
	strlcpy_h(a->pwhash, store_text(st, 5), sizeof a->pwhash);
	a->suspended = sqlite3_column_int(st, 6);
	strlcpy_h(a->suspended_reason, store_text(st, 7),
	    sizeof a->suspended_reason);
	if (session != NULL)
		*session = sqlite3_column_int64(st, 8);
	a->lead = sqlite3_column_int(st, 9);
	a->deactivated = sqlite3_column_int(st, 10);
	store_stmt_done(st);
	return STORE_OK;
}

int
store_account_by_name(struct store *s, const char *user,
    struct store_account *a)
{
	sqlite3_stmt	*st = s->rq[RQ_ACCOUNT_BY_NAME];

	sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
	return store_account_row(s, st, a, NULL);
}

int
store_account_by_id(struct store *s, int64_t id, struct store_account *a)
{
	sqlite3_stmt	*st = s->rq[RQ_ACCOUNT_BY_ID];

	sqlite3_bind_int64(st, 1, id);
	return store_account_row(s, st, a, NULL);
}

int
store_session_lookup(struct store *s, const uint8_t *hash,
    struct store_account *a, int64_t *session_id)
{
	sqlite3_stmt	*st = s->rq[RQ_SESSION_LOOKUP];
	int64_t		 id = 0;
	int		 r;

	sqlite3_bind_blob(st, 1, hash, STORE_HASH_LEN, SQLITE_STATIC);
	r = store_account_row(s, st, a, &id);
	if (session_id != NULL)
		*session_id = id;
	return r;
}

int
store_session_cert_revoked(struct store *s, int64_t session)
{
	sqlite3_stmt	*st = s->rq[RQ_SESSION_CERT_REVOKED];
	int		 r;

	sqlite3_bind_int64(st, 1, session);
	if ((r = store_one(s, st)) == STORE_OK)
		store_stmt_done(st);
	return r == STORE_OK ? 1 : r == STORE_NOTFOUND ? 0 : STORE_ERROR;
}

int
store_invite_check(struct store *s, const uint8_t *hash, int64_t now)
{
	sqlite3_stmt	*st = s->rq[RQ_INVITE_CHECK];
	int		 r;

	sqlite3_bind_blob(st, 1, hash, STORE_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now);
	if ((r = store_one(s, st)) == STORE_OK)
		store_stmt_done(st);
	return r;
}

int
store_org_by_name(struct store *s, const char *name, int64_t *id)
{
	sqlite3_stmt	*st = s->rq[RQ_ORG_BY_NAME];
	int		 r;

	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if ((r = store_one(s, st)) != STORE_OK)
		return r;
	*id = sqlite3_column_int64(st, 0);
	store_stmt_done(st);
	return STORE_OK;
}

int
store_org_list(struct store *s, store_name_cb cb, void *arg)
{
	sqlite3_stmt	*st = s->rq[RQ_ORG_LIST];
	int		 rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (cb(arg, store_text(st, 0)) != 0)
			break;
	}
	store_stmt_done(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ?
	    STORE_OK : store_result(s->rdb, rc);
}

static int
store_chan_cmp(const struct store_chan_cache *a, const struct store_chan_cache *b)
{
	return strcmp(a->ch.name, b->ch.name);
}

static int
store_member_cmp(const struct store_member_cache *a,
    const struct store_member_cache *b)
{
	if (a->account != b->account)
		return a->account < b->account ? -1 : 1;
	return a->channel < b->channel ? -1 : a->channel > b->channel;
}

RB_GENERATE_STATIC(store_chans, store_chan_cache, entry, store_chan_cmp)
RB_GENERATE_STATIC(store_members, store_member_cache, entry, store_member_cmp)

int
store_channel_by_name(struct store *s, const char *name,
    struct store_channel *c)
{
	sqlite3_stmt		*st = s->rq[RQ_CHANNEL_BY_NAME];
	struct store_chan_cache	 key, *e;
	int			 r;

	if (strlen(name) < sizeof key.ch.name) {
		memcpy(key.ch.name, name, strlen(name) + 1);
		if ((e = RB_FIND(store_chans, &s->chan_cache, &key)) != NULL) {
			*c = e->ch;
			return STORE_OK;
		}
	}
	memset(c, 0, sizeof *c);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if ((r = store_one(s, st)) != STORE_OK)
		return r;
	c->id = sqlite3_column_int64(st, 0);
	c->org_id = sqlite3_column_int64(st, 1);
	c->kind = sqlite3_column_int(st, 2);
	c->peer = c->kind == STORE_CHANNEL_PEER;
	strlcpy_h(c->name, store_text(st, 3), sizeof c->name);
	c->mode = sqlite3_column_int(st, 4);
	c->anon = sqlite3_column_int(st, 5);
	c->slow = sqlite3_column_int64(st, 6);
	strlcpy_h(c->title, sqlite3_column_type(st, 7) == SQLITE_NULL ? "" :
	    (const char *)sqlite3_column_text(st, 7), sizeof c->title);
	c->retention = sqlite3_column_int64(st, 8);
	c->archived = sqlite3_column_int64(st, 9);
	store_stmt_done(st);
	e = xmalloc(sizeof *e);
	e->ch = *c;
	RB_INSERT(store_chans, &s->chan_cache, e);
	return STORE_OK;
}

/* Every channel and membership cached: an erasure renames channels
 * and ends memberships, and is rare enough to refill them all. */
static void
store_caches_flush(struct store *s)
{
	struct store_chan_cache *e, *next;
	struct store_member_cache *m, *mnext;

	RB_FOREACH_SAFE(e, store_chans, &s->chan_cache, next) {
		RB_REMOVE(store_chans, &s->chan_cache, e);
		free(e);
	}
	RB_FOREACH_SAFE(m, store_members, &s->member_cache, mnext) {
		RB_REMOVE(store_members, &s->member_cache, m);
		free(m);
	}
}

void
store_caches_free(struct store *s)
{
	store_caches_flush(s);
	store_mod_caches_free(s);
}

int
store_is_member(struct store *s, int64_t account, int64_t channel)
{
	sqlite3_stmt			*st = s->rq[RQ_IS_MEMBER];
	struct store_member_cache	 key, *e;
	int				 r;

	key.account = account;
	key.channel = channel;
	if (RB_FIND(store_members, &s->member_cache, &key) != NULL)
		return 1;
	sqlite3_bind_int64(st, 1, account);
	sqlite3_bind_int64(st, 2, channel);
	r = store_one(s, st);
	if (r != STORE_OK)
		return r == STORE_NOTFOUND ? 0 : STORE_ERROR;
	store_stmt_done(st);
	e = xmalloc(sizeof *e);
	e->account = account;
	e->channel = channel;
	RB_INSERT(store_members, &s->member_cache, e);
	return 1;
}

/* A channel's row changed: the next lookup reads it again. */
static void
store_channel_forget(struct store *s, int64_t id)
{
	struct store_chan_cache *e, *next;

	RB_FOREACH_SAFE(e, store_chans, &s->chan_cache, next) {
		if (e->ch.id == id) {
			RB_REMOVE(store_chans, &s->chan_cache, e);
			free(e);
			return;
		}
	}
}

/*
 * A job came back from the writer, before anyone hears of it: a leave
 * ends a cached membership, and a job that changed a channel's row
 * (store_changes_channel) drops that channel's cached copy.
 */
void
store_cache_forget(struct store *s, const struct store_write *w)
{
	struct store_member_cache key, *e;

	if (w->result != STORE_OK)
		return;
	store_mod_forget(s, w);
	/* An organisation's rename renames its channels too. */
	if (w->op == SW_ERASE || w->op == SW_ORG_RENAME) {
		store_caches_flush(s);
		return;
	}
	if (store_changes_channel(w->op))
		store_channel_forget(s, w->channel);
	/* A ban, or a removal from a group, ends the account's membership
	 * as a leave does. */
	if (w->op == SW_LEAVE)
		key.account = w->account;
	else if ((w->op == SW_RESTRICT && w->action == SA_BAN) ||
	    w->op == SW_GROUP_REMOVE)
		key.account = w->target;
	else if (w->op == SW_BLOCK && w->channel != 0)
		key.account = w->account;
	else
		return;
	key.channel = w->channel;
	if ((e = RB_FIND(store_members, &s->member_cache, &key)) != NULL) {
		RB_REMOVE(store_members, &s->member_cache, e);
		free(e);
	}
}

void
store_bind_viewer(sqlite3_stmt *st, const struct store_viewer *v)
{
	sqlite3_bind_int64(st, 20, v->account);
	sqlite3_bind_int(st, 21, v->mod_peer != 0);
	sqlite3_bind_int(st, 22, v->mod_org != 0);
	sqlite3_bind_int64(st, 23, v->org_id);
}

int
store_channel_list(struct store *s, const struct store_viewer *v,
    store_channel_cb cb, void *arg)
{
	sqlite3_stmt			*st = s->rq[RQ_CHANNEL_LIST];
	struct store_channel_info	 ci;
	int				 rc;

	store_bind_viewer(st, v);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ci.name = store_text(st, 0);
		ci.peer = sqlite3_column_int(st, 1) == STORE_CHANNEL_PEER;
		ci.group = sqlite3_column_int(st, 1) == STORE_CHANNEL_GROUP;
		ci.dm = sqlite3_column_int(st, 1) == STORE_CHANNEL_DM;
		ci.title = sqlite3_column_type(st, 8) == SQLITE_NULL ? NULL :
		    store_text(st, 8);
		ci.joined = sqlite3_column_int(st, 2);
		ci.unread = sqlite3_column_int64(st, 3);
		ci.last_eid = sqlite3_column_int64(st, 4);
		ci.mode = sqlite3_column_int(st, 5);
		ci.anon = sqlite3_column_int(st, 6);
		ci.slow = sqlite3_column_int64(st, 7);
		ci.retention = sqlite3_column_int64(st, 9);
		ci.archived = sqlite3_column_int64(st, 10);
		if (cb(arg, &ci) != 0)
			break;
	}
	store_stmt_done(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ?
	    STORE_OK : store_result(s->rdb, rc);
}

/* One row of STORE_POST_SELECT; the strings are the statement's. */
void
store_post_row(sqlite3_stmt *st, struct store_post *p)
{
	memset(p, 0, sizeof *p);
	p->eid = sqlite3_column_int64(st, 0);
	p->post = sqlite3_column_int64(st, 1);
	p->thread = sqlite3_column_int64(st, 2);
	p->ts = sqlite3_column_int64(st, 3);
	p->channel_id = sqlite3_column_int64(st, 4);
	p->channel = store_text(st, 5);
	p->channel_kind = sqlite3_column_int(st, 6);
	p->channel_org = sqlite3_column_int64(st, 7);
	p->author_id = sqlite3_column_int64(st, 8);
	p->author = store_text(st, 9);
	p->org_id = sqlite3_column_int64(st, 10);
	p->org = store_text(st, 11);
	p->title = (const char *)sqlite3_column_text(st, 12);
	p->body = store_text(st, 13);
	p->note = (const char *)sqlite3_column_text(st, 14);
	p->reason = (const char *)sqlite3_column_text(st, 15);
	p->state = sqlite3_column_int(st, 16);
	p->anonymous = sqlite3_column_int(st, 17);
	p->edits = sqlite3_column_int64(st, 18);
	p->shown = sqlite3_column_int64(st, 19);
}

/*
 * Hand each row of a post query (STORE_POST_SELECT) to cb. The query
 * was bound with limit + 1: a row past limit is not shown, it only
 * tells that there is more.
 */
int
store_posts(struct store *s, sqlite3_stmt *st, int limit, store_post_cb cb,
    void *arg, int *more)
{
	struct store_post	 p;
	int			 rc, n = 0;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n++ == limit) {
			*more = 1;
			break;
		}
		store_post_row(st, &p);
		if (cb(arg, &p) != 0)
			break;
	}
	store_stmt_done(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ?
	    STORE_OK : store_result(s->rdb, rc);
}

/* Where the newest page of limit posts begins: *since is the post just
 * before it (0 when there is none, and then nothing more either). */
static int
store_read_bound(struct store *s, const struct store_viewer *v,
    int64_t channel, int64_t thread, int64_t before, int limit, int64_t *since,
    int *more)
{
	sqlite3_stmt	*st;
	int		 r;

	st = s->rq[thread > 0 ? RQ_BOUND_THREAD : RQ_BOUND_CHANNEL];
	store_bind_viewer(st, v);
	sqlite3_bind_int64(st, 1, channel);
	sqlite3_bind_int64(st, 2, limit);
	if (thread > 0)
		sqlite3_bind_int64(st, 3, thread);
	sqlite3_bind_int64(st, 4, before);
	*since = 0;
	r = store_one(s, st);
	if (r == STORE_NOTFOUND)
		return STORE_OK;
	if (r != STORE_OK)
		return r;
	*since = sqlite3_column_int64(st, 0);
	*more = 1;
	store_stmt_done(st);
	return STORE_OK;
}

int
store_read(struct store *s, const struct store_viewer *v, int64_t channel,
    int64_t thread, int64_t since, int limit, store_post_cb cb, void *arg,
    int *more)
{
	return store_read_before(s, v, channel, thread, since, 0, limit, cb,
	    arg, more);
}

int
store_read_before(struct store *s, const struct store_viewer *v,
    int64_t channel, int64_t thread, int64_t since, int64_t before, int limit,
    store_post_cb cb, void *arg, int *more)
{
	sqlite3_stmt	*st;
	int		 r, ignored = 0;

	if (limit <= 0)
		limit = PROTO_PAGE_DEFAULT;
	if (before <= 0)
		before = INT64_MAX;
	*more = 0;
	if (since < 0) {
		r = store_read_bound(s, v, channel, thread, before, limit,
		    &since, more);
		if (r != STORE_OK)
			return r;
		/* Newer posts committed meanwhile are not "more" this way. */
		more = &ignored;
	}
	st = s->rq[thread > 0 ? RQ_READ_THREAD : RQ_READ_CHANNEL];
	store_bind_viewer(st, v);
	sqlite3_bind_int64(st, 1, channel);
	sqlite3_bind_int64(st, 2, since);
	sqlite3_bind_int64(st, 3, (int64_t)limit + 1);
	if (thread > 0)
		sqlite3_bind_int64(st, 4, thread);
	sqlite3_bind_int64(st, 5, before);
	return store_posts(s, st, limit, cb, arg, more);
}

int
store_read_unread(struct store *s, const struct store_viewer *v,
    int64_t channel, int64_t thread, int limit, store_post_cb cb, void *arg,
    int *more)
{
	sqlite3_stmt	*st = s->rq[RQ_READ_UNREAD];

	if (limit <= 0)
		limit = PROTO_PAGE_DEFAULT;
	*more = 0;
	store_bind_viewer(st, v);
	sqlite3_bind_int64(st, 1, channel);
	sqlite3_bind_int64(st, 3, (int64_t)limit + 1);
	sqlite3_bind_int64(st, 4, thread > 0 ? thread : 0);
	return store_posts(s, st, limit, cb, arg, more);
}

/*
 * The loop's reads for one batch of requests share one read transaction:
 * one WAL read lock instead of one per statement. A snapshot held only
 * while the loop handles what it read in one go: never across a wait.
 */
void
store_snapshot_begin(struct store *s)
{
	sqlite3_stmt *st = s->rq[RQ_BEGIN];

	if (sqlite3_get_autocommit(s->rdb)) {
		sqlite3_step(st);
		sqlite3_reset(st);
	}
}

void
store_snapshot_end(struct store *s)
{
	sqlite3_stmt *st = s->rq[RQ_END];

	if (!sqlite3_get_autocommit(s->rdb)) {
		sqlite3_step(st);
		sqlite3_reset(st);
	}
}

int
store_modlog(struct store *s, int64_t reader, int64_t channel, int64_t since,
    int limit, store_modlog_cb cb, void *arg, int *more)
{
	sqlite3_stmt		*st = s->rq[RQ_MODLOG];
	struct store_modlog	 e;
	int			 rc, n = 0;

	*more = 0;
	sqlite3_bind_int64(st, 1, channel);
	sqlite3_bind_int64(st, 2, since);
	sqlite3_bind_int64(st, 3, (int64_t)limit + 1);
	sqlite3_bind_int64(st, 4, reader);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n++ == limit) {
			*more = 1;
			break;
		}
		e.id = sqlite3_column_int64(st, 0);
		e.ts = sqlite3_column_int64(st, 1);
		e.actor = (const char *)sqlite3_column_text(st, 2);
		e.action = store_text(st, 3);
		e.channel = (const char *)sqlite3_column_text(st, 4);
		e.account = (const char *)sqlite3_column_text(st, 5);
		e.post = sqlite3_column_int64(st, 6);
		e.reason = (const char *)sqlite3_column_text(st, 7);
		if (cb(arg, &e) != 0)
			break;
	}
	store_stmt_done(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ?
	    STORE_OK : store_result(s->rdb, rc);
}

int64_t
store_last_eid(struct store *s)
{
	sqlite3_stmt	*st = s->rq[RQ_LAST_EID];
	int64_t		 eid;

	if (store_one(s, st) != STORE_OK)
		return STORE_ERROR;
	eid = sqlite3_column_int64(st, 0);
	store_stmt_done(st);
	return eid;
}
