/* conn.h - a line-oriented connection on the event loop: reads lines,
 * queues shared output, flushes it with writev, and nothing else.
 *
 * It knows nothing of IRC or of plain text. Every read goes into one
 * buffer shared by all connections; a connection keeps only the bytes of
 * an unfinished line, allocated while it exists. conn_recv() and
 * conn_writev() are the only places that touch the socket: a TLS or
 * WebSocket transport, picked by the first bytes, slots in there.
 *
 * WebSocket (conn_set_ws(), ws.h) does: each message read becomes a line,
 * each queued line goes out as a frame. Plain TCP connections pay one
 * pointer test per read and per write for it, nothing per line queued. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "loop.h"
#include "sendq.h"

#define CONN_LINE_MAX  4096  /* longer lines are cut and the rest skipped */
#define CONN_READ_MAX  16384 /* bytes read per readiness event */

enum {
	CONN_PAUSED  = 1 << 0, /* reading stopped until conn_resume() */
	CONN_SKIP    = 1 << 1, /* discarding the rest of an overlong line */
	CONN_WANTOUT = 1 << 2, /* EPOLLOUT armed: the socket was full */
	CONN_DIRTY   = 1 << 3, /* on the list of connections to flush */
	CONN_TELNET  = 1 << 4, /* lines end only outside telnet commands (telnet.h) */
	CONN_BLANK   = 1 << 5, /* hand out empty lines too; CRLF is one line end (HTTP) */
	CONN_CR      = 1 << 6, /* the last line handed out ended with a CR */
	CONN_WSNEW   = 1 << 7, /* became WebSocket in the middle of a read */
};

struct ws;

struct conn {
	struct watch w;
	struct sendq sq;
	char *left;        /* unfinished input, malloc'd; NULL when none */
	struct ws *ws;     /* the WebSocket transport's state; NULL: plain TCP */
	uint16_t nleft;
	uint8_t flags;
	uint8_t tstate;    /* telnet parser state while skipping (CONN_TELNET) */
	struct conn *dirty_next;
};

/* What a line handler tells the reader. */
enum conn_verdict {
	CONN_NEXT,  /* go on with the next line */
	CONN_HOLD,  /* keep this line and the rest; pause reading */
	CONN_GONE,  /* the connection was closed: do not touch it again */
};
/* LINE is NUL-terminated, without CR/LF; CUT if it was longer than
 * CONN_LINE_MAX (its first CONN_LINE_MAX bytes are given). */
typedef enum conn_verdict conn_line_fn(struct conn *c, char *line, size_t len, bool cut);

int conn_init(struct loop *l, struct conn *c, int fd, watch_fn *fn);
/* Split C's input the telnet way (ON) or at every CR/LF. Takes effect
 * from the next line handed out, so a handler may switch it. */
void conn_set_telnet(struct conn *c, bool on);
/* Hand out empty lines too (ON), CRLF counting as one line end: HTTP's
 * header block ends with one. Takes effect from the next line. */
void conn_set_blank_lines(struct conn *c, bool on);
/* From the byte after the current line on, C speaks WebSocket, with
 * binary frames if BINARY (else text). What is queued already (the
 * handshake's answer) still goes out as it is. 0, or -1 out of memory. */
int conn_set_ws(struct conn *c, bool binary);
/* Read once and hand each complete line to FN. 0 on success, 1 if the
 * handler said CONN_GONE, -1 on end of file or a read error (errno 0 at
 * end of file). */
int conn_read(struct loop *l, struct conn *c, conn_line_fn *fn);
/* Handle lines kept by CONN_HOLD, then read again when none is left.
 * Returns as conn_read(). */
int conn_resume(struct loop *l, struct conn *c, conn_line_fn *fn);

/* Stop reading C for good (it is closing once its queue is written). A
 * WebSocket then sends a close frame after its queue: the code of the
 * error that ended it, else WS_NORMAL (conn_pause) or CODE (ws.h's). */
void conn_pause(struct loop *l, struct conn *c);
void conn_pause_code(struct loop *l, struct conn *c, unsigned code);

/* Remember C for conn_flush_dirty(). */
void conn_mark_dirty(struct conn *c);
/* Flush every connection marked dirty; ON_ERROR is called for those whose
 * peer failed. A closed connection may stay on the list: free it only
 * after the next conn_flush_dirty(), which skips it. */
void conn_flush_dirty(struct loop *l, void (*on_error)(struct conn *c));
/* Write what C has queued: 0 all written, 1 more to write (EPOLLOUT is
 * armed), -1 on error. */
int conn_flush(struct loop *l, struct conn *c);
/* If set, called before conn_flush() and conn_flush_dirty() write
 * anything: chat-server's journal (-D) writes what it was handed, so no
 * one is sent a message that is not in the journal's file yet. */
extern void (*conn_before_write)(void);
/* Remove from the loop, close the socket (fd becomes -1), free queued data. */
void conn_close(struct loop *l, struct conn *c);

/* For conn.c and conn_ws.c only: the WebSocket transport's entry points,
 * set by the first conn_set_ws(), so that without a caller of it none of
 * the transport is linked in. */
struct conn_ws_ops {
	ssize_t (*recv)(struct conn *c, char *buf, size_t len); /* read(2)'s contract */
	int (*flush)(struct conn *c);                           /* conn_flush()'s */
	int (*after)(struct loop *l, struct conn *c, int rc);   /* conn_read()'s, after a read */
	size_t (*decode)(struct conn *c, char *p, size_t n);    /* frames in place to lines */
};
extern const struct conn_ws_ops *conn_ws;
