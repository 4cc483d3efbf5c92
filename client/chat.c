/*
 * chat.c: `harbour chat CHANNEL`, talking in a channel interactively.
 *
 * One loop polls the keyboard and the connection. Posts arrive through
 * the channel's subscription (follow.c keeps it complete, and answers
 * the server's pings), including our own, so what the person sees is
 * what everyone sees, in the server's order. An arriving post is
 * printed above the input line: "\r\033[K" clears the prompt, the post
 * is printed, the prompt comes back.
 *
 * The terminal stays in its normal line mode: simple and predictable,
 * and every line editor key the person knows still works. The price is
 * that a post arriving mid-line hides the half-typed text from view
 * (it is still there, and Enter still sends it).
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
 * they are told so.
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

#include "client.h"
#include "follow.h"
#include "net.h"
#include "print.h"

/* A typed line is a post body; one byte more to notice an overlong one. */
#define CHAT_LINE_MAX		PROTO_MAX_BODY
/* How many threads /threads and the start show; a screenful. */
#define CHAT_THREADS		10
/* How much of a thread /thread shows, to pick up the conversation. */
#define CHAT_CONTEXT		5
/* Posts remembered for /unfold and /report and to notice a change. */
#define CHAT_KEEP		512
#define CHAT_DM_COMMANDS	"/unfold ID, /report ID REASON, " \
				"/urgent ID REASON, /help, /quit"
#define CHAT_COMMANDS		"/thread ID, /new TITLE, /threads, " \
				CHAT_DM_COMMANDS

static int	cmd_chat_exec(struct client *, struct cmd_args *);

const struct cmd_entry cmd_chat_entry = {
	.name = "chat",
	.usage = "CHANNEL",
	.summary = "Talk in a channel: new posts appear as they come.",
	.help =
"Shows the channel's recent threads, then every new post as it arrives.\n"
"A line you type is posted as a reply to the current thread. Commands:\n"
"  /thread ID    reply to thread ID from now on (shows its last posts)\n"
"  /new TITLE    your next line starts a new thread called TITLE\n"
"  /threads      list the channel's recent threads\n"
"  /unfold ID    show the text of post ID behind its content note\n"
"  /report ID REASON   report post ID to the moderators\n"
"  /urgent ID REASON   the same, urgently: someone may be at risk\n"
"  /help         list these commands\n"
"  /quit         leave (so does Ctrl-D)\n"
"A line starting with // is posted with one / less. You must have\n"
"joined the channel. Held, hidden, rejected and deleted posts are\n"
"marked so; a post that changes is shown again, marked (changed).\n"
"Urgent reports you may act on appear as alerts as they come, and so\n"
"does what arrives in your inbox during your working hours. When a\n"
"line names someone outside theirs, you are told until when.\n"
"\n"
"In a conversation (dm/USER1+USER2, see `harbour dm`) there are no\n"
"threads to pick: it starts with the last few messages, and every line\n"
"is a message to the other person.\n",
	.opts = { { NULL, NULL } },
	.args_min = 1, .args_max = 1,
	.exec = cmd_chat_exec,
};

struct chat {
	struct client	*c;
	struct follow	 f;
	int64_t		 thread;	/* where a line goes; 0: nowhere yet */
	/* In a conversation, to whom lines go; "" in a channel. */
	char		 with[PROTO_MAX_NAME + 1];
	int		 following;	/* subscribed to the channel */
	char		*title;		/* /new: the next line starts it */
	json_t		*kept[CHAT_KEEP];	/* posts shown, newest events */
	size_t		 nkept;		/* next slot, round the ring */
	int		 tty;		/* a person at a terminal */
	int		 prompted;	/* the prompt is on the screen */
	int		 quit;
	char		 line[CHAT_LINE_MAX + 2];
	size_t		 len;
	int		 toolong;
};

/* Clear the prompt, if shown, before anything else is printed. */
static void
chat_unprompt(struct chat *ch)
{
	if (ch->tty && ch->prompted)
		fputs("\r\033[K", stdout);
	ch->prompted = 0;
}

static void
chat_prompt(struct chat *ch)
{
	if (!ch->tty || ch->prompted)
		return;
	fputs(ch->f.channel, stdout);
	if (ch->title != NULL)
		fputs(" new thread", stdout);
	else if (ch->thread != 0)
		printf(" #%lld", (long long)ch->thread);
	fputs("> ", stdout);
	fflush(stdout);
	ch->prompted = 1;
}

