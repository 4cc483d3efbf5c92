/*
 * 18-reports.c: reports and safeguarding leads (the moderation issue's
 * `harbour report`, `mod reports|ack|resolve|queue`, `org lead`): who
 * a report reaches, live and on login, its states, its escalation on
 * the test clock, and what neither the author of a reported post nor
 * anyone outside the organisation ever learns.
 *
 * The cast: hope's org-admin ola and members ana (an author) and lena
 * (made a safeguarding lead); elsewhere's member rita (a reporter) and
 * lead eli; fay, a facilitator who made and joined peer/commons, and
 * finn, one who has not joined it.
 */
#include <string.h>

#include <criterion/criterion.h>

#include "harness.h"
#include "hx-ops.h"

TestSuite(reports, .timeout = HX_TEST_TIMEOUT);

#define PEERCH	"peer/commons"
#define ORGCH	"hope/staff"
#define REASON	"they sound like they are not coping at all"
#define NOTE	"called them; their lead is with them now"

struct cast {
	struct hx_daemon	*d;
	struct hx_conn		*ola, *ana, *lena, *rita, *eli, *fay, *finn;
	int64_t			 post;		/* ana's, in PEERCH */
};

static void
setup(struct cast *k, const char *conf)
{
	k->d = hx_start(conf);
	hx_org(k->d, "hope");
	hx_org(k->d, "elsewhere");
	k->ola = hx_user(k->d, "hope", "org-admin", "ola");
	k->ana = hx_user(k->d, "hope", "member", "ana");
	k->lena = hx_user(k->d, "hope", "member", "lena");
	k->rita = hx_user(k->d, "elsewhere", "member", "rita");
	k->eli = hx_user(k->d, "elsewhere", "member", "eli");
	k->fay = hx_user(k->d, "elsewhere", "facilitator", "fay");
	k->finn = hx_user(k->d, "elsewhere", "facilitator", "finn");
	hx_ok(k->ola, "org.lead", "{s:s, s:s}", "org", "hope", "user", "lena");
	hx_ok(hx_admin(k->d), "org.lead", "{s:s, s:s}", "org", "elsewhere",
	    "user", "eli");
	hx_ok(k->fay, "channel.create", "{s:s}", "channel", PEERCH);
	hx_ok(k->ola, "channel.create", "{s:s}", "channel", ORGCH);
	hx_ok(k->ana, "join", "{s:s}", "channel", PEERCH);
	hx_ok(k->rita, "join", "{s:s}", "channel", PEERCH);
	k->post = hx_post(k->ana, PEERCH, "A hard week", 0,
	    "I cannot stop thinking about the family we turned away.");
}

/* Whether the resolver's note ever reached c. */
static int
seen_count_note(struct hx_conn *c)
{
	return hx_contains(hx_seen(c, NULL), strlen(hx_seen(c, NULL)), NOTE);
}

static int64_t
report(struct hx_conn *c, int64_t post, int urgent)
{
	return hx_int(hx_ok(c, "report", "{s:I, s:s, s:b}", "post",
	    (json_int_t)post, "reason", REASON, "urgent", urgent), "report");
}

/* Nothing is waiting for c: a round trip, so anything sent before it
 * has arrived, then no event queued. */
static void
assert_quiet(struct hx_conn *c, const char *who)
{
	json_t *ev;

	hx_ok(c, "ping", NULL);
	ev = hx_event(c, 0);
	cr_assert_null(ev, "%s got %s", who, ev != NULL ? hx_dump(ev) : "");
}

static json_t *
alert(struct hx_conn *c, const char *who)
{
	json_t *ev = hx_event_named(c, "alert", hx_ms(HX_WAIT_MS));

	cr_assert_not_null(ev, "no alert for %s", who);
	return json_object_get(ev, "report");
}

static json_t *
reports(struct hx_conn *c, int open)
{
	return json_object_get(hx_ok(c, "mod.reports", "{s:b}", "open", open),
	    "reports");
}

