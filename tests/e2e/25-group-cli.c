/*
 * 25-group-cli.c: private groups through the real `harbour` binary
 * against a real daemon, as people type them: group create, group add,
 * group remove, group members, what channels shows of a group, posting
 * and reading in one, the usage errors and the help.
 *
 * The rule that matters most is that a group is invisible from outside:
 * whoever is not in it must get, byte for byte, the answer a group that
 * was never made gets. So those checks compare the two runs' exit
 * statuses and outputs whole, rather than looking for a word in them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "harness.h"

TestSuite(groupcli, .timeout = HX_TEST_TIMEOUT);

#define G	"group/set-a"
#define NEVER	"group/never-made"
#define TITLE	"Action learning set A"
#define CH	"peer/commons"
#define NO_CH	"no such channel (not_found)"
/* tail subscribes a moment after it starts: a marker is posted every
 * MARKER_MS until it has shown one. */
#define MARKER_MS	300
#define POLL_MS		50

/* fay, a facilitator (wellbeing), and five members: amira and carl of
 * refugee-action, ben of hope-house, dina of wellbeing, eli of
 * hope-house; all logged in with the CLI, each in a state directory of
 * their own, as is the admin. fay made CH and the members joined it. */
static struct hx_daemon *
setup(void)
{
	static const char *const people[][2] = {
		{ "amira", "refugee-action" }, { "carl", "refugee-action" },
		{ "ben", "hope-house" }, { "dina", "wellbeing" },
		{ "eli", "hope-house" },
	};
	struct hx_daemon	*d = hx_start(NULL);
	struct hx_conn		*fay, *u;
	size_t			 i;

	fay = hx_user(d, "wellbeing", "facilitator", "fay");
	hx_ok(fay, "channel.create", "{s:s}", "channel", CH);
	hx_close(fay);
	OK(d, "fay", "login", "--user", "fay");
	for (i = 0; i < sizeof people / sizeof people[0]; i++) {
		u = hx_user(d, people[i][1], "member", people[i][0]);
		hx_ok(u, "join", "{s:s}", "channel", CH);
		hx_close(u);
		OK(d, people[i][0], "login", "--user", people[i][0]);
	}
	OK(d, HX_ADMIN, "login", "--user", HX_ADMIN);
	return (d);
}

/* setup, and fay's group G with amira and ben in it. */
static struct hx_daemon *
setup_group(void)
{
	struct hx_daemon	*d = setup();

	OK(d, "fay", "group", "create", "set-a", "--title", TITLE);
	OK(d, "fay", "group", "add", G, "amira", "ben");
	return (d);
}

/* Runs a and b as who: both must end alike, with the same output, to
 * the byte. Returns a's run. */
static struct hx_run
same(struct hx_daemon *d, const char *who, const char *const *a,
    const char *const *b)
{
	struct hx_run	ra, rb;

	ra = hx_cliv(d, who, HX_PASSWORD, NULL, a);
	rb = hx_cliv(d, who, HX_PASSWORD, NULL, b);
	cr_assert_eq(ra.status, rb.status, "%s: %s exits %d, %s exits %d",
	    who, a[0], ra.status, b[0], rb.status);
	cr_assert_str_eq(ra.out, rb.out, "%s: %s: stdout differs", who, a[0]);
	cr_assert_str_eq(ra.err, rb.err, "%s: %s: stderr differs", who, a[0]);
	return (ra);
}
#define ARGS(...)	((const char *const[]){ __VA_ARGS__, NULL })

