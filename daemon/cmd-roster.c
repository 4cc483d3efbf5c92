/*
 * cmd-roster.c: who is on the network and under which names: the
 * outstanding invites (invite.list, invite.revoke), a person's display
 * name and pronouns (profile.set), organisations' and channels' names
 * (org.rename, channel.rename) and archived channels (channel.archive,
 * channel.unarchive: read-only, out of channel.list unless asked).
 *
 * Who sees and revokes an invite is access.c's (access_sees_invites,
 * access_may_revoke_invite); an invite the caller may not see answers
 * exactly as one that does not exist. Why an org-admin reads the
 * invites others made into their organisation is store-roster.c's
 * opening comment.
 */
#include <ctype.h>
#include <string.h>

#include "access.h"
#include "auth.h"
#include "cmd.h"
#include "conn.h"
#include "live.h"
#include "server.h"
#include "store.h"
#include "store-roster.h"
#include "util.h"

/* ---- invites ------------------------------------------------------ */

static int
cmd_invite_add(void *arg, const struct store_invite *i)
{
	char made[PROTO_TS_LEN], expires[PROTO_TS_LEN];
	json_t *o;

	proto_ts_format(i->made_at, made);
	proto_ts_format(i->expires_at, expires);
	o = json_pack("{s:s, s:s, s:s, s:s}", "org", i->org, "role",
	    proto_role_name(i->role) != NULL ? proto_role_name(i->role) : "?",
	    "made_at", made, "expires_at", expires);
	json_object_set_new(o, "prefix", i->prefix != NULL ?
	    json_string(i->prefix) : json_null());
	json_object_set_new(o, "made_by", i->made_by != NULL ?
	    json_string(i->made_by) : json_null());
	json_array_append_new(arg, o);
	return 0;
}

/*
 * The organisation a roster request names ("org"), as the caller may
 * know it: someone who sees only their own learns nothing about
 * another (forbidden, whether or not it exists, as invite.create).
 * *org_id 0 when absent and the caller sees every one. 0, or -1 having
 * answered.
 */
static int
cmd_roster_org(struct cmd_q *q, int64_t *org_id)
{
	struct conn *c = q->c;
	const char *org;
	int has = 0, all;

	all = (access_caps(c->acct.role) & (CAP_FACILITATE | CAP_ADMIN)) != 0;
	if (proto_get_str(q->req, "org", 0, &org, &has) != PROTO_OK) {
		cmd_bad_field(c, q->req, "org");
		return -1;
	}
	*org_id = all ? 0 : c->acct.org_id;
	if (!has)
		return 0;
	if (!all && strcmp(org, c->acct.org) != 0) {
		conn_reply_err(c, q->req->id, PROTO_E_FORBIDDEN,
		    "you see your own organisation's invites only");
		return -1;
	}
	if (store_org_by_name(c->srv->store, org, org_id) != STORE_OK) {
		conn_reply_err(c, q->req->id, PROTO_E_NOT_FOUND,
		    "no such organisation");
		return -1;
	}
	return 0;
}

static void
cmd_invite_list(struct cmd_q *q)
{
	struct conn *c = q->c;
	struct proto_req *req = q->req;
	int64_t org_id, limit = PROTO_PAGE_DEFAULT;
	int more = 0;
	json_t *list;

	if (cmd_roster_org(q, &org_id) != 0)
		return;
	if (proto_get_int(req, "limit", 0, 1, PROTO_PAGE_MAX, &limit, NULL) !=
	    PROTO_OK)
		return cmd_bad_field(c, req, "limit");
	list = json_array();
	if (store_invites(c->srv->store, org_id, now_seconds(), (int)limit,
	    cmd_invite_add, list, &more) != STORE_OK) {
		json_decref(list);
		return conn_reply_err(c, req->id, PROTO_E_INTERNAL, NULL);
	}
	conn_reply_ok(c, req->id, json_pack("{s:o, s:b}", "invites", list,
	    "more", more));
}

/* The outstanding invites a revoke's text matches, of those the caller
 * sees: how many, and the last one's row. */
