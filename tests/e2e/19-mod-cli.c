/*
 * 19-mod-cli.c: the moderation issue's commands through the real
 * `harbour` binary against a real daemon, as people type them: channel
 * set, the mod commands, org lead, post --note/--anon, edit, delete,
 * report, read --show-noted, and what each prints. The protocol itself
 * is tested frame by frame elsewhere; this checks the words on the
 * screen and the exit statuses.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "harness.h"

TestSuite(modcli, .timeout = HX_TEST_TIMEOUT);

#define CH	"peer/commons"
#define REASON	"names a client"


/* fay, a facilitator, made CH; ana and bob, members, joined it; all
 * three logged in with the CLI, each in a state directory of their own. */
static struct hx_daemon *
setup(void)
{
	struct hx_daemon	*d = hx_start(NULL);
	struct hx_conn		*fay, *ana, *bob;

	fay = hx_user(d, "wellbeing", "facilitator", "fay");
	ana = hx_user(d, "refugee-action", "member", "ana");
	bob = hx_user(d, "refugee-action", "member", "bob");
	hx_ok(fay, "channel.create", "{s:s}", "channel", CH);
	hx_ok(ana, "join", "{s:s}", "channel", CH);
	hx_ok(bob, "join", "{s:s}", "channel", CH);
	hx_close(fay);
	hx_close(ana);
	hx_close(bob);
	OK(d, "fay", "login", "--user", "fay");
	OK(d, "ana", "login", "--user", "ana");
	OK(d, "bob", "login", "--user", "bob");
	return (d);
}

static const char *
post(struct hx_daemon *d, const char *who, const char *const *extra,
    const char *text)
{
	const char	*argv[16] = { "post", CH };
	struct hx_run	 r;
	size_t		 n = 2;

	for (; extra != NULL && *extra != NULL; extra++)
		argv[n++] = *extra;
	argv[n++] = text;
	argv[n] = NULL;
	r = hx_cli_expect(d, who, 0, argv);
	return (hx_strf("%lld", atoll(r.out)));
}
#define TITLE(t)	((const char *const[]){ "--title", (t), NULL })

/* Usage mistakes are refused before anything is sent: exit 64. */
Test(modcli, usage_errors)
{
	struct hx_daemon *d = setup();
	static const char *const bad_for[] = {
		"0s", "0d", "366d", "31536001s", "10", "1.5h", "2x", "h", "-1m",
		"1d2h",
	};
	struct hx_run r;
	size_t i;

	for (i = 0; i < sizeof bad_for / sizeof bad_for[0]; i++) {
		r = FAILS(d, "fay", 64, "mod", "mute", "bob", CH, "--for",
		    bad_for[i]);
		HAS(r.err, "--for takes a time");
	}
	r = FAILS(d, "fay", 64, "mod", "mute", "bob", CH);
	HAS(r.err, "--for");
	FAILS(d, "fay", 64, "channel", "set", CH);
	FAILS(d, "fay", 64, "channel", "set", CH, "--moderation", "closed");
	FAILS(d, "fay", 64, "channel", "set", CH, "--anon", "yes");
	FAILS(d, "fay", 64, "channel", "set", CH, "--slow", "86401");
	FAILS(d, "fay", 64, "mod", "reject", "4");
	FAILS(d, "fay", 64, "mod", "hide", "x", "--reason", REASON);
	FAILS(d, "fay", 64, "mod", "lock", "0");
	FAILS(d, "fay", 64, "mod", "unmask", "4");
	FAILS(d, "fay", 64, "mod", "resolve", "4");
	FAILS(d, "fay", 64, "mod", "ack", "report-4");
	FAILS(d, "ana", 64, "report", "4");
	FAILS(d, "ana", 64, "edit", "four", "text");
	FAILS(d, "ana", 64, "delete");
	FAILS(d, "ana", 64, "post", CH, "--title", "t", "--thread", "4", "x");
	r = FAILS(d, "ana", 1, "post", CH, "--title", "t", "--note", "", "x");
	HAS(r.err, "bad_text");
	/* The help names every command of the group. */
	r = OK(d, "ana", "help", "mod");
	HAS(r.out, "mod mute USER CHANNEL --for DURATION [--reason TEXT]");
	HAS(r.out, "mod resolve REPORT --note TEXT");
	r = OK(d, "ana", "post", "--help");
	HAS(r.out, "[--note \"CONTENT NOTE\"] [--anon] [--editor] "
	    "[TEXT ... | -]");
	hx_stop(d);
}

