/* ban.c - a room's ban masks: +b bans, +e ban exceptions, +I invite
 * exceptions, and the checks that use them (join, talk, nick change).
 *
 * A mask is nick!user@host with * (any run) and ? (any one byte), matched
 * under the server's rfc1459 casemapping, as the nick table is (irc_glob,
 * core/irc.c, the one matcher WHO and LIST use too). The three
 * lists share one array per room, at most MAXLIST entries together
 * (ISUPPORT MAXLIST=beI:MAXLIST), each charged to the memory budget. */
#include "server.h"
#include "textsafe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MASKLEN (NICKLEN + USERLEN + NET_ADDRSTR_MAX + 2)

struct ban {
	uint8_t list;                   /* enum ban_list */
	int64_t when;                   /* wall clock, s: 367's set-at */
	char who[NICKLEN + 1];          /* who set it: 367's setter */
	char mask[MASKLEN + 1];
};

#define BAN_COST (sizeof(struct ban))
#define BAN_BLOCK_COST 16

static const char ban_letters[] = "beI";

bool ban_list_mode(char ch, enum ban_list *out)
{
	const char *p = ch && ENABLE_SERVER_MODERATION ? strchr(ban_letters, ch) : NULL;
	if (!p)
		return false;
	*out = (enum ban_list)(p - ban_letters);
	return true;
}

/* C as a mask sees it, under NICK (NULL: its own): nick!user@host. */
static void client_mask(const struct client *c, const char *nick, char out[MASKLEN + 1])
{
	snprintf(out, MASKLEN + 1, "%s!%s@%s", nick ? nick : c->nick, c->user[0] ? c->user : "~u",
		 c->host);
}

bool ban_matches(struct room *r, enum ban_list l, const struct client *c, const char *nick)
{
	char me[MASKLEN + 1];

	if (!ENABLE_SERVER_MODERATION || !r->nmasks)
		return false;
	client_mask(c, nick, me);
	for (unsigned i = 0; i < r->nmasks; i++)
		if (r->masks[i].list == l && irc_glob(r->masks[i].mask, me))
			return true;
	return false;
}

/* Banned from R under NICK (NULL: its own), with no exception (+e). */
bool banned(struct room *r, const struct client *c, const char *nick)
{
	return ban_matches(r, BAN_B, c, nick) && !ban_matches(r, BAN_E, c, nick);
}

/* A mask from what MODE +b was given, completed the usual way: "ana" is
 * ana!*@*, "u@h" is *!u@h, "ana!u" is ana!u@*. False if it holds what a
 * terminal must not show, a space, a comma, or does not fit. */
static bool mask_normalize(const char *arg, char *out, size_t size)
{
	const char *bang = strchr(arg, '!'), *at = strchr(arg, '@');
	size_t n = strlen(arg);
	int k;

	if (!n || arg[0] == ':' || strpbrk(arg, " ,") || !text_is_safe(arg, n))
		return false;
	if (bang && at && at > bang)
		k = snprintf(out, size, "%s", arg);
	else if (bang && !at)
		k = snprintf(out, size, "%s@*", arg);
	else if (at && !bang)
		k = snprintf(out, size, "*!%s", arg);
	else if (!bang && !at)
		k = snprintf(out, size, "%s!*@*", arg);
	else
		return false; /* "u@h!n": no sense to make of it */
	return k > 0 && (size_t)k < size;
}

static int ban_find(struct room *r, enum ban_list l, const char *mask)
{
	for (unsigned i = 0; i < r->nmasks; i++)
		if (r->masks[i].list == l && irc_casecmp(r->masks[i].mask, mask) == 0)
			return (int)i;
	return -1;
}

