/*
 * server.c: the serving daemon's life: start-up, the signals, reload,
 * systemd notification, privilege drop and a clean shutdown.
 *
 * Start-up order matters. Everything that needs privilege or can fail
 * on a bad installation comes first (configuration, TLS context, the
 * database, the listening socket), then privileges are dropped, and
 * only then does the daemon say READY to systemd. SIGHUP rebuilds the
 * TLS context from the files on disk and takes the reloadable settings;
 * if anything in the new configuration is wrong, the old one stays in
 * service and the log says why. Either way it ends the connections
 * that logged in with a certificate revoked since (live.h). SIGTERM and SIGINT stop accepting,
 * finish the writer's queue, answer it, say bye, and exit 0.
 */
#include <sys/types.h>
#include <errno.h>
#include <grp.h>
#include <malloc.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/thread.h>
#include <systemd/sd-daemon.h>

#include "auth.h"
#include "blob.h"
#include "lang.h"
#include "bus.h"
#include "cert.h"
#include "cmd.h"
#include "config.h"
#include "conn.h"
#include "limit.h"
#include "listen.h"
#include "live.h"
#include "server.h"
#include "store.h"
#include "util.h"

/* Ordinary events take the middle level (libevent's default, n / 2);
 * the flush the last. */
#define SERVER_PRIOS		3
#define SERVER_PRIO_FLUSH	2
/* Timeout resolution: login_timeout and idle_timeout are whole seconds. */
#define SERVER_TICK_MS		250
/* Seconds an upload may sit unfinished before a start removes it. */
#define SERVER_PARTIAL_MAX_AGE	86400
/* A heap trim once handshakes have been quiet this long. */
#define SERVER_TRIM_QUIET_MS	500

/*
 * A burst of handshakes and logins leaves the heap full of freed
 * temporaries (TLS handshakes alone take tens of KiB each); glibc keeps
 * them, so the process looks as if every idle connection still held
 * them. Once the burst has passed, hand the free pages back.
 */
static void
server_trim(struct server *srv)
{
	uint64_t now = now_monotonic_ms();

	/* Busy: note when; trim once things have been quiet a moment. */
	if (srv->heap_busy) {
		srv->heap_busy = 0;
		srv->heap_busy_ms = now;
		srv->trim_due = 1;
		return;
	}
	if (!srv->trim_due || now - srv->heap_busy_ms < SERVER_TRIM_QUIET_MS)
		return;
	srv->trim_due = 0;
	malloc_trim(0);
}

static void
server_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct server *srv = arg;

	(void)fd;
	(void)what;
	conn_tick_all(srv);
	server_trim(srv);
}

static void
server_flush_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	conn_flush_all(arg);
}

static void
server_store_cb(evutil_socket_t fd, short what, void *arg)
{
	struct server *srv = arg;

	(void)fd;
	(void)what;
	store_drain(srv->store);
}

/* From the writer thread: wake the loop to run finished jobs. */
static void
server_store_notify(void *arg)
{
	struct server *srv = arg;

	event_active(srv->store_ev, EV_READ, 0);
}

void
server_shutdown(struct server *srv)
{
	struct conn *c, *next;

	if (srv->stopping)
		return;
	srv->stopping = 1;
	sd_notify(0, "STOPPING=1");
	log_info("shutting down: %d connections", srv->nconns);
	listen_stop(srv);
	event_del(srv->sig_term);
	event_del(srv->sig_int);
	event_del(srv->sig_hup);
	/* Closing connections still get their grace period from the tick;
	 * it ends when the last one has gone (conn_drop). */
	if (srv->watchdog != NULL)
		event_del(srv->watchdog);
	cmd_report_stop(srv);
	cmd_inbox_stop(srv);
	cmd_calendar_stop(srv);
	cmd_retention_stop(srv);
	cmd_programme_stop(srv);
	/* Finish every queued commit and answer it before saying bye. */
	store_stop(srv->store);
	store_drain(srv->store);
	for (c = srv->conns; c != NULL; c = next) {
		next = c->next;
		conn_close(c, "shutting down");
	}
	if (srv->nconns == 0)
		event_del(srv->tick_ev);
}

