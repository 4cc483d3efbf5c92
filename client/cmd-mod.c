/*
 * cmd-mod.c: suspension and the moderation log: admin suspend,
 * admin unsuspend, mod log. The rest of moderation (held posts, hide,
 * mute, reports) joins this file as it is built.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "print.h"

static int	cmd_suspend_exec(struct client *, struct cmd_args *);
static int	cmd_unsuspend_exec(struct client *, struct cmd_args *);
static int	cmd_mod_log_exec(struct client *, struct cmd_args *);

const struct cmd_entry cmd_admin_suspend_entry = {
	.name = "admin suspend",
	.usage = "USER --reason TEXT",
	.summary = "Suspend an account: its sessions end, it cannot log in "
	    "(admins).",
	.help =
"Every live session of USER ends at once and its saved session tokens\n"
"stop working; until `harbour admin unsuspend`, every login (password,\n"
"token or certificate) is refused, and a login with the right password\n"
"is told the REASON (at most " PROTO_XSTR(PROTO_MAX_REASON) " bytes). Its posts stay. The\n"
"suspension goes into the moderation log (`harbour mod log`).\n",
	.opts = { { "reason", "TEXT" }, { NULL, NULL } },
	.args_min = 1, .args_max = 1,
	.exec = cmd_suspend_exec,
};

const struct cmd_entry cmd_admin_unsuspend_entry = {
	.name = "admin unsuspend",
	.usage = "USER",
	.summary = "Lift a suspension (admins).",
	.help =
"USER can log in again with their password or certificate; tokens\n"
"saved before the suspension stay revoked. Logged in the moderation\n"
"log.\n",
	.opts = { { NULL, NULL } },
	.args_min = 1, .args_max = 1,
	.exec = cmd_unsuspend_exec,
};

const struct cmd_entry cmd_mod_log_entry = {
	.name = "mod log",
	.usage = "[CHANNEL] [--since ID]",
	.summary = "Show the moderation log: who did what, why and when.",
	.help =
"Without CHANNEL, the server's own log (suspensions), for admins; with\n"
"it, that channel's, for its moderators. Oldest first, from after entry\n"
"ID with --since; one entry a line: its id, time, who, what, about\n"
"whom and why. Nothing can change or remove an entry.\n",
	.opts = { { "since", "ID" }, { NULL, NULL } },
	.args_min = 0, .args_max = 1,
	.exec = cmd_mod_log_exec,
};

static int
cmd_suspension(struct client *c, struct cmd_args *a, int suspend)
{
	const char	*reason = client_opt(a, "reason");
	json_t		*req, *result;
	int		 r;

	if (suspend && (reason == NULL || *reason == '\0'))
		return (client_usage(a->entry, "give a --reason: the account "
		    "is told it when it tries to log in"));
	if ((r = client_login(c)) != 0)
		return (r);
	req = client_request(c, suspend ? "admin.suspend" : "admin.unsuspend");
	json_object_set_new(req, "user", json_string(a->argv[0]));
	if (suspend)
		json_object_set_new(req, "reason", json_string(reason));
	if ((r = client_call(c, req, &result)) != 0)
		return (r);
	if (c->json)
		print_json(result);
	else {
		print_safe(a->argv[0]);
		puts(suspend ? " is suspended; their live sessions ended" :
		    " may log in again");
	}
	json_decref(result);
	return (print_done());
}

static int
cmd_suspend_exec(struct client *c, struct cmd_args *a)
{
	return (cmd_suspension(c, a, 1));
}

static int
cmd_unsuspend_exec(struct client *c, struct cmd_args *a)
{
	return (cmd_suspension(c, a, 0));
}

static void
mod_log_print(json_t *e)
{
	const char *s;

	printf("%lld  %s  ", (long long)json_integer_value(json_object_get(e,
	    "id")), json_string_value(json_object_get(e, "ts")));
	s = json_string_value(json_object_get(e, "by"));
	print_safe(s != NULL ? s : "(the operator)");
	putchar(' ');
	print_safe(json_string_value(json_object_get(e, "action")));
	if ((s = json_string_value(json_object_get(e, "user"))) != NULL) {
		putchar(' ');
		print_safe(s);
	}
	if ((s = json_string_value(json_object_get(e, "channel"))) != NULL) {
		fputs(" in ", stdout);
		print_safe(s);
	}
	if (json_is_integer(json_object_get(e, "post")))
		printf(" post #%lld", (long long)json_integer_value(
		    json_object_get(e, "post")));
	if ((s = json_string_value(json_object_get(e, "reason"))) != NULL) {
		fputs(": ", stdout);
		print_safe(s);
	}
	putchar('\n');
}

static int
cmd_mod_log_exec(struct client *c, struct cmd_args *a)
{
	const char	*since = client_opt(a, "since");
	json_t		*req, *result, *e;
	char		*end;
	long long	 n = 0;
	size_t		 i;
	int		 r;

	if (since != NULL && ((n = strtoll(since, &end, 10)) < 0 ||
	    *since == '\0' || *end != '\0'))
		return (client_usage(a->entry, "--since takes an entry id"));
	if ((r = client_login(c)) != 0)
		return (r);
	req = client_request(c, "mod.log");
	if (a->argc > 0)
		json_object_set_new(req, "channel", json_string(a->argv[0]));
	if (since != NULL)
		json_object_set_new(req, "since", json_integer(n));
	if ((r = client_call(c, req, &result)) != 0)
		return (r);
	if (c->json)
		print_json(result);
	else if (json_array_size(json_object_get(result, "entries")) == 0)
		puts("no entries");
	else
		json_array_foreach(json_object_get(result, "entries"), i, e)
			mod_log_print(e);
	json_decref(result);
	return (print_done());
}
