/*
 * config.c: reads harbourd.conf. The format is deliberately small:
 * "key = value" lines, "#" comments, blank lines, and "[section]"
 * headers that only group keys for the reader (a key means the same in
 * any section). One table lists every key with its type and bounds, so
 * the parser, the defaults and the man page have one place to agree.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "util.h"

enum config_type { CT_STRING, CT_INT, CT_BOOL, CT_SIZE, CT_LEVEL };

struct config_key {
	const char	*name;
	enum config_type type;
	size_t		 offset;
	size_t		 size;		/* CT_STRING buffer size */
	long long	 min, max;	/* CT_INT, CT_SIZE */
};

#define OFF(f)	offsetof(struct config, f)
#define SZ(f)	sizeof(((struct config *)0)->f)
static const struct config_key config_keys[] = {
	{ "listen", CT_STRING, OFF(listen), SZ(listen), 0, 0 },
	{ "db", CT_STRING, OFF(db), SZ(db), 0, 0 },
	{ "cert", CT_STRING, OFF(cert), SZ(cert), 0, 0 },
	{ "key", CT_STRING, OFF(key), SZ(key), 0, 0 },
	{ "user", CT_STRING, OFF(user), SZ(user), 0, 0 },
	{ "ca_cert", CT_STRING, OFF(ca_cert), SZ(ca_cert), 0, 0 },
	{ "ca_key", CT_STRING, OFF(ca_key), SZ(ca_key), 0, 0 },
	{ "crl", CT_STRING, OFF(crl), SZ(crl), 0, 0 },
	{ "crl_url", CT_STRING, OFF(crl_url), SZ(crl_url), 0, 0 },
	{ "tls12", CT_BOOL, OFF(tls12), SZ(tls12), 0, 1 },
	{ "argon2_memory", CT_INT, OFF(argon2_memory), SZ(argon2_memory), 8, 4194304 },
	{ "argon2_time", CT_INT, OFF(argon2_time), SZ(argon2_time), 1, 100 },
	{ "argon2_lanes", CT_INT, OFF(argon2_lanes), SZ(argon2_lanes), 1, 64 },
	{ "hash_workers", CT_INT, OFF(hash_workers), SZ(hash_workers), 1, 64 },
	{ "hash_queue", CT_INT, OFF(hash_queue), SZ(hash_queue), 1, 100000 },
	{ "output_limit", CT_SIZE, OFF(output_limit), SZ(output_limit), 4096, 1LL << 30 },
	{ "login_timeout", CT_INT, OFF(login_timeout), SZ(login_timeout), 1, 3600 },
	{ "idle_timeout", CT_INT, OFF(idle_timeout), SZ(idle_timeout), 1, 86400 },
	{ "line_timeout", CT_INT, OFF(line_timeout), SZ(line_timeout), 1, 3600 },
	{ "max_connections", CT_INT, OFF(max_connections), SZ(max_connections), 1, 1000000 },
	{ "max_unauthenticated", CT_INT, OFF(max_unauthenticated), SZ(max_unauthenticated), 1, 1000000 },
	{ "max_per_address", CT_INT, OFF(max_per_address), SZ(max_per_address), 1, 1000000 },
	{ "request_rate", CT_INT, OFF(request_rate), SZ(request_rate), 1, 1000000 },
	{ "request_burst", CT_INT, OFF(request_burst), SZ(request_burst), 1, 1000000 },
	{ "unauth_rate", CT_INT, OFF(unauth_rate), SZ(unauth_rate), 1, 1000000 },
	{ "unauth_burst", CT_INT, OFF(unauth_burst), SZ(unauth_burst), 1, 1000000 },
	{ "log_level", CT_LEVEL, OFF(log_level), SZ(log_level), 0, 3 },
	/* A day at most: a safeguarding concern left longer is no alert. */
	{ "urgent_ack_minutes", CT_INT, OFF(urgent_ack_minutes), SZ(urgent_ack_minutes), 1, 1440 },
	/* One chunk at least; a gibibyte at most, so one file cannot fill
	 * the disk of a small server by itself. */
	{ "max_attachment", CT_SIZE, OFF(max_attachment), SZ(max_attachment), 1, 1LL << 30 },
	/* The programme's report: its target of organisations reached, and
	 * the smallest count it shows (below it, "<N"); never below 3, so
	 * no report can be set to single anyone out. */
	{ "programme_target_orgs", CT_INT, OFF(programme_target_orgs), SZ(programme_target_orgs), 1, 100000 },
	{ "suppress_below", CT_INT, OFF(suppress_below), SZ(suppress_below), 3, 1000 },
};
#undef OFF
#undef SZ

static int
config_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}

