/*
 * 43-roster-cli.c: the roster's commands through the real `harbour`
 * binary, in the syntax people's scripts use: invite list and invite
 * revoke (and a revoked code refused at register, saying so, with the
 * code pasted with spaces around it), profile set with a Ukrainian
 * display name shown by whoami, org rename, channel rename, channel
 * archive and unarchive with channels --all, and their help.
 */
#include <string.h>

#include <criterion/criterion.h>

#include "harness.h"

TestSuite(rostercli, .timeout = HX_TEST_TIMEOUT);

Test(rostercli, invites_listed_and_revoked)
{
	struct hx_daemon *d = hx_start(NULL);
	struct hx_run r;
	const char *code, *pre;

	hx_user(d, "staff", "facilitator", "fran");
	hx_user(d, "charity", "org-admin", "olena");
	hx_user(d, "charity", "member", "mia");
	OK(d, "fran", "login", "--user", "fran");
	OK(d, "olena", "login", "--user", "olena");
	OK(d, "mia", "login", "--user", "mia");

	r = OK(d, "fran", "invite", "create", "--org", "charity", "--role",
	    "member");
	code = hx_strf("%.26s", r.out);
	pre = hx_strf("%.6s", code);
	r = OK(d, "olena", "invite", "list");
	HAS(r.out, hx_strf("%s  charity  member  fran  ", pre));
	r = OK(d, "olena", "mod", "log");
	HAS(r.out, pre);
	FAILS(d, "mia", 1, "invite", "list");
	FAILS(d, "olena", 64, "invite", "revoke", "abc");
	FAILS(d, "olena", 64, "invite", "revoke");

	r = OK(d, "olena", "invite", "revoke", pre);
	HAS(r.out, "revoked 1 invite");
	r = OK(d, "olena", "invite", "list");
	HASNT(r.out, pre);
	r = HX_CLI(d, "new", HX_PASSWORD, NULL, "register", "--invite",
	    hx_strf("  %s \n", code), "--user", "nadia");
	cr_assert_eq(r.status, 1, "%s", r.err);
	HAS(r.err, "revoked");

	/* A good code pasted with spaces around it registers. */
	r = OK(d, "fran", "invite", "create", "--org", "charity", "--role",
	    "member");
	r = HX_CLI(d, "new", HX_PASSWORD, NULL, "register", "--invite",
	    hx_strf(" %.26s\t", r.out), "--user", "nadia");
	cr_assert_eq(r.status, 0, "%s", r.err);
	hx_stop(d);
}

Test(rostercli, names_renames_archives)
{
	struct hx_daemon *d = hx_start(NULL);
	struct hx_run r;

	hx_admin(d);
	hx_user(d, "hope", "org-admin", "olga");
	hx_user(d, "hope", "member", "max");
	OK(d, "ops", "login", "--user", "ops");
	OK(d, "olga", "login", "--user", "olga");
	OK(d, "max", "login", "--user", "max");

	r = OK(d, "max", "profile", "set", "--display-name", "Оксана Коваль",
	    "--pronouns", "вона/її");
	HAS(r.out, "Оксана Коваль");
	r = OK(d, "max", "whoami");
	HAS(r.out, "max (hope, member)\nОксана Коваль (вона/її)\n");
	FAILS(d, "max", 64, "profile", "set");
	FAILS(d, "max", 1, "profile", "set", "--display-name",
	    "a\001b");

	OK(d, "olga", "channel", "create", "hope/general");
	OK(d, "max", "join", "hope/general");
	OK(d, "max", "post", "hope/general", "--title", "Hi", "first");
	FAILS(d, "olga", 1, "org", "rename", "hope", "hope-trust");
	FAILS(d, "ops", 1, "org", "rename", "hope", "Hope Trust");
	r = OK(d, "ops", "org", "rename", "hope", "hope-trust");
	HAS(r.out, "renamed the organisation hope to hope-trust (1 channels)");
	r = OK(d, "max", "channels");
	HAS(r.out, "hope-trust/general");
	r = OK(d, "max", "read", "hope-trust/general");
	HAS(r.out, "first");

	FAILS(d, "max", 1, "channel", "rename", "hope-trust/general", "lobby");
	r = OK(d, "olga", "channel", "rename", "hope-trust/general", "lobby");
	HAS(r.out, "renamed hope-trust/general to hope-trust/lobby");
	r = OK(d, "olga", "channel", "archive", "hope-trust/lobby");
	HAS(r.out, "archived");
	r = FAILS(d, "max", 1, "post", "hope-trust/lobby", "--title", "No",
	    "after");
	HAS(r.err, "archived: read-only");
	r = OK(d, "max", "channels");
	HASNT(r.out, "hope-trust/lobby");
	r = OK(d, "max", "channels", "--all");
	HAS(r.out, "hope-trust/lobby");
	HAS(r.out, "archived");
	r = OK(d, "max", "read", "hope-trust/lobby");
	HAS(r.out, "first");
	OK(d, "olga", "channel", "unarchive", "hope-trust/lobby");
	OK(d, "max", "post", "hope-trust/lobby", "--title", "Yes", "again");

	r = OK(d, "max", "help", "invite", "revoke");
	HAS(r.out, "CODE_PREFIX");
	r = OK(d, "max", "help");
	HAS(r.out, "profile set");
	HAS(r.out, "channel archive");
	hx_stop(d);
}
