"""hostile - raw-byte helpers for the server contract tests (test tooling only).

chatbox_test.Line decodes what it reads (bad bytes become U+FFFD), which
hides exactly what these tests look for, so Raw keeps every line as the
bytes the server sent, terminator included:

    c = Raw(port); c.send(b"NICK x\\r\\n", end=b"")
    c.expect(rb" 001 x ")           # bytes regex (str is UTF-8 encoded)
    before = sync(c)               # PING :barrier-N ... PONG: lines in between
    problems(line)                 # what in LINE a terminal must never get

Every wait is bounded (timeouts scale with chatbox_test.SLOW).
"""
import re
import socket
import time

from chatbox_test import SLOW, Line, irc

_barrier = [0]


class Raw(Line):
    """A TCP client keeping raw lines: .wire (with CRLF), .lines (without).
    Connecting and closed()/close() are chatbox_test.Line's."""

    def __init__(self, port, host="127.0.0.1", timeout=5.0, source=None, sock=None):
        super().__init__(port, host=host, timeout=timeout, source=source, sock=sock)
        self.wire = []     # every line as received, terminator included
        self.lines = []    # the same without the line end
        self.pending = []  # indexes into lines, not yet consumed
        self.eof = False

    def send(self, data, end=b"\r\n"):
        if isinstance(data, str):
            data = data.encode("utf-8", "surrogateescape")
        if isinstance(end, str):
            end = end.encode()
        self.sock.sendall(data + end)

    def _read_more(self, deadline):
        if self.eof:
            raise EOFError("connection closed; last lines: %r" % self.lines[-5:])
        self.sock.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            chunk = self.sock.recv(65536)
        except socket.timeout:
            return False
        if not chunk:
            self.eof = True
            raise EOFError("connection closed; last lines: %r" % self.lines[-5:])
        self.buf += chunk
        *done, self.buf = self.buf.split(b"\n")
        for raw in done:
            self.wire.append(raw + b"\n")
            self.lines.append(raw[:-1] if raw.endswith(b"\r") else raw)
            self.pending.append(len(self.lines) - 1)
        return True

    def until(self, pattern, timeout=5.0):
        """Consume lines up to the first matching PATTERN (bytes or str regex);
        return the consumed lines, the matching one last."""
        if isinstance(pattern, str):
            pattern = pattern.encode()
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout * SLOW
        taken = []
        while True:
            while self.pending:
                i = self.pending.pop(0)
                taken.append(self.lines[i])
                if rx.search(self.lines[i]):
                    return taken
            if time.monotonic() > deadline:
                raise TimeoutError("no line matching %r; last lines: %r" % (pattern, self.lines[-8:]))
            self._read_more(deadline)

    def expect(self, pattern, timeout=5.0):
        """Consume lines up to the first matching PATTERN; return the match."""
        last = self.until(pattern, timeout)[-1]
        if isinstance(pattern, str):
            pattern = pattern.encode()
        return re.search(pattern, last)


def next_barrier():
    _barrier[0] += 1
    return _barrier[0]


def sync(c, timeout=5.0):
    """IRC barrier: PING :barrier-N, wait for its PONG. Everything the server
    queued for C before it handled the PING has arrived: return those lines
    (not consumed before, the PONG left out)."""
    n = next_barrier()
    c.send("PING :barrier-%d" % n)
    return c.until(rb"PONG .* :?barrier-%d$" % n, timeout)[:-1]


def psync(p, timeout=5.0):
    """Plain-user barrier: an unknown command, whose reply echoes its name."""
    n = next_barrier()
    p.send("/barrier-%d" % n)
    return p.until(rb"^-- .*barrier-%d\b" % n, timeout)[:-1]


def irc_raw(port, nick, join=(), caps=(), user=None, host="127.0.0.1", source=None):
    """A registered IRC session on Raw, in the rooms JOIN (NAMES consumed):
    chatbox_test.irc()'s registration, over raw bytes."""
    return irc(port, nick, caps=caps, user=user, join=join,
               line=Raw(port, host=host, source=source))


def plain_raw(port, nick, host="127.0.0.1", source=None):
    """A plain-text (nc-style) session on Raw, in the default room."""
    c = Raw(port, host=host, source=source)
    c.expect(rb"nickname", timeout=5.0)
    c.send(nick)
    c.expect(rb"^-- Hello " + re.escape(nick.encode()) + rb"!")
    c.expect(rb"^-- In #")
    return c


BIDI = set(range(0x202A, 0x202F)) | set(range(0x2066, 0x206A))


def problems(line):
    """What in LINE (bytes, without its CRLF) a plain terminal or a log must
    never get: a list of short descriptions, empty if clean."""
    out = []
    for b in sorted(set(line)):
        if b == 0x1b:
            out.append("ESC")
        elif b < 0x20 and b != 0x09:
            out.append("C0 0x%02x" % b)
        elif b == 0x7f:
            out.append("DEL")
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as e:
        out.append("invalid UTF-8 %r" % line[max(0, e.start - 4):e.end + 4])
        text = line.decode("utf-8", "replace")
    for ch in sorted(set(text)):
        cp = ord(ch)
        if 0x80 <= cp <= 0x9f:
            out.append("C1 U+%04X" % cp)
        elif cp in BIDI:
            out.append("bidi U+%04X" % cp)
    return out


def dirty(lines):
    """The lines of LINES that have problems(), with them: [] if all clean."""
    return [(l, problems(l)) for l in lines if problems(l)]


# One string holding every kind of byte a terminal must not get. No CR, LF
# or NUL (they end a line), no space-free guarantee (use in trailing text).
HOSTILE = (b"esc\x1b[31m osc\x1b]0;owned\x07 bs\x08 del\x7f raw-c1\x9b utf8-c1\xc2\x9b"
           b" rlo\xe2\x80\xae lri\xe2\x81\xa6 pdi\xe2\x81\xa9 bad\xff\xfe over\xc0\xaf"
           b" cut\xe2\x82 end")

# What a plain (telnet) user can send: 0xff is telnet's IAC there.
PLAIN_HOSTILE = HOSTILE.replace(b"\xff", b"\xf8")

# Single kinds, each usable inside a name (no space, comma, colon).
KINDS = [
    ("ESC", b"\x1b[5m"),
    ("BEL", b"\x07"),
    ("DEL", b"\x7f"),
    ("raw C1 0x9b", b"\x9b"),
    ("UTF-8 C1 U+009B", b"\xc2\x9b"),
    ("bidi U+202E", b"\xe2\x80\xae"),
    ("bidi U+2067", b"\xe2\x81\xa7"),
    ("invalid UTF-8 0xff", b"\xff"),
    ("overlong UTF-8", b"\xc0\xaf"),
    ("truncated UTF-8", b"\xe2\x82"),
]

# The same for plain users' input (0xff would be telnet's IAC).
PLAIN_KINDS = [(k, b.replace(b"\xff", b"\xf8")) for k, b in KINDS if b != b"\xff"] + [
    ("invalid UTF-8 0xf8", b"\xf8")]
