/* chat_server.c - chat-server: the LAN chat room, for IRC apps and nc/telnet.
 *
//applet:APPLET("chat-server", chat_server, CHAT_SERVER)
//config:config CHAT_SERVER
//config:	bool "chat-server"
//config:	default y
//config:	help
//config:	  The chat server: rooms shared by IRC clients and plain
//config:	  nc/telnet users, on TCP port 6667. About 27 KB of its own
//config:	  code on x86_64 with its features, 65 KB with the parts of
//config:	  the C library it pulls in.
//config:
//config:config SERVER_HISTORY
//config:	bool "Room history replayed to whoever joins"
//config:	depends on CHAT_SERVER
//config:	default y
//config:	help
//config:	  Each room keeps its last messages (-H) and shows them to
//config:	  people who join later, with their original times. Costs
//config:	  about 250 bytes of code (x86_64), and per message kept
//config:	  about 150 bytes plus its renderings (up to 4 wire formats).
//config:
//config:config SERVER_HISTORY_DEFAULT
//config:	int "Messages of history kept per room by default"
//config:	depends on SERVER_HISTORY
//config:	range 0 1000
//config:	default 50
//config:	help
//config:	  Late joiners see this many of a room's last messages (-H).
//config:
//config:config SERVER_PLAIN
//config:	bool "Plain-text users (nc, telnet)"
//config:	depends on CHAT_SERVER
//config:	default y
//config:	help
//config:	  Anyone whose first line is not IRC gets a plain-text chat:
//config:	  a nickname prompt, readable lines and slash commands.
//config:	  Costs about 3.2 KB of code (x86_64).
//config:
//config:config SERVER_MDNS
//config:	bool "Announce the server on the LAN (mDNS/DNS-SD)"
//config:	depends on CHAT_SERVER
//config:	default y
//config:	help
//config:	  The server announces itself as _irc._tcp over multicast DNS
//config:	  (RFC 6762/6763), so chat-discover, chat-client without an
//config:	  address, avahi-browse, Bonjour and Android/iOS browsers find
//config:	  it. Runs beside avahi or umdns. -M turns it off at run time.
//config:	  Costs about 13 KB of code on x86_64 and 20 KB on MIPS, 7 to
//config:	  10 KB of it shared with chat-discover.
//usage:chat-server [-fSM] [-p PORT] [-b ADDR]... [-n NAME] [-r ROOM] [-H N] [-u USER] [-c MAXCLIENTS] [-C PER_ADDR] [-R MSGS_PER_10S] [-Q SENDQ_KIB] [-P PASS] [-T SECS]
//usage:
//usage:Run a chat server that IRC apps and plain nc/telnet users share.
//usage:
//usage:	-f	Stay in the foreground (log to stderr)
//usage:	-S	Log to syslog even in the foreground
//usage:	-p PORT	Listen on PORT (default 6667; 0: any free port, logged)
//usage:	-b ADDR	Listen on ADDR only (repeatable; default all)
//usage:	-n NAME	Server name (default "HOSTNAME chat")
//usage:	-r ROOM	Room plain-text users start in (default #lobby)
//usage:	-H N	Keep N messages of history per room
//usage:	-u USER	Drop root privileges to USER (default nobody)
//usage:	-c N	At most N clients (default 1000)
//usage:	-C N	At most N clients per address (default 50)
//usage:	-R N	At most N lines per 10 s per client, 0: no limit (default 20)
//usage:	-Q KIB	Drop a client with more than KIB KiB unsent (default 64)
//usage:	-P PASS	IRC clients must send PASS (plain users are refused)
//usage:	-T SECS	Ping and registration timeout (default 180, 60)
//usage:	-M	Do not announce the server over mDNS
 */
#include "applet.h"
#include "conn.h"
#include "discover.h"
#include "event.h"
#include "history.h"
#include "irc.h"
#include "loop.h"
#include "nametab.h"
#include "net.h"
#include "sendq.h"
#include "telnet.h"

#include <errno.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#define VERSION      "chatbox-" CHATBOX_VERSION
#define NICKLEN      16
#define ROOMLEN      32
#define TOPICLEN     300
#define USERLEN      10
#define REALLEN      50
#define AWAYLEN      200
#define KEYLEN       23
#define MAXROOMS     20   /* rooms per client */
#define MAXTARGETS   4
#define MAXLISTEN    8
#define LINE_MAX_IRC 510  /* RFC 1459: 512 with CRLF */
#define GREET_MS     400  /* silence after which a newcomer is greeted as plain text */
#define LINGER_MS    5000 /* a closing client's last lines may take this long */
#define ACCEPT_PAUSE_MS 100
#define SOCKET_SNDBUF 65536 /* the kernel doubles it */

enum kind { K_NEW, K_IRC, K_PLAIN };
/* Wire formats an event is rendered in (struct event's wire[]). */
enum wire { W_IRC, W_IRC_TIME, W_IRC_OLD, W_PLAIN };

enum {
	CAP_MULTI_PREFIX = 1 << 0,
	CAP_SERVER_TIME  = 1 << 1,
	CAP_ECHO         = 1 << 2,
	CAP_AWAY_NOTIFY  = 1 << 3,
	CAP_UHNAMES      = 1 << 4,
};
static const char *const cap_names[] = {
	"multi-prefix", "server-time", "echo-message", "away-notify", "userhost-in-names",
};

enum {
	F_REG       = 1 << 0,  /* registered: has a nick and is in the tables */
	F_CAPNEG    = 1 << 1,  /* CAP LS seen, CAP END not yet */
	F_PINGED    = 1 << 2,
	F_INVISIBLE = 1 << 3,
	F_CLOSING   = 1 << 4,  /* gone from rooms; writing its last lines */
	F_OVERFLOW  = 1 << 5,  /* send queue over the cap: to be dropped */
	F_THROTTLED = 1 << 6,  /* out of flood tokens: input paused */
	F_GREETED   = 1 << 7,
	F_PASSOK    = 1 << 8,
	F_USER      = 1 << 9,
	F_FREED     = 1 << 10, /* closed: on the graveyard list */
};

enum { M_OP = 1, M_VOICE = 2 };         /* member modes */
enum { RM_N = 1, RM_T = 2 };            /* room modes */

struct room;

struct client {
	struct conn conn;
	struct name_node node;          /* in srv.nicks once it has a nick */
	struct client *next, *prev;     /* srv.clients */
	struct client *kill_next, *grave_next;
	struct room **rooms;
	char *realname, *away;
	int64_t since, last_rx, bucket_ms; /* loop clock, ms */
	uint32_t seen;                  /* broadcast generation, to send once */
	uint32_t tokens;                /* flood tokens, in thousandths */
	uint16_t flags;
	uint8_t kind, caps, nrooms;
	char nick[NICKLEN + 1];
	char user[USERLEN + 1];
	char host[NET_ADDRSTR_MAX];
};

struct member {
	struct client *c;
	uint8_t modes;
};

struct room {
	struct name_node node;
	struct room *next, *prev;
	struct member *m;
	uint32_t n, cap, limit;
	uint8_t modes;
	bool keep;                      /* the default room outlives its members */
	char *topic, *key;
	int64_t created, topic_time;    /* wall clock, s */
	char topic_who[NICKLEN + 1];
	struct history hist;
	char name[ROOMLEN + 1];
};

struct addr_count {
	char host[NET_ADDRSTR_MAX];
	uint32_t n;
};

static struct server {
	struct loop loop;
	struct watch listeners[MAXLISTEN], sigw;
	int nlisten;
	struct timer flush_timer, tick_timer, accept_timer;
	const char *name, *lobby, *password;
	char host[64], network[64], created[64];
	unsigned port;
	unsigned long history, max_clients, per_addr, rate, sendq, ping_ms, reg_ms;
	struct client *clients;
	struct client *kill, *grave;
	struct room *rooms;
	struct nametab nicks, room_tab;
	struct addr_count *addrs;
	size_t naddrs;
	uint32_t nclients, nreg, nrooms, gen;
	int64_t now;                    /* loop clock, ms, of this batch */
} srv;

static void client_drop(struct client *c, const char *reason, const char *error);

/* --- output -------------------------------------------------------------- */

static void arm_flush(void)
{
	if (!timer_armed(&srv.flush_timer))
		loop_timer(&srv.loop, &srv.flush_timer, 0);
}

static bool writable(struct client *c)
{
	return !(c->flags & (F_OVERFLOW | F_CLOSING | F_FREED)) && c->conn.w.fd >= 0;
}

/* Over the cap: dropped at the end of this batch, never in the middle of
 * a fan-out that walks a room's members. */
static void overflow(struct client *c)
{
	c->flags |= F_OVERFLOW;
	c->kill_next = srv.kill;
	srv.kill = c;
	arm_flush();
}

static void queued(struct client *c, int rc)
{
	if (rc != 0) {
		overflow(c);
		return;
	}
	conn_mark_dirty(&c->conn);
	arm_flush();
}

/* One line to C, CRLF added. */
static void __attribute__((format(printf, 2, 3))) send_line(struct client *c, const char *fmt, ...)
{
	char line[LINE_MAX_IRC + 64];
	va_list ap;
	int n;

	if (!writable(c))
		return;
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 2, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(line) - 3)
		n = sizeof(line) - 3;
	memcpy(line + n, "\r\n", 3);
	queued(c, sendq_printf(&c->conn.sq, srv.sendq, "%s", line));
}

