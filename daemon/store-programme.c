/*
 * store-programme.c: what the programme's report counts, in the store,
 * and the two traces of use that nothing else records (a member read
 * something this month; an account fetched a resource's file).
 *
 * Every count comes from rows that carry an organisation and a time and
 * no content: events (a post's or a resource's, with the actor's
 * organisation as it was), activity, fetches, the calendar, rsvp_log
 * and attendance (each with the person's organisation then). No query
 * here reads a post's title or body. Events are never deleted, so a
 * post removed by retention or erasure still counts as a post made;
 * only "threads started" needs the post's row (which post began a
 * thread is not in its event), so a thread whose first post is gone is
 * no longer counted.
 *
 * The report is rare (a facilitator's, a few times a year) and long (it
 * scans its range's events), so it runs on a thread of its own with a
 * read-only connection of its own (struct store_reader), in one read
 * transaction, never on the loop; its statements are prepared when it
 * runs rather than held open.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store-internal.h"
#include "util.h"

/* A time's calendar month, UTC, as yyyymm. */
#define STORE_MONTH(ts)							\
	" CAST(strftime('%Y%m', " ts ", 'unixepoch') AS INTEGER)"

/* Events in the range, not cancelled (?1 <= start < ?2). */
#define STORE_HELD(e)							\
	" " e ".cancelled_at IS NULL AND " e ".start >= ?1"		\
	" AND " e ".start < ?2"

/* A person's sign-ups: each (event, account, organisation) whose
 * answer was ever yes or a place on the waiting list, once. */
#define STORE_SIGNUPS							\
	" (SELECT DISTINCT l.event_id, l.account_id, l.org_id FROM"	\
	"  rsvp_log l WHERE l.answer IN (1, 4))"

/* An event's type: its first tag by name, or "" (untagged). */
#define STORE_EVENT_TYPE(e)						\
	" coalesce((SELECT min(g.tag) FROM calendar_tags g"		\
	"  WHERE g.event_id = " e ".id), '')"

/* Per metric (STORE_PM_*): rows of (organisation, yyyymm, count), for
 * ?1 <= time < ?2, ?3 <= month <= ?4. Posts and threads are those of
 * channels and groups: a conversation between two people is theirs. */
static const char *const store_programme_sql[STORE_PM__COUNT] = {
	[STORE_PM_ACTIVE] =
	    "SELECT org_id, m, count(DISTINCT account_id) FROM ("
	    " SELECT e.org_id org_id," STORE_MONTH("e.ts") " m,"
	    "  e.actor_id account_id FROM events e"
	    "  WHERE e.kind = 1 AND e.ts >= ?1 AND e.ts < ?2"
	    "  AND e.org_id IS NOT NULL"
	    " UNION ALL SELECT org_id, month, account_id FROM activity"
	    "  WHERE month >= ?3 AND month <= ?4"
	    " UNION ALL SELECT t.org_id," STORE_MONTH("e.start") ","
	    "  t.account_id FROM attendance t"
	    "  JOIN calendar e ON e.id = t.event_id WHERE" STORE_HELD("e")
	    ") GROUP BY 1, 2",
	[STORE_PM_POSTS] =
	    "SELECT e.org_id," STORE_MONTH("e.ts") ", count(*) FROM events e"
	    " JOIN channels c ON c.id = e.channel_id"
	    " WHERE e.kind = 1 AND e.ts >= ?1 AND e.ts < ?2 AND c.kind <> 3"
	    " AND e.org_id IS NOT NULL GROUP BY 1, 2",
	[STORE_PM_THREADS] =
	    "SELECT e.org_id," STORE_MONTH("e.ts") ", count(*) FROM events e"
	    " JOIN posts p ON p.id = e.id"
	    " JOIN channels c ON c.id = e.channel_id"
	    " WHERE e.kind = 1 AND e.ts >= ?1 AND e.ts < ?2 AND c.kind <> 3"
	    " AND p.thread_id = p.id AND e.org_id IS NOT NULL GROUP BY 1, 2",
	[STORE_PM_SHARED] =
	    "SELECT org_id," STORE_MONTH("ts") ", count(*) FROM events"
	    " WHERE kind = 3 AND ts >= ?1 AND ts < ?2"
	    " AND org_id IS NOT NULL GROUP BY 1, 2",
	[STORE_PM_FETCHED] =
	    "SELECT org_id," STORE_MONTH("ts") ", count(*) FROM fetches"
	    " WHERE ts >= ?1 AND ts < ?2 GROUP BY 1, 2",
	[STORE_PM_EVENTS] =
	    "SELECT e.creator_org," STORE_MONTH("e.start") ", count(*)"
	    " FROM calendar e WHERE" STORE_HELD("e") " GROUP BY 1, 2",
	[STORE_PM_SIGNUPS] =
	    "SELECT s.org_id," STORE_MONTH("e.start") ", count(*)"
	    " FROM" STORE_SIGNUPS " s JOIN calendar e ON e.id = s.event_id"
	    " WHERE" STORE_HELD("e") " GROUP BY 1, 2",
	[STORE_PM_ATTENDED] =
	    "SELECT t.org_id," STORE_MONTH("e.start") ", count(*)"
	    " FROM attendance t JOIN calendar e ON e.id = t.event_id"
	    " WHERE" STORE_HELD("e") " GROUP BY 1, 2",
};

