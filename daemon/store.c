/*
 * store.c: opening the database, its schema and migrations, and every
 * read the event loop makes.
 *
 * Two connections share one WAL database file. The write connection is
 * opened first: it checks the file (PRAGMA quick_check; a schema newer
 * than this build is refused rather than guessed at), switches to WAL and
 * applies the migrations. The read connection is opened after, marked
 * query_only, and has every statement it will ever run prepared here, so
 * a read on the loop is a bind, a few steps on an index and a reset. WAL
 * lets those reads go on while the writer thread commits; a statement is
 * always reset after use so that no read pins an old snapshot and holds
 * back checkpoints.
 *
 * The schema is versioned with PRAGMA user_version. store_migrations[i]
 * takes a database from version i to i + 1, in one transaction with the
 * new version number, so a crash leaves either the old or the new schema.
 * A migration, once released, is never edited: a change is a new step.
 *
 * Enumerated columns hold the STORE_POST_*, STORE_CHANNEL_* and
 * STORE_MODE_* values of store-internal.h; the SQL below spells them as
 * literals (posts.state = 0 is "visible"), since a partial index is only
 * used by a query whose WHERE repeats its literal condition.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store-internal.h"
#include "util.h"

#define nitems(a)	(sizeof (a) / sizeof (a)[0])

/*
 * Version 1: organisations, accounts and their credentials, channels
 * and membership, and the event log with the posts. Columns for what
 * comes next (moderation, anonymity, channel kinds and modes, display
 * name and time zone) are here from the start so that those features
 * need no rework of the tables. events.id is the network-wide event id;
 * AUTOINCREMENT so that an id is never reused, even after erasure. A
 * post's id is the id of the event that created it.
 */
static const char store_schema_v1[] =
	"CREATE TABLE orgs (id INTEGER PRIMARY KEY,"
	" name TEXT NOT NULL UNIQUE, created_at INTEGER NOT NULL);"
	"CREATE TABLE accounts (id INTEGER PRIMARY KEY,"
	" name TEXT NOT NULL UNIQUE,"
	" org_id INTEGER NOT NULL REFERENCES orgs(id),"
	" role INTEGER NOT NULL, pwhash TEXT NOT NULL,"
	" display_name TEXT, tz TEXT, created_at INTEGER NOT NULL);"
	"CREATE INDEX accounts_org ON accounts(org_id);"
	"CREATE TABLE invites (id INTEGER PRIMARY KEY,"
	" code_hash BLOB NOT NULL UNIQUE,"
	" org_id INTEGER NOT NULL REFERENCES orgs(id), role INTEGER NOT NULL,"
	" created_by INTEGER REFERENCES accounts(id),"
	" created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL,"
	" used_at INTEGER, used_by INTEGER REFERENCES accounts(id));"
	"CREATE TABLE sessions (id INTEGER PRIMARY KEY,"
	" account_id INTEGER NOT NULL REFERENCES accounts(id),"
	" token_hash BLOB NOT NULL UNIQUE,"
	" created_at INTEGER NOT NULL, revoked_at INTEGER);"
	"CREATE INDEX sessions_account ON sessions(account_id);"
	"CREATE TABLE channels (id INTEGER PRIMARY KEY,"
	" name TEXT NOT NULL UNIQUE, org_id INTEGER REFERENCES orgs(id),"
	" kind INTEGER NOT NULL, mode INTEGER NOT NULL DEFAULT 0,"
	" created_by INTEGER REFERENCES accounts(id),"
	" created_at INTEGER NOT NULL);"
	"CREATE TABLE members ("
	" channel_id INTEGER NOT NULL REFERENCES channels(id),"
	" account_id INTEGER NOT NULL REFERENCES accounts(id),"
	" joined_at INTEGER NOT NULL, read_eid INTEGER NOT NULL DEFAULT 0,"
	" PRIMARY KEY (channel_id, account_id)) WITHOUT ROWID;"
	"CREATE INDEX members_account ON members(account_id);"
	"CREATE TABLE events (id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" kind INTEGER NOT NULL, channel_id INTEGER REFERENCES channels(id),"
	" org_id INTEGER REFERENCES orgs(id),"
	" actor_id INTEGER REFERENCES accounts(id),"
	" post_id INTEGER, ts INTEGER NOT NULL);"
	"CREATE INDEX events_channel ON events(channel_id, id);"
	"CREATE TABLE posts (id INTEGER PRIMARY KEY REFERENCES events(id),"
	" channel_id INTEGER NOT NULL REFERENCES channels(id),"
	" thread_id INTEGER NOT NULL REFERENCES posts(id),"
	" author_id INTEGER NOT NULL REFERENCES accounts(id),"
	" title TEXT, body TEXT NOT NULL, content_note TEXT,"
	" anonymous INTEGER NOT NULL DEFAULT 0,"
	" state INTEGER NOT NULL DEFAULT 0, hidden_reason TEXT,"
	" ts INTEGER NOT NULL);"
	/* Only visible posts are ever read, counted or paged by the loop. */
	"CREATE INDEX posts_visible ON posts(channel_id, id) WHERE state = 0;"
	"CREATE INDEX posts_thread ON posts(channel_id, thread_id, id);";

