/*
 * cmd-auth.c: ping, register, login, logout, whoami, passwd.
 *
 * Password work is asynchronous in two hops: the Argon2id hash or
 * verification runs on auth's worker pool, then the session (or the new
 * account) is written by the store's writer thread; only after that
 * commit is the client told it is logged in. A struct cmd_login carries
 * the request through the hops and holds a reference to the connection,
 * which may have gone by the time a hop returns.
 *
 * One authentication at a time per connection: while a register, a
 * login or a passwd is in flight (c->auth_busy), another is answered
 * bad_state, so the connection ends up as exactly the identity that was
 * asked for first, and a passwd never lands on an account the
 * connection switched to meanwhile.
 *
 * Every failure to authenticate answers "auth_failed" alike, and an
 * unknown user costs a full verification (against a dummy hash), so
 * neither the answer nor its timing tells which names exist.
 *
 * Whatever takes a credential away ends the live connections standing
 * on it through live.h: a logout the other connections on its session,
 * a passwd every other session of the account.
 */
#include <string.h>
#include <stdlib.h>

#include <event2/bufferevent_ssl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "access.h"
#include "auth.h"
#include "cmd.h"
#include "conn.h"
#include "limit.h"
#include "live.h"
#include "server.h"
#include "store.h"
#include "store-roster.h"
#include "util.h"

struct cmd_login {
	struct conn	*c;
	json_t		*id;
	char		 token[PROTO_TOKEN_HEX + 1];
	char		 newpw[PROTO_PASSWORD_MAX + 1];	/* passwd */
	char		 user[PROTO_MAX_ID_STR + 1];	/* login throttle key;
							 * passwd: whose */
	int64_t		 account;
	int64_t		 session;			/* passwd: asked on */
	enum conn_auth	 how;				/* login, register */
	uint8_t		 cert_fp[STORE_HASH_LEN];	/* CONN_AUTH_CERT */
	/* Password login: the hash the password was checked against. The
	 * session is stored only while the account still has it, so a
	 * login checked against the old password cannot land after a
	 * passwd that ended every other session. */
	char		 pwhash[STORE_PWHASH_MAX];
};

/* One authentication at a time: 0, or -1 having answered. */
static int
cmd_auth_idle(struct conn *c, struct proto_req *req)
{
	if (c->auth_busy == 0)
		return 0;
	conn_reply_err(c, req->id, PROTO_E_BAD_STATE,
	    "an authentication is already in progress on this connection: "
	    "wait for its answer");
	return -1;
}

static struct cmd_login *
cmd_login_new(struct conn *c, struct proto_req *req)
{
	struct cmd_login *l = xcalloc(1, sizeof *l);

	conn_ref(c);
	l->c = c;
	l->id = req->id != NULL ? json_incref(req->id) : NULL;
	c->auth_busy++;
	return l;
}

static void
cmd_login_free(struct cmd_login *l)
{
	l->c->auth_busy--;
	conn_unref(l->c);
	json_decref(l->id);
	OPENSSL_cleanse(l, sizeof *l);
	free(l);
}

/* Who the connection is now, and how many urgent reports wait for it
 * (alert events follow its subscribe). */
static json_t *
cmd_login_result(struct conn *c, const char *token)
{
	const struct store_ident *a = &c->acct;
	json_t *r;

	r = json_pack("{s:s, s:s, s:s, s:I}", "user", a->name, "org", a->org,
	    "role", proto_role_name(a->role), "alerts",
	    (json_int_t)cmd_report_alert_count(c));
	if (token != NULL)
		json_object_set_new(r, "token", json_string(token));
	return r;
}

/* The connection takes the account's identity, never its hash. */
static void
cmd_set_ident(struct conn *c, const struct store_account *a)
{
	c->acct.id = a->id;
	c->acct.org_id = a->org_id;
	c->acct.role = a->role;
	c->acct.lead = a->lead;
	memcpy(c->acct.name, a->name, sizeof c->acct.name);
	memcpy(c->acct.org, a->org, sizeof c->acct.org);
}

