/*
 * print-item.c: resources and inbox items as text.
 *
 * A resource in a list is two lines, its id and title with its tags,
 * then who shared it and what it is:
 *	#12 Wellbeing policy template [policy, templates]
 *	  shared by fay (wellbeing) 2026-...Z: a file, 84.2 KiB PDF
 * `resource show` gives every field a line of its own, the SHA-256
 * among them, so that someone can check a copy they were sent.
 *
 * An inbox item is one line: its id (what `inbox read` takes), when,
 * what kind, and enough to decide whether to look now:
 *	#5 2026-...Z resource #12 « Wellbeing policy template » [policy]
 *	    from wellbeing
 *	#6 2026-...Z mention in peer/commons by ana: could you share...
 *	#7 2026-...Z event #12 « Reflective practice » Tue 4 Mar 2025 14:00
 *	    GMT: a place came free: you are in
 * A mention of a post behind a content note shows the note, never the
 * text: someone chooses what they read (print.c folds such posts too).
 *
 * Sizes are in binary units with one decimal ("1.2 MiB"): a person
 * wants to know whether a file is a page or a book, and the exact
 * number of bytes is in --json and `resource show`.
 */
#include <stdio.h>
#include <string.h>

#include "client.h"
#include "print.h"

#define PRINT_KIB	1024.0

/* The types the server accepts that have a name people know, and the
 * extension a file of that type goes by. */
static const struct {
	const char	*type;
	const char	*ext;
} print_types[] = {
	{ "application/pdf", "pdf" },
	{ "image/png", "png" },
	{ "image/jpeg", "jpg" },
	{ "image/gif", "gif" },
	{ "image/webp", "webp" },
	{ "text/plain", "txt" },
	{ "text/csv", "csv" },
	{ "application/vnd.oasis.opendocument.text", "odt" },
	{ "application/vnd.oasis.opendocument.spreadsheet", "ods" },
	{ "application/vnd.oasis.opendocument.presentation", "odp" },
	{ "application/vnd.openxmlformats-officedocument."
	    "wordprocessingml.document", "docx" },
	{ "application/vnd.openxmlformats-officedocument."
	    "spreadsheetml.sheet", "xlsx" },
	{ "application/vnd.openxmlformats-officedocument."
	    "presentationml.presentation", "pptx" },
	{ "application/msword", "doc" },
	{ "application/vnd.ms-excel", "xls" },
	{ "application/vnd.ms-powerpoint", "ppt" },
};

const char *
print_type_ext(const char *type)
{
	size_t	i;

	if (type == NULL)
		return (NULL);
	for (i = 0; i < sizeof print_types / sizeof print_types[0]; i++) {
		if (strcmp(print_types[i].type, type) == 0)
			return (print_types[i].ext);
	}
	return (NULL);
}

void
print_size(int64_t bytes, char *buf, size_t len)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
	double	v = (double)bytes;
	size_t	u = 0;

	if (bytes < 1024) {
		snprintf(buf, len, "%lld %s", (long long)bytes, bytes == 1 ?
		    "byte" : "bytes");
		return;
	}
	v /= PRINT_KIB;
	while (v >= PRINT_KIB && u + 1 < sizeof units / sizeof units[0]) {
		v /= PRINT_KIB;
		u++;
	}
	snprintf(buf, len, "%.1f %s", v, units[u]);
}

static const char *
print_str(json_t *o, const char *key)
{
	return (json_string_value(json_object_get(o, key)));
}

/* "a, b" */
static void
print_tag_list(json_t *tags)
{
	json_t	*t;
	size_t	 i;

	json_array_foreach(tags, i, t) {
		if (i > 0)
			fputs(", ", stdout);
		print_safe(json_string_value(t));
	}
}

/* "[a, b]" */
static void
print_tags(json_t *tags)
{
	putchar('[');
	print_tag_list(tags);
	putchar(']');
}

/* "a file, 84.2 KiB PDF" or "a link, https://..." */
static void
print_what(json_t *r)
{
	const char	*ext, *type = print_str(r, "type");
	char		 size[32], up[8];
	size_t		 i;

	if (print_str(r, "sha256") == NULL) {
		fputs("a link, ", stdout);
		print_safe(print_str(r, "url"));
		return;
	}
	print_size(json_integer_value(json_object_get(r, "size")), size,
	    sizeof size);
	printf("a file, %s ", size);
	if ((ext = print_type_ext(type)) != NULL) {
		for (i = 0; ext[i] != '\0' && i < sizeof up - 1; i++)
			up[i] = (char)(ext[i] - 'a' + 'A');
		up[i] = '\0';
		fputs(up, stdout);
	} else
		print_safe(type != NULL && *type != '\0' ? type :
		    "of an unknown type");
}

void
print_resource_line(json_t *r)
{
	char	ts[PROTO_TS_LEN];

	print_ts(json_object_get(r, "ts"), ts);
	printf("#%lld ", (long long)json_integer_value(json_object_get(r,
	    "id")));
	print_safe(print_str(r, "title"));
	putchar(' ');
	print_tags(json_object_get(r, "tags"));
	fputs("\n  shared by ", stdout);
	print_safe(print_str(r, "by"));
	fputs(" (", stdout);
	print_safe(print_str(r, "org"));
	printf(") %s: ", ts);
	print_what(r);
	putchar('\n');
}

