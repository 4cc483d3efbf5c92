/*
 * 01-hello-auth.c: the first minute of a connection (PROTOCOL.md
 * "Transport and framing", "Connection states and timeouts") and
 * everything about accounts: invites, register, login by password and
 * by token, logout, passwd, and the timeouts that close connections
 * which never log in or go silent.
 *
 * The spec insists that several failures look alike (an unknown, used
 * or expired invite; an unknown user or a wrong password), so that the
 * answers reveal nothing; those tests compare whole error objects, not
 * just codes.
 */
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include <openssl/ssl.h>

#include <criterion/criterion.h>

#include "harness.h"

TestSuite(hello_auth, .timeout = HX_TEST_TIMEOUT);

/* Between two looks at a condition we poll for. */
#define POLL_MS		100
/* How often a connection that must stay speaks: well inside the one
 * second idle_timeout that test sets. */
#define CHATTY_MS	300

static void
assert_hex_token(const char *t)
{
	size_t	i;

	cr_assert_eq(strlen(t), 32, "token %s: not 32 hex digits", t);
	for (i = 0; i < 32; i++)
		cr_assert(isxdigit((unsigned char)t[i]),
		    "token %s: not hex", t);
}

/* The error member alone: two answers "alike" have equal ones. */
static json_t *
error_of(json_t *reply)
{
	return json_object_get(reply, "error");
}

Test(hello_auth, hello_shape)
{
	struct hx_daemon	*d = hx_start(NULL);
	struct hx_conn		*c = hx_connect(d);
	json_t			*h = hx_hello(c), *lim;
	const char		*server;

	/* The values PROTOCOL.md states, not the codec's constants. */
	cr_assert_eq(hx_int(h, "proto"), 1);
	cr_assert_null(json_object_get(h, "id"), "the hello is an event");
	server = hx_str(h, "server");
	cr_assert(strncmp(server, "harbourd ", 9) == 0, "server %s", server);
	lim = json_object_get(h, "limits");
	cr_assert(json_is_object(lim), "limits in %s", hx_dump(h));
	cr_assert_eq(hx_int(lim, "max_line"), 65536);
	cr_assert_eq(hx_int(lim, "max_body"), 16384);
	cr_assert_eq(hx_int(lim, "max_title"), 200);
	cr_assert_eq(hx_int(lim, "page_default"), 50);
	cr_assert_eq(hx_int(lim, "page_max"), 1000);
	cr_assert_eq(hx_int(lim, "sync_page"), 500);
	cr_assert_eq(hx_int(lim, "login_timeout"), 10);
	cr_assert_eq(hx_int(lim, "idle_timeout"), 90);
	/* Nothing else arrives unasked: a push sent with the hello would
	 * come before the answer to the first request, and be queued. */
	hx_ok(c, "ping", NULL);
	cr_assert_null(hx_event(c, 0), "a second push before any request");
	hx_stop(d);
}

Test(hello_auth, tls13_only_unless_enabled)
{
	struct hx_daemon	*d = hx_start(NULL), *d12;

	cr_assert(hx_tls_probe(d, TLS1_3_VERSION, NULL), "TLS 1.3 refused");
	cr_assert(!hx_tls_probe(d, TLS1_2_VERSION, NULL),
	    "TLS 1.2 accepted though tls12 is not enabled");
	hx_stop(d);

	/* Enabled: TLS 1.2 with ECDHE and AEAD ciphers only. */
	d12 = hx_start("tls12 = yes");
	cr_assert(hx_tls_probe(d12, TLS1_2_VERSION, "ECDHE+AESGCM"),
	    "TLS 1.2 with ECDHE-AES-GCM refused though tls12 = yes");
	cr_assert(!hx_tls_probe(d12, TLS1_2_VERSION, "ECDHE+AES+SHA1:"
	    "ECDHE+AES+SHA256"), "TLS 1.2 CBC (non-AEAD) ciphers accepted");
	/* (Non-ECDHE key exchange needs an RSA certificate; the dev
	 * certificate is EC, so there is nothing to probe there.) */
	hx_stop(d12);
}

