/* chat_discover.c - chat-discover: list the chat servers on this network (mDNS/DNS-SD).
 *
//applet:APPLET("chat-discover", chat_discover, CHAT_DISCOVER)
//config:config CHAT_DISCOVER
//config:	bool "chat-discover"
//config:	default y
//config:	help
//config:	  Find IRC/chat servers announced over mDNS/DNS-SD.
//usage:chat-discover [-1wm] [-t SECONDS]
//usage:
//usage:List the chat servers on this network (mDNS/DNS-SD _irc._tcp).
//usage:
//usage:	-t SECS	Listen this long (default 3)
//usage:	-1	Print the first server found and exit
//usage:	-m	Machine-readable: one server per line
//usage:	-w	Watch: show servers as they come and go
 */
#include "applet.h"

#include <unistd.h>

int chat_discover_main(int argc, char **argv)
{
	unsigned long secs = 3;
	int c;

	while ((c = next_opt(argc, argv, "1wmt:")) != -1) {
		switch (c) {
		case 't': secs = opt_uint('t', optarg, 1, 3600); break;
		case '1': case 'w': case 'm': break;
		default: break;
		}
	}
	if (optind < argc)
		usage_error("unexpected argument '%s'", argv[optind]);
	die("listening for %lu s is not built yet", secs);
}
