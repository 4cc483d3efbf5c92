/*
 * 09-ops.c: the operator's side of harbourd (harbourd(8),
 * harbourd.conf(5)): `harbourd check` and `harbourd backup`, a damaged
 * database, reload on SIGHUP, client certificates issued and revoked
 * with `harbourd cert`, the CLI's certificate login and `admin
 * status`, and the privilege drop when started as root.
 *
 * The backup test posts from several connections while the copy is
 * made, and judges the copy by what was acknowledged before the copy
 * began (it must all be there, once) and by consistency (the copy is
 * the original as of one commit: the original's posts up to some id,
 * no more, no fewer). A damaged database is made from a backup, which
 * is one self-contained file, by overwriting a page in its middle with
 * noise; the test first checks that SQLite itself sees the damage, so
 * that a pass of the daemon's check can never be the test's mistake.
 *
 * Certificates for reload are made with openssl(1), signed by the
 * development CA, and swapped in by rename(2) as an operator would.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <ftw.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/ssl.h>
#include <sqlite3.h>

#include <criterion/criterion.h>

#include "harness.h"
#include "hx-ops.h"

TestSuite(ops, .timeout = HX_TEST_TIMEOUT);

#define CH		"peer/ops"
#define WRITERS		3
/* Posts each writer keeps in flight, so that commits are batched and
 * the copy starts in the middle of the writer's work. */
#define WINDOW		8
#define ACKS_BEFORE	150
/* Posting stops once the backup is done, or after this many. */
#define POSTS_DURING_MAX 500
/* SQLite's header: page size at byte 16 (big-endian 16 bits), page
 * count at byte 28 (32 bits). */
#define DB_HDR_PAGESIZE	16
#define DB_HDR_PAGES	28
#define EXIT_CONFIG	78	/* EX_CONFIG */

static const char *
certs(void)
{
	return getenv("HARBOUR_CERTS");
}

/* PRAGMA integrity_check on a file, through SQLite itself. */
static const char *
db_integrity(const char *path)
{
	sqlite3		*db = NULL;
	sqlite3_stmt	*st = NULL;
	const char	*out = "";
	int		 rc;

	rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL);
	cr_assert_eq(rc, SQLITE_OK, "sqlite3_open %s: %s", path,
	    sqlite3_errstr(rc));
	if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st,
	    NULL) != SQLITE_OK)
		out = hx_strf("prepare: %s", sqlite3_errmsg(db));
	else {
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			out = hx_strf("%s%s%s", out, *out ? "; " : "",
			    (const char *)sqlite3_column_text(st, 0));
		if (rc != SQLITE_DONE)
			out = hx_strf("%s%sstep: %s", out, *out ? "; " : "",
			    sqlite3_errmsg(db));
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return out;
}

static const char *
file_bytes(const char *path, size_t *len)
{
	const char	*b = hx_slurp(path, len);

	cr_assert_not_null(b, "cannot read %s", path);
	return b;
}

/* A copy of src with the middle page overwritten by noise. */
static void
corrupt_copy(const char *src, const char *dst)
{
	size_t		 len, psize, pages, page, i;
	const char	*b = file_bytes(src, &len);
	unsigned char	*buf = malloc(len);
	uint32_t	 x = 2463534242u;	/* xorshift32: repeatable */
	const char	*why;

	memcpy(buf, b, len);
	psize = (size_t)buf[DB_HDR_PAGESIZE] << 8 | buf[DB_HDR_PAGESIZE + 1];
	if (psize == 1)
		psize = 65536;
	pages = (size_t)buf[DB_HDR_PAGES] << 24 | (size_t)buf[DB_HDR_PAGES +
	    1] << 16 | (size_t)buf[DB_HDR_PAGES + 2] << 8 |
	    buf[DB_HDR_PAGES + 3];
	cr_assert(psize >= 512 && pages >= 4 && pages * psize == len,
	    "%s: page size %zu, %zu pages, %zu bytes: not a database the "
	    "test can damage", src, psize, pages, len);
	page = pages / 2;	/* 0-based: never the header page */
	for (i = 0; i < psize; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		buf[page * psize + i] = (unsigned char)x;
	}
	hx_write_atomic(dst, buf, len, 0600);
	free(buf);
	why = db_integrity(dst);
	cr_assert(strcmp(why, "ok") != 0, "the test's damage to page %zu of "
	    "%s is invisible to SQLite itself", page + 1, dst);
}

