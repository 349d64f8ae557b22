#!/usr/bin/python3
"""t-server-plain - nc/telnet users: greeting, nickname prompt, the default
room, slash commands, exit, telnet bytes; plain and IRC users together;
history replay in every wire format."""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from chatbox_test import T, Server, Line, case, irc, plain  # noqa: E402

os.environ["TZ"] = "UTC"  # the server's HH:MM is local time
srv = Server("-R", "0", "-H", "3").__enter__()
P = srv.port


@case("greeting, nickname prompt, bad and taken nicknames, #lobby")
def _():
    c = Line(P)
    T.check("greeted without saying anything", c.expect(r"^Welcome to .*chat!$"))
    T.check("asked for a nickname", c.expect(r"nickname"))
    c.send("9bad")
    T.check("a bad nickname is refused", c.expect(r"^-- '9bad' cannot be a nickname"))
    other = irc(P, "taken")
    c.send("Taken")
    T.check("a taken nickname is refused", c.expect(r"^-- Taken is taken"))
    c.send("pat")
    T.check("accepted and in #lobby", c.expect(r"^-- Hello pat! You are in #lobby"))
    T.check("sees own join", c.expect(r"^\* pat joined #lobby$"))
    T.check("sees who is there", c.expect(r"^-- In #lobby: .*pat"))
    c.send("exit")
    T.check("'exit' says bye", c.expect(r"^-- Bye!$"))
    T.check("'exit' closes", c.closed())
    other.close()


@case("plain and IRC users see each other")
def _():
    i = irc(P, "ircy", join=("#lobby",))
    p = plain(P, "plainy")
    T.check("IRC user sees the plain user join", i.expect(r"^:plainy!plainy@127\.0\.0\.1 JOIN #lobby$"))
    p.send("hello from nc")
    T.check("IRC user gets the plain line as PRIVMSG", i.expect(r"^:plainy!\S+ PRIVMSG #lobby :hello from nc$"))
    i.send("PRIVMSG #lobby :hello from irc")
    T.check("plain user reads HH:MM <nick> text", p.expect(r"^\d\d:\d\d <ircy> hello from irc$"))
    i.send("PRIVMSG #lobby :\x01ACTION waves\x01")
    T.check("an action reads '* nick text'", p.expect(r"^\d\d:\d\d \* ircy waves$"))
    i.send("PRIVMSG #lobby :\x1b[2Jcolour \x0304red\x03 text")
    T.check("control bytes and IRC colours never reach a plain terminal",
            p.expect(r"^\d\d:\d\d <ircy> \[2Jcolour red text$"))
    i.send("NICK ircz")
    T.check("plain user sees nick changes", p.expect(r"^\* ircy is now known as ircz$"))
    p.send("/nick plainz")
    T.check("IRC user sees plain nick change", i.expect(r"^:plainy!\S+ NICK :?plainz$"))
    p.send("/me dances")
    T.check("/me is a CTCP ACTION", i.expect(r"PRIVMSG #lobby :\x01ACTION dances\x01$"))
    p.send("/msg ircz psst")
    T.check("/msg is a private PRIVMSG", i.expect(r"^:plainz!\S+ PRIVMSG ircz :psst$"))
    T.check("/msg is confirmed", p.expect(r"^-> \*ircz\* psst$"))
    i.send("PRIVMSG plainz :back")
    T.check("private message to plain reads *nick*", p.expect(r"^\d\d:\d\d \*ircz\* back$"))
    p.send("/join #side")
    T.check("/join joins", p.expect(r"^\* plainz joined #side$"))
    p.send("/topic side talk")
    T.check("/topic sets the topic", p.expect(r"^\* plainz set the topic of #side: side talk$"))
    i.send("JOIN #side")
    i.expect(r" 366 ircz #side ")
    p.send("in the side room")
    T.check("plain text goes to the latest room", i.expect(r"PRIVMSG #side :in the side room"))
    i.send("PRIVMSG #side :answer")
    T.check("other rooms are named", p.expect(r"^\d\d:\d\d #side <ircz> answer$"))
    p.send("/rooms")
    T.check("/rooms lists rooms", p.expect(r"^-- #side \(2\) side talk$"))
    p.send("/who")
    T.check("/who lists the room", p.expect(r"^-- In #side: @plainz ircz$"))
    p.send("/part")
    T.check("/part leaves the current room", i.expect(r"^:plainz!\S+ PART #side"))
    p.send("/bogus")
    T.check("unknown command is explained", p.expect(r"^-- Unknown command /bogus"))
    p.send("/help")
    T.check("/help lists the commands", p.expect(r"/quit or exit"))
    p.send("/join nohash")
    T.check("errors read as text", p.expect(r"^-- nohash: No such channel$"))
    p.send("x" * 600)
    T.check("an overlong line is refused", p.expect(r"^-- Line too long"))
    p.send("/quit gone fishing")
    T.check("/quit reason reaches IRC", i.expect(r"^:plainz!\S+ QUIT :Quit: gone fishing$"))
    T.check("/quit closes", p.closed())
    i.close()


