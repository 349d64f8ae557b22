/* sha512.c - SHA-512 and SHA-512 crypt (see sha512.h). */
#include "sha512.h"
#include "chatbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The first 64 bits of the fractional parts of the cube roots of the
 * first 80 primes (FIPS 180-4, 4.2.3), computed for this file. */
static const uint64_t K[80] = {
	0x428a2f98d728ae22ULL, 0x7137449123ef65cdULL, 0xb5c0fbcfec4d3b2fULL,
	0xe9b5dba58189dbbcULL, 0x3956c25bf348b538ULL, 0x59f111f1b605d019ULL,
	0x923f82a4af194f9bULL, 0xab1c5ed5da6d8118ULL, 0xd807aa98a3030242ULL,
	0x12835b0145706fbeULL, 0x243185be4ee4b28cULL, 0x550c7dc3d5ffb4e2ULL,
	0x72be5d74f27b896fULL, 0x80deb1fe3b1696b1ULL, 0x9bdc06a725c71235ULL,
	0xc19bf174cf692694ULL, 0xe49b69c19ef14ad2ULL, 0xefbe4786384f25e3ULL,
	0x0fc19dc68b8cd5b5ULL, 0x240ca1cc77ac9c65ULL, 0x2de92c6f592b0275ULL,
	0x4a7484aa6ea6e483ULL, 0x5cb0a9dcbd41fbd4ULL, 0x76f988da831153b5ULL,
	0x983e5152ee66dfabULL, 0xa831c66d2db43210ULL, 0xb00327c898fb213fULL,
	0xbf597fc7beef0ee4ULL, 0xc6e00bf33da88fc2ULL, 0xd5a79147930aa725ULL,
	0x06ca6351e003826fULL, 0x142929670a0e6e70ULL, 0x27b70a8546d22ffcULL,
	0x2e1b21385c26c926ULL, 0x4d2c6dfc5ac42aedULL, 0x53380d139d95b3dfULL,
	0x650a73548baf63deULL, 0x766a0abb3c77b2a8ULL, 0x81c2c92e47edaee6ULL,
	0x92722c851482353bULL, 0xa2bfe8a14cf10364ULL, 0xa81a664bbc423001ULL,
	0xc24b8b70d0f89791ULL, 0xc76c51a30654be30ULL, 0xd192e819d6ef5218ULL,
	0xd69906245565a910ULL, 0xf40e35855771202aULL, 0x106aa07032bbd1b8ULL,
	0x19a4c116b8d2d0c8ULL, 0x1e376c085141ab53ULL, 0x2748774cdf8eeb99ULL,
	0x34b0bcb5e19b48a8ULL, 0x391c0cb3c5c95a63ULL, 0x4ed8aa4ae3418acbULL,
	0x5b9cca4f7763e373ULL, 0x682e6ff3d6b2b8a3ULL, 0x748f82ee5defb2fcULL,
	0x78a5636f43172f60ULL, 0x84c87814a1f0ab72ULL, 0x8cc702081a6439ecULL,
	0x90befffa23631e28ULL, 0xa4506cebde82bde9ULL, 0xbef9a3f7b2c67915ULL,
	0xc67178f2e372532bULL, 0xca273eceea26619cULL, 0xd186b8c721c0c207ULL,
	0xeada7dd6cde0eb1eULL, 0xf57d4f7fee6ed178ULL, 0x06f067aa72176fbaULL,
	0x0a637dc5a2c898a6ULL, 0x113f9804bef90daeULL, 0x1b710b35131c471bULL,
	0x28db77f523047d84ULL, 0x32caab7b40c72493ULL, 0x3c9ebe0a15c9bebcULL,
	0x431d67c49c100d4cULL, 0x4cc5d4becb3e42b6ULL, 0x597f299cfc657e2aULL,
	0x5fcb6fab3ad6faecULL, 0x6c44198c4a475817ULL,
};

