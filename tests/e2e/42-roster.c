/*
 * 42-roster.c: rosters, invites and names over the wire (issue 14).
 * Outstanding invites are listed and revoked by their code's prefix;
 * an invite into an organisation with an org-admin is shown to them,
 * whoever made it, and to nobody else (their bytes say so); register
 * says why a code will not do; display names in any script; renames of
 * organisations and channels that members keep reading through; an
 * archived channel is read-only and out of the list unless asked; and
 * harbourd admin-invite for an operator whose only admin is locked out.
 */
#include <string.h>

#include <criterion/criterion.h>

#include "harness.h"
#include "hx-ops.h"

TestSuite(roster, .timeout = HX_TEST_TIMEOUT);

static const char *
prefix_of(const char *code)
{
	return hx_strf("%.6s", code);
}

static const char *
err_msg(json_t *r)
{
	return hx_str(json_object_get(r, "error"), "message");
}

/* Whether invite.list's reply names an invite with this prefix. */
static json_t *
listed(json_t *res, const char *prefix)
{
	json_t *i;
	size_t k;

	json_array_foreach(json_object_get(res, "invites"), k, i) {
		json_t *p = json_object_get(i, "prefix");

		if (json_is_string(p) && strcmp(json_string_value(p), prefix) ==
		    0)
			return i;
	}
	return NULL;
}

static json_t *
log_entry(json_t *res, const char *needle)
{
	json_t *e;
	size_t k;

	json_array_foreach(json_object_get(res, "entries"), k, e) {
		json_t *r = json_object_get(e, "reason");

		if (json_is_string(r) && strstr(json_string_value(r), needle))
			return e;
	}
	return NULL;
}

