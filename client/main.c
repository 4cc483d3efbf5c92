/*
 * main.c: harbour's argv, the command table, and help.
 *
 * harbour [global options] COMMAND [arguments and options]. Global
 * options (--server, --ca, --json, --help, --version) may come before or
 * after the command; a command's own options come after its name, in
 * any order with its arguments; "--" ends the options. Options are long
 * only, "--name VALUE" or "--name=VALUE": a script reads the same as a
 * person would type it. Two short ones are kept for their habit: -h,
 * and -o for a command's --output. A command may also start a group
 * ("inbox" and "inbox read"): the word after it picks the longer
 * command when one has that name.
 *
 * The table below is the one list of commands. Usage errors, `harbour
 * help`, `harbour help COMMAND` and `harbour COMMAND --help` are all
 * printed from its rows, so the help says what the parser accepts.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "state.h"
#include "print.h"

#ifndef HARBOUR_VERSION
#define HARBOUR_VERSION	"0.1.0"
#endif

#define MAIN_GLOBAL_USAGE \
	"[--server HOST:PORT] [--ca FILE] [--json] COMMAND [ARGUMENTS]"

static int	cmd_help_exec(struct client *, struct cmd_args *);

const struct cmd_entry cmd_help_entry = {
	.name = "help",
	.usage = "[COMMAND]",
	.summary = "Show the commands, or what one command does.",
	.help =
"Without COMMAND, lists every command. With one, shows its usage and\n"
"what it does. `harbour COMMAND --help` does the same.\n",
	.args_min = 0, .args_max = 2,
	.exec = cmd_help_exec,
};

/* In the order `harbour help` lists them: from joining to talking. */
static const struct cmd_entry *const cmd_table[] = {
	&cmd_register_entry,
	&cmd_login_entry,
	&cmd_logout_entry,
	&cmd_whoami_entry,
	&cmd_passwd_entry,
	&cmd_org_create_entry,
	&cmd_org_list_entry,
	&cmd_org_lead_entry,
	&cmd_admin_status_entry,
	&cmd_admin_suspend_entry,
	&cmd_admin_unsuspend_entry,
	&cmd_invite_create_entry,
	&cmd_channel_create_entry,
	&cmd_channels_entry,
	&cmd_join_entry,
	&cmd_leave_entry,
	/* Private groups: made, and their people added, by facilitators. */
	&cmd_group_create_entry,
	&cmd_group_add_entry,
	&cmd_group_remove_entry,
	&cmd_group_members_entry,
	&cmd_post_entry,
	&cmd_edit_entry,
	&cmd_delete_entry,
	&cmd_threads_entry,
	&cmd_read_entry,
	&cmd_search_entry,
	&cmd_sync_entry,
	&cmd_tail_entry,
	&cmd_chat_entry,
	&cmd_dm_entry,
	&cmd_dms_entry,
	&cmd_block_entry,
	&cmd_unblock_entry,
	&cmd_blocks_entry,
	&cmd_report_entry,
	/* Resources and what reaches the inbox, and when. */
	&cmd_resource_post_entry,
	&cmd_resources_entry,
	&cmd_resource_show_entry,
	&cmd_resource_get_entry,
	&cmd_resource_delete_entry,
	&cmd_tags_entry,
	&cmd_subscribe_entry,
	&cmd_unsubscribe_entry,
	&cmd_subscriptions_entry,
	&cmd_inbox_entry,
	&cmd_inbox_read_entry,
	&cmd_quiet_set_entry,
	&cmd_quiet_off_entry,
	&cmd_quiet_show_entry,
	&cmd_org_hours_entry,
	/* Events: made, answered, and taken to one's own calendar. */
	&cmd_event_create_entry,
	&cmd_events_entry,
	&cmd_event_show_entry,
	&cmd_event_rsvp_entry,
	&cmd_event_update_entry,
	&cmd_event_cancel_entry,
	&cmd_event_attendees_entry,
	&cmd_event_attended_entry,
	&cmd_event_ics_entry,
	/* The directory of organisations. */
	&cmd_org_profile_entry,
	&cmd_directory_entry,
	/* Moderators: settings, the queue, posts and threads, people,
	 * then the log and reports. */
	&cmd_channel_set_entry,
	&cmd_mod_queue_entry,
	&cmd_mod_approve_entry,
	&cmd_mod_reject_entry,
	&cmd_mod_hide_entry,
	&cmd_mod_unhide_entry,
	&cmd_mod_lock_entry,
	&cmd_mod_unlock_entry,
	&cmd_mod_pin_entry,
	&cmd_mod_unpin_entry,
	&cmd_mod_mute_entry,
	&cmd_mod_unmute_entry,
	&cmd_mod_ban_entry,
	&cmd_mod_unban_entry,
	&cmd_mod_unmask_entry,
	&cmd_mod_history_entry,
	&cmd_mod_log_entry,
	&cmd_mod_reports_entry,
	&cmd_mod_ack_entry,
	&cmd_mod_resolve_entry,
	/* Stories for the programme report, and one's own data. */
	&cmd_story_share_entry,
	&cmd_story_withdraw_entry,
	&cmd_stories_entry,
	&cmd_stories_export_entry,
	&cmd_programme_report_entry,
	&cmd_me_export_entry,
	/* Erasure (cmd-erase.c). */
	&cmd_admin_erase_entry,
	/* Accounts over their whole life (cmd-account.c). */
	&cmd_members_entry,
	&cmd_user_show_entry,
	&cmd_user_role_entry,
	&cmd_user_deactivate_entry,
	&cmd_user_reactivate_entry,
	&cmd_user_reset_entry,
	&cmd_reset_entry,
	/* Rosters and names (cmd-roster.c). */
	&cmd_invite_list_entry,
	&cmd_invite_revoke_entry,
	&cmd_profile_set_entry,
	&cmd_org_rename_entry,
	&cmd_channel_rename_entry,
	&cmd_channel_archive_entry,
	&cmd_channel_unarchive_entry,
	&cmd_help_entry,
	NULL
};

