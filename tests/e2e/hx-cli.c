/*
 * hx-cli.c: running programs from a test: `harbourd init` and the
 * `harbour` client. The child gets its stdin from a string (or
 * /dev/null, so a client that would prompt gets EOF instead of hanging
 * the test), and its stdout and stderr are collected through pipes in
 * one poll() loop with a deadline; past it the child is killed and the
 * test fails.
 *
 * The client runs with a minimal environment: the server, the CA, a
 * state directory per simulated person under the daemon's directory,
 * and HOME there too, so a test never reads or writes the real user's
 * files. Sanitizer options pass through, and a sanitizer report in the
 * client's stderr fails the test just as one in the daemon's log does.
 */
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "hx-internal.h"

#define HX_MAX_ENV	16
#define HX_MAX_ARGV	64	/* a group add of 50 people, and more */

static const char	*hx_cli_extra;

void
hx_cli_setenv(const char *kv)
{
	hx_cli_extra = kv != NULL ? hx_strf("%s", kv) : NULL;
}

int
hx_cli_done(struct hx_cli *p)
{
	if (!p->reaped && waitpid(p->pid, &p->status, WNOHANG) == p->pid)
		p->reaped = 1;
	return p->reaped;
}

static void
hx_child_fds(int in, int out, int err)
{
	int	fd;

	if (in == -1) {
		if ((fd = open("/dev/null", O_RDONLY)) != -1) {
			dup2(fd, 0);
			close(fd);
		}
	} else
		dup2(in, 0);
	dup2(out, 1);
	dup2(err, 2);
}

struct hx_cli *
hx_proc_start(const char *const *argv, char *const *envp, const char *in)
{
	struct hx_cli	*p;
	int		 pin[2] = { -1, -1 }, pout[2], perr[2];
	pid_t		 parent = getpid();

	hx_ignore_sigpipe();
	cr_assert(pipe2(pout, O_CLOEXEC) == 0 && pipe2(perr, O_CLOEXEC) == 0,
	    "pipe: %s", strerror(errno));
	if (in != NULL)
		cr_assert(pipe2(pin, O_CLOEXEC) == 0, "pipe: %s",
		    strerror(errno));
	p = calloc(1, sizeof *p);
	p->pid = fork();
	cr_assert(p->pid != -1, "fork: %s", strerror(errno));
	if (p->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);
		signal(SIGPIPE, SIG_DFL);
		hx_child_fds(pin[0], pout[1], perr[1]);
		if (envp != NULL)
			execve(argv[0], (char *const *)argv, envp);
		else
			execv(argv[0], (char *const *)argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(pout[1]);
	close(perr[1]);
	p->out = pout[0];
	p->err = perr[0];
	p->in = -1;
	if (in != NULL) {
		close(pin[0]);
		p->in = pin[1];
		fcntl(p->in, F_SETFL, O_NONBLOCK);
		p->inbuf = in;
		p->inlen = strlen(in);
		if (p->inlen == 0) {
			close(p->in);
			p->in = -1;
		}
	}
	return p;
}

/* Append what fd has to buf; close and mark it -1 at EOF. */
static void
hx_drain(int *fd, char **buf, size_t *len)
{
	char	chunk[8192];
	ssize_t	n;

	n = read(*fd, chunk, sizeof chunk);
	if (n > 0) {
		*buf = realloc(*buf, *len + (size_t)n + 1);
		memcpy(*buf + *len, chunk, (size_t)n);
		*len += (size_t)n;
		(*buf)[*len] = '\0';
	} else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
		close(*fd);
		*fd = -1;
	}
}

