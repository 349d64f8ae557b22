/* t_num.c - core/util.c's num_scan, which stands in for strtoul/strtoull
 * (and parse_uint built on it): digits in base 10 and 16, where the scan
 * stops, the value held at MAX past it, and what is not a number. For
 * digit strings the values are strtoull's too (checked against glibc's on
 * the host); unlike it, a sign, space or "0x" is no digit here. */
#include <stdint.h>

#include "chatbox.h"
#include "unit.h"

/* A scan that must succeed: the value it reads and how far. */
static bool scan(const char *s, unsigned base, uint64_t max, uint64_t want, size_t used)
{
	const char *p = s;
	uint64_t v = 12345;
	return num_scan(&p, base, max, &v) && v == want && (size_t)(p - s) == used;
}

#define YES(s, base, max, want, used) CHECK(scan(s, base, max, want, used))

/* A scan that must fail: the value it holds and how far it read. */
static bool fails(const char *s, unsigned base, uint64_t max, uint64_t want, size_t used)
{
	const char *p = s;
	uint64_t v = 12345;
	return !num_scan(&p, base, max, &v) && v == want && (size_t)(p - s) == used;
}

UNIT(num_scan_decimal)
{
	YES("0", 10, UINT64_MAX, 0, 1);
	YES("302", 10, UINT64_MAX, 302, 3);
	YES("007", 10, UINT64_MAX, 7, 3);
	YES("42 rest", 10, UINT64_MAX, 42, 2);
	YES("12abc", 10, UINT64_MAX, 12, 2);
	YES("18446744073709551615", 10, UINT64_MAX, UINT64_MAX, 20);
	YES("4294967295", 10, UINT32_MAX, UINT32_MAX, 10);
	YES("1000", 10, 1000, 1000, 4);
	YES("0000000000000000000000001", 10, 1, 1, 25);
	YES("9a", 10, UINT64_MAX, 9, 1);
}

UNIT(num_scan_overflow_holds_at_max)
{
	CHECK(fails("18446744073709551616", 10, UINT64_MAX, UINT64_MAX, 20));
	CHECK(fails("99999999999999999999999", 10, UINT64_MAX, UINT64_MAX, 23));
	CHECK(fails("4294967296", 10, UINT32_MAX, UINT32_MAX, 10));
	CHECK(fails("1001", 10, 1000, 1000, 4));
	CHECK(fails("5", 10, 0, 0, 1));
	CHECK(fails("1001$", 10, 1000, 1000, 4));
	CHECK(fails("10000000000000000", 16, UINT64_MAX, UINT64_MAX, 17));
}

UNIT(num_scan_not_a_number)
{
	CHECK(fails("", 10, UINT64_MAX, 0, 0));
	CHECK(fails("x", 10, UINT64_MAX, 0, 0));
	CHECK(fails("-1", 10, UINT64_MAX, 0, 0));
	CHECK(fails("+1", 10, UINT64_MAX, 0, 0));
	CHECK(fails(" 1", 10, UINT64_MAX, 0, 0));
	CHECK(fails(":", 10, UINT64_MAX, 0, 0));
	CHECK(fails("/", 10, UINT64_MAX, 0, 0));
	CHECK(fails("g", 16, UINT64_MAX, 0, 0));
	CHECK(fails("\xb0", 10, UINT64_MAX, 0, 0));
}

UNIT(num_scan_hex)
{
	YES("40", 16, UINT32_MAX, 0x40, 2);
	YES("ff", 16, UINT64_MAX, 255, 2);
	YES("FF", 16, UINT64_MAX, 255, 2);
	YES("aBcDeF", 16, UINT64_MAX, 0xabcdef, 6);
	YES("ffffffffffffffff", 16, UINT64_MAX, UINT64_MAX, 16);
	YES("80 lo", 16, 255, 128, 2);
	YES("0x10", 16, UINT64_MAX, 0, 1);
	YES("9g", 16, UINT64_MAX, 9, 1);
	CHECK(fails("@`", 16, UINT64_MAX, 0, 0));
}

UNIT(parse_uint_bounds_and_junk)
{
	unsigned long v = 7;
	CHECK(parse_uint("6667", 0, 65535, &v) && v == 6667);
	CHECK(parse_uint("0", 0, 65535, &v) && v == 0);
	CHECK(parse_uint("65535", 0, 65535, &v) && v == 65535);
	CHECK(parse_uint("4294967295", 0, 0xffffffffUL, &v) && v == 0xffffffffUL);
	v = 7;
	CHECK(!parse_uint("65536", 0, 65535, &v) && v == 7);
	CHECK(!parse_uint("4294967296", 0, 0xffffffffUL, &v) && v == 7);
	CHECK(!parse_uint("99999999999999999999", 0, 0xffffffffUL, &v) && v == 7);
	CHECK(!parse_uint("0", 1, 10, &v) && v == 7);
	CHECK(!parse_uint("", 0, 10, &v));
	CHECK(!parse_uint(NULL, 0, 10, &v));
	CHECK(!parse_uint("5x", 0, 10, &v));
	CHECK(!parse_uint("5 ", 0, 10, &v));
	CHECK(!parse_uint(" 5", 0, 10, &v));
	CHECK(!parse_uint("+5", 0, 10, &v));
	CHECK(!parse_uint("-0", 0, 10, &v));
	CHECK(!parse_uint("1", 1, 0, &v) && v == 7);
}
