#!/usr/bin/python3
"""t-server-irc - chat-server speaks IRC as modern clients use it: registration,
CAP, rooms, messages, queries, modes and the error numerics."""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from chatbox_test import T, Server, Line, case, irc, wait_for  # noqa: E402

srv = Server("-R", "0").__enter__()
P = srv.port


@case("registration: 001-005 with ISUPPORT, LUSERS, MOTD")
def _():
    c = Line(P)
    c.send("NICK ana")
    c.send("USER ana 0 * :Ana Example")
    T.check("001 welcomes ana", lambda: c.expect(r"^:\S+ 001 ana :Welcome .*ana!ana@127\.0\.0\.1"))
    for n in ("002", "003", "004"):
        T.check("%s follows" % n, lambda: c.expect(r"^:\S+ %s ana " % n))
    isup = c.expect(r"^:\S+ 005 ana (.*) :are supported").group(1).split()
    isup += c.expect(r"^:\S+ 005 ana (.*) :are supported").group(1).split()  # the modes' line
    for tok in ("CASEMAPPING=rfc1459", "CHANTYPES=#", "NICKLEN=16", "CHANNELLEN=32",
                "TOPICLEN=300", "PREFIX=(ov)@+"):
        T.check("ISUPPORT has " + tok, tok in isup, isup)
    T.check("ISUPPORT has NETWORK", any(t.startswith("NETWORK=") for t in isup), isup)
    T.check("LUSERS 251", lambda: c.expect(r" 251 ana :There are \d+ users"))
    T.check("MOTD ends with 376", lambda: c.expect(r" 376 ana "))
    c.send("USER again 0 * :x")
    T.check("USER twice is 462", lambda: c.expect(r" 462 ana "))
    c.send("PING :tok123")
    T.check("PING gets PONG", lambda: c.expect(r"PONG \S+ :tok123"))
    c.close()


@case("CAP LS 302 / REQ / END")
def _():
    c = Line(P)
    c.send("CAP LS 302")
    c.send("NICK capper")
    c.send("USER cap 0 * :c")
    ls = c.expect(r"CAP \* LS :(.*)").group(1).split()
    for cap in ("multi-prefix", "server-time", "echo-message", "away-notify", "userhost-in-names"):
        T.check("CAP LS offers " + cap, cap in ls, ls)
    T.check("registration waits for CAP END", lambda: c.absent(r" 001 "))
    c.send("CAP REQ :server-time bogus-cap")
    T.check("unknown cap is NAKed whole", lambda: c.expect(r"CAP capper NAK :server-time bogus-cap"))
    c.send("CAP REQ :multi-prefix echo-message")
    T.check("known caps are ACKed", lambda: c.expect(r"CAP capper ACK :multi-prefix echo-message"))
    c.send("CAP LIST")
    T.check("CAP LIST shows them", lambda: c.expect(r"CAP capper LIST :multi-prefix echo-message"))
    c.send("CAP END")
    T.check("CAP END completes registration", lambda: c.expect(r" 001 capper "))
    c.close()


