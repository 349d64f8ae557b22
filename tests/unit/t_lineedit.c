/* t_lineedit.c - input line editing, history, the visible window; keys. */
#include "lineedit.h"
#include "term.h"
#include "unit.h"

static void type(struct lineedit *le, const char *s)
{
	while (*s)
		le_key(le, (unsigned char)*s++);
}

UNIT(lineedit_editing_keys)
{
	struct lineedit le;
	le_init(&le);
	type(&le, "abc def");
	le_key(&le, KEY_HOME);
	type(&le, "X");
	CHECK_STR(le.buf, "Xabc def");
	le_key(&le, KEY_END);
	le_key(&le, KEY_LEFT);
	le_key(&le, KEY_BACKSPACE);
	CHECK_STR(le.buf, "Xabc df");
	le_key(&le, KEY_CTRL('A'));
	le_key(&le, KEY_DELETE);
	CHECK_STR(le.buf, "abc df");
	le_key(&le, KEY_CTRL('E'));
	le_key(&le, KEY_CTRL('W'));
	CHECK_STR(le.buf, "abc ");
	le_key(&le, KEY_LEFT);
	le_key(&le, KEY_LEFT);
	le_key(&le, KEY_CTRL('K'));
	CHECK_STR(le.buf, "ab");
	le_key(&le, KEY_CTRL('U'));
	CHECK(le.len == 0 && le.cur == 0);
	CHECK(le_key(&le, '\r') == LE_ENTER);
	CHECK(le_key(&le, 0x01F) == LE_IGNORED);
	le_free(&le);
}

UNIT(lineedit_utf8_backspace_and_bounds)
{
	struct lineedit le;
	le_init(&le);
	type(&le, "e\xcc\x81\xe4\xb8\x96");
	le_key(&le, KEY_BACKSPACE);
	CHECK_STR(le.buf, "e\xcc\x81");
	le_key(&le, KEY_BACKSPACE);
	CHECK(le.len == 0);
	le_key(&le, KEY_BACKSPACE); /* nothing left: harmless */
	le_key(&le, KEY_DELETE);
	for (int i = 0; i < LE_MAX + 10; i++)
		le_key(&le, 'x');
	CHECK(le.len == LE_MAX && le.buf[LE_MAX] == '\0');
	le_free(&le);
}

UNIT(lineedit_history_is_bounded_and_keeps_the_draft)
{
	struct lineedit le;
	char line[8];
	le_init(&le);
	for (int i = 0; i < LE_HIST + 5; i++) {
		line[0] = (char)('A' + i % 26);
		line[1] = (char)('a' + i / 26);
		line[2] = '\0';
		type(&le, line);
		le_accept(&le);
	}
	CHECK(le.nhist == LE_HIST);
	type(&le, "draft");
	le_key(&le, KEY_UP);
	CHECK_STR(le.buf, line);
	for (int i = 0; i < LE_HIST + 3; i++)
		le_key(&le, KEY_UP);
	CHECK_STR(le.buf, "Fa"); /* the oldest kept: the first five were dropped */
	for (int i = 0; i < LE_HIST + 3; i++)
		le_key(&le, KEY_DOWN);
	CHECK_STR(le.buf, "draft");
	le_free(&le);
}

UNIT(lineedit_view_keeps_the_cursor_visible)
{
	struct lineedit le;
	size_t start, n, col;
	le_init(&le);
	for (int i = 0; i < 30; i++)
		le_key(&le, 'a' + i % 26);
	le_view(&le, 10, &start, &n, &col);
	CHECK(col <= 9 && start + n == le.len && start > 0);
	le_key(&le, KEY_HOME);
	le_view(&le, 10, &start, &n, &col);
	CHECK(start == 0 && col == 0 && n == 10);
	le_free(&le);
}

UNIT(term_key_decoding)
{
	size_t used;
	CHECK(term_key("\033[A", 3, &used) == KEY_UP && used == 3);
	CHECK(term_key("\033OD", 3, &used) == KEY_LEFT && used == 3);
	CHECK(term_key("\033[3~x", 5, &used) == KEY_DELETE && used == 4);
	CHECK(term_key("\033[1~", 4, &used) == KEY_HOME);
	CHECK(term_key("\033[4~", 4, &used) == KEY_END);
	CHECK(term_key("\033[5~", 4, &used) == KEY_PGUP);
	CHECK(term_key("\033[1;5C", 6, &used) == KEY_RIGHT && used == 6);
	CHECK(term_key("\033[3;5~", 6, &used) == KEY_DELETE);
	CHECK(term_key("\033[", 2, &used) == -1);
	CHECK(term_key("\033", 1, &used) == -1);
	CHECK(term_key("\033x", 2, &used) == KEY_ESC && used == 1);
	CHECK(term_key("\177", 1, &used) == KEY_BACKSPACE);
	CHECK(term_key("\xc3", 1, &used) == 0xC3 && used == 1);
	CHECK(term_key("\033[99999999999999999999", 22, &used) == KEY_UNKNOWN);
}
