# PCs, OpenWrt x86/64 and the build host.
BOARD_DESC    := x86_64 PCs, OpenWrt x86/64
TOOLCHAIN     := x86_64-linux-musl-gcc
CROSS         :=
ARCH_CFLAGS   := -march=x86-64
QEMU          :=
QEMU_CPU      :=
PKGS          := musl-tools musl-dev
IPK_ARCH      := x86_64
DEB_ARCH      := amd64
