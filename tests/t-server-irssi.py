#!/usr/bin/python3
"""t-server-irssi - host-only: a real IRC client (Debian's irssi, driven in
tmux: tests/lib/irssi_test.py) joins a room, receives a plain nc-style
user's message and answers it."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from chatbox_test import T, Server, case, plain  # noqa: E402
from irssi_test import Irssi  # noqa: E402

irssi = Irssi.or_skip("irssi talks to chat-server")

with Server("-R", "0") as srv:
    @case("irssi joins, reads a plain user's line, and answers it")
    def _():
        try:
            irssi.start(srv.port, "irssiuser")
            T.check("irssi registers (001 shown)", True)
            irssi.keys("/join #lobby")
            irssi.wait(lambda s: "#lobby" in s and "Total of" in s, "irssi to join #lobby")
            T.check("irssi joins #lobby", True)
            p = plain(srv.port, "ncuser")
            p.send("hello irssi, from nc")
            irssi.wait(lambda s: "hello irssi, from nc" in s, "the plain line in irssi")
            T.check("irssi shows the plain user's message", "ncuser" in irssi.screen(),
                    irssi.screen()[-500:])
            irssi.keys("hi ncuser, irssi here")
            T.check("the plain user reads irssi's answer",
                    p.expect(r"^\d\d:\d\d <irssiuser> hi ncuser, irssi here$", timeout=10))
            irssi.keys("/quit bye")
            T.check("irssi's QUIT reaches the plain user", p.expect(r"^\* irssiuser quit \(Quit: bye\)$"))
        except Exception:
            irssi.dump()
            raise
        finally:
            irssi.close()

T.done()
