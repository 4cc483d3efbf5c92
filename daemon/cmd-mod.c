/*
 * cmd-mod.c: the moderators' operations on channels, posts, threads and
 * members, and the authors' own (edit, delete). The table says who may
 * run each (a moderator of the post's or the channel's channel, or the
 * author); the store does it, with its log entry, in one transaction;
 * what changed goes to the bus like any committed post, so that every
 * subscriber learns of it in the form its view allows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "access.h"
#include "bus.h"
#include "cmd.h"
#include "conn.h"
#include "server.h"
#include "store.h"
#include "util.h"
#include "view.h"

static const char *const cmd_mode_names[] = {
	[STORE_MODE_OPEN] = "open",
	[STORE_MODE_PRE] = "pre",
	[STORE_MODE_ANNOUNCE] = "announce",
};

const char *
cmd_mode_name(int mode)
{
	if ((unsigned)mode >= sizeof cmd_mode_names / sizeof cmd_mode_names[0])
		return "open";
	return cmd_mode_names[mode];
}

/* ---- checks the table runs ------------------------------------------ */

/* The row's channel (or its post's) is one the caller moderates. */
static int
cmd_check_moderator(struct cmd_q *q)
{
	if (access_moderates(&q->c->acct, &q->ch))
		return 0;
	conn_reply_err(q->c, q->req->id, PROTO_E_FORBIDDEN,
	    "only this channel's moderators may do that");
	return -1;
}

/* The row's post is the caller's own. */
static int
cmd_check_author(struct cmd_q *q)
{
	if (q->post.author_id == q->c->acct.id)
		return 0;
	conn_reply_err(q->c, q->req->id, PROTO_E_FORBIDDEN,
	    "only its author may change a post");
	return -1;
}

/* "14:05 UTC" today, "2026-12-03 14:05 UTC" on another day. */
static void
cmd_until(int64_t until, char *buf, size_t len)
{
	time_t t = (time_t)until, now = (time_t)now_seconds();
	struct tm tm, today;

	gmtime_r(&t, &tm);
	gmtime_r(&now, &today);
	if (tm.tm_year == today.tm_year && tm.tm_yday == today.tm_yday)
		strftime(buf, len, "%H:%M UTC", &tm);
	else
		strftime(buf, len, "%Y-%m-%d %H:%M UTC", &tm);
}

int
cmd_refuse_restricted(struct cmd_q *q, int posting)
{
	const char *reason = "";
	char msg[PROTO_MAX_REASON + 160], when[32];
	int64_t until = 0;
	int kind;

	kind = store_restricted(q->c->srv->store, q->c->acct.id, q->ch.id,
	    now_seconds(), &until, &reason);
	if (kind < 0) {
		conn_reply_err(q->c, q->req->id, PROTO_E_INTERNAL, NULL);
		return -1;
	}
	if (kind == STORE_RESTRICT_BAN) {
		snprintf(msg, sizeof msg, "banned from %s%s%s", q->ch.name,
		    *reason ? ": " : "", reason);
		conn_reply_err(q->c, q->req->id, PROTO_E_BANNED, msg);
		return -1;
	}
	if (kind == STORE_RESTRICT_MUTE && posting) {
		cmd_until(until, when, sizeof when);
		snprintf(msg, sizeof msg, "muted in %s until %s%s%s",
		    q->ch.name, when, *reason ? ": " : "", reason);
		conn_reply_err(q->c, q->req->id, PROTO_E_MUTED, msg);
		return -1;
	}
	return 0;
}

static int
cmd_check_join(struct cmd_q *q)
{
	return cmd_refuse_restricted(q, 0);
}

/* ---- channel settings ------------------------------------------------ */

