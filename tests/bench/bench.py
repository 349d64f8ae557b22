#!/usr/bin/python3
"""bench.py - chat-server against Debian's ngIRCd, same workloads, same run.

    tests/bench/bench.py [--smoke] [--runs N] [--out FILE] [--chatbox BIN]
                         [--baseline BIN [--baseline-name NAME]] [--ircload BIN]
                         [--only SUBSTRING]...

Each workload starts a fresh server on a free loopback port (ngIRCd with a
generated config: penalties off, no DNS/ident, limits raised, foreground),
drives it with tests/bench/ircload (C, epoll) and reads the server's CPU time
(/proc/PID/schedstat) and RSS from /proc. Prints a side-by-side markdown table with ratios and
writes it to --out. A workload that fails shows its reason in the table.

Every figure is the median of --runs runs with the min-max range beside it,
and every ratio is taken per run (so both servers share that run's machine
load), then shown as median and min-max. --baseline adds an older chatbox
binary as a third column, measured in the same runs: a regression shows as a
ratio below 1 against it.
"""
import argparse
import os
import platform
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NOFILE = 20000
# Clients connecting at once. ngIRCd resets connections (and registers far
# slower) with many more in flight; 4 is close to its best.
WINDOW = 4

# fan_*: the fan-out workload (30 senders x 300 lines of 100 B to
# 300 members), also run against the relay ceiling; sys_*: the small run
# under strace; act_*: the fan-out that RSS is read under.
FULL = dict(fan_c=300, fan_s=30, fan_m=300, fan_b=100, reg_n=1000, reg_w=(WINDOW, 64, 1000),
            idle=(1000, 10000), lat_c=1000, lat_r=50, lat_m=250,
            sys_c=50, sys_s=5, sys_m=200, act_c=1000, act_s=10, act_m=100)
# --only: run just the workloads whose row names hold one of these.
ONLY = []


def wanted(*rows):
    return not ONLY or any(o in r for o in ONLY for r in rows)


SMOKE = dict(fan_c=20, fan_s=4, fan_m=50, fan_b=100, reg_n=100, reg_w=(WINDOW, 64, 100),
             idle=(100, 500), lat_c=5, lat_r=200, lat_m=100,
             sys_c=10, sys_s=2, sys_m=50, act_c=50, act_s=2, act_m=20)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def raise_nofile():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(NOFILE, hard) if hard != resource.RLIM_INFINITY else NOFILE
    resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))


def rss_kib(pid, field="VmRSS"):
    """VmRSS (now) or VmHWM (the peak) of PID, KiB."""
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError("no %s for %d" % (field, pid))


class BenchServer:
    """A server process on a free loopback port; subclasses say how to start it."""
    name = "?"

    def __init__(self, tmp):
        self.tmp = tmp
        self.port = free_port()
        self.proc = None
        self.log = open(os.path.join(tmp, self.name + ".log"), "wb")

    def __enter__(self):
        self.proc = subprocess.Popen(self.argv(), stdout=self.log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, preexec_fn=raise_nofile)
        deadline = time.monotonic() + 10
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError("exited %d: %s" % (self.proc.returncode, self.tail()))
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("does not listen: " + self.tail())
                time.sleep(0.05)
        time.sleep(0.2)  # let the probe connection go away
        return self

    def tail(self):
        self.log.flush()
        with open(self.log.name, "rb") as f:
            lines = f.read().decode(errors="replace").strip().splitlines()
        return lines[0] if lines else "(no output)"

    def __exit__(self, *exc):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


class ChatServer(BenchServer):
    name = "chat-server"

    def __init__(self, tmp, binary, name=None):
        self.binary = binary
        if name:
            self.name = name
        super().__init__(tmp)

    def argv(self):
        link = os.path.join(self.tmp, "chat-server")
        if not os.path.exists(link):
            os.symlink(self.binary, link)
        # Flood control off (-R 0), room for every client, no mDNS. The send
        # queue is raised to 4 MiB (-Q), as the README's table was measured;
        # the default 64 KiB no longer drops fast readers in fan-out bursts.
        argv = [link, "-f", "-p", str(self.port), "-b", "127.0.0.1", "-R", "0", "-M",
                "-c", str(NOFILE - 100), "-C", str(NOFILE - 100), "-H", "0", "-Q", "4096"]
        # A memory budget (-m, where the binary has one) large enough for the
        # workloads: the bench measures speed and per-client cost, not refusals.
        usage = subprocess.run([self.binary, "chat-server", "--help"], capture_output=True,
                               text=True).stdout
        if "-m KIB" in usage:
            argv += ["-m", "1048576"]
        return argv


