/*
 * test-limit.c: the abuse counters: connections per address, the login
 * failure throttle, and the request buckets per account and per
 * address, each crossed; and none reset by a flood of other keys.
 */
#include <stdio.h>

#include <criterion/criterion.h>

#include "limit.h"

Test(limit, per_address)
{
	struct limits *l = limits_new();
	int i;

	for (i = 0; i < 16; i++)
		cr_assert_eq(limits_addr_acquire(l, "192.0.2.1", 16), 0);
	cr_expect_eq(limits_addr_acquire(l, "192.0.2.1", 16), -1);
	/* Another address is not affected. */
	cr_expect_eq(limits_addr_acquire(l, "192.0.2.2", 16), 0);
	limits_addr_release(l, "192.0.2.1");
	cr_expect_eq(limits_addr_acquire(l, "192.0.2.1", 16), 0);
	limits_free(l);
}

Test(limit, login_failures_wait_growing)
{
	struct limits *l = limits_new();
	int64_t t = 1000000;	/* ms */

	/* Three failures in a row are free. */
	cr_expect_eq(limits_login_delay(l, "ana", 1, t), 0);
	limits_login_failed(l, "ana", 1, t);
	limits_login_failed(l, "ana", 1, t + 1000);
	cr_expect_eq(limits_login_delay(l, "ana", 1, t + 2000), 0);
	limits_login_failed(l, "ana", 1, t + 2000);
	/* The fourth try waits, 1 s; then 2, 4, ... */
	cr_expect_eq(limits_login_delay(l, "ana", 1, t + 2000), 1000);
	cr_expect_eq(limits_login_delay(l, "ana", 1, t + 3000), 0);
	limits_login_failed(l, "ana", 1, t + 3000);
	cr_expect_eq(limits_login_delay(l, "ana", 1, t + 3000), 2000);
	limits_login_failed(l, "ana", 1, t + 5000);
	cr_expect_eq(limits_login_delay(l, "ana", 1, t + 5000), 4000);
	/* Capped. */
	for (int i = 0; i < 20; i++)
		limits_login_failed(l, "ana", 1, t + 10000);
	cr_expect_eq(limits_login_delay(l, "ana", 1, t + 10000), 30000);
	/* Other names are not affected. */
	cr_expect_eq(limits_login_delay(l, "ben", 1, t + 10000), 0);
	/* Quiet for the window: forgiven. */
	cr_expect_eq(limits_login_delay(l, "ana", 1, t + 10000 + 60000), 0);
	limits_login_failed(l, "ana", 1, t + 100000);
	cr_expect_eq(limits_login_delay(l, "ana", 1, t + 100000), 0);
	/* A success clears the count. */
	limits_login_failed(l, "ana", 1, t + 100000);
	limits_login_failed(l, "ana", 1, t + 100000);
	limits_login_ok(l, "ana");
	limits_login_failed(l, "ana", 1, t + 100000);
	cr_expect_eq(limits_login_delay(l, "ana", 1, t + 100000), 0);
	limits_free(l);
}

Test(limit, request_bucket)
{
	struct limits *l = limits_new();
	uint64_t ms = 5000;
	int i, ok = 0;

	/* A burst of 10 passes, the 11th at the same instant does not. */
	for (i = 0; i < 11; i++)
		ok += limits_request(l, 7, 5, 10, ms) == 0;
	cr_expect_eq(ok, 10);
	/* Another account has its own bucket. */
	cr_expect_eq(limits_request(l, 8, 5, 10, ms), 0);
	/* At 5/s, 1 s refills 5. */
	for (ok = 0, i = 0; i < 6; i++)
		ok += limits_request(l, 7, 5, 10, ms + 1000) == 0;
	cr_expect_eq(ok, 5);
	limits_free(l);
}

/* Three quick failures for ana: her next try waits a second. */
static void
victim(struct limits *l, int64_t t)
{
	limits_login_failed(l, "ana", 1, t);
	limits_login_failed(l, "ana", 1, t);
	limits_login_failed(l, "ana", 1, t);
	cr_assert_eq(limits_login_delay(l, "ana", 1, t), 1000);
}

/* 100,000 failures for other names, at the same instant: the hand-made
 * table's cap and its bucket chains used to push ana's entry out. */
Test(limit, login_delay_survives_a_flood_of_other_names)
{
	struct limits *l = limits_new();
	int64_t t = 1000000;
	char name[32];
	int i;

	victim(l, t);
	for (i = 0; i < 100000; i++) {
		snprintf(name, sizeof name, "nobody%d", i);
		limits_login_failed(l, name, 0, t);
	}
	cr_expect_eq(limits_login_delay(l, "ana", 1, t), 1000,
	    "ana's wait was reset by failures for other names");
	/* Names that are not accounts stop taking entries of their own at
	 * the cap; the rest share one count, which is throttled too. */
	cr_expect_leq(limits_login_names(l), LIMIT_LOGIN_NAMES + 1);
	cr_expect_gt(limits_login_delay(l, "nobody99999", 0, t), 0);
	cr_expect_gt(limits_login_delay(l, "someone-new", 0, t), 0);
	/* An account is never in the shared count: ben is free. */
	cr_expect_eq(limits_login_delay(l, "ben", 1, t), 0);
	limits_free(l);
}

/* Accounts always get an entry of their own, full table or not. */
Test(limit, login_delay_survives_a_flood_of_other_accounts)
{
	struct limits *l = limits_new();
	int64_t t = 1000000;
	char name[32];
	int i;

	victim(l, t);
	for (i = 0; i < 100000; i++) {
		snprintf(name, sizeof name, "acct%d", i);
		limits_login_failed(l, name, 1, t);
	}
	cr_expect_eq(limits_login_delay(l, "ana", 1, t), 1000);
	cr_expect_eq(limits_login_names(l), 100001);
	limits_free(l);
}

/* Stale entries go by age, without being looked up: after the window,
 * the table is empty again and the shared count forgiven. */
Test(limit, login_entries_expire_by_age)
{
	struct limits *l = limits_new();
	int64_t t = 1000000;
	char name[32];
	int i;

	for (i = 0; i < LIMIT_LOGIN_NAMES + 10; i++) {
		snprintf(name, sizeof name, "n%d", i);
		limits_login_failed(l, name, 0, t);
		limits_login_failed(l, name, 0, t);
		limits_login_failed(l, name, 0, t);
	}
	cr_expect_gt(limits_login_delay(l, "n5", 0, t), 0);
	t += LIMIT_LOGIN_WINDOW * 1000;
	cr_expect_eq(limits_login_delay(l, "other", 0, t), 0);
	cr_expect_eq(limits_login_names(l), 0);
	cr_expect_eq(limits_login_delay(l, "n5", 0, t), 0);
	limits_free(l);
}

Test(limit, unauth_bucket_per_address)
{
	struct limits *l = limits_new();
	uint64_t ms = 5000;
	int i, ok = 0;

	for (i = 0; i < 11; i++)
		ok += limits_unauth_request(l, "192.0.2.1", 2, 10, ms) == 0;
	cr_expect_eq(ok, 10);
	cr_expect_eq(limits_unauth_request(l, "192.0.2.2", 2, 10, ms), 0);
	/* At 2/s, 1 s refills 2. */
	for (ok = 0, i = 0; i < 5; i++)
		ok += limits_unauth_request(l, "192.0.2.1", 2, 10,
		    ms + 1000) == 0;
	cr_expect_eq(ok, 2);
	limits_free(l);
}
