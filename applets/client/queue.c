/* queue.c - the lines typed, kept until the server confirmed them. */
#include "client.h"
#include "textsafe.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Send TEXT to TARGET in pieces that fit a relayed IRC line. */
static void send_text(const char *target, const char *text, bool action)
{
	size_t n = strlen(text);
	do {
		size_t take = MIN(n, (size_t)TEXT_MAX);
		/* Cut between characters, never inside one. */
		while (take < n && take > 1 && ((unsigned char)text[take] & 0xC0) == 0x80)
			take--;
		if (action)
			cl_send_raw("PRIVMSG %s :\001ACTION %.*s\001", target, (int)take, text);
		else
			cl_send_raw("PRIVMSG %s :%.*s", target, (int)take, text);
		if (!client.net.cap_echo && ui_on()) {
			char piece[TEXT_MAX + 1];
			snprintf(piece, sizeof(piece), "%.*s", (int)take, text);
			cl_show_message(NULL, target, client.id.nick, piece, action, false);
		}
		text += take;
		n -= take;
	} while (n);
}

static struct qline *queue_at(int i)
{
	return &client.q.lines[(client.q.head + i) % QUEUE_MAX];
}

/* Keep a line for TARGET; false (and said) if the queue is full. */
static bool queue_line(const char *target, const char *text, bool action)
{
	size_t tn = strlen(target) + 1, n = strlen(text) + 1;
	char *mem;
	if (client.q.len == QUEUE_MAX) {
		cl_alert("too many lines waiting for the server: not sent: %s", text);
		client.q.lost = true;
		return false;
	}
	if (!(mem = malloc(tn + n))) {
		cl_alert("out of memory: not sent: %s", text);
		client.q.lost = true;
		return false;
	}
	memcpy(mem, target, tn);
	memcpy(mem + tn, text, n);
	struct qline *q = queue_at(client.q.len++);
	q->target = mem; /* freed by cl_queue_confirm() */
	q->text = mem + tn;
	q->seq = 0;
	q->action = action;
	return true;
}

/* One PING after a burst of lines: its PONG confirms them all. It goes
 * once the loop has handled what arrived, so a pasted or piped burst
 * costs the server (and its flood limit) one PING, not one per line. */
void cl_ack_fire(struct loop *l, struct timer *t)
{
	(void)l;
	(void)t;
	cl_send_raw("PING :" ACK_TOKEN "%u", client.q.seq);
}

/* Send every queued line not yet sent on this connection. */
void cl_queue_send(void)
{
	if (!client.net.ready)
		return;
	for (int i = 0; i < client.q.len; i++) {
		struct qline *q = queue_at(i);
		if (q->seq)
			continue;
		send_text(q->target, q->text, q->action);
		if (!client.net.ready)
			return; /* the connection broke: all of it goes again later */
		q->seq = ++client.q.seq ? client.q.seq : ++client.q.seq;
		if (!timer_armed(&client.q.ack_timer))
			loop_timer(&client.loop, &client.q.ack_timer, 0);
	}
}

/* The server has every line sent up to SEQ: forget them. */
void cl_queue_confirm(unsigned long seq)
{
	while (client.q.len && queue_at(0)->seq && queue_at(0)->seq <= seq) {
		free(queue_at(0)->target);
		client.q.head = (client.q.head + 1) % QUEUE_MAX;
		client.q.len--;
	}
	if (client.q.leaving && !client.q.len)
		cl_quit(0, client.q.leave_why[0] ? client.q.leave_why : NULL);
}

/* The PONG to "PING :chatbox-ack-SEQ". */
void cl_queue_ack(const char *token)
{
	unsigned long seq;
	if (parse_uint(token, 1, 0xFFFFFFFFul, &seq))
		cl_queue_confirm(seq);
}

/* The connection is gone: whatever it did not confirm goes again. */
void cl_queue_unsend(void)
{
	for (int i = 0; i < client.q.len; i++)
		queue_at(i)->seq = 0;
}

void cl_say(const char *target, const char *text, bool action)
{
	if (!queue_line(target, text, action))
		return;
	cl_mark_read_if(cl_find_room(target)); /* answering it: read */
	if (!client.net.ready)
		cl_show("(not connected: will send when back) %s", text);
	cl_queue_send();
}

