/*
 * store-group.c: the channels of a few people, in the store: private
 * groups (adding and removing a group's members, each in the moderation
 * log, in its own transaction, and its member list), one-to-one
 * conversations with the blocks that refuse them, and the directory of
 * the network's organisations, by which people find each other.
 *
 * A group is a channel of kind 2 (STORE_CHANNEL_GROUP) named
 * group/NAME, made by SW_CHANNEL_CREATE with its creator in it. Its
 * members are rows of members, as any channel's, but nobody joins a
 * group: its facilitators add people. Everything that reads a group
 * (the channel list, search, mentions, reports) asks for a members row,
 * so a row is the whole of who may know the group exists.
 */
#include <stdlib.h>
#include <string.h>

#include "store-internal.h"
#include "util.h"

const char *const store_group_read_sql[GR__COUNT] = {
	[GR_MEMBERS] = "SELECT a.name, o.name, a.role FROM members m"
	    " JOIN accounts a ON a.id = m.account_id"
	    " JOIN orgs o ON o.id = a.org_id"
	    " WHERE m.channel_id = ?1 ORDER BY a.name",
	[GR_SHARE] = "SELECT 1 FROM members x"
	    " JOIN members y ON y.channel_id = x.channel_id"
	    " JOIN channels c ON c.id = x.channel_id"
	    " WHERE x.account_id = ?1 AND y.account_id = ?2"
	    " AND c.kind IN (0, 1, 2) LIMIT 1",
	[GR_BLOCKED] = "SELECT 1 FROM blocks WHERE account_id = ?1"
	    " AND blocked_id = ?2",
	[GR_BLOCKS] = "SELECT a.name FROM blocks b"
	    " JOIN accounts a ON a.id = b.blocked_id"
	    " WHERE b.account_id = ?1 ORDER BY a.name",
	/* Unread as channel.list counts it. (The other person is named
	 * by the channel: they may have left it, by a block.) */
	[GR_DMS] = "SELECT c.name,"
	    " (SELECT count(*) FROM posts p WHERE p.channel_id = c.id"
	    "  AND p.id > m.read_eid AND" STORE_SEEN("p", "c") " AND"
	    STORE_UNREAD("p", "m") "),"
	    " coalesce(t.last_eid, 0), coalesce(t.last_ts, 0)"
	    " FROM members m JOIN channels c ON c.id = m.channel_id"
	    " LEFT JOIN threads t ON t.channel_id = c.id"
	    " WHERE m.account_id = ?20 AND c.kind = 3"
	    " ORDER BY coalesce(t.last_eid, 0) DESC",
	/* Lists are one item a line: a whole line matches a language; an
	 * area or service matches inside a line. */
	[GR_DIRECTORY] = "SELECT name, about, languages, areas, services,"
	    " contact FROM orgs WHERE (?4 IS NULL OR name = ?4)"
	    " AND (?1 IS NULL OR instr(char(10) || coalesce(languages, '')"
	    "  || char(10), char(10) || ?1 || char(10)) > 0)"
	    " AND (?2 IS NULL OR instr(lower(coalesce(areas, '')), lower(?2)) > 0)"
	    " AND (?3 IS NULL OR instr(lower(coalesce(services, '')),"
	    "  lower(?3)) > 0) ORDER BY name",
};