static const char *nick_or_star(const struct client *c)
{
	return c->nick[0] ? c->nick : "*";
}

/* A numeric reply; plain users read it as "-- text". */
static void __attribute__((format(printf, 3, 4))) numeric(struct client *c, const char *num,
							  const char *fmt, ...)
{
	char text[LINE_MAX_IRC];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (ENABLE_SERVER_PLAIN && c->kind == K_PLAIN) {
		/* "#x :No such channel" reads "#x: No such channel" */
		char *colon = strstr(text, " :");
		if (colon) {
			colon[0] = ':';
			colon[1] = ' ';
		}
		send_line(c, "-- %s", text[0] == ':' ? text + 1 : text);
		return;
	}
	send_line(c, ":%s %s %s %s", srv.host, num, nick_or_star(c), text);
}

/* --- rendering events per wire format ---------------------------------------- */

static struct msgbuf *msgbuf_of(const char *s, int n)
{
	struct msgbuf *m;
	if (n < 0)
		return NULL;
	m = msgbuf_new((size_t)n);
	if (m)
		msgbuf_append(m, s, (size_t)n);
	return m;
}

static void hhmm(const struct event *e, char out[8])
{
	time_t t = (time_t)(e->when_ms / 1000);
	struct tm tm;
	if (!localtime_r(&t, &tm) || !strftime(out, 8, "%H:%M", &tm))
		strcpy(out, "--:--");
}

/* An IRC line for E: TAGS ("" or "@time=... "), and TIME_IN_TEXT puts
 * "[HH:MM] " in front of a message, for history shown without tags. */
static struct msgbuf *render_irc_with(const struct event *e, const char *tags, bool time_in_text)
{
	static const char *const cmds[] = {
		[EV_PRIVMSG] = "PRIVMSG", [EV_NOTICE] = "NOTICE", [EV_JOIN] = "JOIN",
		[EV_PART] = "PART", [EV_QUIT] = "QUIT", [EV_NICK] = "NICK", [EV_TOPIC] = "TOPIC",
		[EV_KICK] = "KICK", [EV_MODE] = "MODE", [EV_AWAY] = "AWAY",
	};
	char buf[LINE_MAX_IRC + 128], when[8] = "", stamp[16] = "";
	const char *text = e->text, *action = "";
	int n;

	if (time_in_text && (e->kind == EV_PRIVMSG || e->kind == EV_NOTICE)) {
		hhmm(e, when);
		snprintf(stamp, sizeof(stamp), "[%s] ", when);
		if (strncmp(text, "\1ACTION ", 8) == 0) {
			action = "\1ACTION ";
			text += 8;
		}
	}
	n = snprintf(buf, sizeof(buf) - 2, "%s:%s!%s %s", tags, e->nick, e->userhost, cmds[e->kind]);
	if (e->target[0] && (size_t)n < sizeof(buf) - 2)
		n += snprintf(buf + n, sizeof(buf) - 2 - (size_t)n, " %s", e->target);
	if (e->arg[0] && (size_t)n < sizeof(buf) - 2)
		n += snprintf(buf + n, sizeof(buf) - 2 - (size_t)n, " %s", e->arg);
	if (text && (size_t)n < sizeof(buf) - 2)
		n += snprintf(buf + n, sizeof(buf) - 2 - (size_t)n, " :%s%s%s", action, stamp, text);
	if ((size_t)n > strlen(tags) + LINE_MAX_IRC) /* RFC 1459: 512 bytes with CRLF */
		n = (int)(strlen(tags) + LINE_MAX_IRC);
	memcpy(buf + n, "\r\n", 2);
	return msgbuf_of(buf, n + 2);
}

static struct msgbuf *render_irc(const struct event *e)
{
	return render_irc_with(e, "", false);
}

static struct msgbuf *render_irc(const struct event *e);

static struct msgbuf *render_irc_time(const struct event *e)
{
	time_t t = (time_t)(e->when_ms / 1000);
	struct tm tm;
	char tags[64], day[32];
	if (!gmtime_r(&t, &tm) || !strftime(day, sizeof(day), "%Y-%m-%dT%H:%M:%S", &tm))
		return render_irc(e);
	snprintf(tags, sizeof(tags), "@time=%s.%03uZ ", day, (unsigned)(e->when_ms % 1000));
	return render_irc_with(e, tags, false);
}

static struct msgbuf *render_irc_old(const struct event *e)
{
	return render_irc_with(e, "", true);
}

/* Plain users see no control bytes: no terminal escapes, no IRC colours. */
static void sanitize(char *dst, size_t size, const char *s)
{
	size_t n = 0;
	for (; *s && n + 1 < size; s++)
		if ((unsigned char)*s >= ' ' && *s != 0x7f)
			dst[n++] = *s;
	dst[n] = '\0';
}

static struct msgbuf *render_plain(const struct event *e)
{
	char buf[LINE_MAX_IRC + 128], text[LINE_MAX_IRC + 1] = "", when[8], where[ROOMLEN + 2] = "";
	bool room = e->target[0] == '#';
	int n = -1;

	hhmm(e, when);
	if (e->text)
		sanitize(text, sizeof(text), e->text);
	if (room && irc_casecmp(e->target, srv.lobby) != 0)
		snprintf(where, sizeof(where), "%s ", e->target);
	switch (e->kind) {
	case EV_PRIVMSG:
		if (strncmp(e->text, "\1ACTION ", 8) == 0) /* sanitized: "ACTION text" */
			n = snprintf(buf, sizeof(buf), "%s %s* %s %s", when, where, e->nick, text + 7);
		else if (room)
			n = snprintf(buf, sizeof(buf), "%s %s<%s> %s", when, where, e->nick, text);
		else
			n = snprintf(buf, sizeof(buf), "%s *%s* %s", when, e->nick, text);
		break;
	case EV_NOTICE:
		n = snprintf(buf, sizeof(buf), "%s %s-%s- %s", when, where, e->nick, text);
		break;
	case EV_JOIN:
		n = snprintf(buf, sizeof(buf), "* %s joined %s", e->nick, e->target);
		break;
	case EV_PART:
		n = snprintf(buf, sizeof(buf), "* %s left %s (%s)", e->nick, e->target, text);
		break;
	case EV_QUIT:
		n = snprintf(buf, sizeof(buf), "* %s quit (%s)", e->nick, text);
		break;
	case EV_NICK:
		n = snprintf(buf, sizeof(buf), "* %s is now known as %s", e->nick, e->arg);
		break;
	case EV_TOPIC:
		n = snprintf(buf, sizeof(buf), "* %s set the topic of %s: %s", e->nick, e->target, text);
		break;
	case EV_KICK:
		n = snprintf(buf, sizeof(buf), "* %s kicked %s from %s (%s)", e->nick, e->arg,
			     e->target, text);
		break;
	case EV_MODE:
		n = snprintf(buf, sizeof(buf), "* %s sets mode %s on %s", e->nick, e->arg, e->target);
		break;
	default:
		return NULL;
	}
	if (n < 0)
		return NULL;
	if ((size_t)n > sizeof(buf) - 3)
		n = sizeof(buf) - 3;
	memcpy(buf + n, "\r\n", 2);
	return msgbuf_of(buf, n + 2);
}

static event_render_fn *const renderers[] = {
	[W_IRC] = render_irc, [W_IRC_TIME] = render_irc_time,
	[W_IRC_OLD] = render_irc_old, [W_PLAIN] = render_plain,
};

static enum wire live_wire(const struct client *c)
{
	if (ENABLE_SERVER_PLAIN && c->kind == K_PLAIN)
		return W_PLAIN;
	return c->caps & CAP_SERVER_TIME ? W_IRC_TIME : W_IRC;
}

/* Queue M for C. At the cap, first write what the socket takes now: the
 * queue of a reader that keeps up is only full because this batch has not
 * been flushed yet, and only a reader whose socket is full is slow. */
static int push_or_flush(struct client *c, struct msgbuf *m)
{
	int rc = sendq_push(&c->conn.sq, m, srv.sendq);
	if (rc != 0 && !(c->conn.flags & CONN_WANTOUT) && conn_flush(&srv.loop, &c->conn) >= 0)
		rc = sendq_push(&c->conn.sq, m, srv.sendq);
	return rc;
}

static void push_wire(struct client *c, struct event *e, enum wire w)
{
	struct msgbuf *m;
	if (!writable(c) || (e->kind == EV_AWAY && !(c->caps & CAP_AWAY_NOTIFY)))
		return;
	m = event_wire(e, w, renderers[w]);
	if (m)
		queued(c, push_or_flush(c, m));
}

static void push_event(struct client *c, struct event *e)
{
	push_wire(c, e, live_wire(c));
}

static struct event *client_event(struct client *c, enum event_kind kind, const char *target,
				  const char *arg, const char *text)
{
	char uh[USERLEN + NET_ADDRSTR_MAX + 2];
	snprintf(uh, sizeof(uh), "%s@%s", c->user[0] ? c->user : "~u", c->host);
	return event_new(kind, c->nick, uh, target, arg, text);
}

/* --- rooms --------------------------------------------------------------- */

static struct room *room_find(const char *name)
{
	struct name_node *n = nametab_find(&srv.room_tab, name);
	return n ? container_of(n, struct room, node) : NULL;
}

