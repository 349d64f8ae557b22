/* mode.c - IRC channel modes: MODE #room [CHANGES [ARGS...]]. */
#include "server.h"
#include "textsafe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Room mode letters without a parameter, and their bits (324's order). */
static const struct { char ch; uint8_t bit; } flag_modes[] = {
	IF_SERVER_MODERATION({ 'i', RM_I }, { 'm', RM_M },)
	{ 'n', RM_N },
	IF_SERVER_MODERATION({ 'p', RM_P }, { 's', RM_S },)
	{ 't', RM_T },
};

static uint8_t flag_bit(char ch)
{
	for (unsigned i = 0; i < ARRAY_LEN(flag_modes); i++)
		if (flag_modes[i].ch == ch)
			return flag_modes[i].bit;
	return 0;
}

/* 324: the letters, then their parameters in the same order (CHANMODES
 * type B and C parsers count on it); the key only to members. */
static void room_modes_reply(struct client *c, struct room *r)
{
	char modes[16] = "+", params[KEYLEN + 16] = "";
	size_t n = 1;
	for (unsigned i = 0; i < ARRAY_LEN(flag_modes); i++)
		if (r->modes & flag_modes[i].bit)
			modes[n++] = flag_modes[i].ch;
	if (r->key) {
		modes[n++] = 'k';
		snprintf(params, sizeof(params), " %s", member_of(r, c) ? r->key : "*");
	}
	if (r->limit) {
		modes[n++] = 'l';
		snprintf(params + strlen(params), sizeof(params) - strlen(params), " %u", r->limit);
	}
	modes[n] = '\0';
	numeric(c, "324", "%s %s%s", r->name, modes, params);
	numeric(c, "329", "%s %lld", r->name, (long long)r->created);
}

/* The key +k ARG sets, as the modern IRC client protocol says: not empty,
 * no comma, space or control, at most KEYLEN bytes (longer is cut, never
 * inside a character); NULL after a 525 if ARG is none, or out of memory. */
static char *new_key(struct client *c, struct room *r, const char *arg)
{
	size_t n = arg ? strlen(arg) : 0;

	/* a leading ':' would make the announced key read as a trailing one */
	if (!n || arg[0] == ':' || strpbrk(arg, ", ") || !text_is_safe(arg, n)) {
		numeric(c, "525", "%s :Key is not well-formed", r->name);
		return NULL;
	}
	if (n > KEYLEN)
		for (n = KEYLEN; n && ((unsigned char)arg[n] & 0xc0) == 0x80; n--)
			; /* back to the start of the character that would be cut */
	return strndup(arg, n);
}

/* What a MODE line changed, for the one MODE event that announces it. */
struct mode_out {
	char done[64], args[LINE_MAX_IRC];
	char sign;                      /* the last one written to done */
};

static void mode_out_add(struct mode_out *o, bool plus, char ch, const char *arg)
{
	size_t n = strlen(o->done);
	if (o->sign != (plus ? '+' : '-'))
		o->done[n++] = o->sign = plus ? '+' : '-';
	o->done[n++] = ch;
	o->done[n] = '\0';
	n = strlen(o->args);
	if (arg && n + 1 + strlen(arg) < sizeof(o->args)) { /* a MODE line has room for them */
		o->args[n] = ' ';
		strcpy(o->args + n + 1, arg);
	}
}

/* +o/+v NICK: the member's bit. */
static const char *member_mode(struct client *c, struct room *r, bool plus, char ch, const char *arg)
{
	uint8_t bit = ch == 'o' ? M_OP : M_VOICE;
	struct client *who = nick_find(arg);
	struct member *mb = who ? member_of(r, who) : NULL;

	if (!who || !(who->flags & F_REG)) {
		numeric(c, "401", "%s :No such nick/channel", arg);
		return NULL;
	}
	if (!mb) {
		numeric(c, "441", "%s %s :They aren't on that channel", who->nick, r->name);
		return NULL;
	}
	mb->modes = plus ? (mb->modes | bit) : (mb->modes & (uint8_t)~bit);
	return who->nick;
}

/* Apply one room mode letter; what changed goes to O. */
static void room_mode_one(struct client *c, struct room *r, bool plus, char ch, const char *arg,
			  struct mode_out *o)
{
	char mask[128]; /* a nick!user@host mask */
	enum ban_list l;
	unsigned long lim;
	uint8_t bit = flag_bit(ch);

