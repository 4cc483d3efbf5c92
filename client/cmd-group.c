/*
 * cmd-group.c: private groups: group create, group add, group remove,
 * group members.
 *
 * A group is a channel named group/NAME that only its members know
 * exists: an action learning set, a supervision group, people from
 * several organisations who need a room of their own. Its facilitators
 * add and remove the members; nobody joins one. Once in, a member reads
 * and posts in it with the commands every channel has (read, post,
 * chat...), and finds it in `harbour channels`.
 *
 * Anyone outside a group gets the answer a group that was never made
 * gets, "no such channel", and the client prints the server's words as
 * they came, so that its output does not tell the two apart either.
 * A group's channel is written group/NAME, as on the wire; a bare NAME
 * (no '/') means the same, because it cannot mean anything else.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "print.h"

static int	cmd_group_create_exec(struct client *, struct cmd_args *);
static int	cmd_group_add_exec(struct client *, struct cmd_args *);
static int	cmd_group_remove_exec(struct client *, struct cmd_args *);
static int	cmd_group_members_exec(struct client *, struct cmd_args *);

const struct cmd_entry cmd_group_create_entry = {
	.name = "group create",
	.usage = "NAME [--title TEXT]",
	.summary = "Make a private group, group/NAME, with you in it.",
	.help =
"For facilitators and admins. NAME is 1 to 32 characters from a-z, 0-9\n"
"and '-' (group/NAME says the same). TEXT, one line of up to "
    PROTO_XSTR(PROTO_MAX_TITLE) " bytes,\n"
"says what the group is for. Only its members know that it exists;\n"
"add them with `harbour group add`.\n",
	.opts = { { "title", "TEXT" }, { NULL, NULL } },
	.args_min = 1, .args_max = 1,
	.exec = cmd_group_create_exec,
};

const struct cmd_entry cmd_group_add_entry = {
	.name = "group add",
	.usage = "group/NAME USER [USER ...]",
	.summary = "Add people, from any organisation, to a group.",
	.help =
"For the group's facilitators: the facilitators and admins in it. Up\n"
"to " PROTO_XSTR(PROTO_GROUP_ADD_MAX)
    " people at a time, all or none: if one of them cannot be added\n"
"(no such user, or in the group already), nobody is. They see the group\n"
"at once, and its history.\n",
	.opts = { { NULL, NULL } },
	.args_min = 2, .args_max = -1,
	.exec = cmd_group_add_exec,
};

const struct cmd_entry cmd_group_remove_entry = {
	.name = "group remove",
	.usage = "group/NAME USER",
	.summary = "Take someone out of a group.",
	.help =
"For the group's facilitators. From then on the group does not exist\n"
"for USER: its posts stop reaching them, and its history is closed to\n"
"them. To leave a group yourself: `harbour leave group/NAME`.\n",
	.opts = { { NULL, NULL } },
	.args_min = 2, .args_max = 2,
	.exec = cmd_group_remove_exec,
};

const struct cmd_entry cmd_group_members_entry = {
	.name = "group members",
	.usage = "group/NAME",
	.summary = "List who is in a group (for its members).",
	.help =
"A line with the group's name, title and size, then its members one a\n"
"line, by name: USER  ORG  ROLE, where ROLE is their role on the\n"
"network. To anyone else the group does not exist.\n",
	.opts = { { NULL, NULL } },
	.args_min = 1, .args_max = 1,
	.exec = cmd_group_members_exec,
};

/* "group/NAME" from NAME or group/NAME (malloc'd), or NULL after saying
 * why not: another kind of channel as the server would refuse it, a bad
 * name with the code the server would give. */
