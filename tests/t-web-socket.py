#!/usr/bin/python3
"""t-web-socket - the WebSocket at /socket, RFC 6455 and IRCv3's WebSocket
specification, from our own scripted client (tests/lib/web_test.py): the
handshake and its subprotocols, Origin checks, one IRC line per frame,
fragmentation, ping/pong, every close code (1000 1001 1002 1007 1008
1009), unmasked and oversized frames, bad UTF-8 both ways."""
import os
import re
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from chatbox_test import T, Server, case, irc  # noqa: E402
from hostile import irc_raw, sync  # noqa: E402
from web_test import Http, Ws, frame, ws_key, ws_request  # noqa: E402


def handshake(port, **kw):
    return Ws(port, check=False, **kw).handshake


with Server("-R", "0", "-o", "http://allowed.example:8080") as srv:
    P = srv.port

    @case("handshake")
    def _():
        w = Ws(P)
        T.check("101 with the right Sec-WebSocket-Accept", w.handshake.status == 101)
        T.check("no subprotocol asked, none answered", w.handshake.h("sec-websocket-protocol") is None)
        h = handshake(P, protocols=["text.ircv3.net"])
        T.check("text.ircv3.net is chosen", h.h("sec-websocket-protocol") == "text.ircv3.net", h)
        h = handshake(P, protocols=["foo", "binary.ircv3.net", "text.ircv3.net"])
        T.check("the first offered that we speak: binary.ircv3.net",
                h.h("sec-websocket-protocol") == "binary.ircv3.net", h)
        h = handshake(P, protocols=["foo"])
        T.check("only unknown ones: 101 without a subprotocol", h.status == 101 and
                h.h("sec-websocket-protocol") is None, h)

        def bad(req):
            c = Http(P)
            c.send(req)
            return c.response()
        r = bad(ws_request(ws_key(), version="8"))
        T.check("version 8: 426 naming 13", r.status == 426 and r.h("sec-websocket-version") == "13", r)
        r = bad(ws_request("c2hvcnQ="))
        T.check("a key that is not 16 bytes: 400", r.status == 400, r)
        r = bad(b"GET /socket HTTP/1.1\r\nHost: a\r\nAccept-Encoding: gzip\r\n\r\n")
        T.check("GET /socket without Upgrade: 426", r.status == 426 and r.h("upgrade") == "websocket", r)
        r = bad(ws_request(ws_key(), path="/other"))
        T.check("another path: 404", r.status == 404, r)

    @case("origin")
    def _():
        T.check("Origin of this server: allowed",
                handshake(P, origin="http://127.0.0.1:%d" % P).status == 101)
        T.check("another site's Origin: 403", handshake(P, origin="http://evil.example").status == 403)
        T.check("this host on another port: 403",
                handshake(P, origin="http://127.0.0.1:%d" % (P + 1)).status == 403)
        T.check("https of this host:port: allowed (the scheme is not the host)",
                handshake(P, origin="https://127.0.0.1:%d" % P).status == 101)
        T.check("Origin null: 403", handshake(P, origin="null").status == 403)
        T.check("an -o origin: allowed", handshake(P, origin="http://allowed.example:8080").status == 101)
        T.check("the -o origin's host on another port: 403",
                handshake(P, origin="http://allowed.example").status == 403)
        T.check("the refusal is logged", "refused" in srv.output())
        T.check("a LAN name as Host and Origin: allowed",
                handshake(P, host="router.lan:%d" % P, origin="http://router.lan:%d" % P).status == 101)
        T.check("a name without a dot, or under .local: allowed",
                handshake(P, host="pi", origin="http://pi").status == 101 and
                handshake(P, host="pi.local.", origin="http://pi.local.").status == 101)
        T.check("Origin matching a public Host (DNS rebinding): 403",
                handshake(P, host="evil.example:%d" % P, origin="http://evil.example:%d" % P).status == 403)
        T.check("a public name allowed by -o: 101",
                handshake(P, host="allowed.example:8080", origin="http://allowed.example:8080").status == 101)

    @case("IRC over WebSocket")
    def _():
        w = Ws(P, protocols=["text.ircv3.net"]).register("wsana")
        t = irc_raw(P, "tcpbo", join=["#web"])
        w.send_line("JOIN #web")
        T.check("JOIN over the socket", lambda: w.expect(r" 366 wsana #web "))
        T.check("the TCP user sees the join", lambda: t.expect(rb":wsana!\S+ JOIN #web"))
        t.send(b"PRIVMSG #web :caf\xc3\xa9 \xff!")
        while True:
            op, p = w.recv_frame()
            if b"PRIVMSG #web :" in p:
                break
        T.check("each frame is one line, no CR/LF", b"\r" not in p and b"\n" not in p, repr(p))
        T.check("text frames: invalid UTF-8 from TCP arrives as U+FFFD",
                op == 1 and p.endswith(b"caf\xc3\xa9 \xef\xbf\xbd!"), repr(p))
        w.send_line("PRIVMSG #web :hello from the phone")
        T.check("the TCP user gets the WebSocket user's line",
                lambda: t.expect(rb":wsana!\S+ PRIVMSG #web :hello from the phone"))
        # one message in three fragments, with a ping between them
        w.send(frame(1, b"PRIVMSG #web :frag", fin=False) + frame(0, b"men", fin=False) +
               frame(9, b"pp") + frame(0, b"ted", fin=True))
        op, p = w.recv_frame()
        T.check("a ping between fragments: pong with its payload first", (op, p) == (10, b"pp"), (op, p))
        T.check("the fragmented message arrives whole",
                lambda: t.expect(rb"PRIVMSG #web :fragmented$"))
        w.send_frame(10, b"unasked")  # an unsolicited pong is ignored
        T.check("an unsolicited pong changes nothing", lambda: w.barrier("x1") is not None)
        b = Ws(P, protocols=["binary.ircv3.net"]).register("wsbin")
        b.send_line("JOIN #web")
        b.expect(r" 366 ")
        t.send(b"PRIVMSG #web :raw \xff")
        op = None
        while True:
            op, p = b.recv_frame()
            if b"raw" in p:
                break
        T.check("binary.ircv3.net: binary frames, bytes as they are", op == 2 and p.endswith(b"raw \xff"), (op, p))
        w.send_line("QUIT :bye")
        T.check("QUIT over the socket reaches the TCP user", lambda: t.expect(rb":wsana!\S+ QUIT :Quit: bye"))

    def close_code_for(data, nick=None):
        w = Ws(P)
        if nick:
            w.register(nick)
        w.send(data)
        return w.close_frame(), w.closed()

    @case("close codes")
    def _():
        code, closed = close_code_for(frame(8, struct.pack("!H", 1000) + b"done"), "c1000")
        T.check("1000 from the client: echoed, then closed", code == 1000 and closed, code)
        code, closed = close_code_for(frame(8, struct.pack("!H", 4001)))
        T.check("an application's 4001: echoed", code == 4001 and closed, code)
        code, _ = close_code_for(frame(8))
        T.check("an empty close: answered 1000", code == 1000, code)
        code, closed = close_code_for(frame(1, b"NICK x", mask=False))
        T.check("an unmasked frame: 1002", code == 1002 and closed, code)
        code, _ = close_code_for(frame(1, b"NICK x", rsv=4))
        T.check("an RSV bit: 1002", code == 1002, code)
        code, _ = close_code_for(frame(3, b"x"))
        T.check("a reserved opcode: 1002", code == 1002, code)
        code, _ = close_code_for(frame(0, b"x"))
        T.check("a continuation of nothing: 1002", code == 1002, code)
        code, _ = close_code_for(frame(9, b"p", fin=False))
        T.check("a fragmented ping: 1002", code == 1002, code)
        code, _ = close_code_for(frame(9, b"p" * 126))
        T.check("a ping of 126 bytes: 1002", code == 1002, code)
        code, _ = close_code_for(frame(8, struct.pack("!H", 1005)))
        T.check("close code 1005 (never sent): 1002", code == 1002, code)
        code, _ = close_code_for(frame(1, b"PRIVMSG #lobby :\xc3\x28"), "c1007")
        T.check("bad UTF-8 in a text frame: 1007", code == 1007, code)
        code, _ = close_code_for(frame(8, struct.pack("!H", 1000) + b"\xff"))
        T.check("a close reason that is not UTF-8: 1007", code == 1007, code)
        code, _ = close_code_for(frame(1, b"NICK a\r\nUSER a 0 * :a"))
        T.check("two lines in one message: 1008", code == 1008, code)
        code, _ = close_code_for(frame(1, b"x" * 4097))
        T.check("a frame of 4097 bytes: 1009", code == 1009, code)
        code, _ = close_code_for(frame(1, b"", length=1 << 20))
        T.check("a frame announcing 1 MiB: 1009 at once", code == 1009, code)
        code, _ = close_code_for(frame(1, b"x" * 3000, fin=False) + frame(0, b"x" * 3000))
        T.check("a message of 6000 bytes in fragments: 1009", code == 1009, code)

    @case("split UTF-8 and binary frames in")
    def _():
        w = Ws(P).register("splitter")
        t = irc_raw(P, "watcher", join=["#lobby"])
        w.send_line("JOIN #lobby")
        w.expect(r" 366 ")
        w.send(frame(1, b"PRIVMSG #lobby :\xe2\x82", fin=False) + frame(0, b"\xac euro"))
        T.check("a character split across fragments arrives whole",
                lambda: t.expect(rb"PRIVMSG #lobby :\xe2\x82\xac euro$"))
        w.send_frame(2, b"PRIVMSG #lobby :bin \xff")
        T.check("a binary frame is a line of bytes, not checked as UTF-8",
                lambda: t.expect(rb"PRIVMSG #lobby :bin \xff$"))
        T.check("others see a WebSocket user as any IRC user",
                any(re.search(rb":splitter!splitter@127\.0\.0\.1 JOIN #lobby", l) for l in t.lines))

    @case("handshake then frames in one packet")
    def _():
        c = Http(P)
        key = ws_key()
        c.send(ws_request(key) + frame(1, b"NICK early") + frame(1, b"USER e 0 * :e"))
        r = c.response()
        T.check("frames sent with the handshake are read as frames", r.status == 101)
        w = Ws.__new__(Ws)
        w.__dict__.update(c.__dict__)
        w.pending, w.lines = [], []
        T.check("and register", lambda: w.expect(r" 001 early "))

with Server("-R", "0") as srv:
    @case("server shutdown")
    def _():
        w = Ws(srv.port).register("leaver")
        srv.stop()
        code = w.close_frame()
        T.check("a WebSocket user gets ERROR, then close 1001",
                code == 1001 and any("ERROR" in l for l in w.lines), (code, w.lines[-3:]))
T.done()
