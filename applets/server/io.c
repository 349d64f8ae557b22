/* io.c - chat-server's sockets: accepting, reading lines, the send
 * queues, flood control, the timers and shutting down. */
#include "server.h"
#include "http.h"
#include "sendq.h"
#include "telnet.h"
#include "utf8.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

/* --- output -------------------------------------------------------------- */

static void arm_flush(void)
{
	if (!timer_armed(&srv.flush_timer))
		loop_timer(&srv.loop, &srv.flush_timer, 0);
}

static bool writable(const struct client *c)
{
	return !(c->flags & (F_OVERFLOW | F_CLOSING | F_FREED)) && c->conn.w.fd >= 0;
}

/* Over the cap: dropped at the end of this batch, never in the middle of
 * a fan-out that walks a room's members. */
static void overflow(struct client *c)
{
	if (c->flags & F_OVERFLOW)
		return; /* on the kill list already: twice would loop it */
	c->flags |= F_OVERFLOW;
	c->kill_next = srv.kill;
	srv.kill = c;
	arm_flush();
}

/* Presence notices: while a JOIN goes to a room's members, what is queued
 * for a member other than the one joining (presence_self) may wait up to
 * PRESENCE_MS, so that a member sees the JOINs of a burst of newcomers in
 * one write, not one write (and one wake-up) per JOIN: with N members
 * joining one by one that was N*N/2 system calls, most of the time of a
 * registration storm. Order is kept: a client has one queue, written
 * oldest first, and whatever else is queued for it before the wait is
 * over (a message, a reply) takes the waiting lines along at the end of
 * its turn. The one joining gets its JOIN, topic and NAMES this turn. */
static bool presence_on;
static const struct client *presence_self;

void presence_begin(const struct client *self)
{
	presence_on = true;
	presence_self = self;
}

void presence_end(void)
{
	presence_on = false;
	presence_self = NULL;
}

/* C's queue may wait for the presence timer instead of this turn's flush:
 * a presence notice for someone with no other output due, and no backlog. */
static inline bool may_wait(const struct client *c)
{
	return presence_on && c != presence_self && !(c->conn.flags & CONN_DIRTY) &&
	       c->conn.sq.bytes < PRESENCE_MAX;
}

/* Inline in every caller: deliver()'s fan-out must not pay a call for it. */
static inline __attribute__((always_inline)) void queued(struct client *c, int rc)
{
	if (rc != 0) {
		overflow(c);
		return;
	}
	if (__builtin_expect(may_wait(c), 0)) {
		c->flags |= F_LAZY;
		if (!timer_armed(&srv.presence_timer)) /* never pushed back: bounded */
			loop_timer(&srv.loop, &srv.presence_timer, PRESENCE_MS);
		return;
	}
	conn_mark_dirty(&c->conn);
	arm_flush();
}

/* A write error while flushing in the middle of a fan-out: drop it later. */
static void write_error_later(struct conn *conn)
{
	struct client *c = container_of(conn, struct client, conn);
	if (writable(c))
		overflow(c);
}

static struct client *slowest_reader(void)
{
	struct client *slow = NULL;
	for (struct client *c = srv.clients; c; c = c->next)
		if (writable(c) && c->conn.sq.bytes && (!slow || c->conn.sq.bytes > slow->conn.sq.bytes))
			slow = c;
	return slow;
}

/* The budget (-m) has no room for N more queued bytes for C. History
 * yields first; then what every socket takes now is written; then, as at
 * a queue's own -Q cap, the slowest reader overflows - the one with the
 * most left unsent, C itself if that is C. True if C may queue them now. */
static __attribute__((cold)) bool make_queue_room(struct client *c, size_t n)
{
	if (budget_queue_room(&srv.budget, n))
		return true;
	conn_flush_dirty(&srv.loop, write_error_later);
	if (!writable(c))
		return false; /* its own write failed in that flush */
	while (!budget_queue_room(&srv.budget, n)) {
		struct client *slow = slowest_reader();
		if (!slow || slow == c)
			return false;
		overflow(slow);
		sendq_drop_unsent(&slow->conn.sq);
	}
	return true;
}

/* RC, from queueing N bytes for C, failed for the budget, not for the
 * queue's own cap, and room was made: try again. */
static bool retry_in_budget(struct client *c, int rc, size_t n)
{
	return rc != 0 && !sendq_total_fits(n) && make_queue_room(c, n);
}

/* FMT as one line into LINE: at most 512 bytes with CRLF (RFC 1459), cut
 * between characters, CRLF added; its length. The buffer holds more than
 * a line, so a cut of vsnprintf's is never within what is kept. */
