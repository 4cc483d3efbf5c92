/*
 * cmd-programme.c: the programme's report (programme.report), for its
 * facilitators and admins, and the two traces of use it counts that no
 * other operation leaves: that a member read something in a month, and
 * that an account fetched a resource's file.
 *
 * The report is made on the server, suppression included, so that a
 * small count never travels: the client only lays the document out
 * (html, md, csv or json). It carries no person's name and nothing
 * anyone wrote (programme.c).
 */
#include <stdio.h>
#include <time.h>

#include "access.h"
#include "cmd.h"
#include "conn.h"
#include "programme.h"
#include "server.h"
#include "store.h"
#include "util.h"

static void
cmd_trace_done(struct store_write *w)
{
	if (w->result != STORE_OK)
		log_error("programme: a trace of use (op %d) not stored",
		    (int)w->op);
	store_write_free(w);
}

static int
cmd_month_of(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	return (tm.tm_year + 1900) * 100 + tm.tm_mon + 1;
}

void
cmd_programme_read(struct conn *c)
{
	struct store_write *w;
	int64_t now = now_seconds();
	int month = cmd_month_of(now);

	if (c->read_month == month)
		return;
	c->read_month = month;
	w = store_write_new(SW_ACTIVITY);
	w->now = now;
	w->account = c->acct.id;
	w->size = month;
	w->done = cmd_trace_done;
	store_submit(c->srv->store, w);
}

void
cmd_programme_fetch(struct conn *c, int64_t resource)
{
	struct store_write *w;

	w = store_write_new(SW_FETCH);
	w->now = now_seconds();
	w->account = c->acct.id;
	w->post = resource;
	w->done = cmd_trace_done;
	store_submit(c->srv->store, w);
	/* Fetching is a use of the network, as reading is. */
	cmd_programme_read(c);
}

/* "from" or "to" as yyyymm; -1 having answered. */
static int
cmd_report_month(struct cmd_q *q, const char *field)
{
	const char *s;
	char msg[120];
	int m;

	if (proto_get_str(q->req, field, 1, &s, NULL) != PROTO_OK ||
	    (m = programme_month(s)) < 0) {
		snprintf(msg, sizeof msg, "\"%s\" must be a month as YYYY-MM "
		    "(2024-03)", field);
		conn_reply_err(q->c, q->req->id, PROTO_E_BAD_REQUEST, msg);
		return -1;
	}
	return m;
}

static void
cmd_programme_report(struct cmd_q *q)
{
	struct conn *c = q->c;
	struct store_programme_range rg;
	char msg[120];
	json_t *r;
	int from, to;

	if ((from = cmd_report_month(q, "from")) < 0 ||
	    (to = cmd_report_month(q, "to")) < 0)
		return;
	switch (programme_range(from, to, &rg)) {
	case -1:
		return conn_reply_err(c, q->req->id, PROTO_E_BAD_REQUEST,
		    "the range is backwards: \"from\" must not be after \"to\"");
	case -2:
		snprintf(msg, sizeof msg, "a report covers at most %d months",
		    PROGRAMME_MAX_MONTHS);
		return conn_reply_err(c, q->req->id, PROTO_E_TOO_LARGE, msg);
	}
	if ((r = programme_report(c->srv->store, &rg, c->srv->cf.suppress_below,
	    c->srv->cf.programme_target_orgs)) == NULL)
		return conn_reply_err(c, q->req->id, PROTO_E_INTERNAL, NULL);
	conn_reply_ok(c, q->req->id, json_pack("{s:o}", "report", r));
}

const struct cmd_entry cmd_programme_entries[] = {
	{ "programme.report", CMD_AUTH, CAP_FACILITATE | CAP_ADMIN, CMD_T_NONE,
	    NULL, cmd_programme_report },
	{ NULL, 0, 0, CMD_T_NONE, NULL, NULL }
};
