/*
 * store-mod.c: moderation in the store. Channel settings, a post's
 * state (approve, reject, hide, unhide), its author's edits and
 * deletion, a thread's lock and pin, mutes and bans, and the audited
 * unmask of an anonymous post.
 *
 * Every change to what a post looks like is an event of its own
 * (STORE_EV_CHANGE, naming the post), and the post remembers the newest
 * (rev_eid): sync walks events, so a reader who was away gets each
 * changed post once, as it is now. Each moderator's action writes its
 * moderation-log entry in the same transaction as its effect. The
 * committed post goes back to the loop in the job (store_mod_keep), so
 * that what is delivered is what was committed.
 *
 * An anonymous post's author is never written where a moderator or
 * member could read it: not in its change events (actor NULL when the
 * author acts), not in the log's "user".
 */
#include <stdlib.h>
#include <string.h>

#include "store-internal.h"
#include "util.h"

const char *const store_mod_read_sql[MR__COUNT] = {
	[MR_POST] = STORE_POST_SELECT("p.id") " FROM posts p" STORE_POST_JOINS
	    " WHERE p.id = ?1",
	[MR_RESTRICTIONS] =
	    "SELECT account_id, channel_id, kind, coalesce(until, 0),"
	    " coalesce(reason, '') FROM restrictions",
	/* The queue: posts_held holds only held posts. */
	[MR_HELD] = STORE_POST_SELECT("p.id") " FROM posts p" STORE_POST_JOINS
	    " WHERE p.state = 1 AND (?1 = 0 OR p.channel_id = ?1)"
	    " AND" STORE_MODERATES("c")
	    " ORDER BY p.id LIMIT ?2",
	[MR_VERSIONS] =
	    "SELECT eid, ts, title, body FROM post_versions WHERE post_id = ?1"
	    " ORDER BY id",
};

const char *const store_mod_write_sql[MQ__COUNT] = {
	[MQ_CHANNEL_SET] =
	    "UPDATE channels SET mode = ?2, anon = ?3, slow = ?4,"
	    " retention = ?5 WHERE id = ?1",
	[MQ_POST_GET] =
	    "SELECT state, author_id, thread_id, anonymous, channel_id"
	    " FROM posts WHERE id = ?1",
	[MQ_CHANGE_EVENT] =
	    "INSERT INTO events (kind, channel_id, actor_id, post_id, ts)"
	    " VALUES (2, ?1, ?2, ?3, ?4)",
	[MQ_POST_STATE] =
	    "UPDATE posts SET state = ?2, hidden_reason = ?3, rev_eid = ?4,"
	    " shown_eid = coalesce(?5, shown_eid) WHERE id = ?1",
	[MQ_POST_EDIT] =
	    "UPDATE posts SET body = ?2, title = coalesce(?3, title),"
	    " edits = edits + 1, rev_eid = ?4 WHERE id = ?1",
	[MQ_VERSION_INSERT] =
	    "INSERT INTO post_versions (post_id, eid, title, body, ts)"
	    " SELECT id, ?2, title, body, ?3 FROM posts WHERE id = ?1",
	[MQ_POST_READ] = STORE_POST_SELECT("?2") " FROM posts p"
	    STORE_POST_JOINS " WHERE p.id = ?1",
	[MQ_THREAD_GET] =
	    "SELECT locked, pinned FROM threads WHERE id = ?1"
	    " AND channel_id = ?2",
	/* -1 leaves a flag as it is; NULL, the title. */
	[MQ_THREAD_FLAGS] =
	    "UPDATE threads SET"
	    " locked = CASE WHEN ?2 < 0 THEN locked ELSE ?2 END,"
	    " pinned = CASE WHEN ?3 < 0 THEN pinned ELSE ?3 END,"
	    " title = coalesce(?4, title) WHERE id = ?1",
	/* An approved reply is new activity in its thread. */
	[MQ_THREAD_SHOWN] =
	    "UPDATE threads SET replies = replies + 1,"
	    " last_eid = max(last_eid, ?2), last_ts = ?3 WHERE id = ?1",
	[MQ_RESTRICT_SET] =
	    "INSERT INTO restrictions (channel_id, account_id, kind, until,"
	    " reason, by_id, ts) SELECT c.id, a.id, ?3, ?4, ?5, ?6, ?7"
	    " FROM channels c, accounts a WHERE c.id = ?1 AND a.id = ?2"
	    " ON CONFLICT DO UPDATE SET until = excluded.until,"
	    " reason = excluded.reason, by_id = excluded.by_id,"
	    " ts = excluded.ts",
	[MQ_RESTRICT_DEL] =
	    "DELETE FROM restrictions WHERE channel_id = ?1 AND account_id = ?2"
	    " AND kind = ?3 AND (until IS NULL OR until > ?4)",
	[MQ_MEMBER_OF] =
	    "DELETE FROM members WHERE channel_id = ?1 AND account_id = ?2",
};

