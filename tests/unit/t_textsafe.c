/* t_textsafe.c - the text-safety policy (core/textsafe.c). */
#include "textsafe.h"
#include "unit.h"

static const char *safe(const char *s, size_t n, unsigned flags)
{
	static char out[256];
	text_safe(out, sizeof(out), s, n, flags);
	return out;
}
#define SAFE(lit, flags) safe(lit, sizeof(lit) - 1, flags)

UNIT(textsafe_drops_c0_and_del_keeps_tab)
{
	CHECK_STR(SAFE("a\x1b[2Jb", 0), "a[2Jb");
	CHECK_STR(SAFE("\x07\x08\r\nx\x7f", 0), "x");
	CHECK_STR(SAFE("a\tb", 0), "a\tb");
	CHECK_STR(SAFE("a\tb", TS_TAB_TO_SPACE), "a b");
	CHECK_STR(SAFE("a\0b", 0), "ab"); /* a NUL inside the length is dropped, not an end */
}

UNIT(textsafe_drops_c1_raw_and_encoded)
{
	CHECK_STR(SAFE("a\x9b" "31mb", 0), "a\xef\xbf\xbd" "31mb"); /* raw CSI: invalid */
	CHECK_STR(SAFE("a\xc2\x9b" "31mb", 0), "a31mb"); /* U+009B */
	CHECK_STR(SAFE("\xc2\x80\xc2\x9f|\xc2\xa0", 0), "|\xc2\xa0"); /* U+00A0 stays */
}

UNIT(textsafe_drops_bidi_controls)
{
	CHECK_STR(SAFE("x\xe2\x80\xaey\xe2\x80\xaa", 0), "xy");        /* U+202E, U+202A */
	CHECK_STR(SAFE("\xe2\x81\xa6" "a\xe2\x81\xa9", 0), "a");         /* U+2066, U+2069 */
	CHECK_STR(SAFE("\xe2\x80\xa9\xe2\x81\xaa", 0), "\xe2\x80\xa9\xe2\x81\xaa"); /* neighbours stay */
}

UNIT(textsafe_replaces_invalid_utf8)
{
	CHECK_STR(SAFE("a\xff" "b", 0), "a\xef\xbf\xbd" "b");
	CHECK_STR(SAFE("\xc0\xaf", 0), "\xef\xbf\xbd\xef\xbf\xbd");       /* overlong */
	CHECK_STR(SAFE("\xed\xa0\x80", 0), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"); /* surrogate */
	CHECK_STR(SAFE("\xe4\xb8", 0), "\xef\xbf\xbd\xef\xbf\xbd");       /* truncated */
	CHECK_STR(SAFE("h\xc3\xa9 \xe4\xb8\x96 \xf0\x9f\x98\x80", 0), "h\xc3\xa9 \xe4\xb8\x96 \xf0\x9f\x98\x80");
}

UNIT(textsafe_irc_formatting_optional)
{
	CHECK_STR(SAFE("\x02" "b\x02 \x03" "4,12red\x03 \x1dit\x0f", 0), "b 4,12red it");
	CHECK_STR(SAFE("\x02" "b\x02 \x03" "4,12red\x03 \x1dit\x0f", TS_NO_IRC_FORMAT), "b red it");
	CHECK_STR(SAFE("\x03" "12,x", TS_NO_IRC_FORMAT), ",x");  /* comma without colour is text */
	CHECK_STR(SAFE("\x03" "4,5,6 stars", TS_NO_IRC_FORMAT), ",6 stars"); /* one background only */
	CHECK_STR(SAFE("\x03" "123", TS_NO_IRC_FORMAT), "3");    /* two digits at most */
	CHECK_STR(SAFE("\x04" "ff00aaX", TS_NO_IRC_FORMAT), "X");
}

UNIT(textsafe_truncates_on_character_boundary)
{
	char out[5];
	CHECK(text_safe(out, sizeof(out), "ab\xe4\xb8\x96", 5, 0) == 2);
	CHECK_STR(out, "ab");
	CHECK(text_safe(out, sizeof(out), "a\xe4\xb8\x96z", 5, 0) == 4);
	CHECK_STR(out, "a\xe4\xb8\x96");
	CHECK(text_safe(out, 1, "abc", 3, 0) == 0 && out[0] == '\0');
	char small[8];
	CHECK(text_safe_str(small, sizeof(small), "\x1b\x1b\x1b" "abcdefghij", 0) == 7);
	CHECK_STR(small, "abcdefg");
}

UNIT(textsafe_is_safe_for_names)
{
	CHECK(text_is_safe("#lobby", 6));
	CHECK(text_is_safe("caf\xc3\xa9", 5));
	CHECK(!text_is_safe("#a\x1b", 3));
	CHECK(!text_is_safe("#a\tb", 4));
	CHECK(!text_is_safe("#a\xc2\x85", 4));
	CHECK(!text_is_safe("n\xe2\x80\xae", 4));
	CHECK(!text_is_safe("n\xff", 2));
	CHECK(text_is_safe("", 0));
}
