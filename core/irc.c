/* irc.c - IRC message codec. */
#include "irc.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static char *skip_spaces(char *p)
{
	while (*p == ' ')
		p++;
	return p;
}

/* Cut the word at P and return the rest, or NULL at the end. */
static char *cut_word(char *p)
{
	char *sp = strchr(p, ' ');
	if (!sp)
		return NULL;
	*sp = '\0';
	return skip_spaces(sp + 1);
}

int irc_parse(char *line, struct irc_msg *m)
{
	char *p = skip_spaces(line);

	memset(m, 0, sizeof(*m));
	if (*p == '@') {
		m->tags = p + 1;
		p = cut_word(p);
		if (!p)
			return -1;
	}
	if (*p == ':') {
		m->prefix = p + 1;
		p = cut_word(p);
		if (!p)
			return -1;
	}
	if (!*p)
		return -1;
	m->cmd = p;
	p = cut_word(p);
	while (p && *p) {
		if (*p == ':' || m->nparams == IRC_MAX_PARAMS - 1) {
			/* The trailing parameter, or the 15th that takes the rest. */
			m->params[m->nparams++] = *p == ':' ? p + 1 : p;
			break;
		}
		m->params[m->nparams++] = p;
		p = cut_word(p);
	}
	return 0;
}

bool irc_cmd_is(const struct irc_msg *m, const char *cmd)
{
	const char *a = m->cmd;
	for (; *a && *cmd; a++, cmd++)
		if ((*a & ~0x20) != *cmd && *a != *cmd)
			return false;
	return !*a && !*cmd;
}

static char unescape(char c)
{
	switch (c) {
	case ':': return ';';
	case 's': return ' ';
	case 'r': return '\r';
	case 'n': return '\n';
	default: return c; /* "\\" and unknown escapes drop the backslash */
	}
}

bool irc_tag_get(const char *tags, const char *key, char *out, size_t outsz)
{
	size_t klen = strlen(key);
	const char *p = tags;

	if (!p || outsz == 0)
		return false;
	while (*p) {
		const char *end = strchr(p, ';');
		if (!end)
			end = p + strlen(p);
		if ((size_t)(end - p) >= klen && strncmp(p, key, klen) == 0 &&
		    (p[klen] == '=' || p + klen == end)) {
			size_t n = 0;
			for (const char *v = p + klen + (p[klen] == '='); v < end && n + 1 < outsz; v++) {
				if (*v == '\\' && v + 1 < end)
					out[n++] = unescape(*++v);
				else if (*v != '\\')
					out[n++] = *v;
			}
			out[n] = '\0';
			return true;
		}
		p = *end ? end + 1 : end;
	}
	return false;
}

int irc_tolower(int c)
{
	if (c >= 'A' && c <= '^')
		return c + 32; /* A-Z [ \ ] ^ -> a-z { | } ~ */
	return c;
}

int irc_casecmp(const char *a, const char *b)
{
	for (;; a++, b++) {
		int ca = irc_tolower((unsigned char)*a), cb = irc_tolower((unsigned char)*b);
		if (ca != cb || !ca)
			return ca - cb;
	}
}

void irc_fold(char *out, const char *s, size_t outsz)
{
	size_t i = 0;
	if (outsz == 0)
		return;
	for (; s[i] && i + 1 < outsz; i++)
		out[i] = (char)irc_tolower((unsigned char)s[i]);
	out[i] = '\0';
}

static bool is_special(int c)
{
	return strchr("[]\\`_^{|}", c) != NULL;
}

bool irc_nick_valid(const char *s, size_t maxlen)
{
	size_t n = strlen(s);
	if (n == 0 || n > maxlen)
		return false;
	unsigned char c0 = (unsigned char)s[0];
	if (!((c0 >= 'a' && c0 <= 'z') || (c0 >= 'A' && c0 <= 'Z') || is_special(c0)))
		return false;
	for (size_t i = 1; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || is_special(c)))
			return false;
	}
	return true;
}

bool irc_room_valid(const char *s, size_t maxlen)
{
	size_t n = strlen(s);
	if (n < 2 || n > maxlen || s[0] != '#')
		return false;
	for (size_t i = 1; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= ' ' || c == ',' || c == 7 || c == ':')
			return false;
	}
	return true;
}

