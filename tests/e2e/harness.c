/*
 * harness.c: the daemon's life in a test: a fresh directory, a config,
 * `harbourd init`, start, stop, crash and restart; and the arena that
 * keeps every value a helper returns alive until the test process ends.
 *
 * The daemon's stdout and stderr go to DIR/harbourd.log (appended over
 * restarts); the port comes from its "listening on 127.0.0.1:PORT" line,
 * so tests never race each other for a fixed port. The child asks the
 * kernel to SIGKILL it when the test process dies (PR_SET_PDEATHSIG), so
 * a test that crashes cannot leave a daemon behind; a test that fails an
 * assertion ends through exit(), where hx_atexit() kills what is left,
 * prints the end of its log and removes its directory.
 */
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "hx-internal.h"

/* Starting includes migrating a fresh database; a loaded CI machine
 * under ASan can take seconds. */
#define HX_START_MS	10000
/* SIGTERM to exit: the daemon finishes in-flight commits first. */
#define HX_STOP_MS	10000
#define HX_MAX_DAEMONS	8
#define HX_LOG_TAIL	40

static json_t		*hx_arena;
static struct hx_daemon	*hx_daemons[HX_MAX_DAEMONS];
static int		 hx_atexit_set;

int
hx_sanitized(void)
{
	const char	*s = getenv("HARBOUR_SANITIZED");

	return s != NULL && *s != '\0' && strcmp(s, "0") != 0;
}

int
hx_ms(int ms)
{
	return hx_sanitized() ? ms * 3 : ms;
}

int64_t
hx_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

json_t *
hx_keep(json_t *v)
{
	if (hx_arena == NULL)
		hx_arena = json_array();
	if (v == NULL)
		return NULL;
	json_array_append_new(hx_arena, v);
	return v;
}

const char *
hx_strf(const char *fmt, ...)
{
	va_list	 ap;
	char	*s;
	json_t	*j;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) == -1)
		abort();
	va_end(ap);
	/* json_stringn_nocheck: the text may be any bytes. */
	j = hx_keep(json_stringn_nocheck(s, strlen(s)));
	free(s);
	return json_string_value(j);
}

const char *
hx_slurp(const char *path, size_t *lenp)
{
	FILE	*f;
	char	*buf;
	size_t	 len = 0, cap = 65536, n;
	json_t	*j;

	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	buf = malloc(cap);
	while ((n = fread(buf + len, 1, cap - len, f)) > 0) {
		len += n;
		if (len == cap)
			buf = realloc(buf, cap *= 2);
	}
	fclose(f);
	j = hx_keep(json_stringn_nocheck(buf, len));
	free(buf);
	if (lenp != NULL)
		*lenp = len;
	return json_string_value(j);
}

int
hx_contains(const char *hay, size_t haylen, const char *needle)
{
	return memmem(hay, haylen, needle, strlen(needle)) != NULL;
}

const char *
hx_tail(const char *text, size_t len, int lines)
{
	size_t	i = len;

	if (i > 0 && text[i - 1] == '\n')
		i--;
	while (i > 0) {
		if (text[i - 1] == '\n' && --lines == 0)
			break;
		i--;
	}
	return hx_strf("%.*s", (int)(len - i), text + i);
}

const char *
hx_log_dirty(const char *log, size_t len)
{
	/* What ASan, UBSan and LSan print when they find something; the
	 * daemon under `make check` must never print any of them. */
	static const char *const marks[] = {
		"ERROR: AddressSanitizer", "runtime error:", "LeakSanitizer",
		"ERROR: UndefinedBehaviorSanitizer",
	};
	const char	*p, *bol, *eol;
	size_t		 i;

	for (i = 0; i < sizeof marks / sizeof marks[0]; i++) {
		p = memmem(log, len, marks[i], strlen(marks[i]));
		if (p == NULL)
			continue;
		for (bol = p; bol > log && bol[-1] != '\n'; bol--)
			;
		eol = memchr(p, '\n', len - (size_t)(p - log));
		if (eol == NULL)
			eol = log + len;
		return hx_strf("%.*s", (int)(eol - bol), bol);
	}
	return NULL;
}

static const char *
hx_env(const char *name)
{
	const char	*v = getenv(name);

	cr_assert(v != NULL && *v != '\0',
	    "%s is not set: run the end-to-end tests through `make test`, or "
	    "set HARBOUR_BUILD (the directory with harbourd and harbour) and "
	    "HARBOUR_CERTS (certs/dev)", name);
	return v;
}

