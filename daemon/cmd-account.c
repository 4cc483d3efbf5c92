/*
 * cmd-account.c: accounts over their whole life: an organisation's
 * roster (members, user.show), role changes (user.role), someone who
 * left (user.deactivate, user.reactivate) and a forgotten password
 * (user.reset makes a code, reset uses it before login).
 *
 * Who may see and change whom is access.c's (access_sees_org,
 * access_manages, access_may_give_role). An account of an organisation
 * the caller may not see answers exactly as one that does not exist:
 * one charity's staff list is not another's to read.
 *
 * Each change reaches the live connections at once, after its commit:
 * a deactivation and a reset end every connection of the account (they
 * take its credential away); a role change gives every connection the
 * new role (live_refresh_account), so the next request is authorised
 * as the account now is. A role is not a credential: a promotion or a
 * demotion needs no new login, and ending the connections would only
 * send their clients back with tokens that still work.
 *
 * Every change is an entry of the server's log ("role", "deactivate",
 * "reactivate", "reset"); an org-admin reads those about its own
 * organisation's accounts with mod.log without a channel.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "access.h"
#include "auth.h"
#include "cmd.h"
#include "conn.h"
#include "limit.h"
#include "live.h"
#include "server.h"
#include "store.h"
#include "util.h"

#define CMD_USER_NAMES	"user names are 1-" PROTO_XSTR(PROTO_MAX_NAME) \
			" of a-z 0-9 . _ -"
#define CMD_ORG_NAMES	"organisation names are 1-" PROTO_XSTR(PROTO_MAX_NAME) \
			" of a-z 0-9 -"

/* ---- the roster ------------------------------------------------------ */

struct cmd_roster {
	const struct store_ident	*viewer;
	int64_t				 org;
	json_t				*list;
};

/* One account as the wire carries it; why it was deactivated only for
 * those who manage it. */
static int
cmd_roster_add(void *arg, const struct store_member *m)
{
	struct cmd_roster *r = arg;
	char ts[PROTO_TS_LEN];
	json_t *o;

	o = json_pack("{s:s, s:s?}", "user", m->user, "role",
	    proto_role_name(m->role));
	if (m->display_name != NULL)
		json_object_set_new(o, "display_name",
		    json_string(m->display_name));
	if (m->pronouns != NULL)
		json_object_set_new(o, "pronouns", json_string(m->pronouns));
	if (m->lead)
		json_object_set_new(o, "lead", json_true());
	if (m->last_seen != 0) {
		proto_ts_format(m->last_seen, ts);
		json_object_set_new(o, "last_seen", json_string(ts));
	}
	if (m->deactivated_at != 0) {
		proto_ts_format(m->deactivated_at, ts);
		json_object_set_new(o, "deactivated", json_string(ts));
		if (m->deactivated_reason != NULL &&
		    access_manages(r->viewer, r->org, m->role))
			json_object_set_new(o, "reason",
			    json_string(m->deactivated_reason));
	}
	json_array_append_new(r->list, o);
	return 0;
}

static void
cmd_members(struct cmd_q *q)
{
	struct conn *c = q->c;
	struct proto_req *req = q->req;
	struct cmd_roster r = { &c->acct, c->acct.org_id, NULL };
	const char *name = c->acct.org;
	int has_org = 0;

	if (proto_get_str(req, "org", 0, &name, &has_org) != PROTO_OK)
		return cmd_bad_field(c, req, "org");
	if (has_org) {
		if (proto_check_org(name) != PROTO_OK)
			return conn_reply_err(c, req->id, PROTO_E_BAD_NAME,
			    CMD_ORG_NAMES);
		if (store_org_by_name(c->srv->store, name, &r.org) !=
		    STORE_OK || !access_sees_org(&c->acct, r.org))
			return conn_reply_err(c, req->id, PROTO_E_NOT_FOUND,
			    "no such organisation");
	}
	r.list = json_array();
	if (store_members(c->srv->store, r.org, NULL, cmd_roster_add, &r) !=
	    STORE_OK) {
		json_decref(r.list);
		return conn_reply_err(c, req->id, PROTO_E_INTERNAL, NULL);
	}
	conn_reply_ok(c, req->id, json_pack("{s:s, s:o}", "org", name,
	    "members", r.list));
}

/* The account a user.* request names, if the caller may see it: 0, or
 * -1 having answered bad_name or not_found (an account of another
 * organisation exactly as one that does not exist). */
