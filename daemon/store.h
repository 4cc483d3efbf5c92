/*
 * store.h: everything harbourd keeps, behind a domain-level interface.
 *
 * The store is the only module that speaks SQL (store*.c are the only
 * files that include sqlite3.h). It holds two SQLite connections to one
 * WAL database:
 *
 * - the read connection, used on the event loop: prepared statements on
 *   indexes, microseconds each, never waiting on the writer (WAL);
 * - the write connection, owned by the writer thread. The loop queues
 *   struct store_write jobs with store_submit(); the writer takes
 *   everything queued, runs it in ONE transaction (each job inside its
 *   own SAVEPOINT, so one job's failure does not undo its neighbours),
 *   commits with synchronous=FULL, and hands the finished jobs back.
 *   Everything queued while a commit is in flight goes into the next
 *   transaction: group commit, one fsync per batch instead of per post.
 *
 * Completion: the writer calls the notify function given to
 * store_start() (from its own thread); the loop then calls store_drain(),
 * which runs each finished job's done() on the loop thread. A job is
 * only "done" after its transaction committed, which is what lets the
 * daemon acknowledge a post only once it is durable.
 *
 * Nothing here names a SQLite type, so that a PostgreSQL store can stand
 * behind the same header later.
 */
#ifndef HARBOUR_STORE_H
#define HARBOUR_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "proto.h"

struct store;

/* Results of reads and of write jobs. */
#define STORE_OK		0
#define STORE_NOTFOUND		1	/* no such row (or not visible) */
#define STORE_EXISTS		2	/* unique name taken */
#define STORE_INVALID		3	/* invite unknown/used/expired, stale state */
#define STORE_FORBIDDEN		4	/* not as things now stand: not a member */
#define STORE_LOCKED		5	/* the thread is locked */
#define STORE_ERROR		(-1)	/* SQLite failed; logged via cause */

#define STORE_HASH_LEN		32	/* SHA-256 of tokens and invite codes */
#define STORE_PWHASH_MAX	192	/* an encoded $argon2id$ string */
#define STORE_SCHEMA_VERSION	15

struct store_account {
	int64_t		 id;
	int64_t		 org_id;
	enum proto_role	 role;
	char		 name[PROTO_MAX_NAME + 1];
	char		 org[PROTO_MAX_NAME + 1];
	char		 pwhash[STORE_PWHASH_MAX];
	int		 suspended;
	int		 lead;		/* a safeguarding lead of its org */
	char		 suspended_reason[PROTO_MAX_REASON + 1];
	int		 deactivated;	/* someone who left (not a sanction) */
};

/* Who a logged-in connection is: an account without its password hash
 * (kept small: there is one per connection). */
struct store_ident {
	int64_t		 id;
	int64_t		 org_id;
	enum proto_role	 role;
	int		 lead;		/* a safeguarding lead of its org */
	char		 name[PROTO_MAX_NAME + 1];
	char		 org[PROTO_MAX_NAME + 1];
};

/* Values of channels.kind; stored, never renumbered. */
#define STORE_CHANNEL_ORG	0
#define STORE_CHANNEL_PEER	1
#define STORE_CHANNEL_GROUP	2	/* private, invited members only */
#define STORE_CHANNEL_DM	3	/* a conversation of two people */

/* Values of posts.state; stored, never renumbered. What each reader
 * gets of a post in each state is view.c's to decide. */
#define STORE_POST_VISIBLE	0
#define STORE_POST_HELD		1	/* waiting for a moderator */
#define STORE_POST_HIDDEN	2	/* hidden_reason says why */
#define STORE_POST_REJECTED	3	/* never shown; hidden_reason says why */
#define STORE_POST_DELETED	4	/* by its author */

/* Values of channels.mode; stored, never renumbered. */
#define STORE_MODE_OPEN		0
#define STORE_MODE_PRE		1	/* members' posts wait for approval */
#define STORE_MODE_ANNOUNCE	2	/* only moderators post */

struct store_channel {
	int64_t		 id;
	int64_t		 org_id;	/* 0 for a peer channel */
	int		 peer;
	int		 kind;		/* STORE_CHANNEL_* */
	int		 mode;		/* STORE_MODE_* */
	int		 anon;		/* anonymous posts allowed */
	int64_t		 slow;		/* seconds between a member's posts */
	int64_t		 retention;	/* seconds a post is kept, 0: ever */
	char		 name[PROTO_MAX_CHANNEL + 1];
	char		 title[PROTO_MAX_TITLE + 1];	/* a group's, or "" */
	int64_t		 archived;	/* archived at (read-only), 0: not */
};

/* Values of restrictions.kind; stored, never renumbered. */
#define STORE_RESTRICT_MUTE	1
#define STORE_RESTRICT_BAN	2

