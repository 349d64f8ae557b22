#!/usr/bin/python3
"""t-discover-hostile.py - what chat-discover takes from a hostile mDNS
responder on the LAN (a raw one in a network namespace: it can send any
bytes from any source address):
  - escape sequences, C0/C1 controls (raw and UTF-8), bidi controls and
    invalid UTF-8 in names, hosts and TXT never reach the terminal: the
    core/textsafe policy, with U+FFFD for invalid bytes;
  - responses from a source outside the link (RFC 6762 11) are dropped,
    IPv4 and IPv6, while the same response from an on-link source is taken
    (the barrier that shows the answers were heard)."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from chatbox_test import BIN, EMU, SLOW, T, case, stop_process, wait_for  # noqa: E402
from discovery_test import DISCOVER, Lines, RawResponder, configured, service_response  # noqa: E402
from netns import Lan  # noqa: E402

why = Lan.unavailable()
if why:
    T.skip("hostile mDNS responders on a private LAN", why)
    T.done()

TAG = str(os.getpid())
# Never on a terminal: C0 but TAB/LF, DEL, C1, bidi embeddings/overrides/isolates.
UNSAFE = set(range(0x20)) - {9, 10} | {0x7f} | set(range(0x80, 0xa0)) | \
    set(range(0x202a, 0x202f)) | set(range(0x2066, 0x206a))
EVIL = (b"evil\x1b[2J\x07\x01" b"\x9b" b"c1\xc2\x9b" b"rlo\xe2\x80\xae" b"lri\xe2\x81\xa6"
        b"bad\xff\xfe" b"\tend " + TAG.encode())
EVIL_SHOWN = "evil[2J\ufffdc1rlolribad\ufffd\ufffd end " + TAG
EVIL_TXT = [b"txtvers=1", b"version=\x1b]0;owned\x07\x9d", b"note=\xc2\x85\xe2\x80\xae\xc0\xaf\tx\xe2\x81\xa9"]


def unsafe_in(raw):
    """Why the bytes RAW could not go to a terminal as they are, or None."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        return "invalid UTF-8: %r" % e
    bad = sorted({"U+%04X" % ord(c) for c in text if ord(c) in UNSAFE})
    return ", ".join(bad) or None


class ByteLines(Lines):
    """Lines as bytes, decoded with surrogateescape: no byte is hidden."""

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line.rstrip(b"\n").decode("utf-8", "surrogateescape"))


with Lan(2) as lan:
    evil = RawResponder(lan.ns[0], [(service_response(EVIL, b"evil\x1b[1m\x9bhost", 6667, EVIL_TXT,
                                                      lan.addr(0)), lan.addr(0))])

    @case("chat-discover -m: no control, C1, bidi or invalid UTF-8 byte from a hostile responder")
    def _():
        p = lan.popen(1, DISCOVER + ["-w", "-m"])
        lines = ByteLines(p)
        got = wait_for(lambda: lines.find("+\tevil"), 10, what="the hostile server")
        stop_process(p)
        raw = "\n".join(lines.lines).encode("utf-8", "surrogateescape")
        f = got[0].split("\t") if got else []
        T.check("chat-discover -m: no control, C1, bidi or invalid UTF-8 byte from a hostile responder",
                got and unsafe_in(raw) is None, (unsafe_in(raw), raw))
        T.check("the hostile name is shown cleaned, invalid bytes as U+FFFD, a TAB as a space",
                len(f) == 8 and f[1] == EVIL_SHOWN and f[2] == "evil[1m\ufffdhost.local" and
                f[6].startswith("version=]0;owned") and f[7].startswith("note="), f)

    @case("chat-discover's table: the same, cleaned")
    def _():
        r = subprocess.run(["ip", "netns", "exec", lan.ns[1]] + DISCOVER + ["-1", "-t", "10"],
                           capture_output=True, timeout=30 * SLOW)
        T.check("chat-discover's table: the same, cleaned",
                r.returncode == 0 and r.stdout.startswith(EVIL_SHOWN.encode()) and
                unsafe_in(r.stdout) is None, (r.stdout, r.stderr))
    evil.close()

    @case("chat-client's list of found servers: the same, cleaned")
    def _():
        title = "chat-client's list of found servers: the same, cleaned"
        if not configured("CLIENT_DISCOVERY"):
            T.skip(title, "chat-client built without CLIENT_DISCOVERY")
            return
        two = RawResponder(lan.ns[0], [(service_response(EVIL + n, b"h" + n, 6667, EVIL_TXT,
                                                         lan.addr(0)), lan.addr(0))
                                       for n in (b" 1", b" 2")])
        r = subprocess.run(["ip", "netns", "exec", lan.ns[1]] + EMU + [BIN, "chat-client", "-s"],
                           capture_output=True, stdin=subprocess.DEVNULL, timeout=30 * SLOW)
        two.close()
        T.check(title, r.returncode == 1 and r.stderr.count(EVIL_SHOWN.encode()) == 2 and
                unsafe_in(r.stderr) is None, r.stderr)


def link_local(lan, i):
    out = lan.exec_(lan.ns[i], ["ip", "-6", "-o", "addr", "show", "dev", "eth0", "scope", "link"])
    return out.stdout.split()[3].split("/")[0]


with Lan(2) as lan:
    # The responder also holds addresses outside the LAN's subnet and
    # prefix; the listener has a route there (through the responder, so
    # reverse-path filtering lets them in): off the link, yet delivered.
    off4, off6 = "10.99.%d.1" % lan.subnet, "fd99:%x::1" % lan.subnet
    lan.exec_(lan.ns[0], ["ip", "addr", "add", off4 + "/32", "dev", "eth0"])
    lan.exec_(lan.ns[0], ["ip", "-6", "addr", "add", off6 + "/128", "dev", "eth0", "nodad"])
    lan.exec_(lan.ns[1], ["ip", "route", "add", "10.99.%d.0/24" % lan.subnet, "via", lan.addr(0)])

    def svc(name):
        return service_response(name.encode(), name.split()[0].encode(), 7000, [b"txtvers=1"],
                                lan.addr(0))
    # Off-link first, then the same from on-link sources, per family: what
    # a socket receives keeps its order, so the second shows the first came.
    peer = RawResponder(lan.ns[0], [(svc("off4 " + TAG), off4), (svc("off6 " + TAG), off6),
                                    (svc("on4 " + TAG), lan.addr(0)),
                                    (svc("on6 " + TAG), link_local(lan, 0))])

    @case("responses from off-link sources are dropped (RFC 6762 11), on-link ones taken")
    def _():
        p = lan.popen(1, DISCOVER + ["-w", "-m"], text=True)
        lines = Lines(p)
        ok = wait_for(lambda: lines.find("+\ton4 ") and lines.find("+\ton6 "), 10,
                      what="the on-link answers")
        stop_process(p)
        T.check("an IPv4 response from outside the interface's subnet is dropped",
                ok and not lines.find("+\toff4 "), lines.lines)
        T.check("an IPv6 response from neither fe80::/10 nor an on-link prefix is dropped",
                ok and not lines.find("+\toff6 "), lines.lines)
    peer.close()

T.done()
