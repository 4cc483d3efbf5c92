/*
 * test-hours.c: working hours (daemon/hours.c): the text as people type
 * it and as it is written back, every refusal with its message, zone
 * names, and where an instant falls in someone's hours in their zone,
 * across both of 2025's daylight-saving changes in London and New York.
 *
 * Expected instants are worked out by hand as UTC fields and turned
 * into epoch seconds with timegm(), which no TZ affects; the comment on
 * each row says how. Criterion runs each test in its own process, so a
 * test that sets TZ or TZDIR leaves the others alone.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "hours.h"

#define NITEMS(a)	(sizeof (a) / sizeof (a)[0])

#define MON	0x01
#define TUE	0x02
#define WED	0x04
#define THU	0x08
#define FRI	0x10
#define SAT	0x20
#define SUN	0x40

/* Fields of a UTC time; y 0 stands for "no change" (INT64_MAX). */
struct ut {
	int	 y, mo, d, h, mi;
};

static int64_t
utc(struct ut u)
{
	struct tm tm;

	if (u.y == 0)
		return INT64_MAX;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = u.y - 1900;
	tm.tm_mon = u.mo - 1;
	tm.tm_mday = u.d;
	tm.tm_hour = u.h;
	tm.tm_min = u.mi;
	return (int64_t)timegm(&tm);
}

static struct hours
parse_ok(const char *spec)
{
	struct hours h;
	char err[128] = "";

	cr_assert_eq(hours_parse(spec, &h, err, sizeof err), 0, "\"%s\": %s",
	    spec, err);
	return h;
}

Test(hours, parse_fields)
{
	struct hours h;

	h = parse_ok("Mon-Fri 09:00-17:30");
	cr_expect_eq(h.n, 1);
	cr_expect_eq(h.r[0].days, MON | TUE | WED | THU | FRI);
	cr_expect_eq(h.r[0].start, 9 * 60);
	cr_expect_eq(h.r[0].end, 17 * 60 + 30);

	h = parse_ok("Mon,Wed 08:00-12:00; Tue 13:00-18:00");
	cr_expect_eq(h.n, 2);
	cr_expect_eq(h.r[0].days, MON | WED);
	cr_expect_eq(h.r[0].start, 8 * 60);
	cr_expect_eq(h.r[0].end, 12 * 60);
	cr_expect_eq(h.r[1].days, TUE);
	cr_expect_eq(h.r[1].start, 13 * 60);
	cr_expect_eq(h.r[1].end, 18 * 60);

	/* A day range that wraps past Sunday. */
	h = parse_ok("Fri-Mon 10:00-11:00");
	cr_expect_eq(h.r[0].days, FRI | SAT | SUN | MON);
	h = parse_ok("Sun-Sat 00:00-24:00");
	cr_expect_eq(h.r[0].days, 0x7f);
	cr_expect_eq(h.r[0].end, HOURS_MINUTES_PER_DAY);
	h = parse_ok("Tue-Tue 00:00-00:01");
	cr_expect_eq(h.r[0].days, TUE);
	cr_expect_eq(h.r[0].end, 1);

	h = parse_ok("mON-fri 09:00-17:00;SAT,sun 10:00-12:00");
	cr_expect_eq(h.n, 2);
	cr_expect_eq(h.r[0].days, MON | TUE | WED | THU | FRI);
	cr_expect_eq(h.r[1].days, SAT | SUN);
}

/* Typed text, and the canonical text written from what it parses to. */
static const struct {
	const char	*in, *out;
} hours_canon[] = {
	{ "Mon-Fri 09:00-17:30", "Mon-Fri 09:00-17:30" },
	{ "Mon,Wed 08:00-12:00; Tue 13:00-18:00",
	  "Mon,Wed 08:00-12:00; Tue 13:00-18:00" },
	{ "Mon-Fri 09:00-17:30; Sat 10:00-12:00",
	  "Mon-Fri 09:00-17:30; Sat 10:00-12:00" },
	{ "Fri-Mon 10:00-11:00", "Mon,Fri-Sun 10:00-11:00" },
	{ "Sat-Tue 10:00-11:00", "Mon,Tue,Sat,Sun 10:00-11:00" },
	{ "Sun-Sat 00:00-24:00", "Mon-Sun 00:00-24:00" },
	{ "Mon,Tue,Wed 09:00-17:00", "Mon-Wed 09:00-17:00" },
	{ "Fri,Mon-Wed 09:00-17:00", "Mon-Wed,Fri 09:00-17:00" },
	{ "Mon,Wed,Fri 09:00-17:00", "Mon,Wed,Fri 09:00-17:00" },
	{ "Sat,Sun 10:00-12:00", "Sat,Sun 10:00-12:00" },
	{ "Sat-Sun 10:00-12:00", "Sat,Sun 10:00-12:00" },
	{ "Mon,Mon,Mon 09:00-10:00", "Mon 09:00-10:00" },
	{ "tue 00:00-24:00", "Tue 00:00-24:00" },
	{ "MON-FRI 09:00-17:00", "Mon-Fri 09:00-17:00" },
	{ "   Mon   09:00-10:00  ;  Tue 11:00-12:00   ",
	  "Mon 09:00-10:00; Tue 11:00-12:00" },
	{ "Mon\t09:00-10:00;Tue 11:00-12:00",
	  "Mon 09:00-10:00; Tue 11:00-12:00" },
	{ "Mon 09:00-12:00; Mon 12:00-17:00",
	  "Mon 09:00-12:00; Mon 12:00-17:00" },
	{ "Mon,Tue,Thu,Fri,Sun 23:59-24:00",
	  "Mon,Tue,Thu,Fri,Sun 23:59-24:00" },
};

