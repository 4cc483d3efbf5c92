/*
 * main.c: harbourd's command line and its operator subcommands.
 *
 *   harbourd [-c CONFIG] [--listen ADDR:PORT] [--db PATH] [--cert FILE]
 *            [--key FILE] [-v]                  serve (server.c)
 *   harbourd init --admin NAME [--org ORG]       a new database + invite
 *   harbourd check                               validate, like nginx -t
 *   harbourd backup DEST.db                      consistent online copy
 *   harbourd admin-invite --user NAME [--valid D] a new admin invite
 *
 * Settings come from the built-in defaults, then the file named by -c,
 * then the flags; the same order is used again at reload.
 *
 * Exit statuses are harbourd(8)'s: sysexits(3) names where one fits
 * (EX_USAGE, EX_CONFIG), EXIT_FAILURE (1) for a failed start or a failed
 * subcommand, which the page documented before sysexits was used here.
 */
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include <event2/event.h>
#include <event2/thread.h>

#include "auth.h"
#include "bus.h"
#include "cert.h"
#include "config.h"
#include "conn.h"
#include "listen.h"
#include "server.h"
#include "store.h"
#include "store-roster.h"
#include "util.h"

#define INIT_ORG_DEFAULT	"operators"

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: harbourd [-c CONFIG] [--listen ADDR:PORT] [--db PATH]\n"
	    "                [--cert FILE] [--key FILE] [-v]\n"
	    "       harbourd init [-c CONFIG] [--db PATH] --admin NAME "
	    "[--org ORG]\n"
	    "       harbourd check [-c CONFIG] [--db PATH] [--cert FILE] "
	    "[--key FILE]\n"
	    "       harbourd backup [-c CONFIG] [--db PATH] DEST.db\n"
	    "       harbourd admin-invite [-c CONFIG] --user NAME "
	    "[--valid DURATION]\n"
	    "       harbourd cert issue [-c CONFIG] USER [--days N] "
	    "[--out DIR]\n"
	    "       harbourd cert revoke [-c CONFIG] USER\n"
	    "       harbourd cert crl [-c CONFIG]\n"
	    "       harbourd --help | --version\n");
}

enum main_cmd {
	MAIN_SERVE, MAIN_INIT, MAIN_CHECK, MAIN_BACKUP, MAIN_CERT_ISSUE,
	MAIN_CERT_REVOKE, MAIN_CERT_CRL, MAIN_ADMIN_INVITE
};

struct main_args {
	enum main_cmd	 cmd;
	const char	*admin;
	const char	*org;
	const char	*dest;		/* backup's file; cert's user */
	const char	*out;		/* cert issue's directory */
	int		 days;
	const char	*user;		/* admin-invite's: whom it is for */
	int64_t		 valid;		/* admin-invite's: seconds */
};

/* Flags that name settings: applied after the file, so they win. */
static const char *const main_setting_flags[][2] = {
	{ "--listen", "listen" }, { "--db", "db" }, { "--cert", "cert" },
	{ "--key", "key" },
};
#define MAIN_NFLAGS (sizeof main_setting_flags / sizeof main_setting_flags[0])

static enum main_cmd
main_subcommand(const char *arg, const char *next)
{
	if (strcmp(arg, "cert") == 0 && next != NULL &&
	    strcmp(next, "issue") == 0)
		return MAIN_CERT_ISSUE;
	if (strcmp(arg, "cert") == 0 && next != NULL &&
	    strcmp(next, "revoke") == 0)
		return MAIN_CERT_REVOKE;
	if (strcmp(arg, "cert") == 0 && next != NULL &&
	    strcmp(next, "crl") == 0)
		return MAIN_CERT_CRL;
	if (strcmp(arg, "init") == 0)
		return MAIN_INIT;
	if (strcmp(arg, "check") == 0)
		return MAIN_CHECK;
	if (strcmp(arg, "backup") == 0)
		return MAIN_BACKUP;
	if (strcmp(arg, "admin-invite") == 0)
		return MAIN_ADMIN_INVITE;
	return MAIN_SERVE;
}