/* Per event type: events held, sign-ups and attendance, so that each
 * column adds up to the same metric's total over organisations. */
static const char store_programme_types_sql[] =
	"SELECT" STORE_EVENT_TYPE("e") " ty, count(*),"
	" sum((SELECT count(*) FROM" STORE_SIGNUPS " s"
	"  WHERE s.event_id = e.id)),"
	" sum((SELECT count(*) FROM attendance t WHERE t.event_id = e.id))"
	" FROM calendar e WHERE" STORE_HELD("e") " GROUP BY 1 ORDER BY 1";

static const char store_programme_orgs_sql[] =
	"SELECT id, name FROM orgs ORDER BY name";

struct store_reader {
	sqlite3		*db;
};

struct store_reader *
store_reader_open(struct store *s, char **cause)
{
	struct store_reader *rd = xcalloc(1, sizeof *rd);
	int rc;

	rc = sqlite3_open_v2(s->path, &rd->db, SQLITE_OPEN_READONLY |
	    SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		xasprintf(cause, "%s: %s", s->path, rd->db != NULL ?
		    sqlite3_errmsg(rd->db) : sqlite3_errstr(rc));
		store_reader_close(rd);
		return NULL;
	}
	sqlite3_busy_timeout(rd->db, STORE_BUSY_MS);
	return rd;
}

void
store_reader_close(struct store_reader *rd)
{
	if (rd == NULL)
		return;
	sqlite3_close(rd->db);
	free(rd);
}

static int
store_programme_prepare(struct store_reader *rd, const char *sql,
    sqlite3_stmt **st)
{
	if (sqlite3_prepare_v2(rd->db, sql, -1, st, NULL) != SQLITE_OK) {
		log_error("store: programme report: %s",
		    sqlite3_errmsg(rd->db));
		return STORE_ERROR;
	}
	return STORE_OK;
}

/* Run one prepared statement over the range, handing each row to row(). */
static int
store_programme_rows(struct store_reader *s, const char *sql,
    const struct store_programme_range *rg,
    int (*row)(sqlite3_stmt *, void *), void *arg)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (store_programme_prepare(s, sql, &st) != STORE_OK)
		return STORE_ERROR;
	if (sqlite3_bind_parameter_count(st) >= 2) {
		sqlite3_bind_int64(st, 1, rg->from_ts);
		sqlite3_bind_int64(st, 2, rg->to_ts);
	}
	if (sqlite3_bind_parameter_count(st) >= 4) {
		sqlite3_bind_int(st, 3, rg->from_month);
		sqlite3_bind_int(st, 4, rg->to_month);
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (row(st, arg) != 0)
			break;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		log_error("store: programme report: %s",
		    sqlite3_errmsg(s->db));
		sqlite3_finalize(st);
		return STORE_ERROR;
	}
	sqlite3_finalize(st);
	return STORE_OK;
}

