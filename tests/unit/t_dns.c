/* t_dns.c - the DNS codec: exact bytes, round trips, hostile packets. */
#include "dns.h"
#include "unit.h"

#include <stdint.h>

static struct dns_rr rr_of(const char *name, uint16_t type, uint32_t ttl)
{
	struct dns_rr rr;
	memset(&rr, 0, sizeof(rr));
	dns_name_from_str(&rr.name, name);
	rr.type = type;
	rr.rclass = DNS_C_IN;
	rr.ttl = ttl;
	return rr;
}

UNIT(dns_writes_exact_bytes_big_endian)
{
	uint8_t buf[512];
	struct dns_writer w;
	struct dns_rr q = rr_of("_irc._tcp.local", DNS_T_PTR, 0);
	q.top = true;
	dns_writer_init(&w, buf, sizeof(buf), 0x1234, 0);
	CHECK(dns_write(&w, DNS_QD, &q));
	static const uint8_t want[] = {
		0x12, 0x34, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0,
		4, '_', 'i', 'r', 'c', 4, '_', 't', 'c', 'p', 5, 'l', 'o', 'c', 'a', 'l', 0,
		0, 12, 0x80, 1,
	};
	CHECK(dns_writer_finish(&w) == sizeof(want));
	CHECK(memcmp(buf, want, sizeof(want)) == 0);
}

UNIT(dns_compresses_repeated_suffixes)
{
	uint8_t buf[512];
	struct dns_writer w;
	struct dns_rr ptr = rr_of("_irc._tcp.local", DNS_T_PTR, 4500);
	ptr.target = ptr.name;
	CHECK(dns_name_prepend(&ptr.target, "box chat", 8));
	struct dns_rr srv = rr_of("x", DNS_T_SRV, 120);
	srv.name = ptr.target;
	srv.top = true;
	srv.port = 6667;
	srv.priority = 0x0102;
	srv.weight = 0x0304;
	dns_name_from_str(&srv.target, "box-chat.local");

	dns_writer_init(&w, buf, sizeof(buf), 0, DNS_F_QR | DNS_F_AA);
	CHECK(dns_write(&w, DNS_AN, &ptr));
	CHECK(dns_write(&w, DNS_AR, &srv));
	size_t len = dns_writer_finish(&w);
	/* header 12 + PTR (name 17, 10 fixed, rdata "box chat"+ptr = 11)
	 * + SRV (ptr 2, 10 fixed, 6 + uncompressed target 16) */
	CHECK(len == 12 + 17 + 10 + 11 + 2 + 10 + 6 + 16);
	CHECK(buf[2] == 0x84 && buf[7] == 1 && buf[11] == 1);
	/* the SRV name is a pointer to the PTR's rdata */
	CHECK(buf[12 + 17 + 10 + 11] == 0xc0 && buf[12 + 17 + 10 + 11 + 1] == 12 + 17 + 10);

	struct dns_reader r;
	struct dns_rr got;
	CHECK(dns_reader_init(&r, buf, len) == 0);
	CHECK(r.h.flags == (DNS_F_QR | DNS_F_AA) && r.h.count[DNS_AN] == 1 && r.h.count[DNS_AR] == 1);
	CHECK(dns_read(&r, &got) == 1);
	CHECK(got.section == DNS_AN && got.type == DNS_T_PTR && got.ttl == 4500 && !got.top);
	CHECK(dns_name_eq(&got.name, &ptr.name) && dns_name_eq(&got.target, &ptr.target));
	CHECK(dns_rr_same_data(&got, &ptr));
	CHECK(dns_read(&r, &got) == 1);
	CHECK(got.section == DNS_AR && got.type == DNS_T_SRV && got.top && got.ttl == 120);
	CHECK(got.port == 6667 && got.priority == 0x0102 && got.weight == 0x0304);
	CHECK(dns_name_eq(&got.name, &srv.name) && dns_name_eq(&got.target, &srv.target));
	CHECK(dns_rr_same_data(&got, &srv));
	got.port = 6668;
	CHECK(!dns_rr_same_data(&got, &srv));
	CHECK(dns_read(&r, &got) == 0);
	CHECK(dns_parse(buf, len) == 2);
}

