/* textsafe.c - what may reach a terminal or a log (see textsafe.h). */
#include "textsafe.h"

#include <stdint.h>
#include <string.h>

#include "utf8.h"

/* Code points no terminal or log should get from the network. */
static bool cp_unsafe(uint32_t cp)
{
	return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) ||
	       (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

/* Bytes of the IRC formatting code at S (one of ^B ^C ^D ^O ^R ^V ^Q ^]
 * ^^ ^_ with its arguments), or 0 when S starts none. ^C takes up to two
 * digits, then optionally ",bg" with up to two digits; ^D (hex colour)
 * takes six hex digits likewise. */
static size_t irc_format_len(const char *s, size_t n)
{
	static const char toggles[] = "\x02\x0f\x11\x12\x16\x1d\x1e\x1f";
	size_t i = 1, max;
	const char *digits;

	if (s[0] == '\x03')
		max = 2, digits = "0123456789";
	else if (s[0] == '\x04')
		max = 6, digits = "0123456789abcdefABCDEF";
	else
		return s[0] && memchr(toggles, s[0], sizeof(toggles) - 1) ? 1 : 0;
	for (int part = 0; part < 2; part++) {
		size_t start = i;
		while (i < n && i - start < max && s[i] && strchr(digits, s[i]))
			i++;
		/* after the background, or a comma with no colour after it: text */
		if (part == 1 || i == start || i + 1 >= n || s[i] != ',' || !s[i + 1] ||
		    !strchr(digits, s[i + 1]))
			break;
		i++;
	}
	return i;
}

size_t text_safe(char *dst, size_t size, const char *src, size_t len, unsigned flags)
{
	size_t out = 0, i = 0;

	while (i < len) {
		uint32_t cp;
		size_t step;
		const char *bytes = src + i;
		char tab = ' ';

		if ((flags & TS_NO_IRC_FORMAT) && (step = irc_format_len(src + i, len - i)) > 0) {
			i += step;
			continue;
		}
		step = utf8_decode(src + i, len - i, &cp);
		i += step;
		if (cp == '\t') {
			if (flags & TS_TAB_TO_SPACE)
				bytes = &tab;
		} else if (cp_unsafe(cp)) {
			continue;
		}
		if (cp == UTF8_BAD && !(step == 3 && memcmp(bytes, "\xef\xbf\xbd", 3) == 0))
			bytes = "\xef\xbf\xbd", step = 3;
		if (out + step >= size)
			break;
		memcpy(dst + out, bytes, step);
		out += step;
	}
	dst[out] = '\0';
	return out;
}

size_t text_safe_str(char *dst, size_t size, const char *src, unsigned flags)
{
	return text_safe(dst, size, src, strlen(src), flags);
}

bool text_is_safe(const char *s, size_t len)
{
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t step = utf8_decode(s + i, len - i, &cp);
		if (cp_unsafe(cp) || (cp == UTF8_BAD && !(step == 3 && memcmp(s + i, "\xef\xbf\xbd", 3) == 0)))
			return false;
		i += step;
	}
	return true;
}