/* A few dozen posts, so the database has pages to spare. */
static void
some_posts(struct hx_daemon *d, int n)
{
	struct hx_conn	*a = hx_admin(d);
	int64_t		 t;
	int		 i;

	hx_ok(a, "channel.create", "{s:s}", "channel", CH);
	t = hx_post(a, CH, "filler", 0, "the first");
	for (i = 0; i < n; i++)
		hx_post(a, CH, NULL, t, hx_strf("%0400d", i));
}

Test(ops, check_good_setup)
{
	struct hx_daemon	*d = hx_start(NULL);
	struct hx_run		 r;

	some_posts(d, 5);
	r = HX_HARBOURD("check", "-c", hx_conf(d));
	cr_assert_eq(r.status, 0, "harbourd check on a good setup: exit %d; "
	    "stderr %s", r.status, r.err);
	cr_assert(strstr(r.out, "fine") != NULL && strstr(r.out,
	    hx_db(d)) != NULL, "harbourd check said: %s", r.out);
	hx_ok(hx_admin(d), "ping", NULL);
	hx_stop(d);
}

Test(ops, corrupt_database_found_and_refused)
{
	struct hx_daemon	*d = hx_start(NULL);
	const char		*good = hx_strf("%s/good.db", hx_dir(d));
	const char		*bad = hx_strf("%s/damaged.db", hx_dir(d));
	const char		*before, *after;
	size_t			 blen, alen;
	struct hx_run		 r, r2;

	some_posts(d, 40);
	r = HX_HARBOURD("backup", "-c", hx_conf(d), good);
	cr_assert_eq(r.status, 0, "backup: %s", r.err);
	corrupt_copy(good, bad);
	before = file_bytes(bad, &blen);

	r = HX_HARBOURD("check", "-c", hx_conf(d), "--db", bad);
	cr_assert_eq(r.status, 1, "harbourd check on a damaged database: exit "
	    "%d; stdout %s; stderr %s", r.status, r.out, r.err);
	cr_assert(strstr(r.err, bad) != NULL && strstr(r.err, "integrity") !=
	    NULL, "harbourd check should name %s and its integrity: %s", bad,
	    r.err);

	/* Served, it is refused, and left exactly as it was. */
	r = HX_HARBOURD("-c", hx_conf(d), "--db", bad, "--listen",
	    "127.0.0.1:0");
	cr_assert_neq(r.status, 0, "harbourd served a damaged database; "
	    "stderr %s", r.err);
	cr_assert(strstr(r.err, "listening on") == NULL,
	    "harbourd listened before checking its database: %s", r.err);
	after = file_bytes(bad, &alen);
	cr_assert(alen == blen && memcmp(before, after, alen) == 0,
	    "harbourd wrote to the damaged database it refused");

	/* The real one is untouched by all this. */
	r2 = HX_HARBOURD("check", "-c", hx_conf(d));
	cr_assert_eq(r2.status, 0, "check after: %s", r2.err);
	hx_stop(d);
	/* Last, so that all the above is checked whatever it says: the
	 * same words as harbourd check, naming the file. */
	cr_assert(strstr(r.err, "fails its integrity check") != NULL &&
	    strstr(r.err, bad) != NULL, "harbourd refused a damaged database "
	    "but did not say it \"fails its integrity check\": %s", r.err);
}

/* The writer checks references itself (SQLite's enforcement is off on
 * its connection); harbourd check finds one that dangles all the same. */
Test(ops, check_finds_dangling_reference)
{
	struct hx_daemon	*d = hx_start(NULL);
	const char		*copy = hx_strf("%s/copy.db", hx_dir(d));
	struct hx_run		 r;
	sqlite3			*db;

	some_posts(d, 3);
	r = HX_HARBOURD("backup", "-c", hx_conf(d), copy);
	cr_assert_eq(r.status, 0, "backup: %s", r.err);
	r = HX_HARBOURD("check", "-c", hx_conf(d), "--db", copy);
	cr_assert_eq(r.status, 0, "check on a good copy: %s", r.err);

	cr_assert_eq(sqlite3_open(copy, &db), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(db, "INSERT INTO members (channel_id,"
	    " account_id, joined_at) VALUES (7777, 1, 0)", NULL, NULL, NULL),
	    SQLITE_OK, "%s", sqlite3_errmsg(db));
	sqlite3_close(db);
	r = HX_HARBOURD("check", "-c", hx_conf(d), "--db", copy);
	cr_assert_eq(r.status, 1, "harbourd check on a dangling reference: "
	    "exit %d; stderr %s", r.status, r.err);
	cr_assert(strstr(r.err, "foreign key check") != NULL &&
	    strstr(r.err, "members") != NULL && strstr(r.err, copy) != NULL,
	    "harbourd check should name the file, the check and the table: "
	    "%s", r.err);
	hx_stop(d);
}

