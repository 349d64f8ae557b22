#!/usr/bin/python3
"""t-web-mdns - the chat page is announced over mDNS as _http._tcp (TXT
path=/) beside _irc._tcp, under the same name and host: on the first -w
port, else on the chat port; python3-zeroconf on a private LAN (network
namespaces on a bridge) sees it come and go."""
import os
import signal
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "lib"))
from chatbox_test import SLOW, T, case, wait_for  # noqa: E402
from discovery_test import Lines, announcer, configured, server_announces  # noqa: E402
from netns import Lan  # noqa: E402

why = Lan.unavailable()
if why:
    T.skip("the chat page over mDNS", why)
    T.done()
if not server_announces() or not configured("SERVER_WEB"):
    T.skip("the chat page over mDNS", "built without SERVER_MDNS or SERVER_WEB")
    T.done()
try:
    import zeroconf  # noqa: F401
except ImportError:
    T.skip("the chat page over mDNS", "python3-zeroconf is not installed")
    T.done()

ZC = ["/usr/bin/python3", os.path.join(HERE, "lib", "zc_peer.py")]
TAG = str(os.getpid())

with Lan(2) as lan:
    def browsers():
        out = []
        for t in ("_http._tcp.local.", "_irc._tcp.local."):
            z = lan.popen(1, ZC + ["browse", t], text=True)
            lines = Lines(z)
            wait_for(lambda: lines.find("ready"), 10, what="zeroconf browser")
            out.append((z, lines))
        return out

    @case("_http._tcp on the first -w port")
    def _():
        (zh, http), (zi, irc) = browsers()
        name = "web page " + TAG
        a = lan.popen(0, announcer(name, 6667, "-w", "8080", "-w", "8081"), text=True)
        got = wait_for(lambda: http.find("add\t%s._http._tcp.local." % name), 15,
                       what="zeroconf to see _http._tcp")[0].split("\t")
        T.check("python3-zeroconf sees the page: the first -w port, TXT path=/, our host",
                got[2] == "8080" and got[3] == "path=/" and got[4].endswith("-chat.local.")
                and lan.addr(0) in got[5], got)
        gi = wait_for(lambda: irc.find("add\t%s._irc._tcp.local." % name), 15,
                      what="zeroconf to see _irc._tcp")[0].split("\t")
        T.check("_irc._tcp stays as it was, same name and host", gi[2] == "6667" and
                "plain=1" in gi[3] and gi[4] == got[4], gi)
        a.send_signal(signal.SIGTERM)
        a.wait(10 * SLOW)
        T.check("both leave with the goodbye",
                lambda: wait_for(lambda: http.find("remove\t%s._http._tcp.local." % name) and
                                 irc.find("remove\t%s._irc._tcp.local." % name), 5,
                                 what="zeroconf to see the goodbyes"))
        for z, _ in ((zh, http), (zi, irc)):
            z.send_signal(signal.SIGTERM)
            z.wait(10)

    @case("_http._tcp on the chat port without -w")
    def _():
        (zh, http), (zi, irc) = browsers()
        name = "chat port page " + TAG
        a = lan.popen(0, announcer(name, 6668), text=True)
        got = wait_for(lambda: http.find("add\t%s._http._tcp.local." % name), 15,
                       what="zeroconf to see _http._tcp")[0].split("\t")
        T.check("without -w, the page is announced on the chat port", got[2] == "6668" and
                got[3] == "path=/", got)
        a.send_signal(signal.SIGTERM)
        a.wait(10 * SLOW)
        for z, _ in ((zh, http), (zi, irc)):
            z.send_signal(signal.SIGTERM)
            z.wait(10)
T.done()
