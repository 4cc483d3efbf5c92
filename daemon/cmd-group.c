/*
 * cmd-group.c: private groups on the wire (an action-learning set:
 * peers from several organisations who meet over months): making one,
 * adding and removing its members, and who is in it.
 *
 * A group is a channel named group/NAME that only its members know
 * exists: every operation resolves it through cmd_channel_named(), which
 * answers a non-member exactly as for a group that was never made. Its
 * facilitators (facilitators and admins who are in it) add and remove
 * members; removal ends the member's live delivery at once (bus_leave)
 * and, with its membership, every read of the group's history.
 *
 * The one place the name of a group can show through is making one:
 * a name taken is refused. Only facilitators and admins make groups.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "bus.h"
#include "cmd.h"
#include "conn.h"
#include "server.h"
#include "store.h"
#include "util.h"

#define CMD_GROUP_ROLES	(CAP_FACILITATE | CAP_ADMIN)

/* ---- group.create ------------------------------------------------------ */

static void
cmd_group_created(struct store_write *w)
{
	struct conn *c = w->ctx;
	json_t *res;

	if (w->result == STORE_OK)
		log_info("group %s made by %s", w->name, w->actor);
	res = json_pack("{s:s}", "channel", w->name);
	if (w->title != NULL)
		json_object_set_new(res, "title", json_string(w->title));
	if (w->result == STORE_EXISTS && conn_is_open(c)) {
		json_decref(res);
		conn_reply_err(c, w->arg, PROTO_E_EXISTS,
		    "a group of that name exists");
	} else
		cmd_write_reply(w, res, NULL);
	cmd_write_finish(w);
}

static void
cmd_group_create(struct cmd_q *q)
{
	struct conn *c = q->c;
	char channel[PROTO_MAX_CHANNEL + 2];
	const char *name, *title = NULL;
	struct store_write *w;
	enum proto_err err;

	if (proto_get_str(q->req, "name", 1, &name, NULL) != PROTO_OK)
		return cmd_bad_field(c, q->req, "name");
	snprintf(channel, sizeof channel, "%s/%s", PROTO_GROUP_PREFIX, name);
	if (strlen(name) > PROTO_MAX_NAME ||
	    proto_check_channel(channel, NULL, NULL) != PROTO_OK)
		return conn_reply_err(c, q->req->id, PROTO_E_BAD_NAME,
		    "group names are 1-" PROTO_XSTR(PROTO_MAX_NAME)
		    " of a-z 0-9 -");
	if (proto_get_str(q->req, "title", 0, &title, NULL) != PROTO_OK)
		return cmd_bad_field(c, q->req, "title");
	if (title != NULL && (err = proto_check_title(title)) != PROTO_OK)
		return conn_reply_err(c, q->req->id, err, "a title of 1-"
		    PROTO_XSTR(PROTO_MAX_TITLE) " bytes, one line");
	w = cmd_write_new(c, q->req, SW_CHANNEL_CREATE, cmd_group_created);
	w->channel_kind = STORE_CHANNEL_GROUP;
	strlcpy_h(w->name, channel, sizeof w->name);
	w->title = title != NULL ? xstrdup(title) : NULL;
	store_submit(c->srv->store, w);
}

/* ---- its facilitators ---------------------------------------------------- */

/* group.add, group.remove, on a channel the caller sees: it must be a
 * group, and the caller one of its facilitators. 0, or -1 answered. */
static int
cmd_group_check(struct cmd_q *q)
{
	char msg[PROTO_MAX_CHANNEL + 40];

	if (q->ch.kind != STORE_CHANNEL_GROUP) {
		snprintf(msg, sizeof msg, "%s is not a group", q->ch.name);
		conn_reply_err(q->c, q->req->id, PROTO_E_BAD_REQUEST, msg);
		return -1;
	}
	if (!access_moderates(&q->c->acct, &q->ch)) {
		conn_reply_err(q->c, q->req->id, PROTO_E_FORBIDDEN,
		    "only the group's facilitators add and remove members");
		return -1;
	}
	return 0;
}