Test(hours, canonical)
{
	struct hours h;
	char buf[HOURS_MAX_SPEC + 1];
	size_t i;
	int n;

	for (i = 0; i < NITEMS(hours_canon); i++) {
		h = parse_ok(hours_canon[i].in);
		n = hours_format(&h, buf, sizeof buf);
		cr_expect_str_eq(buf, hours_canon[i].out, "\"%s\"",
		    hours_canon[i].in);
		cr_expect_eq(n, (int)strlen(hours_canon[i].out), "\"%s\"",
		    hours_canon[i].in);
	}
}

Test(hours, round_trip)
{
	struct hours h, again;
	char buf[HOURS_MAX_SPEC + 1], buf2[HOURS_MAX_SPEC + 1];
	size_t i;

	for (i = 0; i < NITEMS(hours_canon); i++) {
		h = parse_ok(hours_canon[i].in);
		cr_assert_gt(hours_format(&h, buf, sizeof buf), 0);
		again = parse_ok(buf);
		cr_expect(hours_equal(&h, &again), "\"%s\"", hours_canon[i].in);
		cr_expect_gt(hours_format(&again, buf2, sizeof buf2), 0);
		cr_expect_str_eq(buf, buf2);
	}
}

/* Order counts: it is kept, and the text keeps it. */
Test(hours, equal)
{
	struct hours a, b;

	a = parse_ok("Mon-Fri 09:00-17:00; Sat 10:00-12:00");
	b = parse_ok("mon,tue,wed,thu,fri 09:00-17:00;sat 10:00-12:00");
	cr_expect(hours_equal(&a, &b));
	b = parse_ok("Sat 10:00-12:00; Mon-Fri 09:00-17:00");
	cr_expect(!hours_equal(&a, &b));
	b = parse_ok("Mon-Fri 09:00-17:00");
	cr_expect(!hours_equal(&a, &b));
	b = parse_ok("Mon-Fri 09:00-17:00; Sat 10:00-12:01");
	cr_expect(!hours_equal(&a, &b));
	b = parse_ok("Mon-Fri 09:00-17:00; Sun 10:00-12:00");
	cr_expect(!hours_equal(&a, &b));
}

/* The longest canonical text there is, 16 of the longest range, is
 * exactly HOURS_MAX_SPEC bytes: it parses and is written back as is. */
Test(hours, longest)
{
	static const char range[] = "Mon,Tue,Thu,Fri,Sun 09:00-17:30";
	char spec[HOURS_MAX_SPEC + 2] = "", buf[HOURS_MAX_SPEC + 1];
	struct hours h;
	int i;

	for (i = 0; i < HOURS_MAX_RANGES; i++) {
		if (i > 0)
			strcat(spec, "; ");
		strcat(spec, range);
	}
	cr_assert_eq(strlen(spec), HOURS_MAX_SPEC);
	h = parse_ok(spec);
	cr_expect_eq(h.n, HOURS_MAX_RANGES);
	cr_expect_eq(hours_format(&h, buf, sizeof buf), HOURS_MAX_SPEC);
	cr_expect_str_eq(buf, spec);
	/* One byte more, a space at the end, is over the limit. */
	strcat(spec, " ");
	cr_expect_eq(hours_parse(spec, &h, NULL, 0), -1);
}

