/*
 * cmd-story.c: stories with consent. A member shares a post of theirs
 * as a story for the programme's report (story.share), with the words
 * of their consent and whether it allows naming them and their
 * organisation; they may withdraw it at any time (story.withdraw), for
 * good. Facilitators list the live stories (stories) and export them
 * anonymised (stories.export); everyone else lists their own. me.export
 * (cmd-export.c) has its row here, beside the other data-rights ops.
 *
 * Sharing is not moderation, so it writes no modlog entry: the log is
 * what moderators did, read by the channel's moderators, and an entry
 * for an anonymous post's story would tell them who wrote it. The
 * consent's own record is the stories row: its words, its time, its
 * withdrawal.
 *
 * The export is the one place a story leaves the people who could read
 * its post, so it is anonymised here, on the way out: no author or
 * organisation unless the consent allows naming, the channel's
 * organisation cut from its theme, no post id (the ids are the
 * channel's event ids, enough to find the post and its author: stories
 * are numbered 1..n instead), and every name the server knows taken
 * out of the text (scrub.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "cmd.h"
#include "conn.h"
#include "scrub.h"
#include "server.h"
#include "store.h"
#include "store-story.h"
#include "util.h"

/* ---- the names to take out of a text ---------------------------------- */

/* Every account's login and display name, read for one request. */
struct cmd_names {
	char		**v;
	size_t		  n, cap;
};

static void
cmd_names_add(struct cmd_names *ns, const char *name)
{
	if (name == NULL || *name == '\0')
		return;
	if (ns->n == ns->cap) {
		ns->cap = ns->cap == 0 ? 64 : ns->cap * 2;
		ns->v = xrealloc(ns->v, ns->cap * sizeof *ns->v);
	}
	ns->v[ns->n++] = xstrdup(name);
}

static int
cmd_names_each(void *arg, const char *name, const char *display_name)
{
	cmd_names_add(arg, name);
	cmd_names_add(arg, display_name);
	return 0;
}

static void
cmd_names_free(struct cmd_names *ns)
{
	size_t i;

	for (i = 0; i < ns->n; i++)
		free(ns->v[i]);
	free(ns->v);
}

/* text with the names taken out (scrub.c); allocated. */
static char *
cmd_story_scrub(const char *text, const struct cmd_names *ns,
    const char *skip, const char *org)
{
	return scrub_text(text, (const char *const *)ns->v, ns->n, skip, org);
}

/* ---- a story as the wire carries it ------------------------------------ */

/* The channel's title if it has one, else its name; unnamed, without
 * the part before the slash (an organisation's name, for its
 * channels). */
static const char *
cmd_story_theme(const struct store_story *y, int anonymised)
{
	const char *slash;

	if (*y->channel_title != '\0')
		return y->channel_title;
	if (anonymised && (slash = strchr(y->channel, '/')) != NULL)
		return slash + 1;
	return y->channel;
}

/* A story for stories: the author and organisation for the author
 * themself, or where the consent allows naming. */
static json_t *
cmd_story_object(const struct store_story *y, int64_t viewer)
{
	char ts[PROTO_TS_LEN];
	json_t *o;

	proto_ts_format(y->ts, ts);
	o = json_pack("{s:I, s:s, s:s, s:s, s:b, s:s, s:b}", "post",
	    (json_int_t)y->post, "channel", y->channel, "theme",
	    cmd_story_theme(y, 0), "consent", y->consent, "named", y->named,
	    "shared_at", ts, "live", y->live);
	if (y->withdrawn_at != 0) {
		proto_ts_format(y->withdrawn_at, ts);
		json_object_set_new(o, "withdrawn_at", json_string(ts));
	}
	/* A hidden or deleted post's text is no more shown to its author
	 * here than in the channel. */
	if (y->state == STORE_POST_VISIBLE) {
		if (y->title != NULL)
			json_object_set_new(o, "title", json_string(y->title));
		json_object_set_new(o, "body", json_string(y->body));
	}
	if (y->author_id == viewer || y->named) {
		json_object_set_new(o, "author", json_string(y->author));
		json_object_set_new(o, "org", json_string(y->org));
	}
	return o;
}

/* ---- story.share ------------------------------------------------------- */

struct cmd_story_find {
	int64_t		 post;
	int64_t		 viewer;
	json_t		*found;
};

