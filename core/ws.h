/* ws.h - WebSocket framing (RFC 6455) for a line-oriented connection:
 * client frames decoded into lines, lines encoded into server frames.
 *
 * Each message carries one line (the IRCv3 WebSocket specification): a
 * decoded message comes out as its payload and a '\n', so conn.c's line
 * splitter hands it on as it does a TCP line. Control frames are answered
 * by conn.c from what the decoder leaves here (a pong to send, a close
 * code). Everything is bounded: frames, messages and control payloads. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WS_FRAME_MAX 4096 /* payload of one frame */
#define WS_MSG_MAX   4096 /* a whole message: one IRC line, its tags included */
#define WS_CTRL_MAX  125  /* a control frame's payload (RFC 6455 5.5) */
#define WS_HDR_MAX   14

enum { WS_CONT = 0, WS_TEXT = 1, WS_BINARY = 2, WS_CLOSE = 8, WS_PING = 9, WS_PONG = 10 };
enum {
	WS_NORMAL = 1000, WS_GOING_AWAY = 1001, WS_PROTOCOL = 1002, WS_BAD_DATA = 1007,
	WS_POLICY = 1008, WS_TOO_BIG = 1009,
};

struct ws {
	/* decoder: the frame being read */
	uint8_t hdr[WS_HDR_MAX], nhdr, hdr_need;
	uint8_t op;         /* this frame's opcode */
	uint8_t msg_op;     /* WS_TEXT or WS_BINARY while a message is open, else 0 */
	bool fin, in_frame, skip_lf;
	uint8_t mask[4], mpos;
	uint32_t left;      /* payload bytes of this frame still to come */
	uint32_t msglen;    /* payload bytes of the open message so far */
	uint8_t u_need, u_lo, u_hi; /* UTF-8 validation across frames */
	uint8_t ctrl[WS_CTRL_MAX], nctrl;
	/* for conn.c: what to answer */
	bool closed;        /* no more input: a close frame came, or an error */
	int err;            /* errno for the log: 0 (closed by the peer), EPROTO... */
	uint16_t close_code; /* the code our close frame says */
	bool pong;          /* a pong of ctrl-sized pong_data is due */
	uint8_t pong_len, pong_data[WS_CTRL_MAX];
	/* encoder */
	bool binary;        /* binary.ircv3.net: binary frames, bytes as they are */
	bool close_due, close_sent;
	uint32_t raw;       /* queued bytes to pass as they are (the 101 answer) */
	char *out;          /* a frame written in part, malloc'd; NULL when none */
	uint16_t nout;
};

/* Decode N wire bytes at IN into OUT: each complete message's payload and
 * a '\n'. OUT may be IN, or start at most one byte before it: the output
 * never overtakes the input by more than the one byte that a frame header
 * left by the previous call can make. The bytes written; on an error or a
 * close frame it stops there with W->closed set. */
size_t ws_decode(struct ws *w, const char *in, size_t n, char *out);

/* Frame the line P[0..N) (its CR/LF left out by the caller) into DST of
 * CAP bytes: the bytes written, or 0 if the frame does not fit. A text
 * frame gets U+FFFD in place of invalid UTF-8, as browsers insist on. */
size_t ws_frame(const struct ws *w, char *dst, size_t cap, const char *p, size_t n);
/* A control frame OP with payload P[0..N) (N <= WS_CTRL_MAX) into DST
 * (WS_CTRL_MAX + 4 bytes); its length. */
size_t ws_control(char *dst, int op, const void *p, size_t n);
