/*
 * 40-accounts.c: accounts over their whole life, on the wire. Someone
 * who left is deactivated: their live sessions end at once, login is
 * refused (as deactivated, not suspended), their posts and name stay,
 * and reactivation lets them in again. A role change reaches the live
 * connection at once. A reset code is single-use and expires; using it
 * ends every session. One organisation's roster is not another's to
 * read, answering as a missing organisation; org-admins act within
 * their own only and never above org-admin; the last admin stays.
 */
#include <string.h>

#include <criterion/criterion.h>

#include "harness.h"
#include "hx-ops.h"

TestSuite(accounts, .timeout = HX_TEST_TIMEOUT);

#define LEFT	"left the charity in May"
#define NEWPW	"a-brand-new-passphrase"
#define CH	"hope/staff"

static const char *
err_message(json_t *r)
{
	return hx_str(json_object_get(r, "error"), "message");
}

static json_t *
roster(struct hx_conn *c, const char *user)
{
	json_t *list = json_object_get(hx_ok(c, "members", NULL), "members");
	size_t i;

	for (i = 0; i < json_array_size(list); i++)
		if (strcmp(hx_str(json_array_get(list, i), "user"), user) == 0)
			return json_array_get(list, i);
	return NULL;
}

/* The log c reads without a channel, but for the invites into the
 * organisation (the roster's entries, 42-roster.c's): the accounts'. */
static json_t *
account_log(struct hx_conn *c)
{
	json_t *all = json_object_get(hx_ok(c, "mod.log", NULL), "entries");
	json_t *out = hx_keep(json_array()), *e;
	size_t i;

	json_array_foreach(all, i, e)
		if (strcmp(hx_str(e, "action"), "invite") != 0 &&
		    strcmp(hx_str(e, "action"), "admin-invite") != 0)
			json_array_append(out, e);
	return out;
}

static size_t
log_size(struct hx_conn *c)
{
	return json_array_size(account_log(c));
}

Test(accounts, deactivate_ends_sessions_and_refuses_login)
{
	struct hx_daemon *d = hx_start(NULL);
	struct hx_conn *olu, *ana, *ana2, *bob;
	json_t *bye, *r, *m, *log;
	const char *token;
	int64_t post;

	olu = hx_user(d, "hope", "org-admin", "olu");
	ana = hx_user(d, "hope", "member", "ana");
	bob = hx_user(d, "hope", "member", "bob");
	hx_ok(olu, "channel.create", "{s:s}", "channel", CH);
	hx_ok(ana, "join", "{s:s}", "channel", CH);
	post = hx_post(ana, CH, "Rota", 0, "I cover Tuesdays");
	ana2 = hx_login(d, "ana");
	token = hx_token(ana2);
	hx_ok(ana, "subscribe", NULL);

	hx_err(olu, "bad_request", "user.deactivate", "{s:s}", "user", "olu");
	r = hx_ok(olu, "user.deactivate", "{s:s, s:s}", "user", "ana",
	    "reason", LEFT);
	cr_assert_str_eq(hx_str(r, "user"), "ana");
	cr_assert(json_is_true(json_object_get(r, "deactivated")));
	/* Both live connections are told at once and closed. */
	bye = hx_event_named(ana, "bye", hx_ms(HX_WAIT_MS));
	cr_assert_not_null(bye);
	cr_assert(strstr(hx_str(bye, "reason"), "deactivated") != NULL);
	cr_assert(hx_wait_closed(ana, hx_ms(HX_WAIT_MS)));
	cr_assert_not_null(hx_event_named(ana2, "bye", hx_ms(HX_WAIT_MS)));
	cr_assert(hx_wait_closed(ana2, hx_ms(HX_WAIT_MS)));

	/* Refused as deactivated (not suspended), only to the password. */
	hx_err(hx_connect(d), "auth_failed", "login", "{s:s}", "token", token);
	r = hx_err(hx_connect(d), "deactivated", "login", "{s:s, s:s}", "user",
	    "ana", "password", HX_PASSWORD);
	cr_assert(strstr(err_message(r), "reactivate") != NULL);
	hx_err(hx_connect(d), "auth_failed", "login", "{s:s, s:s}", "user",
	    "ana", "password", "not-her-password");

	/* The post and the name stay; the roster says she left, and why
	 * only to whom manages her. */
	r = json_array_get(hx_read_all(bob, CH, 0), 0);
	cr_assert_eq(hx_int(r, "post"), post);
	cr_assert_str_eq(hx_str(r, "author"), "ana");
	m = roster(olu, "ana");
	cr_assert_not_null(m);
	cr_assert_not_null(json_object_get(m, "deactivated"));
	cr_assert_str_eq(hx_str(m, "reason"), LEFT);
	m = roster(bob, "ana");
	cr_assert_not_null(json_object_get(m, "deactivated"));
	cr_assert_null(json_object_get(m, "reason"));

	r = hx_ok(olu, "user.reactivate", "{s:s}", "user", "ana");
	cr_assert(json_is_false(json_object_get(r, "deactivated")));
	cr_assert_str_eq(hx_str(hx_ok(hx_login(d, "ana"), "whoami", NULL),
	    "user"), "ana");
	cr_assert_null(json_object_get(roster(olu, "ana"), "deactivated"));
	cr_assert_not_null(json_object_get(roster(olu, "ana"), "last_seen"));

	/* The org-admin reads both in its organisation's log. */
	log = account_log(olu);
	cr_assert_eq(json_array_size(log), 2, "%s", hx_dump(log));
	r = json_array_get(log, 0);
	cr_assert_str_eq(hx_str(r, "action"), "deactivate");
	cr_assert_str_eq(hx_str(r, "by"), "olu");
	cr_assert_str_eq(hx_str(r, "user"), "ana");
	cr_assert_str_eq(hx_str(r, "reason"), LEFT);
	cr_assert_str_eq(hx_str(json_array_get(log, 1), "action"),
	    "reactivate");
	hx_err(bob, "forbidden", "mod.log", NULL);
	hx_stop(d);
}

