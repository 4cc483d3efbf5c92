/*
 * cmd-inbox.c: what waits for someone, and when they are working:
 * inbox, inbox read, quiet set, quiet off, quiet show, org hours.
 *
 * The inbox holds announcements of resources with the tags a person
 * (or their organisation) follows, and the posts that name them. During
 * their working hours each is pushed as it comes (tail and chat show
 * it); outside them it waits, and comes as one digest when the hours
 * begin, so nobody is pinged at night. Hours are a person's own, or
 * else their organisation's default, or none: then everything is
 * pushed as it comes. Whatever the hours, `inbox` shows everything on
 * asking.
 *
 * The hours' syntax is the server's to check ("Mon-Fri 09:00-17:30;
 * Sat 10:00-12:00", in a tz database zone); its message says what is
 * wrong, and the client repeats it rather than guess at the rules.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "print.h"

/* The server's bounds on a page of the inbox. */
#define INBOX_LIMIT_MAX		200

static int	cmd_inbox_exec(struct client *, struct cmd_args *);
static int	cmd_inbox_read_exec(struct client *, struct cmd_args *);
static int	cmd_quiet_set_exec(struct client *, struct cmd_args *);
static int	cmd_quiet_off_exec(struct client *, struct cmd_args *);
static int	cmd_quiet_show_exec(struct client *, struct cmd_args *);
static int	cmd_org_hours_exec(struct client *, struct cmd_args *);

const struct cmd_entry cmd_inbox_entry = {
	.name = "inbox",
	.usage = "[--all] [--limit N] [--before ID]",
	.summary = "Show the announcements and mentions waiting for you.",
	.help =
"Newest first, one a line: the item's id (what `harbour inbox read`\n"
"takes), when, and what: a resource shared with a tag you follow (its\n"
"id, title, tags and organisation), or a post that names you (its\n"
"channel, author and first line; a post behind a content note shows\n"
"the note only). Without --all, the unread ones; with it, all, the\n"
"read ones marked [read]. --limit shows N (default 50, at most " PROTO_XSTR(INBOX_LIMIT_MAX) ");\n"
"when there are more, a last line \"more: --before ID\" says how to see\n"
"them.\n",
	.opts = { { "all", NULL }, { "limit", "N" }, { "before", "ID" },
	    { NULL, NULL } },
	.args_min = 0, .args_max = 0,
	.exec = cmd_inbox_exec,
};

const struct cmd_entry cmd_inbox_read_entry = {
	.name = "inbox read",
	.usage = "ID | --all",
	.summary = "Mark an inbox item read, or all of them.",
	.help =
"A read item is no longer listed by `harbour inbox` (but for --all) or\n"
"by `harbour sync`. Prints how many were marked.\n",
	.opts = { { "all", NULL }, { NULL, NULL } },
	.args_min = 0, .args_max = 1,
	.exec = cmd_inbox_read_exec,
};

const struct cmd_entry cmd_quiet_set_entry = {
	.name = "quiet set",
	.usage = "HOURS [--tz ZONE]",
	.summary = "Set your working hours: outside them nothing is pushed.",
	.help =
"HOURS is one or more ranges separated by ';', each days and a time\n"
"span: \"Mon-Fri 09:00-17:30\", \"Mon,Wed 08:00-12:00; Tue 13:00-18:00\"\n"
"(days Mon to Sun, a range or a list; times HH:MM, from 00:00 to\n"
"24:00; at most 16 ranges). ZONE is a tz database name such as\n"
"Europe/London (default: this computer's zone, when it has a name).\n"
"Outside your hours, what comes to your inbox waits, and is brought to\n"
"you as one digest when they begin; people who name you in a post are\n"
"told you are away until then. These replace your organisation's\n"
"default hours, if it has any.\n",
	.opts = { { "tz", "ZONE" }, { NULL, NULL } },
	.args_min = 1, .args_max = 1,
	.exec = cmd_quiet_set_exec,
};

const struct cmd_entry cmd_quiet_off_entry = {
	.name = "quiet off",
	.usage = "",
	.summary = "Clear your own working hours.",
	.help =
"Your organisation's default hours apply again, if it has any;\n"
"otherwise everything is pushed to you as it comes.\n",
	.opts = { { NULL, NULL } },
	.args_min = 0, .args_max = 0,
	.exec = cmd_quiet_off_exec,
};

const struct cmd_entry cmd_quiet_show_entry = {
	.name = "quiet show",
	.usage = "",
	.summary = "Show your working hours, and whether you are in them now.",
	.help =
"Your hours and their zone, whose they are (your own, or your\n"
"organisation's default), and whether now is within or outside them,\n"
"until when.\n",
	.opts = { { NULL, NULL } },
	.args_min = 0, .args_max = 0,
	.exec = cmd_quiet_show_exec,
};

