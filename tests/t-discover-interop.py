#!/usr/bin/python3
"""t-discover-interop.py - host-only: our mDNS against real peers from
Debian on a private LAN. python3-zeroconf sees our service (port, TXT) and
its goodbye; chat-discover finds services of python3-zeroconf and of
avahi-daemon; our responder and avahi-daemon share port 5353 in one
namespace (as on a router) and both stay visible."""
import os
import shutil
import signal
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "lib"))
from chatbox_test import SLOW, T, case, wait_for  # noqa: E402
from discovery_test import Lines, announcer, by_name, discover  # noqa: E402
from netns import Lan  # noqa: E402

why = Lan.unavailable()
if why:
    T.skip("mDNS interop on a private LAN", why)
    T.done()
try:
    import zeroconf  # noqa: F401
    have_zc = True
except ImportError:
    have_zc = False
have_avahi = shutil.which("avahi-daemon") or os.path.exists("/usr/sbin/avahi-daemon")

ZC = ["/usr/bin/python3", os.path.join(HERE, "lib", "zc_peer.py")]
AVAHI = ["sh", os.path.join(HERE, "lib", "avahi_peer.sh")]
TAG = str(os.getpid())

def terse_responder(lan, i, name, port):
    """A responder in namespace I that answers each question with that one
    record only, never with additional records; the set of types asked."""
    import socket
    import struct
    import threading
    from zeroconf import (DNSAddress, DNSIncoming, DNSOutgoing, DNSPointer, DNSService,
                          DNSText, const)
    from netns import socket_in
    inst = name + "._irc._tcp.local."
    recs = {("_irc._tcp.local.", const._TYPE_PTR):
            DNSPointer("_irc._tcp.local.", const._TYPE_PTR, const._CLASS_IN, 4500, inst),
            (inst, const._TYPE_SRV):
            DNSService(inst, const._TYPE_SRV, const._CLASS_IN, 120, 0, 0, port, "terse.local."),
            (inst, const._TYPE_TXT):
            DNSText(inst, const._TYPE_TXT, const._CLASS_IN, 4500, b"\x09txtvers=1\x09terse=yes"),
            ("terse.local.", const._TYPE_A):
            DNSAddress("terse.local.", const._TYPE_A, const._CLASS_IN, 120,
                       socket.inet_aton(lan.addr(i)))}
    names = {const._TYPE_SRV: "SRV", const._TYPE_TXT: "TXT", const._TYPE_A: "A"}
    asked = set()

    def make():
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        s.bind(("0.0.0.0", 5353))
        mreq = struct.pack("4s4si", socket.inet_aton("224.0.0.251"), socket.inet_aton("0.0.0.0"),
                           socket.if_nametoindex("eth0"))
        s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq)
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(lan.addr(i)))
        return s
    sock = socket_in(lan.ns[i], make)

    def serve():
        while True:
            try:
                data, src = sock.recvfrom(9000)
            except OSError:
                return
            q = DNSIncoming(data)
            if not q.is_query():
                continue
            for question in q.questions:
                rec = recs.get((question.name, question.type))
                if rec is None:
                    continue
                asked.add(names.get(question.type, "PTR"))
                out = DNSOutgoing(const._FLAGS_QR_RESPONSE | const._FLAGS_AA)
                out.add_answer_at_time(rec, 0)
                sock.sendto(out.packets()[0], ("224.0.0.251", 5353))
    threading.Thread(target=serve, daemon=True).start()
    return asked


with Lan(3) as lan:
    if not have_zc:
        T.skip("python3-zeroconf sees our service", "python3-zeroconf is not installed")
    else:
        @case("python3-zeroconf sees our service with its port and TXT")
        def _():
            z = lan.popen(1, ZC + ["browse", "_irc._tcp.local."], text=True)
            lines = Lines(z)
            wait_for(lambda: lines.find("ready"), 10, what="zeroconf browser")
            name = "zc sees us " + TAG
            a = lan.popen(0, announcer(name, 6667), text=True)
            got = wait_for(lambda: lines.find("add\t%s._irc._tcp.local." % name), 10,
                           what="zeroconf to see our service")[0].split("\t")
            T.check("python3-zeroconf sees our service with its port and TXT",
                    got[2] == "6667" and got[3].startswith("txtvers=1,") and "plain=1" in got[3]
                    and got[4].endswith("-chat.local.") and lan.addr(0) in got[5], got)
            a.send_signal(signal.SIGTERM)
            a.wait(10 * SLOW)
            t0 = time.monotonic()
            gone = wait_for(lambda: lines.find("remove\t%s._irc._tcp.local." % name), 5,
                            what="zeroconf to see the goodbye")
            T.check("python3-zeroconf sees it leave after SIGTERM (goodbye, not expiry)",
                    gone and time.monotonic() - t0 < 3, lines.lines)

        @case("chat-discover finds a service registered by python3-zeroconf")
        def _():
            name = "zc server " + TAG
            z = lan.popen(1, ZC + ["register", name, "7000", lan.addr(1)], text=True)
            lines = Lines(z)
            wait_for(lambda: lines.find("registered"), 15, what="zeroconf to register")
            r = discover(lan, 2, "-m")
            f = by_name(r.stdout).get(name)
            T.check("chat-discover finds a service registered by python3-zeroconf",
                    f is not None and f[1] == "zc-peer.local" and f[2] == "7000" and
                    f[3] == lan.addr(1) and "from=zeroconf" in f[4:], r.stdout + r.stderr)
            z.send_signal(signal.SIGTERM)
            z.wait(10)

    if have_zc:
        @case("chat-discover asks for SRV, TXT and A when a PTR comes alone")
        def _():
            name = "terse " + TAG
            asked = terse_responder(lan, 1, name, 6900)
            r = discover(lan, 2, "-m")
            f = by_name(r.stdout).get(name)
            T.check("chat-discover asks for SRV, TXT and A when a PTR comes alone",
                    f is not None and f[1] == "terse.local" and f[2] == "6900" and
                    f[3] == lan.addr(1) and f[4:] == ["txtvers=1", "terse=yes"] and
                    {"SRV", "TXT", "A"} <= asked, (r.stdout, r.stderr, asked))

    if not have_avahi:
        T.skip("chat-discover finds an avahi-daemon service", "avahi-daemon is not installed")
    else:
        @case("chat-discover finds an avahi-daemon service; avahi and we share port 5353")
        def _():
            d = tempfile.mkdtemp(prefix="chatbox-avahi-")
            try:
                av_name = "avahi irc " + TAG
                av = lan.popen(1, AVAHI + [d, av_name, "6697"], text=True)
                ours = "beside avahi " + TAG
                a = lan.popen(1, announcer(ours, 6667), text=True)
                found = {}

                def both():
                    found.update(by_name(discover(lan, 2, "-m", secs=2).stdout))
                    return av_name in found and ours in found
                wait_for(both, 20, interval=0.1, what="both services")
                f = found[av_name]
                T.check("chat-discover finds a service published by avahi-daemon",
                        f[1] == "avahi-peer.local" and f[2] == "6697" and
                        lan.addr(1) in f[3].split(",") and "from=avahi" in f[4:], f)
                T.check("our responder and avahi-daemon run side by side on one host",
                        found[ours][2] == "6667" and av.poll() is None and a.poll() is None,
                        found)
            finally:
                shutil.rmtree(d, ignore_errors=True)

T.done()
