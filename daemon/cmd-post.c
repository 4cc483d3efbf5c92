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
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

#include "access.h"
#include "bus.h"
#include "cmd.h"
#include "conn.h"
#include "server.h"
#include "store.h"
#include "util.h"
#include "view.h"

/* Roughly the most one history reply may carry: 64 posts of the largest
 * size, well under output_limit's default. */
#define CMD_REPLY_BUDGET	(1024 * 1024)
/* JSON overhead of one post event beyond its texts. */
#define CMD_POST_OVERHEAD	256
/* Unread inbox items a sync carries at most; inbox pages the rest. */
#define CMD_SYNC_INBOX		50

struct cmd_page {
	struct store_viewer	 v;
	json_t			*events;
	size_t			 bytes;
	int			 cut;		/* stopped by the byte budget */
	int64_t			 last_eid;	/* the last post examined */
	/* The posts of others the page shows, and their channels: what a
	 * read or sync marks read (the viewer's own never are unread). */
	int64_t			*ids, *chans;
	size_t			 nids, capids;
};

/* The reply to a post that named people: as ever, and which of them
 * are outside their working hours, so that nobody feels pressed to
 * answer at night (cmd-inbox.c words it). */
static void
cmd_post_reply_hints(struct conn *c, struct store_write *w)
{
	json_t *res, *quiet;

	res = json_pack("{s:I, s:I, s:I}", "post", (json_int_t)w->eid,
	    "thread", (json_int_t)w->thread, "eid", (json_int_t)w->eid);
	if ((quiet = cmd_inbox_quiet_hints(c->srv, w)) != NULL)
		json_object_set_new(res, "quiet", quiet);
	conn_reply_ok(c, w->arg, res);
}

static void
cmd_post_written(struct store_write *w)
{
	struct conn *c = w->ctx;
	struct store_post p;

	if (w->result == STORE_OK) {
		/* The post as the writer committed it (author, organisation,
		 * state), never the connection's now. Committed: now, and only
		 * now, others may see it. */
		store_write_post(w, &p);
		bus_post(c->srv->bus, &p);
		if (w->nids > 0)
			cmd_inbox_push(c->srv, w, STORE_INBOX_MENTION, w->eid);
	}
	if (conn_is_open(c) && w->result == STORE_OK && w->nids > 0 &&
	    w->state != STORE_POST_HELD)
		cmd_post_reply_hints(c, w);
	else if (conn_is_open(c)) {
		if (w->result == STORE_OK && w->state == STORE_POST_HELD)
			conn_reply_ok(c, w->arg, json_pack("{s:I, s:I, s:I, s:s}",
			    "post", (json_int_t)w->eid, "thread",
			    (json_int_t)w->thread, "eid", (json_int_t)w->eid,
			    "state", "held"));
		else if (w->result == STORE_OK) {
			size_t len;
			char *line = proto_reply_post(w->arg, w->eid,
			    w->thread, w->eid, &len);

			conn_write(c, line, len);
			free(line);
		} else if (w->result == STORE_LOCKED)
			conn_reply_err(c, w->arg, PROTO_E_LOCKED,
			    "this thread is locked: it stays readable, but "
			    "takes no replies");
		else if (w->result == STORE_NOTFOUND)
			conn_reply_err(c, w->arg, PROTO_E_NOT_FOUND,
			    "no such thread in this channel");
		else if (w->result == STORE_FORBIDDEN)
			/* A leave committed before this post was. */
			conn_reply_err(c, w->arg, PROTO_E_NOT_MEMBER,
			    "join the channel first");
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
	char msg[96];

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
		snprintf(msg, sizeof msg, "the post is longer than %d bytes",
		    PROTO_MAX_BODY);
		conn_reply_err(c, req->id, err, err == PROTO_E_TOO_LARGE ?
		    msg : "the post is empty or has control characters");
		return -1;
	}
	if (has_title && (err = proto_check_title(*title)) != PROTO_OK) {
		snprintf(msg, sizeof msg, "the title is longer than %d bytes",
		    PROTO_MAX_TITLE);
		conn_reply_err(c, req->id, err, err == PROTO_E_TOO_LARGE ?
		    msg : "the title is empty or has control characters");
		return -1;
	}
	if (!has_title)
		*title = NULL;
	if (!has_thread)
		*thread = 0;
	return 0;
}

