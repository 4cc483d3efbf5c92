/*
 * test-limit.c: the abuse counters: connections per address, the login
 * failure throttle, and the per-account request bucket, each crossed.
 */
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
	cr_expect_eq(limits_login_delay(l, "ana", t), 0);
	limits_login_failed(l, "ana", t);
	limits_login_failed(l, "ana", t + 1000);
	cr_expect_eq(limits_login_delay(l, "ana", t + 2000), 0);
	limits_login_failed(l, "ana", t + 2000);
	/* The fourth try waits, 1 s; then 2, 4, ... */
	cr_expect_eq(limits_login_delay(l, "ana", t + 2000), 1000);
	cr_expect_eq(limits_login_delay(l, "ana", t + 3000), 0);
	limits_login_failed(l, "ana", t + 3000);
	cr_expect_eq(limits_login_delay(l, "ana", t + 3000), 2000);
	limits_login_failed(l, "ana", t + 5000);
	cr_expect_eq(limits_login_delay(l, "ana", t + 5000), 4000);
	/* Capped. */
	for (int i = 0; i < 20; i++)
		limits_login_failed(l, "ana", t + 10000);
	cr_expect_eq(limits_login_delay(l, "ana", t + 10000), 30000);
	/* Other names are not affected. */
	cr_expect_eq(limits_login_delay(l, "ben", t + 10000), 0);
	/* Quiet for the window: forgiven. */
	cr_expect_eq(limits_login_delay(l, "ana", t + 10000 + 60000), 0);
	limits_login_failed(l, "ana", t + 100000);
	cr_expect_eq(limits_login_delay(l, "ana", t + 100000), 0);
	/* A success clears the count. */
	limits_login_failed(l, "ana", t + 100000);
	limits_login_failed(l, "ana", t + 100000);
	limits_login_ok(l, "ana");
	limits_login_failed(l, "ana", t + 100000);
	cr_expect_eq(limits_login_delay(l, "ana", t + 100000), 0);
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