struct cmd_revoke_match {
	const struct store_ident	*who;
	int				 n;
	int64_t				 id, org_id, maker;
	enum proto_role			 role;
	char				 org[PROTO_MAX_NAME + 1];
};

static int
cmd_revoke_match(void *arg, const struct store_invite *i)
{
	struct cmd_revoke_match *m = arg;

	if (!access_sees_invites(m->who, i->org_id))
		return 0;
	m->n++;
	m->id = i->id;
	m->org_id = i->org_id;
	m->maker = i->made_by_id;
	m->role = i->role;
	strlcpy_h(m->org, i->org, sizeof m->org);
	return 0;
}

/* "abcdef", " ABCDEF-rest ": the first STORE_INVITE_PREFIX characters
 * of a code, upper case, into prefix; the whole code into code when it
 * was given whole. 0, or -1 when it is not the start of a code. */
static int
cmd_revoke_text(const char *text, char *prefix, char *code)
{
	size_t i, n;

	while (*text == ' ' || *text == '\t')
		text++;
	for (n = 0; text[n] != '\0' && text[n] != ' ' && text[n] != '\t'; n++)
		;
	if (n < STORE_INVITE_PREFIX || n > PROTO_INVITE_LEN ||
	    text[n + strspn(text + n, " \t")] != '\0')
		return -1;
	for (i = 0; i < n; i++) {
		int ch = toupper((unsigned char)text[i]);

		if (!((ch >= 'A' && ch <= 'Z') || (ch >= '2' && ch <= '7')))
			return -1;
		code[i] = (char)ch;
	}
	code[n] = '\0';
	memcpy(prefix, code, STORE_INVITE_PREFIX);
	prefix[STORE_INVITE_PREFIX] = '\0';
	if (n < PROTO_INVITE_LEN)
		*code = '\0';
	return 0;
}

static void
cmd_invite_revoked(struct store_write *w)
{
	if (w->result == STORE_OK)
		log_info("invite %s... to %s as %s revoked by %s", w->title,
		    w->name, proto_role_name(w->role), w->actor);
	if (w->result == STORE_INVALID) {
		if (conn_is_open(w->ctx))
			conn_reply_err(w->ctx, w->arg, PROTO_E_BAD_STATE,
			    "that invite was used or expired meanwhile");
	} else
		cmd_write_reply(w, json_pack("{s:i}", "revoked", 1), NULL);
	cmd_write_finish(w);
}

static void
cmd_invite_revoke(struct cmd_q *q)
{
	struct conn *c = q->c;
	struct proto_req *req = q->req;
	struct cmd_revoke_match m;
	struct store_write *w;
	const char *text;
	char prefix[STORE_INVITE_PREFIX + 1], code[PROTO_INVITE_LEN + 1];
	uint8_t hash[STORE_HASH_LEN];
	char msg[160];

	if (proto_get_str(req, "prefix", 1, &text, NULL) != PROTO_OK)
		return cmd_bad_field(c, req, "prefix");
	if (cmd_revoke_text(text, prefix, code) != 0)
		return conn_reply_err(c, req->id, PROTO_E_BAD_REQUEST,
		    "give the first " PROTO_XSTR(STORE_INVITE_PREFIX) " or "
		    "more characters of the invite's code (A-Z, 2-7), as "
		    "invite.list shows them");
	if (*code != '\0')
		auth_secret_hash(code, hash);
	memset(&m, 0, sizeof m);
	m.who = &c->acct;
	if (store_invites_prefixed(c->srv->store, prefix, *code != '\0' ?
	    hash : NULL, now_seconds(), cmd_revoke_match, &m) != STORE_OK)
		return conn_reply_err(c, req->id, PROTO_E_INTERNAL, NULL);
	if (m.n == 0) {
		snprintf(msg, sizeof msg, "no outstanding invite's code starts "
		    "with %s", prefix);
		return conn_reply_err(c, req->id, PROTO_E_NOT_FOUND, msg);
	}
	if (m.n > 1) {
		snprintf(msg, sizeof msg, "%d outstanding invites start with "
		    "%s: give the whole code to revoke one of them", m.n,
		    prefix);
		return conn_reply_err(c, req->id, PROTO_E_BAD_REQUEST, msg);
	}
	if (!access_may_revoke_invite(&c->acct, m.org_id, m.maker))
		return conn_reply_err(c, req->id, PROTO_E_FORBIDDEN,
		    "only its maker, an admin or its organisation's "
		    "org-admins revoke an invite");
	w = cmd_write_new(c, req, SW_INVITE_REVOKE, cmd_invite_revoked);
	w->target = m.id;
	w->role = m.role;
	strlcpy_h(w->name, m.org, sizeof w->name);
	w->title = xstrdup(prefix);
	store_submit(c->srv->store, w);
}