/*
 * Version 2: a summary row per thread, so that the thread list is one
 * index scan instead of an aggregate over every post of the channel.
 * Kept up to date by each post; backfilled here from the posts a
 * version 1 database already holds (counting visible replies only, as
 * the writer does). locked and pinned are for moderation.
 */
static const char store_schema_v2[] =
	"CREATE TABLE threads (id INTEGER PRIMARY KEY REFERENCES posts(id),"
	" channel_id INTEGER NOT NULL REFERENCES channels(id),"
	" title TEXT NOT NULL,"
	" author_id INTEGER NOT NULL REFERENCES accounts(id),"
	" replies INTEGER NOT NULL DEFAULT 0,"
	" last_eid INTEGER NOT NULL, last_ts INTEGER NOT NULL,"
	" locked INTEGER NOT NULL DEFAULT 0,"
	" pinned INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX threads_channel ON threads(channel_id, last_eid);"
	"INSERT INTO threads (id, channel_id, title, author_id, replies,"
	"  last_eid, last_ts)"
	" SELECT r.id, r.channel_id, coalesce(r.title, ''), r.author_id,"
	"  (SELECT count(*) FROM posts p WHERE p.channel_id = r.channel_id"
	"   AND p.thread_id = r.id AND p.id > r.id AND p.state = 0),"
	"  l.id, l.ts"
	" FROM posts r JOIN posts l ON l.id = coalesce("
	"  (SELECT max(p.id) FROM posts p WHERE p.channel_id = r.channel_id"
	"   AND p.thread_id = r.id AND p.state = 0), r.id)"
	" WHERE r.id = r.thread_id;";

/*
 * Version 3: client certificates bound to accounts. Only the SHA-256
 * fingerprint of the certificate's DER is needed to log in; the serial
 * number is kept so that a revocation can be written into the CRL.
 */
static const char store_schema_v3[] =
	"CREATE TABLE certs (fingerprint BLOB PRIMARY KEY,"
	" account_id INTEGER NOT NULL REFERENCES accounts(id),"
	" serial TEXT NOT NULL UNIQUE, not_after INTEGER NOT NULL,"
	" created_at INTEGER NOT NULL, revoked_at INTEGER);"
	"CREATE INDEX certs_account ON certs(account_id);";

/*
 * Version 4: leaner posting. events.post_id names the post an event is
 * about when that post is another event's (a later hide, an edit); a
 * post's own event leaves it NULL, since the post's id is the event's,
 * which saves an UPDATE per post. The index on (channel_id, id) served
 * no query (history reads the posts table): each post paid for it.
 */
static const char store_schema_v4[] =
	"UPDATE events SET post_id = NULL WHERE kind = 1 AND post_id = id;"
	"DROP INDEX events_channel;";

static const char *const store_migrations[] = {
	store_schema_v1,
	store_schema_v2,
	store_schema_v3,
	store_schema_v4,
};
_Static_assert(nitems(store_migrations) == STORE_SCHEMA_VERSION,
    "one migration step per schema version");

#define STORE_ACCOUNT_SELECT						\
	"SELECT a.id, a.org_id, a.role, a.name, o.name, a.pwhash"	\
	" FROM accounts a JOIN orgs o ON o.id = a.org_id"

/* The columns store_posts() reads, and the joins that name things. */
#define STORE_POST_SELECT						\
	"SELECT p.id, p.thread_id, p.ts, c.name, a.name, o.name,"	\
	" CASE WHEN p.id = p.thread_id THEN p.title END, p.body"
#define STORE_POST_JOINS						\
	" JOIN channels c ON c.id = p.channel_id"			\
	" JOIN accounts a ON a.id = p.author_id"			\
	" JOIN orgs o ON o.id = a.org_id"

