/* conn.c - chat-client's connection: connect, reconnect with backoff, send, receive. */
#include "client.h"
#include "textsafe.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void out_write(void)
{
	while (client.net.outlen && !client.net.write_err) {
		ssize_t n = send(client.net.fd, client.net.outq, client.net.outlen, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				break;
			/* Not lost yet: an ERROR line saying why may be waiting;
			 * conn_event() reads it, then gives up. */
			client.net.write_err = errno;
			client.net.outlen = 0;
			break;
		}
		memmove(client.net.outq, client.net.outq + n, client.net.outlen - (size_t)n);
		client.net.outlen -= (size_t)n;
	}
	if (client.net.want_out != (client.net.outlen > 0)) { /* a syscall only on a change */
		client.net.want_out = client.net.outlen > 0;
		loop_mod(&client.loop, &client.net.watch, EPOLLIN | (client.net.want_out ? EPOLLOUT : 0));
	}
	if (client.script.on)
		cl_stdin_update();
}

void cl_send_raw(const char *fmt, ...)
{
	char line[IRC_MAX_LINE + 1];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof(line) - 2, fmt, ap);
	va_end(ap);
	if (client.net.state < REGISTERING || n < 0 || client.net.write_err)
		return;
	if (n > (int)sizeof(line) - 3)
		n = (int)sizeof(line) - 3;
	/* A CR or LF inside would end the line early and start another
	 * command: "text\rQUIT" from a script must stay text. */
	for (char *p = line; (p = strpbrk(p, "\r\n")) != NULL;)
		*p = ' ';
	memcpy(line + n, "\r\n", 2);
	if (client.net.outlen + (size_t)n + 2 > OUTQ_MAX) {
		cl_conn_lost("the server does not read what we send");
		return;
	}
	memcpy(client.net.outq + client.net.outlen, line, (size_t)n + 2);
	client.net.outlen += (size_t)n + 2;
	out_write();
}

static void reconnect_later(const char *why)
{
	if (client.script.on && ++client.net.retries > SCRIPT_RETRIES)
		cl_fail("giving up on %s:%u: %s", client.net.host, client.net.port, why);
	client.net.backoff_ms = client.net.backoff_ms ? MIN(client.net.backoff_ms * 2, BACKOFF_MAX) : 1000;
	cl_alert("%s; reconnecting in %d s", why, client.net.backoff_ms / 1000);
	loop_timer(&client.loop, &client.net.retry, client.net.backoff_ms);
	cl_draw_bottom();
}

void cl_conn_close(void)
{
	if (client.net.fd >= 0) {
		loop_del(&client.loop, &client.net.watch);
		close(client.net.fd);
	}
	client.net.fd = -1;
	client.net.outlen = client.net.inlen = 0;
	client.net.write_err = 0;
	client.net.cap_echo = client.net.cap_hist = client.net.cap_read = false;
	client.auth.offered = false;
	client.net.skipping = client.net.ready = client.script.draining = false;
	client.net.state = OFFLINE;
	for (int i = 0; i < client.rooms.n; i++) {
		client.rooms.list[i].hist_wait = false;
		cl_names_clear(&client.rooms.list[i]);
	}
	cl_queue_unsend();
	loop_timer_cancel(&client.loop, &client.net.watchdog);
	loop_timer_cancel(&client.loop, &client.q.ack_timer);
	if (client.script.on)
		cl_stdin_update();
}

void cl_conn_lost(const char *why)
{
	char reason[256];
	snprintf(reason, sizeof(reason), "%s", why); /* WHY may point into our buffers */
	cl_conn_close();
	if (!client.net.ever_online)
		cl_fail("%s:%u refused us before logging in: %s", client.net.host, client.net.port, reason);
	reconnect_later(reason[0] ? reason : "connection lost");
}

static void conn_event(struct loop *l, struct watch *w, uint32_t ev);
static void connect_next(void);

/* The connect in progress failed (ERR): the next address. */
static void connect_failed(int err)
{
	loop_del(&client.loop, &client.net.watch);
	close(client.net.fd);
	client.net.fd = -1;
	client.net.last_err = err;
	connect_next();
}

