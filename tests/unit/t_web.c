/* t_web.c - the web parts of core/: SHA-1 against RFC 3174's vectors,
 * base64 against RFC 4648's, the handshake's example of RFC 6455, the
 * HTTP head parser and the WebSocket frame decoder/encoder. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base64.h"
#include "http.h"
#include "sha1.h"
#include "unit.h"
#include "ws.h"

static void hex(const uint8_t *d, char out[41])
{
	for (int i = 0; i < 20; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void sha1_of(const char *s, size_t n, unsigned times, char out[41])
{
	struct sha1 h;
	uint8_t d[SHA1_LEN];
	sha1_init(&h);
	for (unsigned i = 0; i < times; i++)
		sha1_update(&h, s, n);
	sha1_final(&h, d);
	hex(d, out);
}

UNIT(sha1_rfc3174_vectors)
{
	char out[41];
	static const char a[] = "a";
	sha1_of("abc", 3, 1, out);
	CHECK_STR(out, "a9993e364706816aba3e25717850c26c9cd0d89d");
	sha1_of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, 1, out);
	CHECK_STR(out, "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
	sha1_of(a, 1, 1000000, out);
	CHECK_STR(out, "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
	sha1_of("0123456701234567012345670123456701234567012345670123456701234567", 64, 10, out);
	CHECK_STR(out, "dea356a2cddd90c7a7ecedc5ebb563934f460452");
	sha1_of("", 0, 1, out);
	CHECK_STR(out, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
}

UNIT(base64_rfc4648_vectors)
{
	static const char *const v[][2] = {
		{ "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" }, { "foo", "Zm9v" },
		{ "foob", "Zm9vYg==" }, { "fooba", "Zm9vYmE=" }, { "foobar", "Zm9vYmFy" },
	};
	char enc[16];
	uint8_t dec[16];
	for (unsigned i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		size_t n = strlen(v[i][0]);
		CHECK(base64_encode(enc, v[i][0], n) == strlen(v[i][1]));
		CHECK_STR(enc, v[i][1]);
		CHECK(base64_decode(dec, sizeof(dec), v[i][1], strlen(v[i][1])) == (long)n);
		CHECK(memcmp(dec, v[i][0], n) == 0);
	}
	/* strict: no missing padding, no bits past the data, nothing after '=' */
	CHECK(base64_decode(dec, sizeof(dec), "Zg", 2) == -1);
	CHECK(base64_decode(dec, sizeof(dec), "Zh==", 4) == -1);
	CHECK(base64_decode(dec, sizeof(dec), "Z===", 4) == -1);
	CHECK(base64_decode(dec, sizeof(dec), "Zg=a", 4) == -1);
	CHECK(base64_decode(dec, sizeof(dec), "Zg==Zg==", 8) == -1);
	CHECK(base64_decode(dec, sizeof(dec), "Zm 9", 4) == -1);
	CHECK(base64_decode(dec, 2, "Zm9v", 4) == -1);
}

