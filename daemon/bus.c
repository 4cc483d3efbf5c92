/*
 * bus.c: delivery of committed events to live subscribers.
 *
 * Two ordered trees (the BSD <sys/tree.h> red-black trees that tmux and
 * OpenSMTPD use): channels, each with the array of subscriber records
 * that receive it, and accounts, each with the list of its subscribed
 * connections. A subscriber record (struct bus_sub) is the bus's, not
 * the connection's: the connection only points at it. A lookup is a
 * dozen comparisons for the few hundred channels of a programme, next
 * to the hundred writes of one fan-out.
 *
 * One event is decided for each subscriber of its channel: the viewer's
 * view of it (view.c) is computed, and encoded once per distinct view
 * (for an ordinary post one line serves everyone). The verdict is push,
 * or leave to history when the viewer may not see it. A channel's posts
 * are what a client asked to follow, so working hours never hold them
 * back; what hours defer are the notifications a person did not ask
 * for at that moment: announcements of resources and mentions, which
 * come as inbox items (bus_inbox, at the end). For those the verdict
 * is push now, or defer to the inbox until the person's hours begin
 * (a digest then), decided here per person from their hours (their
 * own or their organisation's, cached per subscribed account) and the
 * item's urgency, so that fan-out of posts pays nothing for hours.
 *
 * The slow-reader rule lives here too. Before a line is queued for a
 * connection, its unsent output is compared with output_limit; past it,
 * the connection gets a small "gap" event naming the last event it was
 * sent, and is unsubscribed. Nothing more is queued for it, so its
 * memory stays bounded, and nothing is lost: the events are in the
 * database and the client catches up with sync, then subscribes again.
 */
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "conn.h"
#include "server.h"
#include "store.h"
#include "util.h"
#include "view.h"
#include "bsdtree.h"

/* What one replay may hold before it is "too far behind": the bytes of
 * a full history page, so a replay is never bigger than a read. */
#define BUS_REPLAY_BUDGET	(1024 * 1024)

#include "bus-internal.h"

static int
bus_chan_cmp(const struct bus_chan *a, const struct bus_chan *b)
{
	return a->id < b->id ? -1 : a->id > b->id;
}

static int
bus_account_cmp(const struct bus_account *a, const struct bus_account *b)
{
	return a->id < b->id ? -1 : a->id > b->id;
}

RB_GENERATE_STATIC(bus_chans, bus_chan, entry, bus_chan_cmp)
RB_GENERATE(bus_accounts, bus_account, entry, bus_account_cmp)

struct bus *
bus_new(struct server *srv, int64_t last_eid)
{
	struct bus *b = xcalloc(1, sizeof *b);

	b->srv = srv;
	b->last_eid = last_eid;
	RB_INIT(&b->chans);
	RB_INIT(&b->accounts);
	return b;
}

void
bus_free(struct bus *b)
{
	struct bus_chan *ch, *cnext;
	struct bus_account *a, *anext;

	if (b == NULL)
		return;
	RB_FOREACH_SAFE(ch, bus_chans, &b->chans, cnext) {
		RB_REMOVE(bus_chans, &b->chans, ch);
		free(ch->subs);
		free(ch);
	}
	/* Subscriber records belong to their connections' lifetimes;
	 * those are gone by now. */
	RB_FOREACH_SAFE(a, bus_accounts, &b->accounts, anext) {
		RB_REMOVE(bus_accounts, &b->accounts, a);
		free(a);
	}
	free(b);
}

static struct bus_chan *
bus_chan(struct bus *b, int64_t id, int create)
{
	struct bus_chan key, *ch;

	key.id = id;
	if ((ch = RB_FIND(bus_chans, &b->chans, &key)) != NULL || !create)
		return ch;
	ch = xcalloc(1, sizeof *ch);
	ch->id = id;
	RB_INSERT(bus_chans, &b->chans, ch);
	return ch;
}

