/*
 * cmd-report.c: reports and safeguarding: report (any member, of a
 * post they may read), mod.reports, mod.queue, mod.ack, mod.resolve,
 * org.lead, and the alerts that carry an urgent report to those who
 * must hear of it.
 *
 * A report goes to the channel's moderators who are members of it and
 * to the safeguarding leads of the post author's organisation (not for
 * an anonymous post); an urgent one reaches those of them who are
 * connected at once, as an alert event on each connection that has
 * subscribed (bus_account_event), and the others when they next
 * subscribe. One not acknowledged within urgent_ack_minutes is escalated
 * once by a timer: marked and logged in one transaction, then alerted
 * again, widened to everyone who may act on it. Who may act on a report
 * is access_acts_on_report() (and the store's STORE_ACTS): a report
 * anyone else names answers exactly as one that does not exist.
 *
 * The author of a reported post never learns who reported it: the
 * author may not act on the report, is never a recipient, and "by"
 * goes only to the channel's moderators.
 */
#include <string.h>
#include <stdlib.h>

#include <openssl/crypto.h>

#include "access.h"
#include "bus.h"
#include "cmd.h"
#include "conn.h"
#include "live.h"
#include "server.h"
#include "store.h"
#include "util.h"
#include "view.h"

/* Reports escalated per tick at most: the tick's work stays bounded
 * however many fall due at once; the rest go a second later. */
#define CMD_ESCALATE_BATCH	16
/* How often the escalation timer looks, in seconds. */
#define CMD_ESCALATE_TICK	1
/* Alerts a subscribe sends at most; more wait in mod.queue. */
#define CMD_ALERTS_REPLAY	100

static const char *const cmd_report_states[] = {
	[STORE_REPORT_OPEN] = "open",
	[STORE_REPORT_ACKED] = "acknowledged",
	[STORE_REPORT_RESOLVED] = "resolved",
};

static const char *
cmd_report_state(int state)
{
	if (state < 0 || state > STORE_REPORT_RESOLVED)
		return "open";
	return cmd_report_states[state];
}

/* The report's channel as access.c judges channels. */
static void
cmd_report_channel(const struct store_report *r, struct store_channel *ch)
{
	memset(ch, 0, sizeof *ch);
	ch->id = r->channel_id;
	ch->kind = r->channel_kind;
	ch->peer = r->channel_kind != STORE_CHANNEL_ORG;
	ch->org_id = r->channel_org;
}

/* A report object as one who may act on it sees it: the reporter only
 * for the channel's moderators (a lead of the author's organisation
 * acting on a report in a peer channel learns what, not who). */
static json_t *
cmd_report_object(const struct store_report *r, const struct store_ident *who)
{
	struct store_channel ch;
	char ts[PROTO_TS_LEN];
	json_t *o;

	proto_ts_format(r->ts, ts);
	o = json_pack("{s:I, s:I, s:s, s:s, s:b, s:s, s:s}",
	    "report", (json_int_t)r->id, "post", (json_int_t)r->post,
	    "channel", r->channel, "reason", r->reason, "urgent", r->urgent,
	    "state", cmd_report_state(r->state), "ts", ts);
	cmd_report_channel(r, &ch);
	if (access_moderates(who, &ch) && r->reporter != NULL)
		json_object_set_new(o, "by", json_string(r->reporter));
	if (r->escalated_at != 0)
		json_object_set_new(o, "escalated", json_true());
	if (r->acked_by != NULL)
		json_object_set_new(o, "acked_by", json_string(r->acked_by));
	if (r->resolved_by != NULL)
		json_object_set_new(o, "resolved_by",
		    json_string(r->resolved_by));
	if (r->note != NULL)
		json_object_set_new(o, "note", json_string(r->note));
	/* The reported message of a conversation, which its facilitators
	 * cannot read otherwise: that one, and nothing more of it. */
	if (r->dm_text != NULL)
		json_object_set_new(o, "text", json_string(r->dm_text));
	return o;
}

/* ---- alerts --------------------------------------------------------- */

struct cmd_alert {
	struct server		*srv;
	const struct store_report *r;
	int			 wide;		/* an escalation */
	int			 found;
	int			 accounts;
	int			 sent;		/* connections */
};