static json_t *
login(struct hx_daemon *d, const char *user, struct hx_conn **out)
{
	*out = hx_connect(d);
	return hx_ok(*out, "login", "{s:s, s:s}", "user", user, "password",
	    HX_PASSWORD);
}

/* The first entry of the log with this action. */
static json_t *
entry(json_t *log, const char *action)
{
	size_t i;

	for (i = 0; i < json_array_size(log); i++)
		if (strcmp(hx_str(json_array_get(log, i), "action"), action) ==
		    0)
			return json_array_get(log, i);
	cr_assert_fail("no %s in %s", action, hx_dump(log));
	return NULL;
}

Test(reports, org_lead)
{
	struct cast k;
	struct hx_conn *adm;
	json_t *r, *log;
	size_t i;
	int leads = 0, unleads = 0;

	setup(&k, NULL);
	adm = hx_admin(k.d);
	/* lena's live connection moderates hope's channels at once... */
	hx_ok(k.lena, "mod.queue", "{s:s}", "channel", ORGCH);
	hx_err(k.ana, "forbidden", "mod.queue", "{s:s}", "channel", ORGCH);
	r = hx_ok(k.ola, "org.lead", "{s:s, s:s}", "org", "hope", "user",
	    "ana");
	cr_assert_str_eq(hx_str(r, "org"), "hope");
	cr_assert_str_eq(hx_str(r, "user"), "ana");
	cr_assert(json_is_true(json_object_get(r, "lead")), "%s", hx_dump(r));
	hx_ok(k.ana, "mod.queue", "{s:s}", "channel", ORGCH);
	hx_err(k.ola, "bad_state", "org.lead", "{s:s, s:s}", "org", "hope",
	    "user", "ana");
	/* ...and stops when it is removed. */
	r = hx_ok(k.ola, "org.lead", "{s:s, s:s, s:b}", "org", "hope", "user",
	    "ana", "remove", 1);
	cr_assert(json_is_false(json_object_get(r, "lead")), "%s", hx_dump(r));
	hx_err(k.ana, "forbidden", "mod.queue", "{s:s}", "channel", ORGCH);
	hx_err(k.ola, "bad_state", "org.lead", "{s:s, s:s, s:b}", "org",
	    "hope", "user", "ana", "remove", 1);

	/* Denials. */
	r = hx_err(k.ola, "not_found", "org.lead", "{s:s, s:s}", "org", "hope",
	    "user", "rita");
	cr_assert_str_eq(hx_str(json_object_get(r, "error"), "message"),
	    "no such user in hope");
	hx_err(k.ola, "not_found", "org.lead", "{s:s, s:s}", "org", "hope",
	    "user", "nobody");
	hx_err(k.ola, "forbidden", "org.lead", "{s:s, s:s}", "org",
	    "elsewhere", "user", "rita");
	hx_err(k.ola, "forbidden", "org.lead", "{s:s, s:s}", "org", "nowhere",
	    "user", "rita");
	hx_err(adm, "not_found", "org.lead", "{s:s, s:s}", "org", "nowhere",
	    "user", "rita");
	hx_err(k.ana, "forbidden", "org.lead", "{s:s, s:s}", "org", "hope",
	    "user", "ana");
	hx_err(k.lena, "forbidden", "org.lead", "{s:s, s:s}", "org", "hope",
	    "user", "ana");
	hx_err(k.fay, "forbidden", "org.lead", "{s:s, s:s}", "org",
	    "elsewhere", "user", "rita");
	hx_err(k.ola, "bad_name", "org.lead", "{s:s, s:s}", "org", "hope",
	    "user", "Not A Name");
	hx_err(k.ola, "bad_request", "org.lead", "{s:s}", "org", "hope");
	hx_err(k.ola, "bad_request", "org.lead", "{s:s, s:s, s:i}", "org",
	    "hope", "user", "ana", "remove", 1);

	/* Each change is in the server's log, about the account. */
	log = json_object_get(hx_ok(adm, "mod.log", NULL), "entries");
	for (i = 0; i < json_array_size(log); i++) {
		r = json_array_get(log, i);
		if (strcmp(hx_str(r, "action"), "lead") == 0)
			leads++;
		else if (strcmp(hx_str(r, "action"), "unlead") == 0) {
			unleads++;
			cr_assert_str_eq(hx_str(r, "user"), "ana");
			cr_assert_str_eq(hx_str(r, "by"), "ola");
			cr_assert_null(json_object_get(r, "channel"));
		}
	}
	cr_assert_eq(leads, 3, "%s", hx_dump(log));	/* lena, eli, ana */
	cr_assert_eq(unleads, 1, "%s", hx_dump(log));
	hx_stop(k.d);
}

