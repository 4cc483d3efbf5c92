/*
 * 03-posts.c: threads, replies and reading them back (PROTOCOL.md
 * "post", "threads", "read", "Names and text").
 *
 * Paging is checked against a channel whose contents the test knows
 * exactly, in both directions (the newest page without since, the
 * oldest after since) and at the edges (an empty page, limit 1). Text
 * goes in and comes out byte for byte in the scripts the network's
 * members write in; the limits are probed one byte either side.
 */
#include <string.h>

#include <criterion/criterion.h>

#include "harness.h"

TestSuite(posts, .timeout = HX_TEST_TIMEOUT);

#define CH	"peer/support"

struct cast {
	struct hx_daemon	*d;
	struct hx_conn		*ana;	/* refugee-action member */
	struct hx_conn		*omar;	/* migrant-help member */
};

static void
cast_setup(struct cast *k)
{
	k->d = hx_start(NULL);
	hx_ok(hx_admin(k->d), "channel.create", "{s:s}", "channel", CH);
	k->ana = hx_user(k->d, "refugee-action", "member", "ana");
	k->omar = hx_user(k->d, "migrant-help", "member", "omar");
	hx_ok(k->ana, "join", "{s:s}", "channel", CH);
	hx_ok(k->omar, "join", "{s:s}", "channel", CH);
}

static json_t *
read_page(struct hx_conn *c, json_t *req_fields, int *more)
{
	json_t	*res, *m;
	int64_t	 id;

	json_object_set_new(req_fields, "op", json_string("read"));
	if (json_object_get(req_fields, "channel") == NULL)
		json_object_set_new(req_fields, "channel", json_string(CH));
	id = hx_send(c, req_fields);
	res = hx_assert_ok(hx_reply_int(c, id));
	m = json_object_get(res, "more");
	cr_assert(json_is_boolean(m), "more in %s", hx_dump(res));
	*more = json_is_true(m);
	return json_object_get(res, "events");
}

static void
assert_eids(json_t *events, const int64_t *want, size_t n, const char *what)
{
	size_t	i;

	cr_assert_eq(json_array_size(events), n, "%s: %zu events, want %zu: %s",
	    what, json_array_size(events), n, hx_dump(events));
	for (i = 0; i < n; i++)
		cr_assert_eq(hx_int(json_array_get(events, i), "eid"), want[i],
		    "%s: event %zu is %lld, want %lld", what, i,
		    (long long)hx_int(json_array_get(events, i), "eid"),
		    (long long)want[i]);
}

Test(posts, thread_and_replies)
{
	struct cast	 k;
	int64_t		 t, r1, r2;
	json_t		*all;

	cast_setup(&k);
	t = hx_post(k.ana, CH, "Sleep", 0, "Anyone else awake at 3am?");
	r1 = hx_post(k.omar, CH, NULL, t, "Every night this month.");
	r2 = hx_post(k.ana, CH, NULL, t, "Thank you for saying so.");
	cr_assert(t < r1 && r1 < r2, "post ids grow: %lld %lld %lld",
	    (long long)t, (long long)r1, (long long)r2);
	all = hx_read_all(k.omar, CH, 0);
	cr_assert_eq(json_array_size(all), 3);
	hx_assert_post(json_array_get(all, 0), CH, t, t, "ana",
	    "refugee-action", "Sleep", "Anyone else awake at 3am?");
	hx_assert_post(json_array_get(all, 1), CH, r1, t, "omar",
	    "migrant-help", NULL, "Every night this month.");
	hx_assert_post(json_array_get(all, 2), CH, r2, t, "ana",
	    "refugee-action", NULL, "Thank you for saying so.");
	hx_stop(k.d);
}