int
server_load_config(struct server *srv, struct config *cf, char **cause)
{
	int i;

	config_defaults(cf);
	if (srv->config_path != NULL &&
	    config_load(cf, srv->config_path, cause) != 0)
		return -1;
	for (i = 0; i < srv->nover; i++) {
		if (config_set(cf, srv->over[i][0], srv->over[i][1], cause) != 0)
			return -1;
	}
	if (srv->verbose)
		cf->log_level = LOG_LEVEL_DEBUG;
	return 0;
}

/* Settings that a reload cannot change in a running process. */
static void
server_keep_fixed(const struct config *old, struct config *new)
{
	if (strcmp(old->listen, new->listen) != 0 ||
	    strcmp(old->db, new->db) != 0 || strcmp(old->user, new->user) != 0 ||
	    old->argon2_memory != new->argon2_memory ||
	    old->argon2_time != new->argon2_time ||
	    old->argon2_lanes != new->argon2_lanes ||
	    old->hash_workers != new->hash_workers ||
	    old->hash_queue != new->hash_queue)
		log_warn("reload: listen, db, user, argon2_*, hash_workers "
		    "and hash_queue need a restart; keeping the running "
		    "values");
	memcpy(new->listen, old->listen, sizeof new->listen);
	memcpy(new->db, old->db, sizeof new->db);
	memcpy(new->user, old->user, sizeof new->user);
	new->argon2_memory = old->argon2_memory;
	new->argon2_time = old->argon2_time;
	new->argon2_lanes = old->argon2_lanes;
	new->hash_workers = old->hash_workers;
	new->hash_queue = old->hash_queue;
}

void
server_reload(struct server *srv)
{
	struct config cf;
	SSL_CTX *ctx;
	char *cause = NULL;
	int ended;

	sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%llu",
	    (unsigned long long)now_monotonic_ms() * 1000);
	log_info("reloading");
	/* Whatever the new files say, the database says which client
	 * certificates are revoked: their connections end now, as the
	 * handshake will refuse them from now on. */
	if ((ended = live_check_certs(srv)) > 0)
		log_info("reload: %d connection(s) ended whose client "
		    "certificate is revoked or expired", ended);
	if (server_load_config(srv, &cf, &cause) != 0) {
		log_error("reload refused, old configuration kept: %s", cause);
		goto out;
	}
	if ((ctx = listen_tls_context(&cf, &cause)) == NULL) {
		log_error("reload refused, old certificate kept: %s", cause);
		goto out;
	}
	server_keep_fixed(&srv->cf, &cf);
	/* Connections keep the context they started with (SSL objects hold
	 * a reference); new ones get the new one. */
	SSL_CTX_free(srv->ssl_ctx);
	srv->ssl_ctx = ctx;
	srv->cf = cf;
	blob_set_max(store_blobs(srv->store), (int64_t)cf.max_attachment);
	listen_fit_fd_limit(srv);
	log_init(cf.log_level);
	log_info("reloaded: certificate %s", cf.cert);
out:
	free(cause);
	sd_notify(0, "READY=1");
}

static void
server_signal_cb(evutil_socket_t sig, short what, void *arg)
{
	(void)what;
	if (sig == SIGHUP)
		server_reload(arg);
	else
		server_shutdown(arg);
}

static void
server_watchdog_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	/* The loop is turning: tell systemd we are alive. */
	sd_notify(0, "WATCHDOG=1");
}

static void
server_watchdog_start(struct server *srv)
{
	uint64_t usec;
	struct timeval tv;

	if (sd_watchdog_enabled(0, &usec) <= 0)
		return;
	/* Twice per interval, as sd_watchdog_enabled(3) advises. */
	usec /= 2;
	tv.tv_sec = (time_t)(usec / 1000000);
	tv.tv_usec = (suseconds_t)(usec % 1000000);
	srv->watchdog = event_new(srv->base, -1, EV_PERSIST,
	    server_watchdog_cb, srv);
	event_add(srv->watchdog, &tv);
}

