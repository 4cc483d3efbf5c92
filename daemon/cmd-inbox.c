/*
 * cmd-inbox.c: the inbox and working hours on the wire: what waits for
 * someone (announcements of resources they follow, posts that name
 * them, notices that their reports were resolved, and the urgent
 * reports they must acknowledge), marking it read, their working hours and their organisation's,
 * and the digest that brings what waited when their hours begin.
 *
 * The bus decides, per person, whether an item is pushed now or waits
 * (bus_inbox); this file builds what is pushed: an item as the wire
 * carries it, in the reader's own view (a post that names them, as they
 * may see it: an anonymous author stays anonymous), and the digest.
 *
 * Working hours are only about what is pushed at someone: whatever
 * the hours, a person can always read everything by asking.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "bus.h"
#include "cmd.h"
#include "conn.h"
#include "hours.h"
#include "server.h"
#include "store.h"
#include "util.h"
#include "view.h"

#define CMD_INBOX_LIMIT		200	/* items per page at most */
#define CMD_INBOX_DEFAULT	50
#define CMD_DIGEST_MAX		50	/* items one digest carries */
#define CMD_HOURS_TICK		1	/* seconds between looks at hours */

static const char *const cmd_inbox_kinds[] = {
	[STORE_INBOX_RESOURCE] = "resource",
	[STORE_INBOX_MENTION] = "mention",
	[STORE_INBOX_NOTICE] = "notice",
	[STORE_INBOX_EVENT] = "event",
	[STORE_INBOX_REMINDER] = "reminder",
	[STORE_INBOX_MESSAGE] = "message",
};

/* ---- an item as the wire carries it ------------------------------------ */

struct cmd_item_build {
	struct store_viewer	 v;
	json_t			*what;		/* the resource or post */
};

static int
cmd_item_resource(void *arg, const struct store_resource *r)
{
	struct cmd_item_build *b = arg;

	if (!r->deleted)
		b->what = cmd_resource_json(r);
	return 0;
}

static int
cmd_item_post(void *arg, const struct store_post *p)
{
	struct cmd_item_build *b = arg;
	struct proto_post wire;

	if (view_post(&b->v, p, &wire) == VIEW_NONE || wire.body == NULL)
		return 0;
	b->what = proto_event_post(&wire);
	json_object_del(b->what, "ev");
	return 0;
}

/* The item for who, or NULL when what it is about is gone or hidden
 * from them now. */
static json_t *
cmd_item_json(struct server *srv, const struct store_ident *who, int64_t id,
    int kind, int64_t ref, int64_t ts, int read, const char *note)
{
	struct cmd_item_build b;
	char when[PROTO_TS_LEN];
	json_t *o;
	int r;

	memset(&b, 0, sizeof b);
	view_viewer(&b.v, who);
	if (kind <= 0 || kind > STORE_INBOX_MESSAGE)
		return NULL;
	if (kind == STORE_INBOX_RESOURCE)
		r = store_resource_by_id(srv->store, ref, cmd_item_resource, &b);
	else if (kind == STORE_INBOX_MENTION || kind == STORE_INBOX_MESSAGE)
		r = store_post_by_id(srv->store, ref, cmd_item_post, &b);
	else if (kind == STORE_INBOX_NOTICE) {
		/* A reporter learns that their report was resolved, and
		 * nothing of how or by whom. */
		b.what = json_pack("{s:I, s:s}", "report", (json_int_t)ref,
		    "state", "resolved");
		r = STORE_OK;
	} else if (kind == STORE_INBOX_EVENT || kind == STORE_INBOX_REMINDER) {
		b.what = cmd_event_for(srv, who, ref);
		r = STORE_OK;
	} else
		return NULL;
	if (r != STORE_OK || b.what == NULL) {
		json_decref(b.what);
		return NULL;
	}
	proto_ts_format(ts, when);
	o = json_pack("{s:I, s:s, s:s, s:b, s:o}", "id", (json_int_t)id,
	    "kind", cmd_inbox_kinds[kind], "ts", when, "read", read,
	    kind == STORE_INBOX_RESOURCE ? "resource" :
	    kind == STORE_INBOX_MENTION || kind == STORE_INBOX_MESSAGE ?
	    "post" : kind == STORE_INBOX_NOTICE ? "report" : "event", b.what);
	if (note != NULL)
		json_object_set_new(o, "note", json_string(note));
	return o;
}

