/*
 * 33-programme.c: the programme's report over the wire (`harbour
 * programme report`): a network of four charities used over three
 * months by a generator (posts, threads, reads, a session a month with
 * sign-ups and attendance, files shared and fetched), one charity of a
 * single member and one of three; the report's every figure checked
 * against the test's own count; every suppressed figure attacked from
 * the published totals and found to keep more than one possible value;
 * the same document twice and after a restart; no name and no word
 * anyone wrote in the bytes the facilitator received; every bad range
 * refused.
 */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "23-resources.h"
#include "33-programme.h"
#include "harness.h"
#include "hx-ops.h"

TestSuite(programme, .timeout = HX_TEST_TIMEOUT);

/* Metrics in the report's order. */
enum { M_ACTIVE, M_POSTS, M_THREADS, M_SHARED, M_FETCHED, M_EVENTS,
    M_SIGNUPS, M_ATTENDED, M__COUNT };
static const char *const metric_keys[M__COUNT] = { "active", "posts",
    "threads", "resources_shared", "resources_fetched", "events",
    "signups", "attended" };

#define NORGS		5	/* the four charities and the facilitator's */
#define NMONTHS		3	/* 2025-01 .. 2025-03 */
#define RMONTHS		5	/* the report's: 2024-12 .. 2025-04 */
#define MAXUSERS	8
#define CH		"peer/commons"
#define SECRET		"quiet-words-no-funder-sees"

static const struct {
	const char	*org;
	const char	*prefix;
	int		 users;
} charities[NORGS] = {
	{ "alder", "al", 7 },
	{ "birch", "bi", 3 },
	{ "cedar", "ce", 1 },
	{ "damson", "da", 5 },
	{ "fulcrum", NULL, 0 },		/* fay's */
};
#define FULCRUM		4

/* The test's own count: [metric][org][month of the report]. */
static int64_t expect[M__COUNT][NORGS][RMONTHS];
/* Per event type (0 coaching, 1 workshop): events, sign-ups, came. */
static int64_t expect_types[2][3];

static const char *
uname(int o, int i)
{
	return hx_strf("%s%d", charities[o].prefix, i + 1);
}

/* hour:00 UTC on day of the generator's month m (2025-01 + m). */
static int64_t
at(int m, int day, int hour)
{
	static const int64_t jan1 = 1735689600LL;	/* 2025-01-01 UTC */
	static const int days[] = { 0, 31, 59 };

	return (jan1 + (int64_t)(days[m] + day - 1) * 86400 + hour * 3600) *
	    1000;
}

struct hx_daemon *
pg_network(void)
{
	struct hx_daemon *d;
	struct hx_conn *fay;
	int o, i;

	hx_clock_start_at(at(0, 1, 9));
	d = hx_start(NULL);
	for (o = 0; o < NORGS; o++)
		hx_org(d, charities[o].org);
	fay = hx_user(d, "fulcrum", "facilitator", "fay");
	hx_ok(fay, "channel.create", "{s:s}", "channel", CH);
	for (o = 0; o < NORGS; o++)
		for (i = 0; i < charities[o].users; i++) {
			struct hx_conn *c = hx_user(d, charities[o].org,
			    "member", uname(o, i));
			hx_ok(c, "join", "{s:s}", "channel", CH);
			hx_close(c);
		}
	hx_close(fay);
	return d;
}

/* The facilitator's part of month m: a post, a session, a file. */
static int64_t
facilitate(struct hx_daemon *d, int m, int64_t *files, int *nfiles)
{
	struct hx_conn *fay = hx_login(d, "fay");
	const unsigned char *pdf;
	const char *hex;
	json_t *r;
	int type = m == 1 ? 0 : 1;

	hx_post(fay, CH, "This month", 0, "Welcome back, everyone");
	expect[M_POSTS][FULCRUM][m + 1]++;
	expect[M_THREADS][FULCRUM][m + 1]++;
	expect[M_ACTIVE][FULCRUM][m + 1] = 1;
	r = hx_ok(fay, "event.create", "{s:s, s:s, s:s, s:I, s:I, s:[s]}",
	    "title", "Peer session", "at", hx_strf("2025-%02d-20 10:00", m + 1),
	    "tz", "Europe/London", "duration", (json_int_t)60, "capacity",
	    (json_int_t)50, "tags", type == 0 ? "coaching" : "workshop");
	expect[M_EVENTS][FULCRUM][m + 1]++;
	expect_types[type][0]++;
	if (m < 2) {
		pdf = res_pdf(4096 + (size_t)m, m);
		hex = res_uploaded(fay, pdf, 4096 + (size_t)m,
		    "application/pdf");
		files[(*nfiles)++] = res_share(fay, hex, "Self-care sheet",
		    "wellbeing");
		expect[M_SHARED][FULCRUM][m + 1]++;
	}
	hx_close(fay);
	return hx_int(r, "event");
}