static void
cmd_group_added(struct store_write *w)
{
	struct conn *c = w->ctx;

	size_t i;

	/* Live at once, on connections that follow all they are in. */
	for (i = 0; w->result == STORE_OK && i < w->nids; i++)
		bus_join(c->srv->bus, w->ids[i], w->channel);
	if (w->result == STORE_OK)
		log_info("%zu added to %s by %s", w->nids, w->name, w->actor);
	if (w->result == STORE_EXISTS && conn_is_open(c))
		conn_reply_err(c, w->arg, PROTO_E_EXISTS,
		    "someone named is in the group already");
	else
		cmd_write_reply(w, json_pack("{s:s, s:O}", "channel", w->name,
		    "added", (json_t *)w->ctx2), NULL);
	json_decref(w->ctx2);
	cmd_write_finish(w);
}

/* The users named, as accounts not yet in the group, into w->ids: 0,
 * or -1 answered (nothing is stored then). */
static int
cmd_group_users(struct cmd_q *q, struct store_write *w, json_t *users)
{
	struct store_account a;
	char msg[PROTO_MAX_NAME + 48];
	const char *name;
	size_t i, n = json_array_size(users);
	int r;

	w->ids = xcalloc(n, sizeof *w->ids);
	for (i = 0; i < n; i++) {
		name = json_string_value(json_array_get(users, i));
		if (proto_check_user(name) != PROTO_OK ||
		    store_account_by_name(q->c->srv->store, name, &a) !=
		    STORE_OK) {
			snprintf(msg, sizeof msg, "no such user: %.*s",
			    PROTO_MAX_NAME, name);
			conn_reply_err(q->c, q->req->id, PROTO_E_NOT_FOUND, msg);
			return -1;
		}
		explicit_bzero(a.pwhash, sizeof a.pwhash);
		if ((r = store_is_member(q->c->srv->store, a.id,
		    q->ch.id)) != 0) {
			snprintf(msg, sizeof msg, "%s is in the group already",
			    name);
			conn_reply_err(q->c, q->req->id, r < 0 ?
			    PROTO_E_INTERNAL : PROTO_E_EXISTS, msg);
			return -1;
		}
		w->ids[w->nids++] = a.id;
	}
	return 0;
}

static void
cmd_group_add(struct cmd_q *q)
{
	struct conn *c = q->c;
	struct store_write *w;
	json_t *users;

	if (proto_get_strarray(q->req, "users", PROTO_GROUP_ADD_MAX, &users,
	    NULL) != PROTO_OK || json_array_size(users) == 0)
		return conn_reply_err(c, q->req->id, PROTO_E_BAD_REQUEST,
		    "\"users\" must name 1 to " PROTO_XSTR(PROTO_GROUP_ADD_MAX)
		    " people");
	w = cmd_write_new(c, q->req, SW_GROUP_ADD, cmd_group_added);
	w->channel = q->ch.id;
	strlcpy_h(w->name, q->ch.name, sizeof w->name);
	if (cmd_group_users(q, w, users) != 0) {
		cmd_write_finish(w);
		return;
	}
	w->ctx2 = json_incref(users);
	store_submit(c->srv->store, w);
}

/* ---- its last facilitator --------------------------------------------- */

struct cmd_runners {
	const char	*name;		/* the one who would go */
	int		 runners;	/* facilitators and admins in it */
	int		 is_runner;	/* name is one of them */
};

static int
cmd_runner_count(void *arg, const char *user, const char *org,
    enum proto_role role)
{
	struct cmd_runners *r = arg;
	int runs = (access_caps(role) & (CAP_FACILITATE | CAP_ADMIN)) != 0;

	(void)org;
	r->runners += runs;
	if (runs && strcmp(user, r->name) == 0)
		r->is_runner = 1;
	return 0;
}

int
cmd_group_last_runner(struct conn *c, const struct store_channel *ch,
    const char *user)
{
	struct cmd_runners r = { user, 0, 0 };

	if (ch->kind != STORE_CHANNEL_GROUP || store_group_members(
	    c->srv->store, ch->id, cmd_runner_count, &r) != STORE_OK)
		return 0;
	return r.is_runner && r.runners == 1;
}

