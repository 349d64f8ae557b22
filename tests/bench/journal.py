#!/usr/bin/python3
"""journal.py - what history on disk (-D) costs the fan-out, by hand:

    make build/bench/ircload && tests/bench/journal.py [RUNS]

bench.py's full fan-out workload (400 members, 40 senders x 500 x 100 B),
with -H 50 both times, without and with -D, RUNS times each (default 3),
interleaved; prints deliveries per server CPU-second and their ratio."""
import os
import shutil
import statistics
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import bench  # noqa: E402


class Server(bench.ChatServer):
    extra = []

    def argv(self):
        a = super().argv()
        a[a.index("-H") + 1] = "50"
        return a + self.extra


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    binary = os.path.join(TOP, "build/x86_64/chatbox")
    load = os.path.join(TOP, "build/bench/ircload")
    sz = bench.FULL
    res = {"memory": [], "-D": []}
    for _ in range(runs):
        for kind in res:
            tmp = tempfile.mkdtemp(prefix="bench-journal-")
            Server.extra = ["-D", os.path.join(tmp, "state")] if kind == "-D" else []
            try:
                with Server(tmp, binary) as srv:
                    r = bench.ircload(load, srv, "fanout", "-c", sz["fan_c"], "-s", sz["fan_s"],
                                      "-m", sz["fan_m"], "-b", sz["fan_b"], "-w", bench.WINDOW)
                res[kind].append(float(r["per_cpu_sec"]))
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
    for kind, v in res.items():
        print("%-7s deliveries per CPU-second: median %.0f (%s)"
              % (kind, statistics.median(v), ", ".join("%.0f" % x for x in v)))
    print("-D / memory: %.3f" % (statistics.median(res["-D"]) / statistics.median(res["memory"])))


main()
