/*
 * loadgen-work.c: the workloads where posts flow. Fan-out (saturated,
 * closed loop), pipelined posting, paced fan-out (open loop) with an
 * optional login burst in the middle, and the slow reader.
 *
 * Saturated fan-out follows the rule: a post may be sent only
 * while fewer than W posts are undelivered to some subscriber, with
 * W = min(64, 6400/S) and at least 4. So the server always has work
 * queued, and the number in flight does not grow with S. remaining[seq]
 * counts the subscribers still owed post seq; "low" is the oldest post
 * someone is still owed.
 *
 * Paced fan-out is open loop: post k goes at t0 + k * S / rate whatever
 * happened to the earlier ones, and carries its scheduled time, not the
 * time it was actually sent, so a stalled server (or a stalled load
 * generator) shows up as latency instead of hiding.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loadgen.h"
#include "loadgen-work.h"

static struct lg_work *
lg_work(struct lg *lg)
{
	return lg->work;
}

static void
lg_work_measure_start(struct lg *lg)
{
	struct lg_work *w = lg_work(lg);

	w->cpu0 = lg_proc_cpu_us(lg->o.server_pid);
	w->rss0 = lg_proc_kib(lg->o.server_pid, "VmRSS:");
	w->rss_max = w->rss0;
	w->t_sample = lg_now();
}

static void
lg_work_measure_end(struct lg *lg)
{
	struct lg_work *w = lg_work(lg);

	if (w->cpu1 == 0)
		w->cpu1 = lg_proc_cpu_us(lg->o.server_pid);
}

static void
lg_work_sample_rss(struct lg *lg)
{
	struct lg_work *w = lg_work(lg);
	uint64_t now = lg_now();
	long rss;

	if (now - w->t_sample < LG_SAMPLE_MS * 1000000ULL)
		return;
	w->t_sample = now;
	rss = lg_proc_kib(lg->o.server_pid, "VmRSS:");
	if (rss > w->rss_max)
		w->rss_max = rss;
}

/* Open n subscribers and call next once every one is subscribed. */
static void
lg_work_subscribers(struct lg *lg, int n, void (*next)(struct lg *))
{
	int i;

	lg->phase = "connect subscribers";
	lg_expect_ready(lg, n, next);
	for (i = 0; i < n; i++)
		lg_open(lg, LG_SUB, i, 0);
}

static int
lg_work_all_acked(struct lg *lg)
{
	return lg->acked >= (uint64_t)lg->o.posts;
}

/* ---- saturated fan-out (and the slow reader's others) ---- */

static void
lg_sat_pump(struct lg *lg)
{
	struct lg_work *w = lg_work(lg);

	while (w->next < (uint64_t)lg->o.posts &&
	    w->next - w->low < (uint64_t)w->window)
		lg_publish(lg, w->next++, lg_now());
}

static void
lg_sat_done(struct lg *lg)
{
	struct lg_work *w = lg_work(lg);

	lg_work_measure_end(lg);
	w->t_done = lg_now();
	if (w->then != NULL)
		w->then(lg);
	else
		lg_finish(lg);
}

static void
lg_sat_delivery(struct lg *lg, struct lg_peer *p, uint64_t seq, uint64_t lat)
{
	struct lg_work *w = lg_work(lg);

	(void)lat;
	if (p->seen != NULL || w->remaining == NULL)
		return;		/* the slow reader is not waited for */
	if (w->remaining[seq] > 0)
		w->remaining[seq]--;
	while (w->low < w->next && w->remaining[w->low] == 0)
		w->low++;
	if (w->low == (uint64_t)lg->o.posts) {
		if (lg_work_all_acked(lg) && w->t_done == 0)
			lg_sat_done(lg);
		return;
	}
	lg_sat_pump(lg);
}

static void
lg_sat_ack(struct lg *lg, uint64_t seq, int ok)
{
	struct lg_work *w = lg_work(lg);

	(void)seq;
	if (!ok)
		lg_fail(lg, "a post was refused");
	if (w->low == (uint64_t)lg->o.posts && lg_work_all_acked(lg) &&
	    w->t_done == 0)
		lg_sat_done(lg);
}

static void
lg_sat_tick(struct lg *lg)
{
	lg_work_sample_rss(lg);
}

