#!/usr/bin/env bash
# Installs the Debian packages Connect-Right needs to build, run and test.
# Idempotent: packages already present are skipped, so a second run costs a few seconds.
# Usage: scripts/install-deps.sh [run|test]
set -euo pipefail

mode="${1:-run}"

runtime_pkgs=(
  pkg-config libglib2.0-dev libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev
  libgstreamer-plugins-bad1.0-dev gstreamer1.0-tools gstreamer1.0-plugins-base
  gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly
  gstreamer1.0-libav gstreamer1.0-nice gstreamer1.0-x libpq-dev libsqlite3-dev
)
test_pkgs=(chromium ffmpeg postgresql nginx libnginx-mod-rtmp iproute2)

pkgs=("${runtime_pkgs[@]}")
if [ "$mode" = "test" ]; then
  pkgs+=("${test_pkgs[@]}")
fi

missing=()
for p in "${pkgs[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get update -qq
  $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
