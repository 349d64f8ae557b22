#!/usr/bin/python3
"""t-discover.py - chat-discover finds servers announced over mDNS on a
private LAN (network namespaces on a bridge): table, -m, -1, -w with
goodbyes, renaming on a name clash, nothing found. The announcer is
chat-server (mdns-announce, the same responder, until the server has it),
built for this board: both ends run under the board's emulator."""
import os
import signal
import socket
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from chatbox_test import SLOW, TOP, T, case, wait_for  # noqa: E402
from discovery_test import DISCOVER, Lines, announcer, by_name, discover, server_announces  # noqa: E402
from netns import Lan, socket_in  # noqa: E402

why = Lan.unavailable()
if why:
    T.skip("discovery on a private LAN", why)
    T.done()

TAG = str(os.getpid())
with open(os.path.join(TOP, "VERSION")) as vf:
    VERSION = vf.read().strip()


with Lan(3) as lan:
    ana = "Ana's box. v2 " + TAG
    a = lan.popen(0, announcer(ana, 6667), text=True)

    @case("chat-discover -m lists a server of another host: name, host, port, address, TXT")
    def _():
        r = discover(lan, 2, "-m")
        f = by_name(r.stdout).get(ana)
        T.check("chat-discover -m lists a server of another host: name, host, port, address, TXT",
                r.returncode == 0 and f is not None and f[1].endswith("-chat.local") and
                f[2] == "6667" and lan.addr(0) in f[3].split(",") and
                f[4] == "txtvers=1" and "plain=1" in f[5:], r.stdout + r.stderr)
        T.check("the TXT version= is the file VERSION's",
                f is not None and "version=" + VERSION in f[5:], f)
        T.check("IPv6 link-local addresses carry the interface scope",
                f is not None and any(x.startswith("fe80:") and x.endswith("%eth0")
                                      for x in f[3].split(",")), f)

    @case("the table has a header and a row with host:port and details")
    def _():
        r = discover(lan, 1)
        lines = r.stdout.splitlines()
        T.check("the table has a header and a row with host:port and details",
                r.returncode == 0 and lines and lines[0].split() == ["NAME", "HOST:PORT",
                                                                   "ADDRESSES", "DETAILS"] and
                any(l.startswith(ana) and "-chat.local:6667" in l and "plain=1" in l
                    and "txtvers" not in l for l in lines[1:]), r.stdout + r.stderr)

    @case("-1 prints the first server and exits before the time is up")
    def _():
        t0 = time.monotonic()
        r = discover(lan, 2, "-1", "-m", secs=20)
        took = time.monotonic() - t0
        T.check("-1 prints the first server and exits before the time is up",
                r.returncode == 0 and len(r.stdout.splitlines()) == 1 and
                r.stdout.startswith(ana + "\t") and took < 10 * SLOW, (took, r.stdout, r.stderr))

    @case("-w shows a server coming (+) and leaving with a goodbye (-)")
    def _():
        w = lan.popen(2, DISCOVER + ["-w", "-m"], text=True)
        lines = Lines(w)
        wait_for(lambda: lines.find("+\t" + ana), 10, what="the first server in -w")
        bob = "bob " + TAG
        b = lan.popen(1, announcer(bob, 7000), text=True)
        ok_up = wait_for(lambda: lines.find("+\t" + bob + "\t"), 10, what="bob to come")
        b.send_signal(signal.SIGTERM)
        rc = b.wait(10 * SLOW)
        t0 = time.monotonic()
        ok_down = wait_for(lambda: lines.find("-\t" + bob), 5, what="bob to leave")
        took = time.monotonic() - t0
        w.send_signal(signal.SIGTERM)
        w.wait(10 * SLOW)
        T.check("-w shows a server coming (+) and leaving with a goodbye (-)",
                ok_up and ok_down and rc == 0 and ok_up[0].split("\t")[3] == "7000" and
                took < 3 * SLOW, lines.lines)

    @case("two servers with the same name end with distinct names")
    def _():
        same = "same " + TAG
        p1 = lan.popen(1, announcer(same, 7001), text=True)
        p2 = lan.popen(2, announcer(same, 7002), text=True)
        r = discover(lan, 0, "-m", secs=5)
        found = by_name(r.stdout)
        mine = sorted(n for n in found if n.startswith(same))
        ports = sorted(found[n][2] for n in mine)
        hosts = set(found[n][1] for n in mine)
        T.check("two servers with the same name end with distinct names",
                mine == [same, same + " (2)"] and ports == ["7001", "7002"] and len(hosts) == 2,
                r.stdout + r.stderr)
        for p in (p1, p2):
            p.send_signal(signal.SIGTERM)
            p.wait(10 * SLOW)

    @case("chat-server -b: announced only where it listens (not at all for loopback)")
    def _():
        title = "chat-server -b: announced only where it listens (not at all for loopback)"
        if not server_announces():
            T.skip(title, "chat-server built without SERVER_MDNS")
            return
        lo, lan1 = "loopback " + TAG, "bound " + TAG
        p1 = lan.popen(1, announcer(lo, 7100, "-b", "127.0.0.1"), text=True)
        p2 = lan.popen(2, announcer(lan1, 7200, "-b", lan.addr(2)), text=True)
        found = by_name(discover(lan, 0, "-m").stdout)
        T.check(title, lan1 in found and lo not in found and p1.poll() is None, sorted(found))
        for p in (p1, p2):
            p.send_signal(signal.SIGTERM)
            p.wait(10 * SLOW)

    @case("port 5353 held by a program that does not share it: found by legacy unicast")
    def _():
        def hog():
            s4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s4.bind(("0.0.0.0", 5353))
            s6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
            s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            s6.bind(("::", 5353))
            return s4, s6
        held = socket_in(lan.ns[2], hog)
        try:
            r = discover(lan, 2, "-m")
            f = by_name(r.stdout).get(ana)
            T.check("port 5353 held by a program that does not share it: found by legacy unicast",
                    f is not None and f[2] == "6667" and lan.addr(0) in f[3], r.stdout + r.stderr)
        finally:
            for x in held:
                x.close()

    @case("no server: exit 1 and say so")
    def _():
        a.send_signal(signal.SIGTERM)
        a.wait(10 * SLOW)
        r = discover(lan, 1, secs=2)
        T.check("no server: exit 1 and say so",
                r.returncode == 1 and r.stdout == "" and
                "no chat server found on this network" in r.stderr, (r.returncode, r.stdout, r.stderr))

with Lan(2) as lan:
    @case("IPv6 only (link-local): found over ff02::fb, address with its scope")
    def _():
        for i in range(2):
            lan.exec_(lan.ns[i], ["ip", "-4", "addr", "flush", "dev", "eth0"])
        six = "v6 only " + TAG
        lan.popen(0, announcer(six, 6667), text=True)
        r = discover(lan, 1, "-m", secs=4)
        f = by_name(r.stdout).get(six)
        T.check("IPv6 only (link-local): found over ff02::fb, address with its scope",
                f is not None and f[2] == "6667" and f[3].startswith("fe80:") and
                f[3].endswith("%eth0") and "," not in f[3], r.stdout + r.stderr)

T.done()
