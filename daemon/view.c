/*
 * view.c: the one visibility rule for posts.
 *
 *   state      its author        a moderator           any other reader
 *   visible    the post          the post              the post
 *   held       it, "held"        it, "held"            nothing
 *   rejected   it, the reason    it, the reason        nothing
 *   hidden     "hidden", no text it, the reason        "hidden", no text
 *   deleted    "deleted", no text it, "deleted"        "deleted", no text
 *
 * (a moderator's "it" is the post with its text, author and reason.)
 *
 * An anonymous post carries no author or organisation for anyone, its
 * author and moderators included (an audited unmask is the only way).
 * A content note travels with every view that carries the post.
 *
 * store-read.c's STORE_SEEN is the same table's "nothing" column as
 * SQL, so pages and counts leave out what this would withhold.
 */
#include <string.h>

#include "access.h"
#include "view.h"

static const char *const view_state_names[] = {
	[STORE_POST_VISIBLE] = NULL,
	[STORE_POST_HELD] = "held",
	[STORE_POST_HIDDEN] = "hidden",
	[STORE_POST_REJECTED] = "rejected",
	[STORE_POST_DELETED] = "deleted",
};

void
view_viewer(struct store_viewer *v, const struct store_ident *a)
{
	uint32_t caps = access_caps(a->role);

	memset(v, 0, sizeof *v);
	v->account = a->id;
	v->org_id = a->org_id;
	/* The same rule as access_moderates(), by kind of channel. */
	v->mod_peer = (caps & CAP_FACILITATE) != 0;
	v->mod_org = (caps & CAP_ORG_ADMIN) != 0 || a->lead;
}

static int
view_moderates_channel(const struct store_viewer *v, int kind, int64_t org)
{
	if (kind == STORE_CHANNEL_PEER || kind == STORE_CHANNEL_GROUP)
		return v->mod_peer;
	return v->mod_org && org == v->org_id;
}

int
view_moderates(const struct store_viewer *v, const struct store_post *p)
{
	return view_moderates_channel(v, p->channel_kind, p->channel_org);
}

/* The parts every view shares. */
static void
view_fill(const struct store_post *p, struct proto_post *out)
{
	memset(out, 0, sizeof *out);
	out->eid = p->eid;
	out->post = p->post;
	out->thread = p->thread;
	out->ts = p->ts;
	out->channel = p->channel;
	if (!p->anonymous) {
		out->author = p->author;
		out->org = p->org;
	}
	out->note = p->note;
	out->edited = p->edits;
	if ((unsigned)p->state < sizeof view_state_names /
	    sizeof view_state_names[0])
		out->state = view_state_names[p->state];
}

int
view_uniform(const struct store_post *p)
{
	return p->state == STORE_POST_VISIBLE;
}

enum view_class
view_post(const struct store_viewer *v, const struct store_post *p,
    struct proto_post *out)
{
	int own, mod;

	view_fill(p, out);
	/* The hot path: an ordinary post reads the same for everyone. */
	if (view_uniform(p)) {
		out->title = p->title;
		out->body = p->body;
		return VIEW_PUBLIC;
	}
	mod = view_moderates(v, p);
	own = p->author_id == v->account;
	if (mod || (own && (p->state == STORE_POST_HELD ||
	    p->state == STORE_POST_REJECTED))) {
		if (mod || p->state != STORE_POST_DELETED) {
			out->title = p->title;
			out->body = p->body;
		}
		out->reason = p->reason;
		return mod ? VIEW_MODERATOR : VIEW_OWN;
	}
	if (p->state == STORE_POST_HIDDEN || p->state == STORE_POST_DELETED) {
		out->note = NULL;	/* nothing of what it said */
		return VIEW_PUBLIC;
	}
	memset(out, 0, sizeof *out);
	return VIEW_NONE;
}

void
view_thread(const struct store_viewer *v, int64_t channel_org,
    int channel_kind, const struct store_thread *t, const char **title,
    const char **author)
{
	int withheld = t->state == STORE_POST_HIDDEN ||
	    t->state == STORE_POST_DELETED;

	*author = t->anonymous ? NULL : t->author;
	*title = t->title;
	if (withheld && !view_moderates_channel(v, channel_kind, channel_org))
		*title = NULL;
}
