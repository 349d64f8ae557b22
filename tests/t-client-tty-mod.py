#!/usr/bin/python3
"""t-client-tty-mod (host-only) - moderation on chat-client's screen (tmux):
mode changes with who made them, kicks with their reasons, /whois in words,
/quote replies and numerics the client has no words for, against ngIRCd and
chat-server. host-only: tmux drives the host binary."""
import os
import re
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from chatbox_test import BIN, EMU, Server, T, case, wait_for  # noqa: E402
from client_test import Ngircd, Tmux, watcher  # noqa: E402

if not shutil.which("tmux"):
    T.check("tmux is installed (make deps)", False)
    T.done()

TMP = tempfile.mkdtemp(prefix="chatbox-ttymod-")
tmux = Tmux(TMP)
LINK = os.path.join(TMP, "chat-client")
os.symlink(BIN, LINK)


def screen():
    return tmux("capture-pane", "-p", "-J", "-S", "-200", "-t", "t")


def wait_screen(pattern, timeout=5):
    rx = re.compile(pattern, re.M)
    try:
        return wait_for(lambda: rx.search(screen()), timeout, what=pattern)
    except TimeoutError:
        raise TimeoutError("no %r on screen:\n%s" % (pattern, screen()))


def typed(text):
    tmux("send-keys", "-t", "t", "-l", text)
    tmux("send-keys", "-t", "t", "Enter")


def mod_cases(name, srv):
    port = srv.port
    room = "#mod"
    tmux.new_session("%s -n ana -r '%s' 127.0.0.1:%d; sleep 600" % (" ".join(EMU + [LINK]), room, port),
                     120, 35)
    wait_screen(r"ana \| online")
    bo = watcher(port, "bo", room=room)
    cy = watcher(port, "cy", room=room)
    wait_screen(r"-!- cy joined #mod")

    title = "%s: mode changes are shown with who made them" % name

    @case(title)
    def _():
        typed("/op bo")
        bo.expect(r"MODE #mod \+o bo")
        wait_screen(r"-!- mode/#mod \[\+o bo\] by ana$")
        bo.send("MODE #mod +v cy")
        T.check(title, bool(wait_screen(r"-!- mode/#mod \[\+v cy\] by bo$")))

    title = "%s: a kick is shown with its reason" % name

    @case(title)
    def _():
        bo.send("KICK #mod cy :too loud, sorry")
        T.check(title, bool(wait_screen(r"-!- cy was kicked from #mod by bo \(too loud, sorry\)$")))

    title = "%s: /whois shows the reply in words" % name

    @case(title)
    def _():
        typed("/whois bo")
        wait_screen(r"-!- bo is ~?bo@\S+ \(watcher\)$")
        T.check(title, bool(wait_screen(r"-!- bo is on server \S+ \(.*\)$")) and
                bool(wait_screen(r"-!- bo End of /?WHOIS list")))

    title = "%s: /quote replies are shown, not swallowed" % name

    @case(title)
    def _():
        typed("/quote VERSION")
        wait_screen(r"-!- \S*(ngIRCd|chatbox)-\d\S* ")
        typed("/quote LUSERS")  # numerics 251-266, none of them the client's own
        T.check(title, bool(wait_screen(r"-!- There are \d+ users")))

    title = "%s: /mode +m, /kick from the client" % name

    @case(title)
    def _():
        typed("/mode +m")
        wait_screen(r"-!- mode/#mod \[\+m\] by ana$")
        typed("/kick bo bye for now")
        bo.expect(r"KICK #mod bo :bye for now")
        T.check(title, bool(wait_screen(r"-!- bo was kicked from #mod by ana \(bye for now\)$")))
    bo.close()
    cy.close()
    tmux("send-keys", "-t", "t", "C-c")


try:
    with Ngircd() as srv:
        mod_cases("ngircd", srv)
    with Server() as srv:
        mod_cases("chat-server", srv)
finally:
    tmux.kill_server()
    shutil.rmtree(TMP, ignore_errors=True)
T.done()