/* A notice for the person: on the screen, or on stderr in a pipe. */
static void
chat_say(struct chat *ch, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
chat_say(struct chat *ch, const char *fmt, ...)
{
	va_list	ap;

	chat_unprompt(ch);
	va_start(ap, fmt);
	vfprintf(ch->tty ? stdout : stderr, fmt, ap);
	va_end(ap);
	fputc('\n', ch->tty ? stdout : stderr);
}

/* The kept event of post id, or NULL. */
static json_t **
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
static int
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

/* /unfold ID: the kept post again, its text shown this once. */
static void
chat_unfold(struct chat *ch, const char *arg)
{
	json_t	**slot;
	int64_t	  id;

	if (client_parse_int(arg, 1, PROTO_ID_MAX, &id) == -1) {
		chat_say(ch, "/unfold takes a post number, like /unfold 42.");
		return;
	}
	if ((slot = chat_find(ch, id)) == NULL) {
		chat_say(ch, "Post #%lld is not among the posts shown here.",
		    (long long)id);
		return;
	}
	chat_unprompt(ch);
	print_set_noted(1, NULL);
	print_event(ch->c, *slot);
	print_set_noted(0, NULL);
	fflush(stdout);
}

/* /report ID REASON and /urgent ID REASON. */
static int
chat_report(struct chat *ch, const char *arg, int urgent)
{
	json_t	*req, *result;
	int64_t	 id;
	char	 num[PROTO_MAX_ID_STR];
	size_t	 n = strcspn(arg, " ");
	int	 r;

	snprintf(num, sizeof num, "%.*s", (int)n, arg);
	arg += n;
	while (*arg == ' ')
		arg++;
	if (client_parse_int(num, 1, PROTO_ID_MAX, &id) == -1 ||
	    proto_check_reason(arg) != PROTO_OK) {
		chat_say(ch, "Say which post and why, like %s 42 they say "
		    "they have a plan to end their life.", urgent ? "/urgent" :
		    "/report");
		return (CLIENT_EXIT_OK);
	}
	req = client_request(ch->c, "report");
	json_object_set_new(req, "post", json_integer(id));
	json_object_set_new(req, "reason", json_string(arg));
	if (urgent)
		json_object_set_new(req, "urgent", json_true());
	chat_unprompt(ch);
	if ((r = client_call(ch->c, req, &result)) != 0)
		return (r == CLIENT_EXIT_FAIL ? CLIENT_EXIT_OK : r);
	chat_say(ch, "Post #%lld is reported (report #%lld)%s; you will be "
	    "told when it is resolved.", (long long)id, (long long)
	    json_integer_value(json_object_get(result, "report")), urgent ?
	    ", urgently: the people who can help are alerted now" : "");
	json_decref(result);
	return (CLIENT_EXIT_OK);
}

static int
chat_threads(struct chat *ch)
{
	json_t	*req, *result, *t;
	size_t	 i;
	int	 r;

	req = client_request(ch->c, "threads");
	json_object_set_new(req, "channel", json_string(ch->f.channel));
	json_object_set_new(req, "limit", json_integer(CHAT_THREADS));
	chat_unprompt(ch);
	if ((r = client_call(ch->c, req, &result)) != 0)
		return (r);
	if (json_array_size(json_object_get(result, "threads")) == 0)
		chat_say(ch, "No threads yet: /new TITLE starts the first.");
	else
		chat_say(ch, "Recent threads in %s:", ch->f.channel);
	json_array_foreach(json_object_get(result, "threads"), i, t) {
		printf("  #%lld  ", (long long)json_integer_value(
		    json_object_get(t, "thread")));
		if (json_is_string(json_object_get(t, "title")))
			print_safe(json_string_value(json_object_get(t, "title")));
		else
			fputs("[title withheld]", stdout);
		putchar('\n');
	}
	json_decref(result);
	return (CLIENT_EXIT_OK);
}

/* /thread ID: switch, and show the thread's last posts for context. */
static int
chat_thread(struct chat *ch, const char *arg)
{
	json_t	*req, *result, *ev;
	int64_t	 id;
	size_t	 i;
	int	 r;

	if (client_parse_int(arg, 1, PROTO_ID_MAX, &id) == -1) {
		chat_say(ch, "/thread takes a thread number, like /thread 40.");
		return (CLIENT_EXIT_OK);
	}
	req = client_request(ch->c, "read");
	json_object_set_new(req, "channel", json_string(ch->f.channel));
	json_object_set_new(req, "thread", json_integer(id));
	json_object_set_new(req, "limit", json_integer(CHAT_CONTEXT));
	chat_unprompt(ch);
	if ((r = client_call(ch->c, req, &result)) != 0)
		return (r == CLIENT_EXIT_FAIL ? CLIENT_EXIT_OK : r);
	json_array_foreach(json_object_get(result, "events"), i, ev) {
		if (print_is_post(ev))
			chat_keep(ch, ev);
		print_event(ch->c, ev);
	}
	json_decref(result);
	free(ch->title);
	ch->title = NULL;
	ch->thread = id;
	chat_say(ch, "Your lines now go to thread #%lld.", (long long)id);
	return (CLIENT_EXIT_OK);
}

static void
chat_new(struct chat *ch, const char *title)
{
	if (proto_check_title(title) != PROTO_OK) {
		chat_say(ch, "A title is 1 to %d bytes on one line, like "
		    "/new Getting through December.", PROTO_MAX_TITLE);
		return;
	}
	free(ch->title);
	ch->title = xstrdup(title);
	chat_say(ch, "Your next line starts the thread \xc2\xab %s \xc2\xbb.",
	    title);
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
static int
chat_post(struct chat *ch, const char *text)
{
	json_t	*req, *result;
	int	 r;

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

	ch->prompted = 0;	/* Enter moved the cursor off the prompt */
	if (len > 0 && line[len - 1] == '\r')
		line[--len] = '\0';
	if (len == 0)
		return (CLIENT_EXIT_OK);
	if (line[0] != '/' || line[1] == '/')
		return (chat_post(ch, line[0] == '/' ? line + 1 : line));
	if (ch->with[0] != '\0' && (strncmp(line, "/thread", 7) == 0 ||
	    strncmp(line, "/new ", 5) == 0))
		chat_say(ch, "A conversation is one thread: type a line and it "
		    "goes to %s.", ch->with);
	else if (strcmp(line, "/quit") == 0)
		ch->quit = 1;
	else if (strncmp(line, "/thread ", 8) == 0)
		return (chat_thread(ch, line + 8));
	else if (strncmp(line, "/new ", 5) == 0)
		chat_new(ch, line + 5);
	else if (strcmp(line, "/threads") == 0)
		return (chat_threads(ch));
	else if (strncmp(line, "/unfold ", 8) == 0)
		chat_unfold(ch, line + 8);
	else if (strncmp(line, "/report ", 8) == 0)
		return (chat_report(ch, line + 8, 0));
	else if (strncmp(line, "/urgent ", 8) == 0)
		return (chat_report(ch, line + 8, 1));
	else if (strcmp(line, "/help") == 0)
		chat_say(ch, "Commands: %s.", ch->with[0] != '\0' ?
		    CHAT_DM_COMMANDS : CHAT_COMMANDS);
	else
		chat_say(ch, "There is no command %.20s. Commands: %s.", line,
		    ch->with[0] != '\0' ? CHAT_DM_COMMANDS : CHAT_COMMANDS);
	return (CLIENT_EXIT_OK);
}

/* Split what was read into lines; an overlong one is dropped whole. */
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
			ch->prompted = 0;
			chat_say(ch, "That line was not sent: it is longer "
			    "than %d bytes.", CHAT_LINE_MAX);
			continue;
		}
		if ((r = chat_line(ch, ch->line)) != 0)
			return (r);
	}
	return (CLIENT_EXIT_OK);
}

