#!/usr/bin/python3
"""t-conform-server - LIST (ELIST), NAMES and KICK with several targets,
LUSERS, TIME, ADMIN, INFO, PING/PONG, KNOCK, HELP, ISON, USERHOST and 421,
one case per numeric, each run against chat-server, ngIRCd and InspIRCd
(tests/lib/conformance.py). Only what the modern IRC client protocol
(modern.ircdocs.horse) and RFC 2812 fix is checked, never the wording."""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from chatbox_test import wait_for  # noqa: E402
from conformance import Skip, Suite  # noqa: E402

suite = Suite("conform-server")


def mode_or_skip(c, room, modes):
    """MODE ROOM MODES by C, an op there; Skip if the server has not the mode."""
    c.send("MODE %s %s" % (room, modes))
    if any(m.command in ("472", "501") for m in c.sync()):
        raise Skip("no channel mode %s" % modes)


def numbers(text):
    return [int(n) for n in re.findall(r"\d+", text)]


def listed(msgs):
    return {m.params[1].lower(): m for m in msgs if m.command == "322"}


def elist(s, letter):
    s.check(letter in str(s.isupport.get("ELIST", "")), "ELIST %r lacks %s"
            % (s.isupport.get("ELIST"), letter))


# --- LIST -----------------------------------------------------------------------

@suite.case("LIST: 322 (room users :topic) per room, 323 at the end")
def _(s):
    a, b = s.clients(2)
    room = s.room()
    a.join(room)
    b.join(room)
    a.send("TOPIC %s :the topic" % room)
    a.expect("TOPIC")
    got = a.ask("LIST", "323")
    r = listed(got).get(room.lower())
    s.check(r is not None, "%s not listed: %r" % (room, got))
    # (InspIRCd puts the modes before the topic: its own text, allowed)
    s.check(r.params[2] == "2" and r.params[3].endswith("the topic"), "322 %r" % r)


@suite.case("LIST #room: only the rooms named")
def _(s):
    a = s.client()
    r1, r2 = s.room(), s.room()
    a.join(r1)
    a.join(r2)
    got = listed(a.ask("LIST " + r1, "323"))
    s.check(list(got) == [r1.lower()], "listed %r" % list(got))


@suite.case("LIST >n and <n: rooms by users (ELIST U)")
def _(s):
    a, b = s.clients(2)
    big, small = s.room(), s.room()
    a.join(big)
    b.join(big)
    a.join(small)
    elist(s, "U")
    more = listed(a.ask("LIST >1", "323"))
    less = listed(a.ask("LIST <2", "323"))
    s.check(big.lower() in more and small.lower() not in more, ">1 gave %r" % list(more))
    s.check(small.lower() in less and big.lower() not in less, "<2 gave %r" % list(less))


@suite.case("LIST mask: rooms by a glob of their names (ELIST M)")
def _(s):
    a = s.client()
    r1, r2 = s.room("#mq"), s.room("#other")
    a.join(r1)
    a.join(r2)
    elist(s, "M")
    got = listed(a.ask("LIST #mq*", "323"))
    s.check(r1.lower() in got and r2.lower() not in got, "#mq* gave %r" % list(got))


@suite.case("LIST !mask: rooms not matching (ELIST N)")
def _(s):
    a = s.client()
    r1, r2 = s.room("#mq"), s.room("#other")
    a.join(r1)
    a.join(r2)
    elist(s, "N")
    got = listed(a.ask("LIST !#mq*", "323"))
    s.check(r1.lower() not in got and r2.lower() in got, "!#mq* gave %r" % list(got))


@suite.case("LIST C<n: rooms created less than n minutes ago (ELIST C)")
def _(s):
    a = s.client()
    room = s.room()
    a.join(room)
    elist(s, "C")
    s.check(room.lower() in listed(a.ask("LIST C<5", "323")), "new room not under C<5")
    s.check(room.lower() not in listed(a.ask("LIST C>5", "323")), "new room under C>5")


