/*
 * proto-time.c: the protocol's one time format, "YYYY-MM-DDTHH:MM:SSZ"
 * in UTC, both ways. Formatting runs once per post event, so it writes
 * the digits itself; parsing accepts exactly that shape and a real
 * time, nothing looser.
 */
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "proto.h"

/* ts range we print: four-digit years keep the string PROTO_TS_LEN. */
#define PROTO_TS_MIN	(-62135596800LL)	/* 0001-01-01T00:00:00Z */
#define PROTO_TS_MAX	253402300799LL		/* 9999-12-31T23:59:59Z */

/* Exactly "YYYY-MM-DDTHH:MM:SSZ", a real UTC time; 0 or -1. */
int
proto_ts_parse(const char *s, int64_t *out)
{
	static const char	 shape[] = "dddd-dd-ddTdd:dd:ddZ";
	struct tm		 tm, back;
	time_t			 t;
	size_t			 i;

	if (strlen(s) != sizeof shape - 1)
		return (-1);
	for (i = 0; shape[i] != '\0'; i++) {
		if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') :
		    s[i] != shape[i])
			return (-1);
	}
	memset(&tm, 0, sizeof tm);
	tm.tm_year = atoi(s) - 1900;
	tm.tm_mon = atoi(s + 5) - 1;
	tm.tm_mday = atoi(s + 8);
	tm.tm_hour = atoi(s + 11);
	tm.tm_min = atoi(s + 14);
	tm.tm_sec = atoi(s + 17);
	back = tm;
	/* timegm normalises 02-30 into March: a changed field means the
	 * date did not exist. */
	t = timegm(&tm);
	/* Year 0000 parses but would not print back the same. */
	if ((int64_t)t < PROTO_TS_MIN || (int64_t)t > PROTO_TS_MAX)
		return (-1);
	if (tm.tm_year != back.tm_year || tm.tm_mon != back.tm_mon ||
	    tm.tm_mday != back.tm_mday || tm.tm_hour != back.tm_hour ||
	    tm.tm_min != back.tm_min || tm.tm_sec != back.tm_sec)
		return (-1);
	*out = (int64_t)t;
	return (0);
}

/* v as exactly n decimal digits (leading zeros) at buf. */
static void
proto_ts_digits(char *buf, unsigned v, int n)
{
	while (n-- > 0) {
		buf[n] = (char)('0' + v % 10);
		v /= 10;
	}
}

/* Out-of-range times are clamped: the string must fit PROTO_TS_LEN. */
void
proto_ts_format(int64_t ts, char *buf)
{
	struct tm	tm;
	time_t		t;

	if (ts < PROTO_TS_MIN)
		ts = PROTO_TS_MIN;
	if (ts > PROTO_TS_MAX)
		ts = PROTO_TS_MAX;
	t = (time_t)ts;
	if (gmtime_r(&t, &tm) == NULL)
		memset(&tm, 0, sizeof tm);
	/* YYYY-MM-DDTHH:MM:SSZ by hand: one per post event, and printf's
	 * general machinery showed in the loop's profile. The clamp bounds
	 * every field to its digits. */
	proto_ts_digits(buf, (unsigned)tm.tm_year + 1900, 4);
	buf[4] = '-';
	proto_ts_digits(buf + 5, (unsigned)tm.tm_mon + 1, 2);
	buf[7] = '-';
	proto_ts_digits(buf + 8, (unsigned)tm.tm_mday, 2);
	buf[10] = 'T';
	proto_ts_digits(buf + 11, (unsigned)tm.tm_hour, 2);
	buf[13] = ':';
	proto_ts_digits(buf + 14, (unsigned)tm.tm_min, 2);
	buf[16] = ':';
	proto_ts_digits(buf + 17, (unsigned)tm.tm_sec, 2);
	buf[19] = 'Z';
	buf[20] = '\0';
}
