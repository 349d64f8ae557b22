# t-deploy.sh - make install, the OpenWrt init script and feed package, the
# .ipk and the .deb (installed for real with dpkg, then purged).
# host-only: the packages of every built board are checked from here.
# Functions here run from the command strings of testing: SC2317.
# shellcheck shell=sh disable=SC2317,SC2154
. tests/lib/testing.sh
top=$(pwd)
HOST=$top/build/x86_64/chatbox
MK="make -s --no-print-directory -C $top"
VERSION=$(cat "$top/VERSION") # the packages' version too
[ -x "$HOST" ] || $MK BOARD=x86_64 >/dev/null || exit 1
APPLETS=$("$HOST" --list)
# Each test runs in a directory of its own.
fresh() { cd "$(mktemp -d "$tmpd/t.XXXXXX")" || exit 1; }

# ---- make install --------------------------------------------------------
testing "make install DESTDIR PREFIX: chatbox and a link per applet" \
	"fresh; $MK install DESTDIR=\$PWD/d PREFIX=/usr >/dev/null && ls d/usr/bin" \
	"$APPLETS\nchatbox\n" "" ""
testing "the links are relative, to chatbox" \
	"fresh; $MK install DESTDIR=\$PWD/d PREFIX=/usr >/dev/null && for a in $(echo "$APPLETS" | tr '\n' ' '); do readlink d/usr/bin/\$a; done | sort -u" \
	"chatbox\n" "" ""
testing "an installed link runs its applet" \
	"fresh; $MK install DESTDIR=\$PWD/d >/dev/null && d/usr/local/bin/chat-server --help | head -n 1 | cut -c1-19" \
	"Usage: chat-server \n" "" ""
testing "CONFIG_PREFIX (BusyBox's spelling) installs into DIR/bin" \
	"fresh; $MK install CONFIG_PREFIX=\$PWD/_install >/dev/null && ls _install && cmp _install/bin/chatbox '$HOST' && echo same" \
	"bin\nsame\n" "" ""
testing "install again replaces the binary and keeps the links" \
	"fresh; $MK install DESTDIR=\$PWD/d >/dev/null && $MK install DESTDIR=\$PWD/d >/dev/null; echo rc=\$?; ls d/usr/local/bin | wc -l" \
	"rc=0\n$(($(echo "$APPLETS" | wc -l) + 1))\n" "" ""
testing "install leaves another program's file of an applet's name alone" \
	"fresh; mkdir -p d/usr/local/bin && echo mine >d/usr/local/bin/chat-client && $MK install DESTDIR=\$PWD/d 2>&1 >/dev/null | grep -c 'left alone'; cat d/usr/local/bin/chat-client" \
	"1\nmine\n" "" ""
testing "make uninstall removes what install put there" \
	"fresh; $MK install DESTDIR=\$PWD/d >/dev/null && $MK uninstall DESTDIR=\$PWD/d >/dev/null && ls -A d/usr/local/bin | wc -l" \
	"0\n" "" ""
testing "the applet list of a build is its enabled applets" \
	"fresh; sed 's/ENABLE_CHAT_DISCOVER 1/ENABLE_CHAT_DISCOVER 0/' '$top/build/x86_64/gen/autoconf.h' >ac.h && sh '$top/scripts/applets.sh' '$top/build/gen/applets.h' ac.h" \
	"$(echo "$APPLETS" | grep -v chat-discover)\n" "" ""
testing "without qemu, a cross board's links match its binary's --list" \
	"fresh; sh '$top/scripts/applets.sh' '$top/build/gen/applets.h' '$top/build/x86_64/gen/autoconf.h'" \
	"$APPLETS\n" "" ""
if [ -x "$top/build/openwrt-ath79/chatbox" ]; then
	testing "make install BOARD=openwrt-ath79 installs the MIPS binary" \
		"fresh; $MK install BOARD=openwrt-ath79 DESTDIR=\$PWD/m PREFIX=/usr >/dev/null && ls m/usr/bin | wc -l && file -L m/usr/bin/chat-server | grep -o 'MIPS, MIPS32 rel2'" \
		"$(($(echo "$APPLETS" | wc -l) + 1))\nMIPS, MIPS32 rel2\n" "" ""
else
	skipping "make install BOARD=openwrt-ath79" "build/openwrt-ath79/chatbox not built"
