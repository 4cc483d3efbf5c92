/*
 * bus.h: who receives which event, and the fan-out itself. The bus is
 * the only place that decides delivery, so that later rules (quiet
 * hours, held posts, a second node fed by PostgreSQL's LISTEN/NOTIFY)
 * change one module.
 *
 * Events reach the bus only after their transaction committed, in event
 * id order. The bus remembers the highest id it has fanned out: a
 * subscriber's replay from history stops there and live delivery starts
 * after it, so each event reaches a subscriber exactly once.
 */
#ifndef HARBOUR_BUS_H
#define HARBOUR_BUS_H

#include <stddef.h>
#include <stdint.h>

#include "proto.h"

struct server;
struct conn;
struct bus;

struct bus	*bus_new(struct server *, int64_t last_eid);
void		 bus_free(struct bus *);
/* Subscribe conn to these channel ids (replacing any earlier set). */
void		 bus_subscribe(struct bus *, struct conn *,
		    const int64_t *channels, size_t n);
void		 bus_unsubscribe(struct bus *, struct conn *);
/* The account left a channel: this connection stops receiving it. */
void		 bus_leave(struct bus *, struct conn *, int64_t channel);
/* The highest event id fanned out so far. */
int64_t		 bus_last_eid(struct bus *);
/* A committed post: deliver to every subscriber of its channel. */
void		 bus_post(struct bus *, int64_t channel,
		    const struct proto_post *);
/* Deliveries made and gaps sent, for status and tests. */
uint64_t	 bus_deliveries(struct bus *);
uint64_t	 bus_gaps(struct bus *);
uint64_t	 bus_posts_last_minute(struct bus *);

#endif
