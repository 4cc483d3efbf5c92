/*
 * cmd-export.c: me.export, everything the server holds about the
 * member asking, as one JSON document ("harbour-export-1", documented
 * field by field in harbour-protocol(7)): their account and settings,
 * memberships, posts with their earlier versions (anonymous ones too:
 * they wrote them), the reports they made (never those about them, nor
 * who made those), answers to events and attendance, subscriptions,
 * stories, blocks, certificates, sessions (never their tokens),
 * resources they shared, inbox items, and the months they were active
 * and the files they fetched, as the programme report counts them.
 *
 * Each part is a store_export() query whose cells this file names and
 * encodes from one table per part, so that a part's wire shape is
 * written once and the store stays free of it.
 *
 * A member's posts can outgrow one reply line (PROTO_MAX_SERVER_LINE,
 * and output_limit behind it), so posts come in pages of about
 * CMD_EXPORT_BUDGET bytes of text, newest first (a post's earlier
 * versions within a budget of their own): the first reply is the whole
 * document with the first page and "more"; {"before": POST} asks for
 * the page of posts below POST, and the client puts the document
 * together. Every other part is small for any real account; past
 * CMD_EXPORT_ROWS rows, or its share of the reply's bytes, a part is
 * cut and named in "truncated", so that a cut is never silent.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "conn.h"
#include "server.h"
#include "store.h"
#include "store-story.h"
#include "util.h"

#define CMD_EXPORT_FORMAT	"harbour-export-1"
/* Bytes of text one reply carries of posts, of one post's versions,
 * and of the other parts: together, even with every byte escaped,
 * under PROTO_MAX_SERVER_LINE once encoded. */
#define CMD_EXPORT_BUDGET	(512 * 1024)
#define CMD_EXPORT_PAGE		100	/* posts in one reply at most */
#define CMD_EXPORT_ROWS		5000	/* rows of any other part */
#define CMD_EXPORT_VERSIONS	1000	/* earlier texts of one post */
#define CMD_EXPORT_CELL		24	/* JSON around one cell */

enum cmd_kind {
	K_INT, K_TEXT, K_BOOL, K_TS, K_ROLE, K_POST_STATE, K_REPORT_STATE,
	K_ANSWER, K_INBOX, K_MONTH
};

struct cmd_field {
	const char	*name;
	enum cmd_kind	 kind;
};

#define F_END	{ NULL, K_INT }
static const struct cmd_field f_account[] = {
	{ "name", K_TEXT }, { "display_name", K_TEXT }, { "org", K_TEXT },
	{ "role", K_ROLE }, { "created_at", K_TS }, { "lead", K_BOOL },
	{ "tz", K_TEXT }, { "hours", K_TEXT }, { "suspended", K_BOOL },
	{ "suspended_reason", K_TEXT }, F_END
};
static const struct cmd_field f_memberships[] = {
	{ "channel", K_TEXT }, { "joined_at", K_TS }, F_END
};
static const struct cmd_field f_posts[] = {
	{ "post", K_INT }, { "channel", K_TEXT }, { "thread", K_INT },
	{ "ts", K_TS }, { "title", K_TEXT }, { "body", K_TEXT },
	{ "note", K_TEXT }, { "state", K_POST_STATE },
	{ "anonymous", K_BOOL }, { "edits", K_INT }, F_END
};
static const struct cmd_field f_versions[] = {
	{ "ts", K_TS }, { "title", K_TEXT }, { "body", K_TEXT }, F_END
};
static const struct cmd_field f_reports[] = {
	{ "report", K_INT }, { "post", K_INT }, { "reason", K_TEXT },
	{ "urgent", K_BOOL }, { "state", K_REPORT_STATE }, { "ts", K_TS },
	F_END
};
static const struct cmd_field f_rsvps[] = {
	{ "event", K_INT }, { "title", K_TEXT }, { "answer", K_ANSWER },
	{ "ts", K_TS }, F_END
};
static const struct cmd_field f_attendance[] = {
	{ "event", K_INT }, { "title", K_TEXT }, { "ts", K_TS }, F_END
};
static const struct cmd_field f_subscriptions[] = {
	{ "tag", K_TEXT }, { "ts", K_TS }, F_END
};
static const struct cmd_field f_stories[] = {
	{ "post", K_INT }, { "channel", K_TEXT }, { "consent", K_TEXT },
	{ "named", K_BOOL }, { "shared_at", K_TS }, { "withdrawn_at", K_TS },
	F_END
};
static const struct cmd_field f_blocks[] = {
	{ "user", K_TEXT }, { "ts", K_TS }, F_END
};
static const struct cmd_field f_certificates[] = {
	{ "serial", K_TEXT }, { "not_after", K_TS }, { "created_at", K_TS },
	{ "revoked_at", K_TS }, F_END
};
static const struct cmd_field f_sessions[] = {
	{ "created_at", K_TS }, { "revoked_at", K_TS },
	{ "by_certificate", K_BOOL }, F_END
};
static const struct cmd_field f_resources[] = {
	{ "resource", K_INT }, { "title", K_TEXT }, { "summary", K_TEXT },
	{ "url", K_TEXT }, { "type", K_TEXT }, { "size", K_INT },
	{ "org", K_TEXT }, { "ts", K_TS }, { "deleted_at", K_TS }, F_END
};
static const struct cmd_field f_inbox[] = {
	{ "kind", K_INBOX }, { "ref", K_INT }, { "ts", K_TS },
	{ "read_at", K_TS }, { "note", K_TEXT }, F_END
};
static const struct cmd_field f_activity[] = {
	{ "month", K_MONTH }, F_END
};
static const struct cmd_field f_fetches[] = {
	{ "resource", K_INT }, { "ts", K_TS }, F_END
};