Test(hello_auth, hello_follows_config)
{
	struct hx_daemon	*d = hx_start("login_timeout = 7\nidle_timeout = 33");
	json_t			*lim;

	lim = json_object_get(hx_hello(hx_connect(d)), "limits");
	cr_assert_eq(hx_int(lim, "login_timeout"), 7);
	cr_assert_eq(hx_int(lim, "idle_timeout"), 33);
	hx_stop(d);
}

Test(hello_auth, init_invite_is_base32)
{
	struct hx_daemon	*d = hx_start(NULL);
	const char		*code = hx_admin_invite(d), *inv;
	size_t			 i;

	/* RFC 4648 base32: A-Z and 2-7; 26 of them carry 128 bits. */
	for (i = 0; i < strlen(code); i++)
		cr_assert(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", code[i]),
		    "init invite %s: not base32", code);
	inv = hx_invite(d, "refugee-action", "member");
	for (i = 0; i < strlen(inv); i++)
		cr_assert(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", inv[i]),
		    "invite %s: not base32", inv);
	hx_stop(d);
}

Test(hello_auth, register_from_invite)
{
	struct hx_daemon	*d = hx_start(NULL);
	struct hx_conn		*c = hx_connect(d);
	json_t			*res;

	res = hx_ok(c, "register", "{s:s, s:s, s:s}", "invite",
	    hx_admin_invite(d), "user", HX_ADMIN, "password", HX_PASSWORD);
	cr_assert_str_eq(hx_str(res, "user"), HX_ADMIN);
	cr_assert_str_eq(hx_str(res, "org"), HX_ADMIN_ORG);
	cr_assert_str_eq(hx_str(res, "role"), "admin");
	assert_hex_token(hx_str(res, "token"));

	res = hx_ok(c, "whoami", NULL);
	cr_assert_str_eq(hx_str(res, "user"), HX_ADMIN);
	cr_assert_str_eq(hx_str(res, "org"), HX_ADMIN_ORG);
	cr_assert_str_eq(hx_str(res, "role"), "admin");

	/* Logged in already: neither register nor login may run again. */
	hx_ok(c, "org.create", "{s:s}", "name", "refugee-action");
	res = hx_ok(c, "invite.create", "{s:s, s:s}", "org", "refugee-action",
	    "role", "member");
	hx_err(c, "bad_state", "register", "{s:s, s:s, s:s}", "invite",
	    hx_str(res, "code"), "user", "ana", "password", HX_PASSWORD);
	hx_err(c, "bad_state", "login", "{s:s, s:s}", "user", HX_ADMIN,
	    "password", HX_PASSWORD);
	hx_stop(d);
}

Test(hello_auth, only_ping_register_login_before_login)
{
	struct hx_daemon	*d = hx_start(NULL);
	struct hx_conn		*c = hx_connect(d);

	hx_ok(c, "ping", NULL);
	hx_err(c, "auth_required", "whoami", NULL);
	hx_err(c, "auth_required", "logout", NULL);
	hx_err(c, "auth_required", "channel.list", NULL);
	hx_err(c, "auth_required", "org.list", NULL);
	hx_err(c, "auth_required", "join", "{s:s}", "channel", "peer/x");
	hx_err(c, "auth_required", "sync", "{s:i}", "since", 0);
	hx_err(c, "auth_required", "post", "{s:s, s:s, s:s}", "channel",
	    "peer/x", "title", "t", "body", "b");
	/* The connection is still usable for logging in. */
	hx_admin(d);
	hx_ok(c, "register", "{s:s, s:s, s:s}", "invite",
	    hx_invite(d, "refugee-action", "member"), "user", "ana",
	    "password", HX_PASSWORD);
	hx_ok(c, "whoami", NULL);
	hx_stop(d);
}

/* The same code for a used and an unknown invite, and a message that
 * says which (issue 14): a person must know whether to check what they
 * typed or ask for a new one. 128-bit codes give a guesser nothing. */
