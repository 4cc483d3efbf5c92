/*
 * 22-resource-cli.c: the resources issue's commands through the real
 * `harbour` binary against a real daemon, as people type them:
 * resource post with a file and a link, resource get with its resume
 * and its refusals, resources, resource show, resource delete, tags,
 * subscribe, unsubscribe, subscriptions, inbox, inbox read, quiet and
 * org hours, the quiet hints of post, search --resources, what sync
 * and tail show of the inbox, the usage errors and the help. The
 * operations' own rules are tested over the wire elsewhere; this checks
 * the words on the screen, the files written and the exit statuses.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <openssl/evp.h>

#include "harness.h"
#include "proto.h"

TestSuite(resourcecli, .timeout = HX_TEST_TIMEOUT);

#define CH	"peer/commons"
/* A PDF of three chunks and a bit: libmagic needs only its first and
 * last lines, the comment in between makes it long. */
#define PDF_PAD		(80 * 1024)
#define POLL_MS		50

static int64_t
mono_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/* fay, a facilitator (wellbeing), made CH; olu, an org-admin, and ana
 * and bob, members, all of refugee-action, joined it; all logged in
 * with the CLI, each in a state directory of their own. */
static struct hx_daemon *
setup(void)
{
	struct hx_daemon	*d = hx_start(NULL);
	struct hx_conn		*fay, *olu, *ana, *bob;

	fay = hx_user(d, "wellbeing", "facilitator", "fay");
	olu = hx_user(d, "refugee-action", "org-admin", "olu");
	ana = hx_user(d, "refugee-action", "member", "ana");
	bob = hx_user(d, "refugee-action", "member", "bob");
	hx_ok(fay, "channel.create", "{s:s}", "channel", CH);
	hx_ok(fay, "join", "{s:s}", "channel", CH);
	hx_ok(olu, "join", "{s:s}", "channel", CH);
	hx_ok(ana, "join", "{s:s}", "channel", CH);
	hx_ok(bob, "join", "{s:s}", "channel", CH);
	hx_close(fay);
	hx_close(olu);
	hx_close(ana);
	hx_close(bob);
	OK(d, "fay", "login", "--user", "fay");
	OK(d, "olu", "login", "--user", "olu");
	OK(d, "ana", "login", "--user", "ana");
	OK(d, "bob", "login", "--user", "bob");
	return (d);
}

static const char *
path(struct hx_daemon *d, const char *name)
{
	return (hx_strf("%s/%s", hx_dir(d), name));
}

static void
write_file(const char *p, const void *data, size_t len)
{
	FILE	*fp = fopen(p, "wb");

	cr_assert(fp != NULL, "%s", p);
	cr_assert_eq(fwrite(data, 1, len, fp), len);
	cr_assert_eq(fclose(fp), 0);
}

/* The PDF, its bytes varied so that a misplaced chunk shows. */
static const char *
make_pdf(size_t *len)
{
	const char	*head = "%PDF-1.4\n%", *tail = "\n1 0 obj <<>> endobj\n"
			    "trailer <<>>\n%%EOF\n";
	char		*buf;
	size_t		 i, n = 0;

	buf = malloc(strlen(head) + PDF_PAD + strlen(tail) + 1);
	n += (size_t)sprintf(buf, "%s", head);
	for (i = 0; i < PDF_PAD; i++)
		buf[n++] = (char)('a' + (i * 7 + i / 26) % 26);
	n += (size_t)sprintf(buf + n, "%s", tail);
	*len = n;
	head = hx_strf("%s", buf);	/* kept: no NUL inside */
	free(buf);
	return (head);
}

/* "80.1 KiB", as the client writes a size. */
static const char *
kib(size_t len)
{
	return (hx_strf("%.1f KiB", (double)len / 1024.0));
}

static const char *
sha256_hex(const void *data, size_t len)
{
	unsigned char	md[EVP_MAX_MD_SIZE];
	unsigned int	mdlen, i;
	char		hex[2 * EVP_MAX_MD_SIZE + 1];

	cr_assert(EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) == 1);
	for (i = 0; i < mdlen; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	return (hx_strf("%s", hex));
}