Test(roster, invites_listed_shown_and_revoked)
{
	struct hx_daemon *d = hx_start(NULL);
	struct hx_conn *adm = hx_admin(d), *fac, *fac2, *oa, *oa2, *mem;
	const char *code, *pre, *msg;
	json_t *res, *i, *e, *r;
	size_t seen;

	fac = hx_user(d, "harbour-staff", "facilitator", "fran");
	fac2 = hx_user(d, "harbour-staff", "facilitator", "flo");
	oa = hx_user(d, "charity", "org-admin", "olena");
	oa2 = hx_user(d, "other", "org-admin", "otto");
	mem = hx_user(d, "charity", "member", "mia");

	code = hx_str(hx_ok(fac, "invite.create", "{s:s, s:s}", "org",
	    "charity", "role", "member"), "code");
	pre = prefix_of(code);

	/* The charity's org-admin sees who made it, for what, until when. */
	res = hx_ok(oa, "invite.list", NULL);
	cr_assert_not_null(i = listed(res, pre), "%s", hx_dump(res));
	cr_assert_str_eq(hx_str(i, "org"), "charity");
	cr_assert_str_eq(hx_str(i, "role"), "member");
	cr_assert_str_eq(hx_str(i, "made_by"), "fran");
	cr_assert_not_null(json_object_get(i, "made_at"));
	cr_assert_not_null(json_object_get(i, "expires_at"));
	/* And in the log: an invite entry by the facilitator. */
	res = hx_ok(oa, "mod.log", NULL);
	cr_assert_not_null(e = log_entry(res, pre), "%s", hx_dump(res));
	cr_assert_str_eq(hx_str(e, "action"), "invite");
	cr_assert_str_eq(hx_str(e, "by"), "fran");
	cr_assert(strstr(hx_str(e, "reason"), "member") != NULL);
	/* Admins and facilitators see it too, in every organisation's. */
	cr_assert_not_null(listed(hx_ok(adm, "invite.list", NULL), pre));
	cr_assert_not_null(listed(hx_ok(fac2, "invite.list", "{s:s}", "org",
	    "charity"), pre));

	/* Another organisation's org-admin learns nothing of it. */
	res = hx_ok(oa2, "invite.list", NULL);
	cr_assert_null(listed(res, pre));
	hx_ok(oa2, "mod.log", NULL);
	hx_err(oa2, "forbidden", "invite.list", "{s:s}", "org", "charity");
	hx_seen(oa2, &seen);
	cr_assert(!hx_contains(hx_seen(oa2, &seen), seen, pre));
	/* Revoking it answers as for an invite that does not exist. */
	hx_err(oa2, "not_found", "invite.revoke", "{s:s}", "prefix", pre);
	/* Members see no roster. */
	hx_err(mem, "forbidden", "invite.list", NULL);
	hx_err(mem, "forbidden", "invite.revoke", "{s:s}", "prefix", pre);
	hx_err(mem, "forbidden", "mod.log", NULL);
	/* A facilitator who did not make it may see it, not revoke it. */
	hx_err(fac2, "forbidden", "invite.revoke", "{s:s}", "prefix", pre);

	/* Bad prefixes change nothing. */
	hx_err(oa, "bad_request", "invite.revoke", "{s:s}", "prefix", "AB");
	hx_err(oa, "bad_request", "invite.revoke", "{s:s}", "prefix",
	    "ab!def");
	hx_err(oa, "bad_request", "invite.revoke", NULL);
	hx_err(oa, "bad_request", "invite.revoke", "{s:i}", "prefix", 7);
	cr_assert_not_null(listed(hx_ok(oa, "invite.list", NULL), pre));

	/* The org-admin revokes it, giving more than the prefix. */
	res = hx_ok(oa, "invite.revoke", "{s:s}", "prefix",
	    hx_strf("%.8s", code));
	cr_assert_eq(hx_int(res, "revoked"), 1);
	cr_assert_null(listed(hx_ok(oa, "invite.list", NULL), pre));
	hx_err(oa, "not_found", "invite.revoke", "{s:s}", "prefix", pre);

	/* Register says why: revoked, used, unknown. */
	r = hx_err(hx_connect(d), "invite_invalid", "register",
	    "{s:s, s:s, s:s}", "invite", code, "user", "nadia", "password",
	    HX_PASSWORD);
	cr_assert(strstr(err_msg(r), "revoked") != NULL, "%s", err_msg(r));
	code = hx_str(hx_ok(oa, "invite.create", "{s:s, s:s}", "org",
	    "charity", "role", "member"), "code");
	/* Made by the org's own org-admin: listed, not logged. */
	cr_assert_not_null(listed(hx_ok(oa, "invite.list", NULL),
	    prefix_of(code)));
	cr_assert_null(log_entry(hx_ok(oa, "mod.log", NULL), prefix_of(code)));
	hx_ok(hx_connect(d), "register", "{s:s, s:s, s:s}", "invite", code,
	    "user", "nadia", "password", HX_PASSWORD);
	r = hx_err(hx_connect(d), "invite_invalid", "register",
	    "{s:s, s:s, s:s}", "invite", code, "user", "nico", "password",
	    HX_PASSWORD);
	cr_assert(strstr(err_msg(r), "used") != NULL, "%s", err_msg(r));
	r = hx_err(hx_connect(d), "invite_invalid", "register",
	    "{s:s, s:s, s:s}", "invite", "AAAAAAAAAAAAAAAAAAAAAAAAAA", "user",
	    "nico", "password", HX_PASSWORD);
	msg = err_msg(r);
	cr_assert(strstr(msg, "no invite has that code") != NULL, "%s", msg);
	/* Its maker revokes their own; a lower-case prefix does. */
	code = hx_str(hx_ok(fac, "invite.create", "{s:s, s:s}", "org",
	    "other", "role", "member"), "code");
	res = hx_ok(fac, "invite.revoke", "{s:s}", "prefix",
	    hx_strf("%c%c%c%c%c%c", code[0] | 0x20, code[1] | 0x20,
	    code[2] | 0x20, code[3] | 0x20, code[4] | 0x20, code[5] | 0x20));
	cr_assert_eq(hx_int(res, "revoked"), 1);
	hx_stop(d);
}

Test(roster, expired_invite_says_so)
{
	struct hx_daemon *d;
	const char *code;
	json_t *r;

	hx_clock_start();
	d = hx_start(NULL);
	code = hx_invite(d, "charity", "member");
	hx_clock_advance(8 * 86400 * 1000LL);
	cr_assert_null(listed(hx_ok(hx_admin(d), "invite.list", NULL),
	    prefix_of(code)));
	r = hx_err(hx_connect(d), "invite_invalid", "register",
	    "{s:s, s:s, s:s}", "invite", code, "user", "late", "password",
	    HX_PASSWORD);
	cr_assert(strstr(err_msg(r), "expired") != NULL, "%s", err_msg(r));
	hx_err(hx_admin(d), "not_found", "invite.revoke", "{s:s}", "prefix",
	    prefix_of(code));
	hx_stop(d);
}

