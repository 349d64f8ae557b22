/* mdns.c - the mDNS responder: one DNS-SD service instance (RFC 6762, 6763).
 *
 * Records, by kind (enum MDNS_K_*):
 *   PTR  _irc._tcp.local -> Instance._irc._tcp.local        shared, 4500 s
 *   SRV  Instance._irc._tcp.local -> host-chat.local:port    unique, 120 s
 *   TXT  Instance._irc._tcp.local "txtvers=1" ...            unique, 4500 s
 *   SVCS _services._dns-sd._udp.local -> _irc._tcp.local     shared, 4500 s
 *   ADDR host-chat.local A/AAAA, per interface               unique, 120 s
 *   PTR2, SRV2, TXT2, SVCS2: the same for a second type (_http._tcp), if any
 * Rate limits and pending answers are kept per kind and interface, so a
 * few timers serve any number of queries. */
#include "mdns.h"
#include "chatbox.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define PROBE_GAP_MS 250
#define PROBES 3
#define ANNOUNCE_GAP_MS 1000
#define ANNOUNCES 2
#define LOST_TIEBREAK_MS 1000     /* RFC 6762 8.2 */
#define CONFLICT_SLOWDOWN_MS 5000 /* RFC 6762 8.1 */
#define RATE_LIMIT_MS 1000        /* one multicast per record per second */
#define LEGACY_TTL 10
#define MAX_ECHOED_QUESTIONS 4

#define BIT(k) (1u << (k))
#define SHARED_KINDS (BIT(MDNS_K_PTR) | BIT(MDNS_K_SVCS) | BIT(MDNS_K_PTR2) | BIT(MDNS_K_SVCS2))
#define FIRST_KINDS (BIT(MDNS_K_PTR2) - 1)
#define ALL_KINDS(r) ((r)->has2 ? BIT(MDNS_K_COUNT) - 1 : FIRST_KINDS)

static const uint32_t kind_ttl[MDNS_K_COUNT] = { 4500, 120, 4500, 4500, 120, 4500, 120, 4500, 4500 };

/* Whether kind K is announced at all (the second service's only if there is one). */
static bool live(const struct mdns_responder *r, int k)
{
	return ALL_KINDS(r) & BIT(k);
}

enum ttl_mode { TTL_NORMAL, TTL_GOODBYE, TTL_LEGACY };

static int kind_count(int kind, const struct mdns_iface *f)
{
	return kind == MDNS_K_ADDR ? f->n4 + f->n6 : 1;
}

/* Record number I of KIND as sent on interface F. */
static void make_rr(const struct mdns_responder *r, int kind, const struct mdns_iface *f, int i,
		    struct dns_rr *rr)
{
	memset(rr, 0, sizeof(*rr));
	rr->rclass = DNS_C_IN;
	rr->ttl = kind_ttl[kind];
	rr->top = !(SHARED_KINDS & BIT(kind)); /* cache-flush on unique records only */
	switch (kind) {
	case MDNS_K_PTR:
		rr->name = r->type, rr->type = DNS_T_PTR, rr->target = r->inst;
		break;
	case MDNS_K_SVCS:
		rr->name = r->services, rr->type = DNS_T_PTR, rr->target = r->type;
		break;
	case MDNS_K_SRV:
		rr->name = r->inst, rr->type = DNS_T_SRV, rr->target = r->host, rr->port = r->port;
		break;
	case MDNS_K_TXT:
		rr->name = r->inst, rr->type = DNS_T_TXT, rr->rdata = r->txt, rr->rdlen = r->txtlen;
		break;
	case MDNS_K_PTR2:
		rr->name = r->type2, rr->type = DNS_T_PTR, rr->target = r->inst2;
		break;
	case MDNS_K_SVCS2:
		rr->name = r->services, rr->type = DNS_T_PTR, rr->target = r->type2;
		break;
	case MDNS_K_SRV2:
		rr->name = r->inst2, rr->type = DNS_T_SRV, rr->target = r->host, rr->port = r->port2;
		break;
	case MDNS_K_TXT2:
		rr->name = r->inst2, rr->type = DNS_T_TXT, rr->rdata = r->txt2, rr->rdlen = r->txtlen2;
		break;
	default:
		rr->name = r->host;
		if (i < f->n4) {
			rr->type = DNS_T_A, rr->rdata = (const uint8_t *)&f->v4[i], rr->rdlen = 4;
		} else {
			rr->type = DNS_T_AAAA, rr->rdlen = 16;
			rr->rdata = (const uint8_t *)&f->v6[i - f->n4];
		}
	}
}

