/*
 * 02-channels.c: organisations, channels and who may do what
 * (PROTOCOL.md "Roles and visibility" and the org/invite/channel
 * operations).
 *
 * The permission rules are tested as a table: one row per (role,
 * operation, object) with the expected answer, so a missing or extra
 * permission shows up as one failing row. The confidentiality rule
 * ("a channel that exists but is not yours and one that does not exist
 * answer alike") is tested byte for byte: every way into another
 * organisation's channel is tried on the real channel and on a
 * channel that was never made, with the same request id, and the two
 * reply lines must be identical.
 */
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "harness.h"

TestSuite(channels, .timeout = HX_TEST_TIMEOUT);

/* The cast of these tests. */
enum who { ADMIN, FAC, OADM, MEM, OUT, NWHO };

struct world {
	struct hx_daemon	*d;
	struct hx_conn		*c[NWHO];
};

static void
world_setup(struct world *w, const char *extra)
{
	w->d = hx_start(extra);
	w->c[ADMIN] = hx_admin(w->d);
	/* A facilitator sits in the operators' organisation. */
	w->c[FAC] = hx_user(w->d, HX_ADMIN_ORG, "facilitator", "fran");
	w->c[OADM] = hx_user(w->d, "refugee-action", "org-admin", "rosa");
	w->c[MEM] = hx_user(w->d, "refugee-action", "member", "ana");
	w->c[OUT] = hx_user(w->d, "migrant-help", "member", "omar");
}

static json_t *
find_channel(json_t *list, const char *name)
{
	json_t	*ch;
	size_t	 i;

	json_array_foreach(list, i, ch)
		if (strcmp(hx_str(ch, "channel"), name) == 0)
			return ch;
	return NULL;
}

static json_t *
channel_list(struct hx_conn *c)
{
	json_t	*list = json_object_get(hx_ok(c, "channel.list", NULL),
		    "channels");
	json_t	*ch;
	size_t	 i;

	cr_assert(json_is_array(list), "channel.list: channels not an array");
	json_array_foreach(list, i, ch) {
		hx_str(ch, "kind");
		hx_int(ch, "unread");
		hx_int(ch, "last_eid");
		cr_assert(json_is_boolean(json_object_get(ch, "joined")),
		    "joined in %s", hx_dump(ch));
		if (i > 0)
			cr_assert(strcmp(hx_str(json_array_get(list, i - 1),
			    "channel"), hx_str(ch, "channel")) < 0,
			    "channel.list not sorted by name: %s",
			    hx_dump(list));
	}
	return list;
}

Test(channels, org_and_peer_channels)
{
	struct world	 w;
	json_t		*res, *list, *ch;
	const char	*orgkind, *peerkind;

	world_setup(&w, NULL);
	res = hx_ok(w.c[OADM], "channel.create", "{s:s}", "channel",
	    "refugee-action/general");
	cr_assert_str_eq(hx_str(res, "channel"), "refugee-action/general");
	orgkind = hx_str(res, "kind");
	res = hx_ok(w.c[FAC], "channel.create", "{s:s}", "channel",
	    "peer/vicarious-trauma");
	cr_assert_str_eq(hx_str(res, "channel"), "peer/vicarious-trauma");
	peerkind = hx_str(res, "kind");
	cr_assert_str_neq(orgkind, peerkind, "org and peer channels share "
	    "the kind %s", orgkind);

	/* The creator has joined. */
	list = channel_list(w.c[OADM]);
	ch = find_channel(list, "refugee-action/general");
	cr_assert_not_null(ch, "creator's list lacks the channel: %s",
	    hx_dump(list));
	cr_assert(json_is_true(json_object_get(ch, "joined")));
	cr_assert_str_eq(hx_str(ch, "kind"), orgkind);

	/* A member sees both, joined to neither. */
	list = channel_list(w.c[MEM]);
	cr_assert_eq(json_array_size(list), 2, "member sees %s", hx_dump(list));
	ch = find_channel(list, "refugee-action/general");
	cr_assert(ch != NULL && json_is_false(json_object_get(ch, "joined")) &&
	    hx_int(ch, "unread") == 0, "%s", hx_dump(list));
	ch = find_channel(list, "peer/vicarious-trauma");
	cr_assert(ch != NULL && json_is_false(json_object_get(ch, "joined")),
	    "%s", hx_dump(list));
	cr_assert_str_eq(hx_str(ch, "kind"), peerkind);

	/* Someone from another organisation sees the peer channel only. */
	list = channel_list(w.c[OUT]);
	cr_assert_eq(json_array_size(list), 1, "outsider sees %s",
	    hx_dump(list));
	cr_assert_not_null(find_channel(list, "peer/vicarious-trauma"));
	hx_stop(w.d);
}

