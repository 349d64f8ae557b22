#!/bin/sh
# run.sh - run libFuzzer harnesses: tests/fuzz/run.sh NAME...
# Each build/fuzz/fuzz_NAME first replays tests/fuzz/regress/NAME/* (past
# crashes, now fixed), then fuzzes FUZZ_SECONDS (default 60) from
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
	if [ -n "$(find "tests/fuzz/regress/$h" -type f 2>/dev/null | head -n 1)" ]; then
		if "$bin" tests/fuzz/regress/"$h"/* >"$log" 2>&1; then
			echo "PASS: fuzz $h replays its regression inputs"
		else
			echo "FAIL: fuzz $h: a regression input crashes again"; tail -n 30 "$log"
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
