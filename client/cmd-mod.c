/*
 * cmd-mod.c: what moderators do to posts, threads and people: admin
 * suspend and unsuspend, mod log, mod approve/reject/hide/unhide,
 * mod lock/unlock/pin/unpin, mod mute/unmute/ban/unban, mod unmask and
 * mod history. Reports and the queue are in cmd-report.c.
 *
 * Every check the client can make (ids, names, reasons, durations) is
 * made before connecting, so a typo costs no round trip; what the
 * caller may moderate only the server knows.
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
"Without CHANNEL, the server's own log (suspensions, invites, renames),\n"
"for admins, and for an org-admin its entries about invites others made\n"
"into their organisation; with it, that channel's, for its moderators.\n"
"Oldest first, from after entry ID with --since; one entry a line: its\n"
"id, time, who, what, about whom and why. Nothing can change or remove\n"
"an entry.\n",
	.opts = { { "since", "ID" }, { NULL, NULL } },
	.args_min = 0, .args_max = 1,
	.exec = cmd_mod_log_exec,
};

/*
 * An op on USER that may need a --reason (why: the usage error when it
 * is missing; NULL: none taken), said done as "USER done": suspension,
 * deactivation and their undoing differ in nothing else.
 */
int
client_user_op(struct client *c, struct cmd_args *a, const char *op,
    const char *why, const char *done)
{
	const char	*reason = client_opt(a, "reason");
	json_t		*req, *result;
	int		 r;

	if (why != NULL && (reason == NULL || *reason == '\0'))
		return (client_usage(a->entry, "%s", why));
	if ((r = client_login(c)) != 0)
		return (r);
	req = client_request(c, op);
	json_object_set_new(req, "user", json_string(a->argv[0]));
	if (why != NULL)
		json_object_set_new(req, "reason", json_string(reason));
	if ((r = client_call(c, req, &result)) != 0)
		return (r);
	if (c->json)
		print_json(result);
	else {
		print_safe(a->argv[0]);
		puts(done);
	}
	json_decref(result);
	return (print_done());
}

static int
cmd_suspend_exec(struct client *c, struct cmd_args *a)
{
	return (client_user_op(c, a, "admin.suspend", "give a --reason: the "
	    "account is told it when it tries to log in",
	    " is suspended; their live sessions ended"));
}

static int
cmd_unsuspend_exec(struct client *c, struct cmd_args *a)
{
	return (client_user_op(c, a, "admin.unsuspend", NULL,
	    " may log in again"));
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

/*
 * Acting on one post or one thread: the same shape for eight commands,
 * so one table says what each sends and what it prints, and one exec
 * runs them all.
 */
struct mod_target {
	const struct cmd_entry	*entry;
	const char		*op;		/* "mod.hide" */
	const char		*field;		/* "post" or "thread" */
	int			 reason;	/* --reason is required */
	const char		*done;		/* "hidden" */
};

static int	cmd_mod_target_exec(struct client *, struct cmd_args *);

#define MOD_POST_ENTRY(n, u, s, h, o) {					\
	.name = "mod " n, .usage = u, .summary = s, .help = h,		\
	.opts = o, .args_min = 1, .args_max = 1,			\
	.exec = cmd_mod_target_exec,					\
}
#define MOD_NO_OPTS	{ { NULL, NULL } }
#define MOD_REASON_OPT	{ { "reason", "TEXT" }, { NULL, NULL } }

const struct cmd_entry cmd_mod_approve_entry = MOD_POST_ENTRY("approve",
    "POST", "Approve a held post: everyone sees it from now on.",
"A post waiting in a pre-moderated channel (see `harbour mod queue`)\n"
"is delivered to the channel as if it had just been posted, live and in\n"
"history. Logged in the moderation log.\n", MOD_NO_OPTS);

const struct cmd_entry cmd_mod_reject_entry = MOD_POST_ENTRY("reject",
    "POST --reason TEXT", "Reject a held post, telling its author why.",
"Nobody but its author (who sees it marked rejected, with REASON) and\n"
"the channel's moderators ever sees the post. REASON is 1 to\n"
PROTO_XSTR(PROTO_MAX_REASON) " bytes. Logged.\n", MOD_REASON_OPT);

const struct cmd_entry cmd_mod_hide_entry = MOD_POST_ENTRY("hide",
    "POST --reason TEXT", "Hide a post from everyone but the moderators.",
"Members then read it as [hidden by a moderator], with neither text nor\n"
"title; the channel's moderators still see its text, author and REASON.\n"
"Logged; `harbour mod unhide` undoes it.\n", MOD_REASON_OPT);