static void connect_next(void)
{
	while (client.net.addr_i < client.net.naddrs) {
		int fd = net_connect_start(&client.net.addrs[client.net.addr_i++]);
		if (fd < 0) {
			client.net.last_err = errno;
			continue;
		}
		if (loop_add(&client.loop, &client.net.watch, fd, conn_event, EPOLLOUT) != 0) {
			client.net.last_err = errno;
			close(fd);
			continue;
		}
		client.net.fd = fd;
		client.net.state = CONNECTING;
		loop_timer(&client.loop, &client.net.watchdog, CONNECT_TIMEOUT_MS);
		return;
	}
	/* Every address failed. */
	client.net.state = OFFLINE;
	loop_timer_cancel(&client.loop, &client.net.watchdog);
	char why[300];
	snprintf(why, sizeof(why), "cannot connect to %s:%u: %s", client.net.host, client.net.port,
		 client.net.last_err == ECONNREFUSED ? "connection refused" : strerror(client.net.last_err));
	if (!client.net.ever_online)
		cl_fail("%s \xe2\x80\x94 is chat-server running there? try chat-discover", why);
	reconnect_later(why);
}

void cl_start_connect(void)
{
	client.net.addr_i = 0;
	client.net.last_err = ECONNREFUSED;
	connect_next();
	cl_draw_bottom();
}

void cl_retry_fire(struct loop *l, struct timer *t)
{
	(void)l;
	(void)t;
	cl_show("connecting to %s:%u...", client.net.host, client.net.port);
	cl_start_connect();
}

void cl_ui_start(void);

/* Connects that hang, and servers that went silent (a router rebooted,
 * Wi-Fi gone): found by time, since TCP alone may take hours. */
void cl_watchdog_fire(struct loop *l, struct timer *t)
{
	if (client.net.state == CONNECTING) {
		connect_failed(ETIMEDOUT);
		return;
	}
	if (client.net.state < REGISTERING)
		return;
	int64_t idle = loop_now_ms() - client.net.last_rx;
	if (idle >= DEAD_MS) {
		cl_conn_lost("no answer from the server for minutes");
		return;
	}
	if (idle >= IDLE_PING_MS)
		cl_send_raw("PING :chatbox-alive");
	loop_timer(l, t, IDLE_PING_MS / 2);
}

static void connected(void)
{
	client.net.state = REGISTERING;
	client.id.nick_tries = 0;
	client.net.last_rx = loop_now_ms();
	loop_timer(&client.loop, &client.net.watchdog, IDLE_PING_MS / 2);
	cl_first_nick();
	loop_mod(&client.loop, &client.net.watch, EPOLLIN);
	client.net.want_out = false;
	if (ENABLE_CLIENT_TTY && !client.script.on && !ui_on())
		cl_ui_start();
	cl_send_raw("CAP LS 302");
	cl_send_raw("NICK %s", client.id.nick);
	cl_send_raw("USER %s 0 * :chatbox user", client.id.nick);
	cl_draw_bottom();
}

static void conn_read(void)
{
	struct cl_net *net = &client.net;
	for (;;) {
		ssize_t n = recv(net->fd, net->inbuf + net->inlen, sizeof(net->inbuf) - net->inlen, 0);
		if (n == 0) {
			cl_conn_lost("the server closed the connection");
			return;
		}
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				cl_conn_lost(strerror(errno));
			return;
		}
		net->inlen += (size_t)n;
		net->last_rx = loop_now_ms();
		char *start = net->inbuf, *nl;
		while ((nl = memchr(start, '\n', net->inlen - (size_t)(start - net->inbuf)))) {
			*nl = '\0';
			if (nl > start && nl[-1] == '\r')
				nl[-1] = '\0';
			if (!net->skipping)
				cl_handle_line(start);
			net->skipping = false;
			if (net->fd < 0)
				return; /* the line ended the connection */
			start = nl + 1;
		}
		net->inlen -= (size_t)(start - net->inbuf);
		memmove(net->inbuf, start, net->inlen);
		if (net->inlen == sizeof(net->inbuf)) { /* an overlong line: drop it */
			net->inlen = 0;
			net->skipping = true;
		}
	}
}

static void conn_event(struct loop *l, struct watch *w, uint32_t ev)
{
	(void)l;
	(void)w;
	if (client.net.state == CONNECTING) {
		int err = net_connect_result(client.net.fd);
		if (err)
			connect_failed(err);
		else
			connected();
		cl_out_flush();
		return;
	}
	if (ev & (EPOLLIN | EPOLLERR | EPOLLHUP))
		conn_read();
	if (client.net.fd >= 0 && (ev & EPOLLOUT))
		out_write();
	if (client.net.fd >= 0 && client.net.write_err)
		cl_conn_lost(strerror(client.net.write_err));
	cl_draw_bottom();
	cl_out_flush();
}
