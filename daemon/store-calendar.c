/*
 * store-calendar.c: the programme's calendar, in the store: events
 * (workshops, coaching sessions, a set's meetings), the answers people
 * give, the waiting list, who came, and the reminders.
 *
 * Every change runs on the writer thread, one job at a time, so two
 * people taking the last place at once are ordered there: one gets it,
 * the other waits. A "yes" that leaves frees its place for the first
 * who waits, in the same transaction, and that person's notice is
 * written with it. A reminder is marked sent in the transaction that
 * writes its inbox items, so each goes once, restarts or not.
 *
 * Rows of answers and attendance keep the person's organisation as it
 * was, for the programme report.
 */
#include <stdlib.h>
#include <string.h>

#include "store-internal.h"
#include "util.h"

/* The columns store_event_row() reads; ?30 the reader. */
#define STORE_EVENT_SELECT						\
	"SELECT e.id, e.title, e.start, e.duration, e.tz,"		\
	" coalesce(e.capacity, 0), e.place, coalesce(e.channel_id, 0),"	\
	" c.name, coalesce(c.kind, 0), coalesce(c.org_id, 0),"		\
	" coalesce(e.org_id, 0), e.account_id, a.name, o.name, e.summary,"	\
	" (SELECT group_concat(tag, char(10)) FROM (SELECT tag FROM"	\
	"  calendar_tags WHERE event_id = e.id ORDER BY tag)),"		\
	" coalesce(e.cancelled_at, 0), e.cancel_reason,"		\
	" (SELECT count(*) FROM rsvps WHERE event_id = e.id AND answer = 1),"	\
	" (SELECT count(*) FROM rsvps WHERE event_id = e.id AND answer = 2),"	\
	" (SELECT count(*) FROM rsvps WHERE event_id = e.id AND answer = 4),"	\
	" (SELECT count(*) FROM attendance WHERE event_id = e.id),"	\
	" coalesce((SELECT answer FROM rsvps WHERE event_id = e.id"	\
	"  AND account_id = ?30), 0),"					\
	" (SELECT count(*) FROM rsvps w, rsvps me WHERE w.event_id = e.id"	\
	"  AND me.event_id = e.id AND me.account_id = ?30 AND me.answer = 4"	\
	"  AND w.answer = 4 AND w.seq <= me.seq)"			\
	" FROM calendar e JOIN accounts a ON a.id = e.account_id"	\
	" JOIN orgs o ON o.id = e.creator_org"				\
	" LEFT JOIN channels c ON c.id = e.channel_id"

const char *const store_calendar_read_sql[CR__COUNT] = {
	[CR_BY_ID] = STORE_EVENT_SELECT " WHERE e.id = ?1",
	/* Upcoming: not over yet (one under way is still on). */
	[CR_UPCOMING] = STORE_EVENT_SELECT
	    " WHERE e.start + e.duration * 60 > ?1"
	    " AND (?2 IS NULL OR EXISTS (SELECT 1 FROM calendar_tags t"
	    "  WHERE t.event_id = e.id AND t.tag = ?2))"
	    " ORDER BY e.start, e.id LIMIT ?3",
	[CR_PAST] = STORE_EVENT_SELECT " WHERE e.start + e.duration * 60 <= ?1"
	    " AND (?2 IS NULL OR EXISTS (SELECT 1 FROM calendar_tags t"
	    "  WHERE t.event_id = e.id AND t.tag = ?2))"
	    " ORDER BY e.start DESC, e.id DESC LIMIT ?3",
	[CR_RSVPS] = "SELECT a.name, r.answer, EXISTS (SELECT 1 FROM"
	    " attendance t WHERE t.event_id = r.event_id"
	    " AND t.account_id = r.account_id) FROM rsvps r"
	    " JOIN accounts a ON a.id = r.account_id WHERE r.event_id = ?1"
	    " UNION ALL SELECT a.name, 0, 1 FROM attendance t"
	    " JOIN accounts a ON a.id = t.account_id WHERE t.event_id = ?1"
	    " AND NOT EXISTS (SELECT 1 FROM rsvps r WHERE r.event_id = ?1"
	    "  AND r.account_id = t.account_id)"
	    " ORDER BY 2, 1",
	/* The reminders due: a day before, and an hour before. */
	[CR_DUE] = "SELECT id, 1 FROM calendar WHERE cancelled_at IS NULL"
	    " AND reminded & 1 = 0 AND start > ?1 AND start - 86400 <= ?1"
	    " AND start - 3600 > ?1"
	    " UNION ALL SELECT id, 2 FROM calendar WHERE cancelled_at IS NULL"
	    " AND reminded & 2 = 0 AND start > ?1 AND start - 3600 <= ?1",
};

