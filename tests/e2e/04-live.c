/*
 * 04-live.c: live delivery and catching up (PROTOCOL.md "subscribe",
 * "sync", the "gap" event; DESIGN.md decision 4).
 *
 * The property under test is "every event exactly once, in order, live
 * or from history, and nothing dropped silently". Tests that need to
 * show something did NOT arrive use a fence: a later event that must
 * arrive, so the check waits for something positive instead of
 * sleeping and hoping.
 *
 * The slow-reader test makes a real slow reader: a socket with a tiny
 * receive buffer that stops reading while another client posts
 * megabytes, so the daemon's per-connection output passes
 * output_limit. It must then get a gap event, and live events up to
 * the gap plus history after it must hold every post exactly once.
 */
#include <string.h>

#include <criterion/criterion.h>

#include "harness.h"

TestSuite(live, .timeout = HX_TEST_TIMEOUT);

#define CH	"peer/live"
#define CH2	"peer/other"
/* Posts the slow-reader test makes: with 1 KiB bodies, ~2.5 MB of
 * events, far beyond a 64 KiB output limit plus kernel buffers. */
#define FLOOD_POSTS	2000
#define FLOOD_BODY	1024
/* Requests the flooding client keeps in flight. */
#define FLOOD_WINDOW	32

struct pair {
	struct hx_daemon	*d;
	struct hx_conn		*ana;
	struct hx_conn		*bob;
};

static void
pair_setup(struct pair *p, const char *extra)
{
	p->d = hx_start(extra);
	hx_ok(hx_admin(p->d), "channel.create", "{s:s}", "channel", CH);
	hx_ok(hx_admin(p->d), "channel.create", "{s:s}", "channel", CH2);
	p->ana = hx_user(p->d, "refugee-action", "member", "ana");
	p->bob = hx_user(p->d, "migrant-help", "member", "bob");
	hx_ok(p->ana, "join", "{s:s}", "channel", CH);
	hx_ok(p->bob, "join", "{s:s}", "channel", CH);
	hx_ok(p->ana, "join", "{s:s}", "channel", CH2);
	hx_ok(p->bob, "join", "{s:s}", "channel", CH2);
}

static json_t *
next_post(struct hx_conn *c)
{
	json_t	*ev = hx_event(c, hx_ms(HX_WAIT_MS));

	cr_assert_not_null(ev, "no event within %d ms", hx_ms(HX_WAIT_MS));
	cr_assert_str_eq(hx_str(ev, "ev"), "post", "unexpected %s",
	    hx_dump(ev));
	return ev;
}

Test(live, post_arrives_once_same_shape)
{
	struct pair	 p;
	json_t		*res, *ev, *hist;
	int64_t		 t, r;

	pair_setup(&p, NULL);
	res = hx_ok(p.bob, "subscribe", NULL);
	cr_assert(json_is_array(json_object_get(res, "channels")) &&
	    json_array_size(json_object_get(res, "channels")) == 2,
	    "subscribe {} covers every joined channel: %s", hx_dump(res));
	hx_int(res, "last_eid");

	t = hx_post(p.ana, CH, "Live", 0, "are you there?");
	ev = next_post(p.bob);
	hx_assert_post(ev, CH, t, t, "ana", "refugee-action", "Live",
	    "are you there?");
	hist = hx_read_all(p.bob, CH, 0);
	cr_assert(json_equal(ev, json_array_get(hist, 0)),
	    "live %s and history %s differ", hx_dump(ev),
	    hx_dump(json_array_get(hist, 0)));

	/* Exactly once: the next thing bob sees is the next post. */
	r = hx_post(p.ana, CH, NULL, t, "still here");
	ev = next_post(p.bob);
	hx_assert_post(ev, CH, r, t, "ana", "refugee-action", NULL,
	    "still here");
	hist = hx_read_all(p.bob, CH, t);
	cr_assert(json_equal(ev, json_array_get(hist, 0)),
	    "live %s and history %s differ", hx_dump(ev), hx_dump(hist));
	hx_stop(p.d);
}

