/*
 * 31-events.c: the programme's calendar over the wire (the programme
 * issue's `harbour event ...`): a session's time kept across a clock
 * change, places and the waiting list under sign-ups at once, notices
 * of a place come free and of a cancellation, reminders a day and an
 * hour before (once each, across a restart, on the daemon's test clock),
 * attendance, a group's events seen by its members alone, and every bad
 * input refused with nothing stored.
 *
 * The cast: fay, a facilitator; amira, ben and cara, members of
 * refugee-action and welcome-group.
 */
#include <string.h>

#include <criterion/criterion.h>

#include "harness.h"
#include "hx-ops.h"

TestSuite(events, .timeout = HX_TEST_TIMEOUT);

#define TZ	"Europe/London"
/* Fri 28 Mar 2025 10:00 UTC: before the clocks go forward on the 30th. */
#define FRIDAY	1743156000LL
/* The session: Mon 31 Mar 2025 09:00 in London, 08:00 UTC (summer). */
#define AT	"2025-03-31 09:00"
#define START	1743408000LL

struct cast {
	struct hx_daemon	*d;
	struct hx_conn		*fay, *amira, *ben, *cara;
};

static void
setup(struct cast *k)
{
	k->d = hx_start(NULL);
	hx_org(k->d, "refugee-action");
	hx_org(k->d, "welcome-group");
	k->fay = hx_user(k->d, "welcome-group", "facilitator", "fay");
	k->amira = hx_user(k->d, "refugee-action", "member", "amira");
	k->ben = hx_user(k->d, "welcome-group", "member", "ben");
	k->cara = hx_user(k->d, "refugee-action", "member", "cara");
}

static int64_t
create(struct hx_conn *c, int capacity)
{
	json_t *r;

	r = hx_ok(c, "event.create", "{s:s, s:s, s:s, s:I, s:I, s:s}",
	    "title", "Vicarious trauma workshop", "at", AT, "tz", TZ,
	    "duration", (json_int_t)90, "capacity", (json_int_t)capacity,
	    "where", "Online");
	cr_expect_eq(hx_int(r, "event"), hx_int(r, "event"));
	return hx_int(r, "event");
}

Test(events, a_time_kept_across_the_clock_change)
{
	struct cast k;
	json_t *r;

	hx_clock_start_at(FRIDAY * 1000);
	setup(&k);
	r = hx_ok(k.fay, "event.create", "{s:s, s:s, s:s, s:I}", "title",
	    "Set A, meeting 3", "at", AT, "tz", TZ, "duration", (json_int_t)90);
	cr_expect_str_eq(hx_str(r, "start"), "2025-03-31T08:00:00Z");
	cr_expect_str_eq(hx_str(r, "end"), "2025-03-31T09:30:00Z");
	cr_expect_str_eq(hx_str(r, "local"), "Mon 2025-03-31 09:00 BST");
	r = json_object_get(hx_ok(k.amira, "event.list", NULL), "events");
	cr_expect_eq(json_array_size(r), 1);
	hx_stop(k.d);
}

