#!/usr/bin/python3
"""t-journal-crash - room history on disk (-D) survives kill -9 and restarts.

Chat under load in two rooms, kill -9 the server in the middle of it, start
it again on the same -D: every message a client was relayed before the kill
is in each room's history afterwards, in order, with its original time
(server-time) and msgid (message-tags). A SIGTERM restart keeps everything too; a room that emptied
(and so lost its history) stays without it.
"""
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from chatbox_test import T, Server, Line, case, irc, wait_for, SLOW  # noqa: E402

ROOMS = ("#lobby", "#load")
SENDERS = 3
PER_SENDER = 150 if SLOW == 1.0 else 60   # per sender and room; qemu is slower
KILL_AFTER = SENDERS * PER_SENDER // 2    # messages the listener saw before kill -9
# time, nick, room, text, msgid: message-tags clients read both tags
MSG = re.compile(r"^@time=([^;\s]+)(?:;msgid=(\S+))? :([^!\s]+)!\S+ PRIVMSG (#\S+) :(.*)$")
CAPS = ("server-time", "message-tags")
ARGS = ("-R", "0", "-H", "1000", "-m", "65536", "-F", "1000")


def messages(lines, room=None):
    """(time, nick, room, text, msgid) of each PRIVMSG line, of ROOM if given."""
    out = []
    for line in lines:
        m = MSG.match(line)
        if m and (room is None or m.group(4) == room):
            out.append((m.group(1), m.group(3), m.group(4), m.group(5), m.group(2)))
    return out


def replay(port, nick, rooms):
    """Each room's history as a newcomer with server-time and message-tags sees it."""
    c = irc(port, nick, caps=CAPS)
    got = {}
    for r in rooms:
        c.pending.clear()
        c.send("JOIN " + r)
        c.expect(r" 366 %s %s " % (nick, re.escape(r)))
        got[r] = messages(c.barrier(10), r)
    c.close()
    return got


def send_load(port, nick, stop, errors):
    try:
        s = irc(port, nick, join=ROOMS)
    except Exception as e:  # said by the wait below, not lost in a thread
        errors.append("%s could not join: %r" % (nick, e))
        return
    try:
        for i in range(PER_SENDER):
            if stop.is_set():
                break
            s.send("".join("PRIVMSG %s :%s load %d in %s\r\n" % (r, nick, i, r) for r in ROOMS),
                   end="")
        # Stay connected, reading, until the kill: a socket closed with
        # unread input is reset, and the server's read of what it had not
        # yet read of ours fails (ECONNRESET): those lines would be lost.
        while not stop.is_set():
            s._read_more(time.monotonic() + 0.2)
            s.lines.clear()
            s.pending.clear()
    except (OSError, EOFError):
        pass  # the server was killed under us: that is the test


def new_msgids(port, rooms):
    """The msgids of two messages to each of ROOMS, as a listener there reads them."""
    w = irc(port, "writer", join=rooms)
    ear = irc(port, "ear", caps=CAPS, join=rooms)
    for r in rooms:
        w.send("PRIVMSG %s :after 1\r\nPRIVMSG %s :after 2" % (r, r))
    for r in rooms:
        ear.expect(r"PRIVMSG %s :after 2" % re.escape(r))
    ids = [m[4] for m in messages(ear.lines) if m[3].startswith("after ")]
    w.close()
    ear.close()
    return ids


