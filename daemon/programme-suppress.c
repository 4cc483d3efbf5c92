/*
 * programme-suppress.c: small-number suppression for the programme's
 * report, with complementary suppression.
 *
 * A count from 1 to k - 1 could single someone out ("the one person
 * from this charity who came in March"), so it is shown as "<k". That
 * alone is not enough: when a row's total is shown and every other cell
 * of the row is, the hidden one is the difference. So further entries
 * are withheld ("*"), as statistical offices do, until an audit finds
 * that no suppressed entry can be worked out.
 *
 * The audit is the attacker's own arithmetic. Every row, column, the
 * totals' row and column, and the event types are sums: the entries of
 * a line add up to its total. What the attacker knows of each entry is
 * a range: a shown one its value; "<k" 1 .. k-1; "*" anything from
 * 0 (a withheld figure may be of any size, small ones too). Each line narrows
 * the ranges of its entries from the others' (the total is at least the
 * sum of the lows and at most the sum of the highs; an entry at least
 * the total's low less the others' highs, at most the total's high less
 * the others' lows), over and over until nothing moves. An entry whose
 * range is one value is exposed; for each, the smallest shown count of
 * one of its lines is withheld as well (a non-zero one first: it hides
 * most for the least lost), and the audit runs again. When every entry
 * of its lines is hidden already, "<k" itself can give a figure away
 * (four cells under 5 in a row whose total is under 5 are 1 each):
 * then a "<k" of them, the total first, is shown as "*" instead, which
 * says less. Withholding only widens ranges, so this ends, at worst
 * with a table all "*".
 */
#include <stdlib.h>
#include <string.h>

#include "programme.h"
#include "util.h"

/* A range's open end: larger than any count the store can hold. */
#define PG_INF		((int64_t)1 << 60)
/* Narrowing passes per audit at most; ranges settle in a few. */
#define PG_PASSES	256

size_t
programme_grid_size(const struct programme_grid *g)
{
	return g->orgs * g->months + g->orgs + g->months + 1 + g->types;
}

size_t
programme_cell(const struct programme_grid *g, size_t org, size_t m)
{
	return org * g->months + m;
}

size_t
programme_org_total(const struct programme_grid *g, size_t org)
{
	return g->orgs * g->months + org;
}

size_t
programme_month_total(const struct programme_grid *g, size_t m)
{
	return g->orgs * g->months + g->orgs + m;
}

size_t
programme_grand(const struct programme_grid *g)
{
	return g->orgs * g->months + g->orgs + g->months;
}

size_t
programme_type(const struct programme_grid *g, size_t t)
{
	return programme_grand(g) + 1 + t;
}

void
programme_grid_totals(struct programme_grid *g)
{
	size_t o, m;
	int64_t n;

	for (o = 0; o < g->orgs; o++)
		g->v[programme_org_total(g, o)] = 0;
	for (m = 0; m < g->months; m++)
		g->v[programme_month_total(g, m)] = 0;
	g->v[programme_grand(g)] = 0;
	for (o = 0; o < g->orgs; o++)
		for (m = 0; m < g->months; m++) {
			n = g->v[programme_cell(g, o, m)];
			g->v[programme_org_total(g, o)] += n;
			g->v[programme_month_total(g, m)] += n;
			g->v[programme_grand(g)] += n;
		}
}

/* The lines of a grid, flat: line l's entries are e[off[l] .. off[l+1]),
 * its total last. */
struct pg_lines {
	size_t		 n;
	size_t		*off;
	size_t		*e;
};

static void
pg_line_add(struct pg_lines *L, size_t *len, size_t entry)
{
	L->e[(*len)++] = entry;
}