Test(reports, states_and_denials)
{
	struct cast k;
	json_t *r, *l, *missing, *ev, *log;
	int64_t id, staff;
	char big[600];

	setup(&k, NULL);
	hx_ok(k.rita, "subscribe", NULL);
	/* Denials first: nothing is stored by any of them. */
	hx_err(k.rita, "bad_request", "report", "{s:I}", "post",
	    (json_int_t)k.post);
	hx_err(k.rita, "bad_text", "report", "{s:I, s:s}", "post",
	    (json_int_t)k.post, "reason", "");
	hx_err(k.rita, "bad_text", "report", "{s:I, s:s}", "post",
	    (json_int_t)k.post, "reason", "a\001b");
	memset(big, 'x', sizeof big);
	big[501] = '\0';
	hx_err(k.rita, "too_large", "report", "{s:I, s:s}", "post",
	    (json_int_t)k.post, "reason", big);
	hx_err(k.rita, "bad_request", "report", "{s:I, s:s, s:i}", "post",
	    (json_int_t)k.post, "reason", REASON, "urgent", 1);
	/* A post rita cannot see answers as one that does not exist. */
	staff = hx_post(k.ola, ORGCH, "Rota", 0, "New rota is up.");
	missing = hx_err(k.rita, "not_found", "report", "{s:I, s:s}", "post",
	    (json_int_t)999999, "reason", REASON);
	r = hx_err(k.rita, "not_found", "report", "{s:I, s:s}", "post",
	    (json_int_t)staff, "reason", REASON);
	cr_assert_str_eq(hx_dump(json_object_get(r, "error")),
	    hx_dump(json_object_get(missing, "error")));
	cr_assert_eq(json_array_size(reports(k.fay, 0)), 0);

	id = report(k.rita, k.post, 0);
	/* Only those who act on reports list them. */
	hx_err(k.rita, "forbidden", "mod.reports", NULL);
	hx_err(k.rita, "forbidden", "mod.queue", NULL);
	hx_err(k.ana, "forbidden", "mod.reports", NULL);
	hx_err(k.fay, "bad_request", "mod.reports", "{s:i}", "open", 1);
	/* The facilitator sees who reported; hope's lead, what. */
	l = reports(k.fay, 1);
	cr_assert_eq(json_array_size(l), 1, "%s", hx_dump(l));
	r = json_array_get(l, 0);
	cr_assert_eq(hx_int(r, "report"), id);
	cr_assert_eq(hx_int(r, "post"), k.post);
	cr_assert_str_eq(hx_str(r, "channel"), PEERCH);
	cr_assert_str_eq(hx_str(r, "reason"), REASON);
	cr_assert_str_eq(hx_str(r, "state"), "open");
	cr_assert_str_eq(hx_str(r, "by"), "rita");
	cr_assert(json_is_false(json_object_get(r, "urgent")));
	hx_str(r, "ts");
	r = json_array_get(reports(k.lena, 1), 0);
	cr_assert_eq(hx_int(r, "report"), id);
	cr_assert_null(json_object_get(r, "by"), "%s", hx_dump(r));
	/* elsewhere's lead has nothing to do with ana's organisation. */
	cr_assert_eq(json_array_size(reports(k.eli, 0)), 0);
	r = hx_err(k.eli, "not_found", "mod.ack", "{s:I}", "report",
	    (json_int_t)id);
	missing = hx_err(k.eli, "not_found", "mod.ack", "{s:I}", "report",
	    (json_int_t)999999);
	cr_assert_str_eq(hx_dump(json_object_get(r, "error")),
	    hx_dump(json_object_get(missing, "error")));
	hx_err(k.rita, "not_found", "mod.ack", "{s:I}", "report",
	    (json_int_t)id);
	hx_err(k.fay, "bad_request", "mod.ack", NULL);

	/* The queue: the report, oldest first; held posts of the channel. */
	hx_ok(k.fay, "channel.set", "{s:s, s:s}", "channel", PEERCH,
	    "moderation", "pre");
	hx_send_post(k.rita, PEERCH, k.post, "Me too, honestly.");
	cr_assert_not_null(hx_any_reply(k.rita, hx_ms(HX_WAIT_MS)));
	r = hx_ok(k.fay, "mod.queue", "{s:s}", "channel", PEERCH);
	cr_assert_eq(json_array_size(json_object_get(r, "reports")), 1);
	cr_assert_eq(json_array_size(json_object_get(r, "held")), 1,
	    "%s", hx_dump(r));
	ev = json_array_get(json_object_get(r, "held"), 0);
	cr_assert_str_eq(hx_str(ev, "ev"), "post");
	cr_assert_str_eq(hx_str(ev, "state"), "held");
	r = hx_ok(k.lena, "mod.queue", NULL);
	cr_assert_eq(json_array_size(json_object_get(r, "reports")), 1);
	cr_assert_eq(json_array_size(json_object_get(r, "held")), 0);
	/* A lead may look in any channel for reports on their staff. */
	r = hx_ok(k.eli, "mod.queue", "{s:s}", "channel", PEERCH);
	cr_assert_eq(json_array_size(json_object_get(r, "reports")), 0);
	cr_assert_eq(json_array_size(json_object_get(r, "held")), 0);
	hx_err(k.eli, "not_found", "mod.queue", "{s:s}", "channel", ORGCH);

	/* open -> acknowledged -> resolved, each once. */
	r = hx_ok(k.fay, "mod.ack", "{s:I}", "report", (json_int_t)id);
	cr_assert_str_eq(hx_str(r, "state"), "acknowledged");
	hx_err(k.fay, "bad_state", "mod.ack", "{s:I}", "report",
	    (json_int_t)id);
	hx_err(k.fay, "bad_request", "mod.resolve", "{s:I}", "report",
	    (json_int_t)id);
	hx_err(k.fay, "bad_text", "mod.resolve", "{s:I, s:s}", "report",
	    (json_int_t)id, "note", "");
	hx_err(k.fay, "too_large", "mod.resolve", "{s:I, s:s}", "report",
	    (json_int_t)id, "note", big);
	r = hx_ok(k.lena, "mod.resolve", "{s:I, s:s}", "report",
	    (json_int_t)id, "note", NOTE);
	cr_assert_str_eq(hx_str(r, "state"), "resolved");
	hx_err(k.fay, "bad_state", "mod.resolve", "{s:I, s:s}", "report",
	    (json_int_t)id, "note", NOTE);
	hx_err(k.fay, "bad_state", "mod.ack", "{s:I}", "report",
	    (json_int_t)id);
	/* The reporter hears it was resolved, and nothing else: a notice
	 * in their inbox, pushed now (no working hours set). */
	ev = hx_event_named(k.rita, "inbox", hx_ms(HX_WAIT_MS));
	cr_assert_not_null(ev);
	ev = json_object_get(ev, "item");
	cr_assert_str_eq(hx_str(ev, "kind"), "notice");
	ev = json_object_get(ev, "report");
	cr_assert_eq(json_object_size(ev), 2, "%s", hx_dump(ev));
	cr_assert_eq(hx_int(ev, "report"), id);
	cr_assert_str_eq(hx_str(ev, "state"), "resolved");
	cr_assert_eq(seen_count_note(k.rita), 0);
	cr_assert_eq(json_array_size(json_object_get(hx_ok(k.rita, "inbox",
	    NULL), "items")), 1);

	cr_assert_eq(json_array_size(reports(k.fay, 1)), 0);
	r = json_array_get(reports(k.fay, 0), 0);
	cr_assert_str_eq(hx_str(r, "state"), "resolved");
	cr_assert_str_eq(hx_str(r, "acked_by"), "fay");
	cr_assert_str_eq(hx_str(r, "resolved_by"), "lena");
	cr_assert_str_eq(hx_str(r, "note"), NOTE);
	r = hx_ok(k.fay, "mod.queue", NULL);
	cr_assert_eq(json_array_size(json_object_get(r, "reports")), 0);

	/* Each step in the channel's log, the post's author in none. */
	log = json_object_get(hx_ok(k.fay, "mod.log", "{s:s}", "channel",
	    PEERCH), "entries");
	cr_assert(strstr(hx_dump(log), "\"ana\"") == NULL, "%s", hx_dump(log));
	r = entry(log, "report");
	cr_assert_str_eq(hx_str(r, "by"), "rita");
	cr_assert_eq(hx_int(r, "post"), k.post);
	cr_assert_str_eq(hx_str(r, "reason"), REASON);
	cr_assert_null(json_object_get(r, "user"));
	r = entry(log, "ack");
	cr_assert_str_eq(hx_str(r, "by"), "fay");
	r = entry(log, "resolve");
	cr_assert_str_eq(hx_str(r, "by"), "lena");
	cr_assert_str_eq(hx_str(r, "reason"), NOTE);
	hx_stop(k.d);
}