Test(hello_auth, invite_used_unknown_told)
{
	struct hx_daemon	*d = hx_start(NULL);
	struct hx_conn		*c;
	const char		*code;
	json_t			*used, *unknown, *res;

	code = hx_invite(d, "refugee-action", "member");
	c = hx_connect(d);
	hx_ok(c, "register", "{s:s, s:s, s:s}", "invite", code, "user", "ana",
	    "password", HX_PASSWORD);
	c = hx_connect(d);
	used = hx_err(c, "invite_invalid", "register", "{s:s, s:s, s:s}",
	    "invite", code, "user", "bea", "password", HX_PASSWORD);
	/* A failed register leaves the connection logged out. */
	hx_err(c, "auth_required", "whoami", NULL);
	unknown = hx_err(c, "invite_invalid", "register", "{s:s, s:s, s:s}",
	    "invite", "AAAAAAAAAAAAAAAAAAAAAAAAAA", "user", "bea", "password",
	    HX_PASSWORD);
	hx_err(c, "invite_invalid", "register", "{s:s, s:s, s:s}", "invite",
	    "not-even-the-right-shape", "user", "bea", "password",
	    HX_PASSWORD);
	cr_assert(strstr(hx_str(error_of(used), "message"), "used") != NULL,
	    "%s", hx_dump(used));
	cr_assert(strstr(hx_str(error_of(unknown), "message"),
	    "no invite has that code") != NULL, "%s", hx_dump(unknown));
	/* The used invite made no second account. */
	hx_err(hx_connect(d), "auth_failed", "login", "{s:s, s:s}", "user",
	    "bea", "password", HX_PASSWORD);
	/* And the shape of a fresh invite's answer. */
	res = hx_ok(hx_admin(d), "invite.create", "{s:s, s:s}", "org",
	    "refugee-action", "role", "member");
	cr_assert(json_is_string(json_object_get(res, "expires_at")) ||
	    json_is_integer(json_object_get(res, "expires_at")),
	    "expires_at in %s", hx_dump(res));
	hx_stop(d);
}

/* Poll the daemon until it holds the invite expired. Registering an
 * account name that is taken asks without using the invite: a live
 * invite answers "exists" (the invite is checked first), an expired
 * one "invite_invalid". */
static void
wait_invite_expired(struct hx_conn *c, const char *code)
{
	const char	*got = "";
	json_t		*r;
	int		 waited;

	for (waited = 0; waited < hx_ms(HX_WAIT_MS); waited += POLL_MS) {
		r = hx_call(c, "register", "{s:s, s:s, s:s}", "invite", code,
		    "user", HX_ADMIN, "password", HX_PASSWORD);
		got = hx_str(json_object_get(r, "error"), "code");
		if (strcmp(got, "invite_invalid") == 0)
			return;
		cr_assert_str_eq(got, "exists", "a live invite for a taken "
		    "name: %s", hx_dump(r));
		usleep(POLL_MS * 1000);
	}
	cr_assert_fail("the invite did not expire within %d ms: %s",
	    hx_ms(HX_WAIT_MS), got);
}

Test(hello_auth, invite_expired_told)
{
	struct hx_daemon	*d = hx_start(NULL);
	struct hx_conn		*c;
	json_t			*unknown, *expired, *res;

	/* PROTOCOL.md sets no minimum for expires: one second is legal. */
	res = hx_ok(hx_admin(d), "invite.create", "{s:s, s:s, s:i}", "org",
	    HX_ADMIN_ORG, "role", "member", "expires", 1);
	c = hx_connect(d);
	wait_invite_expired(c, hx_str(res, "code"));
	expired = hx_err(c, "invite_invalid", "register", "{s:s, s:s, s:s}",
	    "invite", hx_str(res, "code"), "user", "bea", "password",
	    HX_PASSWORD);
	unknown = hx_err(c, "invite_invalid", "register", "{s:s, s:s, s:s}",
	    "invite", "AAAAAAAAAAAAAAAAAAAAAAAAAA", "user", "bea", "password",
	    HX_PASSWORD);
	cr_assert(strstr(hx_str(error_of(expired), "message"), "expired") !=
	    NULL, "%s", hx_dump(expired));
	cr_assert(!json_equal(error_of(expired), error_of(unknown)),
	    "%s / %s", hx_dump(expired), hx_dump(unknown));
	hx_stop(d);
}

