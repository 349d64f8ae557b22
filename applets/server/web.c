/* web.c - the web front end: the chat page's files over HTTP/1.1, and the
 * WebSocket handshake at /socket that makes a connection an IRC client
 * like any other (its transport in core/conn.c, its frames in core/ws.c).
 *
//config:config SERVER_WEB
//config:	bool "The chat page, and IRC over WebSocket"
//config:	depends on CHAT_SERVER
//config:	default y
//config:	help
//config:	  A browser that opens the chat port (http://HOST:6667/) gets
//config:	  the chat page, built in gzip-compressed, and chats over a
//config:	  WebSocket at /socket as an IRC client (IRCv3 WebSocket:
//config:	  gamja and Kiwi IRC work too). HTTP, IRC and plain text are
//config:	  told apart by the first line; -w PORT adds HTTP-only ports,
//config:	  -o ORIGIN allows other sites' pages. Costs about 14 KB of
//config:	  code on x86_64 and 19 KB on MIPS (ath79), plus the page as
//config:	  gzip -9n makes it (make size), and an 8 KB output buffer.
//config:	  Budget: 37000 bytes on x86_64 (text+data+bss, make size).
 */
#include "server.h"
#include "base64.h"
#include "http.h"
#include "sha1.h"
#include "web.h"
#include "ws.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define WEB_MAX_REQUESTS 100   /* per connection, then it closes */
#define WEB_TIMEOUT_MS   10000 /* for a whole request head, and between requests */
#define MAXORIGINS       8

/* An HTTP client's state until it closes or becomes a WebSocket. */
struct web {
	struct http_req req;
	uint16_t served;
};

static const char *origins[MAXORIGINS];
static unsigned norigins;

/* No inline script or style, nothing from elsewhere, the socket only to
 * this server, never in a frame. */
static const char security[] =
	"Content-Security-Policy: default-src 'none'; script-src 'self'; style-src 'self'; "
	"img-src 'self' data:; connect-src 'self'; manifest-src 'self'; base-uri 'none'; "
	"form-action 'none'; frame-ancestors 'none'\r\n"
	"X-Content-Type-Options: nosniff\r\n"
	"Referrer-Policy: no-referrer\r\n"
	"X-Frame-Options: DENY\r\n";

void web_allow_origin(const char *origin)
{
	if (norigins == MAXORIGINS)
		usage_error("-o: at most %d origins", MAXORIGINS);
	origins[norigins++] = origin;
}

static const char *reason(unsigned status)
{
	switch (status) {
	case 200: return "OK";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 406: return "Not Acceptable";
	case 408: return "Request Timeout";
	case 413: return "Content Too Large";
	case 414: return "URI Too Long";
	case 426: return "Upgrade Required";
	case 431: return "Request Header Fields Too Large";
	case 505: return "HTTP Version Not Supported";
	default: return "Error";
	}
}

/* Whether the connection stays open after answering STATUS. */
static bool keep_alive(const struct client *c, unsigned status)
{
	const struct http_req *r = &c->web->req;
	if (r->flags & HR_CLOSE || (r->minor == 0 && !(r->flags & HR_KEEPALIVE)))
		return false;
	return c->web->served < WEB_MAX_REQUESTS && (status < 400 || status == 404 || status == 406);
}

/* Queue PART[0..N) for C in pieces of at most half the -Q send queue, each
 * copied from the binary's own bytes as it goes; send_msgbuf writes what
 * the socket takes when the queue is at its cap. So an answer larger than
 * -Q (/app.js is ~10 KiB; -Q may be 1) goes out into the kernel's socket
 * buffer (16 KiB at least on Linux) instead of dropping the client, and the
 * queue stays within -Q. Only a reader whose socket is full as well is
 * dropped, as a slow IRC reader is. False once C is dropped. */
#define WEB_PIECE_MAX (16 * 1024) /* the default -Q 64 sends /app.js whole */

