/*
 * store-erase.c: erasing an account (admin.erase, SW_ERASE) and a
 * channel's retention (SW_RETENTION), the two writes that remove
 * content for good.
 *
 * Both work on a set of post ids in a temporary table (temp.gone, on
 * the writer's connection only), so that each table a post reaches is
 * one statement per job rather than one per post: the edits kept for
 * moderators, the search index, the inbox items that point at a post
 * (mentions, messages), the stories shared from it, the thread
 * summaries.
 *
 * Erasure keeps the post rows and blanks them ("[removed]"): replies
 * of others hang from them, the moderation log and reports name them,
 * and a thread reads as it did with one voice gone. Retention deletes
 * the rows: a thread goes whole once its first post is past the
 * channel's retention, replies with it, so that no reply is left
 * answering nothing and no summary counts a post that is gone (a
 * reply is never older than its thread's first post).
 *
 * Deleted text must leave the file too, not only the tables. The write
 * connection runs with secure_delete (store.c), which zeroes what a
 * delete or a shorter update frees; FTS5 keeps a deleted row's tokens
 * in its segments until they are merged, so every job that took text
 * out of posts_fts or resources_fts runs the index's 'optimize', which
 * rewrites it as one segment and frees (so zeroes) the old ones. Then
 * the job asks for a TRUNCATE checkpoint (store-ckpt.c), so the main
 * file and the WAL stop holding the old pages.
 *
 * What is kept, because it holds no content and the programme's report
 * counts it: events rows (a trigger forbids their deletion), rsvps,
 * rsvp_log, attendance, activity and fetches. The modlog keeps what
 * moderators and admins did (its triggers forbid changes); an erasure
 * adds its own entry, with the admin's reason and never the content.
 */
#include <stdlib.h>
#include <string.h>

#include "store-internal.h"
#include "util.h"

#define STORE_REMOVED	"[removed]"
/* Something argon2 never verifies against: no password logs in. */
#define STORE_NO_PASSWORD	"!erased"

/* The set of posts a job removes (see the top). */
#define STORE_GONE	" (SELECT id FROM temp.gone)"
#define STORE_NITEMS(a)	(sizeof (a) / sizeof (a)[0])

