/*
 * cmd-calendar.c: the programme's calendar on the wire: workshops,
 * coaching sessions and a set's meetings that people sign up to, are
 * reminded of, and whose attendance is recorded where it happens.
 *
 * Times are taken as a wall-clock time in a named zone and stored in
 * UTC with that zone (hours.c, the system tz database), so a session
 * keeps its hour across a clock change. Who sees an event follows its
 * channel (a group's events are its members' alone, answering anyone
 * else as an event that does not exist), else its organisation (an
 * org-admin's), else the whole network. Notices of a place come free,
 * a cancellation, and reminders 24 hours and 1 hour before are inbox
 * items, so the bus holds them back outside people's working hours.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "access.h"
#include "bus.h"
#include "cmd.h"
#include "conn.h"
#include "hours.h"
#include "server.h"
#include "store.h"
#include "util.h"

#define CMD_EVENT_MAX_MINUTES	1440	/* a day */
#define CMD_EVENT_MAX_CAPACITY	100000
#define CMD_EVENT_PLACE		200	/* bytes of "where" */
#define CMD_EVENTS_LIMIT	200
#define CMD_EVENTS_DEFAULT	50
#define CMD_CALENDAR_TICK	1	/* seconds between looks at reminders */

static const char *const cmd_answers[] = {
	[STORE_RSVP_YES] = "yes", [STORE_RSVP_MAYBE] = "maybe",
	[STORE_RSVP_NO] = "no", [STORE_RSVP_WAITING] = "waiting",
};

/* ---- the event object, and who sees it ------------------------------- */

static int
cmd_event_visible(struct server *srv, const struct store_ident *who,
    const struct store_event *e)
{
	struct store_channel ch;

	if (e->channel_id == 0)
		return e->org_id == 0 || e->org_id == who->org_id;
	memset(&ch, 0, sizeof ch);
	ch.id = e->channel_id;
	ch.kind = e->channel_kind;
	ch.peer = e->channel_kind == STORE_CHANNEL_PEER;
	ch.org_id = e->channel_org;
	if (ch.kind == STORE_CHANNEL_GROUP || ch.kind == STORE_CHANNEL_DM)
		return store_is_member(srv->store, who->id, ch.id) == 1;
	return access_can_see(who, &ch);
}

static json_t *
cmd_event_json(const struct store_event *e)
{
	char start[PROTO_TS_LEN], end[PROTO_TS_LEN], local[96];
	json_t *o, *tags = json_array();
	const char *t = e->tags, *nl;

	while (t != NULL && *t != '\0') {
		nl = strchr(t, '\n');
		json_array_append_new(tags, json_stringn(t, nl != NULL ?
		    (size_t)(nl - t) : strlen(t)));
		t = nl != NULL ? nl + 1 : t + strlen(t);
	}
	proto_ts_format(e->start, start);
	proto_ts_format(e->start + e->duration * 60, end);
	if (hours_date(e->tz, e->start, local, sizeof local) != 0)
		local[0] = '\0';
	o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:o,"
	    " s:I, s:I, s:I, s:I}", "event", (json_int_t)e->id, "title",
	    e->title, "start", start, "end", end, "tz", e->tz, "local", local,
	    "duration", (json_int_t)e->duration, "by", e->by, "org", e->org,
	    "tags", tags, "yes", (json_int_t)e->yes, "maybe",
	    (json_int_t)e->maybe, "waiting", (json_int_t)e->waiting,
	    "attended", (json_int_t)e->attended);
	if (e->capacity > 0) {
		json_object_set_new(o, "capacity", json_integer(e->capacity));
		json_object_set_new(o, "places", json_integer(e->capacity >
		    e->yes ? e->capacity - e->yes : 0));
	}
	if (e->place != NULL)
		json_object_set_new(o, "where", json_string(e->place));
	if (e->channel != NULL)
		json_object_set_new(o, "channel", json_string(e->channel));
	if (e->summary != NULL)
		json_object_set_new(o, "summary", json_string(e->summary));
	if (e->mine > 0 && e->mine <= STORE_RSVP_WAITING)
		json_object_set_new(o, "mine", json_string(
		    cmd_answers[e->mine]));
	if (e->mine == STORE_RSVP_WAITING)
		json_object_set_new(o, "position", json_integer(e->position));
	if (e->cancelled_at != 0)
		json_object_set_new(o, "cancelled", json_pack("{s:s}",
		    "reason", e->cancel_reason != NULL ? e->cancel_reason : ""));
	return o;
}