static bool send_part(struct client *c, const void *part, size_t n)
{
	size_t piece = srv.sendq / 2 > WEB_PIECE_MAX ? WEB_PIECE_MAX : srv.sendq / 2;

	if (piece < 256)
		piece = 256;
	for (size_t at = 0; at < n; at += piece) {
		size_t k = n - at < piece ? n - at : piece;
		struct msgbuf *m = msgbuf_new(k);
		if (!m) {
			client_drop(c, "Server out of memory", NULL);
			return false;
		}
		msgbuf_append(m, (const char *)part + at, k);
		send_msgbuf(c, m);
		msgbuf_unref(m);
		if (c->flags & (F_OVERFLOW | F_CLOSING | F_FREED))
			return false;
	}
	return true;
}

/* Queue HEAD (the status line and headers, CRLF-terminated, N bytes) and
 * BODY[0..BLEN) (BODY may be NULL then). */
static void send_answer(struct client *c, const char *head, size_t n, const void *body, size_t blen)
{
	if (send_part(c, head, n) && blen)
		(void)send_part(c, body, blen);
}

/* STATUS with HEADERS (each ending in CRLF), ours, and BODY (not for
 * HEAD); then the next request, or the end of the connection. */
static void answer(struct client *c, unsigned status, const char *headers, const void *body, size_t n)
{
	bool keep = keep_alive(c, status);
	char head[1280];
	int h = snprintf(head, sizeof(head), "HTTP/1.1 %u %s\r\n%s%sConnection: %s\r\n\r\n", status,
			 reason(status), headers, security, keep ? "keep-alive" : "close");

	if (h < 0 || (size_t)h >= sizeof(head)) { /* never: every header here is ours and short */
		h = snprintf(head, sizeof(head), "HTTP/1.1 500 Error\r\nConnection: close\r\n\r\n");
		keep = false;
	}
	send_answer(c, head, (size_t)h, body, c->web->req.method == HTTP_HEAD ? 0 : n);
	if (!keep) {
		client_drop(c, "HTTP done", NULL);
		return;
	}
	http_req_init(&c->web->req);
	c->since = srv.now; /* the next request's head has WEB_TIMEOUT_MS too */
}

static void error_page(struct client *c, unsigned status, const char *extra)
{
	char body[64], headers[256];
	int n = snprintf(body, sizeof(body), "%u %s\n", status, reason(status));
	snprintf(headers, sizeof(headers), "Content-Type: text/plain; charset=utf-8\r\nContent-Length: %d\r\n%s",
		 n, extra);
	answer(c, status, headers, body, (size_t)n);
}

/* A browser that does not take gzip still learns what to do. */
static void no_gzip_page(struct client *c)
{
	const char *host = c->web->req.host;
	char body[768], headers[128];
	size_t hl = host[0] == '[' ? strcspn(host, "]") + (strchr(host, ']') != NULL) : strcspn(host, ":");
	int n = snprintf(body, sizeof(body),
			 "<!doctype html>\n<meta charset=\"utf-8\">\n<title>chat</title>\n"
			 "<p>This chat page needs a browser that accepts gzip-compressed pages "
			 "(Accept-Encoding: gzip), as every current browser does.</p>\n"
			 "<p>Or chat with any IRC app: server %.*s, port %u, TLS off.</p>\n",
			 (int)hl, hl ? host : srv.host, srv.port);
	if (n < 0 || (size_t)n >= sizeof(body))
		n = 0;
	snprintf(headers, sizeof(headers),
		 "Content-Type: text/html; charset=utf-8\r\nContent-Length: %d\r\nVary: Accept-Encoding\r\n"
		 "Cache-Control: no-store\r\n", n);
	answer(c, 200, headers, body, (size_t)n);
}

static const struct web_file *find(const char *path)
{
	if (!strcmp(path, "/"))
		path = "/index.html";
	for (unsigned i = 0; i < web_nfiles; i++)
		if (!strcmp(web_files[i].path, path))
			return &web_files[i];
	return NULL;
}