Test(posts, threads_order_and_counts)
{
	struct cast	 k;
	int64_t		 a, b, c, ra1, ra2;
	json_t		*th, *x;

	cast_setup(&k);
	a = hx_post(k.ana, CH, "A", 0, "first thread");
	b = hx_post(k.omar, CH, "B", 0, "second thread");
	c = hx_post(k.ana, CH, "C", 0, "third thread");
	ra1 = hx_post(k.omar, CH, NULL, a, "reply to A");
	ra2 = hx_post(k.ana, CH, NULL, a, "another reply to A");

	th = json_object_get(hx_ok(k.omar, "threads", "{s:s}", "channel", CH),
	    "threads");
	cr_assert_eq(json_array_size(th), 3, "%s", hx_dump(th));
	/* Newest activity first: A (replied to last), then C, then B. */
	x = json_array_get(th, 0);
	cr_assert_eq(hx_int(x, "thread"), a, "%s", hx_dump(th));
	cr_assert_str_eq(hx_str(x, "title"), "A");
	cr_assert_str_eq(hx_str(x, "author"), "ana");
	cr_assert_eq(hx_int(x, "replies"), 2);
	cr_assert_eq(hx_int(x, "last_eid"), ra2);
	cr_assert_eq(strlen(hx_str(x, "last_ts")), 20, "%s", hx_dump(x));
	x = json_array_get(th, 1);
	cr_assert_eq(hx_int(x, "thread"), c, "%s", hx_dump(th));
	cr_assert_eq(hx_int(x, "replies"), 0);
	cr_assert_eq(hx_int(x, "last_eid"), c);
	x = json_array_get(th, 2);
	cr_assert_eq(hx_int(x, "thread"), b, "%s", hx_dump(th));
	cr_assert_str_eq(hx_str(x, "author"), "omar");
	(void)ra1;

	th = json_object_get(hx_ok(k.omar, "threads", "{s:s, s:i}", "channel",
	    CH, "limit", 2), "threads");
	cr_assert_eq(json_array_size(th), 2, "%s", hx_dump(th));
	cr_assert_eq(hx_int(json_array_get(th, 1), "thread"), c);
	hx_err(k.omar, "bad_request", "threads", "{s:s, s:s}", "channel", CH,
	    "limit", "two");
	hx_stop(k.d);
}

Test(posts, read_paging)
{
	struct cast	 k;
	int64_t		 ids[121], want[60];
	json_t		*ev;
	int		 i, more;

	cast_setup(&k);
	ids[0] = hx_post(k.ana, CH, "Long thread", 0, "post 0");
	for (i = 1; i < 121; i++)
		ids[i] = hx_post(i % 2 ? k.omar : k.ana, CH, NULL, ids[0],
		    hx_strf("post %d", i));

	/* No since: the newest page (50), ascending; older ones remain. */
	ev = read_page(k.omar, json_object(), &more);
	assert_eids(ev, ids + 71, 50, "default page");
	cr_assert(more, "more after the newest 50 of 121");
	ev = read_page(k.omar, json_pack("{s:i}", "limit", 10), &more);
	assert_eids(ev, ids + 111, 10, "newest 10");
	cr_assert(more);
	ev = read_page(k.omar, json_pack("{s:i}", "limit", 1000), &more);
	assert_eids(ev, ids, 121, "newest 1000");
	cr_assert(!more, "more with everything on the page");

	/* With since: the oldest page after it. */
	ev = read_page(k.omar, json_pack("{s:I, s:i}", "since",
	    (json_int_t)ids[9], "limit", 10), &more);
	assert_eids(ev, ids + 10, 10, "10 after post 9");
	cr_assert(more);
	ev = read_page(k.omar, json_pack("{s:I, s:i}", "since",
	    (json_int_t)ids[110], "limit", 10), &more);
	assert_eids(ev, ids + 111, 10, "the last 10");
	cr_assert(!more, "more after the very last post");
	ev = read_page(k.omar, json_pack("{s:I}", "since",
	    (json_int_t)ids[120]), &more);
	assert_eids(ev, NULL, 0, "after the last");
	cr_assert(!more);
	ev = read_page(k.omar, json_pack("{s:i, s:i}", "since", 0, "limit", 1),
	    &more);
	assert_eids(ev, ids, 1, "limit 1 from the start");
	cr_assert(more);
	ev = read_page(k.omar, json_pack("{s:i}", "since", 0), &more);
	for (i = 0; i < 50; i++)
		want[i] = ids[i];
	assert_eids(ev, want, 50, "since 0, default limit");
	cr_assert(more);

	hx_err(k.omar, "bad_request", "read", "{s:s, s:s}", "channel", CH,
	    "limit", "ten");
	hx_err(k.omar, "bad_request", "read", "{s:s, s:s}", "channel", CH,
	    "since", "x");
	hx_stop(k.d);
}

