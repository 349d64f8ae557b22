#!/bin/sh
# size.sh - what chatbox costs: a table of boards x size, then what each
# applet and feature adds on the host board (built once without it).
# Usage: scripts/size.sh BOARD...
set -eu
top=$(pwd)
printf '%-16s %9s %9s %7s %7s\n' board file text data bss
for b in "$@"; do
	f=build/$b/chatbox
	if [ ! -f "$f" ]; then
		printf '%-16s %9s\n' "$b" "(not built: make BOARD=$b)"
		continue
	fi
	cross=$(make -s --no-print-directory BOARD="$b" print-CROSS)
	"${cross}size" "build/$b/chatbox_unstripped" | awk -v b="$b" -v sz="$(wc -c <"$f")" \
		'NR == 2 { printf "%-16s %9d %9d %7d %7d\n", b, sz, $1, $2, $3 }'
done

echo
echo "Cost of each applet and feature on x86_64 (text+data+bss bytes):"
base=build/x86_64
make -s --no-print-directory BOARD=x86_64 all >/dev/null
bytes() { size "$1" | awk 'NR == 2 { print $4 }'; }
full=$(bytes "$base/chatbox")
printf '%-28s %8s\n' option bytes
# shellcheck disable=SC2013 # symbol names are single words
for sym in $(sed -n 's/^CONFIG_\([A-Z0-9_]*\)=y$/\1/p' "$base/.config"); do
	d=build/size/$sym
	mkdir -p "$d"
	sed "s/^CONFIG_$sym=y$/# CONFIG_$sym is not set/" "$base/.config" >"$d.config"
	if make -s --no-print-directory BOARD=x86_64 CONFIG="$top/$d.config" O="$d" all \
		>"$d.log" 2>&1; then
		printf '%-28s %8d\n' "$sym" $((full - $(bytes "$d/chatbox")))
	else
		printf '%-28s %8s\n' "$sym" "(does not build without it: $d.log)"
	fi
done
printf '%-28s %8d\n' "(whole binary)" "$full"
# The chat page (SERVER_WEB's files, in the binary as gzip -9n makes them).
n=$(find build/gen/web -name '*.gz' 2>/dev/null | wc -l)
printf '%-28s %8d  (%d files, gzip -9n; budget 20480)\n' "chat page, gzipped" \
	"$(cat build/gen/web/*.gz /dev/null 2>/dev/null | wc -c)" "$n"

echo
echo "Features with a budget in their Kconfig help (text+data bytes on x86_64):"
scripts/budget.sh || echo "(over budget: make check's t-size fails)"