/* ---- names -------------------------------------------------------- */

/* An optional name field: NULL when absent, "" to clear, else checked.
 * 0, or -1 having answered. */
static int
cmd_name_field(struct cmd_q *q, const char *field,
    enum proto_err (*check)(const char *), int max, const char **out)
{
	enum proto_err err;
	char msg[160];

	*out = NULL;
	if (proto_get_str(q->req, field, 0, out, NULL) != PROTO_OK) {
		cmd_bad_field(q->c, q->req, field);
		return -1;
	}
	if (*out == NULL || **out == '\0')
		return 0;
	if ((err = check(*out)) != PROTO_OK) {
		snprintf(msg, sizeof msg, "the %s is 1 to %d bytes of any "
		    "script, without control characters (\"\" clears it)",
		    field, max);
		conn_reply_err(q->c, q->req->id, err, msg);
		return -1;
	}
	return 0;
}

static void
cmd_profile_written(struct store_write *w)
{
	json_t *r;

	r = json_pack("{s:s}", "user", w->actor);
	json_object_set_new(r, "display_name", w->body != NULL ?
	    json_string(w->body) : json_null());
	json_object_set_new(r, "pronouns", w->reason != NULL ?
	    json_string(w->reason) : json_null());
	cmd_write_reply(w, r, "no such user");
	cmd_write_finish(w);
}

static void
cmd_profile_set(struct cmd_q *q)
{
	struct conn *c = q->c;
	const char *display, *pronouns;
	struct store_write *w;

	if (cmd_name_field(q, "display_name", proto_check_display_name,
	    PROTO_MAX_DISPLAY_NAME, &display) != 0 ||
	    cmd_name_field(q, "pronouns", proto_check_pronouns,
	    PROTO_MAX_PRONOUNS, &pronouns) != 0)
		return;
	if (display == NULL && pronouns == NULL)
		return conn_reply_err(c, q->req->id, PROTO_E_BAD_REQUEST,
		    "give a display_name or pronouns (\"\" clears one)");
	w = cmd_write_new(c, q->req, SW_PROFILE, cmd_profile_written);
	w->title = display != NULL ? xstrdup(display) : NULL;
	w->note = pronouns != NULL ? xstrdup(pronouns) : NULL;
	store_submit(c->srv->store, w);
}

static void
cmd_org_renamed(struct store_write *w)
{
	struct conn *c = w->ctx;
	int n = 0;

	if (w->result == STORE_OK) {
		n = live_rename_org(c->srv, w->org, w->name);
		log_info("organisation %s renamed %s by %s (%lld channel(s); "
		    "%d live connection(s))", w->body, w->name, w->actor,
		    (long long)w->size, n);
	}
	if (w->result == STORE_EXISTS) {
		if (conn_is_open(c))
			conn_reply_err(c, w->arg, PROTO_E_EXISTS,
			    "an organisation (or channel) of that name exists");
	} else
		cmd_write_reply(w, json_pack("{s:s, s:s?, s:I}", "org",
		    w->name, "was", w->body, "channels", (json_int_t)w->size),
		    "no such organisation");
	cmd_write_finish(w);
}

