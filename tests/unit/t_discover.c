/* t_discover.c - what chat-discover and chat-client make of a found service. */
#include "discover.h"
#include "unit.h"

#include <arpa/inet.h>
#include <net/if.h>

static struct mdns_browser b;

static const struct mdns_found *fake_service(void)
{
	static const uint8_t v4[4] = { 192, 168, 1, 2 };
	static const uint8_t v6[16] = { 0xfe, 0x80, [15] = 1 };
	struct mdns_found *f = &b.found[0];
	struct mdns_host *h = &b.hosts[0];

	memset(&b, 0, sizeof(b));
	f->used = f->have_srv = f->have_txt = true;
	strcpy(f->instance, "Ana's\tbox\033[2J");
	dns_name_from_str(&f->name, "_irc._tcp.local");
	dns_name_prepend(&f->name, f->instance, strlen(f->instance));
	dns_name_from_str(&f->target, "ana-chat.local");
	f->port = 6697;
	memcpy(f->txt, "\x09txtvers=1\x07plain=1\x00\x05" "a\tb=c", 25);
	f->txtlen = 25;
	h->used = true;
	h->name = f->target;
	h->addr[0].family = AF_INET6; /* first on the wire, shown second */
	memcpy(h->addr[0].a, v6, 16);
	h->addr[0].ifindex = (int)if_nametoindex("lo");
	h->addr[1].family = AF_INET;
	memcpy(h->addr[1].a, v4, 4);
	h->naddr = 2;
	return f;
}

UNIT(discover_info_is_printable_and_prefers_ipv4)
{
	struct discover_info in;
	discover_info(&b, fake_service(), &in);
	CHECK_STR(in.name, "Ana's box[2J");
	CHECK_STR(in.host, "ana-chat.local");
	CHECK(in.port == 6697);
	CHECK_STR(in.connect, "192.168.1.2");
	CHECK_STR(in.addrs, "192.168.1.2,fe80::1%lo");
	CHECK_STR(in.txt, "txtvers=1\tplain=1\ta b=c");
	CHECK_STR(in.details, "plain=1 a b=c");
}

UNIT(discover_info_without_ipv4_connects_over_scoped_ipv6)
{
	struct discover_info in;
	const struct mdns_found *f = fake_service();
	b.hosts[0].naddr = 1;
	discover_info(&b, f, &in);
	CHECK_STR(in.connect, "fe80::1%lo");
	b.hosts[0].naddr = 0; /* no address: nothing to connect to */
	discover_info(&b, f, &in);
	CHECK_STR(in.connect, "");
	CHECK_STR(in.addrs, "");
}

/* The one policy (core/textsafe.h) for names, hosts and TXT: C1 (raw or
 * UTF-8), bidi controls and invalid UTF-8 never reach the terminal. */
UNIT(discover_info_cleans_hostile_text)
{
	static const char hostile[] = "a\x1b[31m\x9b" "b\xc2\x9b" "c\xe2\x80\xae" "d\xe2\x81\xa6" "e\xff";
	struct discover_info in;
	const struct mdns_found *f = fake_service();
	struct mdns_found *w = &b.found[0];

	strcpy(w->instance, hostile);
	w->txtlen = (uint16_t)(1 + sizeof(hostile) - 1);
	w->txt[0] = (uint8_t)(sizeof(hostile) - 1);
	memcpy(w->txt + 1, hostile, sizeof(hostile) - 1);
	dns_name_from_str(&w->target, "h\x9b\x1b.local");
	discover_info(&b, f, &in);
	CHECK_STR(in.name, "a[31m\xef\xbf\xbd" "bcde\xef\xbf\xbd");
	CHECK_STR(in.txt, in.name);
	CHECK_STR(in.host, "h\xef\xbf\xbd.local");
}

UNIT(discover_name_cuts_whole_characters)
{
	char out[DISCOVER_FIELD_MAX], big[DNS_LABEL_MAX + 1];
	memset(big, 0xff, DNS_LABEL_MAX); /* each one U+FFFD: 3 bytes */
	big[DNS_LABEL_MAX] = '\0';
	discover_name(out, big);
	CHECK(strlen(out) == 3 * DNS_LABEL_MAX);
}

static struct sockaddr_storage from(int family, const char *addr)
{
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof(ss));
	ss.ss_family = (sa_family_t)family;
	if (family == AF_INET)
		inet_pton(AF_INET, addr, &((struct sockaddr_in *)(void *)&ss)->sin_addr);
	else
		inet_pton(AF_INET6, addr, &((struct sockaddr_in6 *)(void *)&ss)->sin6_addr);
	return ss;
}

/* RFC 6762 11: responses count only from the link they came in on. */
UNIT(mdns_on_link_is_the_subnet_link_local_or_loopback)
{
	struct mdns_iface f = { .n4 = 1, .n6 = 1, .plen6 = { 64 } };
	struct sockaddr_storage ss;
	inet_pton(AF_INET, "10.77.5.1", &f.v4[0]);
	inet_pton(AF_INET, "255.255.255.0", &f.mask4[0]);
	inet_pton(AF_INET6, "fd00:1:2:3::1", &f.v6[0]);
	static const struct { int family; const char *addr; bool on; } cases[] = {
		{ AF_INET, "10.77.5.200", true },   { AF_INET, "10.77.6.1", false },
		{ AF_INET, "10.99.0.1", false },    { AF_INET, "169.254.7.7", true },
		{ AF_INET, "127.0.0.1", true },     { AF_INET6, "fe80::1", true },
		{ AF_INET6, "febf::1", true },      { AF_INET6, "fec0::1", false },
		{ AF_INET6, "fd00:1:2:3::99", true }, { AF_INET6, "fd00:1:2:4::1", false },
		{ AF_INET6, "fd99::1", false },     { AF_INET6, "::1", true },
		{ AF_INET6, "2001:db8::1", false },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ss = from(cases[i].family, cases[i].addr);
		if (mdns_net_on_link(&f, &ss) != cases[i].on)
			CHECK_STR(cases[i].addr, cases[i].on ? "on-link" : "off-link");
	}
	f.plen6[0] = 60; /* a shorter prefix takes more */
	ss = from(AF_INET6, "fd00:1:2:4::1");
	CHECK(mdns_net_on_link(&f, &ss));
	ss.ss_family = AF_UNIX;
	CHECK(!mdns_net_on_link(&f, &ss));
}