static void
cmd_channel_set_written(struct store_write *w)
{
	struct conn *c = w->ctx;

	if (w->result == STORE_OK) {
		log_info("%s set %s: %s", w->actor, w->name, w->body);
		/* A retention set now is applied at the next tick. */
		if (w->retention > 0)
			c->srv->retention_next = 0;
	}
	if (conn_is_open(c)) {
		if (w->result == STORE_OK)
			conn_reply_ok(c, w->arg, json_pack(
			    "{s:s, s:s, s:b, s:I, s:I}", "channel", w->name,
			    "moderation", cmd_mode_name(w->mode), "anon",
			    w->flag, "slow", (json_int_t)w->slow, "retention",
			    (json_int_t)w->retention));
		else
			cmd_reply_store_err(c, w->arg, w->result);
	}
	cmd_write_finish(w);
}

static int
cmd_mode_parse(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof cmd_mode_names / sizeof cmd_mode_names[0]; i++)
		if (strcmp(s, cmd_mode_names[i]) == 0)
			return (int)i;
	return -1;
}

static void
cmd_channel_set(struct cmd_q *q)
{
	struct conn *c = q->c;
	struct proto_req *req = q->req;
	const char *mode = NULL;
	int has_mode = 0, has_slow = 0, anon = q->ch.anon, m = q->ch.mode;
	int has_ret = 0;
	int64_t slow = q->ch.slow, retention = q->ch.retention;
	struct store_write *w;
	char what[128];

	if (proto_get_str(req, "moderation", 0, &mode, &has_mode) != PROTO_OK ||
	    (has_mode && (m = cmd_mode_parse(mode)) < 0))
		return cmd_bad_field(c, req, "moderation\": \"open\", \"pre\" "
		    "or \"announce");
	if (proto_get_bool(req, "anon", &anon) != PROTO_OK)
		return cmd_bad_field(c, req, "anon");
	if (proto_get_int(req, "slow", 0, 0, PROTO_SLOW_MAX, &slow,
	    &has_slow) != PROTO_OK)
		return cmd_bad_field(c, req, "slow\" (0 to "
		    PROTO_XSTR(PROTO_SLOW_MAX) " seconds, a day");
	if (proto_get_int(req, "retention", 0, 0, PROTO_RETENTION_MAX,
	    &retention, &has_ret) != PROTO_OK)
		return cmd_bad_field(c, req, "retention\" (seconds: 0 keeps "
		    "posts, at most " PROTO_XSTR(PROTO_RETENTION_MAX));
	if (has_ret && retention > 0 && retention < PROTO_RETENTION_MIN)
		return conn_reply_err(c, req->id, PROTO_E_BAD_REQUEST,
		    "retention must be at least one day (1d), or 0 to keep "
		    "posts");
	if (!has_mode && !has_slow && !has_ret &&
	    json_object_get(req->root, "anon") == NULL)
		return conn_reply_err(c, req->id, PROTO_E_BAD_REQUEST,
		    "give moderation, anon, slow or retention");
	w = cmd_write_new(c, req, SW_CHANNEL_SET, cmd_channel_set_written);
	w->channel = q->ch.id;
	w->mode = m;
	w->flag = anon;
	w->slow = slow;
	w->retention = retention;
	strlcpy_h(w->name, q->ch.name, sizeof w->name);
	snprintf(what, sizeof what, "moderation %s, anonymous posts %s, "
	    "slow %llds, retention %llds", cmd_mode_name(m), anon ?
	    "allowed" : "off", (long long)slow, (long long)retention);
	w->body = xstrdup(what);
	store_submit(c->srv->store, w);
}

/* ---- a post's state: approve, reject, hide, unhide; edit, delete ----- */

static const char *
cmd_state_refusal(const struct store_write *w)
{
	if (w->op == SW_EDIT || w->op == SW_DELETE)
		return "that post can no longer be changed";
	switch (w->action) {
	case SA_APPROVE:
	case SA_REJECT:
		return "that post is not waiting for approval";
	case SA_HIDE:
		return "that post is not visible";
	case SA_UNHIDE:
		return "that post is not hidden";
	default:
		return NULL;
	}
}

/* Committed: the changed post goes to every subscriber of its channel
 * as a new event, in each one's view of it. */