fi

# ---- OpenWrt: init script, UCI -> flags ----------------------------------
INIT=$top/board/openwrt/chatbox/files/chatbox.init
UCI=$top/board/openwrt/chatbox/files/chatbox.config
# procd ARGS...: run the init script's start_service and service_triggers
# under the shims, with the UCI file ./uci/chatbox, and networks of
# NET_* variables; ARGS are more variable assignments (e.g. PATH with umdns).
procd() {
	mkdir -p uci root/lib/functions bin
	[ -f uci/chatbox ] || cp "$UCI" uci/chatbox
	: >root/lib/functions/network.sh
	(
		export UCI_DIR="$PWD/uci" IPKG_INSTROOT="$PWD/root"
		for assignment in "$@"; do export "${assignment?}"; done
		ash -c ". '$top/tests/lib/openwrt-shim.sh'; . '$INIT'; start_service; service_triggers"
	)
}
# OpenWrt's shell is BusyBox ash: run the init script under it when Debian's
# busybox is installed, else under dash (an ash too).
ash() { busybox sh "$@"; }
if ! busybox sh -c : 2>/dev/null; then
	ash() { sh "$@"; }
	skipping "init script under BusyBox ash" "busybox is not installed: using dash"
fi
with_umdns() { mkdir -p bin && printf '#!/bin/sh\n' >bin/umdns && chmod +x bin/umdns; }
LAN="NET_V4_lan=192.168.1.1 NET_V6_lan=fd00::1 NET_DEV_lan=br-lan"
DEFAULT_OUT="instance main\n command /usr/bin/chat-server -f -S -p 6667 -b 192.168.1.1 -b fd00::1 -r #lobby -D /etc/chatbox/main\n netdev br-lan\n user chatbox\n respawn\n stderr 1\nreload trigger on config chatbox\nreload trigger on interface lan\n"

testing "init: the shipped UCI config serves the LAN's addresses, as user chatbox" \
	"fresh; procd $LAN" "$DEFAULT_OUT" "" ""
testing "init: umdns installed: it announces (procd_add_mdns), chat-server gets -M" \
	"fresh; with_umdns; procd $LAN PATH=\$PWD/bin:\$PATH" \
	"instance main\n command /usr/bin/chat-server -f -S -p 6667 -b 192.168.1.1 -b fd00::1 -r #lobby -D /etc/chatbox/main -M\n mdns irc tcp 6667 txtvers=1\n netdev br-lan\n user chatbox\n respawn\n stderr 1\nreload trigger on config chatbox\nreload trigger on interface lan\n" "" ""
testing "init: every option becomes its flag; a name with spaces stays one argument" \
	"fresh; mkdir uci; printf \"config chatbox 'main'\n option port '7000'\n option interface ''\n option name 'Kitchen chat'\n option room '#home'\n option history '12'\n option maxclients '40'\n option maxperaddr '4'\n option flood '0'\n option sendq '32'\n option timeout '90'\n option password 'sesame'\n option mdns 'builtin'\n option user 'nobody'\n list listen '10.0.0.1'\n list listen '::1'\n\" >uci/chatbox; with_umdns; procd PATH=\$PWD/bin:\$PATH" \
	"instance main\n command /usr/bin/chat-server -f -S -p 7000 -b 10.0.0.1 -b ::1 -n [Kitchen chat] -r #home -H 12 -c 40 -C 4 -R 0 -Q 32 -T 90 -P sesame\n user nobody\n respawn\n stderr 1\nreload trigger on config chatbox\n" "" ""
testing "init: umdns announces the server's name, when it has one" \
	"fresh; mkdir uci; sed \"s/#option name 'Kitchen chat'/option name 'Kitchen chat'/\" '$UCI' >uci/chatbox; with_umdns; procd $LAN PATH=\$PWD/bin:\$PATH | grep mdns" \
	" mdns instance [Kitchen chat] irc tcp 6667 txtvers=1\n" "" ""
testing "init: discovery 0 turns the announcement off (-M), umdns or not" \
	"fresh; mkdir uci; sed \"s/option discovery '1'/option discovery '0'/\" '$UCI' >uci/chatbox; with_umdns; procd $LAN PATH=\$PWD/bin:\$PATH | grep -c -e ' -M\$' -e mdns" \
	"1\n" "" ""
