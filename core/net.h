/* net.h - addresses and sockets: host:port parsing, listening, naming. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define NET_HOST_MAX 256 /* a DNS name (255) or an IPv6 literal with %scope */
#define NET_ADDRSTR_MAX 64

/* Split "host", "host:port", "[v6]", "[v6%scope]:port" or a bare IPv6
 * literal into HOST (without brackets) and *PORT (left alone if absent).
 * false on a malformed string or a port outside 1..65535. */
bool net_split_hostport(const char *s, char host[NET_HOST_MAX], unsigned *port);

/* A non-blocking, close-on-exec listening TCP socket on ADDR (NULL: every
 * IPv4 and IPv6 address) and PORT; -1 with errno on failure. */
int net_listen(const char *addr, unsigned port, int backlog);

/* "1.2.3.4" or "fe80::1%eth0" (no port) into BUF; "?" if unknown. */
const char *net_ntop(const struct sockaddr *sa, char buf[NET_ADDRSTR_MAX]);

int net_set_nonblock(int fd);

/* Make a TCP peer that vanishes (no FIN, packets dropped) an error on FD
 * within about SECS (1..86400): keepalive probes once it has been idle
 * SECS/2, and TCP_USER_TIMEOUT SECS for data left unacknowledged. A live
 * peer that is merely quiet answers the probes from its kernel. 0, or -1
 * with errno from the first setsockopt that failed. */
int net_keepalive(int fd, unsigned secs);

/* An address to connect to, from net_resolve(). */
struct net_addr {
	struct sockaddr_storage ss;
	socklen_t len;
};

/* HOST as a numeric IPv4 or IPv6 address ("192.168.1.1", "::1",
 * "fe80::1%wlan0" or "fe80::1%3"), port PORT, into *A: false if it is
 * not one (or names an interface that does not exist). */
bool net_numeric(const char *host, unsigned port, struct net_addr *a);
/* A, from an address of FAMILY (AF_INET: the 4 bytes at BYTES; AF_INET6:
 * 16), PORT and, for IPv6, the link it is on (SCOPE, an interface index;
 * 0: none): what the resolver, the hosts file and discovery all make. */
void net_addr_set(struct net_addr *a, int family, const void *bytes, unsigned port,
		  uint32_t scope);

/* Resolve HOST (a name, an IPv4 or IPv6 literal, "fe80::1%wlan0") and PORT
 * into at most MAX addresses, IPv4 first; the count, or -1 with *WHY set
 * to a reason. Names: /etc/hosts, then DNS (core/resolve.h); this blocks
 * for at most RESOLVE_TIMEOUT_MS. */
int net_resolve(const char *host, unsigned port, struct net_addr *out, int max,
		const char **why);

/* Start a non-blocking, close-on-exec TCP connect to A: the socket (wait
 * for it to become writable, then ask net_connect_result), or -1/errno. */
int net_connect_start(const struct net_addr *a);

/* Once FD is writable: 0 if its connect succeeded, else why it failed. */
int net_connect_result(int fd);

/* The local port FD is bound to (after binding to port 0); 0 on error. */
unsigned net_local_port(int fd);
