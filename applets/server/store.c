/* store.c - room history on disk (-D): the IRC side of core/journal.
 *
//config:config SERVER_JOURNAL
//config:	bool "Room history on disk (-D DIR), across restarts"
//config:	depends on SERVER_HISTORY
//config:	default y
//config:	help
//config:	  With -D DIR, every room message is written to a journal in
//config:	  DIR before it is relayed, so a restart (even after kill -9)
//config:	  brings back each room's history. fsync is batched (-F), the
//config:	  journal's size bounded (-J). Costs about 10 KB of code on
//config:	  x86_64, 20 KB on MIPS.
//config:	  Budget: 13500 bytes on x86_64 (text+data+bss, make size).
 *
 * A record is one room message or one room gone, all integers
 * little-endian:
 *   'M' kind:u8 ('P' PRIVMSG, 'N' NOTICE) seq:u64 when_ms:u64
 *       room_len:u8 nick_len:u8 userhost_len:u8 text_len:u16
 *       room nick userhost text            (23 bytes + the strings)
 *   'Q' as 'M', room being the nick (or account) it went to,
 *       then parties_len:u8 parties        (a private message, chathistory.c)
 *   either with kind 'p' or 'n': the sender was logged in, and
 *       account_len:u8 account ends the record (account-tag in history)
 *   'G' room_len:u8 room                   (the room and its history went)
 *   'S' ceiling:u64                        (msgids up to it may be in use)
 * seq numbers messages in the order they were relayed: a message id.
 * Not every message is journaled (protected rooms, TAGMSG, private talk
 * of unregistered users), and compaction forgets old ones, so the last
 * record's seq is not the last msgid given out. Numbers are handed out
 * in blocks of SEQ_BLOCK instead: the block's ceiling is written and
 * fsync'd before its first number is used, and a restart starts above
 * the highest ceiling (and every seq) it reads, so no msgid repeats,
 * even after a power cut. A compaction writes the ceiling first.
 * A protected room (a key, +i, +s or +p: store_protected()) is not on
 * disk at all: its history is kept in memory only, as its modes are not
 * saved and a restart would open it to whoever joins first.
 * A private message is written only if one of its two parties ("FROM TO")
 * is an account; a party without one (a connection, "~N") is written as
 * "*": after a restart no one is that party.
 * What is read back is checked like a line from the network: a name the
 * server would refuse, or a text holding CR, LF or NUL, is dropped. */
#include "server.h"
#include "journal.h"
#include "textsafe.h"
#include "passwd.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

_Static_assert((uint64_t)STORE_KIB_MAX * 1024 <= (uint64_t)JOURNAL_MAX_SEGS / 2 * JOURNAL_SEG_MAX,
	       "-J beyond what a restart's segment list holds");

#define REC_FIXED   23
#define RETRY_MS    5000            /* after an I/O error, try again this often */
#define SLACK_BYTES (64 * 1024)     /* garbage below this is not worth a compaction */
#define UH_MAX      (USERLEN + 1 + NET_ADDRSTR_MAX)
#define SEQ_BLOCK   4096            /* msgids reserved per fsync'd 'S' record */

static struct {
	struct journal j;
	const char *dir;
	int dirfd;
	bool on, failed, loading;
	unsigned long sync_ms;
	uint64_t max_bytes, seq, ceiling; /* ceiling: msgids reserved on disk */
	int64_t compacted_ms;           /* loop clock of the last compaction */
	struct timer sync_timer, retry_timer, compact_timer;
	unsigned long refused; /* at start: records dropped as bad, or for want of memory */
} st;

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* --- records ----------------------------------------------------------------- */

static bool private(const struct event *e)
{
	return e->target[0] != '#';
}

/* A party as the disk has it: an account, or "*" (a connection: no one
 * after a restart). */
static size_t disk_party(char *out, const char *p, size_t n)
{
	if (p[0] == '~' || !n) {
		out[0] = '*';
		return 1;
	}
	memcpy(out, p, n);
	return n;
}

/* A private message's parties (its arg) as written, into OUT; false if
 * neither is an account: then it stays off the disk. */
static bool disk_parties(const char *arg, char out[PRIV_PARTIES_MAX])
{
	const char *sp = strchr(arg, ' ');
	size_t n;
	if (!sp || strlen(arg) >= PRIV_PARTIES_MAX)
		return false;
	n = disk_party(out, arg, (size_t)(sp - arg));
	out[n++] = ' ';
	n += disk_party(out + n, sp + 1, strlen(sp + 1));
	out[n] = 0;
	return strcmp(out, "* *") != 0;
}

