"""conformance - IRC conformance cases run against chat-server, ngIRCd and
InspIRCd alike (test tooling only).

A case is a function of one Session (one server, fresh names). It registers
clients, sends lines and checks the replies against what the spec fixes
(modern.ircdocs.horse, RFC 2812): numerics and their parameters, never a
server's own wording. It passes by returning; it fails by raising Fail
(s.check(cond, why) raises it), or any other exception (a reply that never
came: TimeoutError). Skip("why") says the case cannot run on that server.

    from conformance import Suite
    suite = Suite("who")

    @suite.case("WHO #room: 352 with H, @ and the room")
    def _(s):
        a, b = s.clients(2)              # registered, fresh nicks (s.client() for one)
        room = s.room()                  # a fresh room name
        a.join(room); b.join(room)       # JOIN, up to its 366
        rows = a.ask("WHO " + room, "315")   # every message up to the 315, parsed
        w = s.one(rows, "352", lambda m: m.params[5] == a.nick)
        s.check(w.params[6] == "H@", "flags %r" % w.params[6])
        s.check(a.absent("NOTICE"), "a notice")  # behind a PING/PONG barrier

    suite.run()    # every case on every server; exits 1 on a FAIL

Output: a PASS:/FAIL: line per case for chat-server (what make check
counts), "# ngircd PASS ..." / "# inspircd FAIL ..." lines for the peers,
and a table at the end. A case chat-server fails is a FAIL; so is, with
"conformance regression" in its line, one that passes on a peer but not on
chat-server: chat-server must be at least the better of the two, case by
case. A peer that cannot start prints "SKIP: PEER: reason" once and its
column shows "-". Skip() on chat-server is a SKIP line with the reason
(and "still to do" when a peer passes it): a feature this build lacks.
A case that only chat-server should run (its own bounds) raises Skip on
the peers (s.kind != "chatbox").

Msg (a parsed line): .tags (dict), .source ("nick!user@host" or a server),
.nick (the source's nick), .command (upper case, or the numeric),
.params (list, the trailing one last, nothing stripped), .raw.
Client: .nick, .user, .server (the name 001 came from), send(line),
expect(command, pred=None) -> Msg (skips other lines), ask(line, end) ->
[Msg] up to and including the first END (a numeric or a tuple of them),
sync() -> [Msg] before a PING/PONG barrier, absent(command, pred=None) ->
True if none came before a barrier, join(room), close(). The server's own
PINGs are answered on the way.
Session: .kind ("chatbox", "ngircd", "inspircd"), .isupport (the first
client's 005 tokens, values as strings, True for a bare token),
client(prefix="c", caps=(), realname=None), clients(n) (registered side
by side), raw() (connected, never registered), room(prefix="#r"),
oper(client) (OPER with the server's operator; Skip if it has none),
check(cond, why), one(msgs, command, pred=None) -> the one Msg matching,
none(msgs, command, pred=None). After the case every client QUITs and is
waited for (bounded), so counts (LUSERS) start clean.

Servers: chat-server is CHATBOX/CHATBOX_BIN (under qemu on cross boards,
like every test), with -R 0 and an operators file (-O); ngircd and
inspircd run natively from Debian, each with a generated config in a temp
dir: loopback only, no DNS, no ident, no flood penalties, an operator
"oper"/"operpass" (InspIRCd: --runasroot --nofork, KNOCK and HELP modules,
KNOCK numerics). One process per kind serves all cases; each case uses
fresh nicks and rooms. Every wait is bounded and scales with SLOW.
The peers run only in tests/run.sh's host round (TEST_HOST_ROUND=1, the
first board, as host-only scripts do); on later boards (TEST_HOST_ROUND=0)
every case still runs, with every check, on chat-server alone, so a FAIL
there is a FAIL, but without the "conformance regression" comparison.
CONFORMANCE_PEERS=ngircd (or "" for none) runs fewer peers, and
CONFORMANCE_CASE=TEXT only the cases whose names hold TEXT: for debugging.
"""
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

from chatbox_test import BIN, EMU, SLOW, Server, configured, free_port, stop_process, wait_for

OPER_NAME, OPER_PASS = "oper", "operpass"
_TIMEOUT = 5.0


class Fail(Exception):
    """The case failed, for the reason given."""


class Skip(Exception):
    """The case cannot run on this server, for the reason given."""


