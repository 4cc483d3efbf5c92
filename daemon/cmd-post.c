/*
 * cmd-post.c: posting, and the three ways of getting posts back: read
 * (one channel, paged by event id), sync (every joined channel since an
 * event id) and subscribe (live, optionally after a short replay).
 *
 * A post is answered only after the writer thread committed it, and
 * only then handed to the bus for fan-out: durable before acknowledged,
 * and nobody sees a post that a crash could take back.
 *
 * History pages are bounded twice: by count (page_max) and by bytes
 * (CMD_REPLY_BUDGET), so that one reply never becomes an unbounded line.
 * A page cut short by bytes says "more", and the client asks again.
 */
#include <string.h>
#include <stdlib.h>

#include "bus.h"
#include "cmd.h"
#include "conn.h"
#include "server.h"
#include "store.h"
#include "util.h"

/* Roughly the most one history reply may carry: 64 posts of the largest
 * size, well under output_limit's default. */
#define CMD_REPLY_BUDGET	(1024 * 1024)
/* JSON overhead of one post event beyond its texts. */
#define CMD_POST_OVERHEAD	256
/* Channels one subscription may name: far more than anyone joins. */
#define CMD_SUBSCRIBE_MAX	1024

struct cmd_page {
	json_t		*events;
	size_t		 bytes;
	int		 cut;		/* stopped by the byte budget */
	int64_t		 last_eid;
	/* subscribe's channel filter (NULL: none) */
	json_t		*only;		/* array of channel names */
};

static void
cmd_post_written(struct store_write *w)
{
	struct conn *c = w->ctx;
	struct proto_post p;

	if (w->result == STORE_OK) {
		memset(&p, 0, sizeof p);
		p.eid = p.post = w->eid;
		p.thread = w->thread;
		p.ts = w->now;
		p.channel = w->name;
		p.author = c->acct.name;
		p.org = c->acct.org;
		p.title = w->thread == w->eid ? w->title : NULL;
		p.body = w->body;
		/* Committed: now, and only now, others may see it. */
		bus_post(c->srv->bus, w->channel, &p);
	}
	if (conn_is_open(c)) {
		if (w->result == STORE_OK) {
			size_t len;
			char *line = proto_reply_post(w->arg, w->eid,
			    w->thread, w->eid, &len);

			conn_write(c, line, len);
			free(line);
		} else if (w->result == STORE_NOTFOUND)
			conn_reply_err(c, w->arg, PROTO_E_NOT_FOUND,
			    "no such thread in this channel");
		else
			cmd_reply_store_err(c, w->arg, w->result);
	}
	cmd_write_finish(w);
}

/* Checks the texts; 0, or -1 having answered. */
static int
cmd_post_texts(struct conn *c, struct proto_req *req, const char **body,
    const char **title, int64_t *thread)
{
	int has_title = 0, has_thread = 0;
	enum proto_err err, eb, et;

	eb = proto_get_str(req, "body", 1, body, NULL);
	et = proto_get_str(req, "title", 0, title, &has_title);
	if (eb == PROTO_E_BAD_TEXT || et == PROTO_E_BAD_TEXT) {
		conn_reply_err(c, req->id, PROTO_E_BAD_TEXT,
		    "the text holds a NUL character");
		return -1;
	}
	if (eb != PROTO_OK || et != PROTO_OK ||
	    proto_get_int(req, "thread", 0, 1, PROTO_ID_MAX, thread,
	    &has_thread) != PROTO_OK) {
		cmd_bad_field(c, req, "body\", \"title\" or \"thread");
		return -1;
	}
	if (has_title == has_thread) {
		conn_reply_err(c, req->id, PROTO_E_BAD_REQUEST,
		    "give either a title (new thread) or a thread (reply)");
		return -1;
	}
	if ((err = proto_check_body(*body)) != PROTO_OK) {
		conn_reply_err(c, req->id, err, err == PROTO_E_TOO_LARGE ?
		    "the post is longer than 16384 bytes" :
		    "the post is empty or has control characters");
		return -1;
	}
	if (has_title && (err = proto_check_title(*title)) != PROTO_OK) {
		conn_reply_err(c, req->id, err, err == PROTO_E_TOO_LARGE ?
		    "the title is longer than 200 bytes" :
		    "the title is empty or has control characters");
		return -1;
	}
	if (!has_title)
		*title = NULL;
	if (!has_thread)
		*thread = 0;
	return 0;
}

