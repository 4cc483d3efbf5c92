/*
 * 29-directory.c: the directory of organisations over the wire (the
 * programme issue's `harbour org profile` and `harbour directory`): a
 * profile set by its org-admins and read by every member, searched by
 * language (ISO 639, one spelling per language), area and service in
 * any script, and never naming members or channels.
 */
#include <string.h>

#include <criterion/criterion.h>

#include "harness.h"
#include "hx-ops.h"

TestSuite(directory, .timeout = HX_TEST_TIMEOUT);

static json_t *
orgs(struct hx_conn *c, const char *fmt, const char *k, const char *v)
{
	json_t *r = fmt == NULL ? hx_ok(c, "directory", NULL) :
	    hx_ok(c, "directory", fmt, k, v);

	return json_object_get(r, "organisations");
}

Test(directory, profiles_found_by_language_area_and_service)
{
	struct hx_daemon *d = hx_start(NULL);
	struct hx_conn *ola, *wes, *mo;
	json_t *r, *o;

	hx_org(d, "refugee-action");
	hx_org(d, "welcome-group");
	ola = hx_user(d, "refugee-action", "org-admin", "ola");
	wes = hx_user(d, "welcome-group", "org-admin", "wes");
	mo = hx_user(d, "welcome-group", "member", "mo");
	r = hx_ok(ola, "org.profile", "{s:s, s:s, s:[s, s, s], s:[s, s],"
	    " s:[s, s], s:s}", "org", "refugee-action", "about",
	    "Advice and casework for people seeking asylum", "languages",
	    "uk", "zho", "ar", "areas", "Camden", "Hackney", "services",
	    "legal advice", "ESOL", "contact", "hello@example.org");
	cr_expect_str_eq(hx_str(r, "org"), "refugee-action");
	/* One spelling per language: zho is zh. */
	cr_expect_str_eq(hx_str(json_array_get(json_object_get(r,
	    "languages"), 1), "code"), "zh");
	cr_expect_str_eq(hx_str(json_array_get(json_object_get(r,
	    "languages"), 0), "name"), "Ukrainian");
	hx_ok(wes, "org.profile", "{s:s, s:[s], s:[s], s:[s]}", "org",
	    "welcome-group", "languages", "prs", "areas", "Львів",
	    "services", "befriending");
	/* Every member reads it (every organisation is in it, a profile
	 * or not); by language in either spelling. */
	r = orgs(mo, NULL, NULL, NULL);
	cr_expect(strstr(hx_dump(r), "\"org\":\"refugee-action\"") != NULL);
	cr_expect(strstr(hx_dump(r), "\"org\":\"welcome-group\"") != NULL);
	o = orgs(mo, "{s:s}", "language", "ukr");
	cr_assert_eq(json_array_size(o), 1);
	cr_expect_str_eq(hx_str(json_array_get(o, 0), "org"),
	    "refugee-action");
	cr_expect_eq(json_array_size(orgs(mo, "{s:s}", "language", "prs")), 1);
	cr_expect_eq(json_array_size(orgs(mo, "{s:s}", "language", "fr")), 0);
	cr_expect_eq(json_array_size(orgs(mo, "{s:s}", "area", "hackney")), 1);
	cr_expect_eq(json_array_size(orgs(mo, "{s:s}", "area", "Льв")), 1);
	cr_expect_eq(json_array_size(orgs(mo, "{s:s}", "service", "esol")), 1);
	cr_expect_eq(json_array_size(orgs(mo, "{s:s}", "service", "legal")),
	    1);
	/* Nothing of its people or channels. */
	cr_expect(strstr(hx_dump(orgs(mo, NULL, NULL, NULL)), "ola") == NULL);
	/* A field given is replaced, one not given kept, "" cleared. */
	r = hx_ok(ola, "org.profile", "{s:s, s:s}", "org", "refugee-action",
	    "contact", "");
	cr_expect_null(json_object_get(r, "contact"));
	cr_expect_str_eq(hx_str(r, "about"),
	    "Advice and casework for people seeking asylum");
	hx_stop(d);
}

