/* client.h - chat-client's shared types and state, and what its files
 * offer one another. Every function here starts with cl_: the client shares
 * one binary (and one symbol table) with the other applets.
 *
 *   chat_client.c  options, start, signals, quitting
 *   conn.c         the connection: connect, reconnect, send, receive
 *   irc_in.c       incoming IRC: what the server and the others say
 *   queue.c        lines typed, kept until the server confirmed them
 *   commands.c     /commands and chat lines the user typed
 *   rooms.c        joined rooms and who is in them
 *   replies.c      numerics, modes, invites, anything else the server says
 *   replay.c       replayed history not shown twice
 *   show.c         what is shown: the one way to the screen or stdout
 *   script.c       script mode: stdin lines
 *   tty.c          the terminal interface (CLIENT_TTY); screen.c draws it
 *   win.c          windows, one per room and private chat (CLIENT_WINDOWS)
 *   pick.c         which server, when no HOST is given (CLIENT_DISCOVERY)
 *   log.c          -L DIR: a log per room and private chat (CLIENT_LOG)
 *   history.c      -a sign-in, chathistory, read markers (CLIENT_HISTORY) */
#pragma once

#include "applet.h"
#include "irc.h"
#include "lineedit.h"
#include "loop.h"
#include "net.h"
#include "screen.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NICK_MAX     30
#define NICK_SAFE    9      /* RFC 1459's nick length: every server takes it */
#define ROOM_MAX     50
#define KEY_MAX      32     /* a room key (+k) kept for rejoining */
#define AWAY_MAX     160    /* an /away text kept for reconnects */
#define PATH_MAX_LOG 256    /* -L DIR */
#define SEEN_MAX     256    /* messages remembered, so a replay is not shown twice */
#define HIST_TOKEN   "chatbox-hist"
#define HIST_ROUNDS  10     /* CHATHISTORY requests per join at most: 1000 lines */
#define PASS_MAX     200    /* -a's password: its base64 fits one AUTHENTICATE line */
#define MSGID_MAX    64     /* a msgid kept per room, to ask for what came after it */
#define TIME_MAX     32     /* a server-time "2026-12-02T05:06:07.123Z" */
#define MAX_ROOMS    16
#define MAX_NAMES    256    /* nicks remembered per room, for completion */
#define MAX_ADDRS    8
#define INBUF_MAX    (IRC_MAX_TAGS + IRC_MAX_LINE)
#define OUTQ_MAX     8192
#define QUEUE_MAX    256    /* lines not yet confirmed by the server */
#define LEAVE_WAIT_MS 5000  /* /quit waits this long for confirmations at most */
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
/* Network text on a terminal: one line, no IRC formatting (not rendered). */
#define CL_TEXT_FLAGS (TS_TAB_TO_SPACE | TS_NO_IRC_FORMAT)

enum conn_state { OFFLINE, CONNECTING, REGISTERING, ONLINE };

struct room {
	char name[ROOM_MAX + 1];
	char key[KEY_MAX + 1]; /* its +k key, sent again when rejoining */
	char **names;    /* malloc'd, grows to at most MAX_NAMES */
	int cap;
	int nnames;
	bool names_done; /* a new NAMES reply replaces the list */
	bool joining;    /* (re)joined: its replayed history is being counted */
	int replayed, dups;
	bool hist_wait;  /* CHATHISTORY asked: its PONG ends the replay (history.c) */
	uint8_t hist_rounds; /* requests this join: a full answer asks for more */
	int hist_from;   /* r->replayed when the last was sent */
	char last_id[MSGID_MAX + 1], last_time[TIME_MAX]; /* the last line shown */
	char read_time[TIME_MAX]; /* read up to here (draft/read-marker) */
};

/* A line the user typed: kept until the server confirmed it (a PONG that
 * came after it), so a lost connection loses nothing typed. */
struct qline {
	char *target, *text; /* one allocation: "target\0text" */
	unsigned seq;        /* 0: not sent on this connection yet */
	bool action;
};

