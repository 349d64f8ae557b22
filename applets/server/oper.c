/* oper.c - server operators: the operators file (-O FILE), the hash for it
 * (--hash-password), OPER with a rate limit on failures per address, KILL,
 * WALLOPS and the user modes (+i, +o, +w).
 *
 * The file holds "NAME HASH" lines, HASH a crypt(3) SHA-512 hash ($6$...,
 * core/sha512.c: the same as glibc's and musl's crypt() make),
 * so it gives away no password; still, a hash can be attacked offline, so
 * the server refuses a file others may read or anyone but its owner (and
 * group, for reading) may write.
 *
 * SERVER_MODERATION's: without it nothing calls this but MODE NICK, and
 * the user modes are +i alone (F_OPER and F_WALLOPS are 0, server.h). */
#include "server.h"
#include "sha512.h"
#include "textsafe.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#define MAXOPERS     32
#define HASHLEN      127  /* $6$ + salt + 86 bytes, with rounds= room to spare */
#define OPER_TRIES   3    /* failures per address ... */
#define OPER_LOCK_S  60   /* ... then OPER is refused that long */

struct oper {
	char name[NICKLEN + 1];
	char hash[HASHLEN + 1];
};

static struct oper opers[MAXOPERS];
static unsigned nopers;

static struct fail_limit fails;

/* One "NAME HASH" line into opers[]; false (with why) if it is not one. */
static bool oper_parse(char *line, const char **why)
{
	char *save, *name = strtok_r(line, " \t", &save), *hash = strtok_r(NULL, " \t", &save);
	char *extra = strtok_r(NULL, " \t", &save);
	if (!name || !hash || extra)
		*why = "expected NAME HASH";
	else if (strlen(name) > NICKLEN || !text_is_safe(name, strlen(name)))
		*why = "the name is too long or holds controls";
	else if (strncmp(hash, "$6$", 3) != 0 || strlen(hash) > HASHLEN)
		*why = "the hash is not a SHA-512 crypt hash ($6$...): make one with --hash-password";
	else if (nopers == MAXOPERS)
		*why = "too many operators";
	else {
		strlcpy_ok(opers[nopers].name, name, sizeof(opers[0].name));
		strlcpy_ok(opers[nopers].hash, hash, sizeof(opers[0].hash));
		nopers++;
		return true;
	}
	return false;
}

