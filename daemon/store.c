/*
 * store.c: opening and closing the database and bringing its schema up
 * to date (the steps are in store-schema.c, the reads in store-read.c,
 * the writer in store-write.c and its operations in store-ops.c).
 *
 * Two connections share one WAL database file. The write connection is
 * opened first: it checks the file (PRAGMA quick_check; a schema newer
 * than this build is refused rather than guessed at), switches to WAL and
 * applies the migrations. The read connection is opened after, marked
 * query_only, and has every statement it will ever run (store-read.c's
 * store_read_sql) prepared here, so
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
 * Enumerated columns hold the STORE_POST_* and STORE_CHANNEL_* values
 * of store.h; the SQL spells them as literals (posts.state = 0 is
 * "visible"), and a unit test checks the two agree.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "blob.h"
#include "store-internal.h"
#include "util.h"

/* ---- helpers shared with the other store files ----------------------- */

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
	/*
	 * Durable before acknowledged: fsync at every commit.
	 * Foreign keys are declared in the schema but not enforced by
	 * SQLite on this, the only connection that writes: enforcement
	 * looked up every parent row of every insert (seven lookups per
	 * post, a fifth of the writer's work). Each write finds the rows it
	 * refers to itself (store-ops.c, INSERT ... SELECT), which it
	 * needs anyway to answer "not found"; harbourd check runs
	 * foreign_key_check, and so does every store unit test.
	 */
	/*
	 * secure_delete: what a delete or an update frees is overwritten
	 * with zeros, so that erased and expired text leaves the file's
	 * pages, and so every backup made afterwards (store_backup copies
	 * pages, free ones too). The price is writing the freed bytes; a
	 * VACUUM after each erasure would rewrite the whole file instead.
	 */
	if (store_exec(db, path, "PRAGMA synchronous = FULL;"
	    "PRAGMA foreign_keys = OFF; PRAGMA secure_delete = ON;",
	    cause) != 0)
		return -1;
	return store_migrate(db, path, current, version, cause);
}

static void
store_disconnect(struct store *s)
{
	store_finalize(s->rq, RQ__COUNT);
	store_finalize(s->mr, MR__COUNT);
	store_finalize(s->pr, PR__COUNT);
	store_finalize(s->sr, SR__COUNT);
	store_finalize(s->rr, RR__COUNT);
	store_finalize(s->ir, IR__COUNT);
	store_finalize(s->gr, GR__COUNT);
	store_finalize(s->cr, CR__COUNT);
	store_finalize(s->er, ER__COUNT);
	store_finalize(s->ar, AR__COUNT);
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
	if (store_exec(s->rdb, path, "PRAGMA query_only = ON;", cause) != 0)
		goto fail;
	if (store_prepare(s->rdb, store_read_sql, s->rq, RQ__COUNT,
	    cause) != 0 || store_prepare(s->rdb, store_mod_read_sql, s->mr,
	    MR__COUNT, cause) != 0 || store_prepare(s->rdb,
	    store_report_read_sql, s->pr, PR__COUNT, cause) != 0 ||
	    store_prepare(s->rdb, store_search_read_sql, s->sr, SR__COUNT,
	    cause) != 0 || store_prepare(s->rdb, store_resource_read_sql,
	    s->rr, RR__COUNT, cause) != 0 || store_prepare(s->rdb,
	    store_inbox_read_sql, s->ir, IR__COUNT, cause) != 0 ||
	    store_prepare(s->rdb, store_group_read_sql, s->gr, GR__COUNT,
	    cause) != 0 || store_prepare(s->rdb, store_calendar_read_sql,
	    s->cr, CR__COUNT, cause) != 0 || store_prepare(s->rdb,
	    store_erase_read_sql, s->er, ER__COUNT, cause) != 0 ||
	    store_prepare(s->rdb, store_account_read_sql, s->ar, AR__COUNT,
	    cause) != 0)
		goto fail;
	if (store_write_init(s, cause) != 0)
		goto fail;
	if ((s->blobs = store_blobs_open(path, cause)) == NULL)
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
	store_caches_free(s);
	blob_close(s->blobs);
	free(s->path);
	free(s);
}