class Msg:
    _rx = re.compile(r"^(?:@(\S+) )?(?::(\S+) )?(\S+)(.*)$")

    def __init__(self, raw):
        self.raw = raw
        m = self._rx.match(raw)
        if not m:
            raise Fail("unparseable line %r" % raw)
        self.tags = dict(t.partition("=")[::2] for t in (m.group(1) or "").split(";") if t)
        self.source = m.group(2) or ""
        self.nick = self.source.split("!", 1)[0]
        self.command = m.group(3).upper()
        rest, self.params = m.group(4), []
        while rest.startswith(" "):
            rest = rest.lstrip(" ")
            if rest.startswith(":"):
                self.params.append(rest[1:])
                break
            if not rest:
                break
            word, _, rest = rest.partition(" ")
            self.params.append(word)
            rest = " " + rest if rest else ""

    def __repr__(self):
        return repr(self.raw)


def _matches(msg, command, pred):
    cmds = command if isinstance(command, tuple) else (command,)
    return msg.command in cmds and (pred is None or pred(msg))


class Client:
    """One IRC connection of a case, registered by Session.client()."""

    def __init__(self, port, timeout=_TIMEOUT):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout * SLOW)
        self.buf = b""
        self.pending = []   # parsed, not yet consumed
        self.lines = []     # every raw line, for the failure message
        self.nick = self.user = self.server = None  # server: 001's source
        self.isupport = {}
        self.barriers = 0

    def send(self, line):
        self.sock.sendall((line + "\r\n").encode("utf-8", "surrogateescape"))

    def _read(self, deadline):
        self.sock.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            chunk = self.sock.recv(65536)
        except socket.timeout:
            return
        if not chunk:
            raise EOFError("connection closed; last lines: %r" % self.lines[-6:])
        self.buf += chunk
        *done, self.buf = self.buf.split(b"\n")
        for raw in done:
            line = raw.rstrip(b"\r").decode("utf-8", "replace")
            self.lines.append(line)
            msg = Msg(line)
            if msg.command == "PING":  # the server's keepalive: answered, not a reply
                self.send("PONG :" + (msg.params[-1] if msg.params else ""))
                continue
            self.pending.append(msg)

    def _take(self, test, what, timeout):
        """Consume messages up to the first for which TEST is true; return them all."""
        deadline = time.monotonic() + timeout * SLOW
        taken = []
        while True:
            while self.pending:
                msg = self.pending.pop(0)
                taken.append(msg)
                if test(msg):
                    return taken
            if time.monotonic() > deadline:
                raise TimeoutError("no %s within %g s; last lines: %r"
                                   % (what, timeout * SLOW, self.lines[-8:]))
            self._read(deadline)

    def expect(self, command, pred=None, timeout=_TIMEOUT):
        """The first message COMMAND (a tuple: any of them) for which PRED holds."""
        return self._take(lambda m: _matches(m, command, pred), repr(command), timeout)[-1]

    def ask(self, line, end, timeout=_TIMEOUT):
        """Send LINE; every message up to and including the first END."""
        self.send(line)
        return self._take(lambda m: _matches(m, end, None), "%r after %r" % (end, line), timeout)

    def sync(self, timeout=_TIMEOUT):
        """PING/PONG barrier: every message the server sent before answering it."""
        self.barriers += 1
        tok = "barrier%d" % self.barriers
        self.send("PING :" + tok)
        got = self._take(lambda m: m.command == "PONG" and m.params[-1:] == [tok],
                         "PONG " + tok, timeout)
        return got[:-1]

    def absent(self, command, pred=None, timeout=_TIMEOUT):
        """True if no COMMAND (for which PRED holds) came before a barrier."""
        return not any(_matches(m, command, pred) for m in self.sync(timeout))

    def join(self, room, key=None):
        self.send("JOIN %s%s" % (room, " " + key if key else ""))
        self.expect("366", lambda m: m.params[1].lower() == room.lower())

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


# --- the servers ------------------------------------------------------------

def _accepting(port, proc):
    if proc.poll() is not None:
        raise RuntimeError("exited %s" % proc.returncode)
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


def _chatbox_operators():
    """An operators file (-O) for OPER_NAME/OPER_PASS, hashed by the binary
    itself (chat-server --hash-password), mode 0600 as -O demands."""
    path = os.path.join(tempfile.mkdtemp(prefix="chatbox-conf-opers-"), "operators")
    out = subprocess.run(EMU + [_applet_link("chat-server"), "--hash-password"],
                         input=OPER_PASS + "\n", capture_output=True, text=True, timeout=60 * SLOW)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write("%s %s\n" % (OPER_NAME, out.stdout.strip()))
    return path