/* Member i of charity o in month m: posts, a read, a sign-up, files. */
static void
take_part(struct hx_daemon *d, int o, int i, int m, int64_t event,
    const int64_t *files, int nfiles, int fetched[][MAXUSERS][2])
{
	struct hx_conn *c = hx_login(d, uname(o, i));
	int posts = (i + m) % 3, f;
	size_t len;
	int64_t root = 0;

	for (int p = 0; p < posts; p++) {
		root = hx_post(c, CH, p == 0 ? "A thought" : NULL, root,
		    hx_strf("%s from %s", SECRET, uname(o, i)));
		expect[M_POSTS][o][m + 1]++;
		if (p == 0)
			expect[M_THREADS][o][m + 1]++;
	}
	if ((i + 2 * m) % 4 != 0)
		hx_ok(c, "read", "{s:s, s:I}", "channel", CH, "limit",
		    (json_int_t)5);
	if ((i + m) % 2 == 0) {
		hx_ok(c, "event.rsvp", "{s:I, s:s}", "event", (json_int_t)event,
		    "answer", "yes");
		expect[M_SIGNUPS][o][m + 1]++;
		expect_types[m == 1 ? 0 : 1][1]++;
	}
	for (f = 0; f < nfiles && (i + m) % 3 == 1; f++) {
		res_fetch(c, files[f], 0, &len);
		if (!fetched[o][i][f]) {
			fetched[o][i][f] = 1;
			expect[M_FETCHED][o][m + 1]++;
		}
	}
	if (posts > 0 || (i + 2 * m) % 4 != 0 || (nfiles > 0 &&
	    (i + m) % 3 == 1))
		expect[M_ACTIVE][o][m + 1]++;
	hx_close(c);
}

/* Who came: those who said yes with i % 3 != 2. Active through it,
 * unless already counted. */
static void
attend(struct hx_daemon *d, int m, int64_t event, int counted[][MAXUSERS])
{
	struct hx_conn *fay = hx_login(d, "fay");
	json_t *users = json_array();
	int o, i;

	for (o = 0; o < NORGS; o++)
		for (i = 0; i < charities[o].users; i++) {
			if ((i + m) % 2 != 0 || i % 3 == 2)
				continue;
			json_array_append_new(users, json_string(uname(o, i)));
			expect[M_ATTENDED][o][m + 1]++;
			expect_types[m == 1 ? 0 : 1][2]++;
			if (!counted[o][i])
				expect[M_ACTIVE][o][m + 1]++;
		}
	hx_ok(fay, "event.attended", "{s:I, s:o}", "event", (json_int_t)event,
	    "users", users);
	hx_close(fay);
}

void
pg_generate(struct hx_daemon *d)
{
	int64_t files[2], event;
	int nfiles = 0, o, i, m;
	int fetched[NORGS][MAXUSERS][2];
	int counted[NORGS][MAXUSERS];

	memset(expect, 0, sizeof expect);
	memset(expect_types, 0, sizeof expect_types);
	memset(fetched, 0, sizeof fetched);
	for (m = 0; m < NMONTHS; m++) {
		hx_clock_set(at(m, 2, 9));
		event = facilitate(d, m, files, &nfiles);
		hx_clock_set(at(m, 3, 9));
		memset(counted, 0, sizeof counted);
		for (o = 0; o < NORGS; o++)
			for (i = 0; i < charities[o].users; i++) {
				int64_t before = expect[M_ACTIVE][o][m + 1];

				take_part(d, o, i, m, event, files, nfiles,
				    fetched);
				counted[o][i] = expect[M_ACTIVE][o][m + 1] >
				    before;
			}
		hx_clock_set(at(m, 20, 10) + 30 * 60 * 1000);
		attend(d, m, event, counted);
	}
}

