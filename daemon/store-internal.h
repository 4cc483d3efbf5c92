/*
 * store-internal.h: what the store's files (store.c: open and schema;
 * store-read.c; store-write.c: the writer thread; store-ops.c: the write
 * operations; checkpoints, admin, certificates) share, and nothing else
 * does.
 *
 * struct store is defined here rather than in store.h so that no other
 * module sees a SQLite type; the unit tests include this header to build
 * fixtures (an old schema version, a moderated post) with plain SQL.
 */
#ifndef HARBOUR_STORE_INTERNAL_H
#define HARBOUR_STORE_INTERNAL_H

#include <pthread.h>
#include <sqlite3.h>

#include "store.h"
#include "bsdtree.h"

/* Values of events.kind. */
#define STORE_EV_POST		1

/* SQLite's wait for a lock held by a checkpoint or the other connection. */
#define STORE_BUSY_MS		5000
/* Jobs per transaction at most: bounds one commit's latency and WAL
 * growth when a burst queues faster than the disk syncs. */
#define STORE_BATCH_MAX		1024

/* The loop's caches: BSD red-black trees (bsdtree.h), ordered by
 * channel name and by (account, channel). */
struct store_chan_cache {
	struct store_channel		 ch;
	RB_ENTRY(store_chan_cache)	 entry;
};
RB_HEAD(store_chans, store_chan_cache);

struct store_member_cache {
	int64_t				 account;
	int64_t				 channel;
	RB_ENTRY(store_member_cache)	 entry;
};
RB_HEAD(store_members, store_member_cache);

/* Statements on the read connection (store.c). */
enum store_rq {
	RQ_ACCOUNT_BY_NAME,
	RQ_ACCOUNT_BY_ID,
	RQ_SESSION_LOOKUP,
	RQ_SESSION_CERT_REVOKED,
	RQ_INVITE_CHECK,
	RQ_ORG_BY_NAME,
	RQ_ORG_LIST,
	RQ_CHANNEL_BY_NAME,
	RQ_IS_MEMBER,
	RQ_CHANNEL_LIST,
	RQ_THREAD_CHECK,
	RQ_THREADS,
	RQ_READ_CHANNEL,
	RQ_READ_THREAD,
	RQ_BOUND_CHANNEL,
	RQ_BOUND_THREAD,
	RQ_SYNC,
	RQ_LAST_EID,
	RQ_MODLOG,
	RQ_BEGIN,
	RQ_END,
	RQ__COUNT
};

/* Statements on the write connection (store-ops.c). */
enum store_wq {
	WQ_BEGIN,
	WQ_COMMIT,
	WQ_ROLLBACK,
	WQ_SAVEPOINT,
	WQ_RELEASE,
	WQ_ROLLBACK_TO,
	WQ_INVITE_USE,
	WQ_INVITE_USED_BY,
	WQ_ACCOUNT_INSERT,
	WQ_ORG_NAME,
	WQ_SESSION_INSERT,
	WQ_SESSION_REVOKE,
	WQ_SESSION_REVOKE_OTHERS,
	WQ_SESSION_REVOKE_ALL,
	WQ_ACCOUNT_STATE,
	WQ_ACCOUNT_ID,
	WQ_SUSPEND,
	WQ_UNSUSPEND,
	WQ_MODLOG,
	WQ_PASSWD,
	WQ_ORG_INSERT,
	WQ_INVITE_INSERT,
	WQ_CHANNEL_INSERT,
	WQ_JOIN,
	WQ_JOIN_CHECK,
	WQ_LEAVE,
	WQ_THREAD_CHECK,
	WQ_EVENT_INSERT,
	WQ_AUTHOR,
	WQ_POST_INSERT,
	WQ_THREAD_INSERT,
	WQ_THREAD_REPLY,
	WQ_MARK_READ,
	WQ__COUNT
};

struct store {
	sqlite3			*rdb;		/* the loop's */
	sqlite3			*wdb;		/* the writer's */
	sqlite3_stmt		*rq[RQ__COUNT];
	sqlite3_stmt		*wq[WQ__COUNT];

