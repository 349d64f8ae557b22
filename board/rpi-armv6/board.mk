# Pi Zero, Zero W, Pi 1: ARMv6 ARM1176JZF-S. Debian's armhf is ARMv7 Thumb-2
# (SIGILL on a Pi Zero), so this uses armel's musl and ARM (not Thumb) code.
BOARD_DESC    := ARMv6 ARM1176, soft-float ABI
TOOLCHAIN     := arm-linux-musleabi-gcc
CROSS         := arm-linux-gnueabi-
ARCH_CFLAGS   := -mcpu=arm1176jzf-s -marm -mfloat-abi=soft
QEMU          := qemu-arm-static
QEMU_CPU      := arm1176
PKGS          := gcc-arm-linux-gnueabi musl-dev:armel
IPK_ARCH      := arm_arm1176jzf-s_vfp
DEB_ARCH      := armhf
