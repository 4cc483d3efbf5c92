/*
 * cmd-directory.c: the directory of the network's organisations, which
 * exists to connect welcome groups and frontline organisations with
 * each other: each organisation's profile (what it does, where, in
 * which languages, how to reach it), set by its org-admins, shown to
 * every member, and searched by language, area and service. A profile
 * never names an organisation's members or channels.
 *
 * Languages are ISO 639 codes (lang.c, from iso-codes), kept in one
 * spelling each (the two-letter code where there is one), so that
 * "ukr" and "uk" find each other; an unknown code is refused.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "cmd.h"
#include "conn.h"
#include "lang.h"
#include "server.h"
#include "store.h"
#include "util.h"

#define CMD_PROFILE_ITEMS	20	/* of each list */
#define CMD_PROFILE_ITEM	64	/* bytes of one area or service */
#define CMD_PROFILE_CONTACT	200	/* bytes */

enum { P_ABOUT, P_LANGUAGES, P_AREAS, P_SERVICES, P_CONTACT };

/* ---- the profile object ----------------------------------------------- */

/* A list kept one item a line, as a JSON array. */
static json_t *
cmd_lines(const char *s, int languages)
{
	json_t *a = json_array();
	const char *nl;
	char code[LANG_CODE_MAX + 1];
	size_t len;

	while (s != NULL && *s != '\0') {
		len = (nl = strchr(s, '\n')) != NULL ? (size_t)(nl - s) :
		    strlen(s);
		if (languages && len <= LANG_CODE_MAX) {
			memcpy(code, s, len);
			code[len] = '\0';
			json_array_append_new(a, json_pack("{s:s, s:s}", "code",
			    code, "name", lang_name(code) != NULL ?
			    lang_name(code) : code));
		} else if (!languages)
			json_array_append_new(a, json_stringn(s, len));
		s = nl != NULL ? nl + 1 : s + len;
	}
	return a;
}

static int
cmd_profile_add(void *arg, const struct store_profile *p)
{
	json_t *o;

	o = json_pack("{s:s, s:o, s:o, s:o}", "org", p->org, "languages",
	    cmd_lines(p->languages, 1), "areas", cmd_lines(p->areas, 0),
	    "services", cmd_lines(p->services, 0));
	if (p->about != NULL)
		json_object_set_new(o, "about", json_string(p->about));
	if (p->contact != NULL)
		json_object_set_new(o, "contact", json_string(p->contact));
	json_array_append_new(arg, o);
	return 0;
}

/* ---- org.profile -------------------------------------------------------- */

/* A list field into one item a line (languages: each checked and in
 * its one spelling), in *out (NULL: not given); 0, or -1 answered. */
static int
cmd_profile_list(struct cmd_q *q, const char *field, int languages,
    char **out)
{
	char msg[CMD_PROFILE_ITEM + 80], *buf, *line;
	const char *item, *canon;
	json_t *arr;
	size_t i, n, len = 0;
	int present = 0;

	*out = NULL;
	if (proto_get_strarray(q->req, field, CMD_PROFILE_ITEMS, &arr,
	    &present) != PROTO_OK) {
		snprintf(msg, sizeof msg, "\"%s\": at most %d items", field,
		    CMD_PROFILE_ITEMS);
		conn_reply_err(q->c, q->req->id, PROTO_E_BAD_REQUEST, msg);
		return -1;
	}
	if (!present)
		return 0;
	n = json_array_size(arr);
	buf = xcalloc(n + 1, CMD_PROFILE_ITEM + 2);
	for (i = 0; i < n; i++) {
		item = json_string_value(json_array_get(arr, i));
		if (languages && (canon = lang_canon(item)) != NULL)
			item = canon;
		else if (languages) {
			snprintf(msg, sizeof msg, "unknown language code: %.*s "
			    "(ISO 639: uk, zh, ar, prs...)", CMD_PROFILE_ITEM,
			    item);
			goto bad;
		} else if (strlen(item) > CMD_PROFILE_ITEM ||
		    proto_check_title(item) != PROTO_OK) {
			snprintf(msg, sizeof msg, "\"%s\": each 1-%d bytes, one "
			    "line", field, CMD_PROFILE_ITEM);
			goto bad;
		}
		line = buf + len;
		len += (size_t)sprintf(line, "%s%s", len > 0 ? "\n" : "", item);
	}
	*out = buf;
	return 0;
bad:
	free(buf);
	conn_reply_err(q->c, q->req->id, languages ? PROTO_E_BAD_REQUEST :
	    PROTO_E_BAD_TEXT, msg);
	return -1;
}

