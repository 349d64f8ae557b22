#!/usr/bin/python3
"""t-web-http - the chat page over HTTP/1.1 on the chat port and on -w
ports: files, gzip, ETag/304, HEAD, keep-alive and its limit, pipelining,
the security headers, every error status, and slowloris. Our own raw
client (tests/lib/web_test.py), so malformed requests are exactly ours."""
import gzip
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from chatbox_test import T, Server, Line, case, TOP, SLOW  # noqa: E402
from web_test import Http  # noqa: E402

GZ = ["Accept-Encoding: gzip, deflate"]
INDEX = open(os.path.join(TOP, "web/index.html"), "rb").read()


def security_ok(r):
    csp = r.h("content-security-policy") or ""
    return ("connect-src 'self'" in csp and "frame-ancestors 'none'" in csp and
            "script-src 'self'" in csp and "unsafe-inline" not in csp and
            r.h("x-content-type-options") == "nosniff" and r.h("referrer-policy") == "no-referrer")


with Server("-R", "0", "-T", "3") as srv:
    @case("page")
    def _():
        c = Http(srv.port)
        c.get("/", GZ)
        r = c.response()
        T.check("GET / is 200, gzip, text/html", r.status == 200 and r.h("content-encoding") == "gzip"
                and r.h("content-type").startswith("text/html"), r)
        T.check("its body is web/index.html", gzip.decompress(r.body) == INDEX)
        T.check("CSP (connect-src 'self', frame-ancestors 'none', no inline), nosniff, no-referrer",
                security_ok(r), r.headers)
        T.check("ETag and Cache-Control", re.fullmatch(r'"[0-9a-f]+"', r.h("etag") or "") is not None
                and r.h("cache-control") == "no-cache", r.headers)
        T.check("keep-alive by default", r.h("connection") == "keep-alive", r.headers)
        c.get("/index.html", GZ + ["If-None-Match: " + r.h("etag")])
        r2 = c.response()
        T.check("If-None-Match with its ETag: 304, no body, on the same connection",
                r2.status == 304 and r2.h("etag") == r.h("etag") and not r2.body, r2)
        c.get("/index.html", GZ + ['If-None-Match: "other", W/' + r.h("etag")])
        T.check("a list, with a weak tag: 304 too", c.response().status == 304)
        c.get("/", GZ + ['If-None-Match: "other"'])
        T.check("another tag: 200", c.response().status == 200)
        c.get("/", GZ, method="HEAD")
        r3 = c.response(head=True)
        T.check("HEAD: the headers of GET, no body", r3.status == 200 and
                r3.h("content-length") == r.h("content-length"), r3)
        c.get("/nope.js", GZ)
        T.check("an unknown file: 404, and the connection stays", c.response().status == 404)
        c.get("/", GZ)
        T.check("the next request after a 404 answered", c.response().status == 200)
        # two requests in one packet: answered in order
        c.send(b"GET /nope HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\nAccept-Encoding: gzip\r\n\r\n")
        T.check("pipelined requests answered in order", c.response().status == 404 and c.response().status == 200)
        c.send(b"GET / HTTP/1.1\nHost: a\nAccept-Encoding: gzip\n\n")
        T.check("bare LF line ends accepted", c.response().status == 200)
        c.get("/", GZ + ["Connection: close"])
        T.check("Connection: close is honoured", c.response().h("connection") == "close" and c.closed())

    @case("no gzip")
    def _():
        c = Http(srv.port)
        c.get("/")
        r = c.response()
        T.check("without Accept-Encoding: gzip, / is a readable page that says so",
                r.status == 200 and r.h("content-encoding") is None and b"gzip" in r.body
                and b"IRC app" in r.body and b"port %d" % srv.port in r.body, r)
        c.get("/", ["Accept-Encoding: gzip;q=0, identity"])
        T.check("gzip;q=0 is no gzip", c.response().h("content-encoding") is None)

    def status_of(raw, keep=False):
        c = Http(srv.port)
        c.send(raw)
        r = c.response()
        closed = c.closed()
        c.close()
        return r, closed

    @case("errors")
    def _():
        cases = [
            ("POST: 405 with Allow", b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n", 405),
            ("a space before a colon: 400", b"GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400),
            ("a folded header: 400", b"GET / HTTP/1.1\r\nHost: a\r\nX: b\r\n c\r\n\r\n", 400),
            ("no Host in HTTP/1.1: 400", b"GET / HTTP/1.1\r\nAccept: */*\r\n\r\n", 400),
            ("two Hosts: 400", b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
            ("a control byte in a value: 400", b"GET / HTTP/1.1\r\nHost: a\r\nX: \x1b[2J\r\n\r\n", 400),
            ("a body: 413", b"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 12\r\n\r\nhello world!", 413),
            ("chunked: 413", b"GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 413),
            ("HTTP/2.0: 505", b"GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505),
            ("a path past 255 bytes: 414", b"GET /" + b"a" * 300 + b" HTTP/1.1\r\nHost: a\r\n\r\n", 414),
            ("headers past 8 KiB: 431",
             b"GET / HTTP/1.1\r\nHost: a\r\n" + b"X-Pad: " + b"p" * 1000 + b"\r\n" * 1 +
             b"".join(b"X-Pad%d: %s\r\n" % (i, b"p" * 1000) for i in range(9)) + b"\r\n", 431),
            ("one header line past 4 KiB: 431", b"GET / HTTP/1.1\r\nHost: a\r\nX: " + b"x" * 5000 + b"\r\n\r\n", 431),
        ]
        for name, raw, want in cases:
            r, closed = status_of(raw)
            T.check(name + ", then closed", r.status == want and closed and r.h("connection") == "close"
                    and security_ok(r), "%r closed=%s" % (r, closed))
        r, _ = status_of(b"POST / HTTP/1.1\r\nHost: a\r\n\r\n")
        T.check("405 says Allow: GET, HEAD", r.h("allow") == "GET, HEAD", r.headers)

    @case("keep-alive limit")
    def _():
        c = Http(srv.port)
        c.send(b"GET /nope HTTP/1.1\r\nHost: a\r\n\r\n" * 101)
        rs = [c.response() for _ in range(100)]
        T.check("100 requests answered on one connection", all(r.status == 404 for r in rs))
        T.check("the 100th says close, and the connection closes, the 101st unanswered",
                rs[-1].h("connection") == "close" and all(r.h("connection") == "keep-alive" for r in rs[:-1])
                and c.closed() and c.buf == b"", c.buf[:100])

    @case("slowloris")
    def _():
        # -T 3: a request head gets 3 s in all, however its bytes trickle in
        c = Http(srv.port)
        c.send(b"GET / HTTP/1.1\r\nHost: a\r\n")
        start = time.monotonic()
        got = None
        while time.monotonic() - start < 12 * SLOW:
            try:
                c.send(b"X")  # a header that never ends, a byte at a time
            except OSError:
                break
            c.sock.settimeout(0.3)
            try:
                d = c.sock.recv(4096)
            except OSError:
                continue
            if not d:
                break
            c.buf += d
            if got is None and b"\r\n\r\n" in c.buf:
                got = time.monotonic() - start
        took = time.monotonic() - start
        T.check("a trickled request head gets 408 and is closed within the timeout",
                c.buf.startswith(b"HTTP/1.1 408 ") and took < 8 * SLOW, "%r after %.1f s" % (c.buf[:40], took))
        c2 = Http(srv.port)
        c2.get("/nope")
        c2.response()
        T.check("an idle keep-alive connection is closed too", c2.closed(8))

with Server("-R", "0", "-w", "0") as srv:
    m = re.search(r"chat page \(HTTP only\) on port (\d+)", srv.output())
    wport = int(m.group(1))

    @case("-w port")
    def _():
        early = Http(wport)
        # a chat-port newcomer is greeted as plain text after its silence:
        # by then, the -w newcomer (older) would have been greeted too
        p = Line(srv.port)
        T.check("the chat port greets a silent newcomer", lambda: p.expect(r"nickname"))
        early.get("/", GZ)
        r = early.response()
        T.check("a -w port greets nobody, and serves the page", r.status == 200 and
                gzip.decompress(r.body) == INDEX, r)
        c = Http(wport)
        c.send(b"NICK ana\r\nUSER ana 0 * :ana\r\n")
        r = c.response()
        T.check("IRC on a -w port: 400, closed", r.status == 400 and c.closed(), r)
        c = Http(srv.port)
        c.get("/", GZ)
        T.check("the chat port serves the page beside -w", c.response().status == 200)

with Server("-R", "0") as srv:
    @case("a browser's silent preconnect on the chat port is not greeted; later HTTP on it works")
    def _():
        page = Http(srv.port)
        page.get("/", GZ)
        T.check("the page loads from 127.0.0.1", page.response().status == 200)
        pre = Http(srv.port)  # a speculative connection: silent for now
        other = Line(srv.port, source="127.0.0.2")  # younger, from an address with no browser
        T.check("a silent nc newcomer elsewhere is greeted (so the preconnect's 400 ms are up)",
                lambda: other.expect(r"nickname"))
        pre.get("/app.js", GZ)
        r = pre.response()
        T.check("the preconnect's later GET is answered, HTTP from its first byte",
                r.raw_head.startswith(b"HTTP/1.1 200 ") and r.status == 200, r.raw_head[:60])
        nc = Line(srv.port)  # an nc user beside the browser: held, until Enter
        later = Line(srv.port, source="127.0.0.3")
        later.expect(r"nickname")  # the barrier: nc's 400 ms are up, and it was greeted first
        nc.sock.setblocking(False)
        try:
            early = nc.sock.recv(4096)
        except BlockingIOError:
            early = b""
        nc.sock.setblocking(True)
        T.check("held ungreeted beside a browser", early == b"", early)
        nc.send("")
        T.check("Enter: the greeting", lambda: nc.expect(r"nickname"))
        nc.send("besideweb")
        T.check("and on as a plain user", lambda: nc.expect(r"^-- Hello besideweb!"))
        quiet = Line(srv.port)
        T.check("an nc user beside a browser who types nothing is greeted too (after 3 s)",
                lambda: quiet.expect(r"nickname", timeout=10))

with Server("-R", "0", "-Q", "1") as srv:
    @case("-Q 1: files larger than the send queue are still served whole")
    def _():
        app = open(os.path.join(TOP, "web/app.js"), "rb").read()
        c = Http(srv.port)
        for path, want in (("/app.js", app), ("/", INDEX), ("/app.js", app)):
            c.get(path, GZ)
            r = c.response()
            T.check("-Q 1 KiB: GET %s, %d bytes gzipped, whole, on one connection"
                    % (path, len(r.body)), r.status == 200 and gzip.decompress(r.body) == want, r)
T.done()
