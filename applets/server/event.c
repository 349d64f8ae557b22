/* event.c - room events and their per-format renderings. */
#include "event.h"
#include "chatbox.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static char *put(char **p, const char *s)
{
	size_t n = strlen(s) + 1;
	char *start = *p;
	memcpy(start, s, n);
	*p += n;
	return start;
}

struct event *event_new(enum event_kind kind, const char *nick, const char *userhost,
			const char *target, const char *arg, const char *text,
			const char *account)
{
	size_t n = strlen(nick) + strlen(userhost) + strlen(target) + strlen(arg) + 4 +
		   (text ? strlen(text) + 1 : 0) + (account ? strlen(account) + 1 : 0);
	struct event *e = malloc(sizeof(*e) + n);
	struct timespec ts;
	char *p;

	if (!e)
		return NULL;
	memset(e, 0, sizeof(*e));
	p = (char *)(e + 1);
	e->refs = 1;
	e->kind = (uint8_t)kind;
	clock_gettime(CLOCK_REALTIME, &ts);
	e->when_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	e->nick = put(&p, nick);
	e->userhost = put(&p, userhost);
	e->target = put(&p, target);
	e->arg = put(&p, arg);
	e->text = text ? put(&p, text) : NULL;
	e->account = account ? put(&p, account) : NULL;
	return e;
}

void event_unref(struct event *e)
{
	if (!e || --e->refs)
		return;
	free(e->ctags);
	for (unsigned i = 0; i < EVENT_WIRES; i++)
		msgbuf_unref(e->wire[i]);
	free(e);
}

struct msgbuf *event_wire(struct event *e, unsigned w, event_render_fn *render)
{
	if (w >= EVENT_WIRES)
		return NULL;
	if (!e->wire[w])
		e->wire[w] = render(e);
	return e->wire[w];
}
