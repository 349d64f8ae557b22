/* fuzz_sendq.c - libFuzzer harness: the send queue every byte to a client
 * goes through (core/sendq.c), driven by a random mix of shared pushes,
 * private printf lines, short and blocked writes and drops.
 *
 * Checked: the peer's byte stream is whole items in queue order, where an
 * item may be dropped but never cut short and followed by another (the
 * "half a line" rule); the byte count matches the queue; a flush that
 * reports a full socket really met one; nothing leaks (ASan). */
#include "chatbox.h"
#include "sendq.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define OUT_MAX (1 << 22)
#define HELD_MAX 8

static char out[OUT_MAX];
static size_t nout;

struct writer {
	size_t budget;   /* bytes the "socket" takes this call; 0: EAGAIN */
	bool took_all;   /* the last call took everything offered */
};

static long fake_writev(void *ctx, const struct iovec *iov, int n)
{
	struct writer *w = ctx;
	size_t offered = 0, done = 0;

	for (int i = 0; i < n; i++)
		offered += iov[i].iov_len;
	if (w->budget == 0) {
		errno = EAGAIN;
		w->took_all = false;
		return -1;
	}
	for (int i = 0; i < n && done < w->budget; i++) {
		size_t k = MIN(iov[i].iov_len, w->budget - done);
		if (nout + k > OUT_MAX)
			abort();
		memcpy(out + nout, iov[i].iov_base, k);
		nout += k;
		done += k;
	}
	w->budget -= done;
	w->took_all = done == offered;
	return (long)done;
}

static size_t queued_bytes(const struct sendq *q)
{
	size_t sum = 0;
	for (uint16_t i = 0; i < q->n; i++)
		sum += q->ring[(q->head + i) % q->cap]->len;
	return sum - q->off;
}

/* Items look like "<id>.xxxx\n" with rising ids: parse the stream. A cut
 * item may only be the very last thing written. */
static void check_stream(bool must_end_whole)
{
	size_t p = 0;
	long last = -1;
	while (p < nout) {
		char *nl = memchr(out + p, '\n', nout - p);
		size_t e = p;
		long id = 0;
		while (e < nout && out[e] >= '0' && out[e] <= '9' && e - p < 18)
			id = id * 10 + (out[e++] - '0');
		if (e == nout && !nl) { /* the stream ends inside this item's id */
			if (must_end_whole)
				abort();
			return;
		}
		if (e == p || out[e] != '.' || id <= last)
			abort(); /* not the start of a later item: a cut one went on */
		last = id;
		if (!nl) {
			if (must_end_whole)
				abort();
			return;
		}
		p = (size_t)(nl - out) + 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sendq q = { 0 };
	struct msgbuf *held[HELD_MAX] = { 0 };
	char line[300];
	size_t limit, i = 1;
	long id = 0;

	if (size < 1)
		return 0;
	limit = ((size_t)data[0] + 1) * 48;
	nout = 0;
	while (i + 1 < size) {
		uint8_t op = data[i] % 5, arg = data[i + 1];
		i += 2;
		if (op == 0 || op == 1) {
			/* An item of arg bytes, at least its id, dot and newline. */
			int n = snprintf(line, sizeof(line), "%ld.", id++);
			size_t len = MAX((size_t)arg, (size_t)n + 1);
			memset(line + n, 'x', len - (size_t)n - 1);
			line[len - 1] = '\n';
			line[len] = '\0';
			if (op == 0) {
				/* shared: sometimes another recipient keeps a reference */
				struct msgbuf *m = msgbuf_new(len);
				if (!m || !msgbuf_append(m, line, len))
					abort();
				(void)sendq_push(&q, m, limit);
				if (held[arg % HELD_MAX] == NULL && arg & 1)
					held[arg % HELD_MAX] = m;
				else
					msgbuf_unref(m);
			} else {
				(void)sendq_printf(&q, limit, "%s", line);
			}
		} else if (op == 2) {
			struct writer w = { .budget = arg % 4 == 0 ? 0 : (size_t)arg * 3 };
			int rc = sendq_flush(&q, fake_writev, &w);
			if (rc == 0 && (q.n || q.bytes))
				abort(); /* "all written" with data left */
			if (rc == 1 && w.took_all)
				abort(); /* "socket full" though it took everything */
			if (rc < 0)
				abort();
		} else if (op == 3) {
			sendq_drop_unsent(&q);
		} else {
			msgbuf_unref(held[arg % HELD_MAX]);
			held[arg % HELD_MAX] = NULL;
		}
		if (q.bytes != queued_bytes(&q) || q.bytes > limit)
			abort();
		check_stream(false);
	}
	/* Drain: everything left goes out whole. */
	struct writer all = { .budget = SIZE_MAX };
	if (sendq_flush(&q, fake_writev, &all) != 0)
		abort();
	check_stream(true);
	sendq_free(&q);
	for (int k = 0; k < HELD_MAX; k++)
		msgbuf_unref(held[k]);
	return 0;
}
