/*
 * cmd-programme.c: harbour programme report, the programme's figures
 * for its funder, per organisation and month.
 *
 *	$ harbour programme report --from 2024-03 --to 2025-02 \
 *	    --format html -o report.html
 *	wrote the report for 2024-03 to 2025-02 (html) to report.html
 *
 * The server makes the report, small counts suppressed; this lays it
 * out (programme-render.c). --input renders a report saved earlier as
 * json, without the server: the same figures in another format.
 */
#include <stdio.h>
#include <string.h>

#include "client.h"
#include "print.h"
#include "programme-render.h"

static int	cmd_programme_report_exec(struct client *, struct cmd_args *);

const struct cmd_entry cmd_programme_report_entry = {
	.name = "programme report",
	.usage = "--from YYYY-MM --to YYYY-MM [--format html|md|csv|json] "
	    "[-o FILE] [--input FILE]",
	.summary = "The programme's report: use per organisation and month.",
	.help =
"For facilitators and admins: per organisation and calendar month\n"
"(UTC), from --from to --to (at most 60 months), how many members were\n"
"active (posted, read or attended), posts, threads started, resources\n"
"shared and fetched, sessions held, sign-ups and attendance; over the\n"
"range, the organisations reached against the programme's target, and\n"
"attendance per event type. No names and nothing anyone wrote: counts\n"
"under the server's suppress_below (5 unless set otherwise) read\n"
"\"<5\", and \"*\" marks figures withheld so that no small count can be\n"
"worked out from the totals.\n"
"\n"
"--format html (the default with -o FILE.html; md otherwise) gives one\n"
"file a funder can open anywhere: charts drawn inline, no script,\n"
"nothing fetched.\n"
"md and csv carry the same figures; json is the server's document\n"
"(format \"harbour-report-1\", see harbour-protocol(7)). Written to\n"
"standard output, or to FILE (-o or --output), created 0600.\n"
"--input FILE lays out a report saved earlier with --format json,\n"
"without asking the server.\n",
	.opts = { { "from", "YYYY-MM" }, { "to", "YYYY-MM" },
	    { "format", "html|md|csv|json" }, { "output", "FILE" },
	    { "input", "FILE" }, { NULL, NULL } },
	.args_min = 0, .args_max = 0,
	.exec = cmd_programme_report_exec,
};

static const char *const programme_formats[] = { "html", "md", "csv",
    "json", NULL };

/* The format asked for, or the -o file's ending (report.html), or md;
 * NULL when it is none of them. */
static const char *
programme_format(const struct cmd_args *a)
{
	const char *f = client_opt(a, "format"), *out = client_opt(a,
	    "output"), *dot;
	size_t i;

	if (f == NULL && out != NULL && (dot = strrchr(out, '.')) != NULL)
		for (i = 0; programme_formats[i] != NULL; i++)
			if (strcmp(dot + 1, programme_formats[i]) == 0)
				f = programme_formats[i];
	if (f == NULL)
		return "md";
	for (i = 0; programme_formats[i] != NULL; i++)
		if (strcmp(f, programme_formats[i]) == 0)
			return programme_formats[i];
	return NULL;
}

/* A month as the server wants it, checked here so that a typing slip
 * costs no login: YYYY-MM. */
static int
programme_month_ok(const char *s)
{
	return s != NULL && strlen(s) == 7 && s[4] == '-' &&
	    strspn(s, "0123456789-") == 7 && strchr(s, '-') == s + 4 &&
	    ((s[5] == '0' && s[6] >= '1') || (s[5] == '1' && s[6] <= '2'));
}

static int
programme_fetch(struct client *c, const struct cmd_args *a, json_t **r)
{
	const char *from = client_opt(a, "from"), *to = client_opt(a, "to");
	json_t *req, *res;
	int rc;

	if (!programme_month_ok(from) || !programme_month_ok(to))
		return client_usage(a->entry, "--from and --to are months, "
		    "like --from 2024-03 --to 2025-02");
	if (strcmp(from, to) > 0)
		return client_usage(a->entry, "--from %s is after --to %s: "
		    "give the earlier month first", from, to);
	if ((rc = client_login(c)) != 0)
		return rc;
	req = client_request(c, "programme.report");
	json_object_set_new(req, "from", json_string(from));
	json_object_set_new(req, "to", json_string(to));
	if ((rc = client_call(c, req, &res)) != 0)
		return rc;
	*r = json_incref(json_object_get(res, "report"));
	json_decref(res);
	return *r != NULL ? CLIENT_EXIT_OK : client_error(CLIENT_EXIT_FAIL,
	    "the server's reply holds no report");
}

static int
programme_load(const struct cmd_args *a, const char *path, json_t **r)
{
	json_error_t err;

	(void)a;
	if ((*r = json_load_file(path, 0, &err)) == NULL)
		return client_error(CLIENT_EXIT_FAIL, "%s: line %d: %s", path,
		    err.line, err.text);
	if (json_is_object(json_object_get(*r, "report")))
		*r = json_incref(json_object_get(*r, "report"));
	if (strcmp(json_string_value(json_object_get(*r, "format")) != NULL ?
	    json_string_value(json_object_get(*r, "format")) : "",
	    "harbour-report-1") != 0) {
		json_decref(*r);
		return client_error(CLIENT_EXIT_FAIL, "%s is not a Harbour "
		    "report saved with --format json", path);
	}
	return CLIENT_EXIT_OK;
}

static int
cmd_programme_report_exec(struct client *c, struct cmd_args *a)
{
	const char *format = programme_format(a), *out = client_opt(a,
	    "output"), *in = client_opt(a, "input");
	char what[96];
	json_t *r = NULL;	/* set on success; -O1 cannot tell */
	FILE *fp;
	int rc;

	if (format == NULL)
		return client_usage(a->entry, "--format is html, md, csv or "
		    "json, not %s", client_opt(a, "format"));
	if ((rc = client_out_check(a)) != 0)
		return rc;
	if ((rc = in != NULL ? programme_load(a, in, &r) :
	    programme_fetch(c, a, &r)) != 0)
		return rc;
	if ((fp = client_out_open(out)) == NULL) {
		json_decref(r);
		return CLIENT_EXIT_FAIL;
	}
	if (strcmp(format, "html") == 0)
		programme_html(fp, r);
	else if (strcmp(format, "csv") == 0)
		programme_csv(fp, r);
	else if (strcmp(format, "json") == 0) {
		json_dumpf(r, fp, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', fp);
	} else
		programme_md(fp, r);
	snprintf(what, sizeof what, "the report for %s to %s (%s)",
	    json_string_value(json_object_get(r, "from")),
	    json_string_value(json_object_get(r, "to")), format);
	json_decref(r);
	return client_out_close(fp, out, what);
}