Test(reports, urgent_alerts_live_and_on_login)
{
	struct cast k;
	struct hx_conn *leo, *c;
	json_t *r;
	int64_t id;

	setup(&k, NULL);
	hx_close(hx_user(k.d, "hope", "member", "leo"));
	hx_ok(k.ola, "org.lead", "{s:s, s:s}", "org", "hope", "user", "leo");
	hx_ok(k.lena, "subscribe", NULL);
	hx_ok(k.fay, "subscribe", NULL);
	hx_ok(k.finn, "subscribe", NULL);
	hx_ok(k.eli, "subscribe", NULL);
	hx_ok(k.ana, "subscribe", NULL);

	id = report(k.rita, k.post, 1);
	/* At once to the connected lead of ana's organisation... */
	r = alert(k.lena, "lena");
	cr_assert_eq(hx_int(r, "report"), id);
	cr_assert(json_is_true(json_object_get(r, "urgent")));
	cr_assert_str_eq(hx_str(r, "state"), "open");
	cr_assert_null(json_object_get(r, "by"));
	cr_assert_null(json_object_get(r, "escalated"));
	/* ...and to the channel's moderator, who learns who reported. */
	r = alert(k.fay, "fay");
	cr_assert_str_eq(hx_str(r, "by"), "rita");
	/* Not yet to a facilitator outside the channel, never to another
	 * organisation's lead, nor to the author. */
	assert_quiet(k.finn, "finn");
	assert_quiet(k.eli, "eli");
	assert_quiet(k.ana, "ana");

	/* An offline lead hears of it on login and subscribe. */
	r = login(k.d, "leo", &leo);
	cr_assert_eq(hx_int(r, "alerts"), 1, "%s", hx_dump(r));
	hx_ok(leo, "subscribe", NULL);
	r = alert(leo, "leo");
	cr_assert_eq(hx_int(r, "report"), id);
	cr_assert_eq(hx_int(login(k.d, "rita", &c), "alerts"), 0);
	cr_assert_eq(hx_int(login(k.d, "eli", &c), "alerts"), 0);
	cr_assert_eq(hx_int(login(k.d, "ana", &c), "alerts"), 0);

	/* Acknowledged, it waits for nobody. */
	hx_ok(k.lena, "mod.ack", "{s:I}", "report", (json_int_t)id);
	cr_assert_eq(hx_int(login(k.d, "leo", &c), "alerts"), 0);
	hx_ok(c, "subscribe", NULL);
	assert_quiet(c, "leo again");
	/* A report that is not urgent alerts nobody. */
	report(k.rita, k.post, 0);
	assert_quiet(k.lena, "lena");
	assert_quiet(k.fay, "fay");
	hx_stop(k.d);
}

