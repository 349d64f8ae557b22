/* fuzz_plain.c - libFuzzer harness: the server's input path for plain-text
 * and telnet users - the line reader (core/conn.c, over a real socketpair,
 * the input cut into chunks as TCP may) and telnet_strip (core/telnet.c).
 *
 * Input: byte 0 picks chunk sizes and (its low bit) telnet-aware line
 * splitting, byte 1 when the handler holds a line (CONN_HOLD, then
 * conn_resume); the rest is the byte stream. */
#include "chatbox.h"
#include "conn.h"
#include "telnet.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned hold_every, nlines;
static size_t total;
static bool telnet;

static enum conn_verdict on_line(struct conn *c, char *line, size_t len, bool cut)
{
	(void)c;
	if (len > CONN_LINE_MAX || line[len] != '\0' || (cut && len != CONN_LINE_MAX))
		abort();
	/* Split the telnet way, a line may hold CR/LF inside IAC SB ... IAC SE
	 * only, and telnet_strip() must drop every one of them. */
	if (!telnet && (memchr(line, '\n', len) || memchr(line, '\r', len)))
		abort();
	if (hold_every && ++nlines % hold_every == 0)
		return CONN_HOLD;
	total += len;
	char *copy = malloc(len + 1);
	if (!copy)
		return CONN_NEXT;
	memcpy(copy, line, len + 1);
	size_t n = telnet_strip(copy, len);
	if (n > len || memchr(copy, '\n', n) || memchr(copy, '\r', n))
		abort();
	free(copy);
	return CONN_NEXT;
}

static void nop(struct loop *l, struct watch *w, uint32_t ev)
{
	(void)l, (void)w, (void)ev;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct loop l;
	static bool ready;
	struct conn c;
	int sv[2];

	if (size < 2)
		return 0;
	if (!ready) {
		if (loop_init(&l) != 0)
			abort();
		ready = true;
	}
	size_t chunk = (size_t)data[0] * 97 + 1;
	telnet = data[0] & 1;
	hold_every = data[1] % 4 ? 0 : data[1] / 4 + 2;
	nlines = 0;
	total = 0;
	data += 2, size -= 2;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) != 0)
		abort();
	if (conn_init(&l, &c, sv[0], nop) != 0)
		abort();
	conn_set_telnet(&c, telnet);
	for (size_t off = 0; off < size;) {
		size_t n = MIN(chunk, size - off);
		ssize_t w = write(sv[1], data + off, n);
		if (w <= 0)
			abort();
		off += (size_t)w;
		/* Read until the socket is empty, resuming held lines. */
		for (int k = 0; k < 1000; k++) {
			int pending = 0;
			if (!(c.flags & CONN_PAUSED) &&
			    (ioctl(sv[0], FIONREAD, &pending) != 0 || pending == 0))
				break;
			int rc = (c.flags & CONN_PAUSED) ? conn_resume(&l, &c, on_line)
							 : conn_read(&l, &c, on_line);
			if (rc != 0)
				abort();
		}
	}
	if (total > size)
		abort(); /* lines are pieces of the input, never more */
	close(sv[1]);
	conn_close(&l, &c);
	return 0;
}