/* Whom an event may reach: the account a sees it (its channel, its
 * organisation, or the whole network). */
#define STORE_EVENT_SEES						\
	" ((e.channel_id IS NULL AND (e.org_id IS NULL"			\
	"   OR a.org_id = e.org_id))"					\
	" OR EXISTS (SELECT 1 FROM channels c WHERE c.id = e.channel_id"	\
	"  AND (c.kind = 1 OR (c.kind = 0 AND c.org_id = a.org_id)"	\
	"  OR (c.kind = 2 AND EXISTS (SELECT 1 FROM members m"		\
	"   WHERE m.channel_id = c.id AND m.account_id = a.id)))))"

const char *const store_calendar_write_sql[CQ__COUNT] = {
	[CQ_INSERT] = "INSERT INTO calendar (title, start, duration, tz,"
	    " capacity, place, channel_id, org_id, account_id, creator_org,"
	    " summary, created_at) SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
	    " a.id, a.org_id, ?10, ?11 FROM accounts a WHERE a.id = ?9",
	[CQ_TAG] = "INSERT OR IGNORE INTO calendar_tags (tag, event_id)"
	    " VALUES (?1, ?2)",
	[CQ_ANNOUNCE] = "INSERT INTO inbox (account_id, kind, ref, ts, note)"
	    " SELECT a.id, 4, e.id, ?2, 'announced' FROM accounts a,"
	    " calendar e WHERE e.id = ?1 AND a.suspended_at IS NULL"
	    " AND a.deactivated_at IS NULL"
	    " AND a.id <> e.account_id AND" STORE_EVENT_SEES
	    " AND a.id IN (SELECT s.account_id FROM calendar_tags t"
	    "  JOIN subscriptions s ON s.tag = t.tag WHERE t.event_id = ?1"
	    "  AND s.account_id IS NOT NULL"
	    "  UNION SELECT b.id FROM calendar_tags t"
	    "  JOIN subscriptions s ON s.tag = t.tag"
	    "  JOIN accounts b ON b.org_id = s.org_id WHERE t.event_id = ?1)"
	    " ORDER BY a.id RETURNING id, account_id",
	[CQ_STATE] = "SELECT coalesce(capacity, 0), cancelled_at IS NOT NULL,"
	    " start + duration * 60 <= ?2,"
	    " (SELECT count(*) FROM rsvps WHERE event_id = ?1 AND answer = 1),"
	    " coalesce((SELECT answer FROM rsvps WHERE event_id = ?1"
	    "  AND account_id = ?3), 0),"
	    " coalesce((SELECT max(seq) FROM rsvps WHERE event_id = ?1), 0)"
	    " FROM calendar WHERE id = ?1",
	[CQ_ANSWER] = "INSERT INTO rsvps (event_id, account_id, org_id, answer,"
	    " seq, ts) SELECT ?1, a.id, a.org_id, ?3, ?4, ?5 FROM accounts a"
	    " WHERE a.id = ?2 ON CONFLICT (event_id, account_id) DO UPDATE"
	    " SET answer = excluded.answer, seq = excluded.seq,"
	    " ts = excluded.ts",
	[CQ_LOG] = "INSERT INTO rsvp_log (event_id, account_id, org_id, answer,"
	    " ts) SELECT ?1, a.id, a.org_id, ?3, ?4 FROM accounts a"
	    " WHERE a.id = ?2",
	[CQ_UPDATE] = "UPDATE calendar SET"
	    " title = coalesce(?2, title), place = coalesce(?3, place),"
	    " summary = coalesce(?4, summary),"
	    " capacity = CASE WHEN ?5 IS NULL THEN capacity"
	    "  ELSE nullif(?5, 0) END"
	    " WHERE id = ?1 AND cancelled_at IS NULL"
	    " AND (?5 IS NULL OR ?5 = 0 OR ?5 >= (SELECT count(*) FROM rsvps"
	    "  WHERE event_id = ?1 AND answer = 1))",
	[CQ_NEXT] = "UPDATE rsvps SET answer = 1, ts = ?2 WHERE event_id = ?1"
	    " AND account_id = (SELECT account_id FROM rsvps"
	    "  WHERE event_id = ?1 AND answer = 4 ORDER BY seq LIMIT 1)"
	    " RETURNING account_id",
	[CQ_POSITION] = "SELECT count(*) FROM rsvps w, rsvps me"
	    " WHERE w.event_id = ?1 AND me.event_id = ?1 AND me.account_id = ?2"
	    " AND w.answer = 4 AND w.seq <= me.seq",
	[CQ_NOTICE] = "INSERT INTO inbox (account_id, kind, ref, ts, note)"
	    " VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id, account_id",
	[CQ_CANCEL] = "UPDATE calendar SET cancelled_at = ?2,"
	    " cancel_reason = ?3 WHERE id = ?1 AND cancelled_at IS NULL",
	[CQ_TELL] = "INSERT INTO inbox (account_id, kind, ref, ts, note)"
	    " SELECT r.account_id, ?2, r.event_id, ?3, ?4 FROM rsvps r"
	    " JOIN accounts a ON a.id = r.account_id"
	    " WHERE r.event_id = ?1 AND r.answer IN (1, 2, 4) AND ?5 & r.answer"
	    " AND a.suspended_at IS NULL AND a.deactivated_at IS NULL"
	    " ORDER BY r.account_id"
	    " RETURNING id, account_id",
	[CQ_ATTEND] = "INSERT OR IGNORE INTO attendance (event_id, account_id,"
	    " org_id, by_id, ts) SELECT ?1, a.id, a.org_id, ?3, ?4"
	    " FROM accounts a WHERE a.id = ?2",
	[CQ_REMINDED] = "UPDATE calendar SET reminded = reminded | ?2"
	    " WHERE id = ?1 AND reminded & ?2 = 0 AND cancelled_at IS NULL",
};

