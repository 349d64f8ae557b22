# chatbox - one static musl binary for every OpenWrt router and Raspberry Pi.
#
#   make [BOARD=name]        build build/BOARD/chatbox (default BOARD=x86_64)
#   make boards              build all eight boards
#   make run                 build for this host and start a chat server on localhost
#                            (installs only what that build needs)
#   make check               install what is missing, build everything, run all tests
#   make menuconfig | defconfig | allnoconfig | allyesconfig | randconfig |
#        savedefconfig | oldconfig        edit .config (CONFIG=file for another)
#   make size | bloatcheck | baseline     size table, growth against a baseline
#   make help                this, and the boards

BOARDS := x86_64 openwrt-ath79 openwrt-ramips openwrt-ipq40xx openwrt-filogic \
          rpi-armv6 rpi-armv7 rpi-aarch64
BOARD  ?= x86_64
ifeq ($(filter $(BOARD),$(BOARDS)),)
$(error BOARD=$(BOARD) is not one of: $(BOARDS))
endif

# SANITIZE=1: a host clang/glibc build under ASan+UBSan, in build/sanitize
SANITIZE ?=
O      ?= build/$(if $(filter 1,$(SANITIZE)),sanitize,$(BOARD))
CONFIG ?= .config
PY     := /usr/bin/python3
GEN    := build/gen
MUSL_DIR = $(CURDIR)/build/musl/$(MUSL_FROM_SRC)
include board/$(BOARD)/board.mk

CC      := $(TOOLCHAIN)
STRIP   := $(CROSS)strip
NM      := $(CROSS)nm
SIZE    := $(CROSS)size
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wno-psabi
# -fno-pie: the binary is linked -static, not as a PIE, so its code need not
# be position-independent (Debian's gcc makes it so by default); absolute
# addresses are smaller on every board. (SANITIZE=1 is a clang PIE: not there.)
CFLAGS  := -std=gnu11 -Os $(WARN) $(ARCH_CFLAGS) \
           -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables \
           -fno-unwind-tables -fno-stack-protector -fno-pie -D_GNU_SOURCE \
           -I$(O)/gen -I$(GEN) -Icore -Iapplets $(EXTRA_CFLAGS)
LDFLAGS := -static -Wl,--gc-sections -Wl,--sort-section=alignment -Wl,--build-id=none \
           -Wl,-z,noseparate-code -Wl,-z,norelro \
           $(EXTRA_LDFLAGS)
# chatbox does no floating point: on x86_64 without SSE a varargs function
# saves no vector registers and small structs are cleared and copied with
# plain moves (BusyBox's way of sizing flags per arch).
ifneq ($(SANITIZE),1)
CFLAGS  += $(if $(filter x86_64,$(BOARD)),-mno-sse)
endif
# (clang's own warnings stay warnings here: the gcc builds are the -Werror gate)
ifeq ($(SANITIZE),1)
CC      := clang
CFLAGS  := $(filter-out -fno-pie,$(CFLAGS))
CFLAGS  += -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
           -fno-sanitize-recover=all -Wno-unknown-warning-option -Wno-error
LDFLAGS := $(filter-out -static,$(LDFLAGS)) -fsanitize=address,undefined
endif

