/* fuzz_irc.c - libFuzzer harness: the IRC line and tag parser (core/irc.c).
 * Every pointer irc_parse() hands out must lie inside the line, and every
 * helper must stay inside its buffers (ASan checks) on any input. */
#include "irc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void inside(const char *p, const char *line, size_t len)
{
	if (p && (p < line || p > line + len))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = malloc(size + 1);
	struct irc_msg m;
	char out[64], fold[IRC_MAX_LINE];

	if (!line)
		return 0;
	memcpy(line, data, size);
	line[size] = '\0';
	size_t len = strlen(line);
	if (irc_parse(line, &m) == 0) {
		inside(m.tags, line, len);
		inside(m.prefix, line, len);
		inside(m.cmd, line, len);
		if (!m.cmd || m.nparams < 0 || m.nparams > IRC_MAX_PARAMS)
			abort();
		for (int i = 0; i < m.nparams; i++)
			inside(m.params[i], line, len);
		(void)irc_cmd_is(&m, "PRIVMSG");
		if (m.tags) {
			(void)irc_tag_get(m.tags, "time", out, sizeof(out));
			(void)irc_tag_get(m.tags, "", out, 1);
			(void)irc_tag_get(m.tags, "+draft/reply", out, 3);
			char *ct = malloc(IRC_MAX_TAGS);
			size_t n = ct ? irc_client_tags(m.tags, ct, IRC_MAX_TAGS) : 0;
			if (ct && (n != strlen(ct) || n + 2 > 4094 || (n && ct[0] != '+')))
				abort(); /* bounded, and only client tags */
			free(ct);
			if (!irc_client_tags(m.tags, out, 5) && out[0])
				abort();
		}
		for (int i = 0; i < m.nparams; i++) {
			long long ms;
			(void)irc_time_parse(m.params[i], &ms); /* chathistory timestamp= */
			(void)irc_nick_valid(m.params[i], 30);
			(void)irc_room_valid(m.params[i], 50);
			irc_fold(fold, m.params[i], sizeof(fold));
			if (strlen(fold) >= sizeof(fold) || irc_casecmp(fold, m.params[i]) != 0)
				if (strlen(m.params[i]) < sizeof(fold))
					abort(); /* folding must not change the rfc1459 identity */
		}
	}
	free(line);
	return 0;
}
