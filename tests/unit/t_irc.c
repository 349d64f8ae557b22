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