/* {"ev":"alert","report":{...}}, "escalated" once it is; for one who
 * may act on it only (a connection's identity may have changed since
 * the recipients were chosen). */
static json_t *
cmd_alert_event(void *arg, const struct store_ident *who)
{
	const struct store_report *r = arg;
	json_t *ev;

	if (!access_acts_on_report(who, r))
		return NULL;
	ev = json_pack("{s:s, s:o}", "ev", "alert", "report",
	    cmd_report_object(r, who));
	if (r->escalated_at != 0)
		json_object_set_new(ev, "escalated", json_true());
	return ev;
}

static int
cmd_alert_account(void *arg, int64_t account)
{
	struct cmd_alert *a = arg;

	a->accounts++;
	a->sent += bus_account_event(a->srv->bus, account, cmd_alert_event,
	    (void *)a->r);
	return 0;
}

static int
cmd_alert_report(void *arg, const struct store_report *r)
{
	struct cmd_alert *a = arg;

	a->found = 1;
	a->r = r;
	if (store_report_recipients(a->srv->store, r, a->wide,
	    cmd_alert_account, a) != STORE_OK)
		log_error("report %lld: cannot read whom to alert",
		    (long long)r->id);
	a->r = NULL;
	return 1;
}

/* Alert everyone the report goes to (wide: everyone who may act on
 * it); how many connections were sent it. */
static int
cmd_alert(struct server *srv, int64_t report, int wide)
{
	struct cmd_alert a;

	memset(&a, 0, sizeof a);
	a.srv = srv;
	a.wide = wide;
	if (store_report_by_id(srv->store, report, cmd_alert_report, &a) !=
	    STORE_OK || !a.found)
		log_error("report %lld: cannot read it to alert",
		    (long long)report);
	return a.sent;
}

static int
cmd_alert_replay(void *arg, const struct store_report *r)
{
	struct conn *c = arg;
	json_t *ev;

	if ((ev = cmd_alert_event((void *)r, &c->acct)) != NULL) {
		conn_send_event(c, ev);
		json_decref(ev);
	}
	return 0;
}

struct cmd_alert_list {
	const struct store_ident	*who;
	json_t				*list;
};

static int
cmd_alert_list_add(void *arg, const struct store_report *r)
{
	struct cmd_alert_list *l = arg;

	if (access_acts_on_report(l->who, r))
		json_array_append_new(l->list, cmd_report_object(r, l->who));
	return 0;
}

json_t *
cmd_report_alerts(struct conn *c)
{
	struct cmd_alert_list l = { &c->acct, json_array() };
	struct store_viewer v;
	int more;

	if (!access_handles_reports(&c->acct))
		return l.list;
	view_viewer(&v, &c->acct);
	if (store_reports(c->srv->store, &v, c->acct.lead, 0,
	    STORE_REPORTS_ALERT, 0, CMD_ALERTS_REPLAY, cmd_alert_list_add, &l,
	    &more) != STORE_OK) {
		json_decref(l.list);
		return NULL;
	}
	return l.list;
}

void
cmd_report_subscribed(struct conn *c)
{
	struct store_viewer v;
	int more;

	if (!access_handles_reports(&c->acct))
		return;
	view_viewer(&v, &c->acct);
	if (store_reports(c->srv->store, &v, c->acct.lead, 0,
	    STORE_REPORTS_ALERT, 0, CMD_ALERTS_REPLAY, cmd_alert_replay, c,
	    &more) != STORE_OK)
		log_error("conn %llu: cannot read its alerts",
		    (unsigned long long)c->id);
}

int64_t
cmd_report_alert_count(struct conn *c)
{
	struct store_viewer v;
	int64_t n = 0;

	if (!access_handles_reports(&c->acct))
		return 0;
	view_viewer(&v, &c->acct);
	if (store_report_alerts(c->srv->store, &v, c->acct.lead, &n) !=
	    STORE_OK)
		return 0;
	return n;
}

/* ---- report --------------------------------------------------------- */

