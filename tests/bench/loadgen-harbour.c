/*
 * loadgen-harbour.c: the Harbour driver. JSON lines over TLS, as
 * proto/PROTOCOL.md describes them.
 *
 * Setup, on a fresh database whose only account is the admin invite
 * from `harbourd init`: the admin registers, creates the organisation
 * "bench" and the peer channel "peer/bench", starts one thread there
 * (every bench post is a reply to it, so posts need no round trip
 * first), and asks for one invite per account. Each account registers
 * on a connection of its own, joins the channel and goes; later clients
 * log in with that account's session token (several clients may share
 * one), so only the setup and the login burst pay for Argon2id. The
 * admin stays connected and is the publisher.
 *
 * Live posts are the hot path: a post event's body is the last member
 * (proto_event_post builds it so), so the payload is found at a fixed
 * distance from the end of the line without parsing the JSON. Anything
 * else, and any post event of another shape, goes through jansson.
 *
 * Announcements (--mode announce) are resources instead of posts: each
 * subscriber follows the tag "bench" (tag.subscribe), the odd-numbered
 * ones set working hours that exclude the whole run (quiet.set), and
 * then all subscribe; the admin shares every announcement with
 * resource.post, its payload as the title, and the reply's "notified"
 * says how many inbox rows were written. An inbox event carries the
 * resource, so its title (found by a search, not a parse) is the
 * payload.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "loadgen.h"
#include "proto.h"

#define HB_CHANNEL	"peer/bench"
#define HB_ORG		"bench"
#define HB_ADMIN	"admin"
/* Request ids: setup steps are small numbers, invites and posts start
 * at their own bases, so a reply names what it answers. */
#define HB_ID_SYNC	5
#define HB_ID_PING	9
#define HB_ID_INVITE	1000000LL
#define HB_ID_POST	1000000000LL
/* A sync page: the protocol's maximum. */
#define HB_SYNC_LIMIT	PROTO_PAGE_MAX
/* Clients per account when none is given: tokens are shared beyond. */
#define HB_ACCOUNTS_MAX	1000
/* Announcements: the tag every subscriber follows, the link each one
 * shares (a resource is a link or a file), and the time zone of the
 * quiet half's working hours. */
#define HB_TAG		"bench"
#define HB_URL		"https://example.org/x"
#define HB_TZ		"UTC"

enum hb_step {
	HB_HELLO,	/* waiting for the server's first line */
	HB_AUTH,	/* register or login sent */
	HB_ORG_STEP,
	HB_CHANNEL_STEP,
	HB_THREAD_STEP,
	HB_INVITES,
	HB_JOIN,
	HB_SUBSCRIBE,
	HB_TAG_STEP,	/* announce: tag.subscribe sent */
	HB_QUIET_STEP,	/* announce: quiet.set sent */
	HB_WAIT_LOGIN,	/* LG_LOGIN: connected, told when to log in */
	HB_READY
};

struct hb {
	int		 naccounts;
	int		 ncodes;
	int		 nregistered;
	char		**codes;
	char		**tokens;
	int64_t		 thread;
	char		*buf;
	size_t		 bufsize;
	int		 announce;	/* resources, not posts */
	char		 hours[32];	/* the quiet half's working hours */
};

static void
hb_password(int idx, char *buf, size_t size)
{
	snprintf(buf, size, "bench-password-%05d", idx);
}

static void
hb_request(struct lg_peer *p, json_t *req)
{
	char *line = json_dumps(req, JSON_COMPACT);
	size_t len;

	json_decref(req);
	if (line == NULL)
		abort();
	len = strlen(line);
	line[len] = '\n';	/* over the NUL: the line is sent by length */
	lg_send(p, line, len + 1);
	free(line);
}

static char *
hb_strdup(const char *s)
{
	char *d = strdup(s != NULL ? s : "");

	if (d == NULL)
		abort();
	return d;
}

static int
hb_accounts(const struct lg *lg)
{
	int n = lg->o.accounts;

	if (n <= 0) {
		if (strcmp(lg->o.mode, "idle") == 0 ||
		    strcmp(lg->o.mode, "storm") == 0)
			n = lg->o.conns;
		else
			n = lg->o.subs + 1;	/* the slow reader too */
		if (strcmp(lg->o.mode, "burst") == 0 && lg->o.logins > n)
			n = lg->o.logins;
	}
	return n > HB_ACCOUNTS_MAX ? HB_ACCOUNTS_MAX : n;
}

