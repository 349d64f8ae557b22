#!/usr/bin/python3
"""t-journal-flash - what history on disk (-D) costs the flash: the bytes
written per message against the message's raw IRC line, and the fsyncs,
counted by strace: at most about one a second while messages come.
host-only (strace of the host binary; the bytes are the same on every board)
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from chatbox_test import T, case, irc, wait_for, BIN, EMU  # noqa: E402

RATE, SECONDS = 20, 4


@case("80 messages at 20 a second: ~1.2x the raw bytes, at most one fsync a second")
def _():
    if EMU:
        T.skip("flash figures", "measured on the host build: the format is the same on every board")
        return
    if not shutil.which("strace"):
        T.skip("flash figures", "strace is not installed")
        return
    tmp = tempfile.mkdtemp(prefix="t-journal-")
    state, trace = os.path.join(tmp, "state"), os.path.join(tmp, "trace")
    link = os.path.join(tmp, "chat-server")
    os.symlink(BIN, link)
    log = open(os.path.join(tmp, "log"), "w+")
    p = subprocess.Popen(["strace", "-f", "-qq", "-e", "trace=fsync,fdatasync,sync_file_range",
                          "-o", trace, link, "-f", "-M", "-p", "0", "-R", "0", "-D", state],
                         stdout=log, stderr=subprocess.STDOUT,
                         # LeakSanitizer cannot run under ptrace (strace); the
                         # other tests check leaks, ASan's other checks stay on
                         env=dict(os.environ, ASAN_OPTIONS=os.environ.get("ASAN_OPTIONS", "") +
                                  ":detect_leaks=0"))
    try:
        port = int(wait_for(lambda: (log.seek(0), re.search(r"listening on port (\d+)", log.read()))[1],
                            10, what="the port").group(1))
        a = irc(port, "ana", join=("#lobby",))
        raw, n = 0, RATE * SECONDS
        t0 = time.monotonic()
        for i in range(n):
            text = "message %d: lunch at the cafe at half past twelve?" % i
            a.send("PRIVMSG #lobby :" + text)
            raw += len(":ana!ana@127.0.0.1 PRIVMSG #lobby :%s\r\n" % text)
            time.sleep(1.0 / RATE)
        a.barrier()
        took = time.monotonic() - t0
        size = sum(os.path.getsize(os.path.join(state, f)) for f in os.listdir(state)) - 24
        server = int(subprocess.check_output(["pgrep", "-P", str(p.pid)]).split()[0])
        os.kill(server, signal.SIGTERM)
        p.wait(20)
        fsyncs = len(re.findall(r"\b(fsync|fdatasync)\(", open(trace).read()))
        print("FIGURE: %d messages in %.1f s: %.1f bytes on disk per message (raw %.1f), %d fsyncs"
              % (n, took, size / n, raw / n, fsyncs), flush=True)
        T.check("bytes on disk per message (%.1f) at most 1.3x the raw line (%.1f)"
                % (size / n, raw / n), size <= 1.3 * raw)
        T.check("%d fsyncs in %.1f s: at most one a second, and the directory's and the exit's"
                % (fsyncs, took), 1 <= fsyncs <= took + 1 + 2)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        shutil.rmtree(tmp, ignore_errors=True)


T.done()
