#!/usr/bin/python3
"""t-mod-plain - a plain (nc) user has the same powers as an IRC one, as
slash commands: /op /deop /voice /kick /ban /unban /invite /mode /away
/oper /kill, and /help says what the user may do, and how to join a room
with a key."""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from chatbox_test import BIN, EMU, T, Line, Server, case, configured, irc, plain  # noqa: E402

if not configured("SERVER_MODERATION"):
    T.skip("moderation by plain users", "built without SERVER_MODERATION")
    T.done()

PASSWORD = "plain-pass"


def opers_file():
    link = os.path.join(tempfile.mkdtemp(prefix="chatbox-"), "chat-server")
    os.symlink(BIN, link)
    h = subprocess.run(EMU + [link, "--hash-password"], input=PASSWORD + "\n",
                       capture_output=True, text=True, timeout=60).stdout.strip()
    path = os.path.join(tempfile.mkdtemp(prefix="chatbox-opers-"), "operators")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write("chief %s\n" % h)
    return path


with Server("-R", "0", "-O", opers_file()) as srv:
    @case("/help: what a user may do, /join #room key; a room operator's commands once one")
    def _():
        p = plain(srv.port, "helpme")
        p.send("/help")
        T.check("it says how to join a room with a key", lambda: p.expect(r"^-- .*/join #room key"))
        T.check("/oper is there for everyone", lambda: p.expect(r"^-- +/oper NAME PASSWORD"))
        T.check("no /kick in the default room (nobody runs it)", p.absent(r"/kick"))
        p.send("/join #mine")
        p.expect(r"^-- In #mine")
        p.send("/help")
        T.check("in a room of its own: /kick, /ban", lambda: p.expect(r"^-- +/kick NICK"))
        T.check("no /kill for a user", p.absent(r"/kill"))

    @case("/op /voice /deop /mode /kick: a plain room operator runs the room")
    def _():
        p = plain(srv.port, "boss")
        p.send("/join #plain")
        p.expect(r"^-- In #plain")
        i = irc(srv.port, "ircy", join=["#plain"])
        p.send("/voice ircy")
        T.check("/voice: +v announced", lambda: i.expect(r"^:boss!\S+ MODE #plain \+v ircy$"))
        p.send("/op ircy")
        T.check("/op: +o", lambda: i.expect(r"MODE #plain \+o ircy$"))
        T.check("the plain user reads it", lambda: p.expect(r"^\* boss sets mode \+o ircy on #plain$"))
        p.send("/deop ircy")
        T.check("/deop: -o", lambda: i.expect(r"MODE #plain -o ircy$"))
        p.send("/mode +mk sesame")
        T.check("/mode CHANGES ARGS", lambda: i.expect(r"MODE #plain \+mk sesame$"))
        p.send("/mode")
        T.check("/mode alone: the modes, key shown", lambda: p.expect(r"^-- #plain \+mntk sesame$"))
        p.send("/kick ircy enough")
        T.check("/kick NICK REASON", lambda: i.expect(r"^:boss!\S+ KICK #plain ircy :enough$"))

    @case("/ban /unban: a ban keeps a nick out; /unban lets it back")
    def _():
        p = plain(srv.port, "banner")
        p.send("/join #bans")
        p.expect(r"^-- In #bans")
        p.send("/ban troll*")
        T.check("/ban: +b troll*!*@*", lambda: p.expect(r"sets mode \+b troll\*!\*@\* on #bans$"))
        t = irc(srv.port, "troll1")
        t.send("JOIN #bans")
        T.check("the troll: 474", lambda: t.expect(r" 474 troll1 #bans "))
        p.send("/unban troll*")
        T.check("/unban: -b", lambda: p.expect(r"sets mode -b troll\*!\*@\* on #bans$"))
        t.send("JOIN #bans")
        T.check("the troll joins again", lambda: t.expect(r"^:troll1!\S+ JOIN #bans"))

    @case("/invite: an invitation a plain user reads and uses; /invite alone lists")
    def _():
        p = plain(srv.port, "door")
        p.send("/join #closed")
        p.expect(r"^-- In #closed")
        p.send("/mode +i")
        q = plain(srv.port, "guest2")
        q.send("/join #closed")
        T.check("+i: refused", lambda: q.expect(r"^-- #closed: Cannot join channel \(\+i\)$"))
        p.send("/invite guest2")
        T.check("the inviter: 341", lambda: p.expect(r"^-- guest2 #closed$"))
        T.check("the invitee reads how to come", lambda: q.expect(r"^-- door invites you to #closed: /join #closed$"))
        q.send("/invite")
        T.check("/invite alone lists it", lambda: q.expect(r"^-- #closed$"))
        q.send("/join #closed")
        T.check("and it joins", lambda: q.expect(r"^-- In #closed"))

    @case("/away, /oper, /kill: a plain operator disconnects a troll")
    def _():
        p = plain(srv.port, "sheriff")
        t = plain(srv.port, "pest")
        w = irc(srv.port, "watcher", join=["#lobby"])
        p.send("/away lunch")
        T.check("/away: 306", lambda: p.expect(r"^-- You have been marked as being away$"))
        p.send("/away")
        T.check("/away alone: 305", lambda: p.expect(r"^-- You are no longer marked as being away$"))
        p.send("/kill pest spam")
        T.check("/kill by a user: refused", lambda: p.expect(r"^-- Permission Denied"))
        p.send("/oper chief wrong")
        T.check("/oper with a wrong password: refused", lambda: p.expect(r"^-- Password incorrect$"))
        p.send("/oper chief " + PASSWORD)
        T.check("/oper: now an operator", lambda: p.expect(r"^-- You are now an IRC operator$"))
        p.send("/kill pest spam")
        T.check("/kill: the troll reads why", lambda: t.expect(r"^-- Closing Link: 127\.0\.0\.1 \(Killed \(sheriff \(spam\)\)\)$"))
        T.check("and is gone", t.closed())
        T.check("the room sees it quit", lambda: w.expect(r"^:pest!\S+ QUIT :Killed \(sheriff \(spam\)\)$"))
        p.send("/help")
        T.check("/help now shows /kill", lambda: p.expect(r"^-- +/kill NICK REASON"))
        p.send("/wallops meeting at noon")
        T.check("/wallops: an operator reads it as -- !nick! text",
                lambda: p.expect(r"^-- !sheriff! meeting at noon$"))

