/* t_secret.c - chat-server's password limits (applets/server/secret.c): an
 * IPv6 /64 is one address for the failure counts, and the server-wide
 * budget of crypt() verifications a second. The clock is srv.now, set here. */
#include "server/server.h"
#include "unit.h"

UNIT(secret_ipv6_failures_count_per_64)
{
	static struct fail_limit l;

	srv.now = 1000000;
	for (int i = 0; i < 3; i++)
		fail_note(&l, i ? "2001:db8:1:2::bad" : "2001:db8:1:2:aaaa::1", 3);
	CHECK(fail_locked(&l, "2001:db8:1:2::1", 3, 60));           /* same /64 */
	CHECK(fail_locked(&l, "2001:db8:1:2:ffff:ffff:ffff:ffff", 3, 60));
	CHECK(!fail_locked(&l, "2001:db8:1:3::1", 3, 60));          /* next /64 */
	CHECK(!fail_locked(&l, "::ffff:192.0.2.1", 3, 60));
	for (int i = 0; i < 3; i++)
		fail_note(&l, "192.0.2.1", 3);
	CHECK(fail_locked(&l, "192.0.2.1", 3, 60));
	CHECK(!fail_locked(&l, "192.0.2.2", 3, 60));                /* IPv4: whole */
	for (int i = 0; i < 3; i++)
		fail_note(&l, i ? "fe80::2%br-lan" : "fe80::1%br-lan", 3);
	CHECK(fail_locked(&l, "fe80::99%br-lan", 3, 60));
	CHECK(!fail_locked(&l, "fe80::99%wan", 3, 60));             /* another link */
	fail_clear(&l, "2001:db8:1:2::7");
	CHECK(!fail_locked(&l, "2001:db8:1:2::1", 3, 60));
	srv.now += 61 * 1000;
	CHECK(!fail_locked(&l, "192.0.2.1", 3, 60));                /* forgiven */
}

/* N verifications that fail, each only if the budget allows: how many ran. */
static int failures(int n)
{
	int ran = 0;
	for (int i = 0; i < n; i++)
		if (crypt_budget_ok()) {
			crypt_budget_fail();
			ran++;
		}
	return ran;
}

UNIT(secret_crypt_budget_is_server_wide)
{
	srv.now = 5000000;
	CHECK(failures(100) == 8);       /* a burst, whoever fails */
	CHECK(!crypt_budget_ok());
	srv.now += 250;                  /* 4 a second come back */
	CHECK(failures(100) == 1);
	srv.now += 10 * 1000;            /* idle: the burst is back, not more */
	CHECK(failures(100) == 8);
}
