# Pi 2/3 with a 32-bit OS: ARMv7, hard-float.
BOARD_DESC    := ARMv7 Cortex-A7, hard-float
TOOLCHAIN     := arm-linux-musleabihf-gcc
CROSS         := arm-linux-gnueabihf-
ARCH_CFLAGS   := -march=armv7-a -mfpu=vfpv3-d16 -mfloat-abi=hard
QEMU          := qemu-arm-static
QEMU_CPU      := cortex-a7
PKGS          := gcc-arm-linux-gnueabihf musl-dev:armhf
IPK_ARCH      := arm_cortex-a7_neon-vfpv4
DEB_ARCH      := armhf