UNIT(dns_reads_raw_rdata_and_ttl_byte_order)
{
	static const uint8_t pkt[] = {
		0, 0, 0x84, 0, 0, 0, 0, 2, 0, 0, 0, 0,
		1, 'h', 5, 'l', 'o', 'c', 'a', 'l', 0, 0, 1, 0x80, 1, 0x01, 0x02, 0x03, 0x04,
		0, 4, 192, 168, 1, 2,
		0xc0, 12, 0, 16, 0, 1, 0, 0, 0x11, 0x94, 0, 4, 3, 'a', '=', 'b',
	};
	struct dns_reader r;
	struct dns_rr rr;
	char s[DNS_NAME_STR_MAX];
	CHECK(dns_reader_init(&r, pkt, sizeof(pkt)) == 0);
	CHECK(dns_read(&r, &rr) == 1);
	CHECK(rr.type == DNS_T_A && rr.top && rr.rclass == DNS_C_IN && rr.ttl == 0x01020304);
	CHECK(rr.rdlen == 4 && rr.rdata[0] == 192 && rr.rdata[3] == 2);
	CHECK_STR(dns_name_str(&rr.name, s), "h.local.");
	CHECK(dns_read(&r, &rr) == 1);
	CHECK(rr.type == DNS_T_TXT && rr.ttl == 4500 && rr.rdlen == 4 && rr.rdata[1] == 'a');
	CHECK_STR(dns_name_str(&rr.name, s), "h.local.");
	CHECK(dns_read(&r, &rr) == 0);
}

UNIT(dns_instance_labels_keep_dots_and_spaces)
{
	struct dns_name type, n;
	char label[DNS_LABEL_MAX + 1], s[DNS_NAME_STR_MAX];
	CHECK(dns_name_from_str(&type, "_irc._tcp.local"));
	n = type;
	CHECK(dns_name_prepend(&n, "Ana's chat. v2\\x", 16));
	CHECK(dns_name_child_of(&n, &type, label));
	CHECK_STR(label, "Ana's chat. v2\\x");
	CHECK_STR(dns_name_str(&n, s), "Ana's chat\\. v2\\\\x._irc._tcp.local.");
	CHECK(!dns_name_child_of(&type, &type, label));
	struct dns_name upper;
	CHECK(dns_name_from_str(&upper, "_IRC._TCP.Local"));
	CHECK(dns_name_eq(&upper, &type));
	CHECK(dns_name_child_of(&n, &upper, NULL));
	/* bytes stay as they came (text_safe() is the printing policy), but
	 * a NUL, which would end the string early, is escaped */
	n = type;
	CHECK(dns_name_prepend(&n, "a\033[2J\0b", 7));
	CHECK_STR(dns_name_str(&n, s), "a\033[2J\\000b._irc._tcp.local.");
}

UNIT(dns_name_limits)
{
	struct dns_name n;
	char label[70];
	memset(label, 'a', sizeof(label));
	CHECK(dns_name_from_str(&n, ""));
	CHECK(n.len == 1);
	CHECK(!dns_name_prepend(&n, label, 64));
	CHECK(dns_name_prepend(&n, label, 63));
	CHECK(dns_name_prepend(&n, label, 63));
	CHECK(dns_name_prepend(&n, label, 63));
	CHECK(n.len == 193);
	CHECK(dns_name_prepend(&n, label, 61)); /* 255 */
	CHECK(n.len == 255);
	CHECK(!dns_name_prepend(&n, label, 1));
	CHECK(!dns_name_from_str(&n, "a..b"));
	char long_name[300];
	memset(long_name, 'b', sizeof(long_name));
	long_name[64] = '\0';
	CHECK(!dns_name_from_str(&n, long_name));
}