/* ---- reading the report ------------------------------------------------ */

static json_t *
report(struct hx_daemon *d)
{
	struct hx_conn *fay = hx_login(d, "fay");
	json_t *r;

	r = json_object_get(hx_ok(fay, "programme.report", "{s:s, s:s}",
	    "from", "2024-12", "to", "2025-04"), "report");
	cr_assert(r != NULL);
	/* Nothing anyone wrote and no one's name reached the facilitator:
	 * the raw bytes of everything this connection received. */
	{
		size_t len;
		const char *seen = hx_seen(fay, &len);

		cr_assert(!hx_contains(seen, len, SECRET));
		cr_assert(!hx_contains(seen, len, "al1"));
		cr_assert(!hx_contains(seen, len, "ce1"));
		cr_assert(!hx_contains(seen, len, "bi2"));
	}
	return json_incref(r);
}

static json_t *
metric(json_t *r, int m)
{
	json_t *ms = json_object_get(r, "metrics"), *x = json_array_get(ms,
	    (size_t)m);

	cr_assert_str_eq(hx_str(x, "key"), metric_keys[m]);
	return x;
}

/* A published figure against the true one: 0 as 0, 1-4 as "<5" (or
 * "*", where "<5" would give another away), 5 and more as itself or
 * withheld ("*"). */
static void
check_value(json_t *v, int64_t want, const char *what)
{
	if (want == 0)
		cr_assert(json_is_integer(v) && json_integer_value(v) == 0,
		    "%s: want 0, got %s", what, hx_dump(v));
	else if (want < 5)
		cr_assert(json_is_string(v) && (strcmp(json_string_value(v),
		    "<5") == 0 || strcmp(json_string_value(v), "*") == 0),
		    "%s: want <5 (%lld), got %s", what,
		    (long long)want, hx_dump(v));
	else
		cr_assert((json_is_integer(v) && json_integer_value(v) ==
		    want) || (json_is_string(v) && strcmp(json_string_value(v),
		    "*") == 0), "%s: want %lld or *, got %s", what,
		    (long long)want, hx_dump(v));
}

/* The report's row of an organisation. */
static size_t
org_row(json_t *r, const char *org)
{
	json_t *orgs = json_object_get(r, "orgs");
	size_t i;

	for (i = 0; i < json_array_size(orgs); i++)
		if (strcmp(json_string_value(json_array_get(orgs, i)), org) ==
		    0)
			return i;
	cr_assert_fail("no row for %s", org);
	return 0;
}

static void
check_numbers(json_t *r)
{
	json_t *x;
	int64_t rt, ct[RMONTHS], g;
	int m, o, mo, reached = 0;

	for (m = 0; m < M__COUNT; m++) {
		x = metric(r, m);
		memset(ct, 0, sizeof ct);
		g = 0;
		for (o = 0; o < NORGS; o++) {
			size_t row = org_row(r, charities[o].org);

			rt = 0;
			for (mo = 0; mo < RMONTHS; mo++) {
				check_value(json_array_get(json_array_get(
				    json_object_get(x, "cells"), row),
				    (size_t)mo), expect[m][o][mo],
				    hx_strf("%s %s month %d", metric_keys[m],
				    charities[o].org, mo));
				rt += expect[m][o][mo];
				ct[mo] += expect[m][o][mo];
			}
			g += rt;
			check_value(json_array_get(json_object_get(x,
			    "org_totals"), row), rt, hx_strf("%s %s total",
			    metric_keys[m], charities[o].org));
			if (m == M_ACTIVE && rt > 0)
				reached++;
		}
		for (mo = 0; mo < RMONTHS; mo++)
			check_value(json_array_get(json_object_get(x,
			    "month_totals"), (size_t)mo), ct[mo],
			    hx_strf("%s month %d total", metric_keys[m], mo));
		check_value(json_object_get(x, "total"), g,
		    hx_strf("%s total", metric_keys[m]));
	}
	cr_assert_eq(hx_int(r, "orgs_reached"), reached);
	cr_assert_eq(hx_int(r, "target_orgs"), 20);
	x = json_object_get(r, "event_types");
	cr_assert_eq(json_array_size(x), 2);
	cr_assert_str_eq(hx_str(json_array_get(x, 0), "type"), "coaching");
	cr_assert_str_eq(hx_str(json_array_get(x, 1), "type"), "workshop");
	for (o = 0; o < 2; o++) {
		check_value(json_object_get(json_array_get(x, (size_t)o),
		    "events"), expect_types[o][0], "type events");
		check_value(json_object_get(json_array_get(x, (size_t)o),
		    "signups"), expect_types[o][1], "type signups");
		check_value(json_object_get(json_array_get(x, (size_t)o),
		    "attended"), expect_types[o][2], "type attended");
	}
}