static int
cmd_account_named(struct cmd_q *q, struct store_account *a)
{
	struct conn *c = q->c;
	struct proto_req *req = q->req;
	const char *user;
	int r;

	if (proto_get_str(req, "user", 1, &user, NULL) != PROTO_OK) {
		cmd_bad_field(c, req, "user");
		return -1;
	}
	if (proto_check_user(user) != PROTO_OK) {
		conn_reply_err(c, req->id, PROTO_E_BAD_NAME, CMD_USER_NAMES);
		return -1;
	}
	r = store_account_by_name(c->srv->store, user, a);
	OPENSSL_cleanse(a->pwhash, sizeof a->pwhash);
	if (r != STORE_OK || !access_sees_org(&c->acct, a->org_id) ||
	    strncmp(user, PROTO_ERASED_PREFIX,
	    strlen(PROTO_ERASED_PREFIX)) == 0) {
		conn_reply_err(c, req->id, PROTO_E_NOT_FOUND, "no such user");
		return -1;
	}
	return 0;
}

static void
cmd_user_show(struct cmd_q *q)
{
	struct conn *c = q->c;
	struct proto_req *req = q->req;
	struct store_account a;
	struct cmd_roster r = { &c->acct, 0, NULL };
	json_t *one;

	if (cmd_account_named(q, &a) != 0)
		return;
	r.org = a.org_id;
	r.list = json_array();
	if (store_members(c->srv->store, a.org_id, a.name, cmd_roster_add,
	    &r) != STORE_OK) {
		json_decref(r.list);
		return conn_reply_err(c, req->id, PROTO_E_INTERNAL, NULL);
	}
	if ((one = json_array_get(r.list, 0)) == NULL) {
		json_decref(r.list);
		return conn_reply_err(c, req->id, PROTO_E_NOT_FOUND,
		    "no such user");
	}
	json_object_set_new(one, "org", json_string(a.org));
	json_incref(one);
	json_decref(r.list);
	conn_reply_ok(c, req->id, one);
}

/* The named account, which the caller must manage: 0, or -1 having
 * answered (forbidden: a facilitator or admin, for an org-admin). */
static int
cmd_account_managed(struct cmd_q *q, struct store_account *a)
{
	if (cmd_account_named(q, a) != 0)
		return -1;
	if (access_manages(&q->c->acct, a->org_id, a->role))
		return 0;
	conn_reply_err(q->c, q->req->id, PROTO_E_FORBIDDEN, "only an admin "
	    "can change a facilitator's or an admin's account");
	return -1;
}

/* 1 when a is the last admin who could act (not to be demoted or
 * deactivated: nobody could run the network then), 0 when not, -1
 * having answered. */
static int
cmd_account_last_admin(struct cmd_q *q, const struct store_account *a)
{
	int64_t n;

	if (a->role != ROLE_ADMIN)
		return 0;
	if (store_other_admins(q->c->srv->store, a->id, &n) != STORE_OK) {
		conn_reply_err(q->c, q->req->id, PROTO_E_INTERNAL, NULL);
		return -1;
	}
	if (n > 0)
		return 0;
	conn_reply_err(q->c, q->req->id, PROTO_E_BAD_STATE, "that is the "
	    "last admin: make another admin first");
	return 1;
}

/* A change the writer found stale: the last admin, or changed since. */
static void
cmd_account_stale(struct store_write *w)
{
	conn_reply_err(w->ctx, w->arg, PROTO_E_BAD_STATE,
	    w->flag == STORE_ACCOUNT_LAST_ADMIN ? "that is the last admin: "
	    "make another admin first" : "that account changed meanwhile: "
	    "look at it again");
}

/* ---- user.role ------------------------------------------------------- */

static void
cmd_role_written(struct store_write *w)
{
	struct conn *c = w->ctx;
	struct store_account a;

	if (w->result == STORE_OK) {
		/* Every live connection is the new role from now on. */
		if (store_account_by_id(c->srv->store, w->target, &a) ==
		    STORE_OK) {
			OPENSSL_cleanse(a.pwhash, sizeof a.pwhash);
			live_refresh_account(c->srv, &a);
		}
		log_info("%s made %s (was %s) by %s", w->name,
		    proto_role_name(w->role),
		    proto_role_name((enum proto_role)w->state), w->actor);
	}
	if (conn_is_open(c)) {
		if (w->result == STORE_OK)
			conn_reply_ok(c, w->arg, json_pack("{s:s, s:s, s:s}",
			    "user", w->name, "role", proto_role_name(w->role),
			    "was", proto_role_name((enum proto_role)w->state)));
		else if (w->result == STORE_INVALID)
			cmd_account_stale(w);
		else
			cmd_reply_store_err(c, w->arg, w->result);
	}
	cmd_write_finish(w);
}