/* Password login or register committed: the connection is in. */
static void
cmd_login_accept(struct cmd_login *l, const struct store_account *a,
    int64_t session)
{
	struct conn *c = l->c;

	cmd_set_ident(c, a);
	c->session = session;
	c->auth = l->how;
	memcpy(c->cert_fp, l->cert_fp, sizeof c->cert_fp);
	conn_logged_in(c);
	conn_reply_ok(c, l->id, cmd_login_result(c, l->token));
}

static void
cmd_ping(struct cmd_q *q)
{
	struct conn *c = q->c;
	struct proto_req *req = q->req;
	conn_reply_ok(c, req->id, NULL);
}

/* ---- register ----------------------------------------------------- */

/* An invite that cannot be used: say whether it is unknown, used,
 * revoked or expired, so the person knows whom to ask for what. */
static void
cmd_reply_invite(struct conn *c, json_t *id, const uint8_t *hash)
{
	const char *msg;

	switch (store_invite_state(c->srv->store, hash, now_seconds())) {
	case STORE_INVITE_USED:
		msg = "that invite has been used already: ask whoever gave it "
		    "to you for a new one";
		break;
	case STORE_INVITE_REVOKED:
		msg = "that invite was revoked: ask whoever gave it to you "
		    "for a new one";
		break;
	case STORE_INVITE_EXPIRED:
		msg = "that invite has expired: ask whoever gave it to you "
		    "for a new one";
		break;
	case STORE_INVITE_UNKNOWN:
		msg = "no invite has that code: check it against the one you "
		    "were given";
		break;
	default:
		msg = NULL;
		break;
	}
	conn_reply_err(c, id, PROTO_E_INVITE_INVALID, msg);
}

static void
cmd_register_written(struct store_write *w)
{
	struct cmd_login *l = w->ctx;

	if (conn_is_open(l->c)) {
		if (w->result == STORE_OK)
			cmd_login_accept(l, &w->acct, w->session);
		else if (w->result == STORE_INVALID)
			cmd_reply_invite(l->c, l->id, w->invite);
		else
			cmd_reply_store_err(l->c, l->id, w->result);
	}
	if (w->result == STORE_OK)
		log_info("account %s created in %s as %s", w->acct.name,
		    w->acct.org, proto_role_name(w->acct.role));
	cmd_login_free(l);
	store_write_free(w);
}

static void
cmd_register_hashed(struct auth_job *j)
{
	struct cmd_login *l = j->ctx;
	struct store_write *w = j->arg;

	if (!j->ok || !conn_is_open(l->c)) {
		if (conn_is_open(l->c))
			conn_reply_err(l->c, l->id, PROTO_E_INTERNAL, NULL);
		cmd_login_free(l);
		store_write_free(w);
		auth_job_free(j);
		return;
	}
	strlcpy_h(w->pwhash, j->encoded, sizeof w->pwhash);
	auth_job_free(j);
	auth_token_new(l->token);
	auth_secret_hash(l->token, w->hash);
	w->ctx = l;
	w->done = cmd_register_written;
	w->now = now_seconds();
	store_submit(l->c->srv->store, w);
}

