/*
 * 08-logs.c: secrets stay out of the log and out of the database file
 * (util.h's logging rule; PROTOCOL.md: "only its hash is stored" for
 * invites; DESIGN.md: Argon2id for passwords).
 *
 * A run at log_level debug (the most the daemon ever says) goes
 * through everything that handles a secret or a person's words:
 * register, password and token logins, a failed login with a wrong
 * password, passwd, invites (used and unused), posts and their titles,
 * live delivery, a rejected post. Then neither the log nor the SQLite
 * files (database and WAL, after a clean stop) may contain any of the
 * secrets; the log may not contain the post bodies either (the
 * database must, of course). Each secret is distinctive, so a hit
 * means a leak, not a coincidence.
 */
#include <string.h>

#include <criterion/criterion.h>

#include "harness.h"

TestSuite(logs, .timeout = HX_TEST_TIMEOUT);

#define PW1	"Pw1-lighthouse-correct-staple-91"
#define PW2	"Pw2-harbour-wall-tangerine-47"
#define PWBAD	"PwBad-not-the-password-3308"
#define BODY	"BodyMarker-my-client-was-detained-today-5521"
#define REPLY	"ReplyMarker-take-care-of-yourself-7712"

struct secrets {
	json_t	*list;		/* strings that must not appear anywhere */
	json_t	*words;		/* strings that must not appear in the log */
};

static void
secret(struct secrets *s, const char *v)
{
	json_array_append_new(s->list, json_string(v));
}

static void
exercise(struct hx_daemon *d, struct secrets *s)
{
	struct hx_conn	*a, *ana, *ana2, *omar, *anon;
	json_t		*res;
	const char	*code, *unused;
	int64_t		 t;

	secret(s, hx_admin_invite(d));
	secret(s, PW1);
	secret(s, PW2);
	secret(s, PWBAD);
	secret(s, HX_PASSWORD);

	a = hx_admin(d);
	secret(s, hx_token(a));
	hx_ok(a, "org.create", "{s:s}", "name", "refugee-action");
	hx_ok(a, "channel.create", "{s:s}", "channel", "peer/secret-test");
	res = hx_ok(a, "invite.create", "{s:s, s:s}", "org", "refugee-action",
	    "role", "member");
	code = hx_str(res, "code");
	secret(s, code);
	res = hx_ok(a, "invite.create", "{s:s, s:s}", "org", "refugee-action",
	    "role", "org-admin");
	unused = hx_str(res, "code");
	secret(s, unused);

	ana = hx_connect(d);
	res = hx_ok(ana, "register", "{s:s, s:s, s:s}", "invite", code,
	    "user", "ana", "password", PW1);
	secret(s, hx_str(res, "token"));
	/* The used invite, tried again. */
	hx_err(hx_connect(d), "invite_invalid", "register", "{s:s, s:s, s:s}",
	    "invite", code, "user", "eve", "password", PW1);

	anon = hx_connect(d);
	hx_err(anon, "auth_failed", "login", "{s:s, s:s}", "user", "ana",
	    "password", PWBAD);
	hx_err(anon, "auth_failed", "login", "{s:s}", "token",
	    "feedfacefeedfacefeedfacefeedface");
	res = hx_ok(anon, "login", "{s:s, s:s}", "user", "ana", "password",
	    PW1);
	ana2 = anon;
	secret(s, hx_str(res, "token"));
	hx_ok(hx_connect(d), "login", "{s:s}", "token", hx_str(res, "token"));

	hx_ok(ana, "passwd", "{s:s, s:s}", "old", PW1, "new", PW2);
	/* ana's other session ends with the change (and is logged). */
	cr_assert_not_null(hx_event_named(ana2, "bye", hx_ms(HX_WAIT_MS)),
	    "passwd left another session of the account connected");
	hx_err(ana, "auth_failed", "passwd", "{s:s, s:s}", "old", PWBAD,
	    "new", PW1);

	omar = hx_user(d, HX_ADMIN_ORG, "member", "omar");
	secret(s, hx_token(omar));
	hx_ok(omar, "join", "{s:s}", "channel", "peer/secret-test");
	hx_ok(omar, "subscribe", NULL);
	hx_ok(ana, "join", "{s:s}", "channel", "peer/secret-test");
	t = hx_post(ana, "peer/secret-test", "TitleMarker-a-hard-week-8813", 0,
	    BODY);
	hx_post(ana, "peer/secret-test", NULL, t, REPLY);
	cr_assert_not_null(hx_event(omar, hx_ms(HX_WAIT_MS)));
	hx_err(ana, "bad_text", "post", "{s:s, s:I, s:s}", "channel",
	    "peer/secret-test", "thread", (json_int_t)t, "body",
	    "RejectedMarker-\x1b-9120");
	hx_ok(ana, "logout", NULL);

	json_array_append_new(s->words, json_string(BODY));
	json_array_append_new(s->words, json_string(REPLY));
	json_array_append_new(s->words, json_string("RejectedMarker"));
}

static void
assert_clean(const char *text, size_t len, json_t *list, const char *where)
{
	json_t	*v;
	size_t	 i;

	json_array_foreach(list, i, v)
		cr_assert(!hx_contains(text, len, json_string_value(v)),
		    "%s contains the secret %s", where, json_string_value(v));
}

Test(logs, no_secrets_in_log)
{
	struct hx_daemon	*d = hx_start("log_level = debug");
	struct secrets		 s = { hx_keep(json_array()),
				    hx_keep(json_array()) };
	const char		*log;
	size_t			 len;

	exercise(d, &s);
	hx_shutdown(d);
	log = hx_log(d, &len);
	/* Not vacuous: the log is there and says things. */
	cr_assert(hx_contains(log, len, "listening on"), "an empty log?");
	assert_clean(log, len, s.list, "the daemon's log");
	assert_clean(log, len, s.words, "the daemon's log");
	hx_restart(d);
	hx_stop(d);
}

Test(logs, no_secrets_in_database)
{
	struct hx_daemon	*d = hx_start(NULL);
	struct secrets		 s = { hx_keep(json_array()),
				    hx_keep(json_array()) };
	const char		*db, *wal;
	size_t			 len, wlen = 0;

	exercise(d, &s);
	hx_shutdown(d);
	db = hx_slurp(hx_strf("%s/harbour.db", hx_dir(d)), &len);
	cr_assert_not_null(db, "no database file");
	/* The database does hold the words (not vacuous)... */
	wal = hx_slurp(hx_strf("%s/harbour.db-wal", hx_dir(d)), &wlen);
	cr_assert(hx_contains(db, len, BODY) || (wal != NULL &&
	    hx_contains(wal, wlen, BODY)), "the post body is not stored?");
	/* ...but no password, token or invite code in the clear. */
	assert_clean(db, len, s.list, "the database");
	if (wal != NULL)
		assert_clean(wal, wlen, s.list, "the WAL");
	hx_restart(d);
	hx_stop(d);
}
