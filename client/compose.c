/*
 * compose.c: text composed in the person's own editor, for `post
 * --editor` and `edit --editor`: $VISUAL, else $EDITOR, else vi, run
 * through sh so that "code --wait" or "nano -w" work as they do for
 * git. The file lives in the state directory (0600, the person's own)
 * only while the editor runs.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "compose.h"
#include "state.h"

/* The most an editor's file may hold: a post's text and some slack
 * for what will be refused as too long, not silently cut. */
#define COMPOSE_MAX	(4 * PROTO_MAX_BODY)

static const char *
compose_editor(void)
{
	const char *e;

	if ((e = getenv("VISUAL")) != NULL && *e != '\0')
		return (e);
	if ((e = getenv("EDITOR")) != NULL && *e != '\0')
		return (e);
	return ("vi");
}

/* Run the editor on path; 0, or -1 with *cause. */
static int
compose_run(const char *path, char **cause)
{
	const char	*editor = compose_editor();
	char		*cmd;
	pid_t		 pid;
	int		 status;

	xasprintf(&cmd, "%s \"$1\"", editor);
	fflush(NULL);
	if ((pid = fork()) == -1) {
		free(cmd);
		xasprintf(cause, "cannot start the editor: %s", strerror(errno));
		return (-1);
	}
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", cmd, "sh", path, (char *)NULL);
		_exit(127);
	}
	free(cmd);
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR) {
			xasprintf(cause, "lost the editor: %s", strerror(errno));
			return (-1);
		}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		xasprintf(cause, "the editor (%s) did not finish well (status "
		    "%d): nothing was sent", editor, WIFEXITED(status) ?
		    WEXITSTATUS(status) : 128 + WTERMSIG(status));
		return (-1);
	}
	return (0);
}

static char *
compose_read(const char *path, char **cause)
{
	char	*buf = xmalloc(COMPOSE_MAX + 1);
	size_t	 len = 0;
	ssize_t	 n;
	int	 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		free(buf);
		return (NULL);
	}
	while (len < COMPOSE_MAX && ((n = read(fd, buf + len,
	    COMPOSE_MAX - len)) > 0 || (n == -1 && errno == EINTR)))
		if (n > 0)
			len += (size_t)n;
	close(fd);
	buf[len] = '\0';
	return (buf);
}

char *
compose_in_editor(const char *initial, char **cause)
{
	char	 name[64], *path, *text;
	int	 fd;

	snprintf(name, sizeof name, "compose-%ld.txt", (long)getpid());
	if (state_path(name, &path, cause) == -1)
		return (NULL);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) ==
	    -1) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		free(path);
		return (NULL);
	}
	if (initial != NULL && write(fd, initial, strlen(initial)) == -1) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		close(fd);
		unlink(path);
		free(path);
		return (NULL);
	}
	close(fd);
	text = compose_run(path, cause) == 0 ? compose_read(path, cause) : NULL;
	unlink(path);
	free(path);
	return (text);
}