struct cmd_push {
	struct server	*srv;
	int		 kind;
	int64_t		 ref;
	int64_t		 ts;
	const char	*note;
	json_t		*resource;	/* read once: the same for everyone */
};

static json_t *
cmd_push_make(void *arg, const struct store_ident *who, int64_t item)
{
	struct cmd_push *p = arg;
	struct cmd_item_build b;
	char when[PROTO_TS_LEN];
	json_t *it;

	if (p->kind == STORE_INBOX_RESOURCE) {
		if (p->resource == NULL) {
			memset(&b, 0, sizeof b);
			if (store_resource_by_id(p->srv->store, p->ref,
			    cmd_item_resource, &b) != STORE_OK ||
			    b.what == NULL)
				return NULL;
			p->resource = b.what;
		}
		proto_ts_format(p->ts, when);
		it = json_pack("{s:I, s:s, s:s, s:b, s:O}", "id",
		    (json_int_t)item, "kind", "resource", "ts", when, "read", 0,
		    "resource", p->resource);
	} else if ((it = cmd_item_json(p->srv, who, item, p->kind, p->ref,
	    p->ts, 0, p->note)) == NULL)
		return NULL;
	/* A conversation's message comes live as the post it is, as it
	 * would on any channel one follows. */
	if (p->kind == STORE_INBOX_MESSAGE) {
		json_t *post = json_incref(json_object_get(it, "post"));

		json_decref(it);
		json_object_set_new(post, "ev", json_string("post"));
		return post;
	}
	return json_pack("{s:s, s:o}", "ev", "inbox", "item", it);
}

void
cmd_inbox_push_note(struct server *srv, const struct store_write *w,
    int kind, int64_t ref, const char *note)
{
	struct cmd_push p = { srv, kind, ref, w->now, note, NULL };

	bus_inbox(srv->bus, w->ids, w->accounts, w->nids, 0, cmd_push_make,
	    &p);
	json_decref(p.resource);
}

void
cmd_inbox_push(struct server *srv, const struct store_write *w, int kind,
    int64_t ref)
{
	cmd_inbox_push_note(srv, w, kind, ref, NULL);
}

/* "amira is outside working hours until Mon 09:00 Europe/London", for
 * each person the post named who is. Only people who can read the
 * channel were named at all (store-inbox.c), so this tells the author
 * nothing about anyone else. */
json_t *
cmd_inbox_quiet_hints(struct server *srv, const struct store_write *w)
{
	char tz[HOURS_MAX_TZ], when[HOURS_MAX_TZ + 16], text[200];
	struct store_account a;
	json_t *list = NULL;
	int64_t now = now_seconds(), next;
	size_t i;

	for (i = 0; i < w->nids; i++) {
		if (bus_in_hours(srv->bus, w->accounts[i], now, &next, tz,
		    sizeof tz) || store_account_by_id(srv->store,
		    w->accounts[i], &a) != STORE_OK)
			continue;
		if (next == INT64_MAX || hours_when(tz, next, when,
		    sizeof when) != 0)
			snprintf(text, sizeof text, "%s is outside working "
			    "hours", a.name);
		else
			snprintf(text, sizeof text, "%s is outside working "
			    "hours until %s", a.name, when);
		if (list == NULL)
			list = json_array();
		json_array_append_new(list, json_pack("{s:s, s:I, s:s}",
		    "user", a.name, "until", (json_int_t)(next == INT64_MAX ?
		    0 : next), "text", text));
		explicit_bzero(&a, sizeof a);
	}
	return list;
}

/* ---- the digest ------------------------------------------------------- */

struct cmd_digest {
	struct server		*srv;
	const struct store_ident *who;
	json_t			*items;
	int64_t			*ids;
	size_t			 n;
};

static int
cmd_digest_add(void *arg, const struct store_inbox *it)
{
	struct cmd_digest *d = arg;
	json_t *o;

	/* One the reader can no longer see (a group they left) is marked
	 * pushed all the same, so that it never holds a digest back. */
	d->ids[d->n++] = it->id;
	if ((o = cmd_item_json(d->srv, d->who, it->id, it->kind, it->ref,
	    it->ts, 0, it->note)) != NULL)
		json_array_append_new(d->items, o);
	return 0;
}

