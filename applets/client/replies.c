/* replies.c - what the server says beyond chat: numerics (WHOIS, topics,
 * names, lists, errors), mode changes, invites, and anything else, such as
 * the reply to a /quote. Nothing is swallowed once we are in: what the
 * client has no words of its own for is shown as its parameters, in order.
 * All of it reaches the screen through cl_show/cl_reply, that is through
 * the one text policy (textsafe.h). */
#include "client.h"
#include "textsafe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The parameters from FIRST on, joined by spaces: the readable form of a
 * line the client has no words for ("bo End of WHOIS list"). */
static void join_params(char *out, size_t size, const struct irc_msg *m, int first)
{
	size_t at = 0;
	out[0] = '\0';
	for (int i = first; i < m->nparams && at < size; i++) {
		int n = snprintf(out + at, size - at, "%s%s", at ? " " : "", m->params[i]);
		if (n < 0)
			break;
		at += (size_t)n;
	}
}

/* A numeric the client has no words for: shown once we are in (the
 * welcome's burst of server statistics and MOTD stays quiet, as before). */
static void generic(const struct irc_msg *m)
{
	char text[IRC_MAX_LINE];
	if (!client.net.ready)
		return;
	join_params(text, sizeof(text), m, 1);
	if (text[0])
		cl_reply("%s", text);
}

/* WHOIS replies, in words. True when NUM was one of them. */
static bool whois_reply(const struct irc_msg *m, int num)
{
	const char *nick = m->nparams > 1 ? m->params[1] : "";
	const char *last = m->params[m->nparams - 1];
	switch (num) {
	case 311: /* <me> nick user host * :real name */
		if (m->nparams < 6)
			return false;
		cl_reply("%s is %s@%s (%s)", nick, m->params[2], m->params[3], last);
		return true;
	case 312: /* <me> nick server :server info */
		if (m->nparams < 4)
			return false;
		cl_reply("%s is on server %s (%s)", nick, m->params[2], last);
		return true;
	case 317: /* <me> nick seconds signon :seconds idle, signon time */
		if (m->nparams < 4)
			return false;
		cl_reply("%s has been idle %s s", nick, m->params[2]);
		return true;
	case 319: /* <me> nick :@#a +#b #c */
		if (m->nparams < 3)
			return false;
		cl_reply("%s is in %s", nick, last);
		return true;
	case 301: /* <me> nick :away text */
		if (m->nparams < 3)
			return false;
		cl_reply("%s is away: %s", nick, last);
		return true;
	default:
		return false;
	}
}

/* The window a line about room NAME goes to: the room's, if we are in it
 * (else the window shown). */
static const char *room_of(const char *name)
{
	struct room *r = cl_find_room(name);
	return r ? r->name : NULL;
}

/* A Unix time a numeric gave, as local "YYYY-MM-DD HH:MM" (or as given). */
static const char *when(const char *secs)
{
	static char out[24];
	unsigned long v;
	struct tm tm;
	time_t t;
	if (!parse_uint(secs, 0, 0xffffffffUL, &v))
		return secs;
	t = (time_t)v;
	if (!localtime_r(&t, &tm) || !strftime(out, sizeof(out), "%Y-%m-%d %H:%M", &tm))
		return secs;
	return out;
}

