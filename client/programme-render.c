/*
 * programme-render.c: the programme's report laid out for people: as
 * one self-contained HTML file a funder can open (inline SVG charts, no
 * script, nothing fetched), as Markdown, and as CSV. Each carries the
 * numbers the server sent, as it sent them ("<5" and "*" included):
 * suppression is the server's, and nothing here computes a figure
 * (a chart's bar for "<5" or "*" is drawn hatched, at no height that
 * would tell its value).
 */
#include <stdio.h>
#include <string.h>

#include "client.h"
#include "programme-render.h"

#define PR_CHART_W	640
#define PR_CHART_H	220
#define PR_PAD		40
/* The charts' colours; the test that renders the page looks for the
 * first. Text carries every value too: nothing is in colour alone. */
#define PR_BAR		"#1b6f8a"
#define PR_TARGET	"#b03a2e"
#define PR_HIDDEN	"#c8c8c8"

/* ---- values ------------------------------------------------------------- */

/* A figure as text: "12", "<5", "*". */
const char *
programme_value(json_t *v, char *buf, size_t len)
{
	if (json_is_integer(v))
		snprintf(buf, len, "%lld", (long long)json_integer_value(v));
	else if (json_is_string(v))
		snprintf(buf, len, "%s", json_string_value(v));
	else
		snprintf(buf, len, "?");
	return buf;
}

static json_t *
pr_metric(json_t *r, const char *key)
{
	json_t *m;
	size_t i;

	json_array_foreach(json_object_get(r, "metrics"), i, m)
		if (strcmp(json_string_value(json_object_get(m, "key")), key) ==
		    0)
			return m;
	return NULL;
}

static const char *
pr_str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "";
}

/* Text for HTML and SVG: &, <, >, " escaped. */
static void
pr_esc(FILE *fp, const char *s)
{
	for (; *s != '\0'; s++)
		switch (*s) {
		case '&':
			fputs("&amp;", fp);
			break;
		case '<':
			fputs("&lt;", fp);
			break;
		case '>':
			fputs("&gt;", fp);
			break;
		case '"':
			fputs("&quot;", fp);
			break;
		default:
			fputc(*s, fp);
		}
}

/* ---- charts ------------------------------------------------------------ */

/* Bars over labels, values written above them; a hidden value's bar is
 * hatched at a fixed small height. target > 0: a dashed line there. */
static void
pr_bars(FILE *fp, const char *title, json_t *labels, json_t *values,
    int64_t target)
{
	size_t i, n = json_array_size(values);
	int64_t max = target > 0 ? target : 1, v;
	double w = n > 0 ? (double)(PR_CHART_W - 2 * PR_PAD) / (double)n : 0;
	double h, x, y, base = PR_CHART_H - PR_PAD;
	char buf[32];

	for (i = 0; i < n; i++)
		if (json_is_integer(json_array_get(values, i)) &&
		    (v = json_integer_value(json_array_get(values, i))) > max)
			max = v;
	fprintf(fp, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
	    "height=\"%d\" role=\"img\" aria-label=\"", PR_CHART_W, PR_CHART_H);
	pr_esc(fp, title);
	fprintf(fp, "\">\n<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
	    "stroke=\"#555\"/>\n", PR_PAD, base, PR_CHART_W - PR_PAD, base);
	for (i = 0; i < n; i++) {
		json_t *jv = json_array_get(values, i);

		h = json_is_integer(jv) ? (double)json_integer_value(jv) /
		    (double)max * (PR_CHART_H - 2.5 * PR_PAD) : 8;
		x = PR_PAD + (double)i * w + w * 0.15;
		y = base - h;
		fprintf(fp, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
		    "height=\"%.1f\" fill=\"%s\"%s/>\n", x, y, w * 0.7, h,
		    json_is_integer(jv) ? PR_BAR : PR_HIDDEN,
		    json_is_integer(jv) ? "" : " stroke=\"#777\" "
		    "stroke-dasharray=\"2 2\"");
		fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" "
		    "text-anchor=\"middle\">", x + w * 0.35, y - 4);
		pr_esc(fp, programme_value(jv, buf, sizeof buf));
		fprintf(fp, "</text>\n<text x=\"%.1f\" y=\"%.1f\" "
		    "font-size=\"10\" text-anchor=\"middle\">", x + w * 0.35,
		    base + 14);
		pr_esc(fp, json_string_value(json_array_get(labels, i)) !=
		    NULL ? json_string_value(json_array_get(labels, i)) : "");
		fputs("</text>\n", fp);
	}
	if (target > 0) {
		y = base - (double)target / (double)max *
		    (PR_CHART_H - 2.5 * PR_PAD);
		fprintf(fp, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
		    "stroke=\"%s\" stroke-width=\"2\" stroke-dasharray=\"6 4\"/>"
		    "\n<text x=\"%d\" y=\"%.1f\" font-size=\"11\" fill=\"%s\">"
		    "target: %lld</text>\n", PR_PAD, y, PR_CHART_W - PR_PAD, y,
		    PR_TARGET, PR_PAD + 4, y - 4, PR_TARGET, (long long)target);
	}
	fputs("</svg>\n", fp);
}

