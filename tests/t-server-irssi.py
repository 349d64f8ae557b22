#!/usr/bin/python3
"""t-server-irssi - host-only: a real IRC client (Debian's irssi, driven in
tmux) joins a room, receives a plain nc-style user's message and answers it."""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from chatbox_test import T, Server, case, plain, wait_for  # noqa: E402

if not shutil.which("irssi") or not shutil.which("tmux"):
    T.skip("irssi talks to chat-server", "irssi or tmux not installed (make deps)")
    T.done()

home = tempfile.mkdtemp(prefix="chatbox-irssi-")
sock = os.path.join(home, "tmux.sock")
session = "irssi"


def tmux(*args):
    return subprocess.run(["tmux", "-S", sock] + list(args), capture_output=True, text=True)


def screen():
    return tmux("capture-pane", "-p", "-t", session, "-S", "-200").stdout


def keys(text):
    tmux("send-keys", "-t", session, "-l", text)
    tmux("send-keys", "-t", session, "Enter")


with Server("-R", "0") as srv:
    @case("irssi joins, reads a plain user's line, and answers it")
    def _():
        tmux("new-session", "-d", "-s", session, "-x", "160", "-y", "40",
             "irssi --home=%s -n irssiuser -c 127.0.0.1 -p %d" % (home, srv.port))
        try:
            wait_for(lambda: "Welcome to" in screen(), 15, what="irssi to register")
            T.check("irssi registers (001 shown)", True)
            keys("/join #lobby")
            wait_for(lambda: "#lobby" in screen() and "Total of" in screen(), 10,
                     what="irssi to join #lobby")
            T.check("irssi joins #lobby", True)
            p = plain(srv.port, "ncuser")
            p.send("hello irssi, from nc")
            wait_for(lambda: "hello irssi, from nc" in screen(), 10, what="the plain line in irssi")
            T.check("irssi shows the plain user's message", "ncuser" in screen(), screen()[-500:])
            keys("hi ncuser, irssi here")
            T.check("the plain user reads irssi's answer",
                    p.expect(r"^\d\d:\d\d <irssiuser> hi ncuser, irssi here$", timeout=10))
            keys("/quit bye")
            T.check("irssi's QUIT reaches the plain user", p.expect(r"^\* irssiuser quit \(Quit: bye\)$"))
        finally:
            tmux("kill-server")
            shutil.rmtree(home, ignore_errors=True)

T.done()
