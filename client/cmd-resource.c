/*
 * cmd-resource.c: shared resources: resource post, resources, resource
 * show, resource get, resource delete.
 *
 * A resource is a link or a file with a title and tags, shared with the
 * whole network; whoever follows one of its tags (cmd-tag.c) finds it
 * in their inbox. The files go through transfer.c, which resumes both
 * ways: running the same `resource post` or `resource get` again after
 * an interruption goes on where it stopped.
 *
 * `resource post` prints the new resource's id alone on stdout, as
 * `post` does, so a script can share a file and pass the id on; its
 * progress goes to stderr, on a terminal only. What the client can
 * check (title, tags, summary, link) it checks first, by the server's
 * rules; what only the server knows (the largest file it takes, which
 * types it allows) it says in its own words.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "print.h"
#include "transfer.h"

/* The server's bounds on a page of resources. */
#define RESOURCES_LIMIT_MAX	200

static int	cmd_resource_post_exec(struct client *, struct cmd_args *);
static int	cmd_resources_exec(struct client *, struct cmd_args *);
static int	cmd_resource_show_exec(struct client *, struct cmd_args *);
static int	cmd_resource_get_exec(struct client *, struct cmd_args *);
static int	cmd_resource_delete_exec(struct client *, struct cmd_args *);

const struct cmd_entry cmd_resource_post_entry = {
	.name = "resource post",
	.usage = "--title TITLE --tags TAG[,TAG...] [--summary TEXT] "
	    "(--url URL | --file PATH)",
	.summary = "Share a link or a file with the network; prints its id.",
	.help =
"Shares a resource: a link (--url, http:// or https://) or a file\n"
"(--file), with a TITLE (1 to " PROTO_XSTR(PROTO_MAX_TITLE) " bytes) and 1 to " PROTO_XSTR(PROTO_MAX_TAGS) " tags, separated\n"
"by commas (each 1 to " PROTO_XSTR(PROTO_MAX_TAG) " of a-z, 0-9 and -; capitals are made\n"
"small). --summary says what it is (up to " PROTO_XSTR(PROTO_MAX_SUMMARY) " bytes). Everyone who\n"
"follows one of the tags, or whose organisation does, finds it in\n"
"their inbox. Prints the resource's id alone.\n"
"\n"
"A file is sent in chunks, its SHA-256 checked by the server, which\n"
"takes documents, spreadsheets, presentations, PDF, plain text and\n"
"images up to the size it allows. If the transfer is cut, the same\n"
"command again goes on where it stopped. Facilitators, org-admins\n"
"and admins may share resources.\n",
	.opts = { { "title", "TITLE" }, { "tags", "TAG[,TAG...]" },
	    { "summary", "TEXT" }, { "url", "URL" }, { "file", "PATH" },
	    { NULL, NULL } },
	.args_min = 0, .args_max = 0,
	.exec = cmd_resource_post_exec,
};

const struct cmd_entry cmd_resources_entry = {
	.name = "resources",
	.usage = "[--tag TAG] [--org ORG] [--limit N] [--before ID]",
	.summary = "List the shared resources, newest first.",
	.help =
"Each resource is two lines: its id, title and tags, then who shared\n"
"it, from which organisation and when, and whether it is a link or a\n"
"file (its size and type). --tag and --org keep to one tag or one\n"
"organisation's; --limit shows N (default 50, at most " PROTO_XSTR(RESOURCES_LIMIT_MAX) "). When\n"
"there are more, a last line \"more: --before ID\" says how to see\n"
"them. `harbour resource show ID` says everything about one.\n",
	.opts = { { "tag", "TAG" }, { "org", "ORG" }, { "limit", "N" },
	    { "before", "ID" }, { NULL, NULL } },
	.args_min = 0, .args_max = 0,
	.exec = cmd_resources_exec,
};

const struct cmd_entry cmd_resource_show_entry = {
	.name = "resource show",
	.usage = "ID",
	.summary = "Show one resource: what it is, who shared it, its file.",
	.help =
"Its title, tags and summary, who shared it and when, and its link, or\n"
"its file's size, type and SHA-256 (to check a copy against).\n",
	.opts = { { NULL, NULL } },
	.args_min = 1, .args_max = 1,
	.exec = cmd_resource_show_exec,
};

const struct cmd_entry cmd_resource_get_entry = {
	.name = "resource get",
	.usage = "ID [-o FILE]",
	.summary = "Download a resource's file, checking its SHA-256.",
	.help =
"Writes the file into FILE (-o or --output), by default resource-ID\n"
"with the extension of its type (resource-12.pdf). A FILE shorter than\n"
"the resource is taken for an interrupted download and continued; one\n"
"already complete is left as it is. At the end the whole file's\n"
"SHA-256 is checked against the resource's: a file that does not match\n"
"is renamed FILE.bad, and the command fails. A FILE longer than the\n"
"resource, or of its size but another SHA-256, is never written over.\n",
	.opts = { { "output", "FILE" }, { NULL, NULL } },
	.args_min = 1, .args_max = 1,
	.exec = cmd_resource_get_exec,
};

