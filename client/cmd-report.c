/*
 * cmd-report.c: reports and the moderators' queue: report, mod queue,
 * mod reports, mod ack, mod resolve.
 *
 * A report goes to the post's channel's moderators and to the
 * safeguarding leads of the author's organisation; an urgent one
 * reaches those who are connected at once, as an alert (print.c shows
 * it in tail and chat). `report` prints the report's id alone, as
 * `post` does, for scripts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "print.h"

static int	cmd_report_exec(struct client *, struct cmd_args *);
static int	cmd_mod_queue_exec(struct client *, struct cmd_args *);
static int	cmd_mod_reports_exec(struct client *, struct cmd_args *);
static int	cmd_mod_ack_exec(struct client *, struct cmd_args *);
static int	cmd_mod_resolve_exec(struct client *, struct cmd_args *);

const struct cmd_entry cmd_report_entry = {
	.name = "report",
	.usage = "POST --reason TEXT [--urgent]",
	.summary = "Tell the moderators about a post; prints the report's id.",
	.help =
"The report, with REASON (1 to " PROTO_XSTR(PROTO_MAX_REASON) " bytes), goes to the moderators of\n"
"the post's channel and to the safeguarding leads of its author's\n"
"organisation; the author is never told who reported. --urgent is for\n"
"a safeguarding concern, when someone may be at risk: everyone it goes\n"
"to who is connected is alerted at once, and if nobody acknowledges it\n"
"in time it goes wider. You are told when it has been resolved.\n",
	.opts = { { "reason", "TEXT" }, { "urgent", NULL }, { NULL, NULL } },
	.args_min = 1, .args_max = 1,
	.exec = cmd_report_exec,
};

const struct cmd_entry cmd_mod_queue_entry = {
	.name = "mod queue",
	.usage = "[CHANNEL]",
	.summary = "Show the held posts and open reports you can act on.",
	.help =
"Oldest first: the posts waiting for approval (`harbour mod approve`,\n"
"`harbour mod reject`), then the open reports (`harbour mod ack`,\n"
"`harbour mod resolve`), in every channel you moderate or only in\n"
"CHANNEL.\n",
	.opts = { { NULL, NULL } },
	.args_min = 0, .args_max = 1,
	.exec = cmd_mod_queue_exec,
};

const struct cmd_entry cmd_mod_reports_entry = {
	.name = "mod reports",
	.usage = "[--open]",
	.summary = "List the reports you may act on.",
	.help =
"One report a line: its id, state (open, acknowledged or resolved),\n"
"URGENT when so, the post and channel, when, who reported (moderators\n"
"see that) and why; then who acknowledged and resolved it, and the\n"
"resolver's note. --open leaves out the resolved ones.\n",
	.opts = { { "open", NULL }, { NULL, NULL } },
	.args_min = 0, .args_max = 0,
	.exec = cmd_mod_reports_exec,
};

const struct cmd_entry cmd_mod_ack_entry = {
	.name = "mod ack",
	.usage = "REPORT",
	.summary = "Acknowledge a report: say that you are dealing with it.",
	.help =
"An acknowledged urgent report is not sent wider. Logged.\n",
	.opts = { { NULL, NULL } },
	.args_min = 1, .args_max = 1,
	.exec = cmd_mod_ack_exec,
};

const struct cmd_entry cmd_mod_resolve_entry = {
	.name = "mod resolve",
	.usage = "REPORT --note TEXT",
	.summary = "Close a report, with a note of what was done.",
	.help =
"The reporter is told that the report was resolved, never the note,\n"
"which only moderators read (1 to " PROTO_XSTR(PROTO_MAX_REASON) " bytes). Logged.\n",
	.opts = { { "note", "TEXT" }, { NULL, NULL } },
	.args_min = 1, .args_max = 1,
	.exec = cmd_mod_resolve_exec,
};

static int
report_id(const struct cmd_args *a, const char *what, int64_t *id)
{
	if (client_parse_int(a->argv[0], 1, PROTO_ID_MAX, id) == -1)
		return (client_usage(a->entry, "give the %s's number, like 42, "
		    "not %s", what, a->argv[0]));
	return (CLIENT_EXIT_OK);
}

/* A required text option, checked as the server checks a reason. */
static int
report_text(const struct cmd_args *a, const char *opt, const char **out)
{
	if ((*out = client_opt(a, opt)) == NULL)
		return (client_usage(a->entry, "give a --%s", opt));
	return (client_check(proto_check_reason(*out), opt));
}

