/* t_conn.c - the line reader: splitting, leftovers, overlong lines,
 * holding, and telnet subnegotiations that hold CR or LF. */
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "conn.h"
#include "telnet.h"
#include "ws.h"
#include "unit.h"

static char got[8][64];
static int ngot, hold_at = -1, ncut;
static bool strip; /* do what the server does with a plain user's line */

static enum conn_verdict collect(struct conn *c, char *line, size_t len, bool cut)
{
	(void)c;
	if (ngot == hold_at) {
		hold_at = -1;
		return CONN_HOLD;
	}
	ncut += cut;
	if (strip) {
		telnet_strip(line, len);
		len = strlen(line); /* a NUL ends the line */
	}
	if (ngot < 8) {
		memcpy(got[ngot], line, len < 63 ? len : 63);
		got[ngot][len < 63 ? len : 63] = '\0';
	}
	ngot++;
	return CONN_NEXT;
}

static void on_io(struct loop *l, struct watch *w, uint32_t ev)
{
	(void)l, (void)w, (void)ev;
}

/* A loop, and C reading from one end of a socket pair; SV[1] writes. */
static void open_pair(struct loop *l, struct conn *c, int sv[2])
{
	CHECK(loop_init(l) == 0);
	CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) == 0);
	CHECK(conn_init(l, c, sv[0], on_io) == 0);
}

UNIT(conn_splits_lines_across_reads)
{
	struct loop l;
	struct conn c;
	int sv[2];
	open_pair(&l, &c, sv);
	ngot = 0;
	CHECK(write(sv[1], "one\r\ntw", 7) == 7);
	CHECK(conn_read(&l, &c, collect) == 0 && ngot == 1 && c.nleft == 2);
	CHECK(write(sv[1], "o\rthree\n\n", 9) == 9);
	CHECK(conn_read(&l, &c, collect) == 0 && ngot == 3 && c.nleft == 0 && !c.left);
	CHECK_STR(got[1], "two");
	CHECK_STR(got[2], "three");

	/* An overlong line is handed out cut, once, and the rest skipped. */
	static char big[CONN_LINE_MAX + 100];
	memset(big, 'x', sizeof(big));
	CHECK(write(sv[1], big, sizeof(big)) == (ssize_t)sizeof(big));
	CHECK(write(sv[1], "xx\nafter\n", 9) == 9);
	ngot = ncut = 0;
	while (conn_read(&l, &c, collect) == 0 && ngot < 2)
		;
	CHECK(ngot == 2 && ncut == 1);
	CHECK_STR(got[1], "after");

	/* HOLD keeps the line and the rest, and pauses until resumed. */
	ngot = 0;
	hold_at = 1;
	CHECK(write(sv[1], "a\nb\nc\n", 6) == 6);
	CHECK(conn_read(&l, &c, collect) == 0 && ngot == 1 && (c.flags & CONN_PAUSED));
	CHECK(conn_read(&l, &c, collect) == 0 && ngot == 1); /* paused: nothing read */
	CHECK(conn_resume(&l, &c, collect) == 0 && ngot == 3 && !(c.flags & CONN_PAUSED));
	CHECK_STR(got[1], "b");
	CHECK_STR(got[2], "c");

	close(sv[1]);
	CHECK(conn_read(&l, &c, collect) == -1); /* end of file */
	conn_close(&l, &c);
	CHECK(c.w.fd == -1);
	loop_free(&l);
}

#define IAC "\xff"
#define NAWS_10_13 IAC "\xfa\x1f\x00\x0a\x00\x0d" IAC "\xf0" /* 10 columns, 13 rows */

/* Write S (N bytes) in pieces of STEP and read after each. */
static void feed(struct loop *l, struct conn *c, int fd, const char *s, size_t n, size_t step)
{
	for (size_t off = 0; off < n; off += step) {
		size_t k = n - off < step ? n - off : step;
		CHECK(write(fd, s + off, k) == (ssize_t)k);
		CHECK(conn_read(l, c, collect) == 0);
	}
}

