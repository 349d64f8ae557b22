#!/usr/bin/python3
"""t-conform-who - WHO, WHOX, WHOIS, WHOWAS, one case per numeric, each run
against chat-server, ngIRCd and InspIRCd (tests/lib/conformance.py).
The replies are the modern IRC client protocol's (modern.ircdocs.horse)
and RFC 2812's; only what they fix is checked, never a server's wording."""
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from conformance import Skip, Suite  # noqa: E402

suite = Suite("conform-who")


def mode_or_skip(s, c, room, modes):
    """MODE ROOM MODES by C, an op there; Skip if the server has not the mode."""
    c.send("MODE %s %s" % (room, modes))
    got = c.sync()
    if any(m.command in ("472", "501") for m in got):
        raise Skip("no channel mode %s" % modes)


def me(c):
    return lambda m: m.params[0] == c.nick


# --- WHO ----------------------------------------------------------------------

@suite.case("WHO #room: 352 per member (channel user host server nick H@ :0 real), 315")
def _(s):
    a, b = s.clients(2)
    room = s.room()
    a.join(room)
    b.join(room)
    got = b.ask("WHO " + room, "315")
    w = s.one(got, "352", lambda m: m.params[5] == a.nick)
    s.check(len(w.params) == 8, "8 parameters: %r" % w)
    s.check(w.params[1].lower() == room.lower(), "channel field %r" % w.params[1])
    s.check(w.params[2].lstrip("~") == a.user, "user %r" % w.params[2])
    s.check(w.params[6] == "H@", "flags %r (here, op)" % w.params[6])
    s.check(re.match(r"^0 Real %s$" % a.nick, w.params[7]), "hopcount, realname %r" % w.params[7])
    s.one(got, "352", lambda m: m.params[5] == b.nick and m.params[6] == "H")
    s.check(got[-1].params[1].lower() == room.lower(), "315 mask %r" % got[-1])


@suite.case("WHO: G for an away user")
def _(s):
    a, b = s.clients(2)
    room = s.room()
    a.join(room)
    b.join(room)
    b.ask("AWAY :lunch", "306")
    w = s.one(a.ask("WHO " + room, "315"), "352", lambda m: m.params[5] == b.nick)
    s.check(w.params[6] == "G", "flags %r" % w.params[6])


@suite.case("WHO: * for a server operator")
def _(s):
    a, b = s.clients(2)
    room = s.room()
    a.join(room)
    b.join(room)
    s.oper(b)
    w = s.one(a.ask("WHO " + room, "315"), "352", lambda m: m.params[5] == b.nick)
    s.check(w.params[6] == "H*", "flags %r" % w.params[6])


@suite.case("WHO #room o: server operators only (RFC 2812)")
def _(s):
    a, b = s.clients(2)
    room = s.room()
    a.join(room)
    b.join(room)
    s.oper(b)
    nicks = {m.params[5] for m in a.ask("WHO %s o" % room, "315") if m.command == "352"}
    s.check(nicks == {b.nick}, "WHO o gave %r" % nicks)


@suite.case("WHO with multi-prefix: every prefix, highest first (H@+)")
def _(s):
    a = s.client(caps=("multi-prefix",))
    room = s.room()
    a.join(room)
    a.send("MODE %s +v %s" % (room, a.nick))
    a.expect("MODE")
    w = s.one(a.ask("WHO " + room, "315"), "352", lambda m: m.params[5] == a.nick)
    s.check(w.params[6] == "H@+", "flags %r" % w.params[6])


@suite.case("WHO nick: 352 for that user, 315 with the mask")
def _(s):
    a, b = s.clients(2)
    got = a.ask("WHO " + b.nick, "315")
    w = s.one(got, "352")
    s.check(w.params[5] == b.nick and w.params[6] == "H", "row %r" % w)
    s.check(got[-1].params[1] == b.nick, "315 mask %r" % got[-1])


@suite.case("WHO nobody: only 315")
def _(s):
    a = s.client()
    got = a.ask("WHO nosuchnick%s" % a.nick[-4:], "315")
    s.none(got, "352")


@suite.case("WHO mask: nick glob matches, invisible strangers left out")
def _(s):
    a, b, c = s.clients(3)
    c.ask("MODE %s +i" % c.nick, "MODE")
    got = a.ask("WHO c%s*" % s.tag, "315")
    nicks = {m.params[5] for m in got if m.command == "352"}
    s.check(b.nick in nicks, "%s missing from %r" % (b.nick, nicks))
    s.check(c.nick not in nicks, "invisible %s listed to a stranger" % c.nick)


@suite.case("WHO #room: invisible members hidden from non-members")
def _(s):
    a, b, c = s.clients(3)
    room = s.room()
    a.join(room)
    b.ask("MODE %s +i" % b.nick, "MODE")
    b.join(room)
    nicks = {m.params[5] for m in c.ask("WHO " + room, "315") if m.command == "352"}
    s.check(a.nick in nicks and b.nick not in nicks, "WHO to a stranger: %r" % nicks)
    nicks = {m.params[5] for m in a.ask("WHO " + room, "315") if m.command == "352"}
    s.check(b.nick in nicks, "WHO to a member: %r" % nicks)