static struct room *room_new(const char *name)
{
	struct room *r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	strlcpy_ok(r->name, name, sizeof(r->name));
	if (nametab_add(&srv.room_tab, &r->node, r->name) != 0) {
		free(r);
		return NULL;
	}
	r->modes = RM_N | RM_T;
	r->created = time(NULL);
	history_init(&r->hist, ENABLE_SERVER_HISTORY ? (unsigned)srv.history : 0);
	r->next = srv.rooms;
	if (srv.rooms)
		srv.rooms->prev = r;
	srv.rooms = r;
	srv.nrooms++;
	return r;
}

static void room_free_if_empty(struct room *r)
{
	if (r->n || r->keep)
		return;
	nametab_del(&srv.room_tab, &r->node);
	if (r->prev)
		r->prev->next = r->next;
	else
		srv.rooms = r->next;
	if (r->next)
		r->next->prev = r->prev;
	srv.nrooms--;
	history_free(&r->hist);
	free(r->m);
	free(r->topic);
	free(r->key);
	free(r);
}

static struct member *member_of(struct room *r, const struct client *c)
{
	for (uint32_t i = 0; i < r->n; i++)
		if (r->m[i].c == c)
			return &r->m[i];
	return NULL;
}

/* C is in R: check the client's (short) list, not the room's. */
static bool in_room(const struct client *c, const struct room *r)
{
	for (unsigned i = 0; i < c->nrooms; i++)
		if (c->rooms[i] == r)
			return true;
	return false;
}

static int room_add(struct room *r, struct client *c)
{
	if (r->n == r->cap) {
		uint32_t cap = r->cap ? r->cap * 2 : 4;
		struct member *m = realloc(r->m, cap * sizeof(*m));
		if (!m)
			return -1;
		r->m = m;
		r->cap = cap;
	}
	if (c->nrooms % 4 == 0) {
		struct room **rs = realloc(c->rooms, (c->nrooms + 4u) * sizeof(*rs));
		if (!rs)
			return -1;
		c->rooms = rs;
	}
	c->rooms[c->nrooms++] = r;
	r->m[r->n].c = c;
	r->m[r->n].modes = r->n == 0 ? M_OP : 0; /* the first one in runs the room */
	r->n++;
	return 0;
}

/* Take C out of R (without telling anyone); R may be freed. */
static void room_remove(struct room *r, struct client *c)
{
	for (uint32_t i = 0; i < r->n; i++)
		if (r->m[i].c == c) {
			/* Keep join order: NAMES shows the oldest first. */
			memmove(&r->m[i], &r->m[i + 1], (r->n - i - 1) * sizeof(*r->m));
			r->n--;
			break;
		}
	for (unsigned i = 0; i < c->nrooms; i++)
		if (c->rooms[i] == r) {
			memmove(&c->rooms[i], &c->rooms[i + 1], (c->nrooms - i - 1u) * sizeof(*c->rooms));
			c->nrooms--;
			break;
		}
	if (!c->nrooms) {
		free(c->rooms);
		c->rooms = NULL;
	}
	if (r->cap > 8 && r->n < r->cap / 4) {
		struct member *m = realloc(r->m, r->cap / 2 * sizeof(*m));
		if (m) {
			r->m = m;
			r->cap /= 2;
		}
	}
	room_free_if_empty(r);
}

/* E to every member of R but SKIP (NULL: everyone). */
static void room_send(struct room *r, struct event *e, const struct client *skip)
{
	for (uint32_t i = 0; i < r->n; i++)
		if (r->m[i].c != skip)
			push_event(r->m[i].c, e);
}

/* E to everyone who shares a room with C, once each, and to C if SELF. */
static void neighbours_send(struct client *c, struct event *e, bool self)
{
	uint32_t gen = ++srv.gen;
	c->seen = gen;
	if (self)
		push_event(c, e);
	for (unsigned i = 0; i < c->nrooms; i++) {
		struct room *r = c->rooms[i];
		for (uint32_t j = 0; j < r->n; j++) {
			struct client *m = r->m[j].c;
			if (m->seen != gen) {
				m->seen = gen;
				push_event(m, e);
			}
		}
	}
}

static const char *prefix_of(uint8_t modes, bool all)
{
	if (modes & M_OP)
		return all && (modes & M_VOICE) ? "@+" : "@";
	return modes & M_VOICE ? "+" : "";
}

/* --- clients --------------------------------------------------------------- */

static struct client *nick_find(const char *nick)
{
	struct name_node *n = nametab_find(&srv.nicks, nick);
	return n ? container_of(n, struct client, node) : NULL;
}

static struct addr_count *addr_slot(const char *host, bool create)
{
	for (size_t i = 0; i < srv.naddrs; i++)
		if (strcmp(srv.addrs[i].host, host) == 0)
			return &srv.addrs[i];
	if (!create)
		return NULL;
	struct addr_count *a = realloc(srv.addrs, (srv.naddrs + 1) * sizeof(*a));
	if (!a)
		return NULL;
	srv.addrs = a;
	a = &srv.addrs[srv.naddrs++];
	strlcpy_ok(a->host, host, sizeof(a->host));
	a->n = 0;
	return a;
}

static void addr_release(const char *host)
{
	struct addr_count *a = addr_slot(host, false);
	if (a && --a->n == 0)
		*a = srv.addrs[--srv.naddrs]; /* the last takes its place */
}

/* Close the socket and hand the memory to the graveyard: freed at the end
 * of the batch, when no callback can hold a pointer to it any more. */
static void client_bury(struct client *c)
{
	if (c->flags & F_FREED)
		return;
	c->flags |= F_FREED;
	conn_close(&srv.loop, &c->conn);
	if (c->prev)
		c->prev->next = c->next;
	else
		srv.clients = c->next;
	if (c->next)
		c->next->prev = c->prev;
	c->grave_next = srv.grave;
	srv.grave = c;
	arm_flush();
}

/* Leave every room and the nick table, tell the neighbours (REASON), send
 * ERROR (if not NULL) and close once it is written. */
static void client_drop(struct client *c, const char *reason, const char *error)
{
	if (c->flags & (F_CLOSING | F_FREED))
		return;
	c->flags |= F_CLOSING;
	if (c->flags & F_REG) {
		struct event *e = client_event(c, EV_QUIT, "", "", reason);
		if (e) {
			neighbours_send(c, e, false);
			event_unref(e);
		}
		srv.nreg--;
	}
	while (c->nrooms)
		room_remove(c->rooms[c->nrooms - 1], c);
	if (c->nick[0])
		nametab_del(&srv.nicks, &c->node);
	addr_release(c->host);
	srv.nclients--;
	msg("%s (%s) left: %s", nick_or_star(c), c->host, reason);
	if (c->flags & F_OVERFLOW) {
		sendq_drop_unsent(&c->conn.sq);
		c->flags &= (uint16_t)~F_OVERFLOW;
	}
	if (error) /* past the cap on purpose: the last words */
		sendq_printf(&c->conn.sq, SIZE_MAX, ENABLE_SERVER_PLAIN && c->kind == K_PLAIN ?
			     "-- %s\r\n" : "ERROR :%s\r\n", error);
	conn_pause(&srv.loop, &c->conn);
	c->last_rx = srv.now; /* the linger starts */
	if (c->conn.w.fd >= 0 && conn_flush(&srv.loop, &c->conn) != 1)
		client_bury(c);
}

static void client_free(struct client *c)
{
	free(c->realname);
	free(c->away);
	free(c->rooms);
	free(c);
}

/* --- joining, leaving, talking: shared by IRC and plain users -------------- */

static void send_names(struct client *c, struct room *r)
{
	char line[LINE_MAX_IRC];
	size_t n = 0;
	bool all = c->caps & CAP_MULTI_PREFIX, uh = c->caps & CAP_UHNAMES;

	for (uint32_t i = 0; i <= r->n; i++) {
		char one[NICKLEN + USERLEN + NET_ADDRSTR_MAX + 8];
		int k = 0;
		if (i < r->n) {
			struct client *m = r->m[i].c;
			if (uh)
				k = snprintf(one, sizeof(one), "%s%s!%s@%s", prefix_of(r->m[i].modes, all),
					     m->nick, m->user, m->host);
			else
				k = snprintf(one, sizeof(one), "%s%s", prefix_of(r->m[i].modes, all), m->nick);
		}
		if (n && (i == r->n || n + (size_t)k + 1 > 400)) {
			line[n] = '\0';
			if (ENABLE_SERVER_PLAIN && c->kind == K_PLAIN)
				send_line(c, "-- In %s: %s", r->name, line);
			else
				numeric(c, "353", "= %s :%s", r->name, line);
			n = 0;
		}
		if (i < r->n) {
			if (n)
				line[n++] = ' ';
			memcpy(line + n, one, (size_t)k);
			n += (size_t)k;
		}
	}
	if (!(ENABLE_SERVER_PLAIN && c->kind == K_PLAIN))
		numeric(c, "366", "%s :End of /NAMES list", r->name);
}

static void send_topic(struct client *c, struct room *r, bool always)
{
	if (!r->topic) {
		if (always)
			numeric(c, "331", "%s :No topic is set", r->name);
		return;
	}
	numeric(c, "332", "%s :%s", r->name, r->topic);
	if (!(ENABLE_SERVER_PLAIN && c->kind == K_PLAIN))
		numeric(c, "333", "%s %s %lld", r->name, r->topic_who, (long long)r->topic_time);
}

