/*
 * cmd-story.c: stories with consent and one's own data: story share,
 * story withdraw, stories, stories export, me export.
 *
 * The exports go to standard output or, with -o, into a new file
 * created 0600 (a story export is for the programme's report, a data
 * export is everything the server holds about someone: neither is for
 * other users of the machine). me export asks for its posts page by
 * page and puts the one document together, so that a person with years
 * of posts gets them all.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "print.h"

static int	cmd_story_share_exec(struct client *, struct cmd_args *);
static int	cmd_story_withdraw_exec(struct client *, struct cmd_args *);
static int	cmd_stories_exec(struct client *, struct cmd_args *);
static int	cmd_stories_export_exec(struct client *, struct cmd_args *);
static int	cmd_me_export_exec(struct client *, struct cmd_args *);

const struct cmd_entry cmd_story_share_entry = {
	.name = "story share",
	.usage = "POST --consent TEXT [--named]",
	.summary = "Share a post of yours as a story for the programme report.",
	.help =
"Only a post's author can share it, and only while it is visible (not\n"
"held, hidden or deleted; never a conversation's message). TEXT is\n"
"your consent in your own words, as it will be kept (1 to\n"
PROTO_XSTR(PROTO_MAX_REASON) " bytes), for example \"may be quoted "
"anonymously in the\n"
"programme report\". The time is recorded with it. Exported stories\n"
"carry neither your name nor your organisation, and every name the\n"
"server knows is taken out of the text; --named allows naming you and\n"
"your organisation (never for an anonymous post). A post is shared\n"
"once: a withdrawn story is never shared again.\n",
	.opts = { { "consent", "TEXT" }, { "named", NULL }, { NULL, NULL } },
	.args_min = 1, .args_max = 1,
	.exec = cmd_story_share_exec,
};

const struct cmd_entry cmd_story_withdraw_entry = {
	.name = "story withdraw",
	.usage = "POST",
	.summary = "Withdraw your consent: the story leaves every later export.",
	.help =
"At once and for good: no export made after this holds the story, and\n"
"the post can never be shared again. You can withdraw a story whatever\n"
"became of its post or of your place in its channel.\n",
	.opts = { { NULL, NULL } },
	.args_min = 1, .args_max = 1,
	.exec = cmd_story_withdraw_exec,
};

const struct cmd_entry cmd_stories_entry = {
	.name = "stories",
	.usage = "[--mine]",
	.summary = "List shared stories: all for facilitators, else your own.",
	.help =
"Facilitators and admins see every live story (shared, not withdrawn,\n"
"its post still visible), with its author only where the consent\n"
"allows naming; --mine, and everyone else, lists their own stories,\n"
"withdrawn ones too (marked). One story a block: #POST, the channel's\n"
"theme, when it was shared, the consent, then the text. A story of a\n"
"channel you may not read comes as the export gives it: no #POST, no\n"
"channel, names taken out.\n",
	.opts = { { "mine", NULL }, { NULL, NULL } },
	.args_min = 0, .args_max = 0,
	.exec = cmd_stories_exec,
};

const struct cmd_entry cmd_stories_export_entry = {
	.name = "stories export",
	.usage = "[--format md|json] [-o FILE]",
	.summary = "Export the live stories, anonymised (facilitators, admins).",
	.help =
"Every live story, numbered 1..n in the order they were shared, under\n"
"its channel's theme, without its author, their organisation or the\n"
"post's number unless the consent allows naming; names of accounts in\n"
"the text read \"[name removed]\" and the author's organisation\n"
"\"[organisation removed]\". md (the default) gives a heading per story,\n"
"its text quoted and its consent; json the server's list as it is.\n"
"On standard output or into FILE (-o or --output), created 0600.\n",
	.opts = { { "format", "md|json" }, { "output", "FILE" },
	    { NULL, NULL } },
	.args_min = 0, .args_max = 0,
	.exec = cmd_stories_export_exec,
};

const struct cmd_entry cmd_me_export_entry = {
	.name = "me export",
	.usage = "[-o FILE]",
	.summary = "Everything the server holds about you, as one JSON file.",
	.help =
"Your account and settings, memberships, posts with their earlier\n"
"versions (anonymous ones too), the reports you made, your answers to\n"
"events and attendance, subscriptions, stories, blocks, certificates,\n"
"sessions (never their secrets), the resources you shared, your inbox\n"
"and what the programme report counts of you; never another person's\n"
"data beyond what you may see. The format, \"harbour-export-1\", is\n"
"described in harbour-protocol(7). Indented JSON on standard output or\n"
"into FILE (-o or --output), created 0600.\n",
	.opts = { { "output", "FILE" }, { NULL, NULL } },
	.args_min = 0, .args_max = 0,
	.exec = cmd_me_export_exec,
};

/* ---- helpers ---------------------------------------------------------- */

