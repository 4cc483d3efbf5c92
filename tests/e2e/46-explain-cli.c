/*
 * 46-explain-cli.c: errors that explain, from harbourd's subcommands:
 * `check` without -c says it is checking the built-in defaults, an
 * unknown subcommand is named as such, and `backup` into a directory
 * that is not there says so, while a backup made is mode 0600 whatever
 * the umask (it holds everyone's posts).
 */
#include <sys/stat.h>

#include <string.h>

#include <criterion/criterion.h>

#include "harness.h"
#include "hx-ops.h"

TestSuite(explain, .timeout = HX_TEST_TIMEOUT);

Test(explain, harbourd_says_what_is_wrong)
{
	struct hx_daemon *d;
	struct hx_run r;
	const char *dir = hx_tmpdir(), *dest;
	struct stat st;

	r = HX_HARBOURD("check");
	cr_assert_eq(r.status, 1, "%s", r.err);
	HAS(r.err, "no configuration given (-c FILE): checking the built-in "
	    "defaults");
	HAS(r.err, "/etc/harbour/server.crt");
	r = HX_HARBOURD("frobnicate");
	cr_assert_eq(r.status, 64);
	HAS(r.err, "unknown command: frobnicate");

	d = hx_start(NULL);
	hx_user(d, "alder", "member", "ana");
	r = HX_HARBOURD("backup", "-c", hx_conf(d), hx_strf("%s/missing/b.db",
	    dir));
	cr_assert_eq(r.status, 1);
	HAS(r.err, "does not exist");
	dest = hx_strf("%s/b.db", dir);
	umask(022);
	r = HX_HARBOURD("backup", "-c", hx_conf(d), dest);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert_eq(stat(dest, &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0600, "mode %o", st.st_mode & 0777);
	hx_stop(d);
}