static void
cmd_post(struct conn *c, struct proto_req *req)
{
	const char *body, *title = NULL;
	int64_t thread = 0;
	struct store_channel ch;
	struct store_write *w;
	int member;

	if (cmd_visible_channel(c, req, "channel", &ch) != 0)
		return;
	if (cmd_post_texts(c, req, &body, &title, &thread) != 0)
		return;
	member = store_is_member(c->srv->store, c->acct.id, ch.id);
	if (member < 0)
		return conn_reply_err(c, req->id, PROTO_E_INTERNAL, NULL);
	if (member == 0)
		return conn_reply_err(c, req->id, PROTO_E_NOT_MEMBER,
		    "join the channel first");
	/* The thread is checked by the writer, in the post's own
	 * transaction (not found: the same answer as here used to give). */
	w = cmd_write_new(c, req, SW_POST, cmd_post_written);
	w->channel = ch.id;
	w->thread = thread;
	strlcpy_h(w->name, ch.name, sizeof w->name);
	w->title = title != NULL ? xstrdup(title) : NULL;
	w->body = xstrdup(body);
	store_submit(c->srv->store, w);
}

static int
cmd_page_add(void *arg, const struct proto_post *p)
{
	struct cmd_page *pg = arg;
	size_t size, i;

	if (pg->only != NULL) {
		/* subscribe: only the channels asked for */
		for (i = 0; i < json_array_size(pg->only); i++)
			if (strcmp(json_string_value(json_array_get(pg->only,
			    i)), p->channel) == 0)
				break;
		if (i == json_array_size(pg->only))
			return 0;
	}
	size = strlen(p->body) + (p->title ? strlen(p->title) : 0) +
	    CMD_POST_OVERHEAD;
	if (pg->bytes + size > CMD_REPLY_BUDGET &&
	    json_array_size(pg->events) > 0) {
		pg->cut = 1;
		return 1;
	}
	pg->bytes += size;
	pg->last_eid = p->eid;
	json_array_append_new(pg->events, proto_event_post(p));
	return 0;
}

struct cmd_joined {
	struct conn	*c;
	int64_t		*ids;
	size_t		*n;
	json_t		*names;
	int		 failed;
};

static int
cmd_joined_add(void *arg, const struct store_channel_info *ci)
{
	struct cmd_joined *j = arg;
	struct store_channel ch;

	if (!ci->joined || *j->n >= CMD_SUBSCRIBE_MAX)
		return 0;
	if (store_channel_by_name(j->c->srv->store, ci->name, &ch) != STORE_OK) {
		j->failed = 1;
		return 1;
	}
	j->ids[(*j->n)++] = ch.id;
	json_array_append_new(j->names, json_string(ci->name));
	return 0;
}

/* Every channel the connection's account has joined. */
static int
cmd_joined_channels(struct conn *c, struct proto_req *req, int64_t *ids,
    size_t *n, json_t *names)
{
	struct cmd_joined j = { c, ids, n, names, 0 };

	*n = 0;
	if (store_channel_list(c->srv->store, c->acct.id, c->acct.org_id,
	    cmd_joined_add, &j) < 0 || j.failed) {
		conn_reply_err(c, req->id, PROTO_E_INTERNAL, NULL);
		return -1;
	}
	return 0;
}

static void
cmd_read_marked(struct store_write *w)
{
	struct conn *c = w->ctx;

	/* Held since submitted (cmd_read): written now, or dropped. */
	conn_release(c, (size_t)w->tag);
	/* The page is right whether or not the marker moved. */
	if (conn_is_open(c))
		conn_reply_ok(c, w->arg, w->ctx2);
	else
		json_decref(w->ctx2);
	w->ctx2 = NULL;
	cmd_write_finish(w);
}

