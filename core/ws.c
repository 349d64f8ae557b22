/* ws.c - WebSocket frames (RFC 6455 section 5): the client's decoded into
 * lines, strictly; the server's encoded. No extensions are negotiated, so
 * any RSV bit is a protocol error. */
#include "ws.h"
#include "chatbox.h"
#include "utf8.h"

#include <errno.h>
#include <string.h>

static void fail(struct ws *w, uint16_t code, int err)
{
	w->closed = true;
	w->close_code = code;
	w->err = err;
}

/* One byte of a text message through the UTF-8 check (RFC 3629's table:
 * no overlongs, no surrogates, nothing past U+10FFFF); false if invalid. */
static bool utf8_step(uint8_t *need, uint8_t *lo, uint8_t *hi, uint8_t b)
{
	if (*need) {
		if (b < *lo || b > *hi)
			return false;
		(*need)--;
		*lo = 0x80, *hi = 0xBF;
		return true;
	}
	*lo = 0x80, *hi = 0xBF;
	if (b < 0x80)
		return true;
	if (b >= 0xC2 && b <= 0xDF)
		*need = 1;
	else if (b >= 0xE0 && b <= 0xEF)
		*need = 2, *lo = b == 0xE0 ? 0xA0 : 0x80, *hi = b == 0xED ? 0x9F : 0xBF;
	else if (b >= 0xF0 && b <= 0xF4)
		*need = 3, *lo = b == 0xF0 ? 0x90 : 0x80, *hi = b == 0xF4 ? 0x8F : 0xBF;
	else
		return false;
	return true;
}

static bool utf8_valid(const uint8_t *p, size_t n)
{
	uint8_t need = 0, lo = 0x80, hi = 0xBF;
	for (size_t i = 0; i < n; i++)
		if (!utf8_step(&need, &lo, &hi, p[i]))
			return false;
	return need == 0;
}

/* The first two header bytes are in: check what they say, and how long
 * the header is. */
static void header_start(struct ws *w)
{
	uint8_t b0 = w->hdr[0], b1 = w->hdr[1], len7 = b1 & 0x7F, op = b0 & 0x0F;
	bool control = op & 8;

	w->fin = b0 & 0x80;
	w->op = op;
	if (b0 & 0x70 || (op > WS_BINARY && op != WS_CLOSE && op != WS_PING && op != WS_PONG))
		fail(w, WS_PROTOCOL, EPROTO); /* an RSV bit, or an unknown opcode */
	else if (!(b1 & 0x80))
		fail(w, WS_PROTOCOL, EPROTO); /* clients must mask (5.1) */
	else if (control && (!w->fin || len7 > WS_CTRL_MAX))
		fail(w, WS_PROTOCOL, EPROTO); /* control frames: whole, short (5.5) */
	else if (!control && (op == WS_CONT) != (w->msg_op != 0))
		fail(w, WS_PROTOCOL, EPROTO); /* a continuation of nothing, or a new message inside one */
	w->hdr_need = (uint8_t)(2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + 4);
}

static void header_done(struct ws *w)
{
	uint8_t len7 = w->hdr[1] & 0x7F, *p = w->hdr + 2;
	uint64_t len = len7;

	if (len7 == 126) {
		len = (uint64_t)p[0] << 8 | p[1];
		p += 2;
		if (len < 126) { /* not the shortest form (5.2) */
			fail(w, WS_PROTOCOL, EPROTO);
			return;
		}
	} else if (len7 == 127) {
		len = 0;
		for (int i = 0; i < 8; i++)
			len = len << 8 | p[i];
		p += 8;
		if (len >> 63 || len < 65536) {
			fail(w, WS_PROTOCOL, EPROTO);
			return;
		}
	}
	if (!(w->op & 8) && (len > WS_FRAME_MAX ||
			     (w->op == WS_CONT ? w->msglen : 0) + len > WS_MSG_MAX)) {
		fail(w, WS_TOO_BIG, EMSGSIZE);
		return;
	}
	memcpy(w->mask, p, 4);
	w->mpos = 0;
	w->left = (uint32_t)len;
	w->in_frame = true;
	if (w->op == WS_TEXT || w->op == WS_BINARY) {
		w->msg_op = w->op;
		w->msglen = 0;
		w->u_need = 0;
	}
}

static bool close_code_ok(unsigned code)
{
	return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) ||
	       (code >= 3000 && code <= 4999);
}

