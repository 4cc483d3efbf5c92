/*
 * cmd.h: the table of operations. Each row names an operation, the
 * connection states it may run in, the capabilities that may run it,
 * and the object it acts on, as tmux's cmd_entry rows name their
 * targets; one file per group of operations. The dispatcher checks
 * state and capability, then resolves the object (a channel the caller
 * may see, or one they have joined) and runs the row's check, all
 * before the handler: a handler only ever runs authorised, on an object
 * that exists for its caller. Check and exec are split as OpenSMTPD
 * splits check and proceed.
 */
#ifndef HARBOUR_CMD_H
#define HARBOUR_CMD_H

#include <stdint.h>

#include "conn.h"
#include "proto.h"
#include "store.h"

#define CMD_ANON	0x1	/* allowed before login */
#define CMD_AUTH	0x2	/* allowed after login */

/* The object a row acts on, resolved by the dispatcher. */
enum cmd_target {
	CMD_T_NONE,		/* no object, or the handler's own */
	CMD_T_CHANNEL,		/* "channel": one the caller may see */
	CMD_T_JOINED,		/* "channel": visible and joined */
	CMD_T_POST,		/* "post": one the caller may read */
	CMD_T_THREAD		/* "thread": a thread the caller may read */
};

/* The post a CMD_T_POST or CMD_T_THREAD row acts on, as the store holds
 * it now (its texts are not kept: a handler that needs them reads). */
struct cmd_post_ref {
	int64_t		 id;
	int64_t		 thread;
	int64_t		 author_id;
	int64_t		 org_id;	/* the author's organisation */
	int		 state;		/* STORE_POST_* */
	int		 anonymous;
	int		 root;		/* it starts its thread */
};

/* One request on its way through the table. */
struct cmd_q {
	struct conn			*c;
	struct proto_req		*req;
	const struct cmd_entry		*entry;
	struct store_channel		 ch;	/* every target but CMD_T_NONE:
						 * the channel, or the post's */
	struct cmd_post_ref		 post;	/* CMD_T_POST, CMD_T_THREAD */
};

struct cmd_entry {
	const char	*name;
	int		 states;	/* CMD_ANON | CMD_AUTH */
	uint32_t	 caps;		/* any of these (0: no login needed) */
	enum cmd_target	 target;
	/* An object-level rule beyond caps (NULL: none); 0, or -1 having
	 * answered. */
	int		(*check)(struct cmd_q *);
	void		(*exec)(struct cmd_q *);
};

/* Decode-free dispatch of one well-formed request. */
void	cmd_dispatch(struct conn *, struct proto_req *);
/* The capability check on its own, for the authorisation table tests:
 * whether op may run for this login state and role, before its object
 * is looked at. */
int	cmd_allowed(const char *op, int logged_in, enum proto_role);
/* Every row of the table in turn, for the tests and the fuzzer; NULL
 * after the last. */
const struct cmd_entry *cmd_entry_at(size_t i);

/* Whether the connection's account may see the channel at all: the
 * rule of access_can_see(), and for a private group or a conversation,
 * being in it (the store's cached membership). */
int	cmd_can_see(struct conn *, const struct store_channel *);
/* The channel called name, if the caller may see it; otherwise answers
 * bad_name or not_found (a channel that is not yours exactly as one
 * that does not exist) and returns -1. */
int	cmd_channel_named(struct conn *, struct proto_req *, const char *name,
	    struct store_channel *);
/* A reason (or note) field of a moderation or admin request, 1 to
 * PROTO_MAX_REASON bytes without control characters; *out NULL when
 * absent and not required. 0, or -1 having answered. */
int	cmd_get_reason(struct cmd_q *, const char *field, int required,
	    const char **out);
/* Answers a getter's error (bad_request naming the field). */
void	cmd_bad_field(struct conn *, struct proto_req *, const char *field);
/* A store write job for this connection, holding a reference to it and
 * to the request id; cmd_write_finish() releases both. The acting
 * account's id and name are copied into the job: whatever happens to
 * the connection meanwhile (a logout, another login), the job's done()
 * logs and delivers what was committed, never the connection's state. */
struct store_write *cmd_write_new(struct conn *, struct proto_req *,
	    enum store_wop, void (*done)(struct store_write *));
void	cmd_write_finish(struct store_write *);
/* The reply to a finished job, if its connection is still open: result
 * (stolen; built whatever the outcome, for brevity) when it committed,
 * not_found saying notfound (NULL: the default), or the store's error. */
void	cmd_write_reply(struct store_write *, json_t *result,
	    const char *notfound);
/* Map a store result to a reply error (NOTFOUND -> not_found etc.). */
void	cmd_reply_store_err(struct conn *, json_t *id, int result);

/* cmd-mod.c: refuse (answering banned or, when posting, muted) an
 * account restricted in q->ch: 0, or -1 having answered. join's row
 * check. The wire name of a channel's moderation mode. */