/* ---- reads, on the loop ---------------------------------------------- */

static void
store_event_row(sqlite3_stmt *st, struct store_event *e)
{
	memset(e, 0, sizeof *e);
	e->id = sqlite3_column_int64(st, 0);
	e->title = (const char *)sqlite3_column_text(st, 1);
	e->start = sqlite3_column_int64(st, 2);
	e->duration = sqlite3_column_int64(st, 3);
	e->tz = (const char *)sqlite3_column_text(st, 4);
	e->capacity = sqlite3_column_int64(st, 5);
	e->place = (const char *)sqlite3_column_text(st, 6);
	e->channel_id = sqlite3_column_int64(st, 7);
	e->channel = (const char *)sqlite3_column_text(st, 8);
	e->channel_kind = sqlite3_column_int(st, 9);
	e->channel_org = sqlite3_column_int64(st, 10);
	e->org_id = sqlite3_column_int64(st, 11);
	e->account_id = sqlite3_column_int64(st, 12);
	e->by = (const char *)sqlite3_column_text(st, 13);
	e->org = (const char *)sqlite3_column_text(st, 14);
	e->summary = (const char *)sqlite3_column_text(st, 15);
	e->tags = (const char *)sqlite3_column_text(st, 16);
	e->cancelled_at = sqlite3_column_int64(st, 17);
	e->cancel_reason = (const char *)sqlite3_column_text(st, 18);
	e->yes = sqlite3_column_int64(st, 19);
	e->maybe = sqlite3_column_int64(st, 20);
	e->waiting = sqlite3_column_int64(st, 21);
	e->attended = sqlite3_column_int64(st, 22);
	e->mine = sqlite3_column_int(st, 23);
	e->position = sqlite3_column_int64(st, 24);
}

