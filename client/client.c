/*
 * client.c: what every command shares: connecting and logging in with
 * the saved token, one request and its reply, and reporting failures.
 *
 * The reporting rule, which scripts and people both rely on: a failure
 * is one line on stderr, "harbour: <message> (<code>)" when the server
 * refused (exit 1), "harbour: cannot connect to HOST:PORT: <reason>" or
 * "harbour: lost the connection to HOST:PORT: <reason>" when the link
 * failed (exit 2). The client checks names and text before sending with
 * the same rules the server applies (proto_check_*), and reports a
 * failed check with the code the server would have answered, so the
 * outcome does not depend on which side noticed.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client.h"
#include "net.h"
#include "state.h"

/* The longest server message we repeat; a message is one line. */
#define CLIENT_MESSAGE_MAX	512
/* After rate_limited: the account's bucket refills by request_rate
 * (20 by default) a second, so a second's pause always buys a request
 * (and CLIENT_SLOW_DOWN_TRIES of them in a row mean something else is
 * sending). */
#define CLIENT_SLOW_DOWN_MS	1000

const char *
client_opt(const struct cmd_args *a, const char *name)
{
	const struct cmd_opt	*o;

	for (o = a->entry->opts; o->name != NULL; o++) {
		if (strcmp(o->name, name) == 0)
			return (a->val[o - a->entry->opts]);
	}
	return (NULL);
}

/* --json: every error is also one JSON line on standard output. */
static int	client_json_errors;

void
client_errors_as_json(int on)
{
	client_json_errors = on;
}

/*
 * {"error":{"code":...,"message":...}} on stdout, for scripts: the code
 * is the one a message ends with ("... (not_found)"), else what the
 * exit status says (usage, connect, failed).
 */
static void
client_json_error(int status, const char *msg)
{
	const char	*open = strrchr(msg, '(');
	char		 code[64];
	size_t		 len = strlen(msg), mlen = len, clen = 0;
	json_t		*o;

	if (open != NULL && open > msg && open[-1] == ' ' && len > 0 &&
	    msg[len - 1] == ')')
		clen = (size_t)(msg + len - 1 - (open + 1));
	if (clen > 0 && clen < sizeof code && strspn(open + 1,
	    "abcdefghijklmnopqrstuvwxyz_") == clen) {
		memcpy(code, open + 1, clen);
		code[clen] = '\0';
		mlen = (size_t)(open - 1 - msg);
	} else
		snprintf(code, sizeof code, "%s", status == CLIENT_EXIT_USAGE ?
		    "usage" : status == CLIENT_EXIT_CONNECT ? "connect" :
		    "failed");
	o = json_pack("{s:{s:s, s:s%}}", "error", "code", code, "message",
	    msg, mlen);
	fflush(stdout);
	json_dumpf(o, stdout, JSON_COMPACT);
	fputc('\n', stdout);
	fflush(stdout);
	json_decref(o);
}

static int
client_verror(int status, const char *fmt, va_list ap)
{
	char	msg[CLIENT_MESSAGE_MAX * 2];

	vsnprintf(msg, sizeof msg, fmt, ap);
	fflush(stdout);
	fprintf(stderr, "harbour: %s\n", msg);
	if (client_json_errors)
		client_json_error(status, msg);
	return (status);
}

int
client_error(int status, const char *fmt, ...)
{
	va_list	ap;
	int	r;

	va_start(ap, fmt);
	r = client_verror(status, fmt, ap);
	va_end(ap);
	return (r);
}

int
client_usage(const struct cmd_entry *entry, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	client_verror(CLIENT_EXIT_USAGE, fmt, ap);
	va_end(ap);
	help_print_usage(entry, stderr);
	return (CLIENT_EXIT_USAGE);
}

/* The server's words on our stderr: one line, no control characters. */
static void
client_clean(char *s)
{
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
	}
}

/* "harbour: <message> (<code>)"; hint, when given, replaces the
 * server's message with one that says what to do next. */
void
client_refused(json_t *error, const char *hint)
{
	const char	*code, *message;
	char		 m[CLIENT_MESSAGE_MAX], k[CLIENT_MESSAGE_MAX];

	code = json_string_value(json_object_get(error, "code"));
	message = json_string_value(json_object_get(error, "message"));
	if (code == NULL)
		code = "unknown";
	if (message == NULL || *message == '\0')
		message = proto_err_message(proto_err_parse(code));
	snprintf(m, sizeof m, "%s", hint != NULL ? hint : message);
	snprintf(k, sizeof k, "%s", code);
	client_clean(m);
	client_clean(k);
	client_error(CLIENT_EXIT_FAIL, "%s (%s)", m, k);
}

int
client_check(enum proto_err err, const char *what)
{
	if (err == PROTO_OK)
		return (CLIENT_EXIT_OK);
	return (client_error(CLIENT_EXIT_FAIL, "%s: %s (%s)", what,
	    proto_err_message(err), proto_err_code(err)));
}

