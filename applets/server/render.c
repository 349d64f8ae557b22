/* render.c - the one place that knows wire formats: an event rendered for
 * IRC, IRC with server-time, IRC for history without tags, or plain text,
 * once per format per event; and replies to each kind of client. */
#include "server.h"
#include "sendq.h"
#include "utf8.h"
#include "textsafe.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Plain users read "-- text" lines and no numerics. */
static bool plain(const struct client *c)
{
	return ENABLE_SERVER_PLAIN && c->front->wire == W_PLAIN;
}

/* What a terminal may show of a plain-text line (N bytes at RAW, from any
 * mix of the server's words and the network's): no escapes, no controls,
 * no IRC colours, no bidi overrides, valid UTF-8 (core/textsafe.h). Every
 * field of the line goes through it, wherever it sits. */
#define PLAIN_SAFE (TS_TAB_TO_SPACE | TS_NO_IRC_FORMAT)

/* A line for a plain user, cleaned as above. */
void say_plain(struct client *c, const char *fmt, ...)
{
	char raw[LINE_MAX_IRC + 64], safe[LINE_MAX_IRC + 64];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	text_safe(safe, sizeof(safe), raw, MIN((size_t)n, sizeof(raw) - 1), PLAIN_SAFE);
	send_line(c, "%s", safe);
}

const char *nick_or_star(const struct client *c)
{
	return c->nick[0] ? c->nick : "*";
}

/* A numeric reply; plain users read it as "-- text". */
void numeric(struct client *c, const char *num, const char *fmt, ...)
{
	char text[LINE_MAX_IRC + 8]; /* past a line: send_line cuts between characters */
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (plain(c)) {
		/* "#x :No such channel" reads "#x: No such channel" */
		char *colon = str_find(text, " :", false);
		if (colon) {
			colon[0] = ':';
			colon[1] = ' ';
		}
		say_plain(c, "-- %s", text[0] == ':' ? text + 1 : text);
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
		[EV_KICK] = "KICK", [EV_MODE] = "MODE", [EV_AWAY] = "AWAY", [EV_TAGMSG] = "TAGMSG",
	};
	char buf[LINE_MAX_IRC + 192 + IRC_MAX_TAGS], when[8] = "", stamp[16] = "";
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
	/* (a message's arg is its parties, chathistory.c's: never shown) */
	if (e->arg[0] && e->kind != EV_PRIVMSG && e->kind != EV_NOTICE && (size_t)n < sizeof(buf) - 2)
		n += snprintf(buf + n, sizeof(buf) - 2 - (size_t)n, " %s", e->arg);
	if (text && (size_t)n < sizeof(buf) - 2)
		n += snprintf(buf + n, sizeof(buf) - 2 - (size_t)n, " :%s%s%s", action, stamp, text);
	/* RFC 1459: 512 bytes with CRLF, never half a character. IRCv3 message
	 * tags come on top of that (they have their own limit), so a server-time
	 * client reads the same text as everyone else. */
	size_t tlen = strlen(tags);
	n = (int)(tlen + utf8_cut(buf + tlen, MIN((size_t)n, sizeof(buf) - 3) - tlen, LINE_MAX_IRC));
	memcpy(buf + n, "\r\n", 2);
	return msgbuf_of(buf, n + 2);
}

static struct msgbuf *render_irc(const struct event *e)
{
	return render_irc_with(e, "", false);
}

void msgid_of(const struct event *e, char out[MSGID_MAX])
{
	out[0] = '\0';
	if (e->seq)
		snprintf(out, MSGID_MAX, "%s%llu", store_msgid_prefix(), (unsigned long long)e->seq);
}

/* "@batch=B;time=T;msgid=M " (each part only if there is one) into TAGS. */
static void tags_of(const struct event *e, const char *batch, bool msgid, char tags[128])
{
	char when[IRC_TIME_MAX], id[MSGID_MAX] = "";
	int n = 0;

	if (batch)
		n = snprintf(tags, 128, "@batch=%s;", batch);
	if (irc_time_format(e->when_ms, when))
		n += snprintf(tags + n, 128 - (size_t)n, "%stime=%s;", n ? "" : "@", when);
	if (msgid)
		msgid_of(e, id);
	if (id[0])
		n += snprintf(tags + n, 128 - (size_t)n, "%smsgid=%s;", n ? "" : "@", id);
	if (n > 0)
		tags[n - 1] = ' '; /* the last ';' ends the tags */
	else
		tags[0] = '\0';
}