/* The attachments' directories, made at open (blob.c) by root, become
 * the user's, who writes uploads into them from now on. */
static void
server_chown_attachments(struct server *srv, const struct passwd *pw)
{
	char *dir = blob_dir_for(srv->cf.db), *partial;

	xasprintf(&partial, "%s/partial", dir);
	if (chown(dir, pw->pw_uid, pw->pw_gid) != 0 ||
	    chown(partial, pw->pw_uid, pw->pw_gid) != 0)
		fatal("cannot give %s to %s: %s", dir, srv->cf.user,
		    strerror(errno));
	free(partial);
	free(dir);
}

/*
 * Started as root: give up root for the configured user, now that the
 * key, the database and the socket are open, and make sure it cannot
 * be had back.
 */
static void
server_drop_privileges(struct server *srv)
{
	struct passwd *pw;

	if (geteuid() != 0) {
		if (srv->cf.user[0] != '\0')
			log_debug("not root: user = %s has nothing to do",
			    srv->cf.user);
		return;
	}
	if (srv->cf.user[0] == '\0') {
		log_warn("running as root: set \"user\" in harbourd.conf so "
		    "that harbourd gives up root after start-up");
		return;
	}
	if ((pw = getpwnam(srv->cf.user)) == NULL)
		fatal("user \"%s\" does not exist", srv->cf.user);
	if (pw->pw_uid == 0)
		fatal("user \"%s\" is root; name an unprivileged user",
		    srv->cf.user);
	server_chown_attachments(srv, pw);
	if (setgroups(1, &pw->pw_gid) != 0 || setresgid(pw->pw_gid,
	    pw->pw_gid, pw->pw_gid) != 0 || setresuid(pw->pw_uid, pw->pw_uid,
	    pw->pw_uid) != 0)
		fatal("cannot drop privileges to %s: %s", srv->cf.user,
		    strerror(errno));
	if (setuid(0) == 0 || geteuid() == 0)
		fatal("still able to become root after dropping privileges");
	log_info("running as %s", srv->cf.user);
}

/*
 * The event base: epoll's change list folds the add-then-delete of a
 * write event within one pass into nothing. Priorities: libevent
 * runs a lower level only in a pass where no higher one is busy, so the
 * output flush, below everything else, gathers the output of as many
 * passes as the load keeps coming (fewer, fuller TLS records when busy);
 * conn_write() flushes itself when output has waited CONN_FLUSH_MAX_MS,
 * so a burst cannot hold replies back.
 */
static struct event_base *
server_event_base(void)
{
	struct event_config *ec;
	struct event_base *base;

	if ((ec = event_config_new()) == NULL)
		return NULL;
	event_config_set_flag(ec, EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST);
	base = event_base_new_with_config(ec);
	event_config_free(ec);
	if (base != NULL && event_base_priority_init(base, SERVER_PRIOS) != 0) {
		event_base_free(base);
		return NULL;
	}
	return base;
}