static void serve_file(struct client *c, const struct web_file *f)
{
	const struct http_req *r = &c->web->req;
	char headers[384];
	size_t t = strlen(f->type);

	if (!(r->flags & HR_GZIP)) {
		if (t >= 9 && !memcmp(f->type, "text/html", 9))
			no_gzip_page(c);
		else
			error_page(c, 406, "Vary: Accept-Encoding\r\n");
		return;
	}
	if (http_etag_match(r, f->etag)) {
		snprintf(headers, sizeof(headers), "ETag: %s\r\nCache-Control: no-cache\r\nVary: Accept-Encoding\r\n",
			 f->etag);
		answer(c, 304, headers, NULL, 0);
		return;
	}
	snprintf(headers, sizeof(headers),
		 "Content-Type: %s\r\nContent-Length: %u\r\nContent-Encoding: gzip\r\nVary: Accept-Encoding\r\n"
		 "ETag: %s\r\nCache-Control: no-cache\r\n", f->type, (unsigned)f->len, f->etag);
	answer(c, 200, headers, f->gz, f->len);
}

/* ORIGIN's host and port are HOST's, the scheme's default port written
 * on one side only or on both. */
static bool same_host(const char *origin, const char *host)
{
	const char *hp = str_find(origin, "://", false), *port;
	size_t sl, hl;
	if (!hp)
		return false; /* "null", from a sandboxed or file: page */
	sl = (size_t)(hp - origin);
	hp += 3;
	if (!strcasecmp(hp, host))
		return true;
	port = sl == 4 && !strncasecmp(origin, "http", 4) ? ":80" :
	       sl == 5 && !strncasecmp(origin, "https", 5) ? ":443" : NULL;
	if (!port)
		return false;
	hl = strlen(host);
	if (!strncasecmp(hp, host, hl) && !strcmp(hp + hl, port))
		return true;
	hl = strlen(hp);
	return !strncasecmp(host, hp, hl) && !strcmp(host + hl, port);
}

static bool ends_with(const char *s, size_t n, const char *tail)
{
	size_t t = strlen(tail);
	return n >= t && !strncasecmp(s + n - t, tail, t);
}

/* HOST (a Host header) names this server the way a LAN does: an address,
 * a name without a dot, or one under .local, .lan, .home.arpa, .internal.
 * A page whose name an attacker's DNS moved to our address (DNS
 * rebinding) has an Origin that matches its Host, but not such a name. */
static bool local_name(const char *host)
{
	size_t n = host[0] == '[' ? strcspn(host, "]") : strcspn(host, ":");
	if (host[0] == '[' || strspn(host, "0123456789.") >= n || !memchr(host, '.', n))
		return true;
	if (n && host[n - 1] == '.')
		n--;
	return ends_with(host, n, ".local") || ends_with(host, n, ".lan") ||
	       ends_with(host, n, ".home.arpa") || ends_with(host, n, ".internal");
}

/* Another site's page may not open the socket in its visitor's name:
 * Origin absent (not a browser), allowed by -o, or this server's own
 * page under a LAN name. */
static bool origin_ok(const struct http_req *r)
{
	if (!(r->flags & HR_ORIGIN))
		return true;
	for (unsigned i = 0; i < norigins; i++)
		if (!strcmp(origins[i], "*") || !strcasecmp(origins[i], r->origin))
			return true;
	return r->origin[0] && same_host(r->origin, r->host) && local_name(r->host);
}

static void accept_key(const char *key, char out[BASE64_LEN(SHA1_LEN)])
{
	static const char guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"; /* RFC 6455 1.3 */
	struct sha1 s;
	uint8_t d[SHA1_LEN];
	sha1_init(&s);
	sha1_update(&s, key, strlen(key));
	sha1_update(&s, guid, sizeof(guid) - 1);
	sha1_final(&s, d);
	base64_encode(out, d, sizeof(d));
}