/* The content note and anonymity a post asks for; 0, or -1 having
 * answered. */
static int
cmd_post_extras(struct cmd_q *q, const char **note, int *anon)
{
	struct conn *c = q->c;
	struct proto_req *req = q->req;
	enum proto_err err;
	char msg[PROTO_MAX_CHANNEL + 64];

	if (proto_get_str(req, "note", 0, note, NULL) != PROTO_OK ||
	    proto_get_bool(req, "anon", anon) != PROTO_OK) {
		cmd_bad_field(c, req, "note\" or \"anon");
		return -1;
	}
	if (*note != NULL && (err = proto_check_note(*note)) != PROTO_OK) {
		conn_reply_err(c, req->id, err, err == PROTO_E_TOO_LARGE ?
		    "the content note is longer than " PROTO_XSTR(PROTO_MAX_NOTE)
		    " bytes" : "the content note is empty or has control "
		    "characters");
		return -1;
	}
	if (*anon && !q->ch.anon) {
		snprintf(msg, sizeof msg, "anonymous posts are off in %s",
		    q->ch.name);
		conn_reply_err(c, req->id, PROTO_E_FORBIDDEN, msg);
		return -1;
	}
	return 0;
}

/*
 * What the channel's settings and the member's standing allow: not
 * banned or muted, an announcement channel only for its moderators,
 * slow mode (moderators exempt). Moderators of the channel are never
 * held either. 0, or -1 having answered.
 */
static int
cmd_post_allowed(struct cmd_q *q, int mod)
{
	struct conn *c = q->c;
	char msg[PROTO_MAX_CHANNEL + 64];
	int64_t wait;
	int r;

	if (cmd_refuse_restricted(q, 1) != 0)
		return -1;
	if (mod)
		return 0;
	if (q->ch.mode == STORE_MODE_ANNOUNCE) {
		snprintf(msg, sizeof msg, "only moderators post in %s "
		    "(announcements)", q->ch.name);
		conn_reply_err(c, q->req->id, PROTO_E_FORBIDDEN, msg);
		return -1;
	}
	if (q->ch.slow > 0 && (r = store_slow_take(c->srv->store, c->acct.id,
	    q->ch.id, q->ch.slow, now_seconds(), &wait)) != 0) {
		snprintf(msg, sizeof msg, "slow mode in %s: wait %llds before "
		    "posting again", q->ch.name, (long long)wait);
		conn_reply_err(c, q->req->id, r < 0 ? PROTO_E_INTERNAL :
		    PROTO_E_SLOW_MODE, r < 0 ? NULL : msg);
		return -1;
	}
	return 0;
}

static void
cmd_post(struct cmd_q *q)
{
	struct conn *c = q->c;
	struct proto_req *req = q->req;
	const char *body, *title = NULL, *note = NULL;
	int64_t thread = 0;
	struct store_write *w;
	int anon = 0, mod;

	if (cmd_post_texts(c, req, &body, &title, &thread) != 0 ||
	    cmd_post_extras(q, &note, &anon) != 0)
		return;
	mod = access_moderates(&c->acct, &q->ch);
	if (cmd_post_allowed(q, mod) != 0)
		return;
	/* Membership was checked by the table (CMD_T_JOINED) and is checked
	 * again by the writer, in the post's own transaction, so that a
	 * leave queued before it wins; so is the thread. */
	w = cmd_write_new(c, req, SW_POST, cmd_post_written);
	w->channel = q->ch.id;
	w->channel_kind = q->ch.kind;
	w->org = q->ch.org_id;
	w->thread = thread;
	strlcpy_h(w->name, q->ch.name, sizeof w->name);
	w->title = title != NULL ? xstrdup(title) : NULL;
	w->body = xstrdup(body);
	w->note = note != NULL ? xstrdup(note) : NULL;
	w->anonymous = anon;
	w->moderator = mod;
	w->pending = q->ch.mode == STORE_MODE_PRE && !mod;
	store_submit(c->srv->store, w);
}

