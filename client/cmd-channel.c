/*
 * cmd-channel.c: channel create, channel set, channels, join, leave.
 *
 * A channel is always named in full, ORG/NAME, peer/NAME or group/NAME
 * (cmd-group.c), on the command line as on the wire: a name that meant
 * something different depending on who typed it would be a trap on a
 * network where several organisations share the screen.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "print.h"

static int	cmd_channel_create_exec(struct client *, struct cmd_args *);
static int	cmd_channels_exec(struct client *, struct cmd_args *);
static int	cmd_join_exec(struct client *, struct cmd_args *);
static int	cmd_leave_exec(struct client *, struct cmd_args *);
static int	cmd_channel_set_exec(struct client *, struct cmd_args *);

const struct cmd_entry cmd_channel_set_entry = {
	.name = "channel set",
	.usage = "CHANNEL --moderation open|pre|announce | --anon allowed|off | "
	    "--slow SECONDS | --retention AGE|off",
	.summary = "Change how a channel is moderated (its moderators).",
	.help =
"--moderation open: members' posts appear at once (the default); pre:\n"
"they wait for a moderator's approval (`harbour mod queue`); announce:\n"
"only moderators post. --anon allowed lets members post anonymously\n"
"(`harbour post --anon`); off (the default) does not. --slow SECONDS\n"
"lets each member post at most once every SECONDS (up to\n"
PROTO_XSTR(PROTO_SLOW_MAX) "); 0 turns slow mode off; moderators are exempt.\n"
"--retention AGE (90d, 12w, 36h: at least 1d, at most 3650d) has the\n"
"daemon delete posts older than AGE, within the hour; a thread goes\n"
"whole once its first post is that old. off (or 0) keeps posts. Give one\n"
"or more of them; the change is logged. Prints the channel's settings.\n",
	.opts = { { "moderation", "open|pre|announce" },
	    { "anon", "allowed|off" }, { "slow", "SECONDS" },
	    { "retention", "AGE|off" }, { NULL, NULL } },
	.args_min = 1, .args_max = 1,
	.exec = cmd_channel_set_exec,
};

const struct cmd_entry cmd_channel_create_entry = {
	.name = "channel create",
	.usage = "ORG/NAME | peer/NAME | --peer NAME",
	.summary = "Create a channel, and join it.",
	.help =
"ORG/NAME makes a channel only the members of ORG can see (an org-admin\n"
"of ORG may do this). peer/NAME makes a peer channel that everyone on\n"
"the network can see (facilitators and admins may do this). With\n"
"--peer, the channel must be a peer channel: a plain NAME means\n"
"peer/NAME. NAME is 1 to 32 characters from a-z, 0-9 and '-'.\n",
	.opts = { { "peer", NULL }, { NULL, NULL } },
	.args_min = 1, .args_max = 1,
	.exec = cmd_channel_create_exec,
};

const struct cmd_entry cmd_channels_entry = {
	.name = "channels",
	.usage = "",
	.summary = "List the channels you can see, with unread counts.",
	.help =
"One channel a line, joined or not: CHANNEL  KIND  joined|-  N unread.\n"
"KIND is org, peer, group (a private group you are in) or dm (a\n"
"conversation, see `harbour dm`). Unread counts only channels you have\n"
"joined. Then what is not the default: pre or announce (moderation),\n"
"anonymous posts allowed, slow mode Ns, posts kept Nd; and a group's\n"
"title, in parentheses. Archived channels (read-only, see `harbour\n"
"channel archive`) are left out; --all lists them too, marked archived.\n",
	.opts = { { "all", NULL }, { NULL, NULL } },
	.args_min = 0, .args_max = 0,
	.exec = cmd_channels_exec,
};

const struct cmd_entry cmd_join_entry = {
	.name = "join",
	.usage = "CHANNEL",
	.summary = "Join a channel, to post in it and follow it.",
	.help =
"Joining a channel you have joined already is not an error.\n",
	.opts = { { NULL, NULL } },
	.args_min = 1, .args_max = 1,
	.exec = cmd_join_exec,
};

const struct cmd_entry cmd_leave_entry = {
	.name = "leave",
	.usage = "CHANNEL",
	.summary = "Leave a channel.",
	.help =
"You can still read a channel you can see after leaving it. Leaving a\n"
"channel you have not joined is not an error.\n",
	.opts = { { NULL, NULL } },
	.args_min = 1, .args_max = 1,
	.exec = cmd_leave_exec,
};

/* "peer/NAME" from --peer's NAME or peer/NAME; NULL after a usage error. */
static char *
channel_peer_name(const struct cmd_args *a)
{
	const char	*arg = a->argv[0];
	char		*name;
	size_t		 plen = strlen(PROTO_PEER_PREFIX);

	if (strchr(arg, '/') == NULL) {
		xasprintf(&name, "%s/%s", PROTO_PEER_PREFIX, arg);
		return (name);
	}
	if (strncmp(arg, PROTO_PEER_PREFIX, plen) == 0 && arg[plen] == '/')
		return (xstrdup(arg));
	client_usage(a->entry, "--peer makes a peer channel: give peer/NAME "
	    "or NAME, not %s", arg);
	return (NULL);
}

