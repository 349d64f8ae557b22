/* rooms.c - joined rooms and who is in them (for completion and the status line). */
#include "client.h"
#include "textsafe.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct room *cl_find_room(const char *name)
{
	for (int i = 0; i < client.rooms.n; i++)
		if (irc_casecmp(client.rooms.list[i].name, name) == 0)
			return &client.rooms.list[i];
	return NULL;
}

struct room *cl_cur_room(void)
{
	return client.rooms.n ? &client.rooms.list[client.rooms.cur] : NULL;
}

void cl_names_clear(struct room *r)
{
	for (int i = 0; i < r->nnames; i++)
		free(r->names[i]);
	r->nnames = 0;
}

static int name_index(const struct room *r, const char *nick)
{
	for (int i = 0; i < r->nnames; i++)
		if (irc_casecmp(r->names[i], nick) == 0)
			return i;
	return -1;
}

/* A nick with controls in it is not one anybody types: it is not kept
 * (so completion never puts it on the input line). */
void cl_name_add(struct room *r, const char *nick)
{
	char *copy;
	/* an unsafe or overlong nick is not kept: completion would insert it */
	if (!text_is_safe(nick, strlen(nick)) || strlen(nick) > NICK_MAX || r->nnames == MAX_NAMES ||
	    name_index(r, nick) >= 0)
		return;
	if (r->nnames == r->cap) {
		int cap = r->cap ? MIN(r->cap * 2, MAX_NAMES) : 16;
		char **more = realloc(r->names, (size_t)cap * sizeof(*more));
		if (!more)
			return;
		r->names = more;
		r->cap = cap;
	}
	if ((copy = strdup(nick)))
		r->names[r->nnames++] = copy;
}

bool cl_name_del(struct room *r, const char *nick)
{
	int i = name_index(r, nick);
	if (i < 0)
		return false;
	free(r->names[i]);
	r->names[i] = r->names[--r->nnames];
	return true;
}

struct room *cl_room_add(const char *name)
{
	struct room *r = cl_find_room(name);
	if (r || client.rooms.n == MAX_ROOMS)
		return r;
	r = &client.rooms.list[client.rooms.n++];
	memset(r, 0, sizeof(*r));
	strlcpy_ok(r->name, name, sizeof(r->name));
	return r;
}

void cl_room_del(struct room *r)
{
	int i = (int)(r - client.rooms.list);
	cl_names_clear(r);
	free(r->names);
	memmove(r, r + 1, (size_t)(client.rooms.n - i - 1) * sizeof(*r));
	client.rooms.n--;
	/* The rooms after it moved down one: the current one with them, so
	 * what is typed next still goes where the user is looking. */
	if (i < client.rooms.cur)
		client.rooms.cur--;
	if (client.rooms.cur >= client.rooms.n)
		client.rooms.cur = client.rooms.n ? client.rooms.n - 1 : 0;
}

bool cl_is_me(const char *nick)
{
	return irc_casecmp(nick, client.id.nick) == 0;
}

