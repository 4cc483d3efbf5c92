/*
 * chat.h: what chat.c (the loop, the line, the connection) and
 * chat-cmd.c (the slash commands) share.
 */
#ifndef HARBOUR_CHAT_H
#define HARBOUR_CHAT_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "client.h"
#include "follow.h"

/* A typed line is a post body; one byte more to notice an overlong one. */
#define CHAT_LINE_MAX		PROTO_MAX_BODY
/* How many threads /threads and the start show; a screenful. */
#define CHAT_THREADS		10
/* How much of a thread /thread shows, and of the channel the start
 * shows, to pick up the conversation. */
#define CHAT_CONTEXT		5
/* Posts remembered for /unfold and /report and to notice a change. */
#define CHAT_KEEP		512

struct chat {
	struct client	*c;
	struct follow	 f;
	int64_t		 thread;	/* where a line goes; 0: nowhere yet */
	/* In a conversation, to whom lines go; "" in a channel. */
	char		 with[PROTO_MAX_NAME + 1];
	int		 following;	/* subscribed to the channel */
	char		*title;		/* /new: the next line starts it */
	json_t		*kept[CHAT_KEEP];	/* posts shown, newest events */
	size_t		 nkept;		/* next slot, round the ring */
	int		 tty;		/* a person at a terminal: libedit */
	int		 quit;
	int		 status;	/* a line's failure, for the loop */
	/* The link is down: when to try again, and the wait after. */
	int		 down;
	uint64_t	 retry_at;
	int		 retry_ms;
	/* Piped input, split into lines here. */
	char		 line[CHAT_LINE_MAX + 2];
	size_t		 len;
	int		 toolong;
};

/* chat.c */
void	chat_unprompt(struct chat *);
void	chat_say(struct chat *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
json_t	**chat_find(struct chat *, json_int_t id);
int	chat_keep(struct chat *, json_t *ev);
int	chat_post(struct chat *, const char *text);

/* chat-cmd.c: a line starting with one /; an exit status. */
int	chat_command(struct chat *, const char *line);
/* The channel's recent threads, listed: an exit status. */
int	chat_threads(struct chat *);

#endif
