/*
 * 15-authz.c: the authorisation matrix over the wire: every operation
 * of the command table x every role x own or other organisation x
 * channel kind, each cell's answer exact: where the protocol says
 * forbidden, forbidden; where the object may not be seen, not_found,
 * exactly as for one that does not exist. (tests/unit/test-auth.c
 * walks the daemon's table itself, so an operation added without a row
 * in its matrix fails there; add its cells here too.)
 */
#include <string.h>

#include <criterion/criterion.h>

#include "harness.h"
#include "hx-ops.h"

TestSuite(authz, .timeout = HX_TEST_TIMEOUT);

#define OWN	"hope"
#define OTHER	"elsewhere"
#define ORGCH	"hope/staff"
#define PEERCH	"peer/commons"

static const char *const roles[] = {
	"member", "org-admin", "facilitator", "admin"
};
#define NROLES	4

/* An account per role in each organisation: [role][0 own, 1 other]. */
static struct hx_conn *who[NROLES][2];

static struct hx_daemon *
setup(void)
{
	struct hx_daemon *d = hx_start(NULL);
	int r, o;

	hx_org(d, OWN);
	hx_org(d, OTHER);
	for (r = 0; r < NROLES; r++)
		for (o = 0; o < 2; o++)
			who[r][o] = hx_user(d, o == 0 ? OWN : OTHER, roles[r],
			    hx_strf("u%d%d", r, o));
	/* hope's org-admin makes its channel; a facilitator the peer one. */
	hx_ok(who[1][0], "channel.create", "{s:s}", "channel", ORGCH);
	hx_ok(who[2][0], "channel.create", "{s:s}", "channel", PEERCH);
	return d;
}

/* Expect code (NULL: success) from op on a connection. */
static void
expect(struct hx_conn *c, const char *code, const char *what, json_t *r)
{
	json_t *e = json_object_get(r, "error");

	if (code == NULL)
		cr_expect_null(e, "%s: %s", what, hx_dump(r));
	else
		cr_expect_str_eq(e != NULL ? hx_str(e, "code") : "(success)",
		    code, "%s: %s", what, hx_dump(r));
	(void)c;
}

/* read's raw reply line, with a fixed id, for byte comparisons. */
static const char *
raw_read(struct hx_conn *c, const char *ch)
{
	json_t *id = hx_keep(json_string("same"));

	hx_send(c, json_pack("{s:O, s:s, s:s}", "id", id, "op", "read",
	    "channel", ch));
	return hx_strf("%s", hx_raw(c, hx_reply(c, id)));
}

/* The operations on a channel: the same answer for every role, by
 * whether the channel is visible to the caller. */
Test(authz, channel_operations)
{
	struct hx_daemon *d = setup();
	static const char *const chans[] = { ORGCH, PEERCH };
	int r, o, k;

	for (r = 0; r < NROLES; r++)
		for (o = 0; o < 2; o++)
			for (k = 0; k < 2; k++) {
				struct hx_conn *c = who[r][o];
				const char *ch = chans[k];
				/* hope's channel exists only for hope. */
				const char *nf = k == 0 && o == 1 ?
				    "not_found" : NULL;
				const char *what = hx_strf("%s of %s on %s",
				    roles[r], o ? OTHER : OWN, ch);

				expect(c, nf, hx_strf("threads, %s", what),
				    hx_call(c, "threads", "{s:s}", "channel",
				    ch));
				expect(c, nf, hx_strf("read, %s", what),
				    hx_call(c, "read", "{s:s}", "channel", ch));
				/* The creators joined theirs already. */
				if (!((r == 1 || r == 2) && o == 0))
					expect(c, nf ? nf : "not_member",
					    hx_strf("post unjoined, %s", what),
					    hx_call(c, "post", "{s:s, s:s, s:s}",
					    "channel", ch, "title", "t", "body",
					    "b"));
				expect(c, nf, hx_strf("join, %s", what),
				    hx_call(c, "join", "{s:s}", "channel", ch));
				expect(c, nf, hx_strf("post, %s", what),
				    hx_call(c, "post", "{s:s, s:s, s:s}",
				    "channel", ch, "title", "t", "body", "b"));
				expect(c, nf, hx_strf("leave, %s", what),
				    hx_call(c, "leave", "{s:s}", "channel", ch));
				expect(c, nf ? nf : "not_member",
				    hx_strf("post after leave, %s", what),
				    hx_call(c, "post", "{s:s, s:s, s:s}",
				    "channel", ch, "title", "t", "body", "b"));
				/* The reply for a channel that may not be seen
				 * is byte for byte one that does not exist. */
				if (nf != NULL)
					cr_expect_str_eq(raw_read(c, ch),
					    raw_read(c, "hope/nothing"));
			}
	hx_stop(d);
}

