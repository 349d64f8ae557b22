/* server.h - chat-server's shared types: clients, rooms, members, the
 * server, and what each part of applets/server/ offers the others.
 *
 *   main.c      options, setup, the loop
 *   io.c        sockets: accept, read, write, flood control, timers
 *   room.c      rooms, members, the nick and room tables, fan-out
 *   actions.c   join, part, talk, topic, nick, kick, away, quit: the same
 *               for every kind of client; they build events and replies
 *   render.c    the one place that knows wire formats (IRC, IRC with
 *               server-time, IRC for old history, plain text)
 *   irc_cmds.c  the IRC front end: its command table
 *   mode.c      IRC channel modes (MODE #room ...)
 *   query.c     IRC questions: WHO/WHOX, WHOIS, WHOWAS, LIST, NAMES, LUSERS,
 *               TIME, ADMIN, INFO, HELP
 *   ban.c       ban masks: +b bans, +e exceptions, +I invite exceptions,
 *               and who they stop from joining, talking or renaming
 *   invite.c    INVITE and the invitations it leaves (+i rooms), KNOCK
 *   oper.c      server operators (-O FILE, OPER, KILL, WALLOPS, user modes)
 *   secret.c    password hashes, constant-time compare, failures per address
 *   account.c   accounts: REGISTER, SASL PLAIN, /login, claimed nicks, founders
 *   pending.c   messages kept for offline accounts; read markers (MARKREAD)
 *   acctfile.c  accounts, founders, pending messages, markers on disk (-D)
 *   plain.c     the plain-text (nc, telnet) front end: its slash commands
 *   web.c       HTTP: the chat page's files, the WebSocket handshake
 *   event.c, history.c  events rendered once per wire format; room history
 *   store.c     room history on disk (-D): the journal's records; msgids
 *   chathistory.c  draft/chathistory, and the private messages it reads
 *   labeled.c   labeled-response: a labeled command's replies */
#pragma once

#include "applet.h"
#include "budget.h"
#include "conn.h"
#include "event.h"
#include "history.h"
#include "irc.h"
#include "loop.h"
#include "nametab.h"
#include "net.h"
#include "store.h"

#define SERVER_VERSION "chatbox-" CHATBOX_VERSION
#define NICKLEN      16
#define ROOMLEN      32
#define TOPICLEN     300
#define USERLEN      10
#define REALLEN      50
#define AWAYLEN      200
#define KEYLEN       23
#define MAXROOMS     20   /* rooms per client */
#define MAXTARGETS   4
#define MAXMODES     4    /* parameter-taking changes per MODE line (ISUPPORT MODES) */
/* Channel modes, all implemented: 004 and ISUPPORT say exactly these. */
/* (+b +e +I +i +m +p +s and user modes +o +w are SERVER_MODERATION's) */
#define ROOM_MODES   (ENABLE_SERVER_MODERATION ? "beIiklmnopstv" : "klnotv")
#define ROOM_MODES_ARG (ENABLE_SERVER_MODERATION ? "beIklov" : "klov") /* taking a parameter */
#define USER_MODES   (ENABLE_SERVER_MODERATION ? "iow" : "i")
/* ISUPPORT of the modes: CHANMODES types A,B,C,D (005), as implemented */
#define ISUPPORT_MODES (ENABLE_SERVER_MODERATION ? \
	"CHANMODES=beI,k,l,imnpst PREFIX=(ov)@+ EXCEPTS INVEXCEPT" : "CHANMODES=,k,l,nt PREFIX=(ov)@+")