/* A header with one question and NAME bytes, then type and class. */
static size_t question_packet(uint8_t *buf, const uint8_t *name, size_t nlen)
{
	static const uint8_t hdr[12] = { 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0 };
	memcpy(buf, hdr, 12);
	memcpy(buf + 12, name, nlen);
	memcpy(buf + 12 + nlen, "\0\x0c\0\x01", 4);
	return 12 + nlen + 4;
}

UNIT(dns_rejects_bad_pointers)
{
	uint8_t buf[600];
	/* a pointer to itself, forward, past the end, into the header */
	CHECK(dns_parse(buf, question_packet(buf, (const uint8_t *)"\xc0\x0c", 2)) == -1);
	CHECK(dns_parse(buf, question_packet(buf, (const uint8_t *)"\x01" "a\xc0\x20", 4)) == -1);
	CHECK(dns_parse(buf, question_packet(buf, (const uint8_t *)"\xff\xff", 2)) == -1);
	CHECK(dns_parse(buf, question_packet(buf, (const uint8_t *)"\xc0\x02", 2)) == -1);
	/* a pointer cut by the end of the packet */
	CHECK(dns_parse(buf, 12 + 1) == -1);
	/* extended label types 0x40 and 0x80 */
	CHECK(dns_parse(buf, question_packet(buf, (const uint8_t *)"\x41" "a\0", 3)) == -1);
	CHECK(dns_parse(buf, question_packet(buf, (const uint8_t *)"\x81" "a\0", 3)) == -1);
	/* a good backward pointer */
	static const uint8_t two[] = { 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0,
				       1, 'a', 0, 0, 1, 0, 1, 1, 'b', 0xc0, 12, 0, 1, 0, 1 };
	CHECK(dns_parse(two, sizeof(two)) == 2);
}

UNIT(dns_hop_cap_stops_pointer_chains)
{
	/* "a" at 12, then N questions whose name is a pointer to the name
	 * of the question before: the K-th needs K hops */
	uint8_t buf[200];
	size_t len = 12;
	int n = DNS_MAX_HOPS + 2;
	memset(buf, 0, 12);
	buf[5] = (uint8_t)(n + 1);
	memcpy(buf + len, "\x01" "a\0\0\x01\0\x01", 7);
	size_t prev = len;
	len += 7;
	for (int i = 0; i < n; i++) {
		size_t here = len;
		buf[len++] = 0xc0;
		buf[len++] = (uint8_t)prev;
		memcpy(buf + len, "\0\x01\0\x01", 4);
		len += 4;
		prev = here;
	}
	CHECK(dns_parse(buf, len) == -1);
	struct dns_reader r;
	struct dns_rr rr;
	CHECK(dns_reader_init(&r, buf, len) == 0);
	int ok = 0;
	while (dns_read(&r, &rr) == 1)
		ok++;
	CHECK(ok == DNS_MAX_HOPS + 1); /* "a" and chains of 1..DNS_MAX_HOPS hops */
}

