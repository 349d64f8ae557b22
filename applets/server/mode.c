/* mode.c - IRC channel modes: MODE #room [CHANGES [ARGS...]]. */
#include "server.h"
#include "textsafe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 324: the letters, then their parameters in the same order (CHANMODES
 * type B and C parsers count on it); the key only to members. */
static void room_modes_reply(struct client *c, struct room *r)
{
	char modes[8] = "+", params[KEYLEN + 16] = "";
	if (r->modes & RM_N)
		strcat(modes, "n");
	if (r->modes & RM_T)
		strcat(modes, "t");
	if (r->key) {
		strcat(modes, "k");
		snprintf(params, sizeof(params), " %s", member_of(r, c) ? r->key : "*");
	}
	if (r->limit) {
		strcat(modes, "l");
		snprintf(params + strlen(params), sizeof(params) - strlen(params), " %u", r->limit);
	}
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

/* Apply one room mode letter; append what changed to DONE/ARGS. */
static bool room_mode_one(struct client *c, struct room *r, bool plus, char ch, const char *arg,
			  char *done, size_t done_size, char *args, size_t size)
{
	struct client *who;
	struct member *mb;
	unsigned long lim;
	size_t n = strlen(done);

	if (n + 3 > done_size) /* no room to announce it: not applied either */
		return false;
	switch (ch) {
	case 'n': case 't': {
		uint8_t bit = ch == 'n' ? RM_N : RM_T;
		r->modes = plus ? (r->modes | bit) : (r->modes & (uint8_t)~bit);
		break;
	}
	case 'k': {
		char *key = plus ? new_key(c, r, arg) : NULL;
		if (plus && !key)
			return false;
		free(r->key);
		r->key = key;
		/* announced as stored, so JOIN with it works; -k takes a parameter
		 * (CHANMODES type B), announced as "*" */
		arg = plus ? key : "*";
		break;
	}
	case 'l':
		if (plus && (!parse_uint(arg, 1, 100000, &lim)))
			return false;
		r->limit = plus ? (uint32_t)lim : 0;
		break;
	case 'o': case 'v': {
		uint8_t bit = ch == 'o' ? M_OP : M_VOICE;
		who = nick_find(arg);
		mb = who ? member_of(r, who) : NULL;
		if (!mb) {
			numeric(c, "441", "%s %s :They aren't on that channel", arg, r->name);
			return false;
		}
		mb->modes = plus ? (mb->modes | bit) : (mb->modes & (uint8_t)~bit);
		arg = who->nick;
		break;
	}
	default:
		return false;
	}
	snprintf(done + n, done_size - n, "%s%c", plus ? "+" : "-", ch);
	if (arg) {
		n = strlen(args);
		snprintf(args + n, size - n, " %s", arg);
	}
	return true;
}

/* Apply the changes of M (MODE #room CHANGES ARGS...) to R; what changed
 * goes to DONE ("+k-l...", DONE_SIZE bytes) and ARGS (" key nick..."). At
 * most MAXMODES parameter-taking changes, as ISUPPORT MODES says: the
 * rest are ignored. */
static void apply_modes(struct client *c, struct room *r, struct irc_msg *m, char *done,
			size_t done_size, char *args, size_t args_size)
{
	int argi = 2, with_arg = 0;
	bool plus = true;

	for (const char *p = m->params[1]; *p; p++) {
		const char *arg = NULL;
		if (*p == '+' || *p == '-') {
			plus = *p == '+';
			continue;
		}
		if (!strchr(ROOM_MODES, *p)) {
			numeric(c, "472", "%c :is unknown mode char to me", *p);
			continue;
		}
		if (!plus && *p == 'k') {
			argi += argi < m->nparams; /* CHANMODES type B: "-k key" is usual too */
		} else if (strchr("ov", *p) || (plus && strchr("kl", *p))) {
			if (argi >= m->nparams) {
				numeric(c, "461", "MODE :Not enough parameters");
				continue;
			}
			if (with_arg++ == MAXMODES)
				break;
			arg = m->params[argi++];
		}
		room_mode_one(c, r, plus, *p, arg, done, done_size, args, args_size);
	}
}

void room_mode(struct client *c, struct irc_msg *m)
{
	struct room *r;
	char done[64] = "", args[LINE_MAX_IRC] = "", change[LINE_MAX_IRC + 64];

	r = room_find(m->params[0]);
	if (!r) {
		numeric(c, "403", "%s :No such channel", m->params[0]);
		return;
	}
	if (m->nparams < 2) {
		room_modes_reply(c, r);
		return;
	}
	if (strcmp(m->params[1], "b") == 0 || strcmp(m->params[1], "+b") == 0) {
		numeric(c, "368", "%s :End of channel ban list", r->name);
		return;
	}
	if (!room_op_ok(c, r))
		return;
	apply_modes(c, r, m, done, sizeof(done), args, sizeof(args));
	if (!done[0])
		return;
	snprintf(change, sizeof(change), "%s%s", done, args);
	struct event *e = client_event(c, EV_MODE, r->name, change, NULL);
	if (e) {
		room_send(r, e, NULL);
		event_unref(e);
	}
}

