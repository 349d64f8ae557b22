/* show.c - what chat-client shows: lines on the screen, or on stdout in script mode. */
#include "client.h"
#include "textsafe.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* "HH:MM" (local time) of the message: its server-time tag, else now. */
void cl_msg_time(const char *tags, char out[8])
{
	char v[40];
	struct tm tm;
	long long ms;
	time_t t;

	/* (core/irc's parser, the server's too: no second copy here) */
	if (irc_tag_get(tags, "time", v, sizeof(v)) && irc_time_parse(v, &ms))
		t = (time_t)(ms / 1000);
	else
		t = time(NULL);
	if (localtime_r(&t, &tm))
		snprintf(out, 8, "%02d:%02d", tm.tm_hour % 24, tm.tm_min % 60);
	else
		strcpy(out, "--:--");
}

/* A stable colour per nick: the same nick looks the same everywhere. */
static uint8_t nick_colour(const char *nick)
{
	static const uint8_t palette[] = { 31, 32, 33, 35, 36, 91, 92, 93, 95, 96 };
	unsigned h = 5381;
	for (; *nick; nick++)
		h = h * 33 + (unsigned)irc_tolower((unsigned char)*nick);
	return palette[h % sizeof(palette)];
}

/* ---- output: screen or stdout ------------------------------------------- */

void cl_out_flush(void)
{
	if (fflush(stdout) != 0 && !ui_on())
		exit(1); /* nobody reads our output any more */
}

/* Text from the network (or quoting it), safe to show: the one policy. */
void cl_clean(char *dst, size_t size, const char *src)
{
	text_safe_str(dst, size, src, CL_TEXT_FLAGS);
}

enum shown { SCREEN_ONLY, ALSO_STDERR, REPLY, MARK };

/* An informational line on screen. In script mode an alert goes to
 * stderr, a server's reply to stdout once the script asked for one
 * (/quote, /whois...: "HH:MM -!- text"), and a mark in a room's stream
 * to stdout in its place ("HH:MM #room --- ..."); the rest stays quiet. */
static void vshow(const char *where, enum shown how, const char *fmt, va_list ap)
{
	char raw[1024], clean[1024], line[1100], hm[8];
	vsnprintf(raw, sizeof(raw), fmt, ap);
	cl_clean(clean, sizeof(clean), raw); /* it may quote what peers sent */
	cl_msg_time(NULL, hm);
	snprintf(line, sizeof(line), "%s -!- %s", hm, clean);
	cl_log_line(where, line);
	if (!ui_on()) {
		if (how == ALSO_STDERR) {
			msg("%s", clean);
		} else if ((how == REPLY && client.script.replies) || how == MARK) {
			cl_clean(raw, sizeof(raw), where ? where : "");
			printf("%s %s %s\n", hm, how == MARK ? raw : "-!-", clean);
			cl_out_flush();
		}
		return;
	}
	cl_add_line(where, line, 0, 0, 0, false);
}

void cl_show(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vshow(NULL, SCREEN_ONLY, fmt, ap);
	va_end(ap);
}

/* What went wrong or changed behind the user's back: also on stderr. */
void cl_alert(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vshow(NULL, ALSO_STDERR, fmt, ap);
	va_end(ap);
}

/* What the server answered: also on a script's stdout once it asked. */
void cl_reply(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vshow(NULL, REPLY, fmt, ap);
	va_end(ap);
}

void cl_show_in(const char *where, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vshow(where, SCREEN_ONLY, fmt, ap);
	va_end(ap);
}

/* A mark in room WHERE's stream (where its replayed history ended). */
void cl_mark_in(const char *where, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vshow(where, MARK, fmt, ap);
	va_end(ap);
}

void cl_reply_in(const char *where, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vshow(where, REPLY, fmt, ap);
	va_end(ap);
}

/* A chat message: "HH:MM #room <nick> text" in script mode. */
void cl_show_message(const char *tags, const char *room, const char *from,
		     const char *text, bool action, bool notice)
{
	char clean[IRC_MAX_LINE * 2], hm[8], line[IRC_MAX_LINE * 3];
	char where[ROOM_MAX * 2 + 8], who[NICK_MAX * 2 + 8];
	const char *open = action ? "* " : notice ? "-" : "<", *close = action ? "" : notice ? "-" : ">";
	bool mine = cl_is_me(from);

	cl_clean(clean, sizeof(clean), text);
	cl_clean(where, sizeof(where), room);
	cl_clean(who, sizeof(who), from);
	cl_msg_time(tags, hm);
	if (ENABLE_CLIENT_LOG && client.log_dir[0]) {
		snprintf(line, sizeof(line), "%s %s%s%s %s", hm, open, who, close, clean);
		cl_log_line(room[0] == '@' ? room + 1 : room, line); /* "@bo": the chat with bo */
	}
	if (client.script.on && mine && !ui_on())
		return; /* scripts see what others say */
	if (!ui_on()) {
		printf("%s %s %s%s%s %s\n", hm, where, open, who, close, clean);
		cl_out_flush();
		return;
	}
	/* On screen the room is shown only when several are joined and share
	 * one stream; a window is the room's, or the private chat's, where
	 * only our own private lines (typed elsewhere) say where they went. A
	 * private chat is marked "[msg bo]": unlike "@bo", no op prefix. */
	bool priv = room[0] == '@';
	bool other = wins_on() ? priv && mine && irc_casecmp(cl_win_name(), room + 1) :
				 client.rooms.n > 1 || room[0] != '#';
	if (priv) {
		char nick[sizeof(where)];
		strlcpy_ok(nick, where + 1, sizeof(nick));
		snprintf(where, sizeof(where), "[msg %.*s]", NICK_MAX * 2, nick);
	}
	int at = snprintf(line, sizeof(line), "%s %s%s%s", hm, other ? where : "", other ? " " : "", open);
	snprintf(line + at, sizeof(line) - (size_t)at, "%s%s %s", who, close, clean);
	bool hilite = !mine && client.id.nick[0] && str_find(clean, client.id.nick, true) != NULL;
	const char *win = room[0] == '@' ? room + 1 : room; /* "@bo": the chat with bo */
	cl_add_line(mine && room[0] == '@' ? NULL : win, line, (size_t)at, strlen(who), nick_colour(from), hilite);
}