/* The daemon's configuration plus one more line; its line number. */
static int
conf_plus(struct hx_daemon *d, const char *path, const char *line)
{
	size_t		 len, i;
	const char	*conf = file_bytes(hx_conf(d), &len);
	const char	*all;
	int		 n = 1;

	for (i = 0; i < len; i++)
		if (conf[i] == '\n')
			n++;
	if (len > 0 && conf[len - 1] != '\n')
		conf = hx_strf("%s\n", conf);
	else
		n--;
	all = hx_strf("%s# an operator's edit\n%s\n", conf, line);
	hx_write_atomic(path, all, strlen(all), 0600);
	return n + 2;
}

Test(ops, check_bad_config)
{
	struct hx_daemon	*d = hx_start(NULL);
	const char		*p1 = hx_strf("%s/unknown.conf", hx_dir(d));
	const char		*p2 = hx_strf("%s/badvalue.conf", hx_dir(d));
	const char		*where;
	struct hx_run		 r;
	int			 line;

	line = conf_plus(d, p1, "max_conections = 50");
	where = hx_strf("%s:%d", p1, line);
	r = HX_HARBOURD("check", "-c", p1);
	cr_assert_eq(r.status, EXIT_CONFIG, "check, unknown key: exit %d; %s",
	    r.status, r.err);
	cr_assert(strstr(r.err, where) != NULL && strstr(r.err,
	    "max_conections") != NULL, "check should name %s and the key: %s",
	    where, r.err);
	/* The daemon itself says the same and does not start. */
	r = HX_HARBOURD("-c", p1, "--listen", "127.0.0.1:0");
	cr_assert_eq(r.status, EXIT_CONFIG, "serve, unknown key: exit %d; %s",
	    r.status, r.err);
	cr_assert(strstr(r.err, where) != NULL, "serve: %s", r.err);

	line = conf_plus(d, p2, "max_connections = 0");
	where = hx_strf("%s:%d", p2, line);
	r = HX_HARBOURD("check", "-c", p2);
	cr_assert_eq(r.status, EXIT_CONFIG, "check, bad value: exit %d; %s",
	    r.status, r.err);
	cr_assert(strstr(r.err, where) != NULL && strstr(r.err,
	    "max_connections") != NULL, "check should name %s and the key: %s",
	    where, r.err);
	hx_stop(d);
}

/* Writers that keep WINDOW posts in flight each. */
struct writers {
	struct hx_conn	*c[WRITERS];
	int64_t		 thread[WRITERS];
	int		 inflight[WRITERS];
	int		 seq;
	json_t		*sent[WRITERS];	/* request id -> body */
	json_t		*acked;		/* post id -> body */
};

/* Top up every window and take the replies that are there; returns
 * how many posts were acknowledged. */
static int
writers_pump(struct writers *w)
{
	const char	*body;
	json_t		*r, *res;
	int64_t		 id;
	int		 i, got = 0;

	for (i = 0; i < WRITERS; i++) {
		while (w->inflight[i] < WINDOW) {
			body = hx_strf("writer %d post %d", i, w->seq++);
			id = hx_send_post(w->c[i], CH, w->thread[i], body);
			json_object_set_new(w->sent[i], hx_strf("%lld",
			    (long long)id), json_string(body));
			w->inflight[i]++;
		}
		while ((r = hx_any_reply(w->c[i], 2)) != NULL) {
			w->inflight[i]--;
			res = hx_assert_ok(r);
			body = json_string_value(json_object_get(w->sent[i],
			    hx_strf("%lld", (long long)hx_int(r, "id"))));
			cr_assert_not_null(body, "a reply to no post: %s",
			    hx_dump(r));
			json_object_set_new(w->acked, hx_strf("%lld",
			    (long long)hx_int(res, "post")), json_string(body));
			got++;
		}
	}
	return got;
}

/* Every post of the channel: post id -> body, none twice. */
static json_t *
posts_of(struct hx_daemon *d, const char *user, int64_t *max)
{
	struct hx_conn	*c = hx_login(d, user);
	json_t		*all = hx_read_all(c, CH, 0), *ev, *m = hx_keep(
			    json_object());
	const char	*key;
	size_t		 i;

	*max = 0;
	json_array_foreach(all, i, ev) {
		key = hx_strf("%lld", (long long)hx_int(ev, "post"));
		cr_assert_null(json_object_get(m, key), "post %s read twice",
		    key);
		json_object_set_new(m, key, json_string(hx_str(ev, "body")));
		if (hx_int(ev, "post") > *max)
			*max = hx_int(ev, "post");
	}
	hx_close(c);
	return m;
}