/* The file at p is exactly data. */
static void
assert_file(const char *p, const char *data, size_t len)
{
	const char	*got;
	size_t		 glen;

	got = hx_slurp(p, &glen);
	cr_assert(got != NULL, "%s was not written", p);
	cr_assert_eq(glen, len, "%s has %zu bytes, not %zu", p, glen, len);
	cr_assert(memcmp(got, data, len) == 0, "%s differs", p);
}

/* A resource's id from a command that prints it alone. */
static const char *
id_of(struct hx_run r)
{
	cr_assert(atoll(r.out) > 0, "no id: %s", r.out);
	cr_assert_str_eq(r.out, hx_strf("%lld\n", atoll(r.out)),
	    "more than the id on stdout: %s", r.out);
	return (hx_strf("%lld", atoll(r.out)));
}

/* A file shared, fetched back byte for byte, fetched again after it
 * was cut short, and left alone when it is complete. */
Test(resourcecli, file_roundtrip)
{
	struct hx_daemon *d = setup();
	const char *pdf, *id, *in = path(d, "guide.pdf");
	const char *out = path(d, "copy.pdf");
	struct hx_run r;
	size_t len;

	pdf = make_pdf(&len);
	cr_assert_gt(len, 2 * PROTO_CHUNK_MAX);
	write_file(in, pdf, len);
	id = id_of(OK(d, "fay", "resource", "post", "--title",
	    "Supervision guide", "--tags", "Supervision,guides", "--summary",
	    "How we run group supervision", "--file", in));
	r = OK(d, "ana", "resource", "get", id, "-o", out);
	assert_file(out, pdf, len);
	HAS(r.out, "SHA-256 verified");
	HASNT(r.out, "resumed");
	/* Cut short: the rest is fetched and appended. */
	cr_assert_eq(truncate(out, 40000), 0);
	r = OK(d, "ana", "resource", "get", id, "--output", out);
	assert_file(out, pdf, len);
	HAS(r.out, "resumed after");
	/* Complete: nothing to do, and nothing is written. */
	r = OK(d, "ana", "resource", "get", id, "-o", out);
	HAS(r.out, "complete already");
	assert_file(out, pdf, len);
	/* The default name is the id and the type's extension, here. */
	cr_assert_eq(chdir(hx_dir(d)), 0);
	OK(d, "bob", "resource", "get", id);
	assert_file(path(d, hx_strf("resource-%s.pdf", id)), pdf, len);
	hx_stop(d);
}

/* A download never writes over another file, and sets aside one that
 * turns out wrong. */
Test(resourcecli, get_refusals)
{
	struct hx_daemon *d = setup();
	const char *pdf, *id, *in = path(d, "guide.pdf"), *p;
	char *other;
	struct hx_run r;
	size_t len;

	pdf = make_pdf(&len);
	write_file(in, pdf, len);
	id = id_of(OK(d, "fay", "resource", "post", "--title", "Guide",
	    "--tags", "guides", "--file", in));
	other = malloc(len + 1);
	memset(other, 'z', len + 1);
	/* Longer than the resource. */
	p = path(d, "long.pdf");
	write_file(p, other, len + 1);
	r = FAILS(d, "ana", 1, "resource", "get", id, "-o", p);
	HAS(r.err, "longer than");
	cr_assert_eq(hx_slurp(p, NULL) != NULL, 1);
	/* Its size, another hash. */
	p = path(d, "same.pdf");
	write_file(p, other, len);
	r = FAILS(d, "ana", 1, "resource", "get", id, "-o", p);
	HAS(r.err, "not its SHA-256");
	assert_file(p, other, len);
	/* A wrong start, resumed: the whole fails its check, and is kept
	 * aside as .bad; the next run fetches it anew. */
	p = path(d, "wrong.pdf");
	write_file(p, other, 40000);
	r = FAILS(d, "ana", 1, "resource", "get", id, "-o", p);
	HAS(r.err, "does not match the SHA-256");
	HAS(r.err, ".bad");
	cr_assert(access(p, F_OK) == -1, "%s is still there", p);
	cr_assert_eq(hx_slurp(hx_strf("%s.bad", p), NULL) != NULL, 1);
	OK(d, "ana", "resource", "get", id, "-o", p);
	assert_file(p, pdf, len);
	free(other);
	/* A link has no file to get. */
	id = id_of(OK(d, "fay", "resource", "post", "--title", "Site",
	    "--tags", "guides", "--url", "https://example.org/guide"));
	r = FAILS(d, "ana", 1, "resource", "get", id, "-o",
	    path(d, "link.pdf"));
	HAS(r.err, "a link, not a file: https://example.org/guide");
	hx_stop(d);
}