with Server("-R", "0", "-r", "#hall", "-O", opers_file()) as srv:
    @case("a locked default room (+i, then +k): the greeting says no room, not 'You are in'")
    def _():
        host = irc(srv.port, "hallop", join=["#hall"])
        host.send("OPER chief " + PASSWORD)  # nobody runs the default room
        host.expect(r" 381 ")
        for modes, why in (("+i", r"\(\+i\)"), ("-i+k sesame", r"\(\+k\)|key")):
            host.send("MODE #hall " + modes)
            host.expect(r" MODE #hall ")
            p = Line(srv.port)
            p.expect(r"nickname")
            nick = "out%d" % len(modes)
            p.send(nick)
            T.check(modes + ": the greeting says the room is closed",
                    lambda: p.expect(r"^-- Hello %s! You are in no room: #hall is closed" % nick))
            T.check(modes + ": and why", lambda: p.expect(r"^-- #hall: .*" + why))
            T.check(modes + ": never 'You are in #hall'", p.absent(r"You are in #hall"))
        p.send("/join #hall sesame")
        T.check("with the key it joins", lambda: p.expect(r"^-- In #hall"))
        host.send("MODE #hall -k sesame")
        host.expect(r" MODE #hall -k")
        q = Line(srv.port)
        q.expect(r"nickname")
        q.send("inside")
        T.check("open again: 'You are in #hall'",
                lambda: q.expect(r"^-- Hello inside! You are in #hall\. "))

T.done()
