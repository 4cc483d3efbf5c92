/*
 * hx-steps.c: the protocol steps most tests need before they get to
 * their point: the admin, organisations, invites, accounts, posts, and
 * reading a channel or the sync stream to its end. Each step checks the
 * reply's shape as it goes (an account's user/org/role, a post's ids),
 * so that every test exercises those paths too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "hx-internal.h"

/* Paging loops stop here whatever "more" says: a server that keeps
 * saying "more" must fail the test, not spin it. */
#define HX_MAX_PAGES	1000

int64_t
hx_int(json_t *obj, const char *key)
{
	json_t	*v = json_object_get(obj, key);

	cr_assert(json_is_integer(v), "expected an integer \"%s\" in %s", key,
	    hx_dump(obj));
	return json_integer_value(v);
}

const char *
hx_str(json_t *obj, const char *key)
{
	json_t	*v = json_object_get(obj, key);

	cr_assert(json_is_string(v), "expected a string \"%s\" in %s", key,
	    hx_dump(obj));
	return json_string_value(v);
}

static void
hx_assert_account(json_t *res, const char *user, const char *org,
    const char *role)
{
	cr_assert_str_eq(hx_str(res, "user"), user, "user in %s", hx_dump(res));
	cr_assert_str_eq(hx_str(res, "org"), org, "org in %s", hx_dump(res));
	cr_assert_str_eq(hx_str(res, "role"), role, "role in %s", hx_dump(res));
}

struct hx_conn *
hx_admin(struct hx_daemon *d)
{
	struct hx_conn	*c;
	json_t		*res;

	if (d->admin != NULL && !hx_is_closed(d->admin))
		return d->admin;
	if (d->admin != NULL)
		hx_close(d->admin);
	c = hx_connect(d);
	if (!d->admin_registered) {
		res = hx_ok(c, "register", "{s:s, s:s, s:s}", "invite",
		    d->invite, "user", HX_ADMIN, "password", HX_PASSWORD);
		d->admin_registered = 1;
	} else
		res = hx_ok(c, "login", "{s:s, s:s}", "user", HX_ADMIN,
		    "password", HX_PASSWORD);
	hx_assert_account(res, HX_ADMIN, HX_ADMIN_ORG, "admin");
	c->token = hx_str(res, "token");
	d->admin = c;
	return c;
}

void
hx_org(struct hx_daemon *d, const char *org)
{
	json_t	*r, *code;

	if (strcmp(org, HX_ADMIN_ORG) == 0 ||
	    json_object_get(d->orgs, org) != NULL)
		return;
	r = hx_call(hx_admin(d), "org.create", "{s:s}", "name", org);
	code = json_object_get(json_object_get(r, "error"), "code");
	/* A test may have made it itself through the protocol. */
	if (!json_is_string(code) || strcmp(json_string_value(code),
	    "exists") != 0)
		cr_assert_str_eq(hx_str(hx_assert_ok(r), "org"), org,
		    "org.create answered %s", hx_dump(r));
	json_object_set_new(d->orgs, org, json_true());
}

const char *
hx_invite(struct hx_daemon *d, const char *org, const char *role)
{
	json_t		*res;
	const char	*code;

	hx_org(d, org);
	res = hx_ok(hx_admin(d), "invite.create", "{s:s, s:s}", "org", org,
	    "role", role);
	code = hx_str(res, "code");
	cr_assert_eq(strlen(code), 26, "invite code %s is not 26 characters",
	    code);
	cr_assert_str_eq(hx_str(res, "org"), org);
	cr_assert_str_eq(hx_str(res, "role"), role);
	return code;
}

struct hx_conn *
hx_user(struct hx_daemon *d, const char *org, const char *role,
    const char *user)
{
	const char	*code = hx_invite(d, org, role);
	struct hx_conn	*c = hx_connect(d);
	json_t		*res;

	res = hx_ok(c, "register", "{s:s, s:s, s:s}", "invite", code, "user",
	    user, "password", HX_PASSWORD);
	hx_assert_account(res, user, org, role);
	c->token = hx_str(res, "token");
	return c;
}

struct hx_conn *
hx_login(struct hx_daemon *d, const char *user)
{
	struct hx_conn	*c = hx_connect(d);
	json_t		*res;

	res = hx_ok(c, "login", "{s:s, s:s}", "user", user, "password",
	    HX_PASSWORD);
	cr_assert_str_eq(hx_str(res, "user"), user);
	c->token = hx_str(res, "token");
	return c;
}

const char *
hx_token(struct hx_conn *c)
{
	cr_assert(c->token != NULL, "this connection has no token");
	return c->token;
}

static json_t *
hx_post_req(const char *channel, const char *title, int64_t thread,
    const char *body)
{
	json_t	*req = json_object();

	json_object_set_new(req, "op", json_string("post"));
	json_object_set_new(req, "channel", json_string(channel));
	json_object_set_new(req, "body", json_string(body));
	if (title != NULL)
		json_object_set_new(req, "title", json_string(title));
	if (thread != 0)
		json_object_set_new(req, "thread", json_integer(thread));
	return req;
}