testing "init: mdns 'umdns' hands the announcement to umdns even if not found" \
	"fresh; mkdir uci; sed \"s/option mdns 'auto'/option mdns 'umdns'/\" '$UCI' >uci/chatbox; procd $LAN | grep -e mdns -e ' -M\$' | sed 's/.* -M\$/-M/'" \
	"-M\n mdns irc tcp 6667 txtvers=1\n" "" ""
testing "init: enabled 0 starts nothing (triggers stay)" \
	"fresh; mkdir uci; sed \"s/option enabled '1'/option enabled '0'/\" '$UCI' >uci/chatbox; procd $LAN" \
	"reload trigger on config chatbox\nreload trigger on interface lan\n" "" ""
testing "init: the LAN has no address yet: no instance, a message, a trigger to retry" \
	"fresh; procd NET_DEV_lan=br-lan 2>err; grep -c 'no address yet' err" \
	"reload trigger on config chatbox\nreload trigger on interface lan\n1\n" "" ""
testing "init: user root runs without a user parameter" \
	"fresh; mkdir uci; sed \"s/option user 'chatbox'/option user 'root'/\" '$UCI' >uci/chatbox; procd $LAN | grep -c ' user '" \
	"0\n" "" ""
testing "init: a port below 1024: started as root, chat-server drops to the user (-u)" \
	"fresh; mkdir uci; sed \"s/option port '6667'/option port '23'/\" '$UCI' >uci/chatbox; procd $LAN | grep -e command -e ' user '" \
	" command /usr/bin/chat-server -f -S -p 23 -b 192.168.1.1 -b fd00::1 -r #lobby -D /etc/chatbox/main -u chatbox\n" "" ""
testing "init: each section is a server of its own (a guest network on 6668)" \
	"fresh; mkdir uci; cp '$UCI' uci/chatbox; printf \"config chatbox 'guest'\n option port '6668'\n option interface 'guest'\n option discovery '0'\n\" >>uci/chatbox; procd $LAN NET_V4_guest=192.168.2.1 NET_DEV_guest=br-guest | grep -e instance -e command -e netdev -e trigger" \
	"instance main\n command /usr/bin/chat-server -f -S -p 6667 -b 192.168.1.1 -b fd00::1 -r #lobby -D /etc/chatbox/main\n netdev br-lan\ninstance guest\n command /usr/bin/chat-server -f -S -p 6668 -b 192.168.2.1 -M\n netdev br-guest\nreload trigger on config chatbox\nreload trigger on interface lan\nreload trigger on interface guest\n" "" ""
