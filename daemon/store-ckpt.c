/*
 * store-ckpt.c: WAL checkpoints, off the writer's path.
 *
 * SQLite's default checkpoints run inside the commit that pushes the
 * WAL past 1000 pages: that commit then also copies pages into the
 * database and fsyncs it, and every post in its batch waits for that.
 * Instead the writer's WAL hook reports the WAL's size, and this thread,
 * with a connection of its own, runs PASSIVE checkpoints when the WAL
 * has grown: they never block the writer or the readers, so a commit
 * costs its own fsync and nothing more. After an erasure or a
 * retention pass it runs one TRUNCATE checkpoint (store_ckpt_truncate).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store-internal.h"
#include "util.h"

/* About 4 MiB of WAL at the default page size: SQLite's own default. */
#define STORE_CKPT_PAGES	1000
/* At most one attempt this often, should readers keep the WAL pinned. */
#define STORE_CKPT_MIN_MS	100

static int
store_ckpt_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
	struct store *s = arg;

	(void)db;
	(void)name;
	pthread_mutex_lock(&s->ckpt_lock);
	s->wal_pages = pages;
	if (pages >= STORE_CKPT_PAGES)
		pthread_cond_signal(&s->ckpt_cond);
	pthread_mutex_unlock(&s->ckpt_lock);
	return SQLITE_OK;
}

static void *
store_ckpt_main(void *arg)
{
	struct store *s = arg;
	int log = 0, done = 0, rc, truncate;

	pthread_setname_np(pthread_self(), "harbourd-ckpt");
	pthread_mutex_lock(&s->ckpt_lock);
	for (;;) {
		while (!s->ckpt_stop && s->wal_pages < STORE_CKPT_PAGES &&
		    !s->ckpt_truncate)
			pthread_cond_wait(&s->ckpt_cond, &s->ckpt_lock);
		if (s->ckpt_stop)
			break;
		s->wal_pages = 0;	/* the next commit tells the new size */
		truncate = s->ckpt_truncate;
		s->ckpt_truncate = 0;
		pthread_mutex_unlock(&s->ckpt_lock);
		rc = sqlite3_wal_checkpoint_v2(s->cdb, "main", truncate ?
		    SQLITE_CHECKPOINT_TRUNCATE : SQLITE_CHECKPOINT_PASSIVE,
		    &log, &done);
		if (truncate)
			log_info("store: WAL emptied after a deletion: %s",
			    rc == SQLITE_OK && log >= 0 ? "done" : "not now;"
			    " the next checkpoints will");
		else if (rc != SQLITE_OK && rc != SQLITE_BUSY)
			log_warn("store: checkpoint: %s", sqlite3_errmsg(s->cdb));
		usleep(STORE_CKPT_MIN_MS * 1000);
		pthread_mutex_lock(&s->ckpt_lock);
	}
	pthread_mutex_unlock(&s->ckpt_lock);
	return NULL;
}

/*
 * Content was erased (an erasure, a retention pass): a TRUNCATE
 * checkpoint copies the WAL into the main file, where secure_delete
 * has zeroed what went, and empties the WAL, so that neither keeps an
 * old page. It waits for readers (up to the busy timeout) and holds
 * off the writer meanwhile: a cost paid once per erasure or pass.
 */
void
store_ckpt_truncate(struct store *s)
{
	pthread_mutex_lock(&s->ckpt_lock);
	s->ckpt_truncate = 1;
	pthread_cond_signal(&s->ckpt_cond);
	pthread_mutex_unlock(&s->ckpt_lock);
}

/* Before the writer starts: its commits no longer checkpoint. */
void
store_ckpt_init(struct store *s)
{
	pthread_mutex_init(&s->ckpt_lock, NULL);
	pthread_cond_init(&s->ckpt_cond, NULL);
	sqlite3_wal_autocheckpoint(s->wdb, 0);
	sqlite3_wal_hook(s->wdb, store_ckpt_hook, s);
}

int
store_ckpt_start(struct store *s, const char *path)
{
	int error;

	if (sqlite3_open_v2(path, &s->cdb, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		log_error("store: checkpoint connection: %s",
		    sqlite3_errmsg(s->cdb));
		sqlite3_close(s->cdb);
		s->cdb = NULL;
		return -1;
	}
	sqlite3_busy_timeout(s->cdb, STORE_BUSY_MS);
	/*
	 * A connection that has read nothing has not opened the WAL yet:
	 * a checkpoint on it answers SQLITE_OK having done nothing (its
	 * counts -1, "not in WAL mode"). One read of the schema opens it.
	 */
	if (sqlite3_exec(s->cdb, "SELECT count(*) FROM sqlite_master", NULL,
	    NULL, NULL) != SQLITE_OK)
		log_warn("store: checkpoint connection: %s",
		    sqlite3_errmsg(s->cdb));
	if ((error = pthread_create(&s->ckpt_thread, NULL, store_ckpt_main,
	    s)) != 0) {
		log_error("store: cannot start the checkpoint thread: %s",
		    strerror(error));
		sqlite3_close(s->cdb);
		s->cdb = NULL;
		return -1;
	}
	return 0;
}

void
store_ckpt_stop(struct store *s)
{
	if (s->cdb == NULL)
		return;
	pthread_mutex_lock(&s->ckpt_lock);
	s->ckpt_stop = 1;
	pthread_cond_signal(&s->ckpt_cond);
	pthread_mutex_unlock(&s->ckpt_lock);
	pthread_join(s->ckpt_thread, NULL);
	sqlite3_close(s->cdb);
	s->cdb = NULL;
}

void
store_ckpt_destroy(struct store *s)
{
	pthread_cond_destroy(&s->ckpt_cond);
	pthread_mutex_destroy(&s->ckpt_lock);
}
