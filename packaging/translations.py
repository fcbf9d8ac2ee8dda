"""The app's translation files: the .ts kept with the sources, the .qm files built for a run or a bundle.

    python packaging/translations.py update   # resources/translations/bureau_zh_CN.ts from desktop/
    python packaging/translations.py build    # bureau_zh_CN.qm (lrelease) and Qt's qtbase_zh_CN.qm beside it
    python packaging/translations.py check    # exit 1 when the .ts is not current with the sources

The sources are written in Chinese, so the catalogue is zh_CN to zh_CN: a new string enters the .ts
translated as itself (finished), and a translation edited in Qt Linguist (a bureau's own term) is
kept by later updates. Strings are found by pyside6-lupdate in `self.tr("…")` (context: the class),
`QCoreApplication.translate("ctx", "…")` and the modules' `_tr("…")` wrappers (an alias of tr, so
context "": every wrapper translates in the empty context). No line numbers are stored, so the .ts
changes only when a string does. The .qm files are build products (not committed); the app loads
them from resources/translations (desktop/ui/shell/translations.py), inside a bundle too.

Run as a script (`python -m packaging.…` would find pip's own `packaging` package first).
"""

from __future__ import annotations

import ast
import difflib
import html
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "desktop"
FOLDER = ROOT / "resources" / "translations"
TS = FOLDER / "bureau_zh_CN.ts"
QM = FOLDER / "bureau_zh_CN.qm"
QT_CATALOGUE = "qtbase_zh_CN.qm"
LUPDATE_OPTIONS = (
    "-extensions",
    "py",
    "-tr-function-alias",
    "tr+=_tr",
    "-locations",
    "none",
    "-no-obsolete",
    "-sort-messages",
    "-source-language",
    "zh_CN",
    "-target-language",
    "zh_CN",
    "-silent",
)
_MESSAGE = re.compile(r"<message>.*?</message>", re.DOTALL)
_SOURCE = re.compile(r"<source>([^<]*)</source>")
_EMPTY = '<translation type="unfinished"></translation>'


def tool(name: str) -> str:
    """A PySide6 tool (pyside6-lupdate, pyside6-lrelease): beside this Python, else on PATH."""
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if not found:
        raise SystemExit(f"{name} not found (it comes with PySide6: pip install -e '.[dev]')")
    return found


def fill_untranslated(text: str) -> str:
    """Messages lupdate added untranslated, translated as themselves (the sources are Chinese)."""

    def fill(match: re.Match[str]) -> str:
        message = match.group(0)
        source = _SOURCE.search(message)
        if _EMPTY not in message or source is None:
            return message
        return message.replace(_EMPTY, f"<translation>{source.group(1)}</translation>")

    return _MESSAGE.sub(fill, text)


def update(ts: Path = TS, sources: Path = SOURCES) -> None:
    """Bring `ts` up to date with the strings in `sources` (new ones in, vanished ones out)."""
    ts.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [tool("pyside6-lupdate"), *LUPDATE_OPTIONS, str(sources), "-ts", str(ts)],
        check=True,
        capture_output=True,
    )
    ts.write_text(fill_untranslated(ts.read_text(encoding="utf-8")), encoding="utf-8")


def stale_lines(ts: Path = TS, sources: Path = SOURCES) -> list[str]:
    """How `ts` differs from what `update` would make of it (empty when current)."""
    current = ts.read_text(encoding="utf-8") if ts.exists() else ""
    with tempfile.TemporaryDirectory(prefix="kc-ts-") as folder:
        fresh = Path(folder) / ts.name
        if ts.exists():
            shutil.copyfile(ts, fresh)
        update(fresh, sources)
        wanted = fresh.read_text(encoding="utf-8")
    diff = difflib.unified_diff(
        current.splitlines(), wanted.splitlines(), str(ts), "sources", lineterm="", n=1
    )
    return list(diff)


def qt_translations_folder() -> Path:
    """Where the PySide6 wheel keeps Qt's own .qm files."""
    from PySide6.QtCore import QLibraryInfo

    return Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))


def build(ts: Path = TS, qm: Path = QM) -> list[Path]:
    """The .qm files the app loads at start: ours from the .ts, Qt's own copied beside it."""
    qm.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [tool("pyside6-lrelease"), "-silent", str(ts), "-qm", str(qm)],
        check=True,
        capture_output=True,
    )
    qt_qm = qm.parent / QT_CATALOGUE
    shutil.copyfile(qt_translations_folder() / QT_CATALOGUE, qt_qm)
    return [qm, qt_qm]


def messages(ts: Path = TS) -> set[tuple[str, str]]:
    """The (context, source text) pairs in a .ts file."""
    import xml.etree.ElementTree as ET

    pairs: set[tuple[str, str]] = set()
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            pairs.add((name, message.findtext("source") or ""))
    return pairs