/* Values of reports.state; stored, never renumbered. */
#define STORE_REPORT_OPEN	0
#define STORE_REPORT_ACKED	1
#define STORE_REPORT_RESOLVED	2

/*
 * Who is reading, as the store's queries need it to leave out what the
 * reader may not see at all (view.c fills it from an identity, and
 * decides the rest). The store's filter and view_post() answer the same
 * question; a unit test holds them to it.
 */
struct store_viewer {
	int64_t		 account;
	int64_t		 org_id;
	int		 mod_peer;	/* moderates peer channels and groups */
	int		 mod_org;	/* moderates its organisation's */
};

/* A stored post, everything the store knows of it; strings are valid
 * only during the callback. */
struct store_post {
	int64_t		 eid;
	int64_t		 post;
	int64_t		 thread;
	int64_t		 ts;
	int64_t		 channel_id;
	const char	*channel;
	int		 channel_kind;	/* STORE_CHANNEL_* */
	int64_t		 channel_org;	/* 0 for peer channels and groups */
	int64_t		 author_id;
	const char	*author;
	int64_t		 org_id;	/* the author's organisation */
	const char	*org;
	const char	*title;		/* NULL unless it starts a thread */
	const char	*body;
	const char	*note;		/* content note, or NULL */
	const char	*reason;	/* hidden or rejected: why, or NULL */
	int		 state;		/* STORE_POST_* */
	int		 anonymous;
	int64_t		 edits;
	int64_t		 shown;		/* the event at which members first
					 * see it: its own, or its approval */
};

struct store_channel_info {
	const char	*name;
	int		 peer;
	int		 group;		/* a private group */
	int		 dm;		/* a conversation */
	const char	*title;		/* a group's, or NULL */
	int		 joined;
	int64_t		 unread;
	int64_t		 last_eid;	/* 0 when empty */
	int		 mode;		/* STORE_MODE_* */
	int		 anon;
	int64_t		 slow;
	int64_t		 retention;	/* seconds, 0: kept */
	int64_t		 archived;	/* archived at, 0: not */
};

/* A thread as one viewer sees it: the counts and the last activity
 * are of the posts that viewer may read. */
struct store_thread {
	int64_t		 thread;
	const char	*title;
	const char	*author;	/* NULL when the root is anonymous */
	int64_t		 replies;
	int64_t		 last_eid;
	int64_t		 last_ts;
	int		 state;		/* the root's STORE_POST_* */
	int		 anonymous;	/* the root's */
	int64_t		 author_id;
	int		 pinned;	/* listed first */
	int		 locked;	/* refuses replies */
	int64_t		 unread;	/* posts in it the viewer has not seen */
	int64_t		 before;	/* "before" for the page after it */
};

/* Iteration callbacks return 0 to go on, non-zero to stop. Strings are
 * valid only during the call. */
typedef int (*store_post_cb)(void *arg, const struct store_post *);
typedef int (*store_name_cb)(void *arg, const char *name);
typedef int (*store_channel_cb)(void *arg, const struct store_channel_info *);
typedef int (*store_thread_cb)(void *arg, const struct store_thread *);

/*
 * Open (creating if needed) and migrate the database at path to
 * STORE_SCHEMA_VERSION; WAL, synchronous=FULL, foreign keys checked by the
 * writes themselves (store.c). Refuses a
 * database that fails PRAGMA quick_check, or whose schema is newer than
 * this build. NULL on failure with a malloc'd *cause.
 */
struct store	*store_open(const char *path, char **cause);
/* Stops the writer if started (finishing what is queued), runs done()
 * of every finished job not yet drained, closes. */
void		 store_close(struct store *);

/* Start the writer thread; notify(arg) is called from it whenever
 * finished jobs are waiting for store_drain(). */
int		 store_start(struct store *, void (*notify)(void *), void *arg);
/* Finish every queued job, then stop the writer thread (shutdown). Jobs
 * submitted after this fail with STORE_ERROR at once (done on drain). */
void		 store_stop(struct store *);
/* On the loop: run done() of every finished job. */
void		 store_drain(struct store *);
/* Jobs queued and not yet committed (for status and tests). */
size_t		 store_queue_depth(struct store *);
/* Transactions committed so far; with the jobs done, the batching
 * (status and tests). */
uint64_t	 store_commit_count(struct store *);

/* ---- maintenance (store-admin.c) ------------------------------------ */

/* A full integrity check of the file at path, read-only; for
 * harbourd check. 0, or -1 with a malloc'd *cause naming the problem. */
int		 store_check(const char *path, char **cause);
/* A consistent copy of the database at path into dest (which must not
 * exist), safe while a daemon serves it, then checked. 0 or -1. */