/* An upload cut off after its first chunk is resumed by running the
 * same command: the server answers where it stands. */
Test(resourcecli, upload_resumes)
{
	struct hx_daemon *d = setup();
	const char *pdf, *id, *in = path(d, "guide.pdf");
	struct hx_conn *fay;
	json_t *res;
	char *b64;
	size_t len;

	pdf = make_pdf(&len);
	write_file(in, pdf, len);
	fay = hx_login(d, "fay");
	res = hx_ok(fay, "resource.upload", "{s:s, s:I}", "sha256",
	    sha256_hex(pdf, len), "size", (json_int_t)len);
	cr_assert_eq(hx_int(res, "offset"), 0);
	b64 = proto_base64_encode(pdf, PROTO_CHUNK_MAX, NULL);
	res = hx_ok(fay, "resource.chunk", "{s:s, s:I, s:s}", "sha256",
	    sha256_hex(pdf, len), "offset", (json_int_t)0, "data", b64);
	cr_assert_eq(hx_int(res, "offset"), PROTO_CHUNK_MAX);
	free(b64);
	hx_close(fay);
	id = id_of(OK(d, "fay", "resource", "post", "--title", "Guide",
	    "--tags", "guides", "--file", in));
	OK(d, "ana", "resource", "get", id, "-o", path(d, "copy.pdf"));
	assert_file(path(d, "copy.pdf"), pdf, len);
	hx_stop(d);
}

/* The server's checks of the file, in its words. */
Test(resourcecli, bad_type)
{
	struct hx_daemon *d = setup();
	const char *sh = "#!/bin/sh\necho 'this is not a PDF'\nexit 0\n";
	struct hx_run r;

	write_file(path(d, "x.pdf"), sh, strlen(sh));
	r = FAILS(d, "fay", 1, "resource", "post", "--title", "Script",
	    "--tags", "guides", "--file", path(d, "x.pdf"));
	HAS(r.err, "not allowed");
	HAS(r.err, "text/x-shellscript");
	HAS(r.err, "(bad_type)");
	cr_assert_str_eq(r.out, "");
	/* A member may not share at all, and an empty file is nothing. */
	write_file(path(d, "empty.txt"), "", 0);
	r = FAILS(d, "fay", 1, "resource", "post", "--title", "Nothing",
	    "--tags", "guides", "--file", path(d, "empty.txt"));
	HAS(r.err, "empty");
	r = FAILS(d, "ana", 1, "resource", "post", "--title", "Mine",
	    "--tags", "guides", "--url", "https://example.org/");
	HAS(r.err, "(forbidden)");
	r = FAILS(d, "fay", 1, "resource", "post", "--title", "Gone",
	    "--tags", "guides", "--file", path(d, "missing.pdf"));
	HAS(r.err, "missing.pdf");
	hx_stop(d);
}

