/*
 * cmd-dm.c: one-to-one conversations and blocks: dm, dms, block,
 * unblock, blocks, and the conversation's channel name.
 *
 * A conversation is the channel "dm/USER1+USER2", the two names sorted
 * bytewise, so both people (and this client, from its own user name and
 * the other's) arrive at the same name without asking the server. Only
 * the two read it; to anyone else the server answers as for a channel
 * that does not exist, and it answers a message to someone who has
 * blocked the sender as one to nobody. The client adds nothing that
 * could tell those cases apart: it sends the name as given and prints
 * the server's refusals as they come.
 *
 * `dm USER TEXT` prints "CHANNEL POST" alone on stdout, as `post`
 * prints the post's id, so a script can go on from there; with no text
 * at a terminal it opens the conversation in chat, where every line
 * typed is a message.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "print.h"

/* The server's one answer for everyone one may not write to. */
#define DM_UNREACHABLE	"no one of that name you can write to"

static int	cmd_dm_exec(struct client *, struct cmd_args *);
static int	cmd_dms_exec(struct client *, struct cmd_args *);
static int	cmd_block_exec(struct client *, struct cmd_args *);
static int	cmd_unblock_exec(struct client *, struct cmd_args *);
static int	cmd_blocks_exec(struct client *, struct cmd_args *);

const struct cmd_entry cmd_dm_entry = {
	.name = "dm",
	.usage = "USER [TEXT ... | -]",
	.summary = "Write to one person, in a conversation only you two read.",
	.help =
"Sends the TEXT arguments, joined by spaces, or with \"-\" standard\n"
"input, to USER, in your conversation with them: the channel\n"
"dm/USER1+USER2, the two names in order. The first message starts it.\n"
"Without TEXT, at a terminal, opens the conversation as `harbour chat`\n"
"does, each line you type a message; not at a terminal, reads the\n"
"message from standard input. Prints the conversation's channel and\n"
"the message's post id: \"dm/ana+carl 42\".\n"
"\n"
"You may write to someone you share a channel or a group with, and to\n"
"anyone who wrote to you; facilitators and admins may write to anyone.\n"
"No one else can read a conversation, not even the moderators; if one\n"
"of you reports a message, the moderators see that message and nothing\n"
"else. `harbour read`, `tail` and `chat` take its channel.\n",
	.opts = { { NULL, NULL } },
	.args_min = 1, .args_max = -1,
	.exec = cmd_dm_exec,
};

const struct cmd_entry cmd_dms_entry = {
	.name = "dms",
	.usage = "",
	.summary = "List your conversations, with unread counts.",
	.help =
"One conversation a line, the most recently active first: the other\n"
"person, how many of their messages you have not read, the time of the\n"
"last message (UTC) and the conversation's channel. Reading it (`harbour\n"
"read CHANNEL`, `harbour chat`) marks it read.\n",
	.opts = { { NULL, NULL } },
	.args_min = 0, .args_max = 0,
	.exec = cmd_dms_exec,
};

const struct cmd_entry cmd_block_entry = {
	.name = "block",
	.usage = "USER",
	.summary = "Refuse USER's messages; your conversation with them ends.",
	.help =
"From now on USER cannot write to you: they are told, as for someone\n"
"who does not exist, that there is no one of that name they can write\n"
"to; they are never told that you blocked them. Your conversation with\n"
"them leaves your `harbour dms` and `channels`; they keep their copy.\n"
"Blocking someone twice is not an error. `harbour unblock` undoes it.\n",
	.opts = { { NULL, NULL } },
	.args_min = 1, .args_max = 1,
	.exec = cmd_block_exec,
};

const struct cmd_entry cmd_unblock_entry = {
	.name = "unblock",
	.usage = "USER",
	.summary = "Let USER write to you again.",
	.help =
"Undoes `harbour block USER`: USER may write to you again, as anyone who\n"
"shares a channel or a group with you may.\n",
	.opts = { { NULL, NULL } },
	.args_min = 1, .args_max = 1,
	.exec = cmd_unblock_exec,
};

const struct cmd_entry cmd_blocks_entry = {
	.name = "blocks",
	.usage = "",
	.summary = "List the people you have blocked.",
	.help = "One user name a line, in alphabetical order.\n",
	.opts = { { NULL, NULL } },
	.args_min = 0, .args_max = 0,
	.exec = cmd_blocks_exec,
};

/* In conversation name, the one of the two who is not me, into other
 * (PROTO_MAX_NAME + 1 bytes): 0, or -1 when I am neither (or it is no
 * conversation). */
int
dm_other(const char *name, const char *me, char *other)
{
	char	a[PROTO_MAX_NAME + 1], b[PROTO_MAX_NAME + 1];

	if (me == NULL || proto_check_dm(name, a, b) != PROTO_OK)
		return (-1);
	if (strcmp(a, me) == 0)
		memcpy(other, b, sizeof b);
	else if (strcmp(b, me) == 0)
		memcpy(other, a, sizeof a);
	else
		return (-1);
	return (0);
}

/* "dm/ana+carl 42" alone on stdout; that it started, on stderr. */
static void
dm_print_result(struct client *c, json_t *result, const char *user)
{
	if (c->json) {
		print_json(result);
		return;
	}
	print_safe(json_string_value(json_object_get(result, "channel")));
	printf(" %lld\n", (long long)json_integer_value(json_object_get(result,
	    "post")));
	fflush(stdout);
	if (json_is_true(json_object_get(result, "created"))) {
		fputs("harbour: started your conversation with ", stderr);
		print_safe_to(stderr, user);
		fputc('\n', stderr);
	}
}

