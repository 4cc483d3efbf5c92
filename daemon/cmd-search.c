/*
 * cmd-search.c: search, over the posts a member could read directly.
 * The store finds and filters (store-search.c); each hit is shaped by
 * the one view of a post (view.c), so an anonymous author is never
 * named and a moderator sees the state of what it moderates.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "cmd.h"
#include "conn.h"
#include "server.h"
#include "store.h"
#include "util.h"
#include "view.h"

#define CMD_SEARCH_LIMIT	100	/* hits per page at most */
#define CMD_SEARCH_DEFAULT	20
#define CMD_SEARCH_OFFSET	10000	/* deepest page */
/* Bytes of text either side of a substring match in a snippet. */
#define CMD_SNIPPET_SIDE	48

struct cmd_hits {
	struct store_viewer	 v;
	const char		*text;
	json_t			*list;
};

/* Back to the start of a UTF-8 character. */
static size_t
cmd_utf8_start(const char *s, size_t i)
{
	while (i > 0 && ((unsigned char)s[i] & 0xc0) == 0x80)
		i--;
	return i;
}

/* A snippet around the first place text stands in body, the match in
 * [ and ], for the short texts the index cannot look up by trigram. */
static json_t *
cmd_snippet(const char *body, const char *text)
{
	const char *at = strstr(body, text);
	size_t len = strlen(body), tl = strlen(text), from, to, m;
	char *buf;
	json_t *out;

	if (at == NULL)
		return json_string(len > 2 * CMD_SNIPPET_SIDE ? "..." : body);
	m = (size_t)(at - body);
	from = cmd_utf8_start(body, m > CMD_SNIPPET_SIDE ?
	    m - CMD_SNIPPET_SIDE : 0);
	to = m + tl + CMD_SNIPPET_SIDE < len ?
	    cmd_utf8_start(body, m + tl + CMD_SNIPPET_SIDE) : len;
	buf = xmalloc(to - from + 10);
	snprintf(buf, to - from + 10, "%s%.*s[%.*s]%.*s%s",
	    from > 0 ? "..." : "", (int)(m - from), body + from, (int)tl, at,
	    (int)(to - m - tl), at + tl, to < len ? "..." : "");
	out = json_string(buf);
	free(buf);
	return out;
}

static int
cmd_hit_add(void *arg, const struct store_post *p, const char *snippet)
{
	struct cmd_hits *h = arg;
	struct proto_post wire;
	char ts[PROTO_TS_LEN];
	json_t *o;

	if (view_post(&h->v, p, &wire) == VIEW_NONE || wire.body == NULL)
		return 0;
	proto_ts_format(p->ts, ts);
	o = json_pack("{s:I, s:I, s:I, s:s, s:s}", "post", (json_int_t)p->post,
	    "thread", (json_int_t)p->thread, "eid", (json_int_t)p->eid,
	    "channel", p->channel, "ts", ts);
	if (wire.author != NULL) {
		json_object_set_new(o, "author", json_string(wire.author));
		json_object_set_new(o, "org", json_string(wire.org));
	} else
		json_object_set_new(o, "anon", json_true());
	if (wire.title != NULL)
		json_object_set_new(o, "title", json_string(wire.title));
	if (wire.state != NULL)
		json_object_set_new(o, "state", json_string(wire.state));
	json_object_set_new(o, "snippet", snippet != NULL ?
	    json_string(snippet) : cmd_snippet(wire.body, h->text));
	json_array_append_new(h->list, o);
	return 0;
}

static int
cmd_res_hit_add(void *arg, const struct store_resource *r,
    const char *snippet)
{
	struct cmd_hits *h = arg;
	const char *text = r->summary != NULL && strstr(r->summary, h->text) ?
	    r->summary : r->title;

	json_array_append_new(h->list, json_pack("{s:o, s:o}", "resource",
	    cmd_resource_json(r), "snippet", snippet != NULL ?
	    json_string(snippet) : cmd_snippet(text, h->text)));
	return 0;
}

/* Resources are shared with the whole network: nothing to filter by
 * reader, and no channel to name. */
static void
cmd_search_resources(struct cmd_q *q, const char *text, int limit,
    int offset)
{
	struct cmd_hits h;
	int more = 0;

	if (json_object_get(q->req->root, "channel") != NULL)
		return conn_reply_err(q->c, q->req->id, PROTO_E_BAD_REQUEST,
		    "resources are not in channels: search them without "
		    "\"channel\"");
	memset(&h, 0, sizeof h);
	h.text = text;
	h.list = json_array();
	if (store_resource_search(q->c->srv->store, text, limit, offset,
	    cmd_res_hit_add, &h, &more) != STORE_OK) {
		json_decref(h.list);
		return conn_reply_err(q->c, q->req->id, PROTO_E_INTERNAL, NULL);
	}
	conn_reply_ok(q->c, q->req->id, json_pack("{s:o, s:b}", "results",
	    h.list, "more", more));
}

static void
cmd_search(struct cmd_q *q)
{
	struct conn *c = q->c;
	struct proto_req *req = q->req;
	int64_t limit = CMD_SEARCH_DEFAULT, offset = 0, chan = 0;
	const char *text, *name;
	int has_channel = 0, resources = 0, more = 0;
	struct store_channel ch;
	enum proto_err err;
	struct cmd_hits h;

	if (proto_get_str(req, "text", 1, &text, NULL) != PROTO_OK)
		return cmd_bad_field(c, req, "text");
	if ((err = proto_check_query(text)) != PROTO_OK)
		return conn_reply_err(c, req->id, err, err == PROTO_E_TOO_LARGE ?
		    "search for at most " PROTO_XSTR(PROTO_MAX_QUERY) " bytes" :
		    "give some text to search for, without control "
		    "characters");
	if (proto_get_int(req, "limit", 0, 1, CMD_SEARCH_LIMIT, &limit, NULL) !=
	    PROTO_OK || proto_get_int(req, "offset", 0, 0, CMD_SEARCH_OFFSET,
	    &offset, NULL) != PROTO_OK)
		return cmd_bad_field(c, req, "limit\" or \"offset");
	if (proto_get_bool(req, "resources", &resources) != PROTO_OK)
		return cmd_bad_field(c, req, "resources");
	if (resources)
		return cmd_search_resources(q, text, (int)limit, (int)offset);
	if (proto_get_str(req, "channel", 0, &name, &has_channel) != PROTO_OK)
		return cmd_bad_field(c, req, "channel");
	if (has_channel) {
		if (cmd_channel_named(c, req, name, &ch) != 0)
			return;
		chan = ch.id;
	}
	memset(&h, 0, sizeof h);
	view_viewer(&h.v, &c->acct);
	h.text = text;
	h.list = json_array();
	if (store_search(c->srv->store, &h.v, text, chan, (int)limit,
	    (int)offset, cmd_hit_add, &h, &more) != STORE_OK) {
		json_decref(h.list);
		return conn_reply_err(c, req->id, PROTO_E_INTERNAL, NULL);
	}
	conn_reply_ok(c, req->id, json_pack("{s:o, s:b}", "results", h.list,
	    "more", more));
}

const struct cmd_entry cmd_search_entries[] = {
	{ "search", CMD_AUTH, CAP_MEMBER, CMD_T_NONE, NULL, cmd_search },
	{ NULL, 0, 0, CMD_T_NONE, NULL, NULL }
};