/* Message E as a record in BUF (JOURNAL_REC_MAX bytes); its length, 0 if
 * it cannot be one (never for what talk() builds) or is not to be kept. */
static size_t encode(const struct event *e, uint8_t *buf)
{
	size_t rl = strlen(e->target), nl = strlen(e->nick), ul = strlen(e->userhost);
	size_t tl = e->text ? strlen(e->text) : 0, kl = 0;
	size_t al = e->account ? 1 + strlen(e->account) : 0;
	uint8_t *p = buf + REC_FIXED;
	char parties[PRIV_PARTIES_MAX];

	if (private(e)) {
		if (!disk_parties(e->arg, parties))
			return 0;
		kl = 1 + strlen(parties);
	}
	if (rl > 255 || nl > 255 || ul > 255 || al > 256 ||
	    REC_FIXED + rl + nl + ul + tl + kl + al > JOURNAL_REC_MAX)
		return 0;
	buf[0] = kl ? 'Q' : 'M';
	buf[1] = (uint8_t)((e->kind == EV_NOTICE ? 'N' : 'P') | (al ? 0x20 : 0)); /* lower case */
	put64(buf + 2, e->seq);
	put64(buf + 10, (uint64_t)e->when_ms);
	buf[18] = (uint8_t)rl;
	buf[19] = (uint8_t)nl;
	buf[20] = (uint8_t)ul;
	buf[21] = (uint8_t)tl;
	buf[22] = (uint8_t)(tl >> 8);
	memcpy(p, e->target, rl);
	memcpy(p + rl, e->nick, nl);
	memcpy(p + rl + nl, e->userhost, ul);
	memcpy(p + rl + nl + ul, e->text ? e->text : "", tl);
	p += rl + nl + ul + tl;
	if (kl) {
		p[0] = (uint8_t)(kl - 1);
		memcpy(p + 1, parties, kl - 1);
	}
	if (al) {
		p[kl] = (uint8_t)(al - 1);
		memcpy(p + kl + 1, e->account, al - 1);
	}
	return REC_FIXED + rl + nl + ul + tl + kl + al;
}

static size_t record_size(const struct event *e)
{
	return JOURNAL_REC_HDR + REC_FIXED + strlen(e->target) + strlen(e->nick) +
	       strlen(e->userhost) + (e->text ? strlen(e->text) : 0) +
	       (private(e) ? 1 + strlen(e->arg) : 0) + (e->account ? 1 + strlen(e->account) : 0);
}

/* Copy LEN bytes at P into a C string OUT of SIZE; false if it does not fit. */
static bool field(char *out, size_t size, const uint8_t *p, size_t len)
{
	if (len >= size || memchr(p, 0, len))
		return false;
	memcpy(out, p, len);
	out[len] = 0;
	return true;
}

static bool userhost_ok(const char *s)
{
	size_t n = strlen(s);
	return n && text_is_safe(s, n) && !strpbrk(s, " !") && strchr(s, '@');
}

static bool text_ok(const char *s)
{
	return !strpbrk(s, "\r\n"); /* NUL cannot be in it: field() */
}

/* Modes and keys are not journaled: a room that keeps people out or hides
 * itself must not have its history come back in a room open to all. */
static bool protected_room(const struct room *r)
{
	return r->key || (r->modes & (RM_I | RM_S | RM_P));
}

/* E is in a protected room's history, or private talk without an
 * account: compaction leaves it out. */
static bool event_protected(const struct event *e)
{
	char parties[PRIV_PARTIES_MAX];
	if (private(e))
		return !disk_parties(e->arg, parties);
	const struct room *r = room_find(e->target);
	return r && protected_room(r);
}

struct message {
	char room[ROOMLEN + 1], nick[NICKLEN + 1], uh[UH_MAX + 1], text[LINE_MAX_IRC + 1];
	char parties[PRIV_PARTIES_MAX]; /* 'Q': "FROM TO"; else "" */
	char account[NICKLEN + 1];      /* the sender's; "" if none */
	enum event_kind kind;
	uint64_t seq;
	int64_t when_ms;
};

