/* history.h - a room's last N events, oldest first. */
#pragma once

#include <stdint.h>

#include "event.h"

struct history {
	struct event **ring; /* allocated on the first event */
	uint16_t head, n, max;
};

/* Keep at most MAX events (0: none). */
void history_init(struct history *h, unsigned max);
/* Add a reference to E, forgetting the oldest when full; -1 if out of memory. */
int history_add(struct history *h, struct event *e);
/* The I-th oldest event, I < h->n. */
struct event *history_get(const struct history *h, unsigned i);
void history_free(struct history *h);
