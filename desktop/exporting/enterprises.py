"""Export the enterprise roster (a filtered view) to .xlsx or .csv in the canonical import columns.

The file imports back with nothing changed: the headers are the canonical template headers of
spec/import.md, codes are text, dates are real dates, flags are 是/否, and the figures are those of
one data year (the latest year ≤ the as-of year that has figures, unless one is given).
"""

from __future__ import annotations

import csv
from collections.abc import Generator, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Enterprise, EnterpriseYear, Qualification, QualificationType, Town
from db.rules.validity import is_valid_on
from db.services.enterprises.roster import RosterFilter, RosterQuery
from db.store import Store
from desktop.progress import CancelToken, Progress

HEADERS: tuple[str, ...] = (
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
    "科技型中小企业入库编号",
    "入库年度",
    "备注",
)
TEXT_COLUMNS = frozenset(
    {"统一社会信用代码", "联系电话", "高新技术企业证书编号", "科技型中小企业入库编号"}
)
DATE_COLUMNS = frozenset({"成立日期", "高企发证日期"})
MONEY_COLUMNS = frozenset({"营业收入(万元)", "研发费用(万元)"})
WIDTHS = {"企业名称": 36, "统一社会信用代码": 22, "注册地址": 36, "高新技术企业证书编号": 20}
FORMULA_STARTS = ("=", "+", "-", "@")
BATCH = 1000
SHEET_TITLE = "企业名录"


def yes_no(value: bool | None) -> str | None:
    """是/否 for a flag, None when unknown."""
    return None if value is None else ("是" if value else "否")


