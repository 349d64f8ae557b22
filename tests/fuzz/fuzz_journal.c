/* fuzz_journal.c - libFuzzer harness: the journal reader (core/journal.c),
 * which at start-up reads whatever is in the state directory (-D).
 *
 * The first byte picks a mode:
 *   even: the rest is a segment as found on disk: its header is parsed,
 *     its body scanned with the header's salt (or 0). Checked: every
 *     replayed record lies inside the input, is 1..JOURNAL_REC_MAX bytes,
 *     and records plus dropped bytes add up to the body exactly; the end
 *     of the last intact record is within the body.
 *   odd: the rest is cut into payloads (a length byte, then that many
 *     bytes), encoded as intact records, then damaged at the offsets the
 *     last bytes name. Checked as above, and with no damage every payload
 *     comes back, in order, byte for byte.
 * Then the same bytes go through journal_open() as a real segment file in
 * a scratch directory, so the file side (listing, reading, cutting the
 * tail) sees them too. ASan and UBSan watch all of it. */
#include "crc32.h"
#include "journal.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define BODY_MAX 65536

struct check {
	const uint8_t *lo, *hi;
	const uint8_t *want;   /* the payloads in order, each after its length byte; NULL: any */
	size_t want_len, at;
	uint64_t bytes;
};

static void on_record(void *ctx, const uint8_t *rec, size_t len)
{
	struct check *c = ctx;
	if (len == 0 || len > JOURNAL_REC_MAX || rec < c->lo || rec + len > c->hi)
		abort();
	c->bytes += JOURNAL_REC_HDR + len;
	if (!c->want)
		return;
	if (c->at >= c->want_len || c->want[c->at] != len || c->at + 1 + len > c->want_len ||
	    memcmp(c->want + c->at + 1, rec, len) != 0)
		abort();
	c->at += 1 + len;
}

static void scan(const uint8_t *buf, size_t len, uint32_t salt, struct check *c)
{
	struct journal_report rep = { 0 };
	c->lo = buf;
	c->hi = buf + len;
	size_t end = journal_scan(buf, len, salt, on_record, c, &rep);
	if (end > len || c->bytes + rep.dropped != len)
		abort();
}

/* Payloads from the input as intact records, then damaged; true if undamaged. */
static bool build(const uint8_t *d, size_t n, uint8_t *body, size_t *len, uint8_t *want,
		  size_t *want_len)
{
	size_t flips = n ? d[n - 1] % 4 : 0, i = 0;
	*len = *want_len = 0;
	n = n > flips * 2 + 1 ? n - flips * 2 - 1 : 0;
	while (i < n) {
		size_t l = d[i++] % 200 + 1;
		if (l > n - i || *len + JOURNAL_REC_HDR + l > BODY_MAX)
			break;
		journal_rec_header(body + *len, 0x5EED, d + i, l);
		memcpy(body + *len + JOURNAL_REC_HDR, d + i, l);
		want[(*want_len)++] = (uint8_t)l;
		memcpy(want + *want_len, d + i, l);
		*want_len += l;
		*len += JOURNAL_REC_HDR + l;
		i += l;
	}
	for (size_t f = 0; f < flips && *len; f++) {
		const uint8_t *p = d + n + 2 * f;
		body[(p[0] << 8 | p[1]) % *len] ^= (uint8_t)(p[0] | 1);
	}
	return flips == 0 || *len == 0;
}

/* Empty and remove the scratch directory (no shell: thousands of runs a second). */
static void remove_all(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char p[96];
	while (d && (de = readdir(d)))
		if (de->d_name[0] != '.') {
			snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
			if (unlink(p) != 0)
				abort();
		}
	if (d)
		closedir(d);
	if (rmdir(dir) != 0)
		abort();
}

static void through_files(const uint8_t *seg, size_t len)
{
	char dir[] = "/tmp/fuzz_journal-XXXXXX", path[64];
	struct journal j;
	struct journal_report rep;
	int fd;

	if (!mkdtemp(dir))
		return;
	snprintf(path, sizeof(path), "%s/0000000000000001.jnl", dir);
	fd = open(path, O_WRONLY | O_CREAT, 0600);
	if (fd >= 0 && write(fd, seg, len) == (ssize_t)len && close(fd) == 0) {
		int dfd = open(dir, O_RDONLY | O_DIRECTORY);
		if (dfd >= 0 && journal_open(&j, dfd, 0, NULL, NULL, &rep) == 0) {
			if (journal_append(&j, "after", 5) != 0)
				abort(); /* a head is always writable after recovery */
			journal_close(&j);
		} else if (dfd >= 0) {
			close(dfd);
		}
	} else if (fd >= 0) {
		close(fd);
	}
	remove_all(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t body[JOURNAL_SEG_HDR + BODY_MAX], want[BODY_MAX];
	struct check c = { 0 };
	uint32_t flags, salt = 0;
	uint64_t seq;
	size_t len, want_len;

	if (size < 1 || size > BODY_MAX)
		return 0;
	if (!(data[0] & 1)) {
		bool hdr = journal_seg_parse(data + 1, size - 1, &flags, &seq, &salt);
		size_t skip = hdr ? JOURNAL_SEG_HDR : 0;
		scan(data + 1 + skip, size - 1 - skip, salt, &c);
		through_files(data + 1, size - 1);
		return 0;
	}
	journal_seg_header(body, JOURNAL_BASE, 1, 0x5EED);
	bool intact = build(data + 1, size - 1, body + JOURNAL_SEG_HDR, &len, want, &want_len);
	c.want = intact ? want : NULL;
	c.want_len = want_len;
	scan(body + JOURNAL_SEG_HDR, len, 0x5EED, &c);
	if (intact && c.at != want_len)
		abort(); /* an undamaged journal gives back every record */
	through_files(body, JOURNAL_SEG_HDR + len);
	return 0;
}