/* "FROM TO": each an account or "*", not both "*". */
static bool parties_ok(const char *s)
{
	char a[NICKLEN + 2], b[NICKLEN + 2];
	const char *sp = strchr(s, ' ');
	if (!sp || !field(a, sizeof(a), (const uint8_t *)s, (size_t)(sp - s)) ||
	    !field(b, sizeof(b), (const uint8_t *)sp + 1, strlen(sp + 1)))
		return false;
	return (!strcmp(a, "*") || nick_valid(a)) && (!strcmp(b, "*") || nick_valid(b)) &&
	       strcmp(s, "* *") != 0;
}

/* The u8-length-prefixed field at *AT of a record of LEN bytes into OUT
 * (SIZE), *AT moved past it; false if it does not fit there. */
static bool counted(char *out, size_t size, const uint8_t *r, size_t *at, size_t len)
{
	size_t n;
	if (*at >= len || *at + 1 + r[*at] > len)
		return false;
	n = r[*at];
	*at += 1 + n;
	return field(out, size, r + *at - n, n);
}

/* A message record, checked as hostile: false if it is not a good one. */
static bool decode(const uint8_t *r, size_t len, struct message *m)
{
	size_t rl, nl, ul, tl, at;
	const uint8_t *p = r + REC_FIXED;
	bool priv = len && r[0] == 'Q', acct = len > 1 && (r[1] == 'p' || r[1] == 'n');

	if (len < REC_FIXED || (r[0] != 'M' && !priv) || !strchr("PNpn", r[1]) || !r[1])
		return false;
	rl = r[18], nl = r[19], ul = r[20], tl = r[21] | (size_t)r[22] << 8;
	at = REC_FIXED + rl + nl + ul + tl;
	m->parties[0] = m->account[0] = 0;
	if (priv && !(counted(m->parties, sizeof(m->parties), r, &at, len) &&
		      parties_ok(m->parties)))
		return false;
	if (acct && !(counted(m->account, sizeof(m->account), r, &at, len) &&
		      nick_valid(m->account)))
		return false;
	if (at != len)
		return false;
	m->kind = r[1] == 'N' || r[1] == 'n' ? EV_NOTICE : EV_PRIVMSG;
	m->seq = get64(r + 2);
	m->when_ms = (int64_t)(get64(r + 10) & INT64_MAX);
	return field(m->room, sizeof(m->room), p, rl) &&
	       (priv ? nick_valid(m->room) : room_name_ok(m->room)) &&
	       field(m->nick, sizeof(m->nick), p + rl, nl) && nick_valid(m->nick) &&
	       field(m->uh, sizeof(m->uh), p + rl + nl, ul) && userhost_ok(m->uh) &&
	       field(m->text, sizeof(m->text), p + rl + nl + ul, tl) && text_ok(m->text);
}

/* --- loading ------------------------------------------------------------------ */

/* A private message read back: chathistory.c's again. */
static void load_private(const struct message *m)
{
	struct event *e = event_new(m->kind, m->nick, m->uh, m->room, m->parties, m->text,
				    m->account[0] ? m->account : NULL);
	if (!e) {
		st.refused++;
		return;
	}
	e->when_ms = m->when_ms;
	e->seq = m->seq;
	private_load(e);
	event_unref(e);
}

static void load_message(const struct message *m)
{
	struct room *r = room_find(m->room);
	struct event *e;

	if (m->seq > st.seq)
		st.seq = m->seq;
	if (m->parties[0]) {
		load_private(m);
		return;
	}
	if (!r && !(r = room_new(m->room))) { /* out of the budget (-m) */
		st.refused++;
		return;
	}
	e = event_new(m->kind, m->nick, m->uh, r->name, "", m->text, m->account[0] ? m->account : NULL);
	if (!e) {
		st.refused++;
		return;
	}
	e->when_ms = m->when_ms;
	e->seq = m->seq;
	if (history_add(&r->hist, e) == 0) {
		r->hist.on_disk = true;
		budget_settle(&srv.budget); /* the oldest make way, as they do live */
	}
	event_unref(e);
}

static void load_gone(const uint8_t *rec, size_t len)
{
	char name[ROOMLEN + 1];
	struct room *r;

	if (len < 2 || (size_t)rec[1] + 2 != len || !field(name, sizeof(name), rec + 2, rec[1])) {
		st.refused++;
		return;
	}
	if (!(r = room_find(name)))
		return;
	history_free(&r->hist);
	room_free_if_empty(r); /* (the default room stays) */
}

