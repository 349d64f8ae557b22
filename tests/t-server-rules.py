#!/usr/bin/python3
"""t-server-rules - chat-server keeps its rules: +k keys are well-formed and
truncated as announced, the default room stays open, a greeted plain user
stays plain, every advertised mode works and MODES=N holds, unregistered
connections get nothing, no line over 512 bytes or cut inside a character,
telnet subnegotiation is skipped whole, the version is told the same
everywhere. Contract items 4-9, 11 and 13 (10 and 12: t-server-budget)."""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from chatbox_test import T, Server, case, configured, EMU, BIN  # noqa: E402
from hostile import Raw, sync, psync, irc_raw, plain_raw  # noqa: E402

srv = Server("-R", "0").__enter__()
P = srv.port


def short(lines, n=3):
    return [l[:200] for l in lines[-n:]]


def has(lines, pattern):
    return any(re.search(pattern, l) for l in lines)


def room_modes(c, room):
    """The mode letters of ROOM from its 324 reply."""
    c.send("MODE " + room)
    got = c.until(rb" 324 ")
    m = re.search(rb" 324 \S+ \S+ (\S*)", got[-1])
    return m.group(1).decode() if m else ""


# --- 4 -------------------------------------------------------------------------

@case("+k keys: well-formed, truncated to 23 as announced; plain users need the key")
def _():
    op = irc_raw(P, "kop", join=("#k",))
    obs = irc_raw(P, "kobs", join=("#k",))
    for what, key in (("empty", b":"), ("with a comma", b"a,b"), ("with ESC", b"a\x1bb"),
                      ("with BEL", b"a\x07b"), ("with DEL", b"a\x7fb"),
                      ("with a C1 control", b"a\xc2\x9bb")):
        op.send(b"MODE #k +k " + key)
        got = sync(op)
        T.check("+k key %s: 525 Key is not well-formed" % what,
                has(got, rb" 525 kop #k :Key is not well-formed"), short(got))
        seen = sync(obs)
        T.check("+k key %s: no MODE announced" % what, not has(seen, rb" MODE #k "), short(seen))
        modes = room_modes(op, "#k")
        T.check("+k key %s: the mode is not set" % what, "k" not in modes, modes)
        if "k" in modes:
            op.send("MODE #k -k *")
            sync(op)
            sync(obs)
    full = "abcdefghijklmnopqrstuvwxyz0123"  # 30 bytes
    op.send("MODE #k +k " + full)
    sync(op)
    got = sync(obs)
    m = [re.search(rb" MODE #k \+k :?(\S+)$", l) for l in got]
    m = [x for x in m if x]
    shown = m[0].group(1).decode() if m else None
    T.check("a 30-byte key is announced as its first 23 bytes", shown == full[:23], shown)
    j = irc_raw(P, "kjoin")
    j.send("JOIN #k")
    got = sync(j)
    T.check("JOIN without the key is refused (475)", has(got, rb" 475 kjoin #k "), short(got))
    j.send("JOIN #k " + (shown or full[:23]))
    got = sync(j)
    T.check("JOIN with the announced key succeeds", has(got, rb" 366 kjoin #k "), short(got))
    p = plain_raw(P, "kplain")
    p.send("/join #k")
    got = psync(p)
    T.check("plain /join #k without the key: refused with a reason",
            has(got, rb"^-- .*([Kk]ey|\+k)"), short(got))
    T.check("plain /join #k without the key: not joined", not has(got, rb" joined #k"), short(got))
    p.send("/join #k " + full[:23])
    got = psync(p)
    T.check("plain /join #k KEY works", has(got, rb"^\* kplain joined #k$"), short(got))
    m324 = lambda c: re.search(rb" 324 \S+ #k (.*)$", c.until(rb" 324 ")[-1]).group(1)
    op.send("MODE #k")
    T.check("324 gives the key as the parameter of k, to a member", m324(op) == b"+ntk " +
            full[:23].encode(), short(op.lines))
    j2 = irc_raw(P, "kout")
    j2.send("MODE #k")
    T.check("324 gives '*' for the key to a non-member", m324(j2) == b"+ntk *", short(j2.lines))
    op.send("MODE #k +l 5")
    sync(op)
    op.send("MODE #k")
    T.check("324 lists the parameters in the letters' order (key, then limit)",
            m324(op) == b"+ntkl " + full[:23].encode() + b" 5", short(op.lines))
    op.send("MODE #k +k ::x")
    got = sync(op)
    T.check("+k with a key starting with ':' is refused (525)", has(got, rb" 525 kop #k "),
            short(got))
    sync(obs)
    op.send("MODE #k -k+o " + full[:23] + " kobs")
    sync(op)  # the MODE is handled before obs's barrier is sent
    got = sync(obs)
    T.check("-k is announced with a parameter ('*'), so the next one is read right",
            has(got, rb" MODE #k -k\+o \* kobs$"), short(got))
    for c in (op, obs, j, j2, p):
        c.close()


