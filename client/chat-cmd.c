/*
 * chat-cmd.c: chat's slash commands, one row each.
 *
 * The table is what /help prints (with what each command does) and
 * what a mistyped command is answered from: a command that needs an
 * argument and was given none is told what to give, with an example,
 * rather than that it does not exist. Commands that talk to the server
 * wait while the connection is down (chat.c reconnects by itself), and
 * say so; /help, /unfold and /quit work all the same.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chat.h"
#include "print.h"

#define CHAT_CMD_CHANNEL	0x1	/* not in a conversation */
#define CHAT_CMD_ARG		0x2	/* an argument is needed */
#define CHAT_CMD_NET		0x4	/* talks to the server */

struct chat_cmd {
	const char	*name;
	const char	*args;
	const char	*help;
	const char	*example;	/* what a missing argument looks like */
	int		 flags;
	int		(*fn)(struct chat *, const char *arg);
};

static int	chat_thread(struct chat *, const char *);
static int	chat_new(struct chat *, const char *);
static int	chat_threads_cmd(struct chat *, const char *);
static int	chat_me(struct chat *, const char *);
static int	chat_unfold(struct chat *, const char *);
static int	chat_report_cmd(struct chat *, const char *);
static int	chat_urgent_cmd(struct chat *, const char *);
static int	chat_help(struct chat *, const char *);
static int	chat_quit(struct chat *, const char *);

static const struct chat_cmd chat_cmds[] = {
	{ "thread", "ID", "reply to thread ID from now on (shows its title, "
	    "first and last posts)", "/thread 40",
	    CHAT_CMD_CHANNEL | CHAT_CMD_ARG | CHAT_CMD_NET, chat_thread },
	{ "new", "TITLE", "your next line starts a new thread called TITLE",
	    "/new Getting through December",
	    CHAT_CMD_CHANNEL | CHAT_CMD_ARG, chat_new },
	{ "threads", "", "list the channel's recent threads", NULL,
	    CHAT_CMD_CHANNEL | CHAT_CMD_NET, chat_threads_cmd },
	{ "me", "TEXT", "post an action, \"* YOU TEXT\"", "/me waves",
	    CHAT_CMD_ARG | CHAT_CMD_NET, chat_me },
	{ "unfold", "ID", "show the text of post ID behind its content note",
	    "/unfold 42", CHAT_CMD_ARG, chat_unfold },
	{ "report", "ID REASON", "report post ID to the moderators",
	    "/report 42 it names someone's address",
	    CHAT_CMD_ARG | CHAT_CMD_NET, chat_report_cmd },
	{ "urgent", "ID REASON", "the same, urgently: someone may be at risk",
	    "/urgent 42 they say they have a plan to end their life",
	    CHAT_CMD_ARG | CHAT_CMD_NET, chat_urgent_cmd },
	{ "help", "", "list these commands and keys", NULL, 0, chat_help },
	{ "quit", "", "leave (so does Ctrl-D)", NULL, 0, chat_quit },
};
#define CHAT_NCMDS	(sizeof chat_cmds / sizeof chat_cmds[0])

static int
chat_quit(struct chat *ch, const char *arg)
{
	(void)arg;
	ch->quit = 1;
	return (CLIENT_EXIT_OK);
}

static int
chat_help(struct chat *ch, const char *arg)
{
	const struct chat_cmd	*cmd;
	char			 use[32];
	size_t			 i;

	(void)arg;
	chat_say(ch, "Commands:");
	for (i = 0; i < CHAT_NCMDS; i++) {
		cmd = &chat_cmds[i];
		if (ch->with[0] != '\0' && (cmd->flags & CHAT_CMD_CHANNEL))
			continue;
		snprintf(use, sizeof use, "/%s %s", cmd->name, cmd->args);
		chat_say(ch, "  %-20s %s", use, cmd->help);
	}
	chat_say(ch, "A line starting with // is posted with one / less.%s",
	    ch->tty ? "\nKeys: Left, Right, Home, End and Ctrl-A, Ctrl-E "
	    "move; Up and Down go\nthrough the lines typed; Alt-Enter puts "
	    "a newline in the post; a\npaste stays one post, sent by Enter." :
	    "");
	return (CLIENT_EXIT_OK);
}