const char *const store_group_write_sql[GQ__COUNT] = {
	[GQ_DM_MAKE] = "INSERT INTO channels (name, kind, created_by,"
	    " created_at) SELECT ?1, 3, ?2, ?3"
	    " WHERE NOT EXISTS (SELECT 1 FROM channels WHERE name = ?1)",
	[GQ_DM_ID] = "SELECT id FROM channels WHERE name = ?1 AND kind = 3",
	[GQ_DM_MEMBER] = "INSERT INTO members (channel_id, account_id,"
	    " joined_at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
	[GQ_DM_ITEM] = "INSERT INTO inbox (account_id, kind, ref, ts)"
	    " VALUES (?1, 6, ?2, ?3) RETURNING id, account_id",
	[GQ_DM_ROOT] = "SELECT id FROM threads WHERE channel_id = ?1"
	    " ORDER BY id LIMIT 1",
	[GQ_BLOCK] = "INSERT INTO blocks (account_id, blocked_id, ts)"
	    " SELECT ?1, id, ?3 FROM accounts WHERE id = ?2"
	    " ON CONFLICT DO NOTHING",
	[GQ_UNBLOCK] = "DELETE FROM blocks WHERE account_id = ?1"
	    " AND blocked_id = ?2",
	/* NULL keeps a field, "" clears it. */
	[GQ_PROFILE] = "UPDATE orgs SET"
	    " about = CASE WHEN ?2 IS NULL THEN about ELSE nullif(?2, '') END,"
	    " languages = CASE WHEN ?3 IS NULL THEN languages"
	    "  ELSE nullif(?3, '') END,"
	    " areas = CASE WHEN ?4 IS NULL THEN areas ELSE nullif(?4, '') END,"
	    " services = CASE WHEN ?5 IS NULL THEN services"
	    "  ELSE nullif(?5, '') END,"
	    " contact = CASE WHEN ?6 IS NULL THEN contact"
	    "  ELSE nullif(?6, '') END WHERE id = ?1",
	[GQ_DM_LEAVE] = "DELETE FROM members WHERE account_id = ?2"
	    " AND channel_id = (SELECT id FROM channels WHERE name = ?1"
	    " AND kind = 3) RETURNING channel_id",
	/* Only into a group: an organisation's or a peer channel is
	 * joined, never added to. */
	[GQ_ADD] = "INSERT INTO members (channel_id, account_id, joined_at)"
	    " SELECT c.id, a.id, ?3 FROM channels c, accounts a"
	    " WHERE c.id = ?1 AND c.kind = 2 AND a.id = ?2",
	[GQ_REMOVE] = "DELETE FROM members WHERE channel_id = ?1"
	    " AND account_id = ?2"
	    " AND EXISTS (SELECT 1 FROM channels WHERE id = ?1 AND kind = 2)",
};

