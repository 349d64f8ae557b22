/* mode.c - IRC channel modes: MODE #room [CHANGES [ARGS...]]. */
#include "server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void room_modes_reply(struct client *c, struct room *r)
{
	char modes[64] = "+";
	if (r->modes & RM_N)
		strcat(modes, "n");
	if (r->modes & RM_T)
		strcat(modes, "t");
	if (r->key)
		strcat(modes, "k");
	if (r->limit)
		snprintf(modes + strlen(modes), sizeof(modes) - strlen(modes), "l %u", r->limit);
	numeric(c, "324", "%s %s", r->name, modes);
	numeric(c, "329", "%s %lld", r->name, (long long)r->created);
}

/* Apply one room mode letter; append what changed to DONE/ARGS. */
static bool room_mode_one(struct client *c, struct room *r, bool plus, char ch, const char *arg,
			  char *done, char *args, size_t size)
{
	struct client *who;
	struct member *mb;
	unsigned long lim;

	switch (ch) {
	case 'n': case 't': {
		uint8_t bit = ch == 'n' ? RM_N : RM_T;
		r->modes = plus ? (r->modes | bit) : (r->modes & (uint8_t)~bit);
		break;
	}
	case 'k':
		free(r->key);
		r->key = plus && arg ? strndup(arg, KEYLEN) : NULL;
		if (plus && !r->key)
			return false;
		break;
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
	size_t n = strlen(done);
	snprintf(done + n, 64 - n, "%s%c", plus ? "+" : "-", ch);
	if (arg) {
		n = strlen(args);
		snprintf(args + n, size - n, " %s", arg);
	}
	return true;
}

void room_mode(struct client *c, struct irc_msg *m)
{
	struct room *r;
	char done[64] = "", args[LINE_MAX_IRC] = "", change[LINE_MAX_IRC + 64];
	int argi = 2;
	bool plus = true;

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
	for (const char *p = m->params[1]; *p; p++) {
		const char *arg = NULL;
		if (*p == '+' || *p == '-') {
			plus = *p == '+';
			continue;
		}
		if (!strchr("ntklov", *p)) {
			numeric(c, "472", "%c :is unknown mode char to me", *p);
			continue;
		}
		if (strchr("ov", *p) || (plus && strchr("kl", *p))) {
			if (argi >= m->nparams) {
				numeric(c, "461", "MODE :Not enough parameters");
				continue;
			}
			arg = m->params[argi++];
		}
		room_mode_one(c, r, plus, *p, arg, done, args, sizeof(args));
	}
	if (!done[0])
		return;
	snprintf(change, sizeof(change), "%s%s", done, args);
	struct event *e = client_event(c, EV_MODE, r->name, change, NULL);
	if (e) {
		room_send(r, e, NULL);
		event_unref(e);
	}
}

