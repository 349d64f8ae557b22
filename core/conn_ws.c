/* conn_ws.c - the WebSocket transport of core/conn.c: frames read and
 * decoded into lines (ws.c), queued lines framed and written. conn.c
 * reaches it only through conn_ws, set by the first conn_set_ws(): a
 * build that never makes a WebSocket (SERVER_WEB off) links none of it. */
#include "chatbox.h"
#include "conn.h"
#include "ws.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

/* Frames are built here from whole queued lines, then written. Room for a
 * few lines; a line never needs more than a third of it (ws_writev). */
static char obuf[8192];

/* Read frames into BUF + 1 and decode them to BUF (LEN bytes there): the
 * lines, at most one byte ahead of the frames (ws_decode), never
 * overwrite a frame byte not yet decoded. The bytes of lines got. */
static ssize_t ws_recv(struct conn *c, char *buf, size_t len)
{
	ssize_t n = read(c->w.fd, buf + 1, len - 1);
	if (n <= 0)
		return n;
	n = (ssize_t)ws_decode(c->ws, buf + 1, (size_t)n, buf);
	if (n == 0) {
		errno = EAGAIN; /* a header, a control frame: no line yet */
		return -1;
	}
	return n;
}

/* Write P[0..N) for C, keeping in c->ws->out what the socket does not
 * take (C has nothing kept there). 0 all written, 1 some kept, -1 error. */
static int ws_send(struct conn *c, const char *p, size_t n)
{
	ssize_t w = write(c->w.fd, p, n);
	char *k;
	if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
		return -1;
	if (w < 0)
		w = 0;
	if ((size_t)w == n)
		return 0;
	if (!(k = malloc(n - (size_t)w)))
		return -1;
	memcpy(k, p + w, n - (size_t)w);
	c->ws->out = k;
	c->ws->nout = (uint16_t)(n - (size_t)w);
	sendq_total_hold(c->ws->nout);
	return 1;
}

/* Write what the last frames left: 0 when nothing is left, 1, -1. */
static int ws_send_left(struct conn *c)
{
	struct ws *w = c->ws;
	ssize_t n;
	if (!w->nout)
		return 0;
	n = write(c->w.fd, w->out, w->nout);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 1 : -1;
	sendq_total_drop((size_t)MIN((size_t)n, w->nout));
	if ((size_t)n < w->nout) {
		memmove(w->out, w->out + n, w->nout - (size_t)n);
		w->nout = (uint16_t)(w->nout - n);
		return 1;
	}
	free(w->out);
	w->out = NULL;
	w->nout = 0;
	return 0;
}

/* One queued line at P (LEN bytes up to its LF, or the end) as a frame at
 * obuf + USED; the frame's bytes, 0 if it does not fit behind others. */
static size_t ws_line(const struct ws *w, size_t used, const char *p, size_t len)
{
	size_t body = len && p[len - 1] == '\n' ? len - 1 : len, k;
	if (body && p[body - 1] == '\r')
		body--;
	k = ws_frame(w, obuf + used, sizeof(obuf) - used, p, body);
	if (!k && !used) /* never: lines are bounded far below this */
		k = ws_frame(w, obuf, sizeof(obuf), p, MIN(body, (sizeof(obuf) - 4) / 3));
	return k;
}

/* writev for a WebSocket: frames whole lines of IOV into obuf, writes
 * them, keeps what the socket did not take; the queued bytes consumed.
 * The handshake's answer (ws->raw bytes) goes first, unframed. */
static long ws_writev(struct conn *c, const struct iovec *iov, int n)
{
	struct ws *w = c->ws;
	size_t used = 0, taken = 0;
	/* (a queue cut by sendq_drop_unsent may have lost the answer's end) */
	uint32_t raw = MIN(w->raw, c->sq.bytes);
	ssize_t wr;

	for (int i = 0; i < n && used < sizeof(obuf); i++) {
		const char *p = iov[i].iov_base;
		size_t len = iov[i].iov_len, off = 0, k, line;
		while (off < len) {
			const char *nl = memchr(p + off, '\n', len - off);
			line = nl ? (size_t)(nl - (p + off)) + 1 : len - off;
			if (raw) {
				line = k = MIN(MIN(line, (size_t)raw), sizeof(obuf) - used);
				memcpy(obuf + used, p + off, k);
				raw -= (uint32_t)k;
			} else {
				k = ws_line(w, used, p + off, line);
			}
			if (!k)
				break;
			used += k;
			off += line;
			taken += line;
		}
		if (off < len)
			break;
	}
	if (!used)
		return 0;
	wr = write(c->w.fd, obuf, used);
	if (wr < 0)
		return -1; /* nothing taken: it is framed again next time */
	if ((size_t)wr < used && ws_send(c, obuf + wr, used - (size_t)wr) < 0)
		return -1;
	w->raw = raw;
	return (long)taken;
}

static long ws_writev_fn(void *ctx, const struct iovec *iov, int n)
{
	struct conn *c = ctx;
	if (c->ws->nout) {
		errno = EAGAIN;
		return -1;
	}
	return ws_writev(c, iov, n);
}

/* conn_flush for a WebSocket: the rest of a frame, a pong, the queue,
 * and at the end a close frame once the connection is closing. */
static int ws_flush(struct conn *c)
{
	struct ws *w = c->ws;
	char frame[WS_CTRL_MAX + 4];
	int rc = ws_send_left(c);

	if (rc)
		return rc;
	if (w->pong && !w->raw) { /* not before the handshake's answer */
		w->pong = false;
		if ((rc = ws_send(c, frame, ws_control(frame, WS_PONG, w->pong_data, w->pong_len))))
			return rc;
	}
	if ((rc = sendq_flush(&c->sq, ws_writev_fn, c)) || w->nout)
		return rc ? rc : 1;
	if (w->close_due && !w->close_sent) {
		uint8_t code[2] = { (uint8_t)(w->close_code >> 8), (uint8_t)w->close_code };
		w->close_sent = true;
		return ws_send(c, frame, ws_control(frame, WS_CLOSE, code, 2));
	}
	return 0;
}

/* After a WebSocket read: answer a ping now, and end at a close frame or
 * a protocol error once the lines before it are handled. */
static int ws_after(struct loop *l, struct conn *c, int rc)
{
	struct ws *w = c->ws;
	if (!w || rc != 0)
		return rc;
	if (w->pong && conn_flush(l, c) < 0)
		return -1;
	if (w->closed && !(c->flags & CONN_PAUSED)) {
		errno = w->err;
		return -1;
	}
	return 0;
}

static size_t ws_decode_rest(struct conn *c, char *p, size_t n)
{
	return ws_decode(c->ws, p, n, p);
}

static const struct conn_ws_ops ops = {
	.recv = ws_recv, .flush = ws_flush, .after = ws_after, .decode = ws_decode_rest,
};

int conn_set_ws(struct conn *c, bool binary)
{
	struct ws *w = calloc(1, sizeof(*w));
	if (!w)
		return -1;
	conn_ws = &ops;
	w->binary = binary;
	w->raw = c->sq.bytes;
	w->skip_lf = c->flags & CONN_CR;
	c->ws = w;
	c->flags = (uint8_t)((c->flags & ~(CONN_BLANK | CONN_TELNET)) | CONN_WSNEW);
	return 0;
}
