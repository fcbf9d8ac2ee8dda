#!/usr/bin/env bash
# Installs the system packages the app and its tests need when they are missing and we are root:
# Qt's libraries (offscreen and xcb), Xvfb and poppler for screenshots, a CJK font, and PostgreSQL
# (server for the test run's own throw-away cluster, client tools for pg_dump / pg_restore).
# NSIS: makensis compiles the installer (a test compiles the script). With --package (make
# package): also wine64, under which the installer is installed and uninstalled silently.
set -euo pipefail
pkgs=(libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libfreetype6 libdbus-1-3
      libglib2.0-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0
      libxcb-randr0 libxcb-render-util0 libxcb-image0 libnss3 libxcomposite1 libxdamage1 libxrandr2
      libxtst6 libxkbfile1 libasound2 xvfb poppler-utils fonts-wqy-microhei
      postgresql postgresql-client nsis)
if [ "${1:-}" = "--package" ]; then pkgs+=(wine64); fi
command -v dpkg-query >/dev/null || exit 0
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "需要的系统软件包缺失：${missing[*]}（请以 root 运行 apt-get install）" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