@case("kill -9 under load, restart: every relayed message is in the history, in order")
def _():
    tmp = tempfile.mkdtemp(prefix="t-journal-")
    state = os.path.join(tmp, "state")
    try:
        srv = Server("-D", state, *ARGS).__enter__()
        listener = irc(srv.port, "listener", caps=CAPS, join=ROOMS)
        stop = threading.Event()
        errors = []
        senders = [threading.Thread(target=send_load, args=(srv.port, "s%d" % i, stop, errors))
                   for i in range(SENDERS)]
        for t in senders:
            t.start()
        def enough():
            listener._read_more(time.monotonic() + 0.2)
            n = len(messages(listener.lines))
            if n < KILL_AFTER and not any(t.is_alive() for t in senders):
                raise RuntimeError("the load stopped at %d messages: %s" % (n, "; ".join(errors)))
            return n >= KILL_AFTER
        try:
            wait_for(enough, 30, interval=0, what="%d messages relayed" % KILL_AFTER)
        except TimeoutError as e:  # say where the load stood
            raise TimeoutError("%s: %d seen, %d senders still sending, %s; last lines %r" % (
                e, len(messages(listener.lines)), sum(t.is_alive() for t in senders),
                "; ".join(errors) or "no sender errors", listener.lines[-3:]))
        srv.proc.send_signal(signal.SIGKILL)
        srv.proc.wait()
        stop.set()
        T.check("the listener's connection ends with the kill", lambda: listener.closed(10))
        for t in senders:
            t.join(30)
        seen = messages(listener.lines)
        T.check("messages were relayed before the kill (%d)" % len(seen), len(seen) >= KILL_AFTER)
        with Server("-D", state, *ARGS) as again:
            T.check("the restart says what it loaded",
                    re.search(r"history on disk .*: (\d+) messages in", again.output()) is not None)
            got = replay(again.port, "late", ROOMS)
            for r in ROOMS:
                relayed = [m for m in seen if m[2] == r]
                hist = got[r]
                T.check("%s: every relayed message has a msgid" % r, all(m[4] for m in relayed))
                T.check("%s: all %d relayed messages are in its history, in order, same times and msgids"
                        % (r, len(relayed)), hist[:len(relayed)] == relayed,
                        "first difference at %s" % next(
                            (i for i, (a, b) in enumerate(zip(hist, relayed)) if a != b),
                            min(len(hist), len(relayed))))
                T.check("%s: nothing but what was sent (%d in history)" % (r, len(hist)),
                        all(re.fullmatch(r"s\d load \d+ in " + re.escape(r), m[3]) for m in hist))
            before = {m[4] for m in seen} | {m[4] for r in ROOMS for m in got[r]}
            fresh = new_msgids(again.port, ROOMS)
            T.check("messages after the restart have msgids (%d)" % len(fresh),
                    len(fresh) == 2 * len(ROOMS) and all(fresh))
            T.check("none of them repeats a msgid from before the kill",
                    not before & set(fresh) and len(set(fresh)) == len(fresh),
                    sorted(before & set(fresh))[:5])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@case("kill -9 the moment a message is read: it is on disk (no fsync yet)")
def _():
    tmp = tempfile.mkdtemp(prefix="t-journal-")
    state = os.path.join(tmp, "state")
    try:
        # -F 60000: no fsync timer writes it; only the write() before
        # sending does (records are appended per loop turn, written once)
        srv = Server("-D", state, "-R", "0", "-F", "60000").__enter__()
        a = irc(srv.port, "ana", join=("#lobby",))
        ear = irc(srv.port, "ear", join=("#lobby",))
        for i in range(3):
            a.send("PRIVMSG #lobby :seen %d" % i)
            ear.expect(r"PRIVMSG #lobby :seen %d$" % i)
        srv.proc.send_signal(signal.SIGKILL)
        srv.proc.wait()
        with Server("-D", state, "-R", "0") as again:
            got = [m[3] for m in replay(again.port, "late", ("#lobby",))["#lobby"]]
            T.check("the 3 messages a client read are in the history", got ==
                    ["seen 0", "seen 1", "seen 2"], got)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@case("msgids never repeat after kill -9, even of messages no journal keeps")
def _():
    tmp = tempfile.mkdtemp(prefix="t-journal-")
    state = os.path.join(tmp, "state")
    try:
        srv = Server("-D", state, *ARGS).__enter__()
        a = irc(srv.port, "ana", caps=CAPS + ("echo-message",), join=("#lobby", "#hidden"))
        b = irc(srv.port, "bo", caps=CAPS, join=("#hidden",))
        a.send("MODE #hidden +s")
        a.expect(r"MODE #hidden \+s")
        # one in #lobby, then 30 in a protected room and 30 private ones:
        # numbered, not on disk; the journal's last record is the lowest
        a.send("PRIVMSG #lobby :first")
        a.expect(r"PRIVMSG #lobby :first")
        for i in range(30):
            a.send("PRIVMSG #hidden :secret %d\r\nPRIVMSG bo :private %d" % (i, i))
        b.expect(r"PRIVMSG bo :private 29")
        a.expect(r"PRIVMSG bo :private 29")
        ids = {m.group(1) for l in a.lines + b.lines
               for m in [re.search(r"msgid=([^;\s]+)", l)] if m}
        T.check("60 unjournaled messages and one journaled had msgids (%d)" % len(ids),
                len(ids) == 61)
        srv.proc.send_signal(signal.SIGKILL)
        srv.proc.wait()
        with Server("-D", state, *ARGS) as again:
            fresh = new_msgids(again.port, ("#lobby", "#other"))
            T.check("msgids after the restart are new (%d)" % len(fresh),
                    len(fresh) == 4 and not ids & set(fresh), sorted(ids & set(fresh)))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@case("SIGTERM restart keeps every room's history; an emptied room's stays gone")
