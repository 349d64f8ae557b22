#!/bin/sh
# bloat-o-meter.sh - BusyBox-style growth report between two unstripped
# binaries: every function or object whose size changed, biggest first.
# Usage: scripts/bloat-o-meter.sh NM OLD NEW
set -eu
nm=$1 old=$2 new=$3
syms() { "$nm" --size-sort -S -t d "$1" | awk '{ s[$4] += $2 } END { for (k in s) print k, s[k] }'; }
syms "$old" | sort >"$new.bloat-old"
syms "$new" | sort >"$new.bloat-new"
join -a1 -a2 -e0 -o 0,1.2,2.2 "$new.bloat-old" "$new.bloat-new" | awk -v sumfile="$new.bloat-sum" '
	{ d = $3 - $2; if (d != 0) { print d, $1, $2, $3 } }
	$2 == 0 { add++; up += $3 } $3 == 0 { rem++; down += $2 }
	$2 && $3 && $3 > $2 { grow++; up += $3 - $2 } $2 && $3 && $3 < $2 { shrink++; down += $2 - $3 }
	END { printf "add/remove: %d/%d grow/shrink: %d/%d up/down: %d/%d (%d)\n",
		add, rem, grow, shrink, up, -down, up - down > sumfile }' |
	sort -rn -k1,1 | awk 'BEGIN { printf "%-40s %7s %7s %7s\n", "function", "old", "new", "delta" }
		{ printf "%-40s %7d %7d %+7d\n", $2, $3, $4, $1 }'
cat "$new.bloat-sum"
rm -f "$new.bloat-old" "$new.bloat-new" "$new.bloat-sum"