Test(hours, refused)
{
	static const struct {
		const char	*in, *err;
	} bad[] = {
		{ "Mon 25:00-26:00", "hours: 25:00 is not a time of day" },
		{ "Mon 09:60-10:00", "hours: 09:60 is not a time of day" },
		{ "Mon 09:00-24:30", "hours: 24:30 is not a time of day" },
		{ "Mon 99:99-10:00", "hours: 99:99 is not a time of day" },
		{ "Mon 17:00-09:00",
		  "hours: start 17:00 is not before end 09:00" },
		{ "Mon 09:00-09:00",
		  "hours: start 09:00 is not before end 09:00" },
		{ "Mon 24:00-24:00",
		  "hours: start 24:00 is not before end 24:00" },
		{ "09:00-17:00", "hours: no days before 09:00" },
		{ "Mon 09:00-10:00; 11:00-12:00",
		  "hours: no days before 11:00" },
		{ "Mon-Fry 09:00-17:00", "hours: Fry is not a day" },
		{ "Monday 09:00-17:00", "hours: Monday is not a day" },
		{ "Mo 09:00-17:00", "hours: Mo is not a day" },
		{ "", "hours: empty" },
		{ "   ", "hours: empty" },
		{ "Mon-Fri 09:00-17:00 x",
		  "hours: unexpected \"x\" after 17:00" },
		{ "Mon 09:00-10:00 Tue 11:00-12:00",
		  "hours: unexpected \"Tue\" after 10:00" },
		{ "Mon 09:00-17:00:00",
		  "hours: \"17:00:00\" is not a time (HH:MM)" },
		{ "Mon 09:00 17:00", "hours: no '-' right after 09:00" },
		{ "Mon 09:00", "hours: no '-' right after 09:00" },
		{ "Mon 09:00 - 17:00", "hours: no '-' right after 09:00" },
		{ "Mon 0900-1700", "hours: \"0900\" is not a time (HH:MM)" },
		{ "Mon 9:00-17:00", "hours: \"9:00\" is not a time (HH:MM)" },
		{ "Mon noon-17:00",
		  "hours: \"noon-17:00\" is not a time (HH:MM)" },
		{ "Mon 09:00-", "hours: a time (HH:MM) is missing" },
		{ "Mon", "hours: no times after Mon" },
		{ "Mon-Fri", "hours: no times after Mon-Fri" },
		{ "Mon; Tue 09:00-10:00", "hours: no times after Mon" },
		{ "Mon09:00-10:00",
		  "hours: unexpected \"09:00-10:00\" after Mon" },
		{ "Mon, Tue 09:00-10:00", "hours: no day after ','" },
		{ "Mon- 09:00-10:00", "hours: no day after '-'" },
		{ "Mon 09:00-10:00;", "hours: nothing after ';'" },
		{ "Mon 09:00-10:00; ; Tue 09:00-10:00",
		  "hours: no days at \";\"" },
		{ "*Mon 09:00-10:00", "hours: no days at \"*Mon\"" },
	};
	struct hours h, before;
	char err[128];
	size_t i;

	memset(&before, 0xa5, sizeof before);
	for (i = 0; i < NITEMS(bad); i++) {
		h = before;
		err[0] = '\0';
		cr_expect_eq(hours_parse(bad[i].in, &h, err, sizeof err), -1,
		    "\"%s\"", bad[i].in);
		cr_expect_str_eq(err, bad[i].err, "\"%s\"", bad[i].in);
		cr_expect(memcmp(&h, &before, sizeof h) == 0,
		    "\"%s\" wrote the hours", bad[i].in);
	}
	cr_expect_eq(hours_parse(NULL, &h, err, sizeof err), -1);
	cr_expect_str_eq(err, "hours: empty");
	/* No room for a message, or no buffer at all, is fine. */
	cr_expect_eq(hours_parse("Mon 25:00-26:00", &h, NULL, 0), -1);
	cr_expect_eq(hours_parse("Mon 25:00-26:00", &h, err, 6), -1);
	cr_expect_str_eq(err, "hours");
}

Test(hours, limits)
{
	char spec[4 * HOURS_MAX_SPEC], err[128];
	struct hours h;
	int i;

	/* 16 ranges are taken, 17 are not. */
	spec[0] = '\0';
	for (i = 0; i < HOURS_MAX_RANGES; i++)
		snprintf(spec + strlen(spec), sizeof spec - strlen(spec),
		    "%sMon %02d:00-%02d:30", i ? ";" : "", i, i);
	cr_expect_eq(hours_parse(spec, &h, err, sizeof err), 0, "%s", err);
	cr_expect_eq(h.n, HOURS_MAX_RANGES);
	strcat(spec, ";Tue 20:00-21:00");
	cr_expect_eq(hours_parse(spec, &h, err, sizeof err), -1);
	cr_expect_str_eq(err, "hours: more than 16 ranges");

	/* Longer than HOURS_MAX_SPEC, even if only by spaces. */
	memset(spec, ' ', HOURS_MAX_SPEC);
	memcpy(spec, "Mon 09:00-10:00", 15);
	spec[HOURS_MAX_SPEC] = '\0';
	cr_expect_eq(hours_parse(spec, &h, err, sizeof err), 0, "%s", err);
	spec[HOURS_MAX_SPEC] = ' ';
	spec[HOURS_MAX_SPEC + 1] = '\0';
	cr_expect_eq(hours_parse(spec, &h, err, sizeof err), -1);
	cr_expect_str_eq(err, "hours: longer than 526 bytes");
}

