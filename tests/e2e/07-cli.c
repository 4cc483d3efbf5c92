/*
 * 07-cli.c: the walkthrough a new network goes through, with the real
 * `harbour` binary against the real daemon: the operator registers from
 * the init invite, makes organisations and invites, people register,
 * channels are made and joined, threads started and answered, read,
 * synced and followed live, and a logged-out client fails cleanly.
 *
 * Each simulated person has a state directory of their own (where the
 * client keeps its session). Output formats for people are the
 * client's business, so the tests look for the content (bodies,
 * titles, names) rather than exact layouts, except where the usage
 * promises a script-friendly form: `post` and `invite create` print
 * the id or code alone, `--json` prints JSON, and a failure is a
 * non-zero exit with one line on stderr. What the CLI posts is checked
 * over the protocol too, so a client that prints without sending
 * cannot pass.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "harness.h"

TestSuite(cli, .timeout = HX_TEST_TIMEOUT);

/* Between two looks at a condition we poll for. */
#define POLL_MS		20
/* How long one marker post is given to reach a tail before the next. */
#define MARKER_MS	200

#define ORGCH	"refugee-action/general"
#define PEERCH	"peer/vicarious-trauma"

static void
assert_ok(struct hx_run r, const char *what)
{
	cr_assert_eq(r.status, 0, "%s: exit %d; stdout %s; stderr %s", what,
	    r.status, r.out, r.err);
}

/* A non-zero exit with one line on stderr and nothing on stdout. */
static void
assert_fails_cleanly(struct hx_run r, const char *what)
{
	const char	*nl = strchr(r.err, '\n');

	cr_assert_neq(r.status, 0, "%s: succeeded; stdout %s", what, r.out);
	cr_assert(nl != NULL && nl[1] == '\0' && nl != r.err,
	    "%s: stderr is not one line: \"%s\"", what, r.err);
	cr_assert_str_empty(r.out, "%s: stdout %s", what, r.out);
}

/* Output that is one token alone on a line: returns it. */
static const char *
alone(struct hx_run r, const char *what)
{
	size_t	n = strlen(r.out);

	assert_ok(r, what);
	cr_assert(n > 1 && r.out[n - 1] == '\n' && strchr(r.out, '\n') ==
	    r.out + n - 1 && strchr(r.out, ' ') == NULL,
	    "%s: stdout is not one token alone: \"%s\"", what, r.out);
	return hx_strf("%.*s", (int)(n - 1), r.out);
}

static int64_t
post_id(struct hx_run r, const char *what)
{
	const char	*id = alone(r, what);
	size_t		 i;

	for (i = 0; id[i] != '\0'; i++)
		cr_assert(isdigit((unsigned char)id[i]), "%s: \"%s\" is not "
		    "a post id", what, id);
	return strtoll(id, NULL, 10);
}

static void
assert_has(struct hx_run r, const char *needle, const char *what)
{
	cr_assert(strstr(r.out, needle) != NULL, "%s: no \"%s\" in stdout "
	    "\"%s\"", what, needle, r.out);
}

static void
assert_lacks(struct hx_run r, const char *needle, const char *what)
{
	cr_assert(strstr(r.out, needle) == NULL, "%s: \"%s\" should not be "
	    "in stdout \"%s\"", what, needle, r.out);
}

/* Each person: their state directory and password. */
#define OPS(...)	HX_CLI(d, "ops", HX_PASSWORD, NULL, __VA_ARGS__)
#define ROSA(...)	HX_CLI(d, "rosa", HX_PASSWORD, NULL, __VA_ARGS__)
#define ANA(...)	HX_CLI(d, "ana", HX_PASSWORD, NULL, __VA_ARGS__)
#define OMAR(...)	HX_CLI(d, "omar", HX_PASSWORD, NULL, __VA_ARGS__)

