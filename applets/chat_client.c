/* chat_client.c - chat-client: a small terminal IRC client with a script mode.
 *
//applet:APPLET("chat-client", chat_client, CHAT_CLIENT)
//config:config CHAT_CLIENT
//config:	bool "chat-client"
//config:	default y
//config:	help
//config:	  A terminal chat client speaking IRC (chat-server, ngIRCd or
//config:	  any IRC server): an input line with editing, history and
//config:	  nick completion, scrollback, colours, reconnect; and a
//config:	  script mode for cron jobs and pipes.
//config:	  Costs 24.6 KB of binary on x86_64, 28.7 KB on ARMv6 and
//config:	  34 KB on MIPS (ath79) next to chat-server (no curses), and
//config:	  about 29 KB of buffers (bss) while it runs.
//usage:chat-client [-s] [-n NICK] [-r ROOM] [-p PORT] [HOST[:PORT]]
//usage:
//usage:Chat on a chat-server (or any IRC server) from a terminal or a script.
//usage:HOST may be a name, an IPv4 address or [IPv6%scope]; default localhost.
//usage:
//usage:	-s	Script mode: stdin lines are sent, messages printed
//usage:		(also when stdin or stdout is not a terminal)
//usage:	-n NICK	Nickname (default $USER)
//usage:	-r ROOM	Room to join (default #lobby)
//usage:	-p PORT	Port (default 6667)
//usage:
//usage:Type /help in the client for its commands.
 */
#include "applet.h"
#include "irc.h"
#include "lineedit.h"
#include "loop.h"
#include "net.h"
#include "term.h"
#include "utf8.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#define NICK_MAX     30
#define ROOM_MAX     50
#define MAX_ROOMS    16
#define MAX_NAMES    256    /* nicks remembered per room, for completion */
#define MAX_ADDRS    8
#define INBUF_MAX    (IRC_MAX_TAGS + IRC_MAX_LINE)
#define OUTQ_MAX     8192
#define QUEUE_MAX    256    /* lines not yet confirmed by the server */
#define SCROLLBACK   1000   /* lines kept for redraw and PgUp */
#define STDIN_MAX    4096   /* a script-mode line longer than this is split */
#define TEXT_MAX     400    /* bytes of text per PRIVMSG: the relayed line fits 512 */
#define BACKOFF_MAX  30000
#define SCRIPT_RETRIES 10
#define DRAIN_TOKEN  "chatbox-drain"
#define READY_TOKEN  "chatbox-ready"
#define ACK_TOKEN    "chatbox-ack-"
#define CONNECT_TIMEOUT_MS 10000
#define IDLE_PING_MS 60000  /* silence before we ask the server */
#define DEAD_MS      150000 /* silence before we give up on it */

enum state { OFFLINE, CONNECTING, REGISTERING, ONLINE };

struct room {
	char name[ROOM_MAX + 1];
	char **names;    /* malloc'd, grows to at most MAX_NAMES */
	int cap;
	int nnames;
	bool names_done; /* a new NAMES reply replaces the list */
};

/* A line the user typed: kept until the server confirmed it (a PONG that
 * came after it), so a lost connection loses nothing typed. */
struct qline {
	char *target, *text; /* one allocation: "target\0text" */
	unsigned seq;        /* 0: not sent on this connection yet */
	bool action;
};

struct sline {
	char *text;      /* sanitised, no control characters */
	uint16_t nick_at, nick_len;
	uint8_t colour;  /* 0: none */
	bool hilite;
};

static struct client {
	struct loop loop;
	struct watch conn, in, sig;
	struct timer retry, stdin_timer, watchdog, ack_timer;
	int64_t last_rx;
	enum state state;
	int fd;
	struct net_addr addrs[MAX_ADDRS];
	int naddrs, addr_i, last_err;
	char host[NET_HOST_MAX];
	unsigned port;
	char nick[NICK_MAX + 1], want_nick[NICK_MAX + 1];
	int nick_tries;
	bool script, colour, ready, ever_online, cap_echo;
	int retries, backoff_ms;
	struct room rooms[MAX_ROOMS];
	int nrooms, cur;
	char inbuf[INBUF_MAX];
	size_t inlen;
	bool skipping;   /* dropping the rest of an overlong line */
	char outq[OUTQ_MAX];
	size_t outlen;
	int write_err;   /* sending failed: read the server's last words first */
	bool want_out;   /* EPOLLOUT asked for */
	struct qline queue[QUEUE_MAX];
	int qhead, qlen;
	unsigned seq;
	/* script mode */
	bool stdin_file, stdin_eof, draining;
	bool lost_lines; /* a line could not be sent: exit 1 */
	char *sbuf;      /* STDIN_MAX bytes, allocated in script mode */
	size_t slen;
	/* interactive mode */
	bool ui;
	int rows, cols;
	struct lineedit le;
	char keys[32];
	size_t nkeys;
	struct sline *lines; /* SCROLLBACK of them, allocated with the screen */
	int first, nlines, scroll_off;
} C;