/* Creating channels, inviting, organisations, status: by capability,
 * then by the object. */
Test(authz, management_operations)
{
	struct hx_daemon *d = setup();
	/* [role][own, other org][peer, own org's, other org's channel] */
	static const char *const create[NROLES][3] = {
		{ "forbidden", "forbidden", "forbidden" },
		{ "forbidden", NULL, "not_found" },
		/* Facilitators and admins work with every organisation:
		 * told whose channels those are to make. */
		{ NULL, "forbidden", "forbidden" },
		{ NULL, NULL, "forbidden" },
	};
	/* invite a member: [role][into own org, into the other] */
	static const char *const invite[NROLES][2] = {
		{ "forbidden", "forbidden" },
		{ NULL, "forbidden" },
		{ NULL, NULL },
		{ NULL, NULL },
	};
	int r, o, n = 0;

	for (r = 0; r < NROLES; r++)
		for (o = 0; o < 2; o++) {
			struct hx_conn *c = who[r][o];
			const char *mine = o ? OTHER : OWN;
			const char *theirs = o ? OWN : OTHER;
			const char *what = hx_strf("%s of %s", roles[r], mine);

			n++;
			expect(c, create[r][0], hx_strf("peer create, %s",
			    what), hx_call(c, "channel.create", "{s:s}",
			    "channel", hx_strf("peer/p%d", n)));
			expect(c, create[r][1], hx_strf("own create, %s",
			    what), hx_call(c, "channel.create", "{s:s}",
			    "channel", hx_strf("%s/c%d", mine, n)));
			expect(c, create[r][2], hx_strf("other create, %s",
			    what), hx_call(c, "channel.create", "{s:s}",
			    "channel", hx_strf("%s/c%d", theirs, n)));
			expect(c, invite[r][0], hx_strf("invite own, %s", what),
			    hx_call(c, "invite.create", "{s:s, s:s}", "org",
			    mine, "role", "member"));
			expect(c, invite[r][1], hx_strf("invite other, %s",
			    what), hx_call(c, "invite.create", "{s:s, s:s}",
			    "org", theirs, "role", "member"));
			expect(c, r == 3 ? NULL : "forbidden",
			    hx_strf("org.create, %s", what), hx_call(c,
			    "org.create", "{s:s}", "name", hx_strf("o%d", n)));
			expect(c, r == 3 ? NULL : "forbidden",
			    hx_strf("admin.status, %s", what),
			    hx_call(c, "admin.status", NULL));
			/* Suspension: admins only; the server's log too,
			 * but for an org-admin's own organisation's
			 * account entries (cmd-account.c). */
			expect(c, r == 3 ? "not_found" : "forbidden",
			    hx_strf("admin.suspend, %s", what),
			    hx_call(c, "admin.suspend", "{s:s, s:s}", "user",
			    "nobody", "reason", "test"));
			expect(c, r == 3 ? "not_found" : "forbidden",
			    hx_strf("admin.unsuspend, %s", what),
			    hx_call(c, "admin.unsuspend", "{s:s}", "user",
			    "nobody"));
			/* Org-admins read their organisation's part of
			 * it: its accounts' entries, and the invites
			 * others made into it. */
			expect(c, r == 3 || r == 1 ? NULL : "forbidden",
			    hx_strf("mod.log, %s", what),
			    hx_call(c, "mod.log", NULL));
			/* A channel's log: its moderators; another
			 * organisation's channel does not exist, for any
			 * role. */
			expect(c, o == 1 ? "not_found" : r == 0 || r == 2 ?
			    "forbidden" : NULL,
			    hx_strf("mod.log of %s, %s", ORGCH, what),
			    hx_call(c, "mod.log", "{s:s}", "channel", ORGCH));
			expect(c, r == 0 || r == 1 ? "forbidden" : NULL,
			    hx_strf("mod.log of %s, %s", PEERCH, what),
			    hx_call(c, "mod.log", "{s:s}", "channel", PEERCH));
			/* What every role may do. */
			expect(c, NULL, what, hx_call(c, "org.list", NULL));
			expect(c, NULL, what, hx_call(c, "channel.list", NULL));
			expect(c, NULL, what, hx_call(c, "whoami", NULL));
			expect(c, NULL, what, hx_call(c, "sync", "{s:I}",
			    "since", 0));
			expect(c, NULL, what, hx_call(c, "subscribe", NULL));
			expect(c, NULL, what, hx_call(c, "unsubscribe", NULL));
			expect(c, NULL, what, hx_call(c, "ping", NULL));
		}
	/* Only an admin may give the admin role; an org-admin not
	 * facilitator. */
	expect(who[2][0], "forbidden", "facilitator gives admin",
	    hx_call(who[2][0], "invite.create", "{s:s, s:s}", "org", OWN,
	    "role", "admin"));
	expect(who[1][0], "forbidden", "org-admin gives facilitator",
	    hx_call(who[1][0], "invite.create", "{s:s, s:s}", "org", OWN,
	    "role", "facilitator"));
	expect(who[3][0], NULL, "admin gives admin", hx_call(who[3][0],
	    "invite.create", "{s:s, s:s}", "org", OTHER, "role", "admin"));
	hx_stop(d);
}

