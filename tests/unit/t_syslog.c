/* t_syslog.c - core/util.c's syslog_send, which stands in for libc's
 * syslog(): the record a syslog daemon reads on its datagram socket is
 * musl's for openlog(applet_name, LOG_PID, LOG_DAEMON): "<PRI>Mmm dd
 * hh:mm:ss NAME[PID]: LINE\n", cut at 1 KiB with the newline kept. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

#include "chatbox.h"
#include "unit.h"

/* A datagram socket bound in a fresh directory, its path in PATH. */
static int listener(char *path, size_t size, char *dir)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd;

	if (!mkdtemp(dir))
		return -1;
	snprintf(path, size, "%s/log", dir);
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Whether REC, N bytes, is "<PRI>Mmm dd hh:mm:ss chatbox[PID]: " then BODY. */
static bool record_is(const char *rec, size_t n, const char *pri, const char *body)
{
	char head[64];
	size_t p = strlen(pri), h;

	snprintf(head, sizeof(head), " chatbox[%d]: ", (int)getpid());
	h = strlen(head);
	/* "Dec  4 03:09:09": a month, a space-padded day, the time */
	return n == p + 15 + h + strlen(body) && !memcmp(rec, pri, p) && rec[p + 3] == ' ' &&
	       rec[p + 6] == ' ' && rec[p + 9] == ':' && rec[p + 12] == ':' &&
	       !memcmp(rec + p + 15, head, h) && !memcmp(rec + p + 15 + h, body, strlen(body));
}

UNIT(syslog_send_writes_musls_record)
{
	char dir[] = "/tmp/chatbox-syslog-XXXXXX", path[64], rec[2048], long_line[1500];
	int fd = listener(path, sizeof(path), dir);
	ssize_t n;

	CHECK(fd >= 0);
	if (fd < 0)
		return;
	CHECK(syslog_send(path, LOG_NOTICE, "listening on port 6667") == 0);
	n = recv(fd, rec, sizeof(rec), MSG_DONTWAIT);
	CHECK(n > 0 && record_is(rec, (size_t)n, "<29>", "listening on port 6667\n"));
	CHECK(syslog_send(path, LOG_ERR, "") == 0);
	n = recv(fd, rec, sizeof(rec), MSG_DONTWAIT);
	CHECK(n > 0 && record_is(rec, (size_t)n, "<27>", "\n"));

	/* a record is at most 1023 bytes, the last one still a newline */
	memset(long_line, 'x', sizeof(long_line) - 1);
	long_line[sizeof(long_line) - 1] = '\0';
	CHECK(syslog_send(path, LOG_WARNING, long_line) == 0);
	n = recv(fd, rec, sizeof(rec), MSG_DONTWAIT);
	CHECK(n == 1023 && rec[0] == '<' && rec[1022] == '\n' && rec[1021] == 'x');

	close(fd);
	unlink(path);
	rmdir(dir);
	CHECK(syslog_send(path, LOG_ERR, "nobody listens") == -1);
}