Test(hello_auth, invite_expires_bounds)
{
	struct hx_daemon	*d = hx_start(NULL);
	struct hx_conn		*a = hx_admin(d);

	hx_org(d, "refugee-action");
	hx_ok(a, "invite.create", "{s:s, s:s, s:i}", "org", "refugee-action",
	    "role", "member", "expires", 90 * 86400);
	hx_err(a, "bad_request", "invite.create", "{s:s, s:s, s:i}", "org",
	    "refugee-action", "role", "member", "expires", 90 * 86400 + 1);
	hx_err(a, "bad_request", "invite.create", "{s:s, s:s, s:i}", "org",
	    "refugee-action", "role", "member", "expires", 0);
	hx_ok(a, "invite.create", "{s:s, s:s, s:i}", "org", "refugee-action",
	    "role", "member", "expires", 60);
	hx_err(a, "bad_request", "invite.create", "{s:s, s:s, s:i}", "org",
	    "refugee-action", "role", "member", "expires", -5);
	hx_err(a, "bad_request", "invite.create", "{s:s, s:s, s:s}", "org",
	    "refugee-action", "role", "member", "expires", "7d");
	hx_err(a, "bad_request", "invite.create", "{s:s, s:s}", "org",
	    "refugee-action", "role", "chief");
	hx_err(a, "not_found", "invite.create", "{s:s, s:s}", "org",
	    "no-such-org", "role", "member");
	hx_stop(d);
}

Test(hello_auth, register_errors)
{
	struct hx_daemon	*d = hx_start(NULL);
	struct hx_conn		*c;
	char			 longpw[1026];
	const char		*inv;

	hx_admin(d);
	c = hx_connect(d);
	inv = hx_invite(d, "refugee-action", "member");
	hx_err(c, "exists", "register", "{s:s, s:s, s:s}", "invite", inv,
	    "user", HX_ADMIN, "password", HX_PASSWORD);
	hx_err(c, "bad_name", "register", "{s:s, s:s, s:s}", "invite",
	    hx_invite(d, "refugee-action", "member"), "user", "Ana",
	    "password", HX_PASSWORD);
	hx_err(c, "bad_name", "register", "{s:s, s:s, s:s}", "invite",
	    hx_invite(d, "refugee-action", "member"), "user", "ana smith",
	    "password", HX_PASSWORD);
	hx_err(c, "bad_name", "register", "{s:s, s:s, s:s}", "invite",
	    hx_invite(d, "refugee-action", "member"), "user",
	    "a23456789012345678901234567890123", "password", HX_PASSWORD);
	hx_err(c, "bad_name", "register", "{s:s, s:s, s:s}", "invite",
	    hx_invite(d, "refugee-action", "member"), "user", "",
	    "password", HX_PASSWORD);
	hx_err(c, "bad_password", "register", "{s:s, s:s, s:s}", "invite",
	    hx_invite(d, "refugee-action", "member"), "user", "ana",
	    "password", "7bytes!");
	memset(longpw, 'p', 1025);
	longpw[1025] = '\0';
	hx_err(c, "bad_password", "register", "{s:s, s:s, s:s}", "invite",
	    hx_invite(d, "refugee-action", "member"), "user", "ana",
	    "password", longpw);
	hx_err(c, "bad_request", "register", "{s:s, s:s}", "invite",
	    hx_invite(d, "refugee-action", "member"), "user", "ana");
	/* The longest legal name and password are fine. */
	longpw[1024] = '\0';
	hx_ok(c, "register", "{s:s, s:s, s:s}", "invite",
	    hx_invite(d, "refugee-action", "member"), "user",
	    "a2345678901234567890123456789.-_", "password", longpw);
	hx_stop(d);
}

