/*
 * store-schema.c: the database's schema, as the ordered steps that build
 * it. PRAGMA user_version counts the steps applied; store_open() applies
 * the missing ones, each in its own transaction with its version number,
 * so a database of any earlier version is brought up to date at start.
 * A step is never edited once released: a change is a new step.
 */
#include "store-internal.h"

/*
 * Version 1: organisations, accounts and their credentials, channels
 * and membership, and the event log with the posts. Columns for what
 * comes next (moderation, anonymity, channel kinds and modes, display
 * name and time zone) are here from the start so that those features
 * need no rework of the tables. events.id is the network-wide event id;
 * AUTOINCREMENT so that an id is never reused, even after erasure. A
 * post's id is the id of the event that created it.
 */
static const char store_schema_v1[] =
	"CREATE TABLE orgs (id INTEGER PRIMARY KEY,"
	" name TEXT NOT NULL UNIQUE, created_at INTEGER NOT NULL);"
	"CREATE TABLE accounts (id INTEGER PRIMARY KEY,"
	" name TEXT NOT NULL UNIQUE,"
	" org_id INTEGER NOT NULL REFERENCES orgs(id),"
	" role INTEGER NOT NULL, pwhash TEXT NOT NULL,"
	" display_name TEXT, tz TEXT, created_at INTEGER NOT NULL);"
	"CREATE INDEX accounts_org ON accounts(org_id);"
	"CREATE TABLE invites (id INTEGER PRIMARY KEY,"
	" code_hash BLOB NOT NULL UNIQUE,"
	" org_id INTEGER NOT NULL REFERENCES orgs(id), role INTEGER NOT NULL,"
	" created_by INTEGER REFERENCES accounts(id),"
	" created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL,"
	" used_at INTEGER, used_by INTEGER REFERENCES accounts(id));"
	"CREATE TABLE sessions (id INTEGER PRIMARY KEY,"
	" account_id INTEGER NOT NULL REFERENCES accounts(id),"
	" token_hash BLOB NOT NULL UNIQUE,"
	" created_at INTEGER NOT NULL, revoked_at INTEGER);"
	"CREATE INDEX sessions_account ON sessions(account_id);"
	"CREATE TABLE channels (id INTEGER PRIMARY KEY,"
	" name TEXT NOT NULL UNIQUE, org_id INTEGER REFERENCES orgs(id),"
	" kind INTEGER NOT NULL, mode INTEGER NOT NULL DEFAULT 0,"
	" created_by INTEGER REFERENCES accounts(id),"
	" created_at INTEGER NOT NULL);"
	"CREATE TABLE members ("
	" channel_id INTEGER NOT NULL REFERENCES channels(id),"
	" account_id INTEGER NOT NULL REFERENCES accounts(id),"
	" joined_at INTEGER NOT NULL, read_eid INTEGER NOT NULL DEFAULT 0,"
	" PRIMARY KEY (channel_id, account_id)) WITHOUT ROWID;"
	"CREATE INDEX members_account ON members(account_id);"
	"CREATE TABLE events (id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" kind INTEGER NOT NULL, channel_id INTEGER REFERENCES channels(id),"
	" org_id INTEGER REFERENCES orgs(id),"
	" actor_id INTEGER REFERENCES accounts(id),"
	" post_id INTEGER, ts INTEGER NOT NULL);"
	"CREATE INDEX events_channel ON events(channel_id, id);"
	"CREATE TABLE posts (id INTEGER PRIMARY KEY REFERENCES events(id),"
	" channel_id INTEGER NOT NULL REFERENCES channels(id),"
	" thread_id INTEGER NOT NULL REFERENCES posts(id),"
	" author_id INTEGER NOT NULL REFERENCES accounts(id),"
	" title TEXT, body TEXT NOT NULL, content_note TEXT,"
	" anonymous INTEGER NOT NULL DEFAULT 0,"
	" state INTEGER NOT NULL DEFAULT 0, hidden_reason TEXT,"
	" ts INTEGER NOT NULL);"
	/* Only visible posts are ever read, counted or paged by the loop. */
	"CREATE INDEX posts_visible ON posts(channel_id, id) WHERE state = 0;"
	"CREATE INDEX posts_thread ON posts(channel_id, thread_id, id);";