/* Has an escalation been logged yet? */
static int
escalations(struct hx_conn *c, const char *channel)
{
	json_t *log = json_object_get(hx_ok(c, "mod.log", "{s:s}", "channel",
	    channel), "entries");
	size_t i;
	int n = 0;

	for (i = 0; i < json_array_size(log); i++)
		if (strcmp(hx_str(json_array_get(log, i), "action"),
		    "escalate") == 0) {
			cr_assert(json_is_null(json_object_get(
			    json_array_get(log, i), "by")));
			n++;
		}
	return n;
}

Test(reports, escalation)
{
	struct cast k;
	struct hx_conn *adm, *hal, *oona, *fin2;
	json_t *r, *ev;
	int64_t id, acked, other, spost, sid;
	size_t mark;

	hx_clock_start();
	setup(&k, "urgent_ack_minutes = 1\nidle_timeout = 86400");
	adm = hx_admin(k.d);
	hal = hx_user(k.d, "hope", "member", "hal");
	oona = hx_user(k.d, "hope", "org-admin", "oona");	/* not joined */
	fin2 = hx_user(k.d, "elsewhere", "org-admin", "fin2");
	hx_ok(hal, "join", "{s:s}", "channel", ORGCH);
	other = hx_post(k.ana, PEERCH, "Another", 0, "Another hard day.");
	hx_ok(k.ana, "join", "{s:s}", "channel", ORGCH);
	spost = hx_post(k.ana, ORGCH, "Shift", 0, "I was shaking after.");
	hx_ok(k.lena, "subscribe", NULL);
	hx_ok(k.fay, "subscribe", NULL);
	hx_ok(k.finn, "subscribe", NULL);
	hx_ok(k.eli, "subscribe", NULL);
	hx_ok(adm, "subscribe", NULL);
	hx_ok(oona, "subscribe", NULL);
	hx_ok(fin2, "subscribe", NULL);
	hx_ok(k.ola, "subscribe", NULL);

	mark = hx_log_mark(k.d);
	id = report(k.rita, k.post, 1);
	acked = report(k.rita, other, 1);
	alert(k.fay, "fay");
	alert(k.fay, "fay");
	hx_ok(k.fay, "mod.ack", "{s:I}", "report", (json_int_t)acked);
	sid = report(hal, spost, 1);
	/* hope/staff: ola made (and joined) it, lena leads hope. */
	cr_assert_eq(hx_int(alert(k.ola, "ola"), "report"), sid);
	alert(k.lena, "lena");
	alert(k.lena, "lena");
	alert(k.lena, "lena");
	assert_quiet(k.finn, "finn");
	assert_quiet(oona, "oona");

	/* Half the time: nothing yet. */
	hx_clock_advance(30 * 1000);
	cr_assert_eq(hx_log_wait(k.d, mark, "escalated", hx_ms(1500)), 0);
	assert_quiet(k.finn, "finn");
	cr_assert_eq(escalations(k.fay, PEERCH), 0);

	/* Past urgent_ack_minutes: once, widened, logged. */
	hx_clock_advance(31 * 1000);
	ev = hx_event_named(k.finn, "alert", hx_ms(HX_WAIT_MS));
	cr_assert_not_null(ev, "no escalation reached finn");
	cr_assert(json_is_true(json_object_get(ev, "escalated")));
	r = json_object_get(ev, "report");
	cr_assert_eq(hx_int(r, "report"), id);
	cr_assert(json_is_true(json_object_get(r, "escalated")));
	cr_assert_str_eq(hx_str(r, "by"), "rita");
	assert_quiet(k.finn, "finn: the acknowledged one, or hope's");
	cr_assert_eq(hx_int(alert(adm, "the admin"), "report"), id);
	cr_assert_eq(hx_int(alert(k.fay, "fay"), "report"), id);
	/* hope/staff's goes to every org-admin and lead of hope. */
	cr_assert_eq(hx_int(alert(oona, "oona"), "report"), sid);
	cr_assert_eq(hx_int(alert(k.ola, "ola"), "report"), sid);
	assert_quiet(fin2, "elsewhere's org-admin");
	assert_quiet(k.eli, "elsewhere's lead");
	cr_assert_eq(escalations(k.fay, PEERCH), 1);
	cr_assert_eq(escalations(k.ola, ORGCH), 1);

	/* Never twice. */
	hx_clock_advance(120 * 1000);
	mark = hx_log_mark(k.d);
	cr_assert_eq(hx_log_wait(k.d, mark, "escalated", hx_ms(1500)), 0);
	assert_quiet(k.finn, "finn, later");
	cr_assert_eq(escalations(k.fay, PEERCH), 1);
	hx_stop(k.d);
}