static void send_raw(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static _Noreturn void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void conn_lost(const char *why);
static void show(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void alert(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void draw_all(void);
static void draw_bottom(void);
static void stdin_update(void);
static void queue_unsend(void);
static void say(const char *target, const char *text, bool action);
static void script_finish(void);

/* die(), but the message is shown on the normal screen, after restoring it. */
static void fail(const char *fmt, ...)
{
	va_list ap;
	term_restore();
	fflush(stdout);
	va_start(ap, fmt);
	vmsg(LOG_ERR, fmt, ap);
	va_end(ap);
	exit(1);
}

/* ---- rooms and names ---------------------------------------------------- */

static struct room *find_room(const char *name)
{
	for (int i = 0; i < C.nrooms; i++)
		if (irc_casecmp(C.rooms[i].name, name) == 0)
			return &C.rooms[i];
	return NULL;
}

static struct room *cur_room(void)
{
	return C.nrooms ? &C.rooms[C.cur] : NULL;
}

static void names_clear(struct room *r)
{
	for (int i = 0; i < r->nnames; i++)
		free(r->names[i]);
	r->nnames = 0;
}

static int name_index(const struct room *r, const char *nick)
{
	for (int i = 0; i < r->nnames; i++)
		if (irc_casecmp(r->names[i], nick) == 0)
			return i;
	return -1;
}

static void name_add(struct room *r, const char *nick)
{
	char *copy;
	if (r->nnames == MAX_NAMES || name_index(r, nick) >= 0)
		return;
	if (r->nnames == r->cap) {
		int cap = r->cap ? MIN(r->cap * 2, MAX_NAMES) : 16;
		char **more = realloc(r->names, (size_t)cap * sizeof(*more));
		if (!more)
			return;
		r->names = more;
		r->cap = cap;
	}
	if ((copy = strdup(nick)))
		r->names[r->nnames++] = copy;
}

static bool name_del(struct room *r, const char *nick)
{
	int i = name_index(r, nick);
	if (i < 0)
		return false;
	free(r->names[i]);
	r->names[i] = r->names[--r->nnames];
	return true;
}

static struct room *room_add(const char *name)
{
	struct room *r = find_room(name);
	if (r || C.nrooms == MAX_ROOMS)
		return r;
	r = &C.rooms[C.nrooms++];
	memset(r, 0, sizeof(*r));
	strlcpy_ok(r->name, name, sizeof(r->name));
	return r;
}

static void room_del(struct room *r)
{
	int i = (int)(r - C.rooms);
	names_clear(r);
	free(r->names);
	memmove(r, r + 1, (size_t)(C.nrooms - i - 1) * sizeof(*r));
	C.nrooms--;
	if (C.cur >= C.nrooms)
		C.cur = C.nrooms ? C.nrooms - 1 : 0;
}

/* ---- text --------------------------------------------------------------- */

/* Copy S into OUT without control characters, IRC formatting codes or
 * malformed UTF-8: nothing a peer sends may move our cursor or recolour. */
static void sanitise(char *out, size_t outsz, const char *s)
{
	size_t o = 0, n = strlen(s);
	for (size_t i = 0; i < n && o + 5 < outsz;) {
		uint32_t cp;
		size_t len = utf8_decode(s + i, n - i, &cp);
		if (cp == 0x03) { /* colour code: ^C[fg[,bg]] */
			i++;
			for (int d = 0; d < 2 && s[i] >= '0' && s[i] <= '9'; d++)
				i++;
			if (s[i] == ',' && s[i + 1] >= '0' && s[i + 1] <= '9')
				for (int d = 0, j = ++i; d < 2 && s[j] >= '0' && s[j] <= '9'; d++, j++)
					i++;
			continue;
		}
		if (utf8_cp_width(cp) < 0 || cp == UTF8_BAD) {
			if (cp == '\t' || cp == UTF8_BAD)
				out[o++] = cp == '\t' ? ' ' : '?';
			i += len;
			continue;
		}
		memcpy(out + o, s + i, len);
		o += len;
		i += len;
	}
	out[o] = '\0';
}

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

static bool is_me(const char *nick)
{
	return irc_casecmp(nick, C.nick) == 0;
}

/* Parse N digits at *P into *OUT; false if they are not all digits. */
static bool digits(const char **p, int n, int *out)
{
	*out = 0;
	for (int i = 0; i < n; i++, (*p)++) {
		if (**p < '0' || **p > '9')
			return false;
		*out = *out * 10 + (**p - '0');
	}
	return true;
}

/* The UTC time of an IRCv3 "time" tag, "2021-03-04T05:06:07.000Z". */
static bool tag_time(const char *v, time_t *t)
{
	struct tm tm = { 0 };
	if (!digits(&v, 4, &tm.tm_year) || *v++ != '-' || !digits(&v, 2, &tm.tm_mon) ||
	    *v++ != '-' || !digits(&v, 2, &tm.tm_mday) || *v++ != 'T' ||
	    !digits(&v, 2, &tm.tm_hour) || *v++ != ':' || !digits(&v, 2, &tm.tm_min))
		return false;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*t = timegm(&tm);
	return *t != (time_t)-1;
}

/* "HH:MM" (local time) of the message: its server-time tag, else now. */
static void msg_time(const char *tags, char out[8])
{
	char v[40];
	struct tm tm;
	time_t t;

	if (!irc_tag_get(tags, "time", v, sizeof(v)) || !tag_time(v, &t))
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

static void out_flush(void)
{
	if (fflush(stdout) != 0 && !C.ui)
		exit(1); /* nobody reads our output any more */
}

static void sline_render(const struct sline *l)
{
	const char *t = l->text;
	unsigned colour = C.colour ? l->colour : 0; /* NO_COLOR: bold stays */
	if (!colour && !l->hilite) {
		fputs(t, stdout);
		return;
	}
	if (l->hilite)
		fputs("\033[1m", stdout);
	fwrite(t, 1, l->nick_at, stdout);
	if (colour)
		printf("\033[%um", colour);
	fwrite(t + l->nick_at, 1, l->nick_len, stdout);
	printf("\033[39m%s\033[0m", t + l->nick_at + l->nick_len);
}

static int region_rows(void)
{
	return C.rows - 2;
}

static int sline_rows(const struct sline *l)
{
	size_t w = utf8_width(l->text, strlen(l->text));
	return w == 0 ? 1 : (int)((w + (size_t)C.cols - 1) / (size_t)C.cols);
}

static struct sline *sline_at(int i) /* 0: oldest kept */
{
	return &C.lines[(C.first + i) % SCROLLBACK];
}

static void draw_messages(void)
{
	int h = region_rows(), total = 0, from = C.nlines - C.scroll_off;
	int i = from;
	while (i > 0 && total < h)
		total += sline_rows(sline_at(--i));
	printf("\033[1;%dr\033[1;1H\033[J", h);
	if (total < h)
		printf("\033[%d;1H", h - total + 1);
	for (int j = i; j < from; j++) {
		if (j > i)
			fputs("\r\n", stdout);
		sline_render(sline_at(j));
	}
}

static void draw_status(void)
{
	struct room *r = cur_room();
	static const char *names[] = { "offline, reconnecting", "connecting", "logging in", "online" };
	char s[512], users[24] = "";
	if (r && r->nnames)
		snprintf(users, sizeof(users), " (%d user%s)", r->nnames, r->nnames == 1 ? "" : "s");
	int n = snprintf(s, sizeof(s), " %s:%u | %s%s | %s | %s%s", C.host, C.port,
			 r ? r->name : "(no room)", users, C.nick, names[C.state],
			 C.scroll_off ? " | -- more below (PgDn) --" : "");
	if (n < 0)
		return;
	if (n >= (int)sizeof(s))
		n = sizeof(s) - 1;
	size_t fit = utf8_fit(s, (size_t)n, (size_t)C.cols);
	size_t pad = (size_t)C.cols - utf8_width(s, fit);
	printf("\033[%d;1H\033[7m%.*s%*s\033[0m", C.rows - 1, (int)fit, s, (int)pad, "");
}

static void draw_input(void)
{
	struct room *r = cur_room();
	char prompt[ROOM_MAX + 4];
	size_t start, n, col;

	snprintf(prompt, sizeof(prompt), "[%s] ", r ? r->name : "");
	size_t pw = utf8_width(prompt, strlen(prompt));
	if (pw > (size_t)C.cols / 3) {
		prompt[0] = '\0';
		pw = 0;
	}
	le_view(&C.le, (size_t)C.cols - pw, &start, &n, &col);
	printf("\033[%d;1H\033[K%s%.*s\033[%d;%zuH", C.rows, prompt, (int)n, C.le.buf + start,
	       C.rows, pw + col + 1);
}

static void draw_bottom(void)
{
	if (!C.ui)
		return;
	draw_status();
	draw_input();
	out_flush();
}

static void draw_all(void)
{
	if (!C.ui)
		return;
	term_size(STDIN_FILENO, &C.rows, &C.cols);
	fputs("\033[r\033[H\033[2J", stdout);
	draw_messages();
	draw_bottom();
}

/* Append a line to the scrollback and show it above the input line. */
static void add_line(const char *text, size_t nick_at, size_t nick_len, uint8_t colour, bool hilite)
{
	struct sline *l;
	char *copy = strdup(text);
	if (!copy)
		return;
	if (C.nlines == SCROLLBACK) {
		free(C.lines[C.first].text);
		C.first = (C.first + 1) % SCROLLBACK;
		C.nlines--;
	}
	l = sline_at(C.nlines++);
	*l = (struct sline){ copy, (uint16_t)nick_at, (uint16_t)nick_len, colour, hilite };
	if (C.scroll_off) {
		C.scroll_off = MIN(C.scroll_off + 1, C.nlines - 1); /* keep the page still */
		draw_bottom();
		return;
	}
	printf("\033[%d;1H\r\n", region_rows());
	sline_render(l);
	if (hilite)
		fputc('\a', stdout);
	draw_bottom();
}

/* An informational line on screen; scripts stay quiet unless ALWAYS. */
static void vshow(bool always, const char *fmt, va_list ap)
{
	char raw[1024], clean[1024], line[1100], hm[8];
	vsnprintf(raw, sizeof(raw), fmt, ap);
	sanitise(clean, sizeof(clean), raw); /* it may quote what peers sent */
	if (!C.ui) {
		if (always)
			msg("%s", clean);
		return;
	}
	msg_time(NULL, hm);
	snprintf(line, sizeof(line), "%s -!- %s", hm, clean);
	add_line(line, 0, 0, 0, false);
}

static void show(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vshow(false, fmt, ap);
	va_end(ap);
}

/* What went wrong or changed behind the user's back: also on stderr. */
static void alert(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vshow(true, fmt, ap);
	va_end(ap);
}

/* A chat message: "HH:MM #room <nick> text" in script mode. */
static void show_message(const char *tags, const char *room, const char *from,
			 const char *text, bool action, bool notice)
{
	char clean[IRC_MAX_LINE * 2], hm[8], line[IRC_MAX_LINE * 3];
	bool mine = is_me(from);
	size_t at, n;

	if (C.script && mine && !C.ui)
		return; /* scripts see what others say */
	sanitise(clean, sizeof(clean), text);
	msg_time(tags, hm);
	if (!C.ui) {
		printf("%s %s %s%s%s %s\n", hm, room, action ? "* " : notice ? "-" : "<",
		       from, action ? "" : notice ? "-" : ">", clean);
		out_flush();
		return;
	}
	/* On screen the room is shown only when several are joined. */
	bool other = C.nrooms > 1 || (room[0] != '#');
	n = (size_t)snprintf(line, sizeof(line), "%s %s%s%s", hm, other ? room : "", other ? " " : "",
			     action ? "* " : notice ? "-" : "<");
	at = n;
	n += (size_t)snprintf(line + n, sizeof(line) - n, "%s", from);
	size_t nick_len = n - at;
	snprintf(line + n, sizeof(line) - n, "%s %s", action ? "" : notice ? "-" : ">", clean);
	bool hilite = !mine && C.nick[0] && strcasestr(clean, C.nick) != NULL;
	add_line(line, at, nick_len, nick_colour(from), hilite);
}

/* ---- connection ----------------------------------------------------------- */

static void out_write(void)
{
	while (C.outlen && !C.write_err) {
		ssize_t n = send(C.fd, C.outq, C.outlen, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				break;
			/* Not lost yet: an ERROR line saying why may be waiting;
			 * conn_event() reads it, then gives up. */
			C.write_err = errno;
			C.outlen = 0;
			break;
		}
		memmove(C.outq, C.outq + n, C.outlen - (size_t)n);
		C.outlen -= (size_t)n;
	}
	if (C.want_out != (C.outlen > 0)) { /* a syscall only on a change */
		C.want_out = C.outlen > 0;
		loop_mod(&C.loop, &C.conn, EPOLLIN | (C.want_out ? EPOLLOUT : 0));
	}
	if (C.script)
		stdin_update();
}

static void send_raw(const char *fmt, ...)
{
	char line[IRC_MAX_LINE + 1];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof(line) - 2, fmt, ap);
	va_end(ap);
	if (C.state < REGISTERING || n < 0 || C.write_err)
		return;
	if (n > (int)sizeof(line) - 3)
		n = (int)sizeof(line) - 3;
	/* A CR or LF inside would end the line early and start another
	 * command: "text\rQUIT" from a script must stay text. */
	for (char *p = line; (p = strpbrk(p, "\r\n")) != NULL;)
		*p = ' ';
	memcpy(line + n, "\r\n", 2);
	if (C.outlen + (size_t)n + 2 > OUTQ_MAX) {
		conn_lost("the server does not read what we send");
		return;
	}
	memcpy(C.outq + C.outlen, line, (size_t)n + 2);
	C.outlen += (size_t)n + 2;
	out_write();
}

static void reconnect_later(const char *why)
{
	if (C.script && ++C.retries > SCRIPT_RETRIES)
		fail("giving up on %s:%u: %s", C.host, C.port, why);
	C.backoff_ms = C.backoff_ms ? MIN(C.backoff_ms * 2, BACKOFF_MAX) : 1000;
	alert("%s; reconnecting in %d s", why, C.backoff_ms / 1000);
	loop_timer(&C.loop, &C.retry, C.backoff_ms);
	draw_bottom();
}

static void conn_close(void)
{
	if (C.fd >= 0) {
		loop_del(&C.loop, &C.conn);
		close(C.fd);
	}
	C.fd = -1;
	C.outlen = C.inlen = 0;
	C.write_err = 0;
	C.cap_echo = false;
	C.skipping = C.ready = C.draining = false;
	C.state = OFFLINE;
	for (int i = 0; i < C.nrooms; i++)
		names_clear(&C.rooms[i]);
	queue_unsend();
	loop_timer_cancel(&C.loop, &C.watchdog);
	loop_timer_cancel(&C.loop, &C.ack_timer);
	if (C.script)
		stdin_update();
}

static void conn_lost(const char *why)
{
	char reason[256];
	snprintf(reason, sizeof(reason), "%s", why); /* WHY may point into our buffers */
	conn_close();
	if (!C.ever_online)
		fail("%s:%u refused us before logging in: %s", C.host, C.port, reason);
	reconnect_later(reason[0] ? reason : "connection lost");
}

static void conn_event(struct loop *l, struct watch *w, uint32_t ev);

static void connect_next(void)
{
	while (C.addr_i < C.naddrs) {
		int fd = net_connect_start(&C.addrs[C.addr_i++]);
		if (fd < 0) {
			C.last_err = errno;
			continue;
		}
		if (loop_add(&C.loop, &C.conn, fd, conn_event, EPOLLOUT) != 0) {
			C.last_err = errno;
			close(fd);
			continue;
		}
		C.fd = fd;
		C.state = CONNECTING;
		loop_timer(&C.loop, &C.watchdog, CONNECT_TIMEOUT_MS);
		return;
	}
	/* Every address failed. */
	C.state = OFFLINE;
	loop_timer_cancel(&C.loop, &C.watchdog);
	char why[300];
	snprintf(why, sizeof(why), "cannot connect to %s:%u: %s", C.host, C.port,
		 C.last_err == ECONNREFUSED ? "connection refused" : strerror(C.last_err));
	if (!C.ever_online)
		fail("%s \xe2\x80\x94 is chat-server running there? try chat-discover", why);
	reconnect_later(why);
}

static void start_connect(void)
{
	C.addr_i = 0;
	C.last_err = ECONNREFUSED;
	connect_next();
	draw_bottom();
}

static void retry_fire(struct loop *l, struct timer *t)
{
	(void)l;
	(void)t;
	show("connecting to %s:%u...", C.host, C.port);
	start_connect();
}

static void ui_start(void);

/* Connects that hang, and servers that went silent (a router rebooted,
 * Wi-Fi gone): found by time, since TCP alone may take hours. */
static void watchdog_fire(struct loop *l, struct timer *t)
{
	if (C.state == CONNECTING) {
		loop_del(l, &C.conn);
		close(C.fd);
		C.fd = -1;
		C.last_err = ETIMEDOUT;
		connect_next();
		return;
	}
	if (C.state < REGISTERING)
		return;
	int64_t idle = loop_now_ms() - C.last_rx;
	if (idle >= DEAD_MS) {
		conn_lost("no answer from the server for minutes");
		return;
	}
	if (idle >= IDLE_PING_MS)
		send_raw("PING :chatbox-alive");
	loop_timer(l, t, IDLE_PING_MS / 2);
}

static void connected(void)
{
	C.state = REGISTERING;
	C.nick_tries = 0;
	C.last_rx = loop_now_ms();
	loop_timer(&C.loop, &C.watchdog, IDLE_PING_MS / 2);
	strlcpy_ok(C.nick, C.want_nick, sizeof(C.nick));
	loop_mod(&C.loop, &C.conn, EPOLLIN);
	C.want_out = false;
	if (!C.script && !C.ui)
		ui_start();
	send_raw("CAP LS 302");
	send_raw("NICK %s", C.nick);
	send_raw("USER %s 0 * :chatbox user", C.nick);
	draw_bottom();
}

/* ---- sending what the user typed ----------------------------------------- */

/* Send TEXT to TARGET in pieces that fit a relayed IRC line. */
static void send_text(const char *target, const char *text, bool action)
{
	size_t n = strlen(text);
	do {
		size_t take = MIN(n, (size_t)TEXT_MAX);
		/* Cut between characters, never inside one. */
		while (take < n && take > 1 && ((unsigned char)text[take] & 0xC0) == 0x80)
			take--;
		if (action)
			send_raw("PRIVMSG %s :\001ACTION %.*s\001", target, (int)take, text);
		else
			send_raw("PRIVMSG %s :%.*s", target, (int)take, text);
		if (!C.cap_echo && C.ui) {
			char piece[TEXT_MAX + 1];
			snprintf(piece, sizeof(piece), "%.*s", (int)take, text);
			show_message(NULL, target, C.nick, piece, action, false);
		}
		text += take;
		n -= take;
	} while (n);
}

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
		show("%s", help[i]);
}

static _Noreturn void quit(int code, const char *why)
{
	if (C.state >= REGISTERING) {
		send_raw("QUIT :%s", why ? why : "bye");
		shutdown(C.fd, SHUT_WR);
	}
	term_restore();
	out_flush();
	exit(code);
}

static void join_room(const char *name)
{
	char room[ROOM_MAX + 2];
	snprintf(room, sizeof(room), "%s%s", name[0] == '#' ? "" : "#", name);
	struct room *r = find_room(room);
	if (r) {
		C.cur = (int)(r - C.rooms);
		draw_bottom();
		return;
	}
	if (!irc_room_valid(room, ROOM_MAX)) {
		show("'%s' is not a room name: try /join #kitchen", name);
		return;
	}
	send_raw("JOIN %s", room);
}

/* A /command; true if it was one (so not chat text). */
static void run_command(char *line)
{
	char *cmd = line + 1, *arg = strchr(cmd, ' ');
	struct room *r = cur_room();
	const char *room = r ? r->name : NULL;

	if (arg)
		*arg++ = '\0';
	else
		arg = cmd + strlen(cmd);
	while (*arg == ' ')
		arg++;
	if (!strcmp(cmd, "quit") || !strcmp(cmd, "exit")) {
		if (C.script && !C.ui) {
			script_finish(); /* what came before it still goes */
			return;
		}
		quit(0, *arg ? arg : NULL);
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
			alert("usage: /msg NICK text");
			return;
		}
		say(arg, text, false);
		return;
	}
	if (!strcmp(cmd, "me") && room) {
		say(room, arg, true);
		return;
	}
	if (C.state != ONLINE) {
		show("not connected: /%s not sent", cmd);
		return;
	}
	if (!strcmp(cmd, "join") && *arg) {
		join_room(arg);
	} else if (!strcmp(cmd, "part") || !strcmp(cmd, "leave")) {
		if (*arg || room)
			send_raw("PART %s", *arg ? arg : room);
	} else if (!strcmp(cmd, "nick") && *arg) {
		send_raw("NICK %s", arg);
	} else if ((!strcmp(cmd, "who") || !strcmp(cmd, "names")) && (*arg || room)) {
		struct room *w = *arg ? find_room(arg) : r;
		if (w)
			w->names_done = true;
		send_raw("NAMES %s", *arg ? arg : room);
	} else if (!strcmp(cmd, "rooms") || !strcmp(cmd, "list")) {
		send_raw("LIST");
	} else if (!strcmp(cmd, "topic") && room) {
		if (*arg)
			send_raw("TOPIC %s :%s", room, arg);
		else
			send_raw("TOPIC %s", room);
	} else if (!strcmp(cmd, "away")) {
		if (*arg)
			send_raw("AWAY :%s", arg);
		else
			send_raw("AWAY");
	} else if (!strcmp(cmd, "quote") && *arg) {
		send_raw("%s", arg);
	} else {
		show("unknown command /%s: try /help", cmd);
	}
}

static struct qline *queue_at(int i)
{
	return &C.queue[(C.qhead + i) % QUEUE_MAX];
}

/* Keep a line for TARGET; false (and said) if the queue is full. */
static bool queue_line(const char *target, const char *text, bool action)
{
	size_t tn = strlen(target) + 1, n = strlen(text) + 1;
	char *mem;
	if (C.qlen == QUEUE_MAX) {
		alert("too many lines waiting for the server: not sent: %s", text);
		C.lost_lines = true;
		return false;
	}
	if (!(mem = malloc(tn + n)))
		return false;
	memcpy(mem, target, tn);
	memcpy(mem + tn, text, n);
	*queue_at(C.qlen++) = (struct qline){ mem, mem + tn, 0, action };
	return true;
}

/* One PING after a burst of lines: its PONG confirms them all. It goes
 * once the loop has handled what arrived, so a pasted or piped burst
 * costs the server (and its flood limit) one PING, not one per line. */
static void ack_fire(struct loop *l, struct timer *t)
{
	(void)l;
	(void)t;
	send_raw("PING :" ACK_TOKEN "%u", C.seq);
}

/* Send every queued line not yet sent on this connection. */
static void queue_send(void)
{
	if (!C.ready)
		return;
	for (int i = 0; i < C.qlen; i++) {
		struct qline *q = queue_at(i);
		if (q->seq)
			continue;
		send_text(q->target, q->text, q->action);
		if (!C.ready)
			return; /* the connection broke: all of it goes again later */
		q->seq = ++C.seq ? C.seq : ++C.seq;
		if (!timer_armed(&C.ack_timer))
			loop_timer(&C.loop, &C.ack_timer, 0);
	}
}

static void queue_ack(const char *token)
{
	unsigned long seq;
	if (!parse_uint(token, 1, 0xFFFFFFFFul, &seq))
		return;
	while (C.qlen && queue_at(0)->seq && queue_at(0)->seq <= seq) {
		free(queue_at(0)->target);
		C.qhead = (C.qhead + 1) % QUEUE_MAX;
		C.qlen--;
	}
}

/* The connection is gone: whatever it did not confirm goes again. */
static void queue_unsend(void)
{
	for (int i = 0; i < C.qlen; i++)
		queue_at(i)->seq = 0;
}

static void say(const char *target, const char *text, bool action)
{
	if (!queue_line(target, text, action))
		return;
	if (!C.ready)
		show("(not connected: will send when back) %s", text);
	queue_send();
}

/* Text for the current room: sent now, or kept until we are back. */
static void submit(const char *line)
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
	if (!cur_room()) {
		alert("not in a room: /join #lobby first");
		C.lost_lines = true;
		return;
	}
	say(cur_room()->name, line, false);
}

