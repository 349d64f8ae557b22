/* strftime.c - strftime for the C locale, the conversions chatbox and
 * syslog use and a few more, in place of libc's (which carries every
 * locale item, flag, width and the ISO-week conversions: 2 KB on x86_64).
 * Like core/printf.c it takes libc's place in the static link. Supported:
 * a A b B c C d D e F H I j m M n p r R S t T u w y Y z Z %, as musl
 * prints them in the C locale; anything else is copied out as written. */
#include <stdio.h>
#include <string.h>
#include <time.h>

static const char days[] = "SunMonTueWedThuFriSat";
static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
static const char *const day_names[7] = {
	"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
};
static const char *const month_names[12] = {
	"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December",
};

static size_t fmt(char *s, size_t n, const char *f, const struct tm *tm)
{
	size_t len = 0;
	for (; *f; f++) {
		char tmp[32];
		const char *add = tmp;
		size_t k;
		if (*f != '%') {
			tmp[0] = *f;
			k = 1;
			goto append;
		}
		f++;
		switch (*f) {
		case 'a':
			if ((unsigned)tm->tm_wday > 6) { add = "-"; break; }
			snprintf(tmp, sizeof(tmp), "%.3s", days + 3 * tm->tm_wday);
			break;
		case 'A':
			add = (unsigned)tm->tm_wday > 6 ? "-" : day_names[tm->tm_wday];
			break;
		case 'b':
		case 'h':
			if ((unsigned)tm->tm_mon > 11) { add = "-"; break; }
			snprintf(tmp, sizeof(tmp), "%.3s", months + 3 * tm->tm_mon);
			break;
		case 'B':
			add = (unsigned)tm->tm_mon > 11 ? "-" : month_names[tm->tm_mon];
			break;
		case 'c':
			k = fmt(s + len, n - len, "%a %b %e %T %Y", tm);
			goto sub;
		case 'C':
			snprintf(tmp, sizeof(tmp), "%02lld", (1900LL + tm->tm_year) / 100);
			break;
		case 'd':
			snprintf(tmp, sizeof(tmp), "%02d", tm->tm_mday);
			break;
		case 'D':
			k = fmt(s + len, n - len, "%m/%d/%y", tm);
			goto sub;
		case 'e':
			snprintf(tmp, sizeof(tmp), "%2d", tm->tm_mday);
			break;
		case 'F':
			k = fmt(s + len, n - len, "%Y-%m-%d", tm);
			goto sub;
		case 'H':
			snprintf(tmp, sizeof(tmp), "%02d", tm->tm_hour);
			break;
		case 'I':
			snprintf(tmp, sizeof(tmp), "%02d", tm->tm_hour % 12 ? tm->tm_hour % 12 : 12);
			break;
		case 'j':
			snprintf(tmp, sizeof(tmp), "%03d", tm->tm_yday + 1);
			break;
		case 'm':
			snprintf(tmp, sizeof(tmp), "%02d", tm->tm_mon + 1);
			break;
		case 'M':
			snprintf(tmp, sizeof(tmp), "%02d", tm->tm_min);
			break;
		case 'n':
			add = "\n";
			break;
		case 'p':
			add = tm->tm_hour >= 12 ? "PM" : "AM";
			break;
		case 'r':
			k = fmt(s + len, n - len, "%I:%M:%S %p", tm);
			goto sub;
		case 'R':
			k = fmt(s + len, n - len, "%H:%M", tm);
			goto sub;
		case 'S':
			snprintf(tmp, sizeof(tmp), "%02d", tm->tm_sec);
			break;
		case 't':
			add = "\t";
			break;
		case 'T':
			k = fmt(s + len, n - len, "%H:%M:%S", tm);
			goto sub;
		case 'u':
			snprintf(tmp, sizeof(tmp), "%d", tm->tm_wday ? tm->tm_wday : 7);
			break;
		case 'w':
			snprintf(tmp, sizeof(tmp), "%d", tm->tm_wday);
			break;
		case 'y':
			snprintf(tmp, sizeof(tmp), "%02d", (int)((tm->tm_year + 1900LL) % 100 + 100) % 100);
			break;
		case 'Y': {
			long long y = tm->tm_year + 1900LL;
			snprintf(tmp, sizeof(tmp), y >= 10000 ? "+%lld" : "%04lld", y);
			break;
		}
		case 'z':
			if (tm->tm_isdst < 0) {
				add = "";
				break;
			}
			snprintf(tmp, sizeof(tmp), "%+.4ld",
				 tm->tm_gmtoff / 3600 * 100 + tm->tm_gmtoff % 3600 / 60);
			break;
		case 'Z':
			add = tm->tm_isdst < 0 || !tm->tm_zone ? "" : tm->tm_zone;
			break;
		case '%':
			add = "%";
			break;
		default: /* not supported (or a lone % at the end): as written */
			if (!*f) {
				f--;
				add = "%";
				break;
			}
			snprintf(tmp, sizeof(tmp), "%%%c", *f);
			break;
		}
		k = strlen(add);
append:
		if (n - len <= k)
			return 0;
		memcpy(s + len, add, k);
		len += k;
		continue;
sub:
		if (!k)
			return 0;
		len += k;
	}
	s[len] = '\0';
	return len;
}

size_t strftime(char *restrict s, size_t n, const char *restrict f, const struct tm *restrict tm)
{
	if (!n)
		return 0;
	return fmt(s, n, f, tm);
}
