/*
 * 47-chat-tty.c: `harbour chat` at a real terminal, and `chat` and
 * `tail` reconnecting by themselves.
 *
 * The terminal is tmux's: each test starts a tmux server of its own
 * (a socket named for the test process, killed at the end, also when an
 * assertion fails), runs the real client in its one pane, types with
 * send-keys and pastes with paste-buffer -p (bracketed, as a terminal
 * pastes), and reads the screen with capture-pane. Every wait polls the
 * screen until the text is there, with a deadline.
 *
 * The reconnect tests need a post made while the client is away that
 * the client can only get from the replay: the daemon is stopped, run
 * once on another port (which the client does not know) for bob to post
 * there, stopped again, and started on the port the client knows. What
 * the client shows then must have each post exactly once.
 */
#include <sys/wait.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "harness.h"

TestSuite(chattty, .timeout = HX_TEST_TIMEOUT);

#define CH		"refugee-action/general"
#define TMUX		"/usr/bin/tmux"
#define POLL_MS		50
#define SCREEN		"-x", "100", "-y", "30"

static char	tmux_sock[64];

static void
tmux_run(const char *const *argv)
{
	const char	*full[32];
	pid_t		 pid;
	size_t		 n;
	int		 status;

	full[0] = TMUX;
	full[1] = "-L";
	full[2] = tmux_sock;
	for (n = 0; argv[n] != NULL && n + 4 < 32; n++)
		full[n + 3] = argv[n];
	full[n + 3] = NULL;
	pid = fork();
	cr_assert(pid != -1);
	if (pid == 0) {
		execv(TMUX, (char *const *)full);
		_exit(127);
	}
	cr_assert(waitpid(pid, &status, 0) == pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "tmux %s failed (0x%x)", argv[0], status);
}
#define TMUX_RUN(...) tmux_run((const char *const[]){ __VA_ARGS__, NULL })