/* ---- incoming IRC --------------------------------------------------------- */

static void pick_other_nick(const char *why)
{
	char base[NICK_MAX + 1];
	size_t n = strlen(C.want_nick);
	if (n > NICK_MAX - 3)
		n = NICK_MAX - 3;
	memcpy(base, C.want_nick, n);
	base[n] = '\0';
	if (++C.nick_tries > 50)
		conn_lost("no free nick found");
	else {
		char old[NICK_MAX + 1];
		strlcpy_ok(old, C.nick, sizeof(old));
		snprintf(C.nick, sizeof(C.nick), "%.27s%u", base, (unsigned)(C.nick_tries + 1) % 100);
		alert("nick %s %s, using %s", old, why, C.nick);
		send_raw("NICK %s", C.nick);
	}
}

static void on_cap(struct irc_msg *m)
{
	const char *sub = m->nparams > 1 ? m->params[1] : "";
	const char *list = m->params[m->nparams - 1];
	if (!strcmp(sub, "LS")) {
		char copy[IRC_MAX_LINE];
		strlcpy_ok(copy, list, sizeof(copy));
		for (char *tok = strtok(copy, " "); tok; tok = strtok(NULL, " ")) {
			tok[strcspn(tok, "=")] = '\0';
			if (!strcmp(tok, "server-time") || !strcmp(tok, "echo-message"))
				send_raw("CAP REQ :%s", tok);
		}
		if (m->nparams > 3 && !strcmp(m->params[2], "*"))
			return; /* more LS lines follow */
		send_raw("CAP END");
	} else if (!strcmp(sub, "ACK")) {
		if (strstr(list, "echo-message") && !strstr(list, "-echo-message"))
			C.cap_echo = true;
	}
}

