/* chat_server.c - chat-server: the LAN chat room, for IRC apps and nc/telnet.
 *
//applet:APPLET("chat-server", chat_server, CHAT_SERVER)
//config:config CHAT_SERVER
//config:	bool "chat-server"
//config:	default y
//config:	help
//config:	  The chat server: rooms shared by IRC clients and plain
//config:	  nc/telnet users, on TCP port 6667.
//config:
//config:config SERVER_HISTORY_DEFAULT
//config:	int "Messages of history kept per room by default"
//config:	depends on CHAT_SERVER
//config:	range 0 1000
//config:	default 50
//config:	help
//config:	  Late joiners see this many of a room's last messages (-H).
//usage:chat-server [-fS] [-p PORT] [-b ADDR]... [-n NAME] [-r ROOM] [-H N] [-u USER]
//usage:
//usage:Run a chat server that IRC apps and plain nc/telnet users share.
//usage:
//usage:	-f	Stay in the foreground (log to stderr)
//usage:	-S	Log to syslog even in the foreground
//usage:	-p PORT	Listen on PORT (default 6667)
//usage:	-b ADDR	Listen on ADDR only (repeatable; default all)
//usage:	-n NAME	Server name (default "HOSTNAME chat")
//usage:	-r ROOM	Room plain-text users start in (default #lobby)
//usage:	-H N	Keep N messages of history per room
//usage:	-u USER	Drop root privileges to USER (default nobody)
 */
#include "applet.h"

#include <unistd.h>

int chat_server_main(int argc, char **argv)
{
	unsigned long port = CONFIG_CHATBOX_DEFAULT_PORT;
	unsigned long history = CONFIG_SERVER_HISTORY_DEFAULT;
	int c;

	while ((c = next_opt(argc, argv, "fSp:b:n:r:H:u:")) != -1) {
		switch (c) {
		case 'p': port = opt_uint('p', optarg, 1, 65535); break;
		case 'H': history = opt_uint('H', optarg, 0, 1000); break;
		case 'f': case 'S': case 'b': case 'n': case 'r': case 'u': break;
		default: break;
		}
	}
	if (optind < argc)
		usage_error("unexpected argument '%s'", argv[optind]);
	die("serving on port %lu with %lu messages of history is not built yet", port, history);
}
