/* fuzz_ws.c - libFuzzer harness: WebSocket input and output through the
 * real transport (core/conn.c over a socketpair, core/ws.c), the input cut
 * into chunks as TCP may. A connection may start as HTTP (CONN_BLANK
 * lines) and turn WebSocket at its first empty line, frames following in
 * the same read. Every line must be one message: no CR/LF, within
 * WS_MSG_MAX. Lines queued for the peer are written back and the frames
 * checked: unmasked, whole, text frames valid UTF-8, a close frame last.
 *
 * Input: byte 0 picks chunk sizes, byte 1 the mode (bit 0 binary frames
 * out, bit 1 an HTTP head first, bit 2 echo each line back); the rest is
 * the byte stream. */
#include "chatbox.h"
#include "conn.h"
#include "utf8.h"
#include "ws.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool binary, echo;
static size_t total;

static enum conn_verdict on_line(struct conn *c, char *line, size_t len, bool cut)
{
	if (len > CONN_LINE_MAX || line[len] != '\0' || (cut && len != CONN_LINE_MAX))
		abort();
	if (!c->ws) {
		if (!len && conn_set_ws(c, binary) != 0)
			abort();
		return CONN_NEXT;
	}
	if (len > WS_MSG_MAX || cut || memchr(line, '\n', len) || memchr(line, '\r', len))
		abort();
	total += len;
	if (echo && sendq_printf(&c->sq, 1 << 20, "%s\r\n", line) != 0)
		abort();
	return CONN_NEXT;
}

static void nop(struct loop *l, struct watch *w, uint32_t ev)
{
	(void)l, (void)w, (void)ev;
}

static bool valid_utf8(const uint8_t *p, size_t n)
{
	uint32_t cp;
	for (size_t i = 0; i < n;) {
		size_t k = utf8_decode((const char *)p + i, n - i, &cp);
		if (cp == UTF8_BAD && k == 1)
			return false;
		i += k;
	}
	return true;
}

/* What the server wrote: frames (after the handshake-free start), checked. */
static void check_output(int fd, bool closing)
{
	static uint8_t out[1 << 21];
	size_t n = 0, i = 0;
	ssize_t r;
	bool closed = false;
	while (n < sizeof(out) && (r = read(fd, out + n, sizeof(out) - n)) > 0)
		n += (size_t)r;
	while (i < n) {
		if (n - i < 2 || closed)
			abort(); /* half a frame, or something after the close */
		uint8_t b0 = out[i], b1 = out[i + 1];
		size_t len = b1 & 0x7F, h = 2;
		if (!(b0 & 0x80) || (b0 & 0x70) || (b1 & 0x80) || len == 127)
			abort();
		if (len == 126) {
			if (n - i < 4)
				abort();
			len = (size_t)out[i + 2] << 8 | out[i + 3], h = 4;
		}
		if (n - i - h < len)
			abort();
		if ((b0 & 0x0F) == WS_TEXT && !valid_utf8(out + i + h, len))
			abort();
		closed = (b0 & 0x0F) == WS_CLOSE;
		i += h + len;
	}
	if (closing && !closed)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct loop l;
	static bool ready;
	struct conn c;
	int sv[2], rc = 0;

	if (size < 2)
		return 0;
	if (!ready) {
		if (loop_init(&l) != 0)
			abort();
		ready = true;
	}
	size_t chunk = (size_t)data[0] * 61 + 1;
	binary = data[1] & 1;
	echo = data[1] & 4;
	total = 0;
	data += 2, size -= 2;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) != 0)
		abort();
	if (conn_init(&l, &c, sv[0], nop) != 0)
		abort();
	if (data[-1] & 2)
		conn_set_blank_lines(&c, true);
	else if (conn_set_ws(&c, binary) != 0)
		abort();
	for (size_t off = 0; off < size && rc == 0;) {
		size_t n = MIN(chunk, size - off);
		ssize_t w = write(sv[1], data + off, n);
		if (w <= 0)
			abort();
		off += (size_t)w;
		for (int k = 0; k < 1000 && rc == 0; k++) {
			int pending = 0;
			if (ioctl(sv[0], FIONREAD, &pending) != 0 || pending == 0)
				break;
			rc = conn_read(&l, &c, on_line);
			if (rc != 0 && !(rc == -1 && c.ws && c.ws->closed))
				abort(); /* only a close frame or an error ends it */
			if (conn_flush(&l, &c) < 0)
				abort();
			check_output(sv[1], false);
		}
	}
	if (total > size)
		abort(); /* lines are pieces of the input, never more */
	if (c.ws) {
		conn_pause(&l, &c);
		if (conn_flush(&l, &c) != 0)
			abort();
		check_output(sv[1], true);
	}
	close(sv[1]);
	conn_close(&l, &c);
	return 0;
}
