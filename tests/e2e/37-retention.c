/*
 * 37-retention.c: a channel's retention (channel.set "retention",
 * harbour-protocol(7)), with the daemon's test clock. Posts older than
 * the retention leave read, threads, sync, search and the database
 * file's bytes, newer ones stay; a thread goes whole once its first
 * post is past (a newer reply with it: no reply is left answering
 * nothing); a backlog larger than one batch goes over several passes of
 * the writer; `harbourd check` still passes, though the moderation log
 * names a post that is gone. Below a day, and from someone who does not
 * moderate the channel, it is refused and nothing changes. Then the
 * CLI's `channel set --retention`.
 */
#include <string.h>

#include <criterion/criterion.h>

#include "harness.h"
#include "hx-ops.h"

#define PEERCH		"peer/commons"
#define T0_MS		1700000000000LL
#define DAY_MS		(86400 * 1000LL)
#define RET_90D		(90 * 86400)
/* Replies in the old thread: more than one batch (500) with the rest. */
#define BULK		520

/* The channel's "retention", as channels lists it for c. */
static int64_t
listed_retention(struct hx_conn *c)
{
	json_t *list = json_object_get(hx_ok(c, "channel.list", NULL),
	    "channels");
	json_t *ch;
	size_t i;

	json_array_foreach(list, i, ch)
		if (strcmp(hx_str(ch, "channel"), PEERCH) == 0)
			return hx_int(ch, "retention");
	cr_assert_fail("%s not listed: %s", PEERCH, hx_dump(list));
	return -1;
}

/* Wait (bounded) until a search for text finds n posts. */
static void
search_finds(struct hx_conn *c, const char *text, size_t n)
{
	int64_t until = hx_mono_ms() + hx_ms(HX_WAIT_MS);
	json_t *r;

	do {
		r = json_object_get(hx_ok(c, "search", "{s:s}", "text", text),
		    "results");
		if (json_array_size(r) == n)
			return;
		hx_ok(c, "ping", NULL);
	} while (hx_mono_ms() < until);
	cr_assert_fail("\"%s\" finds %zu, not %zu: %s", text,
	    json_array_size(r), n, hx_dump(r));
}

/* BULK replies to thread, pipelined. */
static void
bulk(struct hx_conn *c, int64_t thread)
{
	int i;

	for (i = 0; i < BULK; i++)
		hx_send_post(c, PEERCH, thread, hx_strf("OLD-bulk-%d", i));
	for (i = 0; i < BULK; i++)
		hx_assert_ok(hx_any_reply(c, hx_ms(HX_WAIT_MS)));
}

/* A fresh connection of ben after the passes: only the new thread,
 * on every path that carries posts. */
static void
fresh_reader(struct hx_daemon *d)
{
	struct hx_conn *ben2;
	const char *bytes;
	size_t len;
	json_t *r;

	ben2 = hx_login(d, "ben");
	r = hx_read_all(ben2, PEERCH, 0);
	cr_assert_eq(json_array_size(r), 1, "%s", hx_dump(r));
	cr_expect_str_eq(hx_str(json_array_get(r, 0), "body"), "NEW-body-ddd");
	r = json_object_get(hx_ok(ben2, "threads", "{s:s}", "channel",
	    PEERCH), "threads");
	cr_expect_eq(json_array_size(r), 1, "%s", hx_dump(r));
	cr_expect_eq(json_array_size(hx_sync_all(ben2, 0)), 1);
	cr_expect_eq(json_array_size(json_object_get(hx_ok(ben2, "search",
	    "{s:s}", "text", "OLD-"), "results")), 0);
	search_finds(ben2, "NEW-body-ddd", 1);
	bytes = hx_seen(ben2, &len);
	cr_expect(!hx_contains(bytes, len, "OLD-"), "an old post was sent");
	cr_expect(!hx_contains(bytes, len, "NEW-reply-fff"),
	    "a reply outlived its thread");
}

