/*
 * cmd-org.c: organisations and invitations: org create, org list,
 * org lead, invite create.
 *
 * `invite create` prints the code alone on stdout, so that an operator
 * can pass it on with a pipe or $(...) without picking it out of a
 * sentence.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "print.h"

static int	cmd_org_create_exec(struct client *, struct cmd_args *);
static int	cmd_org_list_exec(struct client *, struct cmd_args *);
static int	cmd_invite_create_exec(struct client *, struct cmd_args *);
static int	cmd_admin_status_exec(struct client *, struct cmd_args *);
static int	cmd_org_lead_exec(struct client *, struct cmd_args *);

const struct cmd_entry cmd_org_lead_entry = {
	.name = "org lead",
	.usage = "ORG USER [--remove]",
	.summary = "Make someone a safeguarding lead of their organisation.",
	.help =
"USER, a member of ORG, becomes one of its safeguarding leads: they\n"
"moderate ORG's channels and receive the reports about posts by ORG's\n"
"people, urgent ones as live alerts. --remove ends it. An admin, or an\n"
"org-admin of ORG, may do this; it is logged.\n",
	.opts = { { "remove", NULL }, { NULL, NULL } },
	.args_min = 2, .args_max = 2,
	.exec = cmd_org_lead_exec,
};

const struct cmd_entry cmd_org_create_entry = {
	.name = "org create",
	.usage = "NAME",
	.summary = "Create an organisation (operators only).",
	.help =
"NAME is 1 to 32 characters from a-z, 0-9 and '-'; \"peer\", \"group\"\n"
"and \"dm\" are kept for other kinds of channel. Only an admin may do\n"
"this.\n",
	.opts = { { NULL, NULL } },
	.args_min = 1, .args_max = 1,
	.exec = cmd_org_create_exec,
};

const struct cmd_entry cmd_org_list_entry = {
	.name = "org list",
	.usage = "",
	.summary = "List the organisations you can see, one a line.",
	.help =
"Admins and facilitators see every organisation; everyone else sees\n"
"their own.\n",
	.opts = { { NULL, NULL } },
	.args_min = 0, .args_max = 0,
	.exec = cmd_org_list_exec,
};

const struct cmd_entry cmd_admin_status_entry = {
	.name = "admin status",
	.usage = "",
	.summary = "Show the server's health (admins only).",
	.help =
"Version, uptime, connections (and how many are not logged in), posts\n"
"in the last minute, database size, jobs waiting for the database\n"
"writer, commits, live deliveries and gap events since start.\n",
	.opts = { { NULL, NULL } },
	.args_min = 0, .args_max = 0,
	.exec = cmd_admin_status_exec,
};

const struct cmd_entry cmd_invite_create_entry = {
	.name = "invite create",
	.usage = "--org ORG --role ROLE [--expires TIME]",
	.summary = "Make a single-use invitation; prints the code alone.",
	.help =
"ROLE is member, org-admin, facilitator or admin. TIME is how long the\n"
"code stays valid: a number followed by s, m, h or d (seconds, minutes,\n"
"hours, days); the default is 7d and the longest 90d. Who may invite\n"
"whom: an admin anyone anywhere; a facilitator facilitators, org-admins\n"
"and members of any organisation; an org-admin org-admins and members\n"
"of their own organisation. Give the code to the person by a channel\n"
"you trust: whoever holds it can register.\n",
	.opts = { { "org", "ORG" }, { "role", "ROLE" }, { "expires", "TIME" },
	    { NULL, NULL } },
	.args_min = 0, .args_max = 0,
	.exec = cmd_invite_create_exec,
};

static int
org_check(const char *name)
{
	if (proto_check_org(name) == PROTO_OK)
		return (CLIENT_EXIT_OK);
	return (client_error(CLIENT_EXIT_FAIL, "\"%s\" is not an organisation "
	    "name: use 1 to %d characters from a-z, 0-9 and '-', not \"%s\", "
	    "\"%s\" or \"%s\" (%s)", name, PROTO_MAX_NAME, PROTO_PEER_PREFIX,
	    PROTO_GROUP_PREFIX, PROTO_DM_PREFIX,
	    proto_err_code(PROTO_E_BAD_NAME)));
}

static int
cmd_org_create_exec(struct client *c, struct cmd_args *a)
{
	json_t	*req, *result;
	int	 r;

	if ((r = org_check(a->argv[0])) != 0 || (r = client_login(c)) != 0)
		return (r);
	req = client_request(c, "org.create");
	json_object_set_new(req, "name", json_string(a->argv[0]));
	if ((r = client_call(c, req, &result)) != 0)
		return (r);
	if (c->json)
		print_json(result);
	else {
		fputs("created the organisation ", stdout);
		print_safe(json_string_value(json_object_get(result, "org")));
		putchar('\n');
	}
	json_decref(result);
	return (print_done());
}

static int
cmd_org_list_exec(struct client *c, struct cmd_args *a)
{
	json_t	*result, *name;
	size_t	 i;
	int	 r;

	(void)a;
	if ((r = client_login(c)) != 0 ||
	    (r = client_call(c, client_request(c, "org.list"), &result)) != 0)
		return (r);
	if (c->json)
		print_json(result);
	else {
		json_array_foreach(json_object_get(result, "orgs"), i, name) {
			print_safe(json_string_value(name));
			putchar('\n');
		}
	}
	json_decref(result);
	return (print_done());
}

static int
cmd_admin_status_exec(struct client *c, struct cmd_args *a)
{
	static const char *const keys[] = {
		"version", "uptime", "connections", "unauthenticated",
		"posts_per_minute", "db_bytes", "writer_queue", "commits",
		"deliveries", "gaps",
	};
	json_t	*result, *v;
	size_t	 i;
	int	 r;

	(void)a;
	if ((r = client_login(c)) != 0 || (r = client_call(c,
	    client_request(c, "admin.status"), &result)) != 0)
		return (r);
	if (c->json)
		print_json(result);
	else {
		for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
			if ((v = json_object_get(result, keys[i])) == NULL)
				continue;
			if (json_is_string(v))
				printf("%-17s %s\n", keys[i],
				    json_string_value(v));
			else
				printf("%-17s %lld\n", keys[i],
				    (long long)json_integer_value(v));
		}
	}
	json_decref(result);
	return (print_done());
}

static int
cmd_invite_create_exec(struct client *c, struct cmd_args *a)
{
	const char	*org = client_opt(a, "org");
	const char	*role = client_opt(a, "role");
	const char	*expires = client_opt(a, "expires");
	json_t		*req, *result;
	int64_t		 secs = PROTO_INVITE_DEFAULT;
	int		 r;

	if (org == NULL || role == NULL)
		return (client_usage(a->entry, "invite create needs --org "
		    "and --role"));
	if (proto_role_parse(role) == ROLE_NONE)
		return (client_usage(a->entry, "no such role: %s (use member, "
		    "org-admin, facilitator or admin)", role));
	if (expires != NULL && (secs = proto_parse_duration(expires,
	    PROTO_INVITE_MAX)) == -1)
		return (client_usage(a->entry, "--expires takes a time like "
		    "30m, 12h or 7d, from 1s up to 90d"));
	if ((r = org_check(org)) != 0 || (r = client_login(c)) != 0)
		return (r);
	req = client_request(c, "invite.create");
	json_object_set_new(req, "org", json_string(org));
	json_object_set_new(req, "role", json_string(role));
	json_object_set_new(req, "expires", json_integer(secs));
	if ((r = client_call(c, req, &result)) != 0)
		return (r);
	if (c->json)
		print_json(result);
	else {
		print_safe(json_string_value(json_object_get(result, "code")));
		putchar('\n');
		/* The code alone on stdout, for $(...); a person at a
		 * terminal is told until when it is good too. */
		if (isatty(STDERR_FILENO) && json_is_string(json_object_get(
		    result, "expires_at"))) {
			fflush(stdout);
			fprintf(stderr, "harbour: valid until %s (UTC), once\n",
			    json_string_value(json_object_get(result,
			    "expires_at")));
		}
	}
	json_decref(result);
	return (print_done());
}

static int
cmd_org_lead_exec(struct client *c, struct cmd_args *a)
{
	int	 remove = client_opt(a, "remove") != NULL;
	json_t	*req, *result;
	int	 r;

	if ((r = org_check(a->argv[0])) != 0)
		return (r);
	if (proto_check_user(a->argv[1]) != PROTO_OK)
		return (client_usage(a->entry, "\"%s\" is not a user name",
		    a->argv[1]));
	if ((r = client_login(c)) != 0)
		return (r);
	req = client_request(c, "org.lead");
	json_object_set_new(req, "org", json_string(a->argv[0]));
	json_object_set_new(req, "user", json_string(a->argv[1]));
	if (remove)
		json_object_set_new(req, "remove", json_true());
	if ((r = client_call(c, req, &result)) != 0)
		return (r);
	if (c->json)
		print_json(result);
	else {
		print_safe(a->argv[1]);
		fputs(json_is_true(json_object_get(result, "lead")) ?
		    " is a safeguarding lead of " :
		    " is not a safeguarding lead of ", stdout);
		print_safe(a->argv[0]);
		putchar('\n');
	}
	json_decref(result);
	return (print_done());
}
