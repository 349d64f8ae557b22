/* resolve.h - a host name to addresses: /etc/hosts, then unicast DNS.
 *
 * In place of musl's getaddrinfo (about 13 KB of the binary, see README):
 * it reuses the hostile-input-safe DNS codec of core/dns.h. What it does:
 *   - /etc/hosts first: every line whose names include HOST (ASCII case
 *     does not matter); "localhost" is the loopback addresses even when
 *     the file does not say so (RFC 6761 6.3);
 *   - then A and AAAA queries over UDP to the "nameserver" lines of
 *     /etc/resolv.conf (at most RESOLVE_NS_MAX; 127.0.0.1 when there are
 *     none, as musl and glibc do), all servers at once, asked again once
 *     halfway through RESOLVE_TIMEOUT_MS for what is still unanswered;
 *   - an answer counts only from the server asked (a connected socket),
 *     with the query's ID and question; its A and AAAA records for HOST
 *     or for the names HOST is a CNAME of within the same answer are taken.
 * Not done: "search" and "domain" lines and "options" (ndots, timeout,
 * attempts) are ignored, so a name is always asked as it is written; no
 * TCP retry of a truncated answer (the records that came are used). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns.h"
#include "net.h"

#define RESOLVE_NS_MAX 3         /* nameservers used, as musl's MAXNS */
#define RESOLVE_LINE_MAX 512     /* longer lines of the files are skipped */
#define RESOLVE_TIMEOUT_MS 5000  /* the whole DNS part, as musl's default */
#define RESOLVE_ATTEMPTS 2       /* sends of each query, as musl's default */
#define RESOLVE_ADDRS_MAX 16     /* addresses kept per query type */
#define RESOLVE_CNAME_MAX 8      /* CNAME links followed within an answer */

/* HOST (not numeric: see net_numeric) into at most MAX addresses with port
 * PORT, IPv4 first; the count, or -1 with *WHY saying why not. */
int resolve_name(const char *host, unsigned port, struct net_addr *out, int max,
		 const char **why);

/* --- the pure parts, for tests/unit/t_resolve.c --- */

/* One line of a hosts file, "ADDR NAME [ALIAS...] [# comment]": true if
 * NAME is among its names and ADDR is numeric, with ADDR and PORT in *A.
 * LINE is cut up. */
bool resolve_hosts_line(char *line, const char *name, unsigned port, struct net_addr *a);

struct resolv_conf {
	struct net_addr ns[RESOLVE_NS_MAX]; /* port 53 */
	int nns;
};
/* One line of resolv.conf: "nameserver ADDR" adds ADDR to C while there is
 * room; anything else is ignored. LINE is cut up. */
void resolve_conf_line(char *line, struct resolv_conf *c);

/* MSG, LEN: is it the answer to query ID asking for NAME's records of
 * TYPE (DNS_T_A or DNS_T_AAAA)? -1 if not (not a response, another ID or
 * question: ignore it); else its rcode, with the addresses it gives NAME
 * (through CNAMEs) appended to OUT from *N up to MAX, port PORT. */
int resolve_answer(const uint8_t *msg, size_t len, uint16_t id, const struct dns_name *name,
		   uint16_t type, unsigned port, struct net_addr *out, int *n, int max);