Test(hours, format_refuses)
{
	struct hours h, bad;
	char buf[64];

	h = parse_ok("Mon-Fri 09:00-17:30");	/* 19 bytes */
	cr_expect_eq(hours_format(&h, buf, 20), 19);
	cr_expect_str_eq(buf, "Mon-Fri 09:00-17:30");
	cr_expect_eq(hours_format(&h, buf, 19), -1);
	cr_expect_str_eq(buf, "");
	cr_expect_eq(hours_format(&h, NULL, 0), -1);

	/* Hours that no text can give. */
	cr_expect_eq(hours_format(NULL, buf, sizeof buf), -1);
	bad = h;
	bad.r[0].days = 0;
	cr_expect_eq(hours_format(&bad, buf, sizeof buf), -1);
	bad = h;
	bad.r[0].days = 0x80;
	cr_expect_eq(hours_format(&bad, buf, sizeof buf), -1);
	bad = h;
	bad.r[0].start = bad.r[0].end;
	cr_expect_eq(hours_format(&bad, buf, sizeof buf), -1);
	bad = h;
	bad.r[0].end = HOURS_MINUTES_PER_DAY + 1;
	cr_expect_eq(hours_format(&bad, buf, sizeof buf), -1);
	bad = h;
	bad.n = HOURS_MAX_RANGES + 1;
	cr_expect_eq(hours_format(&bad, buf, sizeof buf), -1);
	bad.n = -1;
	cr_expect_eq(hours_format(&bad, buf, sizeof buf), -1);

	/* No ranges: the empty text (which hours_parse refuses). */
	bad.n = 0;
	cr_expect_eq(hours_format(&bad, buf, sizeof buf), 0);
	cr_expect_str_eq(buf, "");
}

Test(hours, tz_valid)
{
	static const char *const good[] = {
		"Europe/London", "UTC", "America/New_York", "Asia/Tokyo",
		"Etc/GMT+5", "America/Argentina/Buenos_Aires",
	};
	static const char *const bad[] = {
		"Mars/Base", "../etc/passwd", "/etc/localtime", "",
		"Europe/", "Europe", "Europe//London", "/Europe/London",
		"Europe/../Europe/London", "Europe/London ", "europe/london?",
		"zone.tab", "iso3166.tab", "Europe\\London", "Europe/London\n",
	};
	char name[71];
	size_t i;

	for (i = 0; i < NITEMS(good); i++)
		cr_expect_eq(hours_tz_valid(good[i]), 1, "%s", good[i]);
	for (i = 0; i < NITEMS(bad); i++)
		cr_expect_eq(hours_tz_valid(bad[i]), 0, "%s", bad[i]);
	cr_expect_eq(hours_tz_valid(NULL), 0);
	/* 70 bytes, of characters that could be a name. */
	memset(name, 'a', sizeof name - 1);
	memcpy(name, "Europe/", 7);
	name[sizeof name - 1] = '\0';
	cr_expect_eq(hours_tz_valid(name), 0);
}

/* $TZDIR is where zones are looked for, as glibc looks for them. */
Test(hours, tz_dir)
{
	char dir[] = "/tmp/harbour-tz-XXXXXX", path[256], buf[4096];
	struct hours h;
	ssize_t n;
	int in, fd, out;
	int64_t next;

	cr_assert_neq(mkdtemp(dir), NULL);
	snprintf(path, sizeof path, "%s/Test", dir);
	cr_assert_eq(mkdir(path, 0700), 0);
	/* Test/Zone: a copy of Asia/Tokyo's file. */
	snprintf(path, sizeof path, "%s/Test/Zone", dir);
	fd = open("/usr/share/zoneinfo/Asia/Tokyo", O_RDONLY);
	out = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	cr_assert(fd != -1 && out != -1);
	while ((n = read(fd, buf, sizeof buf)) > 0)
		cr_assert_eq(write(out, buf, (size_t)n), n);
	close(fd);
	close(out);
	/* Test/Fake: a file, but no zone. */
	snprintf(path, sizeof path, "%s/Test/Fake", dir);
	out = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	cr_assert_eq(write(out, "not a zone\n", 11), 11);
	close(out);

	setenv("TZDIR", dir, 1);
	cr_expect_eq(hours_tz_valid("Test/Zone"), 1);
	cr_expect_eq(hours_tz_valid("Test/Fake"), 0);
	cr_expect_eq(hours_tz_valid("Test"), 0);
	cr_expect_eq(hours_tz_valid("Europe/London"), 0);
	/* And the zone read is that file: Mon 09:00 JST is 00:00 UTC. */
	h = parse_ok("Mon-Fri 09:00-17:00");
	cr_expect_eq(hours_at(&h, "Test/Zone",
	    utc((struct ut){ 2025, 1, 12, 23, 0 }), &in, &next), 0);
	cr_expect_eq(in, 0);
	cr_expect_eq(next, utc((struct ut){ 2025, 1, 13, 0, 0 }));

	snprintf(path, sizeof path, "%s/Test/Zone", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/Test/Fake", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/Test", dir);
	rmdir(path);
	rmdir(dir);
}

