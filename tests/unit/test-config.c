/*
 * test-config.c: harbourd.conf parsing: defaults, every key, and every
 * kind of error (unknown key, bad value, malformed line, missing file),
 * each naming file and line.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "util.h"

static char *
write_conf(const char *text)
{
	static char path[64];
	FILE *f;
	int fd;

	strcpy(path, "/tmp/harbour-conf-XXXXXX");
	fd = mkstemp(path);
	cr_assert(fd >= 0);
	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	return path;
}

Test(config, defaults)
{
	struct config cf;

	config_defaults(&cf);
	cr_expect_str_eq(cf.listen, "127.0.0.1:7443");
	cr_expect_eq(cf.argon2_memory, 19456);
	cr_expect_eq(cf.argon2_time, 2);
	cr_expect_eq(cf.argon2_lanes, 1);
	cr_expect_eq(cf.login_timeout, 10);
	cr_expect_eq(cf.output_limit, 1048576);
	cr_expect_eq(cf.tls12, 0);
	cr_expect_eq(cf.max_unauthenticated, 64);
	cr_expect_eq(cf.max_per_address, 16);
	cr_expect_eq(cf.line_timeout, 30);
	cr_expect_eq(cf.unauth_rate, 20);
	cr_expect_eq(cf.unauth_burst, 100);
	cr_expect_str_eq(cf.user, "");
	cr_expect_str_eq(cf.ca_cert, "");
}

Test(config, every_key)
{
	struct config cf;
	char *cause = NULL, *path;

	path = write_conf(
	    "# a comment\n"
	    "[server]\n"
	    "listen = 127.0.0.1:9000\n"
	    "db = \"/tmp/x.db\"   # trailing comment\n"
	    "cert = /tmp/c.crt\n"
	    "key = /tmp/c.key\n"
	    "tls12 = yes\n"
	    "user = nobody\n"
	    "ca_cert = /tmp/ca.crt\n"
	    "ca_key = /tmp/ca.key\n"
	    "crl = /tmp/crl.pem\n"
	    "crl_url = http://localhost/crl.pem\n"
	    "\n"
	    "[limits]\n"
	    "argon2_memory = 64\n"
	    "argon2_time = 1\n"
	    "argon2_lanes = 2\n"
	    "hash_workers = 3\n"
	    "hash_queue = 10\n"
	    "output_limit = 64K\n"
	    "login_timeout = 5\n"
	    "idle_timeout = 30\n"
	    "line_timeout = 4\n"
	    "max_connections = 100\n"
	    "max_unauthenticated = 7\n"
	    "max_per_address = 3\n"
	    "request_rate = 9\n"
	    "request_burst = 11\n"
	    "unauth_rate = 12\n"
	    "unauth_burst = 13\n"
	    "log_level = debug\n");
	config_defaults(&cf);
	cr_assert_eq(config_load(&cf, path, &cause), 0, "%s", cause);
	cr_expect_str_eq(cf.listen, "127.0.0.1:9000");
	cr_expect_str_eq(cf.db, "/tmp/x.db");
	cr_expect_str_eq(cf.cert, "/tmp/c.crt");
	cr_expect_str_eq(cf.key, "/tmp/c.key");
	cr_expect_eq(cf.tls12, 1);
	cr_expect_eq(cf.argon2_memory, 64);
	cr_expect_eq(cf.argon2_time, 1);
	cr_expect_eq(cf.argon2_lanes, 2);
	cr_expect_eq(cf.hash_workers, 3);
	cr_expect_eq(cf.hash_queue, 10);
	cr_expect_eq(cf.output_limit, 65536);
	cr_expect_eq(cf.login_timeout, 5);
	cr_expect_eq(cf.idle_timeout, 30);
	cr_expect_eq(cf.max_connections, 100);
	cr_expect_eq(cf.max_unauthenticated, 7);
	cr_expect_eq(cf.max_per_address, 3);
	cr_expect_eq(cf.request_rate, 9);
	cr_expect_eq(cf.request_burst, 11);
	cr_expect_eq(cf.line_timeout, 4);
	cr_expect_eq(cf.unauth_rate, 12);
	cr_expect_eq(cf.unauth_burst, 13);
	cr_expect_str_eq(cf.user, "nobody");
	cr_expect_str_eq(cf.ca_cert, "/tmp/ca.crt");
	cr_expect_str_eq(cf.ca_key, "/tmp/ca.key");
	cr_expect_str_eq(cf.crl, "/tmp/crl.pem");
	cr_expect_str_eq(cf.crl_url, "http://localhost/crl.pem");
	cr_expect_eq(cf.log_level, LOG_LEVEL_DEBUG);
	unlink(path);
}

struct bad_case {
	const char	*text;
	const char	*expect;	/* substring of the cause */
};