struct hx_run
hx_cli_wait(struct hx_cli *p, int timeout_ms)
{
	struct hx_run	 r = { -1, "", "" };
	struct pollfd	 pfd[3];
	char		*out = NULL, *err = NULL;
	size_t		 outlen = 0, errlen = 0;
	int64_t		 deadline = hx_now_ms() + timeout_ms, left;
	int		 status = 0, n, timedout = 0;
	ssize_t		 w;

	while (p->out != -1 || p->err != -1) {
		if ((left = deadline - hx_now_ms()) <= 0) {
			timedout = 1;
			break;
		}
		n = 0;
		pfd[n].fd = p->out;
		pfd[n++].events = POLLIN;
		pfd[n].fd = p->err;
		pfd[n++].events = POLLIN;
		pfd[n].fd = p->in;
		pfd[n++].events = POLLOUT;
		pfd[0].revents = pfd[1].revents = pfd[2].revents = 0;
		poll(pfd, (nfds_t)n, (int)left);
		if (pfd[0].revents)
			hx_drain(&p->out, &out, &outlen);
		if (pfd[1].revents)
			hx_drain(&p->err, &err, &errlen);
		if (p->in != -1 && pfd[2].revents) {
			w = write(p->in, p->inbuf + p->inoff,
			    p->inlen - p->inoff);
			if (w > 0)
				p->inoff += (size_t)w;
			if (w < 0 && errno != EAGAIN && errno != EINTR)
				p->inoff = p->inlen;
			if (p->inoff == p->inlen) {
				close(p->in);
				p->in = -1;
			}
		}
	}
	if (timedout && !p->reaped)
		kill(p->pid, SIGKILL);
	/* Both pipes are closed: the child is exiting (or killed). */
	while (!p->reaped) {
		if (waitpid(p->pid, &p->status, timedout ? 0 : WNOHANG) ==
		    p->pid) {
			p->reaped = 1;
			break;
		}
		if (hx_now_ms() > deadline + 1000) {
			kill(p->pid, SIGKILL);
			timedout = 1;
		}
		usleep(5000);
	}
	status = p->status;
	if (p->in != -1)
		close(p->in);
	if (p->out != -1)
		close(p->out);
	if (p->err != -1)
		close(p->err);
	r.out = hx_strf("%s", out ? out : "");
	r.err = hx_strf("%s", err ? err : "");
	free(out);
	free(err);
	free(p);
	cr_assert(!timedout, "the child did not finish within %d ms; stdout "
	    "%s; stderr %s", timeout_ms, r.out, r.err);
	r.status = WIFEXITED(status) ? WEXITSTATUS(status) :
	    128 + WTERMSIG(status);
	return r;
}

static char **
hx_cli_env(struct hx_daemon *d, const char *state, const char *password)
{
	static const char *const pass[] = {
		"ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS", "TMPDIR",
	};
	const char	*dir, *v;
	char		**env = calloc(HX_MAX_ENV, sizeof *env);
	size_t		 n = 0, i;

	dir = hx_strf("%s/state-%s", d->dir, state);
	mkdir(dir, 0700);
	mkdir(hx_strf("%s/home", d->dir), 0700);
	env[n++] = (char *)hx_strf("HARBOUR_SERVER=127.0.0.1:%d", d->port);
	env[n++] = (char *)hx_strf("HARBOUR_CA=%s/ca.crt",
	    getenv("HARBOUR_CERTS"));
	env[n++] = (char *)hx_strf("HARBOUR_STATE_DIR=%s", dir);
	if (password != NULL)
		env[n++] = (char *)hx_strf("HARBOUR_PASSWORD=%s", password);
	env[n++] = (char *)hx_strf("HOME=%s/home", d->dir);
	env[n++] = (char *)"PATH=/usr/local/bin:/usr/bin:/bin";
	env[n++] = (char *)"LANG=C.UTF-8";
	for (i = 0; i < sizeof pass / sizeof pass[0]; i++)
		if ((v = getenv(pass[i])) != NULL)
			env[n++] = (char *)hx_strf("%s=%s", pass[i], v);
	if (hx_cli_extra != NULL)
		env[n++] = (char *)hx_cli_extra;
	env[n] = NULL;
	return env;
}

struct hx_cli *
hx_cli_startv(struct hx_daemon *d, const char *state, const char *password,
    const char *in, const char *const *argv)
{
	const char	*full[HX_MAX_ARGV];
	char		**env;
	struct hx_cli	*p;
	size_t		 n;

	full[0] = hx_strf("%s/harbour", getenv("HARBOUR_BUILD"));
	cr_assert(access(full[0], X_OK) == 0, "%s: %s", full[0],
	    strerror(errno));
	for (n = 0; argv[n] != NULL; n++) {
		cr_assert(n + 2 < HX_MAX_ARGV, "too many arguments");
		full[n + 1] = argv[n];
	}
	full[n + 1] = NULL;
	env = hx_cli_env(d, state, password);
	p = hx_proc_start(full, env, in);
	free(env);
	return p;
}

struct hx_run
hx_cliv(struct hx_daemon *d, const char *state, const char *password,
    const char *in, const char *const *argv)
{
	struct hx_run	 r;
	const char	*dirty;

	r = hx_cli_wait(hx_cli_startv(d, state, password, in, argv),
	    2 * hx_ms(HX_WAIT_MS));
	dirty = hx_log_dirty(r.err, strlen(r.err));
	cr_assert(dirty == NULL && r.status != 23,
	    "harbour %s: a sanitizer report: %s", argv[0], r.err);
	return r;
}

struct hx_run
hx_cli_expect(struct hx_daemon *d, const char *who, int want,
    const char *const *argv)
{
	struct hx_run	r;
	const char	*line = "";
	int		 i;

	for (i = 0; argv[i] != NULL; i++)
		line = hx_strf("%s %s", line, argv[i]);
	r = hx_cliv(d, who, HX_PASSWORD, NULL, argv);
	cr_assert_eq(r.status, want, "%s:%s: exit %d, not %d\nout: %s\nerr: %s",
	    who, line, r.status, want, r.out, r.err);
	return (r);
}
