/* invite.c - INVITE and the invitations it leaves: the invitee may join
 * the room once, past +i, +k, +l and +b (InspIRCd's default, and what an
 * operator inviting someone means). Bounded per client (MAXINVITES: the
 * oldest gives way) and per room (MAXINVITES_ROOM: refused), each
 * client's list charged to the memory budget. And KNOCK, which asks a
 * closed room's operators for an invitation.
 *
 * SERVER_MODERATION's: without it INVITE and KNOCK are not in the command
 * tables, and what every join and leave calls here does nothing. */
#include "server.h"

#include <stdlib.h>
#include <string.h>

#define INVITES_COST (MAXINVITES * sizeof(struct room *) + 16)

static int invite_index(const struct client *c, const struct room *r)
{
	for (unsigned i = 0; i < c->ninvites; i++)
		if (c->invites[i] == r)
			return (int)i;
	return -1;
}

static void invite_del(struct client *c, unsigned i)
{
	c->invites[i]->ninvites--;
	memmove(&c->invites[i], &c->invites[i + 1], (c->ninvites - i - 1u) * sizeof(*c->invites));
	if (--c->ninvites == 0) {
		free(c->invites);
		c->invites = NULL;
		budget_release(&srv.budget, BUDGET_ROOMS, INVITES_COST);
	}
}

static bool invite_add(struct client *by, struct client *to, struct room *r)
{
	if (invite_index(to, r) >= 0)
		return true;
	if (r->ninvites >= MAXINVITES_ROOM) {
		numeric(by, "NOTICE", ":%s: Too many pending invitations to this room", r->name);
		return false;
	}
	if (!to->invites) {
		if (!budget_charge(&srv.budget, BUDGET_ROOMS, INVITES_COST))
			goto oom;
		to->invites = calloc(MAXINVITES, sizeof(*to->invites));
		if (!to->invites) {
			budget_release(&srv.budget, BUDGET_ROOMS, INVITES_COST);
			goto oom;
		}
		to->ninvites = 0; /* the list is freed when it empties: a new one is empty */
	}
	if (to->ninvites == MAXINVITES)
		invite_del(to, 0); /* never the last one: the list stays */
	to->invites[to->ninvites++] = r;
	r->ninvites++;
	return true;
oom:
	numeric(by, "NOTICE", ":%s: Server is out of room memory (-m): not invited", r->name);
	return false;
}

/* C invites NICK to ROOM: 341 to C, an INVITE to NICK. Anyone in a room
 * may invite to it; to a +i room only its operators, and server operators
 * to any room. */
void invite(struct client *c, const char *nick, const char *name)
{
	struct client *to = nick_find(nick);
	struct room *r = room_find(name);
	struct member *me;

	if (!to || !(to->flags & F_REG)) {
		numeric(c, "401", "%s :No such nick/channel", nick);
		return;
	}
	if (!r) {
		numeric(c, "403", "%s :No such channel", name);
		return;
	}
	me = member_of(r, c);
	if (!me && !(c->flags & F_OPER)) {
		numeric(c, "442", "%s :You're not on that channel", r->name);
		return;
	}
	if ((r->modes & RM_I) && !(me && (me->modes & M_OP)) && !(c->flags & F_OPER)) {
		numeric(c, "482", "%s :You're not channel operator", r->name);
		return;
	}
	if (in_room(to, r)) {
		numeric(c, "443", "%s %s :is already on channel", to->nick, r->name);
		return;
	}
	if (!invite_add(c, to, r))
		return;
	numeric(c, "341", "%s %s", to->nick, r->name);
	send_invite(to, c, r);
	if (to->away)
		numeric(c, "301", "%s :%s", to->nick, to->away);
}

/* INVITE without arguments: where C may go (336, 337). */
void invites_list(struct client *c)
{
	for (unsigned i = 0; i < c->ninvites; i++)
		numeric(c, "336", "%s", c->invites[i]->name);
	numeric(c, "337", ":End of /INVITE list");
}

/* C is invited to R; CONSUME: and no longer (it joined). */
bool invite_take(struct client *c, struct room *r, bool consume)
{
	int i = ENABLE_SERVER_MODERATION && r->ninvites ? invite_index(c, r) : -1;
	if (i >= 0 && consume)
		invite_del(c, (unsigned)i);
	return i >= 0;
}

void invites_drop_client(struct client *c)
{
	if (!ENABLE_SERVER_MODERATION)
		return;
	while (c->ninvites)
		invite_del(c, c->ninvites - 1u);
}

/* R goes away: nobody stays invited to it. Only rooms with invitations
 * pay for the walk over the clients. */
void invites_drop_room(struct room *r)
{
	if (!ENABLE_SERVER_MODERATION)
		return;
	for (struct client *c = srv.clients; c && r->ninvites; c = c->next) {
		int i = invite_index(c, r);
		if (i >= 0)
			invite_del(c, (unsigned)i);
	}
}

#define KNOCK_MS 60000 /* one KNOCK a minute per client */

/* KNOCK #room: ask a closed room's operators to be let in (710 to them). */
void cmd_knock(struct client *c, struct irc_msg *m)
{
	struct room *r = room_find(m->params[0]);
	if (!r || !room_visible(c, r)) {
		numeric(c, "403", "%s :No such channel", m->params[0]);
		return;
	}
	if (in_room(c, r)) {
		numeric(c, "714", "%s :You're already on that channel", r->name);
		return;
	}
	if (!(r->modes & RM_I) && !r->key && !(r->limit && r->n >= r->limit)) {
		numeric(c, "713", "%s :Channel is open", r->name);
		return;
	}
	if (c->knocked && srv.now - c->knocked < KNOCK_MS) {
		numeric(c, "712", "%s :Too many KNOCKs (one a minute)", r->name);
		return;
	}
	c->knocked = srv.now;
	for (uint32_t i = 0; i < r->n; i++)
		if (r->m[i].modes & M_OP)
			numeric(r->m[i].c, "710", "%s %s!%s@%s :has asked for an invite", r->name,
				c->nick, c->user, c->host);
	numeric(c, "711", "%s :Your KNOCK has been delivered", r->name);
}
