#!/usr/bin/python3
"""t-client-tty (host-only) - chat-client's interactive mode in a real terminal (tmux):
typing while messages arrive, editing keys, UTF-8, resize, reconnect, and a
terminal restored after exit. host-only: tmux drives the host binary."""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from chatbox_test import BIN, EMU, T, case, wait_for  # noqa: E402
from client_test import FakeIrc, Ngircd, Tmux, watcher  # noqa: E402

if not shutil.which("tmux"):
    T.check("tmux is installed (make deps)", False)
    T.done()

TMP = tempfile.mkdtemp(prefix="chatbox-tty-")
tmux = Tmux(TMP)
SOCK = tmux.sock
LINK = os.path.join(TMP, "chat-client")
os.symlink(BIN, LINK)


def screen():
    return tmux("capture-pane", "-p", "-t", "t").split("\n")


def cursor():
    x, y = tmux("display-message", "-p", "-t", "t", "#{cursor_x} #{cursor_y}").split()
    return int(x), int(y)


def rows():
    return int(tmux("display-message", "-p", "-t", "t", "#{pane_height}"))


def input_line():
    return screen()[rows() - 1].rstrip()


def status_line():
    return screen()[rows() - 2]


def wait_screen(pattern, timeout=5):
    rx = re.compile(pattern)
    try:
        return wait_for(lambda: rx.search("\n".join(screen())), timeout, what=pattern)
    except TimeoutError:
        raise TimeoutError("no %r on screen:\n%s" % (pattern, "\n".join(screen())))


def wait_input(text, timeout=5):
    try:
        wait_for(lambda: input_line() == text, timeout, what="input line %r" % text)
    except TimeoutError:
        raise TimeoutError("input line is %r, not %r" % (input_line(), text))


def keys(*k):
    tmux("send-keys", "-t", "t", *k)


def typed(text):
    tmux("send-keys", "-t", "t", "-l", text)


def new_session(cmd):
    tmux.new_session(cmd)


def start(port, nick, env="", ready=None):
    cmd = "%s %s -n %s 127.0.0.1:%d; S=$?; stty -a; echo EXIT=$S; sleep 600" % (
        env, " ".join(EMU + [LINK]), nick, port)
    new_session(cmd)
    wait_screen(ready or r"%s \| online" % nick)


