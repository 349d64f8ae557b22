/* passwd.h - a user's ids from /etc/passwd.
 *
 * In place of musl's getpwnam (about 2.5 KB with its nscd client, see
 * README): chat-server needs only the uid and gid of the -u user. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#define PASSWD_PATH "/etc/passwd"
#define PASSWD_LINE_MAX 1024 /* longer lines are skipped */

struct passwd_ids {
	uid_t uid;
	gid_t gid;
};

/* One line of a passwd file, "name:password:uid:gid:gecos:home:shell":
 * true if it is USER's and its ids are numbers, with them in *IDS. */
bool passwd_line(const char *line, const char *user, struct passwd_ids *ids);

/* USER's ids from PASSWD_PATH: 0, or -1 with *WHY saying why not. */
int passwd_find(const char *user, struct passwd_ids *ids, const char **why);