static int
cmd_channel_create_exec(struct client *c, struct cmd_args *a)
{
	json_t	*req, *result;
	char	*name;
	int	 r;

	if (client_opt(a, "peer") != NULL) {
		if ((name = channel_peer_name(a)) == NULL)
			return (CLIENT_EXIT_USAGE);
	} else
		name = xstrdup(a->argv[0]);
	if ((r = client_channel(name)) != 0 || (r = client_login(c)) != 0) {
		free(name);
		return (r);
	}
	req = client_request(c, "channel.create");
	json_object_set_new(req, "channel", json_string(name));
	free(name);
	if ((r = client_call(c, req, &result)) != 0)
		return (r);
	if (c->json)
		print_json(result);
	else {
		fputs("created ", stdout);
		print_safe(json_string_value(json_object_get(result,
		    "channel")));
		fputs(" (", stdout);
		print_safe(json_string_value(json_object_get(result, "kind")));
		fputs(")\n", stdout);
	}
	json_decref(result);
	return (print_done());
}

/* ", pre-moderated, anonymous posts allowed, slow mode 30s": what
 * differs from the defaults, or everything when all. */
static void
channel_print_modes(json_t *ch, int all)
{
	const char	*mod = json_string_value(json_object_get(ch,
			    "moderation"));
	json_int_t	 slow = json_integer_value(json_object_get(ch, "slow"));
	int		 anon = json_is_true(json_object_get(ch, "anon"));
	json_int_t	 ret = json_integer_value(json_object_get(ch,
			    "retention"));

	if (mod != NULL && (all || strcmp(mod, "open") != 0)) {
		fputs(all ? "moderation " : "  ", stdout);
		print_safe(mod);
	}
	if (all || anon)
		printf("%sanonymous posts %s", all ? ", " : "  ",
		    anon ? "allowed" : "off");
	if (slow > 0)
		printf("%sslow mode %llds", all ? ", " : "  ", (long long)slow);
	else if (all)
		fputs(", slow mode off", stdout);
	if (ret > 0 && ret % 86400 == 0)
		printf("%sposts kept %lldd", all ? ", " : "  ",
		    (long long)(ret / 86400));
	else if (ret > 0)
		printf("%sposts kept %llds", all ? ", " : "  ", (long long)ret);
	else if (all)
		fputs(", posts kept forever", stdout);
}

/* channel set's options into req: at least one, each a known value. */
static int
channel_set_options(const struct cmd_args *a, json_t *req)
{
	const char	*mod = client_opt(a, "moderation");
	const char	*anon = client_opt(a, "anon");
	const char	*slow = client_opt(a, "slow");
	const char	*ret = client_opt(a, "retention");
	int64_t		 secs, keep = 0;

	if (mod == NULL && anon == NULL && slow == NULL && ret == NULL)
		return (client_usage(a->entry, "say what to change: "
		    "--moderation, --anon, --slow or --retention"));
	if (ret != NULL && strcmp(ret, "off") != 0 && strcmp(ret, "0") != 0 &&
	    ((keep = proto_parse_duration(ret, PROTO_RETENTION_MAX)) == -1 ||
	    keep < PROTO_RETENTION_MIN))
		return (client_usage(a->entry, "--retention is an age of at "
		    "least a day (90d, 12w, 36h) or off, not %s", ret));
	if (mod != NULL && strcmp(mod, "open") != 0 &&
	    strcmp(mod, "pre") != 0 && strcmp(mod, "announce") != 0)
		return (client_usage(a->entry, "--moderation is open, pre or "
		    "announce, not %s", mod));
	if (anon != NULL && strcmp(anon, "allowed") != 0 &&
	    strcmp(anon, "off") != 0)
		return (client_usage(a->entry, "--anon is allowed or off, not "
		    "%s", anon));
	if (slow != NULL && client_parse_int(slow, 0, PROTO_SLOW_MAX,
	    &secs) == -1)
		return (client_usage(a->entry, "--slow takes seconds from 0 "
		    "(off) to %d", PROTO_SLOW_MAX));
	if (mod != NULL)
		json_object_set_new(req, "moderation", json_string(mod));
	if (anon != NULL)
		json_object_set_new(req, "anon", json_boolean(strcmp(anon,
		    "allowed") == 0));
	if (slow != NULL)
		json_object_set_new(req, "slow", json_integer(secs));
	if (ret != NULL)
		json_object_set_new(req, "retention", json_integer(keep));
	return (CLIENT_EXIT_OK);
}

