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

static void plain_help(struct client *c)
{
	static const char *const lines[] = {
		"Type a line to talk in your room. Commands:",
		"  /nick NAME      change your nickname",
		"  /join #ROOM     join (or create) a room; it becomes your room",
		"  /part [#ROOM]   leave a room",
		"  /msg NICK TEXT  a private message",
		"  /me TEXT        an action: * you TEXT",
		"  /who [#ROOM]    who is here",
		"  /rooms          the rooms",
		"  /topic [TEXT]   show or set the room's topic",
		"  /quit or exit   leave",
	};
	for (unsigned i = 0; i < ARRAY_LEN(lines); i++)
		say_plain(c, "-- %s", lines[i]);
}

static struct room *plain_room(struct client *c)
{
	return c->nrooms ? c->rooms[c->nrooms - 1] : NULL;
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
	c->flags |= F_REG;
	srv.nreg++;
	say_plain(c, "-- Hello %s! You are in %s. Type /help for the commands.", c->nick, srv.lobby);
	msg("%s (%s) joined, plain text", c->nick, c->host);
	join_room(c, srv.lobby, NULL); /* the default room has no key (room_mode) */
}

static void plain_who(struct client *c, const char *name)
{
	struct room *r = name ? room_find(name) : plain_room(c);
	if (!r) {
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
		talk(c, EV_PRIVMSG, arg, rest);
	} else if (!strcmp(cmd, "me") && arg && r) {
		char act[LINE_MAX_IRC + 16];
		snprintf(act, sizeof(act), "\1ACTION %s\1", all);
		talk(c, EV_PRIVMSG, r->name, act);
	} else if (!strcmp(cmd, "who")) {
		plain_who(c, arg);
	} else if (!strcmp(cmd, "rooms")) {
		for (struct room *q = srv.rooms; q; q = q->next)
			say_plain(c, "-- %s (%u) %s", q->name, q->n, q->topic ? q->topic : "");
	} else if (!strcmp(cmd, "topic") && r) {
		if (arg)
			set_topic(c, r, all);
		else
			send_topic(c, r, true);
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
	talk(c, EV_PRIVMSG, r->name, line + (line[0] == '/'));
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
