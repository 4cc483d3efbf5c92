/*
 * programme.h: the programme's report, from the store's counts to the
 * document a funder may read: per organisation and month, with every
 * small count suppressed and enough others withheld that no suppressed
 * count can be worked out from what is shown (programme.c says how).
 */
#ifndef HARBOUR_PROGRAMME_H
#define HARBOUR_PROGRAMME_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "store.h"

/* The longest range one report covers, in calendar months. */
#define PROGRAMME_MAX_MONTHS	60
/* The wire format's name; a change that breaks readers is a new one. */
#define PROGRAMME_FORMAT	"harbour-report-1"

/* A cell's state in a report. */
#define PROGRAMME_SHOWN		0
#define PROGRAMME_SMALL		1	/* 1 .. suppress_below - 1: "<N" */
#define PROGRAMME_WITHHELD	2	/* withheld to protect another: "*" */

/*
 * One metric's table: orgs x months cells, then a total per
 * organisation, a total per month, the grand total, and (types > 0)
 * one cell per event type, which add up to the same grand total. v[]
 * and st[] hold programme_grid_size() entries in that order.
 */
struct programme_grid {
	size_t		 orgs;
	size_t		 months;
	size_t		 types;
	int64_t		*v;
	uint8_t		*st;		/* PROGRAMME_* */
};

size_t	programme_grid_size(const struct programme_grid *);
/* Index of a cell, an organisation's total, a month's total, the grand
 * total, an event type's cell. */
size_t	programme_cell(const struct programme_grid *, size_t org, size_t m);
size_t	programme_org_total(const struct programme_grid *, size_t org);
size_t	programme_month_total(const struct programme_grid *, size_t m);
size_t	programme_grand(const struct programme_grid *);
size_t	programme_type(const struct programme_grid *, size_t t);
/* Fill the totals from the cells (the types' cells are given). */
void	programme_grid_totals(struct programme_grid *);
/*
 * Mark small counts (1 .. k - 1), then withhold further entries until
 * no suppressed entry is fixed by the tables' sums: each row, column
 * and the event types must leave every suppressed entry a range of
 * more than one value. Returns how many entries were withheld.
 */
size_t	programme_suppress(struct programme_grid *, int k);
/* Whether some suppressed entry's value can be worked out from what the
 * grid shows (the audit programme_suppress runs until it finds none). */
int	programme_exposed(const struct programme_grid *, int k);

/* "2024-03" as 202403; -1 when it is not a month. */
int	programme_month(const char *);
/* The range of months from..to (yyyymm): 0; -1 backwards; -2 longer
 * than PROGRAMME_MAX_MONTHS. */
int	programme_range(int from, int to, struct store_programme_range *);
/* The report over a range, suppressed with k (suppress_below), against
 * target organisations, read through rd (on any one thread); NULL when
 * the store failed. */
json_t	*programme_report(struct store_reader *rd,
	    const struct store_programme_range *, int k, int target);

#endif