/* The network as far as people and channels, all through the CLI. */
static void
network(struct hx_daemon *d)
{
	const char	*code;

	assert_ok(OPS("register", "--invite", hx_admin_invite(d), "--user",
	    "ops"), "ops register");
	assert_ok(OPS("org", "create", "refugee-action"), "org create");
	assert_ok(OPS("org", "create", "migrant-help"), "org create");

	code = alone(OPS("invite", "create", "--org", "refugee-action",
	    "--role", "org-admin"), "invite create");
	cr_assert_eq(strlen(code), 26, "invite code %s", code);
	assert_ok(ROSA("register", "--invite", code, "--user", "rosa"),
	    "rosa register");
	code = alone(OPS("invite", "create", "--org", "refugee-action",
	    "--role", "member", "--expires", "7d"), "invite create");
	assert_ok(ANA("register", "--invite", code, "--user", "ana"),
	    "ana register");
	code = alone(OPS("invite", "create", "--org", "migrant-help",
	    "--role", "member"), "invite create");
	assert_ok(OMAR("register", "--invite", code, "--user", "omar"),
	    "omar register");

	assert_ok(ROSA("channel", "create", ORGCH), "org channel create");
	assert_ok(OPS("channel", "create", PEERCH), "peer channel create");
	assert_ok(ANA("join", ORGCH), "join");
	assert_ok(ANA("join", PEERCH), "join");
	assert_ok(OMAR("join", PEERCH), "join");
}

Test(cli, walkthrough)
{
	struct hx_daemon	*d = hx_start(NULL);
	struct hx_conn		*c;
	struct hx_run		 r;
	json_t			*all, *j;
	int64_t			 t, rep;

	network(d);
	t = post_id(ANA("post", ORGCH, "--title", "First week",
	    "Finding my feet, slowly."), "post --title");
	rep = post_id(ROSA("post", ORGCH, "--thread", hx_strf("%lld",
	    (long long)t), "Glad you are here."), "post --thread");
	cr_assert_gt(rep, t);

	/* What the CLI sent is really there. */
	c = hx_login(d, "ana");
	all = hx_read_all(c, ORGCH, 0);
	cr_assert_eq(json_array_size(all), 2, "%s", hx_dump(all));
	hx_assert_post(json_array_get(all, 0), ORGCH, t, t, "ana",
	    "refugee-action", "First week", "Finding my feet, slowly.");
	hx_assert_post(json_array_get(all, 1), ORGCH, rep, t, "rosa",
	    "refugee-action", NULL, "Glad you are here.");

	r = ANA("threads", ORGCH);
	assert_ok(r, "threads");
	assert_has(r, "First week", "threads");
	r = ANA("read", ORGCH);
	assert_ok(r, "read");
	assert_has(r, "Finding my feet, slowly.", "read");
	assert_has(r, "Glad you are here.", "read");
	r = ANA("read", ORGCH, "--thread", hx_strf("%lld", (long long)t));
	assert_ok(r, "read --thread");
	assert_has(r, "Glad you are here.", "read --thread");
	r = ANA("read", ORGCH, "--since", hx_strf("%lld", (long long)t));
	assert_ok(r, "read --since");
	assert_has(r, "Glad you are here.", "read --since");
	assert_lacks(r, "Finding my feet", "read --since");
	r = ANA("read", ORGCH, "--limit", "1");
	assert_ok(r, "read --limit 1");
	assert_has(r, "Glad you are here.", "read --limit 1");
	assert_lacks(r, "Finding my feet", "read --limit 1");

	r = ANA("sync");
	assert_ok(r, "sync");
	assert_has(r, "Finding my feet, slowly.", "sync");
	/* Shown by read already: read, and not printed again. */
	assert_lacks(r, "Glad you are here.", "sync");
	/* sync remembers where it stopped. */
	post_id(OMAR("post", PEERCH, "--title", "Hello", "From Leeds."),
	    "post");
	r = ANA("sync");
	assert_ok(r, "second sync");
	assert_has(r, "From Leeds.", "second sync");
	assert_lacks(r, "Finding my feet", "second sync");

	r = ANA("channels");
	assert_ok(r, "channels");
	assert_has(r, ORGCH, "channels");
	assert_has(r, PEERCH, "channels");
	r = ANA("whoami");
	assert_ok(r, "whoami");
	assert_has(r, "ana", "whoami");
	assert_has(r, "refugee-action", "whoami");
	assert_has(r, "member", "whoami");

	r = ANA("--json", "whoami");
	assert_ok(r, "--json whoami");
	j = hx_keep(json_loads(r.out, JSON_DISABLE_EOF_CHECK, NULL));
	cr_assert(json_is_object(j), "--json whoami printed %s", r.out);
	cr_assert_str_eq(hx_str(j, "user"), "ana");

	/* Another organisation's channel: refused, one line. */
	assert_fails_cleanly(OMAR("read", ORGCH), "outsider read");
	assert_fails_cleanly(OMAR("post", ORGCH, "--title", "x", "y"),
	    "outsider post");
	hx_stop(d);
}

