# fuzz.mk - libFuzzer harnesses for every parser that reads the network
# (tests/fuzz/fuzz_*.c), built with the host's clang against core/*.c.
#
#   make fuzz [FUZZ_SECONDS=N]   each libFuzzer harness N s (default 60)
# Each harness first replays tests/fuzz/regress/HARNESS/*, then fuzzes from
# its seed corpus tests/fuzz/corpus/HARNESS/.
# tests/t-fuzz.sh runs the same in make check, FUZZ_SECONDS=30 each.
# Crashes land in build/fuzz/crash-HARNESS-*: fix the parser, then move
# the input to tests/fuzz/regress/HARNESS/.
TEST_PKGS += clang libclang-rt-14-dev clang-tidy cppcheck

FUZZ_O       := build/fuzz
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_CFLAGS  := -std=gnu11 -g -O1 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow \
                -Wstrict-prototypes -Wmissing-prototypes \
                -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
                -Ibuild/x86_64/gen -Ibuild/gen -Icore

# The core files each harness exercises (each needs only its own).
FUZZ_SRC_irc      := core/irc.c
FUZZ_SRC_hostport := core/net.c core/resolve.c core/dns.c core/loop.c core/util.c core/textsafe.c core/utf8.c
FUZZ_SRC_resolve  := core/resolve.c core/net.c core/dns.c core/loop.c core/util.c core/textsafe.c core/utf8.c
FUZZ_SRC_plain    := core/conn.c core/sendq.c core/loop.c core/telnet.c core/util.c core/textsafe.c core/utf8.c
FUZZ_SRC_sendq    := core/sendq.c
FUZZ_SRC_dns      := core/dns.c
FUZZ_SRC_textsafe := core/textsafe.c core/utf8.c
FUZZ_SRC_http     := core/http.c core/base64.c
FUZZ_SRC_ws       := core/ws.c core/conn.c core/conn_ws.c core/sendq.c core/loop.c core/telnet.c core/util.c core/textsafe.c core/utf8.c
FUZZ_SRC_journal  := core/journal.c core/crc32.c
# Each harness whose sources are all there (core/dns.c comes with discovery).
FUZZERS      := $(foreach f,$(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c)),\
                  $(if $(filter-out $(wildcard $(FUZZ_SRC_$(f))),$(FUZZ_SRC_$(f))),,$(f)))

FUZZ_BINS    := $(addprefix $(FUZZ_O)/fuzz_,$(FUZZERS))

.PHONY: fuzz fuzz-build fuzz-bins
define fuzz_rule
$(FUZZ_O)/fuzz_$(1): tests/fuzz/fuzz_$(1).c $(FUZZ_SRC_$(1)) $(wildcard core/*.h) build/x86_64/gen/autoconf.h
	@mkdir -p $(FUZZ_O)
	@echo "  FUZZCC  $$@"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -o $$@ $$< $(FUZZ_SRC_$(1))
endef
$(foreach f,$(FUZZERS),$(eval $(call fuzz_rule,$(f))))

# autoconf.h first (x86_64's, whatever BOARD is), then the harnesses.
fuzz-build:
	@$(MAKE) --no-print-directory BOARD=x86_64 build/x86_64/gen/autoconf.h
	@$(MAKE) --no-print-directory fuzz-bins
fuzz-bins: $(FUZZ_BINS)

fuzz: deps fuzz-build
	@FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/fuzz/run.sh $(FUZZERS)
