/*
 * cmd.h: the table of operations. Each row names an operation, the
 * states it may run in, the least role that may run it, and its handler,
 * as tmux's cmd-*.c entries do; one file per group of operations. The
 * dispatcher checks state and role once, here, so that no handler can
 * forget; handlers check the object (channel visibility, membership).
 */
#ifndef HARBOUR_CMD_H
#define HARBOUR_CMD_H

#include "conn.h"
#include "proto.h"

#define CMD_ANON	0x1	/* allowed before login */
#define CMD_AUTH	0x2	/* allowed after login */

struct cmd_entry {
	const char	*name;
	int		 states;
	enum proto_role	 role;
	void		(*exec)(struct conn *, struct proto_req *);
};

/* Decode-free dispatch of one well-formed request. */
void	cmd_dispatch(struct conn *, struct proto_req *);
/* The role check on its own, for the authorisation table tests. */
int	cmd_allowed(const char *op, int logged_in, enum proto_role);

/* Whether a role may give an invite with role, to its own organisation
 * (same_org) or another. */
int	cmd_may_invite(enum proto_role who, int same_org, enum proto_role role);

/* Shared by handlers: the channel named by field, if the connection may
 * see it; otherwise answers not_found / bad_request and returns -1. */
int	cmd_visible_channel(struct conn *, struct proto_req *,
	    const char *field, struct store_channel *);
/* Whether acct may see ch (org channels: own organisation only). */
int	cmd_can_see(const struct store_ident *, const struct store_channel *);
/* Answers a getter's error (bad_request naming the field). */
void	cmd_bad_field(struct conn *, struct proto_req *, const char *field);
/* A store write job for this connection, holding a reference to it and
 * to the request id; cmd_write_finish() releases both. */
struct store_write *cmd_write_new(struct conn *, struct proto_req *,
	    enum store_wop, void (*done)(struct store_write *));
void	cmd_write_finish(struct store_write *);
/* Map a store result to a reply error (NOTFOUND -> not_found etc.). */
void	cmd_reply_store_err(struct conn *, json_t *id, int result);

extern const struct cmd_entry cmd_auth_entries[];
extern const struct cmd_entry cmd_admin_entries[];
extern const struct cmd_entry cmd_channel_entries[];
extern const struct cmd_entry cmd_post_entries[];

#endif