static bool ban_add(struct client *c, struct room *r, enum ban_list l, const char *mask)
{
	struct ban *b;

	if (r->nmasks >= MAXLIST) {
		numeric(c, "478", "%s %c :Channel list is full", r->name, ban_letters[l]);
		return false;
	}
	if (!budget_charge(&srv.budget, BUDGET_ROOMS, BAN_COST + (r->nmasks ? 0 : BAN_BLOCK_COST)))
		goto oom;
	b = realloc(r->masks, (r->nmasks + 1u) * sizeof(*b));
	if (!b) {
		budget_release(&srv.budget, BUDGET_ROOMS, BAN_COST + (r->nmasks ? 0 : BAN_BLOCK_COST));
		goto oom;
	}
	r->masks = b;
	b += r->nmasks++;
	b->list = (uint8_t)l;
	b->when = time(NULL);
	strlcpy_ok(b->who, c->nick, sizeof(b->who));
	strlcpy_ok(b->mask, mask, sizeof(b->mask));
	return true;
oom:
	numeric(c, "NOTICE", ":%s: Server is out of room memory (-m): +%c not set", r->name,
		ban_letters[l]);
	return false;
}

static void ban_del(struct room *r, unsigned i)
{
	memmove(&r->masks[i], &r->masks[i + 1], (r->nmasks - i - 1u) * sizeof(*r->masks));
	r->nmasks--;
	budget_release(&srv.budget, BUDGET_ROOMS, BAN_COST + (r->nmasks ? 0 : BAN_BLOCK_COST));
	if (!r->nmasks) {
		free(r->masks);
		r->masks = NULL;
	} /* else the block keeps its size: at most MAXLIST entries */
}

/* +b/-b ARG (and e, I) on R; the mask as announced goes to MASK. False if
 * nothing changed: a bad mask, already there, not there, list full. */
bool ban_change(struct client *c, struct room *r, enum ban_list l, bool add, const char *arg,
		char *mask, size_t size)
{
	int i;

	if (!ENABLE_SERVER_MODERATION || !mask_normalize(arg, mask, size) || strlen(mask) > MASKLEN)
		return false;
	i = ban_find(r, l, mask);
	if (add)
		return i < 0 && ban_add(c, r, l, mask);
	if (i < 0)
		return false;
	strlcpy_ok(mask, r->masks[i].mask, size); /* as it was set */
	ban_del(r, (unsigned)i);
	return true;
}

/* 367/368 (b), 348/349 (e), 346/347 (I). */
void ban_list_send(struct client *c, struct room *r, enum ban_list l)
{
	static const char *const nums[][3] = {
		{ "367", "368", "End of channel ban list" },
		{ "348", "349", "End of channel exception list" },
		{ "346", "347", "End of channel invite list" },
	};
	if (!ENABLE_SERVER_MODERATION)
		return;
	for (unsigned i = 0; i < r->nmasks; i++)
		if (r->masks[i].list == l)
			numeric(c, nums[l][0], "%s %s %s %lld", r->name, r->masks[i].mask,
				r->masks[i].who, (long long)r->masks[i].when);
	numeric(c, nums[l][1], "%s :%s", r->name, nums[l][2]);
}

void ban_free_all(struct room *r)
{
	if (!ENABLE_SERVER_MODERATION)
		return;
	if (r->nmasks)
		budget_release(&srv.budget, BUDGET_ROOMS, r->nmasks * BAN_COST + BAN_BLOCK_COST);
	free(r->masks);
	r->masks = NULL;
	r->nmasks = 0;
}

/* C may not become NICK: in a room where it has no voice or op, NICK (or
 * what it is now, so a ban is not shed by renaming) is banned there. Said
 * as InspIRCd says it (447); ngIRCd lets the nick change. */
bool nick_change_banned(struct client *c, const char *nick)
{
	if (!ENABLE_SERVER_MODERATION)
		return false;
	for (unsigned i = 0; i < c->nrooms; i++) {
		struct room *r = c->rooms[i];
		struct member *m = member_of(r, c);
		if (!r->nmasks || (m && m->modes))
			continue;
		if (banned(r, c, nick) || banned(r, c, NULL)) {
			numeric(c, "447", ":Cannot change nickname while on %s (you're banned)",
				r->name);
			return true;
		}
	}
	return false;
}