/* Pre-moderation: held for its author, invisible to others, then
 * approved; a rejected one reads with its reason for its author. */
Test(modcli, held_approved_rejected)
{
	struct hx_daemon *d = setup();
	struct hx_run r;
	const char *id, *id2;

	r = OK(d, "fay", "channel", "set", CH, "--moderation", "pre");
	HAS(r.out, CH ": moderation pre, anonymous posts off, slow mode off");
	r = OK(d, "ana", "channels");
	HAS(r.out, "  pre");
	r = OK(d, "ana", "post", CH, "--title", "December", "Is anyone up?");
	HAS(r.err, "waits for a moderator's approval");
	id = hx_strf("%lld", atoll(r.out));
	cr_assert(atoll(id) > 0, "%s", r.out);
	r = OK(d, "ana", "read", CH);
	HAS(r.out, "[held: waiting for a moderator]");
	HAS(r.out, "Is anyone up?");
	r = OK(d, "bob", "read", CH);
	HASNT(r.out, "Is anyone up?");
	r = OK(d, "fay", "mod", "approve", id);
	HAS(r.out, hx_strf("post #%s approved", id));
	r = OK(d, "bob", "read", CH);
	HAS(r.out, "Is anyone up?");
	HASNT(r.out, "[held");
	FAILS(d, "fay", 1, "mod", "approve", id);	/* bad_state */

	id2 = post(d, "ana", TITLE("Names"), "The client is called ...");
	r = OK(d, "fay", "mod", "reject", id2, "--reason", REASON);
	HAS(r.out, hx_strf("post #%s rejected", id2));
	r = OK(d, "ana", "read", CH);
	HAS(r.out, "[rejected: " REASON "]");
	r = OK(d, "bob", "read", CH);
	HASNT(r.out, "The client is called");
	/* A member moderates nothing. */
	r = FAILS(d, "bob", 1, "mod", "approve", id2);
	r = FAILS(d, "bob", 1, "channel", "set", CH, "--moderation", "open");
	HAS(r.err, "forbidden");
	r = OK(d, "fay", "channel", "set", CH, "--moderation", "announce",
	    "--slow", "30");
	HAS(r.out, "moderation announce");
	HAS(r.out, "slow mode 30s");
	r = FAILS(d, "ana", 1, "post", CH, "--title", "t", "x");
	HAS(r.err, "forbidden");
	hx_stop(d);
}

/* Hide, unhide, edit with history, delete: what members and the
 * moderator each read. */
Test(modcli, hide_edit_delete)
{
	struct hx_daemon *d = setup();
	struct hx_run r;
	const char *id;

	id = post(d, "ana", TITLE("Tuesday"), "first words");
	r = OK(d, "fay", "mod", "hide", id, "--reason", REASON);
	HAS(r.out, hx_strf("post #%s hidden", id));
	r = OK(d, "bob", "read", CH);
	HAS(r.out, "[hidden by a moderator]");
	HASNT(r.out, "first words");
	HASNT(r.out, "Tuesday");
	r = OK(d, "fay", "read", CH);
	HAS(r.out, "[hidden by a moderator]");
	HAS(r.out, "reason: " REASON);
	HAS(r.out, "first words");
	FAILS(d, "ana", 1, "edit", id, "sneaky");	/* bad_state */
	OK(d, "fay", "mod", "unhide", id);
	r = OK(d, "bob", "read", CH);
	HAS(r.out, "first words");

	r = OK(d, "ana", "edit", id, "second", "words");
	HAS(r.out, hx_strf("edited post #%s", id));
	r = OK(d, "bob", "read", CH);
	HAS(r.out, "(edited)");
	HAS(r.out, "second words");
	HASNT(r.out, "first words");
	r = OK(d, "fay", "mod", "history", id);
	HAS(r.out, "first words");
	r = FAILS(d, "bob", 1, "edit", id, "not mine");
	HAS(r.err, "forbidden");
	FAILS(d, "bob", 1, "mod", "history", id);

	r = OK(d, "ana", "delete", id);
	HAS(r.out, hx_strf("deleted post #%s", id));
	r = OK(d, "bob", "read", CH);
	HAS(r.out, "[deleted]");
	HASNT(r.out, "second words");
	hx_stop(d);
}