/* A close frame came: answer with its code (5.5.1), or say what is wrong with it. */
static void got_close(struct ws *w)
{
	unsigned code;
	if (w->nctrl == 0) {
		fail(w, WS_NORMAL, 0);
		return;
	}
	code = w->nctrl >= 2 ? (unsigned)w->ctrl[0] << 8 | w->ctrl[1] : 0;
	if (!close_code_ok(code)) { /* a code cut in half, or not one to send (7.4) */
		fail(w, WS_PROTOCOL, EPROTO);
		return;
	}
	if (!utf8_valid(w->ctrl + 2, w->nctrl - 2u)) {
		fail(w, WS_BAD_DATA, EILSEQ);
		return;
	}
	fail(w, (uint16_t)code, 0);
}

static void frame_end(struct ws *w, char *out, size_t *o)
{
	w->in_frame = false;
	w->nhdr = 0;
	if (w->op == WS_PING) {
		w->pong = true;
		w->pong_len = w->nctrl;
		memcpy(w->pong_data, w->ctrl, w->nctrl);
	} else if (w->op == WS_CLOSE) {
		got_close(w);
	} else if (w->op < WS_CLOSE && w->fin) {
		if (w->msg_op == WS_TEXT && w->u_need) { /* a character cut off at the end */
			fail(w, WS_BAD_DATA, EILSEQ);
			return;
		}
		out[(*o)++] = '\n';
		w->msg_op = 0;
	}
	w->nctrl = 0;
}

/* K payload bytes of a data frame, unmasked into OUT. */
static size_t data_bytes(struct ws *w, const uint8_t *in, size_t k, char *out)
{
	size_t j;
	for (j = 0; j < k; j++) {
		uint8_t b = in[j] ^ w->mask[w->mpos++ & 3];
		if (b == '\r' || b == '\n' || b == '\0') {
			fail(w, WS_POLICY, EPROTO); /* a message is one line */
			break;
		}
		if (w->msg_op == WS_TEXT && !utf8_step(&w->u_need, &w->u_lo, &w->u_hi, b)) {
			fail(w, WS_BAD_DATA, EILSEQ);
			break;
		}
		out[j] = (char)b;
	}
	w->msglen += (uint32_t)j;
	return j;
}

size_t ws_decode(struct ws *w, const char *input, size_t n, char *out)
{
	const uint8_t *in = (const uint8_t *)input;
	size_t i = 0, o = 0;

	if (w->skip_lf && n) { /* the LF of the handshake's last CRLF */
		w->skip_lf = false;
		i = in[0] == '\n';
	}
	while (i < n && !w->closed) {
		if (!w->in_frame) {
			w->hdr[w->nhdr++] = in[i++];
			if (w->nhdr == 2)
				header_start(w);
			if (w->nhdr > 2 && w->nhdr == w->hdr_need && !w->closed)
				header_done(w);
			if (w->in_frame && w->left == 0)
				frame_end(w, out, &o);
			continue;
		}
		size_t k = MIN((size_t)w->left, n - i);
		if (w->op & 8) {
			for (size_t j = 0; j < k; j++)
				w->ctrl[w->nctrl++] = in[i + j] ^ w->mask[w->mpos++ & 3];
		} else {
			size_t done = data_bytes(w, in + i, k, out + o);
			o += done;
			if (done < k)
				break;
		}
		i += k;
		w->left -= (uint32_t)k;
		if (w->left == 0)
			frame_end(w, out, &o);
	}
	return o;
}

static size_t put_header(char *dst, int op, size_t n)
{
	dst[0] = (char)(0x80 | op);
	if (n < 126) {
		dst[1] = (char)n;
		return 2;
	}
	dst[1] = 126;
	dst[2] = (char)(n >> 8);
	dst[3] = (char)n;
	return 4;
}

size_t ws_frame(const struct ws *w, char *dst, size_t cap, const char *p, size_t n)
{
	static const char bad[] = "\xEF\xBF\xBD"; /* U+FFFD */
	size_t len = n, h, o;
	uint32_t cp;

	if (!w->binary) {
		len = 0;
		for (size_t i = 0; i < n;) {
			size_t k = utf8_decode(p + i, n - i, &cp);
			len += cp == UTF8_BAD && k == 1 ? 3 : k;
			i += k;
		}
	}
	if (len > 65535 || len + 4 > cap)
		return 0;
	h = o = put_header(dst, w->binary ? WS_BINARY : WS_TEXT, len);
	if (w->binary || len == n) {
		memcpy(dst + h, p, n);
		return h + n;
	}
	for (size_t i = 0; i < n;) {
		size_t k = utf8_decode(p + i, n - i, &cp);
		if (cp == UTF8_BAD && k == 1)
			memcpy(dst + o, bad, 3), o += 3;
		else
			memcpy(dst + o, p + i, k), o += k;
		i += k;
	}
	return o;
}

size_t ws_control(char *dst, int op, const void *p, size_t n)
{
	size_t h = put_header(dst, op, n);
	memcpy(dst + h, p, n);
	return h + n;
}
