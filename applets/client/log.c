/* log.c - -L DIR (CLIENT_LOG): a plain-text log per room and private chat,
 * DIR/#lobby.log, DIR/bo.log, as irssi's autolog keeps them: a line per
 * message or event, "HH:MM <nick> text", "--- Log opened" when a run first
 * writes a file and "--- Day changed" when the date moves on. Everything
 * written goes through the text policy (textsafe.h); the file name is the
 * name casemapped, every byte but [a-z0-9#&+._-] made '_', so a hostile
 * room name ("#../x") cannot leave DIR. Files are opened per line: no
 * descriptors held, nothing to lose on a crash.
 *
//config:config CLIENT_LOG
//config:	bool "Logs: -L DIR keeps a log per room and private chat"
//config:	default y
//config:	depends on CHAT_CLIENT
//config:	help
//config:	  chat-client -L DIR appends every room's and private chat's
//config:	  lines, with dates, to DIR/NAME.log, as irssi's autolog does.
//config:	  Without it -L is refused (not built in).
//config:	  Budget: 3070 bytes on x86_64 (text+data+bss, make size).
 */
#include "client.h"
#include "textsafe.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define LOG_FILES 32 /* files whose date we remember; more just say "opened" again */

static struct {
	char name[ROOM_MAX + 1];
	int day; /* tm_year * 400 + tm_yday of its last line */
} seen[LOG_FILES];
static bool failed;

/* DIR/NAME.log for the room or nick NAME, its bytes made safe for a path. */
static bool log_path(char *path, size_t size, const char *name)
{
	char file[ROOM_MAX + 1];
	size_t n = 0;
	for (; n < ROOM_MAX && name[n]; n++) {
		char c = (char)irc_tolower((unsigned char)name[n]);
		file[n] = '_';
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || strchr("#&+._-", c))
			file[n] = c;
	}
	file[n] = '\0';
	int w = snprintf(path, size, "%s/%s.log", client.log_dir, file);
	return n && w > 0 && (size_t)w < size;
}

/* The date line this file needs before a line at TM, if any. */
static const char *date_line(const char *name, const struct tm *tm)
{
	int day = tm->tm_year * 400 + tm->tm_yday, i;
	for (i = 0; i < LOG_FILES && seen[i].name[0]; i++)
		if (!irc_casecmp(seen[i].name, name))
			break;
	if (i == LOG_FILES) { /* forget the oldest */
		memmove(seen, seen + 1, sizeof(seen) - sizeof(seen[0]));
		i = LOG_FILES - 1;
		seen[i].name[0] = '\0';
	}
	const char *what = !seen[i].name[0] ? "Log opened" : seen[i].day != day ? "Day changed" : NULL;
	strlcpy_ok(seen[i].name, name, sizeof(seen[i].name));
	seen[i].day = day;
	return what;
}

/* LINE ("HH:MM ..." as shown) in the log of WHERE (a room or a nick). */
void cl_log(const char *where, const char *line)
{
	char path[PATH_MAX_LOG + ROOM_MAX + 8], safe[IRC_MAX_LINE * 3], text[IRC_MAX_LINE * 3 + 64];
	time_t now = time(NULL);
	struct tm tm;
	if (!where || !where[0] || !log_path(path, sizeof(path), where) || !localtime_r(&now, &tm))
		return;
	text_safe_str(safe, sizeof(safe), line, CL_TEXT_FLAGS);
	const char *what = date_line(where, &tm);
	size_t n = 0;
	if (what) { /* "--- Day changed Thu Dec 03 2026" */
		n = (size_t)snprintf(text, sizeof(text), "--- %s ", what);
		n += strftime(text + n, sizeof(text) - n, "%a %b %d %Y\n", &tm);
	}
	int w = snprintf(text + n, sizeof(text) - n, "%s\n", safe);
	n = w < 0 ? n : MIN(n + (size_t)w, sizeof(text) - 1);
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, text, n) != (ssize_t)n) {
		if (!failed) /* said once: the chat goes on without the log */
			cl_alert("cannot write the log %s: %s", path, strerror(errno));
		failed = true;
	}
	if (fd >= 0)
		close(fd);
}