Test(accounts, role_change_reaches_the_live_connection)
{
	struct hx_daemon *d = hx_start(NULL);
	struct hx_conn *adm = hx_admin(d), *olu, *ana, *fay, *zed;
	json_t *r, *log;

	olu = hx_user(d, "hope", "org-admin", "olu");
	ana = hx_user(d, "hope", "member", "ana");
	fay = hx_user(d, "hope", "facilitator", "fay");
	zed = hx_user(d, "refuge", "member", "zed");
	hx_err(ana, "forbidden", "invite.create", "{s:s, s:s}", "org", "hope",
	    "role", "member");

	r = hx_ok(olu, "user.role", "{s:s, s:s}", "user", "ana", "role",
	    "org-admin");
	cr_assert_str_eq(hx_str(r, "role"), "org-admin");
	cr_assert_str_eq(hx_str(r, "was"), "member");
	/* The same connection, without logging in again. */
	cr_assert_str_eq(hx_str(hx_ok(ana, "whoami", NULL), "role"),
	    "org-admin");
	hx_ok(ana, "invite.create", "{s:s, s:s}", "org", "hope", "role",
	    "member");
	hx_ok(olu, "user.role", "{s:s, s:s}", "user", "ana", "role", "member");
	hx_err(ana, "forbidden", "invite.create", "{s:s, s:s}", "org", "hope",
	    "role", "member");
	cr_assert_str_eq(hx_str(roster(olu, "ana"), "role"), "member");

	/* An org-admin: not above org-admin, not another organisation's
	 * (which answers as nobody at all), not a facilitator's role. */
	r = hx_err(olu, "forbidden", "user.role", "{s:s, s:s}", "user", "ana",
	    "role", "facilitator");
	cr_assert(strstr(err_message(r), "only an admin") != NULL);
	hx_err(olu, "forbidden", "user.role", "{s:s, s:s}", "user", "fay",
	    "role", "member");
	hx_err(olu, "forbidden", "user.deactivate", "{s:s, s:s}", "user",
	    "fay", "reason", LEFT);
	hx_err(olu, "forbidden", "user.reset", "{s:s}", "user", "fay");
	hx_err(olu, "not_found", "user.role", "{s:s, s:s}", "user", "zed",
	    "role", "org-admin");
	hx_err(olu, "not_found", "user.deactivate", "{s:s, s:s}", "user",
	    "zed", "reason", LEFT);
	hx_err(olu, "not_found", "user.reset", "{s:s}", "user", "zed");
	hx_err(ana, "forbidden", "user.role", "{s:s, s:s}", "user", "bob",
	    "role", "member");
	hx_err(fay, "forbidden", "user.role", "{s:s, s:s}", "user", "ana",
	    "role", "org-admin");
	hx_err(olu, "bad_state", "user.role", "{s:s, s:s}", "user", "ana",
	    "role", "member");

	/* An admin gives any role, in any organisation. */
	hx_ok(adm, "user.role", "{s:s, s:s}", "user", "zed", "role",
	    "facilitator");
	cr_assert_str_eq(hx_str(hx_ok(zed, "whoami", NULL), "role"),
	    "facilitator");

	/* Each change, in hope's log for its org-admin; zed's not. */
	log = account_log(olu);
	cr_assert_eq(json_array_size(log), 2, "%s", hx_dump(log));
	cr_assert_str_eq(hx_str(json_array_get(log, 0), "action"), "role");
	cr_assert_str_eq(hx_str(json_array_get(log, 0), "reason"),
	    "member -> org-admin");
	cr_assert_eq(log_size(adm), 3);
	hx_stop(d);
}

