/* resolve.c - a host name to addresses: /etc/hosts, then unicast DNS
 * (what and why: resolve.h). */
#include "resolve.h"
#include "chatbox.h"
#include "loop.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <unistd.h>

#define HOSTS_PATH "/etc/hosts"
#define RESOLV_CONF_PATH "/etc/resolv.conf"
#define DNS_PORT 53
#define DNS_UDP_MAX 512 /* RFC 1035 4.2.1: no EDNS asked, no more sent */
#define RCODE_NXDOMAIN 3

static const char blanks[] = " \t\r\n";

bool resolve_hosts_line(char *line, const char *name, unsigned port, struct net_addr *a)
{
	char *save = NULL, *addr, *word;

	line[strcspn(line, "#")] = '\0';
	addr = strtok_r(line, blanks, &save);
	if (!addr)
		return false;
	while ((word = strtok_r(NULL, blanks, &save)))
		if (strcasecmp(word, name) == 0)
			return net_numeric(addr, port, a);
	return false;
}

void resolve_conf_line(char *line, struct resolv_conf *c)
{
	char *save = NULL, *key, *addr;

	line[strcspn(line, "#;")] = '\0';
	key = strtok_r(line, blanks, &save);
	addr = key ? strtok_r(NULL, blanks, &save) : NULL;
	if (addr && strcmp(key, "nameserver") == 0 && c->nns < RESOLVE_NS_MAX &&
	    net_numeric(addr, DNS_PORT, &c->ns[c->nns]))
		c->nns++;
}

/* --- answers ---------------------------------------------------------- */

static bool addr_of_rr(const struct dns_rr *rr, unsigned port, struct net_addr *a)
{
	if (rr->type == DNS_T_A && rr->rdlen == 4)
		net_addr_set(a, AF_INET, rr->rdata, port, 0);
	else if (rr->type == DNS_T_AAAA && rr->rdlen == 16)
		net_addr_set(a, AF_INET6, rr->rdata, port, 0);
	else
		return false;
	return true;
}

/* R past the one question of MSG, at its first answer record. */
static bool skip_question(struct dns_reader *r, const uint8_t *msg, size_t len)
{
	struct dns_rr q;
	return dns_reader_init(r, msg, len) == 0 && r->h.count[DNS_QD] == 1 && dns_read(r, &q) == 1;
}

/* The next record of the answer section of an IN class into RR. */
static bool next_answer(struct dns_reader *r, struct dns_rr *rr)
{
	while (dns_read(r, rr) == 1 && rr->section == DNS_AN)
		if (rr->rclass == DNS_C_IN)
			return true;
	return false;
}

/* If the answer says *NAME is an alias, *NAME becomes what it aliases. */
static bool follow_cname(const uint8_t *msg, size_t len, struct dns_name *name)
{
	struct dns_reader r;
	struct dns_rr rr;

	if (!skip_question(&r, msg, len))
		return false;
	while (next_answer(&r, &rr))
		if (rr.type == DNS_T_CNAME && rr.target.len && dns_name_eq(&rr.name, name)) {
			*name = rr.target;
			return true;
		}
	return false;
}

int resolve_answer(const uint8_t *msg, size_t len, uint16_t id, const struct dns_name *name,
		   uint16_t type, unsigned port, struct net_addr *out, int *n, int max)
{
	struct dns_reader r;
	struct dns_rr rr;
	struct dns_name owner = *name;

	if (dns_reader_init(&r, msg, len) != 0 || r.h.id != id || !(r.h.flags & DNS_F_QR) ||
	    DNS_OPCODE(r.h.flags) != 0 || r.h.count[DNS_QD] != 1 || dns_read(&r, &rr) != 1 ||
	    rr.type != type || rr.rclass != DNS_C_IN || !dns_name_eq(&rr.name, name))
		return -1;
	/* Bounded: a CNAME loop in a hostile answer ends here too. */
	for (int hop = 0; hop < RESOLVE_CNAME_MAX && follow_cname(msg, len, &owner); hop++)
		;
	if (!skip_question(&r, msg, len))
		return -1;
	while (*n < max && next_answer(&r, &rr))
		if (rr.type == type && dns_name_eq(&rr.name, &owner) && addr_of_rr(&rr, port, &out[*n]))
			(*n)++;
	return DNS_RCODE(r.h.flags);
}

/* --- asking the servers ----------------------------------------------- */

/* One question (A or AAAA) and what came of it. */
struct query {
	uint16_t type, id;
	uint8_t msg[DNS_HEADER_LEN + DNS_NAME_MAX + 4];
	size_t len;
	bool done;          /* an answer that settles it: addresses, NODATA, NXDOMAIN */
	int rcode;          /* of that answer */
	unsigned failed;    /* bit per server that answered with another rcode */
	int n;
	struct net_addr addrs[RESOLVE_ADDRS_MAX];
};

