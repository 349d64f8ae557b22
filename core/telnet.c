/* telnet.c - drop telnet negotiation (RFC 854) from a line of input. */
#include "telnet.h"

#include <stdbool.h>

enum { IAC = 255, SB = 250, SE = 240, WILL = 251, DONT = 254 };

size_t telnet_strip(char *s, size_t n)
{
	unsigned char *p = (unsigned char *)s;
	size_t in = 0, out = 0;
	bool sub = false; /* inside IAC SB ... IAC SE */

	while (in < n) {
		unsigned char c = p[in++];
		if (c != IAC) {
			if (!sub)
				p[out++] = c;
			continue;
		}
		if (in == n)
			break;
		c = p[in++];
		if (c == IAC && !sub)
			p[out++] = IAC;
		else if (c == SB)
			sub = true;
		else if (c == SE)
			sub = false;
		else if (c >= WILL && c <= DONT)
			in += in < n; /* the option byte */
	}
	p[out] = '\0';
	return out;
}