@case("JOIN, NAMES, PRIVMSG, NOTICE, PART, echo-message, multi-prefix, userhost-in-names")
def _():
    a = irc(P, "alice", caps=("multi-prefix", "echo-message"), join=("#room",))
    b = irc(P, "bob", caps=("userhost-in-names",))
    b.send("JOIN #room,#other")
    T.check("JOIN is echoed to the joiner", lambda: b.expect(r"^:bob!bob@127\.0\.0\.1 JOIN #room$"))
    T.check("userhost-in-names NAMES", lambda: b.expect(r" 353 bob = #room :@alice!alice@127\.0\.0\.1 bob!bob@"))
    T.check("second room joined in one JOIN", lambda: b.expect(r" JOIN #other$"))
    T.check("others see the JOIN", lambda: a.expect(r"^:bob!bob@\S+ JOIN #room$"))
    a.send("PRIVMSG #room :hello bob")
    T.check("room message arrives", lambda: b.expect(r"^:alice!alice@\S+ PRIVMSG #room :hello bob$"))
    T.check("echo-message echoes to sender", lambda: a.expect(r"^:alice!\S+ PRIVMSG #room :hello bob$"))
    b.send("PRIVMSG #room :no echo for me")
    T.check("no echo without echo-message", lambda: b.absent(r"no echo for me"))
    b.send("PRIVMSG alice,#room :two targets")
    T.check("private message to a nick", lambda: a.expect(r"^:bob!\S+ PRIVMSG alice :two targets$"))
    T.check("and to the room, same command", lambda: a.expect(r"^:bob!\S+ PRIVMSG #room :two targets$"))
    b.send("NOTICE #room :a notice")
    T.check("NOTICE to a room", lambda: a.expect(r"^:bob!\S+ NOTICE #room :a notice$"))
    a.send("MODE #room +v bob")
    a.expect(r"MODE #room \+v bob")
    a.send("NAMES #room")
    T.check("multi-prefix shows every prefix", lambda: a.expect(r" 353 alice = #room :@alice \+bob"))
    b.send("PART #room :see you")
    T.check("PART is seen with its reason", lambda: a.expect(r"^:bob!\S+ PART #room :see you$"))
    b.send("PART #room")
    T.check("PART a room I left is 442", lambda: b.expect(r" 442 bob #room "))
    b.send("JOIN 0")
    T.check("JOIN 0 leaves every room", lambda: b.expect(r"PART #other"))
    for s in (a, b):
        s.close()


@case("joining and leaving many rooms: each is listed once, in join order")
def _():
    # The list of a client's rooms grows at 1, 4, 8...; leaving never
    # shrinks it (room.c: room_enter).
    c = irc(P, "roamer")
    w = irc(P, "looker")
    def rooms():
        w.send("WHOIS roamer")
        m = w.expect(r" (319|318) looker roamer :?(.*)$")
        if m.group(1) == "318":
            return []
        w.expect(r" 318 looker roamer ")
        return m.group(2).replace("@", "").split()
    for n in range(1, 10):
        c.send("JOIN #r%d" % n)
        c.expect(r" 366 roamer #r%d " % n)
    T.check("nine rooms, one by one", rooms() == ["#r%d" % n for n in range(1, 10)], rooms())
    for n in (1, 4, 5, 8, 9, 2, 3, 6):
        c.send("PART #r%d" % n)
        c.expect(r"PART #r%d" % n)
    T.check("one left after eight PARTs", rooms() == ["#r7"], rooms())
    c.send("PART #r7")
    c.expect(r"PART #r7")
    T.check("none after the last", rooms() == [], rooms())
    for n in range(10, 16):
        c.send("JOIN #r%d" % n)
        c.expect(r" 366 roamer #r%d " % n)
    T.check("six again from none", rooms() == ["#r%d" % n for n in range(10, 16)], rooms())
    c.send("PRIVMSG #r15 :still here")
    c.send("JOIN 0")
    T.check("JOIN 0 leaves all six", lambda: c.expect(r"PART #r10"))
    for s in (c, w):
        s.close()


