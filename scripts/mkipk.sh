#!/bin/sh
# mkipk.sh - an .ipk for OpenWrt's opkg (24.10 and older) from the static
# binary, with standard tools: an ar archive of debian-binary,
# control.tar.gz and data.tar.gz, like OpenWrt's own packages.
# Usage: scripts/mkipk.sh BINARY ARCH VERSION OUT.ipk APPLET...
#   ARCH     OpenWrt's package architecture (board.mk's IPK_ARCH)
#   VERSION  e.g. 0.1.2-r1
# SOURCE_DATE_EPOCH (default: now) sets the files' times.
set -eu
[ $# -ge 4 ] || { echo "usage: $0 BINARY ARCH VERSION OUT.ipk APPLET..." >&2; exit 2; }
bin=$1 arch=$2 version=$3 out=$4
shift 4
top=$(cd "$(dirname "$0")/.." && pwd)
files=$top/board/openwrt
mtime=${SOURCE_DATE_EPOCH:-$(date +%s)}
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT

root=$work/data
sh "$top/scripts/install.sh" "$bin" "$root/usr/bin" "$@" >/dev/null
mkdir -p "$root/etc/init.d" "$root/etc/config"
install -m 0755 "$files/chatbox/files/chatbox.init" "$root/etc/init.d/chatbox"
install -m 0644 "$files/chatbox/files/chatbox.config" "$root/etc/config/chatbox"

ctl=$work/control
mkdir -p "$ctl"
size=$(find "$root" -type f -exec cat {} + | wc -c)
cat >"$ctl/control" <<EOT
Package: chatbox
Version: $version
Source: chatbox
SourceName: chatbox
Section: net
SourceDateEpoch: $mtime
Maintainer: ${PKG_MAINTAINER:-chatbox project <chatbox@invalid>}
Architecture: $arch
Installed-Size: $size
Require-User: chatbox:chatbox
Description: Wi-Fi chat hub: a chat server for IRC apps, nc and telnet
 chat-server, chat-client and chat-discover in one small static binary.
 The server starts from /etc/config/chatbox under procd and announces
 itself on the LAN, so phones and laptops find it without an address.
EOT
echo /etc/config/chatbox >"$ctl/conffiles"
install -m 0755 "$files/ipk/postinst" "$files/ipk/prerm" "$ctl/"
echo 2.0 >"$work/debian-binary"

# Reproducible archives: sorted names, root-owned, fixed times, no gzip name.
pack() {
	(cd "$1" && tar --sort=name --owner=0 --group=0 --numeric-owner \
		--mtime="@$mtime" --format=gnu -cf - .) | gzip -9n >"$2"
}
pack "$ctl" "$work/control.tar.gz"
pack "$root" "$work/data.tar.gz"
rm -f "$out"
(cd "$work" && ar -crD pkg.ipk debian-binary control.tar.gz data.tar.gz)
mv "$work/pkg.ipk" "$out"