Test(events, places_and_the_waiting_list)
{
	struct cast k;
	json_t *a, *b, *ev, *r;
	int64_t id, ia, ib;

	hx_clock_start_at(FRIDAY * 1000);
	setup(&k);
	id = create(k.fay, 1);
	hx_ok(k.amira, "subscribe", NULL);
	hx_ok(k.ben, "subscribe", NULL);
	/* Both ask for the last place at once: one gets it. */
	ia = hx_send(k.amira, json_pack("{s:s, s:I, s:s}", "op", "event.rsvp",
	    "event", (json_int_t)id, "answer", "yes"));
	ib = hx_send(k.ben, json_pack("{s:s, s:I, s:s}", "op", "event.rsvp",
	    "event", (json_int_t)id, "answer", "yes"));
	a = hx_assert_ok(hx_reply_int(k.amira, ia));
	b = hx_assert_ok(hx_reply_int(k.ben, ib));
	cr_assert(strcmp(hx_str(a, "answer"), "yes") == 0 ||
	    strcmp(hx_str(b, "answer"), "yes") == 0);
	cr_assert(strcmp(hx_str(a, "answer"), "waiting") == 0 ||
	    strcmp(hx_str(b, "answer"), "waiting") == 0);
	/* Make amira the one in (whichever it was), ben the one waiting. */
	if (strcmp(hx_str(a, "answer"), "waiting") == 0) {
		hx_ok(k.ben, "event.rsvp", "{s:I, s:s}", "event",
		    (json_int_t)id, "answer", "no");
		cr_assert_not_null(hx_event_named(k.amira, "inbox",
		    hx_ms(HX_WAIT_MS)));
		hx_ok(k.ben, "event.rsvp", "{s:I, s:s}", "event",
		    (json_int_t)id, "answer", "yes");
	}
	r = hx_ok(k.cara, "event.rsvp", "{s:I, s:s}", "event", (json_int_t)id,
	    "answer", "yes");
	cr_expect_str_eq(hx_str(r, "answer"), "waiting");
	cr_expect_eq(hx_int(r, "position"), 2);
	r = json_object_get(hx_ok(k.fay, "event.show", "{s:I}", "event",
	    (json_int_t)id), "event");
	cr_expect_eq(hx_int(r, "yes"), 1);
	cr_expect_eq(hx_int(r, "waiting"), 2);
	cr_expect_eq(hx_int(r, "places"), 0);
	/* amira leaves: ben, first in the queue, is in, and told. */
	hx_ok(k.amira, "event.rsvp", "{s:I, s:s}", "event", (json_int_t)id,
	    "answer", "no");
	ev = hx_event_named(k.ben, "inbox", hx_ms(HX_WAIT_MS));
	cr_assert_not_null(ev);
	cr_expect_str_eq(hx_str(json_object_get(ev, "item"), "note"),
	    "a place came free: you are in");
	r = json_object_get(hx_ok(k.ben, "event.show", "{s:I}", "event",
	    (json_int_t)id), "event");
	cr_expect_str_eq(hx_str(r, "mine"), "yes");
	/* Its runners change it; only they. */
	hx_err(k.amira, "forbidden", "event.update", "{s:I, s:I}", "event",
	    (json_int_t)id, "capacity", (json_int_t)5);
	hx_ok(k.fay, "event.update", "{s:I, s:I}", "event", (json_int_t)id,
	    "capacity", (json_int_t)1);
	hx_ok(k.fay, "event.update", "{s:I, s:s}", "event", (json_int_t)id,
	    "where", "Room 2");
	r = hx_ok(k.fay, "event.attendees", "{s:I}", "event", (json_int_t)id);
	cr_expect_str_eq(json_string_value(json_array_get(json_object_get(r,
	    "yes"), 0)), "ben");
	cr_expect_str_eq(json_string_value(json_array_get(json_object_get(r,
	    "waiting"), 0)), "cara");
	hx_err(k.amira, "forbidden", "event.attendees", "{s:I}", "event",
	    (json_int_t)id);
	hx_stop(k.d);
}

/* The reminders in c's inbox (of event title, or any: NULL), waiting
 * (bounded) until there are at least want. A clock moved by a day ends
 * idle connections, so each look after a move logs in afresh. */
static int
reminders(struct hx_daemon *d, const char *user, const char *title,
    size_t want)
{
	struct hx_conn *c = hx_login(d, user);
	int64_t until = hx_mono_ms() + hx_ms(HX_WAIT_MS);
	json_t *items, *it;
	size_t i, n;

	do {
		items = json_object_get(hx_ok(c, "inbox", "{s:b}", "all", 1),
		    "items");
		n = 0;
		json_array_foreach(items, i, it)
			if (strcmp(hx_str(it, "kind"), "reminder") == 0 &&
			    (title == NULL || strcmp(hx_str(json_object_get(it,
			    "event"), "title"), title) == 0))
				n++;
		if (n >= want)
			break;
		hx_ok(c, "ping", NULL);
	} while (hx_mono_ms() < until);
	hx_close(c);
	return (int)n;
}

