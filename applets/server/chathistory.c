/* chathistory.c - draft/chathistory: a client that negotiated it gets no
 * replay on joining and asks for what it missed instead:
 *   CHATHISTORY LATEST   <target> <* | ref> <limit>
 *   CHATHISTORY BEFORE   <target> <ref> <limit>
 *   CHATHISTORY AFTER    <target> <ref> <limit>
 *   CHATHISTORY AROUND   <target> <ref> <limit>
 *   CHATHISTORY BETWEEN  <target> <ref> <ref> <limit>
 *   CHATHISTORY TARGETS  <timestamp> <timestamp> <limit>
 * A ref is msgid=ID or timestamp=YYYY-MM-DDThh:mm:ss.sssZ. Replies come in
 * a "chathistory" batch, each message with its original time and msgid.
 * What it reads is a room's history (history.c, from disk with -D), or
 * for a nick the private messages kept in memory (PRIV_MAX of them, all
 * conversations together, charged to -m as room history is; not on disk
 * yet). */
#include "server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define PRIV_MAX 512

static struct history privates; /* every private message, oldest first */

void private_keep(struct event *e)
{
	if (!privates.max)
		history_init(&privates, srv.history ? PRIV_MAX : 0);
	if (history_add(&privates, e) == 0)
		budget_settle(&srv.budget); /* older history makes way (-m) */
}

struct ref {
	bool msgid;     /* else a timestamp */
	uint64_t seq;   /* msgid=: the message number it names */
	int64_t ms;     /* timestamp=: wall clock, ms */
};

static void fail(struct client *c, const char *code, const char *a, const char *text)
{
	send_line(c, ":%s FAIL CHATHISTORY %s %s :%s", srv.host, code, a, text);
}

/* msgid=ID or timestamp=T; false if neither parses. */
static bool parse_ref(const char *s, struct ref *r)
{
	const char *pre = store_msgid_prefix();
	size_t pl = strlen(pre);
	char *end;

	if (!strncmp(s, "timestamp=", 10)) {
		r->msgid = false;
		long long ms;
		if (!irc_time_parse(s + 10, &ms))
			return false;
		r->ms = (int64_t)ms;
		return true;
	}
	if (strncmp(s, "msgid=", 6))
		return false;
	s += 6;
	/* A msgid of another boot (another prefix) names nothing kept here. */
	if (strncmp(s, pre, pl) || s[pl] < '1' || s[pl] > '9')
		return false;
	r->msgid = true;
	r->seq = strtoull(s + pl, &end, 10);
	return !*end && r->seq;
}

/* The events of a history that a request reads, oldest first. */
struct view {
	struct event **v;
	unsigned n;
};

/* In V, the index of the first event past REF: with AFTER, the first
 * newer than it; else the first at or newer than it. */
static unsigned bound(const struct view *h, const struct ref *r, bool after)
{
	unsigned i = 0;
	for (; i < h->n; i++) {
		const struct event *e = h->v[i];
		if (r->msgid ? (after ? e->seq > r->seq : e->seq >= r->seq) :
			       (after ? e->when_ms > r->ms : e->when_ms >= r->ms))
			break;
	}
	return i;
}

static void send_batch(struct client *c, const char *target, const struct view *h,
		       unsigned from, unsigned to)
{
	static unsigned batches;
	struct event *list[CHATHISTORY_MAX];
	unsigned n = 0;
	char id[16];

	snprintf(id, sizeof(id), "ch%u", ++batches);
	/* Held first: queueing may make the budget (-m) drop history. */
	for (unsigned i = from; h && i < to && n < CHATHISTORY_MAX; i++)
		list[n++] = event_ref(h->v[i]);
	send_line(c, ":%s BATCH +%s chathistory %s", srv.host, id, target);
	for (unsigned i = 0; i < n; i++) {
		struct msgbuf *m = render_batched(list[i], id);
		if (m) {
			deliver_buf(c, m);
			msgbuf_unref(m);
		}
		event_unref(list[i]);
	}
	send_line(c, ":%s BATCH -%s", srv.host, id);
}

/* [FROM, TO) of H that SUB with refs A, B and LIMIT asks for. */
static void select_range(const char *sub, const struct view *h, const struct ref *a,
			 const struct ref *b, unsigned limit, unsigned *from, unsigned *to)
{
	unsigned lo = 0, hi = h->n;

	if (!strcasecmp(sub, "LATEST")) {
		if (a)
			lo = bound(h, a, true);
		*from = hi - lo > limit ? hi - limit : lo;
		*to = hi;
		return;
	}
	*from = *to = 0;
	if (!a || (!strcasecmp(sub, "BETWEEN") && !b))
		return; /* the caller asked for the references; never here */
	if (!strcasecmp(sub, "BEFORE")) {
		hi = bound(h, a, false);
		*from = hi > limit ? hi - limit : 0;
		*to = hi;
	} else if (!strcasecmp(sub, "AFTER")) {
		lo = bound(h, a, true);
		*from = lo;
		*to = MIN(hi, lo + limit);
	} else if (!strcasecmp(sub, "AROUND")) {
		unsigned mid = bound(h, a, false);
		*from = mid > limit / 2 ? mid - limit / 2 : 0;
		*to = MIN(hi, *from + limit);
		*from = *to > limit ? *to - limit : 0;
	} else if (b) { /* BETWEEN: either order; from the first named */
		bool down = a->msgid && b->msgid ? a->seq > b->seq :
			    !a->msgid && !b->msgid ? a->ms > b->ms : false;
		const struct ref *old = down ? b : a, *young = down ? a : b;
		lo = bound(h, old, true);
		hi = bound(h, young, false);
		if (hi < lo)
			hi = lo;
		*from = down && hi - lo > limit ? hi - limit : lo;
		*to = down ? hi : MIN(hi, lo + limit);
	}
}

