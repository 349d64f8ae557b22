#!/bin/sh
# t-bench-smoke.sh - make bench-smoke still works, and its table holds sane
# numbers for both chat-server and ngIRCd. host-only
top=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp -d) || exit 1
trap 'rm -rf "$out"' EXIT
if ! command -v /usr/sbin/ngircd >/dev/null 2>&1; then
	echo "SKIP: bench-smoke (ngircd is not installed)"
	exit 0
fi
if ! make -s -C "$top" --no-print-directory build/bench/ircload >"$out/make.log" 2>&1; then
	echo "FAIL: ircload builds"; cat "$out/make.log"; exit 1
fi
echo "PASS: ircload builds"
# The seed's chat-server is a stub without -R: nothing to measure yet.
if ! "$CHATBOX_BIN" chat-server --help 2>&1 | grep -q -- '-R '; then
	echo "SKIP: bench-smoke (chat-server is not built yet)"
	exit 0
fi
/usr/bin/python3 "$top/tests/bench/bench.py" --smoke --chatbox "$CHATBOX_BIN" \
	--ircload "$top/build/bench/ircload" --out "$out/smoke.md" >"$out/log" 2>&1
rc=$?
cat "$out/log"
if [ $rc -ne 0 ]; then
	echo "FAIL: bench.py --smoke exited $rc"
	exit 1
fi
echo "PASS: bench.py --smoke runs"

# Each numeric row: both columns numbers (no "failed"), sane ranges.
row() { grep -F "$1" "$out/smoke.md" | head -n 1; }
num() { row "$1" | awk -F'|' -v c="$2" '{ gsub(/[ ,]/, "", $c); print $c }'; }
sane() # sane NAME ROW COLUMN LO HI
{
	v=$(num "$2" "$3")
	if awk -v v="$v" -v lo="$4" -v hi="$5" 'BEGIN { exit !(v ~ /^[0-9.]+$/ && v + 0 >= lo && v + 0 <= hi) }'; then
		echo "PASS: $1 ($v)"
	else
		echo "FAIL: $1: '$v' not in [$4, $5]: $(row "$2")"
	fi
}
for col in 3 4; do
	[ $col -eq 3 ] && who=chat-server || who=ngIRCd
	sane "$who fan-out deliveries/s" "deliveries/s" $col 1000 1e9
	sane "$who registration storm seconds" "in flight: seconds" $col 0.001 60
	sane "$who RSS per idle client" "clients, rooms of 100), bytes" $col 0 1e6
	sane "$who latency p99" "p99 us" $col 1 5e6
done
grep -q 'failed' "$out/smoke.md" && echo "FAIL: a workload failed: $(grep failed "$out/smoke.md")"
exit 0
