"""discovery_test - shared bits of the mDNS/DNS-SD tests (test tooling only)."""
import os
import threading

from chatbox_test import BIN, BOARD, EMU, SLOW, TOP

DISCOVER = EMU + [BIN, "chat-discover"]
ANNOUNCE_TOOL = EMU + [os.path.join(TOP, "build", BOARD, "mdns-announce")]


def server_announces():
    """Whether this build's chat-server announces itself (SERVER_MDNS)."""
    try:
        with open(os.path.join(TOP, "build", BOARD, ".config")) as f:
            return "CONFIG_SERVER_MDNS=y\n" in f.read()
    except OSError:
        return False


def announcer(name, port):
    """argv announcing NAME on PORT: chat-server once it announces itself,
    until then mdns-announce (the same responder code)."""
    if server_announces():
        return EMU + [BIN, "chat-server", "-f", "-n", name, "-p", str(port)]
    return ANNOUNCE_TOOL + [name, str(port)]


class Lines:
    """Collect a process's stdout lines in the background."""

    def __init__(self, proc):
        self.proc, self.lines = proc, []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def find(self, prefix):
        return [l for l in self.lines if l.startswith(prefix)]


def discover(lan, i, *args, secs=3):
    """chat-discover ARGS -t SECS in namespace I: CompletedProcess."""
    return lan.run(i, DISCOVER + list(args) + ["-t", str(secs)], timeout=secs * SLOW + 30)


def by_name(out):
    """chat-discover -m output: {name: fields}."""
    return {l.split("\t")[0]: l.split("\t") for l in out.splitlines() if l}
