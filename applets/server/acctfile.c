/* acctfile.c - accounts, founders, kept messages and read markers on disk
 * (-D DIR): one small text file, DIR/accounts, rewritten whole after a
 * change (within a second, and at SIGTERM): written to DIR/accounts.tmp,
 * fsync'd, renamed over the old one, the directory fsync'd, so a crash
 * leaves the old file or the new one, never half. It is not in the
 * journal: the journal is compacted to what rooms still hold, and this is
 * state of another kind, small and bounded (ACCOUNTS_MAX, PENDING_MAX...).
 *
 * Lines, each checked at start as network input is (a bad one is skipped
 * and counted):
 *   A NAME HASH                           an account ($6$ crypt hash)
 *   F #ROOM ACCOUNT                       a room's founder
 *   M TO P|N WHEN_MS NICK USER@HOST :TEXT  a message kept for TO
 *   R ACCOUNT TARGET TIMESTAMP            a read marker */
#include "server.h"
#include "textsafe.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FILE_NAME "accounts"
#define TMP_NAME  "accounts.tmp"
#define SAVE_MS   1000
#define LINE_MAX_FILE (LINE_MAX_IRC + 128)

static struct {
	int dirfd;
	bool on, failed;
	struct timer save_timer;
} af = { .dirfd = -1 };

static bool uh_ok(const char *s)
{
	size_t n = strlen(s);
	return n && n <= USERLEN + 1 + NET_ADDRSTR_MAX && text_is_safe(s, n) &&
	       !strpbrk(s, " !") && strchr(s, '@');
}

/* One line (no newline) into the tables; false if it is not a good one. */
static bool parse_line(char *line)
{
	char *save, *type = strtok_r(line, " ", &save), *a, *b, *cc, *d, *e, *text;
	const char *end;
	uint64_t when, seq = 0;

	if (!type || strlen(type) != 1)
		return false;
	a = strtok_r(NULL, " ", &save);
	b = strtok_r(NULL, " ", &save);
	if (!a || !b)
		return false;
	if (*type == 'A' || *type == 'F' || *type == 'R') {
		cc = strtok_r(NULL, " ", &save);
		if (*type == 'A')
			return !cc && account_add(a, b);
		if (*type == 'F')
			return !cc && account_find(b) && founder_add(a, b);
		return cc && !strtok_r(NULL, " ", &save) && account_find(a) && marker_set(a, b, cc);
	}
	if (*type != 'M' || (strcmp(b, "P") && strcmp(b, "N")))
		return false;
	cc = strtok_r(NULL, " ", &save);
	d = strtok_r(NULL, " ", &save);
	e = strtok_r(NULL, " ", &save);
	text = save;
	if (!cc || !d || !e || !text || text[0] != ':' || strpbrk(text, "\r\n"))
		return false;
	/* past INT64_MAX and UINT64_MAX the numbers hold there, as strtoll did */
	end = cc;
	(void)num_scan(&end, 10, INT64_MAX, &when);
	if (*end == '.') { /* .SEQ: its msgid (older files have none) */
		end++;
		(void)num_scan(&end, 10, UINT64_MAX, &seq);
	}
	return !*end && when > 0 && account_find(a) && nick_valid(d) && uh_ok(e) &&
	       strlen(text + 1) <= LINE_MAX_IRC &&
	       pending_load(a, *b == 'N' ? EV_NOTICE : EV_PRIVMSG, (int64_t)when, seq, d, e, text + 1);
}

static void load(void)
{
	char line[LINE_MAX_FILE + 2];
	unsigned long good = 0, bad = 0;
	int fd = openat(af.dirfd, FILE_NAME, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	FILE *f = fd >= 0 ? fdopen(fd, "r") : NULL;

	if (!f) {
		if (fd >= 0)
			close(fd);
		if (errno != ENOENT)
			die("-D: %s: %s", FILE_NAME, strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		size_t n = strlen(line);
		if (!n || line[n - 1] != '\n') { /* too long, or the end cut off */
			int ch;
			while (n && line[n - 1] != '\n' && (ch = fgetc(f)) != EOF && ch != '\n')
				;
			bad++;
			continue;
		}
		line[n - 1] = '\0';
		if (parse_line(line))
			good++;
		else
			bad++;
	}
	fclose(f);
	msg("accounts on disk: %u accounts, %u founders, %lu lines read, %lu skipped as bad or over the bounds",
	    naccounts, nfounders, good, bad);
}

static void put(void *ctx, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfprintf(ctx, fmt, ap);
	va_end(ap);
}

/* The whole state to a new file, renamed into place; -1 with errno. */
static int save(void)
{
	int fd = openat(af.dirfd, TMP_NAME, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
			0600);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	int err;

	if (!f) {
		err = errno;
		if (fd >= 0)
			close(fd);
		errno = err;
		return -1;
	}
	for (unsigned i = 0; i < naccounts; i++)
		fprintf(f, "A %s %s\n", accounts[i].name, accounts[i].hash);
	for (unsigned i = 0; i < nfounders; i++)
		fprintf(f, "F %s %s\n", founders[i].room, founders[i].account);
	pending_save(put, f);
	if (fflush(f) != 0 || ferror(f) || fsync(fd) != 0) {
		err = errno ? errno : EIO;
		fclose(f);
		(void)unlinkat(af.dirfd, TMP_NAME, 0);
		errno = err;
		return -1;
	}
	if (fclose(f) != 0 || renameat(af.dirfd, TMP_NAME, af.dirfd, FILE_NAME) != 0)
		return -1;
	return fsync(af.dirfd);
}

static void on_save(struct loop *l, struct timer *t)
{
	(void)l;
	(void)t;
	if (save() == 0) {
		if (af.failed)
			msg("accounts on disk: writing again");
		af.failed = false;
		return;
	}
	if (!af.failed)
		msg("accounts on disk: %s: %s (kept in memory; retrying)", FILE_NAME, strerror(errno));
	af.failed = true;
	(void)loop_timer(&srv.loop, &af.save_timer, 5 * SAVE_MS);
}

void acctfile_open(int dirfd)
{
	if (!ENABLE_SERVER_ACCOUNTS)
		return;
	timer_init(&af.save_timer, on_save);
	if (dirfd < 0)
		return;
	af.dirfd = dirfd;
	load();
	af.on = true;
}

/* Something changed: written within SAVE_MS. */
void acctfile_dirty(void)
{
	if (ENABLE_SERVER_ACCOUNTS && af.on && !timer_armed(&af.save_timer) &&
	    loop_timer(&srv.loop, &af.save_timer, SAVE_MS) != 0)
		on_save(&srv.loop, &af.save_timer); /* no timer to spare: now */
}

void acctfile_close(void)
{
	if (ENABLE_SERVER_ACCOUNTS && af.on && timer_armed(&af.save_timer) && save() != 0)
		msg("accounts on disk: %s: %s", FILE_NAME, strerror(errno));
	af.on = false;
}