/* The connection to the server (conn.c). */
struct cl_net {
	struct watch watch;
	struct timer retry, watchdog;
	int64_t last_rx;
	enum conn_state state;
	int fd;
	struct net_addr addrs[MAX_ADDRS];
	int naddrs, addr_i, last_err;
	char host[NET_HOST_MAX];
	unsigned port;
	bool ready;       /* logged in and the rooms joined: lines may go */
	bool ever_online, cap_echo;
	bool cap_hist, cap_read; /* draft/chathistory, draft/read-marker (history.c) */
	int hist_max;     /* ISUPPORT CHATHISTORY=N; 0: not said */
	int retries, backoff_ms;
	char inbuf[INBUF_MAX];
	size_t inlen;
	bool skipping;    /* dropping the rest of an overlong line */
	char outq[OUTQ_MAX];
	size_t outlen;
	int write_err;    /* sending failed: read the server's last words first */
	bool want_out;    /* EPOLLOUT asked for */
};

/* Who we are (irc_in.c). */
struct cl_id {
	char nick[NICK_MAX + 1], want_nick[NICK_MAX + 1];
	int nick_tries;
	size_t nicklen;   /* the server's NICKLEN, or our guess after a 432; 0: unknown */
	char away[AWAY_MAX + 1]; /* our /away text, sent again after a reconnect; "": here */
};

struct cl_rooms {
	struct room list[MAX_ROOMS];
	int n, cur;
	/* The last /join #room KEY: the key is the room's once we are in. */
	char join_room[ROOM_MAX + 1], join_key[KEY_MAX + 1];
};

/* Lines not yet confirmed (queue.c). */
struct cl_queue {
	struct qline lines[QUEUE_MAX];
	int head, len;
	unsigned seq;
	struct timer ack_timer;
	bool lost;        /* a line could not be sent: exit 1 */
	/* /quit, exit or Ctrl-D with lines unconfirmed: leave once the server
	 * has them, or after LEAVE_WAIT_MS, whichever comes first. */
	struct timer leave_timer;
	bool leaving;
	char leave_why[128];
};

/* Script mode (script.c). */
struct cl_script {
	bool on;
	bool stdin_file, stdin_eof, draining;
	struct timer stdin_timer;
	char *buf;        /* STDIN_MAX bytes, allocated in script mode */
	bool replies;     /* it asked the server something: print the answers */
	size_t len;
};

/* Windows (win.c, CLIENT_WINDOWS): 0 is the status window. */
#define MAX_WINS 20
struct cl_win {
	char name[ROOM_MAX + 1]; /* a room, a nick, or "" (status) */
	uint8_t act;             /* unseen lines: 1 chatter, 2 a mention or private */
	bool rang;               /* the bell rang for it since it was seen */
};
struct cl_wins {
	struct cl_win list[MAX_WINS];
	int n, cur;
	bool single;             /* -1: one stream, as without windows */
};

/* The terminal interface (tty.c). */
struct cl_tty {
	bool on, colour;
	bool esc;         /* the key before was ESC: Alt-N */
	struct cl_wins w;
	struct screen scr;
	struct lineedit le;
	char keys[32];
	size_t nkeys;
};

/* -a ACCOUNT (history.c) */
struct cl_auth {
	char account[NICK_MAX + 1]; /* "": no sign-in */
	char pass[PASS_MAX + 1];
	bool offered;     /* the server's CAP LS has sasl */
};

struct cl_state {
	struct loop loop;
	struct watch in, sig;
	struct cl_net net;
	struct cl_id id;
	struct cl_rooms rooms;
	struct cl_queue q;
	struct cl_script script;
	struct cl_tty tty;
	struct cl_auth auth;
	char log_dir[PATH_MAX_LOG]; /* -L DIR (CLIENT_LOG); "": no logs */
};
extern struct cl_state client;

/* The terminal interface is up (never, when built without it: then the
 * compiler drops all of it). */
static inline bool ui_on(void)
{
	return ENABLE_CLIENT_TTY && client.tty.on;
}

/* Windows are in use: the terminal interface, built with them, no -1. */
static inline bool wins_on(void)
{
	return ENABLE_CLIENT_WINDOWS && ui_on() && !client.tty.w.single;
}

/* chat_client.c */
_Noreturn void cl_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void cl_quit(int code, const char *why);
void cl_leave(const char *why);

