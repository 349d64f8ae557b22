#!/usr/bin/python3
"""t-client-script-log - chat-client -L DIR: a plain-text log per room and
private chat (DIR/#lobby.log, DIR/bo.log) with the date, as irssi's autolog
keeps them: others' and our own lines, events; against chat-server and a
hostile scripted server (controls never reach a log; a room name cannot
put a file outside DIR). Script mode: runs on every board."""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from chatbox_test import SLOW, Server, T, applet, case, configured, wait_for  # noqa: E402
from client_test import FakeIrc, client_option_off, watcher  # noqa: E402

if not configured("CLIENT_LOG"):
    client_option_off("CLIENT_LOG", "-L", "/tmp")

TIMEOUT = 20 * SLOW
TMP = tempfile.mkdtemp(prefix="chatbox-log-")


def read(path):
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except OSError:
        return ""


def client(port, nick, logdir):
    return applet("chat-client", "-n", nick, "-L", logdir, "127.0.0.1:%d" % port,
                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@case("chat-server: -L DIR: a log per room and private chat, with the date")
def _():
    logdir = os.path.join(TMP, "a")
    os.mkdir(logdir)
    lobby, priv = os.path.join(logdir, "#lobby.log"), os.path.join(logdir, "bo.log")
    with Server() as srv:
        p = client(srv.port, "lg", logdir)
        try:
            wait_for(lambda: "-!- you joined #lobby" in read(lobby), TIMEOUT, what="the join logged")
            bo = watcher(srv.port, "bo")
            bo.send("PRIVMSG #lobby :hello logs")
            bo.send("PRIVMSG lg :just for you")
            wait_for(lambda: "just for you" in read(priv), TIMEOUT, what="the private line")
            p.stdin.write(b"my own line\n")
            p.stdin.close()
            p.wait(TIMEOUT)  # it quits once the server has the line
            bo.close()
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
    day = time.strftime("%a %b %d %Y")
    text, ptext = read(lobby), read(priv)
    ok = text.startswith("--- Log opened %s\n" % day) and re.search(r"^\d\d:\d\d <bo> hello logs$", text, re.M)
    ok = ok and re.search(r"^\d\d:\d\d <lg> my own line$", text, re.M)
    ok = ok and re.search(r"^\d\d:\d\d -!- bo joined #lobby$", text, re.M)
    ok = ok and ptext.startswith("--- Log opened") and re.search(r"^\d\d:\d\d <bo> just for you$", ptext, re.M)
    T.check("chat-server: -L DIR: a log per room and private chat, with the date",
            bool(ok) and "just for you" not in text, (text, ptext, os.listdir(logdir)))


@case("a hostile server: no controls in a log, no file outside DIR")
def _():
    logdir = os.path.join(TMP, "b", "logs")
    os.makedirs(logdir)

    def on_join(send, nick, room):
        send(b":ev!u@h PRIVMSG #lobby :red\x1b[31m\x07 \xe2\x80\xaebidi\x9b")
        send(b":ev!u@h PRIVMSG #up/../../out :escape")
        send(b":ev!u@h PRIVMSG #lobby :END")
    srv = FakeIrc(on_join=on_join)
    p = client(srv.port, "lg", logdir)
    try:
        lobby = os.path.join(logdir, "#lobby.log")
        wait_for(lambda: "END" in read(lobby), TIMEOUT, what="the last line logged")
    finally:
        p.kill()
        p.wait()
        srv.close()
    with open(lobby, "rb") as f:
        raw = f.read()
    files = sorted(os.listdir(logdir))
    T.check("a hostile server: no controls in a log, no file outside DIR",
            b"\x1b" not in raw and b"\x07" not in raw and b"\xe2\x80\xae" not in raw
            and b"red[31m bidi\xef\xbf\xbd" in raw and os.listdir(os.path.join(TMP, "b")) == ["logs"]
            and files == ["#lobby.log", "#up_.._.._out.log"], (raw, files))


@case("-L with a directory that is not there: a clear error")
def _():
    p = applet("chat-client", "-L", os.path.join(TMP, "nope"), "127.0.0.1:1", stdin=subprocess.DEVNULL,
               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = p.communicate(timeout=TIMEOUT)
    T.check("-L with a directory that is not there: a clear error",
            p.returncode != 0 and b"-L:" in err, err)


shutil.rmtree(TMP, ignore_errors=True)
T.done()