Test(posts, read_thread_filter)
{
	struct cast	 k;
	int64_t		 a, b, want[4];
	json_t		*ev;
	int		 more;

	cast_setup(&k);
	a = hx_post(k.ana, CH, "A", 0, "a0");
	b = hx_post(k.omar, CH, "B", 0, "b0");
	want[0] = a;
	want[1] = hx_post(k.omar, CH, NULL, a, "a1");
	hx_post(k.ana, CH, NULL, b, "b1");
	want[2] = hx_post(k.ana, CH, NULL, a, "a2");
	hx_post(k.omar, CH, NULL, b, "b2");

	ev = read_page(k.ana, json_pack("{s:I}", "thread", (json_int_t)a),
	    &more);
	assert_eids(ev, want, 3, "thread A");
	cr_assert(!more);
	ev = read_page(k.ana, json_pack("{s:I, s:I}", "thread", (json_int_t)a,
	    "since", (json_int_t)want[1]), &more);
	assert_eids(ev, want + 2, 1, "thread A after a1");

	/* A thread that is not in this channel, or not a thread at all. */
	hx_ok(hx_admin(k.d), "channel.create", "{s:s}", "channel", "peer/other");
	hx_ok(k.ana, "join", "{s:s}", "channel", "peer/other");
	a = hx_post(k.ana, "peer/other", "elsewhere", 0, "x");
	hx_err(k.ana, "not_found", "read", "{s:s, s:I}", "channel", CH,
	    "thread", (json_int_t)a);
	hx_err(k.ana, "not_found", "read", "{s:s, s:I}", "channel", CH,
	    "thread", (json_int_t)999999);
	hx_err(k.ana, "not_found", "post", "{s:s, s:I, s:s}", "channel", CH,
	    "thread", (json_int_t)a, "body", "wrong channel");
	hx_err(k.ana, "not_found", "post", "{s:s, s:I, s:s}", "channel", CH,
	    "thread", (json_int_t)999999, "body", "no such thread");
	hx_stop(k.d);
}

static int64_t
unread(struct hx_conn *c, const char *ch)
{
	json_t	*list, *x;
	size_t	 i;

	list = json_object_get(hx_ok(c, "channel.list", NULL), "channels");
	json_array_foreach(list, i, x)
		if (strcmp(hx_str(x, "channel"), ch) == 0)
			return hx_int(x, "unread");
	cr_assert_fail("%s not in channel.list", ch);
	return -1;
}