static void
cmd_post_changed(struct store_write *w)
{
	struct conn *c = w->ctx;
	struct store_post p;

	if (w->result == STORE_OK) {
		store_write_post(w, &p);
		bus_post(c->srv->bus, &p);
		/* An approved post's mentions notify now. */
		if (w->nids > 0)
			cmd_inbox_push(c->srv, w, STORE_INBOX_MENTION, w->post);
		if (w->op == SW_POST_MOD)
			log_info("post %lld in %s: %s by %s", (long long)w->post,
			    w->name, store_action_name(w->action), w->actor);
	}
	if (conn_is_open(c)) {
		if (w->result == STORE_OK)
			conn_reply_ok(c, w->arg, json_pack("{s:I, s:I}", "post",
			    (json_int_t)w->post, "eid", (json_int_t)w->eid));
		else if (w->result == STORE_NOTFOUND)
			conn_reply_err(c, w->arg, PROTO_E_NOT_FOUND,
			    "no such post");
		else if (w->result == STORE_INVALID)
			conn_reply_err(c, w->arg, PROTO_E_BAD_STATE,
			    cmd_state_refusal(w));
		else if (w->result == STORE_FORBIDDEN)
			conn_reply_err(c, w->arg, PROTO_E_FORBIDDEN,
			    "only its author may change a post");
		else
			cmd_reply_store_err(c, w->arg, w->result);
	}
	cmd_write_finish(w);
}

static struct store_write *
cmd_post_job(struct cmd_q *q, enum store_wop op, enum store_action a)
{
	struct store_write *w = cmd_write_new(q->c, q->req, op,
	    cmd_post_changed);

	w->action = a;
	w->post = q->post.id;
	w->channel = q->ch.id;
	strlcpy_h(w->name, q->ch.name, sizeof w->name);
	return w;
}

static void
cmd_post_mod(struct cmd_q *q, enum store_action a, int needs_reason)
{
	const char *reason = NULL;
	struct store_write *w;

	if (needs_reason && cmd_get_reason(q, "reason", 1, &reason) != 0)
		return;
	w = cmd_post_job(q, SW_POST_MOD, a);
	w->body = reason != NULL ? xstrdup(reason) : NULL;
	store_submit(q->c->srv->store, w);
}

static void
cmd_mod_approve(struct cmd_q *q)
{
	cmd_post_mod(q, SA_APPROVE, 0);
}

static void
cmd_mod_reject(struct cmd_q *q)
{
	cmd_post_mod(q, SA_REJECT, 1);
}

static void
cmd_mod_hide(struct cmd_q *q)
{
	cmd_post_mod(q, SA_HIDE, 1);
}

static void
cmd_mod_unhide(struct cmd_q *q)
{
	cmd_post_mod(q, SA_UNHIDE, 0);
}

static void
cmd_edit(struct cmd_q *q)
{
	struct conn *c = q->c;
	struct proto_req *req = q->req;
	const char *body, *title = NULL;
	int has_title = 0;
	enum proto_err err;
	struct store_write *w;

	if (proto_get_str(req, "body", 1, &body, NULL) != PROTO_OK ||
	    proto_get_str(req, "title", 0, &title, &has_title) != PROTO_OK)
		return cmd_bad_field(c, req, "body\" or \"title");
	if ((err = proto_check_body(body)) != PROTO_OK)
		return conn_reply_err(c, req->id, err, err == PROTO_E_TOO_LARGE ?
		    "the post is longer than " PROTO_XSTR(PROTO_MAX_BODY)
		    " bytes" : "the post is empty or has control characters");
	if (has_title && (err = proto_check_title(title)) != PROTO_OK)
		return conn_reply_err(c, req->id, err, err == PROTO_E_TOO_LARGE ?
		    "the title is longer than " PROTO_XSTR(PROTO_MAX_TITLE)
		    " bytes" : "the title is empty or has control characters");
	if (has_title && !q->post.root)
		return conn_reply_err(c, req->id, PROTO_E_BAD_REQUEST,
		    "only a thread's first post has a title");
	w = cmd_post_job(q, SW_EDIT, SA_NONE);
	w->body = xstrdup(body);
	w->title = has_title ? xstrdup(title) : NULL;
	store_submit(c->srv->store, w);
}

