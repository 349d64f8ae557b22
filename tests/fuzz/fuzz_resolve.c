/* fuzz_resolve.c - libFuzzer harness: what chat-client's resolver takes
 * from a DNS server's answer (core/resolve.c resolve_answer), asked the
 * question the packet itself holds so that its records are looked at, and
 * the same bytes as a line of /etc/hosts and of /etc/resolv.conf. */
#include "resolve.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_addrs(const struct net_addr *out, int n, int max, uint16_t type)
{
	if (n < 0 || n > max)
		abort();
	for (int i = 0; i < n; i++)
		if (out[i].ss.ss_family != (type == DNS_T_A ? AF_INET : AF_INET6))
			abort();
}

static void as_lines(const uint8_t *data, size_t size)
{
	char line[RESOLVE_LINE_MAX];
	struct net_addr a;
	struct resolv_conf c = { .nns = 0 };
	size_t n = size < sizeof(line) - 1 ? size : sizeof(line) - 1;

	memcpy(line, data, n);
	line[n] = '\0';
	resolve_hosts_line(line, "chat.test", 6667, &a);
	memcpy(line, data, n);
	line[n] = '\0';
	for (int i = 0; i <= RESOLVE_NS_MAX; i++)
		resolve_conf_line(line, &c);
	if (c.nns < 0 || c.nns > RESOLVE_NS_MAX)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dns_reader r;
	struct dns_rr q;
	struct net_addr out[4];

	as_lines(data, size);
	if (dns_reader_init(&r, data, size) != 0 || dns_read(&r, &q) != 1)
		return 0;
	for (int t = 0; t < 2; t++) {
		uint16_t type = t ? DNS_T_AAAA : DNS_T_A;
		int n = 1, rc;
		rc = resolve_answer(data, size, r.h.id, &q.name, type, 53, out, &n, 4);
		if (rc < -1 || rc > 15 || (rc == -1 && n != 1))
			abort();
		check_addrs(out + 1, n - 1, 3, type);
	}
	return 0;
}
