#!/bin/sh
# shellcheck disable=SC2046,SC2013 # td prints two numbers; symbols are single words
# client-size.sh - what chat-client costs in the binary: BOARD's build with
# its configuration, against the same configuration with CHAT_CLIENT off
# (and with each CLIENT_* option off): the difference in size(1) text+data,
# that is code, constant strings and tables, and initialised data - what
# the client adds to the file on flash. bss (buffers while it runs) is
# said apart. Both are linked as always (-Os, gc-sections), so the C
# library and core/ code only the client uses count; code it shares with
# chat-server or chat-discover does not.
# Usage: scripts/client-size.sh [-q] [BOARD]   (make client-size [BOARD=...])
#   -q  the whole client only, not each option
set -eu
each=y
[ "${1:-}" = -q ] && { each=; shift; }
b=${1:-x86_64}
top=$(pwd)
make -s --no-print-directory BOARD="$b" all >/dev/null
cross=$(make -s --no-print-directory BOARD="$b" print-CROSS)
# text+data and bss of a build
td() { "${cross}size" "$1/chatbox_unstripped" | awk 'NR == 2 { print $1 + $2, $3 }'; }
set -- $(td "build/$b")
full=$1 fullbss=$2
# without SYM: build/client-size/BOARD/SYM
without() {
	d=build/client-size/$b/$1
	mkdir -p "$d"
	sed "s/^CONFIG_$1=y$/# CONFIG_$1 is not set/" "build/$b/.config" >"$d.config"
	make -s --no-print-directory BOARD="$b" CONFIG="$top/$d.config" O="$d" all >"$d.log" 2>&1 ||
		{ echo "$1: does not build without it, see $d.log" >&2; exit 1; }
	td "$d"
}
set -- $(without CHAT_CLIENT)
d=$((full - $1)) tenths=$(((full - $1) * 10 / 1024 + ((full - $1) * 10 % 1024 >= 512)))
printf '%s: chat-client adds %d bytes (%d.%d KiB) of code and data (size text+data), %d of bss\n' \
	"$b" "$d" $((tenths / 10)) $((tenths % 10)) $((fullbss - $2))
[ -n "$each" ] || exit 0
for sym in $(sed -n 's/^CONFIG_\(CLIENT_[A-Z0-9_]*\)=y$/\1/p' "build/$b/.config"); do
	set -- $(without "$sym")
	printf '  %-18s %6d bytes\n' "$sym" $((full - $1))
done
