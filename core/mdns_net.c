/* mdns_net.c - mDNS sockets, group membership per interface, and the
 * interface table kept fresh by netlink (RFC 6762 11, 15). */
#include "mdns.h"
#include "chatbox.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
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

static struct mdns_iface *iface_get(struct mdns_iface *ifs, int *nifs, const char *name)
{
	char base[IF_NAMESIZE];
	unsigned idx;

	strlcpy_ok(base, name, sizeof(base));
	base[strcspn(base, ":")] = '\0'; /* IPv4 labels like eth0:1 */
	idx = if_nametoindex(base);
	if (idx == 0)
		return NULL;
	for (int i = 0; i < *nifs; i++)
		if (ifs[i].index == (int)idx)
			return &ifs[i];
	if (*nifs == MDNS_MAX_IFACES)
		return NULL;
	struct mdns_iface *f = &ifs[(*nifs)++];
	memset(f, 0, sizeof(*f));
	f->index = (int)idx;
	strlcpy_ok(f->name, base, sizeof(f->name));
	return f;
}

/* The up, multicast, non-loopback interfaces with an address. */
static int scan_ifaces(struct mdns_iface *ifs)
{
	struct ifaddrs *all, *a;
	int nifs = 0;

	if (getifaddrs(&all) != 0)
		return 0;
	for (a = all; a; a = a->ifa_next) {
		unsigned fl = a->ifa_flags;
		if (!a->ifa_addr || !(fl & IFF_UP) || !(fl & IFF_MULTICAST) || (fl & IFF_LOOPBACK))
			continue;
		int fam = a->ifa_addr->sa_family;
		if (fam != AF_INET && fam != AF_INET6)
			continue;
		struct mdns_iface *f = iface_get(ifs, &nifs, a->ifa_name);
		if (!f)
			continue;
		if (fam == AF_INET && f->n4 < MDNS_MAX_ADDRS) {
			f->v4[f->n4] = ((struct sockaddr_in *)(void *)a->ifa_addr)->sin_addr;
			f->mask4[f->n4++] = a->ifa_netmask ?
				((struct sockaddr_in *)(void *)a->ifa_netmask)->sin_addr :
				(struct in_addr){ 0xffffffffu };
		} else if (fam == AF_INET6 && f->n6 < MDNS_MAX_ADDRS) {
			f->v6[f->n6++] = ((struct sockaddr_in6 *)(void *)a->ifa_addr)->sin6_addr;
		}
	}
	freeifaddrs(all);
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

/* Read the table again; true if it changed (then the new one is joined). */
static bool rescan(struct mdns_net *n)
{
	struct mdns_iface ifs[MDNS_MAX_IFACES];
	int nifs = scan_ifaces(ifs);
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
	(void)l;
	if (rescan(n) && n->on_ifaces)
		n->on_ifaces(n);
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

static void recv_batch(struct mdns_net *n, int fd)
{
	static uint8_t buf[MDNS_PKT_MAX];
	union {
		char b[CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_SPACE(sizeof(struct in_pktinfo))];
		struct cmsghdr align;
	} ctl;

	/* A bounded batch per wakeup, so one noisy peer cannot starve the loop. */
	for (int i = 0; i < 16; i++) {
		struct sockaddr_storage from;
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

int mdns_net_open(struct mdns_net *n, struct loop *l, bool any_port, mdns_packet_fn *pkt,
		  mdns_ifaces_fn *ifs)
{
	memset(n, 0, sizeof(*n));
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
		struct sockaddr_in sa;
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
	rescan(n);
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

void mdns_net_multicast(struct mdns_net *n, const struct mdns_iface *f, const uint8_t *buf,
			size_t len)
{
	if (n->fd4 >= 0 && f->n4) {
		struct ip_mreqn mr = { .imr_ifindex = f->index };
		struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(MDNS_PORT),
					  .sin_addr = mdns_group4() };
		if (setsockopt(n->fd4, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof(mr)) == 0)
			sendto(n->fd4, buf, len, 0, (struct sockaddr *)&to, sizeof(to));
	}
	if (n->fd6 >= 0 && f->n6) {
		unsigned idx = (unsigned)f->index;
		struct sockaddr_in6 to = { .sin6_family = AF_INET6, .sin6_port = htons(MDNS_PORT),
					   .sin6_addr = group6, .sin6_scope_id = idx };
		if (setsockopt(n->fd6, IPPROTO_IPV6, IPV6_MULTICAST_IF, &idx, sizeof(idx)) == 0)
			sendto(n->fd6, buf, len, 0, (struct sockaddr *)&to, sizeof(to));
	}
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
