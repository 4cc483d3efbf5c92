/*
 * 05-bad-input.c: what a broken or hostile client gets (PROTOCOL.md
 * "Transport and framing", "Requests and replies", the error table).
 *
 * Every case sends raw bytes, so the test controls exactly what is on
 * the wire, and expects its code with the right id (null when the id
 * cannot be read). After each case the same connection must still
 * work, except for line_too_long, which closes it. Throughout, a
 * second client (the witness) holds a live subscription; at the end it
 * must have received a post made after all the abuse, and answer a
 * request: another connection is never harmed.
 */
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "harness.h"

TestSuite(bad_input, .timeout = HX_TEST_TIMEOUT);

/* Between two looks at a condition we poll for. */
#define POLL_MS		100

#define CH	"peer/witness"

struct bench {
	struct hx_daemon	*d;
	struct hx_conn		*c;		/* the one misbehaving */
	struct hx_conn		*witness;
	struct hx_conn		*poster;
};

static void
bench_setup_conf(struct bench *b, const char *extra)
{
	b->d = hx_start(extra);
	hx_ok(hx_admin(b->d), "channel.create", "{s:s}", "channel", CH);
	b->c = hx_user(b->d, "refugee-action", "member", "ana");
	b->witness = hx_user(b->d, "refugee-action", "member", "wil");
	b->poster = hx_user(b->d, "migrant-help", "member", "pat");
	hx_ok(b->witness, "join", "{s:s}", "channel", CH);
	hx_ok(b->poster, "join", "{s:s}", "channel", CH);
	hx_ok(b->c, "join", "{s:s}", "channel", CH);
	hx_ok(b->witness, "subscribe", NULL);
}

static void
bench_setup(struct bench *b)
{
	bench_setup_conf(b, NULL);
}

/* The witness still works and still gets live posts. */
static void
bench_check_witness(struct bench *b)
{
	json_t	*ev;
	int64_t	 id;

	id = hx_post(b->poster, CH, "after the abuse", 0, "all well?");
	ev = hx_event(b->witness, hx_ms(HX_WAIT_MS));
	cr_assert_not_null(ev, "the witness got no live post");
	cr_assert_eq(hx_int(ev, "eid"), id, "the witness got %s", hx_dump(ev));
	hx_ok(b->witness, "whoami", NULL);
}

/* Raw text, exactly as given. */
static int
send_text(struct hx_conn *c, const char *s)
{
	return hx_send_raw(c, s, strlen(s));
}

/* Send a raw line (newline added) and expect an error with this id
 * (JSON text: "null", "7", "\"x\"") and code; then the connection must
 * still answer a ping. */
static json_t *
expect_raw(struct hx_conn *c, const char *line, const char *id,
    const char *code)
{
	json_t	*jid = hx_keep(json_loads(id, JSON_DECODE_ANY, NULL)), *r;

	cr_assert_not_null(jid);
	cr_assert_eq(hx_send_raw(c, line, strlen(line)), 0);
	cr_assert_eq(hx_send_raw(c, "\n", 1), 0);
	r = hx_reply(c, jid);
	cr_assert(json_is_string(json_object_get(json_object_get(r, "error"),
	    "code")) && strcmp(hx_str(json_object_get(r, "error"), "code"),
	    code) == 0, "%s: expected %s, got %s", line, code, hx_dump(r));
	hx_assert_err(r, code);
	hx_ok(c, "ping", NULL);
	return r;
}

Test(bad_input, line_too_long_closes)
{
	struct bench	 b;
	char		*big;
	json_t		*r, *bye;

	bench_setup(&b);
	/* 65536 bytes and no newline yet: with its newline the line would
	 * be 65537, one over max_line. The server has read everything we
	 * sent, so its close is clean and the reply cannot be lost. */
	big = malloc(65536);
	memset(big, 'x', 65536);
	cr_assert_eq(hx_send_raw(b.c, big, 65536), 0);
	free(big);
	r = hx_reply(b.c, json_null());
	hx_assert_err(r, "line_too_long");
	bye = hx_event_named(b.c, "bye", hx_ms(HX_WAIT_MS));
	cr_assert_not_null(bye, "no bye before closing for line_too_long");
	hx_str(bye, "reason");
	cr_assert(hx_wait_closed(b.c, hx_ms(HX_WAIT_MS)),
	    "the connection stayed open after line_too_long");
	bench_check_witness(&b);
	hx_stop(b.d);
}

