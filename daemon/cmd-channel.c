/*
 * cmd-channel.c: creating, listing, joining and leaving channels, and
 * listing a channel's threads.
 *
 * Visibility is the rule that matters most here: an organisation's
 * channels do not exist for anyone outside it. Every operation that
 * names a channel says so in its table row (CMD_T_CHANNEL), and the
 * dispatcher answers a forbidden channel exactly as a missing one.
 */
#include <string.h>
#include <stdlib.h>

#include "access.h"
#include "bus.h"
#include "cmd.h"
#include "conn.h"
#include "server.h"
#include "store.h"
#include "util.h"
#include "view.h"

static void
cmd_channel_created(struct store_write *w)
{
	struct conn *c = w->ctx;

	if (w->result == STORE_OK)
		log_info("channel %s created by %s", w->name, w->actor);
	if (conn_is_open(c)) {
		if (w->result == STORE_OK)
			conn_reply_ok(c, w->arg, json_pack("{s:s, s:s}",
			    "channel", w->name, "kind",
			    w->org == 0 ? "peer" : "org"));
		else if (w->result == STORE_EXISTS)
			conn_reply_err(c, w->arg, PROTO_E_EXISTS,
			    "that channel exists");
		else
			cmd_reply_store_err(c, w->arg, w->result);
	}
	cmd_write_finish(w);
}

static void
cmd_channel_create(struct cmd_q *q)
{
	struct conn *c = q->c;
	struct proto_req *req = q->req;
	char org[PROTO_MAX_NAME + 1], local[PROTO_MAX_NAME + 1];
	struct store_write *w;
	const char *name;
	char msg[PROTO_MAX_NAME + 100];
	int64_t other;
	int peer;

	if (proto_get_str(req, "channel", 1, &name, NULL) != PROTO_OK)
		return cmd_bad_field(c, req, "channel");
	if (proto_check_channel(name, org, local) != PROTO_OK)
		return conn_reply_err(c, req->id, PROTO_E_BAD_NAME,
		    "channel names are ORG/NAME or peer/NAME");
	if (strcmp(org, PROTO_GROUP_PREFIX) == 0)
		return conn_reply_err(c, req->id, PROTO_E_BAD_NAME,
		    "make a group with group.create");
	if (strcmp(org, PROTO_DM_PREFIX) == 0)
		return conn_reply_err(c, req->id, PROTO_E_BAD_NAME,
		    "a conversation begins with dm");
	peer = strcmp(org, PROTO_PEER_PREFIX) == 0;
	if (peer && !access_may_create_channel(&c->acct, 1, 0))
		return conn_reply_err(c, req->id, PROTO_E_FORBIDDEN,
		    "peer channels are made by facilitators");
	/* Another organisation's: not found, whether it exists or not,
	 * for anyone bound to their own; a facilitator or admin, who works
	 * with every organisation, is told whose it is to make. */
	if (!peer && strcmp(org, c->acct.org) != 0) {
		if (!(access_caps(c->acct.role) & (CAP_FACILITATE |
		    CAP_ADMIN)) || store_org_by_name(c->srv->store, org,
		    &other) != STORE_OK)
			return conn_reply_err(c, req->id, PROTO_E_NOT_FOUND,
			    "no such organisation");
		snprintf(msg, sizeof msg, "%s's channels are made by its own "
		    "org-admins; facilitators make peer channels (peer/NAME)",
		    org);
		return conn_reply_err(c, req->id, PROTO_E_FORBIDDEN, msg);
	}
	if (!peer && !access_may_create_channel(&c->acct, 0, c->acct.org_id))
		return conn_reply_err(c, req->id, PROTO_E_FORBIDDEN,
		    "organisation channels are made by its org-admins");

	w = cmd_write_new(c, req, SW_CHANNEL_CREATE, cmd_channel_created);
	w->org = peer ? 0 : c->acct.org_id;
	strlcpy_h(w->name, name, sizeof w->name);
	store_submit(c->srv->store, w);
}