static void write_kinds(const struct mdns_responder *r, struct dns_writer *w,
			enum dns_section sec, unsigned mask, const struct mdns_iface *f,
			enum ttl_mode mode)
{
	struct dns_rr rr;
	for (int k = 0; k < MDNS_K_COUNT; k++) {
		if (!(mask & BIT(k)))
			continue;
		for (int i = 0; i < kind_count(k, f); i++) {
			make_rr(r, k, f, i, &rr);
			if (mode == TTL_GOODBYE)
				rr.ttl = 0;
			if (mode == TTL_LEGACY) {
				rr.ttl = MIN(rr.ttl, LEGACY_TTL);
				rr.top = false; /* RFC 6762 6.7 */
			}
			dns_write(w, sec, &rr); /* what does not fit is left out */
		}
	}
}

/* What a receiver of MASK needs next (RFC 6763 12). */
static unsigned additional_kinds(unsigned mask)
{
	unsigned add = 0;
	if (mask & BIT(MDNS_K_PTR))
		add |= BIT(MDNS_K_SRV) | BIT(MDNS_K_TXT) | BIT(MDNS_K_ADDR);
	if (mask & BIT(MDNS_K_PTR2))
		add |= BIT(MDNS_K_SRV2) | BIT(MDNS_K_TXT2) | BIT(MDNS_K_ADDR);
	if (mask & (BIT(MDNS_K_SRV) | BIT(MDNS_K_SRV2)))
		add |= BIT(MDNS_K_ADDR);
	return add & ~mask;
}

/* Answer with MASK on F: multicast if TO is NULL. For a legacy unicast
 * query, ID and the questions QS are echoed. */
static void send_answer(struct mdns_responder *r, const struct mdns_iface *f, unsigned mask,
			enum ttl_mode mode, const struct sockaddr_storage *to, uint16_t id,
			const struct dns_rr *qs, int nq)
{
	uint8_t buf[MDNS_SEND_MAX];
	struct dns_writer w;

	dns_writer_init(&w, buf, sizeof(buf), id, DNS_F_QR | DNS_F_AA);
	for (int i = 0; i < nq; i++)
		dns_write(&w, DNS_QD, &qs[i]);
	write_kinds(r, &w, DNS_AN, mask, f, mode);
	if (w.count[DNS_AN] == 0)
		return;
	if (mode != TTL_GOODBYE)
		write_kinds(r, &w, DNS_AR, additional_kinds(mask), f, mode);
	size_t len = dns_writer_finish(&w);
	if (to) {
		mdns_net_unicast(&r->net, to, buf, len);
		return;
	}
	mdns_net_multicast(&r->net, f, buf, len);
	int slot = (int)(f - r->net.ifs);
	for (int k = 0; k < MDNS_K_COUNT; k++)
		if (mask & BIT(k))
			r->last[slot][k] = loop_now_ms();
}

/* A probe: "who has these names?", our proposal in Authority (RFC 6762 8.1). */
static void send_probe(struct mdns_responder *r, const struct mdns_iface *f, bool unicast_reply)
{
	uint8_t buf[MDNS_SEND_MAX];
	struct dns_writer w;
	struct dns_rr q = { .type = DNS_T_ANY, .rclass = DNS_C_IN, .top = unicast_reply };

	dns_writer_init(&w, buf, sizeof(buf), 0, 0);
	q.name = r->inst;
	dns_write(&w, DNS_QD, &q);
	q.name = r->host;
	dns_write(&w, DNS_QD, &q);
	if (r->has2) {
		q.name = r->inst2;
		dns_write(&w, DNS_QD, &q);
	}
	write_kinds(r, &w, DNS_NS, (BIT(MDNS_K_SRV) | BIT(MDNS_K_TXT) | BIT(MDNS_K_ADDR) |
				    BIT(MDNS_K_SRV2) | BIT(MDNS_K_TXT2)) & ALL_KINDS(r), f, TTL_NORMAL);
	mdns_net_multicast(&r->net, f, buf, dns_writer_finish(&w));
}

/* --- names and conflicts ------------------------------------------------ */