static void on_welcome(struct irc_msg *m)
{
	strlcpy_ok(C.nick, m->params[0], sizeof(C.nick));
	C.state = ONLINE;
	C.ever_online = true;
	C.backoff_ms = 0;
	C.retries = 0;
	show("connected to %s:%u as %s", C.host, C.port, C.nick);
	for (int i = 0; i < C.nrooms; i++)
		send_raw("JOIN %s", C.rooms[i].name);
	/* The PONG comes back after the JOINs were handled: then we are in. */
	send_raw("PING :" READY_TOKEN);
}

static void on_join(struct irc_msg *m, const char *from)
{
	const char *room = m->params[0];
	struct room *r;
	if (is_me(from)) {
		bool rejoin = find_room(room) != NULL;
		if (!irc_room_valid(room, ROOM_MAX))
			return;
		r = room_add(room);
		if (!r)
			return;
		if (!rejoin) /* a new room becomes the current one; rejoins keep it */
			C.cur = (int)(r - C.rooms);
		names_clear(r);
		show("you joined %s", r->name);
	} else if ((r = find_room(room))) {
		show("%s joined %s", from, r->name);
	}
	if (r)
		name_add(r, from);
	draw_bottom();
}

static void on_part(struct irc_msg *m, const char *who, const char *by)
{
	struct room *r = find_room(m->params[0]);
	if (!r)
		return;
	if (is_me(who)) {
		show("you left %s%s%s", r->name, by ? " - kicked by " : "", by ? by : "");
		room_del(r);
	} else {
		name_del(r, who);
		show("%s left %s", who, r->name);
	}
	draw_bottom();
}

