/*
 * loadgen-conns.c: the workloads about connections rather than posts
 * (idle memory, the reconnect storm), the choice of workload, and the
 * part of every result line that all workloads share: the loss,
 * duplicate and gap counts that decide whether a run is FAILED.
 *
 * Idle memory is the server's VmRSS after N logged-in clients have sat
 * still for a moment, minus its VmRSS before the first of them came,
 * divided by N. A storm first logs every client in once (so that
 * sessions exist: Harbour tokens, MQTT persistent sessions), drops
 * them all, waits a second and brings them all back at once from a
 * second process, while the publisher posts every LG_STORM_POST_MS
 * and times each acknowledgement.
 */
#include <sys/wait.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loadgen.h"
#include "loadgen-work.h"

/* Let the server free what setup used before measuring idle memory. */
#define LG_IDLE_SETTLE_MS	500
/* How long idle clients sit still before the second measurement. */
#define LG_IDLE_HOLD_MS		2000
/* Between dropping every storm client and bringing them back. */
#define LG_STORM_PAUSE_MS	1000
/* How often the publisher posts during a storm. */
#define LG_STORM_POST_MS	50

static void
lg_work_timer(struct lg *lg, int ms, event_callback_fn cb)
{
	struct lg_work *w = lg->work;
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	if (w->timer != NULL)
		event_free(w->timer);
	w->timer = evtimer_new(lg->base, cb, lg);
	evtimer_add(w->timer, &tv);
}

/* ---- idle ---- */

static void
lg_idle_measured(evutil_socket_t fd, short what, void *arg)
{
	struct lg *lg = arg;
	struct lg_work *w = lg->work;

	(void)fd;
	(void)what;
	w->rss1 = lg_proc_kib(lg->o.server_pid, "VmRSS:");
	lg_finish(lg);
}

static void
lg_idle_ready(struct lg *lg)
{
	struct lg_work *w = lg->work;

	if (lg->failed)
		return lg_finish(lg);
	w->t_done = lg_now();
	lg->phase = "idle";
	lg_work_timer(lg, LG_IDLE_HOLD_MS, lg_idle_measured);
}

static void
lg_idle_open(evutil_socket_t fd, short what, void *arg)
{
	struct lg *lg = arg;
	struct lg_work *w = lg->work;
	int i;

	(void)fd;
	(void)what;
	w->rss0 = lg_proc_kib(lg->o.server_pid, "VmRSS:");
	w->t0 = lg_now();
	lg->phase = "connect idle clients";
	lg_expect_ready(lg, lg->o.conns, lg_idle_ready);
	for (i = 0; i < lg->o.conns; i++)
		lg_open(lg, LG_IDLE, i, 0);
}

static void
lg_idle_report(struct lg *lg)
{
	struct lg_work *w = lg->work;

	lg_result_int("conns", lg->o.conns);
	lg_result_int("rss_before_kib", w->rss0);
	lg_result_int("rss_after_kib", w->rss1);
	if (w->rss1 > 0)
		lg_result_num("kib_per_conn", (double)(w->rss1 - w->rss0) /
		    lg->o.conns);
	if (w->t_done != 0)
		lg_result_num("connect_s", lg_secs(w->t_done - w->t0));
}

void
lg_work_idle(struct lg *lg)
{
	struct lg_work *w = lg->work;

	w->report = lg_idle_report;
	lg->phase = "settle";
	lg_work_timer(lg, LG_IDLE_SETTLE_MS, lg_idle_open);
}

/* ---- the reconnect storm ---- */

/* What the storm's process tells the publisher's. */
struct lg_storm_result {
	int		 served;
	int		 refused;
	int		 resumed;
	uint64_t	 storm_ns;
};

static void
lg_storm_maybe_done(struct lg *lg)
{
	struct lg_work *w = lg->work;

	if (w->t_storm1 != 0 && lg->acked == lg->sent)
		lg_finish(lg);
}

static void
lg_storm_ack(struct lg *lg, uint64_t seq, int ok)
{
	(void)seq;
	if (!ok)
		lg_fail(lg, "a post was refused during the storm");
	lg_storm_maybe_done(lg);
}

static void
lg_storm_tick(struct lg *lg)
{
	struct lg_work *w = lg->work;
	uint64_t now = lg_now();

	if (w->t_storm1 != 0 || w->next >= (uint64_t)lg->o.posts ||
	    now - w->t_last_post < LG_STORM_POST_MS * 1000000ULL)
		return;
	w->t_last_post = now;
	lg_publish(lg, w->next++, now);
}

