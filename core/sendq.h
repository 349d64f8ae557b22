/* sendq.h - shared, reference-counted message buffers and a per-connection
 * send queue of them, written with writev.
 *
 * A message for many recipients is formatted once into a struct msgbuf and
 * each recipient's queue holds a reference: fan-out costs a pointer per
 * recipient, never a copy. Replies for one connection are appended to the
 * private buffer at the queue's tail when it has room, so a burst of
 * numerics takes one queue slot. Every queue is capped in bytes. */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#define SENDQ_IOV 256/* iovecs per writev */

struct msgbuf {
	uint32_t refs;
	uint32_t len, cap; /* bytes used, bytes allocated in data[] */
	char data[];
};

/* A new buffer with room for CAP bytes and one reference; NULL if out of memory. */
struct msgbuf *msgbuf_new(size_t cap);
static inline struct msgbuf *msgbuf_ref(struct msgbuf *m) { m->refs++; return m; }
void msgbuf_unref(struct msgbuf *m);
/* printf into the free space of M; false (M unchanged) if it does not fit. */
bool msgbuf_printf(struct msgbuf *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool msgbuf_vprintf(struct msgbuf *m, const char *fmt, va_list ap);
bool msgbuf_append(struct msgbuf *m, const void *p, size_t n);

struct sendq {
	struct msgbuf **ring; /* allocated on first use, freed when drained */
	uint16_t head, n, cap;
	uint16_t hint;        /* slots the ring had when last drained: the next
			       * burst starts there instead of growing 4, 8, 16... */
	uint32_t off;         /* bytes of ring[head] already written */
	uint32_t bytes;       /* unsent bytes queued */
};

static inline bool sendq_empty(const struct sendq *q) { return q->n == 0; }

/* Every queue together: the unsent bytes they hold (a buffer shared by N
 * queues counts N times, as it does against each queue's LIMIT), and the
 * most they may hold - a global cap besides each queue's own, for the
 * server's memory budget (-m). SIZE_MAX, the start: no global cap. */
size_t sendq_total(void);
void sendq_set_total_max(size_t max);
/* Whether N more bytes pass the global cap (a push failed for that, not
 * for its queue's LIMIT, when this is false). */
bool sendq_total_fits(size_t n);
/* N bytes held for sending outside any queue (a WebSocket frame the
 * socket took in part: conn_ws.c) count in the total too, or (DROP) no
 * longer do: the budget sees every byte waiting for a socket. */
void sendq_total_hold(size_t n);
void sendq_total_drop(size_t n);

/* Queue a new reference to M. -1 if the queue would pass LIMIT bytes or
 * the global cap (nothing queued), or out of memory. LIMIT SIZE_MAX: no
 * cap at all, not even the global one (a closing client's last words). */
int sendq_push(struct sendq *q, struct msgbuf *m, size_t limit);
/* printf a private line into the queue (appended to a private tail buffer
 * when it fits). -1 as sendq_push. */
int sendq_printf(struct sendq *q, size_t limit, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int sendq_vprintf(struct sendq *q, size_t limit, const char *fmt, va_list ap);
/* Drop every queued buffer except a partly written head (so the peer
 * never sees half a line followed by another line). */
void sendq_drop_unsent(struct sendq *q);
void sendq_free(struct sendq *q);

/* Write as much as WRITEV_FN accepts. 0 when the queue is empty, 1 when
 * the peer would block, -1 on error (errno set). */
typedef long sendq_writev_fn(void *ctx, const struct iovec *iov, int n);
int sendq_flush(struct sendq *q, sendq_writev_fn *fn, void *ctx);