int		 store_backup(const char *path, const char *dest, char **cause);
/* The database's size in bytes (for status). */
int		 store_size(struct store *, int64_t *bytes);

/* ---- client certificates (store-cert.c) ----------------------------- */

/* The live (unrevoked, unexpired) account bound to a certificate's
 * SHA-256 fingerprint; on the loop. */
int		 store_cert_lookup(struct store *, const uint8_t *fingerprint,
		    int64_t now, struct store_account *);
/* Operator commands, before store_start() (harbourd cert ...): bind a
 * new certificate to user; revoke every certificate of user (*count
 * gets how many); list every revoked serial, for the CRL. */
int		 store_cert_bind(struct store *, const char *user,
		    const uint8_t *fingerprint, const char *serial,
		    int64_t not_after, int64_t now);
int		 store_cert_revoke(struct store *, const char *user,
		    int64_t now, int *count);
typedef int (*store_revoked_cb)(void *arg, const char *serial,
		    int64_t revoked_at);
int		 store_cert_revoked(struct store *, store_revoked_cb, void *);

/* ---- reads, on the loop ------------------------------------------- */

int	store_account_by_name(struct store *, const char *user,
	    struct store_account *);
int	store_account_by_id(struct store *, int64_t id, struct store_account *);
/* A live session: not revoked, and, when a certificate login made it,
 * its certificate not revoked either; *session_id gets its id. */
int	store_session_lookup(struct store *, const uint8_t *hash,
	    struct store_account *, int64_t *session_id);
/* 1 when the session was made by a certificate login whose certificate
 * has been revoked since, 0 when not, STORE_ERROR. */
int	store_session_cert_revoked(struct store *, int64_t session);
/* STORE_OK when the invite exists, is unused and expires after now. */
int	store_invite_check(struct store *, const uint8_t *hash, int64_t now);
int	store_org_by_name(struct store *, const char *name, int64_t *id);
int	store_org_list(struct store *, store_name_cb, void *);
int	store_channel_by_name(struct store *, const char *name,
	    struct store_channel *);
/* 1 joined, 0 not, STORE_ERROR. */
int	store_is_member(struct store *, int64_t account, int64_t channel);
/* Channels the viewer can see: its organisation's, every peer channel
 * and its groups, sorted by name, with unread counts and last event
 * ids of what the viewer may read. */
int	store_channel_list(struct store *, const struct store_viewer *,
	    store_channel_cb, void *);
/* STORE_OK when thread (a root post id) is a thread in channel whose
 * root the viewer may read. */
int	store_thread_check(struct store *, const struct store_viewer *,
	    int64_t channel, int64_t thread);
/* The thread (its root's id) of post, a post of channel the viewer may
 * read in some form: so that any post of a thread names it. */
int	store_thread_of(struct store *, const struct store_viewer *,
	    int64_t channel, int64_t post, int64_t *thread);
int	store_threads(struct store *, const struct store_viewer *,
	    int64_t channel, int limit, store_thread_cb, void *);
/* The same, of the threads whose activity (their summary's last event)
 * lies before event "before" (0: none), a page further back; *more:
 * when the page is full, whether threads further back remain. */
int	store_threads_before(struct store *, const struct store_viewer *,
	    int64_t channel, int64_t before, int limit, store_thread_cb,
	    void *, int *more);
/*
 * Posts in channel (and thread, when thread > 0), ascending by eid, of
 * those the viewer may read in some form (view.c decides which form).
 * since < 0: the newest limit posts; since >= 0: the oldest limit after
 * since. *more: whether more lie beyond the page in that direction.
 */
int	store_read(struct store *, const struct store_viewer *, int64_t channel,
	    int64_t thread, int64_t since, int limit, store_post_cb, void *,
	    int *more);
/* The same, only of posts before post "before" (0: none): with since < 0,
 * the newest limit of them, a page further back; *more then says that
 * older ones still lie before the page. */
int	store_read_before(struct store *, const struct store_viewer *,
	    int64_t channel, int64_t thread, int64_t since, int64_t before,
	    int limit, store_post_cb, void *, int *more);
/* The viewer's unread posts in channel (and thread, when thread > 0),
 * oldest first, at most limit; *more: whether more are unread. */
int	store_read_unread(struct store *, const struct store_viewer *,
	    int64_t channel, int64_t thread, int limit, store_post_cb, void *,
	    int *more);
/* How many of ids[0..n) are posts of channel the viewer may read: the
 * check of a `mark`. -1 on error. */
int	store_posts_in_channel(struct store *, const struct store_viewer *,
	    int64_t channel, const int64_t *ids, size_t n);