UNIT(websocket_accept_rfc6455_example)
{
	static const char key[] = "dGhlIHNhbXBsZSBub25jZQ==258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
	struct sha1 h;
	uint8_t d[SHA1_LEN];
	char out[BASE64_LEN(SHA1_LEN)];
	sha1_init(&h);
	sha1_update(&h, key, strlen(key));
	sha1_final(&h, d);
	base64_encode(out, d, sizeof(d));
	CHECK_STR(out, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

/* Each line of HEAD (LF-separated, a last empty one ends it) through the parser. */
static enum http_step feed(struct http_req *r, const char *head)
{
	char line[512];
	enum http_step s = HTTP_MORE;
	http_req_init(r);
	while (s == HTTP_MORE && *head) {
		size_t n = strcspn(head, "\n");
		memcpy(line, head, n);
		line[n] = '\0';
		s = http_line(r, line, n, false);
		head += n + (head[n] == '\n');
	}
	return s;
}

UNIT(http_head)
{
	struct http_req r;
	CHECK(http_request_like("GET / HTTP/1.1", 14));
	CHECK(http_request_like("OPTIONS * HTTP/2.0", 18));
	CHECK(!http_request_like("NICK ana", 8));
	CHECK(!http_request_like("GET / HTTP/1.1 ", 15));
	CHECK(!http_request_like("hello there HTTP/1", 18));
	CHECK(feed(&r, "GET /app.js?x=1 HTTP/1.1\nHost: a:1\nAccept-Encoding: br, gzip;q=0.5\n\n") == HTTP_DONE);
	CHECK_STR(r.path, "/app.js");
	CHECK_STR(r.host, "a:1");
	CHECK(r.flags & HR_GZIP);
	CHECK(feed(&r, "GET / HTTP/1.1\nHost: a\nAccept-Encoding: gzip;q=0, *\n\n") == HTTP_DONE && !(r.flags & HR_GZIP));
	CHECK(feed(&r, "GET / HTTP/1.1\nHost: a\nAccept-Encoding: *;q=0.1\n\n") == HTTP_DONE && (r.flags & HR_GZIP));
	CHECK(feed(&r, "GET / HTTP/1.1\nHost: a\nAccept-Encoding: identity\n\n") == HTTP_DONE && !(r.flags & HR_GZIP));
	CHECK(feed(&r, "GET / HTTP/1.1\n\n") == HTTP_FAIL && r.status == 400); /* no Host */
	CHECK(feed(&r, "GET / HTTP/1.0\n\n") == HTTP_DONE);
	CHECK(feed(&r, "GET / HTTP/1.1\nHost: a\nHost: b\n\n") == HTTP_FAIL && r.status == 400);
	CHECK(feed(&r, "GET / HTTP/1.1\nHost : a\n\n") == HTTP_FAIL && r.status == 400);
	CHECK(feed(&r, "GET / HTTP/1.1\nHost: a\n folded\n\n") == HTTP_FAIL && r.status == 400);
	CHECK(feed(&r, "GET  / HTTP/1.1\n") == HTTP_FAIL && r.status == 400);
	CHECK(feed(&r, "POST / HTTP/1.1\n") == HTTP_FAIL && r.status == 405);
	CHECK(feed(&r, "GET / HTTP/2.0\n") == HTTP_FAIL && r.status == 505);
	CHECK(feed(&r, "GET x HTTP/1.1\n") == HTTP_FAIL && r.status == 400);
	CHECK(feed(&r, "GET http://h:1/a.css HTTP/1.1\nHost: h:1\n\n") == HTTP_DONE);
	CHECK_STR(r.path, "/a.css");
	CHECK(feed(&r, "GET / HTTP/1.1\nHost: a\nContent-Length: 0\n\n") == HTTP_DONE);
	CHECK(feed(&r, "GET / HTTP/1.1\nHost: a\nContent-Length: 5\n\n") == HTTP_FAIL && r.status == 413);
	CHECK(feed(&r, "GET / HTTP/1.1\nHost: a\nContent-Length: -1\n\n") == HTTP_FAIL && r.status == 400);
	CHECK(feed(&r, "GET / HTTP/1.1\nHost: a\nTransfer-Encoding: chunked\n\n") == HTTP_FAIL && r.status == 413);
	CHECK(feed(&r, "GET / HTTP/1.1\nHost: a\nX: a\x01z\n\n") == HTTP_FAIL && r.status == 400);
	CHECK(feed(&r, "GET / HTTP/1.1\nHost: a\nIf-None-Match: W/\"x\", \"abc\"\n\n") == HTTP_DONE);
	CHECK(http_etag_match(&r, "\"abc\"") && http_etag_match(&r, "\"x\"") && !http_etag_match(&r, "\"ab\""));
	CHECK(feed(&r, "GET /socket HTTP/1.1\nHost: a\nUpgrade: WebSocket\nConnection: keep-alive, Upgrade\n"
		  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\nSec-WebSocket-Version: 13\n"
		  "Sec-WebSocket-Protocol: foo, binary.ircv3.net, text.ircv3.net\n\n") == HTTP_DONE);
	CHECK((r.flags & (HR_UPG_WS | HR_CONN_UPG | HR_WS_KEY | HR_WS_V13 | HR_KEEPALIVE)) ==
	      (HR_UPG_WS | HR_CONN_UPG | HR_WS_KEY | HR_WS_V13 | HR_KEEPALIVE));
	CHECK(r.proto == HTTP_PROTO_BINARY);
	CHECK(feed(&r, "GET /socket HTTP/1.1\nHost: a\nSec-WebSocket-Key: c2hvcnQ=\n\n") == HTTP_FAIL && r.status == 400);
}

UNIT(http_head_bounds)
{
	struct http_req r;
	char line[HTTP_PATH_MAX + 32];
	http_req_init(&r);
	snprintf(line, sizeof(line), "GET /%0*d HTTP/1.1", HTTP_PATH_MAX, 0);
	CHECK(http_line(&r, line, strlen(line), false) == HTTP_FAIL && r.status == 414);
	http_req_init(&r);
	CHECK(http_line(&r, "GET / HTTP/1.1", 14, false) == HTTP_MORE);
	CHECK(http_line(&r, "X: y", 4, true) == HTTP_FAIL && r.status == 431);
	http_req_init(&r);
	CHECK(http_line(&r, "GET / HTTP/1.1", 14, false) == HTTP_MORE);
	enum http_step s = HTTP_MORE;
	for (int i = 0; i < 1000 && s == HTTP_MORE; i++)
		s = http_line(&r, "X-Filler: 0123456789012345678901234567890123456789", 50, false);
	CHECK(s == HTTP_FAIL && r.status == 431 && r.size <= HTTP_HEAD_MAX + 52);
}

/* A masked client frame of OP (FIN if FIN) with P[0..N) into OUT; its length. */
static size_t cframe(uint8_t *out, int op, bool fin, const char *p, size_t n)
{
	static const uint8_t mask[4] = { 0x12, 0x34, 0x56, 0x78 };
	size_t h = 2;
	out[0] = (uint8_t)((fin ? 0x80 : 0) | op);
	if (n < 126) {
		out[1] = (uint8_t)(0x80 | n);
	} else {
		out[1] = 0x80 | 126;
		out[2] = (uint8_t)(n >> 8), out[3] = (uint8_t)n;
		h = 4;
	}
	memcpy(out + h, mask, 4);
	for (size_t i = 0; i < n; i++)
		out[h + 4 + i] = (uint8_t)p[i] ^ mask[i & 3];
	return h + 4 + n;
}

UNIT(ws_decode_messages)
{
	struct ws w;
	uint8_t in[256];
	char out[257];
	size_t n = 0, o;

	memset(&w, 0, sizeof(w));
	n += cframe(in + n, WS_TEXT, false, "PRIVMSG #a :h", 13);
	n += cframe(in + n, WS_PING, true, "hi", 2); /* between the fragments */
	n += cframe(in + n, WS_CONT, true, "\xc3\xa9", 2);
	n += cframe(in + n, WS_BINARY, true, "NICK \xff", 6);
	/* byte by byte: every state kept across calls; OUT one byte behind */
	o = 0;
	for (size_t i = 0; i < n; i++)
		o += ws_decode(&w, (char *)in + i, 1, out + o);
	CHECK(!w.closed);
	CHECK(o == 13 + 2 + 1 + 6 + 1 && memcmp(out, "PRIVMSG #a :h\xc3\xa9\nNICK \xff\n", o) == 0);
	CHECK(w.pong && w.pong_len == 2 && memcmp(w.pong_data, "hi", 2) == 0);
	/* all at once, in place */
	memset(&w, 0, sizeof(w));
	memcpy(out, in, n);
	o = ws_decode(&w, out, n, out);
	CHECK(o == 23 && memcmp(out, "PRIVMSG #a :h\xc3\xa9\nNICK \xff\n", o) == 0);
}

/* The close code that decoding FRAME gives, from a fresh state. */
static unsigned close_code(const uint8_t *frame, size_t n, int *err)
{
	struct ws w;
	char out[8192];
	memset(&w, 0, sizeof(w));
	ws_decode(&w, (const char *)frame, n, out);
	*err = w.err;
	return w.closed ? w.close_code : 0;
}

UNIT(ws_decode_errors)
{
	uint8_t f[8192];
	char big[WS_FRAME_MAX + 1];
	int err;
	size_t n;

	n = cframe(f, WS_TEXT, true, "hi", 2);
	f[1] &= 0x7F; /* unmasked */
	CHECK(close_code(f, n, &err) == WS_PROTOCOL && err == EPROTO);
	n = cframe(f, WS_TEXT, true, "hi", 2);
	f[0] |= 0x40; /* RSV1 */
	CHECK(close_code(f, n, &err) == WS_PROTOCOL);
	n = cframe(f, 3, true, "hi", 2); /* reserved opcode */
	CHECK(close_code(f, n, &err) == WS_PROTOCOL);
	n = cframe(f, WS_CONT, true, "hi", 2); /* continuing nothing */
	CHECK(close_code(f, n, &err) == WS_PROTOCOL);
	n = cframe(f, WS_PING, false, "hi", 2); /* fragmented control frame */
	CHECK(close_code(f, n, &err) == WS_PROTOCOL);
	n = cframe(f, WS_TEXT, false, "a", 1);
	n += cframe(f + n, WS_TEXT, true, "b", 1); /* a new message inside one */
	CHECK(close_code(f, n, &err) == WS_PROTOCOL);
	n = cframe(f, WS_TEXT, true, "\xc3\x28", 2);
	CHECK(close_code(f, n, &err) == WS_BAD_DATA && err == EILSEQ);
	n = cframe(f, WS_TEXT, true, "\xed\xa0\x80", 3); /* a surrogate */
	CHECK(close_code(f, n, &err) == WS_BAD_DATA);
	n = cframe(f, WS_TEXT, true, "\xe2\x82", 2); /* cut at the end */
	CHECK(close_code(f, n, &err) == WS_BAD_DATA);
	n = cframe(f, WS_TEXT, true, "a\r\nb", 4);
	CHECK(close_code(f, n, &err) == WS_POLICY);
	memset(big, 'x', sizeof(big));
	n = cframe(f, WS_TEXT, true, big, sizeof(big));
	CHECK(close_code(f, n, &err) == WS_TOO_BIG && err == EMSGSIZE);
	n = cframe(f, WS_TEXT, false, big, 3000);
	n += cframe(f + n, WS_CONT, true, big, 3000); /* a message past WS_MSG_MAX */
	CHECK(close_code(f, n, &err) == WS_TOO_BIG);
	n = cframe(f, WS_CLOSE, true, "\x03\xe8", 2);
	CHECK(close_code(f, n, &err) == WS_NORMAL && err == 0);
	n = cframe(f, WS_CLOSE, true, "\x0f\xa0", 2); /* 4000: an application's code, echoed */
	CHECK(close_code(f, n, &err) == 4000 && err == 0);
	n = cframe(f, WS_CLOSE, true, "\x03\xed", 2); /* 1005 may not be sent */
	CHECK(close_code(f, n, &err) == WS_PROTOCOL);
	n = cframe(f, WS_CLOSE, true, "\x03", 1);
	CHECK(close_code(f, n, &err) == WS_PROTOCOL);
	n = cframe(f, WS_CLOSE, true, "\x03\xe8\xff", 3);
	CHECK(close_code(f, n, &err) == WS_BAD_DATA);
}

UNIT(ws_frame_out)
{
	struct ws w;
	char out[64];
	memset(&w, 0, sizeof(w));
	CHECK(ws_frame(&w, out, sizeof(out), "hi", 2) == 4 && memcmp(out, "\x81\x02hi", 4) == 0);
	/* text frames: invalid UTF-8 becomes U+FFFD */
	CHECK(ws_frame(&w, out, sizeof(out), "a\xff", 2) == 6 && memcmp(out, "\x81\x04" "a\xef\xbf\xbd", 6) == 0);
	w.binary = true;
	CHECK(ws_frame(&w, out, sizeof(out), "a\xff", 2) == 4 && memcmp(out, "\x82\x02" "a\xff", 4) == 0);
	CHECK(ws_frame(&w, out, 5, "abcd", 4) == 0); /* does not fit */
}
