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

/* --- the transport: plain TCP, or WebSocket (conn_ws.c) -------------------- */

const struct conn_ws_ops *conn_ws;

/* Read into rbuf after its first HAVE bytes; the bytes of lines got. */
static ssize_t conn_recv(struct conn *c, size_t have)
{
	if (c->ws)
		return conn_ws->recv(c, rbuf + have, CONN_READ_MAX);
	return read(c->w.fd, rbuf + have, CONN_READ_MAX);
}

static long conn_writev(void *ctx, const struct iovec *iov, int n)
{
	struct conn *c = ctx;
	return writev(c->w.fd, iov, n);
}

static int ws_after(struct loop *l, struct conn *c, int rc)
{
	return c->ws ? conn_ws->after(l, c, rc) : rc;
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
	return rest + conn_ws->decode(c, rest, (size_t)(end - rest));
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

void (*conn_before_write)(void);

static int flush_one(struct loop *l, struct conn *c)
{
	int rc = c->ws ? conn_ws->flush(c) : sendq_flush(&c->sq, conn_writev, c);
	if (rc >= 0)
		set_flag(l, c, CONN_WANTOUT, rc == 1);
	return rc;
}

int conn_flush(struct loop *l, struct conn *c)
{
	if (conn_before_write)
		conn_before_write();
	return flush_one(l, c);
}

void conn_flush_dirty(struct loop *l, void (*on_error)(struct conn *c))
{
	if (dirty_head && conn_before_write)
		conn_before_write();
	while (dirty_head) {
		struct conn *c = dirty_head;
		dirty_head = c->dirty_next;
		c->flags &= (uint8_t)~CONN_DIRTY;
		if (c->w.fd >= 0 && !(c->flags & CONN_WANTOUT) && flush_one(l, c) < 0)
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
		sendq_total_drop(c->ws->nout);
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