static void
tmux_kill(void)
{
	const char	*argv[] = { TMUX, "-L", tmux_sock, "kill-server",
	    NULL };
	pid_t		 pid;

	if (tmux_sock[0] == '\0')
		return;
	if ((pid = fork()) == 0) {
		/* Its server may be gone already, the client having quit. */
		freopen("/dev/null", "w", stderr);
		execv(TMUX, (char *const *)argv);
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
	tmux_sock[0] = '\0';
}

/* The environment the harness gives its clients, as a shell prefix. */
static const char *
client_env(struct hx_daemon *d, const char *who)
{
	const char	*asan = getenv("ASAN_OPTIONS");
	const char	*ubsan = getenv("UBSAN_OPTIONS");

	return (hx_strf("env -i HARBOUR_SERVER=127.0.0.1:%d "
	    "HARBOUR_CA='%s/ca.crt' HARBOUR_STATE_DIR='%s/state-%s' "
	    "HOME='%s/home' LANG=C.UTF-8 TERM=screen ASAN_OPTIONS='%s' "
	    "UBSAN_OPTIONS='%s' PATH=/usr/bin:/bin", hx_port(d),
	    getenv("HARBOUR_CERTS"), hx_dir(d), who, hx_dir(d),
	    asan != NULL ? asan : "", ubsan != NULL ? ubsan : ""));
}

/* A tmux server of this test's own running cmd in a 100x30 pane. */
static void
tmux_start(const char *cmd)
{
	snprintf(tmux_sock, sizeof tmux_sock, "harbour-test-%ld",
	    (long)getpid());
	atexit(tmux_kill);
	TMUX_RUN("-f", "/dev/null", "new-session", "-d", SCREEN, cmd);
}

/* The pane's text, its scrollback included. */
static const char *
screen(void)
{
	FILE	*fp;
	char	 buf[65536];
	size_t	 n;

	fp = popen(hx_strf("%s -L %s capture-pane -p -J -S -1000", TMUX,
	    tmux_sock), "r");
	cr_assert_not_null(fp);
	n = fread(buf, 1, sizeof buf - 1, fp);
	buf[n] = '\0';
	pclose(fp);
	return (hx_strf("%s", buf));
}

static int
count(const char *hay, const char *needle)
{
	int	n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return (n);
}

/* Poll the screen until text is on it, for at most ms. */
static const char *
wait_for_ms(const char *text, int ms)
{
	const char	*s;
	int		 waited;

	for (waited = 0;; waited += POLL_MS) {
		s = screen();
		if (strstr(s, text) != NULL)
			return (s);
		cr_assert(waited < ms, "no \"%s\" on the screen:\n%s", text,
		    s);
		usleep(POLL_MS * 1000);
	}
}

static const char *
wait_for(const char *text)
{
	return (wait_for_ms(text, hx_ms(HX_WAIT_MS)));
}

/* The last line of the screen with text on it: the input line. */
static const char *
input_line(const char *s)
{
	const char	*end = s + strlen(s), *bol;

	while (end > s && (end[-1] == '\n' || end[-1] == ' '))
		end--;
	for (bol = end; bol > s && bol[-1] != '\n'; bol--)
		;
	return (hx_strf("%.*s", (int)(end - bol), bol));
}

/* Poll until the input line reads exactly want (trailing spaces
 * aside). */
static void
wait_input(const char *want)
{
	const char	*s, *all;
	size_t		 n = strlen(want);
	int		 waited;

	while (n > 0 && want[n - 1] == ' ')
		n--;
	want = hx_strf("%.*s", (int)n, want);
	for (waited = 0;; waited += POLL_MS) {
		all = screen();
		s = input_line(all);
		if (strcmp(s, want) == 0)
			return;
		cr_assert(waited < hx_ms(HX_WAIT_MS), "the input line reads "
		    "\"%s\", not \"%s\"; the screen:\n%s", s, want, all);
		usleep(POLL_MS * 1000);
	}
}

/* Poll until the thread has a post with this body (n of them). */
static void
wait_post(struct hx_conn *c, const char *body, int n)
{
	json_t	*posts, *p;
	size_t	 i;
	int	 waited, seen;

	for (waited = 0;; waited += POLL_MS) {
		posts = hx_read_all(c, CH, 0);
		seen = 0;
		json_array_foreach(posts, i, p) {
			if (strcmp(hx_str(p, "body"), body) == 0)
				seen++;
		}
		cr_assert(seen <= n, "%d posts of %s", seen, body);
		if (seen == n)
			return;
		cr_assert(waited < hx_ms(HX_WAIT_MS), "no post \"%s\" in "
		    "%s; the screen:\n%s", body, hx_dump(posts), screen());
		usleep(POLL_MS * 1000);
	}
}

/* ana and bob of refugee-action in CH, ana logged in with the CLI; bob
 * started thread *thread and is returned connected. */
static struct hx_daemon *
setup(struct hx_conn **bob, int64_t *thread)
{
	struct hx_daemon	*d = hx_start(NULL);
	struct hx_conn		*ana;

	ana = hx_user(d, "refugee-action", "org-admin", "ana");
	hx_ok(ana, "channel.create", "{s:s}", "channel", CH);
	hx_ok(ana, "join", "{s:s}", "channel", CH);
	*bob = hx_user(d, "refugee-action", "member", "bob");
	hx_ok(*bob, "join", "{s:s}", "channel", CH);
	*thread = hx_post(*bob, CH, "Shift handover", 0, "Who is on tonight?");
	hx_close(ana);
	OK(d, "ana", "login", "--user", "ana");
	return (d);
}

/* chat in tmux, on thread, ready for a line. */
static void
chat_start(struct hx_daemon *d, int64_t thread)
{
	tmux_start(hx_strf("%s %s/harbour chat %s 2>%s/chat.err; echo "
	    "chat-exit=$?; read x", client_env(d, "ana"),
	    getenv("HARBOUR_BUILD"), CH, hx_dir(d)));
	wait_for("/help lists the commands");
	wait_input(CH "> ");
	TMUX_RUN("send-keys", "-l", hx_strf("/thread %lld", (long long)thread));
	TMUX_RUN("send-keys", "Enter");
	wait_for(hx_strf("Your lines now go to thread #%lld.",
	    (long long)thread));
	wait_input(hx_strf(CH " #%lld> ", (long long)thread));
}

/* /quit, and chat ends with status 0, having written nothing on
 * stderr that is a sanitizer's. */
static void
chat_quit(struct hx_daemon *d)
{
	const char	*err;

	TMUX_RUN("send-keys", "-l", "/quit");
	TMUX_RUN("send-keys", "Enter");
	wait_for("chat-exit=0");
	tmux_kill();
	err = hx_slurp(hx_strf("%s/chat.err", hx_dir(d)), NULL);

	cr_assert(err == NULL || strstr(err, "Sanitizer") == NULL,
	    "chat's stderr: %s", err);
}

Test(chattty, edit_history_redraw_paste)
{
	struct hx_conn		*bob;
	struct hx_daemon	*d;
	int64_t			 t;
	const char		*s;

	d = setup(&bob, &t);
	chat_start(d, t);
	/* The start showed the channel's last posts. */
	HAS(screen(), "Who is on tonight?");

	/* "helo", Left, "l", Enter: "hello" is posted. */
	TMUX_RUN("send-keys", "-l", "helo");
	wait_input(hx_strf(CH " #%lld> helo", (long long)t));
	TMUX_RUN("send-keys", "Left");
	TMUX_RUN("send-keys", "-l", "l");
	TMUX_RUN("send-keys", "Enter");
	wait_post(bob, "hello", 1);

	/* Up recalls it; Enter posts it again. */
	wait_input(hx_strf(CH " #%lld> ", (long long)t));
	TMUX_RUN("send-keys", "Up");
	wait_input(hx_strf(CH " #%lld> hello", (long long)t));
	TMUX_RUN("send-keys", "Enter");
	wait_post(bob, "hello", 2);

	/* A post arrives while a line is half typed: the post is shown
	 * above, the line is still there, and finishing it sends it all. */
	wait_input(hx_strf(CH " #%lld> ", (long long)t));
	TMUX_RUN("send-keys", "-l", "I can take the ni");
	wait_input(hx_strf(CH " #%lld> I can take the ni", (long long)t));
	hx_post(bob, CH, NULL, t, "Anyone free from ten?");
	wait_for("Anyone free from ten?");
	wait_input(hx_strf(CH " #%lld> I can take the ni", (long long)t));
	s = screen();
	cr_assert(strstr(s, "Anyone free from ten?") < strstr(s,
	    "> I can take the ni"), "%s", s);
	TMUX_RUN("send-keys", "-l", "ght");
	TMUX_RUN("send-keys", "Enter");
	wait_post(bob, "I can take the night", 1);

	/* A paste of three lines is one post, sent by Enter. */
	TMUX_RUN("set-buffer", "Handover notes:\nroom 2 is free\nkeys at desk");
	TMUX_RUN("paste-buffer", "-p");
	s = wait_for("> Handover notes:\nroom 2 is free\nkeys at desk");
	cr_assert_eq(count(s, "#1> Handover"), 1, "%s", s);
	TMUX_RUN("send-keys", "Enter");
	wait_post(bob, "Handover notes:\nroom 2 is free\nkeys at desk", 1);
	/* And Alt-Enter puts a newline in by hand. */
	TMUX_RUN("send-keys", "-l", "two");
	TMUX_RUN("send-keys", "M-Enter");
	TMUX_RUN("send-keys", "-l", "lines");
	wait_input("lines");
	/* A post arriving then takes both rows off and puts them back. */
	hx_post(bob, CH, NULL, t, "Thanks all");
	wait_for("Thanks all");
	s = wait_for(hx_strf("Thanks all\n" CH " #%lld> two\nlines",
	    (long long)t));
	cr_assert_eq(count(s, "> two\n"), 1, "%s", s);
	TMUX_RUN("send-keys", "Enter");
	wait_post(bob, "two\nlines", 1);

	/* A command without its argument says what to give. */
	TMUX_RUN("send-keys", "-l", "/thread");
	TMUX_RUN("send-keys", "Enter");
	wait_for("/thread needs ID: /thread ID, like /thread 40.");
	TMUX_RUN("send-keys", "-l", "/me waves");
	TMUX_RUN("send-keys", "Enter");
	wait_post(bob, "* ana waves", 1);
	TMUX_RUN("send-keys", "-l", "/help");
	TMUX_RUN("send-keys", "Enter");
	wait_for("/report ID REASON    report post ID to the moderators");

	chat_quit(d);
	hx_stop(d);
}

/* Stop the daemon, let bob post body on another port, and start it
 * again where the client knows it. */
static struct hx_conn *
away(struct hx_daemon *d, struct hx_conn *bob, int64_t t, const char *body)
{
	int	port = hx_port(d);

	hx_close(bob);
	hx_shutdown(d);
	hx_restart(d);
	bob = hx_login(d, "bob");
	hx_post(bob, CH, NULL, t, body);
	hx_close(bob);
	hx_shutdown(d);
	hx_restart_port(d, port);
	return (hx_login(d, "bob"));
}

Test(chattty, chat_reconnects)
{
	struct hx_conn		*bob;
	struct hx_daemon	*d;
	int64_t			 t;
	const char		*s;

	d = setup(&bob, &t);
	chat_start(d, t);
	hx_post(bob, CH, NULL, t, "before the restart");
	wait_for("before the restart");

	bob = away(d, bob, t, "while chat was away");
	s = wait_for(hx_strf("Reconnected to 127.0.0.1:%d; 1 post while "
	    "away.", hx_port(d)));
	HAS(s, "Lost the connection to");
	hx_post(bob, CH, NULL, t, "after the restart");
	s = wait_for("after the restart");
	cr_assert_eq(count(s, "before the restart"), 1, "%s", s);
	cr_assert_eq(count(s, "while chat was away"), 1, "%s", s);
	cr_assert_eq(count(s, "after the restart"), 1, "%s", s);

	/* It still posts, on the new connection. */
	TMUX_RUN("send-keys", "-l", "back again");
	TMUX_RUN("send-keys", "Enter");
	wait_post(bob, "back again", 1);
	chat_quit(d);
	hx_stop(d);
}

Test(chattty, tail_reconnects)
{
	struct hx_conn		*bob;
	struct hx_daemon	*d;
	int64_t			 t;
	const char		*s;
	int			 i, secs = hx_ms(20000) / 1000;

	d = setup(&bob, &t);
	tmux_start(hx_strf("%s %s/harbour tail %s --timeout %d; echo "
	    "tail-exit=$?; read x", client_env(d, "ana"),
	    getenv("HARBOUR_BUILD"), CH, secs));
	/* tail subscribes some time after it starts: post until it shows
	 * one. */
	for (i = 0;; i++) {
		hx_post(bob, CH, NULL, t, hx_strf("warm-up %d", i));
		usleep(4 * POLL_MS * 1000);
		if (strstr(screen(), "warm-up") != NULL)
			break;
		cr_assert(i * 4 * POLL_MS < hx_ms(HX_WAIT_MS), "%s", screen());
	}
	hx_post(bob, CH, NULL, t, "before the restart");
	wait_for("before the restart");

	bob = away(d, bob, t, "while tail was away");
	wait_for(hx_strf("harbour: reconnected to 127.0.0.1:%d; 1 post while "
	    "away", hx_port(d)));
	hx_post(bob, CH, NULL, t, "after the restart");
	wait_for("after the restart");

	/* Down for good: --timeout still ends the run, reconnecting. */
	hx_close(bob);
	hx_shutdown(d);
	s = wait_for_ms("tail-exit=0", secs * 1000 + hx_ms(HX_WAIT_MS));
	cr_assert_eq(count(s, "before the restart"), 1, "%s", s);
	cr_assert_eq(count(s, "while tail was away"), 1, "%s", s);
	cr_assert_eq(count(s, "after the restart"), 1, "%s", s);
	tmux_kill();
	hx_restart(d);
	hx_stop(d);
}
