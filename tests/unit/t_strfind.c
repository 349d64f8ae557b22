/* t_strfind.c - core/util.c's str_find, which stands in for strstr and
 * strcasestr: C11 7.24.5.7's answers (the first match, the hay itself for
 * an empty needle, NULL for none) and ASCII case folding; the expectations
 * are glibc's strstr and strcasestr's too (checked against them on the host). */
#include <stddef.h>

#include "chatbox.h"
#include "unit.h"

/* Where str_find(HAY, NEEDLE, FOLD) matches, as an offset; -1 for none. */
static long at(const char *hay, const char *needle, bool fold)
{
	const char *p = str_find(hay, needle, fold);
	return p ? (long)(p - hay) : -1;
}

UNIT(str_find_like_strstr)
{
	CHECK(at("http://host", "://", false) == 4);
	CHECK(at("#x :No such channel", " :", false) == 2);
	CHECK(at("a b c", " :", false) == -1);
	CHECK(at("abc", "", false) == 0);
	CHECK(at("", "", false) == 0);
	CHECK(at("", "a", false) == -1);
	CHECK(at("ab", "abc", false) == -1);
	CHECK(at("aaab", "aab", false) == 1);
	CHECK(at("abcabc", "cab", false) == 2);
	CHECK(at("xyz", "z", false) == 2);
	CHECK(at("server-time -echo-message", "echo-message", false) == 13);
	CHECK(at("server-time -echo-message", "-echo-message", false) == 12);
	CHECK(at("Echo-Message", "echo-message", false) == -1);
	CHECK(at("caf\xc3\xa9!", "\xc3\xa9", false) == 3);
}

UNIT(str_find_folding_ascii_case)
{
	CHECK(at("hi BoB, there", "bob", true) == 3);
	CHECK(at("hi bob", "BOB", true) == 3);
	CHECK(at("[bob]", "{bob}", true) == -1);
	CHECK(at("@^_`", "`", true) == 3);
	CHECK(at("ZZ", "zz", true) == 0);
	CHECK(at("\xc3\x89", "\xc3\xa9", true) == -1);
	CHECK(at("bo", "bob", true) == -1);
	CHECK(at("abc", "", true) == 0);
}