const char *const store_erase_write_sql[EQ__COUNT] = {
	[EQ_GONE_CLEAR] = "DELETE FROM temp.gone",
	[EQ_ACCOUNT] =
	    "SELECT id, role, erased_at IS NOT NULL FROM accounts"
	    " WHERE name = ?1",
	/* Admins who could still act if this one went. */
	[EQ_OTHER_ADMINS] =
	    "SELECT count(*) FROM accounts WHERE role = 4 AND id <> ?1"
	    " AND erased_at IS NULL AND suspended_at IS NULL",
	[EQ_GONE_AUTHOR] =
	    "INSERT INTO temp.gone (id) SELECT id FROM posts"
	    " WHERE author_id = ?1",
	[EQ_POSTS_BLANK] =
	    "UPDATE posts SET body = '" STORE_REMOVED "',"
	    " title = CASE WHEN title IS NOT NULL THEN '" STORE_REMOVED "' END,"
	    " content_note = NULL, hidden_reason = NULL, edits = 0"
	    " WHERE id IN" STORE_GONE,
	[EQ_THREADS_BLANK] =
	    "UPDATE threads SET title = '" STORE_REMOVED "'"
	    " WHERE id IN" STORE_GONE,
	[EQ_VERSIONS_DROP] =
	    "DELETE FROM post_versions WHERE post_id IN" STORE_GONE,
	[EQ_FTS_DROP] = "DELETE FROM posts_fts WHERE rowid IN" STORE_GONE,
	/* Mentions and messages of the posts; inbox is indexed by account
	 * only, so this is one scan per job, not one per post. */
	[EQ_INBOX_DROP] =
	    "DELETE FROM inbox WHERE kind IN (2, 6) AND ref IN" STORE_GONE,
	[EQ_INBOX_ACCOUNT] =
	    "DELETE FROM inbox WHERE account_id = ?1 OR (kind = 1 AND ref IN"
	    " (SELECT id FROM resources WHERE account_id = ?1))",
	[EQ_STORIES_DROP] =
	    "DELETE FROM stories WHERE post_id IN" STORE_GONE,
	[EQ_STORIES_ACCOUNT] = "DELETE FROM stories WHERE account_id = ?1",
	[EQ_FTS_OPTIMIZE] =
	    "INSERT INTO posts_fts (posts_fts) VALUES ('optimize')",
	[EQ_RES_FTS_DROP] =
	    "DELETE FROM resources_fts WHERE rowid IN"
	    " (SELECT id FROM resources WHERE account_id = ?1)",
	[EQ_RES_FTS_OPTIMIZE] =
	    "INSERT INTO resources_fts (resources_fts) VALUES ('optimize')",
	[EQ_RES_TAGS_DROP] =
	    "DELETE FROM resource_tags WHERE resource_id IN"
	    " (SELECT id FROM resources WHERE account_id = ?1)",
	/* The files the account's resources and uploads named. */
	[EQ_SHAS] =
	    "SELECT sha256 FROM resources WHERE account_id = ?1"
	    " AND sha256 IS NOT NULL UNION"
	    " SELECT sha256 FROM uploads WHERE account_id = ?1",
	[EQ_RES_BLANK] =
	    "UPDATE resources SET title = '" STORE_REMOVED "', summary = NULL,"
	    " url = NULL, sha256 = NULL, size = NULL, type = NULL,"
	    " deleted_at = coalesce(deleted_at, ?2),"
	    " deleted_by = coalesce(deleted_by, ?3) WHERE account_id = ?1",
	[EQ_UPLOADS_DROP] = "DELETE FROM uploads WHERE account_id = ?1",
	/* A file goes once nothing live names it: no resource that is not
	 * deleted, and nobody else's upload (the same bytes are theirs
	 * too, and they may still share them). */
	[EQ_ATTACHMENT_DROP] =
	    "DELETE FROM attachments WHERE sha256 = ?1"
	    " AND NOT EXISTS (SELECT 1 FROM resources WHERE sha256 = ?1"
	    "  AND deleted_at IS NULL)"
	    " AND NOT EXISTS (SELECT 1 FROM uploads WHERE sha256 = ?1)",
	/* Its name must stay unique and say nothing; names that start with
	 * "erased-" are refused at registration. */
	[EQ_ACCOUNT_BLANK] =
	    "UPDATE accounts SET name = 'erased-' || id, display_name = NULL,"
	    " tz = NULL, hours = NULL, pwhash = '" STORE_NO_PASSWORD "',"
	    " lead = 0, erased_at = ?2 WHERE id = ?1",
	[EQ_SESSIONS_REVOKE] =
	    "UPDATE sessions SET revoked_at = ?2 WHERE account_id = ?1"
	    " AND revoked_at IS NULL",
	[EQ_CERTS_REVOKE] =
	    "UPDATE certs SET revoked_at = ?2 WHERE account_id = ?1"
	    " AND revoked_at IS NULL",
	/* A conversation's name held the account's old name: it takes the
	 * new one, still dm/USER1+USER2 in order, so that the other person
	 * keeps reading it. With the other gone too (erased before), a
	 * name nobody has: gone-CHANNEL. Run after the rename. */
	[EQ_DM_RENAME] =
	    "UPDATE channels SET name = (SELECT CASE"
	    "  WHEN o.n IS NULL THEN"
	    "   'dm/erased-' || ?1 || '+gone-' || channels.id"
	    "  WHEN o.n < 'erased-' || ?1 THEN 'dm/' || o.n || '+erased-' || ?1"
	    "  ELSE 'dm/erased-' || ?1 || '+' || o.n END"
	    "  FROM (SELECT (SELECT a.name FROM members m"
	    "   JOIN accounts a ON a.id = m.account_id"
	    "   WHERE m.channel_id = channels.id AND m.account_id <> ?1)"
	    "  AS n) o)"
	    " WHERE kind = 3 AND id IN (SELECT channel_id FROM members"
	    "  WHERE account_id = ?1)",
	[EQ_MEMBERS_DROP] = "DELETE FROM members WHERE account_id = ?1",
	[EQ_RANGES_DROP] = "DELETE FROM read_ranges WHERE account_id = ?1",
	[EQ_SUBS_DROP] = "DELETE FROM subscriptions WHERE account_id = ?1",
	[EQ_BLOCKS_DROP] =
	    "DELETE FROM blocks WHERE account_id = ?1 OR blocked_id = ?1",
	/* A report stays (a safeguarding record: that it was made, about
	 * which post, who acted on it); the reporter's own words go. */
	[EQ_REPORTS_BLANK] =
	    "UPDATE reports SET reason = '" STORE_REMOVED "'"
	    " WHERE reporter_id = ?1",

	/* Retention. */
	[EQ_RET_CHANNELS] =
	    "SELECT id, retention FROM channels WHERE retention > 0"
	    " ORDER BY id",
	/* Oldest first: ids grow with time, so a channel's posts past its
	 * retention are a prefix of it by id. */
	[EQ_RET_OLDEST] =
	    "SELECT id, thread_id, ts FROM posts WHERE channel_id = ?1"
	    " ORDER BY id LIMIT ?2",
	[EQ_GONE_ADD] = "INSERT OR IGNORE INTO temp.gone (id) VALUES (?1)",
	/* A thread's posts, its first one last, at most ?2. */
	[EQ_GONE_THREAD] =
	    "INSERT OR IGNORE INTO temp.gone (id) SELECT id FROM posts"
	    " WHERE thread_id = ?1 ORDER BY id = ?1, id LIMIT ?2",
	[EQ_GONE_COUNT] = "SELECT count(*) FROM temp.gone",
	[EQ_THREADS_DROP] = "DELETE FROM threads WHERE id IN" STORE_GONE,
	[EQ_POSTS_DROP] = "DELETE FROM posts WHERE id IN" STORE_GONE,
	/* A thread whose posts went only in part (a clock set back, a
	 * batch's end): its summary counts what is left. Run before the
	 * posts go, while temp.gone still finds their threads. */
	[EQ_THREADS_RECOUNT] =
	    "UPDATE threads SET replies = (SELECT count(*) FROM posts p"
	    "  WHERE p.thread_id = threads.id AND p.id <> threads.id"
	    "  AND p.state = 0 AND p.id NOT IN" STORE_GONE "),"
	    " last_eid = coalesce((SELECT max(p.id) FROM posts p"
	    "  WHERE p.thread_id = threads.id AND p.state = 0"
	    "  AND p.id NOT IN" STORE_GONE "), threads.id)"
	    " WHERE id IN (SELECT thread_id FROM posts WHERE id IN"
	    STORE_GONE ")"
	    " AND id NOT IN" STORE_GONE,
};