@suite.case("LIST T<n: rooms whose topic was set less than n minutes ago (ELIST T)")
def _(s):
    a = s.client()
    topical, bare = s.room(), s.room()
    a.join(topical)
    a.join(bare)
    a.send("TOPIC %s :fresh" % topical)
    a.expect("TOPIC")
    elist(s, "T")
    got = listed(a.ask("LIST T<5", "323"))
    s.check(topical.lower() in got and bare.lower() not in got, "T<5 gave %r" % list(got))


@suite.case("LIST +s room: hidden from non-members")
def _(s):
    a, b = s.clients(2)
    room = s.room()
    a.join(room)
    mode_or_skip(a, room, "+s")
    s.check(room.lower() not in listed(b.ask("LIST", "323")), "+s room listed to a stranger")
    s.check(room.lower() in listed(a.ask("LIST", "323")), "+s room not listed to its member")


@suite.case("LIST +p room: hidden from non-members")
def _(s):
    a, b = s.clients(2)
    room = s.room()
    a.join(room)
    mode_or_skip(a, room, "+p")
    s.check(room.lower() not in listed(b.ask("LIST", "323")), "+p room listed to a stranger")


# --- NAMES, KICK --------------------------------------------------------------------

@suite.case("NAMES #a,#b: 353 and 366 for each")
def _(s):
    a, b = s.clients(2)
    r1, r2 = s.room(), s.room()
    a.join(r1)
    b.join(r2)
    got = a.ask("NAMES %s,%s" % (r1, r2), "366")
    got += a._take(lambda m: m.command == "366", "second 366", 5)
    n1 = s.one(got, "353", lambda m: m.params[2].lower() == r1.lower())
    n2 = s.one(got, "353", lambda m: m.params[2].lower() == r2.lower())
    s.check(n1.params[1] == "=" and n1.params[3] == "@" + a.nick, "353 %r" % n1)
    s.check(n2.params[3] == "@" + b.nick, "353 %r" % n2)
    ends = [m.params[1].lower() for m in got if m.command == "366"]
    s.check(ends == [r1.lower(), r2.lower()], "366s %r" % ends)


@suite.case("NAMES +s room: a non-member gets only 366")
def _(s):
    a, b = s.clients(2)
    room = s.room()
    a.join(room)
    mode_or_skip(a, room, "+s")
    got = b.ask("NAMES " + room, "366")
    s.none(got, "353")


@suite.case("NAMES #room: invisible members hidden from non-members")
def _(s):
    a, b, c = s.clients(3)
    room = s.room()
    a.join(room)
    b.ask("MODE %s +i" % b.nick, "MODE")
    b.join(room)
    got = c.ask("NAMES " + room, "366")
    names = " ".join(m.params[3] for m in got if m.command == "353").split()
    s.check("@" + a.nick in names and b.nick not in names, "NAMES to a stranger: %r" % names)
    got = a.ask("NAMES " + room, "366")
    names = " ".join(m.params[3] for m in got if m.command == "353").split()
    s.check(b.nick in names, "NAMES to a member: %r" % names)


@suite.case("KICK #room a,b: both kicked, a KICK line each")
def _(s):
    op, u1, u2 = s.clients(3)
    room = s.room()
    for c in (op, u1, u2):
        c.join(room)
    op.send("KICK %s %s,%s :out" % (room, u1.nick, u2.nick))
    k1 = op.expect("KICK")
    k2 = op.expect("KICK")
    s.check({k1.params[1], k2.params[1]} == {u1.nick, u2.nick}, "kicked %r %r" % (k1, k2))
    s.check(k1.params[2] == "out", "reason %r" % k1)
    w = op.ask("NAMES " + room, "366")
    s.one(w, "353", lambda m: m.params[3] == "@" + op.nick)


