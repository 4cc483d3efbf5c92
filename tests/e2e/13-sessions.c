/*
 * 13-sessions.c: live sessions per account (PROTOCOL.md "bye",
 * "logout", "passwd", "Connection states"; harbourd(8) "cert revoke").
 *
 * Two properties. First, when a credential goes (a password changed, a
 * session logged out, a client certificate revoked and the daemon
 * reloaded), every live connection that stood on it ends at once: it
 * is told with a bye naming the reason, whatever it sends afterwards is
 * never served, and the server closes it; connections on credentials
 * that stay are untouched. Second, one authentication at a time per
 * connection: requests that would authenticate a connection a second
 * way while the first is in flight are answered bad_state, so the
 * connection ends up as exactly the identity asked for first.
 *
 * Races are made deterministic by pipelining: the requests go out in
 * one write, hence one TLS record, so the server reads them in one pass,
 * before any password hash in flight can have come back.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "harness.h"
#include "hx-ops.h"

TestSuite(sessions, .timeout = HX_TEST_TIMEOUT);

/* The reasons PROTOCOL.md gives, as it writes them. */
#define BYE_PASSWD	"the password was changed on another connection: " \
			"log in with the new one"
#define BYE_LOGOUT	"the session was logged out on another connection: " \
			"log in again"
#define BYE_CERT	"the client certificate was revoked or has expired: " \
			"ask the operator for a new one"
#define NEWPW		"a-new-and-longer-password"

/* Requests (stolen) with ids 1, 2, ... in one write; NULL-terminated. */
static void
pipeline(struct hx_conn *c, ...)
{
	va_list	 ap;
	json_t	*req;
	char	*line, *buf = NULL;
	size_t	 len = 0, n;
	int	 id = 0;

	va_start(ap, c);
	while ((req = va_arg(ap, json_t *)) != NULL) {
		json_object_set_new(req, "id", json_integer(++id));
		line = json_dumps(req, JSON_COMPACT);
		cr_assert_not_null(line);
		n = strlen(line);
		buf = realloc(buf, len + n + 1);
		memcpy(buf + len, line, n);
		len += n;
		buf[len++] = '\n';
		free(line);
		json_decref(req);
	}
	va_end(ap);
	cr_assert_eq(hx_send_raw(c, buf, len), 0, "the server closed the "
	    "connection before the pipelined requests went out");
	free(buf);
}

static json_t *
req_login(const char *user, const char *password)
{
	return json_pack("{s:s, s:s, s:s}", "op", "login", "user", user,
	    "password", password);
}

static json_t *
req_register(const char *invite, const char *user)
{
	return json_pack("{s:s, s:s, s:s, s:s}", "op", "register", "invite",
	    invite, "user", user, "password", HX_PASSWORD);
}

static json_t *
req_token(const char *token)
{
	return json_pack("{s:s, s:s}", "op", "login", "token", token);
}

static json_t *
req_passwd(void)
{
	return json_pack("{s:s, s:s, s:s}", "op", "passwd", "old", HX_PASSWORD,
	    "new", NEWPW);
}

/* A new connection resumed with a token. */
static struct hx_conn *
token_conn(struct hx_daemon *d, const char *token)
{
	struct hx_conn	*c = hx_connect(d);

	hx_ok(c, "login", "{s:s}", "token", token);
	return c;
}

static void
assert_is(struct hx_conn *c, const char *user)
{
	cr_assert_str_eq(hx_str(hx_ok(c, "whoami", NULL), "user"), user,
	    "this connection is no longer %s", user);
}

/*
 * Ended from the wire: a bye with this reason arrives; a request sent
 * after it, if the server still takes it, answers auth_required; and
 * the server closes the connection.
 */
