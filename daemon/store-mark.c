/*
 * store-mark.c: what has been shown to whom, in the store: the posts a
 * reply carried or a client named (SW_MARK_READ) become read for the
 * member, as a floor (everything at or below it is read) and ranges of
 * post ids above it (read_ranges, schema v13). A new range joins its
 * neighbours when nothing that could be unread lies between them, and
 * one that reaches the floor is folded into it, so reading everything
 * costs no rows. The statements are the writer's (store-ops.c's table,
 * WQ_MARK_*); STORE_UNREAD (store-internal.h) is how reads count.
 */
#include <stdlib.h>
#include <string.h>

#include "store-internal.h"
#include "util.h"

/* A statement on (channel, account, a, b): its first row's two columns
 * in *x, *y (if given); 1 for a row, 0 for none, -1 on error. */
static int
store_mark_q(struct store *s, enum store_wq q, int64_t ch, int64_t acct,
    int64_t a, int64_t b, int64_t *x, int64_t *y)
{
	sqlite3_stmt	*st = s->wq[q];
	int		 rc, r = 0;

	sqlite3_bind_int64(st, 1, ch);
	sqlite3_bind_int64(st, 2, acct);
	sqlite3_bind_int64(st, 3, a);
	sqlite3_bind_int64(st, 4, b);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		r = 1;
		if (x != NULL)
			*x = sqlite3_column_int64(st, 0);
		if (y != NULL)
			*y = sqlite3_column_int64(st, 1);
	} else if (rc != SQLITE_DONE && rc != SQLITE_OK)
		r = -1;
	store_stmt_done(st);
	return r;
}

/*
 * Mark one post shown to the account: add [id, id] to its ranges in
 * the channel, joined with the ranges either side when nothing that
 * could be unread lies between, and folded into the floor when it
 * reaches down to it. Nothing happens for a non-member or a post that
 * is read already.
 */
static int
store_mark_one(struct store *s, int64_t ch, int64_t acct, int64_t id)
{
	int64_t	floor, shown = 0, plo = 0, phi = 0, nlo = 0, nhi = 0;
	int64_t	lo = id, hi = id;
	int	r, gap, legacy;

	if ((r = store_mark_q(s, WQ_MARK_FLOOR, ch, acct, 0, 0, &floor,
	    NULL)) <= 0)
		return r < 0 ? STORE_ERROR : STORE_OK;
	if (id <= floor) {
		/* Read by the floor, unless approved after it passed. */
		sqlite3_stmt *st = s->wq[WQ_MARK_SHOWN];

		sqlite3_bind_int64(st, 1, id);
		if (sqlite3_step(st) == SQLITE_ROW)
			shown = sqlite3_column_int64(st, 0);
		store_stmt_done(st);
		if (shown <= floor)
			return STORE_OK;
	}
	if ((r = store_mark_q(s, WQ_MARK_PREV, ch, acct, id, 0, &plo,
	    &phi)) < 0)
		return STORE_ERROR;
	if (r == 1 && phi >= id)
		return STORE_OK;
	if (r == 1) {
		if ((gap = store_mark_q(s, WQ_MARK_GAP, ch, acct, phi, id,
		    NULL, NULL)) < 0)
			return STORE_ERROR;
		if (!gap) {
			lo = plo;
			if (store_mark_q(s, WQ_MARK_DEL, ch, acct, plo, 0,
			    NULL, NULL) < 0)
				return STORE_ERROR;
		}
	}
	if ((r = store_mark_q(s, WQ_MARK_NEXT, ch, acct, id, 0, &nlo,
	    &nhi)) < 0)
		return STORE_ERROR;
	if (r == 1) {
		if ((gap = store_mark_q(s, WQ_MARK_GAP, ch, acct, id, nlo,
		    NULL, NULL)) < 0)
			return STORE_ERROR;
		if (!gap) {
			hi = nhi;
			if (store_mark_q(s, WQ_MARK_DEL, ch, acct, nlo, 0,
			    NULL, NULL) < 0)
				return STORE_ERROR;
		}
	}
	/* Fold into the floor when nothing unread lies between them (nor
	 * waits below it, approved after it passed: the floor rises past
	 * nothing it did not hold). */
	if (lo > floor) {
		if ((gap = store_mark_q(s, WQ_MARK_GAP, ch, acct, floor, lo,
		    NULL, NULL)) < 0 || (legacy = store_mark_q(s,
		    WQ_MARK_LEGACY, ch, acct, floor, 0, NULL, NULL)) < 0)
			return STORE_ERROR;
		if (!gap && !legacy) {
			if (store_mark_q(s, WQ_MARK_READ, ch, acct, hi, 0,
			    NULL, NULL) < 0)
				return STORE_ERROR;
			return STORE_OK;
		}
	}
	if (store_mark_q(s, WQ_MARK_ADD, ch, acct, lo, hi, NULL, NULL) < 0)
		return STORE_ERROR;
	return STORE_OK;
}

/* The posts shown (w->ids), each in w->channels[i] or w->channel. */
int
store_op_mark_read(struct store *s, struct store_write *w)
{
	size_t	i;
	int	r;

	for (i = 0; i < w->nids; i++)
		if ((r = store_mark_one(s, w->channels != NULL ?
		    w->channels[i] : w->channel, w->account, w->ids[i])) !=
		    STORE_OK)
			return r;
	return STORE_OK;
}
