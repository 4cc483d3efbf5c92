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
#define STORE_EV_RESOURCE	3	/* a resource shared (its id is the
					 * event's) */
#define STORE_EV_CHANGE		2	/* post_id's post changed: approved,
					 * rejected, hidden, edited... */

/*
 * What a viewer may read in some form: visible, hidden and deleted posts
 * (the last two as placeholders), their own held and rejected posts,
 * and everything in a channel they moderate. The same rule as
 * view_post() (view.c), which decides the form; the unit tests hold the
 * two to agreement. Bound by store_bind_viewer(): ?20 the account, ?21
 * whether it moderates peer channels and groups, ?22 whether it
 * moderates its organisation's, ?23 its organisation.
 */
#define STORE_SEEN(p, c)						\
	" (" p ".state IN (0, 2, 4)"					\
	" OR (" p ".author_id = ?20 AND " p ".state IN (1, 3))"	\
	" OR" STORE_MODERATES(c) ")"

/*
 * Whether post p is unread by the viewer (?20), member m of its channel:
 * not the viewer's own, and neither at or below the member's floor
 * (m.read_eid; a post approved after the floor passed it counts from
 * its approval, shown_eid) nor in one of the member's read ranges
 * (store_schema_v13): not STORE_MARKED. Ranges are disjoint, so the one with the greatest
 * lo <= p.id is the only one that may hold p: one index probe a post.
 */
#define STORE_MARKED(p, m)						\
	" ((" p ".id <= " m ".read_eid"				\
	"  AND coalesce(" p ".shown_eid, 0) <= " m ".read_eid)"		\
	" OR coalesce((SELECT r.hi FROM read_ranges r"			\
	"  WHERE r.account_id = ?20 AND r.channel_id = " p ".channel_id"\
	"  AND r.lo <= " p ".id ORDER BY r.lo DESC LIMIT 1), 0) >= " p ".id)"
#define STORE_UNREAD(p, m)						\
	" (" p ".author_id <> ?20 AND NOT" STORE_MARKED(p, m) ")"

/*
 * Whether the viewer bound by store_bind_viewer() moderates channel c:
 * a peer channel, as a facilitator; a private group, as a facilitator
 * who is in it (nobody outside a group may know it exists); its own
 * organisation's, as an org-admin or safeguarding lead. The SQL of
 * access_moderates() and view_moderates(), for every query that asks.
 */
#define STORE_MODERATES(c)						\
	" ((?21 AND (" c ".kind = 1 OR (" c ".kind = 2 AND"		\
	STORE_IN_GROUP(c, "?20") ")))"					\
	" OR (?22 AND " c ".kind = 0 AND " c ".org_id = ?23))"
/* Whether account (an SQL expression) is in group c. */
#define STORE_IN_GROUP(c, account)					\
	" EXISTS (SELECT 1 FROM members gm WHERE gm.channel_id = "	\
	c ".id AND gm.account_id = " account ")"

/* The columns store_posts() reads (eid: the event id to report for
 * the row), and the joins that name things. */
#define STORE_POST_SELECT(eid)						\
	"SELECT " eid ", p.id, p.thread_id, p.ts, c.id, c.name, c.kind,"	\
	" coalesce(c.org_id, 0), a.id, a.name, o.id, o.name,"		\
	" CASE WHEN p.id = p.thread_id THEN p.title END, p.body,"	\
	" p.content_note, p.hidden_reason, p.state, p.anonymous, p.edits,"	\
	" coalesce(p.shown_eid, p.id)"
#define STORE_POST_JOINS						\
	" JOIN channels c ON c.id = p.channel_id"			\
	" JOIN accounts a ON a.id = p.author_id"			\
	" JOIN orgs o ON o.id = a.org_id"

/* The columns store_resource_row() reads. */
#define STORE_RESOURCE_SELECT						\
	"SELECT r.id, r.ts, r.account_id, a.name, r.org_id, o.name,"	\
	" r.title, r.summary, r.url, r.sha256, coalesce(r.size, 0),"	\
	" r.type, (SELECT group_concat(tag, ',') FROM (SELECT tag"	\
	"  FROM resource_tags WHERE resource_id = r.id ORDER BY tag)),"	\
	" r.deleted_at IS NOT NULL"