def _applet_link(name):
    d = tempfile.mkdtemp(prefix="chatbox-")
    os.symlink(BIN, os.path.join(d, name))
    return os.path.join(d, name)


class Chatbox:
    kind = "chatbox"

    def __init__(self, *args):
        # no flood control, room for every case's clients from one address;
        # server operators (-O) only when built in (SERVER_MODERATION)
        self.moderation = configured("SERVER_MODERATION")
        opers = ("-O", _chatbox_operators()) if self.moderation else ()
        self.srv = Server("-R", "0", "-C", "100000", "-c", "100000", "-n", "conformance",
                          *opers, *args)
        self.port = None

    def start(self):
        self.srv.__enter__()
        self.port = self.srv.port

    def oper_line(self):
        return "OPER %s %s" % (OPER_NAME, OPER_PASS) if self.moderation else None

    def stop(self):
        self.srv.stop()


class Ngircd:
    kind = "ngircd"

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="chatbox-conf-ngircd-")
        os.chmod(self.dir, 0o777)  # ngircd drops root to nobody
        self.port = free_port()
        self.proc = None

    def start(self):
        exe = shutil.which("ngircd") or "/usr/sbin/ngircd"
        if not os.path.exists(exe):
            raise RuntimeError("not installed")
        conf = os.path.join(self.dir, "ngircd.conf")
        with open(conf, "w") as f:
            f.write("[Global]\nName = irc.ngircd.test\nInfo = conformance peer\n"
                    "Listen = 127.0.0.1\nPorts = %d\nPidFile = %s/pid\n"
                    "MotdPhrase = test\nAdminInfo1 = Test Admin\nAdminInfo2 = Test Place\n"
                    "AdminEMail = admin@test\n"
                    "[Limits]\nMaxPenaltyTime = 0\nMaxNickLength = 30\nPingTimeout = 120\n"
                    "MaxConnectionsIP = 0\nMaxJoins = 50\nMaxConnections = 0\n"
                    "[Options]\nDNS = no\nIdent = no\nPAM = no\n"
                    "[Operator]\nName = %s\nPassword = %s\n"
                    % (self.port, self.dir, OPER_NAME, OPER_PASS))
        self.log = open(os.path.join(self.dir, "log"), "w+")
        self.proc = subprocess.Popen([exe, "-n", "-f", conf], stdout=self.log,
                                     stderr=subprocess.STDOUT)
        wait_for(lambda: _accepting(self.port, self.proc), 10, what="ngircd to listen")

    def oper_line(self):
        return "OPER %s %s" % (OPER_NAME, OPER_PASS)

    def stop(self):
        if self.proc:
            stop_process(self.proc)
        shutil.rmtree(self.dir, ignore_errors=True)


