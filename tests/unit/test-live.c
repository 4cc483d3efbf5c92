/*
 * test-live.c: the index of logged-in connections (live.c) on its own:
 * which connections each call finds, spares and refreshes. The
 * connections here have no socket, so ending one only takes it out of
 * the index (conn_close does nothing for a connection without one); the
 * bye and the close on the wire are 13-sessions.c's.
 */
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "conn.h"
#include "live.h"
#include "server.h"
#include "store.h"

#define MANY		1000
#define MANY_ACCTS	37

static void
fake(struct server *srv, struct conn *c, uint64_t id, int64_t account,
    int64_t session)
{
	memset(c, 0, sizeof *c);
	c->id = id;
	c->refs = 1;		/* the test's: never freed */
	c->srv = srv;
	c->state = CONN_READY;
	c->acct.id = account;
	c->session = session;
	strcpy(c->acct.name, "ana");
	live_add(c);
}

Test(live, end_and_refresh_find_exactly_theirs)
{
	struct server srv;
	struct conn c[5];
	struct store_account a;

	memset(&srv, 0, sizeof srv);
	srv.live = live_new();
	fake(&srv, &c[0], 1, 1, 10);
	fake(&srv, &c[1], 2, 1, 10);	/* c[0]'s session, resumed */
	fake(&srv, &c[2], 3, 1, 11);
	fake(&srv, &c[3], 4, 2, 20);	/* another account */
	fake(&srv, &c[4], 5, 1, 12);

	memset(&a, 0, sizeof a);
	a.id = 1;
	a.role = ROLE_FACILITATOR;
	strcpy(a.name, "ana-renamed");
	cr_expect_eq(live_refresh_account(&srv, &a), 4);
	cr_expect_str_eq(c[4].acct.name, "ana-renamed");
	cr_expect_eq(c[2].acct.role, ROLE_FACILITATOR);
	cr_expect_str_eq(c[3].acct.name, "ana", "another account refreshed");

	/* A logout: the session's other connection ends, not the asker. */
	cr_expect_eq(live_end_session(&srv, 10, &c[0], "test"), 1);
	cr_expect(!c[1].live_in && c[0].live_in);
	/* A passwd on session 10: every other session of the account. */
	cr_expect_eq(live_end_account(&srv, 1, 10, "test"), 2);
	cr_expect(c[0].live_in && !c[2].live_in && !c[4].live_in);
	cr_expect(c[3].live_in, "another account's connection ended");
	/* Nothing spared. */
	cr_expect_eq(live_end_account(&srv, 1, 0, "test"), 1);
	cr_expect_eq(live_end_account(&srv, 1, 0, "test"), 0);
	cr_expect_eq(live_refresh_account(&srv, &a), 0);

	/* Removal is idempotent; a new identity re-keys. */
	live_remove(&c[3]);
	live_remove(&c[3]);
	c[3].acct.id = 1;
	live_add(&c[3]);
	live_add(&c[3]);
	cr_expect_eq(live_refresh_account(&srv, &a), 1);
	a.id = 2;
	cr_expect_eq(live_refresh_account(&srv, &a), 0);
	live_remove(&c[3]);
	live_free(srv.live);
}

/* Many accounts interleaved: each call finds what a walk over every
 * connection finds. */
Test(live, many_accounts_match_a_full_walk)
{
	struct server srv;
	struct conn *c = calloc(MANY, sizeof *c);
	struct store_account a;
	int i, want, n;
	unsigned int x = 12345;		/* a repeatable shuffle */

	memset(&srv, 0, sizeof srv);
	srv.live = live_new();
	for (i = 0; i < MANY; i++) {
		x = x * 1103515245u + 12345u;
		fake(&srv, &c[i], (uint64_t)i + 1, (int64_t)(x >> 8) %
		    MANY_ACCTS + 1, (int64_t)i / 3 + 1);
	}
	memset(&a, 0, sizeof a);
	a.role = ROLE_MEMBER;
	strcpy(a.org, "hope");
	for (a.id = 0; a.id <= MANY_ACCTS + 1; a.id++) {
		for (want = 0, i = 0; i < MANY; i++)
			want += c[i].acct.id == a.id;
		cr_expect_eq(live_refresh_account(&srv, &a), want,
		    "account %lld", (long long)a.id);
	}
	for (n = 0, i = 1; i <= MANY / 3 + 1; i++)
		n += live_end_session(&srv, i, NULL, "test");
	cr_expect_eq(n, MANY);
	for (i = 0; i < MANY; i++)
		cr_expect(!c[i].live_in);
	free(c);
	live_free(srv.live);
}