/* ---- the attacker ------------------------------------------------------ */

/*
 * What someone holding the report can work out of a suppressed figure:
 * its possible values ("<5": 1 to 4; "*": any), narrowed by every sum
 * the report publishes
 * (each organisation's row, each month's column, the totals' row and
 * column, and the event types, which add up to the metric's total).
 * This is the test's own arithmetic, written apart from the daemon's.
 */
#define INF	(1LL << 50)

struct atk {
	int64_t		 lo[128], hi[128];
	int		 hidden[128], star[128];
	int		 n;
	int		 line[64][32], len[64], nlines;	/* total last */
};

static int
atk_entry(struct atk *a, json_t *v)
{
	int i = a->n++;

	cr_assert(i < 128);
	a->hidden[i] = json_is_string(v);
	a->star[i] = a->hidden[i] && strcmp(json_string_value(v), "*") == 0;
	if (!a->hidden[i])
		a->lo[i] = a->hi[i] = json_integer_value(v);
	else if (a->star[i]) {
		a->lo[i] = 0;
		a->hi[i] = INF;
	} else {
		a->lo[i] = 1;
		a->hi[i] = 4;
	}
	return i;
}

static void
atk_line(struct atk *a, const int *entries, int n)
{
	memcpy(a->line[a->nlines], entries, (size_t)n * sizeof *entries);
	a->len[a->nlines++] = n;
}

/* Narrow until nothing moves: x_t = sum of the line's others. */
static void
atk_run(struct atk *a)
{
	int moved = 1, pass, l, j, k, t, e;
	int64_t slo, shi, lo, hi;

	for (pass = 0; moved && pass < 1000; pass++) {
		moved = 0;
		for (l = 0; l < a->nlines; l++) {
			t = a->line[l][a->len[l] - 1];
			for (j = 0; j < a->len[l]; j++) {
				e = a->line[l][j];
				if (!a->hidden[e])
					continue;
				slo = shi = 0;
				for (k = 0; k < a->len[l] - 1; k++) {
					if (a->line[l][k] == e)
						continue;
					slo += a->lo[a->line[l][k]];
					shi = shi >= INF || a->hi[a->line[l][k]]
					    >= INF ? INF : shi +
					    a->hi[a->line[l][k]];
				}
				if (e == t) {
					lo = slo;
					hi = shi;
				} else {
					lo = shi >= INF ? 0 : a->lo[t] - shi;
					hi = a->hi[t] >= INF ? INF : a->hi[t] -
					    slo;
				}
				if (lo > a->lo[e]) {
					a->lo[e] = lo;
					moved = 1;
				}
				if (hi < a->hi[e]) {
					a->hi[e] = hi;
					moved = 1;
				}
			}
		}
	}
}