Test(bad_input, endless_line_closes)
{
	struct bench	 b;
	char		 chunk[16384];
	json_t		*r;
	int		 i;

	bench_setup(&b);
	/* 4 MiB without a newline: the server must stop at 64 KiB and
	 * close, not buffer it all. Writes may fail once it has closed. */
	memset(chunk, '{', sizeof chunk);
	for (i = 0; i < 256; i++)
		if (hx_send_raw(b.c, chunk, sizeof chunk) == -1)
			break;
	cr_assert(hx_wait_closed(b.c, hx_ms(HX_WAIT_MS)),
	    "still open after 4 MiB without a newline");
	/* If its answer got through the reset, it is the right one. */
	if ((r = hx_any_reply(b.c, 0)) != NULL)
		hx_assert_err(r, "line_too_long");
	bench_check_witness(&b);
	hx_stop(b.d);
}

Test(bad_input, longest_line_accepted)
{
	struct bench	 b;
	char		*line;
	const char	*req = "{\"id\":1,\"op\":\"ping\"}";
	size_t		 n = 65535;	/* + newline = max_line */

	bench_setup(&b);
	line = malloc(n);
	memset(line, ' ', n);
	memcpy(line, req, strlen(req));
	cr_assert_eq(hx_send_raw(b.c, line, n), 0);
	cr_assert_eq(send_text(b.c, "\n"), 0);
	hx_assert_ok(hx_reply_int(b.c, 1));
	/* The same with CRLF: the \r is not part of the line. */
	line[n - 1] = '\r';
	memcpy(line, "{\"id\":2", 7);
	cr_assert_eq(hx_send_raw(b.c, line, n), 0);
	cr_assert_eq(send_text(b.c, "\n"), 0);
	hx_assert_ok(hx_reply_int(b.c, 2));
	free(line);
	bench_check_witness(&b);
	hx_stop(b.d);
}

Test(bad_input, not_json)
{
	struct bench	 b;

	bench_setup(&b);
	expect_raw(b.c, "{not json", "null", "bad_json");
	expect_raw(b.c, "{\"id\":1,\"op\":\"ping\"", "null", "bad_json");
	expect_raw(b.c, "{\"id\":1,\"op\":\"ping\"} trailing", "null",
	    "bad_json");
	expect_raw(b.c, "ping", "null", "bad_json");
	/* JSON, but not an object. */
	expect_raw(b.c, "[1,2,3]", "null", "bad_json");
	expect_raw(b.c, "42", "null", "bad_json");
	expect_raw(b.c, "\"ping\"", "null", "bad_json");
	expect_raw(b.c, "null", "null", "bad_json");
	expect_raw(b.c, "true", "null", "bad_json");
	bench_check_witness(&b);
	hx_stop(b.d);
}

Test(bad_input, not_utf8)
{
	struct bench	 b;

	bench_setup(&b);
	/* A stray continuation byte, Latin-1, an overlong '/', a UTF-16
	 * surrogate, a code point past U+10FFFF, a truncated sequence. */
	expect_raw(b.c, "{\"id\":1,\"op\":\"ping\",\"x\":\"\x80\"}", "null",
	    "bad_utf8");
	expect_raw(b.c, "{\"id\":2,\"op\":\"ping\",\"x\":\"caf\xe9\"}", "null",
	    "bad_utf8");
	expect_raw(b.c, "{\"id\":3,\"op\":\"ping\",\"x\":\"\xc0\xaf\"}", "null",
	    "bad_utf8");
	expect_raw(b.c, "{\"id\":4,\"op\":\"ping\",\"x\":\"\xed\xa0\x80\"}",
	    "null", "bad_utf8");
	expect_raw(b.c, "{\"id\":5,\"op\":\"ping\",\"x\":\"\xf4\x90\x80\x80\"}",
	    "null", "bad_utf8");
	expect_raw(b.c, "{\"id\":6,\"op\":\"ping\",\"x\":\"\xe2\x82\"}", "null",
	    "bad_utf8");
	expect_raw(b.c, "\xff\xfe{}", "null", "bad_utf8");
	bench_check_witness(&b);
	hx_stop(b.d);
}