/* ---- tables ------------------------------------------------------------- */

/* One metric's table: a row per organisation, a column per month, the
 * totals last. md: a Markdown table, else HTML. */
static void
pr_table(FILE *fp, json_t *r, json_t *m, int md)
{
	json_t *months = json_object_get(r, "months");
	json_t *orgs = json_object_get(r, "orgs"), *cells, *mo;
	size_t i, j;
	char buf[32];

	cells = json_object_get(m, "cells");
	fputs(md ? "| Organisation |" : "<table>\n<tr><th>Organisation</th>",
	    fp);
	json_array_foreach(months, j, mo)
		fprintf(fp, md ? " %s |" : "<th>%s</th>", json_string_value(mo));
	fputs(md ? " Total |\n|---|" : "<th>Total</th></tr>\n", fp);
	for (j = 0; md && j <= json_array_size(months); j++)
		fputs("---:|", fp);
	if (md)
		fputc('\n', fp);
	for (i = 0; i <= json_array_size(orgs); i++) {
		json_t *row = i < json_array_size(orgs) ? json_array_get(cells,
		    i) : json_object_get(m, "month_totals");
		json_t *tot = i < json_array_size(orgs) ? json_array_get(
		    json_object_get(m, "org_totals"), i) : json_object_get(m,
		    "total");

		fputs(md ? "| " : "<tr><th>", fp);
		if (i < json_array_size(orgs) && !md)
			pr_esc(fp, json_string_value(json_array_get(orgs, i)));
		else
			fputs(i < json_array_size(orgs) ? json_string_value(
			    json_array_get(orgs, i)) : "All organisations", fp);
		fputs(md ? " |" : "</th>", fp);
		for (j = 0; j <= json_array_size(row); j++)
			fprintf(fp, md ? " %s |" : "<td>%s</td>",
			    programme_value(j < json_array_size(row) ?
			    json_array_get(row, j) : tot, buf, sizeof buf));
		fputs(md ? "\n" : "</tr>\n", fp);
	}
	fputs(md ? "\n" : "</table>\n", fp);
}

/* The event types: sessions, sign-ups and attendance of each. */
static void
pr_types(FILE *fp, json_t *r, int md)
{
	json_t *t;
	size_t i;
	char a[32], b[32], c[32];

	fputs(md ? "| Event type | Sessions | Sign-ups | Attendance |\n"
	    "|---|---:|---:|---:|\n" : "<table>\n<tr><th>Event type</th>"
	    "<th>Sessions</th><th>Sign-ups</th><th>Attendance</th></tr>\n", fp);
	json_array_foreach(json_object_get(r, "event_types"), i, t) {
		fputs(md ? "| " : "<tr><th>", fp);
		if (md)
			fputs(pr_str(t, "type"), fp);
		else
			pr_esc(fp, pr_str(t, "type"));
		fprintf(fp, md ? " | %s | %s | %s |\n" :
		    "</th><td>%s</td><td>%s</td><td>%s</td></tr>\n",
		    programme_value(json_object_get(t, "events"), a, sizeof a),
		    programme_value(json_object_get(t, "signups"), b, sizeof b),
		    programme_value(json_object_get(t, "attended"), c,
		    sizeof c));
	}
	fputs(md ? "\n" : "</table>\n", fp);
}

