/* utf8.c - UTF-8 decoding and display width. */
#include "utf8.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

size_t utf8_decode(const char *str, size_t n, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	static const uint32_t min[4] = { 0, 0x80, 0x800, 0x10000 };
	size_t len;
	uint32_t c = s[0];

	*cp = UTF8_BAD;
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF)
		len = 2, c &= 0x1F;
	else if (c >= 0xE0 && c <= 0xEF)
		len = 3, c &= 0x0F;
	else if (c >= 0xF0 && c <= 0xF4)
		len = 4, c &= 0x07;
	else
		return 1;
	if (n < len)
		return 1;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 1;
		c = c << 6 | (s[i] & 0x3F);
	}
	if (c < min[len - 1] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 1;
	*cp = c;
	return len;
}

struct range {
	uint32_t lo, hi;
};

/* Combining marks and zero-width characters (the common blocks). */
static const struct range zero_width[] = {
	{ 0x0300, 0x036F }, { 0x0483, 0x0489 }, { 0x0591, 0x05BD }, { 0x05BF, 0x05C7 },
	{ 0x0610, 0x061A }, { 0x064B, 0x065F }, { 0x0670, 0x0670 }, { 0x06D6, 0x06ED },
	{ 0x0900, 0x0903 }, { 0x093A, 0x094F }, { 0x0951, 0x0957 }, { 0x0E31, 0x0E31 },
	{ 0x0E34, 0x0E3A }, { 0x0E47, 0x0E4E }, { 0x1AB0, 0x1AFF }, { 0x1DC0, 0x1DFF },
	{ 0x200B, 0x200F }, { 0x202A, 0x202E }, { 0x2060, 0x2064 }, { 0x20D0, 0x20FF },
	{ 0x302A, 0x302F }, { 0x3099, 0x309A }, { 0xFE00, 0xFE0F }, { 0xFE20, 0xFE2F },
	{ 0xFEFF, 0xFEFF }, { 0x1F3FB, 0x1F3FF }, { 0xE0000, 0xE01EF },
};

/* East Asian Wide and Fullwidth, and the emoji blocks terminals draw wide. */
static const struct range wide[] = {
	{ 0x1100, 0x115F }, { 0x231A, 0x231B }, { 0x2329, 0x232A }, { 0x23E9, 0x23EC },
	{ 0x23F0, 0x23F0 }, { 0x23F3, 0x23F3 }, { 0x25FD, 0x25FE }, { 0x2614, 0x2615 },
	{ 0x2648, 0x2653 }, { 0x267F, 0x267F }, { 0x2693, 0x2693 }, { 0x26A1, 0x26A1 },
	{ 0x26AA, 0x26AB }, { 0x26BD, 0x26BE }, { 0x26C4, 0x26C5 }, { 0x26CE, 0x26CE },
	{ 0x26D4, 0x26D4 }, { 0x26EA, 0x26EA }, { 0x26F2, 0x26F5 }, { 0x26FA, 0x26FD },
	{ 0x2705, 0x2705 }, { 0x270A, 0x270B }, { 0x2728, 0x2728 }, { 0x274C, 0x274C },
	{ 0x2753, 0x2755 }, { 0x2757, 0x2757 }, { 0x2795, 0x2797 }, { 0x27B0, 0x27B0 },
	{ 0x2B1B, 0x2B1C }, { 0x2B50, 0x2B50 }, { 0x2B55, 0x2B55 }, { 0x2E80, 0x303E },
	{ 0x3041, 0x33FF }, { 0x3400, 0x4DBF }, { 0x4E00, 0x9FFF }, { 0xA000, 0xA4CF },
	{ 0xA960, 0xA97F }, { 0xAC00, 0xD7A3 }, { 0xF900, 0xFAFF }, { 0xFE10, 0xFE19 },
	{ 0xFE30, 0xFE6F }, { 0xFF00, 0xFF60 }, { 0xFFE0, 0xFFE6 }, { 0x16FE0, 0x18CFF },
	{ 0x1B000, 0x1B2FF }, { 0x1F004, 0x1F004 }, { 0x1F0CF, 0x1F0CF }, { 0x1F18E, 0x1F18E },
	{ 0x1F191, 0x1F19A }, { 0x1F200, 0x1F2FF }, { 0x1F300, 0x1F320 }, { 0x1F32D, 0x1F335 },
	{ 0x1F337, 0x1F37C }, { 0x1F37E, 0x1F393 }, { 0x1F3A0, 0x1F3CA }, { 0x1F3CF, 0x1F3D3 },
	{ 0x1F3E0, 0x1F3F0 }, { 0x1F3F4, 0x1F3F4 }, { 0x1F3F8, 0x1F43E }, { 0x1F440, 0x1F440 },
	{ 0x1F442, 0x1F4FC }, { 0x1F4FF, 0x1F53D }, { 0x1F54B, 0x1F54E }, { 0x1F550, 0x1F567 },
	{ 0x1F57A, 0x1F57A }, { 0x1F595, 0x1F596 }, { 0x1F5A4, 0x1F5A4 }, { 0x1F5FB, 0x1F64F },
	{ 0x1F680, 0x1F6C5 }, { 0x1F6CC, 0x1F6CC }, { 0x1F6D0, 0x1F6D2 }, { 0x1F6D5, 0x1F6D7 },
	{ 0x1F6EB, 0x1F6EC }, { 0x1F6F4, 0x1F6FC }, { 0x1F7E0, 0x1F7EB }, { 0x1F90C, 0x1F93A },
	{ 0x1F93C, 0x1F945 }, { 0x1F947, 0x1F9FF }, { 0x1FA70, 0x1FAFF }, { 0x20000, 0x2FFFD },
	{ 0x30000, 0x3FFFD },
};

