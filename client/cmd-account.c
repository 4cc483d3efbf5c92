/*
 * cmd-account.c: accounts over their whole life: members, user show,
 * user role, user deactivate and reactivate, user reset, and reset
 * (before login, with the code an admin or org-admin gave).
 *
 * Times on the roster are printed in the reader's own time zone (TZ),
 * to the minute: "when did she last log in" is a question of days, not
 * of seconds. The reset code is printed once, for the person who made
 * it to hand over; it is never saved.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client.h"
#include "print.h"
#include "tty.h"

static int	cmd_members_exec(struct client *, struct cmd_args *);
static int	cmd_user_show_exec(struct client *, struct cmd_args *);
static int	cmd_user_role_exec(struct client *, struct cmd_args *);
static int	cmd_user_deactivate_exec(struct client *, struct cmd_args *);
static int	cmd_user_reactivate_exec(struct client *, struct cmd_args *);
static int	cmd_user_reset_exec(struct client *, struct cmd_args *);
static int	cmd_reset_exec(struct client *, struct cmd_args *);

const struct cmd_entry cmd_members_entry = {
	.name = "members",
	.usage = "[ORG]",
	.summary = "List an organisation's accounts: name, role, last seen.",
	.help =
"Without ORG, your own organisation; facilitators and admins may name\n"
"any. One account a line: user name, display name, role (with \"lead\"\n"
"for a safeguarding lead), and when it last logged in, in your time zone\n"
"(\"never\" if it has not). A deactivated account says since when, and\n"
"to its organisation's org-admins and to admins, why. Another\n"
"organisation's list answers as one that does not exist.\n",
	.opts = { { NULL, NULL } },
	.args_min = 0, .args_max = 1,
	.exec = cmd_members_exec,
};

const struct cmd_entry cmd_user_show_entry = {
	.name = "user show",
	.usage = "USER",
	.summary = "Show one account: organisation, role, last seen.",
	.help =
"The same as its line in `harbour members`, with its organisation; an\n"
"account of an organisation you may not list answers as no such user.\n",
	.opts = { { NULL, NULL } },
	.args_min = 1, .args_max = 1,
	.exec = cmd_user_show_exec,
};

const struct cmd_entry cmd_user_role_entry = {
	.name = "user role",
	.usage = "USER ROLE",
	.summary = "Change an account's role (org-admins, admins).",
	.help =
"ROLE is member, org-admin, facilitator or admin. An org-admin changes\n"
"the accounts of their own organisation, between member and org-admin;\n"
"only an admin makes a facilitator or admin, or changes theirs. The last\n"
"admin stays an admin. USER's live connections take the new role at\n"
"once, without logging in again. Logged in the server's log, which the\n"
"organisation's org-admins read with `harbour mod log`.\n",
	.opts = { { NULL, NULL } },
	.args_min = 2, .args_max = 2,
	.exec = cmd_user_role_exec,
};

const struct cmd_entry cmd_user_deactivate_entry = {
	.name = "user deactivate",
	.usage = "USER --reason TEXT",
	.summary = "Deactivate the account of someone who left (org-admins, "
	    "admins).",
	.help =
"Every live session of USER ends at once and its saved tokens stop\n"
"working; every login is refused as deactivated (not suspended: leaving\n"
"is not a sanction) until `harbour user reactivate`. Posts and the name\n"
"stay. An org-admin deactivates members and org-admins of their own\n"
"organisation; you cannot deactivate yourself, nor the last admin.\n"
"REASON (at most " PROTO_XSTR(PROTO_MAX_REASON) " bytes) is logged, and shown to org-admins and\n"
"admins only.\n",
	.opts = { { "reason", "TEXT" }, { NULL, NULL } },
	.args_min = 1, .args_max = 1,
	.exec = cmd_user_deactivate_exec,
};

const struct cmd_entry cmd_user_reactivate_entry = {
	.name = "user reactivate",
	.usage = "USER",
	.summary = "Let a deactivated account log in again.",
	.help =
"USER logs in with their password again (tokens saved before stay\n"
"revoked). Logged in the server's log.\n",
	.opts = { { NULL, NULL } },
	.args_min = 1, .args_max = 1,
	.exec = cmd_user_reactivate_exec,
};

const struct cmd_entry cmd_user_reset_entry = {
	.name = "user reset",
	.usage = "USER",
	.summary = "Make a password reset code for an account (org-admins, "
	    "admins).",
	.help =
"Prints a code that USER can use once, within 24 hours, with\n"
"`harbour reset --code CODE --user USER` to set a new password. A new\n"
"code replaces any earlier unused one. Give it to them in person or by\n"
"a channel you trust: it is as good as their password until used.\n",
	.opts = { { NULL, NULL } },
	.args_min = 1, .args_max = 1,
	.exec = cmd_user_reset_exec,
};

const struct cmd_entry cmd_reset_entry = {
	.name = "reset",
	.usage = "--code CODE --user USER",
	.summary = "Set a new password with a reset code.",
	.help =
"CODE is the code your org-admin or an admin gave you (`harbour user\n"
"reset`); it works once, for a day. The new password is taken from\n"
"HARBOUR_NEW_PASSWORD, or asked for twice on the terminal. Every session\n"
"of your account ends; log in with the new password afterwards. The\n"
"answer says whether a refused code is unknown, used or expired.\n",
	.opts = { { "code", "CODE" }, { "user", "NAME" }, { NULL, NULL } },
	.args_min = 0, .args_max = 0,
	.exec = cmd_reset_exec,
};

/* ---- printing ------------------------------------------------------ */