/* Posts with since < eid <= until (until 0: no bound) in the channels
 * the viewer's account has joined (only those of ids[0..n) when ids is
 * not NULL), ascending, at most limit; *more as above. unseen: leave
 * out others' posts shown to the viewer already, unless changed since. */
int	store_sync(struct store *, const struct store_viewer *, int64_t since,
	    int64_t until, const int64_t *ids, size_t n, int unseen, int limit,
	    store_post_cb, void *, int *more);
/* One entry of the moderation log, as the store keeps it. */
struct store_modlog {
	int64_t		 id;
	int64_t		 ts;
	const char	*actor;		/* NULL: the operator, on the server */
	const char	*action;	/* "suspend", "unsuspend", ... */
	const char	*channel;	/* NULL: not about a channel */
	const char	*account;	/* whom it was about, or NULL */
	int64_t		 post;		/* 0: none */
	const char	*reason;	/* or NULL */
};
typedef int (*store_modlog_cb)(void *arg, const struct store_modlog *);
/* Entries after since, oldest first, at most limit: of one channel, or
 * (channel 0) the server's own (suspensions). *more as for reads. For
 * the reader who wrote a reported post, a report's actor is "" (not
 * told). */
int	store_modlog(struct store *, int64_t reader, int64_t channel,
	    int64_t since, int limit,
	    store_modlog_cb, void *, int *more);
/* ---- moderation reads (store-mod.c) ------------------------------ */

/* The post with this id, whatever its state, given to cb once (the
 * caller decides what the asker may know of it). STORE_OK whether or
 * not there is one (cb not called: none). */
int	store_post_by_id(struct store *, int64_t id, store_post_cb, void *);
/* Whether account is muted (STORE_RESTRICT_MUTE, until *until) or
 * banned (STORE_RESTRICT_BAN) in channel at now: the kind, or 0 when
 * neither; *reason (may be "") stays valid until the next write job
 * comes back. */
int	store_restricted(struct store *, int64_t account, int64_t channel,
	    int64_t now, int64_t *until, const char **reason);
/* Held posts the viewer moderates, oldest first: of one channel, or
 * (channel 0) of every channel the viewer moderates. */
int	store_held(struct store *, const struct store_viewer *, int64_t channel,
	    int limit, store_post_cb, void *, int *more);
/* A post's earlier texts, oldest first: cb gets eid, ts, title, body. */
typedef int (*store_version_cb)(void *arg, int64_t eid, int64_t ts,
	    const char *title, const char *body);
int	store_versions(struct store *, int64_t post, store_version_cb, void *);
/* Slow mode: 0 and the post counts from now, or 1 when the account's
 * last post in channel was less than slow seconds ago (*wait: how many
 * seconds are left). On the loop; not stored (a restart forgets). */
int	store_slow_take(struct store *, int64_t account, int64_t channel,
	    int64_t slow, int64_t now, int64_t *wait);

#include "store-report.h"

/* ---- search (store-search.c) -------------------------------------- */

/* A hit: the post as stored, and a snippet of its text with the match
 * between [ and ] (NULL for a text of fewer than three characters,
 * found by substring: the caller cuts its own). */
typedef int (*store_hit_cb)(void *arg, const struct store_post *,
	    const char *snippet);
/* Posts whose current title or body holds text, of those the viewer
 * could read directly (STORE_SEARCH_VISIBLE), in channel or (0) any,
 * best first, limit after offset; *more when there are more. */
int	store_search(struct store *, const struct store_viewer *,
	    const char *text, int64_t channel, int limit, int offset,
	    store_hit_cb, void *, int *more);

/* ---- resources (store-resource.c) --------------------------------- */

/* A resource as stored; strings valid only during the callback. */
struct store_resource {
	int64_t		 id;		/* its event's id */
	int64_t		 ts;
	int64_t		 account_id;	/* who shared it */
	const char	*by;
	int64_t		 org_id;	/* for which organisation */
	const char	*org;
	const char	*title;
	const char	*summary;	/* or NULL */
	const char	*url;		/* a link, or NULL: a file */
	const uint8_t	*sha256;	/* the file's (32 bytes), or NULL */
	int64_t		 size;		/* the file's bytes */
	const char	*type;		/* the file's MIME type */
	const char	*tags;		/* "a,b,c", sorted */
	int		 deleted;
};
typedef int (*store_resource_cb)(void *arg, const struct store_resource *);
/* The resource with this id (deleted ones too: the caller decides), to
 * cb once; STORE_OK whether or not there is one. */
int	store_resource_by_id(struct store *, int64_t id, store_resource_cb,
	    void *);
