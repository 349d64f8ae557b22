/* screen.c - scrolling region, scrollback, status and input lines. */
#include "screen.h"
#include "chatbox.h"
#include "term.h"
#include "utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int screen_init(struct screen *s, int fd, bool colour)
{
	memset(s, 0, sizeof(*s));
	s->fd = fd;
	s->colour = colour;
	s->lines = calloc(SCREEN_SCROLLBACK, sizeof(*s->lines));
	term_size(fd, &s->rows, &s->cols);
	return s->lines ? 0 : -1;
}

/* The rows above the status and input lines. */
static int region_rows(const struct screen *s)
{
	return s->rows - 2;
}

int screen_page(const struct screen *s)
{
	return MAX(1, region_rows(s) / 2);
}

static struct screen_line *line_at(const struct screen *s, int i) /* 0: oldest kept */
{
	return &s->lines[(s->first + i) % SCREEN_SCROLLBACK];
}

/* The columns continuation rows are indented by: to under the message
 * text, past "HH:MM <nick> " or "HH:MM -!- " (a third of the width at most). */
static size_t indent(const struct screen *s, const struct screen_line *l)
{
	const char *t = l->text, *body;
	if (l->nick_len)
		body = strchr(t + l->nick_at + l->nick_len, ' ');
	else
		body = strncmp(t + strcspn(t, " "), " -!- ", 5) ? strchr(t, ' ') : t + strcspn(t, " ") + 4;
	size_t w = body ? utf8_width(t, (size_t)(body - t) + 1) : 0;
	return w > (size_t)s->cols / 3 ? 0 : w;
}

/* The bytes of T (N of them) for a row of COLS columns: up to the last
 * space that fits (the space itself is left for the caller to skip), or
 * cut between characters in a word longer than the row; never nothing. */
static size_t row_len(const char *t, size_t n, size_t cols)
{
	size_t fit = utf8_fit(t, n, cols);
	if (fit >= n)
		return n;
	for (size_t i = fit; i > 0; i--)
		if (t[i] == ' ')
			return i;
	return fit ? fit : utf8_next(t, n, 0);
}

/* Bytes FROM..TO of line L, its nick coloured and the line bold if
 * highlighted (opened by the caller). */
static void put_range(const struct screen *s, const struct screen_line *l, size_t from, size_t to)
{
	size_t a = l->nick_at, b = (size_t)l->nick_at + l->nick_len;
	bool nick = s->colour && l->colour && l->nick_len;
	if (nick && from > a && from < b)
		printf("\033[%um", l->colour); /* a nick wrapped to this row */
	for (size_t i = from; i < to; i++) {
		if (nick && i == a)
			printf("\033[%um", l->colour);
		if (nick && i == b)
			fputs("\033[39m", stdout);
		fputc(l->text[i], stdout);
	}
	if (nick && to > a && to <= b)
		fputs("\033[39m", stdout);
}

/* Line L word-wrapped at the width, continuation rows indented under the
 * message text; drawn if DRAW. Returns the rows it takes. */
static int wrap(const struct screen *s, const struct screen_line *l, bool draw)
{
	const char *t = l->text;
	size_t n = strlen(t), at = 0, ind = indent(s, l), cols = (size_t)s->cols;
	int rows = 0;
	if (draw && l->hilite)
		fputs("\033[1m", stdout);
	do {
		size_t avail = rows ? cols - ind : cols, len = row_len(t + at, n - at, avail);
		if (draw && rows)
			printf("\r\n%*s", (int)ind, "");
		if (draw)
			put_range(s, l, at, at + len);
		at += len;
		if (at < n && t[at] == ' ')
			at++; /* the space the row broke at */
		rows++;
	} while (at < n);
	if (draw && (l->hilite || (s->colour && l->colour)))
		fputs("\033[0m", stdout);
	return rows;
}

static int line_rows(const struct screen *s, const struct screen_line *l)
{
	return wrap(s, l, false);
}

static void render(const struct screen *s, const struct screen_line *l)
{
	wrap(s, l, true);
}

/* The index (0: oldest) of the line N lines of the shown window back from
 * the newest (N = 0: the newest), or -1. */
static int back_from_newest(const struct screen *s, int n)
{
	for (int i = s->nlines - 1; i >= 0; i--)
		if (line_at(s, i)->win == s->win && n-- == 0)
			return i;
	return -1;
}

/* The region, bottom-aligned: as many lines of the shown window as fit
 * before the newest shown (wrapped lines take several rows; the terminal
 * scrolls the top one off if it does not fit whole). */
static void draw_lines(const struct screen *s)
{
	int h = region_rows(s), total = 0, newest = back_from_newest(s, s->scroll_off);
	int to = newest + 1, from = to;
	while (from > 0 && total < h)
		if (line_at(s, --from)->win == s->win)
			total += line_rows(s, line_at(s, from));
	printf("\033[1;%dr\033[1;1H\033[J", h);
	if (total < h)
		printf("\033[%d;1H", h - total + 1);
	bool first = true;
	for (int j = from; j < to; j++) {
		if (line_at(s, j)->win != s->win)
			continue;
		if (!first)
			fputs("\r\n", stdout);
		first = false;
		render(s, line_at(s, j));
	}
}