static void
cmd_org_rename(struct cmd_q *q)
{
	struct conn *c = q->c;
	struct proto_req *req = q->req;
	const char *org, *new;
	struct store_write *w;
	int64_t org_id, other;

	if (proto_get_str(req, "org", 1, &org, NULL) != PROTO_OK)
		return cmd_bad_field(c, req, "org");
	if (proto_get_str(req, "new", 1, &new, NULL) != PROTO_OK)
		return cmd_bad_field(c, req, "new");
	if (proto_check_org(new) != PROTO_OK)
		return conn_reply_err(c, req->id, PROTO_E_BAD_NAME,
		    "organisation names are 1-" PROTO_XSTR(PROTO_MAX_NAME)
		    " of a-z 0-9 -, not \"peer\"");
	if (proto_check_org(org) != PROTO_OK ||
	    store_org_by_name(c->srv->store, org, &org_id) != STORE_OK)
		return conn_reply_err(c, req->id, PROTO_E_NOT_FOUND,
		    "no such organisation");
	if (store_org_by_name(c->srv->store, new, &other) == STORE_OK)
		return conn_reply_err(c, req->id, other == org_id ?
		    PROTO_E_BAD_REQUEST : PROTO_E_EXISTS, other == org_id ?
		    "that is its name already" :
		    "an organisation of that name exists");
	w = cmd_write_new(c, req, SW_ORG_RENAME, cmd_org_renamed);
	w->org = org_id;
	strlcpy_h(w->name, new, sizeof w->name);
	store_submit(c->srv->store, w);
}

/* ---- channels ----------------------------------------------------- */

/* channel.rename's and archive's rule: the channel's moderators; a
 * conversation is nobody's to rename or archive. */
static int
cmd_roster_moderates(struct cmd_q *q)
{
	if (q->ch.kind == STORE_CHANNEL_DM) {
		conn_reply_err(q->c, q->req->id, PROTO_E_BAD_REQUEST,
		    "a conversation keeps its name and cannot be archived");
		return -1;
	}
	if (!access_moderates(&q->c->acct, &q->ch)) {
		conn_reply_err(q->c, q->req->id, PROTO_E_FORBIDDEN,
		    "only its moderators rename or archive a channel");
		return -1;
	}
	return 0;
}

int
cmd_roster_writable(struct cmd_q *q)
{
	if (q->ch.archived == 0)
		return 0;
	conn_reply_err(q->c, q->req->id, PROTO_E_BAD_STATE,
	    "this channel is archived: read-only");
	return -1;
}

static void
cmd_channel_renamed(struct store_write *w)
{
	if (w->result == STORE_OK)
		log_info("channel %s renamed %s by %s", w->body, w->name,
		    w->actor);
	if (w->result == STORE_EXISTS) {
		if (conn_is_open(w->ctx))
			conn_reply_err(w->ctx, w->arg, PROTO_E_EXISTS,
			    "a channel of that name exists");
	} else
		cmd_write_reply(w, json_pack("{s:s, s:s}", "channel", w->name,
		    "was", w->body), "no such channel");
	cmd_write_finish(w);
}

/* NEW as a whole name: "x" or "PREFIX/x", keeping the channel's own
 * "ORG/", "peer/" or "group/". 0, or -1 having answered. */
static int
cmd_channel_new_name(struct cmd_q *q, const char *new, char *full)
{
	const char *slash = strchr(q->ch.name, '/');
	size_t plen = slash != NULL ? (size_t)(slash - q->ch.name) + 1 : 0;
	char org[PROTO_MAX_NAME + 1], local[PROTO_MAX_NAME + 1];

	if (strchr(new, '/') == NULL)
		snprintf(full, PROTO_MAX_CHANNEL + 1, "%.*s%s", (int)plen,
		    q->ch.name, new);
	else if (strncmp(new, q->ch.name, plen) == 0)
		strlcpy_h(full, new, PROTO_MAX_CHANNEL + 1);
	else {
		conn_reply_err(q->c, q->req->id, PROTO_E_BAD_NAME,
		    "a channel keeps its prefix: give the new NAME alone");
		return -1;
	}
	if (strlen(new) > PROTO_MAX_CHANNEL ||
	    proto_check_channel(full, org, local) != PROTO_OK ||
	    strcmp(org, "dm") == 0) {
		conn_reply_err(q->c, q->req->id, PROTO_E_BAD_NAME,
		    "channel names are 1-" PROTO_XSTR(PROTO_MAX_NAME)
		    " of a-z 0-9 - after their prefix");
		return -1;
	}
	return 0;
}

