#!/bin/sh
# size.sh - what chatbox costs: a table of boards x size, then what each
# applet and feature adds on the host board (built once without it), next
# to the budget its Kconfig help writes ("Budget: N bytes"), then the host
# binary with every budgeted feature off (the lean build).
# Usage: scripts/size.sh BOARD...      the tables (make size)
#        scripts/size.sh --costs       only the budgeted features and the
#                                      lean build, one line each, for
#                                      tests/t-size.sh:
#                                        feature SYM COST BUDGET
#                                        lean FILE-BYTES
# A feature's cost is the difference in text+data+bss (size(1)) between
# the default x86_64 build and the same configuration without it (what
# depends on it goes too). Builds go to build/size-SYM/ and
# build/size-lean/, all at once in the background.
set -eu
top=$(pwd)
mode=table
[ "${1:-}" = --costs ] && { mode=costs; shift; }

srcs=$(ls applets/*.c applets/*/*.c core/*.c)
# budgets: "SYM BYTES" for each //config: block whose help has a budget line.
# shellcheck disable=SC2086 # one word per source
budgets=$(awk '/^\/\/config:config / { sym = $2 }
	/^\/\/config:.*Budget: [0-9]+ bytes/ { match($0, /Budget: [0-9]+/)
		print sym, substr($0, RSTART + 8, RLENGTH - 8) }' $srcs)
budget_of() { echo "$budgets" | awk -v s="$1" '$1 == s { print $2 }'; }

if [ "$mode" = table ]; then
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
fi

base=build/x86_64
make -s --no-print-directory BOARD=x86_64 all >/dev/null
bytes() { size "$1" | awk 'NR == 2 { print $4 }'; }
full=$(bytes "$base/chatbox")
if [ "$mode" = table ]; then
	syms=$(sed -n 's/^CONFIG_\([A-Z0-9_]*\)=y$/\1/p' "$base/.config")
else
	syms=$(echo "$budgets" | awk '{ print $1 }')
fi

# build NAME SYM...: the default configuration without SYMs, in build/size-NAME.
build()
{
	d=build/size-$1
	shift
	rm -rf "$d" # from scratch: objects do not depend on the Makefile's flags
	cp "$base/.config" "$d.config"
	for s in "$@"; do
		sed -i "s/^CONFIG_$s=y$/# CONFIG_$s is not set/" "$d.config"
	done
	mkdir -p "$d"
	if make -s --no-print-directory BOARD=x86_64 CONFIG="$top/$d.config" O="$d" all \
		>"$d.log" 2>&1; then echo ok >"$d.rc"; else echo failed >"$d.rc"; fi
}
# shellcheck disable=SC2046 # symbol names are single words
build lean $(echo "$budgets" | awk '{ print $1 }') &
for sym in $syms; do
	build "$sym" "$sym" &
done
wait

if [ "$mode" = table ]; then
	echo "Cost of each applet and feature on x86_64 (text+data+bss bytes):"
	printf '%-28s %8s %8s %7s\n' option bytes budget used
fi
for sym in $syms; do
	d=build/size-$sym
	bud=$(budget_of "$sym")
	if [ "$(cat "$d.rc")" != ok ]; then
		[ "$mode" = costs ] && echo "feature $sym broken $bud" && continue
		printf '%-28s %8s\n' "$sym" "(does not build without it: $d.log)"
		continue
	fi
	cost=$((full - $(bytes "$d/chatbox")))
	if [ "$mode" = costs ]; then
		echo "feature $sym $cost $bud"
	elif [ -n "$bud" ]; then
		printf '%-28s %8d %8d %6d%%\n' "$sym" "$cost" "$bud" $((cost * 100 / bud))
	else
		printf '%-28s %8d %8s\n' "$sym" "$cost" "-"
	fi
done
if [ "$(cat build/size-lean.rc)" = ok ]; then
	lean=$(wc -c <build/size-lean/chatbox)
else
	lean=broken
fi
if [ "$mode" = costs ]; then
	echo "lean $lean"
	exit 0
fi
printf '%-28s %8d\n' "(whole binary)" "$full"
printf '%-28s %8s  (file bytes, stripped; goal 163840)\n' "(budgeted features off)" "$lean"
# The chat page (SERVER_WEB's files, in the binary as gzip -9n makes them).
n=$(find build/gen/web -name '*.gz' 2>/dev/null | wc -l)
printf '%-28s %8d  (%d files, gzip -9n; budget 20480)\n' "chat page, gzipped" \
	"$(cat build/gen/web/*.gz /dev/null 2>/dev/null | wc -c)" "$n"