static int
hx_rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static void
hx_rmdir(const char *dir)
{
	const char	*keep = getenv("HARBOUR_KEEP");

	if (keep != NULL && *keep != '\0' && strcmp(keep, "0") != 0) {
		fprintf(stderr, "harness: keeping %s\n", dir);
		return;
	}
	nftw(dir, hx_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void
hx_atexit(void)
{
	struct hx_daemon	*d;
	const char		*log;
	size_t			 len;
	int			 i, status;

	hx_conn_forget_all();
	for (i = 0; i < HX_MAX_DAEMONS; i++) {
		if ((d = hx_daemons[i]) == NULL)
			continue;
		if (d->pid > 0) {
			kill(d->pid, SIGKILL);
			waitpid(d->pid, &status, 0);
			/* The test ended without stopping it: it failed (or
			 * forgot). The log's end is the best clue. */
			if ((log = hx_slurp(d->logpath, &len)) != NULL)
				fprintf(stderr, "harness: harbourd %s was still "
				    "running; end of its log:\n%s\n", d->dir,
				    hx_tail(log, len, HX_LOG_TAIL));
		}
		hx_rmdir(d->dir);
		json_decref(d->orgs);
		free(d);
		hx_daemons[i] = NULL;
	}
	json_decref(hx_arena);
	hx_arena = NULL;
}

void
hx_ignore_sigpipe(void)
{
	/* A write to a connection the daemon closed must be an error
	 * return, not the death of the test. */
	signal(SIGPIPE, SIG_IGN);
	if (!hx_atexit_set) {
		hx_atexit_set = 1;
		atexit(hx_atexit);
	}
}

/* Does the extra configuration set this key itself? */
static int
hx_conf_has(const char *extra, const char *key)
{
	const char	*p = extra;
	size_t		 n = strlen(key);

	while (p != NULL && *p != '\0') {
		while (*p == ' ' || *p == '\t')
			p++;
		if (strncmp(p, key, n) == 0 &&
		    (p[n] == ' ' || p[n] == '\t' || p[n] == '='))
			return 1;
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	}
	return 0;
}

static void
hx_write_conf(struct hx_daemon *d, const char *extra)
{
	/* Tiny Argon2 parameters keep logins in the millisecond range;
	 * the production defaults are the daemon's business. Tests pipeline
	 * thousands of requests from one address and one account, so the
	 * per-account rate, the per-address rate before login and the
	 * per-address connection limit are lifted unless a test sets them
	 * itself to test them. */
	static const char *const defaults[][2] = {
		{ "argon2_memory", "64" }, { "argon2_time", "1" },
		{ "log_level", "debug" }, { "request_rate", "1000000" },
		{ "request_burst", "1000000" }, { "max_per_address", "1000" },
		{ "unauth_rate", "1000000" }, { "unauth_burst", "1000000" },
	};
	const char	*certs = hx_env("HARBOUR_CERTS");
	FILE		*f;
	size_t		 i;

	f = fopen(d->conf, "w");
	cr_assert(f != NULL, "cannot write %s: %s", d->conf, strerror(errno));
	fprintf(f, "# written by the end-to-end harness\n");
	fprintf(f, "db = %s\n", d->db);
	fprintf(f, "cert = %s/server.crt\n", certs);
	fprintf(f, "key = %s/server.key\n", certs);
	for (i = 0; i < sizeof defaults / sizeof defaults[0]; i++)
		if (!hx_conf_has(extra, defaults[i][0]))
			fprintf(f, "%s = %s\n", defaults[i][0], defaults[i][1]);
	if (extra != NULL)
		fprintf(f, "%s\n", extra);
	fclose(f);
}

static void
hx_append_log(struct hx_daemon *d, const char *text)
{
	FILE	*f;

	if ((f = fopen(d->logpath, "a")) == NULL)
		return;
	fputs(text, f);
	fclose(f);
}

static void
hx_init_db(struct hx_daemon *d)
{
	const char	*bin, *argv[8];
	struct hx_cli	*p;
	struct hx_run	 r;
	size_t		 n;

	bin = hx_strf("%s/harbourd", hx_env("HARBOUR_BUILD"));
	argv[0] = bin;
	argv[1] = "init";
	argv[2] = "--db";
	argv[3] = d->db;
	argv[4] = "--admin";
	argv[5] = HX_ADMIN;
	argv[6] = NULL;
	p = hx_proc_start(argv, NULL, NULL);
	r = hx_cli_wait(p, hx_ms(HX_START_MS));
	hx_append_log(d, r.err);
	cr_assert(r.status == 0, "harbourd init exited %d; stderr:\n%s",
	    r.status, r.err);
	n = strlen(r.out);
	cr_assert(n > 0 && r.out[n - 1] == '\n' && n - 1 < sizeof d->invite,
	    "harbourd init printed %s, not an invite code alone on a line",
	    hx_dump(hx_keep(json_string(r.out))));
	memcpy(d->invite, r.out, n - 1);
	d->invite[n - 1] = '\0';
	cr_assert(strlen(d->invite) == 26,
	    "harbourd init printed the invite %s: not 26 characters",
	    d->invite);
}

static void
hx_spawn(struct hx_daemon *d)
{
	const char	*bin, *log, *p, *addr;
	size_t		 len, off;
	int64_t		 deadline;
	pid_t		 pid, parent = getpid();
	int		 fd, status;
	struct stat	 sb;

	bin = hx_strf("%s/harbourd", hx_env("HARBOUR_BUILD"));
	cr_assert(access(bin, X_OK) == 0, "%s: %s", bin, strerror(errno));
	off = stat(d->logpath, &sb) == 0 ? (size_t)sb.st_size : 0;
	addr = hx_strf("127.0.0.1:%d", d->listen_port);

	pid = fork();
	cr_assert(pid != -1, "fork: %s", strerror(errno));
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);
		signal(SIGPIPE, SIG_DFL);
		fd = open(d->logpath, O_WRONLY | O_CREAT | O_APPEND, 0600);
		if (fd == -1)
			_exit(127);
		dup2(fd, 1);
		dup2(fd, 2);
		close(fd);
		if ((fd = open("/dev/null", O_RDONLY)) != -1) {
			dup2(fd, 0);
			close(fd);
		}
		execl(bin, bin, "-c", d->conf, "--listen", addr,
		    (char *)NULL);
		fprintf(stderr, "exec %s: %s\n", bin, strerror(errno));
		_exit(127);
	}
	d->pid = pid;
	d->port = 0;

	deadline = hx_now_ms() + hx_ms(HX_START_MS);
	for (;;) {
		log = hx_slurp(d->logpath, &len);
		if (log != NULL && len > off &&
		    (p = memmem(log + off, len - off, "listening on 127.0.0.1:",
		    23)) != NULL && memchr(p, '\n', len - (size_t)(p - log))) {
			d->port = atoi(p + 23);
			break;
		}
		if (waitpid(pid, &status, WNOHANG) == pid) {
			d->pid = 0;
			cr_assert_fail("harbourd exited (status 0x%x) before "
			    "listening; log:\n%s", status,
			    log ? hx_tail(log, len, HX_LOG_TAIL) : "(none)");
		}
		cr_assert(hx_now_ms() < deadline, "harbourd did not log "
		    "\"listening on 127.0.0.1:PORT\" within %d ms; log:\n%s",
		    hx_ms(HX_START_MS),
		    log ? hx_tail(log, len, HX_LOG_TAIL) : "(none)");
		usleep(20000);
	}
	cr_assert(d->port > 0 && d->port < 65536,
	    "bad port in the \"listening on\" line");
}

