/*
 * fuzz-proto.c: libFuzzer target for the wire codec.
 *
 * The input is treated as bytes arriving on a connection: it is framed
 * line by line exactly as the client frames it, and every line goes
 * through what the daemon does with a line: decode, read the fields the
 * operations use, run the name and text checks, and encode the reply.
 * Besides crashes and sanitizer reports (leaks included), the target
 * checks the codec's own promises and traps when one breaks:
 *
 * - a framed line is inside the buffer and within PROTO_MAX_LINE;
 * - every encoded line is valid UTF-8, ends in its only newline, and a
 *   decoded request re-encoded decodes again to the same op;
 * - a channel that passes the check splits into names that pass too;
 * - a post event that parses prints back to an event that parses to
 *   the same fields;
 * - where the fast path (proto_scan_object) reads a line, jansson reads
 *   it too, to an equal value: the fast path never changes what a line
 *   means.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "proto.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define FUZZ_CHECK(x)	do { if (!(x)) __builtin_trap(); } while (0)

/* The string fields the operations read, and what checks each. */
static const char *fuzz_str_fields[] = {
	"channel", "body", "title", "user", "password", "invite", "token",
	"old", "new", "name", "org", "role", "op", "tag", "url", "summary",
	"sha256", "data", "hours", "tz",
};
static const char *fuzz_int_fields[] = {
	"since", "thread", "limit", "expires", "id", "resource", "item",
	"offset", "size", "length",
};

/* An encoded line: one line, UTF-8, nothing after its newline. */
static void
fuzz_check_line(const char *line, size_t len)
{
	size_t	linelen, consumed;

	FUZZ_CHECK(line != NULL && len > 0 && line[len - 1] == '\n');
	FUZZ_CHECK(strlen(line) == len);
	FUZZ_CHECK(proto_utf8_valid(line, len));
	if (len <= PROTO_MAX_LINE) {
		FUZZ_CHECK(proto_frame(line, len, &linelen, &consumed) ==
		    PROTO_FRAME_LINE);
		FUZZ_CHECK(consumed == len);
	}
}

/*
 * The resources' readers: mentions are distinct valid user names, at
 * most the bound; a chunk that decodes re-encodes to the same text;
 * a tag, a link and a hash that pass are what they say.
 */
static void
fuzz_resource_checks(const char *s)
{
	char	names[PROTO_MAX_MENTIONS][PROTO_MAX_NAME + 1], *again;
	uint8_t	buf[PROTO_CHUNK_MAX + 2], sha[32];
	size_t	len;
	int	n, i, j;

	n = proto_mentions(s, names, PROTO_MAX_MENTIONS);
	FUZZ_CHECK(n >= 0 && n <= PROTO_MAX_MENTIONS);
	for (i = 0; i < n; i++) {
		FUZZ_CHECK(proto_check_user(names[i]) == PROTO_OK);
		for (j = 0; j < i; j++)
			FUZZ_CHECK(strcmp(names[i], names[j]) != 0);
	}
	if (proto_base64_decode(s, buf, PROTO_CHUNK_MAX, &len) == 0) {
		FUZZ_CHECK(len <= PROTO_CHUNK_MAX);
		again = proto_base64_encode(buf, len, NULL);
		FUZZ_CHECK(again != NULL && strcmp(again, s) == 0);
		free(again);
	}
	if (proto_check_tag(s) == PROTO_OK)
		FUZZ_CHECK(strlen(s) >= 1 && strlen(s) <= PROTO_MAX_TAG);
	if (proto_check_url(s) == PROTO_OK)
		FUZZ_CHECK(strlen(s) <= PROTO_MAX_URL && strchr(s, ' ') == NULL);
	if (proto_parse_sha256(s, sha) == 0)
		FUZZ_CHECK(strlen(s) == PROTO_SHA256_HEX);
}

/* Every check on one NUL-terminated string. */
static void
fuzz_checkers(const char *s)
{
	char	org[PROTO_MAX_NAME + 1], name[PROTO_MAX_NAME + 1];

	fuzz_resource_checks(s);
	(void)proto_check_body(s);
	(void)proto_check_title(s);
	(void)proto_check_password(s);
	(void)proto_check_user(s);
	(void)proto_check_org(s);
	(void)proto_role_parse(s);
	(void)proto_err_parse(s);
	if (proto_check_channel(s, org, name) == PROTO_OK &&
	    strcmp(org, PROTO_DM_PREFIX) == 0)
		FUZZ_CHECK(proto_check_dm(s, NULL, NULL) == PROTO_OK &&
		    name[0] == '\0');
	else if (proto_check_channel(s, org, name) == PROTO_OK) {
		FUZZ_CHECK(strcmp(org, PROTO_PEER_PREFIX) == 0 ||
		    strcmp(org, PROTO_GROUP_PREFIX) == 0 ||
		    proto_check_org(org) == PROTO_OK);
		FUZZ_CHECK(strcmp(name, PROTO_PEER_PREFIX) == 0 ||
		    proto_check_org(name) == PROTO_OK);
		FUZZ_CHECK(strlen(org) + 1 + strlen(name) == strlen(s));
	}
}

/* Equal strings, or both absent (an anonymous or withheld part). */
static int
fuzz_same(const char *a, const char *b)
{
	return (a == NULL || b == NULL) ? a == b : strcmp(a, b) == 0;
}

