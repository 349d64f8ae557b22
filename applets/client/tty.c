/* tty.c - the terminal interface (CLIENT_TTY): status and input lines, keys, completion. */
#include "client.h"
#include "term.h"
#include "textsafe.h"
#include "utf8.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The status line: where, who, whether we are connected, and (with
 * windows) the window shown and the others' activity. */
static void status_text(char *s, size_t size)
{
	static const char *const states[] = { "offline, reconnecting", "connecting",
					      "logging in", "online" };
	struct room *r = cl_cur_room();
	char users[24] = "", where[ROOM_MAX + 12], act[MAX_WINS * 5 + 16] = "", win[24] = "";
	snprintf(where, sizeof(where), "%s", r ? r->name : "(no room)");
	if (wins_on()) {
		/* The activity first: it must show on a narrow terminal too. */
		const char *name = cl_win_name();
		r = cl_find_room(name);
		snprintf(where, sizeof(where), "%s", name[0] ? name : "(status)");
		snprintf(win, sizeof(win), " | win %d", client.tty.w.cur + 1);
		cl_win_activity(act, sizeof(act));
	}
	if (r && r->nnames)
		snprintf(users, sizeof(users), " (%d user%s)", r->nnames, r->nnames == 1 ? "" : "s");
	char raw[800], away[AWAY_MAX + 16] = "";
	if (client.id.away[0])
		snprintf(away, sizeof(away), " (away: %s)", client.id.away);
	int at = snprintf(raw, sizeof(raw), " %s:%u |", client.net.host, client.net.port);
	snprintf(raw + at, sizeof(raw) - (size_t)at, " %s%s | %s%s | %s%s%s", where, users,
		 client.id.nick, away, states[client.net.state], win,
		 client.tty.scr.scroll_off ? " | -- more below (PgDn) --" : "");
	/* The activity's bold markers are ours, the rest came from the server.
	 * A narrow terminal loses the server's address first. */
	size_t n = (size_t)snprintf(s, size, "%s", act);
	const char *from = raw;
	if (utf8_width(act, strlen(act)) + utf8_width(raw, strlen(raw)) > (size_t)client.tty.scr.cols)
		from += MAX(at, 0);
	cl_clean(s + MIN(n, size - 1), size - MIN(n, size - 1), from);
}

void cl_tty_draw_bottom(void)
{
	char status[512], room[ROOM_MAX * 2 + 1], prompt[sizeof(room) + 4];
	struct room *r = cl_cur_room();
	const char *name = r ? r->name : "";
	if (wins_on())
		name = cl_win_name()[0] ? cl_win_name() : "(status)";
	status_text(status, sizeof(status));
	cl_clean(room, sizeof(room), name);
	snprintf(prompt, sizeof(prompt), "[%s] ", room);
	screen_bottom(&client.tty.scr, status, prompt, &client.tty.le);
	cl_out_flush();
}

void cl_tty_draw_all(void)
{
	screen_redraw(&client.tty.scr);
	cl_draw_bottom();
}

/* A line for the screen, in the window of WHERE (NULL: the one shown),
 * which draws what it is given: a line that is not safe text (a caller
 * forgot cl_clean()) is cleaned, uncoloured. */
void cl_add_line(const char *where, const char *text, size_t nick_at, size_t nick_len,
		 uint8_t colour, bool hilite)
{
	char clean[IRC_MAX_LINE * 3];
	int win = 0;
	if (!text_is_safe(text, strlen(text))) {
		cl_clean(clean, sizeof(clean), text);
		text = clean;
		nick_at = nick_len = 0;
	}
	/* A private message counts as a mention for the activity list. */
	if (wins_on())
		win = cl_win_line(where, hilite || (where && where[0] && where[0] != '#'));
	screen_add(&client.tty.scr, text, nick_at, nick_len, colour, hilite, (uint8_t)win);
	cl_draw_bottom();
}

/* ---- interactive mode: keys ------------------------------------------------- */

/* Tab completes the word before the cursor: a command after a "/" that
 * starts the line, a room after "/join " or "/win ", else a nick of the
 * room; Tab again offers the next one that fits. */
enum { C_NICK, C_CMD, C_ROOM };
static struct {
	bool on;
	int kind;
	size_t from;
	char prefix[NICK_MAX + ROOM_MAX + 1];
	int next;
} comp;