UNIT(dns_rejects_long_names_and_bad_rdata)
{
	uint8_t buf[600], name[300];
	size_t l = 0;
	for (int i = 0; i < 5; i++) { /* 5 x 52 = 260 > 255 */
		name[l++] = 51;
		memset(name + l, 'x', 51);
		l += 51;
	}
	name[l++] = 0;
	CHECK(dns_parse(buf, question_packet(buf, name, l)) == -1);
	/* rdlength past the end */
	static const uint8_t rd[] = { 0, 0, 0x84, 0, 0, 0, 0, 1, 0, 0, 0, 0,
				      0, 0, 1, 0, 1, 0, 0, 0, 1, 0, 5, 1, 2, 3, 4 };
	CHECK(dns_parse(rd, sizeof(rd)) == -1);
	/* an A record of 5 bytes, an SRV too short */
	static const uint8_t a5[] = { 0, 0, 0x84, 0, 0, 0, 0, 1, 0, 0, 0, 0,
				      0, 0, 1, 0, 1, 0, 0, 0, 1, 0, 5, 1, 2, 3, 4, 5 };
	CHECK(dns_parse(a5, sizeof(a5)) == -1);
	static const uint8_t srv[] = { 0, 0, 0x84, 0, 0, 0, 0, 1, 0, 0, 0, 0,
				       0, 0, 33, 0, 1, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0x1a, 0x0b };
	CHECK(dns_parse(srv, sizeof(srv)) == -1);
	/* a PTR whose name runs out of its rdata */
	static const uint8_t ptr[] = { 0, 0, 0x84, 0, 0, 0, 0, 1, 0, 0, 0, 0,
				       0, 0, 12, 0, 1, 0, 0, 0, 1, 0, 2, 1, 'a', 0 };
	CHECK(dns_parse(ptr, sizeof(ptr)) == -1);
	/* counts larger than the packet, a short header */
	static const uint8_t many[] = { 0, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1 };
	CHECK(dns_parse(many, sizeof(many)) == -1);
	CHECK(dns_parse(many, 11) == -1);
	CHECK(dns_parse(many, 12 + 5) == -1);
	/* non-zero opcode and rcode are reported, not refused */
	static const uint8_t op[] = { 0, 0, 0x28, 0x03, 0, 0, 0, 0, 0, 0, 0, 0 };
	struct dns_reader r;
	CHECK(dns_reader_init(&r, op, sizeof(op)) == 0);
	CHECK(DNS_OPCODE(r.h.flags) == 5 && DNS_RCODE(r.h.flags) == 3);
}

UNIT(dns_writer_leaves_out_what_does_not_fit)
{
	uint8_t buf[64];
	struct dns_writer w;
	struct dns_rr a = rr_of("host.local", DNS_T_A, 120);
	static const uint8_t ip[4] = { 10, 0, 0, 1 };
	a.rdata = ip;
	a.rdlen = 4;
	dns_writer_init(&w, buf, sizeof(buf), 0, DNS_F_QR);
	CHECK(dns_write(&w, DNS_AN, &a));           /* 12 + 12 + 14 = 38 */
	CHECK(dns_write(&w, DNS_AN, &a));           /* compressed: + 16 = 54 */
	CHECK(!dns_write(&w, DNS_AN, &a));          /* 70 > 64 */
	CHECK(!dns_write(&w, DNS_QD, &a));          /* sections in order */
	CHECK(dns_writer_finish(&w) == 54);
	CHECK(dns_parse(buf, 54) == 2);
	dns_writer_init(&w, buf, 8, 0, 0);
	CHECK(!dns_write(&w, DNS_AN, &a));
	CHECK(dns_writer_finish(&w) == 0);
}

/* A deterministic mutation fuzz: must never crash or read out of bounds
 * (the libFuzzer harness and sanitizers do this properly). */
UNIT(dns_survives_mutations)
{
	uint8_t seed[512], buf[512];
	struct dns_writer w;
	struct dns_rr ptr = rr_of("_irc._tcp.local", DNS_T_PTR, 4500);
	ptr.target = ptr.name;
	dns_name_prepend(&ptr.target, "box", 3);
	struct dns_rr srv = rr_of("x", DNS_T_SRV, 120);
	srv.name = ptr.target;
	dns_name_from_str(&srv.target, "box-chat.local");
	dns_writer_init(&w, seed, sizeof(seed), 0, DNS_F_QR);
	dns_write(&w, DNS_QD, &ptr);
	dns_write(&w, DNS_AN, &ptr);
	dns_write(&w, DNS_AR, &srv);
	size_t len = dns_writer_finish(&w);
	uint32_t x = 12345;
	int parsed = 0;
	for (int i = 0; i < 20000; i++) {
		memcpy(buf, seed, len);
		for (int k = 0; k < 4; k++) {
			x = x * 1103515245u + 12345u;
			buf[(x >> 8) % len] = (uint8_t)(x >> 20);
		}
		size_t l = (x >> 3) % 7 == 0 ? (x >> 11) % len : len;
		parsed += dns_parse(buf, l) >= 0;
	}
	CHECK(parsed > 0);
}
