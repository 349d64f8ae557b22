#!/usr/bin/python3
"""t-chathistory - IRCv3 msgid, message-tags and draft/chathistory.

Every relayed message carries a msgid (message-tags clients), the same live
and in CHATHISTORY replies; each subcommand and reference type, limits and
unknown targets; a chathistory client gets no replay on join (others do);
a bouncer-style client that goes away and comes back gets exactly what it
missed through CHATHISTORY AFTER, nothing twice.
"""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from chatbox_test import T, Server, case, irc  # noqa: E402
from chathistory_test import CAPS, history, msgs, tags  # noqa: E402

@case("ISUPPORT, caps, msgid on live messages")
def _():
    with Server("-H", "50") as srv:
        a = irc(srv.port, "ana", caps=CAPS, join=("#r",))
        isup = " ".join(l for l in a.lines if " 005 " in l)
        T.check("ISUPPORT CHATHISTORY=100", "CHATHISTORY=100" in isup, isup)
        T.check("ISUPPORT MSGREFTYPES=msgid,timestamp", "MSGREFTYPES=msgid,timestamp" in isup)
        b = irc(srv.port, "bo", join=("#r",))
        c = irc(srv.port, "cy", caps=("message-tags",), join=("#r",))
        b.send("PRIVMSG #r :one")
        b.send("PRIVMSG #r :two")
        b.barrier()
        a.barrier()
        live = msgs(a.lines)
        T.check("two messages with msgids, distinct", len(live) == 2 and live[0][0] and
                live[1][0] and live[0][0] != live[1][0], live)
        T.check("a message-tags client gets the same msgids",
                [m[0] for m in msgs(c.barrier())] == [m[0] for m in live])
        b.send("PRIVMSG ana :private")
        a.expect(r"PRIVMSG ana :private")
        T.check("a private message has a msgid too", re.match(r"^@\S*msgid=", a.lines[-1]),
                a.lines[-1])
        d = irc(srv.port, "dee", join=())
        d.send("JOIN #r")
        d.expect(" 366 dee #r ")
        old = d.barrier()
        T.check("a client without caps gets no tags", not any(l.startswith("@") for l in old))
        T.check("... and the replay on join", sum(" PRIVMSG #r :" in l for l in old) == 2, old)
        e = irc(srv.port, "eve", caps=CAPS)
        e.send("JOIN #r")
        e.expect(" 366 eve #r ")
        T.check("a chathistory client gets no replay on join", e.absent(r" PRIVMSG #r :"))


