/* http.h - an HTTP/1.1 request head (RFC 9110/9112), read line by line,
 * strictly and within fixed bounds: what the chat page's server needs to
 * answer GET and HEAD of its files and the WebSocket handshake, no more.
 *
 * The caller hands it each line of the head without its line end, an
 * empty one last (conn.c's CONN_BLANK mode gives exactly that). It keeps
 * only what an answer needs; every value it keeps has a fixed size. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HTTP_HEAD_MAX 8192 /* the request line and headers together (431 past it) */
#define HTTP_PATH_MAX 256  /* the path, query left out (414 past it) */
#define HTTP_HOST_MAX 256  /* Host and Origin */
#define HTTP_INM_MAX  256  /* If-None-Match; a longer one matches nothing */

enum { HTTP_GET = 1, HTTP_HEAD, HTTP_OTHER };
enum http_step { HTTP_MORE, HTTP_DONE, HTTP_FAIL }; /* FAIL: answer r->status, close */

enum {
	HR_GZIP      = 1 << 0,  /* Accept-Encoding allows gzip */
	HR_CLOSE     = 1 << 1,  /* Connection: close */
	HR_KEEPALIVE = 1 << 2,  /* Connection: keep-alive (HTTP/1.0) */
	HR_CONN_UPG  = 1 << 3,  /* Connection: upgrade */
	HR_UPG_WS    = 1 << 4,  /* Upgrade: websocket */
	HR_WS_V13    = 1 << 5,  /* Sec-WebSocket-Version: 13 */
	HR_WS_VER    = 1 << 6,  /* Sec-WebSocket-Version came (13 or not) */
	HR_WS_KEY    = 1 << 7,  /* Sec-WebSocket-Key: 16 bytes in base64 */
	HR_HOST      = 1 << 8,
	HR_ORIGIN    = 1 << 9,
	HR_INM       = 1 << 10, /* If-None-Match came (and fitted) */
	HR_UPGRADE   = 1 << 11, /* an Upgrade header came, whatever it says */
};
enum { HTTP_PROTO_NONE, HTTP_PROTO_TEXT, HTTP_PROTO_BINARY }; /* IRCv3 WebSocket subprotocols */

struct http_req {
	uint16_t status;   /* set with HTTP_FAIL */
	uint16_t size;     /* bytes of the head so far, line ends counted */
	uint16_t flags;
	uint8_t method, minor; /* HTTP/1.minor */
	uint8_t proto;     /* the first subprotocol offered that we speak */
	bool started;      /* the request line came */
	char path[HTTP_PATH_MAX];
	char host[HTTP_HOST_MAX], origin[HTTP_HOST_MAX];
	char key[32];      /* Sec-WebSocket-Key, as sent (24 characters) */
	char inm[HTTP_INM_MAX];
};

void http_req_init(struct http_req *r);
/* Whether LINE looks like an HTTP request line (METHOD SP TARGET SP
 * HTTP/d.d): a first line to tell HTTP from IRC and plain text with. */
bool http_request_like(const char *line, size_t len);
/* One line of the head (LEN bytes, CUT if it was longer than given). */
enum http_step http_line(struct http_req *r, const char *line, size_t len, bool cut);
/* Whether the If-None-Match of R names ETAG (a quoted strong tag). */
bool http_etag_match(const struct http_req *r, const char *etag);