static int
cmd_story_found(void *arg, const struct store_story *y)
{
	struct cmd_story_find *f = arg;

	if (y->post != f->post)
		return 0;
	f->found = cmd_story_object(y, f->viewer);
	return 1;
}

/* Why a post that is not visible cannot be shared. */
static const char *
cmd_story_unshareable(int state)
{
	switch (state) {
	case STORE_POST_HELD:
		return "the post is waiting for a moderator: share it once "
		    "it is approved";
	case STORE_POST_HIDDEN:
		return "the post was hidden by a moderator and cannot be "
		    "shared";
	case STORE_POST_REJECTED:
		return "the post was rejected by a moderator and cannot be "
		    "shared";
	default:
		return "the post was deleted and cannot be shared";
	}
}

/* Whether the post has a story: exists, or bad_state when withdrawn;
 * 0 when none, -1 having answered. */
static int
cmd_story_taken(struct conn *c, json_t *id, int64_t post)
{
	int64_t account, withdrawn;
	int r;

	r = store_story_of(c->srv->store, post, &account, &withdrawn);
	if (r == STORE_NOTFOUND)
		return 0;
	if (r != STORE_OK)
		conn_reply_err(c, id, PROTO_E_INTERNAL, NULL);
	else if (withdrawn != 0)
		conn_reply_err(c, id, PROTO_E_BAD_STATE, "consent was "
		    "withdrawn; a withdrawn story is never shared again");
	else
		conn_reply_err(c, id, PROTO_E_EXISTS, "the post is shared "
		    "as a story already");
	return -1;
}

static void
cmd_story_shared(struct store_write *w)
{
	struct conn *c = w->ctx;
	struct cmd_story_find f = { w->post, w->account, NULL };

	if (w->result == STORE_EXISTS && conn_is_open(c)) {
		/* Shared (or withdrawn) by a request of the same moment. */
		if (cmd_story_taken(c, w->arg, w->post) == 0)
			conn_reply_err(c, w->arg, PROTO_E_EXISTS, NULL);
		cmd_write_finish(w);
		return;
	}
	if (w->result == STORE_INVALID && conn_is_open(c)) {
		conn_reply_err(c, w->arg, PROTO_E_BAD_STATE, "the post is no "
		    "longer visible and cannot be shared");
		cmd_write_finish(w);
		return;
	}
	if (w->result == STORE_OK && (store_stories(c->srv->store, w->account,
	    cmd_story_found, &f) != STORE_OK || f.found == NULL))
		w->result = STORE_ERROR;
	cmd_write_reply(w, f.found != NULL ? json_pack("{s:o}", "story",
	    f.found) : NULL, NULL);
	cmd_write_finish(w);
}

/* Its author's, visible, not a conversation's, not shared before; an
 * anonymous post never named. */
static int
cmd_story_share_check(struct cmd_q *q)
{
	struct conn *c = q->c;
	int named = 0;

	if (q->post.author_id != c->acct.id) {
		conn_reply_err(c, q->req->id, PROTO_E_FORBIDDEN, "only a "
		    "post's author can share it as a story");
		return -1;
	}
	if (q->post.state != STORE_POST_VISIBLE) {
		conn_reply_err(c, q->req->id, PROTO_E_BAD_STATE,
		    cmd_story_unshareable(q->post.state));
		return -1;
	}
	if (q->ch.kind == STORE_CHANNEL_DM) {
		conn_reply_err(c, q->req->id, PROTO_E_BAD_STATE, "a message "
		    "of a conversation is never shared as a story: the other "
		    "person is part of it");
		return -1;
	}
	if (proto_get_bool(q->req, "named", &named) != PROTO_OK) {
		cmd_bad_field(c, q->req, "named");
		return -1;
	}
	if (named && q->post.anonymous) {
		conn_reply_err(c, q->req->id, PROTO_E_BAD_STATE, "the post is "
		    "anonymous: share it without \"named\", and nobody is "
		    "named");
		return -1;
	}
	return cmd_story_taken(c, q->req->id, q->post.id);
}

static void
cmd_story_share(struct cmd_q *q)
{
	struct store_write *w;
	const char *consent;
	int named = 0;

	if (cmd_get_reason(q, "consent", 1, &consent) != 0)
		return;
	(void)proto_get_bool(q->req, "named", &named);
	w = cmd_write_new(q->c, q->req, SW_STORY_SHARE, cmd_story_shared);
	w->post = q->post.id;
	w->body = xstrdup(consent);
	w->flag = named;
	store_submit(q->c->srv->store, w);
}

