/* printf.c - the printf family, integers and strings only.
 *
 * musl's printf_core always links its floating-point formatter (fmt_fp,
 * with frexpl and long-double helpers): 9 KB of a binary that prints no
 * float. These definitions take the place of libc's in the static link
 * (a libc member that defined one of them too would be a duplicate-symbol
 * error, not a silent mix). Supported: flags - 0 + space #, width and
 * precision (numbers or *), lengths hh h l ll z j t, conversions
 * d i u x X o c s p m n %, which is what chatbox and the libc functions it
 * links (inet_ntop, strftime, syslog) use; %m is strerror(errno) as in
 * musl. Anything else is copied out as it is. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct out {
	char *p;
	size_t left; /* room, the NUL's included */
	size_t n;    /* length had there been room */
};

static void put(struct out *o, const char *s, size_t len)
{
	size_t k = len < o->left ? len : (o->left ? o->left - 1 : 0);
	if (k) { /* snprintf(NULL, 0, ...) only counts: no NULL + 0, no memcpy(NULL) */
		memcpy(o->p, s, k);
		o->p += k;
	}
	if (o->left)
		o->left -= k;
	o->n += len;
}

static void fill(struct out *o, char c, size_t len)
{
	char blk[16];
	memset(blk, c, sizeof(blk));
	while (len) {
		size_t k = len < sizeof(blk) ? len : sizeof(blk);
		put(o, blk, k);
		len -= k;
	}
}

enum { F_LEFT = 1, F_ZERO = 2, F_PLUS = 4, F_SPACE = 8, F_ALT = 16 };

int vsnprintf(char *restrict buf, size_t size, const char *restrict fmt, va_list ap)
{
	struct out o = { buf, size, 0 };
	int err = errno;
	char num[3 * sizeof(uintmax_t) + 2];

	while (*fmt) {
		const char *start = fmt;
		if (*fmt != '%') {
			while (*fmt && *fmt != '%')
				fmt++;
			put(&o, start, (size_t)(fmt - start));
			continue;
		}
		fmt++;
		int fl = 0, width = 0, prec = -1, len = 0;
		for (;; fmt++) {
			if (*fmt == '-') fl |= F_LEFT;
			else if (*fmt == '0') fl |= F_ZERO;
			else if (*fmt == '+') fl |= F_PLUS;
			else if (*fmt == ' ') fl |= F_SPACE;
			else if (*fmt == '#') fl |= F_ALT;
			else break;
		}
		if (*fmt == '*') {
			width = va_arg(ap, int);
			if (width < 0) {
				fl |= F_LEFT;
				width = -width;
			}
			fmt++;
		} else {
			while (*fmt >= '0' && *fmt <= '9')
				width = width * 10 + (*fmt++ - '0');
		}
		if (*fmt == '.') {
			fmt++;
			prec = 0;
			if (*fmt == '*') {
				prec = va_arg(ap, int);
				fmt++;
			} else {
				while (*fmt >= '0' && *fmt <= '9')
					prec = prec * 10 + (*fmt++ - '0');
			}
		}
		/* len: 0 int, -1 short, -2 char, 1 long, 2 long long, 3 size_t
		 * and the like (as wide as a pointer on every board) */
		for (;; fmt++) {
			if (*fmt == 'h') len = len < 0 ? -2 : -1;
			else if (*fmt == 'l') len = len > 0 ? 2 : 1;
			else if (*fmt == 'z' || *fmt == 't') len = 3;
			else if (*fmt == 'j') len = 2;
			else break;
		}
		char c = *fmt;
		if (!c) { /* a lone % at the end: an error, as in musl */
			if (size)
				*buf = '\0';
			errno = EINVAL;
			return -1;
		}
		fmt++;

		const char *s;
		size_t slen;
		const char *pfx = "";
		uintmax_t v;
		unsigned base = 10;
		switch (c) {
		case '%':
			put(&o, "%", 1);
			continue;
		case 'n':
			if (len == 2) *va_arg(ap, long long *) = (long long)o.n;
			else if (len == 1) *va_arg(ap, long *) = (long)o.n;
			else if (len == 3) *va_arg(ap, ptrdiff_t *) = (ptrdiff_t)o.n;
			else if (len == -1) *va_arg(ap, short *) = (short)o.n;
			else if (len == -2) *va_arg(ap, signed char *) = (signed char)o.n;
			else *va_arg(ap, int *) = (int)o.n;
			continue;
		case 'm':
			s = strerror(err);
			slen = prec < 0 ? strlen(s) : strnlen(s, (size_t)prec);
			goto text;
		case 'c':
			num[0] = (char)va_arg(ap, int);
			s = num;
			slen = 1;
			goto text;
		case 's':
			s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			slen = prec < 0 ? strlen(s) : strnlen(s, (size_t)prec);
text:
			if (!(fl & F_LEFT) && (size_t)width > slen)
				fill(&o, ' ', (size_t)width - slen);
			put(&o, s, slen);
			if ((fl & F_LEFT) && (size_t)width > slen)
				fill(&o, ' ', (size_t)width - slen);
			continue;
		case 'd':
		case 'i': {
			intmax_t sv;
			if (len == 2) sv = va_arg(ap, long long);
			else if (len == 1) sv = va_arg(ap, long);
			else if (len == 3) sv = va_arg(ap, ptrdiff_t);
			else sv = va_arg(ap, int);
			if (len == -1) sv = (short)sv;
			else if (len == -2) sv = ((sv & 0xff) ^ 0x80) - 0x80; /* the low byte, signed */
			v = sv < 0 ? -(uintmax_t)sv : (uintmax_t)sv;
			pfx = sv < 0 ? "-" : fl & F_PLUS ? "+" : fl & F_SPACE ? " " : "";
			break;
		}
		case 'p':
			v = (uintptr_t)va_arg(ap, void *);
			base = 16;
			pfx = "0x";
			break;
		case 'u':
		case 'x':
		case 'X':
		case 'o':
			if (len == 2) v = va_arg(ap, unsigned long long);
			else if (len == 1) v = va_arg(ap, unsigned long);
			else if (len == 3) v = va_arg(ap, size_t);
			else v = va_arg(ap, unsigned);
			if (len == -1) v = (unsigned short)v;
			else if (len == -2) v = (unsigned char)v;
			if (c == 'o')
				base = 8;
			else if (c != 'u')
				base = 16;
			if ((fl & F_ALT) && v && base == 16)
				pfx = c == 'x' ? "0x" : "0X";
			break;
		default: /* not supported: shown as written */
			put(&o, start, (size_t)(fmt - start));
			continue;
		}

		/* an integer: digits right to left into num */
		const char *digits = c == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
		char *d = num + sizeof(num);
		for (uintmax_t t = v; t; t /= base)
			*--d = digits[t % base];
		size_t nd = (size_t)(num + sizeof(num) - d);
		if (base == 8 && (fl & F_ALT) && (prec < 0 || (size_t)prec <= nd))
			prec = (int)nd + 1;
		if (prec < 0)
			prec = 1; /* "0" for zero */
		else
			fl &= ~F_ZERO;
		size_t zeros = (size_t)prec > nd ? (size_t)prec - nd : 0;
		size_t plen = strlen(pfx);
		size_t total = plen + zeros + nd;
		size_t padn = (size_t)width > total ? (size_t)width - total : 0;
		if ((fl & F_ZERO) && !(fl & F_LEFT)) {
			zeros += padn;
			padn = 0;
		}
		if (!(fl & F_LEFT))
			fill(&o, ' ', padn);
		put(&o, pfx, plen);
		fill(&o, '0', zeros);
		put(&o, d, nd);
		if (fl & F_LEFT)
			fill(&o, ' ', padn);
	}
	if (o.left)
		*o.p = '\0';
	if (o.n > INT32_MAX) {
		errno = EOVERFLOW;
		return -1;
	}
	return (int)o.n;
}

