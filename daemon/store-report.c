/*
 * store-report.c: reports and safeguarding leads, in the store: a
 * report of a post, its state (open, acknowledged, resolved), its
 * escalation, and the lead flag of an account. Each write logs itself
 * in the moderation log in its own transaction.
 *
 * Who may act on a report is one SQL rule (STORE_ACTS), the same as
 * access_acts_on_report() in access.c (and, for a private group, only
 * those in it: nobody outside a group hears of its posts, an
 * escalation included; for a conversation, which nobody moderates,
 * the network's facilitators, who get the reported message and only
 * it): the channel's moderators, and
 * the safeguarding leads of the post author's organisation unless the
 * post is anonymous and no moderator has unmasked it (STORE_MASKED);
 * never the author. The author of an anonymous post
 * is read here to decide, and never written anywhere a moderator
 * reads: the log's "report" entry names the channel and the post, not
 * whom it is about.
 */
#include <stdlib.h>
#include <string.h>

#include "store-internal.h"
#include "util.h"

/* An anonymous post nobody has unmasked: its reports stay with the
 * channel's moderators. Once a moderator has (the log's "unmask" entry,
 * in the channel's index), they reach the author's organisation's leads
 * too; the unmask itself alerts no one. */
#define STORE_MASKED							\
	" (p.anonymous AND NOT EXISTS (SELECT 1 FROM modlog u"		\
	" WHERE u.channel_id = p.channel_id AND u.post_id = p.id"	\
	" AND u.action = 'unmask'))"

/* The columns store_report_row() reads. */
#define STORE_REPORT_SELECT						\
	"SELECT r.id, r.post_id, c.id, c.name, c.kind,"			\
	" coalesce(c.org_id, 0), p.author_id, au.org_id," STORE_MASKED ","\
	" r.reporter_id, rp.name, r.reason, r.urgent, r.state,"		\
	" r.created_at, coalesce(r.escalated_at, 0), ak.name, rs.name,"	\
	" r.note, CASE WHEN c.kind = 3 THEN p.body END FROM reports r"	\
	" JOIN posts p ON p.id = r.post_id"				\
	" JOIN channels c ON c.id = r.channel_id"			\
	" JOIN accounts au ON au.id = p.author_id"			\
	" JOIN accounts rp ON rp.id = r.reporter_id"			\
	" LEFT JOIN accounts ak ON ak.id = r.acked_by"			\
	" LEFT JOIN accounts rs ON rs.id = r.resolved_by"

/* Whether the viewer bound by store_bind_viewer() (?20 to ?23) and ?24
 * (a safeguarding lead) may act on the report. */
#define STORE_ACTS							\
	" (p.author_id <> ?20 AND (" STORE_MODERATES("c")		\
	" OR (?21 AND c.kind = 3)"					\
	" OR (?24 AND NOT" STORE_MASKED " AND au.org_id = ?23"		\
	"  AND (c.kind IN (0, 1) OR (c.kind = 2 AND"			\
	STORE_IN_GROUP("c", "?20") ")))))"

/* Reports counted for login's "alerts" at most: a number for a badge,
 * not a page; the list itself is mod.queue's. */
#define STORE_ALERTS_MAX	1000

