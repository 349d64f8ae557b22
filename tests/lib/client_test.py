"""client_test - peers for chat-client's tests: Debian's ngircd and a
scripted fake IRC server, both on free loopback ports (test tooling only)."""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading

from chatbox_test import BIN, SLOW, Line, Server, T, applet, free_port, stop_process, wait_for


def _accepting(port, proc=None, host="127.0.0.1"):
    if proc is not None and proc.poll() is not None:
        raise RuntimeError("server exited %s" % proc.returncode)
    try:
        socket.create_connection((host, port), timeout=1).close()
        return True
    except OSError:
        return False


class Ngircd:
    """Debian's ngircd in the foreground with a generated config: loopback
    only, no DNS/ident/PAM, no flood penalties, 30-character nicks."""

    def __init__(self, port=None):
        self.port = port or free_port()
        self.dir = tempfile.mkdtemp(prefix="chatbox-ngircd-")
        os.chmod(self.dir, 0o777)  # ngircd drops root to nobody
        self.proc = None
        self.log = None

    def __enter__(self):
        exe = shutil.which("ngircd") or "/usr/sbin/ngircd"
        conf = os.path.join(self.dir, "ngircd.conf")
        with open(conf, "w") as f:
            f.write("[Global]\nName = irc.test\nInfo = chatbox test\n"
                    "Listen = 127.0.0.1,::1\nPorts = %d\nPidFile = %s/pid\n"
                    "MotdPhrase = test\nAdminInfo1 = test\nAdminInfo2 = test\nAdminEMail = t@t\n"
                    "[Limits]\nMaxPenaltyTime = 0\nMaxNickLength = 30\nPingTimeout = 120\n"
                    "[Options]\nDNS = no\nIdent = no\nPAM = no\n" % (self.port, self.dir))
        self.log = open(os.path.join(self.dir, "log"), "w+")
        self.proc = subprocess.Popen([exe, "-n", "-f", conf], stdout=self.log,
                                     stderr=subprocess.STDOUT)
        wait_for(lambda: _accepting(self.port, self.proc), 10, what="ngircd to listen")
        return self

    def stop(self):
        if self.proc:
            stop_process(self.proc)

    def __exit__(self, *exc):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class Tmux:
    """A tmux server of the test's own (a socket in DIR) to drive the
    interactive client; a session "keep" holds it up between the test's."""

    def __init__(self, dir):
        self.sock = os.path.join(dir, "tmux.sock")

    def __call__(self, *args):
        return subprocess.run(["tmux", "-S", self.sock] + list(args), check=True,
                              capture_output=True, text=True).stdout

    def new_session(self, cmd, x=80, y=24, name="t"):
        """Session NAME running CMD, replacing one of that name."""
        if subprocess.run(["tmux", "-S", self.sock, "has-session", "-t", "keep"],
                          capture_output=True).returncode != 0:
            self("new-session", "-d", "-s", "keep", "sleep 900")
        subprocess.run(["tmux", "-S", self.sock, "kill-session", "-t", name], capture_output=True)
        self("new-session", "-d", "-s", name, "-x", str(x), "-y", str(y), cmd)

    def kill_server(self):
        subprocess.run(["tmux", "-S", self.sock, "kill-server"], capture_output=True)


def tty_setup(name, need=("tmux",)):
    """The start of a host-only tmux test: SKIP (and exit) without the tools
    NEED, else a temporary folder, a tmux of the test's own in it and
    chat-client there, a link to BIN: (folder, Tmux, link)."""
    missing = [t for t in need if not shutil.which(t)]
    if missing:
        print("SKIP: %s needs %s" % (name, " and ".join(missing)))
        sys.exit(0)
    tmp = tempfile.mkdtemp(prefix="chatbox-%s-" % name)
    link = os.path.join(tmp, "chat-client")
    os.symlink(BIN, link)
    return tmp, Tmux(tmp), link


