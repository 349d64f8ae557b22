#!/usr/bin/python3
"""t-conform-account - accounts as IRCv3 specifies them (sasl-3.1 with
PLAIN, draft/account-registration), run by the conformance harness against
chat-server, ngIRCd and InspIRCd (tests/lib/conformance.py).

Mostly chat-server's own: ngIRCd has no SASL, and InspIRCd 3.15 offers
m_sasl only together with a services server (it relays AUTHENTICATE to
services, which the harness does not run); neither has account
registration. So on the peers these cases SKIP, saying which capability
the server did not offer."""
import base64
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from conformance import Skip, Suite  # noqa: E402

suite = Suite("conform-account")
PW = "tr0ub4dor"


def start(s, caps):
    """An unregistered client that asked CAP LS 302 and got CAPS, else Skip."""
    c = s.raw()
    c.nick = s._fresh("a")
    c.send("CAP LS 302")
    ls = c.expect("CAP", lambda m: m.params[1] == "LS")
    offered = {t.partition("=")[0] for t in ls.params[-1].split()}
    for cap in caps:
        if cap not in offered:
            raise Skip("%s not offered (%s)" % (cap, "ngIRCd has no SASL" if s.kind == "ngircd"
                                                else "InspIRCd 3.15: m_sasl needs services"
                                                if s.kind == "inspircd" else "this build"))
    c.send("NICK " + c.nick)
    c.send("USER u 0 * :u")
    c.send("CAP REQ :" + " ".join(caps))
    s.check(c.expect("CAP", lambda m: m.params[1] in ("ACK", "NAK")).params[1] == "ACK", "NAK")
    return c


def plain(c, account, password):
    c.send("AUTHENTICATE PLAIN")
    s_plus = c.expect("AUTHENTICATE")
    c.send("AUTHENTICATE " + base64.b64encode(("\0%s\0%s" % (account, password)).encode()).decode())
    return s_plus


def registered(s, c):
    c.send("REGISTER * * " + PW)
    m = c.expect("REGISTER")
    s.check(m.params[:2] == ["SUCCESS", c.nick], "REGISTER reply %r" % m.raw)
    c.send("CAP END")
    c.expect("001")
    c.send("QUIT")
    c.expect("ERROR")


@suite.case("REGISTER * * PASSWORD: REGISTER SUCCESS NICK, and logged in (900)")
def _(s):
    c = start(s, ("draft/account-registration",))
    c.send("REGISTER * * " + PW)
    ok = c.expect("REGISTER")
    s.check(ok.params[:2] == ["SUCCESS", c.nick], "reply %r" % ok.raw)
    m = c.expect("900")
    s.check(m.params[2] == c.nick, "900 account %r" % m.params)
    c.send("REGISTER * * " + PW)
    f = c.expect("FAIL")
    s.check(f.params[:2] == ["REGISTER", "ALREADY_AUTHENTICATED"], "again: %r" % f.raw)


@suite.case("SASL PLAIN: AUTHENTICATE +, then 900 and 903; CAP END welcomes")
def _(s):
    c = start(s, ("sasl", "draft/account-registration"))
    registered(s, c)
    d = start(s, ("sasl",))
    p = plain(d, c.nick, PW)
    s.check(p.params == ["+"], "AUTHENTICATE %r" % p.params)
    m = d.expect("900")
    s.check(m.params[2] == c.nick, "900 %r" % m.params)
    d.expect("903")
    d.send("CAP END")
    d.expect("001")


@suite.case("SASL PLAIN, a wrong password: 904, and registration still goes on")
def _(s):
    c = start(s, ("sasl", "draft/account-registration"))
    registered(s, c)
    d = start(s, ("sasl",))
    plain(d, c.nick, "not-it")
    d.expect("904")
    d.send("CAP END")
    d.expect("001")


@suite.case("AUTHENTICATE with an unknown mechanism: 908 (the list), 904")
def _(s):
    c = start(s, ("sasl",))
    c.send("AUTHENTICATE NOSUCHMECH")
    m = c.expect("908")
    s.check("PLAIN" in m.params[1].split(","), "908 %r" % m.params)
    c.expect("904")


suite.run()
