/* chat_discover.c - chat-discover: list the chat servers on this network (mDNS/DNS-SD).
 *
//applet:APPLET("chat-discover", chat_discover, CHAT_DISCOVER)
//config:config CHAT_DISCOVER
//config:	bool "chat-discover"
//config:	default y
//config:	help
//config:	  Find IRC/chat servers announced over mDNS/DNS-SD
//config:	  (_irc._tcp), ours or any other. Costs about 13 KB of code
//config:	  on x86_64 and 20 KB on MIPS, 7 to 10 KB of it shared with
//config:	  the server's announcer.
//usage:chat-discover [-1wm] [-t SECONDS]
//usage:
//usage:List the chat servers on this network (mDNS/DNS-SD _irc._tcp).
//usage:
//usage:	-t SECS	Listen this long (default 3; -w: until stopped)
//usage:	-1	Print the first server found and exit
//usage:	-m	Machine-readable: one server per line, fields separated
//usage:		by tabs: NAME HOST PORT ADDRESSES TXT... (ADDRESSES
//usage:		comma-separated, IPv6 link-local with %IFACE; one field
//usage:		per TXT string; control characters left out, tabs
//usage:		shown as spaces, invalid UTF-8 as U+FFFD).
//usage:		With -w each line starts with a field '+' or '-'.
//usage:	-w	Watch: show servers as they come (+) and go (-)
//usage:
//usage:Exit status: 0 if a server was found, 1 if none.
 */
#include "applet.h"
#include "discover.h"
#include "loop.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

struct discover {
	struct loop loop;
	struct mdns_browser b;
	struct timer deadline;
	struct watch sig;
	bool first, machine, watch;
	int shown;
};

/* One server: a tab-separated line (-m) or a table row with widths W. */
static void print_info(const struct discover_info *r, bool machine, const char *prefix,
		       const int w[3])
{
	if (machine) {
		printf("%s%s\t%s\t%u\t%s%s%s\n", prefix, r->name, r->host, r->port, r->addrs,
		       r->txt[0] ? "\t" : "", r->txt);
	} else {
		char hp[DISCOVER_FIELD_MAX + 8];
		snprintf(hp, sizeof(hp), "%s:%u", r->host, r->port);
		printf("%s%-*s  %-*s  %-*s  %s\n", prefix, w[0], r->name, w[1], hp, w[2], r->addrs,
		       r->details);
	}
}

static void print_server(struct discover *d, const struct mdns_found *f, const char *prefix)
{
	static const int no_widths[3];
	struct discover_info info;
	discover_info(&d->b, f, &info);
	print_info(&info, d->machine, prefix, no_widths);
	fflush(stdout);
	d->shown++;
}

static void on_found(struct mdns_browser *b, const struct mdns_found *f, bool up)
{
	struct discover *d = container_of(b, struct discover, b);
	if (d->first && up) {
		print_server(d, f, "");
		d->loop.stop = true;
	} else if (d->watch && up) {
		print_server(d, f, d->machine ? "+\t" : "+ ");
	} else if (d->watch) {
		char name[DISCOVER_FIELD_MAX];
		discover_name(name, f->instance);
		printf(d->machine ? "-\t%s\n" : "- %s\n", name);
		fflush(stdout);
	}
}

static void on_deadline(struct loop *l, struct timer *t)
{
	(void)t;
	l->stop = true;
}

static void on_signal(struct loop *l, struct watch *w, uint32_t events)
{
	struct signalfd_siginfo si;
	(void)events;
	if (read(w->fd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		l->stop = true;
}

/* The table: columns as wide as their widest cell (or tab-separated). */
static void print_table(struct discover *d)
{
	struct discover_info r;
	int w[3] = { 4, 9, 9 }, rows = 0;

	for (int pass = 0; pass < 2; pass++) {
		if (pass == 1 && rows && !d->machine)
			printf("%-*s  %-*s  %-*s  %s\n", w[0], "NAME", w[1], "HOST:PORT", w[2],
			       "ADDRESSES", "DETAILS");
		for (int i = 0; i < MDNS_MAX_FOUND; i++) {
			const struct mdns_found *f = &d->b.found[i];
			if (!f->used || !f->reported)
				continue;
			discover_info(&d->b, f, &r);
			if (pass == 1) {
				print_info(&r, d->machine, "", w);
				d->shown++;
				continue;
			}
			rows++;
			w[0] = MAX(w[0], (int)strlen(r.name));
			w[1] = MAX(w[1], (int)strlen(r.host) + 6);
			w[2] = MAX(w[2], (int)strlen(r.addrs));
		}
	}
}

int chat_discover_main(int argc, char **argv)
{
	static struct discover d;
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, 0 };
	unsigned long secs = 3;
	bool timed = false;
	int c;

	while ((c = next_opt(argc, argv, "1wmt:")) != -1) {
		switch (c) {
		case 't': secs = opt_uint('t', optarg, 1, 3600), timed = true; break;
		case '1': d.first = true; break;
		case 'w': d.watch = true; break;
		case 'm': d.machine = true; break;
		default: break;
		}
	}
	if (optind < argc)
		usage_error("unexpected argument '%s'", argv[optind]);
	if (loop_init(&d.loop) != 0 || loop_signals(&d.loop, &d.sig, on_signal, sigs) != 0)
		die("cannot set up the event loop");
	if (mdns_browser_start(&d.b, &d.loop, DISCOVER_TYPE, on_found) != 0)
		die("cannot listen for mDNS");
	timer_init(&d.deadline, on_deadline);
	if (!d.watch || timed)
		loop_timer(&d.loop, &d.deadline, (int64_t)secs * 1000);
	loop_run(&d.loop);
	if (!d.first && !d.watch)
		print_table(&d);
	mdns_browser_stop(&d.b);
	if (d.shown == 0 && !d.watch)
		msg("no chat server found on this network");
	return d.shown ? 0 : 1;
}