/* For who, G is answered as NEVER is, by every command, and not found. */
static void
invisible(struct hx_daemon *d, const char *who)
{
	struct hx_run	r;

	r = same(d, who, ARGS("group", "members", G),
	    ARGS("group", "members", NEVER));
	cr_assert_eq(r.status, 1);
	HAS(r.err, NO_CH);
	r = same(d, who, ARGS("read", G), ARGS("read", NEVER));
	HAS(r.err, NO_CH);
	same(d, who, ARGS("tail", G, "--timeout", "1"),
	    ARGS("tail", NEVER, "--timeout", "1"));
	same(d, who, ARGS("chat", G), ARGS("chat", NEVER));
	same(d, who, ARGS("threads", G), ARGS("threads", NEVER));
	same(d, who, ARGS("post", G, "--title", "in", "hello"),
	    ARGS("post", NEVER, "--title", "in", "hello"));
	same(d, who, ARGS("join", G), ARGS("join", NEVER));
	same(d, who, ARGS("group", "add", G, "carl"),
	    ARGS("group", "add", NEVER, "carl"));
	same(d, who, ARGS("group", "remove", G, "amira"),
	    ARGS("group", "remove", NEVER, "amira"));
	r = OK(d, who, "channels");
	HASNT(r.out, G);
	r = OK(d, who, "--json", "channels");
	HASNT(r.out, G);
}

/* Facilitators make groups; members may not; a name is made once. */
Test(groupcli, create)
{
	struct hx_daemon *d = setup();
	struct hx_run r;

	r = OK(d, "fay", "group", "create", "set-a", "--title", TITLE);
	cr_assert_str_eq(r.out, "made " G " (" TITLE "); you are in it\n");
	r = OK(d, "fay", "group", "create", "group/set-b");
	cr_assert_str_eq(r.out, "made group/set-b; you are in it\n");
	r = FAILS(d, "amira", 1, "group", "create", "mine");
	HAS(r.err, "(forbidden)");
	r = FAILS(d, "fay", 1, "group", "create", "set-a");
	HAS(r.err, "(exists)");
	/* Refused before anything is sent, with the server's codes. */
	r = FAILS(d, "fay", 1, "group", "create", "Set_A");
	HAS(r.err, "(bad_name)");
	r = FAILS(d, "fay", 1, "group", "create", "peer/set-c");
	HAS(r.err, "peer/set-c is not a group");
	HAS(r.err, "(bad_request)");
	r = FAILS(d, "fay", 1, "group", "create", "x", "--title", "");
	HAS(r.err, "(bad_text)");
	/* A group is not a channel made with channel create. */
	r = FAILS(d, "fay", 1, "channel", "create", "group/set-c");
	HAS(r.err, "(bad_name)");
	r = OK(d, "fay", "--json", "group", "create", "set-d");
	HAS(r.out, "\"channel\":\"group/set-d\"");
	/* The creator is in it; an admin may make one too. */
	r = OK(d, "fay", "group", "members", G);
	HAS(r.out, G " (" TITLE "): 1 member\n");
	HAS(r.out, "fay  wellbeing  facilitator\n");
	r = OK(d, "fay", "channels");
	HAS(r.out, "group/set-b  group  joined");
	r = OK(d, HX_ADMIN, "group", "create", "ops-only");
	HAS(r.out, "made group/ops-only; you are in it");
	hx_stop(d);
}

/* People from two organisations, all or none; members see the list. */
Test(groupcli, add_and_members)
{
	struct hx_daemon *d = setup();
	struct hx_run r;

	OK(d, "fay", "group", "create", "set-a", "--title", TITLE);
	r = OK(d, "fay", "group", "add", G, "amira", "ben");
	cr_assert_str_eq(r.out, "added amira, ben to " G "\n");
	r = FAILS(d, "fay", 1, "group", "add", G, "dina", "amira");
	HAS(r.err, "amira is in the group already (exists)");
	r = FAILS(d, "fay", 1, "group", "add", G, "dina", "nobody");
	HAS(r.err, "no such user: nobody (not_found)");
	/* Neither refusal added dina. */
	r = OK(d, "amira", "group", "members", G);
	cr_assert_str_eq(r.out,
	    G " (" TITLE "): 3 members\n"
	    "amira  refugee-action  member\n"
	    "ben    hope-house      member\n"
	    "fay    wellbeing       facilitator\n");
	/* A plain member does not add people. */
	r = FAILS(d, "amira", 1, "group", "add", G, "dina");
	HAS(r.err, "(forbidden)");
	r = FAILS(d, "amira", 1, "group", "remove", G, "ben");
	HAS(r.err, "(forbidden)");
	r = FAILS(d, "fay", 1, "group", "add", CH, "dina");
	HAS(r.err, CH " is not a group");
	r = FAILS(d, "fay", 1, "group", "add", G, "Dina!");
	HAS(r.err, "(bad_name)");
	/* NAME alone means group/NAME; a name given twice counts once. */
	r = OK(d, "fay", "group", "add", "set-a", "dina", "eli", "dina");
	cr_assert_str_eq(r.out, "added dina, eli to " G "\n");
	r = OK(d, "ben", "--json", "group", "members", G);
	HAS(r.out, "\"members\":[");
	HAS(r.out, "{\"user\":\"eli\",\"org\":\"hope-house\",\"role\":"
	    "\"member\"}");
	r = OK(d, "ben", "group", "members", G);
	HAS(r.out, ": 5 members\n");
	/* A member may leave; the group is then none of theirs. */
	r = OK(d, "eli", "leave", G);
	cr_assert_str_eq(r.out, "left " G "\n");
	invisible(d, "eli");
	r = OK(d, "ben", "group", "members", G);
	HAS(r.out, ": 4 members\n");
	hx_stop(d);
}