#define STORE_RESOURCE_FROM						\
	" FROM resources r"						\
	" JOIN accounts a ON a.id = r.account_id"			\
	" JOIN orgs o ON o.id = r.org_id"

/* SQLite's wait for a lock held by a checkpoint or the other connection. */
#define STORE_BUSY_MS		5000
/* How long the writer waits without a job before it indexes for
 * search: a busy stretch is never slowed by the index. */
#define STORE_SEARCH_IDLE_MS	100
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
	RQ_THREAD_OF,
	RQ_THREADS,
	RQ_THREADS_OLDER,
	RQ_READ_CHANNEL,
	RQ_READ_THREAD,
	RQ_READ_UNREAD,
	RQ_POSTS_IN,
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
	WQ_MARK_FLOOR,
	WQ_MARK_SHOWN,
	WQ_MARK_PREV,
	WQ_MARK_NEXT,
	WQ_MARK_GAP,
	WQ_MARK_LEGACY,
	WQ_MARK_DEL,
	WQ_MARK_ADD,
	WQ_MARK_READ,
	WQ__COUNT
};

/* store-mod.c's statements: MR_ on the loop's connection, MQ_ on the
 * writer's. */
enum store_mr {
	MR_POST,
	MR_RESTRICTIONS,
	MR_HELD,
	MR_VERSIONS,
	MR__COUNT
};
enum store_mq {
	MQ_CHANNEL_SET,
	MQ_POST_GET,
	MQ_CHANGE_EVENT,
	MQ_POST_STATE,
	MQ_POST_EDIT,
	MQ_VERSION_INSERT,
	MQ_POST_READ,
	MQ_THREAD_GET,
	MQ_THREAD_FLAGS,
	MQ_THREAD_SHOWN,
	MQ_RESTRICT_SET,
	MQ_RESTRICT_DEL,
	MQ_MEMBER_OF,
	MQ__COUNT
};
/* store-report.c's: PR_ on the loop's connection, PQ_ on the writer's. */
enum store_pr {
	PR_REPORT,
	PR_LIST,
	PR_ALERTS,
	PR_RECIPIENTS,
	PR_DUE,
	PR__COUNT
};
enum store_pq {
	PQ_INSERT,
	PQ_GET,
	PQ_ACK,
	PQ_RESOLVE,
	PQ_ESCALATE,
	PQ_ACCOUNT_IN_ORG,
	PQ_LEAD,
	PQ__COUNT
};

/* store-search.c's: SR_ on the loop's connection, SQ_ on the writer's. */
enum store_sr {
	SR_MATCH,
	SR_SUBSTR,
	SR_RES_MATCH,
	SR_RES_SUBSTR,
	SR__COUNT
};
enum store_sq {
	SQ_MARK,
	SQ_NEXT,
	SQ_ADD,
	SQ_SET_MARK,
	SQ_DROP,
	SQ_REPLACE,
	SQ_SYNC_NORMAL,
	SQ_SYNC_FULL,
	SQ__COUNT
};

/* store-resource.c's: RR_ on the loop's connection, RW_ on the
 * writer's; store-inbox.c's: IR_ and IQ_. */
enum store_rr {
	RR_BY_ID,
	RR_LIST,
	RR_TAGS,
	RR_SUBS,
	RR_ATTACHMENT,
	RR__COUNT
};
enum store_rw {
	RW_ATTACH,
	RW_UPLOADED,
	RW_EVENT,
	RW_INSERT,
	RW_TAG,
	RW_FTS,
	RW_INBOX,
	RW_DELETE,
	RW_FTS_DROP,
	RW_SUB_ADD,
	RW_SUB_DEL,
	RW__COUNT
};
enum store_ir {
	IR_LIST,
	IR_WAITING,
	IR_UNREAD,
	IR_HOURS,
	IR__COUNT
};
enum store_iq {
	IQ_READ_ONE,
	IQ_READ_ALL,
	IQ_PUSHED,
	IQ_HOURS_ACCOUNT,
	IQ_HOURS_ORG,
	IQ_MENTION,
	IQ_NOTICE,
	IQ__COUNT
};

