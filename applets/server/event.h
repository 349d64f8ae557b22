/* event.h - what happens in a room, independent of any wire format.
 *
 * An event (a message, a join, a nick change...) is built once. Each wire
 * format (IRC, IRC with server-time, plain text...) renders it at most
 * once, on first use, into a shared msgbuf that every recipient of that
 * format queues. Rooms keep events, not bytes, as history. */
#pragma once

#include <stdint.h>

#include "sendq.h"

enum event_kind {
	EV_PRIVMSG, EV_NOTICE, EV_JOIN, EV_PART, EV_QUIT, EV_NICK, EV_TOPIC,
	EV_KICK, EV_MODE, EV_AWAY, EV_TAGMSG,
};

#define EVENT_WIRES 6 /* wire formats an event can be rendered in */

struct history;

struct event {
	uint32_t refs;
	uint8_t kind;
	int64_t when_ms;  /* wall clock, ms since the epoch */
	uint64_t seq;     /* a message's number, in relay order (store.c), its msgid; 0 if none */
	const char *nick; /* who did it */
	const char *userhost; /* "user@host" */
	const char *target;   /* a room or a nick; "" if none */
	const char *arg;      /* kick victim, mode string, new nick; "" if none */
	const char *text;     /* message, reason, topic; NULL if none */
	char *ctags;          /* client-only tags ("+a=b;+c") to relay, malloc'd; NULL if none */
	const char *account;  /* account-tag: who did it is logged in as; NULL if not */
	struct msgbuf *wire[EVENT_WIRES];
	/* While a room's history keeps it (history.c; one history at most):
	 * that history, and its neighbours among all kept events, oldest first. */
	struct history *hist;
	struct event *older, *newer;
};

/* A new event with one reference (strings copied into its allocation);
 * TEXT and ACCOUNT may be NULL (none); NULL if out of memory. */
struct event *event_new(enum event_kind kind, const char *nick, const char *userhost,
			const char *target, const char *arg, const char *text,
			const char *account);
static inline struct event *event_ref(struct event *e) { e->refs++; return e; }
void event_unref(struct event *e);

/* Render E in wire format W with RENDER on first use; NULL if that failed. */
typedef struct msgbuf *event_render_fn(const struct event *e);
struct msgbuf *event_wire(struct event *e, unsigned w, event_render_fn *render);
