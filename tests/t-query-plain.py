#!/usr/bin/python3
"""t-query-plain - a plain (nc/telnet) user asks as IRC apps do: /rooms and
/who leave secret (+s) and private (+p) rooms out for non-members, the way
LIST, NAMES and WHO do (tests/t-conform-*.py)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from chatbox_test import T, Server, case, configured, irc, plain  # noqa: E402

if not configured("SERVER_MODERATION"):  # +s and +p are its (t-mod-off)
    T.skip("plain /rooms and /who: +s and +p rooms hidden", "built without SERVER_MODERATION")
    T.done()


@case("plain /rooms and /who: +s and +p rooms hidden from non-members")
def _():
    with Server("-R", "0") as srv:
        op = irc(srv.port, "opal", join=("#hide", "#priv", "#open"))
        for room, mode in (("#hide", "+s"), ("#priv", "+p")):
            op.send("MODE %s %s" % (room, mode))
            T.check("%s %s set" % (room, mode), lambda: op.expect(r" MODE %s \+%s" % (room, mode[1])))
        p = plain(srv.port, "pete")
        p.send("/rooms")
        got = p.barrier()  # every line of the answer, none consumed before
        T.check("/rooms lists the open room", any(l.startswith("-- #open (1)") for l in got), got)
        T.check("/rooms leaves +s and +p out", not any("#hide" in l or "#priv" in l for l in got),
                got)
        p.send("/who #hide")
        T.check("/who #hide: as if there were none", lambda: p.expect(r"^-- #hide: no such room"))
        p.send("/who #priv")
        T.check("/who #priv: as if there were none", lambda: p.expect(r"^-- #priv: no such room"))
        p.send("/who #open")
        T.check("/who #open answers", lambda: p.expect(r"^-- In #open: @opal"))


T.done()