int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

/* Formats into a stack buffer, or one from malloc when that is too small;
 * *heap is what to free. NULL with errno set on failure. */
static char *format(char *stack, size_t size, int *n, char **heap, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	*heap = NULL;
	*n = vsnprintf(stack, size, fmt, ap);
	if (*n >= 0 && (size_t)*n >= size) {
		*heap = malloc((size_t)*n + 1);
		if (*heap)
			vsnprintf(*heap, (size_t)*n + 1, fmt, ap2);
	}
	va_end(ap2);
	if (*n < 0 || ((size_t)*n >= size && !*heap))
		return NULL;
	return *heap ? *heap : stack;
}

int vfprintf(FILE *restrict f, const char *restrict fmt, va_list ap)
{
	char stack[512], *heap;
	int n;
	char *s = format(stack, sizeof(stack), &n, &heap, fmt, ap);
	if (!s)
		return -1;
	size_t w = fwrite(s, 1, (size_t)n, f);
	free(heap);
	return w == (size_t)n ? n : -1;
}

int fprintf(FILE *restrict f, const char *restrict fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vfprintf(f, fmt, ap);
	va_end(ap);
	return n;
}

int vprintf(const char *restrict fmt, va_list ap)
{
	return vfprintf(stdout, fmt, ap);
}

int printf(const char *restrict fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vfprintf(stdout, fmt, ap);
	va_end(ap);
	return n;
}

int vdprintf(int fd, const char *restrict fmt, va_list ap)
{
	char stack[512], *heap;
	int n;
	char *s = format(stack, sizeof(stack), &n, &heap, fmt, ap);
	if (!s)
		return -1;
	size_t done = 0;
	while (done < (size_t)n) {
		ssize_t w = write(fd, s + done, (size_t)n - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			n = -1;
			break;
		}
		done += (size_t)w;
	}
	free(heap);
	return n;
}

int dprintf(int fd, const char *restrict fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vdprintf(fd, fmt, ap);
	va_end(ap);
	return n;
}