static void on_quit(const char *from, const char *why)
{
	bool seen = false;
	for (int i = 0; i < C.nrooms; i++)
		seen |= name_del(&C.rooms[i], from);
	if (seen)
		show("%s quit (%s)", from, why);
	draw_bottom();
}

static void on_nick(const char *from, const char *to)
{
	bool seen = false;
	for (int i = 0; i < C.nrooms; i++)
		if (name_del(&C.rooms[i], from)) {
			name_add(&C.rooms[i], to);
			seen = true;
		}
	if (is_me(from)) {
		strlcpy_ok(C.nick, to, sizeof(C.nick));
		strlcpy_ok(C.want_nick, to, sizeof(C.want_nick));
		show("you are now %s", to);
	} else if (seen) {
		show("%s is now %s", from, to);
	}
	draw_bottom();
}

static void on_names(struct irc_msg *m)
{
	struct room *r;
	if (m->nparams < 4 || !(r = find_room(m->params[2])))
		return;
	if (r->names_done) {
		names_clear(r);
		r->names_done = false;
	}
	char copy[IRC_MAX_LINE];
	strlcpy_ok(copy, m->params[3], sizeof(copy));
	for (char *tok = strtok(copy, " "); tok; tok = strtok(NULL, " "))
		name_add(r, tok + strspn(tok, "@+%~&"));
	if (C.ui)
		show("in %s: %s", r->name, m->params[3]);
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
		show("-%s- %s", from[0] ? from : "server", text); /* a server notice */
		return;
	}
	if (target[0] != '#') {
		/* Private: labelled with the other person's name. */
		char label[NICK_MAX + 4];
		snprintf(label, sizeof(label), "@%.*s", NICK_MAX, is_me(from) ? target : from);
		show_message(m->tags, label, from, text, action, notice);
		return;
	}
	show_message(m->tags, target, from, text, action, notice);
}

