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
 *
 * Making it scans every event of its range (about a second for a
 * million), so it runs on a thread of its own with a read connection of
 * its own, and the loop goes on serving everyone meanwhile; the thread
 * wakes the loop (event_active, libevent being thread-aware here) to
 * send the reply. One report at a time: it is rare, and a second asked
 * for meanwhile is told to ask again (busy).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <event2/event.h>

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
cmd_programme_month(struct cmd_q *q, const char *field)
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

/* The report being made, if any (one at a time). */
struct cmd_programme_job {
	struct conn			*c;
	json_t				*id;
	struct store_programme_range	 rg;
	int				 k, target;
	struct store_reader		*rd;
	json_t				*report;	/* NULL: failed */
	pthread_t			 thread;
	struct event			*ev;
};
static struct cmd_programme_job *cmd_programme_running;

static void *
cmd_programme_thread(void *arg)
{
	struct cmd_programme_job *j = arg;

	j->report = programme_report(j->rd, &j->rg, j->k, j->target);
	event_active(j->ev, EV_READ, 0);
	return NULL;
}

/* On the loop, the thread joined: the reply, if its asker is still
 * there, and the job gone. */
static void
cmd_programme_finish(struct cmd_programme_job *j)
{
	if (conn_is_open(j->c)) {
		if (j->report != NULL)
			conn_reply_ok(j->c, j->id, json_pack("{s:o}", "report",
			    j->report));
		else
			conn_reply_err(j->c, j->id, PROTO_E_INTERNAL, NULL);
	} else
		json_decref(j->report);
	conn_unref(j->c);
	json_decref(j->id);
	store_reader_close(j->rd);
	event_free(j->ev);
	free(j);
	cmd_programme_running = NULL;
}

static void
cmd_programme_made(evutil_socket_t fd, short what, void *arg)
{
	struct cmd_programme_job *j = arg;

	(void)fd;
	(void)what;
	pthread_join(j->thread, NULL);
	cmd_programme_finish(j);
}

void
cmd_programme_stop(struct server *srv)
{
	struct cmd_programme_job *j = cmd_programme_running;

	(void)srv;
	if (j == NULL)
		return;
	pthread_join(j->thread, NULL);
	event_del(j->ev);
	cmd_programme_finish(j);
}

/* Start the report's thread: 0, or -1 having answered. */
static int
cmd_programme_begin(struct cmd_q *q, const struct store_programme_range *rg)
{
	struct conn *c = q->c;
	struct cmd_programme_job *j;
	char *cause = NULL;

	j = xcalloc(1, sizeof *j);
	j->rg = *rg;
	j->k = c->srv->cf.suppress_below;
	j->target = c->srv->cf.programme_target_orgs;
	if ((j->rd = store_reader_open(c->srv->store, &cause)) == NULL) {
		log_error("programme: %s", cause);
		free(cause);
		free(j);
		conn_reply_err(c, q->req->id, PROTO_E_INTERNAL, NULL);
		return -1;
	}
	j->ev = event_new(c->srv->base, -1, 0, cmd_programme_made, j);
	j->c = c;
	j->id = json_incref(q->req->id);
	conn_ref(c);
	cmd_programme_running = j;
	if (pthread_create(&j->thread, NULL, cmd_programme_thread, j) != 0) {
		log_error("programme: cannot start the report's thread");
		j->report = NULL;
		cmd_programme_finish(j);
		return -1;
	}
	return 0;
}

static void
cmd_programme_report(struct cmd_q *q)
{
	struct conn *c = q->c;
	struct store_programme_range rg;
	char msg[120];
	int from, to;

	if ((from = cmd_programme_month(q, "from")) < 0 ||
	    (to = cmd_programme_month(q, "to")) < 0)
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
	if (cmd_programme_running != NULL)
		return conn_reply_err(c, q->req->id, PROTO_E_BUSY, "another "
		    "report is being made: ask again in a moment");
	cmd_programme_begin(q, &rg);
}

const struct cmd_entry cmd_programme_entries[] = {
	{ "programme.report", CMD_AUTH, CAP_FACILITATE | CAP_ADMIN, CMD_T_NONE,
	    NULL, cmd_programme_report },
	{ NULL, 0, 0, CMD_T_NONE, NULL, NULL }
};
