/* sendq.c - shared message buffers and capped send queues. */
#include "sendq.h"
#include "chatbox.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#define SENDQ_MIN_SLOTS 4
#define SENDQ_MAX_SLOTS 65535
#define SENDQ_HINT_MAX  256 /* slots: 2 KiB of pointers */
#define PRIVATE_BUF 1024 /* a private tail buffer collects replies up to this */

/* Bytes in every queue: one add per push, one subtract per release, so
 * fan-out stays a pointer and two additions per recipient. */
static size_t total, total_max = SIZE_MAX;

size_t sendq_total(void)
{
	return total;
}

void sendq_set_total_max(size_t max)
{
	total_max = max;
}

bool sendq_total_fits(size_t n)
{
	return n <= total_max && total <= total_max - n;
}

void sendq_total_hold(size_t n)
{
	total += n;
}

void sendq_total_drop(size_t n)
{
	total -= n < total ? n : total;
}

/* N more bytes fit in Q under LIMIT and under the global cap. */
static bool fits(const struct sendq *q, size_t n, size_t limit)
{
	if (limit == SIZE_MAX)
		return true;
	return q->bytes + n <= limit && n <= total_max && total <= total_max - n;
}

/* Q holds N bytes fewer (written or dropped). */
static void release(struct sendq *q, uint32_t n)
{
	q->bytes -= n;
	total -= n;
}

struct msgbuf *msgbuf_new(size_t cap)
{
	struct msgbuf *m;
	if (cap > UINT32_MAX - sizeof(*m))
		return NULL;
	m = malloc(sizeof(*m) + cap);
	if (!m)
		return NULL;
	m->refs = 1;
	m->len = 0;
	m->cap = (uint32_t)cap;
	return m;
}

void msgbuf_unref(struct msgbuf *m)
{
	if (m && --m->refs == 0)
		free(m);
}

bool msgbuf_vprintf(struct msgbuf *m, const char *fmt, va_list ap)
{
	size_t room = m->cap - m->len;
	int n = vsnprintf(m->data + m->len, room, fmt, ap);
	if (n < 0 || (size_t)n >= room)
		return false;
	m->len += (uint32_t)n;
	return true;
}

bool msgbuf_printf(struct msgbuf *m, const char *fmt, ...)
{
	va_list ap;
	bool ok;
	va_start(ap, fmt);
	ok = msgbuf_vprintf(m, fmt, ap);
	va_end(ap);
	return ok;
}

bool msgbuf_append(struct msgbuf *m, const void *p, size_t n)
{
	if (n > m->cap - m->len)
		return false;
	memcpy(m->data + m->len, p, n);
	m->len += (uint32_t)n;
	return true;
}

/* Ring slot I places after the head: HEAD + I < 2 * CAP always, so a
 * subtraction does it (a division per delivery showed in profiles). */
static inline uint16_t slot(const struct sendq *q, uint32_t i)
{
	uint32_t k = (uint32_t)q->head + i;
	return (uint16_t)(k >= q->cap ? k - q->cap : k);
}

static int grow(struct sendq *q)
{
	uint16_t cap = q->cap ? (q->cap > SENDQ_MAX_SLOTS / 2 ? SENDQ_MAX_SLOTS : q->cap * 2)
			      : MAX(q->hint, SENDQ_MIN_SLOTS);
	struct msgbuf **ring;

	if (cap == q->cap)
		return -1;
	ring = malloc(cap * sizeof(*ring));
	if (!ring)
		return -1;
	/* Unwrap the ring into the new array, oldest first. */
	for (uint16_t i = 0; i < q->n; i++)
		ring[i] = q->ring[slot(q, i)];
	free(q->ring);
	q->ring = ring;
	q->head = 0;
	q->cap = cap;
	return 0;
}

int sendq_push(struct sendq *q, struct msgbuf *m, size_t limit)
{
	if (m->len == 0)
		return 0; /* nothing to send; an empty buffer would stall sendq_flush */
	if (!fits(q, m->len, limit))
		return -1;
	if (q->n == q->cap && grow(q) != 0)
		return -1;
	q->ring[slot(q, q->n)] = msgbuf_ref(m);
	q->n++;
	q->bytes += m->len;
	total += m->len;
	return 0;
}