struct lookup {
	struct dns_name name;
	unsigned port;
	struct resolv_conf conf;
	int fd[RESOLVE_NS_MAX];   /* connected to conf.ns[i]; -1 once unusable */
	int sock_err;             /* why the last one became unusable */
	int bad_rcode;            /* the last rcode that settled nothing */
	struct query q[2];        /* A, then AAAA: the order of the result */
};

static void load_conf(struct resolv_conf *c)
{
	FILE *f = fopen(RESOLV_CONF_PATH, "re");
	char line[RESOLVE_LINE_MAX];

	c->nns = 0;
	if (f) {
		while (read_line(f, line, sizeof(line)))
			resolve_conf_line(line, c);
		fclose(f);
	}
	if (c->nns == 0 && net_numeric("127.0.0.1", DNS_PORT, &c->ns[0]))
		c->nns = 1;
}

/* An ID an off-path attacker cannot guess (they could forge the answer). */
static uint16_t query_id(void)
{
	uint16_t id;
	if (getrandom(&id, sizeof(id), GRND_NONBLOCK) != (ssize_t)sizeof(id))
		id = (uint16_t)((uint32_t)getpid() * 2654435761u ^ (uint32_t)loop_now_ms());
	return id;
}

static bool make_query(struct query *q, const struct dns_name *name, uint16_t type, uint16_t id)
{
	struct dns_writer w;
	struct dns_rr rr = { .name = *name, .type = type, .rclass = DNS_C_IN };

	memset(q, 0, sizeof(*q));
	q->type = type;
	q->id = id;
	dns_writer_init(&w, q->msg, sizeof(q->msg), q->id, DNS_F_RD);
	if (!dns_write(&w, DNS_QD, &rr))
		return false;
	q->len = dns_writer_finish(&w);
	return q->len > 0;
}

static void drop_server(struct lookup *l, int i, int err)
{
	close(l->fd[i]);
	l->fd[i] = -1;
	l->sock_err = err;
}

/* Whether Q still waits for server I. */
static bool waits_for(const struct lookup *l, const struct query *q, int i)
{
	return !q->done && l->fd[i] >= 0 && !(q->failed & 1u << i);
}

static bool pending(const struct lookup *l)
{
	for (int i = 0; i < l->conf.nns; i++)
		if (waits_for(l, &l->q[0], i) || waits_for(l, &l->q[1], i))
			return true;
	return false;
}

static void open_servers(struct lookup *l)
{
	for (int i = 0; i < l->conf.nns; i++) {
		const struct net_addr *ns = &l->conf.ns[i];
		/* Connected: the kernel passes on only datagrams from that
		 * server's address and port, and reports an ICMP refusal. */
		l->fd[i] = socket(ns->ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (l->fd[i] < 0)
			l->sock_err = errno;
		else if (connect(l->fd[i], (const struct sockaddr *)&ns->ss, ns->len) != 0)
			drop_server(l, i, errno);
	}
}

static void send_queries(struct lookup *l)
{
	for (int i = 0; i < l->conf.nns; i++)
		for (int k = 0; k < 2; k++)
			if (waits_for(l, &l->q[k], i) &&
			    send(l->fd[i], l->q[k].msg, l->q[k].len, 0) < 0 && errno != EAGAIN)
				drop_server(l, i, errno);
}

/* Read what server I sent and file it under its query. */
static void receive(struct lookup *l, int i)
{
	uint8_t buf[DNS_UDP_MAX];
	ssize_t len = recv(l->fd[i], buf, sizeof(buf), 0);

	if (len < 0) {
		if (errno != EAGAIN && errno != EINTR)
			drop_server(l, i, errno);
		return;
	}
	for (int k = 0; k < 2; k++) {
		struct query *q = &l->q[k];
		int n = q->n, rc;
		if (q->done) /* a second answer, to the query sent again */
			continue;
		rc = resolve_answer(buf, (size_t)len, q->id, &l->name, q->type, l->port, q->addrs,
				    &n, RESOLVE_ADDRS_MAX);
		if (rc < 0)
			continue;
		if (rc == 0 || rc == RCODE_NXDOMAIN) {
			q->done = true;
			q->rcode = rc;
			q->n = n;
		} else {
			q->failed |= 1u << i; /* SERVFAIL, REFUSED...: another server may know */
			l->bad_rcode = rc;
		}
		return;
	}
}

/* Ask every server, once more halfway, until all is answered or time is up. */
static void ask(struct lookup *l)
{
	int64_t start = loop_now_ms();

	open_servers(l);
	for (int attempt = 1; attempt <= RESOLVE_ATTEMPTS && pending(l); attempt++) {
		int64_t until = start + (int64_t)RESOLVE_TIMEOUT_MS * attempt / RESOLVE_ATTEMPTS;
		send_queries(l);
		while (pending(l)) {
			struct pollfd pfd[RESOLVE_NS_MAX];
			int idx[RESOLVE_NS_MAX], nfds = 0, left = (int)(until - loop_now_ms());
			if (left <= 0)
				break;
			for (int i = 0; i < l->conf.nns; i++)
				if (l->fd[i] >= 0) {
					pfd[nfds] = (struct pollfd){ .fd = l->fd[i], .events = POLLIN };
					idx[nfds++] = i;
				}
			if (poll(pfd, (nfds_t)nfds, left) < 0 && errno != EINTR) {
				l->sock_err = errno;
				attempt = RESOLVE_ATTEMPTS;
				break;
			}
			for (int j = 0; j < nfds; j++)
				if (pfd[j].revents)
					receive(l, idx[j]);
		}
	}
	for (int i = 0; i < l->conf.nns; i++)
		if (l->fd[i] >= 0)
			close(l->fd[i]);
}

/* --- putting it together ---------------------------------------------- */

/* NAME's lines of /etc/hosts into L's queries, IPv4 to the first. */
static void from_hosts(struct lookup *l, const char *name)
{
	FILE *f = fopen(HOSTS_PATH, "re");
	char line[RESOLVE_LINE_MAX];
	struct net_addr a;

	if (!f)
		return; /* none: DNS alone, as musl and glibc */
	while (read_line(f, line, sizeof(line))) {
		struct query *q = &l->q[0];
		if (!resolve_hosts_line(line, name, l->port, &a))
			continue;
		if (a.ss.ss_family != AF_INET)
			q = &l->q[1];
		if (q->n < RESOLVE_ADDRS_MAX)
			q->addrs[q->n++] = a;
	}
	fclose(f);
}

static int collect(const struct lookup *l, struct net_addr *out, int max)
{
	int n = 0;
	for (int k = 0; k < 2; k++)
		for (int i = 0; i < l->q[k].n && n < max; i++)
			out[n++] = l->q[k].addrs[i];
	return n;
}

/* Letters, digits, '-', '_' and '.', and UTF-8 as it is (as musl allows). */
static bool valid_hostname(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      *s == '-' || *s == '_' || *s == '.' || (unsigned char)*s >= 0x80))
			return false;
	return true;
}

