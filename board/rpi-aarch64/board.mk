# Pi 3/4/5 with a 64-bit OS: AArch64 (Cortex-A53 is the oldest core, Pi 3).
BOARD_DESC    := AArch64 Cortex-A53
TOOLCHAIN     := aarch64-linux-musl-gcc
CROSS         := aarch64-linux-gnu-
ARCH_CFLAGS   := -mcpu=cortex-a53
QEMU          := qemu-aarch64-static
QEMU_CPU      := cortex-a53
PKGS          := gcc-aarch64-linux-gnu musl-dev:arm64
IPK_ARCH      := aarch64_cortex-a53
DEB_ARCH      := arm64
