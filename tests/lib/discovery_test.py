"""discovery_test - shared bits of the mDNS/DNS-SD tests (test tooling only)."""
import os
import socket
import struct
import threading

from chatbox_test import BIN, BOARD, EMU, SLOW, TOP
from netns import socket_in

DISCOVER = EMU + [BIN, "chat-discover"]
ANNOUNCE_TOOL = EMU + [os.path.join(TOP, "build", BOARD, "mdns-announce")]


def configured(symbol):
    """Whether this board's build has CONFIG_SYMBOL=y."""
    try:
        with open(os.path.join(TOP, "build", BOARD, ".config")) as f:
            return "CONFIG_%s=y\n" % symbol in f.read()
    except OSError:
        return False


def server_announces():
    """Whether this build's chat-server announces itself (SERVER_MDNS)."""
    return configured("SERVER_MDNS")


def announcer(name, port, *server_args):
    """argv announcing NAME on PORT: chat-server (with SERVER_ARGS) once it
    announces itself, until then mdns-announce (the same responder code)."""
    if server_announces():
        return EMU + [BIN, "chat-server", "-f", "-n", name, "-p", str(port)] + list(server_args)
    return ANNOUNCE_TOOL + [name, str(port)]


class Lines:
    """Collect a process's stdout lines in the background."""

    def __init__(self, proc):
        self.proc, self.lines = proc, []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def find(self, prefix):
        return [l for l in self.lines if l.startswith(prefix)]


def discover(lan, i, *args, secs=3):
    """chat-discover ARGS -t SECS in namespace I: CompletedProcess."""
    return lan.run(i, DISCOVER + list(args) + ["-t", str(secs)], timeout=secs * SLOW + 30)


def by_name(out):
    """chat-discover -m output: {name: fields}."""
    return {l.split("\t")[0]: l.split("\t") for l in out.splitlines() if l}


def _name(*labels):
    """DNS wire form of LABELS (bytes or str), uncompressed."""
    out = b""
    for l in labels:
        l = l.encode() if isinstance(l, str) else l
        out += bytes([len(l)]) + l
    return out + b"\0"


def _rr(name, rtype, rdata, flush=True, ttl=120):
    return name + struct.pack(">HHIH", rtype, 0x8001 if flush else 1, ttl, len(rdata)) + rdata


def service_response(instance, host, port, txt, addr):
    """An mDNS response announcing INSTANCE (bytes: any bytes at all) of
    _irc._tcp on HOST.local (bytes) PORT, TXT (a list of bytes) and ADDR
    (IPv4, dotted): PTR, SRV, TXT and A in one packet, as the tests' raw
    responders send it."""
    svc = ("_irc", "_tcp", "local")
    inst, target = _name(instance, *svc), _name(host, "local")
    recs = [_rr(_name(*svc), 12, inst, flush=False),
            _rr(inst, 33, struct.pack(">HHH", 0, 0, port) + target),
            _rr(inst, 16, b"".join(bytes([len(t)]) + t for t in txt)),
            _rr(target, 1, socket.inet_aton(addr))]
    return struct.pack(">6H", 0, 0x8400, 0, len(recs), 0, 0) + b"".join(recs)


class RawResponder:
    """Answer every mDNS query heard in namespace NS with the PACKETS, a list
    of (bytes, source address): each is multicast from that source (an
    IPv4 or IPv6 address of NS), port 5353, whatever it holds. The answers
    to one query go out in list order."""

    def __init__(self, ns, packets):
        self.packets, self.socks = packets, {}
        self.listen = socket_in(ns, self._open)
        threading.Thread(target=self._run, daemon=True).start()

    def _open(self):
        self.idx = idx = socket.if_nametoindex("eth0")
        for _, src in self.packets:
            fam = socket.AF_INET6 if ":" in src else socket.AF_INET
            s = socket.socket(fam, socket.SOCK_DGRAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            if fam == socket.AF_INET6:
                s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, idx)
                s.bind((src, 5353, 0, idx if src.startswith("fe80") else 0))
            else:
                s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF,
                             struct.pack("4s4si", b"\0" * 4, b"\0" * 4, idx))
                s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 255)
                s.bind((src, 5353))
            self.socks[src] = s
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        s.bind(("0.0.0.0", 5353))
        mreq = struct.pack("4s4si", socket.inet_aton("224.0.0.251"), b"\0" * 4, idx)
        s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq)
        return s

    def _run(self):
        while True:
            try:
                data = self.listen.recv(9000)
            except OSError:
                return
            if len(data) < 12 or data[2] & 0x80:  # a response, not a query
                continue
            for pkt, src in self.packets:
                to = ("ff02::fb", 5353, 0, self.idx) if ":" in src \
                    else ("224.0.0.251", 5353)
                try:
                    self.socks[src].sendto(pkt, to)
                except OSError:
                    pass

    def close(self):
        for s in [self.listen] + list(self.socks.values()):
            s.close()
