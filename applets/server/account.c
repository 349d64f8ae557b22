/* account.c - claimed nicknames: REGISTER (draft/account-registration) and
 * plain /register, SASL PLAIN and plain /login, the guest nick for whoever
 * takes a claimed nick, account-notify, and room founders.
 *
 * An account is a nick and a crypt(3) SHA-512 hash of its password
 * (secret.c); logins are compared in constant time and failures limited
 * per address. Accounts and founders are kept in arrays bounded by
 * ACCOUNTS_MAX and FOUNDERS_MAX and charged to the budget (-m); with -D
 * they are on disk too (acctfile.c). */
#include "server.h"
#include "base64.h"
#include "sha512.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#define FOUNDERS_MAX  1000
#define LOGIN_TRIES   3    /* failed logins per address ... */
#define LOGIN_LOCK_S  60   /* ... then logins are refused that long */
#define MINPASS       4
#define REG_PER_ADDR  5    /* registrations per address ... */
#define REG_LOCK_S    3600 /* ... an hour */
#define SASL_CHUNK    400  /* AUTHENTICATE's chunk (IRCv3 sasl-3.1) */
#define SASL_MAX      (2 * SASL_CHUNK) /* base64 of what PLAIN needs, with room */

struct account *accounts;
struct founder *founders;
unsigned naccounts, nfounders;
static unsigned cap_accounts, cap_founders;
static struct fail_limit login_fails;
/* Registrations, counted as failures are: one address (a troll) may not
 * claim every nick there is; operators are not counted. */
static struct fail_limit reg_count;

/* Room for one more SIZE-byte element in *ARR (N used of *CAP, at most
 * MAX), charged to the budget; false if full or out of memory. */
static bool grow(void *arr, unsigned *cap, unsigned n, size_t size, unsigned max)
{
	void **a = arr, *p;
	unsigned want;

	if (n >= max || !budget_charge(&srv.budget, BUDGET_ACCOUNTS, size))
		return false;
	if (n < *cap)
		return true;
	want = *cap ? MIN(*cap * 2, max) : 8;
	p = realloc(*a, (size_t)want * size);
	if (!p) {
		budget_release(&srv.budget, BUDGET_ACCOUNTS, size);
		return false;
	}
	*a = p;
	*cap = want;
	return true;
}

struct account *account_find(const char *name)
{
	if (!ENABLE_SERVER_ACCOUNTS)
		return NULL;
	for (unsigned i = 0; i < naccounts; i++)
		if (irc_casecmp(accounts[i].name, name) == 0)
			return &accounts[i];
	return NULL;
}

/* A hash as --hash-password and password_hash() make: nothing else is
 * taken from disk. */
static bool hash_ok(const char *h)
{
	size_t n = strlen(h);
	return n > 3 && n < sizeof(accounts[0].hash) && strncmp(h, "$6$", 3) == 0 &&
	       strspn(h, "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz$=") == n;
}

bool account_add(const char *name, const char *hash)
{
	if (!ENABLE_SERVER_ACCOUNTS || !nick_valid(name) || !hash_ok(hash) || account_find(name) ||
	    !grow(&accounts, &cap_accounts, naccounts, sizeof(*accounts), ACCOUNTS_MAX))
		return false;
	strlcpy_ok(accounts[naccounts].name, name, sizeof(accounts[0].name));
	strlcpy_ok(accounts[naccounts].hash, hash, sizeof(accounts[0].hash));
	naccounts++;
	return true;
}

static struct founder *founder_of(const char *room)
{
	for (unsigned i = 0; i < nfounders; i++)
		if (irc_casecmp(founders[i].room, room) == 0)
			return &founders[i];
	return NULL;
}

bool founder_add(const char *room, const char *account)
{
	if (!ENABLE_SERVER_ACCOUNTS || !room_name_ok(room) || !nick_valid(account) || founder_of(room) ||
	    irc_casecmp(room, srv.lobby) == 0 || /* the default room has no founder */
	    !grow(&founders, &cap_founders, nfounders, sizeof(*founders), FOUNDERS_MAX))
		return false;
	strlcpy_ok(founders[nfounders].room, room, sizeof(founders[0].room));
	strlcpy_ok(founders[nfounders].account, account, sizeof(founders[0].account));
	nfounders++;
	return true;
}