/*
 * Version 2: a summary row per thread, so that the thread list is one
 * index scan instead of an aggregate over every post of the channel.
 * Kept up to date by each post; backfilled here from the posts a
 * version 1 database already holds (counting visible replies only, as
 * the writer does). locked and pinned are for moderation.
 */
static const char store_schema_v2[] =
	"CREATE TABLE threads (id INTEGER PRIMARY KEY REFERENCES posts(id),"
	" channel_id INTEGER NOT NULL REFERENCES channels(id),"
	" title TEXT NOT NULL,"
	" author_id INTEGER NOT NULL REFERENCES accounts(id),"
	" replies INTEGER NOT NULL DEFAULT 0,"
	" last_eid INTEGER NOT NULL, last_ts INTEGER NOT NULL,"
	" locked INTEGER NOT NULL DEFAULT 0,"
	" pinned INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX threads_channel ON threads(channel_id, last_eid);"
	"INSERT INTO threads (id, channel_id, title, author_id, replies,"
	"  last_eid, last_ts)"
	" SELECT r.id, r.channel_id, coalesce(r.title, ''), r.author_id,"
	"  (SELECT count(*) FROM posts p WHERE p.channel_id = r.channel_id"
	"   AND p.thread_id = r.id AND p.id > r.id AND p.state = 0),"
	"  l.id, l.ts"
	" FROM posts r JOIN posts l ON l.id = coalesce("
	"  (SELECT max(p.id) FROM posts p WHERE p.channel_id = r.channel_id"
	"   AND p.thread_id = r.id AND p.state = 0), r.id)"
	" WHERE r.id = r.thread_id;";

/*
 * Version 3: client certificates bound to accounts. Only the SHA-256
 * fingerprint of the certificate's DER is needed to log in; the serial
 * number is kept so that a revocation can be written into the CRL.
 */
static const char store_schema_v3[] =
	"CREATE TABLE certs (fingerprint BLOB PRIMARY KEY,"
	" account_id INTEGER NOT NULL REFERENCES accounts(id),"
	" serial TEXT NOT NULL UNIQUE, not_after INTEGER NOT NULL,"
	" created_at INTEGER NOT NULL, revoked_at INTEGER);"
	"CREATE INDEX certs_account ON certs(account_id);";

/*
 * Version 4: leaner posting. events.post_id names the post an event is
 * about when that post is another event's (a later hide, an edit); a
 * post's own event leaves it NULL, since the post's id is the event's,
 * which saves an UPDATE per post. The index on (channel_id, id) served
 * no query (history reads the posts table): each post paid for it.
 */
static const char store_schema_v4[] =
	"UPDATE events SET post_id = NULL WHERE kind = 1 AND post_id = id;"
	"DROP INDEX events_channel;";

/*
 * Version 5: events without AUTOINCREMENT, which cost every post a
 * second b-tree write (the sqlite_sequence row) and a read of it, about
 * a seventh of the writer's instructions. Event ids are still never
 * reused: SQLite gives a new row the largest id plus one, and a trigger
 * refuses to delete an event, so the largest id can never go away
 * (erasing a post blanks it and keeps its event). The table is rebuilt
 * with the same columns and ids; the writer runs without foreign-key
 * enforcement (store.c), so dropping the old table disturbs no row
 * that refers to it.
 */
static const char store_schema_v5[] =
	"CREATE TABLE events_v5 (id INTEGER PRIMARY KEY,"
	" kind INTEGER NOT NULL, channel_id INTEGER REFERENCES channels(id),"
	" org_id INTEGER REFERENCES orgs(id),"
	" actor_id INTEGER REFERENCES accounts(id),"
	" post_id INTEGER, ts INTEGER NOT NULL);"
	"INSERT INTO events_v5 (id, kind, channel_id, org_id, actor_id,"
	" post_id, ts) SELECT id, kind, channel_id, org_id, actor_id,"
	" post_id, ts FROM events;"
	"DROP TABLE events;"
	"ALTER TABLE events_v5 RENAME TO events;"
	"CREATE TRIGGER events_kept BEFORE DELETE ON events BEGIN"
	" SELECT RAISE(ABORT, 'events are never deleted');"
	" END;";

