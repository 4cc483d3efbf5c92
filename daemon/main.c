/*
 * main.c: harbourd's command line, start-up and shutdown.
 *
 *   harbourd [-c CONFIG] [--listen ADDR:PORT] [--db PATH] [--cert FILE]
 *            [--key FILE] [-v]
 *   harbourd init --db PATH --admin NAME [--org ORG] [-c CONFIG]
 *
 * It runs in the foreground (the systemd way) and logs to stderr. Order
 * at start: configuration, TLS context (a bad certificate stops us
 * before anything is touched), database (opened, checked, migrated),
 * hashing pool, bus, listener. At SIGTERM or SIGINT: stop accepting,
 * let the writer finish what is queued, answer those requests, say bye
 * to every connection, and exit 0 once they are gone.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>
#include <event2/thread.h>

#include "auth.h"
#include "bus.h"
#include "config.h"
#include "conn.h"
#include "listen.h"
#include "server.h"
#include "store.h"
#include "util.h"

#define INIT_ORG_DEFAULT	"operators"

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: harbourd [-c CONFIG] [--listen ADDR:PORT] [--db PATH]\n"
	    "                [--cert FILE] [--key FILE] [-v]\n"
	    "       harbourd init --db PATH --admin NAME [--org ORG] "
	    "[-c CONFIG]\n"
	    "       harbourd --help | --version\n");
}

struct main_args {
	const char	*config;
	const char	*admin;
	const char	*org;
	int		 init;
	int		 verbose;
};

/* Flags that name settings are applied after the file, so they win. */
static const char *const main_setting_flags[][2] = {
	{ "--listen", "listen" }, { "--db", "db" }, { "--cert", "cert" },
	{ "--key", "key" },
};

static void
main_parse(int argc, char **argv, struct main_args *a, struct config *over,
    int *set)
{
	size_t k;
	char *cause;
	int i;

	for (i = 1; i < argc; i++) {
		const char *arg = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			usage(stdout);
			exit(0);
		} else if (strcmp(arg, "--version") == 0) {
			printf("harbourd %s\n", HARBOUR_VERSION);
			exit(0);
		} else if (i == 1 && strcmp(arg, "init") == 0) {
			a->init = 1;
			continue;
		} else if (strcmp(arg, "-v") == 0) {
			a->verbose = 1;
			continue;
		}
		if (val == NULL)
			goto bad;
		if (strcmp(arg, "-c") == 0)
			a->config = val;
		else if (a->init && strcmp(arg, "--admin") == 0)
			a->admin = val;
		else if (a->init && strcmp(arg, "--org") == 0)
			a->org = val;
		else {
			for (k = 0; k < sizeof main_setting_flags /
			    sizeof main_setting_flags[0]; k++)
				if (strcmp(arg, main_setting_flags[k][0]) == 0)
					break;
			if (k == sizeof main_setting_flags /
			    sizeof main_setting_flags[0])
				goto bad;
			if (config_set(over, main_setting_flags[k][1], val,
			    &cause) != 0) {
				fprintf(stderr, "harbourd: %s: %s\n", arg, cause);
				exit(64);
			}
			set[k] = 1;
		}
		i++;
	}
	return;
bad:
	fprintf(stderr, "harbourd: bad or incomplete option: %s\n", argv[i]);
	usage(stderr);
	exit(64);
}

static void
main_config(int argc, char **argv, struct main_args *a, struct config *cf)
{
	struct config over;
	int set[4] = { 0 };
	char *cause;

	memset(a, 0, sizeof *a);
	config_defaults(cf);
	config_defaults(&over);
	main_parse(argc, argv, a, &over, set);
	if (a->config != NULL && config_load(cf, a->config, &cause) != 0) {
		fprintf(stderr, "harbourd: %s\n", cause);
		exit(78);
	}
	if (set[0])
		memcpy(cf->listen, over.listen, sizeof cf->listen);
	if (set[1])
		memcpy(cf->db, over.db, sizeof cf->db);
	if (set[2])
		memcpy(cf->cert, over.cert, sizeof cf->cert);
	if (set[3])
		memcpy(cf->key, over.key, sizeof cf->key);
	if (a->verbose)
		cf->log_level = LOG_LEVEL_DEBUG;
	log_init(cf->log_level);
}

static int
main_init_count(void *arg, const char *name)
{
	(void)name;
	(*(int *)arg)++;
	return 0;
}

/* harbourd init: a new database, the operators' organisation, and one
 * invite for the first admin, printed alone on stdout. */
