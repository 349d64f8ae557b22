#!/usr/bin/python3
"""t-client-linklocal - chat-client reaches a server by an IPv6 link-local
address with a scope, [fe80::1%lo]:PORT, as people on a Wi-Fi without DNS
would. Runs in a network namespace of its own (unshare -n), where fe80::1
is put on the loopback interface."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from chatbox_test import SLOW, T, Server, applet, case, unshared  # noqa: E402
from client_test import watcher  # noqa: E402

unshared("-n", "t-client-linklocal", "", tools=("ip",))


@case("[fe80::1%lo]:PORT: a link-local address with a scope")
def _():
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    subprocess.run(["ip", "-6", "addr", "add", "fe80::1/64", "dev", "lo", "nodad"], check=True)
    with Server() as srv:
        w = watcher(srv.port, "ll", host="fe80::1%lo")
        p = applet("chat-client", "-n", "scoped", "[fe80::1%%lo]:%d" % srv.port,
                   stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        out, err = p.communicate(b"over link-local\n", timeout=20 * SLOW)
        T.check("[fe80::1%lo]:PORT: a link-local address with a scope",
                p.returncode == 0 and w.expect(r"^:scoped!\S* PRIVMSG #lobby :over link-local$"),
                (p.returncode, err))


T.done()