static void on_numeric(struct irc_msg *m, int num)
{
	const char *last = m->params[m->nparams - 1];
	switch (num) {
	case 1: on_welcome(m); return;
	case 433: case 432: case 436:
		if (C.state != ONLINE) {
			pick_other_nick(num == 432 ? "is not allowed" : "is taken");
			return;
		}
		break;
	case 353: on_names(m); return;
	case 332: if (m->nparams > 2) show("topic of %s: %s", m->params[1], last); return;
	case 322: if (m->nparams > 2) show("%s (%s user%s) %s", m->params[1], m->params[2],
					  strcmp(m->params[2], "1") ? "s" : "", m->nparams > 3 ? last : ""); return;
	case 301: if (m->nparams > 2) show("%s is away: %s", m->params[1], last); return;
	case 305: case 306: case 323: case 331: show("%s", last); return;
	default: break;
	}
	if (num >= 400 && num < 600) {
		/* "<me> [subject] :text": say what failed and why. */
		if (m->nparams > 2)
			alert("%s: %s", m->params[1], last);
		else
			alert("%s", last);
		if (!C.ever_online && (num == 465 || num == 464))
			conn_lost(last);
	}
}

static void handle_line(char *line)
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
		send_raw("PONG :%s", m.nparams ? m.params[m.nparams - 1] : "");
	} else if (irc_cmd_is(&m, "PONG") && m.nparams) {
		const char *tok = m.params[m.nparams - 1];
		if (!strcmp(tok, READY_TOKEN)) {
			C.ready = true;
			queue_send();
			if (C.script && C.stdin_eof) { /* stdin ended while we were away */
				C.draining = true;
				send_raw("PING :" DRAIN_TOKEN);
			}
			if (C.script)
				stdin_update();
		} else if (!strcmp(tok, DRAIN_TOKEN) && C.draining) {
			quit(C.lost_lines, NULL); /* a script learns that lines were lost */
		} else if (!strncmp(tok, ACK_TOKEN, strlen(ACK_TOKEN))) {
			queue_ack(tok + strlen(ACK_TOKEN));
			if (C.script)
				stdin_update();
		}
	} else if (m.nparams < 1) {
		return;
	} else if (irc_cmd_is(&m, "PRIVMSG") || irc_cmd_is(&m, "NOTICE")) {
		if (m.nparams > 1)
			on_privmsg(&m, fromc, irc_cmd_is(&m, "NOTICE"));
	} else if (irc_cmd_is(&m, "JOIN")) {
		on_join(&m, fromc);
	} else if (irc_cmd_is(&m, "PART")) {
		on_part(&m, fromc, NULL);
	} else if (irc_cmd_is(&m, "KICK") && m.nparams > 1) {
		on_part(&m, m.params[1], fromc);
	} else if (irc_cmd_is(&m, "QUIT")) {
		on_quit(fromc, m.params[0]);
	} else if (irc_cmd_is(&m, "NICK")) {
		on_nick(fromc, m.params[0]);
	} else if (irc_cmd_is(&m, "TOPIC") && m.nparams > 1) {
		show("%s set the topic of %s: %s", fromc, m.params[0], m.params[1]);
	} else if (irc_cmd_is(&m, "CAP")) {
		on_cap(&m);
	} else if (irc_cmd_is(&m, "ERROR")) {
		conn_lost(m.params[0]); /* the server closes the link after it */
	}
}

static void conn_read(void)
{
	for (;;) {
		ssize_t n = recv(C.fd, C.inbuf + C.inlen, sizeof(C.inbuf) - C.inlen, 0);
		if (n == 0) {
			conn_lost("the server closed the connection");
			return;
		}
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				conn_lost(strerror(errno));
			return;
		}
		C.inlen += (size_t)n;
		C.last_rx = loop_now_ms();
		char *start = C.inbuf, *nl;
		while ((nl = memchr(start, '\n', C.inlen - (size_t)(start - C.inbuf)))) {
			*nl = '\0';
			if (nl > start && nl[-1] == '\r')
				nl[-1] = '\0';
			if (!C.skipping)
				handle_line(start);
			C.skipping = false;
			if (C.fd < 0)
				return; /* the line ended the connection */
			start = nl + 1;
		}
		C.inlen -= (size_t)(start - C.inbuf);
		memmove(C.inbuf, start, C.inlen);
		if (C.inlen == sizeof(C.inbuf)) { /* an overlong line: drop it */
			C.inlen = 0;
			C.skipping = true;
		}
	}
}