/* Invites made before the prefix was kept are listed, prefix null. */
Test(roster, old_invites_listed_without_prefix)
{
	struct hx_daemon *d = hx_start(NULL);
	struct hx_conn *adm = hx_admin(d);
	json_t *res, *i;
	size_t k;
	int found = 0;

	hx_invite(d, "charity", "member");
	hx_db_exec(d, "UPDATE invites SET code_prefix = NULL"
	    " WHERE role = 1");
	res = hx_ok(adm, "invite.list", "{s:s}", "org", "charity");
	json_array_foreach(json_object_get(res, "invites"), k, i) {
		cr_assert(json_is_null(json_object_get(i, "prefix")), "%s",
		    hx_dump(i));
		cr_assert_str_eq(hx_str(i, "made_by"), HX_ADMIN);
		found++;
	}
	cr_assert_eq(found, 1, "%s", hx_dump(res));
	hx_stop(d);
}

Test(roster, display_names)
{
	struct hx_daemon *d = hx_start(NULL);
	struct hx_conn *ana = hx_user(d, "charity", "member", "ana");
	char big[80];
	json_t *res;

	res = hx_ok(ana, "profile.set", "{s:s, s:s}", "display_name",
	    "Оксана Коваль", "pronouns", "вона/її");
	cr_assert_str_eq(hx_str(res, "user"), "ana");
	cr_assert_str_eq(hx_str(res, "display_name"), "Оксана Коваль");
	cr_assert_str_eq(hx_str(res, "pronouns"), "вона/її");
	res = hx_ok(hx_login(d, "ana"), "whoami", NULL);
	cr_assert_str_eq(hx_str(res, "display_name"), "Оксана Коваль");
	cr_assert_str_eq(hx_str(res, "pronouns"), "вона/її");

	/* Bad input: each its code, nothing stored. */
	memset(big, 'x', sizeof big);
	big[65] = '\0';
	hx_err(ana, "too_large", "profile.set", "{s:s}", "display_name", big);
	big[64] = '\0';
	big[33] = '\0';
	hx_err(ana, "too_large", "profile.set", "{s:s}", "pronouns", big);
	hx_err(ana, "bad_text", "profile.set", "{s:s}", "display_name",
	    "a\tb");
	hx_err(ana, "bad_request", "profile.set", NULL);
	hx_err(ana, "bad_request", "profile.set", "{s:i}", "display_name", 3);
	res = hx_ok(ana, "whoami", NULL);
	cr_assert_str_eq(hx_str(res, "display_name"), "Оксана Коваль");
	/* 64 bytes is fine; "" clears one and leaves the other. */
	memset(big, 'y', 64);
	big[64] = '\0';
	hx_ok(ana, "profile.set", "{s:s}", "display_name", big);
	res = hx_ok(ana, "profile.set", "{s:s}", "display_name", "");
	cr_assert(json_is_null(json_object_get(res, "display_name")));
	cr_assert_str_eq(hx_str(res, "pronouns"), "вона/її");
	cr_assert(json_is_null(json_object_get(hx_ok(ana, "whoami", NULL),
	    "display_name")));
	hx_stop(d);
}

