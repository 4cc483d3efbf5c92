/*
 * cmd-sync.c: sync and tail, the two ways of keeping up.
 *
 * `sync` is for catching up after time away: everything new in every
 * joined channel since the last sync, remembered as an event id in the
 * state directory, then what waits unread in the inbox. The id is
 * saved after each page has been printed, so an interrupted sync
 * repeats at most one page and skips nothing; the inbox is not a
 * position but a state (unread until `inbox read`), so it is shown
 * again until it is read.
 *
 * `tail` follows one channel live (follow.c keeps it complete across
 * gaps) until it has shown --count posts or --timeout seconds have
 * passed; without either it runs until interrupted. When the link fails
 * it connects again by itself, waiting longer between tries (follow.h),
 * and carries on from the last post shown, the deadline still bounding
 * the whole run; each loss and return is a line on stderr, so stdout
 * stays the posts alone. It does not touch
 * the saved sync position: watching one channel is not catching up on
 * all of them.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "follow.h"
#include "net.h"
#include "print.h"
#include "state.h"

/* A day in seconds, times a thousand days: longer is not a timeout. */
#define TAIL_TIMEOUT_MAX	(86400 * 1000)

static int	cmd_sync_exec(struct client *, struct cmd_args *);
static int	cmd_tail_exec(struct client *, struct cmd_args *);

const struct cmd_entry cmd_sync_entry = {
	.name = "sync",
	.usage = "",
	.summary = "Show everything new in your channels since the last sync.",
	.help =
"Prints the posts in every channel you have joined that arrived since\n"
"the last `harbour sync` (everything, the first time), oldest first,\n"
"then remembers where it stopped in the state directory. Then, if any,\n"
"the unread items of your inbox (see `harbour inbox`).\n",
	.opts = { { NULL, NULL } },
	.args_min = 0, .args_max = 0,
	.exec = cmd_sync_exec,
};

const struct cmd_entry cmd_tail_entry = {
	.name = "tail",
	.usage = "CHANNEL [--count N] [--timeout SECONDS]",
	.summary = "Follow a channel's new posts as they arrive.",
	.help =
"Prints each new post in CHANNEL as it is posted. Stops after N posts\n"
"with --count, or after SECONDS with --timeout, whichever comes first;\n"
"without either, runs until interrupted. You must have joined the\n"
"channel. If the connection falls behind, the missed posts are fetched\n"
"and shown in order, so none is skipped. A post that changes (approved,\n"
"hidden, edited, deleted) is shown again as it is now. Urgent reports\n"
"you may act on are shown as they come, as alerts, from any channel;\n"
"so is what arrives in your inbox during your working hours, and what\n"
"waited, as \"while you were away\", when they begin.\n"
"If the connection is lost (the server restarts, the network drops),\n"
"tail says so on stderr and connects again by itself, trying after\n"
"half a second, then waiting twice as long each time up to 30 seconds;\n"
"back, it shows what was posted meanwhile, each post once, and says\n"
"how many. --timeout counts the time spent away.\n",
	.opts = { { "count", "N" }, { "timeout", "SECONDS" }, { NULL, NULL } },
	.args_min = 1, .args_max = 1,
	.exec = cmd_tail_exec,
};

static int
sync_save(int64_t eid)
{
	char	*cause;

	if (state_eid_save(eid, &cause) == 0)
		return (CLIENT_EXIT_OK);
	client_error(CLIENT_EXIT_FAIL, "cannot remember where this sync "
	    "stopped: %s", cause);
	free(cause);
	return (CLIENT_EXIT_FAIL);
}

/*
 * What waits unread in the inbox, after the posts: every page carries
 * it, and the last page's is the newest. With --json each item is a
 * line shaped as the live event is, {"ev":"inbox","item":{...}}, so a
 * script reads one shape however an item reached it.
 */
static void
sync_print_inbox(struct client *c, json_t *inbox)
{
	json_t	*it, *ev;
	size_t	 i, n = json_array_size(inbox);

	if (n == 0)
		return;
	if (!c->json)
		printf("%s%zu unread in your inbox:\n", print_posts_shown() ?
		    "\n" : "", n);
	json_array_foreach(inbox, i, it) {
		if (c->json) {
			ev = json_pack("{s:s, s:O}", "ev", "inbox", "item", it);
			print_json(ev);
			json_decref(ev);
		} else {
			fputs("  ", stdout);
			print_item(it);
		}
	}
}

static int
cmd_sync_exec(struct client *c, struct cmd_args *a)
{
	json_t	*req, *result, *ev, *inbox = NULL;
	int64_t	 since, last;
	char	*cause;
	size_t	 i;
	int	 r, more;

	(void)a;
	if (state_eid_load(&since, &cause) == -1) {
		client_error(CLIENT_EXIT_FAIL, "%s", cause);
		free(cause);
		return (CLIENT_EXIT_FAIL);
	}
	if ((r = client_login(c)) != 0)
		return (r);
	do {
		req = client_request(c, "sync");
		json_object_set_new(req, "since", json_integer(since));
		/* What `read`, `tail` or `chat` showed already is not printed
		 * again (unless it changed since). */
		json_object_set_new(req, "unseen", json_true());
		if ((r = client_call(c, req, &result)) != 0)
			break;
		json_array_foreach(json_object_get(result, "events"), i, ev)
			print_event(c, ev);
		last = json_integer_value(json_object_get(result, "last_eid"));
		more = json_is_true(json_object_get(result, "more"));
		json_decref(inbox);
		inbox = json_incref(json_object_get(result, "inbox"));
		json_decref(result);
		/* Printed before remembered: a crash shows a page twice,
		 * never loses one. */
		if ((r = print_done()) != 0 ||
		    (last > since && (r = sync_save(last)) != 0))
			break;
		if (last <= since && more) {
			r = client_error(CLIENT_EXIT_FAIL, "the server said "
			    "there is more but sent nothing newer");
			break;
		}
		since = last;
	} while (more);
	if (r == 0) {
		sync_print_inbox(c, inbox);
		r = print_done();
	}
	json_decref(inbox);
	return (r);
}

