#!/bin/sh
# mkpkg.sh - a package of the static binary, its applet links and the
# service files, for OpenWrt or for Raspberry Pi OS / Debian.
# Usage: scripts/mkpkg.sh ipk|deb BINARY ARCH VERSION OUT APPLET...
#   ipk  for OpenWrt's opkg (24.10 and older): an ar archive of
#        debian-binary, control.tar.gz and data.tar.gz made with ar and tar,
#        like OpenWrt's own; ARCH is OpenWrt's (board.mk's IPK_ARCH)
#   deb  made with dpkg-deb; ARCH is Debian's (board.mk's DEB_ARCH)
# SOURCE_DATE_EPOCH (default: now) sets the files' times; PKG_MAINTAINER
# the Maintainer field.
set -eu
[ $# -ge 5 ] || { echo "usage: $0 ipk|deb BINARY ARCH VERSION OUT APPLET..." >&2; exit 2; }
kind=$1 bin=$2 arch=$3 version=$4 out=$5
shift 5
top=$(cd "$(dirname "$0")/.." && pwd)
mtime=${SOURCE_DATE_EPOCH:-$(date +%s)}
maintainer=${PKG_MAINTAINER:-chatbox project <chatbox@invalid>}
summary="Wi-Fi chat hub: a chat server for IRC apps, nc and telnet"
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
umask 022
root=$work/root
sh "$top/scripts/install.sh" "$bin" "$root/usr/bin" "$@" >/dev/null

ipk() {
	files=$top/board/openwrt
	install -D -m 0755 "$files/chatbox/files/chatbox.init" "$root/etc/init.d/chatbox"
	install -D -m 0644 "$files/chatbox/files/chatbox.config" "$root/etc/config/chatbox"

	ctl=$work/control
	mkdir -p "$ctl"
	size=$(find "$root" -type f -exec cat {} + | wc -c)
	cat >"$ctl/control" <<-EOT
	Package: chatbox
	Version: $version
	Source: chatbox
	SourceName: chatbox
	Section: net
	SourceDateEpoch: $mtime
	Maintainer: $maintainer
	Architecture: $arch
	Installed-Size: $size
	Require-User: chatbox:chatbox
	Description: $summary
	 chat-server, chat-client and chat-discover in one small static binary.
	 The server starts from /etc/config/chatbox under procd and announces
	 itself on the LAN, so phones and laptops find it without an address.
	EOT
	echo /etc/config/chatbox >"$ctl/conffiles"
	install -m 0755 "$files/ipk/postinst" "$files/ipk/prerm" "$ctl/"
	echo 2.0 >"$work/debian-binary"
	pack "$ctl" "$work/control.tar.gz"
	pack "$root" "$work/data.tar.gz"
	rm -f "$out"
	(cd "$work" && ar -crD pkg.ipk debian-binary control.tar.gz data.tar.gz)
	mv "$work/pkg.ipk" "$out"
}

# Reproducible tar.gz: sorted names, root-owned, fixed times, no gzip name.
pack() {
	(cd "$1" && tar --sort=name --owner=0 --group=0 --numeric-owner \
		--mtime="@$mtime" --format=gnu -cf - .) | gzip -9n >"$2"
}

deb() {
	files=$top/board/rpi
	install -D -m 0755 "$files/chatbox-run" "$root/usr/libexec/chatbox/chatbox-run"
	# /lib, not /usr/lib: Debian 12 keeps units there until its usrmerge is done.
	install -D -m 0644 "$files/chatbox.service" "$root/lib/systemd/system/chatbox.service"
	install -D -m 0644 "$files/chatbox.default" "$root/etc/default/chatbox"
	if [ -f "$top/README.md" ]; then
		install -D -m 0644 "$top/README.md" "$root/usr/share/doc/chatbox/README.md"
	fi

	mkdir -p "$root/DEBIAN"
	size=$(du -sk --apparent-size "$root" | cut -f1)
	cat >"$root/DEBIAN/control" <<-EOT
	Package: chatbox
	Version: $version
	Architecture: $arch
	Maintainer: $maintainer
	Installed-Size: $size
	Section: net
	Priority: optional
	Description: $summary
	 chat-server, chat-client and chat-discover in one small static binary.
	 chatbox.service runs the server with the settings of /etc/default/chatbox
	 and it announces itself on the LAN (mDNS/DNS-SD), so phones and laptops
	 find it without an address.
	EOT
	echo /etc/default/chatbox >"$root/DEBIAN/conffiles"
	install -m 0755 "$files/debian/postinst" "$files/debian/prerm" \
		"$files/debian/postrm" "$root/DEBIAN/"
	SOURCE_DATE_EPOCH=$mtime dpkg-deb --root-owner-group --build "$root" "$out" >/dev/null
}

case $kind in
ipk|deb) "$kind" ;;
*) echo "$0: unknown package kind '$kind' (ipk or deb)" >&2; exit 2 ;;
esac
