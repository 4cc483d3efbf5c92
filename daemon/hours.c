/*
 * hours.c: working hours in a person's own time zone (see hours.h).
 *
 * The text is read by a small hand-written scanner, one range at a
 * time, into a struct of at most HOURS_MAX_RANGES ranges; the struct
 * keeps the ranges in the order given and each range's days as a mask,
 * so the canonical text written from it reads back to the same struct.
 *
 * Time zones come from the system tz database through TZ, because libc
 * has no per-zone API: hours_at and hours_when set TZ to the zone, call
 * tzset() and localtime_r(), then put TZ back as it was (unset again if
 * it was unset) and call tzset() once more. That is process state, so
 * these are for the event loop's thread, their one caller; the other
 * threads (the store's writer and checkpointer, the hashing pool) never
 * read the environment or the local time. It is also not cheap (tzset
 * reads the zone file when the name changes), which is fine because it
 * is done when an account's hours change or a change time passes, never
 * per event. When TZ already names the zone, it is left alone.
 *
 * The zone is checked (hours_tz_valid) before TZ is touched: glibc takes
 * a name it cannot find for UTC without a word, and a typo in a zone
 * must not move someone's hours by an hour or nine.
 *
 * Local times are turned into instants here, not by mktime(): for a
 * time in a spring-forward gap glibc's mktime moves it on by the gap
 * (01:30 becomes 02:30 BST), and for one that happens twice it picks the
 * second. Here a gap time is the first instant after the gap and a
 * doubled one its first occurrence; hours_local_to_utc solves
 * local = utc + offset with the offsets localtime_r reports.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "hours.h"
#include "util.h"

#define HOURS_DAYS		7
#define HOURS_ALL_DAYS		0x7f
#define HOURS_SEC_PER_DAY	86400
/* The longest range written out, "Mon,Tue,Thu,Fri,Sun 09:00-17:30". */
#define HOURS_RANGE_TEXT_MAX	31
/* Days before and after now whose ranges hours_at lays out: the day
 * before for safety, and one past the search so that a stretch running
 * to its end is seen to go on. */
#define HOURS_SPAN_BEFORE	1
#define HOURS_SPAN_AFTER	(HOURS_SEARCH_DAYS + 1)
#define HOURS_SPANS		((HOURS_SPAN_BEFORE + HOURS_SPAN_AFTER + 1) * \
				    HOURS_MAX_RANGES)
/* How much of a bad piece of text a message quotes. */
#define HOURS_QUOTE		16
#define HOURS_TZ_DEFAULT_DIR	"/usr/share/zoneinfo"
#define HOURS_TZ_MAGIC		"TZif"

_Static_assert(HOURS_MAX_SPEC >= HOURS_MAX_RANGES * HOURS_RANGE_TEXT_MAX +
    (HOURS_MAX_RANGES - 1) * 2, "canonical text must fit HOURS_MAX_SPEC");

static const char *const hours_day_names[HOURS_DAYS] = {
	"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun",
};

/* One stretch of hours_at's layout, in epoch seconds, [start, end). */
struct hours_span {
	int64_t		 start, end;
};

/* TZ as it was before hours_tz_enter, to be put back. */
struct hours_tz {
	char		*saved;		/* NULL: TZ was unset */
	int		 switched;
};

static void hours_err(char *, size_t, const char *, ...)
    __attribute__((format(printf, 3, 4)));

