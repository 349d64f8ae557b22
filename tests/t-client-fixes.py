#!/usr/bin/python3
"""t-client-fixes - chat-client defects that were fixed, each against a
scripted server (and chat-server): the current room survives leaving a room
before it, the server's NICKLEN is respected, and SIGTERM with lines the
server never confirmed says so and exits 1. Runs on every board."""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from chatbox_test import BIN, EMU, SLOW, Server, T, applet, case, wait_for  # noqa: E402
from client_test import FakeIrc, Tmux, watcher  # noqa: E402

TIMEOUT = 20 * SLOW


def client(*args, stdin_text=""):
    p = applet("chat-client", *args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
               stderr=subprocess.PIPE)
    out, err = p.communicate(stdin_text.encode(), timeout=TIMEOUT)
    return p.returncode, out.decode(errors="replace"), err.decode(errors="replace")


def piped_client(port, nick):
    """A client whose stdin the test feeds line by line."""
    return applet("chat-client", "-n", nick, "127.0.0.1:%d" % port, stdin=subprocess.PIPE,
                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def feed(p, line):
    p.stdin.write((line + "\n").encode())
    p.stdin.flush()


def got(srv, line):
    wait_for(lambda: line in srv.got, TIMEOUT, what=line)


def three_rooms(send, nick, room):
    send(":%s!u@h JOIN #b" % nick)
    send(":%s!u@h JOIN #c" % nick)


for how in ("KICK", "PART"):
    title = "leaving a room before the current one (%s) keeps the current room" % how

    @case(title)
    def _():
        srv = FakeIrc(on_join=three_rooms)
        p = piped_client(srv.port, "roomy")
        try:
            feed(p, "/join #b")  # rooms #lobby #b #c: back to #b, the middle one
            feed(p, "in b")
            got(srv, "PRIVMSG #b :in b")
            srv.send(":op!u@h KICK #lobby roomy :out" if how == "KICK" else ":roomy!u@h PART #lobby")
            srv.send("PING :barrier")  # its PONG: the client has handled the line before
            got(srv, "PONG :barrier")
            feed(p, "still in b")
            wait_for(lambda: any(l.endswith(":still in b") for l in srv.got), TIMEOUT,
                     what="the next line")
            p.stdin.close()
            rc = p.wait(TIMEOUT)
            T.check(title, rc == 0 and "PRIVMSG #b :still in b" in srv.got,
                    [l for l in srv.got if l.startswith("PRIVMSG")])
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
            srv.close()

LONG = "abcdefghijklmnopqrst"  # 20 characters: a valid nick of ours


@case("a nick longer than the server's NICKLEN is shortened, not given up")
def _():
    srv = FakeIrc(nicklen=9, isupport="NICKLEN=9 CHANTYPES=#")
    rc, out, err = client("-n", LONG, "127.0.0.1:%d" % srv.port, stdin_text="short now\n")
    srv.close()
    nicks = [l.split()[1] for l in srv.got if l.startswith("NICK ")]
    T.check("a nick longer than the server's NICKLEN is shortened, not given up",
            rc == 0 and nicks[-1] == LONG[:9] and "PRIVMSG #lobby :short now" in srv.got
            and len(nicks) <= 6 and "not allowed, using " in err, (rc, nicks[:8], err[-400:]))


@case("after ISUPPORT NICKLEN=9, a reconnect asks for a nick that fits at once")
def _():
    # the long nick is let in the first time; the link is cut after the line
    srv = FakeIrc(isupport="NICKLEN=9 CHANTYPES=#", hangup_on="PRIVMSG")
    rc, out, err = client("-n", LONG, "127.0.0.1:%d" % srv.port, stdin_text="again\n")
    srv.close()
    first, again = ([l.split()[1] for l in c if l.startswith("NICK ")] for c in (srv.conns + [[], []])[:2])
    T.check("after ISUPPORT NICKLEN=9, a reconnect asks for a nick that fits at once",
            rc == 0 and first == [LONG] and again == [LONG[:9]], (rc, first, again, err[-300:]))


@case("chat-server: a 20-character nick gets in as its first 16 (NICKLEN=16)")
def _():
    with Server() as srv:
        w = watcher(srv.port, "wlong")
        rc, out, err = client("-n", LONG, "127.0.0.1:%d" % srv.port, stdin_text="hi\n")
        T.check("chat-server: a 20-character nick gets in as its first 16 (NICKLEN=16)",
                rc == 0 and w.expect(r"^:%s!\S* PRIVMSG #lobby :hi$" % LONG[:16]), (rc, err[-400:]))
        w.close()


@case("chat-server: a taken 16-character nick: the digit replaces its end")
def _():
    with Server() as srv:
        w = watcher(srv.port, LONG[:16])
        rc, out, err = client("-n", LONG[:16], "127.0.0.1:%d" % srv.port, stdin_text="me too\n")
        m = re.search(r"using (\S+)$", err.strip())
        T.check("chat-server: a taken 16-character nick: the digit replaces its end",
                rc == 0 and m and len(m.group(1)) <= 16 and m.group(1).startswith(LONG[:14])
                and w.expect(r"^:%s!\S* PRIVMSG #lobby :me too$" % re.escape(m.group(1))), (rc, err[-400:]))
        w.close()


@case("SIGTERM with a line the server never confirmed: exit 1, and it says so")
def _():
    srv = FakeIrc(no_pong="chatbox-ack-")
    p = piped_client(srv.port, "term")
    try:
        feed(p, "unsure")
        wait_for(lambda: any(l.startswith("PING :chatbox-ack-") for l in srv.got), TIMEOUT,
                 what="the line and its PING")
        p.send_signal(signal.SIGTERM)
        rc = p.wait(TIMEOUT)
        err = p.stderr.read().decode(errors="replace")
        T.check("SIGTERM with a line the server never confirmed: exit 1, and it says so",
                rc == 1 and "1 line not confirmed by the server" in err, (rc, err))
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        srv.close()


@case("SIGTERM with everything confirmed: exit 0, quietly")
def _():
    srv = FakeIrc()
    p = piped_client(srv.port, "calm")
    try:
        feed(p, "sure")
        got(srv, "PRIVMSG #lobby :sure")
        wait_for(lambda: any(l.startswith("PING :chatbox-ack-") for l in srv.got), TIMEOUT,
                 what="the line's PING")
        srv.send("PING :barrier")  # the ack's PONG went before this one's answer
        got(srv, "PONG :barrier")
        p.send_signal(signal.SIGTERM)
        rc = p.wait(TIMEOUT)
        err = p.stderr.read().decode(errors="replace")
        T.check("SIGTERM with everything confirmed: exit 0, quietly",
                rc == 0 and "confirmed" not in err, (rc, err))
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        srv.close()


class Terminal:
    """chat-client -n NICK in a tmux terminal against a scripted server that
    never answers the client's confirmation PINGs (the test may answer)."""

    def __init__(self, nick):
        self.tmp = tempfile.mkdtemp(prefix="chatbox-fixes-")
        self.tmux = Tmux(self.tmp)
        self.link = os.path.join(self.tmp, "chat-client")
        self.nick = nick
        os.symlink(BIN, self.link)
        self.srv = FakeIrc(no_pong="chatbox-ack-")

    def __enter__(self):
        self.tmux.new_session("%s -n %s 127.0.0.1:%d; echo EXIT=$?; sleep 600" % (
            self.link, self.nick, self.srv.port))
        wait_for(lambda: "| %s | online" % self.nick in self.screen(), TIMEOUT, what="online")
        return self

    def screen(self):
        return self.tmux("capture-pane", "-p", "-t", "t")

    def type_line(self, text):
        self.tmux("send-keys", "-t", "t", "-l", text)
        self.tmux("send-keys", "-t", "t", "Enter")

    def ack_ping(self):
        """The confirmation PING the client sends after a typed line."""
        return wait_for(lambda: [l for l in self.srv.got if l.startswith("PING :chatbox-ack-")],
                        TIMEOUT, what="the line and its PING")[-1]

    def __exit__(self, *exc):
        self.tmux.kill_server()
        self.srv.close()
        shutil.rmtree(self.tmp, ignore_errors=True)


def terminal_sigterm():
    """The same in a terminal: said on the restored screen."""
    title = "a terminal: SIGTERM with an unconfirmed line says so there, exit 1"
    with Terminal("tt") as t:
        t.type_line("unsure")
        t.ack_ping()
        pid = subprocess.run(["pgrep", "-n", "-f", t.link + " -n tt"], capture_output=True,
                             text=True).stdout.split()
        subprocess.run(["kill", "-TERM"] + pid, check=True)
        wait_for(lambda: "EXIT=" in t.screen(), TIMEOUT, what="the exit")
        T.check(title, "EXIT=1" in t.screen() and
                "1 line not confirmed by the server" in t.screen(), t.screen())


def terminal_quit(confirm):
    """/quit right after a line waits (bounded) for the server to confirm it:
    confirmed, the client leaves at once with status 0; never confirmed, it
    leaves after the wait, says so and exits 1."""
    what = "confirmed" if confirm else "never confirmed"
    with Terminal("tq") as t:
        t.type_line("last words")
        ping = t.ack_ping()
        t.type_line("/quit gone")
        T.check("/quit with a line %s: it waits for the server" % what,
                lambda: wait_for(lambda: "waiting up to 5 s" in t.screen(), TIMEOUT,
                                 what="the waiting note"))
        T.check("/quit with a line %s: the client is still there while it waits" % what,
                "EXIT=" not in t.screen(), t.screen())
        if confirm:
            t.srv.send(":irc.test PONG irc.test :" + ping.split(":", 1)[1])
        wait_for(lambda: "EXIT=" in t.screen(), TIMEOUT, what="the exit")
        out = t.screen()
        if confirm:
            T.check("/quit, the line confirmed: exit 0, nothing said lost", "EXIT=0" in out and
                    "not confirmed" not in out, out)
        else:
            T.check("/quit, the line never confirmed: exit 1 after the wait, and it says so",
                    "EXIT=1" in out and "1 line not confirmed by the server" in out, out)
        T.check("/quit %s: QUIT carries the reason" % what,
                lambda: wait_for(lambda: "QUIT :gone" in t.srv.got, TIMEOUT, what="QUIT"))


if shutil.which("tmux") and not EMU:
    case("a terminal: SIGTERM with an unconfirmed line")(terminal_sigterm)
    case("a terminal: /quit right after a line, confirmed")(lambda: terminal_quit(True))
    case("a terminal: /quit right after a line, never confirmed")(lambda: terminal_quit(False))
else:
    for name in ("SIGTERM with an unconfirmed line", "/quit right after a line"):
        T.skip("a terminal: " + name, "needs tmux; host only")
T.done()
