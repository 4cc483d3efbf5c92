/*
 * edit.c: chat's input line at a terminal, edited with libedit.
 *
 * libedit because it is BSD-licensed and has readline's callback
 * interface (GNU readline, with the same interface, is GPL): the
 * caller polls stdin beside the connection and calls edit_input when a
 * key arrives, so a post can come in while a line is half typed. The
 * line is then taken off the screen (edit_hide), the post printed, and
 * the prompt and the half-typed text drawn again (edit_show) as they
 * were, cursor and all.
 *
 * libedit is given its keys through rl_getc_function, from what
 * edit_input read, so that two things can be seen first:
 *
 * - A paste. The terminal is asked for bracketed paste (ESC [ ? 2004 h),
 *   so a paste arrives between ESC [ 200 ~ and ESC [ 201 ~; its text is
 *   inserted into the line as it is, newlines included, and only Enter
 *   sends it: a paste of several lines is one post.
 * - Alt-Enter (ESC then CR or LF), which puts a newline into the line
 *   to type a post of several lines by hand.
 *
 * A newline in the line breaks it on the screen as in the post. The
 * rest is libedit's own (emacs keys, arrows, Up and Down through this
 * run's lines).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <editline/readline.h>

#include "client.h"
#include "edit.h"

#define EDIT_PASTE_ON		"\033[?2004h"
#define EDIT_PASTE_OFF		"\033[?2004l"
#define EDIT_PASTE_START	"\033[200~"
#define EDIT_PASTE_END		"\033[201~"
#define EDIT_MARK_LEN		6	/* either marker's length */
/* A paste longer than a post could not be sent anyway. */
#define EDIT_PASTE_MAX		(PROTO_MAX_BODY + 1)

static struct {
	edit_line_cb	*cb;
	void		*arg;
	char		*prompt;
	char		 raw[4096];	/* read, not yet handled */
	size_t		 off, len;
	size_t		 keys;		/* raw up to here is libedit's */
	char		*paste;		/* inside a paste: its text so far */
	size_t		 plen;
	int		 shown;		/* prompt and line on the screen */
	int		 entered;	/* a line was just entered */
	int		 eof;
} edit;

/* libedit's next key: what was read, else (the rest of an escape
 * sequence) straight from the terminal. */
static int
edit_getc(FILE *fp)
{
	unsigned char	c;
	ssize_t		n;

	(void)fp;
	if (edit.off < edit.keys)
		return ((unsigned char)edit.raw[edit.off++]);
	while ((n = read(STDIN_FILENO, &c, 1)) == -1 && errno == EINTR)
		;
	if (n != 1) {
		edit.eof = 1;
		return (EOF);
	}
	return (c);
}

static void
edit_line(char *line)
{
	if (line != NULL && *line != '\0')
		add_history(line);
	edit.shown = 0;		/* Enter moved off the line */
	edit.entered = 1;
	edit.cb(edit.arg, line);
}

void
edit_start(const char *prompt, edit_line_cb *cb, void *arg)
{
	memset(&edit, 0, sizeof edit);
	edit.cb = cb;
	edit.arg = arg;
	edit.prompt = xstrdup(prompt);
	rl_getc_function = edit_getc;
	rl_callback_handler_install(prompt, edit_line);
	edit.shown = 0;		/* the caller's edit_show draws it */
	fputs(EDIT_PASTE_ON, stdout);
	fflush(stdout);
}

/* Text into the line at the cursor, as if typed, newlines kept. */
static void
edit_insert(const char *text, size_t n)
{
	char	*s;
	size_t	 i;

	s = xmalloc(n + 1);
	for (i = 0; i < n; i++)
		s[i] = text[i] == '\r' ? '\n' : text[i];
	s[n] = '\0';
	edit_hide();
	rl_insert_text(s);
	free(s);
	/* Not rl_redisplay: libedit's pushes a reprint key, which draws
	 * the prompt a second time. */
	fflush(stdout);
	rl_forced_update_display();
	fflush(stdout);
	edit.shown = 1;
}

/* Inside a paste: keep its text until the end marker; the bytes used. */
static size_t
edit_paste(const char *buf, size_t n)
{
	const char	*end;
	size_t		 take;

	end = memmem(buf, n, EDIT_PASTE_END, EDIT_MARK_LEN);
	take = end != NULL ? (size_t)(end - buf) : n;
	if (edit.plen + take > EDIT_PASTE_MAX)
		take = edit.plen < EDIT_PASTE_MAX ? EDIT_PASTE_MAX - edit.plen :
		    0;
	memcpy(edit.paste + edit.plen, buf, take);
	edit.plen += take;
	if (end == NULL)
		return (n);
	/* A paste's last newline is the end of what was copied, not a
	 * line of its own. */
	while (edit.plen > 0 && (edit.paste[edit.plen - 1] == '\n' ||
	    edit.paste[edit.plen - 1] == '\r'))
		edit.plen--;
	edit_insert(edit.paste, edit.plen);
	free(edit.paste);
	edit.paste = NULL;
	return ((size_t)(end - buf) + EDIT_MARK_LEN);
}

