#!/usr/bin/python3
"""t-server-resources - chat-server's memory budget (-m) from the send
queues' side and for plain users: a queue the budget cannot hold drops the
slowest reader only, as a queue past -Q does; plain users read the room and
topic refusals as lines. And -T's keepalive spares quiet live plain users.
(t-server-budget covers rooms, topics, history, RSS and vanished peers.)"""
import os
import socket
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from chatbox_test import T, Server, case, drain, irc, plain  # noqa: E402


@case("-m 256: a queue past the budget drops the slowest reader only")
def _():
    # -Q 4096 alone would keep the stalled reader for 4 MiB; -m 256 may not.
    with Server("-R", "0", "-Q", "4096", "-m", "256", "-H", "50") as s:
        slow = socket.socket()
        slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        slow.connect(("127.0.0.1", s.port))
        slow.sendall(b"NICK slow\r\nUSER s 0 * :s\r\nJOIN #q\r\n")
        fast = [irc(s.port, "fast%d" % k, join=("#q",)) for k in range(4)]
        tx = irc(s.port, "talker", join=("#q",))
        fast[0].expect(r"talker!\S+ JOIN #q")
        n, body = 3000, "z" * 300
        ok = True
        for k in range(0, n, 100):  # in step with the fast readers: they keep up
            tx.send("".join("PRIVMSG #q :%d %s\r\n" % (j, body) for j in range(k, k + 100)), end="")
            for f in fast:
                ok = ok and bool(f.expect(r"PRIVMSG #q :%d z" % (k + 99), timeout=10))
        T.check("every fast reader gets all %d messages" % n, ok)
        T.check("... none missing", all(sum(1 for l in f.lines if l.endswith(body)) == n for f in fast))
        T.check("others see the stalled reader quit: SendQ exceeded",
                ":slow!s@127.0.0.1 QUIT :SendQ exceeded" in fast[0].lines)
        quits = [l for l in fast[0].lines if " QUIT " in l]
        T.check("... and nobody else", len(quits) == 1, quits)
        data = drain(slow)
        T.check("the stalled reader's last line is ERROR :SendQ exceeded",
                data.rstrip(b"\r\n").split(b"\r\n")[-1] == b"ERROR :SendQ exceeded", data[-120:])
        T.check("... well before -Q 4096 (%d KiB got)" % (len(data) // 1024), len(data) < 2 * 1024 * 1024)
        tx.send("PING :ok")
        T.check("the talker is unaffected", tx.expect("PONG"))
        late = irc(s.port, "late", join=("#q",))
        got = [l for l in late.lines if l.endswith(body)]
        T.check("history kept the newest lines (%d)" % len(got),
                got and got[-1].endswith("%d %s" % (n - 1, body)))
        for c in fast + [tx, late]:
            c.close()
        slow.close()


@case("-m 256: plain users read the room and topic refusals as lines")
def _():
    with Server("-R", "0", "-m", "256") as s:
        p = plain(s.port, "pl")
        p.send("/join #mine")  # made while there is room: its topic is set later
        p.expect(r"^-- In #mine: ")
        users, refused = [], None
        for k in range(30):
            c = irc(s.port, "f%d" % k)
            users.append(c)
            c.send("".join("JOIN #f%d_%d\r\nTOPIC #f%d_%d :%s\r\n" % (k, j, k, j, "t" * 300)
                           for j in range(20)) + "PING :done", end="\r\n")
            c.expect("PONG", timeout=10)
            refused = next((l for l in c.lines if " 405 " in l and "out of room memory" in l), None)
            if refused:
                break
        T.check("IRC: a room is refused once the budget is reached", refused, users[-1].lines[-3:])
        p.send("/join #another")
        T.check("plain: the same refusal as a line",
                p.expect(r"^-- #another: Server is out of room memory \(-m\)$"))
        p.send("/topic " + "p" * 300)
        T.check("plain: a refused topic says so",
                p.expect(r"^-- #mine: Server is out of topic memory \(-m\)"))
        p.send("/topic")
        T.check("... and is not set", p.expect(r"No topic is set"))
        for c in users + [p]:
            c.close()


@case("-T 2: a quiet plain user whose kernel answers keepalive stays")
def _():
    with Server("-T", "2") as s:
        p = plain(s.port, "quiet")
        time.sleep(7)  # several -T: probes go out and are answered, nothing is typed
        w = irc(s.port, "watch")  # (now: it answers no PING)
        w.send("ISON quiet")
        T.check("still online after 3.5 x -T of silence", w.expect(r" 303 watch :(\S*)").group(1) == "quiet")
        w.send("PRIVMSG quiet :still there?")
        T.check("... and still gets messages", p.expect(r"\*watch\* still there\?"))
        p.close()
        w.close()


T.done()
