#!/usr/bin/python3
"""t-client-resolve - chat-client finds its server by name through its own
resolver (core/resolve.c): /etc/hosts first, then real DNS over UDP to the
nameserver of /etc/resolv.conf, and numeric addresses as they are; and it
says why when a name cannot be found. Runs in a mount and network namespace
of its own (unshare -mn) with a hosts file and a resolv.conf bind-mounted
over the real ones and a small DNS server (python3-dnslib) on 127.0.0.1:53;
chat-server (-u nobody, as root) there too. Runs on every board."""
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from chatbox_test import SLOW, T, Server, applet, case, unshared  # noqa: E402
from client_test import watcher  # noqa: E402

NAME = "t-client-resolve"
unshared("-mn", NAME, "for mount and network namespaces", tools=("ip", "mount"))

try:
    from dnslib import AAAA, CNAME, QTYPE, RCODE, RR, A, DNSRecord
except ImportError:
    T.check("python3-dnslib is installed (make deps)", False)
    T.done()

TIMEOUT = 20 * SLOW


class Dns:
    """A DNS server on 127.0.0.1:53 for the names of ZONE: name -> list of
    RRs ("cname", target) / ("a", addr) / ("aaaa", addr); NXDOMAIN for other
    names; no answer at all for the names in SILENT. Every question it was
    asked is in .asked as (name, type)."""

    ZONE = {
        "chat.test.": [("cname", "box.test.")],
        "box.test.": [("a", "127.0.0.1"), ("aaaa", "::1")],
        "six.test.": [("aaaa", "::1")],
        "noaddr.test.": [],
    }
    SILENT = {"silent.test."}

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 53))
        self.asked = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _records(self, name, qtype):
        out = []
        while name in self.ZONE:
            rrs = self.ZONE[name]
            cname = [t for k, t in rrs if k == "cname"]
            if cname:
                out.append(RR(name, QTYPE.CNAME, rdata=CNAME(cname[0]), ttl=60))
                name = cname[0]
                continue
            for kind, value in rrs:
                if kind == "a" and qtype == QTYPE.A:
                    out.append(RR(name, QTYPE.A, rdata=A(value), ttl=60))
                if kind == "aaaa" and qtype == QTYPE.AAAA:
                    out.append(RR(name, QTYPE.AAAA, rdata=AAAA(value), ttl=60))
            break
        return out

    def _serve(self):
        while True:
            data, peer = self.sock.recvfrom(4096)
            try:
                q = DNSRecord.parse(data)
            except Exception:
                continue
            name, qtype = str(q.q.qname).lower(), q.q.qtype
            self.asked.append((name, QTYPE[qtype]))
            if name in self.SILENT:
                continue
            r = q.reply()
            if name in self.ZONE:
                for rr in self._records(name, qtype):
                    r.add_answer(rr)
            else:
                r.header.rcode = RCODE.NXDOMAIN
            self.sock.sendto(r.pack(), peer)


ETC = tempfile.mkdtemp(prefix="chatbox-etc-")


def over(path, text):
    """Bind-mount a file holding TEXT over PATH (this namespace only)."""
    f = open(os.path.join(ETC, os.path.basename(path)), "w")
    f.write(text)
    f.close()
    subprocess.run(["mount", "--bind", f.name, path], check=True)
    return f.name


def client(*args):
    """chat-client to completion, one line piped: (rc, stderr, seconds)."""
    start = time.monotonic()
    p = applet("chat-client", *args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
               stderr=subprocess.PIPE)
    out, err = p.communicate(b"hello by name\n", timeout=TIMEOUT)
    return p.returncode, err.decode(errors="replace"), time.monotonic() - start


subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
resolv_conf = over("/etc/resolv.conf", "# the test's\nsearch test\nnameserver 127.0.0.1\n")
hosts = over("/etc/hosts",
             "127.0.0.1 localhost\n::1 localhost\n127.0.0.1 hosted.test # from the file\n")
dns = Dns()
srv = Server().__enter__()  # on "::" (IPv4 too), as root: becomes nobody (-u)


def reaches(title, nick, host, joined=False):
    """chat-client -n NICK reaches the server at HOST (-p PORT, or HOST:PORT if JOINED)."""
    @case(title)
    def _():
        w = watcher(srv.port, "w" + nick)
        where = ["%s:%d" % (host, srv.port)] if joined else ["-p", str(srv.port), host]
        rc, err, _ = client("-n", nick, *where)
        T.check(title, rc == 0 and w.expect(r"^:%s!\S* PRIVMSG #lobby :hello by name$" % nick),
                (rc, err))
        w.close()


reaches("a name from DNS, through a CNAME (chat.test)", "dns", "chat.test")
T.check("chat.test was asked of DNS, A and AAAA",
        ("chat.test.", "A") in dns.asked and ("chat.test.", "AAAA") in dns.asked, dns.asked)
T.check("the search line is not used: no chat.test.test asked",
        not any(n.startswith("chat.test.test") for n, _ in dns.asked), dns.asked)
reaches("a name DNS has only an IPv6 address for (six.test)", "six", "six.test")
reaches("a name from /etc/hosts (hosted.test)", "hst", "hosted.test")
T.check("a name in /etc/hosts is not asked of DNS",
        not any(n.startswith("hosted.test") for n, _ in dns.asked), dns.asked)
reaches("localhost, from /etc/hosts", "loc", "localhost")
reaches("a numeric IPv4 address", "four", "127.0.0.1", joined=True)
reaches("a numeric IPv6 address", "ipv6", "[::1]", joined=True)


def fails(title, host, pattern, within):
    @case(title)
    def _():
        rc, err, secs = client("-n", "nope", "-p", str(srv.port), host)
        T.check(title, rc != 0 and re.search(pattern, err) and secs < within * SLOW,
                (rc, err, "%.1f s" % secs))


fails("a name DNS says does not exist (NXDOMAIN): no such host", "missing.test",
      r"cannot find missing\.test: no such host", 5)
fails("a name that exists without an address: said so", "noaddr.test",
      r"cannot find noaddr\.test: the name has no IPv4 or IPv6 address", 5)
fails("a DNS server that does not answer: said so, within the resolver's 5 s", "silent.test",
      r"cannot find silent\.test: DNS server 127\.0\.0\.1 did not answer", 10)
T.check("the silent server was asked again (two attempts)",
        dns.asked.count(("silent.test.", "A")) == 2, dns.asked)
fails("not a host name at all", "bad name!", r"cannot find bad name!: not a host name", 5)

with open(hosts, "w") as f:
    f.write("127.0.0.1 hosted.test\n")
reaches("localhost when /etc/hosts lacks it: the loopback (RFC 6761)", "lo2", "localhost")
T.check("localhost is never asked of DNS",
        not any(n.startswith("localhost") for n, _ in dns.asked), dns.asked)

with open(resolv_conf, "w") as f:
    f.write("nameserver 127.0.0.2\n")  # nothing listens there: ICMP port unreachable
fails("no DNS server where resolv.conf says: said so at once", "chat.test",
      r"cannot find chat\.test: cannot ask DNS server 127\.0\.0\.2: Connection refused", 4)

srv.stop()
shutil.rmtree(ETC, ignore_errors=True)  # the mounts go with the namespace
T.done()
