/*
 * follow.c: keeping a live view of one channel complete.
 *
 * The server pushes new posts to a subscribed connection, and the
 * protocol promises each exactly once and in order, with one exception:
 * a connection that falls behind is unsubscribed and told so with a
 * `gap` event naming the last event it was sent. What came after is in
 * history. So on a gap we page through `sync` from that event, keep the
 * posts of our channel, and subscribe again from where the history
 * ended, letting the subscription's replay cover whatever was posted in
 * between. `seen` (the newest post shown) drops anything shown twice
 * where history and replay overlap, so the person sees every post once.
 *
 * When the link fails (the server restarted, the network dropped),
 * follow_reconnect connects and logs in again and subscribes with since
 * = the last post shown, or where the last subscription started when
 * none was: the server replays what came in between, and `seen` drops
 * what overlaps, so nothing is missed and nothing shown twice.
 *
 * The server also pings a connection it has not heard from for a while;
 * any request answers it, and `ping` is the cheapest.
 *
 * A changed post (approved, hidden, edited, deleted) arrives as a new
 * event for the same post id with a higher eid, so it passes `seen`
 * like any new post; the caller shows it as replacing the old one.
 * Alerts (urgent reports) and report events are not the channel's:
 * they go to notice, whatever channel is followed. So do inbox items
 * (announcements of resources, mentions), pushed one by one during the
 * person's working hours, and the digest of those that waited, which
 * the server sends when the hours begin or right after the subscribe:
 * a live view is where someone who is working sees what is for them.
 */
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "follow.h"
#include "net.h"

/* Each catch-up ends closer to the present; if the channel still
 * outruns us this many times in a row, something is wrong. */
#define FOLLOW_CATCHUP_TRIES	10

static int
follow_is(json_t *ev, const char *name)
{
	const char	*s;

	s = json_string_value(json_object_get(ev, "ev"));
	return (s != NULL && strcmp(s, name) == 0);
}

/*
 * Show a post of the channel, once, then tell the server it was shown
 * (`mark`): a post seen live is read, so that `channels` stops counting
 * it and `sync` does not print it again.
 */
static int
follow_post(struct follow *f, json_t *ev)
{
	const char	*channel;
	json_int_t	 eid;
	json_t		*req;

	channel = json_string_value(json_object_get(ev, "channel"));
	eid = json_integer_value(json_object_get(ev, "eid"));
	if (channel == NULL || strcmp(channel, f->channel) != 0 ||
	    eid <= f->seen || f->stop)
		return (CLIENT_EXIT_OK);
	f->seen = eid;
	f->shown++;
	f->show(f, ev);
	if (!json_is_integer(json_object_get(ev, "post")))
		return (CLIENT_EXIT_OK);
	req = client_request(f->c, "mark");
	json_object_set_new(req, "channel", json_string(f->channel));
	json_object_set_new(req, "posts", json_pack("[O]",
	    json_object_get(ev, "post")));
	return (client_call(f->c, req, NULL));
}

/* Page through history after *since; *since ends at the last page's
 * last_eid. */
static int
follow_history(struct follow *f, int64_t *since)
{
	json_t	*req, *result, *ev;
	size_t	 i;
	int	 r, more;

	do {
		req = client_request(f->c, "sync");
		json_object_set_new(req, "since", json_integer(*since));
		/* The page holds every joined channel's posts: only those
		 * shown here are marked, one by one. */
		json_object_set_new(req, "mark", json_false());
		if ((r = client_call(f->c, req, &result)) != 0)
			return (r);
		json_array_foreach(json_object_get(result, "events"), i, ev) {
			if (follow_is(ev, "post") &&
			    (r = follow_post(f, ev)) != 0)
				break;
		}
		if (json_is_integer(json_object_get(result, "last_eid")))
			*since = json_integer_value(json_object_get(result,
			    "last_eid"));
		more = json_is_true(json_object_get(result, "more"));
		json_decref(result);
		if (r != 0)
			return (r);
	} while (more && !f->stop);
	return (CLIENT_EXIT_OK);
}

int
follow_subscribe(struct follow *f, int64_t since)
{
	json_t	*req, *channels, *result, *error;
	int	 r, tries;

	for (tries = 0; tries < FOLLOW_CATCHUP_TRIES; tries++) {
		req = client_request(f->c, "subscribe");
		channels = json_array();
		json_array_append_new(channels, json_string(f->channel));
		json_object_set_new(req, "channels", channels);
		if (since >= 0)
			json_object_set_new(req, "since", json_integer(since));
		r = client_call_quiet(f->c, req, &result, &error);
		if (r == CLIENT_EXIT_OK) {
			/* With since, the replay before the reply is what
			 * ends at last_eid; until it is shown, since is
			 * where to start again. */
			f->head = since >= 0 ? since : json_integer_value(
			    json_object_get(result, "last_eid"));
			json_decref(result);
			return (r);
		}
		if (r != CLIENT_EXIT_FAIL)
			return (r);
		if (since < 0 || !client_is_code(error, "too_far_behind")) {
			client_refused(error, NULL);
			json_decref(error);
			return (r);
		}
		json_decref(error);
		/* More than the replay may carry: history first. */
		if ((r = follow_history(f, &since)) != 0 || f->stop)
			return (r);
	}
	return (client_error(CLIENT_EXIT_FAIL, "cannot catch up with %s: "
	    "it is moving faster than it can be read", f->channel));
}

int
follow_event(struct follow *f, json_t *ev)
{
	int64_t	since;
	int	r;

	if (follow_is(ev, "post"))
		return (follow_post(f, ev));
	else if (follow_is(ev, "gap")) {
		/* What we showed ourselves needs no fetching again. */
		since = json_integer_value(json_object_get(ev, "after"));
		if (since < f->seen)
			since = f->seen;
		if ((r = follow_history(f, &since)) != 0 || f->stop)
			return (r);
		return (follow_subscribe(f, since));
	} else if (follow_is(ev, "alert") || follow_is(ev, "report") ||
	    follow_is(ev, "inbox") || follow_is(ev, "digest")) {
		if (f->notice != NULL && !f->stop)
			f->notice(f, ev);
	} else if (follow_is(ev, "ping"))
		return (client_call(f->c, client_request(f->c, "ping"), NULL));
	/* Other events are for other clients, or for a later version. */
	return (CLIENT_EXIT_OK);
}

/* Subscribe again and show the replay, which came before the reply
 * and so is all here already. */
static int
follow_resume(struct follow *f, char **cause)
{
	json_t	*ev;
	int	 r;

	if ((r = follow_subscribe(f, f->seen > f->head ? f->seen :
	    f->head)) != 0)
		return (r);
	while (!f->stop && (r = net_read(f->c->net, 0, &ev, cause)) == 1) {
		r = follow_event(f, ev);
		json_decref(ev);
		if (r != 0)
			return (r);
	}
	return (r == -1 ? -1 : CLIENT_EXIT_OK);
}

int
follow_reconnect(struct follow *f, int64_t *missed, char **cause)
{
	int64_t	before = f->shown;
	int	r;

	*missed = 0;
	*cause = NULL;
	if ((r = client_reconnect(f->c, cause)) == 0)
		r = follow_resume(f, cause);
	if (r == CLIENT_EXIT_CONNECT) {	/* lost again, and said so */
		free(*cause);
		*cause = xstrdup("the link failed again");
		r = -1;
	}
	*missed = f->shown - before;
	return (r);
}

int
follow_retry_next(int ms)
{
	return (ms >= FOLLOW_RETRY_MAX_MS / 2 ? FOLLOW_RETRY_MAX_MS : ms * 2);
}
