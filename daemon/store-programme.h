/*
 * store-programme.h: what the programme's report counts and the read
 * connection it counts on, part of the store's interface (store.h
 * includes it; only store*.c speak SQL).
 */
#ifndef HARBOUR_STORE_PROGRAMME_H
#define HARBOUR_STORE_PROGRAMME_H

#include "store.h"

/* ---- the programme's report (store-programme.c) ------------------- */

/* What the report counts per organisation and month; stored nowhere,
 * named in the report's wire format by programme.c. */
enum store_pmetric {
	STORE_PM_ACTIVE,	/* members who posted, read or attended */
	STORE_PM_POSTS,
	STORE_PM_THREADS,	/* threads started */
	STORE_PM_SHARED,	/* resources shared */
	STORE_PM_FETCHED,	/* resources' files fetched (once a person) */
	STORE_PM_EVENTS,	/* sessions held (by the organiser's org) */
	STORE_PM_SIGNUPS,	/* places taken or waited for */
	STORE_PM_ATTENDED,
	STORE_PM__COUNT
};

/* Calendar months from_month..to_month (yyyymm, UTC), which are the
 * times from_ts <= t < to_ts. */
struct store_programme_range {
	int		 from_month;
	int		 to_month;
	int64_t		 from_ts;
	int64_t		 to_ts;
};

/* The counts, as the store hands them out: every organisation (by
 * name), then each metric's non-zero (organisation, month) cells, then
 * per event type ("" untagged) its events, sign-ups and attendance.
 * A callback returns non-zero to stop. */
struct store_programme_cb {
	void		*arg;
	int		(*org)(void *, int64_t id, const char *name);
	int		(*cell)(void *, int metric, int64_t org, int month,
			    int64_t n);
	int		(*type)(void *, const char *type, const int64_t n[3]);
};
/*
 * A read connection of its own, for one long read on a thread of its
 * own instead of the loop (the report scans every event of its range:
 * about a second for a million). Opened and closed on the loop; used
 * on one other thread in between.
 */
struct store_reader;
struct store_reader *store_reader_open(struct store *, char **cause);
void	store_reader_close(struct store_reader *);
int	store_programme(struct store_reader *,
	    const struct store_programme_range *,
	    const struct store_programme_cb *);

#endif