# The real chat-server, started with what the init script or chatbox-run
# makes of the settings, on loopback.
free_port() {
	/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
wait_port() {
	for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 \
		26 27 28 29 30 31 32 33 34 35 36 37 38 39 40 41 42 43 44 45 46 47 48 49 50; do
		socat -u OPEN:/dev/null TCP:127.0.0.1:"$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
# hello PORT PID: join the server on PORT as "ana" (plain text), print what
# it says, then stop the server PID and show its log if it failed.
hello() {
	if wait_port "$1"; then
		printf 'ana\n' | timeout 5 socat -t 1 - TCP:127.0.0.1:"$1"
	fi
	kill "$2" 2>/dev/null
	wait "$2" || cat srv.log >&2
}
# serve FILE: run the command line in FILE (one argument a line) with this
# build's binary in place of /usr/bin/chat-server.
serve() {
	ln -sf "$HOST" chat-server
	(
		IFS=$(printf '\n.') IFS=${IFS%.}
		set -f
		# shellcheck disable=SC2046
		set -- $(cat "$1")
		shift
		exec ./chat-server "$@"
	) >srv.log 2>&1 &
}
P=$(free_port)
testing "init: the real chat-server accepts the command line and serves it" \
	"fresh; mkdir uci; printf \"config chatbox 'main'\n option port '$P'\n option interface 'lan'\n option name 'Kitchen chat'\n option room '#home'\n option history '5'\n option maxclients '10'\n option maxperaddr '3'\n option flood '5'\n option sendq '16'\n option timeout '100'\n option discovery '0'\n list listen '127.0.0.2'\n\" >uci/chatbox; PROCD_ARGS_FILE=\$PWD/args procd NET_V4_lan=127.0.0.1 NET_DEV_lan=lo >/dev/null && serve args && hello $P \$! | grep -c -e 'Kitchen chat' -e 'You are in #home'" \
	"2\n" "" ""
testing "init: list operator: one line each in a 0600 file, given to -O" \
	"fresh; mkdir uci; printf \"config chatbox 'main'\n option port '6667'\n list operator 'alice \\\$6\\\$s\\\$h1'\n list operator 'bob \\\$6\\\$t\\\$h2'\n\" >uci/chatbox; procd CHATBOX_RUNDIR=\$PWD/run | grep -c -- ' -O '\$PWD'/run/main.operators'; stat -c %a run/main.operators; cat run/main.operators" \
	"1\n600\nalice \$6\$s\$h1\nbob \$6\$t\$h2\n" "" ""
testing "init: no operator list, no -O and no file" \
	"fresh; procd $LAN CHATBOX_RUNDIR=\$PWD/run | grep -c -- ' -O '; ls run | wc -l" \
	"0\n0\n" "" ""
testing "init: procd init conventions (rc.common, USE_PROCD, START/STOP)" \
	"fresh; head -n 1 '$INIT'; grep -c -e '^USE_PROCD=1\$' -e '^START=[0-9][0-9]\$' -e '^STOP=[0-9][0-9]\$' '$INIT'; grep -c 'procd_set_param respawn' '$INIT'" \
	"#!/bin/sh /etc/rc.common\n3\n1\n" "" ""

# ---- OpenWrt: the feed package, in a stand-in for the SDK ----------------
# Just enough of rules.mk/package.mk to run Build/Prepare, Build/Configure,
# Build/Compile and Package/chatbox/install with the host's musl compiler,
# from a menu selection that drops chat-discover and sets the history.
FEED=$top/board/openwrt/chatbox
mksdk() {
	mkdir -p sdk/include
	cat >sdk/rules.mk <<'EOT'
INCLUDE_DIR := $(TOPDIR)/include
BUILD_DIR := $(TOPDIR)/build_dir
TARGET_CC := x86_64-linux-musl-gcc
TARGET_CROSS :=
TARGET_CFLAGS := -Os -pipe
TARGET_CPPFLAGS :=
TARGET_LDFLAGS :=
CP := cp -fpR
INSTALL_DIR := install -d -m0755
INSTALL_BIN := install -m0755
INSTALL_CONF := install -m0600
EOT
	cat >sdk/include/package.mk <<'EOT'
PKG_BUILD_DIR := $(BUILD_DIR)/$(PKG_NAME)-$(PKG_VERSION)
define BuildPackage
sdk-build:
	$$(Build/Prepare)
	$$(Build/Configure)
	$$(Build/Compile)
	$$(call Package/$(1)/install,$$(TOPDIR)/ipkg)
sdk-info:
	@echo $$(PKG_NAME) $$(PKG_VERSION)-$$(PKG_RELEASE)
	@echo $$(PKG_CONFIG_DEPENDS)
endef
EOT
	printf 'CONFIG_PACKAGE_chatbox=y\nCONFIG_CHATBOX_CONFIG_CHAT_CLIENT=y\n# CONFIG_CHATBOX_CONFIG_CHAT_DISCOVER is not set\nCONFIG_CHATBOX_CONFIG_SERVER_HISTORY_DEFAULT=42\n' >sdk/.config
}
(
	cd "$tmpd" && mkdir feed && cd feed && mksdk || exit 1
	make -s -C "$FEED" TOPDIR="$PWD/sdk" CHATBOX_PY=/usr/bin/python3 sdk-build >log 2>&1 || cat log >&2
)
FEEDOUT=$tmpd/feed/sdk
testing "feed: version, and the menu symbols it rebuilds on" \
	"fresh; mksdk; make -s -C '$FEED' TOPDIR=\$PWD/sdk sdk-info | sed 's/^chatbox $(cat VERSION)-1\$/chatbox VERSION/' | tr ' ' '\n' | sort" \
	"$( (echo chatbox; echo VERSION; sed -n 's/^config \(CHATBOX_CONFIG_[A-Z0-9_]*\).*/CONFIG_\1/p' "$FEED/Config.in") | sort)\n" "" ""
testing "feed: builds with TARGET_CC, installs the menu's applets, init and UCI config" \
	"fresh; cd '$FEEDOUT/ipkg' && find . ! -type d | sort && ./usr/bin/chatbox --list && readlink usr/bin/chat-server" \
	"./etc/config/chatbox\n./etc/init.d/chatbox\n./usr/bin/chat-client\n./usr/bin/chat-server\n./usr/bin/chatbox\nchat-client\nchat-server\nchatbox\n" "" ""
testing "feed: the menu's values reach the build configuration" \
	"fresh; grep -h -e SERVER_HISTORY_DEFAULT -e 'ENABLE_CHAT_DISCOVER ' '$FEEDOUT'/build_dir/chatbox-*/build/openwrt/gen/autoconf.h" \
	"#define ENABLE_CHAT_DISCOVER 0\n#define CONFIG_SERVER_HISTORY_DEFAULT 42\n" "" ""
# The menu is generated from Kconfig (make openwrt-config); a stale symbol
# would be a menu option that does nothing.
kconfig_syms=$(cat "$top/Kconfig" "$top/build/gen/Kconfig.gen" | sed -n 's/^[ \t]*\(menu\)\{0,1\}config[ \t]\{1,\}\([A-Z0-9_]*\).*/\2/p' | sort)
menu_syms=$(sed -n 's/^config CHATBOX_CONFIG_\([A-Z0-9_]*\).*/\1/p' "$FEED/Config.in" | sort)
testing "feed: every menu symbol is a Kconfig symbol" \
	"fresh; echo '$menu_syms' | grep -vxF '$kconfig_syms' | wc -l" "0\n" "" ""
# A Kconfig option missing from the menu cannot be set from OpenWrt: a
# stale board/openwrt/chatbox/Config.in is a defect, not a skip.
if [ "$menu_syms" = "$kconfig_syms" ]; then
	echo "PASS: feed: the menu has every Kconfig symbol"
else
	FAILCOUNT=$((FAILCOUNT + 1))
	echo "FAIL: feed: the menu has every Kconfig symbol: board/openwrt/chatbox/Config.in is stale, run make openwrt-config; missing:" \
		"$(echo "$kconfig_syms" | grep -vxF "$menu_syms" | tr '\n' ' ')"
fi

# ---- OpenWrt: .ipk ---------------------------------------------------------
# What OpenWrt calls each board's CPU (from the issue, not from board.mk).
ipk_arch() {
	case $1 in
	openwrt-ath79) echo mips_24kc ;;
	openwrt-ramips) echo mipsel_24kc ;;
	openwrt-ipq40xx) echo arm_cortex-a7_neon-vfpv4 ;;
	openwrt-filogic) echo aarch64_cortex-a53 ;;
	x86_64) echo x86_64 ;;
	esac
}
IPK_DATA="./\n./etc/\n./etc/config/\n./etc/config/chatbox\n./etc/init.d/\n./etc/init.d/chatbox\n./usr/\n./usr/bin/\n$(echo "$APPLETS" | sed 's|^|./usr/bin/|')\n./usr/bin/chatbox\n"
# package KIND BOARD: build BOARD's package with its one command ("make ipk
# BOARD=..."), check its name, and set $pkg to it; false if BOARD is not built.
package() {
	if [ ! -x "$top/build/$2/chatbox" ]; then
		skipping "$1 $2" "build/$2/chatbox not built"
		return 1
	fi
	pkg=$($MK "$1" BOARD="$2" | sed -n 's/^  \(IPK\|DEB\)  *//p')
	testing "$1 $2: one command builds it, named for $arch, alone in its folder" \
		"fresh; echo '$pkg'; ls '$top/build/$2/pkg/' | grep -c '\.$1\$'" "build/$2/pkg/chatbox_$VERSION$3_$arch.$1\n1\n" "" ""
}
for b in x86_64 openwrt-ath79 openwrt-ramips openwrt-ipq40xx openwrt-filogic; do
	arch=$(ipk_arch $b)
	package ipk $b -r1 || continue
	ipk=$pkg
	testing "ipk $b: ar of debian-binary 2.0, control.tar.gz, data.tar.gz" \
		"fresh; ar t '$top/$ipk' && ar p '$top/$ipk' debian-binary" \
		"debian-binary\ncontrol.tar.gz\ndata.tar.gz\n2.0\n" "" ""
	testing "ipk $b: control fields" \
		"fresh; ar p '$top/$ipk' control.tar.gz | tar xzOf - ./control | sed -n 's/^\(Package\|Version\|Architecture\|Require-User\|Section\): //p; s/^Installed-Size: [1-9][0-9]*\$/size ok/p'" \
		"chatbox\n$VERSION-r1\nnet\n$arch\nsize ok\nchatbox:chatbox\n" "" ""
	testing "ipk $b: control archive: conffiles and opkg's scripts" \
		"fresh; ar p '$top/$ipk' control.tar.gz | tar tzvf - | awk '{print \$1, \$2, \$6}'; ar p '$top/$ipk' control.tar.gz | tar xzOf - ./conffiles" \
		"drwxr-xr-x 0/0 ./\n-rw-r--r-- 0/0 ./conffiles\n-rw-r--r-- 0/0 ./control\n-rwxr-xr-x 0/0 ./postinst\n-rwxr-xr-x 0/0 ./prerm\n/etc/config/chatbox\n" "" ""
	testing "ipk $b: data: binary, applet links, init script, UCI config" \
		"fresh; ar p '$top/$ipk' data.tar.gz | tar tzf -" "$IPK_DATA" "" ""
	testing "ipk $b: the binary is the board's, links point to it, init is executable" \
		"fresh; ar p '$top/$ipk' data.tar.gz | tar xzf - && cmp usr/bin/chatbox '$top/build/$b/chatbox' && readlink usr/bin/chat-server && test -x etc/init.d/chatbox && echo ok" \
		"chatbox\nok\n" "" ""
