/* chat_client.c - chat-client: a small terminal IRC client with a script mode.
 *
//applet:APPLET("chat-client", chat_client, CHAT_CLIENT)
//config:config CHAT_CLIENT
//config:	bool "chat-client"
//config:	default y
//config:	help
//config:	  A terminal chat client speaking IRC, with a script mode
//config:	  for cron jobs and pipes.
//usage:chat-client [-s] [-n NICK] [-r ROOM] [-p PORT] [HOST[:PORT]]
//usage:
//usage:Chat on a chat-server (or any IRC server) from a terminal or a script.
//usage:
//usage:	-s	Script mode: stdin lines are sent, messages printed
//usage:	-n NICK	Nickname (default $USER)
//usage:	-r ROOM	Room to join (default #lobby)
//usage:	-p PORT	Port (default 6667)
 */
#include "applet.h"

#include <unistd.h>

int chat_client_main(int argc, char **argv)
{
	unsigned long port = CONFIG_CHATBOX_DEFAULT_PORT;
	int c;

	while ((c = next_opt(argc, argv, "sn:r:p:")) != -1) {
		switch (c) {
		case 'p': port = opt_uint('p', optarg, 1, 65535); break;
		case 's': case 'n': case 'r': break;
		default: break;
		}
	}
	if (argc - optind > 1)
		usage_error("unexpected argument '%s'", argv[optind + 1]);
	die("connecting to port %lu is not built yet", port);
}
