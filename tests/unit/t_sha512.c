/* t_sha512.c - SHA-512 (FIPS 180-4's "abc") and SHA-512 crypt (the
 * vectors of Drepper's specification, and one Python's crypt agrees on). */
#include "sha512.h"
#include "unit.h"

#include <stdio.h>

UNIT(sha512_abc)
{
	unsigned char d[SHA512_LEN];
	char hex[2 * SHA512_LEN + 1];
	struct sha512 s;

	sha512_init(&s);
	sha512_update(&s, "abc", 3);
	sha512_final(&s, d);
	for (int i = 0; i < SHA512_LEN; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
	CHECK_STR(hex, "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
		       "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
}

UNIT(sha512_crypt_vectors)
{
	char out[SHA512_CRYPT_MAX];

	CHECK(sha512_crypt("Hello world!", "$6$saltstring", out) == 0);
	CHECK_STR(out, "$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI6"
		       "8u4OTLiBFdcbYEdFCoEOfaS35inz1");
	/* rounds=, and a salt cut at 16 characters */
	CHECK(sha512_crypt("Hello world!", "$6$rounds=10000$saltstringsaltstring", out) == 0);
	CHECK_STR(out, "$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbb"
		       "MCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v.");
	CHECK(sha512_crypt("x", "$1$md5", out) == -1);
}