done

# ---- Raspberry Pi OS: chatbox-run, the unit, the .deb ----------------------
RUN=$top/board/rpi/chatbox-run
printf '#!/bin/sh\nprintf "%%s\\n" "$@"\n' >"$tmpd/args"
chmod +x "$tmpd/args"
testing "chatbox-run: the shipped /etc/default/chatbox gives -f -p 6667" \
	"fresh; (set -a; . '$top/board/rpi/chatbox.default'; CHAT_SERVER='$tmpd/args' '$RUN')" \
	"-f\n-p\n6667\n" "" ""
testing "chatbox-run: each setting its flag, a name with spaces one argument" \
	"fresh; env PORT=23 LISTEN='192.168.1.2 ::1' NAME='Pi chat' ROOM='#home' HISTORY=9 MAXCLIENTS=99 MAXPERADDR=3 FLOOD=0 SENDQ=16 TIMEOUT=90 PASSWORD=sesame DISCOVERY=no OPTIONS='-S' CHAT_SERVER='$tmpd/args' '$RUN'" \
	"-f\n-p\n23\n-b\n192.168.1.2\n-b\n::1\n-n\nPi chat\n-r\n#home\n-H\n9\n-c\n99\n-C\n3\n-R\n0\n-Q\n16\n-T\n90\n-P\nsesame\n-M\n-S\n" "" ""