/* The storm's process: every client answered or refused, or time up. */
static void
lg_storm_child_done(struct lg *lg)
{
	struct lg_work *w = lg->work;
	struct lg_storm_result r;
	int i;

	memset(&r, 0, sizeof r);
	r.served = lg->nready;
	r.refused = lg->o.conns - lg->nready;
	r.storm_ns = lg_now() - w->t_storm0;
	for (i = 0; i < lg->npeers; i++)
		if (lg->peers[i]->ready && lg->peers[i]->session_present)
			r.resumed++;	/* sessions the server still had */
	if (write(w->pipe_fd, &r, sizeof r) != (ssize_t)sizeof r)
		_exit(1);
	_exit(0);
}

static void
lg_storm_child_all(struct lg *lg)
{
	lg_storm_child_done(lg);
}

static void
lg_storm_child_deadline(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	lg_storm_child_done(arg);
}

/*
 * The storm runs in a process of its own: 2,000 client handshakes at
 * once keep one loop busy for seconds, and the publisher, whose
 * acknowledgements are what we time, must not wait behind them. The
 * child leaves everything it inherited alone (the publisher's socket
 * stays the parent's) and works on a new event base.
 */
static void
lg_storm_child(struct lg *lg, int fd)
{
	struct lg_work *w = lg->work;
	struct timeval tv = { 0, 0 };
	double left;
	int i;

	/* Report before the parent's own deadline passes. */
	left = lg->o.timeout - lg_secs(lg_now() - lg->t_start) - 2;
	tv.tv_sec = left > 1 ? (time_t)left : 1;
	lg->base = lg_base_new();
	if (lg->base == NULL)
		_exit(1);
	lg->npeers = lg->qhead = lg->qtail = lg->connecting = 0;
	lg->on_tick = NULL;
	lg->on_ack = NULL;
	lg->finish_hook = lg_storm_child_done;
	w->pipe_fd = fd;
	event_add(evtimer_new(lg->base, lg_storm_child_deadline, lg), &tv);
	lg_expect_ready(lg, lg->o.conns, lg_storm_child_all);
	w->t_storm0 = lg_now();
	for (i = 0; i < lg->o.conns; i++)
		lg_open(lg, LG_STORM, i, LG_OPEN_NOW);
	event_base_dispatch(lg->base);
	lg_storm_child_done(lg);
}

static void
lg_storm_reported(evutil_socket_t fd, short what, void *arg)
{
	struct lg *lg = arg;
	struct lg_work *w = lg->work;
	struct lg_storm_result r;

	(void)what;
	w->t_storm1 = lg_now();
	if (read(fd, &r, sizeof r) != (ssize_t)sizeof r) {
		lg_fail(lg, "the storm's process died");
		memset(&r, 0, sizeof r);
	}
	close(fd);
	waitpid(w->child, NULL, 0);
	w->served = r.served;
	w->refused = r.refused;
	w->active = r.resumed;
	w->storm_ns = r.storm_ns;
	lg->phase = "storm: last acknowledgements";
	lg_storm_maybe_done(lg);
}

static void
lg_storm_go(evutil_socket_t fd, short what, void *arg)
{
	struct lg *lg = arg;
	struct lg_work *w = lg->work;
	int fds[2];

	(void)fd;
	(void)what;
	if (pipe(fds) != 0) {
		lg_fail(lg, "pipe: %s", strerror(errno));
		return lg_finish(lg);
	}
	fflush(NULL);
	if ((w->child = fork()) < 0) {
		lg_fail(lg, "fork: %s", strerror(errno));
		return lg_finish(lg);
	}
	if (w->child == 0) {
		close(fds[0]);
		lg_storm_child(lg, fds[1]);
	}
	close(fds[1]);
	lg->phase = "storm";
	w->t_storm0 = lg_now();
	event_add(event_new(lg->base, fds[0], EV_READ, lg_storm_reported, lg),
	    NULL);
	lg->on_ack = lg_storm_ack;
	lg->on_tick = lg_storm_tick;
	lg_storm_tick(lg);
}

