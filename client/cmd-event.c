/*
 * cmd-event.c: events, the workshops, coaching sessions and
 * action-learning meetings people come to: event create, events, event
 * show, event rsvp, event cancel, event attendees, event attended,
 * event ics (and events --ics).
 *
 * The server keeps an event's start in UTC with the zone its creator
 * gave, and answers who may see it, who is in and who waits; the client
 * reads a time as people type it ("2025-03-04 14:00" in a tz database
 * zone, a length as "1h30m"), shows times in the reader's own zone
 * (print-event.c) and writes iCalendar for their calendars (ical.c).
 * `event create` ends with the event's id alone on its last line, so a
 * script can take it with tail -n 1.
 *
 * A place that comes free goes to the first who waits, who is told; a
 * cancelled event tells everyone who answered; reminders come 24 hours
 * and an hour before. All of that is the server's: nothing here waits.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client.h"
#include "ical.h"
#include "net.h"
#include "print.h"

/* The server's bounds (spec: event.create). */
#define EVENT_MINUTES_MAX	1440		/* a day */
#define EVENT_CAPACITY_MAX	100000
#define EVENT_WHERE_MAX		200
#define EVENT_LIMIT_MAX		200		/* a page of event.list */
#define EVENT_AT_LEN		16		/* "2025-03-04 14:00" */
#define EVENT_MINUTE		60

static int	cmd_event_create_exec(struct client *, struct cmd_args *);
static int	cmd_events_exec(struct client *, struct cmd_args *);
static int	cmd_event_show_exec(struct client *, struct cmd_args *);
static int	cmd_event_rsvp_exec(struct client *, struct cmd_args *);
static int	cmd_event_cancel_exec(struct client *, struct cmd_args *);
static int	cmd_event_update_exec(struct client *, struct cmd_args *);
static int	cmd_event_attendees_exec(struct client *, struct cmd_args *);
static int	cmd_event_attended_exec(struct client *, struct cmd_args *);
static int	cmd_event_ics_exec(struct client *, struct cmd_args *);

const struct cmd_entry cmd_event_create_entry = {
	.name = "event create",
	.usage = "--title TEXT --at \"YYYY-MM-DD HH:MM\" [--tz ZONE] "
	    "--duration LENGTH [--capacity N] [--where TEXT] "
	    "[--channel CHANNEL] [--tags TAG,...] [--summary TEXT]",
	.summary = "Make an event people can come to; prints its id last.",
	.help =
"Makes an event starting --at that local time in ZONE, a tz database\n"
"name such as Europe/London (default: this computer's zone, when it has\n"
"a name), lasting LENGTH: \"90m\", \"2h\" or \"1h30m\" (a bare number is\n"
"minutes; at most 24 hours). --capacity limits the places (1 to\n"
PROTO_XSTR(EVENT_CAPACITY_MAX) "): when they are taken, a yes goes on the waiting list. --where\n"
"says where (one line, up to " PROTO_XSTR(EVENT_WHERE_MAX) " bytes), --summary what it is (up to\n"
PROTO_XSTR(PROTO_MAX_SUMMARY) " bytes). With --channel, only those who may see that channel\n"
"see the event; without, an org-admin's event is their organisation's,\n"
"a facilitator's or admin's everyone's. Those who follow one of its\n"
"--tags (up to " PROTO_XSTR(PROTO_MAX_TAGS) ", separated by commas) find it in their inbox.\n"
"Facilitators, org-admins and admins may make events. Prints the event\n"
"as `harbour event show` does, then its id alone on the last line.\n",
	.opts = { { "title", "TEXT" }, { "at", "\"YYYY-MM-DD HH:MM\"" },
	    { "tz", "ZONE" }, { "duration", "LENGTH" }, { "capacity", "N" },
	    { "where", "TEXT" }, { "channel", "CHANNEL" },
	    { "tags", "TAG,..." }, { "summary", "TEXT" }, { NULL, NULL } },
	.args_min = 0, .args_max = 0,
	.exec = cmd_event_create_exec,
};

