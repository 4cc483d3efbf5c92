/*
 * cmd-erase.c: admin erase, an account erased for good (its posts read
 * "[removed]", the account anonymised). What an erasure reaches is the
 * daemon's (harbourd(8)); the client checks what it can before
 * connecting, so a missing reason costs no round trip.
 */
#include <stdio.h>
#include <string.h>

#include "client.h"
#include "print.h"

static int	cmd_erase_exec(struct client *, struct cmd_args *);

const struct cmd_entry cmd_admin_erase_entry = {
	.name = "admin erase",
	.usage = "USER --reason TEXT",
	.summary = "Erase an account and everything it wrote (admins).",
	.help =
"For good, in one step: every post USER wrote, anywhere (conversations\n"
"and anonymous posts too), reads \"[removed]\", with its earlier texts,\n"
"its place in search and in others' inboxes gone; the resources USER\n"
"shared are deleted and files nobody else holds removed; the account is\n"
"renamed erased-ID, its sessions and certificates end, it leaves every\n"
"channel. Counts of who took part (answers to events, attendance) stay,\n"
"without content. The moderation log keeps who erased whom, when and\n"
"the REASON (at most " PROTO_XSTR(PROTO_MAX_REASON) " bytes). The last admin,\n"
"and you yourself, cannot be erased. Backups made afterwards hold none\n"
"of it.\n",
	.opts = { { "reason", "TEXT" }, { NULL, NULL } },
	.args_min = 1, .args_max = 1,
	.exec = cmd_erase_exec,
};

static int
cmd_erase_exec(struct client *c, struct cmd_args *a)
{
	const char	*reason = client_opt(a, "reason");
	json_t		*req, *result;
	int		 r;

	if (reason == NULL || *reason == '\0')
		return (client_usage(a->entry, "give a --reason: the "
		    "moderation log keeps it"));
	if ((r = client_login(c)) != 0)
		return (r);
	req = client_request(c, "admin.erase");
	json_object_set_new(req, "user", json_string(a->argv[0]));
	json_object_set_new(req, "reason", json_string(reason));
	if ((r = client_call(c, req, &result)) != 0)
		return (r);
	if (c->json)
		print_json(result);
	else {
		print_safe(a->argv[0]);
		fputs(" is erased; the account is now ", stdout);
		print_safe(json_string_value(json_object_get(result, "now")));
		putchar('\n');
	}
	json_decref(result);
	return (print_done());
}
