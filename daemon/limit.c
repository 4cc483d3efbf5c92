/*
 * limit.c: per-address, per-name and per-account counters.
 *
 * One small chained hash table type serves all three, keyed by a short
 * string (an address, a user name, an account id in decimal). Entries
 * that carry no information any more (no connections left, failures
 * older than the window, a full bucket) are removed when touched or
 * when the table is full, so its size follows the live load, and a
 * hard cap (LIMIT_ENTRIES_MAX) holds against a flood of new keys: past
 * it, the oldest entry of the bucket chain is dropped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "limit.h"
#include "util.h"

#define LIMIT_BUCKETS		1024
#define LIMIT_ENTRIES_MAX	65536
#define LIMIT_KEY_MAX		64

struct limit_entry {
	char			 key[LIMIT_KEY_MAX];
	int64_t			 count;		/* connections, failures */
	int64_t			 last;		/* last failure, ms */
	double			 tokens;	/* request bucket */
	uint64_t		 stamp_ms;	/* last refill */
	struct limit_entry	*next;
};

struct limit_table {
	struct limit_entry	*buckets[LIMIT_BUCKETS];
	size_t			 entries;
};

struct limits {
	struct limit_table	 addrs;
	struct limit_table	 logins;
	struct limit_table	 rates;
};

static unsigned int
limit_hash(const char *key)
{
	unsigned int h = 2166136261u;	/* FNV-1a */

	while (*key != '\0')
		h = (h ^ (unsigned char)*key++) * 16777619u;
	return h % LIMIT_BUCKETS;
}

static struct limit_entry *
limit_get(struct limit_table *t, const char *key, int create)
{
	struct limit_entry **slot = &t->buckets[limit_hash(key)], *e, **pp;

	for (e = *slot; e != NULL; e = e->next)
		if (strcmp(e->key, key) == 0)
			return e;
	if (!create)
		return NULL;
	if (t->entries >= LIMIT_ENTRIES_MAX && *slot != NULL) {
		/* Full: drop the oldest of this chain (its tail). */
		for (pp = slot; (*pp)->next != NULL; pp = &(*pp)->next)
			;
		free(*pp);
		*pp = NULL;
		t->entries--;
	}
	e = xcalloc(1, sizeof *e);
	strlcpy_h(e->key, key, sizeof e->key);
	e->next = *slot;
	*slot = e;
	t->entries++;
	return e;
}

static void
limit_del(struct limit_table *t, const char *key)
{
	struct limit_entry **pp = &t->buckets[limit_hash(key)], *e;

	for (; (e = *pp) != NULL; pp = &e->next) {
		if (strcmp(e->key, key) == 0) {
			*pp = e->next;
			free(e);
			t->entries--;
			return;
		}
	}
}

static void
limit_table_free(struct limit_table *t)
{
	struct limit_entry *e, *next;
	size_t i;

	for (i = 0; i < LIMIT_BUCKETS; i++) {
		for (e = t->buckets[i]; e != NULL; e = next) {
			next = e->next;
			free(e);
		}
	}
}

struct limits *
limits_new(void)
{
	return xcalloc(1, sizeof(struct limits));
}

void
limits_free(struct limits *l)
{
	if (l == NULL)
		return;
	limit_table_free(&l->addrs);
	limit_table_free(&l->logins);
	limit_table_free(&l->rates);
	free(l);
}

int
limits_addr_acquire(struct limits *l, const char *host, int max)
{
	struct limit_entry *e = limit_get(&l->addrs, host, 1);

	if (e->count >= max)
		return -1;
	e->count++;
	return 0;
}

void
limits_addr_release(struct limits *l, const char *host)
{
	struct limit_entry *e = limit_get(&l->addrs, host, 0);

	if (e != NULL && --e->count <= 0)
		limit_del(&l->addrs, host);
}

int64_t
limits_login_delay(struct limits *l, const char *user, int64_t now_ms)
{
	struct limit_entry *e = limit_get(&l->logins, user, 0);
	int64_t over, delay = 1000;

	if (e == NULL)
		return 0;
	if (now_ms - e->last >= LIMIT_LOGIN_WINDOW * 1000) {
		limit_del(&l->logins, user);
		return 0;
	}
	if (e->count < LIMIT_LOGIN_FREE)
		return 0;
	for (over = e->count - LIMIT_LOGIN_FREE; over > 0 &&
	    delay < LIMIT_LOGIN_MAX_DELAY * 1000; over--)
		delay *= 2;
	if (delay > LIMIT_LOGIN_MAX_DELAY * 1000)
		delay = LIMIT_LOGIN_MAX_DELAY * 1000;
	return e->last + delay > now_ms ? e->last + delay - now_ms : 0;
}

void
limits_login_failed(struct limits *l, const char *user, int64_t now_ms)
{
	struct limit_entry *e = limit_get(&l->logins, user, 1);

	if (e->count == 0 || now_ms - e->last >= LIMIT_LOGIN_WINDOW * 1000)
		e->count = 0;
	e->last = now_ms;
	e->count++;
}

void
limits_login_ok(struct limits *l, const char *user)
{
	limit_del(&l->logins, user);
}

int
limits_request(struct limits *l, int64_t account, int rate, int burst,
    uint64_t now_ms)
{
	struct limit_entry *e;
	char key[32];

	snprintf(key, sizeof key, "%lld", (long long)account);
	e = limit_get(&l->rates, key, 1);
	if (e->stamp_ms == 0)
		e->tokens = burst;
	else
		e->tokens += (double)(now_ms - e->stamp_ms) * rate / 1000.0;
	if (e->tokens > burst)
		e->tokens = burst;
	e->stamp_ms = now_ms;
	if (e->tokens < 1.0)
		return -1;
	e->tokens -= 1.0;
	return 0;
}