const struct cmd_entry cmd_mod_unhide_entry = MOD_POST_ENTRY("unhide",
    "POST", "Show a hidden post again.",
"Everyone who can read the channel sees the post as it was. Logged.\n",
    MOD_NO_OPTS);

const struct cmd_entry cmd_mod_lock_entry = MOD_POST_ENTRY("lock",
    "THREAD", "Lock a thread: it stays readable, takes no more replies.",
"THREAD is the id of its first post. Replies from anyone but the\n"
"channel's moderators are refused (locked). Logged.\n", MOD_NO_OPTS);

const struct cmd_entry cmd_mod_unlock_entry = MOD_POST_ENTRY("unlock",
    "THREAD", "Unlock a thread: replies are taken again.",
"Logged.\n", MOD_NO_OPTS);

const struct cmd_entry cmd_mod_pin_entry = MOD_POST_ENTRY("pin",
    "THREAD", "Pin a thread: it lists first in `harbour threads`.",
"Logged.\n", MOD_NO_OPTS);

const struct cmd_entry cmd_mod_unpin_entry = MOD_POST_ENTRY("unpin",
    "THREAD", "Unpin a thread.",
"Logged.\n", MOD_NO_OPTS);

static const struct mod_target mod_targets[] = {
	{ &cmd_mod_approve_entry, "mod.approve", "post", 0, "approved" },
	{ &cmd_mod_reject_entry, "mod.reject", "post", 1, "rejected" },
	{ &cmd_mod_hide_entry, "mod.hide", "post", 1, "hidden" },
	{ &cmd_mod_unhide_entry, "mod.unhide", "post", 0, "shown again" },
	{ &cmd_mod_lock_entry, "mod.lock", "thread", 0, "locked" },
	{ &cmd_mod_unlock_entry, "mod.unlock", "thread", 0, "unlocked" },
	{ &cmd_mod_pin_entry, "mod.pin", "thread", 0, "pinned" },
	{ &cmd_mod_unpin_entry, "mod.unpin", "thread", 0, "unpinned" },
};

/* --reason, required: checked as the server checks it. */
static int
mod_reason(const struct cmd_args *a, const char *why, const char **out)
{
	const char	*reason = client_opt(a, "reason");

	*out = reason;
	if (reason == NULL)
		return (client_usage(a->entry, "give a --reason: %s", why));
	return (client_check(proto_check_reason(reason), "the reason"));
}

/* A post or thread id from the command line, or a usage error. */
static int
mod_id(const struct cmd_args *a, const char *arg, const char *what,
    int64_t *id)
{
	if (client_parse_int(arg, 1, PROTO_ID_MAX, id) == -1)
		return (client_usage(a->entry, "give the %s's number, like 42, "
		    "not %s", what, arg));
	return (CLIENT_EXIT_OK);
}

static int
cmd_mod_target_exec(struct client *c, struct cmd_args *a)
{
	const struct mod_target	*t = NULL;
	const char		*reason = NULL;
	json_t			*req, *result;
	int64_t			 id;
	size_t			 i;
	int			 r;

	for (i = 0; i < sizeof mod_targets / sizeof mod_targets[0]; i++)
		if (mod_targets[i].entry == a->entry)
			t = &mod_targets[i];
	if (t == NULL)
		return (client_error(CLIENT_EXIT_FAIL, "%s: not a moderation "
		    "command", a->entry->name));
	if ((r = mod_id(a, a->argv[0], t->field, &id)) != 0 ||
	    (t->reason && (r = mod_reason(a, "it goes into the "
	    "moderation log", &reason)) != 0) || (r = client_login(c)) != 0)
		return (r);
	req = client_request(c, t->op);
	json_object_set_new(req, t->field, json_integer(id));
	if (reason != NULL)
		json_object_set_new(req, "reason", json_string(reason));
	if ((r = client_call(c, req, &result)) != 0)
		return (r);
	if (c->json)
		print_json(result);
	else
		printf("%s #%lld %s\n", t->field, (long long)id, t->done);
	json_decref(result);
	return (print_done());
}

/* A person in a channel: mute, unmute, ban, unban. */
struct mod_person {
	const struct cmd_entry	*entry;
	const char		*op;
	const char		*done;		/* "is muted in" */
};

static int	cmd_mod_person_exec(struct client *, struct cmd_args *);