/* store-group.c's: GR_ on the loop's connection, GQ_ on the writer's. */
enum store_gr {
	GR_MEMBERS,
	GR_SHARE,
	GR_BLOCKED,
	GR_BLOCKS,
	GR_DMS,
	GR_DIRECTORY,
	GR__COUNT
};
enum store_gq {
	GQ_ADD,
	GQ_REMOVE,
	GQ_DM_MAKE,
	GQ_DM_ID,
	GQ_DM_MEMBER,
	GQ_DM_ROOT,
	GQ_DM_ITEM,
	GQ_BLOCK,
	GQ_UNBLOCK,
	GQ_DM_LEAVE,
	GQ_PROFILE,
	GQ__COUNT
};

/* store-calendar.c's: CR_ on the loop's connection, CQ_ on the
 * writer's. */
enum store_cr {
	CR_BY_ID,
	CR_UPCOMING,
	CR_PAST,
	CR_RSVPS,
	CR_DUE,
	CR__COUNT
};
enum store_cq {
	CQ_INSERT,
	CQ_TAG,
	CQ_ANNOUNCE,
	CQ_STATE,
	CQ_ANSWER,
	CQ_LOG,
	CQ_UPDATE,
	CQ_NEXT,
	CQ_POSITION,
	CQ_NOTICE,
	CQ_CANCEL,
	CQ_TELL,
	CQ_ATTEND,
	CQ_REMINDED,
	CQ__COUNT
};

/* store-erase.c's: ER_ on the loop's connection, EQ_ on the writer's. */
enum store_er {
	ER_RET_DUE,
	ER__COUNT
};
enum store_eq {
	EQ_GONE_CLEAR,
	EQ_ACCOUNT,
	EQ_OTHER_ADMINS,
	EQ_GONE_AUTHOR,
	EQ_POSTS_BLANK,
	EQ_THREADS_BLANK,
	EQ_VERSIONS_DROP,
	EQ_FTS_DROP,
	EQ_INBOX_DROP,
	EQ_INBOX_ACCOUNT,
	EQ_STORIES_DROP,
	EQ_STORIES_ACCOUNT,
	EQ_FTS_OPTIMIZE,
	EQ_RES_FTS_DROP,
	EQ_RES_FTS_OPTIMIZE,
	EQ_RES_TAGS_DROP,
	EQ_SHAS,
	EQ_RES_BLANK,
	EQ_UPLOADS_DROP,
	EQ_ATTACHMENT_DROP,
	EQ_ACCOUNT_BLANK,
	EQ_SESSIONS_REVOKE,
	EQ_CERTS_REVOKE,
	EQ_DM_RENAME,
	EQ_MEMBERS_DROP,
	EQ_RANGES_DROP,
	EQ_SUBS_DROP,
	EQ_BLOCKS_DROP,
	EQ_REPORTS_BLANK,
	EQ_RET_CHANNELS,
	EQ_RET_OLDEST,
	EQ_GONE_ADD,
	EQ_GONE_THREAD,
	EQ_GONE_COUNT,
	EQ_THREADS_RECOUNT,
	EQ_THREADS_DROP,
	EQ_POSTS_DROP,
	EQ__COUNT
};

/* store-account.c's: AR_ on the loop's connection, AQ_ on the
 * writer's. */
enum store_ar {
	AR_MEMBERS,
	AR_RESET,
	AR_OTHER_ADMINS,
	AR_LAST_SEEN,
	AR_LOG,
	AR__COUNT
};
enum store_aq {
	AQ_SEEN,
	AQ_ROLE,
	AQ_OTHER_ADMINS,
	AQ_DEACTIVATE,
	AQ_REACTIVATE,
	AQ_SESSIONS_REVOKE,
	AQ_RESETS_DROP,
	AQ_RESET_INSERT,
	AQ_RESET_USE,
	AQ_PASSWD,
	AQ__COUNT
};

/* A mute or ban, as the loop keeps them (store-mod.c): every row of
 * restrictions, few, so that a post's check is one tree lookup. */
struct store_restrict_cache {
	int64_t				 account;
	int64_t				 channel;
	int				 kind;
	int64_t				 until;		/* 0: no end */
	char				 reason[PROTO_MAX_REASON + 1];
	RB_ENTRY(store_restrict_cache)	 entry;
};
RB_HEAD(store_restricts, store_restrict_cache);