/* Keys up to a paste or Alt-Enter (or the end): how many. */
static size_t
edit_scan(const char *p, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (p[i] != '\033')
			continue;
		if (n - i >= EDIT_MARK_LEN && memcmp(p + i, EDIT_PASTE_START,
		    EDIT_MARK_LEN) == 0)
			break;
		if (i + 1 < n && (p[i + 1] == '\r' || p[i + 1] == '\n'))
			break;
	}
	return (i);
}

/*
 * Handle what was read, stopping after a line is entered: the caller
 * shows its answer and the next prompt, then calls again for the rest
 * (edit_pending), so that each line's keys go to its own prompt.
 */
int
edit_input(void)
{
	const char	*p;
	ssize_t		 n;
	size_t		 i, left;

	if (edit.off == edit.len) {
		if ((n = read(STDIN_FILENO, edit.raw, sizeof edit.raw)) == -1)
			return (errno == EINTR || errno == EAGAIN ? 0 : -1);
		if (n == 0)
			return (-1);
		edit.off = 0;
		edit.len = (size_t)n;
	}
	edit.entered = 0;
	while (edit.off < edit.len && !edit.eof && !edit.entered) {
		p = edit.raw + edit.off;
		left = edit.len - edit.off;
		if (edit.paste != NULL) {
			edit.off += edit_paste(p, left);
		} else if ((i = edit_scan(p, left)) > 0) {
			edit.keys = edit.off + i;
			while (edit.off < edit.keys && !edit.eof &&
			    !edit.entered)
				rl_callback_read_char();
		} else if (p[1] == '\r' || p[1] == '\n') {	/* Alt-Enter */
			edit_insert("\n", 1);
			edit.off += 2;
		} else {
			edit.paste = xmalloc(EDIT_PASTE_MAX);
			edit.plen = 0;
			edit.off += EDIT_MARK_LEN;
		}
	}
	return (edit.eof ? -1 : 0);
}

int
edit_pending(void)
{
	return (edit.off < edit.len && !edit.eof);
}

/* How many rows above the cursor's the prompt and line take: a line
 * may hold newlines, and wraps at the terminal's width. */
static int
edit_rows(void)
{
	const char	*s;
	int		 rows = 0, col = 0, width, height, i, end;

	rl_get_screen_size(&height, &width);
	if (width <= 0)
		return (0);
	end = rl_point >= 0 && rl_point <= rl_end ? rl_point : rl_end;
	for (s = edit.prompt; s != NULL && *s != '\0'; s++) {
		if ((*s & 0xc0) != 0x80 && ++col >= width) {
			rows++;
			col = 0;
		}
	}
	for (i = 0; rl_line_buffer != NULL && i < end &&
	    rl_line_buffer[i] != '\0'; i++) {
		if (rl_line_buffer[i] == '\n') {
			rows++;
			col = 0;
		} else if ((rl_line_buffer[i] & 0xc0) != 0x80 &&
		    ++col >= width) {
			rows++;
			col = 0;
		}
	}
	return (rows);
}

void
edit_hide(void)
{
	int	rows;

	if (!edit.shown)
		return;
	if ((rows = edit_rows()) > 0)
		printf("\r\033[%dA", rows);
	fputs("\r\033[J", stdout);
	edit.shown = 0;
}

void
edit_show(const char *prompt)
{
	if (edit.shown)
		return;
	fflush(stdout);
	free(edit.prompt);
	edit.prompt = xstrdup(prompt);
	if (edit.entered) {
		/* libedit empties its line only at the next key: a fresh
		 * install is a fresh, empty line under a new prompt. */
		rl_callback_handler_remove();
		rl_callback_handler_install(prompt, edit_line);
		edit.entered = 0;
	} else
		rl_set_prompt(prompt);
	/* libedit draws from where the cursor is: the row's start. */
	fputs("\r\033[K", stdout);
	fflush(stdout);
	rl_forced_update_display();
	fflush(stdout);
	edit.shown = 1;
}

void
edit_end(void)
{
	rl_callback_handler_remove();
	free(edit.paste);
	free(edit.prompt);
	edit.paste = edit.prompt = NULL;
	fputs(EDIT_PASTE_OFF, stdout);
	fflush(stdout);
}