const struct cmd_entry cmd_resource_delete_entry = {
	.name = "resource delete",
	.usage = "ID",
	.summary = "Remove a resource (its poster, a facilitator, an admin).",
	.help =
"The resource is no longer listed, shown or fetched, and leaves the\n"
"inboxes it was in. Whoever shared it may delete it, and so may\n"
"facilitators and admins.\n",
	.opts = { { NULL, NULL } },
	.args_min = 1, .args_max = 1,
	.exec = cmd_resource_delete_exec,
};

/* ---- checks, by the server's rules ------------------------------------- */

static int
resource_id(const struct cmd_args *a, int64_t *id)
{
	if (client_parse_int(a->argv[0], 1, PROTO_ID_MAX, id) == -1)
		return (client_usage(a->entry, "give the resource's number, "
		    "like 12, not %s", a->argv[0]));
	return (CLIENT_EXIT_OK);
}

/* resource post's options into req, checked; --file is left to the
 * caller. */
static int
resource_post_fields(const struct cmd_args *a, json_t *req)
{
	const char	*title = client_opt(a, "title");
	const char	*tags = client_opt(a, "tags");
	const char	*summary = client_opt(a, "summary");
	const char	*url = client_opt(a, "url");
	json_t		*list;
	int		 r;

	if (title == NULL || tags == NULL)
		return (client_usage(a->entry, "resource post needs a --title "
		    "and --tags"));
	if ((url == NULL) == (client_opt(a, "file") == NULL))
		return (client_usage(a->entry, "a resource is a link or a "
		    "file: give --url or --file, not both"));
	if ((r = args_text("title", proto_check_title(title),
	    PROTO_MAX_TITLE)) != 0 || (summary != NULL &&
	    (r = args_text("summary", proto_check_summary(summary),
	    PROTO_MAX_SUMMARY)) != 0))
		return (r);
	if (url != NULL && proto_check_url(url) != PROTO_OK)
		return (client_error(CLIENT_EXIT_FAIL, "a link starts http:// "
		    "or https://, has no spaces and is at most %d bytes (%s)",
		    PROTO_MAX_URL, proto_err_code(PROTO_E_BAD_TEXT)));
	if ((r = args_tags(tags, "a resource", &list)) != 0)
		return (r);
	json_object_set_new(req, "title", json_string(title));
	json_object_set_new(req, "tags", list);
	if (summary != NULL)
		json_object_set_new(req, "summary", json_string(summary));
	if (url != NULL)
		json_object_set_new(req, "url", json_string(url));
	return (CLIENT_EXIT_OK);
}

/* ---- the commands ------------------------------------------------------ */

static int
cmd_resource_post_exec(struct client *c, struct cmd_args *a)
{
	const char	*file = client_opt(a, "file");
	json_t		*req, *result;
	char		 sha[PROTO_SHA256_HEX + 1], *type = NULL;
	int64_t		 n;
	int		 r;

	req = client_request(c, "resource.post");
	if ((r = resource_post_fields(a, req)) != 0 || (file != NULL &&
	    (r = transfer_upload(c, file, sha, &type)) != 0) ||
	    (file == NULL && (r = client_login(c)) != 0)) {
		json_decref(req);
		return (r);
	}
	free(type);
	if (file != NULL)
		json_object_set_new(req, "sha256", json_string(sha));
	/* After a file's chunks the account's rate may be spent. */
	if ((r = client_call_paced(c, req, &result)) != 0)
		return (r);
	if (c->json)
		print_json(result);
	else {
		printf("%lld\n", (long long)json_integer_value(
		    json_object_get(result, "resource")));
		n = json_integer_value(json_object_get(result, "notified"));
		if (isatty(STDERR_FILENO) && fflush(stdout) == 0)
			fprintf(stderr, "harbour: resource #%lld is shared; it "
			    "went to %lld %s inbox%s\n", (long long)
			    json_integer_value(json_object_get(result,
			    "resource")), (long long)n, n == 1 ? "person's" :
			    "people's", n == 1 ? "" : "es");
	}
	json_decref(result);
	return (print_done());
}