static void
cmd_register(struct cmd_q *q)
{
	struct conn *c = q->c;
	struct proto_req *req = q->req;
	const char *invite, *user, *password;
	struct store_account a;
	struct store_write *w;
	struct auth_job *j;
	struct cmd_login *l;
	uint8_t hash[STORE_HASH_LEN];

	if (cmd_auth_idle(c, req) != 0)
		return;
	if (proto_get_str(req, "invite", 1, &invite, NULL) != PROTO_OK)
		return cmd_bad_field(c, req, "invite");
	if (proto_get_str(req, "user", 1, &user, NULL) != PROTO_OK)
		return cmd_bad_field(c, req, "user");
	if (proto_get_str(req, "password", 1, &password, NULL) != PROTO_OK)
		return cmd_bad_field(c, req, "password");
	if (proto_check_user(user) != PROTO_OK)
		return conn_reply_err(c, req->id, PROTO_E_BAD_NAME,
		    "user names are 1-" PROTO_XSTR(PROTO_MAX_NAME)
		    " of a-z 0-9 . _ -");
	/* An erasure renames an account erased-ID (cmd-erase.c): such a
	 * name taken first would make that erasure fail. */
	if (strncmp(user, PROTO_ERASED_PREFIX, strlen(PROTO_ERASED_PREFIX)) ==
	    0)
		return conn_reply_err(c, req->id, PROTO_E_BAD_NAME,
		    "names that start with \"" PROTO_ERASED_PREFIX "\" are "
		    "kept for erased accounts");
	if (proto_check_password(password) != PROTO_OK)
		return conn_reply_err(c, req->id, PROTO_E_BAD_PASSWORD,
		    "passwords are " PROTO_XSTR(PROTO_PASSWORD_MIN) " to "
		    PROTO_XSTR(PROTO_PASSWORD_MAX) " bytes");
	auth_secret_hash(invite, hash);
	if (store_invite_check(c->srv->store, hash, now_seconds()) != STORE_OK)
		return cmd_reply_invite(c, req->id, hash);
	if (store_account_by_name(c->srv->store, user, &a) == STORE_OK)
		return conn_reply_err(c, req->id, PROTO_E_EXISTS,
		    "that user name is taken");

	w = store_write_new(SW_REGISTER);
	memcpy(w->invite, hash, sizeof w->invite);
	strlcpy_h(w->name, user, sizeof w->name);
	l = cmd_login_new(c, req);
	l->how = CONN_AUTH_PASSWORD;
	j = auth_job_new(AUTH_HASH, password);
	j->ctx = l;
	j->arg = w;
	j->done = cmd_register_hashed;
	if (auth_submit(c->srv->auth, j) != 0) {
		conn_reply_err(c, req->id, PROTO_E_BUSY, NULL);
		cmd_login_free(l);
		store_write_free(w);
		auth_job_free(j);
	}
}

/* ---- login -------------------------------------------------------- */

/* The credentials were right, but the account is suspended or
 * deactivated (checked by the writer as it would have stored the
 * session): say so, and why. Only someone who proved to be the account
 * learns it. */
static void
cmd_reply_suspended(struct conn *c, json_t *id, int64_t account)
{
	struct store_account a;
	char msg[PROTO_MAX_REASON + 64];

	if (store_account_by_id(c->srv->store, account, &a) == STORE_OK &&
	    !a.suspended && a.deactivated) {
		/* Someone who left, not a sanction: no reason told. */
		OPENSSL_cleanse(a.pwhash, sizeof a.pwhash);
		log_info("conn %llu: login refused: account deactivated",
		    (unsigned long long)c->id);
		return conn_reply_err(c, id, PROTO_E_DEACTIVATED, "this account "
		    "was deactivated: ask your organisation's admin to "
		    "reactivate it");
	}
	if (a.id == account && a.suspended_reason[0] != '\0')
		snprintf(msg, sizeof msg, "this account is suspended: %s",
		    a.suspended_reason);
	else
		snprintf(msg, sizeof msg, "this account is suspended");
	OPENSSL_cleanse(a.pwhash, sizeof a.pwhash);
	log_info("conn %llu: login refused: account suspended",
	    (unsigned long long)c->id);
	conn_reply_err(c, id, PROTO_E_SUSPENDED, msg);
}

