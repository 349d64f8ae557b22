#!/bin/sh
# run.sh - run libFuzzer harnesses: tests/fuzz/run.sh NAME...
# Each build/fuzz/fuzz_NAME first replays tests/fuzz/regress/NAME/* (past
# crashes, now fixed, and hand-made edge cases), then fuzzes FUZZ_SECONDS (default 60) from
# tests/fuzz/corpus/NAME/ (new inputs go to build/fuzz/work/NAME, the
# committed seeds stay small). Prints PASS:/FAIL: per harness.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
secs=${FUZZ_SECONDS:-60}
fails=0
for h in "$@"; do
	bin=build/fuzz/fuzz_$h
	if [ ! -x "$bin" ]; then
		echo "FAIL: fuzz $h (build/fuzz/fuzz_$h was not built)"
		fails=$((fails + 1)); continue
	fi
	log=build/fuzz/$h.log
	# Files only: given a folder, libFuzzer would fuzz it rather than replay.
	regress=$(find "tests/fuzz/regress/$h" -type f 2>/dev/null | sort)
	if [ -z "$regress" ]; then
		echo "SKIP: fuzz $h replay (no inputs in tests/fuzz/regress/$h/)"
	else
		n=$(echo "$regress" | wc -l)
		# shellcheck disable=SC2086 # one argument per file; the names have no spaces
		if "$bin" -timeout=10 -rss_limit_mb=2048 $regress >"$log" 2>&1 &&
			[ "$(grep -c '^Executed ' "$log")" -eq "$n" ]; then
			echo "PASS: fuzz $h replays its $n regression inputs"
		else
			echo "FAIL: fuzz $h: a regression input crashes again (or was not run)"; tail -n 30 "$log"
			fails=$((fails + 1)); continue
		fi
	fi
	mkdir -p "build/fuzz/work/$h"
	if "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=20000 \
		-print_final_stats=1 -artifact_prefix="build/fuzz/crash-$h-" \
		"build/fuzz/work/$h" "tests/fuzz/corpus/$h" >"$log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
		echo "PASS: fuzz $h (${secs}s, ${runs:-?} runs, no crash)"
	else
		echo "FAIL: fuzz $h found a crash (input in build/fuzz/crash-$h-*)"
		grep -m 3 -E 'ERROR|runtime error|SUMMARY' "$log"
		tail -n 40 "$log"
		fails=$((fails + 1))
	fi
done
[ "$fails" -eq 0 ]
