/* budget.c - the memory budget (-m) of the chat server (see budget.h). */
#include "budget.h"
#include "chatbox.h"
#include "history.h"
#include "sendq.h"

/* Without SERVER_HISTORY there is none to count or drop, and no history
 * code in the binary. */
static size_t history_held(void)
{
	return ENABLE_SERVER_HISTORY ? history_bytes() : 0;
}

static bool history_yield(void)
{
	return ENABLE_SERVER_HISTORY && history_drop_oldest() > 0;
}

size_t budget_used(const struct budget *b, enum budget_kind k)
{
	switch (k) {
	case BUDGET_ROOMS:
	case BUDGET_TOPICS:
	case BUDGET_ACCOUNTS:
		return b->held[k];
	case BUDGET_HISTORY:
		return history_held();
	case BUDGET_QUEUES:
		return sendq_total();
	default:
		return 0;
	}
}

size_t budget_total(const struct budget *b)
{
	size_t n = 0;
	for (int k = 0; k < BUDGET_KINDS; k++)
		n += budget_used(b, (enum budget_kind)k);
	return n;
}

/* Rooms, topics and history: all but queues. */
static size_t held(const struct budget *b)
{
	return b->held[BUDGET_ROOMS] + b->held[BUDGET_TOPICS] + b->held[BUDGET_ACCOUNTS] +
	       history_held();
}

/* What queues may hold: whatever rooms, topics and history leave. The
 * cap is re-derived at each change the budget sees; a change it does not
 * see (a room's own history ring turning over) only frees bytes, so the
 * cap errs on the safe side until the next one. */
static void set_queue_cap(const struct budget *b)
{
	size_t h = held(b);
	sendq_set_total_max(h < b->limit ? b->limit - h : 0);
}

void budget_init(struct budget *b, size_t limit)
{
	b->limit = limit;
	b->held[BUDGET_ROOMS] = b->held[BUDGET_TOPICS] = b->held[BUDGET_ACCOUNTS] = 0;
	set_queue_cap(b);
}

/* What rooms, topics and history may hold: all but the queues' share. */
static size_t share(const struct budget *b)
{
	return b->limit - b->limit / BUDGET_QUEUE_SHARE;
}

/* Drop the oldest history until HELD more bytes of rooms or topics and
 * QUEUED more bytes of queues fit: what is held within its share of the
 * budget, and everything within the budget. True if they do. */
static bool make_room(const struct budget *b, size_t more_held, size_t queued)
{
	for (;;) {
		size_t h = held(b) + more_held, all = h + sendq_total() + queued;
		if (h <= share(b) && all <= b->limit && all >= h) /* (and no wrap) */
			return true;
		if (!history_yield())
			return false;
	}
}

bool budget_charge(struct budget *b, enum budget_kind k, size_t n)
{
	bool ok;
	if (k >= BUDGET_HISTORY)
		return false; /* those count themselves */
	/* The verdict is on what is held only, so it does not come and go with
	 * the queues; history then makes room for all of it. A refusal drops no
	 * history: refusals cost an attacker nothing, so they must cost others
	 * nothing either. */
	ok = b->held[BUDGET_ROOMS] + b->held[BUDGET_TOPICS] + b->held[BUDGET_ACCOUNTS] + n <=
	     share(b);
	if (ok) {
		b->held[k] += n;
		make_room(b, 0, 0);
	}
	set_queue_cap(b);
	return ok;
}

void budget_release(struct budget *b, enum budget_kind k, size_t n)
{
	if (k < BUDGET_HISTORY)
		b->held[k] -= n < b->held[k] ? n : b->held[k];
	set_queue_cap(b);
}

void budget_settle(struct budget *b)
{
	make_room(b, 0, 0);
	set_queue_cap(b);
}

bool budget_queue_room(struct budget *b, size_t n)
{
	bool ok = make_room(b, 0, n);
	set_queue_cap(b);
	return ok;
}