Test(ops, backup_while_posting)
{
	struct hx_daemon	*d = hx_start(NULL), *d2;
	struct writers		 w;
	const char		*dest = hx_strf("%s/backup.db", hx_dir(d));
	const char		*key, *copy1, *copy2, *why;
	json_t			*before, *orig, *copy, *body;
	struct hx_cli		*bk;
	struct hx_run		 r;
	size_t			 len1, len2;
	int64_t			 id, maxorig, maxcopy;
	int			 i, acks = 0, during = 0;

	memset(&w, 0, sizeof w);
	w.acked = hx_keep(json_object());
	hx_ok(hx_admin(d), "channel.create", "{s:s}", "channel", CH);
	for (i = 0; i < WRITERS; i++) {
		w.c[i] = hx_user(d, "refugee-action", "member",
		    hx_strf("w%d", i));
		w.sent[i] = hx_keep(json_object());
		hx_ok(w.c[i], "join", "{s:s}", "channel", CH);
		w.thread[i] = hx_post(w.c[i], CH, hx_strf("writer %d", i), 0,
		    hx_strf("writer %d starts", i));
		json_object_set_new(w.acked, hx_strf("%lld", (long long)
		    w.thread[i]), json_string(hx_strf("writer %d starts", i)));
	}
	while (acks < ACKS_BEFORE)
		acks += writers_pump(&w);
	/* What counts: acknowledged before the copy began. */
	before = hx_keep(json_deep_copy(w.acked));
	bk = HX_HARBOURD_START("backup", "-c", hx_conf(d), dest);
	while (!hx_cli_done(bk) && during < POSTS_DURING_MAX)
		during += writers_pump(&w);
	r = hx_cli_wait(bk, 3 * hx_ms(HX_WAIT_MS));
	cr_assert_eq(r.status, 0, "backup: exit %d; stderr %s", r.status,
	    r.err);
	cr_assert(strstr(r.out, dest) != NULL, "backup said: %s", r.out);
	cr_assert_gt(during, 0, "no post was acknowledged while the backup "
	    "ran: it did not run beside the writers");
	for (i = 0; i < WRITERS; i++)
		while (w.inflight[i] > 0)
			writers_pump(&w);

	why = db_integrity(dest);
	cr_assert_str_eq(why, "ok", "integrity_check of the copy: %s", why);
	cr_assert(access(hx_strf("%s-wal", dest), F_OK) != 0,
	    "the copy is not one self-contained file: %s-wal exists", dest);

	/* A second backup to the same file is refused; the copy stays. */
	copy1 = file_bytes(dest, &len1);
	r = HX_HARBOURD("backup", "-c", hx_conf(d), dest);
	cr_assert_neq(r.status, 0, "backup overwrote %s", dest);
	cr_assert(strstr(r.err, dest) != NULL && strstr(r.err, "exists") !=
	    NULL, "backup refused without saying why: %s", r.err);
	copy2 = file_bytes(dest, &len2);
	cr_assert(len1 == len2 && memcmp(copy1, copy2, len1) == 0,
	    "a refused backup changed %s", dest);

	/* Served: every post acknowledged before the copy, exactly once,
	 * and the copy is the original up to one commit. */
	orig = posts_of(d, "w0", &maxorig);
	d2 = hx_start(hx_strf("db = %s", dest));
	copy = posts_of(d2, "w1", &maxcopy);
	json_object_foreach(before, key, body) {
		cr_assert_not_null(json_object_get(copy, key), "post %s (%s), "
		    "acknowledged before the backup began, is not in the copy "
		    "(%zu posts in it)", key, json_string_value(body),
		    json_object_size(copy));
		cr_assert_str_eq(json_string_value(json_object_get(copy, key)),
		    json_string_value(body), "post %s in the copy", key);
	}
	json_object_foreach(orig, key, body) {
		id = strtoll(key, NULL, 10);
		if (id <= maxcopy)
			cr_assert(json_equal(json_object_get(copy, key), body),
			    "post %s (up to the copy's last, %lld) is %s in "
			    "the original but %s in the copy", key,
			    (long long)maxcopy, hx_dump(body),
			    hx_dump(json_object_get(copy, key)));
	}
	json_object_foreach(copy, key, body)
		cr_assert_not_null(json_object_get(orig, key), "post %s is in "
		    "the copy but not in the original", key);
	cr_assert_leq(maxcopy, maxorig);
	cr_log_info("backup: %zu posts acknowledged before it, %d while it "
	    "ran; the copy has %zu of the original's %zu", json_object_size(
	    before), during, json_object_size(copy), json_object_size(orig));
	hx_stop(d2);
	hx_stop(d);
}