Test(events, reminders_once_each_across_a_restart)
{
	struct cast k;
	int64_t id, id2;

	hx_clock_start_at(FRIDAY * 1000);
	setup(&k);
	id = create(k.fay, 10);
	hx_ok(k.amira, "event.rsvp", "{s:I, s:s}", "event", (json_int_t)id,
	    "answer", "yes");
	hx_ok(k.ben, "event.rsvp", "{s:I, s:s}", "event", (json_int_t)id,
	    "answer", "maybe");
	/* A second session half an hour later, for ben: its reminder
	 * coming shows that the daemon has looked again. */
	id2 = hx_int(hx_ok(k.fay, "event.create", "{s:s, s:s, s:s, s:I}",
	    "title", "Second session", "at", "2025-03-31 09:30", "tz", TZ,
	    "duration", (json_int_t)30), "event");
	hx_ok(k.ben, "event.rsvp", "{s:I, s:s}", "event", (json_int_t)id2,
	    "answer", "yes");
	/* A day before (Sunday 08:00 UTC, after the change). */
	hx_clock_set((START - 86400 + 60) * 1000);
	cr_expect_eq(reminders(k.d, "amira", NULL, 1), 1);
	/* A kill -9 and a restart send nothing again. */
	hx_crash(k.d);
	hx_restart(k.d);
	hx_clock_set((START + 1800 - 86400 + 60) * 1000);
	cr_expect_eq(reminders(k.d, "ben", "Second session", 1), 1);
	cr_expect_eq(reminders(k.d, "amira", NULL, 1), 1);
	/* An hour before: once more, to yes only (ben said maybe). */
	hx_clock_set((START - 3600 + 60) * 1000);
	cr_expect_eq(reminders(k.d, "amira", NULL, 2), 2);
	cr_expect_eq(reminders(k.d, "ben", "Vicarious trauma workshop", 0),
	    0);
	/* Attendance once it has begun. */
	k.fay = hx_login(k.d, "fay");
	hx_err(k.fay, "bad_state", "event.attended", "{s:I, s:[s]}", "event",
	    (json_int_t)id, "users", "amira");
	hx_clock_set((START + 600) * 1000);
	k.fay = hx_login(k.d, "fay");
	hx_ok(k.fay, "event.attended", "{s:I, s:[s]}", "event",
	    (json_int_t)id, "users", "amira");
	cr_expect_eq(hx_int(json_object_get(hx_ok(k.fay, "event.show", "{s:I}",
	    "event", (json_int_t)id), "event"), "attended"), 1);
	hx_err(k.fay, "not_found", "event.attended", "{s:I, s:[s]}", "event",
	    (json_int_t)id, "users", "nobody");
	hx_stop(k.d);
}

Test(events, cancelled_told_and_no_reminder)
{
	struct cast k;
	json_t *ev;
	int64_t id;

	hx_clock_start_at(FRIDAY * 1000);
	setup(&k);
	id = create(k.fay, 10);
	hx_ok(k.amira, "event.rsvp", "{s:I, s:s}", "event", (json_int_t)id,
	    "answer", "yes");
	hx_ok(k.amira, "subscribe", NULL);
	hx_err(k.ben, "forbidden", "event.cancel", "{s:I, s:s}", "event",
	    (json_int_t)id, "reason", "not mine");
	hx_ok(k.fay, "event.cancel", "{s:I, s:s}", "event", (json_int_t)id,
	    "reason", "the facilitator is ill");
	ev = hx_event_named(k.amira, "inbox", hx_ms(HX_WAIT_MS));
	cr_assert_not_null(ev);
	cr_expect_str_eq(hx_str(json_object_get(ev, "item"), "note"),
	    "cancelled: the facilitator is ill");
	hx_err(k.fay, "bad_state", "event.cancel", "{s:I, s:s}", "event",
	    (json_int_t)id, "reason", "again");
	hx_err(k.ben, "bad_state", "event.rsvp", "{s:I, s:s}", "event",
	    (json_int_t)id, "answer", "yes");
	/* A day before and an hour before: nothing. (A second session's
	 * reminder shows the daemon looked.) */
	hx_ok(k.fay, "event.create", "{s:s, s:s, s:s, s:I}", "title", "Other",
	    "at", "2025-03-31 08:30", "tz", TZ, "duration", (json_int_t)30);
	hx_ok(k.amira, "event.rsvp", "{s:I, s:s}", "event", (json_int_t)id + 1,
	    "answer", "yes");
	hx_clock_set((START - 3600 + 60) * 1000);
	cr_expect_eq(reminders(k.d, "amira", "Other", 1), 1);
	cr_expect_eq(reminders(k.d, "amira", "Vicarious trauma workshop", 0),
	    0);
	hx_stop(k.d);
}