# --- 5 -------------------------------------------------------------------------

def names_of(c, room):
    c.send("NAMES " + room)
    got = c.until(rb" 366 ")
    out = []
    for l in got:
        m = re.search(rb" 353 \S+ . \S+ :(.*)$", l)
        if m:
            out += m.group(1).decode(errors="replace").split()
    return out


@case("the default room stays open: no operator, nobody can lock it")
def _():
    with Server("-R", "0") as s:
        first = irc_raw(s.port, "first")
        first.send("JOIN #lobby")
        got = first.until(rb" 366 ")
        T.check("the first joiner of #lobby gets no op (NAMES shows no @)",
                has(got, rb" 353 first . #lobby :first$"), short(got))
        other = irc_raw(s.port, "other", join=("#lobby",))
        tries = [("+k", "MODE #lobby +k secret"), ("+l", "MODE #lobby +l 1"),
                 ("KICK", "KICK #lobby other :out")]
        if configured("SERVER_MODERATION"):  # else +i is unknown (t-mod-off)
            tries.append(("+i", "MODE #lobby +i"))
        else:
            T.skip("+i in #lobby by its first joiner: 482", "built without SERVER_MODERATION")
        for what, line in tries:
            first.send(line)
            got = sync(first)
            T.check("%s in #lobby by its first joiner: 482" % what,
                    has(got, rb" 482 first #lobby "), short(got))
        modes = room_modes(first, "#lobby")
        T.check("#lobby has no key, limit or invite-only after them", not set("kli") & set(modes), modes)
        late = irc_raw(s.port, "late")
        late.send("JOIN #lobby")
        got = sync(late)
        T.check("another IRC user can still join #lobby", has(got, rb" 366 late #lobby "), short(got))
        T.check("'other' was not kicked", "other" in [n.lstrip("@+") for n in names_of(late, "#lobby")])
        other.close()
        p = Raw(s.port)
        p.until(rb"nickname")
        p.send("lplain")
        got = psync(p)
        T.check("a plain user still lands in #lobby", has(got, rb"^\* lplain joined #lobby$"), short(got))
        first.send("JOIN #mine")
        got = first.until(rb" 366 ")
        T.check("other rooms: the first joiner still gets op",
                has(got, rb" 353 first . #mine :@first$"), short(got))
    with Server("-R", "0", "-r", "#home") as s:
        p = plain_raw(s.port, "homer")
        T.check("-r #home: a plain first joiner gets no op",
                has(p.lines, rb"^-- In #home: homer$"), short(p.lines))
        i = irc_raw(s.port, "ihome", join=("#home",))
        i.send("MODE #home +k k")
        got = sync(i)
        T.check("-r #home: MODE +k by a non-operator: 482", has(got, rb" 482 ihome #home "), short(got))


# --- 6 -------------------------------------------------------------------------

@case("a greeted plain user stays plain whatever the first line says")
def _():
    for k, first in enumerate(("user bob", "NICK x", "cap ls", "pass x")):
        c = Raw(P)
        c.until(rb"Type your nickname")  # greeted: ~400 ms of silence
        c.send(first)
        c.send("zed%d" % k)
        got = c.until(rb"^-- Hello zed%d!|^:\S+ \d\d\d |^ERROR" % k)
        T.check("greeted, then %r: stays plain (nickname taken as plain)" % first,
                has(got, rb"^-- Hello zed%d!" % k), short(got))
        T.check("greeted, then %r: no IRC numerics or CAP replies" % first,
                not has(got, rb"^:\S+ (\d\d\d|CAP) "), short(got))
        c.close()


# --- 7 -------------------------------------------------------------------------

