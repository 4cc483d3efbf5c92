/*
 * loadgen-stats.c: what the load generator measures and how it says so.
 *
 * Latencies go into a log-linear histogram (fixed memory whatever the
 * run's length, under 1.6% error), the server's CPU and memory come
 * from /proc/PID of the server process, and each run ends with exactly
 * one JSON object on one line of stdout, which run.sh collects and
 * `bench-loadgen report` turns into the table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <jansson.h>

#include "loadgen.h"

static json_t	*lg_result;

static size_t
lg_hist_index(uint64_t us)
{
	unsigned pow = 0;
	uint64_t v = us;

	if (us < LG_HIST_SUB)
		return (size_t)us;
	while (v >= 2 * LG_HIST_SUB) {
		v >>= 1;
		pow++;
	}
	/* v in [64, 128): bucket (pow + 1) * 64 + (v - 64) */
	if (pow + 1 >= LG_HIST_POW)
		return LG_HIST_POW * LG_HIST_SUB - 1;
	return (size_t)(pow + 1) * LG_HIST_SUB + (size_t)(v - LG_HIST_SUB);
}

/* The middle of a bucket, in microseconds. */
static double
lg_hist_value(size_t i)
{
	size_t pow = i / LG_HIST_SUB, sub = i % LG_HIST_SUB;
	double lo, width;

	if (pow == 0)
		return (double)i;
	width = (double)(1ULL << (pow - 1));
	lo = (double)(LG_HIST_SUB + sub) * width;
	return lo + width / 2;
}

void
lg_hist_add(struct lg_hist *h, uint64_t us)
{
	h->bucket[lg_hist_index(us)]++;
	h->n++;
	h->sum_us += us;
	if (us > h->max_us)
		h->max_us = us;
}

/* The pct-th percentile in microseconds (0 when empty). */
double
lg_hist_pct(const struct lg_hist *h, double pct)
{
	uint64_t want, seen = 0;
	size_t i;

	if (h->n == 0)
		return 0;
	want = (uint64_t)((double)h->n * pct / 100.0 + 0.5);
	if (want == 0)
		want = 1;
	for (i = 0; i < LG_HIST_POW * LG_HIST_SUB; i++) {
		seen += h->bucket[i];
		if (seen >= want) {
			double v = lg_hist_value(i);
			return v > (double)h->max_us ? (double)h->max_us : v;
		}
	}
	return (double)h->max_us;
}

/* utime + stime of every thread of the process, in microseconds. */
uint64_t
lg_proc_cpu_us(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long ut = 0, st = 0;
	FILE *f;
	size_t n;
	int field;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* The command name may hold spaces: count from its ')'. */
	if ((p = strrchr(buf, ')')) == NULL)
		return 0;
	for (field = 2; field < 14 && p != NULL; field++)
		p = strchr(p + 1, ' ');
	if (p == NULL || sscanf(p, " %llu %llu", &ut, &st) != 2)
		return 0;
	return (ut + st) * 1000000ULL / (unsigned long long)sysconf(_SC_CLK_TCK);
}

/* A "VmRSS:"-style line of /proc/PID/status, in KiB; -1 if missing. */
long
lg_proc_kib(pid_t pid, const char *field)
{
	char path[64], line[256];
	size_t flen = strlen(field);
	long v = -1;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL) {
		if (strncmp(line, field, flen) == 0) {
			v = strtol(line + flen, NULL, 10);
			break;
		}
	}
	fclose(f);
	return v;
}

static double
lg_rusage_s(int who)
{
	struct rusage ru;

	getrusage(who, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* Ours, and the storm's process once it has been waited for. */
double
lg_self_cpu_s(void)
{
	return lg_rusage_s(RUSAGE_SELF) + lg_rusage_s(RUSAGE_CHILDREN);
}

void
lg_result_begin(struct lg *lg)
{
	lg_result = json_object();
	lg_result_str("server", lg->drv->name);
	lg_result_str("mode", lg->o.mode);
	if (lg->o.label != NULL)
		lg_result_str("label", lg->o.label);
}

void
lg_result_num(const char *key, double v)
{
	json_object_set_new(lg_result, key, json_real(v));
}

void
lg_result_int(const char *key, long long v)
{
	json_object_set_new(lg_result, key, json_integer(v));
}

void
lg_result_str(const char *key, const char *v)
{
	json_object_set_new(lg_result, key, json_string(v));
}

/* p50, p99, p99.9 and max, in milliseconds, as key_p50 and so on. */
void
lg_result_hist(const char *key, const struct lg_hist *h)
{
	char name[64];

	snprintf(name, sizeof name, "%s_n", key);
	lg_result_int(name, (long long)h->n);
	if (h->n == 0)
		return;
	snprintf(name, sizeof name, "%s_p50_ms", key);
	lg_result_num(name, lg_hist_pct(h, 50) / 1000);
	snprintf(name, sizeof name, "%s_p99_ms", key);
	lg_result_num(name, lg_hist_pct(h, 99) / 1000);
	snprintf(name, sizeof name, "%s_p999_ms", key);
	lg_result_num(name, lg_hist_pct(h, 99.9) / 1000);
	snprintf(name, sizeof name, "%s_max_ms", key);
	lg_result_num(name, (double)h->max_us / 1000);
}

void
lg_result_end(struct lg *lg)
{
	char *line;

	lg_result_str("status", lg->failed ? "FAILED" : "ok");
	if (lg->failed)
		lg_result_str("why", lg->why);
	if (lg->cipher[0] != '\0')
		lg_result_str("tls", lg->cipher);
	lg_result_num("loadgen_cpu_s", lg_self_cpu_s());
	lg_result_num("wall_s", lg_secs(lg_now() - lg->t_start));
	line = json_dumps(lg_result, JSON_COMPACT | JSON_PRESERVE_ORDER |
	    JSON_REAL_PRECISION(6));
	printf("%s\n", line);
	fflush(stdout);
	free(line);
	json_decref(lg_result);
	lg_result = NULL;
}
