/*
 * cmd-post.c: post, edit, delete, threads, read.
 *
 * `post` prints the new post's id alone on stdout, so a script can
 * start a thread and reply to it: id=$(harbour post ... --title T x).
 * Its text is the arguments, joined by spaces, or, with none or "-",
 * standard input, so a long message can be written in an editor first.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "compose.h"
#include "state.h"
#include "print.h"

/* Room for a full body and the newline(s) an editor adds at the end. */
#define POST_STDIN_MAX		(PROTO_MAX_BODY + 2)

static int	cmd_post_exec(struct client *, struct cmd_args *);
static int	cmd_threads_exec(struct client *, struct cmd_args *);
static int	cmd_read_exec(struct client *, struct cmd_args *);
static int	cmd_edit_exec(struct client *, struct cmd_args *);
static int	cmd_delete_exec(struct client *, struct cmd_args *);

const struct cmd_entry cmd_post_entry = {
	.name = "post",
	.usage = "CHANNEL (--title TITLE | --thread ID) [--note \"CONTENT NOTE\"] "
	    "[--anon] [--editor] [TEXT ... | -]",
	.summary = "Start a thread, or reply to one; prints the post's id.",
	.help =
"With --title, starts a new thread called TITLE; with --thread, replies\n"
"to thread ID (the id of any of its posts: a reply's means its\n"
"thread). The text is the TEXT\n"
"arguments joined by spaces or, without any or with \"-\", standard\n"
"input (up to " PROTO_XSTR(PROTO_MAX_BODY) " bytes; newlines at its end are\n"
"dropped). You must have joined the channel. Prints the new post's id\n"
"alone.\n"
"\n"
"--note gives the post a content note (\"suicide\", \"detention\", at\n"
"most " PROTO_XSTR(PROTO_MAX_NOTE) " bytes): readers see the note and open the text only\n"
"when they choose to. --anon posts without your name, where the\n"
"channel allows it: nobody sees who wrote it, unless a moderator\n"
"unmasks it with a reason, which is logged. In a pre-moderated\n"
"channel the post waits for a moderator's approval (you are told so\n"
"on stderr); until then only you and the moderators see it.\n"
"\n"
"Nothing typed is lost: your login, the connection and your membership\n"
"of CHANNEL are checked before the text is read, and if the post still\n"
"fails, the text is kept in a draft file in the state directory, whose\n"
"name the error gives. --editor writes the text in $VISUAL, else\n"
"$EDITOR, else vi.\n",
	.opts = { { "title", "TITLE" }, { "thread", "ID" }, { "note", "NOTE" },
	    { "anon", NULL }, { "editor", NULL }, { NULL, NULL } },
	.args_min = 1, .args_max = -1,
	.exec = cmd_post_exec,
};

const struct cmd_entry cmd_edit_entry = {
	.name = "edit",
	.usage = "POST [--title TITLE] [--editor] [TEXT ... | -]",
	.summary = "Change the text of one of your posts.",
	.help =
"The new text is the TEXT arguments or standard input, as for `harbour\n"
"post`. --title changes the title too, for the first post of a thread.\n"
"Readers see the new text marked (edited); only the channel's\n"
"moderators can see the earlier versions (`harbour mod history`). An\n"
"anonymous post stays anonymous. A deleted, hidden or rejected post\n"
"cannot be edited. --editor writes the new text in $VISUAL, else\n"
"$EDITOR, else vi.\n",
	.opts = { { "title", "TITLE" }, { "editor", NULL }, { NULL, NULL } },
	.args_min = 1, .args_max = -1,
	.exec = cmd_edit_exec,
};

const struct cmd_entry cmd_delete_entry = {
	.name = "delete",
	.usage = "POST",
	.summary = "Delete one of your posts.",
	.help =
"Everyone but the channel's moderators then reads it as [deleted],\n"
"with no text. A thread whose first post is deleted stays, with its\n"
"replies.\n",
	.opts = { { NULL, NULL } },
	.args_min = 1, .args_max = 1,
	.exec = cmd_delete_exec,
};