#define MAXLIST      30   /* +b, +e and +I entries per room, together */
#define MAXINVITES   8    /* pending invitations per client ... */
#define MAXINVITES_ROOM 16 /* ... and per room */
#define MAXLISTEN    8
#define MAXWEB       3    /* -w ports (each on every -b address) */
#define LINE_MAX_IRC 510  /* RFC 1459: 512 with CRLF */
#define GREET_MS     400  /* silence after which a newcomer is greeted as plain text */
#define WEB_HOLD_MS  3000 /* ... or this, beside a browser (web_browser_near) */
#define LINGER_MS    5000 /* a closing client's last lines may take this long */
/* Others' JOINs, as the members of a room see them, may wait this long to
 * go out with whatever comes after them (io.c: presence_begin), */
#define PRESENCE_MS  10
/* unless the recipient has this many bytes queued already. */
#define PRESENCE_MAX 4096
#define ACCEPT_PAUSE_MS 100
#define SOCKET_SNDBUF 65536 /* the kernel doubles it */

/* Wire formats an event is rendered in (struct event's wire[]); only
 * render.c looks at them. */
enum wire { W_IRC, W_IRC_TIME, W_IRC_OLD, W_PLAIN, W_IRC_TAGS, W_IRC_TAGS_ACCOUNT };

enum {
	CAP_MULTI_PREFIX = 1 << 0,
	CAP_SERVER_TIME  = 1 << 1,
	CAP_ECHO         = 1 << 2,
	CAP_AWAY_NOTIFY  = 1 << 3,
	CAP_UHNAMES      = 1 << 4,
	CAP_MSGTAGS      = 1 << 5,  /* message-tags: msgid, time, client tags */
	CAP_BATCH        = 1 << 6,
	CAP_CHATHISTORY  = 1 << 7,  /* draft/chathistory: no replay on join */
	CAP_LABELED      = 1 << 8,  /* labeled-response */
	CAP_SASL         = 1 << 9,
	CAP_ACCOUNT_REG  = 1 << 10,
	CAP_ACCOUNT_NOTIFY = 1 << 11,
	CAP_READ_MARKER  = 1 << 12,
	CAP_EXTENDED_JOIN = 1 << 13,
	CAP_ACCOUNT_TAG  = 1 << 14,  /* account-tag, on top of message-tags */
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
	/* F_OPER, F_WALLOPS, RM_I, RM_M, RM_S and RM_P are 0 without
	 * SERVER_MODERATION: nobody is an operator, no room is +i, +m, +s or
	 * +p, and every test of them folds away at compile time. */
	F_OPER      = ENABLE_SERVER_MODERATION << 11, /* a server operator (OPER, -O FILE) */
	F_WEB       = 1 << 12, /* came over WebSocket (its transport, not its front end) */
	F_CAP302    = 1 << 13, /* CAP LS 302: capability values */
	F_LAZY      = 1 << 14, /* holds output that may wait PRESENCE_MS (io.c) */
	F_WALLOPS   = ENABLE_SERVER_MODERATION << 15, /* user mode +w: gets WALLOPS */
};

enum { M_OP = 1, M_VOICE = 2 };         /* member modes */
/* room modes: no outside messages, topic by ops, invite only, moderated,
 * secret, private (RM_S and RM_P hide a room from non-members); the last
 * four are SERVER_MODERATION's (see F_OPER) */
enum {
	RM_N = 1, RM_T = 2, RM_I = ENABLE_SERVER_MODERATION << 2, RM_M = ENABLE_SERVER_MODERATION << 3,
	RM_S = ENABLE_SERVER_MODERATION << 4, RM_P = ENABLE_SERVER_MODERATION << 5
};

struct client;

/* A front end: how a kind of client talks. A newcomer has front_new until
 * its first line tells IRC from plain text. */
struct front {
	/* one input line (LEN bytes, NUL-terminated; CUT: it was too long) */
	void (*line)(struct client *c, char *line, size_t len, bool cut);
	/* called once it is known; false if the client was refused */
	bool (*start)(struct client *c);
	uint8_t wire;                   /* enum wire of its live lines */
	bool telnet;                    /* input may hold telnet commands */
	bool pinged;                    /* the server PINGs it when idle */
};
extern const struct front front_new, front_irc, front_plain;

