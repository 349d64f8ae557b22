/* t_resolve.c - the resolver's pure parts: hosts and resolv.conf lines,
 * picking addresses out of a DNS answer; /etc/passwd lines; read_line. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>

#include "chatbox.h"
#include "passwd.h"
#include "resolve.h"
#include "unit.h"

static bool is_addr(const struct net_addr *a, const char *want, unsigned port)
{
	char buf[NET_ADDRSTR_MAX];
	const struct sockaddr_in *in = (const void *)&a->ss;
	return strcmp(net_ntop((const struct sockaddr *)&a->ss, buf), want) == 0 &&
	       ntohs(in->sin_port) == port; /* sin6_port is at the same place */
}

UNIT(resolve_hosts_lines)
{
	struct net_addr a;
	char l1[] = "127.0.0.1\tlocalhost  # the loopback", l2[] = "::1 ip6-localhost localhost",
	     l3[] = "10.0.0.5 Box box.lan", l4[] = "1.2.3.4 other # chat.test",
	     l5[] = "not-an-address chat.test", l6[] = "   # only a comment", l7[] = "",
	     l8[] = "fe80::1%1 linky", l9[] = "10.0.0.6 chat.test.example";
	CHECK(resolve_hosts_line(l1, "localhost", 6667, &a) && is_addr(&a, "127.0.0.1", 6667));
	CHECK(resolve_hosts_line(l2, "localhost", 7000, &a) && is_addr(&a, "::1", 7000));
	CHECK(resolve_hosts_line(l3, "BOX.lan", 1, &a) && is_addr(&a, "10.0.0.5", 1));
	CHECK(!resolve_hosts_line(l4, "chat.test", 1, &a));
	CHECK(!resolve_hosts_line(l5, "chat.test", 1, &a));
	CHECK(!resolve_hosts_line(l6, "chat.test", 1, &a));
	CHECK(!resolve_hosts_line(l7, "chat.test", 1, &a));
	CHECK(resolve_hosts_line(l8, "linky", 1, &a) &&
	      ((struct sockaddr_in6 *)&a.ss)->sin6_scope_id == 1);
	CHECK(!resolve_hosts_line(l9, "chat.test", 1, &a));
}

UNIT(resolve_conf_nameservers)
{
	struct resolv_conf c = { .nns = 0 };
	char lines[][64] = { "# nameserver 9.9.9.9", "search lan", "nameserver 192.168.1.1",
			     "nameservers 8.8.8.8", "nameserver", "nameserver bogus",
			     "nameserver ::1 ; trailing", "options ndots:2",
			     "nameserver\t10.0.0.1", "nameserver 10.0.0.2" };
	for (size_t i = 0; i < ARRAY_LEN(lines); i++)
		resolve_conf_line(lines[i], &c);
	CHECK(c.nns == 3); /* the fourth is past RESOLVE_NS_MAX */
	CHECK(is_addr(&c.ns[0], "192.168.1.1", 53));
	CHECK(is_addr(&c.ns[1], "::1", 53));
	CHECK(is_addr(&c.ns[2], "10.0.0.1", 53));
}

static struct dns_rr rec(const char *name, uint16_t type, const void *rdata, uint16_t rdlen)
{
	struct dns_rr rr;
	memset(&rr, 0, sizeof(rr));
	dns_name_from_str(&rr.name, name);
	rr.type = type;
	rr.rclass = DNS_C_IN;
	rr.ttl = 60;
	rr.rdata = rdata;
	rr.rdlen = rdlen;
	return rr;
}

/* A response to ID's question QNAME/QTYPE with RCODE and the records. */
static size_t answer(uint8_t *buf, size_t cap, uint16_t id, uint16_t flags, const char *qname,
		     uint16_t qtype, const struct dns_rr *an, int nan)
{
	struct dns_writer w;
	struct dns_rr q = rec(qname, qtype, NULL, 0);
	dns_writer_init(&w, buf, cap, id, flags);
	CHECK(dns_write(&w, DNS_QD, &q));
	for (int i = 0; i < nan; i++)
		CHECK(dns_write(&w, DNS_AN, &an[i]));
	return dns_writer_finish(&w);
}