struct cmd_event_one {
	struct server		*srv;
	const struct store_ident *who;
	json_t			*obj;
	struct store_event	 e;	/* its strings not kept */
};

static int
cmd_event_one(void *arg, const struct store_event *e)
{
	struct cmd_event_one *one = arg;

	if (!cmd_event_visible(one->srv, one->who, e))
		return 1;
	one->obj = cmd_event_json(e);
	one->e = *e;
	return 1;
}

json_t *
cmd_event_for(struct server *srv, const struct store_ident *who,
    int64_t event)
{
	struct cmd_event_one one;

	memset(&one, 0, sizeof one);
	one.srv = srv;
	one.who = who;
	if (store_event_by_id(srv->store, event, who->id, cmd_event_one,
	    &one) != STORE_OK)
		return NULL;
	return one.obj;
}

/* The request's "event", one the caller sees: 0 (one->obj, one->e), or
 * -1 answered; unseen answers as missing. */
static int
cmd_event_get(struct cmd_q *q, struct cmd_event_one *one)
{
	int64_t id;

	memset(one, 0, sizeof *one);
	one->srv = q->c->srv;
	one->who = &q->c->acct;
	if (proto_get_int(q->req, "event", 1, 1, INT64_MAX, &id, NULL) !=
	    PROTO_OK) {
		cmd_bad_field(q->c, q->req, "event");
		return -1;
	}
	if (store_event_by_id(q->c->srv->store, id, q->c->acct.id,
	    cmd_event_one, one) != STORE_OK) {
		conn_reply_err(q->c, q->req->id, PROTO_E_INTERNAL, NULL);
		return -1;
	}
	if (one->obj == NULL) {
		conn_reply_err(q->c, q->req->id, PROTO_E_NOT_FOUND,
		    "no such event");
		return -1;
	}
	return 0;
}

/* Its creator, facilitators and admins run an event. */
static int
cmd_event_runs(const struct conn *c, const struct store_event *e)
{
	return e->account_id == c->acct.id ||
	    (access_caps(c->acct.role) & (CAP_FACILITATE | CAP_ADMIN)) != 0;
}

/* ---- event.create ----------------------------------------------------- */

/* "2025-03-04 14:00" in tz, a time to come, into *t; 0, or -1 answered. */
static int
cmd_event_start(struct cmd_q *q, const char *at, const char *tz, int64_t *t)
{
	char msg[HOURS_MAX_TZ + 96], tail;
	struct tm tm;
	int y, mo, d, h, mi;

	if (!hours_tz_valid(tz)) {
		snprintf(msg, sizeof msg, "unknown time zone: %.*s (a name from "
		    "the tz database, such as Europe/London)", HOURS_MAX_TZ, tz);
		goto bad;
	}
	memset(&tm, 0, sizeof tm);
	if (sscanf(at, "%4d-%2d-%2d %2d:%2d%c", &y, &mo, &d, &h, &mi,
	    &tail) != 5 || strlen(at) != 16 || y < 2000 || y > 2999 ||
	    mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || h < 0 ||
	    mi < 0)
		goto shape;
	/* A real day of the month: timegm would roll 31 April over. */
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	(void)timegm(&tm);
	if (tm.tm_mday != d || tm.tm_mon != mo - 1)
		goto shape;
	if (hours_local(tz, y, mo, d, h, mi, t) != 0)
		goto shape;
	if (*t <= now_seconds()) {
		snprintf(msg, sizeof msg, "%s in %s has passed", at, tz);
		goto bad;
	}
	return 0;
shape:
	snprintf(msg, sizeof msg, "\"at\" is a date and time, "
	    "\"YYYY-MM-DD HH:MM\"");
bad:
	conn_reply_err(q->c, q->req->id, PROTO_E_BAD_REQUEST, msg);
	return -1;
}