const struct cmd_entry cmd_org_hours_entry = {
	.name = "org hours",
	.usage = "ORG HOURS [--tz ZONE] | ORG --off",
	.summary = "Set an organisation's default working hours (org-admins).",
	.help =
"The hours, as for `harbour quiet set`, of everyone in ORG who has set\n"
"none of their own. --off clears them. ORG's org-admins and admins may\n"
"do this.\n",
	.opts = { { "tz", "ZONE" }, { "off", NULL }, { NULL, NULL } },
	.args_min = 1, .args_max = 2,
	.exec = cmd_org_hours_exec,
};

/* ---- the inbox ---------------------------------------------------------- */

static int
inbox_options(const struct cmd_args *a, json_t *req)
{
	const char	*v;
	int64_t		 n;

	if (client_opt(a, "all") != NULL)
		json_object_set_new(req, "all", json_true());
	if ((v = client_opt(a, "limit")) != NULL) {
		if (client_parse_int(v, 1, INBOX_LIMIT_MAX, &n) == -1)
			return (client_usage(a->entry, "--limit takes a number "
			    "from 1 to %d", INBOX_LIMIT_MAX));
		json_object_set_new(req, "limit", json_integer(n));
	}
	if ((v = client_opt(a, "before")) != NULL) {
		if (client_parse_int(v, 1, PROTO_ID_MAX, &n) == -1)
			return (client_usage(a->entry, "--before takes an "
			    "item's number"));
		json_object_set_new(req, "before", json_integer(n));
	}
	return (CLIENT_EXIT_OK);
}

static void
inbox_print(const struct cmd_args *a, json_t *result)
{
	json_t	*items = json_object_get(result, "items"), *it;
	json_t	*alerts = json_object_get(result, "alerts");
	size_t	 i;
	int	 all = client_opt(a, "all") != NULL;

	/* Urgent reports first: they wait for someone to acknowledge
	 * them (harbour mod ack), not to be read. */
	if (json_array_size(alerts) > 0) {
		printf("urgent, waiting for an acknowledgement (harbour mod "
		    "ack ID):\n");
		json_array_foreach(alerts, i, it)
			print_report(it);
	}
	if (json_array_size(items) == 0) {
		if (client_opt(a, "before") != NULL)
			puts("no more items");
		else
			puts(all ? "your inbox is empty" :
			    "nothing unread in your inbox");
		return;
	}
	json_array_foreach(items, i, it)
		print_item(it);
	if (json_is_true(json_object_get(result, "more")))
		printf("more: --before %lld\n", (long long)json_integer_value(
		    json_object_get(json_array_get(items, i - 1), "id")));
}

static int
cmd_inbox_exec(struct client *c, struct cmd_args *a)
{
	json_t	*req, *result;
	int	 r;

	req = client_request(c, "inbox");
	if ((r = inbox_options(a, req)) != 0 || (r = client_login(c)) != 0) {
		json_decref(req);
		return (r);
	}
	if ((r = client_call(c, req, &result)) != 0)
		return (r);
	if (c->json)
		print_json(result);
	else
		inbox_print(a, result);
	json_decref(result);
	return (print_done());
}

static int
cmd_inbox_read_exec(struct client *c, struct cmd_args *a)
{
	int	 all = client_opt(a, "all") != NULL;
	json_t	*req, *result;
	int64_t	 id = 0, n;
	int	 r;

	if (all == (a->argc == 1))
		return (client_usage(a->entry, "give an item's number, or "
		    "--all, but not both"));
	if (!all && client_parse_int(a->argv[0], 1, PROTO_ID_MAX, &id) == -1)
		return (client_usage(a->entry, "give the item's number, like "
		    "5, not %s", a->argv[0]));
	if ((r = client_login(c)) != 0)
		return (r);
	req = client_request(c, "inbox.read");
	if (all)
		json_object_set_new(req, "all", json_true());
	else
		json_object_set_new(req, "item", json_integer(id));
	if ((r = client_call(c, req, &result)) != 0)
		return (r);
	n = json_integer_value(json_object_get(result, "read"));
	if (c->json)
		print_json(result);
	else if (n == 0)
		puts("nothing was unread");
	else
		printf("marked %lld %s read\n", (long long)n, n == 1 ? "item" :
		    "items");
	json_decref(result);
	return (print_done());
}

/* ---- working hours ------------------------------------------------------ */

/*
 * "working hours: Mon-Fri 09:00-17:30 Europe/London (your own); now
 * outside them until Mon 09:00 Europe/London", from a quiet.* or
 * org.hours result; whose is what the hours are called.
 */
