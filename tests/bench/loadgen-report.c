/*
 * loadgen-report.c: `bench-loadgen report FILE` turns the result lines
 * of a bench (one JSON object per run, tagged with the workload's label
 * and the server) into the Markdown table run.sh prints and saves.
 *
 * A cell is the median over the runs that passed. A FAILED run (loss,
 * duplicates, gaps, an error, a timeout) is never averaged in: the cell
 * says how many failed, and the first reason is listed under the table.
 * Each row names the target, and the last column says whether
 * Harbour met it on this run of the bench; rows without a target are
 * there to explain the others.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "loadgen.h"

#define REP_MAX_RUNS	64
#define REP_MAX_NOTES	32

enum rep_target {
	REP_INFO,	/* no target: context */
	REP_GE_REF,	/* Harbour >= Mosquitto */
	REP_LE_REF,	/* Harbour <= Mosquitto */
	REP_LE,		/* Harbour <= bound */
	REP_GE,		/* Harbour >= bound */
	REP_ALL		/* Harbour == the run's "total" member */
};

struct rep_row {
	const char	*label;		/* the workload */
	const char	*key;		/* the result member; '@' computed */
	const char	*title;
	int		 prec;
	enum rep_target	 target;
	double		 bound;
	const char	*total;		/* REP_ALL: the member with the total */
	const char	*target_text;
};

static const struct rep_row rep_rows[] = {
	{ "fanout-100", "deliveries_per_s", "fan-out S=100, saturated: "
	    "deliveries/s", 0, REP_GE_REF, 0, NULL, "≥ Mosquitto" },
	{ "fanout-100", "server_cpu_us_per_delivery", "fan-out S=100: server "
	    "CPU µs per delivery", 2, REP_LE, 3.0, NULL, "≤ 3.0" },
	{ "fanout-100", "latency_p99_ms", "fan-out S=100: p99 post→delivery "
	    "ms (queueing at the window)", 1, REP_INFO, 0, NULL, "" },
	{ "fanout-1000", "deliveries_per_s", "fan-out S=1000, saturated: "
	    "deliveries/s", 0, REP_GE_REF, 0, NULL, "≥ Mosquitto" },
	{ "fanout-1000", "server_cpu_us_per_delivery", "fan-out S=1000: "
	    "server CPU µs per delivery", 2, REP_INFO, 0, NULL, "" },
	{ "pipeline", "posts_per_s", "one publisher, 64 in flight, S=1: "
	    "posts/s acknowledged", 0, REP_GE, 30000, NULL, "≥ 30,000" },
	{ "paced", "latency_p99_ms", "paced 10,000 deliveries/s, S=100: "
	    "p99 post→delivery ms", 2, REP_LE_REF, 0, NULL, "≤ Mosquitto" },
	{ "paced", "latency_p50_ms", "paced: p50 latency ms", 2, REP_INFO,
	    0, NULL, "" },
	{ "idle", "kib_per_conn", "idle TLS connections, logged in: server "
	    "KiB per connection", 2, REP_LE, 15, NULL, "≤ 15" },
	{ "slow", "rss_growth_mib", "slow reader: server RSS growth MiB", 2,
	    REP_LE, 16, NULL, "≤ 16" },
	{ "slow", "@others_pct", "slow reader: the others' deliveries/s, % "
	    "of fan-out S=100", 0, REP_GE, 90, NULL, "≥ 90" },
	{ "slow", "@gap", "slow reader: gap event, then every post exactly "
	    "once", 0, REP_INFO, 0, NULL, "gap + exactly once" },
	{ "burst", "burst_latency_p99_ms", "login burst during paced S=100: "
	    "p99 latency ms while logins run", 2, REP_LE, 20, NULL, "≤ 20" },
	{ "burst", "logins_ok", "login burst: logins that succeeded", 0,
	    REP_ALL, 0, "logins", "all" },
	{ "burst", "burst_s", "login burst: seconds until the last login "
	    "answered", 2, REP_INFO, 0, NULL, "" },
	{ "storm", "served", "reconnect storm: clients served", 0, REP_ALL,
	    0, "conns", "all" },
	{ "storm", "ack_max_ms", "reconnect storm: slowest post "
	    "acknowledgement ms", 0, REP_LE, 1000, NULL, "≤ 1000" },
	{ "storm", "storm_s", "reconnect storm: seconds until the last "
	    "client was in", 2, REP_INFO, 0, NULL, "" },
	/* Harbour only: MQTT has no inbox, tags or working hours. */
	{ "announce", "announcements_per_s", "announcement to 1,000 "
	    "subscribed members, half in quiet hours (quick: 200): "
	    "announcements/s acknowledged", 1, REP_INFO, 0, NULL, "" },
	{ "announce", "inbox_rows_per_s", "announcement: inbox rows/s "
	    "(every member's, in hours or not)", 0, REP_INFO, 0, NULL, "" },
	{ "announce", "deliveries_per_s", "announcement: live deliveries/s "
	    "(the in-hours half)", 0, REP_INFO, 0, NULL, "" },
	{ "announce", "latency_p50_ms", "announcement: p50 post→delivery ms",
	    1, REP_INFO, 0, NULL, "" },
	{ "announce", "latency_p99_ms", "announcement: p99 post→delivery ms",
	    1, REP_INFO, 0, NULL, "" },
	{ "announce", "errors", "announcement: errors (pushed to members in "
	    "quiet hours, missing, duplicated, out of order, digests)", 0,
	    REP_LE, 0, NULL, "none" },
	{ "announce", "server_cpu_us_per_delivery", "announcement: server CPU "
	    "µs per live delivery", 2, REP_INFO, 0, NULL, "" },
	{ "announce", "server_cpu_us_per_inbox_row", "announcement: server "
	    "CPU µs per inbox row", 2, REP_INFO, 0, NULL, "" },
};

