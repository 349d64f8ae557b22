/* mdns_browse.c - the mDNS browser: find and resolve the instances of one
 * DNS-SD service type (RFC 6762 5.2, 7.1; RFC 6763 4, 12).
 *
 * Three timers: the PTR query (1 s, 2 s, 4 s ... one hour apart, with
 * known answers), the resolver (asks for SRV, TXT, A, AAAA still missing
 * or about to expire) and cache expiry (once a second). */
#include "mdns.h"
#include "chatbox.h"

#include <stdio.h>
#include <string.h>

#define FIRST_QUERY_MIN_MS 20
#define FIRST_QUERY_MAX_MS 120
#define QUERY_MAX_GAP_MS 3600000
#define RESOLVE_GAP_MS 1000
#define RESOLVE_TRIES 4
#define REFRESH_BEFORE_MS 20000 /* ask again this long before SRV/addresses expire */
#define EXPIRE_TICK_MS 1000

static int64_t expiry(uint32_t ttl)
{
	return loop_now_ms() + (int64_t)ttl * 1000;
}

static struct mdns_found *found_find(struct mdns_browser *b, const struct dns_name *n)
{
	for (int i = 0; i < MDNS_MAX_FOUND; i++)
		if (b->found[i].used && dns_name_eq(&b->found[i].name, n))
			return &b->found[i];
	return NULL;
}

static struct mdns_host *host_find(struct mdns_browser *b, const struct dns_name *n)
{
	for (int i = 0; i < MDNS_MAX_HOSTS; i++)
		if (b->hosts[i].used && dns_name_eq(&b->hosts[i].name, n))
			return &b->hosts[i];
	return NULL;
}

static struct mdns_found *found_free(struct mdns_browser *b)
{
	for (int i = 0; i < MDNS_MAX_FOUND; i++)
		if (!b->found[i].used)
			return &b->found[i];
	return NULL;
}

static struct mdns_host *host_free(struct mdns_browser *b)
{
	for (int i = 0; i < MDNS_MAX_HOSTS; i++)
		if (!b->hosts[i].used)
			return &b->hosts[i];
	return NULL;
}

const struct mdns_host *mdns_browser_host(const struct mdns_browser *b,
					  const struct mdns_found *f)
{
	if (!f->have_srv)
		return NULL;
	const struct mdns_host *h = host_find((struct mdns_browser *)b, &f->target);
	return h && h->naddr ? h : NULL;
}

static bool wanted_host(struct mdns_browser *b, const struct dns_name *n)
{
	for (int i = 0; i < MDNS_MAX_FOUND; i++)
		if (b->found[i].used && b->found[i].have_srv && dns_name_eq(&b->found[i].target, n))
			return true;
	return false;
}

static void found_drop(struct mdns_browser *b, struct mdns_found *f)
{
	if (f->reported && b->on_found)
		b->on_found(b, f, false);
	f->used = false;
}

/* --- records --------------------------------------------------------------- */

static void on_ptr(struct mdns_browser *b, const struct dns_rr *rr, int ifindex)
{
	char label[DNS_LABEL_MAX + 1];
	struct mdns_found *f;

	if (!dns_name_eq(&rr->name, &b->type) || !dns_name_child_of(&rr->target, &b->type, label))
		return;
	f = found_find(b, &rr->target);
	if (rr->ttl == 0) { /* goodbye */
		if (f)
			found_drop(b, f);
		return;
	}
	if (!f && (f = found_free(b)) != NULL) {
		memset(f, 0, sizeof(*f));
		f->used = true;
		f->name = rr->target;
		f->ifindex = ifindex;
		strcpy(f->instance, label);
		b->resolves = 0;
	}
	if (!f)
		return; /* full: the first MDNS_MAX_FOUND are shown */
	f->ptr_ttl = rr->ttl;
	f->ptr_expires = expiry(rr->ttl);
}

/* Keep whole TXT strings that fit. */
static void set_txt(struct mdns_found *f, const uint8_t *p, size_t len)
{
	size_t keep = 0;
	while (keep < len && keep + 1 + p[keep] <= MIN(len, sizeof(f->txt)))
		keep += 1u + p[keep];
	memcpy(f->txt, p, keep);
	f->txtlen = (uint16_t)keep;
}

static void on_srv_txt(struct mdns_browser *b, const struct dns_rr *rr)
{
	struct mdns_found *f = found_find(b, &rr->name);
	if (!f)
		return;
	if (rr->type == DNS_T_TXT) {
		set_txt(f, rr->rdata, rr->rdlen);
		f->have_txt = rr->ttl > 0;
	} else if (rr->ttl == 0) {
		f->have_srv = false;
	} else {
		f->have_srv = true;
		f->target = rr->target;
		f->port = rr->port;
		f->srv_expires = expiry(rr->ttl);
	}
}

