#!/bin/sh
# Install the Debian 12 packages chatbox needs to build and test.
# Usage: scripts/deps.sh [-n] PACKAGE...   (PACKAGE may carry an :arch suffix)
# As root it installs what is missing; as anyone else it prints the command.
# -n: only print the packages asked for, one a line, each once (what
# "make run" or "make check" would install on a fresh machine).
set -u
if [ "${1:-}" = -n ]; then
	shift
	printf '%s\n' "$@" | awk 'NF && !seen[$0]++'
	exit 0
fi
missing=""
arches=""
for p in "$@"; do
	if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed'; then
		missing="$missing $p"
		case $p in *:*) arches="$arches ${p#*:}" ;; esac
	fi
done
[ -z "$missing" ] && exit 0

native=$(dpkg --print-architecture)
add_arch=""
# shellcheck disable=SC2086 # one word per architecture
for a in $(printf '%s\n' $arches | sort -u); do
	[ "$a" = "$native" ] && continue
	dpkg --print-foreign-architectures | grep -qx "$a" || add_arch="$add_arch $a"
done

if [ "$(id -u)" != 0 ]; then
	echo "chatbox: missing Debian packages:$missing" >&2
	echo "Run as root, then retry:" >&2
	for a in $add_arch; do printf '  dpkg --add-architecture %s &&\n' "$a" >&2; done
	echo "  apt-get update && apt-get install -y --no-install-recommends$missing" >&2
	exit 1
fi

echo "deps: installing$missing"
for a in $add_arch; do dpkg --add-architecture "$a" || exit 1; done
export DEBIAN_FRONTEND=noninteractive
# A mirror that is mid-sync fails some index files; apt keeps the rest, and the
# install below is what decides success. Retry the pair a few times.
for try in 1 2 3; do
	apt-get update -q >/dev/null 2>&1 || echo "deps: apt-get update reported errors (try $try)" >&2
	# shellcheck disable=SC2086
	if apt-get install -y -q --no-install-recommends $missing >/dev/null; then
		# Debian starts some daemons on install; tests start their own.
		for s in ngircd avahi-daemon; do
			command -v service >/dev/null 2>&1 && service "$s" stop >/dev/null 2>&1
		done
		exit 0
	fi
	sleep "$try"
done
echo "deps: apt-get install$missing failed" >&2
exit 1