static void replay_history(struct client *c, struct room *r)
{
	enum wire w = c->caps & CAP_SERVER_TIME ? W_IRC_TIME : W_IRC_OLD;
	if (!ENABLE_SERVER_HISTORY || !r->hist.n)
		return;
	if (ENABLE_SERVER_PLAIN && c->kind == K_PLAIN)
		w = W_PLAIN;
	for (unsigned i = 0; i < r->hist.n; i++)
		push_wire(c, history_get(&r->hist, i), w);
}

static void join_room(struct client *c, const char *name, const char *key)
{
	struct room *r;
	struct event *e;

	if (!irc_room_valid(name, ROOMLEN)) {
		numeric(c, "403", "%s :No such channel", name);
		return;
	}
	r = room_find(name);
	if (r && in_room(c, r))
		return;
	if (c->nrooms >= MAXROOMS) {
		numeric(c, "405", "%s :You have joined too many channels", name);
		return;
	}
	if (r && r->key && (!key || strcmp(key, r->key) != 0)) {
		numeric(c, "475", "%s :Cannot join channel (+k)", name);
		return;
	}
	if (r && r->limit && r->n >= r->limit) {
		numeric(c, "471", "%s :Cannot join channel (+l)", name);
		return;
	}
	if (!r && !(r = room_new(name)))
		return;
	if (room_add(r, c) != 0) {
		room_free_if_empty(r);
		return;
	}
	e = client_event(c, EV_JOIN, r->name, "", NULL);
	if (e) {
		room_send(r, e, NULL);
		event_unref(e);
	}
	send_topic(c, r, false);
	send_names(c, r);
	replay_history(c, r);
}

static void part_room(struct client *c, const char *name, const char *reason)
{
	struct room *r = room_find(name);
	struct event *e;

	if (!r) {
		numeric(c, "403", "%s :No such channel", name);
		return;
	}
	if (!in_room(c, r)) {
		numeric(c, "442", "%s :You're not on that channel", name);
		return;
	}
	e = client_event(c, EV_PART, r->name, "", reason ? reason : c->nick);
	if (e) {
		room_send(r, e, NULL);
		event_unref(e);
	}
	room_remove(r, c);
}

/* PRIVMSG/NOTICE from C to one TARGET. NOTICE never gets error replies. */
static void talk(struct client *c, enum event_kind kind, const char *target, const char *text)
{
	bool notice = kind == EV_NOTICE;
	struct event *e;

	if (target[0] == '#') {
		struct room *r = room_find(target);
		if (!r) {
			if (!notice)
				numeric(c, "403", "%s :No such channel", target);
			return;
		}
		if ((r->modes & RM_N) && !in_room(c, r)) {
			if (!notice)
				numeric(c, "404", "%s :Cannot send to channel", r->name);
			return;
		}
		e = client_event(c, kind, r->name, "", text);
		if (!e)
			return;
		room_send(r, e, c->caps & CAP_ECHO ? NULL : c);
		if (ENABLE_SERVER_HISTORY)
			history_add(&r->hist, e);
		event_unref(e);
		return;
	}
	struct client *to = nick_find(target);
	if (!to) {
		if (!notice)
			numeric(c, "401", "%s :No such nick/channel", target);
		return;
	}
	e = client_event(c, kind, to->nick, "", text);
	if (!e)
		return;
	push_event(to, e);
	if (c->caps & CAP_ECHO && to != c)
		push_event(c, e);
	else if (ENABLE_SERVER_PLAIN && c->kind == K_PLAIN && to != c)
		send_line(c, "-> *%s* %s", to->nick, text);
	event_unref(e);
	if (!notice && to->away)
		numeric(c, "301", "%s :%s", to->nick, to->away);
}

static void set_topic(struct client *c, struct room *r, const char *text)
{
	struct member *m = member_of(r, c);
	struct event *e;
	char *t;

	if (!m) {
		numeric(c, "442", "%s :You're not on that channel", r->name);
		return;
	}
	if ((r->modes & RM_T) && !(m->modes & M_OP)) {
		numeric(c, "482", "%s :You're not channel operator", r->name);
		return;
	}
	t = text[0] ? strndup(text, TOPICLEN) : NULL;
	if (text[0] && !t)
		return;
	free(r->topic);
	r->topic = t;
	r->topic_time = time(NULL);
	strlcpy_ok(r->topic_who, c->nick, sizeof(r->topic_who));
	e = client_event(c, EV_TOPIC, r->name, "", t ? t : "");
	if (e) {
		room_send(r, e, NULL);
		event_unref(e);
	}
}

/* A free, valid nick for C, or a numeric saying why not. */
static bool nick_ok(struct client *c, const char *nick)
{
	struct client *other;
	if (!irc_nick_valid(nick, NICKLEN)) {
		numeric(c, "432", "%s :Erroneous nickname", nick);
		return false;
	}
	other = nick_find(nick);
	if (other && other != c) {
		numeric(c, "433", "%s :Nickname is already in use", nick);
		return false;
	}
	return true;
}

static void set_nick(struct client *c, const char *nick)
{
	if (c->flags & F_REG) {
		struct event *e = client_event(c, EV_NICK, "", nick, NULL);
		if (e) {
			neighbours_send(c, e, true);
			event_unref(e);
		}
	}
	if (c->nick[0])
		nametab_del(&srv.nicks, &c->node);
	strlcpy_ok(c->nick, nick, sizeof(c->nick));
	nametab_add(&srv.nicks, &c->node, c->nick);
}

/* --- IRC ------------------------------------------------------------------ */

static void welcome(struct client *c)
{
	c->flags |= F_REG;
	srv.nreg++;
	numeric(c, "001", ":Welcome to %s, %s!%s@%s", srv.name, c->nick, c->user, c->host);
	numeric(c, "002", ":Your host is %s, running version %s", srv.host, VERSION);
	numeric(c, "003", ":This server was created %s", srv.created);
	numeric(c, "004", "%s %s i klmnotv klov", srv.host, VERSION);
	numeric(c, "005", "CASEMAPPING=rfc1459 CHANTYPES=# NICKLEN=%d CHANNELLEN=%d TOPICLEN=%d "
		"PREFIX=(ov)@+ CHANMODES=,k,l,nt CHANLIMIT=#:%d MAXTARGETS=%d MODES=4 "
		"AWAYLEN=%d KICKLEN=%d NETWORK=%s :are supported by this server",
		NICKLEN, ROOMLEN, TOPICLEN, MAXROOMS, MAXTARGETS, AWAYLEN, TOPICLEN, srv.network);
}

static void send_lusers(struct client *c)
{
	numeric(c, "251", ":There are %u users and 0 invisible on 1 servers", srv.nreg);
	numeric(c, "252", "0 :operator(s) online");
	numeric(c, "253", "%u :unknown connection(s)", srv.nclients - srv.nreg);
	numeric(c, "254", "%u :channels formed", srv.nrooms);
	numeric(c, "255", ":I have %u clients and 0 servers", srv.nclients);
}

static void send_motd(struct client *c)
{
	numeric(c, "375", ":- %s Message of the day -", srv.host);
	numeric(c, "372", ":- Welcome to %s. Everyone meets in %s.", srv.name, srv.lobby);
	numeric(c, "376", ":End of /MOTD command.");
}

static void try_register(struct client *c)
{
	if ((c->flags & (F_REG | F_CAPNEG)) || !c->nick[0] || !(c->flags & F_USER))
		return;
	if (srv.password && !(c->flags & F_PASSOK)) {
		numeric(c, "464", ":Password incorrect");
		client_drop(c, "Bad password", "Closing Link: Bad password");
		return;
	}
	welcome(c);
	send_lusers(c);
	send_motd(c);
	msg("%s (%s) joined", c->nick, c->host);
}

struct irc_cmd {
	const char *name;
	void (*fn)(struct client *c, struct irc_msg *m);
	uint8_t min_params;
	bool before_reg; /* allowed before registration */
};

static void cmd_cap(struct client *c, struct irc_msg *m)
{
	const char *sub = m->params[0];
	char list[128] = "";

	if (!strcasecmp(sub, "LS") || !strcasecmp(sub, "LIST")) {
		bool ls = !strcasecmp(sub, "LS");
		for (unsigned i = 0; i < ARRAY_LEN(cap_names); i++)
			if (ls || (c->caps & (1u << i)))
				snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
					 list[0] ? " " : "", cap_names[i]);
		if (ls && !(c->flags & F_REG))
			c->flags |= F_CAPNEG;
		send_line(c, ":%s CAP %s %s :%s", srv.host, nick_or_star(c), ls ? "LS" : "LIST", list);
	} else if (!strcasecmp(sub, "REQ")) {
		char req[LINE_MAX_IRC], *tok, *save;
		uint8_t add = 0, del = 0;
		bool ok = m->nparams > 1;
		if (!(c->flags & F_REG))
			c->flags |= F_CAPNEG;
		strlcpy_ok(req, ok ? m->params[1] : "", sizeof(req));
		for (tok = strtok_r(req, " ", &save); tok && ok; tok = strtok_r(NULL, " ", &save)) {
			bool minus = *tok == '-';
			unsigned i = 0;
			while (i < ARRAY_LEN(cap_names) && strcmp(tok + minus, cap_names[i]))
				i++;
			if (i == ARRAY_LEN(cap_names))
				ok = false;
			else if (minus)
				del |= (uint8_t)(1u << i);
			else
				add |= (uint8_t)(1u << i);
		}
		if (ok)
			c->caps = (uint8_t)((c->caps | add) & ~del);
		send_line(c, ":%s CAP %s %s :%s", srv.host, nick_or_star(c), ok ? "ACK" : "NAK",
			  m->nparams > 1 ? m->params[1] : "");
	} else if (!strcasecmp(sub, "END")) {
		c->flags &= (uint16_t)~F_CAPNEG;
		try_register(c);
	} else {
		numeric(c, "410", "%s :Invalid CAP command", sub);
	}
}