static int
store_event_rows(struct store *s, sqlite3_stmt *st, store_event_cb cb,
    void *arg)
{
	struct store_event	 e;
	int			 rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		store_event_row(st, &e);
		if (cb(arg, &e) != 0)
			break;
	}
	store_stmt_done(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK :
	    store_result(s->rdb, rc);
}

int
store_event_by_id(struct store *s, int64_t id, int64_t reader,
    store_event_cb cb, void *arg)
{
	sqlite3_stmt	*st = s->cr[CR_BY_ID];

	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 30, reader);
	return store_event_rows(s, st, cb, arg);
}

int
store_events(struct store *s, int64_t now, int past, const char *tag,
    int64_t reader, int limit, store_event_cb cb, void *arg)
{
	sqlite3_stmt	*st = s->cr[past ? CR_PAST : CR_UPCOMING];

	sqlite3_bind_int64(st, 1, now);
	if (tag != NULL)
		sqlite3_bind_text(st, 2, tag, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, limit);
	sqlite3_bind_int64(st, 30, reader);
	return store_event_rows(s, st, cb, arg);
}

int
store_event_rsvps(struct store *s, int64_t event, store_rsvp_cb cb,
    void *arg)
{
	sqlite3_stmt	*st = s->cr[CR_RSVPS];
	int		 rc;

	sqlite3_bind_int64(st, 1, event);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (cb(arg, (const char *)sqlite3_column_text(st, 0),
		    sqlite3_column_int(st, 1), sqlite3_column_int(st, 2)) != 0)
			break;
	store_stmt_done(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK :
	    store_result(s->rdb, rc);
}

int
store_events_due(struct store *s, int64_t now, store_due_cb cb, void *arg)
{
	sqlite3_stmt	*st = s->cr[CR_DUE];
	int		 rc;

	sqlite3_bind_int64(st, 1, now);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (cb(arg, sqlite3_column_int64(st, 0),
		    sqlite3_column_int(st, 1)) != 0)
			break;
	store_stmt_done(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK :
	    store_result(s->rdb, rc);
}

/* ---- writes, on the writer thread ------------------------------------ */

static int
store_op_event_create(struct store *s, struct store_write *w)
{
	sqlite3_stmt	*st = s->cq[CQ_INSERT];
	int		 r, i;

	store_write_items_reset(w);
	sqlite3_bind_text(st, 1, w->title, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, w->until);
	sqlite3_bind_int64(st, 3, w->slow);
	sqlite3_bind_text(st, 4, w->name, -1, SQLITE_STATIC);
	if (w->size > 0)
		sqlite3_bind_int64(st, 5, w->size);
	sqlite3_bind_text(st, 6, w->note, -1, SQLITE_STATIC);
	store_bind_account(st, 7, w->channel);
	store_bind_account(st, 8, w->org);
	sqlite3_bind_int64(st, 9, w->account);
	sqlite3_bind_text(st, 10, w->body, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 11, w->now);
	if ((r = store_insert(s, st)) != STORE_OK)
		return r;
	w->eid = sqlite3_last_insert_rowid(s->wdb);
	for (i = 0; i < w->ntags; i++) {
		st = s->cq[CQ_TAG];
		sqlite3_bind_text(st, 1, w->tags[i], -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, w->eid);
		if ((r = store_run(s, st, NULL)) != STORE_OK)
			return r;
	}
	if (w->ntags == 0)
		return STORE_OK;
	st = s->cq[CQ_ANNOUNCE];
	sqlite3_bind_int64(st, 1, w->eid);
	sqlite3_bind_int64(st, 2, w->now);
	return store_inbox_returned(s, st, w);
}

/* One notice for account about the event, onto w's list. */
static int
store_event_notice(struct store *s, struct store_write *w, int64_t account,
    int kind, const char *note)
{
	sqlite3_stmt	*st = s->cq[CQ_NOTICE];

	sqlite3_bind_int64(st, 1, account);
	sqlite3_bind_int(st, 2, kind);
	sqlite3_bind_int64(st, 3, w->post);
	sqlite3_bind_int64(st, 4, w->now);
	sqlite3_bind_text(st, 5, note, -1, SQLITE_STATIC);
	return store_inbox_returned(s, st, w);
}

/* A "yes" left: the first who waits has the place, and is told. */
static int
store_event_move_up(struct store *s, struct store_write *w)
{
	sqlite3_stmt	*st = s->cq[CQ_NEXT];
	int64_t		 next = 0;
	int		 rc;

	sqlite3_bind_int64(st, 1, w->post);
	sqlite3_bind_int64(st, 2, w->now);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		next = sqlite3_column_int64(st, 0);
	store_stmt_done(st);
	if (rc != SQLITE_DONE)
		return store_result(s->wdb, rc);
	w->target = next;
	return next == 0 ? STORE_OK : store_event_notice(s, w, next,
	    STORE_INBOX_EVENT, "a place came free: you are in");
}

static int
store_op_event_rsvp(struct store *s, struct store_write *w)
{
	sqlite3_stmt	*st = s->cq[CQ_STATE];
	int64_t		 cap, yes, seq;
	int		 rc, r, cancelled, over, was, answer = w->flag;

	store_write_items_reset(w);
	w->target = 0;
	sqlite3_bind_int64(st, 1, w->post);
	sqlite3_bind_int64(st, 2, w->now);
	sqlite3_bind_int64(st, 3, w->account);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		store_stmt_done(st);
		return rc == SQLITE_DONE ? STORE_NOTFOUND :
		    store_result(s->wdb, rc);
	}
	cap = sqlite3_column_int64(st, 0);
	cancelled = sqlite3_column_int(st, 1);
	over = sqlite3_column_int(st, 2);
	yes = sqlite3_column_int64(st, 3);
	was = sqlite3_column_int(st, 4);
	seq = sqlite3_column_int64(st, 5);
	store_stmt_done(st);
	if (cancelled || over) {
		w->state = cancelled ? 1 : 2;	/* why, for the reply */
		return STORE_INVALID;
	}
	/* Full: a "yes" waits its turn (one already in keeps it). */
	if (answer == STORE_RSVP_YES && was != STORE_RSVP_YES &&
	    was != STORE_RSVP_WAITING && cap > 0 && yes >= cap)
		answer = STORE_RSVP_WAITING;
	if (answer == STORE_RSVP_YES && was == STORE_RSVP_WAITING)
		answer = STORE_RSVP_WAITING;
	st = s->cq[CQ_ANSWER];
	sqlite3_bind_int64(st, 1, w->post);
	sqlite3_bind_int64(st, 2, w->account);
	sqlite3_bind_int(st, 3, answer);
	sqlite3_bind_int64(st, 4, answer == STORE_RSVP_WAITING &&
	    was == STORE_RSVP_WAITING ? seq : seq + 1);
	sqlite3_bind_int64(st, 5, w->now);
	if ((r = store_insert(s, st)) != STORE_OK)
		return r;
	st = s->cq[CQ_LOG];
	sqlite3_bind_int64(st, 1, w->post);
	sqlite3_bind_int64(st, 2, w->account);
	sqlite3_bind_int(st, 3, answer);
	sqlite3_bind_int64(st, 4, w->now);
	if ((r = store_run(s, st, NULL)) != STORE_OK)
		return r;
	w->flag = answer;
	if (answer == STORE_RSVP_WAITING) {
		st = s->cq[CQ_POSITION];
		sqlite3_bind_int64(st, 1, w->post);
		sqlite3_bind_int64(st, 2, w->account);
		if ((rc = sqlite3_step(st)) == SQLITE_ROW)
			w->size = sqlite3_column_int64(st, 0);
		store_stmt_done(st);
	}
	if (was == STORE_RSVP_YES && answer != STORE_RSVP_YES)
		return store_event_move_up(s, w);
	return STORE_OK;
}

static int
store_op_event_cancel(struct store *s, struct store_write *w)
{
	sqlite3_stmt	*st = s->cq[CQ_CANCEL];
	char		 note[PROTO_MAX_REASON + 16];
	int		 r, changes;

	store_write_items_reset(w);
	sqlite3_bind_int64(st, 1, w->post);
	sqlite3_bind_int64(st, 2, w->now);
	sqlite3_bind_text(st, 3, w->body, -1, SQLITE_STATIC);
	if ((r = store_run(s, st, &changes)) != STORE_OK)
		return r;
	if (changes == 0)
		return STORE_INVALID;
	snprintf(note, sizeof note, "cancelled: %s", w->body);
	st = s->cq[CQ_TELL];
	sqlite3_bind_int64(st, 1, w->post);
	sqlite3_bind_int(st, 2, STORE_INBOX_EVENT);
	sqlite3_bind_int64(st, 3, w->now);
	sqlite3_bind_text(st, 4, note, -1, SQLITE_TRANSIENT);
	/* yes (1), maybe (2), waiting (4): answer & 7 */
	sqlite3_bind_int(st, 5, 7);
	return store_inbox_returned(s, st, w);
}

static int
store_op_event_attended(struct store *s, struct store_write *w)
{
	sqlite3_stmt	*st;
	size_t		 i;
	int		 r;

	for (i = 0; i < w->nids; i++) {
		st = s->cq[CQ_ATTEND];
		sqlite3_bind_int64(st, 1, w->post);
		sqlite3_bind_int64(st, 2, w->ids[i]);
		sqlite3_bind_int64(st, 3, w->account);
		sqlite3_bind_int64(st, 4, w->now);
		if ((r = store_run(s, st, NULL)) != STORE_OK)
			return r;
	}
	return STORE_OK;
}

/* Marked and written together: a reminder goes once. */
static int
store_op_event_remind(struct store *s, struct store_write *w)
{
	sqlite3_stmt	*st = s->cq[CQ_REMINDED];
	int		 r, changes;

	store_write_items_reset(w);
	sqlite3_bind_int64(st, 1, w->post);
	sqlite3_bind_int(st, 2, w->flag);
	if ((r = store_run(s, st, &changes)) != STORE_OK || changes == 0)
		return r;
	st = s->cq[CQ_TELL];
	sqlite3_bind_int64(st, 1, w->post);
	sqlite3_bind_int(st, 2, STORE_INBOX_REMINDER);
	sqlite3_bind_int64(st, 3, w->now);
	sqlite3_bind_text(st, 4, w->flag == 1 ? "tomorrow" : "in an hour", -1,
	    SQLITE_STATIC);
	sqlite3_bind_int(st, 5, 1);	/* yes only */
	return store_inbox_returned(s, st, w);
}

/* Its title, place, summary or capacity (NULL, or a capacity of -1:
 * as it is; 0: none); a capacity below the yes already given is
 * refused (STORE_INVALID), as is a cancelled event. */
static int
store_op_event_update(struct store *s, struct store_write *w)
{
	sqlite3_stmt	*st = s->cq[CQ_UPDATE];
	int		 r, changes;

	sqlite3_bind_int64(st, 1, w->post);
	if (w->title != NULL)
		sqlite3_bind_text(st, 2, w->title, -1, SQLITE_STATIC);
	if (w->note != NULL)
		sqlite3_bind_text(st, 3, w->note, -1, SQLITE_STATIC);
	if (w->body != NULL)
		sqlite3_bind_text(st, 4, w->body, -1, SQLITE_STATIC);
	if (w->size >= 0)
		sqlite3_bind_int64(st, 5, w->size);
	if ((r = store_run(s, st, &changes)) != STORE_OK)
		return r;
	return changes == 0 ? STORE_INVALID : STORE_OK;
}

int
store_op_calendar(struct store *s, struct store_write *w)
{
	switch (w->op) {
	case SW_EVENT_CREATE:
		return store_op_event_create(s, w);
	case SW_EVENT_RSVP:
		return store_op_event_rsvp(s, w);
	case SW_EVENT_CANCEL:
		return store_op_event_cancel(s, w);
	case SW_EVENT_ATTENDED:
		return store_op_event_attended(s, w);
	case SW_EVENT_REMIND:
		return store_op_event_remind(s, w);
	case SW_EVENT_UPDATE:
		return store_op_event_update(s, w);
	default:
		return STORE_ERROR;
	}
}