Test(bad_input, ids)
{
	struct bench	 b;
	json_t		*r;

	bench_setup(&b);
	expect_raw(b.c, "{\"op\":\"ping\"}", "null", "bad_request");
	expect_raw(b.c, "{\"id\":null,\"op\":\"ping\"}", "null", "bad_request");
	expect_raw(b.c, "{\"id\":1.5,\"op\":\"ping\"}", "null", "bad_request");
	expect_raw(b.c, "{\"id\":true,\"op\":\"ping\"}", "null", "bad_request");
	expect_raw(b.c, "{\"id\":-1,\"op\":\"ping\"}", "null", "bad_request");
	expect_raw(b.c, "{\"id\":[1],\"op\":\"ping\"}", "null", "bad_request");
	expect_raw(b.c, "{\"id\":{},\"op\":\"ping\"}", "null", "bad_request");
	expect_raw(b.c, "{\"id\":9007199254740993,\"op\":\"ping\"}", "null",
	    "bad_request");
	expect_raw(b.c, "{\"id\":\"0123456789012345678901234567890123456789"
	    "0123456789012345678901234\",\"op\":\"ping\"}", "null",
	    "bad_request");
	r = expect_raw(b.c, "{\"op\":\"ping\"}", "null", "bad_request");
	cr_assert(strstr(hx_str(json_object_get(r, "error"), "message"),
	    "id") != NULL, "the message names the field: %s", hx_dump(r));

	/* The edges that are legal come back exactly. */
	cr_assert_eq(send_text(b.c, "{\"id\":0,\"op\":\"ping\"}\n"), 0);
	hx_assert_ok(hx_reply_int(b.c, 0));
	cr_assert_eq(send_text(b.c, "{\"id\":9007199254740992,\"op\":"
	    "\"ping\"}\n"), 0);
	hx_assert_ok(hx_reply_int(b.c, 9007199254740992LL));
	hx_send(b.c, json_pack("{s:s, s:s}", "id", "0123456789012345678901"
	    "234567890123456789012345678901234567890123", "op", "ping"));
	hx_assert_ok(hx_reply(b.c, hx_keep(json_string("01234567890123456789"
	    "01234567890123456789012345678901234567890123"))));
	hx_send(b.c, json_pack("{s:s, s:s}", "id", "\xd8\xb3\xd9\x84\xd8\xa7"
	    "\xd9\x85", "op", "ping"));
	hx_assert_ok(hx_reply(b.c, hx_keep(json_string("\xd8\xb3\xd9\x84"
	    "\xd8\xa7\xd9\x85"))));
	bench_check_witness(&b);
	hx_stop(b.d);
}

Test(bad_input, ops)
{
	struct bench	 b;
	json_t		*r;

	bench_setup(&b);
	r = expect_raw(b.c, "{\"id\":5}", "5", "bad_request");
	cr_assert(strstr(hx_str(json_object_get(r, "error"), "message"),
	    "op") != NULL, "the message names the field: %s", hx_dump(r));
	expect_raw(b.c, "{\"id\":6,\"op\":3}", "6", "bad_request");
	expect_raw(b.c, "{\"id\":7,\"op\":null}", "7", "bad_request");
	expect_raw(b.c, "{\"id\":8,\"op\":\"frobnicate\"}", "8", "unknown_op");
	expect_raw(b.c, "{\"id\":\"s\",\"op\":\"\"}", "\"s\"", "unknown_op");
	expect_raw(b.c, "{\"id\":9,\"op\":\"PING\"}", "9", "unknown_op");
	/* Before login too. */
	expect_raw(hx_connect(b.d), "{\"id\":1,\"op\":\"frobnicate\"}", "1",
	    "unknown_op");
	/* Unknown members are ignored. */
	cr_assert_eq(send_text(b.c, "{\"id\":10,\"op\":\"whoami\","
	    "\"extra\":[1,{\"a\":null}]}\n"), 0);
	hx_assert_ok(hx_reply_int(b.c, 10));
	bench_check_witness(&b);
	hx_stop(b.d);
}

/* One request whose fields are wrong: the field the message must name. */
struct badfield {
	const char	*line;
	const char	*field;
};