/* The whole range's totals, one line each. */
static void
pr_totals(FILE *fp, json_t *r, int md)
{
	json_t *m;
	size_t i;
	char buf[32];

	fprintf(fp, md ? "- Organisations reached: %lld (target %lld)\n" :
	    "<ul id=\"totals\">\n<li>Organisations reached: <strong>%lld"
	    "</strong> (target %lld)</li>\n",
	    (long long)json_integer_value(json_object_get(r, "orgs_reached")),
	    (long long)json_integer_value(json_object_get(r, "target_orgs")));
	json_array_foreach(json_object_get(r, "metrics"), i, m)
		fprintf(fp, md ? "- %s: %s%s\n" : "<li>%s: <strong>%s</strong>"
		    "%s</li>\n", pr_str(m, "label"), programme_value(
		    json_object_get(m, "total"), buf, sizeof buf),
		    strcmp(pr_str(m, "key"), "active") == 0 ? " (added up "
		    "over the months: someone active in three counts three "
		    "times)" : "");
	fputs(md ? "\n" : "</ul>\n", fp);
}

/* ---- the documents --------------------------------------------------- */

static const char pr_style[] =
	"body{font-family:sans-serif;max-width:62em;margin:2em auto;"
	"padding:0 1em;color:#1a1a1a;line-height:1.4}"
	"table{border-collapse:collapse;margin:0.5em 0 1.5em}"
	"th,td{border:1px solid #999;padding:2px 6px}"
	"td{text-align:right}th{text-align:left;background:#f2f2f2}"
	"svg{display:block;margin:0.5em 0 1.5em;break-inside:avoid}"
	"h2{break-after:avoid}";

/* The attendance per event type, as a chart's labels and values. */
static void
pr_types_chart(FILE *fp, json_t *r)
{
	json_t *labels = json_array(), *values = json_array(), *t;
	size_t i;

	json_array_foreach(json_object_get(r, "event_types"), i, t) {
		json_array_append(labels, json_object_get(t, "type"));
		json_array_append(values, json_object_get(t, "attended"));
	}
	pr_bars(fp, "Attendance per event type", labels, values, 0);
	json_decref(labels);
	json_decref(values);
}

void
programme_html(FILE *fp, json_t *r)
{
	json_t *m, *active = pr_metric(r, "active");
	size_t i;

	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset="
	    "\"utf-8\">\n<title>Programme report ", fp);
	pr_esc(fp, pr_str(r, "from"));
	fputs(" to ", fp);
	pr_esc(fp, pr_str(r, "to"));
	fprintf(fp, "</title>\n<style>%s</style>\n</head>\n<body>\n"
	    "<h1>Programme report</h1>\n<p>Calendar months ", pr_style);
	pr_esc(fp, pr_str(r, "from"));
	fputs(" to ", fp);
	pr_esc(fp, pr_str(r, "to"));
	fputs(" (UTC). Counts of use only: no names, nothing anyone wrote."
	    "</p>\n<h2>Totals</h2>\n", fp);
	pr_totals(fp, r, 0);
	fputs("<h2>Active members per month</h2>\n", fp);
	pr_bars(fp, "Active members per month", json_object_get(r, "months"),
	    json_object_get(active, "month_totals"), 0);
	fputs("<h2>Organisations reached against the target</h2>\n", fp);
	pr_bars(fp, "Organisations reached by the end of each month",
	    json_object_get(r, "months"), json_object_get(r,
	    "orgs_reached_by_month"), json_integer_value(json_object_get(r,
	    "target_orgs")));
	fputs("<h2>Attendance per event type</h2>\n", fp);
	pr_types_chart(fp, r);
	pr_types(fp, r, 0);
	json_array_foreach(json_object_get(r, "metrics"), i, m) {
		fputs("<h2>", fp);
		pr_esc(fp, pr_str(m, "label"));
		fputs("</h2>\n", fp);
		pr_table(fp, r, m, 0);
	}
	fputs("<h2>How small numbers are protected</h2>\n<p>", fp);
	pr_esc(fp, pr_str(r, "suppression"));
	fputs("</p>\n</body>\n</html>\n", fp);
}

