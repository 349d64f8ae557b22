#!/usr/bin/python3
"""t-journal-full - the disk under -D fills up: the server keeps chatting
with its history in memory, says so once, and writes again (everything it
kept meanwhile too) once there is room.

Needs root for a small tmpfs of its own, mounted in a private mount
namespace (unshare -m) so that nothing leaks to the host; skips otherwise.
"""
import errno
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from chatbox_test import T, Server, case, irc, unshared, wait_for  # noqa: E402

ARGS = ("-R", "0", "-H", "500")
FULL = r"history on disk \(.*\): writing: No space left on device"
AGAIN = r"history on disk \(.*\): writing again"

unshared("-m", "full disk under -D", "for a tmpfs in a private mount namespace")


def fill(path):
    """Write PATH until the file system is full; bytes written."""
    n = 0
    with open(path, "wb", buffering=0) as f:
        try:
            while True:
                n += f.write(b"\0" * 4096)
        except OSError as e:
            if e.errno != errno.ENOSPC:
                raise
    return n


def history(port):
    c = irc(port, "reader", caps=("server-time",))
    c.send("JOIN #lobby")
    c.expect(r" 366 reader #lobby ")
    texts = [l.split(" PRIVMSG #lobby :", 1)[1] for l in c.barrier(10) if " PRIVMSG #lobby :" in l]
    c.close()
    return texts


@case("disk full: chat goes on, said once, writing resumes with room")
def _():
    tmp = tempfile.mkdtemp(prefix="t-journal-full-")
    if subprocess.call(["mount", "-t", "tmpfs", "-o", "size=128k,mode=0755", "tmpfs", tmp]) != 0:
        T.skip("full disk under -D", "cannot mount a tmpfs")
        return
    state = os.path.join(tmp, "state")
    filler = os.path.join(tmp, "filler")
    try:
        srv = Server("-D", state, *ARGS).__enter__()
        a = irc(srv.port, "ana", join=("#lobby",))
        b = irc(srv.port, "bo", join=("#lobby",))
        sent = []

        def say(n, what):
            for i in range(n):
                t = "%s %d %s" % (what, i, "x" * 60)
                a.send("PRIVMSG #lobby :" + t)
                sent.append(t)
            b.expect(re.escape(sent[-1]) + "$", 10)

        say(10, "before")
        T.check("a filler takes the rest of the disk (%d bytes)" % fill(filler), True)
        say(200, "full")  # past what the journal's last page holds
        T.check("the server says the disk is full", lambda: wait_for(
            lambda: re.search(FULL, srv.output()), 10, what="the log line"))
        say(50, "still")
        T.check("it keeps relaying: bo got every message", all(
            any(l.endswith(t) for l in b.lines) for t in sent))
        T.check("it said so once", len(re.findall(r"kept in memory only", srv.output())) == 1,
                srv.output())
        os.unlink(filler)
        T.check("it writes again once there is room", lambda: wait_for(
            lambda: re.search(AGAIN, srv.output()), 20, what="the log line"))
        say(10, "after")
        srv.proc.kill()
        srv.proc.wait()
        with Server("-D", state, *ARGS) as again:
            got = history(again.port)
            T.check("after kill -9 the history holds all %d messages, before, during and "
                    "after the outage, in order" % len(sent), got == sent[-500:],
                    "%d of %d; missing e.g. %s" % (len(got), len(sent),
                                                   [t for t in sent if t not in got][:2]))
    finally:
        subprocess.call(["umount", "-l", tmp])
        shutil.rmtree(tmp, ignore_errors=True)


@case("disk full at start: the server starts in memory and writes once there is room")
def _():
    tmp = tempfile.mkdtemp(prefix="t-journal-full-")
    if subprocess.call(["mount", "-t", "tmpfs", "-o", "size=64k,mode=0755", "tmpfs", tmp]) != 0:
        T.skip("full disk at start", "cannot mount a tmpfs")
        return
    state = os.path.join(tmp, "state")
    filler = os.path.join(tmp, "filler")
    try:
        fill(filler)
        srv = Server("-D", state, *ARGS).__enter__()
        T.check("it starts, and says it cannot write",
                re.search(r"history on disk \(.*\): opening: No space left on device", srv.output()),
                srv.output())
        a = irc(srv.port, "ana", join=("#lobby",))
        sent = ["early %d" % i for i in range(20)]
        for t in sent:
            a.send("PRIVMSG #lobby :" + t)
        a.barrier()
        os.unlink(filler)
        T.check("it writes again once there is room", lambda: wait_for(
            lambda: re.search(AGAIN, srv.output()), 20, what="the log line"))
        srv.proc.kill()
        srv.proc.wait()
        with Server("-D", state, *ARGS) as again:
            T.check("after kill -9 the messages of the outage are there",
                    history(again.port) == sent)
    finally:
        subprocess.call(["umount", "-l", tmp])
        shutil.rmtree(tmp, ignore_errors=True)


T.done()
