/*
 * test-report.c: who may act on a report, asked twice: the store's SQL
 * rule (store_reports, store_report_alerts) and access.c's
 * (access_acts_on_report) must agree for every reader (each role, a
 * safeguarding lead or not, of the author's organisation or another,
 * the author), every kind of channel, and anonymous posts or not. The
 * fixture is plain SQL on a real file, as in test-store.c.
 */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "access.h"
#include "store-internal.h"
#include "util.h"
#include "view.h"

static char	rep_dir[64];
static char	rep_db[PATH_MAX];

static void
rep_setup(void)
{
	log_init(LOG_LEVEL_WARN);
	strlcpy_h(rep_dir, "/tmp/harbour-report-XXXXXX", sizeof rep_dir);
	cr_assert_not_null(mkdtemp(rep_dir));
	snprintf(rep_db, sizeof rep_db, "%s/harbour.db", rep_dir);
}

static void
rep_teardown(void)
{
	char	path[PATH_MAX + 8];

	unlink(rep_db);
	snprintf(path, sizeof path, "%s-wal", rep_db);
	unlink(path);
	snprintf(path, sizeof path, "%s-shm", rep_db);
	unlink(path);
	rmdir(rep_dir);
}

TestSuite(report, .init = rep_setup, .fini = rep_teardown);

/* Orgs 1 hope, 2 else; accounts 1 ana (hope, the author), 2 rita (else,
 * the reporter); channels 1 hope/all, 2 peer/all; in each a post by
 * ana, anonymous and not, each reported once (report id = post id). */
static const char rep_fixture[] =
	"INSERT INTO orgs (id, name, created_at) VALUES (1, 'hope', 0),"
	" (2, 'else', 0);"
	"INSERT INTO accounts (id, name, org_id, role, pwhash, created_at)"
	" VALUES (1, 'ana', 1, 1, 'x', 0), (2, 'rita', 2, 1, 'x', 0);"
	"INSERT INTO channels (id, name, org_id, kind, created_at) VALUES"
	" (1, 'hope/all', 1, 0, 0), (2, 'peer/all', NULL, 1, 0);"
	"INSERT INTO events (id, kind, channel_id, ts) VALUES"
	" (1, 1, 1, 0), (2, 1, 1, 0), (3, 1, 2, 0), (4, 1, 2, 0);"
	"INSERT INTO posts (id, channel_id, thread_id, author_id, title,"
	" body, anonymous, ts) VALUES (1, 1, 1, 1, 't', 'b', 0, 0),"
	" (2, 1, 2, 1, 't', 'b', 1, 0), (3, 2, 3, 1, 't', 'b', 0, 0),"
	" (4, 2, 4, 1, 't', 'b', 1, 0);"
	"INSERT INTO reports (id, post_id, channel_id, reporter_id, reason,"
	" urgent, created_at) VALUES (1, 1, 1, 2, 'r', 1, 0),"
	" (2, 2, 1, 2, 'r', 1, 0), (3, 3, 2, 2, 'r', 1, 0),"
	" (4, 4, 2, 2, 'r', 1, 0);";
#define REP_REPORTS	4

struct rep_seen {
	int	listed[REP_REPORTS + 1];
	int	acts[REP_REPORTS + 1];
	const struct store_ident *who;
};

static int
rep_listed(void *arg, const struct store_report *r)
{
	struct rep_seen *s = arg;

	cr_assert(r->id >= 1 && r->id <= REP_REPORTS);
	s->listed[r->id] = 1;
	return 0;
}

static int
rep_acts(void *arg, const struct store_report *r)
{
	struct rep_seen *s = arg;

	s->acts[r->id] = access_acts_on_report(s->who, r);
	return 1;
}

Test(report, store_rule_agrees_with_access)
{
	static const enum proto_role roles[] = { ROLE_MEMBER, ROLE_ORG_ADMIN,
	    ROLE_FACILITATOR, ROLE_ADMIN };
	struct store_viewer v;
	struct store_ident who;
	struct rep_seen seen;
	struct store *s;
	sqlite3 *db;
	char *cause = NULL;
	int64_t alerts, id, want_alerts;
	int r, org, lead, more, cells = 0;

	cr_assert_not_null(s = store_open(rep_db, &cause), "%s", cause);
	store_close(s);
	cr_assert_eq(sqlite3_open(rep_db, &db), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(db, rep_fixture, NULL, NULL, NULL),
	    SQLITE_OK, "%s", sqlite3_errmsg(db));
	sqlite3_close(db);
	cr_assert_not_null(s = store_open(rep_db, &cause), "%s", cause);

	/* Every role, lead or not, of hope or else; and ana herself. */
	for (r = 0; r < 5; r++)
	for (org = 1; org <= 2; org++)
	for (lead = 0; lead < 2; lead++) {
		memset(&who, 0, sizeof who);
		who.id = r == 4 ? 1 : 100;
		who.org_id = r == 4 ? 1 : org;
		who.role = r == 4 ? ROLE_FACILITATOR : roles[r];
		who.lead = lead;
		memset(&seen, 0, sizeof seen);
		seen.who = &who;
		view_viewer(&v, &who);
		cr_assert_eq(store_reports(s, &v, who.lead, 0, 0, 0, 100,
		    rep_listed, &seen, &more), STORE_OK);
		cr_assert_eq(store_report_alerts(s, &v, who.lead, &alerts),
		    STORE_OK);
		want_alerts = 0;
		for (id = 1; id <= REP_REPORTS; id++) {
			cr_assert_eq(store_report_by_id(s, id, rep_acts,
			    &seen), STORE_OK);
			cr_expect_eq(seen.listed[id], seen.acts[id],
			    "role %d org %d lead %d report %lld", (int)who.role,
			    org, lead, (long long)id);
			want_alerts += seen.acts[id];
			cells++;
		}
		cr_expect_eq(alerts, want_alerts, "role %d org %d lead %d",
		    (int)who.role, org, lead);
	}
	/* The rule's corners: hope's lead acts on ana's peer post only
	 * when it is signed; else's lead on nothing of hope's. */
	memset(&who, 0, sizeof who);
	who.id = 100;
	who.org_id = 1;
	who.role = ROLE_MEMBER;
	who.lead = 1;
	seen.who = &who;
	store_report_by_id(s, 3, rep_acts, &seen);
	cr_expect(seen.acts[3]);
	store_report_by_id(s, 4, rep_acts, &seen);
	cr_expect(!seen.acts[4]);
	who.org_id = 2;
	store_report_by_id(s, 1, rep_acts, &seen);
	store_report_by_id(s, 3, rep_acts, &seen);
	cr_expect(!seen.acts[1] && !seen.acts[3]);
	cr_expect_eq(cells, 5 * 2 * 2 * REP_REPORTS);
	store_close(s);
}
