# MT7621 / MT76x8 routers: MIPS32r2 24Kc little-endian, no FPU.
# Debian's mipsel musl is hard-float (SIGILL on a 24Kc), so musl is built from source.
BOARD_DESC    := MIPS32r2 24Kc little-endian, soft-float
MUSL_FROM_SRC := mipsel-linux-gnu
MUSL_CFLAGS   := -march=24kc -msoft-float
TOOLCHAIN     := $(MUSL_DIR)/bin/musl-gcc
CROSS         := mipsel-linux-gnu-
ARCH_CFLAGS   := -march=24kc -mtune=24kc -msoft-float
QEMU          := qemu-mipsel-static
QEMU_CPU      := 24Kc
PKGS          := gcc-mipsel-linux-gnu
IPK_ARCH      := mipsel_24kc
DEB_ARCH      := mipsel