/* NICK is an account C is not logged in to. */
bool nick_claimed(const struct client *c, const char *nick)
{
	return ENABLE_SERVER_ACCOUNTS && account_find(nick) && irc_casecmp(c->account, nick) != 0;
}

/* account-notify: who shares a room with C and asked for it learns C's
 * account (or "*": logged out). */
static void account_notify(struct client *c)
{
	uint32_t gen = ++srv.gen;
	c->seen = gen;
	for (unsigned i = 0; i < c->nrooms; i++)
		for (uint32_t j = 0; j < c->rooms[i]->n; j++) {
			struct client *m = c->rooms[i]->m[j].c;
			if (m->seen != gen) {
				m->seen = gen;
				if (m->caps & CAP_ACCOUNT_NOTIFY)
					send_account(m, c);
			}
		}
}

/* C is logged in to NAME: a guest takes its nick back, messages kept for
 * it arrive. Before registration that waits for the welcome. */
static void logged_in(struct client *c, const char *name)
{
	struct account *a = account_find(name);
	strlcpy_ok(c->account, a ? a->name : name, sizeof(c->account));
	msg("%s (%s) logged in as %s", nick_or_star(c), c->host, c->account);
	numeric(c, "900", "%s!%s@%s %s :You are now logged in as %s", nick_or_star(c),
		c->user[0] ? c->user : "*", c->host, c->account, c->account);
	if (!(c->flags & F_REG))
		return;
	account_notify(c);
	if (irc_casecmp(c->nick, c->account) != 0 && !nick_find(c->account) &&
	    (c->claimed[0] || !nick_claimed(c, c->nick)))
		(void)set_nick(c, c->account);
	c->claimed[0] = '\0';
	pending_deliver(c);
}

/* NAME's PASSWORD, within the per-address limit; WHY says why not. */
static bool login_ok(struct client *c, const char *name, const char *password, const char **why)
{
	struct account *a = account_find(name);

	if (fail_locked(&login_fails, c->host, LOGIN_TRIES, LOGIN_LOCK_S)) {
		*why = "Too many failed logins from your address: try again in a minute";
		return false;
	}
	if (!crypt_budget_ok()) {
		*why = "The server is busy checking passwords: try again in a second";
		return false;
	}
	if (!password_matches(password, a ? a->hash : NULL)) {
		crypt_budget_fail();
		fail_note(&login_fails, c->host, LOGIN_TRIES);
		msg("%s (%s): login as %s failed", nick_or_star(c), c->host, name);
		*why = "Wrong account name or password";
		return false;
	}
	fail_clear(&login_fails, c->host);
	return true;
}

/* /login [NAME] PASSWORD (plain users; NAME: the claimed nick it was
 * refused, else its own). */
void account_login(struct client *c, const char *name, const char *password)
{
	const char *why;
	if (!ENABLE_SERVER_ACCOUNTS) {
		numeric(c, "NOTICE", ":Login failed: this server has no accounts");
		return;
	}
	if (c->account[0]) {
		numeric(c, "NOTICE", ":You are already logged in as %s", c->account);
		return;
	}
	if (!name)
		name = c->claimed[0] ? c->claimed : c->nick;
	if (!login_ok(c, name, password, &why))
		numeric(c, "NOTICE", ":Login failed: %s", why);
	else
		logged_in(c, name);
}

/* REGISTER NAME PASSWORD (NAME "*": the nick). Operators may register any
 * name; others their nick. With -A oper only operators may. */