Test(events, a_groups_events_are_its_members)
{
	struct cast k;
	json_t *a, *b;
	int64_t id;

	hx_clock_start_at(FRIDAY * 1000);
	setup(&k);
	hx_ok(k.fay, "group.create", "{s:s}", "name", "set-a");
	hx_ok(k.fay, "group.add", "{s:s, s:[s]}", "channel", "group/set-a",
	    "users", "amira");
	id = hx_int(hx_ok(k.fay, "event.create", "{s:s, s:s, s:s, s:I, s:s}",
	    "title", "Set A, meeting 1", "at", AT, "tz", TZ, "duration",
	    (json_int_t)60, "channel", "group/set-a"), "event");
	cr_expect_eq(json_array_size(json_object_get(hx_ok(k.amira,
	    "event.list", NULL), "events")), 1);
	cr_expect_eq(json_array_size(json_object_get(hx_ok(k.ben,
	    "event.list", NULL), "events")), 0);
	a = hx_err(k.ben, "not_found", "event.show", "{s:I}", "event",
	    (json_int_t)id);
	b = hx_err(k.ben, "not_found", "event.show", "{s:I}", "event",
	    (json_int_t)999999);
	cr_expect_str_eq(hx_dump(json_object_get(a, "error")),
	    hx_dump(json_object_get(b, "error")));
	hx_err(k.ben, "not_found", "event.rsvp", "{s:I, s:s}", "event",
	    (json_int_t)id, "answer", "yes");
	hx_stop(k.d);
}

Test(events, bad_input_stores_nothing)
{
	struct cast k;
	json_t *r;
	int64_t id;

	hx_clock_start_at(FRIDAY * 1000);
	setup(&k);
	hx_err(k.amira, "forbidden", "event.create", "{s:s, s:s, s:s, s:I}",
	    "title", "x", "at", AT, "tz", TZ, "duration", (json_int_t)60);
	hx_err(k.fay, "bad_request", "event.create", "{s:s, s:s, s:s, s:I}",
	    "title", "x", "at", "31/03/2025 09:00", "tz", TZ, "duration",
	    (json_int_t)60);
	hx_err(k.fay, "bad_request", "event.create", "{s:s, s:s, s:s, s:I}",
	    "title", "x", "at", "2025-02-30 09:00", "tz", TZ, "duration",
	    (json_int_t)60);
	hx_err(k.fay, "bad_request", "event.create", "{s:s, s:s, s:s, s:I}",
	    "title", "x", "at", "2025-03-27 09:00", "tz", TZ, "duration",
	    (json_int_t)60);
	hx_err(k.fay, "bad_request", "event.create", "{s:s, s:s, s:s, s:I}",
	    "title", "x", "at", AT, "tz", "Mars/Base", "duration",
	    (json_int_t)60);
	hx_err(k.fay, "bad_request", "event.create", "{s:s, s:s, s:s, s:I}",
	    "title", "x", "at", AT, "tz", TZ, "duration", (json_int_t)1441);
	hx_ok(k.fay, "event.create", "{s:s, s:s, s:s, s:I}", "title", "a day",
	    "at", AT, "tz", TZ, "duration", (json_int_t)1440);
	hx_err(k.fay, "bad_request", "event.create", "{s:s, s:s, s:s, s:I, s:I}",
	    "title", "x", "at", AT, "tz", TZ, "duration", (json_int_t)60,
	    "capacity", (json_int_t)0);
	hx_err(k.fay, "not_found", "event.create", "{s:s, s:s, s:s, s:I, s:s}",
	    "title", "x", "at", AT, "tz", TZ, "duration", (json_int_t)60,
	    "channel", "group/none");
	hx_err(k.fay, "bad_request", "event.rsvp", "{s:I, s:s}", "event",
	    (json_int_t)1, "answer", "perhaps");
	cr_expect_eq(json_array_size(json_object_get(hx_ok(k.fay, "event.list",
	    NULL), "events")), 1);
	/* A capacity below the yes given is refused, nothing changed. */
	id = create(k.fay, 3);
	hx_ok(k.amira, "event.rsvp", "{s:I, s:s}", "event", (json_int_t)id,
	    "answer", "yes");
	hx_ok(k.ben, "event.rsvp", "{s:I, s:s}", "event", (json_int_t)id,
	    "answer", "yes");
	r = hx_err(k.fay, "bad_request", "event.update", "{s:I, s:I}",
	    "event", (json_int_t)id, "capacity", (json_int_t)1);
	cr_expect(strstr(hx_str(json_object_get(r, "error"), "message"),
	    "2 people have said yes") != NULL);
	cr_expect_eq(hx_int(json_object_get(hx_ok(k.fay, "event.show",
	    "{s:I}", "event", (json_int_t)id), "event"), "capacity"), 3);
	hx_err(k.fay, "too_large", "event.update", "{s:I, s:s}", "event",
	    (json_int_t)id, "title", hx_strf("%0201d", 0));
	hx_ok(k.fay, "event.cancel", "{s:I, s:s}", "event", (json_int_t)id,
	    "reason", "moved");
	hx_err(k.fay, "bad_state", "event.update", "{s:I, s:I}", "event",
	    (json_int_t)id, "capacity", (json_int_t)10);
	hx_stop(k.d);
}

