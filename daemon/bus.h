/*
 * bus.h: who receives which event, and the fan-out itself. The bus is
 * the only place that decides delivery, so that later rules (quiet
 * hours, held posts, a second node fed by PostgreSQL's LISTEN/NOTIFY)
 * change one module.
 *
 * The bus keeps its own record of each subscribed connection (struct
 * bus_sub: the channels it receives and how far it has been served),
 * grouped by account, so that a decision can be made for an account
 * (every connection of someone who left a channel stops receiving it)
 * as well as for one connection.
 *
 * Events reach the bus only after their transaction committed, in event
 * id order. For each subscriber the bus decides an event once: push it
 * now (through the viewer's view of it, view.c), or leave it to history
 * (the viewer may not see it); an inbox item (an announcement, a
 * mention) is pushed now or deferred to the person's working hours. A subscriber's high-water mark is the
 * last event decided for it, pushed or not, so each event is decided
 * once per subscriber, and a deferred event can never come twice: what
 * is deferred is kept by the inbox, keyed by account and event.
 * Subscribing replays what was missed from history up to the highest
 * event the bus has decided, and live delivery starts right after, so
 * each event reaches a subscriber exactly once.
 */
#ifndef HARBOUR_BUS_H
#define HARBOUR_BUS_H

#include <stddef.h>
#include <stdint.h>

#include "proto.h"
#include "store.h"

struct server;
struct conn;
struct bus;
struct bus_sub;

/* bus_subscribe's results. */
#define BUS_OK		0
#define BUS_TOO_FAR	1	/* more than PROTO_REPLAY_MAX missed: sync */
#define BUS_ERROR	(-1)

struct bus	*bus_new(struct server *, int64_t last_eid);
void		 bus_free(struct bus *);
/*
 * Subscribe conn to these channel ids (replacing any earlier set). When
 * since >= 0, first replay to it every event after since in those
 * channels (named: only those; otherwise every joined one) as the
 * connection's account may see them. *live gets the event id live
 * delivery starts after. BUS_OK, BUS_TOO_FAR (nothing changed) or
 * BUS_ERROR.
 */
int		 bus_subscribe(struct bus *, struct conn *,
		    const int64_t *channels, size_t n, int named,
		    int64_t since, int64_t *live);
void		 bus_unsubscribe(struct bus *, struct conn *);
int		 bus_is_subscribed(const struct conn *);
/* The account left a channel: every connection of it stops receiving
 * it. */
void		 bus_leave(struct bus *, int64_t account, int64_t channel);
/* The account is in a channel now (added to a group, a conversation
 * begun): its connections that follow every channel they are in
 * receive it from the next event on. */
void		 bus_join(struct bus *, int64_t account, int64_t channel);
/* The highest event id decided so far. */
int64_t		 bus_last_eid(struct bus *);
/* A committed post: decide it for every subscriber of its channel. */
void		 bus_post(struct bus *, const struct store_post *);
/*
 * An event for one account rather than a channel (an alert, a report's
 * new state): to each of its connections that has sent subscribe, as
 * make(arg, that connection's identity) builds it (NULL: none for that
 * one), under the same slow-reader rule as posts. How many were sent.
 */
typedef json_t *(*bus_event_fn)(void *arg, const struct store_ident *);
int		 bus_account_event(struct bus *, int64_t account,
		    bus_event_fn make, void *arg);
/*
 * Inbox items (store-inbox.c) just committed, item ids[i] for accounts
 * accounts[i]: decided per person here, the one place that does. An
 * item is pushed now, as make(arg, identity, item) builds it, to every
 * subscribed connection of a person within their working hours (or
 * with none set), and marked pushed; it waits in the inbox for a
 * person offline or outside their hours (a digest brings it when their
 * hours begin, or when they next subscribe within them), unless urgent,
 * which is never held back. How many people it was pushed to.
 */
typedef json_t *(*bus_item_fn)(void *arg, const struct store_ident *,
		    int64_t item);
size_t		 bus_inbox(struct bus *, const int64_t *ids,
		    const int64_t *accounts, size_t n, int urgent,
		    bus_item_fn make, void *arg);
/*
 * The digest of what waits for an account: the event (NULL: nothing
 * waits) and the items in it (*ids, malloc'd, *n of them), built for
 * this identity. The bus sends it and marks those items pushed.
 */
typedef json_t *(*bus_digest_fn)(struct server *, const struct store_ident *,
		    int64_t **ids, size_t *n);
void		 bus_set_digest(struct bus *, bus_digest_fn);
/* Whether account is within its working hours at now (1; also when it
 * has none), or outside them (0) until *next, in time zone tz (tzlen
 * bytes; "" when none). From the bus's copy for a subscribed account,
 * else from the store. */
int		 bus_in_hours(struct bus *, int64_t account, int64_t now,
		    int64_t *next, char *tz, size_t tzlen);
/* Working hours changed: of account, or (0) of an organisation's
 * members, so every copy is read again; a person whose hours have
 * begun gets their digest. */
void		 bus_hours_changed(struct bus *, int64_t account);
/* After a subscribe's reply: the digest of what waited, to that
 * connection, when its account is within its hours. */
void		 bus_subscribed(struct bus *, struct conn *);
/* Once a second (cmd-inbox.c's timer): people whose hours begin now
 * get their digests. */
void		 bus_hours_tick(struct bus *, int64_t now);
/* Deliveries made and gaps sent, for status and tests. */
uint64_t	 bus_deliveries(struct bus *);
uint64_t	 bus_gaps(struct bus *);
uint64_t	 bus_deferred(struct bus *);
uint64_t	 bus_posts_last_minute(struct bus *);

#endif