/* Title, summary, place, capacity, duration into w: 0, or -1 answered. */
static int
cmd_event_texts(struct cmd_q *q, struct store_write *w)
{
	const char *title, *summary = NULL, *place = NULL;
	int64_t minutes, cap = 0;
	enum proto_err err;

	if (proto_get_str(q->req, "title", 1, &title, NULL) != PROTO_OK) {
		cmd_bad_field(q->c, q->req, "title");
		return -1;
	}
	if ((err = proto_check_title(title)) != PROTO_OK ||
	    (proto_get_str(q->req, "summary", 0, &summary, NULL) == PROTO_OK &&
	    summary != NULL && (err = proto_check_summary(summary)) !=
	    PROTO_OK) || (proto_get_str(q->req, "where", 0, &place, NULL) ==
	    PROTO_OK && place != NULL && (strlen(place) > CMD_EVENT_PLACE ?
	    (err = PROTO_E_TOO_LARGE) : (err = proto_check_title(place))) !=
	    PROTO_OK)) {
		conn_reply_err(q->c, q->req->id, err, NULL);
		return -1;
	}
	if (proto_get_int(q->req, "duration", 1, 1, CMD_EVENT_MAX_MINUTES,
	    &minutes, NULL) != PROTO_OK || proto_get_int(q->req, "capacity", 0,
	    1, CMD_EVENT_MAX_CAPACITY, &cap, NULL) != PROTO_OK) {
		conn_reply_err(q->c, q->req->id, PROTO_E_BAD_REQUEST,
		    "\"duration\" is 1 to " PROTO_XSTR(CMD_EVENT_MAX_MINUTES)
		    " minutes (a day), \"capacity\" 1 to "
		    PROTO_XSTR(CMD_EVENT_MAX_CAPACITY));
		return -1;
	}
	w->title = xstrdup(title);
	w->body = summary != NULL ? xstrdup(summary) : NULL;
	w->note = place != NULL ? xstrdup(place) : NULL;
	w->slow = minutes;
	w->size = cap;
	return 0;
}

static void
cmd_event_created(struct store_write *w)
{
	struct conn *c = w->ctx;
	json_t *ev = NULL;

	if (w->result == STORE_OK) {
		log_info("event %lld made by %s", (long long)w->eid, w->actor);
		if (w->nids > 0)
			cmd_inbox_push_note(c->srv, w, STORE_INBOX_EVENT,
			    w->eid, "announced");
		ev = cmd_event_for(c->srv, &c->acct, w->eid);
	}
	cmd_write_reply(w, ev != NULL ? ev : json_object(), NULL);
	cmd_write_finish(w);
}

static void
cmd_event_create(struct cmd_q *q)
{
	struct conn *c = q->c;
	struct store_channel ch;
	struct store_write *w;
	const char *at, *tz, *name;
	int has_channel = 0;
	int64_t start;

	if (proto_get_str(q->req, "at", 1, &at, NULL) != PROTO_OK ||
	    proto_get_str(q->req, "tz", 1, &tz, NULL) != PROTO_OK)
		return cmd_bad_field(c, q->req, "at\" and \"tz");
	if (cmd_event_start(q, at, tz, &start) != 0)
		return;
	if (proto_get_str(q->req, "channel", 0, &name, &has_channel) !=
	    PROTO_OK)
		return cmd_bad_field(c, q->req, "channel");
	if (has_channel && cmd_channel_named(c, q->req, name, &ch) != 0)
		return;
	w = cmd_write_new(c, q->req, SW_EVENT_CREATE, cmd_event_created);
	if (cmd_event_texts(q, w) != 0 || cmd_get_tags(q, w, 0) != 0) {
		cmd_write_finish(w);
		return;
	}
	w->until = start;
	strlcpy_h(w->name, tz, sizeof w->name);
	w->channel = has_channel ? ch.id : 0;
	/* An org-admin's event is their organisation's, unless a channel
	 * says who sees it. */
	if (!has_channel && !(access_caps(c->acct.role) &
	    (CAP_FACILITATE | CAP_ADMIN)))
		w->org = c->acct.org_id;
	store_submit(c->srv->store, w);
}

/* ---- listing and showing ------------------------------------------------ */

struct cmd_event_list {
	struct server		*srv;
	const struct store_ident *who;
	json_t			*list;
};

static int
cmd_event_list_add(void *arg, const struct store_event *e)
{
	struct cmd_event_list *l = arg;

	if (cmd_event_visible(l->srv, l->who, e))
		json_array_append_new(l->list, cmd_event_json(e));
	return 0;
}

