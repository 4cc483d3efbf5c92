/*
 * store-search.c: full-text search over posts, in the store.
 *
 * posts_fts (schema v10) holds each post's current title (for a
 * thread's first post) and body, tokenized by trigrams, so that any
 * script is found without word boundaries. Indexing costs a post tens
 * of microseconds, as much again as storing it, so it is kept off the
 * posting path: the writer indexes new posts once it has had no job for
 * STORE_SEARCH_IDLE_MS (store-write.c), a few hundred per transaction,
 * so a busy stretch is never slowed, with synchronous
 * NORMAL (the index and its mark commit together, so a crash loses at
 * most a tail that is indexed again). A post is searchable a moment
 * after its commit. An edit replaces the post's row and a delete drops
 * it, in the moderation job's own transaction, so no earlier text is
 * ever found.
 *
 * What a search may return is decided in SQL, by the same terms as a
 * read: channels the searcher may see (its organisation's, every peer
 * channel, its groups), and of their posts the visible ones, its own
 * held or rejected ones, and, in a channel it moderates, held, hidden
 * and rejected ones too. Deleted posts never. view.c then shapes each
 * hit as for any reader (no author for an anonymous post).
 */
#include <stdlib.h>
#include <string.h>

#include "store-internal.h"
#include "util.h"

/* Posts indexed per idle transaction: short enough that a job arriving
 * meanwhile waits a few milliseconds at most. */
#define STORE_SEARCH_BATCH	256

#define STORE_SEARCH_VISIBLE						\
	" ((c.kind = 0 AND c.org_id = ?23) OR c.kind = 1"		\
	" OR (c.kind IN (2, 3) AND m.account_id IS NOT NULL))"		\
	" AND (p.state = 0 OR (p.author_id = ?20 AND p.state IN (1, 3))" \
	" OR (p.state IN (1, 2, 3) AND" STORE_MODERATES("c") "))"

#define STORE_SEARCH_FROM						\
	" FROM posts_fts f JOIN posts p ON p.id = f.rowid"		\
	STORE_POST_JOINS						\
	" LEFT JOIN members m ON m.channel_id = c.id"			\
	" AND m.account_id = ?20"

/* A snippet's length counts tokens, and a trigram is one character:
 * 64, the most SQLite allows, is a line's worth of text. */
const char *const store_search_read_sql[SR__COUNT] = {
	[SR_MATCH] = STORE_POST_SELECT("p.id")
	    ", snippet(posts_fts, -1, '[', ']', '...', 64)"
	    STORE_SEARCH_FROM " WHERE posts_fts MATCH ?1"
	    " AND (?2 = 0 OR p.channel_id = ?2) AND" STORE_SEARCH_VISIBLE
	    " ORDER BY bm25(posts_fts) LIMIT ?3 OFFSET ?4",
	/* Fewer than three characters: no trigram to look up, so a scan
	 * of the index's text, newest first, bounded by the page. */
	[SR_SUBSTR] = STORE_POST_SELECT("p.id") ", NULL"
	    STORE_SEARCH_FROM " WHERE (instr(f.body, ?1) > 0"
	    " OR instr(coalesce(f.title, ''), ?1) > 0)"
	    " AND (?2 = 0 OR p.channel_id = ?2) AND" STORE_SEARCH_VISIBLE
	    " ORDER BY p.id DESC LIMIT ?3 OFFSET ?4",
	/* Resources are shared network-wide: every member may find every
	 * one that is not deleted (its row leaves the index then too). */
	[SR_RES_MATCH] = STORE_RESOURCE_SELECT
	    ", snippet(resources_fts, -1, '[', ']', '...', 64)"
	    STORE_RESOURCE_FROM " JOIN resources_fts f ON f.rowid = r.id"
	    " WHERE resources_fts MATCH ?1 AND r.deleted_at IS NULL"
	    " ORDER BY bm25(resources_fts) LIMIT ?3 OFFSET ?4",
	[SR_RES_SUBSTR] = STORE_RESOURCE_SELECT ", NULL"
	    STORE_RESOURCE_FROM " JOIN resources_fts f ON f.rowid = r.id"
	    " WHERE (instr(f.title, ?1) > 0 OR instr(coalesce(f.summary, ''),"
	    " ?1) > 0 OR instr(f.tags, ?1) > 0) AND r.deleted_at IS NULL"
	    " ORDER BY r.id DESC LIMIT ?3 OFFSET ?4",
};

#define STORE_SEARCH_TEXT						\
	" SELECT id, CASE WHEN id = thread_id THEN title END, body"	\
	" FROM posts"
/* An erased account's posts read "[removed]" and are never indexed
 * (store-erase.c drops the rows of those indexed already). */
#define STORE_SEARCH_LIVE						\
	" AND author_id NOT IN (SELECT id FROM accounts"		\
	"  WHERE erased_at IS NOT NULL)"

const char *const store_search_write_sql[SQ__COUNT] = {
	[SQ_MARK] = "SELECT indexed FROM search_state WHERE id = 1",
	[SQ_NEXT] = "SELECT max(id) FROM (SELECT id FROM posts WHERE id > ?1"
	    " ORDER BY id LIMIT ?2)",
	[SQ_ADD] = "INSERT INTO posts_fts (rowid, title, body)"
	    STORE_SEARCH_TEXT " WHERE id > ?1 AND id <= ?2 AND state <> 4"
	    STORE_SEARCH_LIVE,
	[SQ_SET_MARK] = "UPDATE search_state SET indexed = ?1 WHERE id = 1",
	[SQ_DROP] = "DELETE FROM posts_fts WHERE rowid = ?1",
	/* Only a post the indexer has reached: a later one it will index
	 * with its current text anyway. */
	[SQ_REPLACE] = "INSERT INTO posts_fts (rowid, title, body)"
	    STORE_SEARCH_TEXT " WHERE id = ?1 AND state <> 4" STORE_SEARCH_LIVE
	    " AND id <= (SELECT indexed FROM search_state WHERE id = 1)",
	[SQ_SYNC_NORMAL] = "PRAGMA synchronous = NORMAL",
	[SQ_SYNC_FULL] = "PRAGMA synchronous = FULL",
};