const struct cmd_entry cmd_events_entry = {
	.name = "events",
	.usage = "[--upcoming] [--past] [--tag TAG] [--limit N] "
	    "[--ics [-o FILE]]",
	.summary = "List the events you may come to, or write them as .ics.",
	.help =
"One line an event: its id, its start in your time zone, its title,\n"
"the places left (or \"full\", or \"cancelled\") and your answer. By\n"
"default the upcoming ones (not over yet), soonest first; --past lists\n"
"those that are over, latest first. --tag keeps to events with that\n"
"tag; --limit shows N. With --ics, writes them as an iCalendar file for your own\n"
"calendar instead, on standard output or into FILE (-o or --output).\n",
	.opts = { { "upcoming", NULL }, { "past", NULL }, { "tag", "TAG" },
	    { "limit", "N" }, { "ics", NULL }, { "output", "FILE" },
	    { NULL, NULL } },
	.args_min = 0, .args_max = 0,
	.exec = cmd_events_exec,
};

const struct cmd_entry cmd_event_show_entry = {
	.name = "event show",
	.usage = "ID",
	.summary = "Show one event: when, where, places, who is coming.",
	.help =
"Every field a line: the title, the start and end in your time zone\n"
"(and the start in its creator's zone when that is not yours), where,\n"
"its channel and tags, who made it, the places left, how many said\n"
"yes or maybe or wait, your own answer, and its summary; and why it\n"
"was cancelled, if it was.\n",
	.opts = { { NULL, NULL } },
	.args_min = 1, .args_max = 1,
	.exec = cmd_event_show_exec,
};

const struct cmd_entry cmd_event_rsvp_entry = {
	.name = "event rsvp",
	.usage = "ID yes|no|maybe",
	.summary = "Say whether you are coming to an event.",
	.help =
"A yes takes a place; when there is none left, it puts you on the\n"
"waiting list, and the command says where. When someone who said yes\n"
"says no or maybe, the first who waits gets the place, and is told in\n"
"their inbox. Everyone who said yes is reminded 24 hours and an hour\n"
"before it starts, within their working hours.\n",
	.opts = { { NULL, NULL } },
	.args_min = 2, .args_max = 2,
	.exec = cmd_event_rsvp_exec,
};

const struct cmd_entry cmd_event_update_entry = {
	.name = "event update",
	.usage = "ID [--capacity N] [--title TEXT] [--where TEXT] "
	    "[--summary TEXT]",
	.summary = "Change an event's capacity, title, place or summary.",
	.help =
"What is given changes; the rest stays. --capacity 0 means no limit;\n"
"a capacity below the number who said yes is refused. Its creator,\n"
"facilitators and admins may change an event.\n",
	.opts = { { "capacity", "N" }, { "title", "TEXT" }, { "where", "TEXT" },
	    { "summary", "TEXT" }, { NULL, NULL } },
	.args_min = 1, .args_max = 1,
	.exec = cmd_event_update_exec,
};

const struct cmd_entry cmd_event_cancel_entry = {
	.name = "event cancel",
	.usage = "ID --reason TEXT",
	.summary = "Cancel an event, telling everyone who answered.",
	.help =
"Everyone who said yes or maybe, or waits, finds the cancellation and\n"
"its reason (one line, up to " PROTO_XSTR(PROTO_MAX_REASON) " bytes) in their inbox. Its creator,\n"
"facilitators and admins may cancel an event.\n",
	.opts = { { "reason", "TEXT" }, { NULL, NULL } },
	.args_min = 1, .args_max = 1,
	.exec = cmd_event_cancel_exec,
};

const struct cmd_entry cmd_event_attendees_entry = {
	.name = "event attendees",
	.usage = "ID",
	.summary = "List who said yes or maybe, who waits, who attended.",
	.help =
"Four sections: yes, maybe, the waiting list in its order (the first\n"
"gets the next place that comes free), and who attended. For the\n"
"event's creator, facilitators and admins.\n",
	.opts = { { NULL, NULL } },
	.args_min = 1, .args_max = 1,
	.exec = cmd_event_attendees_exec,
};

