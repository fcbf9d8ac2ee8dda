"""Third-party notices: the `licenses/` folder of a bundle, one entry for each bundled distribution.

    python packaging/notices.py check BUNDLE   # exit 1 unless BUNDLE/licenses has every entry

The bundle spec (packaging/bureau.spec) names what the analysis collected; each top-level module or
folder is traced to its installed distribution (importlib.metadata), and the distribution's own
licence files (its `License-File` entries, else LICENSE / COPYING / NOTICE files it installed) are
copied verbatim into `licenses/<name>-<version>/`. Distributions under the LGPL-3.0 that ship no
text (the PySide6 and shiboken6 wheels) get the LGPL-3.0 and the GPL-3.0 it adds to
(packaging/licenses/), and Qt's get a written offer of the exact sources. Python itself, the
PyInstaller bootloader inside each program, and the fonts (resources/fonts, subset in the bundle)
have their entries too; `licenses/README.txt` lists them all. The check reads a built bundle back
(its files and the modules inside each program) and finds the entry of each distribution. Run as a script (`python -m packaging.…` would find pip's
own `packaging` package first).
"""

from __future__ import annotations

import importlib.metadata as md
import re
import sys
import sysconfig
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEXTS = ROOT / "packaging" / "licenses"
FONTS = ROOT / "resources" / "fonts"
OWN = "kechuang-taizhang"  # this project: not a third party
QT_DISTRIBUTIONS = ("PySide6_Essentials", "PySide6_Addons", "shiboken6")
_LICENCE_NAME = re.compile(r"(^|/)(LICEN[CS]E|COPYING|NOTICE|AUTHORS)[^/]*$", re.IGNORECASE)


@dataclass(frozen=True)
class Notice:
    """One entry of licenses/: a folder name, what it covers, its licence and its files."""

    folder: str
    covers: str
    licence: str
    files: tuple[tuple[str, str], ...]  # (file name, text)