static const char *const store_action_names[] = {
	[SA_APPROVE] = "approve", [SA_REJECT] = "reject",
	[SA_HIDE] = "hide", [SA_UNHIDE] = "unhide",
	[SA_LOCK] = "lock", [SA_UNLOCK] = "unlock",
	[SA_PIN] = "pin", [SA_UNPIN] = "unpin",
	[SA_MUTE] = "mute", [SA_UNMUTE] = "unmute",
	[SA_BAN] = "ban", [SA_UNBAN] = "unban",
	[SA_ACK] = "ack", [SA_RESOLVE] = "resolve",
};

const char *
store_action_name(enum store_action a)
{
	if ((unsigned)a >= sizeof store_action_names /
	    sizeof store_action_names[0] || store_action_names[a] == NULL)
		return "none";
	return store_action_names[a];
}

/* ---- reads, on the loop --------------------------------------------- */

int
store_post_by_id(struct store *s, int64_t id, store_post_cb cb, void *arg)
{
	sqlite3_stmt		*st = s->mr[MR_POST];
	struct store_post	 p;
	int			 rc;

	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		store_post_row(st, &p);
		cb(arg, &p);
	}
	store_stmt_done(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK :
	    store_result(s->rdb, rc);
}

int
store_held(struct store *s, const struct store_viewer *v, int64_t channel,
    int limit, store_post_cb cb, void *arg, int *more)
{
	sqlite3_stmt		*st = s->mr[MR_HELD];

	*more = 0;
	store_bind_viewer(st, v);
	sqlite3_bind_int64(st, 1, channel);
	sqlite3_bind_int64(st, 2, (int64_t)limit + 1);
	return store_posts(s, st, limit, cb, arg, more);
}

int
store_versions(struct store *s, int64_t post, store_version_cb cb, void *arg)
{
	sqlite3_stmt	*st = s->mr[MR_VERSIONS];
	int		 rc;

	sqlite3_bind_int64(st, 1, post);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (cb(arg, sqlite3_column_int64(st, 0),
		    sqlite3_column_int64(st, 1),
		    (const char *)sqlite3_column_text(st, 2),
		    (const char *)sqlite3_column_text(st, 3)) != 0)
			break;
	}
	store_stmt_done(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK :
	    store_result(s->rdb, rc);
}

/* ---- mutes, bans and slow mode, as the loop keeps them -------------- */

/* Kind 0 in the cache is not stored: the time of a member's last post
 * in a slow-mode channel, in until. */
#define STORE_SLOW_LAST	0

static int
store_restrict_cmp(const struct store_restrict_cache *a,
    const struct store_restrict_cache *b)
{
	if (a->account != b->account)
		return a->account < b->account ? -1 : 1;
	if (a->channel != b->channel)
		return a->channel < b->channel ? -1 : 1;
	return a->kind < b->kind ? -1 : a->kind > b->kind;
}

RB_GENERATE_STATIC(store_restricts, store_restrict_cache, entry,
    store_restrict_cmp)

static struct store_restrict_cache *
store_restrict_find(struct store *s, int64_t account, int64_t channel,
    int kind)
{
	struct store_restrict_cache key;

	key.account = account;
	key.channel = channel;
	key.kind = kind;
	return RB_FIND(store_restricts, &s->restrict_cache, &key);
}

