#!/bin/sh
# shellcheck disable=SC2317 # functions are called from the command strings testing() evals
# t-configs.sh - host-only: every configuration builds with -Werror, and
# host-only
# what Kconfig leaves out is not in the binary.
# Builds allnoconfig, allyesconfig, each applet alone and a few randconfigs
# for the host board into build/cfg/.
. tests/lib/testing.sh
top=$(pwd)
cfg=$top/build/cfg
mkdir -p "$cfg"
PY=/usr/bin/python3
srcs=$(ls applets/*.c applets/*/*.c 2>/dev/null)
# shellcheck disable=SC2086 # one word per source
applets=$(sed -n 's@^//applet:APPLET("\([^"]*\)", *\([a-z_]*\), *\([A-Z_]*\)).*@\1:\2:\3@p' $srcs)
# applet_objs NAME BUILD: the objects of applet NAME in BUILD: its file's, or
# every object of its folder when it is a multi-file applet (applets/server/).
applet_objs()
{
	# shellcheck disable=SC2086
	src=$(grep -l "^//applet:APPLET(\"$1\"" $srcs)
	case $src in
	applets/*/*) for c in "$(dirname "$src")"/*.c; do o=${c%.c}.o; echo "$2/obj/$o"; done ;;
	*) echo "$2/obj/${src%.c}.o" ;;
	esac
}

# build NAME KCONFIG-COMMAND [FRAGMENT-LINES]: configure and build build/cfg/NAME.
build()
{
	name=$1 cmd=$2 frag=${3:-}
	printf '%b' "$frag" >"$cfg/$name.frag"
	(cd "$top" && KCONFIG_ALLCONFIG=$cfg/$name.frag KCONFIG_CONFIG=$cfg/$name.config \
		$PY -m "$cmd" Kconfig >/dev/null 2>&1 &&
	make -s --no-print-directory BOARD=x86_64 CONFIG="$cfg/$name.config" O="$cfg/$name" all \
		>"$cfg/$name.log" 2>&1)
}

# The global symbols an object file defines.
defined() { nm --defined-only -g "$1" 2>/dev/null | awk '{print $3}'; }

make -s --no-print-directory BOARD=x86_64 gen-only >/dev/null 2>&1
testing "allnoconfig builds, and says no applet is enabled" \
	"build allno allnoconfig && '$cfg/allno/chatbox' | grep -c 'none: enable some'" "1\n" "" ""
testing "allyesconfig builds and lists every applet" \
	"build allyes allyesconfig && '$cfg/allyes/chatbox' --list | wc -l" \
	"$(echo "$applets" | wc -l)\n" "" ""

for a in $applets; do
	name=${a%%:*} sym=${a##*:}
	testing "$name alone builds and runs under any name (no multiplexer)" \
		"build only-$name allnoconfig 'CONFIG_$sym=y\n' && cp '$cfg/only-$name/chatbox' anyname && ./anyname --help | head -n 1 | cut -d' ' -f2" \
		"$name\n" "" ""
	# Every other applet's functions must be gone from this binary.
	others=""
	for b in $applets; do
		[ "$b" = "$a" ] && continue
		others="$others $(applet_objs "${b%%:*}" "$cfg/only-$name" | tr "\n" " ")"
	done
	# (their objects are compiled - and so type-checked - but not linked in)
	testing "$name alone contains no code of the other applets" \
		"for o in $others; do defined \$o; done | sort -u >theirs; nm '$cfg/only-$name/chatbox_unstripped' | awk '{print \$NF}' | sort -u >mine; grep -c _main theirs; comm -12 theirs mine" \
		"$(($(echo "$applets" | wc -l) - 1))\n" "" ""
done

# The issue's case: a server-only router build holds no client or discovery
# code at all, core libraries included (all are compiled, so none can hide).
# (utf8 is not here: the text-safety policy every applet uses decodes UTF-8.)
# (screen.c is the client's own now: applets/client/, with its other objects)
client_core="term lineedit"
discovery_core="dns mdns mdns_browse mdns_net discover"
objs=""
for o in $client_core $discovery_core; do
	[ -f "core/$o.c" ] && objs="$objs $cfg/only-chat-server/obj/core/$o.o"
done
testing "chat-server alone contains no client or discovery core code" \
	"for o in $objs; do test -f \$o || echo missing \$o; defined \$o; done | sort -u >theirs; grep -c . theirs >/dev/null && echo compiled; nm '$cfg/only-chat-server/chatbox_unstripped' | awk '{print \$NF}' | sort -u >mine; comm -12 theirs mine" \
	"compiled\n" "" ""

# chat-client for cron jobs: without CLIENT_TTY and CLIENT_DISCOVERY none of
# the terminal interface (applets/client/tty.c, screen.c; core term,
# lineedit) nor of the server pick and mDNS is linked in. (core/dns.c's
# reader is: the resolver, core/resolve.c, reads unicast DNS answers with it.)
tty_objs=""
for o in applets/client/tty applets/client/screen applets/client/pick core/term core/lineedit \
	core/mdns core/mdns_browse core/mdns_net core/discover; do
	[ -f "$o.c" ] && tty_objs="$tty_objs $cfg/client-script/obj/$o.o"
done
testing "chat-client without CLIENT_TTY and CLIENT_DISCOVERY holds none of their code" \
	"build client-script allnoconfig 'CONFIG_CHAT_CLIENT=y\n' && for o in $tty_objs; do test -f \$o || echo missing \$o; defined \$o; done | sort -u >theirs; grep -c . theirs >/dev/null && echo compiled; nm '$cfg/client-script/chatbox_unstripped' | awk '{print \$NF}' | sort -u >mine; comm -12 theirs mine" \
	"compiled\n" "" ""

for seed in 1 2 3; do
	testing "randconfig (seed $seed) builds" \
		"(cd '$top' && $PY scripts/kconfig.py randconfig '$cfg/rand$seed.config' $seed && make -s --no-print-directory BOARD=x86_64 CONFIG='$cfg/rand$seed.config' O='$cfg/rand$seed' all >'$cfg/rand$seed.log' 2>&1) && echo ok || cat '$cfg/rand$seed.log'" \
		"ok\n" "" ""
done
exit $((FAILCOUNT > 0))
