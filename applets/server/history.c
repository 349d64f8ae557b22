/* history.c - a ring of shared events per room. */
#include "history.h"

#include <stdlib.h>

void history_init(struct history *h, unsigned max)
{
	h->ring = NULL;
	h->head = h->n = 0;
	h->max = (uint16_t)(max > UINT16_MAX ? UINT16_MAX : max);
}

int history_add(struct history *h, struct event *e)
{
	if (!h->max)
		return 0;
	if (!h->ring) {
		h->ring = calloc(h->max, sizeof(*h->ring));
		if (!h->ring)
			return -1;
	}
	if (h->n == h->max) {
		event_unref(h->ring[h->head]);
		h->ring[h->head] = event_ref(e);
		h->head = (uint16_t)((h->head + 1) % h->max);
		return 0;
	}
	h->ring[(h->head + h->n) % h->max] = event_ref(e);
	h->n++;
	return 0;
}

struct event *history_get(const struct history *h, unsigned i)
{
	return h->ring[(h->head + i) % h->max];
}

void history_free(struct history *h)
{
	for (unsigned i = 0; i < h->n; i++)
		event_unref(history_get(h, i));
	free(h->ring);
	h->ring = NULL;
	h->n = h->head = 0;
}
