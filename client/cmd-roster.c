/*
 * cmd-roster.c: who is on the network and under which names: invite
 * list, invite revoke, profile set, org rename, channel rename, channel
 * archive and channel unarchive.
 *
 * `invite list` prints one invite a line in fixed columns, so that a
 * script can cut(1) it; the prefix it shows is what `invite revoke`
 * takes. The server keeps only that prefix of a code in clear.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "print.h"

static int	cmd_invite_list_exec(struct client *, struct cmd_args *);
static int	cmd_invite_revoke_exec(struct client *, struct cmd_args *);
static int	cmd_profile_set_exec(struct client *, struct cmd_args *);
static int	cmd_org_rename_exec(struct client *, struct cmd_args *);
static int	cmd_channel_rename_exec(struct client *, struct cmd_args *);
static int	cmd_channel_archive_exec(struct client *, struct cmd_args *);
static int	cmd_channel_unarchive_exec(struct client *, struct cmd_args *);

const struct cmd_entry cmd_invite_list_entry = {
	.name = "invite list",
	.usage = "[--org ORG]",
	.summary = "List outstanding invites: who made them, for what, until "
	    "when.",
	.help =
"One invite a line: PREFIX  ORG  ROLE  MAKER  MADE  EXPIRES, newest\n"
"first, of those not used, revoked or expired. PREFIX is the start of\n"
"the code (\"-\" for invites made before this was kept), MAKER \"-\" for\n"
"one made on the server. Admins and facilitators see every\n"
"organisation's (--org: one); an org-admin sees their own\n"
"organisation's, whoever made them. Once an organisation has an\n"
"org-admin, every invite into it made by someone else is also in the\n"
"log they read (`harbour mod log`).\n",
	.opts = { { "org", "ORG" }, { NULL, NULL } },
	.args_min = 0, .args_max = 0,
	.exec = cmd_invite_list_exec,
};

const struct cmd_entry cmd_invite_revoke_entry = {
	.name = "invite revoke",
	.usage = "CODE_PREFIX",
	.summary = "Revoke an outstanding invite by the start of its code.",
	.help =
"CODE_PREFIX is the first 6 or more characters of the code, as `harbour\n"
"invite list` shows them (case does not matter); if two outstanding\n"
"invites start alike, give the whole code. Its maker, an admin, or an\n"
"org-admin of the invite's organisation may revoke it; registering with\n"
"it is then refused, saying it was revoked.\n",
	.opts = { { NULL, NULL } },
	.args_min = 1, .args_max = 1,
	.exec = cmd_invite_revoke_exec,
};

const struct cmd_entry cmd_profile_set_entry = {
	.name = "profile set",
	.usage = "[--display-name NAME] [--pronouns TEXT]",
	.summary = "Set the name people see you by, and your pronouns.",
	.help =
"A display name is 1 to 64 bytes in any script (\"Оксана Коваль\"),\n"
"pronouns 1 to 32 bytes; neither may hold control characters. \"\"\n"
"clears one. Your login name stays as it is (ASCII). `harbour whoami`\n"
"shows both.\n",
	.opts = { { "display-name", "NAME" }, { "pronouns", "TEXT" },
	    { NULL, NULL } },
	.args_min = 0, .args_max = 0,
	.exec = cmd_profile_set_exec,
};

const struct cmd_entry cmd_org_rename_entry = {
	.name = "org rename",
	.usage = "ORG NEW",
	.summary = "Rename an organisation and its channels (admins only).",
	.help =
"NEW must be a valid organisation name no other has. Its channels\n"
"ORG/NAME become NEW/NAME in the same step; members keep their\n"
"channels, posts and unread marks, and are known as of NEW at once.\n"
"Scripts and saved names that say ORG/... must change.\n",
	.opts = { { NULL, NULL } },
	.args_min = 2, .args_max = 2,
	.exec = cmd_org_rename_exec,
};

const struct cmd_entry cmd_channel_rename_entry = {
	.name = "channel rename",
	.usage = "CHANNEL NEW",
	.summary = "Rename a channel you moderate.",
	.help =
"NEW is the new NAME alone (or the whole name with the same prefix): an\n"
"organisation's channel keeps its ORG/, a peer channel peer/, a group\n"
"group/. Conversations keep their names. It is in the channel's log.\n",
	.opts = { { NULL, NULL } },
	.args_min = 2, .args_max = 2,
	.exec = cmd_channel_rename_exec,
};

const struct cmd_entry cmd_channel_archive_entry = {
	.name = "channel archive",
	.usage = "CHANNEL",
	.summary = "Make a channel you moderate read-only, out of the list.",
	.help =
"An archived channel can still be read (read, threads, search), but\n"
"nobody posts in it, and `harbour channels` leaves it out unless given\n"
"--all. `harbour channel unarchive` opens it again.\n",
	.opts = { { NULL, NULL } },
	.args_min = 1, .args_max = 1,
	.exec = cmd_channel_archive_exec,
};

const struct cmd_entry cmd_channel_unarchive_entry = {
	.name = "channel unarchive",
	.usage = "CHANNEL",
	.summary = "Open an archived channel again.",
	.help = "Its moderators may; members can post in it again.\n",
	.opts = { { NULL, NULL } },
	.args_min = 1, .args_max = 1,
	.exec = cmd_channel_unarchive_exec,
};

static void
roster_field(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	fputs("  ", stdout);
	print_safe(json_is_string(v) ? json_string_value(v) : "-");
}

static int
cmd_invite_list_exec(struct client *c, struct cmd_args *a)
{
	const char	*org = client_opt(a, "org");
	json_t		*req, *result, *i;
	size_t		 k;
	int		 r;

	if (org != NULL && proto_check_org(org) != PROTO_OK)
		return (client_usage(a->entry, "\"%s\" is not an organisation "
		    "name", org));
	if ((r = client_login(c)) != 0)
		return (r);
	req = client_request(c, "invite.list");
	if (org != NULL)
		json_object_set_new(req, "org", json_string(org));
	json_object_set_new(req, "limit", json_integer(PROTO_PAGE_MAX));
	if ((r = client_call(c, req, &result)) != 0)
		return (r);
	if (c->json)
		print_json(result);
	else {
		json_array_foreach(json_object_get(result, "invites"), k, i) {
			json_t *p = json_object_get(i, "prefix");

			print_safe(json_is_string(p) ? json_string_value(p) :
			    "-");
			roster_field(i, "org");
			roster_field(i, "role");
			roster_field(i, "made_by");
			roster_field(i, "made_at");
			roster_field(i, "expires_at");
			putchar('\n');
		}
	}
	json_decref(result);
	return (print_done());
}

static int
cmd_invite_revoke_exec(struct client *c, struct cmd_args *a)
{
	char	*text = client_trim_code(a->argv[0]);
	json_t	*req, *result;
	int	 r;

	if (strlen(text) < 6 || strlen(text) > PROTO_INVITE_LEN) {
		r = client_usage(a->entry, "give the first 6 or more "
		    "characters of the code, as `harbour invite list` shows");
		free(text);
		return (r);
	}
	if ((r = client_login(c)) != 0) {
		free(text);
		return (r);
	}
	req = client_request(c, "invite.revoke");
	json_object_set_new(req, "prefix", json_string(text));
	free(text);
	if ((r = client_call(c, req, &result)) != 0)
		return (r);
	if (c->json)
		print_json(result);
	else
		printf("revoked %lld invite\n", (long long)json_integer_value(
		    json_object_get(result, "revoked")));
	json_decref(result);
	return (print_done());
}

static int
cmd_profile_set_exec(struct client *c, struct cmd_args *a)
{
	const char	*display = client_opt(a, "display-name");
	const char	*pronouns = client_opt(a, "pronouns");
	json_t		*req, *result;
	int		 r;

	if (display == NULL && pronouns == NULL)
		return (client_usage(a->entry, "profile set needs "
		    "--display-name or --pronouns (\"\" clears one)"));
	if ((r = client_login(c)) != 0)
		return (r);
	req = client_request(c, "profile.set");
	if (display != NULL)
		json_object_set_new(req, "display_name", json_string(display));
	if (pronouns != NULL)
		json_object_set_new(req, "pronouns", json_string(pronouns));
	if ((r = client_call(c, req, &result)) != 0)
		return (r);
	if (c->json)
		print_json(result);
	else {
		fputs("display name:", stdout);
		roster_field(result, "display_name");
		fputs("\npronouns:", stdout);
		roster_field(result, "pronouns");
		putchar('\n');
	}
	json_decref(result);
	return (print_done());
}

static int
cmd_org_rename_exec(struct client *c, struct cmd_args *a)
{
	json_t	*req, *result;
	int	 r;

	if (proto_check_org(a->argv[1]) != PROTO_OK)
		return (client_error(CLIENT_EXIT_FAIL, "\"%s\" is not an "
		    "organisation name: use 1 to %d characters from a-z, 0-9 "
		    "and '-' (%s)", a->argv[1], PROTO_MAX_NAME,
		    proto_err_code(PROTO_E_BAD_NAME)));
	if ((r = client_login(c)) != 0)
		return (r);
	req = client_request(c, "org.rename");
	json_object_set_new(req, "org", json_string(a->argv[0]));
	json_object_set_new(req, "new", json_string(a->argv[1]));
	if ((r = client_call(c, req, &result)) != 0)
		return (r);
	if (c->json)
		print_json(result);
	else {
		fputs("renamed the organisation ", stdout);
		print_safe(a->argv[0]);
		fputs(" to ", stdout);
		print_safe(json_string_value(json_object_get(result, "org")));
		printf(" (%lld channels)\n", (long long)json_integer_value(
		    json_object_get(result, "channels")));
	}
	json_decref(result);
	return (print_done());
}

static int
cmd_channel_rename_exec(struct client *c, struct cmd_args *a)
{
	json_t	*req, *result;
	int	 r;

	if ((r = client_channel(a->argv[0])) != 0 ||
	    (r = client_login(c)) != 0)
		return (r);
	req = client_request(c, "channel.rename");
	json_object_set_new(req, "channel", json_string(a->argv[0]));
	json_object_set_new(req, "new", json_string(a->argv[1]));
	if ((r = client_call(c, req, &result)) != 0)
		return (r);
	if (c->json)
		print_json(result);
	else {
		fputs("renamed ", stdout);
		print_safe(a->argv[0]);
		fputs(" to ", stdout);
		print_safe(json_string_value(json_object_get(result,
		    "channel")));
		putchar('\n');
	}
	json_decref(result);
	return (print_done());
}

static int
cmd_channel_archive_exec(struct client *c, struct cmd_args *a)
{
	return (client_channel_op(c, a, "channel.archive",
	    "archived (read-only)"));
}

static int
cmd_channel_unarchive_exec(struct client *c, struct cmd_args *a)
{
	return (client_channel_op(c, a, "channel.unarchive", "unarchived"));
}