/* A post event must survive print and parse unchanged. */
static void
fuzz_post(json_t *root)
{
	struct proto_post	 p, q;
	json_t			*ev;

	if (proto_parse_post(root, &p) != 0)
		return;
	ev = proto_event_post(&p);
	FUZZ_CHECK(ev != NULL);
	FUZZ_CHECK(proto_parse_post(ev, &q) == 0);
	FUZZ_CHECK(p.eid == q.eid && p.post == q.post &&
	    p.thread == q.thread && p.ts == q.ts);
	FUZZ_CHECK(fuzz_same(p.body, q.body) &&
	    fuzz_same(p.channel, q.channel) && fuzz_same(p.author, q.author) &&
	    fuzz_same(p.org, q.org) && fuzz_same(p.state, q.state) &&
	    fuzz_same(p.reason, q.reason) && fuzz_same(p.note, q.note) &&
	    p.edited == q.edited);
	FUZZ_CHECK((p.title == NULL) == (q.title == NULL));
	json_decref(ev);
}

/* Read the fields as the operations do; returns a result to send. */
static json_t *
fuzz_fields(const struct proto_req *req)
{
	json_t		*result, *arr = NULL, *e;
	const char	*s;
	int64_t		 n;
	int		 b, present;
	size_t		 i, j;

	result = json_object();
	for (i = 0; i < sizeof fuzz_str_fields / sizeof *fuzz_str_fields;
	    i++) {
		s = NULL;
		if (proto_get_str(req, fuzz_str_fields[i], i % 2, &s,
		    &present) != PROTO_OK || s == NULL)
			continue;
		FUZZ_CHECK(present);
		fuzz_checkers(s);
		json_object_set_new(result, fuzz_str_fields[i], json_string(s));
	}
	for (i = 0; i < sizeof fuzz_int_fields / sizeof *fuzz_int_fields;
	    i++) {
		if (proto_get_int(req, fuzz_int_fields[i], 0, 0, PROTO_ID_MAX,
		    &n, &present) == PROTO_OK && present) {
			FUZZ_CHECK(n >= 0 && n <= PROTO_ID_MAX);
			json_object_set_new(result, fuzz_int_fields[i],
			    json_integer(n));
		}
	}
	if (proto_get_bool(req, "joined", &b) == PROTO_OK)
		(void)b;
	if (proto_get_strarray(req, "channels", PROTO_PAGE_MAX, &arr,
	    &present) == PROTO_OK && present) {
		FUZZ_CHECK(json_array_size(arr) <= PROTO_PAGE_MAX);
		json_array_foreach(arr, j, e)
			fuzz_checkers(json_string_value(e));
		json_object_set(result, "channels", arr);
	}
	return (result);
}

/* A decoded request, re-encoded, decodes again to the same request. */
static void
fuzz_reencode(const struct proto_req *req)
{
	struct proto_req	 again;
	char			*line;
	size_t			 len;

	line = proto_encode(req->root, &len);
	fuzz_check_line(line, len);
	FUZZ_CHECK(proto_decode(line, len - 1, &again, NULL) == PROTO_OK);
	FUZZ_CHECK(strcmp(again.op, req->op) == 0);
	FUZZ_CHECK(json_equal(again.id, req->id));
	proto_req_free(&again);
	free(line);
}

/* The fast path against jansson, on a line that is valid UTF-8. */
static void
fuzz_scan(const char *line, size_t len)
{
	json_error_t	 jerr;
	json_t		*fast, *slow;

	if (!proto_utf8_valid(line, len) ||
	    (fast = proto_scan_object(line, len)) == NULL)
		return;
	slow = json_loadb(line, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL,
	    &jerr);
	FUZZ_CHECK(slow != NULL && json_equal(fast, slow));
	json_decref(slow);
	json_decref(fast);
}

static void
fuzz_line(const char *line, size_t len)
{
	struct proto_req	 req;
	const char		*detail;
	enum proto_err		 e;
	char			*out, *copy;
	size_t			 outlen;

	if ((copy = malloc(len + 1)) == NULL)
		return;
	memcpy(copy, line, len);
	copy[len] = '\0';
	fuzz_checkers(copy);
	free(copy);
	fuzz_scan(line, len);

	e = proto_decode(line, len, &req, &detail);
	if (e != PROTO_OK) {
		FUZZ_CHECK(detail != NULL && req.op == NULL);
		out = proto_reply_err(req.id, e, detail, &outlen);
	} else {
		FUZZ_CHECK(req.id != NULL && req.op != NULL);
		fuzz_reencode(&req);
		fuzz_post(req.root);
		out = proto_reply_ok(req.id, fuzz_fields(&req), &outlen);
	}
	fuzz_check_line(out, outlen);
	free(out);
	proto_req_free(&req);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*buf = (const char *)data;
	size_t		 off = 0, linelen, consumed, outlen;
	char		*out;

	while (off < size) {
		switch (proto_frame(buf + off, size - off, &linelen,
		    &consumed)) {
		case PROTO_FRAME_LINE:
			FUZZ_CHECK(consumed > linelen &&
			    consumed <= size - off &&
			    consumed <= PROTO_MAX_LINE);
			if (linelen > 0)
				fuzz_line(buf + off, linelen);
			off += consumed;
			break;
		case PROTO_FRAME_NEED_MORE:
			/* At end of input the client takes what is left. */
			FUZZ_CHECK(size - off < PROTO_MAX_LINE);
			fuzz_line(buf + off, size - off);
			return (0);
		case PROTO_FRAME_TOO_LONG:
			FUZZ_CHECK(size - off >= PROTO_MAX_LINE);
			out = proto_reply_err(NULL, PROTO_E_LINE_TOO_LONG,
			    NULL, &outlen);
			fuzz_check_line(out, outlen);
			free(out);
			return (0);
		}
	}
	return (0);
}
