/*
 * store-report.h: reports of posts, their alerts and escalations, part of the store's interface (store.h
 * includes it; only store*.c speak SQL).
 */
#ifndef HARBOUR_STORE_REPORT_H
#define HARBOUR_STORE_REPORT_H

#include "store.h"

/* ---- reports (store-report.c) ------------------------------------- */

/* A report as the store keeps it, with what deciding who may act on it
 * needs (the post's author and organisation: for the decision only,
 * never sent). Strings are valid only during the callback. */
struct store_report {
	int64_t		 id;
	int64_t		 post;
	int64_t		 channel_id;
	const char	*channel;
	int		 channel_kind;	/* STORE_CHANNEL_* */
	int64_t		 channel_org;	/* 0 for peer channels and groups */
	int64_t		 author_id;
	int64_t		 author_org;
	int		 anonymous;	/* the post is, and nobody unmasked it */
	int64_t		 reporter_id;
	const char	*reporter;
	const char	*reason;
	int		 urgent;
	int		 state;		/* STORE_REPORT_* */
	int64_t		 ts;		/* made at */
	int64_t		 escalated_at;	/* 0: not escalated */
	const char	*acked_by;	/* NULL: not acknowledged */
	const char	*resolved_by;	/* NULL: not resolved */
	const char	*note;		/* the resolver's, or NULL */
	const char	*dm_text;	/* a conversation's reported message
					 * (nobody may read it otherwise) */
};
typedef int (*store_report_cb)(void *arg, const struct store_report *);
typedef int (*store_id_cb)(void *arg, int64_t id);

/* Which reports store_reports() lists. */
#define STORE_REPORTS_OPEN	0x1	/* open or acknowledged */
#define STORE_REPORTS_ALERT	0x2	/* open and urgent: not acknowledged */

/* The report with this id, given to cb once when there is one (the
 * caller decides whether the asker may act on it); STORE_OK either way. */
int	store_report_by_id(struct store *, int64_t id, store_report_cb, void *);
/*
 * Reports the viewer may act on (the same rule as
 * access_acts_on_report(): the channel's moderators, and the
 * safeguarding leads (lead) of the author's organisation unless the
 * post is anonymous; never the post's author), oldest first, after
 * report since, of one channel or (channel 0) all, at most limit;
 * *more as for reads.
 */
int	store_reports(struct store *, const struct store_viewer *, int lead,
	    int64_t channel, int flags, int64_t since, int limit,
	    store_report_cb, void *, int *more);
/* How many open urgent reports the viewer may act on wait for an
 * acknowledgement (counted up to a bound). */
int	store_report_alerts(struct store *, const struct store_viewer *,
	    int lead, int64_t *count);
/*
 * The accounts a report goes to, not suspended or deactivated, never
 * the post's author: the safeguarding leads of the author's
 * organisation (unless the post is anonymous), and the channel's
 * moderators who are members of it, or (wide: an escalation) every one
 * who moderates it.
 */
int	store_report_recipients(struct store *, const struct store_report *,
	    int wide, store_id_cb, void *);
/* Open urgent reports not escalated yet, made at or before before,
 * oldest first, at most limit. */
int	store_reports_due(struct store *, int64_t before, int limit,
	    store_id_cb, void *);

#endif
