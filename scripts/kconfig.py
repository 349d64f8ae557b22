#!/usr/bin/python3
"""chatbox's glue around Debian's kconfiglib (build tooling, not shipped).

  kconfig.py merge OUT BASE [FRAGMENT...]  BASE + fragments -> OUT (olddefconfig)
  kconfig.py header CONFIG OUT             CONFIG -> C header with ENABLE_X/IF_X
  kconfig.py randconfig OUT [SEED]         random but valid configuration
"""
import os
import random
import sys

import kconfiglib


def load():
    return kconfiglib.Kconfig(os.environ.get("KCONFIG", "Kconfig"), warn_to_stderr=False)


def write_if_changed(path, text):
    try:
        with open(path) as f:
            if f.read() == text:
                return
    except OSError:
        pass
    with open(path + ".tmp", "w") as f:
        f.write(text)
    os.replace(path + ".tmp", path)


def merge(out, base, *fragments):
    kconf = load()
    kconf.load_config(base)
    for frag in fragments:
        kconf.load_config(frag, replace=False)
    for w in kconf.warnings:
        if "undefined symbol" not in w and "set more than once" not in w:
            print("kconfig: " + w, file=sys.stderr)
    tmp = out + ".new"
    kconf.write_config(tmp, header="# generated from %s %s\n" % (base, " ".join(fragments)))
    with open(tmp) as f:
        text = f.read()
    os.remove(tmp)
    write_if_changed(out, text)


def header(config, out):
    """Every bool is ENABLE_X 0/1 and IF_X(...)/IF_NOT_X(...), so C code can
    write `if (ENABLE_X)` and have disabled code type-checked, then dropped."""
    kconf = load()
    kconf.load_config(config)
    lines = ["/* generated from %s: do not edit */" % config, "#pragma once"]
    for sym in kconf.unique_defined_syms:
        name, val = sym.name, sym.str_value
        if sym.type in (kconfiglib.BOOL, kconfiglib.TRISTATE):
            on = val != "n"
            lines.append("#define ENABLE_%s %d" % (name, on))
            lines.append("#define IF_%s(...) %s" % (name, "__VA_ARGS__" if on else ""))
            lines.append("#define IF_NOT_%s(...) %s" % (name, "" if on else "__VA_ARGS__"))
        elif sym.type == kconfiglib.STRING:
            esc = val.replace("\\", "\\\\").replace('"', '\\"')
            lines.append('#define CONFIG_%s "%s"' % (name, esc))
        elif sym.type in (kconfiglib.INT, kconfiglib.HEX):
            lines.append("#define CONFIG_%s %s" % (name, val or "0"))
    write_if_changed(out, "\n".join(lines) + "\n")


def randconfig(out, seed=None):
    rng = random.Random(seed)
    kconf = load()
    for sym in kconf.unique_defined_syms:
        if sym.type == kconfiglib.BOOL and sym.visibility:
            sym.set_value(rng.choice("ny"))
    # A second pass: symbols whose dependencies the first pass switched on.
    for sym in kconf.unique_defined_syms:
        if sym.type == kconfiglib.BOOL and sym.visibility and sym.user_value is None:
            sym.set_value(rng.choice("ny"))
    kconf.write_config(out, header="# randconfig seed %s\n" % seed)


def main(argv):
    cmds = {"merge": merge, "header": header, "randconfig": randconfig}
    if len(argv) < 3 or argv[1] not in cmds:
        sys.exit(__doc__)
    cmds[argv[1]](*argv[2:])


if __name__ == "__main__":
    main(sys.argv)
