#!/bin/sh
# Build a static musl for a target Debian has no (suitable) musl for, from
# Debian's own musl source package. Usage: musl-src.sh TRIPLET "CFLAGS" PREFIX
# The deb-src entry is derived from this machine's apt sources into a private
# apt configuration under build/: the system's sources are not touched.
set -eu
triplet=$1 cflags=$2 prefix=$3
top=$(pwd)
work=$top/build/musl-src
apt=$work/apt
mkdir -p "$apt/lists/partial" "$apt/sources.list.d" "$apt/cache/archives/partial"

if ! ls "$work"/musl_*.dsc >/dev/null 2>&1; then
	: >"$apt/sources.list.d/src.list"
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] && sed -n 's/^deb \(.*debian.*\)$/deb-src \1/p' "$f" >>"$apt/sources.list.d/src.list"
	done
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		# deb822: turn each "Types: deb" stanza into a deb-src one.
		sed 's/^Types:.*/Types: deb-src/' "$f" >"$apt/sources.list.d/$(basename "$f")"
	done
	cat >"$apt/apt.conf" <<EOC
Dir::Etc::SourceList "/dev/null";
Dir::Etc::SourceParts "$apt/sources.list.d";
Dir::State::Lists "$apt/lists";
Dir::Cache "$apt/cache";
APT::Sandbox::User "root";
EOC
	APT_CONFIG=$apt/apt.conf apt-get update -q >/dev/null 2>&1 || true
	(cd "$work" && APT_CONFIG=$apt/apt.conf apt-get source -q --download-only musl >/dev/null)
fi

src=$work/src-$triplet
rm -rf "$src"
mkdir -p "$src"
(cd "$src" && dpkg-source --no-check -x "$work"/musl_*.dsc tree >/dev/null)
cd "$src/tree"
./configure --target="$triplet" CROSS_COMPILE="$triplet-" CC="$triplet-gcc" \
	CFLAGS="-Os $cflags" --prefix="$prefix" --disable-shared \
	--enable-wrapper=gcc >/dev/null
make -j"$(nproc)" >/dev/null 2>&1
make install >/dev/null
# The wrapper calls plain "gcc": point it at the cross compiler.
sed -i "s|exec \"\${REALGCC:-gcc}\"|exec \"\${REALGCC:-$triplet-gcc}\"|" "$prefix/bin/musl-gcc"
rm -rf "$src"
echo "musl for $triplet ($cflags) in $prefix"