static void
cmd_user_role(struct cmd_q *q)
{
	struct conn *c = q->c;
	struct proto_req *req = q->req;
	struct store_account a;
	struct store_write *w;
	const char *rolename;
	enum proto_role role;

	if (proto_get_str(req, "role", 1, &rolename, NULL) != PROTO_OK ||
	    (role = proto_role_parse(rolename)) == ROLE_NONE)
		return conn_reply_err(c, req->id, PROTO_E_BAD_REQUEST,
		    "role: one of member, org-admin, facilitator, admin");
	if (cmd_account_named(q, &a) != 0)
		return;
	if (!access_may_give_role(&c->acct, role))
		return conn_reply_err(c, req->id, PROTO_E_FORBIDDEN,
		    "only an admin can make a facilitator or admin");
	if (!access_manages(&c->acct, a.org_id, a.role))
		return conn_reply_err(c, req->id, PROTO_E_FORBIDDEN,
		    "only an admin can change a facilitator's or an admin's "
		    "role");
	if (a.role == role)
		return conn_reply_err(c, req->id, PROTO_E_BAD_STATE,
		    "that account has that role already");
	if (role != ROLE_ADMIN && cmd_account_last_admin(q, &a) != 0)
		return;
	w = cmd_write_new(c, req, SW_ROLE, cmd_role_written);
	w->target = a.id;
	w->state = (int)a.role;
	w->role = role;
	strlcpy_h(w->name, a.name, sizeof w->name);
	store_submit(c->srv->store, w);
}

/* ---- user.deactivate, user.reactivate -------------------------------- */

static void
cmd_activation_written(struct store_write *w)
{
	struct conn *c = w->ctx;
	int ended = 0;

	if (w->result == STORE_OK) {
		/* Committed, sessions revoked: every live one goes. */
		if (w->flag)
			ended = live_end_account(c->srv, w->target, 0,
			    PROTO_BYE_DEACTIVATED);
		log_info("%s %s by %s%s", w->name, w->flag ? "deactivated" :
		    "reactivated", w->actor, ended > 0 ?
		    "; its live connections ended" : "");
	}
	if (conn_is_open(c)) {
		if (w->result == STORE_OK)
			conn_reply_ok(c, w->arg, json_pack("{s:s, s:b}",
			    "user", w->name, "deactivated", w->flag));
		else if (w->result == STORE_INVALID)
			cmd_account_stale(w);
		else
			cmd_reply_store_err(c, w->arg, w->result);
	}
	cmd_write_finish(w);
}

static void
cmd_activation(struct cmd_q *q, int deactivate)
{
	struct conn *c = q->c;
	struct proto_req *req = q->req;
	struct store_account a;
	struct store_write *w;
	const char *reason = NULL;

	if (deactivate && cmd_get_reason(q, "reason", 1, &reason) != 0)
		return;
	if (cmd_account_managed(q, &a) != 0)
		return;
	if (deactivate && a.id == c->acct.id)
		return conn_reply_err(c, req->id, PROTO_E_BAD_REQUEST,
		    "you cannot deactivate yourself");
	if (a.deactivated == deactivate)
		return conn_reply_err(c, req->id, PROTO_E_BAD_STATE,
		    deactivate ? "that account is deactivated already" :
		    "that account is not deactivated");
	if (deactivate && cmd_account_last_admin(q, &a) != 0)
		return;
	w = cmd_write_new(c, req, SW_DEACTIVATE, cmd_activation_written);
	w->target = a.id;
	w->state = (int)a.role;
	w->flag = deactivate;
	strlcpy_h(w->name, a.name, sizeof w->name);
	w->body = reason != NULL ? xstrdup(reason) : NULL;
	store_submit(c->srv->store, w);
}

static void
cmd_user_deactivate(struct cmd_q *q)
{
	cmd_activation(q, 1);
}

static void
cmd_user_reactivate(struct cmd_q *q)
{
	cmd_activation(q, 0);
}

/* ---- user.reset ------------------------------------------------------ */

static void
cmd_reset_made(struct store_write *w)
{
	struct conn *c = w->ctx;
	char ts[PROTO_TS_LEN];

	if (w->result == STORE_OK)
		log_info("reset code for %s made by %s", w->name, w->actor);
	if (conn_is_open(c)) {
		proto_ts_format(w->expires_at, ts);
		if (w->result == STORE_OK)
			conn_reply_ok(c, w->arg, json_pack("{s:s, s:s, s:s}",
			    "user", w->name, "code", w->body, "expires_at",
			    ts));
		else if (w->result == STORE_NOTFOUND)
			conn_reply_err(c, w->arg, PROTO_E_BAD_STATE, "that "
			    "account was deactivated meanwhile");
		else
			cmd_reply_store_err(c, w->arg, w->result);
	}
	if (w->body != NULL)
		OPENSSL_cleanse(w->body, strlen(w->body));
	cmd_write_finish(w);
}

