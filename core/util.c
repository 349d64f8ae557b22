/* util.c - messages, usage and number parsing shared by the applets. */
#include "chatbox.h"
#include "textsafe.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

const char *applet_name = "chatbox";
const char *applet_usage = "";
static bool use_syslog;

void log_to_syslog(void)
{
	openlog(applet_name, LOG_PID, LOG_DAEMON);
	use_syslog = true;
}

/* Log lines quote what peers sent (nicks, QUIT reasons, mDNS names): every
 * one goes through the text-safety policy, so no log or terminal gets a
 * control sequence from the network. */
void vmsg(int prio, const char *fmt, va_list ap)
{
	char raw[1024], line[1024];
	int n = vsnprintf(raw, sizeof(raw), fmt, ap);

	if (n < 0)
		n = 0;
	text_safe(line, sizeof(line), raw, MIN((size_t)n, sizeof(raw) - 1), TS_TAB_TO_SPACE);
	if (use_syslog)
		syslog(prio, "%s", line);
	else
		fprintf(stderr, "%s: %s\n", applet_name, line);
}

void msg(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg(LOG_NOTICE, fmt, ap);
	va_end(ap);
}

void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg(LOG_ERR, fmt, ap);
	va_end(ap);
	exit(1);
}

/* The usage text's first line is the synopsis; the rest explains. */
static void print_usage(FILE *f, bool full)
{
	const char *nl = strchr(applet_usage, '\n');
	size_t first = nl ? (size_t)(nl - applet_usage) : strlen(applet_usage);
	fprintf(f, "Usage: %.*s\n", (int)first, applet_usage);
	if (full && nl)
		fputs(nl + 1, f);
}

void show_usage(void)
{
	print_usage(stdout, true);
	exit(fflush(stdout) == 0 ? 0 : 1);
}

void usage_error(const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s: ", applet_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	print_usage(stderr, false);
	fprintf(stderr, "Try '%s --help' for more.\n", applet_name);
	exit(1);
}

bool parse_uint(const char *s, unsigned long lo, unsigned long hi, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

unsigned long opt_uint(char opt, const char *arg, unsigned long lo, unsigned long hi)
{
	unsigned long v;
	if (!parse_uint(arg, lo, hi, &v))
		usage_error("-%c: '%s' is not a number from %lu to %lu", opt, arg, lo, hi);
	return v;
}

bool strlcpy_ok(char *dst, const char *src, size_t size)
{
	size_t n = strlen(src);
	if (size == 0)
		return false;
	if (n >= size) {
		memcpy(dst, src, size - 1);
		dst[size - 1] = '\0';
		return false;
	}
	memcpy(dst, src, n + 1);
	return true;
}

bool read_line(FILE *f, char *buf, size_t size)
{
	while (fgets(buf, (int)size, f)) {
		size_t n = strlen(buf);
		int c;
		if (n && buf[n - 1] == '\n') {
			buf[n - 1] = '\0';
			return true;
		}
		if (feof(f))
			return true; /* the last line, without a newline */
		/* Longer than BUF: skip the rest, so that it is not read as a line. */
		while ((c = getc(f)) != EOF && c != '\n')
			;
	}
	return false;
}

int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int next_opt(int argc, char **argv, const char *opts)
{
	char spec[64];
	int c;

	snprintf(spec, sizeof(spec), ":%s", opts);
	opterr = 0;
	c = getopt(argc, argv, spec);
	if (c == '?')
		usage_error("unknown option -%c", optopt);
	if (c == ':')
		usage_error("option -%c needs a value", optopt);
	return c;
}
