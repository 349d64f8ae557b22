#!/bin/sh
# t-sanitize.sh - the end-to-end Python tests again, against a host
# clang/glibc build under ASan+UBSan (make SANITIZE=1, build/sanitize):
# each must pass and leave no sanitizer report. host-only
# SANITIZE_JOBS=N (default 2) replays N tests at once: each has its own
# report directory, free ports (-p 0) and pid-named namespaces, like the
# boards run.sh runs side by side. Results print in the scripts' order.
# TEST_HOST_ROUND=0: what only the host round compares (the conformance
# peers, tests/lib/conformance.py) already ran against the plain build.
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
unset MAKEFLAGS MFLAGS MAKELEVEL
bin=$top/build/sanitize/chatbox_unstripped # symbols for the reports

# --one TEST DIR: replay one test with its reports in DIR; DIR/result
# gets its PASS:/FAIL:/SKIP: lines.
if [ "${1:-}" = --one ]; then
	t=$2 dir=$3 name=$(basename "$2" .py)
	mkdir -p "$dir" && chmod 1777 "$dir" # the server drops root to nobody
	ASAN_OPTIONS="log_path=$dir/asan:detect_leaks=1:abort_on_error=0" \
	UBSAN_OPTIONS="log_path=$dir/ubsan:print_stacktrace=1:halt_on_error=1" \
	CHATBOX="$bin" CHATBOX_BIN="$bin" CHATBOX_EMU="" TEST_HOST_ROUND=0 \
		timeout -k 10 300 /usr/bin/python3 "$t" >"$dir/out" 2>&1 </dev/null
	rc=$?
	reports=0
	for f in "$dir"/asan* "$dir"/ubsan*; do [ -f "$f" ] && reports=$((reports + 1)); done
	{
		if [ $rc -eq 0 ] && [ "$reports" -eq 0 ] && ! grep -q '^PASS:' "$dir/out"; then
			echo "SKIP: $name under ASan+UBSan (it skipped: $(grep -m 1 '^SKIP:' "$dir/out"))"
		elif [ $rc -eq 0 ] && [ "$reports" -eq 0 ]; then
			echo "PASS: $name under ASan+UBSan ($(grep -c '^PASS:' "$dir/out") checks)"
		else
			echo "FAIL: $name under ASan+UBSan (exit $rc, $reports sanitizer reports)"
			grep -E '^(FAIL|SKIP):' "$dir/out" | head -n 20
			for f in "$dir"/asan* "$dir"/ubsan*; do [ -f "$f" ] && head -n 40 "$f"; done
		fi
	} >"$dir/result"
	exit 0
fi

if [ -n "${TEST_BUILD_DIR:-}" ]; then
	echo "SKIP: sanitize (the whole suite already runs against $TEST_BUILD_DIR)"
	exit 0
fi
if ! command -v clang >/dev/null 2>&1; then
	echo "SKIP: sanitize (clang is not installed)"
	exit 0
fi
if ! make -s --no-print-directory SANITIZE=1 all >build/sanitize-build.log 2>&1; then
	echo "FAIL: make SANITIZE=1 builds"; cat build/sanitize-build.log; exit 1
fi
echo "PASS: make SANITIZE=1 builds build/sanitize/chatbox"
# The unit tests too: they call core/ with the edge cases (snprintf(NULL,
# 0, ...), empty buffers) the end-to-end tests seldom reach.
if ! make -s --no-print-directory SANITIZE=1 unit >build/sanitize-unit.log 2>&1; then
	echo "FAIL: make SANITIZE=1 unit builds"; cat build/sanitize-unit.log; exit 1
fi
if UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ASAN_OPTIONS=detect_leaks=1 \
	build/sanitize/unit-tests >build/sanitize-unit.out 2>&1; then
	echo "PASS: unit tests under ASan+UBSan ($(grep -c '^PASS' build/sanitize-unit.out) cases)"
else
	echo "FAIL: unit tests under ASan+UBSan"; grep -v '^PASS' build/sanitize-unit.out | head -n 40
fi
logs=$(mktemp -d) || exit 1
chmod 755 "$logs"
trap 'rm -rf "$logs"' EXIT
# Every Python end-to-end test but t-valgrind.py, which runs its own build.
tests=$(for t in tests/t-*.py; do
	case $t in */t-valgrind.py) continue ;; esac
	[ -f "$t" ] && echo "$t"
done)
for t in $tests; do printf '%s %s\n' "$t" "$logs/$(basename "$t" .py)"; done |
	xargs -P "${SANITIZE_JOBS:-2}" -L 1 sh "$0" --one
for t in $tests; do
	r=$logs/$(basename "$t" .py)/result
	if [ -f "$r" ]; then cat "$r"; else echo "FAIL: $(basename "$t" .py) under ASan+UBSan (no result)"; fi
done
exit 0
