#!/usr/bin/python3
"""t-account - claimed nicknames (accounts), from outside: REGISTER and SASL
PLAIN (success, failure, an unknown mechanism, 400-byte chunks), plain
/register and /login, a claimed nick giving way to a Guest nick with a
notice, -A off and -A oper, the per-address limit on failed logins, a
message kept for an offline account delivered at login with its original
time (IRC with server-time, plain text), its expiry (-E), account-tag on
a logged-in sender's messages for who asked, MARKREAD shared
by two connections of one account, and a restart (-D) keeping accounts,
founders, kept messages and read markers. The founder of a room gets ops
back when joining it after a restart."""
import base64
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from chatbox_test import BIN, EMU, T, Line, Server, case, configured, irc, plain, wait_for  # noqa: E402
from account_test import PW, connect, login, register, sasl  # noqa: E402

if not configured("SERVER_ACCOUNTS"):
    T.skip("accounts", "built without SERVER_ACCOUNTS")
    T.done()

with Server("-R", "0") as srv:
    @case("REGISTER and SASL PLAIN")
    def _():
        c, m = register(srv.port, "ana")
        T.check("REGISTER SUCCESS ana", " REGISTER SUCCESS ana " in m.string, m.string)
        T.check("it logs in (900)", any(" 900 ana ana!ana@127.0.0.1 ana " in x for x in c.lines))
        c.send("QUIT")
        T.check("QUIT", lambda: c.closed())
        b = connect(srv.port, "ana")
        r = sasl(b, "ana", "wrong-one")
        T.check("a wrong password: 904", " 904 " in r.string, r.string)
        r = sasl(b, "ana", PW)
        T.check("the right one: 900 ... ana", re.search(r" 900 ana \S+ ana :", r.string), r.string)
        T.check("and 903", lambda: b.expect(r" 903 "))
        b.send("CAP END")
        T.check("welcomed as ana, no guest", lambda: b.expect(r" 001 ana "))
        T.check("no claimed notice", lambda: b.absent(r"claimed"))
        o = irc(srv.port, "obs")
        o.send("WHOIS ana")
        T.check("WHOIS: 330 ana ana", lambda: o.expect(r" 330 obs ana ana :is logged in as"))
        b.send("AUTHENTICATE PLAIN")
        T.check("again: 907", lambda: b.expect(r" 907 "))
        b.send("QUIT")
        b.closed()

    @case("SASL: an unknown mechanism, 400-byte chunks, abort")
    def _():
        c = connect(srv.port, "cleo")
        c.send("AUTHENTICATE EXTERNAL")
        T.check("908 lists PLAIN", lambda: c.expect(r" 908 \S+ PLAIN :"))
        T.check("then 904", lambda: c.expect(r" 904 "))
        c.send("AUTHENTICATE PLAIN")
        c.expect(r"^AUTHENTICATE \+$")
        blob = base64.b64encode(b"\0ana\0" + b"x" * 295).decode()
        T.check("the message is exactly 400 bytes", len(blob) == 400)
        c.send("AUTHENTICATE " + blob)
        T.check("a 400-byte chunk waits for more", lambda: c.absent(r" 90[0-9] "))
        c.send("AUTHENTICATE +")
        T.check("'+' ends it: 904 (a wrong password)", lambda: c.expect(r" 904 "))
        c.send("AUTHENTICATE PLAIN")
        c.expect(r"^AUTHENTICATE \+$")
        c.send("AUTHENTICATE *")
        T.check("'*' aborts: 906", lambda: c.expect(r" 906 "))
        c.send("AUTHENTICATE PLAIN")
        c.expect(r"^AUTHENTICATE \+$")
        c.send("AUTHENTICATE " + "A" * 401)
        T.check("a chunk over 400: 905", lambda: c.expect(r" 905 "))
        c.close()

    @case("a claimed nick: a Guest nick and a notice; plain /login takes it back")
    def _():
        g = Line(srv.port)
        g.send("NICK ana")
        g.send("USER g 0 * :g")
        m = g.expect(r" 001 (Guest\d+) ")
        T.check("IRC: welcomed as a Guest nick", m.group(1).startswith("Guest"))
        T.check("told ana is claimed and how to log in", lambda: g.expect(
            r"NOTICE Guest\d+ :nick ana is claimed; /login PASSWORD \(plain\) or SASL"))
        g.send("NICK ana")
        T.check("NICK ana later: 433, claimed", lambda: g.expect(r" 433 \S+ ana :Nickname is claimed"))
        p = Line(srv.port)
        p.expect(r"nickname")
        p.send("ana")
        T.check("plain: told ana is claimed", lambda: p.expect(r"^-- nick ana is claimed; /login"))
        p.send("/login wrong-pass")
        T.check("plain: a wrong /login fails", lambda: p.expect(r"^-- Login failed"))
        p.send("/login " + PW)
        T.check("plain: /login PASSWORD gives the nick back",
                lambda: p.expect(r"^\* Guest\d+ is now known as ana$"))
        g.send("QUIT")
        p.send("/quit")
        p.closed()
        g.closed()

    @case("plain /register, then an IRC app logs in to it")
    def _():
        p = plain(srv.port, "dora")
        p.send("/register " + PW)
        T.check("plain: registered", lambda: p.expect(r"^-- Registered dora"))
        p.send("/quit")
        p.closed()
        c = login(srv.port, "dora")
        T.check("SASL as dora works", c is not None)
        c.close()

    @case("an offline message: kept, delivered at login with its time, to IRC and plain")
    def _():
        s = irc(srv.port, "sender", caps=("echo-message", "server-time"))
        s.send("PRIVMSG ana :while you were out")
        sent = s.expect(r"^@time=(\S+) :sender!\S+ PRIVMSG ana :while you were out$").group(1)
        T.check("the sender is told it will be delivered",
                lambda: s.expect(r"NOTICE sender :ana is offline: your message will be delivered"))
        s.send("PRIVMSG dora :for dora")
        s.expect(r"dora is offline")
        s.send("PRIVMSG nobody-here :x")
        T.check("no account: 401 as before", lambda: s.expect(r" 401 sender nobody-here "))
        c = login(srv.port, "ana")
        m = c.expect(r"^@time=(\S+) :sender!\S+ PRIVMSG ana :while you were out$")
        T.check("IRC: delivered with its original time (the echo's, to the ms)",
                m.group(1) == sent, "%s, sent at %s" % (m.group(1), sent))
        c.send("QUIT")
        c.closed()
        c = login(srv.port, "ana", ("sasl", "server-time", "draft/chathistory", "batch",
                                    "message-tags"))
        T.check("once only", lambda: c.absent(r"while you were out"))
        c.send("CHATHISTORY LATEST sender * 10")
        T.check("chathistory: the private history has it, with its time",
                lambda: c.expect(r"time=%s.* :sender!\S+ PRIVMSG ana :while you were out$"
                                 % re.escape(sent)))
        c.close()
        p = Line(srv.port)
        p.expect(r"nickname")
        p.send("dora")
        p.expect(r"claimed")
        p.send("/login " + PW)
        T.check("plain: delivered at /login with HH:MM",
                lambda: p.expect(r"^\d\d:\d\d \*sender\* for dora$"))
        p.close()
        s.close()

    @case("MARKREAD: shared by two connections of one account")
    def _():
        caps = ("sasl", "draft/read-marker")
        a1, a2 = login(srv.port, "ana", caps), None
        c = connect(srv.port, "ana_", caps)
        sasl(c, "ana", PW)
        c.expect(r" 903 ")
        c.send("CAP END")
        c.expect(r" 001 ")
        a2 = c
        a1.send("MARKREAD #lobby")
        T.check("unknown yet: timestamp=*", lambda: a1.expect(r" MARKREAD #lobby timestamp=\*$"))
        a1.send("MARKREAD #lobby timestamp=2026-01-02T03:04:05.678Z")
        T.check("set: confirmed", lambda: a1.expect(r" MARKREAD #lobby timestamp=2026-01-02T03:04:05.678Z$"))
        T.check("the other connection is told", lambda: a2.expect(
            r" MARKREAD #lobby timestamp=2026-01-02T03:04:05.678Z$"))
        a2.send("MARKREAD #lobby timestamp=2025-01-01T00:00:00.000Z")
        T.check("never backwards", lambda: a2.expect(r" MARKREAD #lobby timestamp=2026-01-02T03:04:05.678Z$"))
        a2.send("JOIN #lobby")
        T.check("on JOIN, before NAMES ends", lambda: a2.expect(r" MARKREAD #lobby timestamp=2026-01-02T03"))
        a2.send("MARKREAD #lobby timestamp=yesterday")
        T.check("a bad timestamp: FAIL", lambda: a2.expect(r"FAIL MARKREAD INVALID_PARAMS"))
        n = irc(srv.port, "nobody1", caps=("draft/read-marker",))
        n.send("MARKREAD #lobby")
        T.check("not logged in: FAIL ACCOUNT_REQUIRED", lambda: n.expect(r"FAIL MARKREAD ACCOUNT_REQUIRED"))
        for x in (a1, a2, n):
            x.close()

    @case("extended-join, account-notify, WHOX %a")
    def _():
        w = irc(srv.port, "watcher", caps=("extended-join", "account-notify"), join=("#ext",))
        c = login(srv.port, "ana")
        c.send("JOIN #ext")
        T.check("extended-join: JOIN #ext ana :realname",
                lambda: w.expect(r":ana!\S+ JOIN #ext ana :ana$"))
        p = plain(srv.port, "kim")
        p.send("/join #ext")
        T.check("not logged in: JOIN #ext * :realname",
                lambda: w.expect(r":kim!\S+ JOIN #ext \* :plain-text user$"))
        p.send("/register " + PW)
        T.check("account-notify: ACCOUNT kim", lambda: w.expect(r":kim!\S+ ACCOUNT kim$"))
        w.send("WHO #ext %na")
        w.expect(r" 315 watcher ")
        T.check("WHOX %a: the account", " 354 watcher ana ana" in "\n".join(w.lines))
        T.check("WHOX %a: 0 when not logged in", " 354 watcher watcher 0" in "\n".join(w.lines))
        for x in (w, c, p):
            x.close()

    @case("account-tag: a logged-in sender's account on its messages, only to who asked")
    def _():
        both = irc(srv.port, "tagged", caps=("message-tags", "account-tag"), join=("#acct",))
        tags = irc(srv.port, "tagsonly", caps=("message-tags",), join=("#acct",))
        c = login(srv.port, "ana")
        c.send("JOIN #acct")
        both.expect(r":ana!\S+ JOIN #acct")
        tags.expect(r":ana!\S+ JOIN #acct")
        c.send("PRIVMSG #acct :hi from ana")
        m = both.expect(r":ana!\S+ PRIVMSG #acct :hi from ana$")
        T.check("message-tags + account-tag: account=ana",
                re.match(r"@(\S+;)?account=ana[; ]", m.string), m.string)
        T.check("and still its msgid and time", "msgid=" in m.string and "time=" in m.string, m.string)
        m = tags.expect(r":ana!\S+ PRIVMSG #acct :hi from ana$")
        T.check("message-tags alone: no account tag", "account=" not in m.string, m.string)
        guest = irc(srv.port, "guest1", join=("#acct",))
        both.expect(r":guest1!\S+ JOIN #acct")
        guest.send("PRIVMSG #acct :hi from a guest")
        m = both.expect(r":guest1!\S+ PRIVMSG #acct :hi from a guest$")
        T.check("not logged in: no account tag", "account=" not in m.string, m.string)
        t = connect(srv.port, "ana_t", caps=("sasl", "message-tags"))
        T.check("ana's second connection logs in", " 900 " in sasl(t, "ana", PW).string)
        t.send("CAP END")
        t.expect(r" 001 ")
        t.send("@+typing=active TAGMSG tagged")
        T.check("a private TAGMSG: the account, then the client tag",
                lambda: both.expect(r"^@\S*;account=ana;\+typing=active :ana_t!\S+ TAGMSG tagged$"))
        for x in (both, tags, c, guest, t):
            x.close()

    @case("failed logins are limited per address")
    def _():
        c = connect(srv.port, "eve")
        for i in range(3):
            sasl(c, "ana", "bad%d" % i)
        r = sasl(c, "ana", PW)
        T.check("after 3 failures the right password is refused too",
                " 904 " in r.string and "Too many" in r.string, r.string)
        other = connect(srv.port, "eve2")
        other.close()
        c.close()

    @case("at most 5 registrations per address")
    def _():
        for nick in ("reg4", "reg5"):  # ana, dora and kim were the first three
            m = register(srv.port, nick)[1]
            T.check("%s registered" % nick, "SUCCESS" in m.string, m.string)
        m = register(srv.port, "reg6")[1]
        T.check("the sixth is refused", "FAIL REGISTER TEMPORARILY_UNAVAILABLE reg6" in m.string,
                m.string)