/* One post of a history page, as the page's viewer sees it. */
static int
cmd_page_add(void *arg, const struct store_post *p)
{
	struct cmd_page *pg = arg;
	struct proto_post wire;
	size_t size;

	if (view_post(&pg->v, p, &wire) == VIEW_NONE) {
		pg->last_eid = p->eid;
		return 0;
	}
	size = (wire.body ? strlen(wire.body) : 0) +
	    (wire.title ? strlen(wire.title) : 0) +
	    (wire.note ? strlen(wire.note) : 0) +
	    (wire.reason ? strlen(wire.reason) : 0) + CMD_POST_OVERHEAD;
	if (pg->bytes + size > CMD_REPLY_BUDGET &&
	    json_array_size(pg->events) > 0) {
		pg->cut = 1;
		return 1;
	}
	pg->bytes += size;
	pg->last_eid = p->eid;
	if (p->author_id != pg->v.account) {
		if (pg->nids == pg->capids) {
			pg->capids = pg->capids ? pg->capids * 2 : 64;
			pg->ids = xrealloc(pg->ids, pg->capids *
			    sizeof *pg->ids);
			pg->chans = xrealloc(pg->chans, pg->capids *
			    sizeof *pg->chans);
		}
		pg->ids[pg->nids] = p->post;
		pg->chans[pg->nids++] = p->channel_id;
	}
	json_array_append_new(pg->events, proto_event_post(&wire));
	return 0;
}

static int
cmd_id_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static void
cmd_mark_done(struct store_write *w)
{
	struct conn *c = w->ctx;

	if (conn_is_open(c) && w->result == STORE_OK)
		conn_reply_ok(c, w->arg, json_pack("{s:I}", "marked",
		    (json_int_t)w->nids));
	else if (conn_is_open(c))
		cmd_reply_store_err(c, w->arg, w->result);
	cmd_write_finish(w);
}

static void
cmd_page_init(struct cmd_page *pg, struct conn *c, int64_t since)
{
	memset(pg, 0, sizeof *pg);
	view_viewer(&pg->v, &c->acct);
	pg->events = json_array();
	pg->last_eid = since;
}

static void
cmd_page_free(struct cmd_page *pg)
{
	json_decref(pg->events);
	free(pg->ids);
	free(pg->chans);
}

/*
 * Hand the page's marks to a SW_MARK_READ job (taking pg's arrays) that
 * answers result once stored, so that the unread counts a client asks
 * for next already agree. The page waits for the writer: it counts
 * against the connection's output limit from now, so pipelined reads
 * stop being read.
 */
static void
cmd_read_marked(struct store_write *w)
{
	struct conn *c = w->ctx;

	/* Held since submitted (cmd_read): written now, or dropped. */
	conn_release(c, w->held);
	/* The page is right whether or not the marker moved. */
	if (conn_is_open(c))
		conn_reply_ok(c, w->arg, w->ctx2);
	else
		json_decref(w->ctx2);
	w->ctx2 = NULL;
	cmd_write_finish(w);
}

static void
cmd_page_mark(struct conn *c, struct proto_req *req, struct cmd_page *pg,
    int64_t channel, json_t *result)
{
	struct store_write *w;

	w = cmd_write_new(c, req, SW_MARK_READ, cmd_read_marked);
	w->channel = channel;
	w->ids = pg->ids;
	w->nids = pg->nids;
	if (channel == 0)
		w->channels = pg->chans;
	else
		free(pg->chans);
	pg->ids = pg->chans = NULL;
	w->ctx2 = result;
	w->held = pg->bytes;
	conn_hold(c, pg->bytes);
	store_submit(c->srv->store, w);
}

