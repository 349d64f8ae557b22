/* irc.h - IRC message codec (RFC 1459/2812 with IRCv3 message tags).
 * Parsing is in place and allocation-free: the struct points into the line. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define IRC_MAX_LINE   512  /* RFC 1459: bytes per line, CRLF included */
#define IRC_MAX_TAGS   8191 /* IRCv3: bytes of tags, '@' and space included */
#define IRC_MAX_PARAMS 15

struct irc_msg {
	char *tags;   /* raw, without '@'; NULL if none */
	char *prefix; /* without ':'; NULL if none */
	char *cmd;    /* as sent; compare with irc_cmd_is() */
	int nparams;
	char *params[IRC_MAX_PARAMS];
};

/* Parse LINE (no CR/LF) in place. -1 if it holds no command. */
int irc_parse(char *line, struct irc_msg *m);

/* Case-insensitive command match: irc_cmd_is(m, "PRIVMSG"). */
bool irc_cmd_is(const struct irc_msg *m, const char *cmd);

/* Look KEY up in raw TAGS and unescape its value into OUT (size OUTSZ);
 * a tag without value gives "". false if absent. */
bool irc_tag_get(const char *tags, const char *key, char *out, size_t outsz);

/* The client-only tags ("+name[=value]") of raw TAGS into OUT (OUTSZ):
 * server tags (time, msgid...) are dropped, as are tags whose name is
 * not '+', then [vendor/]name of letters, digits, '-', '.', '/'; at most
 * 4094 bytes with '@' and the space (IRCv3). Their length, 0 if none. */
size_t irc_client_tags(const char *tags, char *out, size_t outsz);

/* IRCv3 server-time "YYYY-MM-DDThh:mm:ss[.sss]Z" into ms since the
 * epoch; false if S is not one. */
bool irc_time_parse(const char *s, long long *ms);

/* MS since the epoch as server-time writes it, "YYYY-MM-DDThh:mm:ss.sssZ",
 * into OUT; false (OUT empty) if the time has no such form. */
#define IRC_TIME_MAX 32
bool irc_time_format(long long ms, char out[IRC_TIME_MAX]);

/* rfc1459 casemapping: A-Z [ ] \ ~ fold to a-z { } | ^ */
int irc_tolower(int c);
int irc_casecmp(const char *a, const char *b);
/* Fold S into OUT (same length) for use as a lookup key. */
void irc_fold(char *out, const char *s, size_t outsz);

/* IRC glob: S matches MASK, where * is any run and ? any one byte,
 * rfc1459 case-folded. O(strlen(MASK) * strlen(S)) at worst. */
bool irc_glob(const char *mask, const char *s);

/* Nick: letter or special first, then letters, digits, specials, '-'. */
bool irc_nick_valid(const char *s, size_t maxlen);
/* Room: '#' then no space, comma, BEL or ':' ; at most MAXLEN bytes. */
bool irc_room_valid(const char *s, size_t maxlen);
