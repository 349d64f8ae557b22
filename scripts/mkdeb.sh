#!/bin/sh
# mkdeb.sh - a .deb for Raspberry Pi OS / Debian with dpkg-deb: the static
# binary and its applet links, chatbox.service, /etc/default/chatbox and
# the maintainer scripts that enable and start the service.
# Usage: scripts/mkdeb.sh BINARY ARCH VERSION OUT.deb APPLET...
#   ARCH  Debian architecture (board.mk's DEB_ARCH): arm64, armhf, amd64 ...
set -eu
[ $# -ge 4 ] || { echo "usage: $0 BINARY ARCH VERSION OUT.deb APPLET..." >&2; exit 2; }
bin=$1 arch=$2 version=$3 out=$4
shift 4
top=$(cd "$(dirname "$0")/.." && pwd)
files=$top/board/rpi
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
umask 022

root=$work/root
sh "$top/scripts/install.sh" "$bin" "$root/usr/bin" "$@" >/dev/null
install -D -m 0755 "$files/chatbox-run" "$root/usr/libexec/chatbox/chatbox-run"
# /lib, not /usr/lib: Debian 12 keeps units there until its usrmerge is done.
install -D -m 0644 "$files/chatbox.service" "$root/lib/systemd/system/chatbox.service"
install -D -m 0644 "$files/chatbox.default" "$root/etc/default/chatbox"
if [ -f "$top/README.md" ]; then
	install -D -m 0644 "$top/README.md" "$root/usr/share/doc/chatbox/README.md"
fi

mkdir -p "$root/DEBIAN"
size=$(du -sk --apparent-size "$root" | cut -f1)
cat >"$root/DEBIAN/control" <<EOT
Package: chatbox
Version: $version
Architecture: $arch
Maintainer: ${PKG_MAINTAINER:-chatbox project <chatbox@invalid>}
Installed-Size: $size
Section: net
Priority: optional
Description: Wi-Fi chat hub: a chat server for IRC apps, nc and telnet
 chat-server, chat-client and chat-discover in one small static binary.
 chatbox.service runs the server with the settings of /etc/default/chatbox
 and it announces itself on the LAN (mDNS/DNS-SD), so phones and laptops
 find it without an address.
EOT
echo /etc/default/chatbox >"$root/DEBIAN/conffiles"
install -m 0755 "$files/debian/postinst" "$files/debian/prerm" \
	"$files/debian/postrm" "$root/DEBIAN/"
dpkg-deb --root-owner-group --build "$root" "$out" >/dev/null