static void load_record(void *ctx, const uint8_t *rec, size_t len)
{
	struct message m;
	(void)ctx;
	if (rec[0] == 'S' && len == 9)
		st.ceiling = MAX(st.ceiling, get64(rec + 1));
	else if (!srv.history) { /* no history kept (-H 0): only msgids matter */
		if ((rec[0] == 'M' || rec[0] == 'Q') && len >= REC_FIXED)
			st.seq = MAX(st.seq, get64(rec + 2));
	}
	else if (rec[0] == 'G')
		load_gone(rec, len);
	else if (decode(rec, len, &m))
		load_message(&m);
	else
		st.refused++;
}

/* --- writing ------------------------------------------------------------------ */

static void tell_operators(const char *text)
{
	for (struct client *c = srv.clients; c; c = c->next)
		if ((c->flags & F_OPER) && !(c->flags & (F_CLOSING | F_FREED)))
			numeric(c, "NOTICE", ":%s", text);
}

static void on_retry(struct loop *l, struct timer *t);

/* The loop's timer table is sized per subsystem; full, it is a bug to say. */
static void arm(struct timer *t, int64_t ms)
{
	if (loop_timer(&srv.loop, t, ms) != 0)
		msg("history on disk: no timer left (LOOP_MAX_TIMERS)");
}

/* Disk full or an I/O error: chat goes on in memory; said once, retried. */
static void failing(const char *what)
{
	char text[LINE_MAX_IRC];
	int e = errno;

	if (!st.failed) {
		snprintf(text, sizeof(text),
			 "history on disk (%s): %s %s: history is kept in memory only until it can be written again",
			 st.dir, what, strerror(e));
		msg("%s", text);
		tell_operators(text);
	}
	st.failed = true;
	if (!timer_armed(&st.retry_timer))
		arm(&st.retry_timer, RETRY_MS);
}

/* The newest of the kept messages that fit in half the journal's bound. */
static struct event *snapshot_start(void)
{
	struct event *e = history_newest(), *start = NULL;
	uint64_t sum = JOURNAL_SEG_HDR;
	for (; e; e = e->older) {
		if (event_protected(e))
			continue;
		sum += record_size(e);
		if (sum > st.max_bytes / 2)
			break;
		start = e;
	}
	return start;
}

/* Write what every room holds as a new base segment: older ones go. */
static int compact(void)
{
	struct journal_rewrite w;
	uint8_t rec[JOURNAL_REC_MAX];

	if (journal_rewrite_begin(&st.j, &w) != 0)
		return -1;
	/* The new base segment is all that stays: it says first where msgids are. */
	rec[0] = 'S';
	put64(rec + 1, st.ceiling);
	if (st.ceiling && journal_rewrite_add(&w, rec, 9) != 0) {
		int err = errno;
		journal_rewrite_abort(&st.j, &w);
		errno = err;
		return -1;
	}
	for (struct event *e = snapshot_start(); e; e = e->newer) {
		size_t n = event_protected(e) ? 0 : encode(e, rec);
		if (n && journal_rewrite_add(&w, rec, n) != 0) {
			int err = errno;
			journal_rewrite_abort(&st.j, &w);
			errno = err;
			return -1;
		}
	}
	return journal_rewrite_commit(&st.j, &w);
}

/* Past its bound, or mostly messages no room keeps any more. */
static bool oversized(void)
{
	uint64_t live = JOURNAL_SEG_HDR + history_text_bytes() +
			history_count() * (uint64_t)(JOURNAL_REC_HDR + REC_FIXED);
	uint64_t slack = MAX(SLACK_BYTES, st.max_bytes / 4);
	return st.j.total > st.max_bytes || st.j.total > 2 * live + slack;
}

static bool bursting(void)
{
	return st.j.total > st.max_bytes + st.max_bytes / 2;
}

/* A compaction runs from the loop, never inside store_message(): the
 * message just written is not in its room's history yet, nor is a room
 * just gone out of it, and a snapshot taken then would lose the one and
 * bring back the other. It fsyncs twice: at most once per -F interval,
 * unless a burst took the journal half as large again as its bound. */
static void on_compact(struct loop *l, struct timer *t)
{
	int64_t now = loop_now_ms(), wait = st.compacted_ms + (int64_t)st.sync_ms - now;
	(void)l;
	if (st.failed || !oversized())
		return;
	if (wait > 0 && !bursting()) {
		arm(t, wait);
		return;
	}
	st.compacted_ms = now;
	if (compact() != 0)
		failing("compacting:");
}

