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
#include <stdbool.h>
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

/* One conversion's flags, width, precision (-1: none) and length: 0 int,
 * -1 short, -2 char, 1 long, 2 long long, 3 size_t and the like (as wide
 * as a pointer on every board). */
struct spec {
	int fl, width, prec, len;
};

static int digits_at(const char **fmt)
{
	int v = 0;
	while (**fmt >= '0' && **fmt <= '9')
		v = v * 10 + (*(*fmt)++ - '0');
	return v;
}

/* FMT just past a '%': its flags, width, precision and length into SP;
 * where the conversion letter is. */
static const char *parse_spec(const char *fmt, struct spec *sp, va_list *ap)
{
	*sp = (struct spec){ .prec = -1 };
	for (;; fmt++) {
		if (*fmt == '-') sp->fl |= F_LEFT;
		else if (*fmt == '0') sp->fl |= F_ZERO;
		else if (*fmt == '+') sp->fl |= F_PLUS;
		else if (*fmt == ' ') sp->fl |= F_SPACE;
		else if (*fmt == '#') sp->fl |= F_ALT;
		else break;
	}
	if (*fmt == '*') {
		sp->width = va_arg(*ap, int);
		if (sp->width < 0) {
			sp->fl |= F_LEFT;
			sp->width = -sp->width;
		}
		fmt++;
	} else {
		sp->width = digits_at(&fmt);
	}
	if (*fmt == '.') {
		fmt++;
		if (*fmt == '*') {
			sp->prec = va_arg(*ap, int);
			fmt++;
		} else {
			sp->prec = digits_at(&fmt);
		}
	}
	for (;; fmt++) {
		if (*fmt == 'h') sp->len = sp->len < 0 ? -2 : -1;
		else if (*fmt == 'l') sp->len = sp->len > 0 ? 2 : 1;
		else if (*fmt == 'z' || *fmt == 't') sp->len = 3;
		else if (*fmt == 'j') sp->len = 2;
		else break;
	}
	return fmt;
}

/* %n: how much has been written so far, into an int of SP's length. */
static void store_count(const struct spec *sp, size_t n, va_list *ap)
{
	if (sp->len == 2) *va_arg(*ap, long long *) = (long long)n;
	else if (sp->len == 1) *va_arg(*ap, long *) = (long)n;
	else if (sp->len == 3) *va_arg(*ap, ptrdiff_t *) = (ptrdiff_t)n;
	else if (sp->len == -1) *va_arg(*ap, short *) = (short)n;
	else if (sp->len == -2) *va_arg(*ap, signed char *) = (signed char)n;
	else *va_arg(*ap, int *) = (int)n;
}

static intmax_t signed_arg(int len, va_list *ap)
{
	intmax_t v;
	if (len == 2) v = va_arg(*ap, long long);
	else if (len == 1) v = va_arg(*ap, long);
	else if (len == 3) v = va_arg(*ap, ptrdiff_t);
	else v = va_arg(*ap, int);
	if (len == -1) v = (short)v;
	else if (len == -2) v = ((v & 0xff) ^ 0x80) - 0x80; /* the low byte, signed */
	return v;
}

static uintmax_t unsigned_arg(int len, va_list *ap)
{
	uintmax_t v;
	if (len == 2) v = va_arg(*ap, unsigned long long);
	else if (len == 1) v = va_arg(*ap, unsigned long);
	else if (len == 3) v = va_arg(*ap, size_t);
	else v = va_arg(*ap, unsigned);
	if (len == -1) v = (unsigned short)v;
	else if (len == -2) v = (unsigned char)v;
	return v;
}

/* SLEN bytes of S, padded to SP's width. */
static void put_text(struct out *o, const struct spec *sp, const char *s, size_t slen)
{
	size_t pad = (size_t)sp->width > slen ? (size_t)sp->width - slen : 0;
	if (!(sp->fl & F_LEFT))
		fill(o, ' ', pad);
	put(o, s, slen);
	if (sp->fl & F_LEFT)
		fill(o, ' ', pad);
}

/* V in BASE after PFX ("-", "0x"...), as SP says: precision as the least
 * digits, then zeros or spaces to the width. */