/* --- Reload. --- */

struct live {
	const char	*dir, *crt, *key, *old_fp, *new_fp;
};

/* A daemon serving copies of the dev certificate from a directory of
 * the test's, and a new certificate made ready beside them. */
static struct hx_daemon *
live_start(struct live *l)
{
	l->dir = hx_tmpdir();
	l->crt = hx_strf("%s/live.crt", l->dir);
	l->key = hx_strf("%s/live.key", l->dir);
	hx_copy_file(hx_strf("%s/server.crt", certs()), l->crt, 0644);
	hx_copy_file(hx_strf("%s/server.key", certs()), l->key, 0600);
	hx_make_server_cert(l->dir, "new", "ec");
	l->old_fp = hx_cert_file_fp(l->crt);
	l->new_fp = hx_cert_file_fp(hx_strf("%s/new.crt", l->dir));
	cr_assert_str_neq(l->old_fp, l->new_fp);
	return hx_start(hx_strf("cert = %s\nkey = %s", l->crt, l->key));
}

static void
served(struct hx_daemon *d, const char *fp, const char *what)
{
	struct hx_conn	*c = hx_connect(d);

	cr_assert_str_eq(hx_peer_fp(c), fp, "a new connection %s", what);
	hx_ok(c, "ping", NULL);
	hx_close(c);
}

Test(ops, reload_new_certificate)
{
	struct live		 l;
	struct hx_daemon	*d = live_start(&l);
	struct hx_conn		*admin, *anon;
	const char		*line;

	admin = hx_admin(d);
	anon = hx_connect(d);
	cr_assert_str_eq(hx_peer_fp(admin), l.old_fp);
	/* The key first: between the renames the pair mismatches, and
	 * nothing reads them until the SIGHUP. */
	hx_copy_file(hx_strf("%s/new.key", l.dir), l.key, 0600);
	hx_copy_file(hx_strf("%s/new.crt", l.dir), l.crt, 0644);
	cr_assert(hx_reload(d, &line), "reload refused: %s", line);

	cr_assert_str_eq(hx_str(hx_ok(admin, "whoami", NULL), "user"),
	    HX_ADMIN, "an existing connection after the reload");
	hx_ok(anon, "ping", NULL);
	hx_ok(hx_admin(d), "channel.create", "{s:s}", "channel", CH);
	served(d, l.new_fp, "after the reload presents the new certificate");
	cr_assert_str_eq(hx_peer_fp(admin), l.old_fp,
	    "an existing connection's certificate changed");
	hx_stop(d);
}

Test(ops, reload_broken_certificate)
{
	struct live		 l;
	struct hx_daemon	*d = live_start(&l);
	struct hx_conn		*admin;
	const char		*line, *junk = "-----BEGIN CERTIFICATE-----\n"
				    "not a certificate at all\n"
				    "-----END CERTIFICATE-----\n";

	admin = hx_admin(d);
	hx_write_atomic(l.crt, junk, strlen(junk), 0644);
	cr_assert(!hx_reload(d, &line), "a garbage certificate was loaded: %s",
	    line);
	cr_assert(strstr(line, "reload refused") != NULL && strstr(line,
	    l.crt) != NULL, "the log should say why, naming %s: %s", l.crt,
	    line);
	served(d, l.old_fp, "after a refused reload has the old certificate");
	hx_ok(admin, "whoami", NULL);

	/* A good certificate with the wrong key: refused too. */
	hx_copy_file(hx_strf("%s/new.crt", l.dir), l.crt, 0644);
	cr_assert(!hx_reload(d, &line), "a certificate was loaded with a key "
	    "that does not match it: %s", line);
	cr_assert(strstr(line, l.key) != NULL, "the log should name the "
	    "key %s: %s", l.key, line);
	served(d, l.old_fp, "after a refused reload has the old certificate");

	/* Fixed: the next reload takes it (a refusal is not sticky). */
	hx_copy_file(hx_strf("%s/new.key", l.dir), l.key, 0600);
	cr_assert(hx_reload(d, &line), "reload refused: %s", line);
	served(d, l.new_fp, "after the fix has the new certificate");
	hx_ok(admin, "whoami", NULL);
	hx_stop(d);
}

/* --- Client certificates. --- */