/* resources, --tag, resource show with the SHA-256, and deleting. */
Test(resourcecli, list_show_delete)
{
	struct hx_daemon *d = setup();
	const char *pdf, *file, *link, *in = path(d, "guide.pdf");
	struct hx_run r;
	size_t len;

	pdf = make_pdf(&len);
	write_file(in, pdf, len);
	file = id_of(OK(d, "fay", "resource", "post", "--title",
	    "Supervision guide", "--tags", "supervision,guides", "--file",
	    in));
	link = id_of(OK(d, "olu", "resource", "post", "--title",
	    "Rota template", "--tags", "rota", "--summary",
	    "A spreadsheet\nfor two teams", "--url",
	    "https://example.org/rota"));
	r = OK(d, "ana", "resources");
	HAS(r.out, hx_strf("#%s Rota template [rota]\n", link));
	/* Tags as the server keeps them: in order, lowercase. */
	HAS(r.out, hx_strf("#%s Supervision guide [guides, supervision]\n",
	    file));
	HAS(r.out, "shared by fay (wellbeing) ");
	HAS(r.out, hx_strf("a file, %s PDF", kib(len)));
	HAS(r.out, "a link, https://example.org/rota");
	cr_assert(strstr(r.out, "Rota") < strstr(r.out, "Supervision"),
	    "not newest first: %s", r.out);
	r = OK(d, "ana", "resources", "--tag", "Supervision");
	HAS(r.out, "Supervision guide");
	HASNT(r.out, "Rota");
	r = OK(d, "ana", "resources", "--org", "refugee-action");
	HAS(r.out, "Rota");
	HASNT(r.out, "Supervision");
	r = OK(d, "ana", "resources", "--limit", "1");
	HAS(r.out, hx_strf("more: --before %s\n", link));
	r = OK(d, "ana", "resources", "--limit", "1", "--before", link);
	HAS(r.out, "Supervision");
	r = OK(d, "ana", "resources", "--tag", "nothing-has-this");
	cr_assert_str_eq(r.out, "no resources\n");
	r = OK(d, "ana", "resource", "show", file);
	HAS(r.out, hx_strf("resource #%s: Supervision guide\n", file));
	HAS(r.out, "shared by: fay (wellbeing)");
	HAS(r.out, hx_strf("size:      %s (%zu bytes)\n", kib(len), len));
	HAS(r.out, "type:      application/pdf\n");
	HAS(r.out, hx_strf("sha256:    %s\n", sha256_hex(pdf, len)));
	r = OK(d, "ana", "resource", "show", link);
	HAS(r.out, "summary:\n  A spreadsheet\n  for two teams\n");
	HAS(r.out, "link:      https://example.org/rota\n");
	r = OK(d, "ana", "--json", "resource", "show", link);
	HAS(r.out, "{\"resource\":{");
	/* Tags in use. */
	r = OK(d, "ana", "tags");
	HAS(r.out, "guides       1 resource, 0 subscriptions\n");
	HAS(r.out, "rota         1 resource");
	HAS(r.out, "supervision  1 resource");
	/* Not the poster, not a curator: refused; the poster may. */
	r = FAILS(d, "bob", 1, "resource", "delete", file);
	HAS(r.err, "(forbidden)");
	r = OK(d, "fay", "resource", "delete", file);
	cr_assert_str_eq(r.out, hx_strf("deleted resource #%s\n", file));
	r = FAILS(d, "ana", 1, "resource", "show", file);
	HAS(r.err, "(not_found)");
	r = FAILS(d, "ana", 1, "resource", "get", file, "-o",
	    path(d, "gone.pdf"));
	HAS(r.err, "(not_found)");
	/* A facilitator may delete what someone else shared. */
	OK(d, "fay", "resource", "delete", link);
	r = OK(d, "ana", "resources");
	cr_assert_str_eq(r.out, "no resources\n");
	hx_stop(d);
}

/* subscribe, unsubscribe and subscriptions, mine and the org's. */
Test(resourcecli, subscriptions)
{
	struct hx_daemon *d = setup();
	struct hx_run r;

	r = OK(d, "ana", "subscriptions");
	cr_assert_str_eq(r.out, "yours: none\nrefugee-action's: none\n");
	r = OK(d, "ana", "subscribe", "Policy");
	HAS(r.out, "you follow policy");
	OK(d, "ana", "subscribe", "templates");
	OK(d, "ana", "subscribe", "policy");	/* again: no error */
	r = FAILS(d, "ana", 1, "subscribe", "safeguarding", "--org");
	HAS(r.err, "(forbidden)");
	r = OK(d, "olu", "subscribe", "safeguarding", "--org");
	HAS(r.out, "refugee-action follows safeguarding");
	r = OK(d, "ana", "subscriptions");
	HAS(r.out, "yours: policy, templates\n");
	HAS(r.out, "refugee-action's: safeguarding\n");
	r = OK(d, "ana", "unsubscribe", "policy");
	HAS(r.out, "you no longer follow policy");
	r = FAILS(d, "ana", 1, "unsubscribe", "policy");
	HAS(r.err, "(not_found)");
	r = FAILS(d, "ana", 1, "unsubscribe", "safeguarding", "--org");
	HAS(r.err, "(forbidden)");
	r = OK(d, "olu", "unsubscribe", "safeguarding", "--org");
	HAS(r.out, "refugee-action no longer follows safeguarding");
	r = OK(d, "ana", "subscriptions");
	cr_assert_str_eq(r.out, "yours: templates\nrefugee-action's: none\n");
	r = FAILS(d, "ana", 1, "subscribe", "Not a tag!");
	HAS(r.err, "(bad_name)");
	/* A tag someone follows is in use, with no resource yet. */
	r = OK(d, "ana", "tags");
	cr_assert_str_eq(r.out, "templates  0 resources, 1 subscription\n");
	OK(d, "ana", "unsubscribe", "templates");
	r = OK(d, "ana", "tags");
	HAS(r.out, "no tags yet");
	hx_stop(d);
}