/* Outside a group, it is a group that was never made. */
Test(groupcli, invisible_outside)
{
	struct hx_daemon *d = setup_group();
	struct hx_run r;

	invisible(d, "carl");	/* a member of amira's organisation */
	invisible(d, "dina");	/* of fay's */
	invisible(d, HX_ADMIN);	/* an admin, but not in it */
	/* Members see it in channels, as a group with its title. */
	r = OK(d, "amira", "channels");
	HAS(r.out, G "  group  joined  0 unread  (" TITLE ")\n");
	HAS(r.out, CH "  peer  joined  0 unread\n");	/* no title */
	r = OK(d, "ben", "--json", "channels");
	HAS(r.out, "\"channel\":\"" G "\"");
	HAS(r.out, "\"group\":true");
	/* A member's join is answered, but not with not_found. */
	r = FAILS(d, "amira", 1, "join", G);
	HAS(r.err, "(bad_state)");
	hx_stop(d);
}

/* Members talk in it; a removed member is outside from then on. */
Test(groupcli, post_read_remove)
{
	struct hx_daemon *d = setup_group();
	struct hx_run r;
	const char *id;

	r = OK(d, "amira", "post", G, "--title", "First meeting",
	    "Thursday at ten?");
	id = hx_strf("%lld", atoll(r.out));
	cr_assert(atoll(id) > 0, "%s", r.out);
	OK(d, "ben", "post", G, "--thread", id, "Ten works for me.");
	r = OK(d, "ben", "read", G);
	HAS(r.out, "Thursday at ten?");
	HAS(r.out, "Ten works for me.");
	HAS(r.out, hx_strf("#%s " G " [thread %s] amira (refugee-action)", id,
	    id));
	r = OK(d, "fay", "threads", G);
	HAS(r.out, "First meeting");
	r = hx_cliv(d, "ben", HX_PASSWORD, hx_strf("/thread %s\nFrom chat.\n"
	    "/quit\n", id), ARGS("chat", G));
	cr_assert_eq(r.status, 0, "%s", r.err);
	r = OK(d, "amira", "read", G);
	HAS(r.out, "From chat.");
	r = OK(d, "amira", "channels");
	HAS(r.out, G "  group  joined");

	r = OK(d, "fay", "group", "remove", G, "ben");
	cr_assert_str_eq(r.out, "removed ben from " G "\n");
	r = FAILS(d, "fay", 1, "group", "remove", G, "ben");
	HAS(r.err, "not in the group (not_found)");
	invisible(d, "ben");
	r = OK(d, "amira", "group", "members", G);
	HASNT(r.out, "ben");
	HAS(r.out, ": 2 members\n");
	/* A group's people are added, not joined: ben's way back. */
	r = OK(d, "fay", "group", "add", G, "ben");
	r = OK(d, "ben", "read", G);
	HAS(r.out, "Ten works for me.");
	hx_stop(d);
}