Test(channels, join_leave)
{
	struct world	 w;
	struct hx_conn	*m;
	json_t		*ch;

	world_setup(&w, NULL);
	m = w.c[MEM];
	hx_ok(w.c[OADM], "channel.create", "{s:s}", "channel",
	    "refugee-action/general");
	hx_err(m, "not_member", "post", "{s:s, s:s, s:s}", "channel",
	    "refugee-action/general", "title", "t", "body", "b");
	cr_assert_str_eq(hx_str(hx_ok(m, "join", "{s:s}", "channel",
	    "refugee-action/general"), "channel"), "refugee-action/general");
	hx_ok(m, "join", "{s:s}", "channel", "refugee-action/general");
	ch = find_channel(channel_list(m), "refugee-action/general");
	cr_assert(json_is_true(json_object_get(ch, "joined")), "%s",
	    hx_dump(ch));
	hx_post(m, "refugee-action/general", "Hello", 0, "first day here");
	hx_ok(m, "subscribe", "{s:[s]}", "channels", "refugee-action/general");
	hx_ok(m, "unsubscribe", NULL);

	cr_assert_str_eq(hx_str(hx_ok(m, "leave", "{s:s}", "channel",
	    "refugee-action/general"), "channel"), "refugee-action/general");
	hx_ok(m, "leave", "{s:s}", "channel", "refugee-action/general");
	ch = find_channel(channel_list(m), "refugee-action/general");
	cr_assert(json_is_false(json_object_get(ch, "joined")) &&
	    hx_int(ch, "unread") == 0, "%s", hx_dump(ch));
	hx_err(m, "not_member", "post", "{s:s, s:s, s:s}", "channel",
	    "refugee-action/general", "title", "t", "body", "b");
	hx_err(m, "not_member", "subscribe", "{s:[s]}", "channels",
	    "refugee-action/general");
	/* Reading needs only visibility. */
	cr_assert_eq(json_array_size(hx_read_all(m, "refugee-action/general",
	    0)), 1);
	/* A left channel's posts are not in sync. */
	hx_post(w.c[OADM], "refugee-action/general", "Later", 0, "after");
	cr_assert_eq(json_array_size(hx_sync_all(m, 0)), 0,
	    "sync returns posts of a channel left");

	hx_err(m, "not_found", "join", "{s:s}", "channel", "peer/nope");
	hx_err(m, "not_found", "leave", "{s:s}", "channel", "peer/nope");
	hx_err(m, "bad_name", "join", "{s:s}", "channel", "No Such/Thing");
	hx_stop(w.d);
}

Test(channels, channel_list_unread)
{
	struct world	 w;
	json_t		*ch;
	int64_t		 last = 0;
	int		 i;

	world_setup(&w, NULL);
	hx_ok(w.c[OADM], "channel.create", "{s:s}", "channel",
	    "refugee-action/general");
	hx_ok(w.c[FAC], "channel.create", "{s:s}", "channel", "peer/quiet");
	hx_ok(w.c[MEM], "join", "{s:s}", "channel", "refugee-action/general");
	for (i = 0; i < 3; i++)
		last = hx_post(w.c[OADM], "refugee-action/general",
		    hx_strf("news %d", i), 0, "body");
	hx_post(w.c[FAC], "peer/quiet", "unjoined", 0, "not counted");

	ch = find_channel(channel_list(w.c[MEM]), "refugee-action/general");
	cr_assert_eq(hx_int(ch, "unread"), 3, "%s", hx_dump(ch));
	cr_assert_eq(hx_int(ch, "last_eid"), last, "%s", hx_dump(ch));
	ch = find_channel(channel_list(w.c[MEM]), "peer/quiet");
	cr_assert_eq(hx_int(ch, "unread"), 0, "not joined: %s", hx_dump(ch));

	hx_ok(w.c[MEM], "read", "{s:s}", "channel", "refugee-action/general");
	ch = find_channel(channel_list(w.c[MEM]), "refugee-action/general");
	cr_assert_eq(hx_int(ch, "unread"), 0, "after read: %s", hx_dump(ch));
	last = hx_post(w.c[OADM], "refugee-action/general", "one more", 0, "b");
	ch = find_channel(channel_list(w.c[MEM]), "refugee-action/general");
	cr_assert_eq(hx_int(ch, "unread"), 1, "%s", hx_dump(ch));
	cr_assert_eq(hx_int(ch, "last_eid"), last, "%s", hx_dump(ch));
	hx_stop(w.d);
}

