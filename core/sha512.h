/* sha512.h - SHA-512 (FIPS 180-4) and the SHA-512 crypt(3) scheme ($6$,
 * "Unix crypt using SHA-256 and SHA-512", U. Drepper), written here from
 * those specifications: Debian's musl has no crypt(), and a static binary
 * should not need the C library's.
 *
 * Pure functions: no state, no allocation; unit-tested against the
 * specification's vectors, end-to-end against Python's crypt module. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define SHA512_LEN 64
#define SHA512_CRYPT_MAX 128 /* "$6$rounds=999999999$" + 16 salt + "$" + 86, NUL */

struct sha512 {
	uint64_t h[8];
	uint64_t len;                   /* bytes so far (messages here are short) */
	unsigned char buf[128];
	size_t n;
};

void sha512_init(struct sha512 *s);
void sha512_update(struct sha512 *s, const void *data, size_t len);
void sha512_final(struct sha512 *s, unsigned char out[SHA512_LEN]);

/* crypt(KEY, SETTING) for SETTING "$6$[rounds=N$]SALT[$...]": the hash in
 * OUT, or -1 if SETTING is not a $6$ one. */
int sha512_crypt(const char *key, const char *setting, char out[SHA512_CRYPT_MAX]);