/* Whether any channel has a post past its retention at ?1: one probe
 * of each channel's oldest post, on the loop. */
const char *const store_erase_read_sql[ER__COUNT] = {
	[ER_RET_DUE] =
	    "SELECT 1 FROM channels c WHERE c.retention > 0 AND"
	    " (SELECT p.ts FROM posts p WHERE p.channel_id = c.id"
	    "  ORDER BY p.id LIMIT 1) < ?1 - c.retention LIMIT 1",
};

/* ---- helpers -------------------------------------------------------- */

/* Run statement q of the job's set, bound with the account (?1) when it
 * takes one, the time (?2) and the actor (?3). */
static int
store_erase_run(struct store *s, enum store_eq q, const struct store_write *w)
{
	sqlite3_stmt	*st = s->eq[q];
	int		 n = sqlite3_bind_parameter_count(st);

	if (n >= 1)
		sqlite3_bind_int64(st, 1, w->target);
	if (n >= 2)
		sqlite3_bind_int64(st, 2, w->now);
	if (n >= 3)
		store_bind_account(st, 3, w->account);
	return store_run(s, st, NULL);
}

static int
store_erase_int(struct store *s, sqlite3_stmt *st, int64_t *out)
{
	int	rc = sqlite3_step(st);

	*out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	store_stmt_done(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK :
	    store_result(s->wdb, rc);
}

/* Every statement of list, in order, until one fails. */
static int
store_erase_steps(struct store *s, const enum store_eq *list, size_t n,
    const struct store_write *w)
{
	size_t	i;
	int	r;

	for (i = 0; i < n; i++)
		if ((r = store_erase_run(s, list[i], w)) != STORE_OK)
			return r;
	return STORE_OK;
}

/* What removing the posts in temp.gone takes away beside them. */
static const enum store_eq store_gone_steps[] = {
	EQ_VERSIONS_DROP, EQ_FTS_DROP, EQ_INBOX_DROP, EQ_STORIES_DROP,
};

/* ---- erasure --------------------------------------------------------- */

/*
 * Who w->name is, and whether they may be erased: STORE_NOTFOUND (no
 * such account), STORE_INVALID (erased already), STORE_LOCKED (the
 * last admin who could act), STORE_FORBIDDEN (the caller themself:
 * an erasure is one person's decision about another, logged as such,
 * and it would end the very session that asked). w->target gets the id.
 */
static int
store_erase_check(struct store *s, struct store_write *w)
{
	sqlite3_stmt	*st = s->eq[EQ_ACCOUNT];
	int64_t		 others;
	int		 rc, role, erased, r;

	sqlite3_bind_text(st, 1, w->name, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		store_stmt_done(st);
		return rc == SQLITE_DONE ? STORE_NOTFOUND :
		    store_result(s->wdb, rc);
	}
	w->target = sqlite3_column_int64(st, 0);
	role = sqlite3_column_int(st, 1);
	erased = sqlite3_column_int(st, 2);
	store_stmt_done(st);
	if (erased)
		return STORE_INVALID;
	if (role == ROLE_ADMIN) {
		st = s->eq[EQ_OTHER_ADMINS];
		sqlite3_bind_int64(st, 1, w->target);
		if ((r = store_erase_int(s, st, &others)) != STORE_OK)
			return r;
		if (others == 0)
			return STORE_LOCKED;
	}
	return w->target == w->account ? STORE_FORBIDDEN : STORE_OK;
}

/* The files only the account's resources and uploads named: their rows
 * go now, their hashes onto w->shas for the loop to unlink after the
 * commit (never before: a rollback would leave rows without files). */
static int
store_erase_files(struct store *s, struct store_write *w)
{
	sqlite3_stmt	*st = s->eq[EQ_SHAS];
	sqlite3_stmt	*del = s->eq[EQ_ATTACHMENT_DROP];
	uint8_t		*shas = NULL;
	size_t		 n = 0, i;
	int		 rc, r = STORE_OK, changes;

	sqlite3_bind_int64(st, 1, w->target);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_bytes(st, 0) != STORE_HASH_LEN)
			continue;
		shas = xrealloc(shas, (n + 1) * STORE_HASH_LEN);
		memcpy(shas + n * STORE_HASH_LEN, sqlite3_column_blob(st, 0),
		    STORE_HASH_LEN);
		n++;
	}
	store_stmt_done(st);
	if (rc != SQLITE_DONE) {
		free(shas);
		return store_result(s->wdb, rc);
	}
	if ((r = store_erase_run(s, EQ_RES_BLANK, w)) != STORE_OK ||
	    (r = store_erase_run(s, EQ_UPLOADS_DROP, w)) != STORE_OK) {
		free(shas);
		return r;
	}
	free(w->shas);		/* a rerun starts again */
	w->shas = NULL;
	w->nshas = 0;
	for (i = 0; i < n && r == STORE_OK; i++) {
		sqlite3_bind_blob(del, 1, shas + i * STORE_HASH_LEN,
		    STORE_HASH_LEN, SQLITE_STATIC);
		if ((r = store_run(s, del, &changes)) != STORE_OK ||
		    changes == 0)
			continue;
		w->shas = xrealloc(w->shas,
		    (w->nshas + 1) * STORE_HASH_LEN);
		memcpy(w->shas + w->nshas * STORE_HASH_LEN,
		    shas + i * STORE_HASH_LEN, STORE_HASH_LEN);
		w->nshas++;
	}
	free(shas);
	return r;
}