static void on_names(const struct irc_msg *m)
{
	struct room *r;
	if (m->nparams < 4 || !(r = cl_find_room(m->params[2]))) {
		generic(m); /* the names of a room we are not in: /names #other */
		return;
	}
	if (r->names_done) {
		cl_names_clear(r);
		r->names_done = false;
	}
	char copy[IRC_MAX_LINE], *save;
	strlcpy_ok(copy, m->params[3], sizeof(copy));
	for (char *tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
		cl_name_add(r, tok + strspn(tok, "@+%~&"));
	cl_reply_in(r->name, "in %s: %s", r->name, m->params[3]);
}

/* Numerics about rooms and lists, in words. True when NUM was one. */
static bool room_reply(const struct irc_msg *m, int num)
{
	const char *last = m->params[m->nparams - 1];
	switch (num) {
	case 353: on_names(m); return true;
	case 366: return true; /* end of NAMES: the 353 said it all */
	case 332: /* topic */
		if (m->nparams < 3)
			return false;
		cl_reply_in(room_of(m->params[1]), "topic of %s: %s", m->params[1], last);
		return true;
	case 333: /* <me> #room setter time: who set the topic */
		if (m->nparams < 3)
			return false;
		cl_reply_in(room_of(m->params[1]), "topic of %s set by %.*s", m->params[1],
			 (int)strcspn(m->params[2], "!"), m->params[2]);
		return true;
	case 322: /* a room in the LIST */
		if (m->nparams < 3)
			return false;
		cl_reply("%s (%s user%s) %s", m->params[1], m->params[2],
			 strcmp(m->params[2], "1") ? "s" : "", m->nparams > 3 ? last : "");
		return true;
	case 324: /* <me> #room +modes [params] */
		if (m->nparams < 3)
			return false;
		char modes[IRC_MAX_LINE];
		join_params(modes, sizeof(modes), m, 2);
		cl_reply("mode of %s: %s", m->params[1], modes);
		return true;
	case 329: /* <me> #room time: when it was made */
		if (m->nparams < 3)
			return false;
		cl_reply("%s exists since %s", m->params[1], when(m->params[2]));
		return true;
	case 341: /* <me> nick #room: our INVITE went out */
		if (m->nparams < 3)
			return false;
		cl_reply("invited %s to %s", m->params[1], m->params[2]);
		return true;
	case 305: case 306: case 323: case 331: cl_reply("%s", last); return true;
	default: return false;
	}
}

void cl_on_numeric(struct irc_msg *m, int num)
{
	const char *last = m->params[m->nparams - 1];
	if (whois_reply(m, num) || room_reply(m, num))
		return;
	if (num < 400 || num >= 600) {
		generic(m);
		return;
	}
	/* "<me> [subject] :text": say what failed and why. */
	if (m->nparams > 2) {
		char subject[IRC_MAX_LINE];
		m->nparams--; /* all but the text */
		join_params(subject, sizeof(subject), m, 1);
		m->nparams++;
		cl_alert("%s: %s", subject, last);
	} else {
		cl_alert("%s", last);
	}
	if (!client.net.ever_online && (num == 465 || num == 464))
		cl_conn_lost(last);
}

/* Does channel mode C take a parameter when set (PLUS) or unset? The
 * RFC 2811 ones and the common extensions (+h, +q, +a); +l only when set. */
static bool mode_has_param(char c, bool plus)
{
	return strchr("beIkovhqa", c) || (c == 'l' && plus);
}

/* A +k or -k in a room's MODE: its key is remembered, so that a rejoin
 * after a reconnect gets in. */
static void track_key(struct room *r, const struct irc_msg *m)
{
	bool plus = true;
	int arg = 2;
	for (const char *p = m->params[1]; *p; p++) {
		if (*p == '+' || *p == '-') {
			plus = *p == '+';
			continue;
		}
		if (!mode_has_param(*p, plus))
			continue;
		if (arg >= m->nparams)
			return;
		if (*p == 'k' && plus && strlen(m->params[arg]) <= KEY_MAX)
			strlcpy_ok(r->key, m->params[arg], sizeof(r->key));
		else if (*p == 'k')
			r->key[0] = '\0';
		arg++;
	}
}

/* ":bo!u@h MODE #lobby +o ana": "mode/#lobby [+o ana] by bo". */
void cl_on_mode(struct irc_msg *m, const char *from)
{
	char modes[IRC_MAX_LINE];
	struct room *r = cl_find_room(m->params[0]);
	if (m->nparams < 2)
		return;
	if (r)
		track_key(r, m);
	join_params(modes, sizeof(modes), m, 1);
	cl_reply_in(r ? r->name : NULL, "mode/%s [%s] by %s", m->params[0], modes,
		    from[0] ? from : "the server");
}

/* INVITE, and whatever else the client has no handler for. */
void cl_on_other(struct irc_msg *m, const char *from)
{
	char text[IRC_MAX_LINE];
	if (irc_cmd_is(m, "INVITE") && m->nparams > 1) {
		cl_show("%s invites you to %s (/join %s)", from, m->params[1], m->params[1]);
		return;
	}
	if (!client.net.ready)
		return;
	join_params(text, sizeof(text), m, 0);
	cl_reply("%s %s %s", from[0] ? from : "server", m->cmd, text);
}