/* A wire time as the reader's local time to the minute; "never". */
static void
account_when(json_t *v, char *buf, size_t len)
{
	struct tm	 tm;
	time_t		 tt;
	int64_t		 t;

	if (!json_is_string(v) ||
	    proto_ts_parse(json_string_value(v), &t) == -1) {
		snprintf(buf, len, "never");
		return;
	}
	tt = (time_t)t;
	localtime_r(&tt, &tm);
	if (strftime(buf, len, "%Y-%m-%d %H:%M %Z", &tm) == 0)
		snprintf(buf, len, "?");
}

static const char *
account_str(json_t *o, const char *key, const char *none)
{
	const char *s = json_string_value(json_object_get(o, key));

	return (s != NULL ? s : none);
}

static void
account_pad(const char *s, int width)
{
	int n = (int)strlen(s);

	print_safe(s);
	for (; n < width + 2; n++)
		putchar(' ');
}

static void
account_role(json_t *m, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s", account_str(m, "role", "?"),
	    json_is_true(json_object_get(m, "lead")) ? ", lead" : "");
}

static void
account_line(json_t *m, int wu, int wd, int wr)
{
	char role[64], when[64];

	account_role(m, role, sizeof role);
	account_when(json_object_get(m, "last_seen"), when, sizeof when);
	account_pad(account_str(m, "user", "?"), wu);
	account_pad(account_str(m, "display_name", "-"), wd);
	account_pad(role, wr);
	fputs(when, stdout);
	if (json_object_get(m, "deactivated") != NULL) {
		account_when(json_object_get(m, "deactivated"), when,
		    sizeof when);
		printf("  deactivated %s", when);
		if (json_object_get(m, "reason") != NULL) {
			fputs(": ", stdout);
			print_safe(account_str(m, "reason", ""));
		}
	}
	putchar('\n');
}

static void
account_roster(json_t *list)
{
	json_t	*m;
	size_t	 i;
	int	 wu = 4, wd = 12, wr = 4, n;
	char	 role[64];

	json_array_foreach(list, i, m) {
		if ((n = (int)strlen(account_str(m, "user", "?"))) > wu)
			wu = n;
		if ((n = (int)strlen(account_str(m, "display_name", "-"))) >
		    wd)
			wd = n;
		account_role(m, role, sizeof role);
		if ((n = (int)strlen(role)) > wr)
			wr = n;
	}
	account_pad("USER", wu);
	account_pad("DISPLAY NAME", wd);
	account_pad("ROLE", wr);
	puts("LAST SEEN");
	json_array_foreach(list, i, m)
		account_line(m, wu, wd, wr);
}

/* ---- the commands -------------------------------------------------- */

static int
cmd_members_exec(struct client *c, struct cmd_args *a)
{
	json_t	*req, *result;
	int	 r;

	if ((r = client_login(c)) != 0)
		return (r);
	req = client_request(c, "members");
	if (a->argc > 0)
		json_object_set_new(req, "org", json_string(a->argv[0]));
	if ((r = client_call(c, req, &result)) != 0)
		return (r);
	if (c->json)
		print_json(result);
	else
		account_roster(json_object_get(result, "members"));
	json_decref(result);
	return (print_done());
}

