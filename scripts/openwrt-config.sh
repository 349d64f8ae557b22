#!/bin/sh
# openwrt-config.sh - chatbox's Kconfig as an OpenWrt package menu
# (board/openwrt/chatbox/Config.in), the way OpenWrt wraps busybox: each
# symbol X becomes CHATBOX_CONFIG_X, and the feed Makefile turns
# CONFIG_CHATBOX_CONFIG_X back into CONFIG_X for our build.
# Usage: scripts/openwrt-config.sh DEFAULTS_FRAGMENT KCONFIG KCONFIG_GEN
#   DEFAULTS_FRAGMENT  CONFIG_X=value lines that replace X's default (a
#                      router board's config: routers get router defaults)
#   KCONFIG_GEN        build/gen/Kconfig.gen, put where KCONFIG sources it
set -eu
[ $# -eq 3 ] || { echo "usage: $0 DEFAULTS_FRAGMENT KCONFIG KCONFIG_GEN" >&2; exit 2; }
echo "# Generated from chatbox's Kconfig by scripts/openwrt-config.sh (make"
echo "# openwrt-config): do not edit. CHATBOX_CONFIG_X is chatbox's CONFIG_X."
echo 'menu "Configuration"'
echo '	depends on PACKAGE_chatbox'
echo
awk -v gen="$3" '
function indent(s,   n, i, c) {
	n = 0
	for (i = 1; i <= length(s); i++) {
		c = substr(s, i, 1)
		if (c == "\t") n = n + 8 - n % 8
		else if (c == " ") n++
		else break
	}
	return n
}
# Prefix every symbol (an upper-case word) of an expression.
function prefix(s,   out) {
	out = ""
	while (match(s, /[A-Z][A-Z0-9_]*/)) {
		out = out substr(s, 1, RSTART - 1) "CHATBOX_CONFIG_" substr(s, RSTART, RLENGTH)
		s = substr(s, RSTART + RLENGTH)
	}
	return out s
}
function emit(line,   kw, val) {
	if (in_help) {
		if (line ~ /^[ \t]*$/ || indent(line) > help_indent) { print line; return }
		in_help = 0
	}
	if (line ~ /^[ \t]*(help|---help---)[ \t]*$/) {
		in_help = 1; help_indent = indent(line); print line; return
	}
	if (line ~ /^[ \t]*(menu)?config[ \t]+[A-Z]/) {
		match(line, /[A-Z][A-Z0-9_]*/)
		sym = substr(line, RSTART, RLENGTH)
		print prefix(line); return
	}
	if (line ~ /^[ \t]*default[ \t]/ && sym in dflt) {
		match(line, /^[ \t]*/)
		val = dflt[sym]; delete dflt[sym]
		print substr(line, 1, RLENGTH) "default " val; return
	}
	if (line ~ /^[ \t]*(depends on|select|imply|visible if|if|default|range)[ \t]/ && line !~ /"/) {
		print prefix(line); return
	}
	if (line ~ /^[ \t]*endif/) { print line; return }
	print line
}
FNR == NR {
	if ($0 ~ /^CONFIG_[A-Z0-9_]*=/) {
		eq = index($0, "=")
		dflt[substr($0, 8, eq - 8)] = substr($0, eq + 1)
	} else if ($0 ~ /^# CONFIG_[A-Z0-9_]* is not set/) {
		name = $2; sub(/^CONFIG_/, "", name); dflt[name] = "n"
	}
	next
}
/^mainmenu[ \t]/ || /^#/ { next }
/^[ \t]*source[ \t]/ {
	while ((getline l < gen) > 0) emit(l)
	close(gen)
	next
}
{ emit($0) }
' "$1" "$2"
echo 'endmenu'