/* The document's list parts after the posts, in its order. */
static const struct cmd_part {
	const char		*name;
	enum store_export_part	 part;
	const struct cmd_field	*fields;
} cmd_parts[] = {
	{ "memberships", STORE_EXPORT_MEMBERSHIPS, f_memberships },
	{ "reports", STORE_EXPORT_REPORTS, f_reports },
	{ "rsvps", STORE_EXPORT_RSVPS, f_rsvps },
	{ "attendance", STORE_EXPORT_ATTENDANCE, f_attendance },
	{ "subscriptions", STORE_EXPORT_SUBSCRIPTIONS, f_subscriptions },
	{ "stories", STORE_EXPORT_STORIES, f_stories },
	{ "blocks", STORE_EXPORT_BLOCKS, f_blocks },
	{ "certificates", STORE_EXPORT_CERTIFICATES, f_certificates },
	{ "sessions", STORE_EXPORT_SESSIONS, f_sessions },
	{ "resources", STORE_EXPORT_RESOURCES, f_resources },
	{ "inbox", STORE_EXPORT_INBOX, f_inbox },
	{ "activity", STORE_EXPORT_ACTIVITY, f_activity },
	{ "fetches", STORE_EXPORT_FETCHES, f_fetches },
};

static const char *const cmd_post_states[] = {
	[STORE_POST_VISIBLE] = "visible", [STORE_POST_HELD] = "held",
	[STORE_POST_HIDDEN] = "hidden", [STORE_POST_REJECTED] = "rejected",
	[STORE_POST_DELETED] = "deleted",
};
static const char *const cmd_report_states[] = {
	[STORE_REPORT_OPEN] = "open", [STORE_REPORT_ACKED] = "acknowledged",
	[STORE_REPORT_RESOLVED] = "resolved",
};
static const char *const cmd_answers[] = {
	[STORE_RSVP_YES] = "yes", [STORE_RSVP_MAYBE] = "maybe",
	[STORE_RSVP_NO] = "no", [STORE_RSVP_WAITING] = "waiting",
};
static const char *const cmd_inbox_kinds[] = {
	[STORE_INBOX_RESOURCE] = "resource", [STORE_INBOX_MENTION] = "mention",
	[STORE_INBOX_NOTICE] = "notice", [STORE_INBOX_EVENT] = "event",
	[STORE_INBOX_REMINDER] = "reminder", [STORE_INBOX_MESSAGE] = "message",
};

