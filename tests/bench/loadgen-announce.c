/*
 * loadgen-announce.c: an announcement to members of whom half are in
 * quiet hours (--mode announce, Harbour only).
 *
 * S subscribers follow the tag "bench"; the odd-numbered half have set
 * working hours the run is outside of (the driver's quiet.set). One
 * publisher, the admin, shares P announcements (resource.post with that
 * tag), at most W unacknowledged at a time, the next going as soon as
 * an acknowledgement comes back, as in the pipelined row. Each reply
 * says how many inbox rows it wrote ("notified"): S every time, in
 * hours or not. The in-hours half must each receive every announcement
 * live, in order and once; the quiet half must receive none (the core
 * counts what reaches a quiet subscriber as leaked, never delivered),
 * and nobody may get a digest, since nothing waits for anyone who is
 * in hours and no one's hours begin during the run.
 *
 * The measured span runs from the first announcement to the moment the
 * last is acknowledged and every in-hours subscriber has every one.
 * Should deliveries stop short, the run ends LG_ANNOUNCE_GRACE_MS after
 * the last acknowledgement and counts what is missing; either way it
 * lingers LG_ANNOUNCE_SETTLE_MS more (outside the span) so that a late
 * push to a quiet subscriber is still seen.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loadgen.h"
#include "loadgen-work.h"

/* Unacknowledged announcements at a time when --window is not given:
 * a few, as one curator's client would have, not a flood. */
#define LG_ANNOUNCE_WINDOW	4
/* After the last acknowledgement, how long the deliveries still owed
 * may take before they count as missing: the server pushes each one
 * as its transaction commits, so a healthy run needs milliseconds. */
#define LG_ANNOUNCE_GRACE_MS	5000
/* And how long to keep listening for a push to a quiet subscriber
 * once everything expected has arrived. */
#define LG_ANNOUNCE_SETTLE_MS	500

/* An announcement's reply: the inbox rows its server wrote, one per
 * subscribed person whether in their hours or not, so S every time. */
void
lg_notified(struct lg *lg, uint64_t seq, int64_t n)
{
	if (n > 0)
		lg->inbox_rows += (uint64_t)n;
	if (n != lg->o.subs) {
		lg->notified_wrong++;
		lg_fail(lg, "announcement %llu notified %lld, not %d",
		    (unsigned long long)seq, (long long)n, lg->o.subs);
	}
}

/* A digest: items that waited. The driver delivers each item after
 * this, so that what leaked to a quiet subscriber includes them. */
void
lg_digest(struct lg_peer *p, size_t items)
{
	p->lg->digests++;
	p->lg->digest_items += items;
	p->digest_items += items;
}

static int
lg_ann_inhours(const struct lg *lg)
{
	return (lg->o.subs + 1) / 2;	/* the even-numbered */
}

static uint64_t
lg_ann_expected(const struct lg *lg)
{
	return (uint64_t)lg->o.posts * (uint64_t)lg_ann_inhours(lg);
}

static void
lg_ann_settled(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	lg_finish(arg);
}

/* Everything is in (or the grace is over): stop the clock, listen a
 * moment longer for leaks, then report. */
static void
lg_ann_done(struct lg *lg, uint64_t t_end)
{
	struct lg_work *w = lg->work;
	struct timeval tv = { 0, LG_ANNOUNCE_SETTLE_MS * 1000 };

	w->t_done = t_end;
	w->cpu1 = lg_proc_cpu_us(lg->o.server_pid);
	lg->phase = "listen for late pushes";
	lg->on_tick = NULL;
	w->timer = evtimer_new(lg->base, lg_ann_settled, lg);
	evtimer_add(w->timer, &tv);
}

static void
lg_ann_check(struct lg *lg)
{
	struct lg_work *w = lg->work;

	if (w->t_done == 0 && lg->acked >= (uint64_t)lg->o.posts &&
	    lg->deliveries >= lg_ann_expected(lg))
		lg_ann_done(lg, lg_now());
}

static void
lg_ann_pump(struct lg *lg)
{
	struct lg_work *w = lg->work;

	while (w->next < (uint64_t)lg->o.posts &&
	    w->next - lg->acked < (uint64_t)w->window)
		lg_publish(lg, w->next++, lg_now());
}

static void
lg_ann_ack(struct lg *lg, uint64_t seq, int ok)
{
	(void)seq;
	if (!ok)
		lg_fail(lg, "an announcement was refused");
	lg_ann_pump(lg);
	lg_ann_check(lg);
}

static void
lg_ann_delivery(struct lg *lg, struct lg_peer *p, uint64_t seq,
    uint64_t lat)
{
	(void)p;
	(void)seq;
	(void)lat;
	lg_ann_check(lg);
}

/* Deliveries stopped short: the span ends at the last that came. */
static void
lg_ann_tick(struct lg *lg)
{
	struct lg_work *w = lg->work;

	if (w->t_done == 0 && lg->acked >= (uint64_t)lg->o.posts &&
	    lg_now() - lg->t_last_ack > LG_ANNOUNCE_GRACE_MS * 1000000ULL)
		lg_ann_done(lg, lg->t_last_delivery > lg->t_last_ack ?
		    lg->t_last_delivery : lg->t_last_ack);
}