/* ---- the index, on the writer --------------------------------------- */

static int
store_search_int(struct store *s, sqlite3_stmt *st, int64_t *out)
{
	int rc = sqlite3_step(st);

	*out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	store_stmt_done(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK :
	    store_result(s->wdb, rc);
}

static int
store_search_batch(struct store *s, int *more)
{
	sqlite3_stmt	*st;
	int64_t		 mark, hi;
	int		 r;

	*more = 0;
	if ((r = store_search_int(s, s->sq[SQ_MARK], &mark)) != STORE_OK)
		return r;
	st = s->sq[SQ_NEXT];
	sqlite3_bind_int64(st, 1, mark);
	sqlite3_bind_int(st, 2, STORE_SEARCH_BATCH);
	if ((r = store_search_int(s, st, &hi)) != STORE_OK || hi <= mark)
		return r;
	st = s->sq[SQ_ADD];
	sqlite3_bind_int64(st, 1, mark);
	sqlite3_bind_int64(st, 2, hi);
	if ((r = store_run(s, st, NULL)) != STORE_OK)
		return r;
	st = s->sq[SQ_SET_MARK];
	sqlite3_bind_int64(st, 1, hi);
	if ((r = store_run(s, st, NULL)) != STORE_OK)
		return r;
	*more = 1;
	return STORE_OK;
}

int
store_search_index(struct store *s)
{
	int more = 0, r;

	if (store_run(s, s->sq[SQ_SYNC_NORMAL], NULL) != STORE_OK)
		return 0;
	if ((r = store_ctl(s, WQ_BEGIN)) == STORE_OK) {
		r = store_search_batch(s, &more);
		if (r == STORE_OK)
			r = store_ctl(s, WQ_COMMIT);
		if (r != STORE_OK) {
			store_ctl(s, WQ_ROLLBACK);
			more = 0;
			log_error("store: search indexing failed; it is "
			    "tried again after the next write");
		}
	}
	store_run(s, s->sq[SQ_SYNC_FULL], NULL);
	return more;
}

int
store_search_update(struct store *s, int64_t post, int gone)
{
	sqlite3_stmt	*st = s->sq[SQ_DROP];
	int		 r;

	sqlite3_bind_int64(st, 1, post);
	if ((r = store_run(s, st, NULL)) != STORE_OK || gone)
		return r;
	st = s->sq[SQ_REPLACE];
	sqlite3_bind_int64(st, 1, post);
	return store_run(s, st, NULL);
}

/* ---- searching, on the loop ----------------------------------------- */

/* Characters, not bytes: trigrams are of characters. */
static size_t
store_utf8_chars(const char *t)
{
	size_t n = 0;

	for (; *t != '\0'; t++)
		if (((unsigned char)*t & 0xc0) != 0x80)
			n++;
	return n;
}

/* The text as one FTS5 string: a phrase, so that with trigrams it
 * matches where the text stands as typed, whatever the script. */
static char *
store_search_phrase(const char *text)
{
	size_t len = strlen(text), i, j = 0;
	char *q = xmalloc(len * 2 + 3);

	q[j++] = '"';
	for (i = 0; i < len; i++) {
		if (text[i] == '"')
			q[j++] = '"';
		q[j++] = text[i];
	}
	q[j++] = '"';
	q[j] = '\0';
	return q;
}

int
store_search(struct store *s, const struct store_viewer *v, const char *text,
    int64_t channel, int limit, int offset, store_hit_cb cb, void *arg,
    int *more)
{
	int		 substr = store_utf8_chars(text) < 3;
	sqlite3_stmt	*st = s->sr[substr ? SR_SUBSTR : SR_MATCH];
	struct store_post p;
	char		*q = substr ? NULL : store_search_phrase(text);
	int		 rc, n = 0;

	*more = 0;
	store_bind_viewer(st, v);
	sqlite3_bind_text(st, 1, substr ? text : q, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, channel);
	sqlite3_bind_int(st, 3, limit + 1);
	sqlite3_bind_int(st, 4, offset);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n++ == limit) {
			*more = 1;
			break;
		}
		store_post_row(st, &p);
		if (cb(arg, &p, (const char *)sqlite3_column_text(st, 20)) != 0)
			break;
	}
	store_stmt_done(st);
	free(q);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK :
	    store_result(s->rdb, rc);
}

int
store_resource_search(struct store *s, const char *text, int limit,
    int offset, store_resource_hit_cb cb, void *arg, int *more)
{
	int			 substr = store_utf8_chars(text) < 3;
	sqlite3_stmt		*st = s->sr[substr ? SR_RES_SUBSTR : SR_RES_MATCH];
	struct store_resource	 r;
	char			*q = substr ? NULL : store_search_phrase(text);
	int			 rc, n = 0;

	*more = 0;
	sqlite3_bind_text(st, 1, substr ? text : q, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, limit + 1);
	sqlite3_bind_int(st, 4, offset);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n++ == limit) {
			*more = 1;
			break;
		}
		store_resource_row(st, &r);
		if (cb(arg, &r, (const char *)sqlite3_column_text(st, 14)) != 0)
			break;
	}
	store_stmt_done(st);
	free(q);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK :
	    store_result(s->rdb, rc);
}
