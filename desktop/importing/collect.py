"""Collection rounds (征集, spec/import.md): the kinds a round collects, its files' names, and the
hidden 征集信息 sheet that tells a returned workbook's round, kind, town and data year.

A round writes one pre-filled workbook per town (desktop/importing/collect_book.py; the rounds
themselves: desktop/importing/collecting.py and db/services/rounds.py). `read_marker` finds the
hidden sheet again in a returned file; the importer takes the town, the year and the kind from it and
rows are matched by their code, as in any import. This module imports neither the import engine nor
openpyxl, so the engine may call `read_marker`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from db.rules.text import strip_controls
from db.rules.years import record_year_problem
from db.services.enterprises.roster import RosterFilter, RosterQuery
from desktop.exporting.files import OutputError
from desktop.exporting.scope import ExportScope
from desktop.importing.schemas import SCHEMAS

if TYPE_CHECKING:  # read_marker stays light: openpyxl loads only when a workbook is written
    from sqlalchemy.orm import Session

    from desktop.exporting.sheets import Sheet
    from desktop.importing.readers import WorkbookData

MARKER_SHEET = "征集信息"
MARKER_NOTE = "本工作表由科创台账生成，用于识别回收的征集表，请勿修改"
MARKER_LABELS = {"round_id": "征集编号", "kind": "类型", "town": "镇街", "year": "年度"}
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
UNSAFE_IN_NAMES = re.compile(r'[<>:"/\\|?*\x00-\x1f]')


class CollectRefused(ValueError):
    """A round that cannot be made (a kind without towns, a bad year …); the message is for the clerk."""


@dataclass(frozen=True)
class RoundMarker:
    """What the hidden 征集信息 sheet of a round's workbook says."""

    round_id: int
    kind: str
    town: str
    year: int


# ---------------------------------------------------------------- what each kind collects

RowReader = Callable[
    ["Session", int, int], "Sheet"
]  # (session, town id, data year) → the town's rows


def _enterprises(session: Session, town_id: int, year: int) -> Sheet:
    from desktop.exporting.enterprises import enterprise_sheets

    today = date.today()
    ids = RosterQuery(today).ids(session, RosterFilter(town_id=town_id))
    return enterprise_sheets(session, ids, today, year)[0]


def _exported(kind: str) -> RowReader:
    def read(session: Session, town_id: int, year: int) -> Sheet:
        from desktop.exporting.catalogue import KINDS

        del year  # these kinds have no yearly figures
        return KINDS[kind].read(session, ExportScope(town_id=town_id))[0]

    return read


@dataclass(frozen=True)
class Collected:
    """A kind a round can collect: how a town's rows are read, which columns are its key."""

    kind: str
    read: RowReader
    locked: tuple[str, ...]  # fields locked on the pre-filled rows (how import matches them)


COLLECTED: dict[str, Collected] = {
    c.kind: c
    for c in (
        Collected("enterprises", _enterprises, ("uscc",)),
        Collected("carriers", _exported("carriers"), ("name",)),
        Collected("platforms", _exported("platforms"), ("kind", "name")),
        Collected("demands", _exported("demands"), ("requester", "problem", "raised_on")),
        Collected("incubatees", _exported("incubatees"), ("carrier", "name")),
    )
}
NOT_COLLECTED = {
    "commissioners": "科技特派员不分镇街，不能按镇街征集",
    "services": "服务记录含特派员的身份证号码，不下发到镇街征集，请由特派员或派出单位报送",
}


def collected(kind: str) -> Collected:
    """The collection of a kind; CollectRefused naming the kinds that can be collected otherwise."""
    found = COLLECTED.get(kind)
    if found is not None:
        return found
    if kind in NOT_COLLECTED:
        raise CollectRefused(f"“{SCHEMAS[kind].title}”（{kind}）：{NOT_COLLECTED[kind]}")
    known = "、".join(COLLECTED)
    if kind in SCHEMAS:
        raise CollectRefused(f"“{SCHEMAS[kind].title}”（{kind}）不能按镇街征集（可用：{known}）")
    raise CollectRefused(f"未知的征集类型：{kind}（可用：{known}）")


def kind_title(kind: str) -> str:
    """The kind's name for the clerk (企业名单 …)."""
    return SCHEMAS[kind].title


def town_file_name(town: str, kind: str, year: int) -> str:
    """`<town>-<kind title>-<year>.xlsx`, with characters no file name may hold replaced by _."""
    safe = UNSAFE_IN_NAMES.sub("_", strip_controls(town)).strip(" .") or "镇街"
    return f"{safe}-{kind_title(kind)}-{year}.xlsx"


# ---------------------------------------------------------------- the marker


def _as_int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _marker_from_rows(rows: Sequence[Sequence[object]]) -> RoundMarker | None:
    by_label = {v: k for k, v in MARKER_LABELS.items()}
    found: dict[str, object] = {}
    for row in rows:
        if len(row) >= 2 and isinstance(row[0], str) and row[0].strip() in by_label:
            found.setdefault(by_label[row[0].strip()], row[1])
    round_id, year = _as_int(found.get("round_id")), _as_int(found.get("year"))
    kind, town = found.get("kind"), found.get("town")
    if round_id is None or round_id <= 0 or year is None or not 1900 <= year <= 2200:
        return None
    if not isinstance(kind, str) or kind.strip() not in SCHEMAS:
        return None
    if not isinstance(town, str) or not town.strip():
        return None
    return RoundMarker(round_id, kind.strip(), town.strip(), year)


def marker_of(book: WorkbookData) -> RoundMarker | None:
    """The round of a workbook already read by the importer's bounded readers, else None."""
    for sheet in book.sheets:
        if sheet.name.strip() == MARKER_SHEET:
            return _marker_from_rows(sheet.rows[:20])
    return None


def read_marker(path: Path) -> RoundMarker | None:
    """The round a returned workbook belongs to, from its hidden 征集信息 sheet only; None for any
    other file (CSV, a workbook without that sheet or with something else in it, garbage).

    The sheet is read by the importer's bounded readers (a far cell cannot take the process down);
    an xlsx is first asked for its sheet names alone, so a big workbook of another kind costs
    nothing. Reading may raise OSError (missing, no permission); a readable file never raises.
    """
    with path.open("rb") as handle:
        head = handle.read(8)
    if not (head.startswith(b"PK\x03\x04") or head.startswith(b"\xd0\xcf\x11\xe0")):
        return None  # neither a zip (xlsx, ods) nor an OLE (xls) workbook
    try:
        from desktop.importing.readers import detect_format, read_workbook

        if detect_format(path) == "xlsx":
            import zipfile

            from desktop.importing import xlsx

            with zipfile.ZipFile(path) as archive:
                entries, _ = xlsx.workbook_sheets(archive)
            if all(e.name != MARKER_SHEET for e in entries):
                return None
        return marker_of(read_workbook(path, MARKER_SHEET))
    except Exception:  # a broken or strange file is simply not a round's workbook
        return None


def check_round_options(kind: str, year: int, folder: Path, today: date | None = None) -> None:
    """Refuse before any work: a kind that is not collected, a bad year, an unusable folder."""
    collected(kind)
    problem = record_year_problem(year, today or date.today())
    if problem:
        raise CollectRefused(f"数据{problem}：{year}")
    if not folder.is_dir():
        what = "不是文件夹" if folder.exists() else "不存在"
        raise OutputError(f"输出文件夹{what}：{folder}")