int
client_channel(const char *name)
{
	/* A bare NAME is one's own organisation's ORG/NAME, said so to the
	 * server once logged in (client_own_channel). */
	if (proto_check_channel(name, NULL, NULL) == PROTO_OK ||
	    (strchr(name, '/') == NULL && proto_check_org(name) == PROTO_OK))
		return (CLIENT_EXIT_OK);
	if (strncmp(name, PROTO_DM_PREFIX "/", sizeof PROTO_DM_PREFIX) == 0)
		return (client_error(CLIENT_EXIT_FAIL, "\"%s\" is not a "
		    "conversation: use dm/USER1+USER2, two different user "
		    "names in order (%s)", name,
		    proto_err_code(PROTO_E_BAD_NAME)));
	return (client_error(CLIENT_EXIT_FAIL, "\"%s\" is not a channel "
	    "name: use ORG/NAME, peer/NAME or group/NAME, each part 1 to %d "
	    "characters from a-z, 0-9 and - (%s)", name, PROTO_MAX_NAME,
	    proto_err_code(PROTO_E_BAD_NAME)));
}

/* A whole decimal number in [min, max]: no sign, no spaces, no junk. */
int
client_parse_int(const char *s, int64_t min, int64_t max, int64_t *out)
{
	char		*end;
	long long	 v;

	if (s == NULL || *s < '0' || *s > '9')
		return (-1);
	errno = 0;
	v = strtoll(s, &end, 10);
	if (*end != '\0' || errno != 0 || v < min || v > max)
		return (-1);
	*out = v;
	return (0);
}

int
client_connect(struct client *c)
{
	char	*cause;

	if ((c->net = net_open(c->server, c->ca, c->certfile, c->keyfile,
	    &cause)) != NULL)
		return (CLIENT_EXIT_OK);
	client_error(CLIENT_EXIT_CONNECT, "cannot connect to %s: %s",
	    c->server, cause);
	free(cause);
	return (CLIENT_EXIT_CONNECT);
}

json_t *
client_request(struct client *c, const char *op)
{
	(void)c;
	return (proto_request(0, op));	/* net_send sets the real id */
}

static int
client_lost(struct client *c, char *cause)
{
	client_error(CLIENT_EXIT_CONNECT, "lost the connection to %s: %s",
	    c->server, cause);
	free(cause);
	return (CLIENT_EXIT_CONNECT);
}

/* A reply (consumed) into *result or *error, as client_call_quiet
 * returns them. */
static int
client_reply(struct client *c, json_t *reply, json_t **result,
    json_t **error)
{
	json_t	*res, *err;

	if ((err = json_object_get(reply, "error")) != NULL) {
		*error = json_incref(err);
		json_decref(reply);
		return (CLIENT_EXIT_FAIL);
	}
	if (!json_is_object(res = json_object_get(reply, "result"))) {
		json_decref(reply);
		return (client_error(CLIENT_EXIT_CONNECT, "the server at %s "
		    "sent a reply this client cannot read", c->server));
	}
	*result = json_incref(res);
	json_decref(reply);
	return (CLIENT_EXIT_OK);
}

/* Send req (consumed) without waiting: 0 and its *id, for
 * client_await, or 2 after reporting a broken link. */
int
client_send(struct client *c, json_t *req, int64_t *id)
{
	char	*cause;
	int	 r;

	r = net_send(c->net, req, &cause);
	*id = json_integer_value(json_object_get(req, "id"));
	json_decref(req);
	if (r == -1)
		return (client_lost(c, cause));
	return (CLIENT_EXIT_OK);
}

/* The reply to request id, as client_call_quiet returns it. */
int
client_await(struct client *c, int64_t id, json_t **result, json_t **error)
{
	json_t	*reply;
	char	*cause;

	*result = *error = NULL;
	if (net_await(c->net, id, &reply, &cause) == -1)
		return (client_lost(c, cause));
	return (client_reply(c, reply, result, error));
}

/*
 * Send req (consumed) and wait for its reply. 0 and *result (a new
 * reference), 1 with *error (a new reference, not reported: the caller
 * decides what to say) when the server refused, 2 after reporting a
 * broken link.
 */
int
client_call_quiet(struct client *c, json_t *req, json_t **result,
    json_t **error)
{
	json_t	*reply;
	char	*cause;
	int	 r;

	*result = *error = NULL;
	r = net_call(c->net, req, &reply, &cause);
	json_decref(req);
	if (r == -1)
		return (client_lost(c, cause));
	return (client_reply(c, reply, result, error));
}

int
client_call(struct client *c, json_t *req, json_t **result)
{
	json_t	*res, *error;
	int	 r;

	if ((r = client_call_quiet(c, req, &res, &error)) == CLIENT_EXIT_FAIL) {
		client_refused(error, NULL);
		json_decref(error);
	}
	if (result != NULL)
		*result = res;
	else
		json_decref(res);
	return (r);
}

