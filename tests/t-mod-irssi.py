#!/usr/bin/python3
"""t-mod-irssi - host-only: a real IRC client (Debian's irssi, driven in
tmux) moderates: /oper, /kickban of a troll (who then cannot come back),
/invite into a +i room. The results are checked from the other clients'
side and on irssi's screen."""
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from chatbox_test import BIN, EMU, T, Server, case, irc, wait_for  # noqa: E402

if not shutil.which("irssi") or not shutil.which("tmux"):
    T.skip("irssi moderates chat-server", "irssi or tmux not installed (make deps)")
    T.done()

PASSWORD = "irssi-oper-pass"
home = tempfile.mkdtemp(prefix="chatbox-irssi-")
sock = os.path.join(home, "tmux.sock")
session = "irssi"


def tmux(*args):
    return subprocess.run(["tmux", "-S", sock] + list(args), capture_output=True, text=True)


def screen():
    return tmux("capture-pane", "-p", "-t", session, "-S", "-300").stdout


def keys(text):
    tmux("send-keys", "-t", session, "-l", text)
    tmux("send-keys", "-t", session, "Enter")


def opers_file():
    link = os.path.join(home, "chat-server")
    os.symlink(BIN, link)
    h = subprocess.run(EMU + [link, "--hash-password"], input=PASSWORD + "\n", capture_output=True,
                       text=True, timeout=30).stdout.strip()
    path = os.path.join(home, "operators")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write("irssiop %s\n" % h)
    return path


with Server("-R", "0", "-O", opers_file()) as srv:
    @case("irssi: /oper, /kickban a troll, /invite a guest into +i")
    def _():
        tmux("new-session", "-d", "-s", session, "-x", "200", "-y", "50",
             "irssi --home=%s -n modirssi -c 127.0.0.1 -p %d" % (home, srv.port))
        try:
            wait_for(lambda: "Welcome to" in screen(), 15, what="irssi to register")
            keys("/join #mod")
            wait_for(lambda: "Total of" in screen(), 10, what="irssi to join #mod")
            T.check("irssi creates #mod (its operator)", True)
            keys("/oper irssiop " + PASSWORD)
            # 381 lands in the status window; the status bar shows the +o
            T.check("/oper: irssi's user modes gain +o", lambda:
                    wait_for(lambda: re.search(r"modirssi\(\+[a-z]*o[a-z]*\)", screen()), 10,
                             what="+o in irssi's status bar"))
            troll = irc(srv.port, "troll", join=["#mod"])
            wait_for(lambda: "troll" in screen() and "has joined" in screen(), 10,
                     what="irssi to see the troll")
            keys("/kickban troll go away")
            T.check("/kickban: the troll sees the ban",
                    lambda: troll.expect(r"^:modirssi!\S+ MODE #mod \+b \*!\*troll@127\.0\.0\.\*$"))
            T.check("/kickban: and is kicked with the reason",
                    lambda: troll.expect(r"^:modirssi!\S+ KICK #mod troll :go away$"))
            troll.send("JOIN #mod")
            T.check("the troll cannot come back: 474", lambda: troll.expect(r" 474 troll #mod "))
            keys("/mode #mod +i")
            guest = irc(srv.port, "guest")
            wait_for(lambda: "mode/#mod [+i]" in screen(), 10, what="+i on irssi's screen")
            guest.send("JOIN #mod")
            T.check("+i keeps the guest out: 473", lambda: guest.expect(r" 473 guest #mod "))
            keys("/invite guest #mod")
            T.check("/invite: the guest is invited",
                    lambda: guest.expect(r"^:modirssi!\S+ INVITE guest #mod$"))
            guest.send("JOIN #mod")
            T.check("and joins", lambda: guest.expect(r"^:guest!\S+ JOIN #mod"))
            T.check("irssi sees the guest join",
                    wait_for(lambda: "guest" in screen() and "has joined #mod" in screen(), 10,
                             what="the guest's JOIN in irssi"))
            keys("/quit")
        except Exception:
            print("# irssi's screen:\n# " + screen()[-3000:].replace("\n", "\n# "))
            raise
        finally:
            tmux("kill-server")
            shutil.rmtree(home, ignore_errors=True)

T.done()