int
store_group_members(struct store *s, int64_t channel, store_member_cb cb,
    void *arg)
{
	sqlite3_stmt	*st = s->gr[GR_MEMBERS];
	int		 rc;

	sqlite3_bind_int64(st, 1, channel);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (cb(arg, (const char *)sqlite3_column_text(st, 0),
		    (const char *)sqlite3_column_text(st, 1),
		    (enum proto_role)sqlite3_column_int(st, 2)) != 0)
			break;
	store_stmt_done(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK :
	    store_result(s->rdb, rc);
}

/* All or nothing: one already in it (a unique row) or gone fails the
 * job, and its savepoint takes the others back out. */
static int
store_op_group_add(struct store *s, struct store_write *w)
{
	sqlite3_stmt	*st;
	size_t		 i;
	int		 r;

	for (i = 0; i < w->nids; i++) {
		st = s->gq[GQ_ADD];
		sqlite3_bind_int64(st, 1, w->channel);
		sqlite3_bind_int64(st, 2, w->ids[i]);
		sqlite3_bind_int64(st, 3, w->now);
		if ((r = store_insert(s, st)) != STORE_OK)
			return r;
		if ((r = store_modlog_add(s, w, "add", w->channel, w->ids[i],
		    0, NULL)) != STORE_OK)
			return r;
	}
	return STORE_OK;
}

static int
store_op_group_remove(struct store *s, struct store_write *w)
{
	sqlite3_stmt	*st = s->gq[GQ_REMOVE];
	int		 r, changes;

	sqlite3_bind_int64(st, 1, w->channel);
	sqlite3_bind_int64(st, 2, w->target);
	if ((r = store_run(s, st, &changes)) != STORE_OK)
		return r;
	if (changes == 0)
		return STORE_NOTFOUND;
	return store_modlog_add(s, w, "remove", w->channel, w->target, 0,
	    NULL);
}

/* ---- conversations and blocks ------------------------------------- */

static int
store_group_one(struct store *s, sqlite3_stmt *st)
{
	int	rc = sqlite3_step(st);

	store_stmt_done(st);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : store_result(s->rdb, rc);
}

int
store_share_channel(struct store *s, int64_t a, int64_t b)
{
	sqlite3_stmt	*st = s->gr[GR_SHARE];

	sqlite3_bind_int64(st, 1, a);
	sqlite3_bind_int64(st, 2, b);
	return store_group_one(s, st);
}

int
store_blocks_account(struct store *s, int64_t account, int64_t other)
{
	sqlite3_stmt	*st = s->gr[GR_BLOCKED];

	sqlite3_bind_int64(st, 1, account);
	sqlite3_bind_int64(st, 2, other);
	return store_group_one(s, st);
}

int
store_blocks(struct store *s, int64_t account, store_name_cb cb, void *arg)
{
	sqlite3_stmt	*st = s->gr[GR_BLOCKS];
	int		 rc;

	sqlite3_bind_int64(st, 1, account);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (cb(arg, (const char *)sqlite3_column_text(st, 0)) != 0)
			break;
	store_stmt_done(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK :
	    store_result(s->rdb, rc);
}

int
store_dms(struct store *s, const struct store_viewer *v, store_dm_cb cb,
    void *arg)
{
	sqlite3_stmt	*st = s->gr[GR_DMS];
	struct store_dm	 d;
	int		 rc;

	store_bind_viewer(st, v);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		d.channel = (const char *)sqlite3_column_text(st, 0);
		d.unread = sqlite3_column_int64(st, 1);
		d.last_eid = sqlite3_column_int64(st, 2);
		d.last_ts = sqlite3_column_int64(st, 3);
		if (cb(arg, &d) != 0)
			break;
	}
	store_stmt_done(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK :
	    store_result(s->rdb, rc);
}

int
store_directory(struct store *s, const char *org, const char *language,
    const char *area, const char *service, store_profile_cb cb, void *arg)
{
	sqlite3_stmt		*st = s->gr[GR_DIRECTORY];
	struct store_profile	 p;
	int			 rc;

	if (language != NULL)
		sqlite3_bind_text(st, 1, language, -1, SQLITE_STATIC);
	if (area != NULL)
		sqlite3_bind_text(st, 2, area, -1, SQLITE_STATIC);
	if (service != NULL)
		sqlite3_bind_text(st, 3, service, -1, SQLITE_STATIC);
	if (org != NULL)
		sqlite3_bind_text(st, 4, org, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		p.org = (const char *)sqlite3_column_text(st, 0);
		p.about = (const char *)sqlite3_column_text(st, 1);
		p.languages = (const char *)sqlite3_column_text(st, 2);
		p.areas = (const char *)sqlite3_column_text(st, 3);
		p.services = (const char *)sqlite3_column_text(st, 4);
		p.contact = (const char *)sqlite3_column_text(st, 5);
		if (cb(arg, &p) != 0)
			break;
	}
	store_stmt_done(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK :
	    store_result(s->rdb, rc);
}

static int
store_op_profile(struct store *s, struct store_write *w)
{
	sqlite3_stmt	*st = s->gq[GQ_PROFILE];
	int		 i, r, changes;

	sqlite3_bind_int64(st, 1, w->org);
	for (i = 0; i < 5; i++)
		if (w->profile[i] != NULL)
			sqlite3_bind_text(st, i + 2, w->profile[i], -1,
			    SQLITE_STATIC);
	if ((r = store_run(s, st, &changes)) != STORE_OK)
		return r;
	return changes == 0 ? STORE_NOTFOUND : STORE_OK;
}

static int
store_dm_id(struct store *s, struct store_write *w)
{
	sqlite3_stmt	*st = s->gq[GQ_DM_ID];
	int		 rc;

	sqlite3_bind_text(st, 1, w->name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		w->channel = sqlite3_column_int64(st, 0);
	store_stmt_done(st);
	if (rc == SQLITE_ROW)
		return STORE_OK;
	return rc == SQLITE_DONE ? STORE_NOTFOUND : store_result(s->wdb, rc);
}

/* The conversation, made when there is none, with both people in it
 * (again: one may have left it by blocking the other, since). */
static int
store_dm_open(struct store *s, struct store_write *w)
{
	sqlite3_stmt	*st = s->gq[GQ_DM_MAKE];
	int64_t		 who[2] = { w->account, w->target };
	int		 r, changes, i;

	sqlite3_bind_text(st, 1, w->name, -1, SQLITE_STATIC);
	store_bind_account(st, 2, w->account);
	sqlite3_bind_int64(st, 3, w->now);
	if ((r = store_run(s, st, &changes)) != STORE_OK)
		return r;
	w->flag = changes > 0;
	if ((r = store_dm_id(s, w)) != STORE_OK)
		return r;
	for (i = 0; i < 2; i++) {
		st = s->gq[GQ_DM_MEMBER];
		sqlite3_bind_int64(st, 1, w->channel);
		sqlite3_bind_int64(st, 2, who[i]);
		sqlite3_bind_int64(st, 3, w->now);
		if ((r = store_run(s, st, NULL)) != STORE_OK)
			return r;
	}
	return STORE_OK;
}

/* A message: the conversation's first post starts its one thread, the
 * others reply in it. Everything is found again on a second run (the
 * careful path), nothing taken from the first. */
static int
store_op_dm(struct store *s, struct store_write *w)
{
	sqlite3_stmt	*st;
	int		 r, rc;

	w->thread = w->eid = 0;
	if ((r = store_dm_open(s, w)) != STORE_OK)
		return r;
	st = s->gq[GQ_DM_ROOT];
	sqlite3_bind_int64(st, 1, w->channel);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		w->thread = sqlite3_column_int64(st, 0);
	store_stmt_done(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_result(s->wdb, rc);
	w->channel_kind = STORE_CHANNEL_DM;
	w->org = 0;
	if ((r = store_op_post(s, w)) != STORE_OK)
		return r;
	/* The other person's copy: an item of their inbox, so that their
	 * working hours decide when it is pushed (bus.c, bus-inbox.c). */
	store_write_items_reset(w);
	st = s->gq[GQ_DM_ITEM];
	sqlite3_bind_int64(st, 1, w->target);
	sqlite3_bind_int64(st, 2, w->eid);
	sqlite3_bind_int64(st, 3, w->now);
	return store_inbox_returned(s, st, w);
}

static int
store_op_block(struct store *s, struct store_write *w)
{
	sqlite3_stmt	*st = s->gq[w->flag ? GQ_BLOCK : GQ_UNBLOCK];
	int		 r, changes, rc;

	sqlite3_bind_int64(st, 1, w->account);
	sqlite3_bind_int64(st, 2, w->target);
	if (w->flag)
		sqlite3_bind_int64(st, 3, w->now);
	if ((r = store_run(s, st, &changes)) != STORE_OK)
		return r;
	w->channel = 0;
	if (!w->flag)
		return changes == 0 ? STORE_NOTFOUND : STORE_OK;
	/* The blocker's side of their conversation ends. */
	st = s->gq[GQ_DM_LEAVE];
	sqlite3_bind_text(st, 1, w->name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, w->account);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		w->channel = sqlite3_column_int64(st, 0);
	store_stmt_done(st);
	return rc == SQLITE_DONE ? STORE_OK : store_result(s->wdb, rc);
}

int
store_op_group(struct store *s, struct store_write *w)
{
	switch (w->op) {
	case SW_GROUP_ADD:
		return store_op_group_add(s, w);
	case SW_GROUP_REMOVE:
		return store_op_group_remove(s, w);
	case SW_DM:
		return store_op_dm(s, w);
	case SW_BLOCK:
		return store_op_block(s, w);
	case SW_ORG_PROFILE:
		return store_op_profile(s, w);
	default:
		return STORE_ERROR;
	}
}