static void
cmd_read(struct conn *c, struct proto_req *req)
{
	struct store_channel ch;
	int64_t thread = 0, since = -1, limit = PROTO_PAGE_DEFAULT;
	struct cmd_page pg;
	struct store_write *w;
	json_t *result;
	int more = 0;

	if (cmd_visible_channel(c, req, "channel", &ch) != 0)
		return;
	if (proto_get_int(req, "thread", 0, 1, PROTO_ID_MAX, &thread, NULL) !=
	    PROTO_OK)
		return cmd_bad_field(c, req, "thread");
	if (proto_get_int(req, "since", 0, 0, PROTO_ID_MAX, &since, NULL) !=
	    PROTO_OK)
		return cmd_bad_field(c, req, "since");
	if (proto_get_int(req, "limit", 0, 1, PROTO_PAGE_MAX, &limit, NULL) !=
	    PROTO_OK)
		return cmd_bad_field(c, req, "limit");
	if (thread != 0 && store_thread_check(c->srv->store, ch.id, thread) !=
	    STORE_OK)
		return conn_reply_err(c, req->id, PROTO_E_NOT_FOUND,
		    "no such thread in this channel");

	memset(&pg, 0, sizeof pg);
	pg.events = json_array();
	if (store_read(c->srv->store, ch.id, thread, since, (int)limit,
	    cmd_page_add, &pg, &more) < 0) {
		json_decref(pg.events);
		return conn_reply_err(c, req->id, PROTO_E_INTERNAL, NULL);
	}
	/* A newest-first page cut by bytes has dropped the newest posts,
	 * not older ones: say so the same way. */
	more = more || pg.cut;
	result = json_pack("{s:o, s:b}", "events", pg.events, "more", more);
	if (pg.last_eid == 0 || store_is_member(c->srv->store, c->acct.id,
	    ch.id) != 1)
		return conn_reply_ok(c, req->id, result);
	/* Move the read marker first and answer once it is stored, so the
	 * unread counts a client asks for next already agree. */
	w = cmd_write_new(c, req, SW_MARK_READ, cmd_read_marked);
	w->channel = ch.id;
	w->eid = pg.last_eid;
	w->ctx2 = result;
	/* The page waits for the writer: it counts against the connection's
	 * output limit from now, so pipelined reads stop being read. */
	w->tag = pg.bytes;
	conn_hold(c, pg.bytes);
	store_submit(c->srv->store, w);
}

static void
cmd_sync(struct conn *c, struct proto_req *req)
{
	int64_t since, limit = PROTO_SYNC_PAGE;
	struct cmd_page pg;
	int more = 0;

	if (proto_get_int(req, "since", 1, 0, PROTO_ID_MAX, &since, NULL) !=
	    PROTO_OK)
		return cmd_bad_field(c, req, "since");
	if (proto_get_int(req, "limit", 0, 1, PROTO_PAGE_MAX, &limit, NULL) !=
	    PROTO_OK)
		return cmd_bad_field(c, req, "limit");
	memset(&pg, 0, sizeof pg);
	pg.events = json_array();
	pg.last_eid = since;
	if (store_sync(c->srv->store, c->acct.id, since, 0, (int)limit,
	    cmd_page_add, &pg, &more) < 0) {
		json_decref(pg.events);
		return conn_reply_err(c, req->id, PROTO_E_INTERNAL, NULL);
	}
	conn_reply_ok(c, req->id, json_pack("{s:o, s:b, s:I}", "events",
	    pg.events, "more", more || pg.cut, "last_eid",
	    (json_int_t)pg.last_eid));
}

/* Subscribe's channels: those named, each visible and joined, or every
 * joined one. Fills ids and names; 0, or -1 having answered. */
