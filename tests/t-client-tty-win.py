#!/usr/bin/python3
"""t-client-tty-win (host-only) - chat-client's windows in a real terminal
(tmux, under script(1) to count the bells): a window per room and private
chat, Alt-N, Ctrl-X, /win N, /close, the activity list in the status line
(a mention and a private message in bold), one bell per mentioned window,
at 120x35 and at 50x20 and after resizing; -1 keeps one stream; and the
README's picture (make client-screenshot writes it). Against
chat-server. host-only: tmux drives the host binary."""
import os
import re
import shutil
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from chatbox_test import EMU, Server, T, case, wait_for  # noqa: E402
from client_test import tty_setup, watcher  # noqa: E402

TMP, tmux, LINK = tty_setup("t-client-tty-win", need=("tmux", "script"))
RAW = os.path.join(TMP, "raw")


def rows():
    return int(tmux("display-message", "-p", "-t", "t", "#{pane_height}"))


def screen(escapes=False):
    """The pane's rows, exactly."""
    lines = tmux("capture-pane", "-p", *(["-e"] if escapes else []), "-t", "t").split("\n")
    n = rows()
    return (lines + [""] * n)[:n]


def status(escapes=False):
    return screen(escapes)[-2]


def active():
    """The windows the status line's [Act: ...] lists, as a set of numbers."""
    m = re.search(r"\[Act: ([\d,]+)\]", status())
    return set(m.group(1).split(",")) if m else set()


def prompt():
    return screen()[-1].rstrip()


def wait(what, cond):
    try:
        return wait_for(cond, 5, what=what)
    except TimeoutError:
        raise TimeoutError("%s, not on screen:\n%s" % (what, "\n".join(screen())))


def typed(text):
    tmux("send-keys", "-t", "t", "-l", text)
    tmux("send-keys", "-t", "t", "Enter")


def keys(*k):
    tmux("send-keys", "-t", "t", *k)


def bells():
    with open(RAW, "rb") as f:
        return f.read().count(b"\a")


def start(port, x, y, opts=""):
    if os.path.exists(RAW):
        os.unlink(RAW)
    cmd = "%s %s -n ana 127.0.0.1:%d" % (" ".join(EMU + [LINK]), opts, port)
    tmux.new_session("script -qfec '%s' %s; sleep 600" % (cmd, RAW), x, y)
    wait("online", lambda: "| ana | online" in status())


