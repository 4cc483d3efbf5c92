/*
 * tty.h: password prompts on the controlling terminal.
 */
#ifndef HARBOUR_TTY_H
#define HARBOUR_TTY_H

/* 0 and *out (free with tty_password_free), or -1 and *cause. */
int	tty_password(const char *prompt, char **out, char **cause);
/* Wipes the password before freeing it; NULL is fine. */
void	tty_password_free(char *);

#endif