/* Everything the server has sent so far, then back to waiting. */
static int
chat_drain(struct chat *ch)
{
	json_t	*ev;
	char	*cause;
	int	 r;

	while ((r = net_read(ch->c->net, 0, &ev, &cause)) == 1) {
		r = follow_event(&ch->f, ev);
		json_decref(ev);
		if (r != 0)
			return (r);
	}
	if (r == 0)
		return (CLIENT_EXIT_OK);
	chat_unprompt(ch);
	client_error(CLIENT_EXIT_CONNECT, "lost the connection to %s: %s",
	    ch->c->server, cause);
	free(cause);
	return (CLIENT_EXIT_CONNECT);
}

static int
chat_loop(struct chat *ch)
{
	struct pollfd	pfd[2];
	char		buf[4096];
	ssize_t		n;
	int		r;

	while (!ch->quit) {
		if ((r = chat_drain(ch)) != 0)
			return (r);
		chat_prompt(ch);
		pfd[0].fd = STDIN_FILENO;
		pfd[0].events = POLLIN;
		pfd[1].fd = net_fd(ch->c->net);
		pfd[1].events = POLLIN;
		if (poll(pfd, 2, -1) == -1) {
			if (errno == EINTR)
				continue;
			return (client_error(CLIENT_EXIT_FAIL, "poll: %s",
			    strerror(errno)));
		}
		if (pfd[0].revents == 0)
			continue;	/* the connection: drained above */
		if ((n = read(STDIN_FILENO, buf, sizeof buf)) == -1 &&
		    errno == EINTR)
			continue;
		if (n <= 0) {	/* Ctrl-D: a last unfinished line counts */
			if (ch->len > 0 && (r = chat_input(ch, "\n", 1)) != 0)
				return (r);
			break;
		}
		if ((r = chat_input(ch, buf, (size_t)n)) != 0)
			return (r);
	}
	chat_unprompt(ch);
	return (print_done());
}

/* A channel: subscribe, then show its threads to pick from. */
static int
chat_start(struct chat *ch)
{
	int	r;

	if ((r = follow_subscribe(&ch->f, -1)) != 0)
		return (r);
	ch->following = 1;
	if (!ch->tty)
		return (CLIENT_EXIT_OK);
	printf("You are in %s as ", ch->f.channel);
	print_safe(ch->c->user);
	puts(". Pick a thread with /thread ID or start one with /new TITLE;\n"
	    "/help lists the commands, /quit or Ctrl-D leaves.");
	return (chat_threads(ch));
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
	if (r == 0)
		r = chat_loop(ch);
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