const struct cmd_entry cmd_event_attended_entry = {
	.name = "event attended",
	.usage = "ID USER [USER ...]",
	.summary = "Record who came to an event, once it has started.",
	.help =
"Adds the people named to those who attended, and prints them all.\n"
"For the event's creator, facilitators and admins, once it has\n"
"started.\n",
	.opts = { { NULL, NULL } },
	.args_min = 2, .args_max = -1,
	.exec = cmd_event_attended_exec,
};

const struct cmd_entry cmd_event_ics_entry = {
	.name = "event ics",
	.usage = "ID [-o FILE]",
	.summary = "Write an event as iCalendar (.ics) for your own calendar.",
	.help =
"Writes the event as an iCalendar (RFC 5545) file, on standard output\n"
"or into FILE (-o or --output), for a calendar program to import. Its\n"
"UID is the same in every export, so importing it again updates the\n"
"entry: after a cancellation, it shows as cancelled.\n",
	.opts = { { "output", "FILE" }, { NULL, NULL } },
	.args_min = 1, .args_max = 1,
	.exec = cmd_event_ics_exec,
};

/* ---- what people type -------------------------------------------------- */

static int
event_id(const struct cmd_args *a, int64_t *id)
{
	if (client_parse_int(a->argv[0], 1, PROTO_ID_MAX, id) == -1)
		return (client_usage(a->entry, "give the event's number, like "
		    "12, not %s", a->argv[0]));
	return (CLIENT_EXIT_OK);
}

/*
 * "90m", "2h", "1h30m" (or a bare number of minutes) as minutes, 1 to
 * EVENT_MINUTES_MAX; -1 for anything else. Each part is read by
 * proto_parse_duration, so "2h" means what it means to mute --for; the
 * units go from the largest down, each once.
 */
static int
event_minutes(const char *s, int64_t *out)
{
	static const char	 units[] = "dhms";
	const char		*u;
	char			 part[16];
	int64_t			 secs, total = 0;
	size_t			 n, last = 0;

	if (client_parse_int(s, 1, EVENT_MINUTES_MAX, out) == 0)
		return (0);
	while (*s != '\0') {
		n = strspn(s, "0123456789");
		if (n == 0 || n + 2 > sizeof part || s[n] == '\0' ||
		    (u = strchr(units, s[n])) == NULL ||
		    (size_t)(u - units) + 1 <= last)
			return (-1);
		last = (size_t)(u - units) + 1;
		memcpy(part, s, n + 1);
		part[n + 1] = '\0';
		if ((secs = proto_parse_duration(part, EVENT_MINUTES_MAX *
		    EVENT_MINUTE)) == -1)
			return (-1);
		total += secs;
		s += n + 1;
	}
	if (total == 0 || total % EVENT_MINUTE != 0 ||
	    total > EVENT_MINUTES_MAX * EVENT_MINUTE)
		return (-1);
	*out = total / EVENT_MINUTE;
	return (0);
}

/* "YYYY-MM-DD HH:MM" in shape; whether it is a real time is the
 * server's to say, in the event's zone. */
static int
event_at_shape(const char *s)
{
	static const char	shape[] = "dddd-dd-dd dd:dd";
	size_t			i;

	if (strlen(s) != EVENT_AT_LEN)
		return (-1);
	for (i = 0; i < EVENT_AT_LEN; i++) {
		if (shape[i] == 'd' ? s[i] < '0' || s[i] > '9' :
		    s[i] != shape[i])
			return (-1);
	}
	return (0);
}

