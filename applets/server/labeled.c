/* labeled.c - labeled-response: a command sent as "@label=X CMD ..." by a
 * client that negotiated it gets its replies back labeled: none, an ACK;
 * one, that line tagged label=X; more, a labeled-response batch of them.
 * Only the replies to that client are held back and tagged: whatever the
 * command sends others (the fan-out) is untouched. The first line is held
 * until a second one (or the command's end) says which form it takes, so
 * one line at most is copied; the others are tagged as they go. */
#include "server.h"
#include "sendq.h"

#include <stdio.h>
#include <string.h>

#define LABEL_MAX 64

struct client *labeled_now;

static struct {
	unsigned lines;
	char label[LABEL_MAX + 1];
	char batch[16];
	size_t held_len;
	char held[IRC_MAX_TAGS + LINE_MAX_IRC + 256];
} lb;

/* A label we send back as it came: short, no bytes needing escapes. */
static bool label_ok(const char *s)
{
	size_t n = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.+/=");
	return n && n <= LABEL_MAX && !s[n];
}

/* LINE (LEN bytes, CRLF included) to C with TAG ("label=X", "batch=Y")
 * added to its tags. */
static void emit(struct client *c, const char *tag, const char *line, size_t len)
{
	bool tagged = len && line[0] == '@';
	struct msgbuf *m = msgbuf_new(len + strlen(tag) + 2);

	if (!m)
		return;
	msgbuf_append(m, "@", 1);
	msgbuf_append(m, tag, strlen(tag));
	msgbuf_append(m, tagged ? ";" : " ", 1);
	msgbuf_append(m, line + tagged, len - tagged);
	deliver_buf(c, m);
	msgbuf_unref(m);
}

void labeled_begin(struct client *c, const char *tags)
{
	char label[LABEL_MAX + 2];

	if (!(c->caps & CAP_LABELED) || !tags ||
	    !irc_tag_get(tags, "label", label, sizeof(label)) || !label_ok(label))
		return;
	labeled_now = c;
	lb.lines = 0;
	lb.held_len = 0;
	memcpy(lb.label, label, strlen(label) + 1);
}

bool labeled_take(struct client *c, const char *line, size_t len)
{
	static unsigned batches;
	char tag[32];

	if (c != labeled_now)
		return false;
	if (++lb.lines == 1) {
		lb.held_len = MIN(len, sizeof(lb.held));
		memcpy(lb.held, line, lb.held_len);
		return true;
	}
	labeled_now = NULL; /* what follows goes out as it is */
	if (lb.lines == 2) {
		snprintf(lb.batch, sizeof(lb.batch), "lr%u", ++batches);
		send_line(c, "@label=%s :%s BATCH +%s labeled-response", lb.label, srv.host, lb.batch);
	}
	snprintf(tag, sizeof(tag), "batch=%s", lb.batch);
	if (lb.lines == 2)
		emit(c, tag, lb.held, lb.held_len);
	if (!strncmp(line, "@batch=", 7)) { /* in a nested batch already (chathistory) */
		struct msgbuf *m = msgbuf_new(len);
		if (m) {
			msgbuf_append(m, line, len);
			deliver_buf(c, m);
			msgbuf_unref(m);
		}
	} else {
		emit(c, tag, line, len);
	}
	labeled_now = c;
	return true;
}

void labeled_end(struct client *c)
{
	char tag[LABEL_MAX + 8];

	if (c != labeled_now)
		return;
	labeled_now = NULL;
	snprintf(tag, sizeof(tag), "label=%s", lb.label);
	if (!lb.lines)
		send_line(c, "@label=%s :%s ACK", lb.label, srv.host);
	else if (lb.lines == 1)
		emit(c, tag, lb.held, lb.held_len);
	else
		send_line(c, ":%s BATCH -%s", srv.host, lb.batch);
}
