/* commands.c - what the user typed: /commands and chat lines. */
#include "client.h"
#include "textsafe.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Every command's usage, one a line, its name first: /help, /help
 * COMMAND, and Tab after "/". (One string: no table of pointers.) */
static const char usage[] =
	"/join #room [key]   join a room, or go to its window\n"
	"/part [#room]   leave a room\n"
	"/msg NICK text   a private message\n"
	"/me text   an action\n"
	"/nick NEW   change your nick\n"
	"/who   who is in the room\n"
	"/names [#room]   who is in the room\n"
	"/list, /rooms   the rooms\n"
	"/topic [text]   show or set the topic\n"
	"/away [text]   away, shown to others\n"
	"/back   no longer away\n"
	"/whois NICK   who NICK is\n"
	"/invite NICK [#room]   invite NICK\n"
	"/kick [#room] NICK [reason]   put NICK out of the room\n"
	"/ban [NICK|MASK]   ban (NICK: NICK!*@*); alone: the bans\n"
	"/unban NICK|MASK   lift a ban\n"
	"/op NICK...   make operators\n"
	"/deop NICK...   no longer operators\n"
	"/voice NICK...   may speak in a moderated room\n"
	"/devoice NICK...   no longer voiced\n"
	"/mode [#room|me] [+-modes args]   modes\n"
	"/win N|#room   window N (also Alt-1..9, Ctrl-X/Ctrl-P)\n"
	"/close [N]   close a window (and part its room)\n"
	"/query NICK   a window for a private chat\n"
	"/quote RAW   send a raw IRC line\n"
	"/help [COMMAND]   all commands, or one\n"
	"/quit [bye]   leave (also Ctrl-C, Ctrl-D, 'exit')\n";

/* The usage line of command I (its length in *LEN); NULL past the last. */
static const char *usage_line(int i, int *len)
{
	const char *p = usage;
	while (i-- > 0 && *p)
		p += strcspn(p, "\n") + 1;
	*len = (int)strcspn(p, "\n");
	return *p ? p : NULL;
}

/* The name of command I, for completion; NULL past the last. */
const char *cl_command_name(int i)
{
	static char name[16];
	int len;
	const char *p = usage_line(i, &len);
	if (!p)
		return NULL;
	snprintf(name, sizeof(name), "%.*s", (int)strcspn(p + 1, " ,"), p + 1);
	return name;
}

static void show_help(const char *cmd)
{
	const char *p;
	int len;
	cmd += *cmd == '/';
	for (int i = 0; (p = usage_line(i, &len)); i++)
		if (!*cmd || !strcmp(cmd, cl_command_name(i))) {
			cl_show("%.*s", len, p);
			if (*cmd)
				return;
		}
	if (*cmd)
		cl_show("no command /%s: /help lists them", cmd);
	else
		cl_show("PgUp/PgDn scroll, Tab completes nicks, commands and rooms, Up/Down recall lines");
}

static void join_room(char *arg)
{
	char room[ROOM_MAX + 2], *key = strchr(arg, ' ');
	if (key) {
		*key++ = '\0';
		key += strspn(key, " ");
	}
	snprintf(room, sizeof(room), "%s%s", arg[0] == '#' ? "" : "#", arg);
	struct room *r = cl_find_room(room);
	if (r) {
		client.rooms.cur = (int)(r - client.rooms.list);
		if (wins_on())
			cl_win_select(cl_win_for(r->name));
		cl_draw_bottom();
		return;
	}
	if (!irc_room_valid(room, ROOM_MAX)) {
		cl_show("'%s' is not a room name: try /join #kitchen", arg);
		return;
	}
	if (key && (!key[0] || strlen(key) > KEY_MAX || strchr(key, ' '))) {
		cl_show("usage: /join #room [key] (a key is one word of at most %d bytes)", KEY_MAX);
		return;
	}
	/* The key is the room's once the server lets us in (irc_in.c). */
	strlcpy_ok(client.rooms.join_room, room, sizeof(client.rooms.join_room));
	strlcpy_ok(client.rooms.join_key, key ? key : "", sizeof(client.rooms.join_key));
	cl_send_raw("JOIN %s%s%s", room, key ? " " : "", key ? key : "");
	cl_send_raw("PING :" HIST_TOKEN); /* its PONG: the room's history is in */
}

/* The next word of *ARG (cut off there), or "" when none is left. */
static char *word(char **arg)
{
	char *w = *arg + strspn(*arg, " "), *end = w + strcspn(w, " ");
	*arg = end + strspn(end, " ");
	if (*end)
		*end = '\0';
	return w;
}

/* A room named first in ARG ("/kick #room bo"), else the current one. */
static const char *room_arg(char **arg, const char *cur)
{
	return **arg == '#' ? word(arg) : cur;
}