Test(cli, tail_receives_live_post)
{
	struct hx_daemon	*d = hx_start(NULL);
	struct hx_cli		*tail;
	struct hx_conn		*ana;
	struct hx_run		 r;
	int64_t			 t;
	int			 i, waited, step;

	network(d);
	ana = hx_login(d, "ana");
	t = hx_post(ana, PEERCH, "Live", 0, "before the tail started");
	tail = HX_CLI_START(d, "omar", HX_PASSWORD, NULL, "tail", PEERCH,
	    "--count", "1", "--timeout", "30");
	/* The tail subscribes some time after it starts: post until it has
	 * seen one, which it shows and exits on (--count 1). */
	for (i = 0, waited = 0; waited < hx_ms(HX_WAIT_MS) &&
	    !hx_cli_done(tail); i++) {
		hx_post(ana, PEERCH, NULL, t, hx_strf("live marker %d", i));
		for (step = 0; step < MARKER_MS && !hx_cli_done(tail);
		    step += POLL_MS)
			usleep(POLL_MS * 1000);
		waited += step;
	}
	r = hx_cli_wait(tail, 2 * hx_ms(HX_WAIT_MS));
	assert_ok(r, "tail --count 1");
	assert_has(r, "live marker", "tail");
	assert_lacks(r, "before the tail started", "tail");
	/* Exactly one post: a second marker would mean --count was not
	 * honoured. */
	cr_assert_eq(strstr(strstr(r.out, "live marker") + 1, "live marker"),
	    NULL, "tail --count 1 showed more than one post: %s", r.out);
	hx_stop(d);
}

Test(cli, passwd_logout_login)
{
	struct hx_daemon	*d = hx_start(NULL);
	const char		*newpw = "a-brand-new-password";

	network(d);
	hx_cli_setenv(hx_strf("HARBOUR_NEW_PASSWORD=%s", newpw));
	assert_ok(ANA("passwd"), "passwd");
	hx_cli_setenv(NULL);
	/* Still logged in here. */
	assert_ok(ANA("whoami"), "whoami after passwd");
	hx_err(hx_connect(d), "auth_failed", "login", "{s:s, s:s}", "user",
	    "ana", "password", HX_PASSWORD);

	assert_ok(ANA("logout"), "logout");
	assert_fails_cleanly(ANA("whoami"), "whoami after logout");
	assert_fails_cleanly(ANA("channels"), "channels after logout");
	assert_fails_cleanly(HX_CLI(d, "ana", "wrong-password-here", NULL,
	    "login", "--user", "ana"), "login with a wrong password");
	assert_ok(HX_CLI(d, "ana", newpw, NULL, "login", "--user", "ana"),
	    "login");
	assert_ok(ANA("whoami"), "whoami after login");
	hx_stop(d);
}

Test(cli, bad_invite_and_usage)
{
	struct hx_daemon	*d = hx_start(NULL);
	struct hx_run		 r;

	assert_fails_cleanly(HX_CLI(d, "x", HX_PASSWORD, NULL, "register",
	    "--invite", "AAAAAAAAAAAAAAAAAAAAAAAAAA", "--user", "x"),
	    "register with an unknown invite");
	r = HX_CLI(d, "x", HX_PASSWORD, NULL, "no-such-command");
	cr_assert_neq(r.status, 0, "an unknown command succeeded");
	hx_stop(d);
}
