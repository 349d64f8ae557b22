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
 * for a nick the private messages kept (PRIV_MAX of them, all
 * conversations together, charged to -m as room history is).
 *
 * Private messages are the two parties' only. A party is its account, or
 * without one its connection ("~N"): a nick is anyone's once its user
 * leaves, so it names no one. Each private event says who its parties are
 * in its arg ("FROM TO", never rendered for a PRIVMSG). The journal (-D)
 * keeps those with an account among their parties (a pending message to
 * an offline account, too), the other party written as "*", no one: after
 * a restart only the account reads it. Talk between two unregistered
 * users stays in memory, until its connections are gone from the ring. */
#include "server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define PRIV_MAX 512

static struct history privates; /* every private message, oldest first */

static void private_add(struct event *e)
{
	if (!privates.max)
		history_init(&privates, srv.history ? PRIV_MAX : 0);
	if (history_add(&privates, e) == 0)
		budget_settle(&srv.budget); /* older history makes way (-m) */
}

void private_keep(struct event *e)
{
	store_private(e); /* on disk (-D) before anyone can have it */
	private_add(e);
}

void private_load(struct event *e)
{
	private_add(e);
}

/* C as a party to private talk: its account, or this connection. */
static void party_of(struct client *c, char out[NICKLEN + 2])
{
	static uint32_t conns;
	if (c->account[0]) {
		strlcpy_ok(out, c->account, NICKLEN + 2);
		return;
	}
	if (!c->hist_id)
		c->hist_id = ++conns;
	snprintf(out, NICKLEN + 2, "~%u", (unsigned)c->hist_id);
}

void private_parties(struct client *from, struct client *to, const char *account,
		     char out[PRIV_PARTIES_MAX])
{
	char f[NICKLEN + 2], t[NICKLEN + 2];
	party_of(from, f);
	if (to)
		party_of(to, t);
	else
		strlcpy_ok(t, account ? account : "*", sizeof(t)); /* (never NULL here) */
	snprintf(out, PRIV_PARTIES_MAX, "%s %s", f, t);
}

/* E's parties into F and T; false if it has none (not a private message). */
static bool parties(const struct event *e, char f[NICKLEN + 2], char t[NICKLEN + 2])
{
	const char *sp = strchr(e->arg, ' ');
	size_t n = sp ? (size_t)(sp - e->arg) : 0;
	if (!sp || n > NICKLEN + 1 || strlen(sp + 1) > NICKLEN + 1)
		return false;
	memcpy(f, e->arg, n);
	f[n] = 0;
	strcpy(t, sp + 1);
	return true;
}

/* The other party of E, as C names it (an account, else a nick); NULL if
 * C is not a party of E. */
