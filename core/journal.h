/* journal.h - an append-only journal of checksummed records, in segment
 * files of one directory: records of bytes, whatever they mean to the caller.
 *
 * On disk (every integer little-endian, whatever the CPU):
 *   segment NNNNNNNNNNNNNNNN.jnl (its number, 16 hex digits), a header
 *     "CBJ1"  flags:u32 (JOURNAL_BASE)  number:u64  salt:u32  crc:u32
 *   (crc of the 20 bytes before it), then records:
 *     0xC8 0x4A  len:u16 (1..JOURNAL_REC_MAX)  crc:u32  payload[len]
 *   crc = crc32 seeded with the segment's random salt, over the two magic
 *   bytes, len and the payload.
 * The salt makes a record that a chat message carries inside its own text
 * (anyone's bytes) useless after a resync: its CRC would need the salt,
 * which only the journal's owner can read.
 *
 * Recovery (journal_open): the newest segment flagged JOURNAL_BASE is
 * where the state starts (a compaction wrote it whole); older segments
 * are deleted. Every intact record from there on is replayed, in order. A
 * bad record (torn, flipped bits) is skipped by searching for the next
 * position where an intact record starts; what was skipped is reported.
 * The head segment is cut after its last intact record: a torn tail, as
 * a crash or power cut leaves, is gone before anything is appended. A
 * segment that cannot be read at all is skipped and kept (j->unreadable).
 *
 * Compaction is the caller's: journal_rewrite_* writes a new base segment
 * with what is still live, and committing it drops every older one. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JOURNAL_REC_MAX   4096            /* payload bytes of one record */
#define JOURNAL_REC_HDR   8
#define JOURNAL_SEG_HDR   24
#define JOURNAL_SEG_MAX   (256 * 1024)    /* default size a segment rolls over at */
#define JOURNAL_FILE_MAX  (4 * 1024 * 1024) /* read at most this much of a segment */
#define JOURNAL_MAX_SEGS  256             /* segments looked at; more: the newest */
#define JOURNAL_BASE      1u              /* segment flag: the state starts here */
#define JOURNAL_UNREADABLE_MAX 8          /* unreadable segments remembered, to set aside */
#define JOURNAL_WBUF      (16 * 1024)     /* records appended, not yet written */

struct journal {
	int dirfd, fd;          /* the directory; the head segment, -1 if none */
	uint64_t first, head;   /* numbers of the oldest and of the head segment */
	uint64_t head_size;     /* bytes of the head segment */
	uint64_t total;         /* bytes of every segment */
	uint32_t salt;          /* the head segment's CRC seed */
	uint32_t seg_max;       /* roll over to a new segment past this */
	bool dirty, dir_dirty;  /* written since the last fsync (file, directory) */
	/* Records appended since the last journal_flush(), the head's tail
	 * (head_size and total count them): one write() for all a loop turn
	 * appends, instead of one per message. */
	uint32_t wlen;
	uint8_t wbuf[JOURNAL_WBUF];
	/* Segments journal_open() could not read (EIO, EACCES...): skipped,
	 * never deleted; a compaction renames them NNNN.unreadable, beside
	 * the journal, for whoever can recover them. */
	uint64_t unreadable[JOURNAL_UNREADABLE_MAX];
	uint8_t nunreadable;
};

struct journal_report {
	uint64_t records, bytes;  /* intact records replayed, their payload bytes */
	uint64_t dropped;         /* bytes skipped as torn or corrupt */
	uint64_t cut;             /* of those, cut off the head's tail */
	uint32_t bad_spans;       /* runs of bad bytes */
	uint32_t segments;        /* segments read */
	uint32_t bad_segments;    /* segments with a bad header, dropped whole */
	uint32_t unreadable;      /* segments that could not be read, skipped and kept */
	uint64_t unreadable_seq;  /* the first of them */
	int unreadable_errno;     /* and why */
};

/* Called for each intact record, oldest first. */
typedef void journal_fn(void *ctx, const uint8_t *rec, size_t len);

/* Open the journal in directory DIRFD (kept; closed by journal_close),
 * replay it through FN and say in REP what was found; segments roll over
 * at SEG_MAX bytes (0: JOURNAL_SEG_MAX). 0; -1 with errno when the
 * directory cannot be read (nothing replayed, no journal held); -2 with
 * errno when it was replayed but no head segment can be written (disk
 * full): appends fail until a journal_rewrite_commit() succeeds. */
int journal_open(struct journal *j, int dirfd, uint32_t seg_max, journal_fn *fn, void *ctx,
		 struct journal_report *rep);
/* Append one record (1..JOURNAL_REC_MAX bytes) to the head segment,
 * rolling over to a new one when full: kept in memory until the next
 * journal_flush() (or until JOURNAL_WBUF is full). 0, or -1 with errno
 * (ENOSPC, EIO... from writing what was kept before it). */
int journal_append(struct journal *j, const void *rec, size_t len);
/* write() the records appended since the last flush: the caller's
 * promise that a record is in the file (the page cache) before anyone
 * is sent its message. 0, or -1 with errno: then none of them stays
 * (the head is cut back), or whatever does is a torn tail the next
 * journal_open() cuts. */
int journal_flush(struct journal *j);
static inline bool journal_unflushed(const struct journal *j) { return j->wlen != 0; }
/* Flush, then fsync what was written since the last call (and the
 * directory, after a new or deleted segment). 0, or -1 with errno. */
int journal_sync(struct journal *j);
/* journal_sync(), then close everything. */
void journal_close(struct journal *j);

/* A compaction: a new base segment, written beside the journal under a
 * temporary name, replacing every segment once committed. */
struct journal_rewrite {
	int fd;
	uint64_t seq, size;
	uint32_t salt;
	uint32_t fill;
	uint8_t *buf;           /* records are written in batches */
};
int journal_rewrite_begin(struct journal *j, struct journal_rewrite *w);
int journal_rewrite_add(struct journal_rewrite *w, const void *rec, size_t len);
/* fsync it, rename it into place (the commit point), delete the older
 * segments, and append to it from now on; records appended and not yet
 * flushed are dropped with the old head (the new base is to hold all
 * that is still wanted). On -1 the journal is as before. */
int journal_rewrite_commit(struct journal *j, struct journal_rewrite *w);
void journal_rewrite_abort(struct journal *j, struct journal_rewrite *w);

/* --- the format, for journal.c, its tests and its fuzzer --- */
/* Encode a segment header / a record header into OUT. */
void journal_seg_header(uint8_t out[JOURNAL_SEG_HDR], uint32_t flags, uint64_t seq, uint32_t salt);
void journal_rec_header(uint8_t out[JOURNAL_REC_HDR], uint32_t salt, const void *rec, size_t len);
/* Parse a segment header; false if it is not one. */
bool journal_seg_parse(const uint8_t *buf, size_t len, uint32_t *flags, uint64_t *seq,
		       uint32_t *salt);
/* Replay the records of a segment's body BUF[0..LEN) with SALT: the
 * offset just past its last intact record. */
size_t journal_scan(const uint8_t *buf, size_t len, uint32_t salt, journal_fn *fn, void *ctx,
		    struct journal_report *rep);