@case("a burst of JOINs: members see each before what the joiner says")
def _():
    # Others' JOINs may wait a few ms for company (io.c: presence notices);
    # the joiner's own JOIN and NAMES may not, and no member may see
    # anything out of order.
    a = irc(P, "watcher", join=("#burst",))
    joiners = [irc(P, "burst%d" % i) for i in range(8)]
    for j, c in enumerate(joiners):
        c.send("JOIN #burst\r\nPRIVMSG #burst :hi from %d" % j)
    for j, c in enumerate(joiners):
        T.check("joiner %d gets its own JOIN and NAMES" % j,
                lambda: c.expect(r" 366 burst%d #burst " % j))
    # (in any order: the eight are eight connections, read as they come)
    def all_said():
        a._read_more(time.monotonic() + 0.2)
        return all(any(l.endswith(" :hi from %d" % j) for l in a.lines) for j in range(8))
    wait_for(all_said, 10, interval=0, what="the eight messages")
    seen = [l for l in a.lines if "!burst" in l and "#burst" in l]
    for j in range(8):
        who = ":burst%d!burst%d@127.0.0.1 " % (j, j)
        join, msg = who + "JOIN #burst", who + "PRIVMSG #burst :hi from %d" % j
        T.check("the member saw burst%d's JOIN once, then its message" % j,
                seen.count(join) == 1 and seen.count(msg) == 1 and
                seen.index(join) < seen.index(msg), seen)
    # (the server takes them in the order their lines reach it: the
    # watcher's view says which joined first and which last)
    order = [int(l.split("!")[0][len(":burst"):]) for l in seen if l.endswith(" JOIN #burst")]
    T.check("an earlier joiner sees a later one join (burst%d, burst%d)" % (order[0], order[-1]),
            lambda: joiners[order[0]].expect(r"^:burst%d!\S+ JOIN #burst$" % order[-1]))
    a.send("JOIN #quiet")
    a.expect(r" 366 watcher #quiet ")
    b = irc(P, "lone")
    b.send("JOIN #quiet")
    T.check("a lone JOIN still reaches the member, without any traffic after it",
            lambda: a.expect(r"^:lone!\S+ JOIN #quiet$", timeout=2.0))
    for c in joiners + [a, b]:
        c.close()


