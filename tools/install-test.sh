#!/usr/bin/env bash
# Installs the Debian package into a clean Debian 12 root made with debootstrap (no container,
# no chroot tooling beyond chroot(8)) and runs both programs there, away from this checkout and
# ../shared: the package must bring or depend on everything they need.
#
#   sudo tools/install-test.sh [BUILD_DIR] [ROOT_DIR]
#
# Needs root and the Debian mirror (debootstrap and apt-get inside the root fetch packages).
# BUILD_DIR (default build) must hold a full release build; ROOT_DIR (default
# /var/tmp/diffclip-cleanroot) is made on the first run (~2 minutes) and reused, each run
# removing the previous installation first. Not part of the CTest suite because of the network.
set -euo pipefail
cd "$(dirname "$0")/.."
build=$(realpath "${1:-build}")
root=${2:-/var/tmp/diffclip-cleanroot}

[ "$(id -u)" = 0 ] || { echo "install-test: run as root (chroot and apt-get)" >&2; exit 2; }
command -v debootstrap >/dev/null || apt-get install -y debootstrap
if [ ! -x "$root/usr/bin/apt-get" ]; then
  echo "== making a minimal Debian 12 root in $root"
  debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian
fi

work=$(mktemp -d)
trap 'umount "$root/proc" 2>/dev/null || true; rm -rf "$work"' EXIT
echo "== building the package"
cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work" >/dev/null
deb=$(ls "$work"/*.deb)
cp "$deb" "$root/tmp/diffclip-studio.deb"
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
mount -t proc proc "$root/proc"

in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }

echo "== installing $(basename "$deb") with apt-get (dependencies from the mirror)"
in_root dpkg --purge diffclip-studio >/dev/null 2>&1 || true
in_root apt-get update -qq
in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq /tmp/diffclip-studio.deb >/dev/null

echo "== the command line"
in_root diffclip --version
in_root sh -c 'test -s /usr/share/man/man1/diffclip.1.gz && test -s /usr/share/man/man1/diffclip-studio.1.gz'
in_root sh -c 'test -s /usr/share/applications/io.github.diffclipstudio.DiffClipStudio.desktop'
# Real work without this checkout: demo photos, a starter architecture (untrained weights are
# enough to exercise decoding, the model, SQLite and search), a library, a search.
in_root rm -rf /tmp/it && in_root mkdir -p /tmp/it
in_root diffclip demo generate --out /tmp/it/demo --per-class 4 >/dev/null
in_root diffclip index --library /tmp/it/lib.dclib --model preset:diffclip-mini /tmp/it/demo/photos --json >/tmp/install-test-index.json
in_root sh -c 'diffclip search --library /tmp/it/lib.dclib --top 3 --json --image "$(find /tmp/it/demo/photos -name "*.jpg" | sort | head -1)"' >/tmp/install-test-search.json
grep -q '"hits"' /tmp/install-test-search.json

echo "== the application (offscreen), every page rendered"
in_root env QT_QPA_PLATFORM=offscreen XDG_DATA_HOME=/tmp/it/data XDG_CONFIG_HOME=/tmp/it/config \
  diffclip-studio --library /tmp/it/lib.dclib --screenshot /tmp/it/shots >/dev/null
shots=$(ls "$root/tmp/it/shots" | wc -l)
[ "$shots" -ge 5 ] || { echo "install-test: only $shots screenshots" >&2; exit 1; }
echo "install-test: passed ($(basename "$deb"), $shots pages rendered in $root/tmp/it/shots)"
