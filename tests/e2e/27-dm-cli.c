/*
 * 27-dm-cli.c: one-to-one conversations and blocks through the real
 * `harbour` binary against a real daemon, as people type them: dm with
 * TEXT, with "-" and from a pipe, dms and its unread counts, read and
 * chat of a conversation's channel, block, unblock, blocks, the usage
 * errors and the help. The operations' own rules are tested over the
 * wire elsewhere; this checks the words on the screen and the exit
 * statuses, what a facilitator reads of a reported message, and above
 * all that what must not be told apart (a conversation one is not in
 * and one never made; a block and a user who does not exist) prints
 * the same, byte for byte.
 */
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "harness.h"

TestSuite(dmcli, .timeout = HX_TEST_TIMEOUT);

#define CH	"peer/commons"
#define AC	"dm/ana+carl"

/* fay, a facilitator (wellbeing), made CH; ana (refugee-action), carl
 * (migrant-help) and bob (refugee-action), members, joined it; dan
 * (city-law) joined nothing. All logged in with the CLI, each in a
 * state directory of their own. */
static struct hx_daemon *
setup(void)
{
	static const char *const people[][2] = {
		{ "ana", "refugee-action" }, { "carl", "migrant-help" },
		{ "bob", "refugee-action" },
	};
	struct hx_daemon	*d = hx_start(NULL);
	struct hx_conn		*fay, *u;
	size_t			 i;

	fay = hx_user(d, "wellbeing", "facilitator", "fay");
	hx_ok(fay, "channel.create", "{s:s}", "channel", CH);
	hx_close(fay);
	for (i = 0; i < sizeof people / sizeof people[0]; i++) {
		u = hx_user(d, people[i][1], "member", people[i][0]);
		hx_ok(u, "join", "{s:s}", "channel", CH);
		hx_close(u);
	}
	hx_close(hx_user(d, "city-law", "member", "dan"));
	OK(d, "fay", "login", "--user", "fay");
	OK(d, "ana", "login", "--user", "ana");
	OK(d, "carl", "login", "--user", "carl");
	OK(d, "bob", "login", "--user", "bob");
	OK(d, "dan", "login", "--user", "dan");
	return (d);
}

/* dm's output: "CHANNEL POST\n" and nothing else; returns the id. */
static long long
sent(struct hx_run r, const char *channel)
{
	const char	*sp = strchr(r.out, ' ');

	cr_assert(sp != NULL && atoll(sp + 1) > 0, "no post id: %s", r.out);
	cr_assert_str_eq(r.out, hx_strf("%s %lld\n", channel, atoll(sp + 1)),
	    "not \"%s POST\" alone: %s", channel, r.out);
	return (atoll(sp + 1));
}

/* The same failure, to the byte: status, stdout and stderr. */
static void
same(struct hx_run a, struct hx_run b)
{
	cr_assert_eq(a.status, b.status, "exit %d and %d", a.status, b.status);
	cr_assert_str_eq(a.out, b.out);
	cr_assert_str_eq(a.err, b.err);
}

/* Two people of different organisations who share a peer channel write
 * to each other; each sees the other's messages counted as unread until
 * they read them, and the newest conversation first. */
Test(dmcli, conversation)
{
	struct hx_daemon *d = setup();
	struct hx_run r;
	long long first, reply;

	r = OK(d, "ana", "dm", "carl", "Are", "you", "free", "after", "the",
	    "meeting?");
	first = sent(r, AC);
	HAS(r.err, "started your conversation with carl");
	r = OK(d, "carl", "dms");
	HAS(r.out, "ana  1 unread  ");
	HAS(r.out, "  " AC "\n");
	r = OK(d, "carl", "read", AC);
	HAS(r.out, hx_strf("#%lld " AC " [thread %lld] ana (refugee-action)",
	    first, first));
	HAS(r.out, "  Are you free after the meeting?\n");
	r = OK(d, "carl", "dms");
	HAS(r.out, "ana  0 unread  ");
	r = OK(d, "carl", "dm", "ana", "Yes, at four.");
	reply = sent(r, AC);
	cr_assert_gt(reply, first);
	HASNT(r.err, "started");
	r = OK(d, "ana", "dms");
	HAS(r.out, "carl  1 unread  ");
	r = OK(d, "ana", "read", AC);
	HAS(r.out, "  Are you free after the meeting?\n");
	HAS(r.out, hx_strf("#%lld " AC " [thread %lld] carl (migrant-help)",
	    reply, first));
	HAS(r.out, "  Yes, at four.\n");
	/* A second conversation, newer: listed first. */
	sent(OK(d, "ana", "dm", "bob", "Lunch?"), "dm/ana+bob");
	r = OK(d, "ana", "dms");
	cr_assert(strstr(r.out, "dm/ana+bob") < strstr(r.out, AC),
	    "not newest first:\n%s", r.out);
	HAS(r.out, "bob   0 unread  ");
	HAS(r.out, "carl  0 unread  ");
	/* JSON for scripts: the server's reply. */
	r = OK(d, "carl", "--json", "dm", "ana", "See you.");
	HAS(r.out, "\"channel\":\"" AC "\"");
	HAS(r.out, "\"created\":false");
	r = OK(d, "dan", "dms");
	HAS(r.out, "no conversations");
	hx_stop(d);
}

