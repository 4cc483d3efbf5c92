/*
 * cmd.c: dispatch. Finds the operation's row, checks the connection's
 * state and role against it (the one place authorisation by role
 * happens), then runs the handler. Also the helpers handlers share:
 * channel visibility, store jobs tied to a connection, and the mapping
 * of store results to protocol errors.
 */
#include <string.h>
#include <stdlib.h>

#include "cmd.h"
#include "conn.h"
#include "server.h"
#include "store.h"
#include "util.h"

static const struct cmd_entry *const cmd_tables[] = {
	cmd_auth_entries,
	cmd_admin_entries,
	cmd_channel_entries,
	cmd_post_entries,
};

static const struct cmd_entry *
cmd_find(const char *op)
{
	const struct cmd_entry *e;
	size_t i;

	for (i = 0; i < sizeof cmd_tables / sizeof cmd_tables[0]; i++) {
		for (e = cmd_tables[i]; e->name != NULL; e++) {
			if (strcmp(e->name, op) == 0)
				return e;
		}
	}
	return NULL;
}

int
cmd_allowed(const char *op, int logged_in, enum proto_role role)
{
	const struct cmd_entry *e = cmd_find(op);

	if (e == NULL)
		return 0;
	if (!logged_in)
		return (e->states & CMD_ANON) != 0;
	return (e->states & CMD_AUTH) != 0 && role >= e->role;
}

void
cmd_dispatch(struct conn *c, struct proto_req *req)
{
	const struct cmd_entry *e;
	int logged_in = c->state == CONN_READY;

	if ((e = cmd_find(req->op)) == NULL) {
		conn_reply_err(c, req->id, PROTO_E_UNKNOWN_OP, NULL);
		return;
	}
	if (c->srv->stopping) {
		conn_reply_err(c, req->id, PROTO_E_SHUTTING_DOWN, NULL);
		return;
	}
	if (!logged_in && !(e->states & CMD_ANON)) {
		conn_reply_err(c, req->id, PROTO_E_AUTH_REQUIRED, NULL);
		return;
	}
	if (logged_in && !(e->states & CMD_AUTH)) {
		conn_reply_err(c, req->id, PROTO_E_BAD_STATE,
		    "already logged in");
		return;
	}
	/* The request rate was charged for this line already, as for every
	 * line however bad (conn.c, conn_charge). */
	if (logged_in && c->acct.role < e->role) {
		conn_reply_err(c, req->id, PROTO_E_FORBIDDEN, NULL);
		return;
	}
	e->exec(c, req);
}

void
cmd_bad_field(struct conn *c, struct proto_req *req, const char *field)
{
	char msg[128];

	snprintf(msg, sizeof msg, "missing or invalid field \"%s\"", field);
	conn_reply_err(c, req->id, PROTO_E_BAD_REQUEST, msg);
}

int
cmd_can_see(const struct store_ident *a, const struct store_channel *ch)
{
	return ch->peer || ch->org_id == a->org_id;
}

int
cmd_visible_channel(struct conn *c, struct proto_req *req, const char *field,
    struct store_channel *ch)
{
	const char *name;
	char org[PROTO_MAX_NAME + 1], local[PROTO_MAX_NAME + 1];
	int rc;

	if (proto_get_str(req, field, 1, &name, NULL) != PROTO_OK) {
		cmd_bad_field(c, req, field);
		return -1;
	}
	if (proto_check_channel(name, org, local) != PROTO_OK) {
		conn_reply_err(c, req->id, PROTO_E_BAD_NAME,
		    "channel names are ORG/NAME or peer/NAME");
		return -1;
	}
	rc = store_channel_by_name(c->srv->store, name, ch);
	if (rc == STORE_ERROR) {
		conn_reply_err(c, req->id, PROTO_E_INTERNAL, NULL);
		return -1;
	}
	/* A channel that is not yours and one that does not exist answer
	 * alike, byte for byte. */
	if (rc != STORE_OK || !cmd_can_see(&c->acct, ch)) {
		conn_reply_err(c, req->id, PROTO_E_NOT_FOUND,
		    "no such channel");
		return -1;
	}
	return 0;
}

struct store_write *
cmd_write_new(struct conn *c, struct proto_req *req, enum store_wop op,
    void (*done)(struct store_write *))
{
	struct store_write *w = store_write_new(op);

	conn_ref(c);
	w->ctx = c;
	w->arg = req->id != NULL ? json_incref(req->id) : NULL;
	w->done = done;
	w->now = now_seconds();
	w->account = c->acct.id;
	return w;
}

void
cmd_write_finish(struct store_write *w)
{
	conn_unref(w->ctx);
	json_decref(w->arg);
	store_write_free(w);
}

void
cmd_reply_store_err(struct conn *c, json_t *id, int result)
{
	switch (result) {
	case STORE_NOTFOUND:
		conn_reply_err(c, id, PROTO_E_NOT_FOUND, NULL);
		break;
	case STORE_EXISTS:
		conn_reply_err(c, id, PROTO_E_EXISTS, NULL);
		break;
	case STORE_INVALID:
		conn_reply_err(c, id, PROTO_E_BAD_STATE, NULL);
		break;
	default:
		conn_reply_err(c, id, c->srv->stopping ?
		    PROTO_E_SHUTTING_DOWN : PROTO_E_INTERNAL, NULL);
		break;
	}
}
