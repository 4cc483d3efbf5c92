/*
 * live.c: an index of the logged-in connections, by account and by
 * session, and the calls that end or refresh them.
 *
 * Two red-black trees (the BSD <sys/tree.h> macros, from libbsd), whose
 * nodes are embedded in struct conn: one ordered by (account, conn id),
 * one by (session, conn id). An account's connections are then a run of
 * neighbours found in O(log n) with RB_NFIND, and a login or a close
 * costs two insertions or removals and never a malloc. A plain list
 * on struct conn was the other choice: it is the walk over every
 * connection this replaces, whose cost grows with the whole server (ten
 * thousand idle connections) for each password change, logout or leave,
 * where the tree's grows with the account's few connections; a list per
 * account would need a map from account to list head anyway. tmux keeps
 * its sessions and windows in the same trees.
 *
 * Ending a connection takes it out of the index first and only then
 * closes it: closing flushes the bye and may drop the connection, so
 * the walk remembers the next neighbour before it closes one. A
 * connection ended here is CLOSING at once: it reads no more requests,
 * so nothing it sent after the event runs. Ending by bye and close,
 * rather than logging the connection out with an event of its own,
 * keeps one event every client already handles; a client whose
 * credential has gone has nothing left to do on that connection but log
 * in again, which a new one does as well.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "conn.h"
#include "live.h"
#include "server.h"
#include "store.h"
#include "util.h"
#include "bsdtree.h"

RB_HEAD(live_accts, conn);
RB_HEAD(live_sessions, conn);

struct live {
	struct live_accts	by_acct;
	struct live_sessions	by_session;
};

static int
live_cmp_acct(const struct conn *a, const struct conn *b)
{
	if (a->acct.id != b->acct.id)
		return a->acct.id < b->acct.id ? -1 : 1;
	if (a->id != b->id)
		return a->id < b->id ? -1 : 1;
	return 0;
}

static int
live_cmp_session(const struct conn *a, const struct conn *b)
{
	if (a->session != b->session)
		return a->session < b->session ? -1 : 1;
	if (a->id != b->id)
		return a->id < b->id ? -1 : 1;
	return 0;
}

RB_GENERATE_STATIC(live_accts, conn, live_acct, live_cmp_acct)
RB_GENERATE_STATIC(live_sessions, conn, live_session, live_cmp_session)

struct live *
live_new(void)
{
	struct live *l = xcalloc(1, sizeof *l);

	RB_INIT(&l->by_acct);
	RB_INIT(&l->by_session);
	return l;
}

void
live_free(struct live *l)
{
	free(l);
}

void
live_add(struct conn *c)
{
	struct live *l = c->srv->live;

	live_remove(c);		/* a new identity: re-keyed */
	RB_INSERT(live_accts, &l->by_acct, c);
	RB_INSERT(live_sessions, &l->by_session, c);
	c->live_in = 1;
}

void
live_remove(struct conn *c)
{
	struct live *l = c->srv->live;

	if (!c->live_in)
		return;
	RB_REMOVE(live_accts, &l->by_acct, c);
	RB_REMOVE(live_sessions, &l->by_session, c);
	c->live_in = 0;
}

/* The first connection of the account (the lowest conn id), or NULL. */
static struct conn *
live_first_of_account(struct live *l, int64_t account)
{
	struct conn key, *c;

	memset(&key, 0, sizeof key);
	key.acct.id = account;
	c = RB_NFIND(live_accts, &l->by_acct, &key);
	return c != NULL && c->acct.id == account ? c : NULL;
}

static struct conn *
live_first_of_session(struct live *l, int64_t session)
{
	struct conn key, *c;

	memset(&key, 0, sizeof key);
	key.session = session;
	c = RB_NFIND(live_sessions, &l->by_session, &key);
	return c != NULL && c->session == session ? c : NULL;
}

/* Out of the index first; held while it closes, since closing may drop
 * it. conn_close's log line names the reason. */
static void
live_end(struct conn *c, const char *reason)
{
	conn_ref(c);
	live_remove(c);
	conn_close(c, reason);
	conn_unref(c);
}

int
live_end_account(struct server *srv, int64_t account, int64_t keep_session,
    const char *reason)
{
	struct conn *c, *next;
	int n = 0;

	for (c = live_first_of_account(srv->live, account); c != NULL &&
	    c->acct.id == account; c = next) {
		next = RB_NEXT(live_accts, &srv->live->by_acct, c);
		if (keep_session != 0 && c->session == keep_session)
			continue;
		live_end(c, reason);
		n++;
	}
	return n;
}

int
live_end_session(struct server *srv, int64_t session,
    const struct conn *except, const char *reason)
{
	struct conn *c, *next;
	int n = 0;

	for (c = live_first_of_session(srv->live, session); c != NULL &&
	    c->session == session; c = next) {
		next = RB_NEXT(live_sessions, &srv->live->by_session, c);
		if (c == except)
			continue;
		live_end(c, reason);
		n++;
	}
	return n;
}

int
live_refresh_account(struct server *srv, const struct store_account *a)
{
	struct conn *c;
	int n = 0;

	/* The key (account id, conn id) does not change: no re-keying. */
	for (c = live_first_of_account(srv->live, a->id); c != NULL &&
	    c->acct.id == a->id;
	    c = RB_NEXT(live_accts, &srv->live->by_acct, c)) {
		c->acct.org_id = a->org_id;
		c->acct.role = a->role;
		c->acct.lead = a->lead;
		memcpy(c->acct.name, a->name, sizeof c->acct.name);
		memcpy(c->acct.org, a->org, sizeof c->acct.org);
		n++;
	}
	if (n > 0)
		log_info("%s: %d live connection(s) now %s of %s", a->name, n,
		    proto_role_name(a->role) != NULL ?
		    proto_role_name(a->role) : "no role", a->org);
	return n;
}

int
live_check_certs(struct server *srv)
{
	struct store_account a;
	struct conn *c, *next;
	int64_t now = (int64_t)time(NULL);
	int n = 0, rc;

	for (c = RB_MIN(live_accts, &srv->live->by_acct); c != NULL; c = next) {
		next = RB_NEXT(live_accts, &srv->live->by_acct, c);
		if (c->auth != CONN_AUTH_CERT) {
			/* A token resumed a session a certificate made. */
			if (store_session_cert_revoked(srv->store,
			    c->session) == 1) {
				live_end(c, PROTO_BYE_CERT_REVOKED);
				n++;
			}
			continue;
		}
		rc = store_cert_lookup(srv->store, c->cert_fp, now, &a);
		if (rc == STORE_ERROR) {
			log_error("conn %llu: cannot check its certificate; "
			    "left connected", (unsigned long long)c->id);
			continue;
		}
		if (rc == STORE_OK && a.id == c->acct.id)
			continue;
		live_end(c, PROTO_BYE_CERT_REVOKED);
		n++;
	}
	OPENSSL_cleanse(&a, sizeof a);
	return n;
}

int
live_rename_org(struct server *srv, int64_t org, const char *name)
{
	struct conn *c;
	int n = 0;

	RB_FOREACH(c, live_accts, &srv->live->by_acct) {
		if (c->acct.org_id != org)
			continue;
		strlcpy_h(c->acct.org, name, sizeof c->acct.org);
		n++;
	}
	return n;
}
