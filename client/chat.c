/*
 * chat.c: `harbour chat CHANNEL`, talking in a channel interactively.
 *
 * One loop polls the keyboard and the connection. Posts arrive through
 * the channel's subscription (follow.c keeps it complete, and answers
 * the server's pings), including our own, so what the person sees is
 * what everyone sees, in the server's order.
 *
 * At a terminal the input line is libedit's (edit.c): arrows, history,
 * a paste kept as one post. An arriving post is printed above it: the
 * prompt and the half-typed text are taken off the screen, the post
 * printed, and both drawn again as they were. When stdin is not a
 * terminal (a script, a test), lines are read as they come, with no
 * prompt, and notices go to stderr.
 *
 * When the link fails (the server restarts, the network drops), chat
 * says so and tries again by itself, after half a second, then twice as
 * long each time up to half a minute (follow.h); meanwhile the person
 * can go on typing, and is told a line cannot be sent yet. Back, the
 * subscription starts again from the last post shown, so what came
 * meanwhile is shown once, and one line says how many posts that was.
 *
 * Posts are kept (the newest CHAT_KEEP of them) by id, so that a
 * changed post, which arrives as a new event for the same id, replaces
 * what was kept and is shown again marked as changed, and so that
 * /unfold ID can show the text behind a content note (folded by
 * default) and /report ID can name a post on the screen. Urgent
 * reports arrive as alerts and are shown at once, whatever the thread,
 * and so do inbox items and the digest of those that waited.
 *
 * A typed line is a reply to the current thread. There is no guessing
 * which thread a line was meant for: until the person picks one with
 * /thread ID or starts one with /new TITLE, a line is not sent, and
 * they are told so. The commands are chat-cmd.c's.
 *
 * A one-to-one conversation (dm/USER1+USER2, one of them us) is one
 * thread, so there is nothing to pick: a line is a message to the
 * other person (the dm operation), and the start shows the last few
 * messages instead of threads. When there is no conversation yet, the
 * first line starts it, and only then is there a channel to follow.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chat.h"
#include "edit.h"
#include "net.h"
#include "print.h"

/* The prompt: the channel, then the thread or "new thread". */
#define CHAT_PROMPT_MAX		(PROTO_MAX_NAME * 2 + 48)

static int	cmd_chat_exec(struct client *, struct cmd_args *);

const struct cmd_entry cmd_chat_entry = {
	.name = "chat",
	.usage = "CHANNEL",
	.summary = "Talk in a channel: new posts appear as they come.",
	.help =
"Shows the channel's recent threads and last few posts, then every new\n"
"post as it arrives. A line you type is posted as a reply to the\n"
"current thread. Commands:\n"
"  /thread ID    reply to thread ID from now on (shows its title, its\n"
"                first post and its last few)\n"
"  /new TITLE    your next line starts a new thread called TITLE\n"
"  /threads      list the channel's recent threads\n"
"  /me TEXT      post an action, written \"* YOU TEXT\"\n"
"  /unfold ID    show the text of post ID behind its content note\n"
"  /report ID REASON   report post ID to the moderators\n"
"  /urgent ID REASON   the same, urgently: someone may be at risk\n"
"  /help         list these commands and keys\n"
"  /quit         leave (so does Ctrl-D)\n"
"A line starting with // is posted with one / less. A command missing\n"
"its argument says what to give. At a terminal the line is edited as\n"
"in a shell: Left, Right, Home, End, Ctrl-A, Ctrl-E, Ctrl-W, Ctrl-U;\n"
"Up and Down go through the lines you typed. Alt-Enter puts a newline\n"
"in the post; a paste stays one post, even of several lines, and\n"
"Enter sends it. A post arriving while you type appears\n"
"above your line, which stays as it was.\n"
"If the connection is lost, chat says so and reconnects by itself\n"
"(after half a second, then twice as long each time, up to 30\n"
"seconds); back, it shows what was posted meanwhile, each post once,\n"
"and says how many. You must have joined the channel. Held, hidden,\n"
"rejected and deleted posts are marked so; a post that changes is\n"
"shown again, marked (changed). Urgent reports you may act on appear\n"
"as alerts as they come, and so does what arrives in your inbox during\n"
"your working hours. When a line names someone outside theirs, you are\n"
"told until when.\n"
"\n"
"In a conversation (dm/USER1+USER2, see `harbour dm`) there are no\n"
"threads to pick: it starts with the last few messages, and every line\n"
"is a message to the other person.\n",
	.opts = { { NULL, NULL } },
	.args_min = 1, .args_max = 1,
	.exec = cmd_chat_exec,
};

