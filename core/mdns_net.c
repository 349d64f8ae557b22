/* mdns_net.c - mDNS sockets, group membership per interface, and the
 * interface table kept fresh by netlink (RFC 6762 11, 15). */
#include "mdns.h"
#include "chatbox.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

/* From <linux/netlink.h> and <linux/rtnetlink.h>, which musl toolchains
 * do not ship: a stable kernel ABI. */
#define NETLINK_ROUTE 0
#define RTMGRP_LINK 0x1
#define RTMGRP_IPV4_IFADDR 0x10
#define RTMGRP_IPV6_IFADDR 0x100
struct sockaddr_nl {
	sa_family_t nl_family;
	unsigned short nl_pad;
	uint32_t nl_pid, nl_groups;
};

#define RESCAN_DELAY_MS 300 /* let a burst of netlink news settle */

unsigned mdns_random(unsigned lo, unsigned hi)
{
	static uint32_t x;
	if (x == 0 && getrandom(&x, sizeof(x), GRND_NONBLOCK) != (ssize_t)sizeof(x))
		x = (uint32_t)getpid() * 2654435761u ^ (uint32_t)loop_now_ms();
	x |= 1;
	x ^= x << 13, x ^= x >> 17, x ^= x << 5; /* xorshift32 */
	return hi <= lo ? lo : lo + x % (hi - lo + 1);
}

static const struct in6_addr group6 = { .s6_addr = { 0xff, 0x02, [15] = 0xfb } };

static struct in_addr mdns_group4(void)
{
	return (struct in_addr){ htonl(0xe00000fbu) }; /* 224.0.0.251 */
}

const struct mdns_iface *mdns_net_iface(const struct mdns_net *n, int ifindex)
{
	for (int i = 0; i < n->nifs; i++)
		if (n->ifs[i].index == ifindex)
			return &n->ifs[i];
	return NULL;
}

/* Whether interface NAME (an IPv4 label like eth0:1 counts as eth0) is up,
 * multicast and not loopback: its table entry then, created if new. */
static struct mdns_iface *iface_get(int fd, struct mdns_iface *ifs, int *nifs, const char *name)
{
	struct ifreq ifr;
	unsigned idx;

	memset(&ifr, 0, sizeof(ifr));
	strlcpy_ok(ifr.ifr_name, name, sizeof(ifr.ifr_name));
	ifr.ifr_name[strcspn(ifr.ifr_name, ":")] = '\0';
	idx = if_nametoindex(ifr.ifr_name);
	if (idx == 0)
		return NULL;
	for (int i = 0; i < *nifs; i++)
		if (ifs[i].index == (int)idx)
			return &ifs[i];
	if (*nifs == MDNS_MAX_IFACES || ioctl(fd, SIOCGIFFLAGS, &ifr) != 0)
		return NULL;
	unsigned fl = (unsigned short)ifr.ifr_flags;
	if (!(fl & IFF_UP) || !(fl & IFF_MULTICAST) || (fl & IFF_LOOPBACK))
		return NULL;
	struct mdns_iface *f = &ifs[(*nifs)++];
	memset(f, 0, sizeof(*f));
	f->index = (int)idx;
	strlcpy_ok(f->name, ifr.ifr_name, sizeof(f->name));
	return f;
}

/* IPv4 addresses: SIOCGIFCONF (ioctls, not netlink: they also work under
 * qemu-user, which the tests use for every board). */
