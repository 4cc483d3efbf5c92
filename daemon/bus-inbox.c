/*
 * bus-inbox.c: the bus's decision for inbox items, per person: an
 * announcement, a mention, a notice or a reminder is pushed now to the
 * person's subscribed connections when they are within their working
 * hours (their own, else their organisation's; none set: always), or
 * when urgent; otherwise it waits in the inbox (written already, with
 * what caused it) for one digest when their hours begin or when they
 * next subscribe within them. Each subscribed account keeps its hours
 * worked out until the next change, so deciding costs no tz lookup.
 */
#include <stdlib.h>
#include <string.h>

#include "bus-internal.h"
#include "conn.h"
#include "server.h"
#include "store.h"
#include "util.h"

uint64_t
bus_deferred(struct bus *b)
{
	return b->deferred;
}

void
bus_set_digest(struct bus *b, bus_digest_fn fn)
{
	b->digest = fn;
}

/* Read an account's hours from the store into h. An hours text that no
 * longer parses (a zone gone from the tz database) counts as none: a
 * person is then reached, never silently held back. */
static void
bus_hours_load(struct bus *b, int64_t account, struct bus_hours *h)
{
	char spec[STORE_HOURS_MAX], tz[STORE_HOURS_MAX], err[128];
	int source;

	memset(h, 0, sizeof *h);
	h->loaded = 1;
	if (store_hours(b->srv->store, account, spec, tz, &source) !=
	    STORE_OK || source == 0)
		return;
	if (hours_parse(spec, &h->h, err, sizeof err) != 0 ||
	    !hours_tz_valid(tz)) {
		log_warn("account %lld: working hours \"%s\" %s unusable",
		    (long long)account, spec, tz);
		return;
	}
	strlcpy_h(h->tz, tz, sizeof h->tz);
	h->set = 1;
	h->next = 0;
}

/* Bring h up to now; 1 when it is within hours (or has none). */
static int
bus_hours_now(struct bus_hours *h, int64_t now)
{
	if (!h->set)
		return 1;
	if (now >= h->next && hours_at(&h->h, h->tz, now, &h->in,
	    &h->next) != 0) {
		h->in = 1;
		h->next = INT64_MAX;
	}
	return h->in;
}

int
bus_in_hours(struct bus *b, int64_t account, int64_t now, int64_t *next,
    char *tz, size_t tzlen)
{
	struct bus_account *a = bus_account_find(b, account);
	struct bus_hours local, *h;
	int in;

	if (a != NULL) {
		if (!a->hours.loaded)
			bus_hours_load(b, account, &a->hours);
		h = &a->hours;
	} else {
		bus_hours_load(b, account, &local);
		h = &local;
	}
	in = bus_hours_now(h, now);
	*next = h->next;
	strlcpy_h(tz, h->tz, tzlen);
	return in;
}

/* Mark items pushed, in one job of its own (nothing waits on it). */
static void
bus_pushed_done(struct store_write *w)
{
	if (w->result != STORE_OK)
		log_error("inbox: %zu items pushed but not marked so",
		    w->nids);
	store_write_free(w);
}

static void
bus_mark_pushed(struct bus *b, int64_t *ids, size_t n)
{
	struct store_write *w;

	if (n == 0) {
		free(ids);
		return;
	}
	w = store_write_new(SW_INBOX_PUSHED);
	w->now = now_seconds();
	w->ids = ids;
	w->nids = n;
	w->done = bus_pushed_done;
	store_submit(b->srv->store, w);
}

struct bus_item_arg {
	bus_item_fn	 make;
	void		*arg;
	int64_t		 item;
};

static json_t *
bus_item_make(void *arg, const struct store_ident *who)
{
	struct bus_item_arg *ia = arg;

	return ia->make(ia->arg, who, ia->item);
}

/* The decision for one person's inbox item: pushed now to a person
 * connected and subscribed, within their hours (or with none), or
 * when urgent; otherwise deferred to their inbox and its digest. */
static enum bus_verdict
bus_decide_item(struct bus *b, struct bus_account *a, int urgent,
    int64_t now)
{
	if (a == NULL || LIST_EMPTY(&a->subs))
		return BUS_DEFER;
	if (urgent)
		return BUS_PUSH;
	if (!a->hours.loaded)
		bus_hours_load(b, a->id, &a->hours);
	return bus_hours_now(&a->hours, now) ? BUS_PUSH : BUS_DEFER;
}

size_t
bus_inbox(struct bus *b, const int64_t *ids, const int64_t *accounts,
    size_t n, int urgent, bus_item_fn make, void *arg)
{
	struct bus_item_arg ia = { make, arg, 0 };
	struct bus_account *a;
	int64_t *pushed = NULL, now = now_seconds();
	size_t i, np = 0;

	for (i = 0; i < n; i++) {
		a = bus_account_find(b, accounts[i]);
		if (bus_decide_item(b, a, urgent, now) == BUS_DEFER) {
			b->deferred++;
			continue;
		}
		ia.item = ids[i];
		/* a is not touched after this: a gap may free it. */
		if (bus_account_send(b, a, NULL, bus_item_make, &ia) > 0) {
			if (np % 64 == 0)
				pushed = xrealloc(pushed, (np + 64) *
				    sizeof *pushed);
			pushed[np++] = ids[i];
		}
	}
	bus_mark_pushed(b, pushed, np);
	return np;
}

struct bus_digest_arg {
	json_t		*ev;
};

static json_t *
bus_digest_make(void *arg, const struct store_ident *who)
{
	struct bus_digest_arg *da = arg;

	(void)who;
	return json_incref(da->ev);
}

/* What waits for a, as one event, if a is within hours now: to every
 * connection of it, or only to one that has just subscribed. */
static void
bus_digest(struct bus *b, struct bus_account *a, struct conn *only,
    int64_t now)
{
	struct bus_digest_arg da;
	struct bus_sub *sub = LIST_FIRST(&a->subs);
	int64_t *ids = NULL;
	size_t n = 0;

	if (b->digest == NULL || sub == NULL)
		return;
	if (!a->hours.loaded)
		bus_hours_load(b, a->id, &a->hours);
	if (!bus_hours_now(&a->hours, now))
		return;
	if ((da.ev = b->digest(b->srv, &sub->c->acct, &ids, &n)) == NULL) {
		free(ids);
		return;
	}
	if (bus_account_send(b, a, only, bus_digest_make, &da) > 0)
		bus_mark_pushed(b, ids, n);
	else
		free(ids);
	json_decref(da.ev);
}

void
bus_hours_changed(struct bus *b, int64_t account)
{
	struct bus_account *a, *next;
	int64_t now = now_seconds();

	RB_FOREACH_SAFE(a, bus_accounts, &b->accounts, next) {
		if (account != 0 && a->id != account)
			continue;
		a->hours.loaded = 0;
		bus_digest(b, a, NULL, now);
	}
}

void
bus_hours_tick(struct bus *b, int64_t now)
{
	struct bus_account *a, *next;
	int was;

	RB_FOREACH_SAFE(a, bus_accounts, &b->accounts, next) {
		if (!a->hours.loaded || !a->hours.set || now < a->hours.next)
			continue;
		was = a->hours.in;
		if (bus_hours_now(&a->hours, now) && !was)
			bus_digest(b, a, NULL, now);
	}
}

void
bus_subscribed(struct bus *b, struct conn *c)
{
	struct bus_account *a = bus_account_find(b, c->acct.id);

	if (a != NULL)
		bus_digest(b, a, c, now_seconds());
}