static void
bus_chan_remove(struct bus *b, int64_t id, struct bus_sub *sub)
{
	struct bus_chan *ch = bus_chan(b, id, 0);
	size_t i;

	if (ch == NULL)
		return;
	/* An emptied channel keeps its node: a gap unsubscribes in the
	 * middle of a fan-out over that very array, and channels are few. */
	for (i = 0; i < ch->nsubs; i++) {
		if (ch->subs[i] == sub) {
			ch->subs[i] = ch->subs[--ch->nsubs];
			return;
		}
	}
}

int
bus_is_subscribed(const struct conn *c)
{
	return c->sub != NULL;
}

void
bus_unsubscribe(struct bus *b, struct conn *c)
{
	struct bus_sub *sub = c->sub;
	size_t i;

	if (sub == NULL)
		return;
	for (i = 0; i < sub->n; i++)
		bus_chan_remove(b, sub->chans[i], sub);
	LIST_REMOVE(sub, entry);
	if (LIST_EMPTY(&sub->acct->subs)) {
		RB_REMOVE(bus_accounts, &b->accounts, sub->acct);
		free(sub->acct);
	}
	free(sub->chans);
	free(sub);
	c->sub = NULL;
}

void
bus_leave(struct bus *b, int64_t account, int64_t channel)
{
	struct bus_account key, *a;
	struct bus_sub *sub;
	size_t i;

	key.id = account;
	if ((a = RB_FIND(bus_accounts, &b->accounts, &key)) == NULL)
		return;
	LIST_FOREACH(sub, &a->subs, entry) {
		for (i = 0; i < sub->n; i++) {
			if (sub->chans[i] == channel) {
				bus_chan_remove(b, channel, sub);
				sub->chans[i] = sub->chans[--sub->n];
				break;
			}
		}
	}
}

/* Add one channel to sub's. */
static void
bus_sub_add(struct bus *b, struct bus_sub *sub, int64_t channel)
{
	struct bus_chan *ch = bus_chan(b, channel, 1);

	if (ch->nsubs == ch->cap) {
		ch->cap = ch->cap ? ch->cap * 2 : 8;
		ch->subs = xrealloc(ch->subs, ch->cap * sizeof *ch->subs);
	}
	ch->subs[ch->nsubs++] = sub;
	if (sub->n == sub->cap) {
		sub->cap = sub->cap ? sub->cap * 2 : 8;
		sub->chans = xrealloc(sub->chans, sub->cap *
		    sizeof *sub->chans);
	}
	sub->chans[sub->n++] = channel;
}

void
bus_join(struct bus *b, int64_t account, int64_t channel)
{
	struct bus_account key, *a;
	struct bus_sub *sub;
	size_t i;

	key.id = account;
	if ((a = RB_FIND(bus_accounts, &b->accounts, &key)) == NULL)
		return;
	LIST_FOREACH(sub, &a->subs, entry) {
		if (!sub->all)
			continue;
		for (i = 0; i < sub->n; i++)
			if (sub->chans[i] == channel)
				break;
		if (i == sub->n)
			bus_sub_add(b, sub, channel);
	}
}

static void
bus_attach(struct bus *b, struct conn *c, const int64_t *channels, size_t n,
    int named, int64_t live)
{
	struct bus_account key, *a;
	struct bus_sub *sub;
	size_t i;

	key.id = c->acct.id;
	if ((a = RB_FIND(bus_accounts, &b->accounts, &key)) == NULL) {
		a = xcalloc(1, sizeof *a);
		a->id = c->acct.id;
		LIST_INIT(&a->subs);
		RB_INSERT(bus_accounts, &b->accounts, a);
	}
	sub = xcalloc(1, sizeof *sub);
	sub->c = c;
	sub->acct = a;
	sub->last_eid = live;
	sub->all = !named;
	sub->cap = n > 0 ? n : 1;
	sub->chans = xcalloc(sub->cap, sizeof *sub->chans);
	LIST_INSERT_HEAD(&a->subs, sub, entry);
	c->sub = sub;
	for (i = 0; i < n; i++)
		bus_sub_add(b, sub, channels[i]);
}

/* The replay, gathered before anything is sent: all of it, or (too far
 * behind) none of it. */
