/* term.c - raw-mode terminal, window size and key decoding. */
#include "term.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

static struct termios saved;
static int raw_fd = -1;

/* Reset attributes and scroll region, show the cursor, bracketed paste
 * off, leave the alternate screen. */
static const char leave_seq[] = "\033[0m\033[r\033[?25h\033[?2004l\033[?1049l";

void term_restore(void)
{
	if (raw_fd < 0)
		return;
	/* write() and tcsetattr() are async-signal-safe. */
	ssize_t n = write(raw_fd, leave_seq, sizeof(leave_seq) - 1);
	(void)n;
	tcsetattr(raw_fd, TCSAFLUSH, &saved);
	raw_fd = -1;
}

bool term_is_raw(void)
{
	return raw_fd >= 0;
}

static void fatal_signal(int sig)
{
	term_restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

int term_raw(int fd)
{
	static const int fatal[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGQUIT };
	static bool hooked;
	struct termios t;

	if (tcgetattr(fd, &saved) != 0)
		return -1;
	t = saved;
	t.c_iflag &= ~(unsigned)(BRKINT | ICRNL | INPCK | ISTRIP | IXON);
	t.c_oflag &= ~(unsigned)OPOST;
	t.c_cflag |= CS8;
	t.c_lflag &= ~(unsigned)(ECHO | ICANON | IEXTEN | ISIG);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	if (tcsetattr(fd, TCSAFLUSH, &t) != 0)
		return -1;
	raw_fd = fd;
	if (!hooked) {
		hooked = true;
		atexit(term_restore);
		for (size_t i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++)
			signal(fatal[i], fatal_signal);
	}
	static const char enter[] = "\033[?1049h\033[?2004h\033[H\033[2J";
	return write(fd, enter, sizeof(enter) - 1) < 0 ? -1 : 0;
}

void term_size(int fd, int *rows, int *cols)
{
	struct winsize ws;
	*rows = 24;
	*cols = 80;
	if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col) {
		*rows = ws.ws_row;
		*cols = ws.ws_col;
	}
	if (*rows < 4)
		*rows = 4;
	if (*cols < 10)
		*cols = 10;
}

/* The final byte of CSI/SS3 sequences without a number. */
static int letter_key(char c)
{
	switch (c) {
	case 'A': return KEY_UP;
	case 'B': return KEY_DOWN;
	case 'C': return KEY_RIGHT;
	case 'D': return KEY_LEFT;
	case 'H': return KEY_HOME;
	case 'F': return KEY_END;
	default: return KEY_UNKNOWN;
	}
}

/* "ESC [ N ~" keys (vt220 and xterm/rxvt/linux console variants). */
static int tilde_key(int n)
{
	switch (n) {
	case 1: case 7: return KEY_HOME;
	case 4: case 8: return KEY_END;
	case 3: return KEY_DELETE;
	case 5: return KEY_PGUP;
	case 6: return KEY_PGDN;
	case 200: return KEY_PASTE_START;
	case 201: return KEY_PASTE_END;
	default: return KEY_UNKNOWN;
	}
}

static int escape_key(const char *buf, size_t len, size_t *used)
{
	if (len < 2)
		return -1;
	if (buf[1] != '[' && buf[1] != 'O') {
		*used = 1; /* a lone ESC, or Alt+key: take the ESC alone */
		return KEY_ESC;
	}
	if (len < 3)
		return -1;
	if (buf[1] == 'O') {
		*used = 3;
		return letter_key(buf[2]);
	}
	/* CSI: parameters (digits and ';'), then a final byte; at most 16. */
	int n = 0;
	bool first = true; /* the key number; modifiers after ';' are ignored */
	for (size_t i = 2; i < len && i < 16; i++) {
		char c = buf[i];
		if (c >= '0' && c <= '9') {
			if (first && n < 1000)
				n = n * 10 + (c - '0');
		} else if (c != ';') {
			*used = i + 1;
			if (c == '~')
				return tilde_key(n);
			return letter_key(c); /* modifiers like "1;5C" keep the key */
		} else {
			first = false;
		}
	}
	if (len < 16)
		return -1;
	*used = len;
	return KEY_UNKNOWN;
}

int term_key(const char *buf, size_t len, size_t *used)
{
	unsigned char c = (unsigned char)buf[0];
	*used = 1;
	if (c == 0x1B)
		return escape_key(buf, len, used);
	if (c == 0x7F || c == 0x08)
		return KEY_BACKSPACE;
	return c;
}
