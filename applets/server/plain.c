/* plain.c - the plain-text front end, for nc and telnet: a nickname
 * prompt, then lines to the room and slash commands that call the actions. */
#include "server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void plain_greet(struct client *c)
{
	c->flags |= F_GREETED;
	say_plain(c, "Welcome to %s!", srv.name);
	say_plain(c, "Type your nickname and press Enter:");
}

static struct room *plain_room(struct client *c)
{
	return c->nrooms ? c->rooms[c->nrooms - 1] : NULL;
}

/* What C may do: everyone's commands, a room operator's in a room C runs,
 * a server operator's to an operator. */
static void plain_help(struct client *c)
{
	static const char *const lines[] = {
		"Type a line to talk in your room. Commands:",
		"  /nick NAME      change your nickname",
		"  /join #ROOM [KEY]  join (or create) a room; it becomes your room;",
		"                  a room with a key: /join #room key",
		"  /part [#ROOM]   leave a room",
		"  /msg NICK TEXT  a private message",
		"  /me TEXT        an action: * you TEXT",
		"  /who [#ROOM]    who is here",
		"  /rooms          the rooms",
		"  /topic [TEXT]   show or set the room's topic",
		"  /away [TEXT]    mark yourself away (no text: back)",
		IF_SERVER_MODERATION("  /invite NICK [#ROOM]  invite someone to your room",)
		"  /mode [#ROOM]   the room's modes",
		IF_SERVER_ACCOUNTS("  /register PASSWORD  claim your nickname: only you may use it",
				   "  /login PASSWORD  log in to your claimed nickname",)
		IF_SERVER_MODERATION("  /oper NAME PASSWORD  become a server operator",)
		"  /quit or exit   leave",
	}, *const ops[] = {
		"You run this room:",
		"  /op NICK, /deop NICK, /voice NICK, /devoice NICK",
		"  /kick NICK [REASON]   put someone out of the room",
		IF_SERVER_MODERATION("  /ban MASK, /unban MASK  nick or nick!user@host, * and ? match",)
		IF_SERVER_MODERATION("  /mode [#ROOM] CHANGES [ARGS]  e.g. /mode +m, /mode +k KEY, /mode +i",)
		IF_NOT_SERVER_MODERATION("  /mode [#ROOM] CHANGES [ARGS]  e.g. /mode +k KEY, /mode +l 10",)
	}, *const opers[] = {
		"You are a server operator: everything above in any room, and",
		"  /kill NICK REASON     disconnect someone from the server",
		"  /wallops TEXT         a message to every operator",
	};
	struct room *r = plain_room(c);
	struct member *m = r ? member_of(r, c) : NULL;

	for (unsigned i = 0; i < ARRAY_LEN(lines); i++)
		say_plain(c, "-- %s", lines[i]);
	if ((m && (m->modes & M_OP)) || (c->flags & F_OPER))
		for (unsigned i = 0; i < ARRAY_LEN(ops); i++)
			say_plain(c, "-- %s", ops[i]);
	if (c->flags & F_OPER) /* (never without SERVER_MODERATION) */
		for (unsigned i = 0; i < ARRAY_LEN(opers); i++)
			say_plain(c, "-- %s", opers[i]);
}

static void plain_register(struct client *c, char *line)
{
	if (strcmp(line, "exit") == 0) {
		client_drop(c, "exit", "Bye!");
		return;
	}
	if (!nick_valid(line)) {
		say_plain(c, "-- '%s' cannot be a nickname: a letter first, then letters, digits"
			     " or - _ [ ] { } \\ | ^, at most %d. Try again:", line, NICKLEN);
		return;
	}
	if (nick_find(line)) {
		say_plain(c, "-- %s is taken. Try another:", line);
		return;
	}
	strlcpy_ok(c->user, line, sizeof(c->user));
	if (!set_nick(c, line))
		return;
	free(c->realname);
	c->realname = strdup("plain-text user");
	account_before_welcome(c); /* a claimed nick: a guest one until /login */
	c->flags |= F_REG;
	srv.nreg++;
	/* no key: a server operator's +k, +i or +b there keeps plain users
	 * out too, as meant, and the greeting says so */
	if (join_allowed(c, srv.lobby))
		say_plain(c, "-- Hello %s! You are in %s. Type /help for the commands.", c->nick,
			  srv.lobby);
	else
		say_plain(c, "-- Hello %s! You are in no room: %s is closed to you."
			  " /join #ROOM [KEY] to join one, /help for the commands.", c->nick, srv.lobby);
	msg("%s (%s) joined, plain text", c->nick, c->host);
	account_after_welcome(c);
	join_room(c, srv.lobby, NULL);
}

