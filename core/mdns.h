/* mdns.h - Multicast DNS (RFC 6762) and DNS-SD (RFC 6763) on core/loop.
 *
 * mdns_net: the UDP port 5353 sockets (IPv4 224.0.0.251 and IPv6 ff02::fb,
 * joined on every up, multicast, non-loopback interface; SO_REUSEADDR and
 * SO_REUSEPORT so avahi or umdns keep running beside us) and the interface
 * table, kept fresh through a netlink socket.
 *
 * mdns_responder: announces one service instance (probing, renaming on
 * conflicts, announcing, answering, goodbyes), and optionally a second
 * service type under the same instance name and host (the chat page's
 * _http._tcp beside _irc._tcp).
 *
 * mdns_browser: finds the instances of one service type and resolves
 * them (SRV, TXT, addresses). */
#pragma once

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "dns.h"
#include "loop.h"

#define MDNS_PORT 5353
#define MDNS_MAX_IFACES 16
#define MDNS_MAX_ADDRS 4   /* per family and interface */
#define MDNS_PKT_MAX 9000  /* received; RFC 6762 17 */
#define MDNS_SEND_MAX 1440 /* sent: one Ethernet frame, no fragments */
#define MDNS_TXT_MAX 255

/* --- sockets and interfaces ------------------------------------------- */

struct mdns_iface {
	int index;
	char name[IF_NAMESIZE];
	int n4, n6;
	struct in_addr v4[MDNS_MAX_ADDRS], mask4[MDNS_MAX_ADDRS];
	struct in6_addr v6[MDNS_MAX_ADDRS];
	uint8_t plen6[MDNS_MAX_ADDRS]; /* on-link prefix length of v6[i] */
	bool joined4, joined6;
};

struct mdns_net;
typedef void mdns_packet_fn(struct mdns_net *n, const uint8_t *buf, size_t len,
			    const struct sockaddr_storage *from, int ifindex);
/* The interfaces or their addresses changed: n->ifs is the new table,
 * OLD (NOLD entries) the one before. */
typedef void mdns_ifaces_fn(struct mdns_net *n, const struct mdns_iface *old, int nold);

struct mdns_net {
	struct loop *loop;
	struct watch w4, w6, wnl;
	int fd4, fd6, nl;
	uint16_t port; /* bound port: 5353, or another one (legacy querier) */
	struct mdns_iface ifs[MDNS_MAX_IFACES];
	int nifs;
	struct timer rescan;
	/* Serve only the interfaces with one of these addresses (none: all). */
	struct in_addr only4[MDNS_MAX_ADDRS];
	struct in6_addr only6[MDNS_MAX_ADDRS];
	int nonly4, nonly6;
	mdns_packet_fn *on_packet;
	mdns_ifaces_fn *on_ifaces;
};

/* Open the sockets on port 5353 and join the groups. With ANY_PORT a
 * querier that cannot get 5353 takes another port (answers then come by
 * unicast: RFC 6762 6.7). ONLY (NULL-terminated numeric addresses, or
 * NULL) limits it to the interfaces that have one of them; a wildcard
 * address means all. -1 with a message if nothing could be opened. */
int mdns_net_open(struct mdns_net *n, struct loop *l, bool any_port, const char *const *only,
		  mdns_packet_fn *pkt, mdns_ifaces_fn *ifs);
void mdns_net_close(struct mdns_net *n);
/* Multicast BUF on interface IF: over IPv4 and IPv6 where it has them. */
void mdns_net_multicast(struct mdns_net *n, const struct mdns_iface *ifc, const uint8_t *buf,
			size_t len);
int mdns_net_unicast(struct mdns_net *n, const struct sockaddr_storage *to, const uint8_t *buf,
		     size_t len);
/* Whether FROM is on F's link (RFC 6762 11): inside one of F's IPv4
 * subnets or IPv6 prefixes, link-local (169.254/16, fe80::/10), or
 * loopback (only this host can send from there). Unicast replies go only
 * there, and the browser takes responses only from there. */
bool mdns_net_on_link(const struct mdns_iface *f, const struct sockaddr_storage *from);
/* The UDP source port of FROM, in host order. */
uint16_t mdns_src_port(const struct sockaddr_storage *from);
const struct mdns_iface *mdns_net_iface(const struct mdns_net *n, int ifindex);
/* A random number in [lo, hi]. */
unsigned mdns_random(unsigned lo, unsigned hi);

/* --- responder -------------------------------------------------------- */

/* The kinds ending in 2 are the second service's (mdns_responder_also). */
enum {
	MDNS_K_PTR, MDNS_K_SRV, MDNS_K_TXT, MDNS_K_SVCS, MDNS_K_ADDR,
	MDNS_K_PTR2, MDNS_K_SRV2, MDNS_K_TXT2, MDNS_K_SVCS2, MDNS_K_COUNT
};