/* channel.list's page: archived channels only when asked for. */
struct cmd_channel_page {
	json_t		*list;
	int		 all;
};

static int
cmd_channel_list_add(void *arg, const struct store_channel_info *ci)
{
	struct cmd_channel_page *pg = arg;
	char ts[PROTO_TS_LEN];
	json_t *o;

	if (ci->archived != 0 && !pg->all)
		return 0;

	o = json_pack("{s:s, s:s, s:b, s:I, s:I, s:s, s:b, s:I}", "channel",
	    ci->name, "kind", ci->group ? "group" : ci->dm ? "dm" : ci->peer ?
	    "peer" : "org",
	    "joined", ci->joined, "unread", (json_int_t)ci->unread,
	    "last_eid", (json_int_t)ci->last_eid, "moderation",
	    cmd_mode_name(ci->mode), "anon", ci->anon, "slow",
	    (json_int_t)ci->slow);
	json_object_set_new(o, "retention", json_integer(ci->retention));
	if (ci->group)
		json_object_set_new(o, "group", json_true());
	if (ci->title != NULL)
		json_object_set_new(o, "title", json_string(ci->title));
	if (ci->archived != 0) {
		proto_ts_format(ci->archived, ts);
		json_object_set_new(o, "archived_at", json_string(ts));
	}
	json_array_append_new(pg->list, o);
	return 0;
}

static void
cmd_channel_list(struct cmd_q *q)
{
	struct conn *c = q->c;
	struct proto_req *req = q->req;
	struct cmd_channel_page pg;
	struct store_viewer v;
	json_t *list;

	pg.all = 0;
	if (proto_get_bool(req, "all", &pg.all) != PROTO_OK)
		return cmd_bad_field(c, req, "all");
	pg.list = list = json_array();
	view_viewer(&v, &c->acct);
	if (store_channel_list(c->srv->store, &v, cmd_channel_list_add,
	    &pg) < 0) {
		json_decref(list);
		return conn_reply_err(c, req->id, PROTO_E_INTERNAL, NULL);
	}
	conn_reply_ok(c, req->id, json_pack("{s:o}", "channels", list));
}

static void
cmd_membership_written(struct store_write *w)
{
	struct conn *c = w->ctx;

	/* Every connection of this account stops receiving it. */
	if (w->result == STORE_OK && w->op == SW_LEAVE)
		bus_leave(c->srv->bus, w->account, w->channel);
	if (conn_is_open(c)) {
		if (w->result == STORE_OK)
			conn_reply_ok(c, w->arg, json_pack("{s:s}", "channel",
			    w->name));
		else
			cmd_reply_store_err(c, w->arg, w->result);
	}
	cmd_write_finish(w);
}

static void
cmd_membership(struct cmd_q *q, enum store_wop op)
{
	struct store_write *w;

	w = cmd_write_new(q->c, q->req, op, cmd_membership_written);
	w->channel = q->ch.id;
	strlcpy_h(w->name, q->ch.name, sizeof w->name);
	store_submit(q->c->srv->store, w);
}

/* A group is not joined: its facilitators add people, so whoever sees
 * one is in it already. */
static void
cmd_join(struct cmd_q *q)
{
	if (q->ch.kind == STORE_CHANNEL_GROUP)
		return conn_reply_err(q->c, q->req->id, PROTO_E_BAD_STATE,
		    "you are in this group already");
	if (q->ch.kind == STORE_CHANNEL_DM)
		return conn_reply_err(q->c, q->req->id, PROTO_E_BAD_STATE,
		    "you are in this conversation already");
	cmd_membership(q, SW_JOIN);
}

/* A conversation is ended by a block (which says nothing to the other
 * person), not left. */
static void
cmd_leave(struct cmd_q *q)
{
	if (q->ch.kind == STORE_CHANNEL_DM)
		return conn_reply_err(q->c, q->req->id, PROTO_E_BAD_STATE,
		    "a conversation is not left: block the other person to "
		    "end it");
	if (cmd_group_last_runner(q->c, &q->ch, q->c->acct.name))
		return conn_reply_err(q->c, q->req->id, PROTO_E_BAD_STATE,
		    "you are the group's last facilitator: add another first");
	cmd_membership(q, SW_LEAVE);
}