const char *const store_report_read_sql[PR__COUNT] = {
	[PR_REPORT] = STORE_REPORT_SELECT " WHERE r.id = ?1",
	/* ?3: STORE_REPORTS_* flags. */
	[PR_LIST] = STORE_REPORT_SELECT " WHERE r.id > ?1"
	    " AND (?2 = 0 OR r.channel_id = ?2)"
	    " AND (?3 & 1 = 0 OR r.state < 2)"
	    " AND (?3 & 2 = 0 OR (r.state = 0 AND r.urgent = 1))"
	    " AND" STORE_ACTS " ORDER BY r.id LIMIT ?4",
	[PR_ALERTS] = "SELECT count(*) FROM (SELECT 1 FROM reports r"
	    " JOIN posts p ON p.id = r.post_id"
	    " JOIN channels c ON c.id = r.channel_id"
	    " JOIN accounts au ON au.id = p.author_id"
	    " WHERE r.state = 0 AND r.urgent = 1 AND" STORE_ACTS
	    " LIMIT ?1)",
	/*
	 * ?1 channel, ?2 its kind, ?3 its organisation, ?4 the author,
	 * ?5 the author's organisation, ?6 anonymous, ?7 wide. Roles as
	 * proto.h stores them: 2 org-admin, 3 facilitator, 4 admin.
	 */
	[PR_RECIPIENTS] = "SELECT a.id FROM accounts a"
	    " WHERE a.suspended_at IS NULL AND a.deactivated_at IS NULL"
	    " AND a.id <> ?4 AND ("
	    " (?2 = 3 AND a.role IN (3, 4)) OR"
	    " (?6 = 0 AND a.lead AND a.org_id = ?5 AND (?2 IN (0, 1) OR"
	    "  (?2 = 2 AND EXISTS (SELECT 1 FROM members g"
	    "   WHERE g.channel_id = ?1 AND g.account_id = a.id))))"
	    " OR (((?2 IN (1, 2) AND a.role IN (3, 4))"
	    "  OR (?2 = 0 AND a.org_id = ?3 AND (a.role IN (2, 4) OR a.lead)))"
	    "  AND ((?7 AND ?2 <> 2) OR EXISTS (SELECT 1 FROM members m"
	    "   WHERE m.channel_id = ?1 AND m.account_id = a.id))))"
	    " ORDER BY a.id",
	[PR_DUE] = "SELECT id FROM reports WHERE state = 0 AND urgent = 1"
	    " AND escalated_at IS NULL AND created_at <= ?1 ORDER BY id"
	    " LIMIT ?2",
};

const char *const store_report_write_sql[PQ__COUNT] = {
	/* The post must still be in the channel the caller named. */
	[PQ_INSERT] =
	    "INSERT INTO reports (post_id, channel_id, reporter_id, reason,"
	    " urgent, created_at) SELECT p.id, p.channel_id, a.id, ?4, ?5, ?6"
	    " FROM posts p, accounts a WHERE p.id = ?1 AND p.channel_id = ?2"
	    " AND a.id = ?3",
	[PQ_GET] =
	    "SELECT state, channel_id, post_id, reporter_id FROM reports"
	    " WHERE id = ?1",
	[PQ_ACK] =
	    "UPDATE reports SET state = 1, acked_by = ?2, acked_at = ?3"
	    " WHERE id = ?1 AND state = 0",
	[PQ_RESOLVE] =
	    "UPDATE reports SET state = 2, resolved_by = ?2, resolved_at = ?3,"
	    " note = ?4 WHERE id = ?1 AND state < 2",
	[PQ_ESCALATE] =
	    "UPDATE reports SET escalated_at = ?2 WHERE id = ?1 AND state = 0"
	    " AND urgent = 1 AND escalated_at IS NULL"
	    " RETURNING channel_id, post_id",
	[PQ_ACCOUNT_IN_ORG] =
	    "SELECT id, lead FROM accounts WHERE name = ?1 AND org_id = ?2",
	[PQ_LEAD] = "UPDATE accounts SET lead = ?2 WHERE id = ?1",
};

/* ---- reads, on the loop --------------------------------------------- */

static const char *
store_col_text(sqlite3_stmt *st, int col)
{
	return (const char *)sqlite3_column_text(st, col);
}

static void
store_report_row(sqlite3_stmt *st, struct store_report *r)
{
	memset(r, 0, sizeof *r);
	r->id = sqlite3_column_int64(st, 0);
	r->post = sqlite3_column_int64(st, 1);
	r->channel_id = sqlite3_column_int64(st, 2);
	r->channel = store_col_text(st, 3);
	r->channel_kind = sqlite3_column_int(st, 4);
	r->channel_org = sqlite3_column_int64(st, 5);
	r->author_id = sqlite3_column_int64(st, 6);
	r->author_org = sqlite3_column_int64(st, 7);
	r->anonymous = sqlite3_column_int(st, 8);
	r->reporter_id = sqlite3_column_int64(st, 9);
	r->reporter = store_col_text(st, 10);
	r->reason = store_col_text(st, 11);
	r->urgent = sqlite3_column_int(st, 12);
	r->state = sqlite3_column_int(st, 13);
	r->ts = sqlite3_column_int64(st, 14);
	r->escalated_at = sqlite3_column_int64(st, 15);
	r->acked_by = store_col_text(st, 16);
	r->resolved_by = store_col_text(st, 17);
	r->note = store_col_text(st, 18);
	r->dm_text = store_col_text(st, 19);
}

