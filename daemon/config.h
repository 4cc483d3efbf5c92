/*
 * config.h: harbourd's settings. Every key has a default here, a line in
 * harbourd.conf(5), and is checked when the file is read: an unknown key,
 * a bad value or an unreadable file is an error naming file, line and
 * key. Command-line flags are applied after the file and win.
 */
#ifndef HARBOUR_CONFIG_H
#define HARBOUR_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#define CONFIG_PATH_MAX		1024

struct config {
	char		 listen[128];		/* ADDR:PORT */
	char		 db[CONFIG_PATH_MAX];
	char		 cert[CONFIG_PATH_MAX];
	char		 key[CONFIG_PATH_MAX];
	char		 user[64];		/* drop root to this user */
	char		 ca_cert[CONFIG_PATH_MAX];	/* network CA: client certs */
	char		 ca_key[CONFIG_PATH_MAX];	/* for harbourd cert only */
	char		 crl[CONFIG_PATH_MAX];
	char		 crl_url[CONFIG_PATH_MAX];	/* named in issued certs */
	int		 tls12;			/* allow TLS 1.2 (ECDHE+AEAD) */
	uint32_t	 argon2_memory;		/* KiB */
	uint32_t	 argon2_time;
	uint32_t	 argon2_lanes;
	int		 hash_workers;		/* threads hashing passwords */
	int		 hash_queue;		/* hash jobs waiting, before "busy" */
	size_t		 output_limit;		/* unsent bytes before a gap */
	int		 login_timeout;		/* seconds */
	int		 idle_timeout;		/* seconds */
	int		 line_timeout;		/* seconds for a line to end */
	int		 max_connections;
	int		 max_unauthenticated;	/* not logged in, in all */
	int		 max_per_address;	/* from one source address */
	int		 request_rate;		/* per account, per second */
	int		 request_burst;
	int		 unauth_rate;		/* per address before login */
	int		 unauth_burst;
	int		 log_level;		/* enum log_level */
	int		 urgent_ack_minutes;	/* an urgent report unacknowledged
						 * this long is escalated */
	size_t		 max_attachment;	/* bytes of one resource's file */
	int		 programme_target_orgs;	/* organisations to reach */
	int		 suppress_below;	/* counts 1..this-1 shown as "<N" */
};

void	config_defaults(struct config *);
/* 0, or -1 with a malloc'd "FILE:LINE: ..." in *cause. */
int	config_load(struct config *, const char *path, char **cause);
/* Apply one "key = value" setting (flags and the file share it). */
int	config_set(struct config *, const char *key, const char *value,
	    char **cause);

#endif