/* Take the input line off the screen before anything else is printed. */
void
chat_unprompt(struct chat *ch)
{
	if (ch->tty)
		edit_hide();
}

static void
chat_prompt(struct chat *ch)
{
	char	prompt[CHAT_PROMPT_MAX];

	if (!ch->tty)
		return;
	if (ch->title != NULL)
		snprintf(prompt, sizeof prompt, "%s new thread> ",
		    ch->f.channel);
	else if (ch->thread != 0)
		snprintf(prompt, sizeof prompt, "%s #%lld> ", ch->f.channel,
		    (long long)ch->thread);
	else
		snprintf(prompt, sizeof prompt, "%s> ", ch->f.channel);
	edit_show(prompt);
}

/* A notice for the person: on the screen, or on stderr in a pipe. */
void
chat_say(struct chat *ch, const char *fmt, ...)
{
	va_list	ap;

	chat_unprompt(ch);
	va_start(ap, fmt);
	vfprintf(ch->tty ? stdout : stderr, fmt, ap);
	va_end(ap);
	fputc('\n', ch->tty ? stdout : stderr);
	fflush(ch->tty ? stdout : stderr);
}

/* The kept event of post id, or NULL. */
json_t **
chat_find(struct chat *ch, json_int_t id)
{
	size_t	i;

	for (i = 0; i < CHAT_KEEP; i++) {
		if (ch->kept[i] != NULL && json_integer_value(
		    json_object_get(ch->kept[i], "post")) == id)
			return (&ch->kept[i]);
	}
	return (NULL);
}

/* Keep ev as its post's newest event; 1 if it replaced an earlier one. */
int
chat_keep(struct chat *ch, json_t *ev)
{
	json_t	**slot;

	if ((slot = chat_find(ch, json_integer_value(json_object_get(ev,
	    "post")))) != NULL) {
		json_decref(*slot);
		*slot = json_incref(ev);
		return (1);
	}
	json_decref(ch->kept[ch->nkept]);
	ch->kept[ch->nkept] = json_incref(ev);
	ch->nkept = (ch->nkept + 1) % CHAT_KEEP;
	return (0);
}

static void
chat_show(struct follow *f, json_t *ev)
{
	struct chat	*ch = f->arg;

	chat_unprompt(ch);
	if (chat_keep(ch, ev) && !ch->c->json)
		printf("\n(changed) post #%lld now reads:\n", (long long)
		    json_integer_value(json_object_get(ev, "post")));
	print_event(ch->c, ev);
	fflush(stdout);
}

/* Alerts and report events: at once, above the prompt. */
static void
chat_notice(struct follow *f, json_t *ev)
{
	struct chat	*ch = f->arg;

	chat_unprompt(ch);
	print_event(ch->c, ev);
	fflush(stdout);
}

/* Whom the line named who is outside their working hours: the
 * server's words, a line each, so nobody waits up for an answer. */
static void
chat_quiet(struct chat *ch, json_t *result)
{
	FILE	*fp = ch->tty ? stdout : stderr;
	json_t	*q;
	size_t	 i;

	json_array_foreach(json_object_get(result, "quiet"), i, q) {
		if (!json_is_string(json_object_get(q, "text")))
			continue;
		chat_unprompt(ch);
		print_safe_to(fp, json_string_value(json_object_get(q,
		    "text")));
		fputc('\n', fp);
	}
}

/* A message in a conversation. The first one makes the conversation,
 * which we then follow from just before it, so it shows as it would
 * have had we been following all along. */
static int
chat_dm(struct chat *ch, const char *text)
{
	json_t	*req, *result;
	int64_t	 eid;
	int	 r;

	if (proto_check_body(text) != PROTO_OK) {
		chat_say(ch, "That line was not sent: it has characters that "
		    "cannot be sent.");
		return (CLIENT_EXIT_OK);
	}
	req = client_request(ch->c, "dm");
	json_object_set_new(req, "user", json_string(ch->with));
	json_object_set_new(req, "body", json_string(text));
	chat_unprompt(ch);
	if ((r = client_call(ch->c, req, &result)) != 0)
		return (r == CLIENT_EXIT_FAIL ? CLIENT_EXIT_OK : r);
	eid = json_integer_value(json_object_get(result, "eid"));
	json_decref(result);
	if (ch->following)
		return (CLIENT_EXIT_OK);
	if ((r = follow_subscribe(&ch->f, eid > 0 ? eid - 1 : -1)) == 0)
		ch->following = 1;
	return (r);
}

