/* t_budget.c - the server's memory budget (-m): history yields, rooms and
 * topics are refused, queues are capped by what the rest leaves. */
#include <stdint.h>
#include <stdio.h>

#include "server/history.h"
#include "sendq.h"
#include "server/budget.h"
#include "unit.h"

static struct event *msg_event(int i)
{
	char text[64];
	snprintf(text, sizeof(text), "message %d", i);
	return event_new(EV_PRIVMSG, "nick", "user@host", "#room", "", text, NULL);
}

UNIT(history_drops_the_oldest_of_all_rooms)
{
	struct history a, b;
	size_t before = history_bytes();
	history_init(&a, 3);
	history_init(&b, 3);
	for (int i = 0; i < 6; i++) { /* a gets 0 2 4, b gets 1 3 5 */
		struct event *e = msg_event(i);
		CHECK(e && history_add(i % 2 ? &b : &a, e) == 0);
		CHECK(history_add(i % 2 ? &a : &b, e) == -1); /* kept by one history only */
		event_unref(e);
	}
	CHECK(history_bytes() > before && a.n == 3 && b.n == 3);
	size_t n = a.n + b.n;
	CHECK(history_drop_oldest() > 0 && a.n + b.n == n - 1);
	CHECK_STR(history_get(&a, 0)->text, "message 2");
	history_free(&a);
	history_free(&b);
	CHECK(history_bytes() == before);
}

UNIT(budget_history_yields_to_rooms_and_queues)
{
	struct budget bg;
	struct history h;
	struct sendq q = { 0 };
	size_t hist0 = history_bytes(), q0 = sendq_total();

	budget_init(&bg, 64 * 1024 + hist0 + q0);
	history_init(&h, 1000);
	for (int i = 0; i < 1000; i++) { /* far more than fits: oldest go first */
		struct event *e = msg_event(i);
		CHECK(e && history_add(&h, e) == 0);
		event_unref(e);
		budget_settle(&bg);
	}
	CHECK(budget_total(&bg) <= bg.limit);
	CHECK(h.n > 10 && h.n < 1000);
	CHECK_STR(history_get(&h, h.n - 1)->text, "message 999");
	unsigned kept = h.n;

	/* A room charge takes history's place; history never refuses it. */
	CHECK(budget_charge(&bg, BUDGET_ROOMS, 16 * 1024));
	CHECK(h.n < kept && budget_used(&bg, BUDGET_ROOMS) == 16 * 1024);
	/* Past 7/8 of the budget, rooms and topics are refused; nothing is
	 * charged then, and the refusal costs no history (a hostile client
	 * repeating it must not wipe every room's). */
	unsigned before = h.n;
	CHECK(!budget_charge(&bg, BUDGET_TOPICS, 50 * 1024));
	CHECK(h.n == before && budget_used(&bg, BUDGET_TOPICS) == 0);
	history_free(&h); /* the queues' turn: no history left to yield */
	history_init(&h, 1000);
	budget_settle(&bg);

	/* Queues may use what rooms and topics leave, not more. */
	struct msgbuf *m = msgbuf_new(1024);
	CHECK(m && msgbuf_append(m, (char[1024]){ 0 }, 1024));
	int pushed = 0;
	while (sendq_push(&q, m, SIZE_MAX - 1) == 0 && pushed < 1000)
		pushed++;
	CHECK(pushed >= 40 && pushed < 50); /* 48 KiB left over the 16 KiB room */
	CHECK(!budget_queue_room(&bg, 1024));
	budget_release(&bg, BUDGET_ROOMS, 16 * 1024);
	CHECK(sendq_push(&q, m, SIZE_MAX - 1) == 0);
	sendq_free(&q);
	msgbuf_unref(m);
	history_free(&h);
	budget_init(&bg, SIZE_MAX); /* no cap for the tests after this one */
	sendq_set_total_max(SIZE_MAX);
}