struct store {
	sqlite3			*rdb;		/* the loop's */
	sqlite3			*wdb;		/* the writer's */
	sqlite3_stmt		*rq[RQ__COUNT];
	sqlite3_stmt		*wq[WQ__COUNT];
	sqlite3_stmt		*mr[MR__COUNT];
	sqlite3_stmt		*mq[MQ__COUNT];
	sqlite3_stmt		*pr[PR__COUNT];
	sqlite3_stmt		*pq[PQ__COUNT];
	sqlite3_stmt		*sr[SR__COUNT];
	sqlite3_stmt		*sq[SQ__COUNT];
	sqlite3_stmt		*rr[RR__COUNT];
	sqlite3_stmt		*rw[RW__COUNT];
	sqlite3_stmt		*ir[IR__COUNT];
	sqlite3_stmt		*iq[IQ__COUNT];
	sqlite3_stmt		*gr[GR__COUNT];
	sqlite3_stmt		*gq[GQ__COUNT];
	sqlite3_stmt		*cr[CR__COUNT];
	sqlite3_stmt		*cq[CQ__COUNT];
	sqlite3_stmt		*er[ER__COUNT];
	sqlite3_stmt		*eq[EQ__COUNT];
	sqlite3_stmt		*ar[AR__COUNT];
	sqlite3_stmt		*aq[AQ__COUNT];
	/* The attachments' files (blob.c): chunks on the loop, the
	 * finishing of an upload on the writer. */
	struct blob_store	*blobs;

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
	int			 search_behind;	/* posts may wait for the index */
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
	/* Mutes and bans (store-mod.c), loaded whole at open, kept up to
	 * date as SW_RESTRICT jobs come back; and the time of each
	 * member's last post in a slow-mode channel. */
	struct store_restricts	 restrict_cache;
	int			 restrict_loaded;