/* --tag, --org, --limit and --before into req. */
static int
resources_options(const struct cmd_args *a, json_t *req)
{
	const char	*tag = client_opt(a, "tag"), *org = client_opt(a, "org");
	const char	*v;
	char		*t;
	int64_t		 n;
	int		 r;

	if ((v = client_opt(a, "limit")) != NULL) {
		if (client_parse_int(v, 1, RESOURCES_LIMIT_MAX, &n) == -1)
			return (client_usage(a->entry, "--limit takes a number "
			    "from 1 to %d", RESOURCES_LIMIT_MAX));
		json_object_set_new(req, "limit", json_integer(n));
	}
	if ((v = client_opt(a, "before")) != NULL) {
		if (client_parse_int(v, 1, PROTO_ID_MAX, &n) == -1)
			return (client_usage(a->entry, "--before takes a "
			    "resource's number"));
		json_object_set_new(req, "before", json_integer(n));
	}
	if (org != NULL && proto_check_org(org) != PROTO_OK)
		return (client_error(CLIENT_EXIT_FAIL, "\"%s\" is not an "
		    "organisation name (%s)", org,
		    proto_err_code(PROTO_E_BAD_NAME)));
	if (org != NULL)
		json_object_set_new(req, "org", json_string(org));
	if (tag != NULL) {
		t = xstrdup(tag);
		if ((r = args_tag(t)) == 0)
			json_object_set_new(req, "tag", json_string(t));
		free(t);
		if (r != 0)
			return (r);
	}
	return (CLIENT_EXIT_OK);
}

static int
cmd_resources_exec(struct client *c, struct cmd_args *a)
{
	json_t	*req, *result, *list, *res;
	size_t	 i;
	int	 r;

	req = client_request(c, "resource.list");
	if ((r = resources_options(a, req)) != 0 ||
	    (r = client_login(c)) != 0) {
		json_decref(req);
		return (r);
	}
	if ((r = client_call(c, req, &result)) != 0)
		return (r);
	list = json_object_get(result, "resources");
	if (c->json)
		print_json(result);
	else if (json_array_size(list) == 0)
		puts(client_opt(a, "before") != NULL ? "no more resources" :
		    "no resources");
	else {
		json_array_foreach(list, i, res)
			print_resource_line(res);
		if (json_is_true(json_object_get(result, "more")))
			printf("more: --before %lld\n", (long long)
			    json_integer_value(json_object_get(json_array_get(
			    list, json_array_size(list) - 1), "id")));
	}
	json_decref(result);
	return (print_done());
}

/* resource.show: 0 and the resource object (a new reference). */
static int
resource_fetch(struct client *c, int64_t id, json_t **res)
{
	json_t	*req, *result;
	int	 r;

	*res = NULL;
	req = client_request(c, "resource.show");
	json_object_set_new(req, "resource", json_integer(id));
	if ((r = client_call(c, req, &result)) != 0)
		return (r);
	*res = json_incref(json_object_get(result, "resource"));
	json_decref(result);
	if (!json_is_object(*res))
		return (client_error(CLIENT_EXIT_CONNECT, "the server at %s "
		    "sent a reply this client cannot read", c->server));
	return (CLIENT_EXIT_OK);
}

static int
cmd_resource_show_exec(struct client *c, struct cmd_args *a)
{
	json_t	*res, *wrap;
	int64_t	 id;
	int	 r;

	if ((r = resource_id(a, &id)) != 0 || (r = client_login(c)) != 0 ||
	    (r = resource_fetch(c, id, &res)) != 0)
		return (r);
	if (c->json) {
		wrap = json_pack("{s:O}", "resource", res);
		print_json(wrap);
		json_decref(wrap);
	} else
		print_resource(res);
	json_decref(res);
	return (print_done());
}

static int
cmd_resource_get_exec(struct client *c, struct cmd_args *a)
{
	const char	*out = client_opt(a, "output"), *ext;
	json_t		*res;
	int64_t		 id;
	char		*name = NULL;
	int		 r;

	if ((r = resource_id(a, &id)) != 0)
		return (r);
	if (out != NULL && *out == '\0')
		return (client_usage(a->entry, "-o takes a file name"));
	if ((r = client_login(c)) != 0 || (r = resource_fetch(c, id,
	    &res)) != 0)
		return (r);
	/* The server keeps no file name, only a title and a type: the
	 * default is made of the id and the type, nothing a sender chose,
	 * so that no name can point outside the current directory. */
	if (out == NULL) {
		ext = print_type_ext(json_string_value(json_object_get(res,
		    "type")));
		xasprintf(&name, "resource-%lld%s%s", (long long)id,
		    ext != NULL ? "." : "", ext != NULL ? ext : "");
		out = name;
	}
	r = transfer_download(c, res, out);
	json_decref(res);
	free(name);
	return (r);
}

static int
cmd_resource_delete_exec(struct client *c, struct cmd_args *a)
{
	json_t	*req, *result;
	int64_t	 id;
	int	 r;

	if ((r = resource_id(a, &id)) != 0 || (r = client_login(c)) != 0)
		return (r);
	req = client_request(c, "resource.delete");
	json_object_set_new(req, "resource", json_integer(id));
	if ((r = client_call(c, req, &result)) != 0)
		return (r);
	if (c->json)
		print_json(result);
	else
		printf("deleted resource #%lld\n", (long long)id);
	json_decref(result);
	return (print_done());
}