/* A group's event with a tag is announced to the group's members who
 * follow the tag, and to nobody else: not a byte reaches a follower
 * outside the group. */
Test(events, a_groups_announcement_stays_inside)
{
	struct cast k;

	hx_clock_start_at(FRIDAY * 1000);
	setup(&k);
	hx_ok(k.fay, "group.create", "{s:s}", "name", "set-a");
	hx_ok(k.fay, "group.add", "{s:s, s:[s]}", "channel", "group/set-a",
	    "users", "amira");
	hx_ok(k.amira, "tag.subscribe", "{s:s}", "tag", "sets");
	hx_ok(k.ben, "tag.subscribe", "{s:s}", "tag", "sets");
	hx_ok(k.amira, "subscribe", NULL);
	hx_ok(k.ben, "subscribe", NULL);
	hx_ok(k.fay, "event.create", "{s:s, s:s, s:s, s:I, s:s, s:[s]}",
	    "title", "Set A, closing meeting", "at", AT, "tz", TZ, "duration",
	    (json_int_t)60, "channel", "group/set-a", "tags", "sets");
	cr_assert_not_null(hx_event_named(k.amira, "inbox", hx_ms(HX_WAIT_MS)));
	hx_ok(k.ben, "quiet.show", NULL);
	cr_expect(strstr(hx_seen(k.ben, NULL), "closing meeting") == NULL);
	cr_expect_eq(json_array_size(json_object_get(hx_ok(k.ben, "inbox",
	    "{s:b}", "all", 1), "items")), 0);
	/* Page limits: 200 taken, 201 refused. */
	hx_ok(k.ben, "event.list", "{s:I}", "limit", (json_int_t)200);
	hx_err(k.ben, "bad_request", "event.list", "{s:I}", "limit",
	    (json_int_t)201);
	hx_ok(k.ben, "inbox", "{s:I}", "limit", (json_int_t)200);
	hx_err(k.ben, "bad_request", "inbox", "{s:I}", "limit",
	    (json_int_t)201);
	hx_ok(k.ben, "resource.list", "{s:I}", "limit", (json_int_t)200);
	hx_err(k.ben, "bad_request", "resource.list", "{s:I}", "limit",
	    (json_int_t)201);
	hx_stop(k.d);
}
