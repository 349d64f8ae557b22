/* telnet.h - what a plain-text server needs of telnet: ignore its
 * negotiation. telnet(1) sends IAC sequences; nc never does.
 *
 * A subnegotiation (IAC SB ... IAC SE) carries binary data: NAWS sends
 * the window size, whose bytes may be 10 (LF) or 13 (CR). Those are not
 * line ends, so the line reader (core/conn.c) asks telnet_eol() where a
 * line ends, and telnet_strip() drops the same bytes afterwards: one
 * state machine decides both. */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* Where the parser is between bytes; TELNET_DATA at the start of a line. */
enum telnet_state { TELNET_DATA, TELNET_IAC, TELNET_OPT, TELNET_SB, TELNET_SB_IAC };

/* The offset of the first CR or LF of S[0..N) that ends a line - one
 * outside any IAC command - or N if none. *ST is the state at S on entry
 * and at the returned offset on return (TELNET_DATA at a line end). A
 * CR/LF right after a lone IAC still ends the line: IAC CR is no command,
 * and a Latin-1 'y with diaeresis' typed into nc must not eat the Enter. */
size_t telnet_eol(const char *s, size_t n, uint8_t *st);

/* Remove IAC commands from S[0..N) in place (IAC IAC becomes one 0xff
 * byte) and NUL-terminate; returns the new length. */
size_t telnet_strip(char *s, size_t n);