static void scan_v4(int fd, struct mdns_iface *ifs, int *nifs)
{
	struct ifreq req[32];
	struct ifconf ifc = { .ifc_len = sizeof(req), .ifc_req = req };

	memset(req, 0, sizeof(req));
	if (ioctl(fd, SIOCGIFCONF, &ifc) != 0)
		return;
	for (size_t i = 0; i < (size_t)ifc.ifc_len / sizeof(req[0]); i++) {
		struct mdns_iface *f = iface_get(fd, ifs, nifs, req[i].ifr_name);
		if (!f || req[i].ifr_addr.sa_family != AF_INET || f->n4 == MDNS_MAX_ADDRS)
			continue;
		f->v4[f->n4] = ((struct sockaddr_in *)(void *)&req[i].ifr_addr)->sin_addr;
		f->mask4[f->n4].s_addr = 0xffffffffu;
		if (ioctl(fd, SIOCGIFNETMASK, &req[i]) == 0)
			f->mask4[f->n4] = ((struct sockaddr_in *)(void *)&req[i].ifr_addr)->sin_addr;
		f->n4++;
	}
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* IPv6 addresses: /proc/net/if_inet6, "ADDR IFINDEX PLEN SCOPE FLAGS NAME"
 * in hex (parsed by hand: scanf would pull in 10 KB of float parsing). */
static void scan_v6(int fd, struct mdns_iface *ifs, int *nifs)
{
	FILE *fp = fopen("/proc/net/if_inet6", "re");
	char line[128];

	if (!fp)
		return;
	while (fgets(line, sizeof(line), fp)) {
		char *field[6], *save = NULL;
		int n = 0;
		for (char *t = strtok_r(line, " \t\n", &save); t && n < 6; t = strtok_r(NULL, " \t\n", &save))
			field[n++] = t;
		if (n < 6 || strlen(field[0]) != 32)
			continue;
		struct in6_addr a;
		bool ok = true;
		for (int i = 0; i < 16; i++) {
			int hi = hexval(field[0][2 * i]), lo = hexval(field[0][2 * i + 1]);
			ok &= hi >= 0 && lo >= 0;
			a.s6_addr[i] = (uint8_t)(hi << 4 | (lo & 0xf));
		}
		/* tentative (0x40) or failed DAD (0x08): not usable yet */
		const char *flags_hex = field[4], *plen_hex = field[2];
		uint64_t flags, plen;
		if (!ok || !num_scan(&flags_hex, 16, UINT32_MAX, &flags) || (flags & 0x48))
			continue;
		if (!num_scan(&plen_hex, 16, 255, &plen))
			plen = 0;
		struct mdns_iface *f = iface_get(fd, ifs, nifs, field[5]);
		if (f && f->n6 < MDNS_MAX_ADDRS) {
			/* 0 (unknown) would make every address on-link */
			f->plen6[f->n6] = (uint8_t)(plen && plen <= 128 ? plen : 128);
			f->v6[f->n6++] = a;
		}
	}
	fclose(fp);
}

/* The up, multicast, non-loopback interfaces with an address. */
static int scan_ifaces(struct mdns_iface *ifs)
{
	int nifs = 0;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	scan_v4(fd, ifs, &nifs);
	scan_v6(fd, ifs, &nifs);
	close(fd);
	return nifs;
}

static void join_groups(struct mdns_net *n, struct mdns_iface *f)
{
	if (n->fd4 >= 0 && f->n4) {
		struct ip_mreqn mr = { .imr_multiaddr = mdns_group4(), .imr_ifindex = f->index };
		if (setsockopt(n->fd4, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr)) == 0 ||
		    errno == EADDRINUSE)
			f->joined4 = true;
	}
	if (n->fd6 >= 0 && f->n6) {
		struct ipv6_mreq mr = { .ipv6mr_multiaddr = group6, .ipv6mr_interface = (unsigned)f->index };
		if (setsockopt(n->fd6, IPPROTO_IPV6, IPV6_JOIN_GROUP, &mr, sizeof(mr)) == 0 ||
		    errno == EADDRINUSE)
			f->joined6 = true;
	}
}

/* The interface filter from numeric addresses; a wildcard clears it. */
static void set_only(struct mdns_net *n, const char *const *only)
{
	for (; only && *only; only++) {
		char a[INET6_ADDRSTRLEN + IF_NAMESIZE];
		struct in6_addr v6;
		strlcpy_ok(a, *only, sizeof(a));
		a[strcspn(a, "%")] = '\0';
		if (n->nonly4 < MDNS_MAX_ADDRS && inet_pton(AF_INET, a, &n->only4[n->nonly4]) == 1) {
			if (n->only4[n->nonly4++].s_addr == INADDR_ANY)
				break;
		} else if (n->nonly6 < MDNS_MAX_ADDRS && inet_pton(AF_INET6, a, &v6) == 1) {
			n->only6[n->nonly6++] = v6;
			if (IN6_IS_ADDR_UNSPECIFIED(&v6))
				break;
		}
	}
	if (only && *only) /* stopped at a wildcard */
		n->nonly4 = n->nonly6 = 0;
}