/* A stored code's name, or the number when the table has none. */
static json_t *
cmd_code(const char *const *names, size_t n, int64_t v)
{
	if (v >= 0 && (size_t)v < n && names[v] != NULL)
		return json_string(names[v]);
	return json_integer(v);
}
#define CMD_CODE(t, v)	cmd_code((t), sizeof (t) / sizeof (t)[0], (v))

static json_t *
cmd_cell(const struct store_cell *c, enum cmd_kind kind)
{
	char ts[PROTO_TS_LEN];

	if (c->null)
		return json_null();
	switch (kind) {
	case K_TEXT:
		return json_string(c->s != NULL ? c->s : "");
	case K_BOOL:
		return json_boolean(c->i != 0);
	case K_TS:
		proto_ts_format(c->i, ts);
		return json_string(ts);
	case K_ROLE:
		return json_string(proto_role_name((enum proto_role)c->i));
	case K_POST_STATE:
		return CMD_CODE(cmd_post_states, c->i);
	case K_REPORT_STATE:
		return CMD_CODE(cmd_report_states, c->i);
	case K_ANSWER:
		return CMD_CODE(cmd_answers, c->i);
	case K_INBOX:
		return CMD_CODE(cmd_inbox_kinds, c->i);
	case K_MONTH:
		snprintf(ts, sizeof ts, "%04d-%02d", (int)(c->i / 100),
		    (int)(c->i % 100));
		return json_string(ts);
	default:
		return json_integer(c->i);
	}
}

/* One part's rows into an array, within a count and a byte budget. */
struct cmd_rows {
	const struct cmd_field	*fields;
	json_t			*arr;
	size_t			 bytes;		/* of text so far */
	size_t			 budget;
	size_t			 max;		/* rows */
	int			 cut;
};

static size_t
cmd_row_bytes(const struct store_cell *cells, int n)
{
	size_t bytes = 0;
	int i;

	for (i = 0; i < n; i++)
		bytes += CMD_EXPORT_CELL + (cells[i].s != NULL ?
		    strlen(cells[i].s) : 0);
	return bytes;
}

static json_t *
cmd_row_object(const struct cmd_field *f, const struct store_cell *cells,
    int n)
{
	json_t *o = json_object();
	int i;

	for (i = 0; i < n && f[i].name != NULL; i++)
		json_object_set_new(o, f[i].name, cmd_cell(&cells[i],
		    f[i].kind));
	return o;
}

static int
cmd_row_add(void *arg, const struct store_cell *cells, int n)
{
	struct cmd_rows *r = arg;
	size_t bytes = cmd_row_bytes(cells, n);

	if (json_array_size(r->arr) >= r->max ||
	    (json_array_size(r->arr) > 0 && r->bytes + bytes > r->budget)) {
		r->cut = 1;
		return 1;
	}
	r->bytes += bytes;
	json_array_append_new(r->arr, cmd_row_object(r->fields, cells, n));
	return 0;
}

/* A part's rows as an array (new reference), NULL on failure; *cut
 * set when some were left out. */
static json_t *
cmd_part(struct conn *c, enum store_export_part part,
    const struct cmd_field *fields, int64_t key, size_t max, size_t budget,
    size_t *bytes, int *cut)
{
	struct cmd_rows r = { fields, json_array(), 0, budget, max, 0 };

	if (store_export(c->srv->store, part, c->acct.id, key, (int)max + 1,
	    cmd_row_add, &r) != STORE_OK) {
		json_decref(r.arr);
		return NULL;
	}
	if (bytes != NULL)
		*bytes += r.bytes;
	*cut = r.cut;
	return r.arr;
}

/* ---- posts, a page at a time ------------------------------------------ */

struct cmd_posts {
	struct conn	*c;
	json_t		*arr;
	size_t		 bytes;
	int		 more;
	int		 failed;
};