/* What argv asked for, before anything is sent. */
struct main_parse {
	const struct cmd_entry	*entry;
	const char		*group;		/* "org" of "org create" */
	struct cmd_args		 args;
	int			 help;
	int			 version;
};

void
help_print_usage(const struct cmd_entry *entry, FILE *fp)
{
	if (entry == NULL)
		fprintf(fp, "usage: harbour %s\n", MAIN_GLOBAL_USAGE);
	else
		fprintf(fp, "usage: harbour %s%s%s\n", entry->name,
		    *entry->usage != '\0' ? " " : "", entry->usage);
}

/* "org" matches "org create"'s first word. */
static int
main_in_group(const struct cmd_entry *e, const char *group)
{
	size_t	len = strlen(group);

	return (strncmp(e->name, group, len) == 0 && e->name[len] == ' ');
}

static void
help_list(FILE *fp)
{
	const struct cmd_entry *const	*e;

	help_print_usage(NULL, fp);
	fputs("\nCommands:\n", fp);
	for (e = cmd_table; *e != NULL; e++)
		fprintf(fp, "  %s%s%s\n        %s\n", (*e)->name,
		    *(*e)->usage != '\0' ? " " : "", (*e)->usage,
		    (*e)->summary);
	fputs("\n"
"Global options, before or after the command:\n"
"  --server HOST:PORT  the server to use (HARBOUR_SERVER;\n"
"                      default " CLIENT_DEFAULT_SERVER ")\n"
"  --ca FILE           trust the CA certificates in FILE (HARBOUR_CA;\n"
"                      default: the system's trusted certificates)\n"
"  --json              print results and events as JSON, one per line;\n"
"                      errors too: {\"error\":{\"code\",\"message\"}}\n"
"  --help              show this help, or a command's with one\n"
"  --version           show the version\n"
"\n"
"`harbour help COMMAND` says more about one command; harbour(1) says\n"
"everything.\n", fp);
}

