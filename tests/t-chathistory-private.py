#!/usr/bin/python3
"""t-chathistory-private - private messages in draft/chathistory, on disk (-D).

Private talk between accounts, and a message kept for an offline account,
is journaled: after kill -9 and a restart, CHATHISTORY <nick> gives each
party the conversation with the same msgids and times, and TARGETS lists
the people one talked with besides the rooms. Only the two parties read a
conversation, and a party is its account, else its connection: someone
who takes a nick after its user left reads nothing of that user's talk.
Talk between two unregistered users never reaches the disk."""
import os
import re
import shutil
import signal
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from chatbox_test import T, Server, case, configured, irc, wait_for  # noqa: E402
from account_test import login, register  # noqa: E402

if not configured("SERVER_ACCOUNTS"):
    T.skip("private talk between accounts", "built without SERVER_ACCOUNTS")
    T.done()
from chathistory_test import CAPS, history, msgs  # noqa: E402

ARGS = ("-R", "0", "-H", "100")
ALL = "timestamp=1970-01-01T00:00:00.000Z timestamp=2999-01-01T00:00:00.000Z"


def targets(c):
    """TARGETS over all time: [(name, time)]."""
    c.send("CHATHISTORY TARGETS %s 50" % ALL)
    c.expect(r"BATCH \+\S+ draft/chathistory-targets")
    out = []
    while True:
        m = c.expect(r"(CHATHISTORY TARGETS (\S+) (\S+)|BATCH -\S+)$")
        if not m.group(2):
            return out
        out.append((m.group(2), m.group(3)))


def accounts_file(state):
    try:
        with open(os.path.join(state, "accounts"), "rb") as f:
            return f.read()
    except OSError:
        return b""


def journal_text(state):
    data = b""
    for f in os.listdir(state):
        with open(os.path.join(state, f), "rb") as fh:
            data += fh.read()
    return data


@case("private talk between accounts and to an offline account survives kill -9")
def _():
    tmp = tempfile.mkdtemp(prefix="t-chathistory-")
    state = os.path.join(tmp, "state")
    try:
        srv = Server("-D", state, *ARGS).__enter__()
        for n in ("ana", "bo", "dee"):
            c, _ = register(srv.port, n)
            c.close()
        a = login(srv.port, "ana", ("sasl",) + CAPS + ("echo-message",))
        b = login(srv.port, "bo", ("sasl",) + CAPS + ("echo-message",))
        cy = irc(srv.port, "cy", caps=CAPS + ("echo-message",))
        for x, line in ((a, "PRIVMSG bo :hi bo"), (b, "PRIVMSG ana :hi ana"),
                        (cy, "PRIVMSG ana :from cy"), (a, "PRIVMSG dee :for dee, offline"),
                        (cy, "PRIVMSG bo :cy to bo")):
            x.send(line)
            x.expect(re.escape(line.split(" :", 1)[1]) + "$")
        before = {"bo": [m for m in msgs(a.lines) if m[2] in ("hi bo", "hi ana")],
                  "cy": [m for m in msgs(a.lines) if m[2] == "from cy"],
                  "dee": [m for m in msgs(a.lines) if m[2] == "for dee, offline"]}
        T.check("ana saw her talk with msgids (%d)" % sum(map(len, before.values())),
                all(m[0] for v in before.values() for m in v) and len(before["bo"]) == 2)
        # accounts and kept messages are saved within a second (acctfile.c)
        wait_for(lambda: b"for dee, offline" in accounts_file(state), 10, what="accounts saved")
        srv.proc.send_signal(signal.SIGKILL)
        srv.proc.wait()
        with Server("-D", state, *ARGS) as srv:
            a = login(srv.port, "ana", ("sasl",) + CAPS)
            got, head = history(a, "LATEST bo * 10")
            T.check("ana: LATEST bo after the restart, same msgids and times",
                    got == before["bo"], (got, before["bo"]))
            got, _ = history(a, "BEFORE bo msgid=%s 10" % before["bo"][1][0])
            T.check("BEFORE the second: the first", got == before["bo"][:1], got)
            got, _ = history(a, "AFTER bo msgid=%s 10" % before["bo"][0][0])
            T.check("AFTER the first: the second", got == before["bo"][1:], got)
            got, _ = history(a, "LATEST cy * 10")
            T.check("ana: an unregistered sender's message to her account is kept",
                    got == before["cy"], got)
            got, _ = history(a, "LATEST dee * 10")
            T.check("ana: her message kept for offline dee is in her history",
                    got == before["dee"], got)
            names = [n for n, _ in targets(a)]
            T.check("TARGETS lists the people ana talked with", set(names) == {"bo", "cy", "dee"},
                    names)
            b = login(srv.port, "bo", ("sasl",) + CAPS)
            got, _ = history(b, "LATEST ana * 10")
            T.check("bo reads the same conversation", got == before["bo"], got)
            got, _ = history(b, "LATEST cy * 10")
            T.check("bo: cy's message to his account too", [m[2] for m in got] == ["cy to bo"],
                    got)
            d = login(srv.port, "dee", ("sasl",) + CAPS)
            m = d.expect(r"^@(\S+) :ana!\S+ PRIVMSG dee :for dee, offline$")
            live = msgs([m.string])
            T.check("dee gets the kept message at login with its msgid and time",
                    live == before["dee"], (live, before["dee"]))
            got, _ = history(d, "LATEST ana * 10")
            T.check("... and it is in dee's history too, the same", got == before["dee"], got)
            T.check("dee's TARGETS: ana", [n for n, _ in targets(d)] == ["ana"])
            e = irc(srv.port, "cy", caps=CAPS)
            got, _ = history(e, "LATEST ana * 10")
            T.check("a new cy (unregistered) reads nothing of the old cy's talk", got == [], got)
            T.check("... and no TARGETS", targets(e) == [])
            got, _ = history(e, "LATEST bo * 10")
            T.check("... nor anyone else's", got == [], got)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@case("unregistered users: their talk is theirs while connected, and never on disk")
def _():
    tmp = tempfile.mkdtemp(prefix="t-chathistory-")
    state = os.path.join(tmp, "state")
    try:
        with Server("-D", state, *ARGS) as srv:
            x = irc(srv.port, "xan", caps=CAPS)
            y = irc(srv.port, "yul", caps=CAPS + ("echo-message",))
            y.send("PRIVMSG xan :secret between nicks")
            x.expect("secret between nicks")
            got, _ = history(x, "LATEST yul * 10")
            T.check("xan reads her talk with yul", [m[2] for m in got] == ["secret between nicks"])
            T.check("TARGETS has yul", [n for n, _ in targets(x)] == ["yul"])
            x.send("QUIT")
            x.closed()
            z = irc(srv.port, "xan", caps=CAPS)
            got, _ = history(z, "LATEST yul * 10")
            T.check("whoever takes the nick xan next reads none of it", got == [], got)
            got, _ = history(y, "LATEST xan * 10")
            T.check("yul still reads it", [m[2] for m in got] == ["secret between nicks"], got)
            T.check("SIGTERM: exit 0", srv.stop() == 0)
        T.check("its text is nowhere on disk", b"secret between nicks" not in journal_text(state))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


T.done()
