#!/bin/sh
# t-size.sh - host-only: each feature with a budget in its Kconfig help
# ("Budget: N bytes", text+data+bss on x86_64) costs at most 5 % more than
# that, and the x86_64 binary with all of them off (this round's features:
# issue 13) is at most 160 KiB, 163,840 bytes of stripped file.
# Builds the default configuration without each budgeted feature, and
# without all of them, into build/size-*/ (scripts/size.sh --costs).
. tests/lib/testing.sh
top=$(pwd)
costs=$tmpd/costs
(cd "$top" && MAKEFLAGS='' sh scripts/size.sh --costs) >"$costs" 2>"$tmpd/costs.err" ||
	{ echo "FAIL: scripts/size.sh --costs ran"; sed 's/^/    /' "$tmpd/costs.err"; exit 1; }

testing "some features have a budget in their Kconfig help" \
	"grep -c '^feature ' '$costs' | awk '\$1 >= 4 { print \"yes\" }'" "yes\n" "" ""
while read -r kind sym cost budget; do
	[ "$kind" = feature ] || continue
	if [ "$cost" = broken ]; then
		testing "the default configuration builds without $sym" "echo no" "yes\n" "" ""
		continue
	fi
	limit=$((budget * 105 / 100))
	testing "$sym costs $cost bytes: within its budget of $budget (+5 %: $limit)" \
		"[ $cost -le $limit ] && echo ok" "ok\n" "" ""
done <"$costs"
lean=$(sed -n 's/^lean //p' "$costs")
LEAN_MAX=163840
testing "x86_64 with every budgeted feature off: $lean bytes, at most 160 KiB ($LEAN_MAX)" \
	"[ '$lean' != broken ] && [ '$lean' -le $LEAN_MAX ] && echo ok" "ok\n" "" ""
exit $((FAILCOUNT > 0))