@suite.case("KICK #a,#b a,b: in pairs")
def _(s):
    op, u1, u2 = s.clients(3)
    r1, r2 = s.room(), s.room()
    op.join(r1)
    op.join(r2)
    u1.join(r1)
    u2.join(r2)
    op.send("KICK %s,%s %s,%s" % (r1, r2, u1.nick, u2.nick))
    got = {(k.params[0].lower(), k.params[1]) for k in op.sync() if k.command == "KICK"}
    s.check(got == {(r1.lower(), u1.nick), (r2.lower(), u2.nick)}, "kicks %r" % got)


@suite.case("TARGMAX: advertised, with KICK and NAMES")
def _(s):
    s.client()
    t = str(s.isupport.get("TARGMAX", ""))
    s.check(re.search(r"(^|,)KICK:", t) and re.search(r"(^|,)NAMES:", t), "TARGMAX %r" % t)


# --- LUSERS ---------------------------------------------------------------------

def lusers(c):
    got = c.ask("LUSERS", "255")
    out = {}
    for m in got:
        if m.command in ("251", "255"):
            out[m.command] = numbers(m.params[-1])
        elif m.command in ("252", "253", "254"):
            out[m.command] = int(m.params[1])
    return out


@suite.case("LUSERS 251: users and invisible counted")
def _(s):
    a = s.client()
    before = lusers(a)["251"]
    b, c = s.clients(2)
    c.ask("MODE %s +i" % c.nick, "MODE")
    after = lusers(a)["251"]
    s.check(after[0] + after[1] == before[0] + before[1] + 2, "251 %r then %r" % (before, after))
    s.check(after[1] == before[1] + 1, "invisible %r then %r" % (before, after))


@suite.case("LUSERS 252: operators counted")
def _(s):
    a, b = s.clients(2)
    before = lusers(a).get("252", 0)
    s.oper(b)
    s.check(lusers(a).get("252", 0) == before + 1, "252 did not count the new operator")


@suite.case("LUSERS 253: unknown connections counted")
def _(s):
    a = s.client()
    before = lusers(a).get("253", 0)
    raw = s.raw()
    raw.send("NICK u" + a.nick)  # a nick, no USER: not registered
    # another connection's line has no order with a's: wait for the count
    wait_for(lambda: lusers(a).get("253", 0) == before + 1, 3, what="253 to count it")


@suite.case("LUSERS 254: rooms counted")
def _(s):
    a = s.client()
    before = lusers(a).get("254", 0)
    a.join(s.room())
    s.check(lusers(a).get("254", 0) == before + 1, "254 did not count the room")


# --- the server: TIME, ADMIN, INFO, PING ---------------------------------------------

@suite.case("TIME: 391 with the server name")
def _(s):
    a = s.client()
    w = a.ask("TIME", "391")[-1]
    s.check(w.params[1] == a.server, "391 server %r (server %s)" % (w, a.server))


@suite.case("ADMIN: 256, 257, 258, 259")
def _(s):
    a = s.client()
    got = a.ask("ADMIN", "259")
    for num in ("256", "257", "258"):
        s.one(got, num)


@suite.case("INFO: 371 lines, 374 at the end")
def _(s):
    a = s.client()
    got = a.ask("INFO", "374")
    s.check(any(m.command == "371" for m in got), "no 371")


@suite.case("PING token: PONG with the server name first, the token last")
def _(s):
    a = s.client()
    w = a.ask("PING hello", "PONG")[-1]
    s.check(w.source == a.server and w.params == [a.server, "hello"],
            "PONG %r (server %s)" % (w, a.server))


@suite.case("PING without a token: 409 or 461")
def _(s):
    a = s.client()
    a.send("PING")
    s.check(any(m.command in ("409", "461") for m in a.sync()), "no 409/461")


# --- KNOCK, HELP ----------------------------------------------------------------------

def knock_or_skip(got):
    """GOT, the answer to a KNOCK; Skip if the server has no KNOCK (421)."""
    if any(m.command == "421" for m in got):
        raise Skip("no KNOCK")
    return got


