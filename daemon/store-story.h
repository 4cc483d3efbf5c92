/*
 * store-story.h: the store's stories and what it holds about one
 * account (store-story.c), beside store.h so that store.h stays the
 * size of its hot path; the same rules: domain terms, no SQLite type.
 */
#ifndef HARBOUR_STORE_STORY_H
#define HARBOUR_STORE_STORY_H

#include <stdint.h>

#include "store.h"

/* A story as stored, with its post and author; strings valid only
 * during the callback. Whether it is live (may be shown or exported):
 * not withdrawn, its post visible, its author not erased. */
struct store_story {
	int64_t		 id;		/* the order stories were shared in */
	int64_t		 post;
	const char	*channel;
	const char	*channel_title;	/* "" when it has none */
	int		 channel_kind;	/* STORE_CHANNEL_* */
	const char	*consent;
	int		 named;		/* the consent allows naming */
	int64_t		 ts;		/* shared at */
	int64_t		 withdrawn_at;	/* 0: not withdrawn */
	const char	*title;		/* the post's, or NULL */
	const char	*body;
	int		 state;		/* the post's STORE_POST_* */
	int		 anonymous;
	int64_t		 author_id;
	const char	*author;
	const char	*display_name;	/* or NULL */
	const char	*org;
	int		 live;
};
typedef int (*store_story_cb)(void *arg, const struct store_story *);
/* The story of post: its author and when it was withdrawn (0: not);
 * STORE_NOTFOUND when the post was never shared. */
int	store_story_of(struct store *, int64_t post, int64_t *account,
	    int64_t *withdrawn_at);
/* account's stories (withdrawn and gone ones too), or (account 0) every
 * live story; in the order they were shared. */
int	store_stories(struct store *, int64_t account, store_story_cb, void *);
/* Every account's login and display name (NULL when none), for taking
 * the names out of an anonymised text. */
typedef int (*store_names_cb)(void *arg, const char *name,
	    const char *display_name);
int	store_account_names(struct store *, store_names_cb, void *);

/*
 * What the store holds about one account, part by part, for me.export.
 * Each row comes as cells in the order listed (times in seconds since
 * the epoch; null cells where nothing is stored):
 *
 * ACCOUNT		name, display_name, org, role, created_at, lead, tz,
 *			hours, suspended, suspended_reason
 * MEMBERSHIPS		channel, joined_at
 * POSTS		post, channel, thread, ts, title, body, note, state,
 *			anonymous, edits (newest first, below key, 0: all)
 * VERSIONS		ts, title, body (of post key, if the account's)
 * REPORTS		report, post, reason, urgent, state, ts (made by it)
 * RSVPS		event, title, answer, ts
 * ATTENDANCE		event, title, ts
 * SUBSCRIPTIONS	tag, ts (its own, not its organisation's)
 * STORIES		post, channel, consent, named, ts, withdrawn_at
 * BLOCKS		user, ts
 * CERTIFICATES		serial, not_after, created_at, revoked_at
 * SESSIONS		created_at, revoked_at, by_certificate (no tokens)
 * RESOURCES		resource, title, summary, url, type, size, org, ts,
 *			deleted_at
 * INBOX		kind, ref, ts, read_at, note
 * ACTIVITY		month
 * FETCHES		resource, ts
 */
enum store_export_part {
	STORE_EXPORT_ACCOUNT,
	STORE_EXPORT_MEMBERSHIPS,
	STORE_EXPORT_POSTS,
	STORE_EXPORT_VERSIONS,
	STORE_EXPORT_REPORTS,
	STORE_EXPORT_RSVPS,
	STORE_EXPORT_ATTENDANCE,
	STORE_EXPORT_SUBSCRIPTIONS,
	STORE_EXPORT_STORIES,
	STORE_EXPORT_BLOCKS,
	STORE_EXPORT_CERTIFICATES,
	STORE_EXPORT_SESSIONS,
	STORE_EXPORT_RESOURCES,
	STORE_EXPORT_INBOX,
	STORE_EXPORT_ACTIVITY,
	STORE_EXPORT_FETCHES,
	STORE_EXPORT__COUNT
};
#define STORE_EXPORT_COLS	12	/* cells of a row at most */
struct store_cell {
	int		 null;
	int64_t		 i;
	const char	*s;		/* NULL when null */
};
typedef int (*store_export_cb)(void *arg, const struct store_cell *, int n);
/* The rows of one part for account, at most limit (key: see above). */
int	store_export(struct store *, enum store_export_part, int64_t account,
	    int64_t key, int limit, store_export_cb, void *);

#endif