static void
cmd_group_removed(struct store_write *w)
{
	struct conn *c = w->ctx;
	char msg[PROTO_MAX_NAME + 32];

	/* At once: not one more post of it reaches them. */
	if (w->result == STORE_OK) {
		bus_leave(c->srv->bus, w->target, w->channel);
		log_info("%s removed from %s by %s", w->body, w->name,
		    w->actor);
	}
	snprintf(msg, sizeof msg, "%s is not in the group", w->body);
	cmd_write_reply(w, json_pack("{s:s, s:s}", "channel", w->name,
	    "removed", w->body), msg);
	cmd_write_finish(w);
}

static void
cmd_group_remove(struct cmd_q *q)
{
	struct conn *c = q->c;
	struct store_account a;
	struct store_write *w;
	char msg[PROTO_MAX_NAME + 32];
	const char *user;

	if (proto_get_str(q->req, "user", 1, &user, NULL) != PROTO_OK)
		return cmd_bad_field(c, q->req, "user");
	if (proto_check_user(user) != PROTO_OK ||
	    store_account_by_name(c->srv->store, user, &a) != STORE_OK ||
	    store_is_member(c->srv->store, a.id, q->ch.id) != 1) {
		snprintf(msg, sizeof msg, "%.*s is not in the group",
		    PROTO_MAX_NAME, user);
		return conn_reply_err(c, q->req->id, PROTO_E_NOT_FOUND, msg);
	}
	explicit_bzero(a.pwhash, sizeof a.pwhash);
	/* Nobody outside a group can see it: it keeps one who runs it. */
	if (cmd_group_last_runner(c, &q->ch, user))
		return conn_reply_err(c, q->req->id, PROTO_E_BAD_STATE,
		    "that is the group's last facilitator: add another first");
	w = cmd_write_new(c, q->req, SW_GROUP_REMOVE, cmd_group_removed);
	w->channel = q->ch.id;
	w->target = a.id;
	w->body = xstrdup(user);
	strlcpy_h(w->name, q->ch.name, sizeof w->name);
	store_submit(c->srv->store, w);
}

/* ---- group.members ------------------------------------------------------ */

static int
cmd_member_add(void *arg, const char *user, const char *org,
    enum proto_role role)
{
	json_array_append_new(arg, json_pack("{s:s, s:s, s:s}", "user", user,
	    "org", org, "role", proto_role_name(role)));
	return 0;
}

static void
cmd_group_members(struct cmd_q *q)
{
	struct conn *c = q->c;
	json_t *list, *res;

	if (q->ch.kind != STORE_CHANNEL_GROUP)
		return conn_reply_err(c, q->req->id, PROTO_E_BAD_REQUEST,
		    "that channel is not a group");
	list = json_array();
	if (store_group_members(c->srv->store, q->ch.id, cmd_member_add,
	    list) != STORE_OK) {
		json_decref(list);
		return conn_reply_err(c, q->req->id, PROTO_E_INTERNAL, NULL);
	}
	res = json_pack("{s:s, s:o}", "channel", q->ch.name, "members", list);
	if (q->ch.title[0] != '\0')
		json_object_set_new(res, "title", json_string(q->ch.title));
	conn_reply_ok(c, q->req->id, res);
}

const struct cmd_entry cmd_group_entries[] = {
	{ "group.create", CMD_AUTH, CMD_GROUP_ROLES, CMD_T_NONE, NULL,
	    cmd_group_create },
	{ "group.add", CMD_AUTH, CAP_MEMBER, CMD_T_CHANNEL, cmd_group_check,
	    cmd_group_add },
	{ "group.remove", CMD_AUTH, CAP_MEMBER, CMD_T_CHANNEL, cmd_group_check,
	    cmd_group_remove },
	{ "group.members", CMD_AUTH, CAP_MEMBER, CMD_T_CHANNEL, NULL,
	    cmd_group_members },
	{ NULL, 0, 0, CMD_T_NONE, NULL, NULL }
};