static void
cmd_report_written(struct store_write *w)
{
	struct conn *c = w->ctx;
	int sent = 0;

	if (w->result == STORE_OK) {
		if (w->flag && !c->srv->stopping)
			sent = cmd_alert(c->srv, w->report, 0);
		log_info("report %lld of post %lld in %s by %s%s: alerted "
		    "on %d connection(s)", (long long)w->report,
		    (long long)w->post, w->name, w->actor,
		    w->flag ? ", urgent" : "", sent);
	}
	cmd_write_reply(w, json_pack("{s:I}", "report", (json_int_t)w->report),
	    "no such post");
	cmd_write_finish(w);
}

static void
cmd_report(struct cmd_q *q)
{
	struct store_write *w;
	const char *reason;
	int urgent = 0;

	if (proto_get_bool(q->req, "urgent", &urgent) != PROTO_OK)
		return cmd_bad_field(q->c, q->req, "urgent");
	if (cmd_get_reason(q, "reason", 1, &reason) != 0)
		return;
	w = cmd_write_new(q->c, q->req, SW_REPORT, cmd_report_written);
	w->post = q->post.id;
	w->channel = q->ch.id;
	w->flag = urgent != 0;
	strlcpy_h(w->name, q->ch.name, sizeof w->name);
	w->body = xstrdup(reason);
	store_submit(q->c->srv->store, w);
}

/* ---- acting on reports ---------------------------------------------- */

/* Only those who act on some reports (moderators, leads) ask for them. */
static int
cmd_reports_check(struct cmd_q *q)
{
	if (access_handles_reports(&q->c->acct))
		return 0;
	conn_reply_err(q->c, q->req->id, PROTO_E_FORBIDDEN,
	    "only moderators and safeguarding leads act on reports");
	return -1;
}

struct cmd_report_found {
	struct conn		*c;
	const struct store_ident *who;
	int			 acts;
};

/* A report of a post in a private group is for those in it alone. */
static int
cmd_report_acts(void *arg, const struct store_report *r)
{
	struct cmd_report_found *f = arg;

	f->acts = access_acts_on_report(f->who, r) &&
	    (r->channel_kind != STORE_CHANNEL_GROUP ||
	    store_is_member(f->c->srv->store, f->who->id, r->channel_id) == 1);
	return 1;
}

/* mod.ack, mod.resolve: a report the caller may act on. Any other,
 * one of another organisation included, answers as a missing one. */
static int
cmd_report_check(struct cmd_q *q)
{
	struct cmd_report_found f;
	int64_t id;

	if (proto_get_int(q->req, "report", 1, 1, PROTO_ID_MAX, &id, NULL) !=
	    PROTO_OK) {
		cmd_bad_field(q->c, q->req, "report");
		return -1;
	}
	f.c = q->c;
	f.who = &q->c->acct;
	f.acts = 0;
	if (store_report_by_id(q->c->srv->store, id, cmd_report_acts, &f) !=
	    STORE_OK) {
		conn_reply_err(q->c, q->req->id, PROTO_E_INTERNAL, NULL);
		return -1;
	}
	if (!f.acts) {
		conn_reply_err(q->c, q->req->id, PROTO_E_NOT_FOUND,
		    "no such report");
		return -1;
	}
	return 0;
}

static void
cmd_report_moved(struct store_write *w)
{
	struct conn *c = w->ctx;
	int resolve = w->action == SA_RESOLVE;
	char msg[96];

	if (w->result == STORE_OK) {
		log_info("report %lld %s by %s", (long long)w->report,
		    resolve ? "resolved" : "acknowledged", w->actor);
		/* The reporter hears that it was resolved, and nothing
		 * more: a notice in their inbox, pushed as the bus decides
		 * (not at night). */
		if (resolve && w->nids > 0 && !c->srv->stopping)
			cmd_inbox_push(c->srv, w, STORE_INBOX_NOTICE,
			    w->report);
	}
	if (conn_is_open(c)) {
		snprintf(msg, sizeof msg, "report %lld is %s already",
		    (long long)w->report, cmd_report_state(w->state));
		if (w->result == STORE_OK)
			conn_reply_ok(c, w->arg, json_pack("{s:I, s:s}",
			    "report", (json_int_t)w->report, "state",
			    resolve ? "resolved" : "acknowledged"));
		else if (w->result == STORE_NOTFOUND)
			conn_reply_err(c, w->arg, PROTO_E_NOT_FOUND,
			    "no such report");
		else if (w->result == STORE_INVALID)
			conn_reply_err(c, w->arg, PROTO_E_BAD_STATE, msg);
		else
			cmd_reply_store_err(c, w->arg, w->result);
	}
	cmd_write_finish(w);
}

