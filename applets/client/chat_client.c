/* chat_client.c - chat-client: a small terminal IRC client with a script mode.
 *
//applet:APPLET("chat-client", chat_client, CHAT_CLIENT)
//config:config CHAT_CLIENT
//config:	bool "chat-client"
//config:	default y
//config:	help
//config:	  A terminal chat client speaking IRC (chat-server, ngIRCd or
//config:	  any IRC server): an input line with editing, history and
//config:	  nick completion, scrollback, colours, reconnect; and a
//config:	  script mode for cron jobs and pipes.
//config:	  Costs about 38.2 KiB of code and data on x86_64 next to
//config:	  chat-server, with all the options below (no curses; size(1)
//config:	  text+data against a build without it: make client-size),
//config:	  and about 36 KB of buffers (bss) while it runs.
//config:
//config:config CLIENT_TTY
//config:	bool "Interactive mode (a terminal user interface)"
//config:	default y
//config:	depends on CHAT_CLIENT
//config:	help
//config:	  The input line with editing, history and completion, the
//config:	  scrollback, colours and the status line. Without it
//config:	  chat-client always runs in script mode, which is what cron
//config:	  jobs on a router need. Costs about 13.2 KB on x86_64
//config:	  (windows, wrapping, paste and completion included).
//config:
//config:config CLIENT_DISCOVERY
//config:	bool "Find the chat server on the LAN when no HOST is given"
//config:	depends on CHAT_CLIENT
//config:	default y
//config:	help
//config:	  chat-client without HOST looks for chat servers over mDNS/
//config:	  DNS-SD like chat-discover: it connects to the only one, lets
//config:	  you pick among several (script mode: an error lists them),
//config:	  or says how to start one. Without it, HOST defaults to
//config:	  localhost. Costs about 1.2 KB of code on x86_64 and 2 KB on
//config:	  MIPS next to chat-discover or the server's announcer (the
//config:	  mDNS code is shared), 13 KB and 20 KB without them; about
//config:	  60 KB of memory while it looks.
//usage:chat-client [-1s] [-n NICK] {CLIENT_HISTORY:[-a ACCOUNT] }[-r ROOM] [-p PORT] {CLIENT_LOG:[-L DIR] }[HOST[:PORT]]
//usage:
//usage:Chat on a chat-server (or any IRC server) from a terminal or a script.
//usage:HOST may be a name, an IPv4 address or [IPv6%scope]. Without HOST, the
//usage:chat server of this network is found over mDNS (see chat-discover).
//usage:
//usage:	-1	One stream for all rooms (no windows)
//usage:	-s	Script mode: stdin lines are sent, messages printed
//usage:		(also when stdin or stdout is not a terminal)
//usage:	-n NICK	Nickname (default $USER)
//usage:[CLIENT_HISTORY]	-a ACCOUNT Sign in (SASL); the password from $CHATBOX_PASSWORD,
//usage:[CLIENT_HISTORY]		else asked on the terminal
//usage:	-r ROOM	Room to join (default #lobby)
//usage:	-p PORT	Port (default 6667)
//usage:[CLIENT_LOG]	-L DIR	A log per room and private chat: DIR/#room.log
//usage:
//usage:Type /help in the client for its commands.
 */
#include "client.h"
#include "term.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

struct cl_state client;


/* die(), but the message is shown on the normal screen, after restoring it. */
void cl_fail(const char *fmt, ...)
{
	va_list ap;
	if (ENABLE_CLIENT_TTY)
		term_restore();
	fflush(stdout);
	va_start(ap, fmt);
	vmsg(LOG_ERR, fmt, ap);
	va_end(ap);
	exit(1);
}

/* Leave now (a signal, Ctrl-C, /quit). Lines the server has not confirmed
 * may be lost with us: said on stderr, and the exit status is 1, as for
 * any other line that did not make it. */
_Noreturn void cl_quit(int code, const char *why)
{
	int unsure = client.q.len;
	if (client.net.state >= REGISTERING) {
		cl_send_raw("QUIT :%s", why ? why : "bye");
		shutdown(client.net.fd, SHUT_WR);
	}
	if (ENABLE_CLIENT_TTY)
		term_restore();
	cl_out_flush();
	if (unsure) {
		msg("%d line%s not confirmed by the server: %s may not have arrived", unsure,
		    unsure == 1 ? "" : "s", unsure == 1 ? "it" : "they");
		code = 1;
	}
	exit(code);
}

static void leave_timer_fire(struct loop *l, struct timer *t)
{
	(void)l;
	(void)t;
	cl_quit(0, client.q.leave_why[0] ? client.q.leave_why : NULL);
}

/* Leave when asked to in a terminal (/quit, exit, Ctrl-D): a line typed just
 * before is usually confirmed within milliseconds, so wait for that rather
 * than lose it, but never more than LEAVE_WAIT_MS; Ctrl-C leaves at once. */
void cl_leave(const char *why)
{
	if (!client.q.len || !client.net.ready || client.q.leaving)
		cl_quit(0, why);
	client.q.leaving = true;
	strlcpy_ok(client.q.leave_why, why ? why : "", sizeof(client.q.leave_why));
	cl_show("-- waiting up to %d s for the server to confirm %d line%s (Ctrl-C leaves now)",
		LEAVE_WAIT_MS / 1000, client.q.len, client.q.len == 1 ? "" : "s");
	loop_timer(&client.loop, &client.q.leave_timer, LEAVE_WAIT_MS);
}

