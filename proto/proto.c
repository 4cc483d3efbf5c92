/*
 * proto.c: the Harbour wire codec (PROTOCOL.md made into code).
 *
 * Everything a peer sends passes through here before any other module
 * looks at it, so the rules are strict and checked in one place: a line
 * is framed, proven to be UTF-8 by our own decoder (jansson's own check
 * is not documented to reject every overlong form or surrogate, and the
 * same decoder also drives the text rules), parsed with duplicate keys
 * rejected, and only then handed on as a struct proto_req whose id and
 * op are already known to be well formed. Getters then read fields with
 * their type and range checked, so that command code never touches an
 * unchecked json_t.
 *
 * Nothing here blocks, logs or keeps state: the daemon, the client, the
 * unit tests and the fuzzer all link this one file. Input never makes it
 * assert or abort; every rejection is an enum proto_err.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "proto.h"

/*
 * The wire names and default messages, indexed by enum proto_err. The
 * messages are deliberately generic: a command that wants to say more
 * ("no such channel") passes its own.
 */
static const struct {
	const char	*code;
	const char	*message;
} proto_errs[PROTO_E__COUNT] = {
	[PROTO_OK] =			{ NULL, "ok" },
	[PROTO_E_LINE_TOO_LONG] =	{ "line_too_long", "line too long" },
	[PROTO_E_BAD_UTF8] =		{ "bad_utf8", "invalid UTF-8" },
	[PROTO_E_BAD_JSON] =		{ "bad_json", "invalid JSON" },
	[PROTO_E_BAD_REQUEST] =		{ "bad_request", "bad request" },
	[PROTO_E_UNKNOWN_OP] =		{ "unknown_op", "unknown operation" },
	[PROTO_E_AUTH_REQUIRED] =	{ "auth_required", "log in first" },
	[PROTO_E_AUTH_FAILED] =		{ "auth_failed",
					  "authentication failed" },
	[PROTO_E_BAD_STATE] =		{ "bad_state", "not allowed now" },
	[PROTO_E_FORBIDDEN] =		{ "forbidden", "not allowed" },
	[PROTO_E_NOT_FOUND] =		{ "not_found", "not found" },
	[PROTO_E_NOT_MEMBER] =		{ "not_member",
					  "join the channel first" },
	[PROTO_E_EXISTS] =		{ "exists", "already exists" },
	[PROTO_E_BAD_NAME] =		{ "bad_name", "invalid name" },
	[PROTO_E_BAD_TEXT] =		{ "bad_text", "invalid text" },
	[PROTO_E_BAD_PASSWORD] =	{ "bad_password",
					  "password must be 8 to 1024 bytes" },
	[PROTO_E_TOO_LARGE] =		{ "too_large", "text too long" },
	[PROTO_E_INVITE_INVALID] =	{ "invite_invalid", "invalid invite" },
	[PROTO_E_TOO_FAR_BEHIND] =	{ "too_far_behind",
					  "too far behind, sync first" },
	[PROTO_E_BUSY] =		{ "busy", "server busy, try again" },
	[PROTO_E_RATE_LIMITED] =	{ "rate_limited",
					  "too many requests, slow down" },
	[PROTO_E_SHUTTING_DOWN] =	{ "shutting_down",
					  "server shutting down" },
	[PROTO_E_INTERNAL] =		{ "internal", "internal error" },
	[PROTO_E_LINE_TIMEOUT] =	{ "line_timeout",
					  "a line took too long to arrive" },
	[PROTO_E_SUSPENDED] =		{ "suspended",
					  "this account is suspended" },
	[PROTO_E_MUTED] =		{ "muted",
					  "you are muted in this channel" },
	[PROTO_E_BANNED] =		{ "banned",
					  "you are banned from this channel" },
	[PROTO_E_SLOW_MODE] =		{ "slow_mode",
					  "this channel is in slow mode" },
	[PROTO_E_LOCKED] =		{ "locked",
					  "this thread is locked" },
	[PROTO_E_BAD_OFFSET] =		{ "bad_offset",
					  "that chunk is not where the "
					  "transfer stands" },
	[PROTO_E_BAD_HASH] =		{ "bad_hash",
					  "the file's SHA-256 is not the one "
					  "declared: send it again" },
	[PROTO_E_BAD_TYPE] =		{ "bad_type",
					  "files of that type are not "
					  "allowed" },
	[PROTO_E_DEACTIVATED] =		{ "deactivated",
					  "this account was deactivated" },
	[PROTO_E_RESET_INVALID] =	{ "reset_invalid",
					  "that reset code is unknown, used "
					  "or expired" },
};

