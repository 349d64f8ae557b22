/* irc_in.c - incoming IRC: what the server and the others say. */
#include "client.h"
#include "textsafe.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *nick_of(const char *prefix)
{
	static char nick[NICK_MAX + 1];
	size_t n = prefix ? strcspn(prefix, "!@") : 0;
	if (n > NICK_MAX)
		n = NICK_MAX;
	memcpy(nick, prefix ? prefix : "", n);
	nick[n] = '\0';
	return nick;
}

/* Nick lengths servers commonly allow, longest first, down to RFC 1459's. */
static size_t shorter_nicklen(size_t tried)
{
	static const uint8_t common[] = { 30, 20, 16, 15, 12, NICK_SAFE };
	for (size_t i = 0; i < ARRAY_LEN(common); i++)
		if (common[i] < tried)
			return common[i];
	return 0;
}

/* The nick we want, cut to the server's NICKLEN less room for SUFFIX:
 * "alexandra-the-great" on a NICKLEN=16 server is "alexandra-the-gr",
 * taken it is "alexandra-the-g2". */
static void nick_with(const char *suffix)
{
	size_t limit = client.id.nicklen ? client.id.nicklen : NICK_MAX;
	size_t n = MIN(strlen(client.id.want_nick), limit - strlen(suffix));
	snprintf(client.id.nick, sizeof(client.id.nick), "%.*s%s", (int)n, client.id.want_nick, suffix);
}

void cl_first_nick(void)
{
	nick_with("");
}

/* Registration refused our nick (REFUSED: 432, else taken): a 432 for a
 * long nick may mean it is too long for this server, which says its
 * NICKLEN only after the welcome, so the next common length is tried;
 * otherwise a number goes on the end. */
static void pick_other_nick(bool refused)
{
	char old[NICK_MAX + 1], suffix[4] = "";
	size_t shorter = refused ? shorter_nicklen(strlen(client.id.nick)) : 0;
	bool plain = strncmp(client.id.nick, client.id.want_nick, strlen(client.id.nick)) == 0;

	if (++client.id.nick_tries > 50) {
		cl_conn_lost("no free nick found");
		return;
	}
	strlcpy_ok(old, client.id.nick, sizeof(old));
	if (shorter)
		client.id.nicklen = shorter;
	if (!shorter || !plain) /* a taken one keeps a number on the end */
		snprintf(suffix, sizeof(suffix), "%u", (unsigned)(client.id.nick_tries + 1) % 100);
	nick_with(suffix);
	cl_alert("nick %s %s, using %s", old, refused ? "is not allowed" : "is taken", client.id.nick);
	cl_send_raw("NICK %s", client.id.nick);
}

/* RPL_ISUPPORT: "<me> TOKEN[=value]... :are supported". Only NICKLEN
 * matters here: the nicks we pick on later connections fit it. */
static void on_isupport(const struct irc_msg *m)
{
	unsigned long len;
	for (int i = 1; i < m->nparams - 1; i++)
		if (!strncmp(m->params[i], "NICKLEN=", 8) &&
		    parse_uint(m->params[i] + 8, 1, 1000, &len))
			client.id.nicklen = MAX(NICK_SAFE, MIN((size_t)len, NICK_MAX));
		else if (!strncmp(m->params[i], "CHATHISTORY=", 12) &&
			 parse_uint(m->params[i] + 12, 1, 1000000, &len))
			client.net.hist_max = (int)MIN(len, 100);
}

