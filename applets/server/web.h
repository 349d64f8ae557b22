/* web.h - the chat page's files, embedded at build time
 * (scripts/web-embed.sh: build/gen/web_files.c), and the web front end. */
#pragma once

#include <stdint.h>

struct web_file {
	const char *path;   /* "/index.html" */
	const char *type;   /* Content-Type */
	const char *etag;   /* quoted, a hash of the gzip bytes */
	const unsigned char *gz; /* gzip -9n of the file */
	uint32_t len;       /* bytes at gz */
};

extern const struct web_file web_files[];
extern const unsigned web_nfiles;
