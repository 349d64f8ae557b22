#!/bin/sh
# run.sh - chatbox's test suite. Usage: tests/run.sh [BOARD...]
#
# For each board: the C unit tests and every tests/t-*.sh and tests/t-*.py
# run against build/BOARD/chatbox, behind qemu-user with the board's real
# CPU model on cross boards. Scripts whose first lines say "host-only" run
# once, on the first board. Each script prints PASS:/FAIL:/SKIP: lines; a
# script that crashes, hangs (TEST_TIMEOUT, default 600 s) or prints no
# result counts as a failure. Each script's wall time is a "TIME: [board
# name] 12.3s" line. The last line is "N passed, N failed".
#
# TEST_JOBS=N (default 2) runs N boards at once, each into a log of its
# own, printed whole as each board ends: the tests take free ports (-p 0)
# and namespaces named after their pid, so boards cannot collide. The
# first board starts first and alone runs the host-only scripts.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
[ $# -gt 0 ] || set -- x86_64
TEST_JOBS=${TEST_JOBS:-2}

# One board per worker (tests/run.sh --board BOARD HOSTONLY LOG); the
# parent hands boards out as workers free up and adds up their counts.
if [ "${1:-}" = --board ]; then
	shift
	RUN_HOST_ONLY=$2 "$0" "$1" >"$3" 2>&1
	cat "$3"
	exit 0
fi
if [ "$TEST_JOBS" -gt 1 ] && [ $# -gt 1 ] && [ -z "${RUN_HOST_ONLY:-}" ]; then
	logs=$(mktemp -d) || exit 1
	trap 'rm -rf "$logs"' EXIT
	host=1
	for b in "$@"; do
		printf '%s %s %s\n' "$b" "$host" "$logs/$b.log"
		host=0
	done | xargs -P "$TEST_JOBS" -L 1 "$0" --board
	p=0 f=0 s=0
	for b in "$@"; do
		last=$(tail -n 1 "$logs/$b.log")
		case $last in
		*" passed, "*" failed, "*" skipped")
			set -- $last
			p=$((p + $1)) f=$((f + $3)) s=$((s + $5)) ;;
		*) echo "FAIL: [$b] the board's run ended early: $last"; f=$((f + 1)) ;;
		esac
	done
	echo "$p passed, $f failed, $s skipped"
	[ "$f" -eq 0 ]
	exit
fi
TEST_TIMEOUT=${TEST_TIMEOUT:-600}
ONLY=${ONLY:-}            # run only scripts whose name contains this
pass=0 fail=0 skip=0 first=${RUN_HOST_ONLY:-1}
log=$(mktemp) || exit 1
trap 'rm -f "$log"' EXIT

# run LABEL COMMAND...: run one script and count its results.
run()
{
	label=$1; shift
	t0=$(date +%s.%N)
	timeout -k 10 "$TEST_TIMEOUT" "$@" >"$log" 2>&1 </dev/null
	rc=$?
	# One TIME: line per script, to see where make check's minutes go.
	awk -v a="$t0" -v b="$(date +%s.%N)" -v l="$label" \
		'BEGIN { printf "TIME: [%s] %.1fs\n", l, b - a }'
	p=$(grep -c '^PASS:' "$log") f=$(grep -c '^FAIL:' "$log") s=$(grep -c '^SKIP:' "$log")
	grep -E '^(PASS|SKIP):' "$log" | sed "s|^\([A-Z]*\): |\1: [$label] |"
	if [ "$f" -gt 0 ] || [ "$rc" -ne 0 ]; then
		grep -E '^FAIL:' "$log" | sed "s|^FAIL: |FAIL: [$label] |"
		echo "---- output of $label (exit $rc) ----"
		tail -n 60 "$log"
		echo "----"
		if [ "$f" -eq 0 ]; then
			[ "$rc" -eq 124 ] && why="timed out after ${TEST_TIMEOUT}s" || why="exited $rc"
			echo "FAIL: [$label] $why"
			f=1
		fi
	elif [ "$p" -eq 0 ] && [ "$s" -eq 0 ]; then
		echo "FAIL: [$label] printed no result"
		f=1
	fi
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
}

for board in "$@"; do
	qemu=$(make -s --no-print-directory BOARD="$board" print-QEMU)
	cpu=$(make -s --no-print-directory BOARD="$board" print-QEMU_CPU)
	emu=""
	[ -n "$qemu" ] && emu="$qemu -cpu $cpu"
	dir=${TEST_BUILD_DIR:-build/$board} # make check SANITIZE=1: build/sanitize
	bin=$top/$dir/chatbox
	echo "=== board $board: ${emu:+$emu }$dir/chatbox"
	if [ ! -x "$bin" ]; then
		echo "FAIL: [$board] $dir/chatbox was not built"
		fail=$((fail + 1))
		continue
	fi
	# TEST_HOST_ROUND=1 on the board that runs the host-only scripts: parts
	# of scripts that test host things (the conformance peers) run only then.
	export TEST_HOST_ROUND="$first"
	export BOARD="$board" CHATBOX_BIN="$bin" CHATBOX_EMU="$emu" CHATBOX="${emu:+$emu }$bin"
	# shellcheck disable=SC2086 # $emu is "qemu-X -cpu Y", or empty
	case $ONLY in ''|unit*) run "$board unit" $emu "$top/$dir/unit-tests" ;; esac
	for t in tests/t-*.sh tests/t-*.py; do
		[ -f "$t" ] || continue
		case $t in *"$ONLY"*) ;; *) continue ;; esac
		if [ $first -eq 0 ] && head -n 5 "$t" | grep -q 'host-only'; then
			continue
		fi
		name=$(basename "$t"); name=${name#t-}; name=${name%.*}
		case $t in
		*.py) run "$board $name" /usr/bin/python3 "$t" ;;
		*) run "$board $name" sh "$t" ;;
		esac
	done
	first=0
done
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
