/*
 * programme.c: the programme's report, built from the store's counts
 * (store-programme.c) into the document the wire carries; suppression
 * is programme-suppress.c's.
 *
 * The document holds numbers and the names of organisations, months
 * and event types: never a person's name or anything anyone wrote. It
 * is a function of the stored rows and the range alone (no time of
 * making, organisations and types in name order), so the same range on
 * the same data is the same document, byte for byte.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "programme.h"
#include "util.h"

/* The metrics as the wire names them, in STORE_PM_* order. */
static const struct {
	const char	*key;
	const char	*label;
} programme_metrics[STORE_PM__COUNT] = {
	[STORE_PM_ACTIVE] = { "active", "Active members" },
	[STORE_PM_POSTS] = { "posts", "Posts" },
	[STORE_PM_THREADS] = { "threads", "Threads started" },
	[STORE_PM_SHARED] = { "resources_shared", "Resources shared" },
	[STORE_PM_FETCHED] = { "resources_fetched", "Resources fetched" },
	[STORE_PM_EVENTS] = { "events", "Sessions held" },
	[STORE_PM_SIGNUPS] = { "signups", "Sign-ups" },
	[STORE_PM_ATTENDED] = { "attended", "Attendance" },
};

/* Which metric each column of the event types' counts adds up to. */
static const int programme_type_metric[3] = {
	STORE_PM_EVENTS, STORE_PM_SIGNUPS, STORE_PM_ATTENDED
};

int
programme_month(const char *s)
{
	int y, m;
	char tail;

	if (s == NULL || strlen(s) != 7 || s[4] != '-' ||
	    sscanf(s, "%4d-%2d%c", &y, &m, &tail) != 2 || y < 1970 ||
	    y > 9999 || m < 1 || m > 12)
		return -1;
	return y * 100 + m;
}

static int64_t
programme_month_start(int yyyymm)
{
	struct tm tm;

	memset(&tm, 0, sizeof tm);
	tm.tm_year = yyyymm / 100 - 1900;
	tm.tm_mon = yyyymm % 100 - 1;
	tm.tm_mday = 1;
	return (int64_t)timegm(&tm);
}

static int
programme_month_index(int from, int yyyymm)
{
	return (yyyymm / 100 - from / 100) * 12 + yyyymm % 100 - from % 100;
}

int
programme_range(int from, int to, struct store_programme_range *rg)
{
	int n = programme_month_index(from, to) + 1, next;

	if (n < 1)
		return -1;
	if (n > PROGRAMME_MAX_MONTHS)
		return -2;
	next = to % 100 == 12 ? (to / 100 + 1) * 100 + 1 : to + 1;
	rg->from_month = from;
	rg->to_month = to;
	rg->from_ts = programme_month_start(from);
	rg->to_ts = programme_month_start(next);
	return 0;
}

/* ---- the counts, as the store hands them out ------------------------- */

struct programme_org {
	int64_t		 id;
	char		*name;
};

struct programme_type {
	char		*name;
	int64_t		 n[3];
};

struct programme_build {
	const struct store_programme_range *rg;
	size_t			 months;
	struct programme_org	*orgs;
	size_t			 norgs;
	struct programme_type	*types;
	size_t			 ntypes;
	/* cells per metric, orgs x months, as (org, month) rows come */
	int64_t			*cells[STORE_PM__COUNT];
	size_t			 cap;		/* of orgs: cells follow it */
};

static int
programme_org_cb(void *arg, int64_t id, const char *name)
{
	struct programme_build *b = arg;

	b->orgs = xrealloc(b->orgs, (b->norgs + 1) * sizeof *b->orgs);
	b->orgs[b->norgs].id = id;
	b->orgs[b->norgs].name = xstrdup(name);
	b->norgs++;
	return 0;
}

static int
programme_cell_cb(void *arg, int metric, int64_t org, int month, int64_t n)
{
	struct programme_build *b = arg;
	size_t o, m;
	int i;

	if (b->cells[metric] == NULL)
		b->cells[metric] = xcalloc(b->norgs * b->months + 1,
		    sizeof *b->cells[metric]);
	i = programme_month_index(b->rg->from_month, month);
	if (i < 0 || (size_t)i >= b->months)
		return 0;
	m = (size_t)i;
	/* Organisations come in name order; found by id, few. */
	for (o = 0; o < b->norgs && b->orgs[o].id != org; o++)
		;
	if (o < b->norgs)
		b->cells[metric][o * b->months + m] = n;
	return 0;
}

