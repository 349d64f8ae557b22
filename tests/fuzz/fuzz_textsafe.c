/* fuzz_textsafe.c - libFuzzer harness: the text-safety policy
 * (core/textsafe.c). On any input and any output size, the output stays in
 * its buffer, is NUL-terminated, is valid UTF-8 holding nothing unsafe,
 * and passing it through again changes nothing. */
#include "textsafe.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char out[600], again[600];

	if (size < 2)
		return 0;
	unsigned flags = data[0] & 3;
	size_t cap = 1 + data[1] % sizeof(out);
	const char *src = (const char *)data + 2;
	size_t len = size - 2;

	size_t n = text_safe(out, cap, src, len, flags);
	if (n >= cap || out[n] != '\0' || strlen(out) != n)
		abort();
	/* TABs may stay (they are kept unless asked); everything else is safe. */
	for (size_t i = 0; i < n; i++)
		if (out[i] == '\t' && (flags & TS_TAB_TO_SPACE))
			abort();
	char notabs[600];
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (out[i] != '\t')
			notabs[m++] = out[i];
	if (!text_is_safe(notabs, m))
		abort();
	if (text_safe(again, sizeof(again), out, n, flags & TS_TAB_TO_SPACE) != n ||
	    memcmp(again, out, n) != 0)
		abort();
	return 0;
}