/* One row of the permission matrix. */
struct perm {
	enum who	 who;
	const char	*op;
	const char	*fields;	/* JSON object text */
	const char	*expect;	/* NULL: success; "a|b": either code */
};

static const struct perm perms[] = {
	{ ADMIN, "org.create", "{\"name\":\"org-by-admin\"}", NULL },
	{ FAC, "org.create", "{\"name\":\"org-by-fac\"}", "forbidden" },
	{ OADM, "org.create", "{\"name\":\"org-by-oadm\"}", "forbidden" },
	{ MEM, "org.create", "{\"name\":\"org-by-mem\"}", "forbidden" },

	{ ADMIN, "invite.create", "{\"org\":\"migrant-help\",\"role\":\"admin\"}", NULL },
	{ ADMIN, "invite.create", "{\"org\":\"refugee-action\",\"role\":\"facilitator\"}", NULL },
	{ ADMIN, "invite.create", "{\"org\":\"operators\",\"role\":\"member\"}", NULL },
	{ ADMIN, "invite.create", "{\"org\":\"no-such-org\",\"role\":\"member\"}", "not_found" },
	{ FAC, "invite.create", "{\"org\":\"migrant-help\",\"role\":\"facilitator\"}", NULL },
	{ FAC, "invite.create", "{\"org\":\"refugee-action\",\"role\":\"org-admin\"}", NULL },
	{ FAC, "invite.create", "{\"org\":\"migrant-help\",\"role\":\"member\"}", NULL },
	{ FAC, "invite.create", "{\"org\":\"refugee-action\",\"role\":\"admin\"}", "forbidden" },
	{ OADM, "invite.create", "{\"org\":\"refugee-action\",\"role\":\"org-admin\"}", NULL },
	{ OADM, "invite.create", "{\"org\":\"refugee-action\",\"role\":\"member\"}", NULL },
	{ OADM, "invite.create", "{\"org\":\"refugee-action\",\"role\":\"facilitator\"}", "forbidden" },
	{ OADM, "invite.create", "{\"org\":\"refugee-action\",\"role\":\"admin\"}", "forbidden" },
	/* Another organisation: the spec does not say whether an org-admin
	 * learns that it exists; either answer refuses. */
	{ OADM, "invite.create", "{\"org\":\"migrant-help\",\"role\":\"member\"}", "forbidden|not_found" },
	{ MEM, "invite.create", "{\"org\":\"refugee-action\",\"role\":\"member\"}", "forbidden" },
	{ MEM, "invite.create", "{\"org\":\"migrant-help\",\"role\":\"member\"}", "forbidden|not_found" },

	{ ADMIN, "channel.create", "{\"channel\":\"peer/by-admin\"}", NULL },
	{ ADMIN, "channel.create", "{\"channel\":\"operators/ops-room\"}", NULL },
	{ ADMIN, "channel.create", "{\"channel\":\"refugee-action/by-admin\"}", "forbidden" },
	{ FAC, "channel.create", "{\"channel\":\"peer/by-fac\"}", NULL },
	{ FAC, "channel.create", "{\"channel\":\"operators/by-fac\"}", "forbidden" },
	{ FAC, "channel.create", "{\"channel\":\"refugee-action/by-fac\"}", "forbidden" },
	{ OADM, "channel.create", "{\"channel\":\"peer/by-oadm\"}", "forbidden" },
	{ OADM, "channel.create", "{\"channel\":\"refugee-action/by-oadm\"}", NULL },
	{ OADM, "channel.create", "{\"channel\":\"migrant-help/by-oadm\"}", "not_found" },
	{ MEM, "channel.create", "{\"channel\":\"peer/by-mem\"}", "forbidden" },
	{ MEM, "channel.create", "{\"channel\":\"refugee-action/by-mem\"}", "forbidden" },
	/* A member may create no channel anywhere: refusing on the role
	 * first reveals nothing, as long as every organisation answers
	 * alike (outsider_denied_every_way checks that). */
	{ MEM, "channel.create", "{\"channel\":\"migrant-help/by-mem\"}", "forbidden|not_found" },
	{ OUT, "channel.create", "{\"channel\":\"no-such-org/by-out\"}", "forbidden|not_found" },
	{ ADMIN, "channel.create", "{\"channel\":\"no-such-org/by-admin\"}", "not_found" },
	{ OADM, "channel.create", "{\"channel\":\"no-such-org/by-oadm\"}", "not_found" },
};