Test(accounts, the_last_admin_stays)
{
	struct hx_daemon *d = hx_start(NULL);
	struct hx_conn *adm = hx_admin(d), *ada;
	json_t *r;

	r = hx_err(adm, "bad_state", "user.role", "{s:s, s:s}", "user",
	    HX_ADMIN, "role", "member");
	cr_assert(strstr(err_message(r), "last admin") != NULL);
	hx_err(adm, "bad_request", "user.deactivate", "{s:s, s:s}", "user",
	    HX_ADMIN, "reason", LEFT);
	cr_assert_eq(log_size(adm), 0);

	ada = hx_user(d, HX_ADMIN_ORG, "admin", "ada");
	hx_ok(ada, "user.deactivate", "{s:s, s:s}", "user", HX_ADMIN,
	    "reason", LEFT);
	cr_assert(hx_wait_closed(adm, hx_ms(HX_WAIT_MS)));
	/* ops no longer counts: ada is the last one now. */
	hx_err(ada, "bad_state", "user.role", "{s:s, s:s}", "user", "ada",
	    "role", "facilitator");
	hx_ok(ada, "user.reactivate", "{s:s}", "user", HX_ADMIN);
	hx_ok(ada, "user.role", "{s:s, s:s}", "user", "ada", "role",
	    "facilitator");
	cr_assert_str_eq(hx_str(hx_ok(ada, "whoami", NULL), "role"),
	    "facilitator");
	hx_stop(d);
}

