/* fuzz_http.c - libFuzzer harness: the HTTP request head parser
 * (core/http.c) and the base64 decoder it checks keys with. The input is
 * cut into lines at LF (a CR before it dropped), as conn.c's CONN_BLANK
 * mode hands them out, cut at CONN_LINE_MAX; after each finished or
 * failed head the next starts, as on a keep-alive connection. Every value
 * kept must be a NUL-terminated string inside its field, every failure
 * one of the statuses the server answers. */
#include "base64.h"
#include "http.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define LINE_MAX_IN 4096 /* conn.h's CONN_LINE_MAX */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void terminated(const char *s, size_t cap)
{
	if (!memchr(s, '\0', cap))
		abort();
}

static void check(const struct http_req *r, enum http_step s)
{
	static const unsigned ok[] = { 400, 405, 413, 414, 431, 505 };
	terminated(r->path, sizeof(r->path));
	terminated(r->host, sizeof(r->host));
	terminated(r->origin, sizeof(r->origin));
	terminated(r->key, sizeof(r->key));
	terminated(r->inm, sizeof(r->inm));
	if (r->size > HTTP_HEAD_MAX + LINE_MAX_IN + 2 || r->proto > HTTP_PROTO_BINARY)
		abort();
	if (s == HTTP_FAIL) {
		unsigned i = 0;
		while (i < sizeof(ok) / sizeof(ok[0]) && ok[i] != r->status)
			i++;
		if (i == sizeof(ok) / sizeof(ok[0]))
			abort();
	}
	if (s == HTTP_DONE) {
		uint8_t key[32];
		if (r->path[0] != '/' || (r->method != HTTP_GET && r->method != HTTP_HEAD))
			abort();
		if ((r->flags & HR_WS_KEY) && base64_decode(key, sizeof(key), r->key, strlen(r->key)) != 16)
			abort();
		(void)http_etag_match(r, "\"0123abcd\"");
		(void)http_etag_match(r, "");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_req r;
	char *buf = malloc(size + 1);
	size_t off = 0;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	http_req_init(&r);
	while (off < size) {
		char *line = buf + off, *nl = memchr(line, '\n', size - off);
		size_t len = nl ? (size_t)(nl - line) : size - off;
		bool cut = len > LINE_MAX_IN;
		off += len + 1;
		if (len && line[len - 1] == '\r')
			len--;
		if (cut)
			len = LINE_MAX_IN;
		char save = line[len];
		line[len] = '\0';
		(void)http_request_like(line, len);
		enum http_step s = http_line(&r, line, len, cut);
		line[len] = save;
		check(&r, s);
		if (s != HTTP_MORE)
			http_req_init(&r);
	}
	free(buf);
	return 0;
}
