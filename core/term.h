/* term.h - a raw-mode terminal without curses: termios, size, keys.
 * term_raw() arranges for term_restore() to run on exit(), on fatal
 * signals and when called directly; restoring twice is harmless. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* Keys above the Unicode range; plain bytes (UTF-8 included) are 0..255. */
enum {
	KEY_UP = 0x110000, KEY_DOWN, KEY_LEFT, KEY_RIGHT, KEY_HOME, KEY_END,
	KEY_DELETE, KEY_PGUP, KEY_PGDN, KEY_BACKSPACE, KEY_ESC, KEY_UNKNOWN,
	KEY_PASTE_START, KEY_PASTE_END /* bracketed paste (ESC [ 200 ~, ESC [ 201 ~) */
};
#define KEY_CTRL(c) ((c) & 0x1F)

/* Raw mode on FD (a terminal), switching to the alternate screen, with
 * bracketed paste on: a paste comes between KEY_PASTE_START and _END. */
int term_raw(int fd);
/* Back to the saved mode and the normal screen; safe in a signal handler. */
void term_restore(void);
bool term_is_raw(void);

/* The window size of FD; 24x80 if unknown; never below 4x10. */
void term_size(int fd, int *rows, int *cols);

/* Decode one key from BUF (LEN > 0 bytes). Returns the key and sets *USED,
 * or -1 if BUF holds only the start of an escape sequence. */
int term_key(const char *buf, size_t len, size_t *used);
