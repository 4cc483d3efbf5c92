/*
 * store-sync.c: the reads that hand a client what it missed or was
 * shown across channels: sync (every joined channel, or some, after an
 * event) and posts by id within one channel, both as one statement
 * over a list of ids bound as text (SQLite's json_each), so that a page
 * costs one query whatever the number of channels.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store-internal.h"
#include "util.h"

/* "[1,2,3]" of ids[0..n), for json_each(); the caller frees it. */
static char *
store_id_list(const int64_t *ids, size_t n, size_t *lenp)
{
	char	*list;
	size_t	 i, len = 0;

	/* At most 21 bytes an id. */
	list = xmalloc(n * 21 + 3);
	list[len++] = '[';
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(list + len, 22, "%s%lld",
		    i > 0 ? "," : "", (long long)ids[i]);
	list[len++] = ']';
	list[len] = '\0';
	*lenp = len;
	return list;
}

int
store_posts_in_channel(struct store *s, const struct store_viewer *v,
    int64_t channel, const int64_t *ids, size_t n)
{
	sqlite3_stmt	*st = s->rq[RQ_POSTS_IN];
	char		*list;
	size_t		 len;
	int		 r = -1;

	list = store_id_list(ids, n, &len);
	store_bind_viewer(st, v);
	sqlite3_bind_int64(st, 1, channel);
	sqlite3_bind_text(st, 2, list, (int)len, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		r = sqlite3_column_int(st, 0);
	store_stmt_done(st);
	free(list);
	return r;
}

int
store_sync(struct store *s, const struct store_viewer *v, int64_t since,
    int64_t until, const int64_t *ids, size_t n, int unseen, int limit,
    store_post_cb cb, void *arg, int *more)
{
	sqlite3_stmt	*st = s->rq[RQ_SYNC];
	char		*list = NULL;
	size_t		 len = 0;
	int		 r;

	if (limit <= 0)
		limit = PROTO_SYNC_PAGE;
	*more = 0;
	store_bind_viewer(st, v);
	sqlite3_bind_int64(st, 2, since > 0 ? since : 0);
	sqlite3_bind_int64(st, 3, until > 0 ? until : INT64_MAX);
	sqlite3_bind_int64(st, 4, (int64_t)limit + 1);
	if (ids != NULL) {
		list = store_id_list(ids, n, &len);
		sqlite3_bind_text(st, 5, list, (int)len, SQLITE_STATIC);
	}
	if (unseen)
		sqlite3_bind_int(st, 6, 1);
	r = store_posts(s, st, limit, cb, arg, more);
	free(list);
	return r;
}
