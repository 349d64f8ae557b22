#!/usr/bin/python3
# t-abuse.py - chat-server under abuse, end to end on loopback: slowloris,
# a flooder, a 100 KB line, NUL bytes and bad UTF-8, a slow consumer, fd
# exhaustion, clients killed with -9 mid-line, SIGTERM under load. host-only
# Each case checks that the other users still got every message. Bounded:
# at most ~1100 sockets, each case well under 20 s.
import os
import resource
import selectors
import signal
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import chatbox_test  # noqa: E402
from chatbox_test import T, Server, Line, BIN, EMU, case, wait_for  # noqa: E402

soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(4096, hard), hard))

usage = subprocess.run(EMU + [BIN, "chat-server", "--help"], capture_output=True, text=True).stdout
if "-R " not in usage:
    T.skip("abuse", "chat-server is not built yet")
    T.done()


def irc(port, nick, room="#r", host="127.0.0.1", bind=None):
    """A registered IRC user in ROOM."""
    c = Line(port, host=host, source=bind)
    c.send("NICK " + nick)
    c.send("USER %s 0 * :%s" % (nick, nick))
    c.expect(r" 001 %s " % nick, 10)
    for r in room.split(",") if room else []:
        c.send("JOIN " + r)
        c.expect(r" 366 %s %s " % (nick, r), 10)
    return c


def got_all(c, texts, timeout=10.0):
    """Wait until C received a PRIVMSG with each of TEXTS; the missing ones."""
    want = set(texts)

    def done():
        for line in c.pending[:] + c.lines:
            if " PRIVMSG " in line:
                want.discard(line.split(" :", 1)[-1] if " :" in line else line)
        if not want:
            return True
        c._read_more(time.monotonic() + 0.05)
        return False
    try:
        wait_for(done, timeout, interval=0, what="%d messages" % len(want))
    except (TimeoutError, EOFError):
        pass
    return sorted(want)[:5]


def chat(a, b, n, tag, room="#r"):
    """A sends N messages to ROOM; B must get every one: a FAIL detail or ""."""
    texts = ["%s %d" % (tag, i) for i in range(n)]
    for t in texts:
        a.send("PRIVMSG %s :%s" % (room, t))
    missing = got_all(b, texts)
    return "missing %s" % missing if missing else ""


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_spent(pid, window, limit):
    """CPU seconds PID uses in WINDOW s of wall time, or as soon as it has
    used more than LIMIT: a spin check needs a window, not an event. (A
    spinning server gets over 0.4 s a second even on 2 busy CPUs.)"""
    c0, end = cpu_seconds(pid), time.monotonic() + window
    wait_for(lambda: cpu_seconds(pid) - c0 > limit or time.monotonic() >= end,
             timeout=window + 1, interval=0.05, what="the CPU window")
    return cpu_seconds(pid) - c0


