/* room.c - rooms and their members, the nick and room tables, and the
 * fan-out of an event to a room or to everyone who shares one with a client. */
#include "server.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* --- rooms ----------------------------------------------------------------- */

struct room *room_find(const char *name)
{
	struct name_node *n = nametab_find(&srv.room_tab, name);
	return n ? container_of(n, struct room, node) : NULL;
}

/* NULL if out of memory or out of the budget (-m). */
struct room *room_new(const char *name)
{
	struct room *r;
	if (!budget_charge(&srv.budget, BUDGET_ROOMS, ROOM_COST))
		return NULL;
	r = calloc(1, sizeof(*r));
	if (r)
		strlcpy_ok(r->name, name, sizeof(r->name));
	if (!r || nametab_add(&srv.room_tab, &r->node, r->name) != 0) {
		free(r);
		budget_release(&srv.budget, BUDGET_ROOMS, ROOM_COST);
		return NULL;
	}
	r->modes = RM_N | RM_T;
	r->created = time(NULL);
	if (ENABLE_SERVER_HISTORY)
		history_init(&r->hist, (unsigned)srv.history);
	DLIST_PUSH(srv.rooms, r, next, prev);
	srv.nrooms++;
	return r;
}

void room_free_if_empty(struct room *r)
{
	if (r->n || r->keep)
		return;
	nametab_del(&srv.room_tab, &r->node);
	DLIST_UNLINK(srv.rooms, r, next, prev);
	srv.nrooms--;
	if (ENABLE_SERVER_HISTORY) {
		store_room_gone(r); /* gone after a restart too (-D) */
		history_free(&r->hist);
	}
	ban_free_all(r);
	invites_drop_room(r);
	budget_release(&srv.budget, BUDGET_TOPICS, TOPIC_COST(r->topic));
	budget_release(&srv.budget, BUDGET_ROOMS, ROOM_COST);
	free(r->m);
	free(r->topic);
	free(r->key);
	free(r);
}

struct member *member_of(struct room *r, const struct client *c)
{
	for (uint32_t i = 0; i < r->n; i++)
		if (r->m[i].c == c)
			return &r->m[i];
	return NULL;
}

/* C is in R: check the client's (short) list, not the room's. */
bool in_room(const struct client *c, const struct room *r)
{
	for (unsigned i = 0; i < c->nrooms; i++)
		if (c->rooms[i] == r)
			return true;
	return false;
}

int room_enter(struct room *r, struct client *c)
{
	if (r->n == r->cap) {
		uint32_t cap = r->cap ? r->cap * 2 : 4;
		struct member *m = realloc(r->m, cap * sizeof(*m));
		if (!m)
			return -1;
		r->m = m;
		r->cap = cap;
	}
	/* Room for 1, then 4, 8, 12...: the array's size follows from nrooms
	 * (it grows at 0, at 1 and at every multiple of 4; leaving never
	 * shrinks it). Most users sit in one room: one pointer is a 16-byte
	 * block, where room for four was a 48-byte one, per client. */
	if (c->nrooms <= 1 || c->nrooms % 4 == 0) {
		size_t want = c->nrooms == 0 ? 1 : c->nrooms == 1 ? 4 : c->nrooms + 4u;
		struct room **rs = realloc(c->rooms, want * sizeof(*rs));
		if (!rs)
			return -1;
		c->rooms = rs;
	}
	c->rooms[c->nrooms++] = r;
	r->m[r->n].c = c;
	/* The first one in runs the room; nobody runs the default room, which
	 * stays open to everyone: no key, limit or kick by whoever came first
	 * (server operators may: oper.c). */
	r->m[r->n].modes = r->n == 0 && !r->keep ? M_OP : 0;
	r->n++;
	return 0;
}

/* Take C out of R (without telling anyone); R may be freed. */
void room_remove(struct room *r, struct client *c)
{
	for (uint32_t i = 0; i < r->n; i++)
		if (r->m[i].c == c) {
			/* Keep join order: NAMES shows the oldest first. */
			memmove(&r->m[i], &r->m[i + 1], (r->n - i - 1) * sizeof(*r->m));
			r->n--;
			break;
		}
	for (unsigned i = 0; i < c->nrooms; i++)
		if (c->rooms[i] == r) {
			memmove(&c->rooms[i], &c->rooms[i + 1], (c->nrooms - i - 1u) * sizeof(*c->rooms));
			c->nrooms--;
			break;
		}
	if (!c->nrooms) {
		free(c->rooms);
		c->rooms = NULL;
	}
	if (r->cap > 8 && r->n < r->cap / 4) {
		struct member *m = realloc(r->m, r->cap / 2 * sizeof(*m));
		if (m) {
			r->m = m;
			r->cap /= 2;
		}
	}
	room_free_if_empty(r);
}

/* E to every member of R but SKIP (NULL: everyone). */
void room_send(struct room *r, struct event *e, const struct client *skip)
{
	for (uint32_t i = 0; i < r->n; i++)
		if (r->m[i].c != skip)
			push_event(r->m[i].c, e);
}

/* E to every member of R; ALT instead to those with capability CAP
 * (extended-join's JOIN). ALT NULL: E to all. */
void room_send_alt(struct room *r, struct event *e, struct event *alt, uint32_t cap)
{
	for (uint32_t i = 0; i < r->n; i++)
		push_event(r->m[i].c, alt && (r->m[i].c->caps & cap) ? alt : e);
}

/* E to everyone who shares a room with C, once each, and to C if SELF. */
void neighbours_send(struct client *c, struct event *e, bool self)
{
	uint32_t gen = ++srv.gen;
	c->seen = gen;
	if (self)
		push_event(c, e);
	for (unsigned i = 0; i < c->nrooms; i++) {
		struct room *r = c->rooms[i];
		for (uint32_t j = 0; j < r->n; j++) {
			struct client *m = r->m[j].c;
			if (m->seen != gen) {
				m->seen = gen;
				push_event(m, e);
			}
		}
	}
}

const char *prefix_of(uint8_t modes, bool all)
{
	if (modes & M_OP)
		return all && (modes & M_VOICE) ? "@+" : "@";
	return modes & M_VOICE ? "+" : "";
}

struct client *nick_find(const char *nick)
{
	struct name_node *n = nametab_find(&srv.nicks, nick);
	return n ? container_of(n, struct client, node) : NULL;
}