/* Indexed by enum proto_role; ROLE_NONE has no wire name. */
static const char *proto_roles[] = {
	[ROLE_NONE] = NULL,
	[ROLE_MEMBER] = "member",
	[ROLE_ORG_ADMIN] = "org-admin",
	[ROLE_FACILITATOR] = "facilitator",
	[ROLE_ADMIN] = "admin",
};
#define PROTO_NROLES	(sizeof proto_roles / sizeof proto_roles[0])


/* Which control characters a piece of display text may carry. */
const char *
proto_err_code(enum proto_err e)
{
	if ((unsigned)e >= PROTO_E__COUNT)
		return (NULL);
	return (proto_errs[e].code);
}

/* Never NULL, so that a caller may print it whatever the code. */
const char *
proto_err_message(enum proto_err e)
{
	if ((unsigned)e >= PROTO_E__COUNT)
		return ("unknown error");
	return (proto_errs[e].message);
}

enum proto_err
proto_err_parse(const char *code)
{
	unsigned	i;

	if (code == NULL)
		return (PROTO_E__COUNT);
	for (i = PROTO_OK + 1; i < PROTO_E__COUNT; i++) {
		if (strcmp(code, proto_errs[i].code) == 0)
			return ((enum proto_err)i);
	}
	return (PROTO_E__COUNT);
}

const char *
proto_role_name(enum proto_role r)
{
	if ((unsigned)r >= PROTO_NROLES)
		return (NULL);
	return (proto_roles[r]);
}

enum proto_role
proto_role_parse(const char *s)
{
	unsigned	i;

	if (s == NULL)
		return (ROLE_NONE);
	for (i = ROLE_NONE + 1; i < PROTO_NROLES; i++) {
		if (strcmp(s, proto_roles[i]) == 0)
			return ((enum proto_role)i);
	}
	return (ROLE_NONE);
}

/*
 * Only the first PROTO_MAX_LINE bytes are searched, so a peer that never
 * sends a newline costs one bounded scan and is then refused, however
 * much it has sent.
 */
enum proto_frame
proto_frame(const char *buf, size_t len, size_t *linelen, size_t *consumed)
{
	return (proto_frame_max(buf, len, PROTO_MAX_LINE, linelen, consumed));
}

enum proto_frame
proto_frame_max(const char *buf, size_t len, size_t max, size_t *linelen,
    size_t *consumed)
{
	const char	*nl;
	size_t		 n, scan;

	*linelen = 0;
	*consumed = 0;
	scan = len < max ? len : max;
	nl = scan > 0 ? memchr(buf, '\n', scan) : NULL;
	if (nl == NULL) {
		if (len >= max)
			return (PROTO_FRAME_TOO_LONG);
		return (PROTO_FRAME_NEED_MORE);
	}
	n = (size_t)(nl - buf);
	*consumed = n + 1;
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	*linelen = n;
	return (PROTO_FRAME_LINE);
}

/*
 * Decode one UTF-8 sequence from s[0..len). Returns its length and the
 * code point in *cp, or 0 when it is not the shortest encoding of a
 * scalar value: 0xC0/0xC1 and short multi-byte forms are overlongs,
 * 0xD800..0xDFFF are surrogates, and nothing lies above U+10FFFF.
 */
size_t
proto_utf8_next(const unsigned char *s, size_t len, uint32_t *cp)
{
	uint32_t	c, min;
	size_t		n, i;

	c = s[0];
	if (c < 0x80) {
		*cp = c;
		return (1);
	}
	if (c < 0xc2)
		return (0);
	if (c < 0xe0) {
		n = 2;
		c &= 0x1f;
		min = 0x80;
	} else if (c < 0xf0) {
		n = 3;
		c &= 0x0f;
		min = 0x800;
	} else if (c < 0xf5) {
		n = 4;
		c &= 0x07;
		min = 0x10000;
	} else
		return (0);
	if (len < n)
		return (0);
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return (0);
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return (0);
	*cp = c;
	return (n);
}

int
proto_utf8_valid(const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i = 0, n;
	uint32_t		 cp;

	while (i < len) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if ((n = proto_utf8_next(p + i, len - i, &cp)) == 0)
			return (0);
		i += n;
	}
	return (1);
}

/* An id is an integer in 0..2^53 (exact in a double) or a short string. */
static int
proto_id_valid(const json_t *id)
{
	json_int_t	v;

	if (json_is_integer(id)) {
		v = json_integer_value(id);
		return (v >= 0 && v <= PROTO_ID_MAX);
	}
	if (json_is_string(id))
		return (json_string_length(id) <= PROTO_MAX_ID_STR &&
		    strlen(json_string_value(id)) == json_string_length(id));
	return (0);
}