/* BASE, or "BASE (N)" / "BASE-N", cut at a UTF-8 boundary to fit a label. */
static size_t numbered_label(char out[DNS_LABEL_MAX + 1], const char *base, int n, bool spaced)
{
	char suffix[16] = "";
	if (n > 1)
		snprintf(suffix, sizeof(suffix), spaced ? " (%d)" : "-%d", n);
	size_t keep = MIN(strlen(base), DNS_LABEL_MAX - strlen(suffix));
	while (keep > 0 && ((unsigned char)base[keep] & 0xc0) == 0x80)
		keep--;
	memcpy(out, base, keep);
	strcpy(out + keep, suffix);
	return strlen(out);
}

static void set_names(struct mdns_responder *r)
{
	char label[DNS_LABEL_MAX + 1];
	size_t l = numbered_label(label, r->base_inst, r->inst_try, true);
	r->inst = r->type;
	dns_name_prepend(&r->inst, label, l);
	dns_name_from_str(&r->host, "local");
	if (r->has2) {
		r->inst2 = r->type2;
		dns_name_prepend(&r->inst2, label, l);
	}
	l = numbered_label(label, r->base_host, r->host_try, false);
	dns_name_prepend(&r->host, label, l);
}

static void start_probing(struct mdns_responder *r, int64_t delay)
{
	r->state = MDNS_PROBING;
	r->step = 0;
	loop_timer(r->net.loop, &r->t_state, delay);
}

static void start_announcing(struct mdns_responder *r)
{
	r->state = MDNS_ANNOUNCING;
	r->step = 0;
	loop_timer(r->net.loop, &r->t_state, 0);
}

/* Somebody else has the name: take the next one and probe again. */
static void conflict(struct mdns_responder *r, bool inst, bool host)
{
	int64_t now = loop_now_ms();
	char label[DNS_LABEL_MAX + 1];

	memmove(r->conflicts + 1, r->conflicts, sizeof(r->conflicts) - sizeof(r->conflicts[0]));
	r->conflicts[0] = now;
	r->nconflicts = MIN(r->nconflicts + 1, (int)ARRAY_LEN(r->conflicts));
	if (inst)
		r->inst_try++;
	if (host)
		r->host_try++;
	set_names(r);
	if (inst) {
		mdns_responder_instance(r, label);
		msg("mDNS: the name is taken on this network; now '%s'", label);
		if (r->on_rename)
			r->on_rename(r, label);
	}
	bool busy = r->nconflicts == (int)ARRAY_LEN(r->conflicts) &&
		    now - r->conflicts[ARRAY_LEN(r->conflicts) - 1] < 10000;
	start_probing(r, busy ? CONFLICT_SLOWDOWN_MS : mdns_random(0, PROBE_GAP_MS));
}

/* Whether RR is one of ours, on any interface (our own packets come back). */
static bool is_ours(const struct mdns_responder *r, const struct dns_rr *rr)
{
	struct dns_rr mine;
	static const struct mdns_iface none;
	for (int k = 0; k < MDNS_K_COUNT; k++) {
		int nifs = !live(r, k) ? 0 : k == MDNS_K_ADDR ? r->net.nifs : 1;
		for (int j = 0; j < nifs; j++) {
			const struct mdns_iface *f = k == MDNS_K_ADDR ? &r->net.ifs[j] : &none;
			for (int i = 0; i < kind_count(k, f); i++) {
				make_rr(r, k, f, i, &mine);
				if (dns_name_eq(&mine.name, &rr->name) && dns_rr_same_data(&mine, rr))
					return true;
			}
		}
	}
	return false;
}

/* A response claiming one of our unique names with other data. */
static void check_response(struct mdns_responder *r, struct dns_reader *rd)
{
	struct dns_rr rr;
	bool inst = false, host = false;

	while (dns_read(rd, &rr) == 1) {
		if (rr.section == DNS_QD || rr.ttl == 0 || is_ours(r, &rr))
			continue;
		inst |= dns_name_eq(&rr.name, &r->inst) || (r->has2 && dns_name_eq(&rr.name, &r->inst2));
		host |= dns_name_eq(&rr.name, &r->host);
	}
	if (!inst && !host)
		return;
	if (r->state == MDNS_PROBING)
		conflict(r, inst, host);
	else /* RFC 6762 9: probe again; whoever defends keeps the name */
		start_probing(r, mdns_random(0, PROBE_GAP_MS));
}

/* --- simultaneous probes (RFC 6762 8.2) ----------------------------------- */

