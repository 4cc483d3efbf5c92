/*
 * cmd-auth.c: register, login, logout, whoami, passwd.
 *
 * Passwords come from the environment (HARBOUR_PASSWORD, and
 * HARBOUR_NEW_PASSWORD for passwd) so that scripts and tests can run
 * unattended, and otherwise from a prompt on the terminal without echo.
 * They are asked for before connecting: the server gives a connection
 * only a few seconds to log in, and a person may take longer to type.
 *
 * A password login saves the session token it gets back in the state
 * directory; every later command resumes that session. The token is
 * never printed, not even with --json: it is as good as the password.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "print.h"
#include "state.h"
#include "tty.h"

static int	cmd_register_exec(struct client *, struct cmd_args *);
static int	cmd_login_exec(struct client *, struct cmd_args *);
static int	cmd_logout_exec(struct client *, struct cmd_args *);
static int	cmd_whoami_exec(struct client *, struct cmd_args *);
static int	cmd_passwd_exec(struct client *, struct cmd_args *);

const struct cmd_entry cmd_register_entry = {
	.name = "register",
	.usage = "--invite CODE --user NAME",
	.summary = "Create your account from an invitation, and log in.",
	.help =
"CODE is the invitation code you were given; it fixes your organisation\n"
"and role and can be used once. NAME is the user name you choose: 1 to\n"
"32 characters from a-z, 0-9, '.', '_' and '-'. The password is taken\n"
"from HARBOUR_PASSWORD, or asked for twice on the terminal. You are then\n"
"logged in, as with `harbour login`.\n",
	.opts = { { "invite", "CODE" }, { "user", "NAME" }, { NULL, NULL } },
	.args_min = 0, .args_max = 0,
	.exec = cmd_register_exec,
};

const struct cmd_entry cmd_login_entry = {
	.name = "login",
	.usage = "--user NAME | --cert FILE --key FILE",
	.summary = "Log in, and keep the session for the commands that follow.",
	.help =
"The password is taken from HARBOUR_PASSWORD, or asked for on the\n"
"terminal. The session token is saved in the state directory, so later\n"
"commands need no password until you log out or change your password\n"
"elsewhere.\n"
"\n"
"With --cert and --key, the client certificate the operator issued for\n"
"your account (harbourd cert issue) logs you in instead of a password.\n",
	.opts = { { "user", "NAME" }, { "cert", "FILE" }, { "key", "FILE" },
	    { NULL, NULL } },
	.args_min = 0, .args_max = 0,
	.exec = cmd_login_exec,
};

const struct cmd_entry cmd_logout_entry = {
	.name = "logout",
	.usage = "",
	.summary = "End the saved session, and forget it here.",
	.help =
"The server revokes the session and the saved token is removed. If the\n"
"session had already ended, the token is removed all the same.\n",
	.opts = { { NULL, NULL } },
	.args_min = 0, .args_max = 0,
	.exec = cmd_logout_exec,
};

const struct cmd_entry cmd_whoami_entry = {
	.name = "whoami",
	.usage = "",
	.summary = "Show your user name, organisation and role.",
	.help =
"Prints them as: NAME (ORGANISATION, ROLE); then, when you have set them\n"
"(`harbour profile set`), a second line: DISPLAY NAME (PRONOUNS).\n",
	.opts = { { NULL, NULL } },
	.args_min = 0, .args_max = 0,
	.exec = cmd_whoami_exec,
};

const struct cmd_entry cmd_passwd_entry = {
	.name = "passwd",
	.usage = "",
	.summary = "Change your password.",
	.help =
"The current password is taken from HARBOUR_PASSWORD and the new one\n"
"from HARBOUR_NEW_PASSWORD, or each is asked for on the terminal (the\n"
"new one twice). Every other session of your account ends; this one\n"
"stays, so you stay logged in here.\n",
	.opts = { { NULL, NULL } },
	.args_min = 0, .args_max = 0,
	.exec = cmd_passwd_exec,
};

/*
 * A password from env, else from the terminal, asked twice when again is
 * not NULL. Checked against the protocol's rule before anything is sent.
 * Also `harbour reset`'s (cmd-account.c).
 */
