/* mdns_announce.c - test tool: announce a chat server over mDNS until
 * SIGTERM/SIGINT (then say goodbye), the way chat-server does.
 *   mdns-announce NAME PORT [HOSTLABEL] */
#include "chatbox.h"
#include "discover.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/signalfd.h>
#include <unistd.h>

static void on_signal(struct loop *l, struct watch *w, uint32_t events)
{
	struct signalfd_siginfo si;
	(void)events;
	if (read(w->fd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		l->stop = true;
}

static void on_rename(struct mdns_responder *r, const char *name)
{
	(void)r;
	printf("renamed\t%s\n", name);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	static struct loop l;
	static struct mdns_responder r;
	static const int sigs[] = { SIGINT, SIGTERM, 0 };
	static const char *const txt[] = { "txtvers=1", "version=" CHATBOX_VERSION, "plain=1", NULL };
	struct watch sig;
	unsigned long port;

	applet_name = "mdns-announce";
	if (argc < 3 || !parse_uint(argv[2], 1, 65535, &port))
		die("usage: mdns-announce NAME PORT [HOSTLABEL]");
	if (loop_init(&l) != 0 || loop_signals(&l, &sig, on_signal, sigs) != 0)
		die("cannot set up the loop");
	if (mdns_responder_start(&r, &l, DISCOVER_TYPE, argv[1], argc > 3 ? argv[3] : NULL,
				 (unsigned)port, txt) != 0)
		die("cannot announce");
	r.on_rename = on_rename;
	loop_run(&l);
	mdns_responder_stop(&r);
	return 0;
}