struct at_case {
	const char	*spec, *tz;
	struct ut	 now;
	int		 in;
	struct ut	 next;
	const char	*why;
};

static void
check_at(const struct at_case *c, size_t n)
{
	struct hours h;
	int64_t next;
	size_t i;
	int in;

	for (i = 0; i < n; i++) {
		h = parse_ok(c[i].spec);
		in = -1;
		next = -1;
		cr_expect_eq(hours_at(&h, c[i].tz, utc(c[i].now), &in, &next),
		    0, "%s", c[i].why);
		cr_expect_eq(in, c[i].in, "%s: in", c[i].why);
		cr_expect_eq(next, utc(c[i].next), "%s: next %lld, want %lld",
		    c[i].why, (long long)next, (long long)utc(c[i].next));
	}
}

#define WEEK	"Mon-Fri 09:00-17:00"

/* London: GMT (UTC+0) in winter, BST (UTC+1) in summer. */
Test(hours, at_london)
{
	static const struct at_case c[] = {
		{ WEEK, "Europe/London", { 2025, 1, 15, 12, 0 }, 1,
		  { 2025, 1, 15, 17, 0 }, "winter Wed noon: in until 17:00" },
		{ WEEK, "Europe/London", { 2025, 1, 15, 8, 0 }, 0,
		  { 2025, 1, 15, 9, 0 }, "winter Wed 08:00: starts at 09:00" },
		{ WEEK, "Europe/London", { 2025, 1, 15, 9, 0 }, 1,
		  { 2025, 1, 15, 17, 0 }, "the start itself is in" },
		{ WEEK, "Europe/London", { 2025, 1, 15, 17, 0 }, 0,
		  { 2025, 1, 16, 9, 0 }, "the end itself is out: Thu 09:00" },
		{ WEEK, "Europe/London", { 2025, 1, 17, 18, 0 }, 0,
		  { 2025, 1, 20, 9, 0 }, "winter Fri evening: Mon 09:00" },
		{ WEEK, "Europe/London", { 2025, 1, 18, 12, 0 }, 0,
		  { 2025, 1, 20, 9, 0 }, "winter Sat: Mon 09:00" },
		{ WEEK, "Europe/London", { 2025, 7, 16, 7, 30 }, 0,
		  { 2025, 7, 16, 8, 0 }, "summer Wed 08:30 BST: 09:00 BST" },
		{ WEEK, "Europe/London", { 2025, 7, 16, 12, 0 }, 1,
		  { 2025, 7, 16, 16, 0 }, "summer Wed: 17:00 BST, 16:00 UTC" },
		{ WEEK, "Europe/London", { 2025, 7, 16, 16, 30 }, 0,
		  { 2025, 7, 17, 8, 0 }, "summer Wed 17:30 BST: Thu 08:00" },
		{ WEEK, "Europe/London", { 2025, 7, 19, 12, 0 }, 0,
		  { 2025, 7, 21, 8, 0 }, "summer Sat: Mon 08:00 UTC" },
		{ "Sat,Sun 10:00-12:00", "Europe/London",
		  { 2025, 7, 16, 12, 0 }, 0, { 2025, 7, 19, 9, 0 },
		  "weekend hours from a Wednesday" },
		{ "Sat,Sun 10:00-12:00", "Europe/London",
		  { 2025, 7, 20, 9, 30 }, 1, { 2025, 7, 20, 11, 0 },
		  "weekend hours on a Sunday" },
	};

	check_at(c, NITEMS(c));
}

/* 2025 in London: Sun 30 Mar 01:00 UTC the clocks go from 01:00 GMT to
 * 02:00 BST; Sun 26 Oct 01:00 UTC from 02:00 BST back to 01:00 GMT. */