static char *
group_channel(const char *arg)
{
	const char	*slash = strchr(arg, '/');
	size_t		 plen = strlen(PROTO_GROUP_PREFIX);
	char		*name;

	if (slash == NULL)
		xasprintf(&name, "%s/%s", PROTO_GROUP_PREFIX, arg);
	else if ((size_t)(slash - arg) == plen &&
	    strncmp(arg, PROTO_GROUP_PREFIX, plen) == 0)
		name = xstrdup(arg);
	else if (proto_check_channel(arg, NULL, NULL) == PROTO_OK) {
		client_error(CLIENT_EXIT_FAIL, "%s is not a group: a group is "
		    "group/NAME (%s)", arg, proto_err_code(
		    PROTO_E_BAD_REQUEST));
		return (NULL);
	} else
		name = xstrdup(arg);
	if (proto_check_channel(name, NULL, NULL) != PROTO_OK) {
		client_error(CLIENT_EXIT_FAIL, "\"%s\" is not a group's name: "
		    "use group/NAME, NAME 1 to %d characters from a-z, 0-9 "
		    "and - (%s)", arg, PROTO_MAX_NAME,
		    proto_err_code(PROTO_E_BAD_NAME));
		free(name);
		return (NULL);
	}
	return (name);
}

static int
group_check_user(const char *user)
{
	if (proto_check_user(user) == PROTO_OK)
		return (CLIENT_EXIT_OK);
	return (client_error(CLIENT_EXIT_FAIL, "\"%s\" is not a user name: "
	    "use 1 to %d characters from a-z, 0-9, '-', '.' and '_' (%s)",
	    user, PROTO_MAX_NAME, proto_err_code(PROTO_E_BAD_NAME)));
}

/* "group/set-a (Action learning set A)": the channel the server named,
 * and the title when there is one (an empty one is none). */
static void
group_print_name(json_t *result, const char *fallback)
{
	const char	*ch = json_string_value(json_object_get(result,
			    "channel"));
	const char	*title = json_string_value(json_object_get(result,
			    "title"));

	print_safe(ch != NULL ? ch : fallback);
	if (title != NULL && *title != '\0') {
		fputs(" (", stdout);
		print_safe(title);
		putchar(')');
	}
}

/* Send req (consumed) and print the result: as JSON, or the words
 * around the group's name. */
static int
group_call(struct client *c, json_t *req, const char *channel,
    void (*print)(json_t *, const char *))
{
	json_t	*result;
	int	 r;

	if ((r = client_call(c, req, &result)) != 0)
		return (r);
	if (c->json)
		print_json(result);
	else
		print(result, channel);
	json_decref(result);
	return (print_done());
}

static void
group_print_created(json_t *result, const char *channel)
{
	fputs("made ", stdout);
	group_print_name(result, channel);
	puts("; you are in it");
}

static int
cmd_group_create_exec(struct client *c, struct cmd_args *a)
{
	const char	*title = client_opt(a, "title");
	json_t		*req;
	char		*channel;
	int		 r;

	if ((channel = group_channel(a->argv[0])) == NULL)
		return (CLIENT_EXIT_FAIL);
	if ((title != NULL && (r = client_check(proto_check_title(title),
	    "the title")) != 0) || (r = client_login(c)) != 0) {
		free(channel);
		return (r);
	}
	req = client_request(c, "group.create");
	/* The server wants the bare NAME: group/ is what it adds. */
	json_object_set_new(req, "name", json_string(channel +
	    strlen(PROTO_GROUP_PREFIX) + 1));
	if (title != NULL)
		json_object_set_new(req, "title", json_string(title));
	r = group_call(c, req, channel, group_print_created);
	free(channel);
	return (r);
}

/* "added amira, ben to group/set-a": the names the server added. */
static void
group_print_added(json_t *result, const char *channel)
{
	json_t	*u;
	size_t	 i;

	fputs("added ", stdout);
	json_array_foreach(json_object_get(result, "added"), i, u) {
		if (i > 0)
			fputs(", ", stdout);
		print_safe(json_string_value(u));
	}
	fputs(" to ", stdout);
	print_safe(channel);
	putchar('\n');
}

/* The USERs, checked, into an array for the request: a name given
 * twice once, since the server would take the second for someone in
 * the group already. NULL after saying which name is wrong. */