Test(hello_auth, login_password)
{
	struct hx_daemon	*d = hx_start(NULL);
	struct hx_conn		*reg, *c;
	json_t			*res, *wrong, *unknown;

	reg = hx_user(d, "refugee-action", "member", "ana");
	c = hx_connect(d);
	wrong = hx_err(c, "auth_failed", "login", "{s:s, s:s}", "user", "ana",
	    "password", "not-the-password");
	unknown = hx_err(c, "auth_failed", "login", "{s:s, s:s}", "user",
	    "nobody", "password", HX_PASSWORD);
	cr_assert(json_equal(error_of(wrong), error_of(unknown)),
	    "one answer for a wrong password and an unknown user: %s / %s",
	    hx_dump(wrong), hx_dump(unknown));
	hx_err(c, "auth_required", "whoami", NULL);

	res = hx_ok(c, "login", "{s:s, s:s}", "user", "ana", "password",
	    HX_PASSWORD);
	cr_assert_str_eq(hx_str(res, "user"), "ana");
	cr_assert_str_eq(hx_str(res, "org"), "refugee-action");
	cr_assert_str_eq(hx_str(res, "role"), "member");
	assert_hex_token(hx_str(res, "token"));
	cr_assert_str_neq(hx_str(res, "token"), hx_token(reg),
	    "a new session gets a new token");
	hx_stop(d);
}

Test(hello_auth, login_token)
{
	struct hx_daemon	*d = hx_start(NULL);
	struct hx_conn		*reg, *c;
	const char		*token;
	json_t			*res;

	reg = hx_user(d, "refugee-action", "member", "ana");
	token = hx_token(reg);
	hx_close(reg);

	c = hx_connect(d);
	hx_err(c, "auth_failed", "login", "{s:s}", "token",
	    "00000000000000000000000000000000");
	hx_err(c, "auth_failed", "login", "{s:s}", "token", "garbage");
	res = hx_ok(c, "login", "{s:s}", "token", token);
	cr_assert_str_eq(hx_str(res, "user"), "ana");
	cr_assert_str_eq(hx_str(res, "org"), "refugee-action");
	cr_assert_str_eq(hx_str(res, "role"), "member");
	cr_assert_null(json_object_get(res, "token"),
	    "a token login returns no new token: %s", hx_dump(res));
	hx_ok(c, "whoami", NULL);
	/* The same session from two connections at once is fine. */
	hx_ok(hx_connect(d), "login", "{s:s}", "token", token);
	hx_stop(d);
}

Test(hello_auth, logout_revokes_token)
{
	struct hx_daemon	*d = hx_start(NULL);
	struct hx_conn		*c, *other;
	const char		*token, *token2;

	c = hx_user(d, "refugee-action", "member", "ana");
	token = hx_token(c);
	other = hx_login(d, "ana");
	token2 = hx_token(other);

	cr_assert_eq(json_object_size(hx_ok(c, "logout", NULL)), 0);
	/* Logged out, still connected. */
	hx_err(c, "auth_required", "whoami", NULL);
	hx_ok(c, "ping", NULL);
	hx_err(hx_connect(d), "auth_failed", "login", "{s:s}", "token", token);
	/* Only this session: the other one lives on. */
	hx_ok(other, "whoami", NULL);
	hx_ok(hx_connect(d), "login", "{s:s}", "token", token2);
	/* And the connection can log in again. */
	hx_ok(c, "login", "{s:s, s:s}", "user", "ana", "password",
	    HX_PASSWORD);
	hx_ok(c, "whoami", NULL);
	hx_stop(d);
}

Test(hello_auth, passwd_revokes_other_sessions)
{
	struct hx_daemon	*d = hx_start(NULL);
	struct hx_conn		*a, *b;
	const char		*ta, *tb, *newpw = "a-new-and-longer-password";

	a = hx_user(d, "refugee-action", "member", "ana");
	ta = hx_token(a);
	b = hx_login(d, "ana");
	tb = hx_token(b);

	hx_err(a, "auth_failed", "passwd", "{s:s, s:s}", "old", "wrong-password",
	    "new", newpw);
	hx_err(a, "bad_password", "passwd", "{s:s, s:s}", "old", HX_PASSWORD,
	    "new", "short");
	hx_ok(a, "passwd", "{s:s, s:s}", "old", HX_PASSWORD, "new", newpw);
	hx_ok(a, "whoami", NULL);

	hx_err(hx_connect(d), "auth_failed", "login", "{s:s}", "token", tb);
	hx_ok(hx_connect(d), "login", "{s:s}", "token", ta);
	hx_err(hx_connect(d), "auth_failed", "login", "{s:s, s:s}", "user",
	    "ana", "password", HX_PASSWORD);
	hx_ok(hx_connect(d), "login", "{s:s, s:s}", "user", "ana", "password",
	    newpw);
	hx_stop(d);
}