static void
cmd_read(struct cmd_q *q)
{
	struct conn *c = q->c;
	struct proto_req *req = q->req;
	int64_t thread = 0, since = -1, limit = PROTO_PAGE_DEFAULT, before = 0;
	struct cmd_page pg;
	json_t *result;
	int more = 0, unread = 0, has_since = 0, has_before = 0, member, r;

	if (proto_get_int(req, "thread", 0, 1, PROTO_ID_MAX, &thread, NULL) !=
	    PROTO_OK)
		return cmd_bad_field(c, req, "thread");
	if (proto_get_int(req, "since", 0, 0, PROTO_ID_MAX, &since,
	    &has_since) != PROTO_OK)
		return cmd_bad_field(c, req, "since");
	if (proto_get_int(req, "limit", 0, 1, PROTO_PAGE_MAX, &limit, NULL) !=
	    PROTO_OK)
		return cmd_bad_field(c, req, "limit");
	if (proto_get_bool(req, "unread", &unread) != PROTO_OK)
		return cmd_bad_field(c, req, "unread");
	if (proto_get_int(req, "before", 0, 1, PROTO_ID_MAX, &before,
	    &has_before) != PROTO_OK)
		return cmd_bad_field(c, req, "before");
	if (unread + has_since + has_before > 1)
		return conn_reply_err(c, req->id, PROTO_E_BAD_REQUEST,
		    "give one of \"unread\", \"since\" and \"before\"");
	if ((member = store_is_member(c->srv->store, c->acct.id,
	    q->ch.id)) < 0)
		return conn_reply_err(c, req->id, PROTO_E_INTERNAL, NULL);
	if (unread && member != 1)
		return conn_reply_err(c, req->id, PROTO_E_NOT_MEMBER,
		    "join the channel first: only members have unread posts");
	cmd_page_init(&pg, c, 0);
	/* Any post of a thread names it: a reply's id means its thread. */
	if (thread != 0 && (store_thread_of(c->srv->store, &pg.v, q->ch.id,
	    thread, &thread) != STORE_OK || store_thread_check(c->srv->store,
	    &pg.v, q->ch.id, thread) != STORE_OK)) {
		cmd_page_free(&pg);
		return conn_reply_err(c, req->id, PROTO_E_NOT_FOUND,
		    "no such thread in this channel");
	}
	if (unread)
		r = store_read_unread(c->srv->store, &pg.v, q->ch.id, thread,
		    (int)limit, cmd_page_add, &pg, &more);
	else
		r = store_read_before(c->srv->store, &pg.v, q->ch.id, thread,
		    since, before, (int)limit, cmd_page_add, &pg, &more);
	if (r < 0) {
		cmd_page_free(&pg);
		return conn_reply_err(c, req->id, PROTO_E_INTERNAL, NULL);
	}
	/* Reading is a use of the network, for the programme's report. */
	if (pg.nids > 0)
		cmd_programme_read(c);
	/* A newest-first page cut by bytes has dropped the newest posts,
	 * not older ones: say so the same way. */
	more = more || pg.cut;
	result = json_pack("{s:o, s:b}", "events", pg.events, "more", more);
	pg.events = NULL;
	if (pg.nids == 0 || member != 1) {
		cmd_page_free(&pg);
		return conn_reply_ok(c, req->id, result);
	}
	/* What the page shows is read, and nothing else: not the posts
	 * before a short page, nor other threads'. */
	cmd_page_mark(c, req, &pg, q->ch.id, result);
}

/*
 * mark: the posts a client showed that no read or sync reply carried
 * (live events in tail and chat), now read. Each must be a post of the
 * channel the member may read; at most PROTO_MARK_MAX at once.
 */
static void
cmd_mark(struct cmd_q *q)
{
	struct conn *c = q->c;
	struct proto_req *req = q->req;
	struct store_viewer v;
	struct store_write *w;
	json_t *posts, *e;
	int64_t *ids;
	size_t i, n;
	int found;
	char msg[96];

	posts = json_object_get(req->root, "posts");
	if (!json_is_array(posts) || (n = json_array_size(posts)) == 0)
		return conn_reply_err(c, req->id, PROTO_E_BAD_REQUEST,
		    "\"posts\" must be a non-empty array of post ids");
	if (n > PROTO_MARK_MAX) {
		snprintf(msg, sizeof msg, "at most %d posts may be marked at "
		    "once", PROTO_MARK_MAX);
		return conn_reply_err(c, req->id, PROTO_E_TOO_LARGE, msg);
	}
	ids = xcalloc(n, sizeof *ids);
	json_array_foreach(posts, i, e) {
		if (!json_is_integer(e) || json_integer_value(e) < 1 ||
		    json_integer_value(e) > PROTO_ID_MAX) {
			free(ids);
			return conn_reply_err(c, req->id, PROTO_E_BAD_REQUEST,
			    "\"posts\" must be a non-empty array of post ids");
		}
		ids[i] = json_integer_value(e);
	}
	view_viewer(&v, &c->acct);
	if ((found = store_posts_in_channel(c->srv->store, &v, q->ch.id, ids,
	    n)) < 0) {
		free(ids);
		return conn_reply_err(c, req->id, PROTO_E_INTERNAL, NULL);
	}
	/* Duplicates count once in found: compare with the distinct ids. */
	qsort(ids, n, sizeof *ids, cmd_id_cmp);
	for (i = 1; i < n; i++)
		if (ids[i] == ids[i - 1])
			found++;
	if ((size_t)found != n) {
		free(ids);
		return conn_reply_err(c, req->id, PROTO_E_NOT_FOUND,
		    "no such post in this channel");
	}
	cmd_programme_read(c);
	w = cmd_write_new(c, req, SW_MARK_READ, cmd_mark_done);
	w->channel = q->ch.id;
	w->ids = ids;
	w->nids = n;
	store_submit(c->srv->store, w);
}

