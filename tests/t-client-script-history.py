#!/usr/bin/python3
"""t-client-script-history - chat-client signs in (-a, SASL PLAIN) and uses
chathistory, in script mode against a scripted server: after its link is
cut it reconnects, asks only for what came after the last line it printed
(CHATHISTORY AFTER msgid=...), and prints exactly what it missed, nothing
twice, even when the server also replays its last lines on join. Read
markers: it tells the server how far it printed (MARKREAD). Where each
join's history ends is printed as a line of its own ("HH:MM #lobby ---
end of replayed history: ..."). Wrong password,
no sasl offered, no password and no terminal: clear errors. Runs on every
board."""
import base64
import os
import re
import subprocess
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from chatbox_test import SLOW, Line, Server, T, applet, case, configured, irc, wait_for  # noqa: E402
from client_test import HistIrc, client_option_off  # noqa: E402

if not configured("CLIENT_HISTORY"):
    client_option_off("CLIENT_HISTORY", "-a", "ana")

TIMEOUT = 20 * SLOW


class Client:
    """chat-client in script mode, its stdout collected line by line."""

    def __init__(self, port, *args, env=None, setsid=False):
        e = dict(os.environ, **(env or {}))
        self.p = applet("chat-client", "-n", "ana", *args, "127.0.0.1:%d" % port,
                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                        env=e, start_new_session=setsid)
        self.out = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.p.stdout:
            self.out.append(line.decode(errors="replace").rstrip("\n"))

    def count(self, text):
        return sum(1 for l in self.out if re.search(r"^\d\d:\d\d #lobby <bo> %s$" % re.escape(text), l))

    def finish(self):
        _, err = self.p.communicate(b"", timeout=TIMEOUT)
        return self.p.returncode, err.decode(errors="replace")


MARK = r"^\d\d:\d\d #lobby --- end of replayed history: \d+ lines?, \d+ already shown and left out$"


def marks_ok(out, last_missed, live):
    """Two joins, two mark lines; the second between the last line
    missed and the first live one after the rejoin."""
    marks = [i for i, l in enumerate(out) if re.search(MARK, l)]
    at = {t: next((i for i, l in enumerate(out) if l.endswith("<bo> " + t)), -1) for t in (last_missed, live)}
    return len(marks) == 2 and at[last_missed] < marks[1] < at[live]


def sent(srv, conn, rx):
    return [l for l in srv.conns[conn] if re.search(rx, l)] if len(srv.conns) > conn else []


def reconnect_case(replay, limit=50, nmissed=2):
    title = "a cut link: the reconnect prints exactly what was missed, nothing twice%s%s" % (
        " (the server also replays its last %d on join)" % replay if replay else "",
        " (%d missed, the server sends at most %d a request)" % (nmissed, limit) if limit != 50 else "")

    @case(title)
    def _():
        srv = HistIrc(accounts={"ana": "s3cret pass"}, replay=replay, isupport="CHATHISTORY=%d" % limit)
        srv.say("bo", "old 1")  # before the client came: LATEST brings it
        c = Client(srv.port, "-a", "ana", env={"CHATBOX_PASSWORD": "s3cret pass"})
        T.check(title + ": signed in, first join asks for the latest lines",
                lambda: wait_for(lambda: sent(srv, 0, r"^CHATHISTORY LATEST #lobby \* %d$" % limit), 10))
        wait_for(lambda: c.count("old 1"), 10, what="old 1")
        for i in range(3):
            srv.say("bo", "live %d" % i)
        wait_for(lambda: c.count("live 2"), 10, what="live 2")
        srv.cut()
        missed = [srv.say("bo", "missed %d" % i) for i in range(nmissed)]
        T.check(title + ": the rejoin asks only for what came after the last line seen",
                lambda: wait_for(lambda: sent(srv, 1, r"^CHATHISTORY AFTER #lobby msgid=id0004 %d$" % limit),
                                 30, what="CHATHISTORY AFTER"))
        wait_for(lambda: c.count("missed %d" % (nmissed - 1)), 10, what="the last missed")
        srv.say("bo", "after")
        wait_for(lambda: c.count("after"), 10, what="after")
        texts = ["old 1", "live 0", "live 1", "live 2", "after"] + ["missed %d" % i for i in range(nmissed)]
        T.check(title, all(c.count(t) == 1 for t in texts), "\n".join(c.out))
        T.check(title + ": a mark line where each join's history ends, the rejoin's after the missed",
                marks_ok(c.out, "missed %d" % (nmissed - 1), "after"), "\n".join(c.out))
        T.check(title + ": MARKREAD up to the last line printed",
                lambda: wait_for(lambda: sent(srv, 1, r"^MARKREAD #lobby timestamp=%s$" %
                                              re.escape(missed[-1][1])), 10, what="MARKREAD"))
        rc, err = c.finish()
        T.check(title + ": the password is in no log", "s3cret" not in err and
                all("s3cret" not in l for l in c.out), err)
        srv.close()