static int
main_setting(struct server *srv, const char *flag, const char *val)
{
	size_t k;

	for (k = 0; k < MAIN_NFLAGS; k++) {
		if (strcmp(flag, main_setting_flags[k][0]) == 0 &&
		    srv->nover < SERVER_OVERRIDES) {
			srv->over[srv->nover][0] = main_setting_flags[k][1];
			srv->over[srv->nover++][1] = val;
			return 0;
		}
	}
	return -1;
}

static void
main_parse(int argc, char **argv, struct server *srv, struct main_args *a)
{
	int i = 1;

	a->days = CERT_DAYS_DEFAULT;
	a->out = ".";
	if (argc > 1 && (a->cmd = main_subcommand(argv[1], argv[2])) !=
	    MAIN_SERVE)
		i = a->cmd >= MAIN_CERT_ISSUE && a->cmd <= MAIN_CERT_CRL ?
		    3 : 2;
	for (; i < argc; i++) {
		const char *arg = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			usage(stdout);
			exit(EX_OK);
		} else if (strcmp(arg, "--version") == 0) {
			printf("harbourd %s\n", HARBOUR_VERSION);
			exit(EX_OK);
		} else if (strcmp(arg, "-v") == 0) {
			srv->verbose = 1;
			continue;
		} else if (a->cmd >= MAIN_BACKUP && a->cmd != MAIN_CERT_CRL &&
		    a->cmd != MAIN_ADMIN_INVITE && arg[0] != '-' &&
		    a->dest == NULL) {
			a->dest = arg;
			continue;
		}
		if (val == NULL)
			goto bad;
		if (strcmp(arg, "-c") == 0)
			srv->config_path = val;
		else if (a->cmd == MAIN_INIT && strcmp(arg, "--admin") == 0)
			a->admin = val;
		else if (a->cmd == MAIN_INIT && strcmp(arg, "--org") == 0)
			a->org = val;
		else if (a->cmd == MAIN_ADMIN_INVITE &&
		    strcmp(arg, "--user") == 0)
			a->user = val;
		else if (a->cmd == MAIN_ADMIN_INVITE &&
		    strcmp(arg, "--valid") == 0) {
			if ((a->valid = proto_parse_duration(val,
			    PROTO_INVITE_MAX)) < 0)
				goto bad;
		}
		else if (a->cmd == MAIN_CERT_ISSUE && strcmp(arg, "--out") == 0)
			a->out = val;
		else if (a->cmd == MAIN_CERT_ISSUE &&
		    strcmp(arg, "--days") == 0) {
			if ((a->days = atoi(val)) < 1 || a->days > CERT_DAYS_MAX)
				goto bad;
		}
		else if (main_setting(srv, arg, val) != 0)
			goto bad;
		i++;
	}
	if (a->cmd >= MAIN_BACKUP && a->cmd != MAIN_CERT_CRL &&
	    a->cmd != MAIN_ADMIN_INVITE && a->dest == NULL) {
		fprintf(stderr, "harbourd: %s\n", a->cmd == MAIN_BACKUP ?
		    "backup needs a destination file" : "cert needs a USER");
		usage(stderr);
		exit(EX_USAGE);
	}
	return;
bad:
	if (i == 1 && argv[1][0] != '-')
		fprintf(stderr, "harbourd: unknown command: %s (init, check, "
		    "backup, cert issue|revoke|crl; none to serve)\n", argv[1]);
	else
		fprintf(stderr, "harbourd: bad or incomplete option: %s\n",
		    argv[i]);
	usage(stderr);
	exit(EX_USAGE);
}

/* harbourd check: like nginx -t. Configuration, certificate and key,
 * database; the first problem found is named precisely. */
