/*
 * live.h: the logged-in connections of each account and of each
 * session, and the one way to end or refresh them. Whatever takes a
 * credential away (a password change, a logout, a revoked certificate,
 * later a suspension, a ban or a removal from a group) ends the live
 * connections that stood on it here, instead of walking every
 * connection itself.
 */
#ifndef HARBOUR_LIVE_H
#define HARBOUR_LIVE_H

#include <stdint.h>

struct server;
struct conn;
struct store_account;
struct live;

struct live	*live_new(void);
void		 live_free(struct live *);	/* empty by then; NULL: no-op */

/* Kept by conn.c: a connection joins the index when it logs in (acct
 * and session filled in) and leaves it when it logs out or closes.
 * Either may be called again; a connection is in the index once. */
void		 live_add(struct conn *);
void		 live_remove(struct conn *);

/*
 * End live connections: each is sent {"ev":"bye","reason":reason}
 * (one of proto.h's PROTO_BYE_*), taken out of the index at once, so
 * nothing more runs under the credential it stood on, and closed.
 * Each returns how many it ended.
 *
 * live_end_account: every connection of the account except those on
 * keep_session, the session that stays (0: none stays). A session, not
 * a connection, is spared because the store revokes sessions: a
 * connection resumed with the same token stands on the same credential
 * as the one that asked, and ending it would only send its client back
 * with a token that still works.
 * live_end_session: every connection on the session but except (NULL:
 * none spared).
 */
int		 live_end_account(struct server *, int64_t account,
		    int64_t keep_session, const char *reason);
int		 live_end_session(struct server *, int64_t session,
		    const struct conn *except, const char *reason);

/*
 * The account changed (its role, its name, its organisation): every
 * live connection of it takes the new identity, so the next request is
 * authorised as the account now is. The seam for role changes,
 * suspensions, bans and removals from a group; returns how many
 * connections were refreshed.
 */
int		 live_refresh_account(struct server *,
		    const struct store_account *);

/*
 * After a reload: every connection that logged in with a client
 * certificate whose binding is no longer live (revoked, or expired) is
 * ended with PROTO_BYE_CERT_REVOKED. Returns how many were ended.
 */
int		 live_check_certs(struct server *);

/* An organisation was renamed: every live connection of its accounts
 * takes the new name at once. Returns how many. */
int		 live_rename_org(struct server *, int64_t org, const char *name);

#endif
