/*
 * view.h: what one viewer sees of a post. The store hands out domain
 * posts (struct store_post: state, author, anonymity, content note);
 * view_post() turns one into the wire shape a given viewer may have, or
 * nothing. Every path that sends posts (read, threads, sync, subscribe's
 * replay, the live fan-out, and later search and the inbox) goes
 * through it, so the rule is written once.
 *
 * The answer's class says which of a few distinct views it is, so the
 * fan-out encodes a post once per class rather than once per recipient:
 * for an ordinary visible post every viewer gets VIEW_PUBLIC.
 */
#ifndef HARBOUR_VIEW_H
#define HARBOUR_VIEW_H

#include "proto.h"
#include "store.h"

enum view_class {
	VIEW_NONE = 0,		/* not for this viewer: as if it did not exist */
	VIEW_PUBLIC,		/* what every member reading the channel gets */
	VIEW_OWN,		/* its author's: their own waiting or rejected post */
	VIEW_MODERATOR,		/* a moderator's: everything but an anonymous author */
	VIEW__COUNT
};

/* The viewer an identity is, for view_post() and the store's reads. */
void		view_viewer(struct store_viewer *, const struct store_ident *);
/* Whether the viewer moderates the post's channel. */
int		view_moderates(const struct store_viewer *,
		    const struct store_post *);
/* What the viewer gets of p: its class, and (unless VIEW_NONE) the wire
 * post in *out, whose strings point into p. */
enum view_class	view_post(const struct store_viewer *,
		    const struct store_post *, struct proto_post *out);
/* Whether every viewer gets the same view of p (an ordinary visible
 * post); then view_post() may be given a NULL viewer. */
int		view_uniform(const struct store_post *);
/* What the viewer gets of a thread's root in a listing: the title and
 * author to show (NULL: withheld). */
void		view_thread(const struct store_viewer *, int64_t channel_org,
		    int channel_kind, const struct store_thread *,
		    const char **title, const char **author);

#endif
