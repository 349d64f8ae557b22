/* pending.c - private messages kept for an account whose owner is offline,
 * delivered at its next login with their original time; and read markers
 * (draft/read-marker: MARKREAD), per account, so a phone and a laptop
 * agree on what has been read.
 *
 * Both are bounded (PENDING_MAX in all, PENDING_PER per recipient;
 * MARKERS_MAX in all, MARKERS_PER per account), charged to the budget
 * (-m), and kept on disk with -D (acctfile.c). A kept message expires
 * after -E seconds (7 days by default). */
#include "server.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PENDING_MAX  500
#define PENDING_PER  50
#define MARKERS_MAX  2000
#define MARKERS_PER  100
#define TSLEN        24   /* YYYY-MM-DDThh:mm:ss.sssZ */
#define EXPIRY_CHECK_MS (3600 * 1000) /* at least this often, whatever the clock does */

static struct event *pend[PENDING_MAX]; /* oldest first */
static unsigned npend;
static struct timer expiry_timer;

struct marker {
	char account[NICKLEN + 1];
	char target[ROOMLEN + 1];
	char ts[TSLEN + 1];
};
static struct marker *markers;
static unsigned nmarkers, cap_markers;

static size_t event_cost(const struct event *e)
{
	return sizeof(*e) + strlen(e->nick) + strlen(e->userhost) + strlen(e->target) +
	       (e->text ? strlen(e->text) : 0) + 16 + 4;
}

static int64_t wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void drop(unsigned i)
{
	budget_release(&srv.budget, BUDGET_ACCOUNTS, event_cost(pend[i]));
	event_unref(pend[i]);
	memmove(&pend[i], &pend[i + 1], (npend - i - 1) * sizeof(pend[0]));
	npend--;
}

/* Drop what is older than -E; wake up again when the next one is due. */
static void expire(struct loop *l, struct timer *t)
{
	int64_t now = wall_ms(), life = (int64_t)srv.pending_s * 1000, next;
	unsigned gone = 0;
	(void)l;
	(void)t;
	while (npend && pend[0]->when_ms + life <= now) {
		drop(0);
		gone++;
	}
	if (gone) {
		msg("%u kept private message(s) expired unread", gone);
		acctfile_dirty();
	}
	if (!npend)
		return;
	next = pend[0]->when_ms + life - now;
	if (loop_timer(&srv.loop, &expiry_timer, MAX(1, MIN(next, EXPIRY_CHECK_MS))) != 0)
		msg("kept messages: no timer left (LOOP_MAX_TIMERS)");
}

void pending_init(void)
{
	if (!ENABLE_SERVER_ACCOUNTS)
		return;
	timer_init(&expiry_timer, expire);
}

static unsigned count_for(const char *to)
{
	unsigned n = 0;
	for (unsigned i = 0; i < npend; i++)
		n += irc_casecmp(pend[i]->target, to) == 0;
	return n;
}

static bool keep(struct event *e)
{
	if (npend == PENDING_MAX || count_for(e->target) >= PENDING_PER ||
	    !budget_charge(&srv.budget, BUDGET_ACCOUNTS, event_cost(e)))
		return false;
	pend[npend++] = e;
	if (!timer_armed(&expiry_timer))
		expire(&srv.loop, &expiry_timer);
	return true;
}

/* A private message from C to TO, who is not online: kept if TO is an
 * account, and C told so. False if TO is no account (the caller says 401). */
bool pending_keep(struct client *c, enum event_kind kind, const char *to, const char *text)
{
	struct account *a = account_find(to);
	struct event *e;

	if (!ENABLE_SERVER_ACCOUNTS)
		return false;

	if (!a)
		return false;
	if (kind != EV_PRIVMSG)
		return true; /* a NOTICE is never answered, nor kept */
	char parties[PRIV_PARTIES_MAX] = "";
	if (ENABLE_SERVER_CHATHISTORY) /* (only private history reads them) */
		private_parties(c, NULL, a->name, parties);
	e = client_event(c, kind, a->name, parties, text);
	if (e)
		e->seq = store_next_seq(); /* its msgid, the same when delivered */
	if (!e || !keep(e)) {
		if (e)
			event_unref(e);
		numeric(c, "NOTICE", ":%s is offline and has too many messages waiting: not kept",
			a->name);
		return true;
	}
	acctfile_dirty();
	if (ENABLE_SERVER_CHATHISTORY)
		private_keep(e); /* CHATHISTORY TARGETS and the private history have it too */
	if (c->caps & CAP_ECHO) /* as if delivered: it will be, with this time */
		push_event(c, e);
	numeric(c, "NOTICE", ":%s is offline: your message will be delivered when they log in",
		a->name);
	return true;
}

/* One kept message read back from disk (acctfile.c), checked there. */
bool pending_load(const char *to, enum event_kind kind, int64_t when_ms, uint64_t seq,
		  const char *nick, const char *uh, const char *text)
{
	struct event *e;

	if (!ENABLE_SERVER_ACCOUNTS)
		return false;
	e = event_new(kind, nick, uh, to, "", text, NULL);
	if (!e)
		return false;
	e->when_ms = when_ms;
	e->seq = seq;
	if (!keep(e)) {
		event_unref(e);
		return false;
	}
	return true;
}

/* C logged in: what was kept for its account, to its nick, with the times
 * it was sent at (server-time for IRC apps, HH:MM for plain users). */
