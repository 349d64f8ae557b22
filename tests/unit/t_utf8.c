/* t_utf8.c - UTF-8 decoding, display width, cursor steps. */
#include "unit.h"
#include "utf8.h"

UNIT(utf8_decode_valid_and_malformed)
{
	uint32_t cp;
	CHECK(utf8_decode("A", 1, &cp) == 1 && cp == 'A');
	CHECK(utf8_decode("\xc3\xa9", 2, &cp) == 2 && cp == 0xE9);
	CHECK(utf8_decode("\xe4\xb8\x96", 3, &cp) == 3 && cp == 0x4E16);
	CHECK(utf8_decode("\xf0\x9f\x98\x80", 4, &cp) == 4 && cp == 0x1F600);
	CHECK(utf8_decode("\xe4\xb8", 2, &cp) == 1 && cp == UTF8_BAD);     /* truncated */
	CHECK(utf8_decode("\xc0\xaf", 2, &cp) == 1 && cp == UTF8_BAD);     /* overlong */
	CHECK(utf8_decode("\xed\xa0\x80", 3, &cp) == 1 && cp == UTF8_BAD); /* surrogate */
	CHECK(utf8_decode("\xf4\x90\x80\x80", 4, &cp) == 1 && cp == UTF8_BAD);
	CHECK(utf8_decode("\x80", 1, &cp) == 1 && cp == UTF8_BAD);
	CHECK(utf8_decode("\xc3(", 2, &cp) == 1 && cp == UTF8_BAD);
}

UNIT(utf8_widths)
{
	CHECK(utf8_cp_width('a') == 1);
	CHECK(utf8_cp_width(0x1B) == -1 && utf8_cp_width(0x9B) == -1);
	CHECK(utf8_cp_width(0x301) == 0);   /* combining acute */
	CHECK(utf8_cp_width(0x200B) == 0);  /* zero width space */
	CHECK(utf8_cp_width(0x4E16) == 2);  /* CJK */
	CHECK(utf8_cp_width(0xAC00) == 2);  /* Hangul */
	CHECK(utf8_cp_width(0x1F600) == 2); /* emoji */
	CHECK(utf8_cp_width(0xE9) == 1);
	CHECK(utf8_width("h\xc3\xa9 \xe4\xb8\x96" "e\xcc\x81", 10) == 6);
}

UNIT(utf8_cursor_steps_over_combining_marks)
{
	const char *s = "ae\xcc\x81\xe4\xb8\x96"; /* a, e + U+0301, U+4E16 */
	size_t n = 7;
	CHECK(utf8_next(s, n, 0) == 1);
	CHECK(utf8_next(s, n, 1) == 4);
	CHECK(utf8_next(s, n, 4) == 7);
	CHECK(utf8_next(s, n, 7) == 7);
	CHECK(utf8_prev(s, n, n) == 4);
	CHECK(utf8_prev(s, n, 4) == 1);
	CHECK(utf8_prev(s, n, 1) == 0);
	CHECK(utf8_prev(s, n, 0) == 0);
	CHECK(utf8_fit(s, n, 2) == 4);  /* a and e+accent */
	CHECK(utf8_fit(s, n, 3) == 4);  /* the wide one needs 2 more */
	CHECK(utf8_fit(s, n, 4) == n);
}

UNIT(utf8_cut_keeps_whole_characters)
{
	static const char s[] = "ab\xc3\xa9\xe4\xb8\x96\xf0\x9f\x98\x80z"; /* a b é 世 😀 z */
	size_t n = sizeof(s) - 1;
	CHECK(utf8_cut(s, n, 100) == n);
	CHECK(utf8_cut(s, n, 2) == 2);
	CHECK(utf8_cut(s, n, 3) == 2);  /* not half an é */
	CHECK(utf8_cut(s, n, 4) == 4);
	CHECK(utf8_cut(s, n, 6) == 4);  /* not two thirds of 世 */
	CHECK(utf8_cut(s, n, 8) == 7);
	CHECK(utf8_cut(s, n, 10) == 7); /* not three quarters of 😀 */
	CHECK(utf8_cut(s, n, 11) == 11);
	CHECK(utf8_cut("a\x80\x80\x80\x80" "b", 6, 3) == 3); /* stray continuation bytes: cut anywhere */
	CHECK(utf8_cut("a\xc3(", 3, 2) == 2);
	CHECK(utf8_cut("\xe4\xb8\x96", 3, 0) == 0);
}