static const char *candidate(int i)
{
	struct room *r = cl_cur_room();
	if (comp.kind == C_CMD)
		return cl_command_name(i);
	if (comp.kind == C_ROOM)
		return i < client.rooms.n ? client.rooms.list[i].name : NULL;
	return r && i < r->nnames ? r->names[i] : NULL;
}

static bool fits(const char *name, const char *prefix)
{
	char head[sizeof(comp.prefix)];
	size_t n = strlen(prefix);
	if (strlen(name) < n || (comp.kind == C_NICK && cl_is_me(name)))
		return false;
	snprintf(head, sizeof(head), "%.*s", (int)n, name);
	return irc_casecmp(head, prefix) == 0;
}

static void complete(void)
{
	const char *line = client.tty.le.buf;
	int n = 0;
	if (!comp.on) {
		size_t from = le_word_start(&client.tty.le), len = client.tty.le.cur - from;
		comp.kind = from == 0 && line[0] == '/' ? C_CMD : C_NICK;
		if ((!strncmp(line, "/join ", 6) || !strncmp(line, "/win ", 5)) &&
		    from == strcspn(line, " ") + 1)
			comp.kind = C_ROOM;
		from += comp.kind == C_CMD; /* after the "/" */
		len -= comp.kind == C_CMD && len;
		if ((len == 0 && comp.kind == C_NICK) || len >= sizeof(comp.prefix))
			return;
		snprintf(comp.prefix, sizeof(comp.prefix), "%.*s", (int)len, line + from);
		comp.from = from;
		comp.next = 0;
		comp.on = true;
	}
	while (candidate(n))
		n++;
	for (int k = 0; k < n; k++) {
		int i = (comp.next + k) % n;
		const char *name = candidate(i);
		if (fits(name, comp.prefix)) {
			char with[sizeof(comp.prefix) + 3];
			snprintf(with, sizeof(with), "%s%s", name,
				 comp.from == 0 && comp.kind == C_NICK ? ": " : " ");
			le_replace_before(&client.tty.le, comp.from, with);
			comp.next = i + 1;
			return;
		}
	}
}

static void scroll_by(int delta)
{
	screen_scroll(&client.tty.scr, delta);
	cl_draw_bottom();
}

/* Ctrl-X, Ctrl-P: the next or the previous window (or room, in one stream). */
static void next_window(int step)
{
	if (wins_on()) {
		int n = client.tty.w.n;
		if (n)
			cl_win_select((client.tty.w.cur + step + n) % n);
	} else if (client.rooms.n) {
		client.rooms.cur = (client.rooms.cur + step + client.rooms.n) % client.rooms.n;
	}
}

/* A paste (bracketed paste mode): its lines go one message each, never
 * joined into one, and never run as commands; more than PASTE_ASK lines
 * are sent only once the user says so, as irssi asks. What follows the
 * last newline stays on the input line. Bounded: PASTE_MAX bytes. */
#define PASTE_MAX 8192
#define PASTE_ASK 5
static struct {
	bool in, asking, cut, cr;
	char *buf;
	size_t len;
	int lines;
} paste;

static void paste_byte(int key)
{
	bool crlf = key == '\n' && paste.cr; /* one line end, not two */
	paste.cr = key == '\r';
	if (key > 255 || crlf)
		return;
	if (!paste.buf || paste.len + 1 >= PASTE_MAX) {
		paste.cut = true;
		return;
	}
	if (key == '\r')
		key = '\n';
	paste.lines += key == '\n';
	paste.buf[paste.len++] = (char)key;
}

static void paste_send(void)
{
	char *p = paste.buf, *end = paste.buf + paste.len, *nl;
	paste.asking = false;
	while ((nl = memchr(p, '\n', (size_t)(end - p)))) {
		*nl = '\0';
		cl_say_here(p);
		p = nl + 1;
	}
	for (; p < end; p++) /* the unfinished last line: on the input line */
		le_key(&client.tty.le, (unsigned char)*p);
}

static void paste_end(void)
{
	paste.in = false;
	if (!paste.buf) {
		cl_show("out of memory: the paste is left out");
		return;
	}
	if (paste.cut)
		cl_show("the paste was longer than %d bytes: the rest is left out", PASTE_MAX);
	if (paste.lines <= PASTE_ASK) {
		paste_send();
		return;
	}
	paste.asking = true;
	cl_show("paste of %d lines: Enter sends them, one message each; any other key drops them",
		paste.lines);
}