/* ---- story.withdraw ------------------------------------------------- */

static void
cmd_story_withdrawn(struct store_write *w)
{
	struct conn *c = w->ctx;

	if (w->result == STORE_INVALID && conn_is_open(c))
		conn_reply_err(c, w->arg, PROTO_E_BAD_STATE, "the story was "
		    "withdrawn already");
	else
		cmd_write_reply(w, json_object(), "no story of yours for "
		    "that post");
	cmd_write_finish(w);
}

/* No target row: its author withdraws a story whatever became of its
 * post or of their place in the channel. Another's story answers as
 * none. */
static void
cmd_story_withdraw(struct cmd_q *q)
{
	struct conn *c = q->c;
	struct store_write *w;
	int64_t post, account, withdrawn;
	int r;

	if (proto_get_int(q->req, "post", 1, 1, PROTO_ID_MAX, &post, NULL) !=
	    PROTO_OK)
		return cmd_bad_field(c, q->req, "post");
	r = store_story_of(c->srv->store, post, &account, &withdrawn);
	if (r == STORE_ERROR)
		return conn_reply_err(c, q->req->id, PROTO_E_INTERNAL, NULL);
	if (r == STORE_NOTFOUND || account != c->acct.id)
		return conn_reply_err(c, q->req->id, PROTO_E_NOT_FOUND,
		    "no story of yours for that post");
	if (withdrawn != 0)
		return conn_reply_err(c, q->req->id, PROTO_E_BAD_STATE,
		    "the story was withdrawn already");
	w = cmd_write_new(c, q->req, SW_STORY_WITHDRAW, cmd_story_withdrawn);
	w->post = post;
	store_submit(c->srv->store, w);
}

/* ---- the anonymised story ------------------------------------------- */

/*
 * A story as the export gives it, without its number: no post id or
 * channel; unless named, no author or organisation, the theme without
 * its organisation, and that organisation's name taken out of its
 * texts; every other account's name taken out either way.
 */
static json_t *
cmd_story_anonymised(const struct store_story *y, const struct cmd_names *ns)
{
	const char *who = y->named ? y->author : NULL;
	const char *org = y->named ? NULL : y->org;
	char ts[PROTO_TS_LEN], *s;
	json_t *o;

	proto_ts_format(y->ts, ts);
	s = cmd_story_scrub(cmd_story_theme(y, !y->named), ns, who, org);
	o = json_pack("{s:s, s:b, s:s}", "theme", s, "named", y->named,
	    "shared_at", ts);
	free(s);
	/* The consent is in the author's words, and may name them. */
	s = cmd_story_scrub(y->consent, ns, who, org);
	json_object_set_new(o, "consent", json_string(s));
	free(s);
	if (y->title != NULL) {
		s = cmd_story_scrub(y->title, ns, who, org);
		json_object_set_new(o, "title", json_string(s));
		free(s);
	}
	s = cmd_story_scrub(y->body, ns, who, org);
	json_object_set_new(o, "body", json_string(s));
	free(s);
	if (y->named) {
		json_object_set_new(o, "author", json_string(
		    y->display_name != NULL ? y->display_name : y->author));
		json_object_set_new(o, "org", json_string(y->org));
	}
	return o;
}

/* Every account's names, longest first; 0, or -1 (a store error). */
static int
cmd_names_load(struct server *srv, struct cmd_names *ns)
{
	if (store_account_names(srv->store, cmd_names_each, ns) != STORE_OK)
		return -1;
	scrub_sort(ns->v, ns->n);
	return 0;
}

/* ---- stories and stories.export, a page at a time ---------------------- */

/* Bytes of text one reply carries at most (then "more"): stories are
 * few, but a reply must stay a line however many there are. */
#define CMD_STORY_BUDGET	(512 * 1024)
#define CMD_STORY_OVERHEAD	256	/* JSON around one story's texts */

/* A page: the stories numbered from (1-based, in the order shared). */
struct cmd_story_page {
	struct conn		*c;
	int			 exporting;	/* stories.export */
	int64_t			 from;
	int64_t			 seen;		/* stories passed so far */
	size_t			 bytes;
	int			 more;
	json_t			*list;
	struct cmd_names	 names;		/* loaded when first needed */
	int			 loaded;
	int			 failed;
};