/*
 * Working hours the whole run is outside of: one minute on the day
 * after tomorrow (UTC), a weekly range whose next start is at least a
 * day away, so that even a run begun just before midnight never enters
 * it. The quiet.set reply's in_hours confirms it.
 */
static void
hb_quiet_hours(char *buf, size_t size)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed",
	    "Thu", "Fri", "Sat" };
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	snprintf(buf, size, "%s 00:00-00:01", days[(tm.tm_wday + 2) % 7]);
}

static void
hb_setup(struct lg *lg)
{
	struct hb *hb = calloc(1, sizeof *hb);

	if (hb == NULL || lg->o.invite == NULL) {
		fprintf(stderr, "loadgen: harbour needs --invite CODE\n");
		exit(64);
	}
	hb->naccounts = hb_accounts(lg);
	hb->announce = strcmp(lg->o.mode, "announce") == 0;
	/* Working hours belong to the account: two clients sharing one
	 * could not be one in hours and one out. */
	if (hb->announce && lg->o.subs > hb->naccounts) {
		fprintf(stderr, "loadgen: announce needs an account per "
		    "subscriber: at most %d subscribers\n", hb->naccounts);
		exit(64);
	}
	hb_quiet_hours(hb->hours, sizeof hb->hours);
	hb->codes = calloc((size_t)hb->naccounts, sizeof *hb->codes);
	hb->tokens = calloc((size_t)hb->naccounts, sizeof *hb->tokens);
	hb->bufsize = 65536;
	hb->buf = malloc(hb->bufsize);
	if (hb->codes == NULL || hb->tokens == NULL || hb->buf == NULL)
		abort();
	lg->drv_data = hb;
	lg_open(lg, LG_PUB, -1, 0);
}

/* The accounts are registered: the publisher may start. Their setup
 * connections go, so that the workload starts with only its own. */
static void
hb_accounts_done(struct lg *lg)
{
	int i;

	for (i = 0; i < lg->npeers; i++) {
		lg_close(lg->peers[i]);
		free(lg->peers[i]);
	}
	lg->npeers = 0;
	lg->qhead = lg->qtail = 0;
	lg_setup_done(lg);
}

static void
hb_admin_step(struct lg_peer *p, json_t *result)
{
	struct lg *lg = p->lg;
	struct hb *hb = lg->drv_data;
	json_t *req;
	int i;

	switch (p->step) {
	case HB_AUTH:
		p->step = HB_ORG_STEP;
		req = proto_request(2, "org.create");
		json_object_set_new(req, "name", json_string(HB_ORG));
		return hb_request(p, req);
	case HB_ORG_STEP:
		p->step = HB_CHANNEL_STEP;
		req = proto_request(3, "channel.create");
		json_object_set_new(req, "channel", json_string(HB_CHANNEL));
		return hb_request(p, req);
	case HB_CHANNEL_STEP:
		p->step = HB_THREAD_STEP;
		req = proto_request(4, "post");
		json_object_set_new(req, "channel", json_string(HB_CHANNEL));
		json_object_set_new(req, "title", json_string("bench"));
		json_object_set_new(req, "body", json_string("setup"));
		return hb_request(p, req);
	case HB_THREAD_STEP:
		hb->thread = json_integer_value(json_object_get(result,
		    "thread"));
		p->step = HB_INVITES;
		for (i = 0; i < hb->naccounts; i++) {
			req = proto_request(HB_ID_INVITE + i, "invite.create");
			json_object_set_new(req, "org", json_string(HB_ORG));
			json_object_set_new(req, "role", json_string("member"));
			hb_request(p, req);
		}
		return;
	}
}

static void
hb_invite_reply(struct lg_peer *p, int64_t i, json_t *result)
{
	struct lg *lg = p->lg;
	struct hb *hb = lg->drv_data;

	if (i < 0 || i >= hb->naccounts || hb->codes[i] != NULL)
		return lg_peer_failed(p, "unexpected invite reply");
	hb->codes[i] = hb_strdup(json_string_value(json_object_get(result,
	    "code")));
	if (++hb->ncodes < hb->naccounts)
		return;
	p->step = HB_READY;
	lg_peer_ready(p);
	lg->phase = "register accounts";
	lg_expect_ready(lg, hb->naccounts, hb_accounts_done);
	for (i = 0; i < hb->naccounts; i++)
		lg_open(lg, LG_SETUP, (int)i, 0);
}

