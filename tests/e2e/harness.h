/*
 * harness.h: the end-to-end test harness. Each test starts a real
 * harbourd (built in $HARBOUR_BUILD) in a fresh temporary directory with
 * its own SQLite file, on an ephemeral loopback port, with the
 * development certificates in $HARBOUR_CERTS, and talks to it over real
 * TLS or through the real `harbour` binary. Nothing is mocked.
 *
 * Criterion runs every test in a forked process of its own, so the
 * harness keeps per-process state (the daemons it started, an arena of
 * JSON values) in file-level statics: a test reads like a script,
 * never frees what the harness returns, and an atexit handler kills any
 * daemon a failed assertion left running, shows the end of its log and
 * removes its directory.
 *
 * Every wait is bounded (HX_WAIT_MS, longer under sanitizers): a daemon
 * that stops answering fails the test instead of hanging the suite.
 * Helpers assert with Criterion themselves, so a test only states what
 * it expects. Values returned as json_t * or const char * are borrowed
 * and live until the test process ends.
 */
#ifndef HARBOUR_E2E_HARNESS_H
#define HARBOUR_E2E_HARNESS_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

/* One wait for one answer: generous for a loaded 2-core CI machine. */
#define HX_WAIT_MS	10000
/* A whole test, as a last resort behind the bounded waits. */
#define HX_TEST_TIMEOUT	180
/* The password every helper-made account gets (8+ bytes, see spec). */
#define HX_PASSWORD	"harbour-e2e-correct-horse"
/* The account `harbourd init` makes, and its organisation. */
#define HX_ADMIN	"ops"
#define HX_ADMIN_ORG	"operators"

struct hx_daemon;
struct hx_conn;

/* Waits scaled for sanitizer builds (HARBOUR_SANITIZED=1), which run
 * several times slower. */
int		 hx_ms(int ms);
int		 hx_sanitized(void);

/* --- Arena: values that live until the test process ends. --- */
json_t		*hx_keep(json_t *);		/* steals, returns borrowed */
const char	*hx_strf(const char *fmt, ...)
		    __attribute__((format(printf, 1, 2)));
/* The contents of a file (NUL-terminated), or NULL. */
const char	*hx_slurp(const char *path, size_t *len);
/* Does the text contain needle? (memmem, for logs and outputs) */
int		 hx_contains(const char *hay, size_t haylen, const char *needle);

/* --- The daemon. --- */
/* A daemon with the test configuration plus extra "key = value\n"
 * lines (NULL for none); its database initialised with `harbourd init`
 * (admin HX_ADMIN in HX_ADMIN_ORG), listening, port known. */
struct hx_daemon *hx_start(const char *extra_conf);
/* SIGTERM; requires exit status 0 and a log free of sanitizer reports;
 * removes the directory. */
void		 hx_stop(struct hx_daemon *);
/* SIGTERM and the same checks, but keeps the directory for a restart. */
void		 hx_shutdown(struct hx_daemon *);
/* Send a signal; with hx_reap, a test can watch a shutdown from its
 * connections before checking the exit as hx_shutdown does. */
void		 hx_signal(struct hx_daemon *, int sig);
void		 hx_reap(struct hx_daemon *);
/* SIGKILL: no chance to flush anything. Keeps the directory. */
void		 hx_crash(struct hx_daemon *);
/* Start again on the same configuration and database (new port). */
void		 hx_restart(struct hx_daemon *);
/* The same on a given port, as a client that reconnects by itself
 * knows it (the port the daemon had before, free again). */
void		 hx_restart_port(struct hx_daemon *, int port);
int		 hx_port(const struct hx_daemon *);
pid_t		 hx_pid(const struct hx_daemon *);
const char	*hx_dir(const struct hx_daemon *);
const char	*hx_admin_invite(const struct hx_daemon *);
/* The daemon's log so far (every run of it, appended). */
const char	*hx_log(const struct hx_daemon *, size_t *len);
/* The log's length now, to look for lines written after it. */
size_t		 hx_log_mark(const struct hx_daemon *);

