/* replay.c - history replayed on (re)joining is not shown twice. A server
 * replaying a room's last lines (chat-server -H) sends, after a reconnect,
 * lines we have shown already. A line carrying a msgid tag is known by it,
 * else by its server-time tag with its nick, target and text (the time has
 * milliseconds: two live lines the same are told apart by it); a line with
 * neither cannot be recognised and is always shown. What was shown is
 * remembered as 64-bit hashes in a ring of SEEN_MAX (2 KB). Once the join's
 * replies are in (the PONG to a PING sent after the JOIN), the room says
 * where its replayed history ended. */
#include "client.h"

#include <string.h>

static struct {
	uint64_t h[SEEN_MAX];
	unsigned next;
} seen;

static uint64_t fnv(uint64_t h, const char *s)
{
	do { /* the NUL too: "ab"+"c" is not "a"+"bc" */
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	} while (*s++);
	return h;
}

/* True when this message was shown before (then it is left out). */
bool cl_replay_seen(const char *tags, const char *from, const char *target, const char *text)
{
	char id[IRC_MAX_TAGS < 200 ? IRC_MAX_TAGS : 200];
	uint64_t h = 0xcbf29ce484222325ULL;
	struct room *r = cl_find_room(target);
	if (irc_tag_get(tags, "msgid", id, sizeof(id))) {
		h = fnv(fnv(h, "msgid"), id);
	} else if (irc_tag_get(tags, "time", id, sizeof(id))) {
		h = fnv(fnv(fnv(fnv(h, id), from), target), text);
	} else {
		return false;
	}
	if (r && r->joining)
		r->replayed++;
	for (unsigned i = 0; i < SEEN_MAX; i++)
		if (seen.h[i] == h) {
			if (r && r->joining)
				r->dups++;
			return true;
		}
	seen.h[seen.next++ % SEEN_MAX] = h;
	return false;
}

/* The joins' replies are all in: say where each room's history ended.
 * ROOM: its CHATHISTORY is answered; NULL: every room not waiting for one. */
void cl_replay_end(const char *room)
{
	for (int i = 0; i < client.rooms.n; i++) {
		struct room *r = &client.rooms.list[i];
		if (room ? irc_casecmp(room, r->name) != 0 : r->hist_wait)
			continue;
		r->hist_wait = false;
		if (ENABLE_CLIENT_HISTORY && room && r->joining && cl_hist_more(r))
			continue;
		r->hist_rounds = 0;
		if (r->joining && r->replayed)
			cl_mark_in(r->name, "--- end of replayed history: %d line%s, %d already shown and left out",
				   r->replayed, r->replayed == 1 ? "" : "s", r->dups);
		r->joining = false;
		r->replayed = r->dups = 0;
		if (!wins_on() || !irc_casecmp(cl_win_name(), r->name)) /* it is on screen */
			cl_mark_read_if(r);
	}
}