def _key(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def top_level_names(dest_names: Iterable[str]) -> set[str]:
    """Top-level import names of bundled entries: modules ("a.b") and file paths ("a/b.so")."""
    names = set()
    for dest in dest_names:
        first = re.split(r"[\\/]", dest, maxsplit=1)[0]
        first = first.split(".", 1)[0] if "/" not in dest and "\\" not in dest else first
        names.add(re.sub(r"(\.libs|\.dist-info|\.data|\.py[cdw]?|\.so.*|\.dll)$", "", first))
    return {n for n in names if n}


def bundled_distributions(top_levels: Iterable[str]) -> list[md.Distribution]:
    """The installed distributions that provide these top-level names (this project left out)."""
    owners = md.packages_distributions()
    by_key = {_key(d.metadata["Name"]): d for d in md.distributions()}
    found: dict[str, md.Distribution] = {}
    for name in top_levels:
        for owner in owners.get(name, []) or ([name] if _key(name) in by_key else []):
            dist = by_key.get(_key(owner))
            if dist is not None and _key(owner) != OWN:
                found[_key(owner)] = dist
    return sorted(found.values(), key=lambda d: _key(d.metadata["Name"]))


def licence_of(dist: md.Distribution) -> str:
    """The licence a distribution declares (its expression, else the License field or classifier)."""
    meta = dist.metadata
    text = meta.get("License-Expression") or ""
    if not text:
        field = (meta.get("License") or "").strip()
        text = field.splitlines()[0][:80] if field and "\n" not in field[:80] else field[:80]
    if not text:
        classifiers = [c.split("::")[-1].strip() for c in meta.get_all("Classifier") or []]
        text = "; ".join(c for c in classifiers if "License" in c or "GPL" in c or "BSD" in c)
    return text or "（未声明）"


def licence_files(dist: md.Distribution) -> list[tuple[str, str]]:
    """(name, text) of a distribution's own licence files, as installed."""
    out: list[tuple[str, str]] = []
    seen = set()
    for entry in dist.metadata.get_all("License-File") or []:
        for candidate in (f"licenses/{entry}", entry):
            text = dist.read_text(candidate)
            if text is not None and entry not in seen:
                out.append((Path(entry).name, text))
                seen.add(entry)
                break
    if out:
        return out
    for path in dist.files or []:
        if _LICENCE_NAME.search(str(path)) and path.name not in seen:
            text = Path(str(path.locate())).read_text(encoding="utf-8", errors="replace")
            out.append((path.name, text))
            seen.add(path.name)
    return out


def qt_source_offer(pyside: str, qt: str) -> str:
    """The written offer of Qt's and PySide6's sources (LGPL-3.0 §4 d, §6 of GPL-3.0)."""
    branch = ".".join(qt.split(".")[:2])
    return f"""Qt {qt} 与 Qt for Python（PySide6 / shiboken6 {pyside}）的源代码
================================================================

本程序使用 Qt {qt} 与 PySide6 {pyside}，依 GNU 宽通用公共许可证第 3 版（LGPL-3.0，见同一文件夹中的
LGPL-3.0.txt，以及它所补充的 GPL-3.0.txt）使用，未作修改。它们以单独的动态库随程序提供
（_internal\\PySide6 与 _internal\\shiboken6 下的 .dll / .pyd 文件），可以换成自行编译的兼容版本。

这些版本的完整对应源代码可从以下位置取得：
  Qt {qt}:
    https://download.qt.io/archive/qt/{branch}/{qt}/single/  （qt-everywhere-src-{qt}.tar.xz）
    https://code.qt.io/qt/qt5.git  标签 v{qt}
  PySide6 / shiboken6 {pyside}:
    https://download.qt.io/official_releases/QtForPython/pyside6/PySide6-{pyside}-src/
    https://code.qt.io/pyside/pyside-setup.git  标签 v{pyside}

书面提供：自您收到本程序之日起至少三年内，向您提供本程序的单位应您的请求，以不超过实际复制成本的
费用，在常用的软件交换介质上向您提供上述版本的完整对应源代码。

Written offer: for at least three years from the date you received this program, whoever gave it
to you will, on request, provide the complete corresponding source code of Qt {qt} and
PySide6/shiboken6 {pyside} listed above on a medium customarily used for software interchange,
for a charge no more than the cost of physically performing the distribution.
"""


def qt_versions() -> tuple[str, str]:
    """(PySide6's version, Qt's version) as installed."""
    import PySide6
    from PySide6 import QtCore

    return str(PySide6.__version__), str(QtCore.qVersion())


def notice_for(dist: md.Distribution, versions: tuple[str, str] | None = None) -> Notice:
    """The entry of one distribution; ValueError when it has no licence text to ship."""
    name, version = dist.metadata["Name"], dist.version
    licence = licence_of(dist)
    files = licence_files(dist)
    if name in QT_DISTRIBUTIONS or (not files and "LGPL-3.0" in licence):
        files += [
            (t, (TEXTS / t).read_text(encoding="utf-8")) for t in ("LGPL-3.0.txt", "GPL-3.0.txt")
        ]
    if name in QT_DISTRIBUTIONS:
        files.append(("源代码获取.txt", qt_source_offer(*(versions or qt_versions()))))
    if not files:
        raise ValueError(f"{name} {version}: no licence file to ship (licence: {licence})")
    return Notice(f"{name}-{version}", f"{name} {version}", licence, tuple(files))


def python_notice() -> Notice:
    """Python's own licence (the interpreter and standard library in every bundle)."""
    version = sysconfig.get_python_version()
    candidates = [
        Path(sysconfig.get_paths()["stdlib"]) / "LICENSE.txt",
        Path(sys.base_prefix) / "LICENSE.txt",
    ]
    for path in candidates:
        if path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            full = f"{version}.{sys.version_info.micro}"
            return Notice(f"Python-{full}", f"Python {full}", "PSF-2.0", (("LICENSE.txt", text),))
    raise ValueError(f"Python's LICENSE.txt not found in {', '.join(map(str, candidates))}")


def fonts_notice() -> Notice:
    """The printed returns' fonts: their licences and what the bundle changed in them."""
    names = ("ARPHICPL.txt", "ARPHICPL.zh_CN.txt", "HANAZONO-LICENSE.txt")
    readme = (
        "打印报表用的字体\n\n"
        "uming.ttc（AR PL UMing CN，ARPHIC PUBLIC LICENSE，见 ARPHICPL.txt）与 HanaMinA.ttf"
        "（花園明朝A，Hanazono Font License 或 SIL OFL 1.1，见 HANAZONO-LICENSE.txt）。\n"
        "本程序中的两个文件是原文件的子集：构建时由 packaging/subset_fonts.py 去掉汉字、拉丁字母、"
        "标点和符号以外的字形、UMing 的 HK/TW 字面和内嵌点阵（HanaMinA 只保留 UMing 没有的字），"
        "其余未改；改动的方式和日期写在每个文件的 name 表（版本）中。\n"
        "未修改的原文件来自 Debian 软件包 fonts-arphic-uming 0.2.20080216.2-11 与 "
        "fonts-hanazono 20170904-2.1；修改后的文件即本程序中的文件，可按上述许可自由复制和分发。\n"
    )
    files = [(n, (FONTS / n).read_text(encoding="utf-8")) for n in names]
    return Notice("fonts", "打印字体 AR PL UMing CN、Hanazono Mincho A", "ARPHIC-1999; Hanazono or OFL-1.1",
                  (("README.txt", readme), *files))  # fmt: skip


def collect(top_levels: Iterable[str], versions: tuple[str, str] | None = None) -> list[Notice]:
    """Every entry of licenses/ for a bundle holding these top-level names."""
    notices = [notice_for(d, versions) for d in bundled_distributions(top_levels)]
    names = {n.folder.rsplit("-", 1)[0].lower() for n in notices}
    if "pyinstaller" not in names:  # the bootloader is inside each program
        notices.append(notice_for(md.distribution("pyinstaller"), versions))
    return [python_notice(), *notices, fonts_notice()]


def write(out: Path, notices: list[Notice]) -> None:
    """Write licenses/: one folder per entry and README.txt, the index."""
    out.mkdir(parents=True, exist_ok=True)
    index = ["本程序包含的第三方组件及其许可（每项一个文件夹，内含许可原文）", ""]
    for notice in notices:
        folder = out / notice.folder
        folder.mkdir(exist_ok=True)
        for name, text in notice.files:
            (folder / name).write_text(text, encoding="utf-8")
        index.append(f"{notice.covers}\t{notice.licence}\t{notice.folder}/")
    (out / "README.txt").write_text("\n".join(index) + "\n", encoding="utf-8")


def bundle_contents(bundle: Path) -> set[str]:
    """Top-level names in a built bundle: its files under _internal and the modules of each
    program's archive (read back from the executables, not taken from the build's own lists)."""
    from PyInstaller.archive.readers import CArchiveReader, ZlibArchiveReader

    internal = bundle / "_internal"
    names = top_level_names(p.name for p in internal.iterdir())
    for archive_file in internal.glob("*.pyz"):  # the archive both programs share
        names |= top_level_names(ZlibArchiveReader(str(archive_file)).toc)
    for program in bundle.iterdir():
        if program.is_file() and program.suffix in ("", ".exe") and program.stat().st_mode & 0o111:
            try:
                archive = CArchiveReader(str(program))
            except Exception:  # not a PyInstaller program (uninstall.exe, a script)
                continue
            for entry in archive.toc:
                if entry.endswith(".pyz"):
                    names |= top_level_names(archive.open_embedded_archive(entry).toc)
    return names


def check(bundle: Path) -> list[str]:
    """What licenses/ lacks: an entry (a folder with a licence text) for Python, the bootloader,
    the fonts and each distribution the bundle holds."""
    names = bundle_contents(bundle)
    expected = ["fonts", f"Python-{sysconfig.get_python_version()}.{sys.version_info.micro}"]
    dists = bundled_distributions(names | {"PyInstaller"})
    expected += [f"{d.metadata['Name']}-{d.version}" for d in dists]
    problems = []
    for folder in expected:
        entry = bundle / "licenses" / folder
        texts = [p for p in entry.glob("*") if p.is_file() and p.stat().st_size > 0]
        if not texts:
            problems.append(f"licenses/{folder}: missing, or without a licence text")
    return problems


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "check":
        problems = check(Path(argv[1]))
        for problem in problems:
            print(problem, file=sys.stderr)
        if not problems:
            count = sum(1 for p in (Path(argv[1]) / "licenses").iterdir() if p.is_dir())
            print(
                f"licenses: {count} entries, one for each bundled distribution, each with its text"
            )
        return 1 if problems else 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