Test(hours, at_london_dst)
{
	static const struct at_case c[] = {
		{ WEEK, "Europe/London", { 2025, 3, 28, 18, 0 }, 0,
		  { 2025, 3, 31, 8, 0 }, "Fri GMT to Mon BST: 08:00 UTC" },
		{ WEEK, "Europe/London", { 2025, 3, 28, 12, 0 }, 1,
		  { 2025, 3, 28, 17, 0 }, "the Friday before: still GMT" },
		{ WEEK, "Europe/London", { 2025, 10, 24, 18, 0 }, 0,
		  { 2025, 10, 27, 9, 0 }, "Fri BST to Mon GMT: 09:00 UTC" },
		{ WEEK, "Europe/London", { 2025, 10, 24, 12, 0 }, 1,
		  { 2025, 10, 24, 16, 0 }, "the Friday before: still BST" },
		/* The day of 23 hours: 00:00 GMT to 24:00 BST. */
		{ "Sun 00:00-24:00", "Europe/London", { 2025, 3, 30, 12, 0 },
		  1, { 2025, 3, 30, 23, 0 }, "short Sunday ends 23:00 UTC" },
		/* The day of 25 hours: 00:00 BST (Sat 23:00 UTC) to 24:00
		 * GMT. */
		{ "Sun 00:00-24:00", "Europe/London", { 2025, 10, 25, 22, 0 },
		  0, { 2025, 10, 25, 23, 0 }, "long Sunday starts Sat 23:00" },
		{ "Sun 00:00-24:00", "Europe/London", { 2025, 10, 26, 12, 0 },
		  1, { 2025, 10, 27, 0, 0 }, "long Sunday ends 00:00 UTC" },
		/* 01:30 does not exist on 30 Mar: the first instant after
		 * the gap, 02:00 BST, is 01:00 UTC. The end, 03:00 BST, is
		 * 02:00 UTC. */
		{ "Sun 01:30-03:00", "Europe/London", { 2025, 3, 30, 0, 30 },
		  0, { 2025, 3, 30, 1, 0 }, "a start in the gap" },
		{ "Sun 01:30-03:00", "Europe/London", { 2025, 3, 30, 1, 0 },
		  1, { 2025, 3, 30, 2, 0 }, "in from the gap's end" },
		/* 01:00-02:00 is all gap on 30 Mar: that Sunday has none,
		 * the next is 6 Apr, 01:00 BST = 00:00 UTC. */
		{ "Sun 01:00-02:00", "Europe/London", { 2025, 3, 29, 12, 0 },
		  0, { 2025, 4, 6, 0, 0 }, "a range all in the gap" },
		/* 01:00-01:30 happens twice on 26 Oct; the first time
		 * counts (BST: 00:00-00:30 UTC), not the second. */
		{ "Sun 01:00-01:30", "Europe/London", { 2025, 10, 25, 12, 0 },
		  0, { 2025, 10, 26, 0, 0 }, "a doubled start: the first" },
		{ "Sun 01:00-01:30", "Europe/London", { 2025, 10, 26, 0, 10 },
		  1, { 2025, 10, 26, 0, 30 }, "a doubled end: the first" },
		{ "Sun 01:00-01:30", "Europe/London", { 2025, 10, 26, 1, 10 },
		  0, { 2025, 11, 2, 1, 0 }, "the second 01:10 is out" },
	};

	check_at(c, NITEMS(c));
}

/* Tokyo: JST, UTC+9, no daylight saving; a local Monday morning is a
 * UTC Sunday evening or Monday midnight. */
Test(hours, at_tokyo)
{
	static const struct at_case c[] = {
		{ WEEK, "Asia/Tokyo", { 2025, 1, 13, 0, 0 }, 1,
		  { 2025, 1, 13, 8, 0 }, "Mon 09:00 JST is 00:00 UTC" },
		{ WEEK, "Asia/Tokyo", { 2025, 1, 12, 23, 0 }, 0,
		  { 2025, 1, 13, 0, 0 }, "UTC Sunday, JST Monday 08:00" },
		{ WEEK, "Asia/Tokyo", { 2025, 1, 17, 8, 0 }, 0,
		  { 2025, 1, 20, 0, 0 }, "Fri 17:00 JST: Mon 00:00 UTC" },
		{ WEEK, "Asia/Tokyo", { 2025, 1, 18, 20, 0 }, 0,
		  { 2025, 1, 20, 0, 0 }, "UTC Sat, JST Sun: Mon 00:00 UTC" },
		{ WEEK, "Asia/Tokyo", { 2025, 7, 16, 7, 59 }, 1,
		  { 2025, 7, 16, 8, 0 }, "summer is the same in Tokyo" },
	};

	check_at(c, NITEMS(c));
}

/* New York: EST (UTC-5) until Sun 9 Mar 2025 07:00 UTC, when 02:00 EST
 * becomes 03:00 EDT (UTC-4). */
