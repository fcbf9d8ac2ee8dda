"""The Windows package's parts, checked without building it (make package builds and checks it whole).

The installer script (per-user, Chinese, keeps the data), the version resource (pyproject's
version), the icon writer (a valid .ico of every size), the third-party notices (each bundled
distribution with its licence text), what the bundle leaves out, and the print fonts' subset.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import struct
import subprocess
import sys
import tomllib
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from db.locate import APP_AUTHOR, APP_NAME

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
NSI = (PACKAGING / "installer.nsi").read_text(encoding="utf-8")
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def _load(name: str) -> ModuleType:
    # packaging/ is not a package (pip's own `packaging` would shadow it): load the script by path
    spec = importlib.util.spec_from_file_location(f"kc_packaging_{name}", PACKAGING / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


icon = _load("icon")
versioninfo = _load("versioninfo")
notices = _load("notices")
bundle_filter = _load("bundle_filter")
subset_fonts = _load("subset_fonts")
check_bundle = _load("check_bundle")


def _code(script: str) -> list[str]:
    """The script's lines without comments."""
    return [
        ln.split(";", 1)[0].strip() for ln in script.splitlines() if ln.split(";", 1)[0].strip()
    ]


def _section(script: str, name: str) -> list[str]:
    lines = _code(script)
    start = next(i for i, ln in enumerate(lines) if re.match(rf'Section "{name}"', ln))
    end = next(i for i in range(start, len(lines)) if lines[i] == "SectionEnd")
    return lines[start + 1 : end]


# --- the installer script -------------------------------------------------------------------


def test_installer_is_per_user_without_admin() -> None:
    code = _code(NSI)
    assert "RequestExecutionLevel user" in code
    assert not any("RequestExecutionLevel admin" in ln for ln in code)
    [install_dir] = [ln for ln in code if ln.startswith("InstallDir ")]
    assert install_dir.startswith('InstallDir "$LOCALAPPDATA\\Programs\\')
    assert not any(re.search(r"\bHKLM\b|\$PROGRAMFILES", ln) for ln in code)  # nothing machine-wide


def test_installer_speaks_chinese_and_names_pyproject_version() -> None:
    code = _code(NSI)
    assert '!include "MUI2.nsh"' in code
    assert '!insertmacro MUI_LANGUAGE "SimpChinese"' in code
    assert "Unicode true" in code
    assert any(ln.startswith("Name ") and "${VERSION}" in ln for ln in code)
    assert any(ln.startswith("!error") for ln in code if "VERSION" in ln)  # no silent default
    build = (PACKAGING / "build.sh").read_text(encoding="utf-8")
    assert "version=$($PY packaging/versioninfo.py --version)" in build
    assert '-DVERSION="$version"' in build


def test_installer_makes_start_menu_and_desktop_shortcuts() -> None:
    main = _section(NSI, r"\$\{APP_NAME\}")
    shortcuts = [ln for ln in main if ln.startswith("CreateShortcut")]
    assert any(
        '"$SMPROGRAMS\\${APP_NAME}\\${APP_NAME}.lnk" "$INSTDIR\\${GUI_PROGRAM}"' in s
        for s in shortcuts
    )
    assert any('"$DESKTOP\\${APP_NAME}.lnk" "$INSTDIR\\${GUI_PROGRAM}"' in s for s in shortcuts)
    assert 'WriteUninstaller "$INSTDIR\\${UNINSTALLER}"' in main


def test_uninstaller_removes_only_its_own_files_and_keeps_the_data() -> None:
    body = _section(NSI, "Uninstall")
    removals = [ln for ln in body if ln.startswith(("Delete ", "RMDir "))]
    assert removals
    for line in removals:
        target = line.split('"')[1]
        assert (
            target.startswith(("$INSTDIR\\", "$SMPROGRAMS\\", "$DESKTOP\\")) or target == "$INSTDIR"
        ), line
        assert not (line.startswith("RMDir /r") and target == "$INSTDIR"), (
            "would delete whatever is there"
        )
    assert not any(
        "$LOCALAPPDATA" in ln or "$APPDATA" in ln or "bureau" in ln.lower() for ln in removals
    )
    # The store lives in the user's data folder, not in the install folder the uninstaller empties.
    [install_dir] = [ln for ln in _code(NSI) if ln.startswith("InstallDir ")]
    assert f"{APP_AUTHOR}\\{APP_NAME}" not in install_dir
    assert f"{APP_AUTHOR}\\${{APP_ID}}" not in install_dir


