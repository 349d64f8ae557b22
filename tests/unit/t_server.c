/* t_server.c - chat-server's rules for names (applets/server/actions.c):
 * a room or a nick is refused, not cleaned, when a terminal would not show
 * it as it is. */
#include "server/server.h"
#include "unit.h"

UNIT(server_room_names_refuse_what_a_terminal_hides)
{
	CHECK(room_name_ok("#lobby"));
	CHECK(room_name_ok("#caf\xc3\xa9")); /* UTF-8 letters are fine */
	CHECK(!room_name_ok("#a\x1b[5m"));    /* ESC */
	CHECK(!room_name_ok("#a\x7f"));       /* DEL */
	CHECK(!room_name_ok("#a\x9b"));       /* raw C1: invalid UTF-8 */
	CHECK(!room_name_ok("#a\xc2\x9b"));   /* U+009B */
	CHECK(!room_name_ok("#a\xe2\x80\xae")); /* U+202E RLO */
	CHECK(!room_name_ok("#a\xe2\x81\xa7")); /* U+2067 RLI */
	CHECK(!room_name_ok("#a\xc0\xaf"));   /* overlong */
	CHECK(!room_name_ok("#a\xe2\x82"));   /* cut */
	CHECK(!room_name_ok("lobby"));
	CHECK(!room_name_ok("#a,b"));
}

UNIT(server_nicks_refuse_what_a_terminal_hides)
{
	CHECK(nick_valid("ana"));
	CHECK(nick_valid("[bo]_2"));
	CHECK(!nick_valid("a\x1b"));
	CHECK(!nick_valid("a\xc2\x9b"));
	CHECK(!nick_valid("a\xe2\x80\xae"));
	CHECK(!nick_valid(""));
	CHECK(!nick_valid("2ana"));
}
