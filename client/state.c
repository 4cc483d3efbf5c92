/*
 * state.c: the client's state directory.
 *
 * HARBOUR_STATE_DIR, else $XDG_STATE_HOME/harbour, else
 * ~/.local/state/harbour (the XDG base directory rules: state is what
 * should survive a restart but is not worth backing up). The directory
 * is created 0700 and its files 0600: the token is as good as the
 * password until it is revoked.
 *
 * A session belongs to the server that gave it, so that its token is
 * only ever sent there: the token and the last event seen are kept per
 * server ("token@HOST_PORT", "last_eid@HOST_PORT", with characters
 * other than letters, digits, "." and "-" as "_"), and a token file
 * names its server on its first line, which must match exactly. Naming
 * another server asks for a login there; the first server's session
 * stays. A token file of an older client ("token", no server named) is
 * never sent anywhere: it is removed at the next login.
 *
 * Files are replaced, never rewritten in place: write a temporary file
 * beside the target, fsync it, rename it over the target, fsync the
 * directory. A crash or a full disk then leaves the old file or the new
 * one, never half of either, and two harbour processes racing (a `tail`
 * and a `sync`) each leave a whole file.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "client.h"
#include "state.h"

#define STATE_DIR_MODE		0700
#define STATE_FILE_MODE		0600
/* A token or a decimal event id plus a newline; anything longer is not
 * a file we wrote. */
#define STATE_FILE_MAX		256
#define STATE_TOKEN_MAX		128
/* HOST:PORT as the user gave it; longer is not a server name. */
#define STATE_SERVER_MAX	200

/* The server this run talks to (state_set_server). */
static char	state_server[STATE_SERVER_MAX + 1];

static int
state_fail(char **cause, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
state_fail(char **cause, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	xvasprintf(cause, fmt, ap);
	va_end(ap);
	return (-1);
}

/* mkdir -p, each new directory 0700 as the XDG rules ask. */
static int
state_mkdirs(const char *path, char **cause)
{
	char	*copy, *p, c;
	int	 r = 0;

	copy = xstrdup(path);
	for (p = copy + 1; r == 0; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		c = *p;
		*p = '\0';
		if (mkdir(copy, STATE_DIR_MODE) == -1 && errno != EEXIST)
			r = state_fail(cause, "cannot create %s: %s", copy,
			    strerror(errno));
		*p = c;
		if (c == '\0')
			break;
	}
	free(copy);
	return (r);
}

static int
state_dir(char **path, int create, char **cause)
{
	const char	*env, *home;
	struct passwd	*pw;

	if ((env = getenv("HARBOUR_STATE_DIR")) != NULL && *env != '\0')
		*path = xstrdup(env);
	else if ((env = getenv("XDG_STATE_HOME")) != NULL && *env == '/')
		xasprintf(path, "%s/harbour", env);	/* relative: ignored */
	else {
		if ((home = getenv("HOME")) == NULL || *home == '\0') {
			if ((pw = getpwuid(getuid())) == NULL)
				return (state_fail(cause, "cannot find the "
				    "home directory: set HARBOUR_STATE_DIR"));
			home = pw->pw_dir;
		}
		xasprintf(path, "%s/.local/state/harbour", home);
	}
	if (create && state_mkdirs(*path, cause) == -1) {
		free(*path);
		*path = NULL;
		return (-1);
	}
	return (0);
}

/* *found 0 and 0 returned when the file does not exist. */
static int
state_read(const char *name, char *buf, size_t size, int *found,
    char **cause)
{
	char	*dir, *path;
	ssize_t	 n;
	size_t	 len = 0;
	int	 fd, r = 0;

	*found = 0;
	if (state_dir(&dir, 0, cause) == -1)
		return (-1);
	xasprintf(&path, "%s/%s", dir, name);
	free(dir);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno != ENOENT)
			r = state_fail(cause, "cannot read %s: %s", path,
			    strerror(errno));
		free(path);
		return (r);
	}
	while (len < size - 1) {
		if ((n = read(fd, buf + len, size - 1 - len)) == 0)
			break;
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			r = state_fail(cause, "cannot read %s: %s", path,
			    strerror(errno));
			break;
		}
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	if (r == 0 && len == size - 1)
		r = state_fail(cause, "%s is damaged", path);
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		buf[--len] = '\0';
	*found = r == 0;
	free(path);
	return (r);
}

static int
state_write_all(int fd, const char *s, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		if ((n = write(fd, s, len)) == -1) {
			if (errno == EINTR)
				continue;
			return (-1);
		}
		s += n;
		len -= (size_t)n;
	}
	return (0);
}

/* Replace dir/name with content, atomically (see the top of the file). */
static int
state_write(const char *name, const char *content, char **cause)
{
	char	*dir, *path, *tmp;
	int	 fd, dfd, r = 0;

	if (state_dir(&dir, 1, cause) == -1)
		return (-1);
	xasprintf(&path, "%s/%s", dir, name);
	xasprintf(&tmp, "%s/.%s.XXXXXX", dir, name);
	if ((fd = mkstemp(tmp)) == -1) {
		r = state_fail(cause, "cannot write in %s: %s", dir,
		    strerror(errno));
		goto out;
	}
	if (fchmod(fd, STATE_FILE_MODE) == -1 ||
	    state_write_all(fd, content, strlen(content)) == -1 ||
	    fsync(fd) == -1) {
		r = state_fail(cause, "cannot write %s: %s", tmp,
		    strerror(errno));
		close(fd);
		unlink(tmp);
		goto out;
	}
	close(fd);
	if (rename(tmp, path) == -1) {
		r = state_fail(cause, "cannot replace %s: %s", path,
		    strerror(errno));
		unlink(tmp);
		goto out;
	}
	/* The rename itself must reach the disk too. */
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		fsync(dfd);
		close(dfd);
	}