static void on_cap(struct irc_msg *m)
{
	const char *sub = m->nparams > 1 ? m->params[1] : "";
	const char *list = m->params[m->nparams - 1];
	if (!strcmp(sub, "LS")) {
		char copy[IRC_MAX_LINE];
		char *save;
		strlcpy_ok(copy, list, sizeof(copy));
		for (char *tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
			tok[strcspn(tok, "=")] = '\0';
			if (!strcmp(tok, "server-time") || !strcmp(tok, "echo-message") ||
			    (ENABLE_CLIENT_HISTORY && cl_cap_wanted(tok)))
				cl_send_raw("CAP REQ :%s", tok);
		}
		if (m->nparams > 3 && !strcmp(m->params[2], "*"))
			return; /* more LS lines follow */
		if (!ENABLE_CLIENT_HISTORY || !cl_cap_ls_done()) /* else after the sign-in */
			cl_send_raw("CAP END");
	} else if (!strcmp(sub, "ACK")) {
		if (str_find(list, "echo-message", false) && !str_find(list, "-echo-message", false))
			client.net.cap_echo = true;
		char copy[IRC_MAX_LINE];
		char *save;
		strlcpy_ok(copy, list, sizeof(copy));
		for (char *tok = strtok_r(copy, " ", &save); ENABLE_CLIENT_HISTORY && tok;
		     tok = strtok_r(NULL, " ", &save))
			cl_cap_ack(tok);
	} else if (!strcmp(sub, "NAK") && ENABLE_CLIENT_HISTORY && client.auth.account[0] &&
		   str_find(list, "sasl", false)) {
		cl_fail("-a %s: the server refused to sign us in (CAP NAK sasl)", client.auth.account);
	}
}

static void on_welcome(struct irc_msg *m)
{
	strlcpy_ok(client.id.nick, m->params[0], sizeof(client.id.nick));
	client.net.state = ONLINE;
	client.net.ever_online = true;
	client.net.backoff_ms = 0;
	client.net.retries = 0;
	cl_show("connected to %s:%u as %s", client.net.host, client.net.port, client.id.nick);
	for (int i = 0; i < client.rooms.n; i++) {
		const struct room *r = &client.rooms.list[i];
		cl_send_raw("JOIN %s%s%s", r->name, r->key[0] ? " " : "", r->key);
	}
	if (client.id.away[0]) /* still away on this connection */
		cl_send_raw("AWAY :%s", client.id.away);
	/* The PONG comes back after the JOINs were handled: then we are in. */
	cl_send_raw("PING :" READY_TOKEN);
}

static void on_join(struct irc_msg *m, const char *from)
{
	const char *room = m->params[0];
	struct room *r;
	if (cl_is_me(from)) {
		bool rejoin = cl_find_room(room) != NULL;
		if (!irc_room_valid(room, ROOM_MAX))
			return;
		r = cl_room_add(room);
		if (!r)
			return;
		if (!rejoin) /* a new room becomes the current one; rejoins keep it */
			client.rooms.cur = (int)(r - client.rooms.list);
		if (wins_on() && (!rejoin || cl_win_find(r->name) < 0))
			cl_win_select(cl_win_for(r->name)); /* a window of its own, shown */
		cl_names_clear(r);
		r->joining = true; /* until the PONG after the JOIN: replay.c */
		r->hist_rounds = 0;
		r->replayed = r->dups = 0;
		if (!irc_casecmp(client.rooms.join_room, r->name)) /* /join #room KEY */
			strlcpy_ok(r->key, client.rooms.join_key, sizeof(r->key));
		cl_show_in(r->name, "you joined %s", r->name);
		if (ENABLE_CLIENT_HISTORY)
			cl_hist_join(r);
	} else if ((r = cl_find_room(room))) {
		cl_show_in(r->name, "%s joined %s", from, r->name);
	}
	if (r)
		cl_name_add(r, from);
	cl_draw_bottom();
}