/* --at, --tz and --duration into req. */
static int
event_when(const struct cmd_args *a, json_t *req)
{
	const char	*at = client_opt(a, "at");
	const char	*dur = client_opt(a, "duration");
	char		 tz[CLIENT_TZ_MAX];
	int64_t		 minutes;
	int		 r;

	if (event_at_shape(at) == -1)
		return (client_usage(a->entry, "--at takes the local date and "
		    "time as \"YYYY-MM-DD HH:MM\", like \"2025-03-04 14:00\", "
		    "not \"%s\"", at));
	if (event_minutes(dur, &minutes) == -1)
		return (client_usage(a->entry, "--duration takes a length "
		    "like 90m, 2h or 1h30m, of at most 24 hours, not \"%s\"",
		    dur));
	if ((r = args_tz(a, tz, sizeof tz)) != 0)
		return (r);
	json_object_set_new(req, "at", json_string(at));
	json_object_set_new(req, "tz", json_string(tz));
	json_object_set_new(req, "duration", json_integer(minutes));
	return (CLIENT_EXIT_OK);
}

/* A text option, checked, into req when given. */
static int
event_text(const struct cmd_args *a, json_t *req, const char *name,
    enum proto_err (*check)(const char *), int max)
{
	const char	*v = client_opt(a, name);
	int		 r;

	if (v == NULL)
		return (CLIENT_EXIT_OK);
	if ((r = args_text(name, check(v), max)) != 0)
		return (r);
	json_object_set_new(req, name, json_string(v));
	return (CLIENT_EXIT_OK);
}

/* event create's options into req, checked by the server's rules. */
static int
event_create_fields(const struct cmd_args *a, json_t *req)
{
	const char	*v;
	json_t		*tags;
	int64_t		 n;
	int		 r;

	if (client_opt(a, "title") == NULL || client_opt(a, "at") == NULL ||
	    client_opt(a, "duration") == NULL)
		return (client_usage(a->entry, "event create needs a --title, "
		    "--at and --duration"));
	if ((r = event_when(a, req)) != 0)
		return (r);
	if ((v = client_opt(a, "capacity")) != NULL) {
		if (client_parse_int(v, 1, EVENT_CAPACITY_MAX, &n) == -1)
			return (client_usage(a->entry, "--capacity takes a "
			    "number of places from 1 to %d",
			    EVENT_CAPACITY_MAX));
		json_object_set_new(req, "capacity", json_integer(n));
	}
	if ((r = event_text(a, req, "title", proto_check_title,
	    PROTO_MAX_TITLE)) != 0 || (r = event_text(a, req, "where",
	    proto_check_title, EVENT_WHERE_MAX)) != 0 || (r = event_text(a,
	    req, "summary", proto_check_summary, PROTO_MAX_SUMMARY)) != 0)
		return (r);
	if ((v = client_opt(a, "channel")) != NULL) {
		if ((r = client_channel(v)) != 0)
			return (r);
		json_object_set_new(req, "channel", json_string(v));
	}
	if ((v = client_opt(a, "tags")) != NULL) {
		if ((r = args_tags(v, "an event", &tags)) != 0)
			return (r);
		json_object_set_new(req, "tags", tags);
	}
	return (CLIENT_EXIT_OK);
}

/* ---- iCalendar out ----------------------------------------------------- */

/* The events as an .ics on stdout, or into -o FILE. */
static int
event_ics(struct client *c, const struct cmd_args *a, json_t *events)
{
	const char	*out = client_opt(a, "output");
	FILE		*fp = stdout;
	int		 n;

	if (out != NULL && (fp = fopen(out, "w")) == NULL)
		return (client_error(CLIENT_EXIT_FAIL, "%s: %s", out,
		    strerror(errno)));
	n = ical_write(fp, events, net_host(c->net), (int64_t)time(NULL));
	if (out == NULL)
		return (print_done());	/* says why, if stdout failed */
	if (fclose(fp) != 0)
		n = -1;
	if (n == -1)
		return (client_error(CLIENT_EXIT_FAIL, "%s: %s", out,
		    strerror(errno)));
	printf("wrote %d %s to ", n, n == 1 ? "event" : "events");
	print_safe(out);
	putchar('\n');
	return (print_done());
}