UNIT(telnet_eol_skips_subnegotiation)
{
	static const char s[] = "hel" NAWS_10_13 "lo\r\n";
	uint8_t st = TELNET_DATA;
	CHECK(telnet_eol(s, sizeof(s) - 1, &st) == sizeof(s) - 3 && st == TELNET_DATA);
	/* Cut inside the SB, the state says so, and the rest goes on. */
	st = TELNET_DATA;
	CHECK(telnet_eol(s, 8, &st) == 8 && st == TELNET_SB);
	CHECK(telnet_eol(s + 8, sizeof(s) - 9, &st) == sizeof(s) - 11);
	/* IAC CR is no command: Enter after a lone 0xff still ends the line. */
	st = TELNET_DATA;
	CHECK(telnet_eol("a\xff\r", 3, &st) == 2 && st == TELNET_DATA);
	/* The option byte of DO is whatever it is, 13 included. */
	st = TELNET_DATA;
	CHECK(telnet_eol(IAC "\xfd\x0dx\n", 5, &st) == 4);
	char t[] = "hel" NAWS_10_13 "lo";
	CHECK(telnet_strip(t, sizeof(t) - 1) == 5);
	CHECK_STR(t, "hello");
}

UNIT(telnet_naws_with_cr_lf_does_not_split_a_line)
{
	static const char in[] = "hel" NAWS_10_13 "lo\r\n" NAWS_10_13 "two\r\n";
	struct loop l;
	struct conn c;
	int sv[2];

	open_pair(&l, &c, sv);
	conn_set_telnet(&c, true);
	strip = true;
	for (size_t step = 1; step <= sizeof(in); step++) { /* every way TCP may cut it */
		ngot = 0;
		feed(&l, &c, sv[1], in, sizeof(in) - 1, step);
		CHECK(ngot == 2);
		CHECK_STR(got[0], "hello");
		CHECK_STR(got[1], "two");
	}

	/* An overlong line whose rest holds an SB with a CR: the skip goes on
	 * past it, to the real line end. */
	static char big[CONN_LINE_MAX + 10];
	memset(big, 'x', sizeof(big));
	static const char rest[] = NAWS_10_13 "x\r\nnext\r\n";
	ngot = ncut = 0;
	feed(&l, &c, sv[1], big, sizeof(big), sizeof(big));
	feed(&l, &c, sv[1], rest, sizeof(rest) - 1, 3);
	CHECK(ngot == 2 && ncut == 1);
	CHECK_STR(got[1], "next");

	/* Not telnet (an IRC client): every CR/LF ends a line, as before. */
	conn_set_telnet(&c, false);
	ngot = 0;
	feed(&l, &c, sv[1], "a\xff\xfa\rb\n", 6, 6);
	CHECK(ngot == 2);
	strip = false;
	conn_close(&l, &c);
	close(sv[1]);
	loop_free(&l);
}

/* A WebSocket frame the socket took in part is held outside the queue;
 * it still counts in the queues' total the budget (-m) reads, until it
 * is written or the connection closes. */
UNIT(conn_ws_partial_frame_counts_in_total)
{
	struct loop l;
	struct conn c;
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof(a);
	int sv[2], small = 4096, ls = socket(AF_INET, SOCK_STREAM, 0);
	size_t base = sendq_total(), held = 0;
	char buf[65536];

	/* TCP on loopback (a socket pair takes a frame whole or not at all) */
	CHECK(loop_init(&l) == 0);
	CHECK(ls >= 0 && bind(ls, (struct sockaddr *)&a, sizeof(a)) == 0 && listen(ls, 1) == 0);
	CHECK(getsockname(ls, (struct sockaddr *)&a, &alen) == 0);
	CHECK((sv[1] = socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	CHECK(setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)) == 0);
	CHECK(connect(sv[1], (struct sockaddr *)&a, sizeof(a)) == 0);
	CHECK((sv[0] = accept4(ls, NULL, NULL, SOCK_NONBLOCK)) >= 0);
	close(ls);
	CHECK(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof(small)) == 0);
	CHECK(fcntl(sv[1], F_SETFL, O_NONBLOCK) == 0);
	CHECK(conn_init(&l, &c, sv[0], on_io) == 0);
	CHECK(conn_set_ws(&c, false) == 0);
	for (int i = 0; i < 50 && !held; i++) { /* 20 KB at a time: 8 KB writes */
		for (int k = 0; k < 100; k++)
			CHECK(sendq_printf(&c.sq, SIZE_MAX, "%0200d\r\n", k) == 0);
		(void)conn_flush(&l, &c);
		held = c.ws->nout;
		CHECK(sendq_total() == base + c.sq.bytes + c.ws->nout);
	}
	CHECK(held > 0); /* the socket took a frame in part */
	while (read(sv[1], buf, sizeof(buf)) > 0)
		;
	(void)conn_flush(&l, &c);
	CHECK(sendq_total() == base + c.sq.bytes + c.ws->nout);
	conn_close(&l, &c);
	CHECK(sendq_total() == base);
	close(sv[1]);
	loop_free(&l);
}