struct store_programme_arg {
	const struct store_programme_cb	*cb;
	int				 metric;
};

static int
store_programme_org_row(sqlite3_stmt *st, void *arg)
{
	const struct store_programme_cb *cb = arg;

	return cb->org(cb->arg, sqlite3_column_int64(st, 0),
	    (const char *)sqlite3_column_text(st, 1));
}

static int
store_programme_cell_row(sqlite3_stmt *st, void *arg)
{
	struct store_programme_arg *pa = arg;

	return pa->cb->cell(pa->cb->arg, pa->metric,
	    sqlite3_column_int64(st, 0), sqlite3_column_int(st, 1),
	    sqlite3_column_int64(st, 2));
}

static int
store_programme_type_row(sqlite3_stmt *st, void *arg)
{
	const struct store_programme_cb *cb = arg;
	int64_t n[3];

	n[0] = sqlite3_column_int64(st, 1);
	n[1] = sqlite3_column_int64(st, 2);
	n[2] = sqlite3_column_int64(st, 3);
	return cb->type(cb->arg, (const char *)sqlite3_column_text(st, 0), n);
}

int
store_programme(struct store_reader *rd,
    const struct store_programme_range *rg,
    const struct store_programme_cb *cb)
{
	struct store_programme_arg pa = { cb, 0 };
	int r;

	/* One read transaction, so every count is of the same moment. */
	if (sqlite3_exec(rd->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		log_error("store: programme report: %s",
		    sqlite3_errmsg(rd->db));
		return STORE_ERROR;
	}
	r = store_programme_rows(rd, store_programme_orgs_sql, rg,
	    store_programme_org_row, (void *)cb);
	for (pa.metric = 0; r == STORE_OK && pa.metric < STORE_PM__COUNT;
	    pa.metric++)
		r = store_programme_rows(rd, store_programme_sql[pa.metric], rg,
		    store_programme_cell_row, &pa);
	if (r == STORE_OK)
		r = store_programme_rows(rd, store_programme_types_sql, rg,
		    store_programme_type_row, (void *)cb);
	sqlite3_exec(rd->db, "COMMIT", NULL, NULL, NULL);
	return r;
}

/* ---- the traces, on the writer ---------------------------------------- */

static const char store_activity_sql[] =
	"INSERT INTO activity (month, account_id, org_id)"
	" SELECT ?1, id, org_id FROM accounts WHERE id = ?2"
	" ON CONFLICT DO NOTHING";
static const char store_fetch_sql[] =
	"INSERT INTO fetches (resource_id, account_id, org_id, ts)"
	" SELECT ?1, id, org_id, ?3 FROM accounts WHERE id = ?2"
	" ON CONFLICT DO NOTHING";

/* SW_ACTIVITY (w->size: the month, yyyymm) and SW_FETCH (w->post: the
 * resource); both once per account, the first time. */
int
store_op_programme(struct store *s, struct store_write *w)
{
	sqlite3_stmt	*st;
	int		 r;

	if (sqlite3_prepare_v2(s->wdb, w->op == SW_ACTIVITY ?
	    store_activity_sql : store_fetch_sql, -1, &st, NULL) != SQLITE_OK)
		return store_result(s->wdb, SQLITE_ERROR);
	sqlite3_bind_int64(st, 1, w->op == SW_ACTIVITY ? w->size : w->post);
	sqlite3_bind_int64(st, 2, w->account);
	if (w->op == SW_FETCH)
		sqlite3_bind_int64(st, 3, w->now);
	r = store_run(s, st, NULL);
	sqlite3_finalize(st);
	return r;
}