testing "chatbox-run: OPERATORS, comma-separated, become a 0600 file for -O" \
	"fresh; env OPERATORS='alice \$6\$s\$h1,bob \$6\$t\$h2' TMPDIR=\$PWD CHAT_SERVER='$tmpd/args' '$RUN' >out; sed -n 2p out; f=\$(sed -n 3p out); stat -c %a \$f; cat \$f" \
	"-O\n600\nalice \$6\$s\$h1\nbob \$6\$t\$h2\n" "" ""
testing "chatbox-run: DISCOVERY=yes or unset leaves the announcement on" \
	"fresh; env -i DISCOVERY=yes CHAT_SERVER='$tmpd/args' '$RUN'; env -i CHAT_SERVER='$tmpd/args' '$RUN'" \
	"-f\n-f\n" "" ""
UNIT=$top/board/rpi/chatbox.service
testing "unit: network-online, restart on failure, a dynamic user" \
	"fresh; grep -x -e 'After=network-online.target' -e 'Wants=network-online.target' -e 'Restart=on-failure' -e 'DynamicUser=yes' -e 'EnvironmentFile=-/etc/default/chatbox' '$UNIT'" \
	"After=network-online.target\nWants=network-online.target\nEnvironmentFile=-/etc/default/chatbox\nRestart=on-failure\nDynamicUser=yes\n" "" ""