static void
cmd_event_list(struct cmd_q *q)
{
	struct conn *c = q->c;
	struct cmd_event_list l = { c->srv, &c->acct, NULL };
	int64_t limit = CMD_EVENTS_DEFAULT;
	const char *tag = NULL;
	int upcoming = 0, past = 0;

	if (proto_get_bool(q->req, "upcoming", &upcoming) != PROTO_OK ||
	    proto_get_bool(q->req, "past", &past) != PROTO_OK ||
	    proto_get_int(q->req, "limit", 0, 1, CMD_EVENTS_LIMIT, &limit,
	    NULL) != PROTO_OK)
		return cmd_bad_field(c, q->req, "upcoming\", \"past\" or "
		    "\"limit");
	if (proto_get_str(q->req, "tag", 0, &tag, NULL) != PROTO_OK ||
	    (tag != NULL && proto_check_tag(tag) != PROTO_OK))
		return conn_reply_err(c, q->req->id, PROTO_E_BAD_NAME,
		    "tags are 1-" PROTO_XSTR(PROTO_MAX_TAG) " of a-z 0-9 -");
	if (upcoming && past)
		return conn_reply_err(c, q->req->id, PROTO_E_BAD_REQUEST,
		    "upcoming or past, not both");
	l.list = json_array();
	if (store_events(c->srv->store, now_seconds(), past, tag, c->acct.id,
	    (int)limit, cmd_event_list_add, &l) != STORE_OK) {
		json_decref(l.list);
		return conn_reply_err(c, q->req->id, PROTO_E_INTERNAL, NULL);
	}
	conn_reply_ok(c, q->req->id, json_pack("{s:o}", "events", l.list));
}

static void
cmd_event_show(struct cmd_q *q)
{
	struct cmd_event_one one;

	if (cmd_event_get(q, &one) != 0)
		return;
	conn_reply_ok(q->c, q->req->id, json_pack("{s:o}", "event", one.obj));
}

/* ---- answers, cancelling, attendance ------------------------------- */

static void
cmd_rsvp_written(struct store_write *w)
{
	struct conn *c = w->ctx;
	json_t *res;

	/* The one moved up from the waiting list is told. */
	if (w->result == STORE_OK && w->nids > 0)
		cmd_inbox_push_note(c->srv, w, STORE_INBOX_EVENT, w->post,
		    "a place came free: you are in");
	if (w->result == STORE_INVALID && conn_is_open(c))
		conn_reply_err(c, w->arg, PROTO_E_BAD_STATE, w->state == 1 ?
		    "that event is cancelled" : "that event is over");
	else {
		res = json_pack("{s:I, s:s}", "event", (json_int_t)w->post,
		    "answer", w->flag > 0 && w->flag <= STORE_RSVP_WAITING ?
		    cmd_answers[w->flag] : "");
		if (w->flag == STORE_RSVP_WAITING)
			json_object_set_new(res, "position",
			    json_integer(w->size));
		cmd_write_reply(w, res, "no such event");
	}
	cmd_write_finish(w);
}

static void
cmd_event_rsvp(struct cmd_q *q)
{
	struct cmd_event_one one;
	struct store_write *w;
	const char *answer;
	int a;

	if (cmd_event_get(q, &one) != 0)
		return;
	json_decref(one.obj);
	if (proto_get_str(q->req, "answer", 1, &answer, NULL) != PROTO_OK)
		return cmd_bad_field(q->c, q->req, "answer");
	for (a = STORE_RSVP_YES; a <= STORE_RSVP_NO; a++)
		if (strcmp(answer, cmd_answers[a]) == 0)
			break;
	if (a > STORE_RSVP_NO)
		return conn_reply_err(q->c, q->req->id, PROTO_E_BAD_REQUEST,
		    "\"answer\" is yes, no or maybe");
	w = cmd_write_new(q->c, q->req, SW_EVENT_RSVP, cmd_rsvp_written);
	w->post = one.e.id;
	w->flag = a;
	store_submit(q->c->srv->store, w);
}

