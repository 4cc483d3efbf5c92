/*
 * auth.h: secrets. Password hashing with Argon2id runs on a small,
 * bounded pool of worker threads and reports back to the event loop, so
 * a burst of logins never stalls other connections. Tokens and invite
 * codes are random; only their SHA-256 is stored.
 */
#ifndef HARBOUR_AUTH_H
#define HARBOUR_AUTH_H

#include <stddef.h>
#include <stdint.h>
#include <event2/event.h>

#include "proto.h"
#include "store.h"

struct auth;
struct config;

enum auth_op { AUTH_HASH, AUTH_VERIFY };

struct auth_job {
	enum auth_op	 op;
	char		 password[PROTO_PASSWORD_MAX + 1];
	char		 encoded[STORE_PWHASH_MAX];	/* VERIFY in, HASH out */
	int		 ok;		/* HASH: made it; VERIFY: matches */
	void		(*done)(struct auth_job *);	/* on the loop */
	void		*arg;
	void		*ctx;
	struct auth_job	*next;
};

struct auth	*auth_new(struct event_base *, const struct config *);
void		 auth_free(struct auth *);
/* Queue a job; -1 when the queue is full (answer "busy"). VERIFY with
 * encoded "" verifies against a dummy hash, so an unknown user costs
 * the same time as a wrong password. */
int		 auth_submit(struct auth *, struct auth_job *);
struct auth_job	*auth_job_new(enum auth_op, const char *password);
void		 auth_job_free(struct auth_job *);	/* wipes the password */
/* Synchronous hash (harbourd init, tests). 0 or -1. */
int		 auth_hash_now(const struct config *, const char *password,
		    char *encoded, size_t len);

/* A new session token (PROTO_TOKEN_HEX hex chars + NUL). */
void		 auth_token_new(char *token);
/* A new invite code (PROTO_INVITE_LEN base32 chars + NUL). */
void		 auth_invite_new(char *code);
/* SHA-256 of a token or of an invite code (case-folded). */
void		 auth_secret_hash(const char *secret, uint8_t *hash);

#endif
