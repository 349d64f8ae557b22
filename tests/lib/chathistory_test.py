"""chathistory_test - reading msgids and CHATHISTORY replies
(t-chathistory.py, t-chathistory-private.py)."""
import re

from chatbox_test import T

CAPS = ("message-tags", "server-time", "batch", "draft/chathistory")
MSG = re.compile(r"^@(\S+) :([^!\s]+)!\S+ PRIVMSG (\S+) :(.*)$")


def tags(s):
    return dict(kv.split("=", 1) if "=" in kv else (kv, "") for kv in s.split(";"))


def msgs(lines):
    """(msgid, time, text) of each PRIVMSG line."""
    out = []
    for l in lines:
        m = MSG.match(l)
        if m:
            t = tags(m.group(1))
            out.append((t.get("msgid"), t.get("time"), m.group(4)))
    return out


def history(c, query):
    """The messages of one CHATHISTORY reply batch, and its batch line."""
    c.send("CHATHISTORY " + query)
    start = c.expect(r"^:\S+ BATCH \+(\S+) (.*)$")
    bid = start.group(1)
    end = re.compile(r"^:\S+ BATCH -%s$" % re.escape(bid))
    got = []
    while True:
        c.expect(r".")
        # expect() consumed up to this line: look at it in c.lines
        line = c.lines[len(c.lines) - len(c.pending) - 1]
        if end.match(line):
            break
        got.append(line)
    T.check("every reply of %r is in its batch" % query,
            all(l.startswith("@batch=%s;" % bid) for l in got), got[:2])
    return msgs(got), start.group(2)