static int
story_post(const struct cmd_args *a, int64_t *id)
{
	if (client_parse_int(a->argv[0], 1, PROTO_ID_MAX, id) == -1)
		return (client_usage(a->entry, "POST is a post's number, like "
		    "42, not %s", a->argv[0]));
	return (CLIENT_EXIT_OK);
}

/* Every story op answers (stories or stories.export), page by page
 * ("from" the next one's number, while "more"), as one list. */
static int
stories_fetch(struct client *c, const char *op, int mine, json_t **list)
{
	json_t	*req, *page;
	int64_t	 from = 1;
	int	 r, more;

	*list = json_array();
	do {
		req = client_request(c, op);
		if (mine)
			json_object_set_new(req, "mine", json_true());
		if (from > 1)
			json_object_set_new(req, "from", json_integer(from));
		if ((r = client_call(c, req, &page)) != 0) {
			json_decref(*list);
			return (r);
		}
		from += (int64_t)json_array_size(json_object_get(page,
		    "stories"));
		json_array_extend(*list, json_object_get(page, "stories"));
		more = json_is_true(json_object_get(page, "more")) &&
		    json_array_size(json_object_get(page, "stories")) > 0;
		json_decref(page);
	} while (more);
	return (CLIENT_EXIT_OK);
}

/* ---- share, withdraw, list ---------------------------------------------- */

static int
cmd_story_share_exec(struct client *c, struct cmd_args *a)
{
	const char	*consent = client_opt(a, "consent");
	json_t		*req, *result;
	int64_t		 id;
	int		 r;

	if ((r = story_post(a, &id)) != 0)
		return (r);
	if (consent == NULL)
		return (client_usage(a->entry, "give your consent: --consent "
		    "\"may be quoted anonymously in the programme report\""));
	if ((r = client_check(proto_check_reason(consent), "consent")) != 0 ||
	    (r = client_login(c)) != 0)
		return (r);
	req = client_request(c, "story.share");
	json_object_set_new(req, "post", json_integer(id));
	json_object_set_new(req, "consent", json_string(consent));
	if (client_opt(a, "named") != NULL)
		json_object_set_new(req, "named", json_true());
	if ((r = client_call(c, req, &result)) != 0)
		return (r);
	if (c->json)
		print_json(result);
	else
		printf("shared post #%lld as a story%s\n", (long long)id,
		    client_opt(a, "named") != NULL ? ", naming you" : "");
	json_decref(result);
	return (print_done());
}

static int
cmd_story_withdraw_exec(struct client *c, struct cmd_args *a)
{
	json_t	*req, *result;
	int64_t	 id;
	int	 r;

	if ((r = story_post(a, &id)) != 0 || (r = client_login(c)) != 0)
		return (r);
	req = client_request(c, "story.withdraw");
	json_object_set_new(req, "post", json_integer(id));
	if ((r = client_call(c, req, &result)) != 0)
		return (r);
	if (c->json)
		print_json(result);
	else
		printf("withdrew the story of post #%lld: it leaves every "
		    "later export\n", (long long)id);
	json_decref(result);
	return (print_done());
}

static const char *
story_str(json_t *o, const char *key)
{
	const char	*s = json_string_value(json_object_get(o, key));

	return (s != NULL ? s : "");
}

static void
stories_print(json_t *list)
{
	json_t	*y;
	size_t	 i;

	if (json_array_size(list) == 0) {
		puts("no stories");
		return;
	}
	json_array_foreach(list, i, y) {
		if (i > 0)
			putchar('\n');
		/* No number: a story of a channel you may not read. */
		if (json_object_get(y, "post") != NULL)
			printf("#%lld  ", (long long)json_integer_value(
			    json_object_get(y, "post")));
		print_safe(story_str(y, "theme"));
		printf("  shared %s", story_str(y, "shared_at"));
		if (json_object_get(y, "withdrawn_at") != NULL)
			printf("  [withdrawn %s]", story_str(y,
			    "withdrawn_at"));
		else if (json_is_false(json_object_get(y, "live")))
			fputs("  [not shown: its post is gone]", stdout);
		if (json_object_get(y, "author") != NULL) {
			fputs("  by ", stdout);
			print_safe(story_str(y, "author"));
			fputs(" (", stdout);
			print_safe(story_str(y, "org"));
			putchar(')');
		}
		fputs("\n  consent: ", stdout);
		print_safe(story_str(y, "consent"));
		putchar('\n');
		if (json_object_get(y, "body") != NULL)
			print_indented("  ", story_str(y, "body"));
	}
}

