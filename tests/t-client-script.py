#!/usr/bin/python3
"""t-client-script - chat-client in script mode (stdin not a terminal),
end to end against Debian's ngircd and against our chat-server, and against
a scripted server for server-time history and refusals. Runs on every board."""
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from chatbox_test import EMU, SLOW, T, applet, case, free_port, wait_for  # noqa: E402
from client_test import FakeIrc, servers, watcher  # noqa: E402

TIMEOUT = 20 * SLOW


def client(*args, stdin_text=None, env=None):
    """Run chat-client to completion with STDIN_TEXT: (rc, stdout, stderr)."""
    e = dict(os.environ, **(env or {}))
    p = applet("chat-client", *args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
               stderr=subprocess.PIPE, env=e)
    out, err = p.communicate(stdin_text.encode() if stdin_text is not None else b"",
                             timeout=TIMEOUT)
    return p.returncode, out.decode(errors="replace"), err.decode(errors="replace")


def script_cases(name, make):
    with make() as srv:
        port = srv.port
        if name == "chat-server":
            history_case(port)

        def delivered(title, nick, addr, text):
            @case(title)
            def _():
                w = watcher(port, "w" + nick)
                rc, out, err = client("-n", nick, *addr.split(), stdin_text=text + "\n")
                T.check(title, rc == 0 and w.expect(r"^:%s!\S* PRIVMSG #lobby :%s$" % (nick, text)),
                        (rc, err))
                w.close()

        delivered("%s: piped line reaches the room, exit 0" % name, "nas",
                  "127.0.0.1:%d" % port, "backup done")
        delivered("%s: IPv6 [::1]:PORT" % name, "six", "[::1]:%d" % port, "over v6")
        # (no HOST means mDNS discovery: tests/t-discover-client.py, in namespaces)
        delivered("%s: localhost, -p PORT" % name, "loc", "-p %d localhost" % port, "from here")

        # 40: more than chat-server's flood burst (20), so its throttle is met too
        @case("%s: 40 piped lines all arrive in order before the client quits" % name)
        def _():
            w = watcher(port, "wb")
            text = "".join("line %d\n" % i for i in range(40))
            rc, out, err = client("-n", "bulk", "127.0.0.1:%d" % port, stdin_text=text)
            ok = rc == 0
            for i in range(40):
                ok = ok and bool(w.expect(r"PRIVMSG #lobby :line (\d+)$").group(1) == str(i))
            T.check("%s: 40 piped lines all arrive in order before the client quits" % name, ok, err)
            w.close()

        @case("%s: incoming messages are printed as HH:MM #room <nick> text, flushed" % name)
        def _():
            w = watcher(port, "wc")
            p = applet("chat-client", "-n", "listener", "127.0.0.1:%d" % port,
                       stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            w.expect(r"JOIN :?#lobby", timeout=10)  # the client joined
            w.send("PRIVMSG #lobby :hello there")
            line = ""
            while "hello there" not in line:  # history may come first
                line = p.stdout.readline().decode()  # only arrives if flushed
                if not line:
                    break
            ok = re.fullmatch(r"\d\d:\d\d #lobby <wc> hello there\n", line)
            p.stdin.close()
            rc = p.wait(TIMEOUT)
            T.check("%s: incoming messages are printed as HH:MM #room <nick> text, flushed" % name,
                    ok and rc == 0, (line, rc, p.stderr.read()))
            w.close()

        @case("%s: a taken nick: another is picked, and said" % name)
        def _():
            w = watcher(port, "taken")
            rc, out, err = client("-n", "taken", "127.0.0.1:%d" % port, stdin_text="me too\n")
            m = re.search(r"nick taken is taken, using (\S+)", err)
            T.check("%s: a taken nick: another is picked, and said" % name,
                    rc == 0 and m and w.expect(r"^:%s!\S* PRIVMSG #lobby :me too$" % re.escape(m.group(1))),
                    (rc, err))
            w.close()

        @case("%s: -r ROOM, /me and /msg from a script" % name)
        def _():
            w = watcher(port, "wd", "#kitchen")
            rc, out, err = client("-n", "cook", "-r", "kitchen", "127.0.0.1:%d" % port,
                                  stdin_text="/me stirs\n/msg wd psst\nsoup is ready\n")
            ok = rc == 0
            ok = ok and w.expect(r"^:cook!\S* PRIVMSG #kitchen :\x01ACTION stirs\x01$")
            ok = ok and w.expect(r"^:cook!\S* PRIVMSG wd :psst$")
            ok = ok and w.expect(r"^:cook!\S* PRIVMSG #kitchen :soup is ready$")
            T.check("%s: -r ROOM, /me and /msg from a script" % name, ok, (rc, err))
            w.close()


def history_case(port):
    """chat-server keeps history and tags it with server-time."""
    @case("chat-server: history is shown with its original times")
    def _():
        w = watcher(port, "poster", "#hist")
        before = time.strftime("%H:%M", time.gmtime())
        w.send("PRIVMSG #hist :for later")
        w.send("PING :sync")
        w.expect("PONG")
        after = time.strftime("%H:%M", time.gmtime())
        rc, out, err = client("-n", "late", "-r", "hist", "127.0.0.1:%d" % port,
                              stdin_text="", env={"TZ": "UTC"})
        # (and where it ends is a line of its own)
        m = re.fullmatch(r"(\d\d:\d\d) #hist <poster> for later\n"
                         r"\d\d:\d\d #hist --- end of replayed history: 1 line, 0 already shown and left out\n", out)
        T.check("chat-server: history is shown with its original times, and where it ends",
                rc == 0 and m and m.group(1) in (before, after), (rc, out, err))
        w.close()


for server_name, factory in servers():
    try:
        script_cases(server_name, factory)
    except Exception as e:  # the server itself did not start: that fails
        T.check("%s: server starts" % server_name, False, e)


@case("bad arguments are clear errors")
def _():
    for args, want in ((["-n", "9lives", "h"], "-n: '9lives' is not a nick"),
                       (["-r", "a,b", "h"], "-r: 'a,b' is not a room name"),
                       (["-p", "7000", "h:7001"], "two ports given"),
                       (["[::1"], "'[::1' is not HOST, HOST:PORT or [IPv6]:PORT"),
                       (["a", "b"], "unexpected argument 'b'")):
        rc, out, err = client(*args)
        T.check("bad arguments are clear errors: %s" % " ".join(args),
                rc == 1 and err.startswith("chat-client: " + want), err)


@case("connection refused: non-zero exit and a helpful message")
def _():
    port = free_port()
    rc, out, err = client("-n", "nas", "127.0.0.1:%d" % port, stdin_text="x\n")
    want = ("chat-client: cannot connect to 127.0.0.1:%d: connection refused \u2014 "
            "is chat-server running there? try chat-discover\n" % port)
    T.check("connection refused: non-zero exit and a helpful message", rc == 1 and err == want, (rc, err))


@case("server-time history is shown with its original times")
def _():
    def history(send, nick, room):
        send("@time=2021-03-04T05:06:07.000Z :old!u@h PRIVMSG %s :from the past" % room)
        send("@time=2021-03-04T23:59:00.000Z :old!u@h PRIVMSG %s :\x01ACTION yawns\x01" % room)
    srv = FakeIrc(on_join=history)
    rc, out, err = client("-n", "late", "127.0.0.1:%d" % srv.port, stdin_text="",
                          env={"TZ": "UTC"})
    srv.close()
    T.check("server-time history is shown with its original times, then where it ends",
            rc == 0 and re.fullmatch(r"05:06 #lobby <old> from the past\n23:59 #lobby \* old yawns\n"
                                     r"\d\d:\d\d #lobby --- end of replayed history: 2 lines, 0 already "
                                     r"shown and left out\n", out),
            (rc, out, err))
    T.check("server-time and echo-message are requested",
            "CAP REQ :server-time" in srv.got and "CAP REQ :echo-message" in srv.got, srv.got)


@case("private messages, notices and server notices in script mode")
def _():
    def talk(send, nick, room):
        send(":bo!u@h PRIVMSG %s :psst" % nick)
        send(":bo!u@h NOTICE %s :fyi" % room)
        send(":irc.test NOTICE %s :server says hi" % nick)
        send(":bo!u@h PRIVMSG %s :\x01VERSION\x01" % nick)
    srv = FakeIrc(on_join=talk)
    rc, out, err = client("-n", "pm", "127.0.0.1:%d" % srv.port, stdin_text="", env={"TZ": "UTC"})
    srv.close()
    T.check("private messages, notices and server notices in script mode",
            rc == 0 and re.fullmatch(r"\d\d:\d\d @bo <bo> psst\n\d\d:\d\d #lobby -bo- fyi\n", out),
            (rc, out, err))


@case("default nick: $USER, else guest-NNNN")
def _():
    nicks = []
    for user in ("maria", "no good", ""):
        srv = FakeIrc()
        rc, out, err = client("127.0.0.1:%d" % srv.port, stdin_text="", env={"USER": user})
        srv.close()
        nicks += [l.split()[1] for l in srv.got if l.startswith("NICK ")]
    T.check("default nick: $USER, else guest-NNNN",
            len(nicks) == 3 and nicks[0] == "maria" and re.fullmatch(r"guest-\d{4}", nicks[1])
            and re.fullmatch(r"guest-\d{4}", nicks[2]), nicks)


@case("refused at login: non-zero exit and the server's reason")
def _():
    srv = FakeIrc(on_register=lambda send, nick: send("ERROR :Closing link: you are banned") or True)
    rc, out, err = client("-n", "nope", "127.0.0.1:%d" % srv.port, stdin_text="hi\n")
    srv.close()
    T.check("refused at login: non-zero exit and the server's reason",
            rc == 1 and "you are banned" in err, (rc, err))


@case("long lines go in pieces cut between characters; a CR cannot start a command")
def _():
    srv = FakeIrc()
    text = "\u00e9" * 450  # 900 bytes: three PRIVMSGs
    rc, out, err = client("-n", "long", "127.0.0.1:%d" % srv.port,
                          stdin_text=text + "\nbefore\rQUIT :injected\n")
    srv.close()
    sent = [l.split(" :", 1)[1] for l in srv.got if l.startswith("PRIVMSG #lobby :")]
    T.check("long lines go in pieces cut between characters; a CR cannot start a command",
            rc == 0 and "".join(sent[:-1]) == text and len(sent) == 4
            and all(len(p.encode()) <= 400 for p in sent)
            and sent[-1] == "before QUIT :injected", (rc, err, sent))


@case("/quit in a script: earlier lines are delivered, later ones are not read")
def _():
    srv = FakeIrc()
    rc, out, err = client("-n", "q", "127.0.0.1:%d" % srv.port,
                          stdin_text="first\nsecond\n/quit\nnever\n")
    # the client has exited; its last bytes may still be on their way to
    # the fake server's reader thread
    quit_seen = lambda: any(l.startswith("QUIT") for l in srv.got)
    try:
        wait_for(quit_seen, 5, what="QUIT")
    except TimeoutError:
        pass
    srv.close()
    sent = [l for l in srv.got if l.startswith("PRIVMSG")]
    T.check("/quit in a script: earlier lines are delivered, later ones are not read",
            rc == 0 and sent == ["PRIVMSG #lobby :first", "PRIVMSG #lobby :second"]
            and any(l.startswith("QUIT") for l in srv.got), (rc, err, srv.got))


@case("waiting for a slow server costs no CPU (stdin already closed)")
def _():
    import resource

    def slow_welcome(send, nick):
        time.sleep(1.5)
        send(":irc.test 001 %s :Welcome" % nick)
    srv = FakeIrc(on_register=slow_welcome)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    rc, out, err = client("-n", "idle", "127.0.0.1:%d" % srv.port, stdin_text="patience\n")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    srv.close()
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    T.check("waiting for a slow server costs no CPU (stdin already closed)",
            rc == 0 and "PRIVMSG #lobby :patience" in srv.got and cpu < 0.15,
            (rc, cpu, err))


@case("malformed and hostile lines from the server never crash it")
def _():
    import random
    rnd = random.Random(4)
    pieces = ["@", "@time=", "@time=9999-99-99T99:99", ":", ":x!y@z", ":irc.test", "PRIVMSG", "NOTICE",
              "JOIN", "PART", "KICK", "QUIT", "NICK", "353", "433", "001", "CAP", "LS", "ACK", "*",
              "PING", "PONG", "chatbox-ack-99999999999", "chatbox-drain", "#lobby", "late", ":",
              "\x01ACTION", "\x01", "\x03" "99,", "\x1b[2J", "\xff\xfe", "=", "a" * 600, " ", "  "]

    def hostile(send, nick, room):
        for _ in range(400):
            send(" ".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 12))))
        send(":bo!u@h PRIVMSG %s :still here" % room)
    srv = FakeIrc(on_join=hostile)
    rc, out, err = client("-n", "late", "127.0.0.1:%d" % srv.port, stdin_text="after the storm\n")
    srv.close()
    # The storm may kick us or rename us, so the line may not go; but the
    # client lives on, says so by its exit status, and prints nothing raw.
    delivered = "PRIVMSG #lobby :after the storm" in srv.got
    T.check("malformed and hostile lines from the server never crash it",
            rc == (0 if delivered else 1) and "<bo> still here" in out
            and not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", out + err),
            (rc, out[-300:], err[-300:], [l for l in srv.got if "PRIVMSG" in l or "PING" in l]))


@case("control characters from peers never reach the output")
def _():
    def nasty(send, nick, room):
        send(":evil!u@h PRIVMSG %s :a\x1b[2Jb\x07c\x03" "4,5red\x0f" % room)
    srv = FakeIrc(on_join=nasty)
    rc, out, err = client("-n", "safe", "127.0.0.1:%d" % srv.port, stdin_text="")
    srv.close()
    T.check("control characters from peers never reach the output",
            rc == 0 and re.fullmatch(r"\d\d:\d\d #lobby <evil> a\[2Jbcred\n", out), (rc, out, err))

@case("a line the server never confirmed is sent again after reconnecting")
def _():
    srv = FakeIrc(hangup_on="PRIVMSG")
    rc, out, err = client("-n", "sure", "127.0.0.1:%d" % srv.port, stdin_text="must arrive\n")
    srv.close()
    T.check("a line the server never confirmed is sent again after reconnecting",
            rc == 0 and len(srv.conns) == 2 and "PRIVMSG #lobby :must arrive" in srv.conns[1]
            and "reconnecting" in err, (rc, err, srv.conns))


T.done()