class Relay(BenchServer):
    """tests/bench/relay: no parsing, each read batch copied to every other
    client. Only the fan-out runs against it: it is the ceiling."""
    name = "relay"

    def __init__(self, tmp, binary):
        self.binary = binary
        super().__init__(tmp)

    def argv(self):
        return [self.binary, "-p", str(self.port)]


class NgIRCd(BenchServer):
    name = "ngIRCd"

    def argv(self):
        conf = os.path.join(self.tmp, "ngircd.conf")
        with open(conf, "w") as f:
            f.write("""[Global]
Name = bench.local
Info = chatbox benchmark
AdminInfo1 = bench
AdminInfo2 = bench
AdminEMail = bench@bench.local
Listen = 127.0.0.1
Ports = %d
PidFile = %s/ngircd.pid
MotdPhrase = bench
[Limits]
MaxConnections = 0
MaxConnectionsIP = 0
MaxJoins = 0
MaxNickLength = 30
MaxPenaltyTime = 0
PingTimeout = 600
PongTimeout = 600
[Options]
DNS = no
Ident = no
PAM = no
""" % (self.port, self.tmp))
        return ["/usr/sbin/ngircd", "-n", "-f", conf]


def ircload(ircload_bin, srv, *args, timeout=600):
    out = subprocess.run([ircload_bin, "-p", str(srv.port), "-P", str(srv.proc.pid)] +
                         [str(a) for a in args], capture_output=True, text=True,
                         timeout=timeout, preexec_fn=raise_nofile)
    if out.returncode != 0:
        err = out.stderr.strip().splitlines()
        raise RuntimeError(" / ".join(err[:1] + err[-1:]) if err
                           else "ircload exited %d" % out.returncode)
    return dict(kv.split("=", 1) for kv in out.stdout.split() if "=" in kv)