@pytest.mark.skipif(
    shutil.which("makensis") is None, reason="NSIS is not installed (apt-get install nsis)"
)
def test_installer_script_compiles_into_a_windows_program(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle"
    for part in ("_internal/x.txt", "licenses/README.txt", "kechuang", "bureau"):
        (bundle / part).parent.mkdir(parents=True, exist_ok=True)
        (bundle / part).write_text("x", encoding="utf-8")
    out = tmp_path / "setup-test.exe"
    subprocess.run(
        ["makensis", "-INPUTCHARSET", "UTF8", "-V1", f"-DVERSION={VERSION}", "-DVERSION4=0.1.0.0",
         f"-DBUNDLE={bundle}", "-DEXE=", f"-DOUTFILE={out}", str(PACKAGING / "installer.nsi")],
        check=True, capture_output=True,
    )  # fmt: skip
    assert check_bundle.pe_problems(out.read_bytes()) == []


def test_pe_check_refuses_what_is_not_a_windows_program() -> None:
    assert check_bundle.pe_problems(b"\x7fELF" + bytes(200)) == ["no MZ header"]
    header = bytearray(512)
    header[:2], header[0x3C:0x40] = b"MZ", struct.pack("<I", 0x80)
    header[0x80:0x84] = b"PE\0\0"
    struct.pack_into("<HH", header, 0x84, 0x01C4, 3)  # ARM
    struct.pack_into("<HHH", header, 0x80 + 20, 0xF0, 0x22, 0x10B)
    assert check_bundle.pe_problems(bytes(header)) == [
        "machine 0x01c4 with optional header 0x10b: not x86 or x86-64"
    ]
    struct.pack_into("<H", header, 0x84, 0x014C)  # x86
    assert check_bundle.pe_problems(bytes(header)) == []


# --- the version resource --------------------------------------------------------------------


def _evaluate(text: str) -> dict[str, Any]:
    """The version file's expression, with PyInstaller's classes as recorders."""

    def record(kind: str) -> Any:
        return lambda *args, **kwargs: {"kind": kind, "args": args, **kwargs}

    names = ("VSVersionInfo", "FixedFileInfo", "StringFileInfo", "StringTable", "StringStruct",
             "VarFileInfo", "VarStruct")  # fmt: skip
    result: dict[str, Any] = eval(text, {n: record(n) for n in names})
    return result


def test_version_resource_carries_pyproject_version() -> None:
    assert versioninfo.project_version() == VERSION
    info = _evaluate(versioninfo.version_file_text(VERSION, "kechuang.exe", "科创台账"))
    fixed = versioninfo.numeric(VERSION)
    assert info["ffi"]["filevers"] == fixed and info["ffi"]["prodvers"] == fixed
    [string_info, var_info] = info["kids"]
    [table] = string_info["args"][0]
    language, entries = table["args"]
    assert language == "080404B0"  # Chinese (PRC), Unicode
    strings = {e["args"][0]: e["args"][1] for e in entries}
    assert strings["ProductVersion"] == VERSION and strings["FileVersion"] == VERSION
    assert strings["ProductName"] == "科创台账" and strings["FileDescription"] == "科创台账"
    assert strings["OriginalFilename"] == "kechuang.exe" and strings["CompanyName"]
    assert var_info["args"][0][0]["args"] == ("Translation", [0x0804, 1200])


def test_version_numbers_are_four_parts() -> None:
    assert versioninfo.numeric("0.1.0") == (0, 1, 0, 0)
    assert versioninfo.numeric("2.3") == (2, 3, 0, 0)
    assert versioninfo.numeric("0.3.1rc2") == (0, 3, 1, 0)
    with pytest.raises(ValueError):
        versioninfo.numeric("next")


def test_the_spec_uses_the_generated_icon_and_version_files() -> None:
    spec = (PACKAGING / "bureau.spec").read_text(encoding="utf-8")
    assert "icon=str(ICON)" in spec and 'ICON = GENERATED / "app.ico"' in spec
    assert "version=str(VERSION_FILES[name])" in spec
    assert "icon.py" in spec and "versioninfo.write(" in spec


# --- the icon --------------------------------------------------------------------------------


def test_ico_writer_stores_every_size_and_the_pixels_bottom_up() -> None:
    red_top = [
        icon.Image(n, bytes([255, 0, 0, 255]) * n + bytes(4 * n * (n - 1))) for n in (16, 32, 48)
    ]
    png = icon.Image(256, b"", png=b"\x89PNG\r\n\x1a\n" + b"rest")
    data = icon.ico_bytes([*red_top, png])
    assert icon.read_ico(data) == [(16, "bmp"), (32, "bmp"), (48, "bmp"), (256, "png")]
    assert struct.unpack_from("<BB", data, 6 + 16 * 3) == (0, 0)  # 256 is written as 0
    # 16 px: header of 40 bytes, rows bottom-up in BGRA: the top row (red) is the last of 16
    (offset,) = struct.unpack_from("<I", data, 6 + 12)
    top_row = data[offset + 40 + 15 * 16 * 4 : offset + 40 + 16 * 16 * 4]
    assert top_row[:4] == bytes([0, 0, 255, 255])
    assert data[offset + 40 : offset + 44] == bytes(4)  # bottom row: transparent
    with pytest.raises(ValueError):
        icon.read_ico(b"\0\0\2\0\1\0" + bytes(16))  # a cursor, not an icon


def test_icon_is_rendered_from_the_svg_at_every_size(qapp: Any) -> None:
    images = icon.render()
    assert [i.size for i in images] == list(icon.SIZES)
    assert {16, 32, 48, 256} <= set(icon.SIZES)
    small = images[0]
    centre = (8 * 16 + 8) * 4
    assert small.rgba[centre + 3] == 255  # opaque where the SVG draws
    assert small.rgba[3] == 0  # the rounded corner stays transparent
    assert icon.read_ico(icon.ico_bytes(images))[-1] == (256, "png")


# --- the third-party notices -----------------------------------------------------------------


def test_top_level_names_of_modules_and_files() -> None:
    names = notices.top_level_names([
        "sqlalchemy.orm.session", "PySide6/Qt/lib/libQt6Core.so.6", "psycopg_binary.libs/libpq.so",
        "openpyxl", "PySide6\\QtCore.pyd",
    ])  # fmt: skip
    assert names == {"sqlalchemy", "PySide6", "psycopg_binary", "openpyxl"}


def test_notices_list_each_bundled_distribution_with_its_licence_text(tmp_path: Path) -> None:
    import importlib.metadata as md

    collected = notices.collect(
        {"sqlalchemy", "openpyxl", "PySide6", "shiboken6"}, ("6.9.9", "6.9.8")
    )
    by_folder = {n.folder: n for n in collected}
    sqlalchemy = md.distribution("SQLAlchemy")
    entry = by_folder[f"SQLAlchemy-{sqlalchemy.version}"]
    assert (
        "LICENSE",
        sqlalchemy.read_text("licenses/LICENSE") or sqlalchemy.read_text("LICENSE"),
    ) in entry.files
    openpyxl = md.distribution("openpyxl")
    assert any(
        "MIT" in text or "Permission" in text
        for _n, text in by_folder[f"openpyxl-{openpyxl.version}"].files
    )
    for name in ("PySide6_Essentials", "PySide6_Addons", "shiboken6"):
        qt = by_folder[f"{name}-{md.distribution(name).version}"]
        files = dict(qt.files)
        assert "GNU LESSER GENERAL PUBLIC LICENSE" in files["LGPL-3.0.txt"]
        assert "GNU GENERAL PUBLIC LICENSE" in files["GPL-3.0.txt"]
        offer = files["源代码获取.txt"]
        assert "Qt 6.9.8" in offer and "PySide6 / shiboken6 6.9.9" in offer and "三年" in offer
    assert any(f.startswith("Python-") for f in by_folder) and "fonts" in by_folder
    assert any(f.startswith("pyinstaller-") for f in by_folder)  # the bootloader in each program
    assert not any(f.startswith("kechuang-taizhang") for f in by_folder)  # not a third party
    fonts = dict(by_folder["fonts"].files)
    assert {"ARPHICPL.txt", "HANAZONO-LICENSE.txt", "README.txt"} <= set(fonts)

    bundle = tmp_path / "bundle"
    for name in ("sqlalchemy", "openpyxl", "PySide6", "shiboken6"):
        (bundle / "_internal" / name).mkdir(parents=True)
    notices.write(bundle / "licenses", collected)
    assert notices.check(bundle) == []
    readme = (bundle / "licenses" / "README.txt").read_text(encoding="utf-8")
    assert f"SQLAlchemy {sqlalchemy.version}\tMIT\tSQLAlchemy-{sqlalchemy.version}/" in readme
    shutil.rmtree(bundle / "licenses" / f"openpyxl-{openpyxl.version}")
    assert notices.check(bundle) == [
        f"licenses/openpyxl-{openpyxl.version}: missing, or without a licence text"
    ]


# --- what the bundle leaves out, and the print fonts ----------------------------------------


@pytest.mark.parametrize(
    ("dest", "kept"),
    [
        ("PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so", False),
        ("PySide6/plugins/platforminputcontexts/qtvirtualkeyboardplugin.dll", False),
        ("PySide6/Qt/lib/libQt6Quick.so.6", False),
        ("PySide6/Qt6Qml.dll", False),
        ("PySide6/Qt6QmlModels.dll", False),
        ("PySide6/Qt/lib/libQt6VirtualKeyboard.so.6", False),
        ("PySide6/Qt/plugins/platforms/libqeglfs.so", False),
        ("PySide6/Qt/plugins/tls/libqopensslbackend.so", False),
        ("PySide6/Qt/plugins/imageformats/libqtiff.so", False),
        ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", False),
        ("PySide6/Qt/plugins/platforms/libqwayland.so", False),
        ("PySide6/Qt/lib/libQt6EglFSDeviceIntegration.so.6", False),
        ("PySide6/Qt/lib/libQt6WaylandClient.so.6", False),
        ("PySide6/opengl32sw.dll", False),
        ("PySide6/d3dcompiler_47.dll", False),
        ("PySide6/Qt/translations/qtbase_de.qm", False),
        ("PySide6/translations/qtdeclarative_zh_CN.qm", False),
        ("resources/fonts/uming.ttc", False),
        ("resources/translations/bureau_zh_CN.ts", False),
        ("PySide6/plugins/platforms/qwindows.dll", True),
        ("PySide6/Qt/plugins/platforms/libqxcb.so", True),
        ("PySide6/Qt/plugins/platforms/libqoffscreen.so", True),
        ("PySide6/plugins/imageformats/qsvg.dll", True),
        ("PySide6/plugins/iconengines/qsvgicon.dll", True),
        ("PySide6/plugins/printsupport/windowsprintersupport.dll", True),
        ("PySide6/Qt/translations/qtbase_zh_CN.qm", True),
        ("PySide6/Qt6Widgets.dll", True),
        ("PySide6/Qt6Pdf.dll", True),
        ("resources/fonts/ARPHICPL.txt", True),
        ("resources/translations/bureau_zh_CN.qm", True),
        ("resources/icons/app.svg", True),
    ],
)
def test_the_bundle_leaves_out_what_the_app_does_not_use(dest: str, kept: bool) -> None:
    assert bundle_filter.wanted(dest) is kept


def test_the_bundle_check_finds_qt_quick_and_the_virtual_keyboard(tmp_path: Path) -> None:
    (tmp_path / "_internal" / "PySide6").mkdir(parents=True)
    (tmp_path / "_internal" / "PySide6" / "Qt6Widgets.dll").write_bytes(b"x")
    assert check_bundle.unused_qt(tmp_path) == []
    (tmp_path / "_internal" / "PySide6" / "Qt6QuickControls2.dll").write_bytes(b"x")
    (tmp_path / "_internal" / "PySide6" / "qtvirtualkeyboardplugin.dll").write_bytes(b"x")
    assert [Path(p).name for p in check_bundle.unused_qt(tmp_path)] == [
        "Qt6QuickControls2.dll", "qtvirtualkeyboardplugin.dll"
    ]  # fmt: skip


def test_the_font_subset_keeps_every_character_the_coverage_test_prints() -> None:
    from tests.unit.returns import builders
    from tests.unit.returns.test_fonts import SAMPLE_TEXT

    text = builders.RARE + SAMPLE_TEXT + "".join(builders.TOWNS) + "𠮷亳濉囧㐀鿿龘"
    needed = {ord(ch) for ch in text if not ch.isspace()}
    assert needed - subset_fonts.WANTED == set()
    # every hanzi of GB 2312's two levels and of the Unified block, Extension A and beyond
    gb2312 = {
        ord(bytes([hi, lo]).decode("gb2312", "ignore") or " ")
        for hi in range(0xB0, 0xF8)
        for lo in range(0xA1, 0xFF)
    }
    assert gb2312 - {0x20} <= subset_fonts.WANTED
    assert {0x4E00, 0x9FA5, 0x3400, 0x4DB5, 0x20BB7, 0x2A6D6} <= subset_fonts.WANTED
    assert 0xAC00 not in subset_fonts.WANTED  # Hangul: not in a Chinese return