/* conn.c */
void cl_send_raw(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cl_conn_lost(const char *why);
void cl_conn_close(void);
void cl_start_connect(void);
void cl_retry_fire(struct loop *l, struct timer *t);
void cl_watchdog_fire(struct loop *l, struct timer *t);

/* irc_in.c */
void cl_handle_line(char *line);
void cl_first_nick(void);

/* replies.c */
void cl_on_numeric(struct irc_msg *m, int num);
void cl_on_mode(struct irc_msg *m, const char *from);
void cl_on_other(struct irc_msg *m, const char *from);

/* replay.c */
bool cl_replay_seen(const char *tags, const char *from, const char *target, const char *text);
void cl_replay_end(const char *room);

/* history.c (CLIENT_HISTORY): call sites test ENABLE_CLIENT_HISTORY */
void cl_password(void);
bool cl_cap_wanted(const char *tok);
bool cl_cap_ls_done(void);
void cl_cap_ack(const char *cap);
void cl_authenticate(const char *arg);
bool cl_sasl_numeric(const struct irc_msg *m, int num);
void cl_hist_join(struct room *r);
bool cl_hist_more(struct room *r);
void cl_hist_seen(struct room *r, const char *tags);
void cl_mark_read(struct room *r);
void cl_on_markread(const struct irc_msg *m);
static inline void cl_mark_read_if(struct room *r)
{
	if (ENABLE_CLIENT_HISTORY)
		cl_mark_read(r);
}

/* queue.c */
void cl_say(const char *target, const char *text, bool action);
void cl_queue_send(void);
void cl_queue_ack(const char *token);
void cl_queue_confirm(unsigned long seq);
void cl_queue_unsend(void);
void cl_ack_fire(struct loop *l, struct timer *t);

/* commands.c */
void cl_submit(const char *line);
void cl_say_here(const char *line);
const char *cl_command_name(int i);

/* rooms.c */
struct room *cl_find_room(const char *name);
struct room *cl_cur_room(void);
struct room *cl_room_add(const char *name);
void cl_room_del(struct room *r);
void cl_names_clear(struct room *r);
void cl_name_add(struct room *r, const char *nick);
bool cl_name_del(struct room *r, const char *nick);
bool cl_is_me(const char *nick);

/* show.c: everything from the network shown goes through text_safe() */
void cl_out_flush(void);
void cl_show(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* ... in the window of WHERE (a room or nick; NULL: the one shown) */
void cl_show_in(const char *where, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cl_reply_in(const char *where, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* ... and in script mode on stdout too, as "HH:MM WHERE text" */
void cl_mark_in(const char *where, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cl_alert(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cl_reply(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cl_show_message(const char *tags, const char *room, const char *from, const char *text,
		     bool action, bool notice);
void cl_clean(char *dst, size_t size, const char *src);
void cl_msg_time(const char *tags, char out[8]);

/* script.c */
void cl_script_start(void);
void cl_script_finish(void);
void cl_stdin_update(void);
void cl_stdin_timer_fire(struct loop *l, struct timer *t);

/* tty.c. Called through the inlines below, which the compiler drops, and
 * tty.c with them, when built without CLIENT_TTY. */
void cl_ui_start(void);
void cl_tty_draw_bottom(void);
void cl_tty_draw_all(void);
void cl_add_line(const char *where, const char *text, size_t nick_at, size_t nick_len,
		 uint8_t colour, bool hilite);

/* win.c (CLIENT_WINDOWS), called only when wins_on() */
int cl_win_find(const char *name);
int cl_win_for(const char *name);
int cl_win_line(const char *where, bool hilite);
void cl_win_select(int i);
void cl_win_close(int i);
void cl_win_activity(char *out, size_t size);
const char *cl_win_name(void);

/* log.c (CLIENT_LOG), through this inline */
void cl_log(const char *where, const char *line);
static inline void cl_log_line(const char *where, const char *line)
{
	if (ENABLE_CLIENT_LOG && client.log_dir[0])
		cl_log(where, line);
}

/* pick.c (CLIENT_DISCOVERY) */
void cl_pick_server(char host[NET_HOST_MAX], unsigned *port, bool interactive);

/* The status and input lines again, when the terminal interface is up. */
static inline void cl_draw_bottom(void)
{
	if (ui_on())
		cl_tty_draw_bottom();
}

/* Everything again (Ctrl-L, a resize). */
static inline void cl_draw_all(void)
{
	if (ui_on())
		cl_tty_draw_all();
}