Test(accounts, reset_is_single_use_and_expires)
{
	struct hx_daemon *d;
	struct hx_conn *olu, *ana, *ana2, *anon;
	json_t *r;
	const char *code, *old, *log;
	int64_t t0 = hx_clock_start();
	size_t n;

	d = hx_start(NULL);
	olu = hx_user(d, "hope", "org-admin", "olu");
	ana = hx_user(d, "hope", "member", "ana");
	ana2 = hx_login(d, "ana");
	hx_ok(ana, "subscribe", NULL);

	old = hx_str(hx_ok(olu, "user.reset", "{s:s}", "user", "ana"), "code");
	r = hx_ok(olu, "user.reset", "{s:s}", "user", "ana");
	code = hx_str(r, "code");
	cr_assert_eq(strlen(code), 26);
	cr_assert_str_eq(hx_str(r, "user"), "ana");
	cr_assert_not_null(json_object_get(r, "expires_at"));
	anon = hx_connect(d);
	/* The newer code replaced the first. */
	r = hx_err(anon, "reset_invalid", "reset", "{s:s, s:s, s:s}", "user",
	    "ana", "code", old, "password", NEWPW);
	cr_assert(strstr(err_message(r), "unknown") != NULL);
	hx_err(anon, "bad_password", "reset", "{s:s, s:s, s:s}", "user",
	    "ana", "code", code, "password", "short");

	r = hx_ok(anon, "reset", "{s:s, s:s, s:s}", "user", "ana", "code",
	    code, "password", NEWPW);
	cr_assert_str_eq(hx_str(r, "user"), "ana");
	/* As good as a password until used: never in the log. */
	log = hx_log(d, &n);
	cr_assert(!hx_contains(log, n, code));
	cr_assert(!hx_contains(log, n, NEWPW));
	cr_assert_not_null(hx_event_named(ana, "bye", hx_ms(HX_WAIT_MS)));
	cr_assert(hx_wait_closed(ana, hx_ms(HX_WAIT_MS)));
	cr_assert(hx_wait_closed(ana2, hx_ms(HX_WAIT_MS)));
	hx_err(hx_connect(d), "auth_failed", "login", "{s:s}", "token",
	    hx_token(ana2));
	hx_err(hx_connect(d), "auth_failed", "login", "{s:s, s:s}", "user",
	    "ana", "password", HX_PASSWORD);
	hx_ok(hx_connect(d), "login", "{s:s, s:s}", "user", "ana", "password",
	    NEWPW);
	r = hx_err(anon, "reset_invalid", "reset", "{s:s, s:s, s:s}", "user",
	    "ana", "code", code, "password", HX_PASSWORD);
	cr_assert(strstr(err_message(r), "used") != NULL);

	/* A day on, an unused code is refused as expired. */
	code = hx_str(hx_ok(olu, "user.reset", "{s:s}", "user", "ana"),
	    "code");
	hx_clock_set(t0 + 25 * 3600 * 1000LL);
	r = hx_err(anon, "reset_invalid", "reset", "{s:s, s:s, s:s}", "user",
	    "ana", "code", code, "password", HX_PASSWORD);
	cr_assert(strstr(err_message(r), "expired") != NULL);
	/* An unknown user answers as an unknown code. */
	r = hx_err(anon, "reset_invalid", "reset", "{s:s, s:s, s:s}", "user",
	    "nobody", "code", code, "password", HX_PASSWORD);
	cr_assert(strstr(err_message(r), "unknown") != NULL);
	hx_ok(hx_connect(d), "login", "{s:s, s:s}", "user", "ana", "password",
	    NEWPW);
	/* Only before login. */
	hx_err(olu, "bad_state", "reset", "{s:s, s:s, s:s}", "user", "ana",
	    "code", code, "password", NEWPW);
	hx_stop(d);
}

Test(accounts, another_organisation_is_not_there)
{
	struct hx_daemon *d = hx_start(NULL);
	struct hx_conn *zed, *fay, *adm = hx_admin(d);
	json_t *missing, *other, *r;
	size_t n;
	const char *seen;

	hx_close(hx_user(d, "hope", "org-admin", "olu"));
	hx_close(hx_user(d, "hope", "member", "ana"));
	zed = hx_user(d, "refuge", "member", "zed");
	fay = hx_user(d, "refuge", "facilitator", "fay");

	r = hx_ok(zed, "members", NULL);
	cr_assert_str_eq(hx_str(r, "org"), "refuge");
	cr_assert_eq(json_array_size(json_object_get(r, "members")), 2);
	missing = hx_err(zed, "not_found", "members", "{s:s}", "org",
	    "no-such-org");
	other = hx_err(zed, "not_found", "members", "{s:s}", "org", "hope");
	cr_assert_str_eq(err_message(missing), err_message(other));
	missing = hx_err(zed, "not_found", "user.show", "{s:s}", "user",
	    "nobody");
	other = hx_err(zed, "not_found", "user.show", "{s:s}", "user", "ana");
	cr_assert_str_eq(err_message(missing), err_message(other));
	seen = hx_seen(zed, &n);
	cr_assert(!hx_contains(seen, n, "\"ana\""));
	cr_assert(!hx_contains(seen, n, "olu"));

	/* Facilitators and admins see every organisation's. */
	r = hx_ok(fay, "members", "{s:s}", "org", "hope");
	cr_assert_eq(json_array_size(json_object_get(r, "members")), 2);
	r = hx_ok(adm, "user.show", "{s:s}", "user", "olu");
	cr_assert_str_eq(hx_str(r, "role"), "org-admin");
	cr_assert_str_eq(hx_str(r, "org"), "hope");
	cr_assert_not_null(json_object_get(r, "last_seen"));
	hx_stop(d);
}