static void
lg_ann_start(struct lg *lg)
{
	struct lg_work *w = lg->work;

	if (lg->failed)
		return lg_finish(lg);
	lg->phase = "announce";
	lg->on_ack = lg_ann_ack;
	lg->on_delivery = lg_ann_delivery;
	lg->on_tick = lg_ann_tick;
	w->cpu0 = lg_proc_cpu_us(lg->o.server_pid);
	w->t0 = lg_now();
	lg_ann_pump(lg);
}

/* Missing, duplicated and out-of-order over the in-hours half; what
 * reached the quiet half; digests. Any of them fails the run. */
static void
lg_ann_errors(struct lg *lg)
{
	uint64_t missing = 0, dups = 0, skipped = 0, errors;
	struct lg_peer *p;
	int i, quiet_reached = 0, digested = 0;

	for (i = 0; i < lg->npeers; i++) {
		p = lg->peers[i];
		if (p->kind != LG_SUB)
			continue;
		digested += p->digest_items > 0;
		if (p->quiet) {
			quiet_reached += p->leaked > 0;
			continue;
		}
		if (p->got < (uint64_t)lg->o.posts)
			missing += (uint64_t)lg->o.posts - p->got;
		dups += p->dups;
		skipped += p->skipped;
	}
	errors = lg->leaked + missing + dups + skipped + lg->digests +
	    lg->notified_wrong;
	lg_result_int("quiet_deliveries", (long long)lg->leaked);
	lg_result_int("quiet_subs_reached", quiet_reached);
	lg_result_int("loss", (long long)missing);
	lg_result_int("dups", (long long)dups);
	lg_result_int("gaps", (long long)skipped);
	lg_result_int("digests", (long long)lg->digests);
	lg_result_int("digest_items", (long long)lg->digest_items);
	lg_result_int("subs_with_digest", digested);
	lg_result_int("notified_wrong", (long long)lg->notified_wrong);
	lg_result_int("gap_events", (long long)lg->gaps_seen);
	lg_result_int("errors", (long long)errors);
	if (lg->leaked != 0 || missing != 0 || dups != 0 || skipped != 0 ||
	    lg->digests != 0)
		lg_fail(lg, "%llu pushed to members in quiet hours, %llu "
		    "missing, %llu duplicated, %llu out of order, %llu "
		    "digests", (unsigned long long)lg->leaked,
		    (unsigned long long)missing, (unsigned long long)dups,
		    (unsigned long long)skipped,
		    (unsigned long long)lg->digests);
}

static void
lg_ann_report(struct lg *lg)
{
	struct lg_work *w = lg->work;
	uint64_t end = w->t_done ? w->t_done : lg_now();
	double secs = lg->t_first_pub != 0 ? lg_secs(end -
	    lg->t_first_pub) : 0, cpu = 0;

	if (w->t_done != 0 && w->cpu1 >= w->cpu0)
		cpu = (double)(w->cpu1 - w->cpu0);
	lg_result_int("subs", lg->o.subs);
	lg_result_int("quiet_subs", lg->o.subs - lg_ann_inhours(lg));
	lg_result_int("posts", lg->o.posts);
	lg_result_int("window", w->window);
	lg_result_int("acked", (long long)lg->acked);
	lg_result_int("inbox_rows", (long long)lg->inbox_rows);
	lg_result_int("deliveries", (long long)lg->deliveries);
	lg_result_int("expected", (long long)lg_ann_expected(lg));
	lg_result_num("seconds", secs);
	if (secs > 0) {
		lg_result_num("announcements_per_s", (double)lg->acked / secs);
		lg_result_num("inbox_rows_per_s", (double)lg->inbox_rows /
		    secs);
		lg_result_num("deliveries_per_s", (double)lg->deliveries /
		    secs);
	}
	if (cpu > 0 && lg->deliveries > 0)
		lg_result_num("server_cpu_us_per_delivery", cpu /
		    (double)lg->deliveries);
	if (cpu > 0 && lg->inbox_rows > 0)
		lg_result_num("server_cpu_us_per_inbox_row", cpu /
		    (double)lg->inbox_rows);
	lg_result_hist("latency", &lg->lat);
	lg_result_hist("ack", &lg->ack_lat);
	lg_ann_errors(lg);
}

void
lg_work_announce(struct lg *lg)
{
	struct lg_work *w = lg->work;
	struct lg_peer *p;
	int i;

	w->report = lg_ann_report;
	w->window = lg->o.window > 0 ? lg->o.window : LG_ANNOUNCE_WINDOW;
	lg->phase = "connect subscribers";
	lg_expect_ready(lg, lg->o.subs, lg_ann_start);
	for (i = 0; i < lg->o.subs; i++) {
		/* The driver reads it once TLS is up, later in the loop. */
		p = lg_open(lg, LG_SUB, i, 0);
		p->quiet = i % 2 == 1;
	}
}
