#!/usr/bin/python3
"""t-server-budget - host-only: chat-server's global memory budget (-m) and
plain users' keepalive (-T) through a private veth LAN. Heavy (a thousand
rooms, 50,000 history lines; network namespaces), so it runs once, on the
first board. Contract items 10 and 12."""
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from chatbox_test import T, Server, case, EMU, SANITIZED  # noqa: E402
from hostile import sync, psync, irc_raw, plain_raw  # noqa: E402
from netns import Lan, socket_in  # noqa: E402

OUT_OF_MEMORY = rb" 405 (\S+) (#\S+) :Server is out of room memory \(-m\)"


def short(lines, n=3):
    return [l[:200] for l in lines[-n:]]


def has(lines, pattern):
    return any(re.search(pattern, l) for l in lines)


def vm_rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return None


def start(*args):
    """Server(ARGS) started (the caller stops it), or None after a FAIL
    saying it would not start."""
    try:
        s = Server(*args).__enter__()
    except RuntimeError as e:
        T.check("chat-server starts with %s" % " ".join(args), False, str(e)[-300:])
        return None
    T.check("chat-server starts with %s" % " ".join(args), True)
    return s


def lobby_still_works(port, what):
    a = irc_raw(port, "fresh1", source="127.0.0.2")
    a.send("JOIN #lobby")
    got = sync(a)
    T.check("%s: a fresh client can still join #lobby" % what, has(got, rb" 366 fresh1 #lobby "), short(got))
    b = irc_raw(port, "fresh2", source="127.0.0.2", join=("#lobby",))
    a.send("PRIVMSG #lobby :still talking")
    sync(a)
    got = sync(b)
    T.check("%s: ... and talk there" % what, has(got, rb"^:fresh1!\S+ PRIVMSG #lobby :still talking$"),
            short(got))
    a.close()
    b.close()


# --- 12 ------------------------------------------------------------------------