/* A line of text: a reply, or the start of the thread /new asked for. */
int
chat_post(struct chat *ch, const char *text)
{
	json_t	*req, *result;
	int	 r;

	if (ch->down) {
		chat_say(ch, "That line was not sent: the connection to %s is "
		    "down and chat is reconnecting; Up brings it back.",
		    ch->c->server);
		return (CLIENT_EXIT_OK);
	}
	if (ch->with[0] != '\0')
		return (chat_dm(ch, text));
	if (ch->title == NULL && ch->thread == 0) {
		chat_say(ch, "That line was not sent: no thread is chosen yet. "
		    "Type /thread ID to reply to a thread, or /new TITLE to "
		    "start one.");
		return (CLIENT_EXIT_OK);
	}
	if (proto_check_body(text) != PROTO_OK) {
		chat_say(ch, "That line was not sent: it has characters that "
		    "cannot be posted.");
		return (CLIENT_EXIT_OK);
	}
	req = client_request(ch->c, "post");
	json_object_set_new(req, "channel", json_string(ch->f.channel));
	json_object_set_new(req, "body", json_string(text));
	if (ch->title != NULL)
		json_object_set_new(req, "title", json_string(ch->title));
	else
		json_object_set_new(req, "thread", json_integer(ch->thread));
	chat_unprompt(ch);
	if ((r = client_call(ch->c, req, &result)) != 0)
		return (r == CLIENT_EXIT_FAIL ? CLIENT_EXIT_OK : r);
	chat_quiet(ch, result);
	if (ch->title != NULL) {
		ch->thread = json_integer_value(json_object_get(result,
		    "thread"));
		free(ch->title);
		ch->title = NULL;
	}
	json_decref(result);
	return (CLIENT_EXIT_OK);
}

static int
chat_line(struct chat *ch, char *line)
{
	size_t	len = strlen(line);

	if (len > 0 && line[len - 1] == '\r')
		line[--len] = '\0';
	if (len == 0)
		return (CLIENT_EXIT_OK);
	if (len > CHAT_LINE_MAX) {
		chat_say(ch, "That line was not sent: it is longer than %d "
		    "bytes.", CHAT_LINE_MAX);
		return (CLIENT_EXIT_OK);
	}
	if (line[0] != '/' || line[1] == '/')
		return (chat_post(ch, line[0] == '/' ? line + 1 : line));
	return (chat_command(ch, line));
}

/* libedit's line (NULL: Ctrl-D on an empty line). */
static void
chat_edited(void *arg, char *line)
{
	struct chat	*ch = arg;

	if (line == NULL) {
		ch->quit = 1;
		return;
	}
	if (ch->status == 0 && !ch->quit)
		ch->status = chat_line(ch, line);
	free(line);
}

/* Piped input: split what was read into lines; an overlong one is
 * dropped whole. */
static int
chat_input(struct chat *ch, const char *buf, size_t n)
{
	size_t	i;
	int	r;

	for (i = 0; i < n && !ch->quit; i++) {
		if (buf[i] != '\n') {
			if (ch->len < CHAT_LINE_MAX)
				ch->line[ch->len++] = buf[i];
			else
				ch->toolong = 1;
			continue;
		}
		ch->line[ch->len] = '\0';
		ch->len = 0;
		if (ch->toolong) {
			ch->toolong = 0;
			chat_say(ch, "That line was not sent: it is longer "
			    "than %d bytes.", CHAT_LINE_MAX);
			continue;
		}
		if ((r = chat_line(ch, ch->line)) != 0)
			return (r);
	}
	return (CLIENT_EXIT_OK);
}

/* The link failed (cause NULL: said already): try again soon. */
static void
chat_lost(struct chat *ch, char *cause)
{
	if (cause != NULL)
		chat_say(ch, "Lost the connection to %s: %s; reconnecting.",
		    ch->c->server, cause);
	else
		chat_say(ch, "Reconnecting to %s.", ch->c->server);
	free(cause);
	ch->down = 1;
	ch->retry_ms = FOLLOW_RETRY_FIRST_MS;
	ch->retry_at = util_now_ms() + (uint64_t)ch->retry_ms;
}

/* A lost link is not the end of a chat: anything else is. */
static int
chat_status(struct chat *ch, int r)
{
	if (r != CLIENT_EXIT_CONNECT)
		return (r);
	chat_lost(ch, NULL);
	return (CLIENT_EXIT_OK);
}