static void
cmd_login_written(struct store_write *w)
{
	struct cmd_login *l = w->ctx;
	struct store_account a;

	if (conn_is_open(l->c)) {
		if (w->result == STORE_OK && store_account_by_id(
		    l->c->srv->store, l->account, &a) == STORE_OK)
			cmd_login_accept(l, &a, w->session);
		else if (w->result == STORE_INVALID)
			conn_reply_err(l->c, l->id, PROTO_E_AUTH_FAILED,
			    "the password was changed meanwhile: log in with "
			    "the new one");
		else if (w->result == STORE_FORBIDDEN)
			cmd_reply_suspended(l->c, l->id, l->account);
		else
			cmd_reply_store_err(l->c, l->id, STORE_ERROR);
	}
	cmd_login_free(l);
	store_write_free(w);
}

static void	cmd_login_session(struct cmd_login *);

static void
cmd_login_verified(struct auth_job *j)
{
	struct cmd_login *l = j->ctx;

	if (j->ok)
		limits_login_ok(l->c->srv->limits, l->user);
	else
		limits_login_failed(l->c->srv->limits, l->user,
		    l->account != 0, (int64_t)now_monotonic_ms());
	if (!conn_is_open(l->c) || !j->ok) {
		if (conn_is_open(l->c)) {
			log_peer(LOG_LEVEL_INFO, l->c->host,
			    "conn %llu: login failed",
			    (unsigned long long)l->c->id);
			conn_reply_err(l->c, l->id, PROTO_E_AUTH_FAILED, NULL);
		}
		cmd_login_free(l);
		auth_job_free(j);
		return;
	}
	auth_job_free(j);
	cmd_login_session(l);
}

/* Credentials checked: store a new session, then let the client in. */
static void
cmd_login_session(struct cmd_login *l)
{
	struct store_write *w;

	w = store_write_new(SW_SESSION_NEW);
	w->account = l->account;
	w->now = now_seconds();
	/* Empty for a certificate login: no password to still hold; its
	 * certificate instead, so that revoking it ends the session. */
	strlcpy_h(w->pwhash, l->pwhash, sizeof w->pwhash);
	if (l->how == CONN_AUTH_CERT) {
		memcpy(w->cert_fp, l->cert_fp, sizeof w->cert_fp);
		w->by_cert = 1;
	}
	auth_token_new(l->token);
	auth_secret_hash(l->token, w->hash);
	w->ctx = l;
	w->done = cmd_login_written;
	store_submit(l->c->srv->store, w);
}

static void
cmd_login_token(struct conn *c, struct proto_req *req, const char *token)
{
	struct store_account a;
	uint8_t hash[STORE_HASH_LEN];
	int64_t session;

	auth_secret_hash(token, hash);
	if (store_session_lookup(c->srv->store, hash, &a, &session) !=
	    STORE_OK) {
		log_peer(LOG_LEVEL_INFO, c->host,
		    "conn %llu: token login failed", (unsigned long long)c->id);
		return conn_reply_err(c, req->id, PROTO_E_AUTH_FAILED, NULL);
	}
	cmd_set_ident(c, &a);
	c->session = session;
	c->auth = CONN_AUTH_TOKEN;
	conn_logged_in(c);
	cmd_account_seen(c);
	conn_reply_ok(c, req->id, cmd_login_result(c, NULL));
}

/* The TLS layer verified the certificate against the network CA and
 * its CRL; the binding in the database says whose it is. */
