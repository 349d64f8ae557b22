/* t_net.c - host:port parsing, keepalive. */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net.h"
#include "unit.h"

UNIT(net_split_hostport_forms)
{
	char h[NET_HOST_MAX];
	unsigned port = 6667;
	CHECK(net_split_hostport("router", h, &port) && strcmp(h, "router") == 0 && port == 6667);
	CHECK(net_split_hostport("192.168.1.1:7000", h, &port) && strcmp(h, "192.168.1.1") == 0 &&
	      port == 7000);
	port = 1;
	CHECK(net_split_hostport("[fe80::1%wlan0]:6667", h, &port) &&
	      strcmp(h, "fe80::1%wlan0") == 0 && port == 6667);
	CHECK(net_split_hostport("::1", h, &port) && strcmp(h, "::1") == 0);
	CHECK(!net_split_hostport("host:0", h, &port));
	CHECK(!net_split_hostport("host:99999", h, &port));
	CHECK(!net_split_hostport("[::1", h, &port));
	CHECK(!net_split_hostport("[::1]x", h, &port));
	CHECK(!net_split_hostport(":6667", h, &port));
}

/* Read back what net_keepalive() set on a TCP socket. */
static int tcp_opt(int fd, int level, int name)
{
	int v = -1;
	socklen_t len = sizeof(v);
	return getsockopt(fd, level, name, &v, &len) == 0 ? v : -1;
}

UNIT(net_keepalive_follows_the_timeout)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0), sv[2];
	CHECK(fd >= 0);
	CHECK(net_keepalive(fd, 180) == 0);
	CHECK(tcp_opt(fd, SOL_SOCKET, SO_KEEPALIVE) == 1);
	CHECK(tcp_opt(fd, IPPROTO_TCP, TCP_KEEPIDLE) == 90);
	CHECK(tcp_opt(fd, IPPROTO_TCP, TCP_KEEPINTVL) == 30);
	CHECK(tcp_opt(fd, IPPROTO_TCP, TCP_KEEPCNT) == 3);
	CHECK(tcp_opt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT) == 180000);
	/* The extremes of -T stay within what the kernel takes. */
	CHECK(net_keepalive(fd, 1) == 0 && tcp_opt(fd, IPPROTO_TCP, TCP_KEEPIDLE) == 1 &&
	      tcp_opt(fd, IPPROTO_TCP, TCP_KEEPINTVL) == 1);
	CHECK(net_keepalive(fd, 86400) == 0 && tcp_opt(fd, IPPROTO_TCP, TCP_KEEPIDLE) == 32767);
	close(fd);
	/* Not TCP: the failure is reported, not ignored. */
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	CHECK(net_keepalive(sv[0], 180) == -1);
	close(sv[0]);
	close(sv[1]);
}