@case("CHATHISTORY: each subcommand and reference type, limits, unknown targets")
def _():
    with Server("-H", "200", "-R", "0") as srv:
        a = irc(srv.port, "ana", caps=CAPS, join=("#r",))
        b = irc(srv.port, "bo", join=("#r",))
        for i in range(20):
            b.send("PRIVMSG #r :m%d" % i)
        b.barrier()
        a.barrier()
        live = msgs(a.lines)
        T.check("20 relayed", len(live) == 20)
        ids = [m[0] for m in live]
        got, head = history(a, "LATEST #r * 5")
        T.check("batch type chathistory #r", head == "chathistory #r", head)
        T.check("LATEST * 5: the last five, oldest first, same msgids and times",
                got == live[15:], got)
        got, _ = history(a, "LATEST #r msgid=%s 100" % ids[16])
        T.check("LATEST msgid=: those after it", got == live[17:], got)
        got, _ = history(a, "BEFORE #r msgid=%s 3" % ids[10])
        T.check("BEFORE msgid= 3", got == live[7:10], got)
        got, _ = history(a, "AFTER #r msgid=%s 4" % ids[10])
        T.check("AFTER msgid= 4", got == live[11:15], got)
        got, _ = history(a, "AROUND #r msgid=%s 5" % ids[10])
        T.check("AROUND msgid= 5: five around it, it included", len(got) == 5 and live[10] in got
                and got == live[live.index(got[0]):live.index(got[0]) + 5], got)
        got, _ = history(a, "BETWEEN #r msgid=%s msgid=%s 100" % (ids[2], ids[6]))
        T.check("BETWEEN msgid= msgid=: strictly between", got == live[3:6], got)
        got, _ = history(a, "BETWEEN #r msgid=%s msgid=%s 2" % (ids[6], ids[2]))
        T.check("BETWEEN backwards, limit 2: the two next to the first ref", got == live[4:6], got)
        got, _ = history(a, "AFTER #r timestamp=%s 100" % live[-1][1])
        T.check("AFTER timestamp= of the last: nothing", got == [], got)
        got, _ = history(a, "BEFORE #r timestamp=2999-01-01T00:00:00.000Z 100")
        T.check("BEFORE timestamp= in the future: all 20", got == live, len(got))
        got, _ = history(a, "AFTER #r timestamp=1970-01-01T00:00:00.000Z 100")
        T.check("AFTER timestamp= 1970: all 20", got == live, len(got))
        got, _ = history(a, "BETWEEN #r timestamp=1970-01-01T00:00:00Z timestamp=2999-01-01T00:00:00Z 7")
        T.check("BETWEEN timestamp= timestamp=, limit 7: the first 7", got == live[:7], len(got))
        got, _ = history(a, "LATEST #r * 1000")
        T.check("a limit over CHATHISTORY=100 is cut to it", got == live, len(got))
        for bad, code in (("LATEST #r * 0", "INVALID_PARAMS"), ("LATEST #r * x", "INVALID_PARAMS"),
                          ("BEFORE #r msgid=nope 5", "INVALID_PARAMS"),
                          ("AFTER #r timestamp=yesterday 5", "INVALID_PARAMS"),
                          ("LATEST #nowhere * 5", "INVALID_TARGET"),
                          ("LATEST nobody * 5", "INVALID_TARGET"),
                          ("FROBNICATE #r * 5", "INVALID_PARAMS"),
                          ("BETWEEN #r * 5", "NEED_MORE_PARAMS")):
            a.send("CHATHISTORY " + bad)
            T.check("%s: FAIL CHATHISTORY %s" % (bad, code),
                    a.expect(r"FAIL CHATHISTORY (\S+)").group(1) == code)
        c = irc(srv.port, "cy", caps=CAPS, join=("#other",))
        c.send("CHATHISTORY LATEST #r * 5")
        T.check("a room one is not in: INVALID_TARGET",
                c.expect(r"FAIL CHATHISTORY (\S+)").group(1) == "INVALID_TARGET")
        a.send("CHATHISTORY TARGETS timestamp=1970-01-01T00:00:00Z timestamp=2999-01-01T00:00:00Z 10")
        a.expect(r"BATCH \+\S+ draft/chathistory-targets")
        m = a.expect(r"CHATHISTORY TARGETS (\S+) (\S+)")
        T.check("TARGETS: #r with its latest message's time",
                m.group(1) == "#r" and m.group(2) == live[-1][1], m.group(0))


@case("a bouncer-style client reconnects and gets exactly what it missed")
def _():
    with Server("-H", "500", "-R", "0") as srv:
        b = irc(srv.port, "bo", join=("#r",))
        a = irc(srv.port, "bnc", caps=CAPS, join=("#r",))
        for i in range(5):
            b.send("PRIVMSG #r :before %d" % i)
        b.barrier()
        seen = msgs(a.barrier())
        T.check("5 live before leaving", len(seen) == 5)
        a.send("QUIT :bye")
        a.closed()
        for i in range(30):
            b.send("PRIVMSG #r :missed %d" % i)
        b.barrier()
        a = irc(srv.port, "bnc", caps=CAPS, join=("#r",))
        for i in range(3):
            b.send("PRIVMSG #r :after %d" % i)
        b.barrier()
        live = msgs(a.barrier())
        got, _ = history(a, "AFTER #r msgid=%s 100" % seen[-1][0])
        texts = [m[2] for m in got if m[2].startswith("missed")]
        T.check("every missed message, in order", texts == ["missed %d" % i for i in range(30)], texts)
        ids = [m[0] for m in seen + got] + [m[0] for m in live if m[0] not in [g[0] for g in got]]
        T.check("nothing it had before comes again", not set(m[0] for m in seen) & set(m[0] for m in got))
        T.check("no msgid twice in what it keeps", len(ids) == len(set(ids)))