int64_t
hx_post(struct hx_conn *c, const char *channel, const char *title,
    int64_t thread, const char *body)
{
	json_t	*res;
	int64_t	 post;

	res = hx_assert_ok(hx_reply_int(c,
	    hx_send(c, hx_post_req(channel, title, thread, body))));
	post = hx_int(res, "post");
	cr_assert(post > 0, "post id %lld", (long long)post);
	/* A new post's id is its event id; a new thread is its first post. */
	cr_assert_eq(hx_int(res, "eid"), post, "post reply %s", hx_dump(res));
	cr_assert_eq(hx_int(res, "thread"), thread != 0 ? thread : post,
	    "post reply %s", hx_dump(res));
	return post;
}

int64_t
hx_send_post(struct hx_conn *c, const char *channel, int64_t thread,
    const char *body)
{
	return hx_send(c, hx_post_req(channel, NULL, thread, body));
}

/* Append the page's events to all, checking ascending eids after since. */
static int64_t
hx_take_page(json_t *all, json_t *events, int64_t since, const char *what)
{
	json_t	*ev;
	size_t	 i;
	int64_t	 eid;

	cr_assert(json_is_array(events), "%s: events is not an array", what);
	json_array_foreach(events, i, ev) {
		eid = hx_int(ev, "eid");
		cr_assert(eid > since, "%s: event %lld not after %lld "
		    "(ascending order)", what, (long long)eid,
		    (long long)since);
		since = eid;
		json_array_append(all, ev);
	}
	return since;
}

json_t *
hx_read_all(struct hx_conn *c, const char *channel, int64_t since)
{
	json_t	*all = hx_keep(json_array()), *res, *more;
	int	 pages;

	for (pages = 0; pages < HX_MAX_PAGES; pages++) {
		res = hx_ok(c, "read", "{s:s, s:I, s:i}", "channel", channel,
		    "since", (json_int_t)since, "limit", 1000);
		more = json_object_get(res, "more");
		cr_assert(json_is_boolean(more), "read: more is not a boolean "
		    "in %s", hx_dump(res));
		since = hx_take_page(all, json_object_get(res, "events"), since,
		    "read");
		if (!json_is_true(more))
			return all;
		cr_assert(json_array_size(json_object_get(res, "events")) > 0,
		    "read: more is true on an empty page");
	}
	cr_assert_fail("read: more than %d pages", HX_MAX_PAGES);
	return NULL;
}

json_t *
hx_sync_all(struct hx_conn *c, int64_t since)
{
	json_t	*all = hx_keep(json_array()), *res, *more;
	int64_t	 last;
	int	 pages;

	for (pages = 0; pages < HX_MAX_PAGES; pages++) {
		res = hx_ok(c, "sync", "{s:I, s:i}", "since", (json_int_t)since,
		    "limit", 1000);
		more = json_object_get(res, "more");
		cr_assert(json_is_boolean(more), "sync: more is not a boolean "
		    "in %s", hx_dump(res));
		last = hx_take_page(all, json_object_get(res, "events"), since,
		    "sync");
		cr_assert_eq(hx_int(res, "last_eid"), last,
		    "sync: last_eid %lld, but the last event is %lld",
		    (long long)hx_int(res, "last_eid"), (long long)last);
		since = last;
		if (!json_is_true(more))
			return all;
		cr_assert(json_array_size(json_object_get(res, "events")) > 0,
		    "sync: more is true on an empty page");
	}
	cr_assert_fail("sync: more than %d pages", HX_MAX_PAGES);
	return NULL;
}

void
hx_assert_post(json_t *ev, const char *channel, int64_t post, int64_t thread,
    const char *author, const char *org, const char *title, const char *body)
{
	json_t	*t = json_object_get(ev, "title");

	cr_assert_str_eq(hx_str(ev, "ev"), "post", "not a post: %s",
	    hx_dump(ev));
	cr_assert_eq(hx_int(ev, "eid"), hx_int(ev, "post"),
	    "a new post's eid equals its post id: %s", hx_dump(ev));
	if (post != 0)
		cr_assert_eq(hx_int(ev, "post"), post, "post id in %s",
		    hx_dump(ev));
	if (thread != 0)
		cr_assert_eq(hx_int(ev, "thread"), thread, "thread in %s",
		    hx_dump(ev));
	cr_assert_str_eq(hx_str(ev, "channel"), channel, "in %s", hx_dump(ev));
	cr_assert_str_eq(hx_str(ev, "author"), author, "in %s", hx_dump(ev));
	cr_assert_str_eq(hx_str(ev, "org"), org, "in %s", hx_dump(ev));
	cr_assert_str_eq(hx_str(ev, "body"), body, "in %s", hx_dump(ev));
	/* "2026-11-25T08:15:02Z": 20 characters, UTC. */
	cr_assert(strlen(hx_str(ev, "ts")) == 20 && hx_str(ev, "ts")[10] ==
	    'T' && hx_str(ev, "ts")[19] == 'Z', "ts in %s", hx_dump(ev));
	if (title != NULL) {
		cr_assert(json_is_string(t) && strcmp(json_string_value(t),
		    title) == 0, "title in %s", hx_dump(ev));
		cr_assert_eq(hx_int(ev, "thread"), hx_int(ev, "post"),
		    "a thread's first post has thread == post: %s",
		    hx_dump(ev));
	} else {
		cr_assert(t == NULL || json_is_null(t),
		    "a reply has no title: %s", hx_dump(ev));
		cr_assert_neq(hx_int(ev, "thread"), hx_int(ev, "post"),
		    "a reply is not its own thread: %s", hx_dump(ev));
	}
}
