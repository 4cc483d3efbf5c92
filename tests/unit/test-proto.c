/*
 * test-proto.c: unit tests for the wire codec (proto/proto.c).
 *
 * They link only proto.c and jansson. Most rules are tables of cases so
 * that a new edge case is one line; the expected strings are written out
 * byte for byte because the encoding is the contract with every client.
 * Non-ASCII text is spelt in UTF-8 source so that it reads as what a
 * member of each community would actually type.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <jansson.h>

#include "proto.h"

#define NITEMS(a)	(sizeof (a) / sizeof (a)[0])

/* A buffer of n copies of c, NUL-terminated; the caller frees it. */
static char *
fill(char c, size_t n)
{
	char	*s;

	s = malloc(n + 1);
	cr_assert_not_null(s);
	memset(s, c, n);
	s[n] = '\0';
	return (s);
}

/* n bytes made of a repeated UTF-8 sequence (n a multiple of its size). */
static char *
repeat(const char *seq, size_t n)
{
	size_t	 sl = strlen(seq), i;
	char	*s;

	cr_assert_eq(n % sl, 0);
	s = malloc(n + 1);
	cr_assert_not_null(s);
	for (i = 0; i < n; i += sl)
		memcpy(s + i, seq, sl);
	s[n] = '\0';
	return (s);
}

/* ---- framing ---- */

static const struct {
	const char		*in;
	enum proto_frame	 want;
	size_t			 linelen;
	size_t			 consumed;
} frame_cases[] = {
	{ "", PROTO_FRAME_NEED_MORE, 0, 0 },
	{ "{\"id\":1", PROTO_FRAME_NEED_MORE, 0, 0 },
	{ "abc\r", PROTO_FRAME_NEED_MORE, 0, 0 },
	{ "abc\n", PROTO_FRAME_LINE, 3, 4 },
	{ "abc\r\n", PROTO_FRAME_LINE, 3, 5 },
	{ "\n", PROTO_FRAME_LINE, 0, 1 },
	{ "\r\n", PROTO_FRAME_LINE, 0, 2 },
	{ "\n\n", PROTO_FRAME_LINE, 0, 1 },
	{ "a\r\r\n", PROTO_FRAME_LINE, 2, 4 },	/* only one \r goes */
	{ "a\rb\n", PROTO_FRAME_LINE, 3, 4 },	/* \r inside stays */
	{ "one\ntwo\n", PROTO_FRAME_LINE, 3, 4 },
	{ "one\ntwo", PROTO_FRAME_LINE, 3, 4 },
};

Test(proto, frame_table)
{
	size_t			 i, linelen, consumed;
	enum proto_frame	 r;

	for (i = 0; i < NITEMS(frame_cases); i++) {
		r = proto_frame(frame_cases[i].in, strlen(frame_cases[i].in),
		    &linelen, &consumed);
		cr_expect_eq(r, frame_cases[i].want, "case %zu", i);
		if (r != PROTO_FRAME_LINE)
			continue;
		cr_expect_eq(linelen, frame_cases[i].linelen, "case %zu", i);
		cr_expect_eq(consumed, frame_cases[i].consumed, "case %zu", i);
	}
}

Test(proto, frame_several_lines)
{
	const char	*buf = "{\"id\":1}\r\n\n{\"id\":2}\nrest";
	size_t		 len = strlen(buf), off = 0, linelen, consumed, n = 0;

	while (proto_frame(buf + off, len - off, &linelen, &consumed) ==
	    PROTO_FRAME_LINE) {
		if (n == 0)
			cr_expect_eq(linelen, 8);
		if (n == 1)
			cr_expect_eq(linelen, 0);
		off += consumed;
		n++;
	}
	cr_expect_eq(n, 3);
	cr_expect_str_eq(buf + off, "rest");
}

Test(proto, frame_limits)
{
	size_t	 linelen, consumed;
	char	*buf;

	buf = fill('x', PROTO_MAX_LINE + 1);

	/* Newline is the last allowed byte: 65535 + "\n" = 65536. */
	buf[PROTO_MAX_LINE - 1] = '\n';
	cr_expect_eq(proto_frame(buf, PROTO_MAX_LINE, &linelen, &consumed),
	    PROTO_FRAME_LINE);
	cr_expect_eq(linelen, PROTO_MAX_LINE - 1);
	cr_expect_eq(consumed, PROTO_MAX_LINE);

	/* Same with CRLF: the \r is inside the limit too. */
	buf[PROTO_MAX_LINE - 2] = '\r';
	cr_expect_eq(proto_frame(buf, PROTO_MAX_LINE + 1, &linelen, &consumed),
	    PROTO_FRAME_LINE);
	cr_expect_eq(linelen, PROTO_MAX_LINE - 2);
	buf[PROTO_MAX_LINE - 2] = 'x';

	/* One over: the newline is byte 65537. */
	buf[PROTO_MAX_LINE - 1] = 'x';
	buf[PROTO_MAX_LINE] = '\n';
	cr_expect_eq(proto_frame(buf, PROTO_MAX_LINE + 1, &linelen, &consumed),
	    PROTO_FRAME_TOO_LONG);

	/* A full line's worth without a newline is already too long... */
	cr_expect_eq(proto_frame(buf, PROTO_MAX_LINE, &linelen, &consumed),
	    PROTO_FRAME_TOO_LONG);
	/* ...one byte less may still become a line. */
	cr_expect_eq(proto_frame(buf, PROTO_MAX_LINE - 1, &linelen,
	    &consumed), PROTO_FRAME_NEED_MORE);
	free(buf);
}

/* ---- UTF-8 ---- */

static const struct {
	const char	*s;
	int		 valid;
	const char	*what;
} utf8_cases[] = {
	{ "", 1, "empty" },
	{ "plain ASCII, with punctuation!", 1, "ascii" },
	{ "مرحبا، كيف حالك اليوم؟", 1, "Arabic" },
	{ "Привіт! Як ти сьогодні? Ґанок, їжак, єнот", 1, "Ukrainian" },
	{ "ሰላም፣ ከመይ ኣለኻ? ጽቡቕ ምሸት", 1, "Tigrinya" },
	{ "Hang in there 🌊⚓️ 💙🤝", 1, "emoji" },
	{ "\xc2\x80", 1, "U+0080, smallest 2-byte" },
	{ "\xdf\xbf", 1, "U+07FF" },
	{ "\xe0\xa0\x80", 1, "U+0800, smallest 3-byte" },
	{ "\xed\x9f\xbf", 1, "U+D7FF, below surrogates" },
	{ "\xee\x80\x80", 1, "U+E000, above surrogates" },
	{ "\xef\xbf\xbf", 1, "U+FFFF" },
	{ "\xf0\x90\x80\x80", 1, "U+10000, smallest 4-byte" },
	{ "\xf4\x8f\xbf\xbf", 1, "U+10FFFF, the last" },
	{ "\xc0\xaf", 0, "overlong '/' in 2 bytes" },
	{ "\xc1\xbf", 0, "overlong 2-byte" },
	{ "\xc0\x80", 0, "overlong NUL" },
	{ "\xe0\x80\xaf", 0, "overlong '/' in 3 bytes" },
	{ "\xe0\x9f\xbf", 0, "overlong U+07FF in 3 bytes" },
	{ "\xf0\x80\x80\xaf", 0, "overlong '/' in 4 bytes" },
	{ "\xf0\x8f\xbf\xbf", 0, "overlong U+FFFF in 4 bytes" },
	{ "\xed\xa0\x80", 0, "surrogate U+D800" },
	{ "\xed\xbf\xbf", 0, "surrogate U+DFFF" },
	{ "\xed\xa0\xbd\xed\xb2\xa9", 0, "CESU-8 surrogate pair" },
	{ "\xf4\x90\x80\x80", 0, "U+110000" },
	{ "\xf5\x80\x80\x80", 0, "lead 0xF5" },
	{ "\xf8\x88\x80\x80\x80", 0, "5-byte form" },
	{ "\xff", 0, "0xFF" },
	{ "\xfe", 0, "0xFE" },
	{ "ok \xff ok", 0, "0xFF inside text" },
	{ "\x80", 0, "lone continuation" },
	{ "\xe2\x82", 0, "truncated 3-byte" },
	{ "\xf0\x9f\x8c", 0, "truncated 4-byte" },
	{ "abc\xd8", 0, "truncated at the end" },
	{ "\xc3\x28", 0, "bad continuation" },
	{ "\xe2\x28\xa1", 0, "bad second byte" },
	{ "\xe2\x82\x28", 0, "bad third byte" },
};