/* Read PATH (-O); dies with the reason when it cannot be used. */
int operators_load(const char *path)
{
	char line[NICKLEN + HASHLEN + 64];
	struct stat st;
	unsigned n = 0;
	/* O_NONBLOCK: a FIFO in its place must not hang start-up (refused
	 * below as not a regular file; on a regular file it changes nothing). */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	FILE *f;

	if (fd < 0 || fstat(fd, &st) != 0)
		die("-O %s: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		die("-O %s: not a regular file", path);
	/* Others may not read it (an offline attack on the hashes), nor
	 * anyone but the owner write it (a hash of their own). The group may
	 * read: root:chatbox 0640 for a server that runs as chatbox. */
	/* Its owner may change it: root, or whoever starts the server. This
	 * runs before drop_privileges() (main.c), so as root a file owned by
	 * the -u user, who could add a hash of their own, is refused. */
	if (st.st_uid != 0 && st.st_uid != geteuid())
		die("-O %s: refused: owned by uid %u, not by root or this server's user; chown root %s",
		    path, (unsigned)st.st_uid, path);
	if (st.st_mode & (S_IROTH | S_IWOTH | S_IWGRP))
		die("-O %s: refused: others can read or change it (mode %03o); chmod 600 %s", path,
		    (unsigned)(st.st_mode & 0777), path);
	f = fdopen(fd, "r");
	if (!f)
		die("-O %s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		const char *why = NULL;
		char *s = line + strspn(line, " \t");
		n++;
		if (!strchr(line, '\n') && !feof(f))
			die("-O %s:%u: line too long", path, n);
		s[strcspn(s, "\r\n")] = '\0';
		if (!*s || *s == '#')
			continue;
		if (!oper_parse(s, &why))
			die("-O %s:%u: %s", path, n, why);
	}
	if (ferror(f))
		die("-O %s: %s", path, strerror(errno));
	fclose(f);
	msg("%u operator(s) from %s", nopers, path);
	return 0;
}

/* A line from stdin, without echo if it is a terminal. */
static bool read_password(char *pw, size_t size)
{
	struct termios old, quiet;
	bool tty = isatty(0) && tcgetattr(0, &old) == 0;
	bool ok;

	if (tty) {
		fputs("Password: ", stderr);
		quiet = old;
		quiet.c_lflag &= (tcflag_t)~ECHO;
		(void)tcsetattr(0, TCSAFLUSH, &quiet);
	}
	ok = fgets(pw, (int)size, stdin) != NULL;
	if (tty) {
		(void)tcsetattr(0, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	if (!ok)
		return false;
	pw[strcspn(pw, "\r\n")] = '\0';
	return true;
}

/* chatbox chat-server --hash-password: a password on stdin, its SHA-512
 * crypt hash (16 random salt characters) on stdout. */
int hash_password_cmd(void)
{
	char pw[PASSLEN + 2], h[SHA512_CRYPT_MAX];

	if (!read_password(pw, sizeof(pw)) || !pw[0])
		die("--hash-password: no password on stdin");
	if (strlen(pw) > PASSLEN)
		die("--hash-password: at most %d bytes", PASSLEN);
	if (password_hash(pw, h) != 0)
		die("--hash-password: no hash: %s", strerror(errno));
	memset(pw, 0, sizeof(pw));
	printf("%s\n", h);
	return fflush(stdout) == 0 ? 0 : 1;
}

/* OPER NAME PASSWORD: 381 and +o, or 464; 491 while the address is locked
 * out or the server's crypt() budget is spent. An unknown NAME costs the
 * same crypt() as a known one. */
void oper_login(struct client *c, const char *name, const char *password)
{
	const char *stored = NULL;

	if (!nopers || fail_locked(&fails, c->host, OPER_TRIES, OPER_LOCK_S)) {
		numeric(c, "491", ":%s", nopers ? "Too many failed OPER attempts: try again later"
						: "No operators on this server (chat-server -O)");
		return;
	}
	if (!crypt_budget_ok()) {
		numeric(c, "491", ":The server is busy checking passwords: try again in a second");
		return;
	}
	for (unsigned i = 0; i < nopers; i++)
		if (strcmp(opers[i].name, name) == 0)
			stored = opers[i].hash;
	if (!password_matches(password, stored)) {
		crypt_budget_fail();
		fail_note(&fails, c->host, OPER_TRIES);
		msg("%s (%s): OPER as %s failed", c->nick, c->host, name);
		numeric(c, "464", ":Password incorrect");
		return;
	}
	fail_clear(&fails, c->host);
	if (!(c->flags & F_OPER)) {
		c->flags |= F_OPER;
		send_user_mode(c, "+o");
	}
	msg("%s (%s) is an operator (%s)", c->nick, c->host, name);
	numeric(c, "381", ":You are now an IRC operator");
}

static bool oper_ok(struct client *c)
{
	if (c->flags & F_OPER)
		return true;
	numeric(c, "481", ":Permission Denied- You're not an IRC operator");
	return false;
}

/* KILL NICK REASON: the victim reads "Killed (oper (reason))", and so do
 * the people who shared a room with it. */
void oper_kill(struct client *c, const char *nick, const char *reason)
{
	char why[TOPICLEN + NICKLEN + 16], error[sizeof(why) + NET_ADDRSTR_MAX + 32];
	struct client *v;

	if (!oper_ok(c))
		return;
	v = nick_find(nick);
	if (!v || !(v->flags & F_REG)) {
		numeric(c, "401", "%s :No such nick/channel", nick);
		return;
	}
	snprintf(why, sizeof(why), "Killed (%s (%.*s))", c->nick, TOPICLEN,
		 reason && reason[0] ? reason : "no reason");
	snprintf(error, sizeof(error), "Closing Link: %s (%s)", v->host, why);
	msg("%s killed %s (%s)", c->nick, v->nick, v->host);
	client_drop(v, why, error);
}

/* WALLOPS TEXT from an operator to every +w user and every operator. */
void wallops(struct client *c, const char *text)
{
	if (!oper_ok(c))
		return;
	for (struct client *to = srv.clients; to; to = to->next)
		if ((to->flags & F_REG) && !(to->flags & F_CLOSING) &&
		    (to->flags & (F_WALLOPS | F_OPER)))
			send_wallops(to, c, text);
}

/* One user mode letter; false if unknown. +o comes only from OPER. */
bool user_mode_change(struct client *c, bool plus, char ch)
{
	uint16_t bit = ch == 'i' ? F_INVISIBLE : ch == 'w' ? F_WALLOPS : ch == 'o' ? F_OPER : 0;
	if (!bit)
		return false;
	if (bit == F_OPER && plus)
		return true;
	c->flags = plus ? (uint16_t)(c->flags | bit) : (uint16_t)(c->flags & ~bit);
	return true;
}

void user_modes_str(const struct client *c, char out[8])
{
	char *p = out;
	*p++ = '+';
	if (c->flags & F_INVISIBLE)
		*p++ = 'i';
	if (c->flags & F_OPER)
		*p++ = 'o';
	if (c->flags & F_WALLOPS)
		*p++ = 'w';
	*p = '\0';
}