static int
cmd_user_show_exec(struct client *c, struct cmd_args *a)
{
	json_t	*req, *m;
	char	 role[64], when[64];
	int	 r;

	if ((r = client_login(c)) != 0)
		return (r);
	req = client_request(c, "user.show");
	json_object_set_new(req, "user", json_string(a->argv[0]));
	if ((r = client_call(c, req, &m)) != 0)
		return (r);
	if (c->json)
		print_json(m);
	else {
		account_role(m, role, sizeof role);
		account_when(json_object_get(m, "last_seen"), when,
		    sizeof when);
		printf("user:          ");
		print_safe(account_str(m, "user", "?"));
		printf("\norganisation:  ");
		print_safe(account_str(m, "org", "?"));
		printf("\ndisplay name:  ");
		print_safe(account_str(m, "display_name", "-"));
		printf("\npronouns:      ");
		print_safe(account_str(m, "pronouns", "-"));
		printf("\nrole:          %s\nlast seen:     %s\n", role, when);
		if (json_object_get(m, "deactivated") != NULL) {
			account_when(json_object_get(m, "deactivated"), when,
			    sizeof when);
			printf("deactivated:   %s", when);
			if (json_object_get(m, "reason") != NULL) {
				fputs(": ", stdout);
				print_safe(account_str(m, "reason", ""));
			}
			putchar('\n');
		}
	}
	json_decref(m);
	return (print_done());
}

static int
cmd_user_role_exec(struct client *c, struct cmd_args *a)
{
	json_t	*req, *result;
	int	 r;

	if (proto_role_parse(a->argv[1]) == ROLE_NONE)
		return (client_usage(a->entry, "ROLE is member, org-admin, "
		    "facilitator or admin"));
	if ((r = client_login(c)) != 0)
		return (r);
	req = client_request(c, "user.role");
	json_object_set_new(req, "user", json_string(a->argv[0]));
	json_object_set_new(req, "role", json_string(a->argv[1]));
	if ((r = client_call(c, req, &result)) != 0)
		return (r);
	if (c->json)
		print_json(result);
	else {
		print_safe(a->argv[0]);
		printf(" is now %s (was %s)\n", account_str(result, "role",
		    "?"), account_str(result, "was", "?"));
	}
	json_decref(result);
	return (print_done());
}

static int
cmd_user_deactivate_exec(struct client *c, struct cmd_args *a)
{
	return (client_user_op(c, a, "user.deactivate", "give a --reason: it "
	    "is logged, for whoever asks later why the account was closed",
	    " is deactivated; their live sessions ended"));
}

static int
cmd_user_reactivate_exec(struct client *c, struct cmd_args *a)
{
	return (client_user_op(c, a, "user.reactivate", NULL,
	    " is active again and may log in"));
}

static int
cmd_user_reset_exec(struct client *c, struct cmd_args *a)
{
	json_t	*req, *result;
	char	 when[64];
	int	 r;

	if ((r = client_login(c)) != 0)
		return (r);
	req = client_request(c, "user.reset");
	json_object_set_new(req, "user", json_string(a->argv[0]));
	if ((r = client_call(c, req, &result)) != 0)
		return (r);
	if (c->json)
		print_json(result);
	else {
		account_when(json_object_get(result, "expires_at"), when,
		    sizeof when);
		printf("reset code for ");
		print_safe(a->argv[0]);
		printf(": %s\n(single use, expires %s; they run `harbour reset "
		    "--code CODE --user ", account_str(result, "code", "?"),
		    when);
		print_safe(a->argv[0]);
		puts("`)");
	}
	json_decref(result);
	return (print_done());
}

static int
cmd_reset_exec(struct client *c, struct cmd_args *a)
{
	const char	*code = client_opt(a, "code"), *user = client_opt(a,
			    "user");
	json_t		*req, *result = NULL;
	char		*pw;
	int		 r;

	if (code == NULL || *code == '\0' || user == NULL || *user == '\0')
		return (client_usage(a->entry, "give the --code you were given "
		    "and your --user name"));
	if (proto_check_user(user) != PROTO_OK)
		return (client_usage(a->entry, "user names are 1-%d of a-z 0-9 "
		    ". _ -", PROTO_MAX_NAME));
	if ((r = auth_password("HARBOUR_NEW_PASSWORD", "New password: ",
	    "Type the new password again: ", &pw)) != 0)
		return (r);
	if ((r = client_connect(c)) == 0) {
		req = client_request(c, "reset");
		json_object_set_new(req, "user", json_string(user));
		json_object_set_new(req, "code", json_string(code));
		json_object_set_new(req, "password", json_string(pw));
		r = client_call(c, req, &result);
	}
	tty_password_free(pw);
	if (r != 0)
		return (r);
	if (c->json)
		print_json(result);
	else
		puts("password set; every session of your account has ended: "
		    "log in with the new password");
	json_decref(result);
	return (print_done());
}
