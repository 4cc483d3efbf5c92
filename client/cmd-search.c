/*
 * cmd-search.c: search, the posts and thread titles the caller can read
 * that contain some text.
 *
 * One result is two lines: a header
 *	#42 peer/commons ana 2026-...Z [held] « Title »
 * (the author is "anonymous" for an anonymous post; the state only
 * when the caller moderates the post or it is their own held or
 * rejected one; the title only when the post starts a thread), then
 * the server's snippet, indented, on one line, the matched part kept
 * between "[" and "]". When the server has more, a last line says which
 * --offset shows the next page. --json prints the server's result as
 * it came, for scripts. With --resources the results are resources,
 * one header line each (id, title, tags, organisation) and the same
 * snippet under it.
 *
 * What the caller may see only the server knows; what the client can
 * check (the text, the channel's name, the numbers) it checks first, by
 * the server's rules, so a typo costs no round trip.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "print.h"

/* The server's bounds on a page: at most 100 results, none deeper
 * than the 10000th. */
#define SEARCH_LIMIT_MAX	100
#define SEARCH_OFFSET_MAX	10000

static int	cmd_search_exec(struct client *, struct cmd_args *);

const struct cmd_entry cmd_search_entry = {
	.name = "search",
	.usage = "TEXT [--channel CHANNEL] [--resources] [--limit N] "
	    "[--offset N]",
	.summary = "Find the posts you can read, or resources, by their text.",
	.help =
"Looks for TEXT (all the arguments, joined by spaces; 1 to " PROTO_XSTR(PROTO_MAX_QUERY) "\n"
"bytes) in the text and thread titles of the posts you can read, in\n"
"any script: words need no spaces between them. Best matches first,\n"
"N at a time (--limit, default 20, at most " PROTO_XSTR(SEARCH_LIMIT_MAX) "); --offset skips the\n"
"first N (at most " PROTO_XSTR(SEARCH_OFFSET_MAX) "). When there are more, a last line\n"
"\"more: --offset N\" says how to see them. --channel keeps to one\n"
"channel.\n"
"\n"
"Each result is a line \"#POST CHANNEL AUTHOR TIME\" (\"anonymous\" for\n"
"an anonymous post, never its author; then the post's state, [held],\n"
"[hidden] or [rejected], and a first post's thread title, \xc2\xab TITLE \xc2\xbb,\n"
"when it has them), then the matching text, indented, with the match\n"
"between [ and ].\n"
"--json prints the server's result instead, one line. Search never\n"
"shows what you could not read: other organisations' channels,\n"
"private groups you are not in, others' held, rejected or hidden\n"
"posts (unless you moderate the channel), deleted posts, or the\n"
"earlier text of edited ones. A new post can be found a moment after\n"
"it is posted.\n"
"\n"
"--resources searches the shared resources instead (their titles,\n"
"summaries and tags; see `harbour resources`), which are the whole\n"
"network's and in no channel, so it takes no --channel. Each result\n"
"is a line \"resource #ID \xc2\xab TITLE \xc2\xbb [TAGS] ORG\", then the matching\n"
"text, indented, as for posts.\n",
	.opts = { { "channel", "CHANNEL" }, { "resources", NULL },
	    { "limit", "N" }, { "offset", "N" }, { NULL, NULL } },
	.args_min = 1, .args_max = -1,
	.exec = cmd_search_exec,
};

/* The TEXT arguments joined by spaces. */
static char *
search_text(const struct cmd_args *a)
{
	char	*text, *p;
	size_t	 len = 0;
	int	 i;

	for (i = 0; i < a->argc; i++)
		len += strlen(a->argv[i]) + 1;
	text = p = xmalloc(len);
	for (i = 0; i < a->argc; i++)
		p += sprintf(p, "%s%s", i > 0 ? " " : "", a->argv[i]);
	return (text);
}

static int
search_check_text(const char *text)
{
	switch (proto_check_query(text)) {
	case PROTO_OK:
		return (CLIENT_EXIT_OK);
	case PROTO_E_TOO_LARGE:
		return (client_error(CLIENT_EXIT_FAIL, "the search text is "
		    "longer than %d bytes (%s)", PROTO_MAX_QUERY,
		    proto_err_code(PROTO_E_TOO_LARGE)));
	default:
		return (client_error(CLIENT_EXIT_FAIL, "the search text is "
		    "empty, or has control characters or invalid UTF-8 in it "
		    "(%s)", proto_err_code(PROTO_E_BAD_TEXT)));
	}
}

