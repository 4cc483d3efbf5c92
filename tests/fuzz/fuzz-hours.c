/*
 * fuzz-hours.c: libFuzzer target for working hours (daemon/hours.c).
 *
 * The input is read twice. As text, it goes through hours_parse; hours
 * it takes must write out (hours_format) within HOURS_MAX_SPEC, and the
 * text written must parse to the same struct and write out the same
 * again; a refusal must come with a message. As bytes, it is made into
 * a struct hours directly (FUZZ_RANGE_BYTES a range), so that hours no
 * text would produce are tried too: whatever hours_format writes for
 * them must parse back to them.
 *
 * Hours that parse are then looked at in one of a few zones, at an
 * instant the input chooses within FUZZ_YEARS years of 2000, and the
 * answer must be consistent: the next change lies ahead, nothing
 * changes in the second before it, and something does at it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hours.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define FUZZ_CHECK(x)	do { if (!(x)) __builtin_trap(); } while (0)

/* One range from bytes: days, then start and end, two bytes each. */
#define FUZZ_RANGE_BYTES	5
/* 2000-01-01 00:00 UTC, and how far past it the instants go. */
#define FUZZ_EPOCH_2000		946684800LL
#define FUZZ_YEARS		40

/* Zones with both kinds of change, a half-hour one and none at all. */
static const char *const fuzz_zones[] = {
	"UTC", "Europe/London", "America/New_York", "Asia/Tokyo",
	"Australia/Lord_Howe", "Pacific/Chatham", "America/Santiago",
};

/* h written out parses back to h, and writes out the same again. */
static void
fuzz_round_trip(const struct hours *h)
{
	char		 text[HOURS_MAX_SPEC + 1], again[HOURS_MAX_SPEC + 1];
	char		 err[128];
	struct hours	 back;
	int		 n;

	n = hours_format(h, text, sizeof text);
	FUZZ_CHECK(n >= 0 && n <= HOURS_MAX_SPEC && (size_t)n == strlen(text));
	if (h->n == 0) {
		FUZZ_CHECK(n == 0);
		return;
	}
	FUZZ_CHECK(hours_parse(text, &back, err, sizeof err) == 0);
	FUZZ_CHECK(hours_equal(h, &back));
	FUZZ_CHECK(hours_format(&back, again, sizeof again) == n);
	FUZZ_CHECK(strcmp(text, again) == 0);
	/* One byte short does not fit. */
	if (n > 0)
		FUZZ_CHECK(hours_format(h, again, (size_t)n) == -1);
}

/* The next change is ahead, and is one: in before it, out at it, or
 * the other way round. */
static void
fuzz_at(const struct hours *h, const uint8_t *data, size_t size)
{
	const char	*tz;
	uint64_t	 r = 0;
	int64_t		 now, next, n2;
	size_t		 i;
	int		 in, in2;

	for (i = 0; i < size && i < 8; i++)
		r = r << 8 | data[i];
	tz = fuzz_zones[r % (sizeof fuzz_zones / sizeof *fuzz_zones)];
	now = FUZZ_EPOCH_2000 + (int64_t)(r % (FUZZ_YEARS * 366ULL * 86400));
	FUZZ_CHECK(hours_at(h, tz, now, &in, &next) == 0);
	if (next == INT64_MAX)
		return;
	FUZZ_CHECK(next > now &&
	    next <= now + (int64_t)HOURS_SEARCH_DAYS * 86400);
	FUZZ_CHECK(hours_at(h, tz, next - 1, &in2, &n2) == 0);
	FUZZ_CHECK(in2 == in && n2 == next);
	FUZZ_CHECK(hours_at(h, tz, next, &in2, &n2) == 0);
	FUZZ_CHECK(in2 != in && n2 > next);
}

/* Hours straight from bytes; hours_format says whether they are valid. */
static void
fuzz_struct(const uint8_t *data, size_t size)
{
	struct hours	 h;
	const uint8_t	*p;
	char		 text[HOURS_MAX_SPEC + 1];
	int		 i;

	if (size == 0)
		return;
	memset(&h, 0, sizeof h);
	h.n = data[0] % (HOURS_MAX_RANGES + 2);
	if ((size_t)h.n > (size - 1) / FUZZ_RANGE_BYTES)
		h.n = (int)((size - 1) / FUZZ_RANGE_BYTES);
	for (i = 0; i < h.n && i < HOURS_MAX_RANGES; i++) {
		p = data + 1 + i * FUZZ_RANGE_BYTES;
		h.r[i].days = p[0];
		h.r[i].start = (uint16_t)((p[1] << 8 | p[2]) % 1500);
		h.r[i].end = (uint16_t)((p[3] << 8 | p[4]) % 1500);
	}
	if (hours_format(&h, text, sizeof text) >= 0)
		fuzz_round_trip(&h);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hours	 h;
	char		*spec, err[128];

	if ((spec = malloc(size + 1)) == NULL)
		return (0);
	memcpy(spec, data, size);
	spec[size] = '\0';
	err[0] = '\0';
	if (hours_parse(spec, &h, err, sizeof err) == 0) {
		FUZZ_CHECK(h.n >= 1 && h.n <= HOURS_MAX_RANGES);
		fuzz_round_trip(&h);
		fuzz_at(&h, data, size);
	} else
		FUZZ_CHECK(strncmp(err, "hours: ", 7) == 0);
	free(spec);
	fuzz_struct(data, size);
	return (0);
}
