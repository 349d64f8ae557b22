/* t_sendq.c - shared buffers, the capped send queue, history, names, telnet. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>

#include "server/history.h"
#include "nametab.h"
#include "sendq.h"
#include "telnet.h"
#include "unit.h"

/* A fake peer that accepts at most `room` bytes per call. */
struct sink {
	char out[4096];
	size_t len, room;
	int calls;
};

static long sink_writev(void *ctx, const struct iovec *iov, int n)
{
	struct sink *s = ctx;
	size_t took = 0;
	s->calls++;
	if (!s->room) {
		errno = EAGAIN;
		return -1;
	}
	for (int i = 0; i < n && took < s->room; i++) {
		size_t k = iov[i].iov_len < s->room - took ? iov[i].iov_len : s->room - took;
		memcpy(s->out + s->len + took, iov[i].iov_base, k);
		took += k;
	}
	s->len += took;
	return (long)took;
}

UNIT(sendq_shares_and_caps)
{
	struct sendq a = { 0 }, b = { 0 };
	struct msgbuf *m = msgbuf_new(16);
	struct sink s = { .room = 3 };
	CHECK(m && msgbuf_printf(m, "hello\r\n"));
	CHECK(sendq_push(&a, m, 100) == 0 && sendq_push(&b, m, 100) == 0);
	CHECK(m->refs == 3);
	CHECK(sendq_push(&a, m, 10) == -1); /* 7 queued + 7 > 10 */
	CHECK(a.bytes == 7);
	CHECK(sendq_flush(&a, sink_writev, &s) == 1 && s.len == 3 && a.off == 3);
	CHECK(sendq_printf(&a, 100, "x %d\r\n", 1) == 0);
	sendq_drop_unsent(&a); /* keeps the partly written head only */
	CHECK(a.n == 1 && a.bytes == 4);
	s.room = 1000;
	CHECK(sendq_flush(&a, sink_writev, &s) == 0);
	CHECK(s.len == 7 && memcmp(s.out, "hello\r\n", 7) == 0);
	CHECK(a.ring == NULL && m->refs == 2);
	sendq_free(&b);
	CHECK(m->refs == 1);
	msgbuf_unref(m);
}

UNIT(sendq_private_replies_coalesce)
{
	struct sendq q = { 0 };
	struct sink s = { .room = 4096 };
	for (int i = 0; i < 20; i++)
		CHECK(sendq_printf(&q, 4096, ":srv 372 me :line %d\r\n", i) == 0);
	CHECK(q.n == 1); /* one private buffer, not twenty */
	CHECK(sendq_flush(&q, sink_writev, &s) == 0 && s.calls == 1);
	CHECK(strncmp(s.out, ":srv 372 me :line 0\r\n:srv 372 me :line 1\r\n", 42) == 0);
}

UNIT(sendq_many_messages_wrap)
{
	struct sendq q = { 0 };
	struct sink s = { .room = 5 };
	struct msgbuf *m = msgbuf_new(4);
	msgbuf_append(m, "abcd", 4);
	for (int i = 0; i < 300; i++)
		CHECK(sendq_push(&q, m, 1 << 20) == 0);
	while (q.n) {
		int rc = sendq_flush(&q, sink_writev, &s);
		CHECK(rc >= 0);
		if (s.len > 4000)
			s.len = 0;
	}
	CHECK(m->refs == 1 && q.bytes == 0);
	msgbuf_unref(m);
}

UNIT(sendq_counts_every_queue_and_obeys_the_global_cap)
{
	struct sendq a = { 0 }, b = { 0 };
	struct sink s = { .room = 2 };
	struct msgbuf *m = msgbuf_new(16);
	size_t before = sendq_total();
	CHECK(m && msgbuf_printf(m, "abcdef\r\n"));
	CHECK(sendq_push(&a, m, 100) == 0 && sendq_push(&b, m, 100) == 0);
	CHECK(sendq_total() == before + 16); /* shared, yet counted per queue */
	sendq_set_total_max(before + 20);
	CHECK(!sendq_total_fits(5) && sendq_total_fits(4));
	CHECK(sendq_push(&a, m, 100) == -1 && a.bytes == 8); /* the global cap */
	CHECK(sendq_printf(&a, 100, "12345\r\n") == -1);
	CHECK(sendq_printf(&a, SIZE_MAX, "last\r\n") == 0); /* last words pass */
	CHECK(sendq_total() == before + 22);
	CHECK(sendq_flush(&a, sink_writev, &s) == 1 && sendq_total() == before + 20);
	sendq_drop_unsent(&a);
	CHECK(sendq_total() == before + 14 && a.bytes == 6);
	s.room = 100;
	CHECK(sendq_flush(&a, sink_writev, &s) == 0);
	sendq_free(&b);
	CHECK(sendq_total() == before);
	sendq_set_total_max(SIZE_MAX);
	msgbuf_unref(m);
}

UNIT(history_keeps_the_last)
{
	struct history h;
	history_init(&h, 3);
	for (int i = 0; i < 5; i++) {
		char t[8] = { (char)('0' + i), 0 };
		struct event *e = event_new(EV_PRIVMSG, "n", "u@h", "#r", "", t, NULL);
		CHECK(e && history_add(&h, e) == 0);
		event_unref(e);
	}
	CHECK(h.n == 3);
	CHECK_STR(history_get(&h, 0)->text, "2");
	CHECK_STR(history_get(&h, 2)->text, "4");
	history_free(&h);
}

struct named {
	struct name_node node;
	char name[16];
};

UNIT(nametab_casemapping)
{
	struct nametab t = { 0 };
	static struct named items[200];
	for (int i = 0; i < 200; i++) {
		snprintf(items[i].name, sizeof(items[i].name), "Nick[%d]", i);
		CHECK(nametab_add(&t, &items[i].node, items[i].name) == 0);
	}
	CHECK(nametab_find(&t, "nick{150}") == &items[150].node);
	nametab_del(&t, &items[150].node);
	CHECK(nametab_find(&t, "NICK[150]") == NULL && t.n == 199);
	CHECK(nametab_find(&t, "nick{199}") == &items[199].node);
	nametab_free(&t);
}

UNIT(telnet_strip_negotiation)
{
	char s[] = "\xff\xfd\x01hi\xff\xfa\x18\x00xterm\xff\xf0 there\xff\xff!";
	size_t n = telnet_strip(s, sizeof(s) - 1);
	CHECK(n == 10 && memcmp(s, "hi there\xff!", 10) == 0);
}
