/*
 * cmd-erase.c: erasing an account (admin.erase) and running channels'
 * retention on a timer. What each reaches is store-erase.c's to say;
 * here is what happens on the loop around it: who may ask, the replies,
 * the files unlinked once the erasure is committed (never before: a
 * rollback would leave rows naming files that are gone), the erased
 * account's connections ended, and retention's passes.
 *
 * Retention runs in passes, at most one every CMD_RETENTION_EVERY
 * seconds of the daemon's clock (the test clock too): a cheap read on
 * the loop says whether any channel has a post past its retention, and
 * only then is a SW_RETENTION job submitted. Each job deletes at most
 * STORE_RETENTION_BATCH posts; a full batch is followed by the next at
 * once, as its own job, so a long backlog is many short transactions
 * with other writes between them and the loop never waits.
 */
#include <string.h>

#include "access.h"
#include "blob.h"
#include "cmd.h"
#include "conn.h"
#include "live.h"
#include "server.h"
#include "store.h"
#include "util.h"

/* How often the timer looks (real time), and how long at least between
 * two passes (the daemon's clock): a post outlives its retention by at
 * most this much, and a pass (with its index rewrite) costs little. */
#define CMD_RETENTION_TICK	1
#define CMD_RETENTION_EVERY	3600

static void
cmd_erase_unlink(struct server *srv, const struct store_write *w)
{
	struct blob_store	*bs = store_blobs(srv->store);
	size_t			 i;

	for (i = 0; i < w->nshas; i++)
		if (blob_remove(bs, w->shas + i * STORE_HASH_LEN) != BLOB_OK)
			log_warn("erasure of %s: an attachment's file could "
			    "not be removed; harbourd check will name it",
			    w->name);
}

static const char *
cmd_erase_refusal(int result)
{
	switch (result) {
	case STORE_INVALID:
		return "that account is erased already";
	case STORE_LOCKED:
		return "that is the last admin: make another admin first";
	case STORE_FORBIDDEN:
		return "you cannot erase yourself: another admin must";
	default:
		return NULL;
	}
}

static void
cmd_erase_written(struct store_write *w)
{
	struct conn	*c = w->ctx;
	char		 name[PROTO_MAX_NAME + 1];
	int		 ended = 0;

	snprintf(name, sizeof name, "erased-%lld", (long long)w->target);
	if (w->result == STORE_OK) {
		cmd_erase_unlink(c->srv, w);
		ended = live_end_account(c->srv, w->target, 0,
		    PROTO_BYE_ERASED);
		log_info("account %lld erased by %s (%zu files removed%s)",
		    (long long)w->target, w->actor, w->nshas, ended > 0 ?
		    "; its live connections ended" : "");
	}
	if (conn_is_open(c)) {
		if (w->result == STORE_OK)
			conn_reply_ok(c, w->arg, json_pack("{s:s, s:s}",
			    "user", w->name, "now", name));
		else if (w->result == STORE_NOTFOUND)
			conn_reply_err(c, w->arg, PROTO_E_NOT_FOUND,
			    "no such user");
		else if (w->result == STORE_FORBIDDEN)
			conn_reply_err(c, w->arg, PROTO_E_FORBIDDEN,
			    cmd_erase_refusal(w->result));
		else if (cmd_erase_refusal(w->result) != NULL)
			conn_reply_err(c, w->arg, PROTO_E_BAD_STATE,
			    cmd_erase_refusal(w->result));
		else
			cmd_reply_store_err(c, w->arg, w->result);
	}
	cmd_write_finish(w);
}

/* admin.erase {user, reason}: see store-erase.c for what it reaches. */
static void
cmd_admin_erase(struct cmd_q *q)
{
	struct conn *c = q->c;
	struct proto_req *req = q->req;
	const char *user, *reason;
	struct store_write *w;

	if (proto_get_str(req, "user", 1, &user, NULL) != PROTO_OK)
		return cmd_bad_field(c, req, "user");
	if (proto_check_user(user) != PROTO_OK)
		return conn_reply_err(c, req->id, PROTO_E_BAD_NAME,
		    "user names are 1-" PROTO_XSTR(PROTO_MAX_NAME)
		    " of a-z 0-9 . _ -");
	if (cmd_get_reason(q, "reason", 1, &reason) != 0)
		return;
	w = cmd_write_new(c, req, SW_ERASE, cmd_erase_written);
	strlcpy_h(w->name, user, sizeof w->name);
	w->body = xstrdup(reason);
	store_submit(c->srv->store, w);
}

/* ---- retention ------------------------------------------------------ */

static void cmd_retention_submit(struct server *);

static void
cmd_retention_done(struct store_write *w)
{
	struct server *srv = w->ctx;

	srv->retaining = 0;
	if (w->result != STORE_OK)
		log_error("retention: a batch failed; the next pass tries "
		    "again");
	else if (w->size > 0)
		log_info("retention: %lld posts deleted%s",
		    (long long)w->size, w->flag ? ", more to go" : "");
	if (w->result == STORE_OK && w->flag && !srv->stopping)
		cmd_retention_submit(srv);
	store_write_free(w);
}

static void
cmd_retention_submit(struct server *srv)
{
	struct store_write *w = store_write_new(SW_RETENTION);

	w->now = now_seconds();
	w->ctx = srv;
	w->done = cmd_retention_done;
	srv->retaining = 1;
	store_submit(srv->store, w);
}

static void
cmd_retention_tick(evutil_socket_t fd, short what, void *arg)
{
	struct server	*srv = arg;
	int64_t		 now = now_seconds();
	int		 due;

	(void)fd;
	(void)what;
	if (srv->stopping || srv->retaining || now < srv->retention_next)
		return;
	srv->retention_next = now + CMD_RETENTION_EVERY;
	if ((due = store_retention_due(srv->store, now)) < 0)
		log_error("retention: cannot read what is due");
	else if (due)
		cmd_retention_submit(srv);
}

void
cmd_retention_start(struct server *srv)
{
	struct timeval tv = { CMD_RETENTION_TICK, 0 };

	srv->retention_ev = event_new(srv->base, -1, EV_PERSIST,
	    cmd_retention_tick, srv);
	event_add(srv->retention_ev, &tv);
}

void
cmd_retention_stop(struct server *srv)
{
	if (srv->retention_ev == NULL)
		return;
	event_free(srv->retention_ev);
	srv->retention_ev = NULL;
}

const struct cmd_entry cmd_erase_entries[] = {
	{ "admin.erase", CMD_AUTH, CAP_ADMIN, CMD_T_NONE, NULL,
	    cmd_admin_erase },
	{ NULL, 0, 0, CMD_T_NONE, NULL, NULL }
};
