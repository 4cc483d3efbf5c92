/*
 * cmd-admin.c: organisations and invites, the operations that shape the
 * closed network. Who may invite whom is one function,
 * access_may_invite(), so that the rule reads in one place and the
 * authorisation tests can check it as a table.
 */
#include <string.h>
#include <time.h>
#include <stdlib.h>

#include "access.h"
#include "auth.h"
#include "bus.h"
#include "cmd.h"
#include "conn.h"
#include "live.h"
#include "server.h"
#include "store.h"
#include "store-roster.h"
#include "util.h"

static void
cmd_org_created(struct store_write *w)
{
	struct conn *c = w->ctx;

	if (w->result == STORE_OK)
		log_info("organisation %s created by %s", w->name,
		    w->actor);
	if (conn_is_open(c)) {
		if (w->result == STORE_OK)
			conn_reply_ok(c, w->arg, json_pack("{s:s}", "org",
			    w->name));
		else if (w->result == STORE_EXISTS)
			conn_reply_err(c, w->arg, PROTO_E_EXISTS,
			    "that organisation exists");
		else
			cmd_reply_store_err(c, w->arg, w->result);
	}
	cmd_write_finish(w);
}

static void
cmd_org_create(struct cmd_q *q)
{
	struct conn *c = q->c;
	struct proto_req *req = q->req;
	struct store_write *w;
	const char *name;

	if (proto_get_str(req, "name", 1, &name, NULL) != PROTO_OK)
		return cmd_bad_field(c, req, "name");
	if (proto_check_org(name) != PROTO_OK)
		return conn_reply_err(c, req->id, PROTO_E_BAD_NAME,
		    "organisation names are 1-" PROTO_XSTR(PROTO_MAX_NAME)
		    " of a-z 0-9 -, not \"peer\"");
	w = cmd_write_new(c, req, SW_ORG_CREATE, cmd_org_created);
	strlcpy_h(w->name, name, sizeof w->name);
	store_submit(c->srv->store, w);
}

static int
cmd_org_list_add(void *arg, const char *name)
{
	json_array_append_new(arg, json_string(name));
	return 0;
}

static void
cmd_org_list(struct cmd_q *q)
{
	struct conn *c = q->c;
	struct proto_req *req = q->req;
	json_t *orgs = json_array();

	if (access_caps(c->acct.role) & (CAP_FACILITATE | CAP_ADMIN)) {
		if (store_org_list(c->srv->store, cmd_org_list_add, orgs) < 0) {
			json_decref(orgs);
			return conn_reply_err(c, req->id, PROTO_E_INTERNAL,
			    NULL);
		}
	} else
		json_array_append_new(orgs, json_string(c->acct.org));
	conn_reply_ok(c, req->id, json_pack("{s:o}", "orgs", orgs));
}

static void
cmd_invite_created(struct store_write *w)
{
	struct conn *c = w->ctx;
	char *code = w->body, ts[PROTO_TS_LEN];

	if (w->result == STORE_OK)
		log_info("invite %s... to %s as %s created by %s%s", w->title,
		    w->name, proto_role_name(w->role), w->actor, w->flag ?
		    "; shown to its org-admins" : "");
	if (conn_is_open(c)) {
		proto_ts_format(w->expires_at, ts);
		if (w->result == STORE_OK)
			conn_reply_ok(c, w->arg, json_pack(
			    "{s:s, s:s, s:s, s:s}", "code", code, "org",
			    w->name, "role", proto_role_name(w->role),
			    "expires_at", ts));
		else
			cmd_reply_store_err(c, w->arg, w->result);
	}
	cmd_write_finish(w);
}

static void
cmd_invite_create(struct cmd_q *q)
{
	struct conn *c = q->c;
	struct proto_req *req = q->req;
	const char *org, *rolename;
	enum proto_role role;
	int64_t org_id, expires = PROTO_INVITE_DEFAULT;
	struct store_write *w;
	char code[PROTO_INVITE_LEN + 1];

	if (proto_get_str(req, "org", 1, &org, NULL) != PROTO_OK)
		return cmd_bad_field(c, req, "org");
	if (proto_get_str(req, "role", 1, &rolename, NULL) != PROTO_OK ||
	    (role = proto_role_parse(rolename)) == ROLE_NONE)
		return cmd_bad_field(c, req, "role");
	if (proto_get_int(req, "expires", 0, 1, PROTO_INVITE_MAX, &expires,
	    NULL) != PROTO_OK)
		return cmd_bad_field(c, req, "expires");
	/* Someone who may invite only into their own organisation learns
	 * nothing about whether another exists. */
	if (!(access_caps(c->acct.role) & (CAP_FACILITATE | CAP_ADMIN)) &&
	    strcmp(org, c->acct.org) != 0)
		return conn_reply_err(c, req->id, PROTO_E_FORBIDDEN, NULL);
	if (store_org_by_name(c->srv->store, org, &org_id) != STORE_OK)
		return conn_reply_err(c, req->id, PROTO_E_NOT_FOUND,
		    "no such organisation");
	if (!access_may_invite(c->acct.role, org_id == c->acct.org_id, role))
		return conn_reply_err(c, req->id, PROTO_E_FORBIDDEN,
		    "your role may not give that role");

	w = cmd_write_new(c, req, SW_INVITE_CREATE, cmd_invite_created);
	w->org = org_id;
	w->role = role;
	w->expires_at = w->now + expires;
	strlcpy_h(w->name, org, sizeof w->name);
	auth_invite_new(code);
	auth_secret_hash(code, w->hash);
	w->body = xstrdup(code);	/* for the reply; never logged */
	w->title = xstrdup(code);
	w->title[STORE_INVITE_PREFIX] = '\0';	/* kept in clear */
	store_submit(c->srv->store, w);
}

