# sanitize.mk - memory-safety runs of the real binary on the host.
#
#   make check SANITIZE=1   the host suite under ASan+UBSan (build/sanitize)
#   make valgrind-build     a glibc build for valgrind (build/valgrind)
# SANITIZE=1 is a clang + glibc build (see the top of the Makefile);
# valgrind needs glibc's dynamic malloc to see leaks, with symbols.
# tests/t-sanitize.sh runs the end-to-end tests under SANITIZE=1 in every
# make check; tests/t-valgrind.py runs a server session under memcheck.
TEST_PKGS += clang libclang-rt-14-dev valgrind

.PHONY: valgrind-build
valgrind-build:
	@$(MAKE) --no-print-directory BOARD=x86_64 O=build/valgrind CC=gcc \
		LDFLAGS="-Wl,--gc-sections -no-pie" EXTRA_CFLAGS="-g -O1" all
