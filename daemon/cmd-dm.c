/*
 * cmd-dm.c: one-to-one conversations and blocks on the wire: a message
 * to one person (a coaching session's follow-up, a question to a peer
 * met in a group), the list of one's conversations, and refusing
 * someone's messages.
 *
 * A conversation is a channel named dm/USER1+USER2 (sorted), its two
 * people its only members: to anyone else it answers as a channel that
 * does not exist (cmd_can_see), and nobody moderates it. Two people
 * may begin one when they share a channel or a group; a facilitator or
 * admin may begin one with anyone; in one that exists, either may
 * write. Whoever may not write to someone (no such person, nothing
 * shared, or blocked by them) gets one answer, so a block is never
 * revealed. A message that one of the two reports goes, with the
 * report and alone, to the network's facilitators (cmd-report.c).
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
#include "view.h"

/* The one answer for everyone one may not write to. */
#define CMD_DM_UNREACHABLE	"no one of that name you can write to"

/* ---- dm --------------------------------------------------------------- */

static void
cmd_dm_written(struct store_write *w)
{
	struct conn *c = w->ctx;
	struct store_post p;

	if (w->result == STORE_OK) {
		/* Both follow it live from this message on. */
		bus_join(c->srv->bus, w->account, w->channel);
		bus_join(c->srv->bus, w->target, w->channel);
		store_write_post(w, &p);
		bus_post(c->srv->bus, &p);
		cmd_inbox_push(c->srv, w, STORE_INBOX_MESSAGE, w->eid);
	}
	cmd_write_reply(w, json_pack("{s:s, s:I, s:I, s:I, s:b}", "channel",
	    w->name, "post", (json_int_t)w->eid, "thread",
	    (json_int_t)w->thread, "eid", (json_int_t)w->eid, "created",
	    w->flag), NULL);
	cmd_write_finish(w);
}

/* Whether the caller may write to a (in *to): 1, or 0 (the one answer
 * given), or -1 on failure. */
static int
cmd_dm_reachable(struct conn *c, const char *user, const char *channel,
    struct store_account *to)
{
	struct store_channel ch;
	int r;

	if (proto_check_user(user) != PROTO_OK ||
	    (r = store_account_by_name(c->srv->store, user, to)) ==
	    STORE_NOTFOUND)
		return 0;
	explicit_bzero(to->pwhash, sizeof to->pwhash);
	if (r != STORE_OK || (r = store_blocks_account(c->srv->store, to->id,
	    c->acct.id)) < 0)
		return -1;
	if (r == 1)
		return 0;
	if (store_channel_by_name(c->srv->store, channel, &ch) == STORE_OK ||
	    (access_caps(c->acct.role) & (CAP_FACILITATE | CAP_ADMIN)) != 0)
		return 1;
	return store_share_channel(c->srv->store, c->acct.id, to->id);
}

static void
cmd_dm(struct cmd_q *q)
{
	struct conn *c = q->c;
	char channel[PROTO_MAX_CHANNEL + 1], title[PROTO_MAX_TITLE + 1];
	struct store_account to;
	struct store_write *w;
	const char *user, *body;
	enum proto_err err;
	int r;

	if (proto_get_str(q->req, "user", 1, &user, NULL) != PROTO_OK)
		return cmd_bad_field(c, q->req, "user");
	if (proto_get_str(q->req, "body", 1, &body, NULL) != PROTO_OK)
		return cmd_bad_field(c, q->req, "body");
	if ((err = proto_check_body(body)) != PROTO_OK)
		return conn_reply_err(c, q->req->id, err, NULL);
	if (strcmp(user, c->acct.name) == 0)
		return conn_reply_err(c, q->req->id, PROTO_E_BAD_REQUEST,
		    "you cannot write to yourself");
	if (proto_check_user(user) == PROTO_OK)
		proto_dm_channel(c->acct.name, user, channel);
	else
		channel[0] = '\0';
	if ((r = cmd_dm_reachable(c, user, channel, &to)) <= 0)
		return conn_reply_err(c, q->req->id, r < 0 ? PROTO_E_INTERNAL :
		    PROTO_E_NOT_FOUND, r < 0 ? NULL : CMD_DM_UNREACHABLE);
	w = cmd_write_new(c, q->req, SW_DM, cmd_dm_written);
	w->target = to.id;
	strlcpy_h(w->name, channel, sizeof w->name);
	/* The names in the channel's order, whoever wrote first. */
	if (strcmp(c->acct.name, to.name) < 0)
		snprintf(title, sizeof title, "%s and %s", c->acct.name,
		    to.name);
	else
		snprintf(title, sizeof title, "%s and %s", to.name,
		    c->acct.name);
	w->title = xstrdup(title);
	w->body = xstrdup(body);
	store_submit(c->srv->store, w);
}