struct cmd_threads {
	json_t			*list;
	struct store_viewer	 v;
	const struct store_channel *ch;
	int64_t			 oldest;	/* "before" of the next page */
};

static int
cmd_threads_add(void *arg, const struct store_thread *t)
{
	struct cmd_threads *ts = arg;
	const char *title, *author;
	char when[PROTO_TS_LEN];
	json_t *o;

	if (ts->oldest == 0 || t->before < ts->oldest)
		ts->oldest = t->before;

	view_thread(&ts->v, ts->ch->org_id, ts->ch->kind, t, &title, &author);
	proto_ts_format(t->last_ts, when);
	o = json_pack("{s:I}", "thread", (json_int_t)t->thread);
	if (title != NULL)
		json_object_set_new(o, "title", json_string(title));
	if (author != NULL)
		json_object_set_new(o, "author", json_string(author));
	else if (t->anonymous)
		json_object_set_new(o, "anon", json_true());
	json_object_set_new(o, "replies", json_integer((json_int_t)t->replies));
	json_object_set_new(o, "unread", json_integer((json_int_t)t->unread));
	json_object_set_new(o, "last_eid",
	    json_integer((json_int_t)t->last_eid));
	json_object_set_new(o, "last_ts", json_string(when));
	if (t->pinned)
		json_object_set_new(o, "pinned", json_true());
	if (t->locked)
		json_object_set_new(o, "locked", json_true());
	json_array_append_new(ts->list, o);
	return 0;
}

static void
cmd_threads(struct cmd_q *q)
{
	struct conn *c = q->c;
	struct proto_req *req = q->req;
	int64_t limit = PROTO_PAGE_DEFAULT, before = 0;
	struct cmd_threads ts;
	json_t *res;
	int more = 0;

	if (proto_get_int(req, "limit", 0, 1, PROTO_PAGE_MAX, &limit, NULL) !=
	    PROTO_OK)
		return cmd_bad_field(c, req, "limit");
	if (proto_get_int(req, "before", 0, 1, PROTO_ID_MAX, &before, NULL) !=
	    PROTO_OK)
		return cmd_bad_field(c, req, "before");
	ts.list = json_array();
	ts.ch = &q->ch;
	ts.oldest = 0;
	view_viewer(&ts.v, &c->acct);
	if (store_threads_before(c->srv->store, &ts.v, q->ch.id, before,
	    (int)limit, cmd_threads_add, &ts, &more) < 0) {
		json_decref(ts.list);
		return conn_reply_err(c, req->id, PROTO_E_INTERNAL, NULL);
	}
	res = json_pack("{s:o, s:b}", "threads", ts.list, "more", more);
	/* The next page's "before": what orders the threads (the activity
	 * every member may see), so that pages never overlap. */
	if (more)
		json_object_set_new(res, "before", json_integer(ts.oldest));
	conn_reply_ok(c, req->id, res);
}

const struct cmd_entry cmd_channel_entries[] = {
	{ "channel.create", CMD_AUTH, CAP_ORG_ADMIN | CAP_FACILITATE,
	    CMD_T_NONE, NULL, cmd_channel_create },
	{ "channel.list", CMD_AUTH, CAP_MEMBER, CMD_T_NONE, NULL,
	    cmd_channel_list },
	{ "join", CMD_AUTH, CAP_MEMBER, CMD_T_CHANNEL, cmd_check_not_banned,
	    cmd_join },
	{ "leave", CMD_AUTH, CAP_MEMBER, CMD_T_CHANNEL, NULL, cmd_leave },
	{ "threads", CMD_AUTH, CAP_MEMBER, CMD_T_CHANNEL, NULL, cmd_threads },
	{ NULL, 0, 0, CMD_T_NONE, NULL, NULL }
};