/* tail follows a group as any channel: new posts, as they come. */
Test(groupcli, tail)
{
	struct hx_daemon *d = setup_group();
	struct hx_cli *tail;
	struct hx_run r;
	const char *id;
	int i, waited, step;

	r = OK(d, "amira", "post", G, "--title", "Notes", "before the tail");
	id = hx_strf("%lld", atoll(r.out));
	tail = HX_CLI_START(d, "ben", HX_PASSWORD, NULL, "tail", G,
	    "--count", "1", "--timeout", "30");
	for (i = 0, waited = 0; waited < hx_ms(HX_WAIT_MS) &&
	    !hx_cli_done(tail); i++) {
		OK(d, "amira", "post", G, "--thread", id,
		    hx_strf("live marker %d", i));
		for (step = 0; step < MARKER_MS && !hx_cli_done(tail);
		    step += POLL_MS)
			usleep(POLL_MS * 1000);
		waited += step;
	}
	r = hx_cli_wait(tail, 2 * hx_ms(HX_WAIT_MS));
	cr_assert_eq(r.status, 0, "%s", r.err);
	HAS(r.out, hx_strf(G " [thread %s] amira (refugee-action)", id));
	HAS(r.out, "live marker");
	HASNT(r.out, "before the tail");
	hx_stop(d);
}

/* Mistakes on the command line: exit 64 and the usage line; and the
 * help names every group command. */
Test(groupcli, usage_and_help)
{
	struct hx_daemon *d = setup();
	const char *argv[60] = { "group", "add", G };
	struct hx_run r;
	size_t i;

	r = FAILS(d, "fay", 64, "group", "create");
	HAS(r.err, "usage: harbour group create NAME [--title TEXT]");
	r = FAILS(d, "fay", 64, "group", "create", "a", "b");
	HAS(r.err, "usage: harbour group create NAME [--title TEXT]");
	r = FAILS(d, "fay", 64, "group", "create", "a", "--title");
	HAS(r.err, "--title needs a value");
	FAILS(d, "fay", 64, "group", "create", "a", "--colour", "red");
	r = FAILS(d, "fay", 64, "group", "add", G);
	HAS(r.err, "usage: harbour group add group/NAME USER [USER ...]");
	r = FAILS(d, "fay", 64, "group", "remove", G);
	HAS(r.err, "usage: harbour group remove group/NAME USER");
	FAILS(d, "fay", 64, "group", "remove", G, "amira", "ben");
	r = FAILS(d, "fay", 64, "group", "members");
	HAS(r.err, "usage: harbour group members group/NAME");
	FAILS(d, "fay", 64, "group", "members", G, "x");
	r = FAILS(d, "fay", 64, "group");
	HAS(r.err, "group needs a command after it");
	HAS(r.err, "usage: harbour group members group/NAME");
	r = FAILS(d, "fay", 64, "group", "join", G);
	HAS(r.err, "no such command: group join");
	/* More people than one request may add. */
	for (i = 0; i < 51; i++)
		argv[3 + i] = hx_strf("user%zu", i);
	argv[3 + i] = NULL;
	r = hx_cli_expect(d, "fay", 64, argv);
	HAS(r.err, "add at most 50 people at a time");

	r = OK(d, "fay", "help");
	HAS(r.out, "  group create NAME [--title TEXT]\n        Make a private "
	    "group");
	HAS(r.out, "  group add group/NAME USER [USER ...]\n");
	HAS(r.out, "  group remove group/NAME USER\n");
	HAS(r.out, "  group members group/NAME\n");
	r = OK(d, "fay", "help", "group");
	HAS(r.out, "usage: harbour group create NAME [--title TEXT]");
	HAS(r.out, "usage: harbour group members group/NAME");
	r = OK(d, "fay", "group", "add", "--help");
	HAS(r.out, "usage: harbour group add group/NAME USER [USER ...]");
	HAS(r.out, "all or none");
	r = OK(d, "fay", "help", "group", "remove");
	HAS(r.out, "usage: harbour group remove group/NAME USER");
	r = OK(d, "fay", "group", "members", "-h");
	HAS(r.out, "USER  ORG  ROLE");
	hx_stop(d);
}