UNIT(resolve_answer_takes_only_its_names_addresses)
{
	static const uint8_t v4[4] = { 10, 0, 0, 1 }, v4b[4] = { 10, 9, 9, 9 },
			     v6[16] = { 0xfd, [15] = 1 };
	struct dns_name qname, real;
	uint8_t buf[512];
	struct net_addr out[4];
	int n = 0;
	dns_name_from_str(&qname, "Chat.Test");
	dns_name_from_str(&real, "real.test");
	const struct dns_rr an[] = {
		rec("other.test", DNS_T_A, v4b, 4), /* not asked about */
		rec("real.test", DNS_T_A, v4, 4),   /* before the CNAME that leads to it */
		rec("chat.test", DNS_T_CNAME, real.wire, real.len),
		rec("real.test", DNS_T_AAAA, v6, 16), /* another type */
	};
	size_t len = answer(buf, sizeof(buf), 0x4242, DNS_F_QR | DNS_F_RD, "chat.test", DNS_T_A, an, 4);

	CHECK(resolve_answer(buf, len, 0x4242, &qname, DNS_T_A, 6667, out, &n, 4) == 0);
	CHECK(n == 1 && is_addr(&out[0], "10.0.0.1", 6667));
	n = 0;
	CHECK(resolve_answer(buf, len, 0x4243, &qname, DNS_T_A, 6667, out, &n, 4) == -1);
	CHECK(resolve_answer(buf, len, 0x4242, &qname, DNS_T_AAAA, 6667, out, &n, 4) == -1);
	CHECK(resolve_answer(buf, len, 0x4242, &real, DNS_T_A, 6667, out, &n, 4) == -1);
	/* cut short in the last record: what came whole before it counts */
	CHECK(resolve_answer(buf, len - 1, 0x4242, &qname, DNS_T_A, 6667, out, &n, 4) == 0 && n == 1);
	n = 0;

	/* our own query coming back (no QR) is not an answer */
	len = answer(buf, sizeof(buf), 7, DNS_F_RD, "chat.test", DNS_T_A, an, 2);
	CHECK(resolve_answer(buf, len, 7, &qname, DNS_T_A, 1, out, &n, 4) == -1);
	/* NXDOMAIN: its rcode, no address */
	len = answer(buf, sizeof(buf), 7, DNS_F_QR | 3, "chat.test", DNS_T_A, NULL, 0);
	CHECK(resolve_answer(buf, len, 7, &qname, DNS_T_A, 1, out, &n, 4) == 3);
	CHECK(n == 0);
	/* the AAAA answer, bounded by MAX */
	const struct dns_rr six[] = { rec("chat.test", DNS_T_AAAA, v6, 16),
				      rec("chat.test", DNS_T_AAAA, v6, 16) };
	len = answer(buf, sizeof(buf), 8, DNS_F_QR, "chat.test", DNS_T_AAAA, six, 2);
	CHECK(resolve_answer(buf, len, 8, &qname, DNS_T_AAAA, 2, out, &n, 1) == 0 && n == 1 &&
	      is_addr(&out[0], "fd00::1", 2));
}

UNIT(resolve_answer_survives_a_cname_loop)
{
	static const uint8_t v4[4] = { 10, 0, 0, 1 };
	struct dns_name a, b;
	uint8_t buf[512];
	struct net_addr out[2];
	int n = 0;
	dns_name_from_str(&a, "a.test");
	dns_name_from_str(&b, "b.test");
	const struct dns_rr an[] = { rec("a.test", DNS_T_CNAME, b.wire, b.len),
				     rec("b.test", DNS_T_CNAME, a.wire, a.len),
				     rec("a.test", DNS_T_A, v4, 4) };
	size_t len = answer(buf, sizeof(buf), 9, DNS_F_QR, "a.test", DNS_T_A, an, 3);
	/* RESOLVE_CNAME_MAX (even) links from a.test lead back to a.test */
	CHECK(resolve_answer(buf, len, 9, &a, DNS_T_A, 1, out, &n, 2) == 0 && n == 1);
}

UNIT(passwd_lines)
{
	struct passwd_ids id = { 1, 1 };
	CHECK(passwd_line("root:x:0:0:root:/root:/bin/ash", "root", &id) && id.uid == 0 && id.gid == 0);
	CHECK(passwd_line("nobody:*:65534:65533:nobody:/var:/bin/false", "nobody", &id) &&
	      id.uid == 65534 && id.gid == 65533);
	CHECK(passwd_line("chat:x:4000000000:7", "chat", &id) && id.uid == 4000000000u && id.gid == 7);
	CHECK(!passwd_line("nobody:x:1:1::/:", "nob", &id));
	CHECK(!passwd_line("nob:x:1:1::/:", "nobody", &id));
	CHECK(!passwd_line("bad:x:abc:1::/:", "bad", &id));
	CHECK(!passwd_line("bad:x::1::/:", "bad", &id));
	CHECK(!passwd_line("short:x:5", "short", &id));
	CHECK(!passwd_line("minus:x:4294967295:1::/:", "minus", &id));
	CHECK(!passwd_line(":x:1:1::/:", "", &id));
}

UNIT(read_line_skips_long_lines_whole)
{
	char text[700], buf[16];
	memset(text, 'x', sizeof(text));
	memcpy(text, "one\n", 4);
	memcpy(text + 600, "\ntwo\nthree", 10);
	text[610] = '\0';
	FILE *f = fmemopen(text, strlen(text), "r");
	CHECK(f != NULL);
	if (!f)
		return;
	CHECK(read_line(f, buf, sizeof(buf)) && strcmp(buf, "one") == 0);
	CHECK(read_line(f, buf, sizeof(buf)) && strcmp(buf, "two") == 0);
	CHECK(read_line(f, buf, sizeof(buf)) && strcmp(buf, "three") == 0);
	CHECK(!read_line(f, buf, sizeof(buf)));
	fclose(f);
}