static const char *const store_read_sql[RQ__COUNT] = {
	[RQ_ACCOUNT_BY_NAME] = STORE_ACCOUNT_SELECT " WHERE a.name = ?1",
	[RQ_ACCOUNT_BY_ID] = STORE_ACCOUNT_SELECT " WHERE a.id = ?1",
	[RQ_SESSION_LOOKUP] =
	    "SELECT a.id, a.org_id, a.role, a.name, o.name, a.pwhash, s.id"
	    " FROM sessions s JOIN accounts a ON a.id = s.account_id"
	    " JOIN orgs o ON o.id = a.org_id"
	    " WHERE s.token_hash = ?1 AND s.revoked_at IS NULL",
	[RQ_INVITE_CHECK] =
	    "SELECT 1 FROM invites WHERE code_hash = ?1"
	    " AND used_at IS NULL AND expires_at > ?2",
	[RQ_ORG_BY_NAME] = "SELECT id FROM orgs WHERE name = ?1",
	[RQ_ORG_LIST] = "SELECT name FROM orgs ORDER BY name",
	[RQ_CHANNEL_BY_NAME] =
	    "SELECT id, coalesce(org_id, 0), kind, name FROM channels"
	    " WHERE name = ?1",
	[RQ_IS_MEMBER] =
	    "SELECT 1 FROM members WHERE channel_id = ?2 AND account_id = ?1",
	/* An organisation's channels, every peer channel, and the private
	 * groups the account belongs to. */
	[RQ_CHANNEL_LIST] =
	    "SELECT c.name, c.kind, m.account_id IS NOT NULL,"
	    " CASE WHEN m.account_id IS NULL THEN 0 ELSE"
	    "  (SELECT count(*) FROM posts p WHERE p.channel_id = c.id"
	    "   AND p.state = 0 AND p.id > m.read_eid) END,"
	    " coalesce((SELECT max(p.id) FROM posts p"
	    "  WHERE p.channel_id = c.id AND p.state = 0), 0)"
	    " FROM channels c LEFT JOIN members m"
	    "  ON m.channel_id = c.id AND m.account_id = ?1"
	    " WHERE (c.kind = 0 AND c.org_id = ?2) OR c.kind = 1"
	    "  OR (c.kind = 2 AND m.account_id IS NOT NULL)"
	    " ORDER BY c.name",
	[RQ_JOINED] =
	    "SELECT channel_id FROM members WHERE account_id = ?1"
	    " ORDER BY channel_id LIMIT ?2",
	[RQ_THREAD_CHECK] =
	    "SELECT 1 FROM threads t JOIN posts r ON r.id = t.id"
	    " WHERE t.id = ?2 AND t.channel_id = ?1 AND r.state = 0",
	[RQ_THREADS] =
	    "SELECT t.id, t.title, a.name, t.replies, t.last_eid, t.last_ts"
	    " FROM threads t JOIN posts r ON r.id = t.id"
	    " JOIN accounts a ON a.id = t.author_id"
	    " WHERE t.channel_id = ?1 AND r.state = 0"
	    " ORDER BY t.last_eid DESC LIMIT ?2",
	[RQ_READ_CHANNEL] =
	    STORE_POST_SELECT " FROM posts p" STORE_POST_JOINS
	    " WHERE p.channel_id = ?1 AND p.state = 0 AND p.id > ?2"
	    " ORDER BY p.id LIMIT ?3",
	[RQ_READ_THREAD] =
	    STORE_POST_SELECT " FROM posts p" STORE_POST_JOINS
	    " WHERE p.channel_id = ?1 AND p.thread_id = ?4 AND p.state = 0"
	    " AND p.id > ?2 ORDER BY p.id LIMIT ?3",
	/* The newest page starts after the (limit+1)th newest post. */
	[RQ_BOUND_CHANNEL] =
	    "SELECT id FROM posts WHERE channel_id = ?1 AND state = 0"
	    " ORDER BY id DESC LIMIT 1 OFFSET ?2",
	[RQ_BOUND_THREAD] =
	    "SELECT id FROM posts WHERE channel_id = ?1 AND thread_id = ?3"
	    " AND state = 0 ORDER BY id DESC LIMIT 1 OFFSET ?2",
	/*
	 * CROSS JOIN keeps posts as the outer loop: walking the rowid up
	 * from since stops after limit + 1 rows, where starting from the
	 * memberships would sort every post of every joined channel.
	 */
	[RQ_SYNC] =
	    STORE_POST_SELECT " FROM posts p CROSS JOIN members m"
	    " ON m.channel_id = p.channel_id AND m.account_id = ?1"
	    STORE_POST_JOINS
	    " WHERE p.id > ?2 AND p.id <= ?3 AND p.state = 0"
	    " ORDER BY p.id LIMIT ?4",
	[RQ_LAST_EID] = "SELECT coalesce(max(id), 0) FROM events",
	[RQ_BEGIN] = "BEGIN",
	[RQ_END] = "COMMIT",
};