Test(modcli, lock_and_pin)
{
	struct hx_daemon *d = setup();
	struct hx_run r;
	const char *t1, *t2;

	t1 = post(d, "ana", TITLE("Older"), "one");
	t2 = post(d, "ana", TITLE("Newer"), "two");
	r = OK(d, "fay", "mod", "lock", t1);
	HAS(r.out, hx_strf("thread #%s locked", t1));
	r = FAILS(d, "bob", 1, "post", CH, "--thread", t1, "reply");
	HAS(r.err, "(locked)");
	OK(d, "fay", "post", CH, "--thread", t1, "moderators may");
	r = OK(d, "bob", "threads", CH);
	HAS(r.out, "[locked]");
	OK(d, "fay", "mod", "unlock", t1);
	OK(d, "bob", "post", CH, "--thread", t1, "reply");
	r = OK(d, "fay", "mod", "pin", t2);
	HAS(r.out, hx_strf("thread #%s pinned", t2));
	r = OK(d, "bob", "threads", CH);
	HAS(r.out, "[pinned]");
	/* Pinned first, though the other thread moved last. */
	cr_assert(strstr(r.out, "Newer") < strstr(r.out, "Older"), "%s", r.out);
	OK(d, "fay", "mod", "unpin", t2);
	r = OK(d, "bob", "threads", CH);
	HASNT(r.out, "[pinned]");
	hx_stop(d);
}

Test(modcli, mute_and_ban)
{
	struct hx_daemon *d = setup();
	struct hx_run r;
	const char *t;

	t = post(d, "ana", TITLE("Here"), "hello");
	r = OK(d, "fay", "mod", "mute", "bob", CH, "--for", "10m",
	    "--reason", "repeated personal details");
	HAS(r.out, "bob is muted in " CH " until ");
	r = FAILS(d, "bob", 1, "post", CH, "--thread", t, "hi");
	HAS(r.err, "repeated personal details");
	HAS(r.err, "(muted)");
	r = OK(d, "fay", "--json", "mod", "unmute", "bob", CH);
	HAS(r.out, "\"user\":\"bob\"");
	OK(d, "bob", "post", CH, "--thread", t, "hi");
	FAILS(d, "fay", 1, "mod", "unmute", "bob", CH);	/* bad_state */
	r = FAILS(d, "fay", 1, "mod", "mute", "nobody", CH, "--for", "1h");
	HAS(r.err, "not_found");

	r = OK(d, "fay", "mod", "ban", "bob", CH, "--reason", "threats");
	HAS(r.out, "bob is banned from " CH);
	FAILS(d, "bob", 1, "post", CH, "--thread", t, "again");
	r = FAILS(d, "bob", 1, "join", CH);
	HAS(r.err, "(banned)");
	r = OK(d, "fay", "mod", "unban", "bob", CH);
	HAS(r.out, "bob may rejoin " CH);
	OK(d, "bob", "join", CH);
	r = OK(d, "fay", "mod", "log", CH);
	HAS(r.out, "fay mute bob in " CH);
	HAS(r.out, "fay ban bob in " CH);
	hx_stop(d);
}

/* Anonymous posts name nobody, even in --json; a content note folds
 * the text; a moderator's unmask is the one way to the author. */