static void
cmd_report_move(struct cmd_q *q, enum store_action action)
{
	struct store_write *w;
	const char *note = NULL;
	int64_t id = 0;

	/* Checked by cmd_report_check. */
	proto_get_int(q->req, "report", 1, 1, PROTO_ID_MAX, &id, NULL);
	if (action == SA_RESOLVE && cmd_get_reason(q, "note", 1, &note) != 0)
		return;
	w = cmd_write_new(q->c, q->req, SW_REPORT_STATE, cmd_report_moved);
	w->report = id;
	w->action = action;
	w->body = note != NULL ? xstrdup(note) : NULL;
	store_submit(q->c->srv->store, w);
}

static void
cmd_mod_ack(struct cmd_q *q)
{
	cmd_report_move(q, SA_ACK);
}

static void
cmd_mod_resolve(struct cmd_q *q)
{
	cmd_report_move(q, SA_RESOLVE);
}

/* ---- listing reports ------------------------------------------------ */

struct cmd_report_list {
	const struct store_ident *who;
	json_t			*list;
};

static int
cmd_report_list_add(void *arg, const struct store_report *r)
{
	struct cmd_report_list *l = arg;

	json_array_append_new(l->list, cmd_report_object(r, l->who));
	return 0;
}

/* Reports the caller may act on into l->list; STORE_OK or an error. */
static int
cmd_report_list(struct conn *c, struct cmd_report_list *l, int64_t channel,
    int flags, int64_t since, int limit, int *more)
{
	struct store_viewer v;

	view_viewer(&v, &c->acct);
	l->who = &c->acct;
	l->list = json_array();
	return store_reports(c->srv->store, &v, c->acct.lead, channel, flags,
	    since, limit, cmd_report_list_add, l, more);
}

static void
cmd_mod_reports(struct cmd_q *q)
{
	struct conn *c = q->c;
	struct cmd_report_list l;
	int64_t since = 0, limit = PROTO_PAGE_DEFAULT;
	int open = 0, more = 0;

	if (proto_get_bool(q->req, "open", &open) != PROTO_OK)
		return cmd_bad_field(c, q->req, "open");
	if (proto_get_int(q->req, "since", 0, 0, PROTO_ID_MAX, &since, NULL) !=
	    PROTO_OK)
		return cmd_bad_field(c, q->req, "since");
	if (proto_get_int(q->req, "limit", 0, 1, PROTO_PAGE_MAX, &limit,
	    NULL) != PROTO_OK)
		return cmd_bad_field(c, q->req, "limit");
	if (cmd_report_list(c, &l, 0, open ? STORE_REPORTS_OPEN : 0, since,
	    (int)limit, &more) != STORE_OK) {
		json_decref(l.list);
		return conn_reply_err(c, q->req->id, PROTO_E_INTERNAL, NULL);
	}
	conn_reply_ok(c, q->req->id, json_pack("{s:o, s:b}", "reports",
	    l.list, "more", more));
}

/* mod.queue: of one channel, which the caller must moderate or, as a
 * lead, may hold reports in; q->ch gets it (id 0: every channel). */
static int
cmd_queue_check(struct cmd_q *q)
{
	const char *name;
	int has = 0;

	if (cmd_reports_check(q) != 0)
		return -1;
	if (proto_get_str(q->req, "channel", 0, &name, &has) != PROTO_OK) {
		cmd_bad_field(q->c, q->req, "channel");
		return -1;
	}
	memset(&q->ch, 0, sizeof q->ch);
	if (!has)
		return 0;
	if (cmd_channel_named(q->c, q->req, name, &q->ch) != 0)
		return -1;
	if (access_moderates(&q->c->acct, &q->ch) || q->c->acct.lead)
		return 0;
	conn_reply_err(q->c, q->req->id, PROTO_E_FORBIDDEN,
	    "only its moderators see a channel's queue");
	return -1;
}

struct cmd_held {
	struct store_viewer	 v;
	json_t			*list;
};