static void
quiet_print(json_t *res, const char *whose)
{
	const char	*hours = json_string_value(json_object_get(res,
			    "hours"));
	const char	*next = json_string_value(json_object_get(res,
			    "next_text"));

	if (hours == NULL) {
		puts("no working hours set: everything is pushed as it comes");
		return;
	}
	fputs("working hours: ", stdout);
	print_safe(hours);
	putchar(' ');
	print_safe(json_string_value(json_object_get(res, "tz")));
	printf(" (%s); now %s them", whose, json_is_true(json_object_get(res,
	    "in_hours")) ? "within" : "outside");
	if (next != NULL) {
		fputs(" until ", stdout);
		print_safe(next);
	}
	putchar('\n');
}

static const char *
quiet_whose(json_t *res)
{
	const char	*source = json_string_value(json_object_get(res,
			    "source"));

	if (source != NULL && strcmp(source, "org") == 0)
		return ("your organisation's");
	return ("your own");
}

/* hours and tz into req, for quiet.set and org.hours. */
static int
quiet_fields(const struct cmd_args *a, const char *hours, json_t *req)
{
	char	tz[CLIENT_TZ_MAX];
	int	r;

	if (*hours == '\0')
		return (client_usage(a->entry, "give the hours, like "
		    "\"Mon-Fri 09:00-17:30\""));
	if ((r = args_tz(a, tz, sizeof tz)) != 0)
		return (r);
	json_object_set_new(req, "hours", json_string(hours));
	json_object_set_new(req, "tz", json_string(tz));
	return (CLIENT_EXIT_OK);
}

static int
cmd_quiet_set_exec(struct client *c, struct cmd_args *a)
{
	json_t	*req, *result;
	int	 r;

	req = client_request(c, "quiet.set");
	if ((r = quiet_fields(a, a->argv[0], req)) != 0 ||
	    (r = client_login(c)) != 0) {
		json_decref(req);
		return (r);
	}
	if ((r = client_call(c, req, &result)) != 0)
		return (r);
	if (c->json)
		print_json(result);
	else
		quiet_print(result, "your own");
	json_decref(result);
	return (print_done());
}

/* quiet.show, printed. */
static int
quiet_show(struct client *c)
{
	json_t	*result;
	int	 r;

	if ((r = client_call(c, client_request(c, "quiet.show"),
	    &result)) != 0)
		return (r);
	if (c->json)
		print_json(result);
	else
		quiet_print(result, quiet_whose(result));
	json_decref(result);
	return (print_done());
}

static int
cmd_quiet_show_exec(struct client *c, struct cmd_args *a)
{
	int	r;

	(void)a;
	if ((r = client_login(c)) != 0)
		return (r);
	return (quiet_show(c));
}

/* Cleared, and then what holds instead: the organisation's, or none. */
static int
cmd_quiet_off_exec(struct client *c, struct cmd_args *a)
{
	json_t	*result;
	int	 r;

	(void)a;
	if ((r = client_login(c)) != 0 || (r = client_call(c,
	    client_request(c, "quiet.off"), &result)) != 0)
		return (r);
	if (c->json)
		print_json(result);
	else
		puts("your own working hours are cleared");
	json_decref(result);
	if (c->json)
		return (print_done());
	return (quiet_show(c));
}

static int
cmd_org_hours_exec(struct client *c, struct cmd_args *a)
{
	int	 off = client_opt(a, "off") != NULL;
	json_t	*req, *result;
	char	*whose;
	int	 r;

	if (off == (a->argc == 2) || (off && client_opt(a, "tz") != NULL))
		return (client_usage(a->entry, "give ORG and the HOURS, or "
		    "ORG and --off"));
	if (proto_check_org(a->argv[0]) != PROTO_OK)
		return (client_error(CLIENT_EXIT_FAIL, "\"%s\" is not an "
		    "organisation name (%s)", a->argv[0],
		    proto_err_code(PROTO_E_BAD_NAME)));
	req = client_request(c, "org.hours");
	json_object_set_new(req, "org", json_string(a->argv[0]));
	if (off)
		json_object_set_new(req, "off", json_true());
	if ((!off && (r = quiet_fields(a, a->argv[1], req)) != 0) ||
	    (r = client_login(c)) != 0) {
		json_decref(req);
		return (r);
	}
	if ((r = client_call(c, req, &result)) != 0)
		return (r);
	if (c->json)
		print_json(result);
	else if (off) {
		print_safe(a->argv[0]);
		puts(" has no default working hours now");
	} else {
		xasprintf(&whose, "%s's default, for its people who set none",
		    a->argv[0]);
		quiet_print(result, whose);
		free(whose);
	}
	json_decref(result);
	return (print_done());
}