enum proto_err
proto_decode(const char *line, size_t len, struct proto_req *req,
    const char **detail)
{
	json_error_t	 jerr;
	json_t		*root, *id, *op;
	const char	*dummy;

	if (detail == NULL)
		detail = &dummy;
	memset(req, 0, sizeof *req);

	if (!proto_utf8_valid(line, len)) {
		*detail = "invalid UTF-8";
		return (PROTO_E_BAD_UTF8);
	}
	/* Duplicate keys would let two readers see two different requests. */
	/* A \u0000 inside a string is valid JSON: let it through so that
	 * the field's own check answers it (bad_text), with the id. */
	if ((root = proto_scan_object(line, len)) == NULL)
		root = json_loadb(line, len, JSON_REJECT_DUPLICATES |
		    JSON_ALLOW_NUL, &jerr);
	if (root == NULL) {
		*detail = "invalid JSON";
		return (PROTO_E_BAD_JSON);
	}
	if (!json_is_object(root)) {
		json_decref(root);
		*detail = "not a JSON object";
		return (PROTO_E_BAD_JSON);
	}
	req->root = root;

	id = json_object_get(root, "id");
	if (id == NULL) {
		*detail = "missing \"id\"";
		return (PROTO_E_BAD_REQUEST);
	}
	if (!proto_id_valid(id)) {
		*detail = "\"id\" must be an integer from 0 to 2^53 or a "
		    "string of at most 64 bytes";
		return (PROTO_E_BAD_REQUEST);
	}
	req->id = id;

	op = json_object_get(root, "op");
	if (op == NULL) {
		*detail = "missing \"op\"";
		return (PROTO_E_BAD_REQUEST);
	}
	if (!json_is_string(op) ||
	    strlen(json_string_value(op)) != json_string_length(op)) {
		*detail = "\"op\" must be a string";
		return (PROTO_E_BAD_REQUEST);
	}
	req->op = json_string_value(op);
	*detail = NULL;
	return (PROTO_OK);
}

void
proto_req_free(struct proto_req *req)
{
	if (req == NULL)
		return;
	json_decref(req->root);
	memset(req, 0, sizeof *req);
}

/*
 * A field's value, or NULL when absent. JSON null counts as absent, so a
 * client may spell an unset optional field either way.
 */
static json_t *
proto_field(const struct proto_req *req, const char *field)
{
	json_t	*v;

	if (req == NULL || req->root == NULL || field == NULL)
		return (NULL);
	v = json_object_get(req->root, field);
	if (json_is_null(v))
		return (NULL);
	return (v);
}

/* Common handling of an absent field; returns 1 when v is absent. */
static int
proto_absent(const json_t *v, int required, int *present,
    enum proto_err *err)
{
	if (present != NULL)
		*present = v != NULL;
	if (v != NULL)
		return (0);
	*err = required ? PROTO_E_BAD_REQUEST : PROTO_OK;
	return (1);
}

enum proto_err
proto_get_str(const struct proto_req *req, const char *field, int required,
    const char **out, int *present)
{
	json_t		*v = proto_field(req, field);
	enum proto_err	 err;

	if (proto_absent(v, required, present, &err))
		return (err);
	if (!json_is_string(v))
		return (PROTO_E_BAD_REQUEST);
	/* An embedded NUL would silently cut the C string short. */
	if (strlen(json_string_value(v)) != json_string_length(v))
		return (PROTO_E_BAD_TEXT);
	*out = json_string_value(v);
	return (PROTO_OK);
}

enum proto_err
proto_get_int(const struct proto_req *req, const char *field, int required,
    int64_t min, int64_t max, int64_t *out, int *present)
{
	json_t		*v = proto_field(req, field);
	enum proto_err	 err;
	json_int_t	 n;

	if (proto_absent(v, required, present, &err))
		return (err);
	if (!json_is_integer(v))
		return (PROTO_E_BAD_REQUEST);
	n = json_integer_value(v);
	if (n < min || n > max)
		return (PROTO_E_BAD_REQUEST);
	*out = n;
	return (PROTO_OK);
}

enum proto_err
proto_get_bool(const struct proto_req *req, const char *field, int *out)
{
	json_t	*v = proto_field(req, field);

	if (v == NULL)
		return (PROTO_OK);
	if (!json_is_boolean(v))
		return (PROTO_E_BAD_REQUEST);
	*out = json_is_true(v);
	return (PROTO_OK);
}