/* Resources not deleted, newest first, with tag (NULL: any), of org (0:
 * any), with ids below before (0: no bound), at most limit. */
int	store_resources(struct store *, const char *tag, int64_t org,
	    int64_t before, int limit, store_resource_cb, void *, int *more);
/* Tags of resources not deleted and of subscriptions, sorted. */
typedef int (*store_tag_cb)(void *arg, const char *tag, int64_t resources,
	    int64_t subscribers);
int	store_tags(struct store *, store_tag_cb, void *);
/* The tags account follows itself (org 0) and its organisation follows. */
typedef int (*store_sub_cb)(void *arg, const char *tag, int org);
int	store_subscriptions(struct store *, int64_t account, int64_t org,
	    store_sub_cb, void *);
/* 1 when account has sent the whole file with this hash and it is
 * stored (*size, type: its size and MIME type, typelen bytes), 0 when
 * not, STORE_ERROR. */
int	store_attachment(struct store *, int64_t account,
	    const uint8_t *sha256, int64_t *size, char *type, size_t typelen);
/* Resources (not deleted) whose title, summary or tags hold text, best
 * first; snippet as store_search's. */
typedef int (*store_resource_hit_cb)(void *arg,
	    const struct store_resource *, const char *snippet);
int	store_resource_search(struct store *, const char *text, int limit,
	    int offset, store_resource_hit_cb, void *, int *more);
/* The attachments directory's store (blob.c), for the loop's chunk
 * reads and writes. */
struct blob_store *store_blobs(struct store *);
/* Every attachment row checked against its file (harbourd check), or
 * copied beside a backup (harbourd backup): 0, or -1 and *cause. */
int	store_check_attachments(const char *db_path, char **cause);
int	store_backup_attachments(const char *db_path, const char *dest,
	    char **cause);

/* ---- private groups (store-group.c) -------------------------------- */

/* A group's members, sorted by name: cb gets name, organisation, role. */
typedef int (*store_member_cb)(void *arg, const char *user, const char *org,
	    enum proto_role role);
int	store_group_members(struct store *, int64_t channel, store_member_cb,
	    void *);

/* Conversations and blocks (store-group.c). 1 when a and b share a
 * channel both have joined (an organisation's, a peer channel or a
 * group), 0 when not, STORE_ERROR. */
int	store_share_channel(struct store *, int64_t a, int64_t b);
/* 1 when account blocks other, 0 when not, STORE_ERROR. */
int	store_blocks_account(struct store *, int64_t account, int64_t other);
/* Whom account blocks, by name, sorted. */
int	store_blocks(struct store *, int64_t account, store_name_cb, void *);
/* account's conversations, newest activity first. */
struct store_dm {
	const char	*channel;	/* dm/USER1+USER2 */
	int64_t		 unread;
	int64_t		 last_eid;
	int64_t		 last_ts;
};
typedef int (*store_dm_cb)(void *arg, const struct store_dm *);
int	store_dms(struct store *, const struct store_viewer *, store_dm_cb,
	    void *);

/* The directory: each organisation's profile, sorted by name, of those
 * that match language (a code as stored: NULL any), and hold area and
 * service (NULL: any) in theirs, whatever the case of ASCII letters. */
struct store_profile {
	const char	*org;
	const char	*about;		/* these may be NULL */
	const char	*languages;	/* one a line */
	const char	*areas;
	const char	*services;
	const char	*contact;
};
typedef int (*store_profile_cb)(void *arg, const struct store_profile *);
int	store_directory(struct store *, const char *org, const char *language,
	    const char *area, const char *service, store_profile_cb, void *);

#include "store-calendar.h"

/* ---- the inbox and working hours (store-inbox.c) ------------------- */

/* Values of inbox.kind; stored, never renumbered. */
#define STORE_INBOX_RESOURCE	1	/* ref: a resource */
#define STORE_INBOX_MENTION	2	/* ref: a post */
#define STORE_INBOX_NOTICE	3	/* ref: a report of the person's,
					 * resolved */
#define STORE_INBOX_EVENT	4	/* ref: an event; note: what
					 * happened */
#define STORE_INBOX_REMINDER	5	/* ref: an event soon */
#define STORE_INBOX_MESSAGE	6	/* ref: a conversation's post */

struct store_inbox {
	int64_t		 id;
	int64_t		 account;
	int		 kind;		/* STORE_INBOX_* */
	int64_t		 ref;
	int64_t		 ts;
	int		 pushed;
	int		 read;
	const char	*note;		/* or NULL */
};
typedef int (*store_inbox_cb)(void *arg, const struct store_inbox *);
/* Which items store_inbox() lists. */
#define STORE_INBOX_UNREAD	0	/* not marked read */
#define STORE_INBOX_ALL		1
#define STORE_INBOX_WAITING	2	/* unread and never pushed: a digest */
/* account's items (of live resources and posts), newest first (the
 * waiting ones oldest first), below before (0: none), at most limit. */
