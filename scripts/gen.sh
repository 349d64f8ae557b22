#!/bin/sh
# Collect the BusyBox-style blocks at the top of each source file:
#   //applet:APPLET("name", func, SYMBOL)  -> OUT/applets.h
#   //config:...                             -> OUT/Kconfig.gen
#   //usage:...                              -> OUT/usage.h (func_usage)
#   //usage:[SYM]... or //usage:[!SYM]...    a line only with (without) SYM
#   //usage:... {SYM:text} ... {!SYM:text}   text only with (without) SYM
# Files are rewritten only when their contents change, so make stays quiet.
set -eu
out=$1; shift
mkdir -p "$out"
tmp=$out/.gen.$$
trap 'rm -f "$tmp".*' EXIT

sed -n 's@^//applet:@@p' "$@" | LC_ALL=C sort >"$tmp.applets"
for f in "$@"; do
	sed -n 's@^//config:@@p' "$f"
done >"$tmp.kconfig"
for f in "$@"; do
	fn=$(sed -n 's@^//applet:APPLET("[^"]*", *\([a-z0-9_]*\),.*@\1@p' "$f")
	[ -n "$fn" ] || continue
	printf '#define %s_usage \\\n' "$fn"
	# (a conditional line is IF_SYM("...") / IF_NOT_SYM("..."): autoconf.h's)
	sed -n 's@^//usage:\(.*\)@\1@p' "$f" |
		sed 's/\\/\\\\/g; s/"/\\"/g; s/\t/\\t/g
			s/{!\([A-Z0-9_]*\):\([^}]*\)}/" IF_NOT_\1("\2") "/g
			s/{\([A-Z0-9_]*\):\([^}]*\)}/" IF_\1("\2") "/g' |
		sed 's/^\[!\([A-Z0-9_]*\)\]\(.*\)/\tIF_NOT_\1("\2\\n") \\/; t
			s/^\[\([A-Z0-9_]*\)\]\(.*\)/\tIF_\1("\2\\n") \\/; t
			s/.*/\t"&\\n" \\/'
	printf '\t""\n'
done >"$tmp.usage"

put() { cmp -s "$1" "$2" || cp "$1" "$2"; }
put "$tmp.applets" "$out/applets.h"
put "$tmp.kconfig" "$out/Kconfig.gen"
put "$tmp.usage" "$out/usage.h"
