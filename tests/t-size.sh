#!/bin/sh
# t-size.sh - host-only: each feature with a "Budget: N bytes on x86_64." line
# in its Kconfig help costs at most its budget + 5 %, and the x86_64 binary
# with all those features off does not grow past budget.sh's LEAN_CEILING;
# how far it is from issue 13's 160 KiB target is said (SKIP while unmet).
# Builds into build/budget/ with scripts/budget.sh (a few builds in parallel).
. tests/lib/testing.sh
top=$(pwd)
if ! command -v x86_64-linux-musl-gcc >/dev/null 2>&1; then
	skipping "size budgets" "no x86_64-linux-musl-gcc here"
	exit 0
fi
(cd "$top" && scripts/budget.sh) >"$tmpd/budget.out" 2>&1
rc=$?
sed 's/^/    /' "$tmpd/budget.out"
for f in $(awk 'NR > 1 && $1 ~ /^[A-Z_0-9]+$/ { print $1 }' "$tmpd/budget.out"); do
	testing "$f costs at most its Kconfig budget + 5 %" \
		"awk -v f=$f '\$1 == f { print \$4 }' '$tmpd/budget.out'" "ok\n" "" ""
done
testing "x86_64 binary with the budgeted features off is within its ceiling" \
	"awk '/^lean ceiling/ { print \$NF }' '$tmpd/budget.out'" "ok\n" "" ""
if grep -q '^lean binary.* ok$' "$tmpd/budget.out"; then
	echo "PASS: the lean x86_64 binary is within issue 13's 160 KiB"
else
	echo "SKIP: the lean x86_64 binary is within issue 13's 160 KiB: not met yet," \
		"$(awk '/^lean binary/ { print $4 }' "$tmpd/budget.out") bytes; only the ceiling is enforced"
fi
[ -s "$tmpd/budget.out" ] || { echo "FAIL: budget.sh printed nothing (rc $rc)"; FAILCOUNT=$((FAILCOUNT + 1)); }
exit $((FAILCOUNT > 0))