/* Everything the author receives in the test, as text. */
static const char *
frames(struct hx_conn *c, const char *sofar)
{
	json_t *ev;

	hx_ok(c, "ping", NULL);
	while ((ev = hx_event(c, 0)) != NULL)
		sofar = hx_strf("%s\n%s", sofar, hx_dump(ev));
	return sofar;
}

Test(reports, reporter_hidden_from_author)
{
	struct cast k;
	struct hx_conn *fred, *c;
	const char *seen = "";
	json_t *r, *l;
	int64_t id, own;
	size_t i, n;

	setup(&k, NULL);
	hx_ok(k.ana, "subscribe", NULL);
	id = report(k.rita, k.post, 1);
	report(k.rita, k.post, 0);
	hx_ok(k.fay, "mod.ack", "{s:I}", "report", (json_int_t)id);
	hx_ok(k.fay, "mod.resolve", "{s:I, s:s}", "report", (json_int_t)id,
	    "note", NOTE);
	/* Whatever ana asks, and whatever reaches her, never says rita. */
	seen = hx_strf("%s\n%s", seen, hx_dump(hx_ok(k.ana, "read", "{s:s}",
	    "channel", PEERCH)));
	seen = hx_strf("%s\n%s", seen, hx_dump(hx_ok(k.ana, "threads",
	    "{s:s}", "channel", PEERCH)));
	seen = hx_strf("%s\n%s", seen, hx_dump(hx_ok(k.ana, "sync", "{s:i}",
	    "since", 0)));
	seen = hx_strf("%s\n%s", seen, hx_dump(hx_ok(k.ana, "channel.list",
	    NULL)));
	seen = hx_strf("%s\n%s", seen, hx_dump(hx_call(k.ana, "mod.reports",
	    NULL)));
	seen = hx_strf("%s\n%s", seen, hx_dump(hx_call(k.ana, "mod.queue",
	    NULL)));
	seen = hx_strf("%s\n%s", seen, hx_dump(hx_call(k.ana, "mod.ack",
	    "{s:I}", "report", (json_int_t)id)));
	seen = hx_strf("%s\n%s", seen, hx_dump(login(k.d, "ana", &c)));
	seen = frames(k.ana, seen);
	cr_assert(strstr(seen, "rita") == NULL, "%s", seen);
	cr_assert(strstr(seen, "\"alert\"") == NULL, "%s", seen);
	cr_assert(strstr(seen, REASON) == NULL, "%s", seen);

	/* An author who moderates the channel is no exception. */
	fred = hx_user(k.d, "hope", "facilitator", "fred");
	hx_ok(fred, "join", "{s:s}", "channel", PEERCH);
	hx_ok(fred, "subscribe", NULL);
	hx_ok(k.fay, "subscribe", NULL);
	own = hx_post(fred, PEERCH, "Me", 0, "Not sleeping.");
	cr_assert_not_null(hx_event_named(fred, "post", hx_ms(HX_WAIT_MS)));
	r = hx_ok(k.rita, "report", "{s:I, s:s, s:b}", "post",
	    (json_int_t)own, "reason", REASON, "urgent", 1);
	cr_assert_not_null(alert(k.fay, "fay"));
	assert_quiet(fred, "fred");
	l = reports(fred, 0);
	for (i = 0; i < json_array_size(l); i++)
		cr_assert_neq(hx_int(json_array_get(l, i), "post"), own, "%s",
		    hx_dump(l));
	cr_assert_eq(hx_int(login(k.d, "fred", &c), "alerts"), 0);
	hx_err(fred, "not_found", "mod.ack", "{s:I}", "report",
	    (json_int_t)hx_int(r, "report"));
	/* Nor does the channel's log tell him: its report entry has no
	 * "by" for him, while another moderator reads who it was. */
	l = json_object_get(hx_ok(fred, "mod.log", "{s:s}", "channel",
	    PEERCH), "entries");
	for (i = 0, n = 0; i < json_array_size(l); i++) {
		json_t *e = json_array_get(l, i);

		if (json_integer_value(json_object_get(e, "post")) != own)
			continue;
		n++;
		cr_assert_null(json_object_get(e, "by"), "%s", hx_dump(e));
	}
	cr_assert_eq(n, 1, "%s", hx_dump(l));
	l = json_object_get(hx_ok(k.fay, "mod.log", "{s:s}", "channel",
	    PEERCH), "entries");
	for (i = 0, n = 0; i < json_array_size(l); i++) {
		json_t *e = json_array_get(l, i);

		if (json_integer_value(json_object_get(e, "post")) == own &&
		    json_object_get(e, "by") != NULL)
			n += strcmp(hx_str(e, "by"), "rita") == 0;
	}
	cr_assert_eq(n, 1, "%s", hx_dump(json_array_get(l,
	    json_array_size(l) - 1)));
	hx_stop(k.d);
}

