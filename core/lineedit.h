/* lineedit.h - an input line with emacs-style editing and a bounded
 * history, UTF-8 aware (the cursor steps over whole characters with their
 * combining marks). Keys come from term_key(). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define LE_MAX  480 /* bytes of a line: an IRC message's text fits */
#define LE_HIST 50  /* lines of history kept */

struct lineedit {
	char buf[LE_MAX + 1];
	size_t len, cur;
	size_t scroll;             /* first byte shown when the line is wider */
	char *hist[LE_HIST];       /* oldest first, malloc'd */
	int nhist, hpos;           /* hpos == nhist: editing a new line */
	char draft[LE_MAX + 1];    /* the new line while browsing history */
};

enum le_result { LE_EDITED, LE_ENTER, LE_IGNORED };

void le_init(struct lineedit *le);
void le_free(struct lineedit *le);
/* Apply KEY; LE_ENTER leaves the line in buf until le_accept(). */
enum le_result le_key(struct lineedit *le, int key);
/* Insert N bytes at the cursor (false if they do not fit). */
bool le_insert(struct lineedit *le, const char *s, size_t n);
/* Add the current line to the history and clear it. */
void le_accept(struct lineedit *le);
/* Replace bytes [FROM, cur) with S: for completion. */
bool le_replace_before(struct lineedit *le, size_t from, const char *s);
/* Start of the word before the cursor. */
size_t le_word_start(const struct lineedit *le);

/* The part of the line to show in COLS columns: *START and *N bytes of
 * buf, and the cursor's column within it. Adjusts le->scroll. */
void le_view(struct lineedit *le, size_t cols, size_t *start, size_t *n, size_t *cursor_col);