@case("TOPIC, LIST, WHO, WHOIS, MODE, KICK, AWAY, MOTD, LUSERS, VERSION")
def _():
    op = irc(P, "oper", caps=("away-notify",), join=("#t",))
    u = irc(P, "user1", join=("#t",))
    op.expect(r"JOIN #t")
    u.send("TOPIC #t :mine")
    T.check("TOPIC by a non-op on +t is 482", lambda: u.expect(r" 482 user1 #t "))
    op.send("TOPIC #t :the topic")
    T.check("TOPIC change is seen", lambda: u.expect(r"^:oper!\S+ TOPIC #t :the topic$"))
    u.send("TOPIC #t")
    T.check("TOPIC query: 332", lambda: u.expect(r" 332 user1 #t :the topic"))
    T.check("TOPIC query: 333 who set it", lambda: u.expect(r" 333 user1 #t oper \d+"))
    u.send("LIST")
    T.check("LIST has the room with count and topic", lambda: u.expect(r" 322 user1 #t 2 :the topic"))
    T.check("LIST ends", lambda: u.expect(r" 323 user1 "))
    u.send("WHO #t")
    T.check("WHO lists the op", lambda: u.expect(r" 352 user1 #t oper 127\.0\.0\.1 \S+ oper H@ :0 oper"))
    T.check("WHO ends", lambda: u.expect(r" 315 user1 #t "))
    u.send("WHOIS oper")
    T.check("WHOIS 311", lambda: u.expect(r" 311 user1 oper oper 127\.0\.0\.1 \* :oper"))
    T.check("WHOIS 319 rooms", lambda: u.expect(r" 319 user1 oper :@#t"))
    T.check("WHOIS 318", lambda: u.expect(r" 318 user1 oper "))
    u.send("WHOIS nobody")
    T.check("WHOIS unknown is 401", lambda: u.expect(r" 401 user1 nobody "))
    op.send("MODE #t")
    T.check("MODE query 324", lambda: op.expect(r" 324 oper #t \+nt"))
    op.send("MODE #t +kl sekrit 5")
    T.check("MODE +kl is broadcast", lambda: u.expect(r"MODE #t \+kl sekrit 5"))
    x = irc(P, "xavier")
    x.send("JOIN #t")
    T.check("JOIN without key is 475", lambda: x.expect(r" 475 xavier #t "))
    x.send("JOIN #t sekrit")
    T.check("JOIN with key works", lambda: x.expect(r"^:xavier!\S+ JOIN #t"))
    u.send("MODE #t -k")
    T.check("MODE by non-op is 482", lambda: u.expect(r" 482 user1 #t "))
    u.send("MODE user1 +i")
    T.check("user MODE +i", lambda: u.expect(r"MODE user1 :\+i"))
    u.send("MODE oper +i")
    T.check("user MODE on another is 502", lambda: u.expect(r" 502 user1 "))
    op.send("MODE #t +o user1")
    T.check("+o is broadcast", lambda: x.expect(r"MODE #t \+o user1"))
    u.send("KICK #t xavier :out")
    T.check("KICK by new op is seen by victim", lambda: x.expect(r"^:user1!\S+ KICK #t xavier :out$"))
    T.check("KICK seen by others", lambda: op.expect(r"KICK #t xavier :out"))
    x.send("PRIVMSG #t :still here?")
    T.check("kicked user cannot send to +n room: 404", lambda: x.expect(r" 404 xavier #t "))
    u.send("KICK #t nobody")
    T.check("KICK of someone absent is 441", lambda: u.expect(r" 441 user1 nobody #t "))
    u.send("AWAY :lunch")
    T.check("AWAY 306", lambda: u.expect(r" 306 user1 "))
    T.check("away-notify tells the room", lambda: op.expect(r"^:user1!\S+ AWAY :lunch$"))
    op.send("PRIVMSG user1 :hi")
    T.check("message to an away user gets 301", lambda: op.expect(r" 301 oper user1 :lunch"))
    u.send("AWAY")
    T.check("AWAY off 305", lambda: u.expect(r" 305 user1 "))
    u.send("MOTD")
    T.check("MOTD 375/372/376", lambda: u.expect(r" 375 user1 ") and u.expect(r" 376 user1 "))
    u.send("LUSERS")
    T.check("LUSERS 251..255", lambda: u.expect(r" 251 user1 ") and u.expect(r" 255 user1 "))
    u.send("USERHOST oper nobody")
    T.check("USERHOST 302", lambda: u.expect(r" 302 user1 :oper=\+oper@127\.0\.0\.1$"))
    u.send("ISON nobody oper :user1 ghost")
    T.check("ISON 303 lists who is on", lambda: u.expect(r" 303 user1 :oper user1$"))
    u.send("VERSION")
    T.check("VERSION 351", lambda: u.expect(r" 351 user1 chatbox"))
    for s in (op, u, x):
        s.close()