/* ---- dms ---------------------------------------------------------------- */

struct cmd_dms {
	const char	*me;
	json_t		*list;
};

static int
cmd_dms_add(void *arg, const struct store_dm *d)
{
	struct cmd_dms *l = arg;
	char a[PROTO_MAX_NAME + 1], b[PROTO_MAX_NAME + 1], ts[PROTO_TS_LEN];
	json_t *o;

	if (proto_check_dm(d->channel, a, b) != PROTO_OK)
		return 0;
	o = json_pack("{s:s, s:s, s:I, s:I}", "channel", d->channel, "with",
	    strcmp(a, l->me) == 0 ? b : a, "unread", (json_int_t)d->unread,
	    "last_eid", (json_int_t)d->last_eid);
	if (d->last_ts != 0) {
		proto_ts_format(d->last_ts, ts);
		json_object_set_new(o, "last_ts", json_string(ts));
	}
	json_array_append_new(l->list, o);
	return 0;
}

static void
cmd_dms(struct cmd_q *q)
{
	struct cmd_dms l = { q->c->acct.name, json_array() };
	struct store_viewer v;

	view_viewer(&v, &q->c->acct);
	if (store_dms(q->c->srv->store, &v, cmd_dms_add, &l) != STORE_OK) {
		json_decref(l.list);
		return conn_reply_err(q->c, q->req->id, PROTO_E_INTERNAL, NULL);
	}
	conn_reply_ok(q->c, q->req->id, json_pack("{s:o}", "conversations",
	    l.list));
}

/* ---- block, unblock, blocks ----------------------------------------- */

static void
cmd_block_written(struct store_write *w)
{
	struct conn *c = w->ctx;
	int block = w->flag;

	/* Their side of the conversation ends at once. */
	if (w->result == STORE_OK && block && w->channel != 0)
		bus_leave(c->srv->bus, w->account, w->channel);
	cmd_write_reply(w, json_pack("{s:s}", block ? "blocked" : "unblocked",
	    w->body), "you do not block them");
	cmd_write_finish(w);
}

static void
cmd_block_change(struct cmd_q *q, int block)
{
	struct conn *c = q->c;
	struct store_account a;
	struct store_write *w;
	const char *user;

	if (proto_get_str(q->req, "user", 1, &user, NULL) != PROTO_OK)
		return cmd_bad_field(c, q->req, "user");
	if (strcmp(user, c->acct.name) == 0)
		return conn_reply_err(c, q->req->id, PROTO_E_BAD_REQUEST,
		    "you cannot block yourself");
	if (proto_check_user(user) != PROTO_OK ||
	    store_account_by_name(c->srv->store, user, &a) != STORE_OK)
		return conn_reply_err(c, q->req->id, PROTO_E_NOT_FOUND,
		    "no such user");
	explicit_bzero(a.pwhash, sizeof a.pwhash);
	w = cmd_write_new(c, q->req, SW_BLOCK, cmd_block_written);
	w->target = a.id;
	w->flag = block;
	w->body = xstrdup(user);
	proto_dm_channel(c->acct.name, user, w->name);
	store_submit(c->srv->store, w);
}

static void
cmd_block(struct cmd_q *q)
{
	cmd_block_change(q, 1);
}

static void
cmd_unblock(struct cmd_q *q)
{
	cmd_block_change(q, 0);
}

static int
cmd_blocks_add(void *arg, const char *name)
{
	json_array_append_new(arg, json_string(name));
	return 0;
}

static void
cmd_blocks(struct cmd_q *q)
{
	json_t *list = json_array();

	if (store_blocks(q->c->srv->store, q->c->acct.id, cmd_blocks_add,
	    list) != STORE_OK) {
		json_decref(list);
		return conn_reply_err(q->c, q->req->id, PROTO_E_INTERNAL, NULL);
	}
	conn_reply_ok(q->c, q->req->id, json_pack("{s:o}", "blocks", list));
}

const struct cmd_entry cmd_dm_entries[] = {
	{ "dm", CMD_AUTH, CAP_MEMBER, CMD_T_NONE, NULL, cmd_dm },
	{ "dms", CMD_AUTH, CAP_MEMBER, CMD_T_NONE, NULL, cmd_dms },
	{ "block", CMD_AUTH, CAP_MEMBER, CMD_T_NONE, NULL, cmd_block },
	{ "unblock", CMD_AUTH, CAP_MEMBER, CMD_T_NONE, NULL, cmd_unblock },
	{ "blocks", CMD_AUTH, CAP_MEMBER, CMD_T_NONE, NULL, cmd_blocks },
	{ NULL, 0, 0, CMD_T_NONE, NULL, NULL }
};
