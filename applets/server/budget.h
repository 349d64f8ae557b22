/* budget.h - the server's memory budget (-m): one bound on what it holds
 * for rooms, topics, history and send queues together.
 *
 * A ledger: rooms and topics are charged and released here; history
 * (history.c) and send queues (core/sendq.c) count themselves, and
 * the budget reads their totals. Who gives way when it is reached:
 *   - history first, always: its oldest message of all goes, so history
 *     never makes anything fail, it yields to live use;
 *   - a new room or topic is refused (budget_charge() is false) when
 *     rooms, topics and history could not be kept within all but the last
 *     1/BUDGET_QUEUE_SHARE of the budget, kept for queues - whatever the
 *     queues hold at that moment, so a refusal does not come and go with
 *     them;
 *   - a send queue past the budget: the caller overflows the slowest
 *     reader, as a queue past its own -Q cap does. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define BUDGET_DEFAULT_KIB 8192
#define BUDGET_MIN_KIB     256
#define BUDGET_MAX_KIB     1048576
#define BUDGET_QUEUE_SHARE 8 /* 1/8 of the budget only queues and history use */

/* BUDGET_ACCOUNTS: accounts, founders, messages kept for the offline, read
 * markers (account.c, pending.c) */
enum budget_kind { BUDGET_ROOMS, BUDGET_TOPICS, BUDGET_ACCOUNTS, BUDGET_HISTORY, BUDGET_QUEUES, BUDGET_KINDS };

struct budget {
	size_t limit;
	size_t held[BUDGET_HISTORY]; /* rooms, topics, accounts: charged here */
};

/* LIMIT bytes; sets the send queues' global cap. */
void budget_init(struct budget *b, size_t limit);
/* Bytes held for K; all kinds together. */
size_t budget_used(const struct budget *b, enum budget_kind k);
size_t budget_total(const struct budget *b);
/* Charge N bytes to K (rooms or topics), dropping history to make room;
 * false, nothing charged, when even without history they do not fit. */
bool budget_charge(struct budget *b, enum budget_kind k, size_t n);
void budget_release(struct budget *b, enum budget_kind k, size_t n);
/* After history grew: drop its oldest until all fits again. */
void budget_settle(struct budget *b);
/* Make room for N more queued bytes, dropping history; false if even
 * without any history they do not fit. */
bool budget_queue_room(struct budget *b, size_t n);