#define TIE_MAX 16
struct tie_key {
	uint16_t len;
	uint8_t b[4 + 6 + DNS_NAME_MAX];
};

static void tie_key(const struct dns_rr *rr, struct tie_key *k)
{
	k->b[0] = (uint8_t)(rr->rclass >> 8), k->b[1] = (uint8_t)rr->rclass;
	k->b[2] = (uint8_t)(rr->type >> 8), k->b[3] = (uint8_t)rr->type;
	k->len = (uint16_t)(4 + dns_rr_canon_rdata(rr, k->b + 4, sizeof(k->b) - 4));
}

static int tie_cmp(const void *a, const void *b)
{
	const struct tie_key *x = a, *y = b;
	int c = memcmp(x->b, y->b, MIN(x->len, y->len));
	return c ? c : (int)x->len - (int)y->len;
}

/* At most TIE_MAX keys: an insertion sort is plenty. */
static void tie_sort(struct tie_key *k, int n)
{
	static struct tie_key tmp;
	for (int i = 1; i < n; i++) {
		int j = i;
		tmp = k[i];
		for (; j > 0 && tie_cmp(&k[j - 1], &tmp) > 0; j--)
			k[j] = k[j - 1];
		k[j] = tmp;
	}
}

/* >0 if our set is later (we win), <0 if theirs is, 0 if identical. */
static int tie_compare(struct tie_key *ours, int no, struct tie_key *theirs, int nt)
{
	tie_sort(ours, no);
	tie_sort(theirs, nt);
	for (int i = 0; i < no && i < nt; i++) {
		int c = tie_cmp(&ours[i], &theirs[i]);
		if (c)
			return c;
	}
	return no - nt;
}

/* Their proposal for NAME against ours on interface F; true if we lost. */
static bool lost_tiebreak(const struct mdns_responder *r, const uint8_t *buf, size_t len,
			  const struct dns_name *name, const struct mdns_iface *f)
{
	static struct tie_key ours[TIE_MAX], theirs[TIE_MAX];
	int no = 0, nt = 0;
	struct dns_reader rd;
	struct dns_rr rr;

	dns_reader_init(&rd, buf, len);
	while (dns_read(&rd, &rr) == 1 && nt < TIE_MAX)
		if (rr.section == DNS_NS && dns_name_eq(&rr.name, name))
			tie_key(&rr, &theirs[nt++]);
	if (nt == 0)
		return false;
	for (int k = MDNS_K_SRV; k < MDNS_K_COUNT; k++) {
		for (int i = 0; live(r, k) && i < kind_count(k, f) && no < TIE_MAX; i++) {
			make_rr(r, k, f, i, &rr);
			if (!(SHARED_KINDS & BIT(k)) && dns_name_eq(&rr.name, name))
				tie_key(&rr, &ours[no++]);
		}
	}
	return tie_compare(ours, no, theirs, nt) < 0;
}

/* --- queries -------------------------------------------------------------- */

static unsigned kinds_for_question(const struct mdns_responder *r, const struct dns_rr *q)
{
	bool any = q->type == DNS_T_ANY;
	if (q->rclass != DNS_C_IN && q->rclass != DNS_C_ANY)
		return 0;
	if (dns_name_eq(&q->name, &r->type) && (any || q->type == DNS_T_PTR))
		return BIT(MDNS_K_PTR);
	if (dns_name_eq(&q->name, &r->services) && (any || q->type == DNS_T_PTR))
		return (BIT(MDNS_K_SVCS) | BIT(MDNS_K_SVCS2)) & ALL_KINDS(r);
	if (dns_name_eq(&q->name, &r->inst))
		return (any || q->type == DNS_T_SRV ? BIT(MDNS_K_SRV) : 0) |
		       (any || q->type == DNS_T_TXT ? BIT(MDNS_K_TXT) : 0);
	if (r->has2 && dns_name_eq(&q->name, &r->type2) && (any || q->type == DNS_T_PTR))
		return BIT(MDNS_K_PTR2);
	if (r->has2 && dns_name_eq(&q->name, &r->inst2))
		return (any || q->type == DNS_T_SRV ? BIT(MDNS_K_SRV2) : 0) |
		       (any || q->type == DNS_T_TXT ? BIT(MDNS_K_TXT2) : 0);
	if (dns_name_eq(&q->name, &r->host) &&
	    (any || q->type == DNS_T_A || q->type == DNS_T_AAAA))
		return BIT(MDNS_K_ADDR);
	return 0;
}