static void
cmd_delete(struct cmd_q *q)
{
	store_submit(q->c->srv->store, cmd_post_job(q, SW_DELETE, SA_NONE));
}

/* ---- threads: lock and pin ------------------------------------------ */

static void
cmd_thread_flagged(struct store_write *w)
{
	struct conn *c = w->ctx;

	if (w->result == STORE_OK)
		log_info("thread %lld in %s: %s by %s", (long long)w->thread,
		    w->name, store_action_name(w->action), w->actor);
	if (conn_is_open(c)) {
		if (w->result == STORE_OK)
			conn_reply_ok(c, w->arg, json_pack("{s:I, s:s}",
			    "thread", (json_int_t)w->thread, "channel",
			    w->name));
		else if (w->result == STORE_INVALID)
			conn_reply_err(c, w->arg, PROTO_E_BAD_STATE,
			    w->action == SA_LOCK ? "the thread is locked "
			    "already" : w->action == SA_UNLOCK ? "the thread "
			    "is not locked" : w->action == SA_PIN ? "the "
			    "thread is pinned already" : "the thread is not "
			    "pinned");
		else if (w->result == STORE_NOTFOUND)
			conn_reply_err(c, w->arg, PROTO_E_NOT_FOUND,
			    "no such thread");
		else
			cmd_reply_store_err(c, w->arg, w->result);
	}
	cmd_write_finish(w);
}

static void
cmd_thread_flag(struct cmd_q *q, enum store_action a)
{
	struct store_write *w = cmd_write_new(q->c, q->req, SW_THREAD_FLAG,
	    cmd_thread_flagged);

	w->action = a;
	w->thread = q->post.id;
	w->channel = q->ch.id;
	strlcpy_h(w->name, q->ch.name, sizeof w->name);
	store_submit(q->c->srv->store, w);
}

static void
cmd_mod_lock(struct cmd_q *q)
{
	cmd_thread_flag(q, SA_LOCK);
}

static void
cmd_mod_unlock(struct cmd_q *q)
{
	cmd_thread_flag(q, SA_UNLOCK);
}

static void
cmd_mod_pin(struct cmd_q *q)
{
	cmd_thread_flag(q, SA_PIN);
}

static void
cmd_mod_unpin(struct cmd_q *q)
{
	cmd_thread_flag(q, SA_UNPIN);
}

/* ---- members: mute and ban ------------------------------------------ */

static void
cmd_restrict_written(struct store_write *w)
{
	struct conn *c = w->ctx;
	char until[PROTO_TS_LEN];
	json_t *r;

	if (w->result == STORE_OK) {
		/* A banned account's connections stop receiving it now. */
		if (w->action == SA_BAN)
			bus_leave(c->srv->bus, w->target, w->channel);
		log_info("%s in %s: %s by %s", w->acct.name, w->name,
		    store_action_name(w->action), w->actor);
	}
	if (conn_is_open(c)) {
		if (w->result == STORE_OK) {
			r = json_pack("{s:s, s:s}", "user", w->acct.name,
			    "channel", w->name);
			if (w->action == SA_MUTE) {
				proto_ts_format(w->until, until);
				json_object_set_new(r, "until",
				    json_string(until));
			}
			conn_reply_ok(c, w->arg, r);
		} else if (w->result == STORE_INVALID)
			conn_reply_err(c, w->arg, PROTO_E_BAD_STATE,
			    w->action == SA_UNMUTE ? "that member is not muted "
			    "here" : "that member is not banned here");
		else if (w->result == STORE_NOTFOUND)
			conn_reply_err(c, w->arg, PROTO_E_NOT_FOUND,
			    "no such user");
		else
			cmd_reply_store_err(c, w->arg, w->result);
	}
	cmd_write_finish(w);
}