/* -o is for the .ics alone, and names a file. */
static int
event_check_output(const struct cmd_args *a, int ics)
{
	const char	*out = client_opt(a, "output");

	if (out != NULL && !ics)
		return (client_usage(a->entry, "-o is for --ics: the file the "
		    "calendar goes into"));
	if (out != NULL && *out == '\0')
		return (client_usage(a->entry, "-o takes a file name"));
	return (CLIENT_EXIT_OK);
}

/* ---- the commands ------------------------------------------------------ */

static int
cmd_event_create_exec(struct client *c, struct cmd_args *a)
{
	json_t	*req, *result;
	int	 r;

	req = client_request(c, "event.create");
	if ((r = event_create_fields(a, req)) != 0 ||
	    (r = client_login(c)) != 0) {
		json_decref(req);
		return (r);
	}
	if ((r = client_call(c, req, &result)) != 0)
		return (r);
	if (c->json)
		print_json(result);
	else {
		print_event_full(result);
		printf("%lld\n", (long long)json_integer_value(
		    json_object_get(result, "event")));
	}
	json_decref(result);
	return (print_done());
}

/* --upcoming, --past, --tag and --limit into req. */
static int
events_options(const struct cmd_args *a, json_t *req)
{
	const char	*v;
	char		*tag;
	int64_t		 n;
	int		 r;

	if (client_opt(a, "upcoming") != NULL && client_opt(a, "past") !=
	    NULL)
		return (client_usage(a->entry, "--upcoming or --past, not "
		    "both"));
	if (client_opt(a, "upcoming") != NULL)
		json_object_set_new(req, "upcoming", json_true());
	if (client_opt(a, "past") != NULL)
		json_object_set_new(req, "past", json_true());
	if ((v = client_opt(a, "limit")) != NULL) {
		if (client_parse_int(v, 1, EVENT_LIMIT_MAX, &n) == -1)
			return (client_usage(a->entry, "--limit takes a number "
			    "from 1 to %d", EVENT_LIMIT_MAX));
		json_object_set_new(req, "limit", json_integer(n));
	}
	if ((v = client_opt(a, "tag")) != NULL) {
		tag = xstrdup(v);
		if ((r = args_tag(tag)) == 0)
			json_object_set_new(req, "tag", json_string(tag));
		free(tag);
		if (r != 0)
			return (r);
	}
	return (event_check_output(a, client_opt(a, "ics") != NULL));
}

static void
events_print(const struct cmd_args *a, json_t *list)
{
	json_t	*ev;
	size_t	 i;
	int	 past = client_opt(a, "past") != NULL;

	if (json_array_size(list) == 0) {
		printf("no %s events%s\n", past ? "past" : "upcoming",
		    client_opt(a, "tag") != NULL ? " with that tag" : "");
		return;
	}
	json_array_foreach(list, i, ev)
		print_event_line(ev);
}

static int
cmd_events_exec(struct client *c, struct cmd_args *a)
{
	json_t	*req, *result, *list;
	int	 r;

	req = client_request(c, "event.list");
	if ((r = events_options(a, req)) != 0 || (r = client_login(c)) != 0) {
		json_decref(req);
		return (r);
	}
	if ((r = client_call(c, req, &result)) != 0)
		return (r);
	list = json_object_get(result, "events");
	if (client_opt(a, "ics") != NULL)
		r = event_ics(c, a, list);
	else if (c->json) {
		print_json(result);
		r = print_done();
	} else {
		events_print(a, list);
		r = print_done();
	}
	json_decref(result);
	return (r);
}

/* An operation on one event, {"event": id} and maybe more: 0 and its
 * result (a new reference). */
static int
event_call(struct client *c, const char *op, int64_t id, json_t *fields,
    json_t **result)
{
	json_t	*req;

	req = client_request(c, op);
	json_object_set_new(req, "event", json_integer(id));
	if (fields != NULL) {
		json_object_update(req, fields);
		json_decref(fields);
	}
	return (client_call(c, req, result));
}