Test(config, errors_name_file_line_and_key)
{
	static const struct bad_case cases[] = {
		{ "colour = blue\n", ":1: unknown key \"colour\"" },
		{ "# ok\nlogin_timeout = soon\n", ":2: bad value for login_timeout" },
		{ "login_timeout = 0\n", "bad value for login_timeout" },
		{ "argon2_memory = 99999999999\n", "bad value for argon2_memory" },
		{ "tls12 = maybe\n", "bad value for tls12" },
		{ "log_level = loud\n", "bad value for log_level" },
		{ "output_limit = 12Q\n", "bad value for output_limit" },
		{ "just words\n", ":1: expected \"key = value\"" },
		{ "[broken\n", ":1: bad section header" },
		{ "db =\n", "bad value for db" },
		{ "max_per_address = 0\n", "bad value for max_per_address" },
		{ "request_rate = -1\n", "bad value for request_rate" },
		{ "line_timeout = 0\n", "bad value for line_timeout" },
		{ "line_timeout = 3601\n", "bad value for line_timeout" },
		{ "unauth_rate = 0\n", "bad value for unauth_rate" },
		{ "unauth_burst = 1000001\n", "bad value for unauth_burst" },
	};
	struct config cf;
	char *cause, *path;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		path = write_conf(cases[i].text);
		config_defaults(&cf);
		cause = NULL;
		cr_expect_eq(config_load(&cf, path, &cause), -1, "case %zu", i);
		cr_assert_not_null(cause);
		cr_expect(strstr(cause, cases[i].expect) != NULL,
		    "case %zu: \"%s\" lacks \"%s\"", i, cause, cases[i].expect);
		cr_expect(strncmp(cause, path, strlen(path)) == 0,
		    "case %zu: \"%s\" does not name the file", i, cause);
		free(cause);
		unlink(path);
	}
}

Test(config, missing_file)
{
	struct config cf;
	char *cause = NULL;

	config_defaults(&cf);
	cr_expect_eq(config_load(&cf, "/nonexistent/harbourd.conf", &cause), -1);
	cr_expect(strstr(cause, "/nonexistent/harbourd.conf") != NULL);
	free(cause);
}

/* urgent_ack_minutes: 15 by default; 1 and 1440 are allowed, and one
 * past either end is refused, naming the key. */
Test(config, urgent_ack_minutes_limits)
{
	static const struct { const char *text; int ok, value; } cases[] = {
		{ "urgent_ack_minutes = 1\n", 1, 1 },
		{ "urgent_ack_minutes = 1440\n", 1, 1440 },
		{ "urgent_ack_minutes = 0\n", 0, 0 },
		{ "urgent_ack_minutes = 1441\n", 0, 0 },
		{ "urgent_ack_minutes = -5\n", 0, 0 },
		{ "urgent_ack_minutes = soon\n", 0, 0 },
	};
	struct config cf;
	char *cause, *path;
	size_t i;

	config_defaults(&cf);
	cr_expect_eq(cf.urgent_ack_minutes, 15);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		path = write_conf(cases[i].text);
		config_defaults(&cf);
		cause = NULL;
		if (cases[i].ok) {
			cr_expect_eq(config_load(&cf, path, &cause), 0,
			    "case %zu: %s", i, cause);
			cr_expect_eq(cf.urgent_ack_minutes, cases[i].value,
			    "case %zu", i);
		} else {
			cr_expect_eq(config_load(&cf, path, &cause), -1,
			    "case %zu", i);
			cr_expect(cause != NULL && strstr(cause,
			    "bad value for urgent_ack_minutes") != NULL,
			    "case %zu: %s", i, cause);
			cr_expect_eq(cf.urgent_ack_minutes, 15, "case %zu", i);
		}
		free(cause);
		unlink(path);
	}
}
