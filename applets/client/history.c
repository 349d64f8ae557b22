/* history.c - signing in (SASL PLAIN, -a ACCOUNT), history the server
 * keeps for us (draft/chathistory) and read markers (draft/read-marker).
 *
 * History: each room remembers the msgid (else the server-time) of the
 * last message shown. On every join, first or after a reconnect, the
 * client asks for what came after it (CHATHISTORY AFTER), or for the
 * latest lines when it has seen none (LATEST), so only what was missed
 * comes; replay.c still drops anything shown already (chat-server's -H
 * replay on join overlaps it) and marks where the history ends, after the
 * PONG to a PING sent behind the request: the server answered it by then.
 *
//config:config CLIENT_HISTORY
//config:	bool "Sign-in (SASL), server-kept history, read markers"
//config:	default y
//config:	depends on CHAT_CLIENT
//config:	help
//config:	  -a ACCOUNT signs in with SASL PLAIN (the password from
//config:	  $CHATBOX_PASSWORD or asked on the terminal). Against a
//config:	  server offering draft/chathistory, each join fetches what
//config:	  was missed since the last line seen; draft/read-marker
//config:	  shows and sets how far a room was read. Without it -a is
//config:	  refused (not built in) and the client asks for none of it.
//config:	  Budget: 2930 bytes on x86_64 (text+data+bss, make size).
 */
#include "base64.h"
#include "client.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#define HIST_DEFAULT 100 /* lines asked for when the server names no limit */

/* The password: $CHATBOX_PASSWORD, else asked on the controlling terminal
 * without echo. Never from argv (ps shows it to everyone). */
void cl_password(void)
{
	struct cl_auth *a = &client.auth;
	const char *env = getenv("CHATBOX_PASSWORD");
	if (env) {
		if (!strlcpy_ok(a->pass, env, sizeof(a->pass)))
			cl_fail("CHATBOX_PASSWORD is longer than %d bytes", PASS_MAX);
		return;
	}
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	struct termios old, t;
	if (fd < 0 || tcgetattr(fd, &old) != 0) {
		msg("-a %s: no password: set CHATBOX_PASSWORD (there is no terminal to ask on)",
		    a->account);
		exit(2);
	}
	t = old;
	t.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	t.c_lflag |= ICANON;
	char prompt[NICK_MAX + 32];
	int n = snprintf(prompt, sizeof(prompt), "password for %s: ", a->account);
	bool ok = write(fd, prompt, (size_t)n) == n && tcsetattr(fd, TCSAFLUSH, &t) == 0;
	ssize_t got = ok ? read(fd, a->pass, sizeof(a->pass) - 1) : -1;
	int err = errno;
	if (tcsetattr(fd, TCSAFLUSH, &old) != 0 || write(fd, "\n", 1) != 1)
		ok = false;
	close(fd);
	if (!ok || got <= 0)
		cl_fail("-a %s: no password read: %s", a->account, got < 0 ? strerror(err) : "none given");
	a->pass[got] = '\0';
	if (!strchr(a->pass, '\n')) /* longer than we keep: it would fail as a wrong one */
		cl_fail("-a %s: the password is longer than %d bytes (or had no Enter)", a->account, PASS_MAX);
	a->pass[strcspn(a->pass, "\r\n")] = '\0';
}

/* CAP LS offered TOK: true when we want it. */
bool cl_cap_wanted(const char *tok)
{
	if (!strcmp(tok, "sasl"))
		client.auth.offered = true;
	return (!strcmp(tok, "sasl") && client.auth.account[0]) || !strcmp(tok, "batch") ||
	       !strcmp(tok, "message-tags") || !strcmp(tok, "draft/chathistory") ||
	       !strcmp(tok, "draft/read-marker");
}

/* The CAP LS is all in: true when CAP END must wait for the sign-in. */
bool cl_cap_ls_done(void)
{
	if (!client.auth.account[0])
		return false;
	if (!client.auth.offered) /* not signed in would mean another's nick, or nobody's */
		cl_fail("-a %s: %s:%u offers no sign-in (SASL)", client.auth.account,
			client.net.host, client.net.port);
	return true;
}

/* One capability the server acknowledged (or "-cap", one it dropped). */
void cl_cap_ack(const char *cap)
{
	bool on = cap[0] != '-';
	cap += !on;
	if (!strcmp(cap, "draft/chathistory"))
		client.net.cap_hist = on;
	else if (!strcmp(cap, "draft/read-marker"))
		client.net.cap_read = on;
	else if (!strcmp(cap, "sasl") && on && client.auth.account[0])
		cl_send_raw("AUTHENTICATE PLAIN");
}