static void
assert_ended(struct hx_conn *c, const char *reason)
{
	static const char	 after[] = "{\"id\":\"after\",\"op\":\"post\","
				    "\"channel\":\"peer/x\",\"title\":\"t\","
				    "\"body\":\"still here?\"}\n";
	json_t			*bye, *r;

	bye = hx_event_named(c, "bye", hx_ms(HX_WAIT_MS));
	cr_assert_not_null(bye, "no bye: the connection lives on");
	cr_assert_str_eq(hx_str(bye, "reason"), reason, "bye %s", hx_dump(bye));
	if (hx_send_raw(c, after, sizeof after - 1) == 0 &&
	    (r = hx_any_reply(c, hx_ms(HX_WAIT_MS))) != NULL)
		hx_assert_err(r, "auth_required");
	cr_assert(hx_wait_closed(c, hx_ms(HX_WAIT_MS)),
	    "the bye was not followed by a close");
}

/* --- A credential goes: its live connections end. --- */

Test(sessions, passwd_ends_every_other_session)
{
	struct hx_daemon	*d = hx_start(NULL);
	struct hx_conn		*a, *other, *same, *ben;

	a = hx_user(d, "refugee-action", "member", "ana");
	other = hx_login(d, "ana");		/* a session of its own */
	same = token_conn(d, hx_token(a));	/* a's session, resumed */
	ben = hx_user(d, "refugee-action", "member", "ben");

	hx_ok(a, "passwd", "{s:s, s:s}", "old", HX_PASSWORD, "new", NEWPW);
	assert_ended(other, BYE_PASSWD);
	/* This session stays, on every connection that uses it; other
	 * accounts never notice. */
	assert_is(a, "ana");
	assert_is(same, "ana");
	assert_is(ben, "ben");
	hx_stop(d);
}

Test(sessions, logout_ends_the_session_everywhere)
{
	struct hx_daemon	*d = hx_start(NULL);
	struct hx_conn		*a, *same, *other;

	a = hx_user(d, "refugee-action", "member", "ana");
	same = token_conn(d, hx_token(a));
	other = hx_login(d, "ana");

	hx_ok(a, "logout", NULL);
	assert_ended(same, BYE_LOGOUT);
	/* The one that logged out stays open, logged out. */
	hx_err(a, "auth_required", "whoami", NULL);
	hx_ok(a, "ping", NULL);
	/* Another session of the account lives on. */
	assert_is(other, "ana");
	hx_stop(d);
}

/* A daemon with the network CA, as 09-ops.c starts one. */
static struct hx_daemon *
ca_start(const char **dir)
{
	const char	*certs = getenv("HARBOUR_CERTS");

	*dir = hx_tmpdir();
	hx_copy_file(hx_strf("%s/ca.crt", certs), hx_strf("%s/ca.crt", *dir),
	    0644);
	hx_copy_file(hx_strf("%s/ca.key", certs), hx_strf("%s/ca.key", *dir),
	    0600);
	hx_copy_file(hx_strf("%s/crl.pem", certs), hx_strf("%s/crl.pem",
	    *dir), 0644);
	return hx_start(hx_strf("ca_cert = %s/ca.crt\nca_key = %s/ca.key\n"
	    "crl = %s/crl.pem", *dir, *dir, *dir));
}

/* A new account USER with a certificate, and a connection logged in
 * with it. */
static struct hx_conn *
cert_user_token(struct hx_daemon *d, const char *dir, const char *user,
    const char **token)
{
	struct hx_tls_opts	 o = { 0 };
	struct hx_try		 t;
	struct hx_conn		*c;
	struct hx_run		 r;
	json_t			*res;

	hx_close(hx_user(d, "refugee-action", "member", user));
	r = HX_HARBOURD("cert", "issue", "-c", hx_conf(d), user, "--out", dir);
	cr_assert_eq(r.status, 0, "cert issue %s: %s", user, r.err);
	o.cert = hx_strf("%s/%s.crt", dir, user);
	o.key = hx_strf("%s/%s.key", dir, user);
	c = hx_try_connect(d, &o, &t);
	cr_assert_not_null(c, "%s's certificate refused: %s", user, t.why);
	res = hx_ok(c, "login", "{s:b}", "cert", 1);
	cr_assert_str_eq(hx_str(res, "user"), user);
	if (token != NULL)
		*token = hx_str(res, "token");
	return c;
}