static json_t	*rep_runs;
static char	*rep_notes[REP_MAX_NOTES];
static int	 rep_nnotes;

static int
rep_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int
rep_match(json_t *run, const char *label, const char *server)
{
	const char *l = json_string_value(json_object_get(run, "label"));
	const char *s = json_string_value(json_object_get(run, "server"));

	return l != NULL && s != NULL && strcmp(l, label) == 0 &&
	    strcmp(s, server) == 0;
}

static int
rep_ok(json_t *run)
{
	const char *st = json_string_value(json_object_get(run, "status"));

	return st != NULL && strcmp(st, "ok") == 0;
}

/* The median of key over the passing runs; NAN when there are none.
 * *nrun and *nfail count the runs of that workload and server. */
static double
rep_median(const char *label, const char *server, const char *key,
    int *nrun, int *nfail)
{
	double v[REP_MAX_RUNS];
	json_t *run, *x;
	size_t i;
	int n = 0;

	*nrun = *nfail = 0;
	json_array_foreach(rep_runs, i, run) {
		if (!rep_match(run, label, server))
			continue;
		(*nrun)++;
		if (!rep_ok(run)) {
			(*nfail)++;
			continue;
		}
		x = json_object_get(run, key);
		if (json_is_number(x) && n < REP_MAX_RUNS)
			v[n++] = json_number_value(x);
	}
	if (n == 0)
		return NAN;
	qsort(v, (size_t)n, sizeof v[0], rep_cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Computed cells: the slow reader's others against plain fan-out, and
 * whether every slow-reader run had a gap and then every post. */
static double
rep_value(const struct rep_row *r, const char *server, int *nrun,
    int *nfail)
{
	double a, b;
	int n2, f2;
	size_t i;
	json_t *run;

	if (strcmp(r->key, "@others_pct") == 0) {
		a = rep_median(r->label, server, "others_deliveries_per_s",
		    nrun, nfail);
		b = rep_median("fanout-100", server, "deliveries_per_s", &n2,
		    &f2);
		return a / b * 100;
	}
	if (strcmp(r->key, "@gap") == 0) {
		a = 0;
		rep_median(r->label, server, "posts", nrun, nfail);
		json_array_foreach(rep_runs, i, run) {
			const char *g = json_string_value(json_object_get(run,
			    "slow_gap"));

			if (rep_match(run, r->label, server) && rep_ok(run) &&
			    g != NULL && strcmp(g, "yes") == 0)
				a++;
		}
		return a;
	}
	return rep_median(r->label, server, r->key, nrun, nfail);
}

/* The first failure of a workload on a server, once, as a note. */
static void
rep_note_failure(const char *label, const char *server)
{
	json_t *run;
	size_t i;
	char *note;
	int k;

	json_array_foreach(rep_runs, i, run) {
		if (!rep_match(run, label, server) || rep_ok(run))
			continue;
		if (asprintf(&note, "%s, %s: FAILED: %s", label, server,
		    json_string_value(json_object_get(run, "why"))) < 0)
			return;
		for (k = 0; k < rep_nnotes; k++)
			if (strcmp(rep_notes[k], note) == 0)
				break;
		if (k < rep_nnotes || rep_nnotes == REP_MAX_NOTES)
			free(note);
		else
			rep_notes[rep_nnotes++] = note;
		return;
	}
}

static void
rep_cell(char *buf, size_t size, const struct rep_row *r, const char *server,
    double v, int nrun, int nfail)
{
	double total;
	int n, f;
	char tail[32] = "";

	if (nfail > 0) {
		snprintf(tail, sizeof tail, " (%d/%d FAILED)", nfail, nrun);
		rep_note_failure(r->label, server);
	}
	if (nrun == 0)
		snprintf(buf, size, "—");
	else if (isnan(v))
		snprintf(buf, size, "FAILED%s", tail);
	else if (strcmp(r->key, "@gap") == 0 && (int)v == nrun - nfail)
		snprintf(buf, size, "gap, then all once%s", tail);
	else if (strcmp(r->key, "@gap") == 0 && v == 0)
		snprintf(buf, size, "no gap (queued), all once%s", tail);
	else if (strcmp(r->key, "@gap") == 0)
		snprintf(buf, size, "gap in %d of %d, all once%s", (int)v,
		    nrun - nfail, tail);
	else if (r->target == REP_ALL) {
		total = rep_median(r->label, server, r->total, &n, &f);
		snprintf(buf, size, "%.0f/%.0f%s", v, total, tail);
	} else
		snprintf(buf, size, "%.*f%s", r->prec, v, tail);
}

static const char *
rep_verdict(const struct rep_row *r, double h, double m, int hn, int hf)
{
	double total;
	int n, f;

	/* Every Harbour run had its gap and then every post once. */
	if (strcmp(r->key, "@gap") == 0)
		return hf == 0 && (int)h == hn && hn > 0 ? "yes" : "**no**";
	if (r->target == REP_INFO)
		return "";
	if (isnan(h))
		return "**FAILED**";
	switch (r->target) {
	case REP_GE_REF:
		return isnan(m) ? "?" : h >= m ? "yes" : "**no**";
	case REP_LE_REF:
		return isnan(m) ? "?" : h <= m ? "yes" : "**no**";
	case REP_LE:
		return h <= r->bound ? "yes" : "**no**";
	case REP_GE:
		return h >= r->bound ? "yes" : "**no**";
	case REP_ALL:
		total = rep_median(r->label, "harbour", r->total, &n, &f);
		return h >= total ? "yes" : "**no**";
	case REP_INFO:
		break;
	}
	return "";
}

static void
rep_table(void)
{
	char hc[96], mc[96], ratio[32];
	const struct rep_row *r;
	double h, m;
	int hn, hf, mn, mf, k;
	size_t i;

	printf("| workload | Harbour | Mosquitto | ratio | target | met |\n");
	printf("|---|---:|---:|---:|---|---|\n");
	for (i = 0; i < sizeof rep_rows / sizeof rep_rows[0]; i++) {
		r = &rep_rows[i];
		h = rep_value(r, "harbour", &hn, &hf);
		m = rep_value(r, "mosquitto", &mn, &mf);
		if (hn == 0 && mn == 0)
			continue;
		rep_cell(hc, sizeof hc, r, "harbour", h, hn, hf);
		rep_cell(mc, sizeof mc, r, "mosquitto", m, mn, mf);
		ratio[0] = '\0';
		if (!isnan(h) && !isnan(m) && m != 0 &&
		    r->key[0] != '@' && r->target != REP_ALL)
			snprintf(ratio, sizeof ratio, "%.2f", h / m);
		printf("| %s | %s | %s | %s | %s | %s |\n", r->title, hc, mc,
		    ratio, r->target_text, rep_verdict(r, h, m, hn, hf));
	}
	for (k = 0; k < rep_nnotes; k++) {
		printf("%s- %s\n", k == 0 ? "\n" : "", rep_notes[k]);
		free(rep_notes[k]);
	}
}

int
lg_report_main(int argc, char **argv)
{
	char line[65536];
	json_error_t err;
	json_t *run;
	FILE *f;

	if (argc != 2) {
		fprintf(stderr, "usage: bench-loadgen report RESULTS.jsonl\n");
		return 64;
	}
	if ((f = fopen(argv[1], "r")) == NULL) {
		perror(argv[1]);
		return 1;
	}
	rep_runs = json_array();
	while (fgets(line, sizeof line, f) != NULL) {
		if (line[0] != '{')
			continue;
		if ((run = json_loads(line, 0, &err)) == NULL) {
			fprintf(stderr, "%s: line %d: %s\n", argv[1], err.line,
			    err.text);
			continue;
		}
		json_array_append_new(rep_runs, run);
	}
	fclose(f);
	rep_table();
	json_decref(rep_runs);
	return 0;
}
