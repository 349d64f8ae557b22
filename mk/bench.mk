# bench.mk - chat-server against Debian's ngIRCd (tests/bench/).
#
#   make bench          full workloads; table in build/bench/results.md
#   make bench-smoke    small sizes (< 1 minute); also run by make check
#                       through tests/t-bench-smoke.sh
#
# ircload, the load generator, is a host tool built with the host's gcc:
# it is not an applet and never part of the chatbox binary.
TEST_PKGS += ngircd gcc procps

BENCH_O := build/bench
HOST_CC ?= gcc

.PHONY: bench bench-smoke
$(BENCH_O)/ircload: tests/bench/ircload.c
	@mkdir -p $(BENCH_O)
	@echo "  HOSTCC  $@"
	@$(HOST_CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wshadow -o $@ $<

bench: deps
	@$(MAKE) --no-print-directory BOARD=x86_64 all $(BENCH_O)/ircload
	@$(PY) tests/bench/bench.py --chatbox build/x86_64/chatbox --out $(BENCH_O)/results.md

bench-smoke: $(BENCH_O)/ircload
	@$(MAKE) --no-print-directory BOARD=x86_64 all
	@$(PY) tests/bench/bench.py --smoke --chatbox build/x86_64/chatbox --out $(BENCH_O)/smoke.md