static void
store_restrict_put(struct store *s, int64_t account, int64_t channel,
    int kind, int64_t until, const char *reason)
{
	struct store_restrict_cache *e;

	if ((e = store_restrict_find(s, account, channel, kind)) == NULL) {
		e = xcalloc(1, sizeof *e);
		e->account = account;
		e->channel = channel;
		e->kind = kind;
		RB_INSERT(store_restricts, &s->restrict_cache, e);
	}
	e->until = until;
	strlcpy_h(e->reason, reason != NULL ? reason : "", sizeof e->reason);
}

static void
store_restrict_drop(struct store *s, int64_t account, int64_t channel,
    int kind)
{
	struct store_restrict_cache *e;

	if ((e = store_restrict_find(s, account, channel, kind)) != NULL) {
		RB_REMOVE(store_restricts, &s->restrict_cache, e);
		free(e);
	}
}

/* The first lookup reads every row: there are few (a mute ends, a ban
 * is rare), and then a post's check is a lookup in a small tree. */
static int
store_restrict_load(struct store *s)
{
	sqlite3_stmt	*st = s->mr[MR_RESTRICTIONS];
	int		 rc;

	if (s->restrict_loaded)
		return STORE_OK;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		store_restrict_put(s, sqlite3_column_int64(st, 0),
		    sqlite3_column_int64(st, 1), sqlite3_column_int(st, 2),
		    sqlite3_column_int64(st, 3),
		    (const char *)sqlite3_column_text(st, 4));
	store_stmt_done(st);
	if (rc != SQLITE_DONE)
		return store_result(s->rdb, rc);
	s->restrict_loaded = 1;
	return STORE_OK;
}

int
store_restricted(struct store *s, int64_t account, int64_t channel,
    int64_t now, int64_t *until, const char **reason)
{
	struct store_restrict_cache *e;

	if (store_restrict_load(s) != STORE_OK)
		return STORE_ERROR;
	if (RB_EMPTY(&s->restrict_cache))
		return 0;
	if ((e = store_restrict_find(s, account, channel,
	    STORE_RESTRICT_BAN)) != NULL) {
		*until = 0;
		*reason = e->reason;
		return STORE_RESTRICT_BAN;
	}
	if ((e = store_restrict_find(s, account, channel,
	    STORE_RESTRICT_MUTE)) != NULL) {
		if (e->until > now) {
			*until = e->until;
			*reason = e->reason;
			return STORE_RESTRICT_MUTE;
		}
		/* Ended by itself; the row goes with the next change. */
		store_restrict_drop(s, account, channel, STORE_RESTRICT_MUTE);
	}
	return 0;
}

int
store_slow_take(struct store *s, int64_t account, int64_t channel,
    int64_t slow, int64_t now, int64_t *wait)
{
	struct store_restrict_cache *e;

	if (store_restrict_load(s) != STORE_OK)
		return STORE_ERROR;
	e = store_restrict_find(s, account, channel, STORE_SLOW_LAST);
	if (e != NULL && now < e->until + slow) {
		*wait = e->until + slow - now;
		return 1;
	}
	store_restrict_put(s, account, channel, STORE_SLOW_LAST, now, NULL);
	return 0;
}

void
store_mod_forget(struct store *s, const struct store_write *w)
{
	if (w->op != SW_RESTRICT || !s->restrict_loaded)
		return;
	switch (w->action) {
	case SA_MUTE:
		store_restrict_put(s, w->target, w->channel,
		    STORE_RESTRICT_MUTE, w->until, w->body);
		break;
	case SA_BAN:
		store_restrict_put(s, w->target, w->channel,
		    STORE_RESTRICT_BAN, 0, w->body);
		break;
	case SA_UNMUTE:
		store_restrict_drop(s, w->target, w->channel,
		    STORE_RESTRICT_MUTE);
		break;
	case SA_UNBAN:
		store_restrict_drop(s, w->target, w->channel,
		    STORE_RESTRICT_BAN);
		break;
	default:
		break;
	}
}

