/* actions.c - what a client does, the same for IRC and plain users: join,
 * part, talk, topic, nick, kick, away, quit. Each builds an event, hands it
 * to the rooms, and answers through render.c, never asking which kind of
 * client it serves. */
#include "server.h"
#include "sendq.h"
#include "utf8.h"
#include "textsafe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct event *client_event(struct client *c, enum event_kind kind, const char *target,
			   const char *arg, const char *text)
{
	char uh[USERLEN + NET_ADDRSTR_MAX + 2];

	snprintf(uh, sizeof(uh), "%s@%s", c->user[0] ? c->user : "~u", c->host);
	return event_new(kind, c->nick, uh, target, arg, text, c->account[0] ? c->account : NULL);
}

/* Leave every room and the nick table, tell the neighbours (REASON), send
 * ERROR (if not NULL) and close once it is written. */
void client_drop(struct client *c, const char *reason, const char *error)
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
		whowas_add(c);
	}
	while (c->nrooms)
		room_remove(c->rooms[c->nrooms - 1], c);
	invites_drop_client(c);
	sasl_reset(c);
	if (c->nick[0])
		nametab_del(&srv.nicks, &c->node);
	addr_release(c->host);
	srv.nclients--;
	msg("%s (%s) left: %s", nick_or_star(c), c->host, reason);
	if (c->flags & F_OVERFLOW) {
		sendq_drop_unsent(&c->conn.sq);
		c->flags &= (uint16_t)~F_OVERFLOW;
	}
	if (error)
		send_farewell(c, error);
	conn_pause(&srv.loop, &c->conn);
	c->last_rx = srv.now; /* the linger starts */
	if (c->conn.w.fd >= 0 && conn_flush(&srv.loop, &c->conn) != 1)
		client_bury(c);
}

/* A room may only be named what every terminal shows as it is. */
bool room_name_ok(const char *name)
{
	return irc_room_valid(name, ROOMLEN) && text_is_safe(name, strlen(name));
}

/* A refusal to join: its numeric and text; ROOM_NAME: the room's own
 * spelling of its name rather than the one asked for. */
struct refusal {
	char num[4];
	bool room_name;
	const char *why;
};
static const struct refusal
	bad_name = { "479", false, "Illegal channel name" },
	no_such = { "403", false, "No such channel" },
	too_many = { "405", false, "You have joined too many channels" },
	needs_key = { "475", true, NULL }, /* reply_needs_key() says it */
	invite_only = { "473", true, "Cannot join channel (+i)" },
	full = { "471", false, "Cannot join channel (+l)" },
	banned_here = { "474", true, "Cannot join channel (+b)" };

/* Why C may not join R (NULL: a new room called NAME) with KEY, or NULL
 * if it may. An invitation lets C past the key, +i, the limit and a ban
 * (InspIRCd's default); +I past +i, +e past a ban. Nothing is sent:
 * plain.c asks before it greets. */
static const struct refusal *join_refusal(struct client *c, struct room *r, const char *name,
					  const char *key)
{
	if (name[0] == '#' && !text_is_safe(name, strlen(name)))
		return &bad_name;
	if (!irc_room_valid(name, ROOMLEN))
		return &no_such;
	if (c->nrooms >= MAXROOMS)
		return &too_many;
	if (r && invite_take(c, r, false))
		return NULL;
	if (r && r->key && (!key || strcmp(key, r->key) != 0))
		return &needs_key;
	if (r && (r->modes & RM_I) && !ban_matches(r, BAN_I, c, NULL))
		return &invite_only;
	if (r && r->limit && r->n >= r->limit)
		return &full;
	if (r && banned(r, c, NULL))
		return &banned_here;
	return NULL;
}

bool join_allowed(struct client *c, const char *name)
{
	struct room *r = room_find(name);
	return (r && in_room(c, r)) || !join_refusal(c, r, name, NULL);
}

/* join_refusal's answer, said to C; false if C may join. */
static bool join_refused(struct client *c, struct room *r, const char *name, const char *key)
{
	const struct refusal *no = join_refusal(c, r, name, key);

	if (!no)
		return false;
	if (no == &needs_key)
		reply_needs_key(c, r);
	else
		numeric(c, no->num, "%s :%s", no->room_name ? r->name : name, no->why);
	return true;
}