/* Nobody but the two reads a conversation, the moderators neither: it
 * answers as one that was never made, in read, tail and chat. */
Test(dmcli, private)
{
	struct hx_daemon *d = setup();
	static const char *const who[] = { "bob", "dan", "fay" };
	struct hx_run real, fake, r;
	size_t i;

	OK(d, "ana", "dm", "carl", "Only for you.");
	for (i = 0; i < sizeof who / sizeof who[0]; i++) {
		real = FAILS(d, who[i], 1, "read", AC);
		fake = FAILS(d, who[i], 1, "read", "dm/ana+zed");
		same(real, fake);
		HAS(real.err, "no such channel (not_found)");
		HASNT(real.out, "Only for you");
		same(FAILS(d, who[i], 1, "tail", AC, "--count", "1",
		    "--timeout", "1"), FAILS(d, who[i], 1, "tail", "dm/ana+zed",
		    "--count", "1", "--timeout", "1"));
		same(FAILS(d, who[i], 1, "chat", AC), FAILS(d, who[i], 1,
		    "chat", "dm/ana+zed"));
	}
	/* A conversation has one spelling: the names in order. */
	r = FAILS(d, "carl", 1, "read", "dm/carl+ana");
	HAS(r.err, "use dm/USER1+USER2, two different user names in order");
	HAS(r.err, "(bad_name)");
	FAILS(d, "ana", 1, "read", "dm/ana+ana");
	hx_stop(d);
}

/* Writing to oneself, to nobody, and to someone one shares nothing
 * with. */
Test(dmcli, refusals)
{
	struct hx_daemon *d = setup();
	struct hx_run r, nobody;

	r = FAILS(d, "ana", 1, "dm", "ana", "Note to self");
	cr_assert_str_eq(r.err, "harbour: you cannot write to yourself "
	    "(bad_request)\n");
	cr_assert_str_eq(r.out, "");
	nobody = FAILS(d, "ana", 1, "dm", "zed", "Hello?");
	cr_assert_str_eq(nobody.err, "harbour: no one of that name you can "
	    "write to (not_found)\n");
	cr_assert_str_eq(nobody.out, "");
	/* dan is in no channel with ana. */
	same(FAILS(d, "ana", 1, "dm", "dan", "Hello?"), nobody);
	/* A name nobody can have is nobody's. */
	same(FAILS(d, "ana", 1, "dm", "Carl!", "Hello?"), nobody);
	r = FAILS(d, "ana", 1, "read", "dm/ana+carl+bob");
	HAS(r.err, "(bad_name)");
	hx_stop(d);
}

/* A block: the blocked person cannot tell it from writing to nobody;
 * the blocker's side of the conversation ends; unblock undoes it. */
Test(dmcli, block)
{
	struct hx_daemon *d = setup();
	struct hx_run r;

	OK(d, "ana", "dm", "carl", "Hi Carl");
	r = OK(d, "carl", "channels");
	HAS(r.out, AC "  dm  joined  1 unread");
	r = OK(d, "carl", "block", "ana");
	cr_assert_str_eq(r.out, "blocked ana: their messages to you are "
	    "refused, and your conversation with them has ended\n");
	OK(d, "carl", "block", "ana");		/* twice: not an error */
	same(FAILS(d, "ana", 1, "dm", "carl", "Are you there?"),
	    FAILS(d, "ana", 1, "dm", "nobody-here", "Are you there?"));
	/* Nor from writing to someone she shares nothing with. */
	same(FAILS(d, "ana", 1, "dm", "carl", "Are you there?"),
	    FAILS(d, "ana", 1, "dm", "dan", "Are you there?"));
	r = OK(d, "carl", "dms");
	HASNT(r.out, AC);
	r = OK(d, "carl", "channels");
	HASNT(r.out, AC);
	/* Her copy stays. */
	r = OK(d, "ana", "dms");
	HAS(r.out, AC);
	r = OK(d, "ana", "read", AC);
	HAS(r.out, "Hi Carl");
	r = OK(d, "carl", "blocks");
	cr_assert_str_eq(r.out, "ana\n");
	r = FAILS(d, "carl", 1, "block", "nobody-here");
	HAS(r.err, "(not_found)");
	r = FAILS(d, "carl", 1, "block", "carl");
	HAS(r.err, "(bad_request)");
	r = OK(d, "carl", "unblock", "ana");
	cr_assert_str_eq(r.out, "unblocked ana: they may write to you "
	    "again\n");
	r = OK(d, "carl", "blocks");
	cr_assert_str_eq(r.out, "you have blocked nobody\n");
	r = FAILS(d, "carl", 1, "unblock", "ana");
	HAS(r.err, "(not_found)");
	sent(OK(d, "ana", "dm", "carl", "Are you there?"), AC);
	hx_stop(d);
}

/* A reported message reaches the facilitators with its report, alone:
 * they read it there, never the conversation. */
