#!/usr/bin/python3
"""t-conform-ircv3 - message-tags (TAGMSG, client tags, msgid),
labeled-response and draft/chathistory, run against chat-server, ngIRCd and
InspIRCd (tests/lib/conformance.py). A server without the capability skips
the case (ngIRCd has none of them); chathistory is chat-server's alone
(InspIRCd 3 has no chathistory module)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from conformance import Skip, Suite  # noqa: E402

suite = Suite("conform-ircv3")
MT = ("message-tags",)


@suite.case("TAGMSG to a room: client tags to message-tags members, msgid on it")
def _(s):
    a, b = s.client(caps=MT), s.client(caps=MT)
    room = s.room()
    a.join(room)
    b.join(room)
    a.send("@+typing=active TAGMSG " + room)
    m = b.expect("TAGMSG")
    s.check(m.tags.get("+typing") == "active", "tags %r" % m.tags)
    s.check(m.tags.get("msgid"), "no msgid: %r" % m.tags)


@suite.case("PRIVMSG: msgid tag, client tags relayed, a forged msgid not")
def _(s):
    a, b = s.client(caps=MT), s.client(caps=MT)
    room = s.room()
    a.join(room)
    b.join(room)
    a.send("@+draft/reply=abc;msgid=forged PRIVMSG %s :hi" % room)
    m = b.expect("PRIVMSG")
    s.check(m.tags.get("+draft/reply") == "abc", "tags %r" % m.tags)
    s.check(m.tags.get("msgid") not in (None, "", "forged"), "msgid %r" % m.tags.get("msgid"))


@suite.case("labeled-response: PING gets one labeled PONG, PRIVMSG an ACK")
def _(s):
    a = s.client(caps=("labeled-response", "batch"))
    room = s.room()
    a.join(room)
    a.send("@label=l1 PING :tok")
    m = a.expect("PONG")
    s.check(m.tags.get("label") == "l1", "PONG tags %r" % m.tags)
    a.send("@label=l2 PRIVMSG %s :x" % room)
    m = a.expect("ACK")
    s.check(m.tags.get("label") == "l2", "ACK tags %r" % m.tags)


def chathistory(s):
    if s.kind != "chatbox":
        raise Skip("no draft/chathistory")
    return s.client(caps=("draft/chathistory", "batch", "message-tags", "server-time"))


@suite.case("CHATHISTORY ISUPPORT: CHATHISTORY=<max> MSGREFTYPES=msgid,timestamp")
def _(s):
    chathistory(s)
    s.check(int(s.isupport.get("CHATHISTORY", "0")) > 0, "CHATHISTORY %r" % s.isupport.get("CHATHISTORY"))
    s.check(s.isupport.get("MSGREFTYPES") == "msgid,timestamp", "%r" % s.isupport.get("MSGREFTYPES"))


@suite.case("CHATHISTORY LATEST *: a chathistory batch with the room's messages, msgid and time")
def _(s):
    a = chathistory(s)
    b = s.client()
    room = s.room()
    a.join(room)
    b.join(room)
    b.send("PRIVMSG %s :one" % room)
    live = a.expect("PRIVMSG")
    rows = a.ask("CHATHISTORY LATEST %s * 10" % room, "BATCH")
    start = rows[-1]
    s.check(start.params[0].startswith("+") and start.params[1] == "chathistory", start.raw)
    msgs = [m for m in a.sync() if m.command == "PRIVMSG"]
    s.check(len(msgs) == 1 and msgs[0].tags.get("msgid") == live.tags.get("msgid")
            and msgs[0].tags.get("time") == live.tags.get("time")
            and msgs[0].tags.get("batch") == start.params[0][1:], [m.raw for m in msgs])


@suite.case("CHATHISTORY of an unknown target: FAIL CHATHISTORY INVALID_TARGET")
def _(s):
    a = chathistory(s)
    rows = a.ask("CHATHISTORY LATEST #nowhere-at-all * 10", "FAIL")
    s.check(rows[-1].params[:2] == ["CHATHISTORY", "INVALID_TARGET"], rows[-1].raw)


suite.run()