struct bus_replay {
	struct store_viewer	 v;
	char			*buf;
	size_t			 len, cap;
	int			 over;
};

static int
bus_replay_add(void *arg, const struct store_post *p)
{
	struct bus_replay *r = arg;
	struct proto_post wire;
	char *line;
	size_t len;

	if (view_post(&r->v, p, &wire) == VIEW_NONE)
		return 0;
	line = proto_encode_post(&wire, &len);
	if (r->len + len > BUS_REPLAY_BUDGET) {
		free(line);
		r->over = 1;
		return 1;
	}
	if (r->len + len > r->cap) {
		r->cap = (r->len + len) * 2;
		r->buf = xrealloc(r->buf, r->cap);
	}
	memcpy(r->buf + r->len, line, len);
	r->len += len;
	free(line);
	return 0;
}

int
bus_subscribe(struct bus *b, struct conn *c, const int64_t *channels,
    size_t n, int named, int64_t since, int64_t *live)
{
	struct bus_replay r;
	int64_t until = b->last_eid;
	int more = 0;

	memset(&r, 0, sizeof r);
	view_viewer(&r.v, &c->acct);
	if (since >= 0 && since < until && (n > 0 || !named)) {
		if (store_sync(b->srv->store, &r.v, since, until,
		    named ? channels : NULL, n, 0, PROTO_REPLAY_MAX,
		    bus_replay_add, &r, &more) < 0) {
			free(r.buf);
			return BUS_ERROR;
		}
		if (more || r.over) {
			free(r.buf);
			return BUS_TOO_FAR;
		}
	}
	bus_unsubscribe(b, c);
	if (r.len > 0)
		conn_write(c, r.buf, r.len);
	free(r.buf);
	bus_attach(b, c, channels, n, named, until);
	*live = until;
	return BUS_OK;
}

int64_t
bus_last_eid(struct bus *b)
{
	return b->last_eid;
}

uint64_t
bus_deliveries(struct bus *b)
{
	return b->deliveries;
}

uint64_t
bus_gaps(struct bus *b)
{
	return b->gaps;
}

/* Too far behind: tell it where its live stream stopped, and stop. */
void
bus_gap(struct bus *b, struct conn *c)
{
	json_t *gap;
	int64_t after = c->sub->last_eid;

	gap = json_pack("{s:s, s:I}", "ev", "gap", "after", (json_int_t)after);
	log_info("conn %llu: too far behind; gap after %lld",
	    (unsigned long long)c->id, (long long)after);
	bus_unsubscribe(b, c);
	conn_send_event(c, gap);
	json_decref(gap);
	b->gaps++;
}

static void
bus_count_post(struct bus *b, int64_t now)
{
	int i = (int)(now % 60);

	if (b->per_sec_at[i] != now) {
		b->per_sec_at[i] = now;
		b->per_sec[i] = 0;
	}
	b->per_sec[i]++;
}

uint64_t
bus_posts_last_minute(struct bus *b)
{
	int64_t now = now_seconds();
	uint64_t n = 0;
	int i;

	for (i = 0; i < 60; i++)
		if (now - b->per_sec_at[i] < 60)
			n += b->per_sec[i];
	return n;
}

/*
 * The one decision per subscriber and event of a channel: which view
 * (view.c), and whether it goes out now or is left to history. (Inbox
 * items are decided by bus_inbox, below.)
 */
static enum bus_verdict
bus_decide(const struct bus_sub *sub, const struct store_post *p,
    struct proto_post *wire, enum view_class *cls)
{
	struct store_viewer v;

	view_viewer(&v, &sub->c->acct);
	*cls = view_post(&v, p, wire);
	return *cls == VIEW_NONE ? BUS_HISTORY : BUS_PUSH;
}

/* Lines encoded for one event, one per view class. */
struct bus_lines {
	char		*line[VIEW__COUNT];
	size_t		 len[VIEW__COUNT];
};