const struct cmd_entry cmd_threads_entry = {
	.name = "threads",
	.usage = "CHANNEL [--limit N] [--before ID]",
	.summary = "List a channel's threads, most recently active first.",
	.help =
"One thread a line: #ID  TITLE  by AUTHOR  (N replies, U unread, last\n"
"TIME), then [pinned] and [locked] when so; U counts the posts in it you\n"
"have not seen (your own never). Pinned threads come first. ID is what\n"
"`harbour read --thread` and `harbour post --thread` take. A locked\n"
"thread takes no replies but its moderators'. --limit N shows N threads\n"
"(default 50); when more lie further back, a line on stderr gives the\n"
"command for the next page (--before ID).\n",
	.opts = { { "limit", "N" }, { "before", "ID" }, { NULL, NULL } },
	.args_min = 1, .args_max = 1,
	.exec = cmd_threads_exec,
};

const struct cmd_entry cmd_read_entry = {
	.name = "read",
	.usage = "CHANNEL [--thread ID] [--since ID | --before ID | --unread] "
	    "[--limit N] [--show-noted]",
	.summary = "Show a channel's posts, oldest first.",
	.help =
"Without --since, the newest N posts (default 50, at most 1000); with\n"
"--since, the first N posts after event ID; with --before, the newest N\n"
"before post ID, a page further back (when older posts are there, a\n"
"line on stderr gives the command for the page before). --thread keeps to one\n"
"thread (ID: any of its posts). --unread shows what you have not seen yet, oldest first (your\n"
"own posts are never unread). In a channel you have joined, the posts\n"
"shown are read, and nothing else: `harbour channels` and `harbour\n"
"threads` count the rest as unread.\n"
"\n"
"A post with a content note shows the note and folds its text away;\n"
"--show-noted shows the text as well. Posts waiting for approval, hidden,\n"
"rejected or deleted ones are marked so; an edited one says (edited).\n",
	.opts = { { "thread", "ID" }, { "since", "ID" }, { "before", "ID" },
	    { "limit", "N" },
	    { "unread", NULL }, { "show-noted", NULL }, { NULL, NULL } },
	.args_min = 1, .args_max = 1,
	.exec = cmd_read_exec,
};

/* Post text and titles, with the limit said in words. */
int
post_check_text(const char *what, enum proto_err err, size_t max)
{
	switch (err) {
	case PROTO_OK:
		return (CLIENT_EXIT_OK);
	case PROTO_E_TOO_LARGE:
		return (client_error(CLIENT_EXIT_FAIL, "the %s is longer than "
		    "%zu bytes (%s)", what, max, proto_err_code(err)));
	default:
		return (client_error(CLIENT_EXIT_FAIL, "the %s is empty, or "
		    "has control characters or invalid UTF-8 in it (%s)", what,
		    proto_err_code(err)));
	}
}