/* --channel, --limit, --offset and --resources into req. */
static int
search_options(const struct cmd_args *a, json_t *req, int64_t *offset)
{
	const char	*channel = client_opt(a, "channel");
	const char	*v;
	int64_t		 n;
	int		 r;

	if ((v = client_opt(a, "limit")) != NULL) {
		if (client_parse_int(v, 1, SEARCH_LIMIT_MAX, &n) == -1)
			return (client_usage(a->entry, "--limit takes a number "
			    "from 1 to %d", SEARCH_LIMIT_MAX));
		json_object_set_new(req, "limit", json_integer(n));
	}
	if ((v = client_opt(a, "offset")) != NULL) {
		if (client_parse_int(v, 0, SEARCH_OFFSET_MAX, offset) == -1)
			return (client_usage(a->entry, "--offset takes a number "
			    "from 0 to %d", SEARCH_OFFSET_MAX));
		json_object_set_new(req, "offset", json_integer(*offset));
	}
	if (channel != NULL) {
		if ((r = client_channel(channel)) != 0)
			return (r);
		json_object_set_new(req, "channel", json_string(channel));
	}
	if (client_opt(a, "resources") != NULL) {
		if (channel != NULL)
			return (client_usage(a->entry, "resources are in no "
			    "channel: --resources takes no --channel"));
		json_object_set_new(req, "resources", json_true());
	}
	return (CLIENT_EXIT_OK);
}

/* The snippet on one line: newlines and tabs become spaces. */
static void
search_print_snippet(const char *snippet)
{
	char	*s, *p;

	s = xstrdup(snippet != NULL ? snippet : "");
	for (p = s; *p != '\0'; p++) {
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	}
	fputs("  ", stdout);
	print_safe(s);
	putchar('\n');
	free(s);
}

static void
search_print(json_t *res)
{
	const char	*s;
	char		 ts[PROTO_TS_LEN];

	print_ts(json_object_get(res, "ts"), ts);
	printf("#%lld ", (long long)json_integer_value(json_object_get(res,
	    "post")));
	print_safe(json_string_value(json_object_get(res, "channel")));
	putchar(' ');
	if ((s = json_string_value(json_object_get(res, "author"))) != NULL &&
	    !json_is_true(json_object_get(res, "anon")))
		print_safe(s);
	else
		fputs("anonymous", stdout);
	printf(" %s", ts);
	if ((s = json_string_value(json_object_get(res, "state"))) != NULL) {
		fputs(" [", stdout);
		print_safe(s);
		putchar(']');
	}
	if ((s = json_string_value(json_object_get(res, "title"))) != NULL) {
		fputs(" \xc2\xab ", stdout);
		print_safe(s);
		fputs(" \xc2\xbb", stdout);
	}
	putchar('\n');
	search_print_snippet(json_string_value(json_object_get(res,
	    "snippet")));
}

/* "resource #12 « Title » [tags] org", then the snippet. */
static void
search_print_resource(json_t *hit)
{
	json_t	*r = json_object_get(hit, "resource"), *t;
	size_t	 i;

	printf("resource #%lld \xc2\xab ", (long long)json_integer_value(
	    json_object_get(r, "id")));
	print_safe(json_string_value(json_object_get(r, "title")));
	fputs(" \xc2\xbb [", stdout);
	json_array_foreach(json_object_get(r, "tags"), i, t) {
		if (i > 0)
			fputs(", ", stdout);
		print_safe(json_string_value(t));
	}
	fputs("] ", stdout);
	print_safe(json_string_value(json_object_get(r, "org")));
	putchar('\n');
	search_print_snippet(json_string_value(json_object_get(hit,
	    "snippet")));
}

static int
cmd_search_exec(struct client *c, struct cmd_args *a)
{
	json_t	*req, *result, *results, *res;
	int64_t	 offset = 0;
	char	*text;
	size_t	 i;
	int	 r;

	req = client_request(c, "search");
	if ((r = search_options(a, req, &offset)) != 0) {
		json_decref(req);
		return (r);
	}
	text = search_text(a);
	if ((r = search_check_text(text)) != 0 ||
	    (r = client_login(c)) != 0) {
		free(text);
		json_decref(req);
		return (r);
	}
	json_object_set_new(req, "text", json_string(text));
	free(text);
	if ((r = client_call(c, req, &result)) != 0)
		return (r);
	results = json_object_get(result, "results");
	if (c->json)
		print_json(result);
	else if (json_array_size(results) == 0)
		puts(offset > 0 ? "no more results" : "no results");
	else {
		json_array_foreach(results, i, res) {
			if (json_is_object(json_object_get(res, "resource")))
				search_print_resource(res);
			else
				search_print(res);
		}
		if (json_is_true(json_object_get(result, "more")))
			printf("more: --offset %lld\n", (long long)offset +
			    (long long)json_array_size(results));
	}
	json_decref(result);
	return (print_done());
}