/* Attack one metric; returns how many figures were hidden. */
static int
attack(json_t *r, int m, int with_types)
{
	struct atk a;
	json_t *x = metric(r, m), *cells = json_object_get(x, "cells");
	json_t *types = json_object_get(r, "event_types");
	size_t no = json_array_size(cells), nm = RMONTHS, o, mo;
	int cell[8][RMONTHS], rt[8], ct[RMONTHS], g, buf[32], n, i, hidden = 0;
	static const char *const tkeys[] = { "events", "signups", "attended" };

	memset(&a, 0, sizeof a);
	cr_assert(no <= 8);
	for (o = 0; o < no; o++)
		for (mo = 0; mo < nm; mo++)
			cell[o][mo] = atk_entry(&a, json_array_get(
			    json_array_get(cells, o), mo));
	for (o = 0; o < no; o++)
		rt[o] = atk_entry(&a, json_array_get(json_object_get(x,
		    "org_totals"), o));
	for (mo = 0; mo < nm; mo++)
		ct[mo] = atk_entry(&a, json_array_get(json_object_get(x,
		    "month_totals"), mo));
	g = atk_entry(&a, json_object_get(x, "total"));
	for (o = 0; o < no; o++) {
		for (mo = 0, n = 0; mo < nm; mo++)
			buf[n++] = cell[o][mo];
		buf[n++] = rt[o];
		atk_line(&a, buf, n);
	}
	for (mo = 0; mo < nm; mo++) {
		for (o = 0, n = 0; o < no; o++)
			buf[n++] = cell[o][mo];
		buf[n++] = ct[mo];
		atk_line(&a, buf, n);
	}
	for (o = 0, n = 0; o < no; o++)
		buf[n++] = rt[o];
	buf[n++] = g;
	atk_line(&a, buf, n);
	for (mo = 0, n = 0; mo < nm; mo++)
		buf[n++] = ct[mo];
	buf[n++] = g;
	atk_line(&a, buf, n);
	if (with_types >= 0) {
		for (o = 0, n = 0; o < json_array_size(types); o++)
			buf[n++] = atk_entry(&a, json_object_get(
			    json_array_get(types, o), tkeys[with_types]));
		buf[n++] = g;
		atk_line(&a, buf, n);
	}
	atk_run(&a);
	for (i = 0; i < a.n; i++) {
		if (!a.hidden[i])
			continue;
		hidden++;
		cr_assert(a.lo[i] < a.hi[i], "%s: suppressed entry %d worked "
		    "out as %lld from the published figures", metric_keys[m], i,
		    (long long)a.lo[i]);
	}
	return hidden;
}

static void
check_suppression(json_t *r)
{
	int m, hidden = 0;
	char *all = json_dumps(r, JSON_COMPACT);

	for (m = 0; m < M__COUNT; m++)
		hidden += attack(r, m, m == M_EVENTS ? 0 : m == M_SIGNUPS ? 1 :
		    m == M_ATTENDED ? 2 : -1);
	/* The network was made to need both kinds. */
	cr_assert(hidden > 10, "only %d figures suppressed", hidden);
	cr_assert(strstr(all, "\"*\"") != NULL, "nothing withheld: the "
	    "test does not exercise complementary suppression");
	free(all);
	cr_assert(strstr(hx_str(r, "suppression"), "<5") != NULL);
}

Test(programme, counts_suppression_and_the_same_document)
{
	struct hx_daemon *d = pg_network();
	json_t *r1, *r2, *r3;
	char *a, *b;

	pg_generate(d);
	hx_clock_set(PG_AFTER);
	r1 = report(d);
	check_numbers(r1);
	check_suppression(r1);
	cr_assert_str_eq(hx_str(r1, "from"), "2024-12");
	cr_assert_str_eq(hx_str(r1, "to"), "2025-04");
	cr_assert_eq(json_array_size(json_object_get(r1, "months")), RMONTHS);
	/* The same range on the same data: the same document. */
	r2 = report(d);
	a = json_dumps(r1, JSON_COMPACT);
	b = json_dumps(r2, JSON_COMPACT);
	cr_assert_str_eq(a, b);
	free(b);
	hx_shutdown(d);
	hx_restart(d);
	r3 = report(d);
	b = json_dumps(r3, JSON_COMPACT);
	cr_assert_str_eq(a, b, "a different document after a restart");
	free(a);
	free(b);
	json_decref(r1);
	json_decref(r2);
	json_decref(r3);
	hx_stop(d);
}