static void
hb_connected(struct lg_peer *p)
{
	struct lg *lg = p->lg;
	struct hb *hb = lg->drv_data;
	char user[PROTO_MAX_NAME + 1], pw[64];
	json_t *req;

	p->step = HB_AUTH;
	if (p->kind == LG_PUB || p->kind == LG_SETUP) {
		req = proto_request(1, "register");
		if (p->kind == LG_PUB) {
			json_object_set_new(req, "invite",
			    json_string(lg->o.invite));
			snprintf(user, sizeof user, "%s", HB_ADMIN);
		} else {
			json_object_set_new(req, "invite",
			    json_string(hb->codes[p->idx]));
			snprintf(user, sizeof user, "u%05d", p->idx);
		}
		hb_password(p->kind == LG_PUB ? -1 : p->idx, pw, sizeof pw);
		json_object_set_new(req, "user", json_string(user));
		json_object_set_new(req, "password", json_string(pw));
		return hb_request(p, req);
	}
	if (p->kind == LG_LOGIN) {
		p->step = HB_HELLO;	/* ready once the hello is in */
		return;
	}
	req = proto_request(1, "login");
	json_object_set_new(req, "token",
	    json_string(hb->tokens[p->idx % hb->naccounts]));
	hb_request(p, req);
}

/* LG_LOGIN: the password login the burst is made of. */
static void
hb_login(struct lg_peer *p)
{
	struct hb *hb = p->lg->drv_data;
	char user[PROTO_MAX_NAME + 1], pw[64];
	int acct = p->idx % hb->naccounts;
	json_t *req;

	snprintf(user, sizeof user, "u%05d", acct);
	hb_password(acct, pw, sizeof pw);
	req = proto_request(1, "login");
	json_object_set_new(req, "user", json_string(user));
	json_object_set_new(req, "password", json_string(pw));
	p->step = HB_AUTH;
	hb_request(p, req);
}

static void
hb_subscribe(struct lg_peer *p)
{
	json_t *req = proto_request(2, "subscribe");

	json_object_set_new(req, "channels", json_pack("[s]", HB_CHANNEL));
	p->step = HB_SUBSCRIBE;
	hb_request(p, req);
}

/* Announce: follow the tag first; the quiet half then sets its hours. */
static void
hb_tag_subscribe(struct lg_peer *p)
{
	json_t *req = proto_request(3, "tag.subscribe");

	json_object_set_new(req, "tag", json_string(HB_TAG));
	p->step = HB_TAG_STEP;
	hb_request(p, req);
}

static void
hb_quiet_set(struct lg_peer *p)
{
	struct hb *hb = p->lg->drv_data;
	json_t *req = proto_request(4, "quiet.set");

	json_object_set_new(req, "hours", json_string(hb->hours));
	json_object_set_new(req, "tz", json_string(HB_TZ));
	p->step = HB_QUIET_STEP;
	hb_request(p, req);
}

static void
hb_sync(struct lg_peer *p, int64_t since)
{
	json_t *req = proto_request(HB_ID_SYNC, "sync");

	json_object_set_new(req, "since", json_integer(since));
	json_object_set_new(req, "limit", json_integer(HB_SYNC_LIMIT));
	hb_request(p, req);
}

static void
hb_sync_reply(struct lg_peer *p, json_t *result)
{
	json_t *events = json_object_get(result, "events"), *ev;
	const char *body;
	size_t i;

	json_array_foreach(events, i, ev) {
		body = json_string_value(json_object_get(ev, "body"));
		if (body != NULL)
			lg_delivered(p, body, strlen(body));
	}
	if (json_is_true(json_object_get(result, "more")))
		return hb_sync(p, json_integer_value(json_object_get(result,
		    "last_eid")));
	lg_catchup_done(p);
}

/* A reply to a client's own step. */
static void
hb_step_reply(struct lg_peer *p, json_t *result)
{
	struct hb *hb = p->lg->drv_data;
	const char *token;

	if (p->kind == LG_PUB)
		return hb_admin_step(p, result);
	switch (p->step) {
	case HB_AUTH:
		if (p->kind == LG_LOGIN) {
			p->step = HB_READY;
			return lg_login_done(p, 1);
		}
		if (p->kind == LG_SETUP) {
			token = json_string_value(json_object_get(result,
			    "token"));
			free(hb->tokens[p->idx]);
			hb->tokens[p->idx] = hb_strdup(token);
			p->step = HB_JOIN;
			result = proto_request(2, "join");
			json_object_set_new(result, "channel",
			    json_string(HB_CHANNEL));
			return hb_request(p, result);
		}
		if (p->kind == LG_SUB && hb->announce)
			return hb_tag_subscribe(p);
		if (p->kind == LG_SUB)
			return hb_subscribe(p);
		p->step = HB_READY;
		return lg_peer_ready(p);
	case HB_TAG_STEP:
		if (p->quiet)
			return hb_quiet_set(p);
		return hb_subscribe(p);
	case HB_QUIET_STEP:
		/* The point of the row: these must be outside their hours. */
		if (!json_is_false(json_object_get(result, "in_hours")))
			return lg_peer_failed(p, "quiet.set: still in hours");
		return hb_subscribe(p);
	case HB_JOIN:
	case HB_SUBSCRIBE:
		p->step = HB_READY;
		return lg_peer_ready(p);
	}
}

