/* t_net.c - host:port parsing. */
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
