/*
 * access.c: roles as capabilities, and the rules that join a capability
 * to an object. Every answer here is a pure function of the account's
 * identity and the object's row, so the authorisation tests can check
 * it as a table without a server.
 */
#include <string.h>

#include "access.h"

uint32_t
access_caps(enum proto_role role)
{
	switch (role) {
	case ROLE_MEMBER:
		return CAP_MEMBER;
	case ROLE_ORG_ADMIN:
		return CAP_MEMBER | CAP_ORG_ADMIN;
	case ROLE_FACILITATOR:
		return CAP_MEMBER | CAP_FACILITATE;
	case ROLE_ADMIN:
		return CAP_MEMBER | CAP_ORG_ADMIN | CAP_FACILITATE | CAP_ADMIN;
	default:
		return 0;
	}
}

/* A private group or a conversation is seen by its members only, which
 * is the store's to say (cmd_can_see asks it): never by this rule. */
int
access_can_see(const struct store_ident *a, const struct store_channel *ch)
{
	if (ch->kind == STORE_CHANNEL_GROUP || ch->kind == STORE_CHANNEL_DM)
		return 0;
	return ch->peer || ch->org_id == a->org_id;
}

/* For a group, its facilitators: whoever sees one is in it. Nobody
 * moderates a conversation. */
int
access_moderates(const struct store_ident *a, const struct store_channel *ch)
{
	uint32_t caps = access_caps(a->role);

	if (ch->kind == STORE_CHANNEL_DM)
		return 0;
	if (ch->peer || ch->kind == STORE_CHANNEL_GROUP)
		return (caps & CAP_FACILITATE) != 0;
	/* An admin of another organisation still does not see it. */
	return ch->org_id == a->org_id && ((caps & CAP_ORG_ADMIN) != 0 ||
	    a->lead);
}

int
access_acts_on_report(const struct store_ident *a,
    const struct store_report *r)
{
	struct store_channel ch;

	if (r->author_id == a->id)
		return 0;
	/* Nobody moderates a conversation: its reports go to the
	 * network's facilitators. */
	if (r->channel_kind == STORE_CHANNEL_DM)
		return (access_caps(a->role) & CAP_FACILITATE) != 0;
	memset(&ch, 0, sizeof ch);
	ch.id = r->channel_id;
	ch.kind = r->channel_kind;
	ch.peer = r->channel_kind != STORE_CHANNEL_ORG;
	ch.org_id = r->channel_org;
	if (access_moderates(a, &ch))
		return 1;
	return a->lead && !r->anonymous && r->author_org == a->org_id;
}

int
access_handles_reports(const struct store_ident *a)
{
	return a->lead ||
	    (access_caps(a->role) & (CAP_ORG_ADMIN | CAP_FACILITATE)) != 0;
}

int
access_may_create_channel(const struct store_ident *a, int peer,
    int64_t org_id)
{
	uint32_t caps = access_caps(a->role);

	if (peer)
		return (caps & CAP_FACILITATE) != 0;
	return org_id == a->org_id && (caps & CAP_ORG_ADMIN) != 0;
}

/* An admin invites anyone anywhere; a facilitator anyone but an admin,
 * to any organisation; an org-admin members and org-admins of their own
 * organisation; a member nobody. */
int
access_may_invite(enum proto_role who, int same_org, enum proto_role role)
{
	uint32_t caps = access_caps(who);

	if (caps & CAP_ADMIN)
		return 1;
	if (caps & CAP_FACILITATE)
		return role != ROLE_ADMIN;
	if (caps & CAP_ORG_ADMIN)
		return same_org && (role == ROLE_MEMBER ||
		    role == ROLE_ORG_ADMIN);
	return 0;
}

/* ---- accounts over their whole life --------------------------------- */

int
access_sees_org(const struct store_ident *a, int64_t org)
{
	return a->org_id == org ||
	    (access_caps(a->role) & (CAP_FACILITATE | CAP_ADMIN)) != 0;
}

int
access_manages(const struct store_ident *a, int64_t org, enum proto_role role)
{
	uint32_t caps = access_caps(a->role);

	if (caps & CAP_ADMIN)
		return 1;
	return (caps & CAP_ORG_ADMIN) && a->org_id == org &&
	    (role == ROLE_MEMBER || role == ROLE_ORG_ADMIN);
}

int
access_may_give_role(const struct store_ident *a, enum proto_role role)
{
	uint32_t caps = access_caps(a->role);

	if (caps & CAP_ADMIN)
		return role != ROLE_NONE;
	return (caps & CAP_ORG_ADMIN) && (role == ROLE_MEMBER ||
	    role == ROLE_ORG_ADMIN);
}

/* ---- invites and rosters ------------------------------------------ */

int
access_sees_invites(const struct store_ident *a, int64_t org_id)
{
	uint32_t caps = access_caps(a->role);

	if (caps & (CAP_FACILITATE | CAP_ADMIN))
		return 1;
	return (caps & CAP_ORG_ADMIN) != 0 && org_id == a->org_id;
}

int
access_may_revoke_invite(const struct store_ident *a, int64_t org_id,
    int64_t maker)
{
	uint32_t caps = access_caps(a->role);

	if (maker != 0 && maker == a->id)
		return 1;
	if (caps & CAP_ADMIN)
		return 1;
	return (caps & CAP_ORG_ADMIN) != 0 && org_id == a->org_id;
}
