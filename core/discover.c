/* discover.c - chat servers over mDNS/DNS-SD: announcing and listing. */
#include "discover.h"
#include "chatbox.h"
#include "utf8.h"
#include "textsafe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The policy for everything shown from an announcement (see discover.h). */
static void clean(char out[DISCOVER_FIELD_MAX], const char *in, size_t len)
{
	text_safe(out, DISCOVER_FIELD_MAX, in, len, TS_TAB_TO_SPACE);
}

void discover_name(char out[DISCOVER_FIELD_MAX], const char *instance)
{
	clean(out, instance, strlen(instance));
}

static void add_addr(struct discover_info *out, const struct mdns_addr *a)
{
	struct net_addr na;
	char s[NET_ADDRSTR_MAX];
	size_t n = strlen(out->addrs);

	net_addr_set(&na, a->family == AF_INET ? AF_INET : AF_INET6, a->a, 0, (uint32_t)a->ifindex);
	net_ntop((struct sockaddr *)&na.ss, s);
	/* A list of whole addresses: one that does not fit is left out, not cut. */
	if (n + (n ? 1 : 0) + strlen(s) < sizeof(out->addrs))
		snprintf(out->addrs + n, sizeof(out->addrs) - n, "%s%s", n ? "," : "", s);
	if (!out->connect[0] || (a->family == AF_INET && strchr(out->connect, ':')))
		strlcpy_ok(out->connect, s, sizeof(out->connect));
}

/* Append SEP and the (clean) field S to the list in BUF, cut between
 * characters when it does not fit: the list stays valid UTF-8. */
static void append_field(char *buf, size_t size, const char *sep, const char *s)
{
	size_t n = strlen(buf);
	if (n) {
		if (n + 1 >= size)
			return;
		buf[n++] = sep[0];
	}
	size_t take = utf8_cut(s, strlen(s), size - 1 - n);
	memcpy(buf + n, s, take);
	buf[n + take] = '\0';
}

static void add_txt(struct discover_info *out, const uint8_t *p, size_t len)
{
	char s[DISCOVER_FIELD_MAX];
	for (size_t i = 0; i < len; i += 1u + p[i]) {
		size_t l = MIN(p[i], len - i - 1);
		if (l == 0)
			continue;
		clean(s, (const char *)p + i + 1, l);
		append_field(out->txt, sizeof(out->txt), "\t", s);
		if (strncmp(s, "txtvers=", 8) != 0)
			append_field(out->details, sizeof(out->details), " ", s);
	}
}

void discover_info(const struct mdns_browser *b, const struct mdns_found *f,
		   struct discover_info *out)
{
	char host[DNS_NAME_STR_MAX];
	const struct mdns_host *h = mdns_browser_host(b, f);

	memset(out, 0, sizeof(*out));
	discover_name(out->name, f->instance);
	dns_name_str(&f->target, host);
	clean(out->host, host, strlen(host) - 1); /* without the root's dot */
	out->port = f->port;
	/* IPv4 first: what people recognise and what connects everywhere */
	for (int fam = 0; h && fam < 2; fam++)
		for (int i = 0, n = 0; i < h->naddr && n < DISCOVER_ADDRS; i++)
			if (h->addr[i].family == (fam ? AF_INET6 : AF_INET))
				add_addr(out, &h->addr[i]), n++;
	add_txt(out, f->txt, f->have_txt ? f->txtlen : 0);
}

struct collect {
	struct loop loop;
	struct mdns_browser b;
	struct timer deadline;
	int settle_ms;
};

static void collect_found(struct mdns_browser *b, const struct mdns_found *f, bool up)
{
	struct collect *c = container_of(b, struct collect, b);
	(void)f;
	/* the others answer the same query within a moment */
	if (up && c->settle_ms && c->deadline.due_ms > loop_now_ms() + c->settle_ms)
		loop_timer(&c->loop, &c->deadline, c->settle_ms);
}

static void collect_deadline(struct loop *l, struct timer *t)
{
	(void)t;
	l->stop = true;
}

int discover_servers(unsigned secs, int settle_ms, struct discover_info *out, int max)
{
	static struct collect c;
	int n = 0;

	memset(&c, 0, sizeof(c));
	c.settle_ms = settle_ms;
	if (loop_init(&c.loop) != 0)
		return -1;
	if (mdns_browser_start(&c.b, &c.loop, DISCOVER_TYPE, collect_found) != 0) {
		loop_free(&c.loop);
		return -1;
	}
	timer_init(&c.deadline, collect_deadline);
	loop_timer(&c.loop, &c.deadline, (int64_t)secs * 1000);
	loop_run(&c.loop);
	for (int i = 0; i < MDNS_MAX_FOUND && n < max; i++)
		if (c.b.found[i].used && c.b.found[i].reported)
			discover_info(&c.b, &c.b.found[i], &out[n++]);
	mdns_browser_stop(&c.b);
	loop_free(&c.loop);
	return n;
}

int discover_announce(struct mdns_responder *r, struct loop *l, const char *name,
		      unsigned port, const char *const *bound)
{
	static const char *const txt[] = { "txtvers=1", "version=" CHATBOX_VERSION, "plain=1",
					   NULL };
	return mdns_responder_start(r, l, DISCOVER_TYPE, name, NULL, port, txt, bound);
}

int discover_announce_web(struct mdns_responder *r, unsigned port)
{
	static const char *const txt[] = { "path=/", NULL };
	return mdns_responder_also(r, "_http._tcp", port, txt);
}