static json_t *
group_users(const struct cmd_args *a)
{
	json_t	*users = json_array();
	int	 i, j;

	for (i = 1; i < a->argc; i++) {
		if (group_check_user(a->argv[i]) != 0) {
			json_decref(users);
			return (NULL);
		}
		for (j = 1; j < i && strcmp(a->argv[j], a->argv[i]) != 0; j++)
			;
		if (j == i)
			json_array_append_new(users, json_string(a->argv[i]));
	}
	return (users);
}

static int
cmd_group_add_exec(struct client *c, struct cmd_args *a)
{
	json_t	*req, *users;
	char	*channel;
	int	 r;

	if (a->argc - 1 > PROTO_GROUP_ADD_MAX)
		return (client_usage(a->entry, "add at most %d people at a "
		    "time", PROTO_GROUP_ADD_MAX));
	if ((channel = group_channel(a->argv[0])) == NULL)
		return (CLIENT_EXIT_FAIL);
	if ((users = group_users(a)) == NULL || (r = client_login(c)) != 0) {
		json_decref(users);
		free(channel);
		return (users == NULL ? CLIENT_EXIT_FAIL : r);
	}
	req = client_request(c, "group.add");
	json_object_set_new(req, "channel", json_string(channel));
	json_object_set_new(req, "users", users);
	r = group_call(c, req, channel, group_print_added);
	free(channel);
	return (r);
}

/* "removed amira from group/set-a" */
static void
group_print_removed(json_t *result, const char *channel)
{
	fputs("removed ", stdout);
	print_safe(json_string_value(json_object_get(result, "removed")));
	fputs(" from ", stdout);
	print_safe(channel);
	putchar('\n');
}

static int
cmd_group_remove_exec(struct client *c, struct cmd_args *a)
{
	json_t	*req;
	char	*channel;
	int	 r;

	if ((channel = group_channel(a->argv[0])) == NULL)
		return (CLIENT_EXIT_FAIL);
	if ((r = group_check_user(a->argv[1])) != 0 ||
	    (r = client_login(c)) != 0) {
		free(channel);
		return (r);
	}
	req = client_request(c, "group.remove");
	json_object_set_new(req, "channel", json_string(channel));
	json_object_set_new(req, "user", json_string(a->argv[1]));
	r = group_call(c, req, channel, group_print_removed);
	free(channel);
	return (r);
}

/* The widest value of key among the members, for the columns. */
static int
group_width(json_t *members, const char *key)
{
	json_t		*m;
	const char	*s;
	size_t		 i, w = 0;

	json_array_foreach(members, i, m) {
		if ((s = json_string_value(json_object_get(m, key))) != NULL &&
		    strlen(s) > w)
			w = strlen(s);
	}
	return ((int)w);
}

/* A column: the value, then spaces up to width and two more. */
static void
group_column(const char *s, int width)
{
	print_safe(s != NULL ? s : "?");
	printf("%*s", width - (int)(s != NULL ? strlen(s) : 1) + 2, "");
}

/* "group/set-a (Action learning set A): 3 members", then one a line,
 * "amira  refugee-action  member", in columns. */
static void
group_print_members(json_t *result, const char *channel)
{
	json_t	*members = json_object_get(result, "members"), *m;
	size_t	 i, n = json_array_size(members);
	int	 wu = group_width(members, "user");
	int	 wo = group_width(members, "org");

	group_print_name(result, channel);
	printf(": %zu %s\n", n, n == 1 ? "member" : "members");
	json_array_foreach(members, i, m) {
		group_column(json_string_value(json_object_get(m, "user")), wu);
		group_column(json_string_value(json_object_get(m, "org")), wo);
		print_safe(json_string_value(json_object_get(m, "role")));
		putchar('\n');
	}
}

static int
cmd_group_members_exec(struct client *c, struct cmd_args *a)
{
	json_t	*req;
	char	*channel;
	int	 r;

	if ((channel = group_channel(a->argv[0])) == NULL)
		return (CLIENT_EXIT_FAIL);
	if ((r = client_login(c)) != 0) {
		free(channel);
		return (r);
	}
	req = client_request(c, "group.members");
	json_object_set_new(req, "channel", json_string(channel));
	r = group_call(c, req, channel, group_print_members);
	free(channel);
	return (r);
}