static int
main_check(struct server *srv)
{
	SSL_CTX *ctx;
	char *cause = NULL;

	/* Without -c every file is a default: say so, so that "no such
	 * file" about /etc/harbour/server.crt is not a riddle. */
	if (srv->config_path == NULL)
		fprintf(stderr, "harbourd: no configuration given (-c FILE): "
		    "checking the built-in defaults (cert %s, key %s, db %s)\n",
		    srv->cf.cert, srv->cf.key, srv->cf.db);
	if ((ctx = listen_tls_context(&srv->cf, &cause)) == NULL) {
		fprintf(stderr, "harbourd: %s\n", cause);
		free(cause);
		return EXIT_FAILURE;
	}
	SSL_CTX_free(ctx);
	if (!listen_addr_valid(srv->cf.listen)) {
		fprintf(stderr, "harbourd: listen: bad address \"%s\" "
		    "(ADDR:PORT)\n", srv->cf.listen);
		return EXIT_FAILURE;
	}
	if (srv->cf.user[0] != '\0' && getpwnam(srv->cf.user) == NULL) {
		fprintf(stderr, "harbourd: user \"%s\" does not exist\n",
		    srv->cf.user);
		return EXIT_FAILURE;
	}
	if (cert_crl_fresh(&srv->cf, &cause) != 0 ||
	    store_check(srv->cf.db, &cause) != 0 ||
	    store_check_attachments(srv->cf.db, &cause) != 0) {
		fprintf(stderr, "harbourd: %s\n", cause);
		free(cause);
		return EXIT_FAILURE;
	}
	printf("harbourd: %s, %s and %s are fine\n", srv->config_path ?
	    srv->config_path : "the default configuration", srv->cf.cert,
	    srv->cf.db);
	return EX_OK;
}

/* harbourd backup: a consistent copy while the daemon serves. */
static int
main_backup(struct server *srv, const char *dest)
{
	char *cause = NULL;

	if (store_backup(srv->cf.db, dest, &cause) != 0 ||
	    store_backup_attachments(srv->cf.db, dest, &cause) != 0) {
		fprintf(stderr, "harbourd: %s\n", cause);
		free(cause);
		return EXIT_FAILURE;
	}
	printf("harbourd: backed up %s to %s (attachments in %s.attachments);"
	    " the copy passes its integrity check\n", srv->cf.db, dest, dest);
	return EX_OK;
}

/* harbourd cert issue|revoke USER: the network CA, offline. */
static int
main_cert(struct server *srv, const struct main_args *a)
{
	struct store *st;
	char *cause = NULL;
	int rc, count = 0;

	if ((st = store_open(srv->cf.db, &cause)) == NULL) {
		fprintf(stderr, "harbourd: %s\n", cause);
		free(cause);
		return EXIT_FAILURE;
	}
	if (a->cmd == MAIN_CERT_ISSUE)
		rc = cert_issue(&srv->cf, st, a->dest, a->days, a->out, &cause);
	else
		rc = cert_revoke(&srv->cf, st, a->cmd == MAIN_CERT_CRL ? NULL :
		    a->dest, &count, &cause);
	store_close(st);
	if (rc != 0) {
		fprintf(stderr, "harbourd: %s\n", cause);
		free(cause);
		return EXIT_FAILURE;
	}
	if (a->cmd == MAIN_CERT_REVOKE)
		printf("harbourd: revoked %d certificate(s) of %s; reload "
		    "harbourd (SIGHUP) to apply the new CRL\n", count, a->dest);
	else if (a->cmd == MAIN_CERT_CRL)
		printf("harbourd: %s rewritten, fresh for %d days; reload "
		    "harbourd (SIGHUP) to apply it\n", srv->cf.crl,
		    CERT_CRL_DAYS);
	return EX_OK;
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
main_init(struct config *cf, const struct main_args *a)
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
		    ", 1-" PROTO_XSTR(PROTO_MAX_NAME) ") and a valid --org\n");
		return EX_USAGE;
	}
	if ((st = store_open(cf->db, &cause)) == NULL) {
		fprintf(stderr, "harbourd: %s\n", cause);
		free(cause);
		return EXIT_FAILURE;
	}
	/* One network per database: a second init would mint a second
	 * admin invite behind the operators' backs. */
	if (store_org_list(st, main_init_count, &norgs) < 0 || norgs > 0) {
		fprintf(stderr, "harbourd: %s: already initialised\n", cf->db);
		store_close(st);
		return EXIT_FAILURE;
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
		return EXIT_FAILURE;
	}
	w = store_write_new(SW_INVITE_CREATE);
	w->org = org_id;
	w->role = ROLE_ADMIN;
	w->now = now_seconds();
	w->expires_at = w->now + PROTO_INVITE_DEFAULT;
	auth_invite_new(code);
	auth_secret_hash(code, w->hash);
	w->title = xstrdup(code);
	w->title[STORE_INVITE_PREFIX] = '\0';
	rc = store_write_sync(st, w);
	store_write_free(w);
	store_close(st);
	if (rc != STORE_OK) {
		fprintf(stderr, "harbourd: cannot create the admin invite\n");
		return EXIT_FAILURE;
	}
	log_info("initialised %s: organisation %s; an admin invite for %s "
	    "is valid for 7 days", cf->db, org, a->admin);
	printf("%s\n", code);
	return EX_OK;
}

