/*
 * store-group.c: private groups, in the store: adding and removing a
 * group's members (each in the moderation log, in its own transaction),
 * and its member list.
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
};

const char *const store_group_write_sql[GQ__COUNT] = {
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

int
store_op_group(struct store *s, struct store_write *w)
{
	switch (w->op) {
	case SW_GROUP_ADD:
		return store_op_group_add(s, w);
	case SW_GROUP_REMOVE:
		return store_op_group_remove(s, w);
	default:
		return STORE_ERROR;
	}
}