/* An announcement in a subscriber's inbox, marked read; a mention with
 * its channel and author; --all shows the read ones, marked. */
Test(resourcecli, inbox)
{
	struct hx_daemon *d = setup();
	const char *res, *t;
	struct hx_run r;

	r = OK(d, "ana", "inbox");
	cr_assert_str_eq(r.out, "nothing unread in your inbox\n");
	OK(d, "ana", "subscribe", "policy");
	res = id_of(OK(d, "fay", "resource", "post", "--title",
	    "Wellbeing policy template", "--tags", "policy,templates",
	    "--url", "https://example.org/policy"));
	r = OK(d, "ana", "inbox");
	HAS(r.out, hx_strf(" resource #%s \xc2\xab Wellbeing policy template "
	    "\xc2\xbb [policy, templates] from wellbeing\n", res));
	cr_assert_eq(r.out[0], '#', "%s", r.out);
	HASNT(r.out, "[read]");
	/* bob follows nothing: his inbox has nothing. */
	r = OK(d, "bob", "inbox");
	cr_assert_str_eq(r.out, "nothing unread in your inbox\n");
	/* A post that names ana. */
	t = id_of(OK(d, "bob", "post", CH, "--title", "Templates",
	    "is there a template for this?"));
	OK(d, "bob", "post", CH, "--thread", t,
	    "@ana could you share the template?\nthanks");
	r = OK(d, "ana", "inbox");
	HAS(r.out, "mention in " CH " by bob: @ana could you share the "
	    "template? ...\n");
	cr_assert(strstr(r.out, "mention") < strstr(r.out, "resource #"),
	    "not newest first: %s", r.out);
	/* What sync shows after the posts. */
	r = OK(d, "ana", "sync");
	HAS(r.out, "2 unread in your inbox:\n");
	cr_assert(strstr(r.out, "could you share") <
	    strstr(r.out, "unread in your inbox"), "%s", r.out);
	r = OK(d, "ana", "--json", "sync");
	HAS(r.out, "{\"ev\":\"inbox\",\"item\":{");
	/* Read, one by one or all at once. */
	r = OK(d, "ana", "inbox", "read", "--all");
	cr_assert_str_eq(r.out, "marked 2 items read\n");
	r = OK(d, "ana", "inbox");
	cr_assert_str_eq(r.out, "nothing unread in your inbox\n");
	r = OK(d, "ana", "inbox", "read", "--all");
	cr_assert_str_eq(r.out, "nothing was unread\n");
	r = OK(d, "ana", "inbox", "--all");
	HAS(r.out, " [read] resource #");
	HAS(r.out, " [read] mention in ");
	r = OK(d, "ana", "sync");
	HASNT(r.out, "unread in your inbox");
	r = FAILS(d, "ana", 1, "inbox", "read", "999999");
	HAS(r.err, "(not_found)");
	/* A new one, read by its id. */
	OK(d, "bob", "post", CH, "--thread", t, "@ana one more thing");
	r = OK(d, "ana", "inbox");
	r = OK(d, "ana", "inbox", "read", hx_strf("%lld", atoll(r.out + 1)));
	cr_assert_str_eq(r.out, "marked 1 item read\n");
	hx_stop(d);
}

/* Today plus three, in UTC: a day that is certainly not today, so that
 * hours on it alone are certainly not now. */