@case("1000 slowloris connections while users chat")
def slowloris():
    with Server("-c", "1100", "-C", "60", "-R", "0", "-M") as srv:
        ana, bo = irc(srv.port, "ana"), irc(srv.port, "bo")
        loris = []

        def accepted(n):  # LUSERS 253: connections not registered (yet)
            ana.send("LUSERS")
            return int(ana.expect(r" 253 ana (\d+) ", 10).group(1)) >= n

        def connect_all():
            # 20 source addresses x 50: the per-address limit holds. In
            # batches of 100, each accepted before the next: a burst past
            # the listen backlog (128) waits on SYN retries of 1 s, 3 s...
            for i in range(1000):
                s = socket.socket()
                s.bind(("127.0.%d.%d" % (1 + i // 250, 2 + (i % 250) // 50), 0))
                s.setblocking(False)
                s.connect_ex(("127.0.0.1", srv.port))
                loris.append(s)
                if len(loris) % 100 == 0:
                    wait_for(lambda: accepted(len(loris)), 20, interval=0.05,
                             what="%d connections accepted" % len(loris))
            return True
        T.check("slowloris: the server holds all 1000 half-open sessions", connect_all)
        for s in loris:
            try:
                s.send(b"NICK slow")  # never finished
            except OSError:
                pass
        err = chat(ana, bo, 50, "through the loris")
        T.check("slowloris: the chat gets through, every message", not err, err)
        carl = T.check("slowloris: a newcomer still registers and joins", lambda: irc(srv.port, "carl"))
        err = chat(carl, ana, 5, "from the newcomer")
        T.check("slowloris: the newcomer is heard", not err, err)
        for s in loris:
            s.close()
        err = chat(bo, ana, 10, "after the loris")
        T.check("slowloris: chat goes on once they leave", not err, err)


@case("a flooding client is throttled while others flow")
def flood():
    with Server("-R", "20", "-M") as srv:
        ana, bo, fl = irc(srv.port, "ana"), irc(srv.port, "bo"), irc(srv.port, "flood")
        t0 = time.monotonic()
        fl.send(b"".join(b"PRIVMSG #r :flood %d\r\n" % i for i in range(2000)))
        err = chat(ana, bo, 10, "calm")
        T.check("flood: the others' messages all arrive", not err, err)
        T.check("flood: promptly (%.1f s)" % (time.monotonic() - t0),
                time.monotonic() - t0 < 5)
        # -R 20: a burst of at most 20 lines, then 2 a second. Line k (from
        # 0) cannot pass before (k + 1 - 20) / 2 s: wait for line 23.
        m = T.check("flood: the flooder's lines still flow", lambda: bo.expect(r"PRIVMSG #r :flood 23$", 15))
        took = time.monotonic() - t0
        T.check("flood: ... at its rate: line 23 after %.1f s >= 2 s" % took, took >= 1.9, m.group(0))
        bo.barrier()  # all the server relayed so far has reached bo
        took = time.monotonic() - t0
        n = sum(1 for l in bo.lines if "PRIVMSG #r :flood" in l)
        T.check("flood: the flooder is held to its rate (%d of 2000 in %.1f s, <= 20 + 2/s + 5)" % (n, took),
                n <= 20 + 2 * took + 5)


@case("a 100 KB line")
def longline():
    with Server("-R", "0", "-M") as srv:
        ana, bo = irc(srv.port, "ana"), irc(srv.port, "bo")
        ana.send(b"PRIVMSG #r :" + b"y" * 100000 + b"\r\n")
        err = chat(ana, bo, 5, "after the long line")
        T.check("100 KB line: the sender stays connected and is heard after it", not err, err)
        T.check("100 KB line: the sender gets 417", lambda: ana.expect(r" 417 ana "))
        T.check("100 KB line: nobody gets a line over 512 bytes",
                all(len(l.encode()) <= 512 for l in bo.lines))
        plain = Line(srv.port)
        plain.send("pl")
        plain.expect("Hello pl", 10)
        bo.send("JOIN #lobby")
        bo.expect(r" 366 bo #lobby ", 10)
        plain.send(b"z" * 100000 + b"\r\nafter plain\r\n")
        missing = got_all(bo, ["after plain"])
        T.check("100 KB line from a plain user: what follows arrives", not missing, missing)
        T.check("100 KB plain line: nobody gets a line over 512 bytes",
                all(len(l.encode()) <= 512 for l in bo.lines))


@case("NUL bytes and invalid UTF-8")
def badbytes():
    with Server("-R", "0", "-M") as srv:
        ana, bo = irc(srv.port, "ana"), irc(srv.port, "bo", room="#r,#lobby")
        raw = [b"PRIVMSG #r :nul\x00here\r\n", b"PRIVMSG #r :\xff\xfe\xc3(\xed\xa0\x80\r\n",
               b"\x00\x00\x00\r\n", b"PRIV\x00MSG #r :x\r\n", b"\xc0\xaf\r\n"]
        for r in raw:
            ana.send(r)
        pl = Line(srv.port)
        pl.send(b"p\xc0l\r\n")  # not a valid nick
        pl.send(b"pl\r\n")
        pl.expect("Hello pl", 10)
        pl.send(b"bad \xff\xfe and \x00 nul\r\nplain fine\r\n")
        err = chat(ana, bo, 5, "after the bytes")
        missing = got_all(bo, ["plain fine"])
        T.check("bad bytes: later messages all arrive", not err and not missing, err or missing)
        T.check("bad bytes: no NUL reaches another user", all("\x00" not in l for l in bo.lines))
        T.check("bad bytes: every line bo got is one well-formed IRC line",
                all(l.startswith((":", "@", "PING", "ERROR")) for l in bo.lines),
                [l for l in bo.lines if not l.startswith((":", "@", "PING"))][:3])


@case("a slow consumer is dropped at its send-queue cap")
def slow_consumer():
    with Server("-R", "0", "-Q", "64", "-M") as srv:
        ana, bo = irc(srv.port, "ana"), irc(srv.port, "bo")
        slow = socket.socket()
        slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        slow.connect(("127.0.0.1", srv.port))
        slow.sendall(b"NICK slow\r\nUSER slow 0 * :s\r\nJOIN #r\r\n")
        bo.expect(r":slow!\S+ JOIN #r", 10)
        # ~6 MB: more than the kernel buffers (4 MB on loopback) plus -Q.
        texts = ["bulk %d %s" % (i, "b" * 400) for i in range(15000)]
        # Sent in slices while bo keeps reading, at most 100 lines (40 KB)
        # behind: bo is a fast reader, whatever the machine's load.
        seen = 0
        for k in range(0, len(texts), 50):
            ana.send("".join("PRIVMSG #r :%s\r\n" % t for t in texts[k:k + 50]), end="")
            deadline = time.monotonic() + 10
            while seen < k + 50 - 100 and time.monotonic() < deadline:
                before = len(bo.lines)
                bo._read_more(time.monotonic() + 0.1)
                seen += sum(1 for l in bo.lines[before:] if "PRIVMSG #r :bulk " in l)
        missing = got_all(bo, texts, 20)
        T.check("slow consumer: bo still gets all 15000 messages", not missing, missing)
        T.check("slow consumer: the room sees it leave with SendQ exceeded",
                any(":slow!" in l and "QUIT" in l and "SendQ" in l for l in bo.lines),
                [l for l in bo.lines if "slow" in l][-3:])
        data, closed = b"", False
        slow.settimeout(5)
        try:
            while True:
                chunk = slow.recv(65536)
                if not chunk:
                    closed = True
                    break
                data += chunk
        except ConnectionResetError:
            closed = True
        except OSError:
            pass
        T.check("slow consumer: its connection is closed", closed)
        T.check("slow consumer: its last line is ERROR :...SendQ exceeded",
                b"ERROR" in data[-200:] and b"SendQ" in data[-200:], data[-200:])


def try_irc(port, nick):
    try:
        return irc(port, nick)
    except (OSError, EOFError, TimeoutError):
        return None


@case("fd exhaustion is survived, with recovery")
def fd_exhaustion():
    # The server may raise its soft limit to the hard one: cap both.
    chatbox_test.EMU = ["prlimit", "--nofile=40:40"] + EMU
    with Server("-R", "0", "-M") as srv:
        chatbox_test.EMU = EMU
        port = srv.port
        ana, bo = irc(port, "ana"), irc(port, "bo")
        hogs = []
        for i in range(80):
            s = socket.socket()
            s.setblocking(False)
            s.connect_ex(("127.0.0.1", port))
            hogs.append(s)
        T.check("fd exhaustion: the server did run out of fds",
                lambda: wait_for(lambda: "accept: " in srv.output(), 10, what="accept: in its log"))
        err = chat(ana, bo, 20, "while out of fds")
        T.check("fd exhaustion: the users keep chatting", not err, err)
        cpu = cpu_spent(srv.proc.pid, 2.0, 0.4)
        T.check("fd exhaustion: the server does not spin (%.2f s CPU in 2 s)" % cpu, cpu < 0.4)
        for s in hogs:
            s.close()
        carl = wait_for(lambda: try_irc(port, "carl"), 15, interval=0.5, what="carl to register")
        err = chat(carl, ana, 5, "after recovery")
        T.check("fd exhaustion: a newcomer registers and talks once fds free up", not err, err)
    chatbox_test.EMU = EMU


CHILD = r"""
import socket, sys, time
port, n = int(sys.argv[1]), int(sys.argv[2])
socks = []
for i in range(n):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"NICK k%d\r\nUSER k 0 * :k\r\nJOIN #r\r\n" % i)
    socks.append(s)
for s in socks:  # registered and in #r: the end of its NAMES
    s.settimeout(20)
    buf = b""
    while b" 366 " not in buf:
        d = s.recv(4096)
        if not d:
            sys.exit("closed")
        buf += d
for s in socks:
    s.sendall(b"PRIVMSG #r :half a li")
print("ready", flush=True)
time.sleep(60)
"""


@case("clients killed with -9 mid-line")
def killed():
    with Server("-R", "0", "-M") as srv:
        ana, bo = irc(srv.port, "ana"), irc(srv.port, "bo")
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(srv.port), "20"],
                                 stdout=subprocess.PIPE, text=True)
        ready = child.stdout.readline().strip() == "ready"
        T.check("kill -9: the victims connected", ready)
        child.send_signal(signal.SIGKILL)
        child.wait()
        err = chat(ana, bo, 20, "after the kills")
        T.check("kill -9: the others get every message", not err, err)

        def quits():
            bo._read_more(time.monotonic() + 0.1)
            return sum(1 for l in bo.lines if " QUIT " in l) >= 20
        T.check("kill -9: the room sees the 20 victims quit", lambda: wait_for(quits, 10, what="20 QUITs"))
        T.check("kill -9: no half line is ever delivered",
                not any("half a li" in l for l in bo.lines))


def drain_all(socks, stop):
    """Read every socket into its bytearray until EOF (in a thread)."""
    sel = selectors.DefaultSelector()
    bufs = {}
    for k in socks:
        k.setblocking(False)
        bufs[k] = bytearray()
        sel.register(k, selectors.EVENT_READ)
    open_ = len(socks)

    def run():
        nonlocal open_
        deadline = None
        while open_:
            if stop.is_set() and deadline is None:
                deadline = time.monotonic() + 10
            if deadline and time.monotonic() > deadline:
                return
            for key, _ in sel.select(0.1):
                try:
                    chunk = key.fileobj.recv(1 << 16)
                except BlockingIOError:
                    continue
                except OSError:
                    chunk = b""
                if chunk:
                    bufs[key.fileobj] += chunk
                else:
                    sel.unregister(key.fileobj)
                    open_ -= 1
    th = threading.Thread(target=run, daemon=True)
    th.start()
    return th, bufs


@case("SIGTERM under load: every client gets a clean goodbye")
def sigterm():
    with Server("-R", "0", "-M", "-c", "200", "-C", "200") as srv:
        users = [irc(srv.port, "u%d" % i, room="#r,#lobby") for i in range(40)]
        plains = []
        for i in range(10):
            p = Line(srv.port)
            p.send("p%d" % i)
            p.expect("Hello p%d" % i, 10)
            plains.append(p)
        readers = users[2:] + plains
        stop = threading.Event()
        th, bufs = drain_all([c.sock for c in readers], stop)

        def blast():
            k = 0
            while not stop.is_set():
                try:
                    users[0].send("PRIVMSG #r :load %d %s" % (k, "l" * 200))
                    users[1].send("PRIVMSG #lobby :load %d" % k)
                except OSError:
                    return
                k += 1
                if k % 20 == 0:
                    time.sleep(0.01)
        bl = threading.Thread(target=blast, daemon=True)
        bl.start()
        first = bufs[readers[0].sock]  # in #r with the rest: ~38 readers get each line
        T.check("SIGTERM: load flows before the signal",
                lambda: wait_for(lambda: first.count(b"PRIVMSG #r :load") >= 100, 20,
                                 interval=0.05, what="100 load lines"))
        srv.proc.send_signal(signal.SIGTERM)
        rc = srv.proc.wait(15)
        stop.set()
        th.join(15)
        T.check("SIGTERM: the server exits 0", rc == 0, rc)
        bad = []
        loads = 0
        for i, c in enumerate(readers):
            data = bytes(bufs[c.sock])
            tail = data.rstrip(b"\r\n").rsplit(b"\n", 1)[-1]
            if not (tail.startswith(b"ERROR :") or b"shutting down" in tail):
                bad.append("%d: last line %r" % (i, tail[-80:]))
            # Every line complete: load lines carry their whole payload.
            for line in data.split(b"\r\n")[:-1]:
                if b"load" in line and b"#r" in line:
                    loads += 1
                    if not line.endswith(b"l" * 200):
                        bad.append("%d: torn line %r" % (i, line[-60:]))
                        break
        T.check("SIGTERM: load was flowing (%d load lines received)" % loads, loads > 1000)
        T.check("SIGTERM: all 48 readers get ERROR/notice as their last line, no torn line",
                not bad, bad[:5])

CMDS = ["PRIVMSG", "NOTICE", "JOIN", "PART", "MODE", "TOPIC", "KICK", "NICK", "USER", "WHO",
        "WHOIS", "NAMES", "LIST", "AWAY", "PING", "PONG", "CAP", "PASS", "QUIT", "MOTD",
        "LUSERS", "VERSION", "INVITE", "OPER", "KILL", "x", ""]
PLAIN = ["/nick", "/join", "/part", "/msg", "/me", "/who", "/rooms", "/topic", "/help", "/x", ""]


def soup_word(rng):
    pick = rng.randrange(10)
    if pick == 0:
        return "#" + "".join(rng.choice("abc,#:!@* ") for _ in range(rng.randrange(12)))
    if pick == 1:
        return ":" + "".join(rng.choice("ab :\x01\t") for _ in range(rng.randrange(40)))
    if pick == 2:
        return rng.choice(["+o", "-o", "+k", "+l", "+v", "+ntkl", "-k", "+b", "+i", "+x"])
    if pick == 3:
        return str(rng.choice([0, -1, 1, 65536, 2 ** 32, 2 ** 63, 10 ** 30]))
    if pick == 4:
        return "x" * rng.randrange(600)
    if pick == 5:
        return ",".join("#r%d" % rng.randrange(5) for _ in range(rng.randrange(1, 20)))
    return rng.choice(["ana", "bo", "s0", "s1", "#r", "#lobby", "*", "0", "", "LS", "REQ",
                       "END", ":server-time echo-message", "302"])


@case("random command soup: the server stays up and the others keep talking")
def soup():
    import random
    rng = random.Random(int(os.environ.get("SOUP_SEED", "7")))
    with Server("-R", "0", "-M") as srv:
        ana, bo = irc(srv.port, "ana"), irc(srv.port, "bo")
        cooks = [irc(srv.port, "s0", room="#r"), irc(srv.port, "s1", room="")]
        pl = Line(srv.port)
        pl.send("s2")
        pl.expect("Hello s2", 10)
        for _ in range(3000):
            c = rng.choice(cooks + [pl])
            words = [rng.choice(PLAIN if c is pl else CMDS)] + \
                [soup_word(rng) for _ in range(rng.randrange(6))]
            try:
                c.send(" ".join(words).replace("QUIT", "QUIET"))
            except OSError:
                pass  # kicked out or closed: fine
        err = chat(ana, bo, 20, "after the soup")
        T.check("soup: the others still get every message", not err, err)
        T.check("soup: the server is still running", srv.proc.poll() is None)


T.done()
