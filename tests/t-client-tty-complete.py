#!/usr/bin/python3
"""t-client-tty-complete (host-only) - Tab completes /commands, and room
names after /join and /win (nicks elsewhere, as t-client-tty tests);
/help COMMAND gives one command's usage; /names and /list answer readably.
Against chat-server, tmux at 120x35. host-only: tmux drives the host binary."""
import os
import re
import shutil
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from chatbox_test import EMU, Server, T, case, wait_for  # noqa: E402
from client_test import tty_setup, watcher  # noqa: E402

TMP, tmux, LINK = tty_setup("t-client-tty-complete")


def screen():
    return tmux("capture-pane", "-p", "-t", "t").split("\n")


def input_line():
    return screen()[34].rstrip()


def wait_input(text):
    try:
        return wait_for(lambda: input_line() == text.rstrip(), 5, what=text)  # the pane drops trailing spaces
    except TimeoutError:
        raise TimeoutError("input line %r, not %r" % (input_line(), text))


def wait_screen(pattern):
    rx = re.compile(pattern)
    try:
        return wait_for(lambda: any(rx.search(l) for l in screen()), 5, what=pattern)
    except TimeoutError:
        raise TimeoutError("no %r on screen:\n%s" % (pattern, "\n".join(screen())))


def keys(*k):
    tmux("send-keys", "-t", "t", *k)


def typed(text, enter=True):
    tmux("send-keys", "-t", "t", "-l", text)
    if enter:
        keys("Enter")


with Server() as srv:
    try:
        tmux.new_session("%s -n ana 127.0.0.1:%d; sleep 600" % (" ".join(EMU + [LINK]), srv.port),
                         120, 35)
        wait_for(lambda: "| ana | online" in screen()[33], 5, what="online")
        bo = watcher(srv.port, "bo", room="#kitchen")
        typed("/join #kitchen")
        wait_input("[#kitchen]")

        @case("Tab completes a /command, then a room after /join and /win")
        def _():
            typed("/jo", enter=False)
            keys("Tab")
            wait_input("[#kitchen] /join ")
            typed("#ki", enter=False)
            keys("Tab")
            wait_input("[#kitchen] /join #kitchen ")
            keys("C-u")
            typed("/wi", enter=False)
            keys("Tab")
            typed("#lo", enter=False)
            keys("Tab")
            wait_input("[#kitchen] /win #lobby ")
            keys("Enter")
            T.check("Tab completes a /command, then a room after /join and /win",
                    lambda: wait_input("[#lobby]"))

        @case("/help COMMAND gives one command's usage")
        def _():
            typed("/help kick")
            wait_screen(r"-!- /kick \[#room\] NICK \[reason\]   put NICK out of the room$")
            typed("/help /nosuch")
            wait_screen(r"-!- no command /nosuch: /help lists them$")
            T.check("/help COMMAND gives one command's usage",
                    not any("/ban [NICK|MASK]" in l or "no command /kick" in l for l in screen()),
                    "\n".join(screen()))

        @case("/names and /list answer readably")
        def _():
            typed("/win #kitchen")
            wait_input("[#kitchen]")
            typed("/names")
            wait_screen(r"-!- in #kitchen: (@bo ana|ana @bo)$")
            typed("/list")
            wait_screen(r"-!- #kitchen \(2 users\)")
            T.check("/names and /list answer readably", lambda: wait_screen(r"-!- #lobby \(1 user\)"))
        bo.close()
        keys("C-c")
    finally:
        tmux.kill_server()
        shutil.rmtree(TMP, ignore_errors=True)
T.done()