def strace_calls(ircload_bin, srv, args):
    """Run ircload fanout ARGS with strace -c -f on the server for the
    measured phase only: (system calls, deliveries)."""
    out = os.path.join(srv.tmp, "strace.txt")
    p = subprocess.Popen([ircload_bin, "-p", str(srv.port), "fanout", "-W"] +
                         [str(a) for a in args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, preexec_fn=raise_nofile)
    if p.stdout.readline().strip() != "joined":
        p.kill()
        raise RuntimeError("ircload: " + (p.stderr.read().strip().splitlines() or ["?"])[-1])
    st = subprocess.Popen(["strace", "-c", "-f", "-o", out, "-p", str(srv.proc.pid)],
                          stderr=subprocess.PIPE, text=True)
    if "attached" not in st.stderr.readline():
        st.kill()
        p.kill()
        raise RuntimeError("strace could not attach")
    time.sleep(0.3)  # every thread attached (ngIRCd has one, but -f)
    p.stdin.write("go\n")
    p.stdin.flush()
    res = p.stdout.read()
    p.wait(120)
    st.send_signal(2)
    st.wait(30)
    if p.returncode != 0:
        raise RuntimeError("ircload exited %d" % p.returncode)
    got = dict(kv.split("=", 1) for kv in res.split() if "=" in kv)
    with open(out) as f:
        total = [ln.split() for ln in f if ln.rstrip().endswith(" total")]
    if not total:
        raise RuntimeError("no strace summary")
    return int(total[-1][3]), int(got["deliveries"])


def idle_rss(ircload_bin, make, n, per_room):
    """Server RSS with 0 and N idle joined clients: (rss0_kib, rssN_kib)."""
    with make() as srv:
        rss0 = rss_kib(srv.proc.pid)
        p = subprocess.Popen([ircload_bin, "-p", str(srv.port), "idle", "-n", str(n),
                              "-k", str(per_room), "-w", str(WINDOW)],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, preexec_fn=raise_nofile)
        line = p.stdout.readline()
        if not line.startswith("ready"):
            p.kill()
            err = p.stderr.read().strip().splitlines()
            raise RuntimeError(err[-1] if err else "idle clients never got ready")
        time.sleep(0.5)
        rss = rss_kib(srv.proc.pid)
        p.stdin.close()
        p.wait(60)
        return rss0, rss


def run_all(sz, servers, ircload_bin, tmpbase):
    """SERVERS: [(name, binary or None for ngIRCd)]. Return row order and
    {row: {server: value or error string}}."""
    results = {}
    rows = []

    def put(row, server, value):
        if row not in results:
            results[row] = {}
            rows.append(row)
        results[row][server] = value

    makers = []
    for sname, binary in servers:
        def make(sname=sname, binary=binary):
            tmp = tempfile.mkdtemp(dir=tmpbase)
            os.chmod(tmp, 0o755)
            if sname == "relay":
                return Relay(tmp, binary)
            return ChatServer(tmp, binary, sname) if binary else NgIRCd(tmp)
        makers.append((sname, make))

    fan = "fan-out %d members, %d senders x %d x %d B" % (
        sz["fan_c"], sz["fan_s"], sz["fan_m"], sz["fan_b"])
    lat = "latency: %d members, %d msg/s x %d" % (sz["lat_c"], sz["lat_r"], sz["lat_m"])
    for name, make in makers:
        print("bench: %s ..." % name, file=sys.stderr, flush=True)
        rows_fan = [(fan + ": deliveries/s", "per_sec", "up"),
                    (fan + ": deliveries per server CPU-second", "per_cpu_sec", "up"),
                    (fan + ": server CPU seconds", "server_cpu", "down")]
        try:
            if not wanted(*(row for row, _, _ in rows_fan)):
                raise LookupError
            with make() as srv:
                r = ircload(ircload_bin, srv, "fanout", "-c", sz["fan_c"], "-s", sz["fan_s"],
                            "-m", sz["fan_m"], "-b", sz["fan_b"], "-w", WINDOW)
            for row, key, better in rows_fan:
                put((row, better), name, float(r[key]) if key in r else "n/a")
        except LookupError:
            pass
        except Exception as e:
            for row, key, better in rows_fan:
                put((row, better), name, "failed: %s" % e)
        if name == "relay":
            continue  # the ceiling is only a fan-out
        row = ("fan-out %d members, %d senders x %d: system calls per 1,000 deliveries "
               "(strace -c -f)" % (sz["sys_c"], sz["sys_s"], sz["sys_m"]), "down")
        try:
            if not wanted(row[0]):
                raise LookupError("-")
            if not shutil.which("strace"):
                raise LookupError("n/a (no strace: apt-get install strace)")
            with make() as srv:
                calls, got = strace_calls(ircload_bin, srv, [
                    "-c", sz["sys_c"], "-s", sz["sys_s"], "-m", sz["sys_m"], "-b", sz["fan_b"],
                    "-w", WINDOW])
            put(row, name, calls * 1000.0 / got)
        except LookupError as e:
            if str(e) != "-":
                put(row, name, str(e))
        except Exception as e:
            put(row, name, "failed: %s" % e)
        row = ("active: server peak RSS, %d members, %d senders x %d x %d B fan-out, KiB" % (
            sz["act_c"], sz["act_s"], sz["act_m"], sz["fan_b"]), "down")
        try:
            if not wanted(row[0]):
                raise LookupError
            with make() as srv:
                ircload(ircload_bin, srv, "fanout", "-c", sz["act_c"], "-s", sz["act_s"],
                        "-m", sz["act_m"], "-b", sz["fan_b"], "-w", WINDOW)
                put(row, name, float(rss_kib(srv.proc.pid, "VmHWM")))
        except LookupError:
            pass
        except Exception as e:
            put(row, name, "failed: %s" % e)
        for w in sz["reg_w"]:
            row = ("registration storm: %d clients connect+register+join one room, "
                   "%d in flight: seconds" % (sz["reg_n"], w), "down")
            if not wanted(row[0]):
                continue
            try:
                with make() as srv:
                    # ngIRCd may take minutes with 1,000 in flight: 30 s is
                    # 60 times the target, enough to say it did not make it.
                    r = ircload(ircload_bin, srv, "register", "-n", sz["reg_n"], "-w", w,
                                "-t", 30)
                put(row, name, float(r["seconds"]))
            except Exception as e:
                put(row, name, "failed: %s" % e)
        row0 = ("idle: server RSS with 0 clients, KiB", "down")
        if wanted(row0[0], "idle: RSS per idle"):
            put(row0, name, results.get(row0, {}).get(name, "-"))
        for n in sz["idle"]:
            rowp = ("idle: RSS per idle joined client (%d clients, rooms of 100), bytes" % n,
                    "down")
            if not wanted(row0[0], rowp[0]):
                continue
            try:
                rss0, rss = idle_rss(ircload_bin, make, n, 100)
                put(row0, name, float(rss0))
                put(rowp, name, (rss - rss0) * 1024.0 / n)
            except Exception as e:
                put(rowp, name, "failed: %s" % e)
        # Until the line is in the member's socket (the kernel's receive
        # time: what the server's fan-out took), then until ircload, one
        # thread reading 999 sockets in turn, has read it.
        rows_lat = [(lat + ": p50 us, in the socket", "arrive_p50_us"),
                    (lat + ": p99 us, in the socket", "arrive_p99_us"),
                    (lat + ": max us, in the socket", "arrive_max_us"),
                    (lat + ": p50 us, read by ircload", "p50_us"),
                    (lat + ": p99 us, read by ircload", "p99_us"),
                    (lat + ": max us, read by ircload", "max_us")]
        if not wanted(*(row for row, _ in rows_lat)):
            continue
        try:
            with make() as srv:
                r = ircload(ircload_bin, srv, "latency", "-c", sz["lat_c"], "-r", sz["lat_r"],
                            "-m", sz["lat_m"], "-w", WINDOW)
            for row, key in rows_lat:
                put((row, "down"), name, float(r[key]))
        except Exception as e:
            for row, key in rows_lat:
                put((row, "down"), name, "failed: %s" % e)
    journal_rows(sz, servers, ircload_bin, put)
    return rows, results


def journal_rows(sz, servers, ircload_bin, put):
    """History on disk (-D): tests/bench/journal.py's rows, chat-server's only."""
    import journal  # (it imports this module)
    binary = dict(servers).get("chat-server")
    if binary and wanted("history on disk", "journal"):
        print("bench: chat-server, history on disk ...", file=sys.stderr, flush=True)
        journal.rows(sz, binary, ircload_bin, lambda row, v: put(row, "chat-server", v))


def collect(every):
    """Per row and server, the numbers every run measured; where no run
    measured one, the first failure text instead."""
    rows, first = every[0]
    out = {}
    for row in rows:
        out[row] = {}
        for name in first[row]:
            vals = sorted(r[row][name] for _, r in every
                          if isinstance(r.get(row, {}).get(name), float))
            out[row][name] = vals if vals else first[row][name]
    return rows, out


def median(vals):
    return vals[len(vals) // 2]


def fmt(v):
    if isinstance(v, str):
        return v.replace("|", "/")
    if v >= 100000:
        return "{:,.0f}".format(v)
    if v >= 100:
        return "%.0f" % v
    return "%.2f" % v


def fmt_range(vals):
    if isinstance(vals, str):
        return fmt(vals)
    if len(vals) == 1 or vals[0] == vals[-1]:
        return fmt(median(vals))
    return "%s (%s-%s)" % (fmt(median(vals)), fmt(vals[0]), fmt(vals[-1]))


def ratios(every, row, a, b, better):
    """chat-server A against B, run by run: sorted ratios, >1 is A better."""
    out = []
    for _, r in every:
        x, y = r.get(row, {}).get(a), r.get(row, {}).get(b)
        if isinstance(x, float) and isinstance(y, float) and x > 0 and y > 0:
            out.append(x / y if better == "up" else y / x)
    return sorted(out)


def fmt_ratio(rs):
    if not rs:
        return "-"
    m = median(rs)
    text = "%.2fx" % m if len(rs) == 1 else "%.2fx (%.2f-%.2f)" % (m, rs[0], rs[-1])
    return text + (" better" if m >= 1 else " worse")


def table(every, names):
    rows, vals = collect(every)
    me, others = names[0], names[1:]
    head = "| workload | " + " | ".join(names) + " | " + \
        " | ".join("%s vs %s" % (me, o) for o in others) + " |"
    out = [head, "|---|" + "---:|" * (len(names) + len(others))]
    for row, better in rows:
        r = vals[(row, better)]
        cells = [fmt_range(r.get(n, "-")) for n in names]
        cells += [fmt_ratio(ratios(every, (row, better), me, o, better)) for o in others]
        out.append("| %s (%s is better) | %s |" % (
            row, "higher" if better == "up" else "lower", " | ".join(cells)))
    return "\n".join(out)


def machine():
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    ng = subprocess.run(["/usr/sbin/ngircd", "--version"], capture_output=True, text=True)
    ngv = (ng.stdout.splitlines() or ["?"])[0]
    rev = subprocess.run(["git", "-C", TOP, "describe", "--always", "--dirty"],
                         capture_output=True, text=True).stdout.strip() or "?"
    return "%s, %d CPUs, Linux %s; %s; chatbox %s; %s UTC" % (
        cpu, os.cpu_count(), platform.release(), ngv, rev,
        time.strftime("%Y-%m-%d %H:%M", time.gmtime()))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--smoke", action="store_true", help="small sizes, for CI")
    ap.add_argument("--runs", type=int, default=0,
                    help="repeat everything, report medians (default 3, smoke 1)")
    ap.add_argument("--out", default=os.path.join(TOP, "build/bench/results.md"))
    ap.add_argument("--chatbox", default=os.path.join(TOP, "build/x86_64/chatbox"))
    ap.add_argument("--ircload", default=os.path.join(TOP, "build/bench/ircload"))
    ap.add_argument("--relay", default=os.path.join(TOP, "build/bench/relay"))
    ap.add_argument("--baseline", help="an older chatbox binary to measure alongside")
    ap.add_argument("--baseline-name", default="baseline",
                    help="its column's name (e.g. the git revision it was built from)")
    ap.add_argument("--only", action="append", default=[], metavar="SUBSTRING",
                    help="run only the workloads whose row names hold SUBSTRING (repeatable)")
    a = ap.parse_args()
    ONLY.extend(a.only)
    if not shutil.which("/usr/sbin/ngircd"):
        sys.exit("bench: /usr/sbin/ngircd is missing (apt-get install ngircd)")
    raise_nofile()
    tmpbase = tempfile.mkdtemp(prefix="chatbox-bench-")
    os.chmod(tmpbase, 0o755)  # ngIRCd drops to nobody and reads its config here
    runs = a.runs or (1 if a.smoke else 3)
    servers = [("chat-server", os.path.abspath(a.chatbox))]
    if a.baseline:
        servers.append(("chat-server " + a.baseline_name, os.path.abspath(a.baseline)))
    servers.append(("ngIRCd", None))
    if not ONLY or any("fan-out" in o or o in "fan-out" for o in ONLY):
        servers.append(("relay", os.path.abspath(a.relay)))
    try:
        every = [run_all(SMOKE if a.smoke else FULL, servers, os.path.abspath(a.ircload),
                         tmpbase) for _ in range(runs)]
    finally:
        shutil.rmtree(tmpbase, ignore_errors=True)
    text = "%s\n\n%s\n" % ("Measured on " + machine() + ("  (smoke sizes)" if a.smoke else "") +
                           ("; median (min-max) of %d runs" % runs if runs > 1 else ""),
                           table(every, [n for n, _ in servers]))
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    with open(a.out, "w") as f:
        f.write(text)
    print(text)
    print("bench: results written to %s" % a.out, file=sys.stderr)


if __name__ == "__main__":
    main()
