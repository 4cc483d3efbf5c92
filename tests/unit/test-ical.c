/*
 * test-ical.c: ical_write (client/ical.c), events as RFC 5545 text: the
 * calendar's frame, each VEVENT's properties, escaping (3.3.11), and
 * folding at 75 octets (3.1) that never splits a UTF-8 character. The
 * end-to-end test parses the same output with a real parser; this one
 * pins the bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <jansson.h>

#include "ical.h"

#define NOW	1741093200	/* 2025-03-04T13:00:00Z */

/* The calendar of the events (a JSON text) as ical_write makes it. */
static char *
ics(const char *events_json, int *count)
{
	json_error_t	 err;
	json_t		*events = json_loads(events_json, 0, &err);
	char		*buf = NULL;
	size_t		 len = 0;
	FILE		*fp;
	int		 n;

	cr_assert_not_null(events, "%s: %s", events_json, err.text);
	fp = open_memstream(&buf, &len);
	cr_assert_not_null(fp);
	n = ical_write(fp, events, "Harbour.Example.ORG", NOW);
	cr_assert_eq(fclose(fp), 0);
	json_decref(events);
	if (count != NULL)
		*count = n;
	cr_assert_geq(n, 0);
	return (buf);
}

/* Every line ends in CRLF and has at most 75 octets before it. */
static void
assert_lines(const char *s)
{
	const char	*p = s, *crlf;

	while (*p != '\0') {
		crlf = strstr(p, "\r\n");
		cr_assert_not_null(crlf, "a line without CRLF: %s", p);
		cr_assert_leq((size_t)(crlf - p), ICAL_LINE_MAX, "%.*s",
		    (int)(crlf - p), p);
		cr_assert_null(memchr(p, '\n', (size_t)(crlf - p)),
		    "a bare LF in %.*s", (int)(crlf - p), p);
		/* A fold is followed by a space, then a whole character. */
		if (crlf[2] == ' ')
			cr_assert_neq((unsigned char)crlf[3] & 0xc0, 0x80,
			    "a fold inside a character: %s", crlf);
		p = crlf + 2;
	}
}

/* The text with its folds taken out, as a parser reads it. */
static char *
unfold(const char *s)
{
	char	*out = malloc(strlen(s) + 1), *o = out;

	while (*s != '\0') {
		if (s[0] == '\r' && s[1] == '\n' && s[2] == ' ')
			s += 3;
		else
			*o++ = *s++;
	}
	*o = '\0';
	return (out);
}

#define EVENT(extra) "[{\"event\": 12, \"title\": \"Reflective practice\", " \
	"\"start\": \"2025-03-04T14:00:00Z\", \"end\": " \
	"\"2025-03-04T15:30:00Z\", \"duration\": 90, \"tags\": " \
	"[\"supervision\", \"wellbeing\"]" extra "}]"

Test(ical, calendar)
{
	int	 n;
	char	*s = ics(EVENT(", \"where\": \"Room 3\""), &n);

	cr_assert_eq(n, 1);
	assert_lines(s);
	cr_assert(strncmp(s, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//"
	    "Harbour//harbour ", 45) == 0, "%s", s);
	cr_assert_not_null(strstr(s, "\r\nBEGIN:VEVENT\r\n"
	    "UID:event-12@harbour.example.org\r\n"
	    "DTSTAMP:20250304T130000Z\r\n"
	    "DTSTART:20250304T140000Z\r\n"
	    "DTEND:20250304T153000Z\r\n"
	    "SUMMARY:Reflective practice\r\n"
	    "LOCATION:Room 3\r\n"
	    "CATEGORIES:supervision,wellbeing\r\n"
	    "STATUS:CONFIRMED\r\n"
	    "SEQUENCE:0\r\n"
	    "END:VEVENT\r\nEND:VCALENDAR\r\n"), "%s", s);
	cr_assert_null(strstr(s, "DESCRIPTION"), "no summary, none: %s", s);
	free(s);
}

