/* main.c - runs every UNIT() and prints a PASS:/FAIL: line for each. */
#include <stdio.h>

#include "unit.h"

#define MAX_UNITS 512

static struct {
	const char *name;
	void (*fn)(void);
} units[MAX_UNITS];
static int nunits, failed_checks;

void unit_register(const char *name, void (*fn)(void))
{
	if (nunits == MAX_UNITS) {
		fprintf(stderr, "unit: more than %d tests; raise MAX_UNITS\n", MAX_UNITS);
		return;
	}
	units[nunits].name = name;
	units[nunits++].fn = fn;
}

void unit_check(bool ok, const char *expr, const char *file, int line)
{
	if (!ok) {
		failed_checks++;
		printf("    %s:%d: CHECK(%s) failed\n", file, line, expr);
	}
}

int main(void)
{
	int failed = 0;
	for (int i = 0; i < nunits; i++) {
		int before = failed_checks;
		units[i].fn();
		bool ok = failed_checks == before;
		printf("%s: unit %s\n", ok ? "PASS" : "FAIL", units[i].name);
		failed += !ok;
	}
	if (nunits == 0)
		printf("FAIL: unit: no tests registered\n");
	return failed || nunits == 0;
}