/* Whether the caller may see the story's channel. */
static int
cmd_story_seen(struct conn *c, const struct store_story *y)
{
	struct store_channel ch;

	return store_channel_by_name(c->srv->store, y->channel, &ch) ==
	    STORE_OK && cmd_can_see(c, &ch);
}

/*
 * One story of the page. The export gives each anonymised, numbered.
 * The list gives a story as it is to its author and to one who may see
 * its channel; to anyone else (a facilitator listing another
 * organisation's, or a group's they are not in) as the export does,
 * without its number: its post id and channel would tell them of a
 * post and a channel they cannot read.
 */
static int
cmd_story_paged(void *arg, const struct store_story *y)
{
	struct cmd_story_page *p = arg;
	json_t *o;

	if (++p->seen < p->from)
		return 0;
	if (json_array_size(p->list) > 0 && p->bytes >= CMD_STORY_BUDGET) {
		p->more = 1;
		return 1;
	}
	p->bytes += CMD_STORY_OVERHEAD + strlen(y->body) +
	    strlen(y->consent) + (y->title != NULL ? strlen(y->title) : 0);
	if (!p->exporting && (y->author_id == p->c->acct.id ||
	    cmd_story_seen(p->c, y))) {
		json_array_append_new(p->list, cmd_story_object(y,
		    p->c->acct.id));
		return 0;
	}
	if (!p->loaded) {
		p->loaded = 1;
		if (cmd_names_load(p->c->srv, &p->names) != 0) {
			p->failed = 1;
			return 1;
		}
	}
	o = cmd_story_anonymised(y, &p->names);
	if (p->exporting)
		json_object_set_new(o, "n", json_integer(p->seen));
	else
		json_object_set_new(o, "live", json_boolean(y->live));
	json_array_append_new(p->list, o);
	return 0;
}

/* The page from "from" of account's stories (0: every live one). */
static void
cmd_story_page(struct cmd_q *q, int exporting, int64_t account)
{
	struct conn *c = q->c;
	struct cmd_story_page p;
	int r;

	memset(&p, 0, sizeof p);
	p.c = c;
	p.exporting = exporting;
	p.from = 1;
	if (proto_get_int(q->req, "from", 0, 1, PROTO_ID_MAX, &p.from,
	    NULL) != PROTO_OK)
		return cmd_bad_field(c, q->req, "from");
	p.list = json_array();
	r = store_stories(c->srv->store, account, cmd_story_paged, &p);
	cmd_names_free(&p.names);
	if (r != STORE_OK || p.failed) {
		json_decref(p.list);
		return conn_reply_err(c, q->req->id, PROTO_E_INTERNAL, NULL);
	}
	conn_reply_ok(c, q->req->id, json_pack("{s:o, s:b}", "stories",
	    p.list, "more", p.more));
}

static void
cmd_stories(struct cmd_q *q)
{
	int mine = 0;

	if (proto_get_bool(q->req, "mine", &mine) != PROTO_OK)
		return cmd_bad_field(q->c, q->req, "mine");
	if (!(access_caps(q->c->acct.role) & (CAP_FACILITATE | CAP_ADMIN)))
		mine = 1;
	cmd_story_page(q, 0, mine ? q->c->acct.id : 0);
}

static void
cmd_stories_export(struct cmd_q *q)
{
	cmd_story_page(q, 1, 0);
}

const struct cmd_entry cmd_story_entries[] = {
	{ "story.share", CMD_AUTH, CAP_MEMBER, CMD_T_POST,
	    cmd_story_share_check, cmd_story_share },
	{ "story.withdraw", CMD_AUTH, CAP_MEMBER, CMD_T_NONE, NULL,
	    cmd_story_withdraw },
	{ "stories", CMD_AUTH, CAP_MEMBER, CMD_T_NONE, NULL, cmd_stories },
	{ "stories.export", CMD_AUTH, CAP_FACILITATE | CAP_ADMIN, CMD_T_NONE,
	    NULL, cmd_stories_export },
	{ "me.export", CMD_AUTH, CAP_MEMBER, CMD_T_NONE, NULL,
	    cmd_me_export },
	{ NULL, 0, 0, CMD_T_NONE, NULL, NULL }
};
