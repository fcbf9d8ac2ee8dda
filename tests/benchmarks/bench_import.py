"""Benchmark: `bureau import` of a 100,000 × 20 town workbook against a bare python-calamine parse.

Run: .venv/bin/python -m tests.benchmarks import            (100,000 rows; not collected by pytest)
     BENCH_IMPORT_ROWS=300000 .venv/bin/python -m tests.benchmarks import
     .venv/bin/python -m tests.benchmarks.bench_import 300000 [--runs N] [--no-preview]

Whole process against whole process, in the same run (import.md, issue "import speed"):
- anchor: a fresh `python -c` that loads the workbook with python-calamine and turns every row of the
  sheet into Python values;
- fresh: `bureau --db NEW.sqlite import FILE --year 2025 --json` into a freshly initialised store
  with the towns configured (a copy of one template store per run);
- again: the same import into a copy of the store the fresh import filled (every row unchanged),
  its `before-import` backup removed so the automatic backup of a full store is taken again.
The children keep compiled modules in a cache of the run (as an installed app has them), warmed
by one untimed import of a 1,000-row workbook. Each figure is the median of 3 runs: wall time, cpu time (user + system of the child, from
os.wait4's rusage) and the child's peak resident memory (ru_maxrss). Goals: fresh ≤ 2× the anchor's
wall and peak memory, the unchanged re-import ≤ 1.5× its wall. The workbook is generated once
per row count into $BUREAU_BENCH_CACHE (default ~/.cache/bureau-bench).
Then, in this process, the plan's preview tabs are timed (goal < 1 s) when PySide6 is there.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from tests.unit.importing.crafted import uscc

GENERATOR = 3  # bump when the generated workbook changes (the cache key)
RUNS = 3
HEADER = [
    "序号",
    "企业名称",
    "统一社会信用代码",
    "所属镇街",
    "注册地址",
    "成立日期",
    "行业类别",
    "法定代表人",
    "联系人",
    "联系电话",
    "是否规上工业企业",
    "营业收入(万元)",
    "研发费用(万元)",
    "从业人员数",
    "研发人员数",
    "是否有研发活动",
    "是否有研发机构",
    "高新技术企业证书编号",
    "高企发证日期",
    "备注",
]
TOWNS = ["十九里镇", "五马镇", "牛集镇", "古井镇", "汤陵街道", "芍花路街道", "魏岗镇", "观堂镇"]
WRITTEN_TOWNS = [*TOWNS, "十九里", "古井", "汤陵 街道"]  # how clerks write them, now and then
WORDS = ["华信", "恒远", "中科", "皖北", "药都", "金瑞", "博润", "康达", "鑫源", "天成", "宏图"]
TRADES = ["科技", "医药", "机械", "电子", "生物", "新材料", "食品", "纺织", "信息技术", "农业"]
INDUSTRIES = ["制造业", "医药制造业", "农副食品加工业", "软件和信息技术服务业", "批发和零售业"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明"]
ROADS = ["魏武大道", "芍花路", "药都路", "希夷大道", "光明路", "健康路", "汤王大道"]
NOTES = ["", "", "", "", "新增", "已核实", "2024年迁入", "重点企业"]
ROOT = Path(__file__).resolve().parents[2]
_SCRIPT = Path(sys.executable).with_name("bureau")
APP = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "desktop.cli"]
PARSE = (
    "import sys\n"
    "from python_calamine import CalamineWorkbook\n"
    "book = CalamineWorkbook.from_path(sys.argv[1])\n"
    "n = 0\n"
    "for name in book.sheet_names:\n"
    "    for row in book.get_sheet_by_name(name).to_python(skip_empty_area=False):\n"
    "        n += len(row)\n"
    "print(n)\n"
)


def _person(i: int) -> str:
    return SURNAMES[i % len(SURNAMES)] + GIVEN[(i // 7) % len(GIVEN)] + GIVEN[(i // 3) % 5][:1]


def _founded(i: int) -> object:
    d = date(1995, 1, 1) + timedelta(days=(i * 37) % 10500)
    if i % 10:  # most clerks' files hold real date cells; some dates are typed as text
        return d
    return (d.isoformat(), f"{d.year}/{d.month}/{d.day}", f"{d.year}年{d.month}月{d.day}日")[i % 3]


def _phone(i: int) -> str:
    if i % 997 == 0:
        return "见附件"  # not a number: a warning, kept as written
    if i % 9 == 0:
        return f"0558-55{i % 100000:05d}"
    return f"13{(i % 9) + 1}{(i * 7919) % 100000000:08d}"


def _row(i: int) -> list[object]:
    hte = i % 6 == 0
    issued = date(2021, 1, 1) + timedelta(days=(i * 13) % 1400)
    code = uscc(i + 1) if i % 1999 else uscc(i + 1)[:-1] + "0"  # now and then a bad check char
    revenue = round(50 + (i * 7.31) % 90000, 2)
    return [
        i + 1,
        f"亳州市{WORDS[i % len(WORDS)]}{TRADES[(i // 11) % len(TRADES)]}{i}有限公司",
        code,
        WRITTEN_TOWNS[i % len(WRITTEN_TOWNS)],
        f"亳州市谯城区{ROADS[i % len(ROADS)]}{1 + i % 800}号",
        _founded(i),
        INDUSTRIES[(i // 5) % len(INDUSTRIES)],
        _person(i),
        _person(i + 3),
        _phone(i),
        "是" if i % 4 == 0 else "否",
        revenue,
        round(revenue * ((i % 9) / 100), 2),
        5 + (i * 31) % 600,
        (i * 7) % 60,
        "是" if i % 3 else "否",
        "有" if i % 5 == 0 else "无",
        f"GR{issued.year}34{(i * 17) % 1000000:06d}" if hte else None,
        issued if hte else None,
        NOTES[i % len(NOTES)] or None,
    ]


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _column(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


_EPOCH = date(1899, 12, 30)
_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="企业名录" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
        '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>"
    ),
    "xl/styles.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<fonts count="1"><font><sz val="11"/><name val="宋体"/></font></fonts>'
        '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
        '<borders count="1"><border/></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        "</cellXfs></styleSheet>"
    ),
}


def generate(path: Path, rows: int) -> None:
    """A town workbook of `rows` enterprise rows laid out as Excel saves one: shared strings,
    dates as serial numbers with a date style, `<dimension>` and `spans`; written whole or not."""
    import zipfile

    strings: dict[str, int] = {}
    body = [["2025年度科技型企业统计台账（镇街报送）"], HEADER]
    body += [_row(i) for i in range(rows)]
    body.append([None, "合计", None, None, None, None, None, None, None, None, None, rows])
    body.append([None, "填表人：王芳", None, None, None, None, None, None, "审核人：李强"])
    lines = []
    for r, values in enumerate(body, 1):
        cells = []
        for c, value in enumerate(values):
            if value is None or value == "":
                continue
            ref = f"{_column(c)}{r}"
            if isinstance(value, str):
                index = strings.setdefault(value, len(strings))
                cells.append(f'<c r="{ref}" t="s"><v>{index}</v></c>')
            elif isinstance(value, date):
                cells.append(f'<c r="{ref}" s="1"><v>{(value - _EPOCH).days}</v></c>')
            else:
                cells.append(f'<c r="{ref}"><v>{value!r}</v></c>')
        lines.append(f'<row r="{r}" spans="1:{len(HEADER)}">{"".join(cells)}</row>')
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<dimension ref="A1:{_column(len(HEADER) - 1)}{len(body)}"/>'
        '<sheetViews><sheetView workbookViewId="0"/></sheetViews>'
        f"<sheetData>{''.join(lines)}</sheetData>"
        '<mergeCells count="1"><mergeCell ref="A1:T1"/></mergeCells></worksheet>'
    )
    shared = "".join(f"<si><t>{_xml(s)}</t></si>" for s in strings)
    part = path.with_name(path.name + ".part")
    with zipfile.ZipFile(part, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in _PARTS.items():
            archive.writestr(name, text)
        archive.writestr(
            "xl/sharedStrings.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            f'count="{len(strings)}" uniqueCount="{len(strings)}">{shared}</sst>',
        )
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    os.replace(part, path)


def cache_dir() -> Path:
    found = os.environ.get("BUREAU_BENCH_CACHE")
    return Path(found) if found else Path.home() / ".cache" / "bureau-bench"


def workbook(rows: int) -> Path:
    """The cached workbook of `rows` rows, generated on first use."""
    path = cache_dir() / f"town-{rows}-v{GENERATOR}.xlsx"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        generate(path, rows)
        print(f"generated {path} in {time.perf_counter() - start:.1f} s", flush=True)
    return path


@dataclass(frozen=True)
class Run:
    wall: float
    cpu: float
    rss_mb: float
    stdout: str


def run(argv: list[str], env: dict[str, str]) -> Run:
    """One child process: wall time, its cpu time and peak RSS from wait4, its output."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        child = subprocess.Popen(
            argv, stdout=out, stderr=err, env=env, stdin=subprocess.DEVNULL, cwd=ROOT
        )
        _pid, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        text, problems = out.read().decode(), err.read().decode()
    if child.returncode != 0:
        raise RuntimeError(f"{argv[:4]}… exited {child.returncode}: {problems[-2000:]}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, text)


def median(runs: list[Run]) -> Run:
    return Run(
        statistics.median(r.wall for r in runs),
        statistics.median(r.cpu for r in runs),
        statistics.median(r.rss_mb for r in runs),
        runs[-1].stdout,
    )


def environment(home: Path) -> dict[str, str]:
    """The children's environment: preferences and logs in a folder of this run."""
    env = dict(os.environ)
    for name in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME"):
        env[name] = str(home / name.lower())
    env.pop("BUREAU_DB", None)
    env.pop("BUREAU_PROGRESS", None)
    env["BUREAU_OPERATOR"] = "bench"
    # Compiled modules are kept (in this run's folder), as an installed app has them, even where
    # PYTHONDONTWRITEBYTECODE is set: else every child compiles the app's sources anew (~0.4 s).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(home / "pycache")
    return env


def template_store(folder: Path, env: dict[str, str]) -> Path:
    """An initialised store with the towns configured (copied for each fresh import)."""
    store = folder / "template" / "bench.sqlite"
    store.parent.mkdir(parents=True)
    run([*APP, "--db", str(store), "init"], env)
    run([*APP, "--db", str(store), "towns", "add", *TOWNS], env)
    return store


def copy_store(store: Path, to: Path, drop_import_backups: bool = False) -> Path:
    """The store's folder (store and its backups/) copied to `to`."""
    shutil.copytree(store.parent, to)
    if drop_import_backups:
        for backup in (to / "backups").glob("*before-import*"):
            backup.unlink()
    return to / store.name


def import_argv(store: Path, path: Path) -> list[str]:
    return [*APP, "--db", str(store), "import", str(path), "--year", "2025", "--json"]


def measure(path: Path, runs: int) -> dict[str, Any]:
    """Median figures of the anchor, the fresh import and the unchanged re-import."""
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        folder = Path(tmp)
        env = environment(folder / "home")
        template = template_store(folder, env)
        # Untimed: a small import compiles every module the import needs (see environment).
        run(import_argv(copy_store(template, folder / "warm-up"), workbook(1000)), env)
        parses, fresh, again = [], [], []
        filled: list[Path] = []
        counts: dict[str, Any] = {}
        for n in range(runs):  # interleaved, so drifts of the machine touch every figure alike
            parses.append(run([sys.executable, "-c", PARSE, str(path)], env))
            store = copy_store(template, folder / f"fresh{n}")
            fresh.append(run(import_argv(store, path), env))
            counts["counts_fresh"] = _counts(fresh[-1])
            filled.append(store)
            again_store = copy_store(filled[0], folder / f"again{n}", drop_import_backups=True)
            again.append(run(import_argv(again_store, path), env))
            counts["counts_again"] = _counts(again[-1])
            shutil.rmtree(again_store.parent)
        return {"parse": median(parses), "fresh": median(fresh), "again": median(again), **counts}


def _counts(result: Run) -> dict[str, int]:
    data = json.loads(result.stdout)
    keys = ("rows", "created", "updated", "unchanged", "rejected", "skipped")
    return {k: data[k] for k in keys} | {"warnings": len(data["warnings"])}


def preview(path: Path) -> None:
    """Seconds for the wizard's preview tabs to show the plan of the file (needs PySide6)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    try:
        from PySide6.QtWidgets import QApplication
    except ImportError:
        print("preview of the plan: skipped (PySide6 is not installed)")
        return
    from sqlalchemy import select

    from db.models import Town
    from db.services.towns import add_towns
    from db.store import open_store
    from desktop.importing.engine import ImportOptions, plan_import
    from desktop.progress import drain
    from desktop.ui.imports.preview import ImportPreview
    from desktop.ui.imports.sheets import sheets_of

    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "bench.sqlite")
        with store.transaction() as session:
            add_towns(session, TOWNS, "bench")
        plan = drain(plan_import(store, path, ImportOptions(year=2025)))
        with store.session() as session:
            towns = {t.id: t.name for t in session.scalars(select(Town))}
        store.close()
    app = QApplication.instance() or QApplication([])
    start = time.perf_counter()
    tabs = ImportPreview()
    tabs.resize(1200, 700)
    tabs.show_plan(plan, sheets_of(plan, towns), {})
    tabs.show()
    app.processEvents()
    seconds = time.perf_counter() - start
    tabs.close()
    print(f"preview of the plan: {seconds:.2f} s  (goal < 1 s)")


def main(argv: list[str] | None = None) -> None:
    """Generate (once), measure, print the table and the goals."""
    args = list(sys.argv[1:] if argv is None and __name__ == "__main__" else argv or [])
    global RUNS
    if "--runs" in args:
        at = args.index("--runs")
        RUNS = int(args[at + 1])
        del args[at : at + 2]
    show_preview = "--no-preview" not in args and not os.environ.get("BENCH_NO_PREVIEW")
    args = [a for a in args if a != "--no-preview"]
    rows = int(args[0]) if args else int(os.environ.get("BENCH_IMPORT_ROWS", "100000"))
    path = workbook(rows)
    print(f"workbook: {path} ({path.stat().st_size / 1e6:.1f} MB)", flush=True)
    figures = measure(path, RUNS)
    print_table(rows, figures)
    if show_preview:
        preview(path)


def print_table(rows: int, figures: dict[str, Any]) -> None:
    parse: Run = figures["parse"]
    print(f"{rows:,} rows × {len(HEADER)} columns, median of {RUNS} runs, whole processes")
    print(f"{'':28}{'wall s':>8}{'×':>7}{'cpu s':>8}{'×':>7}{'peak MB':>9}{'×':>7}")
    lines = [
        ("bare calamine parse", parse),
        ("bureau import (fresh)", figures["fresh"]),
        ("bureau import (unchanged)", figures["again"]),
    ]
    for label, r in lines:
        print(
            f"{label:28}{r.wall:8.2f}{r.wall / parse.wall:7.2f}{r.cpu:8.2f}"
            f"{r.cpu / parse.cpu:7.2f}{r.rss_mb:9.0f}{r.rss_mb / parse.rss_mb:7.2f}"
        )
    fresh, again = figures["fresh"], figures["again"]
    goals = [
        ("fresh wall ≤ 2×", fresh.wall / parse.wall, 2.0),
        ("unchanged wall ≤ 1.5×", again.wall / parse.wall, 1.5),
        ("fresh peak memory ≤ 2×", fresh.rss_mb / parse.rss_mb, 2.0),
        ("unchanged peak memory ≤ 2×", again.rss_mb / parse.rss_mb, 2.0),
    ]
    for label, ratio, goal in goals:
        print(f"  {label:28} {ratio:5.2f}  {'met' if ratio <= goal else 'MISSED'}")
    print(f"  counts (fresh):     {figures['counts_fresh']}")
    print(f"  counts (unchanged): {figures['counts_again']}")


if __name__ == "__main__":
    main()