void account_register(struct client *c, const char *name, const char *password)
{
	char hash[SHA512_CRYPT_MAX];
	bool oper = c->flags & F_OPER, own;
	const char *code = NULL, *why = NULL;

	if (!name || !strcmp(name, "*"))
		name = c->nick;
	own = irc_casecmp(name, c->nick) == 0;
	if (!ENABLE_SERVER_ACCOUNTS) {
		send_fail(c, "REGISTER", "TEMPORARILY_UNAVAILABLE", name, "This server has no accounts");
		return;
	}
	if (srv.registration == REG_OFF)
		code = "TEMPORARILY_UNAVAILABLE", why = "Registration is turned off on this server";
	else if (ENABLE_SERVER_MODERATION && srv.registration == REG_OPER && !oper)
		code = "TEMPORARILY_UNAVAILABLE", why = "Only server operators may register accounts here";
	else if (!oper && fail_locked(&reg_count, c->host, REG_PER_ADDR, REG_LOCK_S))
		code = "TEMPORARILY_UNAVAILABLE", why = "Too many registrations from your address: try again later";
	else if (!name[0])
		code = "NEED_NICK", why = "Choose a nickname first", name = "*";
	else if (!own && !oper)
		code = "ACCOUNT_NAME_MUST_BE_NICK", why = "The account is your nickname";
	else if (own && c->account[0])
		code = "ALREADY_AUTHENTICATED", why = "You are already logged in";
	else if (!nick_valid(name))
		code = "BAD_ACCOUNT_NAME", why = "Not a nickname";
	else if (account_find(name))
		code = "ACCOUNT_EXISTS", why = "That nickname is already registered";
	else if (strlen(password) < MINPASS)
		code = "WEAK_PASSWORD", why = "At least 4 characters, please";
	else if (strlen(password) > PASSLEN)
		code = "UNACCEPTABLE_PASSWORD", why = "At most 128 bytes";
	else if (password_hash(password, hash) != 0 || !account_add(name, hash))
		code = "TEMPORARILY_UNAVAILABLE", why = "No room for more accounts";
	memset(hash, 0, sizeof(hash));
	if (code) {
		send_fail(c, "REGISTER", code, name, why);
		return;
	}
	if (!oper)
		fail_note(&reg_count, c->host, REG_PER_ADDR);
	msg("%s (%s) registered %s", nick_or_star(c), c->host, name);
	acctfile_dirty();
	send_register_ok(c, name);
	if (own)
		logged_in(c, name);
}

/* --- SASL PLAIN ----------------------------------------------------------------- */

void sasl_reset(struct client *c)
{
	if (c->sasl)
		memset(c->sasl, 0, strlen(c->sasl));
	free(c->sasl);
	c->sasl = NULL;
	c->sasl_state = 0;
}

/* The whole PLAIN message: authzid NUL authcid NUL password. */
static void sasl_plain(struct client *c)
{
	unsigned char raw[SASL_MAX];
	long n = c->sasl ? base64_decode(raw, sizeof(raw) - 1, c->sasl, strlen(c->sasl)) : -1;
	const char *why = "Bad PLAIN message";
	bool ok = false;

	sasl_reset(c);
	if (n > 0) {
		unsigned char *z1 = memchr(raw, 0, (size_t)n), *z2;
		raw[n] = 0;
		z2 = z1 ? memchr(z1 + 1, 0, (size_t)(raw + n - z1)) : NULL;
		/* authzid NUL authcid NUL password: z2 < raw + n, so a password follows */
		if (z1 && z2 && z2 < raw + n) {
			const char *authz = (char *)raw, *authc = (char *)z1 + 1, *pw = (char *)z2 + 1;
			if (!authz[0] || !irc_casecmp(authz, authc))
				ok = login_ok(c, authc, pw, &why);
			if (ok)
				logged_in(c, authc);
		}
		memset(raw, 0, sizeof(raw));
	}
	if (ok) {
		numeric(c, "903", ":SASL authentication successful");
		return;
	}
	numeric(c, "904", ":SASL authentication failed: %s", why);
}

/* AUTHENTICATE ARG: the mechanism, then base64 in chunks of 400 ("+":
 * empty, "*": abort). */
