/* win.c - windows (CLIENT_WINDOWS): one per room and private chat, and a
 * status window (number 1) for what belongs to none. They share the
 * screen's one scrollback ring, each line tagged with its window, so the
 * memory stays what it was; when it is full the busiest window gives way. Activity in the windows not shown is listed in
 * the status line as irssi does ("[Act: 2,3]"), a mention or a private
 * message in bold, and rings the bell once until that window is seen.
 *
//config:config CLIENT_WINDOWS
//config:	bool "Windows: one per room and private chat"
//config:	default y
//config:	depends on CLIENT_TTY
//config:	help
//config:	  A window per room and per private chat with its own lines,
//config:	  Alt-1..Alt-9, Ctrl-X/Ctrl-P, /win N and /close; activity in
//config:	  the status line. Without it (or with chat-client -1) all is
//config:	  one stream. Costs about 2.1 KB of code on x86_64.
//config:	  Budget: 2200 bytes on x86_64 (text+data+bss, make size).
 */
#include "client.h"

#include <stdio.h>
#include <string.h>

/* Window I by name: a room, a nick, or "" for the status window. */
int cl_win_find(const char *name)
{
	for (int i = 0; i < client.tty.w.n; i++)
		if (!irc_casecmp(client.tty.w.list[i].name, name))
			return i;
	return -1;
}

/* The window of NAME, opened if new (the status window when all are taken). */
int cl_win_for(const char *name)
{
	struct cl_wins *w = &client.tty.w;
	int i = cl_win_find(name);
	if (i >= 0)
		return i;
	if (!w->n) { /* the status window comes first */
		w->list[0].name[0] = '\0';
		w->n = 1;
		if (!name[0])
			return 0;
	}
	if (w->n == MAX_WINS)
		return 0;
	memset(&w->list[w->n], 0, sizeof(w->list[0]));
	strlcpy_ok(w->list[w->n].name, name, sizeof(w->list[0].name));
	return w->n++;
}

/* Where a line for WHERE (a room or nick; NULL: the window shown) goes,
 * and what it does there: activity and, for a mention, the bell once. */
int cl_win_line(const char *where, bool hilite)
{
	struct cl_wins *w = &client.tty.w;
	int i = where ? cl_win_for(where) : w->cur;
	struct cl_win *win = &w->list[i];
	if (i == w->cur)
		return i;
	if (win->act < 1 + hilite)
		win->act = (uint8_t)(1 + hilite);
	if (hilite && !win->rang) {
		fputc('\a', stdout);
		win->rang = true;
	}
	return i;
}

void cl_win_select(int i)
{
	struct cl_wins *w = &client.tty.w;
	if (i < 0 || i >= w->n)
		return;
	w->cur = i;
	w->list[i].act = 0;
	w->list[i].rang = false;
	struct room *r = cl_find_room(w->list[i].name);
	if (r) /* what is typed goes to the room shown */
		client.rooms.cur = (int)(r - client.rooms.list);
	cl_mark_read_if(r); /* seen now */
	screen_show_win(&client.tty.scr, (uint8_t)i);
	cl_draw_bottom();
}

/* /close [N]: a room's window parts the room too. The status window stays. */
void cl_win_close(int i)
{
	struct cl_wins *w = &client.tty.w;
	if (i <= 0 || i >= w->n || i >= MAX_WINS) {
		cl_show("/close: the status window stays; /close N closes window N");
		return;
	}
	if (cl_find_room(w->list[i].name) && client.net.state == ONLINE)
		cl_send_raw("PART %s", w->list[i].name);
	for (int j = i; j + 1 < w->n; j++) /* the windows after it move down one */
		w->list[j] = w->list[j + 1];
	w->n--;
	screen_forget_win(&client.tty.scr, (uint8_t)i);
	cl_win_select(w->cur > i ? w->cur - 1 : MIN(w->cur, w->n - 1));
}

/* "[Act: 2,3]" for the status line, mentions bold (\001...\002). */
void cl_win_activity(char *out, size_t size)
{
	size_t at = 0;
	out[0] = '\0';
	for (int i = 0; i < client.tty.w.n && at < size; i++) {
		uint8_t act = client.tty.w.list[i].act;
		if (!act)
			continue;
		int n = snprintf(out + at, size - at, "%s%s%d%s", at ? "," : " [Act: ",
				 act > 1 ? "\001" : "", i + 1, act > 1 ? "\002" : "");
		if (n < 0 || (size_t)n >= size - at)
			return;
		at += (size_t)n;
	}
	if (at && at + 1 < size)
		memcpy(out + at, "]", 2);
}

/* The name of the window shown ("" for the status window). */
const char *cl_win_name(void)
{
	return client.tty.w.list[client.tty.w.cur].name;
}