static struct msgbuf *render_irc_time(const struct event *e)
{
	char tags[128];
	tags_of(e, NULL, false, tags);
	return render_irc_with(e, tags, false);
}

/* TAGS (tags_of's, "" or "@...; ") with ";NAME=VALUE" added before its
 * closing space; left as it was if it would not fit in SIZE. */
static void tags_add(char *tags, size_t size, const char *name, const char *value)
{
	size_t n = strlen(tags);
	if (n + strlen(name) + strlen(value) + 3 < size) /* "@a=b " or "@time=..;a=b " */
		snprintf(tags + (n ? n - 1 : 0), size - (n ? n - 1 : 0), "%s%s%s ", n ? ";" : "@",
			 name, value);
}

/* message-tags: time and msgid, rendered once per event as the others are,
 * so the msgid costs nothing per recipient; with account-tag, who sent it
 * is logged in as (the sixth format: only for events that have one). */
static struct msgbuf *render_irc_tags_with(const struct event *e, bool account)
{
	char tags[128 + IRC_MAX_TAGS + NICKLEN + 16];

	tags_of(e, NULL, true, tags);
	if (account && e->account)
		tags_add(tags, sizeof(tags), "account=", e->account);
	if (e->ctags)
		tags_add(tags, sizeof(tags), "", e->ctags);
	return render_irc_with(e, tags, false);
}

static struct msgbuf *render_irc_tags(const struct event *e)
{
	return render_irc_tags_with(e, false);
}

static struct msgbuf *render_irc_tags_account(const struct event *e)
{
	return render_irc_tags_with(e, true);
}

struct msgbuf *render_batched(const struct event *e, const char *batch)
{
	char tags[128];
	tags_of(e, batch, true, tags);
	return render_irc_with(e, tags, false);
}

static struct msgbuf *render_irc_old(const struct event *e)
{
	return render_irc_with(e, "", true);
}

static struct msgbuf *render_plain(const struct event *e)
{
	char buf[LINE_MAX_IRC + 128], safe[LINE_MAX_IRC + 128], when[8], where[ROOMLEN + 2] = "";
	bool room = e->target[0] == '#';
	const char *text = e->text ? e->text : "";
	int n = -1;