static int
code_in(const char *code, const char *alternatives)
{
	size_t		 n = strlen(code);
	const char	*p = alternatives;

	while ((p = strstr(p, code)) != NULL) {
		if ((p == alternatives || p[-1] == '|') &&
		    (p[n] == '\0' || p[n] == '|'))
			return 1;
		p += n;
	}
	return 0;
}

Test(channels, permission_matrix)
{
	static const char *const names[] = { "admin", "facilitator",
		"org-admin", "member", "outsider" };
	struct world	 w;
	const struct perm *p;
	json_t		*req, *reply, *err;
	size_t		 i;

	world_setup(&w, NULL);
	for (i = 0; i < sizeof perms / sizeof perms[0]; i++) {
		p = &perms[i];
		req = json_loads(p->fields, 0, NULL);
		cr_assert_not_null(req, "row %zu: bad JSON", i);
		json_object_set_new(req, "op", json_string(p->op));
		reply = hx_reply_int(w.c[p->who], hx_send(w.c[p->who], req));
		err = json_object_get(json_object_get(reply, "error"), "code");
		if (p->expect == NULL)
			cr_assert(json_object_get(reply, "result") != NULL,
			    "%s %s %s: expected success, got %s",
			    names[p->who], p->op, p->fields, hx_dump(reply));
		else
			cr_assert(json_is_string(err) &&
			    code_in(json_string_value(err), p->expect),
			    "%s %s %s: expected %s, got %s", names[p->who],
			    p->op, p->fields, p->expect, hx_dump(reply));
	}
	hx_stop(w.d);
}

Test(channels, org_list_and_names)
{
	struct world	 w;
	json_t		*orgs;

	world_setup(&w, NULL);
	orgs = json_object_get(hx_ok(w.c[ADMIN], "org.list", NULL), "orgs");
	cr_assert_eq(json_array_size(orgs), 3, "admin: %s", hx_dump(orgs));
	orgs = json_object_get(hx_ok(w.c[FAC], "org.list", NULL), "orgs");
	cr_assert_eq(json_array_size(orgs), 3, "facilitator: %s",
	    hx_dump(orgs));
	orgs = json_object_get(hx_ok(w.c[MEM], "org.list", NULL), "orgs");
	cr_assert(json_array_size(orgs) == 1 && strcmp(json_string_value(
	    json_array_get(orgs, 0)), "refugee-action") == 0, "member: %s",
	    hx_dump(orgs));
	orgs = json_object_get(hx_ok(w.c[OADM], "org.list", NULL), "orgs");
	cr_assert_eq(json_array_size(orgs), 1, "org-admin: %s", hx_dump(orgs));

	hx_err(w.c[ADMIN], "exists", "org.create", "{s:s}", "name",
	    "refugee-action");
	hx_err(w.c[ADMIN], "bad_name", "org.create", "{s:s}", "name", "peer");
	hx_err(w.c[ADMIN], "bad_name", "org.create", "{s:s}", "name", "Bad Org");
	hx_err(w.c[ADMIN], "bad_name", "org.create", "{s:s}", "name", "");
	hx_err(w.c[ADMIN], "bad_name", "org.create", "{s:s}", "name",
	    "o23456789012345678901234567890123");
	hx_ok(w.c[ADMIN], "org.create", "{s:s}", "name",
	    "o2345678901234567890123456789012");

	hx_ok(w.c[FAC], "channel.create", "{s:s}", "channel", "peer/dup");
	hx_err(w.c[FAC], "exists", "channel.create", "{s:s}", "channel",
	    "peer/dup");
	hx_err(w.c[FAC], "bad_name", "channel.create", "{s:s}", "channel",
	    "peer/Dup");
	hx_err(w.c[FAC], "bad_name", "channel.create", "{s:s}", "channel",
	    "peer/");
	hx_err(w.c[FAC], "bad_name", "channel.create", "{s:s}", "channel",
	    "nochannel");
	hx_err(w.c[FAC], "bad_name", "channel.create", "{s:s}", "channel",
	    "peer/a/b");
	hx_err(w.c[FAC], "bad_name", "channel.create", "{s:s}", "channel",
	    "peer/c23456789012345678901234567890123");
	hx_stop(w.d);
}