static void conn_event(struct loop *l, struct watch *w, uint32_t ev)
{
	(void)l;
	(void)w;
	if (C.state == CONNECTING) {
		int err = net_connect_result(C.fd);
		if (err == EINPROGRESS)
			return;
		if (err) {
			loop_del(&C.loop, &C.conn);
			close(C.fd);
			C.fd = -1;
			C.last_err = err;
			connect_next();
		} else {
			connected();
		}
		out_flush();
		return;
	}
	if (ev & (EPOLLIN | EPOLLERR | EPOLLHUP))
		conn_read();
	if (C.fd >= 0 && (ev & EPOLLOUT))
		out_write();
	if (C.fd >= 0 && C.write_err)
		conn_lost(strerror(C.write_err));
	draw_bottom();
	out_flush();
}

/* ---- script mode: stdin lines --------------------------------------------- */

static bool stdin_wanted(void)
{
	return C.ready && !C.stdin_eof && C.outlen < OUTQ_MAX / 2 && C.qlen < QUEUE_MAX / 2;
}

static void stdin_event(struct loop *l, struct watch *w, uint32_t ev);

static void stdin_update(void)
{
	if (C.stdin_file) {
		if (stdin_wanted() && !timer_armed(&C.stdin_timer))
			loop_timer(&C.loop, &C.stdin_timer, 0);
		return;
	}
	/* Paused means out of epoll: a closed pipe reports EPOLLHUP even with
	 * no events asked for, and would spin the loop until we are ready. */
	bool want = stdin_wanted();
	if (want && !C.in.added && loop_add(&C.loop, &C.in, STDIN_FILENO, stdin_event, EPOLLIN) != 0)
		fail("cannot watch stdin: %s", strerror(errno));
	if (!want && C.in.added)
		loop_del(&C.loop, &C.in);
}

static void script_line(char *line, size_t n)
{
	line[n] = '\0';
	if (n && line[n - 1] == '\r')
		line[n - 1] = '\0';
	submit(line);
}

/* No more input (end of stdin, or /quit): quit once the server has it all. */
static void script_finish(void)
{
	C.stdin_eof = true;
	C.slen = 0;
	if (C.in.added)
		loop_del(&C.loop, &C.in);
	/* The PONG to this comes after everything we sent was handled; when
	 * not connected now, the PONG that says we are back sends it. */
	if (C.ready) {
		C.draining = true;
		send_raw("PING :" DRAIN_TOKEN);
	}
}

static void script_eof(void)
{
	if (C.slen)
		script_line(C.sbuf, C.slen); /* a last line without newline */
	if (!C.stdin_eof)
		script_finish();
}

static void stdin_pump(void)
{
	ssize_t n = read(STDIN_FILENO, C.sbuf + C.slen, STDIN_MAX - 1 - C.slen);
	if (n < 0) {
		if (errno != EAGAIN && errno != EINTR)
			fail("reading stdin: %s", strerror(errno));
		return;
	}
	if (n == 0) {
		script_eof();
		return;
	}
	C.slen += (size_t)n;
	char *start = C.sbuf, *nl;
	while (!C.stdin_eof && (nl = memchr(start, '\n', C.slen - (size_t)(start - C.sbuf)))) {
		script_line(start, (size_t)(nl - start));
		start = nl + 1;
	}
	if (C.stdin_eof)
		return; /* a /quit line: the rest is not read */
	C.slen -= (size_t)(start - C.sbuf);
	memmove(C.sbuf, start, C.slen);
	if (C.slen == STDIN_MAX - 1) { /* a long line goes in pieces */
		script_line(C.sbuf, C.slen);
		C.slen = 0;
	}
	stdin_update();
}

static void stdin_event(struct loop *l, struct watch *w, uint32_t ev)
{
	(void)l;
	(void)w;
	(void)ev;
	if (stdin_wanted())
		stdin_pump();
	out_flush();
}

static void stdin_timer_fire(struct loop *l, struct timer *t)
{
	(void)l;
	(void)t;
	if (stdin_wanted())
		stdin_pump();
	stdin_update();
}

static void script_start(void)
{
	/* epoll cannot watch regular files (nor /dev/null): read those
	 * directly, a chunk per loop turn. Pipes are read once per readiness
	 * event, so stdin stays blocking (its flags are shared). */
	C.stdin_file = loop_add(&C.loop, &C.in, STDIN_FILENO, stdin_event, 0) != 0;
	loop_del(&C.loop, &C.in); /* stdin_update() adds it when wanted */
	if (!(C.sbuf = malloc(STDIN_MAX)))
		fail("out of memory");
}

/* ---- interactive mode: keys ------------------------------------------------- */

/* Tab completes the word before the cursor to a nick of the room; Tab
 * again offers the next one that fits. */
static struct {
	bool on;
	size_t from;
	char prefix[NICK_MAX + 1];
	int next;
} comp;

static bool nick_has_prefix(const char *nick, const char *prefix)
{
	char head[NICK_MAX + 1];
	size_t n = strlen(prefix);
	if (strlen(nick) < n || is_me(nick))
		return false;
	snprintf(head, sizeof(head), "%.*s", (int)n, nick);
	return irc_casecmp(head, prefix) == 0;
}

static void complete_nick(void)
{
	struct room *r = cur_room();
	if (!r || !r->nnames)
		return;
	if (!comp.on) {
		size_t from = le_word_start(&C.le), n = C.le.cur - from;
		if (n == 0 || n > NICK_MAX)
			return;
		snprintf(comp.prefix, sizeof(comp.prefix), "%.*s", (int)n, C.le.buf + from);
		comp.from = from;
		comp.next = 0;
		comp.on = true;
	}
	for (int k = 0; k < r->nnames; k++) {
		int i = (comp.next + k) % r->nnames;
		if (nick_has_prefix(r->names[i], comp.prefix)) {
			char with[NICK_MAX + 3];
			snprintf(with, sizeof(with), "%s%s", r->names[i], comp.from == 0 ? ": " : " ");
			le_replace_before(&C.le, comp.from, with);
			comp.next = i + 1;
			return;
		}
	}
}

static void scroll_by(int delta)
{
	int max = C.nlines > 0 ? C.nlines - 1 : 0;
	C.scroll_off = MAX(0, MIN(max, C.scroll_off + delta));
	if (delta < 0 && C.scroll_off < -delta / 2)
		C.scroll_off = 0; /* a few new lines below: show them too */
	draw_messages();
	draw_bottom();
}