@suite.case("WHO #secret: members hidden from non-members (+s)")
def _(s):
    a, b = s.clients(2)
    room = s.room()
    a.join(room)
    mode_or_skip(s, a, room, "+s")
    got = b.ask("WHO " + room, "315")
    s.none(got, "352")


# --- WHOX ---------------------------------------------------------------------

@suite.case("WHOX: advertised (005 WHOX)")
def _(s):
    s.client()
    s.check("WHOX" in s.isupport, "no WHOX in 005")


@suite.case("WHOX %tcuhnfar,42: 354 with the fields in the fixed order")
def _(s):
    a, b = s.clients(2)
    room = s.room()
    a.join(room)
    b.join(room)
    if "WHOX" not in s.isupport:
        raise Skip("WHOX not advertised")
    got = a.ask("WHO %s %%arfnhuct,42" % room, "315")
    w = s.one(got, "354", lambda m: b.nick in m.params)
    # t c u h n f a r: token, channel, user, host, nick, flags, account, realname
    p = w.params
    s.check(len(p) == 9, "9 parameters: %r" % w)
    s.check(p[1] == "42" and p[2].lower() == room.lower(), "token, channel %r" % w)
    s.check(p[3].lstrip("~") == b.user and p[5] == b.nick, "user, nick %r" % w)
    s.check(p[6] == "H" and p[7] == "0", "flags, account %r" % w)
    s.check(p[8] == "Real " + b.nick, "realname %r" % p[8])
    s.none(got, "352")


@suite.case("WHOX as irssi asks on JOIN: %tcuhnfdar,743")
def _(s):
    a, b = s.clients(2)
    room = s.room()
    a.join(room)
    b.join(room)
    if "WHOX" not in s.isupport:
        raise Skip("WHOX not advertised")
    w = s.one(a.ask("WHO %s %%tcuhnfdar,743" % room, "315"), "354",
              lambda m: b.nick in m.params)
    p = w.params
    s.check(len(p) == 10 and p[1] == "743" and p[2].lower() == room.lower(), "354 %r" % w)
    s.check(p[5:9] == [b.nick, "H", "0", "0"] and p[9] == "Real " + b.nick, "354 %r" % w)


@suite.case("WHOX as WeeChat asks: %cuhsnfdar, no token")
def _(s):
    a, b = s.clients(2)
    room = s.room()
    a.join(room)
    b.join(room)
    if "WHOX" not in s.isupport:
        raise Skip("WHOX not advertised")
    w = s.one(a.ask("WHO %s %%cuhsnfdar" % room, "315"), "354",
              lambda m: b.nick in m.params)
    p = w.params
    s.check(len(p) == 10 and p[1].lower() == room.lower() and p[4] == a.server, "354 %r" % w)
    s.check(p[5:9] == [b.nick, "H", "0", "0"] and p[9] == "Real " + b.nick, "354 %r" % w)


@suite.case("WHOX %n: only the nick, no token")
def _(s):
    a = s.client()
    if "WHOX" not in s.isupport:
        raise Skip("WHOX not advertised")
    w = s.one(a.ask("WHO %s %%n" % a.nick, "315"), "354")
    s.check(w.params == [a.nick, a.nick], "354 %r" % w)


# --- WHOIS --------------------------------------------------------------------

@suite.case("WHOIS: 311 (nick user host * :real), 312, 318")
def _(s):
    a, b = s.clients(2)
    got = a.ask("WHOIS " + b.nick, "318")
    w = s.one(got, "311")
    s.check(w.params[1] == b.nick and w.params[2].lstrip("~") == b.user, "311 %r" % w)
    s.check(w.params[4] == "*" and w.params[5] == "Real " + b.nick, "311 %r" % w)
    s.one(got, "312", lambda m: m.params[1] == b.nick)
    s.check(got[-1].params[1] == b.nick, "318 %r" % got[-1])


@suite.case("WHOIS: 319 lists the rooms with their prefixes")
def _(s):
    a, b = s.clients(2)
    r1, r2 = s.room(), s.room()
    b.join(r1)
    a.join(r2)
    b.join(r2)
    w = s.one(a.ask("WHOIS " + b.nick, "318"), "319")
    rooms = w.params[2].lower().split()
    s.check(sorted(rooms) == sorted(["@" + r1.lower(), r2.lower()]), "319 %r" % w)


@suite.case("WHOIS: 319 leaves +s rooms out for non-members")
def _(s):
    a, b = s.clients(2)
    secret, open_ = s.room(), s.room()
    b.join(secret)
    mode_or_skip(s, b, secret, "+s")
    b.join(open_)
    w = s.one(a.ask("WHOIS " + b.nick, "318"), "319")
    s.check(w.params[2].lower().split() == ["@" + open_.lower()], "319 %r" % w)


