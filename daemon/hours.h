/*
 * hours.h: people's working hours, in their own time zone. An account
 * says when it works ("Mon-Fri 09:00-17:30") and where ("Europe/London");
 * the bus will hold pushes outside those hours for the inbox. This
 * module reads and writes the text, checks a zone name, and tells
 * whether an instant is within the hours and when that next changes.
 * No SQL, no libevent: the store keeps the text, the server arms a timer
 * for the change time.
 *
 * hours_at and hours_when switch the process's TZ for the length of the
 * call, so they are for the event loop's thread only (see hours.c).
 */
#ifndef HARBOUR_HOURS_H
#define HARBOUR_HOURS_H

#include <stddef.h>
#include <stdint.h>

/* Ranges in one week's hours: a different day for each day of the week,
 * split once each for lunch, is 14. */
#define HOURS_MAX_RANGES	16
/* Bytes of a spec string (no NUL): the longest canonical text of
 * HOURS_MAX_RANGES ranges, 16 x "Mon,Tue,Thu,Fri,Sun 09:00-17:30" (31)
 * and 15 x "; ", so any hours this module reads can be written out and
 * read back. */
#define HOURS_MAX_SPEC		526
/* Bytes of a time zone name, NUL included: twice the longest name in
 * the tz database, "America/Argentina/ComodRivadavia" (32). */
#define HOURS_MAX_TZ		64

#define HOURS_MINUTES_PER_DAY	1440

struct hours_range {
	uint8_t		 days;		/* bit 0 Mon .. bit 6 Sun */
	uint16_t	 start, end;	/* minutes 0..1440, start < end */
};

struct hours {
	int			 n;
	struct hours_range	 r[HOURS_MAX_RANGES];
};

/*
 * Read "Mon-Fri 09:00-17:30" or "Mon,Wed 08:00-12:00; Tue 13:00-18:00":
 * ranges separated by ';' (spaces around allowed), each DAYS, space(s),
 * HH:MM-HH:MM. DAYS is a comma list of days (Mon .. Sun, any case) or
 * day ranges (Mon-Fri; Fri-Mon wraps to Fri,Sat,Sun,Mon). HH 00..24,
 * MM 00..59, 24:00 only as an end, start before end (an overnight stretch
 * is two ranges). 0, or -1 with a short message for a person in err;
 * *h is only written on success.
 */
int	 hours_parse(const char *spec, struct hours *h, char *err,
	    size_t errlen);
/*
 * The canonical text, "Mon-Fri 09:00-17:30; Sat 10:00-12:00": ranges in
 * their order, days from Monday as runs of three or more (Mon-Wed) and
 * single days or pairs (Mon,Wed; Sat,Sun). It is at most HOURS_MAX_SPEC
 * bytes, and hours_parse reads it back to the same struct (but for no
 * ranges at all, written as "", which it refuses as empty). The length,
 * or -1 if it does not fit in len bytes with its NUL or h is not valid
 * hours.
 */
int	 hours_format(const struct hours *h, char *buf, size_t len);
/* 1 when a and b are the same ranges in the same order (what a round
 * trip through the text keeps), else 0. */
int	 hours_equal(const struct hours *a, const struct hours *b);
/* 1 when tz names a zone file of the system tz database (under $TZDIR,
 * else /usr/share/zoneinfo): a relative name of letters, digits and
 * "_+-/" without "..", "//" or a '/' at either end, shorter than
 * HOURS_MAX_TZ, of a regular file that starts with "TZif". "UTC" is
 * one. 0 otherwise. */
int	 hours_tz_valid(const char *tz);
/*
 * Where now (epoch seconds) falls for h in tz: *in 1 within the hours;
 * *next the next change, the end of the current stretch when in (ranges
 * that touch or overlap make one stretch), else the next start. Looked
 * for up to HOURS_SEARCH_DAYS ahead; INT64_MAX when nothing changes in
 * that time (no hours, or hours all week round). Local times follow the
 * tz database's offsets: one in a spring-forward gap is the first instant
 * after the gap, one that happens twice in a fall-back is the first.
 * 0, or -1 if tz is not a valid zone.
 */
#define HOURS_SEARCH_DAYS	8
int	 hours_at(const struct hours *h, const char *tz, int64_t now,
	    int *in, int64_t *next);
/* "Mon 09:00 Europe/London": t's weekday and time in tz. 0, or -1 if tz
 * is not a valid zone or buf is too short. */
int	 hours_when(const char *tz, int64_t t, char *buf, size_t len);

/* The instant the wall clock of tz reads y-mo-d h:mi (fields already
 * checked: a real date, h 0-23, mi 0-59); 0, or -1 for a bad tz. */
int	 hours_local(const char *tz, int y, int mo, int d, int h, int mi,
	    int64_t *t);
/* "Tue 2025-03-04 14:00 GMT": t in tz, with its abbreviation then. */
int	 hours_date(const char *tz, int64_t t, char *buf, size_t len);

#endif
