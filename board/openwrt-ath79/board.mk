# TP-Link Archer C7 and most older routers: MIPS32r2 24Kc big-endian, no FPU.
# Debian has no big-endian musl, so musl is built from Debian's source package.
BOARD_DESC    := MIPS32r2 24Kc big-endian, soft-float
MUSL_FROM_SRC := mips-linux-gnu
MUSL_CFLAGS   := -march=24kc -msoft-float
TOOLCHAIN     := $(MUSL_DIR)/bin/musl-gcc
CROSS         := mips-linux-gnu-
ARCH_CFLAGS   := -march=24kc -mtune=24kc -msoft-float
QEMU          := qemu-mips-static
QEMU_CPU      := 24Kc
PKGS          := gcc-mips-linux-gnu
IPK_ARCH      := mips_24kc
DEB_ARCH      := mips