void pending_deliver(struct client *c)
{
	unsigned sent = 0;

	if (!ENABLE_SERVER_ACCOUNTS)
		return;
	for (unsigned i = 0; i < npend;) {
		struct event *k = pend[i], *e;
		if (irc_casecmp(k->target, c->account) != 0) {
			i++;
			continue;
		}
		e = event_new((enum event_kind)k->kind, k->nick, k->userhost, c->nick, "", k->text,
			      k->account);
		if (!e)
			break; /* kept for the next login */
		e->when_ms = k->when_ms;
		e->seq = k->seq;
		deliver(c, e, true);
		event_unref(e);
		drop(i);
		sent++;
	}
	if (sent) {
		msg("%s: %u kept message(s) delivered", c->account, sent);
		acctfile_dirty();
	}
}

/* --- read markers --------------------------------------------------------------- */

static struct marker *marker_find(const char *account, const char *target)
{
	for (unsigned i = 0; i < nmarkers; i++)
		if (!irc_casecmp(markers[i].account, account) && !irc_casecmp(markers[i].target, target))
			return &markers[i];
	return NULL;
}

/* 2026-12-02T05:43:44.123Z, exactly: so that later is greater, as strings. */
static bool ts_ok(const char *ts)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd.dddZ";
	if (strlen(ts) != TSLEN)
		return false;
	for (unsigned i = 0; i < TSLEN; i++)
		if (shape[i] == 'd' ? ts[i] < '0' || ts[i] > '9' : ts[i] != shape[i])
			return false;
	return true;
}

/* ACCOUNT read TARGET up to TS; false if refused (bad, or out of room). */
bool marker_set(const char *account, const char *target, const char *ts)
{
	struct marker *m = marker_find(account, target);
	unsigned mine = 0;

	if (!ENABLE_SERVER_ACCOUNTS || !ts_ok(ts) || !nick_valid(account) || !(room_name_ok(target) || nick_valid(target)))
		return false;
	if (m) {
		if (strcmp(ts, m->ts) > 0) /* never backwards */
			strlcpy_ok(m->ts, ts, sizeof(m->ts));
		return true;
	}
	for (unsigned i = 0; i < nmarkers; i++)
		mine += !irc_casecmp(markers[i].account, account);
	if (mine >= MARKERS_PER || nmarkers >= MARKERS_MAX ||
	    !budget_charge(&srv.budget, BUDGET_ACCOUNTS, sizeof(*m)))
		return false;
	if (nmarkers == cap_markers) {
		unsigned want = cap_markers ? MIN(cap_markers * 2, MARKERS_MAX) : 16;
		struct marker *p = realloc(markers, want * sizeof(*p));
		if (!p) {
			budget_release(&srv.budget, BUDGET_ACCOUNTS, sizeof(*m));
			return false;
		}
		markers = p;
		cap_markers = want;
	}
	m = &markers[nmarkers++];
	strlcpy_ok(m->account, account, sizeof(m->account));
	strlcpy_ok(m->target, target, sizeof(m->target));
	strlcpy_ok(m->ts, ts, sizeof(m->ts));
	return true;
}

/* MARKREAD TARGET [timestamp=TS]: without TS, where C's account is; with
 * it, moved on (never back) and told to every connection of the account. */
void markread(struct client *c, const char *target, const char *ts)
{
	struct marker *m;

	if (!ENABLE_SERVER_ACCOUNTS || !c->account[0]) {
		send_fail(c, "MARKREAD", "ACCOUNT_REQUIRED", target, "Log in to keep read markers");
		return;
	}
	if (ts) {
		if (strncmp(ts, "timestamp=", 10) != 0 || !ts_ok(ts + 10)) {
			send_fail(c, "MARKREAD", "INVALID_PARAMS", target, "timestamp=YYYY-MM-DDThh:mm:ss.sssZ");
			return;
		}
		if (!marker_set(c->account, target, ts + 10)) {
			send_fail(c, "MARKREAD", "INTERNAL_ERROR", target, "No room for more read markers");
			return;
		}
		acctfile_dirty();
		m = marker_find(c->account, target);
		for (struct client *o = srv.clients; o; o = o->next)
			if (o != c && (o->flags & F_REG) && (o->caps & CAP_READ_MARKER) &&
			    !irc_casecmp(o->account, c->account))
				send_markread(o, target, m->ts);
	}
	m = marker_find(c->account, target);
	send_markread(c, target, m ? m->ts : "*");
}

/* After C's JOIN of R, before NAMES ends: where C's account read up to. */
void markread_joined(struct client *c, struct room *r)
{
	struct marker *m;
	if (!ENABLE_SERVER_ACCOUNTS || !c->account[0] || !(c->caps & CAP_READ_MARKER))
		return;
	m = marker_find(c->account, r->name);
	send_markread(c, r->name, m ? m->ts : "*");
}

/* Every kept message and marker, as acctfile.c's lines. */
void pending_save(acct_write_fn *w, void *ctx)
{
	if (!ENABLE_SERVER_ACCOUNTS)
		return;
	for (unsigned i = 0; i < npend; i++) {
		const struct event *e = pend[i];
		w(ctx, "M %s %c %lld.%llu %s %s :%s\n", e->target, e->kind == EV_NOTICE ? 'N' : 'P',
		  (long long)e->when_ms, (unsigned long long)e->seq, e->nick, e->userhost, e->text ? e->text : "");
	}
	for (unsigned i = 0; i < nmarkers; i++)
		w(ctx, "R %s %s %s\n", markers[i].account, markers[i].target, markers[i].ts);
}