/* WHO left the room of PART or KICK (then BY someone), for WHY or NULL. */
static void on_part(struct irc_msg *m, const char *who, const char *by, const char *why)
{
	struct room *r = cl_find_room(m->params[0]);
	bool me = cl_is_me(who), said = why && why[0];
	char text[IRC_MAX_LINE * 2];
	if (!r)
		return;
	/* "bo left #lobby (bye)", "you were kicked from #lobby by ana (spam)" */
	snprintf(text, sizeof(text), "%s %s %s%s%s%s%s%s", me ? "you" : who,
		 by ? (me ? "were kicked from" : "was kicked from") : "left", r->name, by ? " by " : "",
		 by ? by : "", said ? " (" : "", said ? why : "", said ? ")" : "");
	if (me && by && !ui_on())
		cl_alert("%s", text); /* a script learns of its own kick on stderr */
	else
		cl_show_in(r->name, "%s", text);
	if (me)
		cl_room_del(r);
	else
		cl_name_del(r, who);
	cl_draw_bottom();
}

/* With windows, in the window of every room FROM was in; else said once. */
static void on_quit(const char *from, const char *why)
{
	bool seen = false;
	for (int i = 0; i < client.rooms.n; i++)
		if (cl_name_del(&client.rooms.list[i], from)) {
			if (wins_on())
				cl_show_in(client.rooms.list[i].name, "%s quit (%s)", from, why);
			seen = true;
		}
	if (seen && !wins_on())
		cl_show("%s quit (%s)", from, why);
	cl_draw_bottom();
}

static void on_nick(const char *from, const char *to)
{
	bool seen = false;
	for (int i = 0; i < client.rooms.n; i++)
		if (cl_name_del(&client.rooms.list[i], from)) {
			cl_name_add(&client.rooms.list[i], to);
			if (wins_on() && !cl_is_me(from))
				cl_show_in(client.rooms.list[i].name, "%s is now %s", from, to);
			seen = true;
		}
	if (cl_is_me(from)) {
		strlcpy_ok(client.id.nick, to, sizeof(client.id.nick));
		strlcpy_ok(client.id.want_nick, to, sizeof(client.id.want_nick));
		cl_show("you are now %s", to);
	} else if (seen && !wins_on()) {
		cl_show("%s is now %s", from, to);
	}
	cl_draw_bottom();
}

static void on_privmsg(struct irc_msg *m, const char *from, bool notice)
{
	const char *target = m->params[0];
	char *text = m->params[1];
	bool action = false;
	size_t n = strlen(text);

	if (text[0] == '\001') { /* CTCP: only ACTION is shown */
		if (strncmp(text, "\001ACTION ", 8) != 0)
			return;
		text += 8;
		if (n > 8 && text[n - 9] == '\001')
			text[n - 9] = '\0';
		action = true;
	}
	if (!strchr(m->prefix ? m->prefix : "", '!') || target[0] == '*') {
		cl_show("-%s- %s", from[0] ? from : "server", text); /* a server notice */
		return;
	}
	if (target[0] != '#') {
		/* Private: labelled with the other person's name. */
		char label[NICK_MAX + 4];
		snprintf(label, sizeof(label), "@%.*s", NICK_MAX, cl_is_me(from) ? target : from);
		cl_show_message(m->tags, label, from, text, action, notice);
		return;
	}
	if (cl_replay_seen(m->tags, from, target, text))
		return; /* replayed history we have shown already */
	if (ENABLE_CLIENT_HISTORY)
		cl_hist_seen(cl_find_room(target), m->tags);
	cl_show_message(m->tags, target, from, text, action, notice);
}

static void on_numeric(struct irc_msg *m, int num)
{
	switch (num) {
	case 1: on_welcome(m); return;
	case 5: on_isupport(m); return;
	case 900: case 902: case 903: case 904: case 905: case 906: case 908:
		if (ENABLE_CLIENT_HISTORY && cl_sasl_numeric(m, num))
			return;
		break;
	case 433: case 432: case 436:
		if (client.net.state != ONLINE) {
			pick_other_nick(num == 432);
			return;
		}
		break;
	default: break;
	}
	cl_on_numeric(m, num); /* replies.c: everything else, in words */
}