void
store_mod_caches_free(struct store *s)
{
	struct store_restrict_cache *e, *next;

	RB_FOREACH_SAFE(e, store_restricts, &s->restrict_cache, next) {
		RB_REMOVE(store_restricts, &s->restrict_cache, e);
		free(e);
	}
	s->restrict_loaded = 0;
}

/* ---- the committed post, from the writer to the loop ---------------- */

static char *
store_dup(const char *t)
{
	return t != NULL ? xstrdup(t) : NULL;
}

/* Keep the post as this transaction committed it in the job. */
static void
store_mod_keep(struct store_write *w, const struct store_post *p)
{
	w->eid = p->eid;
	w->post = p->post;
	w->thread = p->thread;
	w->channel = p->channel_id;
	w->channel_kind = p->channel_kind;
	w->org = p->channel_org;
	strlcpy_h(w->name, p->channel, sizeof w->name);
	memset(&w->acct, 0, sizeof w->acct);
	w->acct.id = p->author_id;
	w->acct.org_id = p->org_id;
	strlcpy_h(w->acct.name, p->author, sizeof w->acct.name);
	strlcpy_h(w->acct.org, p->org, sizeof w->acct.org);
	free(w->title);
	free(w->body);
	free(w->note);
	free(w->reason);
	w->title = store_dup(p->title);
	w->body = store_dup(p->body);
	w->note = store_dup(p->note);
	w->reason = store_dup(p->reason);
	w->state = p->state;
	w->anonymous = p->anonymous;
	w->edits = p->edits;
	w->shown = p->shown;
	w->ts = p->ts;
}

void
store_write_post(const struct store_write *w, struct store_post *p)
{
	memset(p, 0, sizeof *p);
	p->eid = w->eid;
	p->post = w->post != 0 ? w->post : w->eid;
	p->thread = w->thread;
	p->ts = w->ts != 0 ? w->ts : w->now;
	p->channel_id = w->channel;
	p->channel = w->name;
	p->channel_kind = w->channel_kind;
	p->channel_org = w->org;
	p->author_id = w->acct.id;
	p->author = w->acct.name;
	p->org_id = w->acct.org_id;
	p->org = w->acct.org;
	p->title = p->post == p->thread ? w->title : NULL;
	p->body = w->body != NULL ? w->body : "";
	p->note = w->note;
	p->reason = w->reason;
	p->state = w->state;
	p->anonymous = w->anonymous;
	p->edits = w->edits;
	p->shown = w->shown != 0 ? w->shown : p->post;
}

static int
store_mod_read_back(struct store *s, struct store_write *w, int64_t eid)
{
	sqlite3_stmt		*st = s->mq[MQ_POST_READ];
	struct store_post	 p;
	int			 rc;

	sqlite3_bind_int64(st, 1, w->post);
	sqlite3_bind_int64(st, 2, eid);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		store_stmt_done(st);
		return rc == SQLITE_DONE ? STORE_NOTFOUND :
		    store_result(s->wdb, rc);
	}
	store_post_row(st, &p);
	store_mod_keep(w, &p);
	store_stmt_done(st);
	return STORE_OK;
}

/* ---- the operations, on the writer ---------------------------------- */

/* A post as the transaction finds it. */
struct store_mod_post {
	int		 state;
	int64_t		 author;
	int64_t		 thread;
	int		 anonymous;
	int64_t		 channel;
};

static int
store_mod_post_get(struct store *s, int64_t id, struct store_mod_post *mp)
{
	sqlite3_stmt	*st = s->mq[MQ_POST_GET];
	int		 rc;

	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		mp->state = sqlite3_column_int(st, 0);
		mp->author = sqlite3_column_int64(st, 1);
		mp->thread = sqlite3_column_int64(st, 2);
		mp->anonymous = sqlite3_column_int(st, 3);
		mp->channel = sqlite3_column_int64(st, 4);
	}
	store_stmt_done(st);
	if (rc == SQLITE_ROW)
		return STORE_OK;
	return rc == SQLITE_DONE ? STORE_NOTFOUND : store_result(s->wdb, rc);
}