static int
store_report_done(struct store *s, sqlite3_stmt *st, int rc)
{
	store_stmt_done(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK :
	    store_result(s->rdb, rc);
}

int
store_report_by_id(struct store *s, int64_t id, store_report_cb cb,
    void *arg)
{
	sqlite3_stmt		*st = s->pr[PR_REPORT];
	struct store_report	 r;
	int			 rc;

	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		store_report_row(st, &r);
		cb(arg, &r);
	}
	return store_report_done(s, st, rc);
}

int
store_reports(struct store *s, const struct store_viewer *v, int lead,
    int64_t channel, int flags, int64_t since, int limit,
    store_report_cb cb, void *arg, int *more)
{
	sqlite3_stmt		*st = s->pr[PR_LIST];
	struct store_report	 r;
	int			 rc, n = 0;

	*more = 0;
	store_bind_viewer(st, v);
	sqlite3_bind_int(st, 24, lead != 0);
	sqlite3_bind_int64(st, 1, since);
	sqlite3_bind_int64(st, 2, channel);
	sqlite3_bind_int(st, 3, flags);
	sqlite3_bind_int64(st, 4, (int64_t)limit + 1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n++ == limit) {
			*more = 1;
			break;
		}
		store_report_row(st, &r);
		if (cb(arg, &r) != 0)
			break;
	}
	return store_report_done(s, st, rc);
}

int
store_report_alerts(struct store *s, const struct store_viewer *v, int lead,
    int64_t *count)
{
	sqlite3_stmt	*st = s->pr[PR_ALERTS];
	int		 rc;

	*count = 0;
	store_bind_viewer(st, v);
	sqlite3_bind_int(st, 24, lead != 0);
	sqlite3_bind_int(st, 1, STORE_ALERTS_MAX);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*count = sqlite3_column_int64(st, 0);
	return store_report_done(s, st, rc);
}

/* Every row's first column, an id, to cb. */
static int
store_report_ids(struct store *s, sqlite3_stmt *st, store_id_cb cb,
    void *arg)
{
	int	rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (cb(arg, sqlite3_column_int64(st, 0)) != 0)
			break;
	return store_report_done(s, st, rc);
}

int
store_report_recipients(struct store *s, const struct store_report *r,
    int wide, store_id_cb cb, void *arg)
{
	sqlite3_stmt	*st = s->pr[PR_RECIPIENTS];

	sqlite3_bind_int64(st, 1, r->channel_id);
	sqlite3_bind_int(st, 2, r->channel_kind);
	sqlite3_bind_int64(st, 3, r->channel_org);
	sqlite3_bind_int64(st, 4, r->author_id);
	sqlite3_bind_int64(st, 5, r->author_org);
	sqlite3_bind_int(st, 6, r->anonymous != 0);
	sqlite3_bind_int(st, 7, wide != 0);
	return store_report_ids(s, st, cb, arg);
}

int
store_reports_due(struct store *s, int64_t before, int limit, store_id_cb cb,
    void *arg)
{
	sqlite3_stmt	*st = s->pr[PR_DUE];

	sqlite3_bind_int64(st, 1, before);
	sqlite3_bind_int(st, 2, limit);
	return store_report_ids(s, st, cb, arg);
}

/* ---- the operations, on the writer ---------------------------------- */

/* A report of w->post in w->channel; w->report gets its id. The log
 * names the channel and the post, never the post's author. */
static int
store_op_report_new(struct store *s, struct store_write *w)
{
	sqlite3_stmt	*st = s->pq[PQ_INSERT];
	int		 r;

	sqlite3_bind_int64(st, 1, w->post);
	sqlite3_bind_int64(st, 2, w->channel);
	sqlite3_bind_int64(st, 3, w->account);
	sqlite3_bind_text(st, 4, w->body, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 5, w->flag != 0);
	sqlite3_bind_int64(st, 6, w->now);
	if ((r = store_insert(s, st)) != STORE_OK)
		return r;
	w->report = sqlite3_last_insert_rowid(s->wdb);
	return store_modlog_add(s, w, "report", w->channel, 0, w->post,
	    w->body);
}

/* Acknowledge (from open) or resolve (from open or acknowledged) with
 * a note; w->channel, w->post and w->target (the reporter) get the
 * report's. STORE_INVALID: it is past that state already. */