/*
 * Send the same request (same id) naming the real channel and a
 * missing one; both must be not_found, and the lines identical.
 * fields: the other members, as JSON text.
 */
static void
alike(struct hx_conn *c, const char *op, const char *fields, const char *real,
    const char *missing, int64_t thread)
{
	const char	*code;
	const char	*lines[2], *names[2] = { real, missing };
	json_t		*req, *reply, *id = hx_keep(json_string("probe"));
	int		 i;

	for (i = 0; i < 2; i++) {
		req = json_loads(fields, 0, NULL);
		cr_assert_not_null(req, "bad fields %s", fields);
		if (strcmp(op, "subscribe") == 0)
			json_object_set_new(req, "channels",
			    json_pack("[s]", names[i]));
		else
			json_object_set_new(req, "channel",
			    json_string(names[i]));
		if (thread != 0)
			json_object_set_new(req, "thread", json_integer(thread));
		json_object_set_new(req, "op", json_string(op));
		json_object_set(req, "id", id);
		hx_send(c, req);
		reply = hx_reply(c, id);
		code = hx_str(json_object_get(reply, "error") ?
		    json_object_get(reply, "error") : reply, "code");
		/* channel.create may refuse on the role before it looks at
		 * the organisation (see the permission matrix). */
		cr_assert(strcmp(code, "not_found") == 0 ||
		    (strcmp(op, "channel.create") == 0 &&
		    strcmp(code, "forbidden") == 0),
		    "%s %s %s: expected not_found, got %s", op, names[i],
		    fields, hx_dump(reply));
		lines[i] = hx_raw(c, reply);
	}
	cr_assert_str_eq(lines[0], lines[1], "%s on a hidden channel answers "
	    "%s, on a missing one %s", op, lines[0], lines[1]);
}

static void
sweep(struct hx_conn *c, const char *real, const char *missing,
    int64_t thread)
{
	alike(c, "read", "{}", real, missing, 0);
	alike(c, "read", "{\"since\":0,\"limit\":10}", real, missing, 0);
	alike(c, "read", "{}", real, missing, thread);
	alike(c, "threads", "{}", real, missing, 0);
	alike(c, "join", "{}", real, missing, 0);
	alike(c, "leave", "{}", real, missing, 0);
	alike(c, "post", "{\"title\":\"t\",\"body\":\"b\"}", real,
	    missing, 0);
	alike(c, "post", "{\"body\":\"b\"}", real, missing, thread);
	alike(c, "subscribe", "{}", real, missing, 0);
	alike(c, "subscribe", "{\"since\":0}", real, missing, 0);
	/* Organisations are listed to everyone: a facilitator or admin
	 * making another's channel is told whose it is to make, where one
	 * that does not exist is not found. Between two channels of one
	 * organisation (the hidden one and one never made), it is alike. */
	if (strchr(missing, '/') != NULL && strchr(real, '/') != NULL &&
	    strncmp(missing, real, (size_t)(strchr(real, '/') - real + 1)) == 0)
		alike(c, "channel.create", "{}", real, missing, 0);
}