Test(live, subscribe_named_channels_only)
{
	struct pair	 p;
	json_t		*res, *ev;

	pair_setup(&p, NULL);
	res = hx_ok(p.bob, "subscribe", "{s:[s]}", "channels", CH);
	cr_assert_eq(json_array_size(json_object_get(res, "channels")), 1,
	    "%s", hx_dump(res));
	hx_post(p.ana, CH2, "not for bob", 0, "other channel");
	hx_post(p.ana, CH, "fence", 0, "for bob");
	ev = next_post(p.bob);
	cr_assert_str_eq(hx_str(ev, "channel"), CH, "bob got %s", hx_dump(ev));

	/* unsubscribe stops everything; a new subscribe starts again. */
	hx_ok(p.bob, "unsubscribe", NULL);
	hx_post(p.ana, CH, NULL, hx_int(ev, "thread"), "unheard");
	res = hx_ok(p.bob, "subscribe", "{s:[s]}", "channels", CH2);
	hx_post(p.ana, CH2, "fence 2", 0, "heard");
	ev = next_post(p.bob);
	cr_assert_str_eq(hx_str(ev, "body"), "heard", "bob got %s",
	    hx_dump(ev));

	hx_err(p.bob, "not_found", "subscribe", "{s:[s]}", "channels",
	    "peer/none");
	hx_ok(hx_admin(p.d), "channel.create", "{s:s}", "channel", "peer/x");
	hx_err(p.bob, "not_member", "subscribe", "{s:[s]}", "channels",
	    "peer/x");
	hx_stop(p.d);
}

Test(live, subscribe_since_replays_in_order)
{
	struct pair	 p;
	struct hx_conn	*bob2;
	json_t		*res, *ev;
	int64_t		 t, seen, ids[6];
	int		 i;

	pair_setup(&p, NULL);
	hx_ok(p.bob, "subscribe", NULL);
	t = hx_post(p.ana, CH, "Replay", 0, "p0");
	seen = hx_int(next_post(p.bob), "eid");
	cr_assert_eq(seen, t);
	hx_close(p.bob);

	for (i = 0; i < 5; i++)
		ids[i] = hx_post(p.ana, i % 2 ? CH2 : CH, i % 2 ? "x" : NULL,
		    i % 2 ? 0 : t, hx_strf("missed %d", i));

	bob2 = hx_login(p.d, "bob");
	res = hx_ok(bob2, "subscribe", "{s:I}", "since", (json_int_t)seen);
	/* The replay came before the reply, as events, in order. */
	cr_assert_eq(hx_events_queued(bob2), 5, "%zu events before the "
	    "subscribe reply, want 5", hx_events_queued(bob2));
	for (i = 0; i < 5; i++) {
		ev = next_post(bob2);
		cr_assert_eq(hx_int(ev, "eid"), ids[i], "replay %d: %s", i,
		    hx_dump(ev));
		cr_assert_str_eq(hx_str(ev, "body"), hx_strf("missed %d", i));
	}
	cr_assert(hx_int(res, "last_eid") >= ids[4], "%s", hx_dump(res));
	/* Then live, exactly once. */
	ids[5] = hx_post(p.ana, CH, NULL, t, "live again");
	ev = next_post(bob2);
	cr_assert_eq(hx_int(ev, "eid"), ids[5], "%s", hx_dump(ev));
	ids[5] = hx_post(p.ana, CH, NULL, t, "and again");
	ev = next_post(bob2);
	cr_assert_eq(hx_int(ev, "eid"), ids[5], "%s", hx_dump(ev));
	hx_stop(p.d);
}

/* Post n replies to thread t from c, FLOOD_WINDOW in flight; the ids
 * acknowledged are set in acked[]. */