Test(programme, bad_ranges_and_who_may_ask)
{
	struct hx_daemon *d;
	struct hx_conn *fay, *amy, *olga, *root;

	d = hx_start(NULL);
	hx_org(d, "alder");
	fay = hx_user(d, "alder", "facilitator", "fay");
	amy = hx_user(d, "alder", "member", "amy");
	olga = hx_user(d, "alder", "org-admin", "olga");
	root = hx_admin(d);
	hx_ok(root, "programme.report", "{s:s, s:s}", "from", "2025-01", "to",
	    "2025-01");
	hx_err(amy, "forbidden", "programme.report", "{s:s, s:s}", "from",
	    "2025-01", "to", "2025-02");
	hx_err(olga, "forbidden", "programme.report", "{s:s, s:s}", "from",
	    "2025-01", "to", "2025-02");
	hx_err(fay, "bad_request", "programme.report", "{s:s, s:s}", "from",
	    "2025-13", "to", "2026-02");
	hx_err(fay, "bad_request", "programme.report", "{s:s, s:s}", "from",
	    "2025-3", "to", "2025-04");
	hx_err(fay, "bad_request", "programme.report", "{s:s, s:s}", "from",
	    "March", "to", "2025-04");
	hx_err(fay, "bad_request", "programme.report", "{s:s}", "from",
	    "2025-01");
	hx_err(fay, "bad_request", "programme.report", "{s:s, s:s}", "from",
	    "2025-05", "to", "2025-04");
	/* One report at a time: a second asked for in the same breath is
	 * told to ask again; the first is answered. */
	{
		const char two[] =
		    "{\"id\":901,\"op\":\"programme.report\",\"from\":"
		    "\"2025-01\",\"to\":\"2025-02\"}\n"
		    "{\"id\":902,\"op\":\"programme.report\",\"from\":"
		    "\"2025-01\",\"to\":\"2025-02\"}\n";

		cr_assert_eq(hx_send_raw(fay, two, sizeof two - 1), 0);
		hx_assert_err(hx_reply_int(fay, 902), "busy");
		hx_assert_ok(hx_reply_int(fay, 901));
	}
	/* 60 months is the most; 61 too many. */
	hx_ok(fay, "programme.report", "{s:s, s:s}", "from", "2021-01", "to",
	    "2025-12");
	hx_err(fay, "too_large", "programme.report", "{s:s, s:s}", "from",
	    "2020-12", "to", "2025-12");
	hx_stop(d);
}

Test(programme, suppress_below_from_the_configuration)
{
	struct hx_daemon *d;
	struct hx_conn *fay, *amy;
	json_t *r, *x;

	hx_clock_start_at(at(0, 10, 9));
	d = hx_start("suppress_below = 3\nprogramme_target_orgs = 40");
	hx_org(d, "alder");
	fay = hx_user(d, "alder", "facilitator", "fay");
	amy = hx_user(d, "alder", "member", "amy");
	hx_ok(fay, "channel.create", "{s:s}", "channel", CH);
	hx_ok(amy, "join", "{s:s}", "channel", CH);
	hx_post(amy, CH, "One", 0, "one");
	hx_post(amy, CH, "Two", 0, "two");
	hx_post(amy, CH, "Three", 0, "three");
	r = json_object_get(hx_ok(fay, "programme.report", "{s:s, s:s}",
	    "from", "2025-01", "to", "2025-01"), "report");
	cr_assert_eq(hx_int(r, "suppress_below"), 3);
	cr_assert_eq(hx_int(r, "target_orgs"), 40);
	/* Three posts are shown with suppress_below = 3; one active member
	 * is "<3"; a month without sessions shows 0. */
	x = json_array_get(json_object_get(r, "metrics"), M_POSTS);
	cr_assert_eq(json_integer_value(json_object_get(x, "total")), 3,
	    "%s", hx_dump(x));
	x = json_array_get(json_object_get(r, "metrics"), M_ACTIVE);
	cr_assert_str_eq(json_string_value(json_object_get(x, "total")), "<3",
	    "%s", hx_dump(x));
	x = json_array_get(json_object_get(r, "metrics"), M_EVENTS);
	cr_assert_eq(json_integer_value(json_object_get(x, "total")), 0);
	cr_assert(json_is_integer(json_object_get(x, "total")));
	cr_assert(strstr(hx_str(r, "suppression"), "<3") != NULL);
	hx_stop(d);
}
