/* t_irc.c - the IRC codec. */
#include "irc.h"
#include "unit.h"

UNIT(irc_parse_full)
{
	char line[] = "@time=2026-01-01T00:00:00.000Z;x=a\\sb :nick!u@h PRIVMSG #room :hello there";
	struct irc_msg m;
	char v[64];
	CHECK(irc_parse(line, &m) == 0);
	CHECK_STR(m.prefix, "nick!u@h");
	CHECK(irc_cmd_is(&m, "PRIVMSG"));
	CHECK(m.nparams == 2);
	CHECK_STR(m.params[0], "#room");
	CHECK_STR(m.params[1], "hello there");
	CHECK(irc_tag_get(m.tags, "x", v, sizeof(v)) && strcmp(v, "a b") == 0);
	CHECK(irc_tag_get(m.tags, "time", v, sizeof(v)) && strcmp(v, "2026-01-01T00:00:00.000Z") == 0);
	CHECK(!irc_tag_get(m.tags, "ti", v, sizeof(v)));
}

UNIT(irc_parse_edge)
{
	char empty[] = "   ", only_prefix[] = ":srv", lower[] = "privmsg a :", many[] =
		"CMD 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16";
	struct irc_msg m;
	CHECK(irc_parse(empty, &m) == -1);
	CHECK(irc_parse(only_prefix, &m) == -1);
	CHECK(irc_parse(lower, &m) == 0 && irc_cmd_is(&m, "PRIVMSG") && m.nparams == 2 &&
	      m.params[1][0] == '\0');
	CHECK(irc_parse(many, &m) == 0 && m.nparams == 15 && strcmp(m.params[14], "15 16") == 0);
}

UNIT(irc_case_and_names)
{
	char k[16];
	CHECK(irc_casecmp("Nick[]", "nick{}") == 0);
	CHECK(irc_casecmp("a", "b") < 0);
	irc_fold(k, "#Lobby^", sizeof(k));
	CHECK_STR(k, "#lobby~");
	CHECK(irc_nick_valid("ana", 9) && irc_nick_valid("[bo]-2", 9));
	CHECK(!irc_nick_valid("2ana", 9) && !irc_nick_valid("a b", 9) && !irc_nick_valid("", 9));
	CHECK(!irc_nick_valid("abcdefghij", 9));
	CHECK(irc_room_valid("#lobby", 50) && !irc_room_valid("lobby", 50));
	CHECK(!irc_room_valid("#a,b", 50) && !irc_room_valid("#", 50));
}

UNIT(irc_glob_masks)
{
	CHECK(irc_glob("*", "") && irc_glob("*", "anything") && irc_glob("", ""));
	CHECK(irc_glob("#MQ*", "#mqx1") && irc_glob("a?c", "ABC") && irc_glob("[x]*", "{X}y"));
	CHECK(!irc_glob("a?c", "ac") && !irc_glob("#mq*", "#other") && !irc_glob("", "a"));
	CHECK(irc_glob("*a*b", "xaxaxb") && !irc_glob("*a*b", "xaxaxc"));
	CHECK(irc_glob("*ab", "aab") && irc_glob("*aab", "aaab") && irc_glob("a*?b", "aXbb"));
	CHECK(irc_glob("a**", "a") && irc_glob("*?", "x") && !irc_glob("*?", ""));
	CHECK(irc_glob("*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaab"));
	CHECK(!irc_glob("*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
}

UNIT(irc_time_format_parse)
{
	char s[IRC_TIME_MAX];
	long long ms = 0;

	CHECK(irc_time_format(1767225600007LL, s));
	CHECK_STR(s, "2026-01-01T00:00:00.007Z");
	CHECK(irc_time_parse(s, &ms) && ms == 1767225600007LL);
	CHECK(irc_time_format(0, s));
	CHECK_STR(s, "1970-01-01T00:00:00.000Z");
	CHECK(!irc_time_format(-1, s) && !s[0]);
}

/* Where irc_time_parse(S) lands, in ms; -1 if it refuses S. */
static long long parsed(const char *s)
{
	long long ms;
	return irc_time_parse(s, &ms) ? ms : -1;
}

/* irc_time_parse counts days itself, not with timegm: the expectations are
 * timegm's (glibc's and Python's calendar.timegm, on the host), leap years
 * of every kind, a day past the month's end and a leap second included. */
UNIT(irc_time_parse_like_timegm)
{
	CHECK(parsed("1970-01-01T00:00:00Z") == 0);
	CHECK(parsed("1970-03-01T00:00:00.001Z") == 5097600001LL);
	CHECK(parsed("1999-12-31T23:59:59Z") == 946684799000LL);
	CHECK(parsed("2000-02-29T12:00:00Z") == 951825600000LL);
	CHECK(parsed("2000-03-01T00:00:00Z") == 951868800000LL);
	CHECK(parsed("2038-01-19T03:14:08Z") == 2147483648000LL);
	CHECK(parsed("2100-02-28T23:59:59Z") == 4107542399000LL);
	CHECK(parsed("2100-03-01T00:00:00Z") == 4107542400000LL);
	CHECK(parsed("2400-02-29T00:00:00Z") == 13574563200000LL);
	CHECK(parsed("2023-02-31T00:00:00Z") == 1677801600000LL);
	CHECK(parsed("2024-02-31T00:00:00Z") == 1709337600000LL);
	CHECK(parsed("2016-12-31T23:59:60Z") == 1483228800000LL);
	CHECK(parsed("9999-12-31T23:59:59.999Z") == 253402300799999LL);
	CHECK(parsed("1969-12-31T23:59:59Z") == -1);
	CHECK(parsed("2024-13-01T00:00:00Z") == -1);
	CHECK(parsed("2024-00-01T00:00:00Z") == -1);
	CHECK(parsed("2024-01-32T00:00:00Z") == -1);
	CHECK(parsed("2024-01-01T24:00:00Z") == -1);
	CHECK(parsed("2024-01-01T00:00:61Z") == -1);
	CHECK(parsed("2024-01-01T00:00:00") == -1);
	CHECK(parsed("2024-01-01T00:00:00.5Z") == -1);
	CHECK(parsed("2024-01-01T00:00:00ZZ") == -1);
	CHECK(parsed("2024-01-01 00:00:00Z") == -1);
	CHECK(parsed("+024-01-01T00:00:00Z") == -1);
}