void sha512_init(struct sha512 *s)
{
	/* ... and of the square roots of the first 8 primes (5.3.5) */
	static const uint64_t h0[8] = {
		0x6a09e667f3bcc908ULL, 0xbb67ae8584caa73bULL, 0x3c6ef372fe94f82bULL, 0xa54ff53a5f1d36f1ULL,
		0x510e527fade682d1ULL, 0x9b05688c2b3e6c1fULL, 0x1f83d9abfb41bd6bULL, 0x5be0cd19137e2179ULL,
	};
	memcpy(s->h, h0, sizeof(h0));
	s->len = 0;
	s->n = 0;
}

static uint64_t ror(uint64_t x, unsigned n)
{
	return (x >> n) | (x << (64 - n));
}

static void block(struct sha512 *s, const unsigned char *p)
{
	uint64_t w[80], v[8];

	for (int i = 0; i < 16; i++) {
		w[i] = 0;
		for (int j = 0; j < 8; j++)
			w[i] = w[i] << 8 | p[i * 8 + j];
	}
	for (int i = 16; i < 80; i++) {
		uint64_t s0 = ror(w[i - 15], 1) ^ ror(w[i - 15], 8) ^ (w[i - 15] >> 7);
		uint64_t s1 = ror(w[i - 2], 19) ^ ror(w[i - 2], 61) ^ (w[i - 2] >> 6);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	memcpy(v, s->h, sizeof(v));
	for (int i = 0; i < 80; i++) {
		uint64_t t1 = v[7] + (ror(v[4], 14) ^ ror(v[4], 18) ^ ror(v[4], 41)) +
			      ((v[4] & v[5]) ^ (~v[4] & v[6])) + K[i] + w[i];
		uint64_t t2 = (ror(v[0], 28) ^ ror(v[0], 34) ^ ror(v[0], 39)) +
			      ((v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]));
		memmove(v + 1, v, 7 * sizeof(*v));
		v[4] += t1;
		v[0] = t1 + t2;
	}
	for (int i = 0; i < 8; i++)
		s->h[i] += v[i];
}

void sha512_update(struct sha512 *s, const void *data, size_t len)
{
	const unsigned char *p = data;
	s->len += len;
	while (len) {
		size_t k = sizeof(s->buf) - s->n < len ? sizeof(s->buf) - s->n : len;
		memcpy(s->buf + s->n, p, k);
		s->n += k;
		p += k;
		len -= k;
		if (s->n == sizeof(s->buf)) {
			block(s, s->buf);
			s->n = 0;
		}
	}
}

void sha512_final(struct sha512 *s, unsigned char out[SHA512_LEN])
{
	uint64_t bits = s->len * 8;
	unsigned char pad[128 + 16] = { 0x80 };
	size_t padlen = (s->n < 112 ? 112 : 240) - s->n;

	/* the length is 128 bits; its high half is 0 for any message here */
	for (int i = 0; i < 8; i++)
		pad[padlen + 8 + i] = (unsigned char)(bits >> (56 - 8 * i));
	sha512_update(s, pad, padlen + 16);
	for (int i = 0; i < 8; i++)
		for (int j = 0; j < 8; j++)
			out[i * 8 + j] = (unsigned char)(s->h[i] >> (56 - 8 * j));
}

/* --- SHA-512 crypt ---------------------------------------------------------- */

#define SALT_MAX      16
#define ROUNDS_DEFAULT 5000
#define ROUNDS_MIN    1000
#define ROUNDS_MAX    999999999UL

/* LEN bytes of the digest D, repeated as often as needed. */
static void add_repeated(struct sha512 *s, const unsigned char d[SHA512_LEN], size_t len)
{
	for (; len > SHA512_LEN; len -= SHA512_LEN)
		sha512_update(s, d, SHA512_LEN);
	sha512_update(s, d, len);
}

static char *b64_24(char *p, unsigned b2, unsigned b1, unsigned b0, int n)
{
	static const char b64[] = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	unsigned long w = (unsigned long)b2 << 16 | b1 << 8 | b0;
	while (n--) {
		*p++ = b64[w & 63];
		w >>= 6;
	}
	return p;
}

/* The rounds= of SETTING (advanced past it), clamped as the scheme says;
 * 0 if none is given. */