static void
cmd_login_cert(struct conn *c, struct proto_req *req)
{
	struct store_account a;
	struct cmd_login *l;
	X509 *peer;
	uint8_t fp[STORE_HASH_LEN];
	unsigned int n = sizeof fp;
	SSL *ssl = bufferevent_openssl_get_ssl(c->bev);

	peer = ssl != NULL ? SSL_get0_peer_certificate(ssl) : NULL;
	if (peer == NULL || SSL_get_verify_result(ssl) != X509_V_OK ||
	    X509_digest(peer, EVP_sha256(), fp, &n) != 1 ||
	    store_cert_lookup(c->srv->store, fp, now_seconds(), &a) !=
	    STORE_OK) {
		log_peer(LOG_LEVEL_INFO, c->host,
		    "conn %llu: certificate login failed",
		    (unsigned long long)c->id);
		return conn_reply_err(c, req->id, PROTO_E_AUTH_FAILED,
		    peer == NULL ? "no client certificate was presented" :
		    NULL);
	}
	log_info("conn %llu: certificate accepted for %s",
	    (unsigned long long)c->id, a.name);
	l = cmd_login_new(c, req);
	l->account = a.id;
	l->how = CONN_AUTH_CERT;
	memcpy(l->cert_fp, fp, sizeof l->cert_fp);
	cmd_login_session(l);
}

static void
cmd_login(struct cmd_q *q)
{
	struct conn *c = q->c;
	struct proto_req *req = q->req;
	const char *user, *password, *token;
	struct store_account a;
	struct auth_job *j;
	struct cmd_login *l;
	char msg[96];
	int has_token = 0, use_cert = 0;
	int64_t wait;

	if (cmd_auth_idle(c, req) != 0)
		return;
	if (proto_get_str(req, "token", 0, &token, &has_token) != PROTO_OK)
		return cmd_bad_field(c, req, "token");
	if (has_token)
		return cmd_login_token(c, req, token);
	if (proto_get_bool(req, "cert", &use_cert) != PROTO_OK)
		return cmd_bad_field(c, req, "cert");
	if (use_cert)
		return cmd_login_cert(c, req);
	if (proto_get_str(req, "user", 1, &user, NULL) != PROTO_OK)
		return cmd_bad_field(c, req, "user");
	if (proto_get_str(req, "password", 1, &password, NULL) != PROTO_OK)
		return cmd_bad_field(c, req, "password");
	/* Whether the name is an account decides only whose throttle
	 * counts it (limit.c), never the answer. */
	memset(&a, 0, sizeof a);
	if (store_account_by_name(c->srv->store, user, &a) != STORE_OK) {
		a.id = 0;
		a.pwhash[0] = '\0';	/* verified against the dummy */
	}
	if ((wait = limits_login_delay(c->srv->limits, user, a.id != 0,
	    (int64_t)now_monotonic_ms())) > 0) {
		OPENSSL_cleanse(a.pwhash, sizeof a.pwhash);
		snprintf(msg, sizeof msg, "too many failed logins: try again "
		    "in %lld second%s", (long long)((wait + 999) / 1000),
		    (wait + 999) / 1000 == 1 ? "" : "s");
		log_peer(LOG_LEVEL_INFO, c->host, "conn %llu: login throttled",
		    (unsigned long long)c->id);
		return conn_reply_err(c, req->id, PROTO_E_RATE_LIMITED, msg);
	}
	j = auth_job_new(AUTH_VERIFY, password);
	strlcpy_h(j->encoded, a.pwhash, sizeof j->encoded);
	l = cmd_login_new(c, req);
	strlcpy_h(l->pwhash, a.pwhash, sizeof l->pwhash);
	OPENSSL_cleanse(a.pwhash, sizeof a.pwhash);
	l->account = a.id;
	l->how = CONN_AUTH_PASSWORD;
	strlcpy_h(l->user, user, sizeof l->user);
	j->ctx = l;
	j->done = cmd_login_verified;
	if (auth_submit(c->srv->auth, j) != 0) {
		conn_reply_err(c, req->id, PROTO_E_BUSY, NULL);
		cmd_login_free(l);
		auth_job_free(j);
	}
}

/* ---- logout, whoami ----------------------------------------------- */

static void
cmd_logout_written(struct store_write *w)
{
	struct conn *c = w->ctx;

	if (conn_is_open(c)) {
		if (w->result == STORE_OK)
			conn_reply_ok(c, w->arg, NULL);
		else
			cmd_reply_store_err(c, w->arg, w->result);
	}
	cmd_write_finish(w);
}