static bool in_table(uint32_t cp, const struct range *t, size_t n)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (cp > t[mid].hi)
			lo = mid + 1;
		else if (cp < t[mid].lo)
			hi = mid;
		else
			return true;
	}
	return false;
}

int utf8_cp_width(uint32_t cp)
{
	if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
		return -1;
	if (cp < 0x300)
		return 1;
	if (in_table(cp, zero_width, sizeof(zero_width) / sizeof(zero_width[0])))
		return 0;
	if (in_table(cp, wide, sizeof(wide) / sizeof(wide[0])))
		return 2;
	return 1;
}

size_t utf8_width(const char *s, size_t n)
{
	size_t cols = 0;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		i += utf8_decode(s + i, n - i, &cp);
		int w = utf8_cp_width(cp);
		cols += w < 0 ? 1 : (size_t)w;
	}
	return cols;
}

static bool zero_width_at(const char *s, size_t len, size_t pos, size_t *used)
{
	uint32_t cp;
	*used = utf8_decode(s + pos, len - pos, &cp);
	return utf8_cp_width(cp) == 0;
}

size_t utf8_next(const char *s, size_t len, size_t pos)
{
	size_t used;
	if (pos >= len)
		return len;
	zero_width_at(s, len, pos, &used);
	pos += used;
	while (pos < len && zero_width_at(s, len, pos, &used))
		pos += used;
	return pos;
}

size_t utf8_prev(const char *s, size_t len, size_t pos)
{
	/* Walk from the start: lines are short, and it is always correct. */
	size_t p = 0, last = 0;
	while (p < pos && p < len) {
		last = p;
		p = utf8_next(s, len, p);
	}
	return last;
}

size_t utf8_fit(const char *s, size_t n, size_t cols)
{
	size_t p = 0, used = 0;
	while (p < n) {
		size_t q = utf8_next(s, n, p);
		size_t w = utf8_width(s + p, q - p);
		if (used + w > cols)
			break;
		used += w;
		p = q;
	}
	return p;
}

size_t utf8_cut(const char *s, size_t n, size_t max)
{
	size_t lead = max;
	uint32_t cp;

	if (n <= max)
		return n;
	/* Back from the first byte left out to the start of its character. */
	while (lead > 0 && max - lead < 3 && ((unsigned char)s[lead] & 0xc0) == 0x80)
		lead--;
	if (lead < max && lead + utf8_decode(s + lead, n - lead, &cp) > max)
		return lead;
	return max;
}

char *utf8_strndup(const char *s, size_t max)
{
	return strndup(s, utf8_cut(s, strnlen(s, max + 4), max));
}