static void
hours_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* ASCII only, whatever the locale: a zone name goes into a path. */
static int
hours_alpha(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static int
hours_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
hours_space(char c)
{
	return c == ' ' || c == '\t';
}

static const char *
hours_skip_spaces(const char *p)
{
	while (hours_space(*p))
		p++;
	return p;
}

/* The length of the word at p to quote in a message: up to a space or
 * a ';' (but one byte at least, so a stray ';' is shown), at most
 * HOURS_QUOTE bytes. */
static int
hours_word(const char *p)
{
	int n = 0;

	while (p[n] != '\0' && n < HOURS_QUOTE &&
	    (n == 0 || (!hours_space(p[n]) && p[n] != ';')))
		n++;
	return n;
}

/* The length of the run of characters at p that make up a time. */
static int
hours_time_word(const char *p)
{
	int n = 0;

	while ((hours_digit(p[n]) || p[n] == ':') && n < HOURS_QUOTE)
		n++;
	return n;
}

/* One day name at *p: 0 .. 6 for Mon .. Sun, or -1 with a message. */
static int
hours_parse_day(const char **p, const char *after, char *err, size_t errlen)
{
	const char *s = *p;
	int n = 0, d;

	while (hours_alpha(s[n]) && n < HOURS_QUOTE)
		n++;
	if (n == 0) {
		hours_err(err, errlen, "hours: no day after '%s'", after);
		return -1;
	}
	for (d = 0; d < HOURS_DAYS && n == 3; d++)
		if (strncasecmp(s, hours_day_names[d], 3) == 0) {
			*p = s + n;
			return d;
		}
	hours_err(err, errlen, "hours: %.*s is not a day", n, s);
	return -1;
}

/* Days a to b, wrapping past Sunday when b comes before a. */
static uint8_t
hours_day_span(int a, int b)
{
	uint8_t mask = 0;

	for (;;) {
		mask |= 1u << a;
		if (a == b)
			return mask;
		a = (a + 1) % HOURS_DAYS;
	}
}

/* DAYS at *p: a comma list of days and day ranges. */
static int
hours_parse_days(const char **p, uint8_t *days, char *err, size_t errlen)
{
	const char *s = *p;
	int a, b;

	if (!hours_alpha(*s)) {
		if (hours_digit(*s))
			hours_err(err, errlen, "hours: no days before %.*s",
			    hours_time_word(s), s);
		else
			hours_err(err, errlen, "hours: no days at \"%.*s\"",
			    hours_word(s), s);
		return -1;
	}
	*days = 0;
	for (;;) {
		if ((a = b = hours_parse_day(&s, ",", err, errlen)) == -1)
			return -1;
		if (*s == '-') {
			s++;
			if ((b = hours_parse_day(&s, "-", err, errlen)) == -1)
				return -1;
		}
		*days |= hours_day_span(a, b);
		if (*s != ',')
			break;
		s++;
	}
	*p = s;
	return 0;
}

/* HH:MM at *p, in minutes; 24:00 is taken here, start < end rules it
 * out as a start. */
static int
hours_parse_time(const char **p, uint16_t *min, char *err, size_t errlen)
{
	const char *s = *p;
	int n = hours_time_word(s), hh, mm;

	if (n != 5 || !hours_digit(s[0]) ||
	    !hours_digit(s[1]) || s[2] != ':' ||
	    !hours_digit(s[3]) || !hours_digit(s[4])) {
		if (n == 0)
			n = hours_word(s);
		if (n == 0)
			hours_err(err, errlen, "hours: a time (HH:MM) is "
			    "missing");
		else
			hours_err(err, errlen, "hours: \"%.*s\" is not a time "
			    "(HH:MM)", n, s);
		return -1;
	}
	hh = (s[0] - '0') * 10 + (s[1] - '0');
	mm = (s[3] - '0') * 10 + (s[4] - '0');
	if (hh > 24 || mm > 59 || (hh == 24 && mm != 0)) {
		hours_err(err, errlen, "hours: %.5s is not a time of day", s);
		return -1;
	}
	*min = (uint16_t)(hh * 60 + mm);
	*p = s + n;
	return 0;
}

/* One range at *p: DAYS, spaces, HH:MM-HH:MM. */
static int
hours_parse_range(const char **p, struct hours_range *r, char *err,
    size_t errlen)
{
	const char *s = *p, *days = s, *start;

	if (hours_parse_days(&s, &r->days, err, errlen) == -1)
		return -1;
	if (!hours_space(*s)) {
		if (*s == '\0' || *s == ';')
			hours_err(err, errlen, "hours: no times after %.*s",
			    (int)(s - days), days);
		else
			hours_err(err, errlen, "hours: unexpected \"%.*s\" "
			    "after %.*s", hours_word(s), s, (int)(s - days),
			    days);
		return -1;
	}
	s = hours_skip_spaces(s);
	start = s;
	if (hours_parse_time(&s, &r->start, err, errlen) == -1)
		return -1;
	if (*s != '-') {
		hours_err(err, errlen, "hours: no '-' right after %.5s", start);
		return -1;
	}
	s++;
	if (hours_parse_time(&s, &r->end, err, errlen) == -1)
		return -1;
	if (r->start >= r->end) {
		hours_err(err, errlen, "hours: start %.5s is not before "
		    "end %.5s", start, start + 6);
		return -1;
	}
	*p = s;
	return 0;
}

int
hours_parse(const char *spec, struct hours *h, char *err, size_t errlen)
{
	struct hours	 tmp;
	const char	*p, *end;

	if (spec == NULL) {
		hours_err(err, errlen, "hours: empty");
		return -1;
	}
	if (strnlen(spec, HOURS_MAX_SPEC + 1) > HOURS_MAX_SPEC) {
		hours_err(err, errlen, "hours: longer than %d bytes",
		    HOURS_MAX_SPEC);
		return -1;
	}
	memset(&tmp, 0, sizeof tmp);
	if (*(p = hours_skip_spaces(spec)) == '\0') {
		hours_err(err, errlen, "hours: empty");
		return -1;
	}
	for (;;) {
		if (tmp.n == HOURS_MAX_RANGES) {
			hours_err(err, errlen, "hours: more than %d ranges",
			    HOURS_MAX_RANGES);
			return -1;
		}
		if (hours_parse_range(&p, &tmp.r[tmp.n], err, errlen) == -1)
			return -1;
		tmp.n++;
		end = p;	/* just after the range's end time */
		if (*(p = hours_skip_spaces(p)) == '\0')
			break;
		if (*p != ';') {
			hours_err(err, errlen, "hours: unexpected \"%.*s\" "
			    "after %.5s", hours_word(p), p, end - 5);
			return -1;
		}
		if (*(p = hours_skip_spaces(p + 1)) == '\0') {
			hours_err(err, errlen, "hours: nothing after ';'");
			return -1;
		}
	}
	*h = tmp;
	return 0;
}

static int
hours_valid(const struct hours *h)
{
	int i;

	if (h == NULL || h->n < 0 || h->n > HOURS_MAX_RANGES)
		return 0;
	for (i = 0; i < h->n; i++)
		if (h->r[i].days == 0 || (h->r[i].days & ~HOURS_ALL_DAYS) ||
		    h->r[i].start >= h->r[i].end ||
		    h->r[i].end > HOURS_MINUTES_PER_DAY)
			return 0;
	return 1;
}

/* A range's days from Monday: runs of three or more as Mon-Wed, shorter
 * ones day by day. */
static size_t
hours_format_days(uint8_t days, char *out)
{
	size_t	 off = 0;
	int	 d = 0, e;

	while (d < HOURS_DAYS) {
		if (!(days & (1u << d))) {
			d++;
			continue;
		}
		for (e = d; e + 1 < HOURS_DAYS && (days & (1u << (e + 1))); e++)
			;
		if (off > 0)
			out[off++] = ',';
		if (e - d >= 2) {
			memcpy(out + off, hours_day_names[d], 3);
			out[off + 3] = '-';
			memcpy(out + off + 4, hours_day_names[e], 3);
			off += 7;
			d = e + 1;
		} else {
			memcpy(out + off, hours_day_names[d], 3);
			off += 3;
			d++;
		}
	}
	return off;
}

int
hours_format(const struct hours *h, char *buf, size_t len)
{
	char	 text[HOURS_MAX_SPEC + 1];
	size_t	 off = 0;
	int	 i;

	if (len > 0)
		buf[0] = '\0';
	if (!hours_valid(h))
		return -1;
	for (i = 0; i < h->n; i++) {
		if (i > 0) {
			memcpy(text + off, "; ", 2);
			off += 2;
		}
		off += hours_format_days(h->r[i].days, text + off);
		/* The static assertion above keeps this inside text. */
		off += (size_t)snprintf(text + off, sizeof text - off,
		    " %02d:%02d-%02d:%02d", h->r[i].start / 60,
		    h->r[i].start % 60, h->r[i].end / 60, h->r[i].end % 60);
	}
	if (off >= len)
		return -1;
	memcpy(buf, text, off);
	buf[off] = '\0';
	return (int)off;
}

int
hours_equal(const struct hours *a, const struct hours *b)
{
	int i;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n && i < HOURS_MAX_RANGES; i++)
		if (a->r[i].days != b->r[i].days ||
		    a->r[i].start != b->r[i].start ||
		    a->r[i].end != b->r[i].end)
			return 0;
	return 1;
}

