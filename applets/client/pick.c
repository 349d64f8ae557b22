/* pick.c - which chat server, when chat-client is given no HOST
 * (CLIENT_DISCOVERY): found over mDNS/DNS-SD, and picked by a person when
 * there are several. */
#include "client.h"
#include "discover.h"
#include "textsafe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PICK_SECS 3
#define PICK_SETTLE_MS 1000
#define PICK_MAX 9 /* one digit to pick with */

/* What mDNS brought is network text too: printed only through text_safe(). */
static void list_servers(FILE *f, const struct discover_info *s, int n)
{
	char name[sizeof(s->name) * 2], host[sizeof(s->host) * 2], addrs[sizeof(s->addrs)];
	for (int i = 0; i < n; i++) {
		cl_clean(name, sizeof(name), s[i].name);
		cl_clean(host, sizeof(host), s[i].host);
		cl_clean(addrs, sizeof(addrs), s[i].addrs);
		fprintf(f, "  %d) %s  %s:%u  %s\n", i + 1, name, host, s[i].port, addrs);
	}
}

/* Ask on the terminal which one; its index. */
static int ask_which(const struct discover_info *s, int n)
{
	char line[32];
	unsigned long pick;

	printf("chat servers on this network:\n");
	list_servers(stdout, s, n);
	for (;;) {
		printf("which one? [1-%d] ", n);
		fflush(stdout);
		if (!fgets(line, sizeof(line), stdin))
			die("no server picked");
		line[strcspn(line, "\r\n")] = '\0';
		if (parse_uint(line, 1, (unsigned long)n, &pick))
			return (int)pick - 1;
	}
}

/* Where to connect when no HOST was given: the chat server of this
 * network (mDNS/DNS-SD, see chat-discover): the only one; with several, ask
 * which (INTERACTIVE) or exit listing them; with none, exit saying how to
 * start one. */
void cl_pick_server(char host[NET_HOST_MAX], unsigned *port, bool interactive)
{
	static struct discover_info found[PICK_MAX];
	int i = 0, n = discover_servers(PICK_SECS, PICK_SETTLE_MS, found, PICK_MAX);
	/* only servers we can reach: an address came with them */
	for (int k = 0; k < n; k++)
		if (found[k].connect[0])
			found[i++] = found[k];
	n = i;
	if (n <= 0)
		die("no chat server found on this network; start one with chat-server, or give an address");
	if (n > 1 && !interactive) {
		msg("%d chat servers on this network; give one as HOST[:PORT]:", n);
		list_servers(stderr, found, n);
		exit(1);
	}
	i = n > 1 ? ask_which(found, n) : 0;
	strlcpy_ok(host, found[i].connect, NET_HOST_MAX);
	*port = found[i].port;
}