testing "unit: hardening keeps multicast: netlink and unix sockets, no PrivateNetwork" \
	"fresh; grep -x 'RestrictAddressFamilies=AF_INET AF_INET6 AF_NETLINK AF_UNIX' '$UNIT'; grep -v '^#' '$UNIT' | grep -c -e PrivateNetwork -e IPAddressDeny -e SystemCallArchitectures=native" \
	"RestrictAddressFamilies=AF_INET AF_INET6 AF_NETLINK AF_UNIX\n0\n" "" ""
if systemd-analyze security --help 2>/dev/null | grep -q -- --offline; then
	testing "unit: systemd-analyze security rates its exposure 2.5 or lower (OK)" \
		"fresh; systemd-analyze security --offline=true --threshold=25 '$UNIT' >out 2>&1; echo rc=\$?; grep -c 'exposure level for chatbox.service: [0-2]\.[0-9] OK' out" \
		"rc=0\n1\n" "" ""
else
	skipping "unit: systemd-analyze security" "no systemd-analyze with --offline (systemd 250+)"
fi

deb_arch() {
	case $1 in
	rpi-aarch64) echo arm64 ;;
	rpi-armv7|rpi-armv6) echo armhf ;;
	x86_64) echo amd64 ;;
	esac
}
DEB_FILES="./\n./etc/\n./etc/default/\n./etc/default/chatbox\n./lib/\n./lib/systemd/\n./lib/systemd/system/\n./lib/systemd/system/chatbox.service\n./usr/\n./usr/bin/\n./usr/bin/chatbox\n./usr/libexec/\n./usr/libexec/chatbox/\n./usr/libexec/chatbox/chatbox-run\n./usr/share/\n./usr/share/doc/\n./usr/share/doc/chatbox/\n./usr/share/doc/chatbox/README.md\n$(echo "$APPLETS" | sed 's|^|./usr/bin/|')\n"
for b in x86_64 rpi-aarch64 rpi-armv7 rpi-armv6; do
	arch=$(deb_arch $b)
	package deb $b "" || continue
	deb=$pkg
	testing "deb $b: control fields" \
		"fresh; dpkg-deb -f '$top/$deb' Package Architecture Section Priority | sed 's/^[A-Za-z]*: //'; dpkg-deb -f '$top/$deb' Version" \
		"chatbox\n$arch\nnet\noptional\n$VERSION\n" "" ""
	testing "deb $b: files: binary, links, unit, defaults, wrapper, README" \
		"fresh; dpkg-deb -c '$top/$deb' | awk '{print \$6}'" "$DEB_FILES" "" ""
	testing "deb $b: conffiles and maintainer scripts" \
		"fresh; dpkg-deb --ctrl-tarfile '$top/$deb' | tar tf - | sort; dpkg-deb -I '$top/$deb' conffiles" \
		"./\n./conffiles\n./control\n./postinst\n./postrm\n./prerm\n/etc/default/chatbox\n" "" ""
done