static int
programme_type_cb(void *arg, const char *name, const int64_t n[3])
{
	struct programme_build *b = arg;

	b->types = xrealloc(b->types, (b->ntypes + 1) * sizeof *b->types);
	b->types[b->ntypes].name = xstrdup(name);
	memcpy(b->types[b->ntypes].n, n, sizeof b->types[b->ntypes].n);
	b->ntypes++;
	return 0;
}

static void
programme_build_free(struct programme_build *b)
{
	size_t i;

	for (i = 0; i < b->norgs; i++)
		free(b->orgs[i].name);
	for (i = 0; i < b->ntypes; i++)
		free(b->types[i].name);
	for (i = 0; i < STORE_PM__COUNT; i++)
		free(b->cells[i]);
	free(b->orgs);
	free(b->types);
}

/* ---- the document ------------------------------------------------------ */

static json_t *
programme_value(const struct programme_grid *g, size_t i, int k)
{
	char small[24];

	switch (g->st[i]) {
	case PROGRAMME_SMALL:
		snprintf(small, sizeof small, "<%d", k);
		return json_string(small);
	case PROGRAMME_WITHHELD:
		return json_string("*");
	default:
		return json_integer(g->v[i]);
	}
}

/* Which event-type column adds up to metric, or -1. */
static int
programme_type_column(int metric)
{
	int c;

	for (c = 0; c < 3; c++)
		if (programme_type_metric[c] == metric)
			return c;
	return -1;
}

/* One metric's table, suppressed; *types gets its event types' cells
 * (a new array) when the metric has them. */
static json_t *
programme_metric(const struct programme_build *b, int metric, int k,
    json_t **types)
{
	struct programme_grid g;
	json_t *o, *rows, *row, *tot;
	size_t i, m, n;
	int col = programme_type_column(metric);

	g.orgs = b->norgs;
	g.months = b->months;
	g.types = col >= 0 ? b->ntypes : 0;
	n = programme_grid_size(&g);
	g.v = xcalloc(n, sizeof *g.v);
	g.st = xcalloc(n, 1);
	for (i = 0; b->cells[metric] != NULL && i < b->norgs * b->months; i++)
		g.v[i] = b->cells[metric][i];
	for (i = 0; i < g.types; i++)
		g.v[programme_type(&g, i)] = b->types[i].n[col];
	programme_grid_totals(&g);
	programme_suppress(&g, k);
	rows = json_array();
	for (i = 0; i < g.orgs; i++) {
		row = json_array();
		for (m = 0; m < g.months; m++)
			json_array_append_new(row, programme_value(&g,
			    programme_cell(&g, i, m), k));
		json_array_append_new(rows, row);
	}
	tot = json_array();
	for (i = 0; i < g.orgs; i++)
		json_array_append_new(tot, programme_value(&g,
		    programme_org_total(&g, i), k));
	o = json_pack("{s:s, s:s, s:o, s:o}", "key",
	    programme_metrics[metric].key, "label",
	    programme_metrics[metric].label, "cells", rows, "org_totals", tot);
	tot = json_array();
	for (m = 0; m < g.months; m++)
		json_array_append_new(tot, programme_value(&g,
		    programme_month_total(&g, m), k));
	json_object_set_new(o, "month_totals", tot);
	json_object_set_new(o, "total", programme_value(&g,
	    programme_grand(&g), k));
	if (types != NULL && col >= 0) {
		*types = json_array();
		for (i = 0; i < g.types; i++)
			json_array_append_new(*types, programme_value(&g,
			    programme_type(&g, i), k));
	}
	free(g.v);
	free(g.st);
	return o;
}

/* Organisations reached: with an active member in the range; and how
 * many had been by the end of each month. Counts of organisations,
 * not of people: not suppressed. */
