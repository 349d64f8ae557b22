#!/usr/bin/python3
"""t-client-tty-paste (host-only) - pastes into chat-client (tmux's
bracketed paste): 3 lines go at once, one message each; 10 lines ask first,
Esc drops them and Enter sends them, in order, never as one line; a pasted
"/quit" is text, not a command; the last unfinished line stays on the input
line. Against chat-server, at 120x35. host-only: tmux drives the host binary."""
import os
import re
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from chatbox_test import BIN, EMU, Server, T, case, wait_for  # noqa: E402
from client_test import Tmux, watcher  # noqa: E402

if not shutil.which("tmux"):
    print("SKIP: t-client-tty-paste needs tmux")
    sys.exit(0)

TMP = tempfile.mkdtemp(prefix="chatbox-ttypaste-")
tmux = Tmux(TMP)
LINK = os.path.join(TMP, "chat-client")
os.symlink(BIN, LINK)


def screen():
    return tmux("capture-pane", "-p", "-t", "t").split("\n")


def wait_screen(pattern):
    rx = re.compile(pattern)
    try:
        wait_for(lambda: any(rx.search(l) for l in screen()), 5, what=pattern)
    except TimeoutError:
        raise TimeoutError("no %r on screen:\n%s" % (pattern, "\n".join(screen())))


def paste(text):
    tmux("set-buffer", "-b", "p", text)
    tmux("paste-buffer", "-p", "-b", "p", "-t", "t")  # -p: bracketed, as the client asked


def typed(text):
    tmux("send-keys", "-t", "t", "-l", text)
    tmux("send-keys", "-t", "t", "Enter")


def said(w):
    """The next PRIVMSG text to #lobby the watcher gets."""
    return w.expect(r"^:ana!\S* PRIVMSG #lobby :(.*)$").group(1)


with Server() as srv:
    try:
        tmux.new_session("%s -n ana 127.0.0.1:%d; sleep 600" % (" ".join(EMU + [LINK]), srv.port),
                         120, 35)
        wait_for(lambda: "| ana | online" in screen()[33], 5, what="online")
        w = watcher(srv.port, "bo")

        @case("a 3-line paste goes at once, one message per line; a pasted /quit is text")
        def _():
            paste("one\n/quit\nthree\n")
            got = [said(w) for _ in range(3)]
            T.check("a 3-line paste goes at once, one message per line; a pasted /quit is text",
                    got == ["one", "/quit", "three"], got)

        @case("a 10-line paste asks first; any other key drops it")
        def _():
            paste("".join("drop %d\n" % i for i in range(10)))
            wait_screen(r"-!- paste of 10 lines: Enter sends them")
            tmux("send-keys", "-t", "t", "Escape")
            wait_screen(r"-!- paste of 10 lines dropped")
            typed("after the drop")  # the barrier: nothing pasted came before it
            T.check("a 10-line paste asks first; any other key drops it", said(w) == "after the drop")

        @case("a 10-line paste sent after Enter: ten messages in order; the rest stays typed")
        def _():
            paste("".join("line %d\n" % i for i in range(10)) + "unfinished")
            wait_screen(r"-!- paste of 10 lines: Enter sends them")
            tmux("send-keys", "-t", "t", "Enter")
            got = [said(w) for _ in range(10)]
            wait_for(lambda: screen()[34].rstrip() == "[#lobby] unfinished", 5, what="the input line")
            T.check("a 10-line paste sent after Enter: ten messages in order; the rest stays typed",
                    got == ["line %d" % i for i in range(10)], got)
            tmux("send-keys", "-t", "t", "C-u")
        w.close()
        tmux("send-keys", "-t", "t", "C-c")
    finally:
        tmux.kill_server()
        shutil.rmtree(TMP, ignore_errors=True)
T.done()
