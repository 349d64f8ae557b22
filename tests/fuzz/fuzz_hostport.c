/* fuzz_hostport.c - libFuzzer harness: host:port splitting (core/net.c) and
 * number parsing (core/util.c parse_uint), as -b/-p and chat-client read them. */
#include "chatbox.h"
#include "net.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	char host[NET_HOST_MAX];
	unsigned port = 6667;
	unsigned long v;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (net_split_hostport(s, host, &port)) {
		size_t n = strlen(host);
		if (n == 0 || n >= NET_HOST_MAX || port < 1 || port > 65535)
			abort();
		if (strstr(s, host) == NULL)
			abort(); /* the host is a piece of the input */
	}
	if (parse_uint(s, 1, 65535, &v) && (v < 1 || v > 65535))
		abort();
	if (parse_uint(s, 0, (unsigned long)-1, &v) && s[0] == '-')
		abort();
	free(s);
	return 0;
}