class Inspircd:
    kind = "inspircd"
    # The modules of what the cases ask for: CAP and its IRCv3 friends, KNOCK,
    # HELP (helpop, under the alias HELP as its example config has it).
    MODULES = ("cap", "ircv3", "namesx", "uhnames", "knock", "helpop", "alias",
               "ircv3_servertime", "banexception", "inviteexception",
               # t-conform-ircv3: message-tags, msgid, batch, labeled-response
               "ircv3_ctctags", "ircv3_msgid", "ircv3_batch", "ircv3_labeledresponse")

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="chatbox-conf-inspircd-")
        self.port = free_port()
        self.proc = None

    def _config(self):
        d = self.dir
        mods = "".join('<module name="%s">\n' % m for m in self.MODULES)
        return (
            '<server name="irc.inspircd.test" description="conformance peer" network="TestNet">\n'
            '<admin name="Test Admin" nick="admin" email="admin@test">\n'
            '<bind address="127.0.0.1" port="%d" type="clients">\n'
            '<connect name="main" allow="*" timeout="60" pingfreq="120" hardsendq="1048576" '
            'softsendq="1048576" recvq="65536" threshold="1000000" commandrate="1000000" '
            'fakelag="no" localmax="100000" globalmax="100000" maxchans="50" '
            'resolvehostnames="no" useident="no">\n'
            '<class name="all" commands="*" privs="*" usermodes="*" chanmodes="*">\n'
            '<type name="Admin" classes="all">\n'
            '<oper name="%s" password="%s" host="*@*" type="Admin">\n'
            '<files motd="%s/motd">\n<pid file="%s/pid">\n'
            '<log method="file" type="* -USERINPUT -USEROUTPUT" level="default" target="%s/log">\n'
            '<dns timeout="1">\n<performance nouserdns="yes">\n<options syntaxhints="no" splitwhois="no">\n'
            '<security userstats="Pu" maxtargets="20">\n'
            '<whowas groupsize="10" maxgroups="1000" maxkeep="1h">\n%s'
            '<knock notify="numeric">\n'
            '<alias text="HELP" replace="HELPOP $2-">\n'
            '<helpop key="start" title="Help" value="Commands: see HELPOP privmsg">\n'
            '<helpop key="privmsg" title="/PRIVMSG" value="PRIVMSG target :text">\n'
            % (self.port, OPER_NAME, OPER_PASS, d, d, d, mods))

    def start(self):
        exe = shutil.which("inspircd") or "/usr/sbin/inspircd"
        if not os.path.exists(exe):
            raise RuntimeError("not installed (apt-get install inspircd)")
        conf = os.path.join(self.dir, "inspircd.conf")
        with open(conf, "w") as f:
            f.write(self._config())
        with open(os.path.join(self.dir, "motd"), "w") as f:
            f.write("test\n")
        self.log = open(os.path.join(self.dir, "out"), "w+")
        self.proc = subprocess.Popen([exe, "--runasroot", "--nofork", "--config=" + conf],
                                     stdout=self.log, stderr=subprocess.STDOUT)
        try:
            wait_for(lambda: _accepting(self.port, self.proc), 10, what="inspircd to listen")
        except (RuntimeError, TimeoutError) as e:
            self.log.seek(0)
            tail = self.log.read().strip().splitlines()[-2:]
            raise RuntimeError("%s: %s" % (e, " / ".join(tail)))

    def oper_line(self):
        return "OPER %s %s" % (OPER_NAME, OPER_PASS)

    def stop(self):
        if self.proc:
            stop_process(self.proc)
        shutil.rmtree(self.dir, ignore_errors=True)


# --- sessions and the suite ---------------------------------------------------

class Session:
    """One case on one server: fresh nicks and rooms, its clients closed after."""

    counter = 0

    def __init__(self, server, tag):
        self.server = server
        self.kind = server.kind
        self.tag = tag
        self.isupport = {}
        self.open = []

    def _fresh(self, prefix):
        Session.counter += 1
        return "%s%s%d" % (prefix, self.tag, Session.counter)

    def room(self, prefix="#r"):
        return self._fresh(prefix)

    def client(self, prefix="c", caps=(), realname=None, user=None, nick=None):
        """A registered client with a fresh nick (its 001..376/422 consumed)."""
        return self._finish(self._start(prefix, caps, realname, user, nick), caps)

    def clients(self, n, prefix="c"):
        """N registered clients; registered side by side (InspIRCd takes a
        second to welcome each)."""
        return [self._finish(c, ()) for c in [self._start(prefix) for _ in range(n)]]

    def _start(self, prefix, caps=(), realname=None, user=None, nick=None):
        c = Client(self.server.port)
        self.open.append(c)
        c.nick = nick or self._fresh(prefix)
        c.user = user or "u" + c.nick[-8:]
        if caps:
            c.send("CAP LS 302")
        c.send("NICK " + c.nick)
        c.send("USER %s 0 * :%s" % (c.user, realname or "Real " + c.nick))
        if caps:
            c.send("CAP REQ :" + " ".join(caps))
        return c

    def _finish(self, c, caps):
        if caps:
            ack = c.expect("CAP", lambda m: m.params[1] in ("ACK", "NAK"))
            if ack.params[1] != "ACK":
                raise Skip("capabilities %s refused" % " ".join(caps))
            c.send("CAP END")
        for m in c._take(lambda m: m.command in ("376", "422"), "end of MOTD", _TIMEOUT * 2):
            if m.command == "001":
                c.server = m.source
            if m.command == "005":
                for tok in m.params[1:-1]:
                    k, eq, v = tok.partition("=")
                    c.isupport[k] = v if eq else True
        if not self.isupport:
            self.isupport = c.isupport
        return c

    def oper(self, c):
        line = self.server.oper_line()
        if not line:
            raise Skip("no server operators in this build")
        c.send(line)
        c.expect("381")

    def raw(self):
        """A connection that never registers (an unknown connection)."""
        c = Client(self.server.port)
        self.open.append(c)
        return c

    def check(self, cond, why):
        if not cond:
            raise Fail(why)

    def one(self, msgs, command, pred=None):
        """The one message COMMAND (PRED true) in MSGS; Fail if none or several."""
        hits = [m for m in msgs if _matches(m, command, pred)]
        if len(hits) != 1:
            raise Fail("%d %s replies (one expected) in %r" % (len(hits), command, msgs))
        return hits[0]

    def none(self, msgs, command, pred=None):
        """Fail if MSGS hold a COMMAND (PRED true)."""
        hits = [m for m in msgs if _matches(m, command, pred)]
        if hits:
            raise Fail("unexpected %r" % hits)

    def close(self):
        """QUIT every client and wait (bounded) until each is closed, so the
        next case counts (LUSERS) a server that is done with this one."""
        for c in self.open:
            try:
                c.send("QUIT :done")
            except OSError:
                pass
        for c in self.open:
            try:
                c._take(lambda m: False, "close", 3)
            except (EOFError, OSError, TimeoutError):
                pass
            c.close()
        self.open = []


