/*
 * 45-post-drafts-cli.c: nothing typed is lost. `harbour post` checks
 * the login, the connection and the membership before it reads a word
 * (so a refusal comes before the text is typed); a post the server
 * still refuses leaves its text in a draft file (0600) whose name the
 * error gives; --editor writes the text in $EDITOR.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "harness.h"
#include "hx-ops.h"

TestSuite(draftscli, .timeout = HX_TEST_TIMEOUT);

#define CH	"peer/commons"
#define TEXT	"a long night, written once and not to be lost"

/* How many drafts who's state directory holds. */
static int
drafts(struct hx_daemon *d, const char *who)
{
	DIR *dir = opendir(hx_strf("%s/state-%s", hx_dir(d), who));
	struct dirent *e;
	int n = 0;

	if (dir == NULL)
		return 0;
	while ((e = readdir(dir)) != NULL)
		n += strncmp(e->d_name, "draft-", 6) == 0;
	closedir(dir);
	return n;
}

Test(draftscli, checked_before_reading_and_kept_when_refused)
{
	struct hx_daemon *d = hx_start(NULL);
	struct hx_conn *fay;
	struct hx_run r;
	const char *path, *end, *kept;
	struct stat st;
	size_t len;

	fay = hx_user(d, "fulcrum", "facilitator", "fay");
	hx_ok(fay, "channel.create", "{s:s}", "channel", CH);
	hx_user(d, "alder", "member", "ana");
	hx_user(d, "alder", "member", "cai");
	hx_ok(hx_login(d, "ana"), "join", "{s:s}", "channel", CH);

	/* Not logged in, not joined: said before the text is read. */
	r = HX_CLI(d, "bob", NULL, TEXT, "post", CH, "--title", "Night", "-");
	cr_assert_eq(r.status, 1);
	HAS(r.err, "not logged in");
	OK(d, "cai", "login", "--user", "cai");
	r = HX_CLI(d, "cai", NULL, TEXT, "post", CH, "--title", "Night", "-");
	cr_assert_eq(r.status, 1);
	HAS(r.err, "join the channel first");
	cr_assert_eq(drafts(d, "cai"), 0);

	/* Muted: the server refuses, and the text is kept. */
	OK(d, "ana", "login", "--user", "ana");
	hx_ok(fay, "mod.mute", "{s:s, s:s, s:I}", "user", "ana", "channel", CH,
	    "seconds", (json_int_t)3600);
	r = HX_CLI(d, "ana", NULL, TEXT "\n", "post", CH, "--title", "Night",
	    "-");
	cr_assert_eq(r.status, 1);
	HAS(r.err, "muted");
	HAS(r.err, "your text is kept in ");
	path = strstr(r.err, "your text is kept in ") + 21;
	end = strchr(path, '\n');
	path = hx_strf("%.*s", (int)(end - path), path);
	kept = hx_slurp(path, &len);
	cr_assert_str_eq(kept, TEXT "\n");
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0600);
	cr_assert_eq(drafts(d, "ana"), 1);
	hx_stop(d);
}

Test(draftscli, composed_in_the_editor)
{
	struct hx_daemon *d = hx_start(NULL);
	struct hx_conn *fay, *ana;
	const char *editor = hx_strf("%s/editor.sh", hx_dir(d));
	FILE *fp;
	json_t *posts;

	fay = hx_user(d, "fulcrum", "facilitator", "fay");
	hx_ok(fay, "channel.create", "{s:s}", "channel", CH);
	ana = hx_user(d, "alder", "member", "ana");
	hx_ok(ana, "join", "{s:s}", "channel", CH);
	fp = fopen(editor, "w");
	cr_assert(fp != NULL);
	fputs("#!/bin/sh\nprintf 'Written in an editor\\n' > \"$1\"\n", fp);
	fclose(fp);
	chmod(editor, 0700);
	OK(d, "ana", "login", "--user", "ana");
	hx_cli_setenv(hx_strf("EDITOR=%s", editor));
	OK(d, "ana", "post", CH, "--title", "From vi", "--editor");
	/* An editor that fails sends nothing. */
	hx_cli_setenv("EDITOR=false");
	FAILS(d, "ana", 1, "post", CH, "--title", "Nothing", "--editor");
	hx_cli_setenv(NULL);
	posts = hx_read_all(ana, CH, 0);
	cr_assert_eq(json_array_size(posts), 1);
	cr_assert_str_eq(hx_str(json_array_get(posts, 0), "body"),
	    "Written in an editor");
	hx_stop(d);
}