Test(directory, bad_input_and_who_may_describe)
{
	struct hx_daemon *d = hx_start(NULL);
	struct hx_conn *ola, *mo;
	json_t *r;

	hx_org(d, "refugee-action");
	hx_org(d, "welcome-group");
	ola = hx_user(d, "refugee-action", "org-admin", "ola");
	mo = hx_user(d, "welcome-group", "member", "mo");
	r = hx_err(ola, "bad_request", "org.profile", "{s:s, s:[s]}", "org",
	    "refugee-action", "languages", "xx");
	cr_expect(strstr(hx_str(json_object_get(r, "error"), "message"),
	    "unknown language code: xx") != NULL);
	hx_err(ola, "bad_text", "org.profile", "{s:s, s:[s]}", "org",
	    "refugee-action", "areas", "two\nlines");
	hx_err(ola, "bad_text", "org.profile", "{s:s, s:[s]}", "org",
	    "refugee-action", "services", hx_strf("%065d", 0));
	hx_ok(ola, "org.profile", "{s:s, s:[s]}", "org", "refugee-action",
	    "services", hx_strf("%064d", 0));
	hx_err(ola, "bad_request", "org.profile", "{s:s, s:[s,s,s,s,s,s,s,s,s,"
	    "s,s,s,s,s,s,s,s,s,s,s,s]}", "org", "refugee-action", "areas",
	    "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m",
	    "n", "o", "p", "q", "r", "s", "t", "u");
	hx_err(ola, "forbidden", "org.profile", "{s:s, s:s}", "org",
	    "welcome-group", "about", "not ours");
	hx_err(mo, "forbidden", "org.profile", "{s:s, s:s}", "org",
	    "welcome-group", "about", "a member");
	hx_err(mo, "bad_request", "directory", "{s:s}", "language", "klingon");
	/* Nothing was stored by the refusals. */
	cr_expect_null(json_object_get(json_array_get(orgs(mo, "{s:s}",
	    "service", "0"), 0), "about"));
	hx_stop(d);
}

Test(directory, from_the_command_line)
{
	struct hx_daemon *d = hx_start(NULL);
	struct hx_conn *ola, *mo;
	struct hx_run r;

	hx_org(d, "refugee-action");
	ola = hx_user(d, "refugee-action", "org-admin", "ola");
	mo = hx_user(d, "refugee-action", "member", "mo");
	hx_close(ola);
	hx_close(mo);
	OK(d, "ola", "login", "--user", "ola");
	OK(d, "mo", "login", "--user", "mo");
	r = OK(d, "ola", "org", "profile", "refugee-action", "--about",
	    "Advice and casework", "--languages", "uk,zh, ar", "--areas",
	    "Camden,Hackney", "--services", "legal advice,ESOL", "--contact",
	    "hello@example.org");
	HAS(r.out, "languages: Ukrainian (uk), Chinese (zh), Arabic (ar)");
	r = OK(d, "mo", "directory", "--language", "ukr");
	HAS(r.out, "refugee-action\n  Advice and casework\n");
	HAS(r.out, "areas:     Camden, Hackney");
	HAS(r.out, "services:  legal advice, ESOL");
	HAS(r.out, "contact:   hello@example.org");
	r = OK(d, "mo", "directory", "--service", "befriending");
	HAS(r.out, "no organisation matches");
	r = FAILS(d, "mo", 1, "directory", "--language", "xx");
	HAS(r.err, "unknown language code: xx");
	r = FAILS(d, "mo", 1, "org", "profile", "refugee-action", "--about",
	    "mine");
	HAS(r.err, "(forbidden)");
	FAILS(d, "ola", 64, "org", "profile", "refugee-action");
	FAILS(d, "ola", 64, "directory", "extra");
	r = OK(d, "mo", "help");
	HAS(r.out, "directory");
	HAS(r.out, "org profile");
	hx_stop(d);
}
