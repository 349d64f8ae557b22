/* t_opt.c - core/util.c's opt_scan, which stands in for getopt(): what
 * POSIX says getopt returns for clusters, attached and detached values,
 * "--", "-", operands, an unknown letter and a missing value (with a
 * leading ':' in the option string). The expectations are glibc's getopt's
 * with POSIXLY_CORRECT set too (checked against it on the host). */
#include <stdio.h>

#include "chatbox.h"
#include "unit.h"

#define OPTS "fSp:b:"

/* Scan ARGV (NULL-terminated) and print what each call returned, one
 * token per call: the letter, "LETTER=VALUE", "?L", ":L", then "|" and
 * the operands from the index where it stopped. */
static const char *scan_all(char **argv)
{
	static char out[256];
	struct opt_scan s = { .ind = 1 };
	int argc = 0, c;
	size_t n = 0;

	while (argv[argc])
		argc++;
	out[0] = '\0';
	while ((c = opt_scan(&s, argc, argv, OPTS)) != -1 && n < sizeof(out) - 64) {
		if (c == '?' || c == ':')
			n += (size_t)snprintf(out + n, sizeof(out) - n, "%c%c ", c, s.letter);
		else if (s.arg)
			n += (size_t)snprintf(out + n, sizeof(out) - n, "%c=%s ", c, s.arg);
		else
			n += (size_t)snprintf(out + n, sizeof(out) - n, "%c ", c);
	}
	n += (size_t)snprintf(out + n, sizeof(out) - n, "|");
	for (int i = s.ind; i < argc && n < sizeof(out) - 64; i++)
		n += (size_t)snprintf(out + n, sizeof(out) - n, " %s", argv[i]);
	return out;
}

#define SCAN(want, ...) CHECK_STR(scan_all((char *[]){ "prog", __VA_ARGS__, NULL }), want)

UNIT(opt_scan_letters_and_values)
{
	SCAN("|", NULL);
	SCAN("f S |", "-f", "-S");
	SCAN("f S |", "-fS");
	SCAN("p=6667 |", "-p6667");
	SCAN("p=6667 |", "-p", "6667");
	SCAN("f p=6667 |", "-fp6667");
	SCAN("f p=6667 |", "-fp", "6667");
	SCAN("p=-f S |", "-p", "-f", "-S");
	SCAN("p=-- |", "-p", "--");
	SCAN("b=a b=b |", "-b", "a", "-bb");
	SCAN("p= |", "-p", "");
}

UNIT(opt_scan_end_of_options)
{
	SCAN("f | host", "-f", "host");
	SCAN("| host -f", "host", "-f");
	SCAN("f | -S", "-f", "--", "-S");
	SCAN("|", "--");
	SCAN("| - -f", "-", "-f");
	SCAN("p=1 | x", "-p", "1", "x");
}

UNIT(opt_scan_errors)
{
	SCAN("?x |", "-x");
	SCAN("f ?x S |", "-fxS");
	SCAN("?: |", "-:");
	SCAN("?- ?h ?e ?l :p |", "--help");
	SCAN(":p |", "-p");
	SCAN("f :p |", "-fp");
	SCAN("?\xc3 ?\xa9 |", "-\xc3\xa9");
}
