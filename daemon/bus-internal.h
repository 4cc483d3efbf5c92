/*
 * bus-internal.h: what bus.c (the fan-out of posts and account events)
 * and bus-inbox.c (inbox items, working hours, digests) share: the
 * bus's records of subscribers and accounts, and nothing else does.
 */
#ifndef HARBOUR_BUS_INTERNAL_H
#define HARBOUR_BUS_INTERNAL_H

#include "bus.h"
#include "hours.h"
#include "bsdtree.h"

enum bus_verdict {
	BUS_PUSH,		/* now, on this connection */
	BUS_DEFER,		/* to the account's inbox (quiet hours) */
	BUS_HISTORY		/* not pushed: history has it, if anyone */
};

struct bus_account;

struct bus_sub {
	struct conn		*c;
	struct bus_account	*acct;
	int64_t			*chans;		/* channel ids */
	size_t			 n, cap;
	int			 all;		/* every joined channel: one
						 * joined later is added */
	int64_t			 last_eid;	/* last event decided for it */
	LIST_ENTRY(bus_sub)	 entry;		/* its account's list */
};

/* An account's working hours as the bus last worked them out: in or
 * out of them until next (hours.c), read from the store when its first
 * connection subscribes and again when they change. */
struct bus_hours {
	int			 loaded;
	int			 set;		/* it has hours, its or its org's */
	int			 in;		/* within them now */
	int64_t			 next;		/* when that changes */
	struct hours		 h;
	char			 tz[HOURS_MAX_TZ];
};

struct bus_account {
	int64_t			 id;
	LIST_HEAD(, bus_sub)	 subs;
	struct bus_hours	 hours;
	RB_ENTRY(bus_account)	 entry;
};

struct bus_chan {
	int64_t			 id;
	struct bus_sub		**subs;
	size_t			 nsubs, cap;
	RB_ENTRY(bus_chan)	 entry;
};

RB_HEAD(bus_chans, bus_chan);
RB_HEAD(bus_accounts, bus_account);

struct bus {
	struct server		*srv;
	struct bus_chans	 chans;
	struct bus_accounts	 accounts;
	int64_t			 last_eid;
	uint64_t		 deliveries;
	uint64_t		 gaps;
	uint64_t		 deferred;	/* inbox items left for later */
	bus_digest_fn		 digest;	/* builds a digest (cmd-inbox.c) */
	/* Posts in each of the last 60 seconds, for status. */
	uint32_t		 per_sec[60];
	int64_t			 per_sec_at[60];
};

RB_PROTOTYPE(bus_accounts, bus_account, entry, bus_account_cmp)

/* bus.c */
struct bus_account *bus_account_find(struct bus *, int64_t id);
/* What make builds, to every subscribed connection of a (only: that
 * one alone), under the slow-reader rule; how many took it. */
int	bus_account_send(struct bus *, struct bus_account *,
	    struct conn *only, bus_event_fn make, void *arg);
void	bus_gap(struct bus *, struct conn *);

#endif