static const char *
other_day(void)
{
	static const char *const days[] = {
		"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat",
	};
	time_t		now = time(NULL);
	struct tm	tm;

	gmtime_r(&now, &tm);
	return (days[(tm.tm_wday + 3) % 7]);
}

/* quiet set, show and off; the hints a post that names someone outside
 * their hours gets; an organisation's default; the refusals. */
Test(resourcecli, quiet)
{
	struct hx_daemon *d = setup();
	const char *day = other_day(), *t;
	struct hx_run r;

	r = OK(d, "ana", "quiet", "show");
	cr_assert_str_eq(r.out, "no working hours set: everything is pushed "
	    "as it comes\n");
	r = OK(d, "ana", "quiet", "set", hx_strf("%s 09:00-10:00", day),
	    "--tz", "UTC");
	cr_assert_str_eq(r.out, hx_strf("working hours: %s 09:00-10:00 UTC "
	    "(your own); now outside them until %s 09:00 UTC\n", day, day));
	r = OK(d, "ana", "quiet", "show");
	cr_assert_str_eq(r.out, hx_strf("working hours: %s 09:00-10:00 UTC "
	    "(your own); now outside them until %s 09:00 UTC\n", day, day));
	/* Whoever names her is told, on stderr; stdout keeps the id. */
	t = id_of(OK(d, "bob", "post", CH, "--title", "Rota",
	    "@ana could you share the template?"));
	r = OK(d, "bob", "post", CH, "--thread", t, "@ana and @olu, thanks");
	id_of(r);
	HAS(r.err, hx_strf("harbour: ana is outside working hours until %s "
	    "09:00 UTC\n", day));
	HASNT(r.err, "olu");
	/* Several ranges, written back the server's way. */
	r = OK(d, "ana", "quiet", "set", "Mon,Wed 08:00-12:00; Tue "
	    "13:00-18:00", "--tz", "Europe/London");
	HAS(r.out, "working hours: Mon,Wed 08:00-12:00; Tue 13:00-18:00 "
	    "Europe/London (your own); now ");
	/* Refusals, in the server's words. */
	r = FAILS(d, "ana", 1, "quiet", "set", "Mon-Fri 25:00-17:00", "--tz",
	    "Europe/London");
	HAS(r.err, "harbour: hours: ");
	HAS(r.err, "(bad_request)");
	r = FAILS(d, "ana", 1, "quiet", "set", "Mon-Fri 09:00-17:00", "--tz",
	    "Mars/Base");
	HAS(r.err, "unknown time zone: Mars/Base");
	HAS(r.err, "(bad_request)");
	/* An organisation's default, for those who set none. */
	r = OK(d, "olu", "org", "hours", "refugee-action", "Mon-Fri "
	    "09:00-17:00", "--tz", "Europe/London");
	HAS(r.out, "working hours: Mon-Fri 09:00-17:00 Europe/London "
	    "(refugee-action's default");
	r = OK(d, "bob", "quiet", "show");
	HAS(r.out, "working hours: Mon-Fri 09:00-17:00 Europe/London (your "
	    "organisation's); now ");
	r = OK(d, "ana", "quiet", "off");
	HAS(r.out, "your own working hours are cleared\n");
	HAS(r.out, "(your organisation's)");
	r = FAILS(d, "bob", 1, "org", "hours", "refugee-action", "--off");
	HAS(r.err, "(forbidden)");
	r = FAILS(d, "olu", 1, "org", "hours", "wellbeing", "Mon 09:00-10:00",
	    "--tz", "UTC");
	HAS(r.err, "(forbidden)");
	r = OK(d, "olu", "org", "hours", "refugee-action", "--off");
	cr_assert_str_eq(r.out, "refugee-action has no default working hours "
	    "now\n");
	r = OK(d, "bob", "quiet", "show");
	HAS(r.out, "no working hours set");
	hx_stop(d);
}