static void
cmd_admin_status(struct cmd_q *q)
{
	struct conn *c = q->c;
	struct proto_req *req = q->req;
	struct server *srv = c->srv;
	int64_t db_bytes = 0;

	if (store_size(srv->store, &db_bytes) != STORE_OK)
		db_bytes = -1;
	conn_reply_ok(c, req->id, json_pack("{s:s, s:I, s:i, s:i, s:I, s:I, "
	    "s:I, s:I, s:I, s:I}",
	    "version", HARBOUR_VERSION,
	    "uptime", (json_int_t)(time(NULL) - srv->started),
	    "connections", srv->nconns,
	    "unauthenticated", srv->nunauth,
	    "posts_per_minute", (json_int_t)bus_posts_last_minute(srv->bus),
	    "db_bytes", (json_int_t)db_bytes,
	    "writer_queue", (json_int_t)store_queue_depth(srv->store),
	    "commits", (json_int_t)store_commit_count(srv->store),
	    "deliveries", (json_int_t)bus_deliveries(srv->bus),
	    "gaps", (json_int_t)bus_gaps(srv->bus)));
}

/* ---- suspension ----------------------------------------------------- */

static void
cmd_suspend_written(struct store_write *w)
{
	struct conn *c = w->ctx;
	int ended = 0;

	if (w->result == STORE_OK) {
		/* Committed with its log entry: every live session goes. */
		if (w->role)
			ended = live_end_account(c->srv, w->acct.id, 0,
			    PROTO_BYE_SUSPENDED);
		log_info("%s %s by %s%s", w->name, w->role ? "suspended" :
		    "unsuspended", w->actor, ended > 0 ?
		    "; its live connections ended" : "");
	}
	if (conn_is_open(c)) {
		if (w->result == STORE_OK)
			conn_reply_ok(c, w->arg, json_pack("{s:s, s:b}",
			    "user", w->name, "suspended", w->role));
		else if (w->result == STORE_NOTFOUND)
			conn_reply_err(c, w->arg, PROTO_E_NOT_FOUND,
			    "no such user");
		else if (w->result == STORE_INVALID)
			conn_reply_err(c, w->arg, PROTO_E_BAD_STATE, w->role ?
			    "that account is suspended already" :
			    "that account is not suspended");
		else
			cmd_reply_store_err(c, w->arg, w->result);
	}
	cmd_write_finish(w);
}

static void
cmd_suspension(struct cmd_q *q, int suspend)
{
	struct conn *c = q->c;
	struct proto_req *req = q->req;
	const char *user, *reason = NULL;
	struct store_write *w;

	if (proto_get_str(req, "user", 1, &user, NULL) != PROTO_OK)
		return cmd_bad_field(c, req, "user");
	if (proto_check_user(user) != PROTO_OK)
		return conn_reply_err(c, req->id, PROTO_E_BAD_NAME,
		    "user names are 1-" PROTO_XSTR(PROTO_MAX_NAME)
		    " of a-z 0-9 . _ -");
	if (suspend) {
		if (cmd_get_reason(q, "reason", 1, &reason) != 0)
			return;
		if (strcmp(user, c->acct.name) == 0)
			return conn_reply_err(c, req->id, PROTO_E_BAD_REQUEST,
			    "you cannot suspend yourself");
	}
	w = cmd_write_new(c, req, SW_SUSPEND, cmd_suspend_written);
	w->role = suspend ? 1 : 0;
	strlcpy_h(w->name, user, sizeof w->name);
	w->body = reason != NULL ? xstrdup(reason) : NULL;
	store_submit(c->srv->store, w);
}

static void
cmd_admin_suspend(struct cmd_q *q)
{
	cmd_suspension(q, 1);
}

static void
cmd_admin_unsuspend(struct cmd_q *q)
{
	cmd_suspension(q, 0);
}

