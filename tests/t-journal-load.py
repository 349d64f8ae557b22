#!/usr/bin/python3
"""t-journal-load - start-up with 100,000 messages in the journal (-D):
all of them loaded, within the memory budget (-m: the oldest give way
first), and the journal's bytes against the messages' raw IRC bytes.
How long the start-up takes is make bench's (tests/bench/journal.py):
timed assertions do not belong here."""
import os
import re
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from chatbox_test import T, Server, case, irc  # noqa: E402
import journal_fmt as jf  # noqa: E402

N = 100000
ROOMS = 100


def journal_bytes(state):
    return sum(os.path.getsize(os.path.join(state, f)) for f in jf.segments(state))


def newest(port, room):
    c = irc(port, "probe", caps=("server-time",))
    c.send("JOIN " + room)
    c.expect(r" 366 probe %s " % room)
    lines = [l for l in c.barrier(20) if " PRIVMSG " in l]
    c.close()
    return lines


@case("100,000 messages in 100 rooms: all loaded")
def _():
    tmp = tempfile.mkdtemp(prefix="t-journal-")
    state = os.path.join(tmp, "state")
    try:
        raw = jf.make_journal(state, N, ROOMS)
        size = journal_bytes(state)
        T.check("the journal is at most 2x the raw message bytes (%.2fx)" % (size / raw),
                size <= 2 * raw)
        with Server("-D", state, "-H", "1000", "-m", "1048576", "-J", "32768") as srv:
            m = re.search(r"(\d+) messages in (\d+) rooms loaded", srv.output())
            T.check("all %d loaded into %d rooms (+ the default room)" % (N, ROOMS),
                    m and int(m.group(1)) == N and int(m.group(2)) == ROOMS + 1, srv.output())
            lines = newest(srv.port, "#room7")
            T.check("a room's history is its 1000 messages, oldest first",
                    len(lines) == 1000 and lines[0].endswith(":message 7: the quick brown fox "
                                                             "jumps over the lazy dog")
                    and lines[-1].endswith(":message 99907: the quick brown fox jumps over "
                                           "the lazy dog"), lines[:1] + lines[-1:])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@case("loading respects -m: the oldest messages give way, the newest are kept")
def _():
    tmp = tempfile.mkdtemp(prefix="t-journal-")
    state = os.path.join(tmp, "state")
    try:
        jf.make_journal(state, 20000, 20)  # 1000 per room: -H keeps all, -m may not
        with Server("-D", state, "-H", "1000", "-m", "2048") as srv:
            m = re.search(r"(\d+) messages in (\d+) rooms loaded", srv.output())
            kept = int(m.group(1)) if m else -1
            T.check("fewer than all 20000 are kept under -m 2048 (%d)" % kept, 0 < kept < 20000,
                    srv.output())
            lines = newest(srv.port, "#room3")
            T.check("the newest message of a room is there",
                    lines and lines[-1].endswith(":message 19983: the quick brown fox jumps "
                                                 "over the lazy dog"), lines[-1:])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


T.done()