Test(hello_auth, login_timeout_closes_idle_connection)
{
	struct hx_daemon	*d = hx_start("login_timeout = 1");
	struct hx_conn		*idle, *busy, *late;
	json_t			*bye;

	idle = hx_connect(d);
	cr_assert_eq(hx_int(json_object_get(hx_hello(idle), "limits"),
	    "login_timeout"), 1);
	busy = hx_user(d, "refugee-action", "member", "ana");

	bye = hx_event_named(idle, "bye", hx_ms(HX_WAIT_MS));
	cr_assert_not_null(bye, "no bye for a connection that never logged in");
	hx_str(bye, "reason");
	cr_assert(hx_wait_closed(idle, hx_ms(HX_WAIT_MS)),
	    "not closed after the login timeout's bye");

	/* A connection that logged in in time stays: once one opened after
	 * it has timed out, its own login deadline has passed too. */
	late = hx_connect(d);
	cr_assert(hx_wait_closed(late, hx_ms(HX_WAIT_MS)),
	    "a later connection was not closed after the login timeout");
	hx_ok(busy, "whoami", NULL);
	hx_stop(d);
}

Test(hello_auth, login_timeout_covers_tls_handshake)
{
	struct hx_daemon	*d = hx_start("login_timeout = 1");
	struct sockaddr_in	 sin;
	struct pollfd		 pfd;
	char			 buf[64];
	int			 fd, n;

	/* A TCP connection that never starts TLS must not hold a slot. */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)hx_port(d));
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert(connect(fd, (struct sockaddr *)&sin, sizeof sin) == 0,
	    "connect: %s", strerror(errno));
	pfd.fd = fd;
	pfd.events = POLLIN;
	cr_assert_eq(poll(&pfd, 1, hx_ms(HX_WAIT_MS)), 1,
	    "a connection without TLS was not closed after login_timeout");
	n = (int)read(fd, buf, sizeof buf);
	cr_assert(n <= 0, "the server sent %d bytes before TLS", n);
	close(fd);
	hx_stop(d);
}

Test(hello_auth, idle_ping_then_close)
{
	struct hx_daemon	*d = hx_start("idle_timeout = 1");
	struct hx_conn		*quiet, *chatty;
	json_t			*ping = NULL, *bye = NULL;
	int			 waited;

	quiet = hx_user(d, "refugee-action", "member", "ana");
	chatty = hx_login(d, "ana");

	/* chatty sends a request every CHATTY_MS, well inside the idle
	 * timeout: it must never be closed, while quiet gets a ping after
	 * a second and a bye after two. */
	for (waited = 0; waited < hx_ms(HX_WAIT_MS) && bye == NULL;
	    waited += CHATTY_MS) {
		hx_ok(chatty, "ping", NULL);
		if (ping == NULL) {
			ping = hx_event_named(quiet, "ping", CHATTY_MS);
			if (ping != NULL)
				cr_assert_eq(json_object_size(ping), 1,
				    "a ping is just {\"ev\":\"ping\"}: %s",
				    hx_dump(ping));
		} else
			bye = hx_event_named(quiet, "bye", CHATTY_MS);
	}
	cr_assert_not_null(ping, "no ping after idle_timeout");
	cr_assert_not_null(bye, "no bye for a connection silent after a ping");
	cr_assert(hx_wait_closed(quiet, hx_ms(HX_WAIT_MS)),
	    "an idle connection was not closed");
	hx_ok(chatty, "whoami", NULL);
	hx_stop(d);
}
