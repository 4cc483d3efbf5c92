/*
 * cmd.c: dispatch. Finds the operation's row, checks the connection's
 * state and capabilities against it, resolves the row's object and runs
 * its check (the one place authorisation happens), then the handler.
 * Also the helpers handlers share: store jobs tied to a connection, and
 * the mapping of store results to protocol errors.
 */
#include <string.h>
#include <stdlib.h>

#include "access.h"
#include "cmd.h"
#include "conn.h"
#include "server.h"
#include "store.h"
#include "util.h"
#include "view.h"

static const struct cmd_entry *const cmd_tables[] = {
	cmd_auth_entries,
	cmd_admin_entries,
	cmd_channel_entries,
	cmd_post_entries,
	cmd_mod_entries,
	cmd_report_entries,
	cmd_search_entries,
	cmd_resource_entries,
	cmd_inbox_entries,
	cmd_group_entries,
	cmd_dm_entries,
	cmd_directory_entries,
	cmd_calendar_entries,
	cmd_programme_entries,
	cmd_story_entries,
	cmd_erase_entries,
	cmd_account_entries,
	cmd_roster_entries,
};

static const struct cmd_entry *
cmd_find(const char *op)
{
	const struct cmd_entry *e;
	size_t i;

	for (i = 0; (e = cmd_entry_at(i)) != NULL; i++)
		if (strcmp(e->name, op) == 0)
			return e;
	return NULL;
}

const struct cmd_entry *
cmd_entry_at(size_t i)
{
	const struct cmd_entry *e;
	size_t t;

	for (t = 0; t < sizeof cmd_tables / sizeof cmd_tables[0]; t++) {
		for (e = cmd_tables[t]; e->name != NULL; e++)
			if (i-- == 0)
				return e;
	}
	return NULL;
}

static int
cmd_caps_ok(const struct cmd_entry *e, enum proto_role role)
{
	return e->caps == 0 || (access_caps(role) & e->caps) != 0;
}

int
cmd_allowed(const char *op, int logged_in, enum proto_role role)
{
	const struct cmd_entry *e = cmd_find(op);

	if (e == NULL)
		return 0;
	if (!logged_in)
		return (e->states & CMD_ANON) != 0;
	return (e->states & CMD_AUTH) != 0 && cmd_caps_ok(e, role);
}

/*
 * The row's object: the channel named by "channel", if the caller may
 * see it (and, for CMD_T_JOINED, has joined it). A channel that is not
 * yours and one that does not exist answer alike, byte for byte.
 */
int
cmd_can_see(struct conn *c, const struct store_channel *ch)
{
	if (ch->kind == STORE_CHANNEL_GROUP || ch->kind == STORE_CHANNEL_DM)
		return store_is_member(c->srv->store, c->acct.id, ch->id) == 1;
	return access_can_see(&c->acct, ch);
}

int
cmd_channel_named(struct conn *c, struct proto_req *req, const char *name,
    struct store_channel *ch)
{
	char org[PROTO_MAX_NAME + 1], local[PROTO_MAX_NAME + 1];
	int rc;

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
	if (rc != STORE_OK || !cmd_can_see(c, ch)) {
		conn_reply_err(c, req->id, PROTO_E_NOT_FOUND,
		    "no such channel");
		return -1;
	}
	return 0;
}

/* The post (or thread) a row names, with its channel. */
struct cmd_found {
	struct cmd_q	*q;
	int		 found;
	int		 failed;
};

static int
cmd_post_found(void *arg, const struct store_post *p)
{
	struct cmd_found *f = arg;
	struct cmd_q *q = f->q;
	struct store_viewer v;
	struct proto_post wire;
	int rc;

	rc = store_channel_by_name(q->c->srv->store, p->channel, &q->ch);
	if (rc != STORE_OK) {
		f->failed = rc != STORE_NOTFOUND;
		return 1;
	}
	view_viewer(&v, &q->c->acct);
	if (!cmd_can_see(q->c, &q->ch) ||
	    view_post(&v, p, &wire) == VIEW_NONE)
		return 1;
	if (q->entry->target == CMD_T_THREAD && p->post != p->thread)
		return 1;
	q->post.id = p->post;
	q->post.thread = p->thread;
	q->post.author_id = p->author_id;
	q->post.org_id = p->org_id;
	q->post.state = p->state;
	q->post.anonymous = p->anonymous;
	q->post.root = p->post == p->thread;
	f->found = 1;
	return 1;
}

/*
 * A row's post or thread: one the caller may read in some form, in a
 * channel they may see. Every other id, a post held for someone else
 * included, answers exactly as one that does not exist.
 */
