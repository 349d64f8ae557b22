/* unit.h - C unit tests for core/: UNIT(name) { CHECK(cond); ... }
 * Built with the board's toolchain and run under its emulator, so byte
 * order and alignment bugs show on MIPS big-endian too. */
#pragma once

#include <stdbool.h>
#include <string.h>

void unit_register(const char *name, void (*fn)(void));
void unit_check(bool ok, const char *expr, const char *file, int line);

#define UNIT(name)                                                        \
	static void name(void);                                           \
	__attribute__((constructor)) static void register_##name(void)    \
	{                                                                 \
		unit_register(#name, name);                               \
	}                                                                 \
	static void name(void)

#define CHECK(cond) unit_check((cond), #cond, __FILE__, __LINE__)
#define CHECK_STR(a, b) unit_check(strcmp((a), (b)) == 0, #a " == " #b, __FILE__, __LINE__)