static const struct badfield badfields[] = {
	{ "{\"id\":1,\"op\":\"post\",\"title\":\"t\",\"body\":\"b\"}", "channel" },
	{ "{\"id\":1,\"op\":\"post\",\"channel\":5,\"title\":\"t\",\"body\":\"b\"}", "channel" },
	{ "{\"id\":1,\"op\":\"post\",\"channel\":\"peer/witness\",\"title\":\"t\"}", "body" },
	{ "{\"id\":1,\"op\":\"post\",\"channel\":\"peer/witness\",\"title\":\"t\",\"body\":[\"b\"]}", "body" },
	{ "{\"id\":1,\"op\":\"post\",\"channel\":\"peer/witness\",\"title\":7,\"body\":\"b\"}", "title" },
	{ "{\"id\":1,\"op\":\"read\"}", "channel" },
	{ "{\"id\":1,\"op\":\"read\",\"channel\":\"peer/witness\",\"limit\":\"10\"}", "limit" },
	{ "{\"id\":1,\"op\":\"read\",\"channel\":\"peer/witness\",\"limit\":0}", "limit" },
	{ "{\"id\":1,\"op\":\"read\",\"channel\":\"peer/witness\",\"since\":-1}", "since" },
	{ "{\"id\":1,\"op\":\"read\",\"channel\":\"peer/witness\",\"thread\":\"1\"}", "thread" },
	{ "{\"id\":1,\"op\":\"threads\",\"channel\":true}", "channel" },
	{ "{\"id\":1,\"op\":\"sync\"}", "since" },
	{ "{\"id\":1,\"op\":\"sync\",\"since\":\"0\"}", "since" },
	{ "{\"id\":1,\"op\":\"sync\",\"since\":0,\"limit\":1.5}", "limit" },
	{ "{\"id\":1,\"op\":\"join\"}", "channel" },
	{ "{\"id\":1,\"op\":\"leave\",\"channel\":{}}", "channel" },
	{ "{\"id\":1,\"op\":\"subscribe\",\"channels\":\"peer/witness\"}", "channels" },
	{ "{\"id\":1,\"op\":\"subscribe\",\"channels\":[1]}", "channels" },
	{ "{\"id\":1,\"op\":\"subscribe\",\"since\":\"x\"}", "since" },
	{ "{\"id\":1,\"op\":\"passwd\",\"old\":\"harbour-e2e-correct-horse\"}", "new" },
	{ "{\"id\":1,\"op\":\"passwd\",\"old\":1,\"new\":\"long-enough-pw\"}", "old" },
};

Test(bad_input, missing_and_mistyped_fields)
{
	struct bench	 b;
	struct hx_conn	*anon;
	json_t		*r;
	const char	*msg;
	size_t		 i;

	bench_setup(&b);
	for (i = 0; i < sizeof badfields / sizeof badfields[0]; i++) {
		r = expect_raw(b.c, badfields[i].line, "1", "bad_request");
		msg = hx_str(json_object_get(r, "error"), "message");
		cr_assert(strstr(msg, badfields[i].field) != NULL,
		    "%s: the message %s does not name %s", badfields[i].line,
		    msg, badfields[i].field);
	}
	/* By someone allowed to create channels. */
	expect_raw(hx_admin(b.d), "{\"id\":1,\"op\":\"channel.create\"}",
	    "1", "bad_request");
	expect_raw(hx_admin(b.d), "{\"id\":1,\"op\":\"org.create\","
	    "\"name\":[]}", "1", "bad_request");
	expect_raw(hx_admin(b.d), "{\"id\":1,\"op\":\"invite.create\","
	    "\"org\":\"operators\"}", "1", "bad_request");
	/* Before login: register and login fields. */
	anon = hx_connect(b.d);
	expect_raw(anon, "{\"id\":1,\"op\":\"login\"}", "1", "bad_request");
	expect_raw(anon, "{\"id\":1,\"op\":\"login\",\"user\":\"ana\"}", "1",
	    "bad_request");
	expect_raw(anon, "{\"id\":1,\"op\":\"login\",\"token\":5}", "1",
	    "bad_request");
	expect_raw(anon, "{\"id\":1,\"op\":\"register\",\"user\":\"x\","
	    "\"password\":\"long-enough-pw\"}", "1", "bad_request");
	expect_raw(anon, "{\"id\":1,\"op\":\"register\",\"invite\":[],"
	    "\"user\":\"x\",\"password\":\"long-enough-pw\"}", "1",
	    "bad_request");
	/* Nothing was stored by any of it. */
	cr_assert_eq(json_array_size(hx_read_all(b.c, CH, 0)), 0);
	bench_check_witness(&b);
	hx_stop(b.d);
}