static void
pg_lines_build(const struct programme_grid *g, struct pg_lines *L)
{
	size_t o, m, t, len = 0, cap;

	L->n = g->orgs + g->months + 2 + (g->types > 0);
	cap = 3 * (g->orgs * g->months) + 2 * (g->orgs + g->months) + 3 +
	    g->types + L->n;
	L->off = xcalloc(L->n + 1, sizeof *L->off);
	L->e = xcalloc(cap, sizeof *L->e);
	L->n = 0;
	for (o = 0; o < g->orgs; o++) {
		L->off[L->n++] = len;
		for (m = 0; m < g->months; m++)
			pg_line_add(L, &len, programme_cell(g, o, m));
		pg_line_add(L, &len, programme_org_total(g, o));
	}
	for (m = 0; m < g->months; m++) {
		L->off[L->n++] = len;
		for (o = 0; o < g->orgs; o++)
			pg_line_add(L, &len, programme_cell(g, o, m));
		pg_line_add(L, &len, programme_month_total(g, m));
	}
	L->off[L->n++] = len;
	for (o = 0; o < g->orgs; o++)
		pg_line_add(L, &len, programme_org_total(g, o));
	pg_line_add(L, &len, programme_grand(g));
	L->off[L->n++] = len;
	for (m = 0; m < g->months; m++)
		pg_line_add(L, &len, programme_month_total(g, m));
	pg_line_add(L, &len, programme_grand(g));
	if (g->types > 0) {
		L->off[L->n++] = len;
		for (t = 0; t < g->types; t++)
			pg_line_add(L, &len, programme_type(g, t));
		pg_line_add(L, &len, programme_grand(g));
	}
	L->off[L->n] = len;
}

static void
pg_lines_free(struct pg_lines *L)
{
	free(L->off);
	free(L->e);
}

/* Narrow each entry of line l from the others'; whether any moved. */
static int
pg_narrow(const struct programme_grid *g, const struct pg_lines *L,
    size_t l, int64_t *lo, int64_t *hi)
{
	size_t i, a = L->off[l], b = L->off[l + 1] - 1, t = L->e[b], x;
	int64_t slo = 0, shi = 0, nlo, nhi, olo, ohi;
	int ninf = 0, changed = 0, inf;

	for (i = a; i < b; i++) {
		slo += lo[L->e[i]];
		if (hi[L->e[i]] >= PG_INF)
			ninf++;
		else
			shi += hi[L->e[i]];
	}
	for (i = a; i <= b; i++) {
		x = L->e[i];
		if (g->st[x] == PROGRAMME_SHOWN)
			continue;
		if (x == t) {
			nlo = slo;
			nhi = ninf > 0 ? PG_INF : shi;
		} else {
			inf = hi[x] >= PG_INF;
			olo = slo - lo[x];
			ohi = ninf - inf > 0 ? PG_INF : shi - (inf ? 0 : hi[x]);
			nlo = ohi >= PG_INF ? 0 : lo[t] - ohi;
			nhi = hi[t] >= PG_INF ? PG_INF : hi[t] - olo;
		}
		if (nlo > lo[x]) {
			lo[x] = nlo;
			changed = 1;
		}
		if (nhi < hi[x]) {
			hi[x] = nhi;
			changed = 1;
		}
	}
	return changed;
}

/* The audit: each entry's range after narrowing; 1 when some
 * suppressed entry is fixed (exposed[] marks which, when given). */
static int
pg_audit(const struct programme_grid *g, const struct pg_lines *L, int k,
    uint8_t *exposed)
{
	size_t i, l, n = programme_grid_size(g);
	int64_t *lo = xcalloc(n, sizeof *lo), *hi = xcalloc(n, sizeof *hi);
	int pass, moved, any = 0;

	for (i = 0; i < n; i++) {
		lo[i] = g->st[i] == PROGRAMME_SHOWN ? g->v[i] :
		    g->st[i] == PROGRAMME_SMALL ? 1 : 0;
		hi[i] = g->st[i] == PROGRAMME_SHOWN ? g->v[i] :
		    g->st[i] == PROGRAMME_SMALL ? k - 1 : PG_INF;
	}
	for (pass = 0, moved = 1; moved && pass < PG_PASSES; pass++)
		for (l = 0, moved = 0; l < L->n; l++)
			moved |= pg_narrow(g, L, l, lo, hi);
	for (i = 0; i < n; i++) {
		if (g->st[i] == PROGRAMME_SHOWN || lo[i] < hi[i])
			continue;
		any = 1;
		if (exposed != NULL)
			exposed[i] = 1;
	}
	free(lo);
	free(hi);
	return any;
}