Test(reports, anonymous_post_not_to_the_authors_lead)
{
	struct cast k;
	struct hx_conn *c;
	const char *raw;
	json_t *r, *req;
	int64_t post, id;

	setup(&k, NULL);
	hx_ok(k.fay, "channel.set", "{s:s, s:b}", "channel", PEERCH, "anon",
	    1);
	req = json_pack("{s:s, s:s, s:s, s:s, s:b}", "op", "post", "channel",
	    PEERCH, "title", "Unsigned", "body", "I froze on the call.",
	    "anon", 1);
	post = hx_int(hx_assert_ok(hx_reply_int(k.ana, hx_send(k.ana, req))),
	    "post");
	hx_ok(k.lena, "subscribe", NULL);
	hx_ok(k.fay, "subscribe", NULL);
	id = report(k.rita, post, 1);
	/* The moderators hear of it, and nothing of its author. */
	r = alert(k.fay, "fay");
	raw = hx_dump(r);
	cr_assert(strstr(raw, "ana") == NULL && strstr(raw, "hope") == NULL,
	    "%s", raw);
	/* ana's organisation's lead does not, in any way. */
	assert_quiet(k.lena, "lena");
	cr_assert_eq(json_array_size(reports(k.lena, 0)), 0);
	cr_assert_eq(hx_int(login(k.d, "lena", &c), "alerts"), 0);
	hx_err(k.lena, "not_found", "mod.ack", "{s:I}", "report",
	    (json_int_t)id);
	raw = hx_dump(hx_ok(k.fay, "mod.queue", NULL));
	cr_assert(strstr(raw, "\"ana\"") == NULL && strstr(raw, "hope") ==
	    NULL, "%s", raw);

	/* Once a moderator has unmasked it, its reports reach the author's
	 * lead as a signed post's do; the unmask itself alerts no one. */
	hx_ok(k.fay, "mod.unmask", "{s:I, s:s}", "post", (json_int_t)post,
	    "reason", "they may be at risk");
	assert_quiet(k.lena, "lena");
	cr_assert_eq(json_array_size(reports(k.lena, 0)), 1);
	report(k.rita, post, 1);
	cr_assert_not_null(alert(k.lena, "lena"));
	hx_stop(k.d);
}