static void
cmd_logout(struct cmd_q *q)
{
	struct conn *c = q->c;
	struct proto_req *req = q->req;
	struct store_write *w;

	w = cmd_write_new(c, req, SW_SESSION_REVOKE, cmd_logout_written);
	w->session = c->session;
	log_info("conn %llu: %s logged out", (unsigned long long)c->id,
	    c->acct.name);
	/* Out at once, here and on every other connection resumed with the
	 * same token: nothing more runs under the revoked session. */
	live_end_session(c->srv, c->session, c, PROTO_BYE_LOGOUT);
	conn_logged_out(c);
	store_submit(c->srv->store, w);
}

static void
cmd_whoami(struct cmd_q *q)
{
	struct conn *c = q->c;
	struct proto_req *req = q->req;
	char display[PROTO_MAX_DISPLAY_NAME + 1];
	char pronouns[PROTO_MAX_PRONOUNS + 1];
	json_t *r = cmd_login_result(c, NULL);

	/* Names a person chose (store-roster.c): null when none. */
	if (store_account_names_of(c->srv->store, c->acct.id, display,
	    pronouns) == STORE_OK) {
		json_object_set_new(r, "display_name", *display != '\0' ?
		    json_string(display) : json_null());
		json_object_set_new(r, "pronouns", *pronouns != '\0' ?
		    json_string(pronouns) : json_null());
	}
	conn_reply_ok(c, req->id, r);
}

/* ---- passwd ------------------------------------------------------- */

/*
 * passwd runs in three hops (verify the old password, hash the new one,
 * write it). The connection may log out between them: the new password
 * is written only while the connection is still logged in on the
 * session that asked, so a logged-out connection's request changes
 * nothing and is answered auth_required. (auth_busy keeps it from
 * logging in again meanwhile, as anyone at all.)
 */
static int
cmd_passwd_still_in(struct cmd_login *l)
{
	struct conn *c = l->c;

	if (c->state == CONN_READY && c->acct.id == l->account &&
	    c->session == l->session)
		return 1;
	log_info("conn %llu: logged out while %s's password change was in "
	    "flight; password unchanged", (unsigned long long)c->id, l->user);
	conn_reply_err(c, l->id, PROTO_E_AUTH_REQUIRED, "logged out before "
	    "the new password was stored, so it was not changed: log in "
	    "and try again");
	return 0;
}

static void
cmd_passwd_written(struct store_write *w)
{
	struct cmd_login *l = w->ctx;
	int ended;

	if (w->result == STORE_OK) {
		/* The commit revoked every other session: their live
		 * connections end with it, whether or not this one is
		 * still there to hear the answer. */
		ended = live_end_account(l->c->srv, w->account, w->session,
		    PROTO_BYE_PASSWD);
		log_info("%s changed their password; other sessions revoked, "
		    "%d live connection(s) ended", l->user, ended);
	}
	if (conn_is_open(l->c)) {
		if (w->result == STORE_OK)
			conn_reply_ok(l->c, l->id, NULL);
		else
			cmd_reply_store_err(l->c, l->id, w->result);
	}
	cmd_login_free(l);
	store_write_free(w);
}

static void
cmd_passwd_hashed(struct auth_job *j)
{
	struct cmd_login *l = j->ctx;
	struct store_write *w;

	if (!j->ok || !conn_is_open(l->c) || !cmd_passwd_still_in(l)) {
		if (!j->ok && conn_is_open(l->c))
			conn_reply_err(l->c, l->id, PROTO_E_INTERNAL, NULL);
		cmd_login_free(l);
		auth_job_free(j);
		return;
	}
	w = store_write_new(SW_PASSWD);
	w->account = l->account;
	w->session = l->session;
	w->now = now_seconds();
	strlcpy_h(w->actor, l->user, sizeof w->actor);
	strlcpy_h(w->pwhash, j->encoded, sizeof w->pwhash);
	auth_job_free(j);
	w->ctx = l;
	w->done = cmd_passwd_written;
	store_submit(l->c->srv->store, w);
}