void
programme_md(FILE *fp, json_t *r)
{
	json_t *m;
	size_t i;

	fprintf(fp, "# Programme report\n\nCalendar months %s to %s (UTC). "
	    "Counts of use only: no names, nothing anyone wrote.\n\n"
	    "## Totals\n\n", pr_str(r, "from"), pr_str(r, "to"));
	pr_totals(fp, r, 1);
	fputs("## Attendance per event type\n\n", fp);
	pr_types(fp, r, 1);
	json_array_foreach(json_object_get(r, "metrics"), i, m) {
		fprintf(fp, "## %s\n\n", pr_str(m, "label"));
		pr_table(fp, r, m, 1);
	}
	fprintf(fp, "## How small numbers are protected\n\n%s\n",
	    pr_str(r, "suppression"));
}

/* One CSV row: metric, organisation, month, event type, value; "ALL"
 * for a total over organisations or months (names are lowercase, so
 * it is no organisation's). Fields are quoted when they hold a comma
 * or a quote (RFC 4180). */
static void
pr_csv_field(FILE *fp, const char *s, int last)
{
	if (strpbrk(s, ",\"\n") != NULL) {
		fputc('"', fp);
		for (; *s != '\0'; s++) {
			if (*s == '"')
				fputc('"', fp);
			fputc(*s, fp);
		}
		fputc('"', fp);
	} else
		fputs(s, fp);
	fputc(last ? '\n' : ',', fp);
}

static void
pr_csv_row(FILE *fp, const char *metric, const char *org, const char *month,
    const char *type, json_t *v)
{
	char buf[32];

	pr_csv_field(fp, metric, 0);
	pr_csv_field(fp, org, 0);
	pr_csv_field(fp, month, 0);
	pr_csv_field(fp, type, 0);
	pr_csv_field(fp, programme_value(v, buf, sizeof buf), 1);
}

void
programme_csv(FILE *fp, json_t *r)
{
	json_t *months = json_object_get(r, "months"), *orgs, *m, *t, *v;
	size_t i, o, j;
	const char *key;
	static const char *const tk[] = { "events", "signups", "attended" };

	orgs = json_object_get(r, "orgs");
	fputs("metric,organisation,month,event_type,value\n", fp);
	json_array_foreach(json_object_get(r, "metrics"), i, m) {
		key = pr_str(m, "key");
		json_array_foreach(json_object_get(m, "cells"), o, v) {
			for (j = 0; j < json_array_size(v); j++)
				pr_csv_row(fp, key, json_string_value(
				    json_array_get(orgs, o)), json_string_value(
				    json_array_get(months, j)), "",
				    json_array_get(v, j));
			pr_csv_row(fp, key, json_string_value(json_array_get(
			    orgs, o)), "ALL", "", json_array_get(
			    json_object_get(m, "org_totals"), o));
		}
		json_array_foreach(json_object_get(m, "month_totals"), j, v)
			pr_csv_row(fp, key, "ALL", json_string_value(
			    json_array_get(months, j)), "", v);
		pr_csv_row(fp, key, "ALL", "ALL", "", json_object_get(m,
		    "total"));
	}
	json_array_foreach(json_object_get(r, "event_types"), i, t)
		for (j = 0; j < 3; j++)
			pr_csv_row(fp, tk[j], "ALL", "ALL", pr_str(t, "type"),
			    json_object_get(t, tk[j]));
	pr_csv_row(fp, "orgs_reached", "ALL", "ALL", "", json_object_get(r,
	    "orgs_reached"));
	pr_csv_row(fp, "target_orgs", "ALL", "ALL", "", json_object_get(r,
	    "target_orgs"));
}
