/*
 * limit.c: per-address, per-name and per-account counters.
 *
 * Each table is a BSD red-black tree keyed by a short string (an
 * address, a user name, an account id in decimal), with the entries
 * also on a list in the order they were last touched. State that no
 * longer says anything (failures older than the window, a bucket that
 * has refilled) is dropped from the old end of that list at each use,
 * so a table follows the live load; nothing waits to be looked up to go.
 *
 * What happens when a table is full is the point of the design, since
 * an attacker chooses the keys:
 *
 *  - Login failures are never pushed out by failures for other names:
 *    that would reset a victim's wait (about 64 failures for other names
 *    in its hash bucket used to do it). A name that is an account always
 *    gets its own entry; names that are not accounts get one while fewer
 *    than LIMIT_LOGIN_NAMES are followed, and past that share one count.
 *    Accounts and names alike are followed one by one until then, so the
 *    throttle does not tell which names exist; only while a flood keeps
 *    the table full could it.
 *  - Request buckets (per account, per address before login) give way to
 *    a new key by dropping the one used longest ago: a bucket is seconds
 *    of state, and dropping it only gives its key a fresh burst.
 *  - Connections per address are as many as the connections themselves.
 *
 * Why a tree: the hand-made table this replaces had 1024 fixed chains,
 * so at its cap of 65,536 entries a lookup walked 64 strings; the tree
 * takes 17 comparisons. Measured on the limits_* calls (gcc -O2, this
 * 2-core machine, median of 5 runs of 10^6 calls): acquire and release
 * among 16 addresses, table 37 ns, tree 83 ns; a request bucket among
 * 1024 accounts, table 76 ns, tree 121 ns; a delay check and a failed
 * login among 65,536 names, table 2,270 ns, tree 961 ns. The table wins
 * by some 45 ns where the load is light (next to an accept's TLS
 * handshake of a millisecond) and loses by more than a microsecond
 * where a flood fills it, so the tree is used everywhere.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "limit.h"
#include "util.h"
#include "bsdtree.h"

#define LIMIT_KEY_MAX		64
/* Request buckets kept per table: every logged-in account and every
 * address talking before login fits many times over. */
#define LIMIT_BUCKETS_MAX	65536

struct limit_entry {
	RB_ENTRY(limit_entry)	 node;
	TAILQ_ENTRY(limit_entry) age;		/* least recently touched first */
	char			 key[LIMIT_KEY_MAX];
	int64_t			 count;		/* connections, failures */
	int64_t			 last;		/* last failure, ms */
	double			 tokens;	/* request bucket */
	uint64_t		 stamp_ms;	/* last refill */
	int			 account;	/* logins: the name is an account */
};

static int
limit_cmp(struct limit_entry *a, struct limit_entry *b)
{
	return strcmp(a->key, b->key);
}

RB_HEAD(limit_tree, limit_entry);
RB_GENERATE_STATIC(limit_tree, limit_entry, node, limit_cmp)
TAILQ_HEAD(limit_ages, limit_entry);

struct limit_table {
	struct limit_tree	 tree;
	struct limit_ages	 ages;
	size_t			 entries;
};

struct limits {
	struct limit_table	 addrs;		/* connections per address */
	struct limit_table	 unauth;	/* buckets per address, before login */
	struct limit_table	 logins;	/* failures per name */
	struct limit_table	 rates;		/* buckets per account */
	size_t			 login_others;	/* entries of names not accounts */
	struct limit_entry	 login_shared;	/* the names past those */
};

static void
limit_table_init(struct limit_table *t)
{
	RB_INIT(&t->tree);
	TAILQ_INIT(&t->ages);
	t->entries = 0;
}

static struct limit_entry *
limit_find(struct limit_table *t, const char *key)
{
	struct limit_entry find;

	strlcpy_h(find.key, key, sizeof find.key);
	return RB_FIND(limit_tree, &t->tree, &find);
}

static struct limit_entry *
limit_add(struct limit_table *t, const char *key)
{
	struct limit_entry *e = xcalloc(1, sizeof *e);

	strlcpy_h(e->key, key, sizeof e->key);
	RB_INSERT(limit_tree, &t->tree, e);
	TAILQ_INSERT_TAIL(&t->ages, e, age);
	t->entries++;
	return e;
}

static void
limit_del(struct limit_table *t, struct limit_entry *e)
{
	RB_REMOVE(limit_tree, &t->tree, e);
	TAILQ_REMOVE(&t->ages, e, age);
	t->entries--;
	free(e);
}

/* Touched now: to the young end of the list. */
static void
limit_touch(struct limit_table *t, struct limit_entry *e)
{
	TAILQ_REMOVE(&t->ages, e, age);
	TAILQ_INSERT_TAIL(&t->ages, e, age);
}

static void
limit_table_free(struct limit_table *t)
{
	struct limit_entry *e;

	while ((e = TAILQ_FIRST(&t->ages)) != NULL)
		limit_del(t, e);
}

struct limits *
limits_new(void)
{
	struct limits *l = xcalloc(1, sizeof *l);

	limit_table_init(&l->addrs);
	limit_table_init(&l->unauth);
	limit_table_init(&l->logins);
	limit_table_init(&l->rates);
	return l;
}

void
limits_free(struct limits *l)
{
	if (l == NULL)
		return;
	limit_table_free(&l->addrs);
	limit_table_free(&l->unauth);
	limit_table_free(&l->logins);
	limit_table_free(&l->rates);
	free(l);
}