Test(proto, utf8_table)
{
	size_t	i;

	for (i = 0; i < NITEMS(utf8_cases); i++)
		cr_expect_eq(proto_utf8_valid(utf8_cases[i].s,
		    strlen(utf8_cases[i].s)), utf8_cases[i].valid, "%s",
		    utf8_cases[i].what);
}

Test(proto, utf8_length_is_honoured)
{
	/* A sequence cut by len is truncated, even if the bytes go on. */
	cr_expect(!proto_utf8_valid("\xc3\xa9", 1));
	cr_expect(proto_utf8_valid("\xc3\xa9\xff", 2));
	/* An embedded NUL is a valid code point; JSON refuses it later. */
	cr_expect(proto_utf8_valid("a\0b", 3));
}

/* ---- decoding ---- */

enum id_kind { ID_NONE, ID_INT, ID_STR };

static const struct {
	const char	*line;
	enum proto_err	 want;
	enum id_kind	 id;
	const char	*op;		/* expected op, when OK */
	const char	*detail;	/* substring of the detail */
} decode_cases[] = {
	{ "{\"id\":1,\"op\":\"ping\"}", PROTO_OK, ID_INT, "ping", NULL },
	{ " {\"op\":\"whoami\", \"id\":2}\t", PROTO_OK, ID_INT, "whoami",
	  NULL },
	{ "{\"id\":0,\"op\":\"x\"}", PROTO_OK, ID_INT, "x", NULL },
	{ "{\"id\":9007199254740992,\"op\":\"x\"}", PROTO_OK, ID_INT, "x",
	  NULL },
	{ "{\"id\":\"abc\",\"op\":\"x\"}", PROTO_OK, ID_STR, "x", NULL },
	{ "{\"id\":\"\",\"op\":\"x\"}", PROTO_OK, ID_STR, "x", NULL },
	{ "{\"id\":1,\"op\":\"\"}", PROTO_OK, ID_INT, "", NULL },
	{ "{\"id\":1,\"op\":\"post\",\"extra\":[1,{\"a\":null}]}", PROTO_OK,
	  ID_INT, "post", NULL },
	{ "{\"id\":1,\"op\":\"post\",\"body\":\"\xd8\xb3\xd9\x84\xd8\xa7\xd9"
	  "\x85\"}", PROTO_OK, ID_INT, "post", NULL },

	{ "{\"id\":1,\"op\":\"\xff\"}", PROTO_E_BAD_UTF8, ID_NONE, NULL,
	  "UTF-8" },
	{ "{\"id\":1,\"op\":\"\xc0\xaf\"}", PROTO_E_BAD_UTF8, ID_NONE, NULL,
	  NULL },
	{ "{\"id\":1,\"op\":\"\xed\xa0\x80\"}", PROTO_E_BAD_UTF8, ID_NONE,
	  NULL, NULL },
	{ "{\"id\":1,\"op\":\"x\xe2\x82\"}", PROTO_E_BAD_UTF8, ID_NONE, NULL,
	  NULL },

	{ "", PROTO_E_BAD_JSON, ID_NONE, NULL, "JSON" },
	{ "   ", PROTO_E_BAD_JSON, ID_NONE, NULL, NULL },
	{ "{", PROTO_E_BAD_JSON, ID_NONE, NULL, NULL },
	{ "hello", PROTO_E_BAD_JSON, ID_NONE, NULL, NULL },
	{ "[1,2]", PROTO_E_BAD_JSON, ID_NONE, NULL, "object" },
	{ "1", PROTO_E_BAD_JSON, ID_NONE, NULL, NULL },
	{ "\"s\"", PROTO_E_BAD_JSON, ID_NONE, NULL, NULL },
	{ "null", PROTO_E_BAD_JSON, ID_NONE, NULL, NULL },
	{ "{\"id\":1,\"op\":\"x\"} x", PROTO_E_BAD_JSON, ID_NONE, NULL, NULL },
	{ "{\"id\":1,\"op\":\"x\"}{}", PROTO_E_BAD_JSON, ID_NONE, NULL, NULL },
	{ "{\"id\":1,\"id\":2,\"op\":\"x\"}", PROTO_E_BAD_JSON, ID_NONE, NULL,
	  NULL },
	/* NUL inside a string is valid JSON; in op it is no operation. */
	{ "{\"id\":1,\"op\":\"a\\u0000b\"}", PROTO_E_BAD_REQUEST, ID_INT, NULL,
	  "op" },
	{ "{\"id\":\"a\\u0000b\",\"op\":\"x\"}", PROTO_E_BAD_REQUEST, ID_NONE,
	  NULL, "id" },
	{ "{\"id\":1,\"op\":\"\\ud800\"}", PROTO_E_BAD_JSON, ID_NONE, NULL,
	  NULL },
	{ "{\"id\":1,\"op\":\"x\",\"n\":123456789012345678901234567890}",
	  PROTO_E_BAD_JSON, ID_NONE, NULL, NULL },
	{ "{\"id\":1,\"op\":\"x\",\"n\":1e999}", PROTO_E_BAD_JSON, ID_NONE,
	  NULL, NULL },
	{ "{'id':1,'op':'x'}", PROTO_E_BAD_JSON, ID_NONE, NULL, NULL },

	{ "{\"op\":\"ping\"}", PROTO_E_BAD_REQUEST, ID_NONE, NULL, "id" },
	{ "{}", PROTO_E_BAD_REQUEST, ID_NONE, NULL, "id" },
	{ "{\"id\":null,\"op\":\"x\"}", PROTO_E_BAD_REQUEST, ID_NONE, NULL,
	  "id" },
	{ "{\"id\":-1,\"op\":\"x\"}", PROTO_E_BAD_REQUEST, ID_NONE, NULL,
	  "id" },
	{ "{\"id\":9007199254740993,\"op\":\"x\"}", PROTO_E_BAD_REQUEST,
	  ID_NONE, NULL, "id" },
	{ "{\"id\":1.5,\"op\":\"x\"}", PROTO_E_BAD_REQUEST, ID_NONE, NULL,
	  "id" },
	{ "{\"id\":1.0,\"op\":\"x\"}", PROTO_E_BAD_REQUEST, ID_NONE, NULL,
	  "id" },
	{ "{\"id\":true,\"op\":\"x\"}", PROTO_E_BAD_REQUEST, ID_NONE, NULL,
	  "id" },
	{ "{\"id\":[1],\"op\":\"x\"}", PROTO_E_BAD_REQUEST, ID_NONE, NULL,
	  "id" },
	{ "{\"id\":{},\"op\":\"x\"}", PROTO_E_BAD_REQUEST, ID_NONE, NULL,
	  "id" },
	{ "{\"id\":1}", PROTO_E_BAD_REQUEST, ID_INT, NULL, "op" },
	{ "{\"id\":\"a\",\"op\":null}", PROTO_E_BAD_REQUEST, ID_STR, NULL,
	  "op" },
	{ "{\"id\":1,\"op\":7}", PROTO_E_BAD_REQUEST, ID_INT, NULL, "op" },
	{ "{\"id\":1,\"op\":[\"ping\"]}", PROTO_E_BAD_REQUEST, ID_INT, NULL,
	  "op" },
	{ "{\"id\":1,\"op\":{}}", PROTO_E_BAD_REQUEST, ID_INT, NULL, "op" },
	{ "{\"id\":1,\"op\":true}", PROTO_E_BAD_REQUEST, ID_INT, NULL, "op" },
};

