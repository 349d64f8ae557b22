#!/bin/sh
# t-deps.sh - host-only: what "make run" and "make check" install on a
# fresh machine (scripts/deps.sh -n prints instead of installing).
# make run builds for this host only; make check needs everything.
. tests/lib/testing.sh
top=$(pwd)
unset MAKEFLAGS MFLAGS MAKELEVEL # run from make check: not its -j or its -s
M="make -s --no-print-directory -C $top"
# Packages no host build needs (cross toolchains, emulator, test peers),
# one a line for grep -Fx.
NOT_FOR_RUN=$(printf '%s\n' qemu-user-static gcc-mips-linux-gnu gcc-mipsel-linux-gnu \
	gcc-aarch64-linux-gnu gcc-arm-linux-gnueabihf musl-dev:armhf ngircd irssi \
	weechat-headless avahi-daemon python3-zeroconf clang valgrind tmux)
n_not=$(echo "$NOT_FOR_RUN" | wc -l)

testing "make run installs the host build's packages: make, gcc, kconfiglib, musl" \
	"$M BOARD=x86_64 deps-run DEPS_FLAGS=-n" \
	"make\ngcc\npython3-kconfiglib\nmusl-tools\nmusl-dev\n" "" ""
testing "make run goes through that list, not make check's" \
	"$M -n BOARD=x86_64 run | grep -c '^scripts/deps.sh *make gcc python3-kconfiglib musl-tools musl-dev\$'" \
	"1\n" "" ""
testing "make run's list has no cross toolchain, emulator or test peer" \
	"$M -n BOARD=x86_64 run | grep '^scripts/deps.sh' | tr ' ' '\n' | grep -Fx '$NOT_FOR_RUN'; echo end" \
	"end\n" "" ""
testing "make check still installs all of them" \
	"$M deps DEPS_FLAGS=-n | grep -Fx '$NOT_FOR_RUN' | wc -l" "$n_not\n" "" ""
testing "make check starts with deps" \
	"$M -n check 2>/dev/null | sed -n '1s/ .*//p'" "scripts/deps.sh\n" "" ""
testing "deps.sh -n prints each package once and installs nothing" \
	"PATH=/nonexistent:\$PATH sh $top/scripts/deps.sh -n a b:arm64 a b:arm64 c" "a\nb:arm64\nc\n" "" ""
exit $((FAILCOUNT > 0))
