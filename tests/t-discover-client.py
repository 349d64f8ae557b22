#!/usr/bin/python3
"""t-discover-client.py - chat-client without an address on a private LAN
(network namespaces on a bridge): the only chat-server is found and
joined; with two, script mode lists them and fails; with none, it says how
to start one."""
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from chatbox_test import BIN, BOARD, EMU, SLOW, TOP, Line, T, case, wait_for  # noqa: E402
from netns import Lan, socket_in  # noqa: E402

why = Lan.unavailable()
try:
    with open(os.path.join(TOP, "build", BOARD, ".config")) as f:
        config = f.read()
except OSError:
    config = ""
if not why and "CONFIG_CLIENT_DISCOVERY=y\n" not in config:
    why = "chat-client built without CLIENT_DISCOVERY"
if not why and "CONFIG_SERVER_MDNS=y\n" not in config:
    why = "chat-server built without SERVER_MDNS"
if why:
    T.skip("chat-client finds the server by itself", why)
    T.done()

SERVER = EMU + [BIN, "chat-server", "-f"]
CLIENT = EMU + [BIN, "chat-client", "-s"]
TAG = str(os.getpid())
NONE_MSG = ("chat-client: no chat server found on this network; "
            "start one with chat-server, or give an address")


def client(lan, i, *args, stdin=""):
    return lan.run(i, CLIENT + list(args), input=stdin, timeout=30 * SLOW)


def wait_listening(lan, i, port):
    def up():
        def make():
            s = socket.socket()
            s.settimeout(1)
            return s
        s = socket_in(lan.ns[i], make)
        try:
            s.connect((lan.addr(i), port))
            return True
        except OSError:
            return False
        finally:
            s.close()
    wait_for(up, 10, interval=0.1, what="chat-server on port %d" % port)


def watcher(lan, i, ns_of_server, port):
    def make():
        s = socket.socket()
        s.settimeout(5 * SLOW)
        s.connect((lan.addr(ns_of_server), port))
        return s
    w = Line(port, sock=socket_in(lan.ns[i], make))
    w.send("NICK watch" + TAG[-4:])
    w.send("USER w 0 * :watcher")
    w.expect(r" 001 ")
    w.send("JOIN #lobby")
    w.expect(r" 366 ")
    return w


with Lan(3) as lan:
    @case("no server on the network: a clear error, exit 1")
    def _():
        r = client(lan, 1, "-n", "ana", stdin="hello\n")
        T.check("no server on the network: a clear error, exit 1",
                r.returncode == 1 and NONE_MSG in r.stderr, (r.returncode, r.stderr))

    one = lan.popen(0, SERVER + ["-n", "only one " + TAG, "-p", "6667"], text=True)
    wait_listening(lan, 0, 6667)

    @case("chat-client with no address connects to the only server")
    def _():
        w = watcher(lan, 2, 0, 6667)
        r = client(lan, 1, "-n", "ana", stdin="found you\n")
        ok = r.returncode == 0 and w.expect(r"^:ana!\S* PRIVMSG #lobby :found you$", 10)
        T.check("chat-client with no address connects to the only server", ok,
                (r.returncode, r.stderr))
        w.close()

    two = lan.popen(2, SERVER + ["-n", "second " + TAG, "-p", "6668"], text=True)
    wait_listening(lan, 2, 6668)

    @case("two servers, script mode: an error listing both, exit 1")
    def _():
        def listed():
            r = client(lan, 1, "-n", "ana", stdin="hi\n")
            return r if "second " + TAG in r.stderr else None
        r = wait_for(listed, 20, interval=0.5, what="both servers listed")
        T.check("two servers, script mode: an error listing both, exit 1",
                r.returncode == 1 and "2 chat servers on this network" in r.stderr and
                "only one %s" % TAG in r.stderr and ":6667" in r.stderr and ":6668" in r.stderr,
                (r.returncode, r.stderr))

    @case("two servers, a terminal: a numbered list to pick from, the pick is joined")
    def _():
        title = "two servers, a terminal: a numbered list to pick from, the pick is joined"
        if not shutil.which("tmux"):
            T.skip(title, "tmux is not installed")
            return
        tmp = tempfile.mkdtemp(prefix="chatbox-pick-")
        tm = ["tmux", "-S", os.path.join(tmp, "sock")]
        w = watcher(lan, 1, 2, 6668)
        cmd = " ".join(shlex.quote(a) for a in
                       ["ip", "netns", "exec", lan.ns[1]] + EMU + [BIN, "chat-client", "-n", "picker"])
        try:
            subprocess.run(tm + ["new-session", "-d", "-s", "p", "-x", "120", "-y", "30", cmd],
                           check=True)

            def screen():
                return subprocess.run(tm + ["capture-pane", "-p", "-t", "p"],
                                      capture_output=True, text=True).stdout
            wait_for(lambda: "which one? [1-2]" in screen(), 15, interval=0.1,
                     what="the pick list")
            pick = [l.split(")")[0].strip() for l in screen().splitlines()
                    if "second " + TAG in l][0]
            subprocess.run(tm + ["send-keys", "-t", "p", pick, "Enter"], check=True)
            T.check(title, w.expect(r"^:picker!\S* JOIN :?#lobby", 10), screen())
        finally:
            subprocess.run(tm + ["kill-server"], capture_output=True)
            shutil.rmtree(tmp, ignore_errors=True)
            w.close()

    for p in (one, two):
        p.send_signal(signal.SIGTERM)
        p.wait(10 * SLOW)

T.done()