void
config_defaults(struct config *cf)
{
	memset(cf, 0, sizeof *cf);
	strlcpy_h(cf->listen, "127.0.0.1:7443", sizeof cf->listen);
	strlcpy_h(cf->db, "/var/lib/harbour/harbour.db", sizeof cf->db);
	strlcpy_h(cf->cert, "/etc/harbour/server.crt", sizeof cf->cert);
	strlcpy_h(cf->key, "/etc/harbour/server.key", sizeof cf->key);
	cf->tls12 = 0;
	/* OWASP's Argon2id recommendation: m=19 MiB, t=2, p=1. */
	cf->argon2_memory = 19456;
	cf->argon2_time = 2;
	cf->argon2_lanes = 1;
	/* Hashing is meant to be slow: leave one core to the event loop,
	 * so a burst of logins never stalls everyone else. */
	cf->hash_workers = config_cpus() > 1 ? config_cpus() - 1 : 1;
	cf->hash_queue = 1024;
	/* 1 MiB: a few seconds of a busy channel; past it, history. */
	cf->output_limit = 1048576;
	cf->login_timeout = 10;
	cf->idle_timeout = 90;
	/* A line of the longest size over a slow mobile link takes seconds;
	 * one byte every few seconds is no client, only a held socket. */
	cf->line_timeout = 30;
	cf->max_connections = 10000;
	/* A login storm from many places still fits; a flood does not. */
	cf->max_unauthenticated = 64;
	/* An office behind one NAT: a handful of people, a few devices. */
	cf->max_per_address = 16;
	/* A person types far slower; a script syncing is still served. */
	cf->request_rate = 20;
	cf->request_burst = 100;
	/* Before login a client sends a login or two: an office behind one
	 * NAT reconnecting at once fits, a spray of guesses does not. */
	cf->unauth_rate = 20;
	cf->unauth_burst = 100;
	cf->log_level = LOG_LEVEL_INFO;
	/* A quarter of an hour: long enough for a lead to see an alert and
	 * answer, short enough that someone at risk is not left waiting. */
	cf->urgent_ack_minutes = 15;
	cf->max_attachment = 20 * 1024 * 1024;
	cf->programme_target_orgs = 20;
	cf->suppress_below = 5;
}

static int
config_parse_number(const char *value, long long *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(value, &end, 10);
	if (errno != 0 || end == value)
		return -1;
	/* Sizes may carry a K/M/G suffix. */
	if (*end == 'K' || *end == 'k')
		v *= 1024, end++;
	else if (*end == 'M' || *end == 'm')
		v *= 1024 * 1024, end++;
	else if (*end == 'G' || *end == 'g')
		v *= 1024LL * 1024 * 1024, end++;
	if (*end != '\0')
		return -1;
	*out = v;
	return 0;
}

static int
config_parse_value(const struct config_key *k, void *field, const char *value)
{
	static const char *const levels[] = { "error", "warn", "info", "debug" };
	long long v;
	size_t i;

	switch (k->type) {
	case CT_STRING:
		if (*value == '\0' || strlen(value) >= k->size)
			return -1;
		strlcpy_h(field, value, k->size);
		return 0;
	case CT_BOOL:
		if (strcmp(value, "yes") == 0 || strcmp(value, "true") == 0)
			*(int *)field = 1;
		else if (strcmp(value, "no") == 0 || strcmp(value, "false") == 0)
			*(int *)field = 0;
		else
			return -1;
		return 0;
	case CT_LEVEL:
		for (i = 0; i < sizeof levels / sizeof levels[0]; i++) {
			if (strcmp(value, levels[i]) == 0) {
				*(int *)field = (int)i;
				return 0;
			}
		}
		return -1;
	case CT_INT:
	case CT_SIZE:
		if (config_parse_number(value, &v) != 0 || v < k->min ||
		    v > k->max)
			return -1;
		if (k->type == CT_SIZE)
			*(size_t *)field = (size_t)v;
		else if (k->size == sizeof(uint32_t))
			*(uint32_t *)field = (uint32_t)v;
		else
			*(int *)field = (int)v;
		return 0;
	}
	return -1;
}

int
config_set(struct config *cf, const char *key, const char *value, char **cause)
{
	size_t i;

	for (i = 0; i < sizeof config_keys / sizeof config_keys[0]; i++) {
		const struct config_key *k = &config_keys[i];

		if (strcmp(k->name, key) != 0)
			continue;
		if (config_parse_value(k, (char *)cf + k->offset, value) != 0) {
			if (k->type == CT_INT || k->type == CT_SIZE)
				xasprintf(cause, "bad value for %s: \"%s\" "
				    "(a number from %lld to %lld)", key, value,
				    k->min, k->max);
			else
				xasprintf(cause, "bad value for %s: \"%s\"",
				    key, value);
			return -1;
		}
		return 0;
	}
	xasprintf(cause, "unknown key \"%s\"", key);
	return -1;
}

static char *
config_trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* Parse one line; 0 when fine, -1 with *cause (without file:line). */
static int
config_line(struct config *cf, char *line, char **cause)
{
	char *hash, *eq, *key, *value;

	if ((hash = strchr(line, '#')) != NULL)
		*hash = '\0';
	line = config_trim(line);
	if (*line == '\0')
		return 0;
	if (*line == '[') {
		if (line[strlen(line) - 1] != ']') {
			xasprintf(cause, "bad section header");
			return -1;
		}
		return 0;
	}
	if ((eq = strchr(line, '=')) == NULL) {
		xasprintf(cause, "expected \"key = value\"");
		return -1;
	}
	*eq = '\0';
	key = config_trim(line);
	value = config_trim(eq + 1);
	if (strlen(value) >= 2 && value[0] == '"' &&
	    value[strlen(value) - 1] == '"') {
		value[strlen(value) - 1] = '\0';
		value++;
	}
	return config_set(cf, key, value, cause);
}

int
config_load(struct config *cf, const char *path, char **cause)
{
	FILE *f;
	char buf[4096], *why = NULL;
	int lineno = 0, rc = 0;

	if ((f = fopen(path, "r")) == NULL) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(buf, sizeof buf, f) != NULL) {
		lineno++;
		if (strchr(buf, '\n') == NULL && !feof(f)) {
			xasprintf(cause, "%s:%d: line too long", path, lineno);
			rc = -1;
			break;
		}
		if (config_line(cf, buf, &why) != 0) {
			xasprintf(cause, "%s:%d: %s", path, lineno, why);
			free(why);
			rc = -1;
			break;
		}
	}
	fclose(f);
	return rc;
}
