"""web_test - an HTTP/1.1 and WebSocket client of our own for the web
tests (test tooling only): raw sockets, so every byte sent is chosen,
malformed ones included, and every byte received is seen.

    c = Http(port); c.send(b"GET / HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n")
    r = c.response()            # .status, .headers (lower-case names), .body
    w = Ws(port)                # the handshake done (101 checked)
    w.send_frame(1, b"NICK ana"); op, payload = w.recv_frame()

Every wait is bounded (timeouts scale with chatbox_test.SLOW).
"""
import base64
import hashlib
import os
import socket
import struct
import time

from chatbox_test import SLOW

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


class Response:
    def __init__(self, status, reason, headers, body, raw_head):
        self.status, self.reason, self.headers, self.body, self.raw_head = \
            status, reason, headers, body, raw_head

    def h(self, name):
        return self.headers.get(name.lower())

    def __repr__(self):
        return "<%d %s %r>" % (self.status, self.reason, self.headers)


class Http:
    """One TCP connection to 127.0.0.1:PORT speaking HTTP/1.1."""

    def __init__(self, port, timeout=5.0):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout * SLOW)
        self.buf = b""
        self.timeout = timeout

    def send(self, data):
        self.sock.sendall(data)

    def get(self, path, headers=(), method="GET"):
        lines = ["%s %s HTTP/1.1" % (method, path), "Host: 127.0.0.1"] + list(headers)
        self.send(("\r\n".join(lines) + "\r\n\r\n").encode())

    def _more(self, deadline):
        self.sock.settimeout(max(0.01, deadline - time.monotonic()))
        d = self.sock.recv(65536)
        if not d:
            raise EOFError("connection closed; had %r" % self.buf[:200])
        self.buf += d

    def _until(self, sep, deadline):
        while sep not in self.buf:
            if time.monotonic() > deadline:
                raise TimeoutError("no %r within the time; had %r" % (sep, self.buf[:200]))
            self._more(deadline)
        i = self.buf.index(sep) + len(sep)
        out, self.buf = self.buf[:i], self.buf[i:]
        return out

    def response(self, head=False, timeout=None):
        """The next response; HEAD (or 1xx/304): no body follows."""
        deadline = time.monotonic() + (timeout or self.timeout) * SLOW
        raw = self._until(b"\r\n\r\n", deadline)
        lines = raw[:-4].split(b"\r\n")
        version, status, reason = lines[0].split(b" ", 2)
        assert version == b"HTTP/1.1", lines[0]
        headers = {}
        for l in lines[1:]:
            k, v = l.split(b":", 1)
            k = k.decode().lower()
            headers[k] = (headers[k] + ", " if k in headers else "") + v.strip().decode()
        status = int(status)
        n = 0 if head or status in (101, 304) else int(headers.get("content-length", "0"))
        while len(self.buf) < n:
            if time.monotonic() > deadline:
                raise TimeoutError("body: %d of %d bytes" % (len(self.buf), n))
            self._more(deadline)
        body, self.buf = self.buf[:n], self.buf[n:]
        return Response(status, reason.decode(), headers, body, raw)

    def closed(self, timeout=5.0):
        """True once the server closes (everything before it kept in buf)."""
        deadline = time.monotonic() + timeout * SLOW
        try:
            while time.monotonic() < deadline:
                self._more(deadline)
        except (EOFError, ConnectionResetError):
            return True
        except socket.timeout:
            return False
        return False

    def close(self):
        self.sock.close()


def ws_key():
    return base64.b64encode(os.urandom(16)).decode()


def ws_accept(key):
    return base64.b64encode(hashlib.sha1(key.encode() + GUID).digest()).decode()


def ws_request(key, path="/socket", extra=(), version="13", host="127.0.0.1"):
    lines = ["GET %s HTTP/1.1" % path, "Host: %s" % host, "Upgrade: websocket",
             "Connection: Upgrade", "Sec-WebSocket-Key: " + key,
             "Sec-WebSocket-Version: " + version] + list(extra)
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def frame(op, payload=b"", fin=True, mask=True, rsv=0, length=None):
    """A client frame; LENGTH: say another payload length than the real one."""
    n = len(payload) if length is None else length
    b0 = (0x80 if fin else 0) | rsv << 4 | op
    m = 0x80 if mask else 0
    if n < 126:
        h = struct.pack("!BB", b0, m | n)
    elif n < 65536:
        h = struct.pack("!BBH", b0, m | 126, n)
    else:
        h = struct.pack("!BBQ", b0, m | 127, n)
    if not mask:
        return h + payload
    key = os.urandom(4)
    return h + key + bytes(b ^ key[i & 3] for i, b in enumerate(payload))