static void
flood(struct hx_conn *c, const char *ch, int64_t t, int n, const char *body,
    json_t *acked)
{
	int	 sent = 0, done = 0;
	json_t	*r;

	while (done < n) {
		while (sent < n && sent - done < FLOOD_WINDOW) {
			hx_send_post(c, ch, t, body);
			sent++;
		}
		r = hx_any_reply(c, hx_ms(HX_WAIT_MS));
		cr_assert_not_null(r, "no reply to a post within %d ms "
		    "(%d of %d answered)", hx_ms(HX_WAIT_MS), done, n);
		json_array_append_new(acked, json_integer(hx_int(
		    hx_assert_ok(r), "post")));
		done++;
	}
}

Test(live, too_far_behind)
{
	struct pair	 p;
	json_t		*acked = hx_keep(json_array()), *res;
	int64_t		 t;

	pair_setup(&p, NULL);
	t = hx_post(p.ana, CH, "Many", 0, "start");
	flood(p.ana, CH, t, 1001, "x", acked);
	hx_err(p.bob, "too_far_behind", "subscribe", "{s:I}", "since",
	    (json_int_t)t);
	/* sync first, then subscribe from where sync ended. */
	res = hx_sync_all(p.bob, t);
	cr_assert_eq(json_array_size(res), 1001);
	res = hx_ok(p.bob, "subscribe", "{s:I}", "since", (json_int_t)hx_int(
	    json_array_get(res, 1000), "eid"));
	cr_assert_eq(hx_events_queued(p.bob), 0);
	hx_stop(p.d);
}

Test(live, slow_reader_gets_gap)
{
	struct hx_conn_opts	 o = { .rcvbuf = 4096 };
	struct pair		 p;
	struct hx_conn		*slow;
	json_t			*acked = hx_keep(json_array()), *live, *ev;
	json_t			*seen = hx_keep(json_object()), *hist, *v;
	const char		*body;
	int64_t			 t, after = -1, eid, last;
	size_t			 i, after_gap = 0;

	pair_setup(&p, "output_limit = 65536");
	t = hx_post(p.ana, CH, "Flood", 0, "start");
	slow = hx_connect_opts(p.d, &o);
	hx_ok(slow, "login", "{s:s, s:s}", "user", "bob", "password",
	    HX_PASSWORD);
	hx_ok(slow, "subscribe", NULL);

	/* slow reads nothing while ana posts. */
	body = hx_strf("%0*d", FLOOD_BODY, 0);
	flood(p.ana, CH, t, FLOOD_POSTS, body, acked);

	/* Now read everything slow was sent: posts, then the gap. */
	live = hx_keep(json_array());
	while ((ev = hx_event(slow, hx_ms(3000))) != NULL) {
		if (strcmp(hx_str(ev, "ev"), "gap") == 0) {
			cr_assert(after == -1, "two gaps without a subscribe");
			after = hx_int(ev, "after");
			continue;
		}
		cr_assert_str_eq(hx_str(ev, "ev"), "post", "%s", hx_dump(ev));
		if (after != -1)
			after_gap++;
		json_array_append(live, ev);
	}
	cr_assert(after != -1, "no gap event after %d posts of %d bytes to "
	    "a reader that did not read (output_limit 65536); %zu live "
	    "events arrived", FLOOD_POSTS, FLOOD_BODY, json_array_size(live));
	cr_assert_eq(after_gap, 0, "%zu live events after the gap: an "
	    "unsubscribed connection gets none", after_gap);

	/* Live events: in order, each at most once, all up to after. */
	eid = t;
	json_array_foreach(live, i, ev) {
		cr_assert(hx_int(ev, "eid") > eid, "live events out of order "
		    "or repeated at %zu: %lld after %lld", i,
		    (long long)hx_int(ev, "eid"), (long long)eid);
		eid = hx_int(ev, "eid");
		cr_assert(eid <= after, "live event %lld after the gap's %lld",
		    (long long)eid, (long long)after);
		json_object_set_new(seen, hx_strf("%lld", (long long)eid),
		    json_true());
	}
	/* Everything after the gap, from history. */
	hist = hx_sync_all(slow, after);
	json_array_foreach(hist, i, ev) {
		eid = hx_int(ev, "eid");
		cr_assert(eid > after);
		cr_assert_null(json_object_get(seen, hx_strf("%lld",
		    (long long)eid)), "event %lld twice", (long long)eid);
		json_object_set_new(seen, hx_strf("%lld", (long long)eid),
		    json_true());
	}
	/* Every acknowledged post exactly once, live or from history. */
	json_array_foreach(acked, i, v)
		cr_assert_not_null(json_object_get(seen, hx_strf("%lld",
		    (long long)json_integer_value(v))), "acknowledged post "
		    "%lld neither live nor in sync after the gap (after %lld)",
		    (long long)json_integer_value(v), (long long)after);
	cr_assert_eq(json_object_size(seen), FLOOD_POSTS, "%zu events seen, "
	    "%d posted", json_object_size(seen), FLOOD_POSTS);

	/* And it can subscribe again and carry on live. */
	last = t;
	json_array_foreach(acked, i, v)
		if (json_integer_value(v) > last)
			last = json_integer_value(v);
	hx_ok(slow, "subscribe", "{s:I}", "since", (json_int_t)last);
	cr_assert_eq(hx_events_queued(slow), 0, "a replay after the newest "
	    "event");
	eid = hx_post(p.ana, CH, NULL, t, "back in step");
	ev = next_post(slow);
	cr_assert_eq(hx_int(ev, "eid"), eid, "%s", hx_dump(ev));
	hx_stop(p.d);
}

