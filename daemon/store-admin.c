/*
 * store-admin.c: the store's maintenance side, for the operator's
 * commands rather than for clients: a full integrity check of a
 * database file (harbourd check), a consistent online copy of it
 * (harbourd backup) and the figures harbour admin status shows.
 *
 * The backup uses SQLite's online backup API from its own read-only
 * connection. In WAL mode that connection reads one snapshot while the
 * running daemon keeps committing, so the copy holds exactly what was
 * committed when the copy began, and the daemon is never paused. The
 * whole copy is one step: stepping in pieces would restart whenever the
 * daemon wrote in between, and never finish under steady posting.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store-internal.h"
#include "util.h"

/* Rows of integrity_check worth reporting; the first few say enough. */
#define STORE_CHECK_ROWS	8

static sqlite3 *
store_admin_open(const char *path, int flags, char **cause)
{
	sqlite3 *db = NULL;
	int rc;

	rc = sqlite3_open_v2(path, &db, flags | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		xasprintf(cause, "%s: %s", path, db != NULL ?
		    sqlite3_errmsg(db) : sqlite3_errstr(rc));
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_busy_timeout(db, STORE_BUSY_MS);
	return db;
}

/* Every row's first column joined by "; " into a malloc'd string. */
static char *
store_admin_rows(sqlite3 *db, const char *sql, int *failed)
{
	sqlite3_stmt *st;
	char *out = xstrdup(""), *next;
	int rc;

	*failed = 0;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		*failed = 1;
		free(out);
		return xstrdup(sqlite3_errmsg(db));
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(st, 0);
		xasprintf(&next, "%s%s%s", out, *out ? "; " : "", t ? t : "");
		free(out);
		out = next;
	}
	if (rc != SQLITE_DONE) {
		*failed = 1;
		free(out);
		out = xstrdup(sqlite3_errmsg(db));
	}
	sqlite3_finalize(st);
	return out;
}

int
store_check(const char *path, char **cause)
{
	sqlite3 *db;
	char *rows, sql[192];
	int failed, version;

	*cause = NULL;
	if (access(path, R_OK) != 0) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return -1;
	}
	if ((db = store_admin_open(path, SQLITE_OPEN_READONLY, cause)) == NULL)
		return -1;
	snprintf(sql, sizeof sql, "PRAGMA integrity_check(%d)",
	    STORE_CHECK_ROWS);
	rows = store_admin_rows(db, sql, &failed);
	if (failed || strcmp(rows, "ok") != 0) {
		xasprintf(cause, "%s: database fails its integrity check: %s",
		    path, rows);
		goto fail;
	}
	free(rows);
	/* References the writer checks itself (store.c): none dangling. */
	snprintf(sql, sizeof sql, "SELECT \"table\" || ' row ' ||"
	    " ifnull(rowid, '-') || ' refers to a missing ' || parent"
	    " FROM pragma_foreign_key_check LIMIT %d", STORE_CHECK_ROWS);
	rows = store_admin_rows(db, sql, &failed);
	if (failed || *rows != '\0') {
		xasprintf(cause, "%s: database fails its foreign key check: %s",
		    path, rows);
		goto fail;
	}
	free(rows);
	rows = store_admin_rows(db, "PRAGMA user_version", &failed);
	version = atoi(rows);
	if (failed || version < 1 || version > STORE_SCHEMA_VERSION) {
		xasprintf(cause, "%s: not a Harbour database of a schema this "
		    "harbourd knows (version %s, this build: %d)", path, rows,
		    STORE_SCHEMA_VERSION);
		goto fail;
	}
	free(rows);
	sqlite3_close(db);
	return 0;
fail:
	free(rows);
	sqlite3_close(db);
	return -1;
}

int
store_backup(const char *path, const char *dest, char **cause)
{
	sqlite3 *src, *dst;
	sqlite3_backup *bk;
	struct stat sb;
	int rc;

	*cause = NULL;
	if (stat(dest, &sb) == 0) {
		xasprintf(cause, "%s: exists; a backup never overwrites", dest);
		return -1;
	}
	if ((src = store_admin_open(path, SQLITE_OPEN_READONLY, cause)) == NULL)
		return -1;
	if ((dst = store_admin_open(dest, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, cause)) == NULL) {
		sqlite3_close(src);
		return -1;
	}
	if ((bk = sqlite3_backup_init(dst, "main", src, "main")) == NULL) {
		xasprintf(cause, "%s: %s", dest, sqlite3_errmsg(dst));
		rc = SQLITE_ERROR;
	} else {
		/* One step, one snapshot (see the comment at the top). */
		while ((rc = sqlite3_backup_step(bk, -1)) == SQLITE_BUSY ||
		    rc == SQLITE_LOCKED)
			usleep(10000);
		sqlite3_backup_finish(bk);
		if (rc != SQLITE_DONE)
			xasprintf(cause, "%s: backup failed: %s", dest,
			    sqlite3_errstr(rc));
	}
	sqlite3_close(src);
	if (rc == SQLITE_DONE && sqlite3_exec(dst,
	    "PRAGMA journal_mode = DELETE", NULL, NULL, NULL) != SQLITE_OK) {
		/* A single self-contained file is what an operator copies
		 * off the machine; it reopens in WAL mode when served. */
		xasprintf(cause, "%s: %s", dest, sqlite3_errmsg(dst));
		rc = SQLITE_ERROR;
	}
	sqlite3_close(dst);
	if (rc != SQLITE_DONE) {
		unlink(dest);
		return -1;
	}
	return store_check(dest, cause);
}

int
store_size(struct store *s, int64_t *bytes)
{
	sqlite3_stmt *st;
	int rc;

	*bytes = 0;
	if (sqlite3_prepare_v2(s->rdb, "SELECT page_count * page_size FROM "
	    "pragma_page_count(), pragma_page_size()", -1, &st, NULL) !=
	    SQLITE_OK)
		return STORE_ERROR;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*bytes = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? STORE_OK : STORE_ERROR;
}