Test(hours, at_new_york)
{
	static const struct at_case c[] = {
		{ WEEK, "America/New_York", { 2025, 3, 5, 14, 0 }, 1,
		  { 2025, 3, 5, 22, 0 }, "Wed 09:00 EST: until 22:00 UTC" },
		{ WEEK, "America/New_York", { 2025, 3, 7, 21, 59 }, 1,
		  { 2025, 3, 7, 22, 0 }, "Fri 16:59 EST" },
		{ WEEK, "America/New_York", { 2025, 3, 7, 23, 0 }, 0,
		  { 2025, 3, 10, 13, 0 }, "Fri EST to Mon 09:00 EDT" },
		{ WEEK, "America/New_York", { 2025, 3, 8, 3, 0 }, 0,
		  { 2025, 3, 10, 13, 0 }, "UTC Sat, local Fri 22:00" },
		{ WEEK, "America/New_York", { 2025, 3, 10, 20, 0 }, 1,
		  { 2025, 3, 10, 21, 0 }, "Mon 16:00 EDT: 17:00 is 21:00 UTC" },
		/* 02:30 does not exist on 9 Mar: 03:00 EDT, 07:00 UTC. */
		{ "Sun 02:30-04:00", "America/New_York", { 2025, 3, 9, 6, 0 },
		  0, { 2025, 3, 9, 7, 0 }, "a start in New York's gap" },
		{ "Sun 02:30-04:00", "America/New_York", { 2025, 3, 9, 7, 30 },
		  1, { 2025, 3, 9, 8, 0 }, "04:00 EDT is 08:00 UTC" },
	};

	check_at(c, NITEMS(c));
}

Test(hours, at_stretches)
{
	static const struct at_case c[] = {
		{ "Mon 09:00-12:00; Mon 12:00-17:00", "Europe/London",
		  { 2025, 1, 13, 10, 0 }, 1, { 2025, 1, 13, 17, 0 },
		  "ranges that touch are one stretch" },
		{ "Mon 12:00-17:00; Mon 09:00-13:00", "Europe/London",
		  { 2025, 1, 13, 10, 0 }, 1, { 2025, 1, 13, 17, 0 },
		  "ranges that overlap are one stretch, in any order" },
		{ "Mon 09:00-12:00; Mon 13:00-17:00", "Europe/London",
		  { 2025, 1, 13, 10, 0 }, 1, { 2025, 1, 13, 12, 0 },
		  "a lunch break ends the stretch" },
		{ "Mon 09:00-12:00; Mon 13:00-17:00", "Europe/London",
		  { 2025, 1, 13, 12, 30 }, 0, { 2025, 1, 13, 13, 0 },
		  "out over lunch" },
		{ "Mon 18:00-24:00; Tue 00:00-02:00", "Europe/London",
		  { 2025, 1, 13, 20, 0 }, 1, { 2025, 1, 14, 2, 0 },
		  "a stretch over midnight" },
		{ "Mon-Sun 00:00-24:00", "Europe/London",
		  { 2025, 3, 30, 12, 0 }, 1, { 0, 0, 0, 0, 0 },
		  "all week round: no change" },
		{ "Sun 00:00-24:00; Mon-Sat 00:00-24:00", "Asia/Tokyo",
		  { 2025, 1, 13, 12, 0 }, 1, { 0, 0, 0, 0, 0 },
		  "all week round in two ranges" },
		{ "Mon-Sat 00:00-24:00", "UTC",
		  { 2025, 1, 13, 12, 0 }, 1, { 2025, 1, 19, 0, 0 },
		  "six days round: ends Sunday 00:00" },
		{ WEEK, "UTC", { 2025, 1, 15, 12, 0 }, 1,
		  { 2025, 1, 15, 17, 0 }, "UTC" },
		{ "Wed 10:00-11:00", "UTC", { 2025, 1, 15, 11, 0 }, 0,
		  { 2025, 1, 22, 10, 0 }, "a week ahead" },
	};

	check_at(c, NITEMS(c));
}

Test(hours, at_refuses)
{
	struct hours h, none;
	int64_t next;
	int in;

	h = parse_ok(WEEK);
	cr_expect_eq(hours_at(&h, "Mars/Base", 0, &in, &next), -1);
	cr_expect_eq(hours_at(&h, "", 0, &in, &next), -1);
	cr_expect_eq(hours_at(&h, NULL, 0, &in, &next), -1);
	cr_expect_eq(hours_at(NULL, "UTC", 0, &in, &next), -1);
	h.r[0].end = 0;
	cr_expect_eq(hours_at(&h, "UTC", 0, &in, &next), -1);

	/* No hours at all: never in, no change to wait for. */
	memset(&none, 0, sizeof none);
	cr_expect_eq(hours_at(&none, "Europe/London",
	    utc((struct ut){ 2025, 1, 15, 12, 0 }), &in, &next), 0);
	cr_expect_eq(in, 0);
	cr_expect_eq(next, INT64_MAX);
	cr_expect_eq(hours_at(&none, "Mars/Base", 0, &in, &next), -1);
}