Test(posts, read_marker_moves_unread)
{
	struct cast	 k;
	struct hx_conn	*carl;
	int64_t		 ids[5];
	int		 i;

	cast_setup(&k);
	carl = hx_user(k.d, "refugee-action", "member", "carl");
	ids[0] = hx_post(k.ana, CH, "News", 0, "n0");
	for (i = 1; i < 5; i++)
		ids[i] = hx_post(k.ana, CH, NULL, ids[0], hx_strf("n%d", i));
	cr_assert_eq(unread(k.omar, CH), 5);

	hx_ok(k.omar, "read", "{s:s, s:i, s:i}", "channel", CH, "since", 0,
	    "limit", 2);
	cr_assert_eq(unread(k.omar, CH), 3, "marker after 2 of 5");
	/* Never backward. */
	hx_ok(k.omar, "read", "{s:s, s:i, s:i}", "channel", CH, "since", 0,
	    "limit", 1);
	cr_assert_eq(unread(k.omar, CH), 3, "the marker moved backward");
	/* A read of one thread moves the marker too (last eid returned). */
	hx_ok(k.omar, "read", "{s:s, s:I, s:I, s:i}", "channel", CH, "thread",
	    (json_int_t)ids[0], "since", (json_int_t)ids[1], "limit", 1);
	cr_assert_eq(unread(k.omar, CH), 2);
	hx_ok(k.omar, "read", "{s:s}", "channel", CH);
	cr_assert_eq(unread(k.omar, CH), 0);
	hx_post(k.ana, CH, NULL, ids[0], "n5");
	cr_assert_eq(unread(k.omar, CH), 1);

	/* Not joined: reading is allowed, and nothing is unread. */
	cr_assert_eq(json_array_size(hx_read_all(carl, CH, 0)), 6);
	cr_assert_eq(unread(carl, CH), 0);
	hx_ok(carl, "join", "{s:s}", "channel", CH);
	hx_post(k.ana, CH, NULL, ids[0], "n6");
	cr_assert(unread(carl, CH) >= 1, "a joined channel counts new posts");
	hx_stop(k.d);
}

Test(posts, utf8_round_trip)
{
	static const char *const texts[] = {
		/* Arabic */
		"\xd9\x86\xd8\xad\xd9\x86 \xd9\x87\xd9\x86\xd8\xa7 "
		"\xd9\x85\xd8\xb9\xd9\x83\xd9\x85",
		/* Ukrainian */
		"\xd0\x9f\xd1\x96\xd0\xb4\xd1\x82\xd1\x80\xd0\xb8\xd0\xbc"
		"\xd0\xba\xd0\xb0 \xd0\xba\xd0\xbe\xd0\xbb\xd0\xb5\xd0\xb3 "
		"\xe2\x80\x94 \xd1\x86\xd0\xb5 \xd0\xb2\xd0\xb0\xd0\xb6"
		"\xd0\xbb\xd0\xb8\xd0\xb2\xd0\xbe",
		/* Tigrinya (Ge'ez script) */
		"\xe1\x88\xb0\xe1\x88\x8b\xe1\x88\x9d\xe1\x8d\xa3 "
		"\xe1\x8a\xa8\xe1\x88\x98\xe1\x8b\xad "
		"\xe1\x8a\xa3\xe1\x88\x88\xe1\x8a\xb9\xe1\x88\x9d",
		/* emoji, a ZWJ family, a flag, a skin tone */
		"\xf0\x9f\x8c\xb1\xf0\x9f\x92\xac \xf0\x9f\x91\xa9\xe2\x80\x8d"
		"\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7 "
		"\xf0\x9f\x87\xba\xf0\x9f\x87\xa6 \xf0\x9f\x91\x8b\xf0\x9f"
		"\x8f\xbd",
		/* newline and tab are the two control characters allowed */
		"line one\nline two\tafter a tab",
		/* JSON's own specials */
		"quotes \" and backslash \\ and slash / and <b>html</b>",
	};
	struct cast	 k;
	json_t		*all;
	int64_t		 t;
	size_t		 i;

	cast_setup(&k);
	t = hx_post(k.ana, CH, texts[0], 0, texts[0]);
	for (i = 1; i < sizeof texts / sizeof texts[0]; i++)
		hx_post(k.omar, CH, NULL, t, texts[i]);
	all = hx_read_all(k.ana, CH, 0);
	cr_assert_eq(json_array_size(all), sizeof texts / sizeof texts[0]);
	hx_assert_post(json_array_get(all, 0), CH, t, t, "ana",
	    "refugee-action", texts[0], texts[0]);
	for (i = 1; i < sizeof texts / sizeof texts[0]; i++)
		hx_assert_post(json_array_get(all, i), CH, 0, t, "omar",
		    "migrant-help", NULL, texts[i]);
	hx_stop(k.d);
}

