"""chatbox_test - helpers for chatbox's end-to-end tests (test tooling only).

Run with /usr/bin/python3 (Debian's, which sees python3-* packages). The
runner exports CHATBOX (the binary, behind qemu on cross boards), CHATBOX_BIN,
CHATBOX_EMU and BOARD. Every wait is bounded and waits on a condition.

    from chatbox_test import T, Server, Line, case
    @case("registration")
    def _():
        with Server("-R", "0") as srv:
            a = Line(srv.port); a.send("NICK ana"); a.send("USER ana 0 * :a")
            T.check("welcome arrives", lambda: a.expect(r" 001 ana "))  # a step
            T.check("no error before it", lambda: a.absent(r" 4\d\d "))  # behind a PING
    T.done()

Each assertion is a T.check of its own. A step (a callable given to
T.check) runs inside it: if it raises, that step FAILs under its own name,
with the pattern it waited for and the last lines received, and its case
ends there (the rest would wait on a stream gone astray).
"""
import os
import re
import shlex
import shutil
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


def configured(symbol):
    """Whether the binary under test was built with CONFIG_SYMBOL=y (the
    .config beside it, else build/BOARD/.config; True when neither is there,
    so a test runs and says what is missing rather than skip in silence)."""
    for d in (os.path.dirname(BIN), os.path.join(TOP, "build", BOARD)):
        try:
            with open(os.path.join(d, ".config")) as f:
                return "CONFIG_%s=y\n" % symbol in f.read()
        except OSError:
            pass
    return True


def _sanitized(path):
    """True if PATH is a sanitizer build: its RSS is ASan's shadow memory."""
    try:
        with open(path, "rb") as f:
            return b"AddressSanitizer" in f.read()
    except OSError:
        return False


SANITIZED = _sanitized(BIN)
# Emulated boards start slower; scale waits, never the amount of work.
SLOW = 4.0 if EMU else 1.0


class _CaseStop(Exception):
    """A step of the running case failed (and said so): the case ends here."""


class _Results:
    def __init__(self):
        self.failed = 0
        self.count = 0
        self.case = None       # the running case's name, inside @case
        self.last_step = None  # the last step of it that passed

    def check(self, name, ok, detail=""):
        """PASS or FAIL NAME on OK. OK may be a step, a callable such as
        lambda: c.expect(...): it runs here, and if it raises (a line that
        never came, a closed connection) this step FAILs with what it waited
        for and the last lines received, and inside a @case the case stops
        there: its later steps would only wait on a stream gone astray."""
        if callable(ok):
            try:
                ok = ok()
            except Exception as e:
                self._report(name, False, "%s: %s" % (type(e).__name__, e))
                if self.case is not None:
                    raise _CaseStop(name)
                return False
        return self._report(name, ok, detail)

    def _report(self, name, ok, detail):
        self.count += 1
        if ok:
            self.last_step = name
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