def _():
    tmp = tempfile.mkdtemp(prefix="t-journal-")
    state = os.path.join(tmp, "state")
    try:
        with Server("-D", state, *ARGS) as srv:
            a = irc(srv.port, "ana", join=("#lobby", "#kept", "#gone"))
            b = irc(srv.port, "bo", caps=("server-time",), join=("#kept",))
            for r in ("#lobby", "#kept", "#gone"):
                a.send("PRIVMSG %s :hello %s" % (r, r))
            a.send("PRIVMSG #kept :\x01ACTION waves\x01")
            a.send("NOTICE #kept :a notice")
            a.send("PART #gone")
            b.expect(r"NOTICE #kept :a notice")
            a.barrier()
            before = replay(srv.port, "late", ("#lobby", "#kept"))
            T.check("SIGTERM: exit 0", srv.stop() == 0)
        with Server("-D", state, *ARGS) as srv:
            c = irc(srv.port, "cy")
            c.send("LIST")
            rooms = c.barrier()
            T.check("#kept is listed again after the restart",
                    any(re.search(r" 322 cy #kept ", l) for l in rooms))
            T.check("#gone (emptied before the stop) is not",
                    not any(" #gone " in l for l in rooms))
            # (a room's last member leaving takes its history, as without
            # -D: dee stays in #kept while the others come and go)
            d = irc(srv.port, "dee", join=("#kept",))
            notice = d.barrier()
            T.check("a NOTICE comes back as a NOTICE",
                    any(re.search(r" NOTICE #kept :(\[\d\d:\d\d\] )?a notice$", l) for l in notice))
            after = replay(srv.port, "late", ("#lobby", "#kept", "#gone"))
            T.check("#lobby's history is as before", after["#lobby"] == before["#lobby"]
                    and len(after["#lobby"]) == 1)
            T.check("#kept's is too (PRIVMSG and ACTION)", after["#kept"] == before["#kept"]
                    and len(after["#kept"]) == 2)
            T.check("#gone has none", after["#gone"] == [])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@case("-J bounds the journal on disk; compaction keeps what the rooms hold")
def _():
    tmp = tempfile.mkdtemp(prefix="t-journal-")
    state = os.path.join(tmp, "state")
    size = lambda: sum(os.path.getsize(os.path.join(state, f)) for f in os.listdir(state))
    try:
        with Server("-D", state, "-R", "0", "-H", "50", "-J", "64") as srv:
            a = irc(srv.port, "ana", join=("#lobby",))
            most = 0
            for burst in range(6):
                for i in range(300):
                    a.send("PRIVMSG #lobby :%d %d %s" % (burst, i, "y" * 80))
                a.barrier(20)
                most = max(most, size())
            T.check("1800 messages of ~130 bytes: never more than 1.5 x 64 KiB on disk (%d)"
                    % most, most <= 96 * 1024)
            T.check("SIGTERM: exit 0", srv.stop() == 0)
        with Server("-D", state, "-R", "0", "-H", "50", "-J", "64") as srv:
            got = [m[3] for m in replay(srv.port, "late", ("#lobby",))["#lobby"]]
            T.check("the last 50 are the history after a restart",
                    got == ["5 %d %s" % (i, "y" * 80) for i in range(250, 300)], (len(got), got[:1], got[-1:]))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@case("two servers cannot share one -D")
def _():
    tmp = tempfile.mkdtemp(prefix="t-journal-")
    try:
        with Server("-D", os.path.join(tmp, "s")):
            try:
                with Server("-D", os.path.join(tmp, "s")) as second:
                    T.check("the second one refuses", False, second.output())
            except RuntimeError as e:
                T.check("the second one refuses", "another chat-server uses it" in str(e), str(e))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


T.done()