/* A daemon with the network CA (copies: the CRL gets rewritten). */
static struct hx_daemon *
ca_start(const char **dir)
{
	*dir = hx_tmpdir();
	hx_copy_file(hx_strf("%s/ca.crt", certs()), hx_strf("%s/ca.crt",
	    *dir), 0644);
	hx_copy_file(hx_strf("%s/ca.key", certs()), hx_strf("%s/ca.key",
	    *dir), 0600);
	hx_copy_file(hx_strf("%s/crl.pem", certs()), hx_strf("%s/crl.pem",
	    *dir), 0644);
	return hx_start(hx_strf("ca_cert = %s/ca.crt\nca_key = %s/ca.key\n"
	    "crl = %s/crl.pem", *dir, *dir, *dir));
}

/* harbourd cert issue USER: the two files it printed. */
static void
issue(struct hx_daemon *d, const char *dir, const char *user)
{
	struct hx_run	r;

	r = HX_HARBOURD("cert", "issue", "-c", hx_conf(d), user, "--out", dir);
	cr_assert_eq(r.status, 0, "cert issue %s: exit %d; %s", user, r.status,
	    r.err);
	cr_assert_str_eq(r.out, hx_strf("%s/%s.crt\n%s/%s.key\n", dir, user,
	    dir, user), "cert issue printed: %s", r.out);
}

/* A connection presenting PREFIX.crt (key PREFIX.key). */
static struct hx_conn *
with_cert(struct hx_daemon *d, const char *prefix, struct hx_try *t)
{
	struct hx_tls_opts	o = { 0 };

	o.cert = hx_strf("%s.crt", prefix);
	o.key = hx_strf("%s.key", prefix);
	return hx_try_connect(d, &o, t);
}

/* A connection presenting DIR/USER.crt, logged in with it. */
static json_t *
cert_login(struct hx_daemon *d, const char *dir, const char *user)
{
	struct hx_try	 t;
	struct hx_conn	*c;
	json_t		*res;

	c = with_cert(d, hx_strf("%s/%s", dir, user), &t);
	cr_assert_not_null(c, "%s's certificate refused: %s", user, t.why);
	res = hx_ok(c, "login", "{s:b}", "cert", 1);
	cr_assert_str_eq(hx_str(res, "user"), user);
	cr_assert_eq(strlen(hx_str(res, "token")), 32, "token in %s",
	    hx_dump(res));
	cr_assert_str_eq(hx_str(hx_ok(c, "whoami", NULL), "user"), user);
	hx_close(c);
	return res;
}

Test(ops, client_certificate_login)
{
	const char		*dir;
	struct hx_daemon	*d = ca_start(&dir);
	struct hx_conn		*c;
	struct hx_try		 t;
	struct hx_run		 r;
	json_t			*res;

	hx_close(hx_user(d, "refugee-action", "member", "ana"));
	issue(d, dir, "ana");
	res = cert_login(d, dir, "ana");
	cr_assert_str_eq(hx_str(res, "org"), "refugee-action");
	cr_assert_str_eq(hx_str(res, "role"), "member");
	/* Its token is a session like any other. */
	hx_ok(hx_connect(d), "login", "{s:s}", "token", hx_str(res, "token"));

	/* No certificate presented. */
	hx_err(hx_connect(d), "auth_failed", "login", "{s:b}", "cert", 1);
	/* Signed by the CA, but never issued by harbourd cert issue. */
	c = with_cert(d, hx_strf("%s/client-ana", certs()), &t);
	cr_assert_not_null(c, "a CA-signed certificate failed TLS: %s", t.why);
	hx_err(c, "auth_failed", "login", "{s:b}", "cert", 1);

	/* No certificate for an account that does not exist. */
	r = HX_HARBOURD("cert", "issue", "-c", hx_conf(d), "nobody-here",
	    "--out", dir);
	cr_assert_neq(r.status, 0, "cert issue for no account: %s", r.out);
	cr_assert(strstr(r.err, "nobody-here") != NULL, "cert issue: %s",
	    r.err);
	cr_assert(access(hx_strf("%s/nobody-here.crt", dir), F_OK) != 0 &&
	    access(hx_strf("%s/nobody-here.key", dir), F_OK) != 0,
	    "cert issue refused but wrote files");
	hx_stop(d);
}