/* ---- helpers shared with store-write.c ------------------------------ */

int
store_prepare(sqlite3 *db, const char *const *sql, sqlite3_stmt **st,
    int count, char **cause)
{
	int i;

	for (i = 0; i < count; i++) {
		if (sqlite3_prepare_v3(db, sql[i], -1, SQLITE_PREPARE_PERSISTENT,
		    &st[i], NULL) != SQLITE_OK) {
			xasprintf(cause, "store: preparing statement %d: %s", i,
			    sqlite3_errmsg(db));
			store_finalize(st, i);
			return -1;
		}
	}
	return 0;
}

void
store_finalize(sqlite3_stmt **st, int count)
{
	int i;

	for (i = 0; i < count; i++) {
		sqlite3_finalize(st[i]);
		st[i] = NULL;
	}
}

void
store_stmt_done(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

int
store_result(sqlite3 *db, int rc)
{
	switch (rc) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return STORE_OK;
	case SQLITE_CONSTRAINT_UNIQUE:
	case SQLITE_CONSTRAINT_PRIMARYKEY:
		return STORE_EXISTS;
	case SQLITE_CONSTRAINT_FOREIGNKEY:
		return STORE_NOTFOUND;
	}
	/* SQLite's messages name tables and columns, never values. */
	log_error("store: %s (%d)", sqlite3_errmsg(db), rc);
	return STORE_ERROR;
}

/* ---- opening -------------------------------------------------------- */

