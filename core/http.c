/* http.c - an HTTP/1.1 request head, strictly (RFC 9112): single spaces
 * in the request line, no whitespace before a header's colon, no folded
 * lines, no control characters, one Host; any sign of a body refused. */
#include "http.h"
#include "base64.h"

#include <string.h>
#include <strings.h>

void http_req_init(struct http_req *r)
{
	memset(r, 0, sizeof(*r));
}

static enum http_step fail(struct http_req *r, unsigned status)
{
	r->status = (uint16_t)status;
	return HTTP_FAIL;
}

/* RFC 9110 5.6.2's tchar */
static bool tchar(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       (ch && strchr("!#$%&'*+-.^_`|~", ch));
}

static bool all_tchar(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!tchar((unsigned char)s[i]))
			return false;
	return n > 0;
}

static bool visible(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7F)
			return false;
	return n > 0;
}

/* "HTTP/d.d": the major version, or -1. */
static int version(const char *s, size_t n, uint8_t *minor)
{
	if (n != 8 || memcmp(s, "HTTP/", 5) != 0 || s[6] != '.' || s[5] < '0' || s[5] > '9' ||
	    s[7] < '0' || s[7] > '9')
		return -1;
	*minor = (uint8_t)(s[7] - '0');
	return s[5] - '0';
}

bool http_request_like(const char *line, size_t len)
{
	const char *sp1 = memchr(line, ' ', len), *sp2;
	uint8_t minor;
	if (!sp1 || !all_tchar(line, (size_t)(sp1 - line)))
		return false;
	sp2 = memchr(sp1 + 1, ' ', len - (size_t)(sp1 + 1 - line));
	return sp2 && sp2 > sp1 + 1 && version(sp2 + 1, len - (size_t)(sp2 + 1 - line), &minor) >= 0;
}

static enum http_step request_line(struct http_req *r, const char *line, size_t len)
{
	const char *sp1 = memchr(line, ' ', len), *sp2, *t, *q;
	size_t tlen;

	if (!sp1 || !all_tchar(line, (size_t)(sp1 - line)))
		return fail(r, 400);
	sp2 = memchr(sp1 + 1, ' ', len - (size_t)(sp1 + 1 - line));
	if (!sp2)
		return fail(r, 400);
	t = sp1 + 1;
	tlen = (size_t)(sp2 - t);
	int major = version(sp2 + 1, len - (size_t)(sp2 + 1 - line), &r->minor);
	if (major < 0 || !visible(t, tlen))
		return fail(r, 400);
	if (major != 1)
		return fail(r, 505);
	r->started = true;
	if ((size_t)(sp1 - line) == 3 && !memcmp(line, "GET", 3))
		r->method = HTTP_GET;
	else if ((size_t)(sp1 - line) == 4 && !memcmp(line, "HEAD", 4))
		r->method = HTTP_HEAD;
	else
		r->method = HTTP_OTHER;
	if (r->method == HTTP_OTHER)
		return fail(r, 405);
	/* absolute-form (9112 3.2.2): only its path counts here */
	if (tlen > 7 && (!strncasecmp(t, "http://", 7) || !strncasecmp(t, "https://", 8))) {
		const char *a = (const char *)memchr(t, ':', tlen) + 3;
		const char *p = memchr(a, '/', tlen - (size_t)(a - t));
		tlen = p ? tlen - (size_t)(p - t) : 0;
		t = p ? p : "/";
		tlen = p ? tlen : 1;
	}
	if (t[0] != '/')
		return fail(r, 400);
	q = memchr(t, '?', tlen);
	if (q)
		tlen = (size_t)(q - t);
	if (tlen >= sizeof(r->path))
		return fail(r, 414);
	memcpy(r->path, t, tlen);
	r->path[tlen] = '\0';
	return HTTP_MORE;
}

/* The next element of a comma-separated list V[*I..N), OWS trimmed; false at its end. */
static bool next_elem(const char *v, size_t n, size_t *i, const char **e, size_t *elen)
{
	while (*i < n && (v[*i] == ',' || v[*i] == ' ' || v[*i] == '\t'))
		(*i)++;
	if (*i >= n)
		return false;
	size_t start = *i;
	while (*i < n && v[*i] != ',')
		(*i)++;
	size_t end = *i;
	while (end > start && (v[end - 1] == ' ' || v[end - 1] == '\t'))
		end--;
	*e = v + start;
	*elen = end - start;
	return true;
}

/* E[0..N) up to a ';', trimmed, equals TOK (case-insensitively). */
static bool elem_is(const char *e, size_t n, const char *tok)
{
	const char *semi = memchr(e, ';', n);
	size_t k = semi ? (size_t)(semi - e) : n, t = strlen(tok);
	while (k && (e[k - 1] == ' ' || e[k - 1] == '\t'))
		k--;
	return k == t && !strncasecmp(e, tok, t);
}

static bool list_has(const char *v, size_t n, const char *tok)
{
	const char *e;
	size_t i = 0, elen;
	while (next_elem(v, n, &i, &e, &elen))
		if (elem_is(e, elen, tok))
			return true;
	return false;
}

/* An Accept-Encoding element's q is 0 ("q=0", "q=0.0"...). */
static bool q_zero(const char *e, size_t n)
{
	const char *q = NULL;
	for (size_t i = 0; i + 2 <= n; i++)
		if ((e[i] == 'q' || e[i] == 'Q') && e[i + 1] == '=' && i && (e[i - 1] == ';' || e[i - 1] == ' '))
			q = e + i + 2;
	if (!q || *q != '0')
		return false;
	for (q++; q < e + n && *q != ';' && *q != ' '; q++)
		if (*q != '.' && *q != '0')
			return false;
	return true;
}