/*
 * Version 6: posts of every state are read, since what a reader gets of
 * a held, hidden or deleted post is decided per reader (view.c): the
 * partial index of visible posts gives way to one of every post by
 * channel. One index either way, so a post costs the same to write.
 */
static const char store_schema_v6[] =
	"CREATE INDEX posts_channel ON posts(channel_id, id);"
	"DROP INDEX posts_visible;";

/*
 * Version 7: a session made by a certificate login remembers the
 * certificate, so that revoking the certificate also ends the sessions
 * (and tokens) it gave: a token resumes only while its certificate is
 * live.
 */
static const char store_schema_v7[] =
	"ALTER TABLE sessions ADD COLUMN cert_fp BLOB;";

/*
 * Version 8: suspension, and the moderation log. The log is append-only:
 * triggers refuse to change or delete an entry, whoever asks, so that no
 * path (the protocol, a bug, a hand with sqlite3 that forgets) can
 * rewrite what a moderator or admin did. An entry is written in the same
 * transaction as its effect: no effect without its entry, no entry
 * without its effect.
 */
static const char store_schema_v8[] =
	"ALTER TABLE accounts ADD COLUMN suspended_at INTEGER;"
	"ALTER TABLE accounts ADD COLUMN suspended_reason TEXT;"
	"CREATE TABLE modlog (id INTEGER PRIMARY KEY,"
	" ts INTEGER NOT NULL,"
	" actor_id INTEGER REFERENCES accounts(id),"
	" action TEXT NOT NULL,"
	" channel_id INTEGER REFERENCES channels(id),"
	" account_id INTEGER REFERENCES accounts(id),"
	" post_id INTEGER REFERENCES posts(id),"
	" reason TEXT);"
	"CREATE INDEX modlog_channel ON modlog(channel_id, id);"
	"CREATE TRIGGER modlog_kept_update BEFORE UPDATE ON modlog BEGIN"
	" SELECT RAISE(ABORT, 'the moderation log is never changed');"
	" END;"
	"CREATE TRIGGER modlog_kept_delete BEFORE DELETE ON modlog BEGIN"
	" SELECT RAISE(ABORT, 'the moderation log is never changed');"
	" END;";

/*
 * Version 9: moderation and safeguarding.
 *
 * - channels: anon (members may post anonymously), slow (seconds between
 *   one member's posts, 0 off); mode (0 open, 1 pre, 2 announce) was
 *   there from version 1.
 * - accounts.lead: a safeguarding lead of its organisation.
 * - posts: rev_eid, the last event that changed the post (an approval,
 *   a hide, an edit; NULL when none has), so that sync hands each post
 *   out once, at its newest event, in its current state; shown_eid, for
 *   an approved post the approval's event, which is when members first
 *   see it (unread counts and markers use it); edits, how many times it
 *   was edited. Partial indexes: only approved posts pay for the one,
 *   only held posts (the moderators' queue) for the other.
 * - post_versions: the texts a post had before each edit, for its
 *   moderators.
 * - restrictions: mutes (kind 1, until a time) and bans (kind 2) of an
 *   account in a channel.
 * - reports, with their state (0 open, 1 acknowledged, 2 resolved) and
 *   escalation.
 */