static int
cmd_held_add(void *arg, const struct store_post *p)
{
	struct cmd_held *h = arg;
	struct proto_post wire;

	if (view_post(&h->v, p, &wire) != VIEW_NONE)
		json_array_append_new(h->list, proto_event_post(&wire));
	return 0;
}

static void
cmd_mod_queue(struct cmd_q *q)
{
	struct conn *c = q->c;
	struct cmd_report_list l;
	struct cmd_held h;
	int more_held = 0, more_reports = 0, rc;

	view_viewer(&h.v, &c->acct);
	h.list = json_array();
	rc = store_held(c->srv->store, &h.v, q->ch.id, PROTO_PAGE_DEFAULT,
	    cmd_held_add, &h, &more_held);
	if (cmd_report_list(c, &l, q->ch.id, STORE_REPORTS_OPEN, 0,
	    PROTO_PAGE_DEFAULT, &more_reports) != STORE_OK || rc != STORE_OK) {
		json_decref(h.list);
		json_decref(l.list);
		return conn_reply_err(c, q->req->id, PROTO_E_INTERNAL, NULL);
	}
	conn_reply_ok(c, q->req->id, json_pack("{s:o, s:o, s:b}", "held",
	    h.list, "reports", l.list, "more", more_held || more_reports));
}

/* ---- safeguarding leads --------------------------------------------- */

/* An admin names any organisation; an org-admin only their own, and
 * learns nothing about whether another exists. */
static int
cmd_lead_check(struct cmd_q *q)
{
	struct conn *c = q->c;
	const char *org;
	int64_t id;

	if (proto_get_str(q->req, "org", 1, &org, NULL) != PROTO_OK) {
		cmd_bad_field(c, q->req, "org");
		return -1;
	}
	if (!(access_caps(c->acct.role) & CAP_ADMIN) &&
	    strcmp(org, c->acct.org) != 0) {
		conn_reply_err(c, q->req->id, PROTO_E_FORBIDDEN,
		    "org-admins name safeguarding leads of their own "
		    "organisation");
		return -1;
	}
	if (store_org_by_name(c->srv->store, org, &id) != STORE_OK) {
		conn_reply_err(c, q->req->id, PROTO_E_NOT_FOUND,
		    "no such organisation");
		return -1;
	}
	return 0;
}

static void
cmd_lead_reply(struct store_write *w)
{
	struct conn *c = w->ctx;
	const char *org = w->reason;
	char msg[160];

	if (w->result == STORE_OK)
		conn_reply_ok(c, w->arg, json_pack("{s:s, s:s, s:b}", "org",
		    org, "user", w->name, "lead", w->flag));
	else if (w->result == STORE_NOTFOUND) {
		snprintf(msg, sizeof msg, "no such user in %s", org);
		conn_reply_err(c, w->arg, PROTO_E_NOT_FOUND, msg);
	} else if (w->result == STORE_INVALID) {
		snprintf(msg, sizeof msg, "%s is %s a safeguarding lead of %s",
		    w->name, w->flag ? "already" : "not", org);
		conn_reply_err(c, w->arg, PROTO_E_BAD_STATE, msg);
	} else
		cmd_reply_store_err(c, w->arg, w->result);
}

static void
cmd_lead_written(struct store_write *w)
{
	struct conn *c = w->ctx;
	struct store_account a;

	if (w->result == STORE_OK) {
		log_info("%s %s a safeguarding lead of %s by %s", w->name,
		    w->flag ? "made" : "no longer", w->reason, w->actor);
		/* Its live connections moderate (or stop) at once. */
		if (store_account_by_id(c->srv->store, w->target, &a) ==
		    STORE_OK)
			live_refresh_account(c->srv, &a);
		OPENSSL_cleanse(&a, sizeof a);
	}
	if (conn_is_open(c))
		cmd_lead_reply(w);
	cmd_write_finish(w);
}