/* about and contact: text, "" clearing it; 0, or -1 answered. */
static int
cmd_profile_text(struct cmd_q *q, const char *field, size_t max, char **out)
{
	const char *s = NULL;

	*out = NULL;
	if (proto_get_str(q->req, field, 0, &s, NULL) != PROTO_OK ||
	    (s != NULL && *s != '\0' && (strlen(s) > max ||
	    proto_check_summary(s) != PROTO_OK))) {
		cmd_bad_field(q->c, q->req, field);
		return -1;
	}
	if (s != NULL)
		*out = xstrdup(s);
	return 0;
}

static void
cmd_profile_written(struct store_write *w)
{
	struct conn *c = w->ctx;
	json_t *list = json_array();

	if (w->result == STORE_OK && store_directory(c->srv->store, w->name,
	    NULL, NULL, NULL, cmd_profile_add, list) != STORE_OK)
		w->result = STORE_ERROR;
	cmd_write_reply(w, json_incref(json_array_get(list, 0)),
	    "no such organisation");
	json_decref(list);
	cmd_write_finish(w);
}

static void
cmd_org_profile(struct cmd_q *q)
{
	struct conn *c = q->c;
	struct store_write *w;
	const char *org;
	int64_t id;

	/* The organisation was checked by the row's check. */
	if (proto_get_str(q->req, "org", 1, &org, NULL) != PROTO_OK ||
	    store_org_by_name(c->srv->store, org, &id) != STORE_OK)
		return conn_reply_err(c, q->req->id, PROTO_E_NOT_FOUND,
		    "no such organisation");
	w = cmd_write_new(c, q->req, SW_ORG_PROFILE, cmd_profile_written);
	w->org = id;
	strlcpy_h(w->name, org, sizeof w->name);
	if (cmd_profile_text(q, "about", PROTO_MAX_SUMMARY,
	    &w->profile[P_ABOUT]) != 0 || cmd_profile_list(q, "languages", 1,
	    &w->profile[P_LANGUAGES]) != 0 || cmd_profile_list(q, "areas", 0,
	    &w->profile[P_AREAS]) != 0 || cmd_profile_list(q, "services", 0,
	    &w->profile[P_SERVICES]) != 0 || cmd_profile_text(q, "contact",
	    CMD_PROFILE_CONTACT, &w->profile[P_CONTACT]) != 0) {
		cmd_write_finish(w);
		return;
	}
	store_submit(c->srv->store, w);
}

/* Its org-admins, and admins; another organisation's org-admin is
 * told no more than that. */
static int
cmd_org_profile_check(struct cmd_q *q)
{
	const char *org;

	if (proto_get_str(q->req, "org", 1, &org, NULL) != PROTO_OK) {
		cmd_bad_field(q->c, q->req, "org");
		return -1;
	}
	if ((access_caps(q->c->acct.role) & CAP_ADMIN) ||
	    strcmp(org, q->c->acct.org) == 0)
		return 0;
	conn_reply_err(q->c, q->req->id, PROTO_E_FORBIDDEN,
	    "org-admins describe their own organisation");
	return -1;
}

/* ---- directory ---------------------------------------------------------- */

static void
cmd_directory(struct cmd_q *q)
{
	struct conn *c = q->c;
	const char *language = NULL, *area = NULL, *service = NULL;
	const char *canon = NULL;
	char msg[LANG_CODE_MAX + 80];
	json_t *list;

	if (proto_get_str(q->req, "language", 0, &language, NULL) !=
	    PROTO_OK || proto_get_str(q->req, "area", 0, &area, NULL) !=
	    PROTO_OK || proto_get_str(q->req, "service", 0, &service, NULL) !=
	    PROTO_OK)
		return cmd_bad_field(c, q->req, "language\", \"area\" or "
		    "\"service");
	if (language != NULL && (canon = lang_canon(language)) == NULL) {
		snprintf(msg, sizeof msg, "unknown language code: %.*s (ISO "
		    "639)", LANG_CODE_MAX + 8, language);
		return conn_reply_err(c, q->req->id, PROTO_E_BAD_REQUEST, msg);
	}
	list = json_array();
	if (store_directory(c->srv->store, NULL, language != NULL ? canon :
	    NULL, area, service, cmd_profile_add, list) != STORE_OK) {
		json_decref(list);
		return conn_reply_err(c, q->req->id, PROTO_E_INTERNAL, NULL);
	}
	conn_reply_ok(c, q->req->id, json_pack("{s:o}", "organisations",
	    list));
}

const struct cmd_entry cmd_directory_entries[] = {
	{ "org.profile", CMD_AUTH, CAP_ORG_ADMIN | CAP_ADMIN, CMD_T_NONE,
	    cmd_org_profile_check, cmd_org_profile },
	{ "directory", CMD_AUTH, CAP_MEMBER, CMD_T_NONE, NULL,
	    cmd_directory },
	{ NULL, 0, 0, CMD_T_NONE, NULL, NULL }
};
