/*
 * bus.c: fan-out of committed events to live subscribers.
 *
 * A table maps each channel id to the connections subscribed to it;
 * each connection also keeps its own sorted list of channel ids, so
 * unsubscribing touches only its own channels. An event is encoded once
 * and the same line is written to every subscriber.
 *
 * The slow-reader rule lives here. Before a line is queued for a
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
#include "util.h"

/* Channels in a programme number in the hundreds: a fixed table of
 * chains is plenty and never rehashes under a burst. */
#define BUS_BUCKETS	1024

struct bus_chan {
	int64_t		 id;
	struct conn	**subs;
	size_t		 nsubs, cap;
	struct bus_chan	*next;
};

struct bus {
	struct server	*srv;
	struct bus_chan	*buckets[BUS_BUCKETS];
	int64_t		 last_eid;
	uint64_t	 deliveries;
	uint64_t	 gaps;
	/* Posts in each of the last 60 seconds, for status. */
	uint32_t	 per_sec[60];
	int64_t		 per_sec_at[60];
};

struct bus *
bus_new(struct server *srv, int64_t last_eid)
{
	struct bus *b = xcalloc(1, sizeof *b);

	b->srv = srv;
	b->last_eid = last_eid;
	return b;
}

void
bus_free(struct bus *b)
{
	struct bus_chan *ch, *next;
	size_t i;

	if (b == NULL)
		return;
	for (i = 0; i < BUS_BUCKETS; i++) {
		for (ch = b->buckets[i]; ch != NULL; ch = next) {
			next = ch->next;
			free(ch->subs);
			free(ch);
		}
	}
	free(b);
}

static struct bus_chan *
bus_chan(struct bus *b, int64_t id, int create)
{
	struct bus_chan **slot = &b->buckets[(uint64_t)id % BUS_BUCKETS];
	struct bus_chan *ch;

	for (ch = *slot; ch != NULL; ch = ch->next)
		if (ch->id == id)
			return ch;
	if (!create)
		return NULL;
	ch = xcalloc(1, sizeof *ch);
	ch->id = id;
	ch->next = *slot;
	*slot = ch;
	return ch;
}

static void
bus_chan_remove(struct bus *b, int64_t id, struct conn *c)
{
	struct bus_chan *ch = bus_chan(b, id, 0);
	size_t i;

	if (ch == NULL)
		return;
	for (i = 0; i < ch->nsubs; i++) {
		if (ch->subs[i] == c) {
			ch->subs[i] = ch->subs[--ch->nsubs];
			return;
		}
	}
}

void
bus_unsubscribe(struct bus *b, struct conn *c)
{
	size_t i;

	if (!c->subscribed)
		return;
	for (i = 0; i < c->nsubs; i++)
		bus_chan_remove(b, c->subs[i], c);
	free(c->subs);
	c->subs = NULL;
	c->nsubs = 0;
	c->subscribed = 0;
}

void
bus_leave(struct bus *b, struct conn *c, int64_t channel)
{
	size_t i;

	for (i = 0; i < c->nsubs; i++) {
		if (c->subs[i] == channel) {
			bus_chan_remove(b, channel, c);
			c->subs[i] = c->subs[--c->nsubs];
			return;
		}
	}
}

void
bus_subscribe(struct bus *b, struct conn *c, const int64_t *channels, size_t n)
{
	struct bus_chan *ch;
	size_t i;

	bus_unsubscribe(b, c);
	c->subs = xcalloc(n, sizeof *c->subs);
	c->subscribed = 1;
	for (i = 0; i < n; i++) {
		ch = bus_chan(b, channels[i], 1);
		if (ch->nsubs == ch->cap) {
			ch->cap = ch->cap ? ch->cap * 2 : 8;
			ch->subs = xrealloc(ch->subs, ch->cap * sizeof *ch->subs);
		}
		ch->subs[ch->nsubs++] = c;
		c->subs[c->nsubs++] = channels[i];
	}
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

/* Too far behind: tell it where its live stream stopped, and stop. */
static void
bus_gap(struct bus *b, struct conn *c)
{
	json_t *gap;

	gap = json_pack("{s:s, s:I}", "ev", "gap", "after",
	    (json_int_t)c->last_eid);
	log_info("conn %llu: too far behind; gap after %lld",
	    (unsigned long long)c->id, (long long)c->last_eid);
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

uint64_t
bus_gaps(struct bus *b)
{
	return b->gaps;
}

void
bus_post(struct bus *b, int64_t channel, const struct proto_post *p)
{
	struct bus_chan *ch;
	struct conn *c;
	char *line = NULL;
	size_t len = 0, i;

	if (p->eid > b->last_eid)
		b->last_eid = p->eid;
	bus_count_post(b, now_seconds());
	if ((ch = bus_chan(b, channel, 0)) == NULL || ch->nsubs == 0)
		return;
	line = proto_encode_post(p, &len);
	/* Backwards, because a gap removes the current entry. */
	for (i = ch->nsubs; i-- > 0;) {
		c = ch->subs[i];
		if (p->eid <= c->last_eid || !conn_is_open(c))
			continue;
		if (conn_output_len(c) + len > b->srv->cf.output_limit) {
			bus_gap(b, c);
			continue;
		}
		conn_write(c, line, len);
		c->last_eid = p->eid;
		b->deliveries++;
	}
	free(line);
}