static void on_addr(struct mdns_browser *b, const struct dns_rr *rr, int ifindex)
{
	struct mdns_host *h = host_find(b, &rr->name);
	int family = rr->type == DNS_T_A ? AF_INET : AF_INET6;
	struct mdns_addr *a = NULL;

	if (!h && rr->ttl && wanted_host(b, &rr->name) && (h = host_free(b)) != NULL) {
		memset(h, 0, sizeof(*h));
		h->used = true;
		h->name = rr->name;
	}
	if (!h)
		return;
	for (int i = 0; i < h->naddr && !a; i++)
		if (h->addr[i].family == family && memcmp(h->addr[i].a, rr->rdata, rr->rdlen) == 0)
			a = &h->addr[i];
	if (rr->ttl == 0) {
		if (a)
			*a = h->addr[--h->naddr];
		return;
	}
	if (!a && h->naddr < MDNS_HOST_ADDRS) {
		a = &h->addr[h->naddr++];
		a->family = family;
		memcpy(a->a, rr->rdata, rr->rdlen);
		/* fe80::/10 means nothing without the interface it came on */
		bool link_local = family == AF_INET6 && a->a[0] == 0xfe && (a->a[1] & 0xc0) == 0x80;
		a->ifindex = link_local ? ifindex : 0;
	}
	if (!a)
		return;
	a->expires = expiry(rr->ttl);
	a->seen = loop_now_ms();
	/* Cache flush (RFC 6762 10.2): the others of this family, unless just
	 * received too, are stale: they go in a second. */
	for (int i = 0; rr->top && i < h->naddr; i++) {
		struct mdns_addr *o = &h->addr[i];
		if (o != a && o->family == family && o->seen < a->seen - 1000)
			o->expires = MIN(o->expires, a->seen + 1000);
	}
}

static void report_complete(struct mdns_browser *b)
{
	bool missing = false;
	for (int i = 0; i < MDNS_MAX_FOUND; i++) {
		struct mdns_found *f = &b->found[i];
		if (!f->used)
			continue;
		if (!f->reported && mdns_browser_host(b, f)) {
			f->reported = true;
			if (b->on_found)
				b->on_found(b, f, true);
		}
		missing |= f->used && (!f->have_srv || !f->have_txt || !mdns_browser_host(b, f));
	}
	if (missing && !timer_armed(&b->t_resolve) && b->resolves < RESOLVE_TRIES)
		loop_timer(b->net.loop, &b->t_resolve, b->resolves ? RESOLVE_GAP_MS : 100);
}

static void on_packet(struct mdns_net *n, const uint8_t *buf, size_t len,
		      const struct sockaddr_storage *from, int ifindex)
{
	struct mdns_browser *b = container_of(n, struct mdns_browser, net);
	struct dns_reader rd;
	struct dns_rr rr;
	const struct mdns_iface *f = mdns_net_iface(n, ifindex);

	/* RFC 6762 11: a response from beyond the link is a spoof, or a
	 * misconfigured router's leak; either way not a neighbour's service. */
	if (!f || !mdns_net_on_link(f, from)) {
		b->offlink++;
		return;
	}
	/* RFC 6762 6: a response not from port 5353 is no mDNS response. */
	if (mdns_src_port(from) != MDNS_PORT)
		return;
	if (dns_reader_init(&rd, buf, len) != 0 || !(rd.h.flags & DNS_F_QR) ||
	    DNS_OPCODE(rd.h.flags) || DNS_RCODE(rd.h.flags))
		return;
	/* Two passes: services first, so the addresses of their hosts are
	 * kept whatever the order of the records. */
	for (int pass = 0; pass < 2; pass++) {
		dns_reader_init(&rd, buf, len);
		while (dns_read(&rd, &rr) == 1) {
			if (rr.section == DNS_QD || (rr.rclass != DNS_C_IN))
				continue;
			if (pass == 0 && rr.type == DNS_T_PTR)
				on_ptr(b, &rr, ifindex);
			else if (pass == 0 && (rr.type == DNS_T_SRV || rr.type == DNS_T_TXT))
				on_srv_txt(b, &rr);
			else if (pass == 1 && (rr.type == DNS_T_A || rr.type == DNS_T_AAAA))
				on_addr(b, &rr, ifindex);
		}
	}
	report_complete(b);
}

/* --- queries ---------------------------------------------------------------- */

static void send_everywhere(struct mdns_browser *b, struct dns_writer *w)
{
	size_t len = dns_writer_finish(w);
	if (w->count[DNS_QD] == 0)
		return;
	for (int i = 0; i < b->net.nifs; i++)
		mdns_net_multicast(&b->net, &b->net.ifs[i], w->buf, len);
}

static void on_query_timer(struct loop *l, struct timer *t)
{
	struct mdns_browser *b = container_of(t, struct mdns_browser, t_query);
	uint8_t buf[MDNS_SEND_MAX];
	struct dns_writer w;
	struct dns_rr rr = { .type = DNS_T_PTR, .rclass = DNS_C_IN };
	int64_t now = loop_now_ms();

	dns_writer_init(&w, buf, sizeof(buf), (uint16_t)mdns_random(0, 0xffff), 0);
	rr.name = b->type;
	dns_write(&w, DNS_QD, &rr);
	/* Known answers: what we hold with more than half its TTL left. */
	for (int i = 0; i < MDNS_MAX_FOUND; i++) {
		const struct mdns_found *f = &b->found[i];
		int64_t left = f->ptr_expires - now;
		if (!f->used || left < (int64_t)f->ptr_ttl * 500)
			continue;
		rr.target = f->name;
		rr.ttl = (uint32_t)(left / 1000);
		dns_write(&w, DNS_AN, &rr);
	}
	send_everywhere(b, &w);
	loop_timer(l, t, b->interval);
	b->interval = MIN(b->interval * 2, QUERY_MAX_GAP_MS);
}