static struct msgbuf *tail(struct sendq *q)
{
	return q->n ? q->ring[slot(q, q->n - 1u)] : NULL;
}

int sendq_vprintf(struct sendq *q, size_t limit, const char *fmt, va_list ap)
{
	struct msgbuf *t = tail(q), *m;
	/* The tail is ours alone, and not being written: append to it. */
	bool appendable = t && t->refs == 1 && !(q->n == 1 && q->off);
	char line[1024];
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(line, sizeof(line), fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return -1;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1; /* callers bound their lines well below this */
	if (!fits(q, (size_t)n, limit))
		return -1;
	if (appendable && msgbuf_append(t, line, (size_t)n)) {
		q->bytes += (uint32_t)n;
		total += (size_t)n;
		return 0;
	}
	m = msgbuf_new(MAX((size_t)n, PRIVATE_BUF));
	if (!m)
		return -1;
	msgbuf_append(m, line, (size_t)n);
	n = sendq_push(q, m, limit);
	msgbuf_unref(m);
	return n;
}

int sendq_printf(struct sendq *q, size_t limit, const char *fmt, ...)
{
	va_list ap;
	int rc;
	va_start(ap, fmt);
	rc = sendq_vprintf(q, limit, fmt, ap);
	va_end(ap);
	return rc;
}

static void pop(struct sendq *q)
{
	struct msgbuf *m = q->ring[q->head];
	release(q, m->len - q->off);
	q->off = 0;
	q->head = slot(q, 1);
	q->n--;
	msgbuf_unref(m);
}

static void release_if_drained(struct sendq *q)
{
	if (q->n)
		return;
	/* A fan-out reader drains its ring every turn and fills it again the
	 * next: starting at the size it reached saves the malloc, copy and
	 * free of each doubling, per recipient per turn. Capped, so one big
	 * burst does not make every later one allocate a big ring. */
	if (q->cap)
		q->hint = MIN(q->cap, SENDQ_HINT_MAX);
	free(q->ring);
	q->ring = NULL;
	q->cap = q->head = 0;
}

void sendq_drop_unsent(struct sendq *q)
{
	uint16_t keep = q->off ? 1 : 0;
	while (q->n > keep) {
		struct msgbuf *m = q->ring[slot(q, q->n - 1u)];
		release(q, m->len);
		q->n--;
		msgbuf_unref(m);
	}
	release_if_drained(q);
}

void sendq_free(struct sendq *q)
{
	while (q->n)
		pop(q);
	release_if_drained(q);
	q->bytes = 0;
}

int sendq_flush(struct sendq *q, sendq_writev_fn *fn, void *ctx)
{
	while (q->n) {
		struct iovec iov[SENDQ_IOV];
		int n = 0;
		long w;

		for (uint16_t i = 0, k = q->head; i < q->n && n < SENDQ_IOV; i++) {
			struct msgbuf *m = q->ring[k];
			size_t skip = i == 0 ? q->off : 0;
			iov[n].iov_base = m->data + skip;
			iov[n++].iov_len = m->len - skip;
			k = (uint16_t)(k + 1 == q->cap ? 0 : k + 1);
		}
		w = fn(ctx, iov, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN || errno == EWOULDBLOCK ? 1 : -1;
		}
		while (w > 0 && q->n) { /* the kernel never takes more than given */
			struct msgbuf *m = q->ring[q->head];
			/* each slot holds a reference of its own, so pop() of the
			 * slot before cannot have freed this one; the analyzer does
			 * not know a ring of CAP slots holds at most CAP */
			size_t left = m->len - q->off; // NOLINT(clang-analyzer-unix.Malloc)
			if ((size_t)w < left) {
				q->off += (uint32_t)w;
				release(q, (uint32_t)w);
				break;
			}
			w -= (long)left;
			pop(q);
		}
		if (n == SENDQ_IOV || q->n == 0)
			continue;
		return 1; /* short write: the socket is full */
	}
	release_if_drained(q);
	return 0;
}