/* search --resources: id, title, tags, organisation, then the text. */
Test(resourcecli, search_resources)
{
	struct hx_daemon *d = setup();
	int64_t until = mono_ms() + hx_ms(HX_WAIT_MS);
	const char *id;
	struct hx_run r;

	id = id_of(OK(d, "olu", "resource", "post", "--title", "Rota",
	    "--tags", "rota,templates", "--summary", "A spreadsheet template "
	    "for two teams", "--url", "https://example.org/rota"));
	for (;;) {
		r = OK(d, "ana", "search", "spreadsheet", "--resources");
		if (strstr(r.out, "resource #") != NULL || mono_ms() > until)
			break;
		usleep(POLL_MS * 1000);
	}
	HAS(r.out, hx_strf("resource #%s \xc2\xab Rota \xc2\xbb [rota, "
	    "templates] refugee-action\n", id));
	HAS(r.out, "\n  ");
	HAS(r.out, "[spreadsheet]");
	r = OK(d, "ana", "search", "nothing says this", "--resources");
	cr_assert_str_eq(r.out, "no results\n");
	r = FAILS(d, "ana", 64, "search", "rota", "--resources", "--channel",
	    CH);
	HAS(r.err, "--resources takes no --channel");
	hx_stop(d);
}

/*
 * tail shows what waited as a digest right after it subscribes, and
 * then each new item as it comes. It exits after --count posts, so the
 * test posts a marker, then a resource, over and over: once tail has
 * shown a marker it is subscribed, so the resource after that marker
 * comes live, and the next marker ends it.
 */
Test(resourcecli, tail_inbox)
{
	struct hx_daemon *d = setup();
	struct hx_conn *fay, *bob;
	struct hx_cli *tail;
	struct hx_run r;
	int64_t t, until;
	int i;

	OK(d, "ana", "subscribe", "policy");
	fay = hx_login(d, "fay");
	bob = hx_login(d, "bob");
	hx_ok(fay, "resource.post", "{s:s, s:[s], s:s}", "title", "Waited",
	    "tags", "policy", "url", "https://example.org/waited");
	t = hx_post(bob, CH, "Markers", 0, "the first");
	tail = HX_CLI_START(d, "ana", HX_PASSWORD, NULL, "tail", CH,
	    "--count", "2", "--timeout", "60");
	until = mono_ms() + hx_ms(HX_WAIT_MS);
	for (i = 0; !hx_cli_done(tail) && mono_ms() < until; i++) {
		hx_post(bob, CH, NULL, t, hx_strf("marker %d", i));
		hx_ok(fay, "resource.post", "{s:s, s:[s], s:s}", "title",
		    hx_strf("Live %d", i), "tags", "policy", "url",
		    "https://example.org/live");
		usleep(4 * POLL_MS * 1000);
	}
	r = hx_cli_wait(tail, 2 * hx_ms(HX_WAIT_MS));
	cr_assert_eq(r.status, 0, "tail: %d\n%s\n%s", r.status, r.out, r.err);
	HAS(r.out, "while you were away: ");
	HAS(r.out, "\xc2\xab Waited \xc2\xbb [policy] from wellbeing\n");
	HAS(r.out, "inbox: #");
	HAS(r.out, " resource #");
	hx_close(fay);
	hx_close(bob);
	hx_stop(d);
}

/* Mistakes on the command line exit 64 before anything is sent; text
 * the server would refuse is refused first, with its code. */