static int
hours_tz_char(char c)
{
	return hours_alpha(c) || hours_digit(c) || c == '_' || c == '+' ||
	    c == '-' || c == '/';
}

int
hours_tz_valid(const char *tz)
{
	const char	*dir;
	char		 path[4096], magic[4];
	struct stat	 st;
	size_t		 i, n;
	int		 fd, ok;

	/* One spelling per zone: no empty part ("Europe//London"). */
	if (tz == NULL || (n = strnlen(tz, HOURS_MAX_TZ)) == 0 ||
	    n >= HOURS_MAX_TZ || tz[0] == '/' || tz[n - 1] == '/' ||
	    strstr(tz, "//") != NULL || strstr(tz, "..") != NULL)
		return 0;
	for (i = 0; i < n; i++)
		if (!hours_tz_char(tz[i]))
			return 0;
	/* glibc reads relative names under $TZDIR too, so both agree. */
	if ((dir = getenv("TZDIR")) == NULL || *dir == '\0')
		dir = HOURS_TZ_DEFAULT_DIR;
	if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, tz) >=
	    sizeof path)
		return 0;
	/* O_NONBLOCK: a FIFO of that name must not hang the loop. */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1)
		return 0;
	ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    read(fd, magic, sizeof magic) == (ssize_t)sizeof magic &&
	    memcmp(magic, HOURS_TZ_MAGIC, sizeof magic) == 0;
	close(fd);
	return ok;
}

