/* fuzz_dns.c - libFuzzer harness: the DNS/mDNS message reader (core/dns.c),
 * on every packet chat-discover and the server's announcer receive.
 * Everything read must stay inside the packet and its bounds; every record
 * read can be written again, and what is written parses. */
#include "dns.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_name(const struct dns_name *n)
{
	char str[DNS_NAME_STR_MAX], label[DNS_LABEL_MAX + 1];
	if (n->len < 1 || n->len > DNS_NAME_MAX || n->wire[n->len - 1] != 0)
		abort();
	if (strlen(dns_name_str(n, str)) >= sizeof(str))
		abort();
	if (dns_name_label0(n, label) > DNS_LABEL_MAX)
		abort();
	if (!dns_name_eq(n, n))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dns_reader r;
	struct dns_rr rr, prev;
	struct dns_writer w;
	uint8_t out[1500], canon[600];
	int n = 0, have_prev = 0;

	int parsed = dns_parse(data, size);
	if (dns_reader_init(&r, data, size) != 0) {
		if (parsed != -1)
			abort();
		return 0;
	}
	dns_writer_init(&w, out, sizeof(out), r.h.id, r.h.flags);
	while (n < 1000 && dns_read(&r, &rr) == 1) {
		n++;
		if (r.off > size)
			abort();
		check_name(&rr.name);
		if (rr.section != DNS_QD) {
			if (rr.rdlen && (rr.rdata < data || rr.rdata + rr.rdlen > data + size))
				abort();
			if (rr.type == DNS_T_PTR || rr.type == DNS_T_SRV)
				check_name(&rr.target);
			(void)dns_rr_canon_rdata(&rr, canon, sizeof(canon));
			if (have_prev)
				(void)dns_rr_same_data(&rr, &prev);
			prev = rr, have_prev = 1;
		}
		(void)dns_write(&w, rr.section, &rr);
	}
	size_t len = dns_writer_finish(&w);
	if (len > sizeof(out))
		abort();
	if (len && dns_parse(out, len) < 0)
		abort(); /* we must be able to read what we write */
	return 0;
}