def windows_cases(port, x, y):
    size = "%dx%d" % (x, y)
    start(port, x, y)
    bo = watcher(port, "bo")
    bo.send("JOIN #b")
    bo.expect(r" 366 ")
    cy = watcher(port, "cy")
    typed("/join #b")
    wait("window 3: #b", lambda: prompt() == "[#b]" and ("win 3" in status() or x <= 50))

    title = "%s: Alt-2 goes back; chatter in #b is plain activity, not shown" % size

    @case(title)
    def _():
        keys("M-2")
        wait("window 2", lambda: prompt() == "[#lobby]")
        bo.send("PRIVMSG #b :plain chatter")
        wait("[Act: 3]", lambda: "[Act: 3]" in status())
        esc = status(escapes=True)
        T.check(title, "plain chatter" not in "\n".join(screen()) and
                not re.search(r"\x1b\[1m3", esc) and status().startswith(" [Act: 3] "), esc)

    title = "%s: a mention in another window: bold, one bell; a second one rings no more" % size

    @case(title)
    def _():
        before = bells()
        bo.send("PRIVMSG #b :ana: look here")
        wait("bold 3", lambda: re.search(r"\x1b\[1m3", status(escapes=True)))
        wait_for(lambda: bells() == before + 1, 5, what="one bell")
        bo.send("PRIVMSG #b :ana: and here")
        bo.send("PRIVMSG #lobby :barrier")  # shown in this window: the line before was handled
        wait("the barrier", lambda: any("<bo> barrier" in l for l in screen()))
        T.check(title, bells() == before + 1 and "ana: look" not in "\n".join(screen()),
                (bells(), before, status(escapes=True)))

    title = "%s: a private message opens a window of its own, marked" % size

    @case(title)
    def _():
        cy.send("PRIVMSG ana :psst")
        # each step waits for the screen: tmux shows a redraw a moment later
        wait("[Act: 3,4]", lambda: "[Act: 3,4]" in status())
        wait("window 4 bold in [Act]", lambda: re.search(r"\x1b\[1m4", status(escapes=True)))
        keys("M-4")
        wait("window 4", lambda: prompt() == "[cy]")
        wait("<cy> psst", lambda: any(re.search(r"<cy> psst$", l) for l in screen()))
        typed("hello cy")
        ok = bool(cy.expect(r"^:ana!\S* PRIVMSG cy :hello cy$"))
        # (not "[Act: 3]": now and then the lobby is marked too, with no new
        # line in it, a client fault not yet found; see the README's gaps)
        wait("3 active, 4 not", lambda: "3" in active() and "4" not in active())
        keys("M-2")  # a private line typed elsewhere says where it went
        typed("/msg cy from the lobby")
        wait("marked", lambda: any(re.search(r"\d\d:\d\d \[msg cy\] <ana> from the lobby$", l)
                                   for l in screen()))
        keys("M-4")
        wait("window 4", lambda: prompt() == "[cy]")
        T.check(title, ok, "\n".join(screen()))

    title = "%s: /win 3 shows #b's lines and clears its activity; Ctrl-X goes on" % size

    @case(title)
    def _():
        typed("/win 3")
        wait("window 3", lambda: prompt() == "[#b]")
        text = "\n".join(screen())
        ok = "plain chatter" in text and "ana: look here" in text and "3" not in active()
        keys("C-x")
        wait("window 4", lambda: prompt() == "[cy]")
        T.check(title, ok, text)

    title = "%s: resized, the activity stays in sight and the window is redrawn" % size

    @case(title)
    def _():
        keys("M-2")
        wait("window 2", lambda: prompt() == "[#lobby]")
        bo.send("PRIVMSG #b :while resizing")
        wait("[Act: 3]", lambda: "[Act: 3]" in status())
        nx, ny = (50, 20) if x > 50 else (120, 35)
        tmux("resize-window", "-t", "t", "-x", str(nx), "-y", str(ny))
        wait("resized", lambda: rows() == ny and status().startswith(" [Act: 3] "))
        T.check(title, any("<bo> barrier" in l for l in screen()) and
                "while resizing" not in "\n".join(screen()), "\n".join(screen()))
        # The cases after this one run at the new size: script(1), between
        # tmux and the client, may miss the second of two quick resizes.

    title = "%s: a room's topic and mode changes go to its window" % size

    @case(title)
    def _():
        keys("M-2")
        wait("window 2", lambda: prompt() == "[#lobby]")
        bo.send("TOPIC #b :soup at noon")
        bo.send("MODE #b -t")  # (+t is a new room's default)
        bo.send("PRIVMSG #lobby :barrier two")  # after them: they were handled
        wait("the barrier", lambda: any("<bo> barrier two" in l for l in screen()))
        here = "\n".join(screen())
        keys("M-3")
        wait("window 3", lambda: prompt() == "[#b]")
        there = "\n".join(screen())
        T.check(title, "soup at noon" not in here and "mode/#b" not in here and
                "-!- bo set the topic of #b: soup at noon" in there and "-!- mode/#b [-t] by bo" in there,
                (here, there))

    title = "%s: a flood in one window does not push a quiet window's lines out" % size

    @case(title)
    def _():
        keys("M-2")
        wait("window 2", lambda: prompt() == "[#lobby]")
        for i in range(1100):  # more than the 1000 lines all windows share
            bo.send("PRIVMSG #b :flood %d" % i)
        bo.send("PRIVMSG #lobby :after the flood " + size)  # the barrier: the flood was handled
        wait("the barrier", lambda: any("<bo> after the flood " + size in l for l in screen()))
        keys("M-3")
        wait("window 3", lambda: prompt() == "[#b]")
        flooded = "\n".join(screen())
        keys("M-2")
        wait("window 2", lambda: prompt() == "[#lobby]")
        T.check(title, any("<bo> barrier two" in l for l in screen()) and "flood 1099" in flooded,
                "\n".join(screen()))

    title = "%s: /close closes a window (and parts its room)" % size

    @case(title)
    def _():
        typed("/win 3")
        wait("window 3", lambda: prompt() == "[#b]")
        typed("/close")
        ok = bool(bo.expect(r"^:ana!\S* PART #b"))
        wait("back in window 3, now cy", lambda: prompt() == "[cy]")
        narrow = int(tmux("display-message", "-p", "-t", "t", "#{pane_width}")) <= 50
        T.check(title, ok and ("win 3" in status() or narrow), status())
    bo.close()
    cy.close()
    keys("C-c")