@case("every advertised mode is accepted; MODES=N is enforced")
def _():
    a = irc_raw(P, "adv", join=("#adv",))
    w004 = [l for l in a.lines if re.search(rb" 004 adv ", l)]
    isupport = b" ".join(l.split(b" :")[0] for l in a.lines if b" 005 adv " in l)
    T.check("004 arrives", w004, short(a.lines))
    f004 = w004[0].split(b" ")[3:] if w004 else []
    umodes = f004[2].decode() if len(f004) > 2 else ""
    cmodes = f004[3].decode() if len(f004) > 3 else ""
    cparam = f004[4].decode() if len(f004) > 4 else ""
    tok = dict(re.findall(r"(\w+)=(\S+)", isupport.decode()))
    groups = (tok.get("CHANMODES", "") + ",,,").split(",")[:4]
    pm = re.match(r"\((\w*)\)", tok.get("PREFIX", ""))
    prefix = pm.group(1) if pm else ""
    letters = sorted(set(cmodes) | set("".join(groups)) | set(prefix))
    T.check("004 and ISUPPORT name channel modes", letters, (cmodes, groups, prefix))
    for ch in [x for x in letters if x != "o"] + (["o"] if "o" in letters else []):
        arg = ""
        if ch in prefix:
            arg = " adv"
        elif ch in groups[0]:
            arg = " x!*@*"
        elif ch in groups[1] or ch in cparam or ch in groups[2]:
            arg = " 5" if ch == "l" else " key" + ch
        a.send("MODE #adv +%s%s" % (ch, arg))
        got = sync(a)
        T.check("advertised channel mode +%s is accepted (no 472)" % ch,
                not has(got, rb" 472 "), short(got))
        if ch not in prefix:
            a.send("MODE #adv -%s%s" % (ch, arg if ch in groups[0] + groups[1] else ""))
            sync(a)
    for ch in umodes:
        a.send("MODE adv +" + ch)
        got = sync(a)
        T.check("advertised user mode +%s is accepted (no 501)" % ch, not has(got, rb" 50[12] "), short(got))

    n = int(tok.get("MODES", "0") or 0)
    T.check("ISUPPORT has MODES=N", n > 0, tok.get("MODES"))
    if n <= 0:
        return
    op = irc_raw(P, "mop", join=("#mx",))
    nicks = ["mv%d" % k for k in range(n + 1)]
    users = [irc_raw(P, x, join=("#mx",)) for x in nicks]
    sync(op)
    op.send("MODE #mx +%s %s" % ("v" * (n + 1), " ".join(nicks)))
    sync(op)
    seen = [l for l in sync(users[0]) if b" MODE #mx " in l]
    changes = []
    for l in seen:
        parts = l.decode().split(" MODE #mx ", 1)[1].replace(":", "").split()
        changes += [(c, parts[1 + i] if 1 + i < len(parts) else None)
                    for i, c in enumerate(x for x in parts[0] if x not in "+-")]
    T.check("MODE +%s with %d nicks announces only the first %d" % ("v" * (n + 1), n + 1, n),
            [x[1] for x in changes] == nicks[:n], seen)
    voiced = [x[1:] for x in names_of(op, "#mx") if x.startswith("+")]
    T.check("... and applies only the first %d" % n, sorted(voiced) == nicks[:n], voiced)
    for c in [a, op] + users:
        c.close()


# --- 8 -------------------------------------------------------------------------

@case("a connection with NICK but no USER receives nothing")
def _():
    ghost = Raw(P)
    ghost.send("NICK ghost")
    sync(ghost)  # PING is allowed before registration: the NICK was handled
    s = irc_raw(P, "haunter")
    s.send("PRIVMSG ghost :boo")
    s.send("NOTICE ghost :boo too")
    got = sync(s)
    T.check("PRIVMSG to an unregistered nick: 401", has(got, rb" 401 haunter ghost "), short(got))
    got = sync(ghost)
    T.check("the unregistered socket gets no PRIVMSG or NOTICE",
            not has(got, rb" (PRIVMSG|NOTICE) ghost "), short(got))
    for c in (ghost, s):
        c.close()


# --- 9 -------------------------------------------------------------------------

def window(clients, act):
    """Run ACT, then a barrier on each of CLIENTS (IRC: PING, plain: a
    command); the wire lines each got meanwhile, all together."""
    marks = [len(c.wire) for c, _ in clients]
    act()
    for c, kind in clients:
        (psync if kind == "plain" else sync)(c)
    return [l for (c, _), m in zip(clients, marks) for l in c.wire[m:]]