/* ---- the moderation log --------------------------------------------- */

static int
cmd_modlog_add(void *arg, const struct store_modlog *e)
{
	char ts[PROTO_TS_LEN];
	json_t *o;

	proto_ts_format(e->ts, ts);
	o = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)e->id, "ts", ts,
	    "action", e->action);
	/* null: the operator; absent: not for this reader to know (who
	 * reported the reader's own post). */
	if (e->actor == NULL || *e->actor != '\0')
		json_object_set_new(o, "by", e->actor != NULL ?
		    json_string(e->actor) : json_null());
	if (e->channel != NULL)
		json_object_set_new(o, "channel", json_string(e->channel));
	if (e->account != NULL)
		json_object_set_new(o, "user", json_string(e->account));
	if (e->post != 0)
		json_object_set_new(o, "post", json_integer(e->post));
	if (e->reason != NULL)
		json_object_set_new(o, "reason", json_string(e->reason));
	json_array_append_new(arg, o);
	return 0;
}

/*
 * mod.log: with a channel, its entries, for its moderators (a channel
 * you may not see answers as one that does not exist; one you see but
 * do not moderate, forbidden); without, the server's own (suspensions),
 * for admins, and for an org-admin its entries about its own
 * organisation: its accounts' role changes, deactivations and
 * resets (cmd-account.c's), and invites into it that others made
 * (store-roster.c's).
 */
static void
cmd_mod_log(struct cmd_q *q)
{
	struct conn *c = q->c;
	struct proto_req *req = q->req;
	struct store_channel ch;
	const char *name;
	int64_t since = 0, limit = PROTO_PAGE_DEFAULT, chan = 0;
	int has_channel = 0, more = 0, r;
	json_t *list;

	if (proto_get_str(req, "channel", 0, &name, &has_channel) != PROTO_OK)
		return cmd_bad_field(c, req, "channel");
	if (proto_get_int(req, "since", 0, 0, PROTO_ID_MAX, &since, NULL) !=
	    PROTO_OK)
		return cmd_bad_field(c, req, "since");
	if (proto_get_int(req, "limit", 0, 1, PROTO_PAGE_MAX, &limit, NULL) !=
	    PROTO_OK)
		return cmd_bad_field(c, req, "limit");
	if (has_channel) {
		if (cmd_channel_named(c, req, name, &ch) != 0)
			return;
		if (!access_moderates(&c->acct, &ch))
			return conn_reply_err(c, req->id, PROTO_E_FORBIDDEN,
			    "only its moderators read a channel's log");
		chan = ch.id;
	} else if (!(access_caps(c->acct.role) & (CAP_ADMIN | CAP_ORG_ADMIN)))
		return conn_reply_err(c, req->id, PROTO_E_FORBIDDEN,
		    "the server's log is for admins; name a channel you "
		    "moderate");
	list = json_array();
	/* An org-admin reads the server's entries about its own
	 * organisation: its accounts' and the invites into it. */
	if (!has_channel && !(access_caps(c->acct.role) & CAP_ADMIN))
		r = store_account_log(c->srv->store, c->acct.org_id, since,
		    (int)limit, cmd_modlog_add, list, &more);
	else
		r = store_modlog(c->srv->store, c->acct.id, chan, since,
		    (int)limit, cmd_modlog_add, list, &more);
	if (r != STORE_OK) {
		json_decref(list);
		return conn_reply_err(c, req->id, PROTO_E_INTERNAL, NULL);
	}
	conn_reply_ok(c, req->id, json_pack("{s:o, s:b}", "entries", list,
	    "more", more));
}

const struct cmd_entry cmd_admin_entries[] = {
	{ "admin.status", CMD_AUTH, CAP_ADMIN, CMD_T_NONE, NULL,
	    cmd_admin_status },
	{ "org.create", CMD_AUTH, CAP_ADMIN, CMD_T_NONE, NULL, cmd_org_create },
	{ "org.list", CMD_AUTH, CAP_MEMBER, CMD_T_NONE, NULL, cmd_org_list },
	{ "invite.create", CMD_AUTH, CAP_ORG_ADMIN | CAP_FACILITATE,
	    CMD_T_NONE, NULL, cmd_invite_create },
	{ "admin.suspend", CMD_AUTH, CAP_ADMIN, CMD_T_NONE, NULL,
	    cmd_admin_suspend },
	{ "admin.unsuspend", CMD_AUTH, CAP_ADMIN, CMD_T_NONE, NULL,
	    cmd_admin_unsuspend },
	/* Leads are members with a flag: mod.log's own check decides. */
	{ "mod.log", CMD_AUTH, CAP_MEMBER, CMD_T_NONE, NULL, cmd_mod_log },
	{ NULL, 0, 0, CMD_T_NONE, NULL, NULL }
};
