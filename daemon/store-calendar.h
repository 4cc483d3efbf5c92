/*
 * store-calendar.h: the programme's calendar: events, answers, attendance, part of the store's interface (store.h
 * includes it; only store*.c speak SQL).
 */
#ifndef HARBOUR_STORE_CALENDAR_H
#define HARBOUR_STORE_CALENDAR_H

#include "store.h"

/* ---- the calendar (store-calendar.c) -------------------------------- */

/* An event of the programme, with the answers so far and the reader's. */
struct store_event {
	int64_t		 id;
	const char	*title;
	int64_t		 start;		/* UTC */
	int64_t		 duration;	/* minutes */
	const char	*tz;		/* its creator's */
	int64_t		 capacity;	/* 0: none */
	const char	*place;		/* or NULL */
	int64_t		 channel_id;	/* 0: none */
	const char	*channel;	/* or NULL */
	int		 channel_kind;
	int64_t		 channel_org;
	int64_t		 org_id;	/* 0: the whole network's */
	int64_t		 account_id;	/* its creator */
	const char	*by;
	const char	*org;		/* its creator's organisation */
	const char	*summary;
	const char	*tags;		/* one a line */
	int64_t		 cancelled_at;	/* 0: not */
	const char	*cancel_reason;
	int64_t		 yes, maybe, waiting, attended;
	int		 mine;		/* the reader's STORE_RSVP_*, 0 none */
	int64_t		 position;	/* the reader's place in the queue */
};
typedef int (*store_event_cb)(void *arg, const struct store_event *);
/* The event with this id (to cb once, if any), with reader's answer. */
int	store_event_by_id(struct store *, int64_t id, int64_t reader,
	    store_event_cb, void *);
/* Events starting after now (upcoming) or before it (past, newest
 * first), with tag (NULL any), at most limit; the caller decides which
 * the reader may see. */
int	store_events(struct store *, int64_t now, int past, const char *tag,
	    int64_t reader, int limit, store_event_cb, void *);
/* Who answered what (and came): cb gets name, answer, whether came. */
typedef int (*store_rsvp_cb)(void *arg, const char *user, int answer,
	    int attended);
int	store_event_rsvps(struct store *, int64_t event, store_rsvp_cb,
	    void *);
/* Events not cancelled whose reminder (1: the day before, 2: the hour
 * before) is due at now and not yet sent: cb gets id and which. */
typedef int (*store_due_cb)(void *arg, int64_t event, int which);
int	store_events_due(struct store *, int64_t now, store_due_cb, void *);

#endif
