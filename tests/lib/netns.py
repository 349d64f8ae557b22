"""netns - a private little LAN for the discovery tests (test tooling only).

    with Lan(3) as lan:          # namespaces lan.ns[0..2] on one bridge
        p = lan.popen(0, [...])  # a process inside namespace 0
        lan.run(1, [...])        # run to completion, CompletedProcess

Each namespace has lo and eth0 (10.77.N.x/24 and an IPv6 link-local
address, duplicate address detection off so it is usable at once), with the
multicast route on eth0. Nothing leaves the namespaces. Names are unique per
run; everything (processes first) is removed on exit, even after a failure.
Needs root and iproute2: Lan.unavailable() says why not, for a SKIP line.
"""
import os
import shutil
import signal
import subprocess
import time

_count = [0]


def _ip(*args, check=True):
    return subprocess.run(["ip"] + list(args), check=check, capture_output=True, text=True)


class Lan:
    @staticmethod
    def unavailable():
        if os.geteuid() != 0:
            return "needs root for network namespaces"
        if not shutil.which("ip"):
            return "needs iproute2 (ip)"
        probe = "cbprobe%d" % os.getpid()
        r = _ip("netns", "add", probe, check=False)
        if r.returncode != 0:
            return "cannot create network namespaces: " + r.stderr.strip()
        _ip("netns", "del", probe, check=False)
        return None

    def __init__(self, n):
        _count[0] += 1
        self.tag = "cbd%d_%d" % (os.getpid() % 100000, _count[0])
        self.hub = self.tag + "h"
        self.ns = ["%s_%d" % (self.tag, i) for i in range(n)]
        self.procs = []
        self.subnet = 10 + (os.getpid() + _count[0]) % 200

    def addr(self, i):
        return "10.77.%d.%d" % (self.subnet, i + 1)

    def __enter__(self):
        try:
            self._build()
        except BaseException:
            self.close()
            raise
        return self

    def _build(self):
        _ip("netns", "add", self.hub)
        self.exec_(self.hub, ["ip", "link", "add", "br0", "type", "bridge"])
        self.exec_(self.hub, ["ip", "link", "set", "br0", "up"])
        for i, ns in enumerate(self.ns):
            _ip("netns", "add", ns)
            for conf in ("all", "default"):
                self.exec_(ns, ["sysctl", "-qw", "net.ipv6.conf.%s.accept_dad=0" % conf])
            outer = "%sv%d" % (self.tag[-6:], i)
            _ip("link", "add", outer, "netns", self.hub, "type", "veth", "peer", "name", "eth0",
                "netns", ns)
            self.exec_(self.hub, ["ip", "link", "set", outer, "master", "br0", "up"])
            self.exec_(ns, ["ip", "link", "set", "lo", "up"])
            self.exec_(ns, ["ip", "link", "set", "eth0", "up"])
            self.exec_(ns, ["ip", "addr", "add", self.addr(i) + "/24", "dev", "eth0"])
            self.exec_(ns, ["ip", "route", "add", "224.0.0.0/4", "dev", "eth0"])

    def exec_(self, ns, argv):
        return subprocess.run(["ip", "netns", "exec", ns] + argv, check=True,
                              capture_output=True, text=True)

    def popen(self, i, argv, **kw):
        kw.setdefault("stdout", subprocess.PIPE)
        kw.setdefault("stderr", subprocess.PIPE)
        p = subprocess.Popen(["ip", "netns", "exec", self.ns[i]] + list(argv), **kw)
        self.procs.append(p)
        return p

    def run(self, i, argv, timeout=30, **kw):
        return subprocess.run(["ip", "netns", "exec", self.ns[i]] + list(argv),
                              capture_output=True, text=True, errors="replace", timeout=timeout, **kw)

    def close(self):
        for p in self.procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 5
        for p in self.procs:
            try:
                p.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        for ns in self.ns + [self.hub]:
            _ip("netns", "del", ns, check=False)

    def __exit__(self, *exc):
        self.close()


CLONE_NEWNET = 0x40000000


def socket_in(ns, make):
    """Run MAKE() (which creates sockets) inside network namespace NS: the
    sockets stay there. setns() switches this thread only, and back."""
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    here = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
    there = os.open("/run/netns/" + ns, os.O_RDONLY)
    try:
        if libc.setns(there, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), "setns " + ns)
        try:
            return make()
        finally:
            if libc.setns(here, CLONE_NEWNET) != 0:
                raise OSError(ctypes.get_errno(), "setns back")
    finally:
        os.close(here)
        os.close(there)