Test(hours, when)
{
	static const struct {
		const char	*tz;
		struct ut	 t;
		const char	*out;
	} c[] = {
		{ "Europe/London", { 2025, 1, 13, 9, 0 },
		  "Mon 09:00 Europe/London" },
		{ "Europe/London", { 2025, 7, 16, 12, 5 },
		  "Wed 13:05 Europe/London" },
		{ "Asia/Tokyo", { 2025, 1, 17, 20, 0 },
		  "Sat 05:00 Asia/Tokyo" },
		{ "America/New_York", { 2025, 3, 8, 3, 0 },
		  "Fri 22:00 America/New_York" },
		{ "America/New_York", { 2025, 3, 9, 7, 0 },
		  "Sun 03:00 America/New_York" },
		{ "UTC", { 2025, 1, 19, 23, 59 }, "Sun 23:59 UTC" },
	};
	char buf[64];
	size_t i;

	for (i = 0; i < NITEMS(c); i++) {
		cr_expect_eq(hours_when(c[i].tz, utc(c[i].t), buf, sizeof buf),
		    0, "%s", c[i].out);
		cr_expect_str_eq(buf, c[i].out);
	}
	/* "Mon 09:00 UTC" is 13 bytes: it needs 14. */
	cr_expect_eq(hours_when("UTC", utc((struct ut){ 2025, 1, 13, 9, 0 }),
	    buf, 14), 0);
	cr_expect_str_eq(buf, "Mon 09:00 UTC");
	cr_expect_eq(hours_when("UTC", utc((struct ut){ 2025, 1, 13, 9, 0 }),
	    buf, 13), -1);
	cr_expect_str_eq(buf, "");
	cr_expect_eq(hours_when("Mars/Base", 0, buf, sizeof buf), -1);
	cr_expect_eq(hours_when("../etc/passwd", 0, buf, sizeof buf), -1);
}

/* Every call that switches TZ, including refused ones. */
static void
touch_tz(void)
{
	struct hours h = parse_ok(WEEK);
	int64_t next, t = utc((struct ut){ 2025, 7, 16, 12, 0 });
	char buf[64];
	int in;

	cr_expect_eq(hours_at(&h, "Europe/London", t, &in, &next), 0);
	cr_expect_eq(hours_at(&h, "Asia/Tokyo", t, &in, &next), 0);
	cr_expect_eq(hours_at(&h, "Mars/Base", t, &in, &next), -1);
	cr_expect_eq(hours_when("America/New_York", t, buf, sizeof buf), 0);
	cr_expect_eq(hours_when("UTC", t, buf, 4), -1);
}

/* The local hour of a UTC noon in July, as the process now sees it. */
static int
local_hour(void)
{
	time_t t = (time_t)utc((struct ut){ 2025, 7, 16, 12, 0 });
	struct tm tm;

	tzset();
	localtime_r(&t, &tm);
	return tm.tm_hour;
}

Test(hours, tz_restored_unset)
{
	unsetenv("TZ");
	tzset();
	touch_tz();
	cr_expect_eq(getenv("TZ"), NULL);
}

Test(hours, tz_restored_set)
{
	static const char *const before[] = {
		"Asia/Tokyo", ":Asia/Tokyo", "JST-9",
	};
	size_t i;

	for (i = 0; i < NITEMS(before); i++) {
		setenv("TZ", before[i], 1);
		tzset();
		touch_tz();
		cr_expect_str_eq(getenv("TZ"), before[i]);
		cr_expect_eq(local_hour(), 21, "TZ=%s", before[i]);
	}
	/* TZ already naming the zone asked for is left as it is. */
	setenv("TZ", ":Europe/London", 1);
	touch_tz();
	cr_expect_str_eq(getenv("TZ"), ":Europe/London");
	cr_expect_eq(local_hour(), 13);
}

Test(hours, local_times_to_utc_and_back)
{
	char buf[64];
	int64_t t;

	/* 14:00 in London on 4 Mar 2025 is 14:00 UTC (winter), on 4 Apr
	 * 13:00 UTC (summer). */
	cr_assert_eq(hours_local("Europe/London", 2025, 3, 4, 14, 0, &t), 0);
	cr_expect_eq(t, 1741096800);
	cr_assert_eq(hours_local("Europe/London", 2025, 4, 4, 14, 0, &t), 0);
	cr_expect_eq(t, 1743771600);
	/* 01:30 on 30 Mar 2025 does not exist in London: 02:00 BST. */
	cr_assert_eq(hours_local("Europe/London", 2025, 3, 30, 1, 30, &t), 0);
	cr_expect_eq(t, 1743296400);
	cr_expect_eq(hours_local("Mars/Base", 2025, 3, 4, 14, 0, &t), -1);
	cr_assert_eq(hours_date("Europe/London", 1743771600, buf, sizeof buf),
	    0);
	cr_expect_str_eq(buf, "Fri 2025-04-04 14:00 BST");
	cr_assert_eq(hours_date("Asia/Tokyo", 1741096800, buf, sizeof buf), 0);
	cr_expect_str_eq(buf, "Tue 2025-03-04 23:00 JST");
}