def is_formula_like(value: object) -> bool:
    """Text a spreadsheet would read as a formula (= + - @ first)."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def default_data_year(session: Session, as_of: date) -> int:
    """The latest data year ≤ the as-of year that has figures (the as-of year − 1 when none)."""
    found = session.scalar(
        select(func.max(EnterpriseYear.year)).where(EnterpriseYear.year <= as_of.year)
    )
    return int(found) if found is not None else as_of.year - 1


def export_rows(
    session: Session, ids: Sequence[int], as_of: date, data_year: int
) -> list[list[Any]]:
    """One row of values per id (in the order given), in the order of HEADERS."""
    people = _enterprises(session, ids)
    figures = _figures(session, ids, data_year)
    hte = _high_tech(session, ids, as_of)
    sme = _tech_sme(session, ids, as_of)
    rows: list[list[Any]] = []
    for eid in ids:
        e = people.get(eid)
        if e is None:
            continue
        y = figures.get(eid)
        cert = hte.get(eid)
        entry = sme.get(eid)
        rows.append(
            [
                e.name,
                e.uscc,
                e.town,
                e.address,
                e.founded_on,
                e.industry,
                e.legal_rep,
                e.contact,
                e.phone,
                yes_no(e.above_scale),
                y.revenue if y else None,
                y.rd_expense if y else None,
                y.employees if y else None,
                y.rd_staff if y else None,
                yes_no(y.rd_activity) if y else None,
                yes_no(y.rd_institution) if y else None,
                cert[0] if cert else None,
                cert[1] if cert else None,
                entry[0] if entry else None,
                entry[1] if entry else None,
                e.note,
            ]
        )
    return rows


def _enterprises(session: Session, ids: Sequence[int]) -> dict[int, Any]:
    stmt = (
        select(Enterprise, Town.name.label("town_name"))
        .outerjoin(Town, Town.id == Enterprise.town_id)
        .where(Enterprise.id.in_(list(ids)))
    )
    out: dict[int, Any] = {}
    for e, town in session.execute(stmt):
        out[e.id] = _Person(e, town)
    return out


class _Person:
    """The enterprise's own columns, with its town's name."""

    def __init__(self, e: Enterprise, town: str | None) -> None:
        self.name, self.uscc, self.town = e.name, e.uscc, town
        self.address, self.founded_on, self.industry = e.address, e.founded_on, e.industry
        self.legal_rep, self.contact, self.phone = e.legal_rep, e.contact, e.phone
        self.above_scale, self.note = e.above_scale, e.note


def _figures(session: Session, ids: Sequence[int], year: int) -> dict[int, EnterpriseYear]:
    stmt = select(EnterpriseYear).where(
        EnterpriseYear.enterprise_id.in_(list(ids)), EnterpriseYear.year == year
    )
    return {y.enterprise_id: y for y in session.scalars(stmt)}


def _quals(session: Session, ids: Sequence[int], code: str) -> Iterator[Qualification]:
    stmt = (
        select(Qualification)
        .join(QualificationType, QualificationType.id == Qualification.type_id)
        .where(
            QualificationType.code == code,
            Qualification.enterprise_id.in_(list(ids)),
            Qualification.deleted_at.is_(None),
        )
    )
    return iter(session.scalars(stmt))


def _high_tech(session: Session, ids: Sequence[int], as_of: date) -> dict[int, tuple[str, date]]:
    """The latest certificate valid on the as-of date: (number, issue date)."""
    best: dict[int, Qualification] = {}
    for q in _quals(session, ids, "high_tech"):
        if q.number is None or q.issued_on is None:
            continue
        if not is_valid_on(as_of, q.valid_from, q.valid_through, q.revoked_on):
            continue
        held = best.get(q.enterprise_id)
        if held is None or (held.issued_on or date.min) < q.issued_on:
            best[q.enterprise_id] = q
    return {k: (q.number or "", q.issued_on or as_of) for k, q in best.items()}


def _tech_sme(
    session: Session, ids: Sequence[int], as_of: date
) -> dict[int, tuple[str | None, int]]:
    """The latest tech-SME entry (not revoked) for a year ≤ the as-of year: (number, year)."""
    best: dict[int, Qualification] = {}
    for q in _quals(session, ids, "tech_sme"):
        year = q.evaluation_year
        if year is None or year > as_of.year or q.revoked_on is not None:
            continue
        held = best.get(q.enterprise_id)
        if held is None or (held.evaluation_year or 0) < year:
            best[q.enterprise_id] = q
    return {k: (q.number, q.evaluation_year or as_of.year) for k, q in best.items()}


# ----- writing -----


def _header_cell(ws: Worksheet, text: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=text)
    cell.font = Font(bold=True)
    cell.fill = PatternFill("solid", fgColor="DDEBF7")
    thin = Side(style="thin", color="808080")
    cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    return cell


def _data_cell(ws: Worksheet, header: str, value: Any) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    if header in TEXT_COLUMNS:
        cell.number_format = "@"
    elif header in DATE_COLUMNS and value is not None:
        cell.number_format = "yyyy-mm-dd"
    elif header in MONEY_COLUMNS and value is not None:
        cell.number_format = "0.00"
    if is_formula_like(value):
        # Stored as a string cell with the quote prefix: never a formula, reads back unchanged.
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def _set_up_sheet(ws: Worksheet, rows: int) -> None:
    for i, header in enumerate(HEADERS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = WIDTHS.get(header, 14)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(HEADERS))}{rows + 1}"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def export_enterprises(
    store: Store,
    path: Path,
    f: RosterFilter,
    as_of: date,
    cancel: CancelToken | None = None,
    *,
    order: Sequence[int] | None = None,
    data_year: int | None = None,
) -> Generator[Progress, None, Path]:
    """Write the enterprises matching `f` (in `order` when given) to .xlsx or .csv (by suffix)."""
    with store.session() as s:
        ids = list(order) if order is not None else RosterQuery(as_of).ids(s, f)
        year = data_year if data_year is not None else default_data_year(s, as_of)
        chunks = _chunks(s, ids, as_of, year, cancel)
        if path.suffix.lower() == ".csv":
            yield from _write_csv(path, chunks, len(ids))
        else:
            yield from _write_xlsx(path, chunks, len(ids))
    return path


def _chunks(
    s: Session, ids: list[int], as_of: date, year: int, cancel: CancelToken | None
) -> Iterator[list[list[Any]]]:
    for start in range(0, len(ids), BATCH):
        if cancel is not None:
            cancel.raise_if_cancelled()
        yield export_rows(s, ids[start : start + BATCH], as_of, year)


def _write_xlsx(
    path: Path, chunks: Iterator[list[list[Any]]], total: int
) -> Generator[Progress, None, None]:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SHEET_TITLE)
    _set_up_sheet(ws, total)
    ws.append([_header_cell(ws, h) for h in HEADERS])
    done = 0
    for rows in chunks:
        for row in rows:
            ws.append([_data_cell(ws, h, v) for h, v in zip(HEADERS, row, strict=True)])
        done += len(rows)
        yield Progress(done, total, "正在导出…")
    tmp = path.with_name(path.name + ".part")
    wb.save(tmp)
    tmp.replace(path)
    yield Progress(total, total, "已导出")


def _csv_text(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else value


def _write_csv(
    path: Path, chunks: Iterator[list[list[Any]]], total: int
) -> Generator[Progress, None, None]:
    tmp = path.with_name(path.name + ".part")
    done = 0
    with tmp.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(HEADERS)
        for rows in chunks:
            writer.writerows([[_csv_text(v) for v in row] for row in rows])
            done += len(rows)
            yield Progress(done, total, "正在导出…")
    tmp.replace(path)
    yield Progress(total, total, "已导出")
