/*
 * print.c: what the client writes on stdout.
 *
 * Two forms. Human text: a post is a header line
 *	#42 peer/vicarious-trauma [thread 40] ana (refugee-action) 5 min ago
 * (broken in two, the author and time under it, when it would pass 80
 * columns), then, for the first post of a thread, its title as "  « Title »", then
 * the body, every line indented by two spaces, with a blank line between
 * posts so that a tired reader can tell where one ends. --json: every
 * event or result as one compact JSON object per line, for scripts.
 *
 * What a post's state means is said in words on the header line
 * ("[held: waiting for a moderator]", "[hidden by a moderator]",
 * "[deleted]", "[rejected: REASON]", "(edited)", "anonymous" for the
 * author), and a content note is shown as "[note: ...]" with the body
 * folded until the reader asks (print_set_noted): someone who has had
 * a hard day chooses what they read. An urgent report (an alert event)
 * rings the bell and stands out from the posts around it. What arrives
 * in the inbox (an inbox or digest event) is a line an item, as
 * print-item.c writes them.
 *
 * Times are the reader's (TZ): "just now", "12 min ago" within the
 * hour, "14:05" today, "Tue 4 Mar 14:05" this year, "4 Mar 2024 14:05"
 * before; --json keeps the server's ISO 8601 UTC. On a terminal, and
 * unless NO_COLOR is set, a header is coloured: one's own posts, and
 * posts that name the reader; the words say the same without colour
 * ("you", "mentions you"), so nothing is in colour alone, and a screen
 * reader reads the same lines.
 *
 * Text from the network is shown on someone's terminal, so control
 * characters (C0 but newline and tab, DEL, C1) are replaced before they
 * are printed: the server refuses them already, and the client does not
 * rely on that.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "client.h"
#include "print.h"

/* The stand-in for a character that must not reach the terminal. */
#define PRINT_REPLACEMENT	'?'

static int	print_posts;	/* posts printed so far: for the spacing */
/* Who is reading (print_event sets it), for "you" and mentions. */
static const char *print_me;
/* A header no wider than this stays on one line. */
#define PRINT_COLUMNS		80
#define PRINT_BOLD_OWN		"\033[1;32m"	/* one's own posts */
#define PRINT_BOLD_MENTION	"\033[1;33m"	/* posts naming the reader */
#define PRINT_RESET		"\033[0m"

void
print_json(json_t *obj)
{
	json_dumpf(obj, stdout, JSON_COMPACT);
	putchar('\n');
}

/* One byte at a time; C1 controls are U+0080..U+009F, 0xC2 0x80..0x9F. */
static void
print_safe_fp(FILE *fp, const char *s, size_t len, int newlines)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i;

	for (i = 0; i < len; i++) {
		if (p[i] == '\t' || (p[i] == '\n' && newlines))
			putc(p[i], fp);
		else if (p[i] < 0x20 || p[i] == 0x7f)
			putc(PRINT_REPLACEMENT, fp);
		else if (p[i] == 0xc2 && i + 1 < len && p[i + 1] >= 0x80 &&
		    p[i + 1] <= 0x9f) {
			putc(PRINT_REPLACEMENT, fp);
			i++;
		} else
			putc(p[i], fp);
	}
}

static void
print_safe_n(const char *s, size_t len, int newlines)
{
	print_safe_fp(stdout, s, len, newlines);
}

void
print_safe_to(FILE *fp, const char *s)
{
	if (s != NULL)
		print_safe_fp(fp, s, strlen(s), 0);
}