static void cmd_pass(struct client *c, struct irc_msg *m)
{
	if (c->flags & F_REG) {
		numeric(c, "462", ":You may not reregister");
		return;
	}
	if (srv.password && strcmp(m->params[0], srv.password) == 0)
		c->flags |= F_PASSOK;
}

static void cmd_nick(struct client *c, struct irc_msg *m)
{
	if (m->nparams < 1 || !m->params[0][0]) {
		numeric(c, "431", ":No nickname given");
		return;
	}
	if (strcmp(c->nick, m->params[0]) == 0 || !nick_ok(c, m->params[0]))
		return;
	set_nick(c, m->params[0]);
	try_register(c);
}

static void cmd_user(struct client *c, struct irc_msg *m)
{
	char user[USERLEN + 1];
	size_t n = 0;

	if (c->flags & (F_REG | F_USER)) {
		numeric(c, "462", ":You may not reregister");
		return;
	}
	/* ident: printable, no '@' or '!' that would confuse the prefix */
	for (const char *s = m->params[0]; *s && n < USERLEN; s++)
		if ((unsigned char)*s > ' ' && *s != '@' && *s != '!')
			user[n++] = *s;
	user[n] = '\0';
	memcpy(c->user, n ? user : "user", n ? n + 1 : 5);
	free(c->realname);
	c->realname = strndup(m->params[3], REALLEN);
	c->flags |= F_USER;
	try_register(c);
}

static void cmd_ping(struct client *c, struct irc_msg *m)
{
	if (m->nparams < 1) {
		numeric(c, "409", ":No origin specified");
		return;
	}
	send_line(c, ":%s PONG %s :%s", srv.host, srv.host, m->params[0]);
}

static void cmd_pong(struct client *c, struct irc_msg *m)
{
	(void)m;
	c->flags &= (uint16_t)~F_PINGED;
}

static void cmd_quit(struct client *c, struct irc_msg *m)
{
	char reason[LINE_MAX_IRC], error[LINE_MAX_IRC + NET_ADDRSTR_MAX + 32];
	snprintf(reason, sizeof(reason), "Quit: %s", m->nparams ? m->params[0] : "");
	snprintf(error, sizeof(error), "Closing Link: %s (%s)", c->host, reason);
	client_drop(c, reason, error);
}

/* Call FN for each comma-separated item of LIST (modified in place). */
#define FOR_EACH_ITEM(item, list, save) \
	for (char *item = strtok_r((list), ",", &(save)); item; item = strtok_r(NULL, ",", &(save)))

static void cmd_join(struct client *c, struct irc_msg *m)
{
	char *save, *ksave = NULL, *keys = m->nparams > 1 ? m->params[1] : NULL;
	char *key = keys ? strtok_r(keys, ",", &ksave) : NULL;

	if (strcmp(m->params[0], "0") == 0) {
		while (c->nrooms && !(c->flags & F_CLOSING))
			part_room(c, c->rooms[c->nrooms - 1]->name, c->nick);
		return;
	}
	FOR_EACH_ITEM(name, m->params[0], save) {
		join_room(c, name, key);
		key = key ? strtok_r(NULL, ",", &ksave) : NULL;
	}
}

static void cmd_part(struct client *c, struct irc_msg *m)
{
	char *save;
	FOR_EACH_ITEM(name, m->params[0], save)
		part_room(c, name, m->nparams > 1 ? m->params[1] : NULL);
}

static void privmsg_or_notice(struct client *c, struct irc_msg *m, enum event_kind kind)
{
	char *save;
	int n = 0;
	bool notice = kind == EV_NOTICE;

	if (m->nparams < 1 || !m->params[0][0]) {
		if (!notice)
			numeric(c, "411", ":No recipient given (%s)", m->cmd);
		return;
	}
	if (m->nparams < 2 || !m->params[1][0]) {
		if (!notice)
			numeric(c, "412", ":No text to send");
		return;
	}
	FOR_EACH_ITEM(target, m->params[0], save) {
		if (++n > MAXTARGETS) {
			if (!notice)
				numeric(c, "407", "%s :Too many recipients", target);
			break;
		}
		talk(c, kind, target, m->params[1]);
	}
}

static void cmd_privmsg(struct client *c, struct irc_msg *m)
{
	privmsg_or_notice(c, m, EV_PRIVMSG);
}

static void cmd_notice(struct client *c, struct irc_msg *m)
{
	privmsg_or_notice(c, m, EV_NOTICE);
}

static void cmd_topic(struct client *c, struct irc_msg *m)
{
	struct room *r = room_find(m->params[0]);
	if (!r) {
		numeric(c, "403", "%s :No such channel", m->params[0]);
		return;
	}
	if (m->nparams < 2) {
		send_topic(c, r, true);
		return;
	}
	set_topic(c, r, m->params[1]);
}

static void cmd_names(struct client *c, struct irc_msg *m)
{
	char *save;
	if (m->nparams < 1) {
		numeric(c, "366", "* :End of /NAMES list");
		return;
	}
	FOR_EACH_ITEM(name, m->params[0], save) {
		struct room *r = room_find(name);
		if (r)
			send_names(c, r);
		else
			numeric(c, "366", "%s :End of /NAMES list", name);
	}
}

static void cmd_list(struct client *c, struct irc_msg *m)
{
	(void)m;
	numeric(c, "321", "Channel :Users  Name");
	for (struct room *r = srv.rooms; r; r = r->next)
		numeric(c, "322", "%s %u :%s", r->name, r->n, r->topic ? r->topic : "");
	numeric(c, "323", ":End of /LIST");
}

static void who_line(struct client *c, const char *where, struct client *w, uint8_t modes)
{
	numeric(c, "352", "%s %s %s %s %s %c%s :0 %s", where, w->user, w->host, srv.host, w->nick,
		w->away ? 'G' : 'H', prefix_of(modes, c->caps & CAP_MULTI_PREFIX),
		w->realname ? w->realname : "");
}

static void cmd_who(struct client *c, struct irc_msg *m)
{
	const char *mask = m->nparams ? m->params[0] : "*";
	struct room *r = mask[0] == '#' ? room_find(mask) : NULL;
	struct client *w = r ? NULL : nick_find(mask);

	if (r)
		for (uint32_t i = 0; i < r->n; i++)
			who_line(c, r->name, r->m[i].c, r->m[i].modes);
	else if (w)
		who_line(c, "*", w, 0);
	numeric(c, "315", "%s :End of /WHO list", mask);
}

static void cmd_whois(struct client *c, struct irc_msg *m)
{
	const char *nick = m->params[m->nparams > 1 ? 1 : 0];
	struct client *w = nick_find(nick);
	char rooms[LINE_MAX_IRC] = "";

	if (!w || !(w->flags & F_REG)) {
		numeric(c, "401", "%s :No such nick/channel", nick);
		numeric(c, "318", "%s :End of /WHOIS list", nick);
		return;
	}
	numeric(c, "311", "%s %s %s * :%s", w->nick, w->user, w->host,
		w->realname ? w->realname : "");
	for (unsigned i = 0; i < w->nrooms; i++) {
		struct member *mb = member_of(w->rooms[i], w);
		size_t n = strlen(rooms);
		snprintf(rooms + n, sizeof(rooms) - n, "%s%s%s", n ? " " : "",
			 prefix_of(mb ? mb->modes : 0, false), w->rooms[i]->name);
	}
	if (rooms[0])
		numeric(c, "319", "%s :%s", w->nick, rooms);
	numeric(c, "312", "%s %s :%s", w->nick, srv.host, srv.name);
	if (w->away)
		numeric(c, "301", "%s :%s", w->nick, w->away);
	numeric(c, "318", "%s :End of /WHOIS list", w->nick);
}

static void user_mode(struct client *c, struct irc_msg *m)
{
	if (irc_casecmp(m->params[0], c->nick) != 0) {
		if (nick_find(m->params[0]))
			numeric(c, "502", ":Can't change mode for other users");
		else
			numeric(c, "401", "%s :No such nick/channel", m->params[0]);
		return;
	}
	if (m->nparams < 2) {
		numeric(c, "221", "%s", c->flags & F_INVISIBLE ? "+i" : "+");
		return;
	}
	bool plus = true, unknown = false;
	uint16_t before = c->flags;
	for (const char *p = m->params[1]; *p; p++) {
		if (*p == '+' || *p == '-')
			plus = *p == '+';
		else if (*p == 'i')
			c->flags = plus ? (c->flags | F_INVISIBLE) : (c->flags & (uint16_t)~F_INVISIBLE);
		else
			unknown = true;
	}
	if (unknown)
		numeric(c, "501", ":Unknown MODE flag");
	if ((before ^ c->flags) & F_INVISIBLE)
		send_line(c, ":%s MODE %s :%ci", c->nick, c->nick, c->flags & F_INVISIBLE ? '+' : '-');
}

static void room_modes_reply(struct client *c, struct room *r)
{
	char modes[64] = "+";
	if (r->modes & RM_N)
		strcat(modes, "n");
	if (r->modes & RM_T)
		strcat(modes, "t");
	if (r->key)
		strcat(modes, "k");
	if (r->limit)
		snprintf(modes + strlen(modes), sizeof(modes) - strlen(modes), "l %u", r->limit);
	numeric(c, "324", "%s %s", r->name, modes);
	numeric(c, "329", "%s %lld", r->name, (long long)r->created);
}

