/* telnet.h - what a plain-text server needs of telnet: ignore its
 * negotiation. telnet(1) sends IAC sequences; nc never does. */
#pragma once

#include <stddef.h>

/* Remove IAC commands from S[0..N) in place (IAC IAC becomes one 0xff
 * byte) and NUL-terminate; returns the new length. */
size_t telnet_strip(char *s, size_t n);