	/* Everything below is guarded by lock. */
	pthread_mutex_t		 lock;
	pthread_cond_t		 cond;		/* queue not empty, or stopping */
	pthread_t		 thread;
	int			 running;	/* writer thread owns wdb */
	int			 stopping;
	int			 stopped;	/* store_stop done: refuse jobs */
	struct store_write	*queue;
	struct store_write	**queue_tail;
	struct store_write	*done;
	struct store_write	**done_tail;
	size_t			 pending;	/* queued or in flight */
	uint64_t		 commits;
	void			(*notify)(void *);
	void			*notify_arg;

	/* Channels by name, read on the loop only (store_channel_by_name):
	 * every request names one. Only found channels are kept, so the
	 * size is the number of channels. A job that changes a channel's
	 * row forgets its entry when it comes back (store_cache_forget),
	 * before anyone hears of the change. */
	struct store_chans	 chan_cache;
	/* Memberships found, read on the loop only (store_is_member), so
	 * that a post costs no read for it. Only "is a member" is kept:
	 * a join needs no update (the next miss reads it), and a leave is
	 * forgotten when its job comes back (store_member_forget), before
	 * anyone hears of it. At most the size of the members table. */
	struct store_members	 member_cache;

	/* The writer thread's own, for the transaction it is running
	 * (store-ops.c): the thread a reply last checked, so that a
	 * batch of replies to one thread checks it once; and in the fast
	 * path, that thread's summary row owed by the replies so far, so
	 * that it is updated once per batch instead of once per reply. */
	struct store_txn {
		int64_t		 channel;	/* checked: thread is in it */
		int64_t		 thread;	/* 0: none checked */
		int		 defer;		/* owe summaries (fast path) */
		int		 replies;	/* owed to thread */
		int64_t		 last_eid;
		int64_t		 last_ts;
		struct store_ident author;	/* id 0: none read */
	}			 txn;

	/* The checkpointer (store-ckpt.c), guarded by ckpt_lock. */
	sqlite3			*cdb;
	pthread_t		 ckpt_thread;
	pthread_mutex_t		 ckpt_lock;
	pthread_cond_t		 ckpt_cond;
	int			 wal_pages;	/* after the last commit */
	int			 ckpt_stop;
	char			*path;
};

/* store-read.c */
extern const char *const store_read_sql[RQ__COUNT];
void	store_caches_free(struct store *);
void	store_cache_forget(struct store *, const struct store_write *);

/* store.c */
int	store_prepare(sqlite3 *, const char *const *sql, sqlite3_stmt **,
	    int count, char **cause);
void	store_finalize(sqlite3_stmt **, int count);
/* Reset a statement and forget its bindings (which may point at freed
 * memory once the caller's buffers are gone). */
void	store_stmt_done(sqlite3_stmt *);
/* A SQLite result code as STORE_*: constraint failures map to EXISTS
 * (unique) and NOTFOUND (foreign key); other errors are logged. */
int	store_result(sqlite3 *, int rc);

/*
 * For tests only (harbourd never calls it): create or open the database
 * at path and migrate it to exactly version (<= STORE_SCHEMA_VERSION),
 * then close it. 0 or -1 with a malloc'd *cause.
 */
int	store_migrate_to(const char *path, int version, char **cause);

/* store-schema.c: store_migrations[v] takes a database from version v
 * to v + 1. */
extern const char *const store_migrations[STORE_SCHEMA_VERSION];

/* store-ckpt.c */
void	store_ckpt_init(struct store *);
int	store_ckpt_start(struct store *, const char *path);
void	store_ckpt_stop(struct store *);
void	store_ckpt_destroy(struct store *);

/* store-ops.c */
extern const char *const store_write_sql[WQ__COUNT];
int	store_ctl(struct store *, enum store_wq);
int	store_op_run(struct store *, struct store_write *);
int	store_changes_channel(enum store_wop);
void	store_txn_begin(struct store *, int defer);
int	store_txn_settle(struct store *);

/* store-write.c */
int	store_write_init(struct store *, char **cause);
void	store_write_destroy(struct store *);

#endif
