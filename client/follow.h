/*
 * follow.h: following one channel live, for `tail` and `chat`.
 */
#ifndef HARBOUR_FOLLOW_H
#define HARBOUR_FOLLOW_H

#include <stdint.h>
#include <jansson.h>

struct client;

struct follow {
	struct client	*c;
	const char	*channel;
	int64_t		 seen;		/* the newest post shown */
	/* Called once per new post of the channel, in order. */
	void		(*show)(struct follow *, json_t *ev);
	/* Called for alert and report events (urgent reports, and what
	 * became of one's own) and inbox and digest events, which belong
	 * to no channel; NULL: drop. */
	void		(*notice)(struct follow *, json_t *ev);
	void		*arg;
	int		 stop;		/* show sets it: enough posts */
	/* Where a resubscription starts when nothing newer was shown: the
	 * subscribe reply's last_eid, or the since it replayed from. */
	int64_t		 head;
	int64_t		 shown;		/* posts shown so far */
};

/* Waits between tries to reconnect: doubling from the first to the
 * longest, so a server back at once is found at once, and one down for
 * long is not hammered. */
#define FOLLOW_RETRY_FIRST_MS	500
#define FOLLOW_RETRY_MAX_MS	30000

/* Each returns an exit status; anything but 0 was reported already. */
int	follow_subscribe(struct follow *, int64_t since);	/* -1: none */
int	follow_event(struct follow *, json_t *ev);
/* One try to connect again after a lost link and follow on from the
 * last post shown, showing what came meanwhile (*missed of them): 0;
 * -1 and *cause when the server cannot be reached yet; else an exit
 * status, reported. */
int	follow_reconnect(struct follow *, int64_t *missed, char **cause);
/* The wait after one that lasted ms. */
int	follow_retry_next(int ms);

#endif