static void
cmd_org_lead(struct cmd_q *q)
{
	struct conn *c = q->c;
	struct store_write *w;
	const char *org = NULL, *user;
	int64_t org_id = 0;
	int remove = 0;

	/* The organisation was checked by cmd_lead_check. */
	proto_get_str(q->req, "org", 1, &org, NULL);
	if (org == NULL || store_org_by_name(c->srv->store, org, &org_id) !=
	    STORE_OK)
		return conn_reply_err(c, q->req->id, PROTO_E_INTERNAL, NULL);
	if (proto_get_str(q->req, "user", 1, &user, NULL) != PROTO_OK)
		return cmd_bad_field(c, q->req, "user");
	if (proto_check_user(user) != PROTO_OK)
		return conn_reply_err(c, q->req->id, PROTO_E_BAD_NAME,
		    "user names are 1-" PROTO_XSTR(PROTO_MAX_NAME)
		    " of a-z 0-9 . _ -");
	if (proto_get_bool(q->req, "remove", &remove) != PROTO_OK)
		return cmd_bad_field(c, q->req, "remove");
	w = cmd_write_new(c, q->req, SW_LEAD, cmd_lead_written);
	w->org = org_id;
	w->flag = !remove;
	strlcpy_h(w->name, user, sizeof w->name);
	w->reason = xstrdup(org);	/* for the reply and the log */
	store_submit(c->srv->store, w);
}

/* ---- escalation ----------------------------------------------------- */

static void
cmd_escalated(struct store_write *w)
{
	struct server *srv = w->ctx;
	int sent;

	srv->escalating--;
	if (w->result == STORE_OK && !srv->stopping) {
		sent = cmd_alert(srv, w->report, 1);
		log_info("report %lld escalated: not acknowledged within %d "
		    "minute(s); alerted on %d connection(s)",
		    (long long)w->report, srv->cf.urgent_ack_minutes, sent);
	} else if (w->result != STORE_OK && w->result != STORE_INVALID)
		log_error("report %lld: escalation not stored",
		    (long long)w->report);
	store_write_free(w);
}

static int
cmd_escalate_due(void *arg, int64_t report)
{
	struct server *srv = arg;
	struct store_write *w = store_write_new(SW_REPORT_ESCALATE);

	w->now = now_seconds();
	w->report = report;
	w->ctx = srv;
	w->done = cmd_escalated;
	srv->escalating++;
	store_submit(srv->store, w);
	return 0;
}

/* Once a second: urgent reports past urgent_ack_minutes, a bounded
 * batch, and none while the last batch is in flight (so none is sent
 * twice; the store's own condition makes sure of it too). */
static void
cmd_escalate_tick(evutil_socket_t fd, short what, void *arg)
{
	struct server *srv = arg;
	int64_t before;

	(void)fd;
	(void)what;
	if (srv->stopping || srv->escalating > 0)
		return;
	before = now_seconds() - (int64_t)srv->cf.urgent_ack_minutes * 60;
	if (store_reports_due(srv->store, before, CMD_ESCALATE_BATCH,
	    cmd_escalate_due, srv) != STORE_OK)
		log_error("cannot read the reports due for escalation");
}

void
cmd_report_start(struct server *srv)
{
	struct timeval tv = { CMD_ESCALATE_TICK, 0 };

	srv->escalate_ev = event_new(srv->base, -1, EV_PERSIST,
	    cmd_escalate_tick, srv);
	event_add(srv->escalate_ev, &tv);
}

void
cmd_report_stop(struct server *srv)
{
	if (srv->escalate_ev == NULL)
		return;
	event_free(srv->escalate_ev);
	srv->escalate_ev = NULL;
}

const struct cmd_entry cmd_report_entries[] = {
	{ "report", CMD_AUTH, CAP_MEMBER, CMD_T_POST, NULL, cmd_report },
	{ "mod.reports", CMD_AUTH, CAP_MEMBER, CMD_T_NONE, cmd_reports_check,
	    cmd_mod_reports },
	{ "mod.queue", CMD_AUTH, CAP_MEMBER, CMD_T_NONE, cmd_queue_check,
	    cmd_mod_queue },
	{ "mod.ack", CMD_AUTH, CAP_MEMBER, CMD_T_NONE, cmd_report_check,
	    cmd_mod_ack },
	{ "mod.resolve", CMD_AUTH, CAP_MEMBER, CMD_T_NONE, cmd_report_check,
	    cmd_mod_resolve },
	{ "org.lead", CMD_AUTH, CAP_ORG_ADMIN, CMD_T_NONE, cmd_lead_check,
	    cmd_org_lead },
	{ NULL, 0, 0, CMD_T_NONE, NULL, NULL }
};