Test(live, reconnect_with_token_and_sync)
{
	struct pair	 p;
	struct hx_conn	*bob2;
	const char	*token;
	json_t		*all, *res;
	int64_t		 t, last, ids[10];
	int		 i;

	pair_setup(&p, NULL);
	token = hx_token(p.bob);
	t = hx_post(p.ana, CH, "While you were out", 0, "p0");
	res = hx_ok(p.bob, "sync", "{s:i}", "since", 0);
	last = hx_int(res, "last_eid");
	cr_assert_eq(last, t);
	cr_assert(json_is_false(json_object_get(res, "more")));
	hx_close(p.bob);

	for (i = 0; i < 10; i++)
		ids[i] = hx_post(p.ana, i % 3 ? CH : CH2, i % 3 ? NULL : "t",
		    i % 3 ? t : 0, hx_strf("while away %d", i));

	bob2 = hx_connect(p.d);
	hx_ok(bob2, "login", "{s:s}", "token", token);
	all = hx_sync_all(bob2, last);
	cr_assert_eq(json_array_size(all), 10, "%s", hx_dump(all));
	for (i = 0; i < 10; i++)
		cr_assert_eq(hx_int(json_array_get(all, i), "eid"), ids[i]);

	/* Small pages: limit 3 four times. */
	res = hx_ok(bob2, "sync", "{s:I, s:i}", "since", (json_int_t)last,
	    "limit", 3);
	cr_assert_eq(json_array_size(json_object_get(res, "events")), 3);
	cr_assert(json_is_true(json_object_get(res, "more")));
	cr_assert_eq(hx_int(res, "last_eid"), ids[2]);
	res = hx_ok(bob2, "sync", "{s:I}", "since", (json_int_t)ids[9]);
	cr_assert_eq(json_array_size(json_object_get(res, "events")), 0);
	cr_assert_eq(hx_int(res, "last_eid"), ids[9], "last_eid is since "
	    "when nothing is returned: %s", hx_dump(res));
	cr_assert(json_is_false(json_object_get(res, "more")));
	hx_err(bob2, "bad_request", "sync", NULL);
	hx_stop(p.d);
}
