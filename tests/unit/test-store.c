/*
 * test-store.c: the store on a real SQLite file in a fresh temporary
 * directory per test: schema creation and migration, refusal of newer
 * or damaged files, every read and every write with its error results,
 * and the writer thread's group commit.
 *
 * Writes go through store_write_sync() before the writer starts; the
 * group commit tests start it and wait on a pipe that notify() writes
 * to, as the daemon's loop would. Fixtures the API cannot make (an old
 * schema, a hidden post, a newer version number) are made with plain
 * SQL through store-internal.h.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store-internal.h"
#include "view.h"
#include "util.h"

#define T0	1700000000	/* "now" in the tests */

static char	test_dir[64];
static char	test_db[PATH_MAX];

static void
test_setup(void)
{
	log_init(LOG_LEVEL_WARN);
	strlcpy_h(test_dir, "/tmp/harbour-store-XXXXXX", sizeof test_dir);
	cr_assert_not_null(mkdtemp(test_dir));
	snprintf(test_db, sizeof test_db, "%s/harbour.db", test_dir);
}

/*
 * The writer enforces references itself (SQLite's foreign keys are off
 * on its connection): whatever a test wrote must leave none dangling.
 * Every test closes its store with test_close(), which looks.
 */
static void
test_fk_clean(void)
{
	sqlite3		*db;
	sqlite3_stmt	*st;
	int		 rc = SQLITE_DONE;
	char		 what[256] = "";

	if (access(test_db, F_OK) != 0)
		return;
	if (sqlite3_open_v2(test_db, &db, SQLITE_OPEN_READONLY, NULL) ==
	    SQLITE_OK && sqlite3_prepare_v2(db, "SELECT \"table\" || ' ' ||"
	    " ifnull(rowid, '-') || ' -> ' || parent FROM pragma_foreign_key_check", -1,
	    &st, NULL) == SQLITE_OK) {
		if ((rc = sqlite3_step(st)) == SQLITE_ROW)
			strlcpy_h(what, (const char *)sqlite3_column_text(st,
			    0), sizeof what);
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	cr_assert_neq(rc, SQLITE_ROW, "a dangling reference: %s", what);
}

static void
test_close(struct store *s)
{
	store_close(s);
	test_fk_clean();
}

static void
test_teardown(void)
{
	char	path[PATH_MAX + 8];


	unlink(test_db);
	snprintf(path, sizeof path, "%s-wal", test_db);
	unlink(path);
	snprintf(path, sizeof path, "%s-shm", test_db);
	unlink(path);
	rmdir(test_dir);
}

TestSuite(store, .init = test_setup, .fini = test_teardown);

/* ---- helpers -------------------------------------------------------- */

static struct store *
test_open(void)
{
	struct store	*s;
	char		*cause = NULL;

	s = store_open(test_db, &cause);
	cr_assert_not_null(s, "store_open: %s", cause ? cause : "?");
	return s;
}

/* SQL that must fail, with an error message holding want. */
static void
test_sql_fails(const char *sql, const char *want)
{
	sqlite3	*db;
	char	*err = NULL;

	cr_assert_eq(sqlite3_open(test_db, &db), SQLITE_OK);
	cr_assert_neq(sqlite3_exec(db, sql, NULL, NULL, &err), SQLITE_OK,
	    "%s: succeeded", sql);
	cr_assert(err != NULL && strstr(err, want) != NULL, "%s: %s", sql,
	    err ? err : "?");
	sqlite3_free(err);
	sqlite3_close(db);
}

/* Plain SQL on the file, for fixtures and for looking underneath. */
static void
test_sql(const char *sql)
{
	sqlite3	*db;
	char	*err = NULL;

	cr_assert_eq(sqlite3_open(test_db, &db), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, &err), SQLITE_OK,
	    "%s: %s", sql, err ? err : "?");
	sqlite3_close(db);
}

