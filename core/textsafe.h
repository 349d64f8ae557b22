/* textsafe.h - the one policy for text from the network that reaches a
 * terminal or a log.
 *
 * Anyone on the LAN can put bytes into a nick, a topic, a room name, an
 * mDNS instance name or an ERROR line. Before such text is printed, drawn
 * or logged, it goes through text_safe(), which
 *   - drops C0 controls (0x00-0x1f) except TAB, and DEL (0x7f);
 *   - drops C1 controls encoded as UTF-8 (U+0080-U+009F); a raw C1 byte
 *     (0x80-0x9f) is invalid UTF-8, so it becomes U+FFFD like any other;
 *   - drops the bidi embedding, override and isolate controls
 *     U+202A-U+202E and U+2066-U+2069, which reorder what follows them;
 *   - replaces every byte of invalid UTF-8 with U+FFFD;
 *   - never cuts a character in two when the output is truncated.
 * IRC clients still get text verbatim on the wire: formatting codes are
 * theirs to render. This is for terminals, plain users and logs.
 *
 * Pure functions: no state, no allocation, unit-tested and fuzzed. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

enum {
	TS_TAB_TO_SPACE = 1 << 0, /* a TAB becomes one space (one-line fields) */
	TS_NO_IRC_FORMAT = 1 << 1, /* also drop IRC formatting: ^B ^C[fg[,bg]] ^O ^R ^V ^] ^_ ^^ ^Q ^D[hex] */
};

/* Write the safe form of SRC (LEN bytes; it may hold NULs) into DST, which
 * has SIZE > 0 bytes, always NUL-terminated. Returns the bytes written
 * (without the NUL). Output that does not fit is cut at a character
 * boundary. DST and SRC must not overlap. */
size_t text_safe(char *dst, size_t size, const char *src, size_t len, unsigned flags);

/* text_safe() of a NUL-terminated string. */
size_t text_safe_str(char *dst, size_t size, const char *src, unsigned flags);

/* True when LEN bytes at S are valid UTF-8 holding nothing text_safe()
 * would drop or replace (TAB counts as unsafe here): the test for names
 * (nicks, rooms) that must be refused rather than cleaned. */
bool text_is_safe(const char *s, size_t len);
