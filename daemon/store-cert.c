/*
 * store-cert.c: client certificates bound to accounts.
 *
 * Certificate logins are rare next to posts, so these statements are
 * prepared when used rather than kept. The writes here serve the
 * operator's "harbourd cert" commands, which run in their own process
 * on the write connection before any writer thread exists; SQLite's
 * locking (WAL, busy timeout) keeps them safe beside a running daemon.
 */
#include <string.h>

#include "store-internal.h"
#include "util.h"

static int
store_cert_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st)
{
	if (sqlite3_prepare_v2(db, sql, -1, st, NULL) != SQLITE_OK) {
		log_error("store: %s", sqlite3_errmsg(db));
		return STORE_ERROR;
	}
	return STORE_OK;
}

int
store_cert_lookup(struct store *s, const uint8_t *fp, int64_t now,
    struct store_account *a)
{
	sqlite3_stmt *st;
	int64_t account = 0;
	int rc;

	if (store_cert_prepare(s->rdb, "SELECT account_id FROM certs WHERE "
	    "fingerprint = ?1 AND revoked_at IS NULL AND not_after > ?2",
	    &st) != STORE_OK)
		return STORE_ERROR;
	sqlite3_bind_blob(st, 1, fp, STORE_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		account = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return STORE_NOTFOUND;
	if (rc != SQLITE_ROW)
		return store_result(s->rdb, rc);
	return store_account_by_id(s, account, a);
}

int
store_cert_bind(struct store *s, const char *user, const uint8_t *fp,
    const char *serial, int64_t not_after, int64_t now)
{
	sqlite3_stmt *st;
	int rc;

	if (store_cert_prepare(s->wdb, "INSERT INTO certs (fingerprint, "
	    "account_id, serial, not_after, created_at) SELECT ?1, id, ?2, "
	    "?3, ?4 FROM accounts WHERE name = ?5", &st) != STORE_OK)
		return STORE_ERROR;
	sqlite3_bind_blob(st, 1, fp, STORE_HASH_LEN, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, serial, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, not_after);
	sqlite3_bind_int64(st, 4, now);
	sqlite3_bind_text(st, 5, user, -1, SQLITE_STATIC);
	rc = store_result(s->wdb, sqlite3_step(st));
	if (rc == STORE_OK && sqlite3_changes(s->wdb) == 0)
		rc = STORE_NOTFOUND;
	sqlite3_finalize(st);
	return rc;
}

int
store_cert_revoke(struct store *s, const char *user, int64_t now, int *count)
{
	sqlite3_stmt *st;
	int rc;

	*count = 0;
	if (store_cert_prepare(s->wdb, "UPDATE certs SET revoked_at = ?1 "
	    "WHERE revoked_at IS NULL AND account_id = (SELECT id FROM "
	    "accounts WHERE name = ?2)", &st) != STORE_OK)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_text(st, 2, user, -1, SQLITE_STATIC);
	rc = store_result(s->wdb, sqlite3_step(st));
	if (rc == STORE_OK)
		*count = sqlite3_changes(s->wdb);
	sqlite3_finalize(st);
	return rc;
}

int
store_cert_revoked(struct store *s, store_revoked_cb cb, void *arg)
{
	sqlite3_stmt *st;
	int rc;

	if (store_cert_prepare(s->wdb, "SELECT serial, revoked_at FROM certs "
	    "WHERE revoked_at IS NOT NULL ORDER BY revoked_at", &st) !=
	    STORE_OK)
		return STORE_ERROR;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (cb(arg, (const char *)sqlite3_column_text(st, 0),
		    sqlite3_column_int64(st, 1)) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? STORE_OK : store_result(s->wdb, rc);
}