static unsigned long parse_rounds(const char **setting)
{
	const char *end;
	uint64_t r;
	if (strncmp(*setting, "rounds=", 7) != 0)
		return 0;
	end = *setting + 7;
	(void)num_scan(&end, 10, ROUNDS_MAX, &r); /* more is ROUNDS_MAX, as the scheme says */
	if (end == *setting + 7 || *end != '$')
		return 0;
	*setting = end + 1;
	return r < ROUNDS_MIN ? ROUNDS_MIN : (unsigned long)r;
}

int sha512_crypt(const char *key, const char *setting, char out[SHA512_CRYPT_MAX])
{
	static const unsigned char perm[21][3] = {
		{ 0, 21, 42 }, { 22, 43, 1 }, { 44, 2, 23 }, { 3, 24, 45 }, { 25, 46, 4 },
		{ 47, 5, 26 }, { 6, 27, 48 }, { 28, 49, 7 }, { 50, 8, 29 }, { 9, 30, 51 },
		{ 31, 52, 10 }, { 53, 11, 32 }, { 12, 33, 54 }, { 34, 55, 13 }, { 56, 14, 35 },
		{ 15, 36, 57 }, { 37, 58, 16 }, { 59, 17, 38 }, { 18, 39, 60 }, { 40, 61, 19 },
		{ 62, 20, 41 },
	};
	unsigned char a[SHA512_LEN], b[SHA512_LEN], dp[SHA512_LEN], ds[SHA512_LEN];
	size_t klen = strlen(key), slen;
	unsigned long rounds, r;
	struct sha512 s;
	const char *salt;
	char *p;
	int n;

	if (strncmp(setting, "$6$", 3) != 0)
		return -1;
	salt = setting + 3;
	rounds = parse_rounds(&salt);
	slen = strcspn(salt, "$");
	slen = slen > SALT_MAX ? SALT_MAX : slen;

	sha512_init(&s); /* B = H(key salt key) */
	sha512_update(&s, key, klen);
	sha512_update(&s, salt, slen);
	sha512_update(&s, key, klen);
	sha512_final(&s, b);
	sha512_init(&s); /* A = H(key salt B-repeated bits-of-len) */
	sha512_update(&s, key, klen);
	sha512_update(&s, salt, slen);
	add_repeated(&s, b, klen);
	for (size_t i = klen; i; i >>= 1)
		if (i & 1)
			sha512_update(&s, b, SHA512_LEN);
		else
			sha512_update(&s, key, klen);
	sha512_final(&s, a);
	sha512_init(&s); /* DP: the key, klen times */
	for (size_t i = 0; i < klen; i++)
		sha512_update(&s, key, klen);
	sha512_final(&s, dp);
	sha512_init(&s); /* DS: the salt, 16 + A[0] times */
	for (unsigned i = 0; i < 16u + a[0]; i++)
		sha512_update(&s, salt, slen);
	sha512_final(&s, ds);
	r = rounds ? rounds : ROUNDS_DEFAULT;
	for (unsigned long i = 0; i < r; i++) {
		sha512_init(&s);
		if (i & 1)
			add_repeated(&s, dp, klen);
		else
			sha512_update(&s, a, SHA512_LEN);
		if (i % 3)
			add_repeated(&s, ds, slen);
		if (i % 7)
			add_repeated(&s, dp, klen);
		if (i & 1)
			sha512_update(&s, a, SHA512_LEN);
		else
			add_repeated(&s, dp, klen);
		sha512_final(&s, a);
	}
	n = rounds ? snprintf(out, SHA512_CRYPT_MAX, "$6$rounds=%lu$%.*s$", rounds, (int)slen, salt)
		   : snprintf(out, SHA512_CRYPT_MAX, "$6$%.*s$", (int)slen, salt);
	p = out + n;
	for (unsigned i = 0; i < 21; i++)
		p = b64_24(p, a[perm[i][0]], a[perm[i][1]], a[perm[i][2]], 4);
	p = b64_24(p, 0, 0, a[63], 2);
	*p = '\0';
	memset(&s, 0, sizeof(s));
	return 0;
}