static bool served(const struct mdns_net *n, const struct mdns_iface *f)
{
	if (n->nonly4 + n->nonly6 == 0)
		return true;
	for (int i = 0; i < f->n4; i++)
		for (int k = 0; k < n->nonly4; k++)
			if (f->v4[i].s_addr == n->only4[k].s_addr)
				return true;
	for (int i = 0; i < f->n6; i++)
		for (int k = 0; k < n->nonly6; k++)
			if (IN6_ARE_ADDR_EQUAL(&f->v6[i], &n->only6[k]))
				return true;
	return false;
}

/* Read the table again, the old one into OLD; true if it changed (then
 * the new one is joined). */
static bool rescan(struct mdns_net *n, struct mdns_iface old_ifs[MDNS_MAX_IFACES], int *nold)
{
	struct mdns_iface ifs[MDNS_MAX_IFACES];
	int nifs = 0, all = scan_ifaces(ifs);

	for (int i = 0; i < all; i++)
		if (served(n, &ifs[i]))
			ifs[nifs++] = ifs[i];
	bool changed = nifs != n->nifs;

	for (int i = 0; i < nifs; i++) {
		const struct mdns_iface *old = mdns_net_iface(n, ifs[i].index);
		if (!old || old->n4 != ifs[i].n4 || old->n6 != ifs[i].n6 ||
		    memcmp(old->v4, ifs[i].v4, sizeof(old->v4)) != 0 ||
		    memcmp(old->v6, ifs[i].v6, sizeof(old->v6)) != 0)
			changed = true;
		/* membership survives address changes, not the interface */
		ifs[i].joined4 = old && old->joined4 && old->n4;
		ifs[i].joined6 = old && old->joined6 && old->n6;
	}
	memcpy(old_ifs, n->ifs, sizeof(ifs));
	*nold = n->nifs;
	memcpy(n->ifs, ifs, sizeof(ifs));
	n->nifs = nifs;
	for (int i = 0; i < nifs; i++)
		if (!n->ifs[i].joined4 || !n->ifs[i].joined6)
			join_groups(n, &n->ifs[i]);
	return changed;
}

static void on_rescan(struct loop *l, struct timer *t)
{
	struct mdns_net *n = container_of(t, struct mdns_net, rescan);
	struct mdns_iface old[MDNS_MAX_IFACES];
	int nold;
	(void)l;
	if (rescan(n, old, &nold) && n->on_ifaces)
		n->on_ifaces(n, old, nold);
}

static void on_netlink(struct loop *l, struct watch *w, uint32_t events)
{
	struct mdns_net *n = container_of(w, struct mdns_net, wnl);
	char buf[4096];
	bool news = false;
	(void)events;

	/* The content does not matter: any link or address news means a
	 * rescan, once the burst is over. */
	while (recv(n->nl, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		news = true;
	if (news && !timer_armed(&n->rescan))
		loop_timer(l, &n->rescan, RESCAN_DELAY_MS);
}

/* The interface a datagram came in on, from its source, when the packet
 * info is missing or garbled (qemu-user does not byte-swap it): the IPv4
 * subnet it is from, the IPv6 scope, or the only interface. 0 if unknown. */
static int iface_of_source(const struct mdns_net *n, const struct sockaddr_storage *from)
{
	if (from->ss_family == AF_INET) {
		struct in_addr src = ((const struct sockaddr_in *)(const void *)from)->sin_addr;
		for (int i = 0; i < n->nifs; i++)
			for (int k = 0; k < n->ifs[i].n4; k++)
				if (((src.s_addr ^ n->ifs[i].v4[k].s_addr) & n->ifs[i].mask4[k].s_addr) == 0)
					return n->ifs[i].index;
	} else if (from->ss_family == AF_INET6) {
		int scope = (int)((const struct sockaddr_in6 *)(const void *)from)->sin6_scope_id;
		if (mdns_net_iface(n, scope))
			return scope;
	}
	return n->nifs == 1 ? n->ifs[0].index : 0;
}

uint16_t mdns_src_port(const struct sockaddr_storage *sa)
{
	if (sa->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)(const void *)sa)->sin6_port);
	return ntohs(((const struct sockaddr_in *)(const void *)sa)->sin_port);
}