/* n bytes of text made of 2-byte characters (n even) or ASCII. */
static const char *
text_of(size_t n, int wide)
{
	char	*s = calloc(1, n + 1);
	size_t	 i;
	const char *r;

	for (i = 0; i < n; i++)
		s[i] = wide ? (i % 2 ? '\xa9' : '\xc3') : 'x';
	r = hx_strf("%s", s);
	free(s);
	return r;
}

Test(posts, size_limits)
{
	struct cast	 k;
	int64_t		 t;

	cast_setup(&k);
	/* Exactly at the limits, in bytes (not characters). */
	t = hx_post(k.ana, CH, text_of(200, 1), 0, text_of(16384, 1));
	hx_post(k.ana, CH, NULL, t, text_of(16384, 0));
	hx_err(k.ana, "too_large", "post", "{s:s, s:I, s:s}", "channel", CH,
	    "thread", (json_int_t)t, "body", text_of(16385, 0));
	hx_err(k.ana, "too_large", "post", "{s:s, s:I, s:s}", "channel", CH,
	    "thread", (json_int_t)t, "body", text_of(16386, 1));
	hx_err(k.ana, "too_large", "post", "{s:s, s:s, s:s}", "channel", CH,
	    "title", text_of(201, 0), "body", "b");
	hx_err(k.ana, "too_large", "post", "{s:s, s:s, s:s}", "channel", CH,
	    "title", text_of(202, 1), "body", "b");
	/* An empty body or title is refused (1 byte at least). */
	cr_assert_not_null(json_object_get(hx_call(k.ana, "post",
	    "{s:s, s:I, s:s}", "channel", CH, "thread", (json_int_t)t, "body",
	    ""), "error"), "an empty body was accepted");
	cr_assert_not_null(json_object_get(hx_call(k.ana, "post",
	    "{s:s, s:s, s:s}", "channel", CH, "title", "", "body", "b"),
	    "error"), "an empty title was accepted");
	/* Nothing refused was stored. */
	cr_assert_eq(json_array_size(hx_read_all(k.ana, CH, 0)), 2);
	hx_stop(k.d);
}

Test(posts, control_characters)
{
	static const char *const bad_bodies[] = {
		"bell \x07 here", "escape \x1b[31mred", "carriage\rreturn",
		"delete \x7f here", "c1 \xc2\x85 next-line", "form\ffeed",
	};
	static const char *const bad_titles[] = {
		"two\nlines", "a\ttab", "esc \x1b", "nul-free \x01",
	};
	struct cast	 k;
	int64_t		 t;
	json_t		*req;
	size_t		 i;

	cast_setup(&k);
	t = hx_post(k.ana, CH, "ok", 0, "fine");
	for (i = 0; i < sizeof bad_bodies / sizeof bad_bodies[0]; i++)
		hx_err(k.ana, "bad_text", "post", "{s:s, s:I, s:s}", "channel",
		    CH, "thread", (json_int_t)t, "body", bad_bodies[i]);
	for (i = 0; i < sizeof bad_titles / sizeof bad_titles[0]; i++)
		hx_err(k.ana, "bad_text", "post", "{s:s, s:s, s:s}", "channel",
		    CH, "title", bad_titles[i], "body", "b");
	/* A NUL inside the JSON string (\u0000). */
	req = json_pack("{s:s, s:s, s:I, s:s%}", "op", "post", "channel", CH,
	    "thread", (json_int_t)t, "body", "nul\0inside", (size_t)10);
	hx_assert_err(hx_reply_int(k.ana, hx_send(k.ana, req)), "bad_text");
	cr_assert_eq(json_array_size(hx_read_all(k.ana, CH, 0)), 1,
	    "a refused post was stored");
	hx_ok(k.ana, "whoami", NULL);
	hx_stop(k.d);
}