static size_t format_line(char line[LINE_MAX_IRC + 64], const char *fmt, va_list ap)
{
	int n = vsnprintf(line, LINE_MAX_IRC + 64, fmt, ap);
	size_t len = utf8_cut(line, n < 0 ? 0 : MIN((size_t)n, (size_t)LINE_MAX_IRC + 63), LINE_MAX_IRC);
	memcpy(line + len, "\r\n", 3);
	return len + 2;
}

/* One line to C, CRLF added. */
void send_line(struct client *c, const char *fmt, ...)
{
	char line[LINE_MAX_IRC + 64];
	va_list ap;
	size_t n;
	int rc;

	if (!writable(c))
		return;
	va_start(ap, fmt);
	n = format_line(line, fmt, ap);
	va_end(ap);
	if (c == labeled_now && labeled_take(c, line, n))
		return;
	rc = sendq_printf(&c->conn.sq, srv.sendq, "%s", line);
	if (retry_in_budget(c, rc, n))
		rc = sendq_printf(&c->conn.sq, srv.sendq, "%s", line);
	queued(c, rc);
}

/* A line past every cap on purpose: a closing client's last words. */
void send_last_line(struct client *c, const char *fmt, ...)
{
	char line[LINE_MAX_IRC + 64];
	va_list ap;
	va_start(ap, fmt);
	format_line(line, fmt, ap);
	va_end(ap);
	sendq_printf(&c->conn.sq, SIZE_MAX, "%s", line);
}

/* Queue M for C. At the cap, first write what the socket takes now: the
 * queue of a reader that keeps up is only full because this batch has not
 * been flushed yet, and only a reader whose socket is full is slow. */
static inline __attribute__((always_inline)) int push_or_flush(struct client *c, struct msgbuf *m)
{
	int rc = sendq_push(&c->conn.sq, m, srv.sendq);
	if (rc != 0 && !(c->conn.flags & CONN_WANTOUT) && conn_flush(&srv.loop, &c->conn) >= 0)
		rc = sendq_push(&c->conn.sq, m, srv.sendq);
	if (retry_in_budget(c, rc, m->len))
		rc = sendq_push(&c->conn.sq, m, srv.sendq);
	return rc;
}

/* E to C, as C reads it (render.c; REPLAY: history): the last step of
 * every fan-out, once per recipient, so the queueing stays inline here. */
void deliver(struct client *c, struct event *e, bool replay)
{
	struct msgbuf *m;
	if (!writable(c))
		return;
	m = event_for(c, e, replay);
	if (m && !(c == labeled_now && labeled_take(c, m->data, m->len)))
		queued(c, push_or_flush(c, m));
}

void deliver_buf(struct client *c, struct msgbuf *m)
{
	if (writable(c) && !(c == labeled_now && labeled_take(c, m->data, m->len)))
		queued(c, push_or_flush(c, m));
}

/* M, as it is, to C (an HTTP answer). */
void send_msgbuf(struct client *c, struct msgbuf *m)
{
	if (writable(c))
		queued(c, push_or_flush(c, m));
}

/* --- clients --------------------------------------------------------------- */

static struct addr_count *addr_slot(const char *host, bool create)
{
	for (size_t i = 0; i < srv.naddrs; i++)
		if (strcmp(srv.addrs[i].host, host) == 0)
			return &srv.addrs[i];
	if (!create)
		return NULL;
	struct addr_count *a = realloc(srv.addrs, (srv.naddrs + 1) * sizeof(*a));
	if (!a)
		return NULL;
	srv.addrs = a;
	a = &srv.addrs[srv.naddrs++];
	strlcpy_ok(a->host, host, sizeof(a->host));
	a->n = 0;
	return a;
}

void addr_release(const char *host)
{
	struct addr_count *a = addr_slot(host, false);
	if (a && --a->n == 0)
		*a = srv.addrs[--srv.naddrs]; /* the last takes its place */
}

/* Close the socket and hand the memory to the graveyard: freed at the end
 * of the batch, when no callback can hold a pointer to it any more. */
void client_bury(struct client *c)
{
	if (c->flags & F_FREED)
		return;
	c->flags |= F_FREED;
	conn_close(&srv.loop, &c->conn);
	DLIST_UNLINK(srv.clients, c, next, prev);
	c->grave_next = srv.grave;
	srv.grave = c;
	arm_flush();
}

static void client_free(struct client *c)
{
	free(c->web);
	free(c->realname);
	free(c->away);
	free(c->rooms);
	free(c);
}