/* Apply one room mode letter; append what changed to DONE/ARGS. */
static bool room_mode_one(struct client *c, struct room *r, bool plus, char ch, const char *arg,
			  char *done, char *args, size_t size)
{
	struct client *who;
	struct member *mb;
	unsigned long lim;

	switch (ch) {
	case 'n': case 't': {
		uint8_t bit = ch == 'n' ? RM_N : RM_T;
		r->modes = plus ? (r->modes | bit) : (r->modes & (uint8_t)~bit);
		break;
	}
	case 'k':
		free(r->key);
		r->key = plus ? strndup(arg, KEYLEN) : NULL;
		if (plus && !r->key)
			return false;
		break;
	case 'l':
		if (plus && (!parse_uint(arg, 1, 100000, &lim)))
			return false;
		r->limit = plus ? (uint32_t)lim : 0;
		break;
	case 'o': case 'v': {
		uint8_t bit = ch == 'o' ? M_OP : M_VOICE;
		who = nick_find(arg);
		mb = who ? member_of(r, who) : NULL;
		if (!mb) {
			numeric(c, "441", "%s %s :They aren't on that channel", arg, r->name);
			return false;
		}
		mb->modes = plus ? (mb->modes | bit) : (mb->modes & (uint8_t)~bit);
		arg = who->nick;
		break;
	}
	default:
		return false;
	}
	size_t n = strlen(done);
	snprintf(done + n, 64 - n, "%s%c", plus ? "+" : "-", ch);
	if (arg) {
		n = strlen(args);
		snprintf(args + n, size - n, " %s", arg);
	}
	return true;
}

static void cmd_mode(struct client *c, struct irc_msg *m)
{
	struct room *r;
	struct member *me;
	char done[64] = "", args[LINE_MAX_IRC] = "", change[LINE_MAX_IRC + 64];
	int argi = 2;
	bool plus = true;

	if (m->params[0][0] != '#') {
		user_mode(c, m);
		return;
	}
	r = room_find(m->params[0]);
	if (!r) {
		numeric(c, "403", "%s :No such channel", m->params[0]);
		return;
	}
	if (m->nparams < 2) {
		room_modes_reply(c, r);
		return;
	}
	if (strcmp(m->params[1], "b") == 0 || strcmp(m->params[1], "+b") == 0) {
		numeric(c, "368", "%s :End of channel ban list", r->name);
		return;
	}
	me = member_of(r, c);
	if (!me || !(me->modes & M_OP)) {
		numeric(c, me ? "482" : "442", "%s :%s", r->name,
			me ? "You're not channel operator" : "You're not on that channel");
		return;
	}
	for (const char *p = m->params[1]; *p; p++) {
		const char *arg = NULL;
		if (*p == '+' || *p == '-') {
			plus = *p == '+';
			continue;
		}
		if (!strchr("ntklov", *p)) {
			numeric(c, "472", "%c :is unknown mode char to me", *p);
			continue;
		}
		if (strchr("ov", *p) || (plus && strchr("kl", *p))) {
			if (argi >= m->nparams) {
				numeric(c, "461", "MODE :Not enough parameters");
				continue;
			}
			arg = m->params[argi++];
		}
		room_mode_one(c, r, plus, *p, arg, done, args, sizeof(args));
	}
	if (!done[0])
		return;
	snprintf(change, sizeof(change), "%s%s", done, args);
	struct event *e = client_event(c, EV_MODE, r->name, change, NULL);
	if (e) {
		room_send(r, e, NULL);
		event_unref(e);
	}
}

static void cmd_kick(struct client *c, struct irc_msg *m)
{
	struct room *r = room_find(m->params[0]);
	struct member *me;
	struct client *victim;
	struct event *e;

	if (!r) {
		numeric(c, "403", "%s :No such channel", m->params[0]);
		return;
	}
	me = member_of(r, c);
	if (!me || !(me->modes & M_OP)) {
		numeric(c, me ? "482" : "442", "%s :%s", r->name,
			me ? "You're not channel operator" : "You're not on that channel");
		return;
	}
	victim = nick_find(m->params[1]);
	if (!victim || !in_room(victim, r)) {
		numeric(c, "441", "%s %s :They aren't on that channel", m->params[1], r->name);
		return;
	}
	e = client_event(c, EV_KICK, r->name, victim->nick, m->nparams > 2 ? m->params[2] : c->nick);
	if (e) {
		room_send(r, e, NULL);
		event_unref(e);
	}
	room_remove(r, victim);
}

static void cmd_away(struct client *c, struct irc_msg *m)
{
	bool away = m->nparams > 0 && m->params[0][0];
	struct event *e;

	free(c->away);
	c->away = away ? strndup(m->params[0], AWAYLEN) : NULL;
	numeric(c, away ? "306" : "305", away ? ":You have been marked as being away" :
						":You are no longer marked as being away");
	e = client_event(c, EV_AWAY, "", "", c->away);
	if (e) {
		neighbours_send(c, e, false);
		event_unref(e);
	}
}

static void cmd_motd(struct client *c, struct irc_msg *m)
{
	(void)m;
	send_motd(c);
}

static void cmd_lusers(struct client *c, struct irc_msg *m)
{
	(void)m;
	send_lusers(c);
}

static void cmd_version(struct client *c, struct irc_msg *m)
{
	(void)m;
	numeric(c, "351", "%s %s :LAN chat server", VERSION, srv.host);
}

/* USERHOST and ISON: what notify lists and some apps ask on connect. */
static void cmd_userhost(struct client *c, struct irc_msg *m)
{
	char out[LINE_MAX_IRC] = "";
	for (int i = 0; i < m->nparams && i < 5; i++) {
		struct client *w = nick_find(m->params[i]);
		size_t n = strlen(out);
		if (w && w->flags & F_REG)
			snprintf(out + n, sizeof(out) - n, "%s%s=%c%s@%s", n ? " " : "", w->nick,
				 w->away ? '-' : '+', w->user, w->host);
	}
	numeric(c, "302", ":%s", out);
}

static void cmd_ison(struct client *c, struct irc_msg *m)
{
	char out[LINE_MAX_IRC] = "", *save;
	/* "ISON a b" or "ISON :a b": nicks in any parameter, spaces between */
	for (int i = 0; i < m->nparams; i++)
		for (char *nick = strtok_r(m->params[i], " ", &save); nick;
		     nick = strtok_r(NULL, " ", &save)) {
			struct client *w = nick_find(nick);
			size_t n = strlen(out);
			if (w && w->flags & F_REG)
				snprintf(out + n, sizeof(out) - n, "%s%s", n ? " " : "", w->nick);
		}
	numeric(c, "303", ":%s", out);
}

static const struct irc_cmd irc_cmds[] = {
	{ "PRIVMSG", cmd_privmsg, 0, false }, { "NOTICE", cmd_notice, 0, false },
	{ "PING", cmd_ping, 0, true },       { "PONG", cmd_pong, 0, true },
	{ "JOIN", cmd_join, 1, false },      { "PART", cmd_part, 1, false },
	{ "CAP", cmd_cap, 1, true },         { "NICK", cmd_nick, 0, true },
	{ "USER", cmd_user, 4, true },       { "PASS", cmd_pass, 1, true },
	{ "QUIT", cmd_quit, 0, true },       { "TOPIC", cmd_topic, 1, false },
	{ "NAMES", cmd_names, 0, false },    { "LIST", cmd_list, 0, false },
	{ "WHO", cmd_who, 0, false },        { "WHOIS", cmd_whois, 1, false },
	{ "MODE", cmd_mode, 1, false },      { "KICK", cmd_kick, 2, false },
	{ "AWAY", cmd_away, 0, false },      { "MOTD", cmd_motd, 0, false },
	{ "LUSERS", cmd_lusers, 0, false },  { "VERSION", cmd_version, 0, false },
	{ "USERHOST", cmd_userhost, 1, false }, { "ISON", cmd_ison, 1, false },
};

static void irc_line(struct client *c, char *line, size_t len, bool cut)
{
	struct irc_msg m;

	if (cut || len > LINE_MAX_IRC) {
		numeric(c, "417", ":Input line was too long");
		return;
	}
	if (irc_parse(line, &m) != 0)
		return;
	for (unsigned i = 0; i < ARRAY_LEN(irc_cmds); i++) {
		const struct irc_cmd *cmd = &irc_cmds[i];
		if (!irc_cmd_is(&m, cmd->name))
			continue;
		if (!cmd->before_reg && !(c->flags & F_REG))
			numeric(c, "451", ":You have not registered");
		else if (m.nparams < cmd->min_params)
			numeric(c, "461", "%s :Not enough parameters", cmd->name);
		else
			cmd->fn(c, &m);
		return;
	}
	if (c->flags & F_REG)
		numeric(c, "421", "%s :Unknown command", m.cmd);
	else
		numeric(c, "451", ":You have not registered");
}

/* --- plain text ------------------------------------------------------------ */

static void plain_greet(struct client *c)
{
	c->flags |= F_GREETED;
	send_line(c, "Welcome to %s!", srv.name);
	send_line(c, "Type your nickname and press Enter:");
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
		send_line(c, "-- %s", lines[i]);
}