int
auth_password(const char *env, const char *prompt, const char *again,
    char **out)
{
	const char	*value;
	char		*second, *cause;

	*out = NULL;
	if ((value = getenv(env)) != NULL && *value != '\0')
		*out = xstrdup(value);
	else {
		if (tty_password(prompt, out, &cause) == -1 ||
		    (again != NULL &&
		    tty_password(again, &second, &cause) == -1)) {
			tty_password_free(*out);
			*out = NULL;
			client_error(CLIENT_EXIT_FAIL, "%s", cause);
			free(cause);
			return (CLIENT_EXIT_FAIL);
		}
		if (again != NULL && strcmp(*out, second) != 0) {
			tty_password_free(*out);
			tty_password_free(second);
			*out = NULL;
			return (client_error(CLIENT_EXIT_FAIL, "the two "
			    "passwords are not the same: nothing was sent"));
		}
		if (again != NULL)
			tty_password_free(second);
	}
	if (proto_check_password(*out) != PROTO_OK) {
		tty_password_free(*out);
		*out = NULL;
		return (client_error(CLIENT_EXIT_FAIL, "a password is %d to %d "
		    "bytes long (%s)", PROTO_PASSWORD_MIN, PROTO_PASSWORD_MAX,
		    proto_err_code(PROTO_E_BAD_PASSWORD)));
	}
	return (CLIENT_EXIT_OK);
}

static int
auth_check_user(const char *user)
{
	if (proto_check_user(user) == PROTO_OK)
		return (CLIENT_EXIT_OK);
	return (client_error(CLIENT_EXIT_FAIL, "\"%s\" is not a user name: "
	    "use 1 to %d characters from a-z, 0-9, '.', '_' and '-' (%s)",
	    user, PROTO_MAX_NAME, proto_err_code(PROTO_E_BAD_NAME)));
}

/* NAME (ORGANISATION, ROLE) */
static void
auth_print_identity(struct client *c)
{
	print_safe(c->user);
	fputs(" (", stdout);
	print_safe(c->org);
	fputs(", ", stdout);
	print_safe(c->role);
	fputs(")\n", stdout);
}

/* Urgent reports waiting for this account, from login's reply. */
static void
auth_print_alerts(json_t *result)
{
	json_int_t	n;

	n = json_integer_value(json_object_get(result, "alerts"));
	if (n > 0)
		printf("%lld urgent %s waiting for you: `harbour mod queue` "
		    "lists %s\n", (long long)n, n == 1 ? "report is" :
		    "reports are", n == 1 ? "it" : "them");
}

/* Save the new session and say who we are; the token stays private. */
static int
auth_logged_in(struct client *c, json_t *result, const char *what)
{
	const char	*token;
	char		*cause;
	int		 r = CLIENT_EXIT_OK;

	client_set_identity(c, result);
	token = json_string_value(json_object_get(result, "token"));
	if (token == NULL)
		r = client_error(CLIENT_EXIT_FAIL, "%s, but the server sent "
		    "no session token to keep", what);
	else if (state_token_save(token, &cause) == -1) {
		r = client_error(CLIENT_EXIT_FAIL, "%s, but the session "
		    "cannot be kept: %s", what, cause);
		free(cause);
	}
	json_object_del(result, "token");
	if (r != CLIENT_EXIT_OK)
		return (r);
	if (c->json)
		print_json(result);
	else {
		printf("%s as ", what);
		auth_print_identity(c);
		auth_print_alerts(result);
	}
	return (print_done());
}

/* Send a register or login request; on success keep the session. */
static int
auth_send_login(struct client *c, json_t *req, const char *done)
{
	json_t	*result;
	int	 r;

	if ((r = client_call(c, req, &result)) != 0)
		return (r);
	r = auth_logged_in(c, result, done);
	json_decref(result);
	return (r);
}

static int
cmd_register_exec(struct client *c, struct cmd_args *a)
{
	const char	*invite = client_opt(a, "invite");
	const char	*user = client_opt(a, "user");
	json_t		*req;
	char		*pw, *code;
	int		 r;

	if (invite == NULL || user == NULL)
		return (client_usage(a->entry, "register needs --invite and "
		    "--user"));
	if ((r = auth_check_user(user)) != 0 ||
	    (r = auth_password("HARBOUR_PASSWORD", "Choose a password: ",
	    "Type it again: ", &pw)) != 0)
		return (r);
	if ((r = client_connect(c)) != 0) {
		tty_password_free(pw);
		return (r);
	}
	req = client_request(c, "register");
	/* Pasted codes come with spaces and line ends around them. */
	code = client_trim_code(invite);
	json_object_set_new(req, "invite", json_string(code));
	free(code);
	json_object_set_new(req, "user", json_string(user));
	json_object_set_new(req, "password", json_string(pw));
	tty_password_free(pw);
	return (auth_send_login(c, req, "registered and logged in"));
}

