"""Checks of a built bundle and its installer, run by packaging/build.sh.

    python packaging/check_bundle.py size BUNDLE [--max-mb 150]   # print the size, fail at the limit
    python packaging/check_bundle.py qt BUNDLE                    # no Qt Quick / Qml / virtual keyboard
    python packaging/check_bundle.py fonts BUNDLE                 # the subsets hold what they should
    python packaging/check_bundle.py pe INSTALLER.exe             # a valid Windows program (x86 or x86-64)
    python packaging/check_bundle.py wine INSTALLER.exe           # silent install and uninstall

`wine` needs wine64 (Debian's `wine64`); it installs into a throw-away prefix with a throw-away
home, checks the program files, both shortcuts and the uninstaller's registration, puts a store
where the app keeps it (%LOCALAPPDATA%\\bureau\\kechuang-taizhang\\bureau.sqlite), uninstalls, and
checks the program files and shortcuts are gone and the store is still there. Run as a script
(`python -m packaging.…` would find pip's own `packaging` package first).
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

UNUSED_QT = re.compile(r"^(lib)?qt6(quick|qml|virtualkeyboard)", re.IGNORECASE)
VIRTUAL_KEYBOARD = re.compile(r"qtvirtualkeyboard", re.IGNORECASE)
APP_NAME = "科创台账"
APP_ID = "kechuang-taizhang"
UNINSTALLER = "卸载科创台账.exe"
PE_KINDS = {(0x8664, 0x20B): "x86-64 (PE32+)", (0x014C, 0x10B): "x86 (PE32)"}  # machine, magic


def tree_size(folder: Path) -> int:
    """Bytes of every file under a folder (symbolic links not followed)."""
    return sum(p.lstat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def largest(folder: Path, depth: int = 3, count: int = 12) -> list[tuple[int, str]]:
    """The largest folders and files `depth` levels down, as (bytes, path)."""
    sizes: dict[str, int] = {}
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            rel = path.relative_to(folder).parts
            key = "/".join(rel[:depth])
            sizes[key] = sizes.get(key, 0) + path.lstat().st_size
    return sorted(((s, k) for k, s in sizes.items()), reverse=True)[:count]


def unused_qt(bundle: Path) -> list[str]:
    """Qt Quick / Qml / virtual keyboard files in a bundle (there should be none)."""
    return sorted(
        str(p.relative_to(bundle))
        for p in bundle.rglob("*")
        if p.is_file() and (UNUSED_QT.match(p.name) or VIRTUAL_KEYBOARD.search(p.name))
    )


def unresolved_libraries(bundle: Path) -> list[str]:
    """Shared objects of a Linux bundle whose Qt or bundled dependencies are missing (ldd)."""
    if not sys.platform.startswith("linux") or shutil.which("ldd") is None:
        return []
    internal = bundle / "_internal"
    env = {**os.environ, "LD_LIBRARY_PATH": f"{internal}:{internal / 'PySide6' / 'Qt' / 'lib'}"}
    problems = []
    for path in sorted(internal.rglob("*.so*")):
        if not path.is_file() or path.is_symlink():
            continue
        out = subprocess.run(["ldd", str(path)], capture_output=True, text=True, env=env).stdout
        missing = [line.split()[0] for line in out.splitlines() if "not found" in line]
        if missing:
            problems.append(f"{path.relative_to(bundle)}: {', '.join(missing)}")
    return problems


def font_problems(bundle: Path, fonts: Path) -> list[str]:
    """Where the bundle's print fonts differ from the subsets of `fonts` they should be: the
    primary keeps every wanted character it had, the fallback every one only it has."""
    from fontTools.ttLib import TTCollection, TTFont

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from subset_fonts import FALLBACK, PRIMARY, WANTED

    shipped = bundle / "_internal" / "resources" / "fonts"
    whole_primary = set(TTCollection(str(fonts / PRIMARY)).fonts[0].getBestCmap())
    whole_fallback = set(TTFont(str(fonts / FALLBACK)).getBestCmap())
    primary = set(TTCollection(str(shipped / PRIMARY)).fonts[0].getBestCmap())
    fallback = set(TTFont(str(shipped / FALLBACK)).getBestCmap())
    problems = []
    if lost := (whole_primary & WANTED) - primary:
        problems.append(f"{PRIMARY} lost {len(lost)} characters, e.g. {chr(min(lost))}")
    if lost := (whole_fallback & WANTED) - whole_primary - fallback:
        problems.append(f"{FALLBACK} lost {len(lost)} characters, e.g. {chr(min(lost))}")
    sizes = sum((shipped / n).stat().st_size for n in (PRIMARY, FALLBACK))
    whole = sum((fonts / n).stat().st_size for n in (PRIMARY, FALLBACK))
    print(f"fonts: {sizes / 1e6:.1f} MB in the bundle (whole {whole / 1e6:.1f} MB), "
          f"{len(primary | fallback)} characters")  # fmt: skip
    return problems


def pe_problems(data: bytes) -> list[str]:
    """Why `data` is not a Windows executable for x86 or x86-64 (empty when it is one)."""
    if len(data) < 0x40 or data[:2] != b"MZ":
        return ["no MZ header"]
    (offset,) = struct.unpack_from("<I", data, 0x3C)
    if offset + 24 + 2 > len(data) or data[offset : offset + 4] != b"PE\0\0":
        return ["no PE signature at e_lfanew"]
    machine, sections = struct.unpack_from("<HH", data, offset + 4)
    (optional_size,) = struct.unpack_from("<H", data, offset + 20)
    (characteristics,) = struct.unpack_from("<H", data, offset + 22)
    (magic,) = struct.unpack_from("<H", data, offset + 24)
    problems = []
    if (machine, magic) not in PE_KINDS:
        problems.append(
            f"machine {machine:#06x} with optional header {magic:#x}: not x86 or x86-64"
        )
    if not characteristics & 0x0002:
        problems.append("not marked executable")
    if sections == 0 or optional_size == 0:
        problems.append("no sections")
    return problems


def _wine() -> str | None:
    for candidate in ("wine64", "/usr/lib/wine/wine64", "wine"):
        found = shutil.which(candidate) or (candidate if Path(candidate).is_file() else None)
        if found:
            return found
    return None


def wine_round_trip(installer: Path, wine: str) -> list[str]:
    """Install and uninstall silently under wine; what went wrong (empty when all is well)."""
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="kc-wine-") as tmp:
        home = Path(tmp) / "home"
        home.mkdir()
        env = {
            **os.environ,
            "HOME": str(home),
            "WINEPREFIX": str(Path(tmp) / "prefix"),
            "WINEDEBUG": "-all",
            "WINEDLLOVERRIDES": "winemenubuilder.exe=d;mscoree=d;mshtml=d",
            "DISPLAY": "",
        }

        server = _wineserver(wine)

        def run(*args: str) -> subprocess.CompletedProcess[str]:
            done = subprocess.run(
                [wine, *args], env=env, capture_output=True, text=True, timeout=300
            )
            if server:  # until every process of the prefix is done (the uninstaller re-runs itself)
                subprocess.run([server, "-w"], env=env, capture_output=True, timeout=300)
            return done

        run("wineboot", "--init")
        users = Path(env["WINEPREFIX"]) / "drive_c" / "users"
        done = run(str(installer), "/S")
        if done.returncode != 0:
            return [f"silent install exited {done.returncode}: {done.stderr[-400:]}"]
        profile = next((p for p in users.iterdir() if p.name not in ("Public",)), None)
        if profile is None:
            return ["no user profile in the wine prefix"]
        local = profile / "AppData" / "Local"
        target = local / "Programs" / APP_ID
        start = (
            profile / "AppData" / "Roaming" / "Microsoft" / "Windows" / "Start Menu" / "Programs"
        )
        desktop = profile / "Desktop"
        expected = [
            target / "_internal",
            target / "licenses" / "README.txt",
            target / UNINSTALLER,
            start / APP_NAME / f"{APP_NAME}.lnk",
            start / APP_NAME / f"卸载{APP_NAME}.lnk",
            desktop / f"{APP_NAME}.lnk",
        ]
        problems += [f"not installed: {p.relative_to(users)}" for p in expected if not p.exists()]
        key = rf"HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\{APP_ID}"
        if "DisplayVersion" not in run("reg", "query", key).stdout:
            problems.append(f"no uninstall entry under {key}")
        store = local / "bureau" / APP_ID / "bureau.sqlite"  # where db/locate.py puts the store
        store.parent.mkdir(parents=True)
        store.write_bytes(b"SQLite format 3\0")
        done = run(str(target / UNINSTALLER), "/S")
        if done.returncode != 0:
            problems.append(f"silent uninstall exited {done.returncode}")
        left = [p for p in (target, start / APP_NAME, desktop / f"{APP_NAME}.lnk") if p.exists()]
        problems += [f"left after uninstall: {p.relative_to(users)}" for p in left]
        if not store.is_file():
            problems.append("the uninstaller deleted the store")
    return problems


def _wineserver(wine: str) -> str | None:
    folder = Path(wine).parent
    for candidate in (folder / "wineserver64", folder / "wineserver"):
        if candidate.is_file():
            return str(candidate)
    return shutil.which("wineserver")


def main(argv: list[str]) -> int:
    if len(argv) >= 2 and argv[0] == "size":
        bundle, limit = Path(argv[1]), 150.0
        if argv[2:4] and argv[2] == "--max-mb":
            limit = float(argv[3])
        total = tree_size(bundle)
        for size, name in largest(bundle):
            print(f"  {size / 1e6:7.1f} MB  {name}")
        internal = bundle / "_internal"
        icu = sum(p.stat().st_size for p in internal.rglob("libicu*.so*") if not p.is_symlink())
        system = sum(
            p.stat().st_size
            for p in internal.glob("lib*.so*")
            if p.is_file() and not p.is_symlink() and not p.name.startswith("libpython")
        )
        if icu or system:
            print(f"  of which only a Linux bundle carries: Qt's ICU {icu / 1e6:.1f} MB (Qt on Windows"
                  f" uses the system's), the system libraries beside libpython {system / 1e6:.1f} MB")  # fmt: skip
        verdict = "OK" if total < limit * 1e6 else "TOO LARGE"
        print(
            f"bundle size: {total / 1e6:.1f} MB ({total / 2**20:.1f} MiB) unpacked, limit {limit:g} MB: {verdict}"
        )
        return 0 if total < limit * 1e6 else 1
    if len(argv) == 2 and argv[0] == "qt":
        bundle = Path(argv[1])
        found = unused_qt(bundle)
        broken = unresolved_libraries(bundle)
        for line in found:
            print(f"unused Qt part in the bundle: {line}", file=sys.stderr)
        for line in broken:
            print(f"missing library: {line}", file=sys.stderr)
        if not found and not broken:
            print("Qt: no Quick / Qml / virtual keyboard, every library's dependencies inside")
        return 1 if found or broken else 0
    if len(argv) == 2 and argv[0] == "fonts":
        root = Path(__file__).resolve().parent.parent
        problems = font_problems(Path(argv[1]), root / "resources" / "fonts")
        for problem in problems:
            print(f"fonts: {problem}", file=sys.stderr)
        return 1 if problems else 0
    if len(argv) == 2 and argv[0] == "pe":
        problems = pe_problems(Path(argv[1]).read_bytes())
        for problem in problems:
            print(f"{argv[1]}: {problem}", file=sys.stderr)
        if not problems:
            print(f"installer: {argv[1]} is a Windows program")
        return 1 if problems else 0
    if len(argv) == 2 and argv[0] == "wine":
        wine = _wine()
        if wine is None:
            print("wine: not installed (apt-get install wine64): silent install not tried")
            return 0
        problems = wine_round_trip(Path(argv[1]).resolve(), wine)
        for problem in problems:
            print(f"wine: {problem}", file=sys.stderr)
        if not problems:
            print("wine: silent install (files, Start-menu and desktop shortcuts, uninstall entry)"
                  " and silent uninstall (all removed, the store kept) OK")  # fmt: skip
        return 1 if problems else 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