static void
lg_storm_drop(struct lg *lg)
{
	int i;

	if (lg->failed || lg->nopen_fail > 0) {
		lg_fail(lg, "storm setup: %d clients could not log in",
		    lg->nopen_fail);
		return lg_finish(lg);
	}
	for (i = 0; i < lg->npeers; i++)
		lg_close(lg->peers[i]);
	lg->phase = "storm pause";
	lg_work_timer(lg, LG_STORM_PAUSE_MS, lg_storm_go);
}

static void
lg_storm_report(struct lg *lg)
{
	struct lg_work *w = lg->work;

	lg_result_int("conns", lg->o.conns);
	lg_result_int("served", w->served);
	lg_result_int("not_served", w->refused);
	if (strcmp(lg->drv->name, "mosquitto") == 0)
		lg_result_int("sessions_resumed", w->active);
	if (w->storm_ns != 0)
		lg_result_num("storm_s", lg_secs(w->storm_ns));
	lg_result_int("posts_during", (long long)lg->sent);
	lg_result_hist("ack", &lg->ack_lat);
}

void
lg_work_storm(struct lg *lg)
{
	struct lg_work *w = lg->work;
	int i;

	w->report = lg_storm_report;
	lg->phase = "storm: first logins";
	lg_expect_ready(lg, lg->o.conns, lg_storm_drop);
	for (i = 0; i < lg->o.conns; i++)
		lg_open(lg, LG_STORM, i, 0);
}

/* ---- dispatch and the common result ---- */

static const struct {
	const char	*mode;
	void		(*start)(struct lg *);
	int		 subscribers;	/* deliveries to check */
} lg_modes[] = {
	{ "fanout", lg_work_fanout, 1 },
	{ "pipeline", lg_work_pipeline, 1 },
	{ "paced", lg_work_paced, 1 },
	{ "burst", lg_work_paced, 1 },
	{ "slow", lg_work_slow, 1 },
	{ "idle", lg_work_idle, 0 },
	{ "storm", lg_work_storm, 0 },
	/* Only the in-hours half is owed anything: its own checks. */
	{ "announce", lg_work_announce, 0 },
};

int
lg_work_start(struct lg *lg)
{
	size_t i;

	for (i = 0; i < sizeof lg_modes / sizeof lg_modes[0]; i++) {
		if (strcmp(lg_modes[i].mode, lg->o.mode) == 0) {
			if ((lg->work = calloc(1, sizeof(struct lg_work))) ==
			    NULL)
				abort();
			lg_modes[i].start(lg);
			return 0;
		}
	}
	lg_fail(lg, "unknown mode %s", lg->o.mode);
	return -1;
}

/* Loss, duplicates and sequence gaps over every ordinary subscriber. */
static void
lg_check_deliveries(struct lg *lg)
{
	uint64_t loss = 0, dups = 0, skipped = 0;
	struct lg_peer *p;
	int i;

	for (i = 0; i < lg->npeers; i++) {
		p = lg->peers[i];
		if (p->kind != LG_SUB || p->seen != NULL)
			continue;
		if (p->got < (uint64_t)lg->o.posts)
			loss += (uint64_t)lg->o.posts - p->got;
		dups += p->dups;
		skipped += p->skipped;
	}
	lg_result_int("loss", (long long)loss);
	lg_result_int("dups", (long long)dups);
	lg_result_int("gaps", (long long)skipped);
	lg_result_int("gap_events", (long long)lg->gaps_seen);
	if (loss != 0 || dups != 0 || skipped != 0)
		lg_fail(lg, "%llu lost, %llu duplicated, %llu out of order",
		    (unsigned long long)loss, (unsigned long long)dups,
		    (unsigned long long)skipped);
}

void
lg_work_report_common(struct lg *lg)
{
	struct lg_work *w = lg->work;
	size_t i;

	lg_result_begin(lg);
	if (w != NULL && w->report != NULL)
		w->report(lg);
	for (i = 0; i < sizeof lg_modes / sizeof lg_modes[0]; i++)
		if (strcmp(lg_modes[i].mode, lg->o.mode) == 0 &&
		    lg_modes[i].subscribers)
			lg_check_deliveries(lg);
	if (w != NULL && w->cpu1 > w->cpu0)
		lg_result_num("server_cpu_s", (double)(w->cpu1 - w->cpu0) / 1e6);
	lg_result_int("server_hwm_kib", lg_proc_kib(lg->o.server_pid,
	    "VmHWM:"));
	lg_result_end(lg);
}