static void
help_one(const struct cmd_entry *e, FILE *fp)
{
	help_print_usage(e, fp);
	fprintf(fp, "\n%s\n\n%s", e->summary, e->help);
}

/* The usage lines of a group's commands, after a mistake in it. */
static void
help_group_usage(const char *group, FILE *fp)
{
	const struct cmd_entry *const	*e;

	for (e = cmd_table; *e != NULL; e++) {
		if (main_in_group(*e, group))
			help_print_usage(*e, fp);
	}
}

/* Every command named by the words: "post", "org create", or all of
 * "org". Returns how many were shown. */
static int
help_words(const char *w1, const char *w2, FILE *fp)
{
	const struct cmd_entry *const	*e;
	char				 name[64];
	int				 found = 0;

	snprintf(name, sizeof name, "%s%s%s", w1, w2 != NULL ? " " : "",
	    w2 != NULL ? w2 : "");
	for (e = cmd_table; *e != NULL; e++) {
		if (strcmp((*e)->name, name) != 0 &&
		    (w2 != NULL || !main_in_group(*e, name)))
			continue;
		if (found++ > 0)
			fputs("\n", fp);
		help_one(*e, fp);
	}
	return (found);
}

static int
cmd_help_exec(struct client *c, struct cmd_args *a)
{
	(void)c;
	if (a->argc == 0) {
		help_list(stdout);
		return (CLIENT_EXIT_OK);
	}
	if (!help_words(a->argv[0], a->argc > 1 ? a->argv[1] : NULL, stdout))
		return (client_usage(&cmd_help_entry, "no such command: %s%s%s",
		    a->argv[0], a->argc > 1 ? " " : "",
		    a->argc > 1 ? a->argv[1] : ""));
	return (CLIENT_EXIT_OK);
}

/* Other words for a command, as people say them. */
static const char *const main_aliases[][2] = {
	{ "channel list", "channels" },
	{ "channel join", "join" },
	{ "channel leave", "leave" },
};

/* Edits (insert, delete, change a letter) from a to b, for names of at
 * most 63 bytes; more: a large number. */
static size_t
main_distance(const char *a, const char *b)
{
	size_t	 la = strlen(a), lb = strlen(b), i, j, d[64], prev, tmp;

	if (la > 63 || lb > 63)
		return (SIZE_MAX / 2);
	for (j = 0; j <= lb; j++)
		d[j] = j;
	for (i = 1; i <= la; i++) {
		prev = d[0];
		d[0] = i;
		for (j = 1; j <= lb; j++) {
			tmp = d[j];
			d[j] = a[i - 1] == b[j - 1] ? prev : 1 + (prev < d[j] ?
			    (prev < d[j - 1] ? prev : d[j - 1]) :
			    (d[j] < d[j - 1] ? d[j] : d[j - 1]));
			prev = tmp;
		}
	}
	return (d[lb]);
}

/* The command nearest name, when one is near enough to be a slip of
 * the keys (at most two edits, and fewer than half its letters). */
static const char *
main_nearest(const char *name)
{
	const struct cmd_entry *const	*e;
	const char			*best = NULL;
	size_t				 d, bd = 3;

	for (e = cmd_table; *e != NULL; e++)
		if ((d = main_distance(name, (*e)->name)) < bd &&
		    d * 2 < strlen(name)) {
			bd = d;
			best = (*e)->name;
		}
	return (best);
}