/* What waited for who while they were away or outside their hours,
 * oldest first, as one event (bus.c sends it and marks it pushed). */
static json_t *
cmd_inbox_digest(struct server *srv, const struct store_ident *who,
    int64_t **ids, size_t *n)
{
	struct cmd_digest d = { srv, who, json_array(), NULL, 0 };
	int more = 0;

	d.ids = xcalloc(CMD_DIGEST_MAX, sizeof *d.ids);
	if (store_inbox(srv->store, who->id, STORE_INBOX_WAITING, 0,
	    CMD_DIGEST_MAX, cmd_digest_add, &d, &more) != STORE_OK ||
	    json_array_size(d.items) == 0) {
		json_decref(d.items);
		*ids = d.ids;
		*n = 0;
		return NULL;
	}
	*ids = d.ids;
	*n = d.n;
	return json_pack("{s:s, s:I, s:b, s:o}", "ev", "digest", "count",
	    (json_int_t)json_array_size(d.items), "more", more, "items",
	    d.items);
}

static void
cmd_hours_tick(evutil_socket_t fd, short what, void *arg)
{
	struct server *srv = arg;

	(void)fd;
	(void)what;
	if (!srv->stopping)
		bus_hours_tick(srv->bus, now_seconds());
}

void
cmd_inbox_start(struct server *srv)
{
	struct timeval tv = { CMD_HOURS_TICK, 0 };

	bus_set_digest(srv->bus, cmd_inbox_digest);
	srv->hours_ev = event_new(srv->base, -1, EV_PERSIST, cmd_hours_tick,
	    srv);
	event_add(srv->hours_ev, &tv);
}

void
cmd_inbox_stop(struct server *srv)
{
	if (srv->hours_ev == NULL)
		return;
	event_free(srv->hours_ev);
	srv->hours_ev = NULL;
}

/* ---- inbox and inbox.read ---------------------------------------------- */

struct cmd_list {
	struct server		*srv;
	const struct store_ident *who;
	json_t			*items;
};

static int
cmd_list_add(void *arg, const struct store_inbox *it)
{
	struct cmd_list *l = arg;
	json_t *o;

	if ((o = cmd_item_json(l->srv, l->who, it->id, it->kind, it->ref,
	    it->ts, it->read, it->note)) != NULL)
		json_array_append_new(l->items, o);
	return 0;
}

/* Up to limit items (unread, or all), newest first; NULL on failure. */
json_t *
cmd_inbox_items(struct conn *c, int all, int64_t before, int limit,
    int *more)
{
	struct cmd_list l = { c->srv, &c->acct, json_array() };

	if (store_inbox(c->srv->store, c->acct.id, all ? STORE_INBOX_ALL :
	    STORE_INBOX_UNREAD, before, limit, cmd_list_add, &l, more) !=
	    STORE_OK) {
		json_decref(l.items);
		return NULL;
	}
	return l.items;
}

static void
cmd_inbox(struct cmd_q *q)
{
	struct conn *c = q->c;
	int64_t limit = CMD_INBOX_DEFAULT, before = 0, unread = 0;
	int all = 0, more = 0;
	json_t *items, *alerts = NULL;

	if (proto_get_bool(q->req, "all", &all) != PROTO_OK)
		return cmd_bad_field(c, q->req, "all");
	if (proto_get_int(q->req, "limit", 0, 1, CMD_INBOX_LIMIT, &limit,
	    NULL) != PROTO_OK || proto_get_int(q->req, "before", 0, 1,
	    INT64_MAX, &before, NULL) != PROTO_OK)
		return cmd_bad_field(c, q->req, "limit\" or \"before");
	if ((items = cmd_inbox_items(c, all, before, (int)limit, &more)) ==
	    NULL || store_inbox_unread(c->srv->store, c->acct.id, &unread) !=
	    STORE_OK || (alerts = cmd_report_alerts(c)) == NULL) {
		json_decref(items);
		return conn_reply_err(c, q->req->id, PROTO_E_INTERNAL, NULL);
	}
	/* Urgent reports waiting for an acknowledgement are the alerts in
	 * it: they leave by mod.ack, not by inbox.read. */
	conn_reply_ok(c, q->req->id, json_pack("{s:o, s:b, s:I, s:o}", "items",
	    items, "more", more, "unread", (json_int_t)unread, "alerts",
	    alerts));
}