	/* The writer thread's own, for the transaction it is running
	 * (store-ops.c): the thread a reply last checked, so that a
	 * batch of replies to one thread checks it once; and in the fast
	 * path, that thread's summary row owed by the replies so far, so
	 * that it is updated once per batch instead of once per reply. */
	struct store_txn {
		int64_t		 channel;	/* checked: thread is in it */
		int64_t		 thread;	/* 0: none checked */
		int		 locked;	/* thread is locked */
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
	int			 ckpt_truncate;	/* content was erased: empty
						 * the WAL (store-ckpt.c) */
	char			*path;
};

/* store-read.c */
extern const char *const store_read_sql[RQ__COUNT];
void	store_post_row(sqlite3_stmt *, struct store_post *);
/* Hand each row of a bound post query (bound with limit + 1) to cb;
 * *more: a row past limit was there. Resets the statement. */
int	store_posts(struct store *, sqlite3_stmt *, int limit, store_post_cb,
	    void *, int *more);
/* A text column ("" for NULL); a statement's one row at most, stepped
 * (STORE_OK on its row, STORE_NOTFOUND when none, reset but on a row). */
const char *store_text(sqlite3_stmt *, int col);
int	store_one(struct store *, sqlite3_stmt *);
/* Bind the viewer for STORE_SEEN (?20 to ?23). */
void	store_bind_viewer(sqlite3_stmt *, const struct store_viewer *);
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
/* Step a statement that returns no row (*changes: rows changed). */
int	store_run(struct store *, sqlite3_stmt *, int *changes);
/* store_run, and STORE_NOTFOUND when the INSERT ... SELECT found
 * nothing to refer to. */
int	store_insert(struct store *, sqlite3_stmt *);
/* Bind an account (or channel, post) id, 0 as NULL. */
void	store_bind_account(sqlite3_stmt *, int col, int64_t account);
/* An entry of the moderation log, in the transaction of its effect;
 * the actor is w->account (0: the operator). */
int	store_modlog_add(struct store *, const struct store_write *,
	    const char *action, int64_t channel, int64_t account,
	    int64_t post, const char *reason);
int	store_op_run(struct store *, struct store_write *);
/* store-mark.c: SW_MARK_READ, the posts shown become read. */
int	store_op_mark_read(struct store *, struct store_write *);
/* A post (SW_POST's work), for a job that posts among other things. */
int	store_op_post(struct store *, struct store_write *);
int	store_changes_channel(enum store_wop);
void	store_txn_begin(struct store *, int defer);
int	store_txn_settle(struct store *);

/* store-mod.c */
extern const char *const store_mod_read_sql[MR__COUNT];
extern const char *const store_mod_write_sql[MQ__COUNT];
int	store_op_mod(struct store *, struct store_write *);
void	store_mod_forget(struct store *, const struct store_write *);
void	store_mod_caches_free(struct store *);

/* store-report.c */
extern const char *const store_report_read_sql[PR__COUNT];
extern const char *const store_report_write_sql[PQ__COUNT];
int	store_op_report(struct store *, struct store_write *);

/* store-search.c */
extern const char *const store_search_read_sql[SR__COUNT];
extern const char *const store_search_write_sql[SQ__COUNT];
/* On the writer, idle: index the next posts; 1 when more wait. */
int	store_search_index(struct store *);
/* In a moderation job's transaction: the post's text changed (edit)
 * or it is gone (delete): its row follows. */
int	store_search_update(struct store *, int64_t post, int gone);

/* store-resource.c */
extern const char *const store_resource_read_sql[RR__COUNT];
extern const char *const store_resource_write_sql[RW__COUNT];
void	store_resource_row(sqlite3_stmt *, struct store_resource *);
int	store_op_resource(struct store *, struct store_write *);
struct blob_store *store_blobs_open(const char *path, char **cause);

/* store-inbox.c */
extern const char *const store_inbox_read_sql[IR__COUNT];
extern const char *const store_inbox_write_sql[IQ__COUNT];
int	store_op_inbox(struct store *, struct store_write *);
void	store_inbox_add(struct store_write *, int64_t id, int64_t account);
/* Every row an insert's RETURNING id, account_id gave, onto w's list;
 * the statement is stepped to its end and reset. */
int	store_inbox_returned(struct store *, sqlite3_stmt *,
	    struct store_write *);
void	store_write_items_reset(struct store_write *);
/* The people body names who can read channel, each an inbox item of
 * the post (not its author): w's list, emptied first (a job may run
 * twice). */
int	store_inbox_mentions(struct store *, struct store_write *,
	    int64_t post, int64_t channel, int64_t author, const char *body);
/* A notice for account about ref (a resolved report), its item the
 * job's list. */
int	store_inbox_notice(struct store *, struct store_write *,
	    int64_t account, int64_t ref);

/* store-group.c */
extern const char *const store_group_read_sql[GR__COUNT];
extern const char *const store_group_write_sql[GQ__COUNT];
int	store_op_group(struct store *, struct store_write *);

/* store-calendar.c */
extern const char *const store_calendar_read_sql[CR__COUNT];
extern const char *const store_calendar_write_sql[CQ__COUNT];
int	store_op_calendar(struct store *, struct store_write *);
int	store_op_programme(struct store *, struct store_write *);

/* store-story.c */
int	store_op_story(struct store *, struct store_write *);

/* store-erase.c: SW_ERASE and SW_RETENTION; the temporary table they
 * share, made on the writer's connection before its statements. */
#define STORE_ERASE_TEMP	"CREATE TEMP TABLE IF NOT EXISTS gone" \
				" (id INTEGER PRIMARY KEY)"
extern const char *const store_erase_read_sql[ER__COUNT];
extern const char *const store_erase_write_sql[EQ__COUNT];
int	store_op_erase_run(struct store *, struct store_write *);
/* After a commit that took content out: a checkpoint that leaves the
 * WAL empty, so that no old page lingers in it or in the main file. */
void	store_ckpt_truncate(struct store *);

/* store-account.c: SW_ROLE, SW_DEACTIVATE, SW_RESET_NEW, SW_RESET_USE
 * and SW_SEEN; a login's last seen, in the session's own job. */
extern const char *const store_account_read_sql[AR__COUNT];
extern const char *const store_account_write_sql[AQ__COUNT];
int	store_op_account(struct store *, struct store_write *);
int	store_account_seen(struct store *, int64_t account, int64_t now);
/* store-roster.c: invites revoked, names, renames, archives and the
 * operator's admin invite; after an invite is stored, the entry that
 * shows it to its organisation's org-admins (w->flag 1 when written). */
int	store_op_roster(struct store *, struct store_write *);
int	store_roster_invited(struct store *, struct store_write *);

/* store-write.c */
int	store_write_init(struct store *, char **cause);
void	store_write_destroy(struct store *);

#endif