/* gzip listed with q > 0, or not listed and "*" with q > 0 (9110 12.5.3). */
static int gzip_ok(const char *v, size_t n)
{
	const char *e;
	size_t i = 0, elen;
	int gz = -1, star = -1;
	while (next_elem(v, n, &i, &e, &elen)) {
		if (elem_is(e, elen, "gzip") || elem_is(e, elen, "x-gzip"))
			gz = !q_zero(e, elen);
		else if (elem_is(e, elen, "*"))
			star = !q_zero(e, elen);
	}
	return gz >= 0 ? gz : star > 0;
}

static bool copy(char *dst, size_t cap, const char *v, size_t n)
{
	if (n >= cap)
		return false;
	memcpy(dst, v, n);
	dst[n] = '\0';
	return true;
}

static bool host_chars(const char *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)v[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		      strchr(".-_:[]", ch)))
			return false;
	}
	return true;
}

static bool is(const char *name, size_t n, const char *want)
{
	return strlen(want) == n && !strncasecmp(name, want, n);
}

/* The WebSocket headers (RFC 6455 4.2.1) and the subprotocol (IRCv3). */
static enum http_step ws_header(struct http_req *r, const char *name, size_t nn, const char *v, size_t n)
{
	uint8_t key[18];
	const char *e;
	size_t i = 0, elen;

	if (is(name, nn, "sec-websocket-version")) {
		r->flags |= HR_WS_VER;
		if (n == 2 && !memcmp(v, "13", 2))
			r->flags |= HR_WS_V13;
	} else if (is(name, nn, "sec-websocket-key")) {
		if (r->key[0] || base64_decode(key, sizeof(key), v, n) != 16 || !copy(r->key, sizeof(r->key), v, n))
			return fail(r, 400);
		r->flags |= HR_WS_KEY;
	} else if (is(name, nn, "sec-websocket-protocol")) {
		while (!r->proto && next_elem(v, n, &i, &e, &elen))
			r->proto = elem_is(e, elen, "text.ircv3.net")     ? HTTP_PROTO_TEXT
				 : elem_is(e, elen, "binary.ircv3.net") ? HTTP_PROTO_BINARY
									: HTTP_PROTO_NONE;
	}
	return HTTP_MORE;
}

static enum http_step header(struct http_req *r, const char *line, size_t len)
{
	const char *colon = memchr(line, ':', len), *v;
	size_t nn, n;

	if (!colon || !all_tchar(line, nn = (size_t)(colon - line)))
		return fail(r, 400); /* a folded line, a space before the colon, no name */
	v = colon + 1;
	n = len - nn - 1;
	while (n && (*v == ' ' || *v == '\t'))
		v++, n--;
	while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)v[i] < 0x20 && v[i] != '\t') || v[i] == 0x7F)
			return fail(r, 400);
	if (is(line, nn, "host")) {
		if (r->flags & HR_HOST || !host_chars(v, n) || !copy(r->host, sizeof(r->host), v, n))
			return fail(r, 400);
		r->flags |= HR_HOST;
	} else if (is(line, nn, "origin")) {
		if (r->flags & HR_ORIGIN)
			return fail(r, 400);
		r->flags |= HR_ORIGIN; /* too long to keep: matches nothing */
		if (!copy(r->origin, sizeof(r->origin), v, n))
			r->origin[0] = '\0';
	} else if (is(line, nn, "connection")) {
		r->flags |= (list_has(v, n, "close") ? HR_CLOSE : 0) |
			    (list_has(v, n, "keep-alive") ? HR_KEEPALIVE : 0) |
			    (list_has(v, n, "upgrade") ? HR_CONN_UPG : 0);
	} else if (is(line, nn, "upgrade")) {
		r->flags |= HR_UPGRADE | (list_has(v, n, "websocket") ? HR_UPG_WS : 0);
	} else if (is(line, nn, "accept-encoding")) {
		r->flags |= gzip_ok(v, n) ? HR_GZIP : 0;
	} else if (is(line, nn, "if-none-match")) {
		if (!(r->flags & HR_INM) && copy(r->inm, sizeof(r->inm), v, n))
			r->flags |= HR_INM;
	} else if (is(line, nn, "content-length")) {
		if (!n || strspn(v, "0123456789") < n)
			return fail(r, 400);
		if (strspn(v, "0") < n)
			return fail(r, 413); /* no request here has a body */
	} else if (is(line, nn, "transfer-encoding")) {
		return fail(r, 413);
	} else if (nn > 14 && !strncasecmp(line, "sec-websocket-", 14)) {
		return ws_header(r, line, nn, v, n);
	}
	return HTTP_MORE;
}

enum http_step http_line(struct http_req *r, const char *line, size_t len, bool cut)
{
	if (cut)
		return fail(r, r->started ? 431 : 414);
	r->size = (uint16_t)(r->size + len + 2);
	if (r->size > HTTP_HEAD_MAX)
		return fail(r, 431);
	if (!r->started)
		return len ? request_line(r, line, len) : HTTP_MORE; /* 9112 2.2: a CRLF before it is let pass */
	if (len)
		return header(r, line, len);
	if (r->minor >= 1 && !(r->flags & HR_HOST))
		return fail(r, 400);
	return HTTP_DONE;
}

bool http_etag_match(const struct http_req *r, const char *etag)
{
	const char *e;
	size_t i = 0, elen, n = strlen(r->inm);
	if (!(r->flags & HR_INM))
		return false;
	while (next_elem(r->inm, n, &i, &e, &elen)) {
		if (elen == 1 && *e == '*')
			return true;
		if (elen > 2 && !memcmp(e, "W/", 2)) /* weak comparison (9110 13.1.2) */
			e += 2, elen -= 2;
		if (elen == strlen(etag) && !memcmp(e, etag, elen))
			return true;
	}
	return false;
}
