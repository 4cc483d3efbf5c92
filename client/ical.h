/*
 * ical.h: events as iCalendar (RFC 5545), for people's own calendars.
 *
 * Self-contained (jansson and proto.h only), so that the unit tests
 * link it alone.
 */
#ifndef HARBOUR_ICAL_H
#define HARBOUR_ICAL_H

#include <stdint.h>
#include <stdio.h>
#include <jansson.h>

/* Octets of a content line before it is folded (RFC 5545, 3.1). */
#define ICAL_LINE_MAX	75

/*
 * One VCALENDAR on fp with a VEVENT for each event object in events
 * (an array, as event.list and event.show give them): lines end in
 * CRLF and are folded at ICAL_LINE_MAX octets, never inside a UTF-8
 * character. host makes the UIDs ("event-12@HOST", the same in every
 * export, so that a calendar updates its copy); now (seconds, UTC) is
 * the DTSTAMP. How many events were written (one without an id or a
 * start is left out), or -1 when writing failed (errno says why).
 */
int	ical_write(FILE *fp, json_t *events, const char *host, int64_t now);

#endif
