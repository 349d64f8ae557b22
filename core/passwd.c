/* passwd.c - a user's ids from /etc/passwd (why: passwd.h). */
#include "passwd.h"
#include "chatbox.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* The colon-separated field after *P as a number into *V; *P moves on. */
static bool id_field(const char **p, unsigned long *v)
{
	char num[12]; /* 4294967295 and a NUL */
	const char *end = strchr(*p, ':');
	size_t len = end ? (size_t)(end - *p) : strlen(*p);

	if (len == 0 || len >= sizeof(num))
		return false;
	memcpy(num, *p, len);
	num[len] = '\0';
	*p += len + (end != NULL);
	/* (uid_t)-1 means "no change" to setuid(): never a user's id */
	return parse_uint(num, 0, UINT32_MAX - 1, v);
}

bool passwd_line(const char *line, const char *user, struct passwd_ids *ids)
{
	size_t n = strlen(user);
	const char *p = line;
	unsigned long uid, gid;

	if (n == 0 || strncmp(line, user, n) != 0 || line[n] != ':')
		return false;
	p = strchr(line + n + 1, ':'); /* past the password field */
	if (!p)
		return false;
	p++;
	if (!id_field(&p, &uid) || !id_field(&p, &gid))
		return false;
	ids->uid = (uid_t)uid;
	ids->gid = (gid_t)gid;
	return true;
}

int passwd_find(const char *user, struct passwd_ids *ids, const char **why)
{
	FILE *f = fopen(PASSWD_PATH, "re");
	char line[PASSWD_LINE_MAX];
	bool found = false;

	if (!f) {
		static char err[80];
		snprintf(err, sizeof(err), "cannot read " PASSWD_PATH ": %s", strerror(errno));
		*why = err;
		return -1;
	}
	while (!found && read_line(f, line, sizeof(line)))
		found = passwd_line(line, user, ids);
	fclose(f);
	if (!found)
		*why = "no such user in " PASSWD_PATH;
	return found ? 0 : -1;
}