struct room;
struct web;

struct client {
	struct conn conn;
	struct name_node node;          /* in srv.nicks once it has a nick */
	struct client *next, *prev;     /* srv.clients */
	struct client *kill_next, *grave_next;
	struct room **invites;          /* invite.c: rooms it may join once */
	const struct front *front;
	struct room **rooms;
	char *realname, *away;
	struct web *web;                /* an HTTP client's request (web.c) */
	int64_t since, last_rx, bucket_ms; /* loop clock, ms */
	int64_t spoke, knocked;         /* last PRIVMSG/NOTICE (WHOIS idle), KNOCK; ms */
	uint32_t seen;                  /* broadcast generation, to send once */
	uint32_t tokens;                /* flood tokens, in thousandths */
	uint16_t flags;
	uint32_t caps;                  /* CAP_*, one bit per cap_names[] entry */
	uint8_t nrooms, ninvites;
	uint8_t sasl_state;             /* account.c: AUTHENTICATE PLAIN under way */
	uint32_t hist_id;               /* chathistory.c: it as a party to private talk, 0: none yet */
	char *sasl;                     /* its base64 so far */
	char account[NICKLEN + 1];      /* logged in as; "" if not */
	char claimed[NICKLEN + 1];      /* the claimed nick it was refused (a guest) */
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
	uint8_t nmasks, ninvites;       /* ban.c's masks, invite.c's invitations */
	struct ban *masks;
	bool keep;                      /* the default room outlives its members */
	char *topic, *key;
	int64_t created, topic_time;    /* wall clock, s */
	char topic_who[NICKLEN + 1];
	struct history hist;
	char name[ROOMLEN + 1];
};

/* What a room and a topic cost the budget (-m): a room and its first
 * members, a topic string; 16 for each malloc'd block's overhead. */
#define ROOM_COST (sizeof(struct room) + 4 * sizeof(struct member) + 2 * 16)
#define TOPIC_COST(t) ((t) ? strlen(t) + 1 + 16 : 0)

struct addr_count {
	char host[NET_ADDRSTR_MAX];
	uint32_t n;
};

struct server {
	struct loop loop;
	struct watch listeners[MAXLISTEN * (1 + MAXWEB)], sigw;
	int nlisten;
	uint32_t web_listeners;         /* bit i: listeners[i] is a -w port, HTTP only */
	struct timer flush_timer, tick_timer, accept_timer, presence_timer;
	const char *name, *lobby, *password;
	char host[64], network[64], created[64];
	unsigned port;
	unsigned long history, max_clients, per_addr, rate, sendq, ping_ms, reg_ms;
	unsigned long pending_s;        /* -E: a kept private message's life */
	uint8_t registration;           /* -A: enum reg_mode */
	struct budget budget;           /* -m: rooms, topics, history, queues */
	struct client *clients;
	struct client *kill, *grave;
	struct room *rooms;
	struct nametab nicks, room_tab;
	struct addr_count *addrs;
	size_t naddrs;
	uint32_t nclients, nreg, nrooms, gen;
	int64_t now;                    /* loop clock, ms, of this batch */
};
extern struct server srv;

enum reg_mode { REG_ON, REG_OFF, REG_OPER };
#define PASSLEN 128

/* io.c */
void deliver(struct client *c, struct event *e, bool replay);
static inline void push_event(struct client *c, struct event *e)
{
	deliver(c, e, false);
}
void __attribute__((format(printf, 2, 3))) send_line(struct client *c, const char *fmt, ...);
void __attribute__((format(printf, 2, 3))) send_last_line(struct client *c, const char *fmt, ...);
void send_msgbuf(struct client *c, struct msgbuf *m);
void addr_release(const char *host);
void client_bury(struct client *c);
void on_accept(struct loop *l, struct watch *w, uint32_t events);
void accept_resume(struct loop *l, struct timer *t);
void flush_all(struct loop *l, struct timer *t);
void flush_presence(struct loop *l, struct timer *t);
/* Between these, what is queued for anyone but SELF is a presence notice
 * that may wait PRESENCE_MS for company (io.c). */