/* Known-answer suppression (RFC 6762 7.1): count the answers the querier
 * already has with at least half our TTL left. */
static void count_known(const struct mdns_responder *r, const struct dns_rr *ka,
			const struct mdns_iface *f, int known[MDNS_K_COUNT])
{
	struct dns_rr mine;
	for (int k = 0; k < MDNS_K_COUNT; k++) {
		for (int i = 0; live(r, k) && i < kind_count(k, f); i++) {
			make_rr(r, k, f, i, &mine);
			if (ka->ttl >= mine.ttl / 2 && dns_name_eq(&ka->name, &mine.name) &&
			    dns_rr_same_data(ka, &mine))
				known[k]++;
		}
	}
}

static void schedule_multicast(struct mdns_responder *r, const struct mdns_iface *f,
			       unsigned mask, bool more_known)
{
	/* RFC 6762 6: shared answers wait 20-120 ms so responders do not
	 * collide; 400-500 ms when more known answers are on their way (7.2). */
	int64_t delay = more_known ? mdns_random(400, 500) :
			(mask & SHARED_KINDS) ? mdns_random(20, 120) : 0;
	int64_t due = loop_now_ms() + delay;
	r->pending[f - r->net.ifs] |= (uint16_t)mask;
	if (!timer_armed(&r->t_reply) || r->t_reply.due_ms > due)
		loop_timer(r->net.loop, &r->t_reply, delay);
}

static void on_reply_timer(struct loop *l, struct timer *t)
{
	struct mdns_responder *r = container_of(t, struct mdns_responder, t_reply);
	int64_t now = loop_now_ms(), next = -1;

	for (int s = 0; s < r->net.nifs; s++) {
		unsigned ready = 0;
		for (int k = 0; k < MDNS_K_COUNT; k++) {
			if (!(r->pending[s] & BIT(k)))
				continue;
			int64_t ok_at = r->last[s][k] + RATE_LIMIT_MS;
			if (r->last[s][k] == 0 || ok_at <= now)
				ready |= BIT(k);
			else if (next < 0 || ok_at < next)
				next = ok_at;
		}
		r->pending[s] &= (uint16_t)~ready;
		if (ready)
			send_answer(r, &r->net.ifs[s], ready, TTL_NORMAL, NULL, 0, NULL, 0);
	}
	if (next >= 0)
		loop_timer(l, t, next - now);
}

static void handle_query(struct mdns_responder *r, struct dns_reader *rd, const uint8_t *buf,
			 size_t len, const struct sockaddr_storage *from,
			 const struct mdns_iface *f)
{
	struct dns_rr rr, qs[MAX_ECHOED_QUESTIONS];
	int nq = 0, known[MDNS_K_COUNT] = { 0 };
	unsigned want = 0, qu = 0, known_mask = 0;
	bool legacy = mdns_src_port(from) != MDNS_PORT;
	bool probe = rd->h.count[DNS_NS] > 0;

	while (dns_read(rd, &rr) == 1) {
		if (rr.section == DNS_QD) {
			unsigned m = kinds_for_question(r, &rr);
			want |= m;
			qu |= rr.top ? m : 0;
			if (m && nq < MAX_ECHOED_QUESTIONS)
				qs[nq++] = rr;
		} else if (rr.section == DNS_AN) {
			count_known(r, &rr, f, known);
		}
	}
	if (r->state == MDNS_PROBING) {
		if (probe && (lost_tiebreak(r, buf, len, &r->inst, f) ||
			      (r->has2 && lost_tiebreak(r, buf, len, &r->inst2, f)) ||
			      lost_tiebreak(r, buf, len, &r->host, f)))
			start_probing(r, LOST_TIEBREAK_MS);
		return; /* the names are not ours yet */
	}
	for (int k = 0; k < MDNS_K_COUNT; k++)
		if (known[k] && known[k] >= kind_count(k, f))
			known_mask |= BIT(k);
	/* The rest of a long known-answer list (RFC 6762 7.2), answers and no
	 * questions: what is known need not be sent after all. */
	if (rd->h.count[DNS_QD] == 0)
		r->pending[f - r->net.ifs] &= (uint16_t)~known_mask;
	want &= ~known_mask;
	if (!want || r->state == MDNS_IDLE)
		return;
	/* Unicast replies only to our own link (RFC 6762 11). */
	bool on_link = mdns_net_on_link(f, from);
	if (legacy) {
		if (on_link)
			send_answer(r, f, want, TTL_LEGACY, from, rd->h.id, qs, nq);
		return;
	}
	/* QU: unicast, unless we have not multicast it there for a quarter
	 * of its TTL (RFC 6762 5.4). */
	unsigned uni = 0;
	int64_t now = loop_now_ms();
	for (int k = 0; k < MDNS_K_COUNT; k++) {
		int64_t last = r->last[f - r->net.ifs][k];
		if ((qu & BIT(k)) && on_link && last && now - last < (int64_t)kind_ttl[k] * 1000 / 4)
			uni |= BIT(k);
	}
	if (uni)
		send_answer(r, f, uni, TTL_NORMAL, from, 0, NULL, 0);
	want &= ~uni;
	if (want && probe) /* defend our names now, even within the rate limit */
		send_answer(r, f, want, TTL_NORMAL, NULL, 0, NULL, 0);
	else if (want)
		schedule_multicast(r, f, want, (rd->h.flags & DNS_F_TC) != 0);
}

