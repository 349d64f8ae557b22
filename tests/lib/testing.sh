#!/bin/sh
# testing.sh - BusyBox's five-argument shell test, for chatbox.
#
#   testing "description" "command" "expected result" "file input" "stdin"
#
# The command runs under sh with $CHATBOX (the binary, behind its emulator on
# a cross board) and the file input in ./input; its stdout must equal the
# expected result (printf-style escapes allowed). Prints PASS:/FAIL: lines.
# Use skipping "description" "reason" for what cannot run here.

: "${CHATBOX:?CHATBOX must name the binary to test}"
tmpd=$(mktemp -d) || exit 1
trap 'rm -rf "$tmpd"' EXIT
FAILCOUNT=0

testing()
{
	[ $# -eq 5 ] || { echo "testing: needs 5 arguments: $1" >&2; exit 1; }
	printf '%b' "$4" >"$tmpd/input"
	printf '%b' "$3" >"$tmpd/expected"
	printf '%b' "$5" | (cd "$tmpd" && eval "$2") >"$tmpd/actual" 2>"$tmpd/stderr"
	if cmp -s "$tmpd/expected" "$tmpd/actual"; then
		echo "PASS: $1"
	else
		FAILCOUNT=$((FAILCOUNT + 1))
		echo "FAIL: $1"
		diff -u "$tmpd/expected" "$tmpd/actual" | sed 's/^/    /'
		sed 's/^/    stderr: /' "$tmpd/stderr"
	fi
}

skipping()
{
	echo "SKIP: $1 ($2)"
}