Test(accounts, bad_input_changes_nothing)
{
	struct hx_daemon *d = hx_start(NULL);
	struct hx_conn *adm = hx_admin(d), *olu;
	char big[600];

	olu = hx_user(d, "hope", "org-admin", "olu");
	hx_close(hx_user(d, "hope", "member", "ana"));
	hx_err(olu, "bad_name", "members", "{s:s}", "org", "Not An Org");
	hx_err(olu, "bad_request", "members", "{s:i}", "org", 7);
	hx_err(olu, "bad_request", "user.show", NULL);
	hx_err(olu, "bad_name", "user.show", "{s:s}", "user", "Not A Name");
	hx_err(olu, "bad_request", "user.role", "{s:s}", "user", "ana");
	hx_err(olu, "bad_request", "user.role", "{s:s, s:s}", "user", "ana",
	    "role", "king");
	hx_err(olu, "not_found", "user.role", "{s:s, s:s}", "user", "nobody",
	    "role", "member");
	hx_err(olu, "bad_request", "user.deactivate", "{s:s}", "user", "ana");
	hx_err(olu, "bad_text", "user.deactivate", "{s:s, s:s}", "user", "ana",
	    "reason", "");
	memset(big, 'x', sizeof big);
	big[501] = '\0';
	hx_err(olu, "too_large", "user.deactivate", "{s:s, s:s}", "user",
	    "ana", "reason", big);
	hx_err(olu, "bad_state", "user.reactivate", "{s:s}", "user", "ana");
	hx_err(olu, "not_found", "user.reset", "{s:s}", "user", "nobody");
	hx_err(hx_connect(d), "bad_request", "reset", "{s:s, s:s}", "user",
	    "ana", "password", NEWPW);
	hx_err(hx_connect(d), "bad_name", "reset", "{s:s, s:s, s:s}", "user",
	    "Not A Name", "code", "X", "password", NEWPW);
	/* Nothing of it was stored. */
	cr_assert_eq(log_size(olu), 0);
	cr_assert_eq(log_size(adm), 0);
	cr_assert_null(json_object_get(roster(olu, "ana"), "deactivated"));
	cr_assert_str_eq(hx_str(roster(olu, "ana"), "role"), "member");

	hx_ok(olu, "user.deactivate", "{s:s, s:s}", "user", "ana", "reason",
	    LEFT);
	hx_err(olu, "bad_state", "user.deactivate", "{s:s, s:s}", "user",
	    "ana", "reason", LEFT);
	hx_err(olu, "bad_state", "user.reset", "{s:s}", "user", "ana");
	cr_assert_eq(log_size(olu), 1);
	hx_stop(d);
}

/* A bad code counts against the name's login throttle, as a failed
 * login does: guessing codes is no faster than guessing passwords. */