int	store_inbox(struct store *, int64_t account, int which,
	    int64_t before, int limit, store_inbox_cb, void *, int *more);
/* How many unread items account has (counted up to a bound). */
int	store_inbox_unread(struct store *, int64_t account, int64_t *count);
/* An account's working hours: its own, else its organisation's
 * (*source 1 own, 2 the organisation's, 0 none: hours and tz ""). */
#define STORE_HOURS_MAX		600
int	store_hours(struct store *, int64_t account, char *hours, char *tz,
	    int *source);

/* The highest event id stored (0 when none, STORE_ERROR on failure). */
int64_t	store_last_eid(struct store *);
/* Group the loop's reads for one batch of requests into one read
 * transaction (cheaper than one per statement); end it before the loop
 * waits again. Nesting is not counted: begin twice, end once. */
void	store_snapshot_begin(struct store *);
void	store_snapshot_end(struct store *);

/* The programme's report and accounts over their whole life: their
 * reads, in headers of their own. */
#include "store-programme.h"
#include "store-account.h"

/* ---- writes, on the writer thread ---------------------------------- */

enum store_wop {
	SW_REGISTER,		/* consume invite, create account and session */
	SW_SESSION_NEW,
	SW_SESSION_REVOKE,
	SW_PASSWD,		/* new hash, revoke every other session */
	SW_ORG_CREATE,
	SW_INVITE_CREATE,
	SW_CHANNEL_CREATE,	/* and join the creator */
	SW_JOIN,
	SW_LEAVE,
	SW_POST,
	SW_MARK_READ,		/* ids: the posts shown, channels: each one's
				 * channel (NULL: all in channel); owned */
	SW_SUSPEND,		/* name: who; body: why; role: 1 suspend, 0 lift */
	/* Moderation (store-mod.c). Each writes its modlog entry in its
	 * own transaction; each that changes what a post looks like also
	 * writes an event (w->eid out) and hands the post back as
	 * committed (w->title, body, note, reason, acct, state...). */
	SW_CHANNEL_SET,		/* channel; mode, anon, slow */
	SW_POST_MOD,		/* post; action approve/reject/hide/unhide */
	SW_EDIT,		/* post; body (title for a root) by its author */
	SW_DELETE,		/* post, by its author */
	SW_THREAD_FLAG,		/* thread; action lock/unlock/pin/unpin */
	SW_RESTRICT,		/* channel, target; action mute/ban/un-; until */
	SW_UNMASK,		/* post; body: why; acct out: its author */
	SW_REPORT,		/* post, channel; body: why; flag: urgent;
				 * report out */
	SW_REPORT_STATE,	/* report; action ack/resolve; body: note;
				 * channel, post, target (reporter) out */
	SW_REPORT_ESCALATE,	/* report: mark escalated and log it */
	SW_LEAD,		/* name (user) of org; flag: 1 make lead,
				 * 0 remove; target out */
	/* Resources (store-resource.c). */
	SW_UPLOAD_FINISH,	/* account's upload sha256, size: verify,
				 * sniff, store; blob, reason (type) out */
	SW_RESOURCE_POST,	/* org; title, body (summary), note (url) or
				 * sha256; tags; eid and inbox out */
	SW_RESOURCE_DELETE,	/* post: the resource */
	SW_SUBSCRIBE,		/* name: tag; org (0: for account itself);
				 * flag: 1 subscribe, 0 unsubscribe */
	/* The inbox and hours (store-inbox.c). */
	SW_INBOX_READ,		/* post: item, or flag: all; edits out */
	SW_INBOX_PUSHED,	/* ids: items pushed live or in a digest */
	SW_HOURS,		/* title: hours (NULL: off), name: tz; for
				 * org when org, else account */
	/* Private groups (store-group.c); SW_CHANNEL_CREATE makes one
	 * when channel_kind is STORE_CHANNEL_GROUP (title: its title). */
	SW_GROUP_ADD,		/* channel; ids: the accounts */
	SW_GROUP_REMOVE,	/* channel; target: the account */
	SW_DM,			/* target; name: the conversation; body: the
				 * message; channel, thread, eid, flag (made
				 * now) out, and the post as SW_POST's */
	SW_BLOCK,		/* target; flag: 1 block, 0 unblock; channel
				 * out: the conversation left (0: none) */
	SW_ORG_PROFILE,		/* org; profile[] (NULL: as it is, "": none) */
	/* The calendar (store-calendar.c): post is the event. */
	SW_EVENT_CREATE,	/* title, body (summary), note (place), name
				 * (tz), until (start), slow (minutes), size
				 * (capacity), channel, org, tags; eid out,
				 * and the inbox items of its tags */
	SW_EVENT_RSVP,		/* post; flag: STORE_RSVP_*; flag, size
				 * (position) out; target: one moved up */
	SW_EVENT_CANCEL,	/* post; body: why; items out */
	SW_EVENT_ATTENDED,	/* post; ids: the accounts */
	SW_EVENT_REMIND,	/* post; flag: 1 the day before, 2 the hour;
				 * items out (none: sent already) */
	SW_EVENT_UPDATE,	/* post; title, note (place), body (summary):
				 * NULL as it is; size: capacity, -1 as it is,
				 * 0 none */
	/* The programme's traces (store-programme.c). */
	SW_ACTIVITY,		/* size: the month (yyyymm) the account read in */
	SW_FETCH,		/* post: the resource whose file the account
				 * fetched */
	/* Stories (store-story.c): post is the story's post, account
	 * its author. */
	SW_STORY_SHARE,		/* post; body: the consent; flag: named */
	SW_STORY_WITHDRAW,	/* post */
	/* Erasure and retention (store-erase.c). */
	SW_ERASE,		/* name: who; body: why; target out: the
				 * account; shas out: files to unlink */
	SW_RETENTION,		/* now; size out: posts deleted; flag out:
				 * the batch was full (more may wait) */
	/* Accounts over their whole life (store-account.c): target is
	 * the account; STORE_INVALID with flag STORE_ACCOUNT_LAST_ADMIN
	 * when it is the last admin, else it changed meanwhile. */
	SW_ROLE,		/* target; state: role now; role: new */
	SW_DEACTIVATE,		/* target; flag: 1 deactivate (body: why),
				 * 0 reactivate; state: its role */
	SW_RESET_NEW,		/* target; hash: the code's; expires_at */
	SW_RESET_USE,		/* target; hash: the code's; pwhash */
	SW_SEEN,		/* account logged in (by a token) at now */
	/* Rosters and names (store-roster.c). */
	SW_INVITE_REVOKE,	/* target: the invite; role, name (org),
				 * title (prefix) out */
	SW_PROFILE,		/* title: display name, note: pronouns (NULL:
				 * as it is, "": none); body, reason out: as
				 * stored (NULL: none) */
	SW_ORG_RENAME,		/* org; name: its new name; its channels
				 * "OLD/x" become "NEW/x" */
	SW_CHANNEL_RENAME,	/* channel; name: the new name; body: the old */
	SW_CHANNEL_ARCHIVE,	/* channel; flag: 1 archive, 0 unarchive */
	SW_ADMIN_INVITE,	/* org, hash, title (prefix), expires_at;
				 * body: whom it is for (logged) */
};