static const char store_schema_v9[] =
	"ALTER TABLE channels ADD COLUMN anon INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE channels ADD COLUMN slow INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE accounts ADD COLUMN lead INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE posts ADD COLUMN rev_eid INTEGER;"
	"ALTER TABLE posts ADD COLUMN shown_eid INTEGER;"
	"ALTER TABLE posts ADD COLUMN edits INTEGER NOT NULL DEFAULT 0;"
	"CREATE INDEX posts_shown ON posts(channel_id, shown_eid)"
	" WHERE shown_eid IS NOT NULL;"
	"CREATE INDEX posts_held ON posts(id) WHERE state = 1;"
	"CREATE TABLE post_versions (id INTEGER PRIMARY KEY,"
	" post_id INTEGER NOT NULL REFERENCES posts(id),"
	" eid INTEGER NOT NULL REFERENCES events(id),"
	" title TEXT, body TEXT NOT NULL, ts INTEGER NOT NULL);"
	"CREATE INDEX post_versions_post ON post_versions(post_id, id);"
	"CREATE TABLE restrictions ("
	" channel_id INTEGER NOT NULL REFERENCES channels(id),"
	" account_id INTEGER NOT NULL REFERENCES accounts(id),"
	" kind INTEGER NOT NULL, until INTEGER, reason TEXT,"
	" by_id INTEGER REFERENCES accounts(id), ts INTEGER NOT NULL,"
	" PRIMARY KEY (channel_id, account_id, kind)) WITHOUT ROWID;"
	"CREATE TABLE reports (id INTEGER PRIMARY KEY,"
	" post_id INTEGER NOT NULL REFERENCES posts(id),"
	" channel_id INTEGER NOT NULL REFERENCES channels(id),"
	" reporter_id INTEGER NOT NULL REFERENCES accounts(id),"
	" reason TEXT NOT NULL, urgent INTEGER NOT NULL DEFAULT 0,"
	" state INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL,"
	" acked_by INTEGER REFERENCES accounts(id), acked_at INTEGER,"
	" resolved_by INTEGER REFERENCES accounts(id), resolved_at INTEGER,"
	" note TEXT, escalated_at INTEGER);"
	"CREATE INDEX reports_state ON reports(state, id);"
	"CREATE INDEX reports_channel ON reports(channel_id, id);";

/*
 * Version 10: full-text search. An FTS5 table of each post's current
 * text (its title when it starts a thread, and its body), rowid the
 * post's id, with the trigram tokenizer: it needs no word boundaries,
 * so Chinese without spaces, Arabic, Ukrainian and emoji are found as
 * readily as English. It keeps its own copy of the text, so a post's
 * row can be replaced or dropped (an edit, a delete) without the old
 * text. search_state.indexed is the highest post id indexed: the writer
 * indexes new posts when it is idle (store-search.c), so posting pays
 * nothing for search; existing posts are indexed the same way after
 * this step.
 */
static const char store_schema_v10[] =
	"CREATE VIRTUAL TABLE posts_fts USING fts5(title, body,"
	" tokenize = 'trigram');"
	"CREATE TABLE search_state (id INTEGER PRIMARY KEY CHECK (id = 1),"
	" indexed INTEGER NOT NULL);"
	"INSERT INTO search_state (id, indexed) VALUES (1, 0);";

/*
 * Version 11: resources, subscriptions, the inbox and working hours.
 *
 * - resources: a title, tags, a summary and a link or an attached file,
 *   shared network-wide by an organisation. A resource's id is its
 *   event's (events.kind 3), which carries the organisation, the poster
 *   and the time for the programme's report; deleting one marks it.
 * - attachments: the files on disk (store-resource.c, blob.c), one row
 *   per content hash, so that harbourd check and backup know which
 *   files must be there; uploads, which account sent which whole file,
 *   since a resource may only name a file its poster sent (a file
 *   stored once for two senders is each one's).
 * - resources_fts: the search index of resources (title, summary and
 *   tags), trigram like the posts'; written with the resource itself,
 *   since resources are few.
 * - subscriptions: a tag followed by a person (account_id) or by a
 *   whole organisation (org_id), never both.
 * - inbox: what waits for one person (kind 1 a resource, 2 a mention:
 *   ref the resource or the post), written in the transaction of what
 *   caused it, so it survives a crash. Once per person and thing by
 *   construction, not by an index: a new resource's rows come from one
 *   SELECT DISTINCT, and a post names each person once, when it is
 *   first shown (posted, or approved: once). One index, by account: an
 *   announcement to a thousand people writes a thousand of its pages,
 *   and a second index would write as many again. pushed: it went out
 *   live or in a digest; read_at: the person marked it read.
 * - working hours: accounts.hours with accounts.tz (there since
 *   version 1), and an organisation's default, orgs.hours and orgs.tz.
 */
