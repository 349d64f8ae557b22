/* journal.c - the append-only journal (see journal.h): segments, records,
 * recovery, compaction. Everything read from disk is checked as hostile:
 * lengths against the buffer, CRCs before a byte of payload is used. */
#include "journal.h"
#include "crc32.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const uint8_t seg_magic[4] = { 'C', 'B', 'J', '1' };
#define REC_M0 0xC8
#define REC_M1 0x4A
#define REWRITE_BUF 16384

static void put16(uint8_t *p, uint32_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v) { put16(p, v); put16(p + 2, v >> 16); }
static void put64(uint8_t *p, uint64_t v) { put32(p, (uint32_t)v); put32(p + 4, (uint32_t)(v >> 32)); }
static uint32_t get16(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }
static uint32_t get32(const uint8_t *p) { return get16(p) | get16(p + 2) << 16; }
static uint64_t get64(const uint8_t *p) { return get32(p) | (uint64_t)get32(p + 4) << 32; }

/* --- the format ------------------------------------------------------------- */

void journal_seg_header(uint8_t out[JOURNAL_SEG_HDR], uint32_t flags, uint64_t seq, uint32_t salt)
{
	memcpy(out, seg_magic, 4);
	put32(out + 4, flags);
	put64(out + 8, seq);
	put32(out + 16, salt);
	put32(out + 20, crc32(0, out, 20));
}

bool journal_seg_parse(const uint8_t *buf, size_t len, uint32_t *flags, uint64_t *seq,
		       uint32_t *salt)
{
	if (len < JOURNAL_SEG_HDR || memcmp(buf, seg_magic, 4) != 0 ||
	    get32(buf + 20) != crc32(0, buf, 20))
		return false;
	*flags = get32(buf + 4);
	*seq = get64(buf + 8);
	*salt = get32(buf + 16);
	return true;
}

static uint32_t rec_crc(uint32_t salt, const uint8_t *hdr, const void *rec, size_t len)
{
	return crc32(crc32(salt, hdr, 4), rec, len);
}

void journal_rec_header(uint8_t out[JOURNAL_REC_HDR], uint32_t salt, const void *rec, size_t len)
{
	out[0] = REC_M0;
	out[1] = REC_M1;
	put16(out + 2, (uint32_t)len);
	put32(out + 4, rec_crc(salt, out, rec, len));
}

/* The length of the intact record at P (N bytes left), 0 if none starts there. */
static size_t intact_at(const uint8_t *p, size_t n, uint32_t salt)
{
	size_t len;
	if (n < JOURNAL_REC_HDR || p[0] != REC_M0 || p[1] != REC_M1)
		return 0;
	len = get16(p + 2);
	if (len == 0 || len > JOURNAL_REC_MAX || len > n - JOURNAL_REC_HDR)
		return 0;
	return rec_crc(salt, p, p + JOURNAL_REC_HDR, len) == get32(p + 4) ? len : 0;
}

size_t journal_scan(const uint8_t *buf, size_t len, uint32_t salt, journal_fn *fn, void *ctx,
		    struct journal_report *rep)
{
	size_t off = 0, end = 0;
	while (off < len) {
		size_t n = intact_at(buf + off, len - off, salt), bad = off;
		if (n) {
			if (fn)
				fn(ctx, buf + off + JOURNAL_REC_HDR, n);
			rep->records++;
			rep->bytes += n;
			off += JOURNAL_REC_HDR + n;
			end = off;
			continue;
		}
		/* Torn or corrupt: the next intact record is where we pick up. */
		while (++off < len && !intact_at(buf + off, len - off, salt))
			;
		rep->dropped += off - bad;
		rep->bad_spans++;
	}
	return end;
}

/* --- segment files ------------------------------------------------------------ */

static void seg_name(char out[32], uint64_t seq, const char *ext)
{
	snprintf(out, 32, "%016" PRIx64 ".%s", seq, ext);
}