static void
cmd_restrict(struct cmd_q *q, enum store_action a)
{
	struct conn *c = q->c;
	struct proto_req *req = q->req;
	const char *user, *reason = NULL;
	struct store_account acct;
	struct store_ident who;
	struct store_write *w;
	int64_t seconds = 0;
	int r;

	if (proto_get_str(req, "user", 1, &user, NULL) != PROTO_OK)
		return cmd_bad_field(c, req, "user");
	if (a == SA_MUTE && proto_get_int(req, "seconds", 1, 1,
	    PROTO_MUTE_MAX, &seconds, NULL) != PROTO_OK)
		return cmd_bad_field(c, req, "seconds\" (1 to "
		    PROTO_XSTR(PROTO_MUTE_MAX) ", a year");
	if ((a == SA_MUTE || a == SA_BAN) &&
	    cmd_get_reason(q, "reason", 0, &reason) != 0)
		return;
	if ((r = store_account_by_name(c->srv->store, user, &acct)) !=
	    STORE_OK)
		return conn_reply_err(c, req->id, r == STORE_NOTFOUND ?
		    PROTO_E_NOT_FOUND : PROTO_E_INTERNAL, r == STORE_NOTFOUND ?
		    "no such user" : NULL);
	memset(&who, 0, sizeof who);
	who.id = acct.id;
	who.org_id = acct.org_id;
	who.role = acct.role;
	who.lead = acct.lead;
	if ((a == SA_MUTE || a == SA_BAN) && access_moderates(&who, &q->ch))
		return conn_reply_err(c, req->id, PROTO_E_FORBIDDEN,
		    "a moderator of this channel cannot be muted or banned "
		    "in it");
	w = cmd_write_new(c, req, SW_RESTRICT, cmd_restrict_written);
	w->action = a;
	w->channel = q->ch.id;
	w->target = acct.id;
	w->until = a == SA_MUTE ? w->now + seconds : 0;
	strlcpy_h(w->name, q->ch.name, sizeof w->name);
	strlcpy_h(w->acct.name, acct.name, sizeof w->acct.name);
	w->body = reason != NULL ? xstrdup(reason) : NULL;
	store_submit(c->srv->store, w);
}

static void
cmd_mod_mute(struct cmd_q *q)
{
	cmd_restrict(q, SA_MUTE);
}

static void
cmd_mod_unmute(struct cmd_q *q)
{
	cmd_restrict(q, SA_UNMUTE);
}

static void
cmd_mod_ban(struct cmd_q *q)
{
	cmd_restrict(q, SA_BAN);
}

static void
cmd_mod_unban(struct cmd_q *q)
{
	cmd_restrict(q, SA_UNBAN);
}

/* ---- unmask and history --------------------------------------------- */

static void
cmd_unmasked(struct store_write *w)
{
	struct conn *c = w->ctx;

	if (w->result == STORE_OK)
		log_info("post %lld in %s: unmasked by %s", (long long)w->post,
		    w->name, w->actor);
	if (conn_is_open(c)) {
		if (w->result == STORE_OK)
			conn_reply_ok(c, w->arg, json_pack("{s:I, s:s, s:s}",
			    "post", (json_int_t)w->post, "user", w->acct.name,
			    "org", w->acct.org));
		else if (w->result == STORE_INVALID)
			conn_reply_err(c, w->arg, PROTO_E_BAD_STATE,
			    "that post is not anonymous");
		else
			cmd_reply_store_err(c, w->arg, w->result);
	}
	cmd_write_finish(w);
}

static void
cmd_mod_unmask(struct cmd_q *q)
{
	const char *reason;
	struct store_write *w;

	if (cmd_get_reason(q, "reason", 1, &reason) != 0)
		return;
	w = cmd_write_new(q->c, q->req, SW_UNMASK, cmd_unmasked);
	w->post = q->post.id;
	w->channel = q->ch.id;
	strlcpy_h(w->name, q->ch.name, sizeof w->name);
	w->body = xstrdup(reason);
	store_submit(q->c->srv->store, w);
}