/* One try to be back; a conversation not started yet has no channel
 * to follow, only a session to resume. */
static int
chat_retry(struct chat *ch)
{
	int64_t	missed = 0;
	char	*cause;
	int	 r;

	if (ch->following)
		r = follow_reconnect(&ch->f, &missed, &cause);
	else
		r = client_reconnect(ch->c, &cause);
	if (r == -1) {
		free(cause);
		ch->retry_ms = follow_retry_next(ch->retry_ms);
		ch->retry_at = util_now_ms() + (uint64_t)ch->retry_ms;
		return (CLIENT_EXIT_OK);
	}
	if (r != 0)
		return (r);
	ch->down = 0;
	chat_say(ch, "Reconnected to %s; %lld post%s while away.",
	    ch->c->server, (long long)missed, missed == 1 ? "" : "s");
	return (CLIENT_EXIT_OK);
}

/* Everything the server has sent so far, then back to waiting. */
static int
chat_drain(struct chat *ch)
{
	json_t	*ev;
	char	*cause = NULL;
	int	 r = 0;

	while (!ch->down && (r = net_read(ch->c->net, 0, &ev, &cause)) == 1) {
		r = follow_event(&ch->f, ev);
		json_decref(ev);
		if ((r = chat_status(ch, r)) != 0)
			return (r);
	}
	if (!ch->down && r == -1)
		chat_lost(ch, cause);
	return (CLIENT_EXIT_OK);
}

/* stdin is readable: 0, -1 at its end, or an exit status. */
static int
chat_read(struct chat *ch)
{
	char	buf[4096];
	ssize_t	n;
	int	r;

	if (ch->tty) {
		r = edit_input();
		if (ch->status != 0) {
			r = ch->status;
			ch->status = 0;
			return (chat_status(ch, r));
		}
		return (r);
	}
	if ((n = read(STDIN_FILENO, buf, sizeof buf)) == -1 && errno == EINTR)
		return (CLIENT_EXIT_OK);
	if (n <= 0) {	/* Ctrl-D: a last unfinished line counts */
		if (ch->len > 0 && (r = chat_input(ch, "\n", 1)) != 0)
			return (chat_status(ch, r) == 0 ? -1 : r);
		return (-1);
	}
	return (chat_status(ch, chat_input(ch, buf, (size_t)n)));
}

/* How long poll may wait: until the next try when the link is down. */
static int
chat_wait_ms(struct chat *ch)
{
	uint64_t	now = util_now_ms();

	if (!ch->down)
		return (-1);
	return (ch->retry_at > now ? (int)(ch->retry_at - now) : 0);
}

static int
chat_loop(struct chat *ch)
{
	struct pollfd	pfd[2];
	int		r;

	while (!ch->quit) {
		if ((r = chat_drain(ch)) != 0)
			return (r);
		chat_prompt(ch);
		if (ch->tty && edit_pending()) {
			if ((r = chat_read(ch)) == -1)
				break;
			if (r != 0)
				return (r);
			continue;
		}
		pfd[0].fd = STDIN_FILENO;
		pfd[0].events = POLLIN;
		pfd[0].revents = 0;
		pfd[1].fd = ch->down ? -1 : net_fd(ch->c->net);
		pfd[1].events = POLLIN;
		if (poll(pfd, 2, chat_wait_ms(ch)) == -1) {
			if (errno == EINTR)
				continue;
			return (client_error(CLIENT_EXIT_FAIL, "poll: %s",
			    strerror(errno)));
		}
		if (ch->down && chat_wait_ms(ch) == 0 &&
		    (r = chat_retry(ch)) != 0)
			return (r);
		if (pfd[0].revents == 0)
			continue;	/* the connection: drained above */
		if ((r = chat_read(ch)) == -1)
			break;
		if (r != 0)
			return (r);
	}
	chat_unprompt(ch);
	return (print_done());
}

