#!/bin/sh
# avahi_peer.sh DIR NAME PORT - run avahi-daemon as a real mDNS peer for the
# discovery tests, inside the caller's network namespace: no D-Bus, no
# chroot, its own /run (a tmpfs in a private mount namespace) and one static
# service NAME (_irc._tcp on PORT) from DIR/services. Stops on SIGTERM.
set -eu
dir=$1 name=$2 port=$3
mkdir -p "$dir/services"
cat >"$dir/avahi-daemon.conf" <<CONF
[server]
host-name=avahi-peer
use-ipv4=yes
use-ipv6=yes
enable-dbus=no
allow-interfaces=eth0
[wide-area]
enable-wide-area=no
[publish]
publish-hinfo=no
publish-workstation=no
CONF
cat >"$dir/services/irc.service" <<SVC
<?xml version="1.0" standalone='no'?>
<!DOCTYPE service-group SYSTEM "avahi-service.dtd">
<service-group>
  <name>$name</name>
  <service>
    <type>_irc._tcp</type>
    <port>$port</port>
    <txt-record>txtvers=1</txt-record>
    <txt-record>from=avahi</txt-record>
  </service>
</service-group>
SVC
exec unshare -m --propagation private sh -c '
	mount -t tmpfs tmpfs /run && mkdir -p /run/avahi-daemon &&
	mount --bind "$1/services" /etc/avahi/services &&
	exec avahi-daemon -f "$1/avahi-daemon.conf" --no-drop-root --no-chroot --no-rlimits' sh "$dir"