@suite.case("KNOCK on a +i room: 711 to the knocker, 710 to its operators")
def _(s):
    op, k = s.clients(2)
    room = s.room()
    op.join(room)
    mode_or_skip(op, room, "+i")
    k.send("KNOCK %s :let me in" % room)
    got = k.sync()
    s.one(got, "711")
    w = s.one(op.sync(), "710")
    s.check(w.params[1].lower() == room.lower() and w.params[2].startswith(k.nick + "!"),
            "710 %r" % w)
    s.none(got, ("712", "713"))


@suite.case("KNOCK on an open room: 713")
def _(s):
    op, k = s.clients(2)
    room = s.room()
    op.join(room)
    k.send("KNOCK %s :let me in" % room)
    got = knock_or_skip(k.sync())
    s.check(any(m.command == "713" for m in got), "no 713")


@suite.case("KNOCK on a room one is in: 714")
def _(s):
    op = s.client()
    room = s.room()
    op.join(room)
    mode_or_skip(op, room, "+i")
    op.send("KNOCK %s :let me in" % room)
    s.check(any(m.command == "714" for m in op.sync()), "no 714")


@suite.case("KNOCK on no room: 401 or 403")
def _(s):
    k = s.client()
    k.send("KNOCK #nosuch%s :let me in" % k.nick)
    got = knock_or_skip(k.sync())
    s.check(any(m.command in ("401", "403") for m in got), "no 401/403")


@suite.case("HELP: 704 first, 706 last")
def _(s):
    a = s.client()
    a.send("HELP")
    got = [m.command for m in a.sync() if m.command in ("704", "705", "706")]
    s.check(got[:1] == ["704"] and got[-1:] == ["706"], "HELP replies %r" % got)


@suite.case("HELP command: 704..706 about it")
def _(s):
    a = s.client()
    a.send("HELP PRIVMSG")
    got = [m for m in a.sync() if m.command in ("704", "705", "706")]
    s.check(got and got[0].command == "704" and got[-1].command == "706" and
            all(m.params[1].upper() == "PRIVMSG" for m in got), "HELP PRIVMSG replies %r" % got)


@suite.case("HELP lists only commands the server knows (none answers 421)")
def _(s):
    if s.kind != "chatbox":
        raise Skip("chat-server's own index")
    a = s.client()
    a.send("HELP")
    index = " ".join(m.params[-1] for m in a.sync() if m.command == "705").split()
    s.check(len(index) > 20, "index %r" % index)
    for cmd in index:
        if cmd != "QUIT":
            a.send(cmd)
    s.none(a.sync(), "421")


@suite.case("HELP unknown: 524")
def _(s):
    a = s.client()
    a.send("HELP nosuchtopic")
    s.check(any(m.command == "524" for m in a.sync()), "no 524")


# --- ISON, USERHOST, 421 --------------------------------------------------------------

@suite.case("ISON: 303 with the nicks online")
def _(s):
    a, b = s.clients(2)
    w = a.ask("ISON %s nobody%s" % (b.nick, a.nick[-4:]), "303")[-1]
    s.check(w.params[1].split() == [b.nick], "303 %r" % w)


@suite.case("USERHOST: 302 nick=+user@host, - when away")
def _(s):
    a, b = s.clients(2)
    b.ask("AWAY :out", "306")
    w = a.ask("USERHOST %s %s" % (a.nick, b.nick), "302")[-1]
    got = w.params[1].split()
    s.check(len(got) == 2 and got[0].startswith(a.nick + "=+") and
            got[1].startswith(b.nick + "=-"), "302 %r" % w)


@suite.case("USERHOST: * after an operator's nick")
def _(s):
    a, b = s.clients(2)
    s.oper(b)
    w = a.ask("USERHOST " + b.nick, "302")[-1]
    s.check(w.params[1].startswith(b.nick + "*="), "302 %r" % w)


@suite.case("an unknown command: 421 with its name")
def _(s):
    a = s.client()
    w = a.ask("FROBNICATE x", "421")[-1]
    s.check(w.params[1].upper() == "FROBNICATE", "421 %r" % w)


suite.run()
