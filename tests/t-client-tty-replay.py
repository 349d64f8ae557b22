#!/usr/bin/python3
"""t-client-tty-replay (host-only) - a reconnect shows nothing twice:
chat-server replays a room's history (-H) to whoever joins, so after a
reconnect the client gets lines it has shown already; they are left out,
and where the replayed history ends is marked. The connection is cut by a
loopback proxy between the client and chat-server (the server, and its
history, stay up). Against chat-server with draft/chathistory and
without it (a build with SERVER_CHATHISTORY off, which replays on every
join), against ngIRCd (no history: nothing replayed, nothing
repeated) too, and against a scripted server offering draft/chathistory
(and read markers): the reconnect fetches only what was missed, each
fetch is marked, the read marker is shown. tmux at 120x35 and 50x20. host-only: tmux drives the host binary."""
import os
import re
import shutil
import socket
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from chatbox_test import EMU, Line, Server, T, case, configured, free_port, wait_for  # noqa: E402
from client_test import HistIrc, Ngircd, tty_setup, variant, watcher  # noqa: E402

HISTORY = configured("CLIENT_HISTORY")  # the client's chathistory, -a

TMP, tmux, LINK = tty_setup("t-client-tty-replay")


class Proxy:
    """Loopback TCP proxy to TO; cut() drops the connections it carries."""

    def __init__(self, to):
        self.to, self.port, self.socks = to, free_port(), []
        self.ls = socket.socket()
        self.ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.ls.bind(("127.0.0.1", self.port))
        self.ls.listen(4)
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                a, _ = self.ls.accept()
            except OSError:
                return
            b = socket.create_connection(("127.0.0.1", self.to))
            self.socks += [a, b]
            for x, y in ((a, b), (b, a)):
                threading.Thread(target=self._pump, args=(x, y), daemon=True).start()

    @staticmethod
    def _pump(x, y):
        try:
            while True:
                data = x.recv(4096)
                if not data:
                    break
                y.sendall(data)
        except OSError:
            pass
        for s in (x, y):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def cut(self):
        for s in self.socks:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self.socks = []


def screen():
    return tmux("capture-pane", "-p", "-S", "-100", "-t", "t").split("\n")


def count(pattern):
    rx = re.compile(pattern)
    return sum(1 for l in screen() if rx.search(l))


def wait_screen(pattern, n=1):
    try:
        wait_for(lambda: count(pattern) >= n, 15, what=pattern)
    except TimeoutError:
        raise TimeoutError("no %r on screen:\n%s" % (pattern, "\n".join(screen())))


def offers(port, cap):
    probe = Line(port)
    probe.send("CAP LS 302")
    caps = probe.expect(r" CAP \S+ LS ").string
    probe.close()
    return re.search(r"[ :]%s(=\S*)?( |$)" % re.escape(cap), caps) is not None


def reconnect_case(name, port, history, x, y, chathistory=False):
    title = "%dx%d: %s: a reconnect shows nothing twice%s" % (
        x, y, name, ", loses nothing, and marks where the replayed history ends" if history else "")

    @case(title)
    def _():
        # chat-server -H replays its last lines on join: the 3 shown are left
        # out; with chathistory it sends only what came after the last seen.
        offered = offers(port, "draft/chathistory")
        T.check("%dx%d: %s %s draft/chathistory" % (x, y, name, "offers" if chathistory else "does not offer"),
                offered == chathistory)
        # (a client without CLIENT_HISTORY asks for none: it gets the replay)
        mark = r"1 line, 0\b" if offered and HISTORY else r"4 lines, 3\b"
        proxy = Proxy(port)
        tmux.new_session("%s -n ana 127.0.0.1:%d; sleep 600" % (" ".join(EMU + [LINK]), proxy.port),
                         x, y)
        wait_screen(r"\| ana \| online")
        bo = watcher(port, "bo")
        for i in range(3):
            bo.send("PRIVMSG #lobby :said before %d" % i)
        wait_screen(r"<bo> said before 2$")
        proxy.cut()
        if history:  # missed: the reconnect is a second away (its backoff)
            bo.send("PRIVMSG #lobby :said while away")
            wait_screen(r"-!- --- end of replayed history: " + mark)  # (may wrap after)
        else:
            wait_screen(r"-!- in #lobby: ", 2)  # the rejoin is under way
        bo.send("PRIVMSG #lobby :said after")  # after the rejoin: a live line, shown
        wait_screen(r"<bo> said after$")
        ok = all(count(r"<bo> said before %d$" % i) == 1 for i in range(3))
        ok = ok and count(r"<bo> said while away$") == (1 if history else 0)
        marks = count(r"-!- --- end of replayed history: ")
        T.check(title, ok and marks == (1 if history else 0), "\n".join(screen()))
        bo.close()
        proxy.ls.close()
        tmux("send-keys", "-t", "t", "C-c")