@case("message-tags: client tags relayed to message-tags clients only; TAGMSG; server tags stripped")
def _():
    with Server("-H", "50", "-R", "0") as srv:
        a = irc(srv.port, "ana", caps=("message-tags",), join=("#r",))
        b = irc(srv.port, "bo", caps=("message-tags",), join=("#r",))
        p = irc(srv.port, "pat", join=("#r",))
        a.send("@+typing=active;msgid=forged;time=2000-01-01T00:00:00Z;+example.com/x=y TAGMSG #r")
        m = b.expect(r"^@(\S+) :ana!\S+ TAGMSG #r$")
        t = tags(m.group(1))
        T.check("TAGMSG to a room carries the client tags", t.get("+typing") == "active"
                and t.get("+example.com/x") == "y", t)
        T.check("a client's msgid and time are not relayed", t.get("msgid") != "forged"
                and not t.get("time", "").startswith("2000"), t)
        a.send("@+typing=paused TAGMSG bo")
        T.check("TAGMSG to a nick", "+typing=paused" in b.expect(r"^.* TAGMSG bo$").group(0))
        a.send("@+draft/reply=x PRIVMSG #r :hello")
        T.check("PRIVMSG relays client tags", "+draft/reply=x" in b.expect(r"^.*PRIVMSG #r :hello$").group(0))
        T.check("a client without message-tags gets no TAGMSG", p.absent(r"TAGMSG"))
        T.check("... and the PRIVMSG without tags",
                any(l == ":ana!ana@127.0.0.1 PRIVMSG #r :hello" for l in p.lines), p.lines[-3:])
        big = "+big=" + "x" * 3000
        a.send("@%s PRIVMSG #r :%s" % (big, "y" * 400))
        T.check("3 KB of tags do not count in the 512-byte line",
                big in b.expect(r"^.*PRIVMSG #r :y{400}$").group(0))


@case("CHATHISTORY of a nick: the private conversation, both ways, only it")
def _():
    with Server("-H", "50", "-R", "0") as srv:
        a = irc(srv.port, "ana", caps=CAPS)
        b = irc(srv.port, "bo", caps=("echo-message",))
        c = irc(srv.port, "cy")
        # one after the other: each barrier puts its sender's message first
        for x, line in ((b, "PRIVMSG ana :hi ana"), (a, "PRIVMSG bo :hi bo"),
                        (c, "PRIVMSG ana :from cy"), (b, "PRIVMSG cy :not for ana")):
            x.send(line)
            x.barrier()
        live = msgs(a.barrier())
        T.check("ana got two, from bo and cy", [m[2] for m in live] == ["hi ana", "from cy"], live)
        got, head = history(a, "LATEST bo * 10")
        T.check("a batch for bo", head == "chathistory bo", head)
        T.check("both ways, in order, only bo's", [m[2] for m in got] == ["hi ana", "hi bo"], got)
        T.check("the same msgid as live", got[0][0] == live[0][0], (got, live))
        got, _ = history(a, "AFTER cy msgid=%s 10" % live[1][0])
        T.check("AFTER the last from cy: nothing", got == [], got)
        b.send("QUIT")
        b.closed()
        got, _ = history(a, "LATEST bo * 10")
        T.check("a nick that left: its conversation is still there", len(got) == 2, got)


@case("labeled-response: ACK, one labeled line, or a labeled-response batch")
def _():
    with Server("-H", "50", "-R", "0") as srv:
        a = irc(srv.port, "ana", caps=("labeled-response", "batch", "message-tags"), join=("#r",))
        e = irc(srv.port, "eko", caps=("labeled-response", "batch", "echo-message"), join=("#r",))
        b = irc(srv.port, "bo", join=("#r",))
        a.send("@label=p1 PING :x")
        T.check("one reply: it carries the label",
                re.match(r"^@label=p1 :\S+ PONG \S+ :x$", a.expect(r"PONG \S+ :x$").string))
        a.send("@label=m1 PRIVMSG #r :hi")
        T.check("no reply: ACK", a.expect(r" ACK$").string.startswith("@label=m1 :"))
        T.check("the others get the message untagged",
                b.expect(r"PRIVMSG #r :hi$").string == ":ana!ana@127.0.0.1 PRIVMSG #r :hi")
        e.send("@label=e1 PRIVMSG #r :echoed")
        T.check("echo-message: the echo is the labeled reply",
                e.expect(r"PRIVMSG #r :echoed$").string.startswith("@label=e1 "))
        a.send("@label=w1 WHOIS bo")
        m = a.expect(r"BATCH \+(\S+) labeled-response$")
        T.check("several replies: a labeled-response batch", m.string.startswith("@label=w1 "))
        body = a.barrier()
        bid = m.group(1)
        inside = body[:body.index(next(l for l in body if l.endswith("BATCH -" + bid)))]
        T.check("every reply in it, 311 to 318", inside and all(l.startswith("@batch=%s " % bid)
                for l in inside) and " 311 " in inside[0] and " 318 " in inside[-1], inside)
        b.send("@label=x PING :y")
        T.check("no label without the cap", re.match(r"^:\S+ PONG", b.expect(r"PONG \S+ :y$").string))


T.done()