static void on_retry(struct loop *l, struct timer *t)
{
	(void)l;
	(void)t;
	if (!st.failed)
		return;
	if (compact() != 0 || journal_sync(&st.j) != 0) {
		arm(&st.retry_timer, RETRY_MS);
		return;
	}
	st.failed = false;
	msg("history on disk (%s): writing again", st.dir);
	tell_operators("history on disk: writing again");
}

static void on_sync(struct loop *l, struct timer *t)
{
	(void)l;
	(void)t;
	if (st.on && !st.failed && journal_sync(&st.j) != 0)
		failing("fsync:");
}

/* Written: fsync'd within -F milliseconds (at once for -F 0). */
static void written(void)
{
	if (!st.sync_ms) {
		if (journal_sync(&st.j) != 0)
			failing("fsync:");
	} else if (!timer_armed(&st.sync_timer) &&
		   loop_timer(&srv.loop, &st.sync_timer, (int64_t)st.sync_ms) != 0 &&
		   journal_sync(&st.j) != 0) { /* no timer to spare: fsync now */
		failing("fsync:");
	}
	if (!st.failed && oversized() && (!timer_armed(&st.compact_timer) || bursting()))
		arm(&st.compact_timer, 0);
}

/* Reserve the next SEQ_BLOCK msgids on disk, before any is used: written
 * and fsync'd at once (once per SEQ_BLOCK messages). While writing fails
 * they are used anyway (chat goes on); the retry's compaction writes the
 * ceiling then. */
static void reserve(void)
{
	uint8_t rec[9];

	st.ceiling = st.seq + SEQ_BLOCK;
	if (!ENABLE_SERVER_JOURNAL || !st.on || st.failed)
		return;
	rec[0] = 'S';
	put64(rec + 1, st.ceiling);
	if (journal_append(&st.j, rec, sizeof(rec)) != 0)
		failing("writing:");
	else if (journal_sync(&st.j) != 0)
		failing("fsync:");
}

static uint64_t next_seq(void)
{
	if (++st.seq > st.ceiling)
		reserve();
	return st.seq;
}

/* E appended (written before anyone is sent it, fsync'd later); false if not. */
static bool append(const struct event *e)
{
	uint8_t rec[JOURNAL_REC_MAX];
	size_t n = encode(e, rec);

	if (!n)
		return false;
	if (journal_append(&st.j, rec, n) != 0) {
		failing("writing:");
		return false;
	}
	written();
	return true;
}

void store_message(struct room *r, struct event *e)
{
	e->seq = next_seq();
	if (!ENABLE_SERVER_JOURNAL || !st.on || st.failed || !r->hist.max || protected_room(r))
		return;
	if (append(e))
		r->hist.on_disk = true;
}

void store_private(struct event *e)
{
	if (ENABLE_SERVER_JOURNAL && st.on && !st.failed && srv.history)
		(void)append(e);
}

uint64_t store_next_seq(void)
{
	return next_seq();
}

