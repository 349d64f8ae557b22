#!/usr/bin/python3
"""t-mod-conform - room modes, bans, invitations and operators, each case
run against chat-server, ngIRCd and InspIRCd alike (tests/lib/conformance.py):
+b/+e/+I with their lists, +i with INVITE, +m with +v, +k, +l, +s/+p,
MODE with several changes, 324/329, OPER and KILL. The cases check the
numerics and parameters modern IRC fixes, not any server's wording.

Where the peers differ from chat-server (the table at the end shows it),
and why chat-server does what it does:
  - a banned member's NICK: InspIRCd refuses it (447), ngIRCd lets it
    through; chat-server refuses, with InspIRCd's 447, or a ban is shed by
    renaming.
  - MODE +l nonsense: InspIRCd announces +l 0; ngIRCd and chat-server
    change nothing (chat-server says 696, as modern IRC has it).
  - +v/+o of someone not in the room: InspIRCd says nothing; ngIRCd and
    chat-server say 441.
  - +s with +p: ngIRCd drops +p (RFC 2811 makes them exclusive); InspIRCd
    and chat-server keep both (each hides the room; neither says more).
  - KILL: ngIRCd's ERROR reads "KILLed by nick: reason"; chat-server's is
    InspIRCd's "Killed (nick (reason))", which the issue asks for.
  - an operator's MODE/KICK in a room it is not in: both peers refuse
    without extra privileges or modules; chat-server's operators may, as
    the issue asks (the default room has no room operator at all).
  - -b of a bare nick: InspIRCd wants the mask as set (698); chat-server
    completes it as +b does, ngIRCd too.
  - OPER right after a wrong one: ngIRCd does not answer within the wait
    (it holds a client back after a failed OPER); chat-server answers at
    once and locks an address out only after 3 failures (491)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from conformance import Suite  # noqa: E402
from chatbox_test import T, configured  # noqa: E402

if not configured("SERVER_MODERATION"):
    T.skip("moderation conformance", "built without SERVER_MODERATION")
    T.done()

suite = Suite("mod")


def room_of(s, op, *others):
    room = s.room()
    op.join(room)
    for c in others:
        c.join(room)
    return room


def mode(c, room, change):
    """MODE by C; the MODE line that comes back (C is in ROOM)."""
    c.send("MODE %s %s" % (room, change))
    return c.expect("MODE", lambda m: m.params[0].lower() == room.lower())


def mask_of(c):
    return c.nick + "!*@*"


# --- +b, +e, +I ------------------------------------------------------------------

@suite.case("+b NICK: announced as NICK!*@*, listed in 367 (setter, time), 368")
def _(s):
    a, b = s.clients(2)
    room = room_of(s, a)
    m = mode(a, room, "+b " + b.nick)
    s.check(m.params[1:3] == ["+b", mask_of(b)], "MODE %r" % m)
    got = a.ask("MODE %s b" % room, "368")
    row = s.one(got, "367")
    s.check(row.params[1].lower() == room.lower() and row.params[2] == mask_of(b), "367 %r" % row)
    s.check(len(row.params) >= 5 and row.params[4].isdigit(), "367 setter and time: %r" % row)


@suite.case("a ban keeps out (474) and silences a member (404); -b lifts it")
def _(s):
    a, b, c = s.clients(3)
    room = room_of(s, a, b)
    mode(a, room, "+b %s!*@*" % c.nick)
    got = c.ask("JOIN " + room, ("474", "366"))
    s.check(got[-1].command == "474", "JOIN of a banned nick: %r" % got[-1])
    mode(a, room, "+b " + b.nick)
    b.send("PRIVMSG %s :can you hear me" % room)
    b.expect("404")
    s.check(a.absent("PRIVMSG"), "the banned member's message arrived")
    mode(a, room, "-b " + mask_of(b))  # InspIRCd takes -b only as set (698 otherwise)
    b.send("PRIVMSG %s :now?" % room)
    a.expect("PRIVMSG", lambda m: m.params[-1] == "now?")


@suite.case("a banned member may not change nick: 447 (InspIRCd; ngIRCd allows it)")
def _(s):
    a, b = s.clients(2)
    room = room_of(s, a, b)
    mode(a, room, "+b %s*!*@*" % b.nick[:2])
    got = b.ask("NICK %sz" % b.nick, ("447", "435", "437", "NICK"))
    s.check(got[-1].command == "447", "NICK of a banned member: %r" % got[-1])
    s.check(b.absent("NICK"), "the nick changed after all")


@suite.case("+e: a ban exception lets the banned join and talk; 348/349 list")
def _(s):
    a, b = s.clients(2)
    room = room_of(s, a)
    mode(a, room, "+b *!*@*")
    mode(a, room, "+e " + b.nick)
    b.join(room)
    b.send("PRIVMSG %s :excepted" % room)
    a.expect("PRIVMSG", lambda m: m.params[-1] == "excepted")
    got = a.ask("MODE %s e" % room, "349")
    s.check(s.one(got, "348").params[2] == mask_of(b), "348 %r" % got)


@suite.case("+I: an invite exception lets a matching user into +i; 346/347 list")
def _(s):
    a, b, c = s.clients(3)
    room = room_of(s, a)
    mode(a, room, "+i")
    mode(a, room, "+I " + b.nick)
    b.join(room)
    got = c.ask("JOIN " + room, ("473", "366"))
    s.check(got[-1].command == "473", "JOIN +i without an exception: %r" % got[-1])
    got = a.ask("MODE %s I" % room, "347")
    s.check(s.one(got, "346").params[2] == mask_of(b), "346 %r" % got)


@suite.case("a banned member with a voice still talks")
def _(s):
    a, b = s.clients(2)
    room = room_of(s, a, b)
    mode(a, room, "+v " + b.nick)
    mode(a, room, "+b " + b.nick)
    b.send("PRIVMSG %s :voiced and banned" % room)
    a.expect("PRIVMSG", lambda m: m.params[-1] == "voiced and banned")


@suite.case("+e and +I lists: a member who is no operator sees them too")
def _(s):
    a, b = s.clients(2)
    room = room_of(s, a, b)
    mode(a, room, "+e " + b.nick)
    for letter, end in (("e", "349"), ("I", "347")):
        got = b.ask("MODE %s %s" % (room, letter), ("482", end))
        s.check(got[-1].command == end, "MODE %s by a non-op: %r" % (letter, got[-1]))


@suite.case("+o/+v errors: 401 for no such nick, 441 for a non-member")
def _(s):
    a, b = s.clients(2)
    room = room_of(s, a)
    got = a.ask("MODE %s +o nosuch%s" % (room, a.nick), ("401", "441", "MODE"))
    s.check(got[-1].command == "401", "+o of nobody: %r" % got[-1])
    got = a.ask("MODE %s +v %s" % (room, b.nick), ("401", "441", "MODE"))
    s.check(got[-1].command == "441", "+v of a non-member: %r" % got[-1])


# --- +i and INVITE -----------------------------------------------------------------

@suite.case("+i: 473; INVITE: 341 to the inviter, INVITE to the invitee, who joins")
def _(s):
    a, b = s.clients(2)
    room = room_of(s, a)
    mode(a, room, "+i")
    got = b.ask("JOIN " + room, ("473", "366"))
    s.check(got[-1].command == "473", "JOIN +i: %r" % got[-1])
    got = a.ask("INVITE %s %s" % (b.nick, room), "341")
    s.check(got[-1].params[1:3] == [b.nick, room], "341 %r" % got[-1])
    inv = b.expect("INVITE")
    s.check(inv.nick == a.nick and inv.params == [b.nick, room], "INVITE %r" % inv)
    b.join(room)


@suite.case("INVITE errors: 443 already there, 401 no such nick, 442 not on it, 482 +i non-op")
def _(s):
    a, b, c = s.clients(3)
    room = room_of(s, a, b)
    got = a.ask("INVITE %s %s" % (b.nick, room), ("443", "341"))
    s.check(got[-1].command == "443", "INVITE of a member: %r" % got[-1])
    got = a.ask("INVITE nosuch%s %s" % (a.nick, room), ("401", "341"))
    s.check(got[-1].command == "401", "INVITE of nobody: %r" % got[-1])
    got = c.ask("INVITE %s %s" % (a.nick, room), ("442", "443", "341"))
    s.check(got[-1].command in ("442", "443"), "INVITE from outside: %r" % got[-1])
    mode(a, room, "+i")
    got = b.ask("INVITE %s %s" % (c.nick, room), ("482", "341"))
    s.check(got[-1].command == "482", "INVITE to +i by a non-op: %r" % got[-1])


# --- +m, +v --------------------------------------------------------------------------

@suite.case("+m: the unvoiced get 404; +v gives a voice; ops always talk")
def _(s):
    a, b = s.clients(2)
    room = room_of(s, a, b)
    mode(a, room, "+m")
    b.send("PRIVMSG %s :muted" % room)
    b.expect("404")
    s.check(a.absent("PRIVMSG"), "an unvoiced message came through +m")
    m = mode(a, room, "+v " + b.nick)
    s.check(m.params[1:3] == ["+v", b.nick], "MODE %r" % m)
    b.send("PRIVMSG %s :voiced" % room)
    a.expect("PRIVMSG", lambda m: m.params[-1] == "voiced")
    a.send("PRIVMSG %s :op talks" % room)
    b.expect("PRIVMSG", lambda m: m.params[-1] == "op talks")


# --- +k, +l, +s, +p, several at once, 324/329 -----------------------------------

@suite.case("+k: 475 without the key, JOIN with it; 324 shows the key to members")
def _(s):
    a, b, c = s.clients(3)
    room = room_of(s, a)
    mode(a, room, "+k sesame")
    got = b.ask("JOIN " + room, ("475", "366"))
    s.check(got[-1].command == "475", "JOIN without a key: %r" % got[-1])
    b.join(room, "sesame")
    got = b.ask("MODE " + room, "324")
    s.check("k" in got[-1].params[2] and "sesame" in got[-1].params[3:], "324 %r" % got[-1])
    got = c.ask("MODE " + room, "324")
    s.check("sesame" not in got[-1].params[3:], "324 to an outsider shows the key: %r" % got[-1])


@suite.case("+l N: 471 when full; +l with a bad number changes nothing")
def _(s):
    a, b = s.clients(2)
    room = room_of(s, a)
    m = mode(a, room, "+l 1")
    s.check(m.params[1:3] == ["+l", "1"], "MODE %r" % m)
    got = b.ask("JOIN " + room, ("471", "366"))
    s.check(got[-1].command == "471", "JOIN of a full room: %r" % got[-1])
    a.send("MODE %s +l nonsense" % room)
    s.check(a.absent("MODE"), "+l nonsense was applied")


@suite.case("MODE with several changes and arguments: one MODE line; 324 and 329")
def _(s):
    a, b = s.clients(2)
    room = room_of(s, a, b)
    m = mode(a, room, "+mvsp %s" % b.nick)
    s.check(set(m.params[1].lstrip("+")) == set("mvsp") and m.params[2:] == [b.nick],
            "MODE %r" % m)
    got = a.ask("MODE " + room, "329")
    modes = s.one(got, "324").params[2]
    s.check(all(ch in modes for ch in "mps"), "324 %r" % modes)
    s.check(s.one(got, "329").params[2].isdigit(), "329 %r" % got[-1])


@suite.case("MODE by a non-op: 482, nothing changes")
def _(s):
    a, b = s.clients(2)
    room = room_of(s, a, b)
    got = b.ask("MODE %s +m" % room, ("482", "MODE"))
    s.check(got[-1].command == "482", "MODE by a non-op: %r" % got[-1])


# --- operators ---------------------------------------------------------------------

@suite.case("OPER with a wrong password: 464 or 491; with the right one: 381")
def _(s):
    a = s.client()
    got = a.ask("OPER oper wrong-password", ("464", "491", "381"))
    s.check(got[-1].command in ("464", "491"), "wrong password: %r" % got[-1])
    s.oper(a)


@suite.case("KILL: 481 for a user; an operator's kills: ERROR to the victim, QUIT to others")
def _(s):
    a, b, c = s.clients(3)
    room = room_of(s, a, b, c)
    got = c.ask("KILL %s :no" % b.nick, ("481", "ERROR"))
    s.check(got[-1].command == "481", "KILL by a user: %r" % got[-1])
    s.oper(a)
    a.send("KILL %s :troll" % b.nick)
    err = b.expect("ERROR")
    s.check("Killed" in err.params[-1] and "troll" in err.params[-1], "ERROR %r" % err)
    q = c.expect("QUIT")
    s.check(q.nick == b.nick and "Killed" in q.params[-1], "QUIT %r" % q)
    s.check(room, "")


@suite.case("an operator kicks and bans in a room it is not in")
def _(s):
    a, b, o = s.clients(3)
    room = room_of(s, a, b)
    s.oper(o)
    o.send("MODE %s +b %s" % (room, b.nick))
    m = b.expect("MODE")
    s.check(m.params[1:3] == ["+b", mask_of(b)], "MODE %r" % m)
    o.send("KICK %s %s :out" % (room, b.nick))
    k = a.expect("KICK")
    s.check(k.nick == o.nick and k.params[1] == b.nick, "KICK %r" % k)


suite.run()