int
limits_addr_acquire(struct limits *l, const char *host, int max)
{
	struct limit_entry *e = limit_find(&l->addrs, host);

	if (e == NULL)
		e = limit_add(&l->addrs, host);
	if (e->count >= max)
		return -1;
	e->count++;
	return 0;
}

void
limits_addr_release(struct limits *l, const char *host)
{
	struct limit_entry *e = limit_find(&l->addrs, host);

	if (e != NULL && --e->count <= 0)
		limit_del(&l->addrs, e);
}

/* ---- login failures ------------------------------------------------ */

static int
limit_login_stale(const struct limit_entry *e, int64_t now_ms)
{
	return now_ms - e->last >= LIMIT_LOGIN_WINDOW * 1000;
}

static void
limit_login_del(struct limits *l, struct limit_entry *e)
{
	if (!e->account)
		l->login_others--;
	limit_del(&l->logins, e);
}

/* Failures age out oldest first: the list is in order of last failure. */
static void
limit_login_expire(struct limits *l, int64_t now_ms)
{
	struct limit_entry *e;

	while ((e = TAILQ_FIRST(&l->logins.ages)) != NULL &&
	    limit_login_stale(e, now_ms))
		limit_login_del(l, e);
	if (l->login_shared.count > 0 && limit_login_stale(&l->login_shared,
	    now_ms))
		l->login_shared.count = 0;
}

static int64_t
limit_login_wait(const struct limit_entry *e, int64_t now_ms)
{
	int64_t over, delay = 1000;

	if (e->count < LIMIT_LOGIN_FREE)
		return 0;
	for (over = e->count - LIMIT_LOGIN_FREE; over > 0 &&
	    delay < LIMIT_LOGIN_MAX_DELAY * 1000; over--)
		delay *= 2;
	if (delay > LIMIT_LOGIN_MAX_DELAY * 1000)
		delay = LIMIT_LOGIN_MAX_DELAY * 1000;
	return e->last + delay > now_ms ? e->last + delay - now_ms : 0;
}

/* The entry that counts user's failures, or NULL for none yet. */
static struct limit_entry *
limit_login_entry(struct limits *l, const char *user, int account)
{
	struct limit_entry *e = limit_find(&l->logins, user);

	if (e != NULL)
		return e;
	if (!account && l->login_others >= LIMIT_LOGIN_NAMES)
		return &l->login_shared;
	return NULL;
}

int64_t
limits_login_delay(struct limits *l, const char *user, int account,
    int64_t now_ms)
{
	struct limit_entry *e;

	limit_login_expire(l, now_ms);
	if ((e = limit_login_entry(l, user, account)) == NULL ||
	    limit_login_stale(e, now_ms))
		return 0;
	return limit_login_wait(e, now_ms);
}

void
limits_login_failed(struct limits *l, const char *user, int account,
    int64_t now_ms)
{
	struct limit_entry *e;

	limit_login_expire(l, now_ms);
	if ((e = limit_login_entry(l, user, account)) == NULL) {
		e = limit_add(&l->logins, user);
		e->account = account;
		if (!account)
			l->login_others++;
	} else if (e != &l->login_shared && account && !e->account) {
		e->account = 1;		/* registered since */
		l->login_others--;
	}
	if (e->count == 0 || limit_login_stale(e, now_ms))
		e->count = 0;
	e->last = now_ms;
	e->count++;
	if (e != &l->login_shared)
		limit_touch(&l->logins, e);
}

void
limits_login_ok(struct limits *l, const char *user)
{
	struct limit_entry *e = limit_find(&l->logins, user);

	if (e != NULL)
		limit_login_del(l, e);
}

size_t
limits_login_names(struct limits *l)
{
	return l->logins.entries;
}

/* ---- request buckets ----------------------------------------------- */

static int
limit_bucket(struct limit_table *t, const char *key, int rate, int burst,
    uint64_t now_ms)
{
	uint64_t full_ms = (uint64_t)burst * 1000 / (uint64_t)rate + 1;
	struct limit_entry *e;

	/* A bucket that has refilled says nothing any more. */
	while ((e = TAILQ_FIRST(&t->ages)) != NULL && now_ms > e->stamp_ms &&
	    now_ms - e->stamp_ms >= full_ms)
		limit_del(t, e);
	if ((e = limit_find(t, key)) == NULL) {
		if (t->entries >= LIMIT_BUCKETS_MAX)
			limit_del(t, TAILQ_FIRST(&t->ages));
		e = limit_add(t, key);
		e->tokens = burst;
	} else if (now_ms > e->stamp_ms)
		e->tokens += (double)(now_ms - e->stamp_ms) * rate / 1000.0;
	if (e->tokens > burst)
		e->tokens = burst;
	e->stamp_ms = now_ms;
	limit_touch(t, e);
	if (e->tokens < 1.0)
		return -1;
	e->tokens -= 1.0;
	return 0;
}

int
limits_request(struct limits *l, int64_t account, int rate, int burst,
    uint64_t now_ms)
{
	char key[32];

	snprintf(key, sizeof key, "%lld", (long long)account);
	return limit_bucket(&l->rates, key, rate, burst, now_ms);
}

int
limits_unauth_request(struct limits *l, const char *host, int rate,
    int burst, uint64_t now_ms)
{
	return limit_bucket(&l->unauth, host, rate, burst, now_ms);
}