static void
cmd_user_reset(struct cmd_q *q)
{
	struct conn *c = q->c;
	struct proto_req *req = q->req;
	struct store_account a;
	struct store_write *w;
	char code[PROTO_INVITE_LEN + 1];

	if (cmd_account_managed(q, &a) != 0)
		return;
	if (a.deactivated)
		return conn_reply_err(c, req->id, PROTO_E_BAD_STATE,
		    "that account is deactivated: reactivate it first");
	w = cmd_write_new(c, req, SW_RESET_NEW, cmd_reset_made);
	w->target = a.id;
	w->expires_at = w->now + PROTO_RESET_TTL;
	strlcpy_h(w->name, a.name, sizeof w->name);
	auth_invite_new(code);
	auth_secret_hash(code, w->hash);
	w->body = xstrdup(code);	/* for the reply; never logged */
	OPENSSL_cleanse(code, sizeof code);
	store_submit(c->srv->store, w);
}

/* ---- reset, before login --------------------------------------------- */

/* Why a reset code is no good, as its holder may be told. */
static void
cmd_reset_refuse(struct conn *c, json_t *id, int why, int64_t expires_at)
{
	char msg[96], ts[PROTO_TS_LEN];

	if (why == STORE_RESET_USED)
		snprintf(msg, sizeof msg, "that reset code was used already: "
		    "ask for a new one");
	else if (why == STORE_RESET_EXPIRED) {
		proto_ts_format(expires_at, ts);
		snprintf(msg, sizeof msg, "that reset code expired at %s: ask "
		    "for a new one", ts);
	} else if (why == STORE_RESET_UNKNOWN)
		snprintf(msg, sizeof msg, "unknown reset code for that user: "
		    "check both, or ask for a new code");
	else
		return conn_reply_err(c, id, PROTO_E_INTERNAL, NULL);
	conn_reply_err(c, id, PROTO_E_RESET_INVALID, msg);
}

static void
cmd_reset_written(struct store_write *w)
{
	struct conn *c = w->ctx;
	int64_t expires;
	int ended, why;

	if (w->result == STORE_OK) {
		limits_login_ok(c->srv->limits, w->name);
		ended = live_end_account(c->srv, w->target, 0,
		    PROTO_BYE_RESET);
		log_info("%s set a new password with a reset code; every "
		    "session revoked, %d live connection(s) ended", w->name,
		    ended);
	}
	if (conn_is_open(c)) {
		if (w->result == STORE_OK)
			conn_reply_ok(c, w->arg, json_pack("{s:s}", "user",
			    w->name));
		else if (w->result == STORE_INVALID) {
			/* Used or deactivated meanwhile: say which now. */
			why = store_reset_check(c->srv->store, w->target,
			    w->hash, w->now, &expires);
			cmd_reset_refuse(c, w->arg, why == STORE_OK ?
			    STORE_RESET_UNKNOWN : why, expires);
		} else
			cmd_reply_store_err(c, w->arg, w->result);
	}
	OPENSSL_cleanse(w->pwhash, sizeof w->pwhash);
	cmd_write_finish(w);
}

static void
cmd_reset_hashed(struct auth_job *j)
{
	struct store_write *w = j->ctx;
	struct conn *c = w->ctx;

	if (!j->ok || !conn_is_open(c)) {
		if (conn_is_open(c))
			conn_reply_err(c, w->arg, PROTO_E_INTERNAL, NULL);
		cmd_write_finish(w);
		auth_job_free(j);
		return;
	}
	strlcpy_h(w->pwhash, j->encoded, sizeof w->pwhash);
	auth_job_free(j);
	w->now = now_seconds();
	store_submit(c->srv->store, w);
}

/*
 * reset {user, code, password}: checked on the loop first (so that a
 * bad code costs no hash, and says whether it is unknown, used or
 * expired), counted against the user's login throttle when bad, then
 * the new password is hashed on the auth pool and the code consumed in
 * the same transaction that stores it.
 */