Test(ops, client_certificate_revoked)
{
	const char		*dir, *crl, *line;
	struct hx_daemon	*d = ca_start(&dir);
	struct hx_conn		*c;
	struct hx_try		 t;
	struct hx_run		 r;
	size_t			 len;

	hx_close(hx_user(d, "refugee-action", "member", "ana"));
	hx_close(hx_user(d, "refugee-action", "member", "ben"));
	issue(d, dir, "ana");
	issue(d, dir, "ben");
	cert_login(d, dir, "ana");
	cert_login(d, dir, "ben");
	crl = file_bytes(hx_strf("%s/crl.pem", dir), &len);

	r = HX_HARBOURD("cert", "revoke", "-c", hx_conf(d), "ana");
	cr_assert_eq(r.status, 0, "cert revoke: exit %d; %s", r.status, r.err);
	cr_assert(strstr(r.out, "revoked 1") != NULL, "cert revoke: %s",
	    r.out);
	cr_assert_str_neq(file_bytes(hx_strf("%s/crl.pem", dir), &len), crl,
	    "the CRL was not rewritten");

	/* At once, before any reload: the binding is revoked. */
	c = with_cert(d, hx_strf("%s/ana", dir), &t);
	cr_assert_not_null(c, "refused before the reload: %s", t.why);
	hx_err(c, "auth_failed", "login", "{s:b}", "cert", 1);

	/* After the reload the TLS layer refuses it. */
	cr_assert(hx_reload(d, &line), "reload with the new CRL: %s", line);
	c = with_cert(d, hx_strf("%s/ana", dir), &t);
	cr_assert_null(c, "a revoked certificate was accepted after the "
	    "reload (login answered %s)", c ? hx_dump(hx_call(c, "login",
	    "{s:b}", "cert", 1)) : "");
	cr_assert_eq(t.reason, SSL_R_SSLV3_ALERT_CERTIFICATE_REVOKED,
	    "refused, but not as revoked: %s", t.why);
	/* Nobody else's, and not the account: ben's certificate and ana's
	 * password still work. */
	cert_login(d, dir, "ben");
	hx_close(hx_login(d, "ana"));
	hx_stop(d);
}

/* The integer on the line "NAME  VALUE" of admin status's output. */
static long
status_value(const char *out, const char *name)
{
	const char	*head = hx_strf("%s ", name), *p = out;
	long		 v;

	if (strncmp(out, head, strlen(head)) != 0 && (p = strstr(out,
	    hx_strf("\n%s", head))) != NULL)
		p++;
	cr_assert(p != NULL && sscanf(p + strlen(head), "%ld", &v) == 1,
	    "no \"%s\" line in admin status: %s", name, out);
	return v;
}

Test(ops, cli_certificate_login_and_admin_status)
{
	const char		*dir;
	struct hx_daemon	*d = ca_start(&dir);
	struct hx_run		 r;

	hx_close(hx_user(d, "refugee-action", "member", "ana"));
	issue(d, dir, "ana");
	r = HX_CLI(d, "ana", NULL, NULL, "login", "--cert",
	    hx_strf("%s/ana.crt", dir), "--key", hx_strf("%s/ana.key", dir));
	cr_assert_eq(r.status, 0, "harbour login --cert: exit %d; %s",
	    r.status, r.err);
	r = HX_CLI(d, "ana", NULL, NULL, "whoami");
	cr_assert(r.status == 0 && strstr(r.out, "ana") != NULL,
	    "whoami after a certificate login: exit %d; %s%s", r.status,
	    r.out, r.err);

	some_posts(d, 2);
	r = HX_CLI(d, "ops", HX_PASSWORD, NULL, "login", "--user", HX_ADMIN);
	cr_assert_eq(r.status, 0, "login: %s", r.err);
	r = HX_CLI(d, "ops", NULL, NULL, "admin", "status");
	cr_assert_eq(r.status, 0, "admin status: exit %d; %s", r.status,
	    r.err);
	/* The admin's own connection from hx_admin, and the CLI's. */
	cr_assert_geq(status_value(r.out, "connections"), 2, "%s", r.out);
	cr_assert_geq(status_value(r.out, "posts_per_minute"), 3, "%s", r.out);

	r = HX_CLI(d, "ana", NULL, NULL, "admin", "status");
	cr_assert_eq(r.status, 1, "admin status for a member: exit %d; "
	    "stdout %s", r.status, r.out);
	cr_assert(strstr(r.err, "forbidden") != NULL, "admin status for a "
	    "member: %s", r.err);
	hx_stop(d);
}

/* --- Privilege drop (root only). --- */

static uid_t	chown_uid;
static gid_t	chown_gid;

static int
chown_one(const char *path, const struct stat *sb, int flag, struct FTW *f)
{
	(void)sb;
	(void)flag;
	(void)f;
	return lchown(path, chown_uid, chown_gid) == 0 ? 0 : -1;
}

