/* telnet.c - drop telnet negotiation (RFC 854, 855) from a line of input. */
#include "telnet.h"

#include <stdbool.h>

enum { IAC = 255, SB = 250, SE = 240, WILL = 251, DONT = 254 };

/* Feed byte C in state *ST: true if C is a data byte of the line. */
static bool step(uint8_t *st, unsigned char c)
{
	switch (*st) {
	case TELNET_DATA:
		if (c != IAC)
			return true;
		*st = TELNET_IAC;
		return false;
	case TELNET_IAC:
		*st = c == SB ? TELNET_SB : c >= WILL && c <= DONT ? TELNET_OPT : TELNET_DATA;
		return c == IAC; /* IAC IAC: one 0xff data byte */
	case TELNET_OPT: /* the option byte of WILL/WONT/DO/DONT, whatever it is */
		*st = TELNET_DATA;
		return false;
	case TELNET_SB:
		if (c == IAC)
			*st = TELNET_SB_IAC;
		return false;
	default: /* TELNET_SB_IAC: IAC SE ends it; IAC IAC is data inside it */
		*st = c == SE ? TELNET_DATA : TELNET_SB;
		return false;
	}
}

size_t telnet_eol(const char *s, size_t n, uint8_t *st)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c == '\n' || c == '\r') && (*st == TELNET_DATA || *st == TELNET_IAC)) {
			*st = TELNET_DATA;
			return i;
		}
		step(st, c);
	}
	return n;
}

size_t telnet_strip(char *s, size_t n)
{
	unsigned char *p = (unsigned char *)s;
	uint8_t st = TELNET_DATA;
	size_t out = 0;

	for (size_t in = 0; in < n; in++)
		if (step(&st, p[in]))
			p[out++] = p[in];
	p[out] = '\0';
	return out;
}
