/*
 * proto-duration.c: a length of time as people type it, "30s", "10m",
 * "2h", "3d", "12w", for the client's options (mute --for, invite --expires).
 * The wire always carries seconds; this is the one reading of the
 * shorthand, so two commands cannot disagree about what "1d" means.
 */
#include <string.h>

#include "proto.h"

/* More digits than any sensible duration, few enough not to overflow. */
#define PROTO_DURATION_DIGITS	11

static int64_t
proto_duration_unit(char c)
{
	switch (c) {
	case 's':
		return (1);
	case 'm':
		return (60);
	case 'h':
		return (3600);
	case 'd':
		return (86400);
	case 'w':
		return (7 * 86400);
	default:
		return (-1);
	}
}

int64_t
proto_parse_duration(const char *s, int64_t max)
{
	int64_t	 n = 0, unit;
	size_t	 len, i;

	if (s == NULL || (len = strlen(s)) < 2 ||
	    len > PROTO_DURATION_DIGITS + 1)
		return (-1);
	if ((unit = proto_duration_unit(s[len - 1])) == -1)
		return (-1);
	for (i = 0; i < len - 1; i++) {
		if (s[i] < '0' || s[i] > '9')
			return (-1);
		n = n * 10 + (s[i] - '0');
	}
	if (n == 0 || n > max / unit)
		return (-1);
	return (n * unit);
}
