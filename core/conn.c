/* conn.c - line-oriented connections: shared read buffer, writev output. */
#include "conn.h"
#include "chatbox.h"
#include "telnet.h"
#include "ws.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

/* Every connection reads here: its unfinished line first, then new bytes. */
static char rbuf[CONN_LINE_MAX + CONN_READ_MAX + 1];
static struct conn *dirty_head;

static uint32_t interest(const struct conn *c)
{
	return (c->flags & CONN_PAUSED ? 0 : EPOLLIN) | (c->flags & CONN_WANTOUT ? EPOLLOUT : 0);
}

int conn_init(struct loop *l, struct conn *c, int fd, watch_fn *fn)
{
	memset(c, 0, sizeof(*c));
	return loop_add(l, &c->w, fd, fn, EPOLLIN);
}

static void set_flag(struct loop *l, struct conn *c, uint8_t flag, bool on)
{
	uint32_t before = interest(c);
	if (on)
		c->flags |= flag;
	else
		c->flags &= (uint8_t)~flag;
	if (interest(c) != before && c->w.fd >= 0)
		loop_mod(l, &c->w, interest(c));
}

/* --- the transports: plain TCP, WebSocket ------------------------------- */

/* Frames are built here from whole queued lines, then written. Room for a
 * few lines; a line never needs more than a third of it (ws_writev). */
static char obuf[8192];