static void on_key(int key)
{
	if (key != '\t')
		comp.on = false;
	switch (key) {
	case KEY_CTRL('C'):
		quit(0, NULL);
	case KEY_CTRL('D'):
		if (C.le.len == 0)
			quit(0, NULL);
		le_key(&C.le, KEY_DELETE);
		return;
	case KEY_CTRL('L'): draw_all(); return;
	case KEY_CTRL('X'):
		if (C.nrooms)
			C.cur = (C.cur + 1) % C.nrooms;
		return;
	case '\t': complete_nick(); return;
	case KEY_PGUP: scroll_by(region_rows() / 2); return;
	case KEY_PGDN: scroll_by(-(region_rows() / 2)); return;
	default: break;
	}
	if (le_key(&C.le, key) != LE_ENTER)
		return;
	char line[LE_MAX + 1];
	memcpy(line, C.le.buf, C.le.len + 1);
	le_accept(&C.le);
	if (!strcmp(line, "exit"))
		quit(0, NULL);
	if (C.scroll_off)
		scroll_by(-C.scroll_off);
	submit(line);
}

static void keys_event(struct loop *l, struct watch *w, uint32_t ev)
{
	(void)l;
	(void)w;
	(void)ev;
	ssize_t n = read(STDIN_FILENO, C.keys + C.nkeys, sizeof(C.keys) - C.nkeys);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
		quit(0, NULL); /* the terminal went away */
	if (n < 0)
		return;
	C.nkeys += (size_t)n;
	size_t at = 0;
	while (at < C.nkeys) {
		size_t used;
		int key = term_key(C.keys + at, C.nkeys - at, &used);
		if (key < 0)
			break;
		on_key(key);
		at += used;
	}
	C.nkeys -= at;
	memmove(C.keys, C.keys + at, C.nkeys);
	if (C.nkeys == 1 && C.keys[0] == '\033')
		C.nkeys = 0; /* a lone Esc */
	draw_bottom();
}

static void ui_start(void)
{
	if (term_raw(STDIN_FILENO) != 0)
		fail("cannot set up the terminal: %s", strerror(errno));
	C.ui = true;
	/* Whole screen updates at once, flushed after each event: no flicker. */
	setvbuf(stdout, NULL, _IOFBF, 8192);
	C.lines = calloc(SCROLLBACK, sizeof(*C.lines));
	if (!C.lines)
		fail("out of memory");
	le_init(&C.le);
	/* stdin stays blocking: its flags are shared with the shell, and we
	 * read once per readiness event. */
	if (loop_add(&C.loop, &C.in, STDIN_FILENO, keys_event, EPOLLIN) != 0)
		fail("cannot watch the terminal: %s", strerror(errno));
	draw_all();
	show("type /help for the commands; Ctrl-C quits");
}

static void signal_event(struct loop *l, struct watch *w, uint32_t ev)
{
	struct signalfd_siginfo si;
	(void)l;
	(void)ev;
	while (read(w->fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGWINCH)
			draw_all();
		else
			quit(si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT ? 0 : 1, NULL);
	}
}

/* ---- start -------------------------------------------------------------- */

/* Where to connect when no HOST was given; PORT holds -p or the default.
 * INTERACTIVE: a person could be asked. Discovery will answer here. */
static void pick_server(char host[NET_HOST_MAX], unsigned *port, bool interactive)
{
	(void)port;
	(void)interactive;
	strcpy(host, "localhost");
}

static void default_nick(char *nick, size_t size)
{
	const char *user = getenv("USER");
	if (user && irc_nick_valid(user, NICK_MAX)) {
		strlcpy_ok(nick, user, size);
		return;
	}
	snprintf(nick, size, "guest-%04u", (unsigned)((unsigned)getpid() * 7919u + (unsigned)time(NULL)) % 10000);
}

static void parse_args(int argc, char **argv)
{
	const char *room = "#lobby";
	unsigned long port = CONFIG_CHATBOX_DEFAULT_PORT;
	bool port_set = false;
	int c;

	default_nick(C.want_nick, sizeof(C.want_nick));
	while ((c = next_opt(argc, argv, "sn:r:p:")) != -1) {
		switch (c) {
		case 's': C.script = true; break;
		case 'n':
			if (!irc_nick_valid(optarg, NICK_MAX))
				usage_error("-n: '%s' is not a nick: a letter first, then letters, digits, - or _, at most %d", optarg, NICK_MAX);
			strlcpy_ok(C.want_nick, optarg, sizeof(C.want_nick));
			break;
		case 'r': room = optarg; break;
		case 'p': port = opt_uint('p', optarg, 1, 65535); port_set = true; break;
		default: break;
		}
	}
	if (argc - optind > 1)
		usage_error("unexpected argument '%s'", argv[optind + 1]);
	char r[ROOM_MAX + 2];
	snprintf(r, sizeof(r), "%s%s", room[0] == '#' ? "" : "#", room);
	if (!irc_room_valid(r, ROOM_MAX))
		usage_error("-r: '%s' is not a room name (like #lobby)", room);
	const char *term = getenv("TERM");
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO) || (term && !strcmp(term, "dumb")))
		C.script = true;
	C.port = (unsigned)port;
	if (optind < argc) {
		if (!net_split_hostport(argv[optind], C.host, &C.port))
			usage_error("'%s' is not HOST, HOST:PORT or [IPv6]:PORT", argv[optind]);
		if (port_set && C.port != port)
			usage_error("two ports given: -p %lu and %s", port, argv[optind]);
	} else {
		pick_server(C.host, &C.port, !C.script);
	}
	room_add(r);
}

int chat_client_main(int argc, char **argv)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGWINCH, 0 };
	const char *why;
	const char *nocolour = getenv("NO_COLOR");

	C.fd = -1;
	parse_args(argc, argv);
	C.colour = !(nocolour && nocolour[0]);
	if (loop_init(&C.loop) != 0)
		fail("epoll: %s", strerror(errno));
	timer_init(&C.retry, retry_fire);
	timer_init(&C.stdin_timer, stdin_timer_fire);
	timer_init(&C.watchdog, watchdog_fire);
	timer_init(&C.ack_timer, ack_fire);
	if (loop_signals(&C.loop, &C.sig, signal_event, sigs) != 0)
		fail("signals: %s", strerror(errno));
	signal(SIGPIPE, SIG_IGN);
	C.naddrs = net_resolve(C.host, C.port, C.addrs, MAX_ADDRS, &why);
	if (C.naddrs < 0)
		fail("cannot find %s: %s \xe2\x80\x94 check the name, or try chat-discover", C.host, why);
	if (C.script)
		script_start();
	start_connect();
	if (loop_run(&C.loop) != 0)
		fail("epoll: %s", strerror(errno));
	return 0;
}