static int
cmd_post_add(void *arg, const struct store_cell *cells, int n)
{
	struct cmd_posts *p = arg;
	size_t bytes = cmd_row_bytes(cells, n);
	json_t *o, *versions;
	int cut;

	if (json_array_size(p->arr) >= CMD_EXPORT_PAGE ||
	    (json_array_size(p->arr) > 0 && p->bytes >= CMD_EXPORT_BUDGET)) {
		p->more = 1;
		return 1;
	}
	o = cmd_row_object(f_posts, cells, n);
	versions = cmd_part(p->c, STORE_EXPORT_VERSIONS, f_versions,
	    cells[0].i, CMD_EXPORT_VERSIONS, CMD_EXPORT_BUDGET, &bytes, &cut);
	if (versions == NULL) {
		json_decref(o);
		p->failed = 1;
		return 1;
	}
	json_object_set_new(o, "versions", versions);
	/* Hundreds of edits of a long post: the oldest texts, and say so. */
	if (cut)
		json_object_set_new(o, "versions_truncated", json_true());
	p->bytes += bytes;
	json_array_append_new(p->arr, o);
	return 0;
}

/* The page of the account's posts below before (0: the newest). */
static json_t *
cmd_posts_page(struct conn *c, int64_t before, int *more)
{
	struct cmd_posts p = { c, json_array(), 0, 0, 0 };

	if (store_export(c->srv->store, STORE_EXPORT_POSTS, c->acct.id,
	    before, CMD_EXPORT_PAGE + 1, cmd_post_add, &p) != STORE_OK ||
	    p.failed) {
		json_decref(p.arr);
		return NULL;
	}
	*more = p.more;
	return p.arr;
}

/* ---- the document ------------------------------------------------------ */

/* The account, and its settings (working hours and their zone). */
static int
cmd_export_account(struct conn *c, json_t *doc)
{
	json_t *a, *acct;
	int cut;

	if ((a = cmd_part(c, STORE_EXPORT_ACCOUNT, f_account, 0, 1,
	    (size_t)-1, NULL, &cut)) == NULL)
		return -1;
	if ((acct = json_array_get(a, 0)) == NULL) {
		json_decref(a);
		return -1;
	}
	json_object_set(doc, "account", acct);
	json_object_set_new(doc, "settings", json_pack("{s:O, s:O}", "tz",
	    json_object_get(acct, "tz"), "hours",
	    json_object_get(acct, "hours")));
	json_decref(a);
	return 0;
}

static json_t *
cmd_export_document(struct conn *c)
{
	json_t *doc, *arr, *truncated;
	size_t i, bytes = 0;
	int more, cut;

	doc = json_pack("{s:s}", "format", CMD_EXPORT_FORMAT);
	truncated = json_array();
	if (cmd_export_account(c, doc) != 0 ||
	    (arr = cmd_posts_page(c, 0, &more)) == NULL)
		goto fail;
	json_object_set_new(doc, "posts", arr);
	json_object_set_new(doc, "more", json_boolean(more));
	for (i = 0; i < sizeof cmd_parts / sizeof cmd_parts[0]; i++) {
		arr = cmd_part(c, cmd_parts[i].part, cmd_parts[i].fields, 0,
		    CMD_EXPORT_ROWS, CMD_EXPORT_BUDGET > bytes ?
		    CMD_EXPORT_BUDGET - bytes : 0, &bytes, &cut);
		if (arr == NULL)
			goto fail;
		json_object_set_new(doc, cmd_parts[i].name, arr);
		if (cut)
			json_array_append_new(truncated,
			    json_string(cmd_parts[i].name));
	}
	json_object_set_new(doc, "truncated", truncated);
	return doc;
fail:
	json_decref(truncated);
	json_decref(doc);
	return NULL;
}

void
cmd_me_export(struct cmd_q *q)
{
	struct conn *c = q->c;
	json_t *result = NULL, *posts;
	int64_t before = 0;
	int more, present = 0;

	if (proto_get_int(q->req, "before", 0, 1, PROTO_ID_MAX, &before,
	    &present) != PROTO_OK)
		return cmd_bad_field(c, q->req, "before");
	if (!present)
		result = cmd_export_document(c);
	else if ((posts = cmd_posts_page(c, before, &more)) != NULL)
		result = json_pack("{s:o, s:b}", "posts", posts, "more", more);
	if (result == NULL)
		return conn_reply_err(c, q->req->id, PROTO_E_INTERNAL, NULL);
	conn_reply_ok(c, q->req->id, result);
}
