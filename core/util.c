/* util.c - messages, usage and number parsing shared by the applets. */
#include "chatbox.h"
#include "textsafe.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

const char *applet_name = "chatbox";
const char *applet_usage = "";
static bool use_syslog;

void log_to_syslog(void)
{
	use_syslog = true;
}

/* Not libc's syslog(): musl's (1.5 KB) locks, parses options and masks
 * that chatbox never sets. The record is musl's: "<PRI>Mmm dd hh:mm:ss
 * NAME[PID]: LINE\n" with the time in UTC, cut at 1 KiB. sendto() each
 * time, so a restarted syslog daemon is found again. */
int syslog_send(const char *path, int prio, const char *line)
{
	static int fd = -1;
	struct sockaddr_un to = { .sun_family = AF_UNIX };
	char stamp[16] = "", rec[1024];
	time_t now = time(NULL);
	struct tm tm;
	int n;

	if (!gmtime_r(&now, &tm) || !strftime(stamp, sizeof(stamp), "%b %e %T", &tm))
		stamp[0] = '\0'; /* (strftime leaves what it could not fit undefined) */
	n = snprintf(rec, sizeof(rec), "<%d>%s %s[%d]: %s\n", LOG_DAEMON | (prio & LOG_PRIMASK),
		     stamp, applet_name, (int)getpid(), line);
	if (n < 0 || !strlcpy_ok(to.sun_path, path, sizeof(to.sun_path)))
		return -1;
	if ((size_t)n >= sizeof(rec)) {
		n = sizeof(rec) - 1;
		rec[n - 1] = '\n';
	}
	if (fd < 0 && (fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	return sendto(fd, rec, (size_t)n, 0, (const struct sockaddr *)&to, sizeof(to)) == n ? 0 : -1;
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
		(void)syslog_send("/dev/log", prio, line); /* no syslog: lost, as with libc's */
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

/* Not strtoul: musl's (with strtoull's and strtoll's) shares one scanner
 * over a stdio-like buffer, 2.5 KB for the few decimal and hex fields here. */
bool num_scan(const char **s, unsigned base, uint64_t max, uint64_t *v)
{
	const char *p = *s;
	uint64_t n = 0;
	bool fits = true;

	for (;; p++) {
		unsigned d = (unsigned)(unsigned char)*p - '0';
		if (base == 16 && d > 9) {
			unsigned letter = ((unsigned)(unsigned char)*p | 0x20) - 'a';
			d = letter < 6 ? letter + 10 : base;
		}
		if (d >= base)
			break;
		if (fits && (d > max || n > (max - d) / base))
			fits = false, n = max;
		else if (fits)
			n = n * base + d;
	}
	*v = n;
	fits = fits && p != *s;
	*s = p;
	return fits;
}

static int ascii_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c | 0x20 : c;
}

/* Not strstr: musl's two-way search (1.3 KB) pays off on long texts; here
 * each hay is a line and each needle a word. A comparison ends at the end
 * of HAY too, since '\0' matches no byte of NEEDLE. */
char *str_find(const char *hay, const char *needle, bool fold)
{
	for (;; hay++) {
		size_t i = 0;
		while (needle[i] && (fold ? ascii_lower((unsigned char)hay[i]) ==
						    ascii_lower((unsigned char)needle[i])
					  : hay[i] == needle[i]))
			i++;
		if (!needle[i])
			return (char *)hay; /* as strstr: a pointer into the caller's HAY */
		if (!*hay)
			return NULL;
	}
}

bool parse_uint(const char *s, unsigned long lo, unsigned long hi, unsigned long *out)
{
	uint64_t v;

	if (!s || !num_scan(&s, 10, hi, &v) || *s || v < lo)
		return false;
	*out = (unsigned long)v;
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

/* chatbox scans options itself rather than with libc's getopt(): musl's
 * brings multibyte letters and its own stderr printing along (about 2 KB)
 * that next_opt does not use. These are getopt's variables, so the applets
 * read optarg and optind just as a getopt caller would. */
char *optarg;
int optind = 1;

int opt_scan(struct opt_scan *s, int argc, char **argv, const char *opts)
{
	char *word;
	const char *spec;

	if (s->pos == 0) {
		word = s->ind < argc ? argv[s->ind] : NULL;
		if (!word || word[0] != '-' || !word[1])
			return -1;
		if (!strcmp(word, "--")) {
			s->ind++;
			return -1;
		}
		s->pos = 1;
	}
	word = argv[s->ind];
	s->letter = (unsigned char)word[s->pos++];
	s->arg = NULL;
	spec = s->letter == ':' ? NULL : strchr(opts, s->letter);
	if (!spec || spec[1] != ':') {
		if (!word[s->pos]) {
			s->ind++;
			s->pos = 0;
		}
		return spec ? s->letter : '?';
	}
	/* A value is the rest of this word, else the whole next one. */
	s->ind++;
	if (word[s->pos])
		s->arg = word + s->pos;
	else if (s->ind < argc)
		s->arg = argv[s->ind++];
	s->pos = 0;
	return s->arg ? s->letter : ':';
}

int next_opt(int argc, char **argv, const char *opts)
{
	static struct opt_scan scan = { .ind = 1 };
	int c = opt_scan(&scan, argc, argv, opts);

	optarg = scan.arg;
	optind = scan.ind;
	if (c == '?')
		usage_error("unknown option -%c", scan.letter);
	if (c == ':')
		usage_error("option -%c needs a value", scan.letter);
	return c;
}