P = "[#lobby] "
ngircd = Ngircd()
ngircd.__enter__()
port = ngircd.port
try:
    start(port, "ana")
    w = watcher(port, "bo")

    @case("typing while messages arrive keeps the input line")
    def _():
        typed("hello wor")
        wait_input(P + "hello wor")
        for i in range(5):
            w.send("PRIVMSG #lobby :incoming %d" % i)
        wait_screen(r"<bo> incoming 4")
        ok = input_line() == P + "hello wor" and cursor() == (len(P) + 9, rows() - 1)
        typed("ld")
        keys("Enter")
        ok = ok and w.expect(r"^:ana!\S* PRIVMSG #lobby :hello world$")
        scr = screen()
        order = [i for i, l in enumerate(scr) if re.search(r"<bo> incoming \d", l)]
        T.check("typing while messages arrive keeps the input line",
                ok and len(order) == 5 and "| #lobby (2 users) | ana | online" in status_line(),
                "\n".join(scr))

    @case("an idle client uses no CPU")
    def _():
        pid = subprocess.run(["pgrep", "-n", "-f", LINK + " -n ana"],
                             capture_output=True, text=True).stdout.split()[0]

        def cpu_ticks():
            with open("/proc/%s/stat" % pid) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            return int(fields[11]) + int(fields[12])  # utime + stime
        t0 = cpu_ticks()
        time.sleep(1.0)
        used = cpu_ticks() - t0
        T.check("an idle client uses no CPU", used <= 2, "%d ticks in 1 s" % used)

    @case("editing keys: arrows, Home/End, Ctrl-A/E/U/K/W, Backspace/Delete, history")
    def _():
        typed("abc def")
        keys("Home")
        typed("X")
        wait_input(P + "Xabc def")
        keys("End", "Left", "Left", "BSpace")
        wait_input(P + "Xabc ef")
        keys("C-a", "DC")
        wait_input(P + "abc ef")
        keys("C-e", "C-w")
        wait_input(P + "abc")
        keys("C-u")
        wait_input(P.rstrip())
        typed("one two three")
        keys("C-a", "Right", "Right", "Right", "C-k")
        wait_input(P + "one")
        keys("Enter")
        ok = w.expect(r"PRIVMSG #lobby :one$")
        typed("draft")
        keys("Up")
        wait_input(P + "one")
        keys("Up")
        wait_input(P + "hello world")
        keys("Down", "Down")
        wait_input(P + "draft")
        keys("C-u")
        T.check("editing keys: arrows, Home/End, Ctrl-A/E/U/K/W, Backspace/Delete, history", ok)

    @case("UTF-8 input: wide and combining characters")
    def _():
        typed("h\u00e9llo \u4e16\u754c e\u0301")
        wait_input(P + "h\u00e9llo \u4e16\u754c e\u0301")
        x1 = cursor()[0]
        keys("Left")  # over e and its combining accent at once
        wait_for(lambda: cursor()[0] == x1 - 1, what="cursor one column left")
        keys("BSpace")  # the space before it
        wait_input(P + "h\u00e9llo \u4e16\u754ce\u0301")
        keys("BSpace")  # the wide character
        wait_input(P + "h\u00e9llo \u4e16e\u0301")
        keys("Enter")
        T.check("UTF-8 input: wide and combining characters",
                x1 == len(P) + 12 and w.expect("PRIVMSG #lobby :h\u00e9llo \u4e16e\u0301$"), x1)

    @case("a long input line scrolls sideways, the cursor stays on screen")
    def _():
        typed("x" * 100 + "END")
        wait_for(lambda: input_line().endswith("xEND"), what="the line's end in view")
        ok = cursor()[0] < 80
        keys("Home")
        wait_for(lambda: input_line() == P + "x" * 71, what="the line's start in view")
        keys("C-k")
        wait_input(P.rstrip())
        T.check("a long input line scrolls sideways, the cursor stays on screen", ok)

    @case("resize redraws: status and input at the new bottom, messages kept")
    def _():
        typed("kept")
        tmux("resize-window", "-t", "t", "-x", "50", "-y", "12")
        wait_for(lambda: rows() == 12, what="12 rows")
        wait_for(lambda: input_line() == P + "kept", what="input line redrawn")
        scr = screen()
        T.check("resize redraws: status and input at the new bottom, messages kept",
                "ana | online" in scr[10] and any("<ana> h\u00e9llo" in l for l in scr)
                and len(scr[10].rstrip()) <= 50, "\n".join(scr))
        keys("C-u")
        tmux("resize-window", "-t", "t", "-x", "80", "-y", "24")

    @case("reconnect after a server restart; lines typed meanwhile are sent")
    def _():
        global w
        ngircd.stop()
        wait_screen(r"reconnecting in")
        typed("while away")
        keys("Enter")
        wait_screen(r"will send when back")
        ngircd.__enter__()  # same port again
        w = watcher(port, "cy")
        wait_for(lambda: "#lobby (2 users) | ana | online" in status_line(), 20,
                 what="ana back in #lobby")
        T.check("reconnect after a server restart; lines typed meanwhile are sent",
                w.expect(r"^:ana!\S* PRIVMSG #lobby :while away$", timeout=20))

    @case("a mention highlights the line")
    def _():
        w.send("PRIVMSG #lobby :hey ana, lunch?")
        wait_screen(r"<cy> hey ana, lunch\?")
        out = tmux("capture-pane", "-p", "-e", "-t", "t")
        T.check("a mention highlights the line", re.search(r"\x1b\[1m.*hey ana, lunch", out), out)
        w.send("PRIVMSG #lobby :ANA: in any case")
        wait_screen(r"<cy> ANA: in any case")
        out = tmux("capture-pane", "-p", "-e", "-t", "t")
        # tmux writes an attribute where it changes: bold since the last
        # reset (ESC[0m, ESC[0;..m, ESC[22m) is bold still
        before = out[:out.find("ANA: in any case")]
        resets = [before.rfind(r) for r in ("\x1b[0m", "\x1b[0;", "\x1b[22m")]
        T.check("in any letter case", before.rfind("\x1b[1m") > max(resets), repr(out))

    @case("PgUp/PgDn scroll back and forth; new lines do not move the page")
    def _():
        for i in range(40):
            w.send("PRIVMSG #lobby :scroll %d" % i)
        wait_screen(r"<cy> scroll 39")
        keys("PPage")
        wait_screen(r"more below")
        text = "\n".join(screen())
        ok = "scroll 39" not in text and "<cy> scroll 28" in text
        w.send("PRIVMSG #lobby :while reading")
        w.send("PING :sync")
        w.expect("PONG")
        ok = ok and "while reading" not in "\n".join(screen())
        keys("NPage")
        wait_screen(r"<cy> while reading")
        T.check("PgUp/PgDn scroll back and forth; new lines do not move the page",
                ok and "more below" not in status_line(), text)

    @case("Tab completes a nick")
    def _():
        w2 = watcher(port, "cyd")
        wait_screen(r"cyd joined #lobby")
        typed("c")
        keys("Tab")
        wait_for(lambda: input_line() in (P + "cy:", P + "cyd:"), what="a completion")
        first = input_line()
        keys("Tab")
        wait_for(lambda: input_line() not in (first, P + "c"), what="the next completion")
        second = input_line()
        keys("Tab")
        wait_input(first)  # round again
        w2.close()
        if first != P + "cy:":
            keys("Tab")
        wait_input(P + "cy:")
        ok = {first, second} == {P + "cy:", P + "cyd:"}
        typed("hi")
        keys("Enter")
        T.check("Tab completes a nick, Tab again the next", ok and w.expect(r"PRIVMSG #lobby :cy: hi$"))

    @case("/join opens a window, Ctrl-P goes back; the other window's line is activity")
    def _():
        w.send("JOIN #second")
        w.expect(r" 366 ")
        typed("/join #second")
        keys("Enter")
        wait_input("[#second]")
        typed("in second")
        keys("Enter")
        ok = w.expect(r"^:ana!\S* PRIVMSG #second :in second$")
        keys("C-p")
        wait_input(P.rstrip())
        w.send("PRIVMSG #second :over here")
        wait_for(lambda: "[Act: 3]" in status_line(), what="activity in window 3")
        T.check("/join opens a window, Ctrl-P goes back; the other window's line is activity",
                ok and "#lobby (2 users)" in status_line() and "over here" not in "\n".join(screen()),
                "\n".join(screen()))

    @case("commands: /topic, /who, /rooms, /nick, unknown ones")
    def _():
        for line in ("/topic soup at noon", "/who", "/rooms", "/nick ana2", "/frobnicate"):
            typed(line)
            keys("Enter")
        wait_screen(r"unknown command /frobnicate: try /help")
        text = "\n".join(screen())
        T.check("commands: /topic, /who, /rooms, /nick, unknown ones",
                "ana set the topic of #lobby: soup at noon" in text
                and re.search(r"in #lobby: .*\bcy\b", text) and "#lobby (2 users) soup at noon" in text
                and "you are now ana2" in text and "| ana2 | online" in status_line(), text)
        typed("/nick ana")
        keys("Enter")
        wait_for(lambda: "| ana | online" in status_line(), what="nick ana again")

    @case("/quit restores the terminal (icanon echo)")
    def _():
        typed("/quit")
        keys("Enter")
        wait_screen(r"EXIT=0")
        text = "\n".join(screen())
        T.check("/quit restores the terminal (icanon echo)",
                re.search(r"(^|\s)icanon\s", text) and re.search(r"(^|\s)echo\s", text), text)
        w.expect(r"QUIT")
        tmux("kill-session", "-t", "t")

    @case("Ctrl-C, Ctrl-D, 'exit', SIGTERM and a crash restore the terminal too")
    def _():
        for how, rc in (("C-c", 0), ("C-d", 0), ("exit", 0), ("TERM", 0), ("ABRT", 134)):
            start(port, "dee")
            if how.startswith("C-"):
                keys(how)
            elif how == "exit":
                typed("exit")
                keys("Enter")
            else:
                pid = subprocess.run(["pgrep", "-n", "-f", LINK + " -n dee"],
                                     capture_output=True, text=True).stdout.split()
                subprocess.run(["kill", "-" + how] + pid, check=True)
            wait_screen(r"EXIT=%d" % rc)
            text = "\n".join(screen())
            T.check("%s restores the terminal" % how,
                    re.search(r"(^|\s)icanon\s", text) and not re.search(r"-icanon|-echo\s", text), text)
            tmux("kill-session", "-t", "t")

    @case("NO_COLOR: no colours, still the layout")
    def _():
        start(port, "nocol", "NO_COLOR=1")
        w.send("PRIVMSG #lobby :plain please")
        wait_screen(r"<cy> plain please")
        out = tmux("capture-pane", "-p", "-e", "-t", "t")
        T.check("NO_COLOR: no colours, still the layout",
                not re.search(r"\x1b\[[0-9;]*(3[0-7]|9[0-7])m", out) and "nocol | online" in status_line(), out)
        keys("C-c")
        wait_screen(r"EXIT=0")
        tmux("kill-session", "-t", "t")

    @case("TERM=dumb gets plain lines")
    def _():
        cmd = "TERM=dumb %s -n dumb 127.0.0.1:%d; echo EXIT=$?; sleep 600" % (
            " ".join(EMU + [LINK]), port)
        new_session(cmd)
        w.expect(r"^:dumb!\S* JOIN :?#lobby", timeout=10)
        w.send("PRIVMSG #lobby :to the dumb terminal")
        wait_screen(r"(?m)^\d\d:\d\d #lobby <cy> to the dumb terminal$")
        typed("typed plainly")
        keys("Enter")
        ok = w.expect(r"^:dumb!\S* PRIVMSG #lobby :typed plainly$")
        keys("C-d")
        wait_screen(r"EXIT=0")
        T.check("TERM=dumb gets plain lines", ok and "\x1b" not in tmux("capture-pane", "-p", "-e", "-t", "t"))
        tmux("kill-session", "-t", "t")

    @case("a fatal error is shown on the restored terminal, exit 1")
    def _():
        srv = FakeIrc(on_register=lambda send, nick: send("ERROR :Closing link: full") or True)
        cmd = "%s -n eve 127.0.0.1:%d; S=$?; stty -a; echo EXIT=$S; sleep 600" % (
            " ".join(EMU + [LINK]), srv.port)
        new_session(cmd)
        wait_screen(r"EXIT=1")
        text = "\n".join(screen())
        srv.close()
        T.check("a fatal error is shown on the restored terminal, exit 1",
                "refused us before logging in: Closing link: full" in text
                and re.search(r"(^|\s)icanon\s", text), text)
finally:
    subprocess.run(["tmux", "-S", SOCK, "kill-server"], capture_output=True)
    ngircd.__exit__()
    shutil.rmtree(TMP, ignore_errors=True)
T.done()