static void
lg_sat_start(struct lg *lg)
{
	struct lg_work *w = lg_work(lg);
	uint64_t i;

	if (lg->failed)
		return lg_finish(lg);
	w->remaining = malloc((size_t)lg->o.posts * sizeof *w->remaining);
	if (w->remaining == NULL)
		abort();
	for (i = 0; i < (uint64_t)lg->o.posts; i++)
		w->remaining[i] = w->active;
	lg->phase = "publish";
	lg->on_delivery = lg_sat_delivery;
	lg->on_ack = lg_sat_ack;
	lg->on_tick = lg_sat_tick;
	lg_work_measure_start(lg);
	lg_sat_pump(lg);
}

static void
lg_fanout_report(struct lg *lg)
{
	struct lg_work *w = lg_work(lg);
	uint64_t end = w->t_done ? w->t_done : lg_now();
	double secs = lg_secs(end - lg->t_first_pub);

	lg_result_int("subs", lg->o.subs);
	lg_result_int("posts", lg->o.posts);
	lg_result_int("window", w->window);
	lg_result_int("deliveries", (long long)lg->deliveries);
	lg_result_num("seconds", secs);
	lg_result_num("deliveries_per_s", secs > 0 ?
	    (double)lg->deliveries / secs : 0);
	if (lg->deliveries > 0 && w->cpu1 >= w->cpu0)
		lg_result_num("server_cpu_us_per_delivery",
		    (double)(w->cpu1 - w->cpu0) / (double)lg->deliveries);
	lg_result_hist("latency", &lg->lat);
}

static void
lg_sat_window(struct lg *lg)
{
	struct lg_work *w = lg_work(lg);

	w->window = lg->o.window > 0 ? lg->o.window :
	    LG_WINDOW_WORK / lg->o.subs;
	if (w->window > LG_WINDOW_MAX)
		w->window = LG_WINDOW_MAX;
	if (w->window < LG_WINDOW_MIN)
		w->window = LG_WINDOW_MIN;
	w->active = lg->o.subs;
}

void
lg_work_fanout(struct lg *lg)
{
	lg_sat_window(lg);
	lg_work(lg)->report = lg_fanout_report;
	lg_work_subscribers(lg, lg->o.subs, lg_sat_start);
}

/* ---- pipelined posting: acknowledgements are the window ---- */

static void
lg_pipe_pump(struct lg *lg)
{
	struct lg_work *w = lg_work(lg);

	while (w->next < (uint64_t)lg->o.posts &&
	    w->next - lg->acked < (uint64_t)lg->o.inflight)
		lg_publish(lg, w->next++, lg_now());
}

static void
lg_pipe_check(struct lg *lg)
{
	struct lg_work *w = lg_work(lg);

	if (w->t_done == 0 && lg_work_all_acked(lg) &&
	    lg->deliveries >= (uint64_t)lg->o.posts * (uint64_t)lg->o.subs) {
		w->t_done = lg_now();
		lg_work_measure_end(lg);
		lg_finish(lg);
	}
}

static void
lg_pipe_ack(struct lg *lg, uint64_t seq, int ok)
{
	(void)seq;
	if (!ok)
		lg_fail(lg, "a post was refused");
	lg_pipe_pump(lg);
	lg_pipe_check(lg);
}

static void
lg_pipe_delivery(struct lg *lg, struct lg_peer *p, uint64_t seq,
    uint64_t lat)
{
	(void)p;
	(void)seq;
	(void)lat;
	lg_pipe_check(lg);
}

static void
lg_pipe_start(struct lg *lg)
{
	if (lg->failed)
		return lg_finish(lg);
	lg->phase = "publish";
	lg->on_ack = lg_pipe_ack;
	lg->on_delivery = lg_pipe_delivery;
	lg_work_measure_start(lg);
	lg_pipe_pump(lg);
}

static void
lg_pipe_report(struct lg *lg)
{
	struct lg_work *w = lg_work(lg);
	double secs = lg_secs(lg->t_last_ack - lg->t_first_pub);

	lg_result_int("subs", lg->o.subs);
	lg_result_int("posts", lg->o.posts);
	lg_result_int("inflight", lg->o.inflight);
	lg_result_int("acked", (long long)lg->acked);
	lg_result_num("seconds", secs);
	lg_result_num("posts_per_s", secs > 0 && lg->t_last_ack > 0 ?
	    (double)lg->acked / secs : 0);
	if (lg->acked > 0 && w->cpu1 >= w->cpu0)
		lg_result_num("server_cpu_us_per_post",
		    (double)(w->cpu1 - w->cpu0) / (double)lg->acked);
	lg_result_hist("ack", &lg->ack_lat);
	lg_result_hist("latency", &lg->lat);
}

void
lg_work_pipeline(struct lg *lg)
{
	lg_work(lg)->report = lg_pipe_report;
	lg_work_subscribers(lg, lg->o.subs, lg_pipe_start);
}