struct mdns_responder {
	struct mdns_net net;
	struct dns_name type, services, inst, host;
	char base_inst[DNS_LABEL_MAX + 1], base_host[DNS_LABEL_MAX + 1];
	int inst_try, host_try;        /* rename counters: "name (2)", "host-2" */
	uint16_t port;
	uint8_t txt[MDNS_TXT_MAX];
	uint16_t txtlen;
	/* the second service: Instance.TYPE2 on PORT2, same host; has2 if any */
	struct dns_name type2, inst2;
	uint16_t port2, txtlen2;
	uint8_t txt2[MDNS_TXT_MAX];
	bool has2;
	enum { MDNS_IDLE, MDNS_PROBING, MDNS_ANNOUNCING, MDNS_RUNNING } state;
	int step;                      /* probes or announcements sent */
	bool announced;                /* our records may be in caches: goodbyes */
	int64_t conflicts[15];         /* RFC 6762 8.1: 15 in 10 s, then slow down */
	int nconflicts;
	struct timer t_state, t_reply;
	uint16_t pending[MDNS_MAX_IFACES];            /* kinds to multicast */
	int64_t last[MDNS_MAX_IFACES][MDNS_K_COUNT];  /* last multicast, ms */
	/* Told the new instance name after a rename (may be NULL). */
	void (*on_rename)(struct mdns_responder *r, const char *instance);
};

/* Announce INSTANCE of TYPE ("_irc._tcp") on PORT with TXT strings
 * (NULL-terminated; "txtvers=1" first). The SRV target is HOSTLABEL.local
 * (NULL: "<hostname>-chat"), a name of our own, probed like the instance.
 * ONLY: the addresses the service listens on (see mdns_net_open). */
int mdns_responder_start(struct mdns_responder *r, struct loop *l, const char *type,
			 const char *instance, const char *hostlabel, unsigned port,
			 const char *const *txt, const char *const *only);
/* Right after mdns_responder_start: announce the same instance as TYPE
 * too ("_http._tcp"), on PORT with TXT, renamed with it. 0, or -1. */
int mdns_responder_also(struct mdns_responder *r, const char *type, unsigned port,
			const char *const *txt);
/* Send goodbyes (TTL 0) for what was announced and close the sockets. */
void mdns_responder_stop(struct mdns_responder *r);
/* The instance name now announced (after renames). */
const char *mdns_responder_instance(const struct mdns_responder *r, char out[DNS_LABEL_MAX + 1]);

/* --- browser ---------------------------------------------------------- */

#define MDNS_MAX_FOUND 32
#define MDNS_MAX_HOSTS 32
#define MDNS_HOST_ADDRS 8

struct mdns_addr {
	int family;          /* AF_INET or AF_INET6 */
	uint8_t a[16];
	int ifindex;         /* scope of an IPv6 link-local address */
	int64_t expires, seen;
};

struct mdns_host {
	struct dns_name name;
	struct mdns_addr addr[MDNS_HOST_ADDRS];
	int naddr;
	bool used;
};

struct mdns_found {
	bool used, reported;
	struct dns_name name;          /* instance.type.local */
	char instance[DNS_LABEL_MAX + 1];
	int64_t ptr_expires;           /* ms */
	uint32_t ptr_ttl;
	bool have_srv, have_txt;
	int64_t srv_expires;
	struct dns_name target;
	uint16_t port;
	uint8_t txt[MDNS_TXT_MAX];
	uint16_t txtlen;
	int ifindex;                   /* where it was heard first */
};

struct mdns_browser;
/* UP: a service became complete (SRV and an address); !UP: it left. */
typedef void mdns_found_fn(struct mdns_browser *b, const struct mdns_found *f, bool up);

struct mdns_browser {
	struct mdns_net net;
	struct dns_name type;
	struct mdns_found found[MDNS_MAX_FOUND];
	struct mdns_host hosts[MDNS_MAX_HOSTS];
	struct timer t_query, t_resolve, t_expire;
	int64_t interval;              /* next query gap, ms */
	int resolves;                  /* queries for missing records since a change */
	unsigned offlink;              /* responses dropped: source not on the link */
	mdns_found_fn *on_found;
};

int mdns_browser_start(struct mdns_browser *b, struct loop *l, const char *type,
		       mdns_found_fn *fn);
void mdns_browser_stop(struct mdns_browser *b);
/* The host of F's SRV target, or NULL if no address is known yet. */
const struct mdns_host *mdns_browser_host(const struct mdns_browser *b,
					  const struct mdns_found *f);