def chathistory_case(x, y):
    title = "%dx%d: chathistory: a reconnect fetches only what was missed, marked; the read marker shown" % (x, y)
    if not HISTORY:
        T.skip(title, "built without CLIENT_HISTORY")
        return

    @case(title)
    def _():
        srv = HistIrc()
        for i in range(3):
            srv.say("bo", "said before %d" % i)
        srv.read = srv.msgs[0][1]
        tmux.new_session("%s -n ana 127.0.0.1:%d; sleep 600" % (" ".join(EMU + [LINK]), srv.port), x, y)
        wait_screen(r"<bo> said before 2$")
        wait_screen(r"-!- --- end of replayed history: 3 lines, 0\b")
        srv.cut()  # (it stops sending at once: what follows is missed)
        srv.say("bo", "missed 0")
        wait_screen(r"-!- --- end of replayed history: 1 line, 0\b")
        srv.say("bo", "said after")
        wait_screen(r"<bo> said after$")
        texts = ["said before %d" % i for i in range(3)] + ["missed 0", "said after"]
        ok = all(count(r"<bo> %s$" % t) == 1 for t in texts)
        T.check(title, ok and count(r"--- read up to \d\d:\d\d ---") == 1, "\n".join(screen()))
        srv.close()
        tmux("send-keys", "-t", "t", "C-c")


def prompt_case():
    title = "-a without CHATBOX_PASSWORD: asked on the terminal, not echoed; signed in"
    if not HISTORY:
        T.skip(title, "built without CLIENT_HISTORY")
        return

    @case(title)
    def _():
        srv = HistIrc(accounts={"ana": "tty-secret"})
        tmux.new_session("env -u CHATBOX_PASSWORD %s -n ana -a ana 127.0.0.1:%d; sleep 600" % (
            " ".join(EMU + [LINK]), srv.port), 80, 24)
        wait_screen(r"^password for ana:")
        tmux("send-keys", "-t", "t", "tty-secret", "Enter")
        wait_screen(r"\| ana \| online")
        signed = any(l.startswith("AUTHENTICATE ") and l != "AUTHENTICATE PLAIN" for l in srv.conns[0])
        tmux("send-keys", "-t", "t", "C-c")  # back on the normal screen, where it was typed
        wait_screen(r"^password for ana:")
        wait_for(lambda: "online" not in "".join(screen()), 10, what="the normal screen")
        T.check(title, signed and count("tty-secret") == 0, "\n".join(screen()))
        srv.close()
        tmux("send-keys", "-t", "t", "C-c")


try:
    plain = variant("nochathistory", "SERVER_CHATHISTORY")  # a host build: host-only
    prompt_case()
    for x, y in ((120, 35), (50, 20)):
        chathistory_case(x, y)
        with Server("-H", "20") as srv:
            reconnect_case("chat-server", srv.port, True, x, y, chathistory=True)
        with Server("-H", "20", bin=plain) as srv:  # replays on every join
            reconnect_case("chat-server without chathistory", srv.port, True, x, y)
        with Ngircd() as ng:
            reconnect_case("ngircd", ng.port, False, x, y)
finally:
    tmux.kill_server()
    shutil.rmtree(TMP, ignore_errors=True)
T.done()