/* The event that says the post changed; *eid gets its id. The author
 * of an anonymous post acting on it is not named, even here. */
static int
store_mod_event(struct store *s, struct store_write *w,
    const struct store_mod_post *mp, int64_t *eid)
{
	sqlite3_stmt	*st = s->mq[MQ_CHANGE_EVENT];
	int		 r;

	sqlite3_bind_int64(st, 1, mp->channel);
	store_bind_account(st, 2, mp->anonymous && w->account == mp->author ?
	    0 : w->account);
	sqlite3_bind_int64(st, 3, w->post);
	sqlite3_bind_int64(st, 4, w->now);
	if ((r = store_run(s, st, NULL)) != STORE_OK)
		return r;
	*eid = sqlite3_last_insert_rowid(s->wdb);
	return STORE_OK;
}

static int
store_op_channel_set(struct store *s, struct store_write *w)
{
	sqlite3_stmt	*st = s->mq[MQ_CHANNEL_SET];
	int		 r, changes;

	sqlite3_bind_int64(st, 1, w->channel);
	sqlite3_bind_int(st, 2, w->mode);
	sqlite3_bind_int(st, 3, w->flag != 0);
	sqlite3_bind_int64(st, 4, w->slow);
	sqlite3_bind_int64(st, 5, w->retention);
	if ((r = store_run(s, st, &changes)) != STORE_OK)
		return r;
	if (changes == 0)
		return STORE_NOTFOUND;
	return store_modlog_add(s, w, "set", w->channel, 0, 0, w->body);
}

/* Which state each action moves a post from, and to. */
static int
store_mod_transition(enum store_action a, int from, int *to)
{
	switch (a) {
	case SA_APPROVE:
		*to = STORE_POST_VISIBLE;
		return from == STORE_POST_HELD;
	case SA_REJECT:
		*to = STORE_POST_REJECTED;
		return from == STORE_POST_HELD;
	case SA_HIDE:
		*to = STORE_POST_HIDDEN;
		return from == STORE_POST_VISIBLE;
	case SA_UNHIDE:
		*to = STORE_POST_VISIBLE;
		return from == STORE_POST_HIDDEN;
	default:
		return 0;
	}
}

static int
store_op_post_mod(struct store *s, struct store_write *w)
{
	struct store_mod_post	 mp;
	sqlite3_stmt		*st;
	int64_t			 eid;
	int			 r, to;

	if ((r = store_mod_post_get(s, w->post, &mp)) != STORE_OK)
		return r;
	if (mp.channel != w->channel)
		return STORE_NOTFOUND;
	if (!store_mod_transition(w->action, mp.state, &to))
		return STORE_INVALID;
	if ((r = store_mod_event(s, w, &mp, &eid)) != STORE_OK)
		return r;
	st = s->mq[MQ_POST_STATE];
	sqlite3_bind_int64(st, 1, w->post);
	sqlite3_bind_int(st, 2, to);
	if (w->action == SA_REJECT || w->action == SA_HIDE)
		sqlite3_bind_text(st, 3, w->body, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 3);
	sqlite3_bind_int64(st, 4, eid);
	if (w->action == SA_APPROVE)
		sqlite3_bind_int64(st, 5, eid);
	else
		sqlite3_bind_null(st, 5);
	if ((r = store_run(s, st, NULL)) != STORE_OK)
		return r;
	if (w->action == SA_APPROVE && mp.thread != w->post) {
		st = s->mq[MQ_THREAD_SHOWN];
		sqlite3_bind_int64(st, 1, mp.thread);
		sqlite3_bind_int64(st, 2, w->post);
		sqlite3_bind_int64(st, 3, w->now);
		if ((r = store_run(s, st, NULL)) != STORE_OK)
			return r;
	}
	r = store_modlog_add(s, w, store_action_name(w->action), mp.channel,
	    mp.anonymous ? 0 : mp.author, w->post,
	    w->action == SA_REJECT || w->action == SA_HIDE ? w->body : NULL);
	if (r != STORE_OK)
		return r;
	if ((r = store_mod_read_back(s, w, eid)) != STORE_OK)
		return r;
	/* Whom an approved post names are told now, not when it was
	 * held (store-inbox.c). */
	store_write_items_reset(w);
	if (w->action == SA_APPROVE && w->body != NULL &&
	    strchr(w->body, '@') != NULL)
		return store_inbox_mentions(s, w, w->post, mp.channel,
		    mp.author, w->body);
	return STORE_OK;
}