/* The numbers on the "Name:" line of /proc/PID/status. */
static const char *
proc_status_line(pid_t pid, const char *name)
{
	const char	*s = hx_slurp(hx_strf("/proc/%d/status", (int)pid), NULL);
	const char	*p, *e;

	cr_assert_not_null(s, "cannot read /proc/%d/status", (int)pid);
	p = strstr(s, name);
	cr_assert_not_null(p, "no %s in /proc/%d/status", name, (int)pid);
	p += strlen(name);
	e = strchr(p, '\n');
	return hx_strf("%.*s", (int)(e ? e - p : (long)strlen(p)), p);
}

Test(ops, privilege_drop)
{
	struct hx_daemon	*d;
	struct passwd		*pw;
	struct hx_conn		*a;
	const char		*dir, *want;
	json_t			*all;

	if (geteuid() != 0)
		cr_skip_test("not running as root: the privilege drop to "
		    "user = nobody is not tested");
	pw = getpwnam("nobody");
	cr_assert_not_null(pw, "no user nobody on this machine");
	chown_uid = pw->pw_uid;
	chown_gid = pw->pw_gid;
	d = hx_start(NULL);
	hx_shutdown(d);
	dir = hx_dir(d);
	/* Everything the daemon touches after the drop is nobody's: its
	 * directory, database, and certificate and key (a reload reads
	 * them again). */
	hx_copy_file(hx_strf("%s/server.crt", certs()), hx_strf("%s/server.crt",
	    dir), 0644);
	hx_copy_file(hx_strf("%s/server.key", certs()), hx_strf("%s/server.key",
	    dir), 0600);
	hx_conf_append(d, hx_strf("user = nobody\ncert = %s/server.crt\n"
	    "key = %s/server.key", dir, dir));
	cr_assert_eq(nftw(dir, chown_one, 16, FTW_PHYS), 0, "chown -R %s",
	    dir);
	hx_restart(d);
	/* The drop follows the "listening" line the harness waits for. */
	cr_assert(hx_log_wait(d, 0, "running as nobody", hx_ms(HX_WAIT_MS)),
	    "the log does not say it dropped privileges");

	want = hx_strf("\t%u\t%u\t%u\t%u", pw->pw_uid, pw->pw_uid, pw->pw_uid,
	    pw->pw_uid);
	cr_assert_str_eq(proc_status_line(hx_pid(d), "Uid:"), want,
	    "harbourd's real, effective, saved and file-system uids");
	want = hx_strf("\t%u\t%u\t%u\t%u", pw->pw_gid, pw->pw_gid, pw->pw_gid,
	    pw->pw_gid);
	cr_assert_str_eq(proc_status_line(hx_pid(d), "Gid:"), want);
	cr_assert_str_eq(proc_status_line(hx_pid(d), "Groups:"),
	    hx_strf("\t%u ", pw->pw_gid), "supplementary groups left");

	/* Still a working server: accounts, posts, reads, a reload. */
	a = hx_admin(d);
	hx_ok(a, "channel.create", "{s:s}", "channel", CH);
	hx_post(a, CH, "as nobody", 0, "written after the drop");
	all = hx_read_all(hx_login(d, HX_ADMIN), CH, 0);
	cr_assert_eq(json_array_size(all), 1, "%s", hx_dump(all));
	cr_assert(hx_reload(d, NULL), "reload as nobody refused");
	hx_ok(hx_connect(d), "ping", NULL);
	hx_stop(d);
}

Test(ops, privilege_drop_unknown_user)
{
	struct hx_daemon	*d;
	const char		*conf;
	struct hx_run		 r;

	if (geteuid() != 0)
		cr_skip_test("not running as root: the privilege drop to "
		    "an unknown user is not tested");
	d = hx_start(NULL);
	conf = hx_strf("%s/nouser.conf", hx_dir(d));
	conf_plus(d, conf, "user = root-does-not-exist-xyz");
	r = HX_HARBOURD("check", "-c", conf);
	cr_assert(r.status != 0 && strstr(r.err, "root-does-not-exist-xyz") !=
	    NULL, "harbourd check with an unknown user: exit %d; %s", r.status,
	    r.err);
	r = HX_HARBOURD("-c", conf, "--listen", "127.0.0.1:0");
	cr_assert_neq(r.status, 0, "harbourd ran with an unknown user; "
	    "stderr %s", r.err);
	cr_assert(strstr(r.err, "root-does-not-exist-xyz") != NULL,
	    "harbourd should name the unknown user: %s", r.err);
	hx_stop(d);
}