/* The number in NAME if it is a segment name with extension EXT. */
static bool seg_number(const char *name, const char *ext, uint64_t *seq)
{
	uint64_t v = 0;
	for (int i = 0; i < 16; i++) {
		char c = name[i];
		if (c >= '0' && c <= '9')
			v = v << 4 | (uint64_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v << 4 | (uint64_t)(c - 'a' + 10);
		else
			return false;
	}
	if (name[16] != '.' || strcmp(name + 17, ext) != 0)
		return false;
	*seq = v;
	return true;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* The segment numbers in the directory, sorted, at most JOURNAL_MAX_SEGS
 * (the newest). Left-over temporary files of a compaction are deleted. */
static int list_segments(int dirfd, uint64_t *segs, unsigned *n)
{
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;

	*n = 0;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	while ((de = readdir(d))) {
		uint64_t s;
		if (seg_number(de->d_name, "tmp", &s)) {
			(void)unlinkat(dirfd, de->d_name, 0); /* an unfinished compaction */
			continue;
		}
		/* (a number near the top could never be followed by another) */
		if (!seg_number(de->d_name, "jnl", &s) || s > UINT64_MAX / 4)
			continue;
		if (*n < JOURNAL_MAX_SEGS) {
			segs[(*n)++] = s;
			continue;
		}
		unsigned lo = 0; /* full: the oldest makes way */
		for (unsigned i = 1; i < *n; i++)
			if (segs[i] < segs[lo])
				lo = i;
		if (s > segs[lo])
			segs[lo] = s;
	}
	closedir(d);
	qsort(segs, *n, sizeof(*segs), cmp_u64);
	return 0;
}

/* Read at most JOURNAL_FILE_MAX bytes of segment SEQ into *BUF (malloc'd). */
static ssize_t read_segment(int dirfd, uint64_t seq, uint8_t **buf, uint64_t *size)
{
	char name[32];
	struct stat st;
	ssize_t got = 0;
	int fd;

	seg_name(name, seq, "jnl");
	*buf = NULL;
	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0 || st.st_size < 0) {
		close(fd);
		return -1;
	}
	*size = (uint64_t)st.st_size;
	size_t want = (size_t)(*size < JOURNAL_FILE_MAX ? *size : JOURNAL_FILE_MAX);
	*buf = malloc(want ? want : 1);
	while (*buf && (size_t)got < want) {
		ssize_t r = read(fd, *buf + got, want - (size_t)got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) { /* not an end: what was not read may be intact */
			int e = errno;
			close(fd);
			free(*buf);
			*buf = NULL;
			errno = e;
			return -1;
		}
		if (r == 0)
			break; /* a file that shrank: use what came (replay_segment) */
		got += r;
	}
	close(fd);
	if (!*buf)
		return -1;
	return got;
}

static int write_full(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = ENOSPC;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static uint32_t new_salt(void)
{
	uint32_t s;
	if (getrandom(&s, sizeof(s), GRND_NONBLOCK) == (ssize_t)sizeof(s))
		return s;
	/* early boot without entropy: still differs from run to run */
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint32_t)ts.tv_nsec ^ (uint32_t)ts.tv_sec ^ (uint32_t)getpid() << 16;
}

/* Create segment SEQ (or its temporary twin) with its header; its fd. */
static int create_segment(int dirfd, uint64_t seq, const char *ext, uint32_t flags, uint32_t *salt)
{
	char name[32];
	uint8_t hdr[JOURNAL_SEG_HDR];
	int fd;

	seg_name(name, seq, ext);
	fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	*salt = new_salt();
	journal_seg_header(hdr, flags, seq, *salt);
	if (write_full(fd, hdr, sizeof(hdr)) != 0) {
		int e = errno;
		close(fd);
		(void)unlinkat(dirfd, name, 0);
		errno = e;
		return -1;
	}
	return fd;
}

static void delete_segment(struct journal *j, uint64_t seq)
{
	char name[32];
	seg_name(name, seq, "jnl");
	if (unlinkat(j->dirfd, name, 0) == 0)
		j->dir_dirty = true;
}

/* Superseded segment SEQ goes, unless it could not be read: then it is
 * set aside as NNNN.unreadable (no segment any more), never deleted. */
static void retire_segment(struct journal *j, uint64_t seq)
{
	char name[32], aside[32];
	bool unreadable = false;
	int fd;

	seg_name(name, seq, "jnl");
	for (unsigned i = 0; i < j->nunreadable; i++)
		unreadable |= j->unreadable[i] == seq;
	if (!unreadable) { /* (past the ones remembered: one that cannot be opened) */
		fd = openat(j->dirfd, name, O_RDONLY | O_CLOEXEC);
		unreadable = fd < 0 && errno != ENOENT;
		if (fd >= 0)
			close(fd);
	}
	if (!unreadable) {
		delete_segment(j, seq);
		return;
	}
	seg_name(aside, seq, "unreadable");
	if (renameat(j->dirfd, name, j->dirfd, aside) == 0)
		j->dir_dirty = true;
}

/* --- recovery ------------------------------------------------------------------ */

static bool segment_is_base(int dirfd, uint64_t seq)
{
	char name[32];
	uint8_t hdr[JOURNAL_SEG_HDR];
	uint32_t flags, salt;
	uint64_t s;
	ssize_t n;
	int fd;

	seg_name(name, seq, "jnl");
	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = pread(fd, hdr, sizeof(hdr), 0);
	close(fd);
	return n == (ssize_t)sizeof(hdr) && journal_seg_parse(hdr, sizeof(hdr), &flags, &s, &salt) &&
	       s == seq && (flags & JOURNAL_BASE);
}

/* The head is cut after its last intact record and kept open to append to. */
static int take_head(struct journal *j, uint64_t seq, uint64_t keep, uint64_t size, uint32_t salt)
{
	char name[32];
	int fd;

	seg_name(name, seq, "jnl");
	fd = openat(j->dirfd, name, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (keep < size && ftruncate(fd, (off_t)keep) != 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	j->fd = fd;
	j->head = seq;
	j->head_size = keep;
	j->salt = salt;
	j->dirty = keep < size;
	return 0;
}

/* Replay segment SEQ; LAST: it is the newest, to append to if it can be. */
static int replay_segment(struct journal *j, uint64_t seq, bool last, journal_fn *fn, void *ctx,
			  struct journal_report *rep)
{
	uint8_t *buf;
	uint64_t size = 0, s;
	uint32_t flags, salt;
	ssize_t got = read_segment(j->dirfd, seq, &buf, &size);
	int rc = 0;

	if (got < 0) { /* left as it is: its bytes still count against the bound */
		if (!rep->unreadable++) {
			rep->unreadable_seq = seq;
			rep->unreadable_errno = errno;
		}
		if (j->nunreadable < JOURNAL_UNREADABLE_MAX)
			j->unreadable[j->nunreadable++] = seq;
		j->total += size;
		return -1;
	}
	rep->segments++;
	if (!journal_seg_parse(buf, (size_t)got, &flags, &s, &salt) || s != seq) {
		/* Without its salt no record can be trusted: all of it goes. */
		rep->bad_segments++;
		rep->dropped += size;
		j->total += size;
		if (last && size < JOURNAL_SEG_HDR) { /* torn as it was created */
			rep->cut += size;
			j->total -= size;
			delete_segment(j, seq);
		}
		free(buf);
		return 0;
	}
	size_t end = journal_scan(buf + JOURNAL_SEG_HDR, (size_t)got - JOURNAL_SEG_HDR, salt, fn, ctx,
				  rep);
	uint64_t keep = JOURNAL_SEG_HDR + end;
	free(buf);
	rep->dropped += size - (uint64_t)got; /* past JOURNAL_FILE_MAX: never ours */
	/* Fewer bytes than the file holds (it shrank under us?): what was not
	 * read is not known to be torn, so the newest is not cut either and a
	 * new head follows it (journal_open). */
	if (!last || (uint64_t)got < (size < JOURNAL_FILE_MAX ? size : JOURNAL_FILE_MAX)) {
		j->total += size;
		return 0;
	}
	rc = take_head(j, seq, keep, size, salt);
	rep->cut += size - keep;
	j->total += rc == 0 ? keep : size;
	return rc;
}

static int new_head(struct journal *j, uint64_t seq, uint32_t flags)
{
	int fd = create_segment(j->dirfd, seq, "jnl", flags, &j->salt);
	if (fd < 0)
		return -1;
	j->fd = fd;
	j->head = seq;
	j->head_size = JOURNAL_SEG_HDR;
	j->total += JOURNAL_SEG_HDR;
	j->dirty = j->dir_dirty = true;
	return 0;
}

int journal_open(struct journal *j, int dirfd, uint32_t seg_max, journal_fn *fn, void *ctx,
		 struct journal_report *rep)
{
	uint64_t *segs = malloc(JOURNAL_MAX_SEGS * sizeof(*segs));
	unsigned n = 0, base = 0;

	memset(j, 0, sizeof(*j));
	memset(rep, 0, sizeof(*rep));
	j->dirfd = dirfd;
	j->fd = -1;
	j->seg_max = seg_max >= JOURNAL_SEG_HDR + JOURNAL_REC_HDR + JOURNAL_REC_MAX ? seg_max
										    : JOURNAL_SEG_MAX;
	if (!segs || list_segments(dirfd, segs, &n) != 0) {
		free(segs);
		return -1;
	}
	j->head = n ? segs[n - 1] : 0; /* a compaction must come after every one */
	for (unsigned i = n; i-- > 0;)
		if (segment_is_base(dirfd, segs[i])) {
			base = i;
			break;
		}
	for (unsigned i = 0; i < base; i++) /* superseded by a compaction */
		delete_segment(j, segs[i]);
	for (unsigned i = base; i < n; i++)
		(void)replay_segment(j, segs[i], i == n - 1, fn, ctx, rep); /* unreadable: skipped */
	j->first = n ? segs[base] : 1;
	free(segs);
	if (j->fd < 0 && new_head(j, j->head + 1, n ? 0 : JOURNAL_BASE) != 0)
		return -2;
	return 0;
}

/* --- writing ---------------------------------------------------------------------- */

static int roll_over(struct journal *j)
{
	int old = j->fd, e;
	uint32_t old_salt = j->salt;

	if (new_head(j, j->head + 1, 0) != 0) {
		j->salt = old_salt;
		return -1;
	}
	/* The full one is fsync'd once, now, rather than left to the timer. */
	if (fsync(old) != 0) {
		e = errno;
		close(old);
		errno = e;
		return -1;
	}
	return close(old);
}

_Static_assert(JOURNAL_WBUF >= JOURNAL_REC_HDR + JOURNAL_REC_MAX, "a record fits the buffer");

int journal_flush(struct journal *j)
{
	uint32_t n = j->wlen;
	if (!n)
		return 0;
	j->wlen = 0;
	if (write_full(j->fd, j->wbuf, n) != 0) {
		int e = errno;
		j->head_size -= n;
		j->total -= n;
		/* Cut partial records back off; if even that fails, the next
		 * journal_open() finds them torn and cuts them. */
		if (ftruncate(j->fd, (off_t)j->head_size) != 0)
			j->dirty = true;
		errno = e;
		return -1;
	}
	j->dirty = true;
	return 0;
}

int journal_append(struct journal *j, const void *rec, size_t len)
{
	size_t n = JOURNAL_REC_HDR + len;

	if (len == 0 || len > JOURNAL_REC_MAX) {
		errno = EINVAL;
		return -1;
	}
	if (j->fd < 0) {
		errno = EBADF;
		return -1;
	}
	if (j->wlen + n > sizeof(j->wbuf) && journal_flush(j) != 0)
		return -1;
	if (j->head_size + n > j->seg_max && j->head_size > JOURNAL_SEG_HDR &&
	    (journal_flush(j) != 0 || roll_over(j) != 0))
		return -1;
	journal_rec_header(j->wbuf + j->wlen, j->salt, rec, len);
	memcpy(j->wbuf + j->wlen + JOURNAL_REC_HDR, rec, len);
	j->wlen += (uint32_t)n;
	j->head_size += n;
	j->total += n;
	return 0;
}

int journal_sync(struct journal *j)
{
	if (j->fd >= 0 && journal_flush(j) != 0)
		return -1;
	if (j->dirty && j->fd >= 0) {
		if (fsync(j->fd) != 0)
			return -1;
		j->dirty = false;
	}
	if (j->dir_dirty) {
		if (fsync(j->dirfd) != 0)
			return -1;
		j->dir_dirty = false;
	}
	return 0;
}

void journal_close(struct journal *j)
{
	(void)journal_sync(j); /* the caller said so already if it failed */
	if (j->fd >= 0)
		close(j->fd);
	if (j->dirfd >= 0)
		close(j->dirfd);
	j->fd = j->dirfd = -1;
}

/* --- compaction ----------------------------------------------------------------- */

int journal_rewrite_begin(struct journal *j, struct journal_rewrite *w)
{
	memset(w, 0, sizeof(*w));
	w->seq = j->head + 1;
	w->buf = malloc(REWRITE_BUF);
	if (!w->buf)
		return -1;
	w->fd = create_segment(j->dirfd, w->seq, "tmp", JOURNAL_BASE, &w->salt);
	if (w->fd < 0) {
		free(w->buf);
		w->buf = NULL;
		return -1;
	}
	w->size = JOURNAL_SEG_HDR;
	return 0;
}

static int rewrite_flush(struct journal_rewrite *w)
{
	if (w->fill && write_full(w->fd, w->buf, w->fill) != 0)
		return -1;
	w->size += w->fill;
	w->fill = 0;
	return 0;
}

int journal_rewrite_add(struct journal_rewrite *w, const void *rec, size_t len)
{
	if (len == 0 || len > JOURNAL_REC_MAX) {
		errno = EINVAL;
		return -1;
	}
	if (w->fill + JOURNAL_REC_HDR + len > REWRITE_BUF && rewrite_flush(w) != 0)
		return -1;
	journal_rec_header(w->buf + w->fill, w->salt, rec, len);
	memcpy(w->buf + w->fill + JOURNAL_REC_HDR, rec, len);
	w->fill += (uint32_t)(JOURNAL_REC_HDR + len);
	return 0;
}

void journal_rewrite_abort(struct journal *j, struct journal_rewrite *w)
{
	char name[32];
	if (w->fd >= 0 && w->buf) {
		close(w->fd);
		seg_name(name, w->seq, "tmp");
		(void)unlinkat(j->dirfd, name, 0);
	}
	free(w->buf);
	w->buf = NULL;
	w->fd = -1;
}

int journal_rewrite_commit(struct journal *j, struct journal_rewrite *w)
{
	char tmp[32], name[32];
	uint64_t segs[JOURNAL_MAX_SEGS];
	unsigned n;

	seg_name(tmp, w->seq, "tmp");
	seg_name(name, w->seq, "jnl");
	if (rewrite_flush(w) != 0 || fsync(w->fd) != 0 ||
	    renameat(j->dirfd, tmp, j->dirfd, name) != 0) {
		int e = errno;
		journal_rewrite_abort(j, w);
		errno = e;
		return -1;
	}
	/* Committed: from here on the new base is the state, whatever else fails.
	 * What was appended and not yet written goes with the old head: the
	 * base holds all that is still wanted (the caller's snapshot). */
	j->wlen = 0;
	if (j->fd >= 0)
		close(j->fd);
	j->fd = w->fd;
	j->head = j->first = w->seq;
	j->head_size = j->total = w->size;
	j->salt = w->salt;
	j->dirty = false;
	j->dir_dirty = true;
	free(w->buf);
	w->buf = NULL;
	w->fd = -1;
	/* The rename on disk before any old segment goes: a power cut between
	 * the unlinks and a later directory fsync could otherwise leave the
	 * old segments gone and the new base not there. Failing, nothing is
	 * deleted: the old segments stay, superseded, until a next compaction. */
	if (fsync(j->dirfd) != 0)
		return 0;
	if (list_segments(j->dirfd, segs, &n) == 0)
		for (unsigned i = 0; i < n; i++)
			if (segs[i] < j->head)
				retire_segment(j, segs[i]);
	if (fsync(j->dirfd) == 0) /* else the next journal_sync() tries again */
		j->dir_dirty = false;
	return 0;
}
