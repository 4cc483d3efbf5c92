/*
 * cert.h: the network's own small certificate authority, for client
 * certificates: issue one for a user and bind it to the account, revoke
 * a user's certificates and rewrite the CRL.
 */
#ifndef HARBOUR_CERT_H
#define HARBOUR_CERT_H

struct config;
struct store;

#define CERT_DAYS_DEFAULT	365
#define CERT_DAYS_MAX		3650
/* How long a CRL we write stays fresh; revoking rewrites it anyway. */
#define CERT_CRL_DAYS		90

/* Writes OUT/USER.crt and OUT/USER.key; 0 or -1 with *cause. */
int	cert_issue(const struct config *, struct store *, const char *user,
	    int days, const char *outdir, char **cause);
/* Revokes USER's certificates (none when user is NULL: a refresh) and
 * rewrites cf->crl, fresh for CERT_CRL_DAYS; 0 or -1. */
int	cert_revoke(const struct config *, struct store *, const char *user,
	    int *count, char **cause);

/* 0 when cf->crl (if set) is readable and fresh; -1 with *cause when
 * it is stale: then every client certificate is refused. */
int	cert_crl_fresh(const struct config *, char **cause);

#endif
