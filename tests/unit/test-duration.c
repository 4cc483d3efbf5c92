/*
 * test-duration.c: proto_parse_duration (proto/proto-duration.c), the
 * client's reading of "30s", "10m", "2h", "3d" for mute --for and
 * invite --expires. A bad or absurd one must be refused before anything
 * is sent, so the edges are spelt out.
 */
#include <stdint.h>

#include <criterion/criterion.h>

#include "proto.h"

#define NITEMS(a)	(sizeof (a) / sizeof (a)[0])

Test(duration, units)
{
	static const struct {
		const char	*in;
		int64_t		 secs;
	} ok[] = {
		{ "1s", 1 }, { "30s", 30 }, { "10m", 600 }, { "2h", 7200 },
		{ "3d", 3 * 86400 }, { "90s", 90 }, { "007m", 420 },
		{ "365d", PROTO_MUTE_MAX }, { "31536000s", PROTO_MUTE_MAX },
		{ "8760h", PROTO_MUTE_MAX },
	};
	size_t	i;

	for (i = 0; i < NITEMS(ok); i++)
		cr_expect_eq(proto_parse_duration(ok[i].in, PROTO_MUTE_MAX),
		    ok[i].secs, "%s", ok[i].in);
}

Test(duration, refused)
{
	static const char *const bad[] = {
		"", "s", "0s", "0d", "00m", "30", "10x", "1.5h", "-1m", "+1m",
		" 1m", "1m ", "1 m", "1mm", "m1", "1M", "1H", "366d",
		"31536001s", "525601m", "8761h", "99999999999d",
		"999999999999d", "1d2h", "abc", "0x10s",
	};
	size_t	i;

	cr_expect_eq(proto_parse_duration(NULL, PROTO_MUTE_MAX), -1);
	for (i = 0; i < NITEMS(bad); i++)
		cr_expect_eq(proto_parse_duration(bad[i], PROTO_MUTE_MAX), -1,
		    "\"%s\"", bad[i]);
}

Test(duration, max_is_the_callers)
{
	cr_expect_eq(proto_parse_duration("90d", PROTO_INVITE_MAX),
	    PROTO_INVITE_MAX);
	cr_expect_eq(proto_parse_duration("91d", PROTO_INVITE_MAX), -1);
	cr_expect_eq(proto_parse_duration("2160h", PROTO_INVITE_MAX),
	    PROTO_INVITE_MAX);
	cr_expect_eq(proto_parse_duration("2161h", PROTO_INVITE_MAX), -1);
}