void cl_handle_line(char *line)
{
	struct irc_msg m;
	if (irc_parse(line, &m) != 0)
		return;
	const char *from = nick_of(m.prefix);
	char fromc[NICK_MAX + 1];
	strlcpy_ok(fromc, from, sizeof(fromc));
	const char *c = m.cmd;

	if (c[0] >= '0' && c[0] <= '9') {
		unsigned long num;
		if (parse_uint(c, 0, 999, &num) && m.nparams > 0)
			on_numeric(&m, (int)num);
	} else if (irc_cmd_is(&m, "PING")) {
		cl_send_raw("PONG :%s", m.nparams ? m.params[m.nparams - 1] : "");
	} else if (irc_cmd_is(&m, "PONG") && m.nparams) {
		const char *tok = m.params[m.nparams - 1];
		if (!strcmp(tok, READY_TOKEN) || !strcmp(tok, HIST_TOKEN))
			cl_replay_end(NULL); /* the joins' replies, history included, are in */
		else if (!strncmp(tok, HIST_TOKEN ":", sizeof(HIST_TOKEN)))
			cl_replay_end(tok + sizeof(HIST_TOKEN)); /* a CHATHISTORY answered */
		if (!strcmp(tok, READY_TOKEN)) {
			client.net.ready = true;
			cl_queue_send();
			if (client.script.on && client.script.stdin_eof) { /* stdin ended while we were away */
				client.script.draining = true;
				cl_send_raw("PING :" DRAIN_TOKEN);
			}
			if (client.script.on)
				cl_stdin_update();
		} else if (!strcmp(tok, DRAIN_TOKEN) && client.script.draining) {
			/* The server has handled all we sent before the PING. */
			cl_queue_confirm(client.q.seq);
			cl_quit(client.q.lost, NULL); /* a script learns that lines were lost */
		} else if (!strncmp(tok, ACK_TOKEN, strlen(ACK_TOKEN))) {
			cl_queue_ack(tok + strlen(ACK_TOKEN));
			if (client.script.on)
				cl_stdin_update();
		}
	} else if (m.nparams < 1) {
		return;
	} else if (irc_cmd_is(&m, "PRIVMSG") || irc_cmd_is(&m, "NOTICE")) {
		if (m.nparams > 1)
			on_privmsg(&m, fromc, irc_cmd_is(&m, "NOTICE"));
	} else if (irc_cmd_is(&m, "JOIN")) {
		on_join(&m, fromc);
	} else if (irc_cmd_is(&m, "PART")) {
		on_part(&m, fromc, NULL, m.nparams > 1 ? m.params[1] : NULL);
	} else if (irc_cmd_is(&m, "KICK") && m.nparams > 1) {
		on_part(&m, m.params[1], fromc, m.nparams > 2 ? m.params[2] : NULL);
	} else if (irc_cmd_is(&m, "QUIT")) {
		on_quit(fromc, m.params[0]);
	} else if (irc_cmd_is(&m, "NICK")) {
		on_nick(fromc, m.params[0]);
	} else if (irc_cmd_is(&m, "TOPIC") && m.nparams > 1) {
		cl_show_in(cl_find_room(m.params[0]) ? m.params[0] : NULL, "%s set the topic of %s: %s",
			   fromc, m.params[0], m.params[1]);
	} else if (irc_cmd_is(&m, "CAP")) {
		on_cap(&m);
	} else if (ENABLE_CLIENT_HISTORY && irc_cmd_is(&m, "AUTHENTICATE")) {
		cl_authenticate(m.params[0]);
	} else if (ENABLE_CLIENT_HISTORY && irc_cmd_is(&m, "BATCH")) {
		return; /* a history batch's lines are known by their tags: replay.c */
	} else if (ENABLE_CLIENT_HISTORY && irc_cmd_is(&m, "MARKREAD")) {
		cl_on_markread(&m);
	} else if (irc_cmd_is(&m, "ERROR")) {
		cl_conn_lost(m.params[0]); /* the server closes the link after it */
	} else if (irc_cmd_is(&m, "MODE")) {
		cl_on_mode(&m, fromc);
	} else {
		cl_on_other(&m, fromc);
	}
}
