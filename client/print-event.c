/*
 * print-event.c: events (workshops, coaching sessions, action-learning
 * meetings) as text.
 *
 * The server keeps an event's start in UTC with its creator's zone; a
 * reader sees it in their own (TZ, or the computer's zone), with the
 * zone's abbreviation, so that nobody has to work out what "14:00"
 * means where they are:
 *	#12 Tue 4 Mar 2025 14:00 GMT  Reflective practice  [1 place left]
 *	    [you: yes]
 * on one line in a list; `event show` gives every field a line, and the
 * start in the creator's zone too when it is not the reader's, since
 * that is the time the creator will have said aloud.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "client.h"
#include "print.h"

#define PRINT_WHEN_FIELD	"%-10s "	/* "when:     " */
#define PRINT_MINUTE		60

static const char *
ev_str(json_t *o, const char *key)
{
	return (json_string_value(json_object_get(o, key)));
}

static int64_t
ev_int(json_t *o, const char *key)
{
	return (json_integer_value(json_object_get(o, key)));
}

/* "Tue 4 Mar 2025 14:00 GMT" in the reader's zone; with day 0, only
 * "14:00 GMT". */
static void
print_local(int64_t t, int day, char *buf, size_t len)
{
	struct tm	tm;
	time_t		tt = (time_t)t;
	char		wd[16], rest[64];

	tzset();
	localtime_r(&tt, &tm);
	strftime(wd, sizeof wd, "%a", &tm);
	strftime(rest, sizeof rest, day ? "%b %Y %H:%M %Z" : "%H:%M %Z",
	    &tm);
	if (day)
		snprintf(buf, len, "%s %d %s", wd, tm.tm_mday, rest);
	else
		snprintf(buf, len, "%s", rest);
}

static int
print_same_day(int64_t a, int64_t b)
{
	struct tm	ta, tb;
	time_t		t1 = (time_t)a, t2 = (time_t)b;

	localtime_r(&t1, &ta);
	localtime_r(&t2, &tb);
	return (ta.tm_year == tb.tm_year && ta.tm_yday == tb.tm_yday);
}

/* ev's time key ("start", "end") as "Tue 4 Mar 2025 14:00 GMT". */
static void
print_event_when(json_t *ev, const char *key, char *buf, size_t len)
{
	int64_t	t;

	if (ev_str(ev, key) == NULL || proto_ts_parse(ev_str(ev, key), &t) ==
	    -1)
		snprintf(buf, len, "?");
	else
		print_local(t, 1, buf, len);
}

/* "1 place left", "full", or nothing: no limit. */
static void
print_places(json_t *ev)
{
	int64_t	places = ev_int(ev, "places");

	if (json_object_get(ev, "places") == NULL)
		return;
	if (places == 0)
		fputs("full", stdout);
	else
		printf("%lld %s left", (long long)places, places == 1 ?
		    "place" : "places");
}

/* "yes", "waiting, number 2". */
static void
print_mine(json_t *ev)
{
	const char	*mine = ev_str(ev, "mine");

	print_safe(mine);
	if (mine != NULL && strcmp(mine, "waiting") == 0 &&
	    json_object_get(ev, "position") != NULL)
		printf(", number %lld", (long long)ev_int(ev, "position"));
}

void
print_event_line(json_t *ev)
{
	char	when[96];

	print_event_when(ev, "start", when, sizeof when);
	printf("#%lld %s  ", (long long)ev_int(ev, "event"), when);
	print_safe(ev_str(ev, "title"));
	if (json_is_object(json_object_get(ev, "cancelled")))
		fputs("  [cancelled]", stdout);
	else if (json_object_get(ev, "places") != NULL) {
		fputs("  [", stdout);
		print_places(ev);
		putchar(']');
	}
	if (ev_str(ev, "mine") != NULL) {
		fputs(" [you: ", stdout);
		print_mine(ev);
		putchar(']');
	}
	putchar('\n');
}

static void
print_event_field(const char *name, const char *value)
{
	if (value == NULL)
		return;
	printf(PRINT_WHEN_FIELD, name);
	print_safe(value);
	putchar('\n');
}

/* "when:      Tue 4 Mar 2025 14:00 GMT to 15:30 GMT (90 minutes)" and,
 * when the creator's zone is not the reader's, the start in theirs. */
static void
print_event_times(json_t *ev)
{
	const char	*tz = ev_str(ev, "tz"), *local = ev_str(ev, "local");
	char		 when[96], end[96], mine[CLIENT_TZ_MAX];
	int64_t		 s, e;

	print_event_when(ev, "start", when, sizeof when);
	printf(PRINT_WHEN_FIELD "%s", "when:", when);
	if (ev_str(ev, "start") != NULL && ev_str(ev, "end") != NULL &&
	    proto_ts_parse(ev_str(ev, "start"), &s) == 0 &&
	    proto_ts_parse(ev_str(ev, "end"), &e) == 0) {
		/* The end's day only when it is not the start's. */
		print_local(e, !print_same_day(s, e), end, sizeof end);
		printf(" to %s", end);
	}
	printf(" (%lld minute%s)\n", (long long)ev_int(ev, "duration"),
	    ev_int(ev, "duration") == 1 ? "" : "s");
	if (tz == NULL || local == NULL || (args_local_tz(mine,
	    sizeof mine) == 0 && strcmp(mine, tz) == 0))
		return;
	printf(PRINT_WHEN_FIELD, "");
	print_safe(local);
	fputs(" in ", stdout);
	print_safe(tz);
	puts(", the creator's zone");
}