/* Set a thread's lock and pin (-1: leave as is) and title (NULL: as
 * is). */
static int
store_thread_flags(struct store *s, int64_t thread, int locked, int pinned,
    const char *title)
{
	sqlite3_stmt	*st = s->mq[MQ_THREAD_FLAGS];

	sqlite3_bind_int64(st, 1, thread);
	sqlite3_bind_int(st, 2, locked);
	sqlite3_bind_int(st, 3, pinned);
	if (title != NULL)
		sqlite3_bind_text(st, 4, title, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 4);
	return store_run(s, st, NULL);
}

/* An edit or a delete, by the post's author only. */
static int
store_op_own(struct store *s, struct store_write *w)
{
	struct store_mod_post	 mp;
	sqlite3_stmt		*st;
	int64_t			 eid;
	int			 r;

	if ((r = store_mod_post_get(s, w->post, &mp)) != STORE_OK)
		return r;
	if (mp.author != w->account)
		return STORE_FORBIDDEN;
	if (mp.state != STORE_POST_VISIBLE && mp.state != STORE_POST_HELD)
		return STORE_INVALID;
	if (w->op == SW_EDIT && w->title != NULL && mp.thread != w->post)
		return STORE_INVALID;	/* only a thread's first post has one */
	if ((r = store_mod_event(s, w, &mp, &eid)) != STORE_OK)
		return r;
	if (w->op == SW_DELETE) {
		st = s->mq[MQ_POST_STATE];
		sqlite3_bind_int64(st, 1, w->post);
		sqlite3_bind_int(st, 2, STORE_POST_DELETED);
		sqlite3_bind_null(st, 3);
		sqlite3_bind_int64(st, 4, eid);
		sqlite3_bind_null(st, 5);
		if ((r = store_run(s, st, NULL)) != STORE_OK ||
		    (r = store_search_update(s, w->post, 1)) != STORE_OK)
			return r;
		return store_mod_read_back(s, w, eid);
	}
	/* The text it had goes to its history first. */
	st = s->mq[MQ_VERSION_INSERT];
	sqlite3_bind_int64(st, 1, w->post);
	sqlite3_bind_int64(st, 2, eid);
	sqlite3_bind_int64(st, 3, w->now);
	if ((r = store_run(s, st, NULL)) != STORE_OK)
		return r;
	st = s->mq[MQ_POST_EDIT];
	sqlite3_bind_int64(st, 1, w->post);
	sqlite3_bind_text(st, 2, w->body, -1, SQLITE_STATIC);
	if (w->title != NULL)
		sqlite3_bind_text(st, 3, w->title, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 3);
	sqlite3_bind_int64(st, 4, eid);
	if ((r = store_run(s, st, NULL)) != STORE_OK)
		return r;
	if (w->title != NULL) {
		if ((r = store_thread_flags(s, w->post, -1, -1, w->title)) !=
		    STORE_OK)
			return r;
	}
	/* Search finds the new text only, never the old. */
	if ((r = store_search_update(s, w->post, 0)) != STORE_OK)
		return r;
	return store_mod_read_back(s, w, eid);
}

