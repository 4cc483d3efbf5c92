/*
 * args.c: the checks of option values that several commands share:
 * tags (resource post, resources, event create, events), texts with a
 * limit, and time zones (quiet set, org hours, event create).
 *
 * Each checks by the server's rules and, when a value fails, says why
 * once on stderr, with the code the server would have answered (or a
 * usage error, for what is the shape of an option rather than its
 * meaning), and returns the exit status; callers only pass it up.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"

/* A tag as the server keeps it: lowercase; 0, or 1 having said why. */
int
args_tag(char *tag)
{
	char	*p;

	for (p = tag; *p != '\0'; p++) {
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	}
	if (proto_check_tag(tag) == PROTO_OK)
		return (CLIENT_EXIT_OK);
	return (client_error(CLIENT_EXIT_FAIL, "tag \"%s\": a tag is 1 to %d "
	    "of a-z, 0-9 and - (%s)", tag, PROTO_MAX_TAG,
	    proto_err_code(PROTO_E_BAD_NAME)));
}

/* "a,b,c" into an array of checked tags, at most PROTO_MAX_TAGS; what
 * names the thing that has them ("a resource") in the refusal. */
int
args_tags(const char *list, const char *what, json_t **out)
{
	char	*copy, *p, *comma;
	int	 r = CLIENT_EXIT_OK;

	*out = json_array();
	copy = p = xstrdup(list);
	for (;;) {
		if ((comma = strchr(p, ',')) != NULL)
			*comma = '\0';
		if ((r = args_tag(p)) != 0)
			break;
		json_array_append_new(*out, json_string(p));
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	free(copy);
	if (r == 0 && json_array_size(*out) > PROTO_MAX_TAGS)
		r = client_error(CLIENT_EXIT_FAIL, "%s has at most %d tags, "
		    "not %zu (%s)", what, PROTO_MAX_TAGS, json_array_size(*out),
		    proto_err_code(PROTO_E_BAD_REQUEST));
	if (r != 0) {
		json_decref(*out);
		*out = NULL;
	}
	return (r);
}

/* A text option's check (err), its limit said in words. */
int
args_text(const char *what, enum proto_err err, int max)
{
	if (err == PROTO_OK)
		return (CLIENT_EXIT_OK);
	if (err == PROTO_E_TOO_LARGE)
		return (client_error(CLIENT_EXIT_FAIL, "the %s is longer than "
		    "%d bytes (%s)", what, max, proto_err_code(err)));
	return (client_error(CLIENT_EXIT_FAIL, "the %s is empty, or has "
	    "characters it cannot have (%s)", what, proto_err_code(err)));
}

/*
 * This computer's zone, when it has a tz database name: $TZ ("Europe/
 * London", ":Europe/London" or a path into zoneinfo), else the link
 * /etc/localtime. 0, or -1 when there is none to be had.
 */
int
args_local_tz(char *buf, size_t len)
{
	const char	*tz = getenv("TZ"), *z;
	char		 link[PATH_MAX];
	ssize_t		 n;

	if (tz != NULL && *tz == ':')
		tz++;
	if (tz == NULL || *tz == '\0') {
		if ((n = readlink("/etc/localtime", link, sizeof link - 1)) <=
		    0)
			return (-1);
		link[n] = '\0';
		tz = link;
	}
	if ((z = strstr(tz, "zoneinfo/")) != NULL)
		tz = z + strlen("zoneinfo/");
	if (*tz == '\0' || *tz == '/' || strlen(tz) >= len)
		return (-1);
	snprintf(buf, len, "%s", tz);
	return (0);
}

/* --tz, or this computer's zone. */
int
args_tz(const struct cmd_args *a, char *buf, size_t len)
{
	const char	*tz = client_opt(a, "tz");

	if (tz != NULL) {
		if (*tz == '\0' || strlen(tz) >= len)
			return (client_usage(a->entry, "--tz takes a zone's "
			    "name, such as Europe/London"));
		snprintf(buf, len, "%s", tz);
		return (CLIENT_EXIT_OK);
	}
	if (args_local_tz(buf, len) == -1)
		return (client_usage(a->entry, "this computer's time zone has "
		    "no name to give: say which with --tz, such as "
		    "--tz Europe/London"));
	return (CLIENT_EXIT_OK);
}
