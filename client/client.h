/*
 * client.h: the harbour client's core: one struct client per run, the
 * command table's row type, and the helpers every command uses to turn
 * argv into a request, a reply into output and the outcome into an exit
 * status.
 *
 * A run is one command: main.c parses argv and finds the row, the row's
 * exec connects (client_connect or client_login), sends requests
 * (client_call), prints, and returns the exit status. Every failure is
 * reported once, where it happens, as one line on stderr; callers only
 * pass the status up. The wire lives in net.h, the saved session in
 * state.h, output in print.h.
 */
#ifndef HARBOUR_CLIENT_H
#define HARBOUR_CLIENT_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sysexits.h>
#include <jansson.h>

#include "proto.h"

/* Exit statuses, as harbour(1) documents them: sysexits(3) names where
 * one fits; 1 and 2 came before and scripts may test them, and
 * sysexits has neither. */
#define CLIENT_EXIT_OK		EX_OK
#define CLIENT_EXIT_FAIL	EXIT_FAILURE	/* refused, or a local failure */
#define CLIENT_EXIT_CONNECT	2	/* no connection, TLS, lost link */
#define CLIENT_EXIT_USAGE	EX_USAGE

#define CLIENT_DEFAULT_SERVER	"localhost:7443"

struct net;

struct client {
	const char	*server;	/* "HOST:PORT" */
	const char	*ca;		/* CA file, or NULL: system store */
	const char	*certfile;	/* login --cert: a client certificate */
	const char	*keyfile;
	int		 json;		/* --json: JSON lines on stdout */
	struct net	*net;		/* NULL until connected */

	/* Who we are, from the login or register reply. */
	char		*user;
	char		*org;
	char		*role;
	/* The command's CHANNEL argument, made ORG/NAME at login when it
	 * was a bare NAME (client_set_identity). */
	char		**channel_arg;
	char		*channel_full;
};

/* Command options are long options only: "--title T" or "--title=T"
 * (and -o for --output, as every downloader spells it). */
#define CMD_MAX_OPTS	10
struct cmd_opt {
	const char	*name;		/* "title" */
	const char	*arg;		/* "TITLE"; NULL for a flag */
};

struct cmd_entry;
struct cmd_args {
	const struct cmd_entry *entry;
	int		 argc;		/* positional arguments */
	char		**argv;
	const char	*val[CMD_MAX_OPTS];	/* NULL: not given; flag: "" */
};

/*
 * One row per command, as tmux's cmd-*.c entries. `harbour help` and
 * usage errors are printed from these rows and nowhere else, so the
 * help cannot drift from what the parser accepts. exec first checks its
 * arguments, then connects: client_login (the saved session) for every
 * command but register, login and help, so that a typo costs no round
 * trip and no password prompt.
 */
struct cmd_entry {
	const char	*name;		/* "post", or "org create" */
	const char	*usage;		/* after the name */
	const char	*summary;	/* one line for the list */
	const char	*help;		/* paragraphs for `harbour help CMD` */
	struct cmd_opt	 opts[CMD_MAX_OPTS + 1];	/* name NULL ends */
	int		 args_min;
	int		 args_max;	/* -1: any number */
	int		(*exec)(struct client *, struct cmd_args *);
};

