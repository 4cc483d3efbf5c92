/*
 * edit.h: chat's input line at a terminal (libedit), in the event loop.
 */
#ifndef HARBOUR_EDIT_H
#define HARBOUR_EDIT_H

/* Called with each line entered (the callee frees it), or NULL at
 * Ctrl-D on an empty line. */
typedef void	edit_line_cb(void *arg, char *line);

void	edit_start(const char *prompt, edit_line_cb *, void *arg);
/* stdin is readable (or edit_pending): edit, calling back when a line
 * is entered, then return. 0, or -1 at the end of input. */
int	edit_input(void);
/* Keys read but not handled yet: call edit_input again, after showing
 * the prompt. */
int	edit_pending(void);
/* Take the prompt and typed text off the screen before printing. */
void	edit_hide(void);
/* Put them back (with this prompt), as they were. */
void	edit_show(const char *prompt);
void	edit_end(void);

#endif
