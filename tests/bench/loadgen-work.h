/*
 * loadgen-work.h: one workload's state, shared by loadgen-work.c (posts
 * flowing) and loadgen-conns.c (connections: idle, storm; the dispatch
 * and the result's common part). Only the workload files include it.
 */
#ifndef HARBOUR_LOADGEN_WORK_H
#define HARBOUR_LOADGEN_WORK_H

#include <sys/types.h>

#include "loadgen.h"

struct lg_work {
	void		(*report)(struct lg *);
	void		(*then)(struct lg *);	/* after saturated posting */
	int		 window;
	int		 active;	/* subscribers the window waits for */
	uint64_t	 next;		/* the next sequence to post */
	uint64_t	 low;		/* the oldest someone is still owed */
	int32_t		*remaining;	/* per post: subscribers owed it */
	uint64_t	 cpu0, cpu1;	/* server CPU, us */
	long		 rss0, rss1, rss_max;	/* server RSS, KiB */
	uint64_t	 t_sample;
	uint64_t	 t0, t_done;
	/* paced */
	uint64_t	 interval_ns;
	/* login burst */
	int		 nlogins, logins_done, logins_ok;
	uint64_t	 t_burst0, t_burst1;
	/* slow reader */
	struct lg_peer	*slow;
	uint64_t	 t_caught_up;
	/* idle and storm */
	struct event	*timer;
	int		 served, refused;
	uint64_t	 t_storm0, t_storm1, t_last_post, storm_ns;
	pid_t		 child;
	int		 pipe_fd;
};

#endif