/* /op a b c: "MODE #room +ooo a b c"; at most 4 nicks per line, as servers
 * take (chat-server's MODES=4). */
static void nick_modes(const char *room, const char *cmd, const char *change, char *arg)
{
	char letters[8] = "", nicks[4 * (NICK_MAX + 1) + 1];
	int n = 0, at = 0;
	for (; n < 4 && arg[0]; n++) {
		const char *nick = word(&arg);
		if (!irc_nick_valid(nick, NICK_MAX)) {
			cl_show("'%s' is not a nick", nick);
			return;
		}
		letters[n] = change[1];
		at += snprintf(nicks + at, sizeof(nicks) - (size_t)at, " %s", nick);
	}
	nicks[at] = '\0';
	if (!n || arg[0]) {
		cl_show("usage: /%s NICK... (1 to 4 nicks)", cmd);
		return;
	}
	cl_send_raw("MODE %s %c%s%s", room, change[0], letters, nicks);
}

/* A mask for /ban: a bare nick bans that nick from anywhere. */
static void ban(const char *room, char sign, const char *who)
{
	if (!who[0]) {
		cl_send_raw("MODE %s +b", room); /* the list of bans */
		return;
	}
	bool mask = strpbrk(who, "!@*") != NULL;
	cl_send_raw("MODE %s %cb %s%s", room, sign, who, mask ? "" : "!*@*");
}

/* Moderation and queries (/kick /ban /op /mode /invite /whois): true
 * when CMD was one of them. The server says whether we may. */
static bool mod_command(const char *cmd, char *arg, const char *cur)
{
	static const char *const nickmode[][2] = {
		{ "op", "+o" }, { "deop", "-o" }, { "voice", "+v" }, { "devoice", "-v" },
	};
	char first[NICK_MAX + 2];
	snprintf(first, sizeof(first), "%.*s", (int)MIN(strcspn(arg, " "), NICK_MAX + 1), arg);
	for (size_t i = 0; i < ARRAY_LEN(nickmode); i++)
		if (!strcmp(cmd, nickmode[i][0])) {
			if (cur)
				nick_modes(cur, cmd, nickmode[i][1], arg);
			else
				cl_show("not in a room: /%s works in the room you are in", cmd);
			return true;
		}
	if (!strcmp(cmd, "whois")) {
		const char *nick = word(&arg);
		if (nick[0])
			cl_send_raw("WHOIS %s", nick);
		else
			cl_show("usage: /whois NICK");
	} else if (!strcmp(cmd, "kick")) {
		const char *room = room_arg(&arg, cur), *nick = word(&arg);
		if (room && nick[0])
			cl_send_raw("KICK %s %s%s%s", room, nick, arg[0] ? " :" : "", arg);
		else
			cl_show("usage: /kick [#room] NICK [reason]");
	} else if (!strcmp(cmd, "ban") || !strcmp(cmd, "unban")) {
		const char *room = room_arg(&arg, cur);
		if (room)
			ban(room, cmd[0] == 'b' ? '+' : '-', word(&arg));
	} else if (!strcmp(cmd, "invite")) {
		const char *nick = word(&arg), *room = arg[0] ? word(&arg) : cur;
		if (nick[0] && room)
			cl_send_raw("INVITE %s %s", nick, room);
		else
			cl_show("usage: /invite NICK [#room]");
	} else if (!strcmp(cmd, "mode")) {
		/* "/mode +t", "/mode #room +k key", "/mode me +i" (our own modes) */
		bool self = !strcmp(first, "me") || !irc_casecmp(first, client.id.nick);
		const char *target = arg[0] == '#' || self ? word(&arg) : cur;
		if (self)
			target = client.id.nick;
		if (target)
			cl_send_raw("MODE %s%s%s", target, arg[0] ? " " : "", arg);
	} else {
		return false;
	}
	return true;
}

/* /win N, /close [N], /query NICK: true when CMD was one of them. */
static bool win_command(const char *cmd, char *arg)
{
	unsigned long n = (unsigned long)client.tty.w.cur + 1;
	bool close = !strcmp(cmd, "close");
	if (!strcmp(cmd, "query") && irc_nick_valid(arg, NICK_MAX)) {
		cl_win_select(cl_win_for(arg));
		return true;
	}
	if (!close && strcmp(cmd, "win") && strcmp(cmd, "window"))
		return false;
	const char *which = word(&arg);
	if (!close && cl_win_find(which) > 0) /* /win #room */
		n = (unsigned long)cl_win_find(which) + 1;
	else if ((*which || !close) && !parse_uint(which, 1, MAX_WINS, &n)) {
		cl_show("usage: /win N, /close [N] (windows 1 to %d)", client.tty.w.n);
		return true;
	}
	if (close)
		cl_win_close((int)n - 1);
	else
		cl_win_select((int)n - 1);
	return true;
}