static void
print_field(const char *name, const char *value)
{
	printf("%-10s ", name);
	print_safe(value);
	putchar('\n');
}

void
print_resource(json_t *r)
{
	const char	*s;
	char		 ts[PROTO_TS_LEN], size[32];
	int64_t		 bytes;

	print_ts(json_object_get(r, "ts"), ts);
	printf("resource #%lld: ", (long long)json_integer_value(
	    json_object_get(r, "id")));
	print_safe(print_str(r, "title"));
	printf("\n%-10s ", "tags:");
	print_tag_list(json_object_get(r, "tags"));
	putchar('\n');
	if ((s = print_str(r, "summary")) != NULL) {
		puts("summary:");
		print_indented("  ", s);
	}
	printf("%-10s ", "shared by:");
	print_safe(print_str(r, "by"));
	fputs(" (", stdout);
	print_safe(print_str(r, "org"));
	printf("), %s\n", ts);
	if (print_str(r, "sha256") == NULL) {
		print_field("link:", print_str(r, "url"));
		return;
	}
	bytes = json_integer_value(json_object_get(r, "size"));
	print_size(bytes, size, sizeof size);
	printf("%-10s %s (%lld bytes)\n", "size:", size, (long long)bytes);
	print_field("type:", print_str(r, "type"));
	print_field("sha256:", print_str(r, "sha256"));
}

#define PRINT_ITEM_TEXT	120	/* bytes of a mention's text on its line */

/* The first line of a text, at most PRINT_ITEM_TEXT bytes of it cut
 * between characters, "..." where more was left out; made safe. */
static void
print_first_line(const char *s)
{
	size_t	n;
	int	cut;

	if (s == NULL)
		return;
	n = strcspn(s, "\n");
	cut = s[n] != '\0';
	if (n > PRINT_ITEM_TEXT) {
		for (n = PRINT_ITEM_TEXT; n > 0 &&
		    ((unsigned char)s[n] & 0xc0) == 0x80; n--)
			;
		cut = 1;
	}
	print_safe_len(s, n);
	if (cut)
		fputs(" ...", stdout);
}

/* "mention in peer/commons by ana: could you share the template?", or
 * for a conversation's message "message in dm/ana+ben by ana: ...". */
static void
print_mention(json_t *p, const char *what)
{
	const char	*author = print_str(p, "author");
	const char	*note = print_str(p, "note");

	printf("%s in ", what);
	print_safe(print_str(p, "channel"));
	fputs(" by ", stdout);
	print_safe(author != NULL && !json_is_true(json_object_get(p,
	    "anon")) ? author : "anonymous");
	if (note != NULL) {
		fputs(" [note: ", stdout);
		print_safe(note);
		printf("] (post #%lld)", (long long)json_integer_value(
		    json_object_get(p, "post")));
		return;
	}
	fputs(": ", stdout);
	print_first_line(print_str(p, "body"));
}

/* "#5 TS [read] resource #12 « Title » [tags] from ORG" */
void
print_item(json_t *it)
{
	const char	*kind = print_str(it, "kind");
	json_t		*r;
	char		 ts[PROTO_TS_LEN];

	print_ts(json_object_get(it, "ts"), ts);
	printf("#%lld %s%s ", (long long)json_integer_value(json_object_get(it,
	    "id")), ts, json_is_true(json_object_get(it, "read")) ?
	    " [read]" : "");
	if (kind != NULL && strcmp(kind, "mention") == 0 &&
	    json_is_object(json_object_get(it, "post")))
		print_mention(json_object_get(it, "post"), "mention");
	else if (kind != NULL && strcmp(kind, "message") == 0 &&
	    json_is_object(json_object_get(it, "post")))
		print_mention(json_object_get(it, "post"), "message");
	else if (kind != NULL && strcmp(kind, "resource") == 0 &&
	    json_is_object(r = json_object_get(it, "resource"))) {
		printf("resource #%lld \xc2\xab ", (long long)
		    json_integer_value(json_object_get(r, "id")));
		print_safe(print_str(r, "title"));
		fputs(" \xc2\xbb ", stdout);
		print_tags(json_object_get(r, "tags"));
		fputs(" from ", stdout);
		print_safe(print_str(r, "org"));
	} else if (kind != NULL && (strcmp(kind, "event") == 0 ||
	    strcmp(kind, "reminder") == 0) &&
	    json_is_object(json_object_get(it, "event")))
		print_event_item(kind, it);
	else if (kind != NULL && strcmp(kind, "notice") == 0 &&
	    json_is_object(r = json_object_get(it, "report")))
		printf("notice: your report #%lld was resolved",
		    (long long)json_integer_value(json_object_get(r,
		    "report")));
	else
		/* A kind of a later server: say what little we know. */
		print_safe(kind != NULL ? kind : "item");
	putchar('\n');
}
