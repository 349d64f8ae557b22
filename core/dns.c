/* dns.c - DNS message reader (hostile input) and writer (with compression). */
#include "dns.h"

#include <string.h>

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint8_t lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
}

/* Decompress the name at OFF into N. *NEXT is where the message goes on
 * after the name (after its first pointer, if any). Pointers must point
 * backwards, past the header: so no loops, and DNS_MAX_HOPS bounds work. */
static int read_name(const uint8_t *buf, size_t len, size_t off, struct dns_name *n,
		     size_t *next)
{
	size_t pos = off, out = 0;
	int hops = 0;
	bool jumped = false;

	for (;;) {
		if (pos >= len)
			return -1;
		uint8_t c = buf[pos];
		if ((c & 0xc0) == 0xc0) {
			if (pos + 1 >= len)
				return -1;
			size_t to = (size_t)(c & 0x3f) << 8 | buf[pos + 1];
			if (to >= pos || to < DNS_HEADER_LEN || ++hops > DNS_MAX_HOPS)
				return -1;
			if (!jumped)
				*next = pos + 2;
			jumped = true;
			pos = to;
			continue;
		}
		if (c & 0xc0) /* 0x40 and 0x80: extended label types, unsupported */
			return -1;
		if (c == 0) {
			n->wire[out++] = 0;
			n->len = (uint8_t)out;
			if (!jumped)
				*next = pos + 1;
			return 0;
		}
		/* room for this label and the root label */
		if (len - pos - 1 < c || out + 1 + c + 1 > DNS_NAME_MAX)
			return -1;
		n->wire[out++] = c;
		memcpy(n->wire + out, buf + pos + 1, c);
		out += c;
		pos += 1u + c;
	}
}

int dns_reader_init(struct dns_reader *r, const uint8_t *buf, size_t len)
{
	memset(r, 0, sizeof(*r));
	if (len < DNS_HEADER_LEN)
		return -1;
	r->buf = buf;
	r->len = len;
	r->off = DNS_HEADER_LEN;
	r->h.id = get16(buf);
	r->h.flags = get16(buf + 2);
	for (int i = 0; i < 4; i++)
		r->h.count[i] = get16(buf + 4 + 2 * i);
	r->section = DNS_QD;
	r->left = r->h.count[DNS_QD];
	return 0;
}

/* The rdata of the types we understand, checked against its length. */
static int read_rdata(const uint8_t *buf, size_t end, size_t off, struct dns_rr *rr)
{
	size_t next;
	switch (rr->type) {
	case DNS_T_A:
		return rr->rdlen == 4 ? 0 : -1;
	case DNS_T_AAAA:
		return rr->rdlen == 16 ? 0 : -1;
	case DNS_T_PTR:
	case DNS_T_CNAME:
		return read_name(buf, end, off, &rr->target, &next);
	case DNS_T_SRV:
		if (rr->rdlen < 7)
			return -1;
		rr->priority = get16(buf + off);
		rr->weight = get16(buf + off + 2);
		rr->port = get16(buf + off + 4);
		return read_name(buf, end, off + 6, &rr->target, &next);
	default:
		return 0;
	}
}

static int read_fail(struct dns_reader *r)
{
	r->section = DNS_AR;
	r->left = 0;
	return -1;
}

int dns_read(struct dns_reader *r, struct dns_rr *rr)
{
	size_t next;

	while (r->left == 0) {
		if (r->section >= DNS_AR)
			return 0;
		r->left = r->h.count[++r->section];
	}
	rr->section = (enum dns_section)r->section;
	rr->rdata = NULL;
	rr->rdlen = 0;
	rr->ttl = 0;
	rr->target.len = 0;
	rr->priority = rr->weight = rr->port = 0;
	if (read_name(r->buf, r->len, r->off, &rr->name, &next) != 0 || r->len - next < 4)
		return read_fail(r);
	rr->type = get16(r->buf + next);
	rr->rclass = get16(r->buf + next + 2) & ~DNS_CLASS_TOP;
	rr->top = (get16(r->buf + next + 2) & DNS_CLASS_TOP) != 0;
	next += 4;
	if (r->section != DNS_QD) {
		if (r->len - next < 6)
			return read_fail(r);
		rr->ttl = get32(r->buf + next);
		rr->rdlen = get16(r->buf + next + 4);
		next += 6;
		if (r->len - next < rr->rdlen)
			return read_fail(r);
		rr->rdata = r->buf + next;
		/* Names in rdata may point back anywhere but must end inside it. */
		if (read_rdata(r->buf, next + rr->rdlen, next, rr) != 0)
			return read_fail(r);
		next += rr->rdlen;
	}
	r->off = next;
	r->left--;
	return 1;
}

