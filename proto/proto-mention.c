/*
 * proto-mention.c: the people a post's text names, "@amira". Shared by
 * the daemon (who is notified) and the client (highlighting), so both
 * read a mention the same way.
 *
 * A mention starts at an '@' that begins the text or follows a
 * character that cannot be part of a name (so "ana@example.org" names
 * nobody), and takes the name's characters after it (a-z, 0-9, '-',
 * '.', '_': a user name's). A trailing '.' is the end of a sentence,
 * not the name ("thanks @amira."). Names are ASCII, so the scan is
 * bytewise: a byte of a UTF-8 sequence is never a name character.
 */
#include <string.h>

#include "proto.h"

static int
proto_mention_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	    c == '-' || c == '.' || c == '_';
}

/* Before an '@': a letter or digit in any case means an address. */
static int
proto_mention_word(unsigned char c)
{
	return proto_mention_char(c) || (c >= 'A' && c <= 'Z');
}

int
proto_mentions(const char *text, char (*names)[PROTO_MAX_NAME + 1], int max)
{
	const unsigned char	*s = (const unsigned char *)text, *p, *end;
	size_t			 len;
	int			 n = 0, i;

	if (text == NULL)
		return (0);
	while (n < max && (p = (const unsigned char *)strchr((const char *)s,
	    '@')) != NULL) {
		s = p + 1;
		if (p != (const unsigned char *)text &&
		    proto_mention_word(p[-1]))
			continue;
		for (end = s; proto_mention_char(*end); end++)
			;
		while (end > s && end[-1] == '.')
			end--;
		len = (size_t)(end - s);
		if (len == 0 || len > PROTO_MAX_NAME)
			continue;
		for (i = 0; i < n; i++)
			if (strlen(names[i]) == len &&
			    memcmp(names[i], s, len) == 0)
				break;
		if (i == n) {
			memcpy(names[n], s, len);
			names[n++][len] = '\0';
		}
		s = end;
	}
	return (n);
}
