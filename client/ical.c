/*
 * ical.c: events as iCalendar text (RFC 5545), what `harbour event ics`
 * and `harbour events --ics` write for people's own calendars.
 *
 * The text is written as it is made, through a writer that knows how
 * many octets the current line holds: before a piece that would take
 * the line past 75 octets it folds (CRLF and a space), and a piece is
 * never smaller than one UTF-8 character or one escape, so no folding
 * splits either. Nothing is held in memory but the event objects.
 *
 * Times are written in UTC ("20250304T140000Z"), which every calendar
 * reads without a VTIMEZONE; the reader's calendar shows them in its own
 * zone. A UID is made of the event's id and the server's host name, so
 * that importing a later export updates the same entry, and a cancelled
 * event carries SEQUENCE 1, a revision of the one first published, so
 * that its cancellation wins over a copy imported before.
 */
#include <string.h>
#include <time.h>

#include "ical.h"
#include "proto.h"

#ifndef HARBOUR_VERSION
#define HARBOUR_VERSION	"0.1.0"
#endif

#define ICAL_PRODID	"-//Harbour//harbour " HARBOUR_VERSION "//EN"
#define ICAL_UTC_LEN	17	/* "20250304T140000Z" and its NUL */
#define ICAL_MINUTE	60

struct ical_out {
	FILE	*fp;
	size_t	 col;		/* octets on the current line */
};

/* n octets that stay together on one line. */
static void
ical_put(struct ical_out *o, const char *s, size_t n)
{
	if (o->col > 0 && o->col + n > ICAL_LINE_MAX) {
		fputs("\r\n ", o->fp);
		o->col = 1;
	}
	fwrite(s, 1, n, o->fp);
	o->col += n;
}

static void
ical_end(struct ical_out *o)
{
	fputs("\r\n", o->fp);
	o->col = 0;
}

/* The octets of the UTF-8 character at s (1 for a stray byte). */
static size_t
ical_char_len(const unsigned char *s)
{
	size_t	n, i;

	if (s[0] < 0xc0)
		n = 1;
	else if (s[0] < 0xe0)
		n = 2;
	else if (s[0] < 0xf0)
		n = 3;
	else if (s[0] < 0xf8)
		n = 4;
	else
		n = 1;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return (1);
	}
	return (n);
}

/* A TEXT value, escaped (3.3.11): backslash, semicolon, comma and
 * newline; other controls are not TEXT, and are left out. */
static void
ical_text(struct ical_out *o, const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 n;

	while (*p != '\0') {
		if (*p == '\\' || *p == ';' || *p == ',') {
			char	esc[2] = { '\\', (char)*p };

			ical_put(o, esc, 2);
			p++;
			continue;
		}
		if (*p == '\n')
			ical_put(o, "\\n", 2);
		else if ((*p >= 0x20 && *p != 0x7f) || *p == '\t') {
			n = ical_char_len(p);
			ical_put(o, (const char *)p, n);
			p += n;
			continue;
		}
		p++;
	}
}

/* "NAME:" then a value written raw (dates, numbers, keywords). */
static void
ical_raw(struct ical_out *o, const char *name, const char *value)
{
	ical_put(o, name, strlen(name));
	ical_put(o, ":", 1);
	ical_put(o, value, strlen(value));
	ical_end(o);
}

/* "NAME:" and an escaped text, when there is one. */
static void
ical_prop(struct ical_out *o, const char *name, const char *value)
{
	if (value == NULL || *value == '\0')
		return;
	ical_put(o, name, strlen(name));
	ical_put(o, ":", 1);
	ical_text(o, value);
	ical_end(o);
}

static void
ical_utc(int64_t t, char *buf)
{
	struct tm	tm;
	time_t		tt = (time_t)t;

	gmtime_r(&tt, &tm);
	strftime(buf, ICAL_UTC_LEN, "%Y%m%dT%H%M%SZ", &tm);
}

static const char *
ical_str(json_t *o, const char *key)
{
	return (json_string_value(json_object_get(o, key)));
}

