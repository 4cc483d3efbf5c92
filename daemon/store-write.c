/*
 * store-write.c: the writer thread, its job queue and its transactions.
 *
 * One thread owns the write connection. The loop appends struct
 * store_write jobs to a queue (a mutex, a condition variable and a
 * linked list: submitting never waits for the disk). The writer takes
 * everything queued (up to STORE_BATCH_MAX), runs it in one
 * transaction and commits: with synchronous=FULL that is one fsync for
 * the whole batch, and whatever the loop queues meanwhile makes the next
 * batch. That is group commit, the way databases batch their log
 * flushes; under load batches grow by themselves, and when idle a job
 * is committed alone at once.
 *
 * A batch first runs without savepoints (the fast path); if a job fails
 * (a name taken, an invite already used) it is rolled back and run
 * again with each job inside its own SAVEPOINT, so that the failing
 * job is rolled back alone and its neighbours still commit. Only when
 * the transaction as a whole fails (an I/O error, a full disk) does
 * every job of the batch fail. The operations themselves, and what a
 * transaction remembers between them, are in store-ops.c.
 *
 * Finished jobs move to a done list and the writer calls notify() so
 * that the loop runs store_drain(), which calls each job's done() on the
 * loop thread. A job's result is therefore only seen after its
 * transaction is durable.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store-internal.h"
#include "util.h"

/* ---- transactions --------------------------------------------------- */

static void
store_write_fail(struct store_write *batch)
{
	for (; batch != NULL; batch = batch->next)
		batch->result = STORE_ERROR;
}

/*
 * The fast path: the whole batch in one transaction with no savepoints.
 * Every op must therefore give the same result when run again after a
 * rollback: none may take its own outputs for inputs.
 * A savepoint makes SQLite copy every page a job touches into a
 * sub-journal first, a real cost per post, and almost every job
 * succeeds. 1 when it committed; 0 when a job failed, or SQLite did,
 * and the transaction was rolled back: then the careful path runs.
 */
static int
store_write_fast(struct store *s, struct store_write *batch)
{
	struct store_write	*w;

	if (store_ctl(s, WQ_BEGIN) != STORE_OK)
		return 0;
	store_txn_begin(s, 1);
	for (w = batch; w != NULL; w = w->next) {
		if ((w->result = store_op_run(s, w)) != STORE_OK ||
		    sqlite3_get_autocommit(s->wdb))
			break;
	}
	if (w == NULL && store_txn_settle(s) == STORE_OK &&
	    !sqlite3_get_autocommit(s->wdb) &&
	    store_ctl(s, WQ_COMMIT) == STORE_OK)
		return 1;
	if (!sqlite3_get_autocommit(s->wdb))
		store_ctl(s, WQ_ROLLBACK);
	return 0;
}

/* The careful path: one transaction, each job in its own savepoint, so
 * that a job that fails leaves nothing and takes no neighbour with it.
 * 1 when it committed; 0 when it did not (every job failed then). */
static int
store_write_batch(struct store *s, struct store_write *batch)
{
	struct store_write	*w;

	if (store_write_fast(s, batch))
		return 1;
	if (store_ctl(s, WQ_BEGIN) != STORE_OK) {
		store_write_fail(batch);
		return 0;
	}
	for (w = batch; w != NULL; w = w->next) {
		/* A savepoint per job: what a job remembers would outlive
		 * its rollback, so nothing is carried from one to the next. */
		store_txn_begin(s, 0);
		if (store_ctl(s, WQ_SAVEPOINT) != STORE_OK)
			goto abort;
		w->result = store_op_run(s, w);
		/* SQLite undoes the whole transaction on some errors (I/O,
		 * disk full): then the jobs before this one are lost too. */
		if (sqlite3_get_autocommit(s->wdb))
			goto abort;
		if (w->result != STORE_OK &&
		    store_ctl(s, WQ_ROLLBACK_TO) != STORE_OK)
			goto abort;
		if (store_ctl(s, WQ_RELEASE) != STORE_OK)
			goto abort;
	}
	if (store_ctl(s, WQ_COMMIT) != STORE_OK)
		goto abort;
	return 1;

abort:
	if (!sqlite3_get_autocommit(s->wdb))
		store_ctl(s, WQ_ROLLBACK);
	store_write_fail(batch);
	return 0;
}

/* ---- the queue and the thread --------------------------------------- */

/* Lock held: take at most STORE_BATCH_MAX jobs off the queue. */
static struct store_write *
store_write_take(struct store *s)
{
	struct store_write	*batch = s->queue, *last = batch;
	size_t			 n = 1;

	while (last->next != NULL && n < STORE_BATCH_MAX) {
		last = last->next;
		n++;
	}
	s->queue = last->next;
	last->next = NULL;
	if (s->queue == NULL)
		s->queue_tail = &s->queue;
	return batch;
}

/* Lock held: move a finished batch to the done list. */
static void
store_write_finish(struct store *s, struct store_write *batch)
{
	struct store_write	*w;

	*s->done_tail = batch;
	for (w = batch; w != NULL; w = w->next) {
		s->done_tail = &w->next;
		s->pending--;
	}
}

