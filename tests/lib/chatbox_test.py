"""chatbox_test - helpers for chatbox's end-to-end tests (test tooling only).

Run with /usr/bin/python3 (Debian's, which sees python3-* packages). The
runner exports CHATBOX (the binary, behind qemu on cross boards), CHATBOX_BIN,
CHATBOX_EMU and BOARD. Every wait is bounded and waits on a condition.

    from chatbox_test import T, Server, Line
    with Server("-R", "0") as srv:
        a = Line(srv.port); a.send("NICK ana"); a.expect(r" 001 ana ")
        T.check("welcome arrives", True)
    T.done()
"""
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
CHATBOX = shlex.split(os.environ.get("CHATBOX", os.path.join(TOP, "build/x86_64/chatbox")))
EMU = shlex.split(os.environ.get("CHATBOX_EMU", ""))
BIN = os.environ.get("CHATBOX_BIN", CHATBOX[-1])
BOARD = os.environ.get("BOARD", "x86_64")
# Emulated boards start slower; scale waits, never the amount of work.
SLOW = 4.0 if EMU else 1.0


class _Results:
    def __init__(self):
        self.failed = 0
        self.count = 0

    def check(self, name, ok, detail=""):
        self.count += 1
        if ok:
            print("PASS: " + name, flush=True)
        else:
            self.failed += 1
            print("FAIL: " + name + (": " + str(detail) if detail else ""), flush=True)
        return ok

    def skip(self, name, why):
        print("SKIP: %s (%s)" % (name, why), flush=True)

    def done(self):
        sys.exit(1 if self.failed else 0)


T = _Results()


def wait_for(cond, timeout=5.0, interval=0.02, what="condition"):
    """Poll COND until it returns a true value; raise TimeoutError after TIMEOUT s."""
    deadline = time.monotonic() + timeout * SLOW
    while True:
        v = cond()
        if v:
            return v
        if time.monotonic() > deadline:
            raise TimeoutError("timed out waiting for " + what)
        time.sleep(interval)


def free_port(family=socket.AF_INET):
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0) if family == socket.AF_INET else ("::1", 0))
        return s.getsockname()[1]


def drain(sock, timeout=5.0):
    """Every byte SOCK still gets until the peer closes it (or TIMEOUT s of silence)."""
    data = b""
    sock.settimeout(timeout * SLOW)
    try:
        while True:
            d = sock.recv(65536)
            if not d:
                break
            data += d
    except OSError:
        pass
    return data


def stop_process(proc, sig=signal.SIGTERM, timeout=10):
    """Send SIG to a running PROC, wait up to TIMEOUT s, then SIGKILL; its exit code."""
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return proc.returncode


def applet(name, *args, **kw):
    """subprocess.Popen of APPLET ARGS through a symlink named like the applet."""
    d = tempfile.mkdtemp(prefix="chatbox-")
    link = os.path.join(d, name)
    os.symlink(BIN, link)
    return subprocess.Popen(EMU + [link] + list(args), **kw)


class Server:
    """A chat-server on a free loopback port, stopped (SIGTERM) on exit.
    Not announced over mDNS (-M): tests talk only to loopback and their own
    namespaces, and this one runs in the host's."""

    def __init__(self, *args, port=None, expect_exit=False, preexec_fn=None):
        self.args = ["-M"] + list(args)
        self.preexec_fn = preexec_fn  # e.g. to set resource limits in the child
        # No port: the server takes any free one (-p 0) and logs it, so two
        # tests (or a client's ephemeral port) can never race for it.
        self.port = port or 0
        self.proc = None
        self.log = tempfile.TemporaryFile()

    def __enter__(self):
        self.proc = applet("chat-server", "-f", "-p", str(self.port), *self.args,
                           stdout=self.log, stderr=subprocess.STDOUT,
                           preexec_fn=self.preexec_fn)
        if not self.port:
            self.port = int(wait_for(self._logged_port, 10, what="chat-server's port"))
        try:
            wait_for(self._accepting, 10, what="chat-server to listen on %d" % self.port)
        except TimeoutError:
            self.stop()
            raise RuntimeError("chat-server did not start: " + self.output())
        return self

    def _logged_port(self):
        if self.proc.poll() is not None:
            raise RuntimeError("chat-server exited %s: %s" % (self.proc.returncode, self.output()))
        m = re.search(r"listening on port (\d+)", self.output())
        return m and m.group(1)

    def _accepting(self):
        if self.proc.poll() is not None:
            raise RuntimeError("chat-server exited %s: %s" % (self.proc.returncode, self.output()))
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
            return True
        except OSError:
            return False

    def output(self):
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def stop(self, sig=signal.SIGTERM, timeout=10):
        return stop_process(self.proc, sig, timeout * SLOW) if self.proc else None

    def __exit__(self, *exc):
        self.stop()


