/*
 * server.h: the one object that ties harbourd's modules together. There
 * are no globals: every callback reaches the event base, the store, the
 * bus and the configuration through a struct server pointer.
 */
#ifndef HARBOUR_SERVER_H
#define HARBOUR_SERVER_H

#include <stdint.h>
#include <openssl/ssl.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "config.h"

struct store;
struct bus;
struct auth;
struct conn;
struct live;

/* Command-line settings that override the file: listen, db, cert, key. */
#define SERVER_OVERRIDES	8

struct server {
	struct config		 cf;
	struct event_base	*base;
	struct store		*store;
	struct bus		*bus;
	struct auth		*auth;
	SSL_CTX			*ssl_ctx;
	struct evconnlistener	*listener;
	struct event		*store_ev;	/* writer finished jobs */
	struct event		*flush_ev;	/* end of pass: write output */
	struct event		*tick_ev;	/* timeouts, heap trim */
	struct event		*escalate_ev;	/* urgent reports (cmd-report.c) */
	struct event		*hours_ev;	/* digests (cmd-inbox.c) */
	struct event		*calendar_ev;	/* reminders (cmd-calendar.c) */
	int			 reminding;	/* reminders in flight */
	struct event		*retention_ev;	/* retention (cmd-erase.c) */
	int			 retaining;	/* a retention job in flight */
	int64_t			 retention_next;	/* no pass before */
	int			 escalating;	/* escalations in flight */
	int			 heap_busy;	/* handshakes since the last tick */
	int			 trim_due;
	uint64_t		 heap_busy_ms;	/* the last tick that saw some */
	struct conn		*flush_list;
	uint64_t		 flush_first_ms;	/* when it became non-empty */
	struct event		*sig_term, *sig_int, *sig_hup;
	struct event		*watchdog;	/* systemd's, when asked for */

	/* Where the configuration comes from, for reload. */
	const char		*config_path;	/* NULL: defaults only */
	const char		*over[SERVER_OVERRIDES][2];	/* flags */
	int			 nover;
	int			 verbose;

	struct conn		*conns;		/* every live connection */
	struct live		*live;		/* the logged-in ones, indexed */
	uint64_t		 next_conn_id;
	int			 nconns;
	int			 nunauth;	/* connections not logged in */
	struct limits		*limits;
	struct event		*accept_retry;	/* after EMFILE */
	int			 stopping;
	time_t			 started;

	char			*linebuf;	/* one framed line, PROTO_MAX_LINE */
};

/* Defaults, then the file, then the command line's overrides. */
int	server_load_config(struct server *, struct config *, char **cause);
/* Serve until stopped; the exit status. */
int	server_run(struct server *);
/* Begin a clean shutdown: stop accepting, finish commits, close. */
void	server_shutdown(struct server *);
/* Re-read certificate, key and reloadable settings (SIGHUP). */
void	server_reload(struct server *);

#endif
