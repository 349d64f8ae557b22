/* crc32.h - CRC-32 (IEEE 802.3, reflected 0xEDB88320), as zlib's crc32():
 * crc32(0, buf, len) of "123456789" is 0xCBF43926, and a CRC carries on
 * over several buffers: crc32(crc32(0, a, n), b, m) is the CRC of a then b. */
#pragma once

#include <stddef.h>
#include <stdint.h>

uint32_t crc32(uint32_t crc, const void *buf, size_t len);