/* Posts one SW_RETENTION job deletes at most, so that a long backlog
 * (a retention just set on an old channel) is many short transactions
 * and other writes wait a few milliseconds at most between them. */
#define STORE_RETENTION_BATCH	500
/* Whether a post of some channel is past its retention at now: 1, 0,
 * or STORE_ERROR; on the loop, one index probe per such channel. */
int	store_retention_due(struct store *, int64_t now);

/* Values of rsvps.answer; stored, never renumbered. */
#define STORE_RSVP_YES		1
#define STORE_RSVP_MAYBE	2
#define STORE_RSVP_NO		3
#define STORE_RSVP_WAITING	4

/* What SW_POST_MOD, SW_THREAD_FLAG, SW_RESTRICT and SW_REPORT_STATE do. */
enum store_action {
	SA_NONE,
	SA_APPROVE, SA_REJECT, SA_HIDE, SA_UNHIDE,
	SA_LOCK, SA_UNLOCK, SA_PIN, SA_UNPIN,
	SA_MUTE, SA_UNMUTE, SA_BAN, SA_UNBAN,
	SA_ACK, SA_RESOLVE
};

struct store_write {
	enum store_wop	 op;
	int		 result;	/* STORE_OK, _NOTFOUND, _EXISTS, _INVALID, _ERROR */
	int64_t		 now;		/* seconds since the epoch; set by caller */