const struct cmd_entry cmd_mod_mute_entry = {
	.name = "mod mute",
	.usage = "USER CHANNEL --for DURATION [--reason TEXT]",
	.summary = "Stop someone posting in a channel for a while.",
	.help =
"DURATION is a number and a unit: 30s, 10m, 2h or 3d (seconds, minutes,\n"
"hours, days), from 1s up to 365d. The mute ends by itself; until then\n"
"USER's posts in CHANNEL are refused with the time it ends and REASON.\n"
"A moderator of the channel cannot be muted. Logged.\n",
	.opts = { { "for", "DURATION" }, { "reason", "TEXT" }, { NULL, NULL } },
	.args_min = 2, .args_max = 2,
	.exec = cmd_mod_person_exec,
};

const struct cmd_entry cmd_mod_unmute_entry = {
	.name = "mod unmute",
	.usage = "USER CHANNEL",
	.summary = "End a mute before its time.",
	.help = "Logged.\n",
	.opts = { { NULL, NULL } },
	.args_min = 2, .args_max = 2,
	.exec = cmd_mod_person_exec,
};

const struct cmd_entry cmd_mod_ban_entry = {
	.name = "mod ban",
	.usage = "USER CHANNEL [--reason TEXT]",
	.summary = "Remove someone from a channel and keep them out.",
	.help =
"USER leaves CHANNEL at once (its live posts stop reaching them) and\n"
"cannot join or post in it again until `harbour mod unban`. A\n"
"moderator of the channel cannot be banned. Logged.\n",
	.opts = { { "reason", "TEXT" }, { NULL, NULL } },
	.args_min = 2, .args_max = 2,
	.exec = cmd_mod_person_exec,
};

const struct cmd_entry cmd_mod_unban_entry = {
	.name = "mod unban",
	.usage = "USER CHANNEL",
	.summary = "Lift a ban: the person may join the channel again.",
	.help = "They are not joined again by this; they may join. Logged.\n",
	.opts = { { NULL, NULL } },
	.args_min = 2, .args_max = 2,
	.exec = cmd_mod_person_exec,
};

static const struct mod_person mod_persons[] = {
	{ &cmd_mod_mute_entry, "mod.mute", "is muted in" },
	{ &cmd_mod_unmute_entry, "mod.unmute", "may post again in" },
	{ &cmd_mod_ban_entry, "mod.ban", "is banned from" },
	{ &cmd_mod_unban_entry, "mod.unban", "may rejoin" },
};

/* USER, CHANNEL, and mute's --for and the optional --reason. */
static int
mod_person_args(const struct cmd_args *a, int64_t *secs)
{
	const char	*reason = client_opt(a, "reason");
	const char	*dur = client_opt(a, "for");
	int		 r;

	if (proto_check_user(a->argv[0]) != PROTO_OK)
		return (client_usage(a->entry, "\"%s\" is not a user name",
		    a->argv[0]));
	if ((r = client_channel(a->argv[1])) != 0)
		return (r);
	if (a->entry == &cmd_mod_mute_entry) {
		if (dur == NULL)
			return (client_usage(a->entry, "give --for: how long "
			    "the mute lasts, like 30m, 2h or 3d"));
		if ((*secs = proto_parse_duration(dur, PROTO_MUTE_MAX)) == -1)
			return (client_usage(a->entry, "--for takes a time "
			    "like 30s, 10m, 2h or 3d, from 1s up to 365d, not "
			    "%s", dur));
	}
	if (reason != NULL)
		return (client_check(proto_check_reason(reason),
		    "the reason"));
	return (CLIENT_EXIT_OK);
}

static void
mod_person_print(const struct mod_person *p, const struct cmd_args *a,
    json_t *result)
{
	const char	*until;

	print_safe(a->argv[0]);
	printf(" %s ", p->done);
	print_safe(a->argv[1]);
	if ((until = json_string_value(json_object_get(result, "until"))) !=
	    NULL) {
		fputs(" until ", stdout);
		print_safe(until);
	}
	putchar('\n');
}

