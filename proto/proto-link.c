/*
 * proto-link.c: the checks of a resource's link and of an attachment's
 * SHA-256 (PROTOCOL.md, "Resources"), shared by the daemon and the
 * client so that both refuse the same text.
 */
#include <stdint.h>
#include <string.h>

#include "proto.h"

enum proto_err
proto_check_url(const char *s)
{
	size_t	i, len;

	if (s == NULL)
		return (PROTO_E_BAD_TEXT);
	if ((len = strlen(s)) > PROTO_MAX_URL)
		return (PROTO_E_TOO_LARGE);
	if (strncmp(s, "https://", 8) != 0 && strncmp(s, "http://", 7) != 0)
		return (PROTO_E_BAD_TEXT);
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] >= 0x7f)
			return (PROTO_E_BAD_TEXT);
	return (len > 8 ? PROTO_OK : PROTO_E_BAD_TEXT);
}

int
proto_parse_sha256(const char *s, uint8_t *out)
{
	static const char hex[] = "0123456789abcdef";
	const char	*hi, *lo;
	size_t		 i;

	if (s == NULL || strlen(s) != PROTO_SHA256_HEX)
		return (-1);
	for (i = 0; i < PROTO_SHA256_HEX / 2; i++) {
		if ((hi = strchr(hex, s[2 * i])) == NULL || s[2 * i] == '\0' ||
		    (lo = strchr(hex, s[2 * i + 1])) == NULL ||
		    s[2 * i + 1] == '\0')
			return (-1);
		if (out != NULL)
			out[i] = (uint8_t)((hi - hex) << 4 | (lo - hex));
	}
	return (0);
}