static const char store_schema_v11[] =
	"CREATE TABLE resources (id INTEGER PRIMARY KEY REFERENCES events(id),"
	" account_id INTEGER NOT NULL REFERENCES accounts(id),"
	" org_id INTEGER NOT NULL REFERENCES orgs(id),"
	" title TEXT NOT NULL, summary TEXT, url TEXT,"
	" sha256 BLOB, size INTEGER, type TEXT, ts INTEGER NOT NULL,"
	" deleted_at INTEGER, deleted_by INTEGER REFERENCES accounts(id));"
	"CREATE INDEX resources_org ON resources(org_id, id);"
	"CREATE TABLE resource_tags (tag TEXT NOT NULL,"
	" resource_id INTEGER NOT NULL REFERENCES resources(id),"
	" PRIMARY KEY (tag, resource_id)) WITHOUT ROWID;"
	"CREATE INDEX resource_tags_resource ON resource_tags(resource_id);"
	"CREATE TABLE attachments (sha256 BLOB PRIMARY KEY,"
	" size INTEGER NOT NULL, type TEXT NOT NULL, ts INTEGER NOT NULL)"
	" WITHOUT ROWID;"
	"CREATE TABLE uploads (account_id INTEGER NOT NULL"
	" REFERENCES accounts(id), sha256 BLOB NOT NULL, ts INTEGER NOT NULL,"
	" PRIMARY KEY (account_id, sha256)) WITHOUT ROWID;"
	"CREATE VIRTUAL TABLE resources_fts USING fts5(title, summary, tags,"
	" tokenize = 'trigram');"
	"CREATE TABLE subscriptions (id INTEGER PRIMARY KEY,"
	" tag TEXT NOT NULL,"
	" account_id INTEGER REFERENCES accounts(id),"
	" org_id INTEGER REFERENCES orgs(id), ts INTEGER NOT NULL,"
	" CHECK ((account_id IS NULL) <> (org_id IS NULL)));"
	"CREATE UNIQUE INDEX subscriptions_account ON subscriptions(account_id,"
	" tag) WHERE account_id IS NOT NULL;"
	"CREATE UNIQUE INDEX subscriptions_org ON subscriptions(org_id, tag)"
	" WHERE org_id IS NOT NULL;"
	"CREATE INDEX subscriptions_tag ON subscriptions(tag);"
	"CREATE TABLE inbox (id INTEGER PRIMARY KEY,"
	" account_id INTEGER NOT NULL REFERENCES accounts(id),"
	" kind INTEGER NOT NULL, ref INTEGER NOT NULL, ts INTEGER NOT NULL,"
	" pushed INTEGER NOT NULL DEFAULT 0, read_at INTEGER);"
	"CREATE INDEX inbox_account ON inbox(account_id, id);"
	"ALTER TABLE accounts ADD COLUMN hours TEXT;"
	"ALTER TABLE orgs ADD COLUMN hours TEXT;"
	"ALTER TABLE orgs ADD COLUMN tz TEXT;";

/*
 * Version 12: private groups and one-to-one conversations. A group's
 * title (channels of kind 2, named group/NAME, whose members are added
 * by its facilitators); a conversation is a channel of kind 3, named
 * dm/USER1+USER2, with its two people as members. blocks: whom an
 * account refuses messages from. An organisation's profile for the
 * directory: about, contact, and its languages (ISO 639 codes), areas
 * and services, each list one item a line.
 * The programme's calendar: events (workshops, sessions) with their
 * start in UTC and the creator's zone, tags, the answers people gave
 * (rsvps: 1 yes, 2 maybe, 3 no, 4 waiting, in seq order) and who came
 * (attendance), each row with the person's organisation then, for the
 * programme report; rsvp_log, every answer as it was given (a sign-up
 * and a later cancellation are two rows), for the same report; reminded: bit 1 the day-before reminder went out,
 * bit 2 the hour-before one. inbox.note: what an item says happened.
 */