static void signal_event(struct loop *l, struct watch *w, uint32_t ev)
{
	struct signalfd_siginfo si;
	(void)l;
	(void)ev;
	while (read(w->fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGWINCH)
			cl_draw_all();
		else
			cl_quit(si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT ? 0 : 1, NULL);
	}
}

/* ---- start -------------------------------------------------------------- */

static void default_nick(char *nick, size_t size)
{
	const char *user = getenv("USER");
	if (user && irc_nick_valid(user, NICK_MAX)) {
		strlcpy_ok(nick, user, size);
		return;
	}
	snprintf(nick, size, "guest-%04u",
		 (unsigned)((unsigned)getpid() * 7919u + (unsigned)time(NULL)) % 10000);
}

static void parse_args(int argc, char **argv)
{
	const char *room = "#lobby";
	unsigned long port = CONFIG_CHATBOX_DEFAULT_PORT;
	bool port_set = false;
	int c;

	default_nick(client.id.want_nick, sizeof(client.id.want_nick));
	while ((c = next_opt(argc, argv, "1sn:a:r:p:L:")) != -1) {
		switch (c) {
		case '1': client.tty.w.single = true; break;
		case 's': client.script.on = true; break;
		case 'n':
			if (!irc_nick_valid(optarg, NICK_MAX))
				usage_error("-n: '%s' is not a nick: a letter first, then letters, "
					    "digits, - or _, at most %d", optarg, NICK_MAX);
			strlcpy_ok(client.id.want_nick, optarg, sizeof(client.id.want_nick));
			break;
		case 'a':
			if (!ENABLE_CLIENT_HISTORY)
				usage_error("-a: built without CLIENT_HISTORY");
			if (!irc_nick_valid(optarg, NICK_MAX))
				usage_error("-a: '%s' is not an account name", optarg);
			strlcpy_ok(client.auth.account, optarg, sizeof(client.auth.account));
			break;
		case 'r': room = optarg; break;
		case 'L':
			if (!ENABLE_CLIENT_LOG)
				usage_error("-L: built without CLIENT_LOG");
			if (strlen(optarg) >= sizeof(client.log_dir) || access(optarg, W_OK | X_OK) != 0)
				usage_error("-L: '%s' is not a directory we can write to", optarg);
			strlcpy_ok(client.log_dir, optarg, sizeof(client.log_dir));
			break;
		case 'p': port = opt_uint('p', optarg, 1, 65535); port_set = true; break;
		default: break;
		}
	}
	if (argc - optind > 1)
		usage_error("unexpected argument '%s'", argv[optind + 1]);
	char r[ROOM_MAX + 2];
	snprintf(r, sizeof(r), "%s%s", room[0] == '#' ? "" : "#", room);
	if (!irc_room_valid(r, ROOM_MAX))
		usage_error("-r: '%s' is not a room name (like #lobby)", room);
	const char *term = getenv("TERM");
	if (!ENABLE_CLIENT_TTY || !isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO) ||
	    (term && !strcmp(term, "dumb")))
		client.script.on = true;
	client.net.port = (unsigned)port;
	if (optind < argc) {
		if (!net_split_hostport(argv[optind], client.net.host, &client.net.port))
			usage_error("'%s' is not HOST, HOST:PORT or [IPv6]:PORT", argv[optind]);
		if (port_set && client.net.port != port)
			usage_error("two ports given: -p %lu and %s", port, argv[optind]);
	} else if (ENABLE_CLIENT_DISCOVERY) {
		cl_pick_server(client.net.host, &client.net.port, !client.script.on);
	} else {
		strcpy(client.net.host, "localhost");
	}
	cl_room_add(r);
}

int chat_client_main(int argc, char **argv)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGWINCH, 0 };
	const char *why = "";
	const char *nocolour = getenv("NO_COLOR");

	client.net.fd = -1;
	parse_args(argc, argv);
	if (ENABLE_CLIENT_HISTORY && client.auth.account[0])
		cl_password(); /* before the terminal interface takes the screen */
	client.tty.colour = !(nocolour && nocolour[0]);
	if (loop_init(&client.loop) != 0)
		cl_fail("epoll: %s", strerror(errno));
	timer_init(&client.net.retry, cl_retry_fire);
	timer_init(&client.script.stdin_timer, cl_stdin_timer_fire);
	timer_init(&client.net.watchdog, cl_watchdog_fire);
	timer_init(&client.q.ack_timer, cl_ack_fire);
	timer_init(&client.q.leave_timer, leave_timer_fire);
	if (loop_signals(&client.loop, &client.sig, signal_event, sigs) != 0)
		cl_fail("signals: %s", strerror(errno));
	signal(SIGPIPE, SIG_IGN);
	struct cl_net *net = &client.net;
	net->naddrs = net_resolve(net->host, net->port, net->addrs, MAX_ADDRS, &why);
	if (client.net.naddrs < 0)
		cl_fail("cannot find %s: %s \xe2\x80\x94 check the name, or try chat-discover",
			net->host, why);
	if (client.script.on)
		cl_script_start();
	cl_start_connect();
	if (loop_run(&client.loop) != 0)
		cl_fail("epoll: %s", strerror(errno));
	return 0;
}
