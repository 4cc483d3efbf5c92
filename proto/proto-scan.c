/*
 * proto-scan.c: a fast path for reading the requests clients send.
 *
 * Every request is a flat JSON object whose values are strings,
 * integers, true, false or null: {"id":7,"op":"post","channel":"peer/x",
 * "thread":12,"body":"..."}. jansson reads a line a byte at a time
 * through its stream layer, which perf showed as about a third of the
 * loop's time per post. proto_scan_object() reads that common shape
 * directly and builds the json_t jansson would build. Anything else (a
 * \u escape, a nested object or array, a real number, an integer of
 * more than 18 digits, a duplicate key, a key longer than any field
 * name, any syntax error) makes it give up, and jansson reads the line
 * as before: the scanner never accepts a line jansson would refuse, and
 * never reads a value differently. tests/fuzz/fuzz-proto.c checks that
 * on every input it tries, and tests/unit/test-proto.c on a table.
 *
 * It runs only on lines proto_utf8_valid() has passed, so it does not
 * look at UTF-8 itself (jansson checks the same rules).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"

/* Longer keys are no field of the protocol: leave them to jansson. */
#define PROTO_SCAN_MAX_KEY	32
/* Digits an integer may have here: 18 always fit in json_int_t. */
#define PROTO_SCAN_MAX_DIGITS	18

/* A string read from the line: in place, or decoded into own. */
struct proto_scan_str {
	const char	*s;
	size_t		 len;
	char		*own;
};

static const char *
proto_scan_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' ||
	    *p == '\r'))
		p++;
	return (p);
}

/* After a value: what may follow it in an object. */
static int
proto_scan_delim(const char *p, const char *end)
{
	return (p == end || *p == ' ' || *p == '\t' || *p == '\n' ||
	    *p == '\r' || *p == ',' || *p == '}');
}

/* The rest of a string with escapes, from q (at its first backslash);
 * the part before it, from start, is copied first. */
static const char *
proto_scan_escaped(const char *start, const char *q, const char *end,
    struct proto_scan_str *out)
{
	char		*d;
	unsigned char	 c;

	/* Decoded, a string is never longer than its source. */
	if ((out->own = d = malloc((size_t)(end - start))) == NULL)
		return (NULL);
	memcpy(d, start, (size_t)(q - start));
	d += q - start;
	while (q < end) {
		c = (unsigned char)*q++;
		if (c == '"') {
			out->s = out->own;
			out->len = (size_t)(d - out->own);
			return (q);
		}
		if (c < 0x20 || (c == '\\' && q == end))
			break;
		if (c != '\\') {
			*d++ = (char)c;
			continue;
		}
		switch (*q++) {
		case '"':	*d++ = '"'; break;
		case '\\':	*d++ = '\\'; break;
		case '/':	*d++ = '/'; break;
		case 'b':	*d++ = '\b'; break;
		case 'f':	*d++ = '\f'; break;
		case 'n':	*d++ = '\n'; break;
		case 'r':	*d++ = '\r'; break;
		case 't':	*d++ = '\t'; break;
		default:	goto fail;	/* \u and the invalid: jansson's */
		}
	}
fail:
	free(out->own);
	out->own = NULL;
	return (NULL);
}

/* A string from just after its opening quote; the position after its
 * closing quote, or NULL. */
static const char *
proto_scan_string(const char *p, const char *end, struct proto_scan_str *out)
{
	const char	*q;
	unsigned char	 c;

	out->own = NULL;
	for (q = p; q < end; q++) {
		c = (unsigned char)*q;
		if (c == '"') {
			out->s = p;
			out->len = (size_t)(q - p);
			return (q + 1);
		}
		if (c == '\\')
			return (proto_scan_escaped(p, q, end, out));
		if (c < 0x20)
			return (NULL);	/* jansson refuses control bytes */
	}
	return (NULL);
}

