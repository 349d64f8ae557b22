/* store.h - room history on disk (-D DIR): each room message goes to the
 * journal (core/journal.h) before anyone is sent it, and a restart brings
 * every room's history back. Without -D each of these does nothing. */
#pragma once

#include <stdint.h>

struct room;
struct event;

#define STORE_SYNC_MS_DEFAULT 1000 /* -F: fsync at most once a second */
#define STORE_KIB_DEFAULT     1024 /* -J: the journal's size on disk */
#define STORE_KIB_MIN         64
/* The segments a journal of -J KiB may take (1.5 times its bound in a
 * burst, in JOURNAL_SEG_MAX segments) must fit in the JOURNAL_MAX_SEGS a
 * restart looks at, or the base segment drops out of the list: at most
 * half of them (store.c checks). */
#define STORE_KIB_MAX         32768

/* Before dropping root: open and lock DIR, created if missing (one
 * level) for USER; dies if it cannot be used. */
void store_prepare(const char *dir, const char *user);
/* Load DIR's history into the rooms (re-created, empty, as needed) within
 * the memory budget and say what was found; then journal from now on.
 * A disk that cannot be written yet (full) is retried, as at run time. */
void store_open(unsigned long sync_ms, unsigned long max_kib);
/* A message E to room R, about to be sent: numbered, and written (-D). */
void store_message(struct room *r, struct event *e);
/* A private message E (chathistory.c), numbered: written (-D) if one of
 * its parties is an account. */
void store_private(struct event *e);
/* The next message number, for a message the journal does not keep. */
uint64_t store_next_seq(void);
/* What goes before a message number in its msgid: "" with -D (the journal
 * keeps numbers growing across restarts), else a per-boot random prefix. */
const char *store_msgid_prefix(void);
/* Room R and its history are going: so they stay gone after a restart. */
void store_room_gone(struct room *r);
/* Room R's modes or key changed: protected now (a key, +i, +s or +p),
 * its history leaves the disk and is kept in memory only. */
void store_room_modes(struct room *r);
/* fsync and close (SIGTERM). */
void store_close(void);
/* The locked -D directory, for acctfile.c; -1 without -D. */
int store_dirfd(void);