int	cmd_refuse_restricted(struct cmd_q *, int posting);
int	cmd_check_not_banned(struct cmd_q *);
const char *cmd_mode_name(int mode);

/* cmd-report.c: after a subscribe, the alerts the connection's account
 * has waiting (open urgent reports it may act on); their number, for
 * login's reply; the escalation timer, started with the server and
 * stopped at shutdown. */
void	cmd_report_subscribed(struct conn *);
/* The open urgent reports the connection's account may act on, waiting
 * for an acknowledgement (inbox's "alerts"); NULL on failure. */
json_t	*cmd_report_alerts(struct conn *);
int64_t	cmd_report_alert_count(struct conn *);
void	cmd_report_start(struct server *);
void	cmd_report_stop(struct server *);

/* cmd-resource.c: a resource as the wire carries it (new reference);
 * the request's "tags", lowercased, each checked, without repeats, into
 * w->tags (1 to PROTO_MAX_TAGS when required, else none or those): 0,
 * or -1 having answered. */
json_t	*cmd_resource_json(const struct store_resource *);
int	cmd_get_tags(struct cmd_q *, struct store_write *, int required);

/* cmd-inbox.c: push the inbox items a job wrote (w->ids, w->accounts),
 * all of one kind and thing (ref), through the bus; the hints for a
 * post's reply of those it named who are outside their working hours
 * (NULL: none); the digest timer, started and stopped with the server. */
void	cmd_inbox_push(struct server *, const struct store_write *, int kind,
	    int64_t ref);
/* The same with what the items say happened (an event's notices). */
void	cmd_inbox_push_note(struct server *, const struct store_write *,
	    int kind, int64_t ref, const char *note);
/* cmd-calendar.c: the event with this id as who may see it (new
 * reference), or NULL when they may not or it is no more; the
 * reminder timer, started and stopped with the server. */
json_t	*cmd_event_for(struct server *, const struct store_ident *,
	    int64_t event);
void	cmd_calendar_start(struct server *);
void	cmd_calendar_stop(struct server *);
json_t	*cmd_inbox_quiet_hints(struct server *, const struct store_write *);
/* Up to limit items of the connection's inbox (unread, or all), newest
 * first, as the wire carries them; NULL on failure. sync's reply has
 * the unread ones. */
json_t	*cmd_inbox_items(struct conn *, int all, int64_t before, int limit,
	    int *more);
void	cmd_inbox_start(struct server *);
void	cmd_inbox_stop(struct server *);

/* cmd-group.c: whether user is the last facilitator or admin in group
 * ch (who may not go: nobody outside could run it then). */
int	cmd_group_last_runner(struct conn *, const struct store_channel *,
	    const char *user);

/* cmd-programme.c: the traces of use the programme's report counts:
 * the connection's account read something (stored once a month), and
 * fetched a resource's file (once a resource). */
void	cmd_programme_read(struct conn *);
void	cmd_programme_fetch(struct conn *, int64_t resource);
/* At shutdown: wait for a report being made, and answer it. */
void	cmd_programme_stop(struct server *);

extern const struct cmd_entry cmd_auth_entries[];
extern const struct cmd_entry cmd_admin_entries[];
extern const struct cmd_entry cmd_channel_entries[];
extern const struct cmd_entry cmd_post_entries[];
extern const struct cmd_entry cmd_mod_entries[];
extern const struct cmd_entry cmd_report_entries[];
extern const struct cmd_entry cmd_search_entries[];
extern const struct cmd_entry cmd_resource_entries[];
extern const struct cmd_entry cmd_inbox_entries[];
extern const struct cmd_entry cmd_group_entries[];
extern const struct cmd_entry cmd_dm_entries[];
extern const struct cmd_entry cmd_directory_entries[];
extern const struct cmd_entry cmd_calendar_entries[];
extern const struct cmd_entry cmd_programme_entries[];

/* cmd-export.c: me.export, whose row is cmd_story_entries'. */
void	cmd_me_export(struct cmd_q *);
extern const struct cmd_entry cmd_story_entries[];
/* cmd-erase.c: admin.erase, and the retention timer, started and
 * stopped with the server. */
extern const struct cmd_entry cmd_erase_entries[];
void	cmd_retention_start(struct server *);
void	cmd_retention_stop(struct server *);
/* cmd-account.c: the roster, roles, deactivation and resets; a token
 * login's last seen. */
extern const struct cmd_entry cmd_account_entries[];
void	cmd_account_seen(struct conn *);
/* cmd-roster.c: invites listed and revoked, names, renames, archives;
 * the post row's check: refuse (bad_state) a post into an archived
 * channel, 0 or -1 having answered. */
extern const struct cmd_entry cmd_roster_entries[];
int	cmd_roster_writable(struct cmd_q *);

#endif
