#!/usr/bin/python3
"""t-mod-off (host-only) - chat-server built without SERVER_MODERATION has
none of it: OPER, KILL, WALLOPS, INVITE and KNOCK are unknown commands
(421, as anything unimplemented), MODE +i +m +s +p +b +e +I and user modes
+o +w unknown modes (472, 501), 004 and ISUPPORT name none of them, HELP
and the plain users' /help leave them out and their /oper /ban /invite are
unknown, -O and --hash-password say they are not built in, and --help
does not offer them; KICK, +k +l +n +t, ops and voice still work. The
same cases against the default build show each of them there (host-only:
the build without it is a host build, client_test.variant; a binary under
test built without it is used as it is)."""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from chatbox_test import BIN, T, Server, applet, case, configured, irc, plain  # noqa: E402
from client_test import variant  # noqa: E402

ON = BIN if configured("SERVER_MODERATION") else None
OFF = BIN if not ON else variant("nomoderation", "SERVER_MODERATION")


def isupport(c):
    """004 and every 005 line registration sent, as one string."""
    return " ".join(l for l in c.lines if re.search(r" 00[45] ", l))


def unknown_commands(c, nick, on):
    for cmd in ("OPER boss secret", "KILL bob :bye", "WALLOPS :hi", "INVITE bob #r", "INVITE",
                "KNOCK #r"):
        name = cmd.split()[0]
        c.send(cmd)
        if on:
            T.check("%s is known" % cmd, lambda: c.absent(r" 421 %s %s " % (nick, name)))
        else:
            T.check("%s: 421 Unknown command" % cmd,
                    lambda: c.expect(r" 421 %s %s :Unknown command$" % (nick, name)))


def unknown_modes(c, nick, on):
    c.send("JOIN #r")
    c.expect(r" 366 %s #r " % nick)
    for ch in "imspbeI":
        arg = " x!*@*" if ch in "beI" else ""
        c.send("MODE #r +%s%s" % (ch, arg))
        if on:
            T.check("MODE +%s is applied" % ch, lambda: c.expect(r":%s\S* MODE #r \+%s" % (nick, ch)))
        else:
            T.check("MODE +%s: 472" % ch,
                    lambda: c.expect(r" 472 %s %s :is unknown mode char to me$" % (nick, ch)))
    for ch in "ow":
        c.send("MODE %s +%s" % (nick, ch))
        if not on:
            T.check("user mode +%s: 501" % ch, lambda: c.expect(r" 501 %s :Unknown MODE flag" % nick))
    c.send("MODE #r -nt+k key")
    T.check("-n -t +k still work", lambda: c.expect(r":%s\S* MODE #r -nt\+k key$" % nick))
    c.send("MODE #r +nt-k key")
    T.check("+n +t -k too", lambda: c.expect(r":%s\S* MODE #r \+nt-k \*$" % nick))
    c.send("MODE #r")
    T.check("324 lists what is set", lambda: c.expect(
        r" 324 %s #r \+%sn%st$" % (nick, "im" if on else "", "ps" if on else "")))


def advertised(c, on):
    s = isupport(c)
    if on:
        T.check("004 and ISUPPORT name the moderation modes",
                re.search(r" 004 \S+ \S+ \S+ iow beIiklmnopstv beIklov ", s) and
                "CHANMODES=beI,k,l,imnpst" in s and " EXCEPTS " in s and " INVEXCEPT " in s and
                " MAXLIST=beI:" in s, s)
    else:
        T.check("004 says user mode i, room modes klnotv", re.search(
            r" 004 \S+ \S+ \S+ i klnotv klov$", s, re.M) or re.search(
            r" 004 \S+ \S+ \S+ i klnotv klov ", s + " "), s)
        T.check("ISUPPORT: CHANMODES=,k,l,nt, no EXCEPTS, INVEXCEPT, MAXLIST or KNOCK",
                "CHANMODES=,k,l,nt " in s and not re.search(r"EXCEPTS|INVEXCEPT|MAXLIST|KNOCK", s), s)