void join_room(struct client *c, const char *name, const char *key)
{
	struct room *r = room_find(name);
	struct event *e;
	bool created = !r;

	if ((r && in_room(c, r)) || join_refused(c, r, name, key))
		return;
	if (!r && !(r = room_new(name))) {
		numeric(c, "405", "%s :Server is out of room memory (-m)", name);
		return;
	}
	if (room_enter(r, c) != 0) {
		room_free_if_empty(r);
		return;
	}
	(void)invite_take(c, r, true); /* once */
	e = client_event(c, EV_JOIN, r->name, "", NULL);
	if (e) {
		/* extended-join: JOIN #room ACCOUNT :REALNAME ("*": not logged in) */
		struct event *x = client_event(c, EV_JOIN, r->name, c->account[0] ? c->account : "*",
					       c->realname ? c->realname : "");
		presence_begin(c);
		room_send_alt(r, e, x, CAP_EXTENDED_JOIN);
		presence_end();
		event_unref(e);
		if (x)
			event_unref(x);
	}
	account_joined(c, r, created); /* founder, read marker */
	send_topic(c, r, false);
	send_names(c, r);
	/* A chathistory client asks for what it misses instead. */
	if (ENABLE_SERVER_HISTORY && !(c->caps & CAP_CHATHISTORY))
		replay_history(c, r);
}

void part_room(struct client *c, const char *name, const char *reason)
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

/* C may talk in R: +n keeps outsiders out; +m and bans (+b without +e)
 * silence all but the voiced and the room's operators. */
static bool may_talk(struct client *c, struct room *r)
{
	struct member *m = member_of(r, c);

	if (!m)
		return !(r->modes & (RM_N | RM_M)) && !banned(r, c, NULL);
	if (m->modes & (M_OP | M_VOICE))
		return true;
	return !(r->modes & RM_M) && !banned(r, c, NULL);
}

/* E, C's message, with CTAGS to relay; false if out of memory. */
static bool with_ctags(struct event *e, const char *ctags)
{
	if (ctags && ctags[0] && !(e->ctags = strdup(ctags))) {
		event_unref(e);
		return false;
	}
	return true;
}

/* PRIVMSG/NOTICE/TAGMSG from C to one TARGET. NOTICE and TAGMSG never get
 * error replies. A TAGMSG (typing notices) is kept nowhere: not history. */
void talk(struct client *c, enum event_kind kind, const char *target, const char *text,
	  const char *ctags)
{
	bool notice = kind != EV_PRIVMSG, tagmsg = kind == EV_TAGMSG;
	struct event *e;

	c->spoke = srv.now; /* WHOIS idle counts from here */
	if (target[0] == '#') {
		struct room *r = room_find(target);
		if (!r) {
			if (!notice)
				numeric(c, "403", "%s :No such channel", target);
			return;
		}
		if (!may_talk(c, r)) {
			if (!notice)
				numeric(c, "404", "%s :Cannot send to channel", r->name);
			return;
		}
		e = client_event(c, kind, r->name, "", text);
		if (!e || !with_ctags(e, ctags))
			return;
		if (tagmsg) {
			e->seq = store_next_seq();
			room_send(r, e, c->caps & CAP_ECHO ? NULL : c);
			event_unref(e);
			return;
		}
		if (ENABLE_SERVER_HISTORY)
			store_message(r, e); /* on disk (-D) before anyone can have it */
		room_send(r, e, c->caps & CAP_ECHO ? NULL : c);
		if (ENABLE_SERVER_HISTORY && history_add(&r->hist, e) == 0)
			budget_settle(&srv.budget); /* older history makes way (-m) */
		event_unref(e);
		return;
	}
	struct client *to = nick_find(target);
	if (!to || !(to->flags & F_REG)) { /* NICK without USER holds the name, no more */
		if (!to && pending_keep(c, kind, target, text))
			return; /* an account's owner, offline: kept for them */
		if (!notice)
			numeric(c, "401", "%s :No such nick/channel", target);
		return;
	}
	char parties[PRIV_PARTIES_MAX] = "";
	if (ENABLE_SERVER_CHATHISTORY && !tagmsg) /* (only private history reads them) */
		private_parties(c, to, NULL, parties);
	e = client_event(c, kind, to->nick, parties, text);
	if (!e || !with_ctags(e, ctags))
		return;
	e->seq = store_next_seq(); /* a msgid too */
	if (ENABLE_SERVER_CHATHISTORY && !tagmsg)
		private_keep(e); /* on disk (-D) before anyone can have it */
	push_event(to, e);
	echo_private(c, to, e);
	event_unref(e);
	if (!notice && to->away)
		numeric(c, "301", "%s :%s", to->nick, to->away);
}

