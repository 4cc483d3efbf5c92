/*
 * print.c: what the client writes on stdout.
 *
 * Two forms. Human text: a post is a header line
 *	#42 peer/vicarious-trauma [thread 40] ana (refugee-action) 2026-...Z
 * then, for the first post of a thread, its title as "  « Title »", then
 * the body, every line indented by two spaces, with a blank line between
 * posts so that a tired reader can tell where one ends. --json: every
 * event or result as one compact JSON object per line, for scripts.
 *
 * Text from the network is shown on someone's terminal, so control
 * characters (C0 but newline and tab, DEL, C1) are replaced before they
 * are printed: the server refuses them already, and the client does not
 * rely on that.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "client.h"
#include "print.h"

/* The stand-in for a character that must not reach the terminal. */
#define PRINT_REPLACEMENT	'?'

static int	print_posts;	/* posts printed so far: for the spacing */

void
print_json(json_t *obj)
{
	json_dumpf(obj, stdout, JSON_COMPACT);
	putchar('\n');
}

/* One byte at a time; C1 controls are U+0080..U+009F, 0xC2 0x80..0x9F. */
static void
print_safe_n(const char *s, size_t len, int newlines)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i;

	for (i = 0; i < len; i++) {
		if (p[i] == '\t' || (p[i] == '\n' && newlines))
			putchar(p[i]);
		else if (p[i] < 0x20 || p[i] == 0x7f)
			putchar(PRINT_REPLACEMENT);
		else if (p[i] == 0xc2 && i + 1 < len && p[i + 1] >= 0x80 &&
		    p[i + 1] <= 0x9f) {
			putchar(PRINT_REPLACEMENT);
			i++;
		} else
			putchar(p[i]);
	}
}

void
print_safe(const char *s)
{
	if (s != NULL)
		print_safe_n(s, strlen(s), 0);
}

/* Every line of text, each after indent. */
void
print_indented(const char *indent, const char *s)
{
	const char	*nl;

	for (;;) {
		nl = strchr(s, '\n');
		fputs(indent, stdout);
		print_safe_n(s, nl != NULL ? (size_t)(nl - s) : strlen(s), 0);
		putchar('\n');
		if (nl == NULL)
			break;
		s = nl + 1;
	}
}

/* Event times are strings already; accept seconds too, to be lenient. */
void
print_ts(json_t *v, char *buf)
{
	const char	*s;

	if ((s = json_string_value(v)) != NULL && strlen(s) < PROTO_TS_LEN)
		snprintf(buf, PROTO_TS_LEN, "%s", s);
	else if (json_is_integer(v))
		proto_ts_format(json_integer_value(v), buf);
	else
		snprintf(buf, PROTO_TS_LEN, "?");
}

void
print_post(json_t *ev)
{
	struct proto_post	p;
	char			ts[PROTO_TS_LEN];

	if (proto_parse_post(ev, &p) != 0)
		return;
	proto_ts_format(p.ts, ts);
	if (print_posts++ > 0)
		putchar('\n');
	printf("#%lld ", (long long)p.post);
	print_safe(p.channel);
	printf(" [thread %lld] ", (long long)p.thread);
	if (p.author != NULL) {
		print_safe(p.author);
		fputs(" (", stdout);
		print_safe(p.org);
		printf(") %s", ts);
	} else
		printf("anonymous %s", ts);
	if (p.state != NULL) {
		fputs(" [", stdout);
		print_safe(p.state);
		fputs("]", stdout);
	}
	if (p.edited > 0)
		fputs(" (edited)", stdout);
	putchar('\n');
	if (p.note != NULL) {
		fputs("  content note: ", stdout);
		print_safe(p.note);
		putchar('\n');
	}
	if (p.title != NULL) {
		fputs("  \xc2\xab ", stdout);		/* « */
		print_safe(p.title);
		fputs(" \xc2\xbb\n", stdout);		/* » */
	}
	if (p.body != NULL)
		print_indented("  ", p.body);
}

int
print_is_post(json_t *ev)
{
	const char	*name;

	name = json_string_value(json_object_get(ev, "ev"));
	return (name != NULL && strcmp(name, "post") == 0);
}

/* In JSON every event goes out; as text only posts mean anything yet. */
void
print_event(struct client *c, json_t *ev)
{
	if (c->json)
		print_json(ev);
	else if (print_is_post(ev))
		print_post(ev);
}

/* 0, or the exit status after saying why stdout failed. */
int
print_done(void)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return (CLIENT_EXIT_OK);
	if (errno == EPIPE)	/* the reader went away: nothing to say */
		return (CLIENT_EXIT_FAIL);
	return (client_error(CLIENT_EXIT_FAIL, "cannot write the output: %s",
	    strerror(errno)));
}