/* C's private message E with PEER, either way. */
static bool between_us(const struct client *c, const struct event *e, const char *peer)
{
	return (!irc_casecmp(e->nick, c->nick) && !irc_casecmp(e->target, peer)) ||
	       (!irc_casecmp(e->nick, peer) && !irc_casecmp(e->target, c->nick));
}

/* Room R's history, or (R NULL) C's private messages with PEER, into V
 * (malloc'd, bounded by -H or PRIV_MAX); false if out of memory. */
static bool collect(const struct client *c, const struct room *r, const char *peer,
		    struct view *v)
{
	const struct history *h = r ? &r->hist : &privates;
	v->n = 0;
	v->v = h->n ? malloc(h->n * sizeof(*v->v)) : NULL;
	if (h->n && !v->v)
		return false;
	for (unsigned i = 0; i < h->n; i++) {
		struct event *e = history_get(h, i);
		if (r || between_us(c, e, peer))
			v->v[v->n++] = e;
	}
	return true;
}

static unsigned parse_limit(const char *s)
{
	char *end;
	unsigned long n = strtoul(s, &end, 10);
	if (*end || !*s || !n)
		return 0;
	return n > CHATHISTORY_MAX ? CHATHISTORY_MAX : (unsigned)n;
}

/* TARGETS: the rooms C is in with messages between two times, with the
 * time of each one's latest, in a draft/chathistory-targets batch. */
static void targets(struct client *c, struct irc_msg *m)
{
	struct ref a, b;
	unsigned limit = m->nparams > 3 ? parse_limit(m->params[3]) : 0, n = 0;
	int64_t lo, hi;

	if (!parse_ref(m->params[1], &a) || !parse_ref(m->params[2], &b) || a.msgid || b.msgid ||
	    !limit) {
		fail(c, "INVALID_PARAMS", "TARGETS", "Invalid parameters");
		return;
	}
	lo = MIN(a.ms, b.ms), hi = MAX(a.ms, b.ms);
	send_line(c, ":%s BATCH +tg draft/chathistory-targets", srv.host);
	for (unsigned i = 0; i < c->nrooms && n < limit; i++) {
		const struct history *h = &c->rooms[i]->hist;
		int64_t last = -1;
		char day[32];
		for (unsigned k = 0; k < h->n; k++) {
			const struct event *e = history_get(h, k);
			if (e->when_ms > lo && e->when_ms < hi)
				last = e->when_ms;
		}
		time_t t = (time_t)(last / 1000);
		struct tm tm;
		if (last < 0 || !gmtime_r(&t, &tm) ||
		    !strftime(day, sizeof(day), "%Y-%m-%dT%H:%M:%S", &tm))
			continue;
		send_line(c, "@batch=tg :%s CHATHISTORY TARGETS %s %s.%03uZ", srv.host,
			  c->rooms[i]->name, day, (unsigned)(last % 1000));
		n++;
	}
	send_line(c, ":%s BATCH -tg", srv.host);
}

void cmd_chathistory(struct client *c, struct irc_msg *m)
{
	static const char *const subs[] = { "LATEST", "BEFORE", "AFTER", "AROUND", "BETWEEN" };
	const char *sub = m->params[0];
	struct ref a, b;
	bool between = !strcasecmp(sub, "BETWEEN");
	int need = between ? 5 : 4;
	unsigned limit, from = 0, to = 0, i = 0;
	struct room *r;

	if (!strcasecmp(sub, "TARGETS")) {
		if (m->nparams < 4)
			fail(c, "NEED_MORE_PARAMS", "TARGETS", "Missing parameters");
		else
			targets(c, m);
		return;
	}
	while (i < ARRAY_LEN(subs) && strcasecmp(sub, subs[i]))
		i++;
	if (i == ARRAY_LEN(subs)) {
		fail(c, "INVALID_PARAMS", sub, "Unknown subcommand");
		return;
	}
	if (m->nparams < need) {
		fail(c, "NEED_MORE_PARAMS", sub, "Missing parameters");
		return;
	}
	limit = parse_limit(m->params[need - 1]);
	bool star = !strcasecmp(sub, "LATEST") && !strcmp(m->params[2], "*");
	if (!limit || (!star && !parse_ref(m->params[2], &a)) ||
	    (between && !parse_ref(m->params[3], &b))) {
		fail(c, "INVALID_PARAMS", sub, "Invalid parameters");
		return;
	}
	r = m->params[1][0] == '#' ? room_find(m->params[1]) : NULL;
	if (r ? !in_room(c, r) : !nick_valid(m->params[1])) {
		fail(c, "INVALID_TARGET", sub, "Unknown target");
		return;
	}
	struct view h = { NULL, 0 };
	if (!collect(c, r, m->params[1], &h)) {
		fail(c, "MESSAGE_ERROR", sub, "Server is out of memory");
		return;
	}
	if (!r && !h.n && !nick_find(m->params[1])) {
		fail(c, "INVALID_TARGET", sub, "Unknown target");
	} else {
		if (h.n)
			select_range(sub, &h, star ? NULL : &a, between ? &b : NULL, limit, &from, &to);
		send_batch(c, r ? r->name : m->params[1], &h, from, to);
	}
	free(h.v);
}