	if (strlen(o->done) + 3 > sizeof(o->done)) /* no room to announce it: not applied */
		return;
	if (bit) {
		if (!plus == !(r->modes & bit))
			return; /* no change: nothing to announce */
		r->modes = plus ? (r->modes | bit) : (r->modes & (uint8_t)~bit);
	} else if (ban_list_mode(ch, &l)) {
		if (!ban_change(c, r, l, plus, arg, mask, sizeof(mask)))
			return;
		arg = mask;
	} else if (ch == 'k') {
		char *key = plus ? new_key(c, r, arg) : NULL;
		if ((plus && !key) || (!plus && !r->key))
			return;
		free(r->key);
		r->key = key;
		/* announced as stored, so JOIN with it works; -k takes a parameter
		 * (CHANMODES type B), announced as "*" */
		arg = plus ? key : "*";
	} else if (ch == 'l') {
		if (plus && !parse_uint(arg, 1, 100000, &lim)) {
			numeric(c, "696", "%s l %s :Invalid limit mode parameter", r->name, arg);
			return;
		}
		if (!plus && !r->limit)
			return;
		r->limit = plus ? (uint32_t)lim : 0;
	} else if (ch == 'o' || ch == 'v') {
		if (!(arg = member_mode(c, r, plus, ch, arg)))
			return;
	} else {
		return;
	}
	mode_out_add(o, plus, ch, arg);
}

/* A list mode letter with no parameter: the list, to anyone (as ngIRCd
 * and InspIRCd show them: the masks say nothing a room's traffic hides). */
static void list_query(struct client *c, struct room *r, char ch)
{
	enum ban_list l;

	if (ban_list_mode(ch, &l))
		ban_list_send(c, r, l);
}

/* MODE #room CHANGES ARGS... on R, what changed into O. At most MAXMODES
 * parameter-taking changes, as ISUPPORT MODES says: the rest are ignored.
 * A list letter without a parameter shows the list. */
static void apply_modes(struct client *c, struct room *r, struct irc_msg *m, struct mode_out *o,
			bool may)
{
	int argi = 2, with_arg = 0;
	bool plus = true;
	enum ban_list l;

	for (const char *p = m->params[1]; *p; p++) {
		const char *arg = NULL;
		bool list = ban_list_mode(*p, &l);
		if (*p == '+' || *p == '-') {
			plus = *p == '+';
			continue;
		}
		if (!strchr(ROOM_MODES, *p)) {
			numeric(c, "472", "%c :is unknown mode char to me", *p);
			continue;
		}
		if (list && argi >= m->nparams) {
			list_query(c, r, *p);
			continue;
		}
		if (!may) {
			room_op_ok(c, r); /* says why not, once */
			return;
		}
		if (!plus && *p == 'k') {
			argi += argi < m->nparams; /* CHANMODES type B: "-k key" is usual too */
		} else if (list || strchr("ov", *p) || (plus && strchr("kl", *p))) {
			if (argi >= m->nparams) {
				numeric(c, "461", "MODE :Not enough parameters");
				continue;
			}
			if (with_arg++ == MAXMODES)
				break;
			arg = m->params[argi++];
		}
		room_mode_one(c, r, plus, *p, arg, o);
	}
}

void room_mode(struct client *c, struct irc_msg *m)
{
	struct mode_out o = { .sign = 0 };
	char change[sizeof(o.done) + sizeof(o.args)];
	struct member *me;
	struct room *r;

	r = room_find(m->params[0]);
	if (!r) {
		numeric(c, "403", "%s :No such channel", m->params[0]);
		return;
	}
	if (m->nparams < 2) {
		room_modes_reply(c, r);
		return;
	}
	me = member_of(r, c);
	apply_modes(c, r, m, &o, (c->flags & F_OPER) || (me && (me->modes & M_OP)));
	if (!o.done[0])
		return;
	store_room_modes(r); /* before anyone hears of it (-D) */
	snprintf(change, sizeof(change), "%s%s", o.done, o.args);
	struct event *e = client_event(c, EV_MODE, r->name, change, NULL);
	if (e) {
		room_send(r, e, NULL);
		if (!me) /* an operator from outside sees it done */
			push_event(c, e);
		event_unref(e);
	}
}
