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
 * passed; without either it runs until interrupted. It does not touch
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
"waited, as \"while you were away\", when they begin.\n",
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

static int
cmd_tail_exec(struct client *c, struct cmd_args *a)
{
	const char	*count = client_opt(a, "count");
	const char	*timeout = client_opt(a, "timeout");
	struct tail	 t = { 0, 0, 0 };
	struct follow	 f;
	json_t		*ev;
	int64_t		 secs = 0;
	uint64_t	 deadline = 0;
	char		*cause;
	int		 r, wait;

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
	if ((r = follow_subscribe(&f, -1)) != 0)
		return (r);
	while (!f.stop && (wait = tail_wait_ms(deadline)) != 0) {
		if ((r = net_read(c->net, wait, &ev, &cause)) == 0)
			continue;	/* the loop's test sees the deadline */
		if (r == -1) {
			client_error(CLIENT_EXIT_CONNECT, "lost the connection "
			    "to %s: %s", c->server, cause);
			free(cause);
			return (CLIENT_EXIT_CONNECT);
		}
		r = follow_event(&f, ev);
		json_decref(ev);
		if (r != 0)
			return (r);
	}
	return (t.status != 0 ? t.status : print_done());
}
