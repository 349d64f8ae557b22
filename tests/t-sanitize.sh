#!/bin/sh
# t-sanitize.sh - the end-to-end Python tests again, against a host
# clang/glibc build under ASan+UBSan (make SANITIZE=1, build/sanitize):
# each must pass and leave no sanitizer report. host-only
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
unset MAKEFLAGS MFLAGS MAKELEVEL
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
logs=$(mktemp -d) || exit 1
chmod 1777 "$logs" # the server drops root to nobody and must still write there
trap 'rm -rf "$logs"' EXIT
bin=$top/build/sanitize/chatbox_unstripped # symbols for the reports
# Every Python end-to-end test but t-valgrind.py, which runs its own build.
for t in tests/t-*.py; do
	case $t in */t-valgrind.py) continue ;; esac
	[ -f "$t" ] || continue
	name=$(basename "$t" .py)
	rm -f "$logs"/*
	ASAN_OPTIONS="log_path=$logs/asan:detect_leaks=1:abort_on_error=0" \
	UBSAN_OPTIONS="log_path=$logs/ubsan:print_stacktrace=1:halt_on_error=1" \
	CHATBOX="$bin" CHATBOX_BIN="$bin" CHATBOX_EMU="" \
		timeout 300 /usr/bin/python3 "$t" >"$logs/out" 2>&1
	rc=$?
	reports=0
	for f in "$logs"/asan* "$logs"/ubsan*; do [ -f "$f" ] && reports=$((reports + 1)); done
	if [ $rc -eq 0 ] && [ "$reports" -eq 0 ] && ! grep -q '^PASS:' "$logs/out"; then
		echo "SKIP: $name under ASan+UBSan (it skipped: $(grep -m 1 '^SKIP:' "$logs/out"))"
	elif [ $rc -eq 0 ] && [ "$reports" -eq 0 ]; then
		echo "PASS: $name under ASan+UBSan ($(grep -c '^PASS:' "$logs/out") checks)"
	else
		echo "FAIL: $name under ASan+UBSan (exit $rc, $reports sanitizer reports)"
		grep -E '^(FAIL|SKIP):' "$logs/out" | head -n 20
		for f in "$logs"/asan* "$logs"/ubsan*; do [ -f "$f" ] && head -n 40 "$f"; done
	fi
done
exit 0