def lines_of(conn):
    """The lines CONN receives, decoded, without CR LF, until it closes
    (OSError from recv goes to the caller): both fake servers read so."""
    buf = b""
    while True:
        data = conn.recv(4096)
        if not data:
            return
        buf += data
        while b"\n" in buf:
            raw, buf = buf.split(b"\n", 1)
            yield raw.decode(errors="replace").rstrip("\r")


def client_option_off(symbol, option, arg):
    """The binary under test was built without SYMBOL (CLIENT_HISTORY,
    CLIENT_LOG): chat-client's OPTION ARG must be refused saying so, and
    --help must not offer it. Checks that, then ends the test."""
    T.skip("what %s does" % option, "built without " + symbol)
    p = applet("chat-client", "-s", option, arg, "127.0.0.1:1", stdout=subprocess.PIPE,
               stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
    out, err = p.communicate(timeout=30)
    T.check("%s: refused, 'built without %s'" % (option, symbol),
            p.returncode != 0 and "%s: built without %s" % (option, symbol) in err, (out, err))
    h = applet("chat-client", "--help", stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    usage = h.communicate(timeout=30)[0]
    T.check("--help does not offer %s" % option, (option + " ") not in usage, usage)
    T.done()


def variant(name, *off):
    """The host binary built without the Kconfig symbols OFF (make
    O=build/NAME CONFIG=...: the host build's configuration with them
    off); its path. Host-only tests: it is an x86_64 build."""
    top = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    base = os.path.join(os.path.dirname(BIN), ".config")
    if not os.path.exists(base):
        base = os.path.join(top, "build/x86_64/.config")
    out = os.path.join(top, "build", name)
    os.makedirs(out, exist_ok=True)
    conf = out + ".config"
    with open(base) as f, open(conf, "w") as g:
        for line in f:
            sym = line.split("=")[0][len("CONFIG_"):]
            g.write("# CONFIG_%s is not set\n" % sym if sym in off else line)
    env = dict(os.environ)
    env.pop("MAKEFLAGS", None)
    subprocess.run(["make", "-s", "--no-print-directory", "-C", top, "BOARD=x86_64",
                    "O=" + out, "CONFIG=" + conf, "all"], check=True, env=env,
                   stdout=subprocess.DEVNULL)
    return os.path.join(out, "chatbox")


def watcher(port, nick, room="#lobby", host="127.0.0.1"):
    """A raw IRC peer in ROOM that sees what the client sends."""
    w = Line(port, host=host)
    w.send("NICK " + nick)
    w.send("USER %s 0 * :watcher" % nick)
    w.expect(r" 001 ")
    w.send("JOIN " + room)
    w.expect(r" 366 ")
    return w


def servers():
    """The servers every script-mode test runs against: (name, factory)."""
    return [("ngircd", lambda: Ngircd()), ("chat-server", lambda: Server())]


class FakeIrc:
    """A one-connection IRC server run by a script: answers registration
    (offering CAPS; ON_REGISTER(send, nick) replaces the welcome and hangs up
    if it returns true), then calls ON_JOIN(send) when the client joins; PINGs
    are answered. Everything received is kept in .got (and per connection
    in .conns). With HANGUP_ON, the first connection is cut without a word
    when a line starting so arrives; a second connection is then served.
    NICKLEN: NICKs longer are refused with 432 (registration waits for a
    good one); ISUPPORT: a 005 line's tokens sent after the welcome.
    NO_PONG: PINGs whose token starts so get no answer. .send(line) sends
    on the current connection from the test itself."""

    def __init__(self, caps="server-time echo-message", on_join=None, on_register=None,
                 hangup_on=None, nicklen=None, isupport=None, no_pong=None):
        self.port = free_port()
        self.caps = caps
        self.on_join = on_join
        self.on_register = on_register
        self.nicklen = nicklen
        self.isupport = isupport
        self.no_pong = no_pong
        self.send = None
        self.got = []
        self.conns = []
        self.hangup_on = hangup_on
        self.ls = socket.socket()
        self.ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.ls.bind(("127.0.0.1", self.port))
        self.ls.listen(1)
        self.ls.settimeout(10 * SLOW)
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        for n in range(2 if self.hangup_on else 1):
            try:
                conn, _ = self.ls.accept()
            except OSError:
                return
            self.conns.append([])
            self._serve(conn, self.hangup_on if n == 0 else None)

    def _serve(self, conn, hangup_on):
        conn.settimeout(10 * SLOW)
        nick = "?"
        joined = False
        user_seen = False

        def send(line):
            conn.sendall((line + "\r\n").encode() if isinstance(line, str) else line + b"\r\n")
        self.send = send

        def welcome():
            if self.on_register:
                return self.on_register(send, nick)
            send(":irc.test 001 %s :Welcome" % nick)
            if self.isupport:
                send(":irc.test 005 %s %s :are supported by this server" % (nick, self.isupport))
        try:
            for line in lines_of(conn):
                self.got.append(line)
                self.conns[-1].append(line)
                if hangup_on and line.startswith(hangup_on):
                    return
                word = line.split(" ")
                if word[0] == "CAP" and word[1] == "LS":
                    send(":irc.test CAP * LS :" + self.caps)
                elif word[0] == "CAP" and word[1] == "REQ":
                    send(":irc.test CAP * ACK " + " ".join(word[2:]))
                elif word[0] == "NICK":
                    if self.nicklen and len(word[1]) > self.nicklen:
                        send(":irc.test 432 %s %s :Erroneous nickname" % (nick, word[1]))
                        continue
                    first = nick == "?"
                    nick = word[1]
                    if user_seen and first and welcome():
                        return
                elif word[0] == "USER":
                    user_seen = True
                    if nick != "?" and welcome():
                        return  # hang up, as after an ERROR
                elif word[0] == "JOIN":
                    send(":%s!u@h JOIN %s" % (nick, word[1]))
                    if self.on_join and not joined:
                        joined = True  # once: a rejoin must not loop
                        self.on_join(send, nick, word[1])
                elif word[0] == "PING":
                    if self.no_pong and word[-1].lstrip(":").startswith(self.no_pong):
                        continue
                    send(":irc.test PONG irc.test " + word[-1])
                elif word[0] == "QUIT":
                    return
        except OSError:
            pass
        finally:
            conn.close()

    def close(self):
        self.ls.close()


class HistIrc:
    """An IRC server for chat-client's history and sign-in tests, serving
    one connection at a time (a reconnect is the next): CAP (offering
    CAPS), SASL PLAIN against ACCOUNTS {account: password}, #lobby with its
    messages kept (msgid, server-time), CHATHISTORY LATEST/AFTER answered
    in a batch, MARKREAD kept and sent on join. REPLAY: on join the last
    REPLAY messages are sent as chat-server -H does (no batch). .say(nick,
    text) posts to #lobby (sent if the client is in); .cut() drops the link.
    Everything received is kept per connection in .conns."""

    def __init__(self, caps="server-time message-tags batch draft/chathistory draft/read-marker sasl",
                 accounts=None, replay=0, isupport="CHATHISTORY=50"):
        import base64
        self.b64 = base64
        self.caps, self.accounts, self.replay, self.isupport = caps, accounts or {}, replay, isupport
        self.port = free_port()
        self.msgs = []  # (msgid, time, nick, text)
        self.read = None
        self.conns = []
        self.conn = None
        self.joined = False
        self.lock = threading.Lock()
        self.ls = socket.socket()
        self.ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.ls.bind(("127.0.0.1", self.port))
        self.ls.listen(4)
        threading.Thread(target=self._run, daemon=True).start()

    def _send(self, line):
        with self.lock:
            if self.conn:
                try:
                    self.conn.sendall((line + "\r\n").encode())
                except OSError:
                    pass

    def _time(self):
        import time
        t = time.time() + len(self.msgs) * 0.001  # distinct, increasing
        return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + ".%03dZ" % (int(t * 1000) % 1000)

    @staticmethod
    def _line(m, batch=None):
        tags = "msgid=%s;time=%s" % (m[0], m[1]) + (";batch=" + batch if batch else "")
        return "@%s :%s!u@h PRIVMSG #lobby :%s" % (tags, m[2], m[3])

    def say(self, nick, text):
        m = ("id%04d" % (len(self.msgs) + 1), self._time(), nick, text)
        self.msgs.append(m)
        if self.joined:
            self._send(self._line(m))
        return m

    def cut(self):
        with self.lock:
            self.joined = False
            if self.conn:
                try:
                    self.conn.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self):
        self.cut()
        self.ls.close()

    def _run(self):
        while True:
            try:
                c, _ = self.ls.accept()
            except OSError:
                return
            self.conns.append([])
            with self.lock:
                self.conn = c
            self._serve(c, self.conns[-1])

    def _history(self, w):
        sub, n = w[1].upper(), int(w[-1])
        if sub == "LATEST":
            sel = self.msgs[-n:]
        elif sub == "AFTER" and w[3].startswith("msgid="):
            ids = [m[0] for m in self.msgs]
            at = ids.index(w[3][6:]) + 1 if w[3][6:] in ids else len(self.msgs)
            sel = self.msgs[at:at + n]
        elif sub == "AFTER" and w[3].startswith("timestamp="):
            sel = [m for m in self.msgs if m[1] > w[3][10:]][:n]
        else:
            self._send("FAIL CHATHISTORY INVALID_PARAMS %s :bad" % w[1])
            return
        self._send("BATCH +h1 chathistory %s" % w[2])
        for m in sel:
            self._send(self._line(m, "h1"))
        self._send("BATCH -h1")

    def _serve(self, conn, got):
        nick, user, capend = None, False, False
        try:
            for line in lines_of(conn):
                got.append(line)
                w = line.split(" ")
                if w[0] == "CAP" and w[1] == "LS":
                    self._send(":irc.test CAP * LS :" + self.caps)
                elif w[0] == "CAP" and w[1] == "REQ":
                    self._send(":irc.test CAP * ACK " + " ".join(w[2:]))
                elif w[0] == "CAP" and w[1] == "END":
                    capend = True
                elif w[0] == "AUTHENTICATE" and w[1] == "PLAIN":
                    self._send("AUTHENTICATE +")
                elif w[0] == "AUTHENTICATE":
                    p = self.b64.b64decode(w[1]).split(b"\0")
                    ok = len(p) == 3 and self.accounts.get(p[1].decode()) == p[2].decode()
                    if ok:
                        self._send(":irc.test 900 * * %s :You are now logged in" % p[1].decode())
                    self._send(":irc.test %s * :SASL %s" % (
                        ("903", "authentication successful") if ok else
                        ("904", "authentication failed")))
                elif w[0] == "NICK":
                    nick = w[1]
                elif w[0] == "USER":
                    user = True
                elif w[0] == "JOIN":
                    self._send(":%s!u@h JOIN %s" % (nick, w[1]))
                    self._send("MARKREAD %s %s" % (w[1], "timestamp=" + self.read if self.read else "*"))
                    for m in self.msgs[len(self.msgs) - self.replay:] if self.replay else []:
                        self._send(self._line(m))
                    self._send(":irc.test 366 %s %s :End of NAMES list" % (nick, w[1]))
                    self.joined = True
                elif w[0] == "CHATHISTORY":
                    self._history(w)
                elif w[0] == "MARKREAD" and len(w) > 2:
                    self.read = w[2][len("timestamp="):]
                    self._send("MARKREAD %s %s" % (w[1], w[2]))
                elif w[0] == "PING":
                    self._send(":irc.test PONG irc.test " + w[-1])
                elif w[0] == "QUIT":
                    return
                if nick and user and (capend or "CAP LS" not in got[0]) and "welcomed" not in got:
                    got.append("welcomed")
                    self._send(":irc.test 001 %s :Welcome" % nick)
                    self._send(":irc.test 005 %s %s :are supported" % (nick, self.isupport))
        except OSError:
            pass
        finally:
            with self.lock:
                self.joined = False
                if self.conn is conn:
                    self.conn = None
            conn.close()