/* True when KEY was the paste's (or the answer to its question). */
static bool paste_key(int key)
{
	if (key == KEY_PASTE_START && !paste.asking) {
		if (!paste.buf)
			paste.buf = malloc(PASTE_MAX);
		paste.in = true;
		paste.cut = !paste.buf; /* out of memory: the paste is dropped, and said */
		paste.len = 0;
		paste.lines = 0;
		return true;
	}
	if (paste.in) {
		if (key == KEY_PASTE_END)
			paste_end();
		else
			paste_byte(key);
		return true;
	}
	if (!paste.asking)
		return false;
	if (key == '\r' || key == '\n')
		paste_send();
	else
		cl_show("paste of %d lines dropped", paste.lines);
	paste.asking = false;
	return true;
}

static void on_key(int key)
{
	if (paste_key(key))
		return;
	bool alt = client.tty.esc;
	client.tty.esc = key == KEY_ESC;
	if (key != '\t')
		comp.on = false;
	if (alt && key >= '1' && key <= '9' && wins_on()) { /* Alt-N: window N */
		cl_win_select(key - '1');
		return;
	}
	if (key == KEY_CTRL('P') && wins_on()) { /* Up browses the history still */
		next_window(-1);
		return;
	}
	switch (key) {
	case KEY_CTRL('C'):
		cl_quit(0, NULL);
	case KEY_CTRL('D'):
		if (client.tty.le.len == 0) {
			cl_leave(NULL);
			return;
		}
		le_key(&client.tty.le, KEY_DELETE);
		return;
	case KEY_CTRL('L'): cl_draw_all(); return;
	case KEY_CTRL('X'): next_window(1); return;
	case KEY_ESC: return;
	case '\t': complete(); return;
	case KEY_PGUP: scroll_by(screen_page(&client.tty.scr)); return;
	case KEY_PGDN: scroll_by(-screen_page(&client.tty.scr)); return;
	default: break;
	}
	if (le_key(&client.tty.le, key) != LE_ENTER)
		return;
	char line[LE_MAX + 1];
	memcpy(line, client.tty.le.buf, client.tty.le.len + 1);
	le_accept(&client.tty.le);
	if (!strcmp(line, "exit")) {
		cl_leave(NULL);
		return;
	}
	if (client.tty.scr.scroll_off)
		scroll_by(-client.tty.scr.scroll_off);
	cl_submit(line);
}

static void keys_event(struct loop *l, struct watch *w, uint32_t ev)
{
	(void)l;
	(void)w;
	(void)ev;
	struct cl_tty *t = &client.tty;
	ssize_t n = read(STDIN_FILENO, t->keys + t->nkeys, sizeof(t->keys) - t->nkeys);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
		cl_quit(0, NULL); /* the terminal went away */
	if (n < 0)
		return;
	client.tty.nkeys += (size_t)n;
	size_t at = 0;
	while (at < client.tty.nkeys) {
		size_t used;
		int key = term_key(client.tty.keys + at, client.tty.nkeys - at, &used);
		if (key < 0)
			break;
		on_key(key);
		at += used;
	}
	client.tty.nkeys -= at;
	memmove(client.tty.keys, client.tty.keys + at, client.tty.nkeys);
	if (client.tty.nkeys == 1 && client.tty.keys[0] == '\033') {
		/* A lone Esc: a key of its own (it answers the paste question),
		 * and, as readline's Meta prefix, Alt for the key after it: an
		 * Alt-2 split across two reads still is one. */
		client.tty.nkeys = 0;
		on_key(KEY_ESC);
	}
	cl_draw_bottom();
}

void cl_ui_start(void)
{
	if (term_raw(STDIN_FILENO) != 0)
		cl_fail("cannot set up the terminal: %s", strerror(errno));
	client.tty.on = true;
	/* Whole screen updates at once, flushed after each event: no flicker. */
	setvbuf(stdout, NULL, _IOFBF, 8192);
	if (screen_init(&client.tty.scr, STDIN_FILENO, client.tty.colour) != 0)
		cl_fail("out of memory");
	le_init(&client.tty.le);
	/* stdin stays blocking: its flags are shared with the shell, and we
	 * read once per readiness event. */
	if (loop_add(&client.loop, &client.in, STDIN_FILENO, keys_event, EPOLLIN) != 0)
		cl_fail("cannot watch the terminal: %s", strerror(errno));
	cl_draw_all();
	cl_show("type /help for the commands; Ctrl-C quits");
}
