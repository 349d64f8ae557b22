/* secret.c - passwords, shared by server operators (oper.c) and accounts
 * (account.c): crypt(3) SHA-512 hashes (core/sha512.c), a comparison that
 * takes as long whatever differs, a limit on failures per address (an IPv6
 * /64 counts as one), and a budget of verifications per second for the
 * whole server, so many addresses cannot keep a router's CPU on crypt().
 * With neither SERVER_MODERATION nor SERVER_ACCOUNTS nothing calls it, and
 * the linker drops it and core/sha512.c (gc-sections). */
#include "server.h"
#include "sha512.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#define CRYPT_PER_S  4 /* failed password verifications a second, server-wide ... */
#define CRYPT_BURST  8 /* ... and at most this many at once */

/* Every byte compared, whatever differs first. */
bool secret_same(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);
	unsigned char d = na != nb;
	for (size_t i = 0; i < na && i < nb; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

/* PASSWORD hashes to HASH. HASH NULL (no such name) costs the same crypt()
 * and is false, so a wrong name and a wrong password take as long. */
bool password_matches(const char *password, const char *hash)
{
	static const char nobody[] = "$6$nobodyhere$";
	char h[SHA512_CRYPT_MAX];
	bool ok = strlen(password) <= PASSLEN &&
		  sha512_crypt(password, hash ? hash : nobody, h) == 0 && hash &&
		  secret_same(h, hash);
	memset(h, 0, sizeof(h));
	return ok;
}

/* PASSWORD's hash with 16 random salt characters into OUT; -1 on failure. */
int password_hash(const char *password, char out[SHA512_CRYPT_MAX])
{
	static const char b64[] = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	char salt[3 + 16 + 2] = "$6$";
	unsigned char rnd[16];

	if (strlen(password) > PASSLEN || getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		return -1;
	for (unsigned i = 0; i < sizeof(rnd); i++)
		salt[3 + i] = b64[rnd[i] & 63];
	strcpy(salt + 3 + sizeof(rnd), "$");
	return sha512_crypt(password, salt, out);
}

/* A password may be verified now: the server-wide budget of failed
 * verifications (a token bucket of CRYPT_BURST, refilled CRYPT_PER_S a
 * second) is not spent. Only failures are charged (crypt_budget_fail):
 * whoever guesses fails, so guessers from any number of addresses get at
 * most that many crypt()s a second, and right passwords cost no budget. A
 * refusal is not a failure of anyone's: the caller says "try again". */
static int64_t crypt_due_ms; /* when the bucket is full again */

bool crypt_budget_ok(void)
{
	return crypt_due_ms - srv.now <= (CRYPT_BURST - 1) * (1000 / CRYPT_PER_S);
}

void crypt_budget_fail(void)
{
	if (crypt_due_ms < srv.now)
		crypt_due_ms = srv.now;
	crypt_due_ms += 1000 / CRYPT_PER_S;
}

/* --- failures per address ------------------------------------------------------ */

/* The failures' key for HOST into KEY: the address, but for IPv6 its /64
 * (with a link-local one's %scope), which one user (a LAN, a phone with
 * privacy addresses) has whole and can pick any address in. IPv4-mapped
 * addresses stay whole: they are IPv4 users. */
static void fail_key(const char *host, char key[NET_ADDRSTR_MAX])
{
	char addr[NET_ADDRSTR_MAX];
	size_t n = strcspn(host, "%");
	struct in6_addr a;

	strlcpy_ok(key, host, NET_ADDRSTR_MAX);
	if (!strchr(host, ':') || n >= sizeof(addr))
		return;
	memcpy(addr, host, n);
	addr[n] = '\0';
	if (inet_pton(AF_INET6, addr, &a) != 1 || IN6_IS_ADDR_V4MAPPED(&a))
		return;
	memset(a.s6_addr + 8, 0, 8);
	if (!inet_ntop(AF_INET6, &a, addr, sizeof(addr)) ||
	    snprintf(key, NET_ADDRSTR_MAX, "%s/64%s", addr, host + n) >= NET_ADDRSTR_MAX)
		strlcpy_ok(key, host, NET_ADDRSTR_MAX); /* cannot be: the /64 is shorter */
}

/* HOST's slot; CREATE: a new one, a free or the oldest slot giving way. */
static struct fail_slot *fail_slot(struct fail_limit *l, const char *host, bool create)
{
	struct fail_slot *old = &l->slot[0];
	char key[NET_ADDRSTR_MAX];

	fail_key(host, key);
	for (unsigned i = 0; i < FAIL_ADDRS; i++) {
		if (l->slot[i].fails && strcmp(l->slot[i].host, key) == 0)
			return &l->slot[i];
		if (!l->slot[i].fails || (old->fails && l->slot[i].since_ms < old->since_ms))
			old = &l->slot[i];
	}
	if (!create)
		return NULL;
	strlcpy_ok(old->host, key, sizeof(old->host));
	old->fails = 0;
	old->since_ms = srv.now;
	return old;
}

/* HOST failed TRIES times, and the lock has not run out yet. */
bool fail_locked(struct fail_limit *l, const char *host, unsigned tries, unsigned lock_s)
{
	struct fail_slot *f = fail_slot(l, host, false);
	if (f && srv.now - f->since_ms > (int64_t)lock_s * 1000)
		f->fails = 0; /* forgiven */
	return f && f->fails >= tries;
}

void fail_note(struct fail_limit *l, const char *host, unsigned tries)
{
	struct fail_slot *f = fail_slot(l, host, true);
	if (!f->fails++ || f->fails >= tries)
		f->since_ms = srv.now; /* the lock counts from the last try */
}

void fail_clear(struct fail_limit *l, const char *host)
{
	struct fail_slot *f = fail_slot(l, host, false);
	if (f)
		f->fails = 0;
}
