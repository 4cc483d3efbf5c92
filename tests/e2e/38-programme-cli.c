/*
 * 38-programme-cli.c: `harbour programme report` as a facilitator runs
 * it, on the generator's network (33-programme.h): the four formats
 * carry the same figures as the server's document, cell for cell; the
 * HTML file is self-contained and, rendered by headless Chromium
 * (Debian's chromium) to a PDF, is a page with its charts drawn and its
 * totals' text present (poppler's pdftotext and pdftoppm read it back);
 * a report saved as json lays out again without the server, the same
 * bytes; every bad option refused before anything is asked.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "33-programme.h"
#include "harness.h"
#include "hx-ops.h"

TestSuite(programmecli, .timeout = HX_TEST_TIMEOUT);

#define CHROMIUM	"/usr/bin/chromium"
#define PDFTOTEXT	"/usr/bin/pdftotext"
#define PDFTOPPM	"/usr/bin/pdftoppm"
/* The charts' bar colour (client/programme-render.c's PR_BAR). */
#define BAR_R		0x1b
#define BAR_G		0x6f
#define BAR_B		0x8a

static struct hx_daemon *
setup(void)
{
	struct hx_daemon *d = pg_network();

	pg_generate(d);
	hx_clock_set(PG_AFTER);
	OK(d, "fay", "login", "--user", "fay");
	return d;
}

static const char *
report_to(struct hx_daemon *d, const char *dir, const char *format)
{
	const char *path = hx_strf("%s/report.%s", dir, format);
	struct stat st;

	OK(d, "fay", "programme", "report", "--from", "2024-12", "--to",
	    "2025-04", "--format", format, "-o", path);
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0600, "%s mode %o", path,
	    st.st_mode & 0777);
	return path;
}

static const char *
value(json_t *v)
{
	return json_is_integer(v) ? hx_strf("%lld",
	    (long long)json_integer_value(v)) : json_string_value(v);
}

static json_t *
metric(json_t *r, const char *key)
{
	json_t *m;
	size_t i;

	json_array_foreach(json_object_get(r, "metrics"), i, m)
		if (strcmp(hx_str(m, "key"), key) == 0)
			return m;
	cr_assert_fail("no metric %s", key);
	return NULL;
}

static ssize_t
index_of(json_t *a, const char *s)
{
	size_t i;

	for (i = 0; i < json_array_size(a); i++)
		if (strcmp(json_string_value(json_array_get(a, i)), s) == 0)
			return (ssize_t)i;
	return -1;
}

/* What the json says a CSV row's figure is. */
static const char *
csv_expect(json_t *r, const char *key, const char *org, const char *month,
    const char *type)
{
	json_t *m, *t;
	ssize_t o, mo;
	size_t i;

	if (*type != '\0') {
		json_array_foreach(json_object_get(r, "event_types"), i, t)
			if (strcmp(hx_str(t, "type"), type) == 0)
				return value(json_object_get(t, key));
		cr_assert_fail("no event type %s", type);
	}
	if (strcmp(key, "orgs_reached") == 0 || strcmp(key, "target_orgs") ==
	    0)
		return value(json_object_get(r, key));
	m = metric(r, key);
	o = index_of(json_object_get(r, "orgs"), org);
	mo = index_of(json_object_get(r, "months"), month);
	if (o < 0 && mo < 0)
		return value(json_object_get(m, "total"));
	if (o < 0)
		return value(json_array_get(json_object_get(m, "month_totals"),
		    (size_t)mo));
	if (mo < 0)
		return value(json_array_get(json_object_get(m, "org_totals"),
		    (size_t)o));
	return value(json_array_get(json_array_get(json_object_get(m,
	    "cells"), (size_t)o), (size_t)mo));
}