/* The channel's last few posts, shown and kept; *eid the last one's. */
static int
chat_recent(struct chat *ch, int64_t *eid)
{
	json_t	*req, *result, *ev;
	size_t	 i;
	int	 r;

	*eid = -1;
	req = client_request(ch->c, "read");
	json_object_set_new(req, "channel", json_string(ch->f.channel));
	json_object_set_new(req, "limit", json_integer(CHAT_CONTEXT));
	if ((r = client_call(ch->c, req, &result)) != 0)
		return (r);
	if (json_array_size(json_object_get(result, "events")) > 0)
		chat_say(ch, "The last posts in %s:", ch->f.channel);
	json_array_foreach(json_object_get(result, "events"), i, ev) {
		if (!print_is_post(ev))
			continue;
		chat_keep(ch, ev);
		print_event(ch->c, ev);
		*eid = json_integer_value(json_object_get(ev, "eid"));
	}
	json_decref(result);
	return (CLIENT_EXIT_OK);
}

/* A channel: its threads to pick from and its last posts, then follow
 * it from the last one shown. */
static int
chat_start(struct chat *ch)
{
	int64_t	eid = -1;
	int	r;

	if (ch->tty) {
		printf("You are in %s as ", ch->f.channel);
		print_safe(ch->c->user);
		puts(". Pick a thread with /thread ID or start one with /new "
		    "TITLE;\n/help lists the commands and keys, /quit or "
		    "Ctrl-D leaves.");
		if ((r = chat_threads(ch)) != 0 ||
		    (r = chat_recent(ch, &eid)) != 0)
			return (r);
		fflush(stdout);
	}
	if ((r = follow_subscribe(&ch->f, eid)) != 0)
		return (r);
	ch->following = 1;
	return (CLIENT_EXIT_OK);
}

/* A conversation: its last messages, then follow it from the last one
 * shown. None yet (not_found): the first line starts it. Our user name
 * is one of the channel's two, checked names, so it is safe to print. */
static int
chat_dm_start(struct chat *ch)
{
	json_t	*req, *result, *error, *ev;
	size_t	 i;
	int	 r;

	req = client_request(ch->c, "read");
	json_object_set_new(req, "channel", json_string(ch->f.channel));
	json_object_set_new(req, "limit", json_integer(CHAT_CONTEXT));
	if ((r = client_call_quiet(ch->c, req, &result, &error)) != 0) {
		if (r == CLIENT_EXIT_FAIL && !client_is_code(error,
		    "not_found"))
			client_refused(error, NULL);
		else if (r == CLIENT_EXIT_FAIL)
			r = CLIENT_EXIT_OK;
		json_decref(error);
		if (r == 0 && ch->tty)
			chat_say(ch, "You are writing to %s as %s: your first "
			    "line starts your conversation.\n/help lists the "
			    "commands, /quit or Ctrl-D leaves.", ch->with,
			    ch->c->user);
		return (r);
	}
	if (ch->tty)
		chat_say(ch, "You are in your conversation with %s, as %s: "
		    "every line you type\ngoes to them. /help lists the "
		    "commands, /quit or Ctrl-D leaves.", ch->with, ch->c->user);
	json_array_foreach(json_object_get(result, "events"), i, ev) {
		if (!print_is_post(ev))
			continue;
		chat_keep(ch, ev);
		print_event(ch->c, ev);
		ch->f.seen = json_integer_value(json_object_get(ev, "eid"));
	}
	json_decref(result);
	if ((r = follow_subscribe(&ch->f, ch->f.seen > 0 ? ch->f.seen :
	    -1)) == 0)
		ch->following = 1;
	return (r);
}

int
chat_run(struct client *c, const char *channel)
{
	struct chat	*ch;
	size_t		 i;
	int		 r;

	ch = xmalloc(sizeof *ch);
	memset(ch, 0, sizeof *ch);
	ch->c = c;
	ch->tty = !c->json && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
	if (dm_other(channel, c->user, ch->with) == -1)
		ch->with[0] = '\0';
	ch->f.c = c;
	ch->f.channel = channel;
	ch->f.show = chat_show;
	ch->f.notice = chat_notice;
	ch->f.arg = ch;
	print_set_noted(0, "/unfold %lld to read");
	r = ch->with[0] != '\0' ? chat_dm_start(ch) : chat_start(ch);
	if (r == 0 && ch->tty)
		edit_start("", chat_edited, ch);
	if (r == 0)
		r = chat_loop(ch);
	if (ch->tty)
		edit_end();
	for (i = 0; i < CHAT_KEEP; i++)
		json_decref(ch->kept[i]);
	free(ch->title);
	free(ch);
	return (r);
}

static int
cmd_chat_exec(struct client *c, struct cmd_args *a)
{
	int	r;

	if ((r = client_channel(a->argv[0])) != 0 ||
	    (r = client_login(c)) != 0)
		return (r);
	return (chat_run(c, a->argv[0]));
}
