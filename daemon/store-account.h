/*
 * store-account.h: the roster, roles, deactivation and reset codes, part of the store's interface (store.h
 * includes it; only store*.c speak SQL).
 */
#ifndef HARBOUR_STORE_ACCOUNT_H
#define HARBOUR_STORE_ACCOUNT_H

#include "store.h"

/* ---- accounts over their whole life (store-account.c) -------------- */

/* An account of an organisation's roster; strings valid only during the
 * callback, any of them NULL but user. */
struct store_member {
	const char	*user;
	const char	*display_name;
	const char	*pronouns;
	enum proto_role	 role;
	int		 lead;
	int64_t		 last_seen;		/* 0: never logged in */
	int64_t		 deactivated_at;	/* 0: active */
	const char	*deactivated_reason;
};
typedef int (*store_roster_cb)(void *arg, const struct store_member *);
/* org's accounts (not erased), by name; only user's when not NULL. */
int	store_members(struct store *, int64_t org, const char *user,
	    store_roster_cb, void *);
/* Whether code hash is account's good reset code at now: STORE_OK, or
 * one of these (*expires_at: when it expires or expired). */
#define STORE_RESET_UNKNOWN	10
#define STORE_RESET_USED	11
#define STORE_RESET_EXPIRED	12
int	store_reset_check(struct store *, int64_t account, const uint8_t *hash,
	    int64_t now, int64_t *expires_at);
/* How many admins (not suspended, deactivated or erased) other than
 * account there are. */
int	store_other_admins(struct store *, int64_t account, int64_t *n);
/* When account last logged in (0: never). */
int	store_last_seen(struct store *, int64_t account, int64_t *when);
/* A token login's last seen is written only when the stored one is at
 * least this old: a client resuming its session for every command
 * would otherwise keep the writer from ever being idle (the search
 * index waits for that), for a time the roster shows to the minute. */
#define STORE_SEEN_STEP		300
/* The server's log entries about org, after since, oldest first, at
 * most limit: its accounts' (role, deactivate, reactivate, reset) and
 * the invites into it others made (store-roster.c writes those). */
int	store_account_log(struct store *, int64_t org, int64_t since,
	    int limit, store_modlog_cb, void *, int *more);

#endif
