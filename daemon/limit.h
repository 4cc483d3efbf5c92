/*
 * limit.h: the abuse limits that need memory across connections:
 * connections per source address, the request rate of connections not
 * logged in per source address, login failures per account name, and
 * each account's request rate. Every table is bounded, so that an
 * attacker spraying addresses or names cannot grow it without end, and
 * none lets traffic about one key reset the state of another that still
 * matters (see limit.c).
 */
#ifndef HARBOUR_LIMIT_H
#define HARBOUR_LIMIT_H

#include <stddef.h>
#include <stdint.h>

struct limits;

struct limits	*limits_new(void);
void		 limits_free(struct limits *);

/* One more connection from host; -1 when it already has max. */
int		 limits_addr_acquire(struct limits *, const char *host, int max);
void		 limits_addr_release(struct limits *, const char *host);

/* Seconds before a login for user may be tried again: 0 for the first
 * LIMIT_LOGIN_FREE failures in a row (each within LIMIT_LOGIN_WINDOW
 * seconds of the last); then after each failure 1, 2, 4 ... up to
 * LIMIT_LOGIN_MAX_DELAY seconds. The fourth try after three quick
 * failures waits. A success clears the count. */
#define LIMIT_LOGIN_FREE	3
#define LIMIT_LOGIN_WINDOW	60
#define LIMIT_LOGIN_MAX_DELAY	30
/* Names followed one by one that are not accounts: at 1 KiB of memory
 * each at most, and far more failing names a minute than the password
 * hashing lets through at its default cost. Past it, further names that
 * are not accounts share one count; accounts are always followed on
 * their own (their number is the database's, not an attacker's). */
#define LIMIT_LOGIN_NAMES	65536
/* Times in milliseconds of a monotonic clock; the delay too. account:
 * whether user names an account (its throttle is never shared). */
int64_t		 limits_login_delay(struct limits *, const char *user,
		    int account, int64_t now_ms);
void		 limits_login_failed(struct limits *, const char *user,
		    int account, int64_t now_ms);
void		 limits_login_ok(struct limits *, const char *user);
/* Names followed one by one (for tests and admin.status). */
size_t		 limits_login_names(struct limits *);

/* A token bucket per account: rate requests a second, up to burst at
 * once. 0 when this request may run, -1 when it is over the rate. */
int		 limits_request(struct limits *, int64_t account, int rate,
		    int burst, uint64_t now_ms);
/* The same per source address, for connections not logged in. */
int		 limits_unauth_request(struct limits *, const char *host,
		    int rate, int burst, uint64_t now_ms);

#endif