static int
store_op_thread_flag(struct store *s, struct store_write *w)
{
	sqlite3_stmt	*st = s->mq[MQ_THREAD_GET];
	int		 rc, r, locked, pinned, on;

	sqlite3_bind_int64(st, 1, w->thread);
	sqlite3_bind_int64(st, 2, w->channel);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		store_stmt_done(st);
		return rc == SQLITE_DONE ? STORE_NOTFOUND :
		    store_result(s->wdb, rc);
	}
	locked = sqlite3_column_int(st, 0);
	pinned = sqlite3_column_int(st, 1);
	store_stmt_done(st);
	on = w->action == SA_LOCK || w->action == SA_PIN;
	if (w->action == SA_LOCK || w->action == SA_UNLOCK) {
		if (locked == on)
			return STORE_INVALID;
		r = store_thread_flags(s, w->thread, on, -1, NULL);
	} else {
		if (pinned == on)
			return STORE_INVALID;
		r = store_thread_flags(s, w->thread, -1, on, NULL);
	}
	if (r != STORE_OK)
		return r;
	return store_modlog_add(s, w, store_action_name(w->action),
	    w->channel, 0, w->thread, NULL);
}

/*
 * Mute (until w->until), ban (and end the membership), or lift either.
 * STORE_NOTFOUND: no such account or channel; STORE_INVALID: lifting
 * what is not there (a mute that ended by itself included).
 */
static int
store_op_restrict(struct store *s, struct store_write *w)
{
	sqlite3_stmt	*st;
	int		 r, changes, kind;

	kind = w->action == SA_MUTE || w->action == SA_UNMUTE ?
	    STORE_RESTRICT_MUTE : STORE_RESTRICT_BAN;
	if (w->action == SA_MUTE || w->action == SA_BAN) {
		st = s->mq[MQ_RESTRICT_SET];
		sqlite3_bind_int64(st, 1, w->channel);
		sqlite3_bind_int64(st, 2, w->target);
		sqlite3_bind_int(st, 3, kind);
		if (kind == STORE_RESTRICT_MUTE)
			sqlite3_bind_int64(st, 4, w->until);
		else
			sqlite3_bind_null(st, 4);
		if (w->body != NULL)
			sqlite3_bind_text(st, 5, w->body, -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(st, 5);
		store_bind_account(st, 6, w->account);
		sqlite3_bind_int64(st, 7, w->now);
		if ((r = store_insert(s, st)) != STORE_OK)
			return r;
		if (kind == STORE_RESTRICT_BAN) {
			st = s->mq[MQ_MEMBER_OF];
			sqlite3_bind_int64(st, 1, w->channel);
			sqlite3_bind_int64(st, 2, w->target);
			if ((r = store_run(s, st, NULL)) != STORE_OK)
				return r;
		}
	} else {
		st = s->mq[MQ_RESTRICT_DEL];
		sqlite3_bind_int64(st, 1, w->channel);
		sqlite3_bind_int64(st, 2, w->target);
		sqlite3_bind_int(st, 3, kind);
		sqlite3_bind_int64(st, 4, w->now);
		if ((r = store_run(s, st, &changes)) != STORE_OK)
			return r;
		if (changes == 0)
			return STORE_INVALID;
	}
	return store_modlog_add(s, w, store_action_name(w->action),
	    w->channel, w->target, 0, w->body);
}

/* Who wrote an anonymous post, for the moderator who asks: w->acct
 * gets the author; the log says who asked and why, not whom it named. */
static int
store_op_unmask(struct store *s, struct store_write *w)
{
	struct store_mod_post	 mp;
	int			 r;

	if ((r = store_mod_post_get(s, w->post, &mp)) != STORE_OK)
		return r;
	if (mp.channel != w->channel)
		return STORE_NOTFOUND;
	if (!mp.anonymous)
		return STORE_INVALID;
	if ((r = store_modlog_add(s, w, "unmask", mp.channel, 0, w->post,
	    w->body)) != STORE_OK)
		return r;
	return store_mod_read_back(s, w, w->post);
}

int
store_op_mod(struct store *s, struct store_write *w)
{
	switch (w->op) {
	case SW_CHANNEL_SET:
		return store_op_channel_set(s, w);
	case SW_POST_MOD:
		return store_op_post_mod(s, w);
	case SW_EDIT:
	case SW_DELETE:
		return store_op_own(s, w);
	case SW_THREAD_FLAG:
		return store_op_thread_flag(s, w);
	case SW_RESTRICT:
		return store_op_restrict(s, w);
	case SW_UNMASK:
		return store_op_unmask(s, w);
	default:
		return STORE_ERROR;
	}
}