/* Why DNS gave no address, in words. */
static const char *dns_failure(const struct lookup *l)
{
	static char why[NET_ADDRSTR_MAX + 80];
	char ns[NET_ADDRSTR_MAX];
	const char *others = l->conf.nns > 1 ? " (and the others)" : "";

	if ((l->q[0].done && l->q[0].rcode == RCODE_NXDOMAIN) ||
	    (l->q[1].done && l->q[1].rcode == RCODE_NXDOMAIN))
		return "no such host";
	if (l->q[0].done && l->q[1].done)
		return "the name has no IPv4 or IPv6 address";
	net_ntop((const struct sockaddr *)&l->conf.ns[0].ss, ns);
	if (l->bad_rcode == 2)
		snprintf(why, sizeof(why), "DNS server %s%s failed to look it up (SERVFAIL)", ns, others);
	else if (l->bad_rcode == 5)
		snprintf(why, sizeof(why), "DNS server %s%s refused to look it up", ns, others);
	else if (l->bad_rcode)
		snprintf(why, sizeof(why), "DNS server %s%s answered with error %d", ns, others,
			 l->bad_rcode);
	else if (l->sock_err)
		snprintf(why, sizeof(why), "cannot ask DNS server %s%s: %s", ns, others,
			 strerror(l->sock_err));
	else
		snprintf(why, sizeof(why), "DNS server %s%s did not answer", ns, others);
	return why;
}

int resolve_name(const char *host, unsigned port, struct net_addr *out, int max,
		 const char **why)
{
	struct lookup l = { .port = port };
	uint16_t id;
	int n;

	if (!valid_hostname(host) || !host[0] || !dns_name_from_str(&l.name, host)) {
		*why = "not a host name or address";
		return -1;
	}
	from_hosts(&l, host);
	/* RFC 6761 6.3: localhost is this machine, whatever the files say. */
	if (l.q[0].n + l.q[1].n == 0 && strcasecmp(host, "localhost") == 0) {
		l.q[0].n = net_numeric("127.0.0.1", port, &l.q[0].addrs[0]);
		l.q[1].n = net_numeric("::1", port, &l.q[1].addrs[0]);
	}
	if ((n = collect(&l, out, max)) > 0)
		return n;
	load_conf(&l.conf);
	id = query_id();
	if (!make_query(&l.q[0], &l.name, DNS_T_A, id) ||
	    !make_query(&l.q[1], &l.name, DNS_T_AAAA, (uint16_t)(id + 1))) {
		*why = "the name is too long";
		return -1;
	}
	ask(&l);
	if ((n = collect(&l, out, max)) > 0)
		return n;
	*why = dns_failure(&l);
	return -1;
}