static struct room *plain_room(struct client *c)
{
	return c->nrooms ? c->rooms[c->nrooms - 1] : NULL;
}

static void plain_register(struct client *c, char *line)
{
	struct room *lobby;
	if (strcmp(line, "exit") == 0) {
		client_drop(c, "exit", "Bye!");
		return;
	}
	if (!irc_nick_valid(line, NICKLEN)) {
		send_line(c, "-- '%s' cannot be a nickname: a letter first, then letters, digits"
			  " or - _ [ ] { } \\ | ^, at most %d. Try again:", line, NICKLEN);
		return;
	}
	if (nick_find(line)) {
		send_line(c, "-- %s is taken. Try another:", line);
		return;
	}
	strlcpy_ok(c->user, line, sizeof(c->user));
	c->realname = strdup("plain-text user");
	set_nick(c, line);
	c->flags |= F_REG;
	srv.nreg++;
	send_line(c, "-- Hello %s! You are in %s. Type /help for the commands.", c->nick, srv.lobby);
	msg("%s (%s) joined, plain text", c->nick, c->host);
	join_room(c, srv.lobby, (lobby = room_find(srv.lobby)) ? lobby->key : NULL);
}

static void plain_who(struct client *c, const char *name)
{
	struct room *r = name ? room_find(name) : plain_room(c);
	if (!r) {
		send_line(c, "-- %s: no such room", name ? name : "You are in no room:");
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
			send_line(c, "-- %s (%u) %s", q->name, q->n, q->topic ? q->topic : "");
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
		send_line(c, "-- Unknown command /%s (or missing argument). Type /help.", cmd);
	}
}

static void plain_line(struct client *c, char *line, size_t len, bool cut)
{
	struct room *r;

	if (cut || len > LINE_MAX_IRC) {
		send_line(c, "-- Line too long (at most %d bytes): not sent", LINE_MAX_IRC);
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
		send_line(c, "-- You are in no room: /join #ROOM");
		return;
	}
	talk(c, EV_PRIVMSG, r->name, line + (line[0] == '/'));
}

/* --- input ------------------------------------------------------------------ */

/* IRC if the first line is one of registration's commands. */
static enum kind classify(const char *line)
{
	static const char *const first[] = { "CAP", "PASS", "NICK", "USER" };
	char word[8];
	size_t n = strcspn(line, " ");

	if (!ENABLE_SERVER_PLAIN)
		return K_IRC;
	if (n >= sizeof(word))
		return K_PLAIN;
	for (size_t i = 0; i < n; i++)
		word[i] = (char)(line[i] & ~0x20);
	word[n] = '\0';
	for (unsigned i = 0; i < ARRAY_LEN(first); i++)
		if (strcmp(word, first[i]) == 0)
			return K_IRC;
	return K_PLAIN;
}

/* Token bucket: RATE lines per 10 s, bursts of RATE; true if a line may go. */
static bool refill(struct client *c)
{
	uint64_t full = srv.rate * 1000, t;
	if (!srv.rate)
		return true;
	t = c->tokens + (uint64_t)(srv.now - c->bucket_ms) * srv.rate / 10;
	c->tokens = (uint32_t)MIN(t, full);
	c->bucket_ms = srv.now;
	return c->tokens >= 1000;
}

static bool take_token(struct client *c)
{
	if (!refill(c))
		return false;
	if (srv.rate)
		c->tokens -= 1000;
	return true;
}

static enum conn_verdict on_line(struct conn *conn, char *line, size_t len, bool cut)
{
	struct client *c = container_of(conn, struct client, conn);

	if (c->flags & F_CLOSING)
		return CONN_GONE;
	if (!take_token(c)) {
		c->flags |= F_THROTTLED;
		return CONN_HOLD;
	}
	c->last_rx = srv.now;
	c->flags &= (uint16_t)~F_PINGED;
	if (ENABLE_SERVER_PLAIN && c->kind != K_IRC)
		len = telnet_strip(line, len); /* before the NUL cut: IAC SB may hold NULs */
	len = strlen(line); /* a NUL ends the line */
	if (c->kind == K_NEW) {
		c->kind = (uint8_t)classify(line);
		if (c->kind == K_PLAIN && srv.password) {
			client_drop(c, "plain text refused", "This server needs a password: use an IRC app.");
			return CONN_GONE;
		}
		if (c->kind == K_PLAIN && !(c->flags & F_GREETED))
			plain_greet(c);
	}
	if (ENABLE_SERVER_PLAIN && c->kind == K_PLAIN)
		plain_line(c, line, len, cut);
	else
		irc_line(c, line, len, cut);
	return c->flags & F_CLOSING ? CONN_GONE : CONN_NEXT;
}

static void read_error(struct client *c)
{
	char why[96];
	snprintf(why, sizeof(why), errno ? "Read error: %s" : "Connection closed",
		 errno ? strerror(errno) : "");
	client_drop(c, why, NULL);
}

static void client_io(struct loop *l, struct watch *w, uint32_t events)
{
	struct client *c = container_of(w, struct client, conn.w);
	srv.now = loop_now_ms();
	if (events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) {
		int rc = conn_flush(l, &c->conn);
		if (rc < 0 && !(c->flags & F_CLOSING)) {
			char why[96];
			snprintf(why, sizeof(why), "Write error: %s", strerror(errno));
			client_drop(c, why, NULL);
		}
		if (c->flags & F_CLOSING && rc != 1) {
			client_bury(c);
			return;
		}
	}
	if ((events & (EPOLLIN | EPOLLHUP | EPOLLERR)) && !(c->flags & F_CLOSING) &&
	    conn_read(l, &c->conn, on_line) < 0)
		read_error(c);
}

/* --- accepting -------------------------------------------------------------- */

static void reject(int fd, const char *why)
{
	char line[128];
	int n = snprintf(line, sizeof(line), "ERROR :Closing Link: %s\r\n", why);
	if (write(fd, line, (size_t)n) < 0) {
		/* the peer will see the close anyway */
	}
	close(fd);
}

static void listeners_enable(bool on)
{
	for (int i = 0; i < srv.nlisten; i++)
		loop_mod(&srv.loop, &srv.listeners[i], on ? EPOLLIN : 0);
}

static void accept_resume(struct loop *l, struct timer *t)
{
	(void)l, (void)t;
	listeners_enable(true);
}

static void client_new(int fd, const struct sockaddr *sa)
{
	struct client *c;
	struct addr_count *a;
	char host[NET_ADDRSTR_MAX];
	int one = 1, sndbuf = SOCKET_SNDBUF;

	net_ntop(sa, host);
	if (srv.nclients >= srv.max_clients) {
		reject(fd, "Too many connections");
		return;
	}
	a = addr_slot(host, true);
	if (!a || a->n >= srv.per_addr) {
		reject(fd, "Too many connections from your address");
		return;
	}
	c = calloc(1, sizeof(*c));
	if (!c || conn_init(&srv.loop, &c->conn, fd, client_io) != 0) {
		free(c);
		reject(fd, "Server out of memory");
		return;
	}
	setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
	/* Fixed, not autotuned up to megabytes: a reader that stops reading
	 * then costs the kernel little, and reaches the -Q cap soon. */
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	a->n++;
	memcpy(c->host, host, sizeof(host));
	c->since = c->last_rx = c->bucket_ms = srv.now;
	c->tokens = (uint32_t)(srv.rate * 1000);
	c->next = srv.clients;
	if (srv.clients)
		srv.clients->prev = c;
	srv.clients = c;
	srv.nclients++;
	if (timer_armed(&srv.tick_timer) && srv.tick_timer.due_ms > srv.now + GREET_MS)
		loop_timer(&srv.loop, &srv.tick_timer, GREET_MS);
}

static void on_accept(struct loop *l, struct watch *w, uint32_t events)
{
	static bool starved; /* say it once per shortage, not ten times a second */

	(void)events;
	srv.now = loop_now_ms();
	for (int i = 0; i < 64; i++) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);
		int fd = accept4(w->fd, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd >= 0) {
			starved = false;
			client_new(fd, (struct sockaddr *)&ss);
			continue;
		}
		if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
			/* Out of descriptors: the pending peer stays queued; stop
			 * polling the listener for a moment instead of spinning. */
			if (!starved)
				msg("accept: %s", strerror(errno));
			starved = true;
			listeners_enable(false);
			loop_timer(l, &srv.accept_timer, ACCEPT_PAUSE_MS);
		}
		return;
	}
}

/* --- timers ------------------------------------------------------------------ */

static void on_write_error(struct conn *conn)
{
	struct client *c = container_of(conn, struct client, conn);
	char why[96];
	snprintf(why, sizeof(why), "Write error: %s", strerror(errno));
	if (c->flags & F_CLOSING)
		client_bury(c);
	else
		client_drop(c, why, NULL);
}

/* End of every batch: drop the overflowed, write what was queued, free the dead. */
static void flush_all(struct loop *l, struct timer *t)
{
	(void)t;
	srv.now = loop_now_ms();
	/* Dropping the overflowed queues QUITs for others, which may overflow
	 * in turn: repeat until calm. Each pass drops distinct clients. */
	do {
		while (srv.kill) {
			struct client *c = srv.kill;
			srv.kill = c->kill_next;
			if (c->flags & F_OVERFLOW)
				client_drop(c, "SendQ exceeded", "SendQ exceeded");
		}
		conn_flush_dirty(l, on_write_error);
	} while (srv.kill);
	while (srv.grave) {
		struct client *c = srv.grave;
		srv.grave = c->grave_next;
		client_free(c);
	}
}

