/* commands.c - what the user typed: /commands and chat lines. */
#include "client.h"
#include "textsafe.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void show_help(void)
{
	static const char *const help[] = {
		"/join #room     join (or switch to) a room; Ctrl-X cycles rooms",
		"/part [#room]   leave a room",
		"/msg NICK text  private message     /me text   an action",
		"/nick NEW       change nick         /who       who is in the room",
		"/rooms          list rooms          /topic [text] show or set it",
		"/away [text]    set or clear away   /quote RAW  send a raw IRC line",
		"/quit [bye]     leave (also Ctrl-C, Ctrl-D on an empty line, 'exit')",
		"PgUp/PgDn scroll, Tab completes nicks, Up/Down recall lines",
	};
	for (size_t i = 0; i < ARRAY_LEN(help); i++)
		cl_show("%s", help[i]);
}


static void join_room(const char *name)
{
	char room[ROOM_MAX + 2];
	snprintf(room, sizeof(room), "%s%s", name[0] == '#' ? "" : "#", name);
	struct room *r = cl_find_room(room);
	if (r) {
		client.rooms.cur = (int)(r - client.rooms.list);
		cl_draw_bottom();
		return;
	}
	if (!irc_room_valid(room, ROOM_MAX)) {
		cl_show("'%s' is not a room name: try /join #kitchen", name);
		return;
	}
	cl_send_raw("JOIN %s", room);
}

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
		show_help();
		return;
	}
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
	if (!strcmp(cmd, "me") && room) {
		cl_say(room, arg, true);
		return;
	}
	if (client.net.state != ONLINE) {
		cl_show("not connected: /%s not sent", cmd);
		return;
	}
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
	} else if (!strcmp(cmd, "away")) {
		if (*arg)
			cl_send_raw("AWAY :%s", arg);
		else
			cl_send_raw("AWAY");
	} else if (!strcmp(cmd, "quote") && *arg) {
		cl_send_raw("%s", arg);
	} else {
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
	if (!line[0])
		return;
	if (!cl_cur_room()) {
		cl_alert("not in a room: /join #lobby first");
		client.q.lost = true;
		return;
	}
	cl_say(cl_cur_room()->name, line, false);
}
