/*
 * proto-post.c: the hot path's encoders. A post event is encoded once
 * per post and a post's reply once per post; at tens of thousands of
 * posts a second, building a jansson object and dumping it costs more
 * than everything else the loop does for them. These write the same
 * bytes directly: the same keys in the same order, and strings escaped
 * as jansson escapes them (JSON_COMPACT: ", \ and control characters;
 * UTF-8 passes as it is), so a client cannot tell the two apart, and
 * the unit tests hold them to byte equality with proto_encode().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"

struct proto_out {
	char	*buf;
	size_t	 len, cap;
};

static void
proto_out_grow(struct proto_out *o, size_t n)
{
	char *p;

	if (o->len + n + 1 <= o->cap)
		return;
	o->cap = (o->len + n + 1) * 2;
	if ((p = realloc(o->buf, o->cap)) == NULL)
		abort();	/* as jansson's allocator would fail us */
	o->buf = p;
}

static void
proto_out_raw(struct proto_out *o, const char *s, size_t n)
{
	proto_out_grow(o, n);
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static void
proto_out_int(struct proto_out *o, int64_t v)
{
	char num[24], *d = num + sizeof num;
	/* Digits from the last, without printf (one per post and reply). */
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;

	do
		*--d = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		*--d = '-';
	proto_out_raw(o, d, (size_t)(num + sizeof num - d));
}

/* A JSON string, escaped as jansson does. */
static void
proto_out_str(struct proto_out *o, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)s, *run;
	char esc[6];

	proto_out_raw(o, "\"", 1);
	for (run = p; *p != '\0'; p++) {
		if (*p >= 0x20 && *p != '"' && *p != '\\')
			continue;
		proto_out_raw(o, (const char *)run, (size_t)(p - run));
		run = p + 1;
		switch (*p) {
		case '"':	proto_out_raw(o, "\\\"", 2); break;
		case '\\':	proto_out_raw(o, "\\\\", 2); break;
		case '\b':	proto_out_raw(o, "\\b", 2); break;
		case '\f':	proto_out_raw(o, "\\f", 2); break;
		case '\n':	proto_out_raw(o, "\\n", 2); break;
		case '\r':	proto_out_raw(o, "\\r", 2); break;
		case '\t':	proto_out_raw(o, "\\t", 2); break;
		default:
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[*p >> 4];
			esc[5] = hex[*p & 0xf];
			proto_out_raw(o, esc, 6);
			break;
		}
	}
	proto_out_raw(o, (const char *)run, (size_t)(p - run));
	proto_out_raw(o, "\"", 1);
}

static void
proto_out_key_int(struct proto_out *o, const char *key, int64_t v)
{
	proto_out_raw(o, ",\"", 2);
	proto_out_raw(o, key, strlen(key));
	proto_out_raw(o, "\":", 2);
	proto_out_int(o, v);
}

static void
proto_out_key_str(struct proto_out *o, const char *key, const char *v)
{
	proto_out_raw(o, ",\"", 2);
	proto_out_raw(o, key, strlen(key));
	proto_out_raw(o, "\":", 2);
	proto_out_str(o, v);
}

static char *
proto_out_end(struct proto_out *o, size_t *len)
{
	proto_out_raw(o, "\n", 1);
	o->buf[o->len] = '\0';
	*len = o->len;
	return (o->buf);
}

/* Keys in the order PROTOCOL.md shows them; jansson keeps that order. */
json_t *
proto_event_post(const struct proto_post *p)
{
	char	 ts[PROTO_TS_LEN];
	json_t	*obj;

	proto_ts_format(p->ts, ts);
	obj = json_pack("{s:s, s:I, s:s, s:I, s:I}",
	    "ev", "post",
	    "eid", (json_int_t)p->eid,
	    "channel", p->channel,
	    "thread", (json_int_t)p->thread,
	    "post", (json_int_t)p->post);
	if (obj == NULL)
		return (NULL);
	/* json_string() refuses bad UTF-8 and NULL: then no half event. */
	if (p->author != NULL) {
		if (json_object_set_new(obj, "author",
		    json_string(p->author)) != 0 ||
		    json_object_set_new(obj, "org", json_string(p->org)) != 0)
			goto fail;
	} else if (json_object_set_new(obj, "anon", json_true()) != 0)
		goto fail;
	if (json_object_set_new(obj, "ts", json_string(ts)) != 0)
		goto fail;
	if (p->state != NULL && json_object_set_new(obj, "state",
	    json_string(p->state)) != 0)
		goto fail;
	if (p->reason != NULL && json_object_set_new(obj, "reason",
	    json_string(p->reason)) != 0)
		goto fail;
	if (p->note != NULL && json_object_set_new(obj, "note",
	    json_string(p->note)) != 0)
		goto fail;
	if (p->edited > 0 && json_object_set_new(obj, "edited",
	    json_integer((json_int_t)p->edited)) != 0)
		goto fail;
	if (p->title != NULL && json_object_set_new(obj, "title",
	    json_string(p->title)) != 0)
		goto fail;
	if (p->body != NULL && json_object_set_new(obj, "body",
	    json_string(p->body)) != 0)
		goto fail;
	return (obj);
fail:
	json_decref(obj);
	return (NULL);
}

