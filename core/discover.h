/* discover.h - chat servers on the LAN over mDNS/DNS-SD: what the server
 * announces, and what chat-discover and chat-client show and use. */
#pragma once

#include <stdbool.h>

#include "mdns.h"
#include "net.h"

#define DISCOVER_TYPE "_irc._tcp" /* IANA service name "irc" */
#define DISCOVER_FIELD_MAX 256
#define DISCOVER_ADDRS 4

/* A found server. Every string went through text_safe() (core/textsafe.h)
 * with TS_TAB_TO_SPACE: anyone on the LAN can announce, and a TAB in a
 * name would split chat-discover -m's fields. Room for a label of 63
 * invalid bytes, each shown as the 3 bytes of U+FFFD. */
struct discover_info {
	char name[DISCOVER_FIELD_MAX];
	char host[DISCOVER_FIELD_MAX]; /* SRV target, without the final dot */
	unsigned port;
	char addrs[DISCOVER_ADDRS * NET_ADDRSTR_MAX]; /* comma-separated */
	char connect[NET_ADDRSTR_MAX]; /* the one to use: IPv4 first, "" if none */
	char txt[DISCOVER_FIELD_MAX];  /* TXT strings separated by tabs */
	char details[DISCOVER_FIELD_MAX]; /* the same but txtvers, by spaces */
};

void discover_info(const struct mdns_browser *b, const struct mdns_found *f,
		   struct discover_info *out);
/* An instance name (a raw DNS label) in its printable form into OUT. */
void discover_name(char out[DISCOVER_FIELD_MAX], const char *instance);

/* Browse for up to SECS seconds, or SETTLE_MS after the first server is
 * found (0: the whole time); up to MAX servers into OUT. The count, or -1
 * if mDNS could not be used. */
int discover_servers(unsigned secs, int settle_ms, struct discover_info *out, int max);

/* chat-server: announce NAME on PORT (TXT: txtvers=1, version, plain=1),
 * on the interfaces with one of the addresses in BOUND (NULL-terminated;
 * NULL or a wildcard: all). */
int discover_announce(struct mdns_responder *r, struct loop *l, const char *name,
		      unsigned port, const char *const *bound);
/* ... and the chat page on PORT, as the same name's _http._tcp (TXT
 * path=/), for browsers and apps that look for web pages. Right after
 * discover_announce(). */
int discover_announce_web(struct mdns_responder *r, unsigned port);