/* event.show: 0 and the event object (a new reference), whether the
 * server sends it bare or as {"event": {...}}. */
static int
event_fetch(struct client *c, int64_t id, json_t **ev)
{
	json_t	*result, *inner;
	int	 r;

	if ((r = event_call(c, "event.show", id, NULL, &result)) != 0)
		return (r);
	inner = json_object_get(result, "event");
	*ev = json_incref(json_is_object(inner) ? inner : result);
	json_decref(result);
	return (CLIENT_EXIT_OK);
}

static int
cmd_event_show_exec(struct client *c, struct cmd_args *a)
{
	json_t	*ev, *wrap;
	int64_t	 id;
	int	 r;

	if ((r = event_id(a, &id)) != 0 || (r = client_login(c)) != 0 ||
	    (r = event_fetch(c, id, &ev)) != 0)
		return (r);
	if (c->json) {
		wrap = json_pack("{s:O}", "event", ev);
		print_json(wrap);
		json_decref(wrap);
	} else
		print_event_full(ev);
	json_decref(ev);
	return (print_done());
}

static void
event_rsvp_print(int64_t id, json_t *result)
{
	const char	*answer = json_string_value(json_object_get(result,
			    "answer"));

	if (answer == NULL)
		answer = "?";
	if (strcmp(answer, "yes") == 0)
		printf("you are going to event #%lld\n", (long long)id);
	else if (strcmp(answer, "waiting") == 0)
		printf("event #%lld is full: you are number %lld on its "
		    "waiting list, and will be told when a place comes free\n",
		    (long long)id, (long long)json_integer_value(
		    json_object_get(result, "position")));
	else if (strcmp(answer, "maybe") == 0)
		printf("you might go to event #%lld\n", (long long)id);
	else if (strcmp(answer, "no") == 0)
		printf("you are not going to event #%lld\n", (long long)id);
	else {
		printf("event #%lld: ", (long long)id);
		print_safe(answer);
		putchar('\n');
	}
}

static int
cmd_event_rsvp_exec(struct client *c, struct cmd_args *a)
{
	const char	*answer = a->argv[1];
	json_t		*result;
	int64_t		 id;
	int		 r;

	if ((r = event_id(a, &id)) != 0)
		return (r);
	if (strcmp(answer, "yes") != 0 && strcmp(answer, "no") != 0 &&
	    strcmp(answer, "maybe") != 0)
		return (client_usage(a->entry, "answer yes, no or maybe, not "
		    "%s", answer));
	if ((r = client_login(c)) != 0 || (r = event_call(c, "event.rsvp",
	    id, json_pack("{s:s}", "answer", answer), &result)) != 0)
		return (r);
	if (c->json)
		print_json(result);
	else
		event_rsvp_print(id, result);
	json_decref(result);
	return (print_done());
}

static int
cmd_event_cancel_exec(struct client *c, struct cmd_args *a)
{
	const char	*reason = client_opt(a, "reason");
	json_t		*result;
	int64_t		 id;
	int		 r;

	if ((r = event_id(a, &id)) != 0)
		return (r);
	if (reason == NULL)
		return (client_usage(a->entry, "say why with --reason: "
		    "everyone who answered is told"));
	if ((r = args_text("reason", proto_check_reason(reason),
	    PROTO_MAX_REASON)) != 0 || (r = client_login(c)) != 0 ||
	    (r = event_call(c, "event.cancel", id, json_pack("{s:s}",
	    "reason", reason), &result)) != 0)
		return (r);
	if (c->json)
		print_json(result);
	else
		printf("cancelled event #%lld: everyone who said yes or maybe, "
		    "or waits, is told\n", (long long)id);
	json_decref(result);
	return (print_done());
}

