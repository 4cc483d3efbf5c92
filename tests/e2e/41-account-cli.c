/*
 * 41-account-cli.c: the same life of an account through the harbour
 * command, as an org-admin and the person would type it: the roster in
 * aligned columns with last seen in the reader's time zone ("never"
 * when not), a role change, a deactivation and its refused login, a
 * reset code printed and used once, and the organisation's log.
 */
#include <string.h>

#include <criterion/criterion.h>

#include "harness.h"
#include "hx-ops.h"

TestSuite(account_cli, .timeout = HX_TEST_TIMEOUT);

#define T0	1772357400000LL		/* 2026-03-01 09:30 UTC */
#define LEFT	"moved to another charity"
#define NEWPW	"a-brand-new-passphrase"
#define CODE_LEN	26	/* an invite or reset code */

Test(account_cli, roster_role_and_deactivation)
{
	struct hx_daemon *d;
	struct hx_run r;

	hx_clock_start_at(T0);
	d = hx_start(NULL);
	hx_close(hx_user(d, "hope", "org-admin", "olu"));
	hx_close(hx_user(d, "hope", "member", "ana"));
	hx_close(hx_user(d, "hope", "member", "bob"));
	hx_close(hx_user(d, "refuge", "member", "zed"));
	hx_db_exec(d, "UPDATE accounts SET last_seen = NULL WHERE name = 'bob'");
	hx_cli_setenv("TZ=UTC");
	OK(d, "olu", "login", "--user", "olu");

	r = OK(d, "olu", "members");
	HAS(r.out, "USER  DISPLAY NAME  ROLE       LAST SEEN\n");
	HAS(r.out, "ana   -             member     2026-03-01 09:30 UTC\n");
	HAS(r.out, "bob   -             member     never\n");
	HAS(r.out, "olu   -             org-admin  2026-03-01 09:30 UTC\n");
	HASNT(r.out, "zed");
	hx_cli_setenv("TZ=America/New_York");
	r = OK(d, "olu", "members");
	HAS(r.out, "2026-03-01 04:30 EST");
	hx_cli_setenv("TZ=UTC");
	r = OK(d, "olu", "--json", "members");
	HAS(r.out, "\"members\":[");
	r = FAILS(d, "olu", 1, "members", "refuge");
	HAS(r.err, "no such organisation");
	r = OK(d, "olu", "user", "show", "ana");
	HAS(r.out, "organisation:  hope\n");
	HAS(r.out, "role:          member\n");

	r = OK(d, "olu", "user", "role", "ana", "org-admin");
	HAS(r.out, "ana is now org-admin (was member)");
	r = FAILS(d, "olu", 1, "user", "role", "ana", "facilitator");
	HAS(r.err, "only an admin can make a facilitator or admin");
	r = FAILS(d, "olu", 64, "user", "role", "ana", "king");
	HAS(r.err, "ROLE is member, org-admin, facilitator or admin");
	OK(d, "olu", "user", "role", "ana", "member");

	r = FAILS(d, "olu", 64, "user", "deactivate", "ana");
	HAS(r.err, "--reason");
	r = OK(d, "olu", "user", "deactivate", "ana", "--reason", LEFT);
	HAS(r.out, "ana is deactivated; their live sessions ended");
	r = FAILS(d, "ana", 1, "login", "--user", "ana");
	HAS(r.err, "deactivated");
	r = OK(d, "olu", "members");
	HAS(r.out, "deactivated 2026-03-01 09:30 UTC: " LEFT);
	r = OK(d, "olu", "user", "reactivate", "ana");
	HAS(r.out, "ana is active again");
	OK(d, "ana", "login", "--user", "ana");

	r = OK(d, "olu", "mod", "log");
	HAS(r.out, "olu role ana: member -> org-admin");
	HAS(r.out, "olu deactivate ana: " LEFT);
	HAS(r.out, "olu reactivate ana");
	r = OK(d, "olu", "help", "user", "deactivate");
	HAS(r.out, "usage: harbour user deactivate USER --reason TEXT");
	hx_cli_setenv(NULL);
	hx_stop(d);
}

Test(account_cli, reset_code_once)
{
	struct hx_daemon *d = hx_start(NULL);
	struct hx_run r;
	const char *p;
	char code[CODE_LEN + 1];

	hx_close(hx_user(d, "hope", "org-admin", "olu"));
	hx_close(hx_user(d, "hope", "member", "ana"));
	OK(d, "olu", "login", "--user", "olu");
	OK(d, "ana", "login", "--user", "ana");

	r = OK(d, "olu", "user", "reset", "ana");
	p = strstr(r.out, "reset code for ana: ");
	cr_assert_not_null(p, "%s", r.out);
	p += strlen("reset code for ana: ");
	memcpy(code, p, CODE_LEN);
	code[CODE_LEN] = '\0';
	HAS(r.out, "harbour reset --code CODE --user ana");

	r = FAILS(d, "ana", 64, "reset", "--user", "ana");
	HAS(r.err, "--code");
	hx_cli_setenv("HARBOUR_NEW_PASSWORD=" NEWPW);
	r = HX_CLI(d, "fresh", NULL, NULL, "reset", "--code", code, "--user",
	    "ana");
	cr_assert_eq(r.status, 0, "%s", r.err);
	HAS(r.out, "password set");
	r = HX_CLI(d, "fresh", NULL, NULL, "reset", "--code", code, "--user",
	    "ana");
	cr_assert_eq(r.status, 1, "%s", r.out);
	HAS(r.err, "used already");
	hx_cli_setenv(NULL);
	/* ana's saved session ended with the reset; the new password works. */
	r = FAILS(d, "ana", 1, "whoami");
	r = HX_CLI(d, "ana", NEWPW, NULL, "login", "--user", "ana");
	cr_assert_eq(r.status, 0, "%s", r.err);
	hx_stop(d);
}