const char *store_msgid_prefix(void)
{
	static char prefix[12];
	uint32_t rnd;

	if (ENABLE_SERVER_JOURNAL && st.dir)
		return "";
	if (!prefix[0]) {
		/* Without a journal numbers restart at 1: the prefix keeps a
		 * msgid of this boot from meaning one of the last. */
		if (getrandom(&rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
			rnd = (uint32_t)time(NULL) ^ (uint32_t)getpid();
		snprintf(prefix, sizeof(prefix), "%08x-", (unsigned)rnd);
	}
	return prefix;
}

/* A 'G' record for R: its history on disk is void. While writing fails
 * none is written: the compaction that ends the outage writes only what
 * the rooms hold now (not gone rooms, not protected ones), and a stop
 * during the outage tries that compaction once more (store_close). */
static void write_gone(struct room *r)
{
	uint8_t rec[2 + ROOMLEN];
	size_t n = strlen(r->name);

	if (!ENABLE_SERVER_JOURNAL || !st.on || st.loading || st.failed || !r->hist.on_disk ||
	    n > ROOMLEN)
		return;
	rec[0] = 'G';
	rec[1] = (uint8_t)n;
	memcpy(rec + 2, r->name, n);
	if (journal_append(&st.j, rec, n + 2) != 0) {
		failing("writing:");
		return;
	}
	r->hist.on_disk = false;
	written();
}

void store_room_gone(struct room *r)
{
	write_gone(r);
}

void store_room_modes(struct room *r)
{
	if (protected_room(r))
		write_gone(r);
}

/* --- start and stop ------------------------------------------------------------- */

void store_prepare(const char *dir, const char *user)
{
	struct passwd_ids id;
	const char *why;
	int fd;

	if (!ENABLE_SERVER_JOURNAL)
		return;
	if (mkdir(dir, 0700) == 0) {
		/* Made by root for the user it is about to become: its to write. */
		if (geteuid() == 0) {
			if (passwd_find(user, &id, &why) != 0)
				die("-u %s: %s", user, why);
			if (chown(dir, id.uid, id.gid) != 0)
				die("-D %s: chown: %s", dir, strerror(errno));
		}
	} else if (errno != EEXIST) {
		die("-D %s: %s", dir, strerror(errno));
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		die("-D %s: %s", dir, strerror(errno));
	/* Two servers appending to one journal would interleave records. */
	if (flock(fd, LOCK_EX | LOCK_NB) != 0)
		die("-D %s: %s", dir, errno == EWOULDBLOCK ? "another chat-server uses it" : strerror(errno));
	st.dirfd = fd;
	st.dir = dir;
}

static void report(const struct journal_report *rep)
{
	msg("history on disk (%s): %lu messages in %lu rooms loaded from %u segments",
	    st.dir, (unsigned long)history_count(), (unsigned long)srv.nrooms, rep->segments);
	if (rep->dropped || rep->bad_segments)
		msg("history on disk (%s): dropped %llu damaged bytes (%u runs, %u bad segment headers, %llu cut off the end); every intact record was kept",
		    st.dir, (unsigned long long)rep->dropped, rep->bad_spans, rep->bad_segments,
		    (unsigned long long)rep->cut);
	if (rep->unreadable)
		msg("history on disk (%s): %u segment(s) could not be read (%016llx.jnl: %s): skipped, and kept: the next compaction sets them aside as .unreadable, never deletes them",
		    st.dir, rep->unreadable, (unsigned long long)rep->unreadable_seq,
		    strerror(rep->unreadable_errno));
	if (st.refused)
		msg("history on disk (%s): dropped %lu records the server would not accept (bad names or text, or out of memory -m)",
		    st.dir, st.refused);
}

/* Before any byte goes to a socket (conn_before_write): what the turn
 * appended is written, in one write(), so kill -9 loses nothing a client
 * was sent, for a system call per loop turn rather than per message. */
static void write_appended(void)
{
	if (journal_unflushed(&st.j) && !st.failed && journal_flush(&st.j) != 0)
		failing("writing:");
}

void store_open(unsigned long sync_ms, unsigned long max_kib)
{
	struct journal_report rep;
	int rc;

	if (!ENABLE_SERVER_JOURNAL || !st.dir)
		return;
	st.sync_ms = sync_ms;
	st.max_bytes = (uint64_t)max_kib * 1024;
	timer_init(&st.sync_timer, on_sync);
	timer_init(&st.retry_timer, on_retry);
	timer_init(&st.compact_timer, on_compact);
	st.loading = true;
	rc = journal_open(&st.j, st.dirfd, 0, load_record, NULL, &rep);
	if (rc == -1)
		die("-D %s: %s", st.dir, strerror(errno));
	st.loading = false;
	st.on = true;
	conn_before_write = write_appended;
	/* Above every msgid given out before (kept or not): a fresh block. */
	st.seq = MAX(st.seq, st.ceiling);
	st.ceiling = st.seq;
	report(&rep);
	if (rc != 0) { /* loaded, but nothing can be written yet (disk full?) */
		failing("opening:");
		return;
	}
	/* What was damaged or is no longer kept goes now, not at the first message. */
	if (rep.dropped || rep.bad_segments || oversized()) {
		st.compacted_ms = loop_now_ms();
		if (compact() != 0)
			failing("compacting:");
	}
	reserve();
}

void store_close(void)
{
	if (!ENABLE_SERVER_JOURNAL || !st.on)
		return;
	/* Rooms gone or protected during an outage are still on disk: the
	 * retry's compaction, once more, or they come back at the start. */
	if (st.failed)
		on_retry(&srv.loop, &st.retry_timer);
	if (!st.failed && journal_sync(&st.j) != 0)
		msg("history on disk (%s): fsync: %s", st.dir, strerror(errno));
	journal_close(&st.j);
	st.on = false;
}

int store_dirfd(void)
{
	return ENABLE_SERVER_JOURNAL && st.dir ? st.dirfd : -1;
}