void
bus_post(struct bus *b, const struct store_post *p)
{
	struct bus_chan *ch;
	struct bus_sub *sub;
	struct bus_lines out;
	struct proto_post wire;
	enum view_class cls;
	struct conn *c;
	size_t i;
	int uniform;

	if (p->eid > b->last_eid)
		b->last_eid = p->eid;
	/* A change to an older post (approved, hidden, edited) is an
	 * event, not a new post. */
	if (p->eid == p->post)
		bus_count_post(b, now_seconds());
	if ((ch = bus_chan(b, p->channel_id, 0)) == NULL || ch->nsubs == 0)
		return;
	memset(&out, 0, sizeof out);
	/* An ordinary post is the same for every viewer: one view, one
	 * line, no decision per recipient beyond the slow-reader rule. */
	if ((uniform = view_uniform(p)) != 0) {
		view_post(NULL, p, &wire);
		out.line[VIEW_PUBLIC] = proto_encode_post(&wire,
		    &out.len[VIEW_PUBLIC]);
	}
	/* Backwards, because a gap removes the current entry. */
	for (i = ch->nsubs; i-- > 0;) {
		sub = ch->subs[i];
		c = sub->c;
		if (p->eid <= sub->last_eid || !conn_is_open(c))
			continue;
		/* A conversation's message reaches its author's connections
		 * here; the other person's copy is an inbox item, pushed or
		 * held by their working hours (bus_inbox). */
		if (p->channel_kind == STORE_CHANNEL_DM &&
		    sub->acct->id != p->author_id) {
			sub->last_eid = p->eid;
			continue;
		}
		if (uniform)
			cls = VIEW_PUBLIC;
		else if (bus_decide(sub, p, &wire, &cls) != BUS_PUSH) {
			sub->last_eid = p->eid;
			continue;
		} else if (out.line[cls] == NULL)
			out.line[cls] = proto_encode_post(&wire, &out.len[cls]);
		if (conn_output_len(c) + out.len[cls] >
		    b->srv->cf.output_limit) {
			bus_gap(b, c);
			continue;
		}
		conn_write(c, out.line[cls], out.len[cls]);
		sub->last_eid = p->eid;
		b->deliveries++;
	}
	for (i = 0; i < VIEW__COUNT; i++)
		free(out.line[i]);
}

struct bus_account *
bus_account_find(struct bus *b, int64_t id)
{
	struct bus_account key;

	key.id = id;
	return RB_FIND(bus_accounts, &b->accounts, &key);
}

/* What make builds, to every subscribed connection of a (only: to that
 * one alone), under the slow-reader rule; how many took it. A gap
 * frees the record, and the account's once it is empty: the next is
 * taken first, and a is not touched after the last. */
int
bus_account_send(struct bus *b, struct bus_account *a, struct conn *only,
    bus_event_fn make, void *arg)
{
	struct bus_sub *sub, *next;
	struct conn *c;
	json_t *ev;
	char *line;
	size_t len;
	int n = 0;

	for (sub = LIST_FIRST(&a->subs); sub != NULL; sub = next) {
		next = LIST_NEXT(sub, entry);
		c = sub->c;
		if ((only != NULL && c != only) || !conn_is_open(c) ||
		    (ev = make(arg, &c->acct)) == NULL)
			continue;
		line = proto_encode(ev, &len);
		json_decref(ev);
		if (conn_output_len(c) + len > b->srv->cf.output_limit) {
			free(line);
			bus_gap(b, c);
			continue;
		}
		conn_write(c, line, len);
		free(line);
		b->deliveries++;
		n++;
	}
	return n;
}

/*
 * Events for an account are few (an urgent report, a report resolved)
 * and differ by who receives them, so each is built for its connection
 * and sent at once; they are not numbered events, so they move no
 * high-water mark. Past output_limit the connection gets its gap like
 * any slow reader: what it missed is still in the store (mod.queue,
 * and the alerts a new subscribe sends).
 */
int
bus_account_event(struct bus *b, int64_t account, bus_event_fn make,
    void *arg)
{
	struct bus_account *a = bus_account_find(b, account);

	return a != NULL ? bus_account_send(b, a, NULL, make, arg) : 0;
}