static int
cmd_report_exec(struct client *c, struct cmd_args *a)
{
	const char	*reason;
	json_t		*req, *result;
	int64_t		 id;
	int		 r;

	if ((r = report_id(a, "post", &id)) != 0 ||
	    (r = report_text(a, "reason", &reason)) != 0 ||
	    (r = client_login(c)) != 0)
		return (r);
	req = client_request(c, "report");
	json_object_set_new(req, "post", json_integer(id));
	json_object_set_new(req, "reason", json_string(reason));
	if (client_opt(a, "urgent") != NULL)
		json_object_set_new(req, "urgent", json_true());
	if ((r = client_call(c, req, &result)) != 0)
		return (r);
	if (c->json)
		print_json(result);
	else
		printf("%lld\n", (long long)json_integer_value(
		    json_object_get(result, "report")));
	json_decref(result);
	return (print_done());
}

static void
queue_print(json_t *result)
{
	json_t	*held, *reports, *v;
	size_t	 i;

	held = json_object_get(result, "held");
	reports = json_object_get(result, "reports");
	if (json_array_size(held) == 0 && json_array_size(reports) == 0) {
		puts("nothing waits for you");
		return;
	}
	if (json_array_size(held) > 0)
		printf("%zu held %s:\n\n", json_array_size(held),
		    json_array_size(held) == 1 ? "post" : "posts");
	print_set_noted(1, NULL);	/* a moderator must read to decide */
	json_array_foreach(held, i, v)
		print_post(v);
	if (json_array_size(reports) > 0)
		printf("%s%zu open %s:\n", json_array_size(held) > 0 ? "\n" :
		    "", json_array_size(reports),
		    json_array_size(reports) == 1 ? "report" : "reports");
	json_array_foreach(reports, i, v)
		print_report(v);
}

static int
cmd_mod_queue_exec(struct client *c, struct cmd_args *a)
{
	json_t	*req, *result;
	int	 r;

	if ((a->argc > 0 && (r = client_channel(a->argv[0])) != 0) ||
	    (r = client_login(c)) != 0)
		return (r);
	req = client_request(c, "mod.queue");
	if (a->argc > 0)
		json_object_set_new(req, "channel", json_string(a->argv[0]));
	if ((r = client_call(c, req, &result)) != 0)
		return (r);
	if (c->json)
		print_json(result);
	else
		queue_print(result);
	json_decref(result);
	return (print_done());
}

static int
cmd_mod_reports_exec(struct client *c, struct cmd_args *a)
{
	json_t	*req, *result, *v;
	size_t	 i;
	int	 r;

	if ((r = client_login(c)) != 0)
		return (r);
	req = client_request(c, "mod.reports");
	if (client_opt(a, "open") != NULL)
		json_object_set_new(req, "open", json_true());
	if ((r = client_call(c, req, &result)) != 0)
		return (r);
	if (c->json)
		print_json(result);
	else if (json_array_size(json_object_get(result, "reports")) == 0)
		puts("no reports");
	else
		json_array_foreach(json_object_get(result, "reports"), i, v)
			print_report(v);
	json_decref(result);
	return (print_done());
}

/* ack and resolve: a report's id, and resolve's note. */
static int
report_state(struct client *c, struct cmd_args *a, const char *op,
    const char *note, const char *done)
{
	json_t	*req, *result;
	int64_t	 id;
	int	 r;

	if ((r = report_id(a, "report", &id)) != 0 ||
	    (r = client_login(c)) != 0)
		return (r);
	req = client_request(c, op);
	json_object_set_new(req, "report", json_integer(id));
	if (note != NULL)
		json_object_set_new(req, "note", json_string(note));
	if ((r = client_call(c, req, &result)) != 0)
		return (r);
	if (c->json)
		print_json(result);
	else
		printf("report #%lld %s\n", (long long)id, done);
	json_decref(result);
	return (print_done());
}

static int
cmd_mod_ack_exec(struct client *c, struct cmd_args *a)
{
	return (report_state(c, a, "mod.ack", NULL, "acknowledged"));
}

static int
cmd_mod_resolve_exec(struct client *c, struct cmd_args *a)
{
	const char	*note;
	int		 r;

	if ((r = report_text(a, "note", &note)) != 0)
		return (r);
	return (report_state(c, a, "mod.resolve", note, "resolved"));
}
