/* dns.h - a DNS message codec for mDNS/DNS-SD (RFC 1035, 6762, 6763) and
 * chat-client's unicast lookups (core/resolve.c).
 *
 * Reading: every packet is hostile. dns_read() walks a message one
 * question or record at a time; names are decompressed into a struct
 * dns_name (uncompressed wire form, so labels may hold dots and spaces)
 * with every bound checked: compression pointers must point backwards
 * inside the packet and are followed at most DNS_MAX_HOPS times, labels
 * are at most 63 bytes, names at most 255, rdata within the packet.
 * The reader reports the header as it is: callers decide what to do with
 * a non-zero opcode or rcode (mDNS ignores such messages).
 *
 * Writing: struct dns_writer builds a message section by section with
 * name compression; a record that does not fit is left out whole.
 *
 * FUZZ ENTRY POINT: dns_parse(buf, len) - a pure function over the bytes
 * that decodes every name and record of a message. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DNS_LABEL_MAX 63
#define DNS_NAME_MAX 255 /* wire length, with the root label */
#define DNS_NAME_STR_MAX (4 * DNS_NAME_MAX + 1) /* dotted, escaped, NUL */
#define DNS_MAX_HOPS 16  /* compression pointers followed per name */
#define DNS_HEADER_LEN 12

enum { DNS_T_A = 1, DNS_T_CNAME = 5, DNS_T_PTR = 12, DNS_T_TXT = 16, DNS_T_AAAA = 28,
       DNS_T_SRV = 33, DNS_T_NSEC = 47, DNS_T_ANY = 255 };
enum { DNS_C_IN = 1, DNS_C_ANY = 255 };
/* Flags of the header's second 16 bits. */
#define DNS_F_QR 0x8000u
#define DNS_F_AA 0x0400u
#define DNS_F_TC 0x0200u
#define DNS_F_RD 0x0100u /* recursion desired (unicast DNS, core/resolve.c) */
#define DNS_OPCODE(flags) (((flags) >> 11) & 0xfu)
#define DNS_RCODE(flags) ((flags) & 0xfu)
/* The top bit of a class: QU (unicast response wanted) in a question,
 * cache-flush in a record (RFC 6762 5.4, 10.2). */
#define DNS_CLASS_TOP 0x8000u

enum dns_section { DNS_QD, DNS_AN, DNS_NS, DNS_AR };

/* A name in uncompressed wire form: length-prefixed labels ending with 0. */
struct dns_name {
	uint8_t len; /* bytes used in wire, including the root label */
	uint8_t wire[DNS_NAME_MAX];
};

/* A question (section DNS_QD: only name, type, rclass, top) or a record. */
struct dns_rr {
	enum dns_section section;
	struct dns_name name;
	uint16_t type;
	uint16_t rclass;        /* without the top bit */
	bool top;               /* QU in a question, cache-flush in a record */
	uint32_t ttl;
	const uint8_t *rdata;   /* TXT, A, AAAA and others: raw bytes */
	uint16_t rdlen;
	struct dns_name target; /* PTR, CNAME and SRV: the decompressed name */
	uint16_t priority, weight, port; /* SRV */
};

struct dns_header {
	uint16_t id, flags;
	uint16_t count[4]; /* per enum dns_section */
};

struct dns_reader {
	const uint8_t *buf;
	size_t len, off;
	struct dns_header h;
	int section;
	unsigned left; /* entries left in this section */
};

/* -1 if BUF is too short for a header; 0 and R ready otherwise. */
int dns_reader_init(struct dns_reader *r, const uint8_t *buf, size_t len);
/* The next question or record into RR: 1, 0 at the end, -1 if malformed
 * (then the rest of the message is unusable; what was read stays valid). */
int dns_read(struct dns_reader *r, struct dns_rr *rr);

/* FUZZ ENTRY POINT: decode the whole message; the number of entries or -1. */
int dns_parse(const uint8_t *buf, size_t len);

/* Names. dns_name_from_str() takes a dotted name without escapes
 * ("_irc._tcp.local"); dns_name_prepend() adds one raw label in front
 * (an instance name may hold dots and spaces). false if too long. */
bool dns_name_from_str(struct dns_name *n, const char *dotted);
bool dns_name_prepend(struct dns_name *n, const char *label, size_t len);
/* Case-insensitive (ASCII) equality, as DNS compares names. */
bool dns_name_eq(const struct dns_name *a, const struct dns_name *b);
/* True if N is one label followed by PARENT; the label into LABEL. */
bool dns_name_child_of(const struct dns_name *n, const struct dns_name *parent,
		       char label[DNS_LABEL_MAX + 1]);
/* The first label, raw (may hold any byte but NUL is kept as is). */
size_t dns_name_label0(const struct dns_name *n, char out[DNS_LABEL_MAX + 1]);
/* Dotted form: dots and backslashes in labels escaped with '\', NUL as
 * \000, other bytes as they came. Not yet fit for a terminal: whoever
 * prints it passes it through text_safe() (core/textsafe.h). */
const char *dns_name_str(const struct dns_name *n, char out[DNS_NAME_STR_MAX]);

/* Whether A and B hold the same data (type, class and rdata; not TTL). */
bool dns_rr_same_data(const struct dns_rr *a, const struct dns_rr *b);
/* The rdata in canonical uncompressed form (for RFC 6762 8.2 tie-breaks);
 * its length, 0 if it does not fit CAP. */
size_t dns_rr_canon_rdata(const struct dns_rr *rr, uint8_t *out, size_t cap);

/* Writing. Sections must be written in order; dns_writer_finish() fills
 * in the counts and returns the length (0 if nothing fitted at all). */
#define DNS_MAX_COMPRESS 48 /* name offsets remembered for compression */
struct dns_writer {
	uint8_t *buf;
	size_t cap, len;
	int section;
	uint16_t count[4];
	uint16_t names[DNS_MAX_COMPRESS];
	int nnames;
};

void dns_writer_init(struct dns_writer *w, uint8_t *buf, size_t cap, uint16_t id,
		     uint16_t flags);
/* Write RR (type, rclass, top, and for records ttl and rdata: target and
 * SRV fields for PTR/SRV, rdata/rdlen for the others) into SECTION.
 * false, with the message unchanged, if it does not fit or SECTION comes
 * before one already written. */
bool dns_write(struct dns_writer *w, enum dns_section section, const struct dns_rr *rr);
size_t dns_writer_finish(struct dns_writer *w);
