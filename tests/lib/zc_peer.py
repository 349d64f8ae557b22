"""zc_peer - python3-zeroconf as a real mDNS peer for the discovery tests.

    zc_peer.py browse TYPE          print "add\tNAME\tPORT\tk=v,..." and
                                    "remove\tNAME" lines as services come and go
    zc_peer.py register NAME PORT   announce NAME._irc._tcp.local. until SIGTERM
Run inside the test's network namespace with /usr/bin/python3.
"""
import signal
import socket
import sys
import threading

from zeroconf import ServiceBrowser, ServiceInfo, ServiceStateChange, Zeroconf

stop = threading.Event()
signal.signal(signal.SIGTERM, lambda *a: stop.set())
signal.signal(signal.SIGINT, lambda *a: stop.set())


def say(*fields):
    print("\t".join(str(f) for f in fields), flush=True)


def browse(stype):
    zc = Zeroconf()

    def on_change(zeroconf, service_type, name, state_change):
        if state_change is ServiceStateChange.Removed:
            say("remove", name)
            return
        if state_change is not ServiceStateChange.Added:
            return
        info = zeroconf.get_service_info(service_type, name, timeout=3000)
        if not info:
            say("unresolved", name)
            return
        txt = ",".join("%s=%s" % (k.decode(), (v or b"").decode()) for k, v in info.properties.items())
        say("add", name, info.port, txt, info.server, ",".join(info.parsed_addresses()))

    ServiceBrowser(zc, stype, handlers=[on_change])
    say("ready")
    stop.wait()
    zc.close()


def register(name, port, addr):
    zc = Zeroconf()
    info = ServiceInfo("_irc._tcp.local.", "%s._irc._tcp.local." % name,
                       addresses=[socket.inet_aton(addr)], port=int(port),
                       properties={"txtvers": "1", "from": "zeroconf"},
                       server="zc-peer.local.")
    zc.register_service(info)
    say("registered", name)
    stop.wait()
    zc.unregister_service(info)
    zc.close()


if __name__ == "__main__":
    if sys.argv[1] == "browse":
        browse(sys.argv[2])
    else:
        register(sys.argv[2], sys.argv[3], sys.argv[4])