static int
cmd_event_update_exec(struct client *c, struct cmd_args *a)
{
	static const char *const texts[] = { "title", "where", "summary" };
	json_t *fields = json_object(), *result;
	const char *v;
	char *end;
	long long n;
	int64_t id;
	size_t i;
	int r;

	if ((r = event_id(a, &id)) != 0) {
		json_decref(fields);
		return (r);
	}
	if ((v = client_opt(a, "capacity")) != NULL) {
		n = strtoll(v, &end, 10);
		if (*v == '\0' || *end != '\0' || n < 0 || n > 100000) {
			json_decref(fields);
			return (client_usage(a->entry, "--capacity is a number "
			    "from 0 (no limit) to 100000"));
		}
		json_object_set_new(fields, "capacity", json_integer(n));
	}
	for (i = 0; i < sizeof texts / sizeof texts[0]; i++)
		if ((v = client_opt(a, texts[i])) != NULL)
			json_object_set_new(fields, texts[i], json_string(v));
	if (json_object_size(fields) == 0) {
		json_decref(fields);
		return (client_usage(a->entry, "say what to change"));
	}
	if ((r = client_login(c)) != 0) {
		json_decref(fields);
		return (r);
	}
	if ((r = event_call(c, "event.update", id, fields, &result)) != 0)
		return (r);
	if (c->json)
		print_json(result);
	else
		print_event_full(result);
	json_decref(result);
	return (print_done());
}

static int
cmd_event_attendees_exec(struct client *c, struct cmd_args *a)
{
	json_t	*result;
	int64_t	 id;
	int	 r;

	if ((r = event_id(a, &id)) != 0 || (r = client_login(c)) != 0 ||
	    (r = event_call(c, "event.attendees", id, NULL, &result)) != 0)
		return (r);
	if (c->json)
		print_json(result);
	else
		print_event_attendees(result);
	json_decref(result);
	return (print_done());
}

/* "attended event #12: ana, bob (2 in all)" */
static void
event_attended_print(int64_t id, json_t *list)
{
	json_t	*u;
	size_t	 i;

	printf("attended event #%lld: ", (long long)id);
	json_array_foreach(list, i, u) {
		if (i > 0)
			fputs(", ", stdout);
		print_safe(json_string_value(u));
	}
	printf(" (%zu in all)\n", json_array_size(list));
}

static int
cmd_event_attended_exec(struct client *c, struct cmd_args *a)
{
	json_t	*users, *result;
	int64_t	 id;
	int	 i, r;

	if ((r = event_id(a, &id)) != 0)
		return (r);
	if (a->argc - 1 > PROTO_GROUP_ADD_MAX)
		return (client_usage(a->entry, "name at most %d people at a "
		    "time", PROTO_GROUP_ADD_MAX));
	for (i = 1; i < a->argc; i++) {
		if (proto_check_user(a->argv[i]) != PROTO_OK)
			return (client_error(CLIENT_EXIT_FAIL, "\"%s\" is not "
			    "a user name (%s)", a->argv[i],
			    proto_err_code(PROTO_E_BAD_NAME)));
	}
	if ((r = client_login(c)) != 0)
		return (r);
	users = json_array();
	for (i = 1; i < a->argc; i++)
		json_array_append_new(users, json_string(a->argv[i]));
	if ((r = event_call(c, "event.attended", id, json_pack("{s:o}",
	    "users", users), &result)) != 0)
		return (r);
	if (c->json)
		print_json(result);
	else
		event_attended_print(id, json_object_get(result, "attended"));
	json_decref(result);
	return (print_done());
}

static int
cmd_event_ics_exec(struct client *c, struct cmd_args *a)
{
	json_t	*ev, *list;
	int64_t	 id;
	int	 r;

	if ((r = event_id(a, &id)) != 0 || (r = event_check_output(a, 1)) !=
	    0 || (r = client_login(c)) != 0 || (r = event_fetch(c, id,
	    &ev)) != 0)
		return (r);
	list = json_pack("[o]", ev);
	r = event_ics(c, a, list);
	json_decref(list);
	return (r);
}
