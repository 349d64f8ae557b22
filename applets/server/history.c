/* history.c - a ring of shared events per room, all rooms' events on one
 * list by age. */
#include "history.h"
#include "chatbox.h"

#include <stdlib.h>
#include <string.h>

/* What a malloc'd block costs beyond its size (header, rounding). */
#define BLOCK_OVERHEAD 16
/* A rendered line is the event's strings and at most this much more
 * (command, prefix punctuation, @time tag, [HH:MM]) and at most a line. */
#define LINE_EXTRA 96
#define LINE_MOST  (512 + 64)

static struct {
	struct event *oldest, *newest;
	size_t bytes, n, strs;
} all;

/* The strings a journal record of E holds (a private one: its arg too). */
static size_t strs_of(const struct event *e)
{
	return strlen(e->nick) + strlen(e->userhost) + strlen(e->target) + strlen(e->arg) +
	       (e->text ? strlen(e->text) : 0) + (e->account ? strlen(e->account) : 0);
}

static size_t cost(const struct event *e)
{
	size_t strs = strlen(e->nick) + strlen(e->userhost) + strlen(e->target) + strlen(e->arg) +
		      (e->text ? strlen(e->text) + 1 : 0) + 4;
	size_t line = MIN(strs + LINE_EXTRA, (size_t)LINE_MOST);
	/* (the account-tag rendering exists only for an event with an account) */
	unsigned wires = e->account ? EVENT_WIRES : EVENT_WIRES - 1;
	if (e->account) /* (in the event's own block) */
		strs += strlen(e->account) + 1;
	return BLOCK_OVERHEAD + sizeof(*e) + strs + wires * (BLOCK_OVERHEAD + sizeof(struct msgbuf) + line);
}

static size_t ring_cost(const struct history *h)
{
	return BLOCK_OVERHEAD + h->max * sizeof(*h->ring);
}

static void link_newest(struct history *h, struct event *e)
{
	e->hist = h;
	e->newer = NULL;
	e->older = all.newest;
	if (all.newest)
		all.newest->newer = e;
	else
		all.oldest = e;
	all.newest = e;
	all.bytes += cost(e);
	all.n++;
	all.strs += strs_of(e);
}

/* Take E off the list and drop the history's reference; the bytes freed. */
static size_t unlink_unref(struct event *e)
{
	size_t n = cost(e);
	if (e->older)
		e->older->newer = e->newer;
	else
		all.oldest = e->newer;
	if (e->newer)
		e->newer->older = e->older;
	else
		all.newest = e->older;
	e->hist = NULL;
	e->older = e->newer = NULL;
	all.bytes -= n;
	all.n--;
	all.strs -= strs_of(e);
	event_unref(e);
	return n;
}

void history_init(struct history *h, unsigned max)
{
	h->ring = NULL;
	h->head = h->n = 0;
	h->on_disk = false;
	h->max = (uint16_t)(max > UINT16_MAX ? UINT16_MAX : max);
}

int history_add(struct history *h, struct event *e)
{
	if (!h->max)
		return 0;
	if (e->hist)
		return -1;
	if (!h->ring) {
		h->ring = calloc(h->max, sizeof(*h->ring));
		if (!h->ring)
			return -1;
		all.bytes += ring_cost(h);
	}
	if (h->n == h->max) {
		unlink_unref(h->ring[h->head]);
		h->head = (uint16_t)((h->head + 1) % h->max);
		h->n--;
	}
	h->ring[(h->head + h->n) % h->max] = event_ref(e);
	h->n++;
	link_newest(h, e);
	return 0;
}

struct event *history_get(const struct history *h, unsigned i)
{
	return h->ring[(h->head + i) % h->max];
}

void history_free(struct history *h)
{
	for (unsigned i = 0; i < h->n; i++)
		unlink_unref(history_get(h, i));
	if (h->ring)
		all.bytes -= ring_cost(h);
	free(h->ring);
	h->ring = NULL;
	h->n = h->head = 0;
}

size_t history_bytes(void)
{
	return all.bytes;
}

size_t history_drop_oldest(void)
{
	struct event *e = all.oldest;
	struct history *h;
	size_t n;

	if (!e)
		return 0;
	/* Histories are rings in the same order: the oldest of all is the
	 * oldest of its own room. */
	h = e->hist;
	h->head = (uint16_t)((h->head + 1) % h->max);
	h->n--;
	n = unlink_unref(e);
	if (!h->n) { /* an emptied ring goes too: a room that had talk but has none kept */
		n += ring_cost(h);
		history_free(h);
	}
	return n;
}

struct event *history_oldest(void)
{
	return all.oldest;
}

struct event *history_newest(void)
{
	return all.newest;
}

size_t history_count(void)
{
	return all.n;
}

size_t history_text_bytes(void)
{
	return all.strs;
}