@case("error numerics")
def _():
    c = Line(P)
    c.send("NICK")
    T.check("NICK without a name is 431", lambda: c.expect(r" 431 \* "))
    c.send("JOIN #x")
    T.check("command before registration is 451", lambda: c.expect(r" 451 \* "))
    c.send("NICK 9lives")
    T.check("bad nick is 432", lambda: c.expect(r" 432 \* 9lives "))
    c.send("NICK waytoolongnickname123")
    T.check("too long nick is 432", lambda: c.expect(r" 432 \* waytoolongnickname123 "))
    taken = irc(P, "taken")
    c.send("NICK TAKEN")
    T.check("nick in use (case-insensitively) is 433", lambda: c.expect(r" 433 \* TAKEN "))
    c.send("NICK err")
    c.send("USER err 0 *")
    T.check("USER with too few params is 461", lambda: c.expect(r" 461 \S+ USER "))
    c.send("USER err 0 * :Err")
    c.expect(r" 001 err ")
    c.send("FROBNICATE now")
    T.check("unknown command is 421, not a disconnect", lambda: c.expect(r" 421 err FROBNICATE "))
    c.send("PRIVMSG")
    T.check("PRIVMSG without target is 411", lambda: c.expect(r" 411 err "))
    c.send("PRIVMSG taken")
    T.check("PRIVMSG without text is 412", lambda: c.expect(r" 412 err "))
    c.send("PRIVMSG ghost :hi")
    T.check("PRIVMSG to unknown nick is 401", lambda: c.expect(r" 401 err ghost "))
    c.send("PRIVMSG #ghost :hi")
    T.check("PRIVMSG to unknown room is 403", lambda: c.expect(r" 403 err #ghost "))
    c.send("JOIN nohash")
    T.check("JOIN of a bad room name is 403", lambda: c.expect(r" 403 err nohash "))
    c.send("PART #lobby")
    T.check("PART of a room not joined is 442", lambda: c.expect(r" 442 err #lobby "))
    c.send("JOIN")
    T.check("JOIN without params is 461", lambda: c.expect(r" 461 err JOIN "))
    c.send("PRIVMSG #lobby :" + "x" * 600)
    T.check("line over 512 bytes is 417", lambda: c.expect(r" 417 err "))
    c.send("PING :alive")
    T.check("still connected after 417", lambda: c.expect(r"PONG \S+ :alive"))
    c.send("NICK taken")
    T.check("NICK change to a used nick is 433", lambda: c.expect(r" 433 err taken "))
    c.send("NICK errr")
    T.check("NICK change is echoed", lambda: c.expect(r"^:err!\S+ NICK :?errr$"))
    c.send("NOTICE ghost :nobody")
    c.send("PING :after-notice")
    m = c.expect(r"PONG|401")
    T.check("NOTICE errors get no reply", "PONG" in m.group(0), m.group(0))
    c.send(b"PRIVMSG taken :nul\x00byte and \xff\xfe bad utf-8\r\n")
    T.check("NUL ends the line, bad UTF-8 passes", lambda: taken.expect(r"PRIVMSG taken :nul$"))
    c.send("QUIT :done")
    T.check("QUIT gets ERROR", lambda: c.expect(r"^ERROR :Closing Link"))
    T.check("and the connection closes", lambda: c.closed())
    taken.close()


@case("PASS: 464 with a wrong password")
def _():
    with Server("-P", "s3cret") as s2:
        c = Line(s2.port)
        c.send("PASS wrong")
        c.send("NICK p1")
        c.send("USER p 0 * :p")
        T.check("wrong PASS is 464", lambda: c.expect(r" 464 "))
        T.check("and closes", lambda: c.closed())
        ok = Line(s2.port)
        ok.send("PASS s3cret")
        ok.send("NICK p2")
        ok.send("USER p 0 * :p")
        T.check("right PASS registers", lambda: ok.expect(r" 001 p2 "))
        slow = Line(s2.port)  # an IRC app that speaks only after the greeting
        T.check("a silent newcomer is greeted", lambda: slow.expect(r"Type your nickname"))
        slow.send("PASS s3cret")
        slow.send("NICK p3")
        slow.send("USER p 0 * :p")
        T.check("a PASS after the greeting is still IRC (-P refuses plain users anyway)",
                lambda: slow.expect(r" 001 p3 "))
        pl = Line(s2.port)
        pl.send("hello")
        T.check("plain users are refused with a password", lambda: pl.expect(r"password") and pl.closed())


@case("-b: listen on given addresses only, IPv6 too")
def _():
    import socket
    try:
        socket.socket(socket.AF_INET6).bind(("::1", 0))
    except OSError:
        T.skip("-b ::1", "no IPv6 loopback here")
        return
    with Server("-b", "127.0.0.1", "-b", "::1") as s2:
        c = Line(s2.port, host="::1")
        c.send("NICK six")
        c.send("USER six 0 * :six")
        T.check("an IPv6 client registers, with its address as host", lambda: c.expect(r" 001 six :.*six!six@::1$"))
        with socket.socket() as other:
            refused = other.connect_ex(("127.0.0.2", s2.port)) != 0
        T.check("addresses not given with -b are not listened on", refused)


T.check("server exits 0 on SIGTERM", srv.stop() == 0, srv.output())
T.done()