static int
cmd_login_cert(struct client *c, struct cmd_args *a)
{
	json_t	*req;
	int	 r;

	c->certfile = client_opt(a, "cert");
	c->keyfile = client_opt(a, "key");
	if (c->certfile == NULL || c->keyfile == NULL ||
	    client_opt(a, "user") != NULL)
		return (client_usage(a->entry, "a certificate login needs "
		    "--cert and --key, and no --user"));
	if ((r = client_connect(c)) != 0)
		return (r);
	req = client_request(c, "login");
	json_object_set_new(req, "cert", json_true());
	return (auth_send_login(c, req, "logged in"));
}

static int
cmd_login_exec(struct client *c, struct cmd_args *a)
{
	const char	*user = client_opt(a, "user");
	json_t		*req;
	char		*pw, prompt[64];
	int		 r;

	if (client_opt(a, "cert") != NULL || client_opt(a, "key") != NULL)
		return (cmd_login_cert(c, a));
	if (user == NULL)
		return (client_usage(a->entry, "login needs --user"));
	if ((r = auth_check_user(user)) != 0)
		return (r);
	snprintf(prompt, sizeof prompt, "Password for %s: ", user);
	if ((r = auth_password("HARBOUR_PASSWORD", prompt, NULL, &pw)) != 0)
		return (r);
	if ((r = client_connect(c)) != 0) {
		tty_password_free(pw);
		return (r);
	}
	req = client_request(c, "login");
	json_object_set_new(req, "user", json_string(user));
	json_object_set_new(req, "password", json_string(pw));
	tty_password_free(pw);
	return (auth_send_login(c, req, "logged in"));
}

static int
auth_forget(struct client *c, json_t *result, const char *done)
{
	char	*cause;

	if (state_token_remove(&cause) == -1) {
		client_error(CLIENT_EXIT_FAIL, "%s", cause);
		free(cause);
		return (CLIENT_EXIT_FAIL);
	}
	if (c->json)
		print_json(result);
	else
		printf("%s\n", done);
	return (print_done());
}

static int
cmd_logout_exec(struct client *c, struct cmd_args *a)
{
	json_t	*result;
	int	 r, ended;

	(void)a;
	if ((r = client_resume(c, 0, &ended)) != 0) {
		if (!ended)
			return (r);
		result = json_object();
		r = auth_forget(c, result, "logged out (the session had "
		    "already ended)");
	} else {
		r = client_call(c, client_request(c, "logout"), &result);
		if (r != 0)
			return (r);
		r = auth_forget(c, result, "logged out");
	}
	json_decref(result);
	return (r);
}

static int
cmd_whoami_exec(struct client *c, struct cmd_args *a)
{
	json_t	*result;
	int	 r;

	(void)a;
	if ((r = client_login(c)) != 0 ||
	    (r = client_call(c, client_request(c, "whoami"), &result)) != 0)
		return (r);
	client_set_identity(c, result);
	if (c->json)
		print_json(result);
	else {
		json_t *dn = json_object_get(result, "display_name");
		json_t *pr = json_object_get(result, "pronouns");

		auth_print_identity(c);
		/* A second line, only when chosen: scripts read the first. */
		if (json_is_string(dn) || json_is_string(pr)) {
			print_safe(json_is_string(dn) ?
			    json_string_value(dn) : "-");
			if (json_is_string(pr)) {
				fputs(" (", stdout);
				print_safe(json_string_value(pr));
				putchar(')');
			}
			putchar('\n');
		}
	}
	json_decref(result);
	return (print_done());
}

static int
cmd_passwd_exec(struct client *c, struct cmd_args *a)
{
	json_t	*req, *result = NULL;
	char	*old, *new, *token, *cause;
	int	 r;

	(void)a;
	/* Not logged in: say so before asking for three passwords. */
	if (state_token_load(&token, &cause) == 0 && token == NULL)
		return (client_login(c));
	if (token != NULL) {
		explicit_bzero(token, strlen(token));
		free(token);
	} else
		free(cause);
	if ((r = auth_password("HARBOUR_PASSWORD", "Current password: ",
	    NULL, &old)) != 0)
		return (r);
	if ((r = auth_password("HARBOUR_NEW_PASSWORD", "New password: ",
	    "Type the new password again: ", &new)) != 0) {
		tty_password_free(old);
		return (r);
	}
	if ((r = client_login(c)) == 0) {
		req = client_request(c, "passwd");
		json_object_set_new(req, "old", json_string(old));
		json_object_set_new(req, "new", json_string(new));
		r = client_call(c, req, &result);
	}
	tty_password_free(old);
	tty_password_free(new);
	if (r != 0)
		return (r);
	if (c->json)
		print_json(result);
	else
		puts("password changed; your other sessions have ended");
	json_decref(result);
	return (print_done());
}