void presence_begin(const struct client *self);
void presence_end(void);
void tick(struct loop *l, struct timer *t);
void server_signal(struct loop *l, struct watch *w, uint32_t events);

/* room.c */
struct room *room_find(const char *name);
struct room *room_new(const char *name);
void room_free_if_empty(struct room *r);
struct member *member_of(struct room *r, const struct client *c);
bool in_room(const struct client *c, const struct room *r);
int room_enter(struct room *r, struct client *c);
void room_remove(struct room *r, struct client *c);
void room_send(struct room *r, struct event *e, const struct client *skip);
void room_send_alt(struct room *r, struct event *e, struct event *alt, uint32_t cap);
void neighbours_send(struct client *c, struct event *e, bool self);
const char *prefix_of(uint8_t modes, bool all);
struct client *nick_find(const char *nick);

/* actions.c */
struct event *client_event(struct client *c, enum event_kind kind, const char *target,
			   const char *arg, const char *text);
void client_drop(struct client *c, const char *reason, const char *error);
void join_room(struct client *c, const char *name, const char *key);
bool join_allowed(struct client *c, const char *name); /* without a key; says nothing */
void part_room(struct client *c, const char *name, const char *reason);
/* CTAGS: client-only tags to relay to message-tags clients ("+a=b;+c"),
 * NULL if none; EV_TAGMSG carries only them. */
void talk(struct client *c, enum event_kind kind, const char *target, const char *text,
	  const char *ctags);
void set_topic(struct client *c, struct room *r, const char *text);
bool room_name_ok(const char *name);
bool nick_valid(const char *nick);
bool nick_ok(struct client *c, const char *nick);
bool set_nick(struct client *c, const char *nick);
void kick(struct client *c, struct room *r, const char *nick, const char *reason);
void set_away(struct client *c, const char *text);
bool room_op_ok(struct client *c, struct room *r);

/* render.c */
const char *nick_or_star(const struct client *c);
void __attribute__((format(printf, 3, 4))) numeric(struct client *c, const char *num,
						   const char *fmt, ...);
void __attribute__((format(printf, 2, 3))) say_plain(struct client *c, const char *fmt, ...);
/* How each wire format renders an event (render.c's table). */
extern event_render_fn *const wire_renderers[];
/* E as C reads it: rendered once per wire format, on first use, then
 * shared by every reader of that format. NULL if C does not get E (AWAY
 * without away-notify), or out of memory. REPLAY: history shown on
 * joining, which says its times in the text unless C has server-time.
 * render.c's, here only so the fan-out loop inlines it. */
static inline struct msgbuf *event_for(const struct client *c, struct event *e, bool replay)
{
	enum wire w = W_PLAIN;
	if (!ENABLE_SERVER_PLAIN || c->front->wire != W_PLAIN)
		w = c->caps & CAP_MSGTAGS ? (c->caps & CAP_ACCOUNT_TAG && e->account ?
					     W_IRC_TAGS_ACCOUNT : W_IRC_TAGS) :
		    c->caps & CAP_SERVER_TIME ? W_IRC_TIME :
		    replay ? W_IRC_OLD : W_IRC;
	if (e->kind == EV_AWAY && !(c->caps & CAP_AWAY_NOTIFY))
		return NULL;
	if (e->kind == EV_TAGMSG && !(c->caps & CAP_MSGTAGS))
		return NULL;
	return event_wire(e, w, wire_renderers[w]);
}
/* E as one line with "@batch=BATCH;time=...;msgid=... " (chathistory.c):
 * rendered per call, never on the fan-out path. */
