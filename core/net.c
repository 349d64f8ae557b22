/* net.c - addresses and sockets. */
#include "net.h"
#include "chatbox.h"
#include "resolve.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

static bool parse_port(const char *s, unsigned *port)
{
	unsigned long v;
	if (!parse_uint(s, 1, 65535, &v))
		return false;
	*port = (unsigned)v;
	return true;
}

bool net_split_hostport(const char *s, char host[NET_HOST_MAX], unsigned *port)
{
	const char *colon;
	size_t len;

	if (*s == '[') {
		const char *close = strchr(s, ']');
		if (!close || close == s + 1)
			return false;
		len = (size_t)(close - s - 1);
		if (close[1] == ':' && !parse_port(close + 2, port))
			return false;
		if (close[1] && close[1] != ':')
			return false;
		s++;
	} else {
		colon = strchr(s, ':');
		if (colon && strchr(colon + 1, ':'))
			colon = NULL; /* a bare IPv6 literal: no port */
		else if (colon && !parse_port(colon + 1, port))
			return false;
		len = colon ? (size_t)(colon - s) : strlen(s);
	}
	if (len == 0 || len >= NET_HOST_MAX)
		return false;
	memcpy(host, s, len);
	host[len] = '\0';
	return true;
}

int net_set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* The kernel refuses keepalive times above this (MAX_TCP_KEEPIDLE/INTVL). */
#define KEEPALIVE_MAX_SECS 32767
#define KEEPALIVE_PROBES 3

int net_keepalive(int fd, unsigned secs)
{
	/* Probes start at half of SECS, like the server's PING, and end by
	 * SECS; with TCP_USER_TIMEOUT set, Linux drops the connection at the
	 * first unanswered probe past it rather than counting every probe. */
	unsigned idle = MAX(1u, MIN(secs / 2, KEEPALIVE_MAX_SECS));
	unsigned intvl = MAX(1u, MIN((secs - secs / 2) / KEEPALIVE_PROBES, KEEPALIVE_MAX_SECS));
	const struct {
		int level, name;
		int value;
	} opts[] = {
		{ SOL_SOCKET, SO_KEEPALIVE, 1 },
		{ IPPROTO_TCP, TCP_KEEPIDLE, (int)idle },
		{ IPPROTO_TCP, TCP_KEEPINTVL, (int)intvl },
		{ IPPROTO_TCP, TCP_KEEPCNT, KEEPALIVE_PROBES },
		{ IPPROTO_TCP, TCP_USER_TIMEOUT, (int)(MIN(secs, 86400u) * 1000) },
	};
	for (size_t i = 0; i < ARRAY_LEN(opts); i++)
		if (setsockopt(fd, opts[i].level, opts[i].name, &opts[i].value, sizeof(int)) != 0)
			return -1;
	return 0;
}

void net_addr_set(struct net_addr *a, int family, const void *bytes, unsigned port,
		  uint32_t scope)
{
	memset(a, 0, sizeof(*a));
	if (family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)&a->ss;
		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)port);
		memcpy(&in->sin_addr, bytes, 4);
		a->len = sizeof(*in);
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&a->ss;
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		memcpy(&in6->sin6_addr, bytes, 16);
		in6->sin6_scope_id = scope;
		a->len = sizeof(*in6);
	}
}

bool net_numeric(const char *host, unsigned port, struct net_addr *a)
{
	unsigned char bin[16];
	char v6[INET6_ADDRSTRLEN];
	const char *zone = strchr(host, '%');
	size_t len = zone ? (size_t)(zone - host) : strlen(host);
	unsigned long index = 0;

	if (!zone && inet_pton(AF_INET, host, bin) == 1) {
		net_addr_set(a, AF_INET, bin, port, 0);
		return true;
	}
	if (len >= sizeof(v6))
		return false;
	memcpy(v6, host, len);
	v6[len] = '\0';
	if (inet_pton(AF_INET6, v6, bin) != 1)
		return false;
	/* "fe80::1%wlan0" or "fe80::1%3": which link a link-local address is on */
	if (zone && !parse_uint(zone + 1, 1, UINT32_MAX, &index) && !(index = if_nametoindex(zone + 1)))
		return false;
	net_addr_set(a, AF_INET6, bin, port, (uint32_t)index);
	return true;
}

int net_listen(const char *addr, unsigned port, int backlog)
{
	struct net_addr a;
	int fd = -1, err = EADDRNOTAVAIL;

	/* "::" with IPV6_V6ONLY off takes IPv4 too; fall back to 0.0.0.0
	 * on kernels built without IPv6. */
	const char *try[2] = { addr ? addr : "::", addr ? NULL : "0.0.0.0" };
	for (int t = 0; t < 2 && fd < 0 && try[t]; t++) {
		int one = 1, zero = 0;
		if (!net_numeric(try[t], port, &a))
			continue;
		fd = socket(a.ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd < 0) {
			err = errno;
			continue;
		}
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (a.ss.ss_family == AF_INET6 && !addr)
			setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
		if (bind(fd, (struct sockaddr *)&a.ss, a.len) != 0 || listen(fd, backlog) != 0) {
			err = errno;
			close(fd);
			fd = -1;
		}
	}
	if (fd < 0)
		errno = err;
	return fd;
}

const char *net_ntop(const struct sockaddr *sa, char buf[NET_ADDRSTR_MAX])
{
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)sa;
		inet_ntop(AF_INET, &in->sin_addr, buf, NET_ADDRSTR_MAX);
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)sa;
		char ifname[IF_NAMESIZE];
		/* IPv4 clients of a dual-stack socket: show 1.2.3.4, not ::ffff:1.2.3.4 */
		if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr))
			inet_ntop(AF_INET, &in6->sin6_addr.s6_addr[12], buf, NET_ADDRSTR_MAX);
		else
			inet_ntop(AF_INET6, &in6->sin6_addr, buf, NET_ADDRSTR_MAX);
		if (in6->sin6_scope_id && if_indextoname(in6->sin6_scope_id, ifname)) {
			size_t n = strlen(buf);
			snprintf(buf + n, NET_ADDRSTR_MAX - n, "%%%s", ifname);
		}
	} else {
		strcpy(buf, "?");
	}
	return buf;
}

int net_resolve(const char *host, unsigned port, struct net_addr *out, int max,
		const char **why)
{
	if (max < 1) {
		*why = "no room for an address";
		return -1;
	}
	if (net_numeric(host, port, out))
		return 1;
	return resolve_name(host, port, out, max, why);
}

int net_connect_start(const struct net_addr *a)
{
	int fd = socket(a->ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (const struct sockaddr *)&a->ss, a->len) != 0 && errno != EINPROGRESS) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

int net_connect_result(int fd)
{
	struct sockaddr_storage ss;
	socklen_t sslen = sizeof(ss);
	int err = 0;
	socklen_t len = sizeof(err);
	char c;

	if (getpeername(fd, (struct sockaddr *)&ss, &sslen) == 0)
		return 0;
	/* Failed: a read reports why. (SO_ERROR would too, but qemu-user
	 * passes its value untranslated, so MIPS would see x86 numbers.) */
	if (recv(fd, &c, 1, MSG_PEEK) < 0 && errno != EAGAIN)
		return errno;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
		return errno;
	return err ? err : ENOTCONN; /* writable yet not connected: failed */
}

unsigned net_local_port(int fd)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
		return 0;
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return 0;
}