/* Switch TZ to tz, which must be valid; hours_tz_leave puts it back. */
static int
hours_tz_enter(const char *tz, struct hours_tz *s)
{
	char		 want[HOURS_MAX_TZ + 1];
	const char	*old;

	s->saved = NULL;
	s->switched = 0;
	if (!hours_tz_valid(tz))
		return -1;
	/* The ':' makes glibc read tz as a file only, never as a POSIX
	 * rule such as "EST5EDT,M3.2.0,M11.1.0". */
	snprintf(want, sizeof want, ":%s", tz);
	old = getenv("TZ");
	if (old == NULL || strcmp(old, want) != 0) {
		s->saved = old != NULL ? xstrdup(old) : NULL;
		s->switched = 1;
		if (setenv("TZ", want, 1) == -1) {
			free(s->saved);
			return -1;
		}
	}
	/* localtime_r need not look at TZ again by itself. */
	tzset();
	return 0;
}

static void
hours_tz_leave(struct hours_tz *s)
{
	if (!s->switched)
		return;
	if (s->saved != NULL)
		setenv("TZ", s->saved, 1);
	else
		unsetenv("TZ");
	tzset();
	free(s->saved);
	s->saved = NULL;
	s->switched = 0;
}

/* The offset from UTC in effect at t, in seconds, in the current TZ. */
static int64_t
hours_gmtoff(int64_t t)
{
	time_t		 tt = (time_t)t;
	struct tm	 tm;

	if (localtime_r(&tt, &tm) == NULL)
		return 0;
	return tm.tm_gmtoff;
}

/*
 * The instant at which the wall clock of the current TZ reads local
 * (seconds since the epoch as if local were UTC). A time that happens
 * twice is its first occurrence; one in a gap is the first instant after
 * the gap, found by halving the interval around the change of offset.
 * The offsets a day either side are the candidates: zones do not change
 * twice within two days.
 */
static int64_t
hours_local_to_utc(int64_t local)
{
	int64_t	 off[3], best = INT64_MAX, lo, hi, omin, omax, o0, t;
	int	 i;

	off[0] = hours_gmtoff(local - HOURS_SEC_PER_DAY);
	off[1] = hours_gmtoff(local);
	off[2] = hours_gmtoff(local + HOURS_SEC_PER_DAY);
	omin = omax = off[0];
	for (i = 0; i < 3; i++) {
		t = local - off[i];
		if (hours_gmtoff(t) == off[i] && t < best)
			best = t;
		omin = off[i] < omin ? off[i] : omin;
		omax = off[i] > omax ? off[i] : omax;
	}
	if (best != INT64_MAX)
		return best;
	/* In a gap: before the change the clock is behind (omin), after it
	 * ahead (omax); the change lies in (local - omax, local - omin]. */
	lo = local - omax;
	hi = local - omin;
	o0 = hours_gmtoff(lo);
	while (hi - lo > 1) {
		t = lo + (hi - lo) / 2;
		if (hours_gmtoff(t) == o0)
			lo = t;
		else
			hi = t;
	}
	return hi;
}

/* Lay out h's ranges on the days around now as instants, in the
 * current TZ. The number of spans. */
