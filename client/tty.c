/*
 * tty.c: asking for a password on the terminal without echoing it.
 *
 * The prompt and the answer go through /dev/tty, not stdin and stdout,
 * so `harbour passwd > log` or a pipe into `harbour post` never captures
 * or feeds a password. Echo is switched off with termios; if a signal
 * arrives while it is off, the handler puts the terminal back before
 * the signal takes its usual course, so nobody is left typing blind.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "client.h"
#include "tty.h"

static const int tty_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT,
    SIGTSTP };
#define TTY_NSIGNALS	(sizeof tty_signals / sizeof tty_signals[0])

static volatile sig_atomic_t	 tty_fd_saved = -1;
static struct termios		 tty_saved;

static void
tty_restore_on_signal(int sig)
{
	if (tty_fd_saved != -1)
		tcsetattr(tty_fd_saved, TCSAFLUSH, &tty_saved);
	signal(sig, SIG_DFL);
	raise(sig);
}

static int
tty_fail(char **cause, const char *msg)
{
	*cause = xstrdup(msg);
	return (-1);
}

/*
 * Read one line, byte by byte, so nothing after the newline is taken
 * from the terminal. 0, 1 when the line did not fit (the rest of it is
 * read and dropped), -1 at end of input with nothing typed.
 */
static int
tty_getline(int fd, char *buf, size_t size)
{
	size_t	len = 0;
	ssize_t	n;
	char	c;
	int	toolong = 0;

	for (;;) {
		if ((n = read(fd, &c, 1)) == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (len == 0 && !toolong)
				return (-1);
			break;
		}
		if (c == '\n' || c == '\r')
			break;
		if (len + 1 < size)
			buf[len++] = c;
		else
			toolong = 1;
	}
	buf[len] = '\0';
	return (toolong);
}

int
tty_password(const char *prompt, char **out, char **cause)
{
	struct sigaction	 sa, old[TTY_NSIGNALS];
	struct termios		 quiet;
	char			 buf[PROTO_PASSWORD_MAX + 2];
	size_t			 i;
	int			 fd, r;

	*out = NULL;
	if ((fd = open("/dev/tty", O_RDWR | O_CLOEXEC)) == -1)
		return (tty_fail(cause, "no terminal to ask for the password "
		    "on: set HARBOUR_PASSWORD"));
	if (tcgetattr(fd, &tty_saved) == -1) {
		close(fd);
		return (tty_fail(cause, "cannot set up the terminal"));
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = tty_restore_on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < TTY_NSIGNALS; i++)
		sigaction(tty_signals[i], &sa, &old[i]);
	tty_fd_saved = fd;

	quiet = tty_saved;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	quiet.c_lflag |= ECHONL;	/* the newline still moves on */
	(void)!write(fd, prompt, strlen(prompt));
	tcsetattr(fd, TCSAFLUSH, &quiet);
	r = tty_getline(fd, buf, sizeof buf);
	tcsetattr(fd, TCSAFLUSH, &tty_saved);

	tty_fd_saved = -1;
	for (i = 0; i < TTY_NSIGNALS; i++)
		sigaction(tty_signals[i], &old[i], NULL);
	close(fd);
	if (r == -1)
		return (tty_fail(cause, "no password given"));
	if (r == 1) {
		explicit_bzero(buf, sizeof buf);
		return (tty_fail(cause, "the password is too long"));
	}
	*out = xstrdup(buf);
	explicit_bzero(buf, sizeof buf);
	return (0);
}

void
tty_password_free(char *pw)
{
	if (pw == NULL)
		return;
	explicit_bzero(pw, strlen(pw));
	free(pw);
}