/*
 * harbourd admin-invite: on the server's machine, when the only admin is
 * locked out, a new admin invite for the operators' organisation (the
 * first admin's), printed alone on stdout, valid for --valid (a day by
 * default). NAME is whom it is meant for: it is recorded in the log and
 * the server's moderation log (never the code), and must not be an
 * account's name already, since the person registers a new account;
 * register still chooses the name. Safe while the daemon serves: the
 * job waits for the writer's lock like any other transaction.
 */
static int
main_admin_invite(struct config *cf, const struct main_args *a)
{
	struct store *st;
	struct store_write *w;
	struct store_account acct;
	char *cause, code[PROTO_INVITE_LEN + 1], org[PROTO_MAX_NAME + 1];
	int64_t org_id, valid = a->valid > 0 ? a->valid : 86400;
	int rc;

	if (a->user == NULL || proto_check_user(a->user) != PROTO_OK) {
		fprintf(stderr, "harbourd: admin-invite needs --user NAME (a-z "
		    "0-9 . _ -, 1-" PROTO_XSTR(PROTO_MAX_NAME) "): whom the "
		    "invite is for\n");
		return EX_USAGE;
	}
	if ((st = store_open(cf->db, &cause)) == NULL) {
		fprintf(stderr, "harbourd: %s\n", cause);
		free(cause);
		return EXIT_FAILURE;
	}
	if (store_account_by_name(st, a->user, &acct) == STORE_OK) {
		fprintf(stderr, "harbourd: %s is an account already: name the "
		    "new admin account the invite is for\n", a->user);
		store_close(st);
		return EXIT_FAILURE;
	}
	if (store_operators_org(st, &org_id, org) != STORE_OK) {
		fprintf(stderr, "harbourd: %s: not initialised (harbourd "
		    "init)\n", cf->db);
		store_close(st);
		return EXIT_FAILURE;
	}
	w = store_write_new(SW_ADMIN_INVITE);
	w->org = org_id;
	w->now = now_seconds();
	w->expires_at = w->now + valid;
	auth_invite_new(code);
	auth_secret_hash(code, w->hash);
	w->title = xstrdup(code);
	w->title[STORE_INVITE_PREFIX] = '\0';
	w->body = xstrdup(a->user);
	rc = store_write_sync(st, w);
	store_write_free(w);
	store_close(st);
	if (rc != STORE_OK) {
		fprintf(stderr, "harbourd: cannot create the admin invite\n");
		return EXIT_FAILURE;
	}
	log_info("admin invite %.*s... into %s for %s made on the server, "
	    "valid for %lld seconds", STORE_INVITE_PREFIX, code, org, a->user,
	    (long long)valid);
	printf("%s\n", code);
	return EX_OK;
}

int
main(int argc, char **argv)
{
	struct server srv;
	struct main_args a;
	char *cause = NULL;

	memset(&srv, 0, sizeof srv);
	memset(&a, 0, sizeof a);
	main_parse(argc, argv, &srv, &a);
	if (server_load_config(&srv, &srv.cf, &cause) != 0) {
		fprintf(stderr, "harbourd: %s\n", cause);
		free(cause);
		return EX_CONFIG;
	}
	log_init(srv.cf.log_level);
	switch (a.cmd) {
	case MAIN_INIT:
		return main_init(&srv.cf, &a);
	case MAIN_CHECK:
		return main_check(&srv);
	case MAIN_BACKUP:
		return main_backup(&srv, a.dest);
	case MAIN_ADMIN_INVITE:
		return main_admin_invite(&srv.cf, &a);
	case MAIN_CERT_ISSUE:
	case MAIN_CERT_REVOKE:
	case MAIN_CERT_CRL:
		return main_cert(&srv, &a);
	case MAIN_SERVE:
		break;
	}
	return server_run(&srv);
}