/* Read into rbuf after its first HAVE bytes; the bytes of lines got. */
static ssize_t conn_recv(struct conn *c, size_t have)
{
	ssize_t n;
	if (!c->ws)
		return read(c->w.fd, rbuf + have, CONN_READ_MAX);
	/* Frames are read one byte further on and decoded to rbuf + HAVE: the
	 * lines, at most one byte ahead of the frames (ws_decode), never
	 * overwrite a frame byte not yet decoded. */
	n = read(c->w.fd, rbuf + have + 1, CONN_READ_MAX - 1);
	if (n <= 0)
		return n;
	n = (ssize_t)ws_decode(c->ws, rbuf + have + 1, (size_t)n, rbuf + have);
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
	uint32_t raw = w->raw;
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

static long conn_writev(void *ctx, const struct iovec *iov, int n)
{
	struct conn *c = ctx;
	if (c->ws)
		return c->ws->nout ? (errno = EAGAIN, -1) : ws_writev(c, iov, n);
	return writev(c->w.fd, iov, n);
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
	if ((rc = sendq_flush(&c->sq, conn_writev, c)) || w->nout)
		return rc ? rc : 1;
	if (w->close_due && !w->close_sent) {
		uint8_t code[2] = { (uint8_t)(w->close_code >> 8), (uint8_t)w->close_code };
		w->close_sent = true;
		return ws_send(c, frame, ws_control(frame, WS_CLOSE, code, 2));
	}
	return 0;
}

int conn_set_ws(struct conn *c, bool binary)
{
	struct ws *w = calloc(1, sizeof(*w));
	if (!w)
		return -1;
	w->binary = binary;
	w->raw = c->sq.bytes;
	w->skip_lf = c->flags & CONN_CR;
	c->ws = w;
	c->flags = (uint8_t)((c->flags & ~(CONN_BLANK | CONN_TELNET)) | CONN_WSNEW);
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

/* --- lines ------------------------------------------------------------------ */

/* Keep BUF[0..N) for later. */
static int keep(struct conn *c, const char *buf, size_t n)
{
	if (n == 0) {
		free(c->left);
		c->left = NULL;
		c->nleft = 0;
		return 0;
	}
	char *p = realloc(c->left, n);
	if (!p)
		return -1;
	memmove(p, buf, n);
	c->left = p;
	c->nleft = (uint16_t)n;
	return 0;
}

void conn_set_telnet(struct conn *c, bool on)
{
	if (on)
		c->flags |= CONN_TELNET;
	else
		c->flags &= (uint8_t)~CONN_TELNET;
	c->tstate = TELNET_DATA;
}

/* Bytes of P[0..N) before the first line end (N if none), from telnet
 * state *ST when C splits the telnet way. */
static size_t line_end(const struct conn *c, const char *p, size_t n, uint8_t *st)
{
	size_t i = 0;
	if (c->flags & CONN_TELNET)
		return telnet_eol(p, n, st);
	while (i < n && p[i] != '\n' && p[i] != '\r')
		i++;
	return i;
}

static void set_cr(struct conn *c, bool cr)
{
	if (cr)
		c->flags |= CONN_CR;
	else
		c->flags &= (uint8_t)~CONN_CR;
}

/* C became a WebSocket with its handshake's last line: the bytes after it
 * in this read, REST..END, are frames (sent before our answer, which a
 * client should not do). Decode them in place; the new end. */
static char *ws_rest(struct conn *c, char *rest, char *end)
{
	c->flags &= (uint8_t)~CONN_WSNEW;
	if (rest >= end)
		return end;
	return rest + ws_decode(c->ws, rest, (size_t)(end - rest), rest);
}

/* Split rbuf[0..n) into lines for FN. */
static int process(struct loop *l, struct conn *c, size_t n, conn_line_fn *fn)
{
	char *p = rbuf, *end = rbuf + n;

	while (p < end) {
		if (c->flags & CONN_SKIP) {
			/* The telnet state goes on across reads: a CR inside an
			 * IAC SB of the skipped rest must not end it. */
			size_t k = line_end(c, p, (size_t)(end - p), &c->tstate);
			if (p + k == end) {
				p = end;
				break;
			}
			c->flags &= (uint8_t)~CONN_SKIP;
			set_cr(c, p[k] == '\r');
			p += k + 1;
			continue;
		}
		/* A line starts outside any telnet command: it ended outside one. */
		uint8_t st = TELNET_DATA;
		size_t room = MIN((size_t)(end - p), (size_t)CONN_LINE_MAX + 1);
		size_t len = line_end(c, p, room, &st);
		bool cut = len > CONN_LINE_MAX;
		if (len == (size_t)(end - p) && !cut)
			break; /* unfinished: keep it */
		if (cut) {
			len = CONN_LINE_MAX;
			/* The line goes on past what we hand out: skip the rest,
			 * from after the byte already scanned, in state ST. */
			c->flags |= CONN_SKIP;
			c->tstate = st;
		}
		char save = p[len];
		/* The LF of a CRLF ends nothing; the CR ended the line before. */
		bool lf_of_crlf = !len && save == '\n' && (c->flags & CONN_CR);
		if (!cut)
			set_cr(c, save == '\r');
		p[len] = '\0';
		if (len || cut || ((c->flags & CONN_BLANK) && !lf_of_crlf)) {
			enum conn_verdict v = fn(c, p, len, cut);
			if (v == CONN_GONE)
				return 1;
			if (v == CONN_HOLD) {
				p[len] = save;
				if (cut) /* hand the cut line out again later, as cut */
					c->flags &= (uint8_t)~CONN_SKIP;
				if (keep(c, p, (size_t)(end - p)) != 0)
					return -1;
				set_flag(l, c, CONN_PAUSED, true);
				return 0;
			}
			if (c->flags & CONN_WSNEW)
				end = ws_rest(c, p + len + 1, end);
		}
		p += len + 1; /* past the line end, or the scanned byte after a cut line */
	}
	if (keep(c, p, (size_t)(end - p)) != 0)
		return -1;
	set_flag(l, c, CONN_PAUSED, false);
	return 0;
}

int conn_read(struct loop *l, struct conn *c, conn_line_fn *fn)
{
	size_t have = c->nleft;
	ssize_t n;

	if (c->flags & CONN_PAUSED || c->w.fd < 0)
		return 0; /* an event fetched before reading was paused */
	if (have)
		memcpy(rbuf, c->left, have);
	n = conn_recv(c, have);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return ws_after(l, c, 0);
	if (n <= 0) {
		if (n == 0)
			errno = 0;
		return -1;
	}
	return ws_after(l, c, process(l, c, have + (size_t)n, fn));
}

int conn_resume(struct loop *l, struct conn *c, conn_line_fn *fn)
{
	size_t have = c->nleft;
	if (have)
		memcpy(rbuf, c->left, have);
	return ws_after(l, c, process(l, c, have, fn));
}

void conn_pause_code(struct loop *l, struct conn *c, unsigned code)
{
	set_flag(l, c, CONN_PAUSED, true);
	if (c->ws && !c->ws->close_due) {
		c->ws->close_due = true;
		if (!c->ws->closed)
			c->ws->close_code = (uint16_t)(code ? code : WS_NORMAL);
	}
}

void conn_pause(struct loop *l, struct conn *c)
{
	conn_pause_code(l, c, 0);
}

void conn_mark_dirty(struct conn *c)
{
	if (c->flags & CONN_DIRTY)
		return;
	c->flags |= CONN_DIRTY;
	c->dirty_next = dirty_head;
	dirty_head = c;
}

int conn_flush(struct loop *l, struct conn *c)
{
	int rc = c->ws ? ws_flush(c) : sendq_flush(&c->sq, conn_writev, c);
	if (rc >= 0)
		set_flag(l, c, CONN_WANTOUT, rc == 1);
	return rc;
}

void conn_flush_dirty(struct loop *l, void (*on_error)(struct conn *c))
{
	while (dirty_head) {
		struct conn *c = dirty_head;
		dirty_head = c->dirty_next;
		c->flags &= (uint8_t)~CONN_DIRTY;
		if (c->w.fd >= 0 && !(c->flags & CONN_WANTOUT) && conn_flush(l, c) < 0)
			on_error(c);
	}
}

void conn_close(struct loop *l, struct conn *c)
{
	if (c->w.fd >= 0) {
		loop_del(l, &c->w);
		close(c->w.fd);
		c->w.fd = -1;
	}
	sendq_free(&c->sq);
	free(c->left);
	c->left = NULL;
	c->nleft = 0;
	if (c->ws) {
		free(c->ws->out);
		free(c->ws);
		c->ws = NULL;
	}
}

void conn_set_blank_lines(struct conn *c, bool on)
{
	if (on)
		c->flags |= CONN_BLANK;
	else
		c->flags &= (uint8_t)~CONN_BLANK;
}