/* places, answers and mine: what someone deciding wants to know. */
static void
print_event_answers(json_t *ev)
{
	if (json_object_get(ev, "places") != NULL) {
		printf(PRINT_WHEN_FIELD, "places:");
		print_places(ev);
		printf(" (of %lld)%s\n", (long long)ev_int(ev, "capacity"),
		    ev_int(ev, "places") == 0 ? ": a yes goes on the waiting "
		    "list" : "");
	}
	printf(PRINT_WHEN_FIELD "%lld yes, %lld maybe, %lld waiting\n",
	    "answers:", (long long)ev_int(ev, "yes"), (long long)ev_int(ev,
	    "maybe"), (long long)ev_int(ev, "waiting"));
	printf(PRINT_WHEN_FIELD, "you:");
	if (ev_str(ev, "mine") != NULL)
		print_mine(ev);
	else
		fputs("not answered", stdout);
	putchar('\n');
	if (ev_int(ev, "attended") > 0)
		printf(PRINT_WHEN_FIELD "%lld\n", "attended:",
		    (long long)ev_int(ev, "attended"));
}

static void
print_event_tags(json_t *tags)
{
	json_t	*t;
	size_t	 i;

	if (json_array_size(tags) == 0)
		return;
	printf(PRINT_WHEN_FIELD, "tags:");
	json_array_foreach(tags, i, t) {
		if (i > 0)
			fputs(", ", stdout);
		print_safe(json_string_value(t));
	}
	putchar('\n');
}

void
print_event_full(json_t *ev)
{
	json_t		*cancel = json_object_get(ev, "cancelled");
	const char	*s;

	printf("event #%lld: ", (long long)ev_int(ev, "event"));
	print_safe(ev_str(ev, "title"));
	putchar('\n');
	if (json_is_object(cancel)) {
		printf(PRINT_WHEN_FIELD, "CANCELLED:");
		print_safe(ev_str(cancel, "reason"));
		if (ev_str(cancel, "ts") != NULL) {
			fputs(" (", stdout);
			print_safe(ev_str(cancel, "ts"));
			putchar(')');
		}
		putchar('\n');
	}
	print_event_times(ev);
	print_event_field("where:", ev_str(ev, "where"));
	print_event_field("channel:", ev_str(ev, "channel"));
	print_event_tags(json_object_get(ev, "tags"));
	printf(PRINT_WHEN_FIELD, "by:");
	print_safe(ev_str(ev, "by"));
	fputs(" (", stdout);
	print_safe(ev_str(ev, "org"));
	puts(")");
	print_event_answers(ev);
	if ((s = ev_str(ev, "summary")) != NULL) {
		puts("summary:");
		print_indented("  ", s);
	}
}

/* "yes:" and a name a line, or "yes: none"; the waiting list numbered,
 * "waiting, in order:". */
static void
print_people(const char *what, json_t *list, int numbered)
{
	json_t	*u;
	size_t	 i;

	fputs(what, stdout);
	if (json_array_size(list) == 0) {
		puts(": none");
		return;
	}
	puts(numbered ? ", in order:" : ":");
	json_array_foreach(list, i, u) {
		if (numbered)
			printf("  %zu. ", i + 1);
		else
			fputs("  ", stdout);
		print_safe(json_string_value(u));
		putchar('\n');
	}
}

void
print_event_attendees(json_t *res)
{
	printf("event #%lld: %zu yes, %zu maybe, %zu waiting, %zu attended\n",
	    (long long)ev_int(res, "event"),
	    json_array_size(json_object_get(res, "yes")),
	    json_array_size(json_object_get(res, "maybe")),
	    json_array_size(json_object_get(res, "waiting")),
	    json_array_size(json_object_get(res, "attended")));
	print_people("yes", json_object_get(res, "yes"), 0);
	print_people("maybe", json_object_get(res, "maybe"), 0);
	print_people("waiting", json_object_get(res, "waiting"), 1);
	print_people("attended", json_object_get(res, "attended"), 0);
}

/* An inbox item about an event: "event #12 « Title » Tue 4 Mar 2025
 * 14:00 GMT: a place came free: you are in", or "reminder: ...". */
void
print_event_item(const char *kind, json_t *it)
{
	json_t		*ev = json_object_get(it, "event");
	const char	*note = ev_str(it, "note");
	char		 when[96];

	if (strcmp(kind, "reminder") == 0)
		fputs("reminder: ", stdout);
	print_event_when(ev, "start", when, sizeof when);
	printf("event #%lld \xc2\xab ", (long long)ev_int(ev, "event"));
	print_safe(ev_str(ev, "title"));
	printf(" \xc2\xbb %s", when);
	if (note != NULL) {
		fputs(": ", stdout);
		print_safe(note);
	}
}