Test(bad_input, empty_lines_ignored)
{
	struct bench	 b;
	const char	*s = "\n\r\n\n{\"id\":1,\"op\":\"ping\"}\n\n\r\n";

	bench_setup(&b);
	cr_assert_eq(hx_send_raw(b.c, s, strlen(s)), 0);
	hx_assert_ok(hx_reply_int(b.c, 1));
	hx_ok(b.c, "whoami", NULL);
	/* No reply of any kind to the empty lines: lines are answered in
	 * order here (nothing writes), so one would already be queued. */
	cr_assert_null(hx_any_reply(b.c, 0), "an empty line was answered");
	bench_check_witness(&b);
	hx_stop(b.d);
}

Test(bad_input, garbage_pipelined_with_requests)
{
	struct bench	 b;
	const char	*s =
	    "{\"id\":1,\"op\":\"ping\"}\n"
	    "garbage\n"
	    "{\"id\":2,\"op\":\"whoami\"}\n"
	    "[\"id\",3]\n"
	    "{\"id\":4,\"op\":\"nope\"}\n"
	    "{\"id\":5,\"op\":\"channel.list\"}\n";
	json_t		*r;
	int		 nulls = 0;

	bench_setup(&b);
	cr_assert_eq(hx_send_raw(b.c, s, strlen(s)), 0);
	hx_assert_ok(hx_reply_int(b.c, 1));
	cr_assert_str_eq(hx_str(hx_assert_ok(hx_reply_int(b.c, 2)), "user"),
	    "ana");
	hx_assert_err(hx_reply_int(b.c, 4), "unknown_op");
	hx_assert_ok(hx_reply_int(b.c, 5));
	/* Nothing here writes, so lines are answered in order: the answers
	 * to the bad ones came before 5's and wait in the queue. */
	while ((r = hx_any_reply(b.c, 0)) != NULL) {
		cr_assert(json_is_null(json_object_get(r, "id")), "%s",
		    hx_dump(r));
		hx_assert_err(r, "bad_json");
		nulls++;
	}
	cr_assert_eq(nulls, 2, "two bad lines, %d answers", nulls);
	bench_check_witness(&b);
	hx_stop(b.d);
}

Test(bad_input, rate_limited_account)
{
	struct bench	 b;
	json_t		*r;
	int		 i, ok = 0, limited = 0, waited;

	/* Two requests a second, a burst of twenty (the setup fits). */
	bench_setup_conf(&b, "request_rate = 2\nrequest_burst = 20");
	for (i = 0; i < 60; i++)
		hx_send(b.c, json_pack("{s:s}", "op", "whoami"));
	for (i = 0; i < 60; i++) {
		r = hx_any_reply(b.c, hx_ms(HX_WAIT_MS));
		cr_assert_not_null(r, "%d of 60 requests answered", i);
		if (json_object_get(r, "result") != NULL)
			ok++;
		else {
			hx_assert_err(r, "rate_limited");
			limited++;
		}
	}
	cr_assert(limited > 0, "60 requests at once passed a rate of 2/s "
	    "with a burst of 20");
	cr_assert(ok >= 5, "only %d of a burst of 20 were served", ok);
	/* The connection stays, and the rate recovers. */
	cr_assert(!hx_is_closed(b.c));
	for (waited = 0; waited < hx_ms(HX_WAIT_MS); waited += POLL_MS) {
		r = hx_call(b.c, "whoami", NULL);
		if (json_object_get(r, "result") != NULL)
			break;
		hx_assert_err(r, "rate_limited");
		usleep(POLL_MS * 1000);
	}
	cr_assert(waited < hx_ms(HX_WAIT_MS), "the rate did not recover "
	    "within %d ms", hx_ms(HX_WAIT_MS));
	/* Another account is not limited by ana's flood. */
	bench_check_witness(&b);
	hx_stop(b.d);
}