Test(roster, org_rename_keeps_members_reading)
{
	struct hx_daemon *d = hx_start(NULL);
	struct hx_conn *adm = hx_admin(d), *oa, *mem;
	json_t *res, *posts;

	oa = hx_user(d, "hope", "org-admin", "olga");
	mem = hx_user(d, "hope", "member", "max");
	hx_ok(oa, "channel.create", "{s:s}", "channel", "hope/general");
	hx_ok(mem, "join", "{s:s}", "channel", "hope/general");
	hx_post(mem, "hope/general", "Hello", 0, "first post");

	hx_err(oa, "forbidden", "org.rename", "{s:s, s:s}", "org", "hope",
	    "new", "hope-trust");
	hx_err(adm, "bad_name", "org.rename", "{s:s, s:s}", "org", "hope",
	    "new", "Hope Trust");
	hx_err(adm, "bad_name", "org.rename", "{s:s, s:s}", "org", "hope",
	    "new", "peer");
	hx_err(adm, "exists", "org.rename", "{s:s, s:s}", "org", "hope",
	    "new", HX_ADMIN_ORG);
	hx_err(adm, "not_found", "org.rename", "{s:s, s:s}", "org", "nope",
	    "new", "hope-trust");
	hx_err(adm, "bad_request", "org.rename", "{s:s}", "org", "hope");
	cr_assert_str_eq(hx_str(hx_ok(mem, "whoami", NULL), "org"), "hope");

	res = hx_ok(adm, "org.rename", "{s:s, s:s}", "org", "hope", "new",
	    "hope-trust");
	cr_assert_str_eq(hx_str(res, "org"), "hope-trust");
	cr_assert_str_eq(hx_str(res, "was"), "hope");
	cr_assert_eq(hx_int(res, "channels"), 1);
	/* Live connections are the new name at once. */
	cr_assert_str_eq(hx_str(hx_ok(mem, "whoami", NULL), "org"),
	    "hope-trust");
	posts = hx_read_all(mem, "hope-trust/general", 0);
	cr_assert_eq(json_array_size(posts), 1);
	hx_err(mem, "not_found", "read", "{s:s}", "channel", "hope/general");
	hx_post(mem, "hope-trust/general", NULL, hx_int(json_array_get(posts,
	    0), "post"), "still here");
	/* Invites and channels use the new name. */
	hx_ok(oa, "invite.create", "{s:s, s:s}", "org", "hope-trust", "role",
	    "member");
	hx_ok(oa, "channel.create", "{s:s}", "channel", "hope-trust/news");
	hx_stop(d);
}

static json_t *
channel_in(json_t *res, const char *name)
{
	json_t *ch;
	size_t k;

	json_array_foreach(json_object_get(res, "channels"), k, ch)
		if (strcmp(hx_str(ch, "channel"), name) == 0)
			return ch;
	return NULL;
}

Test(roster, channel_rename_and_archive)
{
	struct hx_daemon *d = hx_start(NULL);
	struct hx_conn *oa, *mem, *out;
	json_t *res, *r;

	oa = hx_user(d, "charity", "org-admin", "olena");
	mem = hx_user(d, "charity", "member", "mia");
	out = hx_user(d, "other", "org-admin", "otto");
	hx_ok(oa, "channel.create", "{s:s}", "channel", "charity/general");
	hx_ok(oa, "channel.create", "{s:s}", "channel", "charity/taken");
	hx_ok(mem, "join", "{s:s}", "channel", "charity/general");
	hx_post(mem, "charity/general", "Hi", 0, "before");

	/* Who may, and bad names: nothing changes. */
	hx_err(mem, "forbidden", "channel.rename", "{s:s, s:s}", "channel",
	    "charity/general", "new", "lobby");
	hx_err(out, "not_found", "channel.rename", "{s:s, s:s}", "channel",
	    "charity/general", "new", "lobby");
	hx_err(oa, "bad_name", "channel.rename", "{s:s, s:s}", "channel",
	    "charity/general", "new", "other/lobby");
	hx_err(oa, "bad_name", "channel.rename", "{s:s, s:s}", "channel",
	    "charity/general", "new", "Lobby Room");
	hx_err(oa, "exists", "channel.rename", "{s:s, s:s}", "channel",
	    "charity/general", "new", "taken");
	hx_err(oa, "bad_request", "channel.rename", "{s:s, s:s}", "channel",
	    "charity/general", "new", "general");
	hx_err(oa, "bad_request", "channel.rename", "{s:s}", "channel",
	    "charity/general");

	res = hx_ok(oa, "channel.rename", "{s:s, s:s}", "channel",
	    "charity/general", "new", "lobby");
	cr_assert_str_eq(hx_str(res, "channel"), "charity/lobby");
	cr_assert_str_eq(hx_str(res, "was"), "charity/general");
	cr_assert_eq(json_array_size(hx_read_all(mem, "charity/lobby", 0)), 1);
	hx_err(mem, "not_found", "read", "{s:s}", "channel",
	    "charity/general");
	/* The full form with its own prefix works too. */
	hx_ok(oa, "channel.rename", "{s:s, s:s}", "channel", "charity/lobby",
	    "new", "charity/main");

	/* Archived: read-only, hidden unless all. */
	hx_err(mem, "forbidden", "channel.archive", "{s:s}", "channel",
	    "charity/main");
	res = hx_ok(oa, "channel.archive", "{s:s}", "channel", "charity/main");
	cr_assert(json_is_true(json_object_get(res, "archived")));
	hx_err(oa, "bad_state", "channel.archive", "{s:s}", "channel",
	    "charity/main");
	r = hx_err(mem, "bad_state", "post", "{s:s, s:s, s:s}", "channel",
	    "charity/main", "title", "Nope", "body", "after");
	cr_assert_str_eq(err_msg(r), "this channel is archived: read-only");
	cr_assert_eq(json_array_size(hx_read_all(mem, "charity/main", 0)), 1);
	hx_ok(mem, "threads", "{s:s}", "channel", "charity/main");
	cr_assert_null(channel_in(hx_ok(mem, "channel.list", NULL),
	    "charity/main"));
	cr_assert_not_null(channel_in(hx_ok(mem, "channel.list", "{s:b}",
	    "all", 1), "charity/main"));
	hx_err(mem, "bad_request", "channel.list", "{s:s}", "all", "yes");
	res = hx_ok(oa, "channel.unarchive", "{s:s}", "channel",
	    "charity/main");
	cr_assert(json_is_false(json_object_get(res, "archived")));
	hx_err(oa, "bad_state", "channel.unarchive", "{s:s}", "channel",
	    "charity/main");
	hx_post(mem, "charity/main", "Back", 0, "open again");
	cr_assert_not_null(channel_in(hx_ok(mem, "channel.list", NULL),
	    "charity/main"));
	/* The channel's log has it all. */
	res = hx_ok(oa, "mod.log", "{s:s}", "channel", "charity/main");
	cr_assert_not_null(log_entry(res, "was charity/general"));
	hx_stop(d);
}

