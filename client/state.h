/*
 * state.h: what the client remembers between runs, in its state
 * directory, for each server: the session token (`token@HOST_PORT`)
 * and the id of the last event `harbour sync` showed
 * (`last_eid@HOST_PORT`).
 */
#ifndef HARBOUR_STATE_H
#define HARBOUR_STATE_H

#include <stdint.h>

/* Each returns 0, or -1 with *cause (malloc'd) set. */
/* The server (HOST:PORT) whose session and place the calls below
 * keep: set once, before any of them. */
void	state_set_server(const char *);
int	state_token_load(char **token, char **cause);	/* NULL: none saved */
int	state_token_save(const char *token, char **cause);
int	state_token_remove(char **cause);
int	state_eid_load(int64_t *eid, char **cause);	/* 0: none saved */
int	state_eid_save(int64_t eid, char **cause);
/* Text that could not be posted, kept in the state directory: *path
 * gets where (malloc'd). */
int	state_draft_save(const char *text, char **path, char **cause);
/* NAME's path in the state directory, which is made if need be. */
int	state_path(const char *name, char **path, char **cause);

#endif