def line_checks(what, wire, need=None):
    """Every line of WIRE at most 512 bytes and valid UTF-8; NEED (a bytes
    regex), when given, must match one of them: the case did happen."""
    if need is not None:
        T.check("%s: the line in question arrives" % what, has(wire, need), short(wire))
    # IRCv3 message tags have a limit of their own: 512 is the rest's.
    long_ = [l for l in wire if len(re.sub(rb"^@\S* ", b"", l)) > 512]
    T.check("%s: every line <= 512 bytes with CRLF (%d lines)" % (what, len(wire)), not long_,
            ["%d bytes: %r" % (len(l), l[:60]) for l in long_[:2]])
    bad = []
    for l in wire:
        try:
            l.decode("utf-8")
        except UnicodeDecodeError:
            bad.append(l)
    T.check("%s: no line cut inside a UTF-8 character" % what, not bad, [l[-40:] for l in bad[:2]])


@case("a long message reads the same with and without server-time tags")
def _():
    room = "#tagcut"
    talker = irc_raw(P, "tagtalk", join=(room,))
    plainirc = irc_raw(P, "notags", join=(room,))
    tagged = irc_raw(P, "tagged", join=(room,), caps=("server-time",))
    sync(plainirc)
    sync(tagged)
    text = "\u20ac" * 164  # a full 510-byte line in: out, with the prefix, it is cut
    talker.send("PRIVMSG %s :%s" % (room, text))
    got = []
    for c in (plainirc, tagged):
        got.append(c.until(rb" PRIVMSG #tagcut :")[-1])
    body = [re.sub(rb"^@\S* ", b"", l) for l in got]
    T.check("the tagged copy carries @time", got[1].startswith(b"@time="), got[1][:40])
    T.check("both copies carry the same (cut) text", body[0] == body[1],
            [len(b) for b in body])
    T.check("the untagged copy is 512 bytes at most", len(got[0]) <= 512, len(got[0]))


@case("no line over 512 bytes; no cut inside a UTF-8 character")
def _():
    room = "#" + "r" * 31                          # CHANNELLEN=32
    talker = irc_raw(P, "Lnick90123456789", user="identident", join=(room,))
    ob = irc_raw(P, "lobs", join=(room,))
    pl = plain_raw(P, "lplain")
    pl.send("/join " + room)
    psync(pl)
    pl.send("/join #lobby")  # the long room is not its current one: named in lines
    psync(pl)
    peers = [(talker, "irc"), (ob, "irc"), (pl, "plain")]
    for width, ch in ((2, "\u00e9"), (3, "\u20ac"), (4, "\U0001f600")):
        def act():
            for pad in range(4):
                head = "PRIVMSG %s :" % room + "x" * pad
                n = (510 - len(head.encode())) // width
                talker.send(head + ch * n)
        line_checks("long PRIVMSGs of %d-byte characters" % width, window(peers, act))

    def part():
        for pad in range(4):
            talker.send("PART %s :" % room + "x" * pad + "\u20ac" * 155)
            talker.send("JOIN " + room)
    line_checks("long PART reasons of 3-byte characters", window(peers, part))
    troom = "#" + "t" * 31  # no history: only the topic is long here
    talker.send("JOIN " + troom)  # first in: may set the topic
    ob.send("JOIN " + troom)
    sync(talker)
    line_checks("a 300-byte TOPIC cut inside a character",
                window(peers[:2], lambda: talker.send("TOPIC %s :x" % troom + "\u20ac" * 120)),
                need=rb" TOPIC #t+ :x")
    late = irc_raw(P, "late9")
    line_checks("the topic shown on JOIN and in LIST",
                window([(late, "irc")], lambda: (late.send("JOIN " + troom), late.send("LIST"))),
                need=rb" 332 late9 #t+ :x")
    line_checks("history replayed on JOIN (long multibyte lines)",
                window([(late, "irc")], lambda: late.send("JOIN " + room)),
                need=rb" PRIVMSG #r+ :")
    line_checks("a 200-byte AWAY cut inside a character",
                window([(talker, "irc"), (ob, "irc")], lambda: (
                    talker.send("AWAY :x" + "\u20ac" * 80), ob.send("WHOIS Lnick90123456789"),
                    ob.send("PRIVMSG Lnick90123456789 :hi"))), need=rb" 301 lobs ")
    talker.send("AWAY")
    for k in range(18):  # 20 rooms of 31 bytes, multibyte: a long 319
        talker.send("JOIN #%s%02d" % ("\u00e9" * 14, k))
    sync(talker)
    line_checks("WHOIS of a user in 20 long rooms",
                window([(ob, "irc")], lambda: ob.send("WHOIS Lnick90123456789")), need=rb" 319 ")

    def targets():
        for far in ("\u00e9" * 240, "x" + "\u00e9" * 240):  # both parities of the cut
            ob.send("PRIVMSG %s :x" % far)
            ob.send("JOIN #%s" % far)
            ob.send("WHOIS %s" % far)
            ob.send("NICK %s" % far)
            ob.send("MODE #%s" % far)
            ob.send("TOPIC #%s" % far)
            ob.send("NAMES #%s" % far)
            ob.send("PRIVMSG #%s :x" % far)
            ob.send("%s x" % far)
    line_checks("numerics for long multibyte targets", window([(ob, "irc")], targets),
                need=rb" 401 lobs [x\xc3]")
    for pad in range(2):
        q = irc_raw(P, "quitter%d" % pad, join=(troom,))
        q.send("QUIT :" + "x" * pad + "\u00e9" * 245)
        q.closed()
        line_checks("ERROR for QUIT with a long multibyte reason (%d)" % pad,
                    [l for l in q.wire if l.startswith(b"ERROR")], need=rb"^ERROR :")
    q = irc_raw(P, "quitter2", join=(troom,))
    pl.send("/join " + troom)
    psync(pl)
    line_checks("others' QUIT lines for a long multibyte reason",
                window(peers[1:], lambda: (q.send("QUIT :x" + "\u20ac" * 165), q.closed())),
                need=rb"quitter2.* QUIT :")
    for c in (talker, ob, pl, late):
        c.close()


