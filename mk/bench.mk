# bench.mk - chat-server against Debian's ngIRCd (tests/bench/).
#
#   make bench          full workloads; table in build/bench/results.md
#   make bench BASELINE=REV   the same, with chatbox as of git revision REV
#                       measured in the same runs (no regression = ratios >= 1)
#   make bench-smoke    small sizes (< 1 minute); also run by make check
#                       through tests/t-bench-smoke.sh
#
# ircload, the load generator, and relay, the no-parse fan-out ceiling, are
# host tools built with the host's gcc: not applets, never part of the
# chatbox binary. strace counts each server's system calls per delivery.
TEST_PKGS += ngircd gcc procps strace

BENCH_O := build/bench
HOST_CC ?= gcc

.PHONY: bench bench-smoke
$(BENCH_O)/ircload: tests/bench/ircload.c
	@mkdir -p $(BENCH_O)
	@echo "  HOSTCC  $@"
	@$(HOST_CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wshadow -o $@ $<
$(BENCH_O)/relay: tests/bench/relay.c
	@mkdir -p $(BENCH_O)
	@echo "  HOSTCC  $@"
	@$(HOST_CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wshadow -o $@ $<
BENCH_TOOLS := $(BENCH_O)/ircload $(BENCH_O)/relay

# The baseline is built from a clean export of REV (git archive), never from
# the work tree, with the x86_64 defaults of that revision.
BASELINE ?=
BASELINE_O := $(BENCH_O)/baseline-$(BASELINE)
ifneq ($(BASELINE),)
BENCH_BASELINE_ARGS := --baseline $(BASELINE_O)/build/x86_64/chatbox --baseline-name $(BASELINE)
endif
$(BASELINE_O)/build/x86_64/chatbox:
	@rm -rf $(BASELINE_O) && mkdir -p $(BASELINE_O)
	@echo "  BASELINE $(BASELINE)"
	@git archive --format=tar $(BASELINE) | tar -x -C $(BASELINE_O)
	@$(MAKE) --no-print-directory -C $(BASELINE_O) BOARD=x86_64 all >$(BASELINE_O).log 2>&1 || \
		{ tail -n 20 $(BASELINE_O).log; exit 1; }

bench: deps
	@$(MAKE) --no-print-directory BOARD=x86_64 all $(BENCH_TOOLS) \
		$(if $(BASELINE),$(BASELINE_O)/build/x86_64/chatbox)
	@$(PY) tests/bench/bench.py --chatbox build/x86_64/chatbox $(BENCH_BASELINE_ARGS) \
		--out $(BENCH_O)/results.md

bench-smoke: $(BENCH_TOOLS)
	@$(MAKE) --no-print-directory BOARD=x86_64 all
	@$(PY) tests/bench/bench.py --smoke --chatbox build/x86_64/chatbox --out $(BENCH_O)/smoke.md
