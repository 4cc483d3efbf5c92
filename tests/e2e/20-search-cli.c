/*
 * 20-search-cli.c: `harbour search` through the real binary against a
 * real daemon, as people type it: a post found by a word or by its
 * thread's title, several words as one text, --channel, --limit and
 * --offset with the next-page hint, --json, an anonymous post shown as
 * anonymous, and the usage errors, which exit 64 before anything is
 * sent. The operation's rules themselves (scripts, every visibility
 * denial) are tested over the wire elsewhere; this checks the words on
 * the screen and the exit statuses.
 *
 * A post becomes searchable a moment after its commit, so each test
 * first waits, bounded, for a post it knows to be found.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "harness.h"

TestSuite(searchcli, .timeout = HX_TEST_TIMEOUT);

#define CH	"peer/commons"
#define CH2	"peer/supervision"
#define TEAM	"refugee-action/team"


static int64_t
mono_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/* Run the search in argv until its output has needle (the index has
 * caught up), bounded; its last run. */
static struct hx_run
found(struct hx_daemon *d, const char *who, const char *needle,
    const char *const *argv)
{
	int64_t		until = mono_ms() + hx_ms(HX_WAIT_MS);
	struct hx_run	r;

	for (;;) {
		r = hx_cli_expect(d, who, 0, argv);
		if (strstr(r.out, needle) != NULL)
			return (r);
		if (mono_ms() > until)
			break;
		usleep(50 * 1000);
	}
	cr_assert_fail("%s never appeared in:\n%s", needle, r.out);
	return (r);
}
#define FOUND(d, who, needle, ...) \
	found((d), (who), (needle), (const char *const[]){ __VA_ARGS__, NULL })

/* Result headers in an output: its lines that start with '#'. */
static int
results(const char *out)
{
	const char	*p = out;
	int		 n = 0;

	while (*p != '\0') {
		if (*p == '#')
			n++;
		if ((p = strchr(p, '\n')) == NULL)
			break;
		p++;
	}
	return (n);
}

/* fay, a facilitator, made CH and CH2; ana and bob, members of
 * refugee-action, and carl of city-sanctuary joined CH; all logged in
 * with the CLI, each in a state directory of their own. */
static struct hx_daemon *
setup(void)
{
	struct hx_daemon	*d = hx_start(NULL);
	struct hx_conn		*fay, *ana, *bob, *carl;

	fay = hx_user(d, "wellbeing", "facilitator", "fay");
	ana = hx_user(d, "refugee-action", "member", "ana");
	bob = hx_user(d, "refugee-action", "member", "bob");
	carl = hx_user(d, "city-sanctuary", "member", "carl");
	hx_ok(fay, "channel.create", "{s:s}", "channel", CH);
	hx_ok(fay, "channel.create", "{s:s}", "channel", CH2);
	hx_ok(fay, "join", "{s:s}", "channel", CH);
	hx_ok(fay, "join", "{s:s}", "channel", CH2);
	hx_ok(ana, "join", "{s:s}", "channel", CH);
	hx_ok(bob, "join", "{s:s}", "channel", CH);
	hx_ok(carl, "join", "{s:s}", "channel", CH);
	hx_close(fay);
	hx_close(ana);
	hx_close(bob);
	hx_close(carl);
	OK(d, "fay", "login", "--user", "fay");
	OK(d, "ana", "login", "--user", "ana");
	OK(d, "bob", "login", "--user", "bob");
	OK(d, "carl", "login", "--user", "carl");
	return (d);
}

static const char *
post(struct hx_daemon *d, const char *who, const char *ch, const char *title,
    const char *thread, const char *text)
{
	struct hx_run	r;

	if (title != NULL)
		r = OK(d, who, "post", ch, "--title", title, text);
	else
		r = OK(d, who, "post", ch, "--thread", thread, text);
	cr_assert(atoll(r.out) > 0, "%s", r.out);
	return (hx_strf("%lld", atoll(r.out)));
}

/* A word finds the post: its header, then the snippet with the match
 * in [ ]; its thread's title finds it too; several words are one text. */
Test(searchcli, found_by_word)
{
	struct hx_daemon *d = setup();
	struct hx_run r;
	const char *t, *reply;

	t = post(d, "ana", CH, "Sleep after casework",
	    NULL, "What helps you switch off after a long day?");
	reply = post(d, "bob", CH, NULL, t, "A walk before I get home, "
	    "then the radio.");
	r = FOUND(d, "carl", hx_strf("#%s ", t), "search", "switch off");
	HAS(r.out, hx_strf("#%s " CH " ana ", t));
	HAS(r.out, "\xc2\xab Sleep after casework \xc2\xbb");
	HAS(r.out, "[switch off]");
	HASNT(r.out, "more:");
	/* The words, as separate arguments, are joined by spaces. */
	r = OK(d, "carl", "search", "switch", "off");
	HAS(r.out, hx_strf("#%s " CH " ana ", t));
	HAS(r.out, "[switch off]");
	/* The title is searched too. */
	r = FOUND(d, "carl", hx_strf("#%s ", t), "search", "casework");
	/* A reply has no title on its line. */
	r = FOUND(d, "carl", hx_strf("#%s ", reply), "search", "the radio");
	HAS(r.out, hx_strf("#%s " CH " bob ", reply));
	HAS(r.out, "[the radio]");
	HASNT(r.out, "\xc2\xab");
	/* The header line, then the snippet indented on the next. */
	cr_assert(strstr(r.out, "\n  ") != NULL, "%s", r.out);
	r = OK(d, "carl", "search", "no post says this");
	cr_assert_str_eq(r.out, "no results\n");
	hx_stop(d);
}