_TRANSLATE_OWNERS = {"QCoreApplication", "QApplication", "QGuiApplication"}


def _wrapper_context(tree: ast.Module) -> str | None:
    """The context a module's `def _tr(text)` passes to QCoreApplication.translate."""
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == "_tr":
            for call in ast.walk(node):
                if (
                    isinstance(call, ast.Call)
                    and isinstance(call.func, ast.Attribute)
                    and call.func.attr == "translate"
                    and call.args
                    and isinstance(call.args[0], ast.Constant)
                ):
                    return str(call.args[0].value)
    return None


def _is_literal_translation(call: ast.Call) -> bool:
    """A tr / _tr / translate call with its text written out."""
    func = call.func
    name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
    at = 1 if name == "translate" else 0
    return (
        name in {"_tr", "tr", "translate"}
        and len(call.args) > at
        and isinstance(call.args[at], ast.Constant)
    )


class _Reader:
    """One module's translation calls: their run-time (context, text), and the unreadable ones."""

    def __init__(self, where: Path, wrapper: str | None) -> None:
        self.where, self.wrapper = where, wrapper
        self.pairs: set[tuple[str, str]] = set()
        self.problems: list[str] = []

    def problem(self, node: ast.expr, what: str) -> None:
        self.problems.append(f"{self.where}:{node.lineno}: {what}")

    def visit(self, node: ast.AST, cls: str | None, in_fstring: bool = False) -> None:
        for child in ast.iter_child_nodes(node):
            inner = child.name if isinstance(child, ast.ClassDef) else cls
            self.visit(child, inner, in_fstring or isinstance(node, ast.JoinedStr))
        if isinstance(node, ast.Call):
            if in_fstring and _is_literal_translation(node):
                self.problem(node, "translated inside an f-string (unseen)")
            self.call(node, cls)

    def call(self, node: ast.Call, cls: str | None) -> None:
        func, args = node.func, node.args
        context: str | None = None
        text_arg: ast.expr | None = None
        if isinstance(func, ast.Name) and func.id in {"tr", "translate"}:
            self.problem(
                node,
                f"{func.id}(…) is an alias lupdate misreads: spell out"
                " self.tr(…) or QCoreApplication.translate(…)",
            )
        elif isinstance(func, ast.Name) and func.id == "_tr" and args:
            context, text_arg = self.wrapper, args[0]
            if self.wrapper is None:
                self.problem(node, "_tr without a module wrapper")
        elif isinstance(func, ast.Attribute) and func.attr == "tr" and args:
            text_arg = args[0]
            if isinstance(func.value, ast.Name) and func.value.id == "self" and cls:
                context = cls
            elif isinstance(text_arg, ast.Constant):  # text given at run time: nothing to list
                self.problem(node, f"{ast.unparse(func)}(…): context unknown until it runs")
        elif (
            isinstance(func, ast.Attribute)
            and func.attr == "translate"
            and isinstance(func.value, ast.Name)
            and func.value.id in _TRANSLATE_OWNERS
            and len(args) >= 2
        ):
            text_arg = args[1]
            if isinstance(args[0], ast.Constant) and isinstance(args[0].value, str):
                context = args[0].value
        if text_arg is None or context is None:
            return
        if isinstance(text_arg, ast.Constant) and isinstance(text_arg.value, str):
            self.pairs.add((context, text_arg.value))
        elif isinstance(text_arg, ast.JoinedStr):
            self.problem(node, "f-string given to translate")


def code_messages(sources: Path = SOURCES) -> tuple[set[tuple[str, str]], list[str]]:
    """The (context, text) pairs the code asks Qt to translate when it runs, read from its syntax,
    and the calls whose context or text cannot be known before it runs (problems)."""
    pairs: set[tuple[str, str]] = set()
    problems: list[str] = []
    for path in sorted(sources.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        reader = _Reader(path.relative_to(sources.parent), _wrapper_context(tree))
        reader.visit(tree, None)
        pairs |= reader.pairs
        problems += reader.problems
    return pairs, problems


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    command = args[0] if args else ""
    if command == "update":
        update()
        print(f"updated {TS.relative_to(ROOT)} ({len(messages())} strings)")
        return 0
    if command == "build":
        for path in build():
            print(f"built {path.relative_to(ROOT)}")
        return 0
    if command == "check":
        pairs, problems = code_messages()
        unlisted = sorted(pairs - messages()) if TS.exists() else sorted(pairs)
        problems += [
            f"not in the catalogue under its run-time context {c!r}: {t!r}" for c, t in unlisted
        ]
        lines = stale_lines()
        if lines:
            print("\n".join(html.unescape(line) for line in lines[:80]))
            problems.append(f"{TS.relative_to(ROOT)} is not current: run {sys.argv[0]} update")
        print("\n".join(problems), file=sys.stderr)
        return 1 if problems else 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
