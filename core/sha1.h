/* sha1.h - SHA-1 (RFC 3174), for the WebSocket handshake only
 * (Sec-WebSocket-Accept, RFC 6455 4.2.2): not for anything that needs a
 * secure hash. The C library has none, so this small one. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define SHA1_LEN 20

struct sha1 {
	uint32_t h[5];
	uint64_t len;      /* bytes hashed so far */
	uint8_t buf[64];
	uint8_t nbuf;
};

void sha1_init(struct sha1 *s);
void sha1_update(struct sha1 *s, const void *p, size_t n);
void sha1_final(struct sha1 *s, uint8_t out[SHA1_LEN]);
