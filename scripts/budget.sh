#!/bin/sh
# budget.sh - each feature with a "Budget: N bytes on x86_64." line in its
# Kconfig help, its cost (text+data of the x86_64 binary built without it,
# subtracted from the default one's) against that budget, and the lean
# binary (all those features off, file size) against issue 13's target,
# LEAN_TARGET (160 KiB), and against LEAN_CEILING, what it may not grow
# past while that target is not met (its size when this was written,
# 223,304 bytes, plus 5 %).
# Builds into build/budget/ (from scratch), in parallel. Exit 1 when a
# feature costs more than its budget + 5 % or the lean binary is over
# LEAN_CEILING; over LEAN_TARGET alone is said, not failed.
# Usage: scripts/budget.sh
set -eu
top=$(pwd)
LEAN_TARGET=${LEAN_TARGET:-163840}
LEAN_CEILING=${LEAN_CEILING:-234469}
d=build/budget
# From scratch: objects do not depend on the Makefile's flags, so a build
# folder left from before a flag change would be measured stale.
rm -rf "$d"
mkdir -p "$d"
base=$d/default
make -s --no-print-directory BOARD=x86_64 O="$base" all >"$d/default.log" 2>&1 ||
	{ cat "$d/default.log"; exit 1; }
# SYM BUDGET lines, from the //config: blocks
feats=$(awk '/^\/\/config:config / { sym = $2 }
	/^\/\/config:.*Budget: [0-9]+ bytes on x86_64\./ {
		for (i = 1; i <= NF; i++) if ($i == "Budget:") print sym, $(i + 1) }' \
	applets/*.c applets/*/*.c core/*.c)
[ -n "$feats" ] || { echo "budget.sh: no Budget: lines found" >&2; exit 1; }
syms=$(echo "$feats" | awk '{ print $1 }')
off() { # CONFIG SYM... : the config with each SYM off
	c=$1; shift
	for s in "$@"; do c=$(echo "$c" | sed "s/^CONFIG_$s=y\$/# CONFIG_$s is not set/"); done
	echo "$c"
}
conf=$(cat "$base/.config")
# shellcheck disable=SC2086 # one word per symbol
off "$conf" $syms >"$d/lean.config"
for s in $syms; do off "$conf" "$s" >"$d/no-$s.config"; done
pids=
for n in lean $(for s in $syms; do echo "no-$s"; done); do
	make -s --no-print-directory BOARD=x86_64 CONFIG="$top/$d/$n.config" O="$d/$n" all \
		>"$d/$n.log" 2>&1 &
	pids="$pids $!"
done
rc=0
for p in $pids; do wait "$p" || rc=1; done
[ $rc -eq 0 ] || { echo "budget.sh: a build failed (logs in $d/)" >&2; exit 1; }
td() { size "$1" | awk 'NR == 2 { print $1 + $2 }'; }
full=$(td "$base/chatbox_unstripped")
status=0
printf '%-22s %8s %8s %s\n' feature cost budget verdict
# (a here-document, not a pipe: the loop runs in this shell and sets status)
while read -r s b; do
	c=$((full - $(td "$d/no-$s/chatbox_unstripped")))
	v=ok
	[ $((c * 100)) -le $((b * 105)) ] || { v="OVER (more than budget + 5 %)"; status=1; }
	printf '%-22s %8d %8d %s\n' "$s" "$c" "$b" "$v"
done <<FEATS
$feats
FEATS
lean=$(wc -c <"$d/lean/chatbox")
v=ok
[ "$lean" -le "$LEAN_TARGET" ] || v="over the target by $((lean - LEAN_TARGET)) (not met yet)"
printf '%-22s %8d %8d %s\n' "lean binary (file)" "$lean" "$LEAN_TARGET" "$v"
v=ok
[ "$lean" -le "$LEAN_CEILING" ] || { v="OVER (grew past the ceiling)"; status=1; }
printf '%-22s %8d %8d %s\n' "lean ceiling" "$lean" "$LEAN_CEILING" "$v"
exit $status