# --- 11 ------------------------------------------------------------------------

IAC, SB, SE = 255, 250, 240


@case("telnet: IAC SB ... IAC SE is skipped whole, even with CR/LF inside")
def _():
    t = plain_raw(P, "tn")
    obs = irc_raw(P, "tobs", join=("#tel",))
    t.send("/join #tel")
    psync(t)
    sync(obs)
    for what, data, want in (
            ("NAWS 0 10 0 13", b"hel" + bytes([IAC, SB, 31, 0, 10, 0, 13, IAC, SE]) + b"lo", "hello"),
            ("NAWS 0 13 0 10", b"ab" + bytes([IAC, SB, 31, 0, 13, 0, 10, IAC, SE]) + b"cd", "abcd"),
            ("TTYPE with CRLF", b"wor" + bytes([IAC, SB, 24, 0]) + b"x\r\ny" + bytes([IAC, SE]) + b"ld",
             "world"),
            ("NAWS with an escaped 255", b"fo" + bytes([IAC, SB, 31, 0, IAC, IAC, 0, 10, IAC, SE]) + b"o",
             "foo")):
        t.send(data + b"\r\n", end=b"")
        mine = psync(t)
        got = [l for l in sync(obs) if l.startswith(b":tn!")]
        T.check("%s inside a line: the room sees %r" % (what, want),
                [l.split(b" :", 1)[-1] for l in got] == [want.encode()], short(got))
        T.check("%s inside a line: no error or stray line for the sender" % what,
                not mine, short(mine))
    for c in (t, obs):
        c.close()


# --- 13 ------------------------------------------------------------------------

@case("version: 002, 004 and 351 say chatbox-<V> as chatbox --version says <V>")
def _():
    out = subprocess.run(EMU + [BIN, "--version"], capture_output=True, text=True, timeout=30).stdout
    m = re.match(r"chatbox (\S+)\n?$", out)
    T.check("chatbox --version prints 'chatbox <V>'", m, out)
    if not m:
        return
    v = re.escape(m.group(1).encode())
    c = irc_raw(P, "ver")
    T.check("002 says chatbox-<V>", has(c.lines, rb" 002 ver :.*\bchatbox-" + v + rb"(?![\w.-])"),
            [l for l in c.lines if b" 002 " in l])
    T.check("004 says chatbox-<V>", has(c.lines, rb" 004 ver \S+ chatbox-" + v + rb" "),
            [l for l in c.lines if b" 004 " in l])
    c.send("VERSION")
    got = sync(c)
    T.check("351 says chatbox-<V>", has(got, rb" 351 ver chatbox-" + v + rb"\.? "), short(got))
    c.close()


T.check("server exits 0 on SIGTERM", srv.stop() == 0, srv.output()[-500:])
T.done()