static void
cmd_inbox_marked(struct store_write *w)
{
	cmd_write_reply(w, json_pack("{s:I}", "read", (json_int_t)w->edits),
	    "no such item in your inbox");
	cmd_write_finish(w);
}

static void
cmd_inbox_read(struct cmd_q *q)
{
	struct conn *c = q->c;
	struct store_write *w;
	int64_t id = 0;
	int all = 0, has_id = 0;

	if (proto_get_bool(q->req, "all", &all) != PROTO_OK ||
	    proto_get_int(q->req, "item", 0, 1, INT64_MAX, &id, &has_id) !=
	    PROTO_OK || all == has_id)
		return conn_reply_err(c, q->req->id, PROTO_E_BAD_REQUEST,
		    "give an \"item\", or \"all\": true");
	w = cmd_write_new(c, q->req, SW_INBOX_READ, cmd_inbox_marked);
	w->post = id;
	w->flag = all;
	store_submit(c->srv->store, w);
}

/* ---- working hours ------------------------------------------------------ */

/* {hours, tz, in_hours, next, next_text} for hours in tz at now. */
static json_t *
cmd_hours_json(const char *spec, const char *tz, const char *source)
{
	struct hours h;
	char err[128], when[HOURS_MAX_TZ + 16];
	int64_t now = now_seconds(), next = INT64_MAX;
	int in = 1;
	json_t *o = json_pack("{s:s}", "source", source);

	if (spec == NULL || hours_parse(spec, &h, err, sizeof err) != 0 ||
	    hours_at(&h, tz, now, &in, &next) != 0) {
		json_object_set_new(o, "in_hours", json_true());
		return o;
	}
	json_object_set_new(o, "hours", json_string(spec));
	json_object_set_new(o, "tz", json_string(tz));
	json_object_set_new(o, "in_hours", json_boolean(in));
	if (next != INT64_MAX) {
		json_object_set_new(o, "next", json_integer(next));
		if (hours_when(tz, next, when, sizeof when) == 0)
			json_object_set_new(o, "next_text", json_string(when));
	}
	return o;
}

/* The request's hours and tz, canonical, into w: 0, or -1 answered. */
static int
cmd_hours_fields(struct cmd_q *q, struct store_write *w)
{
	char err[128], canon[HOURS_MAX_SPEC + 1], msg[HOURS_MAX_TZ + 160];
	const char *spec, *tz;
	struct hours h;

	if (proto_get_str(q->req, "hours", 1, &spec, NULL) != PROTO_OK ||
	    proto_get_str(q->req, "tz", 1, &tz, NULL) != PROTO_OK) {
		conn_reply_err(q->c, q->req->id, PROTO_E_BAD_REQUEST,
		    "give \"hours\" (\"Mon-Fri 09:00-17:30\") and \"tz\" "
		    "(\"Europe/London\")");
		return -1;
	}
	if (strlen(spec) > HOURS_MAX_SPEC || hours_parse(spec, &h, err,
	    sizeof err) != 0) {
		conn_reply_err(q->c, q->req->id, PROTO_E_BAD_REQUEST,
		    strlen(spec) > HOURS_MAX_SPEC ? "hours: too long" : err);
		return -1;
	}
	if (!hours_tz_valid(tz)) {
		snprintf(msg, sizeof msg, "unknown time zone: %.*s (a name "
		    "from the tz database, such as Europe/London)",
		    HOURS_MAX_TZ, tz);
		conn_reply_err(q->c, q->req->id, PROTO_E_BAD_REQUEST, msg);
		return -1;
	}
	if (hours_format(&h, canon, sizeof canon) < 0) {
		conn_reply_err(q->c, q->req->id, PROTO_E_BAD_REQUEST,
		    "hours: too long");
		return -1;
	}
	w->title = xstrdup(canon);
	strlcpy_h(w->name, tz, sizeof w->name);
	return 0;
}

static void
cmd_hours_written(struct store_write *w)
{
	struct conn *c = w->ctx;

	if (w->result == STORE_OK)
		/* Every copy the bus holds is read again: a member whose
		 * organisation's hours changed is covered too. */
		bus_hours_changed(c->srv->bus, w->org != 0 ? 0 : w->account);
	if (conn_is_open(c)) {
		if (w->result != STORE_OK)
			cmd_reply_store_err(c, w->arg, w->result);
		else if (w->title == NULL)
			conn_reply_ok(c, w->arg, json_pack("{s:b}", "off", 1));
		else
			conn_reply_ok(c, w->arg, cmd_hours_json(w->title,
			    w->name, w->org != 0 ? "org" : "mine"));
	}
	cmd_write_finish(w);
}

