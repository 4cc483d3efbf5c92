/*
 * proto-base64.c: the base64 of attachment chunks (PROTOCOL.md,
 * "Resources"), through OpenSSL's block coder, which both the daemon
 * and the client already link. Strict: standard alphabet, padded, no
 * line breaks or spaces; anything else is refused, so one chunk has
 * exactly one spelling on the wire.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "proto.h"

char *
proto_base64_encode(const void *data, size_t len, size_t *outlen)
{
	char	*out = malloc(4 * ((len + 2) / 3) + 1);
	int	 n;

	if (out == NULL)
		return (NULL);
	n = EVP_EncodeBlock((unsigned char *)out, data, (int)len);
	if (outlen != NULL)
		*outlen = (size_t)n;
	return (out);
}

/* A base64 digit's value (the caller has checked it is one). */
static int
proto_base64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return (c - 'A');
	if (c >= 'a' && c <= 'z')
		return (c - 'a' + 26);
	if (c >= '0' && c <= '9')
		return (c - '0' + 52);
	return (c == '+' ? 62 : 63);
}

int
proto_base64_decode(const char *s, void *out, size_t max, size_t *outlen)
{
	size_t	 len = strlen(s), pad = 0, i;
	int	 n;

	if (len == 0 || len % 4 != 0 || len / 4 * 3 > max + 2)
		return (-1);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '=') {
			if (i < len - 2)
				return (-1);
			pad++;
		} else if (pad > 0 || !((c >= 'A' && c <= 'Z') ||
		    (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '+' || c == '/'))
			return (-1);
	}
	if (len / 4 * 3 - pad > max)
		return (-1);
	/* The bits a padded end leaves over must be zero: else two texts
	 * would decode alike. */
	if (pad > 0 && (proto_base64_value(s[len - pad - 1]) &
	    (pad == 1 ? 0x3 : 0xf)) != 0)
		return (-1);
	n = EVP_DecodeBlock(out, (const unsigned char *)s, (int)len);
	if (n < 0)
		return (-1);
	*outlen = (size_t)n - pad;
	return (0);
}