static int
cmd_channel_set_exec(struct client *c, struct cmd_args *a)
{
	json_t	*req, *result;
	int	 r;

	req = client_request(c, "channel.set");
	if ((r = channel_set_options(a, req)) != 0 ||
	    (r = client_channel(a->argv[0])) != 0 ||
	    (r = client_login(c)) != 0) {
		json_decref(req);
		return (r);
	}
	/* After the login, which makes a bare NAME ORG/NAME. */
	json_object_set_new(req, "channel", json_string(a->argv[0]));
	if ((r = client_call(c, req, &result)) != 0)
		return (r);
	if (c->json)
		print_json(result);
	else {
		print_safe(a->argv[0]);
		fputs(": ", stdout);
		channel_print_modes(result, 1);
		putchar('\n');
	}
	json_decref(result);
	return (print_done());
}

/* "group/set-a  group  joined  2 unread  (Action learning set A)". An
 * empty title is no title: a server may send one for any channel. */
static void
channel_print_line(json_t *ch)
{
	const char	*title = json_string_value(json_object_get(ch,
			    "title"));
	int		 group = json_is_true(json_object_get(ch, "group"));
	int		 joined = json_is_true(json_object_get(ch, "joined"));

	print_safe(json_string_value(json_object_get(ch, "channel")));
	fputs("  ", stdout);
	/* "group" says it all, whatever kind a server names besides. */
	print_safe(group ? "group" : json_string_value(json_object_get(ch,
	    "kind")));
	printf("  %s  %lld unread", joined ? "joined" : "-",
	    (long long)json_integer_value(json_object_get(ch, "unread")));
	channel_print_modes(ch, 0);
	if (json_object_get(ch, "archived_at") != NULL)
		fputs("  archived", stdout);
	if (title != NULL && *title != '\0') {
		fputs("  (", stdout);
		print_safe(title);
		putchar(')');
	}
	putchar('\n');
}

static int
cmd_channels_exec(struct client *c, struct cmd_args *a)
{
	json_t	*req, *result, *ch;
	size_t	 i;
	int	 r;

	if ((r = client_login(c)) != 0)
		return (r);
	req = client_request(c, "channel.list");
	if (client_opt(a, "all") != NULL)
		json_object_set_new(req, "all", json_true());
	if ((r = client_call(c, req, &result)) != 0)
		return (r);
	if (c->json) {
		print_json(result);
		json_decref(result);
		return (print_done());
	}
	json_array_foreach(json_object_get(result, "channels"), i, ch)
		channel_print_line(ch);
	if (json_array_size(json_object_get(result, "channels")) == 0)
		puts("no channels you can see yet: an org-admin makes your "
		    "organisation's, a facilitator the peer ones");
	json_decref(result);
	return (print_done());
}

/* An op on the CHANNEL argument alone, said done in words: join and
 * leave, archive and unarchive differ only in the op and the past
 * tense. */
int
client_channel_op(struct client *c, struct cmd_args *a, const char *op,
    const char *done)
{
	json_t	*req, *result;
	int	 r;

	if ((r = client_channel(a->argv[0])) != 0 ||
	    (r = client_login(c)) != 0)
		return (r);
	req = client_request(c, op);
	json_object_set_new(req, "channel", json_string(a->argv[0]));
	if ((r = client_call(c, req, &result)) != 0)
		return (r);
	if (c->json)
		print_json(result);
	else {
		printf("%s ", done);
		print_safe(a->argv[0]);
		putchar('\n');
	}
	json_decref(result);
	return (print_done());
}

static int
cmd_join_exec(struct client *c, struct cmd_args *a)
{
	return (client_channel_op(c, a, "join", "joined"));
}

static int
cmd_leave_exec(struct client *c, struct cmd_args *a)
{
	return (client_channel_op(c, a, "leave", "left"));
}
