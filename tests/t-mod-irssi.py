#!/usr/bin/python3
"""t-mod-irssi - host-only: a real IRC client (Debian's irssi, driven in
tmux: tests/lib/irssi_test.py) moderates: /oper, /kickban of a troll (who
then cannot come back), /invite into a +i room. The results are checked
from the other clients' side and on irssi's screen."""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from chatbox_test import BIN, EMU, T, Server, case, configured, irc  # noqa: E402
from irssi_test import Irssi  # noqa: E402

if not configured("SERVER_MODERATION"):
    T.skip("irssi moderates chat-server", "built without SERVER_MODERATION")
    T.done()

irssi = Irssi.or_skip("irssi moderates chat-server")
PASSWORD = "irssi-oper-pass"


def opers_file():
    link = os.path.join(irssi.home, "chat-server")
    os.symlink(BIN, link)
    h = subprocess.run(EMU + [link, "--hash-password"], input=PASSWORD + "\n", capture_output=True,
                       text=True, timeout=30).stdout.strip()
    path = os.path.join(irssi.home, "operators")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write("irssiop %s\n" % h)
    return path


with Server("-R", "0", "-O", opers_file()) as srv:
    @case("irssi: /oper, /kickban a troll, /invite a guest into +i")
    def _():
        try:
            irssi.start(srv.port, "modirssi", x=200, y=50)
            irssi.keys("/join #mod")
            irssi.wait(lambda s: "Total of" in s, "irssi to join #mod")
            T.check("irssi creates #mod (its operator)", True)
            irssi.keys("/oper irssiop " + PASSWORD)
            # 381 lands in the status window; the status bar shows the +o
            T.check("/oper: irssi's user modes gain +o", lambda: irssi.wait(
                lambda s: re.search(r"modirssi\(\+[a-z]*o[a-z]*\)", s), "+o in irssi's status bar"))
            troll = irc(srv.port, "troll", join=["#mod"])
            irssi.wait(lambda s: "troll" in s and "has joined" in s, "irssi to see the troll")
            irssi.keys("/kickban troll go away")
            T.check("/kickban: the troll sees the ban",
                    lambda: troll.expect(r"^:modirssi!\S+ MODE #mod \+b \*!\*troll@127\.0\.0\.\*$"))
            T.check("/kickban: and is kicked with the reason",
                    lambda: troll.expect(r"^:modirssi!\S+ KICK #mod troll :go away$"))
            troll.send("JOIN #mod")
            T.check("the troll cannot come back: 474", lambda: troll.expect(r" 474 troll #mod "))
            irssi.keys("/mode #mod +i")
            guest = irc(srv.port, "guest")
            irssi.wait(lambda s: "mode/#mod [+i]" in s, "+i on irssi's screen")
            guest.send("JOIN #mod")
            T.check("+i keeps the guest out: 473", lambda: guest.expect(r" 473 guest #mod "))
            irssi.keys("/invite guest #mod")
            T.check("/invite: the guest is invited",
                    lambda: guest.expect(r"^:modirssi!\S+ INVITE guest #mod$"))
            guest.send("JOIN #mod")
            T.check("and joins", lambda: guest.expect(r"^:guest!\S+ JOIN #mod"))
            T.check("irssi sees the guest join", lambda: irssi.wait(
                lambda s: "guest" in s and "has joined #mod" in s, "the guest's JOIN in irssi"))
            irssi.keys("/quit")
        except Exception:
            irssi.dump()
            raise
        finally:
            irssi.close()

T.done()
