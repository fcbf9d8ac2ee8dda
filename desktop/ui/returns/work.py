"""The background reads of the returns screen (no Qt): generate, load archived files.

报出 (and 更正, a new version of a submitted return) is a named operation of its own
(`desktop.returns.archive.submit`, run with run_op); it renders the files with 报出日期 filled.
"""

from __future__ import annotations

import io
import re
from collections.abc import Generator
from dataclasses import dataclass
from datetime import date

from db.services.figures.rd_lists import latest_figures_year
from db.services.figures.returns_data import SubmittedFiles, SubmittedSummary, town_names
from db.store import Store, change_stamp
from desktop.progress import CancelToken, Progress
from desktop.returns import archive
from desktop.returns.compute import compute, parse_period
from desktop.returns.definitions import get_definition
from desktop.returns.model import Period, ReturnDefinition, ReturnTable
from desktop.returns.pdf import render_pdf_steps
from desktop.returns.xlsx import xlsx_bytes

_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')
# Returns counted on the enterprises' yearly figures (entered the spring after the year).
FIGURE_YEAR_RETURNS = ("rd-zero-clearing",)


@dataclass(frozen=True)
class Request:
    """What the clerk picked: a return, a period, a town (None = 全区) and an as-of date."""

    definition: ReturnDefinition
    period: Period
    town: str | None
    as_of: date | None


@dataclass(frozen=True)
class Generated:
    """A computed return and its two renderings, exactly as previewed."""

    request: Request
    table: ReturnTable
    pdf: bytes
    xlsx: bytes
    pages: int
    stamp: tuple[object, ...] = ()  # the store's change stamp read before computing


@dataclass(frozen=True)
class Choices:
    """What the picker offers from the store: the towns, and per return the year to start on."""

    towns: list[str]
    data_years: dict[str, int]


def file_stem(title: str, period_code: str) -> str:
    """A file name stem like 高新技术企业名册-2025 (characters Windows refuses are replaced)."""
    return _UNSAFE.sub("_", f"{title}-{period_code}").strip("_")


def generate(
    store: Store, request: Request, cancel: CancelToken
) -> Generator[Progress, None, Generated]:
    """Compute the return, render its PDF page by page, then its XLSX."""
    yield Progress(0, 0, "正在统计数据…")
    stamp = change_stamp(store)  # before reading: a write meanwhile makes the preview stale
    with store.session() as session:
        table = compute(request.definition, session, request.period, request.town, request.as_of)
    cancel.raise_if_cancelled()
    buffer = io.BytesIO()
    pages = yield from render_pdf_steps(table, buffer, cancel)
    yield Progress(pages, pages, "正在生成 Excel…")
    data = xlsx_bytes(table)
    return Generated(request, table, buffer.getvalue(), data, pages, stamp)


def read_stamp(store: Store) -> Generator[Progress, None, tuple[object, ...]]:
    """The store's change stamp (what a generated preview was computed on, compared later)."""
    yield from ()
    return change_stamp(store)


@dataclass(frozen=True)
class History:
    """The submitted returns, newest first, and which of them no later version corrects."""

    items: list[SubmittedSummary]
    latest: set[int]


def load_history(store: Store) -> Generator[Progress, None, History]:
    """The submitted returns, newest first (every version), and the latest of each."""
    yield Progress(0, 0, "正在读取已报出的报表…")
    with store.session() as session:
        return History(archive.list_submitted(session), archive.latest_version_ids(session))


def correction_request(summary: SubmittedSummary) -> Request:
    """What to generate again to correct a submitted return: same return, period, town, date."""
    definition = get_definition(summary.return_id)
    if definition is None:
        raise LookupError(f"本程序已没有这个报表，不能更正：{summary.title}")
    period = parse_period(summary.period, definition)
    return Request(definition, period, summary.town, summary.as_of)


def load_submitted(store: Store, submitted_id: int) -> Generator[Progress, None, SubmittedFiles]:
    """The files of one submitted return exactly as stored."""
    yield Progress(0, 0, "正在读取报表…")
    with store.session() as session:
        found = archive.get_submitted(session, submitted_id)
    if found is None:
        raise LookupError(f"找不到已报出的报表（编号 {submitted_id}）")
    return found


def load_choices(store: Store, today: date | None = None) -> Generator[Progress, None, Choices]:
    """The towns in display order, and the year each return counted on yearly figures starts on:
    the latest year with figures (not the current year, which has none until next spring)."""
    yield Progress(0, 0, "正在读取镇街…")
    this_year = (today or date.today()).year
    with store.session() as session:
        towns = town_names(session)
        latest = latest_figures_year(session, this_year)
    years = {} if latest is None else dict.fromkeys(FIGURE_YEAR_RETURNS, latest)
    return Choices(towns, years)