static int
dm_send(struct client *c, const char *user, const char *body)
{
	json_t	*req, *result;
	int	 r;

	req = client_request(c, "dm");
	json_object_set_new(req, "user", json_string(user));
	json_object_set_new(req, "body", json_string(body));
	if ((r = client_call(c, req, &result)) != 0)
		return (r);
	dm_print_result(c, result, user);
	json_decref(result);
	return (print_done());
}

/*
 * Before a chat opens on a conversation, what the server would answer
 * its first message, in its words: a name that can be nobody's is
 * answered as everyone one may not write to is, and oneself is
 * refused. When there is a message to send, the server says it.
 */
static int
dm_chat_check(struct client *c, const char *user)
{
	if (proto_check_user(user) != PROTO_OK)
		return (client_error(CLIENT_EXIT_FAIL, "%s (%s)",
		    DM_UNREACHABLE, proto_err_code(PROTO_E_NOT_FOUND)));
	if (strcmp(c->user, user) == 0)
		return (client_error(CLIENT_EXIT_FAIL, "you cannot write to "
		    "yourself (%s)", proto_err_code(PROTO_E_BAD_REQUEST)));
	return (CLIENT_EXIT_OK);
}

static int
cmd_dm_exec(struct client *c, struct cmd_args *a)
{
	const char	*user = a->argv[0];
	char		 channel[PROTO_MAX_CHANNEL + 1], *body;
	int		 r;

	if (a->argc == 1 && isatty(STDIN_FILENO)) {
		if ((r = client_login(c)) != 0 ||
		    (r = dm_chat_check(c, user)) != 0)
			return (r);
		proto_dm_channel(c->user, user, channel);
		return (chat_run(c, channel));
	}
	if ((body = post_body(a)) == NULL)
		return (CLIENT_EXIT_FAIL);
	if ((r = post_check_text("text", proto_check_body(body),
	    PROTO_MAX_BODY)) != 0 || (r = client_login(c)) != 0) {
		free(body);
		return (r);
	}
	r = dm_send(c, user, body);
	free(body);
	return (r);
}

/* "carl   2 unread  2026-11-25T08:15:02Z  dm/ana+carl", names in a
 * column. */
static void
dms_print(json_t *list)
{
	json_t		*d;
	const char	*with;
	char		 ts[PROTO_TS_LEN];
	size_t		 i, width = 0, len;

	if (json_array_size(list) == 0)
		puts("no conversations: `harbour dm USER TEXT` starts one");
	json_array_foreach(list, i, d) {
		with = json_string_value(json_object_get(d, "with"));
		if (with != NULL && (len = strlen(with)) > width)
			width = len;
	}
	json_array_foreach(list, i, d) {
		with = json_string_value(json_object_get(d, "with"));
		print_ts(json_object_get(d, "last_ts"), ts);
		print_safe(with);
		printf("%*s  %lld unread  %s  ", (int)(width - (with != NULL ?
		    strlen(with) : 0)), "", (long long)json_integer_value(
		    json_object_get(d, "unread")), ts);
		print_safe(json_string_value(json_object_get(d, "channel")));
		putchar('\n');
	}
}

/* A request whose result is printed as text by print, or as JSON. */
static int
dm_list(struct client *c, const char *op, const char *key,
    void (*print)(json_t *))
{
	json_t	*result;
	int	 r;

	if ((r = client_login(c)) != 0 ||
	    (r = client_call(c, client_request(c, op), &result)) != 0)
		return (r);
	if (c->json)
		print_json(result);
	else
		print(json_object_get(result, key));
	json_decref(result);
	return (print_done());
}

static int
cmd_dms_exec(struct client *c, struct cmd_args *a)
{
	(void)a;
	return (dm_list(c, "dms", "conversations", dms_print));
}

static void
blocks_print(json_t *list)
{
	json_t	*u;
	size_t	 i;

	if (json_array_size(list) == 0)
		puts("you have blocked nobody");
	json_array_foreach(list, i, u) {
		print_safe(json_string_value(u));
		putchar('\n');
	}
}

static int
cmd_blocks_exec(struct client *c, struct cmd_args *a)
{
	(void)a;
	return (dm_list(c, "blocks", "blocks", blocks_print));
}

/* block and unblock: the user, checked; what now holds, in words. */
static int
block_change(struct client *c, struct cmd_args *a, const char *op,
    const char *key, const char *done)
{
	json_t		*req, *result;
	const char	*user = a->argv[0];
	int		 r;

	if ((r = client_login(c)) != 0)
		return (r);
	req = client_request(c, op);
	json_object_set_new(req, "user", json_string(user));
	if ((r = client_call(c, req, &result)) != 0)
		return (r);
	if (c->json)
		print_json(result);
	else {
		fputs(op, stdout);
		fputs("ed ", stdout);
		print_safe(json_is_string(json_object_get(result, key)) ?
		    json_string_value(json_object_get(result, key)) : user);
		puts(done);
	}
	json_decref(result);
	return (print_done());
}

static int
cmd_block_exec(struct client *c, struct cmd_args *a)
{
	return (block_change(c, a, "block", "blocked", ": their messages to "
	    "you are refused, and your conversation with them has ended"));
}

static int
cmd_unblock_exec(struct client *c, struct cmd_args *a)
{
	return (block_change(c, a, "unblock", "unblocked", ": they may write "
	    "to you again"));
}