static void
cmd_passwd_verified(struct auth_job *j)
{
	struct cmd_login *l = j->ctx;
	struct auth_job *h;

	if (!j->ok || !conn_is_open(l->c) || !cmd_passwd_still_in(l)) {
		if (!j->ok && conn_is_open(l->c))
			conn_reply_err(l->c, l->id, PROTO_E_AUTH_FAILED,
			    "the current password is wrong");
		cmd_login_free(l);
		auth_job_free(j);
		return;
	}
	auth_job_free(j);
	h = auth_job_new(AUTH_HASH, l->newpw);
	OPENSSL_cleanse(l->newpw, sizeof l->newpw);
	h->ctx = l;
	h->done = cmd_passwd_hashed;
	if (auth_submit(l->c->srv->auth, h) != 0) {
		conn_reply_err(l->c, l->id, PROTO_E_BUSY, NULL);
		cmd_login_free(l);
		auth_job_free(h);
	}
}

static void
cmd_passwd(struct cmd_q *q)
{
	struct conn *c = q->c;
	struct proto_req *req = q->req;
	const char *old, *new;
	struct store_account a;
	struct auth_job *j;
	struct cmd_login *l;

	if (cmd_auth_idle(c, req) != 0)
		return;
	if (proto_get_str(req, "old", 1, &old, NULL) != PROTO_OK)
		return cmd_bad_field(c, req, "old");
	if (proto_get_str(req, "new", 1, &new, NULL) != PROTO_OK)
		return cmd_bad_field(c, req, "new");
	if (proto_check_password(new) != PROTO_OK)
		return conn_reply_err(c, req->id, PROTO_E_BAD_PASSWORD,
		    "passwords are " PROTO_XSTR(PROTO_PASSWORD_MIN) " to "
		    PROTO_XSTR(PROTO_PASSWORD_MAX) " bytes");
	if (store_account_by_id(c->srv->store, c->acct.id, &a) != STORE_OK)
		return conn_reply_err(c, req->id, PROTO_E_INTERNAL, NULL);
	j = auth_job_new(AUTH_VERIFY, old);
	strlcpy_h(j->encoded, a.pwhash, sizeof j->encoded);
	OPENSSL_cleanse(a.pwhash, sizeof a.pwhash);
	l = cmd_login_new(c, req);
	l->account = c->acct.id;
	l->session = c->session;
	strlcpy_h(l->user, c->acct.name, sizeof l->user);
	strlcpy_h(l->newpw, new, sizeof l->newpw);
	j->ctx = l;
	j->done = cmd_passwd_verified;
	if (auth_submit(c->srv->auth, j) != 0) {
		conn_reply_err(c, req->id, PROTO_E_BUSY, NULL);
		cmd_login_free(l);
		auth_job_free(j);
	}
}

const struct cmd_entry cmd_auth_entries[] = {
	{ "ping", CMD_ANON | CMD_AUTH, 0, CMD_T_NONE, NULL, cmd_ping },
	{ "register", CMD_ANON, 0, CMD_T_NONE, NULL, cmd_register },
	{ "login", CMD_ANON, 0, CMD_T_NONE, NULL, cmd_login },
	{ "logout", CMD_AUTH, CAP_MEMBER, CMD_T_NONE, NULL, cmd_logout },
	{ "whoami", CMD_AUTH, CAP_MEMBER, CMD_T_NONE, NULL, cmd_whoami },
	{ "passwd", CMD_AUTH, CAP_MEMBER, CMD_T_NONE, NULL, cmd_passwd },
	{ NULL, 0, 0, CMD_T_NONE, NULL, NULL }
};