static int
cmd_stories_exec(struct client *c, struct cmd_args *a)
{
	json_t	*list, *result;
	int	 r;

	if ((r = client_login(c)) != 0 || (r = stories_fetch(c, "stories",
	    client_opt(a, "mine") != NULL, &list)) != 0)
		return (r);
	if (c->json) {
		result = json_pack("{s:o}", "stories", list);
		print_json(result);
		json_decref(result);
	} else {
		stories_print(list);
		json_decref(list);
	}
	return (print_done());
}

/* ---- stories export ------------------------------------------------ */

/* text, each line quoted ("> "); an empty line stays "> ". */
static void
md_quote(FILE *fp, const char *text)
{
	const char	*nl;

	do {
		nl = strchr(text, '\n');
		fputs("> ", fp);
		fwrite(text, 1, nl != NULL ? (size_t)(nl - text) :
		    strlen(text), fp);
		fputc('\n', fp);
		text = nl + 1;
	} while (nl != NULL);
}

static void
stories_md(FILE *fp, json_t *list)
{
	json_t	*y;
	size_t	 i;

	fputs("# Stories\n", fp);
	json_array_foreach(list, i, y) {
		fprintf(fp, "\n## %lld. %s\n\n", (long long)json_integer_value(
		    json_object_get(y, "n")), story_str(y, "theme"));
		if (json_object_get(y, "title") != NULL)
			fprintf(fp, "**%s**\n\n", story_str(y, "title"));
		md_quote(fp, story_str(y, "body"));
		fputc('\n', fp);
		if (json_object_get(y, "author") != NULL)
			fprintf(fp, "By %s (%s). ", story_str(y, "author"),
			    story_str(y, "org"));
		fprintf(fp, "Consent, given %s: \"%s\"\n", story_str(y,
		    "shared_at"), story_str(y, "consent"));
	}
}

static int
cmd_stories_export_exec(struct client *c, struct cmd_args *a)
{
	const char	*format = client_opt(a, "format");
	const char	*out = client_opt(a, "output");
	json_t		*result, *list;
	FILE		*fp;
	char		 what[64];
	int		 r, json;

	if (format != NULL && strcmp(format, "md") != 0 &&
	    strcmp(format, "json") != 0)
		return (client_usage(a->entry, "--format is md or json, not %s",
		    format));
	json = format != NULL && strcmp(format, "json") == 0;
	if ((r = client_out_check(a)) != 0 || (r = client_login(c)) != 0 ||
	    (r = stories_fetch(c, "stories.export", 0, &list)) != 0)
		return (r);
	result = json_pack("{s:o}", "stories", list);
	if ((fp = client_out_open(out)) == NULL) {
		json_decref(result);
		return (CLIENT_EXIT_FAIL);
	}
	if (json) {
		json_dumpf(result, fp, JSON_INDENT(2));
		fputc('\n', fp);
	} else
		stories_md(fp, list);
	snprintf(what, sizeof what, "%zu %s", json_array_size(list),
	    json_array_size(list) == 1 ? "story" : "stories");
	json_decref(result);
	return (client_out_close(fp, out, what));
}

/* ---- me export --------------------------------------------------------- */

/* The whole document: the first reply, and the pages of posts after it
 * appended to its "posts". */
static int
me_export_fetch(struct client *c, json_t **doc)
{
	json_t	*req, *page, *posts, *last;
	int	 r;

	req = client_request(c, "me.export");
	if ((r = client_call(c, req, doc)) != 0)
		return (r);
	posts = json_object_get(*doc, "posts");
	while (json_is_true(json_object_get(*doc, "more")) &&
	    (last = json_array_get(posts, json_array_size(posts) - 1)) !=
	    NULL) {
		req = client_request(c, "me.export");
		json_object_set_new(req, "before", json_integer(
		    json_integer_value(json_object_get(last, "post"))));
		if ((r = client_call(c, req, &page)) != 0) {
			json_decref(*doc);
			return (r);
		}
		json_array_extend(posts, json_object_get(page, "posts"));
		json_object_set(*doc, "more", json_object_get(page, "more"));
		json_decref(page);
	}
	json_object_del(*doc, "more");
	return (CLIENT_EXIT_OK);
}

static int
cmd_me_export_exec(struct client *c, struct cmd_args *a)
{
	const char	*out = client_opt(a, "output");
	json_t		*doc;
	FILE		*fp;
	char		 what[64];
	int		 r;

	if ((r = client_out_check(a)) != 0 || (r = client_login(c)) != 0 ||
	    (r = me_export_fetch(c, &doc)) != 0)
		return (r);
	if ((fp = client_out_open(out)) == NULL) {
		json_decref(doc);
		return (CLIENT_EXIT_FAIL);
	}
	json_dumpf(doc, fp, JSON_INDENT(2));
	fputc('\n', fp);
	snprintf(what, sizeof what, "your data (%zu posts)",
	    json_array_size(json_object_get(doc, "posts")));
	json_decref(doc);
	return (client_out_close(fp, out, what));
}