static int64_t
test_sql_int(const char *sql)
{
	sqlite3		*db;
	sqlite3_stmt	*st;
	int64_t		 v;

	cr_assert_eq(sqlite3_open(test_db, &db), SQLITE_OK);
	cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static void
test_hash(uint8_t *h, const char *seed)
{
	memset(h, 0, STORE_HASH_LEN);
	memcpy(h, seed, strlen(seed) < STORE_HASH_LEN ?
	    strlen(seed) : STORE_HASH_LEN);
}

/* Run one job synchronously, check its result, keep it for outputs. */
static struct store_write *
test_write(struct store *s, struct store_write *w, int want)
{
	if (w->now == 0)
		w->now = T0;
	cr_assert_eq(store_write_sync(s, w), want, "op %d: %d, want %d",
	    (int)w->op, w->result, want);
	return w;
}

static int64_t
test_org(struct store *s, const char *name)
{
	struct store_write	*w = store_write_new(SW_ORG_CREATE);
	int64_t			 id;

	strlcpy_h(w->name, name, sizeof w->name);
	id = test_write(s, w, STORE_OK)->org;
	store_write_free(w);
	return id;
}

static void
test_invite(struct store *s, int64_t org, const char *code,
    enum proto_role role, int64_t expires_at)
{
	struct store_write	*w = store_write_new(SW_INVITE_CREATE);

	test_hash(w->hash, code);
	w->org = org;
	w->role = role;
	w->expires_at = expires_at;
	store_write_free(test_write(s, w, STORE_OK));
}

static int
test_register_result(struct store *s, const char *code, const char *user,
    int64_t now, struct store_account *a)
{
	struct store_write	*w = store_write_new(SW_REGISTER);
	int			 r;

	test_hash(w->invite, code);
	test_hash(w->hash, user);	/* the session token's hash */
	strlcpy_h(w->name, user, sizeof w->name);
	strlcpy_h(w->pwhash, "$argon2id$v=19$m=19456,t=2,p=1$x$y",
	    sizeof w->pwhash);
	w->now = now;
	r = store_write_sync(s, w);
	if (a != NULL)
		*a = w->acct;
	store_write_free(w);
	return r;
}

/* An account of org made the way the daemon makes one. */
static int64_t
test_account(struct store *s, int64_t org, const char *user)
{
	struct store_account	a;
	char			code[64];

	snprintf(code, sizeof code, "invite-%s", user);
	test_invite(s, org, code, ROLE_MEMBER, T0 + 3600);
	cr_assert_eq(test_register_result(s, code, user, T0, &a), STORE_OK);
	return a.id;
}

static int64_t
test_channel(struct store *s, const char *name, int64_t org, int64_t by)
{
	struct store_write	*w = store_write_new(SW_CHANNEL_CREATE);
	int64_t			 id;

	strlcpy_h(w->name, name, sizeof w->name);
	w->org = org;
	w->account = by;
	id = test_write(s, w, STORE_OK)->channel;
	store_write_free(w);
	return id;
}

static struct store_write *
test_post_job(int64_t channel, int64_t thread, int64_t author,
    const char *title, const char *body)
{
	struct store_write	*w = store_write_new(SW_POST);

	w->channel = channel;
	w->thread = thread;
	w->account = author;
	w->title = title != NULL ? xstrdup(title) : NULL;
	w->body = xstrdup(body);
	w->now = T0;
	return w;
}

/* Post and return the new event id; thread 0 starts a thread. */
static int64_t
test_post(struct store *s, int64_t channel, int64_t thread, int64_t author,
    const char *title, const char *body)
{
	struct store_write	*w;
	int64_t			 eid;

	w = test_post_job(channel, thread, author, title, body);
	test_write(s, w, STORE_OK);
	eid = w->eid;
	cr_assert_eq(w->thread, thread ? thread : eid);
	store_write_free(w);
	return eid;
}

static void
test_simple(struct store *s, enum store_wop op, int64_t channel,
    int64_t account, int64_t eid, int want)
{
	struct store_write	*w = store_write_new(op);

	w->channel = channel;
	w->account = account;
	w->eid = eid;
	store_write_free(test_write(s, w, want));
}

/* Mark one post shown to account, as a read, sync or mark does. */
static void
test_mark(struct store *s, int64_t channel, int64_t account, int64_t post)
{
	struct store_write	*w = store_write_new(SW_MARK_READ);

	w->channel = channel;
	w->account = account;
	w->ids = xcalloc(1, sizeof *w->ids);
	w->ids[0] = post;
	w->nids = 1;
	store_write_free(test_write(s, w, STORE_OK));
}

/* What a read or sync handed to its callback. */
#define TEST_MAX_POSTS	64
struct test_posts {
	int	n;
	int64_t	eid[TEST_MAX_POSTS];
	int64_t	thread[TEST_MAX_POSTS];
	char	body[TEST_MAX_POSTS][64];
	char	channel[TEST_MAX_POSTS][PROTO_MAX_CHANNEL + 1];
	char	author[TEST_MAX_POSTS][PROTO_MAX_NAME + 1];
	char	org[TEST_MAX_POSTS][PROTO_MAX_NAME + 1];
	int	titled[TEST_MAX_POSTS];
	int	more;
};

/* A reader who is neither author nor moderator of anything. */
static const struct store_viewer test_public = { -1, -1, 0, 0 };

static struct store_viewer
test_viewer(int64_t account, int64_t org)
{
	struct store_viewer v = { account, org, 0, 0 };

	return v;
}

static int
test_posts_cb(void *arg, const struct store_post *p)
{
	struct test_posts	*tp = arg;

	cr_assert_lt(tp->n, TEST_MAX_POSTS);
	cr_assert_eq(p->eid, p->post);
	cr_assert_eq(p->ts, T0);
	tp->eid[tp->n] = p->eid;
	tp->thread[tp->n] = p->thread;
	strlcpy_h(tp->body[tp->n], p->body, sizeof tp->body[0]);
	strlcpy_h(tp->channel[tp->n], p->channel, sizeof tp->channel[0]);
	strlcpy_h(tp->author[tp->n], p->author, sizeof tp->author[0]);
	strlcpy_h(tp->org[tp->n], p->org, sizeof tp->org[0]);
	tp->titled[tp->n] = p->title != NULL;
	tp->n++;
	return 0;
}

static struct test_posts *
test_read(struct store *s, int64_t channel, int64_t thread, int64_t since,
    int limit)
{
	static struct test_posts	tp;

	memset(&tp, 0, sizeof tp);
	tp.more = -1;
	cr_assert_eq(store_read(s, &test_public, channel, thread, since,
	    limit, test_posts_cb, &tp, &tp.more), STORE_OK);
	return &tp;
}

static struct test_posts *
test_sync(struct store *s, int64_t account, int64_t since, int64_t until,
    int limit)
{
	static struct test_posts	tp;
	struct store_viewer		v = test_viewer(account, 0);

	memset(&tp, 0, sizeof tp);
	tp.more = -1;
	cr_assert_eq(store_sync(s, &v, since, until, NULL, 0, 0, limit,
	    test_posts_cb, &tp, &tp.more), STORE_OK);
	return &tp;
}

/* ---- opening and migrations ----------------------------------------- */

Test(store, open_fresh)
{
	struct store	*s = test_open();

	cr_assert_eq(store_last_eid(s), 0);
	cr_assert_eq(store_queue_depth(s), 0);
	test_close(s);
	cr_assert_eq(test_sql_int("PRAGMA user_version"),
	    STORE_SCHEMA_VERSION);
	cr_assert_eq(test_sql_int("SELECT count(*) FROM sqlite_schema"
	    " WHERE name = 'threads'"), 1);
	cr_assert_eq(test_sql_int("SELECT journal_mode = 'wal'"
	    " FROM pragma_journal_mode"), 1);

	/* Reopening an up-to-date database changes nothing. */
	s = test_open();
	test_close(s);
	cr_assert_eq(test_sql_int("PRAGMA user_version"),
	    STORE_SCHEMA_VERSION);
}

Test(store, migrate_from_v1)
{
	struct store		*s;
	struct test_posts	*tp;
	char			*cause = NULL;
	int64_t			 thread = 0, replies = -1, last = 0, eid;

	cr_assert_eq(store_migrate_to(test_db, 1, &cause), 0, "%s", cause);
	cr_assert_eq(test_sql_int("PRAGMA user_version"), 1);
	cr_assert_eq(test_sql_int("SELECT count(*) FROM sqlite_schema"
	    " WHERE name = 'threads'"), 0);

	/* What a version 1 harbourd left: two threads, one with replies. */
	test_sql("INSERT INTO orgs VALUES (1, 'hope', 1);"
	    "INSERT INTO accounts (id, name, org_id, role, pwhash, created_at)"
	    " VALUES (1, 'ana', 1, 1, 'h', 1);"
	    "INSERT INTO channels (id, name, org_id, kind, created_at)"
	    " VALUES (1, 'peer/talk', NULL, 1, 1);"
	    "INSERT INTO members VALUES (1, 1, 1, 0);"
	    "INSERT INTO events (kind, channel_id, org_id, actor_id, post_id, ts)"
	    " VALUES (1,1,1,1,1,1700000000), (1,1,1,1,2,1700000000),"
	    " (1,1,1,1,3,1700000000), (1,1,1,1,4,1700000000);"
	    "INSERT INTO posts (id, channel_id, thread_id, author_id, title,"
	    " body, ts) VALUES (1,1,1,1,'first','a',1700000000),"
	    " (2,1,1,1,NULL,'b',1700000000), (3,1,3,1,'second','c',1700000000),"
	    " (4,1,1,1,NULL,'d',1700000000);");

	s = test_open();
	test_close(s);
	cr_assert_eq(test_sql_int("PRAGMA user_version"), STORE_SCHEMA_VERSION);
	cr_assert_eq(test_sql_int("SELECT count(*) FROM threads"), 2);
	cr_assert_eq(test_sql_int("SELECT replies FROM threads WHERE id = 1"), 2);
	cr_assert_eq(test_sql_int("SELECT last_eid FROM threads WHERE id = 1"), 4);
	cr_assert_eq(test_sql_int("SELECT replies FROM threads WHERE id = 3"), 0);

	/* The data survived and the new code works on it. */
	s = test_open();
	tp = test_read(s, 1, 0, -1, 10);
	cr_assert_eq(tp->n, 4);
	cr_assert_str_eq(tp->body[3], "d");
	cr_assert_str_eq(tp->author[0], "ana");
	eid = test_post(s, 1, 3, 1, NULL, "e");
	cr_assert_eq(eid, 5);
	test_close(s);
	cr_assert_eq(test_sql_int("SELECT replies FROM threads WHERE id = 3"), 1);
	thread = test_sql_int("SELECT id FROM threads ORDER BY last_eid DESC");
	replies = test_sql_int("SELECT count(*) FROM posts WHERE thread_id = 3");
	/* Version 5: events keep their ids without AUTOINCREMENT, and
	 * cannot be deleted (so the largest id is never given again). */
	cr_assert_eq(test_sql_int("SELECT count(*) FROM sqlite_schema WHERE"
	    " name = 'events' AND sql LIKE '%AUTOINCREMENT%'"), 0);
	cr_assert_eq(test_sql_int("SELECT max(id) FROM events"), 5);
	cr_assert_eq(test_sql_int("SELECT count(*) FROM sqlite_schema WHERE"
	    " name = 'events_v5'"), 0);
	test_sql_fails("DELETE FROM events WHERE id = 5", "never deleted");
	/* Version 4: a post's own event names no other post. */
	last = test_sql_int("SELECT count(*) FROM events WHERE post_id IS NOT "
	    "NULL");
	cr_assert_eq(thread, 3);
	cr_assert_eq(replies, 2);
	cr_assert_eq(last, 0);
	cr_assert_eq(test_sql_int("SELECT count(*) FROM sqlite_schema"
	    " WHERE name = 'events_channel'"), 0);
}

Test(store, refuses_newer_schema)
{
	struct store	*s = test_open();
	char		*cause = NULL;
	char		 sql[64];

	test_close(s);

	snprintf(sql, sizeof sql, "PRAGMA user_version = %d",
	    STORE_SCHEMA_VERSION + 1);
	test_sql(sql);
	cr_assert_null(store_open(test_db, &cause));
	cr_assert_not_null(cause);
	cr_assert_not_null(strstr(cause, "newer"), "%s", cause);
	free(cause);
}

Test(store, refuses_corrupt_file)
{
	struct store	*s = test_open();
	int64_t		 org, ana, ch;
	char		*cause = NULL, junk[4096];
	off_t		 size;
	int		 fd, i;

	org = test_org(s, "hope");
	ana = test_account(s, org, "ana");
	ch = test_channel(s, "hope/all", org, ana);
	memset(junk, 'x', 900);
	junk[900] = '\0';
	for (i = 0; i < 100; i++)
		test_post(s, ch, 0, ana, "t", junk);
	test_close(s);

	cr_assert((fd = open(test_db, O_RDWR)) >= 0);
	size = lseek(fd, 0, SEEK_END);
	cr_assert_gt(size, 16 * 4096);
	for (i = 0; i < (int)sizeof junk; i++)
		junk[i] = (char)(i * 7 + 13);
	cr_assert_eq(pwrite(fd, junk, sizeof junk, (size / 2) & ~4095),
	    (ssize_t)sizeof junk);
	close(fd);

	cr_assert_null(store_open(test_db, &cause));
	cr_assert_not_null(cause);
	cr_log_info("%s", cause);
	free(cause);
}

Test(store, refuses_foreign_file)
{
	char	*cause = NULL;
	FILE	*f;

	cr_assert_not_null(f = fopen(test_db, "w"));
	fputs("these are someone's notes, not a database\n", f);
	fclose(f);
	cr_assert_null(store_open(test_db, &cause));
	cr_assert_not_null(cause);
	free(cause);
}

/* ---- accounts, invites, sessions ------------------------------------ */

Test(store, register_and_login_reads)
{
	struct store		*s = test_open();
	struct store_account	 a, b;
	uint8_t			 h[STORE_HASH_LEN];
	int64_t			 org, sid = 0;

	org = test_org(s, "hope");
	test_invite(s, org, "code1", ROLE_ORG_ADMIN, T0 + 60);
	test_hash(h, "code1");
	cr_assert_eq(store_invite_check(s, h, T0), STORE_OK);
	cr_assert_eq(test_register_result(s, "code1", "ana", T0, &a), STORE_OK);
	cr_assert_gt(a.id, 0);
	cr_assert_eq(a.org_id, org);
	cr_assert_eq(a.role, ROLE_ORG_ADMIN);
	cr_assert_str_eq(a.name, "ana");
	cr_assert_str_eq(a.org, "hope");
	cr_assert_eq(store_invite_check(s, h, T0), STORE_NOTFOUND);

	cr_assert_eq(store_account_by_name(s, "ana", &b), STORE_OK);
	cr_assert_eq(b.id, a.id);
	cr_assert_str_eq(b.org, "hope");
	cr_assert_str_eq(b.pwhash, a.pwhash);
	cr_assert_eq(store_account_by_id(s, a.id, &b), STORE_OK);
	cr_assert_str_eq(b.name, "ana");
	cr_assert_eq(store_account_by_name(s, "bob", &b), STORE_NOTFOUND);
	cr_assert_eq(store_account_by_id(s, 999, &b), STORE_NOTFOUND);

	test_hash(h, "ana");	/* the register session's token hash */
	cr_assert_eq(store_session_lookup(s, h, &b, &sid), STORE_OK);
	cr_assert_eq(b.id, a.id);
	cr_assert_gt(sid, 0);
	test_hash(h, "nobody");
	cr_assert_eq(store_session_lookup(s, h, &b, &sid), STORE_NOTFOUND);
	test_close(s);
}

Test(store, register_invalid_invites)
{
	struct store	*s = test_open();
	uint8_t		 h[STORE_HASH_LEN];
	int64_t		 org = test_org(s, "hope");

	test_invite(s, org, "once", ROLE_MEMBER, T0 + 60);
	test_invite(s, org, "old", ROLE_MEMBER, T0 - 1);
	cr_assert_eq(test_register_result(s, "unknown", "ana", T0, NULL),
	    STORE_INVALID);
	cr_assert_eq(test_register_result(s, "old", "ana", T0, NULL),
	    STORE_INVALID);
	test_hash(h, "old");
	cr_assert_eq(store_invite_check(s, h, T0), STORE_NOTFOUND);
	/* Expiry is exclusive: an invite is dead at its expiry second. */
	cr_assert_eq(test_register_result(s, "once", "ana", T0 + 60, NULL),
	    STORE_INVALID);
	cr_assert_eq(test_register_result(s, "once", "ana", T0, NULL),
	    STORE_OK);
	cr_assert_eq(test_register_result(s, "once", "bob", T0, NULL),
	    STORE_INVALID);
	cr_assert_eq(store_account_by_name(s, "bob", &(struct store_account){0}),
	    STORE_NOTFOUND);
	test_close(s);
}

Test(store, register_name_taken_keeps_invite)
{
	struct store	*s = test_open();
	uint8_t		 h[STORE_HASH_LEN];
	int64_t		 org = test_org(s, "hope");

	test_account(s, org, "ana");
	test_invite(s, org, "code2", ROLE_MEMBER, T0 + 60);
	cr_assert_eq(test_register_result(s, "code2", "ana", T0, NULL),
	    STORE_EXISTS);
	test_hash(h, "code2");
	cr_assert_eq(store_invite_check(s, h, T0), STORE_OK);
	cr_assert_eq(test_sql_int("SELECT count(*) FROM invites"
	    " WHERE used_at IS NULL"), 1);
	cr_assert_eq(test_register_result(s, "code2", "bob", T0, NULL),
	    STORE_OK);
	test_close(s);
}

Test(store, sessions_and_passwd)
{
	struct store		*s = test_open();
	struct store_write	*w;
	struct store_account	 a;
	uint8_t			 h[STORE_HASH_LEN];
	int64_t			 ana, sid[3], got;
	int			 i;

	ana = test_account(s, test_org(s, "hope"), "ana");
	test_hash(h, "ana");
	cr_assert_eq(store_session_lookup(s, h, &a, &sid[0]), STORE_OK);
	for (i = 1; i < 3; i++) {
		w = store_write_new(SW_SESSION_NEW);
		w->account = ana;
		test_hash(w->hash, i == 1 ? "tok1" : "tok2");
		sid[i] = test_write(s, w, STORE_OK)->session;
		store_write_free(w);
	}
	test_hash(h, "tok1");
	cr_assert_eq(store_session_lookup(s, h, &a, &got), STORE_OK);
	cr_assert_eq(got, sid[1]);

	/* A token hash is unique; an unknown account has no session. */
	w = store_write_new(SW_SESSION_NEW);
	w->account = ana;
	test_hash(w->hash, "tok1");
	store_write_free(test_write(s, w, STORE_EXISTS));
	w = store_write_new(SW_SESSION_NEW);
	w->account = 999;
	test_hash(w->hash, "tok9");
	store_write_free(test_write(s, w, STORE_NOTFOUND));

	/* A new password keeps this session (1) and revokes the others. */
	w = store_write_new(SW_PASSWD);
	w->account = ana;
	w->session = sid[1];
	strlcpy_h(w->pwhash, "$argon2id$new", sizeof w->pwhash);
	store_write_free(test_write(s, w, STORE_OK));
	cr_assert_eq(store_account_by_id(s, ana, &a), STORE_OK);
	cr_assert_str_eq(a.pwhash, "$argon2id$new");
	test_hash(h, "ana");
	cr_assert_eq(store_session_lookup(s, h, &a, &got), STORE_NOTFOUND);
	test_hash(h, "tok2");
	cr_assert_eq(store_session_lookup(s, h, &a, &got), STORE_NOTFOUND);
	test_hash(h, "tok1");
	cr_assert_eq(store_session_lookup(s, h, &a, &got), STORE_OK);

	/* A login checked against the old password lands no session once
	 * the new one is stored; against the current one it does. */
	w = store_write_new(SW_SESSION_NEW);
	w->account = ana;
	test_hash(w->hash, "tok3");
	strlcpy_h(w->pwhash, "$argon2id$old", sizeof w->pwhash);
	store_write_free(test_write(s, w, STORE_INVALID));
	test_hash(h, "tok3");
	cr_assert_eq(store_session_lookup(s, h, &a, &got), STORE_NOTFOUND);
	w = store_write_new(SW_SESSION_NEW);
	w->account = ana;
	test_hash(w->hash, "tok3");
	strlcpy_h(w->pwhash, "$argon2id$new", sizeof w->pwhash);
	store_write_free(test_write(s, w, STORE_OK));
	test_hash(h, "tok1");

	w = store_write_new(SW_SESSION_REVOKE);
	w->session = sid[1];
	store_write_free(test_write(s, w, STORE_OK));
	cr_assert_eq(store_session_lookup(s, h, &a, &got), STORE_NOTFOUND);

	w = store_write_new(SW_PASSWD);
	w->account = 999;
	store_write_free(test_write(s, w, STORE_NOTFOUND));
	test_close(s);
}

static int
test_names_cb(void *arg, const char *name)
{
	char	*buf = arg;

	strcat(buf, name);
	strcat(buf, ",");
	return 0;
}

Test(store, orgs_and_invites)
{
	struct store		*s = test_open();
	struct store_write	*w;
	char			 names[256] = "";
	int64_t			 id = 0, hope;

	hope = test_org(s, "hope");
	test_org(s, "arc");
	w = store_write_new(SW_ORG_CREATE);
	strlcpy_h(w->name, "hope", sizeof w->name);
	store_write_free(test_write(s, w, STORE_EXISTS));

	cr_assert_eq(store_org_by_name(s, "hope", &id), STORE_OK);
	cr_assert_eq(id, hope);
	cr_assert_eq(store_org_by_name(s, "nope", &id), STORE_NOTFOUND);
	cr_assert_eq(store_org_list(s, test_names_cb, names), STORE_OK);
	cr_assert_str_eq(names, "arc,hope,");

	test_invite(s, hope, "dup", ROLE_MEMBER, T0 + 60);
	w = store_write_new(SW_INVITE_CREATE);
	test_hash(w->hash, "dup");
	w->org = hope;
	w->expires_at = T0 + 60;
	store_write_free(test_write(s, w, STORE_EXISTS));
	w = store_write_new(SW_INVITE_CREATE);
	test_hash(w->hash, "other");
	w->org = 999;
	w->expires_at = T0 + 60;
	store_write_free(test_write(s, w, STORE_NOTFOUND));
	test_close(s);
}

/* ---- channels ------------------------------------------------------- */

Test(store, channels_join_leave)
{
	struct store		*s = test_open();
	struct store_channel	 c;
	int64_t			 hope, ana, bob, own, peer;

	hope = test_org(s, "hope");
	ana = test_account(s, hope, "ana");
	bob = test_account(s, hope, "bob");
	own = test_channel(s, "hope/staff", hope, ana);
	peer = test_channel(s, "peer/talk", 0, ana);

	cr_assert_eq(store_channel_by_name(s, "hope/staff", &c), STORE_OK);
	cr_assert_eq(c.id, own);
	cr_assert_eq(c.org_id, hope);
	cr_assert_eq(c.peer, 0);
	cr_assert_str_eq(c.name, "hope/staff");
	cr_assert_eq(store_channel_by_name(s, "peer/talk", &c), STORE_OK);
	cr_assert_eq(c.peer, 1);
	cr_assert_eq(c.org_id, 0);
	cr_assert_eq(store_channel_by_name(s, "peer/none", &c),
	    STORE_NOTFOUND);

	cr_assert_eq(store_is_member(s, ana, own), 1);
	cr_assert_eq(store_is_member(s, bob, own), 0);
	test_simple(s, SW_JOIN, own, bob, 0, STORE_OK);
	test_simple(s, SW_JOIN, own, bob, 0, STORE_OK);
	cr_assert_eq(store_is_member(s, bob, own), 1);
	test_simple(s, SW_JOIN, 999, bob, 0, STORE_NOTFOUND);
	test_simple(s, SW_JOIN, peer, bob, 0, STORE_OK);
	cr_assert_eq(store_is_member(s, bob, peer), 1);
	test_simple(s, SW_LEAVE, own, bob, 0, STORE_OK);
	test_simple(s, SW_LEAVE, own, bob, 0, STORE_OK);
	cr_assert_eq(store_is_member(s, bob, own), 0);
	cr_assert_eq(store_is_member(s, bob, peer), 1);
	test_close(s);
}

Test(store, channel_name_taken)
{
	struct store		*s = test_open();
	struct store_write	*w;
	int64_t			 hope = test_org(s, "hope");

	test_channel(s, "hope/staff", hope, 0);
	w = store_write_new(SW_CHANNEL_CREATE);
	strlcpy_h(w->name, "hope/staff", sizeof w->name);
	w->org = hope;
	store_write_free(test_write(s, w, STORE_EXISTS));
	w = store_write_new(SW_CHANNEL_CREATE);
	strlcpy_h(w->name, "nope/x", sizeof w->name);
	w->org = 999;
	store_write_free(test_write(s, w, STORE_NOTFOUND));
	test_close(s);
}

struct test_channels {
	int	n;
	char	names[8][PROTO_MAX_CHANNEL + 1];
	int	joined[8], peer[8];
	int64_t	unread[8], last[8];
};

static int
test_channels_cb(void *arg, const struct store_channel_info *ci)
{
	struct test_channels	*tc = arg;

	cr_assert_lt(tc->n, 8);
	strlcpy_h(tc->names[tc->n], ci->name, sizeof tc->names[0]);
	tc->joined[tc->n] = ci->joined;
	tc->peer[tc->n] = ci->peer;
	tc->unread[tc->n] = ci->unread;
	tc->last[tc->n] = ci->last_eid;
	tc->n++;
	return 0;
}

Test(store, channel_list_unread_and_mark_read)
{
	struct store		*s = test_open();
	struct test_channels	 tc;
	int64_t			 hope, arc, ana, cy, staff, talk, e[4];

	hope = test_org(s, "hope");
	arc = test_org(s, "arc");
	ana = test_account(s, hope, "ana");
	cy = test_account(s, arc, "cy");
	staff = test_channel(s, "hope/staff", hope, ana);
	test_channel(s, "arc/secret", arc, cy);
	talk = test_channel(s, "peer/talk", 0, cy);
	test_channel(s, "peer/art", 0, cy);
	e[0] = test_post(s, talk, 0, cy, "hi", "one");
	e[1] = test_post(s, talk, e[0], cy, NULL, "two");
	e[2] = test_post(s, talk, e[0], cy, NULL, "three");
	e[3] = test_post(s, staff, 0, ana, "x", "four");

	memset(&tc, 0, sizeof tc);
	cr_assert_eq(store_channel_list(s, &(struct store_viewer){ ana, hope, 0, 0 }, test_channels_cb, &tc),
	    STORE_OK);
	cr_assert_eq(tc.n, 3);
	cr_assert_str_eq(tc.names[0], "hope/staff");
	cr_assert_str_eq(tc.names[1], "peer/art");
	cr_assert_str_eq(tc.names[2], "peer/talk");
	cr_assert(tc.joined[0] && !tc.joined[1] && !tc.joined[2]);
	cr_assert(!tc.peer[0] && tc.peer[1] && tc.peer[2]);
	cr_assert_eq(tc.unread[0], 0);	/* ana's own post */
	cr_assert_eq(tc.unread[2], 0);	/* not joined */
	cr_assert_eq(tc.last[0], e[3]);
	cr_assert_eq(tc.last[1], 0);
	cr_assert_eq(tc.last[2], e[2]);

	test_simple(s, SW_JOIN, talk, ana, 0, STORE_OK);
	/* Only what was shown is read: the middle post leaves both others
	 * unread, then the first one (going back) leaves the last. */
	test_mark(s, talk, ana, e[1]);
	memset(&tc, 0, sizeof tc);
	store_channel_list(s, &(struct store_viewer){ ana, hope, 0, 0 }, test_channels_cb, &tc);
	cr_assert(tc.joined[2]);
	cr_assert_eq(tc.unread[2], 2);
	test_mark(s, talk, ana, e[0]);
	test_mark(s, staff, cy, e[3]);	/* not a member: nothing */
	cr_assert_eq(store_is_member(s, cy, staff), 0);
	memset(&tc, 0, sizeof tc);
	cr_assert_eq(store_channel_list(s, &(struct store_viewer){ ana, hope, 0, 0 }, test_channels_cb, &tc),
	    STORE_OK);
	cr_assert_eq(tc.unread[2], 1);
	test_mark(s, talk, ana, e[2]);
	memset(&tc, 0, sizeof tc);
	store_channel_list(s, &(struct store_viewer){ ana, hope, 0, 0 }, test_channels_cb, &tc);
	cr_assert_eq(tc.unread[2], 0);

	/* The other organisation sees its own channel and the peers. */
	memset(&tc, 0, sizeof tc);
	store_channel_list(s, &(struct store_viewer){ cy, arc, 0, 0 }, test_channels_cb, &tc);
	cr_assert_eq(tc.n, 3);
	cr_assert_str_eq(tc.names[0], "arc/secret");
	test_close(s);
}

/* ---- posts, threads, read, sync ------------------------------------- */

struct test_threads {
	int	n;
	int64_t	thread[8], replies[8], last[8];
	char	title[8][32], author[8][PROTO_MAX_NAME + 1];
};

static int
test_threads_cb(void *arg, const struct store_thread *t)
{
	struct test_threads	*tt = arg;

	cr_assert_lt(tt->n, 8);
	tt->thread[tt->n] = t->thread;
	tt->replies[tt->n] = t->replies;
	tt->last[tt->n] = t->last_eid;
	cr_assert_eq(t->last_ts, T0);
	strlcpy_h(tt->title[tt->n], t->title, sizeof tt->title[0]);
	strlcpy_h(tt->author[tt->n], t->author, sizeof tt->author[0]);
	tt->n++;
	return 0;
}

Test(store, posts_and_threads)
{
	struct store		*s = test_open();
	struct store_write	*w;
	struct test_threads	 tt;
	int64_t			 hope, ana, a, b, t1, t2, r1, other;

	hope = test_org(s, "hope");
	ana = test_account(s, hope, "ana");
	a = test_channel(s, "peer/a", 0, ana);
	b = test_channel(s, "peer/b", 0, ana);
	t1 = test_post(s, a, 0, ana, "first", "1");
	t2 = test_post(s, a, 0, ana, "second", "2");
	r1 = test_post(s, a, t1, ana, NULL, "3");
	other = test_post(s, b, 0, ana, "elsewhere", "4");
	cr_assert(t1 < t2 && t2 < r1 && r1 < other);
	cr_assert_eq(store_last_eid(s), other);

	cr_assert_eq(store_thread_check(s, &test_public, a, t1), STORE_OK);
	cr_assert_eq(store_thread_check(s, &test_public, b, t1), STORE_NOTFOUND);
	cr_assert_eq(store_thread_check(s, &test_public, a, r1), STORE_NOTFOUND);

	/* Errors: thread of another channel, none at all, no title for a
	 * new thread, no such channel or author. */
	w = test_post_job(b, t1, ana, NULL, "x");
	store_write_free(test_write(s, w, STORE_NOTFOUND));
	w = test_post_job(a, 999, ana, NULL, "x");
	store_write_free(test_write(s, w, STORE_NOTFOUND));
	w = test_post_job(a, 0, ana, NULL, "x");
	store_write_free(test_write(s, w, STORE_INVALID));
	/* No such channel or author, or no membership: the writer checks
	 * membership itself, so a leave committed first wins. */
	w = test_post_job(999, 0, ana, "t", "x");
	store_write_free(test_write(s, w, STORE_FORBIDDEN));
	w = test_post_job(a, 0, 999, "t", "x");
	store_write_free(test_write(s, w, STORE_FORBIDDEN));
	test_simple(s, SW_LEAVE, b, ana, 0, STORE_OK);
	w = test_post_job(b, 0, ana, "t", "x");
	store_write_free(test_write(s, w, STORE_FORBIDDEN));
	test_simple(s, SW_JOIN, b, ana, 0, STORE_OK);
	cr_assert_eq(store_last_eid(s), other);

	memset(&tt, 0, sizeof tt);
	cr_assert_eq(store_threads(s, &test_public, a, 10, test_threads_cb, &tt), STORE_OK);
	cr_assert_eq(tt.n, 2);
	cr_assert_eq(tt.thread[0], t1);	/* its reply is the newest */
	cr_assert_eq(tt.replies[0], 1);
	cr_assert_eq(tt.last[0], r1);
	cr_assert_str_eq(tt.title[0], "first");
	cr_assert_str_eq(tt.author[0], "ana");
	cr_assert_eq(tt.thread[1], t2);
	cr_assert_eq(tt.replies[1], 0);
	memset(&tt, 0, sizeof tt);
	store_threads(s, &test_public, a, 1, test_threads_cb, &tt);
	cr_assert_eq(tt.n, 1);

	/* A reply's id names its thread: the post goes to the thread. */
	w = test_post_job(a, r1, ana, NULL, "x");
	w = test_write(s, w, STORE_OK);
	cr_assert_eq(w->thread, t1);
	store_write_free(w);
	test_close(s);
}

Test(store, read_pages)
{
	struct store		*s = test_open();
	struct test_posts	*tp;
	int64_t			 hope, ana, ch, e[10], t2;
	char			 body[16];
	int			 i;

	hope = test_org(s, "hope");
	ana = test_account(s, hope, "ana");
	ch = test_channel(s, "hope/all", hope, ana);
	e[0] = test_post(s, ch, 0, ana, "title", "p0");
	for (i = 1; i < 10; i++) {
		snprintf(body, sizeof body, "p%d", i);
		e[i] = test_post(s, ch, e[0], ana, NULL, body);
	}
	t2 = test_post(s, ch, 0, ana, "another", "q");

	tp = test_read(s, ch, 0, -1, 3);	/* newest 3 */
	cr_assert_eq(tp->n, 3);
	cr_assert_eq(tp->eid[0], e[8]);
	cr_assert_eq(tp->eid[2], t2);
	cr_assert_eq(tp->more, 1);
	cr_assert(tp->titled[2] && !tp->titled[0]);
	cr_assert_str_eq(tp->channel[0], "hope/all");
	cr_assert_str_eq(tp->org[0], "hope");

	tp = test_read(s, ch, 0, -1, 11);	/* all of it */
	cr_assert_eq(tp->n, 11);
	cr_assert_eq(tp->more, 0);
	cr_assert(tp->titled[0]);
	cr_assert_str_eq(tp->body[0], "p0");

	tp = test_read(s, ch, 0, 0, 4);		/* oldest 4 */
	cr_assert_eq(tp->n, 4);
	cr_assert_eq(tp->eid[0], e[0]);
	cr_assert_eq(tp->more, 1);
	tp = test_read(s, ch, 0, e[6], 4);	/* e7 e8 e9 t2 */
	cr_assert_eq(tp->n, 4);
	cr_assert_eq(tp->eid[0], e[7]);
	cr_assert_eq(tp->more, 0);
	tp = test_read(s, ch, 0, t2, 4);
	cr_assert_eq(tp->n, 0);
	cr_assert_eq(tp->more, 0);

	tp = test_read(s, ch, e[0], -1, 5);	/* thread only */
	cr_assert_eq(tp->n, 5);
	cr_assert_eq(tp->eid[4], e[9]);
	cr_assert_eq(tp->thread[4], e[0]);
	cr_assert_eq(tp->more, 1);
	tp = test_read(s, ch, e[0], e[7], 5);
	cr_assert_eq(tp->n, 2);
	cr_assert_eq(tp->more, 0);
	tp = test_read(s, ch, t2, -1, 5);
	cr_assert_eq(tp->n, 1);
	cr_assert_eq(tp->more, 0);
	test_close(s);
}

Test(store, sync_joined_channels_only)
{
	struct store		*s = test_open();
	struct test_posts	*tp;
	int64_t			 hope, ana, bob, a, b, c, e[6];

	hope = test_org(s, "hope");
	ana = test_account(s, hope, "ana");
	bob = test_account(s, hope, "bob");
	a = test_channel(s, "peer/a", 0, ana);
	b = test_channel(s, "peer/b", 0, bob);
	c = test_channel(s, "peer/c", 0, bob);
	test_simple(s, SW_JOIN, b, ana, 0, STORE_OK);
	e[0] = test_post(s, a, 0, ana, "t", "a0");
	e[1] = test_post(s, b, 0, bob, "t", "b1");
	e[2] = test_post(s, c, 0, bob, "t", "c2");
	e[3] = test_post(s, a, e[0], ana, NULL, "a3");
	e[4] = test_post(s, c, e[2], bob, NULL, "c4");
	e[5] = test_post(s, b, e[1], bob, NULL, "b5");

	tp = test_sync(s, ana, 0, 0, 10);
	cr_assert_eq(tp->n, 4);
	cr_assert_eq(tp->eid[0], e[0]);
	cr_assert_eq(tp->eid[1], e[1]);
	cr_assert_eq(tp->eid[2], e[3]);
	cr_assert_eq(tp->eid[3], e[5]);
	cr_assert_str_eq(tp->channel[1], "peer/b");
	cr_assert_str_eq(tp->author[1], "bob");
	cr_assert_eq(tp->more, 0);

	tp = test_sync(s, ana, 0, 0, 2);
	cr_assert_eq(tp->n, 2);
	cr_assert_eq(tp->more, 1);
	tp = test_sync(s, ana, e[1], 0, 2);
	cr_assert_eq(tp->n, 2);
	cr_assert_eq(tp->eid[0], e[3]);
	cr_assert_eq(tp->more, 0);
	tp = test_sync(s, ana, 0, e[3], 10);	/* until, inclusive */
	cr_assert_eq(tp->n, 3);
	cr_assert_eq(tp->more, 0);
	tp = test_sync(s, ana, 0, e[3], 2);
	cr_assert_eq(tp->more, 1);

	test_simple(s, SW_LEAVE, b, ana, 0, STORE_OK);
	tp = test_sync(s, ana, 0, 0, 10);
	cr_assert_eq(tp->n, 2);
	test_close(s);
}

/*
 * What each reader gets of posts in each state, through every read:
 * the store's filter leaves out exactly what view_post() withholds.
 */
Test(store, reads_honour_post_state)
{
	struct store		*s = test_open();
	struct test_channels	 tc;
	struct test_threads	 tt;
	struct store_viewer	 author, other, mod;
	int64_t			 hope, ana, bo, ch, t1, r1, r2, t2;
	char			 sql[256];

	hope = test_org(s, "hope");
	ana = test_account(s, hope, "ana");
	bo = test_account(s, hope, "bo");
	ch = test_channel(s, "hope/all", hope, ana);
	test_simple(s, SW_JOIN, ch, bo, 0, STORE_OK);
	t1 = test_post(s, ch, 0, ana, "one", "root");
	r1 = test_post(s, ch, t1, ana, NULL, "hidden reply");
	r2 = test_post(s, ch, t1, ana, NULL, "held reply");
	t2 = test_post(s, ch, 0, ana, "two", "held root");
	snprintf(sql, sizeof sql, "UPDATE posts SET state = %d WHERE id = %lld;"
	    "UPDATE posts SET state = %d WHERE id IN (%lld, %lld)",
	    STORE_POST_HIDDEN, (long long)r1, STORE_POST_HELD,
	    (long long)r2, (long long)t2);
	test_sql(sql);
	author = test_viewer(ana, hope);
	other = test_viewer(bo, hope);
	mod = test_viewer(bo, hope);
	mod.mod_org = 1;

	/* Another member: the root and the hidden reply's placeholder. */
	memset(&tt, 0, sizeof tt);
	cr_assert_eq(store_threads(s, &other, ch, 10, test_threads_cb, &tt),
	    STORE_OK);
	cr_assert_eq(tt.n, 1);
	cr_assert_eq(tt.replies[0], 1);		/* the held one not counted */
	cr_assert_eq(tt.last[0], r1);		/* nor its activity */
	cr_assert_eq(store_thread_check(s, &other, ch, t2), STORE_NOTFOUND);
	memset(&tc, 0, sizeof tc);
	store_channel_list(s, &other, test_channels_cb, &tc);
	cr_assert_eq(tc.unread[0], 2);
	cr_assert_eq(tc.last[0], r1);
	/* The author: their own held posts too. */
	memset(&tt, 0, sizeof tt);
	store_threads(s, &author, ch, 10, test_threads_cb, &tt);
	cr_assert_eq(tt.n, 2);
	cr_assert_eq(store_thread_check(s, &author, ch, t2), STORE_OK);
	/* A moderator: everything. */
	memset(&tc, 0, sizeof tc);
	store_channel_list(s, &mod, test_channels_cb, &tc);
	cr_assert_eq(tc.unread[0], 4);
	cr_assert_eq(tc.last[0], t2);
	test_close(s);
}

struct test_agree {
	const struct store_viewer	*v;
	int64_t				 seen[8];
	int				 n;
};

static int
test_agree_cb(void *arg, const struct store_post *p)
{
	struct test_agree *ta = arg;
	struct proto_post wire;

	cr_assert_neq(view_post(ta->v, p, &wire), VIEW_NONE,
	    "the store gave post %lld (state %d) that the view withholds",
	    (long long)p->eid, p->state);
	cr_assert_lt(ta->n, 8);
	ta->seen[ta->n++] = p->eid;
	return 0;
}

/* The store's SQL filter and view_post() agree for every state, reader
 * and kind of channel, anonymous or not. */
Test(store, filter_agrees_with_view)
{
	struct store		*s = test_open();
	struct store_viewer	 vs[4];
	struct test_agree	 ta;
	struct store_post	 sp;
	struct proto_post	 wire;
	int64_t			 hope, ana, bo, chans[2], ids[5];
	int			 c, st, anon, i, k, found, want;
	char			 sql[160];

	hope = test_org(s, "hope");
	ana = test_account(s, hope, "ana");
	bo = test_account(s, hope, "bo");
	chans[0] = test_channel(s, "hope/all", hope, ana);
	chans[1] = test_channel(s, "peer/all", 0, ana);
	vs[0] = test_viewer(ana, hope);			/* the author */
	vs[1] = test_viewer(bo, hope);			/* another member */
	vs[2] = test_viewer(bo, hope);
	vs[2].mod_org = 1;				/* org moderator */
	vs[3] = test_viewer(bo, hope);
	vs[3].mod_peer = 1;				/* facilitator */
	for (c = 0; c < 2; c++) {
		for (st = 0; st <= STORE_POST_DELETED; st++) {
			ids[st] = test_post(s, chans[c], 0, ana, "t", "b");
			snprintf(sql, sizeof sql, "UPDATE posts SET state = %d"
			    " WHERE id = %lld", st, (long long)ids[st]);
			test_sql(sql);
		}
		for (anon = 0; anon < 2; anon++) {
			snprintf(sql, sizeof sql, "UPDATE posts SET anonymous"
			    " = %d WHERE channel_id = %lld", anon,
			    (long long)chans[c]);
			test_sql(sql);
			for (i = 0; i < 4; i++) {
				memset(&ta, 0, sizeof ta);
				ta.v = &vs[i];
				cr_assert_eq(store_read(s, &vs[i], chans[c], 0,
				    0, 100, test_agree_cb, &ta, &found),
				    STORE_OK);
				for (st = 0; st <= STORE_POST_DELETED; st++) {
					memset(&sp, 0, sizeof sp);
					sp.eid = ids[st];
					sp.state = st;
					sp.anonymous = anon;
					sp.author_id = ana;
					sp.channel_kind = c == 0 ?
					    STORE_CHANNEL_ORG :
					    STORE_CHANNEL_PEER;
					sp.channel_org = c == 0 ? hope : 0;
					sp.author = "ana";
					sp.org = "hope";
					sp.body = "b";
					want = view_post(&vs[i], &sp, &wire) !=
					    VIEW_NONE;
					for (found = 0, k = 0; k < ta.n; k++)
						found |= ta.seen[k] == ids[st];
					cr_expect_eq(found, want, "channel %d "
					    "state %d anon %d viewer %d", c, st,
					    anon, i);
					if (want && anon)
						cr_expect_null(wire.author);
				}
			}
		}
	}
	(void)bo;
	test_close(s);
}

/* ---- the writer thread ---------------------------------------------- */

struct test_loop {
	int		pipe[2];
	int		done;
	int		failed;
	int64_t		last_eid;
	int		ordered;
};

static void
test_notify(void *arg)
{
	struct test_loop	*l = arg;

	cr_assert_eq(write(l->pipe[1], "x", 1), 1);
}

static void
test_done(struct store_write *w)
{
	struct test_loop	*l = w->arg;

	if (w->result != STORE_OK)
		l->failed++;
	else if (w->op == SW_POST) {
		if (w->eid <= l->last_eid)
			l->ordered = 0;
		l->last_eid = w->eid;
	}
	l->done++;
	store_write_free(w);
}

/* The loop's side: wait for notify, drain, until n jobs are done. */
static void
test_wait(struct store *s, struct test_loop *l, int n)
{
	char	buf[64];

	while (l->done < n) {
		cr_assert_gt(read(l->pipe[0], buf, sizeof buf), 0);
		store_drain(s);
	}
}

static void
test_submit_posts(struct store *s, struct test_loop *l, int64_t ch,
    int64_t ana, int n)
{
	struct store_write	*w;
	int			 i;

	for (i = 0; i < n; i++) {
		w = test_post_job(ch, 0, ana, "t", "group");
		w->done = test_done;
		w->arg = l;
		store_submit(s, w);
	}
}

Test(store, group_commit_batches_under_load)
{
	struct store		*s = test_open();
	struct test_loop	 l = { .ordered = 1 };
	struct store_write	*w;
	int64_t			 ana, ch;
	uint64_t		 before, commits;

	ana = test_account(s, test_org(s, "hope"), "ana");
	ch = test_channel(s, "peer/busy", 0, ana);
	cr_assert_eq(pipe(l.pipe), 0);
	cr_assert_eq(store_start(s, test_notify, &l), 0);
	cr_assert_eq(store_start(s, test_notify, &l), -1);
	/* The writer owns the connection now. */
	w = test_post_job(ch, 0, ana, "t", "x");
	cr_assert_eq(store_write_sync(s, w), STORE_ERROR);
	store_write_free(w);

	before = store_commit_count(s);
	test_submit_posts(s, &l, ch, ana, 1000);
	test_wait(s, &l, 1000);
	commits = store_commit_count(s) - before;
	cr_log_info("1000 posts in %llu commits", (unsigned long long)commits);
	cr_assert_eq(l.failed, 0);
	cr_assert(l.ordered);
	cr_assert_eq(store_queue_depth(s), 0);
	cr_assert_lt(commits, 250, "%llu commits", (unsigned long long)commits);
	cr_assert_eq(store_last_eid(s), l.last_eid);
	test_close(s);
	close(l.pipe[0]);
	close(l.pipe[1]);
}

Test(store, group_commit_savepoints_and_batch_limit)
{
	struct store		*s = test_open();
	struct test_loop	 l = { .ordered = 1 };
	struct store_write	*w;
	int64_t			 ana, ch;
	uint64_t		 before;
	int			 n = STORE_BATCH_MAX + 100;

	ana = test_account(s, test_org(s, "hope"), "ana");
	ch = test_channel(s, "peer/busy", 0, ana);
	cr_assert_eq(pipe(l.pipe), 0);

	/*
	 * Queued before the writer starts, all of these meet in as few
	 * transactions as the batch limit allows. A failing job in the
	 * middle (a taken name) rolls back alone.
	 */
	test_submit_posts(s, &l, ch, ana, n / 2);
	w = store_write_new(SW_ORG_CREATE);
	strlcpy_h(w->name, "hope", sizeof w->name);
	w->done = test_done;
	w->arg = &l;
	store_submit(s, w);
	test_submit_posts(s, &l, ch, ana, n - n / 2);
	cr_assert_eq(store_queue_depth(s), (size_t)n + 1);

	before = store_commit_count(s);
	cr_assert_eq(store_start(s, test_notify, &l), 0);
	test_wait(s, &l, n + 1);
	cr_assert_eq(store_commit_count(s) - before, 2);
	cr_assert_eq(l.failed, 1);
	cr_assert(l.ordered);
	cr_assert_eq(test_read(s, ch, 0, -1, 10)->n, 10);
	cr_assert_eq(store_last_eid(s), n);
	test_close(s);
	cr_assert_eq(test_sql_int("SELECT count(*) FROM posts"), n);
	close(l.pipe[0]);
	close(l.pipe[1]);
}

static void
test_submit_replies(struct store *s, struct test_loop *l, int64_t ch,
    int64_t thread, int64_t ana, int n)
{
	struct store_write	*w;
	int			 i;

	for (i = 0; i < n; i++) {
		w = test_post_job(ch, thread, ana, NULL, "reply");
		w->done = test_done;
		w->arg = l;
		store_submit(s, w);
	}
}

/* A thread's summary row: its reply count, once its last_eid has been
 * checked against the posts. */
static int64_t
test_thread_row(int64_t thread)
{
	char	 sql[160];
	int64_t	 replies, last;

	snprintf(sql, sizeof sql, "SELECT replies FROM threads WHERE id = %lld",
	    (long long)thread);
	replies = test_sql_int(sql);
	snprintf(sql, sizeof sql, "SELECT last_eid FROM threads WHERE id = %lld",
	    (long long)thread);
	last = test_sql_int(sql);
	snprintf(sql, sizeof sql, "SELECT max(id) FROM posts WHERE thread_id = "
	    "%lld", (long long)thread);
	cr_assert_eq(last, test_sql_int(sql), "thread %lld: last_eid %lld",
	    (long long)thread, (long long)last);
	return replies;
}

/*
 * Replies in one batch check their thread once and update its summary
 * row once (the fast path): the counts and the newest post must come
 * out as if each reply had done it alone, in a batch that commits and
 * in one that a failing reply sends down the careful path.
 */
Test(store, group_commit_thread_summaries)
{
	struct store		*s = test_open();
	struct test_loop	 l = { .ordered = 1 };
	int64_t			 ana, ch, other, t1, t2, t3;

	ana = test_account(s, test_org(s, "hope"), "ana");
	ch = test_channel(s, "peer/busy", 0, ana);
	other = test_channel(s, "peer/other", 0, ana);
	t1 = test_post(s, ch, 0, ana, "one", "first");
	t2 = test_post(s, ch, 0, ana, "two", "second");
	t3 = test_post(s, other, 0, ana, "three", "elsewhere");
	cr_assert_eq(pipe(l.pipe), 0);

	/* One batch, every job good: the fast path. */
	test_submit_replies(s, &l, ch, t1, ana, 10);
	test_submit_replies(s, &l, ch, t2, ana, 3);
	test_submit_replies(s, &l, ch, t1, ana, 2);
	cr_assert_eq(store_start(s, test_notify, &l), 0);
	test_wait(s, &l, 15);
	cr_assert_eq(l.failed, 0);
	cr_assert_eq(test_thread_row(t1), 12);
	cr_assert_eq(test_thread_row(t2), 3);
	test_close(s);

	/* Again with bad replies inside (a thread of another channel, one
	 * that does not exist): the batch reruns job by job. */
	s = test_open();
	l.done = l.failed = 0;
	test_submit_replies(s, &l, ch, t2, ana, 4);
	test_submit_replies(s, &l, ch, t3, ana, 1);
	test_submit_replies(s, &l, ch, t1, ana, 5);
	test_submit_replies(s, &l, ch, 9999, ana, 1);
	test_submit_replies(s, &l, ch, t2, ana, 2);
	cr_assert_eq(store_start(s, test_notify, &l), 0);
	test_wait(s, &l, 13);
	cr_assert_eq(l.failed, 2);
	cr_assert_eq(test_thread_row(t1), 17);
	cr_assert_eq(test_thread_row(t2), 9);
	cr_assert_eq(test_thread_row(t3), 0);
	test_close(s);
	close(l.pipe[0]);
	close(l.pipe[1]);
}

Test(store, stop_finishes_queue_then_refuses)
{
	struct store		*s = test_open();
	struct test_loop	 l = { .ordered = 1 };
	int64_t			 ana, ch;

	ana = test_account(s, test_org(s, "hope"), "ana");
	ch = test_channel(s, "peer/busy", 0, ana);
	cr_assert_eq(pipe(l.pipe), 0);
	cr_assert_eq(store_start(s, test_notify, &l), 0);
	test_submit_posts(s, &l, ch, ana, 200);
	store_stop(s);
	cr_assert_eq(store_queue_depth(s), 0);
	store_drain(s);
	cr_assert_eq(l.done, 200);
	cr_assert_eq(l.failed, 0);

	/* After stop: failed at once, still delivered by drain. */
	test_submit_posts(s, &l, ch, ana, 3);
	store_drain(s);
	cr_assert_eq(l.done, 203);
	cr_assert_eq(l.failed, 3);
	cr_assert_eq(store_start(s, test_notify, &l), -1);

	/* A job finished and never drained still gets done() at close. */
	test_submit_posts(s, &l, ch, ana, 1);
	test_close(s);
	cr_assert_eq(l.done, 204);
	cr_assert_eq(test_sql_int("SELECT count(*) FROM posts"), 200);
	close(l.pipe[0]);
	close(l.pipe[1]);
}

Test(store, close_without_start_runs_queue)
{
	struct store		*s = test_open();
	struct test_loop	 l = { .ordered = 1 };
	int64_t			 ana, ch;

	ana = test_account(s, test_org(s, "hope"), "ana");
	ch = test_channel(s, "peer/quiet", 0, ana);
	test_submit_posts(s, &l, ch, ana, 5);
	test_close(s);
	cr_assert_eq(l.done, 5);
	cr_assert_eq(l.failed, 0);
	cr_assert_eq(test_sql_int("SELECT count(*) FROM posts"), 5);
}
