/* t_printf.c - core/printf.c, which stands in for libc's printf family:
 * what C11 7.21.6.1 says each supported conversion prints, truncation and
 * the return value; and core/strftime.c's C-locale conversions. On every
 * board, so MIPS big-endian and 32-bit longs are covered too. */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "unit.h"

static char buf[128];

#define FMT(want, ...)                                                          \
	do {                                                                    \
		int n_ = snprintf(buf, sizeof(buf), __VA_ARGS__);               \
		unit_check(n_ == (int)strlen(want) && strcmp(buf, want) == 0,   \
			   #__VA_ARGS__ " == " #want, __FILE__, __LINE__);      \
	} while (0)

UNIT(printf_integers)
{
	FMT("-42", "%d", -42);
	FMT("  -42", "%5d", -42);
	FMT("-42  |", "%-5d|", -42);
	FMT("-0042", "%05d", -42);
	FMT("+5  5", "%+d % d", 5, 5);
	FMT("007", "%.3d", 7);
	FMT("", "%.0d", 0);
	FMT("  007", "%5.3d", 7);
	FMT("ff FF 0xff 10 010", "%x %X %#x %o %#o", 255u, 255u, 255u, 8u, 8u);
	FMT("44 4464", "%hhu %hd", 300, 70000);
	FMT("-9223372036854775808", "%lld", LLONG_MIN);
	FMT("18446744073709551615", "%llu", ULLONG_MAX);
	FMT("4294967295", "%lu", (unsigned long)UINT32_MAX);
	FMT("123 -1", "%zu %td", (size_t)123, (ptrdiff_t)-1);
	FMT("18446744073709551615", "%ju", UINTMAX_MAX);
	FMT("   3", "%*d", 4, 3);
	FMT("3   |", "%*d|", -4, 3);
	FMT("0", "%u", 0u);
	FMT("0", "%#x", 0u);
}

UNIT(printf_strings_and_the_rest)
{
	FMT("abc", "%s", "abc");
	FMT("ab", "%.2s", "abcd");
	FMT("ab", "%.*s", 2, "abcd");
	FMT("  abc|abc  |", "%5s|%-5s|", "abc", "abc");
	FMT("x%y", "%c%%%c", 'x', 'y');
	errno = ENOENT;
	FMT(strerror(ENOENT), "%m");
	int n = -1;
	FMT("abc", "abc%n", &n);
	CHECK(n == 3);
	CHECK(snprintf(buf, sizeof(buf), "%p", (void *)buf) > 2 && !strncmp(buf, "0x", 2));
}

UNIT(printf_truncates_and_counts)
{
	char small[4];
	CHECK(snprintf(small, sizeof(small), "hello") == 5 && !strcmp(small, "hel"));
	CHECK(snprintf(small, 1, "%d", 12345) == 5 && small[0] == '\0');
	CHECK(snprintf(NULL, 0, "%d-%s", 123, "ab") == 6);
	memset(small, 'z', sizeof(small));
	CHECK(snprintf(small, sizeof(small), "%05d", 42) == 5 && !strcmp(small, "000"));
}

UNIT(strftime_c_locale)
{
	/* 2026-03-04 05:06:07 UTC, a Wednesday, day 63 of the year */
	struct tm tm = { .tm_year = 126, .tm_mon = 2, .tm_mday = 4, .tm_hour = 5,
			 .tm_min = 6, .tm_sec = 7, .tm_wday = 3, .tm_yday = 62 };
	char out[64];
	CHECK(strftime(out, sizeof(out), "%Y-%m-%dT%H:%M:%S", &tm) == 19);
	CHECK_STR(out, "2026-03-04T05:06:07");
	CHECK(strftime(out, sizeof(out), "%a %b %e %j %%", &tm) > 0);
	CHECK_STR(out, "Wed Mar  4 063 %");
	CHECK(strftime(out, sizeof(out), "%H:%M", &tm) == 5);
	CHECK_STR(out, "05:06");
	CHECK(strftime(out, 5, "%H:%M", &tm) == 0); /* does not fit: 0 */
}