Test(resourcecli, usage_errors)
{
	struct hx_daemon *d = setup();
	const char *in = path(d, "a.txt");
	struct hx_run r;

	write_file(in, "notes\n", 6);
	r = FAILS(d, "fay", 64, "resource", "post", "--tags", "a", "--url",
	    "https://example.org/");
	HAS(r.err, "--title");
	HAS(r.err, "usage: harbour resource post --title TITLE --tags "
	    "TAG[,TAG...] [--summary TEXT] (--url URL | --file PATH)");
	FAILS(d, "fay", 64, "resource", "post", "--title", "T", "--url",
	    "https://example.org/");
	r = FAILS(d, "fay", 64, "resource", "post", "--title", "T", "--tags",
	    "a", "--url", "https://example.org/", "--file", in);
	HAS(r.err, "not both");
	FAILS(d, "fay", 64, "resource", "post", "--title", "T", "--tags", "a");
	r = FAILS(d, "fay", 64, "resource", "post", "--title", "T", "--tags",
	    "a", "--file", in, "--colour", "red");
	HAS(r.err, "unknown option --colour");
	FAILS(d, "fay", 64, "resource", "post", "extra", "--title", "T",
	    "--tags", "a", "--file", in);
	FAILS(d, "ana", 64, "resource", "get");
	FAILS(d, "ana", 64, "resource", "get", "twelve");
	FAILS(d, "ana", 64, "resource", "get", "12", "-o");
	FAILS(d, "ana", 64, "resource", "show", "0");
	FAILS(d, "ana", 64, "resource", "delete", "1", "2");
	FAILS(d, "ana", 64, "resource", "fetch", "1");
	FAILS(d, "ana", 64, "resources", "--limit", "201");
	FAILS(d, "ana", 64, "inbox", "read");
	FAILS(d, "ana", 64, "inbox", "read", "5", "--all");
	FAILS(d, "ana", 64, "inbox", "--limit", "0");
	FAILS(d, "ana", 64, "inbox", "--all", "read", "5");
	FAILS(d, "ana", 64, "quiet", "set");
	FAILS(d, "ana", 64, "quiet", "loud");
	FAILS(d, "ana", 64, "subscribe");
	FAILS(d, "olu", 64, "org", "hours", "refugee-action");
	FAILS(d, "olu", 64, "org", "hours", "refugee-action", "Mon 09:00-10:00",
	    "--off");
	/* What the server would refuse, refused first. */
	r = FAILS(d, "fay", 1, "resource", "post", "--title", "T", "--tags",
	    "a,Not ok", "--url", "https://example.org/");
	HAS(r.err, "tag \"not ok\"");
	HAS(r.err, "(bad_name)");
	r = FAILS(d, "fay", 1, "resource", "post", "--title", "T", "--tags",
	    "a,,b", "--url", "https://example.org/");
	HAS(r.err, "(bad_name)");
	r = FAILS(d, "fay", 1, "resource", "post", "--title", "T", "--tags",
	    "a,b,c,d,e,f,g,h,i", "--url", "https://example.org/");
	HAS(r.err, "at most 8 tags");
	r = FAILS(d, "fay", 1, "resource", "post", "--title", "T", "--tags",
	    "a", "--url", "ftp://example.org/");
	HAS(r.err, "(bad_text)");
	r = FAILS(d, "fay", 1, "resource", "post", "--title", "", "--tags",
	    "a", "--url", "https://example.org/");
	HAS(r.err, "(bad_text)");
	hx_stop(d);
}

/* Every new command is in the list, and each has its help. */
Test(resourcecli, help)
{
	struct hx_daemon *d = setup();
	static const char *const cmds[][2] = {
		{ "resource post", "--title TITLE --tags TAG[,TAG...] "
		    "[--summary TEXT] (--url URL | --file PATH)" },
		{ "resources", "[--tag TAG] [--org ORG] [--limit N]" },
		{ "resource show", "ID" },
		{ "resource get", "ID [-o FILE]" },
		{ "resource delete", "ID" },
		{ "tags", NULL },
		{ "subscribe", "TAG [--org]" },
		{ "unsubscribe", "TAG [--org]" },
		{ "subscriptions", NULL },
		{ "inbox", "[--all]" },
		{ "inbox read", "ID | --all" },
		{ "quiet set", "HOURS" },
		{ "quiet off", NULL },
		{ "quiet show", NULL },
		{ "org hours", "ORG HOURS" },
	};
	struct hx_run r, h;
	char *words, *sp;
	size_t i;

	r = OK(d, "ana", "help");
	for (i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
		HAS(r.out, hx_strf("\n  %s%s%s", cmds[i][0], cmds[i][1] != NULL ?
		    " " : "\n", cmds[i][1] != NULL ? cmds[i][1] : ""));
		words = strdup(cmds[i][0]);
		if ((sp = strchr(words, ' ')) != NULL) {
			*sp = '\0';
			h = OK(d, "ana", words, sp + 1, "--help");
		} else
			h = OK(d, "ana", words, "--help");
		HAS(h.out, hx_strf("usage: harbour %s", cmds[i][0]));
		free(words);
	}
	r = OK(d, "ana", "help", "inbox");
	HAS(r.out, "usage: harbour inbox [--all]");
	HAS(r.out, "usage: harbour inbox read ID | --all");
	r = OK(d, "ana", "help", "resource", "get");
	HAS(r.out, "FILE.bad");
	hx_stop(d);
}