static json_t *
programme_reached(const struct programme_build *b, size_t *total)
{
	const int64_t *a = b->cells[STORE_PM_ACTIVE];
	size_t o, m, *first = xcalloc(b->norgs + 1, sizeof *first);
	json_t *by = json_array();
	size_t n;

	*total = 0;
	for (o = 0; o < b->norgs; o++) {
		first[o] = SIZE_MAX;
		for (m = 0; a != NULL && m < b->months; m++)
			if (a[o * b->months + m] > 0) {
				first[o] = m;
				(*total)++;
				break;
			}
	}
	for (m = 0; m < b->months; m++) {
		for (o = 0, n = 0; o < b->norgs; o++)
			n += first[o] <= m;
		json_array_append_new(by, json_integer((json_int_t)n));
	}
	free(first);
	return by;
}

static json_t *
programme_months(const struct programme_build *b)
{
	json_t *a = json_array();
	int y = b->rg->from_month / 100, m = b->rg->from_month % 100;
	char s[32];
	size_t i;

	for (i = 0; i < b->months; i++) {
		snprintf(s, sizeof s, "%04d-%02d", y, m);
		json_array_append_new(a, json_string(s));
		if (++m > 12) {
			m = 1;
			y++;
		}
	}
	return a;
}

static json_t *
programme_how(int k)
{
	char s[600];

	snprintf(s, sizeof s, "Counts from 1 to %d are shown as \"<%d\", so "
	    "that no figure can single anyone out. Further figures, shown as "
	    "\"*\", are withheld so that no suppressed figure can be worked "
	    "out from a row or column total or from the other figures: every "
	    "row, column and total was checked by working each suppressed "
	    "figure's possible values out from the rest, and more were "
	    "withheld until none was left with a single possible value. Zero "
	    "is shown as 0. Organisations reached count organisations, not "
	    "people, and are not suppressed.", k - 1, k);
	return json_string(s);
}

/* The event types, with their cells from each metric's suppression. */
static json_t *
programme_types(const struct programme_build *b, json_t *cols[3])
{
	json_t *a = json_array();
	size_t t;

	for (t = 0; t < b->ntypes; t++)
		json_array_append_new(a, json_pack("{s:s, s:O, s:O, s:O}",
		    "type", b->types[t].name[0] != '\0' ? b->types[t].name :
		    "untagged", "events", json_array_get(cols[0], t),
		    "signups", json_array_get(cols[1], t), "attended",
		    json_array_get(cols[2], t)));
	return a;
}

json_t *
programme_report(struct store_reader *rd,
    const struct store_programme_range *rg, int k, int target)
{
	struct programme_build b;
	struct store_programme_cb cb = { &b, programme_org_cb,
	    programme_cell_cb, programme_type_cb };
	json_t *r, *metrics, *orgs, *months, *cols[3] = { NULL, NULL, NULL }, **slot;
	size_t i, reached;
	int m;

	memset(&b, 0, sizeof b);
	b.rg = rg;
	b.months = (size_t)programme_month_index(rg->from_month,
	    rg->to_month) + 1;
	if (store_programme(rd, rg, &cb) != STORE_OK) {
		programme_build_free(&b);
		return NULL;
	}
	metrics = json_array();
	for (m = 0; m < STORE_PM__COUNT; m++) {
		slot = programme_type_column(m) >= 0 ?
		    &cols[programme_type_column(m)] : NULL;
		json_array_append_new(metrics, programme_metric(&b, m, k, slot));
	}
	orgs = json_array();
	for (i = 0; i < b.norgs; i++)
		json_array_append_new(orgs, json_string(b.orgs[i].name));
	months = programme_months(&b);
	r = json_pack("{s:s, s:O, s:O, s:o, s:i, s:o, s:i}", "format",
	    PROGRAMME_FORMAT, "from", json_array_get(months, 0), "to",
	    json_array_get(months, b.months - 1), "months", months,
	    "suppress_below", k, "suppression", programme_how(k),
	    "target_orgs", target);
	json_object_set_new(r, "orgs_reached_by_month",
	    programme_reached(&b, &reached));
	json_object_set_new(r, "orgs_reached", json_integer(
	    (json_int_t)reached));
	json_object_set_new(r, "orgs", orgs);
	json_object_set_new(r, "metrics", metrics);
	json_object_set_new(r, "event_types", programme_types(&b, cols));
	for (i = 0; i < 3; i++)
		json_decref(cols[i]);
	programme_build_free(&b);
	return r;
}