Test(ical, escaping)
{
	char	*s = ics("[{\"event\": 3, \"title\": \"a;b,c\\\\d\", \"start\": "
	    "\"2025-03-04T14:00:00Z\", \"duration\": 30, \"summary\": "
	    "\"line one\\nline two\\u0007\", \"where\": \"Hall, 2nd; left\"}]",
	    NULL);

	assert_lines(s);
	cr_assert_not_null(strstr(s, "\r\nSUMMARY:a\\;b\\,c\\\\d\r\n"), "%s",
	    s);
	/* A control character is not TEXT: left out. */
	cr_assert_not_null(strstr(s, "\r\nDESCRIPTION:line one\\nline two\r\n"),
	    "%s", s);
	cr_assert_not_null(strstr(s, "\r\nLOCATION:Hall\\, 2nd\\; left\r\n"),
	    "%s", s);
	/* No end given: the start and the duration. */
	cr_assert_not_null(strstr(s, "\r\nDTEND:20250304T143000Z\r\n"), "%s",
	    s);
	cr_assert_null(strstr(s, "CATEGORIES"), "no tags, none: %s", s);
	free(s);
}

/* 100 two-octet characters and some ASCII: folded within 75 octets,
 * never inside a character, and whole again once unfolded. */
Test(ical, folding)
{
	char	 title[512], json[1024], want[600], *s, *u;
	size_t	 i, n = 0;

	for (i = 0; i < 100; i++) {
		title[n++] = (char)0xc3;
		title[n++] = (char)0xa9;		/* é */
		if (i % 7 == 0)
			title[n++] = 'x';
	}
	strcpy(title + n, "\xe2\x80\x94 \xf0\x9f\x99\x82 end");	/* — 🙂 */
	snprintf(json, sizeof json, "[{\"event\": 7, \"title\": \"%s\", "
	    "\"start\": \"2025-03-04T14:00:00Z\", \"duration\": 60}]", title);
	s = ics(json, NULL);
	assert_lines(s);
	cr_assert_not_null(strstr(s, "\r\n "), "nothing folded: %s", s);
	u = unfold(s);
	snprintf(want, sizeof want, "\r\nSUMMARY:%s\r\n", title);
	cr_assert_not_null(strstr(u, want), "%s", u);
	free(u);
	free(s);
}

/* A fold never parts an escape from what it escapes. */
Test(ical, folding_escapes)
{
	char	 json[512], *s, *u, *p;
	size_t	 i;

	strcpy(json, "[{\"event\": 8, \"start\": \"2025-03-04T14:00:00Z\", "
	    "\"duration\": 60, \"title\": \"");
	for (i = 0; i < 60; i++)
		strcat(json, ",;");
	strcat(json, "\"}]");
	s = ics(json, NULL);
	assert_lines(s);
	for (p = strstr(s, "\r\n "); p != NULL; p = strstr(p + 1, "\r\n "))
		cr_assert(p[-1] != '\\' || p[-2] == '\\', "%s", s);
	u = unfold(s);
	cr_assert_not_null(strstr(u, "SUMMARY:\\,\\;\\,\\;"), "%s", u);
	free(u);
	free(s);
}

Test(ical, cancelled)
{
	char	*s = ics(EVENT(", \"summary\": \"Bring a case\", "
	    "\"cancelled\": {\"reason\": \"unwell, sorry\"}"), NULL);

	assert_lines(s);
	cr_assert_not_null(strstr(s, "\r\nSTATUS:CANCELLED\r\nSEQUENCE:1\r\n"),
	    "%s", s);
	cr_assert_not_null(strstr(s, "\r\nDESCRIPTION:Cancelled: unwell\\, "
	    "sorry\\n\\nBring a case\r\n"), "%s", s);
	free(s);
}

/* One without a start or an id is left out; none at all is still a
 * calendar. */
Test(ical, left_out)
{
	int	 n;
	char	*s = ics("[{\"event\": 1, \"title\": \"no start\"}, "
	    "{\"title\": \"no id\", \"start\": \"2025-03-04T14:00:00Z\"}, "
	    "{\"event\": 2, \"title\": \"ok\", \"start\": "
	    "\"2025-03-04T14:00:00Z\", \"duration\": 5}]", &n);

	cr_assert_eq(n, 1);
	cr_assert_not_null(strstr(s, "UID:event-2@"), "%s", s);
	cr_assert_null(strstr(s, "UID:event-1@"), "%s", s);
	free(s);
	s = ics("[]", &n);
	cr_assert_eq(n, 0);
	cr_assert_null(strstr(s, "VEVENT"), "%s", s);
	cr_assert_not_null(strstr(s, "END:VCALENDAR\r\n"), "%s", s);
	free(s);
}