static const char store_schema_v12[] =
	"ALTER TABLE channels ADD COLUMN title TEXT;"
	"ALTER TABLE orgs ADD COLUMN about TEXT;"
	"ALTER TABLE orgs ADD COLUMN languages TEXT;"
	"ALTER TABLE orgs ADD COLUMN areas TEXT;"
	"ALTER TABLE orgs ADD COLUMN services TEXT;"
	"ALTER TABLE orgs ADD COLUMN contact TEXT;"
	"ALTER TABLE inbox ADD COLUMN note TEXT;"
	"CREATE TABLE calendar (id INTEGER PRIMARY KEY,"
	" title TEXT NOT NULL, start INTEGER NOT NULL,"
	" duration INTEGER NOT NULL, tz TEXT NOT NULL, capacity INTEGER,"
	" place TEXT, channel_id INTEGER REFERENCES channels(id),"
	" org_id INTEGER REFERENCES orgs(id),"
	" account_id INTEGER NOT NULL REFERENCES accounts(id),"
	" creator_org INTEGER NOT NULL REFERENCES orgs(id),"
	" summary TEXT, created_at INTEGER NOT NULL,"
	" cancelled_at INTEGER, cancel_reason TEXT,"
	" reminded INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX calendar_start ON calendar(start);"
	"CREATE TABLE calendar_tags (tag TEXT NOT NULL,"
	" event_id INTEGER NOT NULL REFERENCES calendar(id),"
	" PRIMARY KEY (tag, event_id)) WITHOUT ROWID;"
	"CREATE TABLE rsvps (event_id INTEGER NOT NULL REFERENCES calendar(id),"
	" account_id INTEGER NOT NULL REFERENCES accounts(id),"
	" org_id INTEGER NOT NULL REFERENCES orgs(id),"
	" answer INTEGER NOT NULL, seq INTEGER NOT NULL, ts INTEGER NOT NULL,"
	" PRIMARY KEY (event_id, account_id)) WITHOUT ROWID;"
	"CREATE TABLE rsvp_log (id INTEGER PRIMARY KEY,"
	" event_id INTEGER NOT NULL REFERENCES calendar(id),"
	" account_id INTEGER NOT NULL REFERENCES accounts(id),"
	" org_id INTEGER NOT NULL REFERENCES orgs(id),"
	" answer INTEGER NOT NULL, ts INTEGER NOT NULL);"
	"CREATE INDEX rsvp_log_event ON rsvp_log(event_id, id);"
	"CREATE TABLE attendance ("
	" event_id INTEGER NOT NULL REFERENCES calendar(id),"
	" account_id INTEGER NOT NULL REFERENCES accounts(id),"
	" org_id INTEGER NOT NULL REFERENCES orgs(id),"
	" by_id INTEGER REFERENCES accounts(id), ts INTEGER NOT NULL,"
	" PRIMARY KEY (event_id, account_id)) WITHOUT ROWID;"
	"CREATE TABLE blocks (account_id INTEGER NOT NULL"
	" REFERENCES accounts(id), blocked_id INTEGER NOT NULL"
	" REFERENCES accounts(id), ts INTEGER NOT NULL,"
	" PRIMARY KEY (account_id, blocked_id)) WITHOUT ROWID;";

/*
 * Version 13: read ranges, so that unread means "not shown to you". A
 * single marker per membership (members.read_eid) cannot say "read the
 * newest post but not the eight before it", nor "read thread 5 but not
 * the others". read_ranges holds, per member and channel, disjoint
 * ranges [lo, hi] of post ids shown to the account: a post is read when
 * its id lies in one, or at or below members.read_eid (which stays the
 * floor: a range that reaches down to it is folded into it). Ranges
 * join when no other post that could be unread lies between them, so
 * someone who reads everything keeps no range at all, and posting
 * writes nothing per reader. The existing markers keep their meaning.
 */
static const char store_schema_v13[] =
	"CREATE TABLE read_ranges ("
	" account_id INTEGER NOT NULL REFERENCES accounts(id),"
	" channel_id INTEGER NOT NULL REFERENCES channels(id),"
	" lo INTEGER NOT NULL, hi INTEGER NOT NULL,"
	" PRIMARY KEY (account_id, channel_id, lo)) WITHOUT ROWID;";

/*
 * Version 14: the programme's report and people's data rights.
 *
 * - activity: that an account read something in a calendar month (UTC,
 *   as yyyymm), with its organisation then, so that the report can count
 *   "active members (posted, read or attended)": posting and attending
 *   are in events and attendance already; reading left no dated trace.
 *   One row per account and month at most, written the first time in a
 *   month the account reads (the loop remembers it wrote one).
 * - fetches: the first time an account fetched a resource's file, with
 *   its organisation, for "resources fetched".
 * - stories: a post its author shared as a story for the programme's
 *   report, with the consent's words and time, and whether the consent
 *   allows naming the author and their organisation; withdrawn_at ends
 *   it for good (a withdrawn story is never shared again).
 * - channels.retention: seconds after which the daemon deletes a post
 *   of the channel (0: kept).
 * - accounts.erased_at: the account was erased (anonymised; its posts
 *   read "[removed]"); the modlog keeps who did it, when and why.
 */