void
client_slow_down(void)
{
	struct timespec	ts = { CLIENT_SLOW_DOWN_MS / 1000,
	    (CLIENT_SLOW_DOWN_MS % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/*
 * client_call, but a request refused over the account's rate is sent
 * again after a pause, a few times: for the request that follows a long
 * run of them (a file's chunks), which may well find the bucket empty.
 */
int
client_call_paced(struct client *c, json_t *req, json_t **result)
{
	json_t	*error;
	int	 r, tries;

	for (tries = 0;; tries++) {
		r = client_call_quiet(c, json_incref(req), result, &error);
		if (r != CLIENT_EXIT_FAIL || !client_is_code(error,
		    "rate_limited") || tries == CLIENT_SLOW_DOWN_TRIES)
			break;
		json_decref(error);
		client_slow_down();
	}
	json_decref(req);
	if (r == CLIENT_EXIT_FAIL) {
		client_refused(error, NULL);
		json_decref(error);
	}
	return (r);
}

void
client_set_identity(struct client *c, json_t *result)
{
	const char	*user, *org, *role;

	user = json_string_value(json_object_get(result, "user"));
	org = json_string_value(json_object_get(result, "org"));
	role = json_string_value(json_object_get(result, "role"));
	free(c->user);
	free(c->org);
	free(c->role);
	c->user = xstrdup(user != NULL ? user : "?");
	c->org = xstrdup(org != NULL ? org : "?");
	c->role = xstrdup(role != NULL ? role : "?");
	/* A bare CHANNEL argument ("general") is one's own organisation's
	 * ORG/general, what `channels` shows, as people would say it. */
	if (c->channel_arg != NULL && *c->channel_arg != NULL &&
	    strchr(*c->channel_arg, '/') == NULL && org != NULL) {
		free(c->channel_full);
		xasprintf(&c->channel_full, "%s/%s", org, *c->channel_arg);
		*c->channel_arg = c->channel_full;
	}
}

int
client_is_code(json_t *error, const char *code)
{
	const char	*s;

	s = json_string_value(json_object_get(error, "code"));
	return (s != NULL && strcmp(s, code) == 0);
}

/*
 * Resume the saved session, as every command but register, login and
 * help does first. When the server no longer knows the token, *ended is
 * set and, if report, the person is told to log in again; logout wants
 * to treat that case as done, so it passes report 0.
 */
int
client_resume(struct client *c, int report, int *ended)
{
	json_t	*req, *result, *error;
	char	*token, *cause;
	int	 r;

	*ended = 0;
	if (state_token_load(&token, &cause) == -1) {
		client_error(CLIENT_EXIT_FAIL, "%s", cause);
		free(cause);
		return (CLIENT_EXIT_FAIL);
	}
	if (token == NULL)
		return (client_error(CLIENT_EXIT_FAIL, "not logged in: run "
		    "`harbour login --user NAME`"));
	if ((r = client_connect(c)) != CLIENT_EXIT_OK) {
		free(token);
		return (r);
	}
	req = client_request(c, "login");
	json_object_set_new(req, "token", json_string(token));
	explicit_bzero(token, strlen(token));
	free(token);
	r = client_call_quiet(c, req, &result, &error);
	if (r == CLIENT_EXIT_OK) {
		client_set_identity(c, result);
		json_decref(result);
	} else if (r == CLIENT_EXIT_FAIL) {
		*ended = client_is_code(error, "auth_failed");
		if (!*ended)
			client_refused(error, NULL);
		else if (report)
			client_refused(error, "your session has ended: run "
			    "`harbour login --user NAME`");
		json_decref(error);
	}
	return (r);
}

int
client_login(struct client *c)
{
	int	ended;

	return (client_resume(c, 1, &ended));
}

/*
 * Connect again after the link failed and resume the session, for
 * chat and tail, which keep going across a server restart. Quiet when
 * the server cannot be reached (-1 and *cause: try again later); a
 * server that refuses the session is reported, as client_login does,
 * and its exit status returned: trying again would not help.
 */
int
client_reconnect(struct client *c, char **cause)
{
	json_t	*req, *result, *error;
	char	*token = NULL;
	int	 r;

	net_close(c->net);
	c->net = NULL;
	if (state_token_load(&token, cause) == -1) {
		client_error(CLIENT_EXIT_FAIL, "%s", *cause);
		free(*cause);
		*cause = NULL;
		return (CLIENT_EXIT_FAIL);
	}
	if (token == NULL)
		return (client_error(CLIENT_EXIT_FAIL, "not logged in any "
		    "more: run `harbour login --user NAME`"));
	if ((c->net = net_open(c->server, c->ca, c->certfile, c->keyfile,
	    cause)) == NULL) {
		free(token);
		return (-1);
	}
	req = client_request(c, "login");
	json_object_set_new(req, "token", json_string(token));
	explicit_bzero(token, strlen(token));
	free(token);
	if ((r = client_call_quiet(c, req, &result, &error)) == 0) {
		client_set_identity(c, result);
		json_decref(result);
	} else if (r == CLIENT_EXIT_FAIL) {
		client_refused(error, client_is_code(error, "auth_failed") ?
		    "your session has ended: run `harbour login --user NAME`" :
		    NULL);
		json_decref(error);
	} else {
		*cause = xstrdup("the link failed while logging in");
		r = -1;
	}
	return (r);
}

void
client_close(struct client *c)
{
	net_close(c->net);
	c->net = NULL;
	free(c->user);
	free(c->org);
	free(c->role);
	c->user = c->org = c->role = NULL;
}
