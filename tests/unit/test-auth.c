/*
 * test-auth.c: password hashing and its worker pool, secrets, and the
 * authorisation rules as a table of role x operation x own/other
 * organisation.
 */
#include <criterion/criterion.h>
#include <argon2.h>
#include <string.h>

#include <event2/event.h>
#include <event2/thread.h>

#include "auth.h"
#include "access.h"
#include "cmd.h"
#include "config.h"

static void
cheap(struct config *cf)
{
	config_defaults(cf);
	cf->argon2_memory = 64;
	cf->argon2_time = 1;
}

Test(auth, hash_is_argon2id_and_verifies)
{
	struct config cf;
	char enc[STORE_PWHASH_MAX], enc2[STORE_PWHASH_MAX];

	cheap(&cf);
	cr_assert_eq(auth_hash_now(&cf, "correct horse", enc, sizeof enc), 0);
	cr_expect(strncmp(enc, "$argon2id$v=19$m=64,t=1,p=1$", 28) == 0, "%s", enc);
	cr_expect_eq(argon2id_verify(enc, "correct horse", 13), ARGON2_OK);
	cr_expect_neq(argon2id_verify(enc, "correct horsf", 13), ARGON2_OK);
	/* Salted: the same password hashes differently. */
	cr_assert_eq(auth_hash_now(&cf, "correct horse", enc2, sizeof enc2), 0);
	cr_expect_str_neq(enc, enc2);
}

Test(auth, default_cost_is_owasp)
{
	struct config cf;
	char enc[STORE_PWHASH_MAX];

	config_defaults(&cf);
	cr_assert_eq(auth_hash_now(&cf, "pw-for-cost", enc, sizeof enc), 0);
	cr_expect(strncmp(enc, "$argon2id$v=19$m=19456,t=2,p=1$", 31) == 0, "%s", enc);
}

struct pool_result {
	int	 done;
	int	 ok[3];
	struct event_base *base;
};

static void
pool_done(struct auth_job *j)
{
	struct pool_result *r = j->arg;
	int slot = (int)(intptr_t)j->ctx;

	r->ok[slot] = j->ok;
	if (++r->done == 3)
		event_base_loopbreak(r->base);
	auth_job_free(j);
}

Test(auth, pool_verifies_off_the_loop)
{
	struct config cf;
	struct pool_result r;
	struct auth *a;
	struct auth_job *j;
	char enc[STORE_PWHASH_MAX];
	struct timeval limit = { 20, 0 };

	cheap(&cf);
	memset(&r, 0, sizeof r);
	evthread_use_pthreads();
	r.base = event_base_new();
	a = auth_new(r.base, &cf);
	cr_assert_eq(auth_hash_now(&cf, "right password", enc, sizeof enc), 0);

	j = auth_job_new(AUTH_VERIFY, "right password");
	strcpy(j->encoded, enc);
	j->ctx = (void *)0; j->arg = &r; j->done = pool_done;
	cr_assert_eq(auth_submit(a, j), 0);
	j = auth_job_new(AUTH_VERIFY, "wrong password");
	strcpy(j->encoded, enc);
	j->ctx = (void *)1; j->arg = &r; j->done = pool_done;
	cr_assert_eq(auth_submit(a, j), 0);
	/* Unknown user: empty hash, checked against the dummy, fails. */
	j = auth_job_new(AUTH_VERIFY, "harbour-dummy-password");
	j->ctx = (void *)2; j->arg = &r; j->done = pool_done;
	cr_assert_eq(auth_submit(a, j), 0);

	event_base_loopexit(r.base, &limit);
	event_base_dispatch(r.base);
	cr_assert_eq(r.done, 3);
	cr_expect_eq(r.ok[0], 1);
	cr_expect_eq(r.ok[1], 0);
	cr_expect_eq(r.ok[2], 0);
	auth_free(a);
	event_base_free(r.base);
}