def screenshot_case(port):
    """README's picture: window 2 shown, activity in 3 (chatter) and 4 (a
    private message, bold), at 80x14; then window 3. CLIENT_SCREENSHOT=FILE (make
    client-screenshot) writes the capture there."""
    title = "80x14: two windows with activity, as in the README"

    @case(title)
    def _():
        start(port, 80, 14, "-r home")  # a room of its own: no other case's history
        bo = watcher(port, "bo", room="#home")
        bo.send("JOIN #kitchen")
        bo.expect(r" 366 ")
        cy = watcher(port, "cy", room="#kitchen")
        typed("/join #kitchen")
        wait("window 3", lambda: prompt() == "[#kitchen]")
        keys("M-2")
        wait("window 2", lambda: prompt() == "[#home]")
        bo.send("PRIVMSG #home :anyone up for lunch?")
        wait("lunch", lambda: any("<bo> anyone up for lunch?" in l for l in screen()))
        typed("sure, 12:30? the cafe")
        cy.send("PRIVMSG #kitchen :the soup is ready")
        cy.send("PRIVMSG ana :bring a spoon")
        wait("[Act: 3,4]", lambda: status().startswith(" [Act: 3,4] ") and
             re.search(r"\x1b\[1m4", status(escapes=True)))
        bo.send("PRIVMSG #home :great, see you there")
        wait("see you", lambda: any("<bo> great, see you there" in l for l in screen()))
        shot = "\n".join(l.rstrip() for l in screen())
        ok = "the soup" not in shot and "bring a spoon" not in shot and prompt() == "[#home]"
        keys("M-3")  # the other window: its line, and 4 still waiting
        wait("window 3", lambda: prompt() == "[#kitchen]" and status().startswith(" [Act: 4] "))
        shot3 = "\n".join(l.rstrip() for l in screen())
        if os.environ.get("CLIENT_SCREENSHOT"):
            with open(os.environ["CLIENT_SCREENSHOT"], "w") as f:
                f.write(("$ chat-client -n ana -r home router\n%s\n(Alt-3)\n%s\n" % (shot, shot3)).replace(
                    "127.0.0.1:%d" % port, "router:6667"))
        T.check(title, ok and "<cy> the soup is ready" in shot3 and "bring a spoon" not in shot3,
                shot + "\n" + shot3)
        bo.close()
        cy.close()
        keys("C-c")


with Server("-R", "0") as srv:  # no flood control: the flood case floods
    try:
        windows_cases(srv.port, 120, 35)
        windows_cases(srv.port, 50, 20)

        @case("-1: one stream, other rooms' lines labelled there")
        def _():
            start(srv.port, 120, 35, "-1")
            bo = watcher(srv.port, "bo")
            bo.send("JOIN #c")
            bo.expect(r" 366 ")
            typed("/join #c")
            wait("#c", lambda: prompt() == "[#c]")
            keys("C-x")
            wait("#lobby", lambda: prompt() == "[#lobby]")
            bo.send("PRIVMSG #c :same stream")
            wait("the line", lambda: any(re.search(r"\d\d:\d\d #c <bo> same stream", l) for l in screen()))
            bo.send("PRIVMSG ana :just you")  # marked so that it is no op prefix
            wait("the private line", lambda: any(re.search(r"\d\d:\d\d \[msg bo\] <bo> just you$", l)
                                                  for l in screen()))
            T.check("-1: one stream, other rooms' lines labelled there", "[Act" not in status(), status())
            bo.close()
            keys("C-c")
        screenshot_case(srv.port)
    finally:
        tmux.kill_server()
        shutil.rmtree(TMP, ignore_errors=True)
T.done()