Test(accounts, reset_codes_are_throttled)
{
	struct hx_daemon *d;
	struct hx_conn *olu, *anon;
	const char *code;
	int i;

	hx_clock_start();
	d = hx_start(NULL);
	olu = hx_user(d, "hope", "org-admin", "olu");
	hx_close(hx_user(d, "hope", "member", "ana"));
	code = hx_str(hx_ok(olu, "user.reset", "{s:s}", "user", "ana"),
	    "code");
	anon = hx_connect(d);
	for (i = 0; i < 3; i++)
		hx_err(anon, "reset_invalid", "reset", "{s:s, s:s, s:s}",
		    "user", "ana", "code", "AAAAAAAAAAAAAAAAAAAAAAAAAA",
		    "password", NEWPW);
	hx_err(anon, "rate_limited", "reset", "{s:s, s:s, s:s}", "user",
	    "ana", "code", code, "password", NEWPW);
	hx_err(hx_connect(d), "rate_limited", "login", "{s:s, s:s}", "user",
	    "ana", "password", HX_PASSWORD);
	/* Past the wait, the right code works. */
	hx_clock_advance(2000);
	hx_ok(anon, "reset", "{s:s, s:s, s:s}", "user", "ana", "code", code,
	    "password", NEWPW);
	hx_stop(d);
}

/* The writer has committed everything queued so far (bounded by time,
 * not a count of polls: a busy machine commits slower). */
static void
settle(struct hx_conn *adm)
{
	int64_t until = hx_mono_ms() + hx_ms(HX_WAIT_MS);

	do {
		if (hx_int(hx_ok(adm, "admin.status", NULL),
		    "writer_queue") == 0)
			return;
	} while (hx_mono_ms() < until);
	cr_assert_fail("the writer's queue never emptied");
}

/* Every kind of login is last seen: a token resumed, too. */
Test(accounts, last_seen_at_each_login)
{
	struct hx_daemon *d;
	struct hx_conn *adm, *ana;
	const char *token;

	hx_clock_start_at(1772357400000LL);	/* 2026-03-01 09:30 UTC */
	d = hx_start(NULL);
	adm = hx_admin(d);
	ana = hx_user(d, "hope", "member", "ana");
	token = hx_token(ana);
	settle(adm);
	cr_assert_str_eq(hx_str(hx_ok(adm, "user.show", "{s:s}", "user",
	    "ana"), "last_seen"), "2026-03-01T09:30:00Z");
	hx_clock_advance(3600 * 1000);
	hx_ok(hx_connect(d), "login", "{s:s}", "token", token);
	settle(adm);
	cr_assert_str_eq(hx_str(hx_ok(adm, "user.show", "{s:s}", "user",
	    "ana"), "last_seen"), "2026-03-01T10:30:00Z");
	hx_clock_advance(3600 * 1000);
	hx_close(hx_login(d, "ana"));
	settle(adm);
	cr_assert_str_eq(hx_str(hx_ok(adm, "user.show", "{s:s}", "user",
	    "ana"), "last_seen"), "2026-03-01T11:30:00Z");
	hx_stop(d);
}

/* Nothing waits in the inbox of someone who left: a mention while
 * deactivated is not kept for them, one of someone active is. */
Test(accounts, nothing_queued_while_deactivated)
{
	struct hx_daemon *d = hx_start(NULL);
	struct hx_conn *olu, *ana, *cat, *bob;

	olu = hx_user(d, "hope", "org-admin", "olu");
	ana = hx_user(d, "hope", "member", "ana");
	hx_close(hx_user(d, "hope", "member", "bob"));
	cat = hx_user(d, "hope", "member", "cat");
	hx_ok(olu, "channel.create", "{s:s}", "channel", CH);
	hx_ok(ana, "join", "{s:s}", "channel", CH);
	hx_ok(olu, "user.deactivate", "{s:s, s:s}", "user", "bob", "reason",
	    LEFT);
	hx_post(ana, CH, "Handover", 0, "@bob and @cat: the keys are here");
	cr_assert_eq(json_array_size(json_object_get(hx_ok(cat, "inbox",
	    NULL), "items")), 1);
	hx_ok(olu, "user.reactivate", "{s:s}", "user", "bob");
	bob = hx_login(d, "bob");
	cr_assert_eq(json_array_size(json_object_get(hx_ok(bob, "inbox",
	    NULL), "items")), 0);
	hx_stop(d);
}
