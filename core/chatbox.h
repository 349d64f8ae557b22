/* chatbox.h - the types and helpers every part of chatbox shares. */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "autoconf.h"
#include "version.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define container_of(p, type, member) \
	((type *)(void *)((char *)(p) - offsetof(type, member)))

/* Intrusive doubly linked lists: HEAD points at the first node; each node
 * has a NEXT and a PREV field (named per list, so a node can be on several). */
#define DLIST_PUSH(head, node, next, prev)          \
	do {                                        \
		(node)->prev = NULL;                \
		(node)->next = (head);              \
		if (head)                           \
			(head)->prev = (node);      \
		(head) = (node);                    \
	} while (0)
#define DLIST_UNLINK(head, node, next, prev)        \
	do {                                        \
		if ((node)->prev)                   \
			(node)->prev->next = (node)->next; \
		else                                \
			(head) = (node)->next;      \
		if ((node)->next)                   \
			(node)->next->prev = (node)->prev; \
	} while (0)

/* Set by the dispatcher before an applet runs: messages and usage use them. */
extern const char *applet_name;
extern const char *applet_usage;

/* "applet: message" on stderr (and syslog once log_to_syslog() was called). */
void msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_to_syslog(void);
/* One syslog record of LINE at level PRIO (facility daemon) to the datagram
 * socket at PATH, as libc's syslog() after openlog(applet_name, LOG_PID,
 * LOG_DAEMON) writes it; -1 if it could not be sent. */
int syslog_send(const char *path, int prio, const char *line);
void vmsg(int prio, const char *fmt, va_list ap);

/* Print the applet's usage to stdout and exit 0 (for --help). */
_Noreturn void show_usage(void);
/* Print "applet: MSG" and the usage line to stderr, exit 1 (bad options). */
_Noreturn void usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Parse a whole decimal number in [lo, hi]; false on anything else. */
bool parse_uint(const char *s, unsigned long lo, unsigned long hi, unsigned long *out);
/* The digits at *S in BASE (10 or 16): no sign, space or "0x", which no
 * caller takes from a peer, a file or the kernel. *S moves past all of them
 * and *V is their value (0 if none), held at MAX if it is bigger (as strtoul
 * holds at ULONG_MAX). False if there is no digit or the value passes MAX. */
bool num_scan(const char **s, unsigned base, uint64_t max, uint64_t *v);

/* strstr(HAY, NEEDLE), or with FOLD strcasestr's ASCII case folding. */
char *str_find(const char *hay, const char *needle, bool fold);

/* parse_uint for option -OPT, exiting with a clear error on bad input. */
unsigned long opt_uint(char opt, const char *arg, unsigned long lo, unsigned long hi);

/* Copy a C string into a fixed buffer; true if it fitted. */
bool strlcpy_ok(char *dst, const char *src, size_t size);

/* The next line of F into BUF (SIZE bytes) without its newline; a longer
 * line is skipped whole, never split into two. false at the end of F or
 * on an error (files of settings: /etc/hosts, /etc/passwd...). */
bool read_line(FILE *f, char *buf, size_t size);

/* write() all of buf, retrying on EINTR; -1 on error. */
int write_all(int fd, const void *buf, size_t len);

/* Where option scanning is: the next word of argv (starts at 1), the letter
 * within a cluster like -dv (0: at a word's start), the value of the last
 * option that takes one, and the last letter seen (for error messages). */
struct opt_scan {
	int ind, pos;
	char *arg;
	int letter;
};

/* POSIX getopt() for OPTS (letters, ':' after one that takes a value), the
 * part chatbox uses: clusters (-fS), values attached or not (-p6667, -p 6667),
 * "--" and "-" end the options, the first operand ends them too (no
 * reordering). Returns the letter, -1 at the operands (argv[s->ind]), '?' for
 * a letter not in OPTS, ':' for a value missing at the end. */
int opt_scan(struct opt_scan *s, int argc, char **argv, const char *opts);

/* getopt() with clear errors: returns the next option letter or -1, setting
 * optarg and optind as getopt does; an unknown option or a missing value
 * ends with usage_error(). */
int next_opt(int argc, char **argv, const char *opts);
