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
void vmsg(int prio, const char *fmt, va_list ap);

/* Print the applet's usage to stdout and exit 0 (for --help). */
_Noreturn void show_usage(void);
/* Print "applet: MSG" and the usage line to stderr, exit 1 (bad options). */
_Noreturn void usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Parse a whole decimal number in [lo, hi]; false on anything else. */
bool parse_uint(const char *s, unsigned long lo, unsigned long hi, unsigned long *out);
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

/* getopt() with clear errors: returns the next option letter or -1; an
 * unknown option or a missing value ends with usage_error(). OPTS is a
 * getopt string; a leading ':' is added here. */
int next_opt(int argc, char **argv, const char *opts);