static void
csv_agrees(json_t *r, const char *csv)
{
	char *copy = strdup(csv), *line, *save = NULL, *f[5], *p;
	int rows = 0, i;
	size_t norgs = json_array_size(json_object_get(r, "orgs"));

	line = strtok_r(copy, "\n", &save);
	cr_assert_str_eq(line, "metric,organisation,month,event_type,value");
	while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
		for (i = 0, p = line; i < 5; i++) {
			f[i] = p;
			p = strchr(p, ',');
			if (i < 4) {
				cr_assert(p != NULL, "short row: %s", line);
				*p++ = '\0';
			}
		}
		cr_assert_str_eq(f[4], csv_expect(r, f[0], f[1], f[2], f[3]),
		    "csv row %s,%s,%s,%s", f[0], f[1], f[2], f[3]);
		rows++;
	}
	/* Each metric: orgs x (5 months + total), 5 month totals, the
	 * total; the types' 2 x 3; reached and the target. */
	cr_assert_eq(rows, 8 * ((int)norgs * 6 + 5 + 1) + 6 + 2);
	free(copy);
}

/* Every row of every metric's table, as Markdown writes it. */
static void
md_agrees(json_t *r, const char *md)
{
	json_t *m, *row;
	size_t i, o, j;
	char *want;

	json_array_foreach(json_object_get(r, "metrics"), i, m) {
		HAS(md, hx_strf("## %s\n", hx_str(m, "label")));
		json_array_foreach(json_object_get(m, "cells"), o, row) {
			want = strdup(hx_strf("| %s |", json_string_value(
			    json_array_get(json_object_get(r, "orgs"), o))));
			for (j = 0; j < json_array_size(row); j++) {
				char *w = strdup(hx_strf("%s %s |", want,
				    value(json_array_get(row, j))));
				free(want);
				want = w;
			}
			HAS(md, hx_strf("%s %s |\n", want, value(json_array_get(
			    json_object_get(m, "org_totals"), o))));
			free(want);
		}
		HAS(md, hx_strf("- %s: %s", hx_str(m, "label"),
		    value(json_object_get(m, "total"))));
	}
}

Test(programmecli, the_formats_carry_the_same_figures)
{
	struct hx_daemon *d = setup();
	const char *dir = hx_tmpdir(), *html;
	json_error_t err;
	json_t *r;
	struct hx_run run;
	size_t len;

	r = json_load_file(report_to(d, dir, "json"), 0, &err);
	cr_assert(r != NULL, "%s", err.text);
	cr_assert_str_eq(hx_str(r, "format"), "harbour-report-1");
	csv_agrees(r, hx_slurp(report_to(d, dir, "csv"), &len));
	md_agrees(r, hx_slurp(report_to(d, dir, "md"), &len));
	/* Self-contained: no script, nothing to fetch. */
	html = hx_slurp(report_to(d, dir, "html"), &len);
	HAS(html, "<svg");
	HAS(html, "Organisations reached");
	HASNT(html, "<script");
	HASNT(html, "src=");
	HASNT(html, "href=");
	HASNT(html, "url(");
	HASNT(html, "@import");
	/* Nothing a person wrote, no person's name. */
	HASNT(html, "quiet-words");
	HASNT(html, "al1");
	/* A saved report lays out again without the server, the same. */
	run = OK(d, "fay", "programme", "report", "--input",
	    hx_strf("%s/report.json", dir), "--format", "md");
	cr_assert_str_eq(run.out, hx_slurp(hx_strf("%s/report.md", dir),
	    &len));
	/* -o report.html alone means html. */
	OK(d, "fay", "programme", "report", "--from", "2024-12", "--to",
	    "2025-04", "-o", hx_strf("%s/again.html", dir));
	cr_assert_str_eq(hx_slurp(hx_strf("%s/again.html", dir), &len), html);
	json_decref(r);
	hx_stop(d);
}

/* The pixels of a binary PPM (P6, maxval 255): how many are not white,
 * and how many are the charts' bar colour. */