int
programme_exposed(const struct programme_grid *g, int k)
{
	struct pg_lines L;
	int r;

	pg_lines_build(g, &L);
	r = pg_audit(g, &L, k, NULL);
	pg_lines_free(&L);
	return r;
}

/* Whether shown entry x is a better one to withhold than best: a
 * non-zero count before a zero (withholding a zero hides little), the
 * smallest first, then the first (cells come before totals). */
static int
pg_better(const struct programme_grid *g, size_t x, size_t best)
{
	if (best == SIZE_MAX)
		return 1;
	if ((g->v[x] > 0) != (g->v[best] > 0))
		return g->v[x] > 0;
	if (g->v[x] != g->v[best])
		return g->v[x] < g->v[best];
	return x < best;	/* cells come before totals */
}

/* Withhold one more entry of a line through exposed entry x, chosen by
 * pg_better() among all its lines; whether there was one. */
static int
pg_protect(struct programme_grid *g, const struct pg_lines *L, size_t x)
{
	size_t l, i, best = SIZE_MAX;
	int in;

	for (l = 0; l < L->n; l++) {
		for (i = L->off[l], in = 0; i < L->off[l + 1] && !in; i++)
			in = L->e[i] == x;
		for (i = L->off[l]; in && i < L->off[l + 1]; i++)
			if (g->st[L->e[i]] == PROGRAMME_SHOWN &&
			    pg_better(g, L->e[i], best))
				best = L->e[i];
	}
	if (best != SIZE_MAX) {
		g->st[best] = PROGRAMME_WITHHELD;
		return 1;
	}
	/* Everything of its lines is hidden, and "<k" itself gives it away
	 * (four cells under 5 whose total is under 5 are all 1): a small
	 * entry of them says less, as "*", the total first. */
	for (l = 0; l < L->n; l++) {
		for (i = L->off[l], in = 0; i < L->off[l + 1] && !in; i++)
			in = L->e[i] == x;
		for (i = L->off[l + 1]; in && i-- > L->off[l];)
			if (g->st[L->e[i]] == PROGRAMME_SMALL) {
				g->st[L->e[i]] = PROGRAMME_WITHHELD;
				return 1;
			}
	}
	return 0;
}

/* Which exposed entry to protect first: the grand total, then the
 * totals, the event types, the cells. A total worked out exposes the
 * cells of its line with it, so protecting it first withholds least. */
static int
pg_rank(const struct programme_grid *g, size_t x)
{
	if (x == programme_grand(g))
		return 0;
	if (x > programme_grand(g))
		return 2;
	return x >= g->orgs * g->months ? 1 : 3;
}

size_t
programme_suppress(struct programme_grid *g, int k)
{
	struct pg_lines L;
	size_t i, n = programme_grid_size(g), withheld = 0;
	uint8_t *exposed = xcalloc(n, 1);
	int progress, rank;

	for (i = 0; i < n; i++)
		g->st[i] = g->v[i] > 0 && g->v[i] < k ? PROGRAMME_SMALL :
		    PROGRAMME_SHOWN;
	pg_lines_build(g, &L);
	while (pg_audit(g, &L, k, exposed)) {
		progress = 0;
		/* One entry a round: another withheld for an earlier one may
		 * have covered the rest already, and the next audit tells. */
		for (rank = 0; rank < 4 && !progress; rank++)
			for (i = 0; i < n && !progress; i++)
				if (exposed[i] && pg_rank(g, i) == rank &&
				    pg_protect(g, &L, i)) {
					withheld++;
					progress = 1;
				}
		if (!progress)
			break;
		memset(exposed, 0, n);
	}
	pg_lines_free(&L);
	free(exposed);
	return withheld;
}