static int
main_init(struct config *cf, struct main_args *a)
{
	struct store *st;
	struct store_write *w;
	char *cause, code[PROTO_INVITE_LEN + 1];
	const char *org = a->org ? a->org : INIT_ORG_DEFAULT;
	int64_t org_id;
	int rc, norgs = 0;

	if (a->admin == NULL || proto_check_user(a->admin) != PROTO_OK ||
	    proto_check_org(org) != PROTO_OK) {
		fprintf(stderr, "harbourd: init needs --admin NAME (a-z 0-9 . _ -"
		    ", 1-32) and a valid --org\n");
		return 64;
	}
	if ((st = store_open(cf->db, &cause)) == NULL) {
		fprintf(stderr, "harbourd: %s\n", cause);
		free(cause);
		return 1;
	}
	/* One network per database: a second init would mint a second
	 * admin invite behind the operators' backs. */
	if (store_org_list(st, main_init_count, &norgs) < 0 || norgs > 0) {
		fprintf(stderr, "harbourd: %s: already initialised\n", cf->db);
		store_close(st);
		return 1;
	}
	w = store_write_new(SW_ORG_CREATE);
	strlcpy_h(w->name, org, sizeof w->name);
	w->now = now_seconds();
	rc = store_write_sync(st, w);
	org_id = w->org;
	store_write_free(w);
	if (rc != STORE_OK) {
		fprintf(stderr, "harbourd: %s: %s\n", cf->db, rc == STORE_EXISTS ?
		    "already initialised (organisation exists)" :
		    "cannot create the organisation");
		store_close(st);
		return 1;
	}
	w = store_write_new(SW_INVITE_CREATE);
	w->org = org_id;
	w->role = ROLE_ADMIN;
	w->now = now_seconds();
	w->expires_at = w->now + PROTO_INVITE_DEFAULT;
	auth_invite_new(code);
	auth_secret_hash(code, w->hash);
	rc = store_write_sync(st, w);
	store_write_free(w);
	store_close(st);
	if (rc != STORE_OK) {
		fprintf(stderr, "harbourd: cannot create the admin invite\n");
		return 1;
	}
	log_info("initialised %s: organisation %s; an admin invite for %s "
	    "is valid for 7 days", cf->db, org, a->admin);
	printf("%s\n", code);
	return 0;
}

static void
main_store_cb(evutil_socket_t fd, short what, void *arg)
{
	struct server *srv = arg;

	(void)fd;
	(void)what;
	store_drain(srv->store);
}

/* From the writer thread: wake the loop to run finished jobs. */
static void
main_store_notify(void *arg)
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
	log_info("shutting down: %d connections", srv->nconns);
	listen_stop(srv);
	event_del(srv->sig_term);
	event_del(srv->sig_int);
	event_del(srv->sig_pipe);
	/* Finish every queued commit and answer it before saying bye. */
	store_stop(srv->store);
	store_drain(srv->store);
	for (c = srv->conns; c != NULL; c = next) {
		next = c->next;
		conn_close(c, "shutting down");
	}
}

static void
main_signal_cb(evutil_socket_t sig, short what, void *arg)
{
	(void)what;
	if (sig == SIGPIPE)
		return;
	server_shutdown(arg);
}

static void
main_setup(struct server *srv)
{
	char *cause;

	srv->started = time(NULL);
	if ((srv->ssl_ctx = listen_tls_context(&srv->cf, &cause)) == NULL)
		fatal("%s", cause);
	if (evthread_use_pthreads() != 0)
		fatal("libevent has no thread support");
	if ((srv->base = event_base_new()) == NULL)
		fatal("cannot create the event base");
	if ((srv->store = store_open(srv->cf.db, &cause)) == NULL)
		fatal("%s", cause);
	srv->linebuf = xmalloc(PROTO_MAX_LINE + 1);
	srv->auth = auth_new(srv->base, &srv->cf);
	srv->bus = bus_new(srv, store_last_eid(srv->store));
	srv->store_ev = event_new(srv->base, -1, 0, main_store_cb, srv);
	if (store_start(srv->store, main_store_notify, srv) != 0)
		fatal("cannot start the writer thread");
	srv->sig_term = evsignal_new(srv->base, SIGTERM, main_signal_cb, srv);
	srv->sig_int = evsignal_new(srv->base, SIGINT, main_signal_cb, srv);
	srv->sig_pipe = evsignal_new(srv->base, SIGPIPE, main_signal_cb, srv);
	event_add(srv->sig_term, NULL);
	event_add(srv->sig_int, NULL);
	event_add(srv->sig_pipe, NULL);
	if (listen_start(srv, &cause) != 0)
		fatal("%s", cause);
}

static void
main_teardown(struct server *srv)
{
	/* Hash jobs still running finish, and their follow-up writes fail
	 * cleanly against the stopped store; drain those too. */
	auth_free(srv->auth);
	store_drain(srv->store);
	bus_free(srv->bus);
	store_close(srv->store);
	event_free(srv->store_ev);
	event_free(srv->sig_term);
	event_free(srv->sig_int);
	event_free(srv->sig_pipe);
	event_base_free(srv->base);
	SSL_CTX_free(srv->ssl_ctx);
	free(srv->linebuf);
	libevent_global_shutdown();
}

int
main(int argc, char **argv)
{
	struct server srv;
	struct main_args a;

	memset(&srv, 0, sizeof srv);
	main_config(argc, argv, &a, &srv.cf);
	if (a.init)
		return main_init(&srv.cf, &a);
	signal(SIGPIPE, SIG_IGN);
	main_setup(&srv);
	log_info("harbourd %s serving %s", HARBOUR_VERSION, srv.cf.db);
	event_base_dispatch(srv.base);
	main_teardown(&srv);
	log_info("stopped");
	return 0;
}