struct msgbuf *render_batched(const struct event *e, const char *batch);
/* E's msgid into OUT (MSGID_MAX); "" if it has none. */
#define MSGID_MAX 32
void msgid_of(const struct event *e, char out[MSGID_MAX]);
void send_names(struct client *c, struct room *r);
void send_topic(struct client *c, struct room *r, bool always);
void replay_history(struct client *c, struct room *r);
void reply_needs_key(struct client *c, struct room *r);
void echo_private(struct client *c, struct client *to, struct event *e);
void send_farewell(struct client *c, const char *text);
void send_shutdown(struct client *c);
void send_invite(struct client *to, struct client *by, struct room *r);
void send_wallops(struct client *to, struct client *by, const char *text);
void send_user_mode(struct client *c, const char *change);
void send_fail(struct client *c, const char *cmd, const char *code, const char *ctx,
	       const char *text);
void send_register_ok(struct client *c, const char *account);
void send_account(struct client *to, struct client *who);
void send_markread(struct client *c, const char *target, const char *ts);

/* io.c: queue a rendered line M for C (chathistory.c) */
void deliver_buf(struct client *c, struct msgbuf *m);

/* chathistory.c: draft/chathistory */
#define CHATHISTORY_MAX 100  /* ISUPPORT CHATHISTORY: messages per request */
void cmd_chathistory(struct client *c, struct irc_msg *m);
/* A private message E (PRIVMSG/NOTICE between two nicks, its arg from
 * private_parties()), journaled (-D) and kept for CHATHISTORY of a nick;
 * the oldest go first, and for -m. private_load(): one read back (store.c). */
void private_keep(struct event *e);
void private_load(struct event *e);
/* The parties of a private message from FROM to TO (a client), or to
 * ACCOUNT (TO NULL: its owner is offline), as the event's arg. */
#define PRIV_PARTIES_MAX (2 * (NICKLEN + 2))
void private_parties(struct client *from, struct client *to, const char *account,
		     char out[PRIV_PARTIES_MAX]);

/* labeled.c: labeled-response around one command of C (TAGS: its raw
 * tags); labeled_take() is io.c's: true if it took C's line of LEN bytes. */
extern struct client *labeled_now; /* whose labeled command runs; NULL: none */
void labeled_begin(struct client *c, const char *tags);
bool labeled_take(struct client *c, const char *line, size_t len);
void labeled_end(struct client *c);

/* irc_cmds.c, mode.c */
void room_mode(struct client *c, struct irc_msg *m);
/* Each comma-separated ITEM of LIST (modified in place). */
#define FOR_EACH_ITEM(item, list, save) \
	for (char *item = strtok_r((list), ",", &(save)); item; item = strtok_r(NULL, ",", &(save)))

/* query.c: the IRC commands that ask, and what registration sends of them */
bool room_visible(const struct client *c, const struct room *r);
void whowas_add(const struct client *c);
void send_lusers(struct client *c);
void send_isupport_queries(struct client *c);
void cmd_who(struct client *c, struct irc_msg *m);
void cmd_whois(struct client *c, struct irc_msg *m);
void cmd_whowas(struct client *c, struct irc_msg *m);
void cmd_list(struct client *c, struct irc_msg *m);
void cmd_names(struct client *c, struct irc_msg *m);
void cmd_lusers(struct client *c, struct irc_msg *m);
void cmd_time(struct client *c, struct irc_msg *m);
void cmd_admin(struct client *c, struct irc_msg *m);
void cmd_info(struct client *c, struct irc_msg *m);
void cmd_help(struct client *c, struct irc_msg *m);

/* ban.c */
enum ban_list { BAN_B, BAN_E, BAN_I };
bool ban_list_mode(char ch, enum ban_list *out);
bool ban_change(struct client *c, struct room *r, enum ban_list l, bool add, const char *arg,
		char *mask, size_t size);