Test(dmcli, report)
{
	struct hx_daemon *d = setup();
	struct hx_run r;
	long long id;

	OK(d, "ana", "dm", "carl", "An earlier message");
	id = sent(OK(d, "carl", "dm", "ana", "I cannot go on like this"), AC);
	OK(d, "ana", "report", hx_strf("%lld", id), "--reason",
	    "worried about carl");
	r = OK(d, "fay", "mod", "reports");
	HAS(r.out, hx_strf("post #%lld in " AC, id));
	HAS(r.out, ": worried about carl\n");
	HAS(r.out, "  the reported message:\n    I cannot go on like this\n");
	HASNT(r.out, "An earlier message");
	same(FAILS(d, "fay", 1, "read", AC), FAILS(d, "fay", 1, "read",
	    "dm/ana+zed"));
	hx_stop(d);
}

/* The text from standard input: with "-", and without TEXT when
 * standard input is not a terminal. */
Test(dmcli, stdin)
{
	struct hx_daemon *d = setup();
	struct hx_run r;

	r = HX_CLI(d, "ana", HX_PASSWORD, "First line\nsecond line\n\n", "dm",
	    "carl", "-");
	cr_assert_eq(r.status, 0, "%s", r.err);
	sent(r, AC);
	r = HX_CLI(d, "carl", HX_PASSWORD, "From a pipe\n", "dm", "ana");
	cr_assert_eq(r.status, 0, "%s", r.err);
	sent(r, AC);
	r = OK(d, "ana", "read", AC);
	HAS(r.out, "  First line\n  second line\n");
	HAS(r.out, "  From a pipe\n");
	/* Nothing to send: refused before anything is sent. */
	r = FAILS(d, "ana", 1, "dm", "carl");
	HAS(r.err, "(bad_text)");
	hx_stop(d);
}

/* chat on a conversation: no thread to choose, every line a message;
 * one that does not exist yet starts with the first line. */
Test(dmcli, chat)
{
	struct hx_daemon *d = setup();
	struct hx_run r;

	OK(d, "ana", "dm", "carl", "Hi Carl");
	r = HX_CLI(d, "carl", HX_PASSWORD, "/thread 1\nHello from chat\n",
	    "chat", AC);
	cr_assert_eq(r.status, 0, "%s", r.err);
	HAS(r.out, "Hi Carl");
	HAS(r.err, "A conversation is one thread");
	r = HX_CLI(d, "bob", HX_PASSWORD, "Hi Carl, it's Bob\n", "chat",
	    "dm/bob+carl");
	cr_assert_eq(r.status, 0, "%s", r.err);
	r = OK(d, "ana", "read", AC);
	HAS(r.out, "  Hello from chat\n");
	r = OK(d, "carl", "dms");
	HAS(r.out, "bob  1 unread  ");
	HAS(r.out, "dm/bob+carl");
	r = OK(d, "carl", "read", "dm/bob+carl");
	HAS(r.out, "  Hi Carl, it's Bob\n");
	hx_stop(d);
}

/* Usage mistakes are refused before anything is sent: exit 64. */
Test(dmcli, usage_errors)
{
	struct hx_daemon *d = setup();
	struct hx_run r;

	r = FAILS(d, "ana", 64, "dm");
	HAS(r.err, "usage: harbour dm USER [TEXT ... | -]");
	FAILS(d, "ana", 64, "dm", "carl", "--colour", "red", "hi");
	r = FAILS(d, "ana", 64, "dms", "carl");
	HAS(r.err, "usage: harbour dms\n");
	FAILS(d, "ana", 64, "block");
	FAILS(d, "ana", 64, "block", "carl", "bob");
	FAILS(d, "ana", 64, "unblock");
	FAILS(d, "ana", 64, "blocks", "carl");
	r = FAILS(d, "ana", 64, "dm", "--json=yes", "carl", "hi");
	HAS(r.err, "--json takes no value");
	hx_stop(d);
}

/* `harbour help` lists every command; each has its --help. */
Test(dmcli, help)
{
	struct hx_daemon *d = setup();
	static const char *const cmds[][2] = {
		{ "dm", "USER [TEXT ... | -]" },
		{ "dms", NULL },
		{ "block", "USER" },
		{ "unblock", "USER" },
		{ "blocks", NULL },
	};
	struct hx_run r, h;
	size_t i;

	r = OK(d, "ana", "help");
	for (i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
		HAS(r.out, hx_strf("\n  %s%s%s\n        ", cmds[i][0],
		    cmds[i][1] != NULL ? " " : "", cmds[i][1] != NULL ?
		    cmds[i][1] : ""));
		h = OK(d, "ana", cmds[i][0], "--help");
		HAS(h.out, hx_strf("usage: harbour %s", cmds[i][0]));
		h = OK(d, "ana", "help", cmds[i][0]);
		HAS(h.out, hx_strf("usage: harbour %s", cmds[i][0]));
	}
	h = OK(d, "ana", "dm", "--help");
	HAS(h.out, "dm/USER1+USER2");
	h = OK(d, "ana", "help", "chat");
	HAS(h.out, "conversation");
	hx_stop(d);
}