void set_topic(struct client *c, struct room *r, const char *text)
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
	t = text[0] ? utf8_strndup(text, TOPICLEN) : NULL;
	if (text[0] && !t) {
		numeric(c, "NOTICE", ":%s: Server is out of memory: topic not set", r->name);
		return;
	}
	/* The old topic's bytes are the new one's to use: a same-size change
	 * is never refused. Putting the old charge back cannot fail. */
	budget_release(&srv.budget, BUDGET_TOPICS, TOPIC_COST(r->topic));
	if (t && !budget_charge(&srv.budget, BUDGET_TOPICS, TOPIC_COST(t))) {
		free(t);
		(void)budget_charge(&srv.budget, BUDGET_TOPICS, TOPIC_COST(r->topic));
		/* a server NOTICE for IRC, "-- #room: ..." for plain users */
		numeric(c, "NOTICE", ":%s: Server is out of topic memory (-m): topic not set", r->name);
		return;
	}
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

/* IRC's nick syntax, and nothing a terminal would not show as it is. */
bool nick_valid(const char *nick)
{
	return irc_nick_valid(nick, NICKLEN) && text_is_safe(nick, strlen(nick));
}

/* A free, valid nick for C, or a numeric saying why not. */
bool nick_ok(struct client *c, const char *nick)
{
	struct client *other;
	if (!nick_valid(nick)) {
		numeric(c, "432", "%s :Erroneous nickname", nick);
		return false;
	}
	other = nick_find(nick);
	if (other && other != c) {
		numeric(c, "433", "%s :Nickname is already in use", nick);
		return false;
	}
	if ((c->flags & F_REG) && nick_claimed(c, nick)) {
		numeric(c, "433", "%s :Nickname is claimed: log in to it first (SASL, or /login)",
			nick);
		return false;
	}
	return !(c->flags & F_REG) || !nick_change_banned(c, nick);
}

/* C is known as NICK from now on; false, with an error and the old nick
 * kept, if the nick table could not take it. */
bool set_nick(struct client *c, const char *nick)
{
	char old[NICKLEN + 1];
	struct event *e = c->flags & F_REG ? client_event(c, EV_NICK, "", nick, NULL) : NULL;

	memcpy(old, c->nick, sizeof(old));
	whowas_add(c); /* only once registered: the nick it gives up */
	if (old[0])
		nametab_del(&srv.nicks, &c->node);
	strlcpy_ok(c->nick, nick, sizeof(c->nick));
	if (nametab_add(&srv.nicks, &c->node, c->nick) != 0) {
		/* Only a first add can fail (no buckets yet): an old nick goes back. */
		memcpy(c->nick, old, sizeof(old));
		if (old[0] && nametab_add(&srv.nicks, &c->node, c->nick) != 0)
			c->nick[0] = '\0';
		event_unref(e);
		numeric(c, "437", "%s :Nick/channel is temporarily unavailable", nick);
		return false;
	}
	if (e) { /* the event holds the old nick; the client sees it too */
		neighbours_send(c, e, true);
		event_unref(e);
	}
	return true;
}
/* C may run room R: a member and an operator, or a server operator; if
 * not, a numeric says why. */
bool room_op_ok(struct client *c, struct room *r)
{
	struct member *me = member_of(r, c);
	if (c->flags & F_OPER)
		return true;
	if (!me || !(me->modes & M_OP)) {
		numeric(c, me ? "482" : "442", "%s :%s", r->name,
			me ? "You're not channel operator" : "You're not on that channel");
		return false;
	}
	return true;
}

void kick(struct client *c, struct room *r, const char *nick, const char *reason)
{
	struct client *victim;
	struct event *e;

	if (!room_op_ok(c, r))
		return;
	victim = nick_find(nick);
	if (!victim || !in_room(victim, r)) {
		numeric(c, "441", "%s %s :They aren't on that channel", nick, r->name);
		return;
	}
	e = client_event(c, EV_KICK, r->name, victim->nick, reason ? reason : c->nick);
	if (e) {
		room_send(r, e, NULL);
		if (!in_room(c, r)) /* a server operator from outside sees it done */
			push_event(c, e);
		event_unref(e);
	}
	room_remove(r, victim);
}

/* TEXT: the away message; NULL or "": back. */
void set_away(struct client *c, const char *text)
{
	bool away = text && text[0];
	struct event *e;

	free(c->away);
	c->away = away ? utf8_strndup(text, AWAYLEN) : NULL;
	numeric(c, away ? "306" : "305", away ? ":You have been marked as being away" :
						":You are no longer marked as being away");
	e = client_event(c, EV_AWAY, "", "", c->away);
	if (e) {
		neighbours_send(c, e, false);
		event_unref(e);
	}
}
