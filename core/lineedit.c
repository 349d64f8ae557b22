/* lineedit.c - input line editing and history. */
#include "lineedit.h"
#include "term.h"
#include "utf8.h"

#include <stdlib.h>
#include <string.h>

void le_init(struct lineedit *le)
{
	memset(le, 0, sizeof(*le));
}

void le_free(struct lineedit *le)
{
	for (int i = 0; i < le->nhist; i++)
		free(le->hist[i]);
	le->nhist = le->hpos = 0;
}

static void set_line(struct lineedit *le, const char *s)
{
	size_t n = strlen(s);
	if (n > LE_MAX)
		n = LE_MAX;
	memcpy(le->buf, s, n);
	le->buf[n] = '\0';
	le->len = le->cur = n;
	le->scroll = 0;
}

bool le_insert(struct lineedit *le, const char *s, size_t n)
{
	if (le->len + n > LE_MAX)
		return false;
	memmove(le->buf + le->cur + n, le->buf + le->cur, le->len - le->cur + 1);
	memcpy(le->buf + le->cur, s, n);
	le->len += n;
	le->cur += n;
	return true;
}

/* Remove bytes [from, to) and leave the cursor at FROM. */
static void cut(struct lineedit *le, size_t from, size_t to)
{
	memmove(le->buf + from, le->buf + to, le->len - to + 1);
	le->len -= to - from;
	le->cur = from;
}

size_t le_word_start(const struct lineedit *le)
{
	size_t p = le->cur;
	while (p > 0 && le->buf[p - 1] == ' ')
		p--;
	while (p > 0 && le->buf[p - 1] != ' ')
		p--;
	return p;
}

bool le_replace_before(struct lineedit *le, size_t from, const char *s)
{
	size_t n = strlen(s);
	if (from > le->cur || le->len - (le->cur - from) + n > LE_MAX)
		return false;
	cut(le, from, le->cur);
	return le_insert(le, s, n);
}

static void browse(struct lineedit *le, int dir)
{
	int to = le->hpos + dir;
	if (to < 0 || to > le->nhist)
		return;
	if (le->hpos == le->nhist)
		memcpy(le->draft, le->buf, le->len + 1);
	le->hpos = to;
	set_line(le, to == le->nhist ? le->draft : le->hist[to]);
}

void le_accept(struct lineedit *le)
{
	char *copy = le->len ? strdup(le->buf) : NULL;
	/* Do not repeat the last line; drop the oldest when full. */
	if (copy && le->nhist && strcmp(le->hist[le->nhist - 1], copy) == 0) {
		free(copy);
		copy = NULL;
	}
	if (copy) {
		if (le->nhist == LE_HIST) {
			free(le->hist[0]);
			memmove(le->hist, le->hist + 1, (LE_HIST - 1) * sizeof(le->hist[0]));
			le->nhist--;
		}
		le->hist[le->nhist++] = copy;
	}
	le->hpos = le->nhist;
	set_line(le, "");
}

enum le_result le_key(struct lineedit *le, int key)
{
	switch (key) {
	case '\r': case '\n': return LE_ENTER;
	case KEY_LEFT: case KEY_CTRL('B'):
		le->cur = utf8_prev(le->buf, le->len, le->cur); break;
	case KEY_RIGHT: case KEY_CTRL('F'):
		le->cur = utf8_next(le->buf, le->len, le->cur); break;
	case KEY_HOME: case KEY_CTRL('A'): le->cur = 0; break;
	case KEY_END: case KEY_CTRL('E'): le->cur = le->len; break;
	case KEY_BACKSPACE:
		if (le->cur)
			cut(le, utf8_prev(le->buf, le->len, le->cur), le->cur);
		break;
	case KEY_DELETE:
		if (le->cur < le->len)
			cut(le, le->cur, utf8_next(le->buf, le->len, le->cur));
		break;
	case KEY_CTRL('U'): cut(le, 0, le->cur); break;
	case KEY_CTRL('K'): le->buf[le->cur] = '\0'; le->len = le->cur; break;
	case KEY_CTRL('W'): cut(le, le_word_start(le), le->cur); break;
	case KEY_UP: case KEY_CTRL('P'): browse(le, -1); break;
	case KEY_DOWN: case KEY_CTRL('N'): browse(le, +1); break;
	default:
		if (key < 0x20 || key > 0xFF)
			return LE_IGNORED;
		{
			char c = (char)key;
			if (!le_insert(le, &c, 1))
				return LE_IGNORED;
		}
	}
	return LE_EDITED;
}

void le_view(struct lineedit *le, size_t cols, size_t *start, size_t *n, size_t *cursor_col)
{
	if (cols < 2)
		cols = 2;
	/* Keep the cursor inside the view, with its last column free for it. */
	if (le->scroll > le->cur)
		le->scroll = le->cur;
	while (utf8_width(le->buf + le->scroll, le->cur - le->scroll) > cols - 1)
		le->scroll = utf8_next(le->buf, le->len, le->scroll);
	/* When text was deleted, scroll back to show as much as fits. */
	while (le->scroll > 0) {
		size_t p = utf8_prev(le->buf, le->len, le->scroll);
		if (utf8_width(le->buf + p, le->len - p) > cols - 1)
			break;
		le->scroll = p;
	}
	*start = le->scroll;
	*n = utf8_fit(le->buf + le->scroll, le->len - le->scroll, cols);
	*cursor_col = utf8_width(le->buf + le->scroll, le->cur - le->scroll);
}