static const char store_schema_v14[] =
	"CREATE TABLE activity ("
	" month INTEGER NOT NULL,"
	" account_id INTEGER NOT NULL REFERENCES accounts(id),"
	" org_id INTEGER NOT NULL REFERENCES orgs(id),"
	" PRIMARY KEY (month, account_id)) WITHOUT ROWID;"
	"CREATE TABLE fetches ("
	" resource_id INTEGER NOT NULL REFERENCES resources(id),"
	" account_id INTEGER NOT NULL REFERENCES accounts(id),"
	" org_id INTEGER NOT NULL REFERENCES orgs(id), ts INTEGER NOT NULL,"
	" PRIMARY KEY (resource_id, account_id)) WITHOUT ROWID;"
	"CREATE TABLE stories (id INTEGER PRIMARY KEY,"
	" post_id INTEGER NOT NULL UNIQUE REFERENCES posts(id),"
	" account_id INTEGER NOT NULL REFERENCES accounts(id),"
	" consent TEXT NOT NULL, named INTEGER NOT NULL DEFAULT 0,"
	" ts INTEGER NOT NULL, withdrawn_at INTEGER);"
	"ALTER TABLE channels ADD COLUMN retention INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE accounts ADD COLUMN erased_at INTEGER;";

/*
 * Version 15: accounts over their whole life, and an organisation's
 * roster its own.
 *
 * - accounts: deactivated_at and deactivated_reason (someone who left:
 *   no login, posts and name kept; unlike a suspension, not a
 *   sanction), pronouns (with display_name, from version 1), last_seen
 *   (the last login, for the roster).
 * - resets: single-use, expiring password reset codes an admin or the
 *   account's org-admin made, hashed as invite codes are.
 * - invites: revoked_at and revoked_by; code_prefix, the first
 *   characters of the code (too few to use it), so that an invite can
 *   be listed and revoked by what its maker was shown.
 * - channels.archived_at: read-only, and left out of the channel list
 *   unless asked for.
 */
static const char store_schema_v15[] =
	"ALTER TABLE accounts ADD COLUMN deactivated_at INTEGER;"
	"ALTER TABLE accounts ADD COLUMN deactivated_reason TEXT;"
	"ALTER TABLE accounts ADD COLUMN pronouns TEXT;"
	"ALTER TABLE accounts ADD COLUMN last_seen INTEGER;"
	"CREATE TABLE resets (id INTEGER PRIMARY KEY,"
	" account_id INTEGER NOT NULL REFERENCES accounts(id),"
	" code_hash BLOB NOT NULL UNIQUE,"
	" created_by INTEGER REFERENCES accounts(id),"
	" created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL,"
	" used_at INTEGER);"
	"CREATE INDEX resets_account ON resets(account_id);"
	"ALTER TABLE invites ADD COLUMN revoked_at INTEGER;"
	"ALTER TABLE invites ADD COLUMN revoked_by INTEGER REFERENCES accounts(id);"
	"ALTER TABLE invites ADD COLUMN code_prefix TEXT;"
	"ALTER TABLE channels ADD COLUMN archived_at INTEGER;";

const char *const store_migrations[STORE_SCHEMA_VERSION] = {
	store_schema_v1,
	store_schema_v2,
	store_schema_v3,
	store_schema_v4,
	store_schema_v5,
	store_schema_v6,
	store_schema_v7,
	store_schema_v8,
	store_schema_v9,
	store_schema_v10,
	store_schema_v11,
	store_schema_v12,
	store_schema_v13,
	store_schema_v14,
	store_schema_v15,
};
_Static_assert(sizeof store_migrations / sizeof store_migrations[0] ==
    STORE_SCHEMA_VERSION,
    "one migration step per schema version");