static void
ppm_count(const char *path, long *ink, long *bar, long *all)
{
	size_t len, i;
	const unsigned char *p = (const unsigned char *)hx_slurp(path, &len);
	int w, h, max, off = 0;

	cr_assert(sscanf((const char *)p, "P6 %d %d %d%n", &w, &h, &max, &off)
	    == 3 && max == 255, "%s is not a P6 image", path);
	off++;	/* the one whitespace after maxval */
	cr_assert_geq(len, (size_t)off + (size_t)w * (size_t)h * 3);
	*ink = *bar = 0;
	*all = (long)w * h;
	for (i = (size_t)off; i + 2 < (size_t)off + (size_t)w * h * 3; i += 3) {
		if (p[i] < 235 || p[i + 1] < 235 || p[i + 2] < 235)
			(*ink)++;
		if (abs(p[i] - BAR_R) < 24 && abs(p[i + 1] - BAR_G) < 24 &&
		    abs(p[i + 2] - BAR_B) < 24)
			(*bar)++;
	}
}

Test(programmecli, the_html_renders_in_chromium)
{
	struct hx_daemon *d = setup();
	const char *dir = hx_tmpdir(), *html, *pdf, *txt;
	json_error_t err;
	json_t *r;
	struct hx_run run;
	long ink, bar, all;
	size_t len;

	r = json_load_file(report_to(d, dir, "json"), 0, &err);
	html = report_to(d, dir, "html");
	hx_stop(d);
	pdf = hx_strf("%s/report.pdf", dir);
	run = hx_runv_timeout((const char *const[]){ CHROMIUM, "--headless",
	    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
	    "--no-first-run", "--no-pdf-header-footer",
	    hx_strf("--user-data-dir=%s/chromium", dir),
	    hx_strf("--print-to-pdf=%s", pdf), hx_strf("file://%s", html),
	    NULL }, 120000);
	cr_assert_eq(run.status, 0, "chromium: %s", run.err);
	cr_assert(strncmp(hx_slurp(pdf, &len), "%PDF", 4) == 0);
	/* The totals' text is on the page, as text. */
	txt = hx_strf("%s/report.txt", dir);
	run = HX_RUN(PDFTOTEXT, pdf, txt);
	cr_assert_eq(run.status, 0, "pdftotext: %s", run.err);
	txt = hx_slurp(txt, &len);
	HAS(txt, "Programme report");
	HAS(txt, "Organisations reached");
	HAS(txt, hx_strf("Organisations reached: %lld (target 20)",
	    (long long)hx_int(r, "orgs_reached")));
	HAS(txt, hx_strf("Posts: %s", value(json_object_get(metric(r,
	    "posts"), "total"))));
	HAS(txt, "Active members per month");
	HAS(txt, "Attendance per event type");
	/* The first page drawn: not blank, and the charts' bars on it. */
	run = HX_RUN(PDFTOPPM, "-r", "60", "-f", "1", "-l", "1",
	    "-singlefile", pdf, hx_strf("%s/page", dir));
	cr_assert_eq(run.status, 0, "pdftoppm: %s", run.err);
	ppm_count(hx_strf("%s/page.ppm", dir), &ink, &bar, &all);
	cr_assert_gt(ink * 100, all, "a blank page: %ld of %ld pixels inked",
	    ink, all);
	cr_assert_gt(bar, 200, "no chart bars drawn: %ld pixels of the bar "
	    "colour", bar);
	json_decref(r);
}

Test(programmecli, bad_options_refused)
{
	struct hx_daemon *d = setup();
	struct hx_run run;

	run = FAILS(d, "fay", 64, "programme", "report", "--from", "2024-12",
	    "--to", "2025-04", "--format", "pdf");
	HAS(run.err, "html, md, csv or json");
	run = FAILS(d, "fay", 64, "programme", "report", "--from", "2024-13",
	    "--to", "2025-04");
	HAS(run.err, "months");
	run = FAILS(d, "fay", 64, "programme", "report", "--from", "2025-04",
	    "--to", "2024-12");
	HAS(run.err, "after");
	FAILS(d, "fay", 64, "programme", "report", "--to", "2025-04");
	OK(d, "ana", "login", "--user", "al1");
	run = FAILS(d, "ana", 1, "programme", "report", "--from", "2024-12",
	    "--to", "2025-04");
	HAS(run.err, "forbidden");
	hx_stop(d);
}
