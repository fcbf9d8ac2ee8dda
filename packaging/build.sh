#!/usr/bin/env bash
# Builds the one-folder bundle with PyInstaller and proves it works (the bundled `bureau` creates a
# store, fills demo data, passes its integrity check, renders a PDF and a workbook; the window
# starts), checks it is lean (no Qt Quick / Qml / virtual keyboard, size below the limit) and
# complete (licenses/ has every bundled distribution), then compiles the NSIS installer over it
# and checks that is a valid Windows program — installed and uninstalled silently under wine when
# wine64 is there.
#
# This machine builds a Linux bundle: the installer made here wraps it only to prove the script
# compiles. The installer for clerks is built on Windows by .github/workflows/windows.yml.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
# The target is 150 MB for the clerks' (Windows) bundle, checked by .github/workflows/windows.yml.
# A Linux bundle also carries Qt's ICU (38 MB) and the system's libraries, so here the limit is a
# guard against growth at about today's size (198 MB), not the target.
case "$(uname -s)" in MINGW*|MSYS*|CYGWIN*) MAX_MB=${MAX_MB:-150} ;; *) MAX_MB=${MAX_MB:-210} ;; esac
version=$($PY packaging/versioninfo.py --version)
version4=$($PY packaging/versioninfo.py --numeric)

# translations: built before PyInstaller (the script form: `-m packaging` would load pip's own package)
$PY packaging/translations.py check
$PY packaging/translations.py build

$PY -m PyInstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller \
  packaging/bureau.spec
bundle="dist/kechuang-taizhang-$version"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export BUREAU_CONFIG_DIR="$tmp/config" BUREAU_LOG_DIR="$tmp/logs" BUREAU_OPERATOR=packaging
"$bundle/bureau" --db "$tmp/store.sqlite" init
"$bundle/bureau" --db "$tmp/store.sqlite" towns add 十九里镇
"$bundle/bureau" --db "$tmp/store.sqlite" check
"$bundle/bureau" --db "$tmp/store.sqlite" stats --json >/dev/null
# The PostgreSQL driver is inside: an unreachable server is a connection message, not a missing driver.
pg_out=$("$bundle/bureau" --db "postgresql+psycopg://desk@/kc?host=$tmp/no-server" check 2>&1) && exit 1
case "$pg_out" in
  *驱动*) echo "the bundle has no PostgreSQL driver: $pg_out" >&2; exit 1 ;;
  *无法连接服务器*) ;;
  *) echo "unexpected answer for a server store: $pg_out" >&2; exit 1 ;;
esac
# Returns print with the subset fonts and without Pillow: a PDF (fonts embedded) and a workbook.
"$bundle/bureau" --db "$tmp/demo.sqlite" init --demo >/dev/null
"$bundle/bureau" --db "$tmp/demo.sqlite" returns render high-tech-roster --period 2025 --out "$tmp/r.pdf"
"$bundle/bureau" --db "$tmp/demo.sqlite" returns render double-breakthrough --period 2025 \
  --out "$tmp/r.xlsx"
head -c 5 "$tmp/r.pdf" | grep -q '%PDF-' && grep -aq '/FontFile2' "$tmp/r.pdf" \
  && grep -aq 'UMingCN' "$tmp/r.pdf" || { echo "the bundle's PDF has no embedded UMing" >&2; exit 1; }
# The window starts (offscreen) and fills its first screen from the store; with the startup probe
# (tests/benchmarks/bench_startup.py) it then closes by itself.
set +e
BUREAU_DB="$tmp/demo.sqlite" BUREAU_STARTUP_PROBE=1 QT_QPA_PLATFORM=offscreen \
  timeout 120 "$bundle/kechuang" >"$tmp/gui.log" 2>&1
gui_rc=$?
set -e
if [ "$gui_rc" -ne 0 ] || ! grep -q '^filled-at' "$tmp/gui.log"; then
  echo "the bundled window did not start and fill its screen (exit $gui_rc):" >&2
  cat "$tmp/gui.log" >&2; exit 1
fi
$PY packaging/check_bundle.py fonts "$bundle"
$PY packaging/check_bundle.py qt "$bundle"
$PY packaging/notices.py check "$bundle"
# The window's Chinese: the app's catalogue and Qt's own are inside.
for qm in bureau_zh_CN.qm qtbase_zh_CN.qm; do
  find "$bundle" -name "$qm" | grep -q . || { echo "the bundle has no $qm" >&2; exit 1; }
done
echo "Bundle OK: $bundle"
$PY packaging/check_bundle.py size "$bundle" --max-mb "$MAX_MB"

# The installer. Here: Debian's makensis over the Linux bundle (programs without .exe).
installer="dist/kechuang-taizhang-$version-setup.exe"
command -v makensis >/dev/null || { echo "makensis is missing: apt-get install nsis" >&2; exit 1; }
exe_suffix=".exe"
case "$(uname -s)" in MINGW*|MSYS*|CYGWIN*) ;; *) exe_suffix="" ;; esac
makensis -NOCD -INPUTCHARSET UTF8 -V2 -DVERSION="$version" -DVERSION4="$version4" -DBUNDLE="$bundle" \
  -DICON=build/packaging/app.ico -DEXE="$exe_suffix" -DTARGET=amd64-unicode -DOUTFILE="$installer" \
  packaging/installer.nsi
$PY packaging/check_bundle.py pe "$installer"
if command -v file >/dev/null; then
  file "$installer" | grep -q 'PE32+ executable (GUI) x86-64' || { file "$installer" >&2; exit 1; }
fi
$PY packaging/check_bundle.py wine "$installer"
if [ -z "$exe_suffix" ]; then
  echo "Installer OK: $installer ($(du -h "$installer" | cut -f1)) — it wraps this Linux bundle only to" \
    "prove the script compiles; the clerks' installer is built on Windows (.github/workflows/windows.yml)"
else
  echo "Installer OK: $installer ($(du -h "$installer" | cut -f1))"
fi