/* --- A blocking TLS client with bounded waits. --- */
struct hx_conn_opts {
	int		 rcvbuf;	/* SO_RCVBUF before connect; 0: default */
	int		 no_hello;	/* do not read the hello */
	const char	*cert_user;	/* present client-USER.crt; NULL: none */
};
/* Connected, TLS verified against the dev CA for IP 127.0.0.1, hello
 * read and checked to be an object with "ev":"hello". */
struct hx_conn	*hx_connect(struct hx_daemon *);
struct hx_conn	*hx_connect_opts(struct hx_daemon *, const struct hx_conn_opts *);
void		 hx_close(struct hx_conn *);
/* Does a TLS handshake succeed with at most this protocol version
 * (TLS1_2_VERSION...) and, when not NULL, these TLS 1.2 ciphers? */
int		 hx_tls_probe(struct hx_daemon *, int max_version,
		    const char *ciphers);
json_t		*hx_hello(struct hx_conn *);

/* Raw bytes; 0, or -1 when the peer closed or reset (no assertion). */
int		 hx_send_raw(struct hx_conn *, const void *, size_t);
/* A request object (stolen). An "id" is added when absent; the integer
 * id is returned (-1 when the caller supplied a non-integer id). */
int64_t		 hx_send(struct hx_conn *, json_t *req);
/* The reply whose id equals id (json_null() for "id": null); events
 * and other replies that arrive meanwhile are kept for later. */
json_t		*hx_reply(struct hx_conn *, json_t *id);
json_t		*hx_reply_int(struct hx_conn *, int64_t id);
/* The reply's line exactly as the server sent it (the last reply with
 * its id), for byte-for-byte comparisons. */
const char	*hx_raw(struct hx_conn *, json_t *reply);
/* Every byte the connection has received so far (what has arrived is
 * read first), NUL-terminated: the frames a confidentiality test
 * searches for what must not be there. */
const char	*hx_seen(struct hx_conn *, size_t *len);
/* Send {"op": op, ...fields} and wait for its reply. fmt is a
 * json_pack() object format ("{s:s, s:I}") or NULL for no fields. */
json_t		*hx_call(struct hx_conn *, const char *op, const char *fmt, ...);
/* The same, asserting success: returns the result object. */
json_t		*hx_ok(struct hx_conn *, const char *op, const char *fmt, ...);
/* The same, asserting the error code: returns the whole reply. */
json_t		*hx_err(struct hx_conn *, const char *code, const char *op,
		    const char *fmt, ...);
/* The next event (queued first), NULL when none within timeout_ms. */
json_t		*hx_event(struct hx_conn *, int timeout_ms);
/* The next event named ev, skipping others (which are dropped). */
json_t		*hx_event_named(struct hx_conn *, const char *ev, int timeout_ms);
size_t		 hx_events_queued(const struct hx_conn *);
/* 1 when the server closed the connection within timeout_ms (lines
 * that arrive meanwhile are kept), 0 otherwise. */
int		 hx_wait_closed(struct hx_conn *, int timeout_ms);
/* Read whatever has arrived, waiting at most timeout_ms for the first
 * byte: 1 progress, 0 nothing, -1 closed. */
int		 hx_pump(struct hx_conn *, int timeout_ms);
int		 hx_is_closed(const struct hx_conn *);
/* Fail the test unless the reply is an error with this code; also
 * checks the error's shape (code and message strings). */
void		 hx_assert_err(json_t *reply, const char *code);
json_t		*hx_assert_ok(json_t *reply);	/* returns its result */

/* Replies to pipelined posts, for tests that keep many in flight. */
int64_t		 hx_send_post(struct hx_conn *, const char *channel,
		    int64_t thread, const char *body);
/* The next reply of any id (events are queued), NULL on timeout. */
json_t		*hx_any_reply(struct hx_conn *, int timeout_ms);

