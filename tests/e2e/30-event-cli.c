/*
 * 30-event-cli.c: the events' commands through the real `harbour`
 * binary against a real daemon, as people type them: event create (and
 * who may), events and event show in the reader's time zone, rsvp with
 * a capacity and its waiting list moved up in order, cancel and what
 * the people who answered find in their inbox, the reminders and
 * event attended on the daemon's test clock, event attendees, and the
 * iCalendar files read back by a real parser (Python's icalendar,
 * through ics-check.py), the usage errors and the help.
 *
 * Every event starts a few days from now, so the tests never go stale;
 * its time is given in UTC (--tz UTC) and, unless a test says
 * otherwise, the client runs with TZ=UTC, so what it prints can be
 * worked out here with the same clock.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "harness.h"
#include "hx-ops.h"

TestSuite(eventcli, .timeout = HX_TEST_TIMEOUT);

#define CH		"peer/commons"
#define DAY		86400
#define HOUR		3600
#define PYTHON		"/usr/bin/python3"	/* Debian's, with icalendar */
#define POLL_MS		100

/* fay, a facilitator (wellbeing), made CH; olu, an org-admin, and ana,
 * bob and cai, members, all of refugee-action, joined it; all logged
 * in with the CLI. With clock, the daemon runs on the test clock. */
static struct hx_daemon *
setup(int clock)
{
	static const char *const people[] = { "fay", "olu", "ana", "bob",
	    "cai" };
	struct hx_daemon	*d;
	struct hx_conn		*fay, *c;
	size_t			 i;

	if (clock)
		hx_clock_start();
	d = hx_start(NULL);
	fay = hx_user(d, "wellbeing", "facilitator", "fay");
	hx_ok(fay, "channel.create", "{s:s}", "channel", CH);
	hx_user(d, "refugee-action", "org-admin", "olu");
	hx_user(d, "refugee-action", "member", "ana");
	hx_user(d, "refugee-action", "member", "bob");
	hx_user(d, "refugee-action", "member", "cai");
	for (i = 0; i < sizeof people / sizeof people[0]; i++) {
		c = hx_login(d, people[i]);
		hx_ok(c, "join", "{s:s}", "channel", CH);
		hx_close(c);
		OK(d, people[i], "login", "--user", people[i]);
	}
	hx_close(fay);
	hx_cli_setenv("TZ=UTC");
	return (d);
}

/* A minute `days` days from now, as seconds. */
static int64_t
start_in(int days)
{
	return ((int64_t)(time(NULL) / 60 + 1) * 60 + (int64_t)days * DAY);
}

