/* script.c - script mode: stdin lines go to the room, then quit once all arrived. */
#include "client.h"
#include "textsafe.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool stdin_wanted(void)
{
	return client.net.ready && !client.script.stdin_eof && client.net.outlen < OUTQ_MAX / 2 &&
	       client.q.len < QUEUE_MAX / 2;
}

static void stdin_event(struct loop *l, struct watch *w, uint32_t ev);

void cl_stdin_update(void)
{
	if (client.script.stdin_file) {
		if (stdin_wanted() && !timer_armed(&client.script.stdin_timer))
			loop_timer(&client.loop, &client.script.stdin_timer, 0);
		return;
	}
	/* Paused means out of epoll: a closed pipe reports EPOLLHUP even with
	 * no events asked for, and would spin the loop until we are ready. */
	bool want = stdin_wanted();
	if (want && !client.in.added &&
	    loop_add(&client.loop, &client.in, STDIN_FILENO, stdin_event, EPOLLIN) != 0)
		cl_fail("cannot watch stdin: %s", strerror(errno));
	if (!want && client.in.added)
		loop_del(&client.loop, &client.in);
}

static void script_line(char *line, size_t n)
{
	line[n] = '\0';
	if (n && line[n - 1] == '\r')
		line[n - 1] = '\0';
	cl_submit(line);
}

/* No more input (end of stdin, or /cl_quit): quit once the server has it all. */
void cl_script_finish(void)
{
	client.script.stdin_eof = true;
	client.script.len = 0;
	if (client.in.added)
		loop_del(&client.loop, &client.in);
	/* The PONG to this comes after everything we sent was handled; when
	 * not connected now, the PONG that says we are back sends it. */
	if (client.net.ready) {
		client.script.draining = true;
		cl_send_raw("PING :" DRAIN_TOKEN);
	}
}

static void script_eof(void)
{
	if (client.script.len)
		script_line(client.script.buf, client.script.len); /* a last line without newline */
	if (!client.script.stdin_eof)
		cl_script_finish();
}

static void stdin_pump(void)
{
	struct cl_script *s = &client.script;
	ssize_t n = read(STDIN_FILENO, s->buf + s->len, STDIN_MAX - 1 - s->len);
	if (n < 0) {
		if (errno != EAGAIN && errno != EINTR)
			cl_fail("reading stdin: %s", strerror(errno));
		return;
	}
	if (n == 0) {
		script_eof();
		return;
	}
	s->len += (size_t)n;
	char *start = s->buf, *nl;
	while (!s->stdin_eof && (nl = memchr(start, '\n', s->len - (size_t)(start - s->buf)))) {
		script_line(start, (size_t)(nl - start));
		start = nl + 1;
	}
	if (s->stdin_eof)
		return; /* a /quit line: the rest is not read */
	s->len -= (size_t)(start - s->buf);
	memmove(s->buf, start, s->len);
	if (s->len == STDIN_MAX - 1) { /* a long line goes in pieces */
		script_line(s->buf, s->len);
		s->len = 0;
	}
	cl_stdin_update();
}

static void stdin_event(struct loop *l, struct watch *w, uint32_t ev)
{
	(void)l;
	(void)w;
	(void)ev;
	if (stdin_wanted())
		stdin_pump();
	cl_out_flush();
}

void cl_stdin_timer_fire(struct loop *l, struct timer *t)
{
	(void)l;
	(void)t;
	if (stdin_wanted())
		stdin_pump();
	cl_stdin_update();
}

void cl_script_start(void)
{
	/* epoll cannot watch regular files (nor /dev/null): read those
	 * directly, a chunk per loop turn. Pipes are read once per readiness
	 * event, so stdin stays blocking (its flags are shared). */
	client.script.stdin_file = loop_add(&client.loop, &client.in, STDIN_FILENO, stdin_event, 0) != 0;
	loop_del(&client.loop, &client.in); /* cl_stdin_update() adds it when wanted */
	if (!(client.script.buf = malloc(STDIN_MAX)))
		cl_fail("out of memory");
}
