/* screen.h - a chat screen on a raw terminal (see term.h), without curses:
 * a scrolling region of lines kept in a bounded scrollback, a status line
 * and an input line at the bottom. Output goes through stdout; the caller
 * flushes it once per event. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lineedit.h"

#define SCREEN_SCROLLBACK 1000 /* lines kept for redraws and PgUp */

/* A line as shown: plain text (no control characters) and, optionally, a
 * nick inside it to colour, and a highlight for the whole line. */
struct screen_line {
	char *text;
	uint16_t nick_at, nick_len;
	uint8_t colour; /* an SGR colour number; 0: none */
	bool hilite;
	uint8_t win;    /* the window it belongs to; SCREEN_NO_WIN: closed */
};
#define SCREEN_NO_WIN 255

struct screen {
	int fd;          /* the terminal, for its size */
	int rows, cols;
	bool colour;     /* false: NO_COLOR (bold highlights stay) */
	struct screen_line *lines; /* a ring of SCREEN_SCROLLBACK */
	int first, nlines;
	int scroll_off;  /* lines scrolled back from the newest; 0: following */
	uint8_t win;     /* the window shown: only its lines are drawn */
};

/* -1 if out of memory. */
int screen_init(struct screen *s, int fd, bool colour);
/* Everything again, at the terminal's current size. */
void screen_redraw(struct screen *s);
/* Append a line (copied) to window WIN and, if that is the window shown,
 * show it above the bottom lines, unless the user scrolled back: then the
 * page stays still. Rings the bell for a highlighted line shown. The
 * bottom lines must be drawn again afterwards. All windows share the one
 * ring of SCREEN_SCROLLBACK lines: the memory stays bounded. */
void screen_add(struct screen *s, const char *text, size_t nick_at, size_t nick_len,
		uint8_t colour, bool hilite, uint8_t win);
/* Show window WIN (redrawn), following its newest line. */
void screen_show_win(struct screen *s, uint8_t win);
/* Window WIN was closed: its lines are dropped, those after it renumbered. */
void screen_forget_win(struct screen *s, uint8_t win);
/* Scroll back (DELTA > 0) or forward; screen_page() is half a page. */
void screen_scroll(struct screen *s, int delta);
int screen_page(const struct screen *s);
/* The status line (reverse video; a \001 starts bold, \002 ends it) and
 * the input line with PROMPT. */
void screen_bottom(struct screen *s, const char *status, const char *prompt,
		   struct lineedit *le);