Test(modcli, anon_note_unmask)
{
	struct hx_daemon *d = setup();
	struct hx_run r;
	const char *id;

	r = FAILS(d, "ana", 1, "post", CH, "--title", "t", "--anon", "x");
	HAS(r.err, "forbidden");
	r = OK(d, "fay", "channel", "set", CH, "--anon", "allowed");
	HAS(r.out, "anonymous posts allowed");
	id = post(d, "ana", ((const char *const[]){ "--title", "Nights",
	    "--anon", "--note", "suicide", NULL }), "I keep thinking of it");
	r = OK(d, "bob", "read", CH);
	HAS(r.out, "anonymous");
	HAS(r.out, "[note: suicide]");
	HAS(r.out, "[folded: --show-noted to read]");
	HASNT(r.out, "I keep thinking");
	HASNT(r.out, "ana");
	r = OK(d, "bob", "read", CH, "--show-noted");
	HAS(r.out, "I keep thinking of it");
	r = OK(d, "bob", "--json", "read", CH);
	HASNT(r.out, "ana");
	HASNT(r.out, "refugee-action");
	r = OK(d, "fay", "--json", "read", CH);
	HASNT(r.out, "ana");
	r = FAILS(d, "fay", 64, "mod", "unmask", id);
	r = OK(d, "fay", "mod", "unmask", id, "--reason", "risk to life");
	HAS(r.out, hx_strf("post #%s was written by ana (refugee-action)", id));
	r = OK(d, "fay", "mod", "log", CH);
	HAS(r.out, "fay unmask");
	HAS(r.out, "risk to life");
	HASNT(r.out, "ana");
	/* The author can still edit it, and it stays anonymous. */
	OK(d, "ana", "edit", id, "better now");
	r = OK(d, "bob", "read", CH, "--show-noted");
	HAS(r.out, "better now");
	HASNT(r.out, "ana");
	hx_stop(d);
}

Test(modcli, reports)
{
	struct hx_daemon *d = setup();
	struct hx_cli *tail;
	struct hx_run r;
	const char *id, *rep;

	id = post(d, "ana", TITLE("Tonight"), "I have a plan");
	r = FAILS(d, "bob", 64, "report", id);
	HAS(r.err, "--reason");
	/* fay follows the channel; an urgent report reaches her, live if
	 * tail has subscribed by then, or as a waiting alert when it does:
	 * either way tail shows it, so nothing here waits for the other. */
	tail = HX_CLI_START(d, "fay", HX_PASSWORD, NULL, "tail", CH,
	    "--timeout", "8");
	r = OK(d, "bob", "report", id, "--reason", "she may be at risk",
	    "--urgent");
	rep = hx_strf("%lld", atoll(r.out));
	cr_assert(atoll(rep) > 0, "%s", r.out);
	r = hx_cli_wait(tail, hx_ms(HX_WAIT_MS) * 2);
	cr_assert_eq(r.status, 0, "%s", r.err);
	HAS(r.out, "URGENT REPORT");
	HAS(r.out, "she may be at risk");

	/* Logging in again says it waits. */
	r = OK(d, "fay", "login", "--user", "fay");
	HAS(r.out, "1 urgent report is waiting for you");
	r = OK(d, "fay", "mod", "reports", "--open");
	HAS(r.out, hx_strf("report #%s open URGENT, post #%s in " CH, rep, id));
	HAS(r.out, "by bob: she may be at risk");
	/* The queue: the open report, and a post held in the channel. */
	OK(d, "fay", "channel", "set", CH, "--moderation", "pre");
	OK(d, "ana", "post", CH, "--title", "Held", "Is anyone up?");
	r = OK(d, "fay", "mod", "queue");
	HAS(r.out, "1 held post");
	HAS(r.out, "Is anyone up?");
	HAS(r.out, "1 open report");
	r = OK(d, "fay", "mod", "queue", CH);
	HAS(r.out, "Is anyone up?");
	/* The inbox shows it waiting for an acknowledgement. */
	r = OK(d, "fay", "inbox");
	HAS(r.out, "urgent, waiting for an acknowledgement");
	HAS(r.out, hx_strf("report #%s open URGENT", rep));
	r = OK(d, "bob", "inbox");
	HASNT(r.out, "urgent");
	/* A member acts on no report. */
	r = FAILS(d, "bob", 1, "mod", "queue");
	HAS(r.err, "forbidden");
	r = OK(d, "fay", "mod", "ack", rep);
	HAS(r.out, hx_strf("report #%s acknowledged", rep));
	r = FAILS(d, "fay", 64, "mod", "resolve", rep);
	r = OK(d, "fay", "mod", "resolve", rep, "--note", "called her");
	HAS(r.out, hx_strf("report #%s resolved", rep));
	r = OK(d, "fay", "mod", "reports", "--open");
	HAS(r.out, "no reports");
	r = OK(d, "fay", "mod", "reports");
	HAS(r.out, "resolved by fay");
	r = OK(d, "fay", "inbox");
	HASNT(r.out, "urgent");
	/* bob, who reported it, finds a notice, and not the note. */
	r = OK(d, "bob", "inbox");
	HAS(r.out, hx_strf("notice: your report #%s was resolved", rep));
	HASNT(r.out, "called her");
	/* The author learns nothing of who reported. */
	r = FAILS(d, "ana", 1, "mod", "reports");
	hx_stop(d);
}