static int
cmd_version_add(void *arg, int64_t eid, int64_t ts, const char *title,
    const char *body)
{
	char when[PROTO_TS_LEN];
	json_t *o;

	proto_ts_format(ts, when);
	o = json_pack("{s:I, s:s, s:s}", "eid", (json_int_t)eid, "ts", when,
	    "body", body != NULL ? body : "");
	if (title != NULL)
		json_object_set_new(o, "title", json_string(title));
	json_array_append_new(arg, o);
	return 0;
}

static void
cmd_mod_history(struct cmd_q *q)
{
	json_t *list = json_array();

	if (store_versions(q->c->srv->store, q->post.id, cmd_version_add,
	    list) != STORE_OK) {
		json_decref(list);
		return conn_reply_err(q->c, q->req->id, PROTO_E_INTERNAL, NULL);
	}
	conn_reply_ok(q->c, q->req->id, json_pack("{s:I, s:o}", "post",
	    (json_int_t)q->post.id, "versions", list));
}

/*
 * Every row is open to any member by capability: whether the caller
 * moderates is a property of the object (the channel's kind and
 * organisation, the caller's role and lead flag), decided by the row's
 * check once the object is found. A post or channel the caller may not
 * see has answered not_found before the check runs.
 */
const struct cmd_entry cmd_mod_entries[] = {
	{ "channel.set", CMD_AUTH, CAP_MEMBER, CMD_T_CHANNEL,
	    cmd_check_moderator, cmd_channel_set },
	{ "mod.approve", CMD_AUTH, CAP_MEMBER, CMD_T_POST, cmd_check_moderator,
	    cmd_mod_approve },
	{ "mod.reject", CMD_AUTH, CAP_MEMBER, CMD_T_POST, cmd_check_moderator,
	    cmd_mod_reject },
	{ "mod.hide", CMD_AUTH, CAP_MEMBER, CMD_T_POST, cmd_check_moderator,
	    cmd_mod_hide },
	{ "mod.unhide", CMD_AUTH, CAP_MEMBER, CMD_T_POST, cmd_check_moderator,
	    cmd_mod_unhide },
	{ "mod.lock", CMD_AUTH, CAP_MEMBER, CMD_T_THREAD, cmd_check_moderator,
	    cmd_mod_lock },
	{ "mod.unlock", CMD_AUTH, CAP_MEMBER, CMD_T_THREAD,
	    cmd_check_moderator, cmd_mod_unlock },
	{ "mod.pin", CMD_AUTH, CAP_MEMBER, CMD_T_THREAD, cmd_check_moderator,
	    cmd_mod_pin },
	{ "mod.unpin", CMD_AUTH, CAP_MEMBER, CMD_T_THREAD, cmd_check_moderator,
	    cmd_mod_unpin },
	{ "mod.mute", CMD_AUTH, CAP_MEMBER, CMD_T_CHANNEL, cmd_check_moderator,
	    cmd_mod_mute },
	{ "mod.unmute", CMD_AUTH, CAP_MEMBER, CMD_T_CHANNEL,
	    cmd_check_moderator, cmd_mod_unmute },
	{ "mod.ban", CMD_AUTH, CAP_MEMBER, CMD_T_CHANNEL, cmd_check_moderator,
	    cmd_mod_ban },
	{ "mod.unban", CMD_AUTH, CAP_MEMBER, CMD_T_CHANNEL, cmd_check_moderator,
	    cmd_mod_unban },
	{ "mod.unmask", CMD_AUTH, CAP_MEMBER, CMD_T_POST, cmd_check_moderator,
	    cmd_mod_unmask },
	{ "mod.history", CMD_AUTH, CAP_MEMBER, CMD_T_POST, cmd_check_moderator,
	    cmd_mod_history },
	{ "edit", CMD_AUTH, CAP_MEMBER, CMD_T_POST, cmd_check_author,
	    cmd_edit },
	{ "delete", CMD_AUTH, CAP_MEMBER, CMD_T_POST, cmd_check_author,
	    cmd_delete },
	{ NULL, 0, 0, CMD_T_NONE, NULL, NULL }
};

/* join's check, for cmd-channel.c's row. */
int
cmd_check_not_banned(struct cmd_q *q)
{
	return cmd_check_join(q);
}