/* /unfold ID: the kept post again, its text shown this once. */
static int
chat_unfold(struct chat *ch, const char *arg)
{
	json_t	**slot;
	int64_t	  id;

	if (client_parse_int(arg, 1, PROTO_ID_MAX, &id) == -1) {
		chat_say(ch, "/unfold takes a post number, like /unfold 42.");
		return (CLIENT_EXIT_OK);
	}
	if ((slot = chat_find(ch, id)) == NULL) {
		chat_say(ch, "Post #%lld is not among the posts shown here.",
		    (long long)id);
		return (CLIENT_EXIT_OK);
	}
	chat_unprompt(ch);
	print_set_noted(1, NULL);
	print_event(ch->c, *slot);
	print_set_noted(0, NULL);
	fflush(stdout);
	return (CLIENT_EXIT_OK);
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
chat_report_cmd(struct chat *ch, const char *arg)
{
	return (chat_report(ch, arg, 0));
}

static int
chat_urgent_cmd(struct chat *ch, const char *arg)
{
	return (chat_report(ch, arg, 1));
}

int
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

static int
chat_threads_cmd(struct chat *ch, const char *arg)
{
	(void)arg;
	return (chat_threads(ch));
}

/* Posts of thread id: the first (since 0), or the last few; into
 * *events, or an exit status. */
static int
chat_thread_read(struct chat *ch, int64_t id, int first, json_t **events)
{
	json_t	*req, *result;
	int	 r;

	req = client_request(ch->c, "read");
	json_object_set_new(req, "channel", json_string(ch->f.channel));
	json_object_set_new(req, "thread", json_integer(id));
	json_object_set_new(req, "limit", json_integer(first ? 1 :
	    CHAT_CONTEXT));
	if (first)
		json_object_set_new(req, "since", json_integer(0));
	if ((r = client_call(ch->c, req, &result)) != 0)
		return (r);
	*events = json_incref(json_object_get(result, "events"));
	json_decref(result);
	return (CLIENT_EXIT_OK);
}

static void
chat_show_kept(struct chat *ch, json_t *ev)
{
	if (print_is_post(ev))
		chat_keep(ch, ev);
	print_event(ch->c, ev);
}

/* /thread ID: switch, showing the thread's first post (with its title)
 * and its last few, so the conversation can be picked up. */
static int
chat_thread(struct chat *ch, const char *arg)
{
	json_t		*first = NULL, *last = NULL, *ev;
	json_int_t	 eid = 0;
	int64_t		 id;
	size_t		 i;
	int		 r;

	if (client_parse_int(arg, 1, PROTO_ID_MAX, &id) == -1) {
		chat_say(ch, "/thread takes a thread number, like /thread 40.");
		return (CLIENT_EXIT_OK);
	}
	chat_unprompt(ch);
	if ((r = chat_thread_read(ch, id, 1, &first)) != 0 ||
	    (r = chat_thread_read(ch, id, 0, &last)) != 0) {
		json_decref(first);
		return (r == CLIENT_EXIT_FAIL ? CLIENT_EXIT_OK : r);
	}
	json_array_foreach(first, i, ev) {
		chat_show_kept(ch, ev);
		eid = json_integer_value(json_object_get(ev, "eid"));
	}
	if (json_array_size(last) > 0 && json_integer_value(json_object_get(
	    json_array_get(last, 0), "eid")) > eid + 1 && eid != 0)
		puts("  ...");
	json_array_foreach(last, i, ev) {
		if (json_integer_value(json_object_get(ev, "eid")) > eid)
			chat_show_kept(ch, ev);
	}
	json_decref(first);
	json_decref(last);
	free(ch->title);
	ch->title = NULL;
	ch->thread = id;
	chat_say(ch, "Your lines now go to thread #%lld.", (long long)id);
	return (CLIENT_EXIT_OK);
}

static int
chat_new(struct chat *ch, const char *title)
{
	if (proto_check_title(title) != PROTO_OK) {
		chat_say(ch, "A title is 1 to %d bytes on one line, like "
		    "/new Getting through December.", PROTO_MAX_TITLE);
		return (CLIENT_EXIT_OK);
	}
	free(ch->title);
	ch->title = xstrdup(title);
	chat_say(ch, "Your next line starts the thread \xc2\xab %s \xc2\xbb.",
	    title);
	return (CLIENT_EXIT_OK);
}

/* /me TEXT: an action, posted as IRC logs write one. */
static int
chat_me(struct chat *ch, const char *text)
{
	char	*body;
	int	 r;

	xasprintf(&body, "* %s %s", ch->c->user, text);
	r = chat_post(ch, body);
	free(body);
	return (r);
}

static const struct chat_cmd *
chat_cmd_find(const char *name, size_t len)
{
	size_t	i;

	for (i = 0; i < CHAT_NCMDS; i++) {
		if (strlen(chat_cmds[i].name) == len &&
		    strncmp(chat_cmds[i].name, name, len) == 0)
			return (&chat_cmds[i]);
	}
	return (NULL);
}

int
chat_command(struct chat *ch, const char *line)
{
	const struct chat_cmd	*cmd;
	const char		*arg;
	size_t			 len;

	len = strcspn(line + 1, " ");
	arg = line + 1 + len;
	while (*arg == ' ')
		arg++;
	if ((cmd = chat_cmd_find(line + 1, len)) == NULL) {
		chat_say(ch, "There is no command /%.*s: /help lists them.",
		    (int)(len > 20 ? 20 : len), line + 1);
		return (CLIENT_EXIT_OK);
	}
	if (ch->with[0] != '\0' && (cmd->flags & CHAT_CMD_CHANNEL)) {
		chat_say(ch, "A conversation is one thread: type a line and it "
		    "goes to %s.", ch->with);
		return (CLIENT_EXIT_OK);
	}
	if ((cmd->flags & CHAT_CMD_ARG) && *arg == '\0') {
		chat_say(ch, "/%s needs %s: /%s %s, like %s.", cmd->name,
		    cmd->args, cmd->name, cmd->args, cmd->example);
		return (CLIENT_EXIT_OK);
	}
	if (!(cmd->flags & CHAT_CMD_ARG) && *arg != '\0') {
		chat_say(ch, "/%s takes nothing after it.", cmd->name);
		return (CLIENT_EXIT_OK);
	}
	if ((cmd->flags & CHAT_CMD_NET) && ch->down) {
		chat_say(ch, "Not now: the connection to %s is down and chat "
		    "is reconnecting; Up brings the line back.", ch->c->server);
		return (CLIENT_EXIT_OK);
	}
	return (cmd->fn(ch, arg));
}