@case("telnet: IAC negotiation and CRLF are handled")
def _():
    t = Line(P)
    IAC, DO, WILL, SB, SE = 255, 253, 251, 250, 240
    t.send(bytes([IAC, DO, 1, IAC, WILL, 31, IAC, SB, 24, 0]) + b"xterm" + bytes([IAC, SE]))
    t.send(b"tel" + bytes([IAC, DO, 3]) + b"ly\r\n")
    T.check("nickname read through IAC bytes", t.expect(r"^-- Hello telly!"))
    i = irc(P, "watcher", join=("#lobby",))
    t.send(b"two\r\nlines\r\n")
    T.check("CRLF lines arrive intact (1)", i.expect(r"PRIVMSG #lobby :two$"))
    T.check("CRLF lines arrive intact (2)", i.expect(r"PRIVMSG #lobby :lines$"))
    t.send(b"bare cr\rsplits\r")
    T.check("a bare CR ends a line too", i.expect(r"PRIVMSG #lobby :bare cr$") and i.expect(r":splits$"))
    t.close()
    i.close()


@case("history: replayed to plain, server-time and other IRC users")
def _():
    h = irc(P, "hist", join=("#hist",))
    for k in range(5):
        h.send("PRIVMSG #hist :line %d" % k)
    h.send("PING :sync")
    h.expect("PONG")
    st = irc(P, "stimer", caps=("server-time",))
    st.send("JOIN #hist")
    st.expect(r" 366 stimer #hist ")
    got = [st.expect(r"PRIVMSG #hist :line \d").group(0) for _ in range(3)]
    T.check("server-time client gets the last 3 (-H 3)", all("line %d" % (k + 2) in g for k, g in enumerate(got)), got)
    T.check("with @time= tags of the original time",
            all(re.match(r"^@time=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z :hist!", st.lines[-3 + k]) for k in range(3)),
            st.lines[-3:])
    old = irc(P, "oldie")
    old.send("JOIN #hist")
    T.check("others get the time in the text", old.expect(r"^:hist!\S+ PRIVMSG #hist :\[\d\d:\d\d\] line 2$"))
    p = plain(P, "reader")
    p.send("/join #hist")
    T.check("plain users get timestamped lines", p.expect(r"^\d\d:\d\d #hist <hist> line 2$"))
    T.check("... in order", p.expect(r"^\d\d:\d\d #hist <hist> line 4$"))
    st.send("PRIVMSG #hist :live")
    T.check("live messages carry @time for server-time clients", h.expect(r"^:stimer!\S+ PRIVMSG #hist :live$"))
    for s in (h, st, old, p):
        s.close()


@case("-n names the server, -r picks the room plain users start in")
def _():
    with Server("-n", "Kitchen chat", "-r", "#home") as s2:
        c = Line(s2.port)
        T.check("greeting names the server", c.expect(r"^Welcome to Kitchen chat!$"))
        c.send("cook")
        T.check("plain users start in -r ROOM", c.expect(r"^-- Hello cook! You are in #home\."))
        T.check("and join it", c.expect(r"^\* cook joined #home$"))
        i = irc(s2.port, "eater", join=("#home",))
        c.send("dinner")
        T.check("the start room reads without its name", i.expect(r"PRIVMSG #home :dinner$"))


T.check("server exits 0 on SIGTERM", srv.stop() == 0, srv.output())
T.done()