static void recv_batch(struct mdns_net *n, int fd)
{
	static uint8_t buf[MDNS_PKT_MAX];
	union {
		char b[CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_SPACE(sizeof(struct in_pktinfo))];
		struct cmsghdr align;
	} ctl;

	/* A bounded batch per wakeup, so one noisy peer cannot starve the loop. */
	for (int i = 0; i < 16; i++) {
		struct sockaddr_storage from = { .ss_family = AF_UNSPEC };
		struct iovec iov = { buf, sizeof(buf) };
		struct msghdr mh = { .msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov,
				     .msg_iovlen = 1, .msg_control = &ctl, .msg_controllen = sizeof(ctl) };
		ssize_t len = recvmsg(fd, &mh, MSG_DONTWAIT);
		int ifindex = 0;
		if (len < 0)
			return;
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
			if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
				struct in_pktinfo pi;
				memcpy(&pi, CMSG_DATA(c), sizeof(pi));
				ifindex = pi.ipi_ifindex;
			} else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
				struct in6_pktinfo pi;
				memcpy(&pi, CMSG_DATA(c), sizeof(pi));
				ifindex = (int)pi.ipi6_ifindex;
			}
		}
		/* A packet that says it came in on a real interface we do not serve
		 * is from another link: dropped (RFC 6762 s11). Only missing or
		 * garbled packet info (no such interface) is guessed from the source. */
		char ifname[IF_NAMESIZE];
		if (!mdns_net_iface(n, ifindex) &&
		    (ifindex <= 0 || !if_indextoname((unsigned)ifindex, ifname)))
			ifindex = iface_of_source(n, &from);
		/* Only the links we serve; a truncated datagram is not DNS. */
		if (mdns_net_iface(n, ifindex) && !(mh.msg_flags & MSG_TRUNC) && n->on_packet)
			n->on_packet(n, buf, (size_t)len, &from, ifindex);
	}
}

static void on_readable4(struct loop *l, struct watch *w, uint32_t events)
{
	(void)l, (void)events;
	recv_batch(container_of(w, struct mdns_net, w4), w->fd);
}

static void on_readable6(struct loop *l, struct watch *w, uint32_t events)
{
	(void)l, (void)events;
	recv_batch(container_of(w, struct mdns_net, w6), w->fd);
}

static int open_socket(int family, uint16_t port)
{
	int one = 1, ttl = 255;
	int fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
	if (family == AF_INET) {
		struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
		setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one));
		setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof(ttl));
		setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &one, sizeof(one));
		if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
			return fd;
	} else {
		struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_port = htons(port) };
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
		setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof(one));
		setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &ttl, sizeof(ttl));
		setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &one, sizeof(one));
		if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
			return fd;
	}
	close(fd);
	return -1;
}

