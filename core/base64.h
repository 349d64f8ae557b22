/* base64.h - base64 (RFC 4648 section 4, with padding), for the WebSocket
 * handshake: its key is checked by decoding, its answer encoded. */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* Bytes base64_encode writes for N bytes, NUL included. */
#define BASE64_LEN(n) (((n) + 2) / 3 * 4 + 1)

/* Encode P[0..N) into OUT (BASE64_LEN(N) bytes), NUL-terminated; its length. */
size_t base64_encode(char *out, const void *p, size_t n);
/* Decode the N characters at S into OUT (room for CAP bytes): the bytes
 * decoded, or -1 if S is not canonical padded base64 or does not fit. */
long base64_decode(uint8_t *out, size_t cap, const char *s, size_t n);