class Ws(Http):
    """A WebSocket client over Http: the handshake in __init__ (101 checked
    unless CHECK is False: then .handshake holds the answer)."""

    def __init__(self, port, protocols=(), origin=None, extra=(), check=True, timeout=5.0,
                 host=None):
        super().__init__(port, timeout)
        self.key = ws_key()
        hdrs = list(extra)
        if protocols:
            hdrs.append("Sec-WebSocket-Protocol: " + ", ".join(protocols))
        if origin:
            hdrs.append("Origin: " + origin)
        self.send(ws_request(self.key, extra=hdrs, host=host or "127.0.0.1:%d" % port))
        self.handshake = self.response()
        if check:
            assert self.handshake.status == 101, self.handshake
            assert self.handshake.h("sec-websocket-accept") == ws_accept(self.key), self.handshake
        self.pending = []  # text lines got, not yet consumed by expect()
        self.lines = []

    def send_frame(self, op, payload=b"", **kw):
        self.send(frame(op, payload, **kw))

    def send_line(self, text):
        self.send_frame(1, text.encode() if isinstance(text, str) else text)

    def recv_frame(self, timeout=None):
        """(opcode, payload) of the next server frame; checks it is unmasked and whole."""
        deadline = time.monotonic() + (timeout or self.timeout) * SLOW
        while True:
            if len(self.buf) >= 2:
                b0, b1 = self.buf[0], self.buf[1]
                assert b1 & 0x80 == 0, "the server masked a frame"
                assert b0 & 0x70 == 0, "RSV bits from the server"
                n, h = b1 & 0x7F, 2
                if n == 126 and len(self.buf) >= 4:
                    n, h = struct.unpack("!H", self.buf[2:4])[0], 4
                elif n == 127 and len(self.buf) >= 10:
                    n, h = struct.unpack("!Q", self.buf[2:10])[0], 10
                if (b1 & 0x7F) < 126 or h > 2:
                    if len(self.buf) >= h + n:
                        payload, self.buf = self.buf[h:h + n], self.buf[h + n:]
                        assert b0 & 0x80, "a fragmented frame from the server"
                        return b0 & 0x0F, payload
            if time.monotonic() > deadline:
                raise TimeoutError("no whole frame; had %r" % self.buf[:100])
            self._more(deadline)

    def expect(self, rx, timeout=5.0):
        """Data frames up to one whose payload matches regex RX (str); the match."""
        import re
        r = re.compile(rx)
        deadline = time.monotonic() + timeout * SLOW
        while True:
            for i, l in enumerate(self.pending):
                m = r.search(l)
                if m:
                    del self.pending[:i + 1]
                    return m
            self.pending.clear()
            op, p = self.recv_frame(max(0.05, deadline - time.monotonic()) / SLOW)
            if op in (1, 2):
                self.pending.append(p.decode("utf-8", "replace"))
                self.lines.append(self.pending[-1])
            elif op == 8:
                raise EOFError("close frame %r; last lines %r" % (p, self.lines[-5:]))

    def close_frame(self, timeout=5.0):
        """Read on to the server's close frame: its code (None if empty)."""
        deadline = time.monotonic() + timeout * SLOW
        while True:
            op, p = self.recv_frame(max(0.05, deadline - time.monotonic()) / SLOW)
            if op == 8:
                return struct.unpack("!H", p[:2])[0] if len(p) >= 2 else None
            if op in (1, 2):
                self.lines.append(p.decode("utf-8", "replace"))

    def register(self, nick, caps=()):
        if caps:
            self.send_line("CAP LS 302")
        self.send_line("NICK " + nick)
        self.send_line("USER %s 0 * :%s" % (nick, nick))
        if caps:
            self.send_line("CAP REQ :" + " ".join(caps))
            self.expect(r" CAP \S+ ACK ")
            self.send_line("CAP END")
        self.expect(r" 001 %s " % nick)
        self.expect(r" 376 ")
        return self

    def barrier(self, tok="b"):
        """PING, up to its PONG: lines before it (pending stays)."""
        self.send_line("PING :" + tok)
        before = []
        while True:
            op, p = self.recv_frame()
            if op in (1, 2):
                s = p.decode("utf-8", "replace")
                if s.endswith("PONG %s" % tok) or s.endswith(" :" + tok) and " PONG " in s:
                    return before
                before.append(s)
                self.lines.append(s)