int dns_parse(const uint8_t *buf, size_t len)
{
	struct dns_reader r;
	struct dns_rr rr;
	char str[DNS_NAME_STR_MAX];
	uint8_t canon[2 * DNS_NAME_MAX];
	int n = 0, got;

	if (dns_reader_init(&r, buf, len) != 0)
		return -1;
	while ((got = dns_read(&r, &rr)) == 1) {
		dns_name_str(&rr.name, str);
		if (rr.target.len)
			dns_name_str(&rr.target, str);
		dns_rr_canon_rdata(&rr, canon, sizeof(canon));
		n++;
	}
	return got < 0 ? -1 : n;
}

/* --- names ------------------------------------------------------------- */

bool dns_name_from_str(struct dns_name *n, const char *dotted)
{
	size_t out = 0;
	const char *s = dotted;

	while (*s) {
		const char *dot = strchr(s, '.');
		size_t l = dot ? (size_t)(dot - s) : strlen(s);
		if (l == 0 || l > DNS_LABEL_MAX || out + 1 + l + 1 > DNS_NAME_MAX)
			return false;
		n->wire[out++] = (uint8_t)l;
		memcpy(n->wire + out, s, l);
		out += l;
		s += l;
		if (*s == '.')
			s++;
	}
	n->wire[out++] = 0;
	n->len = (uint8_t)out;
	return true;
}

bool dns_name_prepend(struct dns_name *n, const char *label, size_t len)
{
	if (len == 0 || len > DNS_LABEL_MAX || (size_t)n->len + 1 + len > DNS_NAME_MAX)
		return false;
	memmove(n->wire + 1 + len, n->wire, n->len);
	n->wire[0] = (uint8_t)len;
	memcpy(n->wire + 1, label, len);
	n->len = (uint8_t)(n->len + 1 + len);
	return true;
}

/* Label length bytes are below 64, so lower() leaves them alone. */
static bool wire_eq(const uint8_t *a, const uint8_t *b, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (lower(a[i]) != lower(b[i]))
			return false;
	return true;
}

bool dns_name_eq(const struct dns_name *a, const struct dns_name *b)
{
	return a->len == b->len && wire_eq(a->wire, b->wire, a->len);
}

bool dns_name_child_of(const struct dns_name *n, const struct dns_name *parent,
		       char label[DNS_LABEL_MAX + 1])
{
	if (n->len < 2 || n->wire[0] == 0)
		return false;
	size_t skip = 1u + n->wire[0];
	if (n->len - skip != parent->len || !wire_eq(n->wire + skip, parent->wire, parent->len))
		return false;
	if (label)
		dns_name_label0(n, label);
	return true;
}

size_t dns_name_label0(const struct dns_name *n, char out[DNS_LABEL_MAX + 1])
{
	size_t l = n->len ? n->wire[0] : 0;
	memcpy(out, n->wire + 1, l);
	out[l] = '\0';
	return l;
}

const char *dns_name_str(const struct dns_name *n, char out[DNS_NAME_STR_MAX])
{
	size_t o = 0, pos = 0;

	while (pos < n->len && n->wire[pos]) {
		size_t l = n->wire[pos++];
		for (size_t i = 0; i < l && pos < n->len; i++) {
			uint8_t c = n->wire[pos++];
			if (c == 0) { /* would end the string: RFC 1035's \DDD */
				memcpy(out + o, "\\000", 4);
				o += 4;
				continue;
			}
			if (c == '.' || c == '\\')
				out[o++] = '\\';
			out[o++] = (char)c;
		}
		out[o++] = '.';
	}
	if (o == 0)
		out[o++] = '.';
	out[o] = '\0';
	return out;
}

/* --- records ----------------------------------------------------------- */

bool dns_rr_same_data(const struct dns_rr *a, const struct dns_rr *b)
{
	if (a->type != b->type || a->rclass != b->rclass)
		return false;
	switch (a->type) {
	case DNS_T_SRV:
		if (a->priority != b->priority || a->weight != b->weight || a->port != b->port)
			return false;
		/* fall through */
	case DNS_T_PTR:
		return dns_name_eq(&a->target, &b->target);
	default:
		return a->rdlen == b->rdlen && (a->rdlen == 0 || memcmp(a->rdata, b->rdata, a->rdlen) == 0);
	}
}

size_t dns_rr_canon_rdata(const struct dns_rr *rr, uint8_t *out, size_t cap)
{
	size_t n = 0;
	switch (rr->type) {
	case DNS_T_SRV:
		if (cap < 6u + rr->target.len)
			return 0;
		out[0] = (uint8_t)(rr->priority >> 8), out[1] = (uint8_t)rr->priority;
		out[2] = (uint8_t)(rr->weight >> 8), out[3] = (uint8_t)rr->weight;
		out[4] = (uint8_t)(rr->port >> 8), out[5] = (uint8_t)rr->port;
		n = 6;
		/* fall through */
	case DNS_T_PTR:
		if (cap - n < rr->target.len)
			return 0;
		memcpy(out + n, rr->target.wire, rr->target.len);
		return n + rr->target.len;
	default:
		if (cap < rr->rdlen)
			return 0;
		if (rr->rdlen)
			memcpy(out, rr->rdata, rr->rdlen);
		return rr->rdlen;
	}
}