/* All of stdin, at most POST_STDIN_MAX bytes; NULL after an error. */
static char *
post_stdin(void)
{
	char	*buf;
	size_t	 len = 0;
	ssize_t	 n;

	if (isatty(STDIN_FILENO))
		fputs("Type the text, then Ctrl-D on a line of its own.\n",
		    stderr);
	buf = xmalloc(POST_STDIN_MAX + 2);
	while (len <= POST_STDIN_MAX) {
		n = read(STDIN_FILENO, buf + len, POST_STDIN_MAX + 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			client_error(CLIENT_EXIT_FAIL, "cannot read the text: "
			    "%s", strerror(errno));
			free(buf);
			return (NULL);
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	if (len > POST_STDIN_MAX) {
		post_check_text("text", PROTO_E_TOO_LARGE, PROTO_MAX_BODY);
		free(buf);
		return (NULL);
	}
	return (buf);
}

/* The body from argv or stdin; trailing newlines (and CRs) dropped. */
char *
post_body(const struct cmd_args *a)
{
	char	*body, *p;
	size_t	 len = 0;
	int	 i;

	if (a->argc == 1 || (a->argc == 2 && strcmp(a->argv[1], "-") == 0)) {
		if ((body = post_stdin()) == NULL)
			return (NULL);
	} else {
		for (i = 1; i < a->argc; i++)
			len += strlen(a->argv[i]) + 1;
		body = p = xmalloc(len);
		for (i = 1; i < a->argc; i++)
			p += sprintf(p, "%s%s", i > 1 ? " " : "", a->argv[i]);
	}
	/* "\r\n" from a Windows editor is a newline, not a control char. */
	for (p = body; (p = strstr(p, "\r\n")) != NULL; )
		memmove(p, p + 1, strlen(p + 1) + 1);
	len = strlen(body);
	while (len > 0 && body[len - 1] == '\n')
		body[--len] = '\0';
	return (body);
}

/* A content note: a few words on one line, as a title is. */
static int
post_check_note(const char *note)
{
	enum proto_err	err = proto_check_title(note);

	if (err == PROTO_OK && strlen(note) > PROTO_MAX_NOTE)
		err = PROTO_E_TOO_LARGE;
	return (post_check_text("content note", err, PROTO_MAX_NOTE));
}

/* post's options, checked before anything is read or sent. */
static int
post_check_args(const struct cmd_args *a, int64_t *tid)
{
	const char	*title = client_opt(a, "title");
	const char	*thread = client_opt(a, "thread");
	const char	*note = client_opt(a, "note");
	int		 r;

	if ((title == NULL) == (thread == NULL))
		return (client_usage(a->entry, "post needs either --title "
		    "(a new thread) or --thread (a reply)"));
	if (thread != NULL && client_parse_int(thread, 1, PROTO_ID_MAX,
	    tid) == -1)
		return (client_usage(a->entry, "--thread takes a post id"));
	if ((r = client_channel(a->argv[0])) != 0 || (title != NULL &&
	    (r = post_check_text("title", proto_check_title(title),
	    PROTO_MAX_TITLE)) != 0) || (note != NULL &&
	    (r = post_check_note(note)) != 0))
		return (r);
	return (CLIENT_EXIT_OK);
}

/* The post's id alone on stdout; a held post is said on stderr, and
 * so is each person it named who is outside their working hours (the
 * server's words: "amira is outside working hours until Mon 09:00
 * Europe/London"), so a script's $(harbour post ...) still gets only
 * the id, and whoever wrote it knows not to expect an answer tonight. */
static void
post_print_result(struct client *c, json_t *result)
{
	const char	*state, *text;
	json_t		*q;
	size_t		 i;

	if (c->json) {
		print_json(result);
		return;
	}
	printf("%lld\n", (long long)json_integer_value(json_object_get(result,
	    "post")));
	fflush(stdout);
	state = json_string_value(json_object_get(result, "state"));
	if (state != NULL && strcmp(state, "held") == 0)
		fprintf(stderr, "harbour: post %lld waits for a moderator's "
		    "approval; until then only you and the moderators see "
		    "it\n", (long long)json_integer_value(json_object_get(
		    result, "post")));
	json_array_foreach(json_object_get(result, "quiet"), i, q) {
		if ((text = json_string_value(json_object_get(q, "text"))) ==
		    NULL)
			continue;
		fputs("harbour: ", stderr);
		print_safe_to(stderr, text);
		fputc('\n', stderr);
	}
}

/* Whether the account has joined channel: 0, or the exit status having
 * said why not (before any text is read, so nothing typed waits on a
 * post that cannot be made). */
static int
post_check_joined(struct client *c, const char *channel)
{
	json_t	*req, *result, *ch;
	size_t	 i;
	int	 r, joined = -1;

	/* Archived ones too: posting there is refused by the server, in
	 * its words ("archived: read-only"). */
	req = client_request(c, "channel.list");
	json_object_set_new(req, "all", json_true());
	if ((r = client_call(c, req, &result)) != 0)
		return (r);
	json_array_foreach(json_object_get(result, "channels"), i, ch)
		if (strcmp(json_string_value(json_object_get(ch, "channel")) !=
		    NULL ? json_string_value(json_object_get(ch, "channel")) :
		    "", channel) == 0)
			joined = json_is_true(json_object_get(ch, "joined"));
	json_decref(result);
	/* As the server says it: a channel you may not see is one that
	 * does not exist, word for word. */
	if (joined == -1)
		return (client_error(CLIENT_EXIT_FAIL, "no such channel "
		    "(not_found)"));
	if (joined == 0)
		return (client_error(CLIENT_EXIT_FAIL, "join the channel first: "
		    "harbour join %s (not_member)", channel));
	return (CLIENT_EXIT_OK);
}

/* The text: from the editor with --editor, else post_body(). */
static char *
post_text(const struct cmd_args *a)
{
	char	*text, *cause;
	size_t	 len;

	if (client_opt(a, "editor") == NULL)
		return (post_body(a));
	if ((text = compose_in_editor(NULL, &cause)) == NULL) {
		client_error(CLIENT_EXIT_FAIL, "%s", cause);
		free(cause);
		return (NULL);
	}
	len = strlen(text);
	while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r'))
		text[--len] = '\0';
	if (len == 0) {
		client_error(CLIENT_EXIT_FAIL, "nothing was written: nothing "
		    "was sent");
		free(text);
		return (NULL);
	}
	return (text);
}

/* After a failed post: the text kept, and where said. */
static int
post_keep(const char *text, int status)
{
	char	*path, *cause;

	if (state_draft_save(text, &path, &cause) == -1) {
		client_error(status, "your text could not be kept either: %s",
		    cause);
		free(cause);
		return (status);
	}
	client_error(status, "your text is kept in %s", path);
	free(path);
	return (status);
}

static int
cmd_post_exec(struct client *c, struct cmd_args *a)
{
	const char	*title = client_opt(a, "title");
	const char	*note = client_opt(a, "note");
	json_t		*req, *result;
	int64_t		 tid = 0;
	char		*body;
	int		 r;

	if ((r = post_check_args(a, &tid)) != 0 || (r = client_login(c)) != 0 ||
	    (r = post_check_joined(c, a->argv[0])) != 0)
		return (r);
	if ((body = post_text(a)) == NULL)
		return (CLIENT_EXIT_FAIL);
	if ((r = post_check_text("text", proto_check_body(body),
	    PROTO_MAX_BODY)) != 0) {
		post_keep(body, r);
		free(body);
		return (r);
	}
	req = client_request(c, "post");
	json_object_set_new(req, "channel", json_string(a->argv[0]));
	json_object_set_new(req, "body", json_string(body));
	if (title != NULL)
		json_object_set_new(req, "title", json_string(title));
	else
		json_object_set_new(req, "thread", json_integer(tid));
	if (note != NULL)
		json_object_set_new(req, "note", json_string(note));
	if (client_opt(a, "anon") != NULL)
		json_object_set_new(req, "anon", json_true());
	if ((r = client_call(c, req, &result)) != 0) {
		post_keep(body, r);
		free(body);
		return (r);
	}
	free(body);
	post_print_result(c, result);
	json_decref(result);
	return (print_done());
}

static int
post_parse_id(const struct cmd_args *a, int64_t *id)
{
	if (client_parse_int(a->argv[0], 1, PROTO_ID_MAX, id) == -1)
		return (client_usage(a->entry, "POST is a post's number, like "
		    "42, not %s", a->argv[0]));
	return (CLIENT_EXIT_OK);
}

static int
cmd_edit_exec(struct client *c, struct cmd_args *a)
{
	const char	*title = client_opt(a, "title");
	json_t		*req, *result;
	int64_t		 id;
	char		*body;
	int		 r;

	if ((r = post_parse_id(a, &id)) != 0 || (title != NULL &&
	    (r = post_check_text("title", proto_check_title(title),
	    PROTO_MAX_TITLE)) != 0))
		return (r);
	if ((r = client_login(c)) != 0)
		return (r);
	if ((body = post_text(a)) == NULL)
		return (CLIENT_EXIT_FAIL);
	if ((r = post_check_text("text", proto_check_body(body),
	    PROTO_MAX_BODY)) != 0) {
		post_keep(body, r);
		free(body);
		return (r);
	}
	req = client_request(c, "edit");
	json_object_set_new(req, "post", json_integer(id));
	json_object_set_new(req, "body", json_string(body));
	free(body);
	if (title != NULL)
		json_object_set_new(req, "title", json_string(title));
	if ((r = client_call(c, req, &result)) != 0)
		return (r);
	if (c->json)
		print_json(result);
	else
		printf("edited post #%lld\n", (long long)id);
	json_decref(result);
	return (print_done());
}

static int
cmd_delete_exec(struct client *c, struct cmd_args *a)
{
	json_t	*req, *result;
	int64_t	 id;
	int	 r;

	if ((r = post_parse_id(a, &id)) != 0 || (r = client_login(c)) != 0)
		return (r);
	req = client_request(c, "delete");
	json_object_set_new(req, "post", json_integer(id));
	if ((r = client_call(c, req, &result)) != 0)
		return (r);
	if (c->json)
		print_json(result);
	else
		printf("deleted post #%lld\n", (long long)id);
	json_decref(result);
	return (print_done());
}

static void
threads_print(json_t *t)
{
	char		ts[PROTO_TS_LEN];
	json_int_t	replies;

	replies = json_integer_value(json_object_get(t, "replies"));
	print_ts(json_object_get(t, "last_ts"), ts);
	printf("#%lld  ", (long long)json_integer_value(json_object_get(t,
	    "thread")));
	if (json_is_string(json_object_get(t, "title")))
		print_safe(json_string_value(json_object_get(t, "title")));
	else
		fputs("[title withheld]", stdout);
	fputs("  by ", stdout);
	if (json_is_string(json_object_get(t, "author")))
		print_safe(json_string_value(json_object_get(t, "author")));
	else
		fputs("(anonymous)", stdout);
	printf("  (%lld %s, %lld unread, last %s)%s%s\n", (long long)replies,
	    replies == 1 ? "reply" : "replies",
	    (long long)json_integer_value(json_object_get(t, "unread")), ts,
	    json_is_true(json_object_get(t, "pinned")) ? " [pinned]" : "",
	    json_is_true(json_object_get(t, "locked")) ? " [locked]" : "");
}

/* --limit N and --before ID of threads, into req. */
static int
threads_options(const struct cmd_args *a, json_t *req)
{
	const char	*v;
	int64_t		 n;

	if ((v = client_opt(a, "limit")) != NULL) {
		if (client_parse_int(v, 1, PROTO_PAGE_MAX, &n) == -1)
			return (client_usage(a->entry, "--limit takes a number "
			    "from 1 to 1000"));
		json_object_set_new(req, "limit", json_integer(n));
	}
	if ((v = client_opt(a, "before")) != NULL) {
		if (client_parse_int(v, 1, PROTO_ID_MAX, &n) == -1)
			return (client_usage(a->entry, "--before takes an "
			    "event id"));
		json_object_set_new(req, "before", json_integer(n));
	}
	return (CLIENT_EXIT_OK);
}

static int
cmd_threads_exec(struct client *c, struct cmd_args *a)
{
	json_t	*req, *result, *t;
	size_t	 i;
	int	 r;

	if ((r = client_channel(a->argv[0])) != 0 ||
	    (r = client_login(c)) != 0)
		return (r);
	req = client_request(c, "threads");
	json_object_set_new(req, "channel", json_string(a->argv[0]));
	if ((r = threads_options(a, req)) != 0) {
		json_decref(req);
		return (r);
	}
	if ((r = client_call(c, req, &result)) != 0)
		return (r);
	if (c->json)
		print_json(result);
	else {
		json_array_foreach(json_object_get(result, "threads"), i, t)
			threads_print(t);
		if (json_array_size(json_object_get(result, "threads")) == 0)
			printf("no threads%s in %s\n", client_opt(a,
			    "before") != NULL ? " further back" : " yet",
			    a->argv[0]);
		if (json_is_true(json_object_get(result, "more"))) {
			fflush(stdout);
			fprintf(stderr, "harbour: older threads: harbour "
			    "threads %s --before %lld\n", a->argv[0],
			    (long long)json_integer_value(json_object_get(
			    result, "before")));
		}
	}
	json_decref(result);
	return (print_done());
}

/* --thread, --since and --limit, each optional, into req. */
static int
read_options(const struct cmd_args *a, json_t *req)
{
	static const struct {
		const char	*opt;
		int64_t		 min, max;
		const char	*what;
	} nums[] = {
		{ "thread", 1, PROTO_ID_MAX, "--thread takes a post id" },
		{ "since", 0, PROTO_ID_MAX, "--since takes an event id" },
		{ "before", 1, PROTO_ID_MAX, "--before takes a post id" },
		{ "limit", 1, PROTO_PAGE_MAX, "--limit takes a number from 1 "
		    "to 1000" },
	};
	const char	*v;
	int64_t		 n;
	size_t		 i;

	for (i = 0; i < sizeof nums / sizeof nums[0]; i++) {
		if ((v = client_opt(a, nums[i].opt)) == NULL)
			continue;
		if (client_parse_int(v, nums[i].min, nums[i].max, &n) == -1)
			return (client_usage(a->entry, "%s", nums[i].what));
		json_object_set_new(req, nums[i].opt, json_integer(n));
	}
	if ((client_opt(a, "unread") != NULL) + (client_opt(a, "since") !=
	    NULL) + (client_opt(a, "before") != NULL) > 1)
		return (client_usage(a->entry, "give one of --unread, --since "
		    "and --before"));
	if (client_opt(a, "unread") != NULL)
		json_object_set_new(req, "unread", json_true());
	return (CLIENT_EXIT_OK);
}

/* A newest page (or one further back) with older posts before it: the
 * command for the page before, on stderr, so stdout stays the posts. */
static void
read_hint(struct client *c, const struct cmd_args *a, json_t *result)
{
	json_t	*events = json_object_get(result, "events");
	json_t	*first = json_array_get(events, 0);

	if (c->json || client_opt(a, "since") != NULL ||
	    client_opt(a, "unread") != NULL || first == NULL ||
	    !json_is_true(json_object_get(result, "more")))
		return;
	fflush(stdout);
	fprintf(stderr, "harbour: older posts: harbour read %s%s%s --before "
	    "%lld\n", a->argv[0], client_opt(a, "thread") != NULL ?
	    " --thread " : "", client_opt(a, "thread") != NULL ?
	    client_opt(a, "thread") : "", (long long)json_integer_value(
	    json_object_get(first, "post")));
}

static int
cmd_read_exec(struct client *c, struct cmd_args *a)
{
	json_t	*req, *result, *ev;
	size_t	 i;
	int	 r;

	req = client_request(c, "read");
	if ((r = read_options(a, req)) != 0 ||
	    (r = client_channel(a->argv[0])) != 0 ||
	    (r = client_login(c)) != 0) {
		json_decref(req);
		return (r);
	}
	/* After the login, which makes a bare NAME ORG/NAME. */
	json_object_set_new(req, "channel", json_string(a->argv[0]));
	if ((r = client_call(c, req, &result)) != 0)
		return (r);
	print_set_noted(client_opt(a, "show-noted") != NULL, NULL);
	json_array_foreach(json_object_get(result, "events"), i, ev)
		print_event(c, ev);
	if (!c->json && json_array_size(json_object_get(result, "events")) ==
	    0)
		printf("no %sposts%s in %s\n", client_opt(a, "unread") != NULL ?
		    "unread " : "", client_opt(a, "since") != NULL ? " since "
		    "then" : client_opt(a, "before") != NULL ? " further back" :
		    client_opt(a, "unread") != NULL ? "" : " yet", a->argv[0]);
	read_hint(c, a, result);
	json_decref(result);
	return (print_done());
}