static void
hb_reply(struct lg_peer *p, json_t *obj)
{
	json_t *result = json_object_get(obj, "result");
	json_t *err = json_object_get(obj, "error");
	int64_t id = json_integer_value(json_object_get(obj, "id"));
	char why[160];

	if (p->kind == LG_PUB && id >= HB_ID_POST) {
		if (err != NULL)
			lg_fail(p->lg, "post %lld refused: %s", (long long)(id -
			    HB_ID_POST), json_string_value(json_object_get(err,
			    "code")));
		else if (((struct hb *)p->lg->drv_data)->announce)
			lg_notified(p->lg, (uint64_t)(id - HB_ID_POST),
			    json_integer_value(json_object_get(result,
			    "notified")));
		return lg_acked(p->lg, (uint64_t)(id - HB_ID_POST), err == NULL);
	}
	if (err != NULL) {
		if (p->kind == LG_LOGIN && p->step == HB_AUTH)
			return lg_login_done(p, 0);
		snprintf(why, sizeof why, "request %lld: %s: %s",
		    (long long)id, json_string_value(json_object_get(err,
		    "code")), json_string_value(json_object_get(err,
		    "message")));
		return lg_peer_failed(p, why);
	}
	if (p->kind == LG_PUB && id >= HB_ID_INVITE)
		return hb_invite_reply(p, id - HB_ID_INVITE, result);
	if (id == HB_ID_SYNC)
		return hb_sync_reply(p, result);
	if (id == HB_ID_PING)
		return;
	hb_step_reply(p, result);
}

/* An inbox item about a resource: its title is an announcement's
 * payload. */
static void
hb_item(struct lg_peer *p, json_t *item)
{
	const char *s;

	s = json_string_value(json_object_get(json_object_get(item,
	    "resource"), "title"));
	if (s != NULL)
		lg_delivered(p, s, strlen(s));
}

static void
hb_event(struct lg_peer *p, json_t *obj, const char *ev)
{
	json_t *req, *items, *it;
	const char *s;
	size_t i;

	if (strcmp(ev, "post") == 0) {
		if ((s = json_string_value(json_object_get(obj, "body"))))
			lg_delivered(p, s, strlen(s));
	} else if (strcmp(ev, "inbox") == 0) {
		hb_item(p, json_object_get(obj, "item"));
	} else if (strcmp(ev, "digest") == 0) {
		items = json_object_get(obj, "items");
		lg_digest(p, json_array_size(items));
		json_array_foreach(items, i, it)
			hb_item(p, it);
	} else if (strcmp(ev, "hello") == 0) {
		if (p->kind == LG_LOGIN && p->step == HB_HELLO) {
			p->step = HB_WAIT_LOGIN;
			lg_peer_ready(p);
		}
	} else if (strcmp(ev, "gap") == 0) {
		lg_gap(p, json_integer_value(json_object_get(obj, "after")));
		if (p->catching_up)
			hb_sync(p, p->gap_after);
	} else if (strcmp(ev, "ping") == 0) {
		req = proto_request(HB_ID_PING, "ping");
		hb_request(p, req);
	} else if (strcmp(ev, "bye") == 0) {
		s = json_string_value(json_object_get(obj, "reason"));
		lg_peer_failed(p, s != NULL ? s : "bye");
	}
}

/* A post's acknowledgement, {"id":N,"result":{"post":...}}, read without
 * a JSON parser: it is one per post, as cheap to read as MQTT's PUBACK.
 * 1 when it was one (and is counted), 0 for anything else. */
static int
hb_post_ack(struct lg_peer *p, const char *line, size_t len)
{
	static const char head[] = "{\"id\":", tail[] = ",\"result\":{\"post\":";
	const char *s = line + sizeof head - 1, *end = line + len;
	int64_t id = 0;

	if (len < sizeof head + sizeof tail ||
	    memcmp(line, head, sizeof head - 1) != 0)
		return 0;
	for (; s < end && *s >= '0' && *s <= '9' && id < INT64_MAX / 10; s++)
		id = id * 10 + (*s - '0');
	if (id < HB_ID_POST || (size_t)(end - s) < sizeof tail - 1 ||
	    memcmp(s, tail, sizeof tail - 1) != 0)
		return 0;
	lg_acked(p->lg, (uint64_t)(id - HB_ID_POST), 1);
	return 1;
}

