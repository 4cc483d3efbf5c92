/*
 * scrub.c: taking people's names out of a text.
 *
 * A story exported for the programme's report must not name the people
 * its text speaks of: "thanks to @ben and Cara" becomes "thanks to
 * [name removed] and [name removed]". The names are the server's
 * accounts' (login and display names), matched as whole words whatever
 * the case of their ASCII letters, with or without the '@' of a
 * mention. A word is a run of letters of any script (every byte of a
 * UTF-8 sequence counts as one), digits, '-' and '_', so "amira" is
 * not found in "amira-k", "ramira" or "amirahs"; a '.' ends a name
 * unless a word goes on after it ("amira." is amira at the end of a
 * sentence, "amira.k" another name).
 *
 * Names are tried longest first, so that a display name "Amira Khan"
 * goes whole before "amira" could take its first word. A name that is
 * also a word ("hope") goes too, wherever it is a word: a text about a
 * person is read by people who know them, and a missing word costs less
 * than a found person.
 *
 * Each place in the text tries every name: a text of 16 KiB against a
 * few thousand accounts is milliseconds, for an export made once a
 * quarter.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scrub.h"
#include "util.h"

static int
scrub_cmp(const void *a, const void *b)
{
	size_t la = strlen(*(char *const *)a), lb = strlen(*(char *const *)b);

	return la < lb ? 1 : la > lb ? -1 : 0;
}

void
scrub_sort(char **names, size_t n)
{
	if (n > 1)
		qsort(names, n, sizeof *names, scrub_cmp);
}

/* A byte that may be part of a word. */
static int
scrub_word_byte(unsigned char c)
{
	return isalnum(c) || c == '-' || c == '_' || c >= 0x80;
}

/* The length of name when it is at s as a whole word, else 0. */
static size_t
scrub_name_at(const char *s, const char *name)
{
	size_t len = strlen(name);
	unsigned char next;

	if (len == 0 || strncasecmp(s, name, len) != 0)
		return 0;
	next = (unsigned char)s[len];
	if (scrub_word_byte(next))
		return 0;
	if (next == '.' && scrub_word_byte((unsigned char)s[len + 1]))
		return 0;
	return len;
}

/* What to put for the text at s (a word's start): *len bytes of it
 * become the token returned; NULL when nothing there is a name. */
static const char *
scrub_at(const char *s, const char *const *names, size_t n,
    const char *skip, const char *org, size_t *len)
{
	int at = *s == '@';
	size_t i;

	for (i = 0; i < n; i++) {
		if (skip != NULL && strcasecmp(names[i], skip) == 0)
			continue;
		if ((*len = scrub_name_at(s + at, names[i])) > 0) {
			*len += at;
			return SCRUB_NAME_GONE;
		}
	}
	if (org != NULL && !at && (*len = scrub_name_at(s, org)) > 0)
		return SCRUB_ORG_GONE;
	return NULL;
}

char *
scrub_text(const char *text, const char *const *names, size_t n,
    const char *skip, const char *org)
{
	const char *s = text, *put;
	size_t len, putlen, olen = 0, cap = strlen(text) + 1;
	char *out = xmalloc(cap);

	while (*s != '\0') {
		put = NULL;
		if (s == text || !scrub_word_byte((unsigned char)s[-1]))
			put = scrub_at(s, names, n, skip, org, &len);
		if (put == NULL) {
			put = s;
			putlen = len = 1;
		} else
			putlen = strlen(put);
		if (olen + putlen + 1 > cap) {
			cap = (olen + putlen + 1) * 2;
			out = xrealloc(out, cap);
		}
		memcpy(out + olen, put, putlen);
		olen += putlen;
		s += len;
	}
	out[olen] = '\0';
	return out;
}
