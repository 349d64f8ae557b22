#!/usr/bin/python3
"""t-journal-load - start-up with 100,000 messages in the journal (-D):
under a second on x86_64, within the memory budget (-m: the oldest give
way first), and the journal's bytes against the messages' raw IRC bytes.

Prints FIGURE: lines (bytes per message, start-up time) for the README."""
import os
import re
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from chatbox_test import T, Server, case, irc, EMU  # noqa: E402
import journal_fmt as jf  # noqa: E402

N = 100000
ROOMS = 100


def make_journal(state, n, rooms):
    """N messages over ROOMS rooms, as the server would have written them;
    the raw IRC bytes of those messages."""
    os.mkdir(state)
    raw, payloads = 0, []
    for i in range(n):
        room = "#room%d" % (i % rooms)
        nick, uh = "user%d" % (i % 37), "u%d@192.168.1.%d" % (i % 37, i % 250)
        text = "message %d: the quick brown fox jumps over the lazy dog" % i
        payloads.append(jf.message(room, nick, uh, text, i + 1, 1700000000000 + i))
        raw += len(":%s!%s PRIVMSG %s :%s\r\n" % (nick, uh, room, text))
    # in segments of about 256 KiB, as the server rolls them over
    seq, seg = 1, []
    for p in payloads:
        seg.append(p)
        if sum(len(x) + 8 for x in seg) > 250000:
            jf.write_segment(os.path.join(state, jf.segment_name(seq)), seq, seg,
                             flags=jf.BASE if seq == 1 else 0)
            seq, seg = seq + 1, []
    jf.write_segment(os.path.join(state, jf.segment_name(seq)), seq, seg,
                     flags=jf.BASE if seq == 1 else 0)
    return raw


def journal_bytes(state):
    return sum(os.path.getsize(os.path.join(state, f)) for f in jf.segments(state))


def newest(port, room):
    c = irc(port, "probe", caps=("server-time",))
    c.send("JOIN " + room)
    c.expect(r" 366 probe %s " % room)
    lines = [l for l in c.barrier(20) if " PRIVMSG " in l]
    c.close()
    return lines


@case("100,000 messages in 100 rooms: loaded, and fast")
def _():
    tmp = tempfile.mkdtemp(prefix="t-journal-")
    state = os.path.join(tmp, "state")
    try:
        raw = make_journal(state, N, ROOMS)
        size = journal_bytes(state)
        print("FIGURE: journal bytes per message %.1f, raw IRC bytes %.1f, ratio %.2f"
              % (size / N, raw / N, size / raw), flush=True)
        T.check("the journal is at most 2x the raw message bytes (%.2fx)" % (size / raw),
                size <= 2 * raw)
        t0 = time.monotonic()
        with Server("-D", state, "-H", "1000", "-m", "1048576", "-J", "32768") as srv:
            took = time.monotonic() - t0
            print("FIGURE: start-up with %d messages: %.3f s" % (N, took), flush=True)
            m = re.search(r"(\d+) messages in (\d+) rooms loaded", srv.output())
            T.check("all %d loaded into %d rooms (+ the default room)" % (N, ROOMS),
                    m and int(m.group(1)) == N and int(m.group(2)) == ROOMS + 1, srv.output())
            if EMU:
                T.skip("start-up under 1 s", "emulated board (qemu): timed on x86_64 only")
            else:
                T.check("start-up took %.3f s (< 1 s)" % took, took < 1.0)
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
        make_journal(state, 20000, 20)  # 1000 per room: -H keeps all, -m may not
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
