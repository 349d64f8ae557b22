#!/bin/sh
# t-lint.sh - static analysis of core/ and applets/: cppcheck and clang-tidy
# must both be clean. PASS/FAIL per tool. host-only
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
unset MAKEFLAGS MFLAGS MAKELEVEL
make -s --no-print-directory BOARD=x86_64 build/x86_64/gen/autoconf.h build/gen/.stamp >/dev/null 2>&1
INC="-Ibuild/x86_64/gen -Ibuild/gen -Icore -Iapplets"
out=$(mktemp) || exit 1
trap 'rm -f "$out"' EXIT

# cppcheck 2.10 does not read C11 _Noreturn: spell it as GNU's attribute.
# memleak in chat_client.c: it cannot see lines stored into the scrollback
# and send-queue rings (reported, false positives).
# shellcheck disable=SC2086 # INC is a list of flags
if ! command -v cppcheck >/dev/null 2>&1; then
	echo "SKIP: cppcheck (not installed)"
elif cppcheck -q --enable=warning,portability,performance --error-exitcode=1 --inline-suppr \
	-D'_Noreturn=__attribute__((noreturn))' -D_GNU_SOURCE $INC --std=c11 \
	--suppress=memleak:applets/chat_client.c \
	--template='{file}:{line}: {severity} [{id}] {message}' core applets >"$out" 2>&1; then
	echo "PASS: cppcheck core/ applets/"
else
	echo "FAIL: cppcheck core/ applets/"; grep -E '^[^ ]+:[0-9]+: ' "$out"
fi

# clang-tidy: bug-finding checks only. Left out, with why:
#  easily-swappable-parameters, reserved-identifier, branch-clone,
#  macro-parentheses, suspicious-string-compare (!strcmp is house style),
#  implicit-widening-of-multiplication-result, cert-dcl37/dcl51: style;
#  cert-err33-c: unchecked printf/fputc results are deliberate;
#  sizeof-expression: flags realloc(p, n * sizeof(*p)) on pointer arrays;
#  not-null-terminated-result: flags the memcpy of "\r\n" after a line;
#  insecureAPI.strcpy/DeprecatedOrUnsafeBufferHandling: bounded copies;
#  valist.Uninitialized: false positive of clang 14 on x86-64 va_list;
# Known false positives, triaged and reported, are let through per file and
# check in $known below (any other file still gets every check).
checks='-*,bugprone-*,cert-*,clang-analyzer-*'
for c in bugprone-easily-swappable-parameters bugprone-reserved-identifier \
	bugprone-branch-clone bugprone-macro-parentheses bugprone-suspicious-string-compare \
	bugprone-implicit-widening-of-multiplication-result cert-dcl37-c cert-dcl51-cpp \
	cert-err33-c bugprone-sizeof-expression bugprone-not-null-terminated-result \
	clang-analyzer-security.insecureAPI.strcpy \
	clang-analyzer-security.insecureAPI.DeprecatedOrUnsafeBufferHandling \
	clang-analyzer-valist.Uninitialized; do
	checks="$checks,-$c"
done
if ! command -v clang-tidy >/dev/null 2>&1; then
	echo "SKIP: clang-tidy (not installed)"
else
	export checks INC
	# shellcheck disable=SC2016 # expanded by the inner sh
	printf '%s\n' core/*.c applets/*.c applets/*/*.c | xargs -P 2 -n 4 sh -c 'clang-tidy -quiet --checks="$checks" \
		"$@" -- -std=gnu11 -D_GNU_SOURCE $INC' sh >"$out" 2>&1
	# FILE CHECK: paths the analyser cannot rule out but the code does:
	# buffers filled by ioctl/getsockname (mdns_net.c), implicit char/int
	# narrowing (chat_client.c, mdns.c).
	known='core/mdns_net.c clang-analyzer-core.CallAndMessage
core/mdns_net.c clang-analyzer-core.UndefinedBinaryOperatorResult
applets/chat_client.c bugprone-narrowing-conversions
core/mdns.c bugprone-narrowing-conversions'
	grep -E '(warning|error):' "$out" | sed "s|^$top/||" | while read -r line; do
		f=${line%%:*} chk=$(printf '%s\n' "$line" | sed -n 's/.*\[\([^]]*\)\]$/\1/p')
		printf '%s\n' "$known" | grep -qxF "$f $chk" || printf '%s\n' "$line"
	done | sort -u >"$out.new"
	mv "$out.new" "$out"
	if [ -s "$out" ]; then
		echo "FAIL: clang-tidy core/ applets/"; cat "$out"
	else
		echo "PASS: clang-tidy core/ applets/ ($(printf '%s\n' core/*.c applets/*.c applets/*/*.c | wc -l) files)"
	fi
fi
exit 0
