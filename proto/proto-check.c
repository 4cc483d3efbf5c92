/*
 * proto-check.c: the rules every name and text on the wire keeps, one
 * function each, shared by the daemon (which refuses what breaks them)
 * and the client (which says so before anything is sent): organisation,
 * user and channel names, a conversation's name, and texts by kind
 * (bodies, titles, display names, reasons, notes, tags...), each with
 * its length and the characters it may hold. Split from proto.c, the
 * codec, which they do not need.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "proto.h"

/* Which control characters a text may hold. */
enum proto_text {
	PROTO_TEXT_BODY,	/* newline and tab allowed */
	PROTO_TEXT_TITLE	/* none */
};

/* The local part of an org or channel name: [a-z0-9-]{1,32}. */
static int
proto_name_valid(const char *s, size_t len, const char *extra)
{
	size_t	i;

	if (len == 0 || len > PROTO_MAX_NAME)
		return (0);
	for (i = 0; i < len; i++) {
		if ((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-')
			continue;
		if (extra != NULL && strchr(extra, s[i]) != NULL)
			continue;
		return (0);
	}
	return (1);
}

enum proto_err
proto_check_org(const char *s)
{
	if (s == NULL || !proto_name_valid(s, strlen(s), NULL))
		return (PROTO_E_BAD_NAME);
	/* "peer/NAME" must always mean a peer channel, "group/NAME" a
	 * private group, and "dm/..." a conversation. */
	if (strcmp(s, PROTO_PEER_PREFIX) == 0 ||
	    strcmp(s, PROTO_GROUP_PREFIX) == 0 ||
	    strcmp(s, PROTO_DM_PREFIX) == 0)
		return (PROTO_E_BAD_NAME);
	return (PROTO_OK);
}

enum proto_err
proto_check_user(const char *s)
{
	if (s == NULL || !proto_name_valid(s, strlen(s), "._"))
		return (PROTO_E_BAD_NAME);
	return (PROTO_OK);
}

/* "dm/USER1+USER2", two valid, different user names in order (a and
 * b, when not NULL, get them). */
enum proto_err
proto_check_dm(const char *s, char *a, char *b)
{
	char		 x[PROTO_MAX_NAME + 1], y[PROTO_MAX_NAME + 1];
	const char	*p, *plus;
	size_t		 xlen, ylen;

	if (s == NULL || strncmp(s, PROTO_DM_PREFIX "/",
	    sizeof PROTO_DM_PREFIX) != 0)
		return (PROTO_E_BAD_NAME);
	p = s + sizeof PROTO_DM_PREFIX;
	if ((plus = strchr(p, '+')) == NULL)
		return (PROTO_E_BAD_NAME);
	xlen = (size_t)(plus - p);
	ylen = strlen(plus + 1);
	if (!proto_name_valid(p, xlen, "._") ||
	    !proto_name_valid(plus + 1, ylen, "._"))
		return (PROTO_E_BAD_NAME);
	memcpy(x, p, xlen);
	x[xlen] = '\0';
	memcpy(y, plus + 1, ylen);
	y[ylen] = '\0';
	/* One spelling per pair: two people, in order. */
	if (strcmp(x, y) >= 0)
		return (PROTO_E_BAD_NAME);
	if (a != NULL)
		memcpy(a, x, xlen + 1);
	if (b != NULL)
		memcpy(b, y, ylen + 1);
	return (PROTO_OK);
}

/* The conversation of a and b: "dm/" and their names, sorted, into out
 * (PROTO_MAX_CHANNEL + 1 bytes). */
void
proto_dm_channel(const char *a, const char *b, char *out)
{
	if (strcmp(a, b) > 0) {
		const char *t = a;

		a = b;
		b = t;
	}
	snprintf(out, PROTO_MAX_CHANNEL + 1, "%s/%s+%s", PROTO_DM_PREFIX, a,
	    b);
}

/* org and name may be NULL when only the check is wanted. */
enum proto_err
proto_check_channel(const char *s, char *org, char *name)
{
	const char	*slash;
	size_t		 olen, nlen;

	if (org != NULL)
		org[0] = '\0';
	if (name != NULL)
		name[0] = '\0';
	if (s == NULL || (slash = strchr(s, '/')) == NULL)
		return (PROTO_E_BAD_NAME);
	if (strncmp(s, PROTO_DM_PREFIX "/", sizeof PROTO_DM_PREFIX) == 0) {
		/* A conversation's name is its two people's: no name part
		 * of one name's size to hand back. */
		if (proto_check_dm(s, NULL, NULL) != PROTO_OK)
			return (PROTO_E_BAD_NAME);
		if (org != NULL)
			snprintf(org, PROTO_MAX_NAME + 1, "%s",
			    PROTO_DM_PREFIX);
		return (PROTO_OK);
	}
	olen = (size_t)(slash - s);
	nlen = strlen(slash + 1);
	/* The org part is "peer" or an org name; the charset has no '/', so
	 * this also refuses a second slash. */
	if (!proto_name_valid(s, olen, NULL) ||
	    !proto_name_valid(slash + 1, nlen, NULL))
		return (PROTO_E_BAD_NAME);
	if (org != NULL) {
		memcpy(org, s, olen);
		org[olen] = '\0';
	}
	if (name != NULL) {
		memcpy(name, slash + 1, nlen);
		name[nlen] = '\0';
	}
	return (PROTO_OK);
}

/*
 * Display text is shown on other people's terminals: C0 controls (bar
 * newline and tab in bodies), DEL and the C1 controls could move their
 * cursor or rewrite their screen, so none of them get through.
 */
static enum proto_err
proto_check_text(const char *s, size_t max, enum proto_text kind)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 len, i, n;
	uint32_t		 cp;

	if (s == NULL || (len = strlen(s)) == 0)
		return (PROTO_E_BAD_TEXT);
	if (len > max)
		return (PROTO_E_TOO_LARGE);
	for (i = 0; i < len; i += n) {
		if ((n = proto_utf8_next(p + i, len - i, &cp)) == 0)
			return (PROTO_E_BAD_TEXT);
		if (cp < 0x20) {
			if (kind == PROTO_TEXT_BODY &&
			    (cp == '\n' || cp == '\t'))
				continue;
			return (PROTO_E_BAD_TEXT);
		}
		if (cp >= 0x7f && cp <= 0x9f)
			return (PROTO_E_BAD_TEXT);
	}
	return (PROTO_OK);
}

enum proto_err
proto_check_body(const char *s)
{
	return (proto_check_text(s, PROTO_MAX_BODY, PROTO_TEXT_BODY));
}

enum proto_err
proto_check_title(const char *s)
{
	return (proto_check_text(s, PROTO_MAX_TITLE, PROTO_TEXT_TITLE));
}

enum proto_err
proto_check_display_name(const char *s)
{
	return (proto_check_text(s, PROTO_MAX_DISPLAY_NAME, PROTO_TEXT_TITLE));
}

enum proto_err
proto_check_pronouns(const char *s)
{
	return (proto_check_text(s, PROTO_MAX_PRONOUNS, PROTO_TEXT_TITLE));
}

enum proto_err
proto_check_reason(const char *s)
{
	return (proto_check_text(s, PROTO_MAX_REASON, PROTO_TEXT_TITLE));
}

enum proto_err
proto_check_query(const char *s)
{
	return (proto_check_text(s, PROTO_MAX_QUERY, PROTO_TEXT_TITLE));
}

enum proto_err
proto_check_note(const char *s)
{
	return (proto_check_text(s, PROTO_MAX_NOTE, PROTO_TEXT_TITLE));
}

enum proto_err
proto_check_tag(const char *s)
{
	if (s == NULL || !proto_name_valid(s, strlen(s), NULL))
		return (PROTO_E_BAD_NAME);
	return (PROTO_OK);
}

enum proto_err
proto_check_summary(const char *s)
{
	return (proto_check_text(s, PROTO_MAX_SUMMARY, PROTO_TEXT_BODY));
}

/* Any UTF-8 at all: a passphrase in the user's own script is welcome. */
enum proto_err
proto_check_password(const char *s)
{
	size_t	len;

	if (s == NULL)
		return (PROTO_E_BAD_PASSWORD);
	len = strlen(s);
	if (len < PROTO_PASSWORD_MIN || len > PROTO_PASSWORD_MAX)
		return (PROTO_E_BAD_PASSWORD);
	if (!proto_utf8_valid(s, len))
		return (PROTO_E_BAD_PASSWORD);
	return (PROTO_OK);
}