enum proto_err
proto_get_strarray(const struct proto_req *req, const char *field,
    size_t max, json_t **out, int *present)
{
	json_t		*v = proto_field(req, field), *e;
	enum proto_err	 err;
	size_t		 i;

	if (proto_absent(v, 0, present, &err))
		return (err);
	if (!json_is_array(v) || json_array_size(v) > max)
		return (PROTO_E_BAD_REQUEST);
	json_array_foreach(v, i, e) {
		if (!json_is_string(e) || strlen(json_string_value(e)) !=
		    json_string_length(e))
			return (PROTO_E_BAD_REQUEST);
	}
	*out = v;
	return (PROTO_OK);
}

/* A growing buffer for json_dump_callback: one pass over the object. */
struct proto_buf {
	char	*data;
	size_t	 len;
	size_t	 size;
};

static int
proto_buf_add(const char *s, size_t n, void *arg)
{
	struct proto_buf	*b = arg;
	size_t			 size;
	char			*p;

	/* Room for n bytes plus the "\n" and NUL added at the end. */
	if (b->size - b->len < n + 2) {
		size = b->size != 0 ? b->size : 256;
		while (size - b->len < n + 2) {
			if (size > SIZE_MAX / 2)
				return (-1);
			size *= 2;
		}
		if ((p = realloc(b->data, size)) == NULL)
			return (-1);
		b->data = p;
		b->size = size;
	}
	memcpy(b->data + b->len, s, n);
	b->len += n;
	return (0);
}

/*
 * Compact, and UTF-8 left as it is (no JSON_ENSURE_ASCII): a line of
 * Arabic or Tigrinya stays about as long as its text. jansson escapes
 * every control character inside strings, so the only newline in the
 * result is the terminating one.
 */
char *
proto_encode(json_t *obj, size_t *len)
{
	struct proto_buf	b = { NULL, 0, 0 };

	*len = 0;
	if (obj == NULL ||
	    json_dump_callback(obj, proto_buf_add, &b, JSON_COMPACT) != 0 ||
	    b.data == NULL) {
		free(b.data);
		return (NULL);
	}
	b.data[b.len++] = '\n';
	b.data[b.len] = '\0';
	*len = b.len;
	return (b.data);
}

/* {"id": id-or-null, key: value}, value stolen; NULL on failure. */
static char *
proto_reply(json_t *id, const char *key, json_t *value, size_t *len)
{
	json_t	*obj;
	char	*line;

	*len = 0;
	if (value == NULL)
		return (NULL);
	if ((obj = json_object()) == NULL) {
		json_decref(value);
		return (NULL);
	}
	json_object_set_new(obj, "id", id != NULL ? json_incref(id) :
	    json_null());
	json_object_set_new(obj, key, value);
	line = proto_encode(obj, len);
	json_decref(obj);
	return (line);
}

char *
proto_reply_ok(json_t *id, json_t *result, size_t *len)
{
	if (result == NULL)
		result = json_object();
	return (proto_reply(id, "result", result, len));
}

char *
proto_reply_err(json_t *id, enum proto_err e, const char *message,
    size_t *len)
{
	json_t	*err, *msg = NULL;

	/* A reply must carry a code a client can parse. */
	if (proto_err_code(e) == NULL)
		e = PROTO_E_INTERNAL;
	/* json_string refuses bad UTF-8; fall back rather than fail. */
	if (message != NULL)
		msg = json_string(message);
	if (msg == NULL)
		msg = json_string(proto_err_message(e));
	err = json_pack("{s:s, s:o}", "code", proto_err_code(e),
	    "message", msg);
	return (proto_reply(id, "error", err, len));
}

json_t *
proto_hello(const char *server_version, int login_timeout, int idle_timeout)
{
	return (json_pack("{s:s, s:i, s:s, s:{s:i, s:i, s:i, s:i, s:i, s:i, "
	    "s:i, s:i, s:i, s:i}}",
	    "ev", "hello",
	    "proto", PROTO_VERSION,
	    "server", server_version,
	    "limits",
	    "max_line", PROTO_MAX_LINE,
	    "max_body", PROTO_MAX_BODY,
	    "max_title", PROTO_MAX_TITLE,
	    "page_default", PROTO_PAGE_DEFAULT,
	    "page_max", PROTO_PAGE_MAX,
	    "sync_page", PROTO_SYNC_PAGE,
	    "replay_max", PROTO_REPLAY_MAX,
	    "subscribe_max", PROTO_SUBSCRIBE_MAX,
	    "login_timeout", login_timeout,
	    "idle_timeout", idle_timeout));
}


json_t *
proto_request(int64_t id, const char *op)
{
	return (json_pack("{s:I, s:s}", "id", (json_int_t)id, "op", op));
}