/*
 * The fast path (proto-scan.c) against jansson: where it reads a line it
 * must build what jansson builds; where it gives up (mine = 0), jansson
 * decides. Either way the line means the same.
 */
static const struct {
	const char	*line;
	int		 mine;		/* the scanner reads it itself */
} scan_cases[] = {
	{ "{\"id\":1,\"op\":\"ping\"}", 1 },
	{ " {\"op\":\"whoami\", \"id\":2}\t\r\n", 1 },
	{ "{}", 1 },
	{ " { } ", 1 },
	{ "{\"\":\"\"}", 1 },
	{ "{\"id\":0,\"n\":-0,\"m\":-12,\"big\":999999999999999999}", 1 },
	{ "{\"a\":true,\"b\":false,\"c\":null}", 1 },
	{ "{\"body\":\"line\\none\\ttab \\\"q\\\" \\\\ \\/ \\b\\f\\r\"}", 1 },
	{ "{\"body\":\"\xd8\xb3\xd9\x84\xd8\xa7\xd9\x85 \xe2\x9c\x93\"}", 1 },
	{ "{\"id\":1,\"op\":\"post\",\"channel\":\"peer/x\",\"thread\":12,"
	  "\"body\":\"a post\"}", 1 },
	/* Left to jansson, which reads or refuses them. */
	{ "{\"big\":1999999999999999999}", 0 },
	{ "{\"big\":123456789012345678901234567890}", 0 },
	{ "{\"n\":1.5}", 0 },
	{ "{\"n\":1e3}", 0 },
	{ "{\"n\":01}", 0 },
	{ "{\"n\":-}", 0 },
	{ "{\"n\":+1}", 0 },
	{ "{\"s\":\"\\u00e9\"}", 0 },
	{ "{\"s\":\"a\\u0000b\"}", 0 },
	{ "{\"s\":\"\\x\"}", 0 },
	{ "{\"s\":\"\\\"}", 0 },
	{ "{\"s\":\"tab\there\"}", 0 },
	{ "{\"a\":[1]}", 0 },
	{ "{\"a\":{}}", 0 },
	{ "{\"a\":1,\"a\":2}", 0 },
	{ "{\"a\":1,}", 0 },
	{ "{,}", 0 },
	{ "{\"a\" 1}", 0 },
	{ "{\"a\":truex}", 0 },
	{ "{\"a\":tru}", 0 },
	{ "{\"a\":nul}", 0 },
	{ "{\"a\":1}x", 0 },
	{ "{\"a\":1}{}", 0 },
	{ "{\"a\":1", 0 },
	{ "{\"a", 0 },
	{ "[1,2]", 0 },
	{ "\"s\"", 0 },
	{ "", 0 },
	{ "{'a':1}", 0 },
	{ "{\"a_key_longer_than_any_field_of_the_protocol\":1}", 0 },
};

