#!/usr/bin/python3
"""t-mod-oper - chat-server's operators and the parts of moderation only
chat-server has (t-mod-conform compares the rest with ngIRCd and InspIRCd):
--hash-password against Python's crypt, the -O file's mode check, OPER's
rate limit per address, KILL's and WALLOPS's exact lines, an operator
running the default room, ISUPPORT, the MODES and MAXLIST limits, and
INVITE's list and once-only invitations."""
import os
import re
import stat
import subprocess
import sys
import tempfile
import warnings

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from chatbox_test import BIN, EMU, T, Line, Server, applet, case, configured, irc, wait_for  # noqa: E402

if not configured("SERVER_MODERATION"):
    T.skip("operators and moderation", "built without SERVER_MODERATION")
    T.done()

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    try:
        import crypt
    except ImportError:
        crypt = None

PASSWORD = "correct-horse"


def hash_password(pw):
    link = os.path.join(tempfile.mkdtemp(prefix="chatbox-"), "chat-server")
    os.symlink(BIN, link)
    return subprocess.run(EMU + [link, "--hash-password"], input=pw, capture_output=True,
                          text=True, timeout=60)


def opers_file(mode=0o600, text=None):
    path = os.path.join(tempfile.mkdtemp(prefix="chatbox-opers-"), "operators")
    with open(path, "w") as f:
        f.write(text if text is not None else
                "# NAME HASH\nboss %s\n" % hash_password(PASSWORD + "\n").stdout.strip())
    os.chmod(path, mode)
    return path


@case("--hash-password: a standard SHA-512 crypt hash, a fresh salt each time")
def _():
    a, b = hash_password(PASSWORD + "\n"), hash_password(PASSWORD + "\n")
    T.check("it prints a $6$ hash", re.fullmatch(r"\$6\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{86}\n",
                                                a.stdout), a.stdout + a.stderr)
    T.check("two runs, two salts", a.stdout != b.stdout)
    if crypt is None:
        T.skip("Python's crypt agrees", "no crypt module in this Python")
    else:
        h = a.stdout.strip()
        T.check("Python's crypt(3) verifies it", crypt.crypt(PASSWORD, h) == h)
        T.check("and refuses another password", crypt.crypt("wrong", h) != h)
    T.check("no password on stdin: an error, no hash",
            hash_password("").returncode != 0)


def refused(path, why):
    p = applet("chat-server", "-f", "-M", "-p", "0", "-O", path, stdout=subprocess.PIPE,
               stderr=subprocess.STDOUT, text=True)
    out = p.communicate(timeout=30)[0]
    return p.returncode != 0 and re.search(why, out), out


@case("-O FILE: refused when others may read or write it, or a line is no NAME HASH")
def _():
    for mode in (0o644, 0o604, 0o602, 0o620):
        ok, out = refused(opers_file(mode), r"others can read or change it.*chmod 600")
        T.check("mode %03o is refused, saying why" % mode, ok, out)
    ok, out = refused(opers_file(text="boss secret\n"), r":1: the hash is not a SHA-512")
    T.check("a clear-text password is refused, with its line", ok, out)
    for text in ("boss\n", "boss\t$6$salt$hash extra\n"):
        ok, out = refused(opers_file(text=text), r":1: expected NAME HASH")
        T.check("a line of %r is refused as not NAME HASH" % text, ok, out)
    if os.geteuid() == 0:
        path = opers_file()
        os.chown(path, 65534, 65534)  # an unprivileged user (the -u user, say)
        ok, out = refused(path, r"refused: owned by uid 65534")
        T.check("a 0600 file owned by another, unprivileged user is refused", ok, out)
        fifo = os.path.join(tempfile.mkdtemp(prefix="chatbox-opers-"), "fifo")
        os.mkfifo(fifo, 0o600)
        ok, out = refused(fifo, r"not a regular file")
        T.check("a FIFO is refused at once, start-up does not block on it", ok, out)
    else:
        T.skip("a file owned by another user is refused", "needs root to chown")
    with Server("-O", opers_file(0o640)) as srv:
        T.check("mode 640 (group may read) starts", "1 operator(s)" in srv.output())


OPERS = opers_file()


def oper(c, nick):
    c.send("OPER boss " + PASSWORD)
    c.expect(r" 381 %s " % nick)