/* RFC 6455 4.2: the handshake. From its answer on, C is an IRC client. */
static void upgrade(struct client *c)
{
	const struct http_req *r = &c->web->req;
	static const char *const proto[] = { "", "text.ircv3.net", "binary.ircv3.net" };
	char accept[BASE64_LEN(SHA1_LEN)], head[256];
	int n;

	if (r->method != HTTP_GET || r->minor < 1 || !(r->flags & HR_UPG_WS)) {
		error_page(c, 426, "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n");
		return;
	}
	if (!(r->flags & HR_CONN_UPG) || !(r->flags & HR_WS_KEY)) {
		error_page(c, 400, "");
		return;
	}
	if (!(r->flags & HR_WS_V13)) {
		error_page(c, 426, "Sec-WebSocket-Version: 13\r\n");
		return;
	}
	if (!origin_ok(r)) {
		msg("%s: WebSocket from origin '%s' refused (-o allows one)", c->host, r->origin);
		error_page(c, 403, "");
		return;
	}
	accept_key(r->key, accept);
	n = snprintf(head, sizeof(head),
		     "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
		     "Sec-WebSocket-Accept: %s\r\n%s%s%s\r\n", accept,
		     r->proto ? "Sec-WebSocket-Protocol: " : "", proto[r->proto], r->proto ? "\r\n" : "");
	send_answer(c, head, (size_t)n, NULL, 0);
	if (c->flags & F_CLOSING)
		return;
	if (conn_set_ws(&c->conn, r->proto == HTTP_PROTO_BINARY) != 0) {
		client_drop(c, "Server out of memory", NULL);
		return;
	}
	free(c->web);
	c->web = NULL;
	c->front = &front_irc;
	c->flags |= F_WEB;
	c->since = srv.now; /* registration's time starts now */
}

/* Addresses that sent an HTTP request lately: a browser there may hold a
 * speculative (preconnect) connection open, silent, for a later request.
 * io.c greets a silent newcomer from such an address as plain text (which
 * would break an HTTP answer on it) only after WEB_HOLD_MS, not GREET_MS:
 * a page's preconnects are used within that as it loads, and an nc user
 * beside a browser waits 3 s for the prompt, or presses Enter. */
#define WEB_NEAR_ADDRS 8
#define WEB_NEAR_MS    (15 * 1000)
static struct {
	char host[NET_ADDRSTR_MAX];
	int64_t ms;
} near[WEB_NEAR_ADDRS];

static void web_seen(const char *host)
{
	unsigned old = 0;
	for (unsigned i = 0; i < WEB_NEAR_ADDRS; i++) {
		if (!strcmp(near[i].host, host)) {
			old = i;
			break;
		}
		if (near[i].ms < near[old].ms)
			old = i;
	}
	strlcpy_ok(near[old].host, host, sizeof(near[old].host));
	near[old].ms = srv.now;
}

bool web_browser_near(const char *host)
{
	for (unsigned i = 0; i < WEB_NEAR_ADDRS; i++)
		if (near[i].host[0] && !strcmp(near[i].host, host))
			return srv.now - near[i].ms < WEB_NEAR_MS;
	return false;
}

static void web_line(struct client *c, char *line, size_t len, bool cut)
{
	struct web *w = c->web;
	const struct web_file *f;

	switch (http_line(&w->req, line, len, cut)) {
	case HTTP_MORE:
		return;
	case HTTP_FAIL:
		error_page(c, w->req.status, w->req.status == 405 ? "Allow: GET, HEAD\r\n" : "");
		return;
	case HTTP_DONE:
		break;
	}
	w->served++;
	web_seen(c->host);
	if (!strcmp(w->req.path, "/socket"))
		upgrade(c);
	else if ((f = find(w->req.path)))
		serve_file(c, f);
	else
		error_page(c, 404, "");
}

static bool web_start(struct client *c)
{
	c->web = calloc(1, sizeof(*c->web));
	if (!c->web) {
		client_drop(c, "Server out of memory", NULL);
		return false;
	}
	conn_set_telnet(&c->conn, false);
	conn_set_blank_lines(&c->conn, true);
	return true;
}

const struct front front_http = { .line = web_line, .start = web_start, .wire = W_IRC };

/* Slowloris: a request head gets WEB_TIMEOUT_MS (or -T, if shorter) in
 * all, however slowly its bytes come; an idle keep-alive connection as
 * long. The first gets 408, the second is closed. */
void web_tick(struct client *c)
{
	int64_t limit = MIN((int64_t)srv.reg_ms, WEB_TIMEOUT_MS);
	if (srv.now - c->since <= limit)
		return;
	if (c->web && (c->web->req.started || c->conn.nleft))
		error_page(c, 408, "");
	else
		client_drop(c, "HTTP idle", NULL);
}
