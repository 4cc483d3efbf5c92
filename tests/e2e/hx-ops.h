/*
 * hx-ops.h: what the operator-side tests (09-ops, 10-limits, 11-tls)
 * need beyond harness.h: the daemon's configuration file, reload by
 * SIGHUP, `harbourd` subcommands and other programs run with a bound,
 * scratch directories, certificates made on the fly, and a TLS client
 * that reports a refused or failed connection instead of failing the
 * test, with any protocol versions, ciphers and client certificate.
 *
 * Same rules as harness.h: every wait is bounded, helpers assert on
 * what must not go wrong (a missing binary, an unwritable file), and
 * what they return lives until the test process ends.
 */
#ifndef HARBOUR_E2E_HX_OPS_H
#define HARBOUR_E2E_HX_OPS_H

#include <sys/types.h>

#include "harness.h"

/* Milliseconds on the monotonic clock, for a test's own deadlines. */
int64_t		 hx_mono_ms(void);

/* --- The daemon's test clock (HARBOUR_TEST_CLOCK_FILE, see util.h). ---
 * Called before hx_start, hx_clock_start makes the daemons started
 * afterwards read their time (both clocks) from a file, set to now; it
 * then stands still until the test moves it on (never back), so a test
 * steps over a wait or a window instead of sleeping through it. Times
 * are milliseconds since the epoch. */
int64_t		 hx_clock_start(void);
int64_t		 hx_clock_start_at(int64_t ms);
void		 hx_clock_set(int64_t ms);
int64_t		 hx_clock_advance(int64_t ms);	/* the new time */
int64_t		 hx_clock_now(void);

/* --- Files and programs. --- */
/* A new directory (mode 0700) removed when the test process ends. */
const char	*hx_tmpdir(void);
void		 hx_copy_file(const char *from, const char *to, mode_t mode);
/* Write data to path through a temporary file and rename(2), so a
 * reader sees the old file or the new one, never half of one. */
void		 hx_write_atomic(const char *path, const void *data,
		    size_t len, mode_t mode);
/* Run a program (absolute path; argv[0] is the program) with the
 * caller's environment, stdin from /dev/null, bounded by HX_WAIT_MS
 * (x3). A sanitizer report in its stderr fails the test. */
struct hx_run	 hx_runv(const char *const *argv);
#define HX_RUN(...) hx_runv((const char *const[]){ __VA_ARGS__, NULL })
/* The same with a deadline of the caller's (not scaled). */
struct hx_run	 hx_runv_timeout(const char *const *argv, int timeout_ms);
/* The same for $HARBOUR_BUILD/harbourd ARGS... */
struct hx_run	 hx_harbourdv(const char *const *args);
#define HX_HARBOURD(...) \
	hx_harbourdv((const char *const[]){ __VA_ARGS__, NULL })
/* Started, not waited for: collect it with hx_cli_wait. */
struct hx_cli	*hx_harbourd_startv(const char *const *args);
#define HX_HARBOURD_START(...) \
	hx_harbourd_startv((const char *const[]){ __VA_ARGS__, NULL })

/* --- The daemon's configuration and reload. --- */
const char	*hx_conf(const struct hx_daemon *);	/* its -c file */
const char	*hx_db(const struct hx_daemon *);	/* its database */
/* Run SQL on the daemon's database behind its back (it reads the file
 * through WAL): fixtures the protocol cannot make. */
void		 hx_db_exec(struct hx_daemon *, const char *sql);
/* Append "key = value" lines (a newline is added) to the config. */
void		 hx_conf_append(struct hx_daemon *, const char *lines);
/* SIGHUP, then wait for the log line that ends the reload: returns 1
 * for "reloaded", 0 for "reload refused"; *line (when not NULL) is
 * that line. Fails the test when neither appears in time. */
int		 hx_reload(struct hx_daemon *, const char **line);
/* Wait until the log has grown a line containing needle after byte
 * offset from (hx_log's length earlier); 1 found, 0 not in time. */
int		 hx_log_wait(struct hx_daemon *, size_t from, const char *needle,
		    int timeout_ms);

/* --- Certificates (openssl(1), signed by the dev CA). --- */
/* DIR/NAME.crt and DIR/NAME.key: a server certificate for localhost
 * and 127.0.0.1, alg "ec" (P-256) or "rsa" (2048 bits). */
void		 hx_make_server_cert(const char *dir, const char *name,
		    const char *alg);
/* SHA-256 fingerprint, hex, of the first certificate in a PEM file. */
const char	*hx_cert_file_fp(const char *path);

/* --- A TLS client that may be refused. --- */
struct hx_tls_opts {
	int		 min_version;	/* 0: TLS1_2_VERSION */
	int		 max_version;	/* 0: the library's highest */
	const char	*ciphers;	/* TLS 1.2 cipher list; NULL: default */
	const char	*cert;		/* client certificate file; NULL: none */
	const char	*key;
	int		 no_hello;	/* success = handshake done */
};
struct hx_try {
	int		 port;		/* our local port, as the log shows it */
	int		 handshake;	/* the TLS handshake completed */
	int		 reason;	/* ERR_GET_REASON of the failure, or 0 */
	const char	*why;		/* what went wrong, for messages */
};
/* Connect; TLS verified against the dev CA for 127.0.0.1; the hello
 * read and checked (unless no_hello). NULL when the server closed the
 * connection, refused the handshake or sent no hello in time; *t says
 * how far it got. The connection works with every harness.h call and
 * is closed with hx_close. */
struct hx_conn	*hx_try_connect(struct hx_daemon *, const struct hx_tls_opts *,
		    struct hx_try *t);
/* SHA-256 fingerprint (hex) of the certificate the server presented. */
const char	*hx_peer_fp(struct hx_conn *);
const char	*hx_conn_cipher(struct hx_conn *);
int		 hx_conn_version(struct hx_conn *);

#endif