# The amd64 package installed here for real, then removed and purged. The
# machine's dpkg state is restored whatever happens.
DEB=$top/$($MK deb BOARD=x86_64 | sed -n 's/^  DEB *//p')
installed=0
cleanup() {
	[ "$installed" = 1 ] && dpkg -P chatbox >/dev/null 2>&1
	rm -rf "$tmpd"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
# dpkg RUNS...: dpkg, waiting while another apt or dpkg holds its lock.
dpkg_wait() {
	for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30; do
		dpkg "$@" >"$tmpd/dpkg.out" 2>&1 && return 0
		grep -qi 'lock' "$tmpd/dpkg.out" || { cat "$tmpd/dpkg.out" >&2; return 1; }
		sleep 2
	done
	return 1
}
if [ "$(id -u)" != 0 ]; then
	skipping "deb: dpkg -i, -r, -P on this machine" "needs root"
elif dpkg-query -W chatbox >/dev/null 2>&1 || [ -e /usr/bin/chatbox ]; then
	skipping "deb: dpkg -i, -r, -P on this machine" "a chatbox is already installed here; not touching it"
else
	installed=1
	testing "deb: dpkg -i installs it" \
		"fresh; dpkg_wait -i '$DEB' && dpkg-query -W -f='\${Status}\n' chatbox" "install ok installed\n" "" ""
	testing "deb: binary, links and service files in place" \
		"fresh; ls /usr/bin/chatbox /lib/systemd/system/chatbox.service /etc/default/chatbox /usr/libexec/chatbox/chatbox-run && for a in $(echo "$APPLETS" | tr '\n' ' '); do readlink /usr/bin/\$a; done | sort -u" \
		"/etc/default/chatbox\n/lib/systemd/system/chatbox.service\n/usr/bin/chatbox\n/usr/libexec/chatbox/chatbox-run\nchatbox\n" "" ""
	testing "deb: chat-server --help runs from /usr/bin" \
		"fresh; PATH=/usr/bin:/bin chat-server --help | head -n 1 | cut -c1-19" "Usage: chat-server \n" "" ""
	testing "deb: postinst enabled the service" \
		"fresh; readlink /etc/systemd/system/multi-user.target.wants/chatbox.service" \
		"/lib/systemd/system/chatbox.service\n" "" ""
	if command -v systemd-analyze >/dev/null 2>&1; then
		testing "deb: systemd-analyze verify accepts the unit" \
			"fresh; systemd-analyze verify /lib/systemd/system/chatbox.service 2>&1; echo rc=\$?" "rc=0\n" "" ""
	else
		skipping "deb: systemd-analyze verify" "systemd-analyze is not installed"
	fi
	testing "deb: the installed wrapper with the installed defaults" \
		"fresh; (set -a; . /etc/default/chatbox; CHAT_SERVER='$tmpd/args' /usr/libexec/chatbox/chatbox-run)" \
		"-f\n-p\n6667\n" "" ""
	P=$(free_port)
	testing "deb: chatbox-run starts the installed chat-server with /etc/default/chatbox" \
		"fresh; (set -a; . /etc/default/chatbox; PORT=$P LISTEN=127.0.0.1 NAME='Pi chat' ROOM='#pi' DISCOVERY=no; exec /usr/libexec/chatbox/chatbox-run) >srv.log 2>&1 & hello $P \$! | grep -c -e 'Pi chat' -e 'You are in #pi'" \
		"2\n" "" ""
	testing "deb: dpkg -r removes the files, keeps the edited defaults" \
		"fresh; echo '# mine' >>/etc/default/chatbox; dpkg_wait -r chatbox; ls /usr/bin/chatbox /usr/bin/chat-server /lib/systemd/system/chatbox.service /usr/libexec/chatbox 2>&1 | grep -c 'No such file'; tail -n 1 /etc/default/chatbox; dpkg-query -W -f='\${Status}\n' chatbox" \
		"4\n# mine\ndeinstall ok config-files\n" "" ""
	testing "deb: dpkg -P leaves nothing behind" \
		"fresh; dpkg_wait -P chatbox; dpkg-query -W chatbox 2>&1 | grep -c 'no packages found'; ls -d /etc/default/chatbox /etc/systemd/system/chatbox.service /var/lib/systemd/deb-systemd-helper-masked/chatbox.service /etc/systemd/system/multi-user.target.wants/chatbox.service /usr/libexec/chatbox /usr/share/doc/chatbox /var/lib/dpkg/info/chatbox.* /var/lib/systemd/deb-systemd-helper-enabled/chatbox.service.dsh-also /var/lib/systemd/deb-systemd-helper-enabled/multi-user.target.wants/chatbox.service 2>/dev/null | wc -l" \
		"1\n0\n" "" ""
	installed=0
fi

# ---- every shell script of deploy passes shellcheck ------------------------
if command -v shellcheck >/dev/null 2>&1; then
	for f in scripts/applets.sh scripts/install.sh scripts/mkpkg.sh \
		scripts/openwrt-config.sh board/openwrt/chatbox/files/chatbox.init \
		board/openwrt/ipk/postinst board/openwrt/ipk/prerm board/rpi/chatbox-run \
		board/rpi/debian/postinst board/rpi/debian/prerm board/rpi/debian/postrm \
		tests/lib/openwrt-shim.sh tests/t-deploy.sh; do
		testing "shellcheck $f" "cd '$top' && shellcheck -x '$f' && echo clean" "clean\n" "" ""
	done
else
	skipping "shellcheck" "shellcheck is not installed"
fi
exit $((FAILCOUNT > 0))