static void
cmd_quiet_set(struct cmd_q *q)
{
	struct store_write *w;

	w = cmd_write_new(q->c, q->req, SW_HOURS, cmd_hours_written);
	if (cmd_hours_fields(q, w) != 0) {
		cmd_write_finish(w);
		return;
	}
	store_submit(q->c->srv->store, w);
}

static void
cmd_quiet_off(struct cmd_q *q)
{
	store_submit(q->c->srv->store, cmd_write_new(q->c, q->req, SW_HOURS,
	    cmd_hours_written));
}

static void
cmd_quiet_show(struct cmd_q *q)
{
	struct conn *c = q->c;
	char spec[STORE_HOURS_MAX], tz[STORE_HOURS_MAX];
	static const char *const sources[] = { "none", "mine", "org" };
	int source;

	if (store_hours(c->srv->store, c->acct.id, spec, tz, &source) !=
	    STORE_OK)
		return conn_reply_err(c, q->req->id, PROTO_E_INTERNAL, NULL);
	conn_reply_ok(c, q->req->id, cmd_hours_json(source != 0 ? spec : NULL,
	    tz, sources[source]));
}

/* org.hours: an organisation's default, by its org-admins or an admin;
 * "off": true clears it. */
static int
cmd_org_hours_check(struct cmd_q *q)
{
	struct conn *c = q->c;
	const char *org;

	if (proto_get_str(q->req, "org", 1, &org, NULL) != PROTO_OK) {
		cmd_bad_field(c, q->req, "org");
		return -1;
	}
	if (!(access_caps(c->acct.role) & CAP_ADMIN) &&
	    strcmp(org, c->acct.org) != 0) {
		conn_reply_err(c, q->req->id, PROTO_E_FORBIDDEN,
		    "org-admins set the hours of their own organisation");
		return -1;
	}
	return 0;
}

static void
cmd_org_hours(struct cmd_q *q)
{
	struct conn *c = q->c;
	struct store_write *w;
	const char *org = NULL;
	int64_t id;
	int off = 0;

	proto_get_str(q->req, "org", 1, &org, NULL);
	if (org == NULL || store_org_by_name(c->srv->store, org, &id) !=
	    STORE_OK)
		return conn_reply_err(c, q->req->id, PROTO_E_NOT_FOUND,
		    "no such organisation");
	if (proto_get_bool(q->req, "off", &off) != PROTO_OK)
		return cmd_bad_field(c, q->req, "off");
	if (off && (json_object_get(q->req->root, "hours") != NULL ||
	    json_object_get(q->req->root, "tz") != NULL))
		return conn_reply_err(c, q->req->id, PROTO_E_BAD_REQUEST,
		    "give hours and tz, or off, not both");
	w = cmd_write_new(c, q->req, SW_HOURS, cmd_hours_written);
	w->org = id;
	if (!off && cmd_hours_fields(q, w) != 0) {
		cmd_write_finish(w);
		return;
	}
	store_submit(c->srv->store, w);
}

const struct cmd_entry cmd_inbox_entries[] = {
	{ "inbox", CMD_AUTH, CAP_MEMBER, CMD_T_NONE, NULL, cmd_inbox },
	{ "inbox.read", CMD_AUTH, CAP_MEMBER, CMD_T_NONE, NULL,
	    cmd_inbox_read },
	{ "quiet.set", CMD_AUTH, CAP_MEMBER, CMD_T_NONE, NULL, cmd_quiet_set },
	{ "quiet.off", CMD_AUTH, CAP_MEMBER, CMD_T_NONE, NULL, cmd_quiet_off },
	{ "quiet.show", CMD_AUTH, CAP_MEMBER, CMD_T_NONE, NULL,
	    cmd_quiet_show },
	{ "org.hours", CMD_AUTH, CAP_ORG_ADMIN | CAP_ADMIN, CMD_T_NONE,
	    cmd_org_hours_check, cmd_org_hours },
	{ NULL, 0, 0, CMD_T_NONE, NULL, NULL }
};
