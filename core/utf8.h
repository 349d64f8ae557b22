/* utf8.h - UTF-8 decoding and terminal display width, without a locale.
 * Widths follow Unicode's East Asian Wide/Fullwidth and combining ranges
 * closely enough for chat: 0 for combining marks, 2 for CJK and emoji. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define UTF8_BAD 0xFFFD

/* Decode the code point at S (N > 0 bytes available) into *CP; returns the
 * bytes used (1..4). Malformed, overlong or truncated input gives UTF8_BAD
 * and 1, so every byte is consumed exactly once. */
size_t utf8_decode(const char *s, size_t n, uint32_t *cp);

/* Columns CP takes: 0 (combining, zero width), 1 or 2; -1 for a control. */
int utf8_cp_width(uint32_t cp);

/* Columns the N bytes at S take; controls count as 1 (shown replaced). */
size_t utf8_width(const char *s, size_t n);

/* Cursor steps over a character and the combining marks after it. */
size_t utf8_next(const char *s, size_t len, size_t pos);
size_t utf8_prev(const char *s, size_t len, size_t pos);

/* Bytes of S (N bytes) that fit in COLS columns, ending on a character. */
size_t utf8_fit(const char *s, size_t n, size_t cols);

/* Bytes of S (N bytes) to keep under MAX bytes without splitting a
 * UTF-8 sequence: MAX, or less by a character cut in two there. Invalid
 * bytes count as one-byte characters. For lines capped in bytes (IRC's
 * 512). */
size_t utf8_cut(const char *s, size_t n, size_t max);
/* A malloc'd copy of S cut so (utf8_cut) to at most MAX bytes; NULL if out of memory. */
char *utf8_strndup(const char *s, size_t max);
