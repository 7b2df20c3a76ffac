#!/usr/bin/env bash
# Installs every build, run and test dependency of DiffCLIP Studio from Debian 12 packages.
# Idempotent: packages already present are left as they are. Needs root (or sudo).
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config git clang libclang-rt-14-dev python3 unzip
  # model core; header-only: CLI11 (command-line arguments), nlohmann-json (JSON); OpenSSL's SHA-256
  libtorch-dev libopenblas0-pthread zlib1g-dev libcli11-dev nlohmann-json3-dev libssl-dev
  # imaging, library, search
  libopencv-dev libjpeg-dev libsqlite3-dev sqlite3
  # desktop application
  qt6-base-dev qt6-base-dev-tools qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
  qt6-translations-l10n qt6-svg-dev libgl-dev libxkbcommon-dev
  libqcustomplot-dev libqcustomplot2.1-qt6 libqt6svg6
  # tests and screenshots: headless X server, CJK font
  xvfb xauth fonts-noto-cjk desktop-file-utils appstream
  # the PoC report test reads its PDF back (pdftotext)
  poppler-utils
  # packaging: dpkg-shlibdeps for the .deb's Depends, groff for the man page check
  dpkg-dev groff-base
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
