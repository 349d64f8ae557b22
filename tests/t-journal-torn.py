#!/usr/bin/python3
"""t-journal-torn - a damaged or hostile journal (-D): the server starts,
keeps every intact record, says what it dropped, and serves no byte of a
record it would not have accepted from the network.

The journal is read and written here with tests/lib/journal_fmt.py, an
implementation of the documented format of its own."""
import os
import pwd
import re
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from chatbox_test import T, Server, case, irc  # noqa: E402
import journal_fmt as jf  # noqa: E402

ARGS = ("-R", "0", "-H", "100")


def history(port, room="#lobby"):
    c = irc(port, "reader", caps=("server-time",))
    c.send("JOIN " + room)
    c.expect(r" 366 reader %s " % re.escape(room))
    lines = [l for l in c.barrier(10) if " PRIVMSG " in l or " NOTICE " in l]
    c.close()
    return lines


@case("a journal cut in the middle of a record and with a flipped byte")
def _():
    tmp = tempfile.mkdtemp(prefix="t-journal-")
    state = os.path.join(tmp, "state")
    try:
        with Server("-D", state, *ARGS) as srv:
            a = irc(srv.port, "ana", join=("#lobby",))
            for i in range(20):
                a.send("PRIVMSG #lobby :message number %d" % i)
            a.barrier()
            T.check("20 in the history before", len(history(srv.port)) == 20)
            T.check("SIGTERM: exit 0", srv.stop() == 0)
        segs = jf.segments(state)
        T.check("one segment written (%s)" % segs, len(segs) == 1)
        path = os.path.join(state, segs[0])
        salt, recs = jf.parse(path)
        ceilings = [jf.ceiling_of(p) for _, p in recs if p[:1] == b"S"]
        recs = [r for r in recs if r[1][:1] == b"M"]
        T.check("the server's journal parses with the documented format (%d messages)" % len(recs),
                len(recs) == 20)
        T.check("it reserved msgids beyond the messages' (%s)" % ceilings,
                ceilings and max(ceilings) >= 20)
        data = bytearray(open(path, "rb").read())
        off7 = recs[7][0]
        data[off7 + jf.REC_HDR + 30] ^= 0x20          # a bit of message 7's text
        cut = recs[19][0] + jf.REC_HDR + 10            # message 19, half written
        with open(path, "wb") as f:
            f.write(data[:cut])
        with Server("-D", state, *ARGS) as srv:
            out = srv.output()
            T.check("it says what it dropped", re.search(
                r"dropped \d+ damaged bytes \(2 runs, 0 bad segment headers, 18 cut off the end\)",
                out), out)
            lines = history(srv.port)
            texts = [l.rsplit(":", 1)[1] for l in lines]
            want = ["message number %d" % i for i in range(19) if i != 7]
            T.check("every intact record is kept, in order (%d)" % len(lines), texts == want,
                    texts)
            a = irc(srv.port, "ana", join=("#lobby",))
            a.send("PRIVMSG #lobby :after the repair")
            a.barrier()
            T.check("SIGTERM: exit 0", srv.stop() == 0)
        with Server("-D", state, *ARGS) as srv:
            T.check("the next start finds nothing damaged", "damaged" not in srv.output(),
                    srv.output())
            texts = [l.rsplit(":", 1)[1] for l in history(srv.port)]
            T.check("and the message after the repair follows the rest",
                    texts == want + ["after the repair"], texts)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@case("hostile records, intact CRCs: refused like hostile network input")
def _():
    tmp = tempfile.mkdtemp(prefix="t-journal-")
    state = os.path.join(tmp, "state")
    os.mkdir(state)
    good = lambda i: jf.message("#lobby", "ana", "ana@10.0.0.1", "good %d" % i, i, 1700000000000 + i)
    bad = [
        jf.message("#lobby", "eve", "eve@x", "hi\r\nQUIT :injected", 100, 1),      # CR LF in text
        jf.message("#lobby", "eve", "eve@x", "nul\0byte", 101, 1),
        jf.message("#lobby", "e ve", "eve@x", "space in nick", 102, 1),
        jf.message("lobby", "eve", "eve@x", "not a room name", 103, 1),
        jf.message("#lobby", "eve", "eve x", "space in user@host", 104, 1),
        jf.message("#lobby", "eve", "eve@x", "x" * 600, 105, 1),                   # past a line
        jf.message("#lobby", "eve", "eve@x", "bad kind", 106, 1, kind=b"Q"),
        jf.message("#lobby", "eve", "eve@x", "short", 107, 1)[:-1],                # lengths lie
        b"Z unknown record type",
    ]
    try:
        jf.write_segment(os.path.join(state, jf.segment_name(1)),
                         1, [good(0)] + bad + [good(1)])
        with Server("-D", state, *ARGS) as srv:
            out = srv.output()
            T.check("it starts and says it dropped the %d bad records" % len(bad),
                    re.search(r"dropped %d records the server would not accept" % len(bad), out), out)
            lines = history(srv.port)
            T.check("the two good ones are replayed, with their own times",
                    len(lines) == 2 and all(re.match(r"@time=2023-11-14T22:13:20\.00\dZ :ana!ana@10\.0\.0\.1 PRIVMSG #lobby :good \d$", l)
                                            for l in lines), lines)
            T.check("nothing of eve's came through", not any("eve" in l for l in lines))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@case("a segment that cannot be read is skipped, said once, and never deleted")