def _default_peers():
    """Both peers, but only in run.sh's host round (TEST_HOST_ROUND=1, the
    first board): the peers run natively, so their verdicts are the same on
    every board; later boards run the cases on chat-server alone."""
    if os.environ.get("TEST_HOST_ROUND", "1") == "1":
        return "ngircd,inspircd"
    print("# the peers ran in the host round (first board): chat-server only here",
          flush=True)
    return ""


class Suite:
    """Cases run on chat-server and the peers; one line per case and server."""

    def __init__(self, title):
        self.title = title
        self.cases = []

    def case(self, name):
        def deco(fn):
            self.cases.append((name, fn))
            return fn
        return deco

    def _run_one(self, server, n, fn):
        s = Session(server, "x%d" % n if server.kind == "chatbox" else "y%d" % n)
        try:
            fn(s)
            return "PASS", ""
        except Skip as e:
            return "SKIP", str(e)
        except Fail as e:
            return "FAIL", str(e)
        except Exception as e:  # a reply that never came, a closed connection
            return "FAIL", "%s: %s" % (type(e).__name__, e)
        finally:
            s.close()

    def run(self, chatbox_args=()):
        only = os.environ.get("CONFORMANCE_PEERS", _default_peers()).split(",")
        only_case = os.environ.get("CONFORMANCE_CASE", "")
        servers = [Chatbox(*chatbox_args)]
        servers += [cls() for cls in (Ngircd, Inspircd) if cls.kind in only]
        up = []
        for srv in servers:
            try:
                srv.start()
                up.append(srv)
            except Exception as e:
                if srv.kind == "chatbox":
                    print("FAIL: %s: chat-server did not start: %s" % (self.title, e), flush=True)
                    sys.exit(1)
                print("SKIP: %s: %s" % (srv.kind, e), flush=True)
        results = {}
        failed = 0
        try:
            for n, (name, fn) in enumerate(self.cases):
                if only_case and only_case not in name:
                    continue
                row = {}
                for srv in up:
                    row[srv.kind] = self._run_one(srv, n, fn)
                results[name] = row
                failed += self._report(name, row)
        finally:
            for srv in up:
                srv.stop()
        self._table(results, [s.kind for s in servers])
        sys.exit(1 if failed else 0)

    @staticmethod
    def _report(name, row):
        for kind, (verdict, why) in row.items():
            if kind != "chatbox":
                print("# %s %s: %s%s" % (kind, verdict, name, ": " + why if why else ""),
                      flush=True)
        verdict, why = row["chatbox"]
        better = [k for k, (v, _) in row.items() if k != "chatbox" and v == "PASS"]
        if verdict == "PASS":
            print("PASS: " + name, flush=True)
            return 0
        if verdict == "SKIP":
            print("SKIP: %s (chatbox: %s%s)" % (name, why, "; passes on %s: still to do"
                                                 % ", ".join(better) if better else ""),
                  flush=True)
            return 0
        reg = " (conformance regression: passes on %s)" % ", ".join(better) if better else ""
        print("FAIL: %s%s: %s" % (name, reg, why), flush=True)
        return 1

    @staticmethod
    def _table(results, kinds):
        w = max([len(n) for n in results] + [4])
        print("# %-*s  %s" % (w, "case", "  ".join("%-8s" % k for k in kinds)))
        for name, row in results.items():
            cells = [row[k][0] if k in row else "-" for k in kinds]
            print("# %-*s  %s" % (w, name, "  ".join("%-8s" % c for c in cells)))