extern const struct cmd_entry cmd_register_entry;
extern const struct cmd_entry cmd_login_entry;
extern const struct cmd_entry cmd_logout_entry;
extern const struct cmd_entry cmd_whoami_entry;
extern const struct cmd_entry cmd_passwd_entry;
extern const struct cmd_entry cmd_org_create_entry;
extern const struct cmd_entry cmd_org_list_entry;
extern const struct cmd_entry cmd_admin_status_entry;
extern const struct cmd_entry cmd_admin_suspend_entry;
extern const struct cmd_entry cmd_admin_unsuspend_entry;
extern const struct cmd_entry cmd_mod_log_entry;
extern const struct cmd_entry cmd_org_lead_entry;
extern const struct cmd_entry cmd_org_profile_entry;
extern const struct cmd_entry cmd_directory_entry;
extern const struct cmd_entry cmd_channel_set_entry;
extern const struct cmd_entry cmd_mod_queue_entry;
extern const struct cmd_entry cmd_mod_approve_entry;
extern const struct cmd_entry cmd_mod_reject_entry;
extern const struct cmd_entry cmd_mod_hide_entry;
extern const struct cmd_entry cmd_mod_unhide_entry;
extern const struct cmd_entry cmd_mod_lock_entry;
extern const struct cmd_entry cmd_mod_unlock_entry;
extern const struct cmd_entry cmd_mod_pin_entry;
extern const struct cmd_entry cmd_mod_unpin_entry;
extern const struct cmd_entry cmd_mod_mute_entry;
extern const struct cmd_entry cmd_mod_unmute_entry;
extern const struct cmd_entry cmd_mod_ban_entry;
extern const struct cmd_entry cmd_mod_unban_entry;
extern const struct cmd_entry cmd_mod_unmask_entry;
extern const struct cmd_entry cmd_mod_history_entry;
extern const struct cmd_entry cmd_mod_reports_entry;
extern const struct cmd_entry cmd_mod_ack_entry;
extern const struct cmd_entry cmd_mod_resolve_entry;
extern const struct cmd_entry cmd_edit_entry;
extern const struct cmd_entry cmd_delete_entry;
extern const struct cmd_entry cmd_report_entry;
extern const struct cmd_entry cmd_invite_create_entry;
extern const struct cmd_entry cmd_channel_create_entry;
extern const struct cmd_entry cmd_join_entry;
extern const struct cmd_entry cmd_leave_entry;
extern const struct cmd_entry cmd_group_create_entry;
extern const struct cmd_entry cmd_group_add_entry;
extern const struct cmd_entry cmd_group_remove_entry;
extern const struct cmd_entry cmd_group_members_entry;
extern const struct cmd_entry cmd_channels_entry;
extern const struct cmd_entry cmd_post_entry;
extern const struct cmd_entry cmd_threads_entry;
extern const struct cmd_entry cmd_read_entry;
extern const struct cmd_entry cmd_search_entry;
extern const struct cmd_entry cmd_sync_entry;
extern const struct cmd_entry cmd_tail_entry;
extern const struct cmd_entry cmd_chat_entry;
extern const struct cmd_entry cmd_dm_entry;
extern const struct cmd_entry cmd_dms_entry;
extern const struct cmd_entry cmd_block_entry;
extern const struct cmd_entry cmd_unblock_entry;
extern const struct cmd_entry cmd_blocks_entry;
extern const struct cmd_entry cmd_resource_post_entry;
extern const struct cmd_entry cmd_resources_entry;
extern const struct cmd_entry cmd_resource_show_entry;
extern const struct cmd_entry cmd_resource_get_entry;
extern const struct cmd_entry cmd_resource_delete_entry;
extern const struct cmd_entry cmd_tags_entry;
extern const struct cmd_entry cmd_subscribe_entry;
extern const struct cmd_entry cmd_unsubscribe_entry;
extern const struct cmd_entry cmd_subscriptions_entry;
extern const struct cmd_entry cmd_inbox_entry;
extern const struct cmd_entry cmd_inbox_read_entry;
extern const struct cmd_entry cmd_quiet_set_entry;
extern const struct cmd_entry cmd_quiet_off_entry;
extern const struct cmd_entry cmd_quiet_show_entry;
extern const struct cmd_entry cmd_org_hours_entry;
extern const struct cmd_entry cmd_event_create_entry;
extern const struct cmd_entry cmd_events_entry;
extern const struct cmd_entry cmd_event_show_entry;
extern const struct cmd_entry cmd_event_rsvp_entry;
extern const struct cmd_entry cmd_event_update_entry;
extern const struct cmd_entry cmd_event_cancel_entry;
extern const struct cmd_entry cmd_event_attendees_entry;
extern const struct cmd_entry cmd_event_attended_entry;
extern const struct cmd_entry cmd_event_ics_entry;
extern const struct cmd_entry cmd_story_share_entry;
extern const struct cmd_entry cmd_story_withdraw_entry;
extern const struct cmd_entry cmd_stories_entry;
extern const struct cmd_entry cmd_stories_export_entry;
extern const struct cmd_entry cmd_programme_report_entry;
extern const struct cmd_entry cmd_me_export_entry;
extern const struct cmd_entry cmd_help_entry;
extern const struct cmd_entry cmd_admin_erase_entry;
/* cmd-account.c: accounts over their whole life. */
extern const struct cmd_entry cmd_members_entry;
extern const struct cmd_entry cmd_user_show_entry;
extern const struct cmd_entry cmd_user_role_entry;
extern const struct cmd_entry cmd_user_deactivate_entry;
extern const struct cmd_entry cmd_user_reactivate_entry;
extern const struct cmd_entry cmd_user_reset_entry;
extern const struct cmd_entry cmd_reset_entry;
/* cmd-auth.c: a password from the environment variable env, else the
 * terminal (twice when again is not NULL), checked: an exit status. */
int		 auth_password(const char *env, const char *prompt,
		    const char *again, char **out);