/* t as --at takes it, in UTC. */
static const char *
at(int64_t t)
{
	struct tm	tm;
	time_t		tt = (time_t)t;
	char		buf[32];

	gmtime_r(&tt, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
	return (hx_strf("%s", buf));
}

/* "Tue 4 Mar 2025 14:00 UTC": t as the client shows it in zone tz. */
static const char *
shown(int64_t t, const char *tz)
{
	struct tm	tm;
	time_t		tt = (time_t)t;
	char		wd[16], rest[64];

	cr_assert(setenv("TZ", tz, 1) == 0);
	tzset();
	localtime_r(&tt, &tm);
	strftime(wd, sizeof wd, "%a", &tm);
	strftime(rest, sizeof rest, "%b %Y %H:%M %Z", &tm);
	return (hx_strf("%s %d %s", wd, tm.tm_mday, rest));
}

/* "to 15:30 UTC", or with its day when the end is on another. */
static const char *
shown_to(int64_t s, int64_t e, const char *tz)
{
	struct tm	ts, te;
	time_t		t1 = (time_t)s, t2 = (time_t)e;
	char		buf[32];

	shown(s, tz);		/* sets TZ */
	localtime_r(&t1, &ts);
	localtime_r(&t2, &te);
	if (ts.tm_yday != te.tm_yday || ts.tm_year != te.tm_year)
		return (hx_strf("to %s", shown(e, tz)));
	strftime(buf, sizeof buf, "%H:%M %Z", &te);
	return (hx_strf("to %s", buf));
}

/* The id on the last line of what event create printed, alone. */
static const char *
last_id(struct hx_run r)
{
	const char	*end = r.out + strlen(r.out), *line;

	cr_assert(end > r.out && end[-1] == '\n', "%s", r.out);
	for (line = end - 1; line > r.out && line[-1] != '\n'; line--)
		;
	cr_assert(atoll(line) > 0, "no id last: %s", r.out);
	cr_assert_str_eq(line, hx_strf("%lld\n", atoll(line)),
	    "more than the id on the last line: %s", r.out);
	return (hx_strf("%lld", atoll(line)));
}

/* fay's event at t, of capacity cap (0: none), with title. */
static const char *
make_event(struct hx_daemon *d, const char *title, int64_t t, int cap)
{
	if (cap == 0)
		return (last_id(OK(d, "fay", "event", "create", "--title",
		    title, "--at", at(t), "--tz", "UTC", "--duration", "1h",
		    "--channel", CH)));
	return (last_id(OK(d, "fay", "event", "create", "--title", title,
	    "--at", at(t), "--tz", "UTC", "--duration", "1h", "--channel", CH,
	    "--capacity", hx_strf("%d", cap))));
}

static size_t
count(const char *hay, const char *needle)
{
	size_t	n = 0;

	for (; (hay = strstr(hay, needle)) != NULL; hay++)
		n++;
	return (n);
}

/* Who may make one, and what it prints. */
Test(eventcli, create_show)
{
	struct hx_daemon *d = setup(0);
	int64_t t = start_in(3);
	const char *id;
	struct hx_run r;

	r = FAILS(d, "ana", 1, "event", "create", "--title", "Mine", "--at",
	    at(t), "--tz", "UTC", "--duration", "1h");
	HAS(r.err, "(forbidden)");
	cr_assert_str_eq(r.out, "");
	r = OK(d, "fay", "event", "create", "--title", "Reflective practice",
	    "--at", at(t), "--tz", "UTC", "--duration", "1h30m", "--capacity",
	    "10", "--where", "Room 3; first floor", "--channel", CH, "--tags",
	    "Supervision,wellbeing", "--summary",
	    "Bring a case, or none.\nTea provided.");
	id = last_id(r);
	HAS(r.out, hx_strf("event #%s: Reflective practice\n", id));
	HAS(r.out, hx_strf("when:      %s %s (90 minutes)\n",
	    shown(t, "UTC"), shown_to(t, t + 90 * 60, "UTC")));
	HASNT(r.out, "the creator's zone");
	HAS(r.out, "where:     Room 3; first floor\n");
	HAS(r.out, "channel:   " CH "\n");
	HAS(r.out, "tags:      supervision, wellbeing\n");
	HAS(r.out, "by:        fay (wellbeing)\n");
	HAS(r.out, "places:    10 places left (of 10)\n");
	HAS(r.out, "answers:   0 yes, 0 maybe, 0 waiting\n");
	HAS(r.out, "you:       not answered\n");
	HAS(r.out, "summary:\n  Bring a case, or none.\n  Tea provided.\n");
	r = OK(d, "ana", "event", "show", id);
	HAS(r.out, "you:       not answered\n");
	r = OK(d, "ana", "--json", "event", "show", id);
	HAS(r.out, hx_strf("{\"event\":{\"event\":%s,", id));
	hx_stop(d);
}

/* A line an event, in the reader's zone; the creator's said too when it
 * is another; who sees an organisation's event. */
Test(eventcli, list_and_zones)
{
	struct hx_daemon *d = setup(0);
	int64_t t = start_in(3);
	const char *id, *org;
	struct hx_run r;

	OK(d, "ana", "subscribe", "wellbeing");
	id = last_id(OK(d, "fay", "event", "create", "--title",
	    "Reflective practice", "--at", at(t), "--tz", "UTC", "--duration",
	    "90m", "--capacity", "10", "--channel", CH, "--tags",
	    "supervision,wellbeing"));
	/* Announced to who follows one of its tags. */
	r = OK(d, "ana", "inbox");
	HAS(r.out, hx_strf(" event #%s \xc2\xab Reflective practice \xc2\xbb "
	    "%s: announced\n", id, shown(t, "UTC")));
	r = OK(d, "bob", "inbox");
	HASNT(r.out, "announced");
	/* In a list, a line each, in the reader's zone. */
	r = OK(d, "ana", "events");
	cr_assert_str_eq(r.out, hx_strf("#%s %s  Reflective practice  "
	    "[10 places left]\n", id, shown(t, "UTC")));
	r = OK(d, "ana", "events", "--tag", "Wellbeing");
	HAS(r.out, "Reflective practice");
	r = OK(d, "ana", "events", "--tag", "rota");
	cr_assert_str_eq(r.out, "no upcoming events with that tag\n");
	r = OK(d, "ana", "events", "--past");
	cr_assert_str_eq(r.out, "no past events\n");
	/* Elsewhere, it is another hour; the creator's is said too. */
	hx_cli_setenv("TZ=America/New_York");
	r = OK(d, "ana", "event", "show", id);
	HAS(r.out, hx_strf("when:      %s to ", shown(t, "America/New_York")));
	HAS(r.out, " in UTC, the creator's zone\n");
	r = OK(d, "ana", "events");
	HAS(r.out, hx_strf("#%s %s  Reflective", id,
	    shown(t, "America/New_York")));
	hx_cli_setenv("TZ=UTC");
	/* An org-admin's event without a channel is their organisation's. */
	org = last_id(OK(d, "olu", "event", "create", "--title", "Team day",
	    "--at", at(t + DAY), "--tz", "Europe/London", "--duration", "2h"));
	r = OK(d, "bob", "event", "show", org);
	HAS(r.out, " in Europe/London, the creator's zone\n");
	r = OK(d, "bob", "events");
	cr_assert(strstr(r.out, "Reflective") < strstr(r.out, "Team day"),
	    "not soonest first: %s", r.out);
	r = OK(d, "fay", "events");
	HASNT(r.out, "Team day");
	r = FAILS(d, "fay", 1, "event", "show", org);
	HAS(r.err, "no such event (not_found)");
	hx_stop(d);
}

/* Capacity 1: a second and a third yes wait, in order; the first who
 * says no lets the first who waits in, who is told. */
Test(eventcli, rsvp_waiting_list)
{
	struct hx_daemon *d = setup(0);
	int64_t t = start_in(4);
	const char *id;
	struct hx_run r;

	id = make_event(d, "Coaching", t, 1);
	r = OK(d, "ana", "event", "rsvp", id, "yes");
	cr_assert_str_eq(r.out, hx_strf("you are going to event #%s\n", id));
	r = OK(d, "bob", "event", "rsvp", id, "yes");
	cr_assert_str_eq(r.out, hx_strf("event #%s is full: you are number 1 "
	    "on its waiting list, and will be told when a place comes free\n",
	    id));
	r = OK(d, "cai", "event", "rsvp", id, "yes");
	HAS(r.out, "you are number 2 on its waiting list");
	r = OK(d, "olu", "event", "rsvp", id, "maybe");
	cr_assert_str_eq(r.out, hx_strf("you might go to event #%s\n", id));
	r = OK(d, "bob", "events");
	cr_assert_str_eq(r.out, hx_strf("#%s %s  Coaching  [full] [you: "
	    "waiting, number 1]\n", id, shown(t, "UTC")));
	r = OK(d, "fay", "event", "attendees", id);
	cr_assert_str_eq(r.out, hx_strf("event #%s: 1 yes, 1 maybe, 2 waiting, "
	    "0 attended\nyes:\n  ana\nmaybe:\n  olu\nwaiting, in order:\n"
	    "  1. bob\n  2. cai\nattended: none\n", id));
	r = FAILS(d, "ana", 1, "event", "attendees", id);
	HAS(r.err, "(forbidden)");
	/* ana says no: bob is in, cai first in line. */
	r = OK(d, "ana", "event", "rsvp", id, "no");
	cr_assert_str_eq(r.out, hx_strf("you are not going to event #%s\n",
	    id));
	r = OK(d, "bob", "event", "show", id);
	HAS(r.out, "you:       yes\n");
	HAS(r.out, "places:    full (of 1): a yes goes on the waiting list\n");
	HAS(r.out, "answers:   1 yes, 1 maybe, 1 waiting\n");
	r = OK(d, "cai", "event", "show", id);
	HAS(r.out, "you:       waiting, number 1\n");
	r = OK(d, "bob", "inbox");
	HAS(r.out, hx_strf(" event #%s \xc2\xab Coaching \xc2\xbb %s: a place "
	    "came free: you are in\n", id, shown(t, "UTC")));
	r = OK(d, "cai", "inbox");
	HASNT(r.out, "a place came free");
	r = OK(d, "fay", "event", "attendees", id);
	HAS(r.out, "yes:\n  bob\nmaybe:\n  olu\nwaiting, in order:\n"
	    "  1. cai\n");
	/* A maybe takes no place; a yes that becomes maybe frees one. */
	OK(d, "bob", "event", "rsvp", id, "maybe");
	r = OK(d, "cai", "events");
	HAS(r.out, "[full] [you: yes]\n");
	r = OK(d, "fay", "--json", "event", "rsvp", id, "maybe");
	HAS(r.out, "\"answer\":\"maybe\"");
	hx_stop(d);
}

/* Cancelled by whoever runs it, with a reason everyone who answered
 * reads; then nothing more can be answered. */
Test(eventcli, update)
{
	struct hx_daemon *d = setup(0);
	int64_t t = start_in(5);
	const char *id;
	struct hx_run r;

	id = make_event(d, "Coaching circle", t, 3);
	OK(d, "ana", "event", "rsvp", id, "yes");
	OK(d, "bob", "event", "rsvp", id, "yes");
	r = FAILS(d, "fay", 1, "event", "update", id, "--capacity", "1");
	HAS(r.err, "2 people have said yes: the capacity is at least 2");
	r = OK(d, "fay", "event", "update", id, "--where", "Room 2",
	    "--capacity", "4");
	HAS(r.out, "Room 2");
	r = OK(d, "ana", "event", "show", id);
	HAS(r.out, "Room 2");
	r = FAILS(d, "ana", 1, "event", "update", id, "--where", "mine");
	HAS(r.err, "(forbidden)");
	FAILS(d, "fay", 64, "event", "update", id);
	FAILS(d, "fay", 64, "event", "update", id, "--capacity", "-1");
	hx_stop(d);
}

Test(eventcli, cancel)
{
	struct hx_daemon *d = setup(0);
	int64_t t = start_in(5);
	const char *id;
	struct hx_run r;

	id = make_event(d, "Action learning set", t, 0);
	OK(d, "ana", "event", "rsvp", id, "yes");
	OK(d, "bob", "event", "rsvp", id, "maybe");
	r = FAILS(d, "ana", 1, "event", "cancel", id, "--reason", "no");
	HAS(r.err, "(forbidden)");
	FAILS(d, "fay", 64, "event", "cancel", id);
	r = OK(d, "fay", "event", "cancel", id, "--reason",
	    "Facilitator unwell");
	cr_assert_str_eq(r.out, hx_strf("cancelled event #%s: everyone who "
	    "said yes or maybe, or waits, is told\n", id));
	r = OK(d, "ana", "events");
	cr_assert_str_eq(r.out, hx_strf("#%s %s  Action learning set  "
	    "[cancelled] [you: yes]\n", id, shown(t, "UTC")));
	r = OK(d, "ana", "event", "show", id);
	HAS(r.out, "CANCELLED: Facilitator unwell\n");
	r = OK(d, "ana", "inbox");
	HAS(r.out, hx_strf(" event #%s \xc2\xab Action learning set \xc2\xbb "
	    "%s: cancelled: Facilitator unwell\n", id, shown(t, "UTC")));
	r = OK(d, "bob", "inbox");
	HAS(r.out, "cancelled: Facilitator unwell");
	r = OK(d, "cai", "inbox");
	HASNT(r.out, "cancelled");
	r = FAILS(d, "fay", 1, "event", "cancel", id, "--reason", "again");
	HAS(r.err, "(bad_state)");
	r = FAILS(d, "cai", 1, "event", "rsvp", id, "yes");
	HAS(r.err, "that event is cancelled (bad_state)");
	hx_stop(d);
}

/* The inbox of who, polled until it holds text (the daemon looks at
 * reminders once a second); the clock moves on meanwhile, which also
 * refills the account's requests. */
static const char *
inbox_until(struct hx_daemon *d, const char *who, const char *text)
{
	int64_t		 deadline = hx_mono_ms() + hx_ms(HX_WAIT_MS);
	struct hx_run	 r;

	for (;;) {
		hx_clock_advance(1000);
		r = OK(d, who, "inbox", "--all");
		if (strstr(r.out, text) != NULL || hx_mono_ms() > deadline)
			break;
		usleep(POLL_MS * 1000);
	}
	HAS(r.out, text);
	return (r.out);
}

/* On the test clock: a reminder a day and an hour before, once each,
 * to those who said yes; attendance only once it has started. */
Test(eventcli, reminders_and_attended)
{
	struct hx_daemon *d = setup(1);
	int64_t t = start_in(2);
	const char *id, *out, *remind;
	struct hx_run r;

	id = make_event(d, "Workshop", t, 0);
	OK(d, "ana", "event", "rsvp", id, "yes");
	hx_clock_advance(1000);
	OK(d, "bob", "event", "rsvp", id, "maybe");
	r = FAILS(d, "fay", 1, "event", "attended", id, "ana");
	HAS(r.err, "that event has not started (bad_state)");
	/* A day before. */
	hx_clock_set((t - DAY + 60) * 1000);
	remind = hx_strf(" reminder: event #%s \xc2\xab Workshop \xc2\xbb %s: ",
	    id, shown(t, "UTC"));
	out = inbox_until(d, "ana", hx_strf("%stomorrow\n", remind));
	cr_assert_eq(count(out, "reminder:"), 1, "%s", out);
	/* An hour before. */
	hx_clock_set((t - HOUR + 60) * 1000);
	out = inbox_until(d, "ana", hx_strf("%sin an hour\n", remind));
	hx_clock_advance(3000);
	r = OK(d, "ana", "inbox", "--all");
	cr_assert_eq(count(r.out, "reminder:"), 2, "%s", r.out);
	r = OK(d, "bob", "inbox", "--all");
	HASNT(r.out, "reminder");
	/* Started: who came is recorded, all of them at once or none. */
	hx_clock_set((t + 60) * 1000);
	r = FAILS(d, "fay", 1, "event", "attended", id, "ana", "nobody-here");
	HAS(r.err, "no such user: nobody-here (not_found)");
	hx_clock_advance(1000);
	r = OK(d, "fay", "event", "attended", id, "ana", "cai");
	cr_assert_str_eq(r.out, hx_strf("attended event #%s: ana, cai (2 in "
	    "all)\n", id));
	r = FAILS(d, "ana", 1, "event", "attended", id, "bob");
	HAS(r.err, "(forbidden)");
	hx_clock_advance(1000);
	r = OK(d, "fay", "event", "attendees", id);
	HAS(r.out, "attended:\n");
	HAS(r.out, "\n  ana\n");
	HAS(r.out, "\n  cai\n");
	HAS(r.out, ", 2 attended\n");
	r = OK(d, "ana", "event", "show", id);
	HAS(r.out, "attended:  2\n");
	hx_clock_advance(1000);
	/* Under way, it is still upcoming; over, it is past. */
	r = OK(d, "ana", "events");
	HAS(r.out, "Workshop");
	r = OK(d, "ana", "events", "--past");
	HASNT(r.out, "Workshop");
	/* Once it has ended, answers are closed. */
	hx_clock_set((t + 2 * HOUR) * 1000);
	r = OK(d, "ana", "events", "--past");
	HAS(r.out, hx_strf("#%s %s  Workshop [you: yes]\n", id,
	    shown(t, "UTC")));
	r = OK(d, "ana", "events");
	HASNT(r.out, "Workshop");
	r = FAILS(d, "ana", 1, "event", "rsvp", id, "no");
	HAS(r.err, "that event is over (bad_state)");
	hx_stop(d);
}

/* tests/e2e/ics-check.py, found from the build directory. */
static const char *
ics_script(void)
{
	const char	*p = hx_strf("%s/../tests/e2e/ics-check.py",
			    getenv("HARBOUR_BUILD"));

	if (access(p, R_OK) != 0)
		p = "tests/e2e/ics-check.py";
	cr_assert(access(p, R_OK) == 0, "no ics-check.py beside %s",
	    getenv("HARBOUR_BUILD"));
	cr_assert(access(PYTHON, X_OK) == 0, "no %s (python3-icalendar)",
	    PYTHON);
	return (p);
}

/* The file's events as the real parser read them, a line each. */
static const char *
parsed(const char *file)
{
	struct hx_run	r;

	r = HX_RUN(PYTHON, ics_script(), file);
	cr_assert_eq(r.status, 0, "ics-check.py %s: %s\n%s", file, r.err,
	    hx_slurp(file, NULL));
	return (r.out);
}

/* The parsed line of the event whose UID starts with uid. */
static const char *
line_of(const char *out, const char *uid)
{
	const char	*p = strstr(out, uid), *nl;

	cr_assert_not_null(p, "no %s in:\n%s", uid, out);
	nl = strchr(p, '\n');
	return (hx_strf("%.*s", (int)(nl - p), p));
}

static const char *
utc(int64_t t)
{
	struct tm	tm;
	time_t		tt = (time_t)t;
	char		buf[32];

	gmtime_r(&tt, &tm);
	strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
	return (hx_strf("%s", buf));
}

/* .ics files a real parser reads: one event, every event, the same
 * UIDs twice, CANCELLED once it is; texts escaped and long ones folded
 * (ics-check.py checks each line). */
Test(eventcli, ics)
{
	struct hx_daemon *d = setup(0);
	const char *title = "R\xc3\xa9" "flexion de groupe; supervision, "
	    "pratique r\xc3\xa9" "flexive et \\ bien-\xc3\xaatre \xe2\x80\x94 "
	    "session longue pour voir le pliage";
	const char *one = hx_strf("%s/one.ics", hx_dir(d));
	const char *all1 = hx_strf("%s/all1.ics", hx_dir(d));
	const char *all2 = hx_strf("%s/all2.ics", hx_dir(d));
	int64_t t = start_in(3), u = start_in(6);
	const char *a, *b, *out, *uida, *uidb, *la;
	struct hx_run r;

	a = last_id(OK(d, "fay", "event", "create", "--title", title, "--at",
	    at(t), "--tz", "UTC", "--duration", "2h", "--where",
	    "Hall 2, left; upstairs", "--tags", "supervision,wellbeing",
	    "--summary", "Line one\nLine two, with a comma"));
	b = make_event(d, "Coaching", u, 5);
	r = OK(d, "ana", "event", "ics", a, "-o", one);
	cr_assert_str_eq(r.out, hx_strf("wrote 1 event to %s\n", one));
	uida = hx_strf("event-%s@127.0.0.1", a);
	uidb = hx_strf("event-%s@127.0.0.1", b);
	out = parsed(one);
	cr_assert_eq(count(out, "\n"), 1, "%s", out);
	la = line_of(out, uida);
	cr_assert_str_eq(la, hx_strf("%s\t%s\t%s\t%s\tCONFIRMED\tHall 2, left; "
	    "upstairs\tsupervision,wellbeing\tLine one\\nLine two, with a "
	    "comma", uida, title, utc(t), utc(t + 2 * HOUR)));
	/* Every event; the same UIDs in the next export. */
	r = OK(d, "ana", "events", "--ics", "--output", all1);
	cr_assert_str_eq(r.out, hx_strf("wrote 2 events to %s\n", all1));
	out = parsed(all1);
	cr_assert_str_eq(line_of(out, uida), la);
	HAS(line_of(out, uidb), hx_strf("\tCoaching\t%s\t%s\tCONFIRMED\t",
	    utc(u), utc(u + HOUR)));
	OK(d, "fay", "event", "cancel", b, "--reason", "room double-booked");
	OK(d, "ana", "events", "--ics", "-o", all2);
	out = parsed(all2);
	cr_assert_str_eq(line_of(out, uida), la);
	HAS(line_of(out, uidb), "\tCANCELLED\t");
	HAS(line_of(out, uidb), "\tCancelled: room double-booked");
	/* On stdout without -o; CRLF throughout. */
	r = OK(d, "ana", "event", "ics", b);
	cr_assert(strncmp(r.out, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n", 30) ==
	    0, "%s", r.out);
	HAS(r.out, hx_strf("\r\nUID:%s\r\n", uidb));
	HAS(r.out, "\r\nSTATUS:CANCELLED\r\n");
	r = OK(d, "ana", "events", "--ics", "--tag", "nothing-has-this");
	HAS(r.out, "BEGIN:VCALENDAR\r\n");
	HASNT(r.out, "VEVENT");
	r = FAILS(d, "ana", 1, "event", "ics", a, "-o",
	    hx_strf("%s/no/such/dir/x.ics", hx_dir(d)));
	HAS(r.err, "No such file or directory");
	hx_stop(d);
}

/* Each mistake costs nothing but a usage line (64). */
Test(eventcli, usage_errors)
{
	static const char *const bad_lengths[] = {
		"0m", "1h90x", "25h", "1441", "30m1h", "1h1h", "90s", "h", "",
		"1.5h", "-1h",
	};
	struct hx_daemon *d = setup(0);
	const char *when = at(start_in(3));
	struct hx_run r;
	size_t i;

	r = FAILS(d, "fay", 64, "event", "create", "--at", when, "--duration",
	    "1h");
	HAS(r.err, "needs a --title, --at and --duration");
	HAS(r.err, "usage: harbour event create --title TEXT --at");
	FAILS(d, "fay", 64, "event", "create", "--title", "T", "--duration",
	    "1h");
	FAILS(d, "fay", 64, "event", "create", "--title", "T", "--at", when);
	r = FAILS(d, "fay", 64, "event", "create", "--title", "T", "--at",
	    "4 March 2pm", "--duration", "1h");
	HAS(r.err, "\"YYYY-MM-DD HH:MM\"");
	for (i = 0; i < sizeof bad_lengths / sizeof bad_lengths[0]; i++) {
		r = FAILS(d, "fay", 64, "event", "create", "--title", "T",
		    "--at", when, "--tz", "UTC", "--duration", bad_lengths[i]);
		HAS(r.err, "--duration takes a length like 90m, 2h or 1h30m");
	}
	FAILS(d, "fay", 64, "event", "create", "--title", "T", "--at", when,
	    "--duration", "1h", "--capacity", "0");
	FAILS(d, "fay", 64, "event", "create", "--title", "T", "--at", when,
	    "--duration", "1h", "--capacity", "100001");
	FAILS(d, "fay", 64, "event", "create", "extra", "--title", "T", "--at",
	    when, "--duration", "1h");
	FAILS(d, "ana", 64, "event", "show");
	FAILS(d, "ana", 64, "event", "show", "twelve");
	FAILS(d, "ana", 64, "event", "rsvp", "1");
	r = FAILS(d, "ana", 64, "event", "rsvp", "1", "perhaps");
	HAS(r.err, "answer yes, no or maybe");
	FAILS(d, "ana", 64, "event", "cancel", "1");
	FAILS(d, "ana", 64, "event", "attended", "1");
	FAILS(d, "ana", 64, "event", "attendees", "1", "2");
	FAILS(d, "ana", 64, "event", "ics");
	FAILS(d, "ana", 64, "event", "ics", "1", "-o");
	r = FAILS(d, "ana", 64, "events", "--upcoming", "--past");
	HAS(r.err, "not both");
	r = FAILS(d, "ana", 64, "events", "-o", "x.ics");
	HAS(r.err, "-o is for --ics");
	FAILS(d, "ana", 64, "events", "--limit", "0");
	FAILS(d, "ana", 64, "event", "frobnicate", "1");
	r = FAILS(d, "ana", 64, "event");
	HAS(r.err, "usage: harbour event rsvp ID yes|no|maybe");
	hx_stop(d);
}

/* What the server would refuse is refused as it would (1), by the
 * client first where it can tell. */
Test(eventcli, refusals)
{
	struct hx_daemon *d = setup(0);
	const char *when = at(start_in(3));
	struct hx_run r;

	r = FAILS(d, "fay", 1, "event", "create", "--title", "T", "--at", when,
	    "--tz", "UTC", "--duration", "1h", "--tags", "ok,Not ok");
	HAS(r.err, "(bad_name)");
	r = FAILS(d, "fay", 1, "event", "create", "--title", "T", "--at", when,
	    "--tz", "UTC", "--duration", "1h", "--channel", "commons");
	HAS(r.err, "(bad_name)");
	r = FAILS(d, "fay", 1, "event", "create", "--title", "", "--at", when,
	    "--tz", "UTC", "--duration", "1h");
	HAS(r.err, "(bad_text)");
	r = FAILS(d, "fay", 1, "event", "create", "--title", "T", "--at", when,
	    "--tz", "Mars/Base", "--duration", "1h");
	HAS(r.err, "unknown time zone: Mars/Base");
	HAS(r.err, "(bad_request)");
	r = FAILS(d, "fay", 1, "event", "create", "--title", "T", "--at",
	    "2020-01-01 10:00", "--tz", "UTC", "--duration", "1h");
	HAS(r.err, "has passed (bad_request)");
	r = FAILS(d, "fay", 1, "event", "create", "--title", "T", "--at",
	    "2999-02-30 10:00", "--tz", "UTC", "--duration", "1h");
	HAS(r.err, "(bad_request)");
	r = FAILS(d, "fay", 1, "event", "create", "--title", "T", "--at", when,
	    "--tz", "UTC", "--duration", "1h", "--channel", "peer/nowhere");
	HAS(r.err, "(not_found)");
	r = FAILS(d, "ana", 1, "event", "show", "999999");
	HAS(r.err, "no such event (not_found)");
	r = FAILS(d, "ana", 1, "event", "attended", "1", "Not A Name");
	HAS(r.err, "(bad_name)");
	/* A bare number is minutes; the zone is this computer's. */
	r = OK(d, "fay", "event", "create", "--title", "T", "--at", when,
	    "--duration", "45");
	HAS(r.out, "(45 minutes)\n");
	hx_stop(d);
}

/* Every new command is in the list, and each has its help. */
Test(eventcli, help)
{
	struct hx_daemon *d = setup(0);
	static const char *const cmds[][2] = {
		{ "event create", "--title TEXT --at \"YYYY-MM-DD HH:MM\" "
		    "[--tz ZONE] --duration LENGTH [--capacity N] [--where "
		    "TEXT] [--channel CHANNEL] [--tags TAG,...] [--summary "
		    "TEXT]" },
		{ "events", "[--upcoming] [--past] [--tag TAG]" },
		{ "event show", "ID" },
		{ "event rsvp", "ID yes|no|maybe" },
		{ "event cancel", "ID --reason TEXT" },
		{ "event attendees", "ID" },
		{ "event attended", "ID USER [USER ...]" },
		{ "event ics", "ID [-o FILE]" },
	};
	struct hx_run r, h;
	char *words, *sp;
	size_t i;

	r = OK(d, "ana", "help");
	for (i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
		HAS(r.out, hx_strf("\n  %s %s", cmds[i][0], cmds[i][1]));
		words = strdup(cmds[i][0]);
		if ((sp = strchr(words, ' ')) != NULL) {
			*sp = '\0';
			h = OK(d, "ana", words, sp + 1, "--help");
		} else
			h = OK(d, "ana", words, "--help");
		HAS(h.out, hx_strf("usage: harbour %s", cmds[i][0]));
		free(words);
	}
	r = OK(d, "ana", "help", "event", "create");
	HAS(r.out, "\"1h30m\"");
	r = OK(d, "ana", "help", "event");
	HAS(r.out, "usage: harbour event ics ID [-o FILE]");
	r = OK(d, "ana", "help", "events");
	HAS(r.out, "--ics");
	hx_stop(d);
}