struct tail {
	int64_t	count;		/* posts to show; 0: no limit */
	int64_t	shown;
	int	status;		/* set when stdout fails */
};

static void
tail_show(struct follow *f, json_t *ev)
{
	struct tail	*t = f->arg;

	print_event(f->c, ev);
	if ((t->status = print_done()) != 0)
		f->stop = 1;
	if (t->count != 0 && ++t->shown >= t->count)
		f->stop = 1;
}

/* Alerts are shown as they come, and never count as posts. */
static void
tail_notice(struct follow *f, json_t *ev)
{
	struct tail	*t = f->arg;

	print_event(f->c, ev);
	if ((t->status = print_done()) != 0)
		f->stop = 1;
}

/* Milliseconds until deadline (0 when it has passed), -1 for none;
 * capped to what poll(2) takes, the caller waits again after. */
static int
tail_wait_ms(uint64_t deadline)
{
	uint64_t	now;

	if (deadline == 0)
		return (-1);
	if ((now = util_now_ms()) >= deadline)
		return (0);
	if (deadline - now > INT32_MAX)
		return (INT32_MAX);
	return ((int)(deadline - now));
}

/*
 * The link failed: try again until it is back, the deadline passes (0,
 * as a timeout ends the run) or the server refuses us.
 */
static int
tail_reconnect(struct follow *f, uint64_t deadline, char *lost)
{
	struct client	*c = f->c;
	int64_t		 missed;
	char		*cause;
	int		 r, wait, ms = FOLLOW_RETRY_FIRST_MS;

	if (lost != NULL)
		fprintf(stderr, "harbour: lost the connection to %s: %s; "
		    "reconnecting\n", c->server, lost);
	else
		fprintf(stderr, "harbour: reconnecting to %s\n", c->server);
	free(lost);
	for (;;) {
		if ((wait = tail_wait_ms(deadline)) == 0)
			return (CLIENT_EXIT_OK);
		if (wait == -1 || wait > ms)
			wait = ms;
		util_sleep_ms(wait);
		if ((r = follow_reconnect(f, &missed, &cause)) == 0)
			break;
		free(cause);
		if (r != -1)
			return (r);
		ms = follow_retry_next(ms);
	}
	fprintf(stderr, "harbour: reconnected to %s; %lld post%s while "
	    "away\n", c->server, (long long)missed, missed == 1 ? "" : "s");
	return (CLIENT_EXIT_OK);
}

static int
tail_loop(struct follow *f, uint64_t deadline)
{
	json_t	*ev;
	char	*cause;
	int	 r, wait;

	while (!f->stop && (wait = tail_wait_ms(deadline)) != 0) {
		if ((r = net_read(f->c->net, wait, &ev, &cause)) == 0)
			continue;	/* the loop's test sees the deadline */
		if (r == 1) {
			r = follow_event(f, ev);
			json_decref(ev);
			if (r != CLIENT_EXIT_CONNECT) {
				if (r != 0)
					return (r);
				continue;
			}
			cause = NULL;	/* said already */
		}
		if ((r = tail_reconnect(f, deadline, cause)) != 0)
			return (r);
	}
	return (CLIENT_EXIT_OK);
}

static int
cmd_tail_exec(struct client *c, struct cmd_args *a)
{
	const char	*count = client_opt(a, "count");
	const char	*timeout = client_opt(a, "timeout");
	struct tail	 t = { 0, 0, 0 };
	struct follow	 f;
	int64_t		 secs = 0;
	uint64_t	 deadline = 0;
	int		 r;

	if (count != NULL && client_parse_int(count, 1, PROTO_ID_MAX,
	    &t.count) == -1)
		return (client_usage(a->entry, "--count takes a number of "
		    "posts, 1 or more"));
	if (timeout != NULL && client_parse_int(timeout, 1, TAIL_TIMEOUT_MAX,
	    &secs) == -1)
		return (client_usage(a->entry, "--timeout takes a number of "
		    "seconds, 1 or more"));
	if ((r = client_channel(a->argv[0])) != 0 ||
	    (r = client_login(c)) != 0)
		return (r);
	if (secs != 0)
		deadline = util_now_ms() + (uint64_t)secs * 1000;
	setvbuf(stdout, NULL, _IOLBF, 0);	/* each post as it comes */

	memset(&f, 0, sizeof f);
	f.c = c;
	f.channel = a->argv[0];
	f.show = tail_show;
	f.notice = tail_notice;
	f.arg = &t;
	if ((r = follow_subscribe(&f, -1)) != 0 ||
	    (r = tail_loop(&f, deadline)) != 0)
		return (r);
	return (t.status != 0 ? t.status : print_done());
}