/* An anonymous post is found, and names nobody, in text or --json. */
Test(searchcli, anonymous)
{
	struct hx_daemon *d = setup();
	struct hx_run r;
	const char *t, *id;

	t = post(d, "fay", CH, "Nights", NULL, "Anyone else awake?");
	OK(d, "fay", "channel", "set", CH, "--anon", "allowed");
	r = OK(d, "ana", "post", CH, "--thread", t, "--anon",
	    "the nightmares came back");
	id = hx_strf("%lld", atoll(r.out));
	r = FOUND(d, "bob", hx_strf("#%s ", id), "search", "nightmares");
	HAS(r.out, hx_strf("#%s " CH " anonymous ", id));
	HASNT(r.out, "ana");
	r = OK(d, "bob", "--json", "search", "nightmares");
	HAS(r.out, "\"anon\":true");
	HASNT(r.out, "ana");
	HASNT(r.out, "refugee-action");
	hx_stop(d);
}

/* --channel keeps to one channel; one that is missing, or one the
 * searcher cannot see, answers alike. */
Test(searchcli, channel)
{
	struct hx_daemon *d = setup();
	struct hx_conn *olu;
	struct hx_run r;
	const char *a, *b, *s;

	a = post(d, "fay", CH, "Supervision in commons", NULL,
	    "Group supervision on Thursdays");
	b = post(d, "fay", CH2, "Supervision elsewhere", NULL,
	    "One to one supervision on request");
	olu = hx_user(d, "refugee-action", "org-admin", "olu");
	hx_ok(olu, "channel.create", "{s:s}", "channel", TEAM);
	hx_ok(olu, "join", "{s:s}", "channel", TEAM);
	s = hx_strf("%lld", (long long)hx_post(olu, TEAM, "Staff only", 0,
	    "supervision budget for the team"));
	hx_close(olu);
	OK(d, "olu", "login", "--user", "olu");
	r = FOUND(d, "fay", hx_strf("#%s ", b), "search", "supervision");
	FOUND(d, "olu", hx_strf("#%s ", s), "search", "supervision");
	r = OK(d, "fay", "search", "supervision", "--channel", CH);
	HAS(r.out, hx_strf("#%s " CH " ", a));
	HASNT(r.out, hx_strf("#%s ", b));
	HASNT(r.out, CH2);
	r = OK(d, "fay", "search", "--channel=" CH2, "supervision");
	HAS(r.out, hx_strf("#%s " CH2 " ", b));
	HASNT(r.out, hx_strf("#%s ", a));
	/* Another organisation's channel: not in carl's results, and
	 * --channel names it as it would a missing one. */
	r = OK(d, "carl", "search", "supervision");
	HASNT(r.out, "budget");
	HASNT(r.out, TEAM);
	r = FAILS(d, "carl", 1, "search", "supervision", "--channel", TEAM);
	HAS(r.err, "(not_found)");
	s = r.err;
	r = FAILS(d, "carl", 1, "search", "supervision", "--channel",
	    "refugee-action/nothing");
	cr_assert_str_eq(r.err, s);
	r = FAILS(d, "carl", 1, "search", "supervision", "--channel", "Peer");
	HAS(r.err, "(bad_name)");
	hx_stop(d);
}

/* --limit pages, the hint names the next --offset, and that page ends
 * the results. */
Test(searchcli, limit_offset)
{
	struct hx_daemon *d = setup();
	struct hx_run r;
	const char *t, *last = NULL;
	int i;

	t = post(d, "ana", CH, "Rota", NULL, "the rota for December");
	for (i = 0; i < 4; i++)
		last = post(d, "ana", CH, NULL, t, hx_strf("rota swap %d", i));
	FOUND(d, "bob", hx_strf("#%s ", last), "search", "rota");
	r = OK(d, "bob", "search", "rota");
	cr_assert_eq(results(r.out), 5, "%s", r.out);
	HASNT(r.out, "more:");
	r = OK(d, "bob", "search", "rota", "--limit", "2");
	cr_assert_eq(results(r.out), 2, "%s", r.out);
	HAS(r.out, "\nmore: --offset 2\n");
	r = OK(d, "bob", "search", "rota", "--limit", "2", "--offset", "2");
	cr_assert_eq(results(r.out), 2, "%s", r.out);
	HAS(r.out, "\nmore: --offset 4\n");
	r = OK(d, "bob", "search", "rota", "--limit=2", "--offset=4");
	cr_assert_eq(results(r.out), 1, "%s", r.out);
	HASNT(r.out, "more:");
	r = OK(d, "bob", "search", "rota", "--offset", "5");
	cr_assert_str_eq(r.out, "no more results\n");
	hx_stop(d);
}

