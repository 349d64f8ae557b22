/* loop.h - a small epoll event loop with millisecond timers and signals.
 *
 * Embed a struct watch in whatever owns an fd and recover the owner with
 * container_of() in the callback. A callback may loop_del() and free any
 * watch, its own or another: events already fetched for a deleted watch
 * are dropped, never delivered. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/epoll.h>

#define LOOP_MAX_EVENTS 64 /* events fetched per epoll_wait */
#define LOOP_MAX_TIMERS 32 /* armed timers at once: per subsystem, not per client */

struct loop;
struct watch;
typedef void watch_fn(struct loop *l, struct watch *w, uint32_t events);

struct watch {
	int fd;
	watch_fn *fn;
	bool added;
};

struct timer;
typedef void timer_fn(struct loop *l, struct timer *t);

struct timer {
	int64_t due_ms; /* loop_now_ms() clock */
	timer_fn *fn;
	int slot;       /* index in loop->timers, -1 when not armed */
};

struct loop {
	int epfd;
	bool stop;
	int nevents, cur;                   /* the batch being dispatched */
	struct epoll_event events[LOOP_MAX_EVENTS];
	struct timer *timers[LOOP_MAX_TIMERS];
	int ntimers;
};

int loop_init(struct loop *l);
void loop_free(struct loop *l);
int loop_add(struct loop *l, struct watch *w, int fd, watch_fn *fn, uint32_t events);
int loop_mod(struct loop *l, struct watch *w, uint32_t events);
void loop_del(struct loop *l, struct watch *w);

void timer_init(struct timer *t, timer_fn *fn);
/* Arm (or re-arm) T to fire once, MS milliseconds from now; -1 if full. */
int loop_timer(struct loop *l, struct timer *t, int64_t ms);
void loop_timer_cancel(struct loop *l, struct timer *t);
static inline bool timer_armed(const struct timer *t) { return t->slot >= 0; }

/* Block SIGS (0-terminated) and deliver them through W as a signalfd:
 * read struct signalfd_siginfo from w->fd in FN. */
int loop_signals(struct loop *l, struct watch *w, watch_fn *fn, const int *sigs);

/* Run until l->stop is set (0) or epoll fails (-1). */
int loop_run(struct loop *l);
int64_t loop_now_ms(void);