static void ask(struct dns_writer *w, const struct dns_name *name, uint16_t type)
{
	struct dns_rr q = { .name = *name, .type = type, .rclass = DNS_C_IN };
	dns_write(w, DNS_QD, &q);
}

static bool expiring(int64_t expires, int64_t now)
{
	return expires - now < REFRESH_BEFORE_MS;
}

static void on_resolve_timer(struct loop *l, struct timer *t)
{
	struct mdns_browser *b = container_of(t, struct mdns_browser, t_resolve);
	uint8_t buf[MDNS_SEND_MAX];
	struct dns_writer w;
	int64_t now = loop_now_ms();

	dns_writer_init(&w, buf, sizeof(buf), (uint16_t)mdns_random(0, 0xffff), 0);
	for (int i = 0; i < MDNS_MAX_FOUND; i++) {
		const struct mdns_found *f = &b->found[i];
		if (!f->used)
			continue;
		if (!f->have_srv || expiring(f->srv_expires, now))
			ask(&w, &f->name, DNS_T_SRV);
		if (!f->have_txt)
			ask(&w, &f->name, DNS_T_TXT);
		if (!f->have_srv)
			continue;
		const struct mdns_host *h = host_find(b, &f->target);
		bool stale = !h || h->naddr == 0;
		for (int k = 0; h && k < h->naddr; k++)
			stale |= expiring(h->addr[k].expires, now);
		if (stale) {
			ask(&w, &f->target, DNS_T_A);
			ask(&w, &f->target, DNS_T_AAAA);
		}
	}
	send_everywhere(b, &w);
	if (w.count[DNS_QD] && ++b->resolves < RESOLVE_TRIES)
		loop_timer(l, t, RESOLVE_GAP_MS);
}

static void on_expire_timer(struct loop *l, struct timer *t)
{
	struct mdns_browser *b = container_of(t, struct mdns_browser, t_expire);
	int64_t now = loop_now_ms();
	bool refresh = false;

	for (int i = 0; i < MDNS_MAX_HOSTS; i++) {
		struct mdns_host *h = &b->hosts[i];
		for (int k = 0; h->used && k < h->naddr; k++) {
			if (h->addr[k].expires <= now)
				h->addr[k--] = h->addr[--h->naddr];
		}
		if (h->used && !wanted_host(b, &h->name))
			h->used = false;
	}
	for (int i = 0; i < MDNS_MAX_FOUND; i++) {
		struct mdns_found *f = &b->found[i];
		if (!f->used)
			continue;
		/* gone without a goodbye: its PTR, or its SRV not renewed */
		if (f->ptr_expires <= now || (f->have_srv && f->srv_expires <= now))
			found_drop(b, f);
		else if (f->have_srv && expiring(f->srv_expires, now))
			refresh = true;
	}
	if (refresh && !timer_armed(&b->t_resolve)) {
		b->resolves = 0;
		loop_timer(l, &b->t_resolve, 0);
	}
	loop_timer(l, t, EXPIRE_TICK_MS);
}

static void on_ifaces(struct mdns_net *n, const struct mdns_iface *old, int nold)
{
	struct mdns_browser *b = container_of(n, struct mdns_browser, net);
	(void)old, (void)nold;
	b->interval = 1000;
	loop_timer(n->loop, &b->t_query, mdns_random(FIRST_QUERY_MIN_MS, FIRST_QUERY_MAX_MS));
}

int mdns_browser_start(struct mdns_browser *b, struct loop *l, const char *type,
		       mdns_found_fn *fn)
{
	char full[DNS_LABEL_MAX * 2 + 8];

	memset(b, 0, sizeof(*b));
	b->on_found = fn;
	timer_init(&b->t_query, on_query_timer);
	timer_init(&b->t_resolve, on_resolve_timer);
	timer_init(&b->t_expire, on_expire_timer);
	snprintf(full, sizeof(full), "%s.local", type);
	if (!dns_name_from_str(&b->type, full))
		return -1;
	if (mdns_net_open(&b->net, l, true, NULL, on_packet, on_ifaces) != 0)
		return -1;
	on_ifaces(&b->net, NULL, 0);
	loop_timer(l, &b->t_expire, EXPIRE_TICK_MS);
	return 0;
}

void mdns_browser_stop(struct mdns_browser *b)
{
	if (!b->net.loop)
		return;
	loop_timer_cancel(b->net.loop, &b->t_query);
	loop_timer_cancel(b->net.loop, &b->t_resolve);
	loop_timer_cancel(b->net.loop, &b->t_expire);
	mdns_net_close(&b->net);
	b->net.loop = NULL;
}