/* A committed batch that took content out (an erasure, a retention
 * batch that deleted posts) asks for the WAL to be emptied. */
static void
store_write_erased(struct store *s, struct store_write *batch)
{
	struct store_write	*w;

	for (w = batch; w != NULL; w = w->next)
		if (w->result == STORE_OK && (w->op == SW_ERASE ||
		    (w->op == SW_RETENTION && w->size > 0 && !w->flag))) {
			store_ckpt_truncate(s);
			return;
		}
}

/* Lock held, queue not empty: commit one batch and hand it back. The
 * lock is dropped while SQLite works, so the loop can keep queueing. */
static void
store_write_step(struct store *s)
{
	struct store_write	*batch;
	void			(*notify)(void *);
	void			*arg;
	int			 committed;

	batch = store_write_take(s);
	pthread_mutex_unlock(&s->lock);
	committed = store_write_batch(s, batch);
	if (committed)
		store_write_erased(s, batch);
	pthread_mutex_lock(&s->lock);
	if (committed)
		s->commits++;
	store_write_finish(s, batch);
	notify = s->notify;
	arg = s->notify_arg;
	pthread_mutex_unlock(&s->lock);
	if (notify != NULL)
		notify(arg);
	pthread_mutex_lock(&s->lock);
}

/* Wait, with the lock held, up to STORE_SEARCH_IDLE_MS for a job: 1
 * when none came (the writer has been idle that long). */
static int
store_write_idle(struct store *s)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += STORE_SEARCH_IDLE_MS * 1000000L;
	ts.tv_sec += ts.tv_nsec / 1000000000L;
	ts.tv_nsec %= 1000000000L;
	while (s->queue == NULL && !s->stopping)
		if (pthread_cond_timedwait(&s->cond, &s->lock, &ts) != 0)
			break;
	return s->queue == NULL && !s->stopping;
}

