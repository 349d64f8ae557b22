#!/usr/bin/python3
"""t-client-script-mod - chat-client's moderation and query commands from a
script, end to end: /op /deop /mode /ban /kick /invite /whois, /join #room
key, and the server's replies (to /whois, /quote) printed readably on
stdout. Against ngIRCd (bans, invites) and chat-server (what it supports
today: /op, /kick, /mode +m, /whois, keys). Runs on every board."""
import os
import re
import subprocess
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from chatbox_test import SLOW, Line, T, applet, case, configured, wait_for  # noqa: E402
from client_test import FakeIrc, servers, watcher  # noqa: E402

TIMEOUT = 20 * SLOW


class Piped:
    """chat-client in script mode, fed line by line; its stdout collected."""

    def __init__(self, port, nick, room):
        self.p = applet("chat-client", "-n", nick, "-r", room, "127.0.0.1:%d" % port,
                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.out, self.err = [], []
        for f, into in ((self.p.stdout, self.out), (self.p.stderr, self.err)):
            threading.Thread(target=self._read, args=(f, into), daemon=True).start()

    @staticmethod
    def _read(f, into):
        for raw in f:
            into.append(raw.decode(errors="replace").rstrip("\n"))

    def feed(self, line):
        self.p.stdin.write((line + "\n").encode())
        self.p.stdin.flush()

    def printed(self, pattern, what=None):
        rx = re.compile(pattern)
        try:
            return wait_for(lambda: next((l for l in self.out if rx.search(l)), None), TIMEOUT,
                            what=what or pattern)
        except TimeoutError:
            raise TimeoutError("no %r on stdout: %r, stderr %r" % (pattern, self.out, self.err))

    def finish(self):
        self.p.stdin.close()
        rc = self.p.wait(TIMEOUT)
        return rc

    def kill(self):
        if self.p.poll() is None:
            self.p.kill()
            self.p.wait()


def registered(port, nick):
    """A raw peer that is in no room yet."""
    l = Line(port)
    l.send("NICK " + nick)
    l.send("USER %s 0 * :peer %s" % (nick, nick))
    l.expect(r" 001 ")
    return l


def mod_cases(name, make):
    with make() as srv:
        port = srv.port
        title = "%s: /op /deop /mode +m /kick reach the room; /whois and /quote replies printed" % name

        @case(title)
        def _():
            c = Piped(port, "mo", "#mod")
            try:
                c.feed("/whois mo")  # its answer: the client is in, and op of #mod
                c.printed(r"^\d\d:\d\d -!- mo is ~?mo@\S+ \(.*\)$")
                w = watcher(port, "wbo", room="#mod")
                c.feed("/op wbo")
                ok = bool(w.expect(r"^:mo!\S* MODE #mod \+o wbo$"))
                c.printed(r"-!- mode/#mod \[\+o wbo\] by mo$")
                c.feed("/deop wbo")
                ok = ok and bool(w.expect(r"^:mo!\S* MODE #mod -o wbo$"))
                # (+m is SERVER_MODERATION's: without it, a mode that stays)
                mode = "+m" if name == "ngircd" or configured("SERVER_MODERATION") else "-t"
                c.feed("/mode " + mode)
                ok = ok and bool(w.expect(r"^:mo!\S* MODE #mod %s$" % re.escape(mode)))
                c.feed("/whois wbo")
                c.printed(r"-!- wbo is ~?wbo@\S+ \(watcher\)$")
                c.feed("/quote VERSION")  # a reply the client has no words of its own for
                c.printed(r"-!- \S*(ngIRCd|chatbox)-\d", "the 351 VERSION reply")
                c.feed("/kick wbo enough now")
                ok = ok and bool(w.expect(r"^:mo!\S* KICK #mod wbo :enough now$"))
                rc = c.finish()
                T.check(title, ok and rc == 0, (c.out, c.err))
                w.close()
            finally:
                c.kill()

        title = "%s: /join #room key gets into a keyed room" % name

        @case(title)
        def _():
            k = watcher(port, "wkey", room="#keyed")
            k.send("MODE #keyed +k s3cret")
            k.expect(r"MODE #keyed \+k s3cret")
            c = Piped(port, "jo", "#lobby")
            try:
                c.feed("/join #keyed wrong")
                wait_for(lambda: any("#keyed" in l for l in c.err), TIMEOUT, what="475 on stderr")
                c.feed("/join #keyed s3cret")
                ok = bool(k.expect(r"^:jo!\S* JOIN :?#keyed$"))
                rc = c.finish()
                T.check(title, ok and rc == 0, (c.out, c.err))
            finally:
                c.kill()
                k.close()

        if name != "ngircd":
            return  # bans and invites: chat-server's moderation is still to come
        title = "%s: /ban NICK bans NICK!*@*, /mode +i and /invite let one in" % name

        @case(title)
        def _():
            c = Piped(port, "boss", "#inv")
            try:
                c.feed("/whois boss")
                c.printed(r"-!- boss is ")
                c.feed("/ban bad")
                c.printed(r"-!- mode/#inv \[\+b bad!\*@\*\] by boss$")
                c.feed("/mode +i")
                c.printed(r"-!- mode/#inv \[\+i\] by boss$")
                guest = registered(port, "guest")
                guest.send("JOIN #inv")
                ok = bool(guest.expect(r" 473 guest #inv "))  # invite only: refused
                c.feed("/invite guest")
                ok = ok and bool(guest.expect(r"^:boss!\S* INVITE guest :?#inv$"))
                c.printed(r"-!- invited guest to #inv$")
                guest.send("JOIN #inv")
                ok = ok and bool(guest.expect(r"^:guest!\S* JOIN :?#inv$"))
                bad = registered(port, "bad")
                bad.send("JOIN #inv")
                ok = ok and bool(bad.expect(r" 47[34] bad #inv "))
                rc = c.finish()
                T.check(title, ok and rc == 0, (c.out, c.err))
                guest.close()
                bad.close()
            finally:
                c.kill()


@case("a room's key is sent again when it is rejoined after a reconnect")
def _():
    srv = FakeIrc(hangup_on="PRIVMSG #k :cut")
    c = Piped(srv.port, "kee", "#lobby")
    try:
        c.feed("/join #k opensesame")
        wait_for(lambda: "JOIN #k opensesame" in srv.got, TIMEOUT, what="JOIN #k opensesame")
        srv.send("PING :barrier")  # its PONG: the client is in #k
        wait_for(lambda: "PONG :barrier" in srv.got, TIMEOUT, what="PONG :barrier")
        c.feed("/join #k")  # switch to it
        c.feed("cut")
        wait_for(lambda: len(srv.conns) == 2 and "JOIN #lobby" in srv.conns[1] and
                 "JOIN #k opensesame" in srv.conns[1], TIMEOUT, what="the rejoins")
        T.check("a room's key is sent again when it is rejoined after a reconnect",
                "JOIN #k opensesame" in srv.conns[1], srv.conns)
    finally:
        c.kill()
        srv.close()


WIRE = [("/ban bad", "MODE #lobby +b bad!*@*"), ("/ban *!*@evil.example", "MODE #lobby +b *!*@evil.example"),
        ("/unban bad", "MODE #lobby -b bad!*@*"), ("/op ann bea", "MODE #lobby +oo ann bea"),
        ("/voice cy", "MODE #lobby +v cy"), ("/deop ann", "MODE #lobby -o ann"),
        ("/kick #lobby cy calm down", "KICK #lobby cy :calm down"), ("/kick cy", "KICK #lobby cy"),
        ("/mode me +i", "MODE wire +i"), ("/mode #lobby +l 5", "MODE #lobby +l 5"),
        ("/mode", "MODE #lobby"), ("/invite ann #b", "INVITE ann #b"), ("/invite bea", "INVITE bea #lobby"),
        ("/whois ann", "WHOIS ann"), ("/quote MOTD", "MOTD")]


@case("each command sends its IRC line")
def _():
    srv = FakeIrc()
    c = Piped(srv.port, "wire", "#lobby")
    try:
        for typed, _ in WIRE:
            c.feed(typed)
        c.feed("/op a b c d e")  # five: refused, nothing sent
        rc = c.finish()
        got = [l for l in srv.got if l.split(" ")[0] in ("MODE", "KICK", "INVITE", "WHOIS", "MOTD")]
        T.check("each command sends its IRC line", rc == 0 and got == [w for _, w in WIRE],
                (got, c.err))
    finally:
        c.kill()
        srv.close()


for name, make in servers():
    mod_cases(name, make)
T.done()
