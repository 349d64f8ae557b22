#!/usr/bin/python3
"""t-web-browser - the chat page in a real browser (host-only: the page is
the same on every board, and Chromium runs on the host).

Headless Debian chromium driven by playwright-core (tests/browser/, pinned
in its package-lock.json; node_modules is installed here with npm ci when
missing, the browser download skipped). tests/browser/scenario.mjs runs the
scenario: two browser users (one at 360x640), an IRC user and an nc user,
history, reconnects (the server killed -9 and restarted), hostile text,
contrast, and writes screenshots to build/screenshots/ (make screenshots
copies them into tests/screenshots/)."""
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
PKG = os.path.join(HERE, "browser")
CHROMIUM = "/usr/bin/chromium"


def skip(why):
    print("SKIP: web-browser (%s)" % why, flush=True)
    sys.exit(0)


def main():
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        skip("no node/npm: apt-get install nodejs npm (make deps)")
    if not os.path.exists(CHROMIUM):
        skip("no %s: apt-get install chromium (make deps)" % CHROMIUM)
    env = dict(os.environ, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD="1")
    mark = os.path.join(PKG, "node_modules", ".package-lock.json")
    lock = os.path.join(PKG, "package-lock.json")
    if not os.path.exists(mark) or os.path.getmtime(mark) < os.path.getmtime(lock):
        r = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=PKG, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300)
        if r.returncode != 0:
            print("FAIL: web-browser: npm ci in tests/browser failed:\n" +
                  r.stdout.decode(errors="replace")[-2000:], flush=True)
            sys.exit(1)
    env.setdefault("CHATBOX_BIN", os.path.join(TOP, "build/x86_64/chatbox"))
    env.setdefault("SHOTS", os.path.join(TOP, "build/screenshots"))
    r = subprocess.run([node, os.path.join(PKG, "scenario.mjs")], cwd=TOP, env=env, timeout=240)
    sys.exit(r.returncode)


main()