Test(channels, outsider_denied_every_way)
{
	struct world	 w;
	struct hx_conn	*who[3];
	int64_t		 thread;
	json_t		*before, *after, *ev, *list;
	size_t		 i, j;

	world_setup(&w, NULL);
	hx_ok(w.c[OADM], "channel.create", "{s:s}", "channel",
	    "refugee-action/general");
	hx_ok(w.c[MEM], "join", "{s:s}", "channel", "refugee-action/general");
	thread = hx_post(w.c[MEM], "refugee-action/general", "Hard week", 0,
	    "A client's appeal was refused today.");
	hx_post(w.c[OADM], "refugee-action/general", NULL, thread,
	    "Take the afternoon.");
	before = hx_read_all(w.c[MEM], "refugee-action/general", 0);

	/* Someone from another organisation, and the network's most
	 * trusted roles from the operators' organisation: none of them
	 * belongs to refugee-action, so none of them may see its channel. */
	who[0] = w.c[OUT];
	who[1] = w.c[ADMIN];
	who[2] = w.c[FAC];
	for (i = 0; i < 3; i++) {
		sweep(who[i], "refugee-action/general",
		    "refugee-action/never-made", thread);
		sweep(who[i], "refugee-action/general", "no-such-org/general",
		    thread);
		list = channel_list(who[i]);
		json_array_foreach(list, j, ev)
			cr_assert(strncmp(hx_str(ev, "channel"),
			    "refugee-action/", 15) != 0,
			    "channel.list shows %s", hx_dump(ev));
		cr_assert_eq(json_array_size(hx_sync_all(who[i], 0)), 0,
		    "sync shows another organisation's posts");
	}
	/* Nothing they tried changed anything. */
	after = hx_read_all(w.c[MEM], "refugee-action/general", 0);
	cr_assert(json_equal(before, after), "the channel changed: %s",
	    hx_dump(after));

	/* Live: the outsider's default subscription carries nothing from
	 * the hidden channel. A peer-channel post fences the check. */
	hx_ok(w.c[FAC], "channel.create", "{s:s}", "channel", "peer/fence");
	hx_ok(w.c[OUT], "join", "{s:s}", "channel", "peer/fence");
	hx_ok(w.c[MEM], "join", "{s:s}", "channel", "peer/fence");
	hx_ok(w.c[OUT], "subscribe", NULL);
	hx_post(w.c[MEM], "refugee-action/general", NULL, thread, "private");
	hx_post(w.c[MEM], "peer/fence", "fence", 0, "public");
	ev = hx_event(w.c[OUT], hx_ms(HX_WAIT_MS));
	cr_assert_not_null(ev, "the fence post never arrived");
	cr_assert_str_eq(hx_str(ev, "channel"), "peer/fence",
	    "the outsider received %s", hx_dump(ev));
	hx_stop(w.d);
}

Test(channels, peer_channel_across_orgs)
{
	struct world	 w;
	json_t		*all;
	int64_t		 t;

	world_setup(&w, NULL);
	hx_ok(w.c[FAC], "channel.create", "{s:s}", "channel",
	    "peer/vicarious-trauma");
	hx_ok(w.c[MEM], "join", "{s:s}", "channel", "peer/vicarious-trauma");
	hx_ok(w.c[OUT], "join", "{s:s}", "channel", "peer/vicarious-trauma");
	t = hx_post(w.c[MEM], "peer/vicarious-trauma", "After hours", 0,
	    "How do you switch off?");
	hx_post(w.c[OUT], "peer/vicarious-trauma", NULL, t,
	    "A walk before I get home.");
	all = hx_read_all(w.c[OUT], "peer/vicarious-trauma", 0);
	cr_assert_eq(json_array_size(all), 2);
	hx_assert_post(json_array_get(all, 0), "peer/vicarious-trauma", t, t,
	    "ana", "refugee-action", "After hours", "How do you switch off?");
	hx_assert_post(json_array_get(all, 1), "peer/vicarious-trauma", 0, t,
	    "omar", "migrant-help", NULL, "A walk before I get home.");
	hx_stop(w.d);
}
