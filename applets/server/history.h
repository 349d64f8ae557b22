/* history.h - a room's last N events, oldest first.
 *
 * Every history together counts what it holds, and knows which kept
 * event is the oldest of all: the server's memory budget (-m) takes
 * memory back from history, oldest message first, for live use. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"

struct history {
	struct event **ring; /* allocated on the first event */
	uint16_t head, n, max;
	bool on_disk;        /* the journal (-D) holds some of it: say when it goes */
};

/* Keep at most MAX events (0: none). */
void history_init(struct history *h, unsigned max);
/* Add a reference to E, forgetting the oldest when full; -1 if out of
 * memory or E is kept by a history already. */
int history_add(struct history *h, struct event *e);
/* The I-th oldest event, I < h->n. */
struct event *history_get(const struct history *h, unsigned i);
void history_free(struct history *h);

/* Bytes every history holds: events, room for each wire format they may
 * be rendered in, rings. An estimate from the events' strings, the same
 * whenever asked, so what was counted in is counted out. */
size_t history_bytes(void);
/* Forget the oldest event of all histories; the bytes that freed, 0 if
 * no history holds any. */
size_t history_drop_oldest(void);

/* For the journal (store.c): the oldest kept event of all rooms (the
 * others follow by ->newer, in the order they were added), the newest
 * (->older goes back), how many are kept and their strings' bytes. */
struct event *history_oldest(void);
struct event *history_newest(void);
size_t history_count(void);
size_t history_text_bytes(void);