static sqlite3 *
store_connect(const char *path, char **cause)
{
	sqlite3	*db = NULL;
	int	 rc;

	rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		xasprintf(cause, "%s: %s", path,
		    db != NULL ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_extended_result_codes(db, 1);
	/* WAL readers do not block, but a checkpoint can, briefly. */
	sqlite3_busy_timeout(db, STORE_BUSY_MS);
	return db;
}

/* The first column of every row of sql, as text joined by "; " ("" for
 * none), into buf. One row for most pragmas; a few for quick_check,
 * whose rows describe damage by page, never by content. */
static int
store_pragma(sqlite3 *db, const char *path, const char *sql, char *buf,
    size_t size, char **cause)
{
	sqlite3_stmt		*st;
	const unsigned char	*t;
	size_t			 n;
	int			 rc;

	buf[0] = '\0';
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		xasprintf(cause, "%s: %s: %s", path, sql, sqlite3_errmsg(db));
		return -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		t = sqlite3_column_text(st, 0);
		if ((n = strlen(buf)) > 0 && n + 2 < size)
			n += strlcpy_h(buf + n, "; ", size - n);
		if (t != NULL && n + 1 < size)
			strlcpy_h(buf + n, (const char *)t, size - n);
	}
	if (rc != SQLITE_DONE)
		xasprintf(cause, "%s: %s: %s", path, sql, sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int
store_exec(sqlite3 *db, const char *path, const char *sql, char **cause)
{
	char	*err = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
		xasprintf(cause, "%s: %s", path,
		    err != NULL ? err : sqlite3_errmsg(db));
		sqlite3_free(err);
		return -1;
	}
	return 0;
}

static int
store_migrate(sqlite3 *db, const char *path, int from, int to, char **cause)
{
	char	*sql, *err = NULL;
	int	 v, rc;

	for (v = from; v < to; v++) {
		xasprintf(&sql, "BEGIN IMMEDIATE; %s PRAGMA user_version = %d;"
		    " COMMIT;", store_migrations[v], v + 1);
		rc = sqlite3_exec(db, sql, NULL, NULL, &err);
		free(sql);
		if (rc != SQLITE_OK) {
			xasprintf(cause, "%s: migrating to schema version %d: "
			    "%s", path, v + 1,
			    err != NULL ? err : sqlite3_errstr(rc));
			sqlite3_free(err);
			if (!sqlite3_get_autocommit(db))
				sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
		log_info("store: %s: migrated to schema version %d", path,
		    v + 1);
	}
	return 0;
}

/*
 * Check the file, then make it a WAL database at schema version.
 * The integrity check comes first so that nothing is written to a
 * damaged file, not even a journal mode change.
 */
static int
store_setup(sqlite3 *db, const char *path, int version, char **cause)
{
	char	buf[256];
	int	current;

	if (store_pragma(db, path, "PRAGMA quick_check(4)", buf, sizeof buf,
	    cause) != 0) {
		/* Damage bad enough that the check itself cannot finish. */
		char *why = *cause;

		xasprintf(cause, "%s: database fails its integrity check: %s",
		    path, sqlite3_errmsg(db));
		free(why);
		return -1;
	}
	if (strcmp(buf, "ok") != 0) {
		xasprintf(cause, "%s: database fails its integrity check: %s",
		    path, buf);
		return -1;
	}
	if (store_pragma(db, path, "PRAGMA user_version", buf, sizeof buf,
	    cause) != 0)
		return -1;
	current = atoi(buf);
	if (current > version) {
		xasprintf(cause, "%s: schema version %d is newer than this "
		    "harbourd supports (%d)", path, current, version);
		return -1;
	}
	if (store_pragma(db, path, "PRAGMA journal_mode = WAL", buf,
	    sizeof buf, cause) != 0)
		return -1;
	if (strcmp(buf, "wal") != 0) {
		xasprintf(cause, "%s: cannot use WAL (journal mode %s)", path,
		    buf);
		return -1;
	}
	/* Durable before acknowledged: fsync at every commit. */
	if (store_exec(db, path, "PRAGMA synchronous = FULL;"
	    "PRAGMA foreign_keys = ON;", cause) != 0)
		return -1;
	return store_migrate(db, path, current, version, cause);
}

static void
store_disconnect(struct store *s)
{
	store_finalize(s->rq, RQ__COUNT);
	/* The write connection closes last: it checkpoints the WAL. */
	if (s->rdb != NULL && sqlite3_close(s->rdb) != SQLITE_OK)
		log_error("store: closing read connection: %s",
		    sqlite3_errmsg(s->rdb));
	if (s->wdb != NULL && sqlite3_close(s->wdb) != SQLITE_OK)
		log_error("store: closing write connection: %s",
		    sqlite3_errmsg(s->wdb));
	s->rdb = s->wdb = NULL;
}

/*
 * Process-wide SQLite settings, before its first use. Memory statistics
 * take a global mutex on every allocation SQLite makes, and we never
 * read them: off. Fails harmlessly if SQLite is already initialised.
 */
static void
store_configure(void)
{
	static int done;

	if (done)
		return;
	done = 1;
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

struct store *
store_open(const char *path, char **cause)
{
	struct store	*s;

	store_configure();
	*cause = NULL;
	s = xcalloc(1, sizeof *s);
	s->path = xstrdup(path);
	if ((s->wdb = store_connect(path, cause)) == NULL)
		goto fail;
	if (store_setup(s->wdb, path, STORE_SCHEMA_VERSION, cause) != 0)
		goto fail;
	if ((s->rdb = store_connect(path, cause)) == NULL)
		goto fail;
	/* The loop's connection must never write, even by mistake. */
	if (store_exec(s->rdb, path, "PRAGMA query_only = ON;"
	    "PRAGMA foreign_keys = ON;", cause) != 0)
		goto fail;
	if (store_prepare(s->rdb, store_read_sql, s->rq, RQ__COUNT,
	    cause) != 0)
		goto fail;
	if (store_write_init(s, cause) != 0)
		goto fail;
	return s;

fail:
	store_disconnect(s);
	free(s->path);
	free(s);
	return NULL;
}

int
store_migrate_to(const char *path, int version, char **cause)
{
	sqlite3	*db;
	int	 rc;

	*cause = NULL;
	if (version < 0 || version > STORE_SCHEMA_VERSION) {
		xasprintf(cause, "%s: no schema version %d", path, version);
		return -1;
	}
	if ((db = store_connect(path, cause)) == NULL)
		return -1;
	rc = store_setup(db, path, version, cause);
	sqlite3_close(db);
	return rc;
}

static void	store_chan_cache_free(struct store *);

void
store_close(struct store *s)
{
	if (s == NULL)
		return;
	store_stop(s);
	/* Whatever finished and was not drained still gets its done(). */
	store_drain(s);
	store_write_destroy(s);
	store_disconnect(s);
	store_chan_cache_free(s);
	free(s->path);
	free(s);
}

/* ---- reads ---------------------------------------------------------- */

static const char *
store_text(sqlite3_stmt *st, int col)
{
	const unsigned char	*t = sqlite3_column_text(st, col);

	return t != NULL ? (const char *)t : "";
}

/* Step a statement expected to give at most one row, and reset it. */
static int
store_one(struct store *s, sqlite3_stmt *st)
{
	int	rc, r;

	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		r = STORE_OK;
	else if (rc == SQLITE_DONE)
		r = STORE_NOTFOUND;
	else
		r = store_result(s->rdb, rc);
	if (r != STORE_OK)
		store_stmt_done(st);
	return r;
}

static int
store_account_row(struct store *s, sqlite3_stmt *st,
    struct store_account *a, int64_t *session)
{
	int	r;

	memset(a, 0, sizeof *a);
	if ((r = store_one(s, st)) != STORE_OK)
		return r;
	a->id = sqlite3_column_int64(st, 0);
	a->org_id = sqlite3_column_int64(st, 1);
	a->role = (enum proto_role)sqlite3_column_int(st, 2);
	strlcpy_h(a->name, store_text(st, 3), sizeof a->name);
	strlcpy_h(a->org, store_text(st, 4), sizeof a->org);
	strlcpy_h(a->pwhash, store_text(st, 5), sizeof a->pwhash);
	if (session != NULL)
		*session = sqlite3_column_int64(st, 6);
	store_stmt_done(st);
	return STORE_OK;
}

int
store_account_by_name(struct store *s, const char *user,
    struct store_account *a)
{
	sqlite3_stmt	*st = s->rq[RQ_ACCOUNT_BY_NAME];

	sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
	return store_account_row(s, st, a, NULL);
}

int
store_account_by_id(struct store *s, int64_t id, struct store_account *a)
{
	sqlite3_stmt	*st = s->rq[RQ_ACCOUNT_BY_ID];

	sqlite3_bind_int64(st, 1, id);
	return store_account_row(s, st, a, NULL);
}

int
store_session_lookup(struct store *s, const uint8_t *hash,
    struct store_account *a, int64_t *session_id)
{
	sqlite3_stmt	*st = s->rq[RQ_SESSION_LOOKUP];
	int64_t		 id = 0;
	int		 r;

	sqlite3_bind_blob(st, 1, hash, STORE_HASH_LEN, SQLITE_STATIC);
	r = store_account_row(s, st, a, &id);
	if (session_id != NULL)
		*session_id = id;
	return r;
}

int
store_invite_check(struct store *s, const uint8_t *hash, int64_t now)
{
	sqlite3_stmt	*st = s->rq[RQ_INVITE_CHECK];
	int		 r;

	sqlite3_bind_blob(st, 1, hash, STORE_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now);
	if ((r = store_one(s, st)) == STORE_OK)
		store_stmt_done(st);
	return r;
}

int
store_org_by_name(struct store *s, const char *name, int64_t *id)
{
	sqlite3_stmt	*st = s->rq[RQ_ORG_BY_NAME];
	int		 r;

	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if ((r = store_one(s, st)) != STORE_OK)
		return r;
	*id = sqlite3_column_int64(st, 0);
	store_stmt_done(st);
	return STORE_OK;
}

int
store_org_list(struct store *s, store_name_cb cb, void *arg)
{
	sqlite3_stmt	*st = s->rq[RQ_ORG_LIST];
	int		 rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (cb(arg, store_text(st, 0)) != 0)
			break;
	}
	store_stmt_done(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ?
	    STORE_OK : store_result(s->rdb, rc);
}

static unsigned int
store_chan_hash(const char *name)
{
	unsigned int h = 5381;

	while (*name != '\0')
		h = h * 33 + (unsigned char)*name++;
	return h % STORE_CHAN_BUCKETS;
}

int
store_channel_by_name(struct store *s, const char *name,
    struct store_channel *c)
{
	sqlite3_stmt		*st = s->rq[RQ_CHANNEL_BY_NAME];
	struct store_chan_cache	*e, **slot;
	int			 r;

	slot = &s->chan_cache[store_chan_hash(name)];
	for (e = *slot; e != NULL; e = e->next) {
		if (strcmp(e->ch.name, name) == 0) {
			*c = e->ch;
			return STORE_OK;
		}
	}
	memset(c, 0, sizeof *c);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if ((r = store_one(s, st)) != STORE_OK)
		return r;
	c->id = sqlite3_column_int64(st, 0);
	c->org_id = sqlite3_column_int64(st, 1);
	c->peer = sqlite3_column_int(st, 2) == STORE_CHANNEL_PEER;
	strlcpy_h(c->name, store_text(st, 3), sizeof c->name);
	store_stmt_done(st);
	e = xmalloc(sizeof *e);
	e->ch = *c;
	e->next = *slot;
	*slot = e;
	return STORE_OK;
}

static void
store_chan_cache_free(struct store *s)
{
	struct store_chan_cache *e, *next;
	size_t i;

	for (i = 0; i < STORE_CHAN_BUCKETS; i++) {
		for (e = s->chan_cache[i]; e != NULL; e = next) {
			next = e->next;
			free(e);
		}
		s->chan_cache[i] = NULL;
	}
}

int
store_is_member(struct store *s, int64_t account, int64_t channel)
{
	sqlite3_stmt	*st = s->rq[RQ_IS_MEMBER];
	int		 r;

	sqlite3_bind_int64(st, 1, account);
	sqlite3_bind_int64(st, 2, channel);
	r = store_one(s, st);
	if (r == STORE_OK) {
		store_stmt_done(st);
		return 1;
	}
	return r == STORE_NOTFOUND ? 0 : STORE_ERROR;
}

int
store_channel_list(struct store *s, int64_t account, int64_t org,
    store_channel_cb cb, void *arg)
{
	sqlite3_stmt			*st = s->rq[RQ_CHANNEL_LIST];
	struct store_channel_info	 ci;
	int				 rc;

	sqlite3_bind_int64(st, 1, account);
	sqlite3_bind_int64(st, 2, org);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ci.name = store_text(st, 0);
		ci.peer = sqlite3_column_int(st, 1) == STORE_CHANNEL_PEER;
		ci.joined = sqlite3_column_int(st, 2);
		ci.unread = sqlite3_column_int64(st, 3);
		ci.last_eid = sqlite3_column_int64(st, 4);
		if (cb(arg, &ci) != 0)
			break;
	}
	store_stmt_done(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ?
	    STORE_OK : store_result(s->rdb, rc);
}

int
store_joined(struct store *s, int64_t account, int64_t *ids, int max)
{
	sqlite3_stmt	*st = s->rq[RQ_JOINED];
	int		 rc = SQLITE_DONE, n = 0;

	sqlite3_bind_int64(st, 1, account);
	sqlite3_bind_int64(st, 2, max);
	while (n < max && (rc = sqlite3_step(st)) == SQLITE_ROW)
		ids[n++] = sqlite3_column_int64(st, 0);
	if (n < max && rc != SQLITE_DONE)
		n = store_result(s->rdb, rc);
	store_stmt_done(st);
	return n;
}

int
store_thread_check(struct store *s, int64_t channel, int64_t thread)
{
	sqlite3_stmt	*st = s->rq[RQ_THREAD_CHECK];
	int		 r;

	sqlite3_bind_int64(st, 1, channel);
	sqlite3_bind_int64(st, 2, thread);
	if ((r = store_one(s, st)) == STORE_OK)
		store_stmt_done(st);
	return r;
}

int
store_threads(struct store *s, int64_t channel, int limit,
    store_thread_cb cb, void *arg)
{
	sqlite3_stmt		*st = s->rq[RQ_THREADS];
	struct store_thread	 t;
	int			 rc;

	sqlite3_bind_int64(st, 1, channel);
	sqlite3_bind_int64(st, 2, limit > 0 ? limit : PROTO_PAGE_DEFAULT);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		t.thread = sqlite3_column_int64(st, 0);
		t.title = store_text(st, 1);
		t.author = store_text(st, 2);
		t.replies = sqlite3_column_int64(st, 3);
		t.last_eid = sqlite3_column_int64(st, 4);
		t.last_ts = sqlite3_column_int64(st, 5);
		if (cb(arg, &t) != 0)
			break;
	}
	store_stmt_done(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ?
	    STORE_OK : store_result(s->rdb, rc);
}

/*
 * Hand each row of a post query (STORE_POST_SELECT) to cb. The query
 * was bound with limit + 1: a row past limit is not shown, it only
 * tells that there is more.
 */
static int
store_posts(struct store *s, sqlite3_stmt *st, int limit, store_post_cb cb,
    void *arg, int *more)
{
	struct proto_post	 p;
	int			 rc, n = 0;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n++ == limit) {
			*more = 1;
			break;
		}
		memset(&p, 0, sizeof p);
		p.eid = p.post = sqlite3_column_int64(st, 0);
		p.thread = sqlite3_column_int64(st, 1);
		p.ts = sqlite3_column_int64(st, 2);
		p.channel = store_text(st, 3);
		p.author = store_text(st, 4);
		p.org = store_text(st, 5);
		p.title = (const char *)sqlite3_column_text(st, 6);
		p.body = store_text(st, 7);
		if (cb(arg, &p) != 0)
			break;
	}
	store_stmt_done(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ?
	    STORE_OK : store_result(s->rdb, rc);
}

/* Where the newest page of limit posts begins: *since is the post just
 * before it (0 when there is none, and then nothing more either). */
static int
store_read_bound(struct store *s, int64_t channel, int64_t thread,
    int limit, int64_t *since, int *more)
{
	sqlite3_stmt	*st;
	int		 r;

	st = s->rq[thread > 0 ? RQ_BOUND_THREAD : RQ_BOUND_CHANNEL];
	sqlite3_bind_int64(st, 1, channel);
	sqlite3_bind_int64(st, 2, limit);
	if (thread > 0)
		sqlite3_bind_int64(st, 3, thread);
	*since = 0;
	r = store_one(s, st);
	if (r == STORE_NOTFOUND)
		return STORE_OK;
	if (r != STORE_OK)
		return r;
	*since = sqlite3_column_int64(st, 0);
	*more = 1;
	store_stmt_done(st);
	return STORE_OK;
}

int
store_read(struct store *s, int64_t channel, int64_t thread, int64_t since,
    int limit, store_post_cb cb, void *arg, int *more)
{
	sqlite3_stmt	*st;
	int		 r, ignored = 0;

	if (limit <= 0)
		limit = PROTO_PAGE_DEFAULT;
	*more = 0;
	if (since < 0) {
		r = store_read_bound(s, channel, thread, limit, &since, more);
		if (r != STORE_OK)
			return r;
		/* Newer posts committed meanwhile are not "more" this way. */
		more = &ignored;
	}
	st = s->rq[thread > 0 ? RQ_READ_THREAD : RQ_READ_CHANNEL];
	sqlite3_bind_int64(st, 1, channel);
	sqlite3_bind_int64(st, 2, since);
	sqlite3_bind_int64(st, 3, (int64_t)limit + 1);
	if (thread > 0)
		sqlite3_bind_int64(st, 4, thread);
	return store_posts(s, st, limit, cb, arg, more);
}

int
store_sync(struct store *s, int64_t account, int64_t since, int64_t until,
    int limit, store_post_cb cb, void *arg, int *more)
{
	sqlite3_stmt	*st = s->rq[RQ_SYNC];

	if (limit <= 0)
		limit = PROTO_SYNC_PAGE;
	*more = 0;
	sqlite3_bind_int64(st, 1, account);
	sqlite3_bind_int64(st, 2, since > 0 ? since : 0);
	sqlite3_bind_int64(st, 3, until > 0 ? until : INT64_MAX);
	sqlite3_bind_int64(st, 4, (int64_t)limit + 1);
	return store_posts(s, st, limit, cb, arg, more);
}

/*
 * The loop's reads for one batch of requests share one read transaction:
 * one WAL read lock instead of one per statement. A snapshot held only
 * while the loop handles what it read in one go: never across a wait.
 */
void
store_snapshot_begin(struct store *s)
{
	sqlite3_stmt *st = s->rq[RQ_BEGIN];

	if (sqlite3_get_autocommit(s->rdb)) {
		sqlite3_step(st);
		sqlite3_reset(st);
	}
}

void
store_snapshot_end(struct store *s)
{
	sqlite3_stmt *st = s->rq[RQ_END];

	if (!sqlite3_get_autocommit(s->rdb)) {
		sqlite3_step(st);
		sqlite3_reset(st);
	}
}

int64_t
store_last_eid(struct store *s)
{
	sqlite3_stmt	*st = s->rq[RQ_LAST_EID];
	int64_t		 eid;

	if (store_one(s, st) != STORE_OK)
		return STORE_ERROR;
	eid = sqlite3_column_int64(st, 0);
	store_stmt_done(st);
	return eid;
}