CORE_SRCS   := $(sort $(wildcard core/*.c))
# A one-file applet is applets/NAME.c; a multi-file one has a folder of its
# own (applets/server/, applets/client/), BusyBox's networking/udhcp/ way.
APPLET_SRCS := $(sort $(wildcard applets/*.c applets/*/*.c))
UNIT_SRCS   := $(sort $(wildcard tests/unit/*.c))
SRCS        := $(CORE_SRCS) $(APPLET_SRCS)
OBJS        := $(SRCS:%.c=$(O)/obj/%.o)
UNIT_OBJS   := $(UNIT_SRCS:%.c=$(O)/obj/%.o)
CORE_OBJS   := $(CORE_SRCS:%.c=$(O)/obj/%.o)
# Unit tests may test an applet's own modules too: they link every object
# but the dispatcher's main (gc-sections drops what a test does not use).
UNIT_LINK   := $(filter-out $(O)/obj/applets/applets.o,$(OBJS))

# One version for everything: IRC 002/004/351, mDNS TXT, packages, --version.
CHATBOX_VERSION := $(shell cat VERSION)

export KCONFIG_CONFIG := $(CONFIG)

.PHONY: gen-only all boards run check deps deps-run help unit size bloatcheck baseline clean distclean \
        menuconfig defconfig allnoconfig allyesconfig randconfig savedefconfig oldconfig
all: $(O)/chatbox

# --- configuration --------------------------------------------------------
# The //applet: //config: //usage: blocks of the sources become build/gen/*.
$(GEN)/.stamp: $(SRCS) scripts/gen.sh
	@sh scripts/gen.sh $(GEN) $(SRCS) && touch $@
$(GEN)/applets.h $(GEN)/usage.h $(GEN)/Kconfig.gen: $(GEN)/.stamp
$(GEN)/version.h: VERSION
	@mkdir -p $(GEN)
	@printf '#define CHATBOX_VERSION "%s"\n' "$(CHATBOX_VERSION)" >$@

$(CONFIG): | $(GEN)/.stamp
	@echo "  CONFIG  $@ (defaults; change with make menuconfig)"
	@$(PY) -m alldefconfig Kconfig >/dev/null

# The board's fragment on top of the user's configuration.
$(O)/.config: $(CONFIG) board/$(BOARD)/config Kconfig $(GEN)/.stamp scripts/kconfig.py
	@mkdir -p $(O)
	@$(PY) scripts/kconfig.py merge $@ $(CONFIG) board/$(BOARD)/config
$(O)/gen/autoconf.h: $(O)/.config $(GEN)/.stamp Kconfig scripts/kconfig.py
	@mkdir -p $(O)/gen
	@$(PY) scripts/kconfig.py header $< $@

gen-only: $(GEN)/.stamp
menuconfig oldconfig: $(GEN)/.stamp
	@$(PY) -m $@ Kconfig
defconfig: $(GEN)/.stamp
	@$(PY) -m alldefconfig Kconfig
allnoconfig allyesconfig: $(GEN)/.stamp
	@$(PY) -m $@ Kconfig
savedefconfig: $(GEN)/.stamp
	@$(PY) -m savedefconfig --kconfig Kconfig --out defconfig
randconfig: $(GEN)/.stamp
	@$(PY) scripts/kconfig.py randconfig $(CONFIG) $(SEED)

# --- toolchains -----------------------------------------------------------
ifneq ($(MUSL_FROM_SRC),)
$(MUSL_DIR)/bin/musl-gcc:
	@echo "  MUSL    $(MUSL_FROM_SRC) from Debian's musl source package"
	@scripts/musl-src.sh $(MUSL_FROM_SRC) "$(MUSL_CFLAGS)" $(MUSL_DIR)
TOOLCHAIN_DEP := $(MUSL_DIR)/bin/musl-gcc
endif

# --- build ----------------------------------------------------------------
$(O)/obj/%.o: %.c $(O)/gen/autoconf.h $(GEN)/version.h | $(GEN)/.stamp $(TOOLCHAIN_DEP)
	@mkdir -p $(dir $@)
	@echo "  CC      $(BOARD) $<"
	@$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<
$(O)/chatbox_unstripped: $(OBJS) $(TOOLCHAIN_DEP)
	@echo "  LD      $@"
	@$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(OBJS) 2>$(O)/ld.log || { cat $(O)/ld.log; exit 1; }
	@# Soft-float MIPS against Debian's libgcc warns about the float ABI of its
	@# integer helpers; the tests prove the result runs on a 24Kc.
	@grep -v 'uses hard float\|uses -mhard-float\|failed to merge target specific data' $(O)/ld.log || true
$(O)/chatbox: $(O)/chatbox_unstripped
	@$(STRIP) -s -R .comment -o $@ $<
	@echo "  SIZE    $@ $$(wc -c <$@) bytes"
$(O)/unit-tests: $(UNIT_OBJS) $(UNIT_LINK) $(TOOLCHAIN_DEP)
	@echo "  LD      $@"
	@$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(UNIT_OBJS) $(UNIT_LINK) 2>/dev/null || \
		$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(UNIT_OBJS) $(UNIT_LINK)
unit: $(O)/unit-tests

-include $(OBJS:.o=.d) $(UNIT_OBJS:.o=.d)

# Each board's build uses every core (make check runs without -j).
BUILD_JOBS ?= $(shell nproc 2>/dev/null || echo 2)
boards:
	@for b in $(BOARDS); do $(MAKE) --no-print-directory -j$(BUILD_JOBS) BOARD=$$b all unit || exit 1; done

# Print a board's variables for scripts: make -s BOARD=x print-QEMU
print-%:
	@echo '$($*)'

# --- run, test ------------------------------------------------------------
BUILD_PKGS := make gcc python3-kconfiglib dpkg-dev $(sort $(foreach b,$(BOARDS),\
	$(shell sed -n 's/^PKGS *:= *//p' board/$(b)/board.mk)))
TEST_PKGS  := qemu-user-static iproute2 socat tmux ngircd irssi weechat-headless \
	python3-zeroconf avahi-daemon cppcheck shellcheck file binutils

# Each area (server, client, discovery, deploy, bench, fuzz) adds its
# targets and packages in mk/AREA.mk: TEST_PKGS += ..., CHECK_STEPS += ...
include $(sort $(wildcard mk/*.mk))

# make run builds for this host only: its compiler and musl, kconfiglib
# for the configuration; no cross toolchains, emulators or test peers.
RUN_PKGS   := make gcc python3-kconfiglib $(PKGS)

# DEPS_FLAGS=-n: print the packages instead (scripts/deps.sh -n).
deps:
	@scripts/deps.sh $(DEPS_FLAGS) $(BUILD_PKGS) $(TEST_PKGS)
deps-run:
	@scripts/deps.sh $(DEPS_FLAGS) $(RUN_PKGS)

run: deps-run all
	@echo "chat-server on localhost:6667 - join with: chat-client localhost, nc localhost 6667, or any IRC app"
	@ln -sf chatbox $(O)/chat-server
	$(O)/chat-server -f -p $(or $(PORT),6667)

check: deps
ifeq ($(SANITIZE),1)
	@$(MAKE) --no-print-directory all unit
	@MAKEFLAGS= TEST_BUILD_DIR=$(O) tests/run.sh x86_64
else
	@$(MAKE) --no-print-directory boards
	@tests/run.sh $(BOARDS)
endif

# --- size -----------------------------------------------------------------
size:
	@scripts/size.sh $(BOARDS)
baseline: all
	@cp $(O)/chatbox_unstripped $(O)/chatbox_old
	@echo "baseline saved: $(O)/chatbox_old"
bloatcheck: all
	@test -f $(O)/chatbox_old || { echo "no baseline: run make baseline first"; exit 1; }
	@scripts/bloat-o-meter.sh $(NM) $(O)/chatbox_old $(O)/chatbox_unstripped

help:
	@sed -n 's/^# \{0,1\}//; 3,10p' Makefile
	@grep -h '^#   make' mk/*.mk | sed 's/^# \{0,1\}//'
	@echo "Boards:"; for b in $(BOARDS); do printf '  %-16s ' $$b; sed -n 's/^BOARD_DESC *:= *//p' board/$$b/board.mk; done

clean:
	rm -rf $(filter-out build/musl build/musl-src,$(wildcard build/*))
distclean:
	rm -rf build .config .config.old defconfig
