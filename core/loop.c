/* loop.c - epoll event loop, timers and signalfd. */
#include "loop.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

int64_t loop_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int loop_init(struct loop *l)
{
	memset(l, 0, sizeof(*l));
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	return l->epfd < 0 ? -1 : 0;
}

void loop_free(struct loop *l)
{
	if (l->epfd >= 0)
		close(l->epfd);
	l->epfd = -1;
}

int loop_add(struct loop *l, struct watch *w, int fd, watch_fn *fn, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = w };
	w->fd = fd;
	w->fn = fn;
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) != 0)
		return -1;
	w->added = true;
	return 0;
}

int loop_mod(struct loop *l, struct watch *w, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = w };
	return epoll_ctl(l->epfd, EPOLL_CTL_MOD, w->fd, &ev);
}

void loop_del(struct loop *l, struct watch *w)
{
	if (!w->added)
		return;
	epoll_ctl(l->epfd, EPOLL_CTL_DEL, w->fd, NULL);
	w->added = false;
	/* Forget events of this batch that still point at W: it may be freed. */
	for (int i = l->cur + 1; i < l->nevents; i++)
		if (l->events[i].data.ptr == w)
			l->events[i].data.ptr = NULL;
}

void timer_init(struct timer *t, timer_fn *fn)
{
	t->fn = fn;
	t->slot = -1;
	t->due_ms = 0;
}

int loop_timer(struct loop *l, struct timer *t, int64_t ms)
{
	if (t->slot < 0) {
		if (l->ntimers == LOOP_MAX_TIMERS)
			return -1;
		t->slot = l->ntimers;
		l->timers[l->ntimers++] = t;
	}
	t->due_ms = loop_now_ms() + (ms < 0 ? 0 : ms);
	return 0;
}

void loop_timer_cancel(struct loop *l, struct timer *t)
{
	if (t->slot < 0)
		return;
	struct timer *last = l->timers[--l->ntimers];
	l->timers[t->slot] = last;
	last->slot = t->slot;
	t->slot = -1;
}

int loop_signals(struct loop *l, struct watch *w, watch_fn *fn, const int *sigs)
{
	sigset_t set;
	int fd;

	sigemptyset(&set);
	for (; *sigs; sigs++)
		sigaddset(&set, *sigs);
	if (sigprocmask(SIG_BLOCK, &set, NULL) != 0)
		return -1;
	fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0)
		return -1;
	if (loop_add(l, w, fd, fn, EPOLLIN) != 0) {
		close(fd);
		return -1;
	}
	return 0;
}

/* Milliseconds until the next timer, -1 for none (capped at a minute). */
static int next_timeout(struct loop *l, int64_t now)
{
	int64_t best = -1;
	for (int i = 0; i < l->ntimers; i++) {
		int64_t d = l->timers[i]->due_ms - now;
		if (d < 0)
			d = 0;
		if (best < 0 || d < best)
			best = d;
	}
	return best > 60000 ? 60000 : (int)best;
}

static void fire_timers(struct loop *l)
{
	int64_t now = loop_now_ms();
	/* A fired timer may re-arm itself or others; restart the scan then.
	 * Bounded: each timer fires at most once per pass. */
	for (int pass = 0; pass < LOOP_MAX_TIMERS; pass++) {
		struct timer *due = NULL;
		for (int i = 0; i < l->ntimers; i++)
			if (l->timers[i]->due_ms <= now) {
				due = l->timers[i];
				break;
			}
		if (!due)
			return;
		loop_timer_cancel(l, due);
		due->fn(l, due);
	}
}

int loop_run(struct loop *l)
{
	while (!l->stop) {
		int n = epoll_wait(l->epfd, l->events, LOOP_MAX_EVENTS,
				   next_timeout(l, loop_now_ms()));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		l->nevents = n;
		for (l->cur = 0; l->cur < n && !l->stop; l->cur++) {
			struct watch *w = l->events[l->cur].data.ptr;
			if (w)
				w->fn(l, w, l->events[l->cur].events);
		}
		l->nevents = 0;
		fire_timers(l);
	}
	return 0;
}
