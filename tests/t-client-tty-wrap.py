#!/usr/bin/python3
"""t-client-tty-wrap (host-only) - chat-client wraps long lines at word
boundaries, continuation rows indented under the message text, and
rewraps them on resize; wide (CJK) and combining characters keep their
width. tmux at 50x20 and 120x35, against chat-server. host-only: tmux
drives the host binary."""
import os
import shutil
import sys
import unicodedata

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from chatbox_test import EMU, Server, T, case, wait_for  # noqa: E402
from client_test import tty_setup, watcher  # noqa: E402

TMP, tmux, LINK = tty_setup("t-client-tty-wrap")
WORDS = ("ok alpha bravo charlie delta echo foxtrot golf hotel india juliett kilo lima mike "
         "november oscar papa quebec romeo sierra tango uniform victor whiskey xray")
WIDE = " ".join(["世界和平", "café", "naïve", "日本語です", "e\u0301te\u0301"] * 4)


def width(s):
    return sum(0 if unicodedata.combining(c) else
               2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def screen():
    return tmux("capture-pane", "-p", "-t", "t").split("\n")


def rows_of(text):
    """The rows a message takes on screen: its first ("HH:MM <bo> ...") and
    the indented ones after it, as (indent, text) pairs."""
    scr = screen()
    first = text.split(" ")[0]
    for i, row in enumerate(scr):
        at = row.find("<bo> " + first)
        if at >= 0:
            out = [(0, row[at + 5:].rstrip())]
            for more in scr[i + 1:]:
                ind = len(more) - len(more.lstrip(" "))
                if not more.strip() or ind != 11:
                    break
                out.append((ind, more.strip()))
            return out, scr
    return None, scr


def wrapped(text, cols):
    """The message is on screen in rows no wider than COLS, broken at its
    spaces, each continuation indented under the text (11 columns)."""
    rows, scr = rows_of(text)
    if not rows:
        return False, scr
    ok = " ".join(r for _, r in rows) == text and all(ind == 11 for ind, _ in rows[1:])
    ok = ok and all(width(r) + (11 if i else 11) <= cols for i, (_, r) in enumerate(rows))
    return ok and (len(rows) > 1) == (width(text) + 11 > cols), (rows, scr)


with Server() as srv:
    try:
        tmux.new_session("%s -n ana 127.0.0.1:%d; sleep 600" % (" ".join(EMU + [LINK]), srv.port),
                         50, 20)
        wait_for(lambda: "| ana | online" in screen()[18], 5, what="online")
        bo = watcher(srv.port, "bo")
        bo.send("PRIVMSG #lobby :" + WORDS)
        bo.send("PRIVMSG #lobby :" + WIDE)
        wait_for(lambda: rows_of(WIDE)[0], 5, what="the wide line")

        for title, text in (("50x20: a long line wraps at words, indented under the text", WORDS),
                            ("50x20: wide and combining characters wrap at their width", WIDE)):
            @case(title)
            def _():
                ok, detail = wrapped(text, 50)
                T.check(title, ok, detail)

        @case("resized to 120x35, then back to 50x20: rewrapped each time")
        def _():
            tmux("resize-window", "-t", "t", "-x", "120", "-y", "35")
            wait_for(lambda: wrapped(WORDS, 120)[0], 5, what="rewrapped at 120")
            ok = wrapped(WORDS, 120)[0] and len(rows_of(WORDS)[0]) == 2 and wrapped(WIDE, 120)[0]
            tmux("resize-window", "-t", "t", "-x", "50", "-y", "20")
            wait_for(lambda: wrapped(WORDS, 50)[0], 5, what="rewrapped at 50")
            T.check("resized to 120x35, then back to 50x20: rewrapped each time",
                    ok and wrapped(WIDE, 50)[0], (rows_of(WORDS), rows_of(WIDE)))
        bo.close()
    finally:
        tmux.kill_server()
        shutil.rmtree(TMP, ignore_errors=True)
T.done()