Test(retention, old_posts_leave_everything, .timeout = HX_TEST_TIMEOUT)
{
	struct hx_daemon *d;
	struct hx_conn *fay, *ben;
	int64_t a, b, hidden;
	json_t *r;
	const char *bytes;
	size_t len, mark;
	struct hx_run run;

	hx_clock_start_at(T0_MS);
	d = hx_start(NULL);
	fay = hx_user(d, "elsewhere", "facilitator", "fay");
	ben = hx_user(d, "hope", "member", "ben");
	hx_ok(fay, "channel.create", "{s:s}", "channel", PEERCH);
	hx_ok(ben, "join", "{s:s}", "channel", PEERCH);

	a = hx_post(ben, PEERCH, "OLD-root-aaa", 0, "OLD-body-aaa");
	hidden = hx_post(fay, PEERCH, NULL, a, "OLD-reply-bbb");
	bulk(fay, a);
	b = hx_post(ben, PEERCH, "OLD-root-ccc", 0, "OLD-body-ccc");
	/* The log names this post, and the log never changes. */
	hx_ok(fay, "mod.hide", "{s:I, s:s}", "post", (json_int_t)hidden,
	    "reason", "off topic");

	hx_clock_advance(100 * DAY_MS);
	hx_post(ben, PEERCH, "NEW-root-ddd", 0, "NEW-body-ddd");
	hx_post(fay, PEERCH, NULL, b, "NEW-reply-fff");
	search_finds(ben, "OLD-root-aaa", 1);
	search_finds(ben, "NEW-body-ddd", 1);

	/* Refused, and nothing changes. */
	r = hx_err(fay, "bad_request", "channel.set", "{s:s, s:I}", "channel",
	    PEERCH, "retention", (json_int_t)86399);
	cr_expect(strstr(hx_str(json_object_get(r, "error"), "message"),
	    "at least one day") != NULL, "%s", hx_dump(r));
	hx_err(ben, "forbidden", "channel.set", "{s:s, s:I}", "channel",
	    PEERCH, "retention", (json_int_t)RET_90D);
	hx_err(fay, "bad_request", "channel.set", "{s:s, s:I}", "channel",
	    PEERCH, "retention", (json_int_t)-1);
	cr_expect_eq(listed_retention(ben), 0);
	cr_expect_eq(json_array_size(hx_read_all(ben, PEERCH, 0)), BULK + 5);

	mark = hx_log_mark(d);
	r = hx_ok(fay, "channel.set", "{s:s, s:I}", "channel", PEERCH,
	    "retention", (json_int_t)RET_90D);
	cr_expect_eq(hx_int(r, "retention"), RET_90D);
	cr_expect_eq(listed_retention(ben), RET_90D);
	/* Two passes: a full batch, then the rest (the old thread's last
	 * replies and first post, and the other old thread, whose newer
	 * reply goes with it). */
	cr_assert(hx_log_wait(d, mark, "retention: 500 posts deleted, more "
	    "to go", hx_ms(HX_WAIT_MS)), "no full batch");
	cr_assert(hx_log_wait(d, mark, "retention: 24 posts deleted\n",
	    hx_ms(HX_WAIT_MS)), "no second pass");
	cr_assert(hx_log_wait(d, mark, "WAL emptied after a deletion: done",
	    hx_ms(HX_WAIT_MS)), "no checkpoint");

	fresh_reader(d);

	/* The file, checkpointed: no page holds an old text. */
	bytes = hx_slurp(hx_db(d), &len);
	cr_expect(!hx_contains(bytes, len, "OLD-"), "the file holds old text");
	cr_expect(hx_contains(bytes, len, "NEW-body-ddd"),
	    "the checkpoint left the new post in the WAL");
	run = HX_HARBOURD("check", "-c", hx_conf(d));
	cr_expect_eq(run.status, 0, "check: %s", run.err);
	hx_stop(d);
}

Test(retention, cli, .timeout = HX_TEST_TIMEOUT)
{
	struct hx_daemon *d = hx_start(NULL);
	struct hx_conn *fay = hx_user(d, "elsewhere", "facilitator", "fay");
	struct hx_run r;

	hx_ok(fay, "channel.create", "{s:s}", "channel", PEERCH);
	OK(d, "fay", "login", "--user", "fay");
	r = OK(d, "fay", "channel", "set", PEERCH, "--retention", "90d");
	HAS(r.out, "posts kept 90d");
	r = OK(d, "fay", "channels");
	HAS(r.out, "posts kept 90d");
	r = OK(d, "fay", "channel", "set", PEERCH, "--retention", "12w");
	HAS(r.out, "posts kept 84d");
	r = FAILS(d, "fay", 64, "channel", "set", PEERCH, "--retention", "3h");
	HAS(r.err, "at least a day");
	r = OK(d, "fay", "channel", "set", PEERCH, "--retention", "off");
	HAS(r.out, "posts kept forever");
	r = OK(d, "fay", "help", "channel", "set");
	HAS(r.out, "--retention");
	hx_stop(d);
}