/* "event-12@host", the host in lowercase as DNS names compare. */
static void
ical_uid(struct ical_out *o, int64_t id, const char *host)
{
	char	buf[32], c;

	ical_put(o, "UID:", 4);
	snprintf(buf, sizeof buf, "event-%lld@", (long long)id);
	ical_text(o, buf);
	for (; *host != '\0'; host++) {
		c = *host >= 'A' && *host <= 'Z' ? (char)(*host - 'A' + 'a') :
		    *host;
		ical_put(o, &c, 1);
	}
	ical_end(o);
}

/* CATEGORIES: its values apart by commas, each escaped. */
static void
ical_categories(struct ical_out *o, json_t *tags)
{
	json_t	*t;
	size_t	 i;

	if (json_array_size(tags) == 0)
		return;
	ical_put(o, "CATEGORIES:", strlen("CATEGORIES:"));
	json_array_foreach(tags, i, t) {
		if (i > 0)
			ical_put(o, ",", 1);
		ical_text(o, json_string_value(t) != NULL ?
		    json_string_value(t) : "");
	}
	ical_end(o);
}

/* The summary, after why the event was cancelled when it was. */
static void
ical_description(struct ical_out *o, json_t *ev)
{
	const char	*summary = ical_str(ev, "summary");
	const char	*reason = ical_str(json_object_get(ev, "cancelled"),
			    "reason");

	if (reason == NULL) {
		ical_prop(o, "DESCRIPTION", summary);
		return;
	}
	ical_put(o, "DESCRIPTION:", strlen("DESCRIPTION:"));
	ical_text(o, "Cancelled: ");
	ical_text(o, reason);
	if (summary != NULL && *summary != '\0') {
		ical_text(o, "\n\n");
		ical_text(o, summary);
	}
	ical_end(o);
}

/* One VEVENT; 1, or 0 for an object without an id or a start. */
static int
ical_event(struct ical_out *o, json_t *ev, const char *host,
    const char *stamp)
{
	int64_t	 id = json_integer_value(json_object_get(ev, "event"));
	int64_t	 start, end;
	int	 cancelled = json_is_object(json_object_get(ev, "cancelled"));
	char	 buf[ICAL_UTC_LEN];

	if (id <= 0 || proto_ts_parse(ical_str(ev, "start") != NULL ?
	    ical_str(ev, "start") : "", &start) == -1)
		return (0);
	if (ical_str(ev, "end") == NULL ||
	    proto_ts_parse(ical_str(ev, "end"), &end) == -1)
		end = start + ICAL_MINUTE * json_integer_value(
		    json_object_get(ev, "duration"));
	ical_raw(o, "BEGIN", "VEVENT");
	ical_uid(o, id, host);
	ical_raw(o, "DTSTAMP", stamp);
	ical_utc(start, buf);
	ical_raw(o, "DTSTART", buf);
	ical_utc(end, buf);
	ical_raw(o, "DTEND", buf);
	ical_prop(o, "SUMMARY", ical_str(ev, "title"));
	ical_description(o, ev);
	ical_prop(o, "LOCATION", ical_str(ev, "where"));
	ical_categories(o, json_object_get(ev, "tags"));
	ical_raw(o, "STATUS", cancelled ? "CANCELLED" : "CONFIRMED");
	ical_raw(o, "SEQUENCE", cancelled ? "1" : "0");
	ical_raw(o, "END", "VEVENT");
	return (1);
}

int
ical_write(FILE *fp, json_t *events, const char *host, int64_t now)
{
	struct ical_out	 o = { fp, 0 };
	json_t		*ev;
	size_t		 i;
	char		 stamp[ICAL_UTC_LEN];
	int		 n = 0;

	ical_utc(now, stamp);
	ical_raw(&o, "BEGIN", "VCALENDAR");
	ical_raw(&o, "VERSION", "2.0");
	ical_prop(&o, "PRODID", ICAL_PRODID);
	ical_raw(&o, "CALSCALE", "GREGORIAN");
	ical_raw(&o, "METHOD", "PUBLISH");
	json_array_foreach(events, i, ev)
		n += ical_event(&o, ev, host, stamp);
	ical_raw(&o, "END", "VCALENDAR");
	if (fflush(fp) != 0 || ferror(fp))
		return (-1);
	return (n);
}