/* --- writer ------------------------------------------------------------ */

struct out {
	struct dns_writer *w;
	bool full;
};

static void put(struct out *o, const void *p, size_t n)
{
	struct dns_writer *w = o->w;
	if (o->full || w->cap - w->len < n) {
		o->full = true;
		return;
	}
	memcpy(w->buf + w->len, p, n);
	w->len += n;
}

static void put16(struct out *o, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };
	put(o, b, 2);
}

static void put32(struct out *o, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };
	put(o, b, 4);
}

/* Whether the name written at OFF equals the wire labels at S. Our own
 * output: pointers there point backwards, the hop cap is a safety net. */
static bool written_eq(const struct dns_writer *w, size_t off, const uint8_t *s)
{
	for (int hops = 0; hops <= DNS_MAX_HOPS && off < w->len;) {
		uint8_t c = w->buf[off];
		if ((c & 0xc0) == 0xc0) {
			off = (size_t)(c & 0x3f) << 8 | w->buf[off + 1];
			hops++;
			continue;
		}
		if (c != *s || !wire_eq(w->buf + off + 1, s + 1, c))
			return false;
		if (c == 0)
			return true;
		off += 1u + c;
		s += 1u + c;
	}
	return false;
}

static void put_name(struct out *o, const struct dns_name *n, bool compress)
{
	struct dns_writer *w = o->w;
	size_t pos = 0;

	while (pos < n->len && n->wire[pos]) {
		for (int i = 0; compress && i < w->nnames; i++) {
			if (written_eq(w, w->names[i], n->wire + pos)) {
				put16(o, (uint16_t)(0xc000u | w->names[i]));
				return;
			}
		}
		if (w->len <= 0x3fff && w->nnames < DNS_MAX_COMPRESS && !o->full)
			w->names[w->nnames++] = (uint16_t)w->len;
		put(o, n->wire + pos, 1u + n->wire[pos]);
		pos += 1u + n->wire[pos];
	}
	put(o, "", 1);
}

void dns_writer_init(struct dns_writer *w, uint8_t *buf, size_t cap, uint16_t id,
		     uint16_t flags)
{
	memset(w, 0, sizeof(*w));
	w->buf = buf;
	w->cap = cap;
	if (cap < DNS_HEADER_LEN) {
		w->cap = 0;
		return;
	}
	memset(buf, 0, DNS_HEADER_LEN);
	buf[0] = (uint8_t)(id >> 8), buf[1] = (uint8_t)id;
	buf[2] = (uint8_t)(flags >> 8), buf[3] = (uint8_t)flags;
	w->len = DNS_HEADER_LEN;
}

static void put_rdata(struct out *o, const struct dns_rr *rr)
{
	switch (rr->type) {
	case DNS_T_PTR:
		put_name(o, &rr->target, true);
		break;
	case DNS_T_SRV:
		put16(o, rr->priority);
		put16(o, rr->weight);
		put16(o, rr->port);
		put_name(o, &rr->target, false); /* RFC 2782: never compressed */
		break;
	default:
		put(o, rr->rdata, rr->rdlen);
	}
}

bool dns_write(struct dns_writer *w, enum dns_section section, const struct dns_rr *rr)
{
	struct out o = { w, w->cap == 0 || (int)section < w->section };
	size_t start = w->len;
	int nnames = w->nnames;

	put_name(&o, &rr->name, true);
	put16(&o, rr->type);
	put16(&o, (uint16_t)(rr->rclass | (rr->top ? DNS_CLASS_TOP : 0)));
	if (section != DNS_QD) {
		put32(&o, rr->ttl);
		size_t rdlen_at = w->len;
		put16(&o, 0);
		put_rdata(&o, rr);
		size_t rdlen = w->len - rdlen_at - 2;
		if (!o.full && rdlen <= 0xffff) {
			w->buf[rdlen_at] = (uint8_t)(rdlen >> 8);
			w->buf[rdlen_at + 1] = (uint8_t)rdlen;
		}
	}
	if (o.full || w->count[section] == 0xffff) {
		w->len = start;
		w->nnames = nnames;
		return false;
	}
	w->section = (int)section;
	w->count[section]++;
	return true;
}

size_t dns_writer_finish(struct dns_writer *w)
{
	if (w->cap == 0)
		return 0;
	for (int i = 0; i < 4; i++) {
		w->buf[4 + 2 * i] = (uint8_t)(w->count[i] >> 8);
		w->buf[5 + 2 * i] = (uint8_t)w->count[i];
	}
	return w->len;
}