/* ---- the slow reader ---- */

static void
lg_slow_caught_up(struct lg *lg, struct lg_peer *p)
{
	struct lg_work *w = lg_work(lg);

	w->t_caught_up = lg_now();
	if (p->got != (uint64_t)lg->o.posts || p->dups != 0)
		lg_fail(lg, "the slow reader has %llu of %d posts, %llu twice",
		    (unsigned long long)p->got, lg->o.posts,
		    (unsigned long long)p->dups);
	lg_finish(lg);
}

/* The others have everything: now the slow one reads again. */
static void
lg_slow_resume(struct lg *lg)
{
	struct lg_work *w = lg_work(lg);

	lg->phase = "slow reader catches up";
	lg->on_catchup = lg_slow_caught_up;
	lg_catch_up(w->slow);
}

static void
lg_slow_paused(struct lg *lg)
{
	struct lg_work *w = lg_work(lg);

	if (lg->failed)
		return lg_finish(lg);
	lg_pause(w->slow);
	lg_sat_start(lg);
}

static void
lg_slow_others(struct lg *lg)
{
	struct lg_work *w = lg_work(lg);

	if (lg->failed)
		return lg_finish(lg);
	lg->phase = "connect the slow reader";
	lg_expect_ready(lg, 1, lg_slow_paused);
	w->slow = lg_open(lg, LG_SUB, lg->o.subs, LG_OPEN_SLOW);
	w->slow->seen = calloc((size_t)lg->o.posts, 1);
	if (w->slow->seen == NULL)
		abort();
}

static void
lg_slow_report(struct lg *lg)
{
	struct lg_work *w = lg_work(lg);
	uint64_t others = lg->o.posts * (uint64_t)lg->o.subs;
	double secs = lg_secs((w->t_done ? w->t_done : lg_now()) -
	    lg->t_first_pub);

	lg_result_int("subs", lg->o.subs);
	lg_result_int("posts", lg->o.posts);
	lg_result_int("window", w->window);
	lg_result_num("others_deliveries_per_s", secs > 0 && w->t_done ?
	    (double)others / secs : 0);
	lg_result_int("rss_before_kib", w->rss0);
	lg_result_int("rss_max_kib", w->rss_max);
	lg_result_num("rss_growth_mib", (double)(w->rss_max - w->rss0) /
	    1024);
	if (w->slow != NULL) {
		lg_result_int("slow_got", (long long)w->slow->got);
		lg_result_int("slow_dups", (long long)w->slow->dups);
		lg_result_int("slow_gap_after", w->slow->gap_after);
		lg_result_str("slow_gap", w->slow->gap_after >= 0 ? "yes" :
		    "no");
	}
	if (w->t_caught_up != 0)
		lg_result_num("catch_up_s", lg_secs(w->t_caught_up -
		    w->t_done));
	lg_result_hist("latency", &lg->lat);
}

void
lg_work_slow(struct lg *lg)
{
	struct lg_work *w = lg_work(lg);

	lg_sat_window(lg);
	w->report = lg_slow_report;
	w->then = lg_slow_resume;
	lg_work_subscribers(lg, lg->o.subs, lg_slow_others);
}

/* ---- paced fan-out, and the login burst inside it ---- */

static void
lg_paced_check(struct lg *lg)
{
	struct lg_work *w = lg_work(lg);

	if (w->t_done != 0 || !lg_work_all_acked(lg) ||
	    lg->deliveries < (uint64_t)lg->o.posts * (uint64_t)lg->o.subs ||
	    w->logins_done < w->nlogins)
		return;
	w->t_done = lg_now();
	lg_work_measure_end(lg);
	lg_finish(lg);
}

static void
lg_paced_delivery(struct lg *lg, struct lg_peer *p, uint64_t seq,
    uint64_t lat)
{
	struct lg_work *w = lg_work(lg);
	uint64_t sent = lg->send_ns[seq];

	(void)p;
	/* Posts scheduled while logins were being checked. */
	if (w->t_burst0 != 0 && lat != 0 && sent >= w->t_burst0 &&
	    (w->t_burst1 == 0 || sent <= w->t_burst1))
		lg_hist_add(&lg->lat2, lat / 1000);
	lg_paced_check(lg);
}

static void
lg_paced_ack(struct lg *lg, uint64_t seq, int ok)
{
	(void)seq;
	if (!ok)
		lg_fail(lg, "a post was refused");
	lg_paced_check(lg);
}