static void
cmd_channel_rename(struct cmd_q *q)
{
	struct conn *c = q->c;
	struct proto_req *req = q->req;
	struct store_channel other;
	struct store_write *w;
	char full[PROTO_MAX_CHANNEL + 1];
	const char *new;

	if (proto_get_str(req, "new", 1, &new, NULL) != PROTO_OK)
		return cmd_bad_field(c, req, "new");
	if (cmd_channel_new_name(q, new, full) != 0)
		return;
	if (strcmp(full, q->ch.name) == 0)
		return conn_reply_err(c, req->id, PROTO_E_BAD_REQUEST,
		    "that is its name already");
	if (store_channel_by_name(c->srv->store, full, &other) == STORE_OK)
		return conn_reply_err(c, req->id, PROTO_E_EXISTS,
		    "a channel of that name exists");
	w = cmd_write_new(c, req, SW_CHANNEL_RENAME, cmd_channel_renamed);
	w->channel = q->ch.id;
	strlcpy_h(w->name, full, sizeof w->name);
	w->body = xstrdup(q->ch.name);
	store_submit(c->srv->store, w);
}

static void
cmd_channel_archived(struct store_write *w)
{
	if (w->result == STORE_OK)
		log_info("channel %s %s by %s", w->name, w->flag ? "archived" :
		    "unarchived", w->actor);
	if (w->result == STORE_INVALID) {
		if (conn_is_open(w->ctx))
			conn_reply_err(w->ctx, w->arg, PROTO_E_BAD_STATE,
			    w->flag ? "that channel is archived already" :
			    "that channel is not archived");
	} else
		cmd_write_reply(w, json_pack("{s:s, s:b}", "channel", w->name,
		    "archived", w->flag), "no such channel");
	cmd_write_finish(w);
}

static void
cmd_archive(struct cmd_q *q, int archive)
{
	struct store_write *w;

	w = cmd_write_new(q->c, q->req, SW_CHANNEL_ARCHIVE,
	    cmd_channel_archived);
	w->channel = q->ch.id;
	w->flag = archive;
	strlcpy_h(w->name, q->ch.name, sizeof w->name);
	store_submit(q->c->srv->store, w);
}

static void
cmd_channel_archive(struct cmd_q *q)
{
	cmd_archive(q, 1);
}

static void
cmd_channel_unarchive(struct cmd_q *q)
{
	cmd_archive(q, 0);
}

const struct cmd_entry cmd_roster_entries[] = {
	{ "invite.list", CMD_AUTH, CAP_ORG_ADMIN | CAP_FACILITATE,
	    CMD_T_NONE, NULL, cmd_invite_list },
	{ "invite.revoke", CMD_AUTH, CAP_ORG_ADMIN | CAP_FACILITATE,
	    CMD_T_NONE, NULL, cmd_invite_revoke },
	{ "profile.set", CMD_AUTH, CAP_MEMBER, CMD_T_NONE, NULL,
	    cmd_profile_set },
	{ "org.rename", CMD_AUTH, CAP_ADMIN, CMD_T_NONE, NULL,
	    cmd_org_rename },
	/* Moderators are members with a role or a flag: the check says. */
	{ "channel.rename", CMD_AUTH, CAP_MEMBER, CMD_T_CHANNEL,
	    cmd_roster_moderates, cmd_channel_rename },
	{ "channel.archive", CMD_AUTH, CAP_MEMBER, CMD_T_CHANNEL,
	    cmd_roster_moderates, cmd_channel_archive },
	{ "channel.unarchive", CMD_AUTH, CAP_MEMBER, CMD_T_CHANNEL,
	    cmd_roster_moderates, cmd_channel_unarchive },
	{ NULL, 0, 0, CMD_T_NONE, NULL, NULL }
};