void ban_list_send(struct client *c, struct room *r, enum ban_list l);
bool ban_matches(struct room *r, enum ban_list l, const struct client *c, const char *nick);
bool banned(struct room *r, const struct client *c, const char *nick);
void ban_free_all(struct room *r);
bool nick_change_banned(struct client *c, const char *nick);

/* invite.c */
void invite(struct client *c, const char *nick, const char *room);
void invites_list(struct client *c);
void cmd_knock(struct client *c, struct irc_msg *m);
bool invite_take(struct client *c, struct room *r, bool consume);
void invites_drop_client(struct client *c);
void invites_drop_room(struct room *r);

/* oper.c */
int operators_load(const char *path);
int hash_password_cmd(void);
void oper_login(struct client *c, const char *name, const char *password);
void oper_kill(struct client *c, const char *nick, const char *reason);
void wallops(struct client *c, const char *text);
bool user_mode_change(struct client *c, bool plus, char ch);
void user_modes_str(const struct client *c, char out[8]);

/* web.c */
extern const struct front front_http;
void web_tick(struct client *c);
bool web_browser_near(const char *host); /* HTTP from HOST lately: greet none silent */
void web_allow_origin(const char *origin);

/* plain.c */
void plain_greet(struct client *c);

/* secret.c */
bool secret_same(const char *a, const char *b);
bool password_matches(const char *password, const char *hash);
bool crypt_budget_ok(void);    /* false: enough passwords failed this second, server-wide */
void crypt_budget_fail(void); /* a verification failed: charge the budget */
int password_hash(const char *password, char out[128]);
#define FAIL_ADDRS 16 /* addresses (IPv6: /64s) failures are counted for */
/* TRIES failures lock an address for LOCK_S seconds. Given to each call,
 * not kept in the struct: a zeroed one stays in .bss, not in the binary. */
struct fail_limit {
	struct fail_slot {
		char host[NET_ADDRSTR_MAX];
		uint8_t fails;
		int64_t since_ms;       /* first failure, or the lock's start */
	} slot[FAIL_ADDRS];
};
bool fail_locked(struct fail_limit *l, const char *host, unsigned tries, unsigned lock_s);
void fail_note(struct fail_limit *l, const char *host, unsigned tries);
void fail_clear(struct fail_limit *l, const char *host);

/* account.c */
#define ACCOUNTS_MAX 1000
struct account {
	char name[NICKLEN + 1];
	char hash[128];
};
struct founder {
	char room[ROOMLEN + 1];
	char account[NICKLEN + 1];
};
extern struct account *accounts;
extern struct founder *founders;
extern unsigned naccounts, nfounders;
struct account *account_find(const char *name);
bool account_add(const char *name, const char *hash);
bool founder_add(const char *room, const char *account);
void account_register(struct client *c, const char *name, const char *password);
void account_login(struct client *c, const char *name, const char *password);
void sasl_step(struct client *c, const char *arg);
void sasl_reset(struct client *c);
bool nick_claimed(const struct client *c, const char *nick);
void account_before_welcome(struct client *c);
void account_after_welcome(struct client *c);
void account_joined(struct client *c, struct room *r, bool created);

/* pending.c */
bool pending_keep(struct client *c, enum event_kind kind, const char *to, const char *text);
bool pending_load(const char *to, enum event_kind kind, int64_t when_ms, uint64_t seq,
		  const char *nick, const char *uh, const char *text);
void pending_deliver(struct client *c);
void pending_init(void);
void markread(struct client *c, const char *target, const char *ts);
void markread_joined(struct client *c, struct room *r);
bool marker_set(const char *account, const char *target, const char *ts);
typedef void acct_write_fn(void *ctx, const char *fmt, ...);
void pending_save(acct_write_fn *w, void *ctx);

/* acctfile.c: all of the above in DIR/accounts (-D), written atomically */
void acctfile_open(int dirfd);
void acctfile_dirty(void);
void acctfile_close(void);
