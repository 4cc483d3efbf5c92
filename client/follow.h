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
};

/* Each returns an exit status; anything but 0 was reported already. */
int	follow_subscribe(struct follow *, int64_t since);	/* -1: none */
int	follow_event(struct follow *, json_t *ev);

#endif