/* Iterative, backtracking only to the last '*': a later star supersedes
 * the earlier one, so no recursion and no blow-up on "*a*a*a*b". */
bool irc_glob(const char *mask, const char *s)
{
	const char *star = NULL, *back = NULL;
	while (*s) {
		if (*mask == '*') {
			star = ++mask;
			back = s;
		} else if (*mask && (*mask == '?' || irc_tolower((unsigned char)*mask) ==
						       irc_tolower((unsigned char)*s))) {
			mask++;
			s++;
		} else if (star) {
			mask = star;
			s = ++back;
		} else {
			return false;
		}
	}
	while (*mask == '*')
		mask++;
	return !*mask;
}

#define CLIENT_TAGS_MAX 4094 /* IRCv3: bytes of client tags, '@' and space included */

size_t irc_client_tags(const char *tags, char *out, size_t outsz)
{
	size_t n = 0, most = outsz < CLIENT_TAGS_MAX ? outsz : CLIENT_TAGS_MAX;

	if (!outsz)
		return 0;
	while (*tags) {
		size_t len = strcspn(tags, ";"), name = strcspn(tags, "=;");
		bool ok = tags[0] == '+' && name > 1;
		for (size_t i = 1; ok && i < name; i++)
			ok = strchr("-./", tags[i]) || (tags[i] >= '0' && tags[i] <= '9') ||
			     ((tags[i] | 0x20) >= 'a' && (tags[i] | 0x20) <= 'z');
		/* the '@', a ';' before it, its bytes, the space and a NUL fit */
		if (ok && n + len + 4 <= most) {
			if (n)
				out[n++] = ';';
			memcpy(out + n, tags, len);
			n += len;
		}
		tags += len + (tags[len] == ';');
	}
	out[n] = '\0';
	return n;
}

/* N decimal digits at S, or -1: a fixed-width field of a timestamp */
static int digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

bool irc_time_format(long long ms, char out[IRC_TIME_MAX])
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	size_t n;

	out[0] = '\0';
	if (ms < 0 || !gmtime_r(&t, &tm) ||
	    !(n = strftime(out, IRC_TIME_MAX - 5, "%Y-%m-%dT%H:%M:%S", &tm))) {
		out[0] = '\0';
		return false;
	}
	snprintf(out + n, IRC_TIME_MAX - n, ".%03uZ", (unsigned)(ms % 1000));
	return true;
}

/* Days from 1970-01-01 to YEAR-MON-MDAY (YEAR from 1970, MON 1..12) in the
 * Gregorian calendar, counting on past a month's end as timegm does (Feb 31
 * is Mar 3 or 2). Not timegm: musl's, with __tm_to_secs and
 * __year_to_secs, is 800 bytes for this one sum. */
static long long days_since_epoch(int year, int mon, int mday)
{
	/* years start on Mar 1, so a leap day ends one: 146,097 days an era of
	 * 400 years, 719,468 from 0000-03-01 to 1970-01-01 */
	int y = year - (mon <= 2), era = y / 400, yoe = y - era * 400;
	int doy = (153 * (mon > 2 ? mon - 3 : mon + 9) + 2) / 5 + mday - 1;
	return era * 146097LL + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

/* YYYY-MM-DDThh:mm:ss[.sss]Z, as server-time and chathistory write it */
bool irc_time_parse(const char *s, long long *ms)
{
	int year, mon, mday, hour, min, sec, frac = 0;

	if (strlen(s) < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
	    s[16] != ':')
		return false;
	year = digits(s, 4);
	mon = digits(s + 5, 2);
	mday = digits(s + 8, 2);
	hour = digits(s + 11, 2);
	min = digits(s + 14, 2);
	sec = digits(s + 17, 2);
	if (year < 1970 || mon < 1 || mon > 12 || mday < 1 || mday > 31 || hour < 0 ||
	    hour > 23 || min < 0 || min > 59 || sec < 0 || sec > 60)
		return false;
	s += 19;
	if (*s == '.') {
		if ((frac = digits(s + 1, 3)) < 0)
			return false;
		s += 4;
	}
	if (s[0] != 'Z' || s[1])
		return false;
	*ms = (((days_since_epoch(year, mon, mday) * 24 + hour) * 60 + min) * 60 + sec) * 1000 +
	      frac;
	return true;
}
