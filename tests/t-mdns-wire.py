#!/usr/bin/python3
"""t-mdns-wire.py - the responder's packets, as RFC 6762/6763 want them,
seen from a raw socket on a private LAN: 3 probes 250 ms apart with the
records in Authority, 2 announcements 1 s apart, TTLs and cache-flush bits,
legacy unicast answers, _services enumeration, known-answer suppression,
one multicast per record per second, hostile packets, goodbyes. Packets are
decoded with python3-zeroconf's parser (an independent implementation)."""
import os
import random
import signal
import socket
import struct
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from chatbox_test import SLOW, T, case, wait_for  # noqa: E402
from discovery_test import announcer  # noqa: E402
from netns import Lan, socket_in  # noqa: E402

why = Lan.unavailable()
if why:
    T.skip("mDNS packets on a private LAN", why)
    T.done()
try:
    from zeroconf import DNSIncoming, DNSOutgoing, DNSPointer, DNSQuestion, const
except ImportError:
    T.skip("mDNS packets on a private LAN", "python3-zeroconf is not installed")
    T.done()

GROUP = "224.0.0.251"
TYPE = "_irc._tcp.local."
TAG = str(os.getpid())
NAME = "wire test " + TAG
INST = NAME + "." + TYPE


def mdns_socket(lan, i, port):
    """A UDP socket in namespace I on PORT; with 5353 it joins the group."""
    def make():
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        s.bind(("0.0.0.0", port))
        if port == 5353:
            idx = socket.if_nametoindex("eth0")
            mreq = struct.pack("4s4si", socket.inet_aton(GROUP), socket.inet_aton("0.0.0.0"), idx)
            s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq)
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(lan.addr(i)))
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 255)
        return s
    return socket_in(lan.ns[i], make)


class Sniffer:
    """Every packet on a socket: (time, source address, DNSIncoming)."""

    def __init__(self, sock):
        self.sock, self.packets = sock, []
        self.sock.settimeout(0.2)
        self.running = True
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self):
        while self.running:
            try:
                data, src = self.sock.recvfrom(9000)
            except socket.timeout:
                continue
            except OSError:
                return
            self.packets.append((time.monotonic(), src, DNSIncoming(data), data))

    def since(self, t0, src=None):
        return [p for p in self.packets if p[0] >= t0 and (src is None or p[1][0] == src)]


def query(qid, questions, known=(), flags=0):
    out = DNSOutgoing(flags, multicast=False)
    out.id = qid
    for name, qtype in questions:
        out.add_question(DNSQuestion(name, qtype, const._CLASS_IN))
    for rec in known:
        out.add_answer_at_time(rec, 0)
    return out.packets()[0]


def records(pkt, rtype=None):
    return [r for r in pkt.answers if rtype is None or r.type == rtype]


def legacy(lan, sock, data, timeout=1.5, wait_all=False):
    """Send DATA from an ephemeral port; the unicast replies within TIMEOUT
    (after the one echoing DATA's ID unless WAIT_ALL)."""
    sock.sendto(data, (GROUP, 5353))
    qid = struct.unpack(">H", data[:2])[0] if len(data) >= 2 else None
    end = time.monotonic() + timeout * SLOW
    got = []
    while time.monotonic() < end:
        sock.settimeout(max(0.01, end - time.monotonic()))
        try:
            data, src = sock.recvfrom(9000)
        except socket.timeout:
            break
        got.append(DNSIncoming(data))
        if not wait_all and got[-1].id == qid:
            break
    return got