static const enum store_eq store_erase_posts[] = {
	EQ_GONE_CLEAR, EQ_GONE_AUTHOR, EQ_POSTS_BLANK, EQ_THREADS_BLANK,
};
static const enum store_eq store_erase_rest[] = {
	EQ_INBOX_ACCOUNT, EQ_STORIES_ACCOUNT, EQ_RES_FTS_DROP,
	EQ_RES_TAGS_DROP,
};
static const enum store_eq store_erase_account[] = {
	EQ_ACCOUNT_BLANK, EQ_SESSIONS_REVOKE, EQ_CERTS_REVOKE, EQ_DM_RENAME,
	EQ_MEMBERS_DROP, EQ_RANGES_DROP, EQ_SUBS_DROP, EQ_BLOCKS_DROP,
	EQ_REPORTS_BLANK, EQ_FTS_OPTIMIZE, EQ_RES_FTS_OPTIMIZE, EQ_GONE_CLEAR,
};

/*
 * SW_ERASE: the account named w->name, by w->account, w->body the
 * reason, all in this one transaction (see the top of the file for
 * what it reaches). w->target out: the account's id; w->shas: the
 * files to unlink once committed.
 */
static int
store_op_erase(struct store *s, struct store_write *w)
{
	int	r;

	if ((r = store_erase_check(s, w)) != STORE_OK)
		return r;
	if ((r = store_erase_steps(s, store_erase_posts,
	    STORE_NITEMS(store_erase_posts), w)) != STORE_OK ||
	    (r = store_erase_steps(s, store_gone_steps,
	    STORE_NITEMS(store_gone_steps), w)) != STORE_OK ||
	    (r = store_erase_steps(s, store_erase_rest,
	    STORE_NITEMS(store_erase_rest), w)) != STORE_OK ||
	    (r = store_erase_files(s, w)) != STORE_OK ||
	    (r = store_erase_steps(s, store_erase_account,
	    STORE_NITEMS(store_erase_account), w)) != STORE_OK)
		return r;
	return store_modlog_add(s, w, "erase", 0, w->target, 0, w->body);
}