static void on_packet(struct mdns_net *n, const uint8_t *buf, size_t len,
		      const struct sockaddr_storage *from, int ifindex)
{
	struct mdns_responder *r = container_of(n, struct mdns_responder, net);
	const struct mdns_iface *f = mdns_net_iface(n, ifindex);
	struct dns_reader rd;

	/* RFC 6762 18.3, 18.11: other opcodes and rcodes are ignored. */
	if (!f || dns_reader_init(&rd, buf, len) != 0 || DNS_OPCODE(rd.h.flags) ||
	    DNS_RCODE(rd.h.flags))
		return;
	if (rd.h.flags & DNS_F_QR)
		check_response(r, &rd);
	else
		handle_query(r, &rd, buf, len, from, f);
}

/* --- life cycle ------------------------------------------------------------ */

static void on_state_timer(struct loop *l, struct timer *t)
{
	struct mdns_responder *r = container_of(t, struct mdns_responder, t_state);

	if (r->state == MDNS_PROBING) {
		if (r->step == PROBES) {
			start_announcing(r);
			return;
		}
		for (int i = 0; i < r->net.nifs; i++)
			send_probe(r, &r->net.ifs[i], r->step == 0);
		r->step++;
		loop_timer(l, t, PROBE_GAP_MS);
	} else if (r->state == MDNS_ANNOUNCING) {
		r->announced = true;
		for (int i = 0; i < r->net.nifs; i++)
			send_answer(r, &r->net.ifs[i], ALL_KINDS(r), TTL_NORMAL, NULL, 0, NULL, 0);
		if (++r->step < ANNOUNCES)
			loop_timer(l, t, ANNOUNCE_GAP_MS);
		else
			r->state = MDNS_RUNNING;
	}
}

static bool has_addr(const struct mdns_iface *f, const struct dns_rr *rr)
{
	for (int i = 0; i < f->n4 + f->n6; i++) {
		const void *a = i < f->n4 ? (const void *)&f->v4[i] : (const void *)&f->v6[i - f->n4];
		if ((i < f->n4) == (rr->type == DNS_T_A) && memcmp(a, rr->rdata, rr->rdlen) == 0)
			return true;
	}
	return false;
}

/* Goodbyes for the addresses an interface lost (RFC 6762 10.1), so that
 * nobody keeps connecting to them for two minutes. */
static void address_goodbyes(struct mdns_responder *r, const struct mdns_iface *old)
{
	const struct mdns_iface *now = mdns_net_iface(&r->net, old->index);
	uint8_t buf[MDNS_SEND_MAX];
	struct dns_writer w;
	struct dns_rr rr;

	if (!now)
		return; /* the interface is gone: nowhere to send */
	dns_writer_init(&w, buf, sizeof(buf), 0, DNS_F_QR | DNS_F_AA);
	for (int i = 0; i < kind_count(MDNS_K_ADDR, old); i++) {
		make_rr(r, MDNS_K_ADDR, old, i, &rr);
		rr.ttl = 0;
		if (!has_addr(now, &rr))
			dns_write(&w, DNS_AN, &rr);
	}
	if (w.count[DNS_AN])
		mdns_net_multicast(&r->net, now, buf, dns_writer_finish(&w));
}