/* An inbox event, {"ev":"inbox","item":{...,"resource":{...,"title":
 * "<payload>",...}}}, read without a JSON parser: the announce row's
 * subscribers get one per announcement. 1 when it was one (and is
 * counted), 0 for anything else. */
static int
hb_inbox_event(struct lg_peer *p, const char *line, size_t len)
{
	static const char head[] = "{\"ev\":\"inbox\",";
	static const char title[] = "\"title\":\"";
	const char *t;

	if (len < sizeof head || memcmp(line, head, sizeof head - 1) != 0 ||
	    (t = memmem(line, len, title, sizeof title - 1)) == NULL)
		return 0;
	t += sizeof title - 1;
	if ((size_t)(line + len - t) <= LG_PAYLOAD || t[LG_PAYLOAD] != '"')
		return 0;
	lg_delivered(p, t, LG_PAYLOAD);
	return 1;
}

static void
hb_line(struct lg_peer *p, const char *line, size_t len)
{
	static const char body_key[] = "\"body\":\"";
	size_t off = sizeof body_key - 1 + LG_PAYLOAD + 2;
	json_error_t jerr;
	json_t *obj;
	const char *ev;

	/* The publisher's hot path: {"id":N,"result":{"post":... */
	if (p->kind == LG_PUB && hb_post_ack(p, line, len))
		return;
	/* The subscribers' hot path: {"ev":"post",...,"body":"<payload>"} */
	if (len > off && memcmp(line, "{\"ev\":\"post\",", 13) == 0 &&
	    memcmp(line + len - off, body_key, sizeof body_key - 1) == 0 &&
	    memcmp(line + len - 2, "\"}", 2) == 0) {
		lg_delivered(p, line + len - 2 - LG_PAYLOAD, LG_PAYLOAD);
		return;
	}
	if (p->kind == LG_SUB && hb_inbox_event(p, line, len))
		return;
	if ((obj = json_loadb(line, len, 0, &jerr)) == NULL) {
		lg_peer_failed(p, "a line that is not JSON");
		return;
	}
	if ((ev = json_string_value(json_object_get(obj, "ev"))) != NULL)
		hb_event(p, obj, ev);
	else
		hb_reply(p, obj);
	json_decref(obj);
}

static int
hb_input(struct lg_peer *p, struct evbuffer *in)
{
	struct hb *hb = p->lg->drv_data;
	struct evbuffer_ptr eol;
	size_t len;

	while (!p->failed && !p->slow) {
		eol = evbuffer_search_eol(in, NULL, NULL, EVBUFFER_EOL_LF);
		if (eol.pos < 0)
			break;
		len = (size_t)eol.pos;
		if (len + 1 > PROTO_MAX_SERVER_LINE)
			return -1;
		if (len + 1 > hb->bufsize) {
			hb->bufsize = len + 1;
			if ((hb->buf = realloc(hb->buf, hb->bufsize)) == NULL)
				abort();
		}
		evbuffer_remove(in, hb->buf, len + 1);
		hb_line(p, hb->buf, len);
	}
	if (evbuffer_get_length(in) > PROTO_MAX_SERVER_LINE)
		return -1;
	return 0;
}

static void
hb_publish(struct lg_peer *p, uint64_t seq, const char *payload)
{
	struct hb *hb = p->lg->drv_data;
	char line[LG_PAYLOAD + 256];
	int n;

	if (hb->announce)
		n = snprintf(line, sizeof line, "{\"id\":%lld,\"op\":"
		    "\"resource.post\",\"title\":\"%s\",\"tags\":[\"" HB_TAG
		    "\"],\"url\":\"" HB_URL "\"}\n",
		    (long long)(HB_ID_POST + (int64_t)seq), payload);
	else
		n = snprintf(line, sizeof line, "{\"id\":%lld,\"op\":\"post\","
		    "\"channel\":\"" HB_CHANNEL "\",\"thread\":%lld,"
		    "\"body\":\"%s\"}\n", (long long)(HB_ID_POST +
		    (int64_t)seq), (long long)hb->thread, payload);
	lg_send_record(p, line, (size_t)n);
}

const struct lg_driver lg_harbour_driver = {
	.name = "harbour",
	.setup = hb_setup,
	.connected = hb_connected,
	.input = hb_input,
	.publish = hb_publish,
	.login = hb_login,
};
