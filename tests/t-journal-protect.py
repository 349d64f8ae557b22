#!/usr/bin/python3
"""t-journal-protect - a protected room's history stays off the disk (-D).

Keys and the modes +i, +s, +p are not saved, so a restart would bring the
room back open to all, its history to whoever joins first with @. Such a
room's history is kept in memory only: after a restart there is no room
and no secret line; an open room's history still comes back."""
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from chatbox_test import T, Server, case, irc  # noqa: E402

ARGS = ("-R", "0", "-H", "100", "-F", "0")


def after_restart(state, room, mode):
    """Chat in ROOM, protect it with MODE, chat more, SIGTERM while alice is
    still in (a room that empties loses its history anyway), restart: what
    bob sees."""
    with Server("-D", state, *ARGS) as srv:
        a = irc(srv.port, "alice", join=(room, "#open"))
        a.send("PRIVMSG %s :before the mode" % room)
        a.send("MODE %s %s" % (room, mode))
        a.expect(r" MODE %s " % room)
        a.send("PRIVMSG %s :the secret is 42" % room)
        a.send("PRIVMSG #open :open line")
        a.barrier()
        if mode.startswith("+k"):
            b = irc(srv.port, "bob")
            b.send("JOIN " + room)
            T.check("%s: bob is refused without the key (475)" % mode, b.expect(r" 475 bob "))
            b.close()
        srv.stop()  # SIGTERM with alice still in: her rooms are not gone
        a.close()
    with Server("-D", state, *ARGS) as srv:
        b = irc(srv.port, "bob")
        b.send("LIST")
        listed = b.barrier()
        b.send("JOIN " + room)
        b.expect(r" 366 bob ")
        joined = b.barrier()
        b.send("JOIN #open")
        b.expect(r" 366 bob #open ")
        opened = b.barrier()
        b.close()
    return listed, joined, opened


for mode in ("+ks hunter2", "+i", "+s", "+p", "+k hunter2"):
    @case("a room made %s: its history is not on disk after a restart" % mode)
    def _(mode=mode):
        tmp = tempfile.mkdtemp(prefix="t-journal-")
        state = os.path.join(tmp, "state")
        try:
            listed, joined, opened = after_restart(state, "#sec", mode)
            T.check("%s: LIST does not show #sec" % mode,
                    not any(" 322 bob #sec " in l for l in listed), listed)
            T.check("%s: no line of its history comes back" % mode,
                    not any("PRIVMSG #sec" in l for l in joined), joined)
            T.check("%s: an open room's history still does" % mode,
                    any("PRIVMSG #open :" in l and l.endswith("open line") for l in opened), opened)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


T.done()