static int
store_op_report_state(struct store *s, struct store_write *w)
{
	sqlite3_stmt	*st = s->pq[PQ_GET];
	int		 rc, r, changes;

	sqlite3_bind_int64(st, 1, w->report);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		store_stmt_done(st);
		return rc == SQLITE_DONE ? STORE_NOTFOUND :
		    store_result(s->wdb, rc);
	}
	w->state = sqlite3_column_int(st, 0);
	w->channel = sqlite3_column_int64(st, 1);
	w->post = sqlite3_column_int64(st, 2);
	w->target = sqlite3_column_int64(st, 3);
	store_stmt_done(st);
	st = s->pq[w->action == SA_ACK ? PQ_ACK : PQ_RESOLVE];
	sqlite3_bind_int64(st, 1, w->report);
	store_bind_account(st, 2, w->account);
	sqlite3_bind_int64(st, 3, w->now);
	if (w->action == SA_RESOLVE)
		sqlite3_bind_text(st, 4, w->body, -1, SQLITE_STATIC);
	if ((r = store_run(s, st, &changes)) != STORE_OK)
		return r;
	if (changes == 0)
		return STORE_INVALID;
	if ((r = store_modlog_add(s, w, store_action_name(w->action),
	    w->channel, 0, w->post, w->action == SA_RESOLVE ? w->body :
	    NULL)) != STORE_OK)
		return r;
	/* Its reporter is told it was resolved, in their inbox, so that a
	 * reporter away at the time learns it too. */
	if (w->action == SA_RESOLVE && w->target != w->account)
		return store_inbox_notice(s, w, w->target, w->report);
	return STORE_OK;
}

/* Marked escalated once, with its entry in the log (the actor is the
 * server, w->account 0). STORE_INVALID: acknowledged, resolved or
 * escalated meanwhile. */
static int
store_op_report_escalate(struct store *s, struct store_write *w)
{
	sqlite3_stmt	*st = s->pq[PQ_ESCALATE];
	int		 rc;

	sqlite3_bind_int64(st, 1, w->report);
	sqlite3_bind_int64(st, 2, w->now);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		w->channel = sqlite3_column_int64(st, 0);
		w->post = sqlite3_column_int64(st, 1);
		rc = sqlite3_step(st);
	}
	store_stmt_done(st);
	if (rc != SQLITE_DONE)
		return store_result(s->wdb, rc);
	if (w->channel == 0)
		return STORE_INVALID;
	return store_modlog_add(s, w, "escalate", w->channel, 0, w->post,
	    NULL);
}

/* Make the account named w->name, of organisation w->org, a
 * safeguarding lead (w->flag 1) or no longer one (0); w->target gets
 * its id. STORE_NOTFOUND: no such account in that organisation;
 * STORE_INVALID: it is so already. */
static int
store_op_lead(struct store *s, struct store_write *w)
{
	sqlite3_stmt	*st = s->pq[PQ_ACCOUNT_IN_ORG];
	int		 rc, r, lead;

	sqlite3_bind_text(st, 1, w->name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, w->org);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		store_stmt_done(st);
		return rc == SQLITE_DONE ? STORE_NOTFOUND :
		    store_result(s->wdb, rc);
	}
	w->target = sqlite3_column_int64(st, 0);
	lead = sqlite3_column_int(st, 1) != 0;
	store_stmt_done(st);
	if (lead == (w->flag != 0))
		return STORE_INVALID;
	st = s->pq[PQ_LEAD];
	sqlite3_bind_int64(st, 1, w->target);
	sqlite3_bind_int(st, 2, w->flag != 0);
	if ((r = store_run(s, st, NULL)) != STORE_OK)
		return r;
	return store_modlog_add(s, w, w->flag ? "lead" : "unlead", 0,
	    w->target, 0, NULL);
}

int
store_op_report(struct store *s, struct store_write *w)
{
	switch (w->op) {
	case SW_REPORT:
		return store_op_report_new(s, w);
	case SW_REPORT_STATE:
		if (w->action != SA_ACK && w->action != SA_RESOLVE)
			return STORE_ERROR;
		return store_op_report_state(s, w);
	case SW_REPORT_ESCALATE:
		w->channel = 0;		/* a rerun starts from nothing */
		return store_op_report_escalate(s, w);
	case SW_LEAD:
		return store_op_lead(s, w);
	default:
		log_error("store: write op %d is not a report's", (int)w->op);
		return STORE_ERROR;
	}
}