static int
cmd_resolve_post(struct cmd_q *q)
{
	int thread = q->entry->target == CMD_T_THREAD;
	const char *field = thread ? "thread" : "post";
	struct cmd_found f;
	int64_t id;

	if (proto_get_int(q->req, field, 1, 1, PROTO_ID_MAX, &id, NULL) !=
	    PROTO_OK) {
		cmd_bad_field(q->c, q->req, field);
		return -1;
	}
	memset(&f, 0, sizeof f);
	f.q = q;
	if (store_post_by_id(q->c->srv->store, id, cmd_post_found, &f) < 0 ||
	    f.failed) {
		conn_reply_err(q->c, q->req->id, PROTO_E_INTERNAL, NULL);
		return -1;
	}
	if (!f.found) {
		conn_reply_err(q->c, q->req->id, PROTO_E_NOT_FOUND, thread ?
		    "no such thread" : "no such post");
		return -1;
	}
	return 0;
}

static int
cmd_resolve(struct cmd_q *q)
{
	struct conn *c = q->c;
	const char *name;
	int member;

	if (q->entry->target == CMD_T_NONE)
		return 0;
	if (q->entry->target == CMD_T_POST || q->entry->target == CMD_T_THREAD)
		return cmd_resolve_post(q);
	if (proto_get_str(q->req, "channel", 1, &name, NULL) != PROTO_OK) {
		cmd_bad_field(c, q->req, "channel");
		return -1;
	}
	if (cmd_channel_named(c, q->req, name, &q->ch) != 0)
		return -1;
	if (q->entry->target != CMD_T_JOINED)
		return 0;
	member = store_is_member(c->srv->store, c->acct.id, q->ch.id);
	/* Not a member because banned: say that, and until when. */
	if (member == 0 && cmd_refuse_restricted(q, 0) != 0)
		return -1;
	if (member != 1) {
		conn_reply_err(c, q->req->id, member < 0 ? PROTO_E_INTERNAL :
		    PROTO_E_NOT_MEMBER, member < 0 ? NULL :
		    "join the channel first");
		return -1;
	}
	return 0;
}

void
cmd_dispatch(struct conn *c, struct proto_req *req)
{
	struct cmd_q q;
	int logged_in = c->state == CONN_READY;

	memset(&q, 0, sizeof q);
	q.c = c;
	q.req = req;
	if ((q.entry = cmd_find(req->op)) == NULL) {
		conn_reply_err(c, req->id, PROTO_E_UNKNOWN_OP, NULL);
		return;
	}
	if (c->srv->stopping) {
		conn_reply_err(c, req->id, PROTO_E_SHUTTING_DOWN, NULL);
		return;
	}
	if (!logged_in && !(q.entry->states & CMD_ANON)) {
		conn_reply_err(c, req->id, PROTO_E_AUTH_REQUIRED, NULL);
		return;
	}
	if (logged_in && !(q.entry->states & CMD_AUTH)) {
		conn_reply_err(c, req->id, PROTO_E_BAD_STATE,
		    "already logged in");
		return;
	}
	/* The request rate was charged for this line already, as for every
	 * line however bad (conn.c, conn_charge). */
	if (logged_in && !cmd_caps_ok(q.entry, c->acct.role)) {
		conn_reply_err(c, req->id, PROTO_E_FORBIDDEN, NULL);
		return;
	}
	if (cmd_resolve(&q) != 0)
		return;
	if (q.entry->check != NULL && q.entry->check(&q) != 0)
		return;
	q.entry->exec(&q);
}

int
cmd_get_reason(struct cmd_q *q, const char *field, int required,
    const char **out)
{
	enum proto_err err;
	char msg[96];

	*out = NULL;
	if (proto_get_str(q->req, field, required, out, NULL) != PROTO_OK) {
		cmd_bad_field(q->c, q->req, field);
		return -1;
	}
	if (*out == NULL)
		return 0;
	if ((err = proto_check_reason(*out)) != PROTO_OK) {
		snprintf(msg, sizeof msg, err == PROTO_E_TOO_LARGE ?
		    "the %s is longer than %d bytes" :
		    "give a %s, without control characters", field,
		    PROTO_MAX_REASON);
		conn_reply_err(q->c, q->req->id, err, msg);
		return -1;
	}
	return 0;
}

void
cmd_bad_field(struct conn *c, struct proto_req *req, const char *field)
{
	char msg[128];

	snprintf(msg, sizeof msg, "missing or invalid field \"%s\"", field);
	conn_reply_err(c, req->id, PROTO_E_BAD_REQUEST, msg);
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
	strlcpy_h(w->actor, c->acct.name, sizeof w->actor);
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
cmd_write_reply(struct store_write *w, json_t *result, const char *notfound)
{
	struct conn *c = w->ctx;

	if (!conn_is_open(c))
		json_decref(result);
	else if (w->result == STORE_OK)
		conn_reply_ok(c, w->arg, result);
	else {
		json_decref(result);
		if (w->result == STORE_NOTFOUND && notfound != NULL)
			conn_reply_err(c, w->arg, PROTO_E_NOT_FOUND, notfound);
		else
			cmd_reply_store_err(c, w->arg, w->result);
	}
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