def _():
    if os.geteuid() != 0:
        T.skip("an unreadable segment", "needs root (the server becomes nobody, who owns a mode-000 file)")
        return
    tmp = tempfile.mkdtemp(prefix="t-journal-")
    state = os.path.join(tmp, "state")
    os.mkdir(state)
    nobody = pwd.getpwnam("nobody")
    try:
        # 700 messages of ~110 bytes in the base: over -J 64, so the server
        # compacts as it starts
        jf.write_segment(os.path.join(state, jf.segment_name(1)), 1,
                         [jf.message("#lobby", "ana", "a@h", "old %d %s" % (i, "x" * 80), i + 1, 1000 + i)
                          for i in range(700)])
        p2 = os.path.join(state, jf.segment_name(2))
        jf.write_segment(p2, 2, [jf.message("#lobby", "ana", "a@h", "unread", 701, 5000)], flags=0)
        jf.write_segment(os.path.join(state, jf.segment_name(3)), 3,
                         [jf.message("#lobby", "ana", "a@h", "third", 702, 6000)], flags=0)
        for f in [state] + [os.path.join(state, x) for x in os.listdir(state)]:
            os.chown(f, nobody.pw_uid, nobody.pw_gid)
        os.chmod(p2, 0)
        with Server("-D", state, "-R", "0", "-H", "100", "-J", "64") as srv:
            out = srv.output()
            T.check("it says once that a segment could not be read",
                    out.count("could not be read") == 1 and
                    "0000000000000002.jnl: Permission denied" in out, out)
            texts = [l.rsplit(":", 1)[1] for l in history(srv.port)]
            T.check("the readable segments are replayed around it",
                    texts[-1] == "third" and texts[-2].startswith("old 699 ") and len(texts) == 100,
                    texts[-2:])
            left = sorted(os.listdir(state))
            T.check("the start-up compaction set it aside, not deleted (%s)" % left,
                    jf.segment_name(2)[:-4] + ".unreadable" in left and
                    jf.segment_name(1) not in left and jf.segment_name(3) not in left)
            T.check("SIGTERM: exit 0", srv.stop() == 0)
        with Server("-D", state, *ARGS) as srv:
            texts = [l.rsplit(":", 1)[1] for l in history(srv.port)]
            T.check("the next start: the compacted history, nothing unreadable said",
                    texts[-1] == "third" and "could not be read" not in srv.output(), srv.output())
        T.check("and the set-aside segment is still there",
                os.path.exists(os.path.join(state, jf.segment_name(2)[:-4] + ".unreadable")))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@case("a segment whose header is damaged is dropped whole; the server still starts")
def _():
    tmp = tempfile.mkdtemp(prefix="t-journal-")
    state = os.path.join(tmp, "state")
    os.mkdir(state)
    try:
        jf.write_segment(os.path.join(state, jf.segment_name(1)), 1,
                         [jf.message("#lobby", "ana", "a@h", "first", 1, 1000)])
        jf.write_segment(os.path.join(state, jf.segment_name(2)), 2,
                         [jf.message("#lobby", "ana", "a@h", "second", 2, 2000)], flags=0)
        p3 = os.path.join(state, jf.segment_name(3))
        jf.write_segment(p3, 3, [jf.message("#lobby", "ana", "a@h", "third", 3, 3000)], flags=0)
        with open(p3, "r+b") as f:
            f.seek(9)
            f.write(b"\xff")            # the header's segment number
        with Server("-D", state, *ARGS) as srv:
            T.check("it says so", "1 bad segment headers" in srv.output(), srv.output())
            texts = [l.rsplit(":", 1)[1] for l in history(srv.port)]
            T.check("the intact segments' records are replayed", texts == ["first", "second"], texts)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


T.done()