@suite.case("WHOIS: 317 idle seconds and signon time")
def _(s):
    a, b = s.clients(2)
    b.send("PRIVMSG %s :hi" % a.nick)
    a.expect("PRIVMSG")
    w = s.one(a.ask("WHOIS " + b.nick, "318"), "317")
    idle, signon = int(w.params[2]), int(w.params[3])
    s.check(0 <= idle < 30, "idle %d" % idle)
    s.check(abs(signon - time.time()) < 60, "signon %d (now %d)" % (signon, time.time()))


@suite.case("WHOIS: 301 with the away text")
def _(s):
    a, b = s.clients(2)
    b.ask("AWAY :gone fishing", "306")
    w = s.one(a.ask("WHOIS " + b.nick, "318"), "301")
    s.check(w.params[1:] == [b.nick, "gone fishing"], "301 %r" % w)


@suite.case("WHOIS: 313 for a server operator")
def _(s):
    a, b = s.clients(2)
    s.oper(b)
    s.one(a.ask("WHOIS " + b.nick, "318"), "313", lambda m: m.params[1] == b.nick)


@suite.case("WHOIS: the address (378/338) never to a non-operator")
def _(s):
    a, b = s.clients(2)
    got = a.ask("WHOIS " + b.nick, "318")
    s.none(got, ("378", "338"))


@suite.case("WHOIS: the address (378/338) to an operator")
def _(s):
    a, b = s.clients(2)
    s.oper(a)
    got = a.ask("WHOIS " + b.nick, "318")
    w = s.one(got, ("378", "338"))
    s.check("127.0.0.1" in " ".join(w.params), "no address in %r" % w)


@suite.case("WHOIS nobody: 401, then 318")
def _(s):
    a = s.client()
    got = a.ask("WHOIS nobody" + a.nick[-5:], "318")
    s.one(got, "401")


@suite.case("WHOIS server nick: the second parameter is the nick")
def _(s):
    a, b = s.clients(2)
    got = a.ask("WHOIS %s %s" % (b.nick, b.nick), "318")
    s.one(got, "311", lambda m: m.params[1] == b.nick)


# --- WHOWAS -------------------------------------------------------------------

@suite.case("WHOWAS after a nick change: 314 (nick user host * :real), 369")
def _(s):
    a, b = s.clients(2)
    old = b.nick
    b.nick = old[:-1] + "n" + old[-1]
    b.send("NICK " + b.nick)
    b.expect("NICK")
    got = a.ask("WHOWAS " + old, "369")
    w = s.one(got, "314")
    s.check(w.params[1] == old and w.params[2].lstrip("~") == b.user, "314 %r" % w)
    s.check(w.params[4] == "*" and w.params[5] == "Real " + old, "314 %r" % w)
    s.check(got[-1].params[1] == old, "369 %r" % got[-1])


@suite.case("WHOWAS after QUIT: 314, 312 with the server")
def _(s):
    a, b = s.clients(2)
    b.send("QUIT :bye")
    b._take(lambda m: m.command == "ERROR", "ERROR", 5)
    got = a.ask("WHOWAS " + b.nick, "369")
    s.one(got, "314", lambda m: m.params[1] == b.nick)
    s.one(got, "312", lambda m: m.params[1] == b.nick)


@suite.case("WHOWAS count: at most that many 314")
def _(s):
    a = s.client()
    first = a.nick
    for i in range(3):
        new = "%sw%d" % (first[:12], i)
        a.send("NICK " + new)
        a.expect("NICK")
        a.send("NICK " + first)
        a.expect("NICK")
    got = a.ask("WHOWAS %s 2" % first, "369")
    s.check(len([m for m in got if m.command == "314"]) == 2, "two 314 expected: %r" % got)
    if s.kind == "chatbox":  # RFC 2812: a count of none or not positive is every entry
        for count in ("0", "-1", "x", "99999999999999999999"):
            got = a.ask("WHOWAS %s %s" % (first, count), "369")
            s.check(len([m for m in got if m.command == "314"]) == 3,
                    "count %s: all three 314 expected: %r" % (count, got))


@suite.case("WHOWAS history is bounded: after 34 nicks given up the 2 oldest are gone (it keeps 32)")
def _(s):
    if s.kind != "chatbox":
        raise Skip("chat-server's own bound")
    a = s.client()
    names = ["%sh%d" % (a.nick[:10], i) for i in range(34)]
    for n in names:
        a.send("NICK " + n)
        a.expect("NICK", lambda m, n=n: m.params[0] == n)
    names = [a.nick] + names  # the registration nick went first, then names[0..32]
    got = a.ask("WHOWAS " + names[1], "369")
    s.check(any(m.command == "406" for m in got), "an evicted nick is still there: %r" % got)
    got = a.ask("WHOWAS " + names[2], "369")
    s.one(got, "314")


@suite.case("WHOWAS never seen: 406, then 369")
def _(s):
    a = s.client()
    got = a.ask("WHOWAS never" + a.nick[-5:], "369")
    s.one(got, "406")


suite.run()
