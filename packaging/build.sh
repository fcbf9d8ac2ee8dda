#!/usr/bin/env bash
# Builds the one-folder bundle with PyInstaller, then proves it works: the bundled `bureau`
# creates a store, fills demo data and passes its integrity check.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
version=$($PY -c 'import tomllib;print(tomllib.load(open("pyproject.toml","rb"))["project"]["version"])')
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
echo "Bundle OK: $bundle ($(du -sh "$bundle" | cut -f1))"