static void
cmd_cancel_written(struct store_write *w)
{
	struct conn *c = w->ctx;

	if (w->result == STORE_OK && w->nids > 0)
		cmd_inbox_push_note(c->srv, w, STORE_INBOX_EVENT, w->post,
		    w->reason);
	if (w->result == STORE_INVALID && conn_is_open(c))
		conn_reply_err(c, w->arg, PROTO_E_BAD_STATE,
		    "that event is cancelled already");
	else
		cmd_write_reply(w, json_pack("{s:I, s:b}", "event",
		    (json_int_t)w->post, "cancelled", 1), "no such event");
	cmd_write_finish(w);
}

static void
cmd_event_cancel(struct cmd_q *q)
{
	struct cmd_event_one one;
	struct store_write *w;
	const char *reason;
	char note[PROTO_MAX_REASON + 16];

	if (cmd_event_get(q, &one) != 0)
		return;
	json_decref(one.obj);
	if (!cmd_event_runs(q->c, &one.e))
		return conn_reply_err(q->c, q->req->id, PROTO_E_FORBIDDEN,
		    "only its creator, a facilitator or an admin cancels it");
	if (one.e.start + one.e.duration * 60 <= now_seconds())
		return conn_reply_err(q->c, q->req->id, PROTO_E_BAD_STATE,
		    "that event is over");
	if (cmd_get_reason(q, "reason", 1, &reason) != 0)
		return;
	w = cmd_write_new(q->c, q->req, SW_EVENT_CANCEL, cmd_cancel_written);
	w->post = one.e.id;
	w->body = xstrdup(reason);
	snprintf(note, sizeof note, "cancelled: %s", reason);
	w->reason = xstrdup(note);
	store_submit(q->c->srv->store, w);
}

struct cmd_who_came {
	json_t	*yes, *maybe, *waiting, *attended;
};

static int
cmd_attendee_add(void *arg, const char *user, int answer, int attended)
{
	struct cmd_who_came *w = arg;

	if (answer == STORE_RSVP_YES)
		json_array_append_new(w->yes, json_string(user));
	else if (answer == STORE_RSVP_MAYBE)
		json_array_append_new(w->maybe, json_string(user));
	else if (answer == STORE_RSVP_WAITING)
		json_array_append_new(w->waiting, json_string(user));
	if (attended)
		json_array_append_new(w->attended, json_string(user));
	return 0;
}

static void
cmd_event_attendees(struct cmd_q *q)
{
	struct cmd_event_one one;
	struct cmd_who_came w;

	if (cmd_event_get(q, &one) != 0)
		return;
	json_decref(one.obj);
	if (!cmd_event_runs(q->c, &one.e))
		return conn_reply_err(q->c, q->req->id, PROTO_E_FORBIDDEN,
		    "only its creator, facilitators and admins see who comes");
	w.yes = json_array();
	w.maybe = json_array();
	w.waiting = json_array();
	w.attended = json_array();
	if (store_event_rsvps(q->c->srv->store, one.e.id, cmd_attendee_add,
	    &w) != STORE_OK) {
		json_decref(w.yes);
		json_decref(w.maybe);
		json_decref(w.waiting);
		json_decref(w.attended);
		return conn_reply_err(q->c, q->req->id, PROTO_E_INTERNAL, NULL);
	}
	conn_reply_ok(q->c, q->req->id, json_pack("{s:I, s:o, s:o, s:o, s:o}",
	    "event", (json_int_t)one.e.id, "yes", w.yes, "maybe", w.maybe,
	    "waiting", w.waiting, "attended", w.attended));
}

static void
cmd_attended_written(struct store_write *w)
{
	cmd_write_reply(w, json_pack("{s:I, s:O}", "event",
	    (json_int_t)w->post, "attended", (json_t *)w->ctx2),
	    "no such event");
	json_decref(w->ctx2);
	cmd_write_finish(w);
}