static int
cmd_mod_person_exec(struct client *c, struct cmd_args *a)
{
	const struct mod_person	*p = NULL;
	const char		*reason = client_opt(a, "reason");
	json_t			*req, *result;
	int64_t			 secs = 0;
	size_t			 i;
	int			 r;

	for (i = 0; i < sizeof mod_persons / sizeof mod_persons[0]; i++)
		if (mod_persons[i].entry == a->entry)
			p = &mod_persons[i];
	if (p == NULL)
		return (client_error(CLIENT_EXIT_FAIL, "%s: not a moderation "
		    "command", a->entry->name));
	if ((r = mod_person_args(a, &secs)) != 0 || (r = client_login(c)) != 0)
		return (r);
	req = client_request(c, p->op);
	json_object_set_new(req, "user", json_string(a->argv[0]));
	json_object_set_new(req, "channel", json_string(a->argv[1]));
	if (secs != 0)
		json_object_set_new(req, "seconds", json_integer(secs));
	if (reason != NULL)
		json_object_set_new(req, "reason", json_string(reason));
	if ((r = client_call(c, req, &result)) != 0)
		return (r);
	if (c->json)
		print_json(result);
	else
		mod_person_print(p, a, result);
	json_decref(result);
	return (print_done());
}

static int	cmd_mod_unmask_exec(struct client *, struct cmd_args *);
static int	cmd_mod_history_exec(struct client *, struct cmd_args *);

const struct cmd_entry cmd_mod_unmask_entry = {
	.name = "mod unmask",
	.usage = "POST --reason TEXT",
	.summary = "Learn who wrote an anonymous post (always logged).",
	.help =
"Shows you alone the author and organisation of anonymous POST. Nobody\n"
"else is told, the author's organisation neither, but the moderation\n"
"log keeps who unmasked which post, when and why (REASON, 1 to\n"
PROTO_XSTR(PROTO_MAX_REASON) " bytes). Use it when someone's safety needs it.\n",
	.opts = { { "reason", "TEXT" }, { NULL, NULL } },
	.args_min = 1, .args_max = 1,
	.exec = cmd_mod_unmask_exec,
};

const struct cmd_entry cmd_mod_history_entry = {
	.name = "mod history",
	.usage = "POST",
	.summary = "Show the earlier versions of an edited post.",
	.help =
"Each earlier text of POST, oldest first, with the time it was\n"
"replaced; the post as it reads now is what `harbour read` shows. For\n"
"the channel's moderators.\n",
	.opts = { { NULL, NULL } },
	.args_min = 1, .args_max = 1,
	.exec = cmd_mod_history_exec,
};

static int
cmd_mod_unmask_exec(struct client *c, struct cmd_args *a)
{
	const char	*reason;
	json_t		*req, *result;
	int64_t		 id;
	int		 r;

	if ((r = mod_id(a, a->argv[0], "post", &id)) != 0 ||
	    (r = mod_reason(a, "unmasking is always logged with why",
	    &reason)) != 0 || (r = client_login(c)) != 0)
		return (r);
	req = client_request(c, "mod.unmask");
	json_object_set_new(req, "post", json_integer(id));
	json_object_set_new(req, "reason", json_string(reason));
	if ((r = client_call(c, req, &result)) != 0)
		return (r);
	if (c->json)
		print_json(result);
	else {
		printf("post #%lld was written by ", (long long)id);
		print_safe(json_string_value(json_object_get(result, "user")));
		fputs(" (", stdout);
		print_safe(json_string_value(json_object_get(result, "org")));
		puts(")");
	}
	json_decref(result);
	return (print_done());
}

static void
mod_version_print(json_t *v)
{
	char	ts[PROTO_TS_LEN];

	print_ts(json_object_get(v, "ts"), ts);
	printf("version of %s (event %lld)\n", ts, (long long)
	    json_integer_value(json_object_get(v, "eid")));
	if (json_is_string(json_object_get(v, "title"))) {
		fputs("  \xc2\xab ", stdout);
		print_safe(json_string_value(json_object_get(v, "title")));
		fputs(" \xc2\xbb\n", stdout);
	}
	print_indented("  ", json_string_value(json_object_get(v, "body")) ?
	    json_string_value(json_object_get(v, "body")) : "");
}

static int
cmd_mod_history_exec(struct client *c, struct cmd_args *a)
{
	json_t	*req, *result, *versions, *v;
	int64_t	 id;
	size_t	 i;
	int	 r;

	if ((r = mod_id(a, a->argv[0], "post", &id)) != 0 ||
	    (r = client_login(c)) != 0)
		return (r);
	req = client_request(c, "mod.history");
	json_object_set_new(req, "post", json_integer(id));
	if ((r = client_call(c, req, &result)) != 0)
		return (r);
	versions = json_object_get(result, "versions");
	if (c->json)
		print_json(result);
	else if (json_array_size(versions) == 0)
		printf("post #%lld has not been edited\n", (long long)id);
	else {
		json_array_foreach(versions, i, v) {
			if (i > 0)
				putchar('\n');
			mod_version_print(v);
		}
	}
	json_decref(result);
	return (print_done());
}
