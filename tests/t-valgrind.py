#!/usr/bin/python3
# t-valgrind.py - a server session (IRC and plain-text users, every common
# command, a long line, an abrupt disconnect, SIGTERM) under valgrind's
# memcheck, against a glibc build with symbols (make valgrind-build):
# no memory errors, nothing definitely or indirectly lost. host-only
import os
import shutil
import subprocess
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
tmp = tempfile.mkdtemp(prefix="chatbox-vg-")
os.chmod(tmp, 0o777)  # the server drops to nobody, valgrind's log stays writable
vglog = os.path.join(tmp, "memcheck.log")
BIN = os.path.join(TOP, "build/valgrind/chatbox_unstripped")
os.environ["CHATBOX_BIN"] = BIN
os.environ["CHATBOX"] = BIN
os.environ["CHATBOX_EMU"] = ("valgrind --tool=memcheck --leak-check=full --error-exitcode=99 "
                             "--errors-for-leak-kinds=definite,indirect "
                             "--show-leak-kinds=definite,indirect --log-file=" + vglog)
sys.path.insert(0, os.path.join(TOP, "tests/lib"))
from chatbox_test import T, Server, Line  # noqa: E402

if not shutil.which("valgrind"):
    T.skip("valgrind", "valgrind is not installed")
    T.done()
env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
b = subprocess.run(["make", "-s", "--no-print-directory", "-C", TOP, "valgrind-build"],
                   capture_output=True, text=True, env=env)
if not T.check("make valgrind-build", b.returncode == 0, b.stdout + b.stderr):
    T.done()
usage = subprocess.run([BIN, "chat-server", "--help"], capture_output=True, text=True).stdout
if "-R " not in usage:
    T.skip("valgrind session", "chat-server is not built yet")
    T.done()


def session(srv):
    ana = Line(srv.port)
    ana.send("CAP LS 302")
    ana.send("NICK ana")
    ana.send("USER ana 0 * :Ana")
    ana.send("CAP REQ :server-time echo-message multi-prefix")
    ana.send("CAP END")
    ana.expect(r" 001 ana ", 20)
    ana.send("JOIN #lobby,#two")
    ana.expect(r" 366 ana #two ", 20)
    bo = Line(srv.port)
    bo.send("bo")
    bo.expect(r"Hello bo", 20)
    ana.expect(r":bo!\S+ JOIN #lobby", 20)
    bo.send("hello from bo")
    ana.expect(r"PRIVMSG #lobby :hello from bo", 20)
    ana.send("PRIVMSG #lobby,bo :hi bo")
    bo.expect(r"<ana> hi bo", 20)
    ana.send("PRIVMSG #lobby :" + "x" * 700)  # over 512: 417
    ana.send("TOPIC #two :a topic")
    ana.send("MODE #two +tnl 5")
    ana.send("WHOIS bo")
    ana.send("WHO #lobby")
    ana.send("NAMES #lobby")
    ana.send("LIST")
    ana.send("AWAY :away")
    ana.send("NOSUCHCOMMAND x")
    ana.send("NICK ann")
    bo.send("/me waves")
    bo.send("/join #two")
    bo.send("/who")
    bo.send("/rooms")
    bo.send("/topic new topic")
    bo.send("/msg ann psst")
    ana.expect(r"PRIVMSG ann :psst", 20)
    bo.send("/part #two")
    bo.send(b"bad \xff\xfe utf8 and a \x00 nul\r\n")
    ana.send("PART #two :bye")
    ana.send("PING :x")
    ana.expect(r"PONG", 20)
    cut = Line(srv.port)          # dies mid-line
    cut.send(b"NICK cu")
    cut.close()
    bo.send("exit")
    T.check("plain user's exit closes the connection", bo.closed(20))
    return ana


with Server("-R", "0", "-H", "5") as srv:
    try:
        ana = session(srv)
        T.check("session under valgrind", True)
    except Exception as e:
        T.check("session under valgrind", False, "%s: %s" % (type(e).__name__, e))
        ana = None
    rc = srv.stop(timeout=30)
    if ana:
        T.check("SIGTERM gives the IRC user an ERROR", any(l.startswith("ERROR") for l in
                                                            ana.lines) or ana.closed(5))
with open(vglog) as f:
    log = f.read()
summary = [l for l in log.splitlines() if "ERROR SUMMARY" in l or "definitely lost" in l
           or "indirectly lost" in l]
T.check("memcheck: no errors, no leaks (exit %s)" % rc, rc == 0 and "ERROR SUMMARY: 0 errors" in log,
        "\n".join(summary) + "\n" + log[-3000:])
print("\n".join("    " + l for l in summary))
shutil.rmtree(tmp, ignore_errors=True)
T.done()