/* --- input ------------------------------------------------------------------ */

/* HTTP if the first line is a request line; IRC if it is one of
 * registration's commands. */
static const struct front *classify(const char *line, size_t len)
{
	static const char *const first[] = { "CAP", "PASS", "NICK", "USER" };
	char word[8];
	size_t n = strcspn(line, " ");

	if (ENABLE_SERVER_WEB && http_request_like(line, len))
		return &front_http;
	if (!ENABLE_SERVER_PLAIN)
		return &front_irc;
	if (n >= sizeof(word))
		return &front_plain;
	for (size_t i = 0; i < n; i++)
		word[i] = (char)(line[i] & ~0x20);
	word[n] = '\0';
	for (unsigned i = 0; i < ARRAY_LEN(first); i++)
		if (strcmp(word, first[i]) == 0)
			return &front_irc;
	return &front_plain;
}

/* A newcomer's first line decides its front end, which takes the line.
 * Once greeted, a newcomer is a plain user whatever it types: "nick bob"
 * or "USER x" then is its answer to the nickname prompt, not IRC. With
 * -P, plain users are refused anyway: a slow IRC app's PASS stays IRC. */
static void new_line(struct client *c, char *line, size_t len, bool cut)
{
	bool greeted = (c->flags & F_GREETED) && !srv.password;

	conn_set_blank_lines(&c->conn, false); /* on for one held ungreeted (tick_client) */
	if (!len && !cut) { /* its Enter: the greeting it was held from */
		if (ENABLE_SERVER_PLAIN && !(c->flags & F_GREETED))
			plain_greet(c);
		return;
	}
	c->front = ENABLE_SERVER_PLAIN && greeted ? &front_plain : classify(line, len);
	conn_set_telnet(&c->conn, ENABLE_SERVER_PLAIN && c->front->telnet);
	if (c->front->start && !c->front->start(c))
		return;
	c->front->line(c, line, len, cut);
}

const struct front front_new = { .line = new_line, .wire = W_IRC, .telnet = true };

/* Token bucket: RATE lines per 10 s, bursts of RATE; true if a line may go. */
static bool refill(struct client *c)
{
	uint64_t full = srv.rate * 1000, t;
	if (!srv.rate)
		return true;
	t = c->tokens + (uint64_t)(srv.now - c->bucket_ms) * srv.rate / 10;
	c->tokens = (uint32_t)MIN(t, full);
	c->bucket_ms = srv.now;
	return c->tokens >= 1000;
}

static bool take_token(struct client *c)
{
	if (!refill(c))
		return false;
	if (srv.rate)
		c->tokens -= 1000;
	return true;
}

static enum conn_verdict on_line(struct conn *conn, char *line, size_t len, bool cut)
{
	struct client *c = container_of(conn, struct client, conn);

	if (c->flags & F_CLOSING)
		return CONN_GONE;
	/* HTTP's header lines are bounded per request and per connection (web.c) */
	if (!(ENABLE_SERVER_WEB && c->front == &front_http) && !take_token(c)) {
		c->flags |= F_THROTTLED;
		return CONN_HOLD;
	}
	c->last_rx = srv.now;
	c->flags &= (uint16_t)~F_PINGED;
	if (ENABLE_SERVER_PLAIN && c->front->telnet)
		telnet_strip(line, len); /* before the NUL cut: IAC SB may hold NULs */
	len = strlen(line); /* a NUL ends the line */
	c->front->line(c, line, len, cut);
	return c->flags & F_CLOSING ? CONN_GONE : CONN_NEXT;
}

static void read_error(struct client *c)
{
	char why[96];
	snprintf(why, sizeof(why), errno ? "Read error: %s" : "Connection closed",
		 errno ? strerror(errno) : "");
	client_drop(c, why, NULL);
}

static void client_io(struct loop *l, struct watch *w, uint32_t events)
{
	struct client *c = container_of(w, struct client, conn.w);
	srv.now = loop_now_ms();
	if (events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) {
		int rc = conn_flush(l, &c->conn);
		if (rc < 0 && !(c->flags & F_CLOSING)) {
			char why[96];
			snprintf(why, sizeof(why), "Write error: %s", strerror(errno));
			client_drop(c, why, NULL);
		}
		if (c->flags & F_CLOSING && rc != 1) {
			client_bury(c);
			return;
		}
	}
	if ((events & (EPOLLIN | EPOLLHUP | EPOLLERR)) && !(c->flags & F_CLOSING) &&
	    conn_read(l, &c->conn, on_line) < 0)
		read_error(c);
}