/* A command word: finds the row, or the group it starts. -1 if none. */
static int
main_word(struct main_parse *p, const char *word)
{
	const struct cmd_entry *const	*e;
	const char			*near;
	char				 name[64];
	size_t				 k;

	if (p->group != NULL)
		snprintf(name, sizeof name, "%s %s", p->group, word);
	else
		snprintf(name, sizeof name, "%s", word);
	for (k = 0; k < sizeof main_aliases / sizeof main_aliases[0]; k++)
		if (strcmp(name, main_aliases[k][0]) == 0)
			snprintf(name, sizeof name, "%s", main_aliases[k][1]);
	for (e = cmd_table; *e != NULL; e++) {
		if (strcmp((*e)->name, name) == 0) {
			p->entry = *e;
			p->args.entry = *e;
			return (0);
		}
	}
	if (p->group == NULL) {
		for (e = cmd_table; *e != NULL; e++) {
			if (main_in_group(*e, word)) {
				p->group = word;
				return (0);
			}
		}
	}
	if ((near = main_nearest(name)) != NULL)
		client_error(CLIENT_EXIT_USAGE, "no such command: %s; did you "
		    "mean `harbour %s`?", name, near);
	else
		client_error(CLIENT_EXIT_USAGE, "no such command: %s", name);
	if (p->group != NULL)
		help_group_usage(p->group, stderr);
	else
		help_print_usage(NULL, stderr);
	return (-1);
}

/*
 * A command that also starts a group ("inbox", and "inbox read"): the
 * word after it names the longer command when one is so named and
 * nothing has been given to the shorter one yet. 1 if it did.
 */
static int
main_subword(struct main_parse *p, const char *word)
{
	const struct cmd_entry *const	*e;
	char				 name[64];
	int				 i;

	if (p->group != NULL || p->args.argc > 0)
		return (0);
	for (i = 0; i < CMD_MAX_OPTS; i++) {
		if (p->args.val[i] != NULL)
			return (0);
	}
	snprintf(name, sizeof name, "%s %s", p->entry->name, word);
	for (e = cmd_table; *e != NULL; e++) {
		if (strcmp((*e)->name, name) == 0) {
			p->entry = *e;
			p->args.entry = *e;
			return (1);
		}
	}
	return (0);
}

static int
main_global(struct client *c, struct main_parse *p, const char *name,
    const char *value)
{
	if (strcmp(name, "server") == 0)
		c->server = value;
	else if (strcmp(name, "ca") == 0)
		c->ca = value;
	else if (strcmp(name, "json") == 0) {
		c->json = 1;
		client_errors_as_json(1);
	}
	else if (strcmp(name, "help") == 0)
		p->help = 1;
	else if (strcmp(name, "version") == 0)
		p->version = 1;
	else
		return (-1);
	return (0);
}

static const struct cmd_opt main_globals[] = {
	{ "server", "HOST:PORT" },
	{ "ca", "FILE" },
	{ "json", NULL },
	{ "help", NULL },
	{ "version", NULL },
	{ NULL, NULL }
};

static const struct cmd_opt *
main_find(const struct cmd_opt *list, const char *name)
{
	for (; list->name != NULL; list++) {
		if (strcmp(list->name, name) == 0)
			return (list);
	}
	return (NULL);
}

/*
 * The option at argv[*i]; *i moves past its value. 0, or -1 after a
 * usage error was printed. A command's own options are known only once
 * its name has been seen.
 */
static int
main_option(struct client *c, struct main_parse *p, int argc, char **argv,
    int *i)
{
	const struct cmd_opt	*o = NULL, *g = NULL;
	const char		*arg = argv[*i], *eq, *value = NULL;
	char			 name[32];
	int			 takes;

	if (strcmp(arg, "-h") == 0)
		arg = "--help";
	else if (strcmp(arg, "-o") == 0 && p->entry != NULL &&
	    main_find(p->entry->opts, "output") != NULL)
		arg = "--output";
	if (arg[1] != '-' || arg[2] == '\0')
		return (client_usage(p->entry, "unknown option %s", arg), -1);
	if ((eq = strchr(arg, '=')) != NULL)
		value = eq + 1;
	snprintf(name, sizeof name, "%.*s", (int)(eq != NULL ?
	    (size_t)(eq - arg - 2) : strlen(arg + 2)), arg + 2);
	if (p->entry != NULL)
		o = main_find(p->entry->opts, name);
	if (o == NULL && (g = main_find(main_globals, name)) == NULL)
		return (client_usage(p->entry, "unknown option --%s", name),
		    -1);
	takes = (o != NULL ? o : g)->arg != NULL;
	if (takes && value == NULL) {
		if (*i + 1 >= argc)
			return (client_usage(p->entry, "--%s needs a value",
			    name), -1);
		value = argv[++*i];
	} else if (!takes && value != NULL)
		return (client_usage(p->entry, "--%s takes no value", name),
		    -1);
	if (o == NULL)
		return (main_global(c, p, name, value));
	p->args.val[o - p->entry->opts] = takes ? value : "";
	return (0);
}