def failing(title, srv_kw, args, env, setsid, code, rx, port=None):
    @case(title)
    def _():
        srv = HistIrc(**srv_kw) if port is None else None
        c = Client(port or srv.port, *args, env=env, setsid=setsid)
        rc, err = c.finish()
        T.check(title, rc == code and re.search(rx, err), (rc, err))
        if srv:
            srv.close()


def chat_server_case():
    """Against chat-server itself, once it has accounts (SASL): signed in,
    a wrong password refused. SKIP while it offers no sasl."""
    with Server() as srv:
        probe = Line(srv.port)
        probe.send("CAP LS 302")
        caps = probe.expect(r" CAP \S+ LS ").string
        probe.close()
        if " sasl" not in caps and ":sasl" not in caps:
            T.skip("chat-server: -a signs in", "this chat-server offers no sasl")
            return
        reg = irc(srv.port, "ana")
        reg.send("REGISTER * * right-pw")
        reg.expect(r" (920|REGISTER SUCCESS) ")
        reg.send("QUIT")
        reg.close()
        w = irc(srv.port, "wat", caps=("server-time", "echo-message"), join=("#lobby",))
        w.send("PRIVMSG #lobby :read me")  # replayed to the client on join: it marks it read
        said = w.expect(r"^@time=([^ ;]+)\S* :wat!\S* PRIVMSG #lobby :read me").group(1)

        @case("chat-server: -a ana signs in (WHOIS: logged in as ana)")
        def _():
            c = Client(srv.port, "-a", "ana", env={"CHATBOX_PASSWORD": "right-pw"})
            w.expect(r":ana!\S* JOIN :?#lobby", timeout=10 * SLOW)
            w.send("WHOIS ana")
            T.check("chat-server: -a ana signs in (WHOIS: logged in as ana)",
                    lambda: w.expect(r" 330 wat ana ana ", timeout=10 * SLOW))
            # Another session of the account learns how far the client read.
            o = Line(srv.port)
            o.send("CAP LS 302")
            o.send("CAP REQ :sasl draft/read-marker server-time")
            o.expect(r" CAP \S+ ACK ")
            o.send("AUTHENTICATE PLAIN")
            o.expect(r"AUTHENTICATE \+")
            o.send("AUTHENTICATE " + base64.b64encode(b"ana\0ana\0right-pw").decode())
            o.expect(r" 903 ")
            o.send("CAP END")
            o.send("NICK ana2")
            o.send("USER ana2 0 * :x")
            o.send("JOIN #lobby")
            T.check("chat-server: the read marker the client set reaches the account's other session",
                    lambda: o.expect(r"MARKREAD #lobby timestamp=%s$" % re.escape(said),
                                     timeout=10 * SLOW))
            o.close()
            c.finish()

        failing("chat-server: -a with a wrong password: a clear error, exit 1", None,
                ["-a", "ana"], {"CHATBOX_PASSWORD": "wrong"}, False, 1, r"signing in failed",
                port=srv.port)
        w.close()


reconnect_case(0)
reconnect_case(3)
reconnect_case(0, limit=2, nmissed=5)
failing("-a with a wrong password: a clear error, exit 1", {"accounts": {"ana": "right"}},
        ["-a", "ana"], {"CHATBOX_PASSWORD": "wrong"}, False, 1, r"-a ana: signing in failed")
failing("-a against a server offering no sasl: a clear error, exit 1",
        {"caps": "server-time batch draft/chathistory"}, ["-a", "ana"],
        {"CHATBOX_PASSWORD": "x"}, False, 1, r"offers no sign-in")
env = dict(os.environ)
env.pop("CHATBOX_PASSWORD", None)
failing("-a without CHATBOX_PASSWORD and no terminal: a clear error, exit 2", {},
        ["-a", "ana"], {}, True, 2, r"set CHATBOX_PASSWORD")
chat_server_case()
T.done()