/* client.c */
const char	*client_opt(const struct cmd_args *, const char *name);
int		 client_connect(struct client *);
int		 client_login(struct client *);
int		 client_resume(struct client *, int report, int *ended);
void		 client_set_identity(struct client *, json_t *result);
json_t		*client_request(struct client *, const char *op);
int		 client_call(struct client *, json_t *req, json_t **result);
int		 client_call_quiet(struct client *, json_t *req,
		    json_t **result, json_t **error);
/* The same in two steps, for a few requests in flight at once: await
 * them in the order they were sent. */
int		 client_send(struct client *, json_t *req, int64_t *id);
int		 client_await(struct client *, int64_t id, json_t **result,
		    json_t **error);
/* Refused over the account's rate: pause (client_slow_down) and send
 * again, a few times, before reporting as client_call does. */
int		 client_call_paced(struct client *, json_t *req,
		    json_t **result);
void		 client_slow_down(void);
/* How many pauses in a row without progress before giving up. */
#define CLIENT_SLOW_DOWN_TRIES	30
int		 client_is_code(json_t *error, const char *code);
void		 client_refused(json_t *error, const char *hint);
int		 client_error(int status, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));
/* output.c: -o FILE, if given, names a file (0, or the usage error);
 * stdout or FILE created 0600 (NULL having said why); close it, saying
 * what was written where: the exit status. */
int		 client_out_check(const struct cmd_args *);
FILE		*client_out_open(const char *out);
int		 client_out_close(FILE *, const char *out, const char *what);
/* --json: errors also as {"error":{"code","message"}} on stdout. */
void		 client_errors_as_json(int);
int		 client_usage(const struct cmd_entry *, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));
int		 client_check(enum proto_err, const char *what);
int		 client_channel(const char *);
/* cmd-mod.c: op on the USER argument (--reason required unless why is
 * NULL, why being the usage error), "USER DONE" printed. */
int		 client_user_op(struct client *, struct cmd_args *,
		    const char *op, const char *why, const char *done);
/* cmd-channel.c: op on the CHANNEL argument, "DONE CHANNEL" printed. */
int		 client_channel_op(struct client *, struct cmd_args *,
		    const char *op, const char *done);
int		 client_parse_int(const char *, int64_t min, int64_t max,
		    int64_t *out);
void		 client_close(struct client *);

/* cmd-post.c: a post's text from TEXT... after argv[0], or stdin. */
char		*post_body(const struct cmd_args *);
int		 post_check_text(const char *what, enum proto_err, size_t max);

/* cmd-dm.c: in a conversation's channel, the other person (0), into
 * PROTO_MAX_NAME + 1 bytes; -1 if I am not one of its two. */
int		 dm_other(const char *channel, const char *me, char *other);

/* chat.c: chat in channel, once logged in. */
int		 chat_run(struct client *, const char *channel);

/* args.c: option values several commands share, checked; each
 * failure said once, its exit status returned. */
#define CLIENT_TZ_MAX	64	/* "America/Argentina/Buenos_Aires" */
int		 args_tag(char *);	/* lowercased in place */
int		 args_tags(const char *list, const char *what, json_t **out);
int		 args_text(const char *what, enum proto_err, int max);
int		 args_local_tz(char *, size_t);	/* 0, or -1: no name */
int		 args_tz(const struct cmd_args *, char *, size_t);

/* main.c */
void		 help_print_usage(const struct cmd_entry *, FILE *);

/* util.c: allocation that aborts on out-of-memory, so no caller checks. */
void		*xmalloc(size_t);
void		*xrealloc(void *, size_t);
char		*xstrdup(const char *);
int		 xvasprintf(char **, const char *, va_list)
		    __attribute__((format(printf, 2, 0)));
int		 xasprintf(char **, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
uint64_t	 util_now_ms(void);

/* Rosters and names (cmd-roster.c); an invite code as typed or pasted,
 * without the spaces, tabs and line ends around it (new string). */
extern const struct cmd_entry cmd_invite_list_entry;
extern const struct cmd_entry cmd_invite_revoke_entry;
extern const struct cmd_entry cmd_profile_set_entry;
extern const struct cmd_entry cmd_org_rename_entry;
extern const struct cmd_entry cmd_channel_rename_entry;
extern const struct cmd_entry cmd_channel_archive_entry;
extern const struct cmd_entry cmd_channel_unarchive_entry;
char		*client_trim_code(const char *);

/* chat and tail across a server restart (client.c): after a lost link,
 * 0; -1 and *cause (unreachable: try again later); or the exit status
 * of a refusal, reported. */
int		 client_reconnect(struct client *, char **cause);
void		 util_sleep_ms(int);

#endif