/* AUTHENTICATE +: the server waits for "account\0account\0password". */
void cl_authenticate(const char *arg)
{
	struct cl_auth *a = &client.auth;
	unsigned char raw[2 * NICK_MAX + PASS_MAX + 2];
	char b64[BASE64_LEN(sizeof(raw))];
	if (strcmp(arg, "+") || !a->account[0])
		return;
	size_t la = strlen(a->account), lp = strlen(a->pass);
	memcpy(raw, a->account, la);
	raw[la] = '\0';
	memcpy(raw + la + 1, a->account, la);
	raw[2 * la + 1] = '\0';
	memcpy(raw + 2 * la + 2, a->pass, lp);
	base64_encode(b64, raw, 2 * la + 2 + lp);
	/* At most 352 characters (PASS_MAX): one line of the 400 allowed. */
	cl_send_raw("AUTHENTICATE %s", b64);
	memset(raw, 0, sizeof(raw));
	memset(b64, 0, sizeof(b64));
}

/* 900..908: the sign-in's outcome. True when handled. */
bool cl_sasl_numeric(const struct irc_msg *m, int num)
{
	if (num < 900 || num > 908 || !client.auth.account[0])
		return false;
	const char *text = m->params[m->nparams - 1];
	if (num == 903) {
		cl_show("signed in as %s", client.auth.account);
		cl_send_raw("CAP END");
	} else if (num == 902 || num == 904 || num == 905 || num == 906) { /* 908 comes with a 904 */
		char why[200];
		cl_clean(why, sizeof(why), text);
		cl_fail("-a %s: signing in failed: %s", client.auth.account, why);
	}
	return true;
}

/* We joined R: ask for what we missed. */
void cl_hist_join(struct room *r)
{
	int max = client.net.hist_max ? client.net.hist_max : HIST_DEFAULT;
	if (!client.net.cap_hist)
		return;
	if (r->last_id[0])
		cl_send_raw("CHATHISTORY AFTER %s msgid=%s %d", r->name, r->last_id, max);
	else if (r->last_time[0])
		cl_send_raw("CHATHISTORY AFTER %s timestamp=%s %d", r->name, r->last_time, max);
	else
		cl_send_raw("CHATHISTORY LATEST %s * %d", r->name, max);
	r->hist_wait = true;
	r->hist_from = r->replayed;
	r->hist_rounds++;
	cl_send_raw("PING :" HIST_TOKEN ":%s", r->name);
}

/* R's CHATHISTORY is answered: true when it was full, so more may have
 * been missed and the next lines are asked for (AFTER the last one now). */
bool cl_hist_more(struct room *r)
{
	int max = client.net.hist_max ? client.net.hist_max : HIST_DEFAULT;
	if (r->replayed - r->hist_from < max || r->hist_rounds >= HIST_ROUNDS || !r->last_id[0])
		return false;
	cl_hist_join(r);
	return true;
}

/* A message in R was shown: remember it, to ask for what came after. A
 * msgid too long to keep is forgotten, not cut (a cut one would name no
 * message): the time is asked with then. */
void cl_hist_seen(struct room *r, const char *tags)
{
	char v[MSGID_MAX + 2];
	if (!r)
		return;
	if (irc_tag_get(tags, "msgid", v, sizeof(v))) {
		bool ok = v[0] && strlen(v) <= MSGID_MAX && !strchr(v, ' ');
		strlcpy_ok(r->last_id, ok ? v : "", sizeof(r->last_id));
	}
	if (irc_tag_get(tags, "time", v, sizeof(v)) && v[0] && !strchr(v, ' ') &&
	    strlen(v) < sizeof(r->last_time))
		strlcpy_ok(r->last_time, v, sizeof(r->last_time));
}

/* The user has seen R up to its last line: tell the server. Signed in
 * only: a server keeps read markers per account (chat-server refuses
 * them otherwise, FAIL ACCOUNT_REQUIRED), though it may send its own. */
void cl_mark_read(struct room *r)
{
	if (!r || !client.net.cap_read || !client.auth.account[0] || !r->last_time[0] || strcmp(r->last_time, r->read_time) <= 0)
		return;
	strlcpy_ok(r->read_time, r->last_time, sizeof(r->read_time));
	cl_send_raw("MARKREAD %s timestamp=%s", r->name, r->read_time);
}

/* MARKREAD #room timestamp=T|*: how far the room was read (here or on
 * another client of the account); shown when it moved. */
void cl_on_markread(const struct irc_msg *m)
{
	struct room *r = cl_find_room(m->params[0]);
	const char *ts = m->nparams > 1 ? m->params[1] : "*";
	char tags[TIME_MAX + 8], when[8];
	if (!r || strncmp(ts, "timestamp=", 10) || strlen(ts + 10) >= sizeof(r->read_time))
		return;
	ts += 10;
	if (!strcmp(ts, r->read_time))
		return;
	strlcpy_ok(r->read_time, ts, sizeof(r->read_time));
	snprintf(tags, sizeof(tags), "time=%s", ts);
	cl_msg_time(tags, when);
	cl_show_in(r->name, "--- read up to %s ---", when);
}