static json_t *
proto_scan_integer(const char **pp, const char *end)
{
	const char	*p = *pp, *digits;
	json_int_t	 v = 0;
	int		 neg = 0;

	if (*p == '-') {
		neg = 1;
		p++;
	}
	digits = p;
	while (p < end && *p >= '0' && *p <= '9') {
		if (p - digits == PROTO_SCAN_MAX_DIGITS)
			return (NULL);
		v = v * 10 + (*p++ - '0');
	}
	/* No digit, a leading zero, or a real number: jansson's. */
	if (p == digits || (*digits == '0' && p - digits > 1) ||
	    !proto_scan_delim(p, end))
		return (NULL);
	*pp = p;
	return (json_integer(neg ? -v : v));
}

/* A value at *pp, which moves past it; NULL when not ours to read. */
static json_t *
proto_scan_value(const char **pp, const char *end)
{
	struct proto_scan_str	 str;
	const char		*p = *pp;
	json_t			*v;
	size_t			 n;

	if (p == end)
		return (NULL);
	if (*p == '"') {
		if ((p = proto_scan_string(p + 1, end, &str)) == NULL)
			return (NULL);
		v = json_stringn_nocheck(str.s, str.len);
		free(str.own);
		*pp = p;
		return (v);
	}
	if (*p == '-' || (*p >= '0' && *p <= '9'))
		return (proto_scan_integer(pp, end));
	n = (size_t)(end - p);
	if (n >= 4 && memcmp(p, "true", 4) == 0 && proto_scan_delim(p + 4, end))
		v = json_true(), *pp = p + 4;
	else if (n >= 5 && memcmp(p, "false", 5) == 0 &&
	    proto_scan_delim(p + 5, end))
		v = json_false(), *pp = p + 5;
	else if (n >= 4 && memcmp(p, "null", 4) == 0 &&
	    proto_scan_delim(p + 4, end))
		v = json_null(), *pp = p + 4;
	else
		v = NULL;
	return (v);
}

/* One "key": value member at *pp into obj; 0, or -1 to give up. */
static int
proto_scan_member(const char **pp, const char *end, json_t *obj)
{
	struct proto_scan_str	 k;
	char			 key[PROTO_SCAN_MAX_KEY + 1];
	const char		*p = *pp;
	json_t			*v;

	if (p == end || *p != '"' ||
	    (p = proto_scan_string(p + 1, end, &k)) == NULL)
		return (-1);
	if (k.len > PROTO_SCAN_MAX_KEY || memchr(k.s, '\0', k.len) != NULL) {
		free(k.own);
		return (-1);
	}
	memcpy(key, k.s, k.len);
	key[k.len] = '\0';
	free(k.own);
	p = proto_scan_ws(p, end);
	if (p == end || *p != ':')
		return (-1);
	p = proto_scan_ws(p + 1, end);
	if ((v = proto_scan_value(&p, end)) == NULL)
		return (-1);
	/* A duplicate is refused (JSON_REJECT_DUPLICATES): by jansson. */
	if (json_object_get(obj, key) != NULL) {
		json_decref(v);
		return (-1);
	}
	if (json_object_set_new_nocheck(obj, key, v) != 0)
		return (-1);
	*pp = p;
	return (0);
}

json_t *
proto_scan_object(const char *line, size_t len)
{
	const char	*p = line, *end = line + len;
	json_t		*obj;

	p = proto_scan_ws(p, end);
	if (p == end || *p != '{' || (obj = json_object()) == NULL)
		return (NULL);
	p = proto_scan_ws(p + 1, end);
	if (p != end && *p == '}')
		p++;
	else {
		for (;;) {
			if (proto_scan_member(&p, end, obj) != 0)
				goto fail;
			p = proto_scan_ws(p, end);
			if (p != end && *p == ',') {
				p = proto_scan_ws(p + 1, end);
				continue;
			}
			if (p != end && *p == '}') {
				p++;
				break;
			}
			goto fail;
		}
	}
	if (proto_scan_ws(p, end) == end)
		return (obj);
fail:
	json_decref(obj);
	return (NULL);
}
