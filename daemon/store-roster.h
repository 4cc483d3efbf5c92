/*
 * store-roster.h: who is on the network and under which names, as the
 * store keeps it (store-roster.c): outstanding invites, the state of
 * an invite code, an account's display name and pronouns, and the
 * entries of the server's log an organisation's org-admins read. Beside
 * store.h for the same reason as store-story.h: these are rare
 * requests, off the hot path. Domain terms only, no SQLite type.
 */
#ifndef HARBOUR_STORE_ROSTER_H
#define HARBOUR_STORE_ROSTER_H

#include <stdint.h>

#include "store.h"

/* Characters of an invite code kept in clear (invites.code_prefix),
 * enough to tell outstanding invites apart in a list and to revoke
 * one, far too few to register with. */
#define STORE_INVITE_PREFIX	6

/* An outstanding invite (unused, unrevoked, unexpired); strings valid
 * only during the callback. */
struct store_invite {
	int64_t		 id;
	const char	*prefix;	/* NULL: made before schema v15 */
	int64_t		 org_id;
	const char	*org;
	enum proto_role	 role;
	int64_t		 made_by_id;	/* 0: the operator */
	const char	*made_by;	/* NULL: the operator */
	int64_t		 made_at;
	int64_t		 expires_at;
};
typedef int (*store_invite_cb)(void *arg, const struct store_invite *);
/* Outstanding invites at now, newest first, of one organisation (0:
 * every one), at most limit; *more as for reads. */
int	store_invites(struct store *, int64_t org, int64_t now, int limit,
	    store_invite_cb, void *, int *more);
/* Outstanding invites at now whose code starts with prefix (its first
 * STORE_INVITE_PREFIX characters, upper case), each to cb; or, when
 * hash is not NULL, the one whose whole code hashes to it. */
int	store_invites_prefixed(struct store *, const char *prefix,
	    const uint8_t *hash, int64_t now, store_invite_cb, void *);

/* What a code is, for register's answer. */
enum store_invite_state {
	STORE_INVITE_LIVE,
	STORE_INVITE_UNKNOWN,
	STORE_INVITE_USED,
	STORE_INVITE_REVOKED,
	STORE_INVITE_EXPIRED
};
/* The state of the invite whose code hashes to hash, at now; STORE_ERROR
 * when the store fails. */
int	store_invite_state(struct store *, const uint8_t *hash, int64_t now);

/* An account's display name and pronouns, "" when none (buffers of
 * PROTO_MAX_DISPLAY_NAME + 1 and PROTO_MAX_PRONOUNS + 1 bytes). */
int	store_account_names_of(struct store *, int64_t account, char *display,
	    char *pronouns);

/* The operators' organisation, for harbourd admin-invite: the one its
 * first admin belongs to, else the first made. */
int	store_operators_org(struct store *, int64_t *org, char *name);

#endif