static void
server_setup(struct server *srv)
{
	char *cause;

	srv->started = time(NULL);
	/* A user we could not become: say so before binding anything. */
	if (geteuid() == 0 && srv->cf.user[0] != '\0' &&
	    getpwnam(srv->cf.user) == NULL)
		fatal("user \"%s\" does not exist", srv->cf.user);
	srv->limits = limits_new();
	srv->live = live_new();
	if (cert_crl_fresh(&srv->cf, &cause) != 0) {
		log_warn("%s", cause);
		free(cause);
	}
	if ((srv->ssl_ctx = listen_tls_context(&srv->cf, &cause)) == NULL)
		fatal("%s", cause);
	if (evthread_use_pthreads() != 0)
		fatal("libevent has no thread support");
	if ((srv->base = server_event_base()) == NULL)
		fatal("cannot create the event base");
	/* Signals first: once "listening" is logged, a SIGTERM must find
	 * its handler (the tests, and systemd, rely on it). */
	srv->sig_term = evsignal_new(srv->base, SIGTERM, server_signal_cb, srv);
	srv->sig_int = evsignal_new(srv->base, SIGINT, server_signal_cb, srv);
	srv->sig_hup = evsignal_new(srv->base, SIGHUP, server_signal_cb, srv);
	event_add(srv->sig_term, NULL);
	event_add(srv->sig_int, NULL);
	event_add(srv->sig_hup, NULL);
	if ((srv->store = store_open(srv->cf.db, &cause)) == NULL)
		fatal("%s", cause);
	blob_set_max(store_blobs(srv->store), (int64_t)srv->cf.max_attachment);
	if (lang_load(NULL, &cause) != 0)
		fatal("%s", cause);
	/* Uploads abandoned for a day do not hold the disk. */
	blob_gc_partials(store_blobs(srv->store), SERVER_PARTIAL_MAX_AGE,
	    now_seconds());
	if (listen_start(srv, &cause) != 0)
		fatal("%s", cause);
	server_drop_privileges(srv);
	srv->linebuf = xmalloc(PROTO_MAX_LINE + 1);
	srv->auth = auth_new(srv->base, &srv->cf);
	srv->bus = bus_new(srv, store_last_eid(srv->store));
	srv->store_ev = event_new(srv->base, -1, 0, server_store_cb, srv);
	srv->flush_ev = event_new(srv->base, -1, 0, server_flush_cb, srv);
	event_priority_set(srv->flush_ev, SERVER_PRIO_FLUSH);
	srv->tick_ev = event_new(srv->base, -1, EV_PERSIST, server_tick_cb, srv);
	{
		struct timeval tv = { 0, SERVER_TICK_MS * 1000 };
		event_add(srv->tick_ev, &tv);
	}
	if (store_start(srv->store, server_store_notify, srv) != 0)
		fatal("cannot start the writer thread");
	cmd_report_start(srv);
	cmd_inbox_start(srv);
	cmd_calendar_start(srv);
	cmd_retention_start(srv);
	server_watchdog_start(srv);
}

static void
server_teardown(struct server *srv)
{
	/* Hash jobs still running finish, and their follow-up writes fail
	 * cleanly against the stopped store; drain those too. */
	auth_free(srv->auth);
	cmd_report_stop(srv);
	cmd_inbox_stop(srv);
	cmd_calendar_stop(srv);
	cmd_retention_stop(srv);
	cmd_programme_stop(srv);
	store_drain(srv->store);
	bus_free(srv->bus);
	store_close(srv->store);
	lang_free();
	event_free(srv->store_ev);
	event_free(srv->tick_ev);
	conn_flush_all(srv);
	event_free(srv->flush_ev);
	event_free(srv->sig_term);
	event_free(srv->sig_int);
	event_free(srv->sig_hup);
	if (srv->watchdog != NULL)
		event_free(srv->watchdog);
	event_base_free(srv->base);
	SSL_CTX_free(srv->ssl_ctx);
	free(srv->linebuf);
	limits_free(srv->limits);
	live_free(srv->live);
	libevent_global_shutdown();
}

int
server_run(struct server *srv)
{
	signal(SIGPIPE, SIG_IGN);
	server_setup(srv);
	log_info("harbourd %s serving %s", HARBOUR_VERSION, srv->cf.db);
	sd_notify(0, "READY=1");
	event_base_dispatch(srv->base);
	log_info("stopping: %llu transactions committed, %llu live "
	    "deliveries, %llu gaps", (unsigned long long)store_commit_count(
	    srv->store), (unsigned long long)bus_deliveries(srv->bus),
	    (unsigned long long)bus_gaps(srv->bus));
	server_teardown(srv);
	log_info("stopped");
	return EX_OK;
}