def opers_file():
    link = os.path.join(tempfile.mkdtemp(prefix="chatbox-"), "chat-server")
    os.symlink(BIN, link)
    h = subprocess.run(EMU + [link, "--hash-password"], input="operpw\n", capture_output=True,
                       text=True, timeout=60).stdout.strip()
    path = os.path.join(os.path.dirname(link), "operators")
    with open(path, "w") as f:
        f.write("boss %s\n" % h)
    os.chmod(path, 0o600)
    return path


MODERATION = configured("SERVER_MODERATION")  # operators: -O, -A oper
OPERS = opers_file() if MODERATION else None
if not MODERATION:
    T.skip("-A oper: registration for operators only", "built without SERVER_MODERATION")
for mode, who in (("off", "nobody"), ("oper", "operators only"))[:2 if MODERATION else 1]:
    @case("-A %s: registration for %s" % (mode, who))
    def _():
        with Server("-R", "0", "-A", mode, *(("-O", OPERS) if MODERATION else ())) as srv:
            c = connect(srv.port, "fred", ("sasl",))
            c.send("CAP LS 302")
            ls = c.expect(r" CAP \S+ LS ")
            T.check("draft/account-registration %s" % ("not offered" if mode == "off" else "offered"),
                    ("draft/account-registration" in ls.string) == (mode != "off"), ls.string)
            c.send("CAP END")
            c.expect(r" 376 ")
            c.send("REGISTER * * " + PW)
            T.check("REGISTER: FAIL", lambda: c.expect(r"FAIL REGISTER TEMPORARILY_UNAVAILABLE fred :"))
            p = plain(srv.port, "gina")
            p.send("/register " + PW)
            T.check("/register: refused", lambda: p.expect(r"^-- (Registration is turned off|Only server operators)"))
            if mode == "oper":
                c.send("OPER boss operpw")
                c.expect(r" 381 ")
                c.send("REGISTER * * " + PW)
                T.check("an operator registers", lambda: c.expect(r" REGISTER SUCCESS fred "))
                c.send("REGISTER gina2 * " + PW)
                T.check("and another name for someone", lambda: c.expect(r" REGISTER SUCCESS gina2 "))