/* --- accepting -------------------------------------------------------------- */

static void reject(int fd, const char *why)
{
	char line[128];
	int n = snprintf(line, sizeof(line), "ERROR :Closing Link: %s\r\n", why);
	if (write(fd, line, (size_t)n) < 0) {
		/* the peer will see the close anyway */
	}
	close(fd);
}

static void listeners_enable(bool on)
{
	for (int i = 0; i < srv.nlisten; i++)
		loop_mod(&srv.loop, &srv.listeners[i], on ? EPOLLIN : 0);
}

void accept_resume(struct loop *l, struct timer *t)
{
	(void)l, (void)t;
	listeners_enable(true);
}

static void client_new(int fd, const struct sockaddr *sa, bool web_only)
{
	struct client *c;
	struct addr_count *a;
	char host[NET_ADDRSTR_MAX];
	int sndbuf = SOCKET_SNDBUF;

	net_ntop(sa, host);
	if (srv.nclients >= srv.max_clients) {
		reject(fd, "Too many connections");
		return;
	}
	a = addr_slot(host, true);
	if (!a || a->n >= srv.per_addr) {
		reject(fd, "Too many connections from your address");
		return;
	}
	c = calloc(1, sizeof(*c));
	if (!c || conn_init(&srv.loop, &c->conn, fd, client_io) != 0) {
		free(c);
		reject(fd, "Server out of memory");
		return;
	}
	/* -T for everyone: nc users answer no PING, but their kernel answers
	 * keepalive probes, and a vanished peer becomes a read error. */
	if (net_keepalive(fd, (unsigned)(srv.ping_ms / 1000)) != 0)
		msg("%s: keepalive: %s", host, strerror(errno));
	/* Fixed, not autotuned up to megabytes: a reader that stops reading
	 * then costs the kernel little, and reaches the -Q cap soon. */
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf)) != 0)
		msg("%s: SO_SNDBUF: %s", host, strerror(errno));
	a->n++;
	memcpy(c->host, host, sizeof(host));
	c->front = &front_new;
	/* Until the first line says IRC: telnet's IAC SB may hold CR or LF. */
	conn_set_telnet(&c->conn, ENABLE_SERVER_PLAIN && front_new.telnet);
	c->since = c->last_rx = c->bucket_ms = srv.now;
	c->tokens = (uint32_t)(srv.rate * 1000);
	DLIST_PUSH(srv.clients, c, next, prev);
	srv.nclients++;
	if (timer_armed(&srv.tick_timer) && srv.tick_timer.due_ms > srv.now + GREET_MS)
		loop_timer(&srv.loop, &srv.tick_timer, GREET_MS);
	if (ENABLE_SERVER_WEB && web_only) { /* a -w port: HTTP from the first byte */
		c->front = &front_http;
		front_http.start(c);
	}
}

void on_accept(struct loop *l, struct watch *w, uint32_t events)
{
	static bool starved; /* say it once per shortage, not ten times a second */

	(void)events;
	srv.now = loop_now_ms();
	for (int i = 0; i < 64; i++) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);
		int fd = accept4(w->fd, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd >= 0) {
			starved = false;
			client_new(fd, (struct sockaddr *)&ss,
				   srv.web_listeners >> (w - srv.listeners) & 1);
			continue;
		}
		if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
			/* Out of descriptors: the pending peer stays queued; stop
			 * polling the listener for a moment instead of spinning. */
			if (!starved)
				msg("accept: %s", strerror(errno));
			starved = true;
			listeners_enable(false);
			loop_timer(l, &srv.accept_timer, ACCEPT_PAUSE_MS);
		}
		return;
	}
}

/* --- timers ------------------------------------------------------------------ */

static void on_write_error(struct conn *conn)
{
	struct client *c = container_of(conn, struct client, conn);
	char why[96];
	snprintf(why, sizeof(why), "Write error: %s", strerror(errno));
	if (c->flags & F_CLOSING)
		client_bury(c);
	else
		client_drop(c, why, NULL);
}

/* End of every batch: drop the overflowed, write what was queued, free the dead. */
void flush_all(struct loop *l, struct timer *t)
{
	(void)t;
	srv.now = loop_now_ms();
	/* Dropping the overflowed queues QUITs for others, which may overflow
	 * in turn: repeat until calm. Each pass drops distinct clients. */
	do {
		while (srv.kill) {
			struct client *c = srv.kill;
			srv.kill = c->kill_next;
			if (c->flags & F_OVERFLOW)
				client_drop(c, "SendQ exceeded", "SendQ exceeded");
		}
		conn_flush_dirty(l, on_write_error);
	} while (srv.kill);
	while (srv.grave) {
		struct client *c = srv.grave;
		srv.grave = c->grave_next;
		client_free(c);
	}
}