Test(roster, harbourd_admin_invite)
{
	struct hx_daemon *d = hx_start(NULL);
	struct hx_conn *adm = hx_admin(d), *c;
	struct hx_run run;
	const char *log, *code;
	size_t len, mark = hx_log_mark(d);
	json_t *res, *e;
	char line[64];

	run = HX_HARBOURD("admin-invite", "-c", hx_conf(d), "--user", HX_ADMIN);
	cr_assert_eq(run.status, 1, "%s", run.err);
	cr_assert(strstr(run.err, "is an account already") != NULL);
	run = HX_HARBOURD("admin-invite", "-c", hx_conf(d));
	cr_assert_eq(run.status, 64, "%s", run.err);
	run = HX_HARBOURD("admin-invite", "-c", hx_conf(d), "--user",
	    "ops-two", "--valid", "2h");
	cr_assert_eq(run.status, 0, "%s", run.err);
	cr_assert_eq(sscanf(run.out, "%63s", line), 1);
	code = hx_strf("%s", line);
	cr_assert_eq(strlen(code), 26, "%s", run.out);
	/* Logged without the code; in the server's log for whom. */
	log = hx_log(d, &len);
	cr_assert(!hx_contains(log, len, code));
	HAS(run.err, "ops-two");
	cr_assert(!hx_contains(run.err, strlen(run.err), code));
	res = hx_ok(adm, "mod.log", NULL);
	cr_assert_not_null(e = log_entry(res, "for ops-two"), "%s",
	    hx_dump(res));
	cr_assert_str_eq(hx_str(e, "action"), "admin-invite");
	cr_assert(json_is_null(json_object_get(e, "by")));
	cr_assert_not_null(listed(hx_ok(adm, "invite.list", NULL),
	    prefix_of(code)));

	c = hx_connect(d);
	res = hx_ok(c, "register", "{s:s, s:s, s:s}", "invite", code, "user",
	    "ops-two", "password", HX_PASSWORD);
	cr_assert_str_eq(hx_str(res, "role"), "admin");
	cr_assert_str_eq(hx_str(res, "org"), HX_ADMIN_ORG);
	hx_ok(c, "admin.status", NULL);
	(void)mark;
	hx_stop(d);
}
