#!/usr/bin/python3
"""t-client-tty-paste (host-only) - pastes into chat-client (tmux's
bracketed paste): 3 lines go at once, one message each; 10 lines ask first,
Esc drops them and Enter sends them, in order, never as one line; a pasted
"/quit" is text, not a command; the last unfinished line stays on the input
line. Against chat-server, at 120x35 and 50x20. host-only: tmux drives the host binary."""
import os
import re
import shutil
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from chatbox_test import EMU, Server, T, case, wait_for  # noqa: E402
from client_test import tty_setup, watcher  # noqa: E402

TMP, tmux, LINK = tty_setup("t-client-tty-paste")


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
    """The next PRIVMSG text to #lobby the watcher gets from the client."""
    return w.expect(r"^:%s!\S* PRIVMSG #lobby :(.*)$" % NICK[0]).group(1)


NICK = ["ana"]


def paste_cases(port, x, y):
    size = "%dx%d" % (x, y)
    NICK[0] = "ana%d" % x  # a nick per run: the last one may not have left yet
    tmux.new_session("%s -n %s 127.0.0.1:%d; sleep 600" % (" ".join(EMU + [LINK]), NICK[0], port), x, y)
    try:
        wait_for(lambda: "| %s | online" % NICK[0] in screen()[y - 2], 5, what="online")
    except TimeoutError:
        raise TimeoutError("not online:\n" + "\n".join(screen()))
    w = watcher(port, "bo%d" % x)

    title = "%s: a 3-line paste goes at once, one message per line; a pasted /quit is text" % size

    @case(title)
    def _():
        paste("one\n/quit\nthree\n")
        got = [said(w) for _ in range(3)]
        T.check(title, got == ["one", "/quit", "three"], got)

    title = "%s: a 10-line paste asks first; any other key drops it" % size

    @case(title)
    def _():
        paste("".join("drop %d\n" % i for i in range(10)))
        wait_screen(r"-!- paste of 10 lines: Enter sends")
        tmux("send-keys", "-t", "t", "Escape")
        wait_screen(r"-!- paste of 10 lines dropped")
        typed("after the drop")  # the barrier: nothing pasted came before it
        T.check(title, said(w) == "after the drop")

    title = "%s: a 10-line paste sent after Enter: ten messages in order; the rest stays typed" % size

    @case(title)
    def _():
        paste("".join("line %d\n" % i for i in range(10)) + "unfinished")
        wait_screen(r"-!- paste of 10 lines: Enter sends")
        tmux("send-keys", "-t", "t", "Enter")
        got = [said(w) for _ in range(10)]
        wait_for(lambda: screen()[y - 1].rstrip() == "[#lobby] unfinished", 5, what="the input line")
        T.check(title, got == ["line %d" % i for i in range(10)], got)
        tmux("send-keys", "-t", "t", "C-u")
    w.close()
    tmux("send-keys", "-t", "t", "C-c")


with Server() as srv:
    try:
        paste_cases(srv.port, 120, 35)
        paste_cases(srv.port, 50, 20)
    finally:
        tmux.kill_server()
        shutil.rmtree(TMP, ignore_errors=True)
T.done()