/* The sync's page, then the marks of what it shows. */
static void
cmd_sync_reply(struct conn *c, struct proto_req *req, struct cmd_page *pg,
    json_t *res)
{
	if (pg->nids == 0) {
		cmd_page_free(pg);
		return conn_reply_ok(c, req->id, res);
	}
	cmd_page_mark(c, req, pg, 0, res);
}

static void
cmd_sync(struct cmd_q *q)
{
	struct conn *c = q->c;
	struct proto_req *req = q->req;
	int64_t since, limit = PROTO_SYNC_PAGE;
	struct cmd_page pg;
	json_t *res, *inbox = NULL;
	int more = 0, mark = 1, unseen = 0;

	if (proto_get_int(req, "since", 1, 0, PROTO_ID_MAX, &since, NULL) !=
	    PROTO_OK)
		return cmd_bad_field(c, req, "since");
	if (proto_get_int(req, "limit", 0, 1, PROTO_PAGE_MAX, &limit, NULL) !=
	    PROTO_OK)
		return cmd_bad_field(c, req, "limit");
	if (proto_get_bool(req, "mark", &mark) != PROTO_OK)
		return cmd_bad_field(c, req, "mark");
	if (proto_get_bool(req, "unseen", &unseen) != PROTO_OK)
		return cmd_bad_field(c, req, "unseen");
	cmd_page_init(&pg, c, since);
	if (store_sync(c->srv->store, &pg.v, since, 0, NULL, 0, unseen,
	    (int)limit,
	    cmd_page_add, &pg, &more) < 0) {
		cmd_page_free(&pg);
		return conn_reply_err(c, req->id, PROTO_E_INTERNAL, NULL);
	}
	if (pg.nids > 0)
		cmd_programme_read(c);
	res = json_pack("{s:o, s:b, s:I}", "events", pg.events, "more",
	    more || pg.cut, "last_eid", (json_int_t)pg.last_eid);
	pg.events = NULL;
	/* What waits in the inbox comes with the last page: a client that
	 * only ever syncs still sees its announcements and mentions. */
	if (!(more || pg.cut) && (inbox = cmd_inbox_items(c, 0, 0,
	    CMD_SYNC_INBOX, &more)) != NULL && json_array_size(inbox) > 0)
		json_object_set_new(res, "inbox", inbox);
	else
		json_decref(inbox);
	/* What sync prints is read: the same posts read would mark. A
	 * client that shows only some (tail, catching up) says mark: false
	 * and marks those itself. */
	if (!mark)
		pg.nids = 0;
	cmd_sync_reply(c, req, &pg, res);
}

/* Subscribe's channel ids, grown as needed. */
struct cmd_chans {
	struct conn	*c;
	int64_t		*ids;
	size_t		 n, cap;
	json_t		*names;
	int		 failed;
};

static void
cmd_chans_add(struct cmd_chans *cs, const struct store_channel *ch)
{
	if (cs->n == cs->cap) {
		cs->cap = cs->cap ? cs->cap * 2 : 16;
		cs->ids = xrealloc(cs->ids, cs->cap * sizeof *cs->ids);
	}
	cs->ids[cs->n++] = ch->id;
	json_array_append_new(cs->names, json_string(ch->name));
}

static int
cmd_joined_add(void *arg, const struct store_channel_info *ci)
{
	struct cmd_chans *cs = arg;
	struct store_channel ch;

	if (!ci->joined)
		return 0;
	if (store_channel_by_name(cs->c->srv->store, ci->name, &ch) !=
	    STORE_OK) {
		cs->failed = 1;
		return 1;
	}
	cmd_chans_add(cs, &ch);
	return 0;
}

/*
 * Subscribe's channels: those named, each visible and joined (answered
 * as every other operation answers for one channel), or every joined
 * one. 0, or -1 having answered.
 */
