"""irssi_test - Debian's irssi, a real IRC client, driven in a tmux of the
test's own (client_test.Tmux) against chat-server (test tooling only).

    irssi = Irssi.or_skip("irssi moderates chat-server")   # SKIP and exit without them
    irssi.start(srv.port, "nick")                # registered: its 001 on screen
    irssi.keys("/join #room")                    # typed, then Enter
    irssi.wait(lambda s: "Total of" in s, "the join")   # S: the screen, bounded wait
    irssi.close()                                # the tmux server and the home dir

On an exception, dump() prints the screen as # lines for the log."""
import os
import shutil
import sys
import tempfile

from chatbox_test import T, wait_for
from client_test import Tmux


class Irssi:
    SESSION = "irssi"

    def __init__(self):
        self.home = tempfile.mkdtemp(prefix="chatbox-irssi-")
        self.tmux = Tmux(self.home)

    @classmethod
    def or_skip(cls, name):
        """An Irssi, or a SKIP of NAME and the script's end when irssi or
        tmux is missing."""
        if not shutil.which("irssi") or not shutil.which("tmux"):
            T.skip(name, "irssi or tmux not installed (make deps)")
            T.done()
            sys.exit(0)
        return cls()

    def start(self, port, nick, x=160, y=40):
        """irssi as NICK on 127.0.0.1:PORT, up to its welcome on screen."""
        self.tmux.new_session("irssi --home=%s -n %s -c 127.0.0.1 -p %d" % (self.home, nick, port),
                              x=x, y=y, name=self.SESSION)
        self.wait(lambda s: "Welcome to" in s, "irssi to register", 15)

    def screen(self, lines=300):
        """The screen and LINES of scrollback, as text."""
        return self.tmux("capture-pane", "-p", "-t", self.SESSION, "-S", "-%d" % lines)

    def keys(self, text):
        self.tmux("send-keys", "-t", self.SESSION, "-l", text)
        self.tmux("send-keys", "-t", self.SESSION, "Enter")

    def wait(self, pred, what, timeout=10):
        """PRED(screen)'s true value, waited for (TIMEOUT s, scaled by SLOW)."""
        return wait_for(lambda: pred(self.screen()), timeout, what=what)

    def dump(self):
        try:
            text = self.screen()[-3000:]
        except Exception as e:  # irssi (or tmux) gone
            text = "(none: %s)" % e
        print("# irssi's screen:\n# " + text.replace("\n", "\n# "), flush=True)

    def close(self):
        self.tmux.kill_server()
        shutil.rmtree(self.home, ignore_errors=True)