static void
cmd_event_attended(struct cmd_q *q)
{
	struct cmd_event_one one;
	struct store_account a;
	struct store_write *w;
	char msg[PROTO_MAX_NAME + 24];
	const char *name;
	json_t *users;
	size_t i, n;

	if (cmd_event_get(q, &one) != 0)
		return;
	json_decref(one.obj);
	if (!cmd_event_runs(q->c, &one.e))
		return conn_reply_err(q->c, q->req->id, PROTO_E_FORBIDDEN,
		    "only its creator, facilitators and admins record who came");
	if (one.e.start > now_seconds())
		return conn_reply_err(q->c, q->req->id, PROTO_E_BAD_STATE,
		    "that event has not started");
	if (one.e.cancelled_at != 0)
		return conn_reply_err(q->c, q->req->id, PROTO_E_BAD_STATE,
		    "that event is cancelled");
	if (proto_get_strarray(q->req, "users", PROTO_GROUP_ADD_MAX, &users,
	    NULL) != PROTO_OK || (n = json_array_size(users)) == 0)
		return conn_reply_err(q->c, q->req->id, PROTO_E_BAD_REQUEST,
		    "\"users\" must name 1 to " PROTO_XSTR(PROTO_GROUP_ADD_MAX)
		    " people");
	w = cmd_write_new(q->c, q->req, SW_EVENT_ATTENDED,
	    cmd_attended_written);
	w->post = one.e.id;
	w->ids = xcalloc(n, sizeof *w->ids);
	for (i = 0; i < n; i++) {
		name = json_string_value(json_array_get(users, i));
		if (proto_check_user(name) != PROTO_OK ||
		    store_account_by_name(q->c->srv->store, name, &a) !=
		    STORE_OK) {
			snprintf(msg, sizeof msg, "no such user: %.*s",
			    PROTO_MAX_NAME, name);
			cmd_write_finish(w);
			return conn_reply_err(q->c, q->req->id,
			    PROTO_E_NOT_FOUND, msg);
		}
		explicit_bzero(a.pwhash, sizeof a.pwhash);
		w->ids[w->nids++] = a.id;
	}
	w->ctx2 = json_incref(users);
	store_submit(q->c->srv->store, w);
}

/* ---- event.update ------------------------------------------------------ */

static void
cmd_updated(struct store_write *w)
{
	struct conn *c = w->ctx;
	json_t *ev = NULL;

	if (w->result == STORE_INVALID && conn_is_open(c))
		conn_reply_err(c, w->arg, PROTO_E_BAD_REQUEST, "more people "
		    "have said yes than that capacity, or it is cancelled");
	else {
		if (w->result == STORE_OK)
			ev = cmd_event_for(c->srv, &c->acct, w->post);
		cmd_write_reply(w, ev != NULL ? ev : json_object(),
		    "no such event");
	}
	cmd_write_finish(w);
}

/* The texts given into w, each checked as at creation: 0, or -1. */
static int
cmd_update_texts(struct cmd_q *q, struct store_write *w)
{
	static const char *const fields[] = { "title", "where", "summary" };
	char **out[] = { &w->title, &w->note, &w->body };
	const char *v;
	enum proto_err err;
	size_t i;

	for (i = 0; i < 3; i++) {
		v = NULL;
		if (proto_get_str(q->req, fields[i], 0, &v, NULL) != PROTO_OK) {
			cmd_bad_field(q->c, q->req, fields[i]);
			return -1;
		}
		if (v == NULL)
			continue;
		err = i == 2 ? proto_check_summary(v) : i == 1 &&
		    strlen(v) > CMD_EVENT_PLACE ? PROTO_E_TOO_LARGE :
		    proto_check_title(v);
		if (err != PROTO_OK) {
			conn_reply_err(q->c, q->req->id, err, NULL);
			return -1;
		}
		*out[i] = xstrdup(v);
	}
	return 0;
}

static void
cmd_event_update(struct cmd_q *q)
{
	struct cmd_event_one one;
	struct store_write *w;
	char msg[96];
	int64_t cap = -1;
	int has_cap = 0;

	if (cmd_event_get(q, &one) != 0)
		return;
	json_decref(one.obj);
	if (!cmd_event_runs(q->c, &one.e))
		return conn_reply_err(q->c, q->req->id, PROTO_E_FORBIDDEN,
		    "only its creator, a facilitator or an admin changes it");
	if (one.e.cancelled_at != 0)
		return conn_reply_err(q->c, q->req->id, PROTO_E_BAD_STATE,
		    "that event is cancelled");
	if (proto_get_int(q->req, "capacity", 0, 0, CMD_EVENT_MAX_CAPACITY,
	    &cap, &has_cap) != PROTO_OK)
		return conn_reply_err(q->c, q->req->id, PROTO_E_BAD_REQUEST,
		    "\"capacity\" is 0 (none) to "
		    PROTO_XSTR(CMD_EVENT_MAX_CAPACITY));
	if (has_cap && cap > 0 && cap < one.e.yes) {
		snprintf(msg, sizeof msg, "%lld people have said yes: the "
		    "capacity is at least %lld", (long long)one.e.yes,
		    (long long)one.e.yes);
		return conn_reply_err(q->c, q->req->id, PROTO_E_BAD_REQUEST,
		    msg);
	}
	w = cmd_write_new(q->c, q->req, SW_EVENT_UPDATE, cmd_updated);
	w->post = one.e.id;
	w->size = has_cap ? cap : -1;
	if (cmd_update_texts(q, w) != 0) {
		cmd_write_finish(w);
		return;
	}
	store_submit(q->c->srv->store, w);
}