static struct hx_conn *
cert_user(struct hx_daemon *d, const char *dir, const char *user)
{
	return cert_user_token(d, dir, user, NULL);
}

Test(sessions, revoked_certificate_ends_its_connections_at_reload)
{
	const char		*dir, *line;
	struct hx_daemon	*d = ca_start(&dir);
	struct hx_conn		*ana_cert, *ana_pw, *ben_cert;
	struct hx_run		 r;

	ana_cert = cert_user(d, dir, "ana");
	ben_cert = cert_user(d, dir, "ben");
	ana_pw = hx_login(d, "ana");

	r = HX_HARBOURD("cert", "revoke", "-c", hx_conf(d), "ana");
	cr_assert_eq(r.status, 0, "cert revoke: %s", r.err);
	cr_assert(hx_reload(d, &line), "reload with the new CRL: %s", line);
	assert_ended(ana_cert, BYE_CERT);
	/* The password still logs ana in, and ben's certificate is ben's. */
	assert_is(ana_pw, "ana");
	assert_is(ben_cert, "ben");
	hx_stop(d);
}

/* A token a certificate login gave resumes only while the certificate
 * is live: revoking it ends the connections resumed with it at the
 * reload, and the token logs in no more. */
Test(sessions, revoked_certificate_ends_its_tokens)
{
	const char		*dir, *line, *token;
	struct hx_daemon	*d = ca_start(&dir);
	struct hx_conn		*resumed, *ana_pw;
	struct hx_run		 r;

	hx_close(cert_user_token(d, dir, "ana", &token));
	resumed = hx_connect(d);
	hx_ok(resumed, "login", "{s:s}", "token", token);
	ana_pw = hx_login(d, "ana");

	r = HX_HARBOURD("cert", "revoke", "-c", hx_conf(d), "ana");
	cr_assert_eq(r.status, 0, "cert revoke: %s", r.err);
	cr_assert(hx_reload(d, &line), "reload with the new CRL: %s", line);
	assert_ended(resumed, BYE_CERT);
	hx_err(hx_connect(d), "auth_failed", "login", "{s:s}", "token", token);
	/* Her password session stands on no certificate. */
	assert_is(ana_pw, "ana");
	hx_stop(d);
}

/* --- One authentication at a time. --- */

Test(sessions, register_while_login_in_flight)
{
	struct hx_daemon	*d = hx_start(NULL);
	struct hx_conn		*c;
	const char		*invite;

	hx_close(hx_user(d, "refugee-action", "member", "ana"));
	invite = hx_invite(d, "refugee-action", "member");
	c = hx_connect(d);
	pipeline(c, req_login("ana", HX_PASSWORD), req_register(invite, "bea"),
	    NULL);
	hx_assert_err(hx_reply_int(c, 2), "bad_state");
	cr_assert_str_eq(hx_str(hx_assert_ok(hx_reply_int(c, 1)), "user"),
	    "ana");
	assert_is(c, "ana");
	/* The refused register used nothing: the invite still works. */
	hx_ok(hx_connect(d), "register", "{s:s, s:s, s:s}", "invite", invite,
	    "user", "bea", "password", HX_PASSWORD);
	hx_stop(d);
}

Test(sessions, login_while_register_in_flight)
{
	struct hx_daemon	*d = hx_start(NULL);
	struct hx_conn		*c;
	const char		*invite;

	hx_close(hx_user(d, "refugee-action", "member", "ana"));
	invite = hx_invite(d, "refugee-action", "member");
	c = hx_connect(d);
	pipeline(c, req_register(invite, "bea"), req_login("ana", HX_PASSWORD),
	    NULL);
	hx_assert_err(hx_reply_int(c, 2), "bad_state");
	cr_assert_str_eq(hx_str(hx_assert_ok(hx_reply_int(c, 1)), "user"),
	    "bea");
	assert_is(c, "bea");
	hx_stop(d);
}

