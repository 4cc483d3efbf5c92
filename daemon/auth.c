/*
 * auth.c: Argon2id on a worker pool, and the random secrets.
 *
 * Hashing a password costs tens of milliseconds and ~19 MiB by design;
 * on the event loop it would stall every connection. So the loop queues
 * an auth_job, one of hash_workers threads computes it, and the finished
 * job comes back through a libevent event made active from the worker
 * (libevent_pthreads makes that safe). The queue is bounded
 * (hash_queue): past it a login is answered "busy" rather than letting
 * a burst of logins hold unbounded memory.
 *
 * Hashes are the standard self-describing "$argon2id$v=19$m=..,t=..,p=.."
 * strings, so raising the cost later needs no schema change: old hashes
 * still verify with their own parameters.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <argon2.h>
#include <event2/event.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "auth.h"
#include "config.h"
#include "util.h"

#define AUTH_SALT_LEN	16
#define AUTH_HASH_LEN	32

struct auth {
	const struct config	*cf;
	pthread_mutex_t		 lock;
	pthread_cond_t		 cond;
	struct auth_job		*todo, **todo_tail;
	struct auth_job		*done, **done_tail;
	int			 queued;
	int			 stopping;
	pthread_t		*threads;
	int			 nthreads;
	struct event		*done_ev;
	char			 dummy[STORE_PWHASH_MAX];
};

int
auth_hash_now(const struct config *cf, const char *password, char *encoded,
    size_t len)
{
	uint8_t salt[AUTH_SALT_LEN];

	if (RAND_bytes(salt, sizeof salt) != 1)
		return -1;
	if (argon2id_hash_encoded(cf->argon2_time, cf->argon2_memory,
	    cf->argon2_lanes, password, strlen(password), salt, sizeof salt,
	    AUTH_HASH_LEN, encoded, len) != ARGON2_OK)
		return -1;
	return 0;
}

static void
auth_run(struct auth *a, struct auth_job *j)
{
	const char *encoded;

	switch (j->op) {
	case AUTH_HASH:
		j->ok = auth_hash_now(a->cf, j->password, j->encoded,
		    sizeof j->encoded) == 0;
		break;
	case AUTH_VERIFY:
		/* An unknown user is checked against a dummy hash of the
		 * same cost and always fails: same time, same answer. */
		encoded = j->encoded[0] != '\0' ? j->encoded : a->dummy;
		j->ok = argon2id_verify(encoded, j->password,
		    strlen(j->password)) == ARGON2_OK && j->encoded[0] != '\0';
		break;
	}
	OPENSSL_cleanse(j->password, sizeof j->password);
}

static void *
auth_worker(void *arg)
{
	struct auth *a = arg;
	struct auth_job *j;

	pthread_setname_np(pthread_self(), "harbourd-hash");
	pthread_mutex_lock(&a->lock);
	for (;;) {
		while (a->todo == NULL && !a->stopping)
			pthread_cond_wait(&a->cond, &a->lock);
		if (a->todo == NULL)
			break;
		j = a->todo;
		if ((a->todo = j->next) == NULL)
			a->todo_tail = &a->todo;
		pthread_mutex_unlock(&a->lock);

		auth_run(a, j);

		pthread_mutex_lock(&a->lock);
		j->next = NULL;
		*a->done_tail = j;
		a->done_tail = &j->next;
		a->queued--;
		event_active(a->done_ev, EV_READ, 0);
	}
	pthread_mutex_unlock(&a->lock);
	return NULL;
}

static void
auth_done_cb(evutil_socket_t fd, short what, void *arg)
{
	struct auth *a = arg;
	struct auth_job *list, *j;

	(void)fd;
	(void)what;
	pthread_mutex_lock(&a->lock);
	list = a->done;
	a->done = NULL;
	a->done_tail = &a->done;
	pthread_mutex_unlock(&a->lock);
	while ((j = list) != NULL) {
		list = j->next;
		j->done(j);
	}
}

