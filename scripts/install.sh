#!/bin/sh
# install.sh - install the chatbox binary and a symlink per applet, the way
# BusyBox's "make install" does. Links are relative ("chat-server -> chatbox")
# so the tree works under any DESTDIR and inside packages.
# Usage: scripts/install.sh BINARY BINDIR APPLET...
set -eu
[ $# -ge 2 ] || { echo "usage: $0 BINARY BINDIR APPLET..." >&2; exit 2; }
bin=$1 dir=$2
shift 2
mkdir -p "$dir"
# Write a new file and rename it over the old one: a running chat-server
# keeps its inode, and a half-written binary is never seen under the name.
cp "$bin" "$dir/.chatbox.new"
chmod 0755 "$dir/.chatbox.new"
mv -f "$dir/.chatbox.new" "$dir/chatbox"
echo "  INSTALL $dir/chatbox"
for applet in "$@"; do
	if [ -e "$dir/$applet" ] && [ ! -L "$dir/$applet" ]; then
		echo "install.sh: $dir/$applet exists and is not a link: left alone" >&2
		continue
	fi
	ln -sfn chatbox "$dir/$applet"
	echo "  LINK    $dir/$applet -> chatbox"
done
