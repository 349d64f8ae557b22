/* t_conn.c - the line reader: splitting, leftovers, overlong lines, holding. */
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "conn.h"
#include "unit.h"

static char got[8][64];
static int ngot, hold_at = -1, ncut;

static enum conn_verdict collect(struct conn *c, char *line, size_t len, bool cut)
{
	(void)c;
	if (ngot == hold_at) {
		hold_at = -1;
		return CONN_HOLD;
	}
	ncut += cut;
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

UNIT(conn_splits_lines_across_reads)
{
	struct loop l;
	struct conn c;
	int sv[2];
	CHECK(loop_init(&l) == 0);
	CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) == 0);
	CHECK(conn_init(&l, &c, sv[0], on_io) == 0);
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