static void plain_who(struct client *c, const char *name)
{
	struct room *r = name ? room_find(name) : plain_room(c);
	if (!r || !room_visible(c, r)) { /* +s, +p: as if there were none */
		say_plain(c, "-- %s: no such room", name ? name : "You are in no room:");
		return;
	}
	send_names(c, r);
}

/* The next space-separated word of *P, or NULL; *P moves past it. */
static char *next_word(char **p)
{
	char *s = *p, *w;
	while (*s == ' ')
		s++;
	if (!*s) {
		*p = s;
		return NULL;
	}
	w = s;
	while (*s && *s != ' ')
		s++;
	if (*s)
		*s++ = '\0';
	while (*s == ' ')
		s++;
	*p = s;
	return w;
}

/* MODE ROOM followed by the words of WORDS (modified), as IRC's MODE. */
static void plain_mode(struct client *c, struct room *r, char *words)
{
	struct irc_msg m = { .cmd = "MODE" };
	char name[ROOMLEN + 1], *w;

	if (words[0] == '#') {
		w = next_word(&words);
		r = room_find(w);
		if (!r) {
			numeric(c, "403", "%s :No such channel", w);
			return;
		}
	}
	if (!r) {
		say_plain(c, "-- You are in no room: /mode #ROOM ...");
		return;
	}
	strlcpy_ok(name, r->name, sizeof(name));
	m.params[m.nparams++] = name;
	while (m.nparams < IRC_MAX_PARAMS && (w = next_word(&words)))
		m.params[m.nparams++] = w;
	room_mode(c, &m);
}

/* /op NICK and the like: one mode letter with a parameter, in room R. */
static void plain_one_mode(struct client *c, struct room *r, const char *change, char *arg)
{
	struct irc_msg m = { .cmd = "MODE", .nparams = 3 };
	char name[ROOMLEN + 1], ch[4];

	strlcpy_ok(name, r->name, sizeof(name));
	strlcpy_ok(ch, change, sizeof(ch));
	m.params[0] = name;
	m.params[1] = ch;
	m.params[2] = arg;
	room_mode(c, &m);
}

/* The moderation commands; false if CMD is none of them (or lacks ARG). */
static bool plain_moderate(struct client *c, const char *cmd, char *arg, char *rest, char *all)
{
	static const char *const one[][2] = {
		{ "op", "+o" }, { "deop", "-o" }, { "voice", "+v" }, { "devoice", "-v" },
		IF_SERVER_MODERATION({ "ban", "+b" }, { "unban", "-b" },)
	};
	/* SERVER_MODERATION's commands: without it, unknown ones */
	bool mod = ENABLE_SERVER_MODERATION;
	struct room *r = plain_room(c);

	for (unsigned i = 0; i < ARRAY_LEN(one); i++)
		if (!strcmp(cmd, one[i][0]) && arg && r) {
			plain_one_mode(c, r, one[i][1], arg);
			return true;
		}
	if (!strcmp(cmd, "mode"))
		plain_mode(c, r, all);
	else if (!strcmp(cmd, "kick") && arg && r)
		kick(c, r, arg, rest);
	else if (mod && !strcmp(cmd, "invite") && arg && (rest || r))
		invite(c, arg, rest ? rest : r->name);
	else if (mod && !strcmp(cmd, "invite") && !arg)
		invites_list(c);
	else if (!strcmp(cmd, "away"))
		set_away(c, all);
	else if (!strcmp(cmd, "register") && arg)
		account_register(c, NULL, arg);
	else if (!strcmp(cmd, "login") && arg)
		account_login(c, rest ? arg : NULL, rest ? rest : arg);
	else if (mod && !strcmp(cmd, "oper") && rest)
		oper_login(c, arg, rest);
	else if (mod && !strcmp(cmd, "kill") && arg)
		oper_kill(c, arg, rest);
	else if (mod && !strcmp(cmd, "wallops") && arg)
		wallops(c, all);
	else
		return false;
	return true;
}

