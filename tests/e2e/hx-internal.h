/*
 * hx-internal.h: what the harness's own files share and the tests do
 * not see: the daemon and connection structures, the process runner.
 * Tests include harness.h only.
 */
#ifndef HARBOUR_E2E_HX_INTERNAL_H
#define HARBOUR_E2E_HX_INTERNAL_H

#include <limits.h>
#include <openssl/ssl.h>

#include "harness.h"

struct hx_daemon {
	char		 dir[PATH_MAX / 2];	/* room for the file names */
	char		 conf[PATH_MAX];
	char		 db[PATH_MAX];
	char		 logpath[PATH_MAX];
	pid_t		 pid;		/* 0 when not running */
	int		 port;
	char		 invite[64];	/* the admin's, from harbourd init */
	int		 admin_registered;
	struct hx_conn	*admin;
	json_t		*orgs;		/* organisations hx_org made */
	int		 listen_port;	/* hx_restart_port's; 0: any */
};

struct hx_conn {
	struct hx_daemon *d;
	int		 fd;
	SSL_CTX		*ctx;
	SSL		*ssl;
	char		*rbuf;
	size_t		 rlen;
	size_t		 rcap;
	int		 eof;
	json_t		*events;	/* pushes not yet taken, in order */
	json_t		*replies;	/* replies not yet taken */
	json_t		*sent;		/* id (dumped) -> request, for messages */
	json_t		*raw;		/* id (dumped) -> the reply's line */
	json_t		*hello;
	char		*seen;		/* every byte received (hx_seen) */
	size_t		 seenlen, seencap;
	const char	*token;
	int64_t		 next_id;
};

/* A child process with stdin fed from a string and stdout/stderr
 * captured; the pieces of hx_cliv and of `harbourd init`. */
struct hx_cli {
	pid_t		 pid;
	int		 in;
	int		 out;
	int		 err;
	const char	*inbuf;
	size_t		 inlen;
	size_t		 inoff;
	int		 reaped;	/* hx_cli_done saw it exit */
	int		 status;
};
struct hx_cli	*hx_proc_start(const char *const *argv, char *const *envp,
		    const char *in);

/* Milliseconds on the monotonic clock. */
int64_t		 hx_now_ms(void);
/* Checks a log for sanitizer reports; the first offending line or NULL. */
const char	*hx_log_dirty(const char *log, size_t len);
/* The last lines of a text, for failure messages. */
const char	*hx_tail(const char *text, size_t len, int lines);
void		 hx_conn_forget_all(void);
/* Close and free one connection, registered or not. */
void		 hx_conn_free(struct hx_conn *);
void		 hx_ignore_sigpipe(void);

#endif
