/*
 * 16-suspend.c: an admin suspends an account (the moderation issue's
 * `harbour admin suspend`): its live sessions end at once, every kind of
 * login is refused with the reason while it lasts, and both the
 * suspension and its lifting are in the moderation log, which nothing
 * can change.
 */
#include <string.h>

#include <criterion/criterion.h>
#include <sqlite3.h>

#include "harness.h"

TestSuite(suspend, .timeout = HX_TEST_TIMEOUT);

#define REASON	"shared a client's personal details"

Test(suspend, ends_sessions_and_refuses_logins)
{
	struct hx_daemon *d = hx_start(NULL);
	struct hx_conn *adm = hx_admin(d), *ana, *ana2, *bob;
	json_t *bye, *r;
	const char *token, *msg;

	ana = hx_user(d, "refugee-action", "member", "ana");
	bob = hx_user(d, "refugee-action", "member", "bob");
	ana2 = hx_login(d, "ana");
	token = hx_token(ana2);
	hx_ok(ana, "subscribe", NULL);

	r = hx_ok(adm, "admin.suspend", "{s:s, s:s}", "user", "ana",
	    "reason", REASON);
	cr_assert_str_eq(hx_str(r, "user"), "ana");
	/* Both live connections are told and closed. */
	bye = hx_event_named(ana, "bye", hx_ms(HX_WAIT_MS));
	cr_assert_not_null(bye);
	cr_assert(strstr(hx_str(bye, "reason"), "suspended") != NULL);
	cr_assert(hx_wait_closed(ana, hx_ms(HX_WAIT_MS)));
	cr_assert_not_null(hx_event_named(ana2, "bye", hx_ms(HX_WAIT_MS)));
	cr_assert(hx_wait_closed(ana2, hx_ms(HX_WAIT_MS)));
	/* Someone else's session is untouched. */
	cr_assert_str_eq(hx_str(hx_ok(bob, "whoami", NULL), "user"), "bob");

	/* A token gives nothing away; the right password learns why. */
	hx_err(hx_connect(d), "auth_failed", "login", "{s:s}", "token", token);
	r = hx_err(hx_connect(d), "suspended", "login", "{s:s, s:s}", "user",
	    "ana", "password", HX_PASSWORD);
	msg = hx_str(json_object_get(r, "error"), "message");
	cr_assert(strstr(msg, REASON) != NULL, "%s", msg);
	hx_err(hx_connect(d), "auth_failed", "login", "{s:s, s:s}", "user",
	    "ana", "password", "not-her-password");

	/* Lifted: the password works again; the old token stays dead. */
	hx_ok(adm, "admin.unsuspend", "{s:s}", "user", "ana");
	cr_assert_str_eq(hx_str(hx_ok(hx_login(d, "ana"), "whoami", NULL),
	    "user"), "ana");
	hx_err(hx_connect(d), "auth_failed", "login", "{s:s}", "token", token);
	hx_stop(d);
}

Test(suspend, bad_input)
{
	struct hx_daemon *d = hx_start(NULL);
	struct hx_conn *adm = hx_admin(d);
	char big[600];

	hx_close(hx_user(d, "refugee-action", "member", "ana"));
	hx_err(adm, "not_found", "admin.suspend", "{s:s, s:s}", "user", "nobody",
	    "reason", REASON);
	hx_err(adm, "bad_name", "admin.suspend", "{s:s, s:s}", "user",
	    "Not A Name", "reason", REASON);
	hx_err(adm, "bad_request", "admin.suspend", "{s:s}", "user", "ana");
	hx_err(adm, "bad_text", "admin.suspend", "{s:s, s:s}", "user", "ana",
	    "reason", "");
	hx_err(adm, "bad_text", "admin.suspend", "{s:s, s:s}", "user", "ana",
	    "reason", "a\001b");
	/* One byte past the limit (500) is too large; the limit is fine. */
	memset(big, 'x', sizeof big);
	big[501] = '\0';
	hx_err(adm, "too_large", "admin.suspend", "{s:s, s:s}", "user", "ana",
	    "reason", big);
	hx_err(adm, "bad_request", "admin.suspend", "{s:s, s:s}", "user",
	    HX_ADMIN, "reason", REASON);
	hx_err(adm, "bad_state", "admin.unsuspend", "{s:s}", "user", "ana");
	big[500] = '\0';
	hx_ok(adm, "admin.suspend", "{s:s, s:s}", "user", "ana", "reason", big);
	hx_err(adm, "bad_state", "admin.suspend", "{s:s, s:s}", "user", "ana",
	    "reason", REASON);
	/* Nothing but the one suspension went into the log. */
	cr_assert_eq(json_array_size(json_object_get(hx_ok(adm, "mod.log",
	    NULL), "entries")), 1);
	hx_stop(d);
}