	hhmm(e, when);
	if (room && irc_casecmp(e->target, srv.lobby) != 0)
		snprintf(where, sizeof(where), "%s ", e->target);
	switch (e->kind) {
	case EV_PRIVMSG:
		if (strncmp(text, "\1ACTION ", 8) == 0) /* the closing \1 is cleaned away */
			n = snprintf(buf, sizeof(buf), "%s %s* %s %s", when, where, e->nick, text + 8);
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
	/* at most 510 bytes (512 with CRLF), cut between characters */
	n = (int)text_safe(safe, LINE_MAX_IRC + 1, buf, MIN((size_t)n, sizeof(buf) - 1), PLAIN_SAFE);
	memcpy(safe + n, "\r\n", 2);
	return msgbuf_of(safe, n + 2);
}

event_render_fn *const wire_renderers[] = {
	[W_IRC] = render_irc, [W_IRC_TIME] = render_irc_time,
	[W_IRC_OLD] = render_irc_old, [W_PLAIN] = ENABLE_SERVER_PLAIN ? render_plain : NULL,
	[W_IRC_TAGS] = render_irc_tags, [W_IRC_TAGS_ACCOUNT] = render_irc_tags_account,
};

/* C's own private message E to TO, shown back to C: echo-message, or a
 * plain user's "-> *nick* text". */
void echo_private(struct client *c, struct client *to, struct event *e)
{
	if (to == c)
		return;
	if (c->caps & CAP_ECHO)
		push_event(c, e);
	else if (plain(c))
		say_plain(c, "-> *%s* %s", to->nick, e->text);
}

/* --- replies ----------------------------------------------------------------- */

/* JOIN of a +k room without its key: 475, or how to give it. */
void reply_needs_key(struct client *c, struct room *r)
{
	if (plain(c))
		say_plain(c, "-- %s needs a key: /join %s KEY", r->name, r->name);
	else
		numeric(c, "475", "%s :Cannot join channel (+k)", r->name);
}

void send_names(struct client *c, struct room *r)
{
	char line[LINE_MAX_IRC];
	size_t n = 0;
	bool all = c->caps & CAP_MULTI_PREFIX, uh = c->caps & CAP_UHNAMES;
	bool member = in_room(c, r); /* invisible (+i) members: for members only */

	for (uint32_t i = 0; i <= r->n; i++) {
		char one[NICKLEN + USERLEN + NET_ADDRSTR_MAX + 8];
		int k = 0;
		if (i < r->n && !member && (r->m[i].c->flags & F_INVISIBLE))
			continue;
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
			if (plain(c))
				say_plain(c, "-- In %s: %s", r->name, line);
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
	if (!plain(c))
		numeric(c, "366", "%s :End of /NAMES list", r->name);
}

void send_topic(struct client *c, struct room *r, bool always)
{
	if (!r->topic) {
		if (always)
			numeric(c, "331", "%s :No topic is set", r->name);
		return;
	}
	numeric(c, "332", "%s :%s", r->name, r->topic);
	if (!plain(c))
		numeric(c, "333", "%s %s %lld", r->name, r->topic_who, (long long)r->topic_time);
}

void replay_history(struct client *c, struct room *r)
{
	/* Counted from the newest: queueing may make the budget (-m) drop the
	 * oldest, the one in hand too (so it is held), while this goes on. */
	for (unsigned left = ENABLE_SERVER_HISTORY ? r->hist.n : 0; left; left--) {
		struct event *e;
		if (left > r->hist.n)
			continue;
		e = event_ref(history_get(&r->hist, r->hist.n - left));
		deliver(c, e, true);
		event_unref(e);
	}
}

/* The last line before a close: ERROR for IRC, "-- TEXT" for plain users;
 * past the -Q cap on purpose: the last words. */
void send_farewell(struct client *c, const char *text)
{
	char safe[LINE_MAX_IRC + 64];
	if (!plain(c)) {
		send_last_line(c, "ERROR :%s", text);
		return;
	}
	text_safe_str(safe, sizeof(safe), text, PLAIN_SAFE);
	send_last_line(c, "-- %s", safe);
}

void send_shutdown(struct client *c)
{
	if (plain(c))
		say_plain(c, "-- The server is shutting down. Bye!");
	else
		send_line(c, "ERROR :Closing Link: %s (Server shutting down)", c->host);
}

/* --- moderation (invite.c, oper.c) -------------------------------------------- */

void send_invite(struct client *to, struct client *by, struct room *r)
{
	if (plain(to))
		say_plain(to, "-- %s invites you to %s: /join %s", by->nick, r->name, r->name);
	else
		send_line(to, ":%s!%s@%s INVITE %s %s", by->nick, by->user, by->host, to->nick,
			  r->name);
}

void send_wallops(struct client *to, struct client *by, const char *text)
{
	if (plain(to))
		say_plain(to, "-- !%s! %s", by->nick, text);
	else
		send_line(to, ":%s!%s@%s WALLOPS :%s", by->nick, by->user, by->host, text);
}

/* A change of C's own user modes (CHANGE: "+o", "-w"...). */
void send_user_mode(struct client *c, const char *change)
{
	if (plain(c))
		say_plain(c, "-- Your modes: %s", change);
	else
		send_line(c, ":%s MODE %s :%s", c->nick, c->nick, change);
}

/* --- accounts (account.c, pending.c) ------------------------------------------- */

/* An IRCv3 standard reply, FAIL CMD CODE CONTEXT :TEXT; "-- TEXT" for plain users. */
void send_fail(struct client *c, const char *cmd, const char *code, const char *ctx,
	       const char *text)
{
	if (plain(c))
		say_plain(c, "-- %s", text);
	else
		send_line(c, ":%s FAIL %s %s %s :%s", srv.host, cmd, code, ctx, text);
}

void send_register_ok(struct client *c, const char *account)
{
	if (plain(c))
		say_plain(c, "-- Registered %s: from now on only you may use it; next time /login PASSWORD",
			  account);
	else
		send_line(c, ":%s REGISTER SUCCESS %s :Account created", srv.host, account);
}

/* account-notify: WHO's account to TO. */
void send_account(struct client *to, struct client *who)
{
	send_line(to, ":%s!%s@%s ACCOUNT %s", who->nick, who->user, who->host,
		  who->account[0] ? who->account : "*");
}

void send_markread(struct client *c, const char *target, const char *ts)
{
	if (!plain(c))
		send_line(c, ":%s MARKREAD %s timestamp=%s", srv.host, target, ts);
}