def help_lines(c, nick, on):
    c.send("HELP")
    line = c.expect(r" 705 %s \* :.*" % nick).group(0)
    words = set(line.split(":", 2)[-1].split())
    gone = {"INVITE", "KILL", "KNOCK", "OPER", "WALLOPS"}
    T.check("HELP lists %s" % ("them" if on else "none of them"),
            gone <= words if on else not gone & words, line)
    c.send("HELP KNOCK")
    if on:
        T.check("HELP KNOCK: 704", lambda: c.expect(r" 704 %s KNOCK :" % nick))
    else:
        T.check("HELP KNOCK: 524", lambda: c.expect(r" 524 %s KNOCK :" % nick))


def plain_user(port, on):
    p = plain(port, "pat")
    p.send("/help")
    p.expect(r"^-- .*/quit")
    T.check("/help %s /oper and /invite" % ("offers" if on else "leaves out"),
            bool([l for l in p.lines if re.search(r"/oper|/invite", l)]) == on,
            "\n".join(p.lines))
    for cmd in ("/oper boss secret", "/kill bob", "/wallops hi", "/ban x", "/unban x", "/invite"):
        p.send(cmd)
        if not on:
            T.check("%s: unknown" % cmd,
                    lambda: p.expect(r"^-- Unknown command /%s " % cmd.split()[0][1:]))
    p.send("/kick nobody")
    T.check("/kick is still there", lambda: p.absent(r"Unknown command /kick"))
    p.close()


def options(binary, on):
    out = subprocess.run([binary, "chat-server", "--help"], capture_output=True, text=True,
                         timeout=30)
    usage = out.stdout + out.stderr
    T.check("--help %s -O and --hash-password" % ("offers" if on else "leaves out"),
            ("-O FILE" in usage and "--hash-password" in usage and "oper" in usage) == on, usage)
    if on:
        return
    for args, why in ((["-O", "/dev/null"], "-O: built without"),
                      (["--hash-password"], "--hash-password: built without"),
                      (["-A", "oper"], "-A: on, off, not 'oper'")):
        p = applet("chat-server", *args, bin=binary, stdout=subprocess.PIPE,
                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True)
        got = p.communicate(timeout=30)[0]
        T.check("%s: an error saying so" % " ".join(args), p.returncode != 0 and why in got, got)


def cases(label, binary, on):
    @case("%s: commands" % label)
    def _():
        with Server("-R", "0", bin=binary) as srv:
            a = irc(srv.port, "ana")
            advertised(a, on)
            unknown_commands(a, "ana", on)
            unknown_modes(a, "ana", on)
            help_lines(a, "ana", on)
            a.close()

    @case("%s: plain users" % label)
    def _():
        with Server("-R", "0", bin=binary) as srv:
            plain_user(srv.port, on)

    @case("%s: options" % label)
    def _():
        options(binary, on)


# Functions that LTO keeps as symbols in the default build: none may be in
# the build without it (its code is compiled, so type-checked, not linked).
CODE = ("oper_login", "oper_kill", "wallops", "invite", "invites_list", "cmd_knock")


def symbols(binary):
    out = subprocess.run(["nm", binary + "_unstripped"], capture_output=True, text=True)
    return {l.split()[-1] for l in out.stdout.splitlines() if l.strip()} if out.returncode == 0 else None


@case("without SERVER_MODERATION its code is not in the binary")
def _():
    off = symbols(OFF)
    if off is None:
        T.skip("its code is not in the binary", "no %s_unstripped to read" % OFF)
        return
    if ON and symbols(ON) is not None:
        T.check("the default build has them (the check can see them)",
                set(CODE) <= symbols(ON), sorted(set(CODE) - symbols(ON)))
    T.check("the build without it has none of them", not set(CODE) & off, sorted(set(CODE) & off))


cases("without SERVER_MODERATION", OFF, False)
if ON:
    cases("with SERVER_MODERATION", ON, True)
T.done()