void
print_safe_len(const char *s, size_t len)
{
	print_safe_n(s, len, 0);
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
/* t as the reader would say it, in their zone; at most 20 bytes. */
void
print_when(int64_t t, char *buf, size_t len)
{
	time_t		 tt = (time_t)t, now = time(NULL);
	struct tm	 tm, tn;
	char		 wd[8], mon[8];

	if (now >= tt && now - tt < 60) {
		snprintf(buf, len, "just now");
		return;
	}
	if (now > tt && now - tt < 3600) {
		snprintf(buf, len, "%lld min ago", (long long)(now - tt) / 60);
		return;
	}
	tzset();
	localtime_r(&tt, &tm);
	localtime_r(&now, &tn);
	strftime(wd, sizeof wd, "%a", &tm);
	strftime(mon, sizeof mon, "%b", &tm);
	if (tm.tm_year == tn.tm_year && tm.tm_yday == tn.tm_yday)
		snprintf(buf, len, "%02d:%02d", tm.tm_hour, tm.tm_min);
	else if (tm.tm_year == tn.tm_year)
		snprintf(buf, len, "%s %d %s %02d:%02d", wd, tm.tm_mday, mon,
		    tm.tm_hour, tm.tm_min);
	else
		snprintf(buf, len, "%d %s %d %02d:%02d", tm.tm_mday, mon,
		    tm.tm_year + 1900, tm.tm_hour, tm.tm_min);
}

void
print_ts(json_t *v, char *buf)
{
	int64_t	t;

	if (json_is_string(v) && proto_ts_parse(json_string_value(v), &t) == 0)
		print_when(t, buf, PROTO_TS_LEN);
	else if (json_is_integer(v))
		print_when(json_integer_value(v), buf, PROTO_TS_LEN);
	else
		snprintf(buf, PROTO_TS_LEN, "?");
}

/* Colour on a terminal, unless NO_COLOR (https://no-color.org). */
static int
print_colour(void)
{
	static int	on = -1;
	const char	*nc;

	if (on == -1)
		on = isatty(STDOUT_FILENO) && ((nc = getenv("NO_COLOR")) ==
		    NULL || *nc == '\0');
	return (on);
}

/* Whether body names the reader as @name, a whole word. */
static int
print_mentions_me(const char *body)
{
	const char	*p;
	size_t		 n;

	if (print_me == NULL || body == NULL)
		return (0);
	n = strlen(print_me);
	for (p = body; (p = strchr(p, '@')) != NULL; p++)
		if (strncmp(p + 1, print_me, n) == 0 && (p[1 + n] == '\0' ||
		    strchr("abcdefghijklmnopqrstuvwxyz0123456789-_",
		    p[1 + n]) == NULL))
			return (1);
	return (0);
}

/* Whether bodies behind a content note are shown, and how a folded
 * one says how to read it (read --show-noted, chat /unfold ID). */
static int		 print_noted;
static const char	*print_fold_hint = "--show-noted to read";

void
print_set_noted(int show, const char *hint)
{
	print_noted = show;
	if (hint != NULL)
		print_fold_hint = hint;
}

int
print_noted_shown(void)
{
	return (print_noted);
}

/* The header's tail: what state the post is in, as a reader sees it. */
static void
print_post_state(const struct proto_post *p)
{
	if (p->edited > 0)
		fputs(" (edited)", stdout);
	if (p->state == NULL)
		return;
	if (strcmp(p->state, "held") == 0)
		fputs(" [held: waiting for a moderator]", stdout);
	else if (strcmp(p->state, "hidden") == 0)
		fputs(" [hidden by a moderator]", stdout);
	else if (strcmp(p->state, "deleted") == 0)
		fputs(" [deleted]", stdout);
	else if (strcmp(p->state, "rejected") == 0 && p->reason != NULL) {
		fputs(" [rejected: ", stdout);
		print_safe(p->reason);
		fputs("]", stdout);
	} else {
		fputs(" [", stdout);
		print_safe(p->state);
		fputs("]", stdout);
	}
}

/* The titles of the threads whose first post this run printed, so
 * that a reply can say which thread it answers. A few suffice: a page
 * shows a thread's first post before its replies. */
#define PRINT_TITLES	64
static struct {
	int64_t		 thread;
	char		*title;
}		 print_titles[PRINT_TITLES];
static size_t	 print_ntitles;

static void
print_title_keep(int64_t thread, const char *title)
{
	size_t i = print_ntitles++ % PRINT_TITLES;

	free(print_titles[i].title);
	print_titles[i].thread = thread;
	print_titles[i].title = xstrdup(title);
}

static const char *
print_title_of(int64_t thread)
{
	size_t i;

	for (i = 0; i < PRINT_TITLES && i < print_ntitles; i++)
		if (print_titles[i].thread == thread)
			return (print_titles[i].title);
	return (NULL);
}

/* The lines under the header: reason, note, title, body (or a fold). */
static void
print_post_text(const struct proto_post *p)
{
	const char	*re;

	if (p->reason != NULL && (p->state == NULL ||
	    strcmp(p->state, "rejected") != 0)) {
		fputs("  reason: ", stdout);
		print_safe(p->reason);
		putchar('\n');
	}
	if (p->note != NULL) {
		fputs("  [note: ", stdout);
		print_safe(p->note);
		fputs("]\n", stdout);
	}
	if (p->title != NULL) {
		fputs("  \xc2\xab ", stdout);		/* « */
		print_safe(p->title);
		fputs(" \xc2\xbb\n", stdout);		/* » */
		print_title_keep(p->post, p->title);
	} else if ((re = print_title_of(p->thread)) != NULL) {
		fputs("  re: ", stdout);
		print_safe(re);
		putchar('\n');
	}
	if (p->body == NULL)
		return;
	if (p->note != NULL && !print_noted) {
		fputs("  [folded: ", stdout);
		printf(print_fold_hint, (long long)p->post);
		fputs("]\n", stdout);
	}
	else
		print_indented("  ", p->body);
}

void
print_post(json_t *ev)
{
	struct proto_post	p;
	char			ts[PROTO_TS_LEN], head[64];
	const char		*colour = NULL, *who;
	size_t			width;
	int			own, named;

	if (proto_parse_post(ev, &p) != 0)
		return;
	print_when(p.ts, ts, sizeof ts);
	if (print_posts++ > 0)
		putchar('\n');
	own = p.author != NULL && print_me != NULL &&
	    strcmp(p.author, print_me) == 0;
	named = !own && print_mentions_me(p.body);
	if (print_colour() && (own || named))
		colour = own ? PRINT_BOLD_OWN : PRINT_BOLD_MENTION;
	snprintf(head, sizeof head, "#%lld ", (long long)p.post);
	who = p.author != NULL ? p.author : "anonymous";
	width = strlen(head) + strlen(p.channel) + 22 + strlen(who) +
	    (p.org != NULL && p.author != NULL ? strlen(p.org) + 3 : 0) +
	    strlen(ts) + (own ? 6 : 0) + (named ? 15 : 0);
	if (colour != NULL)
		fputs(colour, stdout);
	fputs(head, stdout);
	print_safe(p.channel);
	printf(" [thread %lld]", (long long)p.thread);
	/* Too wide for 80 columns: who and when on a line of their own. */
	fputs(width > PRINT_COLUMNS ? "\n   " : " ", stdout);
	print_safe(who);
	if (p.author != NULL && p.org != NULL) {
		fputs(" (", stdout);
		print_safe(p.org);
		fputs(")", stdout);
	}
	printf("%s %s%s", own ? " (you)" : "", ts, named ?
	    ", mentions you" : "");
	if (colour != NULL)
		fputs(PRINT_RESET, stdout);
	print_post_state(&p);
	putchar('\n');
	print_post_text(&p);
}

/* A conversation's reported message, which its moderators cannot read
 * otherwise; who acknowledged and who resolved a report, and the
 * resolver's note. */
static void
print_report_after(json_t *r)
{
	const char	*s;

	if ((s = json_string_value(json_object_get(r, "text"))) != NULL) {
		puts("  the reported message:");
		print_indented("    ", s);
	}

	if ((s = json_string_value(json_object_get(r, "acked_by"))) != NULL) {
		fputs("  acknowledged by ", stdout);
		print_safe(s);
		putchar('\n');
	}
	if ((s = json_string_value(json_object_get(r, "resolved_by"))) !=
	    NULL) {
		fputs("  resolved by ", stdout);
		print_safe(s);
		putchar('\n');
	}
	if ((s = json_string_value(json_object_get(r, "note"))) != NULL) {
		fputs("  note: ", stdout);
		print_safe(s);
		putchar('\n');
	}
}

/* "report #5 open URGENT, post #42 in peer/x, TS, by bob: REASON" and
 * what has happened to it since. */
void
print_report(json_t *r)
{
	const char	*s;
	char		 ts[PROTO_TS_LEN];

	print_ts(json_object_get(r, "ts"), ts);
	printf("report #%lld ", (long long)json_integer_value(
	    json_object_get(r, "report")));
	print_safe(json_string_value(json_object_get(r, "state")));
	if (json_is_true(json_object_get(r, "urgent")))
		fputs(" URGENT", stdout);
	if (json_is_true(json_object_get(r, "escalated")))
		fputs(" (escalated)", stdout);
	printf(", post #%lld in ", (long long)json_integer_value(
	    json_object_get(r, "post")));
	print_safe(json_string_value(json_object_get(r, "channel")));
	printf(", %s", ts);
	if ((s = json_string_value(json_object_get(r, "by"))) != NULL) {
		fputs(", by ", stdout);
		print_safe(s);
	}
	fputs(": ", stdout);
	print_safe(json_string_value(json_object_get(r, "reason")));
	putchar('\n');
	print_report_after(r);
}

int
print_posts_shown(void)
{
	return (print_posts > 0);
}

int
print_is_post(json_t *ev)
{
	const char	*name;

	name = json_string_value(json_object_get(ev, "ev"));
	return (name != NULL && strcmp(name, "post") == 0);
}

static int
print_is(json_t *ev, const char *name)
{
	const char	*s;

	s = json_string_value(json_object_get(ev, "ev"));
	return (s != NULL && strcmp(s, name) == 0);
}

/*
 * An urgent report, live: someone may be at risk, so it stands out from
 * the posts around it (a bell, and a line of its own before and after)
 * and says what to do next.
 */
static void
print_alert(json_t *ev)
{
	json_t	*r = json_object_get(ev, "report");

	if (!json_is_object(r))
		return;
	if (print_posts++ > 0)
		putchar('\n');
	printf("\a!!! URGENT REPORT%s: someone may need help now\n",
	    json_is_true(json_object_get(r, "escalated")) ||
	    json_is_true(json_object_get(ev, "escalated")) ?
	    " (escalated: nobody acknowledged it yet)" : "");
	fputs("!!! ", stdout);
	print_report(r);
	printf("!!! `harbour mod ack %lld` says you are on it\n",
	    (long long)json_integer_value(json_object_get(r, "report")));
}

/* What came to someone's inbox while they were away or outside their
 * hours, when they come back: a heading, then an item a line. */
static void
print_digest(json_t *ev)
{
	json_t	*items = json_object_get(ev, "items"), *it;
	size_t	 i;
	int64_t	 count = json_integer_value(json_object_get(ev, "count"));

	if (print_posts++ > 0)
		putchar('\n');
	printf("while you were away: %lld %s\n", (long long)count,
	    count == 1 ? "item" : "items");
	json_array_foreach(items, i, it) {
		fputs("  ", stdout);
		print_item(it);
	}
	if (json_is_true(json_object_get(ev, "more")))
		puts("  and more: `harbour inbox` lists them all");
}

/* In JSON every event goes out; as text posts, alerts, what became of
 * one's own reports, and what arrives in the inbox. */
void
print_event(struct client *c, json_t *ev)
{
	print_me = c->user;
	if (c->json)
		print_json(ev);
	else if (print_is_post(ev))
		print_post(ev);
	else if (print_is(ev, "alert"))
		print_alert(ev);
	else if (print_is(ev, "inbox") &&
	    json_is_object(json_object_get(ev, "item"))) {
		if (print_posts++ > 0)
			putchar('\n');
		fputs("inbox: ", stdout);
		print_item(json_object_get(ev, "item"));
	} else if (print_is(ev, "digest"))
		print_digest(ev);
	else if (print_is(ev, "report")) {
		if (print_posts++ > 0)
			putchar('\n');
		printf("your report #%lld was ", (long long)json_integer_value(
		    json_object_get(ev, "report")));
		print_safe(json_string_value(json_object_get(ev, "state")));
		puts(" by a moderator");
	}
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