with Lan(2) as lan:
    cap = Sniffer(mdns_socket(lan, 1, 5353))
    src = lan.addr(0)
    t0 = time.monotonic()
    a = lan.popen(0, announcer(NAME, 6667), text=True)
    try:
        wait_for(lambda: sum(1 for p in cap.since(t0, src) if p[2].is_response()) >= 2, 6,
                 what="two announcements")
    except TimeoutError:
        pass  # the cases below say what is missing
    pk = cap.since(t0, src)
    probes = [p for p in pk if p[2].is_query() and p[2].num_authorities > 0]
    announces = [p for p in pk if p[2].is_response()]

    @case("3 probes 250 ms apart, for our names, proposed records in Authority")
    def _():
        gaps = [b[0] - a_[0] for a_, b in zip(probes, probes[1:])]
        q = probes[0][2].questions if probes else []
        srv = [r for r in records(probes[0][2], const._TYPE_SRV)] if probes else []
        T.check("3 probes 250 ms apart, for our names, proposed records in Authority",
                len(probes) == 3 and all(0.2 <= g <= 0.25 + 0.2 * SLOW for g in gaps) and
                any(x.name == INST and x.type == const._TYPE_ANY for x in q) and
                any(x.name.endswith("-chat.local.") for x in q) and
                srv and srv[0].port == 6667, (len(probes), gaps, q))
        T.check("the first probe asks for unicast replies (QU), the others do not",
                len(probes) == 3 and all(x.unicast for x in probes[0][2].questions) and
                not any(x.unicast for x in probes[1][2].questions), None)

    @case("announced twice, 1 s apart, after the probes")
    def _():
        T.check("announced twice, 1 s apart, after the probes",
                len(announces) >= 2 and probes and announces[0][0] - probes[-1][0] >= 0.2 and
                announces[1][0] - announces[0][0] >= 0.95, [p[0] for p in pk])

    @case("TTLs: 4500 s for PTR and TXT, 120 s for SRV and A; cache-flush on unique ones only")
    def _():
        ann = announces[0][2]
        ptr = [r for r in records(ann, const._TYPE_PTR) if r.name == TYPE]
        svc = [r for r in records(ann, const._TYPE_PTR) if r.name == "_services._dns-sd._udp.local."]
        srv = records(ann, const._TYPE_SRV)
        txt = records(ann, const._TYPE_TXT)
        a4 = records(ann, const._TYPE_A)
        ok = (ptr and ptr[0].alias == INST and ptr[0].ttl == 4500 and not ptr[0].unique and
              svc and svc[0].alias == TYPE and svc[0].ttl == 4500 and not svc[0].unique and
              srv and srv[0].ttl == 120 and srv[0].unique and srv[0].port == 6667 and
              srv[0].server.endswith("-chat.local.") and
              txt and txt[0].ttl == 4500 and txt[0].unique and txt[0].text.startswith(b"\x09txtvers=1") and
              a4 and a4[0].ttl == 120 and a4[0].unique and socket.inet_ntoa(a4[0].address) == src)
        T.check("TTLs: 4500 s for PTR and TXT, 120 s for SRV and A; cache-flush on unique ones only",
                ok, [str(r) for r in ann.answers])

    uq = mdns_socket(lan, 1, 0)

    def rate_limit_over():
        """Wait until the responder may multicast every record again: 1 s
        (RFC 6762 6) after the last multicast answer from it seen here."""
        def over():
            last = max((p[0] for p in cap.since(0, src) if p[2].is_response()), default=0)
            return time.monotonic() - last >= 1.05
        wait_for(over, 5, what="1 s without a multicast answer")

    def ptr_answers(since):
        """When the multicast answers with our PTR came, since SINCE."""
        return [p[0] for p in cap.since(since, src) if p[2].is_response() and
                any(x.name == TYPE for x in records(p[2], const._TYPE_PTR))]

    @case("legacy unicast: a unicast reply echoing ID and question, TTL <= 10, no cache-flush")
    def _():
        got = legacy(lan, uq, query(0x4242, [(TYPE, const._TYPE_PTR)]))
        r = got[0] if got else None
        T.check("legacy unicast: a unicast reply echoing ID and question, TTL <= 10, no cache-flush",
                len(got) == 1 and r.id == 0x4242 and [q.name for q in r.questions] == [TYPE] and
                all(x.ttl <= 10 and not x.unique for x in r.answers) and
                any(x.type == const._TYPE_PTR and x.alias == INST for x in r.answers) and
                any(x.type == const._TYPE_SRV for x in r.answers), r and [str(x) for x in r.answers])
        T.check("a PTR answer carries SRV, TXT and A as additional records",
                r is not None and r.num_answers == 1 and r.num_additionals >= 3, r and r.num_additionals)

    @case("no unicast reply to a source off the link")
    def _():
        # ns1 gets an address of another subnet, ns0 a route there: only
        # the responder's on-link check can keep it from answering.
        far = "10.%d.99.2" % (100 + lan.subnet % 100)
        lan.exec_(lan.ns[1], ["ip", "addr", "add", far + "/24", "dev", "eth0"])
        lan.exec_(lan.ns[0], ["ip", "route", "add", "default", "dev", "eth0"])

        def make():
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.bind((far, 0))
            s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(far))
            return s
        offlink = socket_in(lan.ns[1], make)
        got = legacy(lan, offlink, query(0x99, [(TYPE, const._TYPE_PTR)]), timeout=1.0)
        onlink = legacy(lan, uq, query(0x98, [(TYPE, const._TYPE_PTR)]))
        T.check("no unicast reply to a source off the link",
                got == [] and len(onlink) == 1, (len(got), len(onlink)))
        offlink.close()

    @case("_services._dns-sd._udp.local enumerates _irc._tcp")
    def _():
        got = legacy(lan, uq, query(7, [("_services._dns-sd._udp.local.", const._TYPE_PTR)]))
        T.check("_services._dns-sd._udp.local enumerates _irc._tcp",
                len(got) == 1 and any(x.alias == TYPE for x in records(got[0], const._TYPE_PTR)),
                got and [str(x) for x in got[0].answers])

    @case("known-answer suppression: no answer the querier already has")
    def _():
        fresh = DNSPointer(TYPE, const._TYPE_PTR, const._CLASS_IN, 4500, INST)
        stale = DNSPointer(TYPE, const._TYPE_PTR, const._CLASS_IN, 1000, INST)
        none = legacy(lan, uq, query(8, [(TYPE, const._TYPE_PTR)], [fresh]), timeout=1.0, wait_all=True)
        some = legacy(lan, uq, query(9, [(TYPE, const._TYPE_PTR)], [stale]))
        T.check("known-answer suppression: no answer the querier already has",
                none == [] and len(some) == 1, (len(none), len(some)))

    @case("one multicast of a record per second: a second query is answered 1 s later")
    def _():
        rate_limit_over()
        t1 = time.monotonic()
        q = query(0, [(TYPE, const._TYPE_PTR)])
        cap.sock.sendto(q, (GROUP, 5353))
        T.check("a multicast query is answered by multicast",
                lambda: wait_for(lambda: ptr_answers(t1), 2, what="the answer"))
        answers = ptr_answers(t1)
        T.check("... within 20-120 ms (+ slack)",
                0.015 <= answers[0] - t1 <= 0.12 + 0.3 * SLOW, [x - t1 for x in answers])
        cap.sock.sendto(q, (GROUP, 5353))  # within the second after that answer
        T.check("a second query is answered too",
                lambda: wait_for(lambda: len(ptr_answers(t1)) >= 2, 3, what="the second answer"))
        answers = ptr_answers(t1)
        T.check("one multicast of a record per second: a second query is answered 1 s later",
                all(b - a_ >= 0.95 for a_, b in zip(answers, answers[1:])), [x - t1 for x in answers])

    @case("a truncated query waits 400-500 ms; the known answers that follow suppress")
    def _():
        rate_limit_over()
        t1 = time.monotonic()
        cap.sock.sendto(query(0, [(TYPE, const._TYPE_PTR)], flags=0x0200), (GROUP, 5353))
        T.check("a truncated query is answered",
                lambda: wait_for(lambda: ptr_answers(t1), 2, what="the answer"))
        late = ptr_answers(t1)
        T.check("a truncated query waits 400-500 ms", late[0] - t1 >= 0.38, [x - t1 for x in late])
        rate_limit_over()
        t2 = time.monotonic()
        fresh = DNSPointer(TYPE, const._TYPE_PTR, const._CLASS_IN, 4500, INST)
        cap.sock.sendto(query(0, [(TYPE, const._TYPE_PTR)], flags=0x0200), (GROUP, 5353))
        # The barrier: a truncated query for _services, which nobody knows.
        # Its answer waits on the same reply timer as the PTR's, and carries
        # every record due then: the PTR too, unless suppressed.
        svcs = "_services._dns-sd._udp.local."
        cap.sock.sendto(query(0, [(svcs, const._TYPE_PTR)], flags=0x0200), (GROUP, 5353))
        cap.sock.sendto(query(0, [], [fresh]), (GROUP, 5353))

        def barrier():
            return [p for p in cap.since(t2, src) if p[2].is_response() and
                    any(x.name == svcs for x in records(p[2], const._TYPE_PTR))]
        T.check("a truncated query for what is not known is answered (the barrier)",
                lambda: wait_for(barrier, 2, what="the _services answer"))
        T.check("the known answers that follow a truncated query suppress",
                ptr_answers(t2) == [], ([x - t2 for x in ptr_answers(t2)], [str(x) for x in barrier()[0][2].answers]))

    @case("hostile packets are ignored; the responder keeps answering")
    def _():
        rnd = random.Random(5)
        good = query(0x77, [(TYPE, const._TYPE_PTR)])
        bad = [b"", b"\x00" * 11, b"\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\xc0\x0c\x00\x0c\x00\x01",
               b"\x00\x00\x00\x00\xff\xff\xff\xff\xff\xff\xff\xff" + b"\x3f" * 300,
               b"\x00\x00\x28\x00\x00\x01\x00\x00\x00\x00\x00\x00" + good[12:]]  # opcode 5
        for _i in range(300):
            m = bytearray(good)
            for _k in range(rnd.randint(1, 6)):
                m[rnd.randrange(len(m))] = rnd.randrange(256)
            bad.append(bytes(m[:rnd.randint(0, len(m))]) if rnd.random() < 0.3 else bytes(m))
        for b in bad:
            uq.sendto(b, (GROUP, 5353))
        # drain whatever the mutated-but-valid queries got back
        legacy(lan, uq, b"\xff\xff" + b"\x00" * 10, timeout=0.5, wait_all=True)
        got = legacy(lan, uq, good)
        T.check("hostile packets are ignored; the responder keeps answering",
                a.poll() is None and any(r.id == 0x77 for r in got), [r.id for r in got])

    @case("a new address is announced (netlink), with no query")
    def _():
        new = "10.77.%d.50" % lan.subnet

        def a_records_after(verb, ttl_zero):
            t = time.monotonic()
            lan.exec_(lan.ns[0], ["ip", "addr", verb, new + "/24", "dev", "eth0"])

            def got():
                return [x for p in cap.since(t) if p[2].is_response()
                        for x in records(p[2], const._TYPE_A)
                        if socket.inet_ntoa(x.address) == new and (x.ttl == 0) == ttl_zero]
            try:
                return wait_for(got, 4, interval=0.05, what="an A record for " + new)
            except TimeoutError:
                return []
        T.check("a new address is announced (netlink), with no query",
                a_records_after("add", False), None)
        T.check("a removed address gets a goodbye (TTL 0)", a_records_after("del", True), None)

    @case("goodbye: TTL 0 for every record on SIGTERM")
    def _():
        t2 = time.monotonic()
        a.send_signal(signal.SIGTERM)
        a.wait(10 * SLOW)
        # (re-announcements of the address change may still be in flight)

        def goodbyes():
            bye = [p[2] for p in cap.since(t2, src)
                   if p[2].is_response() and any(x.ttl == 0 for x in p[2].answers)]
            recs = [x for p in bye for x in p.answers]
            kinds = {x.type for x in recs if x.ttl == 0}
            done = {const._TYPE_PTR, const._TYPE_SRV, const._TYPE_TXT, const._TYPE_A} <= kinds
            return done and recs
        try:  # sent before it exited; the sniffer may still be reading them
            recs = wait_for(goodbyes, 2, what="goodbyes for PTR, SRV, TXT and A")
        except TimeoutError:
            recs = [x for p in cap.since(t2, src) if p[2].is_response() for x in p[2].answers]
        T.check("goodbye: TTL 0 for every record on SIGTERM",
                a.returncode == 0 and recs and all(x.ttl == 0 for x in recs) and
                {const._TYPE_PTR, const._TYPE_SRV, const._TYPE_TXT, const._TYPE_A} <= {x.type for x in recs},
                [str(x) for x in recs])
    cap.running = False

T.done()