static int
cmd_subscribe_channels(struct cmd_q *q, struct cmd_chans *cs, int *named)
{
	struct conn *c = q->c;
	struct proto_req *req = q->req;
	struct store_channel ch;
	struct store_viewer v;
	json_t *asked = NULL;
	char msg[96];
	int member;
	size_t i;

	if (proto_get_strarray(req, "channels", SIZE_MAX, &asked, named) !=
	    PROTO_OK) {
		cmd_bad_field(c, req, "channels");
		return -1;
	}
	if (!*named) {
		view_viewer(&v, &c->acct);
		if (store_channel_list(c->srv->store, &v, cmd_joined_add,
		    cs) < 0 || cs->failed) {
			conn_reply_err(c, req->id, PROTO_E_INTERNAL, NULL);
			return -1;
		}
		return 0;
	}
	if (json_array_size(asked) > PROTO_SUBSCRIBE_MAX) {
		snprintf(msg, sizeof msg, "at most %d channels may be named; "
		    "name none to receive every joined channel",
		    PROTO_SUBSCRIBE_MAX);
		conn_reply_err(c, req->id, PROTO_E_TOO_LARGE, msg);
		return -1;
	}
	for (i = 0; i < json_array_size(asked); i++) {
		const char *name = json_string_value(json_array_get(asked, i));

		if (cmd_channel_named(c, req, name, &ch) != 0)
			return -1;
		if ((member = store_is_member(c->srv->store, c->acct.id,
		    ch.id)) != 1) {
			conn_reply_err(c, req->id, member < 0 ?
			    PROTO_E_INTERNAL : PROTO_E_NOT_MEMBER,
			    member < 0 ? NULL : "join the channel first");
			return -1;
		}
		cmd_chans_add(cs, &ch);
	}
	return 0;
}

static void
cmd_subscribe(struct cmd_q *q)
{
	struct conn *c = q->c;
	struct proto_req *req = q->req;
	struct cmd_chans cs;
	int64_t since = -1, live = 0;
	char msg[96];
	int named = 0, r;

	if (proto_get_int(req, "since", 0, 0, PROTO_ID_MAX, &since, NULL) !=
	    PROTO_OK)
		return cmd_bad_field(c, req, "since");
	memset(&cs, 0, sizeof cs);
	cs.c = c;
	cs.names = json_array();
	if (cmd_subscribe_channels(q, &cs, &named) != 0)
		goto out;
	r = bus_subscribe(c->srv->bus, c, cs.ids, cs.n, named, since, &live);
	if (r == BUS_TOO_FAR) {
		snprintf(msg, sizeof msg, "more than %d events (or a page) "
		    "missed: sync first", PROTO_REPLAY_MAX);
		conn_reply_err(c, req->id, PROTO_E_TOO_FAR_BEHIND, msg);
	} else if (r != BUS_OK)
		conn_reply_err(c, req->id, PROTO_E_INTERNAL, NULL);
	else {
		conn_reply_ok(c, req->id, json_pack("{s:O, s:I}", "channels",
		    cs.names, "last_eid", (json_int_t)live));
		cmd_report_subscribed(c);
		bus_subscribed(c->srv->bus, c);
	}
out:
	json_decref(cs.names);
	free(cs.ids);
}

static void
cmd_unsubscribe(struct cmd_q *q)
{
	bus_unsubscribe(q->c->srv->bus, q->c);
	conn_reply_ok(q->c, q->req->id, NULL);
}

const struct cmd_entry cmd_post_entries[] = {
	{ "post", CMD_AUTH, CAP_MEMBER, CMD_T_JOINED, cmd_roster_writable,
	    cmd_post },
	{ "read", CMD_AUTH, CAP_MEMBER, CMD_T_CHANNEL, NULL, cmd_read },
	{ "sync", CMD_AUTH, CAP_MEMBER, CMD_T_NONE, NULL, cmd_sync },
	{ "mark", CMD_AUTH, CAP_MEMBER, CMD_T_JOINED, NULL, cmd_mark },
	{ "subscribe", CMD_AUTH, CAP_MEMBER, CMD_T_NONE, NULL, cmd_subscribe },
	{ "unsubscribe", CMD_AUTH, CAP_MEMBER, CMD_T_NONE, NULL,
	    cmd_unsubscribe },
	{ NULL, 0, 0, CMD_T_NONE, NULL, NULL }
};
