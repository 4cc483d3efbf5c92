/*
 * access.h: who may do what, as capabilities rather than an ordering of
 * roles. "role >= X" cannot say "an org-admin of that organisation, or
 * a facilitator in peer channels"; a role grants a set of capabilities,
 * and the rules that combine a capability with an object (a channel,
 * an organisation) live here, once. The command table (cmd.c) asks
 * these before any handler runs; the view of a post (view.c) and the
 * bus ask the same questions, so that what a person may do and what
 * they are shown never disagree.
 */
#ifndef HARBOUR_ACCESS_H
#define HARBOUR_ACCESS_H

#include <stdint.h>

#include "proto.h"
#include "store.h"

/* Capabilities. A role is a fixed set of them (access_caps). */
#define CAP_MEMBER	0x01	/* read, post and join where visible */
#define CAP_ORG_ADMIN	0x02	/* run one's own organisation: its invites,
				 * channels and (later) moderation */
#define CAP_FACILITATE	0x04	/* peer channels and groups: create and
				 * moderate; invite anyone but an admin */
#define CAP_ADMIN	0x08	/* the operator: organisations, status */

uint32_t	access_caps(enum proto_role);
/* Whether the account may see the channel at all: an organisation's
 * channels exist only for its own accounts. */
int		access_can_see(const struct store_ident *,
		    const struct store_channel *);
/* Whether the account moderates the channel (sees everything in it):
 * peer channels, facilitators and admins; an organisation's channels,
 * its org-admins (and, once they exist, its safeguarding leads). */
int		access_moderates(const struct store_ident *,
		    const struct store_channel *);
/* Whether the account may act on (read, acknowledge, resolve) a report
 * of a post: the channel's moderators, and the safeguarding leads of
 * the post author's organisation unless the post is anonymous; never
 * the post's author. The store's STORE_ACTS is the same rule. */
int		access_acts_on_report(const struct store_ident *,
		    const struct store_report *);
/* Whether the account acts on any reports at all: a role that moderates
 * some channel, or a safeguarding lead. */
int		access_handles_reports(const struct store_ident *);
/* Whether the account may create a channel: peer channels facilitators
 * and admins; an organisation's, its org-admins and admins of it. */
int		access_may_create_channel(const struct store_ident *, int peer,
		    int64_t org_id);
/* Whether a role may give an invite with role, to its own organisation
 * (same_org) or another. */
int		access_may_invite(enum proto_role who, int same_org,
		    enum proto_role role);

/*
 * Accounts over their whole life (cmd-account.c). Whether the account
 * sees org's roster (and each account in it): its own, and any for
 * facilitators and admins; someone else's answers as one that does not
 * exist. Whether it manages (changes the role of, deactivates, resets)
 * an account of org holding role: admins any; org-admins their own
 * organisation's members and org-admins. Whether it may give role:
 * admins any, org-admins member and org-admin.
 */
int		access_sees_org(const struct store_ident *, int64_t org);
int		access_manages(const struct store_ident *, int64_t org,
		    enum proto_role role);
int		access_may_give_role(const struct store_ident *,
		    enum proto_role role);
/* Invites (issue 14): whether the account sees the outstanding
 * invites into org_id (admins and facilitators every organisation's,
 * org-admins their own's), and whether it may revoke one made by maker
 * (0: the operator): its maker, admins, and org-admins of its org. */
int		access_sees_invites(const struct store_ident *, int64_t org_id);
int		access_may_revoke_invite(const struct store_ident *,
		    int64_t org_id, int64_t maker);

#endif