static void
cmd_reset(struct cmd_q *q)
{
	struct conn *c = q->c;
	struct proto_req *req = q->req;
	const char *user, *code, *password;
	struct store_account a;
	struct store_write *w;
	struct auth_job *j;
	uint8_t hash[STORE_HASH_LEN];
	int64_t wait, expires = 0, now_ms = (int64_t)now_monotonic_ms();
	char msg[96];
	int why = STORE_RESET_UNKNOWN;

	if (proto_get_str(req, "user", 1, &user, NULL) != PROTO_OK)
		return cmd_bad_field(c, req, "user");
	if (proto_get_str(req, "code", 1, &code, NULL) != PROTO_OK)
		return cmd_bad_field(c, req, "code");
	if (proto_get_str(req, "password", 1, &password, NULL) != PROTO_OK)
		return cmd_bad_field(c, req, "password");
	if (proto_check_user(user) != PROTO_OK)
		return conn_reply_err(c, req->id, PROTO_E_BAD_NAME,
		    CMD_USER_NAMES);
	if (proto_check_password(password) != PROTO_OK)
		return conn_reply_err(c, req->id, PROTO_E_BAD_PASSWORD,
		    "passwords are " PROTO_XSTR(PROTO_PASSWORD_MIN) " to "
		    PROTO_XSTR(PROTO_PASSWORD_MAX) " bytes");
	if (store_account_by_name(c->srv->store, user, &a) != STORE_OK)
		a.id = 0;
	OPENSSL_cleanse(a.pwhash, sizeof a.pwhash);
	if ((wait = limits_login_delay(c->srv->limits, user, a.id != 0,
	    now_ms)) > 0) {
		snprintf(msg, sizeof msg, "too many failed attempts: try again "
		    "in %lld seconds", (long long)((wait + 999) / 1000));
		return conn_reply_err(c, req->id, PROTO_E_RATE_LIMITED, msg);
	}
	auth_secret_hash(code, hash);
	if (a.id != 0)
		why = store_reset_check(c->srv->store, a.id, hash,
		    now_seconds(), &expires);
	if (why != STORE_OK) {
		limits_login_failed(c->srv->limits, user, a.id != 0, now_ms);
		log_peer(LOG_LEVEL_INFO, c->host, "conn %llu: reset refused",
		    (unsigned long long)c->id);
		return cmd_reset_refuse(c, req->id, why, expires);
	}
	w = cmd_write_new(c, req, SW_RESET_USE, cmd_reset_written);
	w->account = a.id;	/* the account acts on itself */
	strlcpy_h(w->actor, a.name, sizeof w->actor);
	w->target = a.id;
	memcpy(w->hash, hash, sizeof w->hash);
	strlcpy_h(w->name, a.name, sizeof w->name);
	j = auth_job_new(AUTH_HASH, password);
	j->ctx = w;
	j->done = cmd_reset_hashed;
	if (auth_submit(c->srv->auth, j) != 0) {
		conn_reply_err(c, req->id, PROTO_E_BUSY, NULL);
		cmd_write_finish(w);
		auth_job_free(j);
	}
}

/* ---- last seen ------------------------------------------------------- */

/* A token login stores no session: its last seen is a job of its own
 * (a password or certificate login's is in its session's job), written
 * only when the stored one is STORE_SEEN_STEP old. */
void
cmd_account_seen(struct conn *c)
{
	struct store_write *w;
	int64_t now = now_seconds(), seen;

	if (store_last_seen(c->srv->store, c->acct.id, &seen) != STORE_OK ||
	    now - seen < STORE_SEEN_STEP)
		return;
	w = store_write_new(SW_SEEN);
	w->account = c->acct.id;
	w->now = now;
	w->done = store_write_free;
	store_submit(c->srv->store, w);
}

const struct cmd_entry cmd_account_entries[] = {
	{ "members", CMD_AUTH, CAP_MEMBER, CMD_T_NONE, NULL, cmd_members },
	{ "user.show", CMD_AUTH, CAP_MEMBER, CMD_T_NONE, NULL, cmd_user_show },
	{ "user.role", CMD_AUTH, CAP_ORG_ADMIN, CMD_T_NONE, NULL,
	    cmd_user_role },
	{ "user.deactivate", CMD_AUTH, CAP_ORG_ADMIN, CMD_T_NONE, NULL,
	    cmd_user_deactivate },
	{ "user.reactivate", CMD_AUTH, CAP_ORG_ADMIN, CMD_T_NONE, NULL,
	    cmd_user_reactivate },
	{ "user.reset", CMD_AUTH, CAP_ORG_ADMIN, CMD_T_NONE, NULL,
	    cmd_user_reset },
	/* Before login, throttled as login is. */
	{ "reset", CMD_ANON, 0, CMD_T_NONE, NULL, cmd_reset },
	{ NULL, 0, 0, CMD_T_NONE, NULL, NULL }
};