static void put_int(struct out *o, struct spec sp, uintmax_t v, unsigned base, bool upper,
		    const char *pfx)
{
	char num[3 * sizeof(uintmax_t) + 2];
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char *d = num + sizeof(num);
	for (uintmax_t t = v; t; t /= base)
		*--d = digits[t % base];
	size_t nd = (size_t)(num + sizeof(num) - d);
	if (base == 8 && (sp.fl & F_ALT) && (sp.prec < 0 || (size_t)sp.prec <= nd))
		sp.prec = (int)nd + 1;
	if (sp.prec < 0)
		sp.prec = 1; /* "0" for zero */
	else
		sp.fl &= ~F_ZERO;
	size_t zeros = (size_t)sp.prec > nd ? (size_t)sp.prec - nd : 0;
	size_t plen = strlen(pfx);
	size_t total = plen + zeros + nd;
	size_t padn = (size_t)sp.width > total ? (size_t)sp.width - total : 0;
	if ((sp.fl & F_ZERO) && !(sp.fl & F_LEFT)) {
		zeros += padn;
		padn = 0;
	}
	if (!(sp.fl & F_LEFT))
		fill(o, ' ', padn);
	put(o, pfx, plen);
	fill(o, '0', zeros);
	put(o, d, nd);
	if (sp.fl & F_LEFT)
		fill(o, ' ', padn);
}

/* Conversion C of SP; false if C is not one this printf knows. ERR is
 * errno as the call found it (%m). */
static bool convert(struct out *o, const struct spec *sp, char c, int err, va_list *ap)
{
	const char *s;
	char ch;
	switch (c) {
	case '%':
		put(o, "%", 1);
		return true;
	case 'n':
		store_count(sp, o->n, ap);
		return true;
	case 'm':
	case 's':
		s = c == 'm' ? strerror(err) : va_arg(*ap, const char *);
		if (!s)
			s = "(null)";
		put_text(o, sp, s, sp->prec < 0 ? strlen(s) : strnlen(s, (size_t)sp->prec));
		return true;
	case 'c':
		ch = (char)va_arg(*ap, int);
		put_text(o, sp, &ch, 1);
		return true;
	case 'd':
	case 'i': {
		intmax_t v = signed_arg(sp->len, ap);
		const char *pfx = v < 0 ? "-" : sp->fl & F_PLUS ? "+" : sp->fl & F_SPACE ? " " : "";
		put_int(o, *sp, v < 0 ? -(uintmax_t)v : (uintmax_t)v, 10, false, pfx);
		return true;
	}
	case 'p':
		put_int(o, *sp, (uintptr_t)va_arg(*ap, void *), 16, false, "0x");
		return true;
	case 'u':
	case 'x':
	case 'X':
	case 'o': {
		uintmax_t v = unsigned_arg(sp->len, ap);
		unsigned base = c == 'o' ? 8 : c == 'u' ? 10 : 16;
		const char *pfx = (sp->fl & F_ALT) && v && base == 16 ? (c == 'x' ? "0x" : "0X") : "";
		put_int(o, *sp, v, base, c == 'X', pfx);
		return true;
	}
	default:
		return false;
	}
}

int vsnprintf(char *restrict buf, size_t size, const char *restrict fmt, va_list ap)
{
	struct out o = { buf, size, 0 };
	int err = errno;
	va_list args; /* a copy, so that helpers can take its address on every ABI */

	va_copy(args, ap);
	while (*fmt) {
		const char *start = fmt;
		struct spec sp;
		if (*fmt != '%') {
			while (*fmt && *fmt != '%')
				fmt++;
			put(&o, start, (size_t)(fmt - start));
			continue;
		}
		fmt = parse_spec(fmt + 1, &sp, &args);
		if (!*fmt) { /* a lone % at the end: an error, as in musl */
			va_end(args);
			if (size)
				*buf = '\0';
			errno = EINVAL;
			return -1;
		}
		if (!convert(&o, &sp, *fmt++, err, &args))
			put(&o, start, (size_t)(fmt - start)); /* not supported: shown as written */
	}
	va_end(args);
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
