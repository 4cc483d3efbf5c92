/*
 * cmd-mod.c: the moderators' operations on channels, posts, threads and
 * members, and the authors' own (edit, delete). The table says who may
 * run each (a moderator of the post's or the channel's channel, or the
 * author); the store does it, with its log entry, in one transaction;
 * what changed goes to the bus like any committed post.
 */
#include "cmd.h"

const struct cmd_entry cmd_mod_entries[] = {
	{ NULL, 0, 0, CMD_T_NONE, NULL, NULL }
};