/* --json, before or after the command: the server's result, one line,
 * as it came. */
Test(searchcli, json)
{
	struct hx_daemon *d = setup();
	struct hx_run r;
	json_t *res, *list, *e;
	json_error_t jerr;
	const char *t;

	t = post(d, "ana", CH, "Templates", NULL, "A wellbeing policy "
	    "template for small teams");
	FOUND(d, "bob", hx_strf("#%s ", t), "search", "policy template");
	r = OK(d, "bob", "--json", "search", "policy template");
	cr_assert(strchr(r.out, '\n') == r.out + strlen(r.out) - 1,
	    "not one line: %s", r.out);
	res = json_loads(r.out, 0, &jerr);
	cr_assert(res != NULL, "%s: %s", jerr.text, r.out);
	cr_assert(json_is_false(json_object_get(res, "more")), "%s", r.out);
	list = json_object_get(res, "results");
	cr_assert_eq(json_array_size(list), 1, "%s", r.out);
	e = json_array_get(list, 0);
	cr_assert_eq(json_integer_value(json_object_get(e, "post")),
	    atoll(t), "%s", r.out);
	cr_assert_str_eq(json_string_value(json_object_get(e, "channel")), CH);
	cr_assert_str_eq(json_string_value(json_object_get(e, "author")), "ana");
	cr_assert_str_eq(json_string_value(json_object_get(e, "title")),
	    "Templates");
	HAS(json_string_value(json_object_get(e, "snippet")),
	    "[policy template]");
	json_decref(res);
	r = OK(d, "bob", "search", "policy template", "--limit", "1", "--json");
	HAS(r.out, "\"results\":[");
	HASNT(r.out, "more:");
	r = OK(d, "bob", "search", "--json", "nothing says this");
	HAS(r.out, "\"results\":[]");
	hx_stop(d);
}

/* Mistakes on the command line exit 64 before anything is sent; text
 * the server would refuse is refused first, with its code. */
Test(searchcli, usage_errors)
{
	struct hx_daemon *d = setup();
	static const char *const bad_limit[] = {
		"0", "101", "-1", "x", "2.5", "", "1e2",
	};
	static const char *const bad_offset[] = {
		"-1", "10001", "x", "",
	};
	struct hx_run r;
	char longtext[202];
	size_t i;

	r = FAILS(d, "ana", 64, "search");
	HAS(r.err, "usage: harbour search TEXT [--channel CHANNEL] "
	    "[--resources] [--limit N]");
	FAILS(d, "ana", 64, "search", "--channel", CH);
	for (i = 0; i < sizeof bad_limit / sizeof bad_limit[0]; i++) {
		r = FAILS(d, "ana", 64, "search", "rota", "--limit",
		    bad_limit[i]);
		HAS(r.err, "--limit takes a number from 1 to 100");
	}
	for (i = 0; i < sizeof bad_offset / sizeof bad_offset[0]; i++) {
		r = FAILS(d, "ana", 64, "search", "rota", "--offset",
		    bad_offset[i]);
		HAS(r.err, "--offset takes a number from 0 to 10000");
	}
	FAILS(d, "ana", 64, "search", "rota", "--limit");
	FAILS(d, "ana", 64, "search", "rota", "--resources=yes");
	FAILS(d, "ana", 64, "search", "rota", "--title", "x");
	memset(longtext, 'x', 201);
	longtext[201] = '\0';
	r = FAILS(d, "ana", 1, "search", longtext);
	HAS(r.err, "(too_large)");
	r = FAILS(d, "ana", 1, "search", "");
	HAS(r.err, "(bad_text)");
	r = FAILS(d, "ana", 1, "search", "tab\there");
	HAS(r.err, "(bad_text)");
	/* 200 bytes is allowed. */
	longtext[200] = '\0';
	OK(d, "ana", "search", longtext);
	/* The contract's option: no resource holds "rota". */
	r = OK(d, "ana", "search", "rota", "--resources");
	HAS(r.out, "no results");
	/* The help says it all. */
	r = OK(d, "ana", "help");
	HAS(r.out, "search TEXT [--channel CHANNEL] [--resources] [--limit N]");
	r = OK(d, "ana", "search", "--help");
	HAS(r.out, "more: --offset N");
	hx_stop(d);
}
