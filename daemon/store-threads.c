/*
 * store-threads.c: a channel's threads, on the loop: whether a thread is
 * one the viewer may read, which thread a post belongs to (so that any
 * post of a thread names it), and the page of threads, most recently
 * active first, further back with "before". The statements are
 * store-read.c's (RQ_THREAD_CHECK, RQ_THREAD_OF, RQ_THREADS,
 * RQ_THREADS_OLDER), prepared with the loop's others.
 */
#include <stdint.h>

#include "store-internal.h"

int
store_thread_check(struct store *s, const struct store_viewer *v,
    int64_t channel, int64_t thread)
{
	sqlite3_stmt	*st = s->rq[RQ_THREAD_CHECK];
	int		 r;

	store_bind_viewer(st, v);
	sqlite3_bind_int64(st, 1, channel);
	sqlite3_bind_int64(st, 2, thread);
	if ((r = store_one(s, st)) == STORE_OK)
		store_stmt_done(st);
	return r;
}

int
store_thread_of(struct store *s, const struct store_viewer *v,
    int64_t channel, int64_t post, int64_t *thread)
{
	sqlite3_stmt	*st = s->rq[RQ_THREAD_OF];
	int		 rc;

	store_bind_viewer(st, v);
	sqlite3_bind_int64(st, 1, channel);
	sqlite3_bind_int64(st, 2, post);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*thread = sqlite3_column_int64(st, 0);
	store_stmt_done(st);
	return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ?
	    STORE_NOTFOUND : store_result(s->rdb, rc);
}

int
store_threads(struct store *s, const struct store_viewer *v, int64_t channel,
    int limit, store_thread_cb cb, void *arg)
{
	int more;

	return store_threads_before(s, v, channel, 0, limit, cb, arg, &more);
}

/* Whether threads whose activity lies before oldest remain. */
static int
store_threads_older(struct store *s, const struct store_viewer *v,
    int64_t channel, int64_t oldest, int *more)
{
	sqlite3_stmt	*st = s->rq[RQ_THREADS_OLDER];
	int		 r;

	store_bind_viewer(st, v);
	sqlite3_bind_int64(st, 1, channel);
	sqlite3_bind_int64(st, 2, oldest);
	r = store_one(s, st);
	if (r == STORE_OK)
		store_stmt_done(st);
	*more = r == STORE_OK;
	return r == STORE_NOTFOUND ? STORE_OK : r;
}

int
store_threads_before(struct store *s, const struct store_viewer *v,
    int64_t channel, int64_t before, int limit, store_thread_cb cb, void *arg,
    int *more)
{
	sqlite3_stmt		*st = s->rq[RQ_THREADS];
	struct store_thread	 t;
	int64_t			 oldest = INT64_MAX;
	int			 rc, n = 0;

	*more = 0;
	if (limit <= 0)
		limit = PROTO_PAGE_DEFAULT;
	store_bind_viewer(st, v);
	sqlite3_bind_int64(st, 1, channel);
	sqlite3_bind_int64(st, 2, limit);
	sqlite3_bind_int64(st, 3, before > 0 ? before : INT64_MAX);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		n++;
		if (sqlite3_column_int64(st, 12) < oldest)
			oldest = sqlite3_column_int64(st, 12);
		t.thread = sqlite3_column_int64(st, 0);
		t.title = store_text(st, 1);
		t.author = store_text(st, 2);
		t.replies = sqlite3_column_int64(st, 3);
		t.last_eid = sqlite3_column_int64(st, 4);
		t.last_ts = sqlite3_column_int64(st, 5);
		t.state = sqlite3_column_int(st, 6);
		t.anonymous = sqlite3_column_int(st, 7);
		t.author_id = sqlite3_column_int64(st, 8);
		t.pinned = sqlite3_column_int(st, 9);
		t.locked = sqlite3_column_int(st, 10);
		t.unread = sqlite3_column_int64(st, 11);
		t.before = sqlite3_column_int64(st, 12);
		if (cb(arg, &t) != 0)
			break;
	}
	store_stmt_done(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_result(s->rdb, rc);
	/* A full page: are there threads further back? */
	return n == limit ? store_threads_older(s, v, channel, oldest, more) :
	    STORE_OK;
}

