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
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blob.h"
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
	char *rows, sql[320];
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
	/* References the writer checks itself (store.c): none dangling.
	 * But the moderation log and reports are records, never changed,
	 * of posts that a channel's retention may have deleted since: a
	 * post id there names what was, not a row that must be. */
	snprintf(sql, sizeof sql, "SELECT \"table\" || ' row ' ||"
	    " ifnull(rowid, '-') || ' refers to a missing ' || parent"
	    " FROM pragma_foreign_key_check WHERE NOT (parent = 'posts'"
	    " AND \"table\" IN ('modlog', 'reports')) LIMIT %d",
	    STORE_CHECK_ROWS);
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

/*
 * The backup's file, made empty before SQLite writes it: mode 0600
 * (a backup holds everyone's posts; the umask must not decide), and a
 * destination in a directory that is not there said as such.
 */
static int
store_admin_create(const char *dest, char **cause)
{
	char *dir = xstrdup(dest), *slash = strrchr(dir, '/');
	struct stat sb;
	int fd;

	if (slash != NULL) {
		*slash = '\0';
		if (*dir != '\0' && (stat(dir, &sb) == -1 ||
		    !S_ISDIR(sb.st_mode))) {
			xasprintf(cause, "%s: the directory %s does not exist: "
			    "make it first (a backup makes no directories)",
			    dest, dir);
			free(dir);
			return -1;
		}
	}
	free(dir);
	if ((fd = open(dest, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) ==
	    -1)
		xasprintf(cause, "%s: %s", dest, strerror(errno));
	return fd;
}

int
store_backup(const char *path, const char *dest, char **cause)
{
	sqlite3 *src, *dst;
	sqlite3_backup *bk;
	struct stat sb;
	int rc, fd;

	*cause = NULL;
	if (stat(dest, &sb) == 0) {
		xasprintf(cause, "%s: exists; a backup never overwrites", dest);
		return -1;
	}
	if ((fd = store_admin_create(dest, cause)) == -1)
		return -1;
	close(fd);
	if ((src = store_admin_open(path, SQLITE_OPEN_READONLY, cause)) ==
	    NULL) {
		unlink(dest);
		return -1;
	}
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

/* ---- attachments (harbourd check and backup) ----------------------- */

/* The attachments beside a database, which must be there: a check
 * makes nothing. */
static struct blob_store *
store_admin_blobs(const char *dir, char **cause)
{
	struct stat sb;

	if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		xasprintf(cause, "%s: the attachments' directory is missing, "
		    "and the database names files in it", dir);
		return NULL;
	}
	return blob_open(dir, BLOB_SIZE_DEFAULT, cause);
}

/* Each attachment row of the database at path, to fn with the store of
 * files beside it. No directory is made for a database that has no
 * attachment: a check, run as root, must not leave one behind. */
static int
store_admin_attachments(const char *path, const char *dir,
    int (*fn)(void *, struct blob_store *, const uint8_t *, int64_t),
    void *arg, char **cause)
{
	struct blob_store *bs = NULL;
	sqlite3 *db;
	sqlite3_stmt *st = NULL;
	int rc, r = 0;

	if ((db = store_admin_open(path, SQLITE_OPEN_READONLY, cause)) == NULL)
		return -1;
	if (sqlite3_prepare_v2(db, "SELECT sha256, size FROM attachments"
	    " ORDER BY sha256", -1, &st, NULL) != SQLITE_OK) {
		/* A database from before attachments has none. */
		sqlite3_close(db);
		return 0;
	}
	while (r == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_bytes(st, 0) != STORE_HASH_LEN)
			continue;
		if (bs == NULL && (bs = store_admin_blobs(dir, cause)) ==
		    NULL) {
			r = -1;
			break;
		}
		r = fn(arg, bs, sqlite3_column_blob(st, 0),
		    sqlite3_column_int64(st, 1));
	}
	if (r == 0 && rc != SQLITE_DONE) {
		xasprintf(cause, "%s: %s", path, sqlite3_errmsg(db));
		r = -1;
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	blob_close(bs);
	return r;
}

struct store_admin_check {
	char	*problems;
	int	 n;
};

static int
store_admin_check_one(void *arg, struct blob_store *bs, const uint8_t *sha,
    int64_t size)
{
	struct store_admin_check *ck = arg;
	char hex[BLOB_HEX_LEN + 1], *next;
	int r = blob_verify(bs, sha, size);

	if (r == BLOB_OK)
		return 0;
	blob_hex(sha, hex);
	xasprintf(&next, "%s%s%s %s", ck->problems, *ck->problems ? "; " : "",
	    hex, r == BLOB_NOTFOUND ? "is missing" : r == BLOB_BAD_HASH ?
	    "is damaged (its content is not its SHA-256)" : "cannot be read");
	free(ck->problems);
	ck->problems = next;
	return ++ck->n >= STORE_CHECK_ROWS;
}

int
store_check_attachments(const char *path, char **cause)
{
	struct store_admin_check ck = { xstrdup(""), 0 };
	char *dir = blob_dir_for(path);
	int r;

	*cause = NULL;
	r = store_admin_attachments(path, dir, store_admin_check_one, &ck,
	    cause);
	if (r >= 0 && ck.n > 0) {
		xasprintf(cause, "%s: attachments fail their check: %s", dir,
		    ck.problems);
		r = -1;
	}
	free(ck.problems);
	free(dir);
	return r < 0 ? -1 : 0;
}

struct store_admin_copy {
	const char	*dest;
	char		**cause;
};

static int
store_admin_copy_one(void *arg, struct blob_store *bs, const uint8_t *sha,
    int64_t size)
{
	struct store_admin_copy *cp = arg;

	(void)size;
	return blob_copy(bs, sha, cp->dest, cp->cause) == BLOB_OK ? 0 : -1;
}

/* The files the copy's rows name, from beside the live database: the
 * copy's own snapshot decides which, so it is whole by itself. A file
 * is never deleted while a row names it, so each is there to copy. */
int
store_backup_attachments(const char *path, const char *dest, char **cause)
{
	char *src = blob_dir_for(path), *dst = blob_dir_for(dest);
	struct store_admin_copy cp = { dst, cause };
	int r;

	*cause = NULL;
	r = store_admin_attachments(dest, src, store_admin_copy_one, &cp,
	    cause);
	/* A copy without its files is no backup: it goes, so that nobody
	 * keeps it for one and the same command can be run again (the
	 * files already copied are simply copied over). */
	if (r != 0)
		unlink(dest);
	free(src);
	free(dst);
	return r;
}
