#!/usr/bin/python3
"""t-web-irc - IRC over the WebSocket with an independent client, Debian's
python3-websockets: a WebSocket user and TCP IRC users share a room (JOIN,
PRIVMSG both ways, NICK, PART), a WebSocket observer sees exactly what a
TCP observer sees, and CAP server-time with the room's history on JOIN
works over the socket as the chat page uses it."""
import asyncio
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from chatbox_test import T, Server, SLOW, irc  # noqa: E402

try:
    import websockets
except ImportError:
    print("SKIP: t-web-irc (python3-websockets is not installed: make deps)")
    sys.exit(0)


class WsIrc:
    """An IRC session over python3-websockets."""

    def __init__(self, ws):
        self.ws, self.lines, self.pending = ws, [], []

    @classmethod
    async def open(cls, port, nick, caps=(), proto="text.ircv3.net"):
        ws = await websockets.connect("ws://127.0.0.1:%d/socket" % port,
                                      subprotocols=[proto] if proto else None,
                                      origin="http://127.0.0.1:%d" % port, open_timeout=10 * SLOW)
        s = cls(ws)
        if caps:
            await s.send("CAP LS 302")
        await s.send("NICK " + nick)
        await s.send("USER %s 0 * :%s" % (nick, nick))
        if caps:
            await s.send("CAP REQ :" + " ".join(caps))
            await s.expect(r" CAP \S+ ACK ")
            await s.send("CAP END")
        await s.expect(r" 001 ")
        await s.expect(r" 376 ")
        return s

    async def send(self, line):
        await self.ws.send(line)

    async def expect(self, rx, timeout=5.0):
        r = re.compile(rx)
        while True:
            for i, l in enumerate(self.pending):
                if r.search(l):
                    del self.pending[:i + 1]
                    return l
            self.pending.clear()
            m = await asyncio.wait_for(self.ws.recv(), timeout * SLOW)
            if isinstance(m, bytes):
                m = m.decode("utf-8", "replace")
            assert "\r" not in m and "\n" not in m, repr(m)
            self.lines.append(m)
            self.pending.append(m)

    async def barrier(self, tok):
        """Lines up to the PONG of PING :TOK (the PONG left out)."""
        await self.send("PING :" + tok)
        start = len(self.lines) - len(self.pending)
        await self.expect(r" PONG \S+ :?%s$" % tok)
        got = self.lines[start:]
        return got[:-1]


def tcp_until_pong(c, tok):
    c.send("PING :" + tok)
    before = []
    while True:
        l = c.expect(r".")
        if re.search(r" PONG \S+ :?%s$" % tok, l.string):
            return before
        before.append(l.string)


async def main(port):
    ws = await WsIrc.open(port, "phone")
    tcp = irc(port, "laptop", join=["#kitchen"])
    await ws.send("JOIN #kitchen")
    T.check("the WebSocket user joins", (await ws.expect(r" 366 phone #kitchen ")) is not None)
    T.check("the TCP user sees the JOIN", lambda: tcp.expect(r"^:phone!phone@127\.0\.0\.1 JOIN #kitchen$"))
    tcp.send("PRIVMSG #kitchen :dinner at 7?")
    T.check("TCP to WebSocket PRIVMSG",
            (await ws.expect(r"^:laptop!\S+ PRIVMSG #kitchen :dinner at 7\?$")) is not None)
    await ws.send("PRIVMSG #kitchen :yes! caf\u00e9")
    T.check("WebSocket to TCP PRIVMSG", lambda: tcp.expect(r"^:phone!\S+ PRIVMSG #kitchen :yes! caf\u00e9$"))
    await ws.send("NICK phone2")
    T.check("the WebSocket user's NICK, seen over TCP", lambda: tcp.expect(r"^:phone!\S+ NICK :?phone2$"))
    T.check("and confirmed over the socket", (await ws.expect(r"^:phone!\S+ NICK :?phone2$")) is not None)
    tcp.send("NICK laptop2")
    T.check("a TCP NICK, seen over the socket", (await ws.expect(r"^:laptop!\S+ NICK :?laptop2$")) is not None)
    await ws.send("PRIVMSG laptop2 :private")
    T.check("a private message to the TCP user", lambda: tcp.expect(r"^:phone2!\S+ PRIVMSG laptop2 :private$"))

    # the same events seen by a WebSocket and a TCP observer: the same lines
    wobs = await WsIrc.open(port, "wobs")
    tobs = irc(port, "tobs", join=["#same"])
    await wobs.send("JOIN #same")
    await wobs.expect(r" 366 wobs #same ")
    tobs.expect(r"JOIN #same")
    actor = irc(port, "actor", join=["#same"])
    actor.send("PRIVMSG #same :one")
    actor.send("NICK actor2")
    actor.send("PART #same :gone")
    actor.send("PING :done")
    actor.expect(r"PONG")
    got_ws = await wobs.barrier("same1")
    got_tcp = tcp_until_pong(tobs, "same1")
    T.check("a WebSocket observer gets exactly the lines a TCP observer gets",
            got_ws == got_tcp and len(got_ws) == 4, "%r != %r" % (got_ws, got_tcp))
    await ws.ws.close()
    T.check("closing the socket is a QUIT for the others",
            lambda: tcp.expect(r"^:phone2!\S+ QUIT :"))

    # the chat page: server-time, and the room's history on JOIN
    talker = irc(port, "talker", join=["#hist"])
    talker.send("PRIVMSG #hist :before you came")
    talker.send("PING :h")
    talker.expect("PONG")
    page = await WsIrc.open(port, "pageuser", caps=["server-time"])
    await page.send("JOIN #hist")
    l = await page.expect(r"PRIVMSG #hist :before you came")
    T.check("history on JOIN over the socket, with @time (server-time)",
            re.match(r"^@time=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z :talker!\S+ PRIVMSG #hist :before you came$", l)
            is not None, l)
    talker.send("PRIVMSG #hist :live now")
    l = await page.expect(r"PRIVMSG #hist :live now")
    T.check("live lines carry @time too", l.startswith("@time="), l)
    b = await WsIrc.open(port, "binuser", proto="binary.ircv3.net")
    T.check("binary.ircv3.net works with python3-websockets", b.ws.subprotocol == "binary.ircv3.net")
    n = await WsIrc.open(port, "noproto", proto=None)
    T.check("no subprotocol works too", n.ws.subprotocol is None)
    for s in (wobs, page, b, n):
        await asyncio.wait_for(s.ws.close(), 5 * SLOW)


with Server("-R", "0", "-H", "20") as srv:
    try:
        asyncio.run(main(srv.port))
    except Exception as e:  # a step that raised outside T.check
        T.check("t-web-irc ran to its end", False, "%s: %s" % (type(e).__name__, e))
T.done()