@case("expiry (-E): a kept message is dropped unread")
def _():
    with Server("-R", "0", "-E", "1") as srv:
        register(srv.port, "hal")[0].close()
        s = irc(srv.port, "sender")
        s.send("PRIVMSG hal :too late")
        s.expect(r"hal is offline")
        T.check("logged: expired", lambda: wait_for(lambda: "1 kept private message(s) expired"
                                                   in srv.output(), 10))
        c = login(srv.port, "hal")
        T.check("not delivered", lambda: c.absent(r"too late"))


@case("restart (-D): accounts, founders, kept messages and read markers survive")
def _():
    top = tempfile.mkdtemp(prefix="chatbox-acct-")
    d = os.path.join(top, "state")  # made by the server, for the user it runs as
    caps = ("sasl", "server-time", "draft/read-marker")
    try:
        with Server("-R", "0", "-D", d) as srv:
            c, _m = register(srv.port, "ivy")
            c.send("JOIN #ivy")
            c.expect(r" 366 ivy #ivy ")
            c.send("MARKREAD #ivy timestamp=2026-03-04T05:06:07.089Z")
            c.expect(r"MARKREAD #ivy timestamp=2026")
            c.send("JOIN #lobby")
            c.expect(r" 366 ivy #lobby ")
            c.send("PRIVMSG #lobby :said while logged in")
            c.barrier()
            c.send("QUIT")
            c.closed()
            s = irc(srv.port, "sender", join=("#lobby",))
            s.send("PRIVMSG ivy :kept across a restart")
            s.expect(r"ivy is offline")
            s.send("PRIVMSG #lobby :said by a guest")
            s.barrier()
            s.close()
        with Server("-R", "0", "-D", d) as srv:
            T.check("the log says what came back",
                    re.search(r"accounts on disk: 1 accounts, 1 founders", srv.output()), srv.output())
            g = Line(srv.port)
            g.send("NICK ivy")
            g.send("USER g 0 * :g")
            T.check("ivy is still claimed", lambda: g.expect(r"nick ivy is claimed"))
            t = irc(srv.port, "tagged", caps=("message-tags", "account-tag"), join=("#lobby",))
            hist = [l for l in t.barrier() if " PRIVMSG #lobby :said " in l]
            T.check("history from disk keeps the sender's account-tag",
                    len(hist) == 2 and re.match(r"@(\S+;)?account=ivy[; ]", hist[0])
                    and "account=" not in hist[1], hist)
            t.close()
            g.send("JOIN #ivy")
            g.expect(r" 366 \S+ #ivy ")
            c = login(srv.port, "ivy", caps)
            T.check("the kept message arrives", lambda: c.expect(r"PRIVMSG ivy :kept across a restart"))
            c.send("JOIN #ivy")
            T.check("the marker is back", lambda: c.expect(r"MARKREAD #ivy timestamp=2026-03-04T05:06:07.089Z"))
            T.check("the founder gets ops back", lambda: g.expect(r":ivy!\S+ MODE #ivy \+o ivy$"))
            c.send("NAMES #ivy")
            T.check("NAMES: @ivy", lambda: c.expect(r" 353 ivy = #ivy :.*@ivy"))
            g.send("QUIT")
            g.closed()
    finally:
        shutil.rmtree(top, ignore_errors=True)