/* ---- retention ------------------------------------------------------- */

/*
 * Into temp.gone, the posts of channel past cutoff, oldest first, up to
 * *budget ids in all: each a whole thread when it is a thread's first
 * post (its replies first, so that a thread cut short by the budget
 * keeps its first post and is finished at the next pass); a reply on
 * its own only when its thread's first post is not past (a clock set
 * back; EQ_THREADS_RECOUNT mends the summary).
 */
static int
store_retention_channel(struct store *s, int64_t channel, int64_t cutoff,
    int64_t *budget)
{
	sqlite3_stmt	*st = s->eq[EQ_RET_OLDEST], *add;
	int64_t		 ids[STORE_RETENTION_BATCH];
	int64_t		 threads[STORE_RETENTION_BATCH];
	int64_t		 n = 0, i, before, after;
	int		 rc = SQLITE_DONE, r = STORE_OK;

	sqlite3_bind_int64(st, 1, channel);
	sqlite3_bind_int64(st, 2, *budget);
	while (n < *budget && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_int64(st, 2) >= cutoff)
			break;
		ids[n] = sqlite3_column_int64(st, 0);
		threads[n++] = sqlite3_column_int64(st, 1);
	}
	store_stmt_done(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_result(s->wdb, rc);
	for (i = 0; i < n && *budget > 0; i++) {
		if ((r = store_erase_int(s, s->eq[EQ_GONE_COUNT], &before)) !=
		    STORE_OK)
			return r;
		add = s->eq[ids[i] == threads[i] ? EQ_GONE_THREAD :
		    EQ_GONE_ADD];
		sqlite3_bind_int64(add, 1, ids[i]);
		if (ids[i] == threads[i])
			sqlite3_bind_int64(add, 2, *budget);
		if ((r = store_run(s, add, NULL)) != STORE_OK ||
		    (r = store_erase_int(s, s->eq[EQ_GONE_COUNT], &after)) !=
		    STORE_OK)
			return r;
		*budget -= after - before;
	}
	return STORE_OK;
}