static void plain_command(struct client *c, char *line)
{
	char *p = line + 1, *cmd = next_word(&p), all[LINE_MAX_IRC + 1], *arg, *rest;
	struct room *r = plain_room(c);

	strlcpy_ok(all, p, sizeof(all)); /* everything after the command */
	arg = next_word(&p);
	rest = *p ? p : NULL;
	if (!cmd || !strcmp(cmd, "help")) {
		plain_help(c);
	} else if (!strcmp(cmd, "nick") && arg) {
		if (strcmp(arg, c->nick) && nick_ok(c, arg))
			set_nick(c, arg);
	} else if (!strcmp(cmd, "join") && arg) {
		join_room(c, arg, rest);
	} else if (!strcmp(cmd, "part") && (arg || r)) {
		part_room(c, arg ? arg : r->name, rest);
	} else if (!strcmp(cmd, "msg") && rest) {
		talk(c, EV_PRIVMSG, arg, rest, NULL);
	} else if (!strcmp(cmd, "me") && arg && r) {
		char act[LINE_MAX_IRC + 16];
		snprintf(act, sizeof(act), "\1ACTION %s\1", all);
		talk(c, EV_PRIVMSG, r->name, act, NULL);
	} else if (!strcmp(cmd, "who")) {
		plain_who(c, arg);
	} else if (!strcmp(cmd, "rooms")) {
		for (struct room *q = srv.rooms; q; q = q->next)
			if (room_visible(c, q))
				say_plain(c, "-- %s (%u) %s", q->name, q->n, q->topic ? q->topic : "");
	} else if (!strcmp(cmd, "topic") && r) {
		if (arg)
			set_topic(c, r, all);
		else
			send_topic(c, r, true);
	} else if (plain_moderate(c, cmd, arg, rest, all)) {
		/* done */
	} else if (!strcmp(cmd, "quit")) {
		char reason[LINE_MAX_IRC + 8];
		snprintf(reason, sizeof(reason), "Quit: %s", all);
		client_drop(c, reason, "Bye!");
	} else {
		say_plain(c, "-- Unknown command /%s (or missing argument). Type /help.", cmd);
	}
}

static void plain_line(struct client *c, char *line, size_t len, bool cut)
{
	struct room *r;

	if (cut || len > LINE_MAX_IRC) {
		say_plain(c, "-- Line too long (at most %d bytes): not sent", LINE_MAX_IRC);
		return;
	}
	while (len && line[len - 1] == ' ')
		line[--len] = '\0';
	if (!len)
		return;
	if (!(c->flags & F_REG)) {
		plain_register(c, line);
		return;
	}
	if (strcmp(line, "exit") == 0) {
		client_drop(c, "exit", "Bye!");
		return;
	}
	if (line[0] == '/' && line[1] != '/') {
		plain_command(c, line);
		return;
	}
	r = plain_room(c);
	if (!r) {
		say_plain(c, "-- You are in no room: /join #ROOM");
		return;
	}
	talk(c, EV_PRIVMSG, r->name, line + (line[0] == '/'), NULL);
}

/* Known to be plain: refused when IRC's PASS is required, else greeted. */
static bool plain_start(struct client *c)
{
	if (srv.password) {
		client_drop(c, "plain text refused", "This server needs a password: use an IRC app.");
		return false;
	}
	if (!(c->flags & F_GREETED))
		plain_greet(c);
	return true;
}

const struct front front_plain = {
	.line = plain_line, .start = plain_start, .wire = W_PLAIN, .telnet = true,
};