char *
proto_encode_post(const struct proto_post *p, size_t *len)
{
	struct proto_out o = { NULL, 0, 0 };
	char ts[PROTO_TS_LEN];

	proto_out_grow(&o, (p->body != NULL ? strlen(p->body) : 0) + 256);
	proto_out_raw(&o, "{\"ev\":\"post\"", 12);
	proto_out_key_int(&o, "eid", p->eid);
	proto_out_key_str(&o, "channel", p->channel);
	proto_out_key_int(&o, "thread", p->thread);
	proto_out_key_int(&o, "post", p->post);
	if (p->author != NULL) {
		proto_out_key_str(&o, "author", p->author);
		proto_out_key_str(&o, "org", p->org);
	} else
		proto_out_raw(&o, ",\"anon\":true", 12);
	proto_ts_format(p->ts, ts);
	proto_out_key_str(&o, "ts", ts);
	if (p->state != NULL)
		proto_out_key_str(&o, "state", p->state);
	if (p->reason != NULL)
		proto_out_key_str(&o, "reason", p->reason);
	if (p->note != NULL)
		proto_out_key_str(&o, "note", p->note);
	if (p->edited > 0)
		proto_out_key_int(&o, "edited", p->edited);
	if (p->title != NULL)
		proto_out_key_str(&o, "title", p->title);
	if (p->body != NULL)
		proto_out_key_str(&o, "body", p->body);
	proto_out_raw(&o, "}", 1);
	return (proto_out_end(&o, len));
}

char *
proto_reply_post(json_t *id, int64_t post, int64_t thread, int64_t eid,
    size_t *len)
{
	struct proto_out o = { NULL, 0, 0 };

	proto_out_grow(&o, 128);
	proto_out_raw(&o, "{\"id\":", 6);
	if (id != NULL && json_is_string(id))
		proto_out_str(&o, json_string_value(id));
	else if (id != NULL && json_is_integer(id))
		proto_out_int(&o, json_integer_value(id));
	else
		proto_out_raw(&o, "null", 4);
	proto_out_raw(&o, ",\"result\":{\"post\":", 18);
	proto_out_int(&o, post);
	proto_out_key_int(&o, "thread", thread);
	proto_out_key_int(&o, "eid", eid);
	proto_out_raw(&o, "}}", 2);
	return (proto_out_end(&o, len));
}

int
proto_parse_post(json_t *obj, struct proto_post *p)
{
	json_t		*v;
	json_int_t	 eid, post, thread, edited;
	const char	*ev, *ts;

	memset(p, 0, sizeof *p);
	if (json_unpack(obj, "{s:s, s:I, s:s, s:I, s:I, s:s}",
	    "ev", &ev, "eid", &eid, "channel", &p->channel,
	    "thread", &thread, "post", &post, "ts", &ts) != 0)
		goto fail;
	if (strcmp(ev, "post") != 0 || proto_ts_parse(ts, &p->ts) != 0)
		goto fail;
	/* An anonymous post has neither author nor organisation. */
	if (!json_is_true(json_object_get(obj, "anon")) &&
	    json_unpack(obj, "{s:s, s:s}", "author", &p->author,
	    "org", &p->org) != 0)
		goto fail;
	if ((v = json_object_get(obj, "title")) != NULL && !json_is_null(v)) {
		if (!json_is_string(v))
			goto fail;
		p->title = json_string_value(v);
	}
	/* Optional parts: a wrong type is a broken event. */
	edited = 0;
	if (json_unpack(obj, "{s?s, s?s, s?s, s?s, s?I}", "body", &p->body,
	    "state", &p->state, "reason", &p->reason, "note", &p->note,
	    "edited", &edited) != 0 || edited < 0)
		goto fail;
	p->edited = edited;
	p->eid = eid;
	p->post = post;
	p->thread = thread;
	return (0);
fail:
	memset(p, 0, sizeof *p);
	return (-1);
}