static void
lg_burst_login(struct lg *lg, struct lg_peer *p, int ok)
{
	struct lg_work *w = lg_work(lg);

	(void)p;
	if (ok)
		w->logins_ok++;
	if (++w->logins_done == w->nlogins) {
		w->t_burst1 = lg_now();
		lg_paced_check(lg);
	}
}

/* Every login client at once, in one pass of the loop. */
static void
lg_burst_fire(struct lg *lg)
{
	struct lg_work *w = lg_work(lg);
	int i;

	w->t_burst0 = lg_now();
	lg->on_login = lg_burst_login;
	for (i = 0; i < lg->npeers; i++)
		if (lg->peers[i]->kind == LG_LOGIN)
			lg->drv->login(lg->peers[i]);
}

static void
lg_paced_tick(struct lg *lg)
{
	struct lg_work *w = lg_work(lg);
	uint64_t now = lg_now(), t;
	struct timeval tv;

	while (w->next < (uint64_t)lg->o.posts) {
		t = w->t0 + w->next * w->interval_ns;
		if (t > now)
			break;
		lg_publish(lg, w->next++, t);
	}
	/* Woken at the next post's time, not at the next 1 ms tick: the
	 * tick's lateness (up to a tick, and epoll's millisecond timeout
	 * on top) would be latency every server is charged alike, hiding
	 * the differences the row is for. */
	if (w->next < (uint64_t)lg->o.posts) {
		t = w->t0 + w->next * w->interval_ns - now;
		tv.tv_sec = (time_t)(t / 1000000000u);
		tv.tv_usec = (suseconds_t)(t % 1000000000u / 1000u);
		evtimer_add(w->timer, &tv);
	}
	if (w->nlogins > 0 && w->t_burst0 == 0 &&
	    now >= w->t0 + (uint64_t)(lg->o.burst_at * 1e9))
		lg_burst_fire(lg);
}

static void
lg_paced_due(evutil_socket_t fd, short what, void *arg)
{
	struct lg *lg = arg;

	(void)fd;
	(void)what;
	if (!lg->finished)
		lg_paced_tick(lg);
}

static void
lg_paced_start(struct lg *lg)
{
	struct lg_work *w = lg_work(lg);

	if (lg->failed)
		return lg_finish(lg);
	lg->phase = "publish";
	lg->on_delivery = lg_paced_delivery;
	lg->on_ack = lg_paced_ack;
	w->interval_ns = (uint64_t)(1e9 * lg->o.subs / lg->o.rate);
	lg_work_measure_start(lg);
	w->timer = evtimer_new(lg->base, lg_paced_due, lg);
	w->t0 = lg_now();
	lg->on_tick = lg_paced_tick;
	lg_paced_tick(lg);
}

/* The burst's clients connect (TLS, hello) before posts start. */
static void
lg_burst_connect(struct lg *lg)
{
	int i;

	if (lg->failed)
		return lg_finish(lg);
	lg->phase = "connect the login burst";
	lg_expect_ready(lg, lg->o.logins, lg_paced_start);
	for (i = 0; i < lg->o.logins; i++)
		lg_open(lg, LG_LOGIN, i, 0);
}

static void
lg_paced_report(struct lg *lg)
{
	struct lg_work *w = lg_work(lg);
	double secs = lg_secs((w->t_done ? w->t_done : lg_now()) - w->t0);

	lg_result_int("subs", lg->o.subs);
	lg_result_int("posts", lg->o.posts);
	lg_result_int("offered_per_s", lg->o.rate);
	lg_result_num("deliveries_per_s", secs > 0 ?
	    (double)lg->deliveries / secs : 0);
	if (lg->deliveries > 0 && w->cpu1 >= w->cpu0)
		lg_result_num("server_cpu_us_per_delivery",
		    (double)(w->cpu1 - w->cpu0) / (double)lg->deliveries);
	lg_result_hist("latency", &lg->lat);
	if (w->nlogins == 0)
		return;
	lg_result_int("logins", w->nlogins);
	lg_result_int("logins_ok", w->logins_ok);
	if (w->t_burst1 != 0)
		lg_result_num("burst_s", lg_secs(w->t_burst1 - w->t_burst0));
	lg_result_hist("burst_latency", &lg->lat2);
}

void
lg_work_paced(struct lg *lg)
{
	struct lg_work *w = lg_work(lg);

	w->report = lg_paced_report;
	if (strcmp(lg->o.mode, "burst") == 0) {
		w->nlogins = lg->o.logins;
		lg_work_subscribers(lg, lg->o.subs, lg_burst_connect);
	} else
		lg_work_subscribers(lg, lg->o.subs, lg_paced_start);
}
