/* t_journal.c - core/journal: records come back in order, a torn tail is
 * cut, a flipped byte costs one record, segments roll over, compaction
 * replaces them; the bytes on disk are the same on every CPU. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crc32.h"
#include "journal.h"
#include "unit.h"

struct seen {
	unsigned n;
	char last[64];
	bool in_order;
};

static void count(void *ctx, const uint8_t *rec, size_t len)
{
	struct seen *s = ctx;
	char want[32];
	snprintf(want, sizeof(want), "record %u", s->n);
	if (len != strlen(want) || memcmp(rec, want, len) != 0)
		s->in_order = false;
	if (len < sizeof(s->last)) {
		memcpy(s->last, rec, len);
		s->last[len] = 0;
	}
	s->n++;
}

static int tmpdir(char *path)
{
	strcpy(path, "/tmp/t_journal-XXXXXX");
	return mkdtemp(path) ? open(path, O_RDONLY | O_DIRECTORY) : -1;
}

static void rmdir_all(const char *path)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", path);
	CHECK(system(cmd) == 0);
}

static void append_n(struct journal *j, unsigned from, unsigned to)
{
	for (unsigned i = from; i < to; i++) {
		char r[32];
		int n = snprintf(r, sizeof(r), "record %u", i);
		CHECK(journal_append(j, r, (size_t)n) == 0);
	}
}

/* Open DIR again and replay it. */
static struct seen reopen(const char *dir, struct journal *j, struct journal_report *rep,
			  uint32_t seg_max)
{
	struct seen s = { .in_order = true };
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	CHECK(fd >= 0 && journal_open(j, fd, seg_max, count, &s, rep) == 0);
	return s;
}

static off_t file_size(const char *dir, const char *name)
{
	char p[96];
	struct stat st;
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return stat(p, &st) == 0 ? st.st_size : -1;
}

UNIT(crc32_is_zlibs)
{
	CHECK(crc32(0, "123456789", 9) == 0xCBF43926u);
	CHECK(crc32(crc32(0, "1234", 4), "56789", 5) == 0xCBF43926u);
	CHECK(crc32(0, "", 0) == 0);
}

UNIT(journal_bytes_are_little_endian_everywhere)
{
	uint8_t h[JOURNAL_SEG_HDR], r[JOURNAL_REC_HDR];
	static const uint8_t want_seg[20] = { 'C', 'B', 'J', '1', 1, 0, 0, 0, 0x08, 0x07, 0x06,
					      0x05, 0x04, 0x03, 0x02, 0x01, 0x44, 0x33, 0x22, 0x11 };
	uint32_t flags, salt;
	uint64_t seq;
	journal_seg_header(h, JOURNAL_BASE, 0x0102030405060708ull, 0x11223344u);
	CHECK(memcmp(h, want_seg, 20) == 0);
	CHECK(journal_seg_parse(h, sizeof(h), &flags, &seq, &salt));
	CHECK(flags == JOURNAL_BASE && seq == 0x0102030405060708ull && salt == 0x11223344u);
	h[9] ^= 1;
	CHECK(!journal_seg_parse(h, sizeof(h), &flags, &seq, &salt));
	journal_rec_header(r, 0, "abc", 3);
	CHECK(r[0] == 0xC8 && r[1] == 0x4A && r[2] == 3 && r[3] == 0);
	uint8_t m[7] = { 0xC8, 0x4A, 3, 0, 'a', 'b', 'c' };
	uint32_t c = crc32(crc32(0, m, 4), m + 4, 3);
	CHECK(r[4] == (uint8_t)c && r[5] == (uint8_t)(c >> 8) && r[7] == (uint8_t)(c >> 24));
}

UNIT(journal_replays_in_order_and_cuts_a_torn_tail)
{
	char dir[64];
	struct journal j;
	struct journal_report rep;
	struct seen s;
	int fd = tmpdir(dir);

	CHECK(fd >= 0 && journal_open(&j, fd, 0, count, &s, &rep) == 0 && rep.records == 0);
	append_n(&j, 0, 100);
	CHECK(journal_sync(&j) == 0);
	journal_close(&j);
	s = reopen(dir, &j, &rep, 0);
	CHECK(s.n == 100 && s.in_order && rep.dropped == 0 && rep.segments == 1);
	journal_close(&j);

	/* A crash in the middle of the last record: it goes, the rest stays. */
	char p[96];
	off_t size = file_size(dir, "0000000000000001.jnl");
	snprintf(p, sizeof(p), "%s/0000000000000001.jnl", dir);
	CHECK(size > 0 && truncate(p, size - 5) == 0);
	s = reopen(dir, &j, &rep, 0);
	CHECK(s.n == 99 && s.in_order && rep.cut > 0 && rep.cut == rep.dropped);
	CHECK(file_size(dir, "0000000000000001.jnl") < size - 5); /* cut before appending */
	append_n(&j, 99, 120);
	journal_close(&j);
	s = reopen(dir, &j, &rep, 0);
	CHECK(s.n == 120 && s.in_order && rep.dropped == 0);
	journal_close(&j);
	rmdir_all(dir);
}