struct auth *
auth_new(struct event_base *base, const struct config *cf)
{
	struct auth *a = xcalloc(1, sizeof *a);
	int i;

	a->cf = cf;
	pthread_mutex_init(&a->lock, NULL);
	pthread_cond_init(&a->cond, NULL);
	a->todo_tail = &a->todo;
	a->done_tail = &a->done;
	a->done_ev = event_new(base, -1, 0, auth_done_cb, a);
	if (auth_hash_now(cf, "harbour-dummy-password", a->dummy,
	    sizeof a->dummy) != 0)
		fatal("cannot compute the dummy password hash");
	a->nthreads = cf->hash_workers;
	a->threads = xcalloc((size_t)a->nthreads, sizeof *a->threads);
	for (i = 0; i < a->nthreads; i++) {
		if (pthread_create(&a->threads[i], NULL, auth_worker, a) != 0)
			fatal("cannot start a hashing thread");
	}
	return a;
}

void
auth_free(struct auth *a)
{
	struct auth_job *j;
	int i;

	if (a == NULL)
		return;
	pthread_mutex_lock(&a->lock);
	a->stopping = 1;
	pthread_cond_broadcast(&a->cond);
	pthread_mutex_unlock(&a->lock);
	for (i = 0; i < a->nthreads; i++)
		pthread_join(a->threads[i], NULL);
	/* Deliver what finished so owners release their references. */
	auth_done_cb(-1, 0, a);
	while ((j = a->todo) != NULL) {
		a->todo = j->next;
		j->ok = 0;
		j->done(j);
	}
	event_free(a->done_ev);
	pthread_mutex_destroy(&a->lock);
	pthread_cond_destroy(&a->cond);
	free(a->threads);
	free(a);
}

int
auth_submit(struct auth *a, struct auth_job *j)
{
	pthread_mutex_lock(&a->lock);
	if (a->queued >= a->cf->hash_queue || a->stopping) {
		pthread_mutex_unlock(&a->lock);
		return -1;
	}
	a->queued++;
	j->next = NULL;
	*a->todo_tail = j;
	a->todo_tail = &j->next;
	pthread_cond_signal(&a->cond);
	pthread_mutex_unlock(&a->lock);
	return 0;
}

struct auth_job *
auth_job_new(enum auth_op op, const char *password)
{
	struct auth_job *j = xcalloc(1, sizeof *j);

	j->op = op;
	strlcpy_h(j->password, password, sizeof j->password);
	return j;
}

void
auth_job_free(struct auth_job *j)
{
	if (j == NULL)
		return;
	OPENSSL_cleanse(j, sizeof *j);
	free(j);
}

void
auth_token_new(char *token)
{
	static const char hex[] = "0123456789abcdef";
	uint8_t raw[PROTO_TOKEN_HEX / 2];
	size_t i;

	if (RAND_bytes(raw, sizeof raw) != 1)
		fatal("RAND_bytes failed");
	for (i = 0; i < sizeof raw; i++) {
		token[2 * i] = hex[raw[i] >> 4];
		token[2 * i + 1] = hex[raw[i] & 0xf];
	}
	token[PROTO_TOKEN_HEX] = '\0';
	OPENSSL_cleanse(raw, sizeof raw);
}

void
auth_invite_new(char *code)
{
	/* RFC 4648 base32: no 0/1/8/9, so codes read aloud cleanly. */
	static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	uint8_t raw[17];
	unsigned int acc = 0, bits = 0;
	size_t i, n = 0;

	if (RAND_bytes(raw, sizeof raw) != 1)
		fatal("RAND_bytes failed");
	for (i = 0; i < sizeof raw && n < PROTO_INVITE_LEN; i++) {
		acc = (acc << 8) | raw[i];
		bits += 8;
		while (bits >= 5 && n < PROTO_INVITE_LEN) {
			code[n++] = b32[(acc >> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	code[PROTO_INVITE_LEN] = '\0';
	OPENSSL_cleanse(raw, sizeof raw);
}

void
auth_secret_hash(const char *secret, uint8_t *hash)
{
	char folded[PROTO_MAX_ID_STR + 1];
	unsigned int len = STORE_HASH_LEN;
	size_t i, n = strlen(secret);

	/* Invite codes are typed by people: fold case and drop nothing
	 * else. Tokens are lower-case hex, so folding is harmless. */
	if (n >= sizeof folded)
		n = sizeof folded - 1;
	for (i = 0; i < n; i++) {
		char ch = secret[i];
		folded[i] = (ch >= 'a' && ch <= 'z') ? (char)(ch - 32) : ch;
	}
	folded[n] = '\0';
	EVP_Digest(folded, n, hash, &len, EVP_sha256(), NULL);
	OPENSSL_cleanse(folded, sizeof folded);
}