def unshared(flags, name, why, tools=()):
    """Run the calling test again, once, in namespaces of its own (unshare
    FLAGS: "-m" a mount namespace, "-n" a network one with only a loopback
    down, "-mn" both), so what it mounts or listens on stays there. SKIP
    NAME, saying WHY root is needed, when not root (a network namespace
    alone needs no more than unshare allows) or when unshare may not make
    them here; a FAIL when unshare or one of TOOLS is not installed."""
    if os.environ.get("CHATBOX_UNSHARED") == flags:
        return
    if "m" in flags and os.geteuid() != 0:
        T.skip(name, "needs root " + why)
        T.done()
    missing = [t for t in ("unshare",) + tuple(tools) if not shutil.which(t)]
    if missing:
        T.check("%s installed (util-linux, mount, iproute2)" % ", ".join(missing), False)
        T.done()
    probe = subprocess.run(["unshare", flags, "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        T.skip(name, "unshare %s is not permitted here: %s" % (flags, probe.stderr.strip()))
        T.done()
    os.environ["CHATBOX_UNSHARED"] = flags
    script = os.path.abspath(sys.argv[0])
    os.execvp("unshare", ["unshare", flags, "--", sys.executable, script] + sys.argv[1:])


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


def applet(name, *args, bin=None, **kw):
    """subprocess.Popen of APPLET ARGS through a symlink named like the
    applet (to BIN, or to another build of the binary)."""
    d = tempfile.mkdtemp(prefix="chatbox-")
    link = os.path.join(d, name)
    os.symlink(bin or BIN, link)
    return subprocess.Popen(EMU + [link] + list(args), **kw)


class Server:
    """A chat-server on a free loopback port, stopped (SIGTERM) on exit.
    Not announced over mDNS (-M): tests talk only to loopback and their own
    namespaces, and this one runs in the host's."""

    def __init__(self, *args, port=None, expect_exit=False, preexec_fn=None, bin=None):
        self.args = ["-M"] + list(args)
        self.bin = bin  # another build (client_test.variant), else BIN
        self.preexec_fn = preexec_fn  # e.g. to set resource limits in the child
        # No port: the server takes any free one (-p 0) and logs it, so two
        # tests (or a client's ephemeral port) can never race for it.
        self.port = port or 0
        self.proc = None
        self.log = tempfile.TemporaryFile()

    def __enter__(self):
        self.proc = applet("chat-server", "-f", "-p", str(self.port), *self.args, bin=self.bin,
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
    """A line-oriented TCP client: send() lines, expect() regexes on lines,
    absent() for what must not come (behind a barrier())."""

    barriers = 0  # barrier tokens handed out, for unique ones

    def __init__(self, port, host="127.0.0.1", timeout=5.0, source=None, sock=None):
        """Connect to HOST:PORT (from address SOURCE if given), or wrap SOCK."""
        self.sock = sock or socket.create_connection(
            (host, port), timeout=timeout * SLOW, source_address=(source, 0) if source else None)
        self.sock.settimeout(timeout * SLOW)
        self.buf = b""
        self.lines = []   # every line received, for assertions after the fact
        self.pending = []  # received but not yet consumed by expect()
        self.kind = None  # "irc" or "plain", from the first line sent, as the server decides

    def send(self, text, end="\r\n"):
        data = text if isinstance(text, bytes) else (text + end).encode()
        if self.kind is None and data.strip():
            # chat-server's classify(): IRC if the first word is one of these
            word = data.lstrip().split(None, 1)[0].upper()
            self.kind = "irc" if word in (b"CAP", b"PASS", b"NICK", b"USER") else "plain"
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
                raise TimeoutError("expected a line matching %r within %g s; last lines received: %r"
                                   % (pattern, timeout * SLOW, self.lines[-8:]))
            self._read_more(deadline)

    def barrier(self, timeout=5.0):
        """Send a request whose one-line reply is known and unique, and read
        up to that reply: the server answers in order, so whatever it sent
        us because of earlier lines has arrived by then. The reply is
        consumed; the lines pending before it are returned and stay pending.
        IRC: PING :TOKEN, answered PONG. Plain text: /who #TOKEN ("-- #TOKEN:
        no such room"), or before the nickname is taken the nickname 9TOKEN
        ("-- '9TOKEN' cannot be a nickname")."""
        Line.barriers += 1
        tok = "barrier%dx%d" % (os.getpid(), Line.barriers)
        if self.kind == "irc":
            self.send("PING :" + tok)
            rx = re.compile(r"^(@\S+ )?:\S+ PONG \S+ :%s$" % tok)
        elif self.kind == "plain" and any(l.startswith("-- Hello ") for l in self.lines):
            self.send("/who #" + tok)
            rx = re.compile(r"^-- #%s: no such room$" % tok)
        elif self.kind == "plain" or any(l.startswith("Welcome to ") for l in self.lines):
            self.send("9" + tok)
            rx = re.compile(r"^-- '9%s' cannot be a nickname" % tok)
        else:
            raise ValueError("barrier: nothing sent or received yet, so IRC or plain text is undecided")
        deadline = time.monotonic() + timeout * SLOW
        seen = 0
        while True:
            for i in range(seen, len(self.pending)):
                if rx.search(self.pending[i]):
                    before = self.pending[:i]
                    del self.pending[i]
                    return before
            seen = len(self.pending)
            if time.monotonic() > deadline:
                raise TimeoutError("no reply to the barrier %r within %g s; last lines received: %r"
                                   % (tok, timeout * SLOW, self.lines[-8:]))
            self._read_more(deadline)

    def absent(self, pattern, wait=None, timeout=5.0):
        """True if no line matching PATTERN is pending when a barrier() comes
        back: the server had every chance to send it. Lines stay pending.
        WAIT is ignored: old calls absent(pattern, 0.3) still run, no
        longer on a timer."""
        rx = re.compile(pattern)
        return not any(rx.search(l) for l in self.barrier(timeout))

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


def irc(port, nick, caps=(), user=None, join=(), line=None):
    """A registered IRC session (Line, or LINE when given: a connected Line
    of another kind) for NICK, with CAPS acknowledged and the rooms JOIN
    joined (their end of NAMES consumed)."""
    c = line or Line(port)
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
    """Decorator: run a test function as case NAME. A step that fails (see
    T.check) ends it; any other exception is a FAIL of NAME that says after
    which step it came."""
    def wrap(fn):
        outer = T.case, T.last_step
        T.case, T.last_step = name, None
        try:
            fn()
        except _CaseStop:
            pass  # the step reported itself
        except Exception as e:  # report, keep going with the next case
            where = " (after step %r)" % T.last_step if T.last_step else " (before its first step)"
            T._report(name + where, False, "%s: %s" % (type(e).__name__, e))
        finally:
            T.case, T.last_step = outer
        return fn
    return wrap