Test(proto, scan_matches_jansson)
{
	json_error_t	 jerr;
	json_t		*fast, *slow;
	size_t		 i, len;

	for (i = 0; i < NITEMS(scan_cases); i++) {
		len = strlen(scan_cases[i].line);
		fast = proto_scan_object(scan_cases[i].line, len);
		slow = json_loadb(scan_cases[i].line, len,
		    JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
		cr_expect_eq(fast != NULL, scan_cases[i].mine,
		    "case %zu: %s: the scanner %s it", i, scan_cases[i].line,
		    fast != NULL ? "read" : "gave up on");
		if (fast != NULL)
			cr_expect(slow != NULL && json_equal(fast, slow),
			    "case %zu: %s: the scanner and jansson differ", i,
			    scan_cases[i].line);
		json_decref(fast);
		json_decref(slow);
	}
}

Test(proto, decode_table)
{
	struct proto_req	 req;
	const char		*detail;
	enum proto_err		 e;
	size_t			 i;

	for (i = 0; i < NITEMS(decode_cases); i++) {
		detail = "unset";
		e = proto_decode(decode_cases[i].line,
		    strlen(decode_cases[i].line), &req, &detail);
		cr_expect_eq(e, decode_cases[i].want, "case %zu: %s -> %d", i,
		    decode_cases[i].line, e);
		switch (decode_cases[i].id) {
		case ID_NONE:
			cr_expect_null(req.id, "case %zu", i);
			break;
		case ID_INT:
			cr_expect(json_is_integer(req.id), "case %zu", i);
			break;
		case ID_STR:
			cr_expect(json_is_string(req.id), "case %zu", i);
			break;
		}
		if (e == PROTO_OK) {
			cr_expect_not_null(req.root);
			cr_expect_null(detail, "case %zu", i);
			cr_expect_str_eq(req.op, decode_cases[i].op,
			    "case %zu", i);
		} else {
			cr_expect_null(req.op, "case %zu", i);
			cr_expect_not_null(detail, "case %zu", i);
		}
		if (e == PROTO_E_BAD_UTF8 || e == PROTO_E_BAD_JSON)
			cr_expect_null(req.root, "case %zu", i);
		if (decode_cases[i].detail != NULL && detail != NULL)
			cr_expect(strstr(detail, decode_cases[i].detail) !=
			    NULL, "case %zu: detail \"%s\"", i, detail);
		proto_req_free(&req);
		cr_expect_null(req.root);
	}
}

Test(proto, decode_id_strings)
{
	char			 line[512], *id;
	struct proto_req	 req;
	const struct {
		const char	*seq;
		size_t		 bytes;
		enum proto_err	 want;
	} cases[] = {
		{ "a", PROTO_MAX_ID_STR, PROTO_OK },
		{ "a", PROTO_MAX_ID_STR + 1, PROTO_E_BAD_REQUEST },
		/* The limit is bytes, not characters. */
		{ "\xc3\xa9", PROTO_MAX_ID_STR, PROTO_OK },
		{ "\xc3\xa9", PROTO_MAX_ID_STR + 2, PROTO_E_BAD_REQUEST },
		{ "\xf0\x9f\x8c\x8a", PROTO_MAX_ID_STR, PROTO_OK },
	};
	size_t			 i;

	for (i = 0; i < NITEMS(cases); i++) {
		id = repeat(cases[i].seq, cases[i].bytes);
		snprintf(line, sizeof line, "{\"id\":\"%s\",\"op\":\"ping\"}",
		    id);
		cr_expect_eq(proto_decode(line, strlen(line), &req, NULL),
		    cases[i].want, "case %zu", i);
		if (cases[i].want == PROTO_OK)
			cr_expect_str_eq(json_string_value(req.id), id);
		proto_req_free(&req);
		free(id);
	}
}

Test(proto, decode_odd_input)
{
	struct proto_req	 req;
	const char		*detail;
	char			*deep;
	size_t			 n = 5000;

	/* A NUL byte inside the line is not JSON. */
	cr_expect_eq(proto_decode("{\"id\":1,\"op\":\"x\"}\0", 18, &req,
	    &detail), PROTO_E_BAD_JSON);
	proto_req_free(&req);

	/* Deep nesting is refused, not recursed into without end. */
	deep = fill('[', n);
	cr_expect_eq(proto_decode(deep, n, &req, &detail), PROTO_E_BAD_JSON);
	proto_req_free(&req);
	free(deep);

	/* proto_req_free on a zeroed request is harmless, twice. */
	memset(&req, 0, sizeof req);
	proto_req_free(&req);
	proto_req_free(&req);
	proto_req_free(NULL);
}

/* ---- field getters ---- */

static const char getter_line[] =
    "{\"id\":1,\"op\":\"x\",\"s\":\"str\",\"e\":\"\",\"n\":42,\"neg\":-5,"
    "\"big\":9007199254740993,\"r\":1.5,\"r1\":1.0,\"b\":true,\"f\":false,"
    "\"nul\":null,\"arr\":[\"a\",\"b\"],\"mixed\":[\"a\",1],\"empty\":[],"
    "\"nested\":[[\"a\"]],\"obj\":{}}";

static void
getter_req(struct proto_req *req)
{
	cr_assert_eq(proto_decode(getter_line, strlen(getter_line), req,
	    NULL), PROTO_OK);
}

static const struct {
	const char	*field;
	int		 required;
	enum proto_err	 want;
	int		 present;
	const char	*value;		/* when OK and present */
} str_cases[] = {
	{ "s", 1, PROTO_OK, 1, "str" },
	{ "s", 0, PROTO_OK, 1, "str" },
	{ "e", 1, PROTO_OK, 1, "" },
	{ "missing", 1, PROTO_E_BAD_REQUEST, 0, NULL },
	{ "missing", 0, PROTO_OK, 0, NULL },
	{ "nul", 0, PROTO_OK, 0, NULL },
	{ "nul", 1, PROTO_E_BAD_REQUEST, 0, NULL },
	{ "n", 0, PROTO_E_BAD_REQUEST, 1, NULL },
	{ "b", 1, PROTO_E_BAD_REQUEST, 1, NULL },
	{ "arr", 1, PROTO_E_BAD_REQUEST, 1, NULL },
	{ "obj", 0, PROTO_E_BAD_REQUEST, 1, NULL },
};

Test(proto, get_str_table)
{
	struct proto_req	 req;
	const char		*out;
	int			 present;
	size_t			 i;

	getter_req(&req);
	for (i = 0; i < NITEMS(str_cases); i++) {
		out = "untouched";
		present = -1;
		cr_expect_eq(proto_get_str(&req, str_cases[i].field,
		    str_cases[i].required, &out, &present), str_cases[i].want,
		    "case %zu", i);
		cr_expect_eq(present, str_cases[i].present, "case %zu", i);
		if (str_cases[i].value != NULL)
			cr_expect_str_eq(out, str_cases[i].value);
		else
			cr_expect_str_eq(out, "untouched", "case %zu", i);
	}
	/* present may be NULL. */
	cr_expect_eq(proto_get_str(&req, "s", 1, &out, NULL), PROTO_OK);
	proto_req_free(&req);
}

static const struct {
	const char	*field;
	int		 required;
	int64_t		 min, max;
	enum proto_err	 want;
	int		 present;
	int64_t		 value;		/* when OK and present */
} int_cases[] = {
	{ "n", 1, 0, 100, PROTO_OK, 1, 42 },
	{ "n", 0, 42, 42, PROTO_OK, 1, 42 },
	{ "n", 1, 0, 41, PROTO_E_BAD_REQUEST, 1, 0 },
	{ "n", 1, 43, 100, PROTO_E_BAD_REQUEST, 1, 0 },
	{ "neg", 1, 0, INT64_MAX, PROTO_E_BAD_REQUEST, 1, 0 },
	{ "neg", 1, INT64_MIN, INT64_MAX, PROTO_OK, 1, -5 },
	{ "big", 1, 0, PROTO_ID_MAX, PROTO_E_BAD_REQUEST, 1, 0 },
	{ "big", 1, 0, INT64_MAX, PROTO_OK, 1, 9007199254740993LL },
	{ "r", 1, 0, 100, PROTO_E_BAD_REQUEST, 1, 0 },
	{ "r1", 1, 0, 100, PROTO_E_BAD_REQUEST, 1, 0 },
	{ "s", 1, 0, 100, PROTO_E_BAD_REQUEST, 1, 0 },
	{ "b", 1, 0, 100, PROTO_E_BAD_REQUEST, 1, 0 },
	{ "arr", 0, 0, 100, PROTO_E_BAD_REQUEST, 1, 0 },
	{ "missing", 1, 0, 100, PROTO_E_BAD_REQUEST, 0, 0 },
	{ "missing", 0, 0, 100, PROTO_OK, 0, 0 },
	{ "nul", 0, 0, 100, PROTO_OK, 0, 0 },
};

Test(proto, get_int_table)
{
	struct proto_req	 req;
	int64_t			 out;
	int			 present;
	size_t			 i;

	getter_req(&req);
	for (i = 0; i < NITEMS(int_cases); i++) {
		out = 777;
		present = -1;
		cr_expect_eq(proto_get_int(&req, int_cases[i].field,
		    int_cases[i].required, int_cases[i].min, int_cases[i].max,
		    &out, &present), int_cases[i].want, "case %zu", i);
		cr_expect_eq(present, int_cases[i].present, "case %zu", i);
		if (int_cases[i].want == PROTO_OK && int_cases[i].present)
			cr_expect_eq(out, int_cases[i].value, "case %zu", i);
		else
			cr_expect_eq(out, 777, "case %zu", i);
	}
	proto_req_free(&req);
}

Test(proto, get_bool)
{
	struct proto_req	req;
	int			out;

	getter_req(&req);
	out = 7;
	cr_expect_eq(proto_get_bool(&req, "b", &out), PROTO_OK);
	cr_expect_eq(out, 1);
	cr_expect_eq(proto_get_bool(&req, "f", &out), PROTO_OK);
	cr_expect_eq(out, 0);
	out = 7;
	cr_expect_eq(proto_get_bool(&req, "missing", &out), PROTO_OK);
	cr_expect_eq(proto_get_bool(&req, "nul", &out), PROTO_OK);
	cr_expect_eq(out, 7);
	cr_expect_eq(proto_get_bool(&req, "n", &out), PROTO_E_BAD_REQUEST);
	cr_expect_eq(proto_get_bool(&req, "s", &out), PROTO_E_BAD_REQUEST);
	cr_expect_eq(proto_get_bool(&req, "obj", &out), PROTO_E_BAD_REQUEST);
	cr_expect_eq(out, 7);
	proto_req_free(&req);
}

static const struct {
	const char	*field;
	size_t		 max;
	enum proto_err	 want;
	int		 present;
	size_t		 size;		/* when OK and present */
} arr_cases[] = {
	{ "arr", 2, PROTO_OK, 1, 2 },
	{ "arr", 100, PROTO_OK, 1, 2 },
	{ "arr", 1, PROTO_E_BAD_REQUEST, 1, 0 },
	{ "empty", 0, PROTO_OK, 1, 0 },
	{ "mixed", 10, PROTO_E_BAD_REQUEST, 1, 0 },
	{ "nested", 10, PROTO_E_BAD_REQUEST, 1, 0 },
	{ "s", 10, PROTO_E_BAD_REQUEST, 1, 0 },
	{ "obj", 10, PROTO_E_BAD_REQUEST, 1, 0 },
	{ "missing", 10, PROTO_OK, 0, 0 },
	{ "nul", 10, PROTO_OK, 0, 0 },
};

Test(proto, get_strarray_table)
{
	struct proto_req	 req;
	json_t			*out, sentinel_holder;
	int			 present;
	size_t			 i;

	getter_req(&req);
	for (i = 0; i < NITEMS(arr_cases); i++) {
		out = &sentinel_holder;
		present = -1;
		cr_expect_eq(proto_get_strarray(&req, arr_cases[i].field,
		    arr_cases[i].max, &out, &present), arr_cases[i].want,
		    "case %zu", i);
		cr_expect_eq(present, arr_cases[i].present, "case %zu", i);
		if (arr_cases[i].want == PROTO_OK && arr_cases[i].present) {
			cr_expect(json_is_array(out), "case %zu", i);
			cr_expect_eq(json_array_size(out), arr_cases[i].size);
		} else
			cr_expect_eq(out, &sentinel_holder, "case %zu", i);
	}
	proto_req_free(&req);
}

Test(proto, getters_after_failed_decode)
{
	struct proto_req	 req;
	const char		*s = "untouched";
	int64_t			 n = 1;
	int			 present = -1;

	cr_expect_eq(proto_decode("nope", 4, &req, NULL), PROTO_E_BAD_JSON);
	cr_expect_eq(proto_get_str(&req, "s", 1, &s, &present),
	    PROTO_E_BAD_REQUEST);
	cr_expect_eq(proto_get_int(&req, "n", 0, 0, 9, &n, &present),
	    PROTO_OK);
	cr_expect_eq(present, 0);
	cr_expect_str_eq(s, "untouched");
	proto_req_free(&req);
}

/* ---- names ---- */

static const struct {
	const char	*s;
	enum proto_err	 org, user;
} name_cases[] = {
	{ "refugee-action", PROTO_OK, PROTO_OK },
	{ "a", PROTO_OK, PROTO_OK },
	{ "0", PROTO_OK, PROTO_OK },
	{ "-", PROTO_OK, PROTO_OK },
	{ "abcdefghijklmnopqrstuvwxyz012345", PROTO_OK, PROTO_OK },
	{ "abcdefghijklmnopqrstuvwxyz0123456", PROTO_E_BAD_NAME,
	  PROTO_E_BAD_NAME },
	{ "", PROTO_E_BAD_NAME, PROTO_E_BAD_NAME },
	{ "peer", PROTO_E_BAD_NAME, PROTO_OK },
	{ "peers", PROTO_OK, PROTO_OK },
	{ "ana.k", PROTO_E_BAD_NAME, PROTO_OK },
	{ "ana_k", PROTO_E_BAD_NAME, PROTO_OK },
	{ "Ana", PROTO_E_BAD_NAME, PROTO_E_BAD_NAME },
	{ "ana k", PROTO_E_BAD_NAME, PROTO_E_BAD_NAME },
	{ "ana/k", PROTO_E_BAD_NAME, PROTO_E_BAD_NAME },
	{ "ana@x", PROTO_E_BAD_NAME, PROTO_E_BAD_NAME },
	{ "an\xc3\xa1", PROTO_E_BAD_NAME, PROTO_E_BAD_NAME },
	{ "ana\n", PROTO_E_BAD_NAME, PROTO_E_BAD_NAME },
	{ NULL, PROTO_E_BAD_NAME, PROTO_E_BAD_NAME },
};

Test(proto, names_table)
{
	size_t	i;

	for (i = 0; i < NITEMS(name_cases); i++) {
		cr_expect_eq(proto_check_org(name_cases[i].s),
		    name_cases[i].org, "org %zu", i);
		cr_expect_eq(proto_check_user(name_cases[i].s),
		    name_cases[i].user, "user %zu", i);
	}
}

static const struct {
	const char	*s;
	enum proto_err	 want;
	const char	*org, *name;
} channel_cases[] = {
	{ "peer/vicarious-trauma", PROTO_OK, "peer", "vicarious-trauma" },
	{ "refugee-action/staff", PROTO_OK, "refugee-action", "staff" },
	{ "a/b", PROTO_OK, "a", "b" },
	{ "abcdefghijklmnopqrstuvwxyz012345/abcdefghijklmnopqrstuvwxyz012345",
	  PROTO_OK, "abcdefghijklmnopqrstuvwxyz012345",
	  "abcdefghijklmnopqrstuvwxyz012345" },
	{ "abcdefghijklmnopqrstuvwxyz0123456/a", PROTO_E_BAD_NAME, NULL,
	  NULL },
	{ "a/abcdefghijklmnopqrstuvwxyz0123456", PROTO_E_BAD_NAME, NULL,
	  NULL },
	{ "peer", PROTO_E_BAD_NAME, NULL, NULL },
	{ "general", PROTO_E_BAD_NAME, NULL, NULL },
	{ "/general", PROTO_E_BAD_NAME, NULL, NULL },
	{ "peer/", PROTO_E_BAD_NAME, NULL, NULL },
	{ "/", PROTO_E_BAD_NAME, NULL, NULL },
	{ "", PROTO_E_BAD_NAME, NULL, NULL },
	{ "a/b/c", PROTO_E_BAD_NAME, NULL, NULL },
	{ "a//b", PROTO_E_BAD_NAME, NULL, NULL },
	{ "Peer/x", PROTO_E_BAD_NAME, NULL, NULL },
	{ "peer/a.b", PROTO_E_BAD_NAME, NULL, NULL },
	{ "peer/a_b", PROTO_E_BAD_NAME, NULL, NULL },
	{ "org.x/a", PROTO_E_BAD_NAME, NULL, NULL },
	{ "peer/x ", PROTO_E_BAD_NAME, NULL, NULL },
	{ NULL, PROTO_E_BAD_NAME, NULL, NULL },
};

Test(proto, channels_table)
{
	char	org[PROTO_MAX_NAME + 1], name[PROTO_MAX_NAME + 1];
	size_t	i;

	for (i = 0; i < NITEMS(channel_cases); i++) {
		memset(org, 'X', sizeof org);
		memset(name, 'X', sizeof name);
		cr_expect_eq(proto_check_channel(channel_cases[i].s, org, name),
		    channel_cases[i].want, "case %zu", i);
		if (channel_cases[i].want != PROTO_OK)
			continue;
		cr_expect_str_eq(org, channel_cases[i].org);
		cr_expect_str_eq(name, channel_cases[i].name);
	}
	/* The split buffers are optional. */
	cr_expect_eq(proto_check_channel("peer/x", NULL, NULL), PROTO_OK);
	cr_expect_eq(proto_check_channel("peer/", NULL, NULL),
	    PROTO_E_BAD_NAME);
}

/* ---- text ---- */

static const struct {
	const char	*s;
	enum proto_err	 body, title;
} text_cases[] = {
	{ "A walk before I get home.", PROTO_OK, PROTO_OK },
	{ "x", PROTO_OK, PROTO_OK },
	{ "مشيت قليلاً قبل العودة إلى البيت.", PROTO_OK, PROTO_OK },
	{ "Дякую, що вислухали. Мені вже краще.", PROTO_OK, PROTO_OK },
	{ "ብዙሕ የቐንየልና። ጽቡቕ ሰንበት።", PROTO_OK, PROTO_OK },
	{ "Thank you 💙🌊", PROTO_OK, PROTO_OK },
	{ "line one\nline two", PROTO_OK, PROTO_E_BAD_TEXT },
	{ "col\tcol", PROTO_OK, PROTO_E_BAD_TEXT },
	{ "\xc2\xa0no-break space", PROTO_OK, PROTO_OK },
	{ "rtl mark \xe2\x80\x8f ok", PROTO_OK, PROTO_OK },
	{ "", PROTO_E_BAD_TEXT, PROTO_E_BAD_TEXT },
	{ "crlf\r\n", PROTO_E_BAD_TEXT, PROTO_E_BAD_TEXT },
	{ "bell\a", PROTO_E_BAD_TEXT, PROTO_E_BAD_TEXT },
	{ "\x01", PROTO_E_BAD_TEXT, PROTO_E_BAD_TEXT },
	{ "esc \x1b[2J", PROTO_E_BAD_TEXT, PROTO_E_BAD_TEXT },
	{ "\x1f", PROTO_E_BAD_TEXT, PROTO_E_BAD_TEXT },
	{ "del\x7f", PROTO_E_BAD_TEXT, PROTO_E_BAD_TEXT },
	{ "c1 \xc2\x80", PROTO_E_BAD_TEXT, PROTO_E_BAD_TEXT },
	{ "csi \xc2\x9b" "2J", PROTO_E_BAD_TEXT, PROTO_E_BAD_TEXT },
	{ "c1 \xc2\x9f", PROTO_E_BAD_TEXT, PROTO_E_BAD_TEXT },
	{ "bad \xff", PROTO_E_BAD_TEXT, PROTO_E_BAD_TEXT },
	{ "overlong \xc0\xaf", PROTO_E_BAD_TEXT, PROTO_E_BAD_TEXT },
	{ "surrogate \xed\xa0\x80", PROTO_E_BAD_TEXT, PROTO_E_BAD_TEXT },
	{ "cut \xe2\x82", PROTO_E_BAD_TEXT, PROTO_E_BAD_TEXT },
	{ NULL, PROTO_E_BAD_TEXT, PROTO_E_BAD_TEXT },
};

Test(proto, text_table)
{
	size_t	i;

	for (i = 0; i < NITEMS(text_cases); i++) {
		cr_expect_eq(proto_check_body(text_cases[i].s),
		    text_cases[i].body, "body %zu", i);
		cr_expect_eq(proto_check_title(text_cases[i].s),
		    text_cases[i].title, "title %zu", i);
	}
}

Test(proto, text_lengths)
{
	const struct {
		const char	*seq;
		size_t		 bytes;
		enum proto_err	 body, title;
	} cases[] = {
		{ "a", PROTO_MAX_TITLE, PROTO_OK, PROTO_OK },
		{ "a", PROTO_MAX_TITLE + 1, PROTO_OK, PROTO_E_TOO_LARGE },
		{ "\xd8\xb3", PROTO_MAX_TITLE, PROTO_OK, PROTO_OK },
		{ "\xd8\xb3", PROTO_MAX_TITLE + 2, PROTO_OK,
		  PROTO_E_TOO_LARGE },
		{ "a", PROTO_MAX_BODY, PROTO_OK, PROTO_E_TOO_LARGE },
		{ "a", PROTO_MAX_BODY + 1, PROTO_E_TOO_LARGE,
		  PROTO_E_TOO_LARGE },
		{ "\xe1\x88\xb0\xf0\x9f\x8c\x8a\xd1\x97",
		  PROTO_MAX_BODY - PROTO_MAX_BODY % 9, PROTO_OK,
		  PROTO_E_TOO_LARGE },
		{ "\xf0\x9f\x8c\x8a", PROTO_MAX_BODY, PROTO_OK,
		  PROTO_E_TOO_LARGE },
		{ "\xf0\x9f\x8c\x8a", PROTO_MAX_BODY + 4, PROTO_E_TOO_LARGE,
		  PROTO_E_TOO_LARGE },
	};
	char	*s;
	size_t	 i;

	for (i = 0; i < NITEMS(cases); i++) {
		s = repeat(cases[i].seq, cases[i].bytes);
		cr_expect_eq(proto_check_body(s), cases[i].body, "body %zu", i);
		cr_expect_eq(proto_check_title(s), cases[i].title,
		    "title %zu", i);
		free(s);
	}
}

Test(proto, password_table)
{
	const struct {
		const char	*seq;
		size_t		 bytes;
		enum proto_err	 want;
	} cases[] = {
		{ "x", PROTO_PASSWORD_MIN - 1, PROTO_E_BAD_PASSWORD },
		{ "x", PROTO_PASSWORD_MIN, PROTO_OK },
		{ "x", PROTO_PASSWORD_MAX, PROTO_OK },
		{ "x", PROTO_PASSWORD_MAX + 1, PROTO_E_BAD_PASSWORD },
		{ "\xd8\xb3", PROTO_PASSWORD_MIN, PROTO_OK },	/* 4 chars */
		{ "\xd1\x97", PROTO_PASSWORD_MAX + 2, PROTO_E_BAD_PASSWORD },
		{ "\xff", PROTO_PASSWORD_MIN, PROTO_E_BAD_PASSWORD },
		{ "\xed\xa0\x80", 9, PROTO_E_BAD_PASSWORD },
		{ "", 0, PROTO_E_BAD_PASSWORD },
	};
	char	*s;
	size_t	 i;

	for (i = 0; i < NITEMS(cases); i++) {
		s = cases[i].bytes > 0 ? repeat(cases[i].seq, cases[i].bytes) :
		    fill('x', 0);
		cr_expect_eq(proto_check_password(s), cases[i].want,
		    "case %zu", i);
		free(s);
	}
	cr_expect_eq(proto_check_password("correct horse battery"), PROTO_OK);
	cr_expect_eq(proto_check_password("ሰላም ንኹሉ ሰብ"), PROTO_OK);
	cr_expect_eq(proto_check_password(NULL), PROTO_E_BAD_PASSWORD);
}

/* ---- encoding ---- */

/*
 * Check a returned line: its text, its length, one final newline. len is
 * passed by address so that it is read after the call that fills it.
 */
static void
expect_line(char *line, const size_t *len, const char *want)
{
	cr_assert_not_null(line);
	cr_expect_str_eq(line, want);
	cr_expect_eq(*len, strlen(want));
	cr_expect_eq(strchr(line, '\n'), line + *len - 1);
	free(line);
}

Test(proto, reply_ok)
{
	json_t	*id;
	size_t	 len;

	id = json_integer(7);
	expect_line(proto_reply_ok(id, json_pack("{s:s, s:s, s:s}",
	    "user", "ana", "org", "refugee-action", "role", "member"), &len),
	    &len, "{\"id\":7,\"result\":{\"user\":\"ana\","
	    "\"org\":\"refugee-action\",\"role\":\"member\"}}\n");
	expect_line(proto_reply_ok(id, NULL, &len), &len,
	    "{\"id\":7,\"result\":{}}\n");
	json_decref(id);

	id = json_string("req-ä");
	expect_line(proto_reply_ok(id, json_object(), &len), &len,
	    "{\"id\":\"req-ä\",\"result\":{}}\n");
	json_decref(id);

	expect_line(proto_reply_ok(NULL, NULL, &len), &len,
	    "{\"id\":null,\"result\":{}}\n");
}

Test(proto, reply_err)
{
	json_t	*id;
	size_t	 len;

	id = json_integer(8);
	expect_line(proto_reply_err(id, PROTO_E_NOT_FOUND, "no such channel",
	    &len), &len, "{\"id\":8,\"error\":{\"code\":\"not_found\","
	    "\"message\":\"no such channel\"}}\n");
	expect_line(proto_reply_err(id, PROTO_E_NOT_FOUND, NULL, &len), &len,
	    "{\"id\":8,\"error\":{\"code\":\"not_found\","
	    "\"message\":\"not found\"}}\n");
	/* A message that is not UTF-8 falls back to the default. */
	expect_line(proto_reply_err(id, PROTO_E_BAD_NAME, "bad \xff", &len),
	    &len, "{\"id\":8,\"error\":{\"code\":\"bad_name\","
	    "\"message\":\"invalid name\"}}\n");
	/* A code with no wire name still gives a parseable reply. */
	expect_line(proto_reply_err(id, PROTO_OK, NULL, &len), &len,
	    "{\"id\":8,\"error\":{\"code\":\"internal\","
	    "\"message\":\"internal error\"}}\n");
	expect_line(proto_reply_err(id, (enum proto_err)999, NULL, &len),
	    &len, "{\"id\":8,\"error\":{\"code\":\"internal\","
	    "\"message\":\"internal error\"}}\n");
	json_decref(id);

	expect_line(proto_reply_err(NULL, PROTO_E_BAD_JSON, NULL, &len), &len,
	    "{\"id\":null,\"error\":{\"code\":\"bad_json\","
	    "\"message\":\"invalid JSON\"}}\n");
	expect_line(proto_reply_err(NULL, PROTO_E_BAD_REQUEST,
	    "\"channel\" must be a string", &len), &len,
	    "{\"id\":null,\"error\":{\"code\":\"bad_request\","
	    "\"message\":\"\\\"channel\\\" must be a string\"}}\n");
}

/* Every code survives encode, parse and proto_err_parse. */
Test(proto, reply_err_round_trip)
{
	json_t		*id, *root;
	json_error_t	 jerr;
	const char	*code, *msg;
	char		*line;
	size_t		 len;
	int		 e;

	id = json_string("r1");
	for (e = PROTO_OK + 1; e < PROTO_E__COUNT; e++) {
		line = proto_reply_err(id, (enum proto_err)e, NULL, &len);
		cr_assert_not_null(line);
		root = json_loadb(line, len, 0, &jerr);
		cr_assert_not_null(root, "code %d: %s", e, jerr.text);
		cr_expect_str_eq(json_string_value(json_object_get(root, "id")),
		    "r1");
		cr_assert_eq(json_unpack(root, "{s:{s:s, s:s}}", "error",
		    "code", &code, "message", &msg), 0);
		cr_expect_eq((int)proto_err_parse(code), e);
		cr_expect_str_eq(msg, proto_err_message((enum proto_err)e));
		json_decref(root);
		free(line);
	}
	json_decref(id);
}

Test(proto, request_reply_round_trip)
{
	const char		*in = "{\"id\":\"c-42\",\"op\":\"whoami\"}";
	struct proto_req	 req;
	json_t			*obj;
	char			*line;
	size_t			 len;

	cr_assert_eq(proto_decode(in, strlen(in), &req, NULL), PROTO_OK);
	expect_line(proto_reply_ok(req.id, json_pack("{s:s}", "user",
	    "ana"), &len), &len,
	    "{\"id\":\"c-42\",\"result\":{\"user\":\"ana\"}}\n");
	proto_req_free(&req);

	obj = proto_request(5, "ping");
	line = proto_encode(obj, &len);
	json_decref(obj);
	cr_assert_not_null(line);
	cr_expect_str_eq(line, "{\"id\":5,\"op\":\"ping\"}\n");
	cr_expect_eq(proto_decode(line, len - 1, &req, NULL), PROTO_OK);
	cr_expect_eq(json_integer_value(req.id), 5);
	cr_expect_str_eq(req.op, "ping");
	proto_req_free(&req);
	free(line);
}

Test(proto, encode_text)
{
	json_t	*obj;
	size_t	 len;

	/* UTF-8 stays as it is; controls are escaped so the line stays one
	 * line; '/' is not escaped. */
	obj = json_pack("{s:s}", "body", "سلام\nДякую\t💙 a/b");
	expect_line(proto_encode(obj, &len), &len,
	    "{\"body\":\"سلام\\nДякую\\t💙 a/b\"}\n");
	json_decref(obj);

	obj = json_pack("{s:s}", "t", "\r\x01\x1f\x7f");
	expect_line(proto_encode(obj, &len), &len,
	    "{\"t\":\"\\r\\u0001\\u001F\x7f\"}\n");
	json_decref(obj);

	len = 99;
	cr_expect_null(proto_encode(NULL, &len));
	cr_expect_eq(len, 0);
}

Test(proto, hello)
{
	json_t	*obj;
	size_t	 len;

	obj = proto_hello("harbourd 0.1.0", 10, 90);
	cr_assert_not_null(obj);
	expect_line(proto_encode(obj, &len), &len,
	    "{\"ev\":\"hello\",\"proto\":1,\"server\":\"harbourd 0.1.0\","
	    "\"limits\":{\"max_line\":65536,\"max_body\":16384,"
	    "\"max_title\":200,\"page_default\":50,\"page_max\":1000,"
	    "\"sync_page\":500,\"replay_max\":1000,\"subscribe_max\":1024,"
	    "\"login_timeout\":10,\"idle_timeout\":90}}\n");
	json_decref(obj);

	obj = proto_hello("harbourd test", 3, 4);
	cr_assert_not_null(obj);
	cr_expect_eq(json_integer_value(json_object_get(json_object_get(obj,
	    "limits"), "login_timeout")), 3);
	cr_expect_eq(json_integer_value(json_object_get(json_object_get(obj,
	    "limits"), "idle_timeout")), 4);
	json_decref(obj);
}

static const struct proto_post sample_post = {
	.eid = 42, .post = 42, .thread = 40, .ts = 1795594502,
	.channel = "peer/vicarious-trauma", .author = "ana",
	.org = "refugee-action", .title = NULL,
	.body = "A walk before I get home.",
};

Test(proto, event_post)
{
	struct proto_post	 p = sample_post;
	json_t			*obj;
	size_t			 len;

	obj = proto_event_post(&p);
	cr_assert_not_null(obj);
	expect_line(proto_encode(obj, &len), &len,
	    "{\"ev\":\"post\",\"eid\":42,\"channel\":\"peer/vicarious-trauma\","
	    "\"thread\":40,\"post\":42,\"author\":\"ana\","
	    "\"org\":\"refugee-action\",\"ts\":\"2026-11-25T08:15:02Z\","
	    "\"body\":\"A walk before I get home.\"}\n");
	json_decref(obj);

	p.eid = p.post = p.thread = 40;
	p.title = "Evenings after work";
	p.body = "كيف تتركون العمل في العمل؟";
	obj = proto_event_post(&p);
	cr_assert_not_null(obj);
	expect_line(proto_encode(obj, &len), &len,
	    "{\"ev\":\"post\",\"eid\":40,\"channel\":\"peer/vicarious-trauma\","
	    "\"thread\":40,\"post\":40,\"author\":\"ana\","
	    "\"org\":\"refugee-action\",\"ts\":\"2026-11-25T08:15:02Z\","
	    "\"title\":\"Evenings after work\","
	    "\"body\":\"كيف تتركون العمل في العمل؟\"}\n");
	json_decref(obj);

	/* Strings that jansson cannot hold give NULL, not a half event. */
	p.body = "bad \xff";
	cr_expect_null(proto_event_post(&p));
	p = sample_post;
	p.note = "bad \xff";
	cr_expect_null(proto_event_post(&p));
	p = sample_post;
	p.title = "bad \xc0\xaf";
	cr_expect_null(proto_event_post(&p));
	p = sample_post;
	p.channel = NULL;
	cr_expect_null(proto_event_post(&p));
}

/* A full-size post, in a script of 2-byte letters, encodes whole. */
Test(proto, encode_large)
{
	struct proto_post	 p = sample_post;
	struct proto_req	 req;
	json_t			*obj;
	char			*body, *line;
	size_t			 len;

	body = repeat("\xd0\x96", PROTO_MAX_BODY);
	cr_assert_eq(proto_check_body(body), PROTO_OK);
	p.body = body;
	obj = proto_event_post(&p);
	cr_assert_not_null(obj);
	line = proto_encode(obj, &len);
	json_decref(obj);
	cr_assert_not_null(line);
	cr_expect_gt(len, PROTO_MAX_BODY);
	cr_expect_lt(len, PROTO_MAX_LINE);
	cr_expect_eq(strlen(line), len);
	cr_expect_eq(strchr(line, '\n'), line + len - 1);
	/* Not a request, but it must parse back as an object. */
	cr_expect_eq(proto_decode(line, len - 1, &req, NULL),
	    PROTO_E_BAD_REQUEST);
	cr_expect_not_null(req.root);
	cr_expect_str_eq(json_string_value(json_object_get(req.root, "body")),
	    body);
	proto_req_free(&req);
	free(line);
	free(body);
}

Test(proto, parse_post_round_trip)
{
	struct proto_post	 in = sample_post, out;
	json_t			*obj;
	int			 i;

	for (i = 0; i < 2; i++) {
		in.title = i == 0 ? NULL : "ከመይ ትሓልፍዎ?";
		obj = proto_event_post(&in);
		cr_assert_not_null(obj);
		cr_assert_eq(proto_parse_post(obj, &out), 0);
		cr_expect_eq(out.eid, in.eid);
		cr_expect_eq(out.post, in.post);
		cr_expect_eq(out.thread, in.thread);
		cr_expect_eq(out.ts, in.ts);
		cr_expect_str_eq(out.channel, in.channel);
		cr_expect_str_eq(out.author, in.author);
		cr_expect_str_eq(out.org, in.org);
		cr_expect_str_eq(out.body, in.body);
		if (in.title == NULL)
			cr_expect_null(out.title);
		else
			cr_expect_str_eq(out.title, in.title);
		json_decref(obj);
	}
}

/* Each case spoils one member of a good event (NULL value: remove it). */
Test(proto, parse_post_rejects)
{
	static const struct {
		const char	*key;
		const char	*value;		/* JSON text */
	} cases[] = {
		{ "ev", "\"gap\"" },
		{ "ev", NULL },
		{ "body", "7" },
		{ "author", NULL },
		{ "org", "3" },
		{ "state", "1" },
		{ "note", "[]" },
		{ "edited", "\"2\"" },
		{ "edited", "-1" },
		{ "eid", "\"42\"" },
		{ "post", "4.2" },
		{ "thread", NULL },
		{ "channel", "[]" },
		{ "title", "5" },
		{ "ts", "\"2026-02-30T00:00:00Z\"" },
		{ "ts", "\"2026-11-25 08:15:02Z\"" },
		{ "ts", "\"2026-11-25T08:15:02\"" },
		{ "ts", "\"2026-11-25T24:00:00Z\"" },
		{ "ts", "\"+026-11-25T08:15:02Z\"" },
		{ "ts", "\"0000-01-01T00:00:00Z\"" },
		{ "ts", "1795594502" },
	};
	struct proto_post	 p;
	json_t			*good, *obj;
	size_t			 i;

	good = proto_event_post(&sample_post);
	cr_assert_not_null(good);
	cr_assert_eq(proto_parse_post(good, &p), 0);
	for (i = 0; i < NITEMS(cases); i++) {
		obj = json_deep_copy(good);
		if (cases[i].value == NULL)
			json_object_del(obj, cases[i].key);
		else
			json_object_set_new(obj, cases[i].key,
			    json_loads(cases[i].value, JSON_DECODE_ANY, NULL));
		cr_expect_eq(proto_parse_post(obj, &p), -1, "case %zu", i);
		json_decref(obj);
	}
	json_decref(good);
	obj = json_array();
	cr_expect_eq(proto_parse_post(obj, &p), -1);
	json_decref(obj);
	cr_expect_eq(proto_parse_post(NULL, &p), -1);
}

Test(proto, ts_format_table)
{
	const struct {
		int64_t		 ts;
		const char	*want;
	} cases[] = {
		{ 0, "1970-01-01T00:00:00Z" },
		{ 1795594502, "2026-11-25T08:15:02Z" },
		{ 951782400, "2000-02-29T00:00:00Z" },
		{ -1, "1969-12-31T23:59:59Z" },
		{ 253402300799LL, "9999-12-31T23:59:59Z" },
		{ INT64_MAX, "9999-12-31T23:59:59Z" },
		{ INT64_MIN, "0001-01-01T00:00:00Z" },
	};
	char	buf[PROTO_TS_LEN];
	size_t	i;

	for (i = 0; i < NITEMS(cases); i++) {
		memset(buf, 'X', sizeof buf);
		proto_ts_format(cases[i].ts, buf);
		cr_expect_str_eq(buf, cases[i].want, "case %zu", i);
	}
}

/* ---- error codes and roles ---- */

/* In enum order, as PROTOCOL.md's table names them. */
static const char *err_names[PROTO_E__COUNT] = {
	NULL, "line_too_long", "bad_utf8", "bad_json", "bad_request",
	"unknown_op", "auth_required", "auth_failed", "bad_state",
	"forbidden", "not_found", "not_member", "exists", "bad_name",
	"bad_text", "bad_password", "too_large", "invite_invalid",
	"too_far_behind", "busy", "rate_limited", "shutting_down",
	"internal", "line_timeout", "suspended",
	"muted", "banned", "slow_mode", "locked",
	"bad_offset", "bad_hash", "bad_type",
	"deactivated", "reset_invalid",
};

Test(proto, err_codes_round_trip)
{
	const char	*m;
	int		 e;

	for (e = PROTO_OK + 1; e < PROTO_E__COUNT; e++) {
		cr_assert_not_null(proto_err_code((enum proto_err)e));
		cr_expect_str_eq(proto_err_code((enum proto_err)e),
		    err_names[e]);
		cr_expect_eq((int)proto_err_parse(err_names[e]), e);
		m = proto_err_message((enum proto_err)e);
		cr_assert_not_null(m);
		cr_expect_gt(strlen(m), 0);
	}
	cr_expect_null(proto_err_code(PROTO_OK));
	cr_expect_null(proto_err_code(PROTO_E__COUNT));
	cr_expect_null(proto_err_code((enum proto_err)-1));
	cr_expect_not_null(proto_err_message(PROTO_E__COUNT));
	cr_expect_eq(proto_err_parse("no_such_code"), PROTO_E__COUNT);
	cr_expect_eq(proto_err_parse("NOT_FOUND"), PROTO_E__COUNT);
	cr_expect_eq(proto_err_parse(""), PROTO_E__COUNT);
	cr_expect_eq(proto_err_parse(NULL), PROTO_E__COUNT);
}

Test(proto, roles)
{
	const struct {
		enum proto_role	 role;
		const char	*name;
	} cases[] = {
		{ ROLE_MEMBER, "member" },
		{ ROLE_ORG_ADMIN, "org-admin" },
		{ ROLE_FACILITATOR, "facilitator" },
		{ ROLE_ADMIN, "admin" },
	};
	size_t	i;

	for (i = 0; i < NITEMS(cases); i++) {
		cr_expect_str_eq(proto_role_name(cases[i].role), cases[i].name);
		cr_expect_eq(proto_role_parse(cases[i].name), cases[i].role);
	}
	cr_expect_null(proto_role_name(ROLE_NONE));
	cr_expect_null(proto_role_name((enum proto_role)99));
	cr_expect_eq(proto_role_parse("none"), ROLE_NONE);
	cr_expect_eq(proto_role_parse("Admin"), ROLE_NONE);
	cr_expect_eq(proto_role_parse("org_admin"), ROLE_NONE);
	cr_expect_eq(proto_role_parse(""), ROLE_NONE);
	cr_expect_eq(proto_role_parse(NULL), ROLE_NONE);
	/* Trust order, as the header promises. */
	/* Stored values: written out, never renumbered. */
	cr_expect_eq(ROLE_MEMBER, 1);
	cr_expect_eq(ROLE_ORG_ADMIN, 2);
	cr_expect_eq(ROLE_FACILITATOR, 3);
	cr_expect_eq(ROLE_ADMIN, 4);
}

/* The hot path's encoders give exactly jansson's bytes. */
Test(proto, fast_post_encoding_matches)
{
	static const char *const bodies[] = {
		"plain", "quote \" backslash \\ slash /",
		"lines\nand\ttabs\r\x01\x1f\x7f end",
		"\xd9\x85\xd8\xb1\xd8\xad\xd8\xa8\xd8\xa7 \xd0\x9f\xd1\x80\xd0\xb8 \xf0\x9f\x8c\x8a",
	};
	struct proto_post p;
	json_t *ev, *id;
	char *a, *b;
	size_t la, lb, i;

	for (i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
		memset(&p, 0, sizeof p);
		p.eid = p.post = 9007199254740000LL + (int64_t)i;
		p.thread = i % 2 ? 5 : p.eid;
		p.ts = 1795000000;
		p.channel = "peer/vicarious-trauma";
		p.author = "ana";
		p.org = "refugee-action";
		p.title = i % 2 ? NULL : bodies[(i + 1) % 4];
		p.body = bodies[i];
		ev = proto_event_post(&p);
		a = proto_encode(ev, &la);
		b = proto_encode_post(&p, &lb);
		cr_expect_eq(la, lb, "case %zu", i);
		cr_expect_str_eq(a, b, "case %zu", i);
		json_decref(ev);
		free(a);
		free(b);
	}
	for (i = 0; i < 3; i++) {
		id = i == 0 ? json_integer(42) : i == 1 ?
		    json_string("req \"7\"\n") : NULL;
		a = proto_reply_ok(id, json_pack("{s:I, s:I, s:I}", "post",
		    (json_int_t)11, "thread", (json_int_t)3, "eid",
		    (json_int_t)11), &la);
		b = proto_reply_post(id, 11, 3, 11, &lb);
		cr_expect_str_eq(a, b, "reply case %zu", i);
		json_decref(id);
		free(a);
		free(b);
	}
	/* Integers at their edges, as printf would print them. */
	{
		static const int64_t n[] = { 0, 9, 10, -1, -10, INT64_MAX,
		    INT64_MIN, 1000000007 };

		for (i = 0; i < sizeof n / sizeof n[0]; i++) {
			a = proto_reply_ok(NULL, json_pack("{s:I, s:I, s:I}",
			    "post", (json_int_t)n[i], "thread",
			    (json_int_t)n[(i + 1) % 8], "eid",
			    (json_int_t)n[(i + 2) % 8]), &la);
			b = proto_reply_post(NULL, n[i], n[(i + 1) % 8],
			    n[(i + 2) % 8], &lb);
			cr_expect_str_eq(a, b, "integer case %zu", i);
			free(a);
			free(b);
		}
	}
}