static void *
store_write_main(void *arg)
{
	struct store	*s = arg;

	pthread_setname_np(pthread_self(), "harbourd-writer");
	pthread_mutex_lock(&s->lock);
	for (;;) {
		while (s->queue == NULL && !s->stopping) {
			/* Idle for a while: the search index catches up, a
			 * small transaction at a time, so a job never waits
			 * long behind it. Not between the batches of a busy
			 * stretch: indexing costs as much CPU as posting,
			 * and would halve what a burst gets. */
			if (s->search_behind && store_write_idle(s)) {
				pthread_mutex_unlock(&s->lock);
				s->search_behind = store_search_index(s);
				pthread_mutex_lock(&s->lock);
				continue;
			}
			if (!s->search_behind)
				pthread_cond_wait(&s->cond, &s->lock);
		}
		if (s->queue == NULL)
			break;
		store_write_step(s);
		s->search_behind = 1;
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

int
store_write_init(struct store *s, char **cause)
{
	if (store_prepare(s->wdb, store_write_sql, s->wq, WQ__COUNT,
	    cause) != 0 || store_prepare(s->wdb, store_mod_write_sql, s->mq,
	    MQ__COUNT, cause) != 0 || store_prepare(s->wdb,
	    store_report_write_sql, s->pq, PQ__COUNT, cause) != 0 ||
	    store_prepare(s->wdb, store_search_write_sql, s->sq, SQ__COUNT,
	    cause) != 0 || store_prepare(s->wdb, store_resource_write_sql,
	    s->rw, RW__COUNT, cause) != 0 || store_prepare(s->wdb,
	    store_inbox_write_sql, s->iq, IQ__COUNT, cause) != 0 ||
	    store_prepare(s->wdb, store_group_write_sql, s->gq, GQ__COUNT,
	    cause) != 0 || store_prepare(s->wdb, store_calendar_write_sql,
	    s->cq, CQ__COUNT, cause) != 0)
		return -1;
	if (sqlite3_exec(s->wdb, STORE_ERASE_TEMP, NULL, NULL, NULL) !=
	    SQLITE_OK) {
		xasprintf(cause, "store: %s", sqlite3_errmsg(s->wdb));
		return -1;
	}
	if (store_prepare(s->wdb, store_erase_write_sql, s->eq, EQ__COUNT,
	    cause) != 0 || store_prepare(s->wdb, store_account_write_sql,
	    s->aq, AQ__COUNT, cause) != 0)
		return -1;
	s->search_behind = 1;	/* whatever the last run left unindexed */
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->cond, NULL);
	store_ckpt_init(s);
	s->queue_tail = &s->queue;
	s->done_tail = &s->done;
	return 0;
}

void
store_write_destroy(struct store *s)
{
	store_finalize(s->wq, WQ__COUNT);
	store_finalize(s->mq, MQ__COUNT);
	store_finalize(s->pq, PQ__COUNT);
	store_finalize(s->sq, SQ__COUNT);
	store_finalize(s->rw, RW__COUNT);
	store_finalize(s->iq, IQ__COUNT);
	store_finalize(s->gq, GQ__COUNT);
	store_finalize(s->cq, CQ__COUNT);
	store_finalize(s->eq, EQ__COUNT);
	store_finalize(s->aq, AQ__COUNT);
	store_ckpt_destroy(s);
	pthread_cond_destroy(&s->cond);
	pthread_mutex_destroy(&s->lock);
}

int
store_start(struct store *s, void (*notify)(void *), void *arg)
{
	int	error;

	pthread_mutex_lock(&s->lock);
	if (s->running || s->stopped) {
		pthread_mutex_unlock(&s->lock);
		return -1;
	}
	s->notify = notify;
	s->notify_arg = arg;
	s->running = 1;
	pthread_mutex_unlock(&s->lock);

	if ((error = pthread_create(&s->thread, NULL, store_write_main,
	    s)) != 0) {
		log_error("store: cannot start the writer thread: %s",
		    strerror(error));
		pthread_mutex_lock(&s->lock);
		s->running = 0;
		pthread_mutex_unlock(&s->lock);
		return -1;
	}
	/* Without it the WAL only grows until close: worth a warning, not
	 * a refusal to serve. */
	if (store_ckpt_start(s, s->path) != 0)
		log_warn("store: checkpoints will wait for shutdown");
	return 0;
}

void
store_stop(struct store *s)
{
	int	running;

	pthread_mutex_lock(&s->lock);
	if (s->stopped) {
		pthread_mutex_unlock(&s->lock);
		return;
	}
	s->stopping = 1;
	running = s->running;
	pthread_cond_signal(&s->cond);
	/* Never started: what was queued still runs, here. */
	while (!running && s->queue != NULL)
		store_write_step(s);
	pthread_mutex_unlock(&s->lock);

	if (running)
		pthread_join(s->thread, NULL);
	store_ckpt_stop(s);

	pthread_mutex_lock(&s->lock);
	s->running = 0;
	s->stopped = 1;
	pthread_mutex_unlock(&s->lock);
}

void
store_drain(struct store *s)
{
	struct store_write	*w, *next;

	pthread_mutex_lock(&s->lock);
	w = s->done;
	s->done = NULL;
	s->done_tail = &s->done;
	pthread_mutex_unlock(&s->lock);

	for (; w != NULL; w = next) {
		next = w->next;
		w->next = NULL;
		store_cache_forget(s, w);
		if (w->done != NULL)
			w->done(w);
		else
			store_write_free(w);
	}
}

size_t
store_queue_depth(struct store *s)
{
	size_t	n;

	pthread_mutex_lock(&s->lock);
	n = s->pending;
	pthread_mutex_unlock(&s->lock);
	return n;
}

uint64_t
store_commit_count(struct store *s)
{
	uint64_t	n;

	pthread_mutex_lock(&s->lock);
	n = s->commits;
	pthread_mutex_unlock(&s->lock);
	return n;
}

/* ---- jobs ------------------------------------------------------------ */

struct store_write *
store_write_new(enum store_wop op)
{
	struct store_write	*w;

	w = xcalloc(1, sizeof *w);
	w->op = op;
	return w;
}

void
store_write_free(struct store_write *w)
{
	size_t	i;

	if (w == NULL)
		return;
	free(w->title);
	free(w->body);
	free(w->note);
	free(w->reason);
	free(w->ids);
	free(w->accounts);
	free(w->channels);
	free(w->shas);
	for (i = 0; i < sizeof w->profile / sizeof w->profile[0]; i++)
		free(w->profile[i]);
	/* A password hash does not linger in freed memory. */
	explicit_bzero(w->pwhash, sizeof w->pwhash);
	free(w);
}

void
store_submit(struct store *s, struct store_write *w)
{
	void	(*notify)(void *) = NULL;
	void	*arg = NULL;

	w->next = NULL;
	pthread_mutex_lock(&s->lock);
	if (s->stopping || s->stopped) {
		/* Shutting down: fail at once, still through store_drain. */
		w->result = STORE_ERROR;
		*s->done_tail = w;
		s->done_tail = &w->next;
		notify = s->notify;
		arg = s->notify_arg;
	} else {
		*s->queue_tail = w;
		s->queue_tail = &w->next;
		s->pending++;
		pthread_cond_signal(&s->cond);
	}
	pthread_mutex_unlock(&s->lock);
	if (notify != NULL)
		notify(arg);
}

int
store_write_sync(struct store *s, struct store_write *w)
{
	int	running;

	pthread_mutex_lock(&s->lock);
	running = s->running;
	pthread_mutex_unlock(&s->lock);
	if (running) {
		/* The writer thread owns the connection now. */
		log_error("store: store_write_sync while the writer runs");
		w->result = STORE_ERROR;
		return w->result;
	}
	w->next = NULL;
	if (store_write_batch(s, w)) {
		pthread_mutex_lock(&s->lock);
		s->commits++;
		pthread_mutex_unlock(&s->lock);
	}
	store_cache_forget(s, w);
	return w->result;
}