/* PRESENCE_MS after the first waiting notice: everything waiting goes
 * out, in this turn's flush. One walk of the clients per PRESENCE_MS at
 * most, and only while JOINs come in. A client freed meanwhile is off the
 * list (its queue went with it); one flushed meanwhile has nothing left. */
void flush_presence(struct loop *l, struct timer *t)
{
	(void)l, (void)t;
	for (struct client *c = srv.clients; c; c = c->next) {
		if (!(c->flags & F_LAZY))
			continue;
		c->flags &= (uint16_t)~F_LAZY;
		if (writable(c) && c->conn.sq.n)
			conn_mark_dirty(&c->conn);
	}
	arm_flush();
}

/* Resume throttled input, greet silent newcomers, time out dead peers. */
static bool tick_client(struct client *c)
{
	int64_t idle = srv.now - c->last_rx;

	if (c->flags & F_CLOSING) {
		if (idle > LINGER_MS)
			client_bury(c);
		return false;
	}
	if (ENABLE_SERVER_WEB && c->front == &front_http) {
		web_tick(c);
		return false;
	}
	if (c->flags & F_THROTTLED) {
		if (!refill(c))
			return true;
		c->flags &= (uint16_t)~F_THROTTLED;
		if (conn_resume(&srv.loop, &c->conn, on_line) < 0)
			read_error(c);
		return true;
	}
	if (!(c->flags & F_REG)) {
		if (srv.now - c->since > (int64_t)srv.reg_ms) {
			client_drop(c, "Registration timeout", "Closing Link: Registration timed out");
			return false;
		}
		if (ENABLE_SERVER_PLAIN && c->front == &front_new && !(c->flags & F_GREETED)) {
			if (srv.now - c->since < GREET_MS)
				return true;
			if (ENABLE_SERVER_WEB && srv.now - c->since < WEB_HOLD_MS &&
			    web_browser_near(c->host)) {
				/* a browser's preconnect? Its first line decides;
				 * an nc user's Enter asks for the greeting sooner */
				conn_set_blank_lines(&c->conn, true);
				return true;
			}
			plain_greet(c);
		}
		return false;
	}
	if (!c->front->pinged)
		return false;
	if (idle > (int64_t)srv.ping_ms) {
		char why[64];
		snprintf(why, sizeof(why), "Ping timeout: %lld seconds", (long long)(idle / 1000));
		client_drop(c, why, why);
	} else if (idle > (int64_t)srv.ping_ms / 2 && !(c->flags & F_PINGED)) {
		c->flags |= F_PINGED;
		send_line(c, "PING :%s", srv.host);
	}
	return false;
}

void tick(struct loop *l, struct timer *t)
{
	bool soon = false;
	srv.now = loop_now_ms();
	for (struct client *c = srv.clients, *next; c; c = next) {
		next = c->next;
		soon |= tick_client(c);
	}
	/* Seconds normally; tenths while someone waits for tokens or a greeting. */
	loop_timer(l, t, soon ? 100 : MIN(1000, (int64_t)srv.ping_ms / 4 + 1));
}

/* --- shutting down ------------------------------------------------------------- */

void server_signal(struct loop *l, struct watch *w, uint32_t events)
{
	struct signalfd_siginfo si;
	(void)events;
	if (read(w->fd, &si, sizeof(si)) != sizeof(si))
		return;
	msg("signal %u: shutting down", si.ssi_signo);
	for (struct client *c = srv.clients; c; c = c->next) {
		if (c->flags & (F_CLOSING | F_FREED) || c->conn.w.fd < 0)
			continue;
		c->flags &= (uint16_t)~F_OVERFLOW;
		if (ENABLE_SERVER_WEB && c->front == &front_http) {
			shutdown(c->conn.w.fd, SHUT_RDWR); /* HTTP: no goodbye to say */
			continue;
		}
		sendq_drop_unsent(&c->conn.sq); /* the goodbye first, not a backlog */
		send_shutdown(c);
		conn_pause_code(l, &c->conn, 1001); /* a WebSocket's close frame: going away */
		conn_flush(l, &c->conn); /* best effort: a full socket loses it */
		shutdown(c->conn.w.fd, SHUT_WR);
	}
	l->stop = true;
}

