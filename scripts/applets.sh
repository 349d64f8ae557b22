#!/bin/sh
# applets.sh - the applets a build enables, one a line, without running the
# binary (a cross-built one cannot run here without qemu).
# Usage: scripts/applets.sh APPLETS_H AUTOCONF_H
#   APPLETS_H   build/gen/applets.h: APPLET("name", func, SYMBOL) for every applet
#   AUTOCONF_H  build/BOARD/gen/autoconf.h: #define ENABLE_SYMBOL 0|1
set -eu
[ $# -eq 2 ] || { echo "usage: $0 APPLETS_H AUTOCONF_H" >&2; exit 2; }
sed -n 's/^APPLET("\([^"]*\)", *[a-z0-9_]*, *\([A-Z0-9_]*\)).*/\1 \2/p' "$1" |
while read -r name sym; do
	if grep -qx "#define ENABLE_$sym 1" "$2"; then
		echo "$name"
	fi
done