/* How many lines the shown window has. */
static int win_lines(const struct screen *s)
{
	int n = 0;
	for (int i = 0; i < s->nlines; i++)
		n += line_at(s, i)->win == s->win;
	return n;
}

void screen_show_win(struct screen *s, uint8_t win)
{
	s->win = win;
	s->scroll_off = 0;
	screen_redraw(s);
}

void screen_forget_win(struct screen *s, uint8_t win)
{
	for (int i = 0; i < s->nlines; i++) {
		struct screen_line *l = line_at(s, i);
		if (l->win == win)
			l->win = SCREEN_NO_WIN; /* freed as the ring wraps, never drawn */
		else if (l->win > win && l->win != SCREEN_NO_WIN)
			l->win--;
	}
}

void screen_redraw(struct screen *s)
{
	term_size(s->fd, &s->rows, &s->cols);
	fputs("\033[r\033[H\033[2J", stdout);
	draw_lines(s);
}

/* The ring is full: a line makes way, the oldest of the window that has
 * the most (a closed window's first), so a busy room does not push a quiet
 * one's lines out: each window keeps its share of the one bounded ring. */
static void evict(struct screen *s)
{
	uint16_t count[256] = { 0 };
	int busiest = SCREEN_NO_WIN, oldest = 0;
	for (int i = 0; i < s->nlines; i++)
		count[line_at(s, i)->win]++;
	for (int w = 0; w < 256 && !count[SCREEN_NO_WIN]; w++)
		if (count[w] > count[busiest])
			busiest = w;
	while (line_at(s, oldest)->win != busiest)
		oldest++;
	free(line_at(s, oldest)->text);
	for (int k = oldest; k > 0; k--) /* the older lines move up one */
		*line_at(s, k) = *line_at(s, k - 1);
	s->first = (s->first + 1) % SCREEN_SCROLLBACK;
	s->nlines--;
}

void screen_add(struct screen *s, const char *text, size_t nick_at, size_t nick_len,
		uint8_t colour, bool hilite, uint8_t win)
{
	struct screen_line *l;
	char *copy = strdup(text);
	size_t n = strlen(text);

	if (!copy)
		return;
	if (nick_at > n || nick_len > n - nick_at)
		nick_at = nick_len = 0;
	if (s->nlines == SCREEN_SCROLLBACK)
		evict(s);
	l = line_at(s, s->nlines++);
	l->text = copy; /* freed when the ring wraps */
	l->nick_at = (uint16_t)MIN(nick_at, 65535u);
	l->nick_len = (uint16_t)MIN(nick_len, 65535u);
	l->colour = colour;
	l->hilite = hilite;
	l->win = win;
	if (win != s->win)
		return; /* another window's: the caller marks its activity */
	if (s->scroll_off) {
		s->scroll_off = MIN(s->scroll_off + 1, win_lines(s) - 1); /* the page stays still */
		return;
	}
	/* A newline at the region's last row scrolls only the region. */
	printf("\033[%d;1H\r\n", region_rows(s));
	render(s, l);
	if (hilite)
		fputc('\a', stdout);
}

void screen_scroll(struct screen *s, int delta)
{
	int n = win_lines(s), max = n > 0 ? n - 1 : 0;
	s->scroll_off = MAX(0, MIN(max, s->scroll_off + delta));
	if (delta < 0 && s->scroll_off < -delta / 2)
		s->scroll_off = 0; /* a few new lines below: show them too */
	draw_lines(s);
}

/* STATUS up to byte N, its \001 and \002 as bold on and off. */
static void put_status(const char *status, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (status[i] == '\001')
			fputs("\033[1m", stdout);
		else if (status[i] == '\002')
			fputs("\033[22m", stdout);
		else
			fputc(status[i], stdout);
	}
}

void screen_bottom(struct screen *s, const char *status, const char *prompt,
		   struct lineedit *le)
{
	/* utf8_width() counts each marker as a column: they are given back. */
	size_t n = strlen(status), fit = utf8_fit(status, n, (size_t)s->cols), marks = 0;
	for (size_t i = 0; i < fit; i++)
		marks += status[i] == '\001' || status[i] == '\002';
	size_t pad = (size_t)s->cols - utf8_width(status, fit) + marks;
	size_t pw = utf8_width(prompt, strlen(prompt)), start, len, col;

	printf("\033[%d;1H\033[7m", s->rows - 1);
	put_status(status, fit);
	printf("%*s\033[0m", (int)pad, "");
	if (pw > (size_t)s->cols / 3) { /* a narrow terminal: no prompt */
		prompt = "";
		pw = 0;
	}
	le_view(le, (size_t)s->cols - pw, &start, &len, &col);
	printf("\033[%d;1H\033[K%s%.*s\033[%d;%zuH", s->rows, prompt, (int)len, le->buf + start,
	       s->rows, pw + col + 1);
}
