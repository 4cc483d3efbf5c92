/*
 * 06-crash.c: durability (DESIGN.md decision 3, "durable before
 * acknowledged"). Several connections keep posts in flight; once
 * enough have been acknowledged the daemon gets SIGKILL in the middle
 * of its work, with no chance to flush anything, and is restarted on
 * the same database. Every post whose acknowledgement the test read
 * before the kill must be there, exactly once, with its body; posts in
 * flight may or may not be, but never twice.
 *
 * Only acknowledgements read before the kill count: after a SIGKILL
 * the kernel may reset the connections, and what was in flight then
 * proves nothing either way.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "harness.h"

TestSuite(crash, .timeout = HX_TEST_TIMEOUT);

#define CH		"peer/durable"
#define WRITERS		4
/* Posts each writer keeps in flight, so commits are batched and the
 * kill lands while batches are being written. */
#define WINDOW		16
#define ACKS_BEFORE_KILL 300

/* Post from every writer until `acks` more acknowledgements have been
 * read; returns with requests still in flight. acked: post id -> body. */
static void
post_until(struct hx_conn **w, const int64_t *threads, int round, int acks,
    json_t *acked)
{
	int	 inflight[WRITERS] = { 0 }, seq[WRITERS] = { 0 }, got = 0, i;
	json_t	*bodies[WRITERS], *r, *sent;
	int64_t	 id;

	for (i = 0; i < WRITERS; i++)
		bodies[i] = hx_keep(json_object());
	while (got < acks) {
		for (i = 0; i < WRITERS; i++) {
			while (inflight[i] < WINDOW) {
				const char *body = hx_strf("round %d writer "
				    "%d post %d", round, i, seq[i]++);

				id = hx_send_post(w[i], CH, threads[i], body);
				json_object_set_new(bodies[i], hx_strf("%lld",
				    (long long)id), json_string(body));
				inflight[i]++;
			}
		}
		for (i = 0; i < WRITERS && got < acks; i++) {
			while ((r = hx_any_reply(w[i], 2)) != NULL) {
				inflight[i]--;
				sent = json_object_get(bodies[i], hx_strf(
				    "%lld", (long long)hx_int(r, "id")));
				cr_assert_not_null(sent);
				json_object_set(acked, hx_strf("%lld",
				    (long long)hx_int(hx_assert_ok(r), "post")),
				    sent);
				if (++got >= acks)
					break;
			}
		}
	}
}

/* Read the channel back and check every acknowledged post. */
static void
check_all(struct hx_daemon *d, json_t *acked)
{
	struct hx_conn	*c = hx_login(d, "w0");
	json_t		*all, *ev, *bodies = hx_keep(json_object()), *want;
	const char	*key;
	size_t		 i;

	all = hx_read_all(c, CH, 0);
	json_array_foreach(all, i, ev) {
		cr_assert_null(json_object_get(bodies, hx_str(ev, "body")),
		    "stored twice: %s", hx_dump(ev));
		json_object_set_new(bodies, hx_str(ev, "body"),
		    json_integer(hx_int(ev, "post")));
	}
	json_object_foreach(acked, key, want) {
		ev = json_object_get(bodies, json_string_value(want));
		cr_assert_not_null(ev, "acknowledged post %s (%s) lost in the "
		    "crash; %zu posts survived", key, json_string_value(want),
		    json_array_size(all));
		cr_assert_eq(json_integer_value(ev), strtoll(key, NULL, 10),
		    "post %s came back with id %lld", key,
		    (long long)json_integer_value(ev));
	}
	hx_close(c);
}

Test(crash, acknowledged_posts_survive_sigkill)
{
	struct hx_daemon	*d = hx_start(NULL);
	struct hx_conn		*w[WRITERS];
	int64_t			 threads[WRITERS];
	json_t			*acked = hx_keep(json_object());
	int			 round, i;

	hx_ok(hx_admin(d), "channel.create", "{s:s}", "channel", CH);
	for (i = 0; i < WRITERS; i++) {
		w[i] = hx_user(d, i % 2 ? "refugee-action" : "migrant-help",
		    "member", hx_strf("w%d", i));
		hx_ok(w[i], "join", "{s:s}", "channel", CH);
	}
	/* Twice: the second time on a database that was recovered. */
	for (round = 0; round < 2; round++) {
		for (i = 0; i < WRITERS; i++) {
			if (round > 0)
				w[i] = hx_login(d, hx_strf("w%d", i));
			threads[i] = hx_post(w[i], CH, hx_strf("round %d "
			    "writer %d", round, i), 0, hx_strf("start %d %d",
			    round, i));
			json_object_set_new(acked, hx_strf("%lld",
			    (long long)threads[i]), json_string(hx_strf(
			    "start %d %d", round, i)));
		}
		post_until(w, threads, round, ACKS_BEFORE_KILL, acked);
		hx_crash(d);
		for (i = 0; i < WRITERS; i++)
			hx_close(w[i]);
		hx_restart(d);
		check_all(d, acked);
	}
	cr_assert_geq(json_object_size(acked), 2 * ACKS_BEFORE_KILL);
	hx_stop(d);
}

Test(crash, sigterm_with_posts_in_flight)
{
	struct hx_daemon	*d = hx_start(NULL);
	struct hx_conn		*w[WRITERS];
	int64_t			 threads[WRITERS];
	json_t			*acked = hx_keep(json_object()), *bye;
	int			 i, byes = 0;

	hx_ok(hx_admin(d), "channel.create", "{s:s}", "channel", CH);
	for (i = 0; i < WRITERS; i++) {
		w[i] = hx_user(d, "refugee-action", "member",
		    hx_strf("w%d", i));
		hx_ok(w[i], "join", "{s:s}", "channel", CH);
		threads[i] = hx_post(w[i], CH, hx_strf("writer %d", i), 0,
		    hx_strf("first of writer %d", i));
	}
	post_until(w, threads, 0, 100, acked);
	/* A clean stop: the daemon says bye to every connection, finishes
	 * what it acknowledged, and exits 0 (hx_shutdown checks that). */
	hx_signal(d, SIGTERM);
	for (i = 0; i < WRITERS; i++) {
		bye = hx_event_named(w[i], "bye", hx_ms(HX_WAIT_MS));
		if (bye != NULL)
			byes++;
	}
	cr_assert_eq(byes, WRITERS, "%d of %d connections got a bye on "
	    "SIGTERM", byes, WRITERS);
	hx_reap(d);
	hx_restart(d);
	check_all(d, acked);
	hx_stop(d);
}