static int
hours_layout(const struct hours *h, int64_t now, struct hours_span *sp)
{
	time_t		 tt = (time_t)now;
	struct tm	 tm, day;
	int64_t		 midnight, base;
	int		 k, i, wday, n = 0;

	if (localtime_r(&tt, &tm) == NULL)
		return -1;
	memset(&day, 0, sizeof day);
	day.tm_year = tm.tm_year;
	day.tm_mon = tm.tm_mon;
	day.tm_mday = tm.tm_mday;
	midnight = (int64_t)timegm(&day);
	for (k = -HOURS_SPAN_BEFORE; k <= HOURS_SPAN_AFTER; k++) {
		/* tm_wday counts from Sunday, the mask from Monday. */
		wday = ((tm.tm_wday + 6 + k) % HOURS_DAYS + HOURS_DAYS) %
		    HOURS_DAYS;
		base = midnight + (int64_t)k * HOURS_SEC_PER_DAY;
		for (i = 0; i < h->n; i++) {
			if (!(h->r[i].days & (1u << wday)))
				continue;
			sp[n].start = hours_local_to_utc(base +
			    h->r[i].start * 60);
			sp[n].end = hours_local_to_utc(base + h->r[i].end * 60);
			/* A range wholly in a spring-forward gap is empty. */
			if (sp[n].start < sp[n].end)
				n++;
		}
	}
	return n;
}

/* From the spans: whether now is in one, and the next change. */
static void
hours_next(const struct hours_span *sp, int n, int64_t now, int *in,
    int64_t *next)
{
	int64_t	 t = now, ext, best = INT64_MAX;
	int	 i;

	*in = 0;
	for (i = 0; i < n; i++)
		if (sp[i].start <= now && now < sp[i].end)
			*in = 1;
		else if (sp[i].start > now && sp[i].start < best)
			best = sp[i].start;
	if (*in) {
		/* Run on through spans that overlap or touch; t only grows,
		 * so this ends. */
		for (;;) {
			ext = t;
			for (i = 0; i < n; i++)
				if (sp[i].start <= t && t < sp[i].end &&
				    sp[i].end > ext)
					ext = sp[i].end;
			if (ext == t)
				break;
			t = ext;
		}
		best = t;
	}
	if (best > now + (int64_t)HOURS_SEARCH_DAYS * HOURS_SEC_PER_DAY)
		best = INT64_MAX;
	*next = best;
}

int
hours_at(const struct hours *h, const char *tz, int64_t now, int *in,
    int64_t *next)
{
	struct hours_span	 sp[HOURS_SPANS];
	struct hours_tz		 save;
	int			 n;

	if (!hours_valid(h) || hours_tz_enter(tz, &save) == -1)
		return -1;
	n = hours_layout(h, now, sp);
	hours_tz_leave(&save);
	if (n == -1)
		return -1;
	hours_next(sp, n, now, in, next);
	return 0;
}

int
hours_when(const char *tz, int64_t t, char *buf, size_t len)
{
	struct hours_tz	 save;
	struct tm	 tm;
	time_t		 tt = (time_t)t;
	int		 ok, n;

	if (len > 0)
		buf[0] = '\0';
	if (hours_tz_enter(tz, &save) == -1)
		return -1;
	ok = localtime_r(&tt, &tm) != NULL;
	hours_tz_leave(&save);
	if (!ok)
		return -1;
	n = snprintf(buf, len, "%s %02d:%02d %s",
	    hours_day_names[(tm.tm_wday + 6) % HOURS_DAYS], tm.tm_hour,
	    tm.tm_min, tz);
	if (n < 0 || (size_t)n >= len) {
		if (len > 0)
			buf[0] = '\0';
		return -1;
	}
	return 0;
}

/*
 * The instant a wall clock in tz reads y-m-d H:M (a date and time that
 * exist: the caller checks the fields; one in a spring-forward gap is
 * the first instant after it, one that happens twice its first).
 */
int
hours_local(const char *tz, int y, int mo, int d, int h, int mi, int64_t *t)
{
	struct hours_tz	 save;
	struct tm	 tm;

	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	if (hours_tz_enter(tz, &save) == -1)
		return -1;
	*t = hours_local_to_utc((int64_t)timegm(&tm));
	hours_tz_leave(&save);
	return 0;
}

/* "Tue 2025-03-04 14:00 GMT": t's date and time in tz, with the zone's
 * abbreviation then (GMT, BST). */
int
hours_date(const char *tz, int64_t t, char *buf, size_t len)
{
	struct hours_tz	 save;
	struct tm	 tm;
	time_t		 tt = (time_t)t;
	size_t		 n = 0;

	if (len > 0)
		buf[0] = '\0';
	if (hours_tz_enter(tz, &save) == -1)
		return -1;
	if (localtime_r(&tt, &tm) != NULL)
		n = strftime(buf, len, "%a %Y-%m-%d %H:%M %Z", &tm);
	hours_tz_leave(&save);
	return n > 0 ? 0 : -1;
}