with Server("-R", "0", "-O", OPERS) as srv:
    @case("OPER: 464 for a wrong password; 381 and +o for the right one")
    def _():
        a = irc(srv.port, "ana")
        a.send("OPER boss nope")
        T.check("wrong: 464", lambda: a.expect(r" 464 ana "))
        a.send("OPER nobody " + PASSWORD)
        T.check("unknown name: 464 too", lambda: a.expect(r" 464 ana "))
        a.send("OPER boss " + PASSWORD)
        T.check("right: MODE ana +o", lambda: a.expect(r"^:ana MODE ana :\+o$"))
        T.check("right: 381", lambda: a.expect(r" 381 ana :"))
        a.send("MODE ana +w")
        a.send("MODE ana")
        T.check("221 says +ow", lambda: a.expect(r" 221 ana \+ow$"))
        a.close()

    @case("OPER: after 3 failures from an address, 491 for a while, even when right")
    def _():
        bad = irc(srv.port, "mallory", line=Line(srv.port, source="127.0.0.2"))
        for i in range(3):
            bad.send("OPER boss guess%d" % i)
            T.check("failure %d: 464" % (i + 1), lambda: bad.expect(r" 464 mallory "))
        bad.send("OPER boss " + PASSWORD)
        T.check("the 4th try, right or not: 491", lambda: bad.expect(r" 491 mallory :Too many"))
        good = irc(srv.port, "olga")
        T.check("another address is not locked out", lambda: oper(good, "olga") or True)
        bad.close()
        good.close()

    @case("KILL: the victim's ERROR and its neighbours' QUIT say who and why")
    def _():
        o, v, w = irc(srv.port, "op1"), irc(srv.port, "victim", join=["#k"]), irc(srv.port, "wit", join=["#k"])
        w.send("KILL victim :no")
        T.check("a user's KILL: 481", lambda: w.expect(r" 481 wit :Permission Denied"))
        oper(o, "op1")
        o.send("KILL victim :troll")
        T.check("the victim: ERROR :Closing Link ... (Killed (op1 (troll)))",
                lambda: v.expect(r"^ERROR :Closing Link: 127\.0\.0\.1 \(Killed \(op1 \(troll\)\)\)$"))
        T.check("the victim is disconnected", v.closed())
        T.check("the neighbour: QUIT :Killed (op1 (troll))",
                lambda: w.expect(r"^:victim!\S+ QUIT :Killed \(op1 \(troll\)\)$"))
        o.send("KILL nobody :x")
        T.check("KILL of nobody: 401", lambda: o.expect(r" 401 op1 nobody "))

    @case("WALLOPS: to +w users and operators, not to others; 481 for users")
    def _():
        o, wu, nu = irc(srv.port, "op2"), irc(srv.port, "wuser"), irc(srv.port, "nouser")
        wu.send("MODE wuser +w")
        T.check("+w is set", lambda: wu.expect(r"^:wuser MODE wuser :\+w$"))
        nu.send("WALLOPS :hi")
        T.check("a user's WALLOPS: 481", lambda: nu.expect(r" 481 nouser "))
        oper(o, "op2")
        o.send("WALLOPS :server restarts soon")
        T.check("a +w user gets it", lambda: wu.expect(r"^:op2!\S+ WALLOPS :server restarts soon$"))
        T.check("the operator gets it", lambda: o.expect(r"^:op2!\S+ WALLOPS :"))
        T.check("a user without +w does not", nu.absent(r"WALLOPS"))

    @case("the default room: nobody runs it but operators, who may set its modes")
    def _():
        o, u = irc(srv.port, "op3", join=["#lobby"]), irc(srv.port, "lobbyist", join=["#lobby"])
        u.send("MODE #lobby +m")
        T.check("a user: 482", lambda: u.expect(r" 482 lobbyist #lobby "))
        oper(o, "op3")
        o.send("MODE #lobby +mb spam*")
        T.check("an operator: +mb announced", lambda: u.expect(r"^:op3!\S+ MODE #lobby \+mb spam\*!\*@\*$"))
        u.send("PRIVMSG #lobby :hello?")
        T.check("+m silences the unvoiced there", lambda: u.expect(r" 404 lobbyist #lobby "))
        o.send("MODE #lobby -m")
        T.check("-m", lambda: u.expect(r"MODE #lobby -m$"))

    @case("ISUPPORT and 004 say exactly the modes there are")
    def _():
        c = Line(srv.port)
        c.send("NICK isup")
        c.send("USER isup 0 * :i")
        m = c.expect(r" 004 isup ")
        T.check("004: user modes iow, room modes beIiklmnopstv, with a parameter beIklov",
                re.search(r" iow beIiklmnopstv beIklov$", m.string), m.string)
        lines = " ".join(c.expect(r" 005 isup .*CHANMODES").string for _ in range(1))
        for tok in ("CHANMODES=beI,k,l,imnpst", "PREFIX=(ov)@+", "MODES=4", "MAXLIST=beI:30",
                    "EXCEPTS", "INVEXCEPT"):
            T.check("005 has " + tok, (" %s " % tok) in lines, lines)

    @case("MODES=4: a fifth change with a parameter is not applied; MAXLIST=beI:30")
    def _():
        a = irc(srv.port, "limits", join=["#lim"])
        a.send("MODE #lim +bbbbb m1 m2 m3 m4 m5")
        T.check("four bans announced",
                lambda: a.expect(r"MODE #lim \+bbbb m1!\*@\* m2!\*@\* m3!\*@\* m4!\*@\*$"))
        a.send("MODE #lim +b")
        T.check("four listed", lambda: len([l for l in a.barrier() if " 367 " in l]) == 4)
        for i in range(5, 31):
            a.send("MODE #lim +e e%d" % i)
        a.send("MODE #lim +I toomany")
        T.check("the 31st entry of b, e and I: 478", lambda: a.expect(r" 478 limits #lim I :"))

    @case("ban masks: * and ?, case-insensitive under rfc1459 ([ is {), user@host forms")
    def _():
        a = irc(srv.port, "masker", join=["#masks"])
        a.send("MODE #masks +bbb TR?LL {x}* *!*@10.9.9.9")
        T.check("three bans, completed to nick!user@host",
                lambda: a.expect(r"MODE #masks \+bbb TR\?LL!\*@\* \{x\}\*!\*@\* \*!\*@10\.9\.9\.9$"))
        for nick, banned in (("troll", True), ("trxll", True), ("trll", False), ("[X]yz", True),
                             ("xyz", False)):
            c = irc(srv.port, nick)
            c.send("JOIN #masks")
            T.check("%s is %s" % (nick, "banned (474)" if banned else "let in"),
                    lambda: c.expect(r" 474 %s #masks " % re.escape(nick) if banned else
                                     r"^:%s!\S+ JOIN #masks" % re.escape(nick)))
            c.close()

    @case("INVITE: listed with no argument (336/337), good for one JOIN")
    def _():
        a, b = irc(srv.port, "host", join=["#inv"]), irc(srv.port, "guest")
        a.send("MODE #inv +i")
        a.send("INVITE guest #inv")
        T.check("341", lambda: a.expect(r" 341 host guest #inv$"))
        b.send("INVITE")
        T.check("336 #inv", lambda: b.expect(r" 336 guest #inv$"))
        T.check("337", lambda: b.expect(r" 337 guest :"))
        b.send("JOIN #inv")
        T.check("the invitee joins", lambda: b.expect(r"^:guest!\S+ JOIN #inv"))
        b.send("PART #inv")
        b.send("JOIN #inv")
        T.check("once: the next JOIN gets 473", lambda: b.expect(r" 473 guest #inv "))
        a.send("MODE #inv +k a,b")
        T.check("+k with a comma: 525", lambda: a.expect(r" 525 host #inv "))

with Server("-R", "0", "-O", OPERS) as srv:
    @case("OPER from many addresses at once: a server-wide crypt() budget, 'busy', not 'wrong'")
    def _():
        # One try per address (127.0.0.10-33), so no address is locked:
        # only the server-wide budget (8 at once, 4 a second) refuses.
        many = [irc(srv.port, "m%d" % i, line=Line(srv.port, source="127.0.0.%d" % (10 + i)))
                for i in range(24)]
        for c in many:
            c.send("OPER boss wrong")
        got = [c.expect(r" (464|491) m\d+ ").string for c in many]
        busy = [g for g in got if " 491 " in g]
        T.check("some are refused as busy (491), uncounted", len(busy) > 0 and all(
            "busy checking passwords" in g for g in busy))
        T.check("the others were checked: 464", all(" 464 " in g for g in got if g not in busy))
        late = irc(srv.port, "late", line=Line(srv.port, source="127.0.0.40"))

        def right():
            late.send("OPER boss " + PASSWORD)
            return " 381 " in late.expect(r" (381|491) late ").string
        T.check("the right password gets through once the budget refills",
                lambda: wait_for(right, 10, interval=0.05, what="381"))
        for c in many + [late]:
            c.close()

T.done()