static const enum store_eq store_retention_drop[] = {
	EQ_THREADS_RECOUNT, EQ_VERSIONS_DROP, EQ_FTS_DROP, EQ_INBOX_DROP,
	EQ_STORIES_DROP, EQ_THREADS_DROP, EQ_POSTS_DROP,
};

/*
 * SW_RETENTION at w->now: at most STORE_RETENTION_BATCH posts past
 * their channel's retention deleted, oldest first. w->size out: how
 * many; w->flag: 1 when the batch was full (more may wait: the loop
 * submits another at once).
 */
static int
store_op_retention(struct store *s, struct store_write *w)
{
	sqlite3_stmt	*st = s->eq[EQ_RET_CHANNELS];
	int64_t		 budget = STORE_RETENTION_BATCH;
	int		 rc, r = STORE_OK;

	w->size = 0;
	w->flag = 0;
	if ((r = store_run(s, s->eq[EQ_GONE_CLEAR], NULL)) != STORE_OK)
		return r;
	/* Other statements run while this one walks the channels: SQLite
	 * allows it, and none of them changes the channels table. */
	while (budget > 0 && (rc = sqlite3_step(st)) == SQLITE_ROW)
		if ((r = store_retention_channel(s, sqlite3_column_int64(st, 0),
		    w->now - sqlite3_column_int64(st, 1), &budget)) !=
		    STORE_OK)
			break;
	store_stmt_done(st);
	if (r != STORE_OK)
		return r;
	if (budget > 0 && rc != SQLITE_DONE)
		return store_result(s->wdb, rc);
	w->size = STORE_RETENTION_BATCH - budget;
	w->flag = budget == 0;
	if (w->size == 0)
		return STORE_OK;
	if ((r = store_erase_steps(s, store_retention_drop,
	    STORE_NITEMS(store_retention_drop), w)) != STORE_OK)
		return r;
	/* The index's old segments go once a pass is over, not per batch:
	 * optimize rewrites the whole index. */
	if (!w->flag && (r = store_run(s, s->eq[EQ_FTS_OPTIMIZE], NULL)) !=
	    STORE_OK)
		return r;
	return store_run(s, s->eq[EQ_GONE_CLEAR], NULL);
}

int
store_op_erase_run(struct store *s, struct store_write *w)
{
	return w->op == SW_ERASE ? store_op_erase(s, w) :
	    store_op_retention(s, w);
}

/* ---- on the loop ------------------------------------------------------ */

int
store_retention_due(struct store *s, int64_t now)
{
	sqlite3_stmt	*st = s->er[ER_RET_DUE];
	int		 rc;

	sqlite3_bind_int64(st, 1, now);
	rc = sqlite3_step(st);
	store_stmt_done(st);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : store_result(s->rdb, rc);
}
