#!/usr/bin/python3
"""journal.py - what history on disk (-D) costs, as make bench's rows
(bench.py calls rows() for chat-server), or by hand:

    make build/bench/ircload && tests/bench/journal.py [RUNS]

- bench.py's fan-out workload with -H 50, without and with -D: deliveries
  per server CPU-second, and their ratio (the issue: -D drops it 10 % at most);
- start-up with 100,000 messages in the journal (smoke: 10,000), from
  exec to the first client's welcome (the issue: under 1 s on x86_64);
- the journal's bytes on disk against the raw IRC bytes of the messages
  the server wrote to it (the issue: at most 2x)."""
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(TOP, "tests", "lib"))
import bench  # noqa: E402
import journal_fmt as jf  # noqa: E402


class Server(bench.ChatServer):
    extra = []
    hist = "50"

    def argv(self):
        a = super().argv()
        a[a.index("-H") + 1] = self.hist
        return a + self.extra


def fanout(binary, load, sz, disk):
    """Deliveries per server CPU-second of the fan-out, -H 50, -D if DISK."""
    tmp = tempfile.mkdtemp(prefix="bench-journal-")
    os.chmod(tmp, 0o755)
    Server.extra = ["-D", os.path.join(tmp, "state")] if disk else []
    try:
        with Server(tmp, binary) as srv:
            r = bench.ircload(load, srv, "fanout", "-c", sz["fan_c"], "-s", sz["fan_s"],
                              "-m", sz["fan_m"], "-b", sz["fan_b"], "-w", bench.WINDOW)
        return float(r["per_cpu_sec"])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def startup(binary, n):
    """Seconds from exec to a client's welcome (001), N messages in 100
    rooms in the journal."""
    tmp = tempfile.mkdtemp(prefix="bench-journal-")
    os.chmod(tmp, 0o755)
    state = os.path.join(tmp, "state")
    link = os.path.join(tmp, "chat-server")
    try:
        jf.make_journal(state, n, 100)
        os.symlink(binary, link)
        port = bench.free_port()
        t0 = time.monotonic()
        p = subprocess.Popen([link, "-f", "-M", "-b", "127.0.0.1", "-p", str(port), "-D", state,
                              "-H", "1000", "-m", "1048576", "-J", "32768"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            while True:
                try:
                    c = socket.create_connection(("127.0.0.1", port), timeout=30)
                    break
                except OSError:
                    if p.poll() is not None or time.monotonic() - t0 > 30:
                        raise RuntimeError("chat-server did not start")
                    time.sleep(0.002)
            # the socket listens before the journal is read: the welcome
            # (001) says the loop runs, history loaded
            c.sendall(b"NICK probe\r\nUSER probe 0 * :probe\r\n")
            got = b""
            while b" 001 " not in got:
                data = c.recv(4096)
                if not data:
                    raise RuntimeError("chat-server closed the connection")
                got += data
            c.close()
            return time.monotonic() - t0
        finally:
            p.terminate()
            p.wait(10)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def talk(port, n, text):
    """N messages of TEXT to #bench from one client, all relayed (PING/PONG);
    their raw IRC bytes, as relayed."""
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    s.sendall(b"NICK bench\r\nUSER bench 0 * :bench\r\nJOIN #bench\r\n")
    s.sendall("".join("PRIVMSG #bench :%s %d\r\n" % (text, i) for i in range(n)).encode())
    s.sendall(b"PING :done\r\n")
    got = b""
    while b"PONG" not in got or not got.endswith(b"\n"):
        data = s.recv(65536)
        if not data:
            raise RuntimeError("chat-server closed the connection")
        got += data
    s.close()
    return sum(len(":bench!bench@127.0.0.1 PRIVMSG #bench :%s %d\r\n" % (text, i))
               for i in range(n))


def ratio_on_disk(binary, n):
    """Journal bytes on disk / raw IRC bytes of N messages of ~100 B sent to
    one room (-H 1000, -J 32768: no compaction drops any), after SIGTERM."""
    tmp = tempfile.mkdtemp(prefix="bench-journal-")
    os.chmod(tmp, 0o755)
    state = os.path.join(tmp, "state")
    Server.extra = ["-D", state, "-J", "32768"]
    Server.hist = "1000"
    try:
        with Server(tmp, binary) as srv:
            raw = talk(srv.port, n, "x" * 96)
        return sum(os.path.getsize(os.path.join(state, f)) for f in jf.segments(state)) / raw
    finally:
        Server.hist = "50"
        shutil.rmtree(tmp, ignore_errors=True)


def rows(sz, binary, load, put):
    """make bench's rows for BINARY (bench.py: put(row, value))."""
    fan = "history on disk: fan-out %d members, %d senders x %d x %d B, -H 50" % (
        sz["fan_c"], sz["fan_s"], sz["fan_m"], sz["fan_b"])
    n = 100000 if sz == bench.FULL else 10000
    got = {}
    for key, row, fn in (
            ("mem", (fan + ", no -D: deliveries per server CPU-second", "up"),
             lambda: fanout(binary, load, sz, False)),
            ("disk", (fan + ", -D: deliveries per server CPU-second", "up"),
             lambda: fanout(binary, load, sz, True)),
            ("start", ("history on disk: start-up with %d messages in the journal, seconds"
                       % n, "down"), lambda: startup(binary, n)),
            ("bytes", ("history on disk: journal bytes / raw IRC bytes, 1,000 messages of 100 B",
                       "down"), lambda: ratio_on_disk(binary, 1000))):
        try:
            got[key] = fn()
            put(row, got[key])
        except Exception as e:
            put(row, "failed: %s" % e)
    if "mem" in got and "disk" in got:
        put(("history on disk: -D / no -D, fan-out deliveries per server CPU-second", "up"),
            got["disk"] / got["mem"])


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    binary = os.path.join(TOP, "build/x86_64/chatbox")
    load = os.path.join(TOP, "build/bench/ircload")
    res = {}

    def put(row, v):
        res.setdefault(row[0], []).append(v)
    for _ in range(runs):
        rows(bench.FULL, binary, load, put)
    for row, v in res.items():
        nums = sorted(x for x in v if isinstance(x, float))
        print("%s: median %s (%s)" % (row, "%.3f" % statistics.median(nums) if nums else "-",
                                      ", ".join("%.3f" % x if isinstance(x, float) else x
                                                for x in v)))


if __name__ == "__main__":
    main()