out:
	free(tmp);
	free(path);
	free(dir);
	return (r);
}

void
state_set_server(const char *server)
{
	snprintf(state_server, sizeof state_server, "%s", server);
}

/* A file's name for this server: "what@HOST_PORT". */
static char *
state_name(const char *what)
{
	char	*name, *p;

	xasprintf(&name, "%s@%s", what, state_server);
	for (p = name + strlen(what) + 1; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '.' || *p == '-'))
			*p = '_';
	return (name);
}

static int
state_token_valid(const char *s)
{
	size_t	i, len = strlen(s);

	if (len == 0 || len > STATE_TOKEN_MAX)
		return (0);
	for (i = 0; i < len; i++) {
		if (s[i] <= ' ' || s[i] > '~')
			return (0);
	}
	return (1);
}

int
state_token_load(char **token, char **cause)
{
	char	 buf[STATE_FILE_MAX + STATE_SERVER_MAX], *name, *nl;
	int	 found;

	*token = NULL;
	name = state_name("token");
	found = 0;
	if (state_read(name, buf, sizeof buf, &found, cause) == -1) {
		free(name);
		return (-1);
	}
	free(name);
	if (!found)
		return (0);
	/* Its server first: a file for another is no session here. */
	if ((nl = strchr(buf, '\n')) == NULL || (size_t)(nl - buf) !=
	    strlen(state_server) || strncmp(buf, state_server,
	    (size_t)(nl - buf)) != 0) {
		explicit_bzero(buf, sizeof buf);
		return (0);
	}
	if (!state_token_valid(nl + 1)) {
		explicit_bzero(buf, sizeof buf);
		return (state_fail(cause, "the saved session token is "
		    "damaged: run `harbour login --user NAME`"));
	}
	*token = xstrdup(nl + 1);
	explicit_bzero(buf, sizeof buf);
	return (0);
}

/* Remove a file of the state directory, if it is there. */
static int
state_unlink(const char *name, char **cause)
{
	char	*dir, *path;
	int	 r = 0;

	if (state_dir(&dir, 0, cause) == -1)
		return (-1);
	xasprintf(&path, "%s/%s", dir, name);
	if (unlink(path) == -1 && errno != ENOENT)
		r = state_fail(cause, "cannot remove %s: %s", path,
		    strerror(errno));
	free(path);
	free(dir);
	return (r);
}

int
state_token_save(const char *token, char **cause)
{
	char	*line, *name;
	int	 r;

	if (!state_token_valid(token))
		return (state_fail(cause, "the server sent a session token "
		    "that cannot be saved"));
	xasprintf(&line, "%s\n%s\n", state_server, token);
	name = state_name("token");
	r = state_write(name, line, cause);
	explicit_bzero(line, strlen(line));
	free(line);
	free(name);
	/* An older client's token, which named no server, goes. */
	if (r == 0)
		r = state_unlink("token", cause);
	return (r);
}

int
state_token_remove(char **cause)
{
	char	*name = state_name("token");
	int	 r;

	r = state_unlink(name, cause);
	free(name);
	return (r);
}

int
state_eid_load(int64_t *eid, char **cause)
{
	char		 buf[STATE_FILE_MAX];
	char		*end, *name;
	long long	 v;
	int		 found, r;

	*eid = 0;
	name = state_name("last_eid");
	r = state_read(name, buf, sizeof buf, &found, cause);
	free(name);
	if (r == -1)
		return (-1);
	if (!found)
		return (0);
	errno = 0;
	v = strtoll(buf, &end, 10);
	if (buf[0] < '0' || buf[0] > '9' || *end != '\0' || errno != 0 ||
	    v > PROTO_ID_MAX)
		return (state_fail(cause, "the saved last_eid is damaged: "
		    "remove it to start again from the beginning"));
	*eid = v;
	return (0);
}

int
state_eid_save(int64_t eid, char **cause)
{
	char	line[32], *name = state_name("last_eid");
	int	r;

	snprintf(line, sizeof line, "%" PRId64 "\n", eid);
	r = state_write(name, line, cause);
	free(name);
	return (r);
}

/*
 * A draft: text that could not be posted, kept so that nothing typed is
 * lost, as draft-YYYYmmdd-HHMMSS-PID.txt (0600, replaced whole like
 * every state file); *path gets where.
 */
int
state_draft_save(const char *text, char **path, char **cause)
{
	char		 name[64], *dir, *body;
	time_t		 now = time(NULL);
	struct tm	 tm;
	int		 r;

	localtime_r(&now, &tm);
	strftime(name, sizeof name, "draft-%Y%m%d-%H%M%S", &tm);
	snprintf(name + strlen(name), sizeof name - strlen(name), "-%ld.txt",
	    (long)getpid());
	xasprintf(&body, "%s\n", text);
	r = state_write(name, body, cause);
	free(body);
	if (r == -1)
		return (-1);
	if (state_dir(&dir, 0, cause) == -1)
		return (-1);
	xasprintf(path, "%s/%s", dir, name);
	free(dir);
	return (0);
}

/* A path for a file of the state directory, the directory made. */
int
state_path(const char *name, char **path, char **cause)
{
	char	*dir;

	if (state_dir(&dir, 1, cause) == -1)
		return (-1);
	xasprintf(path, "%s/%s", dir, name);
	free(dir);
	return (0);
}
