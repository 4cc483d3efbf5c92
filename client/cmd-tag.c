/*
 * cmd-tag.c: tags and who follows them: tags, subscribe, unsubscribe,
 * subscriptions.
 *
 * Following a tag is how resources find people: a new resource with
 * that tag goes to the inbox of everyone who follows it, and of
 * everyone in an organisation that does (--org, set by its org-admins
 * for all their people at once). Both subscriptions are idempotent on
 * the server; the words printed say what now holds, not what changed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "print.h"

static int	cmd_tags_exec(struct client *, struct cmd_args *);
static int	cmd_subscribe_exec(struct client *, struct cmd_args *);
static int	cmd_unsubscribe_exec(struct client *, struct cmd_args *);
static int	cmd_subscriptions_exec(struct client *, struct cmd_args *);

const struct cmd_entry cmd_tags_entry = {
	.name = "tags",
	.usage = "",
	.summary = "List the tags in use, with how many resources have each.",
	.help =
"One tag a line, in alphabetical order: how many resources have it and\n"
"how many subscriptions follow it (a person's, or an organisation's for\n"
"all its people). `harbour resources --tag TAG` lists them, `harbour\n"
"subscribe TAG` brings new ones to your inbox.\n",
	.opts = { { NULL, NULL } },
	.args_min = 0, .args_max = 0,
	.exec = cmd_tags_exec,
};

const struct cmd_entry cmd_subscribe_entry = {
	.name = "subscribe",
	.usage = "TAG [--org]",
	.summary = "Follow a tag: new resources with it come to your inbox.",
	.help =
"From now on, every resource shared with TAG comes to your inbox, and\n"
"is pushed to you live during your working hours (see `harbour quiet`).\n"
"With --org, for everyone in your organisation: for its org-admins.\n",
	.opts = { { "org", NULL }, { NULL, NULL } },
	.args_min = 1, .args_max = 1,
	.exec = cmd_subscribe_exec,
};

const struct cmd_entry cmd_unsubscribe_entry = {
	.name = "unsubscribe",
	.usage = "TAG [--org]",
	.summary = "Stop following a tag.",
	.help =
"New resources with TAG no longer come to your inbox (or, with --org,\n"
"to your organisation's people, unless they follow it themselves).\n"
"What is in the inbox already stays.\n",
	.opts = { { "org", NULL }, { NULL, NULL } },
	.args_min = 1, .args_max = 1,
	.exec = cmd_unsubscribe_exec,
};

const struct cmd_entry cmd_subscriptions_entry = {
	.name = "subscriptions",
	.usage = "",
	.summary = "Show the tags you follow, and your organisation's.",
	.help =
"Two lines: the tags you follow yourself, and the ones your\n"
"organisation follows for all its people.\n",
	.opts = { { NULL, NULL } },
	.args_min = 0, .args_max = 0,
	.exec = cmd_subscriptions_exec,
};

/* "policy     3 resources, 5 subscriptions", the counts in a column.
 * The server counts subscriptions, not people: an organisation's is
 * one, however many people it has. */
static void
tags_print(json_t *list)
{
	json_t		*t;
	const char	*tag;
	int64_t		 n, subs;
	size_t		 i, width = 0, len;

	if (json_array_size(list) == 0)
		puts("no tags yet: no resource has one, nobody follows one");
	json_array_foreach(list, i, t) {
		tag = json_string_value(json_object_get(t, "tag"));
		if (tag != NULL && (len = strlen(tag)) > width)
			width = len;
	}
	json_array_foreach(list, i, t) {
		tag = json_string_value(json_object_get(t, "tag"));
		n = json_integer_value(json_object_get(t, "resources"));
		subs = json_integer_value(json_object_get(t, "subscribers"));
		print_safe(tag);
		printf("%*s  %lld %s, %lld %s\n", (int)(width - (tag != NULL ?
		    strlen(tag) : 0)), "", (long long)n, n == 1 ? "resource" :
		    "resources", (long long)subs, subs == 1 ? "subscription" :
		    "subscriptions");
	}
}

static int
cmd_tags_exec(struct client *c, struct cmd_args *a)
{
	json_t	*result;
	int	 r;

	(void)a;
	if ((r = client_login(c)) != 0 ||
	    (r = client_call(c, client_request(c, "tags"), &result)) != 0)
		return (r);
	if (c->json)
		print_json(result);
	else
		tags_print(json_object_get(result, "tags"));
	json_decref(result);
	return (print_done());
}

/* subscribe and unsubscribe: the tag, lowercase and checked. */
static int
tag_change(struct client *c, struct cmd_args *a, const char *op)
{
	json_t	*req, *result;
	char	*tag, *p;
	int	 org = client_opt(a, "org") != NULL, sub, r;

	tag = xstrdup(a->argv[0]);
	for (p = tag; *p != '\0'; p++) {
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	}
	if (proto_check_tag(tag) != PROTO_OK) {
		r = client_error(CLIENT_EXIT_FAIL, "\"%s\" is not a tag: a tag "
		    "is 1 to %d of a-z, 0-9 and - (%s)", a->argv[0],
		    PROTO_MAX_TAG, proto_err_code(PROTO_E_BAD_NAME));
		free(tag);
		return (r);
	}
	if ((r = client_login(c)) != 0) {
		free(tag);
		return (r);
	}
	req = client_request(c, op);
	json_object_set_new(req, "tag", json_string(tag));
	if (org)
		json_object_set_new(req, "org", json_true());
	free(tag);
	if ((r = client_call(c, req, &result)) != 0)
		return (r);
	sub = strcmp(op, "tag.subscribe") == 0;
	if (c->json)
		print_json(result);
	else {
		if (org)
			print_safe(c->org);
		fputs(org ? (sub ? " follows " : " no longer follows ") :
		    (sub ? "you follow " : "you no longer follow "), stdout);
		print_safe(json_string_value(json_object_get(result, "tag")));
		puts(sub ? ": new resources with it come to the inbox" : "");
	}
	json_decref(result);
	return (print_done());
}

static int
cmd_subscribe_exec(struct client *c, struct cmd_args *a)
{
	return (tag_change(c, a, "tag.subscribe"));
}

static int
cmd_unsubscribe_exec(struct client *c, struct cmd_args *a)
{
	return (tag_change(c, a, "tag.unsubscribe"));
}

/* "yours: a, b" or "yours: none" */
static void
subs_line(const char *who, json_t *tags)
{
	json_t	*t;
	size_t	 i;

	print_safe(who);
	fputs(": ", stdout);
	if (json_array_size(tags) == 0)
		fputs("none", stdout);
	json_array_foreach(tags, i, t) {
		if (i > 0)
			fputs(", ", stdout);
		print_safe(json_string_value(t));
	}
	putchar('\n');
}

static int
cmd_subscriptions_exec(struct client *c, struct cmd_args *a)
{
	json_t	*result;
	char	*org;
	int	 r;

	(void)a;
	if ((r = client_login(c)) != 0 || (r = client_call(c,
	    client_request(c, "subscriptions"), &result)) != 0)
		return (r);
	if (c->json)
		print_json(result);
	else {
		subs_line("yours", json_object_get(result, "mine"));
		xasprintf(&org, "%s's", json_is_string(json_object_get(result,
		    "org_name")) ? json_string_value(json_object_get(result,
		    "org_name")) : c->org);
		subs_line(org, json_object_get(result, "org"));
		free(org);
	}
	json_decref(result);
	return (print_done());
}