@case("-m 512: a new room and a topic are refused once the budget is reached")
def _():
    s = start("-m", "512", "-R", "0")
    if not s:
        return
    try:
        spare = irc_raw(s.port, "spare", join=("#spare",))  # a room without a topic, for later
        refused, rooms, users = None, 0, []
        # Topics only (no history, which a budget may evict instead): ~3,000
        # rooms of >= 300 bytes need more than 512 KiB. -C 50: 45 clients per
        # loopback address; 127.0.0.2 is kept for lobby_still_works().
        for k in range(150):
            c = irc_raw(s.port, "m%d" % k, source="127.0.0.%d" % (1 + (k // 45) + (k >= 45)))
            users.append(c)
            c.send("".join("JOIN #m%d_%d\r\nTOPIC #m%d_%d :%s\r\n" % (k, j, k, j, "t" * 300)
                           for j in range(20)), end="")
            got = sync(c, timeout=10)
            rooms += sum(1 for l in got if re.search(rb" 366 m%d " % k, l))
            refused = next((l for l in got if re.search(OUT_OF_MEMORY, l)), None)
            if refused:
                break
        T.check("a new room is refused: 405 <nick> <room> :Server is out of room memory (-m)",
                refused, "%d rooms made, none refused" % rooms)
        T.check("... after some rooms were made (%d)" % rooms, rooms > 0)
        spare.send("TOPIC #spare :" + "s" * 300)
        got = sync(spare)
        T.check("a topic past the budget is refused with a NOTICE",
                has(got, rb"^:\S+ NOTICE spare :"), short(got))
        T.check("... and not set", not has(got, rb" TOPIC #spare :s"), short(got))
        lobby_still_works(s.port, "-m 512 after the refusals")
        for c in users + [spare]:
            c.close()
    finally:
        s.stop()


@case("-m 512: history drops its oldest lines first")
def _():
    s = start("-m", "512", "-R", "0", "-H", "1000", "-Q", "2048")
    if not s:
        return
    try:
        n, body = 1000, "h" * 480  # two rooms: ~960 KB of text alone, over the budget
        w = irc_raw(s.port, "writer", join=("#h1", "#h2"))
        for room in ("#h1", "#h2"):
            for k in range(0, n, 100):
                w.send("".join("PRIVMSG %s :%d %s\r\n" % (room, j, body) for j in range(k, k + 100)),
                       end="")
                sync(w, timeout=10)
        r = irc_raw(s.port, "reader", caps=("server-time",))
        kept = {}
        for room in ("#h1", "#h2"):
            r.send("JOIN " + room)
            got = sync(r, timeout=10)
            kept[room] = [int(m.group(1)) for m in
                          (re.search(rb" PRIVMSG " + room.encode() + rb" :(\d+) h", l) for l in got) if m]
        k1, k2 = kept["#h1"], kept["#h2"]
        T.check("the newest line is kept", k2 and k2[-1] == n - 1, k2[-3:])
        T.check("what each room keeps is its newest run, in order",
                all(k == list(range(n - len(k), n)) for k in (k1, k2)), (k1[:2], k2[:2]))
        T.check("the budget, not -H 1000, dropped the oldest (%d + %d of %d kept)" % (len(k1), len(k2), 2 * n),
                0 < len(k1) + len(k2) < 2 * n)
        w.close()
        r.close()
    finally:
        s.stop()


@case("defaults: 1,000 rooms with topics and 50 history lines each stay within 16 MiB")
def _():
    if EMU:
        T.skip("RSS budget", "emulated board: the qemu process's RSS is not the server's")
        return
    if SANITIZED:
        T.skip("RSS budget", "a sanitizer build: its RSS is ASan's shadow memory")
        return
    with Server("-R", "0") as s:
        base = vm_rss_kib(s.proc.pid)
        body = "b" * 400
        users = []
        for k in range(50):  # -C 50: all from one address
            c = irc_raw(s.port, "u%d" % k)
            users.append(c)
            for j0 in range(0, 20, 5):
                c.send("".join("JOIN #b%d_%d\r\nTOPIC #b%d_%d :%s\r\n" % (k, j, k, j, "t" * 300) +
                               "".join("PRIVMSG #b%d_%d :%d %s\r\n" % (k, j, h, body) for h in range(50))
                               for j in range(j0, j0 + 5)), end="")
                sync(c, timeout=20)
        rooms = sum(1 for c in users for l in c.lines if re.search(rb" 366 u\d+ #b", l))
        grown = vm_rss_kib(s.proc.pid) - base
        T.check("RSS grew by less than 16 MiB (%d KiB for %d rooms)" % (grown, rooms),
                grown < 16 * 1024, grown)
        T.check("the server is alive", s.proc.poll() is None)
        lobby_still_works(s.port, "after the load")
        for c in users:
            c.close()


# --- 10 ------------------------------------------------------------------------

@case("-T: a vanished plain (nc) peer loses its nick")
def _():
    why = Lan.unavailable()
    if why:
        T.skip("plain keepalive through a veth LAN", why)
        return
    with Lan(2) as lan:
        srv = socket_in(lan.ns[0], lambda: Server("-T", "3", "-R", "0").__enter__())
        try:
            obs = socket_in(lan.ns[0], lambda: irc_raw(srv.port, "kobs"))
            victim = socket_in(lan.ns[1], lambda: plain_raw(srv.port, "victim", host=lan.addr(0)))
            psync(victim)
            # A control: an IRC user there, whom the server PINGs (-T).
            control = socket_in(lan.ns[1], lambda: irc_raw(srv.port, "ivictim", host=lan.addr(0)))
            sync(control)

            def online(nick):
                obs.send("ISON " + nick)
                return has(obs.until(rb" 303 kobs "), rb" 303 kobs :%s$" % nick.encode())
            T.check("the plain user from the other namespace is online", online("victim"))
            T.check("the IRC user from there too", online("ivictim"))
            # Its packets now go nowhere: no FIN, no RST, nothing.
            lan.exec_(lan.ns[1], ["ip", "link", "set", "eth0", "down"])
            t0, gone, took = time.monotonic(), {}, {}
            while time.monotonic() - t0 < 20 and len(gone) < 2:
                time.sleep(0.5)
                for nick in ("victim", "ivictim"):
                    if nick not in gone and not online(nick):
                        gone[nick], took[nick] = True, time.monotonic() - t0
            T.check("control: the vanished IRC user is dropped by -T 3 (%.1f s)" % took.get("ivictim", -1),
                    "ivictim" in gone)
            T.check("with -T 3 the plain user's nick is freed within 20 s (%.1f s)" % took.get("victim", -1),
                    "victim" in gone, took)
            gone = "victim" in gone
            if gone:
                again = socket_in(lan.ns[0], lambda: plain_raw(srv.port, "victim"))
                T.check("... and can be taken again", has(again.lines, rb"^-- Hello victim!"))
                again.close()
            for c in (victim, control, obs):
                c.close()
        finally:
            srv.stop()


T.done()