/* Before login, only ping, register and login; after, never register
 * or login again. */
Test(authz, login_states)
{
	struct hx_daemon *d = hx_start(NULL);
	struct hx_conn *c = hx_connect(d);
	static const char *const ops[] = {
		"logout", "whoami", "passwd", "org.create", "org.list",
		"invite.create", "admin.status", "admin.suspend",
		"admin.unsuspend", "mod.log", "channel.create",
		"channel.list", "join", "leave", "threads", "post", "read",
		"sync", "subscribe", "unsubscribe"
	};
	size_t i;

	/* A fresh connection now and then: requests before login are
	 * rate-limited per connection. */
	for (i = 0; i < sizeof ops / sizeof ops[0]; i++) {
		if (i % 10 == 9)
			c = hx_connect(d);
		expect(c, "auth_required", ops[i], hx_call(c, ops[i], NULL));
	}
	c = hx_connect(d);
	expect(c, NULL, "ping", hx_call(c, "ping", NULL));
	c = hx_admin(d);
	expect(c, "bad_state", "login", hx_call(c, "login", "{s:s}", "token",
	    "x"));
	expect(c, "bad_state", "register", hx_call(c, "register", NULL));
	hx_stop(d);
}

/*
 * The moderation operations: every one x every role (and a safeguarding
 * lead, a member with the flag) x own or other organisation x channel
 * kind. Where the caller cannot see the channel, not_found; where it
 * sees but does not moderate, forbidden; where it moderates, the
 * operation's own answer (each request is built to fail, or to change
 * nothing, after the check: a visible post cannot be approved, a thread
 * not locked cannot be unlocked, a missing reason is a bad request).
 */
struct modop {
	const char	*op;
	const char	*authorised;	/* the answer a moderator gets */
	int		 on;		/* 0 post, 1 open thread, 2 channel,
					 * 3 locked and pinned thread */
	const char	*extra;		/* more fields, as JSON */
};