/* --- Accounts and common steps. --- */
/* The admin, registered from the init invite on first use. */
struct hx_conn	*hx_admin(struct hx_daemon *);
void		 hx_org(struct hx_daemon *, const char *org);	/* by the admin */
const char	*hx_invite(struct hx_daemon *, const char *org, const char *role);
/* A new account (its organisation created when missing), logged in. */
struct hx_conn	*hx_user(struct hx_daemon *, const char *org, const char *role,
		    const char *user);
/* A new connection logged in with HX_PASSWORD. */
struct hx_conn	*hx_login(struct hx_daemon *, const char *user);
const char	*hx_token(struct hx_conn *);	/* from register/login */
/* Post; returns the post id. thread 0 with a title starts a thread. */
int64_t		 hx_post(struct hx_conn *, const char *channel,
		    const char *title, int64_t thread, const char *body);
/* Every post in the channel after since (paging with read), ascending. */
json_t		*hx_read_all(struct hx_conn *, const char *channel, int64_t since);
/* Every event after since (paging with sync), ascending. */
json_t		*hx_sync_all(struct hx_conn *, int64_t since);
/* Integer member of an object, failing the test when absent. */
int64_t		 hx_int(json_t *obj, const char *key);
const char	*hx_str(json_t *obj, const char *key);
/* Fail unless ev is a post event with exactly these values (title NULL
 * for a reply); eid/post/thread checked when non-zero. */
void		 hx_assert_post(json_t *ev, const char *channel, int64_t post,
		    int64_t thread, const char *author, const char *org,
		    const char *title, const char *body);
/* The object as a compact string, for messages and comparisons. */
const char	*hx_dump(json_t *);

/* --- The harbour CLI. --- */
struct hx_run {
	int		 status;	/* exit status, or 128 + signal */
	const char	*out;
	const char	*err;
};
struct hx_cli;
/* Run build/harbour with HARBOUR_SERVER, HARBOUR_CA, HARBOUR_STATE_DIR
 * (DIR/state-STATE) and, when not NULL, HARBOUR_PASSWORD; stdin gets
 * in (NULL: empty). argv is NULL-terminated. Bounded by HX_WAIT_MS
 * (x2); a sanitizer report in its stderr fails the test. */
struct hx_run	 hx_cliv(struct hx_daemon *, const char *state,
		    const char *password, const char *in, const char *const *argv);
struct hx_cli	*hx_cli_startv(struct hx_daemon *, const char *state,
		    const char *password, const char *in, const char *const *argv);
struct hx_run	 hx_cli_wait(struct hx_cli *, int timeout_ms);
/* Has a started client exited? (Collect it with hx_cli_wait.) */
int		 hx_cli_done(struct hx_cli *);
/* An extra "NAME=value" for every later client run (NULL: none), e.g.
 * HARBOUR_NEW_PASSWORD for passwd. */
void		 hx_cli_setenv(const char *kv);
#define HX_CLI(d, state, pw, in, ...) \
	hx_cliv((d), (state), (pw), (in), (const char *const[]){ __VA_ARGS__, NULL })
/* Run the CLI as who (its state directory, HX_PASSWORD) and require
 * exit status want, showing the command line and its output when not. */
struct hx_run	 hx_cli_expect(struct hx_daemon *, const char *who, int want,
		    const char *const *argv);
/* The tests' shorthand: run as who expecting success or status st; and
 * whether an output holds a text. */
#define OK(d, who, ...)	\
	hx_cli_expect((d), (who), 0, (const char *const[]){ __VA_ARGS__, NULL })
#define FAILS(d, who, st, ...) \
	hx_cli_expect((d), (who), (st), (const char *const[]){ __VA_ARGS__, NULL })
#define HAS(text, needle) \
	cr_assert(strstr((text), (needle)) != NULL, "no \"%s\" in:\n%s", \
	    (needle), (text))
#define HASNT(text, needle) \
	cr_assert(strstr((text), (needle)) == NULL, "\"%s\" in:\n%s", \
	    (needle), (text))
#define HX_CLI_START(d, state, pw, in, ...) \
	hx_cli_startv((d), (state), (pw), (in), (const char *const[]){ __VA_ARGS__, NULL })

#endif
