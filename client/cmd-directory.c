/*
 * cmd-directory.c: harbour org profile and harbour directory: what an
 * organisation tells the network about itself, and finding who does
 * what, where, in which languages.
 *
 *	$ harbour directory --language uk
 *	refugee-action
 *	  Advice and casework for people seeking asylum
 *	  languages: Ukrainian (uk), Chinese (zh)
 *	  areas:     Camden, Hackney
 *	  services:  legal advice, ESOL
 *	  contact:   hello@example.org
 *
 * Lists are given as "a,b,c" on the command line and travel as JSON
 * arrays; the server checks language codes against ISO 639.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "print.h"

static int	cmd_org_profile_exec(struct client *, struct cmd_args *);
static int	cmd_directory_exec(struct client *, struct cmd_args *);

const struct cmd_entry cmd_org_profile_entry = {
	.name = "org profile",
	.usage = "ORG [--about TEXT] [--languages uk,zh,ar] "
	    "[--areas \"Camden,Hackney\"] [--services \"legal advice,ESOL\"] "
	    "[--contact TEXT]",
	.summary = "Describe an organisation in the directory (its org-admins).",
	.help =
"What ORG does, in which languages (ISO 639 codes: uk, zh, ar, prs...),\n"
"in which areas, which services, and how to reach it: shown to every\n"
"member by `harbour directory`, never with its members or channels.\n"
"Lists are separated by commas. An option not given leaves that part\n"
"as it is; an empty one (--contact \"\") clears it. ORG's org-admins\n"
"and admins may do this.\n",
	.opts = { { "about", "TEXT" }, { "languages", "LIST" },
	    { "areas", "LIST" }, { "services", "LIST" },
	    { "contact", "TEXT" }, { NULL, NULL } },
	.args_min = 1, .args_max = 1,
	.exec = cmd_org_profile_exec,
};

const struct cmd_entry cmd_directory_entry = {
	.name = "directory",
	.usage = "[--language CODE] [--area TEXT] [--service TEXT]",
	.summary = "Which organisations do what, where, in which languages.",
	.help =
"Every organisation of the network, with its profile: with --language,\n"
"those working in that language (an ISO 639 code, two or three\n"
"letters); with --area or --service, those whose areas or services\n"
"hold that text (in any script; a-z in either case).\n",
	.opts = { { "language", "CODE" }, { "area", "TEXT" },
	    { "service", "TEXT" }, { NULL, NULL } },
	.args_min = 0, .args_max = 0,
	.exec = cmd_directory_exec,
};

/* "a, b,c" as ["a", "b", "c"]; "" as []. */
static json_t *
directory_list(const char *s)
{
	json_t *a = json_array();
	const char *comma, *end;

	while (*s != '\0') {
		while (*s == ' ')
			s++;
		comma = strchr(s, ',');
		end = comma != NULL ? comma : s + strlen(s);
		while (end > s && end[-1] == ' ')
			end--;
		if (end > s)
			json_array_append_new(a, json_stringn(s,
			    (size_t)(end - s)));
		if (comma == NULL)
			break;
		s = comma + 1;
	}
	return a;
}

static void
directory_line(const char *label, json_t *list, int languages)
{
	json_t *e;
	size_t i;

	if (json_array_size(list) == 0)
		return;
	printf("  %-10s ", label);
	json_array_foreach(list, i, e) {
		if (i > 0)
			fputs(", ", stdout);
		if (languages) {
			print_safe(json_string_value(json_object_get(e,
			    "name")));
			fputs(" (", stdout);
			print_safe(json_string_value(json_object_get(e,
			    "code")));
			putchar(')');
		} else
			print_safe(json_string_value(e));
	}
	putchar('\n');
}

static void
directory_print(json_t *o)
{
	const char *s;

	print_safe(json_string_value(json_object_get(o, "org")));
	putchar('\n');
	if ((s = json_string_value(json_object_get(o, "about"))) != NULL)
		print_indented("  ", s);
	directory_line("languages:", json_object_get(o, "languages"), 1);
	directory_line("areas:", json_object_get(o, "areas"), 0);
	directory_line("services:", json_object_get(o, "services"), 0);
	if ((s = json_string_value(json_object_get(o, "contact"))) != NULL) {
		printf("  %-10s ", "contact:");
		print_safe(s);
		putchar('\n');
	}
}

static int
cmd_org_profile_exec(struct client *c, struct cmd_args *a)
{
	static const char *const texts[] = { "about", "contact" };
	static const char *const lists[] = { "languages", "areas",
	    "services" };
	json_t *req, *result;
	const char *v;
	size_t i;
	int r;

	req = client_request(c, "org.profile");
	json_object_set_new(req, "org", json_string(a->argv[0]));
	for (i = 0; i < sizeof texts / sizeof texts[0]; i++)
		if ((v = client_opt(a, texts[i])) != NULL)
			json_object_set_new(req, texts[i], json_string(v));
	for (i = 0; i < sizeof lists / sizeof lists[0]; i++)
		if ((v = client_opt(a, lists[i])) != NULL)
			json_object_set_new(req, lists[i], directory_list(v));
	if (json_object_size(req) <= 3) {
		json_decref(req);
		return (client_usage(a->entry, "say what to set: --about, "
		    "--languages, --areas, --services or --contact"));
	}
	if ((r = client_login(c)) != 0) {
		json_decref(req);
		return (r);
	}
	if ((r = client_call(c, req, &result)) != 0)
		return (r);
	if (c->json)
		print_json(result);
	else
		directory_print(result);
	json_decref(result);
	return (print_done());
}

static int
cmd_directory_exec(struct client *c, struct cmd_args *a)
{
	static const char *const keys[] = { "language", "area", "service" };
	json_t *req, *result, *list, *o;
	const char *v;
	size_t i;
	int r;

	req = client_request(c, "directory");
	for (i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if ((v = client_opt(a, keys[i])) != NULL)
			json_object_set_new(req, keys[i], json_string(v));
	if ((r = client_login(c)) != 0) {
		json_decref(req);
		return (r);
	}
	if ((r = client_call(c, req, &result)) != 0)
		return (r);
	list = json_object_get(result, "organisations");
	if (c->json)
		print_json(result);
	else if (json_array_size(list) == 0)
		puts("no organisation matches");
	else
		json_array_foreach(list, i, o)
			directory_print(o);
	json_decref(result);
	return (print_done());
}
