/*
 * compose.h: text written in the person's editor (compose.c).
 */
#ifndef HARBOUR_COMPOSE_H
#define HARBOUR_COMPOSE_H

/* What the person wrote in $VISUAL, $EDITOR or vi, starting from
 * initial (NULL: empty); NULL with *cause when the editor failed. */
char	*compose_in_editor(const char *initial, char **cause);

#endif
