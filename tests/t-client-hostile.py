#!/usr/bin/python3
"""t-client-hostile - a hostile IRC server cannot put terminal controls on
chat-client's screen or output: ESC, C0 (but LF), DEL, C1 (raw or as UTF-8)
and bidi controls in every field it sends - nicks, rooms, the welcome's nick,
topics, names, reasons, notices, numerics, ERROR - are dropped, in script
mode (stdout and stderr bytes) and in the terminal interface (every byte
written to the terminal, recorded by script(1) inside tmux). Script mode
runs on every board; the terminal part on the host only."""
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from chatbox_test import BIN, EMU, SLOW, T, applet, case, wait_for  # noqa: E402
from client_test import FakeIrc, Tmux  # noqa: E402

TIMEOUT = 20 * SLOW
# ESC sequences (SGR blink, an OSC title with BEL), raw C1 CSI, UTF-8 C1 CSI,
# bidi override and isolate, other C0 and DEL: none may get through.
BAD = (b"\x1b[5mX\x1b]0;T\x07\x9b2J\xc2\x9b2J" + "\u202e\u2067".encode()
       + b"\x01\x08\x0b\x0c\x0e\x7f")
# What is left of it: printable text, the raw byte as U+FFFD.
LEFT = "[5mX]0;T\ufffd2J2J"
# Room names cannot hold C0 (nor spaces): the rest is tried there.
BAD_ROOM = b"#r\xc2\x9b" + "\u202e\u2066".encode() + b"oom"
LEFT_ROOM = "#room"
UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f\x80-\x9f\u202a-\u202e\u2066-\u2069]")


def b(s):
    return s.encode() if isinstance(s, str) else s


def hostile_lines(nick):
    """Every field, hostile: a line per kind of message."""
    n = b(nick)
    return [
        b":ev" + BAD + b"il!u@h PRIVMSG #lobby :text" + BAD,
        b":bo!u@h PRIVMSG #lob" + BAD + b"by :in a bad room",
        b":bo!u@h PRIVMSG " + BAD_ROOM + b" :in a bidi room",
        b":pm" + BAD + b"!u@h PRIVMSG " + n + b" :private",
        b":bo!u@h PRIVMSG #lobby :\x01ACTION acts" + BAD + b"\x01",
        b":bo!u@h NOTICE #lobby :notice" + BAD,
        b":irc.test NOTICE " + n + b" :server notice" + BAD,
        b":irc.test 332 " + n + b" #lobby :topic" + BAD,
        b":to" + BAD + b"!u@h TOPIC #lobby :newtopic" + BAD,
        b":irc.test 353 " + n + b" = #lobby :comp" + BAD + b"lete @op",
        b":jo" + BAD + b"!u@h JOIN #lobby",
        b":na!u@h JOIN #lobby",
        b":na!u@h NICK :re" + BAD,
        b":qu!u@h JOIN #lobby",
        b":qu!u@h QUIT :quitreason" + BAD,
        b":pa!u@h JOIN #lobby",
        b":pa!u@h PART #lobby :partreason" + BAD,
        b":ki" + BAD + b"!u@h KICK #lobby op :kickreason" + BAD,
        b":irc.test 401 " + n + b" no" + BAD + b"body :No such nick" + BAD,
        b":irc.test 301 " + n + b" aw" + BAD + b"ay :away" + BAD,
        b":irc.test 322 " + n + b" #li" + BAD + b"st 3 :listtopic" + BAD,
        b":irc.test 305 " + n + b" :back" + BAD,
        b":mo" + BAD + b"!u@h MODE #lobby +ov o" + BAD + b"p v" + BAD,
        b":in" + BAD + b"!u@h INVITE " + n + b" :#inv" + BAD,
        b":irc.test 311 " + n + b" wh" + BAD + b"o u" + BAD + b" h" + BAD + b" * :real" + BAD,
        b":irc.test 333 " + n + b" #lobby set" + BAD + b"ter 1700000000",
        b":" + n + b"!u@h JOIN " + BAD_ROOM,
        b":bo!u@h PRIVMSG #lobby :END",
    ]