Test(modcli, org_lead)
{
	struct hx_daemon *d = setup();
	struct hx_run r;

	OK(d, HX_ADMIN, "login", "--user", HX_ADMIN);
	r = OK(d, HX_ADMIN, "org", "lead", "refugee-action", "ana");
	HAS(r.out, "ana is a safeguarding lead of refugee-action");
	r = OK(d, HX_ADMIN, "--json", "org", "lead", "refugee-action", "ana",
	    "--remove");
	HAS(r.out, "\"lead\":false");
	r = FAILS(d, "bob", 1, "org", "lead", "refugee-action", "ana");
	HAS(r.err, "forbidden");
	FAILS(d, HX_ADMIN, 1, "org", "lead", "refugee-action", "fay");
	hx_stop(d);
}

/* chat folds a noted post, /unfold opens it, and a change to a post on
 * the screen is shown again, marked. */
Test(modcli, chat_unfold)
{
	struct hx_daemon *d = setup();
	struct hx_run r;
	const char *t, *id;

	t = post(d, "ana", TITLE("Heavy"), "context first");
	r = OK(d, "ana", "post", CH, "--thread", t, "--note", "detention",
	    "what I saw in there");
	id = hx_strf("%lld", atoll(r.out));
	r = hx_cliv(d, "bob", HX_PASSWORD, hx_strf("/thread %s\n/unfold %s\n"
	    "/unfold 999999\n/quit\n", t, id), (const char *const[]){ "chat",
	    CH, NULL });
	cr_assert_eq(r.status, 0, "%s", r.err);
	HAS(r.out, "[note: detention]");
	HAS(r.out, hx_strf("[folded: /unfold %s to read]", id));
	/* Folded the first time, shown after /unfold. */
	cr_assert(strstr(r.out, "what I saw in there") >
	    strstr(r.out, "[folded:"), "%s", r.out);
	HAS(r.err, "not among the posts shown here");
	hx_stop(d);
}

/* /report and /urgent from chat. */
Test(modcli, chat_report)
{
	struct hx_daemon *d = setup();
	struct hx_run r;
	const char *t;

	t = post(d, "ana", TITLE("Late"), "cannot sleep again");
	r = hx_cliv(d, "bob", HX_PASSWORD, hx_strf("/report %s\n"
	    "/report %s spam\n/urgent %s she may not be safe\n/quit\n", t, t,
	    t), (const char *const[]){ "chat", CH, NULL });
	cr_assert_eq(r.status, 0, "%s", r.err);
	HAS(r.err, "Say which post and why");
	HAS(r.err, hx_strf("Post #%s is reported (report #", t));
	HAS(r.err, "urgently");
	r = OK(d, "fay", "mod", "reports");
	HAS(r.out, "by bob: spam");
	HAS(r.out, "URGENT");
	hx_stop(d);
}