static const struct modop modops[] = {
	{ "mod.approve", "bad_state", 0, "{}" },
	{ "mod.reject", "bad_state", 0, "{\"reason\":\"r\"}" },
	{ "mod.hide", "bad_request", 0, "{}" },
	{ "mod.unhide", "bad_state", 0, "{}" },
	{ "mod.unmask", "bad_state", 0, "{\"reason\":\"r\"}" },
	{ "mod.history", NULL, 0, "{}" },
	{ "mod.lock", "bad_state", 3, "{}" },
	{ "mod.unlock", "bad_state", 1, "{}" },
	{ "mod.pin", "bad_state", 3, "{}" },
	{ "mod.unpin", "bad_state", 1, "{}" },
	{ "mod.mute", "bad_request", 2, "{\"user\":\"u00\"}" },
	{ "mod.unmute", "bad_state", 2, "{\"user\":\"u00\"}" },
	{ "mod.ban", "bad_text", 2, "{\"user\":\"u00\",\"reason\":\"\"}" },
	{ "mod.unban", "bad_state", 2, "{\"user\":\"u00\"}" },
	{ "channel.set", "bad_request", 2, "{}" },
	{ "mod.log", NULL, 2, "{}" },
};

static json_t *
modop_call(struct hx_conn *c, const struct modop *m, const char *ch,
    int64_t thread, int64_t reply, int64_t locked)
{
	json_t *req = json_loads(m->extra, 0, NULL);

	json_object_set_new(req, "op", json_string(m->op));
	if (m->on == 0)
		json_object_set_new(req, "post", json_integer(reply));
	else if (m->on == 1 || m->on == 3)
		json_object_set_new(req, "thread", json_integer(m->on == 1 ?
		    thread : locked));
	else
		json_object_set_new(req, "channel", json_string(ch));
	return hx_reply_int(c, hx_send(c, req));
}

Test(authz, moderation_operations)
{
	struct hx_daemon *d = setup();
	static const char *const chans[] = { ORGCH, PEERCH };
	struct hx_conn *lead[2], *c;
	int64_t thread[2], reply[2], locked[2];
	size_t i;
	int r, o, k, mod;

	for (o = 0; o < 2; o++) {
		c = hx_user(d, o == 0 ? OWN : OTHER, "member",
		    hx_strf("lead%d", o));
		hx_close(c);
		hx_db_exec(d, hx_strf("UPDATE accounts SET lead = 1"
		    " WHERE name = 'lead%d'", o));
		lead[o] = hx_login(d, hx_strf("lead%d", o));
	}
	for (k = 0; k < 2; k++) {
		thread[k] = hx_post(who[k == 0 ? 1 : 2][0], chans[k], "t", 0,
		    "root");
		reply[k] = hx_post(who[k == 0 ? 1 : 2][0], chans[k], NULL,
		    thread[k], "reply");
		locked[k] = hx_post(who[k == 0 ? 1 : 2][0], chans[k], "l", 0,
		    "locked");
		hx_ok(who[k == 0 ? 1 : 2][0], "mod.lock", "{s:I}", "thread",
		    locked[k]);
		hx_ok(who[k == 0 ? 1 : 2][0], "mod.pin", "{s:I}", "thread",
		    locked[k]);
	}
	for (r = 0; r <= NROLES; r++)
		for (o = 0; o < 2; o++)
			for (k = 0; k < 2; k++) {
				const char *role = r < NROLES ? roles[r] :
				    "lead";
				c = r < NROLES ? who[r][o] : lead[o];
				/* Peer: facilitators and admins; an
				 * organisation's: its org-admins, admins
				 * and leads, and nobody outside sees it. */
				mod = k == 1 ? r == 2 || r == 3 :
				    o == 0 && (r == 1 || r == 3 || r == NROLES);
				for (i = 0; i < sizeof modops /
				    sizeof modops[0]; i++) {
					const char *want = k == 0 && o == 1 ?
					    "not_found" : mod ?
					    modops[i].authorised : "forbidden";

					expect(c, want, hx_strf("%s, %s of %s "
					    "on %s", modops[i].op, role, o ?
					    OTHER : OWN, chans[k]),
					    modop_call(c, &modops[i], chans[k],
					    thread[k], reply[k], locked[k]));
				}
			}
	hx_stop(d);
}