def unsafe_in(data):
    """What in DATA (bytes) is not safe text, or None."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        return "not UTF-8: %s" % e
    m = UNSAFE.search(text)
    return m and "%r at %d: %r" % (m.group(0), m.start(), text[max(0, m.start() - 40):m.start() + 40])


@case("script mode: nothing unsafe on stdout or stderr, every field still shown")
def _():
    srv = FakeIrc(on_join=lambda send, nick, room: [send(l) for l in hostile_lines(nick)])
    p = applet("chat-client", "-n", "safe", "127.0.0.1:%d" % srv.port, stdin=subprocess.PIPE,
               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = p.communicate(b"", timeout=TIMEOUT)
    srv.close()
    text = out.decode(errors="replace") + err.decode(errors="replace")
    shown = ["<ev%s" % LEFT, "> text" + LEFT,  # (a nick is cut at 30 bytes) "#lob%sby <bo>" % LEFT, "%s <bo> in a bidi" % LEFT_ROOM,
             "@pm%s <pm%s> private" % (LEFT, LEFT), "* bo acts" + LEFT, "-bo- notice" + LEFT,
             "no%sbody: No such nick%s" % (LEFT, LEFT), "<bo> END"]
    T.check("script mode: nothing unsafe on stdout or stderr, every field still shown",
            p.returncode == 0 and not unsafe_in(out) and not unsafe_in(err)
            and all(s in text for s in shown),
            (p.returncode, unsafe_in(out), unsafe_in(err), [s for s in shown if s not in text], text))


@case("an ERROR reason at login reaches stderr safe")
def _():
    srv = FakeIrc(on_register=lambda send, nick: send(b"ERROR :banned" + BAD) or True)
    p = applet("chat-client", "-n", "safe", "127.0.0.1:%d" % srv.port, stdin=subprocess.PIPE,
               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = p.communicate(b"", timeout=TIMEOUT)
    srv.close()
    T.check("an ERROR reason at login reaches stderr safe",
            p.returncode == 1 and not unsafe_in(out + err) and ("banned" + LEFT) in err.decode(),
            (unsafe_in(err), err))


def terminal_cases():
    tmp = tempfile.mkdtemp(prefix="chatbox-hostile-")
    tmux = Tmux(tmp)
    link = os.path.join(tmp, "chat-client")
    os.symlink(BIN, link)

    def screen_has(s):
        return s in tmux("capture-pane", "-p", "-t", "t")

    def session(port, raw, opts=""):
        """The client in tmux under script(1), which records its bytes in RAW."""
        cmd = "%s %s -n safe 127.0.0.1:%d" % (" ".join(EMU + [link]), opts, port)
        tmux.new_session("script -qfec '%s' %s; sleep 600" % (cmd, raw), 100, 40)

    def terminal_bytes(raw):
        with open(raw, "rb") as f:
            data = f.read()
        # The client's own drawing: CSI sequences and CR/LF; the rest is text.
        own = re.sub(rb"\x1b\[[0-9;?]*[A-Za-z]", b"", data).replace(b"\r", b"")
        return data, own

    try:
        @case("terminal: nothing unsafe drawn, from any field")
        def _():
            srv = FakeIrc(on_join=lambda send, nick, room: [send(l) for l in hostile_lines(nick)])
            raw = os.path.join(tmp, "raw1")
            session(srv.port, raw, "-1")  # one stream: every line is drawn
            wait_for(lambda: screen_has("<bo> END"), TIMEOUT, what="the last line on screen")
            tmux("send-keys", "-t", "t", "-l", "comp")
            tmux("send-keys", "-t", "t", "Tab", "C-u")
            tmux("send-keys", "-t", "t", "-l", "/help")  # a barrier: the screen after Tab
            tmux("send-keys", "-t", "t", "Enter")
            wait_for(lambda: screen_has("Tab completes nicks"), TIMEOUT, what="/help shown")
            # Once in, what the client has no words for is shown as it came:
            # a numeric and a command unknown to it.
            srv.send(b":irc.test 999 safe ar" + BAD + b"g :numeric" + BAD)
            srv.send(b":fr" + BAD + b"!u@h FROB #lobby :frob" + BAD)
            wait_for(lambda: ("frob" + LEFT).encode() in terminal_bytes(raw)[1], TIMEOUT,
                     what="the unknown command shown")
            data, own = terminal_bytes(raw)
            shown = ["topic of #lobby: topic" + LEFT,
                     "mode/#lobby [+ov o%sp v%s] by mo%s" % (LEFT, LEFT, LEFT),
                     "in%s invites you to #inv%s" % (LEFT, LEFT),
                     "wh%so is u%s@h%s (real%s)" % (LEFT, LEFT, LEFT, LEFT),
                     "topic of #lobby set by set%ster" % LEFT,
                     "ar%sg numeric%s" % (LEFT, LEFT), "fr%s FROB #lobby frob%s" % (LEFT, LEFT), "in #lobby: comp%slete" % LEFT,
                     "qu quit (quitreason%s)" % LEFT, "na is now re" + LEFT, "[%s]" % LEFT_ROOM, "| %s " % LEFT_ROOM,
                     "op was kicked from #lobby by ki%s (kickreason%s)" % (LEFT, LEFT),
                     "pa left #lobby (partreason%s)" % LEFT]
            text = own.decode(errors="replace")
            T.check("terminal: nothing unsafe drawn, from any field",
                    b"\x1b[5m" not in data and b"\x1b]" not in data and not unsafe_in(own)
                    and all(s in text for s in shown),
                    (unsafe_in(own), [s for s in shown if s not in text], text[-2000:]))
            tmux("send-keys", "-t", "t", "C-c")
            srv.close()

        @case("terminal, windows: every window and the status line drawn safe")
        def _():
            srv = FakeIrc(on_join=lambda send, nick, room: [send(l) for l in hostile_lines(nick)])
            raw = os.path.join(tmp, "raw3")
            session(srv.port, raw)
            wait_for(lambda: screen_has("[%s]" % LEFT_ROOM), TIMEOUT, what="the bidi room's window")
            for _ in range(4):  # through every window: status, #lobby, pm..., the room
                tmux("send-keys", "-t", "t", "C-x")
            tmux("send-keys", "-t", "t", "-l", "/help")
            tmux("send-keys", "-t", "t", "Enter")
            wait_for(lambda: screen_has("Tab completes nicks"), TIMEOUT, what="/help shown")
            data, own = terminal_bytes(raw)
            own = own.replace(b"\a", b"")  # the client's own bell, for the mentions
            text = own.decode(errors="replace")
            T.check("terminal, windows: every window and the status line drawn safe",
                    b"\x1b[5m" not in data and b"\x1b]" not in data and not unsafe_in(own)
                    and "<bo> END" in text and "[Act: " in text,
                    (unsafe_in(own), text[-2000:]))
            tmux("send-keys", "-t", "t", "C-c")
            srv.close()

        @case("terminal: the welcome's nick in the status line is safe")
        def _():
            srv = FakeIrc(on_register=lambda send, nick: send(b":irc.test 001 me" + BAD + b" :hi"))
            raw = os.path.join(tmp, "raw2")
            session(srv.port, raw)
            wait_for(lambda: screen_has("| me%s | online" % LEFT), TIMEOUT, what="online")
            data, own = terminal_bytes(raw)
            T.check("terminal: the welcome's nick in the status line is safe",
                    b"\x1b[5m" not in data and b"\x1b]" not in data and not unsafe_in(own),
                    (unsafe_in(own), own[-1000:]))
            tmux("send-keys", "-t", "t", "C-c")
            srv.close()
    finally:
        tmux.kill_server()
        shutil.rmtree(tmp, ignore_errors=True)


if shutil.which("tmux") and shutil.which("script") and not EMU:
    terminal_cases()
else:
    T.skip("terminal cases", "they need tmux and script(1), and run on the host only")
T.done()