static int open_netlink(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK,
				  .nl_groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

int mdns_net_open(struct mdns_net *n, struct loop *l, bool any_port, const char *const *only,
		  mdns_packet_fn *pkt, mdns_ifaces_fn *ifs)
{
	memset(n, 0, sizeof(*n));
	set_only(n, only);
	n->loop = l;
	n->on_packet = pkt;
	n->on_ifaces = ifs;
	n->port = MDNS_PORT;
	n->nl = -1;
	timer_init(&n->rescan, on_rescan);
	n->fd4 = open_socket(AF_INET, MDNS_PORT);
	n->fd6 = open_socket(AF_INET6, MDNS_PORT);
	if (n->fd4 < 0 && n->fd6 < 0 && any_port) {
		n->fd4 = open_socket(AF_INET, 0);
		struct sockaddr_in sa = { .sin_port = 0 };
		socklen_t sl = sizeof(sa);
		if (n->fd4 >= 0 && getsockname(n->fd4, (struct sockaddr *)&sa, &sl) == 0)
			n->port = ntohs(sa.sin_port);
	}
	if (n->fd4 < 0 && n->fd6 < 0) {
		msg("mDNS: cannot use UDP port %d: %s", MDNS_PORT, strerror(errno));
		return -1;
	}
	if ((n->fd4 >= 0 && loop_add(l, &n->w4, n->fd4, on_readable4, EPOLLIN) != 0) ||
	    (n->fd6 >= 0 && loop_add(l, &n->w6, n->fd6, on_readable6, EPOLLIN) != 0)) {
		mdns_net_close(n);
		return -1;
	}
	/* Without netlink we still work, we just miss interface changes. */
	n->nl = open_netlink();
	if (n->nl >= 0 && loop_add(l, &n->wnl, n->nl, on_netlink, EPOLLIN) != 0) {
		close(n->nl);
		n->nl = -1;
	}
	struct mdns_iface none[MDNS_MAX_IFACES];
	int nnone;
	rescan(n, none, &nnone);
	return 0;
}

void mdns_net_close(struct mdns_net *n)
{
	struct watch *ws[3] = { &n->w4, &n->w6, &n->wnl };
	int *fds[3] = { &n->fd4, &n->fd6, &n->nl };
	for (int i = 0; i < 3; i++) {
		if (*fds[i] < 0)
			continue;
		loop_del(n->loop, ws[i]);
		close(*fds[i]);
		*fds[i] = -1;
	}
	loop_timer_cancel(n->loop, &n->rescan);
}

/* The interface is chosen with IP_MULTICAST_IF, and for IPv6 by the scope
 * of ff02::fb too. Where that option is missing (qemu-user) the route to
 * 224.0.0.0/4 decides, which is right on a one-interface host. */
void mdns_net_multicast(struct mdns_net *n, const struct mdns_iface *f, const uint8_t *buf,
			size_t len)
{
	if (n->fd4 >= 0 && f->n4) {
		struct ip_mreqn mr = { .imr_ifindex = f->index };
		struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(MDNS_PORT),
					  .sin_addr = mdns_group4() };
		setsockopt(n->fd4, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof(mr));
		sendto(n->fd4, buf, len, 0, (struct sockaddr *)&to, sizeof(to));
	}
	if (n->fd6 >= 0 && f->n6) {
		unsigned idx = (unsigned)f->index;
		struct sockaddr_in6 to = { .sin6_family = AF_INET6, .sin6_port = htons(MDNS_PORT),
					   .sin6_addr = group6, .sin6_scope_id = idx };
		setsockopt(n->fd6, IPPROTO_IPV6, IPV6_MULTICAST_IF, &idx, sizeof(idx));
		sendto(n->fd6, buf, len, 0, (struct sockaddr *)&to, sizeof(to));
	}
}

/* Whether the first PLEN bits of A and B are the same. */
static bool same_prefix(const uint8_t *a, const uint8_t *b, unsigned plen)
{
	unsigned bytes = plen / 8, bits = plen % 8;
	uint8_t mask = (uint8_t)(0xff00u >> bits);
	return memcmp(a, b, bytes) == 0 && (bits == 0 || ((a[bytes] ^ b[bytes]) & mask) == 0);
}

bool mdns_net_on_link(const struct mdns_iface *f, const struct sockaddr_storage *from)
{
	static const uint8_t ll4[] = { 169, 254 }, lo4[] = { 127 }, ll6[] = { 0xfe, 0x80 };

	if (from->ss_family == AF_INET) {
		struct in_addr src = ((const struct sockaddr_in *)(const void *)from)->sin_addr;
		const uint8_t *a = (const uint8_t *)&src.s_addr;
		if (same_prefix(a, ll4, 16) || same_prefix(a, lo4, 8))
			return true;
		for (int k = 0; k < f->n4; k++)
			if (((src.s_addr ^ f->v4[k].s_addr) & f->mask4[k].s_addr) == 0)
				return true;
		return false;
	}
	if (from->ss_family != AF_INET6)
		return false;
	const struct in6_addr *src = &((const struct sockaddr_in6 *)(const void *)from)->sin6_addr;
	if (same_prefix(src->s6_addr, ll6, 10) || IN6_IS_ADDR_LOOPBACK(src))
		return true;
	for (int k = 0; k < f->n6; k++)
		if (same_prefix(src->s6_addr, f->v6[k].s6_addr, f->plen6[k]))
			return true;
	return false;
}

int mdns_net_unicast(struct mdns_net *n, const struct sockaddr_storage *to, const uint8_t *buf,
		     size_t len)
{
	bool v6 = to->ss_family == AF_INET6;
	int fd = v6 ? n->fd6 : n->fd4;
	if (fd < 0)
		return -1;
	return sendto(fd, buf, len, 0, (const struct sockaddr *)to,
		      v6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in)) < 0 ? -1 : 0;
}
