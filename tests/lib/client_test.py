"""client_test - peers for chat-client's tests: Debian's ngircd and a
scripted fake IRC server, both on free loopback ports (test tooling only)."""
import os
import shutil
import socket
import subprocess
import tempfile
import threading

from chatbox_test import SLOW, Line, Server, free_port, stop_process, wait_for


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
        buf = b""
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
            while True:
                data = conn.recv(4096)
                if not data:
                    break
                buf += data
                while b"\n" in buf:
                    raw, buf = buf.split(b"\n", 1)
                    line = raw.decode(errors="replace").rstrip("\r")
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