Test(auth, pool_queue_is_bounded)
{
	struct config cf;
	struct event_base *base;
	struct auth *a;
	struct auth_job *jobs[4];
	int i, refused = 0;

	/* The default cost: each hash takes tens of milliseconds, far
	 * longer than four submissions, so the queue is really full. */
	config_defaults(&cf);
	cf.hash_workers = 1;
	cf.hash_queue = 2;
	evthread_use_pthreads();
	base = event_base_new();
	a = auth_new(base, &cf);
	for (i = 0; i < 4; i++) {
		jobs[i] = auth_job_new(AUTH_HASH, "some password");
		jobs[i]->done = auth_job_free;
		if (auth_submit(a, jobs[i]) != 0) {
			auth_job_free(jobs[i]);
			refused++;
		}
	}
	/* At most hash_queue in flight: the rest are refused ("busy"). */
	cr_expect_geq(refused, 2);
	auth_free(a);
	event_base_free(base);
}

Test(auth, secrets)
{
	char t1[PROTO_TOKEN_HEX + 1], t2[PROTO_TOKEN_HEX + 1];
	char code[PROTO_INVITE_LEN + 1], lower[PROTO_INVITE_LEN + 1];
	uint8_t h1[STORE_HASH_LEN], h2[STORE_HASH_LEN];
	size_t i;

	auth_token_new(t1);
	auth_token_new(t2);
	cr_expect_eq(strlen(t1), 32);
	cr_expect_eq(strspn(t1, "0123456789abcdef"), 32);
	cr_expect_str_neq(t1, t2);
	auth_invite_new(code);
	cr_expect_eq(strlen(code), 26);
	cr_expect_eq(strspn(code, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"), 26);
	/* People type codes in any case: the hash folds it. */
	for (i = 0; i <= PROTO_INVITE_LEN; i++)
		lower[i] = (char)(code[i] >= 'A' && code[i] <= 'Z' ?
		    code[i] + 32 : code[i]);
	auth_secret_hash(code, h1);
	auth_secret_hash(lower, h2);
	cr_expect_eq(memcmp(h1, h2, sizeof h1), 0);
	auth_secret_hash(t1, h1);
	auth_secret_hash(t2, h2);
	cr_expect_neq(memcmp(h1, h2, sizeof h1), 0);
}

/*
 * The operation table: which roles may run what, before object checks.
 * The test walks the daemon's table, so an operation added without a
 * row here fails; the rows here that the table lacks fail too.
 */
static const struct {
	const char	*op;
	int		 anon, member, orgadmin, facilitator, admin;
	enum cmd_target	 target;
} auth_rows[] = {
	{ "ping",		1, 1, 1, 1, 1, CMD_T_NONE },
	{ "register",		1, 0, 0, 0, 0, CMD_T_NONE },
	{ "login",		1, 0, 0, 0, 0, CMD_T_NONE },
	{ "logout",		0, 1, 1, 1, 1, CMD_T_NONE },
	{ "whoami",		0, 1, 1, 1, 1, CMD_T_NONE },
	{ "passwd",		0, 1, 1, 1, 1, CMD_T_NONE },
	{ "admin.status",	0, 0, 0, 0, 1, CMD_T_NONE },
	{ "org.create",		0, 0, 0, 0, 1, CMD_T_NONE },
	{ "org.list",		0, 1, 1, 1, 1, CMD_T_NONE },
	{ "invite.create",	0, 0, 1, 1, 1, CMD_T_NONE },
	{ "admin.suspend",	0, 0, 0, 0, 1, CMD_T_NONE },
	{ "admin.unsuspend",	0, 0, 0, 0, 1, CMD_T_NONE },
	{ "mod.log",		0, 1, 1, 1, 1, CMD_T_NONE },
	{ "channel.create",	0, 0, 1, 1, 1, CMD_T_NONE },
	{ "channel.list",	0, 1, 1, 1, 1, CMD_T_NONE },
	{ "join",		0, 1, 1, 1, 1, CMD_T_CHANNEL },
	{ "leave",		0, 1, 1, 1, 1, CMD_T_CHANNEL },
	{ "threads",		0, 1, 1, 1, 1, CMD_T_CHANNEL },
	{ "post",		0, 1, 1, 1, 1, CMD_T_JOINED },
	{ "read",		0, 1, 1, 1, 1, CMD_T_CHANNEL },
	{ "sync",		0, 1, 1, 1, 1, CMD_T_NONE },
	{ "mark",		0, 1, 1, 1, 1, CMD_T_JOINED },
	{ "subscribe",		0, 1, 1, 1, 1, CMD_T_NONE },
	{ "unsubscribe",	0, 1, 1, 1, 1, CMD_T_NONE },
	/* Moderation: open to every member by capability; whether the
	 * caller moderates is the object's rule (auth/channel_rules), run
	 * by the row's check, and tested over the wire (e2e mod/authz). */
	{ "channel.set",		0, 1, 1, 1, 1, CMD_T_CHANNEL },
	{ "mod.approve",		0, 1, 1, 1, 1, CMD_T_POST },
	{ "mod.reject",		0, 1, 1, 1, 1, CMD_T_POST },
	{ "mod.hide",		0, 1, 1, 1, 1, CMD_T_POST },
	{ "mod.unhide",		0, 1, 1, 1, 1, CMD_T_POST },
	{ "mod.lock",		0, 1, 1, 1, 1, CMD_T_THREAD },
	{ "mod.unlock",		0, 1, 1, 1, 1, CMD_T_THREAD },
	{ "mod.pin",		0, 1, 1, 1, 1, CMD_T_THREAD },
	{ "mod.unpin",		0, 1, 1, 1, 1, CMD_T_THREAD },
	{ "mod.mute",		0, 1, 1, 1, 1, CMD_T_CHANNEL },
	{ "mod.unmute",		0, 1, 1, 1, 1, CMD_T_CHANNEL },
	{ "mod.ban",		0, 1, 1, 1, 1, CMD_T_CHANNEL },
	{ "mod.unban",		0, 1, 1, 1, 1, CMD_T_CHANNEL },
	{ "mod.unmask",		0, 1, 1, 1, 1, CMD_T_POST },
	{ "mod.history",		0, 1, 1, 1, 1, CMD_T_POST },
	{ "edit",		0, 1, 1, 1, 1, CMD_T_POST },
	{ "search",		0, 1, 1, 1, 1, CMD_T_NONE },
	{ "delete",		0, 1, 1, 1, 1, CMD_T_POST },
	/* Reports: the object check decides (who acts on which report). */
	{ "report",		0, 1, 1, 1, 1, CMD_T_POST },
	{ "mod.reports",	0, 1, 1, 1, 1, CMD_T_NONE },
	{ "mod.queue",		0, 1, 1, 1, 1, CMD_T_NONE },
	{ "mod.ack",		0, 1, 1, 1, 1, CMD_T_NONE },
	{ "mod.resolve",	0, 1, 1, 1, 1, CMD_T_NONE },
	{ "org.lead",		0, 0, 1, 0, 1, CMD_T_NONE },
	/* Resources: shared by org-admins, facilitators and admins;
	 * deleting is for its poster or a curator (the object's rule). */
	{ "resource.upload",	0, 0, 1, 1, 1, CMD_T_NONE },
	{ "resource.chunk",	0, 0, 1, 1, 1, CMD_T_NONE },
	{ "resource.post",	0, 0, 1, 1, 1, CMD_T_NONE },
	{ "resource.get",	0, 1, 1, 1, 1, CMD_T_NONE },
	{ "resource.list",	0, 1, 1, 1, 1, CMD_T_NONE },
	{ "resource.show",	0, 1, 1, 1, 1, CMD_T_NONE },
	{ "resource.delete",	0, 1, 1, 1, 1, CMD_T_NONE },
	{ "tags",		0, 1, 1, 1, 1, CMD_T_NONE },
	{ "tag.subscribe",	0, 1, 1, 1, 1, CMD_T_NONE },
	{ "tag.unsubscribe",	0, 1, 1, 1, 1, CMD_T_NONE },
	{ "subscriptions",	0, 1, 1, 1, 1, CMD_T_NONE },
	{ "inbox",		0, 1, 1, 1, 1, CMD_T_NONE },
	{ "inbox.read",		0, 1, 1, 1, 1, CMD_T_NONE },
	{ "quiet.set",		0, 1, 1, 1, 1, CMD_T_NONE },
	{ "quiet.off",		0, 1, 1, 1, 1, CMD_T_NONE },
	{ "quiet.show",		0, 1, 1, 1, 1, CMD_T_NONE },
	{ "org.hours",		0, 0, 1, 0, 1, CMD_T_NONE },
	/* Groups: made by facilitators and admins; inside one, whether
	 * the caller is its facilitator is the object's rule. */
	{ "group.create",	0, 0, 0, 1, 1, CMD_T_NONE },
	{ "group.add",		0, 1, 1, 1, 1, CMD_T_CHANNEL },
	{ "group.remove",	0, 1, 1, 1, 1, CMD_T_CHANNEL },
	{ "group.members",	0, 1, 1, 1, 1, CMD_T_CHANNEL },
	/* Conversations: who may write to whom is the handler's rule. */
	{ "dm",			0, 1, 1, 1, 1, CMD_T_NONE },
	{ "dms",		0, 1, 1, 1, 1, CMD_T_NONE },
	{ "block",		0, 1, 1, 1, 1, CMD_T_NONE },
	{ "unblock",		0, 1, 1, 1, 1, CMD_T_NONE },
	{ "blocks",		0, 1, 1, 1, 1, CMD_T_NONE },
	{ "org.profile",	0, 0, 1, 0, 1, CMD_T_NONE },
	{ "directory",		0, 1, 1, 1, 1, CMD_T_NONE },
	/* The calendar: made by org-admins, facilitators and admins; run
	 * by its creator and facilitators (the object's rule). */
	{ "event.create",	0, 0, 1, 1, 1, CMD_T_NONE },
	{ "event.list",		0, 1, 1, 1, 1, CMD_T_NONE },
	{ "event.show",		0, 1, 1, 1, 1, CMD_T_NONE },
	{ "event.rsvp",		0, 1, 1, 1, 1, CMD_T_NONE },
	{ "event.cancel",	0, 1, 1, 1, 1, CMD_T_NONE },
	{ "event.attendees",	0, 1, 1, 1, 1, CMD_T_NONE },
	{ "event.attended",	0, 1, 1, 1, 1, CMD_T_NONE },
	{ "event.update",	0, 1, 1, 1, 1, CMD_T_NONE },
	{ "programme.report",	0, 0, 0, 1, 1, CMD_T_NONE },
	/* Stories: shared and withdrawn by a post's author (the object's
	 * rule); exported by facilitators and admins; everyone's own data
	 * to everyone. */
	{ "story.share",	0, 1, 1, 1, 1, CMD_T_POST },
	{ "story.withdraw",	0, 1, 1, 1, 1, CMD_T_NONE },
	{ "stories",		0, 1, 1, 1, 1, CMD_T_NONE },
	{ "stories.export",	0, 0, 0, 1, 1, CMD_T_NONE },
	{ "me.export",		0, 1, 1, 1, 1, CMD_T_NONE },
	/* Erasure (cmd-erase.c): admins only. */
	{ "admin.erase",	0, 0, 0, 0, 1, CMD_T_NONE },
	/* Accounts over their whole life (cmd-account.c): whom an
	 * org-admin manages is access_manages()'s (auth/account_rules). */
	{ "members",		0, 1, 1, 1, 1, CMD_T_NONE },
	{ "user.show",		0, 1, 1, 1, 1, CMD_T_NONE },
	{ "user.role",		0, 0, 1, 0, 1, CMD_T_NONE },
	{ "user.deactivate",	0, 0, 1, 0, 1, CMD_T_NONE },
	{ "user.reactivate",	0, 0, 1, 0, 1, CMD_T_NONE },
	{ "user.reset",		0, 0, 1, 0, 1, CMD_T_NONE },
	{ "reset",		1, 0, 0, 0, 0, CMD_T_NONE },
	/* Rosters and names (cmd-roster.c). */
	{ "invite.list",	0, 0, 1, 1, 1, CMD_T_NONE },
	{ "invite.revoke",	0, 0, 1, 1, 1, CMD_T_NONE },
	{ "profile.set",	0, 1, 1, 1, 1, CMD_T_NONE },
	{ "org.rename",		0, 0, 0, 0, 1, CMD_T_NONE },
	{ "channel.rename",	0, 1, 1, 1, 1, CMD_T_CHANNEL },
	{ "channel.archive",	0, 1, 1, 1, 1, CMD_T_CHANNEL },
	{ "channel.unarchive",	0, 1, 1, 1, 1, CMD_T_CHANNEL },
};
#define AUTH_NROWS	(sizeof auth_rows / sizeof auth_rows[0])

Test(auth, role_table)
{
	const struct cmd_entry *e;
	size_t i, r, seen = 0;

	for (i = 0; (e = cmd_entry_at(i)) != NULL; i++) {
		for (r = 0; r < AUTH_NROWS; r++)
			if (strcmp(auth_rows[r].op, e->name) == 0)
				break;
		cr_assert_lt(r, AUTH_NROWS, "operation %s has no row in the "
		    "authorisation table test", e->name);
		seen++;
		cr_expect_eq(e->target, auth_rows[r].target, "%s target",
		    e->name);
		cr_expect_eq(cmd_allowed(e->name, 0, ROLE_NONE),
		    auth_rows[r].anon, "%s anonymous", e->name);
		cr_expect_eq(cmd_allowed(e->name, 1, ROLE_MEMBER),
		    auth_rows[r].member, "%s member", e->name);
		cr_expect_eq(cmd_allowed(e->name, 1, ROLE_ORG_ADMIN),
		    auth_rows[r].orgadmin, "%s org-admin", e->name);
		cr_expect_eq(cmd_allowed(e->name, 1, ROLE_FACILITATOR),
		    auth_rows[r].facilitator, "%s facilitator", e->name);
		cr_expect_eq(cmd_allowed(e->name, 1, ROLE_ADMIN),
		    auth_rows[r].admin, "%s admin", e->name);
	}
	cr_expect_eq(seen, AUTH_NROWS, "rows for operations the table lacks");
	cr_expect_eq(cmd_allowed("no.such.op", 1, ROLE_ADMIN), 0);
	cr_expect_eq(cmd_allowed("no.such.op", 0, ROLE_NONE), 0);
}

/* Moderation and visibility by role x own/other organisation x kind. */
Test(auth, channel_rules)
{
	static const enum proto_role roles[] = {
		ROLE_MEMBER, ROLE_ORG_ADMIN, ROLE_FACILITATOR, ROLE_ADMIN
	};
	/* [role][own org][peer] */
	static const int see[4][2][2] = {
		{ { 0, 1 }, { 1, 1 } }, { { 0, 1 }, { 1, 1 } },
		{ { 0, 1 }, { 1, 1 } }, { { 0, 1 }, { 1, 1 } },
	};
	static const int moderate[4][2][2] = {
		/* member */	  { { 0, 0 }, { 0, 0 } },
		/* org-admin */	  { { 0, 0 }, { 1, 0 } },
		/* facilitator */ { { 0, 1 }, { 0, 1 } },
		/* admin */	  { { 0, 1 }, { 1, 1 } },
	};
	static const int create[4][2][2] = {
		{ { 0, 0 }, { 0, 0 } }, { { 0, 0 }, { 1, 0 } },
		{ { 0, 1 }, { 0, 1 } }, { { 0, 1 }, { 1, 1 } },
	};
	struct store_ident a;
	struct store_channel ch;
	int r, own, peer;

	for (r = 0; r < 4; r++)
		for (own = 0; own < 2; own++)
			for (peer = 0; peer < 2; peer++) {
				memset(&a, 0, sizeof a);
				memset(&ch, 0, sizeof ch);
				a.role = roles[r];
				a.org_id = 7;
				ch.peer = peer;
				ch.org_id = peer ? 0 : own ? 7 : 8;
				cr_expect_eq(access_can_see(&a, &ch),
				    see[r][own][peer], "see %d %d %d", r,
				    own, peer);
				cr_expect_eq(access_moderates(&a, &ch),
				    moderate[r][own][peer], "moderate %d %d %d",
				    r, own, peer);
				cr_expect_eq(access_may_create_channel(&a, peer,
				    peer ? 0 : ch.org_id), create[r][own][peer],
				    "create %d %d %d", r, own, peer);
				/* A safeguarding lead also moderates its own
				 * organisation's channels, and nothing more. */
				a.lead = 1;
				cr_expect_eq(access_moderates(&a, &ch),
				    moderate[r][own][peer] || (own && !peer),
				    "lead moderates %d %d %d", r, own, peer);
				cr_expect_eq(access_can_see(&a, &ch),
				    see[r][own][peer], "lead sees %d %d %d", r,
				    own, peer);
			}
}

/* Who may invite whom: role x own/other organisation x role given. */
Test(auth, invite_table)
{
	static const enum proto_role roles[] = {
		ROLE_MEMBER, ROLE_ORG_ADMIN, ROLE_FACILITATOR, ROLE_ADMIN
	};
	/* expect[who][same_org][given] */
	static const int expect[4][2][4] = {
		/* member */	  { { 0, 0, 0, 0 }, { 0, 0, 0, 0 } },
		/* org-admin */	  { { 0, 0, 0, 0 }, { 1, 1, 0, 0 } },
		/* facilitator */ { { 1, 1, 1, 0 }, { 1, 1, 1, 0 } },
		/* admin */	  { { 1, 1, 1, 1 }, { 1, 1, 1, 1 } },
	};
	int w, s, g;

	for (w = 0; w < 4; w++)
		for (s = 0; s < 2; s++)
			for (g = 0; g < 4; g++)
				cr_expect_eq(access_may_invite(roles[w], s, roles[g]),
				    expect[w][s][g], "%s same=%d gives %s",
				    proto_role_name(roles[w]), s,
				    proto_role_name(roles[g]));
}

/* Who sees whose roster, manages whom and may give which role, by the
 * caller's role x own/other organisation x the target's role. */
Test(auth, account_rules)
{
	static const enum proto_role roles[] = {
		ROLE_MEMBER, ROLE_ORG_ADMIN, ROLE_FACILITATOR, ROLE_ADMIN
	};
	/* [caller][own org][target role - 1] */
	static const int manages[4][2][4] = {
		/* member */	  { { 0, 0, 0, 0 }, { 0, 0, 0, 0 } },
		/* org-admin */	  { { 0, 0, 0, 0 }, { 1, 1, 0, 0 } },
		/* facilitator */ { { 0, 0, 0, 0 }, { 0, 0, 0, 0 } },
		/* admin */	  { { 1, 1, 1, 1 }, { 1, 1, 1, 1 } },
	};
	static const int sees[4][2] = {
		{ 0, 1 }, { 0, 1 }, { 1, 1 }, { 1, 1 }
	};
	static const int gives[4][4] = {
		{ 0, 0, 0, 0 }, { 1, 1, 0, 0 }, { 0, 0, 0, 0 }, { 1, 1, 1, 1 }
	};
	struct store_ident a;
	int r, own, t;

	for (r = 0; r < 4; r++) {
		memset(&a, 0, sizeof a);
		a.role = roles[r];
		a.org_id = 1;
		for (own = 0; own < 2; own++) {
			cr_expect_eq(access_sees_org(&a, own ? 1 : 2),
			    sees[r][own], "role %d own %d sees", r, own);
			for (t = 0; t < 4; t++)
				cr_expect_eq(access_manages(&a, own ? 1 : 2,
				    roles[t]), manages[r][own][t],
				    "role %d own %d manages %d", r, own, t);
		}
		for (t = 0; t < 4; t++)
			cr_expect_eq(access_may_give_role(&a, roles[t]),
			    gives[r][t], "role %d gives %d", r, t);
		cr_expect_eq(access_may_give_role(&a, ROLE_NONE), 0);
	}
}

/* Who sees the invites into an organisation, and who revokes one: its
 * maker, admins, and that organisation's org-admins (cmd-roster.c). */
Test(auth, invite_roster_rules)
{
	static const enum proto_role roles[] = {
		ROLE_MEMBER, ROLE_ORG_ADMIN, ROLE_FACILITATOR, ROLE_ADMIN
	};
	/* [who]: sees own org's, sees another's, revokes another's made
	 * by someone else in own org, in another org */
	static const int expect[4][4] = {
		/* member */	  { 0, 0, 0, 0 },
		/* org-admin */	  { 1, 0, 1, 0 },
		/* facilitator */ { 1, 1, 0, 0 },
		/* admin */	  { 1, 1, 1, 1 },
	};
	struct store_ident a;
	int w;

	memset(&a, 0, sizeof a);
	a.id = 7;
	a.org_id = 1;
	for (w = 0; w < 4; w++) {
		a.role = roles[w];
		cr_expect_eq(access_sees_invites(&a, 1), expect[w][0], "%s",
		    proto_role_name(roles[w]));
		cr_expect_eq(access_sees_invites(&a, 2), expect[w][1], "%s",
		    proto_role_name(roles[w]));
		cr_expect_eq(access_may_revoke_invite(&a, 1, 9), expect[w][2],
		    "%s", proto_role_name(roles[w]));
		cr_expect_eq(access_may_revoke_invite(&a, 2, 9), expect[w][3],
		    "%s", proto_role_name(roles[w]));
		/* Its maker always; the operator's (0) is nobody's own. */
		cr_expect(access_may_revoke_invite(&a, 2, 7));
		cr_expect_eq(access_may_revoke_invite(&a, 2, 0), expect[w][3]);
	}
}