	/* inputs, by op (unused ones stay zero) */
	int64_t		 account;	/* acting account */
	char		 actor[PROTO_MAX_NAME + 1];	/* its name, for logs */
	int64_t		 org;		/* ORG_CREATE out; INVITE/CHANNEL in */
	int64_t		 channel;	/* JOIN LEAVE POST MARK_READ in; CHANNEL_CREATE out */
	int64_t		 session;	/* REVOKE, PASSWD (kept) in; REGISTER, SESSION_NEW out */
	int64_t		 thread;	/* POST in (0: new thread) and out */
	int64_t		 eid;		/* MARK_READ in; POST out */
	int64_t		 expires_at;	/* INVITE_CREATE */
	int		 channel_kind;	/* POST in: STORE_CHANNEL_* (org in w->org) */
	int		 state;		/* POST out: STORE_POST_* as stored */
	enum proto_role	 role;		/* INVITE_CREATE */
	uint8_t		 hash[STORE_HASH_LEN];	/* token (REGISTER, SESSION_NEW)
						 * or invite code (INVITE_CREATE) */
	uint8_t		 invite[STORE_HASH_LEN];	/* REGISTER */
	uint8_t		 cert_fp[STORE_HASH_LEN];	/* SESSION_NEW by a
							 * certificate */
	int		 by_cert;			/* cert_fp is set */
	char		 name[PROTO_MAX_CHANNEL + 1];	/* user, org or channel */
	char		 pwhash[STORE_PWHASH_MAX];	/* REGISTER, PASSWD */
	char		*title;		/* POST, owned: freed by store_write_free */
	char		*body;		/* POST, owned */
	char		*note;		/* POST in (content note), mod out; owned */
	char		*reason;	/* mod out: hidden/rejected why; owned */

	/* moderation (SW_CHANNEL_SET ... SW_LEAD) */
	enum store_action action;
	int64_t		 post;		/* the post acted on */
	int64_t		 target;	/* the account acted on */
	int64_t		 report;	/* SW_REPORT out, SW_REPORT_* in */
	int64_t		 until;		/* SW_RESTRICT mute: ends at */
	int64_t		 slow;		/* SW_CHANNEL_SET */
	int		 mode;		/* SW_CHANNEL_SET: STORE_MODE_* */
	int		 flag;		/* CHANNEL_SET anon, REPORT urgent,
					 * LEAD make (1) or remove (0) */
	int		 pending;	/* POST in: store it held */
	int		 moderator;	/* POST in: may reply to locked threads */
	int		 anonymous;	/* POST in; mod out */
	int64_t		 edits;		/* mod out */
	int64_t		 shown;		/* mod out */
	int64_t		 ts;		/* mod out: the post's own time */

	/* resources and the inbox (SW_UPLOAD_FINISH ... SW_HOURS) */
	uint8_t		 sha256[STORE_HASH_LEN];	/* an attachment */
	int		 has_file;			/* sha256 is set */
	int64_t		 size;				/* its bytes */
	int		 blob;				/* BLOB_* out */
	char		 tags[PROTO_MAX_TAGS][PROTO_MAX_TAG + 1];
	int		 ntags;
	/* Inbox items written (RESOURCE_POST, POST, POST_MOD approve:
	 * mentions): item ids and their accounts, owned; SW_INBOX_PUSHED's
	 * input in ids. */
	int64_t		*ids;
	int64_t		*accounts;
	size_t		 nids;
	int64_t		*channels;	/* MARK_READ: ids[i]'s channel, owned */

	/* SW_ORG_PROFILE: about, languages, areas, services, contact (the
	 * lists one item a line), owned */
	char		*profile[5];

	/* SW_ERASE out: the SHA-256 of each attachment no longer named,
	 * nshas of them, to unlink after the commit; owned */
	uint8_t		*shas;
	size_t		 nshas;
	int64_t		 retention;	/* SW_CHANNEL_SET: seconds, 0 kept */

	/* REGISTER out: the new account as a login would read it; POST
	 * out: the author as committed (id, organisation, names) */
	struct store_account acct;

	/* completion, run on the loop by store_drain() */
	void		(*done)(struct store_write *);
	void		*arg;
	void		*ctx;		/* caller's */
	void		*ctx2;		/* caller's */
	size_t		 held;		/* caller's: reply bytes it holds */

	struct store_write *next;	/* queue link, the store's */
};

#define STORE_ACCOUNT_LAST_ADMIN	1	/* SW_ROLE, SW_DEACTIVATE flag out */

struct store_write	*store_write_new(enum store_wop);	/* zeroed */
void			 store_write_free(struct store_write *);
/* Queue for the writer thread. Never blocks on the disk. */
void			 store_submit(struct store *, struct store_write *);
/* Run one job in its own transaction on the calling thread, before
 * store_start() (harbourd init, tests). Returns w->result. */
int			 store_write_sync(struct store *, struct store_write *);

/* "approve", "mute"...: the log's name of an action. */
const char *store_action_name(enum store_action);
/* The post a write job committed (a new post, or one a moderation job
 * changed), as a post; strings borrowed from the job. */
void	store_write_post(const struct store_write *, struct store_post *);

#endif