void sasl_step(struct client *c, const char *arg)
{
	size_t n = strlen(arg), have = c->sasl ? strlen(c->sasl) : 0;
	char *p;

	if (!ENABLE_SERVER_ACCOUNTS) {
		numeric(c, "904", ":SASL authentication failed: this server has no accounts");
		return;
	}
	if (c->account[0]) {
		numeric(c, "907", ":You have already authenticated using SASL");
		return;
	}
	if (!c->sasl_state) {
		if (strcasecmp(arg, "PLAIN") != 0) {
			numeric(c, "908", "PLAIN :are available SASL mechanisms");
			numeric(c, "904", ":SASL authentication failed");
			return;
		}
		c->sasl_state = 1;
		send_line(c, "AUTHENTICATE +");
		return;
	}
	if (!strcmp(arg, "*")) {
		sasl_reset(c);
		numeric(c, "906", ":SASL authentication aborted");
		return;
	}
	if (n > SASL_CHUNK || have + n >= SASL_MAX) {
		sasl_reset(c);
		numeric(c, "905", ":SASL message too long");
		return;
	}
	if (strcmp(arg, "+") != 0) {
		p = realloc(c->sasl, have + n + 1);
		if (!p) {
			sasl_reset(c);
			numeric(c, "904", ":SASL authentication failed: out of memory");
			return;
		}
		memcpy(p + have, arg, n + 1);
		c->sasl = p;
	}
	if (n < SASL_CHUNK)
		sasl_plain(c);
}

/* --- claimed nicks, founders ------------------------------------------------------ */

/* A free Guest nick for C: never claimed, never in use. */
static bool guest_nick(char out[NICKLEN + 1])
{
	uint32_t r;
	if (getrandom(&r, sizeof(r), 0) != (ssize_t)sizeof(r))
		r = (uint32_t)srv.now;
	for (unsigned i = 0; i < 1000; i++) {
		snprintf(out, NICKLEN + 1, "Guest%u", (unsigned)((r + i * 7919u) % 100000u));
		if (!nick_find(out) && !account_find(out))
			return true;
	}
	return false;
}

/* About to be welcomed under a nick it is not logged in to: a guest nick. */
void account_before_welcome(struct client *c)
{
	char guest[NICKLEN + 1];
	if (!ENABLE_SERVER_ACCOUNTS || !nick_claimed(c, c->nick))
		return;
	strlcpy_ok(c->claimed, c->nick, sizeof(c->claimed));
	if (!guest_nick(guest) || !set_nick(c, guest))
		c->claimed[0] = '\0';
}

void account_after_welcome(struct client *c)
{
	sasl_reset(c);
	if (!ENABLE_SERVER_ACCOUNTS)
		return;
	if (c->claimed[0])
		numeric(c, "NOTICE", ":nick %s is claimed; /login PASSWORD (plain) or SASL / "
			"NickServ-less IRC: use your client's SASL settings. You are %s for now.",
			c->claimed, c->nick);
	if (c->account[0]) {
		account_notify(c);
		pending_deliver(c);
	}
}

/* C joined R (CREATED: R is new): a signed-in creator becomes its founder;
 * the founder gets ops back on every join. */
void account_joined(struct client *c, struct room *r, bool created)
{
	struct founder *f;
	struct member *m;

	if (!ENABLE_SERVER_ACCOUNTS)
		return;
	f = founder_of(r->name);
	m = member_of(r, c);

	if (c->account[0] && created && !f && !r->keep && founder_add(r->name, c->account)) {
		acctfile_dirty();
		msg("%s founded %s", c->account, r->name);
	} else if (f && m && !(m->modes & M_OP) && irc_casecmp(f->account, c->account) == 0) {
		char change[NICKLEN + 8];
		struct event *e;
		m->modes |= M_OP;
		snprintf(change, sizeof(change), "+o %s", c->nick);
		e = client_event(c, EV_MODE, r->name, change, NULL);
		if (e) {
			room_send(r, e, NULL);
			event_unref(e);
		}
	}
	markread_joined(c, r);
}