/* ---- reminders ------------------------------------------------------------ */

static void
cmd_reminded(struct store_write *w)
{
	struct server *srv = w->ctx;

	srv->reminding--;
	if (w->result == STORE_OK && w->nids > 0) {
		log_info("event %lld: %zu reminded (%s)", (long long)w->post,
		    w->nids, w->flag == 1 ? "a day before" : "an hour before");
		cmd_inbox_push_note(srv, w, STORE_INBOX_REMINDER, w->post,
		    w->flag == 1 ? "tomorrow" : "in an hour");
	} else if (w->result != STORE_OK)
		log_error("event %lld: reminder not stored", (long long)w->post);
	store_write_free(w);
}

static int
cmd_remind_due(void *arg, int64_t event, int which)
{
	struct server *srv = arg;
	struct store_write *w = store_write_new(SW_EVENT_REMIND);

	w->now = now_seconds();
	w->post = event;
	w->flag = which;
	w->ctx = srv;
	w->done = cmd_reminded;
	srv->reminding++;
	store_submit(srv->store, w);
	return 0;
}

/* Once a second; none while the last ones are in flight (the store's
 * mark makes sure none goes twice anyway). */
static void
cmd_calendar_tick(evutil_socket_t fd, short what, void *arg)
{
	struct server *srv = arg;

	(void)fd;
	(void)what;
	if (srv->stopping || srv->reminding > 0)
		return;
	if (store_events_due(srv->store, now_seconds(), cmd_remind_due, srv) !=
	    STORE_OK)
		log_error("cannot read the reminders due");
}

void
cmd_calendar_start(struct server *srv)
{
	struct timeval tv = { CMD_CALENDAR_TICK, 0 };

	srv->calendar_ev = event_new(srv->base, -1, EV_PERSIST,
	    cmd_calendar_tick, srv);
	event_add(srv->calendar_ev, &tv);
}

void
cmd_calendar_stop(struct server *srv)
{
	if (srv->calendar_ev == NULL)
		return;
	event_free(srv->calendar_ev);
	srv->calendar_ev = NULL;
}

#define CMD_EVENT_MAKERS	(CAP_ORG_ADMIN | CAP_FACILITATE | CAP_ADMIN)

const struct cmd_entry cmd_calendar_entries[] = {
	{ "event.create", CMD_AUTH, CMD_EVENT_MAKERS, CMD_T_NONE, NULL,
	    cmd_event_create },
	{ "event.list", CMD_AUTH, CAP_MEMBER, CMD_T_NONE, NULL,
	    cmd_event_list },
	{ "event.show", CMD_AUTH, CAP_MEMBER, CMD_T_NONE, NULL,
	    cmd_event_show },
	{ "event.rsvp", CMD_AUTH, CAP_MEMBER, CMD_T_NONE, NULL,
	    cmd_event_rsvp },
	{ "event.cancel", CMD_AUTH, CAP_MEMBER, CMD_T_NONE, NULL,
	    cmd_event_cancel },
	{ "event.attendees", CMD_AUTH, CAP_MEMBER, CMD_T_NONE, NULL,
	    cmd_event_attendees },
	{ "event.attended", CMD_AUTH, CAP_MEMBER, CMD_T_NONE, NULL,
	    cmd_event_attended },
	{ "event.update", CMD_AUTH, CAP_MEMBER, CMD_T_NONE, NULL,
	    cmd_event_update },
	{ NULL, 0, 0, CMD_T_NONE, NULL, NULL }
};