static void server_command(const char *cmd, char *arg, struct room *r);

/* A /command; true if it was one (so not chat text). */
static void run_command(char *line)
{
	char *cmd = line + 1, *arg = strchr(cmd, ' ');
	struct room *r = cl_cur_room();
	const char *room = r ? r->name : NULL;

	if (arg)
		*arg++ = '\0';
	else
		arg = cmd + strlen(cmd);
	while (*arg == ' ')
		arg++;
	if (!strcmp(cmd, "quit") || !strcmp(cmd, "exit")) {
		if (client.script.on && !ui_on()) {
			cl_script_finish(); /* what came before it still goes */
			return;
		}
		cl_leave(*arg ? arg : NULL);
		return;
	}
	if (!strcmp(cmd, "help")) {
		show_help(arg);
		return;
	}
	if (wins_on() && win_command(cmd, arg))
		return;
	if ((!strcmp(cmd, "msg") || !strcmp(cmd, "query")) && *arg) {
		char *text = strchr(arg, ' ');
		if (text)
			*text++ = '\0';
		if (!text || !irc_nick_valid(arg, NICK_MAX)) {
			cl_alert("usage: /msg NICK text");
			return;
		}
		cl_say(arg, text, false);
		return;
	}
	const char *to = room;
	if (wins_on() && cl_win_name()[0] && cl_win_name()[0] != '#')
		to = cl_win_name(); /* a private chat's window: /me to that nick */
	if (!strcmp(cmd, "me") && to) {
		cl_say(to, arg, true);
		return;
	}
	if (client.net.state != ONLINE) {
		cl_show("not connected: /%s not sent", cmd);
		return;
	}
	/* What the server answers goes to a script's stdout from now on. */
	client.script.replies = true;
	server_command(cmd, arg, r);
}

/* The commands that go to the server (we are online), about room R (the
 * current one, or NULL). */
static void server_command(const char *cmd, char *arg, struct room *r)
{
	const char *room = r ? r->name : NULL;
	if (!strcmp(cmd, "join") && *arg) {
		join_room(arg);
	} else if (!strcmp(cmd, "part") || !strcmp(cmd, "leave")) {
		if (*arg || room)
			cl_send_raw("PART %s", *arg ? arg : room);
	} else if (!strcmp(cmd, "nick") && *arg) {
		cl_send_raw("NICK %s", arg);
	} else if ((!strcmp(cmd, "who") || !strcmp(cmd, "names")) && (*arg || room)) {
		struct room *w = *arg ? cl_find_room(arg) : r;
		if (w)
			w->names_done = true;
		cl_send_raw("NAMES %s", *arg ? arg : room);
	} else if (!strcmp(cmd, "rooms") || !strcmp(cmd, "list")) {
		cl_send_raw("LIST");
	} else if (!strcmp(cmd, "topic") && room) {
		if (*arg)
			cl_send_raw("TOPIC %s :%s", room, arg);
		else
			cl_send_raw("TOPIC %s", room);
	} else if (!strcmp(cmd, "away") || !strcmp(cmd, "back")) {
		/* Kept (cut to AWAY_MAX) for the status line and the next connection. */
		snprintf(client.id.away, sizeof(client.id.away), "%s", cmd[0] == 'a' ? arg : "");
		if (client.id.away[0])
			cl_send_raw("AWAY :%s", client.id.away);
		else
			cl_send_raw("AWAY");
		cl_draw_bottom();
	} else if (!strcmp(cmd, "quote") && *arg) {
		cl_send_raw("%s", arg);
	} else if (!mod_command(cmd, arg, room)) {
		cl_show("unknown command /%s: try /help", cmd);
	}
}


void cl_submit(const char *line)
{
	if (line[0] == '/' && line[1] != '/') {
		char copy[LE_MAX + 1];
		strlcpy_ok(copy, line, sizeof(copy));
		run_command(copy);
		return;
	}
	if (line[0] == '/')
		line++; /* "//text" sends "/text" */
	cl_say_here(line);
}

/* LINE as chat text to the window or room shown: never a command (a
 * pasted line goes here). */
void cl_say_here(const char *line)
{
	if (!line[0])
		return;
	if (wins_on()) {
		/* A private chat's window talks to that nick; a room's, to the room
		 * if we are (still) in it. */
		const char *name = cl_win_name();
		if (name[0] && name[0] != '#') {
			cl_say(name, line, false);
			return;
		}
		if (name[0] && !cl_find_room(name)) {
			cl_show("not in %s now: /join %s, or /close this window", name, name);
			return;
		}
	}
	if (!cl_cur_room()) {
		cl_alert("not in a room: /join #lobby first");
		client.q.lost = true;
		return;
	}
	cl_say(cl_cur_room()->name, line, false);
}
