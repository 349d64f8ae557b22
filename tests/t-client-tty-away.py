#!/usr/bin/python3
"""t-client-tty-away (host-only) - /away TEXT in chat-client's status line,
seen by others (WHOIS, against chat-server), sent again after a reconnect
(a scripted server that cuts the first connection) and still in the status
line; /back clears it. tmux at 120x35 and 50x20. host-only: tmux drives the host binary."""
import os
import shutil
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from chatbox_test import EMU, Server, T, case, wait_for  # noqa: E402
from client_test import FakeIrc, tty_setup, watcher  # noqa: E402

TMP, tmux, LINK = tty_setup("t-client-tty-away")


def status():
    rows = int(tmux("display-message", "-p", "-t", "t", "#{pane_height}"))
    return tmux("capture-pane", "-p", "-t", "t").split("\n")[rows - 2]


def typed(text):
    tmux("send-keys", "-t", "t", "-l", text)
    tmux("send-keys", "-t", "t", "Enter")


def wait_status(what, cond):
    try:
        wait_for(lambda: cond(status()), 10, what=what)
    except TimeoutError:
        raise TimeoutError("%s: the status line is %r" % (what, status()))


def start(port, x, y):
    tmux.new_session("%s -n ana 127.0.0.1:%d; sleep 600" % (" ".join(EMU + [LINK]), port), x, y)
    wait_status("online", lambda s: "| ana | online" in s)


def away_cases(x, y):
    size = "%dx%d" % (x, y)
    with Server() as srv:
        title = "%s: chat-server: /away in the status line and in WHOIS; /back clears both" % size

        @case(title)
        def _():
            start(srv.port, x, y)
            w = watcher(srv.port, "bo")
            typed("/away lunch")
            wait_status("away", lambda s: "| ana (away: lunch) | online" in s)
            w.send("WHOIS ana")
            ok = bool(w.expect(r" 301 bo ana :lunch$"))
            typed("/back")
            wait_status("back", lambda s: "| ana | online" in s)
            w.send("WHOIS ana")
            m = w.expect(r" (301|318) bo ana ")
            T.check(title, ok and m.group(1) == "318", m.group(0))
            w.close()
            tmux("send-keys", "-t", "t", "C-c")

    title = "%s: away is sent again after a reconnect, and stays in the status line" % size

    @case(title)
    def _():
        srv = FakeIrc(hangup_on="PRIVMSG #lobby :cut")
        try:
            start(srv.port, x, y)
            typed("/away brb")
            wait_status("away", lambda s: "(away: brb)" in s)
            typed("cut")
            wait_for(lambda: len(srv.conns) == 2 and any(l.startswith("PING") for l in srv.conns[1]),
                     20, what="the second connection's PING")
            wait_status("online again", lambda s: "| ana (away: brb) | online" in s)
            T.check(title, "AWAY :brb" in srv.conns[1], srv.conns)
            tmux("send-keys", "-t", "t", "C-c")
        finally:
            srv.close()


try:
    away_cases(120, 35)
    away_cases(50, 20)  # the status line drops the server's address to fit
finally:
    tmux.kill_server()
    shutil.rmtree(TMP, ignore_errors=True)
T.done()