static void on_ifaces(struct mdns_net *n, const struct mdns_iface *old, int nold)
{
	struct mdns_responder *r = container_of(n, struct mdns_responder, net);
	if (r->announced)
		for (int i = 0; i < nold; i++)
			address_goodbyes(r, &old[i]);
	/* Slots may have moved: forget per-slot state. Then, as after any
	 * change of connectivity (RFC 6762 8), probe and announce again: a
	 * new link may already have our names. */
	memset(r->pending, 0, sizeof(r->pending));
	memset(r->last, 0, sizeof(r->last));
	if (r->state == MDNS_ANNOUNCING || r->state == MDNS_RUNNING)
		start_probing(r, mdns_random(0, PROBE_GAP_MS));
}

/* "<first label of the host name>-chat", in the letters a host name may use. */
static void default_host_label(char out[DNS_LABEL_MAX + 1])
{
	char hn[256] = "";
	size_t o = 0;
	gethostname(hn, sizeof(hn) - 1);
	for (const char *p = hn; *p && *p != '.' && o < DNS_LABEL_MAX - 10; p++) {
		char c = *p;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c + 32);
		if (!(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9'))
			c = '-';
		out[o++] = c;
	}
	strcpy(out + o, o ? "-chat" : "chatbox");
}

/* TXT's strings (NULL-terminated) as the record's data into OUT. */
static int make_txt(uint8_t out[MDNS_TXT_MAX], uint16_t *len, const char *const *txt)
{
	*len = 0;
	for (; txt && *txt; txt++) {
		size_t n = strlen(*txt);
		if (n > 255 || *len + 1 + n > MDNS_TXT_MAX)
			return -1;
		out[(*len)++] = (uint8_t)n;
		memcpy(out + *len, *txt, n);
		*len = (uint16_t)(*len + n);
	}
	if (*len == 0) /* RFC 6763 6.1: never empty */
		out[(*len)++] = 0;
	return 0;
}

int mdns_responder_also(struct mdns_responder *r, const char *type, unsigned port,
			const char *const *txt)
{
	char full[DNS_LABEL_MAX * 2 + 8];
	snprintf(full, sizeof(full), "%s.local", type);
	if (!dns_name_from_str(&r->type2, full) || make_txt(r->txt2, &r->txtlen2, txt) != 0)
		return -1;
	r->port2 = (uint16_t)port;
	r->has2 = true;
	set_names(r);
	return 0;
}

int mdns_responder_start(struct mdns_responder *r, struct loop *l, const char *type,
			 const char *instance, const char *hostlabel, unsigned port,
			 const char *const *txt, const char *const *only)
{
	char full[DNS_LABEL_MAX * 2 + 8];

	memset(r, 0, sizeof(*r));
	timer_init(&r->t_state, on_state_timer);
	timer_init(&r->t_reply, on_reply_timer);
	snprintf(full, sizeof(full), "%s.local", type);
	if (!dns_name_from_str(&r->type, full) ||
	    !dns_name_from_str(&r->services, "_services._dns-sd._udp.local") || !*instance)
		return -1;
	numbered_label(r->base_inst, instance, 1, true);
	if (hostlabel)
		numbered_label(r->base_host, hostlabel, 1, false);
	else
		default_host_label(r->base_host);
	r->inst_try = r->host_try = 1;
	set_names(r);
	r->port = (uint16_t)port;
	if (make_txt(r->txt, &r->txtlen, txt) != 0)
		return -1;
	if (mdns_net_open(&r->net, l, false, only, on_packet, on_ifaces) != 0)
		return -1;
	start_probing(r, mdns_random(0, PROBE_GAP_MS));
	return 0;
}

void mdns_responder_stop(struct mdns_responder *r)
{
	if (!r->net.loop)
		return;
	if (r->announced)
		for (int i = 0; i < r->net.nifs; i++)
			send_answer(r, &r->net.ifs[i], ALL_KINDS(r), TTL_GOODBYE, NULL, 0, NULL, 0);
	loop_timer_cancel(r->net.loop, &r->t_state);
	loop_timer_cancel(r->net.loop, &r->t_reply);
	mdns_net_close(&r->net);
	r->state = MDNS_IDLE;
	r->net.loop = NULL;
}

const char *mdns_responder_instance(const struct mdns_responder *r, char out[DNS_LABEL_MAX + 1])
{
	dns_name_label0(&r->inst, out);
	return out;
}