static int
cmd_subscribe_channels(struct conn *c, struct proto_req *req, int64_t *ids,
    size_t *n, json_t *names)
{
	struct store_channel ch;
	json_t *asked = NULL;
	int present = 0, member;
	size_t i;

	if (proto_get_strarray(req, "channels", CMD_SUBSCRIBE_MAX, &asked,
	    &present) != PROTO_OK) {
		cmd_bad_field(c, req, "channels");
		return -1;
	}
	if (!present)
		return cmd_joined_channels(c, req, ids, n, names);
	for (*n = 0, i = 0; i < json_array_size(asked); i++) {
		const char *name = json_string_value(json_array_get(asked, i));

		if (store_channel_by_name(c->srv->store, name, &ch) !=
		    STORE_OK || !cmd_can_see(&c->acct, &ch)) {
			conn_reply_err(c, req->id, PROTO_E_NOT_FOUND,
			    "no such channel");
			return -1;
		}
		if ((member = store_is_member(c->srv->store, c->acct.id,
		    ch.id)) != 1) {
			conn_reply_err(c, req->id, member < 0 ?
			    PROTO_E_INTERNAL : PROTO_E_NOT_MEMBER,
			    member < 0 ? NULL : "join the channel first");
			return -1;
		}
		ids[(*n)++] = ch.id;
		json_array_append_new(names, json_string(ch.name));
	}
	return 0;
}

static void
cmd_subscribe(struct conn *c, struct proto_req *req)
{
	int64_t ids[CMD_SUBSCRIBE_MAX], since = -1, until;
	struct cmd_page pg;
	json_t *names = json_array();
	size_t n = 0, i;
	int more = 0;

	if (proto_get_int(req, "since", 0, 0, PROTO_ID_MAX, &since, NULL) !=
	    PROTO_OK) {
		json_decref(names);
		return cmd_bad_field(c, req, "since");
	}
	if (cmd_subscribe_channels(c, req, ids, &n, names) != 0) {
		json_decref(names);
		return;
	}
	/* Replay stops where the bus has fanned out to; live delivery
	 * starts right after, so nothing comes twice or not at all. */
	until = bus_last_eid(c->srv->bus);
	memset(&pg, 0, sizeof pg);
	pg.events = json_array();
	pg.only = names;
	if (since >= 0 && since < until && store_sync(c->srv->store,
	    c->acct.id, since, until, PROTO_REPLAY_MAX, cmd_page_add, &pg,
	    &more) < 0) {
		json_decref(pg.events);
		json_decref(names);
		return conn_reply_err(c, req->id, PROTO_E_INTERNAL, NULL);
	}
	if (more || pg.cut) {
		json_decref(pg.events);
		json_decref(names);
		return conn_reply_err(c, req->id, PROTO_E_TOO_FAR_BEHIND,
		    "more than 1000 events missed: sync first");
	}
	for (i = 0; i < json_array_size(pg.events); i++)
		conn_send_event(c, json_array_get(pg.events, i));
	json_decref(pg.events);
	bus_subscribe(c->srv->bus, c, ids, n);
	c->last_eid = until;
	conn_reply_ok(c, req->id, json_pack("{s:o, s:I}", "channels", names,
	    "last_eid", (json_int_t)until));
}

static void
cmd_unsubscribe(struct conn *c, struct proto_req *req)
{
	bus_unsubscribe(c->srv->bus, c);
	conn_reply_ok(c, req->id, NULL);
}

const struct cmd_entry cmd_post_entries[] = {
	{ "post", CMD_AUTH, ROLE_MEMBER, cmd_post },
	{ "read", CMD_AUTH, ROLE_MEMBER, cmd_read },
	{ "sync", CMD_AUTH, ROLE_MEMBER, cmd_sync },
	{ "subscribe", CMD_AUTH, ROLE_MEMBER, cmd_subscribe },
	{ "unsubscribe", CMD_AUTH, ROLE_MEMBER, cmd_unsubscribe },
	{ NULL, 0, ROLE_NONE, NULL }
};