Test(sessions, token_login_while_login_in_flight)
{
	struct hx_daemon	*d = hx_start(NULL);
	struct hx_conn		*c, *ben;

	hx_close(hx_user(d, "refugee-action", "member", "ana"));
	ben = hx_user(d, "refugee-action", "member", "ben");

	/* A token login answers at once, without a hash: it must still
	 * wait its turn behind the password being checked. */
	c = hx_connect(d);
	pipeline(c, req_login("ana", HX_PASSWORD), req_token(hx_token(ben)),
	    NULL);
	hx_assert_err(hx_reply_int(c, 2), "bad_state");
	hx_assert_ok(hx_reply_int(c, 1));
	assert_is(c, "ana");

	/* The other way round, the token login is done first. */
	c = hx_connect(d);
	pipeline(c, req_token(hx_token(ben)), req_login("ana", HX_PASSWORD),
	    NULL);
	hx_assert_ok(hx_reply_int(c, 1));
	hx_assert_err(hx_reply_int(c, 2), "bad_state");
	assert_is(c, "ben");
	hx_stop(d);
}

/* --- passwd in flight. --- */

Test(sessions, passwd_cut_short_by_logout_changes_nothing)
{
	struct hx_daemon	*d = hx_start(NULL);
	struct hx_conn		*a;

	a = hx_user(d, "refugee-action", "member", "ana");
	pipeline(a, req_passwd(), json_pack("{s:s}", "op", "logout"), NULL);
	hx_assert_ok(hx_reply_int(a, 2));
	/* Not a server fault: the connection is no longer logged in. */
	hx_assert_err(hx_reply_int(a, 1), "auth_required");
	hx_close(hx_login(d, "ana"));
	hx_err(hx_connect(d), "auth_failed", "login", "{s:s, s:s}", "user",
	    "ana", "password", NEWPW);
	hx_stop(d);
}

Test(sessions, passwd_never_lands_on_another_account)
{
	struct hx_daemon	*d = hx_start(NULL);
	struct hx_conn		*a;
	const char		*invite;

	a = hx_user(d, "refugee-action", "member", "ana");
	invite = hx_invite(d, "refugee-action", "member");
	/* Logged out while the hash is in flight, then a new account on
	 * the same connection. */
	pipeline(a, req_passwd(), json_pack("{s:s}", "op", "logout"),
	    req_register(invite, "bea"), NULL);
	hx_assert_ok(hx_reply_int(a, 2));
	hx_assert_err(hx_reply_int(a, 3), "bad_state");
	hx_assert_err(hx_reply_int(a, 1), "auth_required");
	hx_err(a, "auth_required", "whoami", NULL);
	hx_close(hx_login(d, "ana"));
	hx_ok(hx_connect(d), "register", "{s:s, s:s, s:s}", "invite", invite,
	    "user", "bea", "password", HX_PASSWORD);
	hx_close(hx_login(d, "bea"));
	hx_stop(d);
}

Test(sessions, passwd_twice_at_once)
{
	struct hx_daemon	*d = hx_start(NULL);
	struct hx_conn		*a;

	a = hx_user(d, "refugee-action", "member", "ana");
	pipeline(a, req_passwd(), json_pack("{s:s, s:s, s:s}", "op", "passwd",
	    "old", HX_PASSWORD, "new", "yet-another-password"), NULL);
	hx_assert_err(hx_reply_int(a, 2), "bad_state");
	hx_assert_ok(hx_reply_int(a, 1));
	hx_ok(hx_connect(d), "login", "{s:s, s:s}", "user", "ana", "password",
	    NEWPW);
	hx_stop(d);
}