Test(suspend, logged_and_the_log_is_kept)
{
	struct hx_daemon *d = hx_start(NULL);
	struct hx_conn *adm = hx_admin(d);
	json_t *log, *e;
	sqlite3 *db;
	char *err = NULL;

	hx_close(hx_user(d, "refugee-action", "member", "ana"));
	hx_ok(adm, "admin.suspend", "{s:s, s:s}", "user", "ana", "reason",
	    REASON);
	hx_ok(adm, "admin.unsuspend", "{s:s}", "user", "ana");
	log = json_object_get(hx_ok(adm, "mod.log", NULL), "entries");
	cr_assert_eq(json_array_size(log), 2, "%s", hx_dump(log));
	e = json_array_get(log, 0);
	cr_assert_str_eq(hx_str(e, "action"), "suspend");
	cr_assert_str_eq(hx_str(e, "by"), HX_ADMIN);
	cr_assert_str_eq(hx_str(e, "user"), "ana");
	cr_assert_str_eq(hx_str(e, "reason"), REASON);
	e = json_array_get(log, 1);
	cr_assert_str_eq(hx_str(e, "action"), "unsuspend");
	/* Paging: after the first entry, only the second. */
	log = json_object_get(hx_ok(adm, "mod.log", "{s:I}", "since",
	    hx_int(json_array_get(log, 0), "id")), "entries");
	cr_assert_eq(json_array_size(log), 1);

	/* The store itself refuses to change or delete an entry. */
	cr_assert_eq(sqlite3_open(hx_strf("%s/harbour.db", hx_dir(d)), &db),
	    SQLITE_OK);
	sqlite3_busy_timeout(db, hx_ms(HX_WAIT_MS));
	cr_assert_neq(sqlite3_exec(db, "UPDATE modlog SET reason = 'nothing'",
	    NULL, NULL, &err), SQLITE_OK);
	cr_assert(err != NULL && strstr(err, "never changed") != NULL);
	sqlite3_free(err);
	err = NULL;
	cr_assert_neq(sqlite3_exec(db, "DELETE FROM modlog", NULL, NULL, &err),
	    SQLITE_OK);
	sqlite3_free(err);
	sqlite3_close(db);
	cr_assert_eq(json_array_size(json_object_get(hx_ok(adm, "mod.log",
	    NULL), "entries")), 2);
	hx_stop(d);
}

/* The same through the harbour command, as an admin would type it. */
Test(suspend, from_the_cli)
{
	struct hx_daemon *d = hx_start(NULL);
	struct hx_run r;

	hx_close(hx_user(d, "refugee-action", "member", "ana"));
	r = HX_CLI(d, "ops", HX_PASSWORD, NULL, "login", "--user", HX_ADMIN);
	cr_assert_eq(r.status, 0, "%s", r.err);
	r = HX_CLI(d, "ops", HX_PASSWORD, NULL, "admin", "suspend", "ana");
	cr_assert_neq(r.status, 0, "a suspension without a reason");
	cr_assert(strstr(r.err, "--reason") != NULL, "%s", r.err);
	r = HX_CLI(d, "ops", HX_PASSWORD, NULL, "admin", "suspend", "ana",
	    "--reason", REASON);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "ana is suspended") != NULL, "%s", r.out);
	r = HX_CLI(d, "ana", HX_PASSWORD, NULL, "login", "--user", "ana");
	cr_assert_neq(r.status, 0);
	cr_assert(strstr(r.err, REASON) != NULL, "%s", r.err);
	r = HX_CLI(d, "ops", HX_PASSWORD, NULL, "mod", "log");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "ops suspend ana: " REASON) != NULL, "%s",
	    r.out);
	r = HX_CLI(d, "ops", HX_PASSWORD, NULL, "admin", "unsuspend", "ana");
	cr_assert_eq(r.status, 0, "%s", r.err);
	r = HX_CLI(d, "ana", HX_PASSWORD, NULL, "login", "--user", "ana");
	cr_assert_eq(r.status, 0, "%s", r.err);
	hx_stop(d);
}