static int
main_parse(struct client *c, struct main_parse *p, int argc, char **argv)
{
	int	i, dashdash = 0;

	memset(p, 0, sizeof *p);
	p->args.argv = xmalloc(sizeof *p->args.argv * (size_t)argc);
	for (i = 1; i < argc; i++) {
		if (!dashdash && strcmp(argv[i], "--") == 0) {
			dashdash = 1;
			continue;
		}
		if (!dashdash && argv[i][0] == '-' && argv[i][1] != '\0') {
			if (main_option(c, p, argc, argv, &i) == -1)
				return (-1);
			continue;
		}
		if (p->entry == NULL) {
			if (main_word(p, argv[i]) == -1)
				return (-1);
		} else if (!main_subword(p, argv[i]))
			p->args.argv[p->args.argc++] = argv[i];
	}
	return (0);
}

/* Server and CA: the option, else the environment, else the default. */
static void
main_defaults(struct client *c)
{
	const char	*env;

	if (c->server == NULL) {
		env = getenv("HARBOUR_SERVER");
		c->server = env != NULL && *env != '\0' ? env :
		    CLIENT_DEFAULT_SERVER;
	}
	/* A session is kept for the server it came from, and sent there
	 * alone. */
	state_set_server(c->server);
	if (c->ca == NULL && (env = getenv("HARBOUR_CA")) != NULL &&
	    *env != '\0')
		c->ca = env;
}

static int
main_run(struct client *c, struct main_parse *p)
{
	const struct cmd_entry	*e = p->entry;
	int			 r;

	if (p->version) {
		printf("harbour %s\n", HARBOUR_VERSION);
		return (print_done());
	}
	if (p->help) {
		if (e != NULL)
			help_one(e, stdout);
		else if (p->group != NULL)
			help_words(p->group, NULL, stdout);
		else
			help_list(stdout);
		return (print_done());
	}
	if (e == NULL && p->group != NULL) {
		fprintf(stderr, "harbour: %s needs a command after it\n",
		    p->group);
		help_group_usage(p->group, stderr);
		return (CLIENT_EXIT_USAGE);
	}
	if (e == NULL)
		return (client_usage(NULL, "no command given: try `harbour "
		    "help`"));
	if (p->args.argc < e->args_min)
		return (client_usage(e, "%s needs more arguments", e->name));
	if (e->args_max != -1 && p->args.argc > e->args_max)
		return (client_usage(e, "too many arguments for %s", e->name));
	if (strncmp(e->usage, "CHANNEL", 7) == 0 && p->args.argc > 0)
		c->channel_arg = &p->args.argv[0];
	r = e->exec(c, &p->args);
	/* The argument may point at it until the command is done. */
	free(c->channel_full);
	c->channel_full = NULL;
	return (r);
}

int
main(int argc, char **argv)
{
	struct client		c;
	struct main_parse	p;
	int			r;

	/* A server that goes away must not kill us mid-write: the
	 * failure is reported like any other lost connection. */
	signal(SIGPIPE, SIG_IGN);
	memset(&c, 0, sizeof c);
	if (main_parse(&c, &p, argc, argv) == -1)
		r = CLIENT_EXIT_USAGE;
	else {
		main_defaults(&c);
		r = main_run(&c, &p);
	}
	client_close(&c);
	free(p.args.argv);
	return (r);
}