@case("a hostile DIR/accounts: bad lines are skipped and counted, good ones kept")
def _():
    top = tempfile.mkdtemp(prefix="chatbox-acct-")
    d = os.path.join(top, "state")
    try:
        with Server("-R", "0", "-D", d) as srv:  # makes DIR for the server's user
            register(srv.port, "jo")[0].close()
            wait_for(lambda: os.path.exists(os.path.join(d, "accounts")), 10)
        good = open(os.path.join(d, "accounts"), "rb").read()
        h = good.split()[2]
        bad = [b"A ev\x1bil " + h, b"A eve cleartext", b"A " + b"n" * 40 + b" " + h,
               b"F #room nobody", b"F lobby jo", b"M jo P 123 bad\x07nick u@h :x",
               b"M jo P -5 sender u@h :x", b"M nobody P 1 sender u@h :x", b"M jo P 1 sender nohost :x",
               b"R jo #lobby yesterday", b"Z what", b"A", b"x" * 5000,
               b"M jo P 1700000000000 sender u@h :" + b"y" * 600]
        with open(os.path.join(d, "accounts"), "wb") as f:
            f.write(good + b"\n".join(bad) + b"\nM jo P %d sender u@h :good one\n" % (time.time() * 1000))
        with Server("-R", "0", "-D", d) as srv:
            T.check("the log counts 2 good lines and %d bad" % len(bad),
                    "1 accounts, 0 founders, 2 lines read, %d skipped" % len(bad) in srv.output(),
                    srv.output())
            c = login(srv.port, "jo")
            T.check("the good kept message arrives", lambda: c.expect(r"PRIVMSG jo :good one"))
            T.check("nothing of the bad ones", lambda: c.absent(r"PRIVMSG jo :[xy]"))
    finally:
        shutil.rmtree(top, ignore_errors=True)


T.done()