/* Resume throttled input, greet silent newcomers, time out dead peers. */
static bool tick_client(struct client *c)
{
	int64_t idle = srv.now - c->last_rx;

	if (c->flags & F_CLOSING) {
		if (idle > LINGER_MS)
			client_bury(c);
		return false;
	}
	if (c->flags & F_THROTTLED) {
		if (!refill(c))
			return true;
		c->flags &= (uint16_t)~F_THROTTLED;
		if (conn_resume(&srv.loop, &c->conn, on_line) < 0)
			read_error(c);
		return true;
	}
	if (!(c->flags & F_REG)) {
		if (srv.now - c->since > (int64_t)srv.reg_ms) {
			client_drop(c, "Registration timeout", "Closing Link: Registration timed out");
			return false;
		}
		if (ENABLE_SERVER_PLAIN && c->kind == K_NEW && !(c->flags & F_GREETED)) {
			if (srv.now - c->since < GREET_MS)
				return true;
			plain_greet(c);
		}
		return false;
	}
	if (c->kind != K_IRC)
		return false;
	if (idle > (int64_t)srv.ping_ms) {
		char why[64];
		snprintf(why, sizeof(why), "Ping timeout: %lld seconds", (long long)(idle / 1000));
		client_drop(c, why, why);
	} else if (idle > (int64_t)srv.ping_ms / 2 && !(c->flags & F_PINGED)) {
		c->flags |= F_PINGED;
		send_line(c, "PING :%s", srv.host);
	}
	return false;
}

static void tick(struct loop *l, struct timer *t)
{
	bool soon = false;
	srv.now = loop_now_ms();
	for (struct client *c = srv.clients, *next; c; c = next) {
		next = c->next;
		soon |= tick_client(c);
	}
	/* Seconds normally; tenths while someone waits for tokens or a greeting. */
	loop_timer(l, t, soon ? 100 : MIN(1000, (int64_t)srv.ping_ms / 4 + 1));
}

/* --- shutting down ------------------------------------------------------------- */

static void on_signal(struct loop *l, struct watch *w, uint32_t events)
{
	struct signalfd_siginfo si;
	(void)events;
	if (read(w->fd, &si, sizeof(si)) != sizeof(si))
		return;
	msg("signal %u: shutting down", si.ssi_signo);
	for (struct client *c = srv.clients; c; c = c->next) {
		if (c->flags & (F_CLOSING | F_FREED) || c->conn.w.fd < 0)
			continue;
		c->flags &= (uint16_t)~F_OVERFLOW;
		sendq_drop_unsent(&c->conn.sq); /* the goodbye first, not a backlog */
		if (ENABLE_SERVER_PLAIN && c->kind == K_PLAIN)
			send_line(c, "-- The server is shutting down. Bye!");
		else
			send_line(c, "ERROR :Closing Link: %s (Server shutting down)", c->host);
		conn_flush(l, &c->conn); /* best effort: a full socket loses it */
		shutdown(c->conn.w.fd, SHUT_WR);
	}
	l->stop = true;
}

/* --- setup ---------------------------------------------------------------------- */

static void raise_nofile(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static void drop_privileges(const char *user)
{
	struct passwd *pw;
	if (geteuid() != 0)
		return;
	pw = getpwnam(user);
	if (!pw)
		die("-u: no user '%s'", user);
	if (setgroups(0, NULL) != 0 || setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0)
		die("cannot become %s: %s", user, strerror(errno));
}

static void listen_on(const char *addr)
{
	int fd;
	if (srv.nlisten == MAXLISTEN)
		usage_error("-b: at most %d addresses", MAXLISTEN);
	fd = net_listen(addr, srv.port, 128);
	if (fd < 0)
		die("cannot listen on %s port %u: %s", addr ? addr : "*", srv.port, strerror(errno));
	/* -p 0: the kernel picks a free port (tests); the other -b addresses
	 * and the announcement use the same one. */
	if (srv.port == 0 && (srv.port = net_local_port(fd)) == 0)
		die("cannot learn the port picked for -p 0: %s", strerror(errno));
	if (loop_add(&srv.loop, &srv.listeners[srv.nlisten], fd, on_accept, EPOLLIN) != 0)
		die("epoll: %s", strerror(errno));
	srv.nlisten++;
}

static void init_names(const char *name)
{
	time_t now = time(NULL);
	struct tm tm;
	static char defname[96];

	if (gethostname(srv.host, sizeof(srv.host) - 1) != 0 || !srv.host[0])
		strcpy(srv.host, "chatbox");
	for (char *p = srv.host; *p; p++)
		if (*p == ' ' || *p == ':')
			*p = '-';
	if (!name) {
		snprintf(defname, sizeof(defname), "%s chat", srv.host);
		name = defname;
	}
	srv.name = name;
	sanitize(srv.network, sizeof(srv.network), name);
	for (char *p = srv.network; *p; p++)
		if (*p == ' ' || *p == ':' || *p == ',')
			*p = '-';
	gmtime_r(&now, &tm);
	strftime(srv.created, sizeof(srv.created), "%Y-%m-%d %H:%M:%S UTC", &tm);
}

int chat_server_main(int argc, char **argv)
{
	static const int sigs[] = { SIGTERM, SIGINT, 0 };
	const char *addrs[MAXLISTEN + 1] = { NULL }, *user = "nobody", *name = NULL;
	bool foreground = false, use_syslog = false, announce = ENABLE_SERVER_MDNS;
	static struct mdns_responder mdns;
	unsigned long secs = 180;
	int naddrs = 0, c;
	struct room *lobby;

	srv.port = CONFIG_CHATBOX_DEFAULT_PORT;
	srv.history = IF_SERVER_HISTORY(CONFIG_SERVER_HISTORY_DEFAULT +) 0;
	srv.lobby = "#lobby";
	srv.max_clients = 1000;
	srv.per_addr = 50;
	srv.rate = 20;
	srv.sendq = 64 * 1024;
	while ((c = next_opt(argc, argv, "fSMp:b:n:r:H:u:c:C:R:Q:P:T:")) != -1) {
		switch (c) {
		case 'f': foreground = true; break;
		case 'S': use_syslog = true; break;
		case 'M': announce = false; break;
		case 'p': srv.port = (unsigned)opt_uint('p', optarg, 0, 65535); break;
		case 'b':
			if (naddrs < MAXLISTEN)
				addrs[naddrs++] = optarg;
			else
				usage_error("-b: at most %d addresses", MAXLISTEN);
			break;
		case 'n': name = optarg; break;
		case 'r': srv.lobby = optarg; break;
		case 'H': srv.history = opt_uint('H', optarg, 0, 1000); break;
		case 'u': user = optarg; break;
		case 'c': srv.max_clients = opt_uint('c', optarg, 1, 1000000); break;
		case 'C': srv.per_addr = opt_uint('C', optarg, 1, 1000000); break;
		case 'R': srv.rate = opt_uint('R', optarg, 0, 100000); break;
		case 'Q': srv.sendq = opt_uint('Q', optarg, 1, 1 << 20) * 1024; break;
		case 'P': srv.password = optarg; break;
		case 'T': secs = opt_uint('T', optarg, 1, 86400); break;
		default: break;
		}
	}
	if (optind < argc)
		usage_error("unexpected argument '%s'", argv[optind]);
	if (!irc_room_valid(srv.lobby, ROOMLEN))
		usage_error("-r: '%s' is not a room name (#name, at most %d bytes)", srv.lobby, ROOMLEN);
	if (!ENABLE_SERVER_HISTORY)
		srv.history = 0;
	srv.ping_ms = secs * 1000;
	srv.reg_ms = MIN(secs, 60) * 1000;
	init_names(name);

	signal(SIGPIPE, SIG_IGN);
	raise_nofile();
	if (loop_init(&srv.loop) != 0)
		die("epoll: %s", strerror(errno));
	if (naddrs == 0)
		listen_on(NULL);
	for (int i = 0; i < naddrs; i++)
		listen_on(addrs[i]);
	/* Bound: now it may be announced. Without mDNS the server still works,
	 * it just has to be found by address. */
	if (ENABLE_SERVER_MDNS && announce &&
	    discover_announce(&mdns, &srv.loop, srv.name, srv.port, naddrs ? addrs : NULL) != 0) {
		msg("not announced on the LAN (mDNS): clients need this host's address");
		announce = false;
	}
	drop_privileges(user);
	if (!foreground && daemon(0, 0) != 0)
		die("daemon: %s", strerror(errno));
	if (!foreground || use_syslog)
		log_to_syslog();
	if (loop_signals(&srv.loop, &srv.sigw, on_signal, sigs) != 0)
		die("signalfd: %s", strerror(errno));
	timer_init(&srv.flush_timer, flush_all);
	timer_init(&srv.tick_timer, tick);
	timer_init(&srv.accept_timer, accept_resume);
	loop_timer(&srv.loop, &srv.tick_timer, 1000);
	lobby = room_new(srv.lobby);
	if (lobby)
		lobby->keep = true; /* and its history with it */
	else
		die("out of memory");
	msg("%s: listening on port %u", srv.name, srv.port);
	if (loop_run(&srv.loop) != 0)
		die("epoll: %s", strerror(errno));
	if (ENABLE_SERVER_MDNS && announce)
		mdns_responder_stop(&mdns); /* goodbyes: browsers drop us at once */
	msg("stopped");
	return 0;
}