struct hx_daemon *
hx_start(const char *extra_conf)
{
	struct hx_daemon	*d;
	const char		*tmp = getenv("TMPDIR");
	int			 i;

	hx_ignore_sigpipe();
	d = calloc(1, sizeof *d);
	for (i = 0; i < HX_MAX_DAEMONS && hx_daemons[i] != NULL; i++)
		;
	cr_assert(i < HX_MAX_DAEMONS, "too many daemons in one test");
	hx_daemons[i] = d;
	d->orgs = json_object();

	snprintf(d->dir, sizeof d->dir, "%s/harbour-e2e-XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	cr_assert(mkdtemp(d->dir) != NULL, "mkdtemp: %s", strerror(errno));
	snprintf(d->conf, sizeof d->conf, "%s/harbourd.conf", d->dir);
	snprintf(d->db, sizeof d->db, "%s/harbour.db", d->dir);
	snprintf(d->logpath, sizeof d->logpath, "%s/harbourd.log", d->dir);

	hx_write_conf(d, extra_conf);
	hx_init_db(d);
	hx_spawn(d);
	return d;
}

/* SIGTERM (unless sent already), reap, check; a failure message or
 * NULL. */
static const char *
hx_terminate(struct hx_daemon *d, int signalled)
{
	const char	*why = NULL, *log, *dirty;
	int64_t		 deadline;
	size_t		 len;
	int		 status = 0;
	pid_t		 r;

	if (d->admin != NULL) {
		hx_close(d->admin);
		d->admin = NULL;
	}
	if (d->pid <= 0)
		return "harbourd is not running";
	if (!signalled)
		kill(d->pid, SIGTERM);
	deadline = hx_now_ms() + hx_ms(HX_STOP_MS);
	while ((r = waitpid(d->pid, &status, WNOHANG)) == 0 &&
	    hx_now_ms() < deadline)
		usleep(10000);
	if (r == 0) {
		kill(d->pid, SIGKILL);
		waitpid(d->pid, &status, 0);
		why = hx_strf("harbourd did not exit within %d ms of SIGTERM",
		    hx_ms(HX_STOP_MS));
	} else if (WIFSIGNALED(status))
		why = hx_strf("harbourd died of signal %d after SIGTERM",
		    WTERMSIG(status));
	else if (WEXITSTATUS(status) != 0)
		why = hx_strf("harbourd exited %d after SIGTERM (23: a "
		    "sanitizer report)", WEXITSTATUS(status));
	d->pid = 0;
	log = hx_slurp(d->logpath, &len);
	if (log != NULL && (dirty = hx_log_dirty(log, len)) != NULL && why == NULL)
		why = hx_strf("harbourd's log has a sanitizer report: %s", dirty);
	if (why != NULL && log != NULL)
		why = hx_strf("%s; end of the log:\n%s", why,
		    hx_tail(log, len, HX_LOG_TAIL));
	return why;
}

static void
hx_forget(struct hx_daemon *d)
{
	int	i;

	for (i = 0; i < HX_MAX_DAEMONS; i++)
		if (hx_daemons[i] == d)
			hx_daemons[i] = NULL;
	json_decref(d->orgs);
	free(d);
}

void
hx_stop(struct hx_daemon *d)
{
	const char	*why = hx_terminate(d, 0);

	/* Clean up before asserting: a failed assertion does not return.
	 * The message carries the log's end; HARBOUR_KEEP=1 keeps it all. */
	hx_rmdir(d->dir);
	hx_forget(d);
	cr_assert(why == NULL, "%s", why);
}

void
hx_shutdown(struct hx_daemon *d)
{
	const char	*why = hx_terminate(d, 0);

	cr_assert(why == NULL, "%s", why);
}

void
hx_signal(struct hx_daemon *d, int sig)
{
	cr_assert(d->pid > 0, "harbourd is not running");
	kill(d->pid, sig);
}

void
hx_reap(struct hx_daemon *d)
{
	const char	*why = hx_terminate(d, 1);

	cr_assert(why == NULL, "%s", why);
}

void
hx_crash(struct hx_daemon *d)
{
	const char	*log, *dirty;
	size_t		 len;
	int		 status;

	if (d->admin != NULL) {
		hx_close(d->admin);
		d->admin = NULL;
	}
	cr_assert(d->pid > 0, "harbourd is not running");
	kill(d->pid, SIGKILL);
	waitpid(d->pid, &status, 0);
	d->pid = 0;
	log = hx_slurp(d->logpath, &len);
	dirty = log != NULL ? hx_log_dirty(log, len) : NULL;
	cr_assert(dirty == NULL, "harbourd's log has a sanitizer report: %s",
	    dirty);
}

void
hx_restart(struct hx_daemon *d)
{
	cr_assert(d->pid == 0, "hx_restart: harbourd is still running");
	hx_spawn(d);
}

void
hx_restart_port(struct hx_daemon *d, int port)
{
	cr_assert(d->pid == 0, "hx_restart_port: harbourd is still running");
	d->listen_port = port;
	hx_spawn(d);
	d->listen_port = 0;
}

int
hx_port(const struct hx_daemon *d)
{
	return d->port;
}

pid_t
hx_pid(const struct hx_daemon *d)
{
	return d->pid;
}

const char *
hx_dir(const struct hx_daemon *d)
{
	return d->dir;
}

const char *
hx_admin_invite(const struct hx_daemon *d)
{
	return d->invite;
}

const char *
hx_log(const struct hx_daemon *d, size_t *len)
{
	const char	*log = hx_slurp(d->logpath, len);

	cr_assert(log != NULL, "cannot read %s", d->logpath);
	return log;
}

size_t
hx_log_mark(const struct hx_daemon *d)
{
	size_t	len;

	hx_log(d, &len);
	return len;
}

const char *
hx_dump(json_t *v)
{
	char		*s;
	const char	*r;

	if (v == NULL)
		return "(null)";
	s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	if (s == NULL)
		return "(unprintable)";
	/* Failure messages stay readable even for 16 KiB bodies. */
	r = strlen(s) > 600 ? hx_strf("%.600s...", s) : hx_strf("%s", s);
	free(s);
	return r;
}