static const char *partner(struct client *c, const struct event *e, char buf[NICKLEN + 2])
{
	char me[NICKLEN + 2], f[NICKLEN + 2], t[NICKLEN + 2];
	if (!parties(e, f, t))
		return NULL;
	party_of(c, me);
	if (!irc_casecmp(me, f))
		return t[0] == '~' || t[0] == '*' ? e->target : strcpy(buf, t);
	if (!irc_casecmp(me, t))
		return f[0] == '~' || f[0] == '*' ? e->nick : strcpy(buf, f);
	return NULL;
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
	const char *end;

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
	end = s + pl;
	(void)num_scan(&end, 10, UINT64_MAX, &r->seq); /* a bigger one names nothing */
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

/* Room R's history, or (R NULL) C's private messages with PEER, into V
 * (malloc'd, bounded by -H or PRIV_MAX); false if out of memory. */
static bool collect(struct client *c, const struct room *r, const char *peer,
		    struct view *v)
{
	const struct history *h = r ? &r->hist : &privates;
	v->n = 0;
	v->v = h->n ? malloc(h->n * sizeof(*v->v)) : NULL;
	if (h->n && !v->v)
		return false;
	for (unsigned i = 0; i < h->n; i++) {
		struct event *e = history_get(h, i);
		char buf[NICKLEN + 2];
		const char *p = r ? NULL : partner(c, e, buf);
		if (r || (p && !irc_casecmp(p, peer)))
			v->v[v->n++] = e;
	}
	return true;
}

static unsigned parse_limit(const char *s)
{
	const char *end = s;
	uint64_t n;
	(void)num_scan(&end, 10, CHATHISTORY_MAX, &n); /* a bigger one is the most */
	if (*end || end == s || !n)
		return 0;
	return (unsigned)n;
}

struct target {
	char name[ROOMLEN + 1];
	int64_t last;
};

/* LAST, the time of T's newest message, if later and in (LO, HI). */
static void newest_in(struct target *t, int64_t when, int64_t lo, int64_t hi)
{
	if (when > lo && when < hi && when > t->last)
		t->last = when;
}

static int by_time(const void *a, const void *b)
{
	const struct target *x = a, *y = b;
	return (x->last > y->last) - (x->last < y->last);
}

/* The rooms C is in and the nicks or accounts C talked with in private,
 * each with its newest message in (LO, HI), into T (malloc'd, *N of them). */
static struct target *gather(struct client *c, int64_t lo, int64_t hi, unsigned *n)
{
	struct target *t = malloc((c->nrooms + privates.n + 1) * sizeof(*t));
	*n = 0;
	if (!t)
		return NULL;
	for (unsigned i = 0; i < c->nrooms; i++) {
		const struct history *h = &c->rooms[i]->hist;
		strlcpy_ok(t[*n].name, c->rooms[i]->name, sizeof(t->name));
		t[*n].last = -1;
		for (unsigned k = 0; k < h->n; k++)
			newest_in(&t[*n], history_get(h, k)->when_ms, lo, hi);
		*n += t[*n].last >= 0;
	}
	for (unsigned k = 0; k < privates.n; k++) {
		const struct event *e = history_get(&privates, k);
		char buf[NICKLEN + 2];
		const char *p = partner(c, e, buf);
		unsigned i = 0;
		if (!p || e->when_ms <= lo || e->when_ms >= hi)
			continue;
		while (i < *n && irc_casecmp(t[i].name, p))
			i++;
		if (i == *n) {
			strlcpy_ok(t[i].name, p, sizeof(t->name));
			t[i].last = -1;
			++*n;
		}
		newest_in(&t[i], e->when_ms, lo, hi);
	}
	qsort(t, *n, sizeof(*t), by_time);
	return t;
}

/* TARGETS: the rooms C is in and the people it talked with in private,
 * that had messages between two times, with the time of each one's
 * latest, oldest first, in a draft/chathistory-targets batch. */
static void targets(struct client *c, struct irc_msg *m)
{
	struct ref a, b;
	unsigned limit = m->nparams > 3 ? parse_limit(m->params[3]) : 0, n = 0;
	struct target *t;

	if (!parse_ref(m->params[1], &a) || !parse_ref(m->params[2], &b) || a.msgid || b.msgid ||
	    !limit) {
		fail(c, "INVALID_PARAMS", "TARGETS", "Invalid parameters");
		return;
	}
	if (!(t = gather(c, MIN(a.ms, b.ms), MAX(a.ms, b.ms), &n))) {
		fail(c, "MESSAGE_ERROR", "TARGETS", "Server is out of memory");
		return;
	}
	send_line(c, ":%s BATCH +tg draft/chathistory-targets", srv.host);
	for (unsigned i = 0; i < n && i < limit; i++) {
		char when[IRC_TIME_MAX];
		if (irc_time_format(t[i].last, when))
			send_line(c, "@batch=tg :%s CHATHISTORY TARGETS %s %s", srv.host, t[i].name,
				  when);
	}
	send_line(c, ":%s BATCH -tg", srv.host);
	free(t);
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