Test(posts, post_errors)
{
	struct cast	 k;
	struct hx_conn	*carl;
	int64_t		 t;

	cast_setup(&k);
	carl = hx_user(k.d, "refugee-action", "member", "carl");
	t = hx_post(k.ana, CH, "T", 0, "b");
	hx_err(carl, "not_member", "post", "{s:s, s:I, s:s}", "channel", CH,
	    "thread", (json_int_t)t, "body", "not joined");
	hx_err(k.ana, "not_found", "post", "{s:s, s:s, s:s}", "channel",
	    "peer/none", "title", "t", "body", "b");
	hx_err(k.ana, "bad_request", "post", "{s:s, s:s}", "channel", CH,
	    "body", "neither title nor thread");
	hx_err(k.ana, "bad_request", "post", "{s:s, s:s, s:s}", "channel", CH,
	    "thread", "1", "body", "thread as a string");
	hx_err(k.ana, "bad_request", "post", "{s:s, s:s}", "channel", CH,
	    "title", "no body");
	hx_err(k.ana, "bad_request", "post", "{s:s, s:i, s:s}", "channel", CH,
	    "body", 5, "title", "number body");
	hx_stop(k.d);
}

/*
 * A page of history is bounded in bytes as well as in posts: 80 posts
 * of 16,000 bytes (1.25 MB) do not fit one reply (the daemon cuts pages
 * at 1 MiB of posts), so a read with room for all of them says "more",
 * and reading on from its last eid gives the rest: each post exactly
 * once, in order. sync is cut the same way.
 */
Test(posts, pages_bounded_in_bytes)
{
	struct cast	 k;
	int64_t		 ids[80], since = 0, last;
	json_t		*ev, *res;
	char		*big;
	size_t		 i, seen = 0, first_page;
	int		 more = 1, pages = 0;

	cast_setup(&k);
	big = malloc(16001);
	memset(big, 'w', 16000);
	big[16000] = '\0';
	ids[0] = hx_post(k.ana, CH, "Long letters", 0, big);
	for (i = 1; i < 80; i++)
		ids[i] = hx_post(k.ana, CH, NULL, ids[0], big);

	while (more) {
		cr_assert_lt(pages++, 10, "paging does not end");
		ev = read_page(k.omar, json_pack("{s:I, s:i}", "since",
		    (json_int_t)since, "limit", 1000), &more);
		cr_assert_gt(json_array_size(ev), 0, "an empty page with more");
		if (pages == 1)
			first_page = json_array_size(ev);
		for (i = 0; i < json_array_size(ev); i++, seen++) {
			cr_assert_lt(seen, 80, "more posts than were made");
			cr_assert_eq(hx_int(json_array_get(ev, i), "eid"),
			    ids[seen], "post %zu out of order or twice", seen);
		}
		since = ids[seen - 1];
	}
	cr_assert_eq(seen, 80);
	cr_assert_lt(first_page, 80, "1.25 MB came in one reply");
	cr_assert_geq(pages, 2);

	/* sync: the same bound, the same exactly-once. */
	res = hx_ok(k.omar, "sync", "{s:i, s:i}", "since", 0, "limit", 1000);
	cr_assert(json_is_true(json_object_get(res, "more")),
	    "sync put 1.25 MB in one reply");
	last = hx_int(res, "last_eid");
	cr_assert_lt(last, ids[79]);
	res = hx_ok(k.omar, "sync", "{s:I, s:i}", "since", (json_int_t)last,
	    "limit", 1000);
	cr_assert_eq(hx_int(res, "last_eid"), ids[79]);
	free(big);
	hx_stop(k.d);
}
