#!/usr/bin/python3
"""t-server-user - chat-server started as root becomes its -u user: the uid
and gid that /etc/passwd gives it (core/passwd.c), no supplementary groups;
a user missing from the file is a clear error. The ids are above 65535, so
32-bit ARM's 16-bit-id system calls (in place of their *32 twins) would
show. Runs in a mount namespace of its own (unshare -m) with a passwd file
bind-mounted over /etc/passwd. Runs on every board."""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from chatbox_test import SLOW, T, Server, applet, case, configured, unshared  # noqa: E402

NAME = "t-server-user"
unshared("-m", NAME, "to change users and for a mount namespace")

ETC = tempfile.mkdtemp(prefix="chatbox-etc-")
passwd = os.path.join(ETC, "passwd")
with open(passwd, "w") as f:
    f.write("root:x:0:0:root:/root:/bin/sh\n"
            "chattier:x:1:1:a longer name first:/:/bin/false\n"
            "# a comment, then a line longer than any the reader keeps\n"
            "chatty:x:9:9:" + "x" * 2000 + "\n"
            "chatty:x:104242:104343:chat:/nonexistent:/bin/false\n")
subprocess.run(["mount", "--bind", passwd, "/etc/passwd"], check=True)


def status(pid):
    """Uid, Gid and Groups of /proc/PID/status, as lists of numbers."""
    with open("/proc/%d/status" % pid) as f:
        fields = dict(line.split(":", 1) for line in f if ":" in line)
    return {k: fields[k].split() for k in ("Uid", "Gid", "Groups")}


@case("-u chatty: the ids /etc/passwd gives, no supplementary groups")
def _():
    with Server("-u", "chatty") as srv:
        s = status(srv.proc.pid)
        T.check("-u chatty: the ids /etc/passwd gives, no supplementary groups",
                s["Uid"] == ["104242"] * 4 and s["Gid"] == ["104343"] * 4 and s["Groups"] == [], s)


@case("-u ghost: a user not in /etc/passwd is an error that says so")
def _():
    p = applet("chat-server", "-f", "-M", "-p", "0", "-u", "ghost",
               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = p.communicate(timeout=10 * SLOW)[0].decode(errors="replace")
    T.check("-u ghost: a user not in /etc/passwd is an error that says so",
            p.returncode != 0 and "-u ghost: no such user in /etc/passwd" in out,
            (p.returncode, out))


if configured("SERVER_JOURNAL"):
    @case("-D DIR made for -u chatty is chatty's")
    def _():
        d = os.path.join(ETC, "state")
        with Server("-u", "chatty", "-D", d):
            st = os.stat(d)
            T.check("-D DIR made for -u chatty is chatty's",
                    (st.st_uid, st.st_gid) == (104242, 104343), (st.st_uid, st.st_gid))
else:
    T.skip("-D DIR made for -u chatty is chatty's", "built without SERVER_JOURNAL")

shutil.rmtree(ETC, ignore_errors=True)
T.done()