UNIT(journal_flipped_byte_costs_one_record)
{
	char dir[64], p[96];
	struct journal j;
	struct journal_report rep;
	struct seen s = { .in_order = true };
	int fd = tmpdir(dir);

	CHECK(fd >= 0 && journal_open(&j, fd, 0, NULL, NULL, &rep) == 0);
	append_n(&j, 0, 50);
	journal_close(&j);
	snprintf(p, sizeof(p), "%s/0000000000000001.jnl", dir);
	/* record i starts at 24 + sum of (8 + len): flip a length byte of record 20 */
	off_t at = JOURNAL_SEG_HDR;
	for (unsigned i = 0; i < 20; i++)
		at += JOURNAL_REC_HDR + (i < 10 ? 8 : 9);
	int w = open(p, O_RDWR);
	uint8_t b;
	CHECK(w >= 0 && pread(w, &b, 1, at + 2) == 1);
	b ^= 0x40;
	CHECK(pwrite(w, &b, 1, at + 2) == 1 && close(w) == 0);
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	CHECK(journal_open(&j, fd, 0, count, &s, &rep) == 0);
	CHECK(s.n == 49 && rep.records == 49 && rep.bad_spans == 1 && rep.cut == 0);
	CHECK(rep.dropped == JOURNAL_REC_HDR + 9);
	CHECK_STR(s.last, "record 49");
	journal_close(&j);
	rmdir_all(dir);
}

UNIT(journal_rolls_over_and_compacts)
{
	char dir[64];
	struct journal j;
	struct journal_report rep;
	struct journal_rewrite w;
	struct seen s;
	int fd = tmpdir(dir);
	uint32_t seg = JOURNAL_SEG_HDR + JOURNAL_REC_HDR + JOURNAL_REC_MAX; /* the least */

	CHECK(fd >= 0 && journal_open(&j, fd, seg, NULL, NULL, &rep) == 0);
	append_n(&j, 0, 1000); /* ~17 bytes each: a few segments */
	CHECK(j.head > 2 && j.first == 1);
	journal_close(&j);
	s = reopen(dir, &j, &rep, seg);
	CHECK(s.n == 1000 && s.in_order && rep.segments == j.head);

	/* Keep records 0..9 only, then append 10..19 after them. */
	CHECK(journal_rewrite_begin(&j, &w) == 0);
	for (unsigned i = 0; i < 10; i++) {
		char r[32];
		int n = snprintf(r, sizeof(r), "record %u", i);
		CHECK(journal_rewrite_add(&w, r, (size_t)n) == 0);
	}
	CHECK(journal_rewrite_commit(&j, &w) == 0 && j.first == j.head);
	append_n(&j, 10, 20);
	journal_close(&j);
	s = reopen(dir, &j, &rep, seg);
	CHECK(s.n == 20 && s.in_order && rep.segments == 1);
	journal_close(&j);
	rmdir_all(dir);
}

UNIT(journal_newest_base_wins_after_a_crash_mid_compaction)
{
	char dir[64], p[96];
	struct journal j;
	struct journal_report rep;
	struct journal_rewrite w;
	struct seen s;
	int fd = tmpdir(dir);

	CHECK(fd >= 0 && journal_open(&j, fd, 0, NULL, NULL, &rep) == 0);
	append_n(&j, 0, 30);
	/* An unfinished compaction leaves a .tmp: ignored and deleted. */
	CHECK(journal_rewrite_begin(&j, &w) == 0);
	CHECK(journal_rewrite_add(&w, "record 0", 8) == 0);
	journal_close(&j);
	close(w.fd);
	free(w.buf);
	s = reopen(dir, &j, &rep, 0);
	CHECK(s.n == 30 && s.in_order);
	snprintf(p, sizeof(p), "%s/0000000000000002.tmp", dir);
	CHECK(access(p, F_OK) != 0);
	/* A committed one whose old segments were not deleted yet: they are now. */
	uint8_t h[JOURNAL_SEG_HDR];
	journal_seg_header(h, JOURNAL_BASE, 5, 7);
	snprintf(p, sizeof(p), "%s/0000000000000005.jnl", dir);
	int b = open(p, O_WRONLY | O_CREAT, 0600);
	CHECK(b >= 0 && write(b, h, sizeof(h)) == (ssize_t)sizeof(h) && close(b) == 0);
	journal_close(&j);
	s = reopen(dir, &j, &rep, 0);
	CHECK(s.n == 0 && j.first == 5 && j.head == 5);
	CHECK(file_size(dir, "0000000000000001.jnl") < 0);
	journal_close(&j);
	rmdir_all(dir);
}
