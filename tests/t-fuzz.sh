#!/bin/sh
# t-fuzz.sh - every libFuzzer harness replays its regression inputs, then
# fuzzes FUZZ_SECONDS (default 30 here, to keep make check short; make fuzz
# defaults to 60). host-only
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
if ! command -v clang >/dev/null 2>&1; then
	echo "SKIP: fuzz (clang is not installed)"
	exit 0
fi
if ! make -s --no-print-directory fuzz-build >build/fuzz-build.log 2>&1; then
	echo "FAIL: fuzz harnesses build"; cat build/fuzz-build.log; exit 1
fi
echo "PASS: fuzz harnesses build"
# shellcheck disable=SC2046 # one argument per harness
FUZZ_SECONDS=${FUZZ_SECONDS:-30} sh tests/fuzz/run.sh $(make -s --no-print-directory print-FUZZERS)