class Line:
    """A line-oriented TCP client: send() lines, expect() regexes on lines."""

    def __init__(self, port, host="127.0.0.1", timeout=5.0, source=None, sock=None):
        """Connect to HOST:PORT (from address SOURCE if given), or wrap SOCK."""
        self.sock = sock or socket.create_connection(
            (host, port), timeout=timeout * SLOW, source_address=(source, 0) if source else None)
        self.sock.settimeout(timeout * SLOW)
        self.buf = b""
        self.lines = []   # every line received, for assertions after the fact
        self.pending = []  # received but not yet consumed by expect()

    def send(self, text, end="\r\n"):
        data = text if isinstance(text, bytes) else (text + end).encode()
        self.sock.sendall(data)

    def _read_more(self, deadline):
        self.sock.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            chunk = self.sock.recv(65536)
        except socket.timeout:
            return False
        if not chunk:
            raise EOFError("connection closed; last lines: %r" % self.lines[-5:])
        self.buf += chunk
        *done, self.buf = self.buf.split(b"\n")  # linear, even for big bursts
        for raw in done:
            line = raw.rstrip(b"\r").decode("utf-8", errors="replace")
            self.lines.append(line)
            self.pending.append(line)
        return True

    def expect(self, pattern, timeout=5.0):
        """Consume lines up to the first matching PATTERN; return the match."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout * SLOW
        while True:
            for i, line in enumerate(self.pending):
                m = rx.search(line)
                if m:
                    del self.pending[:i + 1]
                    return m
            self.pending.clear()
            if time.monotonic() > deadline:
                raise TimeoutError("no line matching %r; last lines: %r" % (pattern, self.lines[-8:]))
            self._read_more(deadline)

    def absent(self, pattern, wait=0.3):
        """True if no line matching PATTERN arrives within WAIT s (lines stay pending)."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + wait * SLOW
        try:
            while time.monotonic() < deadline:
                self._read_more(deadline)
        except (EOFError, ConnectionResetError):
            pass
        return not any(rx.search(l) for l in self.pending)

    def closed(self, timeout=5.0):
        """True once the server closes the connection (lines before it kept)."""
        deadline = time.monotonic() + timeout * SLOW
        try:
            while time.monotonic() < deadline:
                self._read_more(deadline)
        except (EOFError, ConnectionResetError):
            return True
        return False

    def close(self):
        self.sock.close()


def irc(port, nick, caps=(), user=None, join=()):
    """A registered IRC session (Line) for NICK, with CAPS acknowledged and
    the rooms JOIN joined (their end of NAMES consumed)."""
    c = Line(port)
    if caps:
        c.send("CAP LS 302")
    c.send("NICK " + nick)
    c.send("USER %s 0 * :%s" % (user or nick, nick))
    if caps:
        c.send("CAP REQ :" + " ".join(caps))
        c.expect(r" CAP \S+ ACK ")
        c.send("CAP END")
    c.expect(r" 001 %s " % re.escape(nick))
    c.expect(r" 376 ")
    for room in join:
        c.send("JOIN " + room)
        c.expect(r" 366 %s %s " % (re.escape(nick), re.escape(room)))
    return c


def plain(port, nick):
    """A plain-text (nc-style) session named NICK, in the default room."""
    c = Line(port)
    c.expect(r"nickname")
    c.send(nick)
    c.expect(r"^-- Hello %s!" % re.escape(nick))
    c.expect(r"^-- In #")
    return c


def case(name):
    """Decorator: run a test function, turning exceptions into a FAIL line."""
    def wrap(fn):
        try:
            fn()
        except Exception as e:  # report, keep going with the next case
            T.check(name, False, "%s: %s" % (type(e).__name__, e))
        return fn
    return wrap
