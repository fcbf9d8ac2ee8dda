"""The house rules of the code, read statically (ARCHITECTURE.md, STYLE.md):

* the window never opens a store transaction: every write is a named operation on the one write
  worker (desktop/operations.py, desktop/ui/shell/operations.py);
* no import circle among the modules of db/ and desktop/ (imports inside functions included);
* no private name imported from another package;
* no module over 600 lines (migrations aside);
* screens do not import each other: a screen package uses desktop/ui/common and desktop/ui/shell.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAX_LINES = 600
SHARED_UI = {"common", "shell"}


@cache
def modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for top in ("db", "desktop"):
        for path in (ROOT / top).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def owner(name: str) -> str | None:
    """The module of ours that a dotted name belongs to (None for third-party names)."""
    mods = modules()
    while name and name not in mods:
        name = name.rpartition(".")[0]
    return name or None


def resolve(importer: str, is_package: bool, level: int, module: str | None) -> str:
    if level == 0:
        return module or ""
    base = importer.split(".") if is_package else importer.split(".")[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join(base + ([module] if module else []))


@cache
def imports() -> dict[str, list[tuple[str, str, int]]]:
    """Per module: (imported module, imported name or '', line) for every import anywhere in it."""
    out: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
    for name, path in modules().items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        is_package = path.name == "__init__.py"
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if (o := owner(alias.name)) and o != name:
                        out[name].append((o, "", node.lineno))
            elif isinstance(node, ast.ImportFrom):
                target = resolve(name, is_package, node.level, node.module)
                for alias in node.names:
                    sub = owner(f"{target}.{alias.name}")
                    o = sub if sub and sub != owner(target) else owner(target)
                    if o and o != name:
                        out[name].append((o, alias.name, node.lineno))
    return out


def test_the_window_never_opens_a_transaction() -> None:
    found = []
    for name, path in modules().items():
        if not name.startswith("desktop.ui"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("transaction", "commit")
            ):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not found, "store writes inside desktop/ui (use run_op): " + ", ".join(found)


def test_no_import_circles() -> None:
    graph = {name: {o for o, _n, _l in found} for name, found in imports().items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for v in modules():
        if v not in index:
            visit(v)
    # a package re-exporting its own modules is no circle
    real = [c for c in circles if not all(x.startswith(min(c, key=len)) for x in c)]
    assert not real, real


def test_no_private_names_taken_across_packages() -> None:
    taken = [
        f"{name} takes {o}.{n}"
        for name, found in imports().items()
        for o, n, _line in found
        if n.startswith("_")
        and not n.startswith("__")
        and o.rpartition(".")[0] != name.rpartition(".")[0]
    ]
    assert not taken, taken


def test_no_module_over_600_lines() -> None:
    long = {
        str(p.relative_to(ROOT)): n
        for p in modules().values()
        if (n := p.read_text(encoding="utf-8").count("\n")) > MAX_LINES
    }
    assert not long, long


def test_screens_do_not_import_each_other() -> None:
    def screen_of(module: str) -> str | None:
        parts = module.split(".")
        if len(parts) > 3 and parts[:2] == ["desktop", "ui"] and parts[2] not in SHARED_UI:
            return parts[2]
        return None

    crossing = []
    for name, found in imports().items():
        mine = screen_of(name)
        for o, _n, line in found:
            theirs = screen_of(o)
            if theirs and theirs != mine and (mine or name.startswith("desktop.ui.common")):
                crossing.append(f"{name}:{line} imports {o}")
    assert not crossing, crossing
